#!/usr/bin/python3
"""autogen_catalog.py: an independent view of a catalog, for autogen.bats.

retort's own comparison is what is under test, so the end-to-end tests judge
its results with this second reader, written separately: on Python's sqlite3
and SQLite's pragmas for a SQLite file, and on psycopg2 and pg_catalog for a
PostgreSQL URL (postgresql://...):

  autogen_catalog.py dump DB     canonical text of the schema (tables, columns,
                                 keys, indexes, foreign keys, views, triggers;
                                 PostgreSQL also enums, sequences, comments)
  autogen_catalog.py seed DB     insert one row into every user table
  autogen_catalog.py counts DB   "table<TAB>rows" per user table

retort's own tables (alembic_version, retort_log) and SQLite's are left out.
Column order is not part of the dump (ALTER TABLE ADD COLUMN appends), and
SQL text is compared with blanks and quotes folded away (SQLite) or as the
server prints it (PostgreSQL: pg_get_constraintdef, pg_get_indexdef,
pg_get_viewdef, format_type).
"""
import re
import sqlite3
import sys

SKIP = ("alembic_version", "retort_log")


def user_tables(db):
    rows = db.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").fetchall()
    return [r[0] for r in rows if r[0] not in SKIP]


def fold(sql):
    if sql is None:
        return "-"
    sql = re.sub(r'["`\[\]]', "", sql)
    sql = re.sub(r"\s+", " ", sql).strip().lower()
    return re.sub(r"\s*([(),])\s*", r"\1", sql)


def q(name):
    return '"' + name.replace('"', '""') + '"'


def dump(db):
    out = []
    for t in user_tables(db):
        info = db.execute("SELECT wr, strict FROM pragma_table_list WHERE name = ?", (t,)).fetchone()
        out.append("table %s without_rowid=%s strict=%s" % (t, info[0], info[1]))
        cols = db.execute(
            "SELECT name, upper(type), \"notnull\", dflt_value, pk, hidden "
            "FROM pragma_table_xinfo(?) ORDER BY name", (t,)).fetchall()
        for c in cols:
            out.append("  column %s %s notnull=%s default=%s pk=%s hidden=%s"
                       % (c[0], fold(c[1]), c[2], fold(c[3]), c[4], c[5]))
        for name, unique, origin, partial in db.execute(
                "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)", (t,)).fetchall():
            keys = db.execute(
                "SELECT cid, name, \"desc\", coll FROM pragma_index_xinfo(?) WHERE key ORDER BY seqno",
                (name,)).fetchall()
            label = name if origin == "c" else origin
            sql = db.execute("SELECT sql FROM sqlite_schema WHERE name = ?", (name,)).fetchone()
            where = fold(sql[0].split("WHERE", 1)[1]) if sql and sql[0] and partial else "-"
            out.append("  index %s unique=%s keys=%s where=%s" % (label, unique, keys, where))
        fks = {}
        for r in db.execute("SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete, match "
                            "FROM pragma_foreign_key_list(?)", (t,)).fetchall():
            fks.setdefault(r[0], []).append(r[1:])
        for fk in sorted(str(sorted(v)) for v in fks.values()):
            out.append("  fk %s" % fk)
    for kind in ("view", "trigger"):
        for name, sql in db.execute(
                "SELECT name, sql FROM sqlite_schema WHERE type = ? ORDER BY name", (kind,)).fetchall():
            out.append("%s %s %s" % (kind, name, fold(sql)))
    return "\n".join(sorted_blocks(out))


def sorted_blocks(lines):
    """Each table's lines sorted within the table, tables in name order."""
    blocks, cur = [], None
    for line in lines:
        if not line.startswith("  "):
            cur = [line]
            blocks.append(cur)
        else:
            cur.append(line)
    return [line for b in blocks for line in [b[0]] + sorted(b[1:])]


def value_for(type_):
    t = (type_ or "").upper()
    if "INT" in t:
        return 1
    if any(k in t for k in ("CHAR", "CLOB", "TEXT")):
        return "x"
    if any(k in t for k in ("REAL", "FLOA", "DOUB")):
        return 1.5
    return 1


def seed(db):
    for t in user_tables(db):
        cols = db.execute("SELECT name, type FROM pragma_table_xinfo(?) WHERE hidden = 0",
                          (t,)).fetchall()
        names = ", ".join(q(c[0]) for c in cols)
        marks = ", ".join("?" for _ in cols)
        db.execute("INSERT INTO %s (%s) VALUES (%s)" % (q(t), names, marks),
                   [value_for(c[1]) for c in cols])
    db.commit()


def counts(db):
    return "\n".join("%s\t%d" % (t, db.execute("SELECT count(*) FROM %s" % q(t)).fetchone()[0])
                     for t in user_tables(db))


# --- PostgreSQL, through psycopg2 ---------------------------------------------


class Pg:
    def __init__(self, url):
        import psycopg2
        self.conn = psycopg2.connect(url)
        self.conn.autocommit = True

    def rows(self, query):
        with self.conn.cursor() as cur:
            cur.execute(query)
            return [["t" if v is True else "f" if v is False else v for v in r]
                    for r in cur.fetchall()]

    def run(self, script):
        with self.conn.cursor() as cur:
            cur.execute(script)

    def check_fixed_point(self, table, definition):
        """A CHECK as PostgreSQL reads its own deparse back, until stable:
        the text of `status IN (...)` on a varchar changes once when run
        again, as an autogenerated revision runs it."""
        for _ in range(3):
            with self.conn.cursor() as cur:
                cur.execute("BEGIN")
                try:
                    cur.execute("ALTER TABLE %s ADD CONSTRAINT harness_canon %s NOT VALID"
                                % (q(table), definition))
                    cur.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                                "WHERE conname = 'harness_canon' AND conrelid = %s::regclass",
                                (q(table),))
                    again = cur.fetchone()[0]
                finally:
                    cur.execute("ROLLBACK")
            again = again[:-len(" NOT VALID")] if again.endswith(" NOT VALID") else again
            if again == definition:
                break
            definition = again
        return definition


