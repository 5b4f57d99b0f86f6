/*
 * backends/postgresql/inspect.c: read an rt_schema from PostgreSQL's pg_catalog.
 *
 * Nothing is parsed by hand that the server can say itself: types come
 * from format_type(), defaults, generated expressions, check expressions
 * and index predicates from pg_get_expr(), constraints from
 * pg_get_constraintdef(), index keys from pg_get_indexdef() and views from
 * pg_get_viewdef(), so that the model (loaded into a scratch database) and
 * the database are compared in the server's own canonical text.
 *
 * The whole schema is read in seven queries (tables, columns, constraints,
 * indexes, views, enums, sequences), never one per table, so that a schema
 * of thousands of tables reads in about the time of one.  The scope is one
 * schema: the one given, or the connection's current_schema().  Objects
 * that belong to an extension (pg_depend 'e': PostGIS's spatial_ref_sys,
 * say) are not part of any model and are left out, as are the sequences
 * that serial and identity columns own (they are part of their column).
 */
#include "db.h"
#include "inspect.h"
#include "postgresql.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Lists inside a cell are joined with chr(31), which no name holds. */
#define SEP '\x1f'

static void split_list(rt_strvec *out, const char *s)
{
	while (s && *s) {
		size_t n = strcspn(s, "\x1f");
		rt_strvec_pushn(out, s, n);
		s += n;
		if (*s == SEP)
			s++;
	}
}

/*
 * Run a query whose text says $S where the schema's name goes: a literal,
 * or current_schema() when schema is NULL.
 */
static int scoped(retort *r, rt_rows *rs, const char *schema, const char *tmpl)
{
	rt_buf sql = RT_BUF_INIT;
	for (const char *p = tmpl; *p; p++) {
		if (p[0] == '$' && p[1] == 'S') {
			if (schema)
				rt_buf_put_sqlstr(&sql, schema);
			else
				rt_buf_puts(&sql, "current_schema()");
			p++;
		} else {
			rt_buf_putc(&sql, *p);
		}
	}
	int rc = rt_rows_query(r, rs, sql.ptr);
	rt_buf_free(&sql);
	return rc;
}

/* Not a member of an extension: pg_depend has no 'e' row for the object. */
#define NOT_EXT(cls, oid) \
	" NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '" cls "'::regclass" \
	" AND e.objid = " oid " AND e.deptype = 'e') "

#define REL_IN_SCOPE \
	" JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $S" \
	" AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND" \
	NOT_EXT("pg_class", "c.oid")

static const char tables_sql[] =
	"SELECT c.relname, obj_description(c.oid, 'pg_class') FROM pg_class c"
	REL_IN_SCOPE "ORDER BY c.relname";

/* serial: the default is nextval() of a sequence that the column owns. */
static const char columns_sql[] =
	"SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
	" pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,"
	" CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,"
	" col_description(c.oid, a.attnum),"
	" (SELECT s.relname FROM pg_depend dd JOIN pg_class s ON s.oid = dd.objid"
	"  WHERE dd.classid = 'pg_class'::regclass AND dd.refclassid = 'pg_class'::regclass"
	"  AND dd.refobjid = a.attrelid AND dd.refobjsubid = a.attnum AND dd.deptype = 'a'"
	"  AND s.relkind = 'S' AND pg_get_expr(d.adbin, d.adrelid) ="
	"  'nextval(' || quote_literal(s.oid::regclass::text) || '::regclass)' LIMIT 1)"
	" FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
	" JOIN pg_type t ON t.oid = a.atttypid"
	" LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
	" LEFT JOIN pg_collation co ON co.oid = a.attcollation"
	REL_IN_SCOPE "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum";

#define COLS_OF(keys, rel)                                                              \
	"(SELECT string_agg(a.attname, chr(31) ORDER BY x.n) FROM unnest(" keys ")"      \
	" WITH ORDINALITY x(num, n) JOIN pg_attribute a ON a.attrelid = " rel            \
	" AND a.attnum = x.num)"

