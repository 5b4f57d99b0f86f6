/*
 * backends/postgresql/render.c: a diff (diff.h) as PostgreSQL SQL.
 *
 * PostgreSQL's ALTER TABLE makes every change in place, so unlike SQLite no
 * table is ever rebuilt; what takes care is the order, since the whole
 * step runs in one transaction and each statement must find what it needs:
 *
 *   views dropped (those the model changes or drops, and those that use a
 *   column whose type changes: PostgreSQL refuses to change it under them)
 *   -> foreign keys, indexes, unique and check constraints, primary keys
 *   dropped -> columns dropped -> tables dropped -> renames -> types
 *   (CREATE TYPE, ALTER TYPE ADD VALUE, or a rebuild of the type when a
 *   label goes) -> sequences -> tables created -> columns added -> columns
 *   altered -> keys and constraints added -> indexes -> foreign keys ->
 *   comments -> views created -> types and sequences dropped last (columns
 *   and defaults that used them have changed by then).
 *
 * Notes: ALTER TYPE ... ADD VALUE may run inside a transaction since
 * PostgreSQL 12, but the new label cannot be used before the transaction
 * commits (a column default using it belongs in a later revision).  A type
 * change is written with USING col::type (through ::text when an enum is
 * on either side), with the default dropped before and set again after,
 * since a default rarely casts by itself.
 */
#include "postgresql.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* PostgreSQL's reserved and type/function-name keywords (pg_get_keywords()
   catcode R and T), which may not stand bare as a table or column name. */
static const char *const pg_reserved[] = {
	"all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
	"authorization", "binary", "both", "case", "cast", "check", "collate", "collation",
	"column", "concurrently", "constraint", "create", "cross", "current_catalog",
	"current_date", "current_role", "current_schema", "current_time",
	"current_timestamp", "current_user", "default", "deferrable", "desc", "distinct",
	"do", "else", "end", "except", "false", "fetch", "for", "foreign", "freeze", "from",
	"full", "grant", "group", "having", "ilike", "in", "initially", "inner", "intersect",
	"into", "is", "isnull", "join", "lateral", "leading", "left", "like", "limit",
	"localtime", "localtimestamp", "natural", "not", "notnull", "null", "offset", "on",
	"only", "or", "order", "outer", "overlaps", "placing", "primary", "references",
	"returning", "right", "select", "session_user", "similar", "some", "symmetric",
	"table", "tablesample", "then", "to", "trailing", "true", "union", "unique", "user",
	"using", "variadic", "verbose", "when", "where", "window", "with", NULL
};

void rt_pg_put_name(rt_buf *b, const char *name)
{
	rt_put_name_unless(b, name, "$", pg_reserved);
}

typedef struct render {
	rt_buf *out;
	const rt_diff *d;
	const rt_object **fviews;  /* from-side views, dependencies first */
	const rt_object **tviews;  /* to-side views, dependencies first */
	bool *cycle;               /* per fviews: dropped and created again */
} render;

/*
 * One statement, after its review note.  The format knows %s (text as it
 * is), %n (a name, quoted where PostgreSQL needs it) and %l (a string
 * literal, NULL when the argument is NULL).
 */
static void emit(render *rd, const char *review, const char *fmt, ...)
{
	rt_buf *o = rd->out;
	va_list ap;
	rt_review_lines(rd->out, review);
	va_start(ap, fmt);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%' || !p[1]) {
			rt_buf_putc(o, *p);
			continue;
		}
		const char *arg = va_arg(ap, const char *);
		switch (*++p) {
		case 'n':
			rt_pg_put_name(o, arg);
			break;
		case 'l':
			if (arg)
				rt_buf_put_sqlstr(o, arg);
			else
				rt_buf_puts(o, "NULL");
			break;
		default:
			rt_buf_puts(o, arg);
			break;
		}
	}
	va_end(ap);
	rt_buf_puts(o, ";\n");
}

