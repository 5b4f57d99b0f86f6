/*
 * convert.c: `retort convert`: .sql twins for an Alembic history, rendered
 * by Alembic itself and verified step by step; and back (--to-alembic).
 *
 * Rendering: one run of the helper (pyhelper.h) loads every revision module
 * still without a twin and captures, for upgrade() and downgrade()
 * separately, the SQL Alembic writes in offline mode for the project's
 * dialect; nothing of the version table.  What Alembic cannot render
 * offline is reported with its line and reason, and not guessed.
 *
 * Verifying: two scratch databases of the project's backend.  For every
 * revision in topological order, the helper applies the Alembic module to
 * one (online, as Alembic does) and retort the SQL to the other; both are
 * read with retort's inspector and must be equal.  Then the same downward.
 * Only when every step agrees are the twins written.
 */
#include "db.h"
#include "diff.h"
#include "model.h"
#include "pyhelper.h"
#include "replay.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One revision module to convert, and what came of it. */
typedef struct conv {
	uint32_t node;
	bool ok;
	char *sql[2];        /* upgrade, downgrade */
	bool notxn[2];
	unsigned fail_line;
	char *reason;
} conv;

typedef struct job {
	retort *r;
	const retort_convert_options *o;
	conv *c;
	size_t n;
	conv **by_node;      /* per graph node: its conv or NULL */
} job;

static void job_free(job *j)
{
	for (size_t i = 0; i < j->n; i++) {
		free(j->c[i].sql[0]);
		free(j->c[i].sql[1]);
		free(j->c[i].reason);
	}
	free(j->c);
	free(j->by_node);
}

/* --- Rendering ------------------------------------------------------------------- */

/* "@@up 123 notxn\n" then 123 bytes and "\n": the section into c. */
static const char *read_section(const char *p, const char *end, const char *tag, conv *c,
				int which)
{
	size_t tl = strlen(tag);
	if ((size_t)(end - p) < tl || memcmp(p, tag, tl))
		return NULL;
	char *e;
	unsigned long long n = strtoull(p + tl, &e, 10);
	const char *nl = e < end ? memchr(e, '\n', (size_t)(end - e)) : NULL;
	if (!nl || n > (unsigned long long)(end - nl - 1))
		return NULL;
	c->notxn[which] = !strncmp(e, " notxn", 6);
	c->sql[which] = rt_xstrndup(nl + 1, (size_t)n);
	p = nl + 1 + n;
	return p < end && *p == '\n' ? p + 1 : p;
}

static int parse_render(job *j, const rt_buf *out)
{
	const char *p = out->ptr ? out->ptr : "", *end = p + out->len;
	size_t k = 0;
	while (p < end && k < j->n) {
		conv *c = &j->c[k];
		const char *path = j->r->graph.nodes[c->node].rf->path;
		const char *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
		size_t pl = strlen(path);
		if (!nl || strncmp(p, "@@rev ", 6) || (size_t)(nl - p) < 6 + pl ||
		    memcmp(p + 6, path, pl))
			break;
		const char *rest = p + 6 + pl;
		if (!strncmp(rest, " ok", 3)) {
			p = read_section(nl + 1, end, "@@up ", c, 0);
			p = p ? read_section(p, end, "@@down ", c, 1) : NULL;
			if (!p)
				break;
			c->ok = true;
		} else if (!strncmp(rest, " fail ", 6)) {
			char *e;
			c->fail_line = (unsigned)strtoul(rest + 6, &e, 10);
			c->reason = rt_xstrndup(e + (*e == ' '), (size_t)(nl - e - (*e == ' ')));
			p = nl + 1;
		} else {
			break;
		}
		k++;
	}
	if (k < j->n)
		return rt_error(&j->r->err, RETORT_EEXTERNAL,
				"convert: the Alembic helper's answer for %s is malformed",
				j->r->graph.nodes[j->c[k].node].rf->path);
	return 0;
}

static int render(job *j)
{
	rt_pyhelper h;
	const char *args[] = { "render", j->r->backend->name, NULL };
	int rc = rt_pyhelper_start(j->r, &h, j->o->python, args, NULL);
	if (rc)
		return rc;
	for (size_t i = 0; i < j->n; i++)
		fprintf(h.in, "%s\n", j->r->graph.nodes[j->c[i].node].rf->path);
	fclose(h.in);
	h.in = NULL;
	rt_buf out = RT_BUF_INIT;
	rt_pyhelper_read_all(&h, &out);
	rc = rt_pyhelper_finish(j->r, &h, "convert");
	if (!rc)
		rc = parse_render(j, &out);
	rt_buf_free(&out);
	return rc;
}

