/*
 * error.c: error codes, their texts and the exit codes they map to.
 */
#include "error.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int rt_error(rt_err *e, int code, const char *fmt, ...)
{
	if (!e)
		return code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	/* one line: a message never carries a newline to the terminal */
	for (char *p = e->msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	e->code = code;
	return code;
}

void rt_err_clear(rt_err *e)
{
	e->code = 0;
	e->msg[0] = '\0';
}

const char *retort_strerror(int code)
{
	switch (code) {
#define RETORT_X_(name, value, text) \
	case value:                  \
		return text;
		RETORT_ERRORS(RETORT_X_)
#undef RETORT_X_
	}
	return "unknown error";
}

int retort_exit_code(int code)
{
	switch (code) {
	case RETORT_OK:
		return 0;
	case RETORT_EUSAGE:
	case RETORT_ECONFIG:
	case RETORT_EPARSE:
	case RETORT_ENOTFOUND:
	case RETORT_EAMBIGUOUS:
	case RETORT_EURL:
	case RETORT_EEXISTS:
		return 2;
	case RETORT_EINTERRUPTED:
		return 130; /* as a shell reports SIGINT */
	default:
		return 1;
	}
}

int retort_libversion_number(void)
{
	return RETORT_VERSION_NUMBER;
}

void retort_set_oom_handler(void (*fn)(size_t n))
{
	rt_set_oom_handler(fn);
}

const char *retort_version(void)
{
	return RETORT_VERSION;
}

int rt_check_version(rt_err *err, unsigned have, unsigned want, const char *name)
{
	if (have == want)
		return 0;
	return rt_error(err, RETORT_EUSAGE, "%s.version is %u; this library (retort %s) takes %u: "
			"initialise it with its _INIT macro", name, have, RETORT_VERSION, want);
}

int rt_error_wrap(rt_err *e, int code, const char *fmt, ...)
{
	char old[sizeof(e->msg)], prefix[sizeof(e->msg)];
	memcpy(old, e->msg, sizeof(old));
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	return rt_error(e, code, "%s%s", prefix, old);
}
