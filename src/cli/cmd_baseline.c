/*
 * cmd_baseline.c: `retort baseline -m MSG`: the history collapsed into one
 * root revision (baseline.c).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

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
		json_object_set_new(doc, "path", cli_json_text(path));
		cli_json_print(doc);
	}
	retort_string_free(path);
	retort_free(r);
	return code;
}

const cli_cmd cli_cmd_baseline = {
	"baseline", NULL, cmd_baseline,
	"collapse the history into one revision: the database's schema, at its head's id",
	"baseline [-m MSG]",
	"  -m MSG   the new revision's message (default: baseline)\n"
	"The database must be at the single head.  The revision files move to\n"
	"an archive folder next to the version location, named in the output.\n"
};