static const rt_op *find_op(const rt_diff *d, rt_op_kind kind, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->ops[i].kind == kind && d->ops[i].name && !strcmp(d->ops[i].name, name))
			return &d->ops[i];
	return NULL;
}

static bool same_str(const char *a, const char *b)
{
	return (!a || !b) ? a == b : strcmp(a, b) == 0;
}

/* --- Names across renames ---------------------------------------------------------- */

/* The name table f (from side) has once the renames are done, or NULL if dropped. */
static const char *table_now(const rt_diff *d, const rt_table *f)
{
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		if (op->ftable == f && op->kind == RT_OP_DROP_TABLE)
			return NULL;
		if (op->ftable == f && op->kind == RT_OP_RENAME_TABLE)
			return op->name;
	}
	return f->name;
}

static const char *column_now(const rt_diff *d, const rt_column *c)
{
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		if (op->from == c && op->kind == RT_OP_DROP_COLUMN)
			return NULL;
		if (op->from == c && op->kind == RT_OP_RENAME_COLUMN)
			return op->name;
	}
	return c->name;
}

/* --- Types ----------------------------------------------------------------------------- */

/* The name in a type's text: "mood" for mood, "Mood" for "Mood"; arrays too. */
static bool type_is(const char *type, const char *name, bool *array)
{
	rt_buf b = RT_BUF_INIT;
	rt_pg_put_name(&b, name);
	size_t n = b.len;
	bool same = !strncmp(type, b.ptr, n) && (!type[n] || !strcmp(type + n, "[]"));
	*array = same && type[n] == '[';
	rt_buf_free(&b);
	return same;
}

static bool is_enum(const rt_schema *s, const char *type)
{
	bool array;
	for (size_t i = 0; i < s->enums.n; i++)
		if (type_is(type, s->enums.v[i].name, &array))
			return true;
	return false;
}

/* serial, bigserial, smallserial for a serial column's integer type. */
static const char *serial_type(const rt_column *c)
{
	if (!strcmp(c->type, "bigint"))
		return "bigserial";
	if (!strcmp(c->type, "smallint"))
		return "smallserial";
	return "serial";
}

static void put_col_def(rt_buf *b, const rt_column *c)
{
	rt_pg_put_name(b, c->name);
	rt_buf_printf(b, " %s", c->seq ? serial_type(c) : c->type);
	if (c->collation) {
		rt_buf_puts(b, " COLLATE ");
		rt_buf_put_ident(b, c->collation);
	}
	if (c->generated)
		rt_buf_printf(b, " GENERATED ALWAYS AS (%s) STORED", c->gen_expr);
	else if (c->identity)
		rt_buf_printf(b, " GENERATED %s AS IDENTITY", c->identity);
	else if (c->dflt && !c->seq)
		rt_buf_printf(b, " DEFAULT %s", c->dflt);
	if (c->notnull && !c->identity && !c->seq)
		rt_buf_puts(b, " NOT NULL");
}

static void put_cols(rt_buf *b, const rt_strvec *cols)
{
	for (size_t i = 0; i < cols->len; i++) {
		if (i)
			rt_buf_puts(b, ", ");
		rt_pg_put_name(b, cols->v[i]);
	}
}

/* --- Views ----------------------------------------------------------------------------- */

/* Views in an order where each comes after the views it names. */
static const rt_object **view_order(const rt_objvec *ov)
{
	const rt_object **v = rt_xcalloc(ov->n + 1, sizeof(*v));
	bool *placed = rt_xcalloc(ov->n + 1, sizeof(bool));
	size_t k = 0;
	while (k < ov->n) {
		size_t before = k;
		for (size_t i = 0; i < ov->n; i++) {
			if (placed[i])
				continue;
			bool ready = true;
			for (size_t j = 0; j < ov->n && ready; j++)
				if (j != i && !placed[j] && rt_expr_mentions(ov->v[i].def, ov->v[j].name))
					ready = false;
			if (ready) {
				placed[i] = true;
				v[k++] = &ov->v[i];
			}
		}
		if (k == before) /* a cycle of mentions: keep name order */
			for (size_t i = 0; i < ov->n; i++)
				if (!placed[i]) {
					placed[i] = true;
					v[k++] = &ov->v[i];
				}
	}
	free(placed);
	return v;
}

