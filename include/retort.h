/*
 * retort.h: the public C API of retort, a schema migration library.
 *
 * A handle (retort *) holds one project: its configuration, its revision
 * graph (read from the revision files on first use) and, on first use, one
 * connection to its database.  Every function returns 0 or a negative
 * RETORT_E* code; the message for the last failure is retort_errmsg().
 * The library never prints and never exits: output reaches the caller
 * through the log callback and through the values it returns.
 *
 * Ownership: what comes back through a `**out` argument belongs to the caller
 * and is released with the matching _free; a `const retort_rev *` is borrowed
 * from the handle and lives as long as the handle.
 */
#ifndef RETORT_H
#define RETORT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define RETORT_API __attribute__((visibility("default")))
#else
#define RETORT_API
#endif

#include "retort_version.h" /* RETORT_VERSION, RETORT_VERSION_NUMBER */

/*
 * Error codes: X(name, value, text).  The exit code a command-line tool
 * should use for each is retort_exit_code(): 2 for bad usage, configuration
 * or revision files (nothing was changed), 1 for work that failed.
 */
#define RETORT_ERRORS(X)                                                  \
	X(OK, 0, "ok")                                                   \
	X(ERROR, -1, "error")                                            \
	X(EUSAGE, -2, "bad usage")                                       \
	X(ECONFIG, -3, "bad configuration")                              \
	X(EPARSE, -4, "bad revision file")                               \
	X(ENOTFOUND, -5, "no such revision")                             \
	X(EAMBIGUOUS, -6, "ambiguous revision")                          \
	X(EURL, -7, "bad database URL")                                  \
	X(EEXISTS, -8, "already exists")                                 \
	X(EIO, -9, "input/output error")                                 \
	X(ECONNECT, -10, "cannot connect to the database")               \
	X(EDB, -11, "database error")                                    \
	X(ELOCK, -12, "lock not acquired")                               \
	X(EDIFF, -13, "differences found")                               \
	X(ESTATE, -14, "the database is not in the required state")      \
	X(EUNSUPPORTED, -15, "not supported")                            \
	X(EINTERRUPTED, -16, "interrupted")                              \
	X(EEXTERNAL, -17, "an external program failed")

enum {
#define RETORT_X_(name, value, text) RETORT_##name = value,
	RETORT_ERRORS(RETORT_X_)
#undef RETORT_X_
};

typedef struct retort retort;

/* Severity of a line given to the log callback. */
typedef enum retort_level {
	RETORT_LOG_ERROR = 0,
	RETORT_LOG_WARN = 1,
	RETORT_LOG_INFO = 2,  /* "Running upgrade a -> b, msg (12 ms)" */
	RETORT_LOG_DEBUG = 3, /* SQL text with -v */
	RETORT_LOG_PROGRESS = 4, /* step i of n: see retort_progress */
	RETORT_LOG_STEP = 5,  /* a step done: msg is "upgrade", "downgrade" or
	                         "stamp"; progress->revision its revision,
	                         progress->elapsed the step's own seconds */
	RETORT_LOG_NOTE = 6   /* "database <url, redacted> (from <where>)" on
	                         connecting, and notes like it: one line each */
} retort_level;

typedef struct retort_progress {
	size_t step;          /* 1-based, the step now running */
	size_t total;
	const char *revision; /* the revision of that step */
	double elapsed;       /* seconds since the command started */
} retort_progress;

/*
 * Called for each log line.  For RETORT_LOG_PROGRESS and RETORT_LOG_STEP,
 * progress is set; for the other levels it is NULL.
 */
typedef void (*retort_log_fn)(void *data, retort_level level, const char *msg,
			      const retort_progress *progress);

/* Flags for retort_options.flags. */
#define RETORT_OPEN_NOCONFIG 0x1 /* a missing config file is not an error */