static const char constraints_sql[] =
	"SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid),"
	" pg_get_expr(k.conbin, k.conrelid), " COLS_OF("k.conkey", "k.conrelid") ","
	" f.relname, " COLS_OF("k.confkey", "k.confrelid") ","
	" k.confupdtype, k.confdeltype, k.condeferrable, k.condeferred"
	" FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
	" LEFT JOIN pg_class f ON f.oid = k.confrelid"
	REL_IN_SCOPE "AND k.contype IN ('p', 'u', 'f', 'c') ORDER BY c.relname, k.conname";

/*
 * Index keys, one string each: the server's text of the key, then what
 * pg_get_indexdef(oid, k) leaves out: a collation other than the column's
 * (an expression's: other than the default), a non-default operator
 * class, DESC, and NULLS FIRST/LAST where it is not the direction's default.
 * Indexes that back a primary key, unique or exclusion constraint are the
 * constraint's, not listed here.
 */
static const char indexes_sql[] =
	"SELECT c.relname, ic.relname, i.indisunique,"
	" replace(pg_get_indexdef(i.indexrelid), ' ON ' || quote_ident(n.nspname) || '.', ' ON '),"
	" pg_get_expr(i.indpred, i.indrelid, true),"
	" (SELECT string_agg(concat(pg_get_indexdef(i.indexrelid, k, true),"
	"   CASE WHEN i.indcollation[k - 1] <> 0 AND i.indcollation[k - 1] <> coalesce("
	"     (SELECT a.attcollation FROM pg_attribute a WHERE a.attrelid = i.indrelid"
	"      AND a.attnum = i.indkey[k - 1] AND i.indkey[k - 1] <> 0), 100)"
	"   THEN ' COLLATE ' || (SELECT quote_ident(collname) FROM pg_collation"
	"     WHERE oid = i.indcollation[k - 1]) END,"
	"   (SELECT ' ' || opcname FROM pg_opclass WHERE oid = i.indclass[k - 1]"
	"     AND NOT opcdefault),"
	"   CASE WHEN i.indoption[k - 1] & 1 = 1 THEN ' DESC' END,"
	"   CASE i.indoption[k - 1] & 3 WHEN 2 THEN ' NULLS FIRST' WHEN 1 THEN ' NULLS LAST' END),"
	"   chr(31) ORDER BY k) FROM generate_series(1, i.indnkeyatts) k),"
	" concat_ws(' ', CASE WHEN am.amname <> 'btree' THEN 'USING ' || am.amname END,"
	"   (SELECT 'INCLUDE (' || string_agg(pg_get_indexdef(i.indexrelid, k, true), ', '"
	"    ORDER BY k) || ')' FROM generate_series(i.indnkeyatts + 1, i.indnatts) k))"
	" FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
	" JOIN pg_class c ON c.oid = i.indrelid JOIN pg_am am ON am.oid = ic.relam"
	REL_IN_SCOPE "AND i.indexrelid NOT IN (SELECT k.conindid FROM pg_constraint k"
	" WHERE k.contype IN ('p', 'u', 'x')) ORDER BY ic.relname";

static const char views_sql[] =
	"SELECT c.relname, pg_get_viewdef(c.oid, true), obj_description(c.oid, 'pg_class')"
	" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	" WHERE n.nspname = $S AND c.relkind = 'v' AND" NOT_EXT("pg_class", "c.oid")
	"ORDER BY c.relname";

static const char enums_sql[] =
	"SELECT t.typname, (SELECT string_agg(e.enumlabel, chr(31) ORDER BY e.enumsortorder)"
	" FROM pg_enum e WHERE e.enumtypid = t.oid)"
	" FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
	" WHERE n.nspname = $S AND t.typtype = 'e' AND" NOT_EXT("pg_type", "t.oid")
	"ORDER BY t.typname";

static const char sequences_sql[] =
	"SELECT c.relname, format_type(s.seqtypid, NULL), s.seqincrement, s.seqmin, s.seqmax,"
	" s.seqstart, s.seqcache, s.seqcycle"
	" FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid"
	" JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $S"
	" AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
	" AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e')) ORDER BY c.relname";

/* --- Tables ------------------------------------------------------------------------ */

static int cmp_name(const void *key, const void *t)
{
	return strcmp(key, ((const rt_table *)t)->name);
}

