/*
 * revpy.c: reading an Alembic revision module (*.py) without running Python.
 *
 * Alembic imports the module and reads four names from it; so does this
 * reader, from the text: the module-level assignments
 *
 *   revision = "3c9e8f7a6b03"
 *   down_revision: Union[str, Sequence[str], None] = ("1a2b", "9f8e")
 *   branch_labels = ("contact",)
 *   depends_on = None
 *
 * (a string, None, or a tuple or list of strings; any annotation), and the
 * module's docstring, whose first paragraph is the message (Alembic's
 * Script.doc) and whose "Create Date:" line is the date.  What stands on
 * the right of those names must be a literal: a computed value is refused
 * with its line, since reading it would mean running the file.
 *
 * The scan is a small tokenizer over logical lines: it knows Python's
 * strings (every quote and prefix, triple-quoted ones spanning lines),
 * comments, brackets and backslash continuations, so that text inside a
 * function body or a string (`op.execute("""revision = 'x'""")`) is never
 * taken for an assignment.  Only statements at column 0 are looked at.
 */
#include "revfile.h"

#include "util/buf.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <string.h>

typedef struct pyscan {
	const char *p, *end;
	unsigned line;
	const char *path;
	rt_err *err;
} pyscan;

enum { N_REVISION, N_DOWN, N_LABELS, N_DEPENDS, N_NAMES };
static const char *const names[N_NAMES] = { "revision", "down_revision", "branch_labels",
					    "depends_on" };

typedef struct pyvalue {
	bool set;
	bool none;
	unsigned line;
	rt_strvec items;
} pyvalue;

static int peek(const pyscan *s)
{
	return s->p < s->end ? (unsigned char)*s->p : -1;
}

static void advance(pyscan *s)
{
	if (s->p < s->end && *s->p++ == '\n')
		s->line++;
}

static bool is_name_start(int c)
{
	return c == '_' || (c >= 0 && (isalpha(c) || c >= 0x80));
}

static bool is_name_char(int c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

/* How long the string prefix at p is (r, u, b, f, rb, ...) when a quote follows; else 0. */
static size_t string_prefix(const pyscan *s, bool *raw)
{
	size_t n = 0;
	*raw = false;
	while (n < 2 && s->p + n < s->end && strchr("rRuUbBfF", s->p[n]) && s->p[n]) {
		if (s->p[n] == 'r' || s->p[n] == 'R')
			*raw = true;
		n++;
	}
	if (s->p + n < s->end && (s->p[n] == '"' || s->p[n] == '\''))
		return n;
	return (size_t)-1;
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
		: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void put_utf8(rt_buf *b, unsigned long cp)
{
	if (cp < 0x80) {
		rt_buf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		rt_buf_putc(b, (char)(0xC0 | (cp >> 6)));
		rt_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		rt_buf_putc(b, (char)(0xE0 | (cp >> 12)));
		rt_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		rt_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
	} else {
		rt_buf_putc(b, (char)(0xF0 | (cp >> 18)));
		rt_buf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
		rt_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		rt_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
	}
}

/*
 * At a backslash in a string that is not raw: its value, as Python reads
 * it (\n \t \x41 \101 \u00e9 \U0001F600, a continued line; an
 * unknown escape keeps its backslash), into out when given.  \N{...}
 * needs Unicode's names: refused, as is anything Python refuses.
 */
static int escape(pyscan *s, rt_buf *out)
{
	unsigned line = s->line;
	char nx = s->p[1];
	advance(s);
	advance(s);
	static const char simple[] = "abfnrtv\\'\"";
	static const char value[] = "\a\b\f\n\r\t\v\\'\"";
	const char *k = strchr(simple, nx);
	if (nx && k) {
		if (out)
			rt_buf_putc(out, value[k - simple]);
		return 0;
	}
	if (nx == '\n')
		return 0; /* a continued line */
	if (nx >= '0' && nx <= '7') {
		unsigned v = (unsigned)(nx - '0');
		for (int i = 0; i < 2 && peek(s) >= '0' && peek(s) <= '7'; i++) {
			v = v * 8 + (unsigned)(peek(s) - '0');
			advance(s);
		}
		if (out)
			put_utf8(out, v);
		return 0;
	}
	int digits = nx == 'x' ? 2 : nx == 'u' ? 4 : nx == 'U' ? 8 : 0;
	if (digits) {
		unsigned long v = 0;
		for (int i = 0; i < digits; i++) {
			int h = hexval(peek(s));
			if (h < 0)
				return rt_error_at(s->err, RETORT_EPARSE, s->path, line,
						   "a truncated \\%c escape in a string", nx);
			v = v * 16 + (unsigned long)h;
			advance(s);
		}
		if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF && nx != 'x'))
			return rt_error_at(s->err, RETORT_EPARSE, s->path, line,
					   "an escape out of Unicode's range in a string");
		if (out)
			put_utf8(out, v);
		return 0;
	}
	if (nx == 'N')
		return rt_error_at(s->err, RETORT_EPARSE, s->path, line,
				   "a \\N{...} escape in a string: retort reads revision modules "
				   "without Python's table of character names; write the character");
	if (out) {
		rt_buf_putc(out, '\\');
		rt_buf_putc(out, nx);
	}
	return 0;
}

