/*
 * backends.c: the registry of backends (backends/backend.h), one line each,
 * and the ones a program registers (a test's fake backend).
 */
#include "backends/backend.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

extern const rt_backend rt_sqlite_backend, rt_postgresql_backend, rt_mysql_backend;

/* The registry: a new backend is one line here (and its folder). */
static const rt_backend *const builtin[] = { &rt_sqlite_backend, &rt_postgresql_backend,
					     &rt_mysql_backend };

#define NBUILTIN (sizeof(builtin) / sizeof(builtin[0]))
#define MAX_REGISTERED 8

/* Registered ones first, so that one can stand in for a built-in name. */
static const rt_backend *registered[MAX_REGISTERED];
static size_t nregistered;

int rt_backend_register(const rt_backend *b)
{
	if (!b || !b->name || nregistered == MAX_REGISTERED)
		return -1;
	registered[nregistered++] = b;
	return 0;
}

static const rt_backend *nth(size_t i)
{
	return i < nregistered ? registered[i] : builtin[i - nregistered];
}

#define NBACKENDS (nregistered + NBUILTIN)

const rt_backend *rt_backend_for_scheme(const char *name, size_t len)
{
	for (size_t i = 0; i < NBACKENDS; i++)
		for (const char *const *s = nth(i)->schemes; s && *s; s++)
			if (strlen(*s) == len && !strncasecmp(*s, name, len))
				return nth(i);
	return NULL;
}

const rt_backend *rt_backend_of_db_env(void)
{
	for (size_t i = 0; i < NBACKENDS; i++)
		if (nth(i)->db_env)
			return nth(i);
	return NULL;
}

const rt_backend *rt_backend_named(const char *name)
{
	for (size_t i = 0; name && i < NBACKENDS; i++)
		if (!strcmp(nth(i)->name, name))
			return nth(i);
	return NULL;
}

size_t rt_sql_skip_trivia(const char *s, size_t p, size_t end, unsigned rules)
{
	while (p < end) {
		char ch = s[p];
		bool dash = ch == '-' && p + 1 < end && s[p + 1] == '-' &&
			    (!(rules & RT_LEX_DASH_SPACE) ||
			     (p + 2 < end && (s[p + 2] == ' ' || s[p + 2] == '\t' || s[p + 2] == '\n')));
		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v') {
			p++;
		} else if (dash || (ch == '#' && (rules & RT_LEX_HASH))) {
			while (p < end && s[p] != '\n')
				p++;
		} else if (ch == '/' && p + 1 < end && s[p + 1] == '*' &&
			   !((rules & RT_LEX_EXEC_COMMENTS) && p + 2 < end &&
			     (s[p + 2] == '!' ||
			      (s[p + 2] == 'M' && p + 3 < end && s[p + 3] == '!')))) {
			int depth = 1;
			p += 2;
			while (p < end && depth > 0) {
				if ((rules & RT_LEX_NESTED) && s[p] == '/' && p + 1 < end && s[p + 1] == '*') {
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

size_t rt_backend_skip(const rt_backend *b, const char *s, size_t p, size_t end)
{
	return b && b->skip_trivia ? b->skip_trivia(s, p, end) : rt_sql_skip_trivia(s, p, end, 0);
}

bool rt_backend_blank(const rt_backend *b, const char *sql)
{
	size_t n = strlen(sql);
	return rt_backend_skip(b, sql, 0, n) == n;
}
