/*
 * test_diff.c: the catalog model, the comparison and the SQLite SQL it
 * writes, on in-memory SQLite databases read back by the inspector; and
 * the PostgreSQL SQL, on catalogs built by hand (the end-to-end tests run
 * it on a server).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "backends/postgresql/postgresql.h"
#include "db.h"
#include "diff.h"
#include "inspect.h"
#include "model.h"
#include "project.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static retort *mem(void)
{
	retort_options o = RETORT_OPTIONS_INIT;
	o.flags = RETORT_OPEN_NOCONFIG;
	o.url = "sqlite://";
	retort *r = NULL;
	assert_int_equal(retort_open(&r, &o), 0);
	assert_int_equal(rt_project_connect(r), 0);
	return r;
}

/* The catalog of a fresh in-memory database holding sql. */
static void catalog(rt_schema *s, const char *sql)
{
	retort *r = mem();
	assert_int_equal(rt_db_exec(r, sql, NULL), 0);
	assert_int_equal(rt_inspect(r, s), 0);
	retort_free(r);
}

typedef struct pair {
	rt_schema from, to;
	rt_renames renames;
	rt_diff d;
	rt_buf sql;
} pair;

static void compare(pair *p, const char *from, const char *to)
{
	memset(p, 0, sizeof(*p));
	rt_buf_init(&p->sql);
	catalog(&p->from, from);
	catalog(&p->to, to);
	rt_model_renames(&p->renames, to);
	rt_diff_compute(&p->d, &p->from, &p->to, &p->renames, true);
	assert_int_equal(rt_diff_render(&p->sql, &p->d, "sqlite", NULL), 0);
}

static void pair_free(pair *p)
{
	rt_diff_free(&p->d);
	rt_schema_free(&p->from);
	rt_schema_free(&p->to);
	rt_renames_free(&p->renames);
	rt_buf_free(&p->sql);
}

/* The kinds of the operations, space-separated. */
static char *kinds(const rt_diff *d)
{
	rt_buf b = RT_BUF_INIT;
	for (size_t i = 0; i < d->n; i++)
		rt_buf_printf(&b, "%s%s", i ? " " : "", rt_op_kind_name(d->ops[i].kind));
	return rt_buf_detach(&b);
}

static void assert_kinds(const pair *p, const char *want)
{
	char *got = kinds(&p->d);
	assert_string_equal(got, want);
	free(got);
}

/* Apply the upgrade SQL to `from` and diff the result against `to`: none left. */
static void assert_round_trip(const char *from, const char *to)
{
	pair p;
	compare(&p, from, to);
	retort *r = mem();
	assert_int_equal(rt_db_exec(r, from, NULL), 0);
	assert_int_equal(rt_db_exec(r, "BEGIN", NULL), 0);
	if (rt_db_exec(r, p.sql.ptr, NULL))
		fail_msg("upgrade SQL failed: %s\n%s", retort_errmsg(r), p.sql.ptr);
	assert_int_equal(rt_db_exec(r, "COMMIT", NULL), 0);
	rt_schema after;
	assert_int_equal(rt_inspect(r, &after), 0);
	rt_diff left;
	rt_diff_compute(&left, &after, &p.to, NULL, false);
	if (left.n) {
		rt_buf b = RT_BUF_INIT;
		rt_op_describe(&b, &left.ops[0]);
		fail_msg("still differs: %s\n%s", b.ptr, p.sql.ptr);
	}
	rt_diff_free(&left);
	rt_schema_free(&after);
	retort_free(r);
	pair_free(&p);
}

static void test_diff__type_normalise_folds_case_and_blanks(void **state)
{
	rt_buf b = RT_BUF_INIT;
	rt_type_normalise(&b, "sqlite", "VARCHAR ( 20 )");
	assert_string_equal(b.ptr, "varchar(20)");
	rt_buf_clear(&b);
	rt_type_normalise(&b, "postgresql", "INT4");
	assert_string_equal(b.ptr, "integer");
	rt_buf_clear(&b);
	rt_type_normalise(&b, "sqlite", "INT");
	assert_string_equal(b.ptr, "int"); /* not INTEGER: only that is a rowid alias */
	rt_buf_free(&b);
}

