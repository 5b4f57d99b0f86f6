/*
 * opts.c: the option parser every command uses.
 *
 * Why not getopt_long: `retort downgrade -1` must read "-1" as a revision,
 * options may follow the positionals (`retort upgrade head --sql`), and the
 * global options are accepted after the command too.  The rules:
 *
 *   --name, --name=value, --name value     long options
 *   -m value, -mvalue, -qv                 short options, clustered
 *   -1, -12                                a positional (a relative revision)
 *   --                                     everything after is positional
 *   -h, --help                             the command's help
 */
#include "cli.h"
#include "util/xalloc.h"

#include <limits.h>
#include <stdarg.h>
#include <string.h>

/* A global option was applied; the caller goes on to the next word. */
#define HANDLED INT_MAX

enum {
	G_CONFIG = 1000, G_NAME, G_URL, G_X, G_QUIET, G_VERBOSE, G_JSON, G_WAIT,
	G_HELP, G_VERSION
};

static const cli_opt global_opts[] = {
	{ G_CONFIG, 'c', "config", 1 },
	{ G_NAME, 'n', "name", 1 },
	{ G_URL, 0, "url", 1 },
	{ G_X, 'x', NULL, 1 },
	{ G_QUIET, 'q', "quiet", 0 },
	{ G_VERBOSE, 'v', "verbose", 0 },
	{ G_JSON, 0, "json", 0 },
	{ G_WAIT, 0, "wait", 0 },
	{ G_HELP, 'h', "help", 0 },
	{ G_VERSION, 0, "version", 0 },
	{ 0, 0, NULL, 0 }
};

void cli_getopt_init(cli_getopt *g, const cli_cmd *cmd, const cli_opt *opts,
		     int argc, char **argv)
{
	memset(g, 0, sizeof(*g));
	g->cmd = cmd;
	g->opts = opts;
	g->argc = argc;
	g->argv = argv;
	g->i = 1;
	g->pos = rt_xcalloc((size_t)argc + 1, sizeof(char *));
}

void cli_getopt_free(cli_getopt *g)
{
	free(g->pos);
	g->pos = NULL;
	g->npos = 0;
}

static const cli_opt *find_short(const cli_opt *opts, char ch)
{
	for (; opts && opts->id; opts++)
		if (opts->shortname && opts->shortname == ch)
			return opts;
	return NULL;
}

static const cli_opt *find_long(const cli_opt *opts, const char *name, size_t len)
{
	for (; opts && opts->id; opts++)
		if (opts->longname && strlen(opts->longname) == len &&
		    !strncmp(opts->longname, name, len))
			return opts;
	return NULL;
}

static const char *cmd_name(const cli_getopt *g)
{
	return g->cmd ? g->cmd->name : NULL;
}