typedef struct retort_options {
	unsigned version;        /* RETORT_OPTIONS_VERSION */
	unsigned flags;          /* RETORT_OPEN_* */
	const char *config;      /* NULL: $RETORT_CONFIG, ./retort.ini, ./alembic.ini */
	const char *name;        /* section; NULL: "retort" (or "alembic") */
	const char *url;         /* overrides every other source of the URL */
	const char *const *xargs; /* -x key=value, nxargs of them */
	size_t nxargs;
	retort_log_fn log;
	void *log_data;
	int verbosity;           /* 0 normal, 1 -v; DEBUG lines only when > 0 */
	int wait;                /* retry the first connection until wait_timeout */
} retort_options;

#define RETORT_OPTIONS_VERSION 1
#define RETORT_OPTIONS_INIT { RETORT_OPTIONS_VERSION, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, 0, 0 }

/* Open a project; *out is set even on failure, so the message can be read. */
RETORT_API int retort_open(retort **out, const retort_options *opts);
RETORT_API void retort_free(retort *r);
RETORT_API const char *retort_errmsg(const retort *r);

/*
 * The last failure on r as data, as git_error_last() gives it: borrowed
 * from the handle, valid until the next call on it.  A part not known is
 * NULL (line 0).  code is 0 when the last call succeeded.
 */
typedef struct retort_error {
	int code;             /* RETORT_E* */
	const char *message;  /* retort_errmsg(): one line, with the place first */
	const char *file;     /* the file the failure is in (a revision, the config) */
	unsigned line;        /* its line, 1-based; 0: the whole file, or none */
	const char *revision; /* the revision whose step failed */
	const char *sqlstate; /* the database's code (PostgreSQL's SQLSTATE) */
	const char *detail;   /* the server's DETAIL and HINT */
	const char *hint;
} retort_error;

RETORT_API const retort_error *retort_last_error(retort *r);
RETORT_API const char *retort_strerror(int code);
RETORT_API int retort_exit_code(int code);
/*
 * Ask the call running on r (in another thread, or from a signal handler:
 * it is async-signal-safe) to stop at its next safe point and return
 * RETORT_EINTERRUPTED, having undone what it must: the scratch database
 * of check, diff and revision --autogenerate is dropped.  As
 * sqlite3_interrupt() does.
 */
RETORT_API void retort_interrupt(retort *r);
RETORT_API const char *retort_version(void);
/* RETORT_VERSION_NUMBER of the library running (the header's may be older). */
RETORT_API int retort_libversion_number(void);
/*
 * Out of memory: the library never prints or exits on its own but here.
 * The handler is called with the size that could not be had and must not
 * return (longjmp out, or exit); the default prints one line to stderr
 * and aborts.  One for the process, like the revision cache.
 */
RETORT_API void retort_set_oom_handler(void (*fn)(size_t n));

/* --- The project ------------------------------------------------------- */

/* Path of the configuration file in use, or NULL when there is none. */
RETORT_API const char *retort_config_path(const retort *r);
/* The database URL with any password shown as ***. */
RETORT_API const char *retort_url_redacted(const retort *r);
/* The value of a configuration key (after interpolation), or NULL. */
RETORT_API const char *retort_config_get(const retort *r, const char *key);
/* The value of -x key, or NULL. */
RETORT_API const char *retort_xarg(const retort *r, const char *key);

/*
 * Write a new project: the config file (config_path, or retort.ini in the
 * working folder), dir/ with script.sql.tmpl and versions/.  Refuses to
 * overwrite anything (RETORT_EEXISTS).  Reports each file written through
 * the log callback.
 */
RETORT_API int retort_init_project(retort *r, const char *dir, const char *config_path);

/* --- Revisions ------------------------------------------------------------ */

#define RETORT_REV_HEAD           0x01 /* no child revision */
#define RETORT_REV_BASE           0x02 /* no parent revision */
#define RETORT_REV_BRANCHPOINT    0x04 /* more than one child */
#define RETORT_REV_MERGEPOINT     0x08 /* more than one parent */
#define RETORT_REV_EFFECTIVE_HEAD 0x10 /* a head that others depend on */
#define RETORT_REV_CURRENT        0x20 /* in the version table (after a read) */
#define RETORT_REV_PYTHON         0x40 /* an Alembic module (*.py) with no .sql
                                          twin: no SQL for retort to run */

