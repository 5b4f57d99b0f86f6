/*
 * buf.c: growable, always NUL-terminated strings.
 */
#include "buf.h"
#include "xalloc.h"

#include <stdio.h>
#include <string.h>

char rt_buf__empty[1];

void rt_buf_init(rt_buf *b)
{
	b->ptr = rt_buf__empty;
	b->len = 0;
	b->cap = 0;
}

void rt_buf_free(rt_buf *b)
{
	if (b->cap)
		free(b->ptr);
	rt_buf_init(b);
}

void rt_buf_grow(rt_buf *b, size_t extra)
{
	size_t want = b->len + extra + 1;
	if (want <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap = cap < ((size_t)1 << 30) ? cap * 2 : want;
	if (b->cap) {
		b->ptr = rt_xrealloc(b->ptr, cap);
	} else {
		b->ptr = rt_xmalloc(cap);
		b->ptr[0] = '\0';
	}
	b->cap = cap;
}

void rt_buf_clear(rt_buf *b)
{
	rt_buf_truncate(b, 0);
}

void rt_buf_truncate(rt_buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->ptr[len] = '\0';
}

void rt_buf_put(rt_buf *b, const char *s, size_t n)
{
	if (!n)
		return;
	rt_buf_grow(b, n);
	memmove(b->ptr + b->len, s, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

void rt_buf_puts(rt_buf *b, const char *s)
{
	rt_buf_put(b, s, strlen(s));
}

void rt_buf_putc(rt_buf *b, char c)
{
	rt_buf_grow(b, 1);
	b->ptr[b->len++] = c;
	b->ptr[b->len] = '\0';
}

void rt_buf_vprintf(rt_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(b->ptr + b->len, b->cap ? b->cap - b->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n + 1 > (b->cap ? b->cap - b->len : 0)) {
		rt_buf_grow(b, (size_t)n);
		n = vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, ap);
		if (n < 0) {
			b->ptr[b->len] = '\0';
			return;
		}
	}
	b->len += (size_t)n;
}

void rt_buf_printf(rt_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rt_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void rt_buf_rtrim(rt_buf *b)
{
	while (b->len && (b->ptr[b->len - 1] == ' ' || b->ptr[b->len - 1] == '\t' ||
			  b->ptr[b->len - 1] == '\n' || b->ptr[b->len - 1] == '\r'))
		b->len--;
	if (b->cap)
		b->ptr[b->len] = '\0';
}

char *rt_buf_detach(rt_buf *b)
{
	char *s = b->cap ? b->ptr : rt_xstrdup("");
	rt_buf_init(b);
	return s;
}

static void put_quoted(rt_buf *b, const char *s, char q)
{
	rt_buf_putc(b, q);
	for (; *s; s++) {
		if (*s == q)
			rt_buf_putc(b, q);
		rt_buf_putc(b, *s);
	}
	rt_buf_putc(b, q);
}

void rt_buf_put_sqlstr(rt_buf *b, const char *s)
{
	put_quoted(b, s, '\'');
}

void rt_buf_put_ident(rt_buf *b, const char *s)
{
	put_quoted(b, s, '"');
}
