/*
 * error.c: error codes, their texts and the exit codes they map to.
 */
#include "error.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void clear_fields(rt_err *e)
{
	e->file[0] = e->revision[0] = e->sqlstate[0] = e->detail[0] = e->hint[0] = '\0';
	e->line = 0;
}

/* one line: a message never carries a newline to the terminal */
static void one_line(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

static int set_msg(rt_err *e, int code, const char *prefix, const char *fmt, va_list ap)
{
	size_t n = (size_t)snprintf(e->msg, sizeof(e->msg), "%s", prefix);
	if (n < sizeof(e->msg))
		vsnprintf(e->msg + n, sizeof(e->msg) - n, fmt, ap);
	one_line(e->msg);
	e->code = code;
	return code;
}

int rt_error(rt_err *e, int code, const char *fmt, ...)
{
	if (!e)
		return code;
	/* the message may be made of the old one: format it before clearing */
	char buf[sizeof(e->msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	clear_fields(e);
	memcpy(e->msg, buf, sizeof(buf));
	one_line(e->msg);
	e->code = code;
	return code;
}

int rt_error_at(rt_err *e, int code, const char *file, unsigned line, const char *fmt, ...)
{
	if (!e)
		return code;
	char prefix[1100];
	if (line)
		snprintf(prefix, sizeof(prefix), "%s:%u: ", file, line);
	else
		snprintf(prefix, sizeof(prefix), "%s: ", file);
	rt_err tmp;
	va_list ap;
	va_start(ap, fmt);
	set_msg(&tmp, code, prefix, fmt, ap);
	va_end(ap);
	clear_fields(e);
	memcpy(e->msg, tmp.msg, sizeof(e->msg));
	e->code = code;
	snprintf(e->file, sizeof(e->file), "%s", file);
	e->line = line;
	return code;
}

void rt_err_keep_db(rt_err *e, const rt_err *from)
{
	memcpy(e->sqlstate, from->sqlstate, sizeof(e->sqlstate));
	memcpy(e->detail, from->detail, sizeof(e->detail));
	memcpy(e->hint, from->hint, sizeof(e->hint));
}

void rt_err_set_revision(rt_err *e, const char *rev)
{
	snprintf(e->revision, sizeof(e->revision), "%s", rev ? rev : "");
}

void rt_err_clear(rt_err *e)
{
	e->code = 0;
	e->msg[0] = '\0';
	clear_fields(e);
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
	if (have >= 1 && have <= want)
		return 0;
	return rt_error(err, RETORT_EUSAGE, "%s.version is %u; this library (retort %s) takes 1 "
			"to %u: initialise it with its _INIT macro or %s_init()", name, have,
			RETORT_VERSION, want, name);
}

int rt_error_wrap(rt_err *e, int code, const char *fmt, ...)
{
	char old[sizeof(e->msg)], prefix[sizeof(e->msg)];
	memcpy(old, e->msg, sizeof(old));
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	rt_err fields = *e; /* a prefix changes the message, not what it is about */
	rt_error(e, code, "%s%s", prefix, old);
	memcpy(e->file, fields.file, sizeof(e->file));
	e->line = fields.line;
	memcpy(e->revision, fields.revision, sizeof(e->revision));
	rt_err_keep_db(e, &fields);
	return code;
}
