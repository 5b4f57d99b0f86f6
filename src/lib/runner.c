/*
 * runner.c: upgrade, downgrade, stamp and ensure-version, online and offline.
 *
 * A run resolves its target once, plans against the version table's rows,
 * and executes the plan step by step.  Each step commits as one transaction:
 * its section's SQL, its version table changes (written as Alembic writes
 * them) and its retort_log row.  Before each step the runner re-reads the
 * version table inside the step's transaction (on SQLite a BEGIN IMMEDIATE,
 * which holds the write lock): if another runner moved the rows since the
 * plan was made, it rolls back, re-plans for the same target and carries
 * on, so two runners at once never apply a step twice.
 *
 * Offline (--sql) never connects: it builds the state from the start of the
 * range as if those were the rows and sends the statements an online run
 * would send, in Alembic's layout, to the caller's callback.
 */
#include "runner.h"
#include "lint.h"
#include "util/clock.h"
#include "util/xalloc.h"

#include <string.h>

#define MAX_REPLANS 10000 /* another runner moving rows forever is a bug */

static int run_init(run *u, retort *r, const retort_run_options *o, const char *what,
		    bool need_graph)
{
	static const retort_run_options defaults = RETORT_RUN_OPTIONS_INIT;
	memset(u, 0, sizeof(*u));
	u->r = r;
	u->o = o ? o : &defaults;
	u->what = what;
	u->offline = u->o->sql != NULL;
	u->purge = u->o->purge != 0;
	u->t0 = rt_now();
	r->writing = true;
	r->interrupted = 0; /* a retort_interrupt() meant for an earlier call */
	rt_buf_init(&u->table);
	rt_buf_init(&u->logtable);
	rt_buf_init(&u->lockkey);
	rt_err_clear(&r->err);
	int rc = rt_check_version(&r->err, u->o->version, RETORT_RUN_OPTIONS_VERSION,
				  "retort_run_options");
	if (!rc && need_graph)
		rc = rt_project_graph(r);
	if (!rc)
		rc = rt_project_url(r);
	if (rc)
		return rc;
	rt_sql_name(r, &u->table, r->cfg.version_table);
	rt_sql_name(r, &u->logtable, "retort_log");
	u->applied_by = rt_run_applied_by();
	return 0;
}

static void run_free(run *u)
{
	rt_buf_free(&u->table);
	rt_buf_free(&u->logtable);
	rt_buf_free(&u->lockkey);
	free(u->applied_by);
	rt_strvec_free(&u->expect);
	rt_targets_free(&u->targets);
	/* revisions taken from retort_log are this run's alone */
	if (u->journal_revisions)
		rt_project_forget_graph(u->r);
	/* the rows moved: the next reading call reads them again */
	if (u->r->state_ok && !u->offline) {
		rt_state_free(&u->r->state);
		u->r->state_ok = false;
		rt_mark_current(u->r);
	}
}

/* --- One step ---------------------------------------------------------------- */

static const rt_section *step_section(run *u, const rt_step *s)
{
	if (s->kind == RT_STEP_STAMP)
		return NULL;
	const rt_revfile *rf = u->r->graph.nodes[s->node].rf;
	return s->kind == RT_STEP_UPGRADE ? &rf->upgrade : &rf->downgrade;
}

static bool blank_sql(const char *s)
{
	for (;;) {
		s += strspn(s, " \t\r\n\f\v");
		if (s[0] == '-' && s[1] == '-')
			s += strcspn(s, "\n");
		else
			return *s == '\0';
	}
}

/* The line of offset in a section's text. */
static unsigned section_line(const rt_section *sec, long offset)
{
	unsigned line = sec->line;
	size_t len = strlen(sec->sql);
	for (long i = 0; offset > 0 && i < offset && (size_t)i < len; i++)
		if (sec->sql[i] == '\n')
			line++;
	return line;
}

static const char *step_path(run *u, const rt_step *s)
{
	return u->r->graph.nodes[s->node].rf->path;
}

/* Rewrite r->err as "<path>:<line>: <database message>". */
static int statement_failed(run *u, const rt_step *s, const rt_section *sec, long offset)
{
	rt_err db = u->r->err;
	return rt_error(&u->r->err, RETORT_EDB, "%s:%u: %s", step_path(u, s),
			section_line(sec, offset), db.msg);
}

typedef struct split_ctx {
	run *u;
	const rt_step *s;
	const rt_section *sec;
	int rc;
} split_ctx;

static int exec_piece(void *data, size_t off, size_t len)
{
	split_ctx *c = data;
	char *stmt = rt_xstrndup(c->sec->sql + off, len);
	retort_dberror e;
	rt_run_debug_sql(c->u, stmt);
	int rc = rt_db_exec(c->u->r, stmt, &e);
	free(stmt);
	if (rc)
		c->rc = statement_failed(c->u, c->s, c->sec, (long)off + (e.offset > 0 ? e.offset : 0));
	return rc;
}

/* Run a section's SQL; on failure r->err names the file and line. */
static int exec_section(run *u, const rt_step *s, const rt_section *sec)
{
	if (!sec || blank_sql(sec->sql))
		return 0;
	if (u->offline) {
		rt_buf b = RT_BUF_INIT;
		rt_buf_puts(&b, sec->sql);
		rt_buf_rtrim(&b);
		rt_buf_puts(&b, "\n\n");
		rt_run_out_text(u, b.ptr);
		rt_buf_free(&b);
		return 0;
	}
	const retort_driver *drv = u->r->conn->driver;
	if (!sec->transactional && drv->split) {
		split_ctx c = { u, s, sec, 0 };
		retort_dberror e;
		int rc = rt_db_split(u->r, sec->sql, exec_piece, &c, &e);
		if (c.rc)
			return c.rc;
		if (rc)
			return rt_error(&u->r->err, RETORT_EDB, "%s:%u: %s", step_path(u, s),
					sec->line, e.message);
		return 0;
	}
	retort_dberror e;
	rt_run_debug_sql(u, sec->sql);
	if (rt_db_exec(u->r, sec->sql, &e))
		return statement_failed(u, s, sec, e.offset);
	return 0;
}

