/*
 * diff.c: compare two catalogs (schema.h) into a list of operations
 * (diff.h), each with the note a reviewer should read: every drop, every
 * type change that can lose data, every NOT NULL that existing rows may
 * break, and every drop that might have been meant as a rename.
 *
 * Matching is by name, through the renames the model declares
 * (`-- retort:renamed-from old`).  Unnamed constraints (SQLite keeps no
 * names for most) match by content; named check constraints by name.
 */
#include "backends/backend.h"
#include "diff.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const kind_names[] = {
#define RT_X_(k, name, text) name,
	RT_OP_KINDS(RT_X_)
#undef RT_X_
};

static const char *const kind_texts[] = {
#define RT_X_(k, name, text) text,
	RT_OP_KINDS(RT_X_)
#undef RT_X_
};

const char *rt_op_kind_name(rt_op_kind k)
{
	return k < RT_OP__COUNT ? kind_names[k] : "?";
}

typedef struct differ {
	rt_diff *d;
	bool hints;
} differ;

static rt_op *add_op(differ *df, rt_op_kind kind, const char *table, const char *name)
{
	rt_diff *d = df->d;
	RT_ARRAY_GROW(d->ops, d->n, d->cap);
	rt_op *op = &d->ops[d->n++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->table = table;
	op->name = name;
	return op;
}

static void note(char **dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(char **dst, const char *fmt, ...)
{
	rt_buf b = RT_BUF_INIT;
	if (*dst) {
		rt_buf_puts(&b, *dst);
		rt_buf_puts(&b, "; ");
		free(*dst);
	}
	va_list ap;
	va_start(ap, fmt);
	rt_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	*dst = rt_buf_detach(&b);
}

/* --- Renames ------------------------------------------------------------------ */

static const char *renamed_table_from(const rt_renames *rn, const char *to_name)
{
	for (size_t i = 0; rn && i < rn->tables_new.len; i++)
		if (!strcmp(rn->tables_new.v[i], to_name))
			return rn->tables_old.v[i];
	return NULL;
}

static const char *renamed_column_from(const rt_renames *rn, const char *table,
				       const char *to_name)
{
	for (size_t i = 0; rn && i < rn->cols_new.len; i++)
		if (!strcmp(rn->cols_table.v[i], table) && !strcmp(rn->cols_new.v[i], to_name))
			return rn->cols_old.v[i];
	return NULL;
}

/* The to-side name of from-side column `col` of table t (to-side name). */
static const char *map_column(const rt_renames *rn, const char *table, const char *col)
{
	for (size_t i = 0; rn && i < rn->cols_old.len; i++)
		if (!strcmp(rn->cols_table.v[i], table) && !strcmp(rn->cols_old.v[i], col))
			return rn->cols_new.v[i];
	return col;
}

static const char *map_table(const rt_renames *rn, const char *table)
{
	for (size_t i = 0; rn && i < rn->tables_old.len; i++)
		if (!strcmp(rn->tables_old.v[i], table))
			return rn->tables_new.v[i];
	return table;
}

void rt_renames_invert(rt_renames *out, const rt_renames *in)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; in && i < in->tables_old.len; i++) {
		rt_strvec_push(&out->tables_old, in->tables_new.v[i]);
		rt_strvec_push(&out->tables_new, in->tables_old.v[i]);
	}
	for (size_t i = 0; in && i < in->cols_old.len; i++) {
		/* the inverse diff's to-side is the original from-side */
		const char *t = renamed_table_from(in, in->cols_table.v[i]);
		rt_strvec_push(&out->cols_table, t ? t : in->cols_table.v[i]);
		rt_strvec_push(&out->cols_old, in->cols_new.v[i]);
		rt_strvec_push(&out->cols_new, in->cols_old.v[i]);
	}
}

void rt_renames_free(rt_renames *r)
{
	rt_strvec_free(&r->tables_old);
	rt_strvec_free(&r->tables_new);
	rt_strvec_free(&r->cols_table);
	rt_strvec_free(&r->cols_old);
	rt_strvec_free(&r->cols_new);
}

/* --- Columns -------------------------------------------------------------------- */

static bool same_str(const char *a, const char *b)
{
	return (!a || !b) ? a == b : strcmp(a, b) == 0;
}

