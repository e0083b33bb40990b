"""Statements about the structure of an abstract causal graph (see docs/graph_rules.md), with their
text, LaTeX and certificate forms. The kernel's graph rules (kernel/graph_rules.py) derive them.

Conventions. A *link* between vertices u and v of a graph is an edge u → v or v → u, or a *latent
link*: a common parent of u and v that the script does not name (an unnamed latent common cause).
Every set a statement mentions is built from declared names, so an unnamed latent is never in it.

- Linked(x, y):     each vertex of x is linked to some vertex of y.
- ParentsIn(x, y):  every parent of a vertex of x lies in y (y empty: x has no parents).
- Vertices(named, left, right): every vertex of the graph lies in `named`, or is a latent link: an
  unnamed root with exactly two children, one in `left` and one in `right` (no latent links at all
  when left/right are omitted).
- Cut(x, s, y):     every path from a vertex of x to a vertex of y has a vertex in s.
- Summary(...):     the graph maps onto a finite summary graph whose vertices ("set-nodes") are
  disjoint sets covering the named vertices, with the links listed: every edge of the graph joins
  set-nodes joined by an allowed edge, every latent link joins set-nodes with an allowed latent link.
"""
from __future__ import annotations

from dataclasses import dataclass

from .sets import VarSet
from .statements import DEFAULT_GRAPH, set_text


def _g(graph: str) -> str:
    return "" if graph == DEFAULT_GRAPH else " in " + graph


def _sj(s: VarSet):
    from .export.certificate import set_json
    return set_json(s)


def _sl(s: VarSet, decl):
    from .export.latex import set_latex
    return set_latex(s, decl)


def _gl(graph: str) -> str:
    from .export.latex import name_math
    return "" if graph == DEFAULT_GRAPH else r"\text{ in }" + name_math(graph)


@dataclass(frozen=True)
class Linked:
    x: VarSet
    y: VarSet
    graph: str = DEFAULT_GRAPH

    def text(self, decl=None) -> str:
        return "each of %s is linked to %s%s" % (set_text(self.x, decl), set_text(self.y, decl), _g(self.graph))

    def latex(self, decl=None) -> str:
        return r"\text{each of }%s\text{ is linked to }%s%s" % (_sl(self.x, decl), _sl(self.y, decl), _gl(self.graph))

    def to_json(self) -> dict:
        return {"type": "linked", "x": _sj(self.x), "y": _sj(self.y), "graph": self.graph}


@dataclass(frozen=True)
class ParentsIn:
    x: VarSet
    y: VarSet = VarSet()
    graph: str = DEFAULT_GRAPH

    def text(self, decl=None) -> str:
        out = "no parents of %s" % set_text(self.x, decl)
        if not self.y.is_empty_syntactically():
            out += " outside %s" % set_text(self.y, decl)
        return out + _g(self.graph)

    def latex(self, decl=None) -> str:
        out = r"\text{no parents of }%s" % _sl(self.x, decl)
        if not self.y.is_empty_syntactically():
            out += r"\text{ outside }%s" % _sl(self.y, decl)
        return out + _gl(self.graph)

    def to_json(self) -> dict:
        return {"type": "parents", "x": _sj(self.x), "y": _sj(self.y), "graph": self.graph}


@dataclass(frozen=True)
class Vertices:
    named: VarSet
    left: VarSet | None = None
    right: VarSet | None = None
    graph: str = DEFAULT_GRAPH

    def text(self, decl=None) -> str:
        out = "every vertex of %s is in %s" % (self.graph, set_text(self.named, decl))
        if self.left is not None:
            out += " or a latent link between %s and %s" % (set_text(self.left, decl), set_text(self.right, decl))
        return out

    def latex(self, decl=None) -> str:
        from .export.latex import name_math
        out = r"\text{every vertex of }%s\text{ is in }%s" % (name_math(self.graph), _sl(self.named, decl))
        if self.left is not None:
            out += r"\text{ or a latent link between }%s\text{ and }%s" % (_sl(self.left, decl), _sl(self.right, decl))
        return out

    def to_json(self) -> dict:
        return {"type": "vertices", "named": _sj(self.named), "graph": self.graph,
                "left": None if self.left is None else _sj(self.left),
                "right": None if self.right is None else _sj(self.right)}


@dataclass(frozen=True)
class Cut:
    x: VarSet
    s: VarSet
    y: VarSet
    graph: str = DEFAULT_GRAPH

    def text(self, decl=None) -> str:
        return "every path from %s to %s meets %s%s" % (set_text(self.x, decl), set_text(self.y, decl),
                                                       set_text(self.s, decl), _g(self.graph))

    def latex(self, decl=None) -> str:
        return r"\text{every path from }%s\text{ to }%s\text{ meets }%s%s" % (
            _sl(self.x, decl), _sl(self.y, decl), _sl(self.s, decl), _gl(self.graph))

    def to_json(self) -> dict:
        return {"type": "cut", "x": _sj(self.x), "s": _sj(self.s), "y": _sj(self.y), "graph": self.graph}


