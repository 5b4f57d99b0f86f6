/*
 * backends/sqlite/inspect.c: read an rt_schema from a SQLite database.
 *
 * The catalog gives most of it through pragma table-valued functions, run
 * as ordinary queries through the driver: sqlite_schema (objects and their
 * SQL), pragma_table_xinfo (columns, types, NOT NULL, defaults, primary key
 * positions, generated columns), pragma_index_list / pragma_index_xinfo
 * (unique constraints and indexes, key order, direction, collation) and
 * pragma_foreign_key_list (foreign keys and their actions).
 *
 * What SQLite keeps only in the CREATE TABLE text is read from that text
 * with schema.c's tokenizer, and nothing else: CHECK constraints, column
 * collations, generated expressions, AUTOINCREMENT, constraint names,
 * DEFERRABLE clauses, WITHOUT ROWID / STRICT, and each column's definition
 * (for ALTER TABLE ADD COLUMN).  Expression index keys and partial-index
 * predicates are likewise taken from the CREATE INDEX text.
 */
#include "db.h"
#include "inspect.h"
#include "sqlite.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A query with one quoted name argument: "SELECT ... pragma_x(" 'name' ")...". */
static int rows_for(retort *r, rt_rows *out, const char *before, const char *name,
		    const char *after)
{
	rt_buf sql = RT_BUF_INIT;
	rt_buf_puts(&sql, before);
	rt_buf_put_sqlstr(&sql, name);
	rt_buf_puts(&sql, after);
	int rc = rt_rows_query(r, out, sql.ptr);
	rt_buf_free(&sql);
	return rc;
}

/* --- The CREATE TABLE text -------------------------------------------------------- */

/*
 * What the text says about a table.  Items of the body are split at the
 * commas of parenthesis depth one; an item that starts with CONSTRAINT,
 * PRIMARY, UNIQUE, CHECK or FOREIGN is a table constraint, any other a
 * column definition whose first token is the column's name.
 */
typedef struct fk_text {
	char *col;         /* first referencing column */
	char *ref_table;
	char *name;
	char *deferrable;
} fk_text;

typedef struct table_text {
	rt_table *t;
	fk_text *fks;
	size_t nfks;
} table_text;

/* Skip a parenthesised group whose "(" was just read; returns the ")" pos. */
static size_t skip_group(const char *s, size_t *pos)
{
	int depth = 1;
	for (;;) {
		size_t at = *pos;
		rt_tok t = rt_tok_next(s, pos);
		if (t.kind == RT_TOK_END)
			return at;
		if (rt_tok_is(&t, "("))
			depth++;
		else if (rt_tok_is(&t, ")") && --depth == 0)
			return (size_t)(t.p - s);
	}
}

/* The text of "( ... )" starting at *pos, without the parentheses. */
static char *group_text(const char *s, size_t *pos)
{
	rt_tok t = rt_tok_next(s, pos);
	if (!rt_tok_is(&t, "("))
		return rt_xstrdup("");
	size_t start = *pos, end = skip_group(s, pos);
	rt_buf b = RT_BUF_INIT;
	rt_buf_put(&b, s + start, end - start);
	rt_buf_rtrim(&b);
	size_t lead = strspn(b.ptr, " \t\r\n");
	char *out = rt_xstrdup(b.ptr + lead);
	rt_buf_free(&b);
	return out;
}

/* "DEFERRABLE INITIALLY DEFERRED" etc. from the tokens of a REFERENCES clause. */
static char *deferrable_of(const char *s, size_t pos, size_t end)
{
	bool deferrable = false, not = false, deferred = false;
	while (pos < end) {
		rt_tok t = rt_tok_next(s, &pos);
		if (t.kind == RT_TOK_END || (size_t)(t.p - s) >= end)
			break;
		if (rt_tok_is(&t, "NOT"))
			not = true;
		else if (rt_tok_is(&t, "DEFERRABLE"))
			deferrable = !not;
		else if (rt_tok_is(&t, "DEFERRED"))
			deferred = true;
		else if (!rt_tok_is(&t, "INITIALLY"))
			not = false;
	}
	if (!deferrable)
		return rt_xstrdup("");
	return rt_xstrdup(deferred ? "DEFERRABLE INITIALLY DEFERRED"
				   : "DEFERRABLE INITIALLY IMMEDIATE");
}