/* Whether a column change is one a view on the table must not be there for. */
static bool blocks_views(const rt_op *op)
{
	if (op->kind == RT_OP_DROP_COLUMN)
		return true;
	if (op->kind != RT_OP_ALTER_COLUMN)
		return false;
	const rt_column *f = op->from, *t = op->to;
	return strcmp(f->ntype, t->ntype) || !same_str(f->collation, t->collation) ||
	       f->generated != t->generated || !same_str(f->gen_expr, t->gen_expr);
}

/* Tables whose columns an enum rebuild retypes (from-side names). */
static void enum_tables(const rt_diff *d, rt_strvec *out)
{
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		if (op->kind != RT_OP_DROP_ENUM || !find_op(d, RT_OP_CREATE_ENUM, op->name))
			continue;
		for (size_t t = 0; t < d->from->ntables; t++) {
			const rt_table *ft = &d->from->tables[t];
			bool array;
			for (size_t c = 0; c < ft->ncols; c++)
				if (type_is(ft->cols[c].type, op->name, &array))
					rt_strvec_push(out, ft->name);
		}
	}
}

/* Mark the from-side views to drop and create again around the changes. */
static void plan_views(render *rd)
{
	const rt_diff *d = rd->d;
	size_t n = d->from->views.n;
	rt_strvec touched = RT_STRVEC_INIT;
	for (size_t i = 0; i < d->n; i++)
		if (blocks_views(&d->ops[i]))
			rt_strvec_push(&touched, d->ops[i].ftable->name);
	enum_tables(d, &touched);
	rd->cycle = rt_xcalloc(n + 1, sizeof(bool));
	for (size_t i = 0; i < n; i++) { /* in order, so that a view's views are known */
		const rt_object *v = rd->fviews[i];
		if (find_op(d, RT_OP_DROP_VIEW, v->name))
			continue;
		for (size_t k = 0; k < touched.len && !rd->cycle[i]; k++)
			rd->cycle[i] = rt_expr_mentions(v->def, touched.v[k]);
		if (rd->cycle[i])
			rt_strvec_push(&touched, v->name);
	}
	rt_strvec_free(&touched);
}

static void drop_views(render *rd)
{
	for (size_t i = rd->d->from->views.n; i-- > 0;) {
		const rt_object *v = rd->fviews[i];
		const rt_op *op = find_op(rd->d, RT_OP_DROP_VIEW, v->name);
		if (op || rd->cycle[i])
			emit(rd, op ? op->review : NULL, "DROP VIEW %n", v->name);
	}
}

static bool cycled(const render *rd, const char *name)
{
	for (size_t i = 0; i < rd->d->from->views.n; i++)
		if (rd->cycle[i] && !strcmp(rd->fviews[i]->name, name))
			return true;
	return false;
}

static void create_views(render *rd)
{
	for (size_t i = 0; i < rd->d->to->views.n; i++) {
		const rt_object *v = rd->tviews[i];
		if (find_op(rd->d, RT_OP_CREATE_VIEW, v->name) || cycled(rd, v->name))
			emit(rd, NULL, "%s", v->sql);
	}
}

/* --- Drops ------------------------------------------------------------------------------- */

static bool dropped_table(const rt_diff *d, const char *name)
{
	const rt_op *op = find_op(d, RT_OP_DROP_TABLE, name);
	return op != NULL;
}