/* r->err's message prefixed with the file (and what failed). */
static int in_file(retort *r, int rc, const char *path, const char *what)
{
	return rt_error_wrap(&r->err, rc, "%s: %s", path, what);
}

/* --- Verifying --------------------------------------------------------------------- */

typedef struct side {
	rt_scratch sc;
	char *url;
} side;

/* The two schemas must be equal; else an error naming the step. */
static int compare(job *j, side *a, side *b, const rt_revfile *rf, const char *dir)
{
	/* one query a side; the inspectors only where the fingerprints differ */
	rt_strvec fa = RT_STRVEC_INIT, fb = RT_STRVEC_INIT;
	int rc = rt_replay_fingerprint(j->r, a->sc.conn, &fa);
	if (!rc)
		rc = rt_replay_fingerprint(j->r, b->sc.conn, &fb);
	bool same = !rc && fa.len == fb.len;
	for (size_t i = 0; same && i < fa.len; i++)
		same = !strcmp(fa.v[i], fb.v[i]);
	rt_strvec_free(&fa);
	rt_strvec_free(&fb);
	if (rc || same)
		return rc;
	rt_schema sa, sb;
	memset(&sa, 0, sizeof(sa));
	memset(&sb, 0, sizeof(sb));
	rc = rt_replay_inspect(j->r, a->sc.conn, &sa);
	if (!rc)
		rc = rt_replay_inspect(j->r, b->sc.conn, &sb);
	rt_buf what = RT_BUF_INIT;
	if (!rc && rt_replay_differences(j->r, &sa, &sb, 3, &what))
		rc = rt_error(&j->r->err, RETORT_EDIFF,
			      "%s: after its %s, retort's SQL leaves a schema that differs "
			      "from Alembic's (from Alembic's to retort's: %s); no file was "
			      "written", rf->path, dir, what.ptr);
	rt_buf_free(&what);
	rt_schema_free(&sa);
	rt_schema_free(&sb);
	return rc;
}

/* The Alembic side: the helper applies the module; a revision without one, retort. */
static int alembic_step(job *j, rt_pyhelper *h, side *a, const rt_revfile *rf,
			const char *sql, bool up)
{
	const char *module = rf->python ? rf->path : rf->twin;
	if (!module) {
		int rc = rt_replay_exec(j->r, a->sc.conn, sql);
		return rc ? in_file(j->r, rc, rf->path, "") : 0;
	}
	fprintf(h->in, "%s %s\n", up ? "up" : "down", module);
	fflush(h->in);
	char line[4096];
	if (!fgets(line, sizeof(line), h->out))
		return rt_error(&j->r->err, RETORT_EEXTERNAL,
				"verify: the Alembic helper stopped at %s", module);
	line[strcspn(line, "\n")] = '\0';
	if (!strcmp(line, "ok"))
		return 0;
	char *e;
	unsigned long ln = strtoul(line + (strncmp(line, "fail ", 5) ? 0 : 5), &e, 10);
	return rt_error(&j->r->err, RETORT_EEXTERNAL,
			"%s:%lu: Alembic could not %s it on the scratch database: %s", module, ln,
			up ? "upgrade" : "downgrade", *e == ' ' ? e + 1 : e);
}

static const char *section_sql(job *j, uint32_t n, bool up)
{
	const rt_revfile *rf = j->r->graph.nodes[n].rf;
	conv *c = j->by_node[n];
	if (c)
		return c->ok ? c->sql[up ? 0 : 1] : NULL;
	if (rf->python) /* outside the range converted: no SQL to compare */
		return NULL;
	return up ? rf->upgrade.sql : rf->downgrade.sql;
}

static int one_step(job *j, rt_pyhelper *h, side *a, side *b, uint32_t n, bool up)
{
	const rt_revfile *rf = j->r->graph.nodes[n].rf;
	const char *sql = section_sql(j, n, up);
	int rc = alembic_step(j, h, a, rf, sql, up);
	if (!rc && (rc = rt_replay_exec(j->r, b->sc.conn, sql)))
		rc = in_file(j->r, rc, rf->path, "retort's SQL failed on the scratch database: ");
	if (!rc)
		rc = compare(j, a, b, rf, up ? "upgrade" : "downgrade");
	return rc;
}

