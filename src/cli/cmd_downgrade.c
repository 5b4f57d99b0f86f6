/*
 * cmd_downgrade.c: `retort downgrade REV [--sql] [--tag TAG]` (see migrate.c).
 */
#include "cli.h"

static int cmd_downgrade(cli *c, int argc, char **argv)
{
	return cli_migrate(c, &cli_cmd_downgrade, argc, argv, retort_downgrade);
}

const cli_cmd cli_cmd_downgrade = {
	"downgrade", NULL, cmd_downgrade,
	"revert revisions down to a target",
	"downgrade [--sql] [--tag TAG] REV",
	"  REV          -N, base, an id or prefix, label@-1, label@REV;\n"
	"               START:END with --sql\n"
	"  --sql        write the SQL script to standard output; touch nothing\n"
	"  --tag TAG    a tag kept with each step in retort_log\n"
};
