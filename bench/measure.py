#!/usr/bin/python3
"""bench/measure.py: the timing harness behind bench/run.

    measure.py run SPEC OUT.json     run every case of SPEC, write the samples
    measure.py report OUT.json       print the Markdown tables

SPEC is a text file, one directive a line:

    case ID TITLE...     a new case (ID: group/name, e.g. graph/heads/10000)
    runs N               timed rounds for this case (default: $RUNS or 5)
    warmup N             untimed rounds first (default 1)
    memory 0             no round under GNU time (no peak memory figure)
    tool NAME            a tool of the case (retort, alembic, raw, ...)
    cwd DIR              where its commands run
    env KEY=VALUE        in its commands' environment
    prep SHELL           run with bash before the tool's steps, every round,
                         untimed (a fresh database, say)
    step NAME ARGV...    a timed command (split as the shell would, but run
                         directly: no shell start-up in the figure)
    verify SHELL         run with bash after the tool's steps in the first
                         round; must exit 0 (the tool did the work)

Each round runs every tool once, in turn, the first tool rotating from
round to round so that no tool always runs first (after a cold cache or
another's writes).  A tool's steps run in order (upgrade, then downgrade).
Wall time is taken around fork/exec/wait4 with a monotonic clock: the figure
is the command's whole life, as hyperfine's.  Peak memory is taken in one
extra round with GNU time (/usr/bin/time -f %M, in KiB: the maximum
resident set of the command, shared libraries included).  Output of the
commands goes to /dev/null; a failing command aborts the run.
"""
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time


def parse_spec(path):
    cases = []
    case = tool = None
    default_runs = int(os.environ.get("RUNS", "5"))
    for lineno, raw in enumerate(open(path), 1):
        line = raw.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        if word == "case":
            cid, _, title = rest.partition(" ")
            case = {"id": cid, "title": title, "runs": default_runs, "warmup": 1, "memory": 1,
                    "tools": []}
            cases.append(case)
            tool = None
        elif word in ("runs", "warmup", "memory"):
            case[word] = int(rest)
        elif word == "tool":
            tool = {"name": rest, "cwd": ".", "prep": None, "steps": [], "verify": None,
                    "env": dict(os.environ)}
            case["tools"].append(tool)
        elif word == "cwd":
            tool["cwd"] = rest
        elif word == "env":
            k, _, v = rest.partition("=")
            tool["env"][k] = v
        elif word in ("prep", "verify"):
            tool[word] = rest
        elif word == "step":
            name, _, cmd = rest.partition(" ")
            tool["steps"].append((name, shlex.split(cmd)))
        else:
            sys.exit("measure: %s:%d: unknown directive '%s'" % (path, lineno, word))
    return cases


def shell(cmd, cwd, what):
    r = subprocess.run(["bash", "-c", cmd], cwd=cwd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit("measure: %s failed (exit %d) in %s: %s\n%s" %
                 (what, r.returncode, cwd, cmd, r.stderr[-2000:]))


def timed(argv, cwd, env):
    """Run argv; its wall time in seconds.  posix_spawn (vfork and exec)
    keeps the harness's own cost out of the figure; the harness moves into
    cwd for the spawn, as the child would."""
    devnull = os.open(os.devnull, os.O_RDWR)
    errf = tempfile.TemporaryFile()
    acts = [(os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1),
            (os.POSIX_SPAWN_DUP2, errf.fileno(), 2)]
    home = os.getcwd()
    os.chdir(cwd)
    try:
        t0 = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, env, file_actions=acts)
        _, status, _ = os.wait4(pid, 0)
        t = time.perf_counter() - t0
    finally:
        os.chdir(home)
        os.close(devnull)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        errf.seek(0)
        sys.exit("measure: exit %d in %s: %s\n%s" %
                 (code, cwd, shlex.join(argv), errf.read()[-2000:].decode(errors="replace")))
    errf.close()
    return t