typedef struct retort_rev {
	const char *id;
	const char *message;      /* first paragraph of the header comment */
	const char *doc;          /* the whole header comment, without "-- " */
	const char *create_date;  /* as written, or "" */
	const char *path;         /* the revision file */
	const char *const *parents;     /* Revises, in file order */
	size_t nparents;
	const char *const *depends_on;  /* resolved to revision ids */
	size_t ndepends_on;
	const char *const *children;    /* revisions that revise this one */
	size_t nchildren;
	const char *const *labels_declared; /* Branch Labels of this file */
	size_t nlabels_declared;
	const char *const *labels;      /* every label that names it (inherited too) */
	size_t nlabels;
	const char *upgrade_sql;
	const char *downgrade_sql;
	unsigned upgrade_line;    /* line of the first line of each section */
	unsigned downgrade_line;
	int upgrade_transactional;   /* 0 for "transaction:false" */
	int downgrade_transactional;
	unsigned flags;           /* RETORT_REV_* */
	const char *const *depends_on_declared; /* Depends On as written (labels
	                                           unresolved), as Alembic prints it */
	size_t ndepends_on_declared;
	const char *python_path;  /* the Alembic module that is this revision: path
	                             itself for a .py, a .sql file's twin, or NULL */
} retort_rev;

/*
 * Every revision, newest first (a reverse topological order: a revision
 * always comes before its parents), as `history` lists them.  Like every
 * array of revisions below, *out belongs to the caller: release it with
 * retort_revs_free (the revisions themselves stay the handle's).
 */
RETORT_API int retort_revisions(retort *r, const retort_rev ***out, size_t *n);
/*
 * The heads.  With resolve_dependencies, a head that another revision
 * depends on is not a head.
 */
RETORT_API int retort_heads(retort *r, int resolve_dependencies,
			    const retort_rev ***out, size_t *n);
/* Branch points, newest first. */
RETORT_API int retort_branchpoints(retort *r, const retort_rev ***out, size_t *n);
/*
 * Resolve a revision argument ("ae1", "head", "heads", "api@head", "base",
 * "current", "head-1", ...) to revisions.  "base" gives n = 0.  Forms that
 * need the database (current, +N, -N) read it.
 */
RETORT_API int retort_resolve(retort *r, const char *spec, const retort_rev ***out, size_t *n);
/*
 * The revisions of a history range "[start]:[end]" (NULL: all), newest
 * first, as `alembic history -r` selects them.
 */
RETORT_API int retort_history(retort *r, const char *range, const retort_rev ***out, size_t *n);
/* Release an array returned by the functions above (not the revisions). */
RETORT_API void retort_revs_free(const retort_rev **revs);

/* --- The database --------------------------------------------------------- */

/* The version table's rows, in table order; free with retort_strings_free. */
RETORT_API int retort_current(retort *r, char ***out, size_t *n);
/*
 * What `current` shows, as Alembic shows it: every applied revision that no
 * applied revision revises (a dependency that a row implies is shown too,
 * though it has no row of its own), in file order.  Free with
 * retort_revs_free.
 */
RETORT_API int retort_current_revisions(retort *r, const retort_rev ***out, size_t *n);
RETORT_API void retort_strings_free(char **strings);
/*
 * Free one string the library handed back (retort_dump's SQL, a new
 * file's path): with the allocator the library itself uses, which need not
 * be the caller's.
 */
RETORT_API void retort_string_free(char *s);
/* The revisions `upgrade target` would apply, in order (a dry run). */
RETORT_API int retort_pending(retort *r, const char *target, const retort_rev ***out, size_t *n);

typedef void (*retort_sql_fn)(void *data, const char *sql);