/* --- Transaction statements in a section ---------------------------------- */

/* Skip blanks and comments; the next word, lower-cased, into w. */
static const char *next_word(const char *p, char *w, size_t cap)
{
	for (;;) {
		p += strspn(p, " \t\r\n\f\v");
		if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
		} else {
			break;
		}
	}
	size_t n = 0;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_') {
		if (n + 1 < cap)
			w[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		p++;
	}
	w[n] = '\0';
	return p;
}

/*
 * Whether a statement begins or ends a transaction (BEGIN, START
 * TRANSACTION, COMMIT, END, ROLLBACK, ABORT, PREPARE TRANSACTION): inside
 * a step's own transaction it would commit or roll back part of the step.
 * Savepoints (SAVEPOINT, RELEASE, ROLLBACK TO) stay inside it and are fine;
 * COMMIT/ROLLBACK PREPARED act on another transaction and fail on their own.
 */
static bool ends_transaction(const char *stmt, char *first, size_t cap)
{
	char w[32];
	const char *p = next_word(stmt, first, cap);
	if (!strcmp(first, "begin") || !strcmp(first, "end"))
		return true;
	if (!strcmp(first, "start") || !strcmp(first, "prepare")) {
		next_word(p, w, sizeof(w));
		return !strcmp(w, "transaction");
	}
	if (!strcmp(first, "commit") || !strcmp(first, "rollback") || !strcmp(first, "abort")) {
		p = next_word(p, w, sizeof(w));
		if (!strcmp(w, "work") || !strcmp(w, "transaction"))
			next_word(p, w, sizeof(w));
		return strcmp(w, "to") != 0 && strcmp(w, "prepared") != 0;
	}
	return false;
}

typedef struct txn_scan {
	const char *sql;
	long found;        /* offset of the first such statement, or -1 */
	char word[16];
} txn_scan;

static int scan_piece(void *data, size_t off, size_t len)
{
	txn_scan *t = data;
	char *stmt = rt_xstrndup(t->sql + off, len);
	bool hit = ends_transaction(stmt, t->word, sizeof(t->word));
	free(stmt);
	if (hit)
		t->found = (long)off;
	return hit;
}

/*
 * Refuse, before anything runs, a transactional section holding a
 * statement that would end the step's transaction: the step would no
 * longer be all or nothing.  The statements are the database's own split
 * (libpg_query for PostgreSQL, sqlite3_complete for SQLite).  Before that,
 * a step whose revision is an Alembic module without a .sql twin: retort
 * has no SQL to run for it.
 */
static int refuse_python_steps(run *u, const rt_plan *p)
{
	rt_buf names = RT_BUF_INIT;
	size_t n = 0;
	for (size_t i = 0; i < p->n; i++) {
		const rt_step *s = &p->steps[i];
		if (s->kind == RT_STEP_STAMP || !u->r->graph.nodes[s->node].rf->python)
			continue;
		if (n++ < 5)
			rt_buf_printf(&names, "%s%s", names.len ? ", " : "", step_path(u, s));
	}
	if (n > 5)
		rt_buf_printf(&names, " and %zu more", n - 5);
	int rc = !n ? 0
		    : rt_error(&u->r->err, RETORT_EPARSE,
			       "cannot run %s: Alembic revision%s with no .sql twin; `retort "
			       "convert` writes %s SQL", names.ptr, n > 1 ? "s" : "",
			       n > 1 ? "their" : "its");
	rt_buf_free(&names);
	return rc;
}

static int refuse_txn_statements(run *u, const rt_plan *p)
{
	int rc = refuse_python_steps(u, p);
	if (rc)
		return rc;
	if (!u->r->dialect->driver || !u->r->dialect->driver->split)
		return 0;
	for (size_t i = 0; i < p->n; i++) {
		const rt_step *s = &p->steps[i];
		const rt_section *sec = step_section(u, s);
		if (!sec || !sec->transactional || blank_sql(sec->sql))
			continue;
		txn_scan t = { sec->sql, -1, "" };
		retort_dberror e;
		/* a script the splitter cannot read (an open quote) fails here */
		if (rt_db_split(u->r, sec->sql, scan_piece, &t, &e))
			return rt_error(&u->r->err, RETORT_EDB, "%s:%u: %s", step_path(u, s),
					section_line(sec, e.position > 0 ? e.position - 1 : 0),
					e.message);
		if (t.found < 0)
			continue;
		for (char *c = t.word; *c; c++)
			*c = (char)(*c - 'a' + 'A');
		return rt_error(&u->r->err, RETORT_EPARSE,
				"%s:%u: %s would end the step's own transaction (retort runs each "
				"step in one); remove it, or put it in a section marked "
				"`-- migrate:%s transaction:false`",
				step_path(u, s), section_line(sec, t.found), t.word,
				s->kind == RT_STEP_UPGRADE ? "upgrade" : "downgrade");
	}
	return 0;
}

/* --- The version table around a step ---------------------------------------- */

typedef struct opening {
	rt_strvec rows;
	int lock;          /* the lock query's count; -1: not asked */
} opening;

static int collect_opening(void *data, int ncols, const char *const *values)
{
	opening *o = data;
	if (ncols == 2 && values[0] && !strcmp(values[0], "retort:lock"))
		o->lock = values[1] && strcmp(values[1], "0") ? 1 : 0;
	else
		rt_run_collect_rows(&o->rows, ncols, values);
	return 0;
}