/* At a quote (after any prefix): read the string, its value into out when given. */
static int read_string(pyscan *s, bool raw, rt_buf *out)
{
	unsigned line = s->line;
	char q = *s->p;
	bool triple = s->end - s->p >= 3 && s->p[1] == q && s->p[2] == q;
	s->p += triple ? 3 : 1;
	while (s->p < s->end) {
		char c = *s->p;
		if (c == q && (!triple || (s->end - s->p >= 3 && s->p[1] == q && s->p[2] == q))) {
			s->p += triple ? 3 : 1;
			return 0;
		}
		if (c == '\n' && !triple)
			break;
		if (c == '\\' && s->p + 1 < s->end) {
			if (out && raw) {
				rt_buf_putc(out, c);
				rt_buf_putc(out, s->p[1]);
			} else if (out) {
				if (escape(s, out))
					return -1;
				continue;
			}
			advance(s);
			advance(s);
			continue;
		}
		if (out)
			rt_buf_putc(out, c);
		advance(s);
	}
	return rt_error_at(s->err, RETORT_EPARSE, s->path, line, "unterminated string");
}

/* Skip blanks, and inside brackets also newlines, comments and continuations. */
static void skip_space(pyscan *s, bool in_brackets)
{
	for (;;) {
		int c = peek(s);
		if (c == ' ' || c == '\t' || c == '\f' || c == '\r')
			advance(s);
		else if (c == '\\' && s->p + 1 < s->end && (s->p[1] == '\n' || s->p[1] == '\r')) {
			advance(s);
			while (peek(s) == '\r')
				advance(s);
			advance(s);
		} else if (in_brackets && c == '\n')
			advance(s);
		else if (in_brackets && c == '#')
			while (peek(s) != '\n' && peek(s) != -1)
				advance(s);
		else
			return;
	}
}

/* Which of the four names the word at p..e is, or -1. */
static int which_name(const char *p, const char *e)
{
	for (int i = 0; i < N_NAMES; i++)
		if ((size_t)(e - p) == strlen(names[i]) && !memcmp(p, names[i], (size_t)(e - p)))
			return i;
	return -1;
}

/* After blanks from p: where the next character is. */
static const char *past_blanks(const pyscan *s, const char *p)
{
	while (p < s->end && (*p == ' ' || *p == '\t' || *p == '\n'))
		p++;
	return p;
}

static int bound_elsewhere(pyscan *s, int which, unsigned line)
{
	return rt_error_at(s->err, RETORT_EPARSE, s->path, line,
			   "'%s' is used or bound here by module-level code retort does not run "
			   "(a block, +=, unpacking, del, an import): write it once as "
			   "`%s = <literal>` at the start of a line", names[which], names[which]);
}

/*
 * Skip to the end of the logical line that the cursor is in (past its
 * newline), over strings, brackets and continuations.  With check (code
 * at module scope, not in a def or class body), one of the four names in
 * it is refused: Python could bind it there (if/try/for blocks, +=,
 * unpacking, del, imports), which retort cannot follow without running
 * the module; an attribute (x.revision) and a keyword argument
 * (f(revision=1)) are not the name.
 */
