/*
 * log.c: the library's log lines on stderr.
 *
 *   ERROR     "retort: <message>"
 *   WARN      "retort: warning: <message>"
 *   INFO      "<message>" ("Running upgrade a -> b, msg"), silenced by -q
 *   DEBUG     "<message>" (SQL text), only with -v
 *   PROGRESS  "[12/1000] 3f2a9c1b7d4e 1.2s", one line rewritten with \r,
 *             only when stderr is a terminal and not -q
 *
 * The progress line is erased with spaces, not escape sequences, so nothing
 * but text reaches the terminal (NO_COLOR asks for no escapes; we use none).
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

/* Redraw at most this often, so a thousand fast steps cost few writes. */
#define PROGRESS_INTERVAL 0.05

void cli_progress_clear(cli *c)
{
	if (!c->progress_len)
		return;
	fputc('\r', stderr);
	for (size_t i = 0; i < c->progress_len; i++)
		fputc(' ', stderr);
	fputc('\r', stderr);
	fflush(stderr);
	c->progress_len = 0;
}

static void progress(cli *c, const retort_progress *p)
{
	if (!p || !c->err_tty || c->quiet)
		return;
	bool last = p->step >= p->total;
	if (c->progress_len && !last &&
	    p->elapsed - c->progress_at < PROGRESS_INTERVAL)
		return;
	rt_buf b = RT_BUF_INIT;
	rt_buf_printf(&b, "[%zu/%zu] %s %.1fs", p->step, p->total,
		      p->revision ? p->revision : "", p->elapsed);
	size_t width = b.len;
	while (b.len < c->progress_len) /* cover a longer previous line */
		rt_buf_putc(&b, ' ');
	fputc('\r', stderr);
	fputs(b.ptr, stderr);
	fflush(stderr);
	c->progress_len = width > c->progress_len ? width : c->progress_len;
	c->progress_at = p->elapsed;
	rt_buf_free(&b);
}

void cli_log(void *data, retort_level level, const char *msg,
	     const retort_progress *p)
{
	cli *c = data;
	if (level == RETORT_LOG_PROGRESS) {
		progress(c, p);
		return;
	}
	if (level == RETORT_LOG_STEP) {
		if (c->json && p) {
			json_t *s = json_object();
			json_object_set_new(s, "revision", cli_json_text(p->revision ? p->revision : ""));
			json_object_set_new(s, "direction", cli_json_text(msg));
			json_object_set_new(s, "ms", json_integer((json_int_t)(p->elapsed * 1000 + 0.5)));
			if (!c->steps)
				c->steps = json_array();
			json_array_append_new(c->steps, s);
		}
		return;
	}
	if ((level == RETORT_LOG_INFO && c->quiet) ||
	    (level == RETORT_LOG_DEBUG && c->verbose < 1))
		return;
	cli_progress_clear(c);
	fflush(stdout);
	switch (level) {
	case RETORT_LOG_NOTE:
		if (!c->quiet)
			fprintf(stderr, "retort: %s\n", msg);
		break;
	case RETORT_LOG_ERROR: fprintf(stderr, "retort: %s\n", msg); break;
	case RETORT_LOG_WARN: fprintf(stderr, "retort: warning: %s\n", msg); break;
	default: fprintf(stderr, "%s\n", msg); break;
	}
}
