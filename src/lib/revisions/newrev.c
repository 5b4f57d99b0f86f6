/*
 * newrev.c: writing new revision files (`revision`, `merge`) and new
 * projects (`init`).
 *
 * The rules are Alembic 1.8's ScriptDirectory.generate_revision: the new
 * revision goes on the single head unless told otherwise, a non-head needs
 * --splice, the file goes beside its parent's file, and nothing that exists
 * is ever overwritten.  One difference: the expanded template is parsed
 * before it is written, so a broken script.sql.tmpl is reported at once
 * instead of breaking every later command.
 */
#include "project.h"
#include "template.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* The revision being written. */
typedef struct newrev {
	char id[64];
	rt_strvec parents;     /* full ids */
	rt_strvec depends;     /* full ids */
	const char *dir;       /* the folder it goes into (borrowed) */
	char *dir_owned;
} newrev;

static void newrev_free(newrev *n)
{
	rt_strvec_free(&n->parents);
	rt_strvec_free(&n->depends);
	free(n->dir_owned);
}

static bool node_is_head(const rt_node *nd)
{
	return nd->nchildren == 0; /* Alembic's is_head: no revision revises it */
}

/* Add node to the parents, refusing duplicates and (without splice) non-heads. */
static int add_parent(retort *r, newrev *n, const rt_node *nd, bool splice)
{
	const char *id = nd->rf->id;
	if (!splice && !node_is_head(nd))
		return rt_error(&r->err, RETORT_EUSAGE,
				"revision %s is not a head revision; use --splice to create a new "
				"branch from this revision",
				id);
	if (rt_strvec_contains(&n->parents, id))
		return rt_error(&r->err, RETORT_EUSAGE, "duplicate head revisions specified ('%s')",
				id);
	rt_strvec_push(&n->parents, id);
	return 0;
}

static int add_resolved(retort *r, newrev *n, const char *spec, bool splice)
{
	rt_targets t = { 0 };
	int rc = rt_resolve(&t, &r->graph, NULL, spec, &r->err);
	for (size_t i = 0; !rc && i < t.n; i++)
		rc = add_parent(r, n, &r->graph.nodes[t.v[i]], splice);
	rt_targets_free(&t);
	return rc;
}

static int multiple_heads(retort *r)
{
	rt_buf ids = RT_BUF_INIT;
	for (uint32_t i = 0; i < r->graph.nheads && i < 8; i++)
		rt_buf_printf(&ids, "%s%s", i ? ", " : "", r->graph.nodes[r->graph.heads[i]].rf->id);
	if (r->graph.nheads > 8)
		rt_buf_puts(&ids, ", ...");
	int rc = rt_error(&r->err, RETORT_EAMBIGUOUS,
			  "multiple heads are present (%s); please specify --head or run "
			  "'retort merge'",
			  ids.ptr);
	rt_buf_free(&ids);
	return rc;
}

static int parents_for_revision(retort *r, newrev *n, const retort_revision_options *o)
{
	const char *head = o->head ? o->head : "head";
	if (!strcmp(head, "base"))
		return 0; /* a new root */
	if (!strcmp(head, "head")) {
		if (r->graph.nheads > 1)
			return multiple_heads(r);
		if (r->graph.nheads == 0)
			return 0; /* the first revision of the project */
		return add_parent(r, n, &r->graph.nodes[r->graph.heads[0]], o->splice);
	}
	return add_resolved(r, n, head, o->splice);
}

static int parents_for_merge(retort *r, newrev *n, const retort_revision_options *o)
{
	for (size_t i = 0; i < o->nmerge; i++) {
		int rc = add_resolved(r, n, o->merge[i], o->splice);
		if (rc)
			return rc;
	}
	if (n->parents.len < 2)
		return rt_error(&r->err, RETORT_EUSAGE,
				"a merge needs at least two distinct revisions (got %zu)",
				n->parents.len);
	return 0;
}

static int choose_id(retort *r, newrev *n, const char *rev_id)
{
	if (!rev_id) {
		/* 48 random bits: a clash is a wonder, but cheap to rule out */
		for (int tries = 0; tries < 8; tries++) {
			int rc = rt_new_rev_id(n->id, &r->err);
			if (rc)
				return rc;
			if (!rt_graph_get(&r->graph, n->id))
				return 0;
		}
		return rt_error(&r->err, RETORT_ERROR, "cannot find an unused revision id");
	}
	rt_err e;
	if (!rt_revid_valid(rev_id, &e))
		return rt_error(&r->err, RETORT_EUSAGE, "--rev-id: %s", e.msg);
	const rt_node *nd = rt_graph_get(&r->graph, rev_id);
	if (nd)
		return rt_error(&r->err, RETORT_EEXISTS, "revision id '%s' already exists in '%s'",
				rev_id, nd->rf->path);
	size_t len = strlen(rev_id);
	memcpy(n->id, rev_id, len + 1); /* rt_revid_valid: at most 32 characters */
	return 0;
}

