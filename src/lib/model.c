/*
 * model.c: load the model into a scratch database and read it back
 * (model.h), and find the renames its comments declare.
 *
 * The scratch database is a second connection of the project's dialect,
 * opened from dev_url (SQLite: in memory unless dev_url says otherwise).
 * The db.c wrappers work on r->conn, so while the model is loaded and
 * inspected the scratch connection takes that slot; the project's own
 * connection is put back before any return.
 */
#include "db.h"
#include "inspect.h"
#include "model.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int rt_inspect(retort *r, rt_schema *out)
{
	const char *name = r->dialect->name;
	if (!strcmp(name, "sqlite"))
		return rt_inspect_sqlite(r, out);
#ifdef RETORT_WITH_POSTGRES
	if (!strcmp(name, "postgresql"))
		return rt_inspect_postgres(r, out);
#endif
	return rt_error(&r->err, RETORT_EUNSUPPORTED,
			"autogenerate cannot read a %s database yet", name);
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

static int model_files(retort *r, rt_strvec *paths)
{
	const char *model = r->cfg.model ? r->cfg.model : "schema.sql";
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

/* Run one model file on the scratch connection (now r->conn). */
static int load_file(retort *r, const char *path, rt_renames *renames)
{
	rt_buf text = RT_BUF_INIT;
	if (rt_readfile(&text, path)) {
		int e = errno;
		rt_buf_free(&text);
		return rt_error(&r->err, RETORT_EIO, "cannot read '%s': %s", shown(r, path),
				strerror(e));
	}
	rt_model_renames(renames, text.ptr);
	retort_dberror e;
	int rc = rt_db_exec(r, text.ptr, &e);
	if (rc) {
		long at = e.position > 0 ? e.position - 1 : e.offset > 0 ? e.offset : 0;
		rt_buf msg = RT_BUF_INIT;
		rt_db_describe(&msg, &e);
		rc = rt_error(&r->err, RETORT_EPARSE, "%s:%u: %s", shown(r, path),
			      line_at(text.ptr, at), msg.ptr);
		rt_buf_free(&msg);
	}
	rt_buf_free(&text);
	return rc;
}

/* --- The scratch database --------------------------------------------------------------- */

static int scratch_connect(retort *r, retort_conn **out)
{
	rt_url u = RT_URL_INIT;
	const char *dev = r->cfg.dev_url;
	int rc = 0;
	*out = NULL;
	if (!dev && strcmp(r->dialect->name, "sqlite"))
		return rt_error(&r->err, RETORT_ECONFIG,
				"set 'dev_url' to a scratch %s database for the model",
				r->dialect->name);
	if (dev && (rc = rt_url_parse(&u, dev, "dev_url", &r->err)))
		return rc;
	if (dev && rt_dialect_for(u.scheme) != r->dialect) {
		rc = rt_error(&r->err, RETORT_ECONFIG,
			      "dev_url is not a %s database, as the project's url is",
			      r->dialect->name);
		goto done;
	}
	retort_conninfo ci = { .scheme = r->dialect->name };
	if (dev) {
		ci.user = u.user, ci.password = u.password, ci.host = u.host;
		ci.port = u.port, ci.database = u.database;
		ci.query_keys = (const char *const *)u.query_keys.v;
		ci.query_vals = (const char *const *)u.query_vals.v;
		ci.n_query = u.query_keys.len;
	}
	retort_dberror e = { .offset = -1 };
	if (r->dialect->driver->connect(out, &ci, &e)) {
		rt_buf msg = RT_BUF_INIT;
		rt_db_describe(&msg, &e);
		rc = rt_error(&r->err, RETORT_ECONNECT, "cannot open the scratch database%s%s: %s",
			      dev ? " " : "", dev ? u.redacted : "", msg.ptr);
		rt_buf_free(&msg);
		*out = NULL;
	}
done:
	rt_url_free(&u);
	return rc;
}

int rt_model_load(retort *r, rt_schema *out, rt_renames *renames)
{
	memset(out, 0, sizeof(*out));
	memset(renames, 0, sizeof(*renames));
	rt_strvec paths = RT_STRVEC_INIT;
	retort_conn *scratch = NULL;
	int rc = rt_project_url(r);
	if (!rc)
		rc = model_files(r, &paths);
	if (!rc && !r->dialect->driver)
		rc = rt_error(&r->err, RETORT_EUNSUPPORTED, "no driver for '%s' in this build",
			      r->dialect->name);
	if (!rc)
		rc = scratch_connect(r, &scratch);
	if (rc)
		goto done;
	retort_conn *own = r->conn;
	r->conn = scratch;
	for (size_t i = 0; !rc && i < paths.len; i++)
		rc = load_file(r, paths.v[i], renames);
	if (!rc)
		rc = rt_inspect(r, out);
	r->conn = own;
	scratch->driver->close(scratch);
done:
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