static int verify(job *j, size_t *nsteps, size_t *nskipped)
{
	retort *r = j->r;
	const rt_graph *g = &r->graph;
	side a, b;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	rt_pyhelper h;
	memset(&h, 0, sizeof(h));
	uint8_t *blocked = rt_xcalloc(g->n ? g->n : 1, 1);
	uint32_t *done = rt_xcalloc(g->n ? g->n : 1, sizeof(uint32_t));
	size_t ndone = 0;
	int rc = rt_scratch_own_database(r, &a.sc, &a.url);
	if (!rc)
		rc = rt_scratch_own_database(r, &b.sc, &b.url);
	const char *args[] = { "apply", NULL };
	rt_nopipe np;
	rt_nopipe_begin(&np);
	if (!rc)
		rc = rt_pyhelper_start(r, &h, j->o->python, args, a.url);
	/* upward, parents and dependencies first; a revision whose SQL could not be made is skipped with what needs it */
	for (uint32_t k = 0; !rc && k < g->n; k++) {
		uint32_t n = g->order[k];
		const rt_node *nd = &g->nodes[n];
		bool skip = !section_sql(j, n, true);
		for (uint32_t i = 0; i < nd->nparents; i++)
			skip |= blocked[nd->parents[i]];
		for (uint32_t i = 0; i < nd->ndeps; i++)
			skip |= blocked[nd->deps[i]];
		if (skip) {
			blocked[n] = 1;
			(*nskipped)++;
			continue;
		}
		if (!(rc = one_step(j, &h, &a, &b, n, true)))
			done[ndone++] = n;
	}
	for (size_t k = ndone; !rc && k-- > 0;)
		rc = one_step(j, &h, &a, &b, done[k], false);
	*nsteps = ndone;
	if (h.pid) {
		int hrc = rt_pyhelper_finish(r, &h, "verify");
		if (!rc)
			rc = hrc;
	}
	rt_nopipe_end(&np);
	if (a.url)
		explicit_bzero(a.url, strlen(a.url));
	if (b.url)
		explicit_bzero(b.url, strlen(b.url));
	free(a.url);
	free(b.url);
	if (a.sc.conn || a.sc.dbname || a.sc.file)
		rc = rt_scratch_close(r, &a.sc, rc);
	if (b.sc.conn || b.sc.dbname || b.sc.file)
		rc = rt_scratch_close(r, &b.sc, rc);
	free(blocked);
	free(done);
	return rc;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* --- Writing ----------------------------------------------------------------------- */

static void put_sql(rt_buf *b, const char *marker, const char *sql, bool notxn)
{
	rt_buf_printf(b, "-- migrate:%s%s\n", marker, notxn ? " transaction:false" : "");
	size_t start = b->len;
	rt_buf_puts(b, sql);
	rt_buf_rtrim(b);
	if (b->len > start)
		rt_buf_putc(b, '\n');
}

/* The .sql twin of a module: its header, then Alembic's SQL. */
static void twin_text(rt_buf *b, const rt_revfile *rf, const conv *c)
{
	rt_revfile_header(b, rf);
	rt_buf_printf(b, "-- Converted from %s by retort convert (Alembic's own SQL)\n\n",
		      base_name(rf->path));
	put_sql(b, "upgrade", c->sql[0], c->notxn[0]);
	rt_buf_putc(b, '\n');
	put_sql(b, "downgrade", c->sql[1], c->notxn[1]);
}

/* path with its extension (".py" or ".sql") replaced by ext. */
static char *sibling(const char *path, const char *ext)
{
	const char *dot = strrchr(path, '.');
	rt_buf b = RT_BUF_INIT;
	rt_buf_put(&b, path, dot ? (size_t)(dot - path) : strlen(path));
	rt_buf_puts(&b, ext);
	return rt_buf_detach(&b);
}

static int write_new(retort *r, const char *path, const rt_buf *text)
{
	if (rt_writefile_new(path, text->ptr, text->len))
		return rt_error(&r->err, errno == EEXIST ? RETORT_EEXISTS : RETORT_EIO,
				"cannot write '%s': %s", path, strerror(errno));
	rt_log(r, RETORT_LOG_INFO, "wrote %s", path);
	return 0;
}

/* --- To Alembic ---------------------------------------------------------------------- */

typedef struct pystmts {
	const char *sql;
	rt_buf *out;
	const char *indent;
	size_t n;
} pystmts;

/* s as a Python string literal that keeps its lines. */
static void put_pystr(rt_buf *b, const char *s, size_t n)
{
	rt_buf_puts(b, "\"\"\"");
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\\' || c == '"')
			rt_buf_putc(b, '\\');
		rt_buf_putc(b, c);
	}
	rt_buf_puts(b, "\"\"\"");
}