def peak_kib(argv, cwd, env):
    """Run argv under GNU time; its maximum resident set in KiB."""
    with tempfile.NamedTemporaryFile("r") as out:
        r = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name] + argv, cwd=cwd,
                           env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        if r.returncode != 0:
            sys.exit("measure: exit %d in %s: %s\n%s" %
                     (r.returncode, cwd, shlex.join(argv), r.stderr[-2000:]))
        return int(out.read().split()[-1])


def resolve(argv):
    if "/" not in argv[0]:
        import shutil
        found = shutil.which(argv[0])
        if not found:
            sys.exit("measure: '%s' not found" % argv[0])
        argv = [found] + argv[1:]
    return argv


def run_case(case, log):
    res = {"title": case["title"], "runs": case["runs"], "tools": {}}
    for t in case["tools"]:
        res["tools"][t["name"]] = {s: {"times": [], "kib": None} for s, _ in t["steps"]}
        t["steps"] = [(s, resolve(a)) for s, a in t["steps"]]
    rounds = case["warmup"] + case["runs"]
    n = len(case["tools"])
    for k in range(rounds + case["memory"]):
        memory = k == rounds
        order = case["tools"][k % n:] + case["tools"][:k % n]
        for t in order:
            if t["prep"]:
                shell(t["prep"], t["cwd"], "prep of %s" % t["name"])
            for s, argv in t["steps"]:
                out = res["tools"][t["name"]][s]
                if memory:
                    out["kib"] = peak_kib(argv, t["cwd"], t["env"])
                else:
                    dt = timed(argv, t["cwd"], t["env"])
                    if k >= case["warmup"]:
                        out["times"].append(dt)
            if k == 0 and t["verify"]:
                shell(t["verify"], t["cwd"], "check of %s" % t["name"])
        log.write(".")
        log.flush()
    for t in res["tools"].values():
        for s in t.values():
            s["median"] = statistics.median(s["times"])
    return res


def cmd_run(spec, out):
    cases = parse_spec(spec)
    results = {}
    if os.path.exists(out):
        results = json.load(open(out))
    for c in cases:
        t0 = time.time()
        sys.stderr.write("bench: %s " % c["id"])
        results[c["id"]] = run_case(c, sys.stderr)
        sys.stderr.write(" %.0f s\n" % (time.time() - t0))
        with open(out + ".tmp", "w") as f:
            json.dump(results, f, indent=1)
        os.replace(out + ".tmp", out)


# --- Reporting -------------------------------------------------------------

def ms(sec):
    v = sec * 1000
    if v < 10:
        return "%.1f" % v
    return "%.0f" % v


def mib(kib):
    return "%.1f" % (kib / 1024) if kib is not None else "-"


def ratio(a, b):
    """retort / peer, and how many times faster retort is."""
    r = a / b
    if r < 1:
        return "%.3f (%.0f× faster)" % (r, 1 / r) if 1 / r >= 10 else "%.2f (%.1f× faster)" % (r, 1 / r)
    return "%.2f" % r


def get(res, cid, tool, step):
    c = res.get(cid)
    if not c or tool not in c["tools"] or step not in c["tools"][tool]:
        return None
    return c["tools"][tool][step]


class Checks:
    def __init__(self):
        self.lines = []

    def add(self, ok, text):
        self.lines.append("- %s %s" % ("met:" if ok else "**missed:**", text))