/* Tables come sorted by name (ORDER BY on type name is byte order). */
static rt_table *table_named(rt_schema *s, const char *name)
{
	if (!s->ntables)
		return NULL;
	return bsearch(name, s->tables, s->ntables, sizeof(*s->tables), cmp_name);
}

static int read_tables(retort *r, rt_schema *s, const char *schema)
{
	rt_rows rs;
	int rc = scoped(r, &rs, schema, tables_sql);
	for (size_t i = 0; !rc && i < rs.nrows; i++) {
		rt_table *t = rt_schema_add_table(s, rt_rows_cell(&rs, i, 0));
		t->comment = rt_xstrdup_or_null(rt_rows_cell(&rs, i, 1));
	}
	rt_rows_free(&rs);
	return rc;
}

static char *type_norm(const char *type)
{
	rt_buf b = RT_BUF_INIT;
	rt_type_normalise(&b, "postgresql", type);
	return rt_buf_detach(&b);
}

static void read_column(rt_table *t, const rt_rows *rs, size_t i)
{
	rt_column *c = rt_table_add_column(t, rt_rows_cell(rs, i, 1));
	const char *dflt = rt_rows_cell(rs, i, 4), *ident = rt_rows_cell(rs, i, 5);
	const char *gen = rt_rows_cell(rs, i, 6), *seq = rt_rows_cell(rs, i, 9);
	free(c->type);
	free(c->ntype);
	c->type = rt_xstrdup(rt_rows_cell(rs, i, 2));
	c->ntype = type_norm(c->type);
	c->notnull = !strcmp(rt_rows_cell(rs, i, 3), "t");
	c->collation = rt_xstrdup_or_null(rt_rows_cell(rs, i, 7));
	c->comment = rt_xstrdup_or_null(rt_rows_cell(rs, i, 8));
	if (gen && *gen) {
		c->generated = 2; /* PostgreSQL's are stored */
		c->gen_expr = rt_xstrdup_or_null(dflt);
	} else if (seq) {
		/* serial: the default names its own sequence, compared as "serial" */
		c->autoinc = true;
		c->seq = rt_xstrdup(seq);
		c->dflt = rt_xstrdup_or_null(dflt);
	} else if (dflt) {
		c->dflt = rt_xstrdup(dflt);
		c->ndflt = rt_expr_normalised(dflt);
	}
	if (ident && *ident) {
		c->autoinc = true;
		c->identity = rt_xstrdup(*ident == 'a' ? "ALWAYS" : "BY DEFAULT");
	}
}

static int read_columns(retort *r, rt_schema *s, const char *schema)
{
	rt_rows rs;
	int rc = scoped(r, &rs, schema, columns_sql);
	rt_table *t = NULL;
	for (size_t i = 0; !rc && i < rs.nrows; i++) {
		const char *tname = rt_rows_cell(&rs, i, 0);
		if (!t || strcmp(t->name, tname))
			t = table_named(s, tname);
		if (t)
			read_column(t, &rs, i);
	}
	rt_rows_free(&rs);
	return rc;
}

static const char *fk_action(const char *code)
{
	switch (code ? *code : 'a') {
	case 'r': return "RESTRICT";
	case 'c': return "CASCADE";
	case 'n': return "SET NULL";
	case 'd': return "SET DEFAULT";
	default: return "NO ACTION";
	}
}

