"""dagitty's graph syntax (https://www.dagitty.net), as dagitty writes it:

    dag { X [exposure]; Y [outcome]; U [latent]; X -> M -> Y; U -> X; U -> Y; A <-> B; {A B} -> C }

read into a DAG: `[latent]` (or `[unobserved]`) marks a latent vertex, `<->` a latent common cause
(a fresh latent vertex Λ1, Λ2, … with edges into both ends), `->` / `<-` directed edges; other
attributes (exposure, outcome, adjusted, pos=…) are kept as roles. Parsed with lark; errors carry
the position in the dagitty text."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from .dag import DAG

GRAMMAR = r"""
start: GTYPE "{" _stmt* "}"
GTYPE: "dag" | "pdag" | "mag" | "pag" | "graph" | "digraph"
_stmt: node | chain | ";" | ","
node: ident [attrs]
chain: group (EDGEOP group)+
?group: ident [attrs] -> single
      | "{" ident* "}"  -> many
attrs: "[" [attr ("," attr)*] "]"
attr: ident ["=" ident]
ident: ID | STRING
EDGEOP: "<->" | "->" | "<-" | "--" | "@-@" | "@->" | "--@"
ID: /[A-Za-z0-9_.\u0370-\u03ff']+/
STRING: /"[^"]*"/
%import common.WS
%ignore WS
"""

NAME_RE = re.compile(r"^(?!_)[A-Za-z\u0391-\u03a9\u03b1-\u03c9][A-Za-z0-9'\u0391-\u03a9\u03b1-\u03c9]*$")
LATENT_ATTRS = {"latent", "unobserved", "l", "u"}


class DagittyError(ValueError):
    def __init__(self, message: str, line: int = 1, col: int = 1):
        super().__init__(message)
        self.line, self.col = line, col


@dataclass
class DagittyGraph:
    nodes: list = field(default_factory=list)          # in order of appearance
    edges: list = field(default_factory=list)
    latent: set = field(default_factory=set)
    roles: dict = field(default_factory=dict)           # name -> {"exposure", "outcome", ...}
    positions: dict = field(default_factory=dict)       # name -> (line, col) of first mention

    def dag(self, name: str = "G") -> DAG:
        return DAG(name, tuple(self.nodes), tuple(dict.fromkeys(self.edges)), frozenset(self.latent))

    @property
    def exposures(self):
        return [v for v in self.nodes if "exposure" in self.roles.get(v, ())]

    @property
    def outcomes(self):
        return [v for v in self.nodes if "outcome" in self.roles.get(v, ())]


@lru_cache(maxsize=None)
def _parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr", propagate_positions=True)


def looks_like_dagitty(text: str) -> bool:
    return re.match(r"\s*(dag|pdag|mag|pag|digraph)\s*\{", text) is not None


def _ident(t) -> tuple[str, int, int]:
    tok = t.children[0]
    s = str(tok)
    if tok.type == "STRING":
        s = s[1:-1]
    return s, tok.line, tok.column


def parse_dagitty(text: str, line0: int = 1, col0: int = 1) -> DagittyGraph:
    """Parse dagitty text; positions in errors are offset by (line0, col0) for text embedded in a script."""
    def pos(line, col):
        return (line0 + line - 1, (col0 + col - 1) if line == 1 else col)
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as e:
        line, col = pos(getattr(e, "line", 1) or 1, getattr(e, "column", 1) or 1)
        tok = getattr(e, "token", None)
        what = ("unexpected %r" % str(tok)) if tok is not None and str(tok) else "unexpected input"
        raise DagittyError("dagitty graph: %s" % what, line, col) from None
    gtype = str(tree.children[0])
    if gtype not in ("dag", "digraph"):
        raise DagittyError("dagitty graph: a %s is not a DAG; graphoid reads 'dag { … }'" % gtype, *pos(1, 1))
    g = DagittyGraph()
    fresh = [0]

    def add(name, line, col):
        if not NAME_RE.match(name):
            raise DagittyError("dagitty name %r cannot be used in graphoid statements (letters, digits and "
                               "primes only, starting with a letter): rename it" % name, *pos(line, col))
        if name not in g.nodes:
            g.nodes.append(name)
            g.positions[name] = pos(line, col)
        return name

    def apply_attrs(name, attrs):
        if attrs is None:
            return
        for a in attrs.children:
            if a is None:
                continue
            key = _ident(a.children[0])[0].lower()
            if key in LATENT_ATTRS:
                g.latent.add(name)
            elif key != "pos":
                g.roles.setdefault(name, set()).add(key)

    def members(grp):
        if grp.data == "single":
            name = add(*_ident(grp.children[0]))
            apply_attrs(name, grp.children[1])
            return [name]
        return [add(*_ident(c)) for c in grp.children]

    for st in tree.children[1:]:
        if not isinstance(st, Tree):
            continue
        if st.data == "node":
            name = add(*_ident(st.children[0]))
            apply_attrs(name, st.children[1])
            continue
        parts = st.children
        groups = [members(p) for p in parts if isinstance(p, Tree)]
        ops = [p for p in parts if isinstance(p, Token)]
        for op, left, right in zip(ops, groups, groups[1:]):
            o = str(op)
            for u in left:
                for v in right:
                    if o == "->":
                        g.edges.append((u, v))
                    elif o == "<-":
                        g.edges.append((v, u))
                    elif o == "<->":
                        fresh[0] += 1
                        lam = "Λ%d" % fresh[0]
                        while lam in g.nodes:
                            fresh[0] += 1
                            lam = "Λ%d" % fresh[0]
                        g.nodes.append(lam)
                        g.latent.add(lam)
                        g.edges += [(lam, u), (lam, v)]
                    else:
                        raise DagittyError("dagitty edge %s %s %s is not directed; a DAG has -> and <-> only"
                                           % (u, o, v), *pos(op.line, op.column))
    return g


def declare_dagitty(checker, item) -> None:
    """`graph G: dag {…}` in a script: vertices not yet declared are declared by the graph
    (latent when dagitty marks them so); a declared vertex must agree on being latent."""
    from .dag import DAG as _DAG
    text, line0, col0 = item.check
    env = checker.env
    name = item.label
    if name in env.graphs:
        raise checker.err(item.line, item.col, "graph %s is declared twice" % name)
    try:
        dg = parse_dagitty(text, line0, col0)
    except DagittyError as e:
        raise checker.err(e.line, e.col, str(e)) from None
    new = {True: [], False: []}
    for v in dg.nodes:
        lat = v in dg.latent
        line, col = dg.positions.get(v, (item.line, item.col))
        if v in env.scalars:
            if env.scalars[v] != lat:
                raise checker.err(line, col, "%s is declared %s but the dagitty graph marks it %s"
                                  % (v, "latent" if env.scalars[v] else "observed", "latent" if lat else "observed"))
        elif v in env.decl.base_families or v in env.decl.families:
            raise checker.err(line, col, "%s is a family; a dagitty graph has single vertices" % v)
        else:
            new[lat].append((v, line, col))
    # every declaration goes through the kernel (it validates names and acyclicity)
    for lat in (False, True):
        if new[lat]:
            checker.kernel.declare_variables(new[lat], lat, item.line, item.text)
    checker.kernel.declare_graph(name, _DAG(name, tuple(dg.nodes), tuple(dict.fromkeys(dg.edges)),
                                            frozenset(v for v in dg.nodes if env.scalars.get(v))),
                                 item.line, item.col, item.text)