static bool same_ci(const char *a, const char *b)
{
	return (!a || !b) ? a == b : strcasecmp(a, b) == 0;
}

static bool same_expr(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	rt_buf x = RT_BUF_INIT, y = RT_BUF_INIT;
	rt_expr_normalise(&x, a);
	rt_expr_normalise(&y, b);
	bool same = strcmp(x.ptr, y.ptr) == 0;
	rt_buf_free(&x);
	rt_buf_free(&y);
	return same;
}

/* The length argument of "varchar(20)", or -1. */
static long type_len(const char *t, size_t *base)
{
	const char *p = strchr(t, '(');
	*base = p ? (size_t)(p - t) : strlen(t);
	return p ? strtol(p + 1, NULL, 10) : -1;
}

static bool is_one_of(const char *s, size_t n, const char *const *set)
{
	for (; *set; set++)
		if (strlen(*set) == n && !strncmp(*set, s, n))
			return true;
	return false;
}

/*
 * Whether every value of type `from` fits `to` unchanged (types are
 * normalised, lower case): a longer or unbounded string, a wider integer
 * or float.  Anything else may lose data and gets a review note.
 */
static bool widening(const char *from, const char *to)
{
	static const char *const strs[] = { "varchar", "character varying", "char",
					    "character", "nvarchar", "text", NULL };
	static const char *const ints[] = { "tinyint", "smallint", "int", "integer",
					    "mediumint", "bigint", NULL };
	size_t fb, tb;
	long fl = type_len(from, &fb), tl = type_len(to, &tb);
	if (is_one_of(from, fb, strs) && is_one_of(to, tb, strs))
		return tl < 0 || (fl >= 0 && tl >= fl);
	if (is_one_of(from, fb, ints) && is_one_of(to, tb, ints)) {
		size_t fi = 0, ti = 0;
		while (strlen(ints[fi]) != fb || strncmp(ints[fi], from, fb))
			fi++;
		while (strlen(ints[ti]) != tb || strncmp(ints[ti], to, tb))
			ti++;
		return ti >= fi || (fi == 2 && ti == 3) || (fi == 3 && ti == 2);
	}
	return (!strcmp(from, "real") || !strcmp(from, "float")) &&
	       (!strcmp(to, "double precision") || !strcmp(to, "double"));
}

static const char *or_none(const char *s)
{
	return s ? s : "none";
}

static const char *gen_kind(int g)
{
	return g == 2 ? "stored" : g == 1 ? "virtual" : "none";
}

/* What differs between two columns, for the detail and the review note. */
static void column_changes(rt_op *op, const char *table, const rt_column *f,
			   const rt_column *t)
{
	rt_buf b = RT_BUF_INIT;
	if (strcmp(f->ntype, t->ntype)) {
		rt_buf_printf(&b, "; type %s -> %s", *f->type ? f->type : "(none)",
			      *t->type ? t->type : "(none)");
		if (!widening(f->ntype, t->ntype))
			note(&op->review, "the type of '%s.%s' changes from %s to %s: "
				"values that do not convert are changed or lost",
			     table, t->name, *f->type ? f->type : "(none)",
			     *t->type ? t->type : "(none)");
	}
	if (f->notnull != t->notnull) {
		rt_buf_printf(&b, "; %s", t->notnull ? "NULL -> NOT NULL" : "NOT NULL -> NULL");
		if (t->notnull)
			note(&op->review, "'%s.%s' becomes NOT NULL: existing NULLs make "
				"this step fail", table, t->name);
	}
	if (!same_str(f->ndflt, t->ndflt))
		rt_buf_printf(&b, "; default %s -> %s", or_none(f->dflt), or_none(t->dflt));
	if (!same_ci(f->collation, t->collation))
		rt_buf_printf(&b, "; collation %s -> %s", or_none(f->collation),
			      or_none(t->collation));
	if (f->generated != t->generated || !same_expr(f->gen_expr, t->gen_expr))
		rt_buf_printf(&b, "; generated %s -> %s", gen_kind(f->generated),
			      gen_kind(t->generated));
	if (f->autoinc != t->autoinc || !same_str(f->identity, t->identity))
		rt_buf_printf(&b, "; %s", t->autoinc ? "becomes autoincrement/identity"
						       : "no longer autoincrement/identity");
	if (b.len)
		op->detail = rt_xstrdup(b.ptr + 2);
	rt_buf_free(&b);
}

