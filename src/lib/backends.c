/*
 * backends.c: the registry of backends (backends/backend.h), one line each,
 * and the ones a program registers (a test's fake backend).
 */
#include "backends/backend.h"

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

/* ANSI's: blanks, -- to the end of the line, a slash-star comment that does not nest. */
static size_t ansi_skip(const char *s, size_t p, size_t end)
{
	while (p < end) {
		char ch = s[p];
		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v') {
			p++;
		} else if (ch == '-' && p + 1 < end && s[p + 1] == '-') {
			while (p < end && s[p] != '\n')
				p++;
		} else if (ch == '/' && p + 1 < end && s[p + 1] == '*') {
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

size_t rt_backend_skip(const rt_backend *b, const char *s, size_t p, size_t end)
{
	return b && b->skip_trivia ? b->skip_trivia(s, p, end) : ansi_skip(s, p, end);
}

bool rt_backend_blank(const rt_backend *b, const char *sql)
{
	size_t n = strlen(sql);
	return rt_backend_skip(b, sql, 0, n) == n;
}
