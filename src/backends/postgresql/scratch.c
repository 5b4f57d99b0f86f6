/*
 * backends/postgresql/scratch.c: where PostgreSQL loads a model (model.h):
 * by default a database made for the purpose on the project's server
 * (CREATE DATABASE retort_scratch_<random>, with the same credentials) and
 * dropped at the end, errors included; where the user may not create
 * databases (SQLSTATE 42501), or where dev_url names a database to use, a
 * schema retort_scratch_<random> made inside a transaction with search_path
 * set to it, and rolled back at the end, so that nothing of the model (not
 * even a schema-qualified statement) outlives the comparison.
 */
#include "db.h"
#include "model.h"
#include "scratch.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <string.h>
#include <time.h>

/* Schema mode on sc->conn: BEGIN; CREATE SCHEMA; search_path to it first. */
static int scratch_enter(retort *r, rt_scratch *sc)
{
	rt_buf name = RT_BUF_INIT, sql = RT_BUF_INIT;
	rt_scratch_name(&name);
	rt_buf_printf(&sql, "BEGIN; CREATE SCHEMA %s; SELECT pg_catalog.set_config('search_path', "
		      "'%s, ' || pg_catalog.current_setting('search_path'), true)",
		      name.ptr, name.ptr);
	int rc = rt_exec_on(r, sc->conn, sql.ptr, NULL);
	sc->txn = true; /* even a failed BEGIN script leaves one open */
	if (rc)
		rc = rt_scratch_fail(r, rc, "cannot make a scratch schema for the model");
	rt_buf_free(&name);
	rt_buf_free(&sql);
	return rc;
}

#define SCRATCH_MARK "retort scratch database, removed after use; created at "
#define SCRATCH_STALE 3600 /* seconds after which a leftover is removed */

/*
 * A scratch database whose run was killed (SIGKILL, a cancelled CI job)
 * was never dropped.  Its name says when it was made (rt_scratch_name), so
 * that a kill even during CREATE DATABASE leaves one that is known: those
 * over an hour old are dropped now, best effort, so leftovers cannot pile
 * up.  Older retorts' leftovers carry the time in a comment instead.  A
 * database that is neither is never touched.
 */
static void drop_stale_scratch(retort *r)
{
	rt_buf sql = RT_BUF_INIT;
	rt_buf_printf(&sql,
		      "SELECT pg_catalog.quote_ident(datname) FROM pg_catalog.pg_database"
		      " WHERE datname LIKE 'retort\\_scratch\\_%%' AND CASE"
		      " WHEN datname ~ '^retort_scratch_[0-9]{1,15}_[0-9]+_[0-9a-f]+$'"
		      " THEN CAST(pg_catalog.split_part(datname, '_', 3) AS bigint)"
		      " WHEN pg_catalog.shobj_description(oid, 'pg_database') LIKE '%s%%'"
		      " THEN CAST(substr(pg_catalog.shobj_description(oid, 'pg_database'), %zu)"
		      " AS bigint) END < extract(epoch FROM now()) - %d",
		      SCRATCH_MARK, strlen(SCRATCH_MARK) + 1, SCRATCH_STALE);
	rt_strvec names = RT_STRVEC_INIT;
	rt_err saved = r->err;
	if (rt_db_query(r, sql.ptr, rt_collect_first, &names) == 0)
		for (size_t i = 0; i < names.len; i++) {
			rt_buf_clear(&sql);
			rt_buf_printf(&sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", names.v[i]);
			if (rt_db_exec(r, sql.ptr, NULL) == 0)
				rt_log(r, RETORT_LOG_DEBUG, "dropped the stale scratch database %s",
				       names.v[i]);
		}
	r->err = saved;
	rt_strvec_free(&names);
	rt_buf_free(&sql);
}

/* Without dev_url: a database of its own, else a schema. */
static int scratch_create(retort *r, rt_scratch *sc)
{
	rt_buf name = RT_BUF_INIT, sql = RT_BUF_INIT;
	rt_scratch_name(&name);
	rt_buf_printf(&sql, "CREATE DATABASE %s", name.ptr);
	retort_dberror e = { .offset = -1 };
	int rc = rt_project_connect(r);
	if (!rc)
		drop_stale_scratch(r);
	if (!rc && (rc = rt_exec_on(r, r->conn, sql.ptr, &e)) && !strcmp(e.sqlstate, "42501")) {
		/* no CREATEDB: a schema in the project's own database */
		rt_err_clear(&r->err);
		sc->conn = r->conn;
		rc = scratch_enter(r, sc);
		goto done;
	}
	if (rc) {
		rc = rt_scratch_fail(r, rc, "cannot make a scratch database for the model "
			      "(set dev_url, or grant CREATEDB)");
		goto done;
	}
	sc->dbname = rt_buf_detach(&name);
	rt_buf_clear(&sql);
	rt_buf_printf(&sql, "COMMENT ON DATABASE %s IS '" SCRATCH_MARK "%lld'", sc->dbname,
		      (long long)time(NULL));
	if ((rc = rt_exec_on(r, r->conn, sql.ptr, NULL)))
		goto done;
	rc = rt_scratch_connect(r, &r->url, sc->dbname, NULL, &sc->conn);
	sc->own = sc->conn != NULL;
done:
	rt_buf_free(&name);
	rt_buf_free(&sql);
	return rc;
}

int rt_pg_scratch_create(retort *r, rt_scratch *sc)
{
	return scratch_create(r, sc);
}

int rt_pg_scratch_enter(retort *r, rt_scratch *sc)
{
	return scratch_enter(r, sc);
}

int rt_pg_scratch_drop(retort *r, rt_scratch *sc)
{
	rt_buf sql = RT_BUF_INIT;
	/* WITH (FORCE), PostgreSQL 13+: the closed session may not be gone yet */
	rt_buf_printf(&sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", sc->dbname);
	retort_dberror e = { .offset = -1 };
	int rc = rt_exec_on(r, r->conn, sql.ptr, &e);
	if (rc && !strcmp(e.sqlstate, "42601")) {
		rt_buf_truncate(&sql, sql.len - strlen(" WITH (FORCE)"));
		rc = rt_exec_on(r, r->conn, sql.ptr, NULL);
	}
	rt_buf_free(&sql);
	return rc;
}

/* s into out, percent-encoded where a URL would misread it. */
static void put_pct(rt_buf *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || strchr("-._~", c))
			rt_buf_putc(out, (char)c);
		else
			rt_buf_printf(out, "%%%02X", c);
	}
}

