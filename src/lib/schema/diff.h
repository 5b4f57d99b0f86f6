/*
 * diff.h: the difference between two catalogs, as a list of operations.
 *
 * rt_diff_compute(from, to) lists what turns `from` into `to`, in
 * dependency order (the order of rt_op_kind: drops of dependents first,
 * then renames, then creations of types before tables, tables before
 * their columns, constraints, indexes and foreign keys, views last).  The
 * inverse of a diff is the diff the other way round, with the renames
 * inverted: that is how a revision's downgrade section is written.
 *
 * rt_diff_render writes the SQL for a dialect.  On SQLite a table change
 * that ALTER TABLE cannot make becomes a rebuild of the table (SQLite's
 * documented twelve steps, in small): create "_retort_new_<t>" from the
 * target's CREATE TABLE, copy the common columns, drop the old table,
 * rename the new one, recreate its indexes; views and triggers are
 * dropped before and recreated after, since a rename checks every one.
 */
#ifndef RT_LIB_DIFF_H
#define RT_LIB_DIFF_H

#include "error.h"
#include "schema.h"

#define RT_OP_KINDS(X)                                   \
	X(DROP_VIEW, "drop_view", "remove view")         \
	X(DROP_TRIGGER, "drop_trigger", "remove trigger") \
	X(DROP_FK, "drop_foreign_key", "remove foreign key") \
	X(DROP_INDEX, "drop_index", "remove index")      \
	X(DROP_UNIQUE, "drop_unique", "remove unique constraint") \
	X(DROP_CHECK, "drop_check", "remove check constraint") \
	X(DROP_COLUMN, "drop_column", "remove column")   \
	X(DROP_TABLE, "drop_table", "remove table")      \
	X(DROP_SEQUENCE, "drop_sequence", "remove sequence") \
	X(DROP_ENUM, "drop_enum", "remove enum")         \
	X(RENAME_TABLE, "rename_table", "rename table")  \
	X(RENAME_COLUMN, "rename_column", "rename column") \
	X(CREATE_ENUM, "create_enum", "add enum")        \
	X(ADD_ENUM_VALUE, "add_enum_value", "add enum value") \
	X(CREATE_SEQUENCE, "create_sequence", "add sequence") \
	X(ALTER_SEQUENCE, "alter_sequence", "modify sequence") \
	X(CREATE_TABLE, "create_table", "add table")     \
	X(ALTER_TABLE, "alter_table", "modify table options") \
	X(ADD_COLUMN, "add_column", "add column")        \
	X(ALTER_COLUMN, "alter_column", "modify column") \
	X(ALTER_PK, "alter_primary_key", "modify primary key") \
	X(ADD_UNIQUE, "add_unique", "add unique constraint") \
	X(ADD_CHECK, "add_check", "add check constraint") \
	X(CREATE_INDEX, "create_index", "add index")     \
	X(ADD_FK, "add_foreign_key", "add foreign key")  \
	X(CREATE_VIEW, "create_view", "add view")        \
	X(CREATE_TRIGGER, "create_trigger", "add trigger") \
	X(COMMENT, "comment", "modify comment")

typedef enum rt_op_kind {
#define RT_X_(k, name, text) RT_OP_##k,
	RT_OP_KINDS(RT_X_)
#undef RT_X_
	RT_OP__COUNT
} rt_op_kind;

/* One operation.  Pointers point into the two schemas given to compute. */
typedef struct rt_op {
	rt_op_kind kind;
	const char *table;          /* the table's name on the side it exists */
	const char *name;           /* the object's (or column's) name */
	const char *old_name;       /* renames: the name before */
	const rt_table *ftable, *ttable; /* the table on each side, when any */
	const void *from, *to;      /* the object on each side: rt_column,
	                               rt_index, rt_constraint, rt_object */
	char *detail;               /* what changes, e.g. "type INT -> TEXT" */
	char *review;               /* why a reader should look, or NULL */
} rt_op;

/* Renames declared in the model: from-side name -> to-side name. */
typedef struct rt_renames {
	rt_strvec tables_old, tables_new;
	rt_strvec cols_table;       /* the table's to-side name */
	rt_strvec cols_old, cols_new;
} rt_renames;

typedef struct rt_diff {
	rt_op *ops;
	size_t n, cap;
	const rt_schema *from, *to;
	const rt_renames *renames;
} rt_diff;

/*
 * With hints, a drop that could have been a rename says so (an upgrade's
 * notes; a downgrade undoes what the model asked for and needs none).
 */
void rt_diff_compute(rt_diff *d, const rt_schema *from, const rt_schema *to,
		     const rt_renames *renames, bool hints);
void rt_diff_free(rt_diff *d);

const char *rt_op_kind_name(rt_op_kind k);
/* One line for a person: "add column 'todos.done'". */
void rt_op_describe(rt_buf *out, const rt_op *op);

/*
 * Write the SQL that applies d, for dialect ("sqlite", "postgresql"): its
 * backend's renderer.  Returns 0, or RETORT_EUNSUPPORTED (message in err)
 * when the backend has none.
 */
int rt_diff_render(rt_buf *out, const rt_diff *d, const char *dialect, rt_err *err);

/* A review note as "-- review:" lines, one per part ("a; b" is two). */
void rt_review_lines(rt_buf *out, const char *review);

void rt_renames_invert(rt_renames *out, const rt_renames *in);
void rt_renames_free(rt_renames *r);

#endif
