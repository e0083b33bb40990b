"""Conditional-independence statements, schemas over index sets, and the semantics a fact holds in."""
from __future__ import annotations

from dataclasses import dataclass

from .sets import IndexExpr, VarSet, substitute

DEFAULT_GRAPH = "𝒢"   # the causal graph under discussion when a script names none


@dataclass(frozen=True)
class CI:
    """(X ⊥⊥ Y | Z), or its d-separation form (X ⊥⊥ Y | Z)_d in `graph`."""
    x: VarSet
    y: VarSet
    z: VarSet = VarSet()
    dsep: bool = False
    graph: str | None = None     # only for dsep statements

    @staticmethod
    def of(x, y, z=(), dsep=False, graph=None) -> "CI":
        return CI(VarSet.of(x), VarSet.of(y), VarSet.of(z), dsep, (graph or DEFAULT_GRAPH) if dsep else None)

    def with_sets(self, x: VarSet, y: VarSet, z: VarSet) -> "CI":
        return CI(x, y, z, self.dsep, self.graph)

    @property
    def concrete(self) -> bool:
        return self.x.concrete and self.y.concrete and self.z.concrete

    def triple(self) -> tuple[frozenset, frozenset, frozenset]:
        return (self.x.scalars, self.y.scalars, self.z.scalars)

    def __str__(self) -> str:            # print(statement): the concrete syntax, (A ⊥⊥ CD | B)
        return ci_text(self)

    def _repr_latex_(self) -> str:       # Jupyter: the paper's notation
        from .export.latex import statement_latex
        return "$" + statement_latex(self) + "$"


@dataclass(frozen=True)
class NotCI:
    """(X ⊥̸⊥ Y | Z)_d: X and Y are d-connected given Z in `ci.graph` (the negation of `ci`).
    Only the d-separation form exists; the kernel verifies it by exhibiting an active path."""
    ci: CI

    @property
    def dsep(self) -> bool:
        return self.ci.dsep

    @property
    def graph(self):
        return self.ci.graph

    @property
    def concrete(self) -> bool:
        return self.ci.concrete

    def __str__(self) -> str:
        return statement_text(self)

    def _repr_latex_(self) -> str:
        from .export.latex import statement_latex
        return "$" + statement_latex(self) + "$"


@dataclass(frozen=True)
class Binder:
    """`γ ⊆ I` (kind 'subset') or `i ∈ I_C` (kind 'member')."""
    name: str
    kind: str
    domain: IndexExpr


@dataclass(frozen=True)
class Schema:
    """∀ binders. body — a statement schema such as (7): for all γ ⊆ I, (A_γ ⊥ X_{\\γ} | X_γ)_d."""
    binders: tuple[Binder, ...]
    body: CI

    def __str__(self) -> str:
        return statement_text(self)

    @property
    def dsep(self) -> bool:
        return self.body.dsep

    @property
    def graph(self):
        return self.body.graph


def index_terms(obj) -> set[str]:
    """Every index variable (ISingle term) and index-set name occurring anywhere in a statement:
    families' indices, binder domains, graph facts, determinations. Bound names are removed."""
    from .sets import IndexExpr as _IndexExpr, index_names as _names, index_vars as _vars
    out: set[str] = set()

    def walk(o):
        if isinstance(o, _IndexExpr):      # every variable (j of j-1, <j, {j}) and every set name
            out.update(_vars(o))
            out.update(_names(o))
            return
        if isinstance(o, Schema):
            inner = index_terms(o.body)
            for b in o.binders:
                walk(b.domain)
            out.update(inner - {b.name for b in o.binders})
            return
        if isinstance(o, (str, int, float, bool)) or o is None:
            return
        if isinstance(o, (tuple, list, frozenset, set)):
            for x in o:
                walk(x)
            return
        fields = getattr(o, "__dataclass_fields__", None)
        if fields:
            for name in fields:
                walk(getattr(o, name))

    walk(obj)
    return out


def instantiate_ci(body: CI, names: dict[str, IndexExpr], vars_: dict[str, str | int]) -> CI:
    return CI(substitute(body.x, names, vars_), substitute(body.y, names, vars_),
              substitute(body.z, names, vars_), body.dsep, body.graph)