/* --- Tables --------------------------------------------------------------------- */

/* A from-side column list in to-side names. */
static void mapped_cols(rt_strvec *out, const rt_renames *rn, const char *table,
			const rt_strvec *cols)
{
	for (size_t i = 0; i < cols->len; i++)
		rt_strvec_push(out, map_column(rn, table, cols->v[i]));
}

static bool same_vec(const rt_strvec *a, const rt_strvec *b)
{
	if (a->len != b->len)
		return false;
	for (size_t i = 0; i < a->len; i++)
		if (strcasecmp(a->v[i], b->v[i]))
			return false;
	return true;
}

static bool same_mapped(const rt_renames *rn, const char *table, const rt_strvec *from,
			const rt_strvec *to)
{
	rt_strvec m = RT_STRVEC_INIT;
	mapped_cols(&m, rn, table, from);
	bool same = same_vec(&m, to);
	rt_strvec_free(&m);
	return same;
}

typedef bool (*match_fn)(const differ *df, const char *table, const rt_constraint *f,
			 const rt_constraint *t);

static bool unique_match(const differ *df, const char *table, const rt_constraint *f,
			 const rt_constraint *t)
{
	return same_mapped(df->d->renames, table, &f->cols, &t->cols);
}

static bool check_match(const differ *df, const char *table, const rt_constraint *f,
			const rt_constraint *t)
{
	if (f->name && t->name && strcasecmp(f->name, t->name))
		return false;
	return same_str(f->nexpr, t->nexpr);
}

static bool fk_match(const differ *df, const char *table, const rt_constraint *f,
		     const rt_constraint *t)
{
	const rt_renames *rn = df->d->renames;
	return same_mapped(rn, table, &f->cols, &t->cols) &&
	       same_ci(map_table(rn, f->ref_table), t->ref_table) &&
	       same_mapped(rn, t->ref_table, &f->ref_cols, &t->ref_cols) &&
	       same_ci(f->on_delete, t->on_delete) && same_ci(f->on_update, t->on_update) &&
	       same_ci(f->deferrable, t->deferrable) &&
	       (!f->name || !t->name || !strcasecmp(f->name, t->name));
}

static void constraints(differ *df, const rt_table *f, const rt_table *t,
			const rt_constraint *fv, size_t fn, const rt_constraint *tv, size_t tn,
			match_fn match, rt_op_kind drop, rt_op_kind add)
{
	for (size_t i = 0; i < fn; i++) {
		bool found = false;
		for (size_t j = 0; j < tn && !found; j++)
			found = match(df, t->name, &fv[i], &tv[j]);
		if (found)
			continue;
		rt_op *op = add_op(df, drop, f->name, fv[i].name);
		op->ftable = f;
		op->ttable = t;
		op->from = &fv[i];
		note(&op->review, "drops a %s of '%s'",
		     drop == RT_OP_DROP_FK ? "foreign key" : drop == RT_OP_DROP_CHECK
		     ? "check constraint" : "unique constraint", f->name);
	}
	for (size_t j = 0; j < tn; j++) {
		bool found = false;
		for (size_t i = 0; i < fn && !found; i++)
			found = match(df, t->name, &fv[i], &tv[j]);
		if (found)
			continue;
		rt_op *op = add_op(df, add, t->name, tv[j].name);
		op->ftable = f;
		op->ttable = t;
		op->to = &tv[j];
	}
}

/* A note naming the possible renames: the names on the other side. */
static void rename_hint(const differ *df, char **review, const char *what, const char *name,
			const rt_strvec *others, const char *where)
{
	if (!df->hints || !others->len)
		return;
	rt_buf b = RT_BUF_INIT;
	for (size_t i = 0; i < others->len; i++)
		rt_buf_printf(&b, "%s'%s'", i ? " or " : "", others->v[i]);
	note(review, "if %s '%s' was renamed to %s, say so in the model with "
		"'-- retort:renamed-from %s' %s", what, name, b.ptr, name, where);
	rt_buf_free(&b);
}

