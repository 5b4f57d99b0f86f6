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
#include "revcache.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * A folder's *.sql names, in one buffer: one allocation for the names and
 * one for the index, instead of one per name.
 */
typedef struct listing {
	rt_buf names;         /* each name NUL-terminated */
	size_t *at;           /* offsets into names while listing */
	size_t n, cap;
	const char **v;       /* then the names, sorted */
} listing;

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_sql(const char *name, size_t n)
{
	return n >= 4 && !memcmp(name + n - 4, ".sql", 4);
}

/* Alembic's revision modules: *.py but __init__*.py and Emacs's .#* (dot files go anyway). */
static bool is_py(const char *name, size_t n)
{
	return n >= 3 && !memcmp(name + n - 3, ".py", 3) && strncmp(name, "__init__", 8);
}

/* No dot files; every *.sql and *.py entry, whatever its type. */
static void list_folder(DIR *d, listing *l)
{
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (e->d_name[0] == '.' || !(is_sql(e->d_name, n) || is_py(e->d_name, n)))
			continue;
		/* anything else named so is refused when read (read_entry) */
		/* each name is kept behind a byte that says whether it is regular */
		RT_ARRAY_GROW(l->at, l->n, l->cap);
		rt_buf_putc(&l->names, e->d_type == DT_REG ? 'r' : '?');
		l->at[l->n++] = l->names.len;
		rt_buf_put(&l->names, e->d_name, n + 1);
	}
	l->v = rt_xcalloc(l->n, sizeof(*l->v));
	for (size_t i = 0; i < l->n; i++)
		l->v[i] = l->names.ptr + l->at[i];
	qsort(l->v, l->n, sizeof(*l->v), by_name);
}

/*
 * Read one file of the folder into text (cleared first), in as few system
 * calls as the kernel allows: openat on the folder's descriptor (no path
 * walk), then for a regular file (the listing says so) one read into a
 * buffer larger than any revision file is likely to be: a regular file
 * gives less than was asked only at its end, so a short read is the whole
 * file and neither fstat nor the read that finds the end is needed (a full
 * buffer reads on).  Links and unknown types are checked with fstatat
 * before anything is opened, so that a link to a folder, a FIFO or a
 * device is refused instead of blocking the open; O_NONBLOCK covers what
 * changes in between.
 */
#define READ_CHUNK 65536

static int read_entry(int dirfd, const char *name, bool regular, rt_buf *text)
{
	rt_buf_clear(text);
	if (!regular) {
		struct stat st;
		if (fstatat(dirfd, name, &st, 0) < 0)
			return -1;
		if (!S_ISREG(st.st_mode)) {
			errno = S_ISDIR(st.st_mode) ? EISDIR : ENODEV;
			return -1;
		}
	}
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (!regular) {
		struct stat st;
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			errno = ENODEV;
			return -1;
		}
	}
	for (;;) {
		rt_buf_grow(text, READ_CHUNK);
		size_t room = text->cap - 1 - text->len;
		ssize_t n = read(fd, text->ptr + text->len, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		text->len += (size_t)n;
		text->ptr[text->len] = '\0';
		if ((size_t)n < room)
			break;
	}
	close(fd);
	return 0;
}

/*
 * Load one file: from the cache when its entry holds (then its identity was
 * taken with one fstatat), else read and parsed.  *fresh: it was read.
 */
static int load_file(retort *r, int dirfd, const char *name, const char *path, rt_buf *text,
		     const rt_revcache *cache, const rt_filestat *fs, rt_revfile *rf, bool *fresh)
{
	*fresh = false;
	if (cache && fs && rt_revcache_get(cache, name, fs, path, rf))
		return 0;
	*fresh = true;
	if (read_entry(dirfd, name, name[-1] == 'r', text) < 0) {
		/* what is in the folder is not a revision file: the folder is bad */
		const char *why = errno == ENOENT ? "a symbolic link to nothing"
				  : errno == ELOOP ? "a symbolic link that loops"
				  : errno == EISDIR ? "a folder"
				  : errno == ENODEV ? "not a regular file (a FIFO, socket or device)"
				  : NULL;
		if (why)
			return rt_error(&r->err, RETORT_EPARSE,
					"%s: %s, not a revision file; remove it from the version "
					"location", path, why);
		/* a revision file retort cannot read is bad input: nothing ran (exit 2) */
		return rt_error_at(&r->err, RETORT_EPARSE, path, 0, "cannot read it: %s",
				   strerror(errno));
	}
	size_t n = strlen(name);
	if (is_py(name, n))
		return rt_revpy_parse(rf, path, text->ptr, text->len, &r->err);
	return rt_revfile_parse(rf, path, text->ptr, text->len, &r->err);
}