static void drop_constraints(render *rd)
{
	const rt_diff *d = rd->d;
	/* foreign keys between tables that go, so that they can go in any order */
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		if (op->kind != RT_OP_DROP_TABLE)
			continue;
		const rt_table *f = op->ftable;
		for (size_t k = 0; k < f->nfks; k++)
			if (strcmp(f->fks[k].ref_table, f->name) &&
			    dropped_table(d, f->fks[k].ref_table))
				emit(rd, NULL, "ALTER TABLE %n DROP CONSTRAINT %n", f->name,
				     f->fks[k].name);
	}
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		if (op->kind == RT_OP_DROP_FK)
			emit(rd, op->review, "ALTER TABLE %n DROP CONSTRAINT %n", op->table, op->name);
	}
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		if (op->kind == RT_OP_DROP_INDEX && !dropped_table(d, op->table))
			emit(rd, op->review, "DROP INDEX %n", op->name);
	}
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		if (op->kind == RT_OP_DROP_UNIQUE || op->kind == RT_OP_DROP_CHECK)
			emit(rd, op->review, "ALTER TABLE %n DROP CONSTRAINT %n", op->table, op->name);
		else if (op->kind == RT_OP_ALTER_PK && op->ftable->pk_name)
			emit(rd, op->review, "ALTER TABLE %n DROP CONSTRAINT %n", op->ftable->name,
			     op->ftable->pk_name);
	}
}

/*
 * A renamed table keeps the names PostgreSQL gave its keys after the old
 * name (people_pkey); the model, made afresh, has the new ones.  Keys that
 * stay the same but whose names differ are renamed with it.
 */
static void rename_key_names(render *rd, const rt_table *f, const rt_table *t)
{
	const rt_diff *d = rd->d;
	bool pk_changes = false;
	for (size_t i = 0; i < d->n; i++)
		pk_changes |= d->ops[i].kind == RT_OP_ALTER_PK && d->ops[i].ttable == t;
	if (!pk_changes && f->pk_name && t->pk_name && strcmp(f->pk_name, t->pk_name))
		emit(rd, NULL, "ALTER TABLE %n RENAME CONSTRAINT %n TO %n", t->name, f->pk_name,
		     t->pk_name);
	for (size_t i = 0; i < t->nuniques; i++) {
		const rt_constraint *k = &t->uniques[i];
		for (size_t j = 0; j < f->nuniques; j++) {
			const rt_constraint *o = &f->uniques[j];
			bool same = o->cols.len == k->cols.len;
			for (size_t c = 0; same && c < k->cols.len; c++)
				same = !strcmp(o->cols.v[c], k->cols.v[c]);
			if (same && strcmp(o->name, k->name))
				emit(rd, NULL, "ALTER TABLE %n RENAME CONSTRAINT %n TO %n", t->name,
				     o->name, k->name);
		}
	}
}

static void drop_columns_and_tables(render *rd)
{
	const rt_diff *d = rd->d;
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		if (op->kind == RT_OP_DROP_COLUMN)
			emit(rd, op->review, "ALTER TABLE %n DROP COLUMN %n", op->table, op->name);
	}
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		if (op->kind == RT_OP_DROP_TABLE)
			emit(rd, op->review, "DROP TABLE %n", op->name);
	}
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		if (op->kind == RT_OP_RENAME_TABLE)
			emit(rd, op->review, "ALTER TABLE %n RENAME TO %n", op->old_name, op->name);
	}
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		if (op->kind == RT_OP_RENAME_COLUMN)
			emit(rd, op->review, "ALTER TABLE %n RENAME COLUMN %n TO %n", op->table,
			     op->old_name, op->name);
	}
	for (size_t i = 0; i < d->n; i++)
		if (d->ops[i].kind == RT_OP_RENAME_TABLE)
			rename_key_names(rd, d->ops[i].ftable, d->ops[i].ttable);
}

/* --- Types and sequences ------------------------------------------------------------------ */

/* The to-side column that from-side column c of table f becomes, or NULL. */
static const rt_column *column_to(const rt_diff *d, const rt_table *f, const rt_column *c,
				  const char **table)
{
	const char *tn = table_now(d, f), *cn = column_now(d, c);
	*table = tn;
	if (!tn || !cn)
		return NULL;
	const rt_table *t = rt_schema_table(d->to, tn);
	return t ? rt_table_column(t, cn) : NULL;
}

