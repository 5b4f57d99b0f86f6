/*
 * step.c: the step protocol, in one place.
 *
 * Every step of a run, online or offline, on any database, walks the same
 * transitions in the same order:
 *
 *   open      BEGIN, and the version table's lock where the database has
 *             one to take (the backend's begin_sql and lock_table_mode)
 *   guard     the version table holds the rows the plan was made from, and
 *             this session still holds the run lock; else nothing of the
 *             step runs (*moved: the runner plans again)
 *   body      the section's SQL
 *   cancel    the progress callback's second call, and retort_interrupt()
 *   book      the version table's changes and the retort_log row
 *   check     the version table holds exactly the rows the plan expects
 *             after the step; else the step is rolled back
 *   commit    COMMIT (or ROLLBACK on any failure before it)
 *
 * What a transition sends is the backend's text; how it is sent is one of
 * three sinks:
 *
 *   offline   each transition printed as the script's text (--sql);
 *   direct    each sent as it comes, the guard and check as a query read
 *             back by the core (SQLite: in process, no round trip to save);
 *   batched   all of them gathered into one message, the guard and check
 *             written by the backend as statements that fail with their
 *             own SQLSTATE (guard_sql), and sent once at the commit: one
 *             round trip a step (PostgreSQL).  The server runs a message's
 *             statements in order and stops at the first error, so nothing
 *             of a step that fails anywhere is committed.
 *
 * A transaction:false section runs before its step's transaction, outside
 * any: guarded first, statement by statement, then checked for what it left
 * unusable (an INVALID index); the step's transaction then only books it.
 */
#include "runner.h"
#include "util/clock.h"
#include "util/xalloc.h"

#include <stdatomic.h>
#include <string.h>

/* The SQLSTATEs of a backend's guard_sql (backends/backend.h). */
#define GUARD_MOVED "RTMOV"
#define GUARD_LOCK "RTLCK"
#define GUARD_ROWS "RTROW"
/* query_canceled: what a statement cancelled by retort_interrupt() fails with */
#define SQLSTATE_CANCELED "57014"

const rt_section *rt_step_section(run *u, const rt_step *s)
{
	if (s->kind == RT_STEP_STAMP)
		return NULL;
	const rt_revfile *rf = u->r->graph.nodes[s->node].rf;
	return s->kind == RT_STEP_UPGRADE ? &rf->upgrade : &rf->downgrade;
}