/*
 * The identity of every listed file, for the cache.  In a large folder this
 * is most of the time a cached load takes (one fstatat a file, the rest is
 * a few milliseconds of parsing the cache), so there it is split between
 * up to 4 threads; each has its own slice of the arrays.
 */
typedef struct stat_job {
	int dirfd;
	const char *const *names;
	rt_filestat *fs;
	bool *have;               /* fs[i] holds a regular file's identity */
	size_t from, to;
} stat_job;

#define STAT_THREADS 4
#define STAT_PER_THREAD 1000 /* fewer files a thread are not worth one */

static void *stat_range(void *arg)
{
	stat_job *j = arg;
	for (size_t i = j->from; i < j->to; i++) {
		struct stat st;
		j->have[i] = fstatat(j->dirfd, j->names[i], &st, 0) == 0 && S_ISREG(st.st_mode);
		if (j->have[i])
			rt_filestat_of(&j->fs[i], &st);
	}
	return NULL;
}

static void stat_all(int dirfd, const char *const *names, size_t n, rt_filestat *fs, bool *have)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nt = n / STAT_PER_THREAD;
	if (cpus > 0 && nt > (size_t)cpus)
		nt = (size_t)cpus;
	nt = nt < 1 ? 1 : nt > STAT_THREADS ? STAT_THREADS : nt;
	stat_job jobs[STAT_THREADS];
	pthread_t th[STAT_THREADS];
	bool started[STAT_THREADS] = { false };
	for (size_t t = 0; t < nt; t++) {
		jobs[t] = (stat_job){ dirfd, names, fs, have, n * t / nt, n * (t + 1) / nt };
		if (t > 0)
			started[t] = pthread_create(&th[t], NULL, stat_range, &jobs[t]) == 0;
	}
	for (size_t t = 0; t < nt; t++) /* ours, and any a thread could not take */
		if (!started[t])
			stat_range(&jobs[t]);
	for (size_t t = 1; t < nt; t++)
		if (started[t])
			pthread_join(th[t], NULL);
}

static int load_folder(retort *r, const char *dir, rt_buf *text, rt_buf *path)
{
	listing l = { RT_BUF_INIT, NULL, 0, 0, NULL };
	int rc = 0;
	DIR *d = opendir(dir);
	if (!d) {
		return rt_error(&r->err, RETORT_ECONFIG, "%s: cannot read version location '%s': %s",
				r->cfg.path ? r->cfg.path : "version_locations", dir,
				strerror(errno));
	}
	list_folder(d, &l);
	/* exactly as many as the folder holds: 10,000 files, not 16,384 */
	r->files = rt_xreallocarray(r->files, r->nfiles + l.n, sizeof(*r->files));
	rt_buf_clear(path);
	rt_path_join(path, dir, "");
	size_t dirlen = path->len;

	/* a large folder goes through the cache (revcache.h) */
	bool cached = rt_revcache_wanted(l.n);
	rt_revcache *cache = cached ? rt_revcache_open(dir) : NULL;
	rt_revcache_entry *ents = cached ? rt_xcalloc(l.n ? l.n : 1, sizeof(*ents)) : NULL;
	rt_filestat *fs = cached ? rt_xcalloc(l.n ? l.n : 1, sizeof(*fs)) : NULL;
	bool *have = cached ? rt_xcalloc(l.n ? l.n : 1, sizeof(*have)) : NULL;
	size_t nents = 0, hits = 0;
	bool dirty = cached && !cache;
	if (cached)
		stat_all(dirfd(d), l.v, l.n, fs, have);

	for (size_t i = 0; i < l.n; i++) {
		const char *name = l.v[i];
		rt_buf_truncate(path, dirlen);
		rt_buf_puts(path, name);
		rt_revfile *rf = &r->files[r->nfiles];
		bool fresh;
		rc = load_file(r, dirfd(d), name, path->ptr, text, cache,
			       cached && have[i] ? &fs[i] : NULL, rf, &fresh);
		if (rc)
			break;
		r->nfiles++;
		dirty |= fresh;
		hits += !fresh;
		if (cached && have[i])
			ents[nents++] = (rt_revcache_entry){ name, fs[i], rf };
	}
	/* rewritten when a file was read, or one it held is gone */
	if (!rc && cached && (dirty || hits != rt_revcache_count(cache)))
		rt_revcache_write(dir, ents, nents);
	rt_revcache_close(cache);
	free(ents);
	free(fs);
	free(have);
	closedir(d);
	rt_buf_free(&l.names);
	free(l.at);
	free(l.v);
	return rc;
}