static int skip_statement(pyscan *s, bool check)
{
	int depth = 0;
	char prev = 0;
	while (s->p < s->end) {
		int c = peek(s);
		bool raw;
		size_t pre = is_name_start(c) || c == '"' || c == '\'' ? string_prefix(s, &raw)
								       : (size_t)-1;
		if (pre != (size_t)-1) {
			s->p += pre;
			if (read_string(s, raw, NULL))
				return -1;
			prev = '"';
			continue;
		}
		if (is_name_start(c)) {
			const char *w = s->p;
			unsigned line = s->line;
			while (is_name_char(peek(s)))
				advance(s);
			int which = check ? which_name(w, s->p) : -1;
			const char *q = past_blanks(s, s->p);
			bool kwarg = depth > 0 && q + 1 < s->end && q[0] == '=' && q[1] != '=';
			if (which >= 0 && prev != '.' && !kwarg)
				return bound_elsewhere(s, which, line);
			prev = 'a';
			continue;
		}
		if (c != ' ' && c != '\t')
			prev = (char)c;
		if (c == '#') {
			while (peek(s) != '\n' && peek(s) != -1)
				advance(s);
			continue;
		}
		if (c == '\\' && s->p + 1 < s->end && (s->p[1] == '\n' || s->p[1] == '\r')) {
			skip_space(s, false);
			continue;
		}
		if (c == '(' || c == '[' || c == '{')
			depth++;
		else if ((c == ')' || c == ']' || c == '}') && depth > 0)
			depth--;
		advance(s);
		if (c == '\n' && depth == 0)
			return 0;
	}
	return 0;
}

static int not_literal(pyscan *s, const char *name, unsigned line)
{
	return rt_error_at(s->err, RETORT_EPARSE, s->path, line,
			   "'%s' is not a literal (a string, None, or a tuple or list of "
			"strings): retort reads revision modules without running them", name);
}

/* One string, or adjacent strings concatenated, into *out (owned). */
static int read_strings(pyscan *s, bool in_brackets, char **out)
{
	rt_buf b = RT_BUF_INIT;
	bool any = false;
	for (;;) {
		bool raw;
		size_t pre = string_prefix(s, &raw);
		if (pre == (size_t)-1 || (pre && strchr("bBfF", s->p[0])) ||
		    (pre == 2 && strchr("bBfF", s->p[1])))
			break;
		s->p += pre;
		if (read_string(s, raw, &b)) {
			rt_buf_free(&b);
			return -1;
		}
		any = true;
		skip_space(s, in_brackets);
	}
	if (!any) {
		rt_buf_free(&b);
		return 1;
	}
	*out = rt_buf_detach(&b);
	return 0;
}

/* One item of a value (adjacent strings are one), appended to v. */
static int read_item(pyscan *s, bool in_brackets, const char *name, unsigned line, pyvalue *v)
{
	char *item;
	int rc = read_strings(s, in_brackets, &item);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return not_literal(s, name, line);
	rt_strvec_push_owned(&v->items, item);
	return 0;
}

/* The value after '=': None, string(s), or ( ... ) / [ ... ] of strings. */
static int read_value(pyscan *s, const char *name, pyvalue *v, unsigned line)
{
	rt_strvec_clear(&v->items);
	v->none = false;
	v->set = true;
	v->line = line;
	skip_space(s, false);
	if (s->end - s->p >= 4 && !memcmp(s->p, "None", 4) &&
	    !is_name_char(s->p + 4 < s->end ? (unsigned char)s->p[4] : 0)) {
		s->p += 4;
		v->none = true;
	} else if (peek(s) == '(' || peek(s) == '[') {
		char close = peek(s) == '(' ? ')' : ']';
		advance(s);
		for (;;) {
			skip_space(s, true);
			if (peek(s) == close) {
				advance(s);
				break;
			}
			int rc = read_item(s, true, name, line, v);
			if (rc)
				return rc;
			skip_space(s, true);
			if (peek(s) == ',')
				advance(s);
			else if (peek(s) != close)
				return not_literal(s, name, line);
		}
	} else {
		int rc = read_item(s, false, name, line, v);
		if (rc)
			return rc;
	}
	/* what may follow on the line: a comment, a ';' and another statement */
	skip_space(s, false);
	int c = peek(s);
	if (c == '#')
		while (peek(s) != '\n' && peek(s) != -1)
			advance(s);
	else if (c == ';') {
		advance(s);
		skip_space(s, false);
		return 2; /* another statement on this line */
	}
	c = peek(s);
	if (c == '\n') {
		advance(s);
		return 0;
	}
	if (c == -1)
		return 0;
	return not_literal(s, name, line);
}

/*
 * At the start of a column-0 statement: when it assigns one of the names,
 * read the value.  Returns 1 when the statement was not such an
 * assignment (the cursor is back where it was), 2 when another statement
 * follows on the line after a ';'.
 */
