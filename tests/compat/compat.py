#!/usr/bin/python3
"""compat.py: retort against Alembic on the same revision graphs.

Each graph is written twice: as an Alembic project (.py revisions whose
upgrade() and downgrade() create and drop one table each) and as a retort
project (.sql revisions doing the same), each with its own SQLite file.
Every case is one command, run by both tools from the same start state (a
database file made once by Alembic and copied for each tool): Alembic 1.8
through its own command-line entry point (alembic.config.main, in this
process, so that thousands of cases take minutes), retort as the built
binary.  Compared: the exit (ok or error), what the command printed for
people (stdout; for upgrade, downgrade and stamp the steps run, in order),
the version table's rows after, and the tables that exist after.

Normalisation is limited to formatting noise: Alembic's logging prefix,
retort's step timings ("(12 ms)"), retort's note naming the database, and
the order of lines Alembic prints from Python sets (`heads`, `branches`,
`current`: compared as sorted lists), and of what it prints from a set on
one line (a revision's children, its branch labels).

  compat.py [--size small|full|all] [--seed N] [--only SHAPE] [--show N] [--jobs N]
            [--db sqlite|postgresql]

--db postgresql makes each tool's database on the server at
RETORT_TEST_PG_URL instead (Alembic through psycopg2): a start state is a
template database, copied for each case.  Without a server it exits 77
(not run), or 1 under RETORT_TEST_REQUIRE_PG=1.

Exit 0 when every case agrees or differs only as tests/compat/allowed.txt
lists (each entry points at its line in the README); 1 otherwise, with the
first differences shown.  The last line is "N passed, N failed".
"""
import argparse
import contextlib
import io
import logging
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import shapes  # noqa: E402

RETORT = os.environ.get("RETORT") or os.path.join(HERE, "..", "..", "build", "retort")

ENV_PY = '''from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    engine = engine_from_config(config.get_section(config.config_ini_section),
                                prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
'''


def tup(v):
    if not v:
        return "None"
    if len(v) == 1:
        return repr(v[0])
    return "(" + ", ".join(repr(x) for x in v) + ")"


def write_ini(project, url):
    """A project's configuration: project is .../alembic or .../retort."""
    tool = os.path.basename(project)
    key = "sqlalchemy.url" if tool == "alembic" else "url"
    with open(os.path.join(project, tool + ".ini"), "w") as f:
        f.write("[%s]\nscript_location = mig\n%s = %s\n" % (tool, key, url))


def write_projects(root, graph, urls=("sqlite:///db.sqlite", "sqlite:///db.sqlite")):
    """graph: list of (id, parents, labels, depends_on), in file order; urls:
    the Alembic project's database and retort's."""
    a = os.path.join(root, "alembic")
    r = os.path.join(root, "retort")
    os.makedirs(os.path.join(a, "mig", "versions"))
    os.makedirs(os.path.join(r, "mig", "versions"))
    write_ini(a, urls[0])
    with open(os.path.join(a, "mig", "env.py"), "w") as f:
        f.write(ENV_PY)
    with open(os.path.join(a, "mig", "script.py.mako"), "w") as f:
        f.write("")
    write_ini(r, urls[1])
    for rid, parents, labels, deps in graph:
        with open(os.path.join(a, "mig", "versions", "%s_r.py" % rid), "w") as f:
            # the docstring holds what retort's header comment holds, as
            # Alembic's own template writes it: `history -v` prints both
            doc = "rev %s\n\nRevision ID: %s\nRevises: %s\n" % (rid, rid, ", ".join(parents))
            if labels:
                doc += "Branch Labels: %s\n" % ", ".join(labels)
            if deps:
                doc += "Depends On: %s\n" % ", ".join(deps)
            f.write('"""%s"""\nfrom alembic import op\n\n'
                    "revision = %r\ndown_revision = %s\nbranch_labels = %s\n"
                    "depends_on = %s\n\n\n"
                    "def upgrade():\n    op.execute('CREATE TABLE t_%s (x INTEGER)')\n\n\n"
                    "def downgrade():\n    op.execute('DROP TABLE t_%s')\n"
                    % (doc, rid, tup(parents), tup(labels), tup(deps), rid, rid))
        with open(os.path.join(r, "mig", "versions", "%s_r.sql" % rid), "w") as f:
            f.write("-- rev %s\n--\n-- Revision ID: %s\n-- Revises: %s\n" % (rid, rid, ", ".join(parents)))
            if labels:
                f.write("-- Branch Labels: %s\n" % ", ".join(labels))
            if deps:
                f.write("-- Depends On: %s\n" % ", ".join(deps))
            f.write("\n-- migrate:upgrade\nCREATE TABLE t_%s (x INTEGER);\n\n"
                    "-- migrate:downgrade\nDROP TABLE t_%s;\n" % (rid, rid))
    return a, r


