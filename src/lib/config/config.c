/*
 * config.c: finding and reading the configuration (see config.h).
 *
 * The file is read in two passes: rt_ini_parse() collects every raw value
 * with its line, then the chosen section's values are interpolated.  Like
 * configparser, interpolation is lazy and by name, so a value may refer to a
 * key defined below it; unlike a naive recursive expander, every expansion
 * keeps the chain of keys it is inside, so a loop is reported instead of
 * overflowing the stack.
 */
#include "config.h"
#include "backends/backend.h"

#include "util/buf.h"
#include "util/fs.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* configparser's MAX_INTERPOLATION_DEPTH */
#define MAX_DEPTH 10
/* No interpolated value may grow past this (a %(a)s%(a)s chain doubles). */
#define MAX_VALUE (16u << 20)

typedef struct ini_entry {
	char *section;
	char *key;
	char *val;
	unsigned line;
} ini_entry;

typedef struct loader {
	rt_config *cfg;
	const char *name;           /* the file, for messages */
	rt_err *err;
	ini_entry *e;
	size_t n, cap;
	rt_strvec sections;
	const ini_entry *stack[MAX_DEPTH];
	size_t depth;
} loader;

static int collect(void *data, const char *section, const char *key,
		   const char *value, unsigned line)
{
	loader *ld = data;
	if (!key) {
		rt_strvec_push(&ld->sections, section);
		return 0;
	}
	RT_ARRAY_GROW(ld->e, ld->n, ld->cap);
	ld->e[ld->n].section = rt_xstrdup(section);
	ld->e[ld->n].key = rt_xstrdup(key);
	ld->e[ld->n].val = rt_xstrdup(value);
	ld->e[ld->n].line = line;
	ld->n++;
	return 0;
}

static void loader_free(loader *ld)
{
	for (size_t i = 0; i < ld->n; i++) {
		free(ld->e[i].section);
		free(ld->e[i].key);
		free(ld->e[i].val);
	}
	free(ld->e);
	rt_strvec_free(&ld->sections);
}

static const ini_entry *find_in(const loader *ld, const char *section,
				const char *key)
{
	for (size_t i = 0; i < ld->n; i++)
		if (!strcmp(ld->e[i].section, section) && !strcmp(ld->e[i].key, key))
			return &ld->e[i];
	return NULL;
}

/* key as the chosen section sees it: its own, else [DEFAULT]'s. */
static const ini_entry *lookup(const loader *ld, const char *key)
{
	const ini_entry *e = find_in(ld, ld->cfg->section, key);
	return e ? e : find_in(ld, "DEFAULT", key);
}

static unsigned line_of(const loader *ld, const char *key)
{
	const ini_entry *e = lookup(ld, key);
	return e ? e->line : 0;
}

/* ---- interpolation ------------------------------------------------------ */

/*
 * A value is expanded in one pass over its own text: "%%", "%(name)s" (the
 * named key's value, itself expanded so, or the config's folder for
 * "here") and "${VAR}", "${VAR:-default}", "${VAR-default}" (the
 * environment; the default is config text and is expanded).  What a
 * substitution brings in, a folder's name or a variable's value, is never
 * expanded again: a folder named "we${HOME}ird" stays itself.
 */
static int expand_text(loader *ld, const ini_entry *self, const char *s, size_t n,
		       rt_buf *out);

/* self's whole value, expanded, appended to out. */
static int expand_value(loader *ld, const ini_entry *self, rt_buf *out)
{
	if (ld->depth == MAX_DEPTH)
		return rt_error_at(ld->err, RETORT_ECONFIG, ld->name, self->line,
				   "interpolation of '%s' nested more than %d deep",
				   self->key, MAX_DEPTH);
	ld->stack[ld->depth++] = self;
	int rc = expand_text(ld, self, self->val, strlen(self->val), out);
	ld->depth--;
	return rc;
}

