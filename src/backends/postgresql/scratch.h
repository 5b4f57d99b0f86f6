/*
 * backends/postgresql/scratch.h: the model's scratch on PostgreSQL
 * (scratch.c), for the backend's table (backend.c): backends/backend.h says what
 * each does.
 */
#ifndef RT_BACKENDS_POSTGRESQL_SCRATCH_H
#define RT_BACKENDS_POSTGRESQL_SCRATCH_H

#include "model.h"

int rt_pg_scratch_create(retort *r, rt_scratch *sc);
int rt_pg_scratch_enter(retort *r, rt_scratch *sc);
int rt_pg_scratch_drop(retort *r, rt_scratch *sc);
int rt_pg_scratch_own(retort *r, rt_scratch *sc, rt_buf *url);
int rt_pg_session_save(retort *r, rt_strvec *saved);
int rt_pg_session_restore(retort *r, const rt_strvec *saved, bool in_txn);

#endif