static void add_fk_text(table_text *tt, const char *col, const char *s, size_t pos,
			size_t end, const char *name)
{
	rt_tok t = rt_tok_next(s, &pos); /* the target table */
	tt->fks = rt_xreallocarray(tt->fks, tt->nfks + 1, sizeof(*tt->fks));
	fk_text *f = &tt->fks[tt->nfks++];
	f->col = rt_xstrdup(col);
	f->ref_table = rt_tok_ident(&t);
	f->name = rt_xstrdup_or_null(name);
	f->deferrable = deferrable_of(s, pos, end);
}

static void add_check(rt_table *t, const char *expr, const char *name)
{
	rt_constraint *k = rt_constraint_add(&t->checks, &t->nchecks);
	k->name = rt_xstrdup_or_null(name);
	k->expr = rt_xstrdup(expr);
	k->nexpr = rt_expr_normalised(expr);
}

/* The constraints of a column definition, after its name and type. */
static void column_text(table_text *tt, rt_column *c, const char *s, size_t pos, size_t end)
{
	char *cname = NULL;
	while (pos < end) {
		rt_tok t = rt_tok_next(s, &pos);
		if (t.kind == RT_TOK_END || (size_t)(t.p - s) >= end)
			break;
		if (rt_tok_is(&t, "CONSTRAINT")) {
			rt_tok n = rt_tok_next(s, &pos);
			free(cname);
			cname = rt_tok_ident(&n);
		} else if (rt_tok_is(&t, "COLLATE")) {
			rt_tok n = rt_tok_next(s, &pos);
			free(c->collation);
			c->collation = rt_tok_ident(&n);
		} else if (rt_tok_is(&t, "CHECK")) {
			char *e = group_text(s, &pos);
			add_check(tt->t, e, cname);
			free(e);
		} else if (rt_tok_is(&t, "AS")) {
			free(c->gen_expr);
			c->gen_expr = group_text(s, &pos);
		} else if (rt_tok_is(&t, "AUTOINCREMENT")) {
			c->autoinc = true;
		} else if (rt_tok_is(&t, "REFERENCES")) {
			add_fk_text(tt, c->name, s, pos, end, cname);
		} else if (rt_tok_is(&t, "(")) {
			skip_group(s, &pos); /* DEFAULT (expr), type arguments */
		}
	}
	free(cname);
}

static rt_column *column_named(rt_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcasecmp(t->cols[i].name, name))
			return &t->cols[i];
	return NULL;
}

static void constraint_text(table_text *tt, const char *s, size_t pos, size_t end)
{
	char *cname = NULL;
	rt_tok t = rt_tok_next(s, &pos);
	if (rt_tok_is(&t, "CONSTRAINT")) {
		rt_tok n = rt_tok_next(s, &pos);
		cname = rt_tok_ident(&n);
		t = rt_tok_next(s, &pos);
	}
	if (rt_tok_is(&t, "CHECK")) {
		char *e = group_text(s, &pos);
		add_check(tt->t, e, cname);
		free(e);
	} else if (rt_tok_is(&t, "FOREIGN")) {
		rt_tok_next(s, &pos); /* KEY */
		size_t cols = pos;
		rt_tok_next(s, &cols); /* ( */
		rt_tok first = rt_tok_next(s, &cols);
		char *col = rt_tok_ident(&first);
		rt_tok_next(s, &pos);
		skip_group(s, &pos);
		rt_tok_next(s, &pos); /* REFERENCES */
		add_fk_text(tt, col, s, pos, end, cname);
		free(col);
	} else if (rt_tok_is(&t, "PRIMARY") && cname) {
		tt->t->pk_name = rt_xstrdup(cname);
	}
	free(cname);
}

static bool starts_constraint(const rt_tok *t)
{
	return rt_tok_is(t, "CONSTRAINT") || rt_tok_is(t, "PRIMARY") ||
	       rt_tok_is(t, "UNIQUE") || rt_tok_is(t, "CHECK") || rt_tok_is(t, "FOREIGN");
}