/* Expand the reference %(name)s found in self's value. */
static int expand_ref(loader *ld, const ini_entry *self, const char *name,
		      rt_buf *out)
{
	const ini_entry *r = lookup(ld, name);
	if (!r && !strcmp(name, "here")) {
		rt_buf_puts(out, ld->cfg->here);
		return 0;
	}
	if (!r)
		return rt_error_at(ld->err, RETORT_ECONFIG, ld->name, self->line,
				   "unknown key '%s' in '%%(%s)s' in '%s' (write %%%% for a literal %%)", name, name, self->key);
	for (size_t i = 0; i < ld->depth; i++)
		if (ld->stack[i] == r)
			return rt_error_at(ld->err, RETORT_ECONFIG, ld->name, r->line,
					   "interpolation loop in '%s'", r->key);
	return expand_value(ld, r, out);
}

static bool var_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool var_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* The '}' closing the "${" at s, counting nested "${". */
static const char *closing_brace(const char *s, const char *end)
{
	int depth = 0;
	for (const char *p = s; p < end; p++) {
		if (p[0] == '$' && p + 1 < end && p[1] == '{') {
			depth++;
			p++;
		} else if (*p == '}' && --depth == 0) {
			return p;
		}
	}
	return NULL;
}

/* One "${...}": s is just past "${", close on its '}'. */
static int expand_var(loader *ld, const ini_entry *self, const char *s,
		      const char *close, rt_buf *out)
{
	const char *p = s;
	if (!var_start(*p))
		goto bad;
	while (p < close && var_char(*p))
		p++;
	char *name = rt_xstrndup(s, (size_t)(p - s));
	const char *v = rt_config_getenv(ld->cfg, name);
	free(name);
	if (p == close) {
		rt_buf_puts(out, v ? v : "");
		return 0;
	}
	bool colon = *p == ':';
	if (colon)
		p++;
	if (p >= close || *p != '-')
		goto bad;
	p++;
	if (v && (*v || !colon)) {
		rt_buf_puts(out, v);
		return 0;
	}
	return expand_text(ld, self, p, (size_t)(close - p), out);
bad:
	return rt_error_at(ld->err, RETORT_ECONFIG, ld->name, self->line,
			   "bad '${...}' in '%s' (expected ${NAME} or ${NAME:-default})",
			   self->key);
}

