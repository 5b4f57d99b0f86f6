/*
 * baseline.c: `baseline`, a history collapsed into one root revision at the
 * head's id, holding the database's schema; the old files are archived,
 * and every one put back if anything fails.
 */
#include "db.h"
#include "model.h"
#include "replay.h"
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
		rc = rt_render_from_empty(r, &s, false, &up);
	if (!rc)
		rc = rt_render_from_empty(r, &s, true, &down);
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