def report_graph(res, out, checks):
    if not any(cid.startswith(("startup/", "graph/")) for cid in res):
        return
    out.append("### Start-up and reading the graph (retort vs Alembic)\n")
    out.append("retort reads large projects through its cache of parsed revision files "
               "(warm after the first command); *no cache* reads and parses every file "
               "(RETORT_CACHE=0).  The ratio is retort's (with the cache) over Alembic's.\n")
    out.append("| command | project | retort (ms) | no cache (ms) | retort on .py (ms) | Alembic (ms) | retort / Alembic | no cache / Alembic | .py / Alembic | peak MiB: retort, no cache, Alembic |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    rows = []
    for cid, c in res.items():
        if cid.startswith("startup/") or cid.startswith("graph/"):
            rows.append(cid)
    for cid in rows:
        c = res[cid]
        r = c["tools"]["retort"]["run"]
        a = c["tools"]["alembic"]["run"]
        n = c["tools"].get("retort, no cache", {}).get("run")
        py = c["tools"].get("retort on .py", {}).get("run")
        cmd, proj = c["title"].split(" | ")
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s, %s, %s |" %
                   (cmd, proj, ms(r["median"]), ms(n["median"]) if n else "-",
                    ms(py["median"]) if py else "-", ms(a["median"]),
                    ratio(r["median"], a["median"]),
                    ratio(n["median"], a["median"]) if n else "-",
                    ratio(py["median"], a["median"]) if py else "-",
                    mib(r["kib"]), mib(n["kib"]) if n else "-", mib(a["kib"])))
        if py and cmd in ("heads", "history"):
            checks.add(a["median"] / py["median"] >= 50,
                       "%s on %s, read from Alembic's .py files: %.0f× faster than Alembic "
                       "(target 50×)" % (cmd, proj, a["median"] / py["median"]))
        checks.add(a["median"] / r["median"] >= 50,
                   "%s on %s: %.0f× faster than Alembic (target 50×)%s" %
                   (cmd, proj, a["median"] / r["median"],
                    "; without the cache %.0f×" % (a["median"] / n["median"]) if n else ""))
        if cid.startswith("graph/") and "10,000" in proj:
            checks.add(r["kib"] < 16 * 1024, "%s on %s: peak %s MiB (target under 16 MiB)%s" %
                       (cmd, proj, mib(r["kib"]),
                        "; without the cache %s MiB" % mib(n["kib"]) if n else ""))
            if cmd == "heads":
                checks.add(r["median"] < 0.050, "heads on %s: %s ms (target under 50 ms)%s" %
                           (proj, ms(r["median"]),
                            "; without the cache %s ms" % ms(n["median"]) if n else ""))
    out.append("")


def report_apply(res, out, checks):
    if not any(cid.startswith("apply/") and cid.endswith("/1000") for cid in res):
        return
    out.append("### Applying 1,000 revisions (each a CREATE TABLE of four columns and a CREATE INDEX)\n")
    out.append("`raw` is the database's own client fed one script with the same statements, the "
               "same version table changes and the same transaction per migration; `raw+log` is "
               "that script plus what retort adds to each step by contract (the re-read of the "
               "version table and the `retort_log` row).\n")
    out.append("| database | command | retort (ms) | raw (ms) | raw+log (ms) | Alembic (ms) | retort / raw | retort / Alembic | peak MiB: retort, raw, Alembic |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---|")
    for cid, c in res.items():
        if not cid.startswith("apply/") or not cid.endswith("/1000"):
            continue
        db = c["title"]
        for step, label in (("up", "upgrade head"), ("down", "downgrade base")):
            t = {k: get(res, cid, k, step) for k in ("retort", "raw", "rawlog", "alembic")}
            if not t["retort"]:
                continue
            med = {k: (v["median"] if v else None) for k, v in t.items()}
            out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s, %s, %s |" % (
                db, label, ms(med["retort"]), ms(med["raw"]),
                ms(med["rawlog"]) if med["rawlog"] else "-",
                ms(med["alembic"]) if med["alembic"] else "-",
                "%.2f" % (med["retort"] / med["raw"]),
                ratio(med["retort"], med["alembic"]) if med["alembic"] else "-",
                mib(t["retort"]["kib"]), mib(t["raw"]["kib"]),
                mib(t["alembic"]["kib"]) if t["alembic"] else "-"))
            checks.add(med["retort"] / med["raw"] <= 1.10,
                       "%s %s: %.2f× the raw client (target at most 1.10)" %
                       (label, db, med["retort"] / med["raw"]))
            if med["alembic"]:
                checks.add(med["alembic"] / med["retort"] >= 2,
                           "%s %s: %.1f× faster than Alembic (target 2×)" %
                           (label, db, med["alembic"] / med["retort"]))
    out.append("")


