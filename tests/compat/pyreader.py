#!/usr/bin/python3
"""pyreader.py: retort's reader of Alembic revision modules against Python's own.

    RETORT=build/retort pyreader.py [--cases N] [--seed S]

retort reads a revision module (*.py) without running it.  Python is the
oracle: each of N seeded variants of a module (over every way a reader can
go wrong: line endings, docstring quotes, prefixes and concatenation,
string escapes, annotations, tuples and lists, and module-level code that
binds the names again: if/try blocks, +=, unpacking, ';', del, a form
feed) is executed by Python (the variants are this script's own) for
revision, down_revision, branch_labels and depends_on and for its
__doc__ (whose first paragraph is Alembic's message and whose Create Date
line is the date), and read by `retort --json show`.  Each variant must
agree exactly, or be refused by retort (exit 2, naming the file).  A
variant Python cannot run must be refused.  Exit 0 when there are no
silent disagreements; the summary counts agreements and refusals by class.
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

RETORT = os.environ.get("RETORT", "retort")
PARENT = "p1"


def esc(s, how):
    """s as a Python string literal's body, written with escapes of kind how."""
    if how == "plain":
        return s
    out = []
    for ch in s:
        if how == "x":
            out.append("\\x%02x" % ord(ch))
        elif how == "u":
            out.append("\\u%04x" % ord(ch))
        elif how == "U":
            out.append("\\U%08x" % ord(ch))
        elif how == "oct":
            out.append("\\%03o" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def lit(rng, s, allow_prefix=True):
    """A string literal whose value is s, in one of Python's spellings."""
    how = rng.choice(["plain", "plain", "plain", "x", "u", "U", "oct"])
    q = rng.choice(['"', "'", '"""', "'''"])
    prefix = ""
    if allow_prefix and how == "plain":
        prefix = rng.choice(["", "", "", "u", "U", "r", "R"])
    body = esc(s, how)
    if rng.random() < 0.1 and len(s) > 1 and how == "plain" and not prefix:
        cut = rng.randrange(1, len(s))
        return "%s%s%s %s%s%s" % (q, s[:cut], q, q, s[cut:], q)
    return "%s%s%s%s" % (prefix, q, body, q)


def value(rng, v):
    """A literal for v: None, a string, or a tuple or list of strings."""
    if v is None:
        return "None"
    if isinstance(v, str):
        return lit(rng, v)
    items = [lit(rng, x) for x in v]
    if isinstance(v, tuple):
        inner = ", ".join(items) + ("," if len(items) == 1 else rng.choice(["", ","]))
        if rng.random() < 0.2:
            inner = "\n    " + ",\n    ".join(items) + ",\n"
        return "(%s)" % inner
    inner = ", ".join(items)
    return "[%s]" % inner


ANNOT = {
    "revision": ["", ": str"],
    "down_revision": ["", ": Union[str, None]", ": Union[str, Sequence[str], None]"],
    "branch_labels": ["", ": Union[str, Sequence[str], None]"],
    "depends_on": ["", ": Union[str, Sequence[str], None]"],
}


def docstring(rng, cls):
    """The docstring's source text and the class it exercises."""
    msg = rng.choice(["add users", "create the\ttable", "first line\nsecond line",
                      "widen name", "caf\u00e9 menu"])
    body = "%s\n\nRevision ID: x\nRevises: p1\nCreate Date: 2026-11-20 10:00:00.000000\n" % msg
    kind = rng.choice(["plain", "plain", "single", "raw", "u", "bytes", "fstring", "concat",
                       "escapes", "none", "after_comment", "after_import"])
    cls.add("doc:" + kind)
    if kind == "plain":
        return '"""%s"""\n' % body
    if kind == "single":
        return "'''%s'''\n" % body
    if kind == "raw":
        return 'r"""%s"""\n' % body.replace("\t", "\\t")
    if kind == "u":
        return 'u"""%s"""\n' % body
    if kind == "bytes":
        return rng.choice(["b", "rb", "Rb", "bR", "B"]) + '"""%s"""\n' % body.encode(
            "ascii", "replace").decode()
    if kind == "fstring":
        return rng.choice(["f", "Rf", "fr", "F"]) + '"""%s"""\n' % body
    if kind == "concat":
        return '"""%s""" """more"""\n' % body
    if kind == "escapes":
        return '"""%s"""\n' % body.replace("\t", "\\t").replace("a", "\\x61", 1)
    if kind == "none":
        return ""
    if kind == "after_comment":
        return '# a comment first\n"""%s"""\n' % body
    return 'import os\n"""%s"""\n' % body


def module(rng, n, cls):
    """A revision module's source, and the classes of its variant."""
    vals = {
        "revision": "v%d" % n,
        "down_revision": rng.choice([PARENT, (PARENT,), [PARENT], None]),
        "branch_labels": rng.choice([None, None, "lab%d" % n, ("lab%d" % n,), ["x%d" % n,
                                     "y%d" % n]]),
        "depends_on": rng.choice([None, None, PARENT, (PARENT,)]),
    }
    lines = [docstring(rng, cls), "from typing import Sequence, Union\n\n"]
    order = list(vals)
    rng.shuffle(order)
    for name in order:
        ann = rng.choice(ANNOT[name])
        lines.append("%s%s = %s\n" % (name, ann, value(rng, vals[name])))
        if ann:
            cls.add("annotation")
    # code at module level that binds a name again, or does not
    trick = rng.choice(["none", "none", "none", "if", "try", "augassign", "unpack",
                        "semicolon", "del", "formfeed", "in_def", "in_class", "for",
                        "with_comment", "continuation", "kwarg_read"])
    cls.add("code:" + trick)
    name = rng.choice(order)
    if trick == "if":
        lines.append("if True:\n    %s = %s\n" % (name, value(rng, "z%d" % n)))
    elif trick == "try":
        lines.append("try:\n    %s = %s\nexcept Exception:\n    pass\n"
                     % (name, value(rng, "z%d" % n)))
    elif trick == "augassign" and isinstance(vals[name], str):
        lines.append("%s += %s\n" % (name, lit(rng, "q")))
    elif trick == "unpack":
        lines.append("%s, _other = %s, 1\n" % (name, lit(rng, "z%d" % n)))
    elif trick == "semicolon":
        lines.append("_x = 1; %s = %s\n" % (name, lit(rng, "z%d" % n)))
    elif trick == "del" and name != "revision" and name != "down_revision":
        lines.append("del %s\n" % name)
    elif trick == "formfeed":
        lines.append("\f%s = %s\n" % (name, value(rng, vals[name])))
    elif trick == "in_def":
        lines.append("\n\ndef helper():\n    %s = %s\n    return %s\n"
                     % (name, lit(rng, "z%d" % n), name))
    elif trick == "in_class":
        lines.append("\n\nclass Holder:\n    %s = %s\n" % (name, lit(rng, "z%d" % n)))
    elif trick == "for":
        lines.append("for _i in range(1):\n    %s = %s\n" % (name, lit(rng, "z%d" % n)))
    elif trick == "with_comment":
        lines.append("%s = %s  # the %s\n" % (name, value(rng, vals[name]), name))
    elif trick == "continuation":
        lines.append("%s = \\\n    %s\n" % (name, value(rng, vals[name])))
    elif trick == "kwarg_read":
        lines.append("_d = dict(%s=1)\n" % name)
    lines.append("\n\ndef upgrade() -> None:\n    revision = 'inside'\n    pass\n\n\n"
                 "def downgrade() -> None:\n    pass\n")
    src = "".join(lines)
    eol = rng.choice(["\n", "\n", "\n", "\r\n", "\r"])
    if eol != "\n":
        cls.add("eol:" + repr(eol))
        src = src.replace("\n", eol)
    return src


def oracle(src):
    """What Python reads: the four names and the message and date, or None."""
    ns = {"__name__": "revision_module"}
    try:
        code = compile(src, "variant.py", "exec")
        exec(code, ns)
    except Exception:
        return None

    def names(v):
        if v is None:
            return []
        if isinstance(v, str):
            return [v]
        if isinstance(v, (tuple, list)) and all(isinstance(x, str) for x in v):
            return list(v)
        return "bad"

    out = {}
    for k in ("revision", "down_revision", "branch_labels", "depends_on"):
        if k not in ns:
            return None
        out[k] = names(ns[k])
        if out[k] == "bad":
            return None
    if len(out["revision"]) != 1:
        return None
    doc = ns.get("__doc__")
    doc = doc.strip() if isinstance(doc, str) and doc else ""
    out["message"] = re.split("\n\n", doc)[0]
    m = re.search(r"^\s*Create Date:\s*(.*?)\s*$", doc, re.M)
    out["create_date"] = m.group(1) if m else ""
    return out


def retort_reads(dirname, filename):
    """retort's reading of the variant: its entry in `history --json`, found by path."""
    r = subprocess.run([RETORT, "-q", "--json", "history"], cwd=dirname,
                       capture_output=True, text=True)
    if r.returncode != 0:
        return r.returncode, None, r.stdout + r.stderr
    for rev in json.loads(r.stdout).get("revisions", []):
        if rev["path"].endswith(filename):
            return 0, rev, r.stderr
    return 1, None, "no revision read from " + filename


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    root = tempfile.mkdtemp(prefix="retort-pyreader-")
    agree = refused = silent = bad = 0
    by_class = {}
    try:
        for n in range(a.cases):
            cls = set()
            src = module(rng, n, cls)
            d = os.path.join(root, "c%d" % n)
            os.makedirs(os.path.join(d, "m", "versions"))
            with open(os.path.join(d, "alembic.ini"), "w") as f:
                f.write("[alembic]\nscript_location = %(here)s/m\n"
                        "sqlalchemy.url = sqlite:///%(here)s/t.db\n")
            with open(os.path.join(d, "m", "versions", "p1_parent.py"), "w") as f:
                f.write('"""parent"""\nrevision = "p1"\ndown_revision = None\n'
                        'branch_labels = None\ndepends_on = None\n')
            with open(os.path.join(d, "m", "versions", "v%d_variant.py" % n), "w",
                      newline="") as f:
                f.write(src)
            want = oracle(src)
            rc, got, text = retort_reads(d, "v%d_variant.py" % n)
            verdict = None
            if rc == 2 and "v%d_variant.py" % n in text:
                verdict = "refused"
            elif rc == 0 and want is not None:
                mine = {
                    "revision": [got["revision"]],
                    "down_revision": got["parents"],
                    "depends_on": got["depends_on_declared"],
                    "branch_labels": got["labels"],
                    "message": got["message"],
                    "create_date": got["create_date"],
                }
                verdict = "agree" if mine == want else "silent"
                if verdict == "silent" and silent < 10:
                    print("SILENT v%d %s\n  python: %s\n  retort: %s\n%s" %
                          (n, sorted(cls), want, mine, src), file=sys.stderr)
            elif rc == 0:
                verdict = "silent"
                if silent < 10:
                    print("SILENT v%d %s: Python cannot run it, retort read it\n%s"
                          % (n, sorted(cls), src), file=sys.stderr)
            else:
                verdict = "bad"
                if bad < 10:
                    print("BAD v%d: exit %d: %s\n%s" % (n, rc, text.strip(), src),
                          file=sys.stderr)
            if verdict == "agree":
                agree += 1
            elif verdict == "refused":
                refused += 1
            elif verdict == "silent":
                silent += 1
            else:
                bad += 1
            for c in cls:
                by_class.setdefault(c, {"agree": 0, "refused": 0, "silent": 0, "bad": 0})
                by_class[c][verdict] += 1
            shutil.rmtree(d)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    for c in sorted(by_class):
        v = by_class[c]
        print("  %-24s agree %5d  refused %5d  silent %4d  bad %4d" %
              (c, v["agree"], v["refused"], v["silent"], v["bad"]))
    print("pyreader: %d variants: %d agree with Python, %d refused, %d silently different, "
          "%d failed otherwise" % (a.cases, agree, refused, silent, bad))
    return 0 if silent == 0 and bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