/* "retort: <what, naming opt>; see 'retort help [cmd]'" */
static void bad_option(const cli_getopt *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void bad_option(const cli_getopt *g, const char *fmt, ...)
{
	va_list ap;
	rt_buf b = RT_BUF_INIT;
	va_start(ap, fmt);
	rt_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (cmd_name(g))
		cli_error("%s; see 'retort help %s'", b.ptr, cmd_name(g));
	else
		cli_error("%s; see 'retort help'", b.ptr);
	rt_buf_free(&b);
}

/* Apply a global option to c; returns 0, or a CLI_OPT_* code. */
static int apply_global(cli *c, const cli_getopt *g, int id, const char *arg)
{
	switch (id) {
	case G_CONFIG: c->config = arg; break;
	case G_NAME: c->name = arg; break;
	case G_URL: c->url = arg; break;
	case G_X: rt_strvec_push(&c->xargs, arg); break;
	case G_QUIET: c->quiet = 1; break;
	case G_VERBOSE: c->verbose++; break;
	case G_JSON: c->json = 1; break;
	case G_WAIT: c->wait = 1; break;
	case G_HELP: return CLI_OPT_HELP;
	case G_VERSION:
		if (g->cmd) {
			bad_option(g, "unknown option '%s'", "--version");
			return CLI_OPT_ERROR;
		}
		return CLI_OPT_VERSION;
	}
	return 0;
}

/*
 * Take the value of o: the rest of the current word (inline, may be NULL) or
 * the next word.  Returns 0, or CLI_OPT_ERROR when there is none.
 */
static int take_arg(cli_getopt *g, const cli_opt *o, const char *inline_arg,
		    const char *spelled)
{
	g->arg = NULL;
	if (!o->has_arg) {
		if (inline_arg) {
			bad_option(g, "option '%s' takes no value", spelled);
			return CLI_OPT_ERROR;
		}
		return 0;
	}
	if (inline_arg) {
		g->arg = inline_arg;
		return 0;
	}
	if (g->i >= g->argc) {
		bad_option(g, "option '%s' needs a value", spelled);
		return CLI_OPT_ERROR;
	}
	g->arg = g->argv[g->i++];
	return 0;
}

/* Dispatch a matched option: the command's own, or a global one. */
static int matched(cli *c, cli_getopt *g, const cli_opt *o, bool global)
{
	if (!global)
		return o->id;
	int rc = apply_global(c, g, o->id, g->arg);
	return rc ? rc : HANDLED; /* HANDLED: applied here, go on */
}

static int next_short(cli *c, cli_getopt *g)
{
	char ch = *g->shorts++;
	char spelled[3] = { '-', ch, '\0' };
	bool global = false;
	const cli_opt *o = find_short(g->opts, ch);
	if (!o) {
		o = find_short(global_opts, ch);
		global = true;
	}
	if (!o) {
		bad_option(g, "unknown option '%s'", spelled);
		return CLI_OPT_ERROR;
	}
	const char *inline_arg = NULL;
	if (o->has_arg && *g->shorts)
		inline_arg = g->shorts;
	if (o->has_arg)
		g->shorts = NULL;
	int rc = take_arg(g, o, inline_arg, spelled);
	return rc ? rc : matched(c, g, o, global);
}

static int next_long(cli *c, cli_getopt *g, const char *word)
{
	const char *name = word + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	rt_buf spelled = RT_BUF_INIT; /* "--name", without any "=value" */
	rt_buf_put(&spelled, word, len + 2);

	bool global = false;
	const cli_opt *o = find_long(g->opts, name, len);
	if (!o) {
		o = find_long(global_opts, name, len);
		global = true;
	}
	int rc = CLI_OPT_ERROR;
	if (!o)
		bad_option(g, "unknown option '%s'", spelled.ptr);
	else
		rc = take_arg(g, o, eq ? eq + 1 : NULL, spelled.ptr);
	rt_buf_free(&spelled);
	return rc ? rc : matched(c, g, o, global);
}

static bool is_option(const char *w)
{
	if (w[0] != '-' || w[1] == '\0')
		return false;                /* "-" alone is a positional */
	return !(w[1] >= '0' && w[1] <= '9'); /* "-1" is a relative revision */
}

int cli_getopt_next(cli *c, cli_getopt *g)
{
	for (;;) {
		int rc;
		if (g->shorts && *g->shorts) {
			rc = next_short(c, g);
		} else {
			g->shorts = NULL;
			if (g->i >= g->argc)
				return CLI_OPT_END;
			char *w = g->argv[g->i];
			if (g->only_pos || !is_option(w)) {
				if (!g->cmd)
					return CLI_OPT_END; /* the command's name */
				g->pos[g->npos++] = w;
				g->i++;
				continue;
			}
			g->i++;
			if (!strcmp(w, "--")) {
				g->only_pos = true;
				continue;
			}
			if (w[1] == '-') {
				rc = next_long(c, g, w);
			} else {
				g->shorts = w + 1;
				rc = next_short(c, g);
			}
		}
		if (rc != HANDLED)
			return rc;
	}
}

int cli_parse(cli *c, cli_getopt *g, const cli_cmd *cmd, const cli_opt *opts,
	      int argc, char **argv, cli_opt_fn on_opt, void *data)
{
	cli_getopt_init(g, cmd, opts, argc, argv);
	for (;;) {
		int id = cli_getopt_next(c, g);
		switch (id) {
		case CLI_OPT_END:
			return -1;
		case CLI_OPT_HELP:
			cli_print_help(c, cmd);
			return 0;
		case CLI_OPT_ERROR:
		case CLI_OPT_VERSION:
			return 2;
		default:
			if (on_opt && on_opt(data, id, g->arg))
				return 2;
		}
	}
}

int cli_parse_none(cli *c, const cli_cmd *cmd, const cli_opt *opts, int argc,
		   char **argv, cli_opt_fn on_opt, void *data)
{
	cli_getopt g;
	int code = cli_parse(c, &g, cmd, opts, argc, argv, on_opt, data);
	if (code < 0 && g.npos)
		code = cli_usage_error(cmd, "unexpected argument '%s'", g.pos[0]);
	cli_getopt_free(&g);
	return code;
}
