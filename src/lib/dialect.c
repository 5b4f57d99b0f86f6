/*
 * dialect.c: the registry of backends (dialect.h), one line each.
 */
#include "dialect.h"

#include <string.h>
#include <strings.h>

extern const rt_dialect rt_sqlite_backend, rt_postgresql_backend, rt_mysql_backend;

/* The registry: a new backend is one line here (and its folder). */
static const rt_dialect *const all[] = { &rt_sqlite_backend, &rt_postgresql_backend,
					 &rt_mysql_backend };

#define NBACKENDS (sizeof(all) / sizeof(all[0]))

const rt_dialect *rt_dialect_for_scheme(const char *name, size_t len)
{
	for (size_t i = 0; i < NBACKENDS; i++)
		for (const char *const *s = all[i]->schemes; s && *s; s++)
			if (strlen(*s) == len && !strncasecmp(*s, name, len))
				return all[i];
	return NULL;
}

const rt_dialect *rt_dialect_of_db_env(void)
{
	for (size_t i = 0; i < NBACKENDS; i++)
		if (all[i]->db_env)
			return all[i];
	return NULL;
}

const rt_dialect *rt_dialect_named(const char *name)
{
	for (size_t i = 0; name && i < NBACKENDS; i++)
		if (!strcmp(all[i]->name, name))
			return all[i];
	return NULL;
}