def sorted_listing():
    """Alembic reads a folder in the order os.listdir gives, which is the
    file system's; retort reads it in name order (README: where retort
    differs).  Alembic is given the name order too, so that the orders it
    derives from the files' contents can be compared."""
    from alembic.script.base import Script
    real = Script._list_py_dir.__func__

    def listed(cls, scriptdir, path):
        return sorted(real(cls, scriptdir, path))
    Script._list_py_dir = classmethod(listed)


class Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def run_alembic(cwd, argv):
    """(kind, stdout, log lines, stderr): kind is "ok", "error" or "internal".

    This is alembic.config.main() but for the Config's stdout, which main()
    binds to the process's own stdout: the same parser, the same run_cmd."""
    from alembic.config import CommandLine, Config
    out = io.StringIO()
    err = io.StringIO()
    cap = Capture()
    logger = logging.getLogger("alembic")
    logger.addHandler(cap)
    logger.setLevel(logging.INFO)
    old = os.getcwd()
    os.chdir(cwd)
    kind = "ok"
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            cl = CommandLine(prog="alembic")
            options = cl.parser.parse_args(["-c", "alembic.ini"] + argv)
            cfg = Config(file_=options.config, ini_section=options.name, cmd_opts=options,
                         stdout=out)
            cl.run_cmd(cfg, options)
    except SystemExit as e:
        kind = "ok" if not e.code else "error"
    except Exception as e:  # Alembic's own bug: AssertionError, KeyError...
        kind = "internal"
        err.write("%s: %s" % (type(e).__name__, e))
    finally:
        os.chdir(old)
        logger.removeHandler(cap)
    return kind, out.getvalue(), cap.lines, err.getvalue()


def run_retort(cwd, argv):
    p = subprocess.run([RETORT] + argv, cwd=cwd, capture_output=True, text=True)
    kind = "ok" if p.returncode == 0 else "error" if p.returncode in (1, 2) else "crash"
    return kind, p.stdout, p.stderr.splitlines(), p.stderr


STEP = re.compile(r"^(?:INFO  \[alembic\.runtime\.migration\] )?Running (upgrade|downgrade|stamp_revision) (.*?)(?:, .*?)?(?: \(\d+ ms\))?$")


def steps(lines):
    out = []
    for line in lines:
        m = STEP.match(line)
        if m:
            out.append("%s %s" % (m.group(1), m.group(2).strip()))
    return out


def tables_and_rows(names, rows):
    return (tuple(sorted(rows)), tuple(sorted(n for n in names if n.startswith("t_"))))


class SqliteTarget:
    """Each tool's database is db.sqlite in its project; a start state is a
    file made once by Alembic and copied for each case."""

    def __init__(self, root):
        self.root = root
        self.made = {}

    def urls(self):
        return ("sqlite:///db.sqlite", "sqlite:///db.sqlite")

    def prepare(self, a, r, start):
        key = tuple(start)
        for d in (a, r):
            p = os.path.join(d, "db.sqlite")
            if os.path.exists(p):
                os.unlink(p)
        if key not in self.made:
            saved = os.path.join(self.root, "start%d.sqlite" % len(self.made))
            if start:
                kind, _, _, _ = run_alembic(a, ["upgrade"] + start)
                if kind == "ok":
                    shutil.copy(os.path.join(a, "db.sqlite"), saved)
                else:
                    saved = None
            else:
                # an empty database that both see as new
                sqlite3.connect(saved).close()
            self.made[key] = saved
        if self.made[key] is None:
            return False
        for d in (a, r):
            shutil.copy(self.made[key], os.path.join(d, "db.sqlite"))
        return True

    def state(self, project):
        path = os.path.join(project, "db.sqlite")
        if not os.path.exists(path):
            return ("<no database>", ())
        c = sqlite3.connect(path)
        try:
            names = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            rows = ()
            if "alembic_version" in names:
                rows = [r[0] for r in c.execute("SELECT version_num FROM alembic_version")]
        finally:
            c.close()
        return tables_and_rows(names, rows)

    def close(self):
        pass