/*
 * An enum that loses or reorders labels: rename the old type away, create
 * the new one, move every column over through text (a row holding a label
 * that is gone makes this fail: the review note says so), drop the old.
 */
static void rebuild_enum(render *rd, const rt_op *drop, const rt_object *to)
{
	const rt_diff *d = rd->d;
	rt_buf old = RT_BUF_INIT;
	rt_buf_printf(&old, "_retort_old_%s", to->name);
	emit(rd, drop->review, "ALTER TYPE %n RENAME TO %n", to->name, old.ptr);
	emit(rd, NULL, "%s", to->sql);
	for (size_t i = 0; i < d->from->ntables; i++) {
		const rt_table *f = &d->from->tables[i];
		for (size_t k = 0; k < f->ncols; k++) {
			const rt_column *c = &f->cols[k];
			bool array;
			const char *tn, *cn = column_now(d, c);
			if (!type_is(c->type, to->name, &array) || !cn)
				continue;
			const rt_column *t = column_to(d, f, c, &tn);
			if (!tn)
				continue;
			if (c->dflt)
				emit(rd, NULL, "ALTER TABLE %n ALTER COLUMN %n DROP DEFAULT", tn, cn);
			emit(rd, NULL, "ALTER TABLE %n ALTER COLUMN %n TYPE %s USING %n::text%s::%s",
			     tn, cn, c->type, cn, array ? "[]" : "", c->type);
			bool same_type = t && !strcmp(t->ntype, c->ntype);
			if (same_type && t->dflt && !t->seq)
				emit(rd, NULL, "ALTER TABLE %n ALTER COLUMN %n SET DEFAULT %s", tn, cn,
				     t->dflt);
		}
	}
	emit(rd, NULL, "DROP TYPE %n", old.ptr);
	rt_buf_free(&old);
}

static void add_enum_value(render *rd, const rt_op *op)
{
	const rt_object *t = op->to;
	size_t k = 0;
	while (k < t->values.len && strcmp(t->values.v[k], op->detail))
		k++;
	if (k > 0)
		emit(rd, op->review, "ALTER TYPE %n ADD VALUE %l AFTER %l", t->name, op->detail,
		     t->values.v[k - 1]);
	else if (t->values.len > 1)
		emit(rd, op->review, "ALTER TYPE %n ADD VALUE %l BEFORE %l", t->name, op->detail,
		     t->values.v[1]);
	else
		emit(rd, op->review, "ALTER TYPE %n ADD VALUE %l", t->name, op->detail);
}

static void types_and_sequences(render *rd)
{
	const rt_diff *d = rd->d;
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		const rt_op *drop = op->kind == RT_OP_CREATE_ENUM
			? find_op(d, RT_OP_DROP_ENUM, op->name) : NULL;
		if (op->kind == RT_OP_CREATE_ENUM && drop)
			rebuild_enum(rd, drop, op->to);
		else if (op->kind == RT_OP_CREATE_ENUM)
			emit(rd, op->review, "%s", ((const rt_object *)op->to)->sql);
		else if (op->kind == RT_OP_ADD_ENUM_VALUE)
			add_enum_value(rd, op);
	}
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		const rt_object *o = op->to;
		if (op->kind == RT_OP_CREATE_SEQUENCE)
			emit(rd, op->review, "%s", o->sql);
		else if (op->kind == RT_OP_ALTER_SEQUENCE)
			emit(rd, op->review, "ALTER SEQUENCE %n %s", o->name, o->def);
	}
}

/* Types and sequences that go: last, once nothing uses them. */
static void drop_types_and_sequences(render *rd)
{
	const rt_diff *d = rd->d;
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		if (op->kind == RT_OP_DROP_ENUM && !find_op(d, RT_OP_CREATE_ENUM, op->name))
			emit(rd, op->review, "DROP TYPE %n", op->name);
		else if (op->kind == RT_OP_DROP_SEQUENCE)
			emit(rd, op->review, "DROP SEQUENCE %n", op->name);
	}
}

