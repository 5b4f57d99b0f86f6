/*
 * cmd_convert.c: `retort convert [--python PATH] [--no-verify] [--to-alembic]
 * [A:B]`:
 * .sql twins for an Alembic history, rendered by Alembic and verified
 * (retort_convert).  The library reports each file written and a summary;
 * revisions it could not convert are listed with file:line and reason.
 */
#include "cli.h"

enum { O_PYTHON = 256, O_NO_VERIFY, O_TO_ALEMBIC };

static const cli_opt opts[] = {
	{ O_PYTHON, 0, "python", 1 },
	{ O_NO_VERIFY, 0, "no-verify", 0 },
	{ O_TO_ALEMBIC, 0, "to-alembic", 0 },
	{ 0, 0, NULL, 0 }
};

static int on_opt(void *data, int id, const char *arg)
{
	retort_convert_options *o = data;
	switch (id) {
	case O_PYTHON: o->python = arg; break;
	case O_NO_VERIFY: o->no_verify = 1; break;
	case O_TO_ALEMBIC: o->to_alembic = 1; break;
	}
	return 0;
}

/* What keeps retort's own tables out of Alembic's autogenerate (README). */
static const char include_object_hint[] =
	"retort: so that Alembic's autogenerate leaves retort's journal alone, add to env.py:\n"
	"    def include_object(obj, name, type_, reflected, compare_to):\n"
	"        return not (type_ == \"table\" and name == \"retort_log\")\n"
	"  and pass include_object=include_object to context.configure(...)";

static int cmd_convert(cli *c, int argc, char **argv)
{
	retort_convert_options o = RETORT_CONVERT_OPTIONS_INIT;
	cli_getopt g;
	int code = cli_parse(c, &g, &cli_cmd_convert, opts, argc, argv, on_opt, &o);
	if (code < 0 && g.npos > 1)
		code = cli_usage_error(&cli_cmd_convert, "one range at most");
	else if (code < 0 && g.npos && o.to_alembic)
		code = cli_usage_error(&cli_cmd_convert, "--to-alembic converts every revision");
	if (code >= 0) {
		cli_getopt_free(&g);
		return code;
	}
	o.range = g.npos ? g.pos[0] : NULL;
	retort *r;
	if ((code = cli_open(c, 0, &r))) {
		cli_getopt_free(&g);
		return code;
	}
	int rc = retort_convert(r, &o);
	if (rc < 0)
		code = cli_fail(r, rc);
	else if (!o.to_alembic && !c->quiet)
		fprintf(stderr, "%s\n", include_object_hint);
	retort_free(r);
	cli_getopt_free(&g);
	return code;
}

const cli_cmd cli_cmd_convert = {
	"convert", NULL, cmd_convert,
	"write .sql twins for Alembic .py revisions (Alembic's own SQL, verified)",
	"convert [--python PATH] [--no-verify] [--to-alembic] [A:B]",
	"  A:B            only the revisions of this history range\n"
	"  --python PATH  the interpreter that imports your project and Alembic\n"
	"                 (default: $RETORT_PYTHON, else python3)\n"
	"  --no-verify    do not compare Alembic's and retort's schemas step by step\n"
	"  --to-alembic   the reverse: a .py twin (op.execute) for each .sql revision\n"
};
