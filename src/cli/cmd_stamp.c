/*
 * cmd_stamp.c: `retort stamp REV... [--sql] [--tag TAG] [--purge]`: set the
 * version table to these revisions without running their SQL.
 */
#include "cli.h"

enum { O_SQL = 256, O_TAG, O_PURGE };

static const cli_opt opts[] = {
	{ O_SQL, 0, "sql", 0 },
	{ O_TAG, 0, "tag", 1 },
	{ O_PURGE, 0, "purge", 0 },
	{ 0, 0, NULL, 0 }
};

static int on_opt(void *data, int id, const char *arg)
{
	retort_run_options *o = data;
	switch (id) {
	case O_SQL: o->sql = cli_sql_out; break;
	case O_TAG: o->tag = arg; break;
	case O_PURGE: o->purge = 1; break;
	}
	return 0;
}

static int cmd_stamp(cli *c, int argc, char **argv)
{
	retort_run_options o = RETORT_RUN_OPTIONS_INIT;
	cli_getopt g;
	int code = cli_parse(c, &g, &cli_cmd_stamp, opts, argc, argv, on_opt, &o);
	if (code < 0 && !g.npos)
		code = cli_usage_error(&cli_cmd_stamp, "a revision is required");
	if (code >= 0) {
		cli_getopt_free(&g);
		return code;
	}

	retort *r;
	if (!(code = cli_open(c, 0, &r))) {
		if (o.sql)
			o.sql_data = c;
		cli_steps_begin(c, r);
		code = cli_steps_end(c, r, retort_stamp(r, (const char *const *)g.pos, g.npos, &o));
		retort_free(r);
	}
	cli_getopt_free(&g);
	return code;
}

const cli_cmd cli_cmd_stamp = {
	"stamp", NULL, cmd_stamp,
	"set the version table without running any SQL",
	"stamp [--sql] [--tag TAG] [--purge] REV...",
	"  REV...      the revisions to record (heads, base, ids, labels)\n"
	"  --sql       write the SQL script to standard output; touch nothing\n"
	"  --tag TAG   a tag kept in retort_log\n"
	"  --purge     empty the version table first, whatever it holds\n"
};
