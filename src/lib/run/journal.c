/*
 * journal.c: durable progress for statements that run outside a
 * transaction (a transaction:false section).
 *
 * Such statements commit one by one, so a failure or a kill part-way
 * leaves some of them applied and the version table where it was.  Before
 * the first one, retort_log gets a journal row for the step (operation
 * 'partial'; tag the direction; checksum the section's; progress
 * "0/N SUM1 ... SUMN", each statement's sha256), and after each statement
 * its count done, each an autocommit of its own.  The step's transaction
 * deletes the row as it moves the version table, so a finished step leaves
 * none.  While a row is there, upgrade and downgrade refuse to start;
 * `retort resume` checks that the statements it says ran are unchanged and
 * runs the rest, `retort resolve REV --applied|--reverted -m WHY` records
 * what a person did instead (operation 'resolved', tag "applied: WHY" or
 * "reverted: WHY", applied_by who).
 */
#include "runner.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PARTIAL "partial"
#define RESOLVED "resolved"

void rt_partial_free(rt_partial *p)
{
	free(p->revision);
	free(p->direction);
	free(p->applied_by);
	free(p->applied_at);
	rt_strvec_free(&p->sums);
	memset(p, 0, sizeof(*p));
}

void rt_partials_free(rt_partials *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		rt_partial_free(&ps->v[i]);
	free(ps->v);
	memset(ps, 0, sizeof(*ps));
}

/* "DONE/TOTAL SUM..." into p; false when it is not that. */
static bool parse_progress(rt_partial *p, const char *s)
{
	char *end;
	unsigned long done = strtoul(s, &end, 10);
	if (end == s || *end != '/')
		return false;
	s = end + 1;
	unsigned long total = strtoul(s, &end, 10);
	if (end == s || done > total)
		return false;
	p->done = done;
	p->total = total;
	for (s = end; *s == ' ';) {
		s++;
		size_t n = strcspn(s, " ");
		char *one = rt_xstrndup(s, n);
		rt_strvec_push(&p->sums, one);
		free(one);
		s += n;
	}
	return p->sums.len == p->total;
}

static int collect_partial(void *data, int ncols, const char *const *v)
{
	rt_partials *ps = data;
	if (ncols != 5)
		return 0;
	RT_ARRAY_GROW(ps->v, ps->n, ps->cap);
	rt_partial *p = &ps->v[ps->n];
	memset(p, 0, sizeof(*p));
	p->revision = rt_xstrdup(v[0] ? v[0] : "");
	p->direction = rt_xstrdup(v[1] ? v[1] : "upgrade");
	p->applied_by = rt_xstrdup(v[3] ? v[3] : "");
	p->applied_at = rt_xstrdup(v[4] ? v[4] : "");
	p->ok = v[2] && parse_progress(p, v[2]);
	ps->n++;
	return 0;
}

int rt_journal_read(run *u, rt_partials *out)
{
	memset(out, 0, sizeof(*out));
	int exists = 0, rc = rt_db_table_exists(u->r, rt_run_schema(u), "retort_log", &exists);
	int has = 0;
	if (!rc && exists)
		rc = rt_run_log_has(u, LOG_PROGRESS, &has);
	if (rc || !has)
		return rc;
	rt_buf sql = RT_BUF_INIT;
	rt_buf_printf(&sql, "SELECT revision, tag, " LOG_PROGRESS ", applied_by, applied_at FROM "
		      "%s WHERE operation = '" PARTIAL "' ORDER BY id", u->logtable.ptr);
	rc = rt_db_query(u->r, sql.ptr, collect_partial, out);
	rt_buf_free(&sql);
	return rc;
}

void rt_journal_describe(rt_buf *b, const rt_partial *p)
{
	rt_buf_printf(b, "%s partially applied: %zu of %zu statements (%s)", p->revision, p->done,
		      p->total, p->direction);
}

