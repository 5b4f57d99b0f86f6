/*
 * xalloc.c: allocation wrappers; see xalloc.h for why they never fail.
 */
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void default_oom(size_t n)
{
	fprintf(stderr, "retort: out of memory (%zu bytes)\n", n);
	abort();
}

static rt_oom_fn oom_handler = default_oom;

void rt_set_oom_handler(rt_oom_fn fn)
{
	oom_handler = fn ? fn : default_oom;
}

static void *check(void *p, size_t n)
{
	if (!p) {
		oom_handler(n);
		abort(); /* the handler must not return */
	}
	return p;
}

void *rt_xmalloc(size_t n)
{
	return check(malloc(n ? n : 1), n);
}

void *rt_xcalloc(size_t n, size_t size)
{
	return check(calloc(n ? n : 1, size ? size : 1), n * size);
}

void *rt_xrealloc(void *p, size_t n)
{
	return check(realloc(p, n ? n : 1), n);
}

void *rt_xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		check(NULL, SIZE_MAX);
	return rt_xrealloc(p, n * size);
}

char *rt_xstrdup(const char *s)
{
	return rt_xstrndup(s, strlen(s));
}

char *rt_xstrdup_or_null(const char *s)
{
	return s ? rt_xstrdup(s) : NULL;
}

char *rt_xstrndup(const char *s, size_t n)
{
	char *d = rt_xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}
