/*
 * backends/postgresql/driver.c: the PostgreSQL driver, the only file that includes
 * <libpq-fe.h> and <pg_query.h>.  It is part of the binary; libpq itself is
 * loaded with dlopen on the first connection (pq_load.h), so that
 * commands that never connect to PostgreSQL never map it, and a binary
 * copied alone into an image works wherever libpq5 is installed.
 * libpg_query, which splits scripts into statements and needs no server,
 * is linked in.
 *
 * Connecting: the URL's parts become libpq keywords (host, port, user,
 * password, dbname, then every query key as given, so sslmode, options,
 * connect_timeout... work as in libpq).  What the URL leaves out is left to
 * libpq, so PGHOST, PGPASSWORD, ~/.pgpass and the rest apply.  We add
 * fallback_application_name=retort, client_encoding=UTF8 (revision files are
 * UTF-8, and error positions are converted from characters to bytes as
 * UTF-8) and, unless the URL or PGCONNECT_TIMEOUT says otherwise,
 * connect_timeout=10; a query key of the same name overrides them.
 *
 * No message this file produces contains the password: every text taken from
 * libpq or the server is scrubbed of the URL's password and of the one libpq
 * actually used (PGPASSWORD, .pgpass), whatever libpq does.
 *
 * Scripts go to the server in one round trip (the simple query protocol runs
 * all their statements, in one implicit transaction unless the core opened
 * one).  Which statement failed comes from the error's position or, when it
 * has none (a runtime error), from how many statements had completed; the
 * statement boundaries come from libpg_query.
 *
 * The migration lock is a session advisory lock.  Its key is the 64-bit
 * FNV-1a hash of the bytes of the lock name, read as a signed int64:
 *     h = 0xcbf29ce484222325; for each byte b: h ^= b; h *= 0x100000001b3
 * The runner's name is "retort:" database ":" schema ":" version table, so
 * two projects on one database lock independently, and in pg_locks the lock
 * shows as locktype 'advisory', classid = high 32 bits of h, objid = low 32
 * bits, objsubid = 1.  We poll pg_try_advisory_lock with backoff instead of
 * waiting in pg_advisory_lock: a session blocked there would deadlock with a
 * CREATE INDEX CONCURRENTLY run by the holder, which waits for every other
 * session's snapshot.
 */
#ifdef RETORT_WITH_POSTGRES

#define _GNU_SOURCE /* strcasestr */

#include "driver.h"
#include "postgresql.h"
#include "retort.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/xalloc.h"

#include <libpq-fe.h>
#include <pg_query.h>

#include "pq_load.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const retort_driver rt_postgres_driver;

typedef struct pg_conn {
	retort_conn base; /* first, as the driver interface requires */
	PGconn *pg;
	char *secret[2];  /* passwords to scrub from messages (may be NULL) */
	char *names[3];   /* the user, database and host names libpq used */
	int byte_positions; /* SQL_ASCII database: error positions count bytes */
	PGcancel *cancel; /* made once connected: PQcancel is then signal-safe */
} pg_conn;

static pg_conn *pc_of(retort_conn *c)
{
	return (pg_conn *)c;
}

/* ---- messages ---------------------------------------------------------- */

static bool word_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_';
}

/*
 * Replace every occurrence of secret in b with "***".  A short secret (under
 * 6 bytes) is replaced only where it stands alone, not inside a word: a
 * password "a" must not turn "password authentication failed" into noise.
 * A secret that is also the name of the user, the database or the host is
 * left where the server quotes a name ("for user \"postgres\""): there it
 * is the name, which is no secret.
 */
