/*
 * lint.h: what lint.c (the command: which revisions, graph rules,
 * suppressions, severities) and a backend's statement rules share.
 *
 * A dialect's rules see one section at a time, statement by statement,
 * and report each finding with the statement's offset in the section;
 * lint.c turns offsets into lines, applies `-- retort:lint-ignore RULE
 * reason` and the configured severities, and keeps the finding.
 */
#ifndef RT_LIB_LINT_H
#define RT_LIB_LINT_H

#include "project.h"
#include "util/vec.h"

#include <stdbool.h>

typedef struct rt_lint_ctx rt_lint_ctx;

/* What a rule knows about the section it looks at. */
typedef struct rt_lint_section {
	const rt_revfile *rf;
	const char *sql;
	bool transactional;
	bool upgrade;
	rt_strvec *created;         /* new tables: the upgrade's (for the downgrade
	                               too); a backend's rules add the section's own */
} rt_lint_section;

/*
 * Report a finding at offset in the section's text (-1: the section as a
 * whole, reported at its marker line).  severity is the
 * rule's default ("error", "warning"); lock says what the statement takes
 * and does ("ACCESS EXCLUSIVE lock; rewrites the table"), fix the safe way.
 */
void rt_lint_report(rt_lint_ctx *c, const rt_lint_section *s, long offset, const char *rule,
		    const char *severity, const char *lock, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

/*
 * The server's version as PostgreSQL numbers it (110004 for 11.4; 0:
 * unknown): the connected server's, else lint_server_version from the
 * config ("11", "11.4", "9.6" or "110004").
 */
long rt_lint_server_version(rt_lint_ctx *c);

/* A statement of a section: its offset and length in the text. */
typedef struct rt_lint_stmt {
	size_t off, len;
} rt_lint_stmt;

/*
 * The statements of sql, by the backend's own split (one driver call:
 * a backend's rules make their passes over this list).  *out is freed by
 * the caller.
 */
int rt_lint_statements(rt_lint_ctx *c, const char *sql, rt_lint_stmt **out, size_t *n);

/*
 * Before an upgrade (runner.c): the findings of the revisions marked in
 * `in` as warnings, one line each; with lint_on_upgrade = error, an error
 * finding refuses the run (RETORT_EDIFF); lint_on_upgrade = off: silent.
 */
int rt_lint_before_upgrade(retort *r, const uint8_t *in);


#endif