/*
 * Twins: a .sql file and an Alembic .py file with the same revision id are
 * one revision when their headers agree (retort runs the .sql, Alembic the
 * .py); the .py is dropped from the list and named in the .sql's twin.
 * Headers that disagree are refused, naming both files.
 */
static const char *header_differs(const rt_revfile *a, const rt_revfile *b)
{
	const rt_strvec *la[] = { &a->revises, &a->branch_labels, &a->depends_on };
	const rt_strvec *lb[] = { &b->revises, &b->branch_labels, &b->depends_on };
	static const char *const what[] = { "Revises (down_revision)",
					    "Branch Labels (branch_labels)",
					    "Depends On (depends_on)" };
	for (int i = 0; i < 3; i++) {
		if (la[i]->len != lb[i]->len)
			return what[i];
		for (size_t k = 0; k < la[i]->len; k++)
			if (strcmp(la[i]->v[k], lb[i]->v[k]))
				return what[i];
	}
	return NULL;
}

static int by_id(const void *a, const void *b)
{
	const rt_revfile *x = *(const rt_revfile *const *)a, *y = *(const rt_revfile *const *)b;
	int c = strcmp(x->id, y->id);
	return c ? c : (int)x->python - (int)y->python;
}

static int pair_twins(retort *r)
{
	size_t npy = 0;
	for (size_t i = 0; i < r->nfiles; i++)
		npy += r->files[i].python;
	if (!npy || npy == r->nfiles)
		return 0;
	rt_revfile **v = rt_xcalloc(r->nfiles, sizeof(*v));
	for (size_t i = 0; i < r->nfiles; i++)
		v[i] = &r->files[i];
	qsort(v, r->nfiles, sizeof(*v), by_id);
	int rc = 0;
	for (size_t i = 0; i + 1 < r->nfiles && !rc; i++) {
		rt_revfile *sql = v[i], *py = v[i + 1];
		if (sql->python || !py->python || strcmp(sql->id, py->id))
			continue;
		const char *d = header_differs(sql, py);
		if (d) {
			rc = rt_error_at(&r->err, RETORT_EPARSE, sql->path, sql->id_line,
					 "its twin %s (revision %s) disagrees on %s; make the "
				      "two headers the same or remove one file", py->path, sql->id, d);
			break;
		}
		sql->twin = rt_xstrdup(py->path);
		rt_revfile_free(py); /* its id is NULL now: dropped below */
		i++;
	}
	free(v);
	size_t k = 0;
	for (size_t i = 0; i < r->nfiles; i++) {
		if (!r->files[i].id)
			continue;
		if (k != i)
			r->files[k] = r->files[i];
		k++;
	}
	r->nfiles = k;
	return rc;
}

int rt_scripts_load(retort *r)
{
	rt_buf text = RT_BUF_INIT, path = RT_BUF_INIT;
	int rc = 0;
	const rt_strvec *locs = &r->cfg.version_locations;
	for (size_t i = 0; i < locs->len && !rc; i++) {
		if (!rt_isdir(locs->v[i])) {
			rc = rt_error(&r->err, RETORT_ECONFIG,
				      "%s: version location '%s' is not a folder",
				      r->cfg.path ? r->cfg.path : "configuration", locs->v[i]);
			break;
		}
		rc = load_folder(r, locs->v[i], &text, &path);
	}
	rt_buf_free(&text);
	rt_buf_free(&path);
	if (!rc)
		rc = pair_twins(r);
	if (rc)
		return rc;
	/* the graph keeps pointers into r->files: it never grows after this */
	return rt_graph_build(&r->graph, r->files, (uint32_t)r->nfiles, &r->err);
}
