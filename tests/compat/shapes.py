"""shapes.py: the revision graphs compat.py runs, and its allowed differences.

A graph is a list of (id, parents, branch labels, depends_on), in the order
the files are written.  The named shapes are transcribed from Alembic's own
tests at rel_1_8_1 (tests/test_version_traversal.py: RevisionPathTest,
BranchedPathTest, BranchFromMergepointTest, BranchFrom3WayMergepointTest,
TwinMergeTest, NotQuiteTwinMergeTest, DependsOnBranchTestOne/Two;
tests/_large_map.py, the 142 revisions of test_revision.py's
LargeMapTest, and its other valid maps) and from the repros that found retort's differences;
random_dag makes the rest.
"""
import fnmatch
import re


def rev(i, parents=(), labels=(), deps=()):
    return (i, list(parents), list(labels), list(deps))


# Alembic's tests/_large_map.py (rel_1_8_1): 142 revisions, one root, many
# merges; (revision, Revises) in that file's order
LARGE_MAP = [
    ('3fc8a578bc0a', ['4878cb1cb7f6', '454a0529f84e']),
    ('69285b0faaa', ['36c31e4e1c37', '3a3b24a31b57']),
    ('3b0452c64639', ['2f1a0f3667f3']),
    ('2d9d787a496', ['135b5fd31062']),
    ('184f65ed83af', ['3b0452c64639']),
    ('430074f99c29', ['54f871bfe0b0']),
    ('3ffb59981d9a', ['519c9f3ce294']),
    ('454a0529f84e', ['40f6508e4373', '38a936c6ab11']),
    ('24c2620b2e3f', ['430074f99c29', '1f5ceb1ec255']),
    ('169a948471a9', ['247ad6880f93']),
    ('2f1a0f3667f3', ['17dd0f165262']),
    ('27227dc4fda8', ['2a66d7c4d8a1']),
    ('4b2ad1ffe2e7', ['3b409f268da4', '4f8a9b79a063']),
    ('124ef6a17781', ['2529684536da']),
    ('4789d9c82ca7', ['593b8076fb2c']),
    ('64ed798bcc3', ['44ed1bf512a0', '169a948471a9']),
    ('2588a3c36a0f', ['50c7b21c9089']),
    ('359329c2ebb', ['5810e9eff996', '339faa12616']),
    ('540bc5634bd', ['3a5db5f31209']),
    ('20fe477817d2', ['53d5ff905573']),
    ('4f8a9b79a063', ['3cf34fcd6473', '300209d8594']),
    ('6918589deaf', ['3314c17f6e35']),
    ('1755e3b1481c', ['17b66754be21', '31b1d4b7fc95']),
    ('58c988e1aa4e', ['219240032b88', 'f067f0b825c']),
    ('593b8076fb2c', ['1d94175d221b']),
    ('38d069994064', ['46b70a57edc0', '3ed56beabfb7']),
    ('3e2f6c6d1182', ['7f96a01461b']),
    ('1f6969597fe7', ['1811bdae9e63']),
    ('17dd0f165262', ['3cf02a593a68']),
    ('3cf02a593a68', ['25a7ef58d293']),
    ('34dfac7edb2d', ['28f4dd53ad3a']),
    ('4009c533e05d', ['42ded7355da2']),
    ('5a0003c3b09c', ['3ed56beabfb7', '2028d94d3863']),
    ('38a936c6ab11', ['2588a3c36a0f']),
    ('59223c5b7b36', ['2f93dd880bae']),
    ('4121bd6e99e9', ['540bc5634bd']),
    ('260714a3f2de', ['6918589deaf']),
    ('ae77a2ed69b', ['274fd2642933']),
    ('18ff1ab3b4c4', ['430133b6d46c']),
    ('2b9a327527a9', ['359329c2ebb', '593b8076fb2c']),
    ('4e6167c75ed0', ['325b273d61bd']),
    ('21ab11a7c5c4', ['3da31f3323ec', '22f26011d635']),
    ('3b93e98481b1', ['4e28e2f4fe2f']),
    ('145d8f1e334d', ['b4143d129e']),
    ('135b5fd31062', ['1d94175d221b']),
    ('300209d8594', ['52804033910e', '593b8076fb2c']),
    ('8dca95cce28', ['f034666cd80']),
    ('46b70a57edc0', ['145d8f1e334d', '4cc2960cbe19']),
    ('4d45e479fbb9', ['2d9d787a496']),
    ('22f085bf8bbd', ['540bc5634bd']),
    ('263e91fd17d8', ['2b9a327527a9']),
    ('219240032b88', ['300209d8594', '2b9a327527a9']),
    ('325b273d61bd', ['4b2ad1ffe2e7']),
    ('199943ccc774', ['1aa674ccfa4e']),
    ('247ad6880f93', ['1f6969597fe7']),
    ('4878cb1cb7f6', ['28f4dd53ad3a']),
    ('2a66d7c4d8a1', ['23f1ccb18d6d']),
    ('42b079245b55', ['593b8076fb2c']),
    ('1cccf82219cb', ['20fe477817d2', '915c67915c2']),
    ('b4143d129e', ['159331d6f484', '504d5168afe1']),
    ('53d5ff905573', ['3013877bf5bd']),
    ('1f5ceb1ec255', ['3ffb59981d9a']),
    ('ef1c1c1531f', ['4738812e6ece']),
    ('1f6963d1ae02', ['247ad6880f93']),
    ('44d58f1d31f0', ['18ff1ab3b4c4']),
    ('c3ebe64dfb5', ['3409c57b0da', '31f352e77045']),
    ('f067f0b825c', ['359329c2ebb']),
    ('52ab2d3b57ce', ['96d590bd82e']),
    ('3b409f268da4', ['20e90eb3eeb6', '263e91fd17d8']),
    ('5a4ca8889674', ['4e6167c75ed0']),
    ('5810e9eff996', ['2d30d79c4093', '52804033910e']),
    ('40f6508e4373', ['4ed16fad67a7']),
    ('1811bdae9e63', ['260714a3f2de']),
    ('3013877bf5bd', ['8dca95cce28', '3fc8a578bc0a']),
    ('16426dbea880', ['28f4dd53ad3a']),
    ('22f26011d635', ['4c93d063d2ba', '3b93e98481b1']),
    ('3409c57b0da', ['17b66754be21']),
    ('44373001000f', ['42b079245b55', '219240032b88']),
    ('28f4dd53ad3a', ['2e71fd90eb9d']),
    ('4cc2960cbe19', ['504d5168afe1']),
    ('31f352e77045', ['17b66754be21', '22f085bf8bbd']),
    ('4ed16fad67a7', ['f034666cd80']),
    ('3da31f3323ec', ['4c93d063d2ba']),
    ('31b1d4b7fc95', ['1cc4459fd115']),
    ('11bc0ff42f87', ['28f4dd53ad3a']),
    ('3a5db5f31209', ['59742a546b84']),
    ('20e90eb3eeb6', ['58c988e1aa4e', '44373001000f']),
    ('23f1ccb18d6d', ['52ab2d3b57ce']),
    ('1d94175d221b', ['21ab11a7c5c4']),
    ('36f1a410ed', ['54f871bfe0b0']),
    ('181a149173e', ['2ee35cac4c62']),
    ('171ad2f0c672', ['4a4e0838e206']),
    ('2f93dd880bae', ['540bc5634bd']),
    ('25a7ef58d293', []),
    ('7f96a01461b', ['184f65ed83af']),
    ('b21f22233f', ['3e2f6c6d1182']),
    ('52804033910e', ['1d94175d221b']),
    ('1e6240aba5b3', ['4121bd6e99e9', '2c50d8bab6ee']),
    ('1cc4459fd115', ['1e6240aba5b3']),
    ('274fd2642933', ['4009c533e05d']),
    ('1aa674ccfa4e', ['59223c5b7b36', '42050bf030fd']),
    ('4e28e2f4fe2f', ['596d7b9e11']),
    ('49ddec8c7a5e', ['124ef6a17781', '47578179e766']),
    ('3e9bb349cc46', ['ef1c1c1531f']),
    ('2028d94d3863', ['504d5168afe1']),
    ('159331d6f484', ['34dfac7edb2d']),
    ('596d7b9e11', ['171ad2f0c672']),
    ('3b96bcc8da76', ['f034666cd80']),
    ('4738812e6ece', ['78982bf5499']),
    ('3314c17f6e35', ['27227dc4fda8']),
    ('30931c545bf', ['2e71fd90eb9d']),
    ('2e71fd90eb9d', ['c3ebe64dfb5', '1755e3b1481c']),
    ('3ed56beabfb7', ['11bc0ff42f87', '69285b0faaa']),
    ('96d590bd82e', ['3e9bb349cc46']),
    ('339faa12616', ['4d45e479fbb9']),
    ('47578179e766', ['2529684536da']),
    ('2ee35cac4c62', ['b21f22233f']),
    ('50c7b21c9089', ['4ed16fad67a7', '3b96bcc8da76']),
    ('78982bf5499', ['ae77a2ed69b']),
    ('519c9f3ce294', ['2c50d8bab6ee']),
    ('2720fc75e5fd', ['1cccf82219cb']),
    ('21638ec787ba', ['44d58f1d31f0']),
    ('59742a546b84', ['49ddec8c7a5e']),
    ('2d30d79c4093', ['135b5fd31062']),
    ('f034666cd80', ['5a0003c3b09c', '38d069994064']),
    ('430133b6d46c', ['181a149173e']),
    ('3a3b24a31b57', ['16426dbea880', '4cc2960cbe19']),
    ('2529684536da', ['64ed798bcc3', '1f6963d1ae02']),
    ('17b66754be21', ['19e0db9d806a', '24c2620b2e3f']),
    ('3cf34fcd6473', ['52804033910e', '4789d9c82ca7']),
    ('36c31e4e1c37', ['504d5168afe1']),
    ('54f871bfe0b0', ['519c9f3ce294']),
    ('4a4e0838e206', ['2a7f37cf7770']),
    ('19e0db9d806a', ['430074f99c29', '36f1a410ed']),
    ('44ed1bf512a0', ['247ad6880f93']),
    ('42050bf030fd', ['2f93dd880bae']),
    ('2c50d8bab6ee', ['199943ccc774']),
    ('504d5168afe1', ['28f4dd53ad3a', '30931c545bf']),
    ('915c67915c2', ['3fc8a578bc0a']),
    ('2a7f37cf7770', ['2720fc75e5fd']),
    ('4c93d063d2ba', ['4e28e2f4fe2f']),
    ('42ded7355da2', ['21638ec787ba']),
]


