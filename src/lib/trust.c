/*
 * trust.c: what a team can check its history and database with: `dump`
 * (the database's schema as SQL), `baseline` (a history collapsed into one
 * root revision), `verify` (every downgrade undoes its upgrade) and
 * `drift` (the database is what its applied revisions make).
 *
 * verify and drift run revisions on a scratch database of the project's
 * dialect (model.h: a temporary SQLite file; a database of its own on the
 * PostgreSQL server) and read schemas with the dialect's inspector
 * (replay.h).  verify compares a fingerprint of the catalog after each
 * step instead (one query, its rows sorted): a long history is checked in
 * time close to applying it three times, and a difference is named from
 * the rows ("leaves index ix_users_email").
 */
#include "db.h"
#include "model.h"
#include "replay.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <time.h>

/* --- dump ---------------------------------------------------------------------- */

/* The SQL that makes s in an empty database, in autogenerate's order. */
static int render_from_empty(retort *r, const rt_schema *s, bool down, rt_buf *out)
{
	rt_schema empty;
	memset(&empty, 0, sizeof(empty));
	rt_diff d;
	rt_diff_compute(&d, down ? s : &empty, down ? &empty : s, NULL, false);
	int rc = rt_diff_render(out, &d, r->dialect->name, &r->err);
	rt_diff_free(&d);
	return rc;
}

int retort_dump(retort *r, char **sql_out)
{
	*sql_out = NULL;
	rt_err_clear(&r->err);
	rt_schema s;
	memset(&s, 0, sizeof(s));
	int rc = rt_project_connect(r);
	if (!rc)
		rc = rt_replay_inspect(r, r->conn, &s);
	rt_buf out = RT_BUF_INIT;
	if (!rc)
		rc = render_from_empty(r, &s, false, &out);
	rt_schema_free(&s);
	if (rc) {
		rt_buf_free(&out);
		return rc;
	}
	*sql_out = out.ptr ? rt_buf_detach(&out) : rt_xstrdup("");
	return 0;
}

/* --- baseline -------------------------------------------------------------------- */

/*
 * Move every revision file into dir (made): each move is kept in from/to,
 * so that a failure anywhere after (a move, the new file's write: a full
 * disk) puts every file back (undo_archive).
 */
static int archive_files(retort *r, const char *dir, rt_strvec *from, rt_strvec *to)
{
	if (rt_mkdir_p(dir))
		return rt_error(&r->err, RETORT_EIO, "cannot make '%s': %s", dir, strerror(errno));
	for (uint32_t i = 0; i < r->graph.n; i++) {
		const rt_revfile *rf = r->graph.nodes[i].rf;
		const char *paths[2] = { rf->path, rf->twin };
		for (int k = 0; k < 2; k++) {
			if (!paths[k])
				continue;
			const char *base = strrchr(paths[k], '/');
			rt_buf dst = RT_BUF_INIT;
			rt_path_join(&dst, dir, base ? base + 1 : paths[k]);
			int bad = rename(paths[k], dst.ptr);
			if (!bad) {
				rt_strvec_push(from, paths[k]);
				rt_strvec_push(to, dst.ptr);
			}
			rt_buf_free(&dst);
			if (bad)
				return rt_error(&r->err, RETORT_EIO, "cannot move '%s' to '%s': %s",
						paths[k], dir, strerror(errno));
		}
	}
	return 0;
}

/* Put back what archive_files moved, newest first, and remove dir (now empty). */
static void undo_archive(retort *r, const char *dir, const rt_strvec *from, const rt_strvec *to)
{
	for (size_t i = to->len; i-- > 0;)
		if (rename(to->v[i], from->v[i]) != 0)
			rt_log(r, RETORT_LOG_ERROR, "cannot move '%s' back to '%s': %s", to->v[i],
			       from->v[i], strerror(errno));
	rmdir(dir);
}