int rt_pg_scratch_own(retort *r, rt_scratch *sc, rt_buf *url)
{
	int rc = scratch_create(r, sc);
	if (!rc && sc->txn)
		rc = rt_error(&r->err, RETORT_EDB, "the database user may not create "
			      "databases (CREATEDB), which a second process needs");
	if (rc)
		return rc;
	const rt_url *u = &r->url;
	rt_buf_puts(url, "postgresql://");
	put_pct(url, u->user);
	if (u->password) {
		rt_buf_putc(url, ':');
		put_pct(url, u->password);
	}
	if (u->user || u->password)
		rt_buf_putc(url, '@');
	if (u->host && u->host[0] != '/')
		rt_buf_puts(url, u->host);
	if (u->port)
		rt_buf_printf(url, ":%s", u->port);
	rt_buf_printf(url, "/%s", sc->dbname);
	char sep = '?';
	if (u->host && u->host[0] == '/') {
		rt_buf_printf(url, "?host=");
		put_pct(url, u->host);
		sep = '&';
	}
	for (size_t i = 0; i < u->query_keys.len; i++, sep = '&') {
		rt_buf_putc(url, sep);
		put_pct(url, u->query_keys.v[i]);
		rt_buf_putc(url, '=');
		put_pct(url, u->query_vals.v[i]);
	}
	return 0;
}

/*
 * A dump sets search_path to '' (pg_dump does, to qualify every name):
 * the model is read back in the scratch's own schema, whatever the model's
 * statements did to the session.
 */
int rt_pg_session_save(retort *r, rt_strvec *saved)
{
	return rt_db_query(r, "SELECT pg_catalog.current_setting('search_path')", rt_collect_first,
			   saved);
}

int rt_pg_session_restore(retort *r, const rt_strvec *saved, bool in_txn)
{
	if (!saved->len)
		return 0;
	rt_buf sql = RT_BUF_INIT;
	rt_buf_puts(&sql, "SELECT pg_catalog.set_config('search_path', ");
	rt_buf_put_sqlstr(&sql, saved->v[0]);
	rt_buf_printf(&sql, ", %s)", in_txn ? "true" : "false");
	int rc = rt_db_exec(r, sql.ptr, NULL);
	rt_buf_free(&sql);
	return rc;
}