static int check_label(retort *r, const char *label)
{
	if (!label)
		return 0;
	if (!*label || strpbrk(label, "@,: \t\r\n"))
		return rt_error(&r->err, RETORT_EUSAGE,
				"branch label '%s' must be non-empty and hold no '@', ',', ':' or "
				"blanks",
				label);
	const rt_node *nd = rt_map_get(&r->graph.by_label, label);
	if (nd)
		return rt_error(&r->err, RETORT_EEXISTS,
				"branch label '%s' is already used by revision %s (%s)", label,
				nd->rf->id, nd->rf->path);
	if (rt_graph_get(&r->graph, label))
		return rt_error(&r->err, RETORT_EEXISTS,
				"branch label '%s' is the id of a revision", label);
	return 0;
}

static int resolve_depends(retort *r, newrev *n, const retort_revision_options *o)
{
	for (size_t i = 0; i < o->ndepends_on; i++) {
		rt_targets t = { 0 };
		int rc = rt_resolve(&t, &r->graph, NULL, o->depends_on[i], &r->err);
		if (!rc && t.n != 1)
			rc = rt_error(&r->err, RETORT_EAMBIGUOUS,
				      "--depends-on '%s' must name exactly one revision",
				      o->depends_on[i]);
		if (!rc) {
			const char *id = r->graph.nodes[t.v[0]].rf->id;
			if (!rt_strvec_contains(&n->depends, id))
				rt_strvec_push(&n->depends, id);
		}
		rt_targets_free(&t);
		if (rc)
			return rc;
	}
	return 0;
}

/* Whether two existing folders are the same one. */
static bool same_dir(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/*
 * The folder for the new file: --version-path, else the folder of the first
 * parent's file, else the first version location.  It must exist and be a
 * version location, or the new file would never be read again (Alembic:
 * "Path ... is not represented in current version locations").
 */
static int choose_dir(retort *r, newrev *n, const char *version_path)
{
	const rt_strvec *locs = &r->cfg.version_locations;
	if (version_path) {
		n->dir = version_path;
	} else if (n->parents.len) {
		const rt_node *nd = rt_graph_get(&r->graph, n->parents.v[0]);
		n->dir = n->dir_owned = rt_dirname(nd->rf->path);
	} else if (locs->len) {
		n->dir = locs->v[0];
	} else {
		return rt_error(&r->err, RETORT_ECONFIG, "no version location is configured");
	}
	if (!rt_isdir(n->dir))
		return rt_error(&r->err, RETORT_ECONFIG,
				"path '%s' does not exist; create it or give --version-path", n->dir);
	for (size_t i = 0; i < locs->len; i++)
		if (same_dir(locs->v[i], n->dir))
			return 0;
	return rt_error(&r->err, RETORT_ECONFIG,
			"path '%s' is not one of the version locations; add it to "
			"version_locations",
			n->dir);
}

/* -x and config values for ${x.KEY} and ${config.KEY}. */
static const char *tmpl_lookup(void *data, const char *name)
{
	retort *r = data;
	if (!strncmp(name, "config.", 7))
		return rt_config_get(&r->cfg, name + 7);
	if (!strncmp(name, "x.", 2))
		return retort_xarg(r, name + 2);
	return NULL;
}

/*
 * The message goes after "-- " on one line of the template; each further
 * line of it must start a comment line too, or the header would end there.
 */
static void comment_message(rt_buf *out, const char *msg)
{
	for (const char *p = msg; *p; p++) {
		if (*p == '\r')
			continue;
		if (*p == '\n')
			rt_buf_puts(out, "\n--");
		if (*p == '\n' && p[1] && p[1] != '\n' && p[1] != '\r')
			rt_buf_putc(out, ' ');
		if (*p != '\n')
			rt_buf_putc(out, *p);
	}
}

static void join(rt_buf *out, const rt_strvec *sv)
{
	for (size_t i = 0; i < sv->len; i++) {
		if (i)
			rt_buf_puts(out, ", ");
		rt_buf_puts(out, sv->v[i]);
	}
}

static int read_template(retort *r, rt_buf *tmpl, rt_buf *name)
{
	rt_path_join(name, r->cfg.script_location, "script.sql.tmpl");
	if (!rt_isfile(name->ptr)) {
		rt_buf_clear(name);
		rt_buf_puts(name, "script.sql.tmpl (built in)");
		rt_buf_puts(tmpl, rt_default_template);
		return 0;
	}
	if (rt_readfile(tmpl, name->ptr) < 0)
		return rt_error(&r->err, RETORT_EIO, "cannot read '%s': %s", name->ptr,
				strerror(errno));
	return 0;
}

/*
 * "-- Branch Labels: ${branch_labels}" with no label leaves a trailing
 * blank; strip those from comment lines (never from SQL, where a blank can
 * sit inside a string literal).
 */
static void trim_comment_lines(rt_buf *text)
{
	rt_buf out = RT_BUF_INIT;
	const char *p = text->ptr, *end = text->ptr + text->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		const char *t = e;
		if (e - p >= 2 && p[0] == '-' && p[1] == '-')
			while (t > p + 2 && (t[-1] == ' ' || t[-1] == '\t'))
				t--;
		rt_buf_put(&out, p, (size_t)(t - p));
		if (nl)
			rt_buf_putc(&out, '\n');
		p = nl ? nl + 1 : end;
	}
	rt_buf_free(text);
	*text = out;
}

