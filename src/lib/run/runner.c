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

#include <stddef.h>
#include <string.h>

#define MAX_REPLANS 10000 /* another runner moving rows forever is a bug */

/* The size of a caller's retort_run_options of each version. */
static size_t run_options_size(unsigned version)
{
	return version < 2 ? offsetof(retort_run_options, lock_timeout)
			   : sizeof(retort_run_options);
}

static int run_init(run *u, retort *r, const retort_run_options *o, const char *what,
		    bool need_graph)
{
	memset(u, 0, sizeof(*u));
	u->r = r;
	retort_run_options_init(&u->opts, RETORT_RUN_OPTIONS_VERSION);
	/* an older caller's struct is smaller: its newer fields keep their defaults */
	if (o && o->version >= 1 && o->version <= RETORT_RUN_OPTIONS_VERSION)
		memcpy(&u->opts, o, run_options_size(o->version));
	else if (o)
		u->opts.version = o->version; /* refused below */
	u->o = &u->opts;
	u->what = what;
	u->offline = u->o->sql != NULL;
	u->purge = u->o->purge != 0;
	u->t0 = rt_now();
	r->writing = true;
	atomic_store(&r->interrupted, 0); /* a retort_interrupt() meant for an earlier call */
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
	rt_partials_free(&u->partials);
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
		const rt_section *sec = rt_step_section(u, &p->steps[i]);
		if (sec && !sec->transactional)
			return rt_error_at(&u->r->err, RETORT_EUSAGE,
					   u->r->graph.nodes[p->steps[i].node].rf->path,
					   sec->line > 1 ? sec->line - 1 : sec->line,
					   "transaction:false cannot run with "
					"transaction_per_migration = false");
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
		if ((rc = rt_step_open_run(u, moved)) || *moved)
			return rc;
	}
	rt_strvec start = RT_STRVEC_INIT;
	for (size_t j = 0; j < u->expect.len; j++)
		rt_strvec_push(&start, u->expect.v[j]);
	size_t n = u->max_steps && u->max_steps < p->n ? u->max_steps : p->n;
	for (i = 0; i < n && !rc && !*moved; i++)
		rc = rt_step_run(u, p, i, per_step, moved);
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
	int rc = rt_db_lock(r, u->lockkey.ptr, u->o->lock_timeout > 0 ? u->o->lock_timeout
								   : r->cfg.lock_timeout);
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

static int resume_point(run *u);
static int resume_point_of(run *u, const char *rev);

/*
 * resume, resolve: under the run lock, the journal row must still be there
 * (another runner may have ended it meanwhile).
 */
static int resume_point_of(run *u, const char *rev)
{
	u->resume_rev = rev;
	int rc = resume_point(u);
	u->resume_rev = NULL;
	return rc;
}

static int resume_point(run *u)
{
	rt_partials_free(&u->partials);
	int rc = rt_journal_read(u, &u->partials);
	u->resume = NULL;
	for (size_t i = 0; !rc && i < u->partials.n; i++)
		if (!strcmp(u->partials.v[i].revision, u->resume_rev))
			u->resume = &u->partials.v[i];
	if (!rc && !u->resume)
		rc = rt_error(&u->r->err, RETORT_ESTATE, "%s is not partially applied (any more)",
			      u->resume_rev);
	if (!rc && !u->resume->ok)
		rc = rt_error(&u->r->err, RETORT_ESTATE,
			      "retort_log's journal row of %s cannot be read: `retort resolve %s "
			      "--applied|--reverted -m WHY`", u->resume_rev, u->resume_rev);
	return rc;
}

/* resume, resolve: the plan's first step must be the journal's, and only it runs. */
static int resume_plan(run *u, run_kind k, const rt_plan *p)
{
	if (!u->resume_rev)
		return 0;
	const rt_step *s = p->n ? &p->steps[0] : NULL;
	bool up = k == RUN_UPGRADE;
	if (!s || s->kind != (up ? RT_STEP_UPGRADE : RT_STEP_DOWNGRADE) ||
	    strcmp(u->r->graph.nodes[s->node].rf->id, u->resume_rev))
		return rt_error(&u->r->err, RETORT_ESTATE,
				"the version table is not where the %s of %s starts: it is not the "
				"next step (`retort resolve %s --applied|--reverted -m WHY`)",
				up ? "upgrade" : "downgrade", u->resume_rev, u->resume_rev);
	u->max_steps = 1;
	return 0;
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
	/* a step stopped part-way blocks every run but the one that ends it */
	if (!rc && k != RUN_STAMP)
		rc = u->resume_rev ? resume_point(u) : rt_journal_refuse(u);
	if (!rc && k == RUN_UPGRADE && !u->resume_rev)
		rc = rt_run_validate(u);
	if (!rc && !(rc = make_plan(u, k, st, &p)) && !(rc = check_single_txn(u, &p)))
		rc = rt_step_refuse(u, &p);
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
		    (rc = rt_step_refuse(u, &p)) || (rc = resume_plan(u, k, &p)))
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
		rc = rt_step_refuse(u, &p);
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

/* A run that only reads retort's tables: connected, the tables located. */
static int reading_run(run *u, retort *r, const char *what)
{
	int rc = run_init(u, r, NULL, what, true);
	r->writing = false; /* it only reads: no database is made */
	if (!rc)
		rc = rt_project_connect(r);
	if (!rc)
		rc = rt_run_locate(u);
	return rc;
}