int retort_baseline(retort *r, const char *message, char **path_out)
{
	if (path_out)
		*path_out = NULL;
	rt_err_clear(&r->err);
	int rc = rt_project_state(r, true);
	if (rc)
		return rc;
	const rt_graph *g = &r->graph;
	size_t nheads = 0;
	uint32_t head = 0;
	for (uint32_t i = 0; i < g->nheads; i++)
		if (!g->nodes[g->heads[i]].ndependents)
			head = g->heads[i], nheads++;
	if (nheads != 1)
		return rt_error(&r->err, RETORT_ESTATE,
				"the history has %zu heads; merge them (retort merge heads) and "
				"upgrade before a baseline", nheads);
	if (r->state.rows.len != 1 || strcmp(r->state.rows.v[0], g->nodes[head].pub.id))
		return rt_error(&r->err, RETORT_ESTATE,
				"the database is not at head (%s); upgrade it first: the baseline "
				"is the schema of a database at head",
				g->nodes[head].pub.id);
	rt_schema s;
	memset(&s, 0, sizeof(s));
	rt_buf up = RT_BUF_INIT, down = RT_BUF_INIT;
	rc = rt_replay_inspect(r, r->conn, &s);
	if (!rc)
		rc = render_from_empty(r, &s, false, &up);
	if (!rc)
		rc = render_from_empty(r, &s, true, &down);
	rt_schema_free(&s);

	/* the archive: beside the version locations, never inside one */
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", gmtime_r(&now, &tm));
	rt_buf dir = RT_BUF_INIT;
	rt_buf_printf(&dir, "%s/archive-%s", r->cfg.script_location, stamp);
	char *id = rt_xstrdup(g->nodes[head].pub.id);
	rt_strvec labels = RT_STRVEC_INIT;
	for (size_t i = 0; i < g->nodes[head].pub.nlabels; i++)
		rt_strvec_push(&labels, g->nodes[head].pub.labels[i]);
	rt_strvec from = RT_STRVEC_INIT, to = RT_STRVEC_INIT;
	size_t moved = 0;
	bool archiving = !rc;
	if (!rc)
		rc = archive_files(r, dir.ptr, &from, &to);
	moved = to.len;
	if (!rc) {
		rt_project_forget_graph(r);
		retort_revision_options o = RETORT_REVISION_OPTIONS_INIT;
		o.message = message && *message ? message : "baseline";
		o.head = "base";
		o.rev_id = id;
		o.branch_label = labels.len ? labels.v[0] : NULL;
		o.upgrades = up.ptr ? up.ptr : "";
		o.downgrades = down.ptr ? down.ptr : "";
		rc = retort_revision(r, &o, path_out);
		if (!rc)
			rt_log(r, RETORT_LOG_INFO, "%zu revision file%s moved to %s; the database "
			       "stays at %s, which is now the baseline", moved,
			       moved == 1 ? "" : "s", dir.ptr, id);
	}
	/* anything failed once files moved: every one goes back, nothing new stays */
	if (rc && archiving) {
		if (path_out && *path_out) {
			unlink(*path_out);
			free(*path_out);
			*path_out = NULL;
		}
		undo_archive(r, dir.ptr, &from, &to);
		rt_project_forget_graph(r);
		rt_error_wrap(&r->err, rc, "baseline changed nothing (every file is back where it "
			      "was): ");
	}
	rt_strvec_free(&from);
	rt_strvec_free(&to);
	rt_strvec_free(&labels);
	free(id);
	rt_buf_free(&dir);
	rt_buf_free(&up);
	rt_buf_free(&down);
	return rc;
}

/* --- A scratch database to replay on ------------------------------------------------ */

typedef struct replay {
	retort *r;
	rt_scratch sc;
	char *url;
} replay;

static int replay_open(retort *r, replay *p)
{
	memset(p, 0, sizeof(*p));
	p->r = r;
	int rc = rt_scratch_own_database(r, &p->sc, &p->url);
	/* nothing on a scratch database needs to survive a crash */
	if (!rc)
		rc = rt_replay_exec(r, p->sc.conn, r->dialect->no_durability_sql);
	return rc;
}

static int replay_close(replay *p, int rc)
{
	if (p->url) {
		explicit_bzero(p->url, strlen(p->url));
		free(p->url);
		p->url = NULL;
	}
	if (p->sc.conn || p->sc.dbname || p->sc.file)
		rc = rt_scratch_close(p->r, &p->sc, rc);
	return rc;
}

/* The SQL a revision's section runs, or an error for an Alembic module. */
static int section_of(retort *r, const rt_revfile *rf, bool up, const char **sql)
{
	if (rf->python)
		return rt_error(&r->err, RETORT_EPARSE,
				"%s: an Alembic revision with no .sql twin; `retort convert` "
				"writes its SQL", rf->path);
	*sql = up ? rf->upgrade.sql : rf->downgrade.sql;
	return 0;
}