class PostgresTarget:
    """Databases on the server at RETORT_TEST_PG_URL: one for each tool
    (<graph>_a, <graph>_r), made for each case from a template database
    that Alembic brought to the start state once."""

    def __init__(self, root, name):
        import psycopg2
        from urllib.parse import urlsplit, urlunsplit
        self.psycopg2 = psycopg2
        self.server = os.environ["RETORT_TEST_PG_URL"]
        u = urlsplit(self.server)
        self.url_of = lambda db: urlunsplit((u.scheme, u.netloc, "/" + db, u.query, ""))
        self.prefix = "compat_" + re.sub(r"\W", "_", name.lower())
        self.admin = psycopg2.connect(self.server)
        self.admin.autocommit = True
        self.made = {}
        self.dbs = set()

    def urls(self):
        return (self.url_of(self.prefix + "_a"), self.url_of(self.prefix + "_r"))

    def sql(self, text):
        with self.admin.cursor() as c:
            c.execute(text)

    def create(self, db, template=None):
        self.sql('DROP DATABASE IF EXISTS "%s"' % db)
        self.sql('CREATE DATABASE "%s"%s' % (db, ' TEMPLATE "%s"' % template if template else ""))
        self.dbs.add(db)

    def prepare(self, a, r, start):
        key = tuple(start)
        if key not in self.made:
            saved = "%s_s%d" % (self.prefix, len(self.made))
            self.create(saved)
            if start:
                write_ini(a, self.url_of(saved))
                kind, _, _, _ = run_alembic(a, ["upgrade"] + start)
                write_ini(a, self.urls()[0])
                if kind != "ok":
                    saved = None
            self.made[key] = saved
        if self.made[key] is None:
            return False
        self.create(self.prefix + "_a", self.made[key])
        self.create(self.prefix + "_r", self.made[key])
        return True

    def state(self, project):
        db = self.prefix + ("_a" if project.endswith("alembic") else "_r")
        c = self.psycopg2.connect(self.url_of(db))
        try:
            with c.cursor() as cur:
                cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                names = {t[0] for t in cur.fetchall()}
                rows = ()
                if "alembic_version" in names:
                    cur.execute("SELECT version_num FROM alembic_version")
                    rows = [t[0] for t in cur.fetchall()]
        finally:
            c.close()
        return tables_and_rows(names, rows)

    def close(self):
        for db in sorted(self.dbs):
            self.sql('DROP DATABASE IF EXISTS "%s"' % db)
        self.admin.close()


SET_ORDERED = ("heads", "branches", "current")


PATH = re.compile(r"^Path: .*/mig/versions/(\w+)_r\.(py|sql)$")


SET_LINE = re.compile(r"^(Branches into: |Branch names: )(.*)$")
# a revision's branch labels, "(L4, L0, L1)": Alembic keeps them in a Python set
LABEL_SET = re.compile(r"\(([\w.-]+(?:, [\w.-]+)+)\)")


# what an offline script does: the steps and the version table's statements
SQL_KEPT = re.compile(r"^(-- Running .*|(INSERT INTO|UPDATE|DELETE FROM) alembic_version\b.*"
                      r"|(CREATE|DROP) TABLE (alembic_version|t_\w+)\b.*)$")


ROW_INSERT = re.compile(r"^INSERT INTO alembic_version \(version_num\) VALUES \('(\w+)'\)"
                        r"( RETURNING alembic_version\.version_num)?;$")