/* One item of the body, s[start, end). */
static void body_item(table_text *tt, const char *s, size_t start, size_t end)
{
	size_t pos = start;
	rt_tok t = rt_tok_next(s, &pos);
	if (t.kind == RT_TOK_END || (size_t)(t.p - s) >= end)
		return;
	if (starts_constraint(&t)) {
		constraint_text(tt, s, start, end);
		return;
	}
	char *name = rt_tok_ident(&t);
	rt_column *c = column_named(tt->t, name);
	free(name);
	if (!c)
		return;
	size_t from = (size_t)(t.p - s);
	while (end > from && strchr(" \t\r\n", s[end - 1]))
		end--;
	free(c->def);
	c->def = rt_xstrndup(s + from, end - from);
	column_text(tt, c, s, pos, end);
}

/* The words after the body: WITHOUT ROWID, STRICT. */
static void table_options(rt_table *t, const char *s, size_t pos)
{
	rt_buf b = RT_BUF_INIT;
	for (;;) {
		rt_tok k = rt_tok_next(s, &pos);
		if (k.kind == RT_TOK_END || rt_tok_is(&k, ";"))
			break;
		if (b.len && !rt_tok_is(&k, ","))
			rt_buf_putc(&b, ' ');
		for (size_t i = 0; i < k.len; i++)
			rt_buf_putc(&b, (char)(k.p[i] >= 'a' && k.p[i] <= 'z' ? k.p[i] - 32 : k.p[i]));
	}
	free(t->options);
	t->options = rt_buf_detach(&b);
}

/* Move *pos past the first "(" of s; false when there is none. */
static bool past_open_paren(const char *s, size_t *pos)
{
	for (;;) {
		rt_tok t = rt_tok_next(s, pos);
		if (t.kind == RT_TOK_END)
			return false;
		if (rt_tok_is(&t, "("))
			return true;
	}
}

static void parse_create_table(table_text *tt, const char *s)
{
	size_t pos = 0;
	if (!past_open_paren(s, &pos)) /* up to the body's "(" */
		return;
	size_t start = pos;
	int depth = 1;
	for (;;) {
		rt_tok t = rt_tok_next(s, &pos);
		if (t.kind == RT_TOK_END)
			return;
		if (rt_tok_is(&t, "(")) {
			depth++;
		} else if (rt_tok_is(&t, ")") && --depth == 0) {
			body_item(tt, s, start, (size_t)(t.p - s));
			break;
		} else if (depth == 1 && rt_tok_is(&t, ",")) {
			body_item(tt, s, start, (size_t)(t.p - s));
			start = pos;
		}
	}
	table_options(tt->t, s, pos);
}

/* --- The catalog ----------------------------------------------------------------- */

static char *type_norm(const char *type)
{
	rt_buf b = RT_BUF_INIT;
	rt_type_normalise(&b, "sqlite", type);
	return rt_buf_detach(&b);
}

/* pragma_table_xinfo: cid, name, type, notnull, dflt_value, pk, hidden. */
static int read_columns(retort *r, rt_table *t)
{
	rt_rows rs;
	int rc = rows_for(r, &rs, "SELECT name, type, \"notnull\", dflt_value, pk, hidden "
				  "FROM pragma_table_xinfo(", t->name, ") ORDER BY cid");
	if (rc)
		return rc;
	int npk = 0;
	for (size_t i = 0; i < rs.nrows; i++) {
		rt_column *c = rt_table_add_column(t, rt_rows_cell(&rs, i, 0));
		const char *type = rt_rows_cell(&rs, i, 1), *dflt = rt_rows_cell(&rs, i, 3);
		free(c->type);
		free(c->ntype);
		c->type = rt_xstrdup(type ? type : "");
		c->ntype = type_norm(c->type);
		c->notnull = atoi(rt_rows_cell(&rs, i, 2)) != 0;
		c->dflt = rt_xstrdup_or_null(dflt);
		c->ndflt = dflt ? rt_expr_normalised(dflt) : NULL;
		c->pk = atoi(rt_rows_cell(&rs, i, 4));
		int hidden = atoi(rt_rows_cell(&rs, i, 5));
		c->generated = hidden == 2 ? 1 : hidden == 3 ? 2 : 0;
		if (c->pk > npk)
			npk = c->pk;
	}
	for (int k = 1; k <= npk; k++)
		for (size_t i = 0; i < t->ncols; i++)
			if (t->cols[i].pk == k)
				rt_strvec_push(&t->pk, t->cols[i].name);
	rt_rows_free(&rs);
	return 0;
}