/*
 * What runs before a step's SQL: in one message, BEGIN (begin), the
 * version table's lock (in a transaction, where the database has one to
 * take), the re-read of its rows and whether the run lock is still held.
 * *moved: the rows are not what the plan expects (nothing of the step ran).
 * The run lock lost (a section of the step before released it) stops the run.
 */
static int step_opening(run *u, bool begin, bool in_txn, bool check_lock, bool *moved)
{
	retort *r = u->r;
	const rt_dialect *d = r->dialect;
	opening o = { RT_STRVEC_INIT, -1 };
	rt_buf sql = RT_BUF_INIT;
	*moved = false;
	if (begin) {
		rt_log(r, RETORT_LOG_DEBUG, "BEGIN");
		rt_buf_printf(&sql, "%s ", d->begin_sql);
	}
	if ((begin || in_txn) && d->lock_table_mode)
		rt_buf_printf(&sql, "LOCK TABLE %s%s; ", u->table.ptr, d->lock_table_mode);
	rt_run_sql_rows(u, &sql);
	if (check_lock && d->lock_held_sql && u->lockkey.len) {
		rt_buf_puts(&sql, "; ");
		d->lock_held_sql(&sql, u->lockkey.ptr);
	}
	int rc = rt_db_query(r, sql.ptr, collect_opening, &o);
	if (!rc && o.lock == 0)
		rc = rt_error(&r->err, RETORT_ELOCK,
			      "%s: the run lock was released while this step ran (by a statement "
			      "such as pg_advisory_unlock_all() or DISCARD ALL); its work is "
			      "committed, and the run stops here so that no other runner's "
			      "steps overlap with the next ones",
			      u->last ? u->last->path : "before the first step");
	if (!rc && !u->purge)
		*moved = !rt_rows_equal(&o.rows, &u->expect);
	rt_strvec_free(&o.rows);
	rt_buf_free(&sql);
	return rc;
}

/*
 * After the step's version table changes, in its transaction: the table
 * must hold exactly the rows the plan expects after the step.  Anything
 * else (an UPDATE that matched no row because another runner moved it, a
 * section that wrote to the version table) rolls the step back.
 */
static int check_after(run *u, const rt_step *s, const rt_strvec *rows)
{
	if (u->purge)
		return 0;
	rt_strvec want = RT_STRVEC_INIT;
	for (size_t i = 0; i < u->expect.len; i++)
		rt_strvec_push(&want, u->expect.v[i]);
	rt_rows_apply(&want, s);
	int rc = 0;
	if (!rt_rows_equal(rows, &want)) {
		rt_buf got = RT_BUF_INIT, exp = RT_BUF_INIT;
		for (size_t i = 0; i < rows->len; i++)
			rt_buf_printf(&got, "%s%s", i ? ", " : "", rows->v[i]);
		for (size_t i = 0; i < want.len; i++)
			rt_buf_printf(&exp, "%s%s", i ? ", " : "", want.v[i]);
		rc = rt_error(&u->r->err, RETORT_ESTATE,
			      "%s: after this step the version table holds (%s), not (%s): another "
			      "runner or the step itself moved it; the step was rolled back",
			      s->kind == RT_STEP_STAMP ? "stamp" : step_path(u, s), got.ptr,
			      exp.ptr);
		rt_buf_free(&got);
		rt_buf_free(&exp);
	}
	rt_strvec_free(&want);
	return rc;
}

/* Read the rows back (one query) and check them. */
static int read_back(run *u, const rt_step *s)
{
	if (u->purge)
		return 0;
	rt_strvec rows = RT_STRVEC_INIT;
	rt_buf sql = RT_BUF_INIT;
	rt_run_sql_rows(u, &sql);
	int rc = rt_db_query(u->r, sql.ptr, rt_run_collect_rows, &rows);
	if (!rc)
		rc = check_after(u, s, &rows);
	rt_strvec_free(&rows);
	rt_buf_free(&sql);
	return rc;
}

/*
 * The step's version table changes and retort_log rows, each statement
 * given to out (sent one by one, or gathered into a batch).
 */
typedef int (*stmt_fn)(run *u, const char *sql, void *data);

static int ops_sql(run *u, const rt_step *s, long ms, const char *ms_sql, stmt_fn out,
		   void *data)
{
	rt_buf sql = RT_BUF_INIT;
	int rc = 0;
	if (s->kind == RT_STEP_STAMP && u->purge && !u->purged) {
		rt_buf_printf(&sql, "DELETE FROM %s", u->table.ptr);
		rc = out(u, sql.ptr, data);
		u->purged = true;
	}
	for (uint32_t i = 0; i < s->nops && !rc; i++) {
		rt_buf_clear(&sql);
		rt_run_sql_row_op(u, &sql, &s->ops[i]);
		rc = out(u, sql.ptr, data);
	}
	if (s->kind == RT_STEP_STAMP) {
		for (uint32_t i = 0; i < s->nops && !rc; i++) {
			const rt_row_op *op = &s->ops[i];
			log_entry e = { op->to ? op->to : op->from, "stamp", NULL, NULL, ms, ms_sql, NULL };
			rt_buf_clear(&sql);
			rt_run_sql_log_insert(u, &sql, &e);
			rc = out(u, sql.ptr, data);
		}
	} else if (!rc) {
		const rt_revfile *rf = u->r->graph.nodes[s->node].rf;
		const rt_section *sec = step_section(u, s);
		bool up = s->kind == RT_STEP_UPGRADE;
		char *sum = rt_section_checksum(sec->sql);
		char *hdr = up && !u->offline ? rt_run_file_header(rf) : NULL;
		log_entry e = { rf->id, up ? "upgrade" : "downgrade", sum,
				up ? rf->downgrade.sql : NULL, ms, ms_sql, hdr };
		rt_buf_clear(&sql);
		rt_run_sql_log_insert(u, &sql, &e);
		rc = out(u, sql.ptr, data);
		free(sum);
		free(hdr);
	}
	rt_buf_free(&sql);
	return rc;
}

