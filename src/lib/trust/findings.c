/*
 * findings.c: a list of problems as data (retort_validation), what
 * validate, verify and drift hand back: each string kept with the list,
 * all of it freed by retort_validation_free.
 */
#include "findings.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *keep(rt_findings *it, const char *s)
{
	if (!s)
		return NULL;
	rt_strvec_push(&it->strings, s);
	return it->strings.v[it->strings.len - 1];
}

rt_findings *rt_findings_new(void)
{
	return rt_xcalloc(1, sizeof(rt_findings));
}

void rt_findings_add(rt_findings *it, const char *problem, const char *rev, const char *path,
		     const char *fmt, ...)
{
	rt_buf msg = RT_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	rt_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	RT_ARRAY_GROW(it->v, it->pub.n, it->cap);
	retort_validation_item *e = &it->v[it->pub.n++];
	e->problem = problem; /* a literal */
	e->revision = keep(it, rev);
	e->path = keep(it, path);
	e->message = keep(it, msg.ptr ? msg.ptr : "");
	rt_buf_free(&msg);
	it->pub.items = it->v;
}

retort_validation *rt_findings_done(rt_findings *it)
{
	it->pub.items = it->v;
	return &it->pub;
}

void retort_validation_free(retort_validation *v)
{
	rt_findings *it = (rt_findings *)v;
	if (!it)
		return;
	free(it->v);
	rt_strvec_free(&it->strings);
	free(it);
}

void rt_problem(retort *r, const char *problem, const char *rev, const char *path,
		const char *fmt, ...)
{
	rt_buf msg = RT_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	rt_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	rt_log(r, RETORT_LOG_ERROR, "%s", msg.ptr ? msg.ptr : "");
	if (r->findings)
		rt_findings_add(r->findings, problem, rev, path, "%s", msg.ptr ? msg.ptr : "");
	rt_buf_free(&msg);
}
