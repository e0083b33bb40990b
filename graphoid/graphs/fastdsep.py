"""Bitset d-separation for many small DAGs x many queries.

Nodes are indexed 0..N-1; a DAG is two lists of int bitmasks (parents[v], children[v]).
The test is Bayes-ball reachability (Shachter 1998) run on whole frontiers at once.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import networkx as nx


def bits(mask: int):
    """Yield the indices of the set bits of ``mask`` in increasing order."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def mask_of(indices: Iterable[int]) -> int:
    m = 0
    for i in indices:
        m |= 1 << i
    return m


def children_from_parents(parents: Sequence[int]) -> list[int]:
    children = [0] * len(parents)
    for v, pm in enumerate(parents):
        for p in bits(pm):
            children[p] |= 1 << v
    return children


def ancestors_mask(parents: Sequence[int], mask: int) -> int:
    """Ancestors of the nodes in ``mask``, the nodes themselves included."""
    an = mask
    frontier = mask
    while frontier:
        new = 0
        for v in bits(frontier):
            new |= parents[v]
        frontier = new & ~an
        an |= new
    return an


def descendants_mask(children: Sequence[int], mask: int) -> int:
    """Descendants of the nodes in ``mask``, the nodes themselves included."""
    return ancestors_mask(children, mask)


def reachable(parents: Sequence[int], children: Sequence[int], src: int, z: int) -> int:
    """Nodes outside ``z`` d-connected to some node of ``src`` given ``z``.

    Bayes-ball: a ball arriving at v from a child ("up") passes to parents and children
    when v is not in z; a ball arriving from a parent ("down") passes to children when
    v is not in z, and bounces to parents when v is in An(z) (an opened collider).
    """
    an = ancestors_mask(parents, z)
    up = src  # the source behaves as if reached from a child: it may go both ways
    down = 0
    f_up, f_down = src, 0
    notz = ~z
    while f_up or f_down:
        nu = nd = 0
        for v in bits(f_up & notz):
            nu |= parents[v]
            nd |= children[v]
        for v in bits(f_down & notz):
            nd |= children[v]
        for v in bits(f_down & an):
            nu |= parents[v]
        f_up = nu & ~up
        f_down = nd & ~down
        up |= nu
        down |= nd
    return (up | down) & notz


def d_separated(parents: Sequence[int], children: Sequence[int], x: int, y: int, z: int) -> bool:
    """(x ⊥ y | z)_d for disjoint bitmasks x, y, z.  Empty x or y is trivially separated."""
    if (x & y) or (x & z) or (y & z):
        raise ValueError("d-separation needs disjoint sets X, Y, Z")
    if not x or not y:
        return True
    return not (reachable(parents, children, x, z) & y)


class BitDAG:
    """A DAG on named nodes stored as bitmasks, for repeated d-separation queries."""

    __slots__ = ("names", "index", "parents", "children")

    def __init__(self, names: Sequence[str], parents: Sequence[int]):
        self.names = tuple(names)
        self.index = {nm: i for i, nm in enumerate(self.names)}
        self.parents = list(parents)
        self.children = children_from_parents(self.parents)

    @classmethod
    def from_networkx(cls, g: nx.DiGraph, order: Sequence | None = None) -> "BitDAG":
        if not nx.is_directed_acyclic_graph(g):
            raise ValueError("graph is not a DAG")
        names = list(order) if order is not None else sorted(g.nodes, key=str)
        index = {nm: i for i, nm in enumerate(names)}
        parents = [0] * len(names)
        for u, v in g.edges:
            parents[index[v]] |= 1 << index[u]
        return cls(names, parents)

    def mask(self, nodes: Iterable) -> int:
        m = 0
        for nm in nodes:
            try:
                m |= 1 << self.index[nm]
            except KeyError:
                raise ValueError(f"unknown node {nm!r}") from None
        return m

    def d_separated(self, x: Iterable, y: Iterable, z: Iterable = ()) -> bool:
        return d_separated(self.parents, self.children, self.mask(x), self.mask(y), self.mask(z))

    def to_networkx(self) -> nx.DiGraph:
        g = nx.DiGraph()
        g.add_nodes_from(self.names)
        for v, pm in enumerate(self.parents):
            for p in bits(pm):
                g.add_edge(self.names[p], self.names[v])
        return g


def dsep_signature(parents: Sequence[int], children: Sequence[int], n: int) -> int:
    """The d-separation relation of a DAG on n nodes as one int.

    d-separation is compositional (X ⊥ Y | Z iff x ⊥ y | Z for all x in X, y in Y),
    so the elementary statements (i ⊥ j | K), i < j, K ⊆ rest, determine it.
    Bit (K, i, j) is set when i and j are d-separated given K.
    """
    sig = 0
    full = (1 << n) - 1
    nn = n * n
    for k in range(1 << n):
        base = k * nn
        rest = full & ~k
        for i in bits(rest):
            higher = rest & ~((2 << i) - 1)
            if not higher:
                continue
            sep = higher & ~reachable(parents, children, 1 << i, k)
            for j in bits(sep):
                sig |= 1 << (base + i * n + j)
    return sig
