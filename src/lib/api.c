/*
 * api.c: the handle and the public functions that only read.
 *
 * A handle loads lazily (see project.h): the configuration at open, the
 * revision graph on the first call that names a revision, the connection
 * and the version table's rows on the first call that needs the database.
 * Reading functions never create anything in the database: a missing
 * version table reads as no rows.
 */
#include "db.h"
#include "project.h"
#include "util/clock.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* --- The handle ----------------------------------------------------------- */

static void parse_xargs(retort *r, const char *const *xargs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(xargs[i], '=');
		if (eq) {
			rt_strvec_pushn(&r->xkeys, xargs[i], (size_t)(eq - xargs[i]));
			rt_strvec_push(&r->xvals, eq + 1);
		} else {
			rt_strvec_push(&r->xkeys, xargs[i]); /* a bare key gives "" */
			rt_strvec_push(&r->xvals, "");
		}
	}
}

int retort_open(retort **out, const retort_options *opts)
{
	retort_options defaults = RETORT_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	retort *r = rt_xcalloc(1, sizeof(*r));
	*out = r;
	int rc = rt_check_version(&r->err, opts->version, RETORT_OPTIONS_VERSION,
				  "retort_options");
	if (rc)
		return rc;
	r->log = opts->log;
	r->log_data = opts->log_data;
	r->verbosity = opts->verbosity;
	r->wait = opts->wait;
	parse_xargs(r, opts->xargs, opts->xargs ? opts->nxargs : 0);
	rt_config_opts co = {
		.config = opts->config,
		.name = opts->name,
		.url = opts->url,
		.allow_missing = (opts->flags & RETORT_OPEN_NOCONFIG) != 0,
	};
	return rt_config_load(&r->cfg, &co, &r->err);
}

static void free_files(retort *r)
{
	if (r->graph_ok)
		rt_graph_free(&r->graph);
	r->graph_ok = false;
	for (uint32_t i = 0; i < r->nfiles; i++)
		rt_revfile_free(&r->files[i]);
	free(r->files);
	r->files = NULL;
	r->nfiles = 0;
}

void rt_project_forget_graph(retort *r)
{
	if (r->state_ok)
		rt_state_free(&r->state);
	r->state_ok = false;
	free_files(r);
}

int rt_project_add_revisions(retort *r, rt_revfile *more, uint32_t n)
{
	if (r->state_ok)
		rt_state_free(&r->state);
	r->state_ok = false;
	if (r->graph_ok)
		rt_graph_free(&r->graph);
	r->files = rt_xreallocarray(r->files, r->nfiles + n, sizeof(*r->files));
	memcpy(r->files + r->nfiles, more, n * sizeof(*more));
	r->nfiles += n;
	int rc = rt_graph_build(&r->graph, r->files, r->nfiles, &r->err);
	r->graph_ok = rc == 0;
	return rc;
}

/*
 * Async-signal-safe and callable from any thread: two atomics and the
 * driver's cancel, which is itself safe there (driver.h).
 */
void retort_interrupt(retort *r)
{
	if (!r)
		return;
	atomic_store(&r->interrupted, 1);
	retort_conn *c = atomic_load(&r->inflight);
	if (c && c->driver->cancel)
		c->driver->cancel(c);
}

void retort_free(retort *r)
{
	if (!r)
		return;
	rt_db_close(r, r->conn);
	if (r->state_ok)
		rt_state_free(&r->state);
	free_files(r);
	rt_url_free(&r->url);
	rt_config_free(&r->cfg);
	rt_strvec_free(&r->xkeys);
	rt_strvec_free(&r->xvals);
	free(r->python[0]);
	free(r->python[1]);
	free(r);
}

const char *retort_errmsg(const retort *r)
{
	if (!r)
		return "out of memory";
	return r->err.code ? r->err.msg : "";
}

static const char *field(const char *s)
{
	return s[0] ? s : NULL;
}