static const rt_column *column_source(const differ *df, const rt_table *f,
				      const rt_table *t, const rt_column *c, bool *renamed)
{
	const rt_column *src = rt_table_column(f, c->name);
	*renamed = false;
	if (src)
		return src;
	const char *old = renamed_column_from(df->d->renames, t->name, c->name);
	if (old && (src = rt_table_column(f, old)) && !rt_table_column(t, old))
		*renamed = true;
	return *renamed ? src : NULL;
}

static void columns(differ *df, const rt_table *f, const rt_table *t)
{
	rt_strvec added = RT_STRVEC_INIT, dropped = RT_STRVEC_INIT;
	bool *used = rt_xcalloc(f->ncols + 1, sizeof(bool));
	for (size_t i = 0; i < t->ncols; i++) {
		const rt_column *c = &t->cols[i];
		bool renamed;
		const rt_column *src = column_source(df, f, t, c, &renamed);
		if (!src) {
			rt_strvec_push(&added, c->name);
			continue;
		}
		used[src - f->cols] = true;
		if (renamed) {
			rt_op *op = add_op(df, RT_OP_RENAME_COLUMN, t->name, c->name);
			op->old_name = src->name;
			op->ftable = f, op->ttable = t, op->from = src, op->to = c;
		}
		rt_op tmp = { 0 };
		column_changes(&tmp, t->name, src, c);
		if (tmp.detail) {
			rt_op *op = add_op(df, RT_OP_ALTER_COLUMN, t->name, c->name);
			op->ftable = f, op->ttable = t, op->from = src, op->to = c;
			op->detail = tmp.detail;
			op->review = tmp.review;
		}
		if (!same_str(src->comment, c->comment)) {
			rt_op *op = add_op(df, RT_OP_COMMENT, t->name, c->name);
			op->ftable = f, op->ttable = t, op->from = src, op->to = c;
		}
	}
	for (size_t i = 0; i < f->ncols; i++)
		if (!used[i])
			rt_strvec_push(&dropped, f->cols[i].name);
	for (size_t i = 0; i < added.len; i++) {
		const rt_column *c = rt_table_column(t, added.v[i]);
		rt_op *op = add_op(df, RT_OP_ADD_COLUMN, t->name, c->name);
		op->ftable = f, op->ttable = t, op->to = c;
		if (c->notnull && !c->dflt && !c->generated && !c->autoinc && !c->pk)
			note(&op->review, "new NOT NULL column '%s.%s' has no default: rows "
				"already in '%s' make this step fail", t->name, c->name, t->name);
	}
	for (size_t i = 0; i < dropped.len; i++) {
		const rt_column *c = rt_table_column(f, dropped.v[i]);
		rt_op *op = add_op(df, RT_OP_DROP_COLUMN, f->name, c->name);
		op->ftable = f, op->ttable = t, op->from = c;
		note(&op->review, "drops column '%s.%s' and its data", f->name, c->name);
		rename_hint(df, &op->review, "column", c->name, &added, "on the new column's line");
	}
	free(used);
	rt_strvec_free(&added);
	rt_strvec_free(&dropped);
}

static void table_changes(differ *df, const rt_table *f, const rt_table *t)
{
	columns(df, f, t);
	if (!same_mapped(df->d->renames, t->name, &f->pk, &t->pk)) {
		rt_op *op = add_op(df, RT_OP_ALTER_PK, t->name, t->pk_name);
		op->ftable = f, op->ttable = t;
		note(&op->review, "changes the primary key of '%s'", t->name);
	}
	constraints(df, f, t, f->uniques, f->nuniques, t->uniques, t->nuniques, unique_match,
		    RT_OP_DROP_UNIQUE, RT_OP_ADD_UNIQUE);
	constraints(df, f, t, f->checks, f->nchecks, t->checks, t->nchecks, check_match,
		    RT_OP_DROP_CHECK, RT_OP_ADD_CHECK);
	constraints(df, f, t, f->fks, f->nfks, t->fks, t->nfks, fk_match, RT_OP_DROP_FK,
		    RT_OP_ADD_FK);
	if (strcmp(f->options, t->options)) {
		rt_op *op = add_op(df, RT_OP_ALTER_TABLE, t->name, NULL);
		op->ftable = f, op->ttable = t;
		op->detail = rt_xstrdup(*t->options ? t->options : "no options");
	}
	if (!same_str(f->comment, t->comment)) {
		rt_op *op = add_op(df, RT_OP_COMMENT, t->name, NULL);
		op->ftable = f, op->ttable = t;
	}
}