static int put_execute(void *data, size_t off, size_t len)
{
	pystmts *p = data;
	const char *s = p->sql + off;
	while (len && strchr(" \t\r\n", *s))
		s++, len--;
	while (len && strchr(" \t\r\n;", s[len - 1]))
		len--;
	if (!len)
		return 0;
	p->n++;
	rt_buf_printf(p->out, "%sop.execute(", p->indent);
	put_pystr(p->out, s, len);
	rt_buf_puts(p->out, ")\n");
	return 0;
}

static void put_pyvalue(rt_buf *b, const rt_strvec *v, bool tuple_always)
{
	if (!v->len) {
		rt_buf_puts(b, "None");
		return;
	}
	if (v->len == 1 && !tuple_always) {
		rt_buf_printf(b, "'%s'", v->v[0]);
		return;
	}
	rt_buf_putc(b, '(');
	for (size_t i = 0; i < v->len; i++)
		rt_buf_printf(b, "%s'%s'", i ? ", " : "", v->v[i]);
	rt_buf_puts(b, v->len == 1 ? ",)" : ")");
}

static int put_pyfunc(retort *r, rt_buf *b, const char *name, const rt_section *sec)
{
	rt_buf_printf(b, "\n\ndef %s():\n", name);
	pystmts p = { sec->sql, b, sec->transactional ? "    " : "        ", 0 };
	if (!sec->transactional)
		rt_buf_puts(b, "    with op.get_context().autocommit_block():\n");
	retort_dberror e;
	if (rt_db_split(r, sec->sql, put_execute, &p, &e))
		return rt_error(&r->err, RETORT_EPARSE, "%s", e.message);
	if (!p.n)
		rt_buf_printf(b, "%spass\n", p.indent);
	return 0;
}

static int to_alembic(retort *r)
{
	size_t nwritten = 0;
	int rc = 0;
	for (uint32_t i = 0; !rc && i < r->graph.n; i++) {
		const rt_revfile *rf = r->graph.nodes[i].rf;
		if (rf->python || rf->twin)
			continue;
		rt_buf b = RT_BUF_INIT;
		const char *m = *rf->message ? rf->message : "(no message)";
		rt_buf_printf(&b, "\"\"\"%s\n\nRevision ID: %s\nRevises: ", m, rf->id);
		for (size_t k = 0; k < rf->revises.len; k++)
			rt_buf_printf(&b, "%s%s", k ? ", " : "", rf->revises.v[k]);
		rt_buf_printf(&b, "\nCreate Date: %s\n\nWritten from %s by retort convert "
			      "--to-alembic: the SQL runs through op.execute.\n\"\"\"\n"
			      "from alembic import op\n\n\n"
			      "# revision identifiers, used by Alembic.\nrevision = '%s'\n"
			      "down_revision = ", rf->create_date, base_name(rf->path), rf->id);
		put_pyvalue(&b, &rf->revises, false);
		rt_buf_puts(&b, "\nbranch_labels = ");
		put_pyvalue(&b, &rf->branch_labels, true);
		rt_buf_puts(&b, "\ndepends_on = ");
		put_pyvalue(&b, &rf->depends_on, false);
		rt_buf_putc(&b, '\n');
		rc = put_pyfunc(r, &b, "upgrade", &rf->upgrade);
		if (!rc)
			rc = put_pyfunc(r, &b, "downgrade", &rf->downgrade);
		if (rc)
			rc = in_file(r, rc, rf->path, "");
		char *path = sibling(rf->path, ".py");
		if (!rc && !(rc = write_new(r, path, &b)))
			nwritten++;
		free(path);
		rt_buf_free(&b);
	}
	if (!rc)
		rt_log(r, RETORT_LOG_INFO, "%zu Alembic twin%s written", nwritten,
		       nwritten == 1 ? "" : "s");
	return rc;
}

