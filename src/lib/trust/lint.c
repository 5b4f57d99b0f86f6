/*
 * lint.c: `retort lint`: the revisions' SQL checked for what locks, rewrites
 * or breaks a live database, with the database's own grammar (lint.h; the
 * statement rules are in each backend's folder, lint.c), and the graph
 * checked for what needs no database at all.
 *
 * Which revisions: the pending ones (the database is read), every one
 * (all), or a history range "A:B".  A finding is suppressed by a comment
 * on the line above its statement, `-- retort:lint-ignore RULE reason`
 * (the reason is required: without one the comment is itself a finding).
 * A rule's severity comes from the configuration (`lint.RULE = error |
 * warning | info | off`), else its default.
 */
#include "lint.h"

#include "db.h"
#include "backends/backend.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct rt_lint_ctx {
	retort *r;
	retort_finding *v;
	size_t n, cap;
	rt_strvec strings;     /* what the findings point to (never moves) */
	size_t nrevisions;
	long server_version;   /* rt_lint_server_version; -1: not asked yet */
};

static const char *keep(rt_lint_ctx *c, const char *s)
{
	if (!s)
		return NULL;
	rt_strvec_push(&c->strings, s);
	return c->strings.v[c->strings.len - 1];
}

static int first_number(void *data, int ncols, const char *const *values)
{
	if (ncols > 0 && values[0] && !*(long *)data)
		*(long *)data = strtol(values[0], NULL, 10);
	return 0;
}

long rt_lint_server_version(rt_lint_ctx *c)
{
	if (c->server_version >= 0)
		return c->server_version;
	retort *r = c->r;
	long v = 0;
	if (r->conn && r->backend->server_version_sql) {
		rt_err saved = r->err;
		if (rt_db_query(r, r->backend->server_version_sql, first_number, &v))
			v = 0; /* not knowing only costs the rule */
		r->err = saved;
	}
	return c->server_version = v ? v : r->cfg.lint_server_version;
}

/* The 1-based line of offset in a section's text. */
static unsigned line_of(const rt_lint_section *s, long offset)
{
	unsigned line = s->upgrade ? s->rf->upgrade.line : s->rf->downgrade.line;
	for (long i = 0; i < offset && s->sql[i]; i++)
		line += s->sql[i] == '\n';
	return line ? line : 1;
}

/* Past blanks and comments (the backend's lexer): where the statement at offset starts. */
static long statement_start(const rt_backend *be, const char *sql, long off)
{
	return (long)rt_backend_skip(be, sql, (size_t)off, strlen(sql));
}

/*
 * Whether the line above the statement's first line is a lint-ignore
 * comment naming rule (or "all"); *reasoned: it gives a reason.
 */
static bool ignore_comment(const char *sql, long start, const char *rule, bool *reasoned)
{
	if (start <= 0)
		return false;
	long e = start - 1; /* the newline ending the line above */
	while (e >= 0 && sql[e] != '\n')
		e--;
	if (e < 0)
		return false;
	long b = e - 1;
	while (b >= 0 && sql[b] != '\n')
		b--;
	const char *l = sql + b + 1;
	size_t n = (size_t)(e - b - 1);
	while (n && isspace((unsigned char)*l))
		l++, n--;
	static const char tag[] = "-- retort:lint-ignore";
	if (n < sizeof(tag) - 1 || strncmp(l, tag, sizeof(tag) - 1))
		return false;
	char *rest = rt_xstrndup(l + sizeof(tag) - 1, n - (sizeof(tag) - 1));
	char *save = NULL, *first = strtok_r(rest, " \t\r", &save);
	bool hit = false;
	if (first) {
		char *r2 = NULL;
		for (char *t = strtok_r(first, ",", &r2); t; t = strtok_r(NULL, ",", &r2))
			hit |= !strcmp(t, rule) || !strcmp(t, "all");
	}
	*reasoned = strtok_r(NULL, " \t\r", &save) != NULL;
	free(rest);
	return hit;
}

static const char *severity_of(rt_lint_ctx *c, const char *rule, const char *def)
{
	rt_buf key = RT_BUF_INIT;
	rt_buf_printf(&key, "lint.%s", rule);
	const char *v = rt_config_get(&c->r->cfg, key.ptr);
	rt_buf_free(&key);
	if (v && (!strcmp(v, "error") || !strcmp(v, "warning") || !strcmp(v, "info") ||
		  !strcmp(v, "off")))
		return v;
	return def;
}

