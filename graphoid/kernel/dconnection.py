"""d-connection, the negation of d-separation, as a kernel rule: (X ⊥̸⊥ Y | Z)_d in a concrete DAG
holds when some path between a member of X and a member of Y is active given Z. The kernel does
not trust whoever proposes the path: it re-checks every edge, every collider and non-collider of
it against the graph (soundness argument in docs/dconnection.md)."""
from __future__ import annotations

import time

import networkx as nx

from ..graphs.dag import DAG
from ..sets import Obligation
from ..statements import NotCI, Semantics

MAX_PATHS = 200_000   # simple paths the (untrusted) path finder looks at before giving up


def find_active_path(g: DAG, x, y, z) -> list[str] | None:
    """Propose an active path between x and y given z (search, not trusted: the rule re-checks it).
    Shortest paths first, so the evidence shown is short."""
    G = g.nx()
    if nx.is_d_separator(G, set(x), set(y), set(z)):
        return None
    U = G.to_undirected()
    anc = set(z)
    for v in z:
        anc |= nx.ancestors(G, v)
    seen = 0
    for cutoff in range(1, len(g.nodes)):
        for s in sorted(x):
            for t in sorted(y):
                for path in nx.all_simple_paths(U, s, t, cutoff=cutoff):
                    seen += 1
                    if seen > MAX_PATHS:
                        return None
                    if len(path) - 1 == cutoff and _blocking_vertex(G, path, z, anc) is None:
                        return path
    return None


def _blocking_vertex(G: nx.DiGraph, path, z, anc_z):
    """The first vertex that blocks `path` given z (with why), or None when the path is active."""
    for k in range(1, len(path) - 1):
        a, b, c = path[k - 1], path[k], path[k + 1]
        collider = G.has_edge(a, b) and G.has_edge(c, b)
        if collider and b not in anc_z:
            return b, "the collider %s is not in Z and has no descendant in Z" % b
        if not collider and b in z:
            return b, "the non-collider %s is in Z" % b
    return None


def path_text(G: nx.DiGraph, path) -> str:
    out = [path[0]]
    for u, v in zip(path, path[1:]):
        out.append(("-> " if G.has_edge(u, v) else "<- ") + v)
    return " ".join(out)


class DConnectionRules:
    """Mixin for the Kernel (it provides _mint, _well_formed and _txt)."""

    def d_connection(self, g, c: NotCI, path: list[str] | None = None):
        """(X ⊥̸⊥ Y | Z)_d in G, from an active path between X and Y given Z (found if not given)."""
        from .rules import RuleError
        r = "d-connection"
        if not isinstance(c, NotCI) or not c.ci.dsep:
            raise RuleError("%s: the conclusion must be a d-connection statement (X ⊥̸⊥ Y | Z)_d in %s"
                            % (r, getattr(g, "name", g)))
        a = c.ci
        if a.graph != getattr(g, "name", None):
            raise RuleError("%s: the statement is about %s, not %s" % (r, a.graph, getattr(g, "name", g)))
        obs = self._read_off(r, g, a)       # declared, concrete, acyclic, its vertices, disjoint sets
        x, y, z = a.triple()
        if not x or not y:
            raise RuleError("%s: both sides must be nonempty (an empty side is d-separated from anything)" % r, obs)
        G = g.nx()
        t0 = time.perf_counter()
        if path is None:
            path = find_active_path(g, x, y, z)
            if path is None:
                raise RuleError("%s: no active path between %s and %s given %s in %s: they are d-separated"
                                % (r, self._txt(a.x), self._txt(a.y), self._txt(a.z), g.name), obs)
        path = list(path)
        # the checks that make the path evidence, each against the graph itself
        why = None
        if len(path) < 2 or path[0] not in x or path[-1] not in y:
            why = "a path must run from a member of %s to a member of %s" % (self._txt(a.x), self._txt(a.y))
        elif len(set(path)) != len(path):
            why = "the path visits a vertex twice"
        else:
            for u, v in zip(path, path[1:]):
                if not (G.has_edge(u, v) or G.has_edge(v, u)):
                    why = "%s and %s are not adjacent in %s" % (u, v, g.name)
                    break
        if why is None:
            anc = set(z)
            for v in z:
                anc |= nx.ancestors(G, v)
            blocked = _blocking_vertex(G, path, z, anc)
            if blocked is not None:
                why = "the path is blocked: " + blocked[1]
        meaning = "%s is an active path given %s in %s" % (path_text(G, path), self._txt(a.z), g.name)
        if why is not None:
            raise RuleError("%s: %s" % (r, why), obs + [Obligation(meaning, "refuted", time.perf_counter() - t0, "graph", why)])
        obs.append(Obligation(meaning, "proved", time.perf_counter() - t0, "graph"))
        return self._mint(c, r, [], Semantics.d(g.name), obs)