static void test_diff__expr_normalise_strips_outer_parens_keeps_strings(void **state)
{
	rt_buf b = RT_BUF_INIT;
	rt_expr_normalise(&b, "((  Lower( Email ) ))");
	assert_string_equal(b.ptr, "lower(email)");
	rt_buf_clear(&b);
	rt_expr_normalise(&b, "(a) + (b)");
	assert_string_equal(b.ptr, "(a) + (b)"); /* not one group: kept */
	rt_buf_clear(&b);
	rt_expr_normalise(&b, "'It''s'");
	assert_string_equal(b.ptr, "'It''s'");
	rt_buf_clear(&b);
	/* two-character operators stay whole: "(age > = 0)" was printed */
	rt_expr_normalise(&b, "age>=0 AND b<=1 AND c<>2 AND d!=3 AND e||f");
	assert_string_equal(b.ptr, "age >= 0 and b <= 1 and c <> 2 and d != 3 and e || f");
	rt_buf_free(&b);
}

static void test_diff__same_schema_written_differently_has_no_ops(void **state)
{
	pair p;
	compare(&p, "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER DEFAULT (0), CHECK (n >= 0))",
		"create table t (\n id integer primary key,\n n INTEGER default 0,\n check ((n>=0)))");
	assert_int_equal(p.d.n, 0);
	assert_string_equal(p.sql.ptr, "");
	pair_free(&p);
}

static void test_diff__inspector_reads_what_only_the_text_holds(void **state)
{
	rt_schema s;
	catalog(&s, "CREATE TABLE p (id INTEGER PRIMARY KEY);"
		    "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, "
		    "name TEXT COLLATE NOCASE, d INT AS (id * 2) STORED, "
		    "p_id INTEGER REFERENCES p DEFERRABLE INITIALLY DEFERRED, "
		    "CONSTRAINT ck_name CHECK (length(name) > 0)) STRICT;"
		    "CREATE INDEX ix ON t (lower(name) DESC, id) WHERE id > 0;");
	const rt_table *t = rt_schema_table(&s, "t");
	assert_non_null(t);
	assert_true(rt_table_column(t, "id")->autoinc);
	assert_string_equal(rt_table_column(t, "name")->collation, "NOCASE");
	assert_int_equal(rt_table_column(t, "d")->generated, 2);
	assert_string_equal(rt_table_column(t, "d")->gen_expr, "id * 2");
	assert_int_equal(t->nchecks, 1);
	assert_string_equal(t->checks[0].name, "ck_name");
	assert_string_equal(t->checks[0].nexpr, "length(name) > 0");
	assert_int_equal(t->nfks, 1);
	assert_string_equal(t->fks[0].deferrable, "DEFERRABLE INITIALLY DEFERRED");
	assert_string_equal(t->options, "STRICT");
	const rt_index *x = rt_schema_index(&s, "ix");
	assert_non_null(x);
	assert_int_equal(x->keys.len, 2);
	assert_string_equal(x->keys.v[0], "lower(name) DESC");
	assert_string_equal(x->keys.v[1], "id");
	assert_string_equal(x->where, "id > 0");
	rt_schema_free(&s);
}

