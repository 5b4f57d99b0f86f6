/*
 * cmd_revision.c: `retort revision -m MSG [...]`: write a new revision
 * file on a head, empty or (--autogenerate) filled from the model.  The
 * library reports "Generating <path>".
 */
#include "cli.h"

#include <stdlib.h>

enum {
	O_MESSAGE = 'm', O_HEAD = 256, O_SPLICE, O_LABEL, O_DEPENDS, O_REV_ID,
	O_VERSION_PATH, O_AUTOGENERATE, O_SQL
};

static const cli_opt opts[] = {
	{ O_MESSAGE, 'm', "message", 1 },
	{ O_HEAD, 0, "head", 1 },
	{ O_SPLICE, 0, "splice", 0 },
	{ O_LABEL, 0, "branch-label", 1 },
	{ O_DEPENDS, 0, "depends-on", 1 },
	{ O_REV_ID, 0, "rev-id", 1 },
	{ O_VERSION_PATH, 0, "version-path", 1 },
	{ O_AUTOGENERATE, 0, "autogenerate", 0 },
	{ O_SQL, 0, "sql", 0 },
	{ 0, 0, NULL, 0 }
};

struct args {
	retort_revision_options o;
	rt_strvec depends_on;
	int sql;
};

static int on_opt(void *data, int id, const char *arg)
{
	struct args *a = data;
	switch (id) {
	case O_MESSAGE: a->o.message = arg; break;
	case O_HEAD: a->o.head = arg; break;
	case O_SPLICE: a->o.splice = 1; break;
	case O_LABEL: a->o.branch_label = arg; break;
	case O_DEPENDS: rt_strvec_push(&a->depends_on, arg); break;
	case O_REV_ID: a->o.rev_id = arg; break;
	case O_VERSION_PATH: a->o.version_path = arg; break;
	case O_AUTOGENERATE: a->o.autogenerate = 1; break;
	case O_SQL: a->sql = 1; break;
	}
	return 0;
}

static int check_args(const struct args *a, const cli_getopt *g)
{
	if (g->npos)
		return cli_usage_error(&cli_cmd_revision, "unexpected argument '%s'",
				       g->pos[0]);
	if (a->sql)
		return cli_usage_error(&cli_cmd_revision,
			"--sql is not available for revision (there is no env.py to run)");
	return -1;
}

static int cmd_revision(cli *c, int argc, char **argv)
{
	struct args a = { RETORT_REVISION_OPTIONS_INIT, RT_STRVEC_INIT, 0 };
	cli_getopt g;
	int code = cli_parse(c, &g, &cli_cmd_revision, opts, argc, argv, on_opt, &a);
	if (code < 0)
		code = check_args(&a, &g);
	cli_getopt_free(&g);

	retort *r = NULL;
	if (code < 0 && !(code = cli_open(c, 0, &r))) {
		char *path = NULL;
		a.o.depends_on = (const char *const *)a.depends_on.v;
		a.o.ndepends_on = a.depends_on.len;
		if (a.o.autogenerate)
			cli_catch_interrupts(r);
		int rc = retort_revision(r, &a.o, &path);
		if (rc < 0)
			code = cli_fail(r, rc);
		retort_string_free(path);
		retort_free(r);
	}
	rt_strvec_free(&a.depends_on);
	return code;
}

const cli_cmd cli_cmd_revision = {
	"revision", NULL, cmd_revision,
	"create a new revision file",
	"revision [-m MSG] [--head REV] [--splice] [--branch-label L]\n"
	"              [--depends-on REV]... [--rev-id ID] [--version-path DIR]\n"
	"              [--autogenerate]",
	"  -m, --message MSG     the message (the file's first line and slug)\n"
	"      --head REV        the parent (default: head; 'base' for a new root)\n"
	"      --splice          allow a --head that is not a head\n"
	"      --branch-label L  a branch label for the new revision\n"
	"      --depends-on REV  a revision this one depends on (repeatable)\n"
	"      --rev-id ID       this id instead of a random one\n"
	"      --version-path D  write the file into this version location\n"
	"      --autogenerate    fill both sections from the model (the database\n"
	"                        must be at head)\n"
};