/* Unique constraints: the automatic indexes of origin 'u'. */
static int read_uniques(retort *r, rt_table *t)
{
	rt_rows rs;
	int rc = rows_for(r, &rs, "SELECT l.name, i.name FROM pragma_index_list(", t->name,
			  ") AS l, pragma_index_info(l.name) AS i WHERE l.origin = 'u' "
			  "ORDER BY l.name, i.seqno");
	if (rc)
		return rc;
	const char *prev = NULL;
	rt_constraint *k = NULL;
	for (size_t i = 0; i < rs.nrows; i++) {
		const char *idx = rt_rows_cell(&rs, i, 0), *col = rt_rows_cell(&rs, i, 1);
		if (!prev || strcmp(prev, idx))
			k = rt_constraint_add(&t->uniques, &t->nuniques);
		rt_strvec_push(&k->cols, col ? col : "");
		prev = idx;
	}
	rt_rows_free(&rs);
	return 0;
}

static void fk_details(rt_constraint *k, const table_text *tt)
{
	for (size_t i = 0; i < tt->nfks; i++) {
		const fk_text *f = &tt->fks[i];
		if (strcasecmp(f->col, k->cols.v[0]) || strcasecmp(f->ref_table, k->ref_table))
			continue;
		free(k->deferrable);
		k->deferrable = rt_xstrdup(f->deferrable);
		k->name = rt_xstrdup_or_null(f->name);
		return;
	}
}

/* pragma_foreign_key_list: id, seq, table, from, to, on_update, on_delete, match. */
static int read_fks(retort *r, table_text *tt)
{
	rt_rows rs;
	rt_table *t = tt->t;
	int rc = rows_for(r, &rs, "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete "
				  "FROM pragma_foreign_key_list(", t->name, ") ORDER BY id, seq");
	if (rc)
		return rc;
	const char *prev = NULL;
	rt_constraint *k = NULL;
	for (size_t i = 0; i < rs.nrows; i++) {
		const char *id = rt_rows_cell(&rs, i, 0), *to = rt_rows_cell(&rs, i, 3);
		if (!prev || strcmp(prev, id)) {
			if (k)
				fk_details(k, tt);
			k = rt_constraint_add(&t->fks, &t->nfks);
			k->ref_table = rt_xstrdup(rt_rows_cell(&rs, i, 1));
			k->on_update = rt_xstrdup(rt_rows_cell(&rs, i, 4));
			k->on_delete = rt_xstrdup(rt_rows_cell(&rs, i, 5));
		}
		rt_strvec_push(&k->cols, rt_rows_cell(&rs, i, 2));
		if (to)
			rt_strvec_push(&k->ref_cols, to);
		prev = id;
	}
	if (k)
		fk_details(k, tt);
	rt_rows_free(&rs);
	return 0;
}

static void table_text_free(table_text *tt)
{
	for (size_t i = 0; i < tt->nfks; i++) {
		free(tt->fks[i].col);
		free(tt->fks[i].ref_table);
		free(tt->fks[i].name);
		free(tt->fks[i].deferrable);
	}
	free(tt->fks);
}

static int read_table(retort *r, rt_schema *s, const char *name, const char *sql)
{
	rt_table *t = rt_schema_add_table(s, name);
	t->sql = rt_xstrdup(sql ? sql : "");
	table_text tt = { t, NULL, 0 };
	int rc = read_columns(r, t);
	if (!rc) {
		parse_create_table(&tt, t->sql);
		rc = read_uniques(r, t);
	}
	if (!rc)
		rc = read_fks(r, &tt);
	for (size_t i = 0; i < t->ncols; i++) {
		rt_column *c = &t->cols[i];
		if (!c->def)
			c->def = rt_xstrdup(c->name);
	}
	table_text_free(&tt);
	return rc;
}

/* --- Indexes, views, triggers ------------------------------------------------------- */

/* The key texts of CREATE INDEX ... ON t ( keys ) [WHERE pred]. */
static void index_text(rt_index *x, const char *sql, rt_strvec *keys)
{
	size_t pos = 0;
	if (!past_open_paren(sql, &pos))
		return;
	size_t start = pos;
	int depth = 1;
	for (;;) {
		rt_tok t = rt_tok_next(sql, &pos);
		if (t.kind == RT_TOK_END)
			return;
		bool close = rt_tok_is(&t, ")") && depth == 1;
		if ((depth == 1 && rt_tok_is(&t, ",")) || close)
			rt_strvec_pushn(keys, sql + start, (size_t)(t.p - (sql + start)));
		if (close)
			break;
		if (rt_tok_is(&t, "("))
			depth++;
		else if (rt_tok_is(&t, ")"))
			depth--;
		else if (depth == 1 && rt_tok_is(&t, ","))
			start = pos;
	}
	rt_tok w = rt_tok_next(sql, &pos);
	if (rt_tok_is(&w, "WHERE"))
		x->where = rt_expr_normalised(sql + pos);
}