static void scrub(rt_buf *b, const char *secret, bool is_a_name)
{
	if (!secret || !*secret || !strstr(b->ptr, secret))
		return;
	size_t n = strlen(secret);
	bool whole = n < 6;
	rt_buf out = RT_BUF_INIT;
	const char *p = b->ptr, *from = b->ptr, *hit;
	while ((hit = strstr(from, secret))) {
		bool quoted = hit > b->ptr && hit[-1] == '"' && hit[n] == '"';
		if ((whole && ((hit > b->ptr && word_char(hit[-1])) || word_char(hit[n]))) ||
		    (is_a_name && quoted)) {
			from = hit + 1;
			continue;
		}
		rt_buf_put(&out, p, (size_t)(hit - p));
		rt_buf_puts(&out, "***");
		p = from = hit + n;
	}
	rt_buf_puts(&out, p);
	rt_buf_free(b);
	*b = out;
}

/* Whether s is one of the connection's names (user, database, host). */
static bool is_name(const pg_conn *pc, const char *s)
{
	for (int i = 0; s && i < 3; i++)
		if (pc->names[i] && !strcmp(pc->names[i], s))
			return true;
	return false;
}

/*
 * Copy src into dst as one line: scrubbed of the passwords, line breaks
 * turned into spaces, trailing blanks removed.
 */