typedef struct retort_run_options {
	unsigned version;     /* RETORT_RUN_OPTIONS_VERSION */
	retort_sql_fn sql;    /* offline: send the script here, touch nothing */
	void *sql_data;
	const char *tag;      /* --tag: kept in retort_log */
	int purge;            /* stamp --purge */
	int no_validate;      /* upgrade: skip the files' check against the journal */
	/*
	 * Called as each step starts and again when its SQL has run, before
	 * its commit; a non-zero return cancels the run there, as
	 * retort_interrupt() does: the step is rolled back, the steps before
	 * it stay, and the call returns RETORT_EINTERRUPTED.  (SQLite's
	 * progress handler is the model.)
	 */
	int (*progress)(void *data, const retort_progress *p);
	void *progress_data;
	/* version 2 */
	double lock_timeout;  /* seconds to wait for the run lock; <= 0: the config's */
} retort_run_options;

/*
 * Options structs are versioned as libgit2's are: set version with the
 * _INIT macro or the _init() function.  The library takes any version from
 * 1 up to its own, a field newer than the caller's version having its
 * default, so a program built against an older retort.h keeps working.
 */
#define RETORT_RUN_OPTIONS_VERSION 2
#define RETORT_RUN_OPTIONS_INIT { RETORT_RUN_OPTIONS_VERSION, NULL, NULL, NULL, 0, 0, NULL, NULL, 0 }

/*
 * Each options struct's defaults, for a caller's version (1 up to the
 * header's): 0, or RETORT_EUSAGE for a version this library does not know.
 */
RETORT_API int retort_options_init(retort_options *o, unsigned version);
RETORT_API int retort_run_options_init(retort_run_options *o, unsigned version);

/* Apply revisions up to target ("head", "heads", "+1", an id, "A:B" offline). */
RETORT_API int retort_upgrade(retort *r, const char *target, const retort_run_options *o);
/* Revert revisions down to target ("-1", "base", an id, "A:B" offline). */
RETORT_API int retort_downgrade(retort *r, const char *target, const retort_run_options *o);
/* Set the version table to these revisions without running any SQL. */
RETORT_API int retort_stamp(retort *r, const char *const *targets, size_t n,
			    const retort_run_options *o);
/*
 * A step whose statements outside a transaction (transaction:false) stopped
 * part-way: a failure, a kill, an interrupt.  retort_log journals each such
 * statement as it runs; while a step is stopped part-way, upgrade and
 * downgrade refuse to start (RETORT_ESTATE) until it is ended.
 */
typedef struct retort_partial_step {
	const char *revision;
	const char *direction;   /* "upgrade" or "downgrade" */
	size_t done, total;      /* statements run, of the section's */
	const char *applied_by;  /* who@host that started it */
	const char *applied_at;  /* when (UTC) */
} retort_partial_step;

/* The steps stopped part-way (*n of them, usually 0); free with retort_partial_steps_free. */
RETORT_API int retort_partial_steps(retort *r, retort_partial_step **out, size_t *n);
RETORT_API void retort_partial_steps_free(retort_partial_step *v);
/*
 * Finish the step stopped part-way: the statements its journal says ran
 * must be the file's now, unchanged (else RETORT_ESTATE naming the first
 * that is not); the rest run, journaled, then the step is recorded as
 * usual.  Nothing stopped: 0, and a line saying so.
 */
RETORT_API int retort_resume(retort *r, const retort_run_options *o);
/*
 * End the step of rev stopped part-way by hand, recording why and who:
 * applied (its version-table change and log row are written, no SQL runs)
 * or reverted (the version table stays where it is).
 */
RETORT_API int retort_resolve_partial(retort *r, const char *rev, int applied, const char *why,
				      const retort_run_options *o);

/* Create the version table if it is missing. */
RETORT_API int retort_ensure_version(retort *r, const retort_run_options *o);

/* --- New revision files --------------------------------------------------- */

typedef struct retort_revision_options {
	unsigned version;            /* RETORT_REVISION_OPTIONS_VERSION */
	const char *message;
	const char *head;            /* NULL: "head" */
	int splice;
	const char *branch_label;
	const char *const *depends_on;
	size_t ndepends_on;
	const char *rev_id;          /* NULL: 12 random hex digits */
	const char *version_path;
	const char *const *merge;    /* merge: the revisions to merge (or "heads") */
	size_t nmerge;
	const char *upgrades;        /* section bodies; NULL: empty */
	const char *downgrades;
	int autogenerate;            /* fill both sections from the model (retort_diff);
	                                the database must be at head */
} retort_revision_options;