static const rt_table *table_source(const differ *df, const rt_table *t, bool *renamed)
{
	const rt_schema *from = df->d->from;
	const rt_table *src = rt_schema_table(from, t->name);
	*renamed = false;
	if (src)
		return src;
	const char *old = renamed_table_from(df->d->renames, t->name);
	if (old && (src = rt_schema_table(from, old)) && !rt_schema_table(df->d->to, old))
		*renamed = true;
	return *renamed ? src : NULL;
}

static void tables(differ *df)
{
	const rt_schema *from = df->d->from, *to = df->d->to;
	bool *used = rt_xcalloc(from->ntables + 1, sizeof(bool));
	rt_strvec added = RT_STRVEC_INIT;
	for (size_t i = 0; i < to->ntables; i++) {
		const rt_table *t = &to->tables[i];
		bool renamed;
		const rt_table *f = table_source(df, t, &renamed);
		if (!f) {
			rt_op *op = add_op(df, RT_OP_CREATE_TABLE, t->name, t->name);
			op->ttable = t;
			rt_strvec_push(&added, t->name);
			continue;
		}
		used[f - from->tables] = true;
		if (renamed) {
			rt_op *op = add_op(df, RT_OP_RENAME_TABLE, t->name, t->name);
			op->old_name = f->name;
			op->ftable = f, op->ttable = t;
		}
		table_changes(df, f, t);
	}
	for (size_t i = 0; i < from->ntables; i++) {
		if (used[i])
			continue;
		const rt_table *f = &from->tables[i];
		rt_op *op = add_op(df, RT_OP_DROP_TABLE, f->name, f->name);
		op->ftable = f;
		note(&op->review, "drops table '%s' and all its rows", f->name);
		rename_hint(df, &op->review, "table", f->name, &added, "above its CREATE TABLE");
	}
	free(used);
	rt_strvec_free(&added);
}

/* --- Indexes and other objects ---------------------------------------------------- */

static bool same_index(const differ *df, const rt_index *f, const rt_index *t)
{
	const rt_renames *rn = df->d->renames;
	return f->unique == t->unique && same_ci(map_table(rn, f->table), t->table) &&
	       same_mapped(rn, t->table, &f->keys, &t->keys) && same_str(f->where, t->where) &&
	       same_str(f->extra, t->extra);
}

static void indexes(differ *df)
{
	const rt_schema *from = df->d->from, *to = df->d->to;
	for (size_t i = 0; i < from->nindexes; i++) {
		const rt_index *f = &from->indexes[i], *t = rt_schema_index(to, f->name);
		if (t && same_index(df, f, t))
			continue;
		rt_op *op = add_op(df, RT_OP_DROP_INDEX, f->table, f->name);
		op->from = f;
		op->ftable = rt_schema_table(from, f->table);
		if (t)
			op->detail = rt_xstrdup("recreated with a new definition");
		else
			note(&op->review, "drops index '%s'", f->name);
	}
	for (size_t i = 0; i < to->nindexes; i++) {
		const rt_index *t = &to->indexes[i], *f = rt_schema_index(from, t->name);
		if (f && same_index(df, f, t))
			continue;
		rt_op *op = add_op(df, RT_OP_CREATE_INDEX, t->table, t->name);
		op->to = t;
		op->ttable = rt_schema_table(to, t->table);
	}
}

/* Views, triggers and sequences: changed means dropped and created again. */
static void objects(differ *df, const rt_objvec *fv, const rt_objvec *tv, rt_op_kind drop,
		    rt_op_kind create, const char *what)
{
	for (size_t i = 0; i < fv->n; i++) {
		const rt_object *f = &fv->v[i], *t = rt_objvec_find(tv, f->name);
		if (t && same_str(f->def, t->def))
			continue;
		rt_op *op = add_op(df, drop, f->table, f->name);
		op->from = f;
		if (t)
			op->detail = rt_xstrdup("recreated with a new definition");
		else
			note(&op->review, "drops %s '%s'", what, f->name);
	}
	for (size_t i = 0; i < tv->n; i++) {
		const rt_object *t = &tv->v[i], *f = rt_objvec_find(fv, t->name);
		if (f && same_str(f->def, t->def))
			continue;
		rt_op *op = add_op(df, create, t->table, t->name);
		op->to = t;
	}
}