/* "%(" at s: the reference up to ")s", expanded; *s moved past it. */
static int expand_pct(loader *ld, const ini_entry *self, const char **s, const char *end,
		      rt_buf *out)
{
	const char *close = memchr(*s + 2, ')', (size_t)(end - *s - 2));
	if (!close || close + 1 >= end || close[1] != 's')
		return rt_error_at(ld->err, RETORT_ECONFIG, ld->name, self->line,
				   "bad interpolation in '%s' (expected %%(name)s; write %%%% for a literal %%)", self->key);
	char *name = rt_xstrndup(*s + 2, (size_t)(close - *s - 2));
	for (char *p = name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	int rc = expand_ref(ld, self, name, out);
	free(name);
	*s = close + 2;
	return rc;
}

static int expand_text(loader *ld, const ini_entry *self, const char *s, size_t n,
		       rt_buf *out)
{
	const char *end = s + n;
	int rc = 0;
	while (s < end && rc == 0) {
		if (out->len > MAX_VALUE) {
			rc = rt_error_at(ld->err, RETORT_ECONFIG, ld->name, self->line,
					 "the value of '%s' grows too long", self->key);
		} else if (s[0] == '%' && s + 1 < end && s[1] == '%') {
			rt_buf_putc(out, '%');
			s += 2;
		} else if (s[0] == '%' && s + 1 < end && s[1] == '(') {
			rc = expand_pct(ld, self, &s, end, out);
		} else if (s[0] == '$' && s + 1 < end && s[1] == '{') {
			const char *close = closing_brace(s, end);
			if (!close)
				return rt_error_at(ld->err, RETORT_ECONFIG, ld->name, self->line,
						   "unterminated '${' in '%s'", self->key);
			rc = expand_var(ld, self, s + 2, close, out);
			s = close + 1;
		} else {
			/* a lone '%' or '$' is kept: passwords hold them */
			rt_buf_putc(out, *s++);
		}
	}
	return rc;
}

static int interpolate(loader *ld, const ini_entry *e, char **out)
{
	rt_buf v = RT_BUF_INIT;
	ld->depth = 0;
	int rc = expand_value(ld, e, &v);
	if (rc == 0)
		*out = rt_buf_detach(&v);
	rt_buf_free(&v);
	return rc;
}

/* The section's keys, then [DEFAULT]'s that it does not override. */
static int interpolate_all(loader *ld)
{
	rt_config *cfg = ld->cfg;
	int rc;
	for (int pass = 0; pass < 2; pass++) {
		const char *sec = pass ? "DEFAULT" : cfg->section;
		for (size_t i = 0; i < ld->n; i++) {
			const ini_entry *e = &ld->e[i];
			char *v = NULL;
			if (strcmp(e->section, sec) || rt_strvec_contains(&cfg->keys, e->key))
				continue;
			if ((rc = interpolate(ld, e, &v)) < 0)
				return rc;
			rt_strvec_push(&cfg->keys, e->key);
			rt_strvec_push_owned(&cfg->vals, v);
		}
	}
	return 0;
}

/* ---- finding the file --------------------------------------------------- */

/* path made absolute, with "." "..", and "//" removed lexically. */
static char *norm_path(const char *base, const char *path)
{
	rt_buf joined = RT_BUF_INIT, out = RT_BUF_INIT;
	rt_strvec parts = RT_STRVEC_INIT;
	char *abs;

	rt_path_join(&joined, base, path);
	abs = rt_abspath(joined.ptr);
	for (const char *p = abs; *p;) {
		size_t n = strcspn(p, "/");
		if (n)
			rt_strvec_pushn(&parts, p, n);
		p += n + (p[n] == '/');
	}
	size_t keep = 0;
	for (size_t i = 0; i < parts.len; i++) {
		if (!strcmp(parts.v[i], "."))
			continue;
		if (!strcmp(parts.v[i], "..")) {
			if (keep)
				keep--;
			continue;
		}
		char *tmp = parts.v[keep];
		parts.v[keep] = parts.v[i];
		parts.v[i] = tmp;
		keep++;
	}
	for (size_t i = 0; i < keep; i++) {
		rt_buf_putc(&out, '/');
		rt_buf_puts(&out, parts.v[i]);
	}
	if (!keep)
		rt_buf_putc(&out, '/');
	rt_strvec_free(&parts);
	rt_buf_free(&joined);
	free(abs);
	return rt_buf_detach(&out);
}

static char *cwd(void)
{
	char buf[PATH_MAX];
	return rt_xstrdup(getcwd(buf, sizeof(buf)) ? buf : ".");
}

static int read_file(rt_buf *out, const char *path, rt_err *err)
{
	if (rt_readfile(out, path) < 0)
		return rt_error(err, RETORT_ECONFIG, "cannot read '%s': %s", path,
				strerror(errno));
	return 0;
}

/* Whether ./pyproject.toml has a [tool.alembic] table (Alembic 1.16). */
static bool has_tool_alembic(void)
{
	rt_buf text = RT_BUF_INIT;
	bool has = rt_isfile("pyproject.toml") && rt_readfile(&text, "pyproject.toml") == 0 &&
		   text.ptr && strstr(text.ptr, "[tool.alembic]");
	rt_buf_free(&text);
	return has;
}

/*
 * The [tool.alembic] table of the config's folder's pyproject.toml, when
 * there is one: each key the INI file did not set, "%(here)s" expanded, as
 * Alembic 1.16 reads it (pyproject.c).
 */
static int load_pyproject(rt_config *cfg, rt_err *err)
{
	rt_buf path = RT_BUF_INIT, text = RT_BUF_INIT;
	rt_path_join(&path, cfg->here, "pyproject.toml");
	int rc = 0;
	if (rt_isfile(path.ptr) && (rc = read_file(&text, path.ptr, err)) == 0) {
		rt_strvec keys = RT_STRVEC_INIT, vals = RT_STRVEC_INIT;
		bool found;
		const char *shown = cfg->path ? path.ptr : "pyproject.toml";
		rc = rt_pyproject_read(shown, text.ptr ? text.ptr : "", text.len, &keys, &vals,
				       &found, err);
		for (size_t i = 0; !rc && i < keys.len; i++) {
			if (rt_config_get(cfg, keys.v[i]))
				continue;
			rt_buf v = RT_BUF_INIT;
			for (const char *p = vals.v[i]; *p;) {
				if (!strncmp(p, "%(here)s", 8)) {
					rt_buf_puts(&v, cfg->here);
					p += 8;
				} else {
					rt_buf_putc(&v, *p++);
				}
			}
			rt_strvec_push(&cfg->keys, keys.v[i]);
			rt_strvec_push_owned(&cfg->vals, v.ptr ? rt_buf_detach(&v) : rt_xstrdup(""));
		}
		rt_strvec_free(&keys);
		rt_strvec_free(&vals);
	}
	rt_buf_free(&path);
	rt_buf_free(&text);
	return rc;
}

/*
 * The config file: opts->config, $RETORT_CONFIG, ./retort.ini, ./alembic.ini
 * (or none, when ./pyproject.toml has a [tool.alembic] table).
 * A file named outright must exist (unless allow_missing).
 */
static int find_file(rt_config *cfg, const rt_config_opts *opts, rt_err *err)
{
	const char *named = opts->config ? opts->config : getenv("RETORT_CONFIG");
	if (named && *named) {
		if (rt_isfile(named)) {
			cfg->path = rt_xstrdup(named);
			return 0;
		}
		if (opts->allow_missing && !rt_isdir(named))
			return 0;
		return rt_error(err, RETORT_ECONFIG, "cannot read config '%s': %s",
				named, rt_isdir(named) ? "is a directory"
							: "no such file");
	}
	if (rt_isfile("retort.ini"))
		cfg->path = rt_xstrdup("retort.ini");
	else if (rt_isfile("alembic.ini"))
		cfg->path = rt_xstrdup("alembic.ini");
	else if (!opts->allow_missing && !has_tool_alembic()) {
		char *dir = cwd();
		int rc = rt_error(err, RETORT_ECONFIG,
				  "no configuration file: looked for retort.ini and alembic.ini in %s; run 'retort init'",
				  dir);
		free(dir);
		return rc;
	}
	return 0;
}


static int load_dotenv(rt_config *cfg, rt_err *err)
{
	rt_buf path = RT_BUF_INIT, text = RT_BUF_INIT;
	int rc = 0;
	rt_path_join(&path, cfg->here, ".env");
	if (rt_isfile(path.ptr)) {
		const char *shown = cfg->path ? path.ptr : ".env";
		if ((rc = read_file(&text, path.ptr, err)) == 0)
			rc = rt_dotenv_parse(text.ptr, text.len, shown,
					     &cfg->env_keys, &cfg->env_vals, err);
	}
	rt_buf_free(&path);
	rt_buf_free(&text);
	return rc;
}

static int choose_section(loader *ld, const rt_config_opts *opts)
{
	const char *want[] = { opts->name, "retort", "alembic" };
	for (size_t i = 0; i < 3; i++) {
		if (!want[i])
			continue;
		if (rt_strvec_contains(&ld->sections, want[i])) {
			ld->cfg->section = rt_xstrdup(want[i]);
			return 0;
		}
		if (opts->name)
			return rt_error(ld->err, RETORT_ECONFIG,
					"%s: no section [%s]", ld->name, opts->name);
	}
	return rt_error(ld->err, RETORT_ECONFIG,
			"%s: no [retort] or [alembic] section", ld->name);
}

/* ---- typed keys --------------------------------------------------------- */

/* A key's value, NULL when missing or empty. */
static const char *value_of(const rt_config *cfg, const char *key)
{
	const char *v = rt_config_get(cfg, key);
	return v && *v ? v : NULL;
}

static int parse_bool(loader *ld, const char *key, bool def, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	const char *v = value_of(ld->cfg, key);
	*out = def;
	if (!v)
		return 0;
	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(v, yes[i]) || !strcasecmp(v, no[i])) {
			*out = !strcasecmp(v, yes[i]);
			return 0;
		}
	}
	return rt_error_at(ld->err, RETORT_ECONFIG, ld->name, line_of(ld, key),
			   "bad value '%s' for %s (expected true or false)", v, key);
}

