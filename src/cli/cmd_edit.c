/*
 * cmd_edit.c: `retort edit REV`: open the revision file(s) in $EDITOR, else
 * $VISUAL, else vi.  As git does, the editor string goes through sh (so
 * EDITOR="code -w" works) with the path passed as "$1", never pasted into
 * the command line, so no file name is ever parsed by the shell.
 */
#include "cli.h"

#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

static const char *editor(void)
{
	const char *e = getenv("EDITOR");
	if (!e || !*e)
		e = getenv("VISUAL");
	return e && *e ? e : "vi";
}

static int run_editor(const char *ed, const char *path)
{
	rt_buf script = RT_BUF_INIT;
	rt_buf_printf(&script, "%s \"$@\"", ed);
	char *argv[] = { (char *)"sh", (char *)"-c", script.ptr, (char *)ed,
			 (char *)path, NULL };
	pid_t pid;
	int err = posix_spawnp(&pid, "sh", NULL, NULL, argv, environ);
	rt_buf_free(&script);
	if (err) {
		cli_error("cannot run the editor '%s': %s", ed, strerror(err));
		return 1;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			cli_error("cannot wait for the editor '%s': %s", ed,
				  strerror(errno));
			return 1;
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		cli_error("the editor '%s' failed on '%s'", ed, path);
		return 1;
	}
	return 0;
}

static int cmd_edit(cli *c, int argc, char **argv)
{
	retort *r;
	const retort_rev **revs;
	size_t n;
	const char *spec;
	int code = cli_open_rev(c, &cli_cmd_edit, argc, argv, &r, &revs, &n, &spec);
	if (code >= 0)
		return code;
	code = 0;
	if (!n)
		code = cli_usage_error(&cli_cmd_edit, "no revision file for '%s'", spec);
	for (size_t i = 0; !code && i < n; i++)
		code = run_editor(editor(), revs[i]->path);
	retort_revs_free(revs);
	retort_free(r);
	return code;
}

const cli_cmd cli_cmd_edit = {
	"edit", NULL, cmd_edit,
	"open a revision file in $EDITOR",
	"edit REV",
	"  REV   a revision (an id, a prefix, head, current, label@head)\n"
};
