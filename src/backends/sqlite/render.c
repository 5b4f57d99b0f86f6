/*
 * backends/sqlite/render.c: a diff (diff.h) as SQLite SQL.
 *
 * SQLite's ALTER TABLE can rename a table or a column, add a column (one
 * that is not part of a key and has a constant default) and drop a column
 * (one that nothing else uses).  Any other change to a table is a rebuild,
 * SQLite's own recipe (https://sqlite.org/lang_altertable.html, "making
 * other kinds of table schema changes"):
 *
 *   CREATE TABLE "_retort_new_t" (...the model's definition...);
 *   INSERT INTO "_retort_new_t" (cols) SELECT cols FROM t;
 *   DROP TABLE t;
 *   ALTER TABLE "_retort_new_t" RENAME TO t;
 *   CREATE INDEX ...                 -- the table's unchanged indexes
 *
 * inside the step's transaction.  Two details make it safe there:
 * `PRAGMA foreign_keys` is a no-op inside a transaction, so the step says
 * `PRAGMA defer_foreign_keys = ON` (violations are counted at COMMIT, not
 * at each statement) and ends with `PRAGMA foreign_key_check`; and since
 * SQLite 3.26 a rename re-checks every view and trigger, which fails on
 * one that names the dropped table, so a step that rebuilds or renames
 * drops all views and triggers first and creates them again at the end.
 *
 * The order of a step:
 *   views, triggers dropped  ->  indexes dropped  ->  tables dropped  ->
 *   tables altered or rebuilt  ->  tables created  ->  indexes created  ->
 *   views, triggers created
 */
#include "sqlite.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Words that may not stand bare as a name (the common ones; others quote). */
static const char *const reserved[] = {
	"add", "all", "alter", "and", "as", "asc", "between", "by", "case", "check",
	"collate", "column", "constraint", "create", "default", "delete", "desc",
	"distinct", "drop", "else", "end", "exists", "foreign", "from", "group",
	"having", "in", "index", "insert", "into", "is", "join", "key", "limit",
	"not", "null", "on", "or", "order", "primary", "references", "select", "set",
	"table", "then", "to", "transaction", "trigger", "union", "unique", "update",
	"user", "using", "values", "view", "when", "where", "with", NULL
};

void rt_sqlite_put_name(rt_buf *b, const char *name)
{
	rt_put_name_unless(b, name, "", reserved);
}

typedef struct render {
	rt_buf *out;
	const rt_diff *d;
	bool heavy;    /* views and triggers are all dropped and recreated */
	bool rebuild;  /* some table is rebuilt */
} render;

