/*
 * model.c: load the model into a scratch database and read it back
 * (model.h), and find the renames its comments declare.
 *
 * The scratch database is a connection of the project's backend: SQLite's
 * in memory unless dev_url says otherwise; PostgreSQL's a database made on
 * the project's server, or a schema inside a transaction (see `scratch`
 * below).  The db.c wrappers work on r->conn, so while the model is loaded
 * and inspected the scratch connection takes that slot; the project's own
 * connection is put back before any return.
 */
#include "db.h"
#include "model.h"
#include "pyhelper.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Read schema (NULL: the connection's own) with the backend's inspector. */
static int inspect_schema(retort *r, const char *schema, rt_schema *out)
{
	if (!r->backend->inspect)
		return rt_error(&r->err, RETORT_EUNSUPPORTED,
				"autogenerate cannot read a %s database yet", r->backend->name);
	return r->backend->inspect(r, schema, out);
}

int rt_inspect(retort *r, rt_schema *out)
{
	return inspect_schema(r, r->cfg.version_table_schema, out);
}

/* --- The model's files -------------------------------------------------------------- */

/* path relative to the config's folder when it lies inside it, for messages. */
static const char *shown(const retort *r, const char *path)
{
	size_t n = r->cfg.here ? strlen(r->cfg.here) : 0;
	if (n && !strncmp(path, r->cfg.here, n) && path[n] == '/')
		return path + n + 1;
	return path;
}

static bool is_command(const char *model)
{
	return !strncmp(model, "exec:", 5) || !strncmp(model, "sqlalchemy:", 11);
}

bool rt_model_exists(const retort *r)
{
	const char *model = r->cfg.model ? r->cfg.model : "schema.sql";
	return is_command(model) || rt_isfile(model) || rt_isdir(model);
}

static int model_files(retort *r, rt_strvec *paths)
{
	const char *model = r->cfg.model ? r->cfg.model : "schema.sql";
	if (is_command(model)) {
		rt_strvec_push(paths, model);
		return 0;
	}
	if (rt_isfile(model)) {
		rt_strvec_push(paths, model);
		return 0;
	}
	if (!rt_isdir(model))
		return rt_error(&r->err, RETORT_ECONFIG,
				"no model: '%s' does not exist (set 'model' in the configuration)",
				shown(r, model));
	rt_strvec names = RT_STRVEC_INIT;
	if (rt_listdir(&names, model, ".sql"))
		return rt_error(&r->err, RETORT_EIO, "cannot read '%s': %s", shown(r, model),
				strerror(errno));
	for (size_t i = 0; i < names.len; i++) {
		rt_buf p = RT_BUF_INIT;
		rt_path_join(&p, model, names.v[i]);
		rt_strvec_push_owned(paths, rt_buf_detach(&p));
	}
	rt_strvec_free(&names);
	if (!paths->len)
		return rt_error(&r->err, RETORT_ECONFIG, "no model: '%s' holds no .sql file",
				shown(r, model));
	return 0;
}

