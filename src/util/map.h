/*
 * map.h: a hash map from C strings to pointers (open addressing, FNV-1a).
 *
 * Keys are borrowed: the caller keeps them alive as long as the map.  Used for
 * id -> revision look-ups, so that building the graph stays linear.
 */
#ifndef RT_UTIL_MAP_H
#define RT_UTIL_MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct rt_map {
	const char **keys;
	void **vals;
	size_t cap; /* a power of two, or 0 */
	size_t len;
} rt_map;

#define RT_MAP_INIT { NULL, NULL, 0, 0 }

uint64_t rt_hash64(const void *data, size_t len);
/* Set key to val; returns the previous value or NULL. */
void *rt_map_put(rt_map *m, const char *key, void *val);
void *rt_map_get(const rt_map *m, const char *key);
/* Make room for n keys at once (no rehash while they go in). */
void rt_map_reserve(rt_map *m, size_t n);
void rt_map_free(rt_map *m);

#endif
