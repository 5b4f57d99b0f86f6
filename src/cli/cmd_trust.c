/*
 * cmd_trust.c: `retort dump`, `baseline -m MSG`, `verify` and `drift`:
 * the schema as SQL, a history collapsed, every downgrade checked, and the
 * database compared with its own history (trust.c says how).
 */
#include "cli.h"

#include <stdlib.h>

static int cmd_dump(cli *c, int argc, char **argv)
{
	int code = cli_parse_none(c, &cli_cmd_dump, NULL, argc, argv, NULL, NULL);
	if (code >= 0)
		return code;
	retort *r;
	if ((code = cli_open(c, 0, &r)))
		return code;
	char *sql = NULL;
	int rc = retort_dump(r, &sql);
	if (rc < 0) {
		code = cli_fail(r, rc);
	} else if (c->json) {
		json_t *doc = json_object();
		json_object_set_new(doc, "sql", json_string(sql));
		cli_json_print(doc);
	} else {
		fputs(sql, stdout);
	}
	free(sql);
	retort_free(r);
	return code;
}

enum { O_MESSAGE = 'm' };

static const cli_opt baseline_opts[] = {
	{ O_MESSAGE, 'm', "message", 1 },
	{ 0, 0, NULL, 0 }
};

static int on_baseline_opt(void *data, int id, const char *arg)
{
	if (id == O_MESSAGE)
		*(const char **)data = arg;
	return 0;
}

static int cmd_baseline(cli *c, int argc, char **argv)
{
	const char *message = NULL;
	int code = cli_parse_none(c, &cli_cmd_baseline, baseline_opts, argc, argv,
				  on_baseline_opt, &message);
	if (code >= 0)
		return code;
	retort *r;
	if ((code = cli_open(c, 0, &r)))
		return code;
	char *path = NULL;
	int rc = retort_baseline(r, message, &path);
	if (rc < 0)
		code = cli_fail(r, rc);
	else if (c->json) {
		json_t *doc = json_object();
		json_object_set_new(doc, "path", json_string(path));
		cli_json_print(doc);
	}
	free(path);
	retort_free(r);
	return code;
}

/* verify and drift: exit 1 with the problems listed, 0 with a summary. */
static int run_check(cli *c, const cli_cmd *cmd, int (*fn)(retort *), int argc, char **argv)
{
	int code = cli_parse_none(c, cmd, NULL, argc, argv, NULL, NULL);
	if (code >= 0)
		return code;
	retort *r;
	if ((code = cli_open(c, 0, &r)))
		return code;
	cli_catch_interrupts(r);
	int rc = fn(r);
	if (rc < 0)
		code = cli_fail(r, rc);
	else if (c->json) {
		json_t *doc = json_object();
		json_object_set_new(doc, "ok", json_true());
		cli_json_print(doc);
	}
	retort_free(r);
	return code;
}

static int cmd_verify(cli *c, int argc, char **argv)
{
	return run_check(c, &cli_cmd_verify, retort_verify, argc, argv);
}

static int cmd_drift(cli *c, int argc, char **argv)
{
	return run_check(c, &cli_cmd_drift, retort_drift, argc, argv);
}

const cli_cmd cli_cmd_dump = {
	"dump", NULL, cmd_dump,
	"print the database's schema as SQL (without the version table)",
	"dump",
	NULL
};

const cli_cmd cli_cmd_baseline = {
	"baseline", NULL, cmd_baseline,
	"collapse the history into one revision: the database's schema, at its head's id",
	"baseline [-m MSG]",
	"  -m MSG   the new revision's message (default: baseline)\n"
	"The database must be at the single head.  The revision files move to\n"
	"an archive folder next to the version location, named in the output.\n"
};

const cli_cmd cli_cmd_verify = {
	"verify", NULL, cmd_verify,
	"check on a scratch database that every downgrade undoes its upgrade",
	"verify",
	NULL
};

const cli_cmd cli_cmd_drift = {
	"drift", NULL, cmd_drift,
	"compare the database with what its applied revisions make",
	"drift",
	NULL
};