static int render(retort *r, const newrev *n, const retort_revision_options *o,
		  const char *create_date, rt_buf *out)
{
	rt_buf tmpl = RT_BUF_INIT, name = RT_BUF_INIT, msg = RT_BUF_INIT, down = RT_BUF_INIT,
	       deps = RT_BUF_INIT;
	int rc = read_template(r, &tmpl, &name);
	if (rc)
		goto done;
	comment_message(&msg, o->message ? o->message : "empty message");
	join(&down, &n->parents);
	join(&deps, &n->depends);
	rt_tmpl_var vars[] = {
		{ "message", msg.ptr },
		{ "up_revision", n->id },
		{ "down_revision", down.ptr },
		{ "create_date", create_date },
		{ "branch_labels", o->branch_label ? o->branch_label : "" },
		{ "depends_on", deps.ptr },
		{ "upgrades", o->upgrades ? o->upgrades : "" },
		{ "downgrades", o->downgrades ? o->downgrades : "" },
	};
	rc = rt_template_expand(out, tmpl.ptr, name.ptr, vars, sizeof(vars) / sizeof(*vars),
				tmpl_lookup, r, &r->err);
	if (!rc)
		trim_comment_lines(out);
done:
	rt_buf_free(&tmpl);
	rt_buf_free(&name);
	rt_buf_free(&msg);
	rt_buf_free(&down);
	rt_buf_free(&deps);
	return rc;
}

/* The new file must read back as the revision we meant to write. */
static int check_rendered(retort *r, const newrev *n, const char *path, const rt_buf *text)
{
	rt_revfile rf;
	rt_err e = { 0 };
	int rc = rt_revfile_parse(&rf, path, text->ptr, text->len, &e);
	if (rc)
		return rt_error(&r->err, RETORT_ECONFIG,
				"script.sql.tmpl does not give a valid revision file: %s", e.msg);
	if (strcmp(rf.id, n->id) || rf.revises.len != n->parents.len)
		rc = rt_error(&r->err, RETORT_ECONFIG,
			      "script.sql.tmpl does not give a valid revision file: "
			      "its Revision ID or Revises lines do not hold ${up_revision} and "
			      "${down_revision}");
	rt_revfile_free(&rf);
	return rc;
}

static int write_new(retort *r, const char *path, const rt_buf *text)
{
	if (rt_writefile_new(path, text->ptr, text->len) == 0)
		return 0;
	if (errno == EEXIST)
		return rt_error(&r->err, RETORT_EEXISTS, "'%s' already exists", path);
	return rt_error(&r->err, RETORT_EIO, "cannot write '%s': %s", path, strerror(errno));
}

/* r->err, a bad value of the config file's, given "file:line: " when known. */
static int config_error(retort *r, int rc, unsigned line)
{
	if (!line || !r->cfg.path)
		return rc;
	return rt_error_wrap(&r->err, rc, "%s:%u: ", r->cfg.path, line);
}