/* "10", "10s", "1.5s", "500ms", "2m", "1h" in seconds. */
static int parse_duration_or(loader *ld, const char *key, double dflt, double *out)
{
	const char *v = value_of(ld->cfg, key), *p;
	double n = 0, scale = 1;
	bool digits = false;
	*out = dflt;
	if (!v)
		return 0;
	for (p = v; isdigit((unsigned char)*p); p++, digits = true)
		n = n * 10 + (*p - '0');
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++, digits = true)
			n += (*p - '0') / (scale *= 10);
	while (*p == ' ')
		p++;
	if (!digits)
		goto bad;
	if (!*p || !strcmp(p, "s"))
		*out = n;
	else if (!strcmp(p, "ms"))
		*out = n / 1000;
	else if (!strcmp(p, "m"))
		*out = n * 60;
	else if (!strcmp(p, "h"))
		*out = n * 3600;
	else
		goto bad;
	return 0;
bad:
	return rt_error_at(ld->err, RETORT_ECONFIG, ld->name, line_of(ld, key),
			   "bad value '%s' for %s (expected e.g. 10s, 500ms or 2m)", v, key);
}

static int parse_duration(loader *ld, const char *key, double *out)
{
	return parse_duration_or(ld, key, 60, out);
}

static int parse_slug_length(loader *ld)
{
	const char *v = value_of(ld->cfg, "truncate_slug_length");
	long n = 0;
	ld->cfg->truncate_slug_length = 40;
	if (!v)
		return 0;
	for (const char *p = v; *p; p++) {
		if (!isdigit((unsigned char)*p) || n > 100000)
			return rt_error_at(ld->err, RETORT_ECONFIG, ld->name, line_of(ld,
					   "truncate_slug_length"), "bad value '%s' for truncate_slug_length (expected a number)", v);
		n = n * 10 + (*p - '0');
	}
	ld->cfg->truncate_slug_length = (int)n;
	return 0;
}

