/*
 * cmd_lint.c: `retort lint [--all | A:B] [--format text|json|github|sarif]
 * [--fail-on error|warning|info]`: the findings of retort_lint, one a line
 * (`file:line: severity [rule] message`), as workflow annotations, or as
 * SARIF for code scanning.  Exit 1 when one reaches the failing severity.
 */
#include "cli.h"

#include <string.h>

enum { O_ALL = 256, O_FORMAT, O_FAIL_ON };

static const cli_opt opts[] = {
	{ O_ALL, 0, "all", 0 },
	{ O_FORMAT, 0, "format", 1 },
	{ O_FAIL_ON, 0, "fail-on", 1 },
	{ 0, 0, NULL, 0 }
};

struct args {
	retort_lint_options o;
	const char *format;
	const char *fail_on;
};

static int on_opt(void *data, int id, const char *arg)
{
	struct args *a = data;
	switch (id) {
	case O_ALL: a->o.all = 1; break;
	case O_FORMAT: a->format = arg; break;
	case O_FAIL_ON: a->fail_on = arg; break;
	}
	return 0;
}

static int rank(const char *severity)
{
	return !strcmp(severity, "error") ? 3 : !strcmp(severity, "warning") ? 2 : 1;
}

static json_t *finding_json(const retort_finding *f)
{
	json_t *o = json_object();
	json_object_set_new(o, "rule", cli_json_text(f->rule));
	json_object_set_new(o, "severity", cli_json_text(f->severity));
	json_object_set_new(o, "path", f->path ? cli_json_text(f->path) : json_null());
	json_object_set_new(o, "revision", f->revision ? cli_json_text(f->revision) : json_null());
	json_object_set_new(o, "line", json_integer(f->line));
	json_object_set_new(o, "message", cli_json_text(f->message));
	json_object_set_new(o, "lock", f->lock ? cli_json_text(f->lock) : json_null());
	json_object_set_new(o, "fix", f->fix ? cli_json_text(f->fix) : json_null());
	return o;
}

/* SARIF 2.1.0: one run, the rules seen, one result a finding. */
static json_t *sarif(const retort_lint_result *l)
{
	json_t *rules = json_array(), *results = json_array();
	json_t *seen = json_object();
	for (size_t i = 0; i < l->n; i++) {
		const retort_finding *f = &l->findings[i];
		if (!json_object_get(seen, f->rule)) {
			json_object_set_new(seen, f->rule, json_true());
			json_t *r = json_object();
			json_object_set_new(r, "id", cli_json_text(f->rule));
			if (f->fix) {
				json_t *help = json_object();
				json_object_set_new(help, "text", cli_json_text(f->fix));
				json_object_set_new(r, "help", help);
			}
			json_array_append_new(rules, r);
		}
		json_t *res = json_object(), *msg = json_object();
		json_object_set_new(res, "ruleId", cli_json_text(f->rule));
		json_object_set_new(res, "level", cli_json_text(!strcmp(f->severity, "info") ? "note"
							     : f->severity));
		json_object_set_new(msg, "text", cli_json_text(f->message));
		json_object_set_new(res, "message", msg);
		if (f->path) {
			json_t *loc = json_object(), *phys = json_object(), *art = json_object();
			json_object_set_new(art, "uri", cli_json_text(f->path));
			json_object_set_new(phys, "artifactLocation", art);
			if (f->line) {
				json_t *region = json_object();
				json_object_set_new(region, "startLine", json_integer(f->line));
				json_object_set_new(phys, "region", region);
			}
			json_object_set_new(loc, "physicalLocation", phys);
			json_object_set_new(res, "locations", json_pack("[o]", loc));
		}
		json_array_append_new(results, res);
	}
	json_decref(seen);
	json_t *driver = json_pack("{s:s, s:s, s:s, s:o}", "name", "retort", "version",
				   retort_version(), "informationUri",
				   "https://github.com/retort/retort", "rules", rules);
	json_t *run = json_pack("{s:{s:o}, s:o}", "tool", "driver", driver, "results", results);
	return json_pack("{s:s, s:s, s:[o]}", "$schema",
			 "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0",
			 "runs", run);
}