int rt_journal_refuse(run *u)
{
	rt_partials ps;
	int rc = rt_journal_read(u, &ps);
	if (!rc && ps.n) {
		rt_buf b = RT_BUF_INIT;
		rt_journal_describe(&b, &ps.v[0]);
		rc = rt_error(&u->r->err, RETORT_ESTATE,
			      "%s, since %s by %s: `retort resume` checks the statements that ran "
			      "and runs the rest, or `retort resolve %s --applied|--reverted -m WHY` "
			      "records what you did; nothing else runs until then",
			      b.ptr, ps.v[0].applied_at, ps.v[0].applied_by, ps.v[0].revision);
		rt_err_set_revision(&u->r->err, ps.v[0].revision);
		rt_buf_free(&b);
	}
	rt_partials_free(&ps);
	return rc;
}

/* --- The statements of a section ------------------------------------------------ */

typedef struct pieces {
	size_t *off, *len;
	size_t n, cap;
} pieces;

static int add_piece(void *data, size_t off, size_t len)
{
	pieces *p = data;
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 8;
		p->off = rt_xreallocarray(p->off, p->cap, sizeof(size_t));
		p->len = rt_xreallocarray(p->len, p->cap, sizeof(size_t));
	}
	p->off[p->n] = off;
	p->len[p->n++] = len;
	return 0;
}

/* The line of offset in a section's text. */
static unsigned line_at(const rt_section *sec, size_t offset)
{
	unsigned line = sec->line;
	for (size_t i = 0; i < offset && sec->sql[i]; i++)
		if (sec->sql[i] == '\n')
			line++;
	return line;
}

/* The hex sha256 of a statement (rt_section_checksum's, without "sha256:"). */
static char *statement_sum(const char *sql, size_t len)
{
	char *stmt = rt_xstrndup(sql, len);
	char *sum = rt_section_checksum(stmt);
	free(stmt);
	const char *colon = sum ? strchr(sum, ':') : NULL;
	char *hex = rt_xstrdup(colon ? colon + 1 : sum ? sum : "");
	free(sum);
	return hex;
}

static void put_progress(rt_buf *b, size_t done, const rt_strvec *sums)
{
	rt_buf_printf(b, "%zu/%zu", done, sums->len);
	for (size_t i = 0; i < sums->len; i++)
		rt_buf_printf(b, " %s", sums->v[i]);
}

/* WHERE clause of the step's journal row. */
static void put_row(run *u, rt_buf *b, const char *rev)
{
	rt_buf_printf(b, " WHERE operation = '" PARTIAL "' AND revision = ");
	u->r->backend->literal(b, rev);
}

static int set_progress(run *u, const char *rev, size_t done, const rt_strvec *sums)
{
	rt_buf sql = RT_BUF_INIT, prog = RT_BUF_INIT;
	put_progress(&prog, done, sums);
	rt_buf_printf(&sql, "UPDATE %s SET " LOG_PROGRESS " = ", u->logtable.ptr);
	u->r->backend->literal(&sql, prog.ptr);
	put_row(u, &sql, rev);
	rt_run_debug_sql(u, sql.ptr);
	int rc = rt_db_exec(u->r, sql.ptr, NULL);
	rt_buf_free(&sql);
	rt_buf_free(&prog);
	return rc;
}

void rt_journal_finish_sql(run *u, rt_buf *b, const char *rev)
{
	if (u->resolve_why) {
		rt_buf tag = RT_BUF_INIT;
		rt_buf_printf(&tag, "applied: %s", u->resolve_why);
		rt_buf_printf(b, "UPDATE %s SET operation = '" RESOLVED "', tag = ", u->logtable.ptr);
		u->r->backend->literal(b, tag.ptr);
		rt_buf_puts(b, ", applied_by = ");
		u->r->backend->literal(b, u->applied_by);
		rt_buf_free(&tag);
	} else {
		rt_buf_printf(b, "DELETE FROM %s", u->logtable.ptr);
	}
	put_row(u, b, rev);
}

/*
 * Run a transaction:false section statement by statement with its journal
 * row: made first (or, resuming, checked: the statements it says ran must
 * be the file's now), brought up to date after each statement, once the
 * statement is checked for what it may have left unusable (an INVALID
 * index: then it counts as not run).  A failure names the statement's line
 * and what the journal now says.
 */