static void copy_text(char *dst, size_t cap, const char *src, const pg_conn *pc)
{
	rt_buf b = RT_BUF_INIT;
	rt_buf_puts(&b, src ? src : "");
	scrub(&b, pc->secret[0], is_name(pc, pc->secret[0]));
	scrub(&b, pc->secret[1], is_name(pc, pc->secret[1]));
	for (char *p = b.ptr; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	rt_buf_rtrim(&b);
	snprintf(dst, cap, "%s", b.ptr);
	rt_buf_free(&b);
}

static void clear_error(retort_dberror *err)
{
	memset(err, 0, sizeof(*err));
	err->offset = -1;
}

/* A failure of the connection itself, as libpq describes it. */
static int fail_conn(pg_conn *pc, int code, retort_dberror *err)
{
	if (!err)
		return code;
	clear_error(err);
	copy_text(err->message, sizeof(err->message), PQerrorMessage(pc->pg), pc);
	if (!err->message[0])
		snprintf(err->message, sizeof(err->message), "lost the connection to the server");
	err->lost = PQstatus(pc->pg) == CONNECTION_BAD;
	return code;
}

/* A failure the driver itself detects (the text holds no password). */
static int fail_msg(retort_dberror *err, int code, const char *msg)
{
	if (!err)
		return code;
	clear_error(err);
	snprintf(err->message, sizeof(err->message), "%s", msg);
	return code;
}

/* ---- statement boundaries ------------------------------------------------ */

typedef struct piece {
	size_t off, len;
} piece;

typedef struct pieces {
	piece *v;
	size_t n, cap;
} pieces;


static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* Add s[start, end) without its leading comments and blanks, if anything is left. */
static void add_piece(pieces *ps, const char *s, size_t start, size_t end)
{
	start = rt_pg_skip_trivia(s, start, end);
	while (end > start && is_blank(s[end - 1]))
		end--;
	if (end <= start)
		return;
	RT_ARRAY_GROW(ps->v, ps->n, ps->cap);
	ps->v[ps->n].off = start;
	ps->v[ps->n].len = end - start;
	ps->n++;
}

/*
 * Text between two statements the scanner found.  The scanner drops a
 * statement that holds no keyword ("SELEC 2;"), which can only be a syntax
 * error: keep whatever is there, so that it runs and fails instead of being
 * skipped in silence.
 */
static void add_gap(pieces *ps, const char *s, size_t start, size_t end)
{
	size_t p = start;
	for (;;) {
		p = rt_pg_skip_trivia(s, p, end);
		if (p < end && s[p] == ';')
			p++;
		else
			break;
	}
	while (end > p && (is_blank(s[end - 1]) || s[end - 1] == ';'))
		end--;
	add_piece(ps, s, p, end);
}

/*
 * The statements of sql.  The parser's split is exact (it knows BEGIN
 * ATOMIC bodies); on a script it cannot parse, the scanner's split still
 * finds the statements around the error.
 */
static int split_pieces(const char *sql, pieces *ps, retort_dberror *err)
{
	PgQuerySplitResult r = pg_query_split_with_parser(sql);
	int scanned = 0;
	if (r.error) {
		pg_query_free_split_result(r);
		r = pg_query_split_with_scanner(sql);
		scanned = 1;
	}
	if (r.error) {
		if (err) {
			clear_error(err);
			snprintf(err->message, sizeof(err->message), "%s", r.error->message);
			err->position = r.error->cursorpos;
		}
		pg_query_free_split_result(r);
		return RETORT_EDB;
	}
	size_t prev_end = 0;
	for (int i = 0; i < r.n_stmts; i++) {
		size_t off = (size_t)r.stmts[i]->stmt_location;
		size_t len = (size_t)r.stmts[i]->stmt_len;
		if (scanned && off > prev_end)
			add_gap(ps, sql, prev_end, off);
		add_piece(ps, sql, off, off + len);
		prev_end = off + len;
	}
	if (scanned)
		add_gap(ps, sql, prev_end, strlen(sql));
	pg_query_free_split_result(r);
	return 0;
}

static int pgd_split(const char *sql, int (*fn)(void *data, size_t off, size_t len), void *data,
		    retort_dberror *err)
{
	pieces ps = { 0 };
	int ret = split_pieces(sql, &ps, err);
	for (size_t i = 0; ret == 0 && i < ps.n; i++)
		if (fn(data, ps.v[i].off, ps.v[i].len))
			break;
	free(ps.v);
	return ret;
}

/* The byte offset of 1-based character position pos in UTF-8 text s. */
static size_t char_to_byte(const char *s, long pos, int bytes)
{
	size_t i = 0, n = strlen(s);
	if (bytes)
		return (size_t)(pos - 1) < n ? (size_t)(pos - 1) : n;
	for (long c = 1; c < pos && i < n; c++) {
		i++;
		while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
	}
	return i;
}

/*
 * The offset of the statement that failed: the one holding the error's
 * position, or else the one after the done statements that completed.
 */
static long failed_offset(const pg_conn *pc, const char *sql, long position, long done)
{
	pieces ps = { 0 };
	long off = -1;
	if (split_pieces(sql, &ps, NULL) == 0 && ps.n > 0) {
		if (position > 0) {
			size_t at = char_to_byte(sql, position, pc->byte_positions);
			off = (long)ps.v[0].off;
			for (size_t i = 0; i < ps.n && ps.v[i].off <= at; i++)
				off = (long)ps.v[i].off;
		} else if (done >= 0 && (size_t)done < ps.n) {
			off = (long)ps.v[done].off;
		}
	}
	free(ps.v);
	return off;
}

/*
 * Whether the session is over: libpq may not have seen the socket close yet
 * when it hands over the server's last words (57P01 after
 * pg_terminate_backend, 08xxx), so the SQLSTATE counts too.
 */
static int conn_gone(pg_conn *pc, const char *sqlstate)
{
	if (PQstatus(pc->pg) == CONNECTION_BAD)
		return 1;
	return strncmp(sqlstate, "08", 2) == 0 || strcmp(sqlstate, "57P01") == 0 ||
	       strcmp(sqlstate, "57P02") == 0 || strcmp(sqlstate, "57P03") == 0;
}

static int fail_result(pg_conn *pc, const PGresult *res, const char *sql, long done,
		       retort_dberror *err)
{
	if (!err)
		return RETORT_EDB;
	clear_error(err);
	const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	copy_text(err->message, sizeof(err->message),
		  primary ? primary : PQresultErrorMessage(res), pc);
	if (!err->message[0])
		copy_text(err->message, sizeof(err->message), PQerrorMessage(pc->pg), pc);
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	snprintf(err->sqlstate, sizeof(err->sqlstate), "%s", state ? state : "");
	copy_text(err->detail, sizeof(err->detail), PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL),
		  pc);
	copy_text(err->hint, sizeof(err->hint), PQresultErrorField(res, PG_DIAG_MESSAGE_HINT),
		  pc);
	const char *pos = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
	err->position = pos ? strtol(pos, NULL, 10) : 0;
	err->lost = conn_gone(pc, err->sqlstate);
	if (sql)
		err->offset = failed_offset(pc, sql, err->position, done);
	return RETORT_EDB;
}

