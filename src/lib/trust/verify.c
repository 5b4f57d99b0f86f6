/*
 * verify.c: `verify`, every downgrade undoes its upgrade, on a scratch
 * database of the project's backend (replay.h).  It compares a fingerprint
 * of the catalog after each step (one query, its rows sorted): a long
 * history is checked in time close to applying it three times, and a
 * difference is named from the rows ("leaves index ix_users_email").
 */
#include "db.h"
#include "model.h"
#include "replay.h"
#include "findings.h"
#include "trust.h"
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

/* --- verify ------------------------------------------------------------------------ */

static int fingerprint(rt_replay *p, rt_strvec *out)
{
	return rt_replay_fingerprint(p->r, p->sc.conn, out);
}

/* A row's key (its first three fields: kind, name, part; backends/backend.h). */
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
	rt_replay p;
	rc = rt_replay_open(r, &p);
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
			rc = rt_replay_section(&p, rf, true);
			stale = true;
			continue;
		}
		if (stale && (rc = fingerprint(&p, &before)))
			break;
		stale = false;
		if ((rc = rt_replay_section(&p, rf, true)) || (rc = fingerprint(&p, &after)) ||
		    (rc = rt_replay_section(&p, rf, false)) || (rc = fingerprint(&p, &now)))
			break;
		nchecked++;
		if (!same_rows(&before, &now)) {
			rt_buf_clear(&why);
			fingerprint_diff(&before, &now, &why);
			nfailed++;
			rt_problem(r, "downgrade", rf->id, rf->path, "%s: downgrade of %s %s", rf->path,
				   rf->id, why.len ? why.ptr : "does not undo its upgrade");
			/*
			 * What the downgrade left in place would fail the upgrade
			 * run again: the scratch is made anew, every upgrade up to
			 * this one replayed, and the next revision checked from there.
			 */
			rc = rt_replay_close(&p, 0);
			if (!rc)
				rc = rt_replay_open(r, &p);
			for (uint32_t i = 0; !rc && i <= k; i++)
				if (need[g->order[i]])
					rc = rt_replay_section(&p, g->nodes[g->order[i]].rf, true);
			if (!rc)
				rc = fingerprint(&p, &before);
			continue;
		}
		if ((rc = rt_replay_section(&p, rf, true)) || (rc = fingerprint(&p, &now)))
			break;
		if (!same_rows(&after, &now)) {
			rt_buf_clear(&why);
			fingerprint_diff(&after, &now, &why);
			nfailed++;
			rt_problem(r, "upgrade_again", rf->id, rf->path, "%s: upgrade of %s run again "
				   "after its downgrade %s", rf->path, rf->id,
				   why.len ? why.ptr : "gives another schema");
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
				rt_problem(r, "model", NULL, NULL, "the history's last schema is not the "
					   "model's (from the history's to the model's: %s)", why.ptr);
			}
			rt_schema_free(&want);
			rt_renames_free(&renames);
		}
		rt_schema_free(&made);
	}
	rc = rt_replay_close(&p, rc);
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
	       nchecked, nchecked == 1 ? "" : "s", r->backend->name,
	       model ? "; the last one is the model's" : "");
	return 0;
}

int retort_verify_report(retort *r, const char *range, retort_validation **out)
{
	return rt_report(r, retort_verify_range, range, out);
}