/* An expression key's text without its trailing COLLATE and ASC/DESC. */
static char *key_expr(const char *key)
{
	size_t pos = 0, cut = strlen(key), depth = 0;
	for (;;) {
		rt_tok t = rt_tok_next(key, &pos);
		if (t.kind == RT_TOK_END)
			break;
		if (rt_tok_is(&t, "("))
			depth++;
		else if (rt_tok_is(&t, ")"))
			depth--;
		else if (!depth && (rt_tok_is(&t, "COLLATE") || rt_tok_is(&t, "ASC") ||
				    rt_tok_is(&t, "DESC"))) {
			cut = (size_t)(t.p - key);
			break;
		}
	}
	char *e = rt_xstrndup(key, cut);
	char *n = rt_expr_normalised(e);
	free(e);
	return n;
}

/* pragma_index_xinfo: seqno, cid, name, desc, coll, key. */
static int read_index(retort *r, rt_schema *s, const char *name, const char *table,
		      const char *sql)
{
	rt_index *x = rt_schema_add_index(s, name, table);
	x->sql = rt_xstrdup(sql);
	rt_strvec texts = RT_STRVEC_INIT;
	index_text(x, sql, &texts);
	rt_rows rs;
	int rc = rows_for(r, &rs, "SELECT cid, name, \"desc\", coll FROM pragma_index_xinfo(",
			  name, ") WHERE key ORDER BY seqno");
	if (rc)
		goto done;
	size_t pos = 0;
	rt_tok t = rt_tok_next(sql, &pos);
	t = rt_tok_next(sql, &pos);
	x->unique = rt_tok_is(&t, "UNIQUE");
	for (size_t i = 0; i < rs.nrows; i++) {
		rt_buf k = RT_BUF_INIT;
		const char *col = rt_rows_cell(&rs, i, 1), *coll = rt_rows_cell(&rs, i, 3);
		if (col) {
			rt_buf_puts(&k, col);
		} else {
			char *e = key_expr(i < texts.len ? texts.v[i] : "");
			rt_buf_puts(&k, e);
			free(e);
		}
		if (coll && strcasecmp(coll, "BINARY"))
			rt_buf_printf(&k, " COLLATE %s", coll);
		if (atoi(rt_rows_cell(&rs, i, 2)))
			rt_buf_puts(&k, " DESC");
		rt_strvec_push_owned(&x->keys, rt_buf_detach(&k));
	}
	rt_rows_free(&rs);
done:
	rt_strvec_free(&texts);
	return rc;
}

static void read_object(rt_objvec *ov, const char *name, const char *table, const char *sql)
{
	rt_object *o = rt_objvec_add(ov, name);
	o->table = rt_xstrdup_or_null(table);
	o->sql = rt_xstrdup(sql ? sql : "");
	o->def = rt_expr_normalised(o->sql);
}

int rt_inspect_sqlite(retort *r, rt_schema *out)
{
	memset(out, 0, sizeof(*out));
	rt_rows rs;
	int rc = rt_rows_query(r, &rs,
		"SELECT type, name, tbl_name, sql FROM sqlite_schema "
		"WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < rs.nrows; i++) {
		const char *type = rt_rows_cell(&rs, i, 0), *name = rt_rows_cell(&rs, i, 1);
		const char *table = rt_rows_cell(&rs, i, 2), *sql = rt_rows_cell(&rs, i, 3);
		if (!strcmp(type, "table"))
			rc = read_table(r, out, name, sql);
		else if (!strcmp(type, "index") && sql)
			rc = read_index(r, out, name, table, sql);
		else if (!strcmp(type, "view"))
			read_object(&out->views, name, NULL, sql);
		else if (!strcmp(type, "trigger"))
			read_object(&out->triggers, name, table, sql);
	}
	rt_rows_free(&rs);
	if (rc)
		rt_schema_free(out);
	else
		rt_schema_sort(out);
	return rc;
}