/* --- The command ------------------------------------------------------------------- */

static void report_failures(job *j, size_t *nfailed)
{
	for (size_t i = 0; i < j->n; i++) {
		const conv *c = &j->c[i];
		if (c->ok)
			continue;
		(*nfailed)++;
		rt_log(j->r, RETORT_LOG_ERROR, "%s:%u: not converted: %s",
		       j->r->graph.nodes[c->node].rf->path, c->fail_line, c->reason);
	}
}

int retort_convert(retort *r, const retort_convert_options *o)
{
	rt_err_clear(&r->err);
	static const retort_convert_options defaults = RETORT_CONVERT_OPTIONS_INIT;
	if (!o)
		o = &defaults;
	int rc = rt_check_version(&r->err, o->version, RETORT_CONVERT_OPTIONS_VERSION,
				  "retort_convert_options");
	if (!rc)
		rc = rt_project_url(r);
	if (!rc)
		rc = rt_project_graph(r);
	if (rc)
		return rc;
	if (o->to_alembic)
		return to_alembic(r);

	job j = { r, o, NULL, 0, NULL };
	const rt_graph *g = &r->graph;
	/* the range's revisions, or every one */
	uint8_t *in = rt_xcalloc(g->n ? g->n : 1, 1);
	if (o->range) {
		if ((rc = rt_mark_range(in, g, o->range, &r->err))) {
			free(in);
			return rc;
		}
	} else {
		memset(in, 1, g->n);
	}
	j.by_node = rt_xcalloc(g->n ? g->n : 1, sizeof(*j.by_node));
	for (uint32_t i = 0; i < g->n; i++)
		if (g->nodes[i].rf->python && in[i])
			j.n++;
	j.c = rt_xcalloc(j.n ? j.n : 1, sizeof(*j.c));
	size_t k = 0;
	for (uint32_t i = 0; i < g->n; i++)
		if (g->nodes[i].rf->python && in[i]) {
			j.c[k].node = i;
			j.by_node[i] = &j.c[k++];
		}
	free(in);
	if (!j.n) {
		rt_log(r, RETORT_LOG_INFO, "nothing to convert: every Alembic revision has its "
		       ".sql twin");
		job_free(&j);
		return 0;
	}
	rt_nopipe np;
	rt_nopipe_begin(&np);
	rc = render(&j);
	rt_nopipe_end(&np);
	size_t nsteps = 0, nskipped = 0, nfailed = 0;
	if (!rc && !o->no_verify)
		rc = verify(&j, &nsteps, &nskipped);
	size_t nwritten = 0;
	for (size_t i = 0; !rc && i < j.n; i++) {
		if (!j.c[i].ok)
			continue;
		const rt_revfile *rf = g->nodes[j.c[i].node].rf;
		rt_buf text = RT_BUF_INIT;
		twin_text(&text, rf, &j.c[i]);
		char *path = sibling(rf->path, ".sql");
		rc = write_new(r, path, &text);
		nwritten += !rc;
		free(path);
		rt_buf_free(&text);
	}
	if (!rc) {
		report_failures(&j, &nfailed);
		if (o->no_verify)
			rt_log(r, RETORT_LOG_INFO, "%zu converted, not verified (--no-verify)",
			       nwritten);
		else
			rt_log(r, RETORT_LOG_INFO,
			       "%zu converted; verified against Alembic on scratch %s databases: "
			       "%zu upgrade and %zu downgrade steps, schemas identical after each%s",
			       nwritten, r->backend->name, nsteps, nsteps,
			       nskipped ? " (revisions after one not converted were not verified)" : "");
		if (nfailed)
			rc = rt_error(&r->err, RETORT_EEXTERNAL,
				      "%zu revision%s not converted (listed above): write %s .sql "
				      "twin%s by hand", nfailed, nfailed == 1 ? "" : "s",
				      nfailed == 1 ? "its" : "their", nfailed == 1 ? "" : "s");
	}
	job_free(&j);
	return rc;
}

RT_OPTIONS_INIT_FN(retort_convert_options, RETORT_CONVERT_OPTIONS)