ROW_UPDATE = re.compile(r"^UPDATE alembic_version SET version_num='(\w+)' WHERE "
                        r"alembic_version.version_num = '(\w+)';$")
ROW_DELETE = re.compile(r"^DELETE FROM alembic_version WHERE alembic_version.version_num = '(\w+)';$")


def norm_sql(text):
    """The script's steps, tables, and each step's version-table change as
    the rows it removes and adds.  Which of a merge's rows Alembic UPDATEs
    and which it DELETEs (or INSERTs, unmerging) follows a Python set's
    order, which varies from run to run (README: differs-depends-set-order)."""
    out, gone, new, returning = [], set(), set(), set()

    def flush():
        if gone or new:
            out.append("rows -%s +%s" % (sorted(gone), sorted(new)))
        gone.clear()
        new.clear()
    for l in text.splitlines():
        if not SQL_KEPT.match(l):
            continue
        m = ROW_INSERT.match(l)
        u = ROW_UPDATE.match(l)
        d = ROW_DELETE.match(l)
        if m:
            new.add(m.group(1))
            returning.add(bool(m.group(2)))
        elif u:
            gone.add(u.group(2))
            new.add(u.group(1))
        elif d:
            gone.add(d.group(1))
        else:
            flush()
            out.append(l.rstrip(" ("))
    flush()
    if returning:
        out.append("INSERT ... RETURNING: %s" % sorted(returning))
    return out


def norm_stdout(cmd, text):
    lines = [PATH.sub(r"Path: \1", l.rstrip()) for l in text.splitlines() if l.strip()]
    # Alembic prints a revision's children from a Python set
    lines = [SET_LINE.sub(lambda m: m.group(1) + ", ".join(sorted(m.group(2).split(", "))), l)
             for l in lines]
    lines = [LABEL_SET.sub(lambda m: "(" + ", ".join(sorted(m.group(1).split(", "))) + ")", l)
             for l in lines]
    if cmd[0] in SET_ORDERED:
        lines = sorted(lines)
    return lines


class Case:
    def __init__(self, shape, start, argv):
        self.shape, self.start, self.argv = shape, start, argv

    def key(self):
        return "%s | from %s | %s" % (self.shape, self.start or "base", " ".join(self.argv))


def compare(a, r, case, target):
    if not target.prepare(a, r, case.start):
        return None  # a start state Alembic cannot reach: not a case
    ak, aout, alog, aerr = run_alembic(a, case.argv)
    adb = target.state(a)
    rk, rout, rlog, rerr = run_retort(r, case.argv)
    rdb = target.state(r)
    diffs = []
    if ak == "internal":
        return ("alembic-internal", aerr, rk)
    if ak != rk:
        def last(text):
            lines = [l for l in text.strip().splitlines() if l.strip()]
            return lines[-1].strip() if lines else ""
        diffs.append("exit: alembic %s (%s), retort %s (%s)"
                     % (ak, last(aout + "\n" + aerr), rk, last(rerr)))
    elif ak == "ok":
        if "--sql" in case.argv:
            na, nr = norm_sql(aout), norm_sql(rout)
            if na != nr:
                diffs.append("sql: alembic %s, retort %s" % (na, nr))
        elif case.argv[0] in ("upgrade", "downgrade", "stamp"):
            sa, sr = steps(alog), steps(rlog)
            if sa != sr:
                diffs.append("steps: alembic %s, retort %s" % (sa, sr))
        else:
            na, nr = norm_stdout(case.argv, aout), norm_stdout(case.argv, rout)
            if na != nr:
                diffs.append("stdout: alembic %s, retort %s" % (na, nr))
        if adb != rdb:
            diffs.append("database: alembic %s, retort %s" % (adb, rdb))
    return diffs


CAP = {"small": 60, "full": 250}