def report_relay(res, out, checks):
    c = res.get("relay/postgres/1000")
    if not c:
        return
    out.append("### Applying 1,000 revisions through a link of 1 ms each way (PostgreSQL)\n")
    out.append("The history of the apply benchmark, every tool connected through `bench/relay.py`, "
               "which delays each direction by 1 ms, as a managed database is from its "
               "clients.  retort sends each step as one message (`retort before`, when given, "
               "is another build of retort for comparison); `psql` runs the same statements "
               "from one script.\n")
    out.append("| command | retort (ms) | retort before (ms) | psql (ms) | Alembic (ms) | retort / psql | retort / Alembic | retort / before |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for step, label in (("up", "upgrade head"), ("down", "downgrade base")):
        t = {k: get(res, "relay/postgres/1000", k, step)
             for k in ("retort", "retort before", "psql", "alembic")}
        med = {k: (v["median"] if v else None) for k, v in t.items()}
        if not med["retort"]:
            continue
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            label, ms(med["retort"]),
            ms(med["retort before"]) if med["retort before"] else "-",
            ms(med["psql"]) if med["psql"] else "-",
            ms(med["alembic"]) if med["alembic"] else "-",
            "%.2f" % (med["retort"] / med["psql"]) if med["psql"] else "-",
            ratio(med["retort"], med["alembic"]) if med["alembic"] else "-",
            ratio(med["retort"], med["retort before"]) if med["retort before"] else "-"))
        if med["alembic"]:
            checks.add(med["alembic"] / med["retort"] >= 2,
                       "%s through a 1 ms link: %.1f× faster than Alembic (target 2×)" %
                       (label, med["alembic"] / med["retort"]))
    out.append("")


def report_autogen(res, out, checks):
    rows = [cid for cid in res if cid.startswith("autogen/")]
    if not rows:
        return
    out.append("### Autogenerate: a model of 1,000 tables against an empty database\n")
    out.append("Each table has four columns, a primary key, an index and a foreign key.  "
               "`revision --autogenerate` compares and writes the revision file, on both; "
               "`retort diff` compares and prints the SQL (Alembic 1.8 has no such command: "
               "`alembic check` came in 1.9).\n")
    out.append("| database | command | retort (ms) | Alembic (ms) | retort / Alembic | retort peak (MiB) | Alembic peak (MiB) |")
    out.append("|---|---|---:|---:|---:|---:|---:|")
    for cid in rows:
        c = res[cid]
        for step, label in (("revision", "revision --autogenerate"), ("diff", "diff / check")):
            r = get(res, cid, "retort", step)
            a = get(res, cid, "alembic", step)
            if not r:
                continue
            out.append("| %s | %s | %s | %s | %s | %s | %s |" % (
                c["title"], label.replace(" / check", "") if not a else label,
                ms(r["median"]), ms(a["median"]) if a else "-",
                ratio(r["median"], a["median"]) if a else "-", mib(r["kib"]),
                mib(a["kib"]) if a else "-"))
    out.append("")


def report_scaling(res, out, checks):
    pairs = []
    for cid in res:
        if cid.endswith("/1000"):
            big = cid[:-len("1000")] + "10000"
            if big in res:
                pairs.append((cid, big))
    if not pairs:
        return
    out.append("### Scaling: from 1,000 to 10,000 revisions (10× the revisions)\n")
    out.append("Growth is the 10,000-revision median over the 1,000-revision one: linear is "
               "about 10, less when a fixed cost (start-up, connecting) weighs in.  Applying "
               "runs once at 10,000 (retort and the raw client).  Where the raw client grows "
               "faster than linearly, the database's own work for that SQL does (SQLite's "
               "DDL costs more as its schema grows): retort's part is judged against it.\n")
    out.append("| figure | retort | peer |")
    out.append("|---|---:|---|")
    for small, big in pairs:
        cs, cb = res[small], res[big]
        for tool in cs["tools"]:
            if tool != "retort":
                continue
            for step in cs["tools"][tool]:
                b = get(res, big, tool, step)
                if not b:
                    continue
                g = b["median"] / cs["tools"][tool][step]["median"]
                peers = []
                for p in cs["tools"]:
                    if p == "retort":
                        continue
                    pb = get(res, big, p, step)
                    if pb:
                        peers.append("%s %.1f" % (p, pb["median"] / cs["tools"][p][step]["median"]))
                name = cs["title"] if step == "run" else "%s, %s" % (cs["title"], step)
                name = name.replace(" | ", ", ").replace(", 1,000 revisions", "")
                out.append("| %s | %.1f | %s |" % (name, g, ", ".join(peers) or "-"))
                short = name.replace(", 1,000 revisions", "").replace(" 1,000 revisions", "")
                raw = get(res, big, "raw", step)
                if raw:
                    # the database's own growth is the raw client's: retort's
                    # part is linear when it grows no more than that
                    rg = raw["median"] / cs["tools"]["raw"][step]["median"]
                    checks.add(g <= 12 or g / rg <= 1.15,
                               "%s: grows %.1f× for 10× the revisions, the raw client %.1f× "
                               "(retort's own part: %.2f× the database's growth)" %
                               (short, g, rg, g / rg))
                else:
                    checks.add(g <= 12, "%s: grows %.1f× for 10× the revisions "
                               "(linear: at most about 10)" % (short, g))
    out.append("")


