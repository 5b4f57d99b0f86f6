/*
 * common.c: opening a project, reporting errors, help text.
 */
#include "cli.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static retort *_Atomic interruptible;

static void on_signal(int sig)
{
	retort_interrupt(atomic_load(&interruptible));
}

void cli_release_interrupts(void)
{
	atomic_store(&interruptible, NULL);
}

void cli_catch_interrupts(retort *r)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND; /* the second signal is the default's */
	sigemptyset(&sa.sa_mask);
	atomic_store(&interruptible, r);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	rt_buf b = RT_BUF_INIT;
	va_start(ap, fmt);
	rt_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	fflush(stdout); /* keep the order of stdout and stderr on one terminal */
	fprintf(stderr, "retort: %s\n", b.ptr);
	cli_json_note_error(b.ptr, 0);
	rt_buf_free(&b);
}

int cli_usage_error(const cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;
	rt_buf b = RT_BUF_INIT;
	va_start(ap, fmt);
	rt_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (cmd)
		cli_error("%s; see 'retort help %s'", b.ptr, cmd->name);
	else
		cli_error("%s", b.ptr);
	rt_buf_free(&b);
	return 2;
}

int cli_fail(retort *r, int rc)
{
	const char *msg = r ? retort_errmsg(r) : NULL;
	if (!msg || !*msg)
		msg = retort_strerror(rc);
	cli_error("%s", msg);
	cli_json_note_error(msg, rc);
	if (r)
		cli_json_note_fields(retort_last_error(r));
	return retort_exit_code(rc);
}

int cli_open(cli *c, unsigned flags, retort **out)
{
	retort_options o = RETORT_OPTIONS_INIT;
	o.flags = flags;
	o.config = c->config;
	o.name = c->name;
	o.url = c->url;
	o.xargs = (const char *const *)c->xargs.v;
	o.nxargs = c->xargs.len;
	o.log = cli_log;
	o.log_data = c;
	o.verbosity = c->verbose;
	o.wait = c->wait;

	*out = NULL;
	int rc = retort_open(out, &o);
	if (rc < 0) {
		int code = cli_fail(*out, rc);
		retort_free(*out);
		*out = NULL;
		return code;
	}
	return 0;
}

int cli_open_rev(cli *c, const cli_cmd *cmd, int argc, char **argv, retort **r,
		 const retort_rev ***revs, size_t *n, const char **spec)
{
	cli_getopt g;
	int code = cli_parse(c, &g, cmd, NULL, argc, argv, NULL, NULL);
	const char *arg = g.npos == 1 ? g.pos[0] : NULL;
	if (code < 0 && g.npos != 1)
		code = cli_usage_error(cmd, g.npos ? "too many arguments"
						   : "a revision is required");
	cli_getopt_free(&g);
	*revs = NULL;
	*n = 0;
	if (code >= 0 || (code = cli_open(c, 0, r)))
		return code;
	int rc = retort_resolve(*r, arg, revs, n);
	if (rc < 0) {
		code = cli_fail(*r, rc);
		if (*revs)
			retort_revs_free(*revs);
		retort_free(*r);
		return code;
	}
	if (spec)
		*spec = arg;
	return -1;
}

const retort_rev *cli_find_rev(retort *r, const char *id)
{
	const retort_rev **all = NULL;
	const retort_rev *found = NULL;
	size_t n = 0;
	if (retort_revisions(r, &all, &n) < 0)
		return NULL;
	for (size_t i = 0; i < n && !found; i++)
		if (!strcmp(all[i]->id, id))
			found = all[i];
	retort_revs_free(all);
	return found;
}

static void help_text(FILE *f, const cli_cmd *cmd)
{
	if (!cmd) {
		cli_print_usage(f);
		return;
	}
	fprintf(f, "usage: retort %s\n\n%s\n", cmd->usage, cmd->summary);
	if (cmd->options)
		fprintf(f, "\n%s", cmd->options);
	fprintf(f, "\nGlobal options (-c, -n, --url, -x, -q, -v, --json, --wait) may\n"
		"come before or after the command; see 'retort help'.\n");
}

/*
 * A command's help (NULL: the list of commands) on stdout; with --json, as
 * the one document {"command": "help", "help": TEXT}.
 */
void cli_print_help(cli *c, const cli_cmd *cmd)
{
	if (!c || !c->json) {
		help_text(stdout, cmd);
		return;
	}
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f) {
		help_text(f, cmd);
		fclose(f);
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "command", cli_json_text("help"));
	json_object_set_new(doc, "topic", cmd ? cli_json_text(cmd->name) : json_null());
	json_object_set_new(doc, "help", cli_json_text(text ? text : ""));
	cli_json_print(doc);
	free(text);
}

/* --sql: the script on stdout; with --json, gathered for one document. */
void cli_sql_out(void *data, const char *sql)
{
	cli *c = data;
	if (c && c->json)
		rt_buf_puts(&c->sql, sql);
	else
		fputs(sql, stdout);
}

void cli_print_partial(retort *r)
{
	retort_partial_step *v = NULL;
	size_t n = 0;
	if (retort_partial_steps(r, &v, &n) == 0)
		for (size_t i = 0; i < n; i++)
			printf("%s partially applied: %zu of %zu statements (%s)\n", v[i].revision,
			       v[i].done, v[i].total, v[i].direction);
	retort_partial_steps_free(v);
}
