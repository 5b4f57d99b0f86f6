/*
 * backends/postgresql/pq_load.c: libpq's functions, looked up in libpq.so.5 on first
 * use (pq_load.h says why).  $RETORT_LIBPQ names another file to load.
 */
#ifdef RETORT_WITH_POSTGRES

#define RT_PQ_NO_MACROS
#include "pq_load.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

rt_pq rt_pq_fns;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char why[512];

static void load(void)
{
	const char *env = getenv("RETORT_LIBPQ");
	const char *path = env && *env ? env : "libpq.so.5";
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		snprintf(why, sizeof(why),
			 "cannot load libpq, which PostgreSQL needs: %s (on Debian or Ubuntu: "
			 "apt-get install libpq5)", e ? e : path);
		return;
	}
	rt_pq fns;
	const char *missing = NULL;
#define RT_PQ_LOOKUP(ret, name, args)                                 \
	if (!missing && !(*(void **)&fns.name = dlsym(h, #name)))     \
		missing = #name;
	RT_PQ_FUNCTIONS(RT_PQ_LOOKUP)
#undef RT_PQ_LOOKUP
	if (missing) {
		snprintf(why, sizeof(why), "cannot use %s: it has no %s (libpq 10 or later needed)",
			 path, missing);
		dlclose(h);
		return;
	}
	rt_pq_fns = fns; /* never closed: connections live in it */
}

const char *rt_pq_load(void)
{
	pthread_once(&once, load);
	return why[0] ? why : NULL;
}

#endif /* RETORT_WITH_POSTGRES */
