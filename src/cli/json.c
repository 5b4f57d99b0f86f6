/*
 * json.c: the --json documents (their shapes are documented in retort(1)).
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A JSON string of s that is always made: jansson refuses text that is not
 * UTF-8 (json_string gives NULL, and the key would be dropped), so each
 * byte that does not begin a valid sequence becomes U+FFFD.
 */
json_t *cli_json_text(const char *s)
{
	json_t *j = json_string(s ? s : "");
	if (j)
		return j;
	rt_buf b = RT_BUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3
			 : (*p & 0xF8) == 0xF0 ? 4 : 0;
		size_t k = 1;
		while (n > 1 && k < n && (p[k] & 0xC0) == 0x80)
			k++;
		json_t *one = n && k == n ? json_stringn((const char *)p, n) : NULL;
		if (one) {
			rt_buf_put(&b, (const char *)p, n);
			json_decref(one);
			p += n;
		} else {
			rt_buf_puts(&b, "\xEF\xBF\xBD");
			p++;
		}
	}
	j = json_string(b.ptr ? b.ptr : "");
	rt_buf_free(&b);
	return j;
}

json_t *cli_json_strings(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, cli_json_text(v[i]));
	return a;
}

static json_t *str(const char *s)
{
	return cli_json_text(s);
}

json_t *cli_json_rev(const retort_rev *rev)
{
	unsigned f = rev->flags;
	json_t *o = json_object();
	json_object_set_new(o, "revision", str(rev->id));
	json_object_set_new(o, "parents", cli_json_strings(rev->parents, rev->nparents));
	json_object_set_new(o, "depends_on",
			    cli_json_strings(rev->depends_on, rev->ndepends_on));
	json_object_set_new(o, "depends_on_declared",
			    cli_json_strings(rev->depends_on_declared, rev->ndepends_on_declared));
	json_object_set_new(o, "children",
			    cli_json_strings(rev->children, rev->nchildren));
	json_object_set_new(o, "labels", cli_json_strings(rev->labels, rev->nlabels));
	json_object_set_new(o, "message", str(rev->message));
	json_object_set_new(o, "path", str(rev->path));
	json_object_set_new(o, "python_path",
			    rev->python_path ? cli_json_text(rev->python_path) : json_null());
	json_object_set_new(o, "create_date", str(rev->create_date));
	json_object_set_new(o, "head", json_boolean(f & RETORT_REV_HEAD));
	json_object_set_new(o, "effective_head",
			    json_boolean(f & RETORT_REV_EFFECTIVE_HEAD));
	json_object_set_new(o, "branchpoint", json_boolean(f & RETORT_REV_BRANCHPOINT));
	json_object_set_new(o, "mergepoint", json_boolean(f & RETORT_REV_MERGEPOINT));
	json_object_set_new(o, "current", json_boolean(f & RETORT_REV_CURRENT));
	return o;
}

json_t *cli_json_rev_array(const retort_rev *const *revs, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, cli_json_rev(revs[i]));
	return a;
}

json_t *cli_json_current(retort *r, char *const *rows, size_t n)
{
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		const retort_rev *rev = cli_find_rev(r, rows[i]);
		json_t *o = json_object();
		json_object_set_new(o, "revision", cli_json_text(rows[i]));
		json_object_set_new(o, "head",
			json_boolean(rev && (rev->flags & RETORT_REV_HEAD)));
		json_array_append_new(list, o);
	}
	return list;
}

static bool printed;

bool cli_json_printed(void)
{
	return printed;
}

void cli_json_print(json_t *doc)
{
	printed = true;
	json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(doc);
}

void cli_json_print_revs(const retort_rev *const *revs, size_t n)
{
	json_t *doc = json_object();
	json_object_set_new(doc, "revisions", cli_json_rev_array(revs, n));
	cli_json_print(doc);
}

json_t *cli_json_ops(const retort_diff_result *d)
{
	json_t *a = json_array();
	for (size_t i = 0; i < d->nops; i++) {
		const retort_op *op = &d->ops[i];
		json_t *o = json_object();
		json_object_set_new(o, "kind", cli_json_text(op->kind));
		json_object_set_new(o, "table", op->table ? cli_json_text(op->table) : json_null());
		json_object_set_new(o, "name", op->name ? cli_json_text(op->name) : json_null());
		json_object_set_new(o, "text", cli_json_text(op->text));
		json_object_set_new(o, "review", op->review ? cli_json_text(op->review) : json_null());
		json_array_append_new(a, o);
	}
	return a;
}