static void test_diff__operations_come_in_dependency_order(void **state)
{
	pair p;
	compare(&p, "CREATE TABLE a (id INTEGER PRIMARY KEY); CREATE VIEW va AS SELECT * FROM a;",
		"CREATE TABLE b (id INTEGER PRIMARY KEY, x TEXT); CREATE INDEX ix_b ON b (x);"
		"CREATE VIEW vb AS SELECT * FROM b;");
	assert_kinds(&p, "drop_view drop_table create_table create_index create_view");
	const char *drop_view = strstr(p.sql.ptr, "DROP VIEW va;");
	const char *drop_table = strstr(p.sql.ptr, "DROP TABLE a;");
	const char *create = strstr(p.sql.ptr, "CREATE TABLE b");
	const char *index = strstr(p.sql.ptr, "CREATE INDEX ix_b");
	const char *view = strstr(p.sql.ptr, "CREATE VIEW vb");
	assert_true(drop_view && drop_table && create && index && view);
	assert_true(drop_view < drop_table && drop_table < create && create < index && index < view);
	pair_free(&p);
}

static void test_diff__every_drop_has_a_review_note(void **state)
{
	pair p;
	compare(&p, "CREATE TABLE a (id INTEGER PRIMARY KEY, x TEXT); CREATE INDEX ix ON a (x);",
		"CREATE TABLE a (id INTEGER PRIMARY KEY);");
	assert_true(p.d.n >= 2);
	for (size_t i = 0; i < p.d.n; i++)
		if (!strncmp(rt_op_kind_name(p.d.ops[i].kind), "drop", 4))
			assert_non_null(p.d.ops[i].review);
	assert_non_null(strstr(p.sql.ptr, "-- review: drops column 'a.x' and its data\n"));
	pair_free(&p);
}

static void test_diff__narrowing_type_change_is_flagged_widening_is_not(void **state)
{
	pair p;
	compare(&p, "CREATE TABLE t (a VARCHAR(10), b TEXT)", "CREATE TABLE t (a VARCHAR(50), b INTEGER)");
	assert_kinds(&p, "alter_column alter_column");
	assert_null(p.d.ops[0].review);           /* a: wider */
	assert_non_null(p.d.ops[1].review);       /* b: TEXT -> INTEGER */
	assert_non_null(strstr(p.d.ops[1].review, "from TEXT to INTEGER"));
	pair_free(&p);
}

static void test_diff__simple_add_column_is_an_alter_not_a_rebuild(void **state)
{
	pair p;
	compare(&p, "CREATE TABLE t (id INTEGER PRIMARY KEY)",
		"CREATE TABLE t (id INTEGER PRIMARY KEY, done BOOLEAN NOT NULL DEFAULT 0)");
	assert_string_equal(p.sql.ptr, "ALTER TABLE t ADD COLUMN done BOOLEAN NOT NULL DEFAULT 0;\n");
	pair_free(&p);
}

static void test_diff__not_null_change_rebuilds_the_table(void **state)
{
	pair p;
	compare(&p, "CREATE TABLE t (id INTEGER PRIMARY KEY, n TEXT); CREATE INDEX ix_n ON t (n);",
		"CREATE TABLE t (id INTEGER PRIMARY KEY, n TEXT NOT NULL); CREATE INDEX ix_n ON t (n);");
	assert_string_equal(p.sql.ptr,
		"PRAGMA defer_foreign_keys = ON;\n"
		"-- rebuild t: SQLite's ALTER TABLE cannot make this change\n"
		"-- review: 't.n' becomes NOT NULL: existing NULLs make this step fail\n"
		"CREATE TABLE _retort_new_t (id INTEGER PRIMARY KEY, n TEXT NOT NULL);\n"
		"INSERT INTO _retort_new_t (id, n) SELECT id, n FROM t;\n"
		"DROP TABLE t;\n"
		"ALTER TABLE _retort_new_t RENAME TO t;\n"
		"CREATE INDEX ix_n ON t (n);\n"
		"PRAGMA foreign_key_check;\n");
	pair_free(&p);
}

static void test_diff__drop_and_add_name_the_possible_rename(void **state)
{
	pair p;
	compare(&p, "CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT)",
		"CREATE TABLE t (id INTEGER PRIMARY KEY, email_address TEXT)");
	assert_kinds(&p, "drop_column add_column");
	assert_non_null(strstr(p.d.ops[0].review, "renamed to 'email_address'"));
	pair_free(&p);
}