static void print(cli *c, const retort_lint_result *l, const char *format)
{
	if (c->json || !strcmp(format, "json")) {
		json_t *doc = json_object(), *a = json_array();
		for (size_t i = 0; i < l->n; i++)
			json_array_append_new(a, finding_json(&l->findings[i]));
		json_object_set_new(doc, "revisions", json_integer((json_int_t)l->nrevisions));
		json_object_set_new(doc, "findings", a);
		cli_json_print(doc);
		return;
	}
	if (!strcmp(format, "sarif")) {
		cli_json_print(sarif(l));
		return;
	}
	bool github = !strcmp(format, "github");
	for (size_t i = 0; i < l->n; i++) {
		const retort_finding *f = &l->findings[i];
		if (github) {
			printf("::%s ", !strcmp(f->severity, "info") ? "notice" : f->severity);
			if (f->path)
				printf("file=%s,line=%u,", f->path, f->line ? f->line : 1);
			printf("title=%s::%s%s%s\n", f->rule, f->message, f->fix ? " Fix: " : "",
			       f->fix ? f->fix : "");
			continue;
		}
		if (f->path)
			printf("%s:%u: ", f->path, f->line);
		printf("%s [%s] %s\n", f->severity, f->rule, f->message);
		if (f->lock)
			printf("    lock: %s\n", f->lock);
		if (f->fix)
			printf("    fix: %s\n", f->fix);
	}
}

static int cmd_lint(cli *c, int argc, char **argv)
{
	struct args a = { RETORT_LINT_OPTIONS_INIT, "text", "error" };
	cli_getopt g;
	int code = cli_parse(c, &g, &cli_cmd_lint, opts, argc, argv, on_opt, &a);
	if (code < 0 && g.npos > 1)
		code = cli_usage_error(&cli_cmd_lint, "one range at most");
	else if (code < 0 && g.npos && a.o.all)
		code = cli_usage_error(&cli_cmd_lint, "--all or a range, not both");
	else if (code < 0 && strcmp(a.format, "text") && strcmp(a.format, "json") &&
		 strcmp(a.format, "github") && strcmp(a.format, "sarif"))
		code = cli_usage_error(&cli_cmd_lint, "--format is text, json, github or sarif");
	else if (code < 0 && strcmp(a.fail_on, "error") && strcmp(a.fail_on, "warning") &&
		 strcmp(a.fail_on, "info"))
		code = cli_usage_error(&cli_cmd_lint, "--fail-on is error, warning or info");
	if (code >= 0) {
		cli_getopt_free(&g);
		return code;
	}
	a.o.range = g.npos ? g.pos[0] : NULL;
	retort *r;
	if (!(code = cli_open(c, 0, &r))) {
		retort_lint_result *l = NULL;
		int rc = retort_lint(r, &a.o, &l);
		if (rc < 0) {
			code = cli_fail(r, rc);
		} else {
			print(c, l, a.format);
			for (size_t i = 0; i < l->n; i++)
				if (rank(l->findings[i].severity) >= rank(a.fail_on))
					code = 1;
		}
		retort_lint_free(l);
		retort_free(r);
	}
	cli_getopt_free(&g);
	return code;
}

const cli_cmd cli_cmd_lint = {
	"lint", NULL, cmd_lint,
	"check revisions' SQL for locks, rewrites and breaking changes",
	"lint [--all | A:B] [--format text|json|github|sarif] [--fail-on LEVEL]",
	"  (none)         the pending revisions (reads the database)\n"
	"  --all, A:B     every revision, or a history range (no database needed)\n"
	"  --format F     text (file:line: severity [rule] message), json, github\n"
	"                 (workflow annotations) or sarif (code scanning)\n"
	"  --fail-on L    exit 1 when a finding is at least L (default: error)\n"
	"Suppress a finding with `-- retort:lint-ignore RULE reason` on the line\n"
	"above its statement; set a rule's severity with `lint.RULE = error|warning|\n"
	"info|off` in the configuration.\n"
};
