/*
 * main.c: the `retort` tool's global options, command table and exit code.
 *
 *   retort [global options] <command> [options] [args]
 *
 * Each command lives in cmd_<name>.c and returns the exit code; main adds
 * only what every command shares: the global options, `--help`, and the
 * final check that stdout was really written (as git does, so that
 * `retort history > /full/disk` does not exit 0).
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const cli_cmd *const cli_commands[] = {
	&cli_cmd_init,
	&cli_cmd_revision,
	&cli_cmd_merge,
	&cli_cmd_upgrade,
	&cli_cmd_downgrade,
	&cli_cmd_current,
	&cli_cmd_history,
	&cli_cmd_heads,
	&cli_cmd_branches,
	&cli_cmd_show,
	&cli_cmd_stamp,
	&cli_cmd_resume,
	&cli_cmd_resolve,
	&cli_cmd_status,
	&cli_cmd_check,
	&cli_cmd_diff,
	&cli_cmd_convert,
	&cli_cmd_dump,
	&cli_cmd_baseline,
	&cli_cmd_verify,
	&cli_cmd_drift,
	&cli_cmd_validate,
	&cli_cmd_lint,
	&cli_cmd_edit,
	&cli_cmd_list_templates,
	&cli_cmd_ensure_version,
	&cli_cmd_help,
	NULL
};

const cli_cmd *cli_lookup(const char *name)
{
	for (size_t i = 0; cli_commands[i]; i++) {
		const cli_cmd *cmd = cli_commands[i];
		if (!strcmp(cmd->name, name) ||
		    (cmd->alias && !strcmp(cmd->alias, name)))
			return cmd;
	}
	return NULL;
}

void cli_print_usage(FILE *f)
{
	fputs("usage: retort [options] <command> [args]\n\n"
	      "Schema migrations with plain SQL revision files.\n\n"
	      "Commands:\n", f);
	for (size_t i = 0; cli_commands[i]; i++)
		fprintf(f, "  %-16s %s\n", cli_commands[i]->name,
			cli_commands[i]->summary);
	fputs("\nOptions:\n"
	      "  -c, --config FILE  configuration file (default: $RETORT_CONFIG,\n"
	      "                     ./retort.ini, ./alembic.ini)\n"
	      "  -n, --name NAME    configuration section (default: retort)\n"
	      "      --url URL      database URL, overriding every other source\n"
	      "  -x KEY=VALUE       an argument for templates (repeatable)\n"
	      "  -q, --quiet        no progress or notes on standard error\n"
	      "  -v, --verbose      more detail (SQL statements as they run)\n"
	      "      --json         one JSON document on standard output\n"
	      "      --wait         retry the first connection until wait_timeout\n"
	      "      --version      print the version\n"
	      "  -h, --help         this help; 'retort help <command>' for one command\n",
	      f);
}

/* git's rule: output that did not reach its destination is a failure. */
static int check_stdout(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			return code;
		cli_error("cannot write to standard output");
		return code ? code : 1;
	}
	return code;
}

static int run(cli *c, int argc, char **argv)
{
	cli_getopt g;
	cli_getopt_init(&g, NULL, NULL, argc, argv);
	int rc = cli_getopt_next(c, &g);
	int at = g.i;
	cli_getopt_free(&g);
	/* --help and --version end the options; a --json after them still counts */
	for (int i = at; (rc == CLI_OPT_HELP || rc == CLI_OPT_VERSION) && i < argc; i++)
		if (!strcmp(argv[i], "--json"))
			c->json = 1;
	switch (rc) {
	case CLI_OPT_HELP:
		cli_print_help(c, NULL);
		return 0;
	case CLI_OPT_VERSION:
		if (c->json) {
			json_t *doc = json_object();
			json_object_set_new(doc, "command", cli_json_text("version"));
			json_object_set_new(doc, "version", cli_json_text(retort_version()));
			json_object_set_new(doc, "version_number",
					    json_integer(retort_libversion_number()));
			cli_json_print(doc);
		} else {
			printf("retort %s\n", retort_version());
		}
		return 0;
	case CLI_OPT_ERROR:
		return 2;
	}
	if (at >= argc) {
		cli_print_usage(stderr);
		return 2;
	}
	const cli_cmd *cmd = cli_lookup(argv[at]);
	if (!cmd) {
		cli_error("unknown command '%s'; see 'retort help'", argv[at]);
		return 2;
	}
	c->command = cmd->name;
	return cmd->fn(c, argc - at, argv + at);
}

int main(int argc, char **argv)
{
	cli c;
	memset(&c, 0, sizeof(c));
	c.err_tty = isatty(STDERR_FILENO) == 1;

	int code = run(&c, argc, argv);
	cli_progress_clear(&c);
	/* --json: one document on stdout, whatever happened */
	if (c.json && !cli_json_printed()) {
		if (code) {
			cli_json_print_error(code);
		} else {
			json_t *doc = json_object();
			json_object_set_new(doc, "command", cli_json_text(c.command ? c.command : ""));
			json_object_set_new(doc, "ok", json_true());
			cli_json_print(doc);
		}
	}
	json_decref(c.steps);
	rt_buf_free(&c.sql);
	code = check_stdout(code);
	rt_strvec_free(&c.xargs);
	return code;
}
