/*
 * backends/postgresql/lint.c: PostgreSQL's lint rules, on the server's own grammar.
 *
 * Each statement of a section is parsed by libpg_query (PostgreSQL's
 * parser, the same that splits the scripts) into its JSON parse tree, and
 * the rules look at the nodes: what an ALTER TABLE subcommand is, whether
 * an index is built CONCURRENTLY, whether a constraint is NOT VALID.  A
 * table created in the same revision is new: nobody reads or writes it
 * yet, so the rules about locks and rewrites leave it alone.
 */
#include "lint.h"
#include "postgresql.h"

#include "util/buf.h"
#include "util/xalloc.h"

#include <jansson.h>
#include <string.h>

#ifdef RETORT_WITH_POSTGRES
#include <pg_query.h>

typedef struct pg_stmt {
	rt_lint_ctx *c;
	const rt_lint_section *s;
	bool lock_timeout;      /* a SET lock_timeout came earlier in the section */
	bool warned_timeout;    /* no-lock-timeout is said once a section */
	rt_strvec *created;     /* the creates' pass: collect here, no rules */
} pg_stmt;

static const char *str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool flag(json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

/* The relation a statement names ({"relname": ...}). */
static const char *relname(json_t *rangevar)
{
	return rangevar ? str(rangevar, "relname") : NULL;
}

static bool is_new(const pg_stmt *p, const char *table)
{
	return table && rt_strvec_contains(p->s->created, table);
}

/* The last name of a qualified name list ([{"String": {"sval": ...}}]). */
static const char *last_name(json_t *names)
{
	size_t n = json_array_size(names);
	json_t *s = n ? json_object_get(json_array_get(names, n - 1), "String") : NULL;
	return s ? str(s, "sval") : NULL;
}

static const char *const volatile_funcs[] = {
	"random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v4", "clock_timestamp",
	"timeofday", "nextval", "txid_current", "statement_timestamp", NULL
};

/* Whether an expression calls a volatile function (one that rewrites a table as a default). */
static bool calls_volatile(json_t *e)
{
	if (json_is_object(e)) {
		json_t *fc = json_object_get(e, "FuncCall");
		if (fc) {
			const char *f = last_name(json_object_get(fc, "funcname"));
			for (int i = 0; f && volatile_funcs[i]; i++)
				if (!strcmp(f, volatile_funcs[i]))
					return true;
		}
		const char *k;
		json_t *v;
		json_object_foreach(e, k, v)
			if (calls_volatile(v))
				return true;
	} else if (json_is_array(e)) {
		size_t i;
		json_t *v;
		json_array_foreach(e, i, v)
			if (calls_volatile(v))
				return true;
	}
	return false;
}

#define REPORT(p, off, rule, sev, lock, fix, ...) \
	rt_lint_report((p)->c, (p)->s, (off), (rule), (sev), (lock), (fix), __VA_ARGS__)

static const char AX[] = "ACCESS EXCLUSIVE lock: blocks reads and writes";

static void need_timeout(pg_stmt *p, long off, const char *table)
{
	if (p->lock_timeout || p->warned_timeout || is_new(p, table))
		return;
	p->warned_timeout = true;
	REPORT(p, off, "no-lock-timeout", "warning", AX,
	       "SET lock_timeout = '2s'; at the top of the section, and retry on timeout",
	       "an ACCESS EXCLUSIVE statement with no lock_timeout set before it in the section: "
	       "waiting behind a long query, it blocks every query on '%s' queued after it",
	       table ? table : "the table");
}

static void add_column(pg_stmt *p, long off, const char *table, json_t *coldef)
{
	const char *col = str(coldef, "colname");
	bool notnull = false, has_default = false, volatile_default = false;
	size_t i;
	json_t *con;
	json_array_foreach(json_object_get(coldef, "constraints"), i, con)
	{
		json_t *k = json_object_get(con, "Constraint");
		const char *t = k ? str(k, "contype") : NULL;
		if (!t)
			continue;
		if (!strcmp(t, "CONSTR_NOTNULL") || !strcmp(t, "CONSTR_PRIMARY"))
			notnull = true;
		if (!strcmp(t, "CONSTR_DEFAULT")) {
			has_default = true;
			volatile_default |= calls_volatile(json_object_get(k, "raw_expr"));
		}
		if (!strcmp(t, "CONSTR_IDENTITY"))
			has_default = true;
	}
	json_t *tn = json_object_get(coldef, "typeName");
	const char *type = tn ? last_name(json_object_get(tn, "names")) : NULL;
	if (type && (!strcmp(type, "serial") || !strcmp(type, "bigserial") ||
		     !strcmp(type, "smallserial")))
		volatile_default = has_default = true;
	if (volatile_default)
		REPORT(p, off, "add-column-volatile-default", "warning",
		       "ACCESS EXCLUSIVE lock; rewrites the whole table",
		       "add the column without a default, set the default, then backfill in batches",
		       "adding '%s.%s' with a volatile default rewrites every row under an "
		       "ACCESS EXCLUSIVE lock", table, col ? col : "?");
	else if (notnull && !has_default)
		REPORT(p, off, "add-column-not-null-no-default", "warning", AX,
		       "add it nullable, backfill, then SET NOT NULL through a NOT VALID CHECK",
		       "adding NOT NULL column '%s.%s' without a default fails on a table that "
		       "has rows", table, col ? col : "?");
}

static bool widening(json_t *coldef)
{
	json_t *tn = json_object_get(coldef, "typeName");
	const char *type = tn ? last_name(json_object_get(tn, "names")) : NULL;
	if (!type)
		return false;
	if (!strcmp(type, "text"))
		return true;
	/* varchar without a length; a varchar(n) may lengthen or shorten */
	return !strcmp(type, "varchar") && !json_array_size(json_object_get(tn, "typmods"));
}

static void add_constraint(pg_stmt *p, long off, const char *table, json_t *k)
{
	const char *t = str(k, "contype"), *name = str(k, "conname");
	if (!t)
		return;
	if ((!strcmp(t, "CONSTR_FOREIGN") || !strcmp(t, "CONSTR_CHECK")) &&
	    !flag(k, "skip_validation"))
		REPORT(p, off, "constraint-not-valid", "warning",
		       "SHARE ROW EXCLUSIVE lock (a foreign key) or ACCESS EXCLUSIVE (a check) while "
		       "every row is scanned",
		       "ADD CONSTRAINT ... NOT VALID, then ALTER TABLE ... VALIDATE CONSTRAINT in "
		       "another revision",
		       "adding %s '%s' to '%s' without NOT VALID scans the whole table under its lock",
		       !strcmp(t, "CONSTR_FOREIGN") ? "foreign key" : "check", name ? name : "?",
		       table);
	if ((!strcmp(t, "CONSTR_UNIQUE") || !strcmp(t, "CONSTR_PRIMARY")) && !str(k, "indexname"))
		REPORT(p, off, "constraint-without-index", "warning",
		       "ACCESS EXCLUSIVE lock while the index is built",
		       "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... USING INDEX",
		       "adding %s '%s' to '%s' builds its index under an ACCESS EXCLUSIVE lock",
		       !strcmp(t, "CONSTR_UNIQUE") ? "unique constraint" : "primary key",
		       name ? name : "?", table);
}

static void alter_table(pg_stmt *p, long off, json_t *st)
{
	const char *table = relname(json_object_get(st, "relation"));
	if (is_new(p, table))
		return;
	size_t i;
	json_t *cmd;
	bool exclusive = false;
	json_array_foreach(json_object_get(st, "cmds"), i, cmd)
	{
		json_t *c = json_object_get(cmd, "AlterTableCmd");
		const char *sub = c ? str(c, "subtype") : NULL;
		if (!sub)
			continue;
		json_t *def = json_object_get(c, "def");
		const char *col = str(c, "name");
		exclusive = true;
		if (!strcmp(sub, "AT_AddColumn") && json_object_get(def, "ColumnDef"))
			add_column(p, off, table, json_object_get(def, "ColumnDef"));
		else if (!strcmp(sub, "AT_AlterColumnType") &&
			 !widening(json_object_get(def, "ColumnDef")))
			REPORT(p, off, "alter-column-type", "warning",
			       "ACCESS EXCLUSIVE lock; rewrites the table and its indexes",
			       "add a new column, backfill, switch readers, drop the old one",
			       "changing the type of '%s.%s' rewrites the table (only lengthening a "
			       "varchar, or varchar to text, does not)", table, col ? col : "?");
		else if (!strcmp(sub, "AT_SetNotNull"))
			REPORT(p, off, "set-not-null", "warning", "ACCESS EXCLUSIVE lock while every row is scanned",
			       "ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID; VALIDATE "
			       "CONSTRAINT; then SET NOT NULL (PostgreSQL 12+ uses the check)",
			       "SET NOT NULL on '%s.%s' scans the whole table under an ACCESS EXCLUSIVE "
			       "lock", table, col ? col : "?");
		else if (!strcmp(sub, "AT_AddConstraint") && json_object_get(def, "Constraint"))
			add_constraint(p, off, table, json_object_get(def, "Constraint"));
		else if (!strcmp(sub, "AT_DropColumn"))
			REPORT(p, off, "drop-column", "warning", AX,
			       "stop reading the column in a release before, then drop it",
			       "dropping '%s.%s' breaks clients that still read it", table,
			       col ? col : "?");
		else if (!strcmp(sub, "AT_ValidateConstraint"))
			exclusive = false; /* SHARE UPDATE EXCLUSIVE */
	}
	if (exclusive)
		need_timeout(p, off, table);
}

static void statement(pg_stmt *p, long off, json_t *stmt)
{
	const char *kind;
	json_t *st;
	json_object_foreach(stmt, kind, st) {
		if (p->created) {
			if (!strcmp(kind, "CreateStmt") || !strcmp(kind, "CreateTableAsStmt")) {
				json_t *rel = json_object_get(st, "relation");
				if (!rel)
					rel = json_object_get(json_object_get(st, "into"), "rel");
				const char *t = relname(rel);
				if (t && !rt_strvec_contains(p->created, t))
					rt_strvec_push(p->created, t);
			}
			continue;
		}
		if (!strcmp(kind, "VariableSetStmt")) {
			const char *name = str(st, "name");
			if (name && !strcmp(name, "lock_timeout"))
				p->lock_timeout = true;
		} else if (!strcmp(kind, "IndexStmt")) {
			const char *t = relname(json_object_get(st, "relation"));
			bool conc = flag(st, "concurrent");
			if (conc && p->s->transactional)
				REPORT(p, off, "concurrently-in-transaction", "error", NULL,
				       "put it alone in a section marked `-- migrate:upgrade "
				       "transaction:false`",
				       "CREATE INDEX CONCURRENTLY cannot run inside a transaction, and "
				       "this section runs in one");
			else if (!conc && !is_new(p, t))
				REPORT(p, off, "index-not-concurrently", "warning",
				       "SHARE lock: blocks writes to the table while the index builds",
				       "CREATE INDEX CONCURRENTLY, alone in a transaction:false section",
				       "CREATE INDEX on existing table '%s' without CONCURRENTLY blocks "
				       "its writes", t ? t : "?");
			if (flag(st, "unique") && !is_new(p, t))
				REPORT(p, off, "unique-index-existing-table", "warning", NULL,
				       "check for duplicates first (SELECT ... GROUP BY ... HAVING "
				       "count(*) > 1)",
				       "a unique index on existing table '%s' fails if its rows already "
				       "hold duplicates: whether it works depends on the data",
				       t ? t : "?");
		} else if (!strcmp(kind, "DropStmt")) {
			const char *type = str(st, "removeType");
			if (type && !strcmp(type, "OBJECT_INDEX") && !flag(st, "concurrent")) {
				REPORT(p, off, "drop-index-not-concurrently", "warning", AX,
				       "DROP INDEX CONCURRENTLY, alone in a transaction:false section",
				       "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock "
				       "on its table");
			} else if (type && !strcmp(type, "OBJECT_INDEX") && p->s->transactional) {
				REPORT(p, off, "concurrently-in-transaction", "error", NULL,
				       "put it alone in a section marked transaction:false",
				       "DROP INDEX CONCURRENTLY cannot run inside a transaction, and "
				       "this section runs in one");
			} else if (type && !strcmp(type, "OBJECT_TABLE")) {
				json_t *objs = json_object_get(st, "objects");
				json_t *l = json_object_get(json_array_get(objs, 0), "List");
				const char *t = l ? last_name(json_object_get(l, "items")) : NULL;
				if (!is_new(p, t)) {
					REPORT(p, off, "drop-table", "warning", AX,
					       "stop using the table in a release before, then drop it",
					       "dropping table '%s' breaks clients that still use it, and "
					       "its rows are gone", t ? t : "?");
					need_timeout(p, off, t);
				}
			}
		} else if (!strcmp(kind, "AlterTableStmt")) {
			alter_table(p, off, st);
		} else if (!strcmp(kind, "RenameStmt")) {
			const char *type = str(st, "renameType");
			const char *t = relname(json_object_get(st, "relation"));
			if (is_new(p, t) || !type)
				continue;
			if (!strcmp(type, "OBJECT_COLUMN"))
				REPORT(p, off, "rename-column", "warning", AX,
				       "add the new column, write both, switch readers, drop the old",
				       "renaming '%s.%s' to '%s' breaks clients that use the old name",
				       t ? t : "?", str(st, "subname") ? str(st, "subname") : "?",
				       str(st, "newname") ? str(st, "newname") : "?");
			else if (!strcmp(type, "OBJECT_TABLE"))
				REPORT(p, off, "rename-table", "warning", AX,
				       "create a view under the old name while clients move",
				       "renaming table '%s' to '%s' breaks clients that use the old name",
				       t ? t : "?", str(st, "newname") ? str(st, "newname") : "?");
			else
				continue;
			need_timeout(p, off, t);
		} else if (!strcmp(kind, "TruncateStmt")) {
			const char *b = str(st, "behavior");
			if (b && !strcmp(b, "DROP_CASCADE"))
				REPORT(p, off, "truncate-cascade", "warning", AX,
				       "truncate the tables by name",
				       "TRUNCATE ... CASCADE also empties every table that refers to "
				       "these, whatever their names");
		} else if (!strcmp(kind, "VacuumStmt")) {
			size_t i;
			json_t *o;
			json_array_foreach(json_object_get(st, "options"), i, o)
			{
				const char *n = str(json_object_get(o, "DefElem"), "defname");
				if (n && !strcmp(n, "full"))
					REPORT(p, off, "vacuum-full", "warning",
					       "ACCESS EXCLUSIVE lock; rewrites the table",
					       "plain VACUUM, or pg_repack outside the migration",
					       "VACUUM FULL rewrites the table and blocks it until done");
			}
		} else if (!strcmp(kind, "AlterEnumStmt")) {
			long v = rt_lint_server_version(p->c);
			if (str(st, "newVal") && !str(st, "oldVal") && p->s->transactional && v &&
			    v < 120000)
				REPORT(p, off, "enum-add-value-in-transaction", "error", NULL,
				       "put it alone in a section marked transaction:false",
				       "ALTER TYPE ... ADD VALUE cannot run inside a transaction before "
				       "PostgreSQL 12, and this section runs in one (server %ld.%ld)",
				       v / 10000, v % 10000 / 100 ? v % 10000 / 100 : v % 100);
		} else if (!strcmp(kind, "ClusterStmt")) {
			REPORT(p, off, "cluster", "warning", "ACCESS EXCLUSIVE lock; rewrites the table",
			       "pg_repack outside the migration",
			       "CLUSTER rewrites the table and blocks it until done");
		}
	}
}

/* Each statement of the list, parsed, through statement(): the creates, or the rules. */
static void each_statement(pg_stmt *p, const rt_lint_stmt *st, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		char *text = rt_xstrndup(p->s->sql + st[k].off, st[k].len);
		PgQueryParseResult res = pg_query_parse(text);
		if (!res.error) {
			json_t *tree = json_loads(res.parse_tree, 0, NULL);
			size_t i;
			json_t *s;
			json_array_foreach(json_object_get(tree, "stmts"), i, s)
				statement(p, (long)st[k].off, json_object_get(s, "stmt"));
			json_decref(tree);
		}
		pg_query_free_parse_result(res);
		free(text);
	}
}

int rt_lint_postgres(rt_lint_ctx *c, const rt_lint_section *s)
{
	rt_lint_stmt *st = NULL;
	size_t n = 0;
	int rc = rt_lint_statements(c, s->sql, &st, &n);
	if (rc)
		return rc;
	pg_stmt p = { c, s, false, false, s->created };
	each_statement(&p, st, n); /* the tables the section creates */
	p.created = NULL;
	each_statement(&p, st, n); /* the rules */
	free(st);
	return 0;
}
#else
int rt_lint_postgres(rt_lint_ctx *c, const rt_lint_section *s)
{
	(void)c;
	(void)s;
	return 0;
}
#endif