#define RETORT_REVISION_OPTIONS_VERSION 1
#define RETORT_REVISION_OPTIONS_INIT { RETORT_REVISION_OPTIONS_VERSION, NULL, NULL, 0, NULL, NULL, 0, NULL, NULL, NULL, 0, NULL, NULL, 0 }
RETORT_API int retort_revision_options_init(retort_revision_options *o, unsigned version);

/* Write a new revision file; *path_out (free it with retort_string_free) names it. */
RETORT_API int retort_revision(retort *r, const retort_revision_options *o, char **path_out);

/* --- Alembic projects ------------------------------------------------------ */

typedef struct retort_convert_options {
	unsigned version;        /* RETORT_CONVERT_OPTIONS_VERSION */
	const char *python;      /* the project's interpreter; NULL: $RETORT_PYTHON,
	                            else python3 */
	int no_verify;           /* skip the step-by-step comparison with Alembic */
	int to_alembic;          /* the reverse: a .py twin for each .sql revision */
	const char *range;       /* only the revisions of this history range "A:B" */
} retort_convert_options;

#define RETORT_CONVERT_OPTIONS_VERSION 1
#define RETORT_CONVERT_OPTIONS_INIT { RETORT_CONVERT_OPTIONS_VERSION, NULL, 0, 0, NULL }
RETORT_API int retort_convert_options_init(retort_convert_options *o, unsigned version);

/*
 * Write a .sql twin for every Alembic revision module (*.py) that has none,
 * with the SQL Alembic itself renders offline for the project's backend,
 * after verifying on two scratch databases that Alembic's module and the
 * SQL leave the same schema after every upgrade and downgrade step.
 * Revisions Alembic cannot render offline are reported (RETORT_LOG_ERROR
 * lines with file:line and reason) and the call fails with
 * RETORT_EEXTERNAL after writing the rest.  Files written and the summary
 * go to the log callback.  With to_alembic, writes a .py twin (op.execute)
 * for every .sql revision that has none.
 */
RETORT_API int retort_convert(retort *r, const retort_convert_options *o);

/* --- Checking a history and a database ------------------------------------ */

/* One lint finding. */
typedef struct retort_finding {
	const char *rule;       /* "index-not-concurrently", ... */
	const char *severity;   /* "error", "warning", "info" */
	const char *path;       /* the revision file, or NULL (a graph rule) */
	const char *revision;
	unsigned line;          /* of the statement (0: the file, or none) */
	const char *message;
	const char *lock;       /* what the statement locks or rewrites, or NULL */
	const char *fix;        /* the safe way, or NULL */
} retort_finding;

typedef struct retort_lint_result {
	const retort_finding *findings;
	size_t n;
	size_t nrevisions;      /* revisions looked at */
} retort_lint_result;

typedef struct retort_lint_options {
	unsigned version;       /* RETORT_LINT_OPTIONS_VERSION */
	int all;                /* every revision (no database needed) */
	const char *range;      /* or a history range "A:B"; neither: the pending ones */
} retort_lint_options;

#define RETORT_LINT_OPTIONS_VERSION 1
#define RETORT_LINT_OPTIONS_INIT { RETORT_LINT_OPTIONS_VERSION, 0, NULL }
RETORT_API int retort_lint_options_init(retort_lint_options *o, unsigned version);

/* Check revisions' SQL and the graph; *out lists the findings (retort_lint_free). */
RETORT_API int retort_lint(retort *r, const retort_lint_options *o, retort_lint_result **out);
RETORT_API void retort_lint_free(retort_lint_result *l);

/* One finding of retort_validate. */
typedef struct retort_validation_item {
	const char *problem;   /* "changed", "missing_file", "unknown_row" (errors);
	                          "unjournaled" (applied by Alembic or stamped) */
	const char *revision;
	const char *path;      /* the file, or NULL */
	const char *message;   /* one line for a person */
} retort_validation_item;

typedef struct retort_validation {
	const retort_validation_item *items;
	size_t n;
	size_t nchecked;       /* applied revisions looked at */
} retort_validation;