static unsigned line_at(const char *text, long offset)
{
	unsigned line = 1;
	for (long i = 0; i < offset && text[i]; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

/*
 * The model's SQL from a command: "exec: CMD" runs CMD with the shell from
 * the configuration's folder; "sqlalchemy: module:object" runs retort's
 * helper, which prints the MetaData's DDL for the project's backend
 * through SQLAlchemy's own compiler.  Either failing is a configuration
 * error naming the command and what it said last.
 */
static int model_command(retort *r, const char *model, rt_buf *text)
{
	rt_pyhelper h;
	int rc;
	const char *where = r->cfg.path ? r->cfg.path : "configuration";
	if (!strncmp(model, "exec:", 5)) {
		const char *cmd = model + 5 + strspn(model + 5, " \t");
		if (!*cmd)
			return rt_error(&r->err, RETORT_ECONFIG, "%s: model = exec: names no command",
					where);
		const char *args[] = { "-c", cmd, NULL };
		rc = rt_process_start(r, &h, "/bin/sh", args, NULL);
	} else {
		const char *spec = model + 11 + strspn(model + 11, " \t");
		const char *args[] = { "model", spec, r->backend->name, NULL };
		rc = rt_pyhelper_start(r, &h, NULL, args, NULL);
	}
	if (rc)
		return rc;
	fclose(h.in);
	h.in = NULL;
	int read_rc = rt_pyhelper_read_until(r, &h, text, r->cfg.model_timeout);
	if (read_rc)
		rt_pyhelper_kill(&h); /* and all it started */
	rt_buf what = RT_BUF_INIT;
	rt_buf_printf(&what, "%s: model = %s", where, model);
	rc = rt_pyhelper_finish(r, &h, what.ptr);
	if (read_rc == RETORT_EINTERRUPTED)
		rc = rt_error(&r->err, RETORT_EINTERRUPTED, "interrupted while %s ran", what.ptr);
	else if (read_rc == RETORT_EEXTERNAL)
		rc = rt_error(&r->err, RETORT_ECONFIG, "%s: did not finish within %g s "
			      "(model_timeout); it was stopped", what.ptr, r->cfg.model_timeout);
	else if (read_rc)
		rc = rt_error(&r->err, RETORT_EIO, "%s: cannot read its output", what.ptr);
	else if (rc) /* the model is configured wrong: nothing ran */
		r->err.code = rc = RETORT_ECONFIG;
	else if (text->len && memchr(text->ptr, '\0', text->len))
		rc = rt_error(&r->err, RETORT_ECONFIG, "%s: its output holds a NUL byte at offset "
			      "%zu: a model is SQL text", what.ptr,
			      (size_t)((const char *)memchr(text->ptr, '\0', text->len) - text->ptr));
	rt_buf_free(&what);
	return rc;
}

/*
 * What a dump holds besides SQL (the backend's dump_noise: psql's
 * meta-commands, SQLite's internal tables) is blanked, lines kept so that
 * errors keep their line numbers.
 */
static void strip_dump(retort *r, const char *path, rt_buf *text)
{
	size_t skipped = 0;
	for (char *l = text->ptr; l && *l;) {
		char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		if (r->backend->dump_noise && r->backend->dump_noise(l, n)) {
			memset(l, ' ', n);
			skipped++;
		}
		l = nl ? nl + 1 : NULL;
	}
	if (skipped)
		rt_log(r, RETORT_LOG_DEBUG, "%s: %zu line%s of the dump tool's own skipped", path,
		       skipped, skipped == 1 ? "" : "s");
}

/* Run one model file (or command) on the scratch connection (now r->conn). */
static int load_file(retort *r, const char *path, rt_renames *renames)
{
	rt_buf text = RT_BUF_INIT;
	if (is_command(path)) {
		int rc = model_command(r, path, &text);
		if (rc) {
			rt_buf_free(&text);
			return rc;
		}
	} else if (rt_readfile(&text, path)) {
		int e = errno;
		rt_buf_free(&text);
		return rt_error(&r->err, RETORT_EIO, "cannot read '%s': %s", shown(r, path),
				strerror(e));
	}
	if (!text.ptr)
		rt_buf_puts(&text, "");
	strip_dump(r, shown(r, path), &text);
	rt_model_renames(renames, text.ptr);
	retort_dberror e;
	int rc = rt_db_exec(r, text.ptr, &e);
	if (rc) {
		long at = e.position > 0 ? e.position - 1 : e.offset > 0 ? e.offset : 0;
		rt_buf msg = RT_BUF_INIT;
		rt_db_describe(&msg, &e);
		rc = rt_error_at(&r->err, RETORT_EPARSE, shown(r, path), line_at(text.ptr, at),
				 "%s", msg.ptr);
		rt_buf_free(&msg);
	}
	rt_buf_free(&text);
	return rc;
}

/* --- The scratch database --------------------------------------------------------------- */

/*
 * Where the model is loaded: a second connection, to dev_url when it is
 * set, else where the backend makes one (backends/backend.h: SQLite's memory; on
 * PostgreSQL a database made for the purpose, or a schema in a transaction:
 * backends/postgresql/scratch.c).  What the backend made is removed at
 * the end, errors included.
 */
typedef rt_scratch scratch;

int rt_scratch_connect(retort *r, const rt_url *u, const char *database, const char *what,
		       retort_conn **out)
{
	retort_conninfo ci = { .scheme = r->backend->name };
	if (u) {
		ci.user = u->user, ci.password = u->password, ci.host = u->host;
		ci.port = u->port, ci.database = database ? database : u->database;
		ci.query_keys = (const char *const *)u->query_keys.v;
		ci.query_vals = (const char *const *)u->query_vals.v;
		ci.n_query = u->query_keys.len;
	}
	retort_dberror e = { .offset = -1 };
	if (!rt_db_connect(r, r->backend->driver, out, &ci, &e))
		return 0;
	rt_buf msg = RT_BUF_INIT;
	rt_db_describe(&msg, &e);
	int rc = rt_error(&r->err, RETORT_ECONNECT, "cannot open the scratch database%s%s: %s",
			  what ? " " : "", what ? what : "", msg.ptr);
	rt_buf_free(&msg);
	*out = NULL;
	return rc;
}

void rt_scratch_name(rt_buf *out)
{
	unsigned char b[6] = { 0 };
	FILE *f = fopen("/dev/urandom", "rb");
	if (!f || fread(b, 1, sizeof(b), f) != sizeof(b)) {
		unsigned long x = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
		for (size_t i = 0; i < sizeof(b); i++, x >>= 5)
			b[i] ^= (unsigned char)(x * 2654435761u >> 13);
	}
	if (f)
		fclose(f);
	/* the name itself says when and by whom: a leftover is known by it alone */
	rt_buf_printf(out, RT_SCRATCH_PREFIX "%lld_%ld_", (long long)time(NULL), (long)getpid());
	for (size_t i = 0; i < 4; i++)
		rt_buf_printf(out, "%02x", b[i]);
}

bool rt_scratch_name_parse(const char *name, long long *when, long *pid)
{
	size_t n = strlen(RT_SCRATCH_PREFIX);
	if (strncmp(name, RT_SCRATCH_PREFIX, n))
		return false;
	char *end;
	*when = strtoll(name + n, &end, 10);
	if (end == name + n || *end != '_')
		return false;
	const char *p = end + 1;
	*pid = strtol(p, &end, 10);
	if (end == p || *end != '_' || *pid <= 0)
		return false;
	return isxdigit((unsigned char)end[1]) != 0;
}

int rt_collect_first(void *data, int ncols, const char *const *values)
{
	if (ncols > 0 && values[0])
		rt_strvec_push(data, values[0]);
	return 0;
}

int rt_scratch_fail(retort *r, int rc, const char *what)
{
	return rt_error_wrap(&r->err, rc, "%s: ", what);
}

int rt_exec_on(retort *r, retort_conn *conn, const char *sql, retort_dberror *e)
{
	retort_conn *own = r->conn;
	r->conn = conn;
	int rc = rt_db_exec(r, sql, e);
	r->conn = own;
	return rc;
}

static int scratch_open(retort *r, scratch *sc)
{
	rt_url u = RT_URL_INIT;
	const char *dev = r->cfg.dev_url;
	const rt_backend *d = r->backend;
	int rc = 0;
	memset(sc, 0, sizeof(*sc));
	if (!dev && d->scratch_create)
		return d->scratch_create(r, sc);
	if (!dev && !d->scratch_in_memory)
		return rt_error(&r->err, RETORT_ECONFIG,
				"set 'dev_url' to a scratch %s database for the model", d->name);
	if (dev && (rc = rt_url_parse(&u, dev, "dev_url", &r->err)))
		return rc;
	if (dev && u.backend != r->backend) {
		rc = rt_error(&r->err, RETORT_ECONFIG,
			      "dev_url is not a %s database, as the project's url is",
			      r->backend->name);
		goto done;
	}
	rc = rt_scratch_connect(r, dev ? &u : NULL, NULL, dev ? u.redacted : NULL, &sc->conn);
	sc->own = sc->conn != NULL;
	if (!rc && d->scratch_enter)
		rc = d->scratch_enter(r, sc);
done:
	rt_url_free(&u);
	return rc;
}

/*
 * Undo everything scratch_open did.  Returns rc, or the failure to drop the
 * scratch database when there was no other; r->err keeps the first error.
 */
int rt_scratch_close(retort *r, rt_scratch *sc, int rc)
{
	rt_err saved = r->err;
	if (sc->txn && sc->conn)
		rt_exec_on(r, sc->conn, "ROLLBACK", NULL);
	if (sc->own)
		rt_db_close(r, sc->conn);
	if (sc->dbname && r->conn && r->backend->scratch_drop) {
		int drc = r->backend->scratch_drop(r, sc);
		if (drc && !rc)
			rc = rt_scratch_fail(r, drc, "cannot drop the scratch database");
		else
			r->err = saved;
	} else {
		r->err = saved;
	}
	if (sc->file)
		unlink(sc->file);
	free(sc->file);
	free(sc->dbname);
	memset(sc, 0, sizeof(*sc));
	return rc;
}

int rt_scratch_own_database(retort *r, rt_scratch *sc, char **sa_url)
{
	memset(sc, 0, sizeof(*sc));
	*sa_url = NULL;
	int rc = rt_project_url(r);
	if (rc)
		return rc;
	if (!r->backend->scratch_own)
		return rt_error(&r->err, RETORT_EUNSUPPORTED, "retort cannot make a scratch %s "
				"database yet", r->backend->name);
	rt_buf url = RT_BUF_INIT;
	rc = r->backend->scratch_own(r, sc, &url);
	if (rc) {
		rc = rt_scratch_close(r, sc, rc);
		rt_buf_free(&url);
		return rc;
	}
	*sa_url = rt_buf_detach(&url);
	return 0;
}


/* retort_interrupt() was called: stop here (the scratch is undone after). */
static int interrupted(retort *r)
{
	if (!atomic_load(&r->interrupted))
		return 0;
	return rt_error(&r->err, RETORT_EINTERRUPTED,
			"interrupted; the model's scratch database was removed");
}

int rt_model_load(retort *r, rt_schema *out, rt_renames *renames, rt_schema *db)
{
	memset(out, 0, sizeof(*out));
	memset(renames, 0, sizeof(*renames));
	rt_strvec paths = RT_STRVEC_INIT;
	scratch sc;
	memset(&sc, 0, sizeof(sc));
	int rc = rt_project_url(r);
	if (!rc)
		rc = model_files(r, &paths);
	if (!rc && !r->backend->driver)
		rc = rt_error(&r->err, RETORT_EUNSUPPORTED, "no driver for '%s' in this build",
			      r->backend->name);
	if (!rc)
		rc = scratch_open(r, &sc);
	if (!rc) {
		retort_conn *own = r->conn;
		r->conn = sc.conn;
		/*
		 * A dump sets search_path to '' (pg_dump does, to qualify every
		 * name): the model is read back in the scratch's own schema,
		 * whatever the model's statements did to the session.
		 */
		rt_strvec saved = RT_STRVEC_INIT;
		const rt_backend *d = r->backend;
		if (d->session_save)
			rc = d->session_save(r, &saved);
		for (size_t i = 0; !rc && i < paths.len; i++)
			if (!(rc = interrupted(r)))
				rc = load_file(r, paths.v[i], renames);
		if (!rc && d->session_restore)
			rc = d->session_restore(r, &saved, sc.txn);
		rt_strvec_free(&saved);
		if (!rc && !(rc = interrupted(r)))
			rc = inspect_schema(r, NULL, out); /* the scratch's own schema */
		if (!rc && db && r->backend->canon_checks)
			r->backend->canon_checks(r, db, out, sc.txn);
		r->conn = own;
	}
	/* a statement the interrupt cancelled failed: that is the interrupt */
	if (rc && atomic_load(&r->interrupted))
		rc = interrupted(r);
	rc = rt_scratch_close(r, &sc, rc);
	if (!rc)
		rc = interrupted(r);
	if (rc)
		rt_schema_free(out);
	rt_strvec_free(&paths);
	return rc;
}

/* --- Renames ---------------------------------------------------------------------------------- */

static const char marker[] = "-- retort:renamed-from";

/* The name a CREATE TABLE line creates, or NULL. */
static char *created_table(const char *line)
{
	size_t pos = 0;
	rt_tok t = rt_tok_next(line, &pos);
	if (!rt_tok_is(&t, "CREATE"))
		return NULL;
	t = rt_tok_next(line, &pos);
	if (rt_tok_is(&t, "TEMP") || rt_tok_is(&t, "TEMPORARY") || rt_tok_is(&t, "UNLOGGED"))
		t = rt_tok_next(line, &pos);
	if (!rt_tok_is(&t, "TABLE"))
		return NULL;
	t = rt_tok_next(line, &pos);
	if (rt_tok_is(&t, "IF")) {
		rt_tok_next(line, &pos);
		rt_tok_next(line, &pos);
		t = rt_tok_next(line, &pos);
	}
	rt_tok dot = rt_tok_next(line, &pos);
	if (rt_tok_is(&dot, ".")) /* schema.table */
		t = rt_tok_next(line, &pos);
	return t.kind == RT_TOK_WORD || t.kind == RT_TOK_QIDENT ? rt_tok_ident(&t) : NULL;
}

/* Apply a rename comment (old name `old`) to the line it is about. */
static void apply_rename(rt_renames *out, const char *line, const char *table, const char *old)
{
	char *created = created_table(line);
	if (created) {
		rt_strvec_push(&out->tables_old, old);
		rt_strvec_push_owned(&out->tables_new, created);
		return;
	}
	size_t pos = 0;
	rt_tok t = rt_tok_next(line, &pos);
	if (!table || (t.kind != RT_TOK_WORD && t.kind != RT_TOK_QIDENT))
		return;
	rt_strvec_push(&out->cols_table, table);
	rt_strvec_push(&out->cols_old, old);
	rt_strvec_push_owned(&out->cols_new, rt_tok_ident(&t));
}

static char *comment_name(const char *at)
{
	size_t pos = strlen(marker);
	rt_tok t = rt_tok_next(at, &pos);
	return t.kind == RT_TOK_WORD || t.kind == RT_TOK_QIDENT ? rt_tok_ident(&t) : NULL;
}

static bool blank_or_comment(const char *line)
{
	size_t pos = 0;
	return rt_tok_next(line, &pos).kind == RT_TOK_END;
}

void rt_model_renames(rt_renames *out, const char *text)
{
	char *table = NULL, *pending = NULL;
	const char *p = text;
	while (*p) {
		size_t n = strcspn(p, "\n");
		char *line = rt_xstrndup(p, n);
		char *created = created_table(line);
		if (created) {
			free(table);
			table = created;
		}
		char *at = strstr(line, marker);
		char *old = at ? comment_name(at) : NULL;
		if (at)
			*at = '\0'; /* the line's own text, before the comment */
		if (old && !blank_or_comment(line)) {
			apply_rename(out, line, table, old);
		} else if (old) {
			free(pending);
			pending = old;
			old = NULL;
		} else if (pending && !blank_or_comment(line)) {
			apply_rename(out, line, table, pending);
			free(pending);
			pending = NULL;
		}
		free(old);
		free(line);
		p += n + (p[n] ? 1 : 0);
	}
	free(pending);
	free(table);
}
