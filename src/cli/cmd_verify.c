/*
 * cmd_verify.c: `retort verify [A:B]`: every downgrade undoes its upgrade, on
 * a scratch database (verify.c).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static int cmd_verify(cli *c, int argc, char **argv)
{
	cli_getopt g;
	int code = cli_parse(c, &g, &cli_cmd_verify, NULL, argc, argv, NULL, NULL);
	if (code < 0 && g.npos > 1)
		code = cli_usage_error(&cli_cmd_verify, "one range at most");
	retort *r = NULL;
	if (code < 0 && !(code = cli_open(c, 0, &r)))
		code = -1;
	if (code < 0) {
		cli_catch_interrupts(r);
		int rc = retort_verify_range(r, g.npos ? g.pos[0] : NULL);
		code = rc < 0 ? cli_fail(r, rc) : 0;
		if (!rc && c->json) {
			json_t *doc = json_object();
			json_object_set_new(doc, "ok", json_true());
			cli_json_print(doc);
		}
	}
	retort_free(r);
	cli_getopt_free(&g);
	return code;
}

const cli_cmd cli_cmd_verify = {
	"verify", NULL, cmd_verify,
	"check on a scratch database that every downgrade undoes its upgrade",
	"verify [A:B]",
	"  A:B      only the revisions of this history range (what they stand on is\n"
	"           upgraded first, unchecked; the model is not compared)\n"
};