static void read_constraint(rt_table *t, const rt_rows *rs, size_t i)
{
	const char *name = rt_rows_cell(rs, i, 1), *type = rt_rows_cell(rs, i, 2);
	const char *def = rt_rows_cell(rs, i, 3), *expr = rt_rows_cell(rs, i, 4);
	const char *cols = rt_rows_cell(rs, i, 5);
	rt_constraint *k;
	switch (*type) {
	case 'p':
		free(t->pk_name);
		t->pk_name = rt_xstrdup(name);
		split_list(&t->pk, cols);
		for (size_t j = 0; j < t->pk.len; j++)
			for (size_t c = 0; c < t->ncols; c++)
				if (!strcmp(t->cols[c].name, t->pk.v[j]))
					t->cols[c].pk = (int)j + 1;
		return;
	case 'u':
		k = rt_constraint_add(&t->uniques, &t->nuniques);
		break;
	case 'c':
		k = rt_constraint_add(&t->checks, &t->nchecks);
		k->expr = rt_xstrdup(expr ? expr : "");
		k->nexpr = rt_expr_normalised(k->expr);
		break;
	default:
		k = rt_constraint_add(&t->fks, &t->nfks);
		k->ref_table = rt_xstrdup(rt_rows_cell(rs, i, 6));
		split_list(&k->ref_cols, rt_rows_cell(rs, i, 7));
		k->on_update = rt_xstrdup(fk_action(rt_rows_cell(rs, i, 8)));
		k->on_delete = rt_xstrdup(fk_action(rt_rows_cell(rs, i, 9)));
		free(k->deferrable);
		if (!strcmp(rt_rows_cell(rs, i, 10), "t"))
			k->deferrable = rt_xstrdup(!strcmp(rt_rows_cell(rs, i, 11), "t")
				? "DEFERRABLE INITIALLY DEFERRED" : "DEFERRABLE INITIALLY IMMEDIATE");
		else
			k->deferrable = rt_xstrdup("");
		break;
	}
	k->name = rt_xstrdup(name);
	k->def = rt_xstrdup(def);
	split_list(&k->cols, cols);
}

static int read_constraints(retort *r, rt_schema *s, const char *schema)
{
	rt_rows rs;
	int rc = scoped(r, &rs, schema, constraints_sql);
	for (size_t i = 0; !rc && i < rs.nrows; i++) {
		rt_table *t = table_named(s, rt_rows_cell(&rs, i, 0));
		if (t)
			read_constraint(t, &rs, i);
	}
	rt_rows_free(&rs);
	return rc;
}

/* --- Indexes, views, types, sequences -------------------------------------------------- */

static int read_indexes(retort *r, rt_schema *s, const char *schema)
{
	rt_rows rs;
	int rc = scoped(r, &rs, schema, indexes_sql);
	for (size_t i = 0; !rc && i < rs.nrows; i++) {
		rt_index *x = rt_schema_add_index(s, rt_rows_cell(&rs, i, 1), rt_rows_cell(&rs, i, 0));
		const char *where = rt_rows_cell(&rs, i, 4), *extra = rt_rows_cell(&rs, i, 6);
		x->unique = !strcmp(rt_rows_cell(&rs, i, 2), "t");
		x->sql = rt_xstrdup(rt_rows_cell(&rs, i, 3));
		x->where = where ? rt_expr_normalised(where) : NULL;
		x->extra = extra && *extra ? rt_xstrdup(extra) : NULL;
		split_list(&x->keys, rt_rows_cell(&rs, i, 5));
	}
	rt_rows_free(&rs);
	return rc;
}

static void put_quoted_name(rt_buf *b, const char *name);

static int read_views(retort *r, rt_schema *s, const char *schema)
{
	rt_rows rs;
	int rc = scoped(r, &rs, schema, views_sql);
	for (size_t i = 0; !rc && i < rs.nrows; i++) {
		rt_object *o = rt_objvec_add(&s->views, rt_rows_cell(&rs, i, 0));
		rt_buf body = RT_BUF_INIT, sql = RT_BUF_INIT;
		rt_buf_puts(&body, rt_rows_cell(&rs, i, 1));
		rt_buf_rtrim(&body);
		if (body.len && body.ptr[body.len - 1] == ';')
			rt_buf_truncate(&body, body.len - 1);
		rt_buf_puts(&sql, "CREATE VIEW ");
		put_quoted_name(&sql, o->name);
		rt_buf_puts(&sql, " AS\n");
		rt_buf_puts(&sql, body.ptr + strspn(body.ptr, " \n"));
		o->def = rt_expr_normalised(body.ptr);
		o->sql = rt_buf_detach(&sql);
		o->comment = rt_xstrdup_or_null(rt_rows_cell(&rs, i, 2));
		rt_buf_free(&body);
	}
	rt_rows_free(&rs);
	return rc;
}

