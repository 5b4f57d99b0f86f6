/*
 * cmd_merge.c: `retort merge REV... -m MSG`: a revision whose parents are
 * the given revisions ("heads" for all of them), joining branches.
 */
#include "cli.h"

#include <stdlib.h>

enum { O_MESSAGE = 'm', O_REV_ID = 256, O_LABEL };

static const cli_opt opts[] = {
	{ O_MESSAGE, 'm', "message", 1 },
	{ O_REV_ID, 0, "rev-id", 1 },
	{ O_LABEL, 0, "branch-label", 1 },
	{ 0, 0, NULL, 0 }
};

static int on_opt(void *data, int id, const char *arg)
{
	retort_revision_options *o = data;
	switch (id) {
	case O_MESSAGE: o->message = arg; break;
	case O_REV_ID: o->rev_id = arg; break;
	case O_LABEL: o->branch_label = arg; break;
	}
	return 0;
}

static int cmd_merge(cli *c, int argc, char **argv)
{
	retort_revision_options o = RETORT_REVISION_OPTIONS_INIT;
	cli_getopt g;
	int code = cli_parse(c, &g, &cli_cmd_merge, opts, argc, argv, on_opt, &o);
	if (code < 0 && !g.npos)
		code = cli_usage_error(&cli_cmd_merge,
				       "the revisions to merge are required");

	retort *r = NULL;
	if (code < 0 && !(code = cli_open(c, 0, &r))) {
		char *path = NULL;
		o.merge = (const char *const *)g.pos;
		o.nmerge = g.npos;
		int rc = retort_revision(r, &o, &path);
		if (rc < 0)
			code = cli_fail(r, rc);
		retort_string_free(path);
		retort_free(r);
	}
	cli_getopt_free(&g);
	return code;
}

const cli_cmd cli_cmd_merge = {
	"merge", NULL, cmd_merge,
	"create a revision that merges heads",
	"merge [-m MSG] [--rev-id ID] [--branch-label L] REV...",
	"  REV...                the revisions to merge, or 'heads'\n"
	"  -m, --message MSG     the message\n"
	"      --rev-id ID       this id instead of a random one\n"
	"      --branch-label L  a branch label for the merge revision\n"
};