def report_trust(res, out, checks):
    t = res.get("trust/sqlite/1000")
    cv = res.get("convert/sqlite/1000")
    if not t and not cv:
        return
    out.append("### Alembic projects and checks (SQLite, 1,000 revisions)\n")
    out.append("The history of the apply benchmark.  `convert` renders its 1,000 Alembic "
               "modules to SQL with Alembic (one Python process) and, verified, applies each "
               "revision with Alembic and with retort on two scratch databases and compares "
               "their schemas after every step, up and down; `verify` upgrades, downgrades and "
               "upgrades again each revision on a scratch database.\n")
    out.append("| command | ms | / plain upgrade |")
    out.append("|---|---:|---:|")
    up = t["tools"]["upgrade"]["run"]["median"] if t else None
    for name, c in (("upgrade head (new file)", t and t["tools"].get("upgrade")),
                    ("verify", t and t["tools"].get("verify")),
                    ("lint --all", t and t["tools"].get("lint")),
                    ("validate", t and t["tools"].get("validate")),
                    ("drift", t and t["tools"].get("drift")),
                    ("convert (verified)", cv and cv["tools"].get("convert")),
                    ("convert --no-verify", cv and cv["tools"].get("convert --no-verify"))):
        if not c:
            continue
        m = c["run"]["median"]
        out.append("| %s | %s | %s |" % (name, ms(m), "%.2f" % (m / up) if up else "-"))
        if name == "verify" and up:
            checks.add(m / up <= 4, "verify of 1,000 revisions on SQLite: %.2f× a plain "
                       "upgrade (target at most 4×)" % (m / up))
    out.append("")
    p = res.get("trust/postgres/1000")
    if not p:
        return
    out.append("The same history on PostgreSQL (`verify` on a scratch database it makes on "
               "the server, with `synchronous_commit = off`; `drift` after a plain upgrade):\n")
    out.append("| command | ms | / plain upgrade |")
    out.append("|---|---:|---:|")
    up = p["tools"]["upgrade"]["run"]["median"]
    for name, key in (("upgrade head (new database)", "upgrade"), ("verify", "verify"),
                      ("drift", "drift")):
        m = p["tools"][key]["run"]["median"]
        out.append("| %s | %s | %.2f |" % (name, ms(m), m / up))
    out.append("")


def cmd_report(path):
    res = json.load(open(path))
    out, checks = [], Checks()
    report_graph(res, out, checks)
    report_apply(res, out, checks)
    report_relay(res, out, checks)
    report_autogen(res, out, checks)
    report_scaling(res, out, checks)
    report_trust(res, out, checks)
    runs = sorted({c["runs"] for c in res.values()})
    out.append("Medians of %s timed runs per figure (after a warm-up run), the tools run in "
               "turn; peak memory is GNU time's maximum resident set (shared libraries "
               "included)." % "/".join(str(r) for r in runs))
    out.append("")
    out.append("### Targets\n")
    out.extend(checks.lines)
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "run":
        cmd_run(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "report":
        cmd_report(sys.argv[2])
    else:
        sys.exit(__doc__)