static int run_section(replay *p, const rt_revfile *rf, bool up)
{
	const char *sql = NULL;
	int rc = section_of(p->r, rf, up, &sql);
	if (!rc && (rc = rt_replay_exec(p->r, p->sc.conn, sql)))
		rc = rt_error_wrap(&p->r->err, rc, "%s: its %s failed: ", rf->path,
				   up ? "upgrade" : "downgrade");
	return rc;
}

/* --- verify ------------------------------------------------------------------------ */

static int fingerprint(replay *p, rt_strvec *out)
{
	return rt_replay_fingerprint(p->r, p->sc.conn, out);
}

/* A row's key (its first three fields: kind, name, part; dialect.h). */
static size_t row_key(const char *row)
{
	const char *p = row;
	for (int f = 0; f < 3 && p; f++) {
		p = strchr(p, '\x1f');
		p = p ? p + 1 : NULL;
	}
	return p ? (size_t)(p - row) : strlen(row);
}

/* A row in words for a person: "index ix_a", "column users.email". */
static void row_words(rt_buf *out, const char *row)
{
	char kind[32] = "", name[256] = "", part[256] = "";
	const char *f[3] = { row, NULL, NULL };
	for (int i = 1; i < 3; i++)
		f[i] = f[i - 1] && strchr(f[i - 1], '\x1f') ? strchr(f[i - 1], '\x1f') + 1 : NULL;
	snprintf(kind, sizeof(kind), "%.*s", (int)strcspn(f[0], "\x1f"), f[0]);
	if (f[1])
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(f[1], "\x1f"), f[1]);
	if (f[2])
		snprintf(part, sizeof(part), "%.*s", (int)strcspn(f[2], "\x1f"), f[2]);
	if (!strcmp(kind, "column"))
		rt_buf_printf(out, "column %s.%s", name, part);
	else if (!strcmp(kind, "constraint"))
		rt_buf_printf(out, "constraint %s on %s", part, name);
	else
		rt_buf_printf(out, "%s %s", kind, name);
}

/*
 * The differences between two fingerprints (sorted rows), in words:
 * "leaves index ix_a", "lacks column users.email", "changes table t".
 */
static void fingerprint_diff(const rt_strvec *want, const rt_strvec *now, rt_buf *why)
{
	rt_strvec lines = RT_STRVEC_INIT;
	size_t i = 0, j = 0;
	while (i < want->len || j < now->len) {
		const char *a = i < want->len ? want->v[i] : NULL;
		const char *b = j < now->len ? now->v[j] : NULL;
		int c = !a ? 1 : !b ? -1 : strcmp(a, b);
		if (!c) {
			i++, j++;
			continue;
		}
		size_t ka = a ? row_key(a) : 0, kb = b ? row_key(b) : 0;
		int kc = !a ? 1 : !b ? -1 : ka == kb && !memcmp(a, b, ka) ? 0 : strcmp(a, b);
		rt_buf line = RT_BUF_INIT;
		rt_buf_puts(&line, kc == 0 ? "changes " : kc < 0 ? "lacks " : "leaves ");
		row_words(&line, kc > 0 ? b : a);
		i += kc <= 0;
		j += kc >= 0;
		if (!lines.len || strcmp(lines.v[lines.len - 1], line.ptr))
			rt_strvec_push(&lines, line.ptr);
		rt_buf_free(&line);
	}
	/* a table or view that is left or lacking says it for its columns */
	size_t n = 0;
	for (size_t k = 0; k < lines.len; k++) {
		const char *l = lines.v[k], *col = strstr(l, " column ");
		if (col) {
			rt_buf rel = RT_BUF_INIT;
			const char *dot = strchr(col + 8, '.');
			size_t verb = (size_t)(col - l);
			if (dot) {
				bool covered = false;
				const char *kinds[] = { " table ", " view " };
				for (int q = 0; q < 2 && !covered; q++) {
					rt_buf_clear(&rel);
					rt_buf_printf(&rel, "%.*s%s%.*s", (int)verb, l, kinds[q],
						      (int)(dot - col - 8), col + 8);
					covered = rt_strvec_contains(&lines, rel.ptr);
				}
				rt_buf_free(&rel);
				if (covered)
					continue;
			}
		}
		if (n++ < 6)
			rt_buf_printf(why, "%s%s", why->len ? ", " : "", l);
	}
	if (n > 6)
		rt_buf_printf(why, " and %zu more", n - 6);
	rt_strvec_free(&lines);
}

