"""Class enumeration vs blind brute force, the paper checks for n=2, and drawings that compile."""

import itertools
import shutil

import networkx as nx
import pytest

from graphoid.graphs.classes import (DSep, GraphClass, SetLink, check_class, chained_class, condition7,
                                     dsep_claim, fig3_class, refined_class)
from graphoid.graphs.paper_checks import check_hypothesis, check_lemma1, check_theorem1_dseps


def _bruteforce(cls: GraphClass, claims=()):
    """Blind product of the pair options, networkx acyclicity and networkx d-separation."""
    kept, fails = 0, 0
    for opts in itertools.product(*(cls.pair_options[p] for p in cls.pair_order)):
        m = cls.member(opts)
        g = m.to_networkx()
        if not nx.is_directed_acyclic_graph(g):
            continue
        def holds(c):
            x, y, z = ({m.names[i] for i in range(len(m.names)) if m.resolve(s) >> i & 1} for s in (c.x, c.y, c.z))
            return not x or not y or nx.is_d_separator(g, x, y, z)
        if all(holds(c) for c in cls.constraints):
            kept += 1
            fails += any(not holds(c) for c in claims)
    return kept, fails


@pytest.mark.parametrize("make", [lambda: fig3_class(2), lambda: chained_class((1, 1, 1, 1)),
                                  lambda: chained_class((2, 1, 1, 1), between="edge"),
                                  lambda: refined_class(2, 1, 4), lambda: refined_class(2, 2, 6)])
def test_enumeration_counts_match_bruteforce(make):
    cls = make()
    kept, _ = _bruteforce(cls)
    for sym in (True, False):
        r = check_class(cls, [], use_symmetry=sym)
        assert r.represented == kept
        assert r.holds


def test_claim_failures_match_bruteforce():
    # a false claim on a tiny class: the enumerator must find it exactly where networkx does
    cls = fig3_class(2)
    claim = DSep(("A1",), ("A2",), ("X1",))
    kept, fails = _bruteforce(cls, [claim])
    assert fails > 0
    r = check_class(cls, [claim], use_symmetry=False, stop_at_first=False)
    assert r.represented == kept and r.counterexample is not None
    g = r.counterexample.to_networkx()
    assert not nx.is_d_separator(g, {"A1"}, {"A2"}, {"X1"})


def test_fig4_partitions_cover_fig3():
    # every member of Fig. 3 satisfying (7) falls in exactly one Fig. 4 class (C = the A_i linked to X_i)
    n = 2
    total = check_class(fig3_class(n), []).represented
    parts = sum(check_class(refined_class(n, k, 4), []).represented * len(list(itertools.combinations(range(n), k)))
                for k in range(n + 1))
    assert total == parts


def test_symmetry_must_preserve_class():
    with pytest.raises(ValueError):
        GraphClass("bad", ("a", "b", "c"), {}, {(0, 1): (0, 1)}, symmetries=((0, 1, 2), (2, 1, 0)))


def test_paper_checks_n2():
    r = check_theorem1_dseps(2)
    assert r.holds and r.represented > 0
    for name in ("no_cross_links", "no_C_to_B", "no_C_to_C", "B_parents_in_B_Lambda", "Lambda_indep_X",
                 "eq10_with_B", "paths_B_Z_via_C"):
        assert check_hypothesis(name, 2).holds, name


def test_counterexamples_are_real():
    # (10) without "Λ determines B" fails for n=3; the counter-example must violate it under networkx
    r = check_hypothesis("eq10_literal", 3)
    m = r.counterexample
    assert m is not None
    g = m.to_networkx()
    for c in condition7(3):
        assert nx.is_d_separator(g, set(c.x), set(c.y), set(c.z))
    C = sorted(m.roles["C"])
    lam = set(m.roles["Λ"]) | set(m.roles["Z"])
    assert any(not nx.is_d_separator(g, {c}, set(C) - {c}, lam) for c in C)


def test_lemma1_k1():
    rs = check_lemma1(1)
    assert all(r.holds for r in rs) and sum(r.represented for r in rs) > 0


def test_lemma1_checker_can_fail():
    # the same machinery refutes a false variant: (A ⊥ C | B) does not give (A ⊥ D | C)
    cls = chained_class((1, 1, 1, 1))
    r = check_class(cls, [dsep_claim("(A ⊥ D | C)", ["A"], ["D"], ["C"])], [DSep(("A",), ("C",), ("B",))])
    assert r.counterexample is not None


def test_bad_input_messages():
    with pytest.raises(ValueError, match="unknown connection kind"):
        GraphClass.from_sets("x", {"S": ["a", "b"]}, [SetLink("S", "S", "sideways")])
    with pytest.raises(ValueError, match="unknown hypothesis"):
        check_hypothesis("nope", 2)
