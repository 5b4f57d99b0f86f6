/*
 * cmd_validate.c: `retort validate [--accept REV -m WHY]`: the applied
 * revisions' files and the journal's rows against retort_log (validate.c).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

enum { O_MESSAGE = 'm' };

struct validate_args {
	const char *accept;
	const char *reason;
};

enum { O_ACCEPT = 256 };

static const cli_opt validate_opts[] = {
	{ O_ACCEPT, 0, "accept", 1 },
	{ O_MESSAGE, 'm', "message", 1 },
	{ 0, 0, NULL, 0 }
};

static int on_validate_opt(void *data, int id, const char *arg)
{
	struct validate_args *a = data;
	if (id == O_ACCEPT)
		a->accept = arg;
	else if (id == O_MESSAGE)
		a->reason = arg;
	return 0;
}

static void print_validation(cli *c, const retort_validation *v, size_t nerr)
{
	if (c->json) {
		json_t *doc = json_object(), *items = json_array();
		for (size_t i = 0; i < v->n; i++) {
			const retort_validation_item *e = &v->items[i];
			json_t *o = json_object();
			json_object_set_new(o, "problem", cli_json_text(e->problem));
			json_object_set_new(o, "revision", e->revision ? cli_json_text(e->revision) : json_null());
			json_object_set_new(o, "path", e->path ? cli_json_text(e->path) : json_null());
			json_object_set_new(o, "message", cli_json_text(e->message));
			json_array_append_new(items, o);
		}
		json_object_set_new(doc, "valid", json_boolean(!nerr));
		json_object_set_new(doc, "checked", json_integer((json_int_t)v->nchecked));
		json_object_set_new(doc, "findings", items);
		cli_json_print(doc);
		return;
	}
	size_t nun = 0;
	for (size_t i = 0; i < v->n; i++) {
		if (strcmp(v->items[i].problem, "unjournaled"))
			printf("%s\n", v->items[i].message);
		else
			nun++;
	}
	printf("%zu applied revision%s checked: %zu problem%s, %zu without a journal row "
	       "(applied by Alembic or stamped)\n", v->nchecked, v->nchecked == 1 ? "" : "s",
	       nerr, nerr == 1 ? "" : "s", nun);
}

static int cmd_validate(cli *c, int argc, char **argv)
{
	struct validate_args a = { NULL, NULL };
	int code = cli_parse_none(c, &cli_cmd_validate, validate_opts, argc, argv,
				  on_validate_opt, &a);
	if (code >= 0)
		return code;
	if (a.reason && !a.accept)
		return cli_usage_error(&cli_cmd_validate, "-m goes with --accept REV");
	retort *r;
	if ((code = cli_open(c, 0, &r)))
		return code;
	if (a.accept) {
		int rc = retort_validate_accept(r, a.accept, a.reason);
		if (rc < 0)
			code = cli_fail(r, rc);
		retort_free(r);
		return code;
	}
	retort_validation *v = NULL;
	int rc = retort_validate(r, &v);
	if (rc < 0) {
		code = cli_fail(r, rc);
	} else {
		size_t nerr = 0;
		for (size_t i = 0; i < v->n; i++)
			nerr += strcmp(v->items[i].problem, "unjournaled") != 0;
		print_validation(c, v, nerr);
		code = nerr ? 1 : 0;
	}
	retort_validation_free(v);
	retort_free(r);
	return code;
}

const cli_cmd cli_cmd_validate = {
	"validate", NULL, cmd_validate,
	"check the applied revisions' files against the checksums in retort_log",
	"validate [--accept REV -m WHY]",
	"  --accept REV -m WHY   record REV's changed upgrade as accepted, with the reason\n"
};