/* --- Tables and columns -------------------------------------------------------------------- */

static void create_table(render *rd, const rt_op *op)
{
	const rt_table *t = op->ttable;
	rt_buf b = RT_BUF_INIT;
	for (size_t i = 0; i < t->ncols; i++) {
		rt_buf_puts(&b, i ? ",\n    " : "\n    ");
		put_col_def(&b, &t->cols[i]);
	}
	if (t->pk.len) {
		rt_buf_puts(&b, ",\n    CONSTRAINT ");
		rt_pg_put_name(&b, t->pk_name);
		rt_buf_puts(&b, " PRIMARY KEY (");
		put_cols(&b, &t->pk);
		rt_buf_putc(&b, ')');
	}
	const rt_constraint *lists[] = { t->uniques, t->checks };
	size_t counts[] = { t->nuniques, t->nchecks };
	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; i < counts[l]; i++) {
			rt_buf_puts(&b, ",\n    CONSTRAINT ");
			rt_pg_put_name(&b, lists[l][i].name);
			rt_buf_printf(&b, " %s", lists[l][i].def);
		}
	emit(rd, op->review, "CREATE TABLE %n (%s\n)", t->name, b.ptr);
	rt_buf_free(&b);
}

/* Set a sequence-backed column's sequence past the values already there. */
static void sync_sequence(render *rd, const char *table, const char *col, const char *seq)
{
	rt_buf tq = RT_BUF_INIT, sq = RT_BUF_INIT;
	rt_pg_put_name(&tq, table);
	if (seq)
		rt_pg_put_name(&sq, seq);
	if (seq)
		emit(rd, NULL, "SELECT setval(%l, coalesce(max(%n), 0) + 1, false) FROM %n", sq.ptr,
		     col, table);
	else
		emit(rd, NULL, "SELECT setval(pg_get_serial_sequence(%l, %l), coalesce(max(%n), 0) + 1, "
		     "false) FROM %n", tq.ptr, col, col, table);
	rt_buf_free(&tq);
	rt_buf_free(&sq);
}

static void alter_type(render *rd, const char *tn, const rt_column *f, const rt_column *t)
{
	bool via_text = is_enum(rd->d->from, f->type) || is_enum(rd->d->to, t->type);
	rt_buf b = RT_BUF_INIT;
	if (t->collation) {
		rt_buf_puts(&b, " COLLATE ");
		rt_buf_put_ident(&b, t->collation);
	}
	emit(rd, NULL, "ALTER TABLE %n ALTER COLUMN %n TYPE %s%s USING %n%s::%s", tn, t->name,
	     t->type, b.ptr, t->name, via_text ? "::text" : "", t->type);
	rt_buf_free(&b);
}

/* The indexes a dropped and re-added column took with it, made again. */
static void recreate_indexes(render *rd, const char *table, const char *col)
{
	const rt_schema *to = rd->d->to;
	for (size_t i = 0; i < to->nindexes; i++) {
		const rt_index *x = &to->indexes[i];
		bool uses = rt_expr_mentions(x->where, col);
		for (size_t k = 0; k < x->keys.len && !uses; k++)
			uses = rt_expr_mentions(x->keys.v[k], col);
		if (uses && !strcmp(x->table, table) && !find_op(rd->d, RT_OP_CREATE_INDEX, x->name))
			emit(rd, NULL, "%s", x->sql);
	}
}

