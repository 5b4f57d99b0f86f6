/*
 * json.c: the --json documents (their shapes are documented in retort(1)).
 */
#include "cli.h"

#include <stdio.h>

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

void cli_json_print(json_t *doc)
{
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
