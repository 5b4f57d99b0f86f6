/*
 * url.c: database URLs.
 *
 * The parse follows SQLAlchemy's make_url() closely enough that the URLs in
 * real alembic.ini files and .env files work unchanged, with one deliberate
 * extension: a password may hold raw '@', ':', '/' and '?' characters,
 * because people paste generated passwords without escaping them
 * ("postgres:StrongPassw@rd123@localhost:5433/db").  So:
 *
 *   scheme[+driver] "://" [user [":" password] "@"] host [":" port]
 *                   ["/" database] ["?" query]
 *
 * where the user part ends at the LAST '@' of the text after "://" (an '@'
 * in the query must therefore be written %40), the host part ends at the
 * first '/' or '?' after that '@', and the password is everything between
 * the first ':' of the user part and that '@'.  SQLite URLs have no user
 * part at all, since file names may hold '@'.
 *
 * No message written here ever holds the password or any part of the URL
 * after the scheme: a malformed URL may have its password anywhere.
 */
#include "url.h"
#include "backends/backend.h"

#include "util/buf.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Positions of the parts of the text after "://" (offsets into it). */
typedef struct url_parts {
	const char *s;   /* the text after "://" */
	size_t len;
	size_t at;       /* the '@' ending the user part, or len when none */
	size_t colon;    /* the ':' in the user part, or at when none */
	size_t host;     /* start of host[:port] */
	size_t path;     /* end of host[:port]: a '/', a '?' or len */
	size_t query;    /* the '?', or len */
} url_parts;

static int fail(rt_err *err, const char *where, const char *what)
{
	if (where && *where)
		return rt_error(err, RETORT_EURL, "%s: %s", where, what);
	return rt_error(err, RETORT_EURL, "%s", what);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decode s[0..n) into *out (a new string).  Returns -1 on a bad
 * escape ("%zz", a '%' too near the end) or an escaped NUL, which no C
 * string could carry.
 */
static int decode(char **out, const char *s, size_t n)
{
	rt_buf b = RT_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '%') {
			rt_buf_putc(&b, s[i]);
			continue;
		}
		int hi = i + 2 < n ? hexval((unsigned char)s[i + 1]) : -1;
		int lo = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			rt_buf_free(&b);
			return -1;
		}
		rt_buf_putc(&b, (char)(hi * 16 + lo));
		i += 2;
	}
	*out = rt_buf_detach(&b);
	return 0;
}

/* decode() into *out, NULL when the part is empty. */
static int decode_part(char **out, const char *s, size_t n)
{
	*out = NULL;
	if (n == 0)
		return 0;
	return decode(out, s, n);
}

static int find_scheme(rt_url *u, const char *s, size_t n, const char *where,
		       rt_err *err)
{
	const char *plus = memchr(s, '+', n);
	size_t base = plus ? (size_t)(plus - s) : n;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && c != '+' && c != '-' && c != '.' && c != '_')
			return fail(err, where, "bad database URL: malformed scheme");
	}
	if (base == 0)
		return fail(err, where, "bad database URL: empty scheme");
	if (plus && base + 1 == n)
		return fail(err, where, "bad database URL: empty driver after '+'");
	/* the schemes each backend answers to (without +driver), in any case */
	const rt_backend *d = rt_backend_for_scheme(s, base);
	if (d) {
		u->backend = d;
		u->scheme_name = rt_xstrndup(s, base);
		if (plus && base + 1 < n)
			u->driver = rt_xstrndup(plus + 1, n - base - 1);
		return 0;
	}
	if (where && *where)
		return rt_error(err, RETORT_EURL,
				"%s: unsupported database URL scheme '%.*s'",
				where, (int)base, s);
	return rt_error(err, RETORT_EURL,
			"unsupported database URL scheme '%.*s'", (int)base, s);
}

/* Where the parts of rest lie (see the grammar at the top). */
static void split_parts(url_parts *p, const char *rest, bool userinfo)
{
	memset(p, 0, sizeof(*p));
	p->s = rest;
	p->len = strlen(rest);
	p->at = p->len;
	if (userinfo) {
		const char *at = strrchr(rest, '@');
		if (at)
			p->at = (size_t)(at - rest);
	}
	p->colon = p->at;
	if (p->at < p->len) {
		const char *c = memchr(rest, ':', p->at);
		if (c)
			p->colon = (size_t)(c - rest);
	}
	p->host = p->at < p->len ? p->at + 1 : 0;
	p->path = p->host + strcspn(rest + p->host, "/?");
	p->query = p->path + strcspn(rest + p->path, "?");
}

