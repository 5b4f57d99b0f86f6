#!/usr/bin/python3
"""interleave.py: Alembic and retort take turns on one database.

One revision graph with branches, a merge, branch labels and depends_on is
written as an Alembic project and a retort project (compat.py's writer),
both pointed at one shared database.  A fixed script of turns, then a
seeded random walk of upgrade, downgrade and stamp commands is played,
each turn by one tool or the other; the same commands are played by Alembic alone on a control
database.  After every turn:

  - the shared database has the control's version rows and tables: the
    tool whose turn it was read the other's state as Alembic would have;
  - `alembic current` and `retort current` on the shared database print
    the same revisions.

A command Alembic refuses on the control (or fails on internally) is not
a turn: Alembic runs it on the shared database too, where it does the
same (a run that fails half-way, after a stamp left a table behind, keeps
the steps before).  The database is SQLite (--db sqlite) or PostgreSQL at
RETORT_TEST_PG_URL (--db postgresql; without a server: exit 77, or 1
under RETORT_TEST_REQUIRE_PG=1).

  interleave.py [--db sqlite|postgresql] [--turns N] [--seed N]

The last line is "N passed, N failed" (turns).
"""
import argparse
import os
import random
import re
import shutil
import sqlite3
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compat  # noqa: E402

# a1 - a2 - a3 --------------- m (merge of a3 and b3)
#        \                   /
# b1 (label feature) - b2 - b3      b2 depends on a2
# c1 (label tools, a second root, depends on b1) - c2
# d1 (a root that c2 depends on: a head others only depend on)
# e1 revises a1 and depends on a2, a1's child: reverting it leaves both rows
GRAPH = [
    ("a1a1", [], [], []),
    ("a2a2", ["a1a1"], [], []),
    ("a3a3", ["a2a2"], [], []),
    ("b1b1", [], ["feature"], []),
    ("b2b2", ["b1b1"], [], ["a2a2"]),
    ("b3b3", ["b2b2"], [], []),
    ("c1c1", [], ["tools"], ["b1b1"]),
    ("c2c2", ["c1c1"], [], ["d1d1"]),
    ("d1d1", [], [], []),
    ("e1e1", ["a1a1"], [], ["a2a2"]),
    ("mmmm", ["a3a3", "b3b3"], [], []),
]


# played first, then the random walk: turns known to part the tools' rows
SCRIPT = [
    ("retort", ["upgrade", "e1e1"]),      # one row; current adds a2a2
    ("retort", ["downgrade", "-1"]),      # unmerge: a1a1 and a2a2 both rows
    ("alembic", ["downgrade", "base"]),
    ("alembic", ["upgrade", "heads"]),
    ("retort", ["downgrade", "feature@base"]),
    ("alembic", ["upgrade", "c2c2"]),     # c2 depends on d1, b1
    ("retort", ["downgrade", "b1b1"]),
    ("alembic", ["upgrade", "mmmm"]),     # the merge, through b2's dependency
    ("retort", ["downgrade", "a2a2"]),
]


def commands():
    ids = [g[0] for g in GRAPH]
    out = [["upgrade", "heads"], ["downgrade", "base"], ["upgrade", "+1"],
           ["downgrade", "-1"], ["upgrade", "feature@head"], ["downgrade", "feature@base"],
           ["upgrade", "tools@+1"], ["downgrade", "tools@-1"], ["stamp", "heads"]]
    for i in ids:
        out += [["upgrade", i], ["downgrade", i], ["stamp", i]]
    return out


