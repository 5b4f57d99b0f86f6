/*
 * backends/sqlite/scratch.c: a scratch database a second process can
 * reach too (model.h, rt_scratch_own_database): a new temporary file.  The
 * model's own scratch needs nothing here: a connection with no URL is an
 * in-memory database.
 */
#include "sqlite.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int rt_sqlite_scratch_own(retort *r, rt_scratch *sc, rt_buf *url)
{
	const char *tmp = getenv("TMPDIR");
	rt_buf path = RT_BUF_INIT;
	rt_buf_printf(&path, "%s/retort_scratch_XXXXXX", tmp && *tmp ? tmp : "/tmp");
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
