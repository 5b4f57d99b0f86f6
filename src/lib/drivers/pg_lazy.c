/*
 * drivers/pg_lazy.c: the PostgreSQL driver as the core sees it, a table
 * that loads the real one (drivers/postgres.c, built as the module
 * libretort-postgres.so) on its first use.
 *
 * Why: libpq brings Kerberos, LDAP, GnuTLS and a dozen more libraries; mapping
 * and relocating them cost every command ~4 ms and ~5 MB of resident memory,
 * more than all the rest of `retort --version`, even though most commands
 * never connect to PostgreSQL.  Loaded on demand, they cost only the
 * commands that use them.
 *
 * Where the module is looked for, first found wins:
 *   1. $RETORT_POSTGRES_MODULE, a path (and then nowhere else);
 *   2. beside the running program (/proc/self/exe): the build tree;
 *   3. beside the object holding this code (libretort.so), and in its
 *      retort/ folder;
 *   4. the installed path, RETORT_PG_MODULE_PATH (<libdir>/retort/...).
 * The module must come from the same version of retort (it exports
 * retort_postgres_module(version), which refuses any other).
 *
 * The connections the module makes are handed out with this table as
 * their driver, so that every later call comes through here and is
 * forwarded: one indirect call more per statement, nothing to the server.
 */
#ifdef RETORT_WITH_POSTGRES

#define _GNU_SOURCE /* dladdr */

#include "drivers/postgres.h"
#include "retort.h"
#include "util/buf.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef RETORT_PG_MODULE_PATH
#define RETORT_PG_MODULE_PATH "/usr/local/lib/retort/libretort-postgres.so"
#endif
#define MODULE_NAME "libretort-postgres.so"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const retort_driver *real;
static char why[512];      /* why loading failed, for every later call */

typedef const retort_driver *(*entry_fn)(const char *version);

/* dlopen path and take its table; false (and why set) when it will not do. */
static bool try_path(const char *path, rt_buf *tried)
{
	if (access(path, F_OK) != 0) {
		rt_buf_printf(tried, "%s'%s'", tried->len ? ", " : "", path);
		return false;
	}
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		snprintf(why, sizeof(why), "cannot load the PostgreSQL driver: %s", e ? e : path);
		return false;
	}
	entry_fn entry;
	*(void **)&entry = dlsym(h, "retort_postgres_module");
	const retort_driver *d = entry ? entry(RETORT_VERSION) : NULL;
	if (!d || d->version != RETORT_DRIVER_VERSION) {
		snprintf(why, sizeof(why),
			 "cannot load the PostgreSQL driver: '%s' is not the module of retort %s",
			 path, RETORT_VERSION);
		dlclose(h);
		return false;
	}
	real = d;
	return true; /* never closed: connections and their libpq live in it */
}

/* The folder of path, joined to name. */
static void beside(rt_buf *out, const char *path, const char *name)
{
	const char *slash = strrchr(path, '/');
	rt_buf_clear(out);
	if (!slash)
		return;
	rt_buf_put(out, path, (size_t)(slash - path + 1));
	rt_buf_puts(out, name);
}

static void load(void)
{
	rt_buf path = RT_BUF_INIT, tried = RT_BUF_INIT;
	const char *env = getenv("RETORT_POSTGRES_MODULE");
	if (env && *env) {
		if (!try_path(env, &tried) && !why[0])
			snprintf(why, sizeof(why),
				 "cannot load the PostgreSQL driver: RETORT_POSTGRES_MODULE names '%s', "
				 "which does not exist", env);
		goto done;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		beside(&path, exe, MODULE_NAME);
		if (path.len && (try_path(path.ptr, &tried) || why[0]))
			goto done;
	}
	Dl_info info;
	if (dladdr((void *)&rt_postgres_driver, &info) && info.dli_fname &&
	    strchr(info.dli_fname, '/')) {
		beside(&path, info.dli_fname, MODULE_NAME);
		if (path.len && (try_path(path.ptr, &tried) || why[0]))
			goto done;
		beside(&path, info.dli_fname, "retort/" MODULE_NAME);
		if (path.len && (try_path(path.ptr, &tried) || why[0]))
			goto done;
	}
	if (!try_path(RETORT_PG_MODULE_PATH, &tried) && !why[0])
		snprintf(why, sizeof(why),
			 "cannot load the PostgreSQL driver: no %s at %s "
			 "(install retort, or set RETORT_POSTGRES_MODULE)",
			 MODULE_NAME, tried.ptr);
done:
	rt_buf_free(&path);
	rt_buf_free(&tried);
}

static const retort_driver *driver(retort_dberror *err)
{
	pthread_once(&once, load);
	if (!real && err) {
		memset(err, 0, sizeof(*err));
		err->offset = -1;
		snprintf(err->message, sizeof(err->message), "%s", why);
	}
	return real;
}

static int lz_connect(retort_conn **out, const retort_conninfo *ci, retort_dberror *err)
{
	*out = NULL;
	const retort_driver *d = driver(err);
	if (!d)
		return RETORT_EUNSUPPORTED;
	int rc = d->connect(out, ci, err);
	if (!rc && *out)
		(*out)->driver = &rt_postgres_driver;
	return rc;
}

/* A connection exists only once the module is loaded: real is set. */
static void lz_close(retort_conn *c)
{
	if (c)
		real->close(c);
}

static int lz_exec(retort_conn *c, const char *sql, retort_dberror *err)
{
	return real->exec(c, sql, err);
}

static int lz_query(retort_conn *c, const char *sql, retort_row_fn fn, void *data,
		    retort_dberror *err)
{
	return real->query(c, sql, fn, data, err);
}

static int lz_begin(retort_conn *c, retort_dberror *err)
{
	return real->begin(c, err);
}

static int lz_commit(retort_conn *c, retort_dberror *err)
{
	return real->commit(c, err);
}

static int lz_rollback(retort_conn *c, retort_dberror *err)
{
	return real->rollback(c, err);
}

static int lz_table_exists(retort_conn *c, const char *schema, const char *table, int *exists,
			   retort_dberror *err)
{
	return real->table_exists(c, schema, table, exists, err);
}

/* Splitting needs no connection: it may be the first use. */
static int lz_split(const char *sql, int (*fn)(void *data, size_t off, size_t len), void *data,
		    retort_dberror *err)
{
	const retort_driver *d = driver(err);
	return d ? d->split(sql, fn, data, err) : RETORT_EUNSUPPORTED;
}

static int lz_lock(retort_conn *c, const char *key, double timeout, retort_dberror *err)
{
	return real->lock(c, key, timeout, err);
}

static int lz_unlock(retort_conn *c, const char *key, retort_dberror *err)
{
	return real->unlock(c, key, err);
}

static int lz_locate(retort_conn *c, const char *schema, const char *table, retort_target *out,
		     retort_dberror *err)
{
	return real->locate(c, schema, table, out, err);
}

static int lz_check_outside(retort_conn *c, const char *sql, retort_dberror *err)
{
	return real->check_outside(c, sql, err);
}

const retort_driver rt_postgres_driver = {
	.version = RETORT_DRIVER_VERSION,
	.name = "postgresql",
	.connect = lz_connect,
	.close = lz_close,
	.exec = lz_exec,
	.query = lz_query,
	.begin = lz_begin,
	.commit = lz_commit,
	.rollback = lz_rollback,
	.table_exists = lz_table_exists,
	.split = lz_split,
	.lock = lz_lock,
	.unlock = lz_unlock,
	.locate = lz_locate,
	.check_outside = lz_check_outside,
};

#endif /* RETORT_WITH_POSTGRES */