static int send_stmt(run *u, const char *sql, void *data)
{
	return rt_run_send(u, sql);
}

static int write_ops(run *u, const rt_step *s, long ms)
{
	return ops_sql(u, s, ms, NULL, send_stmt, NULL);
}

/* Append a statement to a batch (logged at -v as if sent alone). */
static int batch_stmt(run *u, const char *sql, void *data)
{
	rt_buf *b = data;
	rt_run_debug_sql(u, sql);
	rt_buf_puts(b, sql);
	rt_buf_puts(b, ";\n");
	return 0;
}

static void step_banner(run *u, const rt_step *s, size_t i, size_t total, bool done, long ms)
{
	retort *r = u->r;
	const char *kind = s->kind == RT_STEP_UPGRADE     ? "upgrade"
			   : s->kind == RT_STEP_DOWNGRADE ? "downgrade"
							  : "stamp_revision";
	const char *msg = s->kind == RT_STEP_STAMP ? NULL : r->graph.nodes[s->node].rf->message;
	const char *rev = s->kind == RT_STEP_STAMP ? s->to_desc : r->graph.nodes[s->node].rf->id;
	if (!done) {
		if (r->log) {
			retort_progress p = { i + 1, total, rev, rt_now() - u->t0 };
			rt_buf b = RT_BUF_INIT;
			rt_buf_printf(&b, "%s %s", kind, rev);
			r->log(r->log_data, RETORT_LOG_PROGRESS, b.ptr, &p);
			rt_buf_free(&b);
		}
		return;
	}
	if (r->log && !u->offline) {
		retort_progress p = { i + 1, total, rev, ms / 1000.0 };
		r->log(r->log_data, RETORT_LOG_STEP,
		       s->kind == RT_STEP_STAMP ? "stamp" : kind, &p);
	}
	rt_buf b = RT_BUF_INIT;
	rt_buf_printf(&b, "Running %s %s -> %s", kind, s->from_desc, s->to_desc);
	if (msg)
		rt_buf_printf(&b, ", %s", msg);
	if (!u->offline)
		rt_buf_printf(&b, " (%ld ms)", ms);
	rt_log(r, RETORT_LOG_INFO, "%s", b.ptr);
	rt_buf_free(&b);
}

/*
 * A transaction:false section ran, and then its bookkeeping transaction
 * found the version table changed: someone that does not take our lock
 * (another tool, a hand edit) wrote it meanwhile.  Re-planning cannot undo
 * what the section did, so stop and say so.
 */
static int moved_under_section(run *u, const rt_step *s, const rt_section *sec, bool *moved)
{
	*moved = false;
	return rt_error(&u->r->err, RETORT_ESTATE,
			"%s:%u: the version table changed while this transaction:false section "
			"ran; its statements are applied, the version table was not moved "
			"(check the database, then run `retort stamp`)",
			step_path(u, s), sec->line);
}

/*
 * A transaction:false section: checked against the rows and the run lock
 * first (outside any transaction), run statement by statement, then
 * checked for what it left unusable (an INVALID index) before anything
 * records it as done.
 */
static int run_outside(run *u, const rt_step *s, const rt_section *sec, bool *moved)
{
	int rc = step_opening(u, false, false, true, moved);
	if (rc || *moved)
		return rc;
	if ((rc = exec_section(u, s, sec)))
		return rc;
	if ((rc = rt_db_check_outside(u->r, sec->sql))) {
		rt_err db = u->r->err;
		rc = rt_error(&u->r->err, RETORT_EDB, "%s:%u: %s", step_path(u, s), sec->line,
			      db.msg);
	}
	return rc;
}

/*
 * A step in three messages (the dialect's batch_steps): "BEGIN; LOCK
 * TABLE ...; SELECT version_num ...; <run lock held?>" first, then one text
 * with the section, "\n;\n", the version table changes, the retort_log row
 * and the version table's rows read back, then COMMIT.  The server runs a
 * message's statements in order and stops at the first error, so a
 * failure anywhere commits nothing; the re-read still comes back before
 * anything of the step is sent.  The error's statement offset says whether
 * it was in the section (then the file and line are named) or in the
 * bookkeeping after it.  The log row's duration is measured by the server
 * (elapsed_ms_sql), since it is written in the same message as the section
 * it times.
 */
static int run_step_batched(run *u, const rt_step *s, bool own_txn, bool *moved, double t)
{
	const rt_section *sec = step_section(u, s);
	bool outside = sec && !sec->transactional;
	bool with_sec = sec && !outside && !blank_sql(sec->sql);
	rt_buf msg = RT_BUF_INIT;
	rt_strvec rows = RT_STRVEC_INIT;
	size_t sec_len = 0;
	int rc = 0;
	if (outside && ((rc = run_outside(u, s, sec, moved)) || *moved))
		return rc;
	/* the section ran: its own release of the lock is caught at the next step */
	if (own_txn && (rc = step_opening(u, true, true, !outside, moved)) == 0 && *moved &&
	    outside)
		rc = moved_under_section(u, s, sec, moved);
	if (rc || *moved)
		goto fail;
	if (with_sec) {
		rt_run_debug_sql(u, sec->sql);
		rt_buf_puts(&msg, sec->sql);
		sec_len = msg.len;
		rt_buf_puts(&msg, "\n;\n");
	}
	/* a section that ran alone has its duration; one sent here is timed there */
	long ms = (long)((rt_now() - t) * 1000 + 0.5);
	ops_sql(u, s, ms, with_sec ? u->r->dialect->elapsed_ms_sql : NULL, batch_stmt, &msg);
	rt_run_sql_rows(u, &msg);
	retort_dberror e;
	if ((rc = rt_db_query_e(u->r, msg.ptr, rt_run_collect_rows, &rows, &e)) && with_sec &&
	    e.offset < (long)sec_len)
		rc = statement_failed(u, s, sec, e.offset);
	if (!rc)
		rc = check_after(u, s, &rows);
	if (!rc && own_txn)
		rc = rt_run_commit(u);
fail:
	if (rc || *moved)
		rt_run_rollback(u);
	rt_strvec_free(&rows);
	rt_buf_free(&msg);
	return rc;
}

