/*
 * migrate.c: what `upgrade` and `downgrade` share: REV [--sql] [--tag TAG]
 * [--no-validate] (only upgrade validates; downgrade takes it and ignores it).
 *
 * Online, each step is reported by the library ("Running upgrade a -> b,
 * msg"); with --sql nothing is touched and the script goes to stdout.  A
 * range A:B only makes sense offline, as in Alembic.
 */
#include "cli.h"

#include <string.h>

enum { O_SQL = 256, O_TAG, O_NO_VALIDATE };

static const cli_opt opts[] = {
	{ O_SQL, 0, "sql", 0 },
	{ O_TAG, 0, "tag", 1 },
	{ O_NO_VALIDATE, 0, "no-validate", 0 },
	{ 0, 0, NULL, 0 }
};

static int on_opt(void *data, int id, const char *arg)
{
	retort_run_options *o = data;
	if (id == O_SQL)
		o->sql = cli_sql_out;
	else if (id == O_TAG)
		o->tag = arg;
	else if (id == O_NO_VALIDATE)
		o->no_validate = 1;
	return 0;
}

int cli_migrate(cli *c, const cli_cmd *cmd, int argc, char **argv, cli_migrate_fn run)
{
	retort_run_options o = RETORT_RUN_OPTIONS_INIT;
	cli_getopt g;
	int code = cli_parse(c, &g, cmd, opts, argc, argv, on_opt, &o);
	const char *target = g.npos == 1 ? g.pos[0] : NULL;
	if (code < 0 && g.npos != 1)
		code = cli_usage_error(cmd, g.npos ? "too many arguments"
						   : "a revision is required");
	/* the library reads "" as "heads": from a command line (an unset
	   "$REV") it is a mistake, never a wish to apply everything */
	else if (code < 0 && !*target)
		code = cli_usage_error(cmd, "the revision is empty");
	cli_getopt_free(&g);
	if (code >= 0)
		return code;
	if (!o.sql && strchr(target, ':'))
		return cli_usage_error(cmd, "range revision not allowed without --sql");

	retort *r;
	if ((code = cli_open(c, 0, &r)))
		return code;
	if (o.sql)
		o.sql_data = c;
	cli_steps_begin(c, r);
	code = cli_steps_end(c, r, run(r, target, &o));
	retort_free(r);
	return code;
}

void cli_steps_begin(cli *c, retort *r)
{
	if (c->json && !c->steps)
		c->steps = json_array();
	cli_catch_interrupts(r);
}

int cli_steps_end(cli *c, retort *r, int rc)
{
	cli_release_interrupts();
	if (rc < 0)
		return cli_fail(r, rc);
	if (c->json)
		cli_json_print_run(c, r);
	return 0;
}
