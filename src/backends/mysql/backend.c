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

/* MySQL's comments: # and "-- " (with the blank), slash-star; slash-star-! runs. */
static size_t mysql_skip(const char *s, size_t p, size_t end)
{
	return rt_sql_skip_trivia(s, p, end, RT_LEX_HASH | RT_LEX_DASH_SPACE |
						 RT_LEX_EXEC_COMMENTS);
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
	.skip_trivia = mysql_skip,
};
