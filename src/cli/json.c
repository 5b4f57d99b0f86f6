/*
 * json.c: the --json documents (their shapes are documented in retort(1)).
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *cli_json_strings(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *str(const char *s)
{
	return json_string(s ? s : "");
}

json_t *cli_json_rev(const retort_rev *rev)
{
	unsigned f = rev->flags;
	json_t *o = json_object();
	json_object_set_new(o, "revision", str(rev->id));
	json_object_set_new(o, "parents", cli_json_strings(rev->parents, rev->nparents));
	json_object_set_new(o, "depends_on",
			    cli_json_strings(rev->depends_on, rev->ndepends_on));
	json_object_set_new(o, "children",
			    cli_json_strings(rev->children, rev->nchildren));
	json_object_set_new(o, "labels", cli_json_strings(rev->labels, rev->nlabels));
	json_object_set_new(o, "message", str(rev->message));
	json_object_set_new(o, "path", str(rev->path));
	json_object_set_new(o, "python_path",
			    rev->python_path ? json_string(rev->python_path) : json_null());
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
		json_object_set_new(o, "revision", json_string(rows[i]));
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
		json_object_set_new(o, "kind", json_string(op->kind));
		json_object_set_new(o, "table", op->table ? json_string(op->table) : json_null());
		json_object_set_new(o, "name", op->name ? json_string(op->name) : json_null());
		json_object_set_new(o, "text", json_string(op->text));
		json_object_set_new(o, "review", op->review ? json_string(op->review) : json_null());
		json_array_append_new(a, o);
	}
	return a;
}

void cli_json_print_run(cli *c, retort *r)
{
	json_t *doc = json_object();
	json_object_set_new(doc, "command", json_string(c->command ? c->command : ""));
	if (c->sql.len || !c->steps) {
		json_object_set_new(doc, "sql", json_string(c->sql.ptr ? c->sql.ptr : ""));
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

/* The last error line, as cli_error printed it (without "retort: "). */
static char last_error[2048];
static int last_code = RETORT_EUSAGE;

void cli_json_note_error(const char *msg, int code)
{
	snprintf(last_error, sizeof(last_error), "%s", msg);
	if (code)
		last_code = code;
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

void cli_json_print_error(int exit_code)
{
	json_t *err = json_object();
	json_object_set_new(err, "code", json_string(code_name(last_code)));
	json_object_set_new(err, "exit", json_integer(exit_code));
	json_object_set_new(err, "message", json_string(last_error));
	/* "<file>:<line>: message", when the message names a place */
	const char *p = last_error, *file_end = NULL;
	long line = 0;
	for (const char *q = strchr(p, ':'); q; q = strchr(q + 1, ':')) {
		char *end;
		long n = strtol(q + 1, &end, 10);
		if (end > q + 1 && end[0] == ':' && end[1] == ' ' && n > 0) {
			file_end = q;
			line = n;
			break;
		}
		if (q[1] == ' ')
			break; /* "message: ..." before any place */
	}
	json_object_set_new(err, "file", file_end ? json_stringn(p, (size_t)(file_end - p))
						  : json_null());
	json_object_set_new(err, "line", file_end ? json_integer(line) : json_null());
	json_t *doc = json_object();
	json_object_set_new(doc, "error", err);
	cli_json_print(doc);
}