static void test_diff__renamed_from_comments_make_renames(void **state)
{
	pair p;
	compare(&p, "CREATE TABLE people (id INTEGER PRIMARY KEY, email TEXT, n INT)",
		"-- retort:renamed-from people\n"
		"CREATE TABLE users (\n"
		"  id INTEGER PRIMARY KEY,\n"
		"  -- retort:renamed-from email\n"
		"  email_address TEXT,\n"
		"  count INT -- retort:renamed-from n\n"
		")");
	assert_kinds(&p, "rename_table rename_column rename_column");
	assert_non_null(strstr(p.sql.ptr, "ALTER TABLE people RENAME TO users;\n"));
	assert_non_null(strstr(p.sql.ptr, "ALTER TABLE users RENAME COLUMN email TO email_address;\n"));
	assert_non_null(strstr(p.sql.ptr, "ALTER TABLE users RENAME COLUMN n TO \"count\";\n") ||
			strstr(p.sql.ptr, "ALTER TABLE users RENAME COLUMN n TO count;\n"));
	pair_free(&p);
}

static void test_diff__renames_invert_for_the_downgrade(void **state)
{
	rt_renames rn = { 0 }, back;
	rt_model_renames(&rn, "-- retort:renamed-from a\nCREATE TABLE b (\n  y INT -- retort:renamed-from x\n);");
	rt_renames_invert(&back, &rn);
	assert_string_equal(back.tables_old.v[0], "b");
	assert_string_equal(back.tables_new.v[0], "a");
	assert_string_equal(back.cols_table.v[0], "a");
	assert_string_equal(back.cols_old.v[0], "y");
	assert_string_equal(back.cols_new.v[0], "x");
	rt_renames_free(&rn);
	rt_renames_free(&back);
}

static void test_diff__filters_drop_excluded_tables_with_their_indexes(void **state)
{
	rt_schema s;
	catalog(&s, "CREATE TABLE app_a (x); CREATE INDEX ix_a ON app_a (x);"
		    "CREATE TABLE legacy (x); CREATE INDEX ix_l ON legacy (x);");
	rt_strvec inc = RT_STRVEC_INIT, exc = RT_STRVEC_INIT;
	rt_strvec_push(&exc, "legacy*");
	rt_schema_filter(&s, &inc, &exc);
	assert_int_equal(s.ntables, 1);
	assert_string_equal(s.tables[0].name, "app_a");
	assert_int_equal(s.nindexes, 1);
	assert_string_equal(s.indexes[0].name, "ix_a");
	rt_strvec_free(&exc);
	rt_schema_free(&s);
}

static void test_diff__upgrade_sql_reaches_the_model(void **state)
{
	assert_round_trip("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT);"
			  "CREATE INDEX ix_b ON t (b); CREATE VIEW v AS SELECT a FROM t;",
			  "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL COLLATE NOCASE,"
			  " c INTEGER DEFAULT 3 CHECK (c > 0)); CREATE VIEW v AS SELECT a FROM t;");
	assert_round_trip("CREATE TABLE p (id INTEGER PRIMARY KEY);"
			  "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER)",
			  "CREATE TABLE p (id INTEGER PRIMARY KEY);"
			  "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id) "
			  "ON DELETE CASCADE)");
	/* and the downgrade: the same comparison the other way */
	assert_round_trip("CREATE TABLE p (id INTEGER PRIMARY KEY);"
			  "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id) "
			  "ON DELETE CASCADE)",
			  "CREATE TABLE p (id INTEGER PRIMARY KEY);"
			  "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER)");
}


/* --- PostgreSQL rendering, on hand-made catalogs ------------------------------------ */

static rt_column *pg_col(rt_table *t, const char *name, const char *type)
{
	rt_column *c = rt_table_add_column(t, name);
	free(c->type);
	free(c->ntype);
	c->type = rt_xstrdup(type);
	c->ntype = rt_xstrdup(type);
	return c;
}

