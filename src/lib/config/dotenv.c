/*
 * dotenv.c: the .env file, as docker compose and python-dotenv read it.
 *
 *   # a comment
 *   export KEY=value          unquoted: trimmed, cut at " #"
 *   KEY='literal $ \ text'    single quotes: taken as written
 *   KEY="a\nb \"q\" \\"       double quotes: \n \t \r \" \\ escapes
 *   KEY="spans
 *   two lines"                quoted values may hold newlines
 *
 * A later KEY replaces an earlier one.  Errors name the line but never the
 * value, which is often a password.
 */
#include "config.h"

#include "util/buf.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <string.h>

typedef struct env_scan {
	const char *s;
	size_t len;
	size_t i;
	unsigned line;
	const char *name;
	rt_err *err;
} env_scan;

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static void skip_blanks(env_scan *sc)
{
	while (sc->i < sc->len && blank(sc->s[sc->i]))
		sc->i++;
}

/* Move past the end of the current line. */
static void next_line(env_scan *sc)
{
	while (sc->i < sc->len && sc->s[sc->i] != '\n')
		sc->i++;
	if (sc->i < sc->len) {
		sc->i++;
		sc->line++;
	}
}

static bool at_eol(const env_scan *sc)
{
	return sc->i >= sc->len || sc->s[sc->i] == '\n';
}

static int scan_key(env_scan *sc, rt_buf *key)
{
	size_t b;
	skip_blanks(sc);
	if (sc->len - sc->i > 7 && memcmp(sc->s + sc->i, "export", 6) == 0 &&
	    blank(sc->s[sc->i + 6])) {
		sc->i += 6;
		skip_blanks(sc);
	}
	b = sc->i;
	while (sc->i < sc->len && (isalnum((unsigned char)sc->s[sc->i]) ||
				   sc->s[sc->i] == '_'))
		sc->i++;
	if (sc->i == b || isdigit((unsigned char)sc->s[b]))
		return rt_error_at(sc->err, RETORT_ECONFIG, sc->name, sc->line,
				   "bad variable name (expected KEY=VALUE)");
	rt_buf_put(key, sc->s + b, sc->i - b);
	skip_blanks(sc);
	if (sc->i >= sc->len || sc->s[sc->i] != '=')
		return rt_error_at(sc->err, RETORT_ECONFIG, sc->name, sc->line,
				   "expected KEY=VALUE");
	sc->i++;
	return 0;
}

/* A quoted value; sc->i is on the opening quote. */
static int scan_quoted(env_scan *sc, rt_buf *val)
{
	char q = sc->s[sc->i++];
	unsigned start = sc->line;
	for (; sc->i < sc->len; sc->i++) {
		char c = sc->s[sc->i];
		if (c == q)
			break;
		if (c == '\n')
			sc->line++;
		if (c == '\\' && q == '"' && sc->i + 1 < sc->len) {
			char e = sc->s[++sc->i];
			switch (e) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case '"': case '\\': c = e; break;
			default:
				rt_buf_putc(val, '\\');
				c = e;
				if (c == '\n')
					sc->line++;
			}
		}
		rt_buf_putc(val, c);
	}
	if (sc->i >= sc->len)
		return rt_error_at(sc->err, RETORT_ECONFIG, sc->name, start,
				   "unterminated %s-quoted value",
				   q == '"' ? "double" : "single");
	sc->i++;
	skip_blanks(sc);
	if (!at_eol(sc) && sc->s[sc->i] != '#')
		return rt_error_at(sc->err, RETORT_ECONFIG, sc->name, sc->line,
				   "unexpected text after the closing quote");
	return 0;
}

/* An unquoted value: to the end of the line or a '#' after a blank. */
static void scan_plain(env_scan *sc, rt_buf *val)
{
	size_t b = sc->i;
	while (!at_eol(sc)) {
		if (sc->s[sc->i] == '#' && sc->i > 0 && blank(sc->s[sc->i - 1]))
			break;
		sc->i++;
	}
	rt_buf_put(val, sc->s + b, sc->i - b);
	rt_buf_rtrim(val);
}

static void set_var(rt_strvec *keys, rt_strvec *vals, rt_buf *key, rt_buf *val)
{
	for (size_t i = 0; i < keys->len; i++) {
		if (strcmp(keys->v[i], key->ptr) == 0) {
			free(vals->v[i]);
			vals->v[i] = rt_buf_detach(val);
			return;
		}
	}
	rt_strvec_push(keys, key->ptr);
	rt_strvec_push_owned(vals, rt_buf_detach(val));
}

int rt_dotenv_parse(const char *text, size_t len, const char *name,
		    rt_strvec *keys, rt_strvec *vals, rt_err *err)
{
	env_scan sc = { text, len, 0, 1, name ? name : ".env", err };
	rt_buf key = RT_BUF_INIT, val = RT_BUF_INIT;
	int rc = 0;

	const char *nul = memchr(text, '\0', len);
	if (nul) {
		unsigned line = 1;
		for (const char *p = text; p < nul; p++)
			line += *p == '\n';
		return rt_error_at(err, RETORT_ECONFIG, sc.name, line, "NUL byte");
	}
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		sc.i = 3;
	while (sc.i < sc.len) {
		skip_blanks(&sc);
		if (at_eol(&sc) || sc.s[sc.i] == '#') {
			next_line(&sc);
			continue;
		}
		rt_buf_clear(&key);
		rt_buf_clear(&val);
		if ((rc = scan_key(&sc, &key)) < 0)
			break;
		skip_blanks(&sc);
		if (sc.i < sc.len && (sc.s[sc.i] == '"' || sc.s[sc.i] == '\'')) {
			if ((rc = scan_quoted(&sc, &val)) < 0)
				break;
		} else {
			scan_plain(&sc, &val);
		}
		set_var(keys, vals, &key, &val);
		next_line(&sc);
	}
	rt_buf_free(&key);
	rt_buf_free(&val);
	return rc;
}
