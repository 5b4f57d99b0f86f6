/*
 * backends/mysql/backend.c: MySQL and MariaDB, for offline --sql output
 * only: there is no driver yet.
 */
#include "backends/backend.h"

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

const rt_backend rt_mysql_backend = {
	.name = "mysql",
	.schemes = (const char *const[]){ "mysql", "mariadb", NULL },
	.driver = NULL,
	.transactional_ddl = false,
	.begin_sql = "BEGIN;",
	.commit_sql = "COMMIT;",
	.literal = mysql_literal,
	.ident = mysql_ident,
	.log_id_type = "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
	.text_type = "LONGTEXT",
	.time_type = "VARCHAR(40)",
};
