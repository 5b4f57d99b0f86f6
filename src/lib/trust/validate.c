/*
 * validate.c: `retort validate`: the files against the journal.
 *
 * retort_log keeps, for every step retort ran, the checksum of the section
 * it ran.  For each revision the database has applied (the version table's
 * rows and their ancestors), the last journal row that recorded its upgrade
 * (or an accepted change, `validate --accept`) must hold the checksum of
 * the file's upgrade section now.  A revision Alembic applied, or one
 * stamped, has no such row: it is listed as unjournaled, not as an error.
 * A row of the version table that no file has is an error, and the
 * journal tells whether retort applied it (its file is gone) or not.
 *
 * `upgrade` runs this first and refuses on a problem, as Flyway validates
 * on migrate (validate_on_upgrade = false, or --no-validate, turn it off).
 */
#include "findings.h"
#include "runner.h"

#include "util/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct jrow {
	char *revision, *operation, *checksum;
} jrow;

typedef struct journal {
	jrow *v;
	size_t n, cap;
} journal;

static int collect_journal(void *data, int ncols, const char *const *values)
{
	journal *j = data;
	if (ncols < 3)
		return 0;
	RT_ARRAY_GROW(j->v, j->n, j->cap);
	j->v[j->n++] = (jrow){ rt_xstrdup(values[0] ? values[0] : ""),
			       rt_xstrdup(values[1] ? values[1] : ""),
			       rt_xstrdup_or_null(values[2]) };
	return 0;
}

static void journal_free(journal *j)
{
	for (size_t i = 0; i < j->n; i++) {
		free(j->v[i].revision);
		free(j->v[i].operation);
		free(j->v[i].checksum);
	}
	free(j->v);
}

/* The last row that says what was run for rev (upgrade, downgrade, accept), or NULL. */
static const jrow *last_for(const journal *j, const char *rev)
{
	for (size_t i = j->n; i-- > 0;)
		if (!strcmp(j->v[i].revision, rev))
			return &j->v[i];
	return NULL;
}


static bool is_error(const char *problem)
{
	return strcmp(problem, "unjournaled") != 0;
}

/* Check u's database (connected, located) into it. */
/* Whether the row is as retort wrote it: its row_sum over what it would run. */
static bool row_checks(const char *rev, const char *header, const char *down, const char *sum)
{
	if (!sum || !header)
		return false;
	char *now = rt_run_row_sum(rev, header, down);
	bool ok = now && !strcmp(now, sum);
	free(now);
	return ok;
}

typedef struct signed_rows {
	run *u;
	rt_findings *it;
} signed_rows;

static int check_row(void *data, int ncols, const char *const *v)
{
	signed_rows *s = data;
	if (ncols == 5 && v[4] && !row_checks(v[1], v[2], v[3], v[4]))
		rt_findings_add(s->it, "journal_row", v[1], NULL,
		    "retort_log row %s (revision %s) does not check against its row_sum: its "
		    "header or downgrade_sql changed after retort wrote it, and a downgrade from "
		    "the journal refuses it", v[0] ? v[0] : "?", v[1] ? v[1] : "?");
	return 0;
}

/* Every row retort signed (upgrade, accept) must still be as it wrote it. */
static int check_rows(run *u, rt_findings *it)
{
	int has = 0;
	int rc = rt_run_log_has(u, LOG_ROW_SUM, &has);
	if (rc || !has)
		return rc;
	rt_buf sql = RT_BUF_INIT;
	rt_buf_printf(&sql, "SELECT id, revision, " LOG_HEADER ", downgrade_sql, " LOG_ROW_SUM
		      " FROM %s WHERE operation IN ('upgrade', 'accept') AND " LOG_ROW_SUM
		      " IS NOT NULL ORDER BY id", u->logtable.ptr);
	signed_rows s = { u, it };
	rc = rt_db_query(u->r, sql.ptr, check_row, &s);
	rt_buf_free(&sql);
	return rc;
}

/*
 * with_rows: every signed row's checksum too (`validate`); not before an
 * upgrade, where it would read every row's header and SQL each time (a
 * downgrade from the journal checks the one row it uses).
 */