static rt_object *pg_enum(rt_schema *s, const char *name, const char *const *labels)
{
	rt_object *o = rt_objvec_add(&s->enums, name);
	rt_buf def = RT_BUF_INIT, sql = RT_BUF_INIT;
	for (size_t i = 0; labels[i]; i++) {
		rt_strvec_push(&o->values, labels[i]);
		rt_buf_printf(&def, "%s'%s'", i ? ", " : "", labels[i]);
	}
	rt_buf_printf(&sql, "CREATE TYPE %s AS ENUM (%s)", name, def.ptr);
	o->def = rt_buf_detach(&def);
	o->sql = rt_buf_detach(&sql);
	return o;
}

static rt_object *pg_view(rt_schema *s, const char *name, const char *body)
{
	rt_object *o = rt_objvec_add(&s->views, name);
	rt_buf sql = RT_BUF_INIT;
	rt_buf_printf(&sql, "CREATE VIEW %s AS %s", name, body);
	o->sql = rt_buf_detach(&sql);
	o->def = rt_xstrdup(body);
	return o;
}

/* Render from -> to for PostgreSQL into out (a new buffer). */
static void pg_render(rt_buf *out, rt_schema *from, rt_schema *to)
{
	rt_diff d;
	rt_schema_sort(from);
	rt_schema_sort(to);
	rt_buf_init(out);
	rt_diff_compute(&d, from, to, NULL, true);
	assert_int_equal(rt_diff_render(out, &d, "postgresql", NULL), 0);
	rt_diff_free(&d);
}

/* a appears in text, and before b. */
static void assert_before(const char *text, const char *a, const char *b)
{
	const char *pa = strstr(text, a), *pb = strstr(text, b);
	if (!pa || !pb || pa > pb)
		fail_msg("expected '%s' before '%s' in:\n%s", a, b, text);
}

static void test_diff__postgres_types_first_foreign_keys_after_tables(void **state)
{
	rt_schema from = { 0 }, to = { 0 };
	static const char *const labels[] = { "a", "b", NULL };
	pg_enum(&to, "mood", labels);
	rt_table *child = rt_schema_add_table(&to, "child");
	pg_col(child, "id", "integer");
	pg_col(child, "p_id", "integer");
	pg_col(child, "m", "mood");
	rt_constraint *fk = rt_constraint_add(&child->fks, &child->nfks);
	fk->name = rt_xstrdup("child_p_id_fkey");
	rt_strvec_push(&fk->cols, "p_id");
	fk->ref_table = rt_xstrdup("parent");
	fk->def = rt_xstrdup("FOREIGN KEY (p_id) REFERENCES parent(id)");
	rt_table *parent = rt_schema_add_table(&to, "parent");
	pg_col(parent, "id", "integer")->notnull = true;
	parent->pk_name = rt_xstrdup("parent_pkey");
	rt_strvec_push(&parent->pk, "id");
	rt_buf sql;
	pg_render(&sql, &from, &to);
	assert_before(sql.ptr, "CREATE TYPE mood", "CREATE TABLE child");
	assert_before(sql.ptr, "CREATE TABLE parent (\n    id integer NOT NULL,\n"
		      "    CONSTRAINT parent_pkey PRIMARY KEY (id)\n);",
		      "ALTER TABLE child ADD CONSTRAINT child_p_id_fkey FOREIGN KEY");
	assert_null(strstr(sql.ptr, "REFERENCES parent(id)\n")); /* not inline */
	rt_buf_free(&sql);
	rt_buf down;
	pg_render(&down, &to, &from);
	assert_before(down.ptr, "DROP TABLE child", "DROP TYPE mood");
	assert_before(down.ptr, "-- review: drops table 'parent' and all its rows\nDROP TABLE parent;",
		      "DROP TYPE mood");
	rt_buf_free(&down);
	rt_schema_free(&from);
	rt_schema_free(&to);
}

