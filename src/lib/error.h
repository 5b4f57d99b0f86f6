/*
 * error.h: how the library records a failure.
 *
 * A failure is described once, where it is detected, into an rt_err; callers
 * pass the code up unchanged.  The handle keeps one rt_err, and modules that
 * can be used without a handle (parsers, in unit tests) take one directly.
 * Messages are lowercase, say what failed first and quote the subject:
 *   migrations/versions/x.sql:3: no 'Revision ID' header
 */
#ifndef RT_LIB_ERROR_H
#define RT_LIB_ERROR_H

#include "retort.h"

typedef struct rt_err {
	int code;
	char msg[2048];
} rt_err;

/* Record code and message in e (which may be NULL); returns code. */
int rt_error(rt_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rt_err_clear(rt_err *e);

/*
 * An options struct's version must be the one this library was built with
 * (libgit2's GIT_ERROR_CHECK_VERSION): an older or newer caller would read
 * fields that are not there.  RETORT_EUSAGE naming the struct, or 0.
 */
int rt_check_version(rt_err *err, unsigned have, unsigned want, const char *name);

/*
 * Put fmt's text before the message e holds ("<prefix><old message>"),
 * with a new code: how a caller names the file or step a failure was in.
 */
int rt_error_wrap(rt_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
