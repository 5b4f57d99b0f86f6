/*
 * cmd_diff.c: `retort diff`: the SQL that would make the database match
 * the model, printed and not written anywhere; `--json` gives the
 * operations and both sections.  Unlike check and revision --autogenerate,
 * the database need not be at head: this only reads.
 */
#include "cli.h"

static int cmd_diff(cli *c, int argc, char **argv)
{
	int code = cli_parse_none(c, &cli_cmd_diff, NULL, argc, argv, NULL, NULL);
	if (code >= 0)
		return code;

	retort *r;
	if ((code = cli_open(c, 0, &r)))
		return code;
	retort_diff_result *d = NULL;
	cli_catch_interrupts(r);
	int rc = retort_diff(r, 0, &d);
	if (rc < 0) {
		code = cli_fail(r, rc);
	} else if (c->json) {
		json_t *doc = json_object();
		json_object_set_new(doc, "operations", cli_json_ops(d));
		json_object_set_new(doc, "upgrade", cli_json_text(d->upgrade_sql));
		json_object_set_new(doc, "downgrade", cli_json_text(d->downgrade_sql));
		cli_json_print(doc);
	} else {
		fputs(d->upgrade_sql, stdout);
	}
	retort_diff_free(d);
	retort_free(r);
	return code;
}

const cli_cmd cli_cmd_diff = {
	"diff", NULL, cmd_diff,
	"print the SQL that makes the database match the model",
	"diff [--json]",
	NULL
};
