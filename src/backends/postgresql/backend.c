/*
 * backends/postgresql/backend.c: PostgreSQL as the core sees it: the facts
 * and the functions of this folder, in one table (backends/backend.h).  Without
 * libpq and libpg_query (RETORT_POSTGRES=OFF) the table still serves
 * offline --sql output.
 */
#include "db.h"
#include "backends/backend.h"
#include "driver.h"
#include "postgresql.h"
#include "scratch.h"

#ifdef RETORT_WITH_POSTGRES
#define PG(f) f
#else
#define PG(f) NULL
#endif

/* pg_locks' view of the advisory lock driver.c takes for key. */
static void put_lock_held(rt_buf *b, const char *key)
{
	uint64_t h = (uint64_t)rt_pg_lock_key(key);
	rt_buf_printf(b,
		      "SELECT 1 FROM pg_catalog.pg_locks"
		      " WHERE locktype = 'advisory' AND pid = pg_catalog.pg_backend_pid()"
		      " AND granted AND objsubid = 1 AND classid = %u AND objid = %u",
		      (unsigned)(h >> 32), (unsigned)(h & 0xffffffffu));
}

/*
 * The step protocol's guard (backends/backend.h), one DO block: the version table
 * holds exactly rows (else rows_state, with the rows it holds as DETAIL),
 * and this session holds the run lock key (else lock_state).  A set
 * compare (count and membership: version_num is the primary key), so no
 * collation decides it; every function pg_catalog's.
 */
static void pg_guard_sql(rt_buf *b, const char *table, const rt_strvec *rows, const char *key,
			 const char *rows_state, const char *lock_state)
{
	rt_buf_puts(b, "DO $retort_guard$DECLARE n bigint; missing boolean; got text; BEGIN ");
	if (rows) {
		rt_buf_puts(b, "SELECT pg_catalog.count(*), pg_catalog.bool_or(version_num::text <> "
			       "ALL (ARRAY[");
		for (size_t i = 0; i < rows->len; i++) {
			if (i)
				rt_buf_putc(b, ',');
			rt_buf_put_sqlstr(b, rows->v[i]);
		}
		rt_buf_printf(b, "]::text[])), pg_catalog.string_agg(version_num::text, ', ' ORDER "
			      "BY version_num::text COLLATE \"C\") INTO n, missing, got FROM %s; "
			      "IF n <> %zu OR missing THEN RAISE EXCEPTION USING ERRCODE = '%s', "
			      "MESSAGE = 'the version table does not hold the rows planned', DETAIL "
			      "= coalesce(got, '<base>'); END IF; ",
			      table, rows->len, rows_state);
	}
	if (key) {
		rt_buf_puts(b, "IF NOT EXISTS (");
		put_lock_held(b, key);
		rt_buf_printf(b, ") THEN RAISE EXCEPTION USING ERRCODE = '%s', MESSAGE = 'the run "
			      "lock is not held by this session'; END IF; ", lock_state);
	}
	rt_buf_puts(b, "END$retort_guard$");
}

/* The version table's lock in a step's transaction: it waits for another runner's. */
static void pg_lock_table_sql(rt_buf *b, const char *table)
{
	rt_buf_printf(b, "LOCK TABLE %s IN EXCLUSIVE MODE", table);
}

/* ('retort:lock', N), N > 0 while this session holds the run lock key. */
static void pg_lock_held_sql(rt_buf *b, const char *key)
{
	rt_buf_puts(b, "SELECT 'retort:lock', count(*) FROM (");
	put_lock_held(b, key);
	rt_buf_puts(b, ") held");
}

static void pg_column_exists_sql(rt_buf *b, const char *schema, const char *table,
				 const char *column)
{
	rt_buf name = RT_BUF_INIT;
	if (schema) {
		rt_buf_put_ident(&name, schema);
		rt_buf_putc(&name, '.');
	}
	rt_buf_put_ident(&name, table);
	rt_buf_puts(b, "SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = "
		       "pg_catalog.to_regclass(");
	rt_buf_put_sqlstr(b, name.ptr);
	rt_buf_puts(b, ") AND NOT attisdropped AND attname = ");
	rt_buf_put_sqlstr(b, column);
	rt_buf_free(&name);
}

/*
 * The catalog of the current schema in one query (verify, convert): its
 * relations, columns, constraints and enum types, as backends/backend.h says.
 */
