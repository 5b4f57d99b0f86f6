/*
 * cmd_init.c: `retort init [DIR] [-t TEMPLATE]`: write retort.ini (or the
 * -c file), DIR/ (default "migrations"), its script.sql.tmpl and versions/.
 * The library refuses to overwrite anything and reports each file it writes.
 */
#include "cli.h"

#include <string.h>

enum { O_TEMPLATE = 't', O_PACKAGE = 256 };

static const cli_opt opts[] = {
	{ O_TEMPLATE, 't', "template", 1 },
	{ O_PACKAGE, 0, "package", 0 },
	{ 0, 0, NULL, 0 }
};

static int on_opt(void *data, int id, const char *arg)
{
	if (id == O_TEMPLATE)
		*(const char **)data = arg;
	return 0; /* --package: there are no Python packages to write */
}

static bool known_template(const char *name)
{
	for (const char *const *t = retort_templates(); t && *t; t++)
		if (!strcmp(*t, name))
			return true;
	return false;
}

static int check_args(const char *tmpl, const cli_getopt *g)
{
	if (g->npos > 1)
		return cli_usage_error(&cli_cmd_init, "too many arguments");
	if (tmpl && !known_template(tmpl))
		return cli_usage_error(&cli_cmd_init,
			"no template named '%s' (see 'retort list-templates')", tmpl);
	return -1;
}

static int cmd_init(cli *c, int argc, char **argv)
{
	const char *tmpl = NULL;
	cli_getopt g;
	int code = cli_parse(c, &g, &cli_cmd_init, opts, argc, argv, on_opt, &tmpl);
	if (code < 0)
		code = check_args(tmpl, &g);
	const char *dir = g.npos ? g.pos[0] : "migrations";
	const char *config = c->config ? c->config : "retort.ini";

	retort *r = NULL;
	if (code < 0 && !(code = cli_open(c, RETORT_OPEN_NOCONFIG, &r))) {
		int rc = retort_init_project(r, dir, config);
		if (rc < 0)
			code = cli_fail(r, rc);
		else if (!c->quiet)
			fprintf(stderr, "Please edit the settings in '%s' before "
					"proceeding.\n", config);
		retort_free(r);
	}
	cli_getopt_free(&g);
	return code;
}

const cli_cmd cli_cmd_init = {
	"init", NULL, cmd_init,
	"create a new project: retort.ini and a migrations folder",
	"init [-t TEMPLATE] [DIR]",
	"  DIR                    the script folder (default: migrations)\n"
	"  -t, --template NAME    the project template (see list-templates)\n"
	"  -c FILE (global)       the config file to write (default: retort.ini)\n"
};
