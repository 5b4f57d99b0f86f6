/*
 * cmd_upgrade.c: `retort upgrade REV [--sql] [--tag TAG]` (see migrate.c).
 */
#include "cli.h"

static int cmd_upgrade(cli *c, int argc, char **argv)
{
	return cli_migrate(c, &cli_cmd_upgrade, argc, argv, retort_upgrade);
}

const cli_cmd cli_cmd_upgrade = {
	"upgrade", NULL, cmd_upgrade,
	"apply revisions up to a target",
	"upgrade [--sql] [--tag TAG] REV",
	"  REV          head, heads, +N, an id or prefix, label@head;\n"
	"               START:END with --sql\n"
	"  --sql        write the SQL script to standard output; touch nothing\n"
	"  --tag TAG    a tag kept with each step in retort_log\n"
	"  --no-validate  do not check applied revisions' files against retort_log first\n"
};