static void stmt(render *rd, const char *review, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* One statement, after its review note. */
static void stmt(render *rd, const char *review, const char *fmt, ...)
{
	rt_review_lines(rd->out, review);
	va_list ap;
	va_start(ap, fmt);
	rt_buf_vprintf(rd->out, fmt, ap);
	va_end(ap);
	rt_buf_puts(rd->out, ";\n");
}

static char *name_sql(const char *name)
{
	rt_buf b = RT_BUF_INIT;
	rt_sqlite_put_name(&b, name);
	return rt_buf_detach(&b);
}

/* --- Which tables change, and how ------------------------------------------------------ */

static bool table_op(rt_op_kind k)
{
	switch (k) {
	case RT_OP_RENAME_TABLE: case RT_OP_ADD_COLUMN: case RT_OP_DROP_COLUMN:
	case RT_OP_RENAME_COLUMN: case RT_OP_ALTER_COLUMN: case RT_OP_ALTER_PK:
	case RT_OP_ADD_UNIQUE: case RT_OP_DROP_UNIQUE: case RT_OP_ADD_CHECK:
	case RT_OP_DROP_CHECK: case RT_OP_ADD_FK: case RT_OP_DROP_FK: case RT_OP_ALTER_TABLE:
		return true;
	default:
		return false;
	}
}

/* A literal ALTER TABLE ADD COLUMN accepts as a default. */
static bool constant_default(const char *expr)
{
	size_t pos = 0;
	rt_tok t = rt_tok_next(expr, &pos);
	if (rt_tok_is(&t, "-") || rt_tok_is(&t, "+"))
		t = rt_tok_next(expr, &pos);
	bool literal = t.kind == RT_TOK_STRING || t.kind == RT_TOK_NUMBER ||
		       rt_tok_is(&t, "NULL") || rt_tok_is(&t, "TRUE") || rt_tok_is(&t, "FALSE");
	return literal && rt_tok_next(expr, &pos).kind == RT_TOK_END;
}

static bool addable(const rt_column *c)
{
	if (c->pk || c->generated == 2 || c->autoinc)
		return false;
	if (c->dflt && !constant_default(c->dflt))
		return false;
	return !c->notnull || (c->dflt && strcasecmp(c->dflt, "NULL"));
}

static bool in_vec(const rt_strvec *v, const char *s)
{
	for (size_t i = 0; i < v->len; i++)
		if (!strcasecmp(v->v[i], s))
			return true;
	return false;
}

/* Whether ALTER TABLE DROP COLUMN may drop c: nothing else uses it. */
static bool droppable(const rt_diff *d, const rt_table *f, const rt_column *c)
{
	if (c->pk || c->generated)
		return false;
	for (size_t i = 0; i < f->nuniques; i++)
		if (in_vec(&f->uniques[i].cols, c->name))
			return false;
	for (size_t i = 0; i < f->nfks; i++)
		if (in_vec(&f->fks[i].cols, c->name))
			return false;
	for (size_t i = 0; i < f->nchecks; i++)
		if (rt_expr_mentions(f->checks[i].expr, c->name))
			return false;
	for (size_t i = 0; i < f->ncols; i++)
		if (rt_expr_mentions(f->cols[i].gen_expr, c->name))
			return false;
	for (size_t i = 0; i < d->from->nindexes; i++) {
		const rt_index *x = &d->from->indexes[i];
		if (strcasecmp(x->table, f->name))
			continue;
		if (rt_expr_mentions(x->where, c->name))
			return false;
		for (size_t k = 0; k < x->keys.len; k++)
			if (rt_expr_mentions(x->keys.v[k], c->name))
				return false;
	}
	return true;
}

/* Whether every change to table t is one ALTER TABLE can make. */
static bool alterable(const rt_diff *d, const rt_table *t)
{
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		if (op->ttable != t || !table_op(op->kind))
			continue;
		if (op->kind == RT_OP_ADD_COLUMN && addable(op->to))
			continue;
		if (op->kind == RT_OP_DROP_COLUMN && droppable(d, op->ftable, op->from))
			continue;
		if (op->kind != RT_OP_RENAME_TABLE && op->kind != RT_OP_RENAME_COLUMN)
			return false;
	}
	return true;
}

static bool changes(const rt_diff *d, const rt_table *t)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->ops[i].ttable == t && d->ops[i].ftable && table_op(d->ops[i].kind))
			return true;
	return false;
}

static const rt_table *from_of(const rt_diff *d, const rt_table *t)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->ops[i].ttable == t && d->ops[i].ftable)
			return d->ops[i].ftable;
	return rt_schema_table(d->from, t->name);
}

/* --- Statements ------------------------------------------------------------------------------ */

static const rt_op *find_op(const rt_diff *d, rt_op_kind kind, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->ops[i].kind == kind && d->ops[i].name && !strcmp(d->ops[i].name, name))
			return &d->ops[i];
	return NULL;
}

static void drop_objects(render *rd, const rt_objvec *ov, rt_op_kind kind, const char *what)
{
	for (size_t i = 0; i < ov->n; i++) {
		const rt_op *op = find_op(rd->d, kind, ov->v[i].name);
		if (!op && !rd->heavy)
			continue;
		char *n = name_sql(ov->v[i].name);
		stmt(rd, op ? op->review : NULL, "DROP %s %s", what, n);
		free(n);
	}
}