#define FINGERPRINT_SQL \
	"WITH ns AS (SELECT pg_catalog.to_regnamespace(pg_catalog.current_schema()) AS oid) " \
	"SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'i' THEN " \
	"'index' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN " \
	"'sequence' ELSE c.relkind::text END, c.relname::text, '', CASE WHEN c.relkind = 'i' THEN " \
	"pg_catalog.pg_get_indexdef(c.oid) WHEN c.relkind IN ('v', 'm') THEN " \
	"pg_catalog.pg_get_viewdef(c.oid) END FROM pg_catalog.pg_class c, ns " \
	"WHERE c.relnamespace = ns.oid " \
	"UNION ALL SELECT 'column', c.relname::text, a.attname::text, " \
	"pg_catalog.format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull::text || ' ' || " \
	"coalesce(pg_catalog.pg_get_expr(d.adbin, d.adrelid), '') FROM pg_catalog.pg_class c " \
	"JOIN ns ON c.relnamespace = ns.oid JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid " \
	"AND a.attnum > 0 AND NOT a.attisdropped LEFT JOIN pg_catalog.pg_attrdef d ON " \
	"d.adrelid = c.oid AND d.adnum = a.attnum WHERE c.relkind IN ('r', 'p', 'v', 'm') " \
	"UNION ALL SELECT 'constraint', c.relname::text, k.conname::text, " \
	"pg_catalog.pg_get_constraintdef(k.oid) FROM pg_catalog.pg_constraint k " \
	"JOIN pg_catalog.pg_class c ON c.oid = k.conrelid JOIN ns ON c.relnamespace = ns.oid " \
	"UNION ALL SELECT 'type', t.typname::text, '', (SELECT string_agg(enumlabel::text, ',' " \
	"ORDER BY enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid) " \
	"FROM pg_catalog.pg_type t JOIN ns ON t.typnamespace = ns.oid WHERE t.typtype = 'e'"

/* psql's meta-commands in a pg_dump (\restrict, \unrestrict, \connect). */
static bool dump_noise(const char *line, size_t n)
{
	return n > 0 && line[0] == '\\';
}

/* The names PostgreSQL reads back for the spellings a model may use. */
static const char *const type_synonyms[][2] = {
	{ "int", "integer" }, { "int4", "integer" }, { "int8", "bigint" },
	{ "int2", "smallint" }, { "serial", "integer" }, { "bigserial", "bigint" },
	{ "bool", "boolean" }, { "float8", "double precision" }, { "float4", "real" },
	{ "varchar", "character varying" }, { "timestamptz", "timestamp with time zone" },
	{ "timestamp", "timestamp without time zone" }, { "decimal", "numeric" },
	{ NULL, NULL }
};

const rt_backend rt_postgresql_backend = {
	.name = "postgresql",
	.schemes = (const char *const[]){ "postgresql", "postgres", "pgsql", NULL },
	.db_env = &(const struct rt_db_env){ "postgres", "postgres", "localhost", "5432",
					     "postgres" },
	.driver = PG(&rt_postgres_driver),
	.transactional_ddl = true,
	.begin_sql = "BEGIN;",
	.commit_sql = "COMMIT;",
	.literal = rt_buf_put_sqlstr,
	.ident = rt_buf_put_ident,
	.log_id_type = "BIGSERIAL PRIMARY KEY",
	.text_type = "TEXT",
	.time_type = "VARCHAR(40)",
	.guard_sql = pg_guard_sql,
	/* statement_timestamp(): when the current message arrived */
	.elapsed_ms_sql = "CAST(round(1000 * extract(epoch FROM clock_timestamp() - "
			  "statement_timestamp())) AS INTEGER)",
	.lock_table_sql = pg_lock_table_sql,
	.skip_trivia = rt_pg_skip_trivia,
	.offline_now_sql = "to_char(now() AT TIME ZONE 'UTC', "
			   "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
	.offline_user_sql = "current_user",
	.lock_held_sql = pg_lock_held_sql,
	.column_exists_sql = pg_column_exists_sql,
	.server_version_sql = "SELECT pg_catalog.current_setting('server_version_num')",
	/* a unique index of the catalog; the row type; the relation; the column */
	.create_race_sqlstates = (const char *const[]){ "23505", "42710", "42P07", "42701", NULL },
	.no_durability_sql = "SET synchronous_commit = off",
	.version_insert_returning = true,
	.inspect = PG(rt_inspect_postgres),
	.render = rt_render_postgres,
	.lint = PG(rt_lint_postgres),
	.fingerprint_sql = FINGERPRINT_SQL,
	.type_synonyms = type_synonyms,
	.canon_checks = PG(rt_pg_canon_checks),
	.dump_noise = dump_noise,
	.scratch_create = rt_pg_scratch_create,
	.scratch_enter = rt_pg_scratch_enter,
	.scratch_drop = rt_pg_scratch_drop,
	.scratch_own = rt_pg_scratch_own,
	.session_save = rt_pg_session_save,
	.session_restore = rt_pg_session_restore,
};
