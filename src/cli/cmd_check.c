/*
 * cmd_check.c: `retort check`: compare the model with the database (which
 * must be at head) and exit 1 listing the operations when they differ, 0
 * with "No new upgrade operations detected." when they match (Alembic's
 * wording, for CI logs that grep for it).
 */
#include "cli.h"

json_t *cli_json_ops(const retort_diff_result *d)
{
	json_t *a = json_array();
	for (size_t i = 0; i < d->nops; i++) {
		const retort_op *op = &d->ops[i];
		json_t *o = json_object();
		json_object_set_new(o, "kind", json_string(op->kind));
		json_object_set_new(o, "table", op->table ? json_string(op->table) : json_null());
		json_object_set_new(o, "name", op->name ? json_string(op->name) : json_null());
		json_object_set_new(o, "text", json_string(op->text));
		json_object_set_new(o, "review", op->review ? json_string(op->review) : json_null());
		json_array_append_new(a, o);
	}
	return a;
}

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
	cli_getopt g;
	int code = cli_parse(c, &g, &cli_cmd_check, NULL, argc, argv, NULL, NULL);
	if (code < 0 && g.npos)
		code = cli_usage_error(&cli_cmd_check, "unexpected argument '%s'", g.pos[0]);
	cli_getopt_free(&g);
	if (code >= 0)
		return code;

	retort *r;
	if ((code = cli_open(c, 0, &r)))
		return code;
	retort_diff_result *d = NULL;
	int rc = retort_diff(r, RETORT_DIFF_AT_HEAD, &d);
	if (rc < 0) {
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