static int write_revision(retort *r, newrev *n, const retort_revision_options *o,
			  char **path_out)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	rt_buf fname = RT_BUF_INIT, path = RT_BUF_INIT, date = RT_BUF_INIT, text = RT_BUF_INIT;
	/* the slug comes from the message as given: Alembic names an unnamed
	 * revision "<rev>_.py" although its message says "empty message" */
	int rc = rt_check_timezone(r->cfg.timezone, &r->err);
	if (rc) {
		rc = config_error(r, rc, r->cfg.timezone_line);
		goto done;
	}
	rc = rt_file_name(&fname, r->cfg.file_template ? r->cfg.file_template
						    : "%(rev)s_%(slug)s",
			  n->id, o->message, r->cfg.truncate_slug_length, now.tv_sec,
			  r->cfg.timezone, &r->err);
	if (rc) {
		rc = config_error(r, rc, r->cfg.file_template_line);
		goto done;
	}
	if (strchr(fname.ptr, '/') || strchr(fname.ptr, '\\') || !strcmp(fname.ptr, "..") ||
	    !strcmp(fname.ptr, ".") || !fname.len) {
		rc = rt_error(&r->err, RETORT_ECONFIG,
			      "file_template makes '%s', which is not a file name in the version "
			      "location '%s'", fname.ptr, n->dir);
		rc = config_error(r, rc, r->cfg.file_template_line);
		goto done;
	}
	rt_buf_puts(&fname, ".sql");
	rt_path_join(&path, n->dir, fname.ptr);
	rt_create_date(&date, &now, r->cfg.timezone);
	if ((rc = render(r, n, o, date.ptr, &text)) ||
	    (rc = check_rendered(r, n, path.ptr, &text)) || (rc = write_new(r, path.ptr, &text)))
		goto done;
	rt_log(r, RETORT_LOG_INFO, "Generating %s ...  done", path.ptr);
	if (path_out)
		*path_out = rt_buf_detach(&path);
done:
	rt_buf_free(&fname);
	rt_buf_free(&path);
	rt_buf_free(&date);
	rt_buf_free(&text);
	return rc;
}

int retort_revision(retort *r, const retort_revision_options *o, char **path_out)
{
	retort_revision_options defaults = RETORT_REVISION_OPTIONS_INIT;
	if (!o)
		o = &defaults;
	if (path_out)
		*path_out = NULL;
	rt_err_clear(&r->err);
	int rc = rt_check_version(&r->err, o->version, RETORT_REVISION_OPTIONS_VERSION,
				  "retort_revision_options");
	if (!rc)
		rc = rt_project_graph(r);
	if (rc)
		return rc;
	newrev n = { 0 };
	retort_diff_result *diff = NULL;
	retort_revision_options filled;
	bool merge = o->merge && o->nmerge;
	if ((rc = merge ? parents_for_merge(r, &n, o) : parents_for_revision(r, &n, o)) ||
	    (rc = choose_id(r, &n, o->rev_id)) || (rc = check_label(r, o->branch_label)) ||
	    (rc = resolve_depends(r, &n, o)) || (rc = choose_dir(r, &n, o->version_path)))
		goto done;
	if (o->autogenerate) {
		/* a new project's database may not exist yet: it is empty */
		r->missing_is_empty = true;
		/* both sections from the model; Alembic writes the file even when
		   nothing changed, and so do we */
		if ((rc = retort_diff(r, RETORT_DIFF_AT_HEAD, &diff)))
			goto done;
		filled = *o;
		filled.upgrades = diff->upgrade_sql;
		filled.downgrades = diff->downgrade_sql;
		for (size_t i = 0; i < diff->nops; i++)
			rt_log(r, RETORT_LOG_INFO, "Detected %s", diff->ops[i].text);
		if (!diff->nops)
			rt_log(r, RETORT_LOG_INFO, "No changes in schema detected.");
		o = &filled;
	}
	rc = write_revision(r, &n, o, path_out);
done:
	retort_diff_free(diff);
	newrev_free(&n);
	return rc;
}

/* --- init ----------------------------------------------------------------- */

static const char *const templates[] = { "generic", NULL };

const char *const *retort_templates(void)
{
	return templates;
}