/* Sequences: a changed one is altered in place, keeping its value. */
static void sequences(differ *df)
{
	const rt_objvec *fv = &df->d->from->sequences, *tv = &df->d->to->sequences;
	for (size_t i = 0; i < tv->n; i++) {
		const rt_object *t = &tv->v[i], *f = rt_objvec_find(fv, t->name);
		if (!f || same_str(f->def, t->def))
			continue;
		rt_op *op = add_op(df, RT_OP_ALTER_SEQUENCE, NULL, t->name);
		op->from = f, op->to = t;
		op->detail = rt_xstrdup(t->def);
	}
	for (size_t i = 0; i < fv->n; i++) {
		const rt_object *f = &fv->v[i];
		if (rt_objvec_find(tv, f->name))
			continue;
		rt_op *op = add_op(df, RT_OP_DROP_SEQUENCE, NULL, f->name);
		op->from = f;
		note(&op->review, "drops sequence '%s' and its current value", f->name);
	}
	for (size_t i = 0; i < tv->n; i++) {
		const rt_object *t = &tv->v[i];
		if (rt_objvec_find(fv, t->name))
			continue;
		rt_op *op = add_op(df, RT_OP_CREATE_SEQUENCE, NULL, t->name);
		op->to = t;
	}
}

/* Whether every label of a is in b, in the same order (b only adds). */
static bool labels_kept(const rt_strvec *a, const rt_strvec *b)
{
	size_t j = 0;
	for (size_t i = 0; i < a->len; i++) {
		while (j < b->len && strcmp(a->v[i], b->v[j]))
			j++;
		if (j++ >= b->len)
			return false;
	}
	return true;
}

static void enums(differ *df)
{
	const rt_objvec *fv = &df->d->from->enums, *tv = &df->d->to->enums;
	for (size_t i = 0; i < tv->n; i++) {
		const rt_object *t = &tv->v[i], *f = rt_objvec_find(fv, t->name);
		if (!f || same_str(f->def, t->def) || !labels_kept(&f->values, &t->values))
			continue;
		for (size_t k = 0; k < t->values.len; k++) {
			if (rt_strvec_contains(&f->values, t->values.v[k]))
				continue;
			rt_op *op = add_op(df, RT_OP_ADD_ENUM_VALUE, NULL, t->name);
			op->from = f, op->to = t;
			op->detail = rt_xstrdup(t->values.v[k]);
		}
	}
	/* the rest (new, gone, or labels removed or reordered) drop and create */
	for (size_t i = 0; i < fv->n; i++) {
		const rt_object *f = &fv->v[i], *t = rt_objvec_find(tv, f->name);
		if (t && (same_str(f->def, t->def) || labels_kept(&f->values, &t->values)))
			continue;
		rt_op *op = add_op(df, RT_OP_DROP_ENUM, NULL, f->name);
		op->from = f;
		note(&op->review, "drops type '%s'%s", f->name,
		     t ? ", recreated with labels removed or reordered" : "");
	}
	for (size_t i = 0; i < tv->n; i++) {
		const rt_object *t = &tv->v[i], *f = rt_objvec_find(fv, t->name);
		if (f && (same_str(f->def, t->def) || labels_kept(&f->values, &t->values)))
			continue;
		rt_op *op = add_op(df, RT_OP_CREATE_ENUM, NULL, t->name);
		op->to = t;
	}
}

/* Operations in kind order, keeping the order within a kind (a stable sort). */
static void order_ops(rt_diff *d)
{
	rt_op *v = rt_xcalloc(d->n + 1, sizeof(*v));
	size_t k = 0;
	for (int kind = 0; kind < RT_OP__COUNT; kind++)
		for (size_t i = 0; i < d->n; i++)
			if ((int)d->ops[i].kind == kind)
				v[k++] = d->ops[i];
	free(d->ops);
	d->ops = v;
	d->cap = d->n + 1;
}

