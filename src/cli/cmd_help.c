/*
 * cmd_help.c: `retort help [COMMAND]`: the same text as `retort X --help`.
 */
#include "cli.h"

static int cmd_help(cli *c, int argc, char **argv)
{
	cli_getopt g;
	int code = cli_parse(c, &g, &cli_cmd_help, NULL, argc, argv, NULL, NULL);
	if (code < 0) {
		if (g.npos > 1) {
			code = cli_usage_error(&cli_cmd_help, "too many arguments");
		} else if (!g.npos) {
			cli_print_help(c, NULL);
			code = 0;
		} else {
			const cli_cmd *cmd = cli_lookup(g.pos[0]);
			if (cmd) {
				cli_print_help(c, cmd);
				code = 0;
			} else {
				cli_error("unknown command '%s'; see 'retort help'",
					  g.pos[0]);
				code = 2;
			}
		}
	}
	cli_getopt_free(&g);
	return code;
}

const cli_cmd cli_cmd_help = {
	"help", NULL, cmd_help,
	"show the help of a command",
	"help [COMMAND]",
	NULL
};
