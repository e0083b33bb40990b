"""Bitset d-separation and DAG-model counting against independent semantics (networkx)."""

import itertools

import networkx as nx
import pytest
from hypothesis import given, settings, strategies as st

from graphoid.graphs.dagmodels import count_classes, iter_dags
from graphoid.graphs.fastdsep import BitDAG, dsep_signature, children_from_parents


@st.composite
def dag_and_query(draw):
    n = draw(st.integers(2, 8))
    order = draw(st.permutations(range(n)))
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    for a in range(n):
        for b in range(a + 1, n):
            if draw(st.booleans()):
                g.add_edge(order[a], order[b])
    roles = draw(st.lists(st.sampled_from("xyzn"), min_size=n, max_size=n))
    x = {v for v in range(n) if roles[v] == "x"}
    y = {v for v in range(n) if roles[v] == "y"}
    z = {v for v in range(n) if roles[v] == "z"}
    return g, x, y, z


@settings(max_examples=300, deadline=None)
@given(dag_and_query())
def test_bitset_dsep_matches_networkx(case):
    g, x, y, z = case
    bd = BitDAG.from_networkx(g)
    expected = nx.is_d_separator(g, x, y, z) if x and y else True
    assert bd.d_separated(x, y, z) == expected


def test_overlapping_sets_rejected():
    bd = BitDAG.from_networkx(nx.DiGraph([(0, 1)]))
    with pytest.raises(ValueError):
        bd.d_separated({0}, {0}, set())


def _labelled_dags_bruteforce(n):
    """All DAGs on n labelled nodes by filtering every directed graph (independent of iter_dags)."""
    pairs = [(a, b) for a in range(n) for b in range(n) if a != b]
    for choice in itertools.product((0, 1), repeat=len(pairs)):
        g = nx.DiGraph()
        g.add_nodes_from(range(n))
        g.add_edges_from(p for p, c in zip(pairs, choice) if c)
        if nx.is_directed_acyclic_graph(g):
            yield g


def _essential_key(g):
    """Skeleton + v-structures computed with networkx (Verma-Pearl)."""
    skel = frozenset(frozenset(e) for e in g.to_undirected().edges)
    vs = frozenset((frozenset((a, b)), c) for c in g for a, b in itertools.combinations(sorted(g.predecessors(c)), 2)
                   if not g.has_edge(a, b) and not g.has_edge(b, a))
    return skel, vs


def _nx_relation(g, n):
    return frozenset((i, j, k) for i, j in itertools.combinations(range(n), 2)
                     for r in range(n - 1) for k in itertools.combinations([v for v in range(n) if v not in (i, j)], r)
                     if nx.is_d_separator(g, {i}, {j}, set(k)))


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_dagmodels_counts_derived_independently(n):
    dags = list(_labelled_dags_bruteforce(n)) if n <= 3 else None
    if n == 4:  # 4096 directed graphs: fine; keep it explicit
        dags = list(_labelled_dags_bruteforce(4))
    ours_dags = list(iter_dags(n))
    assert len(ours_dags) == len(dags)
    assert len({p for p, _, _ in ours_dags}) == len(ours_dags)  # each DAG once
    by_keys = len({_essential_key(g) for g in dags})
    by_nx_relation = len({_nx_relation(g, n) for g in dags}) if n <= 3 else by_keys
    for method in ("keys", "dsep"):
        r = count_classes(n, method=method)
        assert r.classes == by_keys == by_nx_relation
        assert r.dags == len(dags)
        assert "FAILED" not in r.crosscheck


def test_signature_matches_networkx_on_all_4_node_dags():
    for p, _, _ in itertools.islice(iter_dags(4), 0, None, 7):
        g = nx.DiGraph()
        g.add_nodes_from(range(4))
        g.add_edges_from((u, v) for v in range(4) for u in range(4) if p[v] >> u & 1)
        sig = dsep_signature(p, children_from_parents(p), 4)
        for i, j in itertools.combinations(range(4), 2):
            others = [v for v in range(4) if v not in (i, j)]
            for r in range(3):
                for k in itertools.combinations(others, r):
                    km = sum(1 << v for v in k)
                    assert bool(sig >> (km * 16 + i * 4 + j) & 1) == nx.is_d_separator(g, {i}, {j}, set(k))