static int read_enums(retort *r, rt_schema *s, const char *schema)
{
	rt_rows rs;
	int rc = scoped(r, &rs, schema, enums_sql);
	for (size_t i = 0; !rc && i < rs.nrows; i++) {
		rt_object *o = rt_objvec_add(&s->enums, rt_rows_cell(&rs, i, 0));
		split_list(&o->values, rt_rows_cell(&rs, i, 1));
		rt_buf labels = RT_BUF_INIT, sql = RT_BUF_INIT;
		for (size_t k = 0; k < o->values.len; k++) {
			if (k)
				rt_buf_puts(&labels, ", ");
			rt_buf_put_sqlstr(&labels, o->values.v[k]);
		}
		rt_buf_puts(&sql, "CREATE TYPE ");
		put_quoted_name(&sql, o->name);
		rt_buf_printf(&sql, " AS ENUM (%s)", labels.ptr);
		o->def = rt_buf_detach(&labels);
		o->sql = rt_buf_detach(&sql);
	}
	rt_rows_free(&rs);
	return rc;
}

/* A sequence as CREATE SEQUENCE; its options (after the name) are the def. */
static int read_sequences(retort *r, rt_schema *s, const char *schema)
{
	rt_rows rs;
	int rc = scoped(r, &rs, schema, sequences_sql);
	for (size_t i = 0; !rc && i < rs.nrows; i++) {
		rt_object *o = rt_objvec_add(&s->sequences, rt_rows_cell(&rs, i, 0));
		rt_buf def = RT_BUF_INIT, sql = RT_BUF_INIT;
		rt_buf_printf(&def, "AS %s INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s "
			      "CACHE %s %sCYCLE", rt_rows_cell(&rs, i, 1), rt_rows_cell(&rs, i, 2),
			      rt_rows_cell(&rs, i, 3), rt_rows_cell(&rs, i, 4),
			      rt_rows_cell(&rs, i, 5), rt_rows_cell(&rs, i, 6),
			      !strcmp(rt_rows_cell(&rs, i, 7), "t") ? "" : "NO ");
		rt_buf_puts(&sql, "CREATE SEQUENCE ");
		put_quoted_name(&sql, o->name);
		rt_buf_printf(&sql, " %s", def.ptr);
		o->def = rt_buf_detach(&def);
		o->sql = rt_buf_detach(&sql);
	}
	rt_rows_free(&rs);
	return rc;
}

/* Names in the statements the inspector writes: quoted unless plain. */
static void put_quoted_name(rt_buf *b, const char *name)
{
	rt_pg_put_name(b, name);
}

/*
 * The catalog queries call functions per row, which the planner costs high
 * enough to JIT-compile them: that takes longer than the queries (a second
 * on a thousand tables).  JIT is off while they run, then as it was.
 */
static int jit_off(retort *r, char **saved)
{
	rt_rows rs;
	*saved = NULL;
	int rc = rt_rows_query(r, &rs, "SELECT setting FROM pg_catalog.pg_settings WHERE name = 'jit'");
	if (!rc && rs.nrows && strcmp(rt_rows_cell(&rs, 0, 0), "off")) {
		*saved = rt_xstrdup(rt_rows_cell(&rs, 0, 0));
		rc = rt_db_exec(r, "SET jit = off", NULL);
	}
	rt_rows_free(&rs);
	return rc;
}

static int jit_restore(retort *r, char *saved, int rc)
{
	if (saved) {
		rt_buf sql = RT_BUF_INIT;
		rt_buf_puts(&sql, "SELECT pg_catalog.set_config('jit', ");
		rt_buf_put_sqlstr(&sql, saved);
		rt_buf_puts(&sql, ", false)");
		int src = rt_db_exec(r, sql.ptr, NULL);
		rc = rc ? rc : src;
		rt_buf_free(&sql);
		free(saved);
	}
	return rc;
}

int rt_inspect_postgres(retort *r, const char *schema, rt_schema *out)
{
	char *jit;
	memset(out, 0, sizeof(*out));
	int rc = jit_off(r, &jit);
	if (!rc)
		rc = read_tables(r, out, schema);
	if (!rc)
		rc = read_columns(r, out, schema);
	if (!rc)
		rc = read_constraints(r, out, schema);
	if (!rc)
		rc = read_indexes(r, out, schema);
	if (!rc)
		rc = read_views(r, out, schema);
	if (!rc)
		rc = read_enums(r, out, schema);
	if (!rc)
		rc = read_sequences(r, out, schema);
	rc = jit_restore(r, jit, rc);
	if (rc)
		rt_schema_free(out);
	else
		rt_schema_sort(out);
	return rc;
}