static bool same_rows(const rt_strvec *a, const rt_strvec *b)
{
	if (a->len != b->len)
		return false;
	for (size_t i = 0; i < a->len; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

/*
 * in: the revisions to verify (range, or all); need: those and what they
 * stand on (their ancestors), which are upgraded without checks.
 */
static int verify_marks(retort *r, const char *range, uint8_t *in, uint8_t *need)
{
	const rt_graph *g = &r->graph;
	if (!range) {
		memset(in, 1, g->n);
		memset(need, 1, g->n);
		return 0;
	}
	int rc = rt_mark_range(in, g, range, &r->err);
	uint32_t *stack = rt_xcalloc(g->n ? g->n : 1, sizeof(uint32_t));
	for (uint32_t i = 0; !rc && i < g->n; i++)
		if (in[i])
			rt_graph_mark(g, i, RT_WALK_UP, NULL, 0, need, stack);
	free(stack);
	return rc;
}

int retort_verify(retort *r)
{
	return retort_verify_range(r, NULL);
}

int retort_verify_range(retort *r, const char *range)
{
	rt_err_clear(&r->err);
	int rc = rt_project_url(r);
	if (!rc)
		rc = rt_project_graph(r);
	if (rc)
		return rc;
	const rt_graph *g = &r->graph;
	uint8_t *in = rt_xcalloc(g->n ? g->n : 1, 1), *need = rt_xcalloc(g->n ? g->n : 1, 1);
	if ((rc = verify_marks(r, range, in, need))) {
		free(in);
		free(need);
		return rc;
	}
	replay p;
	rc = replay_open(r, &p);
	rt_strvec before = RT_STRVEC_INIT, after = RT_STRVEC_INIT, now = RT_STRVEC_INIT;
	rt_buf why = RT_BUF_INIT;
	size_t nfailed = 0, nchecked = 0;
	bool stale = true; /* before is not the scratch's schema now */
	for (uint32_t k = 0; !rc && k < g->n; k++) {
		uint32_t node = g->order[k];
		const rt_revfile *rf = g->nodes[node].rf;
		if (!need[node])
			continue;
		if (!in[node]) { /* below the range: upgraded, not checked */
			rc = run_section(&p, rf, true);
			stale = true;
			continue;
		}
		if (stale && (rc = fingerprint(&p, &before)))
			break;
		stale = false;
		if ((rc = run_section(&p, rf, true)) || (rc = fingerprint(&p, &after)) ||
		    (rc = run_section(&p, rf, false)) || (rc = fingerprint(&p, &now)))
			break;
		nchecked++;
		if (!same_rows(&before, &now)) {
			rt_buf_clear(&why);
			fingerprint_diff(&before, &now, &why);
			nfailed++;
			rt_log(r, RETORT_LOG_ERROR, "%s: downgrade of %s %s", rf->path, rf->id,
			       why.len ? why.ptr : "does not undo its upgrade");
			/*
			 * What the downgrade left in place would fail the upgrade
			 * run again: the scratch is made anew, every upgrade up to
			 * this one replayed, and the next revision checked from there.
			 */
			rc = replay_close(&p, 0);
			if (!rc)
				rc = replay_open(r, &p);
			for (uint32_t i = 0; !rc && i <= k; i++)
				if (need[g->order[i]])
					rc = run_section(&p, g->nodes[g->order[i]].rf, true);
			if (!rc)
				rc = fingerprint(&p, &before);
			continue;
		}
		if ((rc = run_section(&p, rf, true)) || (rc = fingerprint(&p, &now)))
			break;
		if (!same_rows(&after, &now)) {
			rt_buf_clear(&why);
			fingerprint_diff(&after, &now, &why);
			nfailed++;
			rt_log(r, RETORT_LOG_ERROR, "%s: upgrade of %s run again after its downgrade "
			       "%s", rf->path, rf->id, why.len ? why.ptr : "gives another schema");
		}
		rt_strvec tmp = before;
		before = now;
		now = tmp;
	}
	free(in);
	free(need);
	/* the history must end where the team says it should: the model */
	bool model = !rc && !range && rt_model_exists(r);
	if (model) {
		rt_schema made, want;
		rt_renames renames;
		memset(&made, 0, sizeof(made));
		rc = rt_replay_inspect(r, p.sc.conn, &made);
		if (!rc && !(rc = rt_model_load(r, &want, &renames, &made))) {
			rt_replay_filter(r, &want);
			rt_buf_clear(&why);
			if (rt_replay_differences(r, &made, &want, 6, &why)) {
				nfailed++;
				rt_log(r, RETORT_LOG_ERROR, "the history's last schema is not the model's "
				       "(from the history's to the model's: %s)", why.ptr);
			}
			rt_schema_free(&want);
			rt_renames_free(&renames);
		}
		rt_schema_free(&made);
	}
	rc = replay_close(&p, rc);
	rt_strvec_free(&before);
	rt_strvec_free(&after);
	rt_strvec_free(&now);
	rt_buf_free(&why);
	if (rc)
		return rc;
	if (nfailed)
		return rt_error(&r->err, RETORT_EDIFF, "%zu problem%s in %zu revisions (listed "
				"above)", nfailed, nfailed == 1 ? "" : "s", nchecked);
	rt_log(r, RETORT_LOG_INFO, "%zu revision%s verified on a scratch %s database: each "
	       "downgrade undoes its upgrade, and upgrading again gives the same schema%s",
	       nchecked, nchecked == 1 ? "" : "s", r->dialect->name,
	       model ? "; the last one is the model's" : "");
	return 0;
}

/* --- drift --------------------------------------------------------------------------- */

/* One difference as a sentence: what the database has that the history does not. */
static void drift_line(rt_buf *out, const rt_op *op)
{
	rt_buf what = RT_BUF_INIT;
	rt_op_describe(&what, op);
	const char *w = what.ptr;
	if (!strncmp(w, "add ", 4))
		rt_buf_printf(out, "%s is in the database but no revision makes it", w + 4);
	else if (!strncmp(w, "remove ", 7))
		rt_buf_printf(out, "%s is missing from the database", w + 7);
	else
		rt_buf_printf(out, "the database differs from what the revisions make: %s", w);
	rt_buf_free(&what);
}

int retort_drift(retort *r)
{
	rt_err_clear(&r->err);
	int rc = rt_project_state(r, true);
	if (rc)
		return rc;
	const rt_graph *g = &r->graph;
	replay p;
	rc = replay_open(r, &p);
	size_t napplied = 0;
	for (uint32_t k = 0; !rc && k < g->n; k++) {
		uint32_t n = g->order[k];
		if (!r->state.applied[n])
			continue;
		rc = run_section(&p, g->nodes[n].rf, true);
		napplied++;
	}
	rt_schema live, made;
	memset(&live, 0, sizeof(live));
	memset(&made, 0, sizeof(made));
	if (!rc)
		rc = rt_replay_inspect(r, p.sc.conn, &made);
	if (!rc)
		rc = rt_replay_inspect(r, r->conn, &live);
	size_t n = 0;
	if (!rc) {
		rt_diff d;
		rt_diff_compute(&d, &made, &live, NULL, false);
		for (size_t i = 0; i < d.n; i++) {
			rt_buf line = RT_BUF_INIT;
			drift_line(&line, &d.ops[i]);
			rt_log(r, RETORT_LOG_ERROR, "%s", line.ptr);
			rt_buf_free(&line);
		}
		n = d.n;
		rt_diff_free(&d);
	}
	rt_schema_free(&live);
	rt_schema_free(&made);
	rc = replay_close(&p, rc);
	if (rc)
		return rc;
	if (n)
		return rt_error(&r->err, RETORT_EDIFF, "the database has drifted: %zu difference%s "
				"from the %zu revision%s it has applied", n, n == 1 ? "" : "s",
				napplied, napplied == 1 ? "" : "s");
	rt_log(r, RETORT_LOG_INFO, "no drift: the database is what its %zu applied revision%s "
	       "make", napplied, napplied == 1 ? "" : "s");
	return 0;
}
