/*
 * backends/sqlite/backend.c: SQLite as the core sees it: the facts and
 * the functions of this folder, in one table (backends/backend.h).
 */
#include "db.h"
#include "backends/backend.h"
#include "sqlite.h"

#include <string.h>

static void sqlite_column_exists_sql(rt_buf *b, const char *schema, const char *table,
				     const char *column)
{
	rt_buf_puts(b, "SELECT 1 FROM pragma_table_info(");
	rt_buf_put_sqlstr(b, table);
	rt_buf_puts(b, ", ");
	rt_buf_put_sqlstr(b, schema ? schema : "main");
	rt_buf_puts(b, ") WHERE name = ");
	rt_buf_put_sqlstr(b, column);
}

/* sqlite3's .schema shows the internal sqlite_sequence, which cannot be created. */
static bool dump_noise(const char *line, size_t n)
{
	return n >= 31 && !strncmp(line, "CREATE TABLE sqlite_sequence(", 29);
}

/* SQLite has one schema per attached file: the caller's schema is unused. */
static int inspect(retort *r, const char *schema, rt_schema *out)
{
	(void)schema;
	return rt_inspect_sqlite(r, out);
}

const rt_backend rt_sqlite_backend = {
	.name = "sqlite",
	.schemes = (const char *const[]){ "sqlite", NULL },
	.url_is_path = true,
	.driver = &rt_sqlite_driver,
	.transactional_ddl = true,
	.begin_sql = "BEGIN;",
	.commit_sql = "COMMIT;",
	.literal = rt_buf_put_sqlstr,
	.ident = rt_buf_put_ident,
	.log_id_type = "INTEGER PRIMARY KEY",
	.text_type = "TEXT",
	.time_type = "VARCHAR(40)",
	.offline_now_sql = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
	.column_exists_sql = sqlite_column_exists_sql,
	.no_durability_sql = "PRAGMA synchronous = OFF",
	.inspect = inspect,
	.render = rt_render_sqlite,
	.lint = rt_lint_sqlite,
	/* the CREATE statements SQLite keeps are the schema */
	.fingerprint_sql = "SELECT type, name, '', sql FROM sqlite_master "
			   "WHERE name NOT LIKE 'sqlite_%'",
	.scratch_in_memory = true,
	.dump_noise = dump_noise,
	.scratch_own = rt_sqlite_scratch_own,
};
