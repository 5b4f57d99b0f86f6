/*
 * project.h: the handle behind `retort *`, shared by the library's modules.
 *
 * A handle loads lazily: the configuration at retort_open, the revision
 * files and graph on the first call that needs them (rt_project_graph), the
 * connection and the version table's rows on the first call that needs the
 * database (rt_project_state).  Commands that need neither stay fast.
 */
#ifndef RT_LIB_PROJECT_H
#define RT_LIB_PROJECT_H

#include "config.h"
#include "backends/backend.h"
#include "error.h"
#include "graph.h"
#include "retort.h"
#include "backends/backend.h"
#include "revfile.h"
#include "url.h"

#include <stdatomic.h>
#include <stdbool.h>

struct retort {
	rt_err err;
	retort_error last_error;  /* retort_last_error()'s view of err */
	retort_log_fn log;
	void *log_data;
	int verbosity;
	int wait;
	rt_strvec xkeys, xvals;   /* -x key=value */

	rt_config cfg;
	rt_url url;
	bool url_ok;              /* url parsed */
	const rt_backend *backend;

	rt_revfile *files;        /* the revision files, in load order */
	uint32_t nfiles;
	bool graph_ok;
	rt_graph graph;

	retort_conn *conn;
	bool writing;             /* the command writes: it may create the database */
	bool missing_is_empty;    /* reading: a database not made yet is empty */
	atomic_int interrupted;   /* retort_interrupt(), from any thread or a handler */
	_Atomic(retort_conn *) inflight; /* the connection in a driver call, for cancel */
	bool state_ok;
	rt_state state;
	unsigned long db_calls;   /* through db.c's wrappers (fault injection counts them) */
	struct rt_findings *findings; /* verify, drift: their problems as data too, when set */
	char *python[2];          /* the interpreter found for Alembic, for SQLAlchemy (pyhelper.c) */
};

/* Load the revision files and build the graph, once. */
int rt_project_graph(retort *r);
/*
 * Add n revisions not read from files (retort_log's, for a downgrade) to
 * the graph, taking them over, and build it again; the existing nodes keep
 * their indices.  The state is dropped.
 */
int rt_project_add_revisions(retort *r, rt_revfile *more, uint32_t n);
/* Drop the graph and the state read on it: the next use reads the files again. */
void rt_project_forget_graph(retort *r);
/* Parse the URL and choose the backend, once (no connection). */
int rt_project_url(retort *r);
/* Connect, once (retrying up to wait_timeout with opts.wait). */
int rt_project_connect(retort *r);
/* Read the version table's rows (again, when reload) into r->state. */
int rt_project_state(retort *r, bool reload);

/* Log a line through the callback (printf-style). */
void rt_log(retort *r, retort_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Read every version location's *.sql files into r->files (sorted by file
 * name within each folder) and build r->graph.
 */
int rt_scripts_load(retort *r);

#endif
