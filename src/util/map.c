/*
 * map.c: string-keyed hash map with linear probing.
 */
#include "map.h"
#include "xalloc.h"

#include <string.h>

uint64_t rt_hash64(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static size_t slot_of(const rt_map *m, const char *key)
{
	size_t mask = m->cap - 1;
	size_t i = (size_t)rt_hash64(key, strlen(key)) & mask;
	while (m->keys[i] && strcmp(m->keys[i], key))
		i = (i + 1) & mask;
	return i;
}

static void rehash(rt_map *m, size_t cap)
{
	rt_map n = { rt_xcalloc(cap, sizeof(char *)), rt_xcalloc(cap, sizeof(void *)), cap, 0 };
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		size_t s = slot_of(&n, m->keys[i]);
		n.keys[s] = m->keys[i];
		n.vals[s] = m->vals[i];
		n.len++;
	}
	free(m->keys);
	free(m->vals);
	*m = n;
}

void rt_map_reserve(rt_map *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 16;
	while ((n + 1) * 2 > cap)
		cap *= 2;
	if (cap > m->cap)
		rehash(m, cap);
}

void *rt_map_put(rt_map *m, const char *key, void *val)
{
	if ((m->len + 1) * 2 > m->cap)
		rehash(m, m->cap ? m->cap * 2 : 16);
	size_t s = slot_of(m, key);
	void *old = m->keys[s] ? m->vals[s] : NULL;
	if (!m->keys[s])
		m->len++;
	m->keys[s] = key;
	m->vals[s] = val;
	return old;
}

void *rt_map_get(const rt_map *m, const char *key)
{
	if (!m->cap)
		return NULL;
	size_t s = slot_of(m, key);
	return m->keys[s] ? m->vals[s] : NULL;
}

void rt_map_free(rt_map *m)
{
	free(m->keys);
	free(m->vals);
	m->keys = NULL;
	m->vals = NULL;
	m->cap = m->len = 0;
}