static int parse_port(rt_url *u, const char *s, size_t n, const char *where,
		      rt_err *err)
{
	unsigned long v = 0;
	if (n == 0 || n > 5)
		return fail(err, where, "bad database URL: the port is not a number from 1 to 65535");
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return fail(err, where, "bad database URL: the port is not a number from 1 to 65535");
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return fail(err, where, "bad database URL: the port is not a number from 1 to 65535");
	u->port = rt_xstrndup(s, n);
	return 0;
}

/* host[:port], or [v6]:port, from s[0..n). */
static int parse_hostport(rt_url *u, const char *s, size_t n,
			  const char *where, rt_err *err)
{
	size_t hb = 0, he, after;
	if (n && s[0] == '[') {
		const char *close = memchr(s, ']', n);
		if (!close)
			return fail(err, where, "bad database URL: unterminated '[' in the host");
		hb = 1;
		he = (size_t)(close - s);
		after = he + 1;
		if (after < n && s[after] != ':')
			return fail(err, where, "bad database URL: unexpected text after ']' in the host");
	} else {
		const char *c = memchr(s, ':', n);
		he = c ? (size_t)(c - s) : n;
		after = he;
	}
	if (decode_part(&u->host, s + hb, he - hb) < 0)
		return fail(err, where, "bad database URL: bad percent-escape in the host");
	if (after < n)
		return parse_port(u, s + after + 1, n - after - 1, where, err);
	return 0;
}

/* "a=b&c=d" into the query vectors. */
static int parse_query(rt_url *u, const char *s, size_t n, const char *where,
		       rt_err *err)
{
	size_t i = 0;
	while (i < n) {
		size_t e = i;
		while (e < n && s[e] != '&')
			e++;
		if (e > i) {
			const char *eq = memchr(s + i, '=', e - i);
			size_t kn = eq ? (size_t)(eq - (s + i)) : e - i;
			char *k, *v;
			if (decode(&k, s + i, kn) < 0)
				return fail(err, where, "bad database URL: bad percent-escape in the query");
			if (decode(&v, eq ? eq + 1 : s + e,
				   eq ? (size_t)(s + e - eq - 1) : 0) < 0) {
				free(k);
				return fail(err, where, "bad database URL: bad percent-escape in the query");
			}
			rt_strvec_push_owned(&u->query_keys, k);
			rt_strvec_push_owned(&u->query_vals, v);
		}
		i = e + 1;
	}
	return 0;
}

/*
 * Whether a query key is the password, read as libpq reads it: decoded
 * first ("pass%77ord" is "password"), and in any case, to be safe.  A key
 * that does not decode is taken for one too.
 */
static bool is_password_key(const char *s, size_t n)
{
	char *k = NULL;
	if (decode(&k, s, n) < 0)
		return true;
	bool yes = strcasecmp(k, "password") == 0;
	free(k);
	return yes;
}

/*
 * Append the query s[0..n) to b with the value of any "password" key
 * replaced by *** (libpq takes ?password=...).
 */
static void put_query_redacted(rt_buf *b, const char *s, size_t n)
{
	size_t i = 0;
	while (i <= n) {
		size_t e = i;
		while (e < n && s[e] != '&')
			e++;
		const char *eq = memchr(s + i, '=', e - i);
		if (eq && is_password_key(s + i, (size_t)(eq - (s + i)))) {
			rt_buf_put(b, s + i, (size_t)(eq - (s + i)) + 1);
			rt_buf_puts(b, "***");
		} else {
			rt_buf_put(b, s + i, e - i);
		}
		if (e < n)
			rt_buf_putc(b, '&');
		i = e + 1;
	}
}

/* The URL as written with its password (if any) replaced. */
static char *redact_parts(const char *s, size_t prefix, const url_parts *p)
{
	rt_buf b = RT_BUF_INIT;
	rt_buf_put(&b, s, prefix);
	if (p->colon < p->at) {
		rt_buf_put(&b, p->s, p->colon + 1);
		rt_buf_puts(&b, "***");
		rt_buf_put(&b, p->s + p->at, p->query - p->at);
	} else {
		rt_buf_put(&b, p->s, p->query);
	}
	if (p->query < p->len) {
		rt_buf_putc(&b, '?');
		put_query_redacted(&b, p->s + p->query + 1, p->len - p->query - 1);
	}
	return rt_buf_detach(&b);
}

