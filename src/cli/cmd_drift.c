/*
 * cmd_drift.c: `retort drift`: the database compared with what its applied
 * revisions make (drift.c).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* drift: exit 1 with the problems listed, 0 with a summary. */
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

static int cmd_drift(cli *c, int argc, char **argv)
{
	return run_check(c, &cli_cmd_drift, retort_drift, argc, argv);
}

const cli_cmd cli_cmd_drift = {
	"drift", NULL, cmd_drift,
	"compare the database with what its applied revisions make",
	"drift",
	NULL
};
