"""shapes.py: the revision graphs compat.py runs, and its allowed differences.

A graph is a list of (id, parents, branch labels, depends_on), in the order
the files are written.  The named shapes are transcribed from Alembic's own
tests at rel_1_8_1 (tests/test_version_traversal.py: RevisionPathTest,
BranchedPathTest, BranchFromMergepointTest, BranchFrom3WayMergepointTest,
TwinMergeTest, NotQuiteTwinMergeTest, DependsOnBranchTestOne/Two) and from
the repros that found retort's differences; random_dag makes the rest.
"""
import fnmatch
import re


def rev(i, parents=(), labels=(), deps=()):
    return (i, list(parents), list(labels), list(deps))


SHAPES = {
    # RevisionPathTest: a linear chain
    "linear": [rev("a1a1"), rev("b2b2", ["a1a1"]), rev("c3c3", ["b2b2"]),
               rev("d4d4", ["c3c3"]), rev("e5e5", ["d4d4"])],
    # BranchedPathTest: two labelled branches from b
    "branched": [rev("aaaa"), rev("bbbb", ["aaaa"]),
                 rev("c1c1", ["bbbb"], ["c1branch"]), rev("d1d1", ["c1c1"]),
                 rev("c2c2", ["bbbb"], ["c2branch"]), rev("d2d2", ["c2c2"])],
    # the diamond whose order Alembic takes from the merge's Revises line
    "diamond": [rev("aaaa"), rev("bbb1", ["aaaa"]), rev("bbb2", ["aaaa"]),
                rev("cccc", ["bbb1", "bbb2"])],
    "diamond_rev": [rev("aaaa"), rev("bbb1", ["aaaa"]), rev("bbb2", ["aaaa"]),
                    rev("cccc", ["bbb2", "bbb1"])],
    # BranchFromMergepointTest
    "from_mergepoint": [rev("a1x1"), rev("b1x1", ["a1x1"]), rev("c1x1", ["b1x1"]),
                        rev("a2x2"), rev("b2x2", ["a2x2"]), rev("c2x2", ["b2x2"]),
                        rev("d1x1", ["c1x1", "c2x2"]), rev("d2x2", ["c2x2"])],
    # BranchFrom3WayMergepointTest
    "from_3way": [rev("a1y1"), rev("b1y1", ["a1y1"]), rev("c1y1", ["b1y1"]),
                  rev("a2y2"), rev("b2y2", ["a2y2"]), rev("c2y2", ["b2y2"]),
                  rev("a3y3"), rev("b3y3", ["a3y3"]), rev("c3y3", ["b3y3"]),
                  rev("d1y1", ["c1y1", "c2y2", "c3y3"]), rev("d2y2", ["c2y2"]),
                  rev("d3y3", ["c3y3"])],
    # TwinMergeTest
    "twin_merge": [rev("a"), rev("b1", ["a"]), rev("b2", ["a"]), rev("b3", ["a"]),
                   rev("c1", ["b1", "b2", "b3"]), rev("c2", ["b1", "b2", "b3"]),
                   rev("d1", ["c1"]), rev("d2", ["c2"])],
    # NotQuiteTwinMergeTest
    "not_quite_twin": [rev("a"), rev("b1", ["a"]), rev("b2", ["a"]), rev("b3", ["a"]),
                       rev("c1", ["b1", "b2"]), rev("c2", ["b2", "b3"]),
                       rev("d1", ["c1"]), rev("d2", ["c2"])],
    # DependsOnBranchTestOne
    "depends_one": [rev("a1z1", labels=["lib1"]), rev("b1z1", ["a1z1"]), rev("c1z1", ["b1z1"]),
                    rev("a2z2"), rev("b2z2", ["a2z2"]),
                    rev("c2z2", ["b2z2"], deps=["c1z1"]),
                    rev("d1z1", ["c1z1"]), rev("e1z1", ["d1z1"]), rev("f1z1", ["e1z1"])],
    # DependsOnBranchTestTwo
    "depends_two": [rev("a1"), rev("a2"), rev("a3"), rev("amerge", ["a1", "a2", "a3"]),
                    rev("b1"), rev("b2"), rev("bmerge", ["b1", "b2"]),
                    rev("c1"), rev("c2"), rev("c3"), rev("cmerge", ["c1", "c2", "c3"]),
                    rev("d1", deps=["a3", "b2", "c1"])],
    # the repros of the differences found (issue: items 5, 9, 10, 11, 13, 14)
    "effective_head": [rev("aaaa"), rev("bbbb", deps=["aaaa"])],
    "dep_on_root": [rev("xxxx"), rev("yyyy", ["xxxx"]), rev("zzzz", deps=["xxxx"])],
    "self_dep": [rev("a1a1"), rev("a2a2", ["a1a1"], deps=["a1a1"])],
    "label_on_ancestor": [rev("aaaa"), rev("bbbb", ["aaaa"], ["L"]), rev("cccc", ["bbbb"]),
                          rev("dddd", deps=["bbbb"])],
    # a label whose descendants pass a merge: Alembic climbs from the last
    # descendant (the head), stops at the merge, and never labels bbbb
    "label_past_merge": [rev("aaaa"), rev("bbbb", ["aaaa"]), rev("pppp", ["bbbb"], ["L"]),
                         rev("qqqq", ["aaaa"]), rev("mmmm", ["pppp", "qqqq"]),
                         rev("hhhh", ["mmmm"])],
    "cross_deps": [rev("a1w1"), rev("a2w2", ["a1w1"]), rev("b1w1"),
                   rev("b2w2", ["b1w1"], deps=["a2w2"]), rev("b3w3", ["b2w2"]),
                   rev("a3w3", ["a2w2"], deps=["b1w1"])],
    "short_prefix": [rev("aaaa1111"), rev("bbbb2222", ["aaaa1111"]), rev("cccc3333", ["bbbb2222"])],
}


