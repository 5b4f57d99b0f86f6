/*
 * template.h: writing new revision files.
 *
 * script.sql.tmpl uses Alembic's placeholder names, ${name}: message,
 * up_revision, down_revision, create_date, branch_labels, depends_on,
 * upgrades, downgrades; and ${config.KEY} / ${x.KEY} for the config's keys
 * and -x arguments.  "$$" is a literal "$".  An unknown name is an error.
 *
 * file_template uses Alembic's %%(token)s tokens (the ini's %% is already
 * reduced to % when it arrives here): rev, slug, epoch, year, month, day,
 * hour, minute, second.  The slug is the message lower-cased, every run of
 * non-word characters turned into '_' (not trimmed, as in Alembic), cut to
 * truncate_slug_length characters at a word boundary, as Alembic does.
 */
#ifndef RT_LIB_TEMPLATE_H
#define RT_LIB_TEMPLATE_H

#include "error.h"
#include "util/buf.h"

#include <time.h>

typedef struct rt_tmpl_var {
	const char *name;
	const char *value;
} rt_tmpl_var;

/* Expand tmpl into out; lookup(name) is tried for names vars do not hold. */
typedef const char *(*rt_tmpl_lookup_fn)(void *data, const char *name);
int rt_template_expand(rt_buf *out, const char *tmpl, const char *tmpl_name,
		       const rt_tmpl_var *vars, size_t nvars,
		       rt_tmpl_lookup_fn lookup, void *data, rt_err *err);

/* The file name (without ".sql") for a new revision. */
int rt_file_name(rt_buf *out, const char *file_template, const char *rev,
		 const char *message, int truncate_slug_length, time_t when,
		 const char *tz, rt_err *err);
void rt_slugify(rt_buf *out, const char *message, int truncate_slug_length);
/* 0 when tz (NULL or "": local time) names a zone this system knows. */
int rt_check_timezone(const char *tz, rt_err *err);
/* "2026-11-21 10:00:00.123456" (plus "+HH:MM" when tz is set), as Alembic. */
void rt_create_date(rt_buf *out, const struct timespec *when, const char *tz);
/* 12 lower-case hex digits from the system's random source. */
int rt_new_rev_id(char out[13], rt_err *err);

/* The default script.sql.tmpl that `init` writes. */
extern const char rt_default_template[];

#endif
