/*
 * scripts.c: loading the revision files of a project.
 *
 * Every command that names a revision reads every file, as Alembic does, so
 * this path must stay cheap: one listing per folder, one reused buffer for
 * reading, a header parse that stops early, and a graph build that is linear
 * in the number of files.  10,000 revisions load in milliseconds.
 */
#include "db.h"
#include "project.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Read one file of the folder into text (cleared first): openat on the
 * folder's descriptor spares a path walk per file, and reading st_size
 * bytes spares the read that would find the end.  rt_readfile's loop
 * remains the fallback for files that change size under us.
 */
static int read_entry(int dirfd, const char *name, const char *path, rt_buf *text)
{
	rt_buf_clear(text);
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int e = S_ISDIR(st.st_mode) ? EISDIR : errno;
		close(fd);
		errno = e;
		return -1;
	}
	size_t want = (size_t)st.st_size;
	rt_buf_grow(text, want);
	ssize_t n = want ? read(fd, text->ptr, want) : 0;
	close(fd);
	if (n < 0 || (size_t)n != want)
		return rt_readfile(text, path);
	text->len = want;
	text->ptr[want] = '\0';
	return 0;
}

static int load_folder(retort *r, const char *dir, rt_buf *text, rt_buf *path, size_t *cap)
{
	rt_strvec names = RT_STRVEC_INIT;
	int rc = 0, dirfd = -1;
	if (rt_listdir(&names, dir, ".sql") < 0 ||
	    (dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		rc = rt_error(&r->err, RETORT_ECONFIG, "%s: cannot read version location '%s': %s",
			      r->cfg.path ? r->cfg.path : "version_locations", dir, strerror(errno));
		goto done;
	}
	for (size_t i = 0; i < names.len; i++) {
		rt_buf_clear(path);
		rt_path_join(path, dir, names.v[i]);
		if (read_entry(dirfd, names.v[i], path->ptr, text) < 0) {
			rc = rt_error(&r->err, RETORT_EIO, "cannot read '%s': %s", path->ptr,
				      strerror(errno));
			goto done;
		}
		RT_ARRAY_GROW(r->files, r->nfiles, *cap);
		rt_revfile *rf = &r->files[r->nfiles];
		memset(rf, 0, sizeof(*rf));
		rc = rt_revfile_parse(rf, path->ptr, text->ptr, text->len, &r->err);
		if (rc) {
			rt_revfile_free(rf);
			goto done;
		}
		r->nfiles++;
	}
done:
	if (dirfd >= 0)
		close(dirfd);
	rt_strvec_free(&names);
	return rc;
}

int rt_scripts_load(retort *r)
{
	rt_buf text = RT_BUF_INIT, path = RT_BUF_INIT;
	size_t cap = r->nfiles;
	int rc = 0;
	const rt_strvec *locs = &r->cfg.version_locations;
	for (size_t i = 0; i < locs->len && !rc; i++) {
		if (!rt_isdir(locs->v[i])) {
			rc = rt_error(&r->err, RETORT_ECONFIG,
				      "%s: version location '%s' is not a folder",
				      r->cfg.path ? r->cfg.path : "configuration", locs->v[i]);
			break;
		}
		rc = load_folder(r, locs->v[i], &text, &path, &cap);
	}
	rt_buf_free(&text);
	rt_buf_free(&path);
	if (rc)
		return rc;
	/* the graph keeps pointers into r->files: it never grows after this */
	return rt_graph_build(&r->graph, r->files, (uint32_t)r->nfiles, &r->err);
}