static int assignment(pyscan *s, pyvalue *vals)
{
	const char *start = s->p;
	unsigned line = s->line;
	int which = -1;
	for (int i = 0; i < N_NAMES; i++) {
		size_t n = strlen(names[i]);
		if ((size_t)(s->end - s->p) > n && !memcmp(s->p, names[i], n) &&
		    !is_name_char((unsigned char)s->p[n]))
			which = i;
	}
	if (which < 0)
		return 1;
	s->p += strlen(names[which]);
	skip_space(s, false);
	if (peek(s) == ':') { /* an annotation, up to the '=' outside brackets */
		int depth = 0;
		advance(s);
		while (s->p < s->end) {
			int c = peek(s);
			if (c == '(' || c == '[')
				depth++;
			else if ((c == ')' || c == ']') && depth)
				depth--;
			else if (depth == 0 && (c == '=' || c == '\n'))
				break;
			advance(s);
		}
	}
	if (peek(s) != '=' || (s->p + 1 < s->end && s->p[1] == '=')) {
		s->p = start;
		s->line = line;
		return 1;
	}
	advance(s);
	return read_value(s, names[which], &vals[which], line);
}

/* The docstring as Alembic's Script.longdoc gives it: str.strip(). */
static char *strip(const char *p)
{
	while (*p && isspace((unsigned char)*p))
		p++;
	size_t n = strlen(p);
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	return rt_xstrndup(p, n);
}

static char *first_paragraph(const char *doc)
{
	const char *e = strstr(doc, "\n\n");
	return rt_xstrndup(doc, e ? (size_t)(e - doc) : strlen(doc));
}

static char *create_date(const char *doc)
{
	for (const char *l = doc; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		while (*l == ' ' || *l == '\t')
			l++;
		if (!strncmp(l, "Create Date:", 12)) {
			const char *v = l + 12, *e = strchr(v, '\n');
			size_t n = e ? (size_t)(e - v) : strlen(v);
			while (n && isspace((unsigned char)*v))
				v++, n--;
			while (n && isspace((unsigned char)v[n - 1]))
				n--;
			return rt_xstrndup(v, n);
		}
	}
	return rt_xstrdup("");
}

/* Whether the word at p is keyword kw, followed by a blank or '(' or ':'. */
static bool keyword_at(const pyscan *s, const char *kw)
{
	size_t n = strlen(kw);
	return (size_t)(s->end - s->p) > n && !memcmp(s->p, kw, n) &&
	       !is_name_char((unsigned char)s->p[n]);
}

/*
 * The docstring, as Python makes __doc__: the first statement, when it is
 * a string expression alone (adjacent strings concatenated); a bytes or
 * f-string, or a string that code follows ("""x""".strip()), is none.
 * At the statement's start; *doc stays NULL when it is not one.
 */
static int read_docstring(pyscan *s, char **doc)
{
	const char *start = s->p;
	unsigned line = s->line;
	bool plain = true, any = false;
	rt_buf b = RT_BUF_INIT;
	for (;;) {
		bool raw;
		size_t pre = string_prefix(s, &raw);
		if (pre == (size_t)-1)
			break;
		for (size_t i = 0; i < pre; i++)
			if (strchr("bBfF", s->p[i]))
				plain = false;
		s->p += pre;
		if (read_string(s, raw, &b)) {
			rt_buf_free(&b);
			return -1;
		}
		any = true;
		skip_space(s, false);
	}
	int c = peek(s);
	bool alone = any && (c == '\n' || c == '#' || c == ';' || c == -1);
	if (alone && plain)
		*doc = strip(b.ptr ? b.ptr : "");
	rt_buf_free(&b);
	s->p = start;
	s->line = line;
	return 0;
}

static int scan_module(pyscan *s, pyvalue *vals, char **docstring)
{
	bool first = true;
	long body = -1; /* the indentation of a def or class header whose body this is */
	while (s->p < s->end) {
		/* a logical line: indentation, then a blank, a comment or a statement */
		size_t indent = 0;
		while (peek(s) == ' ' || peek(s) == '\t' || peek(s) == '\f') {
			/* a form feed resets the column, as Python's tokenizer does */
			indent = peek(s) == '\f' ? 0 : indent + 1;
			advance(s);
		}
		int c = peek(s);
		if (c == '\n') {
			advance(s);
			continue;
		}
		if (c == '#') {
			while (peek(s) != '\n' && peek(s) != -1)
				advance(s);
			continue;
		}
		if (c == -1)
			break;
		/* a def or class body: its own scope, whatever it binds */
		if (body >= 0 && (long)indent > body) {
			if (skip_statement(s, false))
				return -1;
			continue;
		}
		body = -1;
		if (first && indent == 0 && read_docstring(s, docstring))
			return -1;
		first = false;
		if (keyword_at(s, "def") || keyword_at(s, "class") || keyword_at(s, "async") ||
		    peek(s) == '@') {
			body = (long)indent;
			if (skip_statement(s, false))
				return -1;
			continue;
		}
		int rc = 1;
		/* 2: a ';' and another statement on the same line */
		while (indent == 0 && (rc = assignment(s, vals)) == 2)
			;
		if (rc < 0)
			return -1;
		if (rc == 1 && skip_statement(s, true))
			return -1;
	}
	return 0;
}

