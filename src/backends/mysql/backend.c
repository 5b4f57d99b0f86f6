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

/* MySQL's comments: # and "-- " (with the blank) to the end of the line, slash-star. */
static size_t mysql_skip(const char *s, size_t p, size_t end)
{
	while (p < end) {
		char ch = s[p];
		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v') {
			p++;
		} else if (ch == '#' || (ch == '-' && p + 2 < end && s[p + 1] == '-' &&
					 (s[p + 2] == ' ' || s[p + 2] == '\t' || s[p + 2] == '\n'))) {
			while (p < end && s[p] != '\n')
				p++;
		} else if (ch == '/' && p + 1 < end && s[p + 1] == '*' &&
			   !(p + 2 < end && s[p + 2] == '!')) { /* an executable comment runs */
			p += 2;
			while (p < end && !(s[p] == '*' && p + 1 < end && s[p + 1] == '/'))
				p++;
			p = p < end ? p + 2 : end;
		} else {
			break;
		}
	}
	return p;
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