static void add(rt_lint_ctx *c, const char *rule, const char *severity, const rt_revfile *rf,
		unsigned line, const char *lock, const char *fix, const char *msg)
{
	RT_ARRAY_GROW(c->v, c->n, c->cap);
	retort_finding *f = &c->v[c->n++];
	f->rule = keep(c, rule);
	f->severity = keep(c, severity);
	f->path = keep(c, rf ? rf->path : NULL);
	f->revision = keep(c, rf ? rf->id : NULL);
	f->line = line;
	f->message = keep(c, msg);
	f->lock = keep(c, lock);
	f->fix = keep(c, fix);
}

void rt_lint_report(rt_lint_ctx *c, const rt_lint_section *s, long offset, const char *rule,
		    const char *severity, const char *lock, const char *fix, const char *fmt, ...)
{
	const char *sev = severity_of(c, rule, severity);
	if (!strcmp(sev, "off"))
		return;
	rt_buf msg = RT_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	rt_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	long start = offset < 0 ? 0 : statement_start(c->r->backend, s->sql, offset);
	bool reasoned = false;
	unsigned line = line_of(s, start);
	if (offset < 0) {
		line--; /* the section as a whole: its marker line */
	} else if (ignore_comment(s->sql, start, rule, &reasoned)) {
		if (reasoned)
			goto done;
		add(c, "lint-ignore-reason", "error", s->rf, line - 1, NULL,
		    "say why: -- retort:lint-ignore RULE the reason",
		    "a lint-ignore comment without a reason does not suppress anything");
	}
	add(c, rule, sev, s->rf, line, lock, fix, msg.ptr ? msg.ptr : "");
done:
	rt_buf_free(&msg);
}

typedef struct stmt_list {
	rt_lint_stmt *v;
	size_t n, cap;
} stmt_list;

static int add_stmt(void *data, size_t off, size_t len)
{
	stmt_list *l = data;
	RT_ARRAY_GROW(l->v, l->n, l->cap);
	l->v[l->n++] = (rt_lint_stmt){ off, len };
	return 0;
}

int rt_lint_statements(rt_lint_ctx *c, const char *sql, rt_lint_stmt **out, size_t *n)
{
	stmt_list l = { NULL, 0, 0 };
	retort_dberror e;
	int rc = rt_db_split(c->r, sql, add_stmt, &l, &e);
	if (rc) {
		free(l.v);
		return rt_error(&c->r->err, rc, "%s", e.message);
	}
	*out = l.v;
	*n = l.n;
	return 0;
}

/* --- Rules on the graph and the sections' shape ------------------------------------ */


static void graph_rules(rt_lint_ctx *c, const uint8_t *in)
{
	const rt_graph *g = &c->r->graph;
	size_t nheads = 0;
	for (uint32_t i = 0; i < g->nheads; i++)
		nheads += !g->nodes[g->heads[i]].ndependents;
	if (nheads > 1) {
		const char *sev = severity_of(c, "multiple-heads", "warning");
		if (strcmp(sev, "off")) {
			rt_buf msg = RT_BUF_INIT;
			rt_buf_printf(&msg, "the history has %zu heads: `retort merge heads` joins them",
				      nheads);
			add(c, "multiple-heads", sev, NULL, 0, NULL, "retort merge heads -m MSG",
			    msg.ptr);
			rt_buf_free(&msg);
		}
	}
	for (uint32_t i = 0; i < g->n; i++) {
		const rt_revfile *rf = g->nodes[i].rf;
		if (!in[i] || rf->python)
			continue;
		rt_lint_section up = { rf, rf->upgrade.sql, rf->upgrade.transactional, true, NULL };
		rt_lint_section down = { rf, rf->downgrade.sql, rf->downgrade.transactional, false,
					 NULL };
		if (!rt_backend_blank(c->r->backend, rf->upgrade.sql) && rt_backend_blank(c->r->backend, rf->downgrade.sql))
			rt_lint_report(c, &down, -1, "irreversible", "warning", NULL,
				       "write the downgrade, or say why not with a lint-ignore "
				       "comment", "the upgrade changes the schema and the downgrade "
				       "is empty: this revision cannot be reverted");
		const rt_lint_section *secs[2] = { &up, &down };
		for (int k = 0; k < 2; k++) {
			size_t n = 0;
			rt_lint_stmt *st = NULL;
			if (secs[k]->transactional || rt_backend_blank(c->r->backend, secs[k]->sql))
				continue;
			if (rt_lint_statements(c, secs[k]->sql, &st, &n))
				rt_err_clear(&c->r->err); /* the rules' pass reports it */
			free(st);
			if (n > 1)
				rt_lint_report(c, secs[k], 0, "notxn-several-statements", "warning",
					       NULL, "one statement per transaction:false section: "
					       "split it into revisions",
					       "a transaction:false section with %zu statements can "
					       "stop half done, and cannot be run again as it is", n);
		}
	}
}

/* --- The command ---------------------------------------------------------------- */