static int check(run *u, rt_findings *it, bool with_rows)
{
	retort *r = u->r;
	int exists = 0;
	journal j = { NULL, 0, 0 };
	rt_strvec rows = RT_STRVEC_INIT;
	int rc = rt_db_table_exists(r, rt_run_schema(u), "retort_log", &exists);
	if (!rc && exists) {
		rt_buf sql = RT_BUF_INIT;
		rt_buf_printf(&sql, "SELECT revision, operation, checksum FROM %s WHERE operation IN "
			      "('upgrade', 'downgrade', 'accept') ORDER BY id", u->logtable.ptr);
		rc = rt_db_query(r, sql.ptr, collect_journal, &j);
		rt_buf_free(&sql);
	}
	/* the rows the caller just read (upgrade), else read now */
	if (!rc && r->state_ok)
		for (size_t i = 0; i < r->state.rows.len; i++)
			rt_strvec_push(&rows, r->state.rows.v[i]);
	else if (!rc)
		rc = rt_version_rows(r, &rows);
	if (rc)
		goto done;
	const rt_graph *g = &r->graph;
	uint8_t *applied = rt_xcalloc(g->n ? g->n : 1, 1);
	uint32_t *stack = rt_xcalloc(g->n ? g->n : 1, sizeof(uint32_t));
	for (size_t i = 0; i < rows.len; i++) {
		rt_node *n = rt_graph_get(g, rows.v[i]);
		if (n) {
			rt_graph_mark(g, (uint32_t)(n - g->nodes), RT_WALK_UP, NULL, 0, applied, stack);
			continue;
		}
		const jrow *jr = last_for(&j, rows.v[i]);
		if (jr && strcmp(jr->operation, "downgrade"))
			rt_findings_add(it, "missing_file", rows.v[i], NULL,
			    "revision %s is applied (retort ran it; retort_log has its row) but its "
			    "file is gone", rows.v[i]);
		else
			rt_findings_add(it, "unknown_row", rows.v[i], NULL,
			    "the version table holds %s, which no revision file and no journal row "
			    "explains", rows.v[i]);
	}
	for (uint32_t k = 0; k < g->n; k++) {
		uint32_t n = g->order[k];
		if (!applied[n])
			continue;
		it->pub.nchecked++;
		const rt_revfile *rf = g->nodes[n].rf;
		const jrow *jr = last_for(&j, rf->id);
		if (!jr || !strcmp(jr->operation, "downgrade") || !jr->checksum || rf->python) {
			rt_findings_add(it, "unjournaled", rf->id, rf->path,
			    "%s: applied without a journal row (by Alembic, or stamped)", rf->path);
			continue;
		}
		char *now = rt_section_checksum(rf->upgrade.sql);
		if (strcmp(now, jr->checksum))
			rt_findings_add(it, "changed", rf->id, rf->path,
			    "%s: its upgrade section changed after it was applied (applied %s, now "
			    "%s); revert the edit, or record it with `retort validate --accept %s -m "
			    "WHY`", rf->path, jr->checksum, now, rf->id);
		free(now);
	}
	free(applied);
	free(stack);
	if (exists && with_rows)
		rc = check_rows(u, it);
done:
	journal_free(&j);
	rt_strvec_free(&rows);
	return rc;
}

int rt_run_validate(run *u)
{
	const char *v = rt_config_get(&u->r->cfg, "validate_on_upgrade");
	if (u->o->no_validate || (v && (!strcasecmp(v, "false") || !strcasecmp(v, "no") ||
					!strcasecmp(v, "off") || !strcmp(v, "0"))))
		return 0;
	rt_findings *it = rt_findings_new();
	int rc = check(u, it, false);
	size_t nerr = 0;
	const char *first = NULL;
	for (size_t i = 0; !rc && i < it->pub.n; i++)
		if (is_error(it->v[i].problem)) {
			if (!nerr++)
				first = it->v[i].message;
			else
				rt_log(u->r, RETORT_LOG_ERROR, "%s", it->v[i].message);
		}
	if (!rc && nerr)
		rc = rt_error(&u->r->err, RETORT_EDIFF, "%s%s (validation before upgrade; "
			      "--no-validate skips it)", first, nerr > 1 ? "; and the problems "
			      "above" : "");
	retort_validation_free(&it->pub);
	return rc;
}

