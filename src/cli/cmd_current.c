/*
 * cmd_current.c: `retort current [-v] [--check-heads]`: the version table's
 * rows, one a line ("cccc0003 (head)"); nothing for an empty database.
 */
#include "cli.h"

#include <string.h>

enum { O_VERBOSE = 'v', O_CHECK = 256 };

static const cli_opt opts[] = {
	{ O_VERBOSE, 'v', "verbose", 0 },
	{ O_CHECK, 0, "check-heads", 0 },
	{ 0, 0, NULL, 0 }
};

struct args {
	int verbose;
	int check_heads;
};

static int on_opt(void *data, int id, const char *arg)
{
	struct args *a = data;
	if (id == O_VERBOSE)
		a->verbose = 1;
	else if (id == O_CHECK)
		a->check_heads = 1;
	return 0;
}

/*
 * As Alembic: every applied revision that no applied revision revises, so
 * a dependency a row implies shows too (retort_current_revisions); a row
 * whose file is gone is shown as its id.
 */
static void print_text(retort *r, const struct args *a, char **rows, size_t n)
{
	rt_buf b = RT_BUF_INIT;
	const retort_rev **revs = NULL;
	size_t nrevs = 0;
	if (a->verbose)
		printf("Current revision(s) for %s:\n", retort_url_redacted(r));
	for (size_t i = 0; i < n; i++)
		if (!cli_find_rev(r, rows[i])) {
			rt_buf_clear(&b);
			rt_buf_puts(&b, rows[i]); /* its file is gone */
			cli_puts(&b);
		}
	if (retort_current_revisions(r, &revs, &nrevs) == 0)
		for (size_t i = 0; i < nrevs; i++) {
			rt_buf_clear(&b);
			if (a->verbose)
				cli_fmt_entry(&b, revs[i], 0);
			else
				cli_fmt_line(&b, revs[i], CLI_FMT_HEADS | CLI_FMT_TREE);
			cli_puts(&b);
		}
	retort_revs_free(revs);
	rt_buf_free(&b);
	cli_print_partial(r);
}

static void print_json(retort *r, char **rows, size_t n)
{
	json_t *doc = json_object();
	json_object_set_new(doc, "url", cli_json_text(retort_url_redacted(r)));
	json_object_set_new(doc, "current", cli_json_current(r, rows, n));
	json_object_set_new(doc, "partial", cli_json_partial(r));
	cli_json_print(doc);
}

/*
 * --check-heads: the rows must be exactly the heads, in any order.  A head
 * that another revision depends on never gets a row of its own, so it does
 * not count (the heads of `heads --resolve-dependencies`).
 */
static int check_heads(retort *r, char **rows, size_t n)
{
	const retort_rev **heads = NULL;
	size_t nheads = 0;
	int rc = retort_heads(r, 1, &heads, &nheads);
	if (rc < 0)
		return cli_fail(r, rc);
	bool ok = nheads == n;
	for (size_t i = 0; ok && i < nheads; i++) {
		bool found = false;
		for (size_t j = 0; j < n && !found; j++)
			found = !strcmp(heads[i]->id, rows[j]);
		ok = found;
	}
	if (!ok) {
		rt_buf b = RT_BUF_INIT;
		for (size_t i = 0; i < nheads; i++)
			rt_buf_printf(&b, "%s%s", i ? ", " : "", heads[i]->id);
		cli_error("the database is not at every head (heads: %s)", b.ptr);
		rt_buf_free(&b);
	}
	retort_revs_free(heads);
	return ok ? 0 : 1;
}

static int cmd_current(cli *c, int argc, char **argv)
{
	struct args a = { c->verbose, 0 };
	int code = cli_parse_none(c, &cli_cmd_current, opts, argc, argv, on_opt, &a);
	if (code >= 0)
		return code;

	retort *r;
	if ((code = cli_open(c, 0, &r)))
		return code;
	char **rows = NULL;
	size_t n = 0;
	int rc = retort_current(r, &rows, &n);
	if (rc < 0) {
		code = cli_fail(r, rc);
	} else {
		if (c->json)
			print_json(r, rows, n);
		else
			print_text(r, &a, rows, n);
		if (a.check_heads)
			code = check_heads(r, rows, n);
	}
	retort_strings_free(rows);
	retort_free(r);
	return code;
}

const cli_cmd cli_cmd_current = {
	"current", NULL, cmd_current,
	"show the database's current revision(s)",
	"current [-v] [--check-heads]",
	"  -v, --verbose      the full entry of each current revision\n"
	"      --check-heads  exit 1 unless the database is at every head\n"
};
