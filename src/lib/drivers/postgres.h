/*
 * drivers/postgres.h: the PostgreSQL driver (libpq), built when
 * RETORT_WITH_POSTGRES is defined.
 */
#ifndef RT_LIB_DRIVERS_POSTGRES_H
#define RT_LIB_DRIVERS_POSTGRES_H

#include "retort/driver.h"

#include <stdint.h>

extern const retort_driver rt_postgres_driver;

/*
 * The advisory lock key of a lock name: FNV-1a 64 of its bytes, read as a
 * two's-complement int64 (exposed for tests and for operators who look for
 * the lock in pg_locks).
 */
int64_t rt_pg_lock_key(const char *name);

#endif