/* The config file `init` writes; %s is script_location. */
static void config_text(rt_buf *out, const char *script_location)
{
	rt_buf_printf(out,
		"# retort configuration (Alembic's alembic.ini keys are understood too).\n"
		"# Values may use %%(here)s (this file's folder) and ${VAR} or\n"
		"# ${VAR:-default} from the environment or a .env file beside this one.\n"
		"\n"
		"[retort]\n"
		"# folder holding script.sql.tmpl and versions/\n"
		"script_location = %s\n"
		"\n"
		"# the database; $DATABASE_URL and --url take precedence\n"
		"url = sqlite:///app.db\n"
		"\n"
		"# folders holding revision files, separated by spaces\n"
		"# version_locations = %s/versions\n"
		"\n"
		"# names of new revision files (tokens: rev, slug, epoch, year, month, day,\n"
		"# hour, minute, second)\n"
		"# file_template = %%%%(year)d_%%%%(month).2d_%%%%(day).2d-%%%%(rev)s_%%%%(slug)s\n"
		"\n"
		"# longest slug (from the message) in a new file's name\n"
		"truncate_slug_length = 40\n"
		"\n"
		"# time zone for Create Date and file names, e.g. UTC; blank: local time\n"
		"# timezone = UTC\n"
		"\n"
		"# the table holding the database's current revision(s)\n"
		"version_table = alembic_version\n"
		"\n"
		"# true: one transaction per revision; false: one for the whole command\n"
		"transaction_per_migration = true\n"
		"\n"
		"# the desired schema for `revision --autogenerate` and `check`\n"
		"model = schema.sql\n"
		"\n"
		"# how long to wait for another runner's lock\n"
		"lock_timeout = 60s\n",
		script_location, script_location);
}

/* Alembic refuses a folder holding anything at all, dot files included. */
static bool dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return false;
	struct dirent *e;
	bool empty = true;
	while (empty && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = false;
	closedir(d);
	return empty;
}

static int init_check(retort *r, const char *dir, const char *config_path)
{
	struct stat st;
	if (lstat(config_path, &st) == 0)
		return rt_error(&r->err, RETORT_EEXISTS, "'%s' already exists; not overwriting it",
				config_path);
	if (lstat(dir, &st) == 0 && (!S_ISDIR(st.st_mode) || !dir_is_empty(dir)))
		return rt_error(&r->err, RETORT_EEXISTS,
				"directory '%s' already exists and is not empty", dir);
	return 0;
}

static int init_mkdir(retort *r, const char *path)
{
	char *abs = rt_abspath(path);
	int rc = 0;
	if (rt_mkdir_p(path) < 0)
		rc = rt_error(&r->err, RETORT_EIO, "cannot create directory '%s': %s", path,
			      strerror(errno));
	else
		rt_log(r, RETORT_LOG_INFO, "Creating directory %s ...  done", abs);
	free(abs);
	return rc;
}

static int init_write(retort *r, const char *path, const rt_buf *text)
{
	int rc = write_new(r, path, text);
	if (!rc) {
		char *abs = rt_abspath(path);
		rt_log(r, RETORT_LOG_INFO, "Generating %s ...  done", abs);
		free(abs);
	}
	return rc;
}

/*
 * script_location as the config file should say it: values resolve against
 * the config file's folder, so a relative dir stays relative only when the
 * config file is in the working folder.
 */
static char *location_for(const char *dir, const char *config_path)
{
	char *cdir = rt_dirname(config_path);
	bool here = !strcmp(cdir, ".");
	free(cdir);
	if (dir[0] == '/' || here)
		return rt_xstrdup(dir);
	return rt_abspath(dir);
}

int retort_init_project(retort *r, const char *dir, const char *config_path)
{
	if (!dir || !*dir)
		dir = "migrations";
	if (!config_path || !*config_path)
		config_path = "retort.ini";
	rt_err_clear(&r->err);
	int rc = init_check(r, dir, config_path);
	if (rc)
		return rc;
	rt_buf versions = RT_BUF_INIT, tmpl_path = RT_BUF_INIT, tmpl = RT_BUF_INIT,
	       cfg = RT_BUF_INIT;
	char *loc = location_for(dir, config_path);
	rt_path_join(&versions, dir, "versions");
	rt_path_join(&tmpl_path, dir, "script.sql.tmpl");
	rt_buf_puts(&tmpl, rt_default_template);
	config_text(&cfg, loc);
	if ((rc = init_mkdir(r, dir)) || (rc = init_mkdir(r, versions.ptr)) ||
	    (rc = init_write(r, tmpl_path.ptr, &tmpl)) || (rc = init_write(r, config_path, &cfg)))
		goto done;
done:
	free(loc);
	rt_buf_free(&versions);
	rt_buf_free(&tmpl_path);
	rt_buf_free(&tmpl);
	rt_buf_free(&cfg);
	return rc;
}

RT_OPTIONS_INIT_FN(retort_revision_options, RETORT_REVISION_OPTIONS)