/* ---- running SQL --------------------------------------------------------- */

/* Read what remains of a COPY TO STDOUT: a script has nowhere to put it. */
static void drain_copy_out(PGconn *pg)
{
	char *buf = NULL;
	while (PQgetCopyData(pg, &buf, 0) > 0) {
		PQfreemem(buf);
		buf = NULL;
	}
}

static void call_rows(const PGresult *res, retort_row_fn fn, void *data, int *stopped)
{
	int nrows = PQntuples(res), ncols = PQnfields(res);
	const char **vals = rt_xcalloc((size_t)ncols + 1, sizeof(*vals));
	for (int i = 0; i < nrows && !*stopped; i++) {
		for (int j = 0; j < ncols; j++)
			vals[j] = PQgetisnull(res, i, j) ? NULL : PQgetvalue(res, i, j);
		if (fn(data, ncols, vals))
			*stopped = 1;
	}
	free(vals);
}

/*
 * Send sql in one round trip and read every result: one per statement
 * that completed, then at most one error (which ends the script).  fn, when
 * not NULL, gets the rows of every statement that returns some.
 */
static int run(pg_conn *pc, const char *sql, retort_row_fn fn, void *data, retort_dberror *err)
{
	if (!PQsendQuery(pc->pg, sql))
		return fail_conn(pc, RETORT_EDB, err);
	int ret = 0, stopped = 0;
	long done = 0;
	PGresult *res;
	while ((res = PQgetResult(pc->pg))) {
		switch (PQresultStatus(res)) {
		case PGRES_TUPLES_OK:
			if (fn && !ret)
				call_rows(res, fn, data, &stopped);
			/* fall through */
		case PGRES_COMMAND_OK:
		case PGRES_EMPTY_QUERY:
			done++;
			break;
		case PGRES_COPY_IN:
			PQputCopyEnd(pc->pg, "retort runs no COPY FROM STDIN");
			break;
		case PGRES_COPY_OUT:
			drain_copy_out(pc->pg);
			break;
		default:
			if (!ret)
				ret = fail_result(pc, res, sql, done, err);
			break;
		}
		PQclear(res);
	}
	if (!ret && PQstatus(pc->pg) == CONNECTION_BAD)
		ret = fail_conn(pc, RETORT_EDB, err);
	else if (ret && err && PQstatus(pc->pg) == CONNECTION_BAD)
		err->lost = 1;
	return ret;
}

static int pgd_exec(retort_conn *c, const char *sql, retort_dberror *err)
{
	return run(pc_of(c), sql, NULL, NULL, err);
}

static int pgd_query(retort_conn *c, const char *sql, retort_row_fn fn, void *data,
		    retort_dberror *err)
{
	return run(pc_of(c), sql, fn, data, err);
}

static int pgd_begin(retort_conn *c, retort_dberror *err)
{
	return run(pc_of(c), "BEGIN", NULL, NULL, err);
}

/*
 * COMMIT of a transaction in which a statement failed succeeds with the
 * tag ROLLBACK: that is a failure to commit, and must be reported as one.
 */
static int pgd_commit(retort_conn *c, retort_dberror *err)
{
	pg_conn *pc = pc_of(c);
	PGresult *res = PQexec(pc->pg, "COMMIT");
	int ret = 0;
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		ret = res ? fail_result(pc, res, NULL, 0, err) : fail_conn(pc, RETORT_EDB, err);
	else if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
		ret = fail_msg(err, RETORT_EDB,
			       "the transaction was rolled back: a statement in it had failed");
	PQclear(res);
	return ret;
}

