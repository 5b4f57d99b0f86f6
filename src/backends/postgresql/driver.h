/*
 * backends/postgresql/driver.h: the PostgreSQL driver (libpq), built when
 * RETORT_WITH_POSTGRES is defined.
 */
#ifndef RT_LIB_DRIVERS_POSTGRES_H
#define RT_LIB_DRIVERS_POSTGRES_H

#include "backends/backend.h"

#include <stdint.h>

/*
 * The driver (driver.c); it loads libpq on the first connection
 * (pq_load.h).
 */
extern const retort_driver rt_postgres_driver;

/*
 * The advisory lock key of a lock name: FNV-1a 64 of its bytes, read as a
 * two's-complement int64 (exposed for tests and for operators who look for
 * the lock in pg_locks).  Inline: the module and the tests both use it.
 */
static inline int64_t rt_pg_lock_key(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	return (int64_t)h;
}

#endif
