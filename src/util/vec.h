/*
 * vec.h: a growable array of owned C strings.
 */
#ifndef RT_UTIL_VEC_H
#define RT_UTIL_VEC_H

#include <stddef.h>

typedef struct rt_strvec {
	char **v;   /* v[len] is NULL whenever len > 0 */
	size_t len;
	size_t cap;
} rt_strvec;

#define RT_STRVEC_INIT { NULL, 0, 0 }

/* Append a copy of s. */
void rt_strvec_push(rt_strvec *sv, const char *s);
/* Append s itself; the vector takes ownership. */
void rt_strvec_push_owned(rt_strvec *sv, char *s);
void rt_strvec_pushn(rt_strvec *sv, const char *s, size_t n);
int rt_strvec_contains(const rt_strvec *sv, const char *s);
void rt_strvec_sort(rt_strvec *sv);
void rt_strvec_clear(rt_strvec *sv);
void rt_strvec_free(rt_strvec *sv);
/*
 * Split s on any of the characters in seps, trimming blanks around each item
 * and dropping empty items ("a, b,,c" -> a b c).
 */
void rt_strvec_split(rt_strvec *sv, const char *s, const char *seps);

#endif
