/*
 * cmd_status.c: `retort status`: where the database is, where the heads
 * are, and what `upgrade heads` would apply, in the order it would:
 *
 *   Current: aaaa0001
 *   Heads: dddd0004, cccc0003
 *   Pending (3):
 *     aaaa0001 -> bbbb0002 (branchpoint), second
 *     ...
 */
#include "cli.h"

struct state {
	char **rows;
	size_t nrows;
	const retort_rev **heads;
	size_t nheads;
	const retort_rev **pending;
	size_t npending;
};

static int load(retort *r, struct state *s)
{
	int rc = retort_current(r, &s->rows, &s->nrows);
	if (rc >= 0)
		rc = retort_heads(r, 0, &s->heads, &s->nheads);
	if (rc >= 0)
		rc = retort_pending(r, "heads", &s->pending, &s->npending);
	return rc;
}

static void state_free(struct state *s)
{
	retort_strings_free(s->rows);
	if (s->heads)
		retort_revs_free(s->heads);
	if (s->pending)
		retort_revs_free(s->pending);
}

static void print_text(retort *r, const struct state *s)
{
	rt_buf b = RT_BUF_INIT;
	if (!s->nrows)
		puts("Current: <base>");
	for (size_t i = 0; i < s->nrows; i++) {
		const retort_rev *rev = cli_find_rev(r, s->rows[i]);
		rt_buf_clear(&b);
		rt_buf_puts(&b, "Current: ");
		if (rev)
			cli_fmt_line(&b, rev, CLI_FMT_LABELS | CLI_FMT_HEADS);
		else
			rt_buf_puts(&b, s->rows[i]);
		cli_puts(&b);
	}
	rt_buf_clear(&b);
	rt_buf_puts(&b, s->nheads == 1 ? "Head: " : "Heads: ");
	for (size_t i = 0; i < s->nheads; i++) {
		if (i)
			rt_buf_puts(&b, ", ");
		cli_fmt_line(&b, s->heads[i], CLI_FMT_LABELS);
	}
	if (!s->nheads)
		rt_buf_puts(&b, "<base>");
	cli_puts(&b);
	if (!s->npending)
		puts("Up to date.");
	else
		printf("Pending (%zu):\n", s->npending);
	for (size_t i = 0; i < s->npending; i++) {
		rt_buf_clear(&b);
		rt_buf_puts(&b, "  ");
		cli_fmt_line(&b, s->pending[i], CLI_FMT_PARENTS | CLI_FMT_LABELS |
						CLI_FMT_HEADS | CLI_FMT_TREE |
						CLI_FMT_DOC);
		cli_puts(&b);
	}
	rt_buf_free(&b);
	cli_print_partial(r);
}

static void print_json(retort *r, const struct state *s)
{
	json_t *doc = json_object();
	json_object_set_new(doc, "url", cli_json_text(retort_url_redacted(r)));
	json_object_set_new(doc, "current", cli_json_current(r, s->rows, s->nrows));
	json_object_set_new(doc, "heads", cli_json_rev_array(s->heads, s->nheads));
	json_object_set_new(doc, "pending",
			    cli_json_rev_array(s->pending, s->npending));
	json_object_set_new(doc, "partial", cli_json_partial(r));
	cli_json_print(doc);
}

static int cmd_status(cli *c, int argc, char **argv)
{
	int code = cli_parse_none(c, &cli_cmd_status, NULL, argc, argv, NULL, NULL);
	if (code >= 0)
		return code;

	retort *r;
	if ((code = cli_open(c, 0, &r)))
		return code;
	struct state s = { 0 };
	int rc = load(r, &s);
	if (rc < 0)
		code = cli_fail(r, rc);
	else if (c->json)
		print_json(r, &s);
	else
		print_text(r, &s);
	state_free(&s);
	retort_free(r);
	return code;
}

const cli_cmd cli_cmd_status = {
	"status", NULL, cmd_status,
	"show the current revisions, the heads and what is pending",
	"status",
	NULL
};