/* Alembic's path_separator, else its legacy splitting. */
static const char *version_separators(const rt_config *cfg)
{
	const char *sep = value_of(cfg, "path_separator");
	if (!sep)
		sep = value_of(cfg, "version_path_separator");
	if (!sep)
		return " \t\n,:";
	/* a pyproject.toml array arrives as lines: a newline always separates */
	if (!strcmp(sep, "os") || !strcmp(sep, ":"))
		return ":\n";
	if (!strcmp(sep, ";"))
		return ";\n";
	if (!strcmp(sep, "space"))
		return " \t\n";
	if (!strcmp(sep, "newline"))
		return "\n";
	return " \t\n,:";
}

static void set_paths(rt_config *cfg)
{
	const char *sl = value_of(cfg, "script_location");
	const char *vl = value_of(cfg, "version_locations");
	const char *model = value_of(cfg, "model");

	cfg->script_location = norm_path(cfg->here, sl ? sl : "migrations");
	/* "exec: CMD" and "sqlalchemy: module:object" are commands, not paths */
	if (model && (!strncmp(model, "exec:", 5) || !strncmp(model, "sqlalchemy:", 11)))
		cfg->model = rt_xstrdup(model);
	else
		cfg->model = norm_path(cfg->here, model ? model : "schema.sql");
	if (vl) {
		rt_strvec parts = RT_STRVEC_INIT;
		rt_strvec_split(&parts, vl, version_separators(cfg));
		for (size_t i = 0; i < parts.len; i++)
			rt_strvec_push_owned(&cfg->version_locations,
					     norm_path(cfg->here, parts.v[i]));
		rt_strvec_free(&parts);
	}
	if (!cfg->version_locations.len)
		rt_strvec_push_owned(&cfg->version_locations,
				     norm_path(cfg->script_location, "versions"));
}

