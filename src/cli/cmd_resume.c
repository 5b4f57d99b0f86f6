/*
 * cmd_resume.c: `retort resume` and `retort resolve REV --applied|--reverted
 * -m WHY`: end a step whose statements outside a transaction stopped
 * part-way (its journal in retort_log; the library's journal.c).
 */
#include "cli.h"

#include <string.h>

static int cmd_resume(cli *c, int argc, char **argv)
{
	int code = cli_parse_none(c, &cli_cmd_resume, NULL, argc, argv, NULL, NULL);
	if (code >= 0)
		return code;
	retort *r;
	if ((code = cli_open(c, 0, &r)))
		return code;
	cli_steps_begin(c, r);
	code = cli_steps_end(c, r, retort_resume(r, NULL));
	retort_free(r);
	return code;
}

const cli_cmd cli_cmd_resume = {
	"resume", NULL, cmd_resume,
	"finish a step whose statements outside a transaction stopped part-way",
	"resume",
	"  the statements its journal says ran must be unchanged in the file;\n"
	"  the rest run, then the step is recorded as done\n"
};

enum { O_APPLIED = 256, O_REVERTED, O_MESSAGE = 'm' };

static const cli_opt resolve_opts[] = {
	{ O_APPLIED, 0, "applied", 0 },
	{ O_REVERTED, 0, "reverted", 0 },
	{ O_MESSAGE, 'm', "message", 1 },
	{ 0, 0, NULL, 0 }
};

struct resolve_args {
	int applied, reverted;
	const char *why;
};

static int on_resolve_opt(void *data, int id, const char *arg)
{
	struct resolve_args *a = data;
	if (id == O_APPLIED)
		a->applied = 1;
	else if (id == O_REVERTED)
		a->reverted = 1;
	else
		a->why = arg;
	return 0;
}

static int cmd_resolve(cli *c, int argc, char **argv)
{
	struct resolve_args a = { 0, 0, NULL };
	cli_getopt g;
	int code = cli_parse(c, &g, &cli_cmd_resolve, resolve_opts, argc, argv, on_resolve_opt,
			     &a);
	char *rev = g.npos == 1 ? g.pos[0] : NULL;
	if (code < 0 && g.npos != 1)
		code = cli_usage_error(&cli_cmd_resolve, g.npos ? "too many arguments"
								: "a revision is required");
	else if (code < 0 && a.applied == a.reverted)
		code = cli_usage_error(&cli_cmd_resolve, "say --applied or --reverted");
	else if (code < 0 && (!a.why || !*a.why))
		code = cli_usage_error(&cli_cmd_resolve, "say why with -m: it is kept in retort_log");
	char *keep = code < 0 ? strdup(rev) : NULL;
	cli_getopt_free(&g);
	if (code >= 0)
		return code;
	retort *r;
	if (!(code = cli_open(c, 0, &r))) {
		cli_steps_begin(c, r);
		code = cli_steps_end(c, r, retort_resolve_partial(r, keep, a.applied, a.why, NULL));
		retort_free(r);
	}
	free(keep);
	return code;
}

const cli_cmd cli_cmd_resolve = {
	"resolve", NULL, cmd_resolve,
	"record how a step stopped part-way was ended by hand",
	"resolve REV --applied|--reverted -m WHY",
	"  REV          the revision whose step stopped part-way\n"
	"  --applied    you finished it: the version table moves, no SQL runs\n"
	"  --reverted   you undid what ran: the version table stays\n"
	"  -m WHY       why, kept in retort_log with who\n"
};