static int run_step_sql(run *u, const rt_plan *p, size_t i, bool own_txn, bool *moved);

/*
 * The run's progress callback (which may cancel), and retort_interrupt():
 * stop before step i starts, or (ran) before its commit, which rolls it
 * back; the steps before it stay.
 */
static int cancelled(run *u, const rt_step *s, size_t i, size_t total, bool ran)
{
	retort *r = u->r;
	if (u->o->progress && !u->offline) {
		const char *rev = s->kind == RT_STEP_STAMP ? s->to_desc : r->graph.nodes[s->node].rf->id;
		retort_progress pr = { i + 1, total, rev, rt_now() - u->t0 };
		if (u->o->progress(u->o->progress_data, &pr))
			r->interrupted = 1;
	}
	if (!r->interrupted)
		return 0;
	return rt_error(&r->err, RETORT_EINTERRUPTED,
			"interrupted %s step %zu of %zu%s; the %zu step%s before it stay%s applied",
			ran ? "in" : "before", i + 1, total,
			ran ? ", which was rolled back" : "", i, i == 1 ? "" : "s", i == 1 ? "s" : "");
}

/*
 * Run step i of the plan.  own_txn: the step is its own transaction (else
 * the caller holds one around the whole run).  *moved: the version table no
 * longer holds what the plan expects; nothing was done.  A failure names
 * the step's file, wherever it happened (beginning, its bookkeeping, the
 * COMMIT: a disk found full there, a lock not had in time).
 */
static int run_step(run *u, const rt_plan *p, size_t i, bool own_txn, bool *moved)
{
	int rc = run_step_sql(u, p, i, own_txn, moved);
	const rt_step *s = &p->steps[i];
	if (!rc || s->kind == RT_STEP_STAMP || rc == RETORT_ELOCK)
		return rc;
	const char *path = step_path(u, s);
	if (!strncmp(u->r->err.msg, path, strlen(path)))
		return rc;
	rt_err e = u->r->err;
	const char *hint = strstr(e.msg, "database is locked")
		? " (another connection held the database's write lock for longer than "
		  "lock_timeout)" : "";
	return rt_error(&u->r->err, rc, "%s: this step was not applied: %s%s", path, e.msg, hint);
}

static int run_step_sql(run *u, const rt_plan *p, size_t i, bool own_txn, bool *moved)
{
	const rt_step *s = &p->steps[i];
	const rt_section *sec = step_section(u, s);
	bool outside = sec && !sec->transactional;
	double t = rt_now();
	int rc = 0;
	*moved = false;

	step_banner(u, s, i, p->n, false, 0);
	if ((rc = cancelled(u, s, i, p->n, false)))
		return rc;
	if (!u->offline && u->r->dialect->batch_steps) {
		if ((rc = run_step_batched(u, s, own_txn, moved, t)) || *moved)
			return rc;
		goto done;
	}
	if (u->offline) {
		rt_buf b = RT_BUF_INIT;
		rt_buf_printf(&b, "-- Running %s %s -> %s\n\n",
			      s->kind == RT_STEP_UPGRADE ? "upgrade"
			      : s->kind == RT_STEP_DOWNGRADE ? "downgrade" : "stamp_revision",
			      s->from_desc, s->to_desc);
		rt_run_out_text(u, b.ptr);
		rt_buf_free(&b);
	}
	if (outside && !u->offline && ((rc = run_outside(u, s, sec, moved)) || *moved))
		return rc;
	if (outside && u->offline && (rc = exec_section(u, s, sec)))
		return rc;
	if (own_txn && (rc = rt_run_begin(u)))
		return rc;
	if (own_txn && !u->offline &&
	    ((rc = step_opening(u, false, true, !outside, moved)) || *moved)) {
		if (outside && *moved)
			rc = moved_under_section(u, s, sec, moved);
		goto fail;
	}
	if (!outside && (rc = exec_section(u, s, sec)))
		goto fail;
	if ((rc = cancelled(u, s, i, p->n, true)))
		goto fail;
	long ms = (long)((rt_now() - t) * 1000 + 0.5);
	if ((rc = write_ops(u, s, ms)))
		goto fail;
	if (!u->offline && (rc = read_back(u, s)))
		goto fail;
	if (own_txn && (rc = rt_run_commit(u)))
		goto fail;
done:
	rt_rows_apply(&u->expect, s);
	if (s->kind != RT_STEP_STAMP)
		u->last = u->r->graph.nodes[s->node].rf;
	step_banner(u, s, i, p->n, true, (long)((rt_now() - t) * 1000 + 0.5));
	return 0;
fail:
	if (own_txn)
		rt_run_rollback(u);
	return rc;
}

/* --- Planning and the run --------------------------------------------------- */

typedef enum run_kind { RUN_UPGRADE, RUN_DOWNGRADE, RUN_STAMP } run_kind;

