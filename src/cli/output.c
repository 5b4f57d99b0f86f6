/*
 * output.c: Alembic's text formats for revisions (checked against 1.8.1's
 * Script._head_only and Script.log_entry), so that scripts and eyes used to
 * `alembic history` read retort's output the same way.
 */
#include "cli.h"
#include "util/fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_fmt_join(rt_buf *out, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			rt_buf_puts(out, ", ");
		rt_buf_puts(out, v[i]);
	}
}

void cli_fmt_parents(rt_buf *out, const retort_rev *rev)
{
	if (rev->nparents)
		cli_fmt_join(out, rev->parents, rev->nparents);
	else
		rt_buf_puts(out, "<base>");
}

/* Alembic's is_head counts children only; a depended-on head is "effective". */
static bool real_head(const retort_rev *rev)
{
	return (rev->flags & RETORT_REV_HEAD) &&
	       !(rev->flags & RETORT_REV_EFFECTIVE_HEAD);
}

static bool any_head(const retort_rev *rev)
{
	return rev->flags & (RETORT_REV_HEAD | RETORT_REV_EFFECTIVE_HEAD);
}

void cli_fmt_line(rt_buf *out, const retort_rev *rev, unsigned what)
{
	if (what & CLI_FMT_PARENTS) {
		cli_fmt_parents(out, rev);
		if (rev->ndepends_on_declared) {
			rt_buf_puts(out, " (");
			cli_fmt_join(out, rev->depends_on_declared, rev->ndepends_on_declared);
			rt_buf_putc(out, ')');
		}
		rt_buf_puts(out, " -> ");
	}
	rt_buf_puts(out, rev->id);
	if ((what & CLI_FMT_LABELS) && rev->nlabels) {
		rt_buf_puts(out, " (");
		cli_fmt_join(out, rev->labels, rev->nlabels);
		rt_buf_putc(out, ')');
	}
	if (what & CLI_FMT_HEADS) {
		if (real_head(rev))
			rt_buf_puts(out, " (head)");
		else if (rev->flags & RETORT_REV_EFFECTIVE_HEAD)
			rt_buf_puts(out, " (effective head)");
	}
	if ((what & CLI_FMT_CURRENT) && (rev->flags & RETORT_REV_CURRENT))
		rt_buf_puts(out, " (current)");
	if (what & CLI_FMT_TREE) {
		if (rev->flags & RETORT_REV_BRANCHPOINT)
			rt_buf_puts(out, " (branchpoint)");
		if (rev->flags & RETORT_REV_MERGEPOINT)
			rt_buf_puts(out, " (mergepoint)");
	}
	if (what & CLI_FMT_DOC) {
		rt_buf_puts(out, ", ");
		rt_buf_puts(out, rev->message ? rev->message : "");
	}
}

/* Each line of the header comment, indented four spaces (blank ones too). */
static void fmt_doc(rt_buf *out, const char *doc)
{
	if (!doc)
		doc = "";
	while (*doc == ' ' || *doc == '\t' || *doc == '\n' || *doc == '\r')
		doc++;
	size_t len = strlen(doc);
	while (len && (doc[len - 1] == ' ' || doc[len - 1] == '\t' ||
		       doc[len - 1] == '\n' || doc[len - 1] == '\r'))
		len--;
	const char *end = doc + len;
	if (!len)
		rt_buf_putc(out, '\n'); /* Alembic's "\n%s\n" with an empty doc */
	while (doc < end) {
		const char *nl = memchr(doc, '\n', (size_t)(end - doc));
		size_t n = nl ? (size_t)(nl - doc) : (size_t)(end - doc);
		if (n && doc[n - 1] == '\r')
			n--;
		rt_buf_puts(out, "    ");
		rt_buf_put(out, doc, n);
		rt_buf_putc(out, '\n');
		doc = nl ? nl + 1 : end;
	}
}

static void fmt_path(rt_buf *out, const char *path)
{
	char *abs = rt_abspath(path ? path : "");
	rt_buf_puts(out, abs);
	free(abs);
}

void cli_fmt_entry(rt_buf *out, const retort_rev *rev, unsigned what)
{
	rt_buf_printf(out, "Rev: %s%s%s%s%s\n", rev->id,
		      any_head(rev) ? " (head)" : "",
		      rev->flags & RETORT_REV_BRANCHPOINT ? " (branchpoint)" : "",
		      rev->flags & RETORT_REV_MERGEPOINT ? " (mergepoint)" : "",
		      (what & CLI_FMT_CURRENT) && (rev->flags & RETORT_REV_CURRENT)
			      ? " (current)" : "");
	rt_buf_puts(out, rev->nparents > 1 ? "Merges: " : "Parent: ");
	cli_fmt_parents(out, rev);
	rt_buf_putc(out, '\n');
	if (rev->ndepends_on_declared) {
		rt_buf_puts(out, "Also depends on: ");
		cli_fmt_join(out, rev->depends_on_declared, rev->ndepends_on_declared);
		rt_buf_putc(out, '\n');
	}
	if (rev->flags & RETORT_REV_BRANCHPOINT) {
		rt_buf_puts(out, "Branches into: ");
		cli_fmt_join(out, rev->children, rev->nchildren);
		rt_buf_putc(out, '\n');
	}
	if (rev->nlabels) {
		rt_buf_puts(out, "Branch names: ");
		cli_fmt_join(out, rev->labels, rev->nlabels);
		rt_buf_putc(out, '\n');
	}
	rt_buf_puts(out, "Path: ");
	fmt_path(out, rev->path);
	rt_buf_puts(out, "\n\n");
	fmt_doc(out, rev->doc);
}

void cli_puts(const rt_buf *b)
{
	fwrite(b->ptr, 1, b->len, stdout);
	putchar('\n');
}