/* --- CHECK expressions to their fixed point ------------------------------- */

/*
 * PostgreSQL does not always read back what it deparses as itself: a
 * varchar column's `status IN ('open', 'done')` deparses as
 *   ((status)::text = ANY ((ARRAY['open'::character varying, ...])::text[]))
 * and that text, run again (as an autogenerated revision runs it), deparses
 * as
 *   ((status)::text = ANY (ARRAY[('open'::character varying)::text, ...]))
 * so the database and the model would differ forever.  An expression is
 * taken to its fixed point on the scratch connection (which holds the
 * model's tables): added to its table as a NOT VALID constraint, read
 * back, rolled back, until the text stops changing.
 */
static char *canon_once(retort *r, const char *table, const char *expr, bool in_txn)
{
	rt_buf sql = RT_BUF_INIT, qt = RT_BUF_INIT;
	rt_pg_put_name(&qt, table);
	rt_buf_puts(&sql, in_txn ? "SAVEPOINT retort_canon; " : "BEGIN; ");
	rt_buf_printf(&sql, "ALTER TABLE %s ADD CONSTRAINT retort_canon CHECK (%s) NOT VALID; ",
		      qt.ptr, expr);
	rt_buf_puts(&sql, "SELECT pg_catalog.pg_get_expr(conbin, conrelid) FROM "
			  "pg_catalog.pg_constraint WHERE conname = 'retort_canon' AND conrelid = ");
	rt_buf_put_sqlstr(&sql, qt.ptr);
	rt_buf_puts(&sql, "::regclass");
	rt_rows rs = { 0 };
	char *out = NULL;
	rt_err saved = r->err;
	if (rt_rows_query(r, &rs, sql.ptr) == 0 && rs.nrows == 1 && rt_rows_cell(&rs, 0, 0))
		out = rt_xstrdup(rt_rows_cell(&rs, 0, 0));
	r->err = saved; /* an expression the scratch cannot take keeps its text */
	rt_db_exec(r, in_txn ? "ROLLBACK TO SAVEPOINT retort_canon; RELEASE retort_canon"
			     : "ROLLBACK", NULL);
	r->err = saved;
	rt_rows_free(&rs);
	rt_buf_free(&sql);
	rt_buf_free(&qt);
	return out;
}

static void canon_check(retort *r, const char *table, rt_constraint *k, bool in_txn)
{
	char *cur = rt_xstrdup(k->expr);
	for (int i = 0; i < 3; i++) {
		char *next = canon_once(r, table, cur, in_txn);
		bool same = !next || !strcmp(next, cur);
		if (next && !same) {
			free(cur);
			cur = next;
		} else {
			free(next);
		}
		if (same)
			break;
	}
	free(k->nexpr);
	k->nexpr = rt_expr_normalised(cur);
	free(cur);
}

static bool has_check(const rt_table *t, const char *nexpr)
{
	for (size_t i = 0; i < t->nchecks; i++)
		if (!strcmp(t->checks[i].nexpr, nexpr))
			return true;
	return false;
}

void rt_pg_canon_checks(retort *r, rt_schema *db, rt_schema *model, bool in_txn)
{
	for (size_t i = 0; i < model->ntables; i++) {
		rt_table *m = &model->tables[i];
		rt_table *d = (rt_table *)rt_schema_table(db, m->name);
		if (!d)
			continue;
		bool differ = d->nchecks != m->nchecks;
		for (size_t j = 0; !differ && j < m->nchecks; j++)
			differ = !has_check(d, m->checks[j].nexpr);
		if (!differ)
			continue;
		for (size_t j = 0; j < m->nchecks; j++)
			canon_check(r, m->name, &m->checks[j], in_txn);
		for (size_t j = 0; j < d->nchecks; j++)
			canon_check(r, m->name, &d->checks[j], in_txn);
	}
}