/* lint_server_version: "11", "11.4", "9.6" or "110004", as PostgreSQL numbers them. */
static int parse_server_version(loader *ld)
{
	const char *v = value_of(ld->cfg, "lint_server_version");
	ld->cfg->lint_server_version = 0;
	if (!v)
		return 0;
	char *end;
	long major = strtol(v, &end, 10), minor = 0;
	bool ok = end != v && major > 0 && isdigit((unsigned char)*v);
	if (ok && *end == '.') {
		const char *m = end + 1;
		minor = strtol(m, &end, 10);
		ok = isdigit((unsigned char)*m) && minor >= 0 && minor < 100;
	}
	if (!ok || *end)
		return rt_error_at(ld->err, RETORT_ECONFIG, ld->name, line_of(ld,
				   "lint_server_version"), "bad value '%s' for lint_server_version (expected e.g. 11, "
				"11.4 or 9.6)", v);
	/* before 10 the second part is the major's: 9.6 is 90600 */
	ld->cfg->lint_server_version = major >= 10000 ? major
				       : major < 10 ? major * 10000 + minor * 100
						    : major * 10000 + minor;
	return 0;
}

static int set_keys(loader *ld)
{
	rt_config *cfg = ld->cfg;
	const char *ft = value_of(cfg, "file_template");
	const char *vt = value_of(cfg, "version_table");
	int rc;

	set_paths(cfg);
	cfg->file_template = rt_xstrdup(ft ? ft : "%(rev)s_%(slug)s");
	cfg->timezone = rt_xstrdup_or_null(value_of(cfg, "timezone"));
	cfg->file_template_line = ft ? line_of(ld, "file_template") : 0;
	cfg->timezone_line = cfg->timezone ? line_of(ld, "timezone") : 0;
	cfg->version_table = rt_xstrdup(vt ? vt : "alembic_version");
	cfg->version_table_schema = rt_xstrdup_or_null(value_of(cfg, "version_table_schema"));
	cfg->dev_url = rt_xstrdup_or_null(value_of(cfg, "dev_url"));
	if ((rc = parse_slug_length(ld)) < 0 ||
	    (rc = parse_bool(ld, "transaction_per_migration", true,
			     &cfg->transaction_per_migration)) < 0 ||
	    (rc = parse_duration(ld, "lock_timeout", &cfg->lock_timeout)) < 0 ||
	    (rc = parse_duration(ld, "wait_timeout", &cfg->wait_timeout)) < 0 ||
	    (rc = parse_duration_or(ld, "model_timeout", 300, &cfg->model_timeout)) < 0 ||
	    (rc = parse_server_version(ld)) < 0)
		return rc;
	return 0;
}

/* ---- the URL ------------------------------------------------------------ */

/* s percent-encoded so that no character of it can end a URL part. */
static void put_encoded(rt_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			rt_buf_putc(b, (char)c);
		else
			rt_buf_printf(b, "%%%02X", c);
	}
}

static const char *env_or(const rt_config *cfg, const char *name,
			  const char *def)
{
	const char *v = rt_config_getenv(cfg, name);
	return v && *v ? v : def;
}

/*
 * A URL from $DB_*, or NULL unless DB_HOST or DB_NAME is set: the URL of
 * the backend they name (PostgreSQL's), with its defaults (backends/backend.h).
 */
static char *url_from_parts(const rt_config *cfg)
{
	const char *host = env_or(cfg, "DB_HOST", NULL);
	const char *name = env_or(cfg, "DB_NAME", NULL);
	const rt_backend *d = rt_backend_of_db_env();
	if ((!host && !name) || !d)
		return NULL;
	const struct rt_db_env *def = d->db_env;
	rt_buf b = RT_BUF_INIT;
	rt_buf_printf(&b, "%s://", d->schemes[0]);
	put_encoded(&b, env_or(cfg, "DB_USER", def->user));
	rt_buf_putc(&b, ':');
	put_encoded(&b, env_or(cfg, "DB_PASSWORD", def->password));
	rt_buf_putc(&b, '@');
	host = host ? host : def->host;
	if (strchr(host, ':') && host[0] != '[')
		rt_buf_printf(&b, "[%s]", host);
	else
		rt_buf_puts(&b, host);
	rt_buf_printf(&b, ":%s/", env_or(cfg, "DB_PORT", def->port));
	put_encoded(&b, name ? name : def->database);
	return rt_buf_detach(&b);
}

