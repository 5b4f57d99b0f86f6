/*
 * vec.c: growable arrays of strings.
 */
#include "vec.h"
#include "xalloc.h"

#include <string.h>

void rt_strvec_push_owned(rt_strvec *sv, char *s)
{
	if (sv->len + 1 >= sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = rt_xreallocarray(sv->v, sv->cap, sizeof(*sv->v));
	}
	sv->v[sv->len++] = s;
	sv->v[sv->len] = NULL;
}

void rt_strvec_push(rt_strvec *sv, const char *s)
{
	rt_strvec_push_owned(sv, rt_xstrdup(s));
}

void rt_strvec_pushn(rt_strvec *sv, const char *s, size_t n)
{
	rt_strvec_push_owned(sv, rt_xstrndup(s, n));
}

int rt_strvec_contains(const rt_strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->len; i++)
		if (!strcmp(sv->v[i], s))
			return 1;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void rt_strvec_sort(rt_strvec *sv)
{
	if (sv->len > 1)
		qsort(sv->v, sv->len, sizeof(*sv->v), cmp_str);
}

void rt_strvec_clear(rt_strvec *sv)
{
	for (size_t i = 0; i < sv->len; i++)
		free(sv->v[i]);
	sv->len = 0;
	if (sv->v)
		sv->v[0] = NULL;
}

void rt_strvec_free(rt_strvec *sv)
{
	rt_strvec_clear(sv);
	free(sv->v);
	sv->v = NULL;
	sv->cap = 0;
}

void rt_strvec_split(rt_strvec *sv, const char *s, const char *seps)
{
	while (*s) {
		size_t n = strcspn(s, seps);
		const char *b = s, *e = s + n;
		while (b < e && (*b == ' ' || *b == '\t' || *b == '\r' || *b == '\n'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
			e--;
		if (e > b)
			rt_strvec_pushn(sv, b, (size_t)(e - b));
		s += n;
		if (*s)
			s++;
	}
}
