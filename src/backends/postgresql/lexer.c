/*
 * backends/postgresql/lexer.c: PostgreSQL's lexical rules that the core
 * asks through the table (backend.h's skip_trivia), and the driver's
 * statement splitter uses: blanks, -- comments and slash-star comments,
 * which nest.  Built with or without libpq.
 */
#include "postgresql.h"
#include "backends/backend.h"

size_t rt_pg_skip_trivia(const char *s, size_t p, size_t end)
{
	return rt_sql_skip_trivia(s, p, end, RT_LEX_NESTED);
}
