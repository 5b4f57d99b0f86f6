/*
 * buf.h: the one growable string type (after git's strbuf).
 *
 * A buffer's ptr is never NULL and always NUL-terminated, so it can be handed
 * to any C string function at any time.  rt_buf_detach() is the only way to
 * take ownership of the memory.  Allocation failure aborts (see xalloc.h).
 */
#ifndef RT_UTIL_BUF_H
#define RT_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct rt_buf {
	char *ptr;
	size_t len;
	size_t cap; /* 0 while ptr points at the shared empty string */
} rt_buf;

extern char rt_buf__empty[1];
#define RT_BUF_INIT { rt_buf__empty, 0, 0 }

void rt_buf_init(rt_buf *b);
void rt_buf_free(rt_buf *b);
void rt_buf_grow(rt_buf *b, size_t extra);
void rt_buf_clear(rt_buf *b);
void rt_buf_truncate(rt_buf *b, size_t len);
void rt_buf_put(rt_buf *b, const char *s, size_t n);
void rt_buf_puts(rt_buf *b, const char *s);
void rt_buf_putc(rt_buf *b, char c);
void rt_buf_printf(rt_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void rt_buf_vprintf(rt_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Remove trailing white space. */
void rt_buf_rtrim(rt_buf *b);
/* Give the caller the string (malloc'ed, never NULL); b is reset. */
char *rt_buf_detach(rt_buf *b);

/* 'text' as an SQL string literal: quotes doubled. */
void rt_buf_put_sqlstr(rt_buf *b, const char *s);
/* "name" as a quoted SQL identifier: double quotes doubled. */
void rt_buf_put_ident(rt_buf *b, const char *s);

#endif