static void test_diff__postgres_enum_added_label_is_in_place_removed_rebuilds(void **state)
{
	rt_schema a = { 0 }, b = { 0 };
	static const char *const two[] = { "happy", "sad", NULL };
	static const char *const three[] = { "happy", "ok", "sad", NULL };
	pg_enum(&a, "mood", two);
	pg_enum(&b, "mood", three);
	rt_table *t = rt_schema_add_table(&a, "t");
	pg_col(t, "m", "mood")->dflt = rt_xstrdup("'happy'::mood");
	t = rt_schema_add_table(&b, "t");
	pg_col(t, "m", "mood")->dflt = rt_xstrdup("'happy'::mood");
	rt_buf up, down;
	pg_render(&up, &a, &b);
	assert_string_equal(up.ptr, "ALTER TYPE mood ADD VALUE 'ok' AFTER 'happy';\n");
	pg_render(&down, &b, &a);
	assert_before(down.ptr, "-- review: drops type 'mood', recreated with labels removed or "
		      "reordered\nALTER TYPE mood RENAME TO _retort_old_mood;", "CREATE TYPE mood AS ENUM");
	assert_before(down.ptr, "ALTER TABLE t ALTER COLUMN m DROP DEFAULT;",
		      "ALTER TABLE t ALTER COLUMN m TYPE mood USING m::text::mood;");
	assert_before(down.ptr, "USING m::text::mood;\nALTER TABLE t ALTER COLUMN m SET DEFAULT "
		      "'happy'::mood;", "DROP TYPE _retort_old_mood;");
	rt_buf_free(&up);
	rt_buf_free(&down);
	rt_schema_free(&a);
	rt_schema_free(&b);
}

static void test_diff__postgres_retyped_column_drops_and_recreates_its_views(void **state)
{
	rt_schema a = { 0 }, b = { 0 };
	rt_schema *sides[] = { &a, &b };
	for (int i = 0; i < 2; i++) {
		rt_table *t = rt_schema_add_table(sides[i], "t");
		pg_col(t, "id", "integer");
		pg_col(t, "n", i ? "bigint" : "integer")->dflt = rt_xstrdup("0");
		t->cols[1].ndflt = rt_xstrdup("0");
		pg_view(sides[i], "v2", "select v1.n from v1");
		pg_view(sides[i], "v1", "select t.n from t");
		pg_view(sides[i], "other", "select 1 as one");
	}
	rt_buf up;
	pg_render(&up, &a, &b);
	assert_before(up.ptr, "DROP VIEW v2;\nDROP VIEW v1;\n", "ALTER TABLE t ALTER COLUMN n DROP DEFAULT;");
	assert_before(up.ptr, "ALTER TABLE t ALTER COLUMN n TYPE bigint USING n::bigint;\n"
		      "ALTER TABLE t ALTER COLUMN n SET DEFAULT 0;", "CREATE VIEW v1 AS");
	assert_before(up.ptr, "CREATE VIEW v1 AS", "CREATE VIEW v2 AS");
	assert_null(strstr(up.ptr, "other")); /* views on other tables are left alone */
	assert_null(strstr(up.ptr, "review")); /* integer -> bigint loses nothing */
	rt_buf_free(&up);
	rt_schema_free(&a);
	rt_schema_free(&b);
}

