/*
 * cmd_trust.c: `retort dump`, `baseline -m MSG`, `verify`, `drift` and
 * `validate`: the schema as SQL, a history collapsed, every downgrade
 * checked, the database compared with its own history (trust.c says how),
 * and the files checked against the journal (validate.c).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static int cmd_dump(cli *c, int argc, char **argv)
{
	int code = cli_parse_none(c, &cli_cmd_dump, NULL, argc, argv, NULL, NULL);
	if (code >= 0)
		return code;
	retort *r;
	if ((code = cli_open(c, 0, &r)))
		return code;
	char *sql = NULL;
	int rc = retort_dump(r, &sql);
	if (rc < 0) {
		code = cli_fail(r, rc);
	} else if (c->json) {
		json_t *doc = json_object();
		json_object_set_new(doc, "sql", cli_json_text(sql));
		cli_json_print(doc);
	} else {
		fputs(sql, stdout);
	}
	free(sql);
	retort_free(r);
	return code;
}

enum { O_MESSAGE = 'm' };

static const cli_opt baseline_opts[] = {
	{ O_MESSAGE, 'm', "message", 1 },
	{ 0, 0, NULL, 0 }
};

static int on_baseline_opt(void *data, int id, const char *arg)
{
	if (id == O_MESSAGE)
		*(const char **)data = arg;
	return 0;
}

static int cmd_baseline(cli *c, int argc, char **argv)
{
	const char *message = NULL;
	int code = cli_parse_none(c, &cli_cmd_baseline, baseline_opts, argc, argv,
				  on_baseline_opt, &message);
	if (code >= 0)
		return code;
	retort *r;
	if ((code = cli_open(c, 0, &r)))
		return code;
	char *path = NULL;
	int rc = retort_baseline(r, message, &path);
	if (rc < 0)
		code = cli_fail(r, rc);
	else if (c->json) {
		json_t *doc = json_object();
		json_object_set_new(doc, "path", cli_json_text(path));
		cli_json_print(doc);
	}
	free(path);
	retort_free(r);
	return code;
}

/* verify and drift: exit 1 with the problems listed, 0 with a summary. */
static int run_check(cli *c, const cli_cmd *cmd, int (*fn)(retort *), int argc, char **argv)
{
	int code = cli_parse_none(c, cmd, NULL, argc, argv, NULL, NULL);
	if (code >= 0)
		return code;
	retort *r;
	if ((code = cli_open(c, 0, &r)))
		return code;
	cli_catch_interrupts(r);
	int rc = fn(r);
	if (rc < 0)
		code = cli_fail(r, rc);
	else if (c->json) {
		json_t *doc = json_object();
		json_object_set_new(doc, "ok", json_true());
		cli_json_print(doc);
	}
	retort_free(r);
	return code;
}

static int cmd_verify(cli *c, int argc, char **argv)
{
	cli_getopt g;
	int code = cli_parse(c, &g, &cli_cmd_verify, NULL, argc, argv, NULL, NULL);
	if (code < 0 && g.npos > 1)
		code = cli_usage_error(&cli_cmd_verify, "one range at most");
	retort *r = NULL;
	if (code < 0 && !(code = cli_open(c, 0, &r)))
		code = -1;
	if (code < 0) {
		cli_catch_interrupts(r);
		int rc = retort_verify_range(r, g.npos ? g.pos[0] : NULL);
		code = rc < 0 ? cli_fail(r, rc) : 0;
		if (!rc && c->json) {
			json_t *doc = json_object();
			json_object_set_new(doc, "ok", json_true());
			cli_json_print(doc);
		}
	}
	retort_free(r);
	cli_getopt_free(&g);
	return code;
}

static int cmd_drift(cli *c, int argc, char **argv)
{
	return run_check(c, &cli_cmd_drift, retort_drift, argc, argv);
}

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

const cli_cmd cli_cmd_dump = {
	"dump", NULL, cmd_dump,
	"print the database's schema as SQL (without the version table)",
	"dump",
	NULL
};

const cli_cmd cli_cmd_baseline = {
	"baseline", NULL, cmd_baseline,
	"collapse the history into one revision: the database's schema, at its head's id",
	"baseline [-m MSG]",
	"  -m MSG   the new revision's message (default: baseline)\n"
	"The database must be at the single head.  The revision files move to\n"
	"an archive folder next to the version location, named in the output.\n"
};

const cli_cmd cli_cmd_verify = {
	"verify", NULL, cmd_verify,
	"check on a scratch database that every downgrade undoes its upgrade",
	"verify [A:B]",
	"  A:B      only the revisions of this history range (what they stand on is\n"
	"           upgraded first, unchecked; the model is not compared)\n"
};

const cli_cmd cli_cmd_drift = {
	"drift", NULL, cmd_drift,
	"compare the database with what its applied revisions make",
	"drift",
	NULL
};
