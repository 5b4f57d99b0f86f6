/*
 * cmd_downgrade.c: `retort downgrade REV [--sql] [--tag TAG]`.
 *
 * Online, each step is reported by the library ("Running downgrade b -> a,
 * msg"); with --sql nothing is touched and the script goes to stdout.  A
 * range A:B only makes sense offline, as in Alembic.
 */
#include "cli.h"

#include <string.h>

enum { O_SQL = 256, O_TAG };

static const cli_opt opts[] = {
	{ O_SQL, 0, "sql", 0 },
	{ O_TAG, 0, "tag", 1 },
	{ 0, 0, NULL, 0 }
};

static int on_opt(void *data, int id, const char *arg)
{
	retort_run_options *o = data;
	if (id == O_SQL) {
		o->sql = cli_sql_out;
	} else if (id == O_TAG) {
		o->tag = arg;
	}
	return 0;
}

static int cmd_downgrade(cli *c, int argc, char **argv)
{
	retort_run_options o = RETORT_RUN_OPTIONS_INIT;
	cli_getopt g;
	int code = cli_parse(c, &g, &cli_cmd_downgrade, opts, argc, argv, on_opt, &o);
	const char *target = g.npos == 1 ? g.pos[0] : NULL;
	if (code < 0 && g.npos != 1)
		code = cli_usage_error(&cli_cmd_downgrade, g.npos ? "too many arguments"
								: "a revision is required");
	cli_getopt_free(&g);
	if (code >= 0)
		return code;
	if (!o.sql && strchr(target, ':'))
		return cli_usage_error(&cli_cmd_downgrade,
				       "range revision not allowed without --sql");

	retort *r;
	if ((code = cli_open(c, 0, &r)))
		return code;
	int rc = retort_downgrade(r, target, &o);
	if (rc < 0)
		code = cli_fail(r, rc);
	retort_free(r);
	return code;
}

const cli_cmd cli_cmd_downgrade = {
	"downgrade", NULL, cmd_downgrade,
	"revert revisions down to a target",
	"downgrade [--sql] [--tag TAG] REV",
	"  REV          -N, base, an id or prefix, label@-1;\n"
	"               START:END with --sql\n"
	"  --sql        write the SQL script to standard output; touch nothing\n"
	"  --tag TAG    a tag kept with each step in retort_log\n"
};