class Db:
    """The shared and the control database, on SQLite or PostgreSQL."""

    def __init__(self, kind, root):
        self.kind = kind
        if kind == "sqlite":
            self.urls = {w: "sqlite:///" + os.path.join(root, w + ".db") for w in ("shared", "control")}
            return
        import psycopg2
        from urllib.parse import urlsplit, urlunsplit
        self.psycopg2 = psycopg2
        server = os.environ["RETORT_TEST_PG_URL"]
        u = urlsplit(server)
        self.admin = psycopg2.connect(server)
        self.admin.autocommit = True
        self.urls = {}
        for w in ("shared", "control"):
            name = "interleave_" + w
            self.sql('DROP DATABASE IF EXISTS "%s"' % name)
            self.sql('CREATE DATABASE "%s"' % name)
            self.urls[w] = urlunsplit((u.scheme, u.netloc, "/" + name, u.query, ""))

    def sql(self, text):
        with self.admin.cursor() as c:
            c.execute(text)

    def state(self, which):
        """(sorted version rows, sorted t_ tables)."""
        if self.kind == "sqlite":
            path = self.urls[which][len("sqlite:///"):]
            if not os.path.exists(path):
                return ((), ())
            c = sqlite3.connect(path)
            try:
                names = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                rows = []
                if "alembic_version" in names:
                    rows = [r[0] for r in c.execute("SELECT version_num FROM alembic_version")]
            finally:
                c.close()
        else:
            c = self.psycopg2.connect(self.urls[which])
            try:
                with c.cursor() as cur:
                    cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                    names = {t[0] for t in cur.fetchall()}
                    rows = []
                    if "alembic_version" in names:
                        cur.execute("SELECT version_num FROM alembic_version")
                        rows = [t[0] for t in cur.fetchall()]
            finally:
                c.close()
        return compat.tables_and_rows(names, rows)

    def close(self):
        if self.kind == "postgresql":
            for w in ("shared", "control"):
                self.sql('DROP DATABASE IF EXISTS "interleave_%s"' % w)
            self.admin.close()


CURRENT = re.compile(r"^(\w+)")


def current_ids(text):
    """The revisions `current` names, one a line (what follows differs in
    decoration only: (head), (branchpoint)...)."""
    return sorted(m.group(1) for m in map(CURRENT.match, text.splitlines()) if m)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="sqlite", choices=("sqlite", "postgresql"))
    ap.add_argument("--turns", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.db == "postgresql":
        try:
            import psycopg2  # noqa: F401
            have = bool(os.environ.get("RETORT_TEST_PG_URL"))
        except ImportError:
            have = False
        if not have:
            print("interleave: no PostgreSQL (RETORT_TEST_PG_URL, python3-psycopg2): not run")
            return 1 if os.environ.get("RETORT_TEST_REQUIRE_PG") == "1" else 77
    compat.sorted_listing()
    rng = random.Random(args.seed)
    tmp = tempfile.mkdtemp(prefix="retort-interleave-")
    db = Db(args.db, tmp)
    passed = failed = skipped = 0
    try:
        a, r = compat.write_projects(os.path.join(tmp, "shared"), GRAPH,
                                     (db.urls["shared"], db.urls["shared"]))
        ctl, _ = compat.write_projects(os.path.join(tmp, "control"), GRAPH,
                                       (db.urls["control"], db.urls["control"]))
        pool = commands()
        turns = 0
        script = list(SCRIPT)
        while turns < args.turns:
            if script:
                tool, argv = script.pop(0)
            else:
                argv = rng.choice(pool)
                tool = rng.choice(("alembic", "retort"))
            if argv == ["downgrade", "-1"] and len(db.state("control")[0]) > 1:
                continue  # retort refuses it (README: differs-several-heads)
            kind, _, _, _ = compat.run_alembic(ctl, argv)
            if kind != "ok":
                # it may have failed half-way (after a stamp, a step's table
                # can be there already): the same on the shared database
                compat.run_alembic(a, argv)
                skipped += 1
                if skipped > 20 * args.turns:
                    break
                continue
            turns += 1
            if tool == "alembic":
                k, out, _, err = compat.run_alembic(a, argv)
            else:
                k, out, _, err = compat.run_retort(r, argv)
            problems = []
            if k != "ok":
                problems.append("%s failed: %s" % (tool, (err or out).strip().splitlines()[-1:]))
            want, got = db.state("control"), db.state("shared")
            if got != want:
                problems.append("rows and tables %s, Alembic alone %s" % (got, want))
            ka, ca, _, _ = compat.run_alembic(a, ["current"])
            kr, cr, _, _ = compat.run_retort(r, ["current"])
            if ka != "ok" or kr != "ok" or current_ids(ca) != current_ids(cr):
                problems.append("current: alembic %s %s, retort %s %s"
                                % (ka, current_ids(ca), kr, current_ids(cr)))
            if problems:
                failed += 1
                print("FAIL turn %d: %s %s\n     %s" % (turns, tool, " ".join(argv),
                                                       "\n     ".join(problems)), flush=True)
                break  # the databases have parted: what follows would differ too
            else:
                passed += 1
                print("ok turn %d: %s %s -> %s" % (turns, tool, " ".join(argv),
                                                   list(got[0])), flush=True)
    finally:
        db.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print("# %d commands Alembic refused were not played" % skipped)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
