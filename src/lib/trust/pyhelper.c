/*
 * pyhelper.c: running retort's Alembic helper (pyhelper.h).
 */
#define _GNU_SOURCE /* pipe2, execvpe */
#include "pyhelper.h"

#include "util/buf.h"
#include "util/clock.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* share/retort/alembic_helper.py, built in (alembic_helper.c, made by CMake) */
extern const char rt_alembic_helper[];

static int spawn(retort *r, rt_pyhelper *h, const char *const *argv, const char *url);

/* Whether python runs and imports module (its output thrown away). */
static bool imports(const char *python, const char *module)
{
	rt_buf code = RT_BUF_INIT;
	rt_buf_printf(&code, "import %s", module);
	const char *argv[] = { python, "-c", code.ptr, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	extern char **environ;
	pid_t pid;
	int status = 1;
	bool ok = posix_spawnp(&pid, python, &fa, NULL, (char *const *)argv, environ) == 0;
	while (ok && waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			ok = false;
	posix_spawn_file_actions_destroy(&fa);
	rt_buf_free(&code);
	return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The interpreter of the `alembic` command on PATH, from its #! line; NULL: none. */
static char *alembic_interpreter(void)
{
	const char *path = getenv("PATH");
	rt_strvec dirs = RT_STRVEC_INIT;
	rt_strvec_split(&dirs, path ? path : "/usr/local/bin:/usr/bin:/bin", ":");
	char *found = NULL;
	for (size_t i = 0; !found && i < dirs.len; i++) {
		rt_buf file = RT_BUF_INIT;
		rt_buf_printf(&file, "%s/alembic", *dirs.v[i] ? dirs.v[i] : ".");
		FILE *f = access(file.ptr, X_OK) == 0 ? fopen(file.ptr, "r") : NULL;
		char line[512];
		if (f && fgets(line, sizeof(line), f) && !strncmp(line, "#!", 2)) {
			char *p = line + 2 + strspn(line + 2, " \t");
			p[strcspn(p, "\r\n")] = '\0';
			/* "#!/usr/bin/env python3": the word after env */
			char *sp = strpbrk(p, " \t");
			if (sp && !strncmp(p, "/usr/bin/env", (size_t)(sp - p)) &&
			    (size_t)(sp - p) == strlen("/usr/bin/env"))
				p = sp + strspn(sp, " \t");
			else if (sp)
				*sp = '\0';
			p[strcspn(p, " \t")] = '\0';
			if (*p)
				found = rt_xstrdup(p);
		}
		if (f)
			fclose(f);
		rt_buf_free(&file);
	}
	rt_strvec_free(&dirs);
	return found;
}

char *rt_find_python(retort *r, const char *python, const char *need)
{
	const char *given = python && *python ? python : getenv("RETORT_PYTHON");
	const char *from = python && *python ? "--python" : "RETORT_PYTHON";
	if (!given || !*given) {
		given = rt_config_get(&r->cfg, "python");
		from = "the config's python key";
	}
	if (given && *given) {
		rt_log(r, RETORT_LOG_DEBUG, "python: %s (from %s)", given, from);
		return rt_xstrdup(given);
	}
	/* found once for the handle: each probe starts an interpreter (0.1-0.3 s) */
	char **found = &r->python[strcmp(need, "alembic") != 0];
	if (*found)
		return rt_xstrdup(*found);
	/* the interpreter of the team's alembic command has Alembic (and so
	   SQLAlchemy): no probe; the others must show they import need */
	char *alembic = alembic_interpreter();
	if (alembic) {
		rt_log(r, RETORT_LOG_DEBUG, "python: %s (the #! line of alembic on PATH)", alembic);
		*found = alembic;
		return rt_xstrdup(alembic);
	}
	rt_buf tried = RT_BUF_INIT;
	rt_buf_puts(&tried, "no alembic command on PATH");
	static const char *const fallbacks[] = { "python3", "/usr/bin/python3" };
	for (size_t i = 0; i < sizeof(fallbacks) / sizeof(*fallbacks); i++) {
		if (imports(fallbacks[i], need)) {
			rt_log(r, RETORT_LOG_DEBUG, "python: %s (it imports %s)", fallbacks[i], need);
			rt_buf_free(&tried);
			*found = rt_xstrdup(fallbacks[i]);
			return rt_xstrdup(fallbacks[i]);
		}
		rt_buf_printf(&tried, ", %s cannot import %s", fallbacks[i], need);
	}
	rt_error(&r->err, RETORT_EEXTERNAL,
		 "no Python that imports %s: %s; name the project's interpreter with --python "
		 "PATH, RETORT_PYTHON or python = in the config", need, tried.ptr);
	rt_buf_free(&tried);
	return NULL;
}

int rt_pyhelper_start(retort *r, rt_pyhelper *h, const char *python, const char *const *args,
		      const char *url)
{
	memset(h, 0, sizeof(*h));
	/* the helper's modes need Alembic, but for a model: SQLAlchemy alone */
	char *py = rt_find_python(r, python, !strcmp(args[0], "model") ? "sqlalchemy" : "alembic");
	if (!py)
		return r->err.code;
	python = py;
	size_t nargs = 0;
	while (args[nargs])
		nargs++;
	const char **argv = rt_xcalloc(nargs + 4, sizeof(*argv));
	argv[0] = python;
	argv[1] = "-c";
	argv[2] = rt_alembic_helper;
	for (size_t i = 0; i < nargs; i++)
		argv[3 + i] = args[i];
	int rc = spawn(r, h, argv, url);
	h->is_python = true;
	free(argv);
	free(py);
	return rc;
}

int rt_process_start(retort *r, rt_pyhelper *h, const char *program, const char *const *args,
		     const char *url)
{
	size_t nargs = 0;
	while (args[nargs])
		nargs++;
	const char **argv = rt_xcalloc(nargs + 2, sizeof(*argv));
	argv[0] = program;
	for (size_t i = 0; i < nargs; i++)
		argv[1 + i] = args[i];
	int rc = spawn(r, h, argv, url);
	free(argv);
	return rc;
}

/* The supervisor's SIGTERM (its parent died): the whole group goes. */
static void end_group(int sig)
{
	kill(0, SIGKILL);
	_exit(128 + sig);
}

/*
 * In the forked child, before anything else: a process group of its own
 * (so that retort can end the program and everything it started at
 * once), led by this supervisor, which runs the program as its child and
 * exits as it does.  When retort dies, even by SIGKILL, the kernel sends
 * the supervisor SIGTERM (PR_SET_PDEATHSIG) and it kills the group: no
 * command outlives the retort that started it.  Only async-signal-safe
 * calls: the parent may have threads.
 */
static _Noreturn void supervise(pid_t parent, int in, int out, int err, const char *here,
				const char *program, const char *const *argv, char **envp)
{
	setpgid(0, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = end_group;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL); /* the caller's blocked SIGPIPE, say */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent) /* it died before the line above */
		end_group(SIGTERM);
	dup2(in, 0);
	dup2(out, 1);
	dup2(err, 2);
	/* it never execs: its copies of retort's descriptors (the other ends of
	   the pipes) would keep them open */
	close_range(3, ~0U, 0);
	if (here && chdir(here) < 0)
		_exit(126);
	pid_t pid = fork();
	if (pid == 0) {
		sa.sa_handler = SIG_DFL;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		execvpe(program, (char *const *)argv, envp);
		_exit(127);
	}
	if (pid < 0)
		_exit(126);
	close(0);
	close(1);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(126);
	if (WIFSIGNALED(status))
		_exit(128 + WTERMSIG(status));
	_exit(WEXITSTATUS(status));
}

static int spawn(retort *r, rt_pyhelper *h, const char *const *argv, const char *url)
{
	memset(h, 0, sizeof(*h));
	const char *python = argv[0];
	h->python = rt_xstrdup(python);
	int in[2] = { -1, -1 }, out[2] = { -1, -1 };
	h->err = tmpfile();
	if (!h->err || pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		int e = errno;
		for (int i = 0; i < 2; i++) {
			if (in[i] >= 0)
				close(in[i]);
			if (out[i] >= 0)
				close(out[i]);
		}
		if (h->err)
			fclose(h->err);
		h->err = NULL;
		return rt_error(&r->err, RETORT_EIO, "cannot start %s: %s", python, strerror(e));
	}
	/* the environment is made before fork: the child only calls what is safe there */
	extern char **environ;
	size_t nenv = 0;
	while (environ[nenv])
		nenv++;
	char **envp = rt_xcalloc(nenv + 2, sizeof(*envp));
	char *urlvar = NULL;
	if (url) {
		rt_buf b = RT_BUF_INIT;
		rt_buf_printf(&b, "RETORT_HELPER_URL=%s", url);
		urlvar = rt_buf_detach(&b);
	}
	size_t k = 0;
	for (size_t i = 0; i < nenv; i++)
		if (strncmp(environ[i], "RETORT_HELPER_URL=", 18))
			envp[k++] = environ[i];
	if (urlvar)
		envp[k++] = urlvar;
	const char *here = r->cfg.here;
	pid_t parent = getpid();
	h->pid = fork();
	if (h->pid == 0)
		supervise(parent, in[0], out[1], fileno(h->err), here, python, argv, envp);
	if (h->pid > 0)
		setpgid(h->pid, h->pid); /* as the child does: whichever runs first */
	int e = errno;
	free(envp);
	if (urlvar) {
		explicit_bzero(urlvar, strlen(urlvar));
		free(urlvar);
	}
	close(in[0]);
	close(out[1]);
	if (h->pid < 0) {
		close(in[1]);
		close(out[0]);
		fclose(h->err);
		h->err = NULL;
		return rt_error(&r->err, RETORT_EIO, "cannot start %s: %s", python, strerror(e));
	}
	h->in = fdopen(in[1], "w");
	h->out = fdopen(out[0], "r");
	return 0;
}

void rt_pyhelper_read_all(rt_pyhelper *h, rt_buf *out)
{
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), h->out)) > 0)
		rt_buf_put(out, chunk, n);
}