static void create_objects(render *rd, const rt_objvec *ov, rt_op_kind kind)
{
	for (size_t i = 0; i < ov->n; i++)
		if (rd->heavy || find_op(rd->d, kind, ov->v[i].name))
			stmt(rd, NULL, "%s", ov->v[i].sql);
}

static void drop_indexes_and_tables(render *rd)
{
	const rt_diff *d = rd->d;
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		char *n = op->name ? name_sql(op->name) : NULL;
		if (op->kind == RT_OP_DROP_INDEX && !find_op(d, RT_OP_DROP_TABLE, op->table))
			stmt(rd, op->review, "DROP INDEX %s", n);
		else if (op->kind == RT_OP_DROP_TABLE)
			stmt(rd, op->review, "DROP TABLE %s", n);
		free(n);
	}
}

static void alter_table(render *rd, const rt_table *f, const rt_table *t)
{
	const rt_diff *d = rd->d;
	char *tn = name_sql(t->name);
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		if (op->ttable != t)
			continue;
		char *n = op->name ? name_sql(op->name) : NULL;
		char *o = op->old_name ? name_sql(op->old_name) : NULL;
		char *fn = name_sql(f->name);
		if (op->kind == RT_OP_RENAME_TABLE)
			stmt(rd, op->review, "ALTER TABLE %s RENAME TO %s", o, tn);
		else if (op->kind == RT_OP_RENAME_COLUMN)
			stmt(rd, op->review, "ALTER TABLE %s RENAME COLUMN %s TO %s", tn, o, n);
		else if (op->kind == RT_OP_DROP_COLUMN)
			stmt(rd, op->review, "ALTER TABLE %s DROP COLUMN %s", fn, n);
		else if (op->kind == RT_OP_ADD_COLUMN)
			stmt(rd, op->review, "ALTER TABLE %s ADD COLUMN %s", tn,
			     ((const rt_column *)op->to)->def);
		free(n);
		free(o);
		free(fn);
	}
	free(tn);
}

/* t's CREATE TABLE with its name replaced by `name`. */
static void create_as(rt_buf *out, const rt_table *t, const char *name)
{
	size_t pos = 0;
	rt_tok_next(t->sql, &pos); /* CREATE */
	rt_tok_next(t->sql, &pos); /* TABLE */
	rt_tok n = rt_tok_next(t->sql, &pos);
	if (rt_tok_is(&n, "IF")) { /* SQLite drops IF NOT EXISTS; a model may not */
		rt_tok_next(t->sql, &pos);
		rt_tok_next(t->sql, &pos);
		rt_tok_next(t->sql, &pos);
	}
	rt_buf_puts(out, "CREATE TABLE ");
	rt_sqlite_put_name(out, name);
	rt_buf_puts(out, t->sql + pos);
}

/* The from-side column whose values go into to-side column c, or NULL. */
static const rt_column *source_of(const rt_diff *d, const rt_table *f, const rt_table *t,
				  const rt_column *c)
{
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		if (op->kind == RT_OP_RENAME_COLUMN && op->ttable == t && op->to == c)
			return op->from;
	}
	const rt_column *src = rt_table_column(f, c->name);
	for (size_t i = 0; src && i < d->n; i++) /* its name went to another column */
		if (d->ops[i].kind == RT_OP_RENAME_COLUMN && d->ops[i].ttable == t &&
		    d->ops[i].from == src)
			return NULL;
	return src;
}

static void copy_rows(render *rd, const rt_table *f, const rt_table *t, const char *tmp)
{
	rt_buf into = RT_BUF_INIT, sel = RT_BUF_INIT;
	for (size_t i = 0; i < t->ncols; i++) {
		const rt_column *c = &t->cols[i];
		const rt_column *src = c->generated ? NULL : source_of(rd->d, f, t, c);
		if (!src)
			continue;
		if (into.len) {
			rt_buf_puts(&into, ", ");
			rt_buf_puts(&sel, ", ");
		}
		rt_sqlite_put_name(&into, c->name);
		rt_sqlite_put_name(&sel, src->name);
	}
	if (into.len) {
		char *fn = name_sql(f->name);
		stmt(rd, NULL, "INSERT INTO %s (%s) SELECT %s FROM %s", tmp, into.ptr, sel.ptr, fn);
		free(fn);
	}
	rt_buf_free(&into);
	rt_buf_free(&sel);
}

