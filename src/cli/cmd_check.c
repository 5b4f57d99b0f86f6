/*
 * cmd_check.c: `retort check`: compare the model with the database (which
 * must be at head) and exit 1 listing the operations when they differ, 0
 * with "No new upgrade operations detected." when they match (Alembic's
 * wording, for CI logs that grep for it), 3 when the database is not at
 * head (CI can tell "upgrade first" from "write a revision").
 */
#include "cli.h"

static void print(cli *c, const retort_diff_result *d)
{
	if (c->json) {
		json_t *doc = json_object();
		json_object_set_new(doc, "match", json_boolean(d->nops == 0));
		json_object_set_new(doc, "operations", cli_json_ops(d));
		cli_json_print(doc);
		return;
	}
	if (!d->nops) {
		puts("No new upgrade operations detected.");
		return;
	}
	puts("New upgrade operations detected:");
	for (size_t i = 0; i < d->nops; i++)
		printf("  %s\n", d->ops[i].text);
}

static int cmd_check(cli *c, int argc, char **argv)
{
	int code = cli_parse_none(c, &cli_cmd_check, NULL, argc, argv, NULL, NULL);
	if (code >= 0)
		return code;

	retort *r;
	if ((code = cli_open(c, 0, &r)))
		return code;
	retort_diff_result *d = NULL;
	cli_catch_interrupts(r);
	int rc = retort_diff(r, RETORT_DIFF_AT_HEAD, &d);
	if (rc == RETORT_ESTATE) {
		/* behind head: not "the model differs" (1), but its own code */
		cli_fail(r, rc);
		code = 3;
	} else if (rc < 0) {
		code = cli_fail(r, rc);
	} else {
		print(c, d);
		code = d->nops ? 1 : 0;
	}
	retort_diff_free(d);
	retort_free(r);
	return code;
}

const cli_cmd cli_cmd_check = {
	"check", NULL, cmd_check,
	"exit 1 if the model and the database differ",
	"check",
	NULL
};