/* The last non-empty line of the helper's standard error. */
static void last_err_line(rt_pyhelper *h, rt_buf *line)
{
	rt_buf all = RT_BUF_INIT;
	char chunk[4096];
	size_t n;
	rewind(h->err);
	while ((n = fread(chunk, 1, sizeof(chunk), h->err)) > 0)
		rt_buf_put(&all, chunk, n);
	rt_buf_rtrim(&all);
	const char *s = all.len ? all.ptr : "";
	const char *nl = strrchr(s, '\n');
	rt_buf_puts(line, nl ? nl + 1 : s);
	rt_buf_free(&all);
}

int rt_pyhelper_finish(retort *r, rt_pyhelper *h, const char *what)
{
	int rc = 0;
	if (h->in)
		fclose(h->in);
	if (h->out)
		fclose(h->out);
	int status = 0;
	if (h->pid > 0)
		while (waitpid(h->pid, &status, 0) < 0 && errno == EINTR)
			;
	if (h->pid > 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		rt_buf line = RT_BUF_INIT;
		last_err_line(h, &line);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && h->is_python)
			rc = rt_error(&r->err, RETORT_EEXTERNAL,
				      "%s: cannot run '%s' (pass --python PATH or set "
				      "RETORT_PYTHON)", what, h->python);
		else
			rc = rt_error(&r->err, RETORT_EEXTERNAL, "%s: %s failed: %s%s", what,
				      h->python, line.len ? line.ptr : "no message",
				      h->is_python && strstr(line.ptr ? line.ptr : "", "No module named")
					      ? " (pass --python PATH: the interpreter that can "
						"import your project and Alembic)"
					      : "");
		rt_buf_free(&line);
	}
	if (h->err)
		fclose(h->err);
	free(h->python);
	memset(h, 0, sizeof(*h));
	return rc;
}