def random_dag(rng):
    """5-40 revisions, several roots, 2- and 3-way merges, depends_on,
    branch labels and ids that share prefixes."""
    n = rng.randint(5, 40)
    ids = []
    graph = []
    used = set()
    for k in range(n):
        while True:
            pfx = rng.choice(["a", "ab", "abc", "b", "ba", "c", "d"])
            i = pfx + "%04x" % rng.randrange(1 << 16)
            if i not in used:
                used.add(i)
                break
        parents = []
        if ids and rng.random() > 0.12:
            parents = [rng.choice(ids[-6:])]
            if rng.random() < 0.18 and len(ids) > 2:
                extra = rng.sample(ids, min(len(ids), rng.choice([1, 2])))
                for e in extra:
                    if e not in parents:
                        parents.append(e)
        graph.append(rev(i, parents))
        ids.append(i)
    # merges may only join revisions that are not ancestors of one another
    anc = {}
    for i, parents, _, _ in graph:
        s = set()
        for p in parents:
            s.add(p)
            s |= anc[p]
        anc[i] = s
    for g in graph:
        ps = g[1]
        keep = [p for p in ps if not any(p in anc[q] for q in ps if q != p)]
        g[1][:] = keep
    # labels on a few revisions that have no labelled ancestor or descendant
    labelled = set()
    for g in graph:
        if rng.random() < 0.15 and not (anc[g[0]] & labelled):
            g[2].append("L%d" % len(labelled))
            labelled.add(g[0])
    # depends_on a revision that is not already an ancestor
    for g in graph:
        if rng.random() < 0.12:
            cands = [i for i in ids[:ids.index(g[0])] if i not in anc[g[0]]]
            if cands:
                g[3].append(rng.choice(cands))
    return graph


def load_allowed(path):
    """allowed.txt: "<case glob>\t<difference regex>\t<README anchor>" lines."""
    out = []
    try:
        with open(path) as f:
            for line in f:
                line = line.rstrip("\n")
                if not line or line.startswith("#"):
                    continue
                glob, regex, anchor = line.split("\t")
                out.append((glob, re.compile(regex), anchor))
    except FileNotFoundError:
        pass
    return out


def allowed_reason(allowed, case, diffs):
    if not diffs:
        return None
    key = case.key()
    for glob, regex, anchor in allowed:
        if fnmatch.fnmatch(key, glob) and all(regex.search(d) for d in diffs):
            return anchor
    return None
