/*
 * backends/sqlite/lint.c: SQLite's lint rules.  SQLite has no parser to lend, so
 * the rules read the first words of each statement of SQLite's own split
 * (sqlite3_complete): what drops or renames, which breaks the clients that
 * still use the old name.  Locks are not a concern: SQLite takes the whole
 * database for any write.
 */
#include "lint.h"
#include "sqlite.h"

#include "util/buf.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The statement's words, one blank between, quotes dropped, comments gone. */
static void words(const char *s, size_t n, rt_buf *out)
{
	bool blank = true;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '-' && i + 1 < n && s[i + 1] == '-') {
			while (i < n && s[i] != '\n')
				i++;
			c = ' ';
		}
		if (c == '"' || c == '`' || c == '[' || c == ']')
			continue;
		if (isspace((unsigned char)c) || c == '(' || c == ';') {
			if (!blank)
				rt_buf_putc(out, ' ');
			blank = true;
			if (c == '(')
				break; /* what follows a parenthesis is a definition */
			continue;
		}
		rt_buf_putc(out, c);
		blank = false;
	}
	rt_buf_rtrim(out);
}

/* The n-th word (0-based) of w, into out. */
static void word_at(const char *w, int n, char *out, size_t size)
{
	for (int i = 0; i < n && w; i++) {
		w = strchr(w, ' ');
		w = w ? w + 1 : NULL;
	}
	size_t len = w ? strcspn(w, " ") : 0;
	snprintf(out, size, "%.*s", (int)(len < size ? len : size - 1), w ? w : "");
}

typedef struct sq {
	rt_lint_ctx *c;
	const rt_lint_section *s;
	rt_strvec *created;
} sq;

static bool is_new(const sq *q, const char *table)
{
	for (size_t i = 0; q->s->created && i < q->s->created->len; i++)
		if (!strcasecmp(q->s->created->v[i], table))
			return true;
	return false;
}

static void each(sq *q, size_t off, size_t len)
{
	rt_buf w = RT_BUF_INIT;
	words(q->s->sql + off, len, &w);
	const char *s = w.ptr ? w.ptr : "";
	char t[128];
	if (q->created) {
		if (!strncasecmp(s, "CREATE TABLE ", 13)) {
			int at = !strncasecmp(s + 13, "IF NOT EXISTS ", 14) ? 5 : 2;
			word_at(s, at, t, sizeof(t));
			rt_strvec_push(q->created, t);
		}
	} else if (!strncasecmp(s, "DROP TABLE ", 11)) {
		word_at(s, !strncasecmp(s + 11, "IF EXISTS ", 10) ? 4 : 2, t, sizeof(t));
		if (!is_new(q, t))
			rt_lint_report(q->c, q->s, (long)off, "drop-table", "warning", NULL,
				       "stop using the table in a release before, then drop it",
				       "dropping table '%s' breaks clients that still use it, and its "
				       "rows are gone", t);
	} else if (!strncasecmp(s, "ALTER TABLE ", 12)) {
		char verb[32], what[32], name[128];
		word_at(s, 2, t, sizeof(t));
		word_at(s, 3, verb, sizeof(verb));
		word_at(s, 4, what, sizeof(what));
		if (is_new(q, t)) {
			/* a table this revision makes: nobody uses it yet */
		} else if (!strcasecmp(verb, "DROP")) {
			word_at(s, !strcasecmp(what, "COLUMN") ? 5 : 4, name, sizeof(name));
			rt_lint_report(q->c, q->s, (long)off, "drop-column", "warning", NULL,
				       "stop reading the column in a release before, then drop it",
				       "dropping '%s.%s' breaks clients that still read it", t, name);
		} else if (!strcasecmp(verb, "RENAME") && !strcasecmp(what, "TO")) {
			word_at(s, 5, name, sizeof(name));
			rt_lint_report(q->c, q->s, (long)off, "rename-table", "warning", NULL,
				       "create a view under the old name while clients move",
				       "renaming table '%s' to '%s' breaks clients that use the old "
				       "name", t, name);
		} else if (!strcasecmp(verb, "RENAME")) {
			word_at(s, !strcasecmp(what, "COLUMN") ? 5 : 4, name, sizeof(name));
			rt_lint_report(q->c, q->s, (long)off, "rename-column", "warning", NULL,
				       "add the new column, write both, switch readers, drop the old",
				       "renaming '%s.%s' breaks clients that use the old name", t, name);
		}
	}
	rt_buf_free(&w);
}

int rt_lint_sqlite(rt_lint_ctx *c, const rt_lint_section *s)
{
	rt_lint_stmt *st = NULL;
	size_t n = 0;
	int rc = rt_lint_statements(c, s->sql, &st, &n);
	if (rc)
		return rc;
	sq q = { c, s, s->created }; /* the tables the section creates */
	for (size_t k = 0; k < n; k++)
		each(&q, st[k].off, st[k].len);
	q.created = NULL; /* the rules */
	for (size_t k = 0; k < n; k++)
		each(&q, st[k].off, st[k].len);
	free(st);
	return 0;
}
