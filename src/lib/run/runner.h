/*
 * runner.h: what the files of running share (runner.c, step.c, journal.c,
 * runner_sql.c, validate.c; nothing outside them).
 *
 * runner.c plans and runs upgrade, downgrade, stamp and ensure-version;
 * runner_sql.c writes the statements the core adds to a migration (the
 * version table and retort_log: their DDL, row changes and log rows) and
 * sends them, or prints them for an offline run.
 */
#ifndef RT_RUNNER_H
#define RT_RUNNER_H

#include "db.h"
#include "project.h"

/* A journal row of a step stopped part-way (journal.c). */
typedef struct rt_partial {
	char *revision;
	char *direction;   /* "upgrade" or "downgrade" */
	size_t done, total;
	rt_strvec sums;    /* each statement's sha256, as it ran */
	char *applied_by, *applied_at;
	bool ok;           /* its progress column could be read */
} rt_partial;

typedef struct rt_partials {
	rt_partial *v;
	size_t n, cap;
} rt_partials;

typedef struct run {
	retort *r;
	const retort_run_options *o; /* &opts */
	retort_run_options opts;  /* the caller's, its version's fields, the rest defaults */
	const char *what;       /* "upgrade", "downgrade", "stamp" */
	bool offline;
	bool purge;
	double t0;
	rt_buf table;           /* the version table's name as SQL */
	rt_buf logtable;        /* retort_log's name as SQL */
	char *applied_by;
	rt_strvec expect;       /* the rows before the next step */
	rt_targets targets;     /* resolved once, re-planned against */
	bool located;           /* target is known (online, connected) */
	retort_target target;   /* where the version table is */
	rt_buf lockkey;         /* the run lock's name, made of target */
	const rt_revfile *last; /* the file of the step run last */
	bool purged;            /* stamp --purge: the table was emptied (first step) */
	bool journal_revisions; /* revisions taken from retort_log are in the graph */
	const rt_partial *resume; /* resume or resolve: the step stopped part-way */
	const char *resume_rev;   /* resume or resolve: which one (checked under the lock) */
	rt_partials partials;     /* what resume points into */
	const char *resolve_why;  /* resolve --applied: why (nothing more runs) */
	size_t max_steps;       /* resume: run only the first step (0: all) */
} run;


/*
 * retort_log's newest column, which older retorts did not make: the
 * header of the revision an upgrade ran (rt_run_file_header), so that with
 * downgrade_sql the revision can be reverted after its file is gone.
 */
#define LOG_HEADER "file_header"
/*
 * And the newest: a journal row of a transaction:false section that is
 * running or stopped part-way (operation 'partial', step.c) keeps here
 * "DONE/TOTAL SUM1 SUM2 ...", the statements run and each one's sha256.
 */
#define LOG_PROGRESS "progress"
/*
 * And after it: the row's own checksum (rt_run_row_sum) over what a
 * downgrade from the journal would run (the revision, its header and its
 * downgrade_sql), so that a row changed after retort wrote it is refused,
 * and `validate` says so.
 */
#define LOG_ROW_SUM "row_sum"
/* "sha256:<hex>" of a journal row's revision, file_header and downgrade_sql. */
char *rt_run_row_sum(const char *rev, const char *header, const char *downgrade_sql);

typedef struct log_entry {
	const char *revision;
	const char *operation;
	const char *checksum;
	const char *downgrade_sql;
	long duration_ms;
	const char *duration_sql; /* else this expression (batched steps) */
	const char *file_header;  /* upgrade, accept: rt_run_file_header's text */
} log_entry;

/* who@host, for retort_log.applied_by. */
char *rt_run_applied_by(void);
/* A version table change, exactly as Alembic writes it. */
void rt_run_sql_row_op(run *u, rt_buf *b, const rt_row_op *op);
/*
 * What retort_log keeps of rf beside its downgrade SQL: its header and the
 * two markers, so that the header, the markers and downgrade_sql are the
 * revision again (rt_revfile_parse), its upgrade section left empty.
 */
char *rt_run_file_header(const rt_revfile *rf);
/* Whether retort_log is there with its newest column (*n > 0). */
int rt_run_log_current(run *u, int *n);
/*
 * downgrade: each version table row that no file has, and each revision
 * such a one names that no file has, taken from the last retort_log row for
 * it (an upgrade or accept, with its header) and added to the graph; else
 * RETORT_ENOTFOUND saying why the journal cannot revert it.
 */