void rt_diff_compute(rt_diff *d, const rt_schema *from, const rt_schema *to,
		     const rt_renames *renames, bool hints)
{
	memset(d, 0, sizeof(*d));
	d->from = from;
	d->to = to;
	d->renames = renames;
	differ df = { d, hints };
	enums(&df);
	sequences(&df);
	tables(&df);
	indexes(&df);
	objects(&df, &from->views, &to->views, RT_OP_DROP_VIEW, RT_OP_CREATE_VIEW, "view");
	objects(&df, &from->triggers, &to->triggers, RT_OP_DROP_TRIGGER, RT_OP_CREATE_TRIGGER,
		"trigger");
	order_ops(d);
}

void rt_diff_free(rt_diff *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->ops[i].detail);
		free(d->ops[i].review);
	}
	free(d->ops);
	memset(d, 0, sizeof(*d));
}

/* --- Descriptions ------------------------------------------------------------------ */

static void put_cols(rt_buf *out, const rt_strvec *cols)
{
	rt_buf_putc(out, '(');
	for (size_t i = 0; i < cols->len; i++)
		rt_buf_printf(out, "%s%s", i ? ", " : "", cols->v[i]);
	rt_buf_putc(out, ')');
}

static void describe_constraint(rt_buf *out, const rt_op *op)
{
	const rt_constraint *k = op->to ? op->to : op->from;
	rt_buf_printf(out, " on '%s'", op->table);
	if (k->name)
		rt_buf_printf(out, " '%s'", k->name);
	if (k->nexpr) {
		rt_buf_printf(out, " (%s)", k->nexpr);
		return;
	}
	rt_buf_putc(out, ' ');
	put_cols(out, &k->cols);
	if (k->ref_table)
		rt_buf_printf(out, " -> %s", k->ref_table);
}

void rt_op_describe(rt_buf *out, const rt_op *op)
{
	rt_buf_puts(out, kind_texts[op->kind]);
	switch (op->kind) {
	case RT_OP_ADD_COLUMN: case RT_OP_DROP_COLUMN: case RT_OP_ALTER_COLUMN:
		rt_buf_printf(out, " '%s.%s'", op->table, op->name);
		break;
	case RT_OP_RENAME_COLUMN:
		rt_buf_printf(out, " '%s.%s' to '%s'", op->table, op->old_name, op->name);
		break;
	case RT_OP_RENAME_TABLE:
		rt_buf_printf(out, " '%s' to '%s'", op->old_name, op->name);
		break;
	case RT_OP_ADD_UNIQUE: case RT_OP_DROP_UNIQUE: case RT_OP_ADD_CHECK:
	case RT_OP_DROP_CHECK: case RT_OP_ADD_FK: case RT_OP_DROP_FK:
		describe_constraint(out, op);
		break;
	case RT_OP_ALTER_PK: case RT_OP_ALTER_TABLE:
		rt_buf_printf(out, " of '%s'", op->table);
		break;
	case RT_OP_COMMENT:
		rt_buf_printf(out, " on '%s%s%s'", op->table, op->name ? "." : "",
			      op->name ? op->name : "");
		break;
	case RT_OP_CREATE_INDEX: case RT_OP_DROP_INDEX:
		rt_buf_printf(out, " '%s' on '%s'", op->name, op->table);
		break;
	default:
		rt_buf_printf(out, " '%s'", op->name);
	}
	if (op->detail)
		rt_buf_printf(out, ": %s", op->detail);
}

int rt_diff_render(rt_buf *out, const rt_diff *d, const char *dialect, rt_err *err)
{
	const rt_backend *b = rt_backend_named(dialect);
	if (!b || !b->render)
		return rt_error(err, RETORT_EUNSUPPORTED, "autogenerate does not write SQL for %s "
				"yet", dialect);
	b->render(out, d);
	return 0;
}

void rt_review_lines(rt_buf *out, const char *review)
{
	const char *p = review;
	while (p && *p) {
		size_t n = strcspn(p, ";");
		rt_buf_puts(out, "-- review: ");
		rt_buf_put(out, p, n);
		rt_buf_putc(out, '\n');
		p += n;
		while (*p == ';' || *p == ' ')
			p++;
	}
}
