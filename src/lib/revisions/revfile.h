/*
 * revfile.h: one revision file, parsed.
 *
 * Format (SPEC "Revision files"):
 *
 *   -- create todos table            <- message: the comment lines before
 *   --                                  the first key
 *   -- Revision ID: 3f2a9c1b7d4e     <- keys, case-insensitive
 *   -- Revises: 1a2b3c4d5e6f         <- comma-separated; empty for a root
 *   -- Create Date: 2026-11-21 10:00:00.000000
 *   -- Branch Labels: api
 *   -- Depends On: 9c0ffee12345
 *
 *   -- migrate:upgrade [transaction:false]
 *   ...SQL...
 *   -- migrate:downgrade [transaction:false]
 *   ...SQL...
 *
 * The header is the run of comment lines at the top of the file; it ends at
 * the first line that is not a comment.  Before the first marker only blank
 * lines and comments may stand.  "-- migrate:up" and "-- migrate:down" are
 * aliases.  Both markers must be present, once each, in either order; a
 * section may be empty.  Marker options are `transaction:true|false`; any
 * other option is an error.
 */
#ifndef RT_LIB_REVFILE_H
#define RT_LIB_REVFILE_H

#include "error.h"
#include "util/buf.h"
#include "util/vec.h"

#include <stdbool.h>

typedef struct rt_section {
	char *sql;          /* the text after the marker line up to the next
	                       marker or the end; "" when empty */
	unsigned line;      /* 1-based line of the first line of sql */
	bool transactional; /* false with transaction:false */
} rt_section;

typedef struct rt_revfile {
	char *path;
	char *id;
	char *message;      /* message lines joined with ' ', trimmed; "" if none */
	char *doc;          /* the whole header comment, "-- " stripped, '\n'-joined */
	char *create_date;  /* "" if absent */
	rt_strvec revises;
	rt_strvec depends_on;
	rt_strvec branch_labels;
	unsigned id_line;   /* line of each key, for error messages (0: absent) */
	unsigned revises_line;
	unsigned depends_on_line;
	rt_section upgrade;
	rt_section downgrade;
	bool python;        /* an Alembic revision module (*.py): no SQL */
	char *twin;         /* a .sql file's .py twin (same id and header), or
	                       NULL; owned, set by rt_scripts_load */
	char *mem;          /* rt_revfile_parse: the one block holding every
	                       string and list above (NULL: each is owned) */
} rt_revfile;

/*
 * Parse text (len bytes, need not be NUL-terminated) read from path.
 * Errors are RETORT_EPARSE, one line, "<path>:<line>: <what>":
 *   no 'Revision ID' header / empty 'Revision ID' / revision id 'x' contains
 *   '@' / ... longer than 32 characters / missing '-- migrate:upgrade' marker /
 *   missing '-- migrate:downgrade' marker / duplicate marker / unknown
 *   marker option 'x' / text before the first marker is not a comment /
 *   file is not valid UTF-8 / file contains a NUL byte
 */
int rt_revfile_parse(rt_revfile *rf, const char *path, const char *text, size_t len,
		     rt_err *err);
void rt_revfile_free(rt_revfile *rf);
/*
 * Parse an Alembic revision module (revpy.c): its module-level literals
 * revision, down_revision, branch_labels and depends_on, and its docstring
 * (message: the first paragraph; create_date: its "Create Date:" line).
 * The sections are empty and python is set.  Errors as for
 * rt_revfile_parse, "<path>:<line>: <what>".
 */
int rt_revpy_parse(rt_revfile *rf, const char *path, const char *text, size_t len,
		   rt_err *err);
/*
 * The cache's form of a parsed file (everything but its path), appended to
 * out; and back, with the path given: -1 when the bytes do not hold a
 * well-formed packed file (every offset inside, every string ended, a
 * valid id, no empty list item; the cache is then ignored).
 */
void rt_revfile_pack(const rt_revfile *rf, rt_buf *out);
int rt_revfile_unpack(rt_revfile *rf, const char *path, const char *data, size_t len);

/*
 * A header for rf, as convert writes twins and retort_log keeps a step's
 * revision: its message as comment lines, then Revision ID, Revises,
 * Create Date, Branch Labels and Depends On, one "-- Key: value" line each.
 * rt_revfile_parse reads the same fields back.
 */
void rt_revfile_header(rt_buf *b, const rt_revfile *rf);

/* Whether id is a valid revision id (no '@' '-' '+' ':' or blanks, 1..32 chars). */
bool rt_revid_valid(const char *id, rt_err *err);

/*
 * The checksum of a section as retort_log keeps it: "sha256:" and the hex
 * digest of the text with CRLF and CR turned into LF.
 */
char *rt_section_checksum(const char *sql);

#endif