typedef struct lint_result {
	retort_lint_result pub;
	rt_lint_ctx ctx;
} lint_result;

void retort_lint_free(retort_lint_result *l)
{
	lint_result *res = (lint_result *)l;
	if (!res)
		return;
	free(res->ctx.v);
	rt_strvec_free(&res->ctx.strings);
	free(res);
}

/* Which revisions: marks in `in` (per node). */
static int select_revisions(retort *r, const retort_lint_options *o, uint8_t *in)
{
	const rt_graph *g = &r->graph;
	if (o->all) {
		memset(in, 1, g->n);
		return 0;
	}
	if (o->range)
		return rt_mark_range(in, g, o->range, &r->err);
	int rc = rt_project_state(r, true);
	for (uint32_t i = 0; !rc && i < g->n; i++)
		in[i] = !r->state.applied[i];
	return rc;
}

/*
 * Lint the revisions marked in `in`: both sections, and the graph rules,
 * when whole; else only the upgrade sections (what an upgrade runs).
 */
static int lint_marked(retort *r, const uint8_t *in, bool whole, retort_lint_result **out)
{
	const rt_graph *g = &r->graph;
	lint_result *res = rt_xcalloc(1, sizeof(*res));
	rt_lint_ctx *c = &res->ctx;
	c->r = r;
	c->server_version = -1;
	int rc = 0;
	if (whole)
		graph_rules(c, in);
	for (uint32_t k = 0; !rc && k < g->n; k++) {
		uint32_t i = g->order[k];
		const rt_revfile *rf = g->nodes[i].rf;
		if (!in[i] || rf->python)
			continue;
		c->nrevisions++;
		/*
		 * New tables: what the upgrade creates, for both sections (the
		 * downgrade drops them again); the rules add each section's own.
		 */
		rt_strvec created = RT_STRVEC_INIT;
		rt_lint_section secs[2] = {
			{ rf, rf->upgrade.sql, rf->upgrade.transactional, true, &created },
			{ rf, rf->downgrade.sql, rf->downgrade.transactional, false, &created },
		};
		for (int s = 0; !rc && s < (whole ? 2 : 1); s++)
			rc = r->backend->lint ? r->backend->lint(c, &secs[s]) : 0;
		if (rc)
			rc = rt_error_wrap(&r->err, rc, "%s: ", rf->path);
		rt_strvec_free(&created);
	}
	if (rc) {
		retort_lint_free(&res->pub);
		return rc;
	}
	res->pub.findings = c->v;
	res->pub.n = c->n;
	res->pub.nrevisions = c->nrevisions;
	*out = &res->pub;
	return 0;
}

int rt_lint_before_upgrade(retort *r, const uint8_t *in)
{
	retort_lint_result *l = NULL;
	int rc = lint_marked(r, in, false, &l);
	if (rc)
		return rc;
	const char *mode = rt_config_get(&r->cfg, "lint_on_upgrade");
	bool refuse = mode && !strcmp(mode, "error"), quiet = mode && !strcmp(mode, "off");
	size_t nerr = 0;
	for (size_t i = 0; !quiet && i < l->n; i++) {
		const retort_finding *f = &l->findings[i];
		bool err = !strcmp(f->severity, "error");
		nerr += err;
		if (f->path)
			rt_log(r, RETORT_LOG_WARN, "lint: %s:%u: %s [%s] %s", f->path, f->line,
			       f->severity, f->rule, f->message);
	}
	retort_lint_free(l);
	if (refuse && nerr)
		return rt_error(&r->err, RETORT_EDIFF, "%zu lint error%s in what upgrade would run "
				"(listed above; lint_on_upgrade = error); nothing was run", nerr,
				nerr == 1 ? "" : "s");
	return 0;
}

int retort_lint(retort *r, const retort_lint_options *o, retort_lint_result **out)
{
	static const retort_lint_options defaults = RETORT_LINT_OPTIONS_INIT;
	*out = NULL;
	if (!o)
		o = &defaults;
	rt_err_clear(&r->err);
	int rc = rt_check_version(&r->err, o->version, RETORT_LINT_OPTIONS_VERSION,
				  "retort_lint_options");
	if (!rc)
		rc = rt_project_url(r);
	if (!rc)
		rc = rt_project_graph(r);
	if (rc)
		return rc;
	uint8_t *in = rt_xcalloc(r->graph.n ? r->graph.n : 1, 1);
	rc = select_revisions(r, o, in);
	if (!rc && (rc = lint_marked(r, in, true, out)) == RETORT_EDB)
		r->err.code = rc = RETORT_EPARSE; /* SQL the grammar cannot read: bad input */
	free(in);
	return rc;
}

RT_OPTIONS_INIT_FN(retort_lint_options, RETORT_LINT_OPTIONS)