int rt_run_accept(run *u, const char *spec, const char *reason)
{
	retort *r = u->r;
	if (!reason || !*reason)
		return rt_error(&r->err, RETORT_EUSAGE,
				"--accept needs a reason: -m \"why the change is harmless\"");
	rt_targets t = { 0 };
	int rc = rt_project_state(r, true);
	if (!rc)
		rc = rt_resolve(&t, &r->graph, &r->state, spec, &r->err);
	if (!rc && t.n != 1)
		rc = rt_error(&r->err, RETORT_EUSAGE, "--accept takes one revision; '%s' names %zu",
			      spec, t.n);
	const rt_revfile *rf = rc ? NULL : r->graph.nodes[t.v[0]].rf;
	if (!rc && !r->state.applied[t.v[0]])
		rc = rt_error(&r->err, RETORT_ESTATE, "%s is not applied: there is nothing to "
			      "accept", rf->id);
	rt_targets_free(&t);
	if (rc)
		return rc;
	char *sum = rt_section_checksum(rf->upgrade.sql);
	char *hdr = rt_run_file_header(rf);
	log_entry e = { rf->id, "accept", sum, rf->downgrade.sql, 0, NULL, hdr };
	rt_buf sql = RT_BUF_INIT;
	rt_run_sql_log_insert(u, &sql, &e);
	rc = rt_run_ensure_tables(u, true);
	if (!rc)
		rc = rt_db_exec(r, sql.ptr, NULL);
	if (!rc)
		rt_log(r, RETORT_LOG_INFO, "accepted the change to %s (%s): %s", rf->path, sum,
		       reason);
	free(sum);
	free(hdr);
	rt_buf_free(&sql);
	return rc;
}

/* --- Reverting a revision whose file is gone ---------------------------------- */

typedef struct last_row {
	int n;
	char *v[6]; /* operation, file_header, downgrade_sql, applied_at, applied_by, row_sum */
	const char *rev;
} last_row;

static int collect_last(void *data, int ncols, const char *const *values)
{
	last_row *l = data;
	if (l->n++ || ncols != 6)
		return 0;
	for (int i = 0; i < 6; i++)
		l->v[i] = rt_xstrdup_or_null(values[i]);
	return 0;
}

static void last_row_free(last_row *l)
{
	for (int i = 0; i < 6; i++)
		free(l->v[i]);
}


static int gone(retort *r, const char *rev, const char *why)
{
	return rt_error(&r->err, RETORT_ENOTFOUND,
			"can't locate revision identified by '%s' (it is in the version table but "
			"in no revision file, and %s)", rev, why);
}

/* Why retort_log's last row for a revision cannot give it back, or NULL. */
static const char *unusable(const last_row *l)
{
	const char *op = l->v[0];
	if (!l->n)
		return "retort_log has no row for it: Alembic applied it, or another tool";
	if (op && !strcmp(op, "stamp"))
		return "it was stamped, so retort_log has no downgrade for it";
	if (!op || (strcmp(op, "upgrade") && strcmp(op, "accept")))
		return "retort_log's last row for it is not an upgrade";
	if (!l->v[1])
		return "retort_log's row for it was written by a retort that did not keep "
		       "revision headers: restore the file to revert it";
	if (!row_checks(l->rev, l->v[1], l->v[2], l->v[5]))
		return "retort_log's row for it does not check against its row_sum (changed "
		       "after retort wrote it, or written by a retort that did not sign its "
		       "rows): restore the file to revert it";
	return NULL;
}

/*
 * Revision rev again from retort_log's last row for it, into rf; the
 * reason when there is none.  log: 0 no retort_log, 1 one without
 * LOG_HEADER (an older retort's), 2 with it.
 */