static int pgd_rollback(retort_conn *c, retort_dberror *err)
{
	pg_conn *pc = pc_of(c);
	if (PQstatus(pc->pg) == CONNECTION_OK && PQtransactionStatus(pc->pg) == PQTRANS_IDLE)
		return 0;
	return run(pc, "ROLLBACK", NULL, NULL, err);
}

/* Run a one-row query with text parameters; *out gets its first value ("" if no row). */
static int query_params(pg_conn *pc, const char *sql, int n, const char *const *params,
			rt_buf *out, retort_dberror *err)
{
	PGresult *res = PQexecParams(pc->pg, sql, n, NULL, params, NULL, NULL, 0);
	int ret = 0;
	rt_buf_clear(out);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		ret = res ? fail_result(pc, res, NULL, 0, err) : fail_conn(pc, RETORT_EDB, err);
	else if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
		rt_buf_puts(out, PQgetvalue(res, 0, 0));
	PQclear(res);
	return ret;
}

/*
 * Tables, views and their kin count, as for Alembic.  Without a schema the
 * name is looked up as an unqualified name is, along the search_path.
 */
static int pgd_table_exists(retort_conn *c, const char *schema, const char *table, int *exists,
			   retort_dberror *err)
{
	static const char with_schema[] =
		"SELECT 1 FROM pg_catalog.pg_class c"
		" JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
		" WHERE n.nspname = $1 AND c.relname = $2"
		" AND c.relkind IN ('r', 'p', 'v', 'm', 'f')";
	static const char on_path[] =
		"SELECT 1 FROM pg_catalog.pg_class c"
		" WHERE c.oid = pg_catalog.to_regclass(pg_catalog.quote_ident($1))"
		" AND c.relkind IN ('r', 'p', 'v', 'm', 'f')";
	rt_buf v = RT_BUF_INIT;
	const char *params[2] = { schema, table };
	int ret = schema ? query_params(pc_of(c), with_schema, 2, params, &v, err)
			 : query_params(pc_of(c), on_path, 1, params + 1, &v, err);
	*exists = ret == 0 && v.len > 0;
	rt_buf_free(&v);
	return ret;
}

/* ---- where the version table is ------------------------------------------- */

/*
 * The database's own name for itself, and the schema the version table is
 * in: the configured one, else the one an unqualified name resolves to
 * now (the table exists), else the one it would be created in.
 */
