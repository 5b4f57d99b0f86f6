/*
 * pyproject.c: the [tool.alembic] table of pyproject.toml (Alembic 1.16's
 * configuration), read as alembic.ini's [alembic] section is (config.h).
 *
 * Only what that table holds is understood: `key = value` lines where the
 * value is a basic ("...") or literal ('...') string, an array of strings
 * (over several lines too), a boolean or a number (kept as written).
 * Comments and every other table are skipped; anything else in the table
 * is an error with its line.  An array becomes its items joined by
 * newlines, which version_locations and prepend_sys_path split on.
 */
#include "config.h"

#include "util/buf.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <string.h>

typedef struct toml {
	const char *p, *end;
	unsigned line;
	const char *path;
	rt_err *err;
} toml;

/* What is left of the text (never negative, for the compiler's sake too). */
static size_t left(const toml *t)
{
	return t->p < t->end ? (size_t)(t->end - t->p) : 0;
}

/* The next newline from the cursor, or NULL. */
static const char *next_newline(const toml *t)
{
	size_t n = left(t);
	return n ? memchr(t->p, '\n', n) : NULL;
}

static void skip_blanks(toml *t, bool newlines)
{
	while (t->p < t->end) {
		char c = *t->p;
		if (c == ' ' || c == '\t' || c == '\r')
			t->p++;
		else if (c == '\n' && newlines)
			t->p++, t->line++;
		else if (c == '#' && newlines)
			while (t->p < t->end && *t->p != '\n')
				t->p++;
		else
			return;
	}
}

static int bad(toml *t, const char *what)
{
	return rt_error_at(t->err, RETORT_ECONFIG, t->path, t->line, "%s", what);
}

/* A string at t->p into out. */
static int read_string(toml *t, rt_buf *out)
{
	char q = *t->p++;
	while (t->p < t->end && *t->p != q) {
		char c = *t->p++;
		if (c == '\n')
			return bad(t, "a string does not end on its line");
		if (c == '\\' && q == '"' && t->p < t->end) {
			char e = *t->p++;
			switch (e) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case '"': case '\\': c = e; break;
			default: return bad(t, "an escape retort does not read in a string");
			}
		}
		rt_buf_putc(out, c);
	}
	if (t->p >= t->end)
		return bad(t, "a string does not end");
	t->p++;
	return 0;
}

static int read_value(toml *t, rt_buf *out)
{
	if (t->p < t->end && (*t->p == '"' || *t->p == '\'')) {
		if (t->end - t->p >= 3 && t->p[1] == t->p[0] && t->p[2] == t->p[0])
			return bad(t, "multi-line strings are not read here; use an array");
		return read_string(t, out);
	}
	if (t->p < t->end && *t->p == '[') {
		t->p++;
		bool first = true;
		for (;;) {
			skip_blanks(t, true);
			if (t->p < t->end && *t->p == ']') {
				t->p++;
				return 0;
			}
			if (t->p >= t->end || (*t->p != '"' && *t->p != '\''))
				return bad(t, "an array holds strings only");
			if (!first)
				rt_buf_putc(out, '\n');
			first = false;
			int rc = read_string(t, out);
			if (rc)
				return rc;
			skip_blanks(t, true);
			if (t->p < t->end && *t->p == ',')
				t->p++;
			else if (t->p >= t->end || *t->p != ']')
				return bad(t, "expected ',' or ']' in an array");
		}
	}
	const char *s = t->p;
	while (t->p < t->end && (isalnum((unsigned char)*t->p) || strchr("+-._", *t->p)))
		t->p++;
	if (t->p == s)
		return bad(t, "a value must be a string, an array of strings, a boolean or a number");
	rt_buf_put(out, s, (size_t)(t->p - s));
	return 0;
}

int rt_pyproject_read(const char *path, const char *text, size_t len, rt_strvec *keys,
		      rt_strvec *vals, bool *found, rt_err *err)
{
	toml t = { text, text + len, 1, path, err };
	bool in = false;
	*found = false;
	while (t.p < t.end) {
		skip_blanks(&t, false);
		const char *nl = next_newline(&t);
		const char *eol = nl ? nl : t.end;
		if (t.p < t.end && *t.p == '[') {
			const char *e = eol;
			while (e > t.p && isspace((unsigned char)e[-1]))
				e--;
			in = (size_t)(e - t.p) == 14 && !memcmp(t.p, "[tool.alembic]", 14);
			*found |= in;
		} else if (in && t.p < eol && *t.p != '#') {
			const char *k = t.p;
			while (t.p < eol && (isalnum((unsigned char)*t.p) || *t.p == '_' || *t.p == '-'))
				t.p++;
			if (t.p == k)
				return bad(&t, "expected 'key = value'");
			char *key = rt_xstrndup(k, (size_t)(t.p - k));
			skip_blanks(&t, false);
			if (t.p >= t.end || *t.p != '=') {
				free(key);
				return bad(&t, "expected 'key = value'");
			}
			t.p++;
			skip_blanks(&t, false);
			rt_buf v = RT_BUF_INIT;
			int rc = read_value(&t, &v);
			skip_blanks(&t, false);
			if (!rc && t.p < t.end && *t.p != '\n' && *t.p != '#')
				rc = bad(&t, "unexpected text after the value");
			if (rc) {
				free(key);
				rt_buf_free(&v);
				return rc;
			}
			rt_strvec_push_owned(keys, key);
			rt_strvec_push_owned(vals, v.ptr ? rt_buf_detach(&v) : rt_xstrdup(""));
			nl = next_newline(&t);
			eol = nl ? nl : t.end;
		}
		t.p = nl ? nl + 1 : t.end;
		t.line++;
	}
	return 0;
}
