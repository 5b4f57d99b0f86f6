/*
 * trust.h: what dump and baseline share.
 */
#ifndef RT_LIB_TRUST_H
#define RT_LIB_TRUST_H

#include "project.h"
#include "schema.h"

/* s as the SQL that makes it from an empty database (down: that removes it). */
int rt_render_from_empty(retort *r, const rt_schema *s, bool down, rt_buf *out);

#endif