/* The notes of every operation on t, one line each, before its rebuild. */
static void rebuild_notes(render *rd, const rt_table *t)
{
	for (size_t i = 0; i < rd->d->n; i++) {
		const rt_op *op = &rd->d->ops[i];
		if (op->ttable == t && table_op(op->kind))
			rt_review_lines(rd->out, op->review);
	}
}

static void rebuild_table(render *rd, const rt_table *f, const rt_table *t)
{
	const rt_diff *d = rd->d;
	rt_buf tmpname = RT_BUF_INIT, create = RT_BUF_INIT;
	rt_buf_printf(&tmpname, "_retort_new_%s", t->name);
	char *tmp = name_sql(tmpname.ptr), *fn = name_sql(f->name), *tn = name_sql(t->name);
	rt_buf_printf(rd->out, "-- rebuild %s: SQLite's ALTER TABLE cannot make this change\n", tn);
	rebuild_notes(rd, t);
	create_as(&create, t, tmpname.ptr);
	stmt(rd, NULL, "%s", create.ptr);
	copy_rows(rd, f, t, tmp);
	stmt(rd, NULL, "DROP TABLE %s", fn);
	stmt(rd, NULL, "ALTER TABLE %s RENAME TO %s", tmp, tn);
	for (size_t i = 0; i < d->to->nindexes; i++) {
		const rt_index *x = &d->to->indexes[i];
		if (!strcmp(x->table, t->name) && !find_op(d, RT_OP_CREATE_INDEX, x->name))
			stmt(rd, NULL, "%s", x->sql);
	}
	free(tmp);
	free(fn);
	free(tn);
	rt_buf_free(&tmpname);
	rt_buf_free(&create);
}

static void plan(render *rd)
{
	const rt_diff *d = rd->d;
	for (size_t i = 0; i < d->to->ntables; i++) {
		const rt_table *t = &d->to->tables[i];
		if (changes(d, t) && !alterable(d, t))
			rd->rebuild = true;
	}
	rd->heavy = rd->rebuild;
	for (size_t i = 0; i < d->n; i++) {
		rt_op_kind k = d->ops[i].kind;
		if (k == RT_OP_RENAME_TABLE || k == RT_OP_RENAME_COLUMN || k == RT_OP_DROP_COLUMN)
			rd->heavy = true;
	}
}

void rt_render_sqlite(rt_buf *out, const rt_diff *d)
{
	render rd = { out, d, false, false };
	plan(&rd);
	if (rd.rebuild)
		stmt(&rd, NULL, "PRAGMA defer_foreign_keys = ON");
	drop_objects(&rd, &d->from->views, RT_OP_DROP_VIEW, "VIEW");
	drop_objects(&rd, &d->from->triggers, RT_OP_DROP_TRIGGER, "TRIGGER");
	drop_indexes_and_tables(&rd);
	for (size_t i = 0; i < d->to->ntables; i++) {
		const rt_table *t = &d->to->tables[i];
		if (!changes(d, t))
			continue;
		if (alterable(d, t))
			alter_table(&rd, from_of(d, t), t);
		else
			rebuild_table(&rd, from_of(d, t), t);
	}
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		if (op->kind == RT_OP_CREATE_TABLE)
			stmt(&rd, op->review, "%s", op->ttable->sql);
	}
	for (size_t i = 0; i < d->n; i++)
		if (d->ops[i].kind == RT_OP_CREATE_INDEX)
			stmt(&rd, d->ops[i].review, "%s", ((const rt_index *)d->ops[i].to)->sql);
	create_objects(&rd, &d->to->views, RT_OP_CREATE_VIEW);
	create_objects(&rd, &d->to->triggers, RT_OP_CREATE_TRIGGER);
	if (rd.rebuild)
		stmt(&rd, NULL, "PRAGMA foreign_key_check");
}
