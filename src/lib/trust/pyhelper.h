/*
 * pyhelper.h: running retort's Alembic helper (share/retort/alembic_helper.py,
 * built into the binary) with the project's Python.
 *
 * The helper runs from the configuration's folder, so that the project's
 * own modules import as they do for Alembic.  Its standard input and output
 * are pipes to us; its standard error is kept in a temporary file and its
 * last line becomes the error message when it fails.  A database URL goes
 * to it in the environment ($RETORT_HELPER_URL), never in its arguments,
 * which any user of the machine can read.
 */
#ifndef RT_LIB_PYHELPER_H
#define RT_LIB_PYHELPER_H

#include "project.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

typedef struct rt_pyhelper {
	pid_t pid;
	FILE *in;       /* its standard input */
	FILE *out;      /* its standard output */
	FILE *err;      /* its standard error, kept */
	char *python;   /* the program */
	bool is_python; /* the helper (its failures hint at --python) */
} rt_pyhelper;

/*
 * The project's interpreter: python when given (--python), else
 * $RETORT_PYTHON, else the config's python key, else the one the `alembic`
 * command on PATH runs (its #! line), else python3, else /usr/bin/python3,
 * those two only if they import need ("alembic", or "sqlalchemy" for a
 * model); found once per handle;
 * NULL with r->err naming what was tried and how to say which.  -v logs
 * the one chosen and why.
 */
char *rt_find_python(retort *r, const char *python, const char *need);
/*
 * Start the helper with that interpreter (rt_find_python).  args are the
 * helper's (mode first); url, when not NULL, is put in its environment.
 */
int rt_pyhelper_start(retort *r, rt_pyhelper *h, const char *python, const char *const *args,
		      const char *url);
/* Any program, run the same way: program (found on PATH) with args. */
int rt_process_start(retort *r, rt_pyhelper *h, const char *program, const char *const *args,
		     const char *url);
/*
 * Close its input, wait for it; non-zero exit is RETORT_EEXTERNAL with the
 * last line it wrote to standard error, prefixed with what.
 */
int rt_pyhelper_finish(retort *r, rt_pyhelper *h, const char *what);
/* Read what is left of its output into out. */
void rt_pyhelper_read_all(rt_pyhelper *h, rt_buf *out);
/*
 * The same, for at most timeout seconds and until retort_interrupt(): 0 at
 * the end of its output, RETORT_EEXTERNAL when the time ran out,
 * RETORT_EINTERRUPTED, RETORT_EIO.  The caller then ends it (rt_pyhelper_kill).
 */
int rt_pyhelper_read_until(retort *r, rt_pyhelper *h, rt_buf *out, double timeout);
/* SIGKILL to the program and everything it started (its process group). */
void rt_pyhelper_kill(rt_pyhelper *h);

/*
 * While writing to a helper that may have died: SIGPIPE blocked in the
 * calling thread only (a write then fails with EPIPE), and one raised
 * meanwhile taken back before the mask is restored.  No process-wide
 * signal disposition is touched, so a program's own handler and other
 * threads are left alone (as curl's CURLOPT_NOSIGNAL and OpenSSL advise).
 */
typedef struct rt_nopipe {
	sigset_t old;
	bool pending; /* one was pending before: not ours to take */
} rt_nopipe;
void rt_nopipe_begin(rt_nopipe *g);
void rt_nopipe_end(rt_nopipe *g);

#endif