int rt_revpy_parse(rt_revfile *rf, const char *path, const char *text, size_t len,
		   rt_err *err)
{
	memset(rf, 0, sizeof(*rf));
	if (memchr(text, '\0', len))
		return rt_error(err, RETORT_EPARSE, "%s:1: file contains a NUL byte", path);
	/* Python reads source with universal newlines: \r\n and \r are \n */
	rt_buf src = RT_BUF_INIT;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\r') {
			rt_buf_putc(&src, '\n');
			if (i + 1 < len && text[i + 1] == '\n')
				i++;
		} else {
			rt_buf_putc(&src, text[i]);
		}
	}
	const char *t = src.ptr ? src.ptr : "";
	pyscan s = { t, t + src.len, 1, path, err };
	if (src.len >= 3 && !memcmp(t, "\xef\xbb\xbf", 3)) /* a UTF-8 BOM, as Python allows */
		s.p += 3;
	pyvalue vals[N_NAMES];
	memset(vals, 0, sizeof(vals));
	char *doc = NULL;
	/* every failure of the scan is a parse error, its message in err */
	int rc = scan_module(&s, vals, &doc) ? RETORT_EPARSE : 0;
	if (!rc && !vals[N_REVISION].set)
		rc = rt_error(err, RETORT_EPARSE,
			      "%s:1: no module-level 'revision = \"...\"': not an Alembic "
			      "revision module", path);
	else if (!rc && !vals[N_DOWN].set)
		rc = rt_error(err, RETORT_EPARSE,
			      "%s:1: no module-level 'down_revision = ...' (use None for a root)",
			      path);
	else if (!rc && (vals[N_REVISION].none || vals[N_REVISION].items.len != 1))
		rc = rt_error_at(err, RETORT_EPARSE, path, vals[N_REVISION].line,
				 "'revision' must be one string");
	if (!rc) {
		rt_err e;
		if (!rt_revid_valid(vals[N_REVISION].items.v[0], &e))
			rc = rt_error_at(err, RETORT_EPARSE, path, vals[N_REVISION].line,
					 "%s", e.msg);
	}
	for (int i = N_DOWN; !rc && i < N_NAMES; i++)
		for (size_t k = 0; k < vals[i].items.len; k++)
			if (!*vals[i].items.v[k])
				rc = rt_error_at(err, RETORT_EPARSE, path, vals[i].line,
						 "'%s' holds an empty string", names[i]);
	if (!rc) {
		rf->path = rt_xstrdup(path);
		rf->id = rt_xstrdup(vals[N_REVISION].items.v[0]);
		rf->doc = doc ? doc : rt_xstrdup("");
		doc = NULL;
		rf->message = first_paragraph(rf->doc);
		rf->create_date = create_date(rf->doc);
		rf->revises = vals[N_DOWN].items;
		rf->branch_labels = vals[N_LABELS].items;
		rf->depends_on = vals[N_DEPENDS].items;
		memset(&vals[N_DOWN].items, 0, sizeof(rt_strvec));
		memset(&vals[N_LABELS].items, 0, sizeof(rt_strvec));
		memset(&vals[N_DEPENDS].items, 0, sizeof(rt_strvec));
		rf->id_line = vals[N_REVISION].line;
		rf->revises_line = vals[N_DOWN].line;
		rf->depends_on_line = vals[N_DEPENDS].line;
		rf->upgrade.sql = rt_xstrdup("");
		rf->downgrade.sql = rt_xstrdup("");
		rf->upgrade.transactional = rf->downgrade.transactional = true;
		rf->python = true;
	}
	free(doc);
	rt_buf_free(&src);
	for (int i = 0; i < N_NAMES; i++)
		rt_strvec_free(&vals[i].items);
	return rc;
}