/* Every change to one column, in an order where each statement can run. */
static void alter_column(render *rd, const rt_op *op)
{
	const rt_column *f = op->from, *t = op->to;
	const char *tn = op->table, *cn = t->name;
	bool gen_changed = f->generated != t->generated || !same_str(f->gen_expr, t->gen_expr);
	bool retype = strcmp(f->ntype, t->ntype) || !same_str(f->collation, t->collation);
	rt_review_lines(rd->out, op->review);
	if (gen_changed && t->generated) {
		/* PostgreSQL cannot change a generation expression in place */
		rt_buf b = RT_BUF_INIT;
		put_col_def(&b, t);
		emit(rd, f->generated ? NULL : "the values of this column are replaced by its "
		     "generated expression", "ALTER TABLE %n DROP COLUMN %n", tn, cn);
		emit(rd, NULL, "ALTER TABLE %n ADD COLUMN %s", tn, b.ptr);
		rt_buf_free(&b);
		recreate_indexes(rd, tn, cn);
		return;
	}
	if (gen_changed)
		emit(rd, NULL, "ALTER TABLE %n ALTER COLUMN %n DROP EXPRESSION", tn, cn);
	bool dflt_gone = false;
	if (f->seq && !t->seq) {
		emit(rd, NULL, "ALTER TABLE %n ALTER COLUMN %n DROP DEFAULT", tn, cn);
		rt_buf why = RT_BUF_INIT;
		rt_buf_printf(&why, "drops sequence '%s' of serial column '%s.%s' and its current value",
			      f->seq, tn, cn);
		emit(rd, why.ptr, "DROP SEQUENCE %n", f->seq);
		rt_buf_free(&why);
		dflt_gone = true;
	}
	if (f->identity && !t->identity)
		emit(rd, NULL, "ALTER TABLE %n ALTER COLUMN %n DROP IDENTITY", tn, cn);
	if (retype && f->dflt && !dflt_gone && !(f->seq && t->seq)) {
		emit(rd, NULL, "ALTER TABLE %n ALTER COLUMN %n DROP DEFAULT", tn, cn);
		dflt_gone = true;
	}
	if (retype)
		alter_type(rd, tn, f, t);
	if (f->notnull != t->notnull && !(t->notnull && (t->identity || t->seq) && !f->notnull))
		emit(rd, NULL, "ALTER TABLE %n ALTER COLUMN %n %s NOT NULL", tn, cn,
		     t->notnull ? "SET" : "DROP");
	if (!t->seq && t->dflt && (dflt_gone || !same_str(f->ndflt, t->ndflt)))
		emit(rd, NULL, "ALTER TABLE %n ALTER COLUMN %n SET DEFAULT %s", tn, cn, t->dflt);
	else if (!t->seq && !t->dflt && f->dflt && !dflt_gone && !f->seq)
		emit(rd, NULL, "ALTER TABLE %n ALTER COLUMN %n DROP DEFAULT", tn, cn);
	if (t->identity && !f->identity) {
		if (!f->notnull)
			emit(rd, NULL, "ALTER TABLE %n ALTER COLUMN %n SET NOT NULL", tn, cn);
		emit(rd, NULL, "ALTER TABLE %n ALTER COLUMN %n ADD GENERATED %s AS IDENTITY", tn, cn,
		     t->identity);
		sync_sequence(rd, tn, cn, NULL);
	} else if (t->identity && strcmp(f->identity, t->identity)) {
		emit(rd, NULL, "ALTER TABLE %n ALTER COLUMN %n SET GENERATED %s", tn, cn, t->identity);
	}
	if (t->seq && !f->seq) {
		rt_buf owner = RT_BUF_INIT;
		rt_pg_put_name(&owner, tn);
		rt_buf_putc(&owner, '.');
		rt_pg_put_name(&owner, cn);
		if (!f->notnull)
			emit(rd, NULL, "ALTER TABLE %n ALTER COLUMN %n SET NOT NULL", tn, cn);
		emit(rd, NULL, "CREATE SEQUENCE %n AS %s OWNED BY %s", t->seq, t->type, owner.ptr);
		emit(rd, NULL, "ALTER TABLE %n ALTER COLUMN %n SET DEFAULT %s", tn, cn, t->dflt);
		sync_sequence(rd, tn, cn, t->seq);
		rt_buf_free(&owner);
	}
}

