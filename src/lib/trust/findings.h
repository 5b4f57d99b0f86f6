/*
 * findings.h: a list of problems as data, for validate, verify and drift
 * (retort_validation in retort.h).
 */
#ifndef RT_LIB_FINDINGS_H
#define RT_LIB_FINDINGS_H

#include "project.h"
#include "retort.h"
#include "util/vec.h"

typedef struct rt_findings {
	retort_validation pub;     /* first: the list is handed out as this */
	retort_validation_item *v;
	size_t cap;
	rt_strvec strings;         /* each string an item points to (they never move) */
} rt_findings;

rt_findings *rt_findings_new(void);
/* One problem (a literal name), its revision and path (either may be NULL), its message. */
void rt_findings_add(rt_findings *it, const char *problem, const char *rev, const char *path,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/*
 * A problem of verify or drift: a RETORT_LOG_ERROR line, and an item of
 * r->findings when a caller asked for them as data.
 */
void rt_problem(retort *r, const char *problem, const char *rev, const char *path,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* verify or drift (fn) with r->findings set: 0 and *out, or why it could not look. */
int rt_report(retort *r, int (*fn)(retort *, const char *), const char *range,
	      retort_validation **out);
/* The list to hand out (freed with retort_validation_free). */
retort_validation *rt_findings_done(rt_findings *it);

#endif
