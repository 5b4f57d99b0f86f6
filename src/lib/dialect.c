/*
 * dialect.c: the per-database table the core consults instead of branching
 * on the database's name.
 */
#include "db.h"
#include "dialect.h"
#include "drivers/postgres.h"
#ifdef RETORT_WITH_POSTGRES
#define PG_DRIVER (&rt_postgres_driver)
#else
#define PG_DRIVER NULL
#endif

static void sql_literal(rt_buf *b, const char *s)
{
	rt_buf_put_sqlstr(b, s);
}

static void sql_ident(rt_buf *b, const char *s)
{
	rt_buf_put_ident(b, s);
}

/* MySQL reads backslash escapes in strings unless NO_BACKSLASH_ESCAPES. */
static void mysql_literal(rt_buf *b, const char *s)
{
	rt_buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			rt_buf_putc(b, *s);
		rt_buf_putc(b, *s);
	}
	rt_buf_putc(b, '\'');
}

static void mysql_ident(rt_buf *b, const char *s)
{
	rt_buf_putc(b, '`');
	for (; *s; s++) {
		if (*s == '`')
			rt_buf_putc(b, '`');
		rt_buf_putc(b, *s);
	}
	rt_buf_putc(b, '`');
}

static void sqlite_column_exists_sql(rt_buf *b, const char *schema, const char *table,
				     const char *column)
{
	rt_buf_puts(b, "SELECT 1 FROM pragma_table_info(");
	sql_literal(b, table);
	rt_buf_puts(b, ", ");
	sql_literal(b, schema ? schema : "main");
	rt_buf_puts(b, ") WHERE name = ");
	sql_literal(b, column);
}

static const rt_dialect sqlite_dialect = {
	.name = "sqlite",
	.driver = &rt_sqlite_driver,
	.transactional_ddl = true,
	.has_schemas = true, /* attached databases */
	.begin_sql = "BEGIN;",
	.commit_sql = "COMMIT;",
	.literal = sql_literal,
	.ident = sql_ident,
	.log_id_type = "INTEGER PRIMARY KEY",
	.text_type = "TEXT",
	.time_type = "VARCHAR(40)",
	.offline_now_sql = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
	.column_exists_sql = sqlite_column_exists_sql,
};

/* pg_locks' view of the advisory lock drivers/postgres.c takes for key. */
static void pg_lock_held_sql(rt_buf *b, const char *key)
{
	uint64_t h = (uint64_t)rt_pg_lock_key(key);
	rt_buf_printf(b,
		      "SELECT 'retort:lock', count(*) FROM pg_catalog.pg_locks"
		      " WHERE locktype = 'advisory' AND pid = pg_catalog.pg_backend_pid()"
		      " AND granted AND objsubid = 1 AND classid = %u AND objid = %u",
		      (unsigned)(h >> 32), (unsigned)(h & 0xffffffffu));
}

static void pg_column_exists_sql(rt_buf *b, const char *schema, const char *table,
				 const char *column)
{
	rt_buf name = RT_BUF_INIT;
	if (schema) {
		sql_ident(&name, schema);
		rt_buf_putc(&name, '.');
	}
	sql_ident(&name, table);
	rt_buf_puts(b, "SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = "
		       "pg_catalog.to_regclass(");
	sql_literal(b, name.ptr);
	rt_buf_puts(b, ") AND NOT attisdropped AND attname = ");
	sql_literal(b, column);
	rt_buf_free(&name);
}

/* Without the PostgreSQL driver the dialect still serves offline --sql output. */
static const rt_dialect postgresql_dialect = {
	.name = "postgresql",
	.driver = PG_DRIVER,
	.transactional_ddl = true,
	.has_schemas = true,
	.begin_sql = "BEGIN;",
	.commit_sql = "COMMIT;",
	.literal = sql_literal,
	.ident = sql_ident,
	.log_id_type = "BIGSERIAL PRIMARY KEY",
	.text_type = "TEXT",
	.time_type = "VARCHAR(40)",
	.batch_steps = true,
	/* statement_timestamp(): when the current message arrived */
	.elapsed_ms_sql = "CAST(round(1000 * extract(epoch FROM clock_timestamp() - "
			  "statement_timestamp())) AS INTEGER)",
	.lock_table_mode = " IN EXCLUSIVE MODE",
	.offline_now_sql = "to_char(now() AT TIME ZONE 'UTC', "
			   "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
	.offline_user_sql = "current_user",
	.lock_held_sql = pg_lock_held_sql,
	.column_exists_sql = pg_column_exists_sql,
	.server_version_sql = "SELECT pg_catalog.current_setting('server_version_num')",
};

static const rt_dialect mysql_dialect = {
	.name = "mysql",
	.driver = NULL,
	.transactional_ddl = false,
	.has_schemas = true,
	.begin_sql = "BEGIN;",
	.commit_sql = "COMMIT;",
	.literal = mysql_literal,
	.ident = mysql_ident,
	.log_id_type = "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
	.text_type = "LONGTEXT",
	.time_type = "VARCHAR(40)",
};

const rt_dialect *rt_dialect_for(rt_scheme scheme)
{
	switch (scheme) {
	case RT_SCHEME_SQLITE:
		return &sqlite_dialect;
	case RT_SCHEME_POSTGRESQL:
		return &postgresql_dialect;
	case RT_SCHEME_MYSQL:
		return &mysql_dialect;
	}
	return &sqlite_dialect;
}
