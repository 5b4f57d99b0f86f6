/*
 * cmd_dump.c: `retort dump`: the database's schema as SQL (dump.c).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

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
		json_object_set_new(doc, "sql", cli_json_text(sql));
		cli_json_print(doc);
	} else {
		fputs(sql, stdout);
	}
	retort_string_free(sql);
	retort_free(r);
	return code;
}

const cli_cmd cli_cmd_dump = {
	"dump", NULL, cmd_dump,
	"print the database's schema as SQL (without the version table)",
	"dump",
	NULL
};