/* Only blanks and comments, by the backend's lexer. */
static bool blank_sql(run *u, const char *s)
{
	return rt_backend_blank(u->r->backend, s);
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

static const char *step_rev(run *u, const rt_step *s)
{
	return s->kind == RT_STEP_STAMP ? s->to_desc : u->r->graph.nodes[s->node].rf->id;
}

static const char *kind_name(const rt_step *s)
{
	return s->kind == RT_STEP_UPGRADE     ? "upgrade"
	       : s->kind == RT_STEP_DOWNGRADE ? "downgrade"
					      : "stamp_revision";
}

/* Rewrite r->err as "<path>:<line>: <database message>", with its place. */
static int statement_failed(run *u, const rt_step *s, const rt_section *sec, long offset)
{
	rt_err db = u->r->err;
	int rc = rt_error_at(&u->r->err, RETORT_EDB, step_path(u, s), section_line(sec, offset),
			     "%s", db.msg);
	rt_err_keep_db(&u->r->err, &db);
	return rc;
}

/* --- The interrupt ------------------------------------------------------------ */

static bool interrupt_seen(run *u)
{
	return atomic_load(&u->r->interrupted) != 0;
}

/*
 * The run's progress callback (which may cancel), and retort_interrupt():
 * stop before step i starts, or (ran) before its commit, which rolls it
 * back; the steps before it stay.
 */
static int cancelled(run *u, const rt_plan *p, size_t i, bool ran)
{
	retort *r = u->r;
	if (u->o->progress && !u->offline) {
		retort_progress pr = { i + 1, p->n, step_rev(u, &p->steps[i]), rt_now() - u->t0 };
		if (u->o->progress(u->o->progress_data, &pr))
			atomic_store(&r->interrupted, 1);
	}
	if (!interrupt_seen(u))
		return 0;
	return rt_step_interrupted(u, p, i, ran);
}

/*
 * "interrupted in step 3 of 5 (c3), which was rolled back; the 2 steps
 * before it stay applied (a1, b2)": what the run did and did not do.  A
 * transaction:false section cannot be rolled back: what of it ran, stays.
 */
int rt_step_interrupted(run *u, const rt_plan *p, size_t i, bool ran)
{
	const rt_step *s = &p->steps[i];
	const rt_section *sec = rt_step_section(u, s);
	bool outside = sec && !sec->transactional;
	rt_buf done = RT_BUF_INIT;
	for (size_t k = 0; k < i && k < 5; k++)
		rt_buf_printf(&done, "%s%s", k ? ", " : " (", step_rev(u, &p->steps[k]));
	if (i)
		rt_buf_puts(&done, i > 5 ? ", ...)" : ")");
	int rc = rt_error(&u->r->err, RETORT_EINTERRUPTED,
			  "interrupted %s step %zu of %zu (%s)%s; the %zu step%s before it "
			  "stay%s applied%s",
			  ran ? "in" : "before", i + 1, p->n, step_rev(u, s),
			  !ran ? ""
			  : outside ? ", whose transaction:false statements that ran stay applied "
				      "and which is not recorded as done"
				    : ", which was rolled back",
			  i, i == 1 ? "" : "s", i == 1 ? "s" : "", done.ptr ? done.ptr : "");
	if (s->kind != RT_STEP_STAMP)
		rt_err_set_revision(&u->r->err, step_rev(u, s));
	rt_buf_free(&done);
	return rc;
}

/* --- The sinks ------------------------------------------------------------------ */

typedef struct step_tx {
	run *u;
	const rt_step *s;
	const rt_section *sec;
	bool batch;        /* gathered into msg, sent at the commit */
	rt_buf msg;
	long sec_start;    /* the section's bytes in msg, or -1 */
	long sec_end;
	bool open;         /* a transaction was begun (direct) */
} step_tx;

static void tx_init(step_tx *t, run *u, const rt_step *s, const rt_section *sec)
{
	memset(t, 0, sizeof(*t));
	t->u = u;
	t->s = s;
	t->sec = sec;
	t->batch = !u->offline && u->r->backend->guard_sql != NULL;
	t->sec_start = t->sec_end = -1;
	rt_buf_init(&t->msg);
}

static void tx_free(step_tx *t)
{
	rt_buf_free(&t->msg);
}

/* A statement of the core's own: gathered, sent, or printed. */
static int tx_stmt(step_tx *t, const char *sql)
{
	if (!t->batch)
		return rt_run_send(t->u, sql);
	rt_run_debug_sql(t->u, sql);
	rt_buf_puts(&t->msg, sql);
	rt_buf_puts(&t->msg, ";\n");
	return 0;
}

/* open: BEGIN (with begin) and the version table's lock (with lock). */
static int tx_open(step_tx *t, bool begin, bool lock)
{
	run *u = t->u;
	const rt_backend *d = u->r->backend;
	if (begin && !t->batch) {
		int rc = rt_run_begin(u);
		t->open = rc == 0 && !u->offline;
		if (rc)
			return rc;
	} else if (begin) {
		rt_log(u->r, RETORT_LOG_DEBUG, "BEGIN");
		rt_buf_printf(&t->msg, "%s\n", d->begin_sql);
	}
	if (lock && d->lock_table_sql && !u->offline && t->batch) {
		rt_buf stmt = RT_BUF_INIT;
		d->lock_table_sql(&stmt, u->table.ptr);
		tx_stmt(t, stmt.ptr);
		rt_buf_free(&stmt);
	}
	return 0;
}

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

static int lock_lost(run *u)
{
	return rt_error(&u->r->err, RETORT_ELOCK,
			"%s: the run lock was released while this step ran (by a statement "
			"such as pg_advisory_unlock_all() or DISCARD ALL); its work is "
			"committed, and the run stops here so that no other runner's "
			"steps overlap with the next ones",
			u->last ? u->last->path : "before the first step");
}

/* The check failed: the table holds got (as text), not want. */
static int rows_differ(run *u, const rt_step *s, const char *got, const rt_strvec *want)
{
	rt_buf exp = RT_BUF_INIT;
	for (size_t i = 0; i < want->len; i++)
		rt_buf_printf(&exp, "%s%s", i ? ", " : "", want->v[i]);
	int rc = rt_error(&u->r->err, RETORT_ESTATE,
			  "%s: after this step the version table holds (%s), not (%s): another "
			  "runner or the step itself moved it; the step was rolled back",
			  s->kind == RT_STEP_STAMP ? "stamp" : step_path(u, s), got, exp.ptr);
	if (s->kind != RT_STEP_STAMP)
		rt_err_set_revision(&u->r->err, step_rev(u, s));
	rt_buf_free(&exp);
	return rc;
}

/* The rows the plan expects after step s. */
static void rows_after(run *u, const rt_step *s, rt_strvec *want)
{
	for (size_t i = 0; i < u->expect.len; i++)
		rt_strvec_push(want, u->expect.v[i]);
	rt_rows_apply(want, s);
}

/*
 * guard (after: false) or check (after: true).  Direct: read the rows now
 * (with the lock's query, check_lock) and compare; batched: the backend's
 * statement, judged when the message comes back.
 */
static int tx_guard(step_tx *t, bool after, bool check_lock, bool *moved)
{
	run *u = t->u;
	retort *r = u->r;
	const rt_backend *d = r->backend;
	*moved = false;
	if (u->offline || (u->purge && !check_lock))
		return 0;
	bool lock = check_lock && d->lock_held_sql && u->lockkey.len;
	rt_strvec want = RT_STRVEC_INIT;
	if (after)
		rows_after(u, t->s, &want);
	const rt_strvec *rows = u->purge ? NULL : after ? &want : &u->expect;
	if (t->batch) {
		rt_buf g = RT_BUF_INIT;
		d->guard_sql(&g, u->table.ptr, rows, lock ? u->lockkey.ptr : NULL,
			     after ? GUARD_ROWS : GUARD_MOVED, GUARD_LOCK);
		tx_stmt(t, g.ptr);
		rt_buf_free(&g);
		rt_strvec_free(&want);
		return 0;
	}
	opening o = { RT_STRVEC_INIT, -1 };
	rt_buf sql = RT_BUF_INIT;
	if (!after && t->open && d->lock_table_sql) {
		d->lock_table_sql(&sql, u->table.ptr);
		rt_buf_puts(&sql, "; ");
	}
	rt_run_sql_rows(u, &sql);
	if (lock) {
		rt_buf_puts(&sql, "; ");
		d->lock_held_sql(&sql, u->lockkey.ptr);
	}
	int rc = rt_db_query(r, sql.ptr, collect_opening, &o);
	if (!rc && o.lock == 0)
		rc = lock_lost(u);
	if (!rc && rows && !rt_rows_equal(&o.rows, rows)) {
		if (after) {
			rt_buf got = RT_BUF_INIT;
			for (size_t i = 0; i < o.rows.len; i++)
				rt_buf_printf(&got, "%s%s", i ? ", " : "", o.rows.v[i]);
			rc = rows_differ(u, t->s, got.ptr, rows);
			rt_buf_free(&got);
		} else {
			*moved = true;
		}
	}
	rt_strvec_free(&o.rows);
	rt_strvec_free(&want);
	rt_buf_free(&sql);
	return rc;
}

/* Run a section's SQL now (direct, offline); on failure r->err names the file and line. */
typedef struct split_ctx {
	run *u;
	const rt_step *s;
	const rt_section *sec;
	int rc;
} split_ctx;

static int exec_piece(void *data, size_t off, size_t len)
{
	split_ctx *c = data;
	if (interrupt_seen(c->u)) { /* between statements: stop before the next */
		c->rc = rt_error(&c->u->r->err, RETORT_EINTERRUPTED, "interrupted");
		return 1;
	}
	char *stmt = rt_xstrndup(c->sec->sql + off, len);
	retort_dberror e;
	rt_run_debug_sql(c->u, stmt);
	int rc = rt_db_exec(c->u->r, stmt, &e);
	free(stmt);
	if (rc)
		c->rc = statement_failed(c->u, c->s, c->sec,
					 (long)off + (e.offset > 0 ? e.offset : 0));
	return rc;
}

static int exec_section(run *u, const rt_step *s, const rt_section *sec)
{
	if (!sec || blank_sql(u, sec->sql))
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
	retort_dberror e;
	if (!sec->transactional && u->r->backend->driver->split) {
		split_ctx c = { u, s, sec, 0 };
		int rc = rt_db_split(u->r, sec->sql, exec_piece, &c, &e);
		if (c.rc)
			return c.rc;
		if (rc)
			return rt_error_at(&u->r->err, RETORT_EDB, step_path(u, s), sec->line,
					   "%s",
					   e.message);
		return 0;
	}
	rt_run_debug_sql(u, sec->sql);
	if (rt_db_exec(u->r, sec->sql, &e))
		return statement_failed(u, s, sec, e.offset);
	return 0;
}

/* body: the section, in the step's transaction. */
static int tx_body(step_tx *t)
{
	const rt_section *sec = t->sec;
	if (!t->batch)
		return exec_section(t->u, t->s, sec);
	if (!sec || blank_sql(t->u, sec->sql))
		return 0;
	rt_run_debug_sql(t->u, sec->sql);
	t->sec_start = (long)t->msg.len;
	rt_buf_puts(&t->msg, sec->sql);
	t->sec_end = (long)t->msg.len;
	rt_buf_puts(&t->msg, "\n;\n");
	return 0;
}

/* book: the version table's changes and the retort_log rows. */
static int tx_book(step_tx *t, long ms)
{
	run *u = t->u;
	const rt_step *s = t->s;
	/* a section sent in the same message is timed there, by the server */
	const char *ms_sql = t->sec_start >= 0 ? u->r->backend->elapsed_ms_sql : NULL;
	rt_buf sql = RT_BUF_INIT;
	int rc = 0;
	if (s->kind == RT_STEP_STAMP && u->purge && !u->purged) {
		rt_buf_printf(&sql, "DELETE FROM %s", u->table.ptr);
		rc = tx_stmt(t, sql.ptr);
		u->purged = true;
	}
	for (uint32_t i = 0; i < s->nops && !rc; i++) {
		rt_buf_clear(&sql);
		rt_run_sql_row_op(u, &sql, &s->ops[i]);
		rc = tx_stmt(t, sql.ptr);
	}
	if (s->kind == RT_STEP_STAMP) {
		for (uint32_t i = 0; i < s->nops && !rc; i++) {
			const rt_row_op *op = &s->ops[i];
			log_entry e = { op->to ? op->to : op->from, "stamp", NULL, NULL, ms, ms_sql, NULL };
			rt_buf_clear(&sql);
			rt_run_sql_log_insert(u, &sql, &e);
			rc = tx_stmt(t, sql.ptr);
		}
	} else if (!rc) {
		const rt_revfile *rf = u->r->graph.nodes[s->node].rf;
		bool up = s->kind == RT_STEP_UPGRADE;
		/* the journal row of its statements outside a transaction ends with it */
		if (!t->sec->transactional && !u->offline && u->r->backend->driver->split) {
			rt_buf_clear(&sql);
			rt_journal_finish_sql(u, &sql, rf->id);
			rc = tx_stmt(t, sql.ptr);
		}
		char *sum = rt_section_checksum(t->sec->sql);
		char *hdr = up && !u->offline ? rt_run_file_header(rf) : NULL;
		log_entry e = { rf->id, up ? "upgrade" : "downgrade", sum,
				up ? rf->downgrade.sql : NULL, ms, ms_sql, hdr };
		rt_buf_clear(&sql);
		rt_run_sql_log_insert(u, &sql, &e);
		if (!rc)
			rc = tx_stmt(t, sql.ptr);
		free(sum);
		free(hdr);
	}
	rt_buf_free(&sql);
	return rc;
}

/*
 * A batched message failed: say where.  The guard's and the check's own
 * SQLSTATEs mean the rows moved (nothing ran: *moved), the run lock went,
 * or the step left the rows wrong; a cancelled statement is the
 * interrupt; a statement of the section names its file and line; anything
 * else is the core's own statements (run_step names the file).
 */
static int batch_failed(step_tx *t, const retort_dberror *e, bool *moved)
{
	run *u = t->u;
	if (!strcmp(e->sqlstate, GUARD_MOVED)) {
		rt_err_clear(&u->r->err);
		*moved = true;
		return 0;
	}
	if (!strcmp(e->sqlstate, GUARD_LOCK))
		return lock_lost(u);
	if (!strcmp(e->sqlstate, GUARD_ROWS)) {
		rt_strvec want = RT_STRVEC_INIT;
		rows_after(u, t->s, &want);
		int rc = rows_differ(u, t->s, e->detail[0] ? e->detail : "<base>", &want);
		rt_strvec_free(&want);
		return rc;
	}
	if (!strcmp(e->sqlstate, SQLSTATE_CANCELED) && interrupt_seen(u))
		return rt_error(&u->r->err, RETORT_EINTERRUPTED, "interrupted");
	if (t->sec_start >= 0 && e->offset >= t->sec_start && e->offset < t->sec_end)
		return statement_failed(u, t->s, t->sec, e->offset - t->sec_start);
	return u->r->err.code ? u->r->err.code : RETORT_EDB;
}

/* commit (own: the step's own transaction; else the run's goes on). */
static int tx_commit(step_tx *t, bool own, bool *moved)
{
	run *u = t->u;
	*moved = false;
	if (!t->batch)
		return own ? rt_run_commit(u) : 0;
	if (own) {
		rt_log(u->r, RETORT_LOG_DEBUG, "COMMIT");
		rt_buf_printf(&t->msg, "%s\n", u->r->backend->commit_sql);
	}
	if (!t->msg.len)
		return 0;
	if (interrupt_seen(u))
		return rt_error(&u->r->err, RETORT_EINTERRUPTED, "interrupted");
	retort_dberror e;
	int rc = rt_db_exec(u->r, t->msg.ptr, &e);
	return rc ? batch_failed(t, &e, moved) : 0;
}

/* Undo what a failed step began (the batched message's own transaction too). */
static void tx_abort(step_tx *t, bool own)
{
	if (!t->u->offline && own && (t->open || t->batch))
		rt_run_rollback(t->u);
}

/* --- Refusing what cannot run -------------------------------------------------- */

/* Past blanks and comments by the backend's lexer; the next word, lower-cased, into w. */
static const char *next_word(const rt_backend *be, const char *p, char *w, size_t cap)
{
	p += rt_backend_skip(be, p, 0, strlen(p));
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
static bool ends_transaction(const rt_backend *be, const char *stmt, char *first, size_t cap)
{
	char w[32];
	const char *p = next_word(be, stmt, first, cap);
	if (!strcmp(first, "begin") || !strcmp(first, "end"))
		return true;
	if (!strcmp(first, "start") || !strcmp(first, "prepare")) {
		next_word(be, p, w, sizeof(w));
		return !strcmp(w, "transaction");
	}
	if (!strcmp(first, "commit") || !strcmp(first, "rollback") || !strcmp(first, "abort")) {
		p = next_word(be, p, w, sizeof(w));
		if (!strcmp(w, "work") || !strcmp(w, "transaction"))
			next_word(be, p, w, sizeof(w));
		return strcmp(w, "to") != 0 && strcmp(w, "prepared") != 0;
	}
	return false;
}

typedef struct txn_scan {
	const rt_backend *be;
	const char *sql;
	long found;        /* offset of the first such statement, or -1 */
	char word[16];
} txn_scan;

static int scan_piece(void *data, size_t off, size_t len)
{
	txn_scan *t = data;
	char *stmt = rt_xstrndup(t->sql + off, len);
	bool hit = ends_transaction(t->be, stmt, t->word, sizeof(t->word));
	free(stmt);
	if (hit)
		t->found = (long)off;
	return hit;
}

/* A step whose revision is an Alembic module without a .sql twin. */
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

/*
 * Refuse, before anything runs, a transactional section holding a
 * statement that would end the step's transaction: the step would no
 * longer be all or nothing.  The statements are the database's own split
 * (libpg_query for PostgreSQL, sqlite3_complete for SQLite).
 */
int rt_step_refuse(run *u, const rt_plan *p)
{
	int rc = refuse_python_steps(u, p);
	if (rc)
		return rc;
	if (!u->r->backend->driver || !u->r->backend->driver->split)
		return 0;
	for (size_t i = 0; i < p->n; i++) {
		const rt_step *s = &p->steps[i];
		const rt_section *sec = rt_step_section(u, s);
		if (!sec || !sec->transactional || blank_sql(u, sec->sql))
			continue;
		txn_scan t = { u->r->backend, sec->sql, -1, "" };
		retort_dberror e;
		/* a script the splitter cannot read (an open quote) fails here */
		if (rt_db_split(u->r, sec->sql, scan_piece, &t, &e))
			return rt_error_at(&u->r->err, RETORT_EDB, step_path(u, s),
					   section_line(sec, e.position > 0 ? e.position - 1 : 0),
					   "%s", e.message);
		if (t.found < 0)
			continue;
		for (char *c = t.word; *c; c++)
			*c = (char)(*c - 'a' + 'A');
		return rt_error_at(&u->r->err, RETORT_EPARSE, step_path(u, s),
				   section_line(sec, t.found),
				   "%s would end the step's own transaction (retort runs each "
				   "step in one); remove it, or put it in a section marked "
				   "`-- migrate:%s transaction:false`",
				   t.word, s->kind == RT_STEP_UPGRADE ? "upgrade" : "downgrade");
	}
	return 0;
}

/* --- A step --------------------------------------------------------------------- */

static void step_banner(run *u, const rt_step *s, size_t i, size_t total, bool done, long ms)
{
	retort *r = u->r;
	const char *kind = kind_name(s);
	const char *msg = s->kind == RT_STEP_STAMP ? NULL : r->graph.nodes[s->node].rf->message;
	const char *rev = step_rev(u, s);
	if (!done) {
		if (r->log) {
			retort_progress p = { i + 1, total, rev, rt_now() - u->t0 };
			rt_buf b = RT_BUF_INIT;
			rt_buf_printf(&b, "%s %s", kind, rev);
			r->log(r->log_data, RETORT_LOG_PROGRESS, b.ptr, &p);
			rt_buf_free(&b);
		}
		if (u->offline) {
			rt_buf b = RT_BUF_INIT;
			rt_buf_printf(&b, "-- Running %s %s -> %s\n\n", kind, s->from_desc,
				      s->to_desc);
			rt_run_out_text(u, b.ptr);
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
 * A transaction:false section, before its step's transaction: guarded
 * (outside any transaction), run statement by statement, then checked for
 * what it left unusable (an INVALID index) before anything records it.
 */
static int run_outside(run *u, const rt_step *s, const rt_section *sec, bool *moved)
{
	step_tx g;
	tx_init(&g, u, s, sec);
	int rc = tx_guard(&g, false, true, moved);
	if (!rc && g.batch)
		rc = tx_commit(&g, false, moved);
	tx_free(&g);
	if (rc || *moved)
		return rc;
	if (u->offline)
		return exec_section(u, s, sec);
	/* statement by statement, each journaled and checked (journal.c) */
	if (u->r->backend->driver->split)
		return rt_journal_run(u, s, sec, u->resume);
	if ((rc = exec_section(u, s, sec)))
		return rc;
	if ((rc = rt_db_check_outside(u->r, sec->sql))) {
		rt_err db = u->r->err;
		rc = rt_error_at(&u->r->err, RETORT_EDB, step_path(u, s), sec->line,
				 "%s", db.msg);
	}
	return rc;
}

/*
 * The bookkeeping transaction of a transaction:false section found the
 * version table changed: someone that does not take our lock (another
 * tool, a hand edit) wrote it meanwhile.  Re-planning cannot undo what the
 * section did, so stop and say so.
 */
static int moved_under_section(run *u, const rt_step *s, const rt_section *sec, bool *moved)
{
	*moved = false;
	return rt_error_at(&u->r->err, RETORT_ESTATE, step_path(u, s), sec->line,
			   "the version table changed while this transaction:false section "
			   "ran; its statements are applied, the version table was not moved "
			   "(check the database, then run `retort stamp`)");
}

/* The transitions of step i, through one sink. */
static int walk(run *u, const rt_plan *p, size_t i, bool own, bool *moved)
{
	const rt_step *s = &p->steps[i];
	const rt_section *sec = rt_step_section(u, s);
	bool outside = sec && !sec->transactional;
	double t0 = rt_now();
	step_tx t;
	int rc;

	if (outside && ((rc = run_outside(u, s, sec, moved)) || *moved))
		return rc && interrupt_seen(u) ? rt_step_interrupted(u, p, i, true) : rc;
	tx_init(&t, u, s, sec);
	/* the section ran: its own release of the lock is caught at the next step */
	if (!(rc = tx_open(&t, own, own)) && own)
		rc = tx_guard(&t, false, !outside, moved);
	if (!rc && !*moved && !outside)
		rc = tx_body(&t);
	if (!rc && !*moved)
		rc = cancelled(u, p, i, true);
	if (!rc && !*moved)
		rc = tx_book(&t, (long)((rt_now() - t0) * 1000 + 0.5));
	bool unused; /* the check fails the step; it never asks to plan again */
	if (!rc && !*moved)
		rc = tx_guard(&t, true, false, &unused);
	if (!rc && !*moved)
		rc = tx_commit(&t, own, moved);
	if (rc || *moved)
		tx_abort(&t, own);
	tx_free(&t);
	if (!rc && *moved && outside)
		rc = moved_under_section(u, s, sec, moved);
	/* a statement the interrupt cancelled failed: that is the interrupt */
	if (rc && rc != RETORT_ELOCK && interrupt_seen(u))
		rc = rt_step_interrupted(u, p, i, true);
	return rc;
}

/*
 * Run step i of the plan.  own: the step is its own transaction (else the
 * caller holds one around the whole run).  *moved: the version table no
 * longer holds what the plan expects; nothing was done.  A failure names
 * the step's file, wherever it happened (beginning, its bookkeeping, the
 * COMMIT: a disk found full there, a lock not had in time).
 */
int rt_step_run(run *u, const rt_plan *p, size_t i, bool own, bool *moved)
{
	const rt_step *s = &p->steps[i];
	double t = rt_now();
	*moved = false;
	step_banner(u, s, i, p->n, false, 0);
	int rc = cancelled(u, p, i, false);
	if (!rc)
		rc = walk(u, p, i, own, moved);
	if (!rc && !*moved) {
		rt_rows_apply(&u->expect, s);
		if (s->kind != RT_STEP_STAMP)
			u->last = u->r->graph.nodes[s->node].rf;
		step_banner(u, s, i, p->n, true, (long)((rt_now() - t) * 1000 + 0.5));
		return 0;
	}
	if (!rc || s->kind == RT_STEP_STAMP || rc == RETORT_ELOCK || rc == RETORT_EINTERRUPTED)
		return rc;
	const char *path = step_path(u, s);
	rt_err_set_revision(&u->r->err, step_rev(u, s));
	if (!strncmp(u->r->err.msg, path, strlen(path)))
		return rc;
	rt_err e = u->r->err;
	const char *hint = strstr(e.msg, "database is locked")
		? " (another connection held the database's write lock for longer than "
		  "lock_timeout)" : "";
	rc = rt_error_at(&u->r->err, rc, path, 0,
			 "this step was not applied: %s%s", e.msg, hint);
	rt_err_keep_db(&u->r->err, &e);
	rt_err_set_revision(&u->r->err, step_rev(u, s));
	return rc;
}

/*
 * With transaction_per_migration = false: the run's one transaction, its
 * lock and guard, before the first step (no lock check: the run took it
 * a moment ago).
 */
int rt_step_open_run(run *u, bool *moved)
{
	step_tx t;
	*moved = false;
	tx_init(&t, u, NULL, NULL);
	int rc = tx_open(&t, true, true);
	if (!rc)
		rc = tx_guard(&t, false, false, moved);
	if (!rc && t.batch && t.msg.len) {
		retort_dberror e;
		if (rt_db_exec(u->r, t.msg.ptr, &e))
			rc = batch_failed(&t, &e, moved);
	}
	if (rc || *moved)
		tx_abort(&t, true);
	tx_free(&t);
	return rc;
}
