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

/*
 * The message, and the parts of it a program wants as data: where
 * (file, line), which revision, and the database's own words.  A field
 * not known is empty (line 0).  Set by rt_error and rt_error_at; the
 * database's by db.c; the revision by the runner.
 */
typedef struct rt_err {
	int code;
	char msg[2048];
	char file[1024];
	unsigned line;
	char revision[64];
	char sqlstate[8];
	char detail[512];
	char hint[512];
} rt_err;

/* Record code and message in e (which may be NULL); returns code. */
int rt_error(rt_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rt_err_clear(rt_err *e);
/*
 * rt_error with a place: the message is "<file>:<line>: <fmt's text>"
 * ("<file>: ..." with line 0), and file and line are kept as fields.
 */
int rt_error_at(rt_err *e, int code, const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Keep from (an earlier error) the database's fields: SQLSTATE, detail, hint. */
void rt_err_keep_db(rt_err *e, const rt_err *from);
void rt_err_set_revision(rt_err *e, const char *rev);

/*
 * An options struct's version must be one this library knows, 1 up to its
 * own (libgit2's GIT_ERROR_CHECK_VERSION): a program built against an
 * older header passes a smaller struct, whose later fields the library
 * then takes as their defaults; a newer one is refused.  RETORT_EUSAGE
 * naming the struct, or 0.
 */
int rt_check_version(rt_err *err, unsigned have, unsigned want, const char *name);

/*
 * The body of a retort_*_options_init(o, version) for an options struct
 * that has had one version: its _INIT defaults, the caller's version.
 */
#define RT_OPTIONS_INIT_FN(type, PREFIX)                              \
	int type##_init(type *o, unsigned version)                     \
	{                                                              \
		static const type defaults = PREFIX##_INIT;            \
		if (version < 1 || version > PREFIX##_VERSION)         \
			return RETORT_EUSAGE;                          \
		*o = defaults;                                         \
		o->version = version;                                  \
		return 0;                                              \
	}

/*
 * Put fmt's text before the message e holds ("<prefix><old message>"),
 * with a new code: how a caller names the file or step a failure was in.
 */
int rt_error_wrap(rt_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