/* scheme:///path: a file (url_is_path), not a server. */
static int parse_path(rt_url *u, const url_parts *p, const char *where, rt_err *err)
{
	if (p->path != 0)
		return fail(err, where, "bad database URL: a sqlite URL takes no host (write sqlite:///file.db)");
	size_t b = p->path < p->query ? p->path + 1 : p->path;
	if (decode_part(&u->database, p->s + b, p->query - b) < 0)
		return fail(err, where, "bad database URL: bad percent-escape in the path");
	if (u->database && strcmp(u->database, ":memory:") == 0) {
		free(u->database);
		u->database = NULL;
	}
	return 0;
}

static int parse_server(rt_url *u, const url_parts *p, const char *where,
			rt_err *err)
{
	int rc;
	if (p->at < p->len) {
		if (decode_part(&u->user, p->s, p->colon) < 0)
			return fail(err, where, "bad database URL: bad percent-escape in the user name");
		if (p->colon < p->at &&
		    decode(&u->password, p->s + p->colon + 1, p->at - p->colon - 1) < 0)
			return fail(err, where, "bad database URL: bad percent-escape in the password");
	}
	if ((rc = parse_hostport(u, p->s + p->host, p->path - p->host, where, err)) < 0)
		return rc;
	size_t b = p->path < p->query ? p->path + 1 : p->path;
	if (decode_part(&u->database, p->s + b, p->query - b) < 0)
		return fail(err, where, "bad database URL: bad percent-escape in the database name");
	return 0;
}

int rt_url_parse(rt_url *u, const char *s, const char *where, rt_err *err)
{
	url_parts p;
	int rc;
	const char *sep = strstr(s, "://");

	memset(u, 0, sizeof(*u));
	if (!sep)
		return fail(err, where, "bad database URL: expected scheme://..., e.g. sqlite:///app.db");
	if ((rc = find_scheme(u, s, (size_t)(sep - s), where, err)) < 0)
		goto done;
	split_parts(&p, sep + 3, !u->backend->url_is_path);
	if (u->backend->url_is_path)
		rc = parse_path(u, &p, where, err);
	else
		rc = parse_server(u, &p, where, err);
	if (rc < 0)
		goto done;
	if (p.query < p.len &&
	    (rc = parse_query(u, p.s + p.query + 1, p.len - p.query - 1, where, err)) < 0)
		goto done;
	u->redacted = redact_parts(s, (size_t)(sep - s) + 3, &p);
done:
	if (rc < 0)
		rt_url_free(u);
	return rc;
}

void rt_url_free(rt_url *u)
{
	free(u->scheme_name);
	free(u->driver);
	free(u->user);
	free(u->password);
	free(u->host);
	free(u->port);
	free(u->database);
	rt_strvec_free(&u->query_keys);
	rt_strvec_free(&u->query_vals);
	free(u->redacted);
	memset(u, 0, sizeof(*u));
}

/*
 * Hide anything that could be a password in text that failed to parse: with
 * an '@', everything from the first ':' of the user part to the last '@';
 * without one, a ':' followed by something other than a port number.
 */
char *rt_url_redact(const char *s)
{
	rt_buf b = RT_BUF_INIT;
	const char *sep = strstr(s, "://");
	const char *rest = sep ? sep + 3 : s;
	const char *at = strrchr(rest, '@');
	const char *q;

	rt_buf_put(&b, s, (size_t)(rest - s));
	if (at) {
		const char *colon = memchr(rest, ':', (size_t)(at - rest));
		if (colon) {
			rt_buf_put(&b, rest, (size_t)(colon - rest) + 1);
			rt_buf_puts(&b, "***");
			rest = at;
		}
	} else if (sep) {
		size_t hn = strcspn(rest, "/?");
		const char *colon = rest[0] == '[' ? NULL : memchr(rest, ':', hn);
		if (colon) {
			size_t pn = hn - (size_t)(colon + 1 - rest);
			if (pn == 0 || strspn(colon + 1, "0123456789") != pn) {
				rt_buf_put(&b, rest, (size_t)(colon - rest) + 1);
				rt_buf_puts(&b, "***");
				rest += hn;
			}
		}
	}
	q = strchr(at ? at : rest, '?');
	if (q && q >= rest) {
		rt_buf_put(&b, rest, (size_t)(q - rest) + 1);
		put_query_redacted(&b, q + 1, strlen(q + 1));
	} else {
		rt_buf_puts(&b, rest);
	}
	return rt_buf_detach(&b);
}
