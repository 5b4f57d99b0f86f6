/*
 * backends/sqlite/scratch.c: a scratch database a second process can
 * reach too (model.h, rt_scratch_own_database): a new temporary file.  The
 * model's own scratch needs nothing here: a connection with no URL is an
 * in-memory database.
 */
#include "model.h"
#include "sqlite.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Scratch files of runs that were killed: named as rt_scratch_name names
 * them (and SQLite's -journal and -wal beside them), those of a process
 * that is gone, or over a day old, are removed, best effort.
 */
static void remove_stale(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	time_t now = time(NULL);
	while ((e = readdir(d))) {
		long long when;
		long pid;
		if (!rt_scratch_name_parse(e->d_name, &when, &pid))
			continue;
		bool gone = kill((pid_t)pid, 0) < 0 && errno == ESRCH;
		if (!gone && when > (long long)now - 86400)
			continue;
		rt_buf path = RT_BUF_INIT;
		rt_buf_printf(&path, "%s/%s", dir, e->d_name);
		unlink(path.ptr);
		rt_buf_free(&path);
	}
	closedir(d);
}

int rt_sqlite_scratch_own(retort *r, rt_scratch *sc, rt_buf *url)
{
	const char *tmp = getenv("TMPDIR");
	const char *dir = tmp && *tmp ? tmp : "/tmp";
	remove_stale(dir);
	rt_buf path = RT_BUF_INIT, name = RT_BUF_INIT;
	rt_scratch_name(&name);
	rt_buf_printf(&path, "%s/%s-XXXXXX", dir, name.ptr);
	rt_buf_free(&name);
	int fd = mkstemp(path.ptr);
	if (fd < 0) {
		int rc = rt_error(&r->err, RETORT_EIO, "cannot make a scratch database file '%s': %s",
				  path.ptr, strerror(errno));
		rt_buf_free(&path);
		return rc;
	}
	close(fd);
	sc->file = rt_buf_detach(&path);
	rt_url u = RT_URL_INIT;
	u.database = sc->file;
	int rc = rt_scratch_connect(r, &u, NULL, NULL, &sc->conn);
	sc->own = sc->conn != NULL;
	rt_buf_printf(url, "sqlite:///%s", sc->file);
	return rc;
}