int rt_run_journal_revisions(run *u);
/* retort_log's row for one step. */
void rt_run_sql_log_insert(run *u, rt_buf *b, const log_entry *e);
/* Offline: a chunk of the script, as Alembic lays it out. */
void rt_run_out_text(run *u, const char *text);
/* SQL at -v, without the blank lines a section ends with. */
void rt_run_debug_sql(run *u, const char *sql);
/* One statement the core wrote itself: sent online, printed offline. */
int rt_run_send(run *u, const char *sql);
/* The transaction of a step (offline: its BEGIN and COMMIT lines). */
int rt_run_begin(run *u);
int rt_run_commit(run *u);
void rt_run_rollback(run *u);
/*
 * The version table's schema: once located, the one the database named;
 * before, version_table_schema; NULL for the connection's default.
 */
const char *rt_run_schema(run *u);
/*
 * Online, once connected: ask the database where the version table is,
 * name the version table and retort_log in retort's own statements by that
 * schema (so a section that moves search_path cannot move them), and make
 * the run lock's name from it.
 */
int rt_run_locate(run *u);
/* Whether a version-table query's row is one of those, and not a section's. */
int rt_run_collect_rows(void *data, int ncols, const char *const *values);
/* "SELECT 'retort:row', version_num FROM <table>": rows rt_run_collect_rows takes. */
void rt_run_sql_rows(run *u, rt_buf *b);
/* Offline, from a revision: retort_log "IF NOT EXISTS". */
void rt_run_offline_log_table(run *u);
void rt_run_offline_drop_version_table(run *u);
/* Create the version table (and retort_log, with_log) where missing. */
int rt_run_ensure_tables(run *u, bool with_log);
/*
 * step.c, the step protocol: run step i of p (own: in its own transaction,
 * else in the run's); *moved when the version table no longer holds what
 * the plan was made from, and nothing of the step ran.
 */
int rt_step_run(run *u, const rt_plan *p, size_t i, bool own, bool *moved);
/* The run's one transaction (transaction_per_migration = false), guarded. */
int rt_step_open_run(run *u, bool *moved);
/* Refuse, before anything runs, a plan with steps that cannot run. */
int rt_step_refuse(run *u, const rt_plan *p);
/* The section a step runs (NULL for a stamp). */
const rt_section *rt_step_section(run *u, const rt_step *s);
/* RETORT_EINTERRUPTED for step i of p, before it started or (ran) in it. */
int rt_step_interrupted(run *u, const rt_plan *p, size_t i, bool ran);
/* journal.c: durable progress of statements outside a transaction. */
void rt_partial_free(rt_partial *p);
void rt_partials_free(rt_partials *ps);
/* The journal rows of steps stopped part-way, oldest first. */
int rt_journal_read(run *u, rt_partials *out);
/* "REV partially applied: 2 of 5 statements (upgrade)" */
void rt_journal_describe(rt_buf *b, const rt_partial *p);
/* RETORT_ESTATE while a step is stopped part-way, saying how to go on. */
int rt_journal_refuse(run *u);
/* Run a transaction:false section with its journal row (resume: go on from it). */
int rt_journal_run(run *u, const rt_step *s, const rt_section *sec, const rt_partial *resume);
/* The statement that ends the journal row in the step's transaction. */
void rt_journal_finish_sql(run *u, rt_buf *b, const char *rev);
/* resolve --reverted: the row is resolved; the version table stays. */
int rt_journal_reverted(run *u, const char *rev, const char *why);
/* Whether retort_log has column (*n > 0). */
int rt_run_log_has(run *u, const char *column, int *n);
/* The journal row's INSERT (journal.c). */
void rt_run_sql_journal_insert(run *u, rt_buf *b, const char *rev, const char *direction,
			       const char *checksum, const char *progress);
/* validate.c: the files against the journal, before an upgrade (RETORT_EDIFF). */
int rt_run_validate(run *u);
/* validate.c: the whole report, for `validate`. */
int rt_run_validation(run *u, retort_validation **out);
/* validate.c: record an applied revision's changed upgrade as accepted. */
int rt_run_accept(run *u, const char *spec, const char *reason);

#endif
