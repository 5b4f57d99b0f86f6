/*
 * cmd_show.c: `retort show REV`: the verbose entry of each revision REV
 * names ("current", "heads", a label work too), then its two sections
 * (an Alembic module without a .sql twin has none).
 */
#include "cli.h"

static void put_section(rt_buf *b, const char *marker, const char *sql)
{
	rt_buf_puts(b, marker);
	rt_buf_putc(b, '\n');
	if (sql && *sql) {
		rt_buf_puts(b, sql);
		if (b->ptr[b->len - 1] != '\n')
			rt_buf_putc(b, '\n');
	}
}

static void print_text(const retort_rev **revs, size_t n)
{
	rt_buf b = RT_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		rt_buf_clear(&b);
		cli_fmt_entry(&b, revs[i], 0);
		rt_buf_putc(&b, '\n');
		/* an Alembic module has no sections: its entry is Alembic's */
		if (!(revs[i]->flags & RETORT_REV_PYTHON)) {
			put_section(&b, "-- migrate:upgrade", revs[i]->upgrade_sql);
			put_section(&b, "-- migrate:downgrade", revs[i]->downgrade_sql);
		}
		rt_buf_rtrim(&b);
		cli_puts(&b);
		putchar('\n'); /* as Alembic prints each log entry: a blank line after it */
	}
	rt_buf_free(&b);
}

static json_t *rev_with_sql(const retort_rev *rev)
{
	json_t *o = cli_json_rev(rev);
	json_object_set_new(o, "upgrade", cli_json_text(rev->upgrade_sql ? rev->upgrade_sql : ""));
	json_object_set_new(o, "downgrade",
			    cli_json_text(rev->downgrade_sql ? rev->downgrade_sql : ""));
	return o;
}

/* One revision: its object; several (heads): {"revisions": [...]}. */
static void print_json(const retort_rev **revs, size_t n)
{
	if (n == 1) {
		cli_json_print(rev_with_sql(revs[0]));
		return;
	}
	json_t *doc = json_object(), *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, rev_with_sql(revs[i]));
	json_object_set_new(doc, "revisions", list);
	cli_json_print(doc);
}

static int cmd_show(cli *c, int argc, char **argv)
{
	retort *r;
	const retort_rev **revs;
	size_t n;
	int code = cli_open_rev(c, &cli_cmd_show, argc, argv, &r, &revs, &n, NULL);
	if (code >= 0)
		return code;
	if (c->json)
		print_json(revs, n);
	else
		print_text(revs, n);
	retort_revs_free(revs);
	retort_free(r);
	return 0;
}

const cli_cmd cli_cmd_show = {
	"show", NULL, cmd_show,
	"show a revision's header, path and SQL",
	"show REV",
	NULL
};
