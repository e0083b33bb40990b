"""The trusted kernel: Facts are minted only by it and cannot be changed, copied or pickled; each
rule accepts its exact form and names the side condition that fails otherwise."""
from __future__ import annotations

import copy
import pickle

import pytest

from graphoid.graphs.dag import DAG, ChainedGraph
from graphoid.kernel import Fact, Kernel, RuleError
from graphoid.statements import CI, Semantics


def ci(x, y, z="", dsep=False, graph=None):
    return CI.of(set(x), set(y), set(z), dsep=dsep, graph=graph)


@pytest.fixture
def k():
    return Kernel()


def dag(k, name, nodes, edges):
    """Declare the vertices (those not yet declared) and the graph in k's context."""
    new = [(v, 1, 1) for v in nodes if v not in k.ctx.scalars]
    if new:
        k.declare_variables(new, False, 1)
    g = DAG(name, tuple(nodes), tuple(edges))
    k.declare_graph(name, g, 1)
    return g


def chain(k, name, blocks):
    new = [(v, 1, 1) for b in blocks for v in b if v not in k.ctx.scalars]
    if new:
        k.declare_variables(new, False, 1)
    g = ChainedGraph(name, tuple(frozenset(b) for b in blocks))
    k.declare_graph(name, g, 1)
    return g


# -- Fact ---------------------------------------------------------------------------------------

def test_fact_cannot_be_constructed_outside_the_kernel():
    with pytest.raises(PermissionError):
        Fact(object(), ci("A", "B"), "symmetry", (), Semantics.prob())
    with pytest.raises(PermissionError):
        Fact(None, ci("A", "B"), "assumption", (), Semantics.prob())


def test_a_subclass_cannot_mint_facts_either():
    class Forged(Fact):
        def __init__(self):
            super().__init__("token", ci("A", "B"), "symmetry", (), Semantics.prob())

    with pytest.raises(PermissionError):
        Forged()


def test_fact_is_immutable(k):
    f = k.assume(ci("A", "B"))
    for name, value in (("statement", ci("A", "C")), ("rule", "symmetry"), ("kind", "derived"),
                        ("premises", ()), ("semantics", Semantics.prob()), ("new_attribute", 1)):
        with pytest.raises(AttributeError):
            setattr(f, name, value)
    with pytest.raises(AttributeError):
        del f.statement
    assert f.statement == ci("A", "B") and f.kind == "assumption"


def test_fact_cannot_be_pickled_or_copied(k):
    f = k.symmetry(k.assume(ci("A", "B")), ci("B", "A"))
    with pytest.raises(TypeError):
        pickle.dumps(f)
    with pytest.raises(TypeError):
        copy.copy(f)
    with pytest.raises(TypeError):
        copy.deepcopy(f)


def test_fact_records_rule_premises_semantics_and_obligations(k):
    p = k.assume(ci("X", "YW", "Z"))
    f = k.weak_union(p, ci("X", "Y", "ZW"))
    assert f.rule == "weak_union" and f.premises == (p,) and f.kind == "derived"
    assert f.semantics == Semantics.prob()
    assert f.obligations and all(o.result == "proved" for o in f.obligations)
    assert f.assumptions() == [p]


# -- the graphoid axioms (2)-(6) ----------------------------------------------------------------

def test_symmetry(k):
    p = k.assume(ci("X", "Y", "Z"))
    assert k.symmetry(p, ci("Y", "X", "Z")).statement == ci("Y", "X", "Z")
    with pytest.raises(RuleError, match="symmetry: the conclusion must condition on"):
        k.symmetry(p, ci("Y", "X"))


def test_decomposition(k):
    p = k.assume(ci("X", "YW", "Z"))
    k.decomposition(p, ci("X", "Y", "Z"))
    k.decomposition(p, ci("X", "W", "Z"))
    with pytest.raises(RuleError, match="must be a subset of the premise's right side"):
        k.decomposition(p, ci("X", "YV", "Z"))
    with pytest.raises(RuleError, match="left side"):
        k.decomposition(p, ci("V", "Y", "Z"))


def test_weak_union(k):
    p = k.assume(ci("X", "YW", "Z"))
    k.weak_union(p, ci("X", "Y", "ZW"))
    with pytest.raises(RuleError, match=r"must condition on Z ∪ W = \{W, Z\}; it conditions on \{Z\}"):
        k.weak_union(p, ci("X", "Y", "Z"))