@dataclass(frozen=True)
class Semantics:
    """The class of models a fact is claimed for.

    kind 'dsep': the d-separation relation of `graph`.
    kind 'prob': every distribution (strictly positive ones if `positive`), restricted to those
    compatible with `graph` when it is set (a fact read off a graph by the Markov condition), or to
    the phenomenon's distribution P when `graph` is None and `phenomenon` is set."""
    kind: str
    graph: str | None = None
    positive: bool = False
    gaussian: bool = False   # only Gaussian distributions (composition or weak transitivity was used)
    determinism: bool = False  # rests on an assumed determination ("Λ determines B")

    @staticmethod
    def prob(positive: bool = False, graph: str | None = None, gaussian: bool = False,
             determinism: bool = False) -> "Semantics":
        return Semantics("prob", graph, positive, gaussian, determinism)

    @staticmethod
    def d(graph: str) -> "Semantics":
        return Semantics("dsep", graph, False)

    def describe(self) -> str:
        if self.kind == "dsep":
            return "d-separation in %s" % self.graph
        if self.gaussian:
            s = "regular Gaussian distributions" if self.positive else "Gaussian distributions"
        else:
            s = "strictly positive distributions" if self.positive else "all distributions"
        if self.graph:
            s += " compatible with %s" % self.graph
        if self.determinism:
            s += ", where the assumed determination holds"
        return s

    @property
    def restricted(self) -> bool:
        """True when the class is narrower than 'all distributions' (or a graph's d-separation)."""
        return self.positive or self.gaussian or self.determinism


# ---------------------------------------------------------------------------------------------
# Plain-text rendering (also the concrete syntax the parser reads back: parse(print(s)) == s)

from .sets import IDiff, IEmpty, IFull, IName, ISingle, IUnion, IUpTo  # noqa: E402


def index_src(e: IndexExpr) -> str:
    if isinstance(e, IFull):
        return e.range_name
    if isinstance(e, IName):
        return e.name
    if isinstance(e, ISingle):
        return str(e.term)
    if isinstance(e, IUpTo):
        return "≤%s" % e.term
    if isinstance(e, IDiff):
        if isinstance(e.right, IUpTo):
            return (">%s" % e.right.term) if isinstance(e.left, IFull) else "%s ∩ >%s" % (_idx_atom(e.left), e.right.term)
        if isinstance(e.left, IFull):
            return "\\" + _idx_atom(e.right)
        return "%s \\setminus %s" % (_idx_atom(e.left), _idx_atom(e.right))
    if isinstance(e, IUnion):
        return " ∪ ".join(_idx_atom(p) for p in e.parts)
    return "∅"


def _idx_atom(e: IndexExpr) -> str:
    t = index_src(e)
    return "(%s)" % t if isinstance(e, (IUnion,)) or (isinstance(e, IDiff) and not isinstance(e.left, IFull)) else t


def _family_term(f: str, e: IndexExpr, decl=None) -> str:
    if decl is not None:
        # Prefer the names a script declared: C for A over I_C, C_{\i} for A over I_C \ {i},
        # and C_i for A_i when i was declared an arbitrary member of I_C.
        for sub, (base, dom) in decl.families.items():
            if base != f:
                continue
            if e == dom:
                return sub
            if isinstance(e, IDiff) and e.left == dom and isinstance(e.right, IUpTo):
                return "%s_{>%s}" % (sub, e.right.term)
            if isinstance(e, IDiff) and e.left == dom:
                return "%s_{\\%s}" % (sub, _idx_atom(e.right))
            if isinstance(e, ISingle) and isinstance(e.term, str) and decl.index_vars.get(e.term) == dom:
                return "%s_%s" % (sub, e.term) if len(e.term) == 1 else "%s_{%s}" % (sub, e.term)
        if isinstance(e, IUnion) and all(any(b == f and idx == p for b, idx in decl.families.values()) for p in e.parts):
            return "".join(_family_term(f, p, decl) for p in e.parts)
    if isinstance(e, IFull):
        return f
    t = index_src(e)
    if len(t) == 1:
        return "%s_%s" % (f, t)
    return "%s_{%s}" % (f, t)


