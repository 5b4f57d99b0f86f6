/*
 * model.h: the model (the schema the team wants) read as a catalog.
 *
 * The model is SQL: cfg.model names a .sql file or a folder of them (run in
 * file-name order).  It is loaded into a scratch database (dev_url; SQLite:
 * in memory) and read back by the backend's inspector, so that the model
 * and the database are compared in the same terms.
 */
#ifndef RT_LIB_MODEL_H
#define RT_LIB_MODEL_H

#include "diff.h"
#include "project.h"
#include "schema.h"

/*
 * Load the model into *out, and its `-- retort:renamed-from old` comments
 * into *renames.  A statement of the model that fails is RETORT_EPARSE:
 * "schema.sql:12: near "TABL": syntax error".  db, when given, is the
 * database side it is to be compared with: where the database deparses an
 * expression into text it reads back differently (PostgreSQL's CHECKs),
 * both sides are brought to the same form while the model is loaded.
 */
int rt_model_load(retort *r, rt_schema *out, rt_renames *renames, rt_schema *db);
/* Whether the configuration names a model that is there (a file, folder or command). */
bool rt_model_exists(const retort *r);

/*
 * A scratch database (model.c says where): the connection it is reached
 * by, whether that is ours to close, a database made for it or a file, to
 * remove, and (schema mode) a transaction to roll back.
 */
typedef struct rt_scratch {
	retort_conn *conn;
	bool own;
	char *dbname;
	char *file;
	bool txn;
} rt_scratch;

/*
 * A database of its own that a second process can reach too: on
 * PostgreSQL one made on the project's server, on SQLite a new temporary
 * file.  sc->conn is open; *sa_url (owned; it holds the password, never
 * print it) is its SQLAlchemy URL.  rt_scratch_close removes it.
 */
int rt_scratch_own_database(retort *r, rt_scratch *sc, char **sa_url);
/* Undo what opening sc did; returns rc, or the failure to remove it. */
int rt_scratch_close(retort *r, rt_scratch *sc, int rc);

/* --- For the backends' scratch code (backends/backend.h) ---------------------------- */

/* Connect to u (NULL: the driver's default, SQLite's memory) as a scratch; what names it. */
int rt_scratch_connect(retort *r, const rt_url *u, const char *database, const char *what,
		       retort_conn **out);
/*
 * "retort_scratch_<unix time>_<pid>_<8 random hex digits>": a leftover of
 * a killed run (a database, a schema, a file) is known by its name alone,
 * with when and by which process it was made, however early the kill.
 */
#define RT_SCRATCH_PREFIX "retort_scratch_"
void rt_scratch_name(rt_buf *out);
/* The time and pid in a name rt_scratch_name made (a file's may have a suffix). */
bool rt_scratch_name_parse(const char *name, long long *when, long *pid);
/* A failure of the scratch, its message prefixed with what was being done. */
int rt_scratch_fail(retort *r, int rc, const char *what);
/* Run sql on conn (the db.c wrappers work on r->conn). */
int rt_exec_on(retort *r, retort_conn *conn, const char *sql, retort_dberror *e);
/* A row callback keeping each row's first value in an rt_strvec. */
int rt_collect_first(void *data, int ncols, const char *const *values);

/* Read the handle's current connection with the backend's inspector. */
int rt_inspect(retort *r, rt_schema *out);

/*
 * The renames declared in model text: a comment `-- retort:renamed-from X`
 * at the end of a column's line or on the line above names X as the
 * column's old name; above a CREATE TABLE line, the table's.
 */
void rt_model_renames(rt_renames *out, const char *text);

#endif