static int pgd_locate(retort_conn *c, const char *schema, const char *table, retort_target *out,
		      retort_dberror *err)
{
	static const char sql[] =
		"SELECT pg_catalog.current_database(), coalesce($1,"
		" (SELECT n.nspname FROM pg_catalog.pg_class c"
		"  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
		"  WHERE c.oid = pg_catalog.to_regclass(pg_catalog.quote_ident($2))),"
		" pg_catalog.current_schema(), '')";
	pg_conn *pc = pc_of(c);
	const char *params[2] = { schema, table };
	memset(out, 0, sizeof(*out));
	PGresult *res = PQexecParams(pc->pg, sql, 2, NULL, params, NULL, NULL, 0);
	int ret = 0;
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		ret = res ? fail_result(pc, res, NULL, 0, err) : fail_conn(pc, RETORT_EDB, err);
	} else {
		snprintf(out->database, sizeof(out->database), "%s", PQgetvalue(res, 0, 0));
		snprintf(out->schema, sizeof(out->schema), "%s", PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	return ret;
}

/* Whether sql names word (any case) as a whole identifier. */
static int names(const char *sql, const char *word)
{
	size_t n = strlen(word);
	if (!n)
		return 0;
	for (const char *p = sql; (p = strcasestr(p, word)); p++) {
		char before = p == sql ? ' ' : p[-1];
		char after = p[n];
		if (!isalnum((unsigned char)before) && before != '_' && before != '$' &&
		    !isalnum((unsigned char)after) && after != '_' && after != '$')
			return 1;
	}
	return 0;
}

/*
 * A CREATE INDEX CONCURRENTLY that was interrupted or failed leaves its
 * index behind, INVALID: unused by queries, yet enough for IF NOT EXISTS
 * to skip the build on a rerun.  After a section outside a transaction,
 * an INVALID index that the section names, or on a table it names, fails
 * the step instead of being recorded as built.
 */
static int pgd_check_outside(retort_conn *c, const char *sql, retort_dberror *err)
{
	static const char q[] =
		"SELECT ci.relname, ct.relname, pg_catalog.format('%I.%I', n.nspname, ci.relname)"
		" FROM pg_catalog.pg_index i"
		" JOIN pg_catalog.pg_class ci ON ci.oid = i.indexrelid"
		" JOIN pg_catalog.pg_class ct ON ct.oid = i.indrelid"
		" JOIN pg_catalog.pg_namespace n ON n.oid = ci.relnamespace"
		" WHERE NOT i.indisvalid ORDER BY 3";
	pg_conn *pc = pc_of(c);
	PGresult *res = PQexec(pc->pg, q);
	int ret = 0;
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		ret = res ? fail_result(pc, res, NULL, 0, err) : fail_conn(pc, RETORT_EDB, err);
		PQclear(res);
		return ret;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		const char *index = PQgetvalue(res, i, 0), *table = PQgetvalue(res, i, 1);
		if (!names(sql, index) && !names(sql, table))
			continue;
		rt_buf msg = RT_BUF_INIT;
		rt_buf_printf(&msg,
			      "index %s is INVALID (a concurrent build of it was interrupted or "
			      "failed), so this step is not recorded as done; run "
			      "DROP INDEX CONCURRENTLY %s; then run the step again",
			      index, PQgetvalue(res, i, 2));
		ret = fail_msg(err, RETORT_EDB, msg.ptr);
		rt_buf_free(&msg);
		break;
	}
	PQclear(res);
	return ret;
}

/* ---- the migration lock ---------------------------------------------------- */

static int try_lock(pg_conn *pc, const char *key, int *got, retort_dberror *err)
{
	rt_buf v = RT_BUF_INIT;
	const char *params[1] = { key };
	int ret = query_params(pc, "SELECT pg_catalog.pg_try_advisory_lock($1::bigint)", 1, params,
			       &v, err);
	*got = ret == 0 && strcmp(v.ptr, "t") == 0;
	rt_buf_free(&v);
	return ret;
}

/* "held by pid P (user U, application A, since T)", or why we cannot say. */
static void describe_holder(pg_conn *pc, int64_t key, rt_buf *out)
{
	static const char sql[] =
		"SELECT l.pid::text, coalesce(a.usename::text, '?'),"
		" coalesce(nullif(a.application_name, ''), '(none)'),"
		" coalesce(date_trunc('second', a.backend_start)::text, '?')"
		" FROM pg_catalog.pg_locks l"
		" LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid"
		" WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
		" AND l.classid = $1::oid AND l.objid = $2::oid"
		" AND l.database = (SELECT oid FROM pg_catalog.pg_database"
		"                   WHERE datname = pg_catalog.current_database())"
		" LIMIT 1";
	uint64_t u = (uint64_t)key;
	char hi[16], lo[16];
	snprintf(hi, sizeof(hi), "%u", (unsigned)(u >> 32));
	snprintf(lo, sizeof(lo), "%u", (unsigned)(u & 0xffffffffu));
	const char *params[2] = { hi, lo };
	PGresult *res = PQexecParams(pc->pg, sql, 2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		rt_buf_printf(out, "held by pid %s (user %s, application %s, since %s)",
			      PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2),
			      PQgetvalue(res, 0, 3));
	else
		rt_buf_puts(out, "held by another session");
	PQclear(res);
}

/*
 * Poll pg_try_advisory_lock: 50 ms, doubling up to 1 s, each wait ±25%,
 * until timeout seconds have passed; one try at least.
 */
