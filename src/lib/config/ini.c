/*
 * ini.c: an INI reader that reads alembic.ini the way Python's configparser
 * (strict mode, Alembic's settings) does.
 *
 * Not inih: it cuts lines at 200 bytes and strips inline ';' comments, and
 * either would silently corrupt a URL or a password.  The rules, line by line
 * (after stripping blanks at both ends):
 *
 *   line                          action
 *   ----------------------------  ------------------------------------------
 *   empty                         ends the current value
 *   starts with '#' or ';'        a comment: skipped (no inline comments)
 *   indented deeper than the key  continues the value, joined with '\n'
 *   "[name]"                      a new section (duplicate: error)
 *   "[name" (no ']')              error: unterminated section header
 *   "key = v" / "key: v"          split at the first '=' or ':'; the key is
 *                                 lower-cased (duplicate in section: error)
 *   anything else                 error
 *
 * A value is handed to the callback once it is complete, with the line of
 * its key; a section header is announced with key and value NULL, so that
 * empty sections exist too.
 */
#include "config.h"

#include "util/buf.h"
#include "util/map.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <string.h>

typedef struct ini_state {
	const char *name;
	rt_ini_fn fn;
	void *data;
	rt_err *err;
	char *section;      /* NULL before the first header */
	rt_buf key;         /* the key whose value is being read, or empty */
	rt_buf value;
	unsigned key_line;
	size_t key_indent;
	rt_strvec seen;     /* "section" and "section\001key", owned */
	rt_map seen_map;    /* the same, for look-ups */
} ini_state;

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Record s as seen; returns true when it already was. */
static bool seen_before(ini_state *st, const char *s)
{
	if (rt_map_get(&st->seen_map, s))
		return true;
	rt_strvec_push(&st->seen, s);
	char *kept = st->seen.v[st->seen.len - 1];
	rt_map_put(&st->seen_map, kept, kept);
	return false;
}

/* Hand the pending value (if any) to the callback. */
static int flush(ini_state *st)
{
	if (!st->key.len)
		return 0;
	rt_buf_rtrim(&st->value);
	int rc = st->fn(st->data, st->section, st->key.ptr, st->value.ptr,
			st->key_line);
	rt_buf_clear(&st->key);
	rt_buf_clear(&st->value);
	return rc;
}

static int section_line(ini_state *st, const char *s, size_t n, unsigned line)
{
	const char *close = NULL;
	/* configparser's header regex is greedy: the name ends at the last ']' */
	for (const char *p = s; p < s + n; p++)
		if (*p == ']')
			close = p;
	if (!close)
		return rt_error_at(st->err, RETORT_ECONFIG, st->name, line,
				   "unterminated section header");
	if (close == s + 1)
		return rt_error_at(st->err, RETORT_ECONFIG, st->name, line,
				   "empty section name");
	free(st->section);
	st->section = rt_xstrndup(s + 1, (size_t)(close - s - 1));
	if (seen_before(st, st->section))
		return rt_error_at(st->err, RETORT_ECONFIG, st->name, line,
				   "duplicate section [%s]",
				st->section);
	return st->fn(st->data, st->section, NULL, NULL, line);
}

static int key_line(ini_state *st, const char *s, size_t n, size_t indent,
		    unsigned line)
{
	size_t k = 0, v;
	while (k < n && s[k] != '=' && s[k] != ':')
		k++;
	if (k == n)
		return rt_error_at(st->err, RETORT_ECONFIG, st->name, line,
				   "expected 'key = value', a [section] or a comment");
	if (!st->section)
		return rt_error_at(st->err, RETORT_ECONFIG, st->name, line,
				   "key outside a section (add a [section] header above it)");
	v = k + 1;
	while (k > 0 && is_blank(s[k - 1]))
		k--;
	if (k == 0)
		return rt_error_at(st->err, RETORT_ECONFIG, st->name, line, "empty key");
	while (v < n && is_blank(s[v]))
		v++;
	for (size_t i = 0; i < k; i++)
		rt_buf_putc(&st->key, (char)tolower((unsigned char)s[i]));
	rt_buf_put(&st->value, s + v, n - v);
	st->key_line = line;
	st->key_indent = indent;

	rt_buf seen = RT_BUF_INIT;
	rt_buf_printf(&seen, "%s\001%s", st->section, st->key.ptr);
	bool dup = seen_before(st, seen.ptr);
	rt_buf_free(&seen);
	if (dup)
		return rt_error_at(st->err, RETORT_ECONFIG, st->name, line,
				   "duplicate key '%s' in section [%s]",
				   st->key.ptr, st->section);
	return 0;
}

/* One physical line, without its '\n'. */
static int one_line(ini_state *st, const char *s, size_t n, unsigned line)
{
	size_t indent = 0;
	int rc;

	if (memchr(s, '\0', n))
		return rt_error_at(st->err, RETORT_ECONFIG, st->name, line, "NUL byte");
	while (indent < n && is_blank(s[indent]))
		indent++;
	while (n > indent && is_blank(s[n - 1]))
		n--;
	s += indent;
	n -= indent;

	if (n == 0)
		return flush(st);
	if (s[0] == '#' || s[0] == ';')
		return 0;
	if (st->key.len && indent > st->key_indent) {
		rt_buf_putc(&st->value, '\n');
		rt_buf_put(&st->value, s, n);
		return 0;
	}
	if ((rc = flush(st)) != 0)
		return rc;
	if (s[0] == '[')
		return section_line(st, s, n, line);
	return key_line(st, s, n, indent, line);
}

int rt_ini_parse(const char *text, size_t len, const char *name, rt_ini_fn fn,
		 void *data, rt_err *err)
{
	ini_state st = { 0 };
	unsigned line = 0;
	size_t i = 0;
	int rc = 0;

	st.name = name ? name : "<config>";
	st.fn = fn;
	st.data = data;
	st.err = err;
	rt_buf_init(&st.key);
	rt_buf_init(&st.value);
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && rc == 0) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		rc = one_line(&st, text + i, end - i, ++line);
		i = end + 1;
	}
	if (rc == 0)
		rc = flush(&st);
	free(st.section);
	rt_buf_free(&st.key);
	rt_buf_free(&st.value);
	rt_map_free(&st.seen_map);
	rt_strvec_free(&st.seen);
	return rc;
}