def test_contraction_either_premise_order(k):
    a, b = k.assume(ci("X", "Y", "Z")), k.assume(ci("X", "W", "ZY"))
    assert k.contraction(a, b, ci("X", "YW", "Z")).premises == (a, b)
    k.contraction(b, a, ci("X", "YW", "Z"))
    with pytest.raises(RuleError, match="contraction"):
        k.contraction(a, k.assume(ci("X", "W", "Z")), ci("X", "YW", "Z"))


def test_intersection_is_marked_strictly_positive(k):
    a, b = k.assume(ci("X", "W", "ZY")), k.assume(ci("X", "Y", "ZW"))
    f = k.intersection(a, b, ci("X", "YW", "Z"))
    assert f.semantics.positive and "strictly positive" in f.semantics.describe()
    # and everything derived from it stays marked
    assert k.decomposition(f, ci("X", "Y", "Z")).semantics.positive


def test_intersection_of_d_separations_stays_a_d_separation(k):
    g = dag(k, "G", ("X", "Y", "W", "Z"), (("Z", "X"), ("Z", "Y"), ("Z", "W")))
    a = k.d_separation(g, ci("X", "W", "ZY", True, "G"))
    b = k.d_separation(g, ci("X", "Y", "ZW", True, "G"))
    f = k.intersection(a, b, ci("X", "YW", "Z", True, "G"))
    assert f.semantics == Semantics.d("G")


def test_conclusions_must_be_well_formed(k):
    p = k.assume(ci("X", "YW", "Z"))
    with pytest.raises(RuleError, match="disjoint"):
        k.assume(ci("XY", "Y"))
    with pytest.raises(RuleError):
        k.decomposition(p, ci("X", "YW", "ZW"))


def test_semantics_cannot_be_mixed_or_changed(k):
    g = dag(k, "G", ("A", "B", "C"), (("A", "B"), ("B", "C")))
    d = k.d_separation(g, ci("A", "C", "B", True, "G"))
    with pytest.raises(RuleError, match="drop the _d|must be written"):
        k.symmetry(d, ci("C", "A", "B"))
    p = k.assume(ci("A", "C", "B"))
    with pytest.raises(RuleError, match="cannot be a d-separation"):
        k.symmetry(p, ci("C", "A", "B", True, "G"))
    m = k.markov(d, ci("A", "C", "B"))
    assert m.semantics == Semantics.prob(False, "G")
    with pytest.raises(RuleError, match="mix"):
        k.contraction(d, k.assume(ci("A", "D", "BC")), ci("A", "CD", "B"))


# -- graphs -------------------------------------------------------------------------------------

def test_d_separation_read_off_a_dag(k):
    g = dag(k, "G", ("A", "B", "C"), (("A", "B"), ("C", "B")))
    k.d_separation(g, ci("A", "C", "", True, "G"))
    with pytest.raises(RuleError, match="does not d-separate.*active path: A – B – C"):
        k.d_separation(g, ci("A", "C", "B", True, "G"))
    with pytest.raises(RuleError, match="not vertices"):
        k.d_separation(g, ci("A", "E", "", True, "G"))


def test_d_separation_refuses_a_cyclic_graph(k):
    from graphoid.kernel.context import ContextError
    with pytest.raises(ContextError, match="not acyclic"):      # refused where it is declared
        dag(k, "G", ("A", "B", "C"), (("A", "B"), ("B", "C"), ("C", "A")))
    g = DAG("G", ("A", "B", "C"), (("A", "B"), ("B", "C"), ("C", "A")))
    with pytest.raises(RuleError, match="not a graph declared"):  # and never read off undeclared
        k.d_separation(g, ci("A", "C", "B", True, "G"))


def test_lemma1_is_not_a_kernel_rule():
    """Lemma 1 expands into the general graph rules (vertex cut, path cut, summary graph): the
    kernel has no rule about chained graphs of its own."""
    assert not hasattr(Kernel, "chain_paths")
    from graphoid.kernel import registry
    assert registry.RULES["lemma1"].kind == "derived"


def test_markov(k):
    g = dag(k, "G", ("A", "B", "C"), (("A", "B"), ("B", "C")))
    d = k.d_separation(g, ci("A", "C", "B", True, "G"))
    with pytest.raises(RuleError, match="same statement"):
        k.markov(d, ci("A", "C"))
    with pytest.raises(RuleError, match="premise must be a d-separation"):
        k.markov(k.assume(ci("A", "C", "B")), ci("A", "C", "B"))
