/*
 * cli.h: what the command files of the `retort` tool share.
 *
 * The tool is a thin user of <retort.h>: main.c parses the global options and
 * dispatches to one cmd_<name>.c per command; each command parses its own
 * options (opts.c), opens a handle (common.c), calls the library and prints
 * (output.c for text, json.c for --json).  A command returns the process's
 * exit code: 0 done, 1 the work failed, 2 bad usage or configuration.
 */
#ifndef RT_CLI_H
#define RT_CLI_H

#include "retort.h"
#include "util/buf.h"
#include "util/vec.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The global options, and the state of the log line on stderr. */
typedef struct cli {
	const char *config;  /* -c */
	const char *name;    /* -n */
	const char *url;     /* --url */
	rt_strvec xargs;     /* -x key=value */
	int quiet;           /* -q */
	int verbose;         /* -v */
	int json;            /* --json */
	int wait;            /* --wait */
	bool err_tty;        /* stderr is a terminal: progress lines allowed */
	const char *command; /* the command's name, for --json documents */
	json_t *steps;       /* --json: the steps a write command ran */
	rt_buf sql;          /* --json --sql: the script */
	size_t progress_len; /* width of the progress line now shown, 0: none */
	double progress_at;  /* elapsed time of the last one drawn */
} cli;

typedef struct cli_cmd {
	const char *name;
	const char *alias;   /* Alembic's spelling (list_templates), or NULL */
	int (*fn)(cli *c, int argc, char **argv);
	const char *summary; /* one line, for `retort help` */
	const char *usage;   /* after "usage: retort " */
	const char *options; /* the option list, or NULL */
} cli_cmd;

/* --- opts.c: option parsing ------------------------------------------- */

/*
 * One option a command accepts.  id is what cli_getopt_next returns for it;
 * a table ends with an entry whose id is 0.
 */
typedef struct cli_opt {
	int id;
	char shortname;       /* 0: none */
	const char *longname; /* NULL: none */
	int has_arg;
} cli_opt;

enum {
	CLI_OPT_END = 0,     /* no more options; the positionals are in g->pos */
	CLI_OPT_HELP = -1,   /* -h/--help: the help was printed, exit 0 */
	CLI_OPT_ERROR = -2,  /* bad option: the message was printed, exit 2 */
	CLI_OPT_VERSION = -3 /* --version (only before the command) */
};

typedef struct cli_getopt {
	const cli_cmd *cmd;   /* NULL while parsing the options before the command */
	const cli_opt *opts;  /* the command's own options (may be NULL) */
	int argc;
	char **argv;
	int i;                /* next argv index */
	const char *shorts;   /* rest of a "-abc" cluster */
	bool only_pos;        /* after "--" */
	const char *arg;      /* the value of the option just returned */
	char **pos;           /* positionals, in order */
	size_t npos;
} cli_getopt;

/* Parse argv[1..argc-1] (argv[0] is the command's name). */
void cli_getopt_init(cli_getopt *g, const cli_cmd *cmd, const cli_opt *opts,
		     int argc, char **argv);
/*
 * The next of the command's options, or a CLI_OPT_* code.  The global
 * options (-c, -n, --url, -x, -q, -v, --json, --wait) are accepted after the
 * command too and are applied to c here.  Before the command (cmd NULL),
 * parsing stops at the first positional, which g->i then indexes.
 */
int cli_getopt_next(cli *c, cli_getopt *g);
void cli_getopt_free(cli_getopt *g);

/*
 * Parse a command's options, calling on_opt for each of the command's own;
 * the positionals are left in g->pos.  Returns -1 to go on, else the exit
 * code (0 after --help, 2 after a bad option or an on_opt failure).
 */
typedef int (*cli_opt_fn)(void *data, int id, const char *arg);
int cli_parse(cli *c, cli_getopt *g, const cli_cmd *cmd, const cli_opt *opts,
	      int argc, char **argv, cli_opt_fn on_opt, void *data);
/* cli_parse for a command that takes no positional argument (one is exit 2). */
int cli_parse_none(cli *c, const cli_cmd *cmd, const cli_opt *opts, int argc,
		   char **argv, cli_opt_fn on_opt, void *data);

/* --- common.c ------------------------------------------------------------- */

/* Open the project; on failure print the error and return the exit code. */
int cli_open(cli *c, unsigned flags, retort **out);
/* Print "retort: <message>" for a failed call and return its exit code. */
int cli_fail(retort *r, int rc);
/*
 * Until the process ends, the first SIGINT or SIGTERM asks r's running call
 * to stop and clean up (retort_interrupt); a second one ends the process.
 */
void cli_catch_interrupts(retort *r);
/* The handle is going: a signal no longer reaches it. */
void cli_release_interrupts(void);
/*
 * Around a call that runs steps (upgrade, downgrade, stamp, resume,
 * resolve): --json's list of steps and Ctrl-C to the handle first; after,
 * the interrupt released, the failure reported or --json's document
 * printed, and the exit code.
 */
