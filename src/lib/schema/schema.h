/*
 * schema.h: the catalog model that autogenerate compares.
 *
 * Both sides of a comparison (the model, loaded into a scratch database,
 * and the configured database) are read back from the database's own
 * catalog into an rt_schema by an inspector (inspect_sqlite.c, ...); the
 * diff engine (diff.c) compares two of them.  Everything is kept sorted by
 * name, so that the comparison and the SQL it writes are deterministic.
 *
 * Texts that the comparison looks at come in two forms: as the catalog
 * gives them (type, dflt, expr: used to write SQL) and normalised (ntype,
 * ndflt, nexpr: used to compare), so that `varchar (20)` equals
 * `VARCHAR(20)` and `(0)` equals `0`.
 */
#ifndef RT_LIB_SCHEMA_H
#define RT_LIB_SCHEMA_H

#include "util/buf.h"
#include "util/vec.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct rt_column {
	char *name;
	char *type;        /* declared type as the catalog gives it ("" none) */
	char *ntype;       /* normalised, for comparison */
	bool notnull;
	char *dflt;        /* default expression, NULL when none */
	char *ndflt;
	int pk;            /* 1-based position in the primary key, 0 when not */
	int generated;     /* 0 no, 1 virtual, 2 stored */
	char *gen_expr;    /* the generated expression, NULL when not generated */
	char *collation;   /* NULL: the type's default */
	bool autoinc;      /* SQLite AUTOINCREMENT / PostgreSQL identity or serial */
	char *identity;    /* PostgreSQL: "ALWAYS" or "BY DEFAULT"; NULL */
	char *comment;
	char *def;         /* SQLite: the column's definition as in CREATE TABLE */
	char *seq;         /* PostgreSQL serial: the sequence it owns; NULL */
} rt_column;

/* A unique, check or foreign key constraint. */
typedef struct rt_constraint {
	char *name;        /* NULL when unnamed (or the catalog does not keep it) */
	rt_strvec cols;    /* unique and foreign key columns, in order */
	char *expr;        /* check: the expression as written */
	char *nexpr;       /* check: normalised */
	char *ref_table;   /* foreign key */
	rt_strvec ref_cols;      /* empty: the target's primary key */
	char *on_delete;   /* "NO ACTION", "CASCADE", "SET NULL", ... */
	char *on_update;
	char *deferrable;  /* "" or "DEFERRABLE INITIALLY DEFERRED" / "... IMMEDIATE" */
	char *def;         /* the constraint as SQL, for ALTER TABLE ADD */
} rt_constraint;

typedef struct rt_index {
	char *name;
	char *table;
	bool unique;
	rt_strvec keys;    /* normalised: column or expression, " DESC", " COLLATE x" */
	char *where;       /* normalised predicate of a partial index, or NULL */
	char *extra;       /* PostgreSQL: "USING gin", "INCLUDE (a)"; NULL none */
	char *sql;         /* the CREATE INDEX statement */
} rt_index;

typedef struct rt_table {
	char *name;
	rt_column *cols;
	size_t ncols;      /* in table order */
	char *pk_name;
	rt_strvec pk;      /* primary key columns, in key order */
	rt_constraint *uniques;
	size_t nuniques;
	rt_constraint *checks;
	size_t nchecks;
	rt_constraint *fks;
	size_t nfks;
	char *options;     /* SQLite: "WITHOUT ROWID", "STRICT"; "" none */
	char *comment;
	char *sql;         /* SQLite: the CREATE TABLE statement */
} rt_table;

/* A view, trigger, enum type or sequence. */
typedef struct rt_object {
	char *name;
	char *table;       /* trigger: its table */
	char *def;         /* normalised definition, compared */
	char *sql;         /* the statement that creates it */
	rt_strvec values;  /* enum: labels in order */
	char *comment;
} rt_object;

typedef struct rt_objvec {
	rt_object *v;
	size_t n, cap;
} rt_objvec;

typedef struct rt_schema {
	rt_table *tables;
	size_t ntables, cap_tables;
	rt_index *indexes;
	size_t nindexes, cap_indexes;
	rt_objvec views, triggers, enums, sequences;
} rt_schema;

void rt_schema_free(rt_schema *s);
/* Sort every list by name (and each table's constraints by content). */
void rt_schema_sort(rt_schema *s);
rt_table *rt_schema_add_table(rt_schema *s, const char *name);
rt_index *rt_schema_add_index(rt_schema *s, const char *name, const char *table);
rt_object *rt_objvec_add(rt_objvec *ov, const char *name);
rt_column *rt_table_add_column(rt_table *t, const char *name);
rt_constraint *rt_constraint_add(rt_constraint **v, size_t *n);

const rt_table *rt_schema_table(const rt_schema *s, const char *name);
const rt_column *rt_table_column(const rt_table *t, const char *name);
const rt_object *rt_objvec_find(const rt_objvec *ov, const char *name);
const rt_index *rt_schema_index(const rt_schema *s, const char *name);

/*
 * Keep only what the filters let through: names matching none of include
 * (when it is not empty) or any of exclude (shell globs, fnmatch) go, with
 * their indexes and triggers.
 */
void rt_schema_filter(rt_schema *s, const rt_strvec *include, const rt_strvec *exclude);

/* --- SQL text --------------------------------------------------------------- */

/*
 * A token of SQL text, after SQLite's tokenizer (tokenize.c) in small:
 * blanks and comments are skipped; a quoted identifier ("x", `x`, [x]) is
 * one RT_TOK_QIDENT, a string literal one RT_TOK_STRING.
 */
typedef enum rt_tok_kind {
	RT_TOK_END, RT_TOK_WORD, RT_TOK_QIDENT, RT_TOK_STRING, RT_TOK_NUMBER,
	RT_TOK_PUNCT
} rt_tok_kind;

typedef struct rt_tok {
	rt_tok_kind kind;
	const char *p;     /* start in the text */
	size_t len;
} rt_tok;

/* The token at or after *pos; *pos moves past it. */
rt_tok rt_tok_next(const char *text, size_t *pos);
/* Whether tok is the word w (case-insensitive) or the punctuation w. */
bool rt_tok_is(const rt_tok *tok, const char *w);
/* An identifier token's name, unquoted (quotes undoubled). */
char *rt_tok_ident(const rt_tok *tok);

/*
 * Normalise an expression for comparison: tokens joined by one space
 * (none around "(", ")", ",", "."), words and identifiers folded to lower
 * case, strings kept, and parentheses around the whole removed.
 */
void rt_expr_normalise(rt_buf *out, const char *expr);
/* The same, as a string of its own (NULL for NULL). */
char *rt_expr_normalised(const char *expr);
/* Normalise a column type for dialect ("sqlite", "postgresql"). */
void rt_type_normalise(rt_buf *out, const char *dialect, const char *type);
/*
 * Append name as SQL: bare when it is a plain lower-case identifier (also
 * holding the characters of `also` after its first) and not one of
 * reserved (NULL-ended), else quoted: a backend's renderer, with its words.
 */
void rt_put_name_unless(rt_buf *b, const char *name, const char *also,
			const char *const *reserved);
/* Whether expr uses the identifier name (a whole token, case-insensitive). */
bool rt_expr_mentions(const char *expr, const char *name);

#endif
