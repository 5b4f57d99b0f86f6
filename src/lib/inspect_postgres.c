/*
 * inspect_postgres.c: read an rt_schema from PostgreSQL's pg_catalog.
 */
#include "inspect.h"

int rt_inspect_postgres(retort *r, rt_schema *out)
{
	(void)out;
	return rt_error(&r->err, RETORT_EUNSUPPORTED,
			"autogenerate cannot read a postgresql database yet");
}