@dataclass(frozen=True)
class SummaryClaim:
    """What a script writes: `summary of 𝒢 on C_i, C_{\\i}, …`; the kernel supplies the links."""
    graph: str
    nodes: tuple[VarSet, ...]

    def text(self, decl=None) -> str:
        return "summary of %s on %s" % (self.graph, ", ".join(set_text(n, decl) for n in self.nodes))

    def accepts(self, statement) -> bool:
        """The kernel answers this request with the Summary of these set-nodes of this graph."""
        return isinstance(statement, Summary) and (statement.graph, statement.nodes) == (self.graph, self.nodes)


@dataclass(frozen=True)
class Summary:
    graph: str
    nodes: tuple[VarSet, ...]
    single: tuple[bool, ...]                 # the set-node is one vertex (no links inside it)
    edges: frozenset                         # allowed directed links (a, b): a set-node index pair
    latent: frozenset                        # allowed latent links (a, b), a <= b

    def _links(self, decl, fmt) -> list[str]:
        names = [fmt(n, decl) for n in self.nodes]
        out = []
        for a in range(len(self.nodes)):
            for b in range(a, len(self.nodes)):
                kinds = []
                if (a, b) in self.edges:
                    kinds.append("→")
                if a != b and (b, a) in self.edges:
                    kinds.append("←")
                if (a, b) in self.latent:
                    kinds.append("↔")
                if kinds:
                    out.append("%s %s %s" % (names[a], "".join(kinds), names[b]) if a != b
                               else "within %s %s" % (names[a], "".join(kinds)))
        return out

    def text(self, decl=None) -> str:
        return "summary of %s on %s; links: %s" % (
            self.graph, ", ".join(set_text(n, decl) for n in self.nodes), "; ".join(self._links(decl, set_text)) or "none")

    def latex(self, decl=None) -> str:
        """Set-nodes and links in math, the links four to a row (an aligned block)."""
        from .export.latex import name_math
        names = [_sl(n, decl) for n in self.nodes]
        links = []
        for a in range(len(self.nodes)):
            for b in range(a, len(self.nodes)):
                arrows = []
                if (a, b) in self.edges:
                    arrows.append(r"\to")
                if a != b and (b, a) in self.edges:
                    arrows.append(r"\leftarrow")
                if (a, b) in self.latent:
                    arrows.append(r"\leftrightarrow")
                if arrows:
                    sym = r"\,".join(arrows)
                    links.append("%s %s %s" % (names[a], sym, names[b]) if a != b
                                 else r"%s\text{ within}\ %s" % (sym, names[a]))
        rows = [", ".join(links[k:k + 4]) for k in range(0, len(links), 4)] or [r"\text{none}"]
        head = r"%s \mapsto \text{summary on } %s" % (name_math(self.graph), ", ".join(names))
        return r"\begin{aligned}[t] &%s\\ &\text{links: } %s\end{aligned}" % (head, r"\\ &\quad ".join(rows))

    def to_json(self) -> dict:
        return {"type": "summary", "graph": self.graph, "nodes": [_sj(n) for n in self.nodes],
                "single": list(self.single), "edges": sorted([list(e) for e in self.edges]),
                "latent": sorted([list(e) for e in self.latent])}


GRAPH_STATEMENTS = (Linked, ParentsIn, Vertices, Cut, Summary)


def graph_statement_text(s, decl=None):
    """Text of a statement of this module, or None for any other kind."""
    if isinstance(s, GRAPH_STATEMENTS + (SummaryClaim,)):
        return s.text(decl)
    return None


# -- from the parse tree ---------------------------------------------------------------------------
CLAIM_KINDS = ("linked_fact", "parents_fact", "vertices_fact", "cut_fact", "summary_fact")


def graph_claim(env, t, rs):
    """The statement of a parsed graph claim (grammar: graph_claim), or None for other trees."""
    from .syntax.resolve import ResolveError
    d = t.data
    if d not in CLAIM_KINDS:
        return None
    ch = list(t.children)

    def gname(tok):
        g = str(tok) if tok is not None else env.default_graph()
        if env.graph(g) is None:
            raise ResolveError("unknown graph %r" % g, getattr(tok, "line", 0), getattr(tok, "column", 0))
        return g

    if d == "linked_fact":
        x, y, g = ch
        return Linked(rs.juxt(x), rs.juxt(y), gname(g))
    if d == "parents_fact":
        x, y, g = ch
        return ParentsIn(rs.juxt(x), rs.juxt(y) if y is not None else VarSet(), gname(g))
    if d == "vertices_fact":
        g, named, left, right = ch
        return Vertices(rs.juxt(named), rs.juxt(left) if left is not None else None,
                        rs.juxt(right) if right is not None else None, gname(g))
    if d == "cut_fact":
        x, y, s, g = ch
        return Cut(rs.juxt(x), rs.juxt(s), rs.juxt(y), gname(g))
    g, *blocks = ch
    return SummaryClaim(gname(g), tuple(rs.juxt(b.children[0]) for b in blocks))