/*
 * "stamp base" names no revision: every row goes, one DELETE each, as
 * Alembic writes it (rt_plan_stamp keeps rows when given no target).
 */
static int make_plan(run *u, run_kind k, const rt_state *st, rt_plan *p)
{
	const rt_graph *g = &u->r->graph;
	rt_err *err = &u->r->err;
	memset(p, 0, sizeof(*p));
	int rc;
	switch (k) {
	case RUN_UPGRADE:
		rc = rt_plan_upgrade(p, g, st, u->targets.v, u->targets.n, err);
		break;
	case RUN_DOWNGRADE:
		rc = rt_plan_downgrade(p, g, st, u->targets.v, u->targets.n, err);
		break;
	default:
		rc = rt_plan_stamp(p, g, st, &u->targets, u->purge, err);
		break;
	}
	if (rc)
		return rc;
	rt_strvec_free(&u->expect);
	for (size_t i = 0; i < p->rows_before.len; i++)
		rt_strvec_push(&u->expect, p->rows_before.v[i]);
	return 0;
}

/* With one transaction for the run, a transaction:false section cannot run. */
static int check_single_txn(run *u, const rt_plan *p)
{
	if (u->r->cfg.transaction_per_migration)
		return 0;
	for (size_t i = 0; i < p->n; i++) {
		const rt_section *sec = step_section(u, &p->steps[i]);
		if (sec && !sec->transactional)
			return rt_error(&u->r->err, RETORT_EUSAGE,
					"%s:%u: transaction:false cannot run with "
					"transaction_per_migration = false",
					u->r->graph.nodes[p->steps[i].node].rf->path,
					sec->line > 1 ? sec->line - 1 : sec->line);
	}
	return 0;
}

/* "a, b" for rows, or "<base>" when there are none. */
static void put_rows(rt_buf *b, const rt_strvec *rows)
{
	if (!rows->len)
		rt_buf_puts(b, "<base>");
	for (size_t i = 0; i < rows->len; i++)
		rt_buf_printf(b, "%s%s", i ? ", " : "", rows->v[i]);
}

/*
 * One transaction for the run failed at step `failed`: everything before it
 * went too.  Say so, and where the database still is.
 */
static int whole_run_rolled_back(run *u, const rt_plan *p, size_t failed, const rt_strvec *start)
{
	rt_buf b = RT_BUF_INIT;
	rt_buf_printf(&b, "%s; with transaction_per_migration = false the whole run was rolled back: ",
		      u->r->err.msg);
	if (failed == 0) {
		rt_buf_puts(&b, "no step before it had run");
	} else {
		rt_buf_printf(&b, "%zu step%s before it, ", failed, failed == 1 ? "" : "s");
		for (size_t i = 0; i < failed; i++) {
			const rt_step *s = &p->steps[i];
			const char *rev = s->kind == RT_STEP_STAMP
				? s->to_desc : u->r->graph.nodes[s->node].rf->id;
			rt_buf_printf(&b, "%s%s", i ? ", " : "", rev);
		}
	}
	rt_buf_puts(&b, "; the database is still at ");
	put_rows(&b, start);
	int rc = rt_error(&u->r->err, u->r->err.code, "%s", b.ptr);
	rt_buf_free(&b);
	return rc;
}

/* Execute a plan; *moved when another runner changed the rows first. */
static int run_plan(run *u, const rt_plan *p, bool *moved)
{
	bool per_step = u->r->cfg.transaction_per_migration;
	int rc = 0;
	size_t i = 0;
	*moved = false;
	if (!per_step) {
		if ((rc = rt_run_begin(u)))
			return rc;
		if (!u->offline && ((rc = step_opening(u, false, true, false, moved)) || *moved)) {
			rt_run_rollback(u);
			return rc;
		}
	}
	rt_strvec start = RT_STRVEC_INIT;
	for (size_t j = 0; j < u->expect.len; j++)
		rt_strvec_push(&start, u->expect.v[j]);
	for (i = 0; i < p->n && !rc && !*moved; i++)
		rc = run_step(u, p, i, per_step, moved);
	if (!per_step) {
		if (!rc && !*moved) {
			rc = rt_run_commit(u);
		} else {
			rt_run_rollback(u);
			if (rc && !u->offline)
				rc = whole_run_rolled_back(u, p, i - 1, &start);
		}
	}
	rt_strvec_free(&start);
	return rc;
}

/*
 * Take the run-wide lock, before the version table is read or created, for
 * the whole run: PostgreSQL's advisory lock, SQLite's lock file.  Its name
 * is "retort:" database ":" schema ":" version table, as the database named
 * them (rt_run_locate).  The time it took goes to the debug log, so that a
 * slow start can be explained.
 */
static int lock_run(run *u, bool *locked)
{
	retort *r = u->r;
	*locked = false;
	if (!r->conn->driver->lock)
		return 0;
	double t = rt_now();
	int rc = rt_db_lock(r, u->lockkey.ptr, r->cfg.lock_timeout);
	if (rc)
		return rc;
	rt_log(r, RETORT_LOG_DEBUG, "took the migration lock '%s' after %ld ms", u->lockkey.ptr,
	       (long)((rt_now() - t) * 1000 + 0.5));
	*locked = true;
	return 0;
}

/*
 * Release the run lock.  A failure changes nothing of the run (its steps
 * are committed, and the session's end frees the lock), and usually comes
 * with the error that ended it (a lost connection): nothing more to say.
 */
static int unlock_run(run *u, int rc)
{
	rt_err saved = u->r->err;
	rt_db_unlock(u->r, u->lockkey.ptr);
	u->r->err = saved;
	return rc;
}

/*
 * Read the rows into r->state.  A downgrade takes a row that no file has
 * from retort_log (its file is gone: a branch switched, a file deleted).
 */