int retort_validate(retort *r, retort_validation **out)
{
	*out = NULL;
	run u;
	int rc = reading_run(&u, r, "validate");
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

/* --- Steps stopped part-way (journal.c) ------------------------------------------- */

/* The journal row rev names (an id or a unique prefix; NULL: the first), or NULL. */
static int pick_partial(retort *r, const rt_partials *ps, const char *rev,
			const rt_partial **out)
{
	*out = NULL;
	for (size_t i = 0; i < ps->n; i++) {
		if (rev && strncmp(ps->v[i].revision, rev, strlen(rev)))
			continue;
		if (*out)
			return rt_error(&r->err, RETORT_EAMBIGUOUS,
					"'%s' names more than one partially applied step", rev);
		*out = &ps->v[i];
		if (!rev)
			break;
	}
	return 0;
}

/*
 * resume (why NULL, applied), resolve --applied (why), resolve --reverted
 * (why, !applied): find the journal row, then run its step alone (under
 * the run lock, re-read there) or mark it reverted.
 */
static int end_partial(retort *r, const retort_run_options *o, const char *rev, const char *why,
		       bool applied)
{
	run u;
	rt_partials ps = { 0 };
	const rt_partial *p = NULL;
	bool locked = false;
	int rc = run_init(&u, r, o, "resume", true);
	if (!rc && u.offline)
		rc = rt_error(&r->err, RETORT_EUSAGE, "resume and resolve run on the database: "
			      "they have no --sql");
	if (!rc)
		rc = rt_project_connect(r);
	if (!rc)
		rc = rt_run_locate(&u);
	if (!rc)
		rc = rt_journal_read(&u, &ps);
	if (!rc)
		rc = pick_partial(r, &ps, rev, &p);
	if (!rc && !p && rev)
		rc = rt_error(&r->err, RETORT_ESTATE, "%s is not partially applied", rev);
	if (!rc && !p) {
		rt_log(r, RETORT_LOG_INFO, "nothing to resume: no step is partially applied");
	} else if (!rc && !applied) {
		if (!(rc = lock_run(&u, &locked)) && !(rc = resume_point_of(&u, p->revision)))
			rc = rt_journal_reverted(&u, p->revision, why);
		if (!rc)
			rt_log(r, RETORT_LOG_INFO, "Resolved %s %s as reverted by hand: %s",
			       p->direction, p->revision, why);
		if (locked)
			rc = unlock_run(&u, rc);
	} else if (!rc) {
		char *id = rt_xstrdup(p->revision);
		bool up = !strcmp(p->direction, "upgrade");
		rt_buf spec = RT_BUF_INIT;
		rt_buf_printf(&spec, up ? "%s" : "%s-1", id);
		u.what = up ? "upgrade" : "downgrade";
		u.resume_rev = id;
		u.resolve_why = why;
		const char *s = spec.ptr;
		rc = run_online(&u, up ? RUN_UPGRADE : RUN_DOWNGRADE,
				up ? rt_resolve : rt_resolve_downgrade, &s, 1);
		if (!rc && why)
			rt_log(r, RETORT_LOG_INFO, "Resolved %s %s as applied by hand: %s",
			       up ? "upgrade" : "downgrade", id, why);
		u.resume_rev = NULL;
		free(id);
		rt_buf_free(&spec);
	}
	rt_partials_free(&ps);
	run_free(&u);
	return rc;
}

int retort_resume(retort *r, const retort_run_options *o)
{
	return end_partial(r, o, NULL, NULL, true);
}

int retort_resolve_partial(retort *r, const char *rev, int applied, const char *why,
			   const retort_run_options *o)
{
	if (!rev || !*rev || !why || !*why)
		return rt_error(&r->err, RETORT_EUSAGE,
				"resolve needs the revision and why (-m): both are kept in retort_log");
	return end_partial(r, o, rev, why, applied != 0);
}

int retort_partial_steps(retort *r, retort_partial_step **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	run u;
	rt_partials ps = { 0 };
	int rc = reading_run(&u, r, "status");
	if (!rc)
		rc = rt_journal_read(&u, &ps);
	if (!rc) {
		retort_partial_step *v = rt_xcalloc(ps.n + 1, sizeof(*v));
		for (size_t i = 0; i < ps.n; i++) {
			v[i].revision = rt_xstrdup(ps.v[i].revision);
			v[i].direction = rt_xstrdup(ps.v[i].direction);
			v[i].done = ps.v[i].done;
			v[i].total = ps.v[i].total;
			v[i].applied_by = rt_xstrdup(ps.v[i].applied_by);
			v[i].applied_at = rt_xstrdup(ps.v[i].applied_at);
		}
		*out = v;
		*n = ps.n;
	}
	rt_partials_free(&ps);
	run_free(&u);
	return rc;
}

void retort_partial_steps_free(retort_partial_step *v)
{
	for (retort_partial_step *p = v; p && p->revision; p++) {
		free((char *)p->revision);
		free((char *)p->direction);
		free((char *)p->applied_by);
		free((char *)p->applied_at);
	}
	free(v);
}

int retort_run_options_init(retort_run_options *o, unsigned version)
{
	if (version < 1 || version > RETORT_RUN_OPTIONS_VERSION)
		return RETORT_EUSAGE;
	static const retort_run_options defaults = RETORT_RUN_OPTIONS_INIT;
	memcpy(o, &defaults, run_options_size(version));
	o->version = version;
	return 0;
}
