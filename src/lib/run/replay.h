/*
 * replay.h: running revisions' SQL on a scratch database and comparing
 * schemas: what convert, verify and drift share (convert.c, verify.c, drift.c).
 */
#ifndef RT_LIB_REPLAY_H
#define RT_LIB_REPLAY_H

#include "diff.h"
#include "model.h"
#include "project.h"
#include "schema.h"

/* Run sql on conn, one statement at a time (the backend's own split). */
int rt_replay_exec(retort *r, retort_conn *conn, const char *sql);
/*
 * Read conn's schema with the backend's inspector, without what a
 * comparison leaves out: the version table, retort_log, and what the
 * configuration's include_objects/exclude_objects say.
 */
int rt_replay_inspect(retort *r, retort_conn *conn, rt_schema *out);
/* Filter s as rt_replay_inspect does (autogenerate's filter too). */
void rt_replay_filter(retort *r, rt_schema *s);
/*
 * The differences that turn a into b, described one after another
 * ("add column 'users.nickname'; ..."), at most max of them then "and N
 * more" (max 0: all); returns how many there are.
 */
size_t rt_replay_differences(retort *r, const rt_schema *a, const rt_schema *b, size_t max,
			     rt_buf *text);

/*
 * A fingerprint of conn's catalog, in one query, its rows sorted: equal
 * fingerprints are equal schemas (blanks inside SQL text do not count);
 * different ones may still be (the inspector judges).  Rows are the
 * fields joined by \x1f: SQLite's type, name, table, SQL; PostgreSQL's
 * kind (r i v m S: relations, c: a column, k: a constraint, T: an enum
 * type), name, sub-name, definition.
 */
int rt_replay_fingerprint(retort *r, retort_conn *conn, rt_strvec *out);

/* A scratch database of the project's backend that runs revisions (verify, drift). */
typedef struct rt_replay {
	retort *r;
	rt_scratch sc;
	char *url;
} rt_replay;

int rt_replay_open(retort *r, rt_replay *p);
/* Close and drop it; returns rc, or the drop's failure. */
int rt_replay_close(rt_replay *p, int rc);
/* Run a revision's upgrade (up) or downgrade on it; a failure names the file. */
int rt_replay_section(rt_replay *p, const rt_revfile *rf, bool up);

#endif
