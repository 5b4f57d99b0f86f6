/*
 * cmd_ensure_version.c: `retort ensure-version [--sql]`: create the version
 * table if it is missing (Alembic's ensure_version).
 */
#include "cli.h"

enum { O_SQL = 256 };

static const cli_opt opts[] = {
	{ O_SQL, 0, "sql", 0 },
	{ 0, 0, NULL, 0 }
};

static int on_opt(void *data, int id, const char *arg)
{
	((retort_run_options *)data)->sql = cli_sql_out;
	return 0;
}

static int cmd_ensure_version(cli *c, int argc, char **argv)
{
	retort_run_options o = RETORT_RUN_OPTIONS_INIT;
	int code = cli_parse_none(c, &cli_cmd_ensure_version, opts,
				  argc, argv, on_opt, &o);
	if (code >= 0)
		return code;

	retort *r;
	if ((code = cli_open(c, 0, &r)))
		return code;
	int rc = retort_ensure_version(r, &o);
	if (rc < 0)
		code = cli_fail(r, rc);
	retort_free(r);
	return code;
}

const cli_cmd cli_cmd_ensure_version = {
	"ensure-version", "ensure_version", cmd_ensure_version,
	"create the version table if it is missing",
	"ensure-version [--sql]",
	"  --sql   write the SQL to standard output; touch nothing\n"
};