void cli_steps_begin(cli *c, retort *r);
int cli_steps_end(cli *c, retort *r, int rc);
/* Print "retort: <message>" (printf-style) and return 2: bad usage. */
int cli_usage_error(const cli_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print "retort: <message>" to stderr (printf-style). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * show and edit: parse `CMD REV`, open the project and resolve REV.  Returns
 * -1 with *r and *revs (to free) and *n set, and *spec the argument when
 * spec is not NULL; else the exit code, with nothing to free.
 */
int cli_open_rev(cli *c, const cli_cmd *cmd, int argc, char **argv, retort **r,
		 const retort_rev ***revs, size_t *n, const char **spec);
/* A revision by its full id, or NULL (the handle's revisions are searched). */
const retort_rev *cli_find_rev(retort *r, const char *id);
/* The command's help text, as `retort help X` and `retort X --help` show it. */
void cli_print_help(cli *c, const cli_cmd *cmd);
/* The log callback given to retort_open (log.c). */
void cli_log(void *data, retort_level level, const char *msg,
	     const retort_progress *progress);
/* Erase the progress line, if one is shown. */
void cli_progress_clear(cli *c);
/* The SQL callback of --sql: the text goes to stdout as it comes. */
void cli_sql_out(void *data, const char *sql);
/* upgrade and downgrade: parse REV [--sql] [--tag T], open, run. */
typedef int (*cli_migrate_fn)(retort *r, const char *target, const retort_run_options *o);
int cli_migrate(cli *c, const cli_cmd *cmd, int argc, char **argv, cli_migrate_fn run);

/* --- output.c: Alembic's text formats ------------------------------------ */

#define CLI_FMT_PARENTS  0x01 /* "<parents> [(deps)] -> " before the id */
#define CLI_FMT_LABELS   0x02 /* " (label, label)" */
#define CLI_FMT_HEADS    0x04 /* " (head)" / " (effective head)" */
#define CLI_FMT_TREE     0x08 /* " (branchpoint)" / " (mergepoint)" */
#define CLI_FMT_DOC      0x10 /* ", message" */
#define CLI_FMT_CURRENT  0x20 /* " (current)" where the revision is current */

/* One line, as Alembic's Script._head_only() writes it (no newline). */
void cli_fmt_line(rt_buf *out, const retort_rev *rev, unsigned what);
/* The verbose entry (Alembic's log_entry), ending in a newline. */
void cli_fmt_entry(rt_buf *out, const retort_rev *rev, unsigned what);
/* "a, b" or "<base>". */
void cli_fmt_parents(rt_buf *out, const retort_rev *rev);
/* Append the n strings joined by ", ". */
void cli_fmt_join(rt_buf *out, const char *const *v, size_t n);
/* Write the buffer and a newline to stdout. */
void cli_puts(const rt_buf *b);

/* --- json.c ---------------------------------------------------------------- */

/* The revision as a JSON object (see retort(1)). */
json_t *cli_json_rev(const retort_rev *rev);
/* A JSON array of revision objects. */
json_t *cli_json_rev_array(const retort_rev *const *revs, size_t n);
/* An array of strings. */
json_t *cli_json_strings(const char *const *v, size_t n);
/* The version table's rows: [{"revision": "x", "head": true}]. */
json_t *cli_json_current(retort *r, char *const *rows, size_t n);
/* Print one document to stdout and release it. */
void cli_json_print(json_t *doc);
/* Whether a --json document was printed. */
bool cli_json_printed(void);
/* --json, after a write command: its steps and the version table's rows. */
void cli_json_print_run(cli *c, retort *r);
/* The error message just printed and its code (0: keep the last code). */
void cli_json_note_error(const char *msg, int code);
/* The parts of the library's last error (after cli_json_note_error). */
void cli_json_note_fields(const retort_error *e);
/*
 * Steps stopped part-way (retort_partial_steps): a line each,
 * "a1b2c3d4e5f6 partially applied: 2 of 5 statements (upgrade)", or as
 * JSON objects.
 */
void cli_print_partial(retort *r);
json_t *cli_json_partial(retort *r);
/* A JSON string of any text: bytes that are not UTF-8 become U+FFFD. */
json_t *cli_json_text(const char *s);
/* --json, for a failure: {"error": {...}} from the last error printed. */
void cli_json_print_error(int exit_code);
/* Print {"revisions": [...]}. */
void cli_json_print_revs(const retort_rev *const *revs, size_t n);
/* The operations of a model comparison. */
json_t *cli_json_ops(const retort_diff_result *d);

/* --- The commands ------------------------------------------------------ */

extern const cli_cmd cli_cmd_init, cli_cmd_revision, cli_cmd_merge,
	cli_cmd_upgrade, cli_cmd_downgrade, cli_cmd_current, cli_cmd_history,
	cli_cmd_heads, cli_cmd_branches, cli_cmd_show, cli_cmd_stamp,
	cli_cmd_status, cli_cmd_edit, cli_cmd_list_templates,
	cli_cmd_ensure_version, cli_cmd_help, cli_cmd_check, cli_cmd_diff,
	cli_cmd_convert, cli_cmd_dump, cli_cmd_baseline, cli_cmd_verify, cli_cmd_drift,
	cli_cmd_validate, cli_cmd_lint, cli_cmd_resume, cli_cmd_resolve;

/* The command table (main.c), NULL-terminated. */
extern const cli_cmd *const cli_commands[];
const cli_cmd *cli_lookup(const char *name);
/* The list of commands and global options. */
void cli_print_usage(FILE *f);

#endif