void rt_nopipe_begin(rt_nopipe *g)
{
	sigset_t set, pending;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigemptyset(&pending);
	sigpending(&pending);
	g->pending = sigismember(&pending, SIGPIPE) == 1;
	pthread_sigmask(SIG_BLOCK, &set, &g->old);
}

void rt_nopipe_end(rt_nopipe *g)
{
	sigset_t set, pending;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigemptyset(&pending);
	if (!g->pending && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
		const struct timespec now = { 0, 0 };
		while (sigtimedwait(&set, NULL, &now) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

void rt_pyhelper_kill(rt_pyhelper *h)
{
	if (h->pid > 0)
		kill(-h->pid, SIGKILL);
}

int rt_pyhelper_read_until(retort *r, rt_pyhelper *h, rt_buf *out, double timeout)
{
	int fd = fileno(h->out);
	double deadline = rt_now() + timeout;
	char chunk[65536];
	for (;;) {
		if (atomic_load(&r->interrupted))
			return RETORT_EINTERRUPTED;
		double left = deadline - rt_now();
		if (left <= 0)
			return RETORT_EEXTERNAL;
		struct pollfd p = { fd, POLLIN, 0 };
		int ready = poll(&p, 1, left < 0.1 ? (int)(left * 1000) + 1 : 100);
		if (ready < 0 && errno != EINTR)
			return RETORT_EIO;
		if (ready <= 0)
			continue;
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		rt_buf_put(out, chunk, (size_t)n);
	}
}
