"""Gives parsed statements their meaning: splits juxtaposed names (`CD` = {C, D}) against the
declarations, resolves families and index expressions, and builds CI / Schema values."""
from __future__ import annotations

from dataclasses import dataclass, field

from lark import Token, Tree

from ..graphs.dag import AbstractGraph
from ..sets import (IDiff, IEmpty, IFull, IName, IndexDecl, ISingle, IUnion, SetTheory, VarSet, _mk,
                    iunion)
from ..statements import DEFAULT_GRAPH, CI, Binder, NoEdge, Schema
from .ast import position, token_name


class ResolveError(Exception):
    def __init__(self, message: str, line: int = 0, col: int = 0):
        super().__init__(message)
        self.line, self.col = line, col


@dataclass
class Env:
    """What a script has declared so far."""
    scalars: dict[str, bool] = field(default_factory=dict)     # name -> latent?
    decl: IndexDecl = field(default_factory=IndexDecl)
    graphs: dict = field(default_factory=dict)
    implicit: bool = False        # `prove` queries: undeclared names are variables
    implicit_names: set = field(default_factory=set)   # what a query declares implicitly (syntax/names.py)

    def theory(self) -> SetTheory:
        return SetTheory(self.decl)

    # names usable inside a juxtaposition
    def _set_names(self) -> set[str]:
        return set(self.scalars) | set(self.decl.base_families) | set(self.decl.families)

    def default_graph(self) -> str:
        if len(self.graphs) == 1:
            return next(iter(self.graphs))
        return DEFAULT_GRAPH

    def graph(self, name: str):
        if name in self.graphs:
            return self.graphs[name]
        if name == DEFAULT_GRAPH:
            return AbstractGraph(DEFAULT_GRAPH)
        return None


def _tok(t):
    return t.children[0] if isinstance(t, Tree) else t


def split_name(env: Env, text: str, line: int, col: int, whole: bool = False) -> list[str]:
    """`CBA` → [C, B, A] against the declared names. Exactly one reading must exist (the rule is
    stated in syntax/names.py and the README)."""
    names = env._set_names()
    if text in names:
        return [text]
    if env.implicit:
        if whole:
            return [text]
        from .names import words
        names = names | env.implicit_names | set(words(text))
        if text in names:
            return [text]
    # all splittings (dynamic programming); ambiguity is an error rather than a guess
    n = len(text)
    if n > 200:
        raise ResolveError("name of %d characters: write long sets with commas or braces" % n, line, col)
    longest = max((len(x) for x in names), default=1)
    ways: list[list[list[str]]] = [[] for _ in range(n + 1)]
    ways[0] = [[]]
    for i in range(n):
        if not ways[i]:
            continue
        for j in range(i + 1, min(n, i + longest) + 1):
            if text[i:j] in names:
                for w in ways[i][:4]:
                    ways[j].append(w + [text[i:j]])
    if not ways[n]:
        raise ResolveError("unknown name %r: declare it (variables …, latent …, family …)" % text, line, col)
    if len(ways[n]) > 1:
        readings = " or ".join("{" + ", ".join(w) + "}" for w in ways[n][:2])
        raise ResolveError("%r can be read as %s; write the set with commas or braces" % (text, readings), line, col)
    return ways[n][0]