static int pgd_lock(retort_conn *c, const char *name, double timeout, retort_dberror *err)
{
	pg_conn *pc = pc_of(c);
	int64_t key = rt_pg_lock_key(name);
	char keytext[32];
	snprintf(keytext, sizeof(keytext), "%lld", (long long)key);
	rt_backoff b;
	rt_backoff_init(&b, timeout, 0.05, 1.0, pc);
	for (;;) {
		int got = 0, ret = try_lock(pc, keytext, &got, err);
		if (ret || got)
			return ret;
		if (!rt_backoff_wait_or(&b, c->interrupted))
			break;
	}
	if (c->interrupted && atomic_load(c->interrupted))
		return fail_msg(err, RETORT_EINTERRUPTED,
				"interrupted while waiting for the migration lock");
	rt_buf msg = RT_BUF_INIT;
	rt_buf_printf(&msg, "could not take the migration lock within %g s; ",
		      timeout > 0 ? timeout : 0);
	describe_holder(pc, key, &msg);
	fail_msg(err, RETORT_ELOCK, msg.ptr);
	rt_buf_free(&msg);
	return RETORT_ELOCK;
}

static int pgd_unlock(retort_conn *c, const char *name, retort_dberror *err)
{
	pg_conn *pc = pc_of(c);
	char keytext[32];
	snprintf(keytext, sizeof(keytext), "%lld", (long long)rt_pg_lock_key(name));
	const char *params[1] = { keytext };
	rt_buf v = RT_BUF_INIT;
	int ret = query_params(pc, "SELECT pg_catalog.pg_advisory_unlock($1::bigint)", 1, params,
			       &v, err);
	if (ret == 0 && strcmp(v.ptr, "t") != 0)
		ret = fail_msg(err, RETORT_ELOCK, "the migration lock was not held by this session");
	rt_buf_free(&v);
	return ret;
}

/* ---- connecting ------------------------------------------------------------ */

typedef struct kv {
	const char **keys, **vals;
	size_t n;
} kv;

static void kv_add(kv *p, const char *key, const char *val)
{
	if (!val)
		return;
	p->keys[p->n] = key;
	p->vals[p->n] = val;
	p->n++;
}

static int has_query_key(const retort_conninfo *ci, const char *key)
{
	for (size_t i = 0; i < ci->n_query; i++)
		if (strcmp(ci->query_keys[i], key) == 0)
			return 1;
	return 0;
}

/* libpq's keywords for ci; later ones override earlier, so the URL's query wins. */
static void conn_params(kv *p, const retort_conninfo *ci)
{
	p->keys = rt_xcalloc(ci->n_query + 12, sizeof(*p->keys));
	p->vals = rt_xcalloc(ci->n_query + 12, sizeof(*p->vals));
	kv_add(p, "host", ci->host);
	kv_add(p, "port", ci->port);
	kv_add(p, "user", ci->user);
	kv_add(p, "password", ci->password);
	kv_add(p, "dbname", ci->database);
	kv_add(p, "fallback_application_name", "retort");
	kv_add(p, "client_encoding", "UTF8");
	if (!has_query_key(ci, "connect_timeout") && !getenv("PGCONNECT_TIMEOUT"))
		kv_add(p, "connect_timeout", "10");
	for (size_t i = 0; i < ci->n_query; i++)
		kv_add(p, ci->query_keys[i], ci->query_vals[i]);
	p->keys[p->n] = NULL;
	p->vals[p->n] = NULL;
}

static void quiet(void *arg, const char *message)
{
	/* the library never prints: NOTICEs and WARNINGs are dropped */
}