const retort_error *retort_last_error(retort *r)
{
	static const retort_error oom = { RETORT_ERROR, "out of memory", NULL, 0,
					  NULL, NULL, NULL, NULL };
	if (!r)
		return &oom;
	const rt_err *e = &r->err;
	retort_error *out = &r->last_error;
	out->code = e->code;
	out->message = e->code ? e->msg : "";
	out->file = e->code ? field(e->file) : NULL;
	out->line = e->code ? e->line : 0;
	out->revision = e->code ? field(e->revision) : NULL;
	out->sqlstate = e->code ? field(e->sqlstate) : NULL;
	out->detail = e->code ? field(e->detail) : NULL;
	out->hint = e->code ? field(e->hint) : NULL;
	return out;
}

const char *retort_config_path(const retort *r)
{
	return r->cfg.path;
}

/*
 * The handle is logically const here: parsing the URL once is a cache.  A
 * URL that does not parse gives NULL and leaves the handle's error alone.
 */
const char *retort_url_redacted(const retort *cr)
{
	retort *r = (retort *)cr;
	rt_err saved = r->err;
	int rc = rt_project_url(r);
	r->err = saved;
	return rc ? NULL : r->url.redacted;
}

const char *retort_config_get(const retort *r, const char *key)
{
	return rt_config_get(&r->cfg, key);
}

const char *retort_xarg(const retort *r, const char *key)
{
	for (size_t i = 0; i < r->xkeys.len; i++)
		if (!strcmp(r->xkeys.v[i], key))
			return r->xvals.v[i];
	return NULL;
}

void rt_log(retort *r, retort_level level, const char *fmt, ...)
{
	if (!r->log || (level == RETORT_LOG_DEBUG && r->verbosity <= 0))
		return;
	rt_buf b = RT_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	rt_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	r->log(r->log_data, level, b.ptr, NULL);
	rt_buf_free(&b);
}

/* --- Lazy loading ---------------------------------------------------------- */

int rt_project_graph(retort *r)
{
	if (r->graph_ok)
		return 0;
	free_files(r); /* a failed earlier load left files without a graph */
	int rc = rt_scripts_load(r);
	if (rc)
		return rc;
	r->graph_ok = true;
	return 0;
}

int rt_project_url(retort *r)
{
	if (r->url_ok)
		return 0;
	const char *cfgname = r->cfg.path ? r->cfg.path : "retort.ini";
	if (!r->cfg.url)
		return rt_error(&r->err, RETORT_ECONFIG,
				"no database URL: set url in %s, DATABASE_URL or DB_HOST/DB_NAME",
				cfgname);
	rt_buf where = RT_BUF_INIT;
	const char *src = r->cfg.url_source ? r->cfg.url_source : "url";
	if (!strcmp(src, "config"))
		rt_buf_printf(&where, "%s:%u", cfgname, r->cfg.url_line);
	else
		rt_buf_puts(&where, src);
	rt_url_free(&r->url);
	memset(&r->url, 0, sizeof(r->url));
	int rc = rt_url_parse(&r->url, r->cfg.url, where.ptr, &r->err);
	rt_buf_free(&where);
	if (rc)
		return rc;
	r->backend = r->url.backend;
	r->url_ok = true;
	return 0;
}

static int connect_once(retort *r, bool *retry)
{
	retort_conninfo ci = {
		.scheme = r->backend->name,
		.user = r->url.user,
		.password = r->url.password,
		.host = r->url.host,
		.port = r->url.port,
		.database = r->url.database,
		.query_keys = (const char *const *)r->url.query_keys.v,
		.query_vals = (const char *const *)r->url.query_vals.v,
		.n_query = r->url.query_keys.len,
		.busy_timeout = r->cfg.lock_timeout,
		.no_create = r->writing ? 0 : r->missing_is_empty ? 2 : 1,
	};
	retort_dberror e = { .offset = -1 };
	int rc = rt_db_connect(r, r->backend->driver, &r->conn, &ci, &e);
	if (!rc)
		return 0;
	r->conn = NULL;
	*retry = rc == RETORT_ECONNECT;
	rt_buf msg = RT_BUF_INIT;
	rt_db_describe(&msg, &e);
	rt_error(&r->err, RETORT_ECONNECT, "cannot connect to %s: %s", r->url.redacted, msg.ptr);
	rt_buf_free(&msg);
	return RETORT_ECONNECT;
}