def form(argv, graph):
    """A command with its revisions, labels and prefixes written X, L, P."""
    ids = {g[0] for g in graph}
    labels = {l for g in graph for l in g[2]}

    def one(tok):
        for part in re.split(r"([@:+-])", tok):
            if part in ids or part in labels:
                yield "X" if part in ids else "L"
            elif part and any(i.startswith(part) for i in ids) and part not in ("base", "head"):
                yield "P"
            else:
                yield part
    return " ".join("".join(one(t)) for t in argv)


def cases_for(name, graph, rng, size):
    ids = [g[0] for g in graph]
    labels = sorted({l for g in graph for l in g[2]})
    states = [[]]
    states += [[i] for i in ids]
    states.append(["heads"])
    reading = [["heads"], ["branches"], ["history"], ["history", "-v"], ["current"],
               ["heads", "--resolve-dependencies"]]
    ups = [["upgrade", "heads"], ["upgrade", "head"], ["upgrade", "+1"], ["upgrade", "+2"],
           ["upgrade", "-1"]]
    downs = [["downgrade", "base"], ["downgrade", "-1"], ["downgrade", "-2"],
             ["downgrade", "heads"], ["downgrade", "head"], ["downgrade", "heads-1"],
             ["downgrade", "head-1"]]
    for i in ids:
        ups.append(["upgrade", i])
        downs.append(["downgrade", i])
        ups.append(["upgrade", i + "@+1"])
        downs.append(["downgrade", i + "@-1"])
        ups.append(["upgrade", i + "+1"])
        downs.append(["downgrade", i + "-1"])
        # prefixes: unique or not, shorter than four characters too
        ups += [["upgrade", i[:2]], ["upgrade", i[:3]]]
        reading.append(["history", "-r", i + ":"])
        reading.append(["history", "-r", ":" + i])
        reading.append(["history", "-r", "current:" + i])
    stamps = [["stamp", i] for i in ids] + [["stamp", "heads"], ["stamp", "base"],
                                            ["stamp", "-1"], ["stamp", "-2"], ["stamp", "+1"]]
    stamps += [["stamp", i + "@base"] for i in ids[:3]]
    stamps += [["stamp", i + "-1"] for i in ids[-2:]] + [["stamp", i + "+1"] for i in ids[:2]]
    for l in labels:
        ups += [["upgrade", l + "@head"], ["upgrade", l + "@base"], ["upgrade", l + "@+1"]]
        downs += [["downgrade", l + "@base"], ["downgrade", l + "@-1"], ["downgrade", l + "@head"]]
        stamps += [["stamp", l + "@head"], ["stamp", l + "@base"], ["stamp", l + "@-1"]]
        for i in ids:
            ups.append(["upgrade", l + "@" + i])
            downs.append(["downgrade", l + "@" + i])
    for i in ids[:4]:
        for j in ids[-4:]:
            reading.append(["history", "-r", "%s:%s" % (i, j)])
    reading += [["history", "-r", "current:"], ["history", "-r", "base:heads"]]
    # offline scripts read no database: from base only
    offline = [["upgrade", "--sql", "heads"], ["downgrade", "--sql", "heads:base"],
               ["stamp", "--sql", "heads"]]
    for i in ids:
        offline += [["upgrade", "--sql", i], ["upgrade", "--sql", i + ":heads"],
                    ["downgrade", "--sql", "heads:" + i], ["downgrade", "--sql", i + ":base"]]
    out = [Case(name, [], argv) for argv in offline]
    for st in states:
        for argv in reading[:6] if st else reading:
            if argv[0] == "current" or st == [] or argv[:2] == ["history", "-r"]:
                out.append(Case(name, st, argv))
        for argv in ups + downs + stamps:
            out.append(Case(name, st, argv))
    if size != "all":
        # a sample, the same for any number of jobs: every case of a small
        # graph, at most CAP of a large one
        rng.shuffle(out)
        out = out[:CAP[size]]
    return out