void cli_json_print_run(cli *c, retort *r)
{
	json_t *doc = json_object();
	json_object_set_new(doc, "command", cli_json_text(c->command ? c->command : ""));
	if (c->sql.len || !c->steps) {
		json_object_set_new(doc, "sql", cli_json_text(c->sql.ptr ? c->sql.ptr : ""));
	} else {
		json_object_set_new(doc, "steps", json_incref(c->steps));
		char **rows = NULL;
		size_t n = 0;
		if (retort_current(r, &rows, &n) == 0) {
			json_object_set_new(doc, "current",
					    cli_json_strings((const char *const *)rows, n));
			retort_strings_free(rows);
		}
	}
	cli_json_print(doc);
}

/* The last error, as cli_error printed it (without "retort: "), and its parts. */
static char last_error[2048];
static int last_code = RETORT_EUSAGE;
static char last_file[1024], last_revision[64], last_sqlstate[8], last_detail[512],
	last_hint[512];
static unsigned last_line;

static void keep(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

void cli_json_note_error(const char *msg, int code)
{
	snprintf(last_error, sizeof(last_error), "%s", msg);
	if (code)
		last_code = code;
	last_file[0] = last_revision[0] = last_sqlstate[0] = last_detail[0] = last_hint[0] = '\0';
	last_line = 0;
}

void cli_json_note_fields(const retort_error *e)
{
	keep(last_file, sizeof(last_file), e->file);
	last_line = e->line;
	keep(last_revision, sizeof(last_revision), e->revision);
	keep(last_sqlstate, sizeof(last_sqlstate), e->sqlstate);
	keep(last_detail, sizeof(last_detail), e->detail);
	keep(last_hint, sizeof(last_hint), e->hint);
}

static const char *code_name(int code)
{
	switch (code) {
#define RETORT_X_(name, value, text) case value: return #name;
	RETORT_ERRORS(RETORT_X_)
#undef RETORT_X_
	}
	return "ERROR";
}

static json_t *text_or_null(const char *s)
{
	return *s ? cli_json_text(s) : json_null();
}

/* The error document, from the error's fields (never from its text). */
void cli_json_print_error(int exit_code)
{
	json_t *err = json_object();
	json_object_set_new(err, "code", cli_json_text(code_name(last_code)));
	json_object_set_new(err, "exit", json_integer(exit_code));
	json_object_set_new(err, "message", cli_json_text(last_error));
	json_object_set_new(err, "file", text_or_null(last_file));
	json_object_set_new(err, "line", last_file[0] && last_line ? json_integer(last_line)
								  : json_null());
	json_object_set_new(err, "revision", text_or_null(last_revision));
	json_object_set_new(err, "sqlstate", text_or_null(last_sqlstate));
	json_object_set_new(err, "detail", text_or_null(last_detail));
	json_object_set_new(err, "hint", text_or_null(last_hint));
	json_t *doc = json_object();
	json_object_set_new(doc, "error", err);
	cli_json_print(doc);
}

json_t *cli_json_partial(retort *r)
{
	json_t *a = json_array();
	retort_partial_step *v = NULL;
	size_t n = 0;
	if (retort_partial_steps(r, &v, &n) == 0)
		for (size_t i = 0; i < n; i++) {
			json_t *o = json_object();
			json_object_set_new(o, "revision", cli_json_text(v[i].revision));
			json_object_set_new(o, "direction", cli_json_text(v[i].direction));
			json_object_set_new(o, "done", json_integer((json_int_t)v[i].done));
			json_object_set_new(o, "total", json_integer((json_int_t)v[i].total));
			json_object_set_new(o, "applied_by", cli_json_text(v[i].applied_by));
			json_object_set_new(o, "applied_at", cli_json_text(v[i].applied_at));
			json_array_append_new(a, o);
		}
	retort_partial_steps_free(v);
	return a;
}