/*
 * Say which database a command works on, and where that came from: a
 * config url silently outranking DB_* (seed teams export them) would
 * otherwise migrate a local SQLite file without a word.
 */
static void note_database(retort *r)
{
	const char *src = r->cfg.url_source ? r->cfg.url_source : "url";
	const char *cfgname = r->cfg.path ? r->cfg.path : "retort.ini";
	rt_buf where = RT_BUF_INIT;
	if (!strcmp(src, "config"))
		rt_buf_printf(&where, "%s:%u", cfgname, r->cfg.url_line);
	else
		rt_buf_puts(&where, src);
	rt_log(r, RETORT_LOG_NOTE, "database %s (from %s)", r->url.redacted, where.ptr);
	const char *h = rt_config_getenv(&r->cfg, "DB_HOST");
	const char *n = rt_config_getenv(&r->cfg, "DB_NAME");
	if (!strcmp(src, "config") && ((h && *h) || (n && *n)))
		rt_log(r, RETORT_LOG_WARN,
		       "DB_HOST/DB_NAME are set, but the url in %s wins over them; remove that "
		       "line (or set DATABASE_URL) to use them", where.ptr);
	rt_buf_free(&where);
}

int rt_project_connect(retort *r)
{
	if (r->conn)
		return 0;
	int rc = rt_project_url(r);
	if (rc)
		return rc;
	note_database(r);
	if (!r->backend->driver)
		return rt_error(&r->err, RETORT_EUNSUPPORTED, "no driver for '%s' in this build",
				r->backend->name);
	rt_backoff b;
	rt_backoff_init(&b, r->cfg.wait_timeout, 0.1, 5, r);
	for (;;) {
		bool retry = false;
		rc = connect_once(r, &retry);
		if (!rc || !retry || !r->wait || rt_now() >= b.deadline)
			return rc;
		rt_log(r, RETORT_LOG_INFO, "waiting for the database: %s", r->err.msg);
		rt_backoff_wait(&b);
	}
}