SHAPES = {
    # test_revision.py's large map: 142 revisions, 40 merges
    "large_map": [rev(i, ps) for i, ps in LARGE_MAP],
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
    # test_revision.py's maps (DiamondTest is "diamond"; GraphWithLoopTest's
    # valid one, a revision that depends on its parent, is "self_dep")
    "labeled_branch": [rev("a", labels=["abranch"]), rev("b", ["a"]),
                       rev("somelongername", ["b"]), rev("c", ["somelongername"]),
                       rev("d"), rev("e", ["d"], ["ebranch"]), rev("someothername", ["e"]),
                       rev("f", ["someothername"])],
    "labeled_merge": [rev("a"), rev("b", ["a"]), rev("c1", ["b"], ["c1branch"]),
                      rev("c2", ["b"]), rev("d", ["c1", "c2"])],
    "long_short": [rev("a"), rev("b1", ["a"]), rev("b2", ["a"]), rev("c1", ["b1"]),
                   rev("d11", ["c1"]), rev("d12", ["c1"])],
    "multiple_branch": [rev("a"), rev("b1", ["a"]), rev("b2", ["a"]), rev("cb1", ["b1"]),
                        rev("cb2", ["b2"]), rev("d1cb1", ["cb1"]), rev("d2cb1", ["cb1"]),
                        rev("d1cb2", ["cb2"]), rev("d2cb2", ["cb2"]), rev("d3cb2", ["cb2"]),
                        rev("d1d2cb2", ["d1cb2", "d2cb2"])],
    "multiple_branch_effective_head": [rev("y1", labels=["y"]), rev("x1", labels=["x"]),
                                       rev("y2", ["y1"], deps=["x1"]), rev("x2", ["x1"])],
    "branch_travelling": [rev("a1"), rev("a2", ["a1"]), rev("a3", ["a2"]), rev("b1", ["a3"]),
                          rev("b2", ["a3"]), rev("cb1", ["b1"]), rev("cb2", ["b2"]),
                          rev("db1", ["cb1"]), rev("db2", ["cb2"]), rev("e1b1", ["db1"]),
                          rev("fe1b1", ["e1b1"]), rev("e2b1", ["db1"]), rev("e2b2", ["db2"]),
                          rev("merge", ["e2b1", "e2b2"])],
    "multiple_base": [rev("base1"), rev("base2"), rev("base3"), rev("a1a", ["base1"]),
                      rev("a1b", ["base1"]), rev("a2", ["base2"]), rev("a3", ["base3"]),
                      rev("b1a", ["a1a"]), rev("b1b", ["a1b"]), rev("b2", ["a2"]),
                      rev("b3", ["a3"]), rev("c2", ["b2"]), rev("d2", ["c2"]),
                      rev("mergeb3d2", ["b3", "d2"])],
    "cross_dependency_one": [rev("base1", labels=["b_1"]), rev("a1a", ["base1"]),
                             rev("a1b", ["base1"]), rev("b1a", ["a1a"]),
                             rev("b1b", ["a1b"], deps=["a3"]), rev("base2", labels=["b_2"]),
                             rev("a2", ["base2"]), rev("b2", ["a2"]),
                             rev("c2", ["b2"], deps=["a3"]), rev("d2", ["c2"]),
                             rev("base3", labels=["b_3"]), rev("a3", ["base3"]),
                             rev("b3", ["a3"])],
    "cross_dependency_two": [rev("base1", labels=["b_1"]), rev("a1", ["base1"]),
                             rev("b1", ["a1"]), rev("c1", ["b1"]),
                             rev("base2", labels=["b_2"], deps=["b_1"]), rev("a2", ["base2"]),
                             rev("b2", ["a2"]), rev("c2", ["b2"]), rev("d2", ["c2"]),
                             rev("base3", labels=["b_3"]), rev("a3", ["base3"]),
                             rev("b3", ["a3"]), rev("c3", ["b3"], deps=["b2"]),
                             rev("d3", ["c3"])],
    "cross_dependency_three": [rev("base1"), rev("a1", ["base1"]), rev("b1", ["a1"]),
                               rev("c2", deps=["a1"]), rev("c3", ["c2"])],
    "normalized_down_rev": [rev("a1"), rev("a2", ["a1"]), rev("a3", ["a2"]), rev("b1"),
                            rev("b2", ["b1"], deps=["a3"]), rev("b3", ["b2"]),
                            rev("b4", ["b3"], deps=["a3"]), rev("b5", ["b4"], deps=["b4"])],
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