static void test_diff__postgres_identity_and_serial_changes(void **state)
{
	rt_schema a = { 0 }, b = { 0 };
	rt_table *t = rt_schema_add_table(&a, "t");
	pg_col(t, "id", "integer");
	rt_column *s = pg_col(t, "n", "integer");
	s->autoinc = true, s->notnull = true;
	s->seq = rt_xstrdup("t_n_seq");
	s->dflt = rt_xstrdup("nextval('t_n_seq'::regclass)");
	t = rt_schema_add_table(&b, "t");
	rt_column *id = pg_col(t, "id", "integer");
	id->autoinc = true, id->notnull = true;
	id->identity = rt_xstrdup("BY DEFAULT");
	pg_col(t, "n", "integer")->notnull = true;
	rt_buf up, down;
	pg_render(&up, &a, &b);
	assert_before(up.ptr, "ALTER TABLE t ALTER COLUMN id SET NOT NULL;\n"
		      "ALTER TABLE t ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;\n"
		      "SELECT setval(pg_get_serial_sequence('t', 'id'), coalesce(max(id), 0) + 1, false) FROM t;",
		      "ALTER TABLE t ALTER COLUMN n DROP DEFAULT;\n-- review: drops sequence 't_n_seq' of "
		      "serial column 't.n' and its current value\nDROP SEQUENCE t_n_seq;");
	pg_render(&down, &b, &a);
	assert_before(down.ptr, "ALTER TABLE t ALTER COLUMN id DROP IDENTITY;",
		      "CREATE SEQUENCE t_n_seq AS integer OWNED BY t.n;\n"
		      "ALTER TABLE t ALTER COLUMN n SET DEFAULT nextval('t_n_seq'::regclass);\n"
		      "SELECT setval('t_n_seq', coalesce(max(n), 0) + 1, false) FROM t;");
	rt_buf_free(&up);
	rt_buf_free(&down);
	rt_schema_free(&a);
	rt_schema_free(&b);
}

static void test_diff__postgres_quotes_reserved_words_and_sequences_alter(void **state)
{
	rt_buf b = RT_BUF_INIT;
	rt_pg_put_name(&b, "offset");
	rt_buf_putc(&b, ' ');
	rt_pg_put_name(&b, "name");
	rt_buf_putc(&b, ' ');
	rt_pg_put_name(&b, "Mixed");
	assert_string_equal(b.ptr, "\"offset\" name \"Mixed\"");
	rt_buf_free(&b);
	rt_schema x = { 0 }, y = { 0 };
	rt_objvec_add(&x.sequences, "s")->def = rt_xstrdup("AS bigint INCREMENT BY 1");
	rt_objvec_add(&y.sequences, "s")->def = rt_xstrdup("AS bigint INCREMENT BY 5");
	rt_buf up;
	pg_render(&up, &x, &y);
	assert_string_equal(up.ptr, "ALTER SEQUENCE s AS bigint INCREMENT BY 5;\n");
	rt_buf_free(&up);
	rt_schema_free(&x);
	rt_schema_free(&y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff__type_normalise_folds_case_and_blanks),
		cmocka_unit_test(test_diff__expr_normalise_strips_outer_parens_keeps_strings),
		cmocka_unit_test(test_diff__same_schema_written_differently_has_no_ops),
		cmocka_unit_test(test_diff__inspector_reads_what_only_the_text_holds),
		cmocka_unit_test(test_diff__operations_come_in_dependency_order),
		cmocka_unit_test(test_diff__every_drop_has_a_review_note),
		cmocka_unit_test(test_diff__narrowing_type_change_is_flagged_widening_is_not),
		cmocka_unit_test(test_diff__simple_add_column_is_an_alter_not_a_rebuild),
		cmocka_unit_test(test_diff__not_null_change_rebuilds_the_table),
		cmocka_unit_test(test_diff__drop_and_add_name_the_possible_rename),
		cmocka_unit_test(test_diff__renamed_from_comments_make_renames),
		cmocka_unit_test(test_diff__renames_invert_for_the_downgrade),
		cmocka_unit_test(test_diff__filters_drop_excluded_tables_with_their_indexes),
		cmocka_unit_test(test_diff__upgrade_sql_reaches_the_model),
		cmocka_unit_test(test_diff__postgres_types_first_foreign_keys_after_tables),
		cmocka_unit_test(test_diff__postgres_enum_added_label_is_in_place_removed_rebuilds),
		cmocka_unit_test(test_diff__postgres_retyped_column_drops_and_recreates_its_views),
		cmocka_unit_test(test_diff__postgres_identity_and_serial_changes),
		cmocka_unit_test(test_diff__postgres_quotes_reserved_words_and_sequences_alter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
