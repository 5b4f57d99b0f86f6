#!/usr/bin/python3
"""autogen_catalog.py: an independent view of a SQLite catalog, for autogen.bats.

retort's own comparison is what is under test, so the end-to-end tests judge
its results with this second reader, written separately on Python's sqlite3
and SQLite's pragmas:

  autogen_catalog.py dump DB     canonical text of the schema (tables, columns,
                                 keys, indexes, foreign keys, views, triggers)
  autogen_catalog.py seed DB     insert one row into every user table
  autogen_catalog.py counts DB   "table<TAB>rows" per user table

retort's own tables (alembic_version, retort_log) and SQLite's are left out.
Column order is not part of the dump (ALTER TABLE ADD COLUMN appends), and
SQL text is compared with blanks and quotes folded away.
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


def main():
    cmd, path = sys.argv[1], sys.argv[2]
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