int rt_journal_run(run *u, const rt_step *s, const rt_section *sec, const rt_partial *resume)
{
	retort *r = u->r;
	const rt_revfile *rf = r->graph.nodes[s->node].rf;
	const char *dir = s->kind == RT_STEP_UPGRADE ? "upgrade" : "downgrade";
	pieces ps = { 0 };
	rt_strvec sums = RT_STRVEC_INIT;
	retort_dberror e;
	int rc = rt_db_split(r, sec->sql, add_piece, &ps, &e);
	if (rc)
		rc = rt_error_at(&r->err, RETORT_EDB, rf->path, sec->line, "%s", e.message);
	for (size_t i = 0; !rc && i < ps.n; i++) {
		char *sum = statement_sum(sec->sql + ps.off[i], ps.len[i]);
		rt_strvec_push(&sums, sum);
		free(sum);
	}
	size_t start = 0;
	if (!rc && resume && u->resolve_why) {
		start = ps.n; /* resolved by hand: nothing more runs */
	} else if (!rc && resume) {
		start = resume->done;
		for (size_t i = 0; !rc && i < resume->done; i++)
			if (i >= sums.len || strcmp(sums.v[i], resume->sums.v[i]))
				rc = rt_error_at(&r->err, RETORT_ESTATE, rf->path,
						 i < ps.n ? line_at(sec, ps.off[i]) : sec->line,
						 "statement %zu of this transaction:false section ran "
						 "before it stopped, and is not the same now; put it "
						 "back as it ran, or `retort resolve %s --applied|"
						 "--reverted -m WHY`", i + 1, rf->id);
	} else if (!rc) {
		rt_buf sql = RT_BUF_INIT, prog = RT_BUF_INIT;
		char *sum = rt_section_checksum(sec->sql);
		put_progress(&prog, 0, &sums);
		rt_run_sql_journal_insert(u, &sql, rf->id, dir, sum, prog.ptr);
		rt_run_debug_sql(u, sql.ptr);
		rc = rt_db_exec(r, sql.ptr, NULL);
		free(sum);
		rt_buf_free(&sql);
		rt_buf_free(&prog);
	}
	if (!rc && start < ps.n && resume)
		rt_log(r, RETORT_LOG_INFO, "Resuming %s %s at statement %zu of %zu", dir, rf->id,
		       start + 1, ps.n);
	for (size_t i = start; !rc && i < ps.n; i++) {
		if (atomic_load(&r->interrupted)) {
			rc = rt_error(&r->err, RETORT_EINTERRUPTED, "interrupted");
			break;
		}
		char *stmt = rt_xstrndup(sec->sql + ps.off[i], ps.len[i]);
		rt_run_debug_sql(u, stmt);
		memset(&e, 0, sizeof(e));
		rc = rt_db_exec(r, stmt, &e);
		/* what it left unusable (an INVALID index) counts as not done */
		if (!rc)
			rc = rt_db_check_outside(r, stmt);
		free(stmt);
		if (rc) {
			rt_err db = r->err;
			size_t at = ps.off[i] + (e.offset > 0 ? (size_t)e.offset : 0);
			rc = rt_error_at(&r->err, RETORT_EDB, rf->path, line_at(sec, at),
					 "%s; %zu of %zu statements of this transaction:false section "
					 "ran and are journaled: fix the file and `retort resume` runs "
					 "the rest, or `retort resolve %s --applied|--reverted -m WHY`",
					 db.msg, i, ps.n, rf->id);
			rt_err_keep_db(&r->err, &db);
			break;
		}
		rc = set_progress(u, rf->id, i + 1, &sums);
	}
	free(ps.off);
	free(ps.len);
	rt_strvec_free(&sums);
	return rc;
}

/* The journal row of rev, resolved as reverted by hand: the version table stays. */
int rt_journal_reverted(run *u, const char *rev, const char *why)
{
	rt_buf sql = RT_BUF_INIT, tag = RT_BUF_INIT;
	rt_buf_printf(&tag, "reverted: %s", why);
	rt_buf_printf(&sql, "UPDATE %s SET operation = '" RESOLVED "', tag = ", u->logtable.ptr);
	u->r->backend->literal(&sql, tag.ptr);
	rt_buf_puts(&sql, ", applied_by = ");
	u->r->backend->literal(&sql, u->applied_by);
	put_row(u, &sql, rev);
	rt_run_debug_sql(u, sql.ptr);
	int rc = rt_db_exec(u->r, sql.ptr, NULL);
	rt_buf_free(&sql);
	rt_buf_free(&tag);
	return rc;
}