static int read_state(run *u, bool reload)
{
	retort *r = u->r;
	int rc = rt_project_state(r, reload);
	if (rc != RETORT_ENOTFOUND || strcmp(u->what, "downgrade") || u->journal_revisions)
		return rc;
	rt_err_clear(&r->err);
	rc = rt_run_journal_revisions(u);
	return rc ? rc : rt_project_state(r, true);
}

typedef int (*resolve_fn)(rt_targets *out, const rt_graph *g, const rt_state *st,
			  const char *spec, rt_err *err);

static void append_ids(uint32_t **dst, size_t *n, const uint32_t *src, size_t k)
{
	if (!k)
		return;
	*dst = rt_xreallocarray(*dst, *n + k, sizeof(uint32_t));
	memcpy(*dst + *n, src, k * sizeof(uint32_t));
	*n += k;
}

static int resolve_specs(run *u, resolve_fn fn, const rt_state *st, const char *const *specs,
			 size_t n)
{
	for (size_t i = 0; i < n; i++) {
		rt_targets t = { 0 };
		int rc = fn(&t, &u->r->graph, st, specs[i], &u->r->err);
		if (rc)
			return rc;
		append_ids(&u->targets.v, &u->targets.n, t.v, t.n);
		append_ids(&u->targets.line, &u->targets.nline, t.line, t.nline);
		u->targets.base |= t.base;
		u->targets.line_all |= t.line_all;
		rt_targets_free(&t);
	}
	return 0;
}

/*
 * Resolve the targets before touching the database, so that a bad argument
 * changes nothing (not even creating the file); only arguments relative to
 * the current revision read the version table first, without writing.
 */
static int resolve_online(run *u, resolve_fn fn, const rt_state *purge_state,
			  const char *const *specs, size_t n)
{
	retort *r = u->r;
	int rc = resolve_specs(u, fn, purge_state, specs, n);
	if (rc != RETORT_ESTATE || purge_state)
		return rc;
	rt_targets_free(&u->targets);
	memset(&u->targets, 0, sizeof(u->targets));
	rt_err_clear(&r->err);
	rc = read_state(u, false);
	return rc ? rc : resolve_specs(u, fn, &r->state, specs, n);
}

/* The lint findings of what the plan runs, as warnings (lint.h). */
static int lint_plan(run *u, const rt_plan *p)
{
	const rt_graph *g = &u->r->graph;
	uint8_t *in = rt_xcalloc(g->n ? g->n : 1, 1);
	bool any = false;
	for (size_t i = 0; i < p->n; i++)
		if (p->steps[i].kind == RT_STEP_UPGRADE) {
			in[p->steps[i].node] = 1;
			any = true;
		}
	int rc = any ? rt_lint_before_upgrade(u->r, in) : 0;
	free(in);
	return rc;
}

static int run_online(run *u, run_kind k, resolve_fn fn, const char *const *specs, size_t n)
{
	retort *r = u->r;
	bool locked = false;
	rt_plan p = { 0 };
	rt_state empty = { 0 };
	/* stamp --purge works whatever the rows say, even unknown revisions */
	int rc = u->purge ? rt_state_init(&empty, &r->graph, NULL, 0, &r->err) : 0;
	const rt_state *st = u->purge ? &empty : &r->state;
	if (!rc)
		rc = resolve_online(u, fn, u->purge ? &empty : NULL, specs, n);
	if (!rc)
		rc = rt_project_connect(r);
	if (!rc)
		rc = rt_run_locate(u);
	if (!rc)
		rc = lock_run(u, &locked);
	/* a plan that cannot run fails before the tables are created */
	if (!rc && !u->purge)
		rc = read_state(u, true);
	if (!rc && k == RUN_UPGRADE)
		rc = rt_run_validate(u);
	if (!rc && !(rc = make_plan(u, k, st, &p)) && !(rc = check_single_txn(u, &p)))
		rc = refuse_txn_statements(u, &p);
	if (!rc && k == RUN_UPGRADE)
		rc = lint_plan(u, &p);
	if (!rc)
		rc = rt_run_ensure_tables(u, true);
	for (int tries = 0; !rc && tries < MAX_REPLANS; tries++) {
		bool moved = false;
		rt_plan_free(&p);
		if (!u->purge && (rc = read_state(u, true)))
			break;
		if ((rc = make_plan(u, k, st, &p)) || (rc = check_single_txn(u, &p)) ||
		    (rc = refuse_txn_statements(u, &p)))
			break;
		rc = run_plan(u, &p, &moved);
		if (rc || !moved)
			break;
		rt_log(r, RETORT_LOG_DEBUG, "the version table changed under us; planning again");
	}
	rt_plan_free(&p);
	if (u->purge)
		rt_state_free(&empty);
	if (locked)
		rc = unlock_run(u, rc);
	return rc;
}

/* --- Offline ------------------------------------------------------------------ */

/*
 * Split "A:B"; without a colon the whole spec is the end and the start is
 * NULL.  The parts are written into the caller's buffers.
 */
static bool split_range(const char *spec, rt_buf *start, rt_buf *end)
{
	const char *colon = strchr(spec, ':');
	if (!colon) {
		rt_buf_puts(end, spec);
		return false;
	}
	rt_buf_put(start, spec, (size_t)(colon - spec));
	rt_buf_puts(end, colon + 1);
	return true;
}