def set_text(s: VarSet, decl=None, braces: bool = False) -> str:
    """Juxtaposition as the paper writes sets (family terms first, then single-character
    names: ZBΛ); braces when a name is longer than one character, or always with braces=True
    (as error messages do)."""
    scal = sorted(s.scalars)
    terms = [_family_term(f, e, decl) for f, e in s.fams]
    if not scal and not terms:
        return "∅"
    if not braces and all(len(n) == 1 for n in scal) and not _juxtaposition_ambiguous(decl):
        return "".join(terms + scal)
    return "{" + ", ".join(terms + scal) + "}"


def _juxtaposition_ambiguous(decl) -> bool:
    """With a declared name longer than one character (AB beside A and B), juxtaposition may read
    back differently, so sets are printed with braces."""
    names = getattr(decl, "scalar_names", ()) or ()
    return any(len(n) > 1 for n in names)


def ci_text(c: CI, decl=None) -> str:
    body = "%s ⊥⊥ %s" % (set_text(c.x, decl), set_text(c.y, decl))
    if not c.z.is_empty_syntactically():
        body += " | " + set_text(c.z, decl)
    out = "(" + body + ")"
    if c.dsep:
        out += "_d"
        if c.graph and c.graph != DEFAULT_GRAPH:
            out += " in " + c.graph
    return out


def schema_text(s: Schema, decl=None) -> str:
    bs = ", ".join("%s %s %s" % (b.name, "⊆" if b.kind == "subset" else "∈", index_src(b.domain))
                   for b in s.binders)
    return "for all %s: %s" % (bs, statement_text(s.body, decl))


def statement_text(s, decl=None) -> str:
    if isinstance(s, CI):
        return ci_text(s, decl)
    if isinstance(s, NotCI):
        return ci_text(s.ci, decl).replace(" ⊥⊥ ", " ⊥̸⊥ ", 1)
    if isinstance(s, Schema):
        return schema_text(s, decl)
    if type(s).__name__ == "Equation":   # probability equations: graphoid/probability/terms.py
        from .probability.terms import equation_text
        return equation_text(s, decl)
    return graph_fact_text(s, decl)


# ---------------------------------------------------------------------------------------------
# Graph facts and modelling principles (the kernel checks some; others are stated as hypotheses)


@dataclass(frozen=True)
class NoEdge:
    """No edge between any member of X and any member of Y in `graph` (or, if directed, no edge
    from a member of X into a member of Y)."""
    x: VarSet
    y: VarSet
    graph: str
    directed: bool = False


@dataclass(frozen=True)
class Chained:
    """`graph` is a chained graph with these blocks (Fig. 2)."""
    graph: str
    blocks: tuple[VarSet, ...]


@dataclass(frozen=True)
class Determines:
    """`source` determines `target`: the target variables are functions of the source variables."""
    source: VarSet
    target: VarSet


@dataclass(frozen=True)
class Positive:
    """Every joint value of these variables has positive probability."""
    variables: VarSet


@dataclass(frozen=True)
class Principle:
    """A modelling principle assumed of a graph, e.g. faithfulness (Definition 5)."""
    name: str
    graph: str


def graph_fact_text(s, decl=None) -> str:
    if isinstance(s, NoEdge):
        if s.directed:
            out = "no edge from %s to %s" % (set_text(s.x, decl), set_text(s.y, decl))
        else:
            out = "no edge between %s and %s" % (set_text(s.x, decl), set_text(s.y, decl))
        return out + ("" if s.graph == DEFAULT_GRAPH else " in " + s.graph)
    if isinstance(s, Chained):
        return "%s is chained(%s)" % (s.graph, ", ".join(set_text(b, decl) for b in s.blocks))
    if isinstance(s, Determines):
        return "%s determines %s" % (set_text(s.source, decl), set_text(s.target, decl))
    if isinstance(s, Principle):
        return "%s(%s)" % (s.name, s.graph)
    if isinstance(s, Positive):
        return "positive(%s)" % set_text(s.variables, decl)
    if hasattr(s, "text"):   # graph statements (graph_statements.py) print themselves
        return s.text(decl)
    return str(s)