/*
 * The revision files against retort_log: for each applied revision, the
 * checksum retort recorded when it ran its upgrade (or accepted a change)
 * must be the file's now.  *out lists every finding (free it with
 * retort_validation_free); the call itself fails only when it cannot look.
 */
RETORT_API int retort_validate(retort *r, retort_validation **out);
RETORT_API void retort_validation_free(retort_validation *v);
/* Record, with a reason, that an applied revision's changed upgrade is accepted. */
RETORT_API int retort_validate_accept(retort *r, const char *rev, const char *reason);

/*
 * The database's schema as SQL (*sql_out: retort_string_free), in the order and
 * form autogenerate writes it, without the version table and retort_log.
 */
RETORT_API int retort_dump(retort *r, char **sql_out);
/*
 * Collapse the history into one root revision whose id is the database's
 * head and whose upgrade is the dump of the database; the revision files it
 * replaces move to an archive folder beside the version location (named in
 * the log).  The database must be at the single head (RETORT_ESTATE).
 * *path_out (free it with retort_string_free) names the new file.
 */
RETORT_API int retort_baseline(retort *r, const char *message, char **path_out);
/*
 * On a scratch database, for every revision in order: upgrade, downgrade,
 * upgrade again; each downgrade must give back the schema before the
 * upgrade, each second upgrade the schema of the first.  Each problem is a
 * RETORT_LOG_ERROR line; the call fails with RETORT_EDIFF when there is any.
 */
RETORT_API int retort_verify(retort *r);
/*
 * retort_verify for the revisions of a history range "A:B" (NULL: all):
 * what they stand on is upgraded first, unchecked, and the model is not
 * compared (the range need not end at the head).
 */
RETORT_API int retort_verify_range(retort *r, const char *range);
/*
 * Apply the revisions the database has applied to a scratch database and
 * compare with the database: each difference is a RETORT_LOG_ERROR line,
 * and the call fails with RETORT_EDIFF when there is any.
 */
RETORT_API int retort_drift(retort *r);
/*
 * verify (of range, NULL: all) and drift with their problems as data: the
 * call returns 0 with *out listing each problem (none: the check passed;
 * free it with retort_validation_free), and fails only when it cannot
 * look.  problem is "downgrade" (a downgrade leaves something),
 * "upgrade_again" (an upgrade run again gives another schema), "model"
 * (the history does not end at the model), or "drift".
 */
RETORT_API int retort_verify_report(retort *r, const char *range, retort_validation **out);
RETORT_API int retort_drift_report(retort *r, retort_validation **out);

/* --- The model and the database ----------------------------------------- */

/* One difference between the model and the database. */
typedef struct retort_op {
	const char *kind;    /* "add_column", "drop_table", ... (see retort(1)) */
	const char *table;   /* the table it concerns, or NULL */
	const char *name;    /* the object (column, index, ...) or NULL */
	const char *text;    /* one line for a person: "add column 'todos.done'" */
	const char *review;  /* why a reader should look before applying, or NULL */
} retort_op;

typedef struct retort_diff_result {
	size_t nops;
	const retort_op *ops;      /* in the order the upgrade applies them */
	const char *upgrade_sql;   /* "" when there is nothing to do */
	const char *downgrade_sql; /* the exact inverse */
} retort_diff_result;

#define RETORT_DIFF_AT_HEAD 0x1 /* fail unless the database is at head
                                   ("Target database is not up to date.") */

/*
 * Compare the model (the `model` key: a .sql file or a folder of them,
 * loaded into the scratch database `dev_url`) with the database.  Objects
 * that include_objects / exclude_objects leave out, the version table and
 * retort_log are ignored.  *out belongs to the caller: retort_diff_free.
 */
RETORT_API int retort_diff(retort *r, unsigned flags, retort_diff_result **out);
RETORT_API void retort_diff_free(retort_diff_result *d);

/* Template names that `init` can write (NULL-terminated, static). */
RETORT_API const char *const *retort_templates(void);

#ifdef __cplusplus
}
#endif

#endif