static int from_journal(run *u, const char *rev, int log, rt_revfile *rf)
{
	retort *r = u->r;
	if (log == 0)
		return gone(r, rev, "there is no retort_log: Alembic applied it, or another tool");
	if (log == 1)
		return gone(r, rev, "retort_log keeps no revision headers (an older retort made "
			    "it): restore the file to revert it");
	last_row l = { 0 };
	rt_buf sql = RT_BUF_INIT;
	int signed_log = 0;
	int rc0 = rt_run_log_has(u, LOG_ROW_SUM, &signed_log);
	if (rc0)
		return rc0;
	l.rev = rev;
	rt_buf_printf(&sql, "SELECT operation, " LOG_HEADER ", downgrade_sql, applied_at, "
		      "applied_by, %s FROM %s WHERE revision = ",
		      signed_log ? LOG_ROW_SUM : "NULL", u->logtable.ptr);
	r->backend->literal(&sql, rev);
	/* a journal row of statements outside a transaction is no step's record */
	rt_buf_puts(&sql, " AND operation NOT IN ('partial', 'resolved') ORDER BY id DESC LIMIT 1");
	int rc = rt_db_query(r, sql.ptr, collect_last, &l);
	const char *why = rc ? NULL : unusable(&l);
	if (why)
		rc = gone(r, rev, why);
	if (!rc) {
		rt_buf text = RT_BUF_INIT, path = RT_BUF_INIT;
		rt_buf_printf(&text, "%s%s", l.v[1], l.v[2] ? l.v[2] : "");
		rt_buf_printf(&path, "retort_log[%s]", rev);
		rc = rt_revfile_parse(rf, path.ptr, text.ptr, text.len, &r->err);
		if (!rc && strcmp(rf->id, rev)) {
			rc = rt_error(&r->err, RETORT_EPARSE, "%s: its header names revision %s",
				      path.ptr, rf->id);
			rt_revfile_free(rf);
		}
		if (!rc)
			rt_log(r, RETORT_LOG_WARN, "%s: the file of %s is gone; its downgrade comes "
			       "from retort_log (applied %s by %s)", path.ptr, rev,
			       l.v[3] ? l.v[3] : "?", l.v[4] ? l.v[4] : "?");
		rt_buf_free(&text);
		rt_buf_free(&path);
	}
	rt_buf_free(&sql);
	last_row_free(&l);
	return rc;
}

int rt_run_journal_revisions(run *u)
{
	retort *r = u->r;
	rt_strvec want = RT_STRVEC_INIT;
	rt_revfile *more = NULL;
	size_t n = 0, cap = 0;
	int current = 0, exists = 0, rc = rt_project_connect(r);
	if (!rc)
		rc = rt_version_rows(r, &want);
	if (!rc)
		rc = rt_run_log_current(u, &current);
	if (!rc && !current)
		rc = rt_db_table_exists(r, rt_run_schema(u), "retort_log", &exists);
	/* the rows no file has, then the parents they name that no file has */
	for (size_t i = 0; !rc && i < want.len; i++) {
		const char *id = want.v[i];
		bool known = rt_graph_get(&r->graph, id) != NULL;
		for (size_t k = 0; k < n && !known; k++)
			known = !strcmp(more[k].id, id);
		if (known)
			continue;
		RT_ARRAY_GROW(more, n, cap);
		if ((rc = from_journal(u, id, current ? 2 : exists, &more[n])))
			break;
		const rt_revfile *rf = &more[n++];
		for (size_t k = 0; k < rf->revises.len; k++)
			rt_strvec_push(&want, rf->revises.v[k]);
		for (size_t k = 0; k < rf->depends_on.len; k++)
			rt_strvec_push(&want, rf->depends_on.v[k]);
	}
	if (!rc && n) {
		rc = rt_project_add_revisions(r, more, (uint32_t)n);
		u->journal_revisions = true;
	} else {
		for (size_t k = 0; k < n; k++)
			rt_revfile_free(&more[k]);
	}
	free(more);
	rt_strvec_free(&want);
	return rc;
}

int rt_run_validation(run *u, retort_validation **out)
{
	rt_findings *it = rt_findings_new();
	int rc = check(u, it, true);
	if (rc) {
		retort_validation_free(&it->pub);
		return rc;
	}
	*out = &it->pub;
	return 0;
}