IN_SCHEMA = "n.nspname = current_schema()"


def pg_tables(db):
    rows = db.rows("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE %s AND c.relkind IN ('r', 'p') ORDER BY 1" % IN_SCHEMA)
    return [r[0] for r in rows if r[0] not in SKIP]


def pg_dump(db):
    out = []
    tables = pg_tables(db)
    per = {t: [] for t in tables}

    def add(table, line):
        if table in per:
            per[table].append("  " + line)

    for r in db.rows(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
            "pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, "
            "CASE WHEN a.attcollation <> t.typcollation THEN co.collname END, "
            "col_description(c.oid, a.attnum) "
            "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid "
            "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "LEFT JOIN pg_collation co ON co.oid = a.attcollation "
            "WHERE %s AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped" % IN_SCHEMA):
        add(r[0], "column %s %s notnull=%s default=%s identity=%s generated=%s collation=%s comment=%s"
            % tuple(r[1:]))
    for r in db.rows(
            "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid), k.contype FROM pg_constraint k "
            "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE %s" % IN_SCHEMA):
        definition = db.check_fixed_point(r[0], r[2]) if r[3] == "c" else r[2]
        add(r[0], "constraint %s %s" % (r[1], definition))
    for r in db.rows("SELECT tablename, indexname, indexdef FROM pg_indexes n "
                     "WHERE n.schemaname = current_schema()"):
        add(r[0], "index %s %s" % (r[1], r[2]))
    for r in db.rows("SELECT c.relname, obj_description(c.oid, 'pg_class') FROM pg_class c "
                     "JOIN pg_namespace n ON n.oid = c.relnamespace "
                     "WHERE %s AND c.relkind IN ('r', 'p')" % IN_SCHEMA):
        add(r[0], "comment %s" % r[1])
    for t in tables:
        out.append("table %s" % t)
        out.extend(sorted(per[t]))
    for r in db.rows(
            "SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_type t "
            "JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid "
            "WHERE %s GROUP BY t.typname ORDER BY 1" % IN_SCHEMA):
        out.append("enum %s %s" % (r[0], r[1]))
    for r in db.rows("SELECT sequencename, data_type, start_value, min_value, max_value, "
                     "increment_by, cycle, cache_size FROM pg_sequences "
                     "WHERE schemaname = current_schema() ORDER BY 1"):
        if r[0] != "retort_log_id_seq":
            out.append("sequence %s" % " ".join(str(x) for x in r))
    for r in db.rows("SELECT viewname, definition FROM pg_views WHERE schemaname = current_schema() "
                     "ORDER BY 1"):
        out.append("view %s %s" % (r[0], " ".join(r[1].split())))
    return "\n".join(out)


def pg_value(type_, labels):
    t = type_.lower()
    if t in labels:
        return "'%s'" % labels[t].replace("'", "''")
    if t.endswith("[]"):
        return "'{}'"
    if t == "boolean":
        return "true"
    if any(k in t for k in ("int", "numeric", "real", "double", "serial")):
        return "1"
    if any(k in t for k in ("char", "text")):
        return "'x'"
    if "timestamp" in t or t == "date":
        return "'2020-01-01'"
    if t == "uuid":
        return "'00000000-0000-0000-0000-000000000001'"
    if t in ("json", "jsonb"):
        return "'{}'"
    return "NULL"


def pg_seed(db):
    labels = {r[0]: r[1] for r in db.rows(
        "SELECT t.typname, (SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid "
        "ORDER BY e.enumsortorder LIMIT 1) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
        "WHERE %s AND t.typtype = 'e'" % IN_SCHEMA)}
    script = ["SET session_replication_role = replica;"]
    for t in pg_tables(db):
        cols = db.rows(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attidentity FROM pg_attribute a "
            "WHERE a.attrelid = '%s'::regclass AND a.attnum > 0 AND NOT a.attisdropped "
            "AND a.attgenerated = '' ORDER BY a.attnum" % q(t).replace("'", "''"))
        always = any(c[2] == "a" for c in cols)
        script.append("INSERT INTO %s (%s) %sVALUES (%s);" % (
            q(t), ", ".join(q(c[0]) for c in cols),
            "OVERRIDING SYSTEM VALUE " if always else "",
            ", ".join(pg_value(c[1], labels) for c in cols)))
    db.run("\n".join(script))


def pg_counts(db):
    return "\n".join("%s\t%s" % (t, db.rows("SELECT count(*) FROM %s" % q(t))[0][0])
                     for t in pg_tables(db))


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    if path.startswith("postgresql://") or path.startswith("postgres://"):
        db = Pg(path)
        print({"dump": pg_dump, "seed": lambda d: pg_seed(d) or "", "counts": pg_counts}[cmd](db),
              end="\n" if cmd != "seed" else "")
        return
    db = sqlite3.connect(path)
    if cmd == "dump":
        print(dump(db))
    elif cmd == "seed":
        seed(db)
    elif cmd == "counts":
        print(counts(db))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