bool rt_plain_ident(const char *s)
{
	if (!(*s == '_' || (*s >= 'a' && *s <= 'z')))
		return false;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

void rt_sql_name(retort *r, rt_buf *out, const char *name)
{
	const char *schema = r->cfg.version_table_schema;
	const rt_backend *d = r->backend;
	if (schema && *schema) {
		if (rt_plain_ident(schema))
			rt_buf_puts(out, schema);
		else
			d->ident(out, schema);
		rt_buf_putc(out, '.');
	}
	if (rt_plain_ident(name))
		rt_buf_puts(out, name);
	else
		d->ident(out, name);
}

static int collect_row(void *data, int ncols, const char *const *values)
{
	if (ncols > 0 && values[0])
		rt_strvec_push(data, values[0]);
	return 0;
}

int rt_version_rows(retort *r, rt_strvec *rows)
{
	int exists = 0;
	const char *schema = r->cfg.version_table_schema;
	int rc = rt_db_table_exists(r, schema && *schema ? schema : NULL,
				    r->cfg.version_table, &exists);
	if (rc || !exists)
		return rc;
	rt_buf sql = RT_BUF_INIT;
	rt_buf_puts(&sql, "SELECT version_num FROM ");
	rt_sql_name(r, &sql, r->cfg.version_table);
	rc = rt_db_query(r, sql.ptr, collect_row, rows);
	rt_buf_free(&sql);
	return rc;
}

void rt_mark_current(retort *r)
{
	for (uint32_t i = 0; i < r->graph.n; i++)
		r->graph.nodes[i].pub.flags &= ~(unsigned)RETORT_REV_CURRENT;
	if (!r->state_ok)
		return;
	for (size_t i = 0; i < r->state.rows.len; i++) {
		rt_node *n = rt_graph_get(&r->graph, r->state.rows.v[i]);
		if (n)
			n->pub.flags |= RETORT_REV_CURRENT;
	}
}

int rt_project_state(retort *r, bool reload)
{
	if (r->state_ok && !reload)
		return 0;
	int rc = rt_project_graph(r);
	if (!rc)
		rc = rt_project_connect(r);
	if (rc)
		return rc;
	rt_strvec rows = RT_STRVEC_INIT;
	rc = rt_version_rows(r, &rows);
	if (!rc) {
		if (r->state_ok)
			rt_state_free(&r->state);
		r->state_ok = false;
		memset(&r->state, 0, sizeof(r->state));
		rc = rt_state_init(&r->state, &r->graph, rows.v, rows.len, &r->err);
		if (rc)
			rt_state_free(&r->state);
		else
			r->state_ok = true;
	}
	rt_strvec_free(&rows);
	rt_mark_current(r);
	return rc;
}

/* --- Reading the graph ----------------------------------------------------- */

/* A NULL-terminated array of n revisions, for retort_revs_free. */
static const retort_rev **rev_array(size_t n)
{
	return rt_xcalloc(n + 1, sizeof(const retort_rev *));
}

int retort_revisions(retort *r, const retort_rev ***out, size_t *n)
{
	rt_err_clear(&r->err); /* a failed earlier call's message is not this one's */
	*out = NULL;
	*n = 0;
	int rc = rt_project_graph(r);
	if (rc)
		return rc;
	const rt_graph *g = &r->graph;
	const retort_rev **v = rev_array(g->n);
	for (uint32_t i = 0; i < g->n; i++)
		v[i] = &g->nodes[g->order[g->n - 1 - i]].pub;
	*out = v;
	*n = g->n;
	return 0;
}

int retort_heads(retort *r, int resolve_dependencies, const retort_rev ***out, size_t *n)
{
	rt_err_clear(&r->err);
	*out = NULL;
	*n = 0;
	int rc = rt_project_graph(r);
	if (rc)
		return rc;
	const rt_graph *g = &r->graph;
	const retort_rev **v = rev_array(g->nheads);
	size_t k = 0;
	for (uint32_t i = 0; i < g->nheads; i++) {
		const rt_node *node = &g->nodes[g->heads[i]];
		if (resolve_dependencies && node->ndependents)
			continue;
		v[k++] = &node->pub;
	}
	*out = v;
	*n = k;
	return 0;
}

int retort_branchpoints(retort *r, const retort_rev ***out, size_t *n)
{
	rt_err_clear(&r->err);
	*out = NULL;
	*n = 0;
	int rc = rt_project_graph(r);
	if (rc)
		return rc;
	const rt_graph *g = &r->graph;
	const retort_rev **v = rev_array(g->n);
	size_t k = 0;
	for (uint32_t i = g->n; i-- > 0;) {
		const rt_node *node = &g->nodes[g->order[i]];
		if (node->nchildren > 1)
			v[k++] = &node->pub;
	}
	*out = v;
	*n = k;
	return 0;
}

static void targets_out(retort *r, const rt_targets *t, const retort_rev ***out, size_t *n)
{
	const retort_rev **v = rev_array(t->n);
	for (size_t i = 0; i < t->n; i++)
		v[i] = &r->graph.nodes[t->v[i]].pub;
	*out = v;
	*n = t->n;
}

typedef int (*resolve_fn)(rt_targets *out, const rt_graph *g, const rt_state *st,
			  const char *spec, rt_err *err);

/*
 * Resolve without the database first; only a spec that needs the current
 * revision (current, +N, -N, @+N ...) makes rt_resolve say RETORT_ESTATE,
 * and only then is the database read.
 */
static int resolve_lazily(retort *r, resolve_fn fn, const char *spec, rt_targets *t)
{
	memset(t, 0, sizeof(*t));
	int rc = rt_project_graph(r);
	if (rc)
		return rc;
	rc = fn(t, &r->graph, r->state_ok ? &r->state : NULL, spec, &r->err);
	if (rc != RETORT_ESTATE || r->state_ok)
		return rc;
	rt_targets_free(t);
	memset(t, 0, sizeof(*t));
	rt_err_clear(&r->err);
	rc = rt_project_state(r, false);
	if (rc)
		return rc;
	return fn(t, &r->graph, &r->state, spec, &r->err);
}

int retort_resolve(retort *r, const char *spec, const retort_rev ***out, size_t *n)
{
	rt_err_clear(&r->err);
	*out = NULL;
	*n = 0;
	rt_targets t;
	int rc = resolve_lazily(r, rt_resolve, spec, &t);
	if (!rc)
		targets_out(r, &t, out, n);
	rt_targets_free(&t);
	return rc;
}

static int history_range(rt_targets *out, const rt_graph *g, const rt_state *st,
			 const char *spec, rt_err *err)
{
	return rt_history_range(out, g, st, spec, err);
}

int retort_history(retort *r, const char *range, const retort_rev ***out, size_t *n)
{
	rt_err_clear(&r->err);
	*out = NULL;
	*n = 0;
	rt_targets t;
	int rc = resolve_lazily(r, history_range, range, &t);
	if (!rc)
		targets_out(r, &t, out, n);
	rt_targets_free(&t);
	return rc;
}

void retort_revs_free(const retort_rev **revs)
{
	free((void *)revs);
}

/* --- Reading the database --------------------------------------------------- */

int retort_current(retort *r, char ***out, size_t *n)
{
	rt_err_clear(&r->err);
	*out = NULL;
	*n = 0;
	int rc = rt_project_state(r, false);
	if (rc)
		return rc;
	const rt_strvec *rows = &r->state.rows;
	char **v = rt_xcalloc(rows->len + 1, sizeof(*v));
	for (size_t i = 0; i < rows->len; i++)
		v[i] = rt_xstrdup(rows->v[i]);
	*out = v;
	*n = rows->len;
	return 0;
}

int retort_current_revisions(retort *r, const retort_rev ***out, size_t *n)
{
	rt_err_clear(&r->err);
	*out = NULL;
	*n = 0;
	int rc = rt_project_state(r, false);
	if (rc)
		return rc;
	const rt_graph *g = &r->graph;
	const uint8_t *applied = r->state.applied;
	rt_targets t = { 0 };
	t.v = rt_xcalloc(g->n ? g->n : 1, sizeof(uint32_t));
	for (uint32_t i = 0; i < g->n; i++) {
		if (!applied[i])
			continue;
		bool top = true;
		for (uint32_t k = 0; top && k < g->nodes[i].nchildren; k++)
			top = !applied[g->nodes[i].children[k]];
		if (top)
			t.v[t.n++] = i;
	}
	targets_out(r, &t, out, n);
	rt_targets_free(&t);
	return 0;
}

void retort_strings_free(char **strings)
{
	if (!strings)
		return;
	for (char **p = strings; *p; p++)
		free(*p);
	free(strings);
}

int retort_pending(retort *r, const char *target, const retort_rev ***out, size_t *n)
{
	rt_err_clear(&r->err);
	*out = NULL;
	*n = 0;
	int rc = rt_project_state(r, false);
	if (rc)
		return rc;
	rt_targets t = { 0 };
	rt_plan p = { 0 };
	rc = rt_resolve(&t, &r->graph, &r->state, target ? target : "heads", &r->err);
	if (!rc)
		rc = rt_plan_upgrade(&p, &r->graph, &r->state, t.v, t.n, &r->err);
	if (!rc) {
		const retort_rev **v = rev_array(p.n);
		for (size_t i = 0; i < p.n; i++)
			v[i] = &r->graph.nodes[p.steps[i].node].pub;
		*out = v;
		*n = p.n;
	}
	rt_plan_free(&p);
	rt_targets_free(&t);
	return rc;
}

RT_OPTIONS_INIT_FN(retort_options, RETORT_OPTIONS)

void retort_string_free(char *s)
{
	free(s);
}