def run_graph(job):
    """Every case of one graph, in its own folder: [(case, result)]."""
    tmp, db, name, graph, cases = job
    root = os.path.join(tmp, name)
    os.makedirs(root)
    target = PostgresTarget(root, name) if db == "postgresql" else SqliteTarget(root)
    try:
        a, r = write_projects(root, graph, target.urls())
        out = [(case, compare(a, r, case, target)) for case in cases]
    finally:
        target.close()
    shutil.rmtree(root, ignore_errors=True)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="small", choices=("small", "full", "all"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only")
    ap.add_argument("--show", type=int, default=30)
    ap.add_argument("--random", type=int, default=None, help="random graphs (default: 4 small, 200 full)")
    ap.add_argument("--jobs", type=int, default=1, help="graphs compared at once (processes)")
    ap.add_argument("--db", default="sqlite", choices=("sqlite", "postgresql"),
                    help="postgresql: on the server at RETORT_TEST_PG_URL")
    args = ap.parse_args()
    if args.db == "postgresql":
        try:
            import psycopg2  # noqa: F401
            have = bool(os.environ.get("RETORT_TEST_PG_URL"))
        except ImportError:
            have = False
        if not have:
            print("compat: no PostgreSQL (RETORT_TEST_PG_URL, python3-psycopg2): not run")
            return 1 if os.environ.get("RETORT_TEST_REQUIRE_PG") == "1" else 77
    sorted_listing()
    allowed = shapes.load_allowed(os.path.join(HERE, "allowed.txt"))
    with open(os.path.join(HERE, "..", "..", "README.md")) as f:
        readme = f.read()
    for _, _, anchor in allowed:
        if 'id="%s"' % anchor not in readme:
            print("allowed.txt: %s names no line of the README's differences" % anchor)
            return 1
    graphs = list(shapes.SHAPES.items())
    nrandom = args.random if args.random is not None else (4 if args.size == "small" else 200)
    for k in range(nrandom):
        graphs.append(("random%03d" % k, shapes.random_dag(random.Random(args.seed * 1000 + k))))
    if args.only:
        graphs = [g for g in graphs if re.fullmatch(args.only, g[0])]
    passed = failed = internal = allowed_n = 0
    shown = 0
    per_cmd = {}
    internals = {}
    graphs_by_name = dict(graphs)
    with tempfile.TemporaryDirectory(prefix="retort-compat-") as tmp:
        # each graph's sample is its own (seeded by its name): the same
        # with --only, with any number of jobs
        jobs = [(tmp, args.db, name, graph,
                 cases_for(name, graph, random.Random("%d/%s" % (args.seed, name)), args.size))
                for name, graph in graphs]
        if args.jobs > 1:
            import multiprocessing
            pool = multiprocessing.get_context("fork").Pool(args.jobs)
            results = pool.imap(run_graph, jobs)
        else:
            pool, results = None, map(run_graph, jobs)
        for graph_results in results:
            for case, res in graph_results:
                if res is None:
                    continue
                cmd = case.argv[0]
                stat = per_cmd.setdefault(cmd, [0, 0, 0])
                if isinstance(res, tuple):
                    internal += 1
                    stat[2] += 1
                    key = (form(case.argv, graphs_by_name[case.shape]),
                           res[1].split(":")[0] or "?", res[2])
                    n, example = internals.get(key, (0, case.key()))
                    internals[key] = (n + 1, example)
                    continue
                why = shapes.allowed_reason(allowed, case, res)
                if not res or why:
                    passed += 1
                    stat[0] += 1
                    allowed_n += bool(res)
                else:
                    failed += 1
                    stat[1] += 1
                    if shown < args.show:
                        shown += 1
                        print("DIFF %s\n     %s" % (case.key(), "\n     ".join(res)), flush=True)
        if pool:
            pool.close()
            pool.join()
    # what Alembic's own errors are, and what retort did there
    for (argv, exc, rk), (n, example) in sorted(internals.items(),
                                               key=lambda kv: -kv[1][0])[:args.show]:
        print("# Alembic %s on %d cases of '%s' (%s); retort: %s" % (exc, n, argv, example, rk))
    for cmd, (p, f, i) in sorted(per_cmd.items()):
        print("# %-10s %5d agree, %4d differ, %4d where Alembic fails internally" % (cmd, p, f, i))
    print("# %d cases agree (%d of them as allowed.txt lists), %d where Alembic fails internally"
          % (passed, allowed_n, internal))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
