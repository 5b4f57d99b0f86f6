/*
 * xalloc.h: allocation that cannot return NULL.
 *
 * retort's allocations are small (revision headers, SQL text); like git, we
 * treat running out of memory as fatal rather than threading ENOMEM through
 * every caller.  The one place that ends the process is rt_oom(), which an
 * embedding program may replace with rt_set_oom_handler().
 */
#ifndef RT_UTIL_XALLOC_H
#define RT_UTIL_XALLOC_H

#include <stddef.h>
#include <stdlib.h>

void *rt_xmalloc(size_t n);
void *rt_xcalloc(size_t n, size_t size);
void *rt_xrealloc(void *p, size_t n);
char *rt_xstrdup(const char *s);
/* rt_xstrdup, or NULL for NULL. */
char *rt_xstrdup_or_null(const char *s);
char *rt_xstrndup(const char *s, size_t n);
/* n elements of size each, checked for overflow. */
void *rt_xreallocarray(void *p, size_t n, size_t size);

typedef void (*rt_oom_fn)(size_t n);
void rt_set_oom_handler(rt_oom_fn fn);

#define RT_ARRAY_GROW(arr, len, cap)                                            \
	do {                                                                    \
		if ((len) >= (cap)) {                                           \
			(cap) = (cap) ? (cap) * 2 : 8;                          \
			(arr) = rt_xreallocarray((arr), (cap), sizeof(*(arr))); \
		}                                                               \
	} while (0)

#endif
