"""Graph objects a script can name: a concrete DAG, a chained graph (Fig. 2), or an abstract graph
known only through hypotheses. The kernel re-checks every structural property it relies on."""
from __future__ import annotations

from dataclasses import dataclass

import networkx as nx


@dataclass(frozen=True)
class DAG:
    """A concrete graph: nodes, directed edges, and which nodes are latent."""
    name: str
    nodes: tuple[str, ...]
    edges: tuple[tuple[str, str], ...]
    latent: frozenset[str] = frozenset()

    def nx(self) -> nx.DiGraph:
        g = nx.DiGraph()
        g.add_nodes_from(self.nodes)
        g.add_edges_from(self.edges)
        return g

    def find_cycle(self) -> list[str] | None:
        try:
            cyc = nx.find_cycle(self.nx())
        except nx.NetworkXNoCycle:
            return None
        return [u for u, _ in cyc] + [cyc[0][0]]


@dataclass(frozen=True)
class ChainedGraph:
    """The class of chained graphs over blocks (A, B, C, D, ...): edges only inside a block or between
    adjacent blocks (Fig. 2). Facts about it hold for every member graph."""
    name: str
    blocks: tuple[frozenset[str], ...]


@dataclass(frozen=True)
class AbstractGraph:
    """A graph about which the kernel knows nothing structural (e.g. the causal graph 𝒢 of Theorem 1)."""
    name: str


def is_chained(g: DAG, blocks) -> str | None:
    """None if every edge of g lies inside a block or between adjacent blocks and the blocks are
    disjoint and cover the nodes; otherwise the reason why not."""
    where: dict[str, int] = {}
    for k, b in enumerate(blocks):
        for v in b:
            if v in where:
                return "%s is in two blocks" % v
            where[v] = k
    missing = [v for v in g.nodes if v not in where]
    if missing:
        return "vertices outside the chain blocks: " + ", ".join(sorted(missing))
    for u, v in g.edges:
        if abs(where[u] - where[v]) > 1:
            return "edge %s -> %s joins non-adjacent blocks" % (u, v)
    return None