static void tables_and_columns(render *rd)
{
	const rt_diff *d = rd->d;
	for (size_t i = 0; i < d->n; i++)
		if (d->ops[i].kind == RT_OP_CREATE_TABLE)
			create_table(rd, &d->ops[i]);
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		if (op->kind == RT_OP_ADD_COLUMN) {
			rt_buf b = RT_BUF_INIT;
			put_col_def(&b, op->to);
			emit(rd, op->review, "ALTER TABLE %n ADD COLUMN %s", op->table, b.ptr);
			rt_buf_free(&b);
		}
	}
	for (size_t i = 0; i < d->n; i++)
		if (d->ops[i].kind == RT_OP_ALTER_COLUMN)
			alter_column(rd, &d->ops[i]);
}

static void add_constraints(render *rd)
{
	const rt_diff *d = rd->d;
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		const rt_table *t = op->ttable;
		if (op->kind == RT_OP_ALTER_PK && t->pk.len) {
			rt_buf b = RT_BUF_INIT;
			put_cols(&b, &t->pk);
			emit(rd, op->ftable->pk_name ? NULL : op->review,
			     "ALTER TABLE %n ADD CONSTRAINT %n PRIMARY KEY (%s)", t->name, t->pk_name,
			     b.ptr);
			rt_buf_free(&b);
		}
	}
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		const rt_constraint *k = op->to;
		if (op->kind == RT_OP_ADD_UNIQUE || op->kind == RT_OP_ADD_CHECK)
			emit(rd, op->review, "ALTER TABLE %n ADD CONSTRAINT %n %s", op->table, k->name,
			     k->def);
	}
	for (size_t i = 0; i < d->n; i++)
		if (d->ops[i].kind == RT_OP_CREATE_INDEX)
			emit(rd, d->ops[i].review, "%s", ((const rt_index *)d->ops[i].to)->sql);
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		const rt_constraint *k = op->to;
		if (op->kind == RT_OP_ADD_FK)
			emit(rd, op->review, "ALTER TABLE %n ADD CONSTRAINT %n %s", op->table, k->name,
			     k->def);
		if (op->kind != RT_OP_CREATE_TABLE)
			continue;
		for (size_t j = 0; j < op->ttable->nfks; j++)
			emit(rd, NULL, "ALTER TABLE %n ADD CONSTRAINT %n %s", op->ttable->name,
			     op->ttable->fks[j].name, op->ttable->fks[j].def);
	}
}

static void comment_on(render *rd, const char *table, const char *col, const char *text)
{
	if (col)
		emit(rd, NULL, "COMMENT ON COLUMN %n.%n IS %l", table, col, text);
	else
		emit(rd, NULL, "COMMENT ON TABLE %n IS %l", table, text);
}

static void comments(render *rd)
{
	const rt_diff *d = rd->d;
	for (size_t i = 0; i < d->n; i++) {
		const rt_op *op = &d->ops[i];
		const rt_table *t = op->ttable;
		if (op->kind == RT_OP_COMMENT) {
			const rt_column *c = op->name ? op->to : NULL;
			comment_on(rd, t->name, op->name, c ? c->comment : t->comment);
		} else if (op->kind == RT_OP_CREATE_TABLE) {
			if (t->comment)
				comment_on(rd, t->name, NULL, t->comment);
			for (size_t k = 0; k < t->ncols; k++)
				if (t->cols[k].comment)
					comment_on(rd, t->name, t->cols[k].name, t->cols[k].comment);
		}
	}
}

void rt_render_postgres(rt_buf *out, const rt_diff *d)
{
	render rd = { out, d, NULL, NULL, NULL };
	rd.fviews = view_order(&d->from->views);
	rd.tviews = view_order(&d->to->views);
	plan_views(&rd);
	drop_views(&rd);
	drop_constraints(&rd);
	drop_columns_and_tables(&rd);
	types_and_sequences(&rd);
	tables_and_columns(&rd);
	add_constraints(&rd);
	comments(&rd);
	create_views(&rd);
	drop_types_and_sequences(&rd);
	free(rd.fviews);
	free(rd.tviews);
	free(rd.cycle);
}