static void choose_url(loader *ld, const rt_config_opts *opts)
{
	rt_config *cfg = ld->cfg;
	const char *v;
	if (opts->url) {
		cfg->url = rt_xstrdup(opts->url);
		cfg->url_source = "--url";
	} else if ((v = env_or(cfg, "DATABASE_URL", NULL))) {
		cfg->url = rt_xstrdup(v);
		cfg->url_source = "DATABASE_URL";
	} else if ((v = value_of(cfg, "url")) ||
		   (v = value_of(cfg, "sqlalchemy.url"))) {
		cfg->url = rt_xstrdup(v);
		cfg->url_source = "config";
		cfg->url_line = line_of(ld, value_of(cfg, "url") ? "url" : "sqlalchemy.url");
	} else if ((cfg->url = url_from_parts(cfg))) {
		cfg->url_source = "DB_*";
	}
}

/* ---- the whole ---------------------------------------------------------- */

static int load_file(loader *ld, const rt_config_opts *opts)
{
	rt_config *cfg = ld->cfg;
	rt_buf text = RT_BUF_INIT;
	int rc;
	if ((rc = read_file(&text, cfg->path, ld->err)) == 0)
		rc = rt_ini_parse(text.ptr, text.len, cfg->path, collect, ld,
				  ld->err);
	rt_buf_free(&text);
	if (rc == 0)
		rc = choose_section(ld, opts);
	return rc;
}

int rt_config_load(rt_config *cfg, const rt_config_opts *opts, rt_err *err)
{
	loader ld = { 0 };
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	ld.cfg = cfg;
	ld.err = err;
	if ((rc = find_file(cfg, opts, err)) < 0)
		goto done;
	if (cfg->path) {
		char *dir = rt_dirname(cfg->path);
		cfg->here = norm_path("", dir);
		free(dir);
	} else {
		cfg->here = cwd();
	}
	ld.name = cfg->path;
	if ((rc = load_dotenv(cfg, err)) < 0)
		goto done;
	if (cfg->path) {
		if ((rc = load_file(&ld, opts)) < 0 || (rc = interpolate_all(&ld)) < 0)
			goto done;
	} else {
		cfg->section = rt_xstrdup(opts->name ? opts->name : "retort");
	}
	if ((rc = load_pyproject(cfg, err)) < 0 || (rc = set_keys(&ld)) < 0)
		goto done;
	choose_url(&ld, opts);
done:
	loader_free(&ld);
	if (rc < 0)
		rt_config_free(cfg);
	return rc;
}

void rt_config_free(rt_config *cfg)
{
	free(cfg->path);
	free(cfg->here);
	free(cfg->section);
	rt_strvec_free(&cfg->keys);
	rt_strvec_free(&cfg->vals);
	rt_strvec_free(&cfg->env_keys);
	rt_strvec_free(&cfg->env_vals);
	free(cfg->script_location);
	rt_strvec_free(&cfg->version_locations);
	free(cfg->file_template);
	free(cfg->timezone);
	free(cfg->version_table);
	free(cfg->version_table_schema);
	free(cfg->model);
	free(cfg->dev_url);
	free(cfg->url);
	memset(cfg, 0, sizeof(*cfg));
}

const char *rt_config_get(const rt_config *cfg, const char *key)
{
	for (size_t i = 0; i < cfg->keys.len; i++)
		if (!strcmp(cfg->keys.v[i], key))
			return cfg->vals.v[i];
	return NULL;
}

const char *rt_config_getenv(const rt_config *cfg, const char *name)
{
	const char *v = getenv(name);
	if (v)
		return v;
	for (size_t i = 0; i < cfg->env_keys.len; i++)
		if (!strcmp(cfg->env_keys.v[i], name))
			return cfg->env_vals.v[i];
	return NULL;
}