/* What the core needs of a session, checked once connected. */
static int setup_session(pg_conn *pc, retort_dberror *err)
{
	PQsetNoticeProcessor(pc->pg, quiet, NULL);
	const char *scs = PQparameterStatus(pc->pg, "standard_conforming_strings");
	if (!scs || strcmp(scs, "on") != 0)
		return fail_msg(err, RETORT_ECONNECT,
				"standard_conforming_strings is off; retort quotes SQL literals for "
				"it being on (ALTER ROLE or ALTER DATABASE ... SET "
				"standard_conforming_strings = on)");
	const char *enc = PQparameterStatus(pc->pg, "server_encoding");
	pc->byte_positions = enc && strcmp(enc, "SQL_ASCII") == 0;
	/*
	 * If this runner is killed mid-statement while it holds the run lock,
	 * the server only notices the dead client when the statement ends,
	 * unless it checks the socket while running (PostgreSQL 14+).  Checking
	 * every second frees the lock for the next runner within a second.
	 */
	const char *sql = PQserverVersion(pc->pg) >= 140000
		? "SET client_min_messages = warning; SET client_connection_check_interval = 1000"
		: "SET client_min_messages = warning";
	int ret = run(pc, sql, NULL, NULL, err);
	return ret ? RETORT_ECONNECT : 0;
}

static void free_conn(pg_conn *pc)
{
	if (pc->cancel)
		PQfreeCancel(pc->cancel);
	PQfinish(pc->pg);
	free(pc->secret[0]);
	free(pc->secret[1]);
	for (int i = 0; i < 3; i++)
		free(pc->names[i]);
	free(pc);
}

static int pgd_connect(retort_conn **out, const retort_conninfo *ci, retort_dberror *err)
{
	*out = NULL;
	const char *why = rt_pq_load();
	if (why)
		return fail_msg(err, RETORT_EUNSUPPORTED, why);
	kv p = { 0 };
	conn_params(&p, ci);
	pg_conn *pc = rt_xcalloc(1, sizeof(*pc));
	pc->base.driver = &rt_postgres_driver;
	pc->pg = PQconnectdbParams(p.keys, p.vals, 0);
	free(p.keys);
	free(p.vals);
	if (ci->password && *ci->password)
		pc->secret[0] = rt_xstrdup(ci->password);
	const char *used = pc->pg ? PQpass(pc->pg) : NULL;
	if (used && *used)
		pc->secret[1] = rt_xstrdup(used);
	const char *names[3] = { pc->pg ? PQuser(pc->pg) : NULL, pc->pg ? PQdb(pc->pg) : NULL,
				 pc->pg ? PQhost(pc->pg) : NULL };
	for (int i = 0; i < 3; i++)
		pc->names[i] = names[i] && *names[i] ? rt_xstrdup(names[i]) : NULL;
	int ret = 0;
	if (!pc->pg)
		ret = fail_msg(err, RETORT_ECONNECT, "out of memory connecting to the server");
	else if (PQstatus(pc->pg) != CONNECTION_OK)
		ret = fail_conn(pc, RETORT_ECONNECT, err);
	else
		ret = setup_session(pc, err);
	if (!ret)
		pc->cancel = PQgetCancel(pc->pg);
	if (ret) {
		if (err)
			err->lost = 1;
		free_conn(pc);
		return ret;
	}
	*out = &pc->base;
	return 0;
}

/*
 * retort_interrupt(): the server stops the statement running (57014); a
 * session that runs none ignores the request.  PQcancel is documented as
 * safe from a signal handler and another thread, with its own buffer.
 */
static void pgd_cancel(retort_conn *c)
{
	char buf[256];
	pg_conn *pc = pc_of(c);
	if (pc->cancel)
		PQcancel(pc->cancel, buf, (int)sizeof(buf));
}

static void pgd_close(retort_conn *c)
{
	if (c)
		free_conn(pc_of(c));
}

const retort_driver rt_postgres_driver = {
	.version = RETORT_DRIVER_VERSION,
	.name = "postgresql",
	.connect = pgd_connect,
	.close = pgd_close,
	.exec = pgd_exec,
	.query = pgd_query,
	.begin = pgd_begin,
	.commit = pgd_commit,
	.rollback = pgd_rollback,
	.table_exists = pgd_table_exists,
	.split = pgd_split,
	.lock = pgd_lock,
	.unlock = pgd_unlock,
	.locate = pgd_locate,
	.check_outside = pgd_check_outside,
	.cancel = pgd_cancel,
};

#endif /* RETORT_WITH_POSTGRES */
