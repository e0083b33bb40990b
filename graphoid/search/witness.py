"""Concrete witnesses for a refutation: a DAG whose d-separation relation holds every premise but not the
goal (checked with networkx), and a discrete distribution with exact Fraction probabilities (checked exactly).
"""
from __future__ import annotations

import itertools
import random
import time
from fractions import Fraction

import networkx as nx

from .statements import bits, chain


class Distribution:
    """A joint distribution of discrete variables: table maps value tuples (in `variables` order) to Fractions."""

    def __init__(self, variables, table):
        self.variables = list(variables)
        self.table = {k: Fraction(v) for k, v in table.items() if v != 0}
        self.pos = {v: i for i, v in enumerate(self.variables)}

    def independent(self, X, Y, Z) -> bool:
        """Exact test of P(xyz)·P(z) = P(xz)·P(yz) for every value combination."""
        ix, iy, iz = ([self.pos[v] for v in S] for S in (X, Y, Z))
        pxyz, pxz, pyz, pz = {}, {}, {}, {}
        for k, p in self.table.items():
            x, y, z = tuple(k[i] for i in ix), tuple(k[i] for i in iy), tuple(k[i] for i in iz)
            pxyz[x, y, z] = pxyz.get((x, y, z), 0) + p
            pxz[x, z] = pxz.get((x, z), 0) + p
            pyz[y, z] = pyz.get((y, z), 0) + p
            pz[z] = pz.get(z, 0) + p
        xs = {x for x, _ in pxz}
        ys = {y for y, _ in pyz}
        return all(pxyz.get((x, y, z), 0) * p_z == pxz.get((x, z), 0) * pyz.get((y, z), 0)
                   for z, p_z in pz.items() for x in xs for y in ys)

    def strictly_positive(self, arity=2) -> bool:
        return len(self.table) == arity ** len(self.variables)

    def text(self) -> str:
        head = " ".join(self.variables) + " : P"
        rows = [" ".join(str(v) for v in k) + " : " + str(p) for k, p in sorted(self.table.items())]
        return "\n".join([head] + rows)


def _in_structure(atoms, X, Y, Z) -> bool:
    return all(a in atoms for a in chain(X, Y, Z))


def _boundary_dag(order, atoms):
    """Causal input list: each v gets a greedily minimal B ⊆ predecessors with (v ⊥ pred∖B | B) in the
    structure; for a semigraphoid this DAG is an I-map (Verma & Pearl), so the goal stays d-connected."""
    edges = []
    pred = 0
    for v in order:
        B = pred
        for u in bits(pred):
            C = B & ~(1 << u)
            if _in_structure(atoms, 1 << v, pred & ~C, C):
                B = C
        edges += [(u, v) for u in bits(B)]
        pred |= 1 << v
    return edges


def _graph(n, edges, names):
    G = nx.DiGraph()
    G.add_nodes_from(names)
    G.add_edges_from((names[u], names[v]) for u, v in edges)
    return G


def dag_separates(G, stmt) -> bool:
    X, Y, Z = stmt
    return nx.is_d_separator(G, set(X), set(Y), set(Z))


def find_dag(premises, goal, names, atoms, deadline, rng=None):
    """A DAG on the named variables whose d-separations include every premise and exclude the goal."""
    rng = rng or random.Random(0)
    n = len(names)

    def ok(G):
        return all(dag_separates(G, p) for p in premises) and not dag_separates(G, goal)

    orders = (itertools.permutations(range(n)) if n <= 5
              else (rng.sample(range(n), n) for _ in range(400)))
    for order in orders:
        if time.monotonic() > deadline:
            return None
        G = _graph(n, _boundary_dag(order, atoms), names)
        if ok(G):
            return G
    while time.monotonic() < deadline:      # sparse random DAGs as a fallback
        order = rng.sample(range(n), n)
        p = rng.choice((0.15, 0.3, 0.5))
        edges = [(order[a], order[b]) for a in range(n) for b in range(a + 1, n) if rng.random() < p]
        G = _graph(n, edges, names)
        if ok(G):
            return G
    return None


def distribution_from_dag(G, rng, arity=2):
    """Binary Bayesian network on G with random strictly positive Fraction parameters."""
    order = list(nx.topological_sort(G))
    names = list(G.nodes)
    cpt = {}
    for v in order:
        parents = sorted(G.predecessors(v), key=names.index)
        for pa in itertools.product(range(arity), repeat=len(parents)):
            p = Fraction(rng.randint(1, 9), 10)
            cpt[v, pa] = p
    table = {}
    for vals in itertools.product(range(arity), repeat=len(names)):
        a = dict(zip(names, vals))
        prob = Fraction(1)
        for v in names:
            pa = tuple(a[u] for u in sorted(G.predecessors(v), key=names.index))
            p1 = cpt[v, pa]
            prob *= p1 if a[v] == 1 else 1 - p1
        table[vals] = prob
    return Distribution(names, table)


def _rank_gf2(vectors):
    rows = [v for v in vectors if v]
    rank = 0
    while rows:
        pivot = max(rows)
        rows.remove(pivot)
        top = pivot.bit_length() - 1
        rows = [r ^ pivot if (r >> top) & 1 else r for r in rows]
        rows = [r for r in rows if r]
        rank += 1
    return rank


def _parity_candidate(n, m, rng):
    return [rng.randrange(1 << m) for _ in range(n)]


def _parity_ci(vecs, X, Y, Z):
    def r(mask):
        return _rank_gf2([vecs[i] for i in bits(mask)])
    return r(X | Z) + r(Y | Z) == r(X | Y | Z) + r(Z)


def parity_distribution(names, vecs, m):
    """Each variable is the XOR of the hidden uniform bits selected by its vector."""
    table: dict = {}
    for h in range(1 << m):
        vals = tuple(bin(v & h).count("1") & 1 for v in vecs)
        table[vals] = table.get(vals, 0) + Fraction(1, 1 << m)
    return Distribution(names, table)


def find_distribution(premises, goal, names, masks, deadline, dag=None, positive=False, rng=None):
    """An exact discrete distribution satisfying every premise and violating the goal, verified exactly."""
    rng = rng or random.Random(1)

    def ok(D):
        return (all(D.independent(*p) for p in premises) and not D.independent(*goal)
                and (not positive or D.strictly_positive()))

    if dag is not None and len(names) <= 10:
        for _ in range(5):
            if time.monotonic() > deadline:
                return None
            D = distribution_from_dag(dag, rng)
            if ok(D):
                return D
    if positive or len(names) > 10:
        return None
    # parity constructions: fast rank test first, exact Fraction check before accepting
    n = len(names)
    while time.monotonic() < deadline:
        m = rng.randint(1, 4)
        vecs = _parity_candidate(n, m, rng)
        if all(_parity_ci(vecs, *p) for p in masks[0]) and not _parity_ci(vecs, *masks[1]):
            D = parity_distribution(names, vecs, m)
            if ok(D):
                return D
    return None
