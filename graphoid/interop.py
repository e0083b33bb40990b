"""Graphs from the tools people use, and back: networkx DiGraphs, pgmpy DAGs and Bayesian networks
(pgmpy's models are networkx DiGraphs with a `latents` set), and dagitty's text syntax.

    import graphoid, networkx as nx
    g = graphoid.from_networkx(nx.DiGraph([("X", "M"), ("M", "Y")]))
    graphoid.prove("(X ⊥ Y | M)", graph=g)          # or graph=the pgmpy model itself
    graphoid.to_pgmpy(g)                           # a pgmpy.base.DAG with the same latents

A latent vertex is one a networkx graph marks with the node attribute latent=True, or one in a
pgmpy model's `latents`. Vertex names must be graphoid names (a letter, then letters, digits and
primes), since statements about the graph use them; a name that is not one is refused with a
message rather than renamed silently."""
from __future__ import annotations

from .graphs.dag import DAG
from .graphs.dagitty import NAME_RE, looks_like_dagitty, parse_dagitty


def _check_names(nodes) -> list[str]:
    out = []
    for v in nodes:
        s = str(v)
        if not NAME_RE.match(s):
            raise ValueError("vertex %r cannot be used in graphoid statements (a letter, then letters, digits "
                             "and primes): relabel it, e.g. networkx.relabel_nodes" % (v,))
        out.append(s)
    return out


def from_networkx(graph, name: str = "G", latent=()) -> DAG:
    """A networkx DiGraph (or anything with .nodes and .edges, e.g. a pgmpy model) as a DAG.
    Refuses a graph with a directed cycle or a self-loop, and an undirected graph."""
    import networkx as nx
    if isinstance(graph, nx.Graph) and not graph.is_directed():
        raise ValueError("an undirected graph is not a DAG; give a networkx.DiGraph")
    nodes = _check_names(graph.nodes)
    lat = {str(v) for v in latent}
    lat |= {str(v) for v in getattr(graph, "latents", ()) or ()}
    try:
        lat |= {str(v) for v, d in graph.nodes(data=True) if d.get("latent")}
    except TypeError:
        pass
    g = DAG(name, tuple(nodes), tuple((str(u), str(v)) for u, v in graph.edges()), frozenset(lat & set(nodes)))
    cyc = g.find_cycle()
    if cyc:
        raise ValueError("the graph is not acyclic: it has the cycle %s" % " -> ".join(cyc))
    return g


def from_pgmpy(model, name: str = "G") -> DAG:
    """A pgmpy DAG, BayesianNetwork / DiscreteBayesianNetwork (its structure; latents kept)."""
    return from_networkx(model, name)


def from_dagitty(text: str, name: str = "G") -> DAG:
    """dagitty's syntax: 'dag { X -> M -> Y; U [latent]; U -> X; A <-> B }'."""
    g = parse_dagitty(text).dag(name)
    cyc = g.find_cycle()
    if cyc:
        raise ValueError("the graph is not acyclic: it has the cycle %s" % " -> ".join(cyc))
    return g


def to_networkx(g: DAG):
    """A networkx DiGraph; latent vertices carry latent=True."""
    import networkx as nx
    out = nx.DiGraph()
    for v in g.nodes:
        out.add_node(v, latent=v in g.latent)
    out.add_edges_from(g.edges)
    return out


def to_pgmpy(g: DAG):
    """A pgmpy.base.DAG with the same vertices, edges and latents (needs pgmpy installed)."""
    try:
        from pgmpy.base import DAG as PDAG
    except ImportError as e:   # pragma: no cover - pgmpy is in the test extra
        raise ImportError("to_pgmpy needs pgmpy: pip install pgmpy") from e
    out = PDAG(ebunch=list(g.edges))
    out.add_nodes_from(g.nodes)
    out.latents = set(g.latent)    # pgmpy checks that each latent is a vertex
    return out


def to_dagitty(g: DAG) -> str:
    """dagitty's syntax for g (latents marked [latent])."""
    parts = ["%s [latent]" % v for v in g.nodes if v in g.latent]
    isolated = [v for v in g.nodes if v not in g.latent and not any(v in e for e in g.edges)]
    parts += isolated
    parts += ["%s -> %s" % e for e in g.edges]
    return "dag { %s }" % "; ".join(parts)


def as_dag(graph, name: str = "G") -> DAG:
    """Whatever a user passes as a graph: a DAG, a networkx/pgmpy graph, dagitty text, or edges
    'A -> B, B -> C' (also a .gph file path declaring one graph)."""
    if isinstance(graph, DAG):
        return graph
    if isinstance(graph, str):
        if looks_like_dagitty(graph):
            return from_dagitty(graph, name)
        from .search.cli import QueryError, _graph_from_arg
        try:
            return _graph_from_arg(graph)
        except QueryError as e:
            raise ValueError(str(e)) from None
    if hasattr(graph, "nodes") and hasattr(graph, "edges"):
        return from_networkx(graph, name)
    raise TypeError("not a graph: %r (give a networkx DiGraph, a pgmpy model, dagitty text or edges)" % (graph,))