class Resolver:
    def __init__(self, env: Env):
        self.env = env

    # -- index expressions ---------------------------------------------------------------------
    def idx_name(self, t: Tree) -> str:
        ch = [c for c in t.children if c is not None]
        base = token_name(_tok(ch[0]))
        if len(ch) > 1:
            return "%s_%s" % (base, token_name(ch[-1]))
        return base

    def index(self, t, domain=None):
        """Resolve an index expression; a complement `\\x` is taken relative to `domain`."""
        d = self.env.decl
        if isinstance(t, Token):  # SUBCHAR / GREEK_MACRO directly in a subscript
            return self._index_atom(token_name(t), t.line, t.column)
        k = t.data
        if k == "idx_name":
            line, col = position(t)
            return self._index_atom(self.idx_name(t), line, col)
        if k == "idx_number":
            return ISingle(int(t.children[0]))
        if k == "idx_complement":
            inner = self.index(t.children[1], domain)
            return IDiff(domain if domain is not None else IFull(self._range(inner, t)), inner)
        if k == "idx_union":
            return iunion((self.index(t.children[0], domain), self.index(t.children[2], domain)))
        if k == "idx_diff":
            return IDiff(self.index(t.children[0], domain), self.index(t.children[2], domain))
        if k == "idx_empty":
            return IEmpty()
        if k in ("idx_above", "idx_below", "idx_offset"):
            return self._index_order(t, domain)
        if k == "vname":
            line, col = position(t)
            return self._index_atom(token_name(t.children[0]), line, col)
        if len(t.children) == 1:
            return self.index(t.children[0], domain)
        line, col = position(t)
        raise ResolveError("not an index expression", line, col)

    def index_term(self, t):
        """An index term: a variable, a literal, or j-1 / j+1."""
        from ..sets import make_term
        if isinstance(t, Token):
            return int(t) if str(t).isdigit() else token_name(t)
        if t.data == "idx_number":
            return int(t.children[0])
        if t.data == "idx_offset":
            base = self.index_term(t.children[0])
            k = int(t.children[2]) * (-1 if str(t.children[1]) == "-" else 1)
            if isinstance(base, int):
                return base + k
            return make_term(base, k)
        line, col = position(t)
        name = self.idx_name(t)
        e = self._index_atom(name, line, col)
        if not isinstance(e, ISingle):
            raise ResolveError("%s is not a single index" % name, line, col)
        return e.term

    def _index_order(self, t, domain):
        """C_{>j} (members of C's index set after j), X_{<j}, X_{j-1}."""
        from ..sets import IUpTo, make_term, term_parts
        whole = domain if domain is not None else IFull(self._range(None, t))
        if t.data == "idx_offset":
            return ISingle(self.index_term(t))
        term = self.index_term(t.children[1])
        if t.data == "idx_above":
            return IDiff(whole, IUpTo(term))
        name, off = term_parts(term)
        below = IUpTo(make_term(name, off - 1))
        return below if isinstance(whole, IFull) else IDiff(whole, IDiff(IFull(self._range(whole, t)), below))

    def _range(self, inner=None, t=None) -> str:
        """The index range a complement \\x is taken in: the range x lies in, or the only declared
        range. There is no default range: anything else is an error that says so."""
        d = self.env.decl
        if inner is not None:
            r = SetTheory(d).range_of(inner)
            if r is not None:
                return r
        rs = list(d.ranges)
        if len(rs) == 1:
            return rs[0]
        line, col = position(t) if t is not None else (0, 0)
        if not rs:
            raise ResolveError("a complement needs a declared index range (index I = 1..n)", line, col)
        raise ResolveError("in which index range is this complement taken (%s)? write it as a difference, "
                           "e.g. %s \\setminus …" % (", ".join(rs), rs[0]), line, col)

    def _index_atom(self, name: str, line: int, col: int):
        d = self.env.decl
        if name.isdigit():
            return ISingle(int(name))
        if name in d.ranges:
            return IFull(name)
        if name in d.subsets:
            return IName(name)
        if name in d.index_vars:
            return ISingle(name)
        if self._binders and name in self._binders:
            kind = self._binders[name]
            return IName(name) if kind == "subset" else ISingle(name)
        raise ResolveError("unknown index %r: declare it (index I = 1..n, subset γ ⊆ I, arbitrary j ∈ I)" % name, line, col)

    _binders: dict | None = None

    # -- sets ------------------------------------------------------------------------------------
    def setexpr(self, t: Tree) -> VarSet:
        k = t.data
        if k == "setlist":
            parts = [c for c in t.children if c is not None]
            whole = len(parts) > 1
            out = VarSet()
            for p in parts:
                out = out | self.juxt(p, whole=whole)
            return out
        if k == "set_diff":
            return self.setexpr(t.children[0]) - self.atom(t.children[2], whole=True)
        if k == "juxt":
            return self.juxt(t)
        return self.atom(t)

    def juxt(self, t: Tree, whole: bool = False) -> VarSet:
        out = VarSet()
        atoms = [c for c in t.children if c is not None]
        for a in atoms:
            out = out | self.atom(a, whole=whole)
        return out

    def atom(self, t: Tree, whole: bool = False) -> VarSet:
        k = t.data
        if k == "empty":
            return VarSet()
        if k == "braces":
            inner = t.children[0]
            if inner is None:
                return VarSet()
            out = VarSet()
            for p in [c for c in inner.children if c is not None]:
                out = out | self.juxt(p, whole=True)
            return out
        if k == "term":
            vn, sub = t.children
            tok = vn.children[0]
            text = token_name(tok)
            pieces = split_name(self.env, text, tok.line, tok.column, whole=whole)
            out = VarSet()
            for i, piece in enumerate(pieces):
                s = sub if i == len(pieces) - 1 else None
                out = out | self.element(piece, s, tok.line, tok.column)
            return out
        if k in ("setlist", "set_diff", "juxt"):
            return self.setexpr(t)
        line, col = position(t)
        raise ResolveError("not a set", line, col)

    def element(self, name: str, sub, line: int, col: int) -> VarSet:
        d = self.env.decl
        if name in d.base_families:
            base, dom = name, IFull(d.base_families[name])
        elif name in d.families:
            base, dom = d.families[name]
        else:
            if sub is not None:
                raise ResolveError("%s is not a family, so it cannot carry an index" % name, line, col)
            if name not in self.env.scalars and not self.env.implicit:
                raise ResolveError("unknown name %r" % name, line, col)
            return VarSet.of([name])
        if sub is None:
            return _mk(frozenset(), {base: dom})
        idx_tree = [c for c in sub.children if c is not None and not (isinstance(c, Token) and c.type == "SUB")][0]
        e = self.index(idx_tree, dom)
        if dom != IFull(d.base_families.get(base, "I")) and not (isinstance(e, IDiff) and e.left == dom):
            ob = SetTheory(d).with_binders(getattr(self, "_binder_objs", None) or ()).subset(
                                     _mk(frozenset(), {base: e}), _mk(frozenset(), {base: dom}),
                                     "the index of %s lies in its family's index set" % name)
            if ob.result != "proved":
                raise ResolveError("the index of %s_… must lie in the index set of %s (%s)"
                                   % (name, name, ob.result), line, col)
        return _mk(frozenset(), {base: e})

    # -- statements ------------------------------------------------------------------------------
    def statement(self, t: Tree):
        if t.data == "schema":
            binders = []
            self._binders = dict(self._binders or {})
            for b in t.children[:-1]:
                name = token_name(b.children[0].children[0])
                kind = "subset" if b.data == "subset_binder" else "member"
                dom = self.index(b.children[2])
                # A bound name may coincide with a declared one only when the declaration says the
                # same (an arbitrary i ∈ I_C bound as ∀i ∈ I_C); otherwise side conditions inside
                # the schema would silently use the outer declaration.
                d = self.env.decl
                clash = (d.index_vars.get(name) != dom if kind == "member" and name in d.index_vars
                         else name in d.index_vars or name in d.subsets or name in d.ranges)
                if clash:
                    line, col = position(b)
                    raise ResolveError("%s is already declared with another meaning; use another name for the bound variable" % name, line, col)
                binders.append(Binder(name, kind, dom))
                self._binders[name] = kind
                self._binder_objs = list(getattr(self, "_binder_objs", None) or []) + [binders[-1]]
            try:
                b = t.children[-1]
                body = self.graph_fact(b) if b.data in ("no_edge", "no_arrow") else self.ci(b)
            finally:
                self._binders = None
                self._binder_objs = None
            return Schema(tuple(binders), body)
        if t.data in ("no_edge", "no_arrow"):
            return self.graph_fact(t)
        if t.data in ("dconn", "dconn_not"):
            return self.dconn(t)
        return self.ci(t)

    def dconn(self, t: Tree):
        """(X ⊥̸⊥ Y | Z)_d or not (X ⊥⊥ Y | Z)_d: a d-connection (the negation of a d-separation)."""
        from ..statements import NotCI
        # Without _d it is only meaningful in a graph query (`prove --graph`); the kernel's
        # d_connection rule refuses a claim that is not a d-connection.
        return NotCI(self.ci(t.children[0] if t.data == "dconn_not" else t))

    def graph_fact(self, t: Tree):
        x, y, g = t.children
        gname = str(g) if g is not None else self.env.default_graph()
        if self.env.graph(gname) is None:
            raise ResolveError("unknown graph %r" % gname, g.line, g.column)
        return NoEdge(self.juxt(x), self.juxt(y), gname, t.data == "no_arrow")

    def ci(self, t: Tree) -> CI:
        x, _sign, y, _bar, z, dsub, graph = t.children
        X, Y = self.setexpr(x), self.setexpr(y)
        Z = self.setexpr(z) if z is not None else VarSet()
        if graph is not None and dsub is None:
            line, col = graph.line, graph.column
            raise ResolveError("'in %s' needs a d-separation statement: write (…)_d in %s" % (graph, graph), line, col)
        if dsub is None:
            return CI(X, Y, Z)
        g = str(graph) if graph is not None else self.env.default_graph()
        if graph is not None and self.env.graph(g) is None and not self.env.implicit:   # a query names any graph
            raise ResolveError("unknown graph %r" % g, graph.line, graph.column)
        return CI(X, Y, Z, True, g)

