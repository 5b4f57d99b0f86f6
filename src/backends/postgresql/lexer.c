/*
 * backends/postgresql/lexer.c: PostgreSQL's lexical rules that the core
 * asks through the table (backend.h's skip_trivia), and the driver's
 * statement splitter uses: blanks, -- comments and slash-star comments, which
 * nest.  Built with or without libpq.
 */
#include "postgresql.h"

/* Skip blanks and (nested) comments from p, not past end. */
size_t rt_pg_skip_trivia(const char *s, size_t p, size_t end)
{
	while (p < end) {
		char ch = s[p];
		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v') {
			p++;
		} else if (ch == '-' && p + 1 < end && s[p + 1] == '-') {
			while (p < end && s[p] != '\n')
				p++;
		} else if (ch == '/' && p + 1 < end && s[p + 1] == '*') {
			int depth = 1;
			p += 2;
			while (p < end && depth > 0) {
				if (s[p] == '/' && p + 1 < end && s[p + 1] == '*') {
					depth++;
					p += 2;
				} else if (s[p] == '*' && p + 1 < end && s[p + 1] == '/') {
					depth--;
					p += 2;
				} else {
					p++;
				}
			}
		} else {
			break;
		}
	}
	return p;
}