/* The start state for offline output: the start revision(s) as the rows. */
static int offline_state(run *u, const char *start, rt_state *st, bool *from_base)
{
	retort *r = u->r;
	rt_strvec rows = RT_STRVEC_INIT;
	rt_targets t = { 0 };
	int rc = 0;
	*from_base = !start || !*start || !strcmp(start, "base");
	if (!*from_base) {
		rc = rt_resolve(&t, &r->graph, NULL, start, &r->err);
		for (size_t i = 0; !rc && i < t.n; i++)
			rt_strvec_push(&rows, r->graph.nodes[t.v[i]].rf->id);
	}
	memset(st, 0, sizeof(*st));
	if (!rc)
		rc = rt_state_init(st, &r->graph, rows.v, rows.len, &r->err);
	rt_targets_free(&t);
	rt_strvec_free(&rows);
	return rc;
}

static int run_offline(run *u, run_kind k, resolve_fn fn, const char *const *specs, size_t n)
{
	retort *r = u->r;
	rt_buf start = RT_BUF_INIT, end = RT_BUF_INIT;
	rt_strvec ends = RT_STRVEC_INIT;
	rt_state st = { 0 };
	rt_plan p = { 0 };
	bool has_start = false, from_base = true, have_state = false;
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		rt_buf s = RT_BUF_INIT;
		rt_buf_clear(&end);
		bool ranged = split_range(specs[i], &s, &end);
		if (ranged && has_start && strcmp(s.ptr, start.ptr))
			rc = rt_error(&r->err, RETORT_EUSAGE,
				      "stamp with --sql needs one start revision for every range");
		if (ranged && !has_start) {
			rt_buf_puts(&start, s.ptr);
			has_start = true;
		}
		rt_buf_free(&s);
		rt_strvec_push(&ends, end.ptr);
	}
	if (!rc && k == RUN_DOWNGRADE && !has_start)
		rc = rt_error(&r->err, RETORT_EUSAGE,
			      "downgrade with --sql requires <fromrev>:<torev>");
	if (!rc)
		rc = offline_state(u, has_start ? start.ptr : NULL, &st, &from_base);
	have_state = !rc;
	if (!rc)
		rc = resolve_specs(u, fn, &st, (const char *const *)ends.v, ends.len);
	if (!rc)
		rc = make_plan(u, k, &st, &p);
	if (!rc)
		rc = check_single_txn(u, &p);
	if (!rc)
		rc = refuse_txn_statements(u, &p);
	if (rc)
		goto done;
	if (from_base)
		rt_run_ensure_tables(u, true);
	else
		rt_run_offline_log_table(u);
	rc = run_plan(u, &p, &(bool){ false });
	if (!rc && p.n && !p.rows_after.len)
		rt_run_offline_drop_version_table(u);
done:
	rt_plan_free(&p);
	if (have_state)
		rt_state_free(&st);
	rt_strvec_free(&ends);
	rt_buf_free(&start);
	rt_buf_free(&end);
	return rc;
}

static int run_command(retort *r, const retort_run_options *o, run_kind k, resolve_fn fn,
		       const char *const *specs, size_t n)
{
	static const char *const names[] = { "upgrade", "downgrade", "stamp" };
	run u;
	int rc = run_init(&u, r, o, names[k], true);
	if (!rc && !u.offline && k != RUN_STAMP && strchr(specs[0], ':'))
		rc = rt_error(&r->err, RETORT_EUSAGE,
			      "range revision not allowed: '%s' (a range needs --sql)", specs[0]);
	if (!rc)
		rc = u.offline ? run_offline(&u, k, fn, specs, n) : run_online(&u, k, fn, specs, n);
	run_free(&u);
	return rc;
}

/* --- The public functions ------------------------------------------------------ */

int retort_upgrade(retort *r, const char *target, const retort_run_options *o)
{
	const char *spec = target && *target ? target : "heads";
	return run_command(r, o, RUN_UPGRADE, rt_resolve, &spec, 1);
}

int retort_downgrade(retort *r, const char *target, const retort_run_options *o)
{
	if (!target || !*target)
		return rt_error(&r->err, RETORT_EUSAGE, "downgrade needs a target revision");
	return run_command(r, o, RUN_DOWNGRADE, rt_resolve_downgrade, &target, 1);
}

int retort_stamp(retort *r, const char *const *targets, size_t n, const retort_run_options *o)
{
	if (!n)
		return rt_error(&r->err, RETORT_EUSAGE, "stamp needs at least one revision");
	return run_command(r, o, RUN_STAMP, rt_resolve_stamp, targets, n);
}

int retort_ensure_version(retort *r, const retort_run_options *o)
{
	run u;
	bool locked = false;
	int rc = run_init(&u, r, o, "ensure_version", false);
	if (!rc && !u.offline && !(rc = rt_project_connect(r)) && !(rc = rt_run_locate(&u)))
		rc = lock_run(&u, &locked);
	if (!rc)
		rc = rt_run_ensure_tables(&u, true);
	if (locked)
		rc = unlock_run(&u, rc);
	run_free(&u);
	return rc;
}

int retort_validate(retort *r, retort_validation **out)
{
	*out = NULL;
	run u;
	int rc = run_init(&u, r, NULL, "validate", true);
	r->writing = false; /* it only reads */
	if (!rc)
		rc = rt_project_connect(r);
	if (!rc)
		rc = rt_run_locate(&u);
	if (!rc)
		rc = rt_run_validation(&u, out);
	run_free(&u);
	return rc;
}

int retort_validate_accept(retort *r, const char *rev, const char *reason)
{
	run u;
	retort_run_options o = RETORT_RUN_OPTIONS_INIT;
	o.tag = reason; /* the journal row keeps why, and applied_by who */
	int rc = run_init(&u, r, &o, "accept", true);
	if (!rc)
		rc = rt_project_connect(r);
	if (!rc)
		rc = rt_run_locate(&u);
	if (!rc)
		rc = rt_run_accept(&u, rev, reason);
	run_free(&u);
	return rc;
}
