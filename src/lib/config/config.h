/*
 * config.h: the project's configuration, from the config file, .env, the
 * environment and the command line.
 *
 * Search order for the file: opts->config, $RETORT_CONFIG, ./retort.ini,
 * ./alembic.ini.  Section: opts->name, else [retort], else [alembic].
 * The file is read as Python's configparser reads alembic.ini: `key = value`
 * or `key: value`, full-line comments with # or ;, values continued on
 * indented lines, %(here)s and %(other_key)s interpolation (%% for a literal
 * %), and ${VAR} / ${VAR:-default} from the environment.  .env beside the
 * config file is read first into a private table that never overrides the
 * real environment (the process environment is not modified).
 *
 * The URL comes from, first found: opts->url, $DATABASE_URL, the config's
 * url (or sqlalchemy.url), then $DB_USER $DB_PASSWORD $DB_HOST $DB_PORT
 * $DB_NAME when DB_HOST or DB_NAME is set (defaults postgres, postgres,
 * localhost, 5432), as postgresql://...
 */
#ifndef RT_LIB_CONFIG_H
#define RT_LIB_CONFIG_H

#include "error.h"
#include "url.h"
#include "util/vec.h"

#include <stdbool.h>

typedef struct rt_config_opts {
	const char *config;  /* path, or NULL to search */
	const char *name;    /* section, or NULL */
	const char *url;     /* --url, or NULL */
	bool allow_missing;  /* no config file is not an error (init, --url only) */
} rt_config_opts;

typedef struct rt_config {
	char *path;             /* the config file, NULL when none was found */
	char *here;             /* its folder, absolute; the working folder if none */
	char *section;
	rt_strvec keys;         /* every key of the section, interpolated */
	rt_strvec vals;
	rt_strvec env_keys;     /* .env entries */
	rt_strvec env_vals;

	char *script_location;  /* resolved against here */
	rt_strvec version_locations; /* resolved against here */
	char *file_template;    /* default "%(rev)s_%(slug)s" */
	int truncate_slug_length; /* default 40 */
	char *timezone;         /* NULL: local time */
	unsigned file_template_line, timezone_line; /* in the config file; 0: not there */
	char *version_table;    /* default alembic_version */
	char *version_table_schema; /* NULL: the connection's default */
	bool transaction_per_migration; /* default true */
	char *model;            /* resolved against here; default schema.sql */
	char *dev_url;          /* NULL: per dialect */
	double lock_timeout;    /* seconds; default 60 ("60s", "2m", "500ms", "10") */
	double wait_timeout;    /* seconds; default 60 */
	double model_timeout;   /* seconds a model command may run; default 300 */
	long lint_server_version; /* as PostgreSQL numbers it (110004); 0: not set */

	char *url;              /* the URL text (may hold a password: never print) */
	const char *url_source; /* "--url", "DATABASE_URL", "config", "DB_*", or NULL */
	unsigned url_line;      /* line of url in the config file, 0 otherwise */
} rt_config;

/*
 * Load the configuration.  Errors (RETORT_ECONFIG) name the file and line:
 *   retort.ini:7: unterminated section header
 * A missing file is RETORT_ECONFIG ("no configuration file: looked for
 * retort.ini and alembic.ini in <cwd>; run 'retort init'") unless
 * allow_missing, in which case defaults apply with here = cwd.
 */
int rt_config_load(rt_config *cfg, const rt_config_opts *opts, rt_err *err);
void rt_config_free(rt_config *cfg);
/* A key's interpolated value, or NULL. */
const char *rt_config_get(const rt_config *cfg, const char *key);
/* The environment as retort sees it: the real one, then .env. */
const char *rt_config_getenv(const rt_config *cfg, const char *name);

/* The INI reader underneath, for unit tests and the .env reader's sake. */
typedef int (*rt_ini_fn)(void *data, const char *section, const char *key,
			 const char *value, unsigned line);
/*
 * Parse INI text.  fn returns 0 to go on, non-zero to stop (returned).  On a
 * syntax error returns RETORT_ECONFIG with "<name>:<line>: <what>".
 * fn is called once per complete value (line = its key's line), and once per
 * section header with key and value NULL, so that empty sections are seen.
 */
int rt_ini_parse(const char *text, size_t len, const char *name, rt_ini_fn fn,
		 void *data, rt_err *err);
/*
 * Parse .env text: KEY=VALUE lines, optional "export ", # comments, values
 * optionally in single quotes (literal) or double quotes (with \n \" \\
 * escapes), unquoted values trimmed and cut at " #".
 */
int rt_dotenv_parse(const char *text, size_t len, const char *name,
		    rt_strvec *keys, rt_strvec *vals, rt_err *err);

/*
 * The [tool.alembic] table of a pyproject.toml's text (pyproject.c): its
 * keys and values in order (an array's items joined by newlines); *found
 * tells whether the table is there.  Errors: RETORT_ECONFIG, "path:line: ...".
 */
int rt_pyproject_read(const char *path, const char *text, size_t len, rt_strvec *keys,
		      rt_strvec *vals, bool *found, rt_err *err);

#endif
