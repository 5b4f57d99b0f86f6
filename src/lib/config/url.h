/*
 * url.h: database URLs, parsed once and printed only with the password hidden.
 *
 * Accepted forms (SPEC "Configuration"):
 *   sqlite:///relative.db   sqlite:////abs/path.db   sqlite://  (memory)
 *   sqlite:///:memory:
 *   postgresql://u:p@host:5432/db?sslmode=require   postgres://...
 *   postgresql+asyncpg://...  (any +driver suffix is ignored)
 *   mysql://...  mariadb://...
 * A password may hold a raw '@' (the user part ends at the last '@' of the
 * authority) and percent-escapes (%40); every part is percent-decoded.
 * IPv6 hosts are written in brackets: postgresql://u@[::1]:5432/db.
 */
#ifndef RT_LIB_URL_H
#define RT_LIB_URL_H

#include "error.h"
#include "util/vec.h"

struct rt_backend;

typedef struct rt_url {
	const struct rt_backend *backend; /* the scheme's backend (backends/backend.h) */
	char *scheme_name; /* as written, without +driver: "postgres", "mariadb" */
	char *driver;      /* the +driver suffix, or NULL */
	char *user;        /* decoded, or NULL */
	char *password;    /* decoded, or NULL */
	char *host;        /* decoded, brackets removed, or NULL */
	char *port;        /* or NULL */
	char *database;    /* decoded path without the leading '/', or NULL;
	                      sqlite: the file path, NULL for memory */
	rt_strvec query_keys; /* decoded, in order */
	rt_strvec query_vals;
	char *redacted;    /* the URL as given, password replaced by *** */
} rt_url;

#define RT_URL_INIT { 0 }

/*
 * Parse s into u.  On error returns RETORT_EURL with a message that names
 * what is wrong and never contains the password.  "where" (may be NULL)
 * prefixes the message, e.g. "retort.ini:4".
 */
int rt_url_parse(rt_url *u, const char *s, const char *where, rt_err *err);
void rt_url_free(rt_url *u);
/* A copy of s with any password replaced by ***, for URLs that failed to parse. */
char *rt_url_redact(const char *s);

#endif
