"""Probability terms and equations as statements: P(S), P(S | T), 𝒫(S | T) over the script's set
expressions, sums Σ_V over variables, products ∏_{j ∈ D} over an index set, products and sums of
terms, and the statement `Equation` (lhs = rhs), with plain-text and LaTeX printers.

Meaning (docs/probability.md): a term is evaluated at a joint value ω of all variables. P(S | T) is
the conditional probability of S = ω_S given T = ω_T where P(T = ω_T) > 0, and an arbitrary value in
[0, 1] (a function of the sets S, T and of ω) where it is not defined. An equation holds where it is
defined: for every ω at which the conditioning events of the conditionals outside any Σ or ∏ have
positive probability (its guard), and for every choice of the undefined values, lhs = rhs."""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from ..sets import IDiff, IFull, IndexExpr, IUpTo, VarSet, substitute, term_parts
from ..statements import index_src, set_text


class Term:
    pass


@dataclass(frozen=True)
class Prob(Term):
    """P(target | given); `phenomenon` for 𝒫 (only over observed variables: Definition 1)."""
    target: VarSet
    given: VarSet = VarSet()
    phenomenon: bool = False


@dataclass(frozen=True)
class Sum(Term):
    """Σ over the joint values of the (scalar) variables `over` of body."""
    over: VarSet
    body: Term


@dataclass(frozen=True)
class Prod(Term):
    """∏_{var ∈ domain} body (var an index variable bound here)."""
    var: str
    domain: IndexExpr
    body: Term


@dataclass(frozen=True)
class Mul(Term):
    factors: tuple


@dataclass(frozen=True)
class Add(Term):
    terms: tuple


@dataclass(frozen=True)
class Const(Term):
    value: Fraction


@dataclass(frozen=True)
class Equation:
    """lhs = rhs, where defined (see the module docstring). A statement like a c.i. statement; it is
    probabilistic (never a d-separation)."""
    lhs: Term
    rhs: Term
    # how it was derived (not part of what it says): the chain T0 = T1 = … and, for each link, the
    # rules with the indices of the premises they cite (into the Fact's premises)
    chain: tuple = field(default=(), compare=False)
    links: tuple = field(default=(), compare=False)
    dsep = False
    graph = None


def mul(*factors) -> Term:
    flat: list = []
    for f in factors:
        flat.extend(f.factors if isinstance(f, Mul) else (f,))
    flat = [f for f in flat if not (isinstance(f, Const) and f.value == 1)]
    if not flat:
        return Const(Fraction(1))
    return flat[0] if len(flat) == 1 else Mul(tuple(flat))


# ---------------------------------------------------------------------------------------------
# Structure


def subst_term(t: Term, vars_: dict) -> Term:
    """Substitute index variables (e.g. a product's bound variable by a term j, k+1)."""
    if isinstance(t, Prob):
        return Prob(substitute(t.target, {}, vars_), substitute(t.given, {}, vars_), t.phenomenon)
    if isinstance(t, Sum):
        return Sum(t.over, subst_term(t.body, vars_))
    if isinstance(t, Prod):
        inner = {k: v for k, v in vars_.items() if k != t.var}
        from ..sets import substitute_index
        return Prod(t.var, substitute_index(t.domain, {}, vars_), subst_term(t.body, inner))
    if isinstance(t, Mul):
        return Mul(tuple(subst_term(f, vars_) for f in t.factors))
    if isinstance(t, Add):
        return Add(tuple(subst_term(f, vars_) for f in t.terms))
    return t


def scalars_of(t: Term) -> frozenset:
    """Scalar variables occurring free (not bound by a Σ) in t."""
    if isinstance(t, Prob):
        return t.target.scalars | t.given.scalars
    if isinstance(t, Sum):
        return scalars_of(t.body) - t.over.scalars
    if isinstance(t, Prod):
        return scalars_of(t.body)
    if isinstance(t, (Mul, Add)):
        out = frozenset()
        for f in (t.factors if isinstance(t, Mul) else t.terms):
            out |= scalars_of(f)
        return out
    return frozenset()


def probs_of(t: Term, top_only: bool = False) -> list[Prob]:
    """The P(…) occurring in t (outside every Σ and ∏ when top_only)."""
    if isinstance(t, Prob):
        return [t]
    if isinstance(t, (Sum, Prod)):
        return [] if top_only else probs_of(t.body)
    if isinstance(t, (Mul, Add)):
        return [p for f in (t.factors if isinstance(t, Mul) else t.terms) for p in probs_of(f, top_only)]
    return []


def guard_set(eq: Equation) -> VarSet:
    """The union of the conditioning sets of the conditionals outside any Σ or ∏: the equation is
    claimed where this set's value has positive probability."""
    out = VarSet()
    for p in probs_of(eq.lhs, True) + probs_of(eq.rhs, True):
        out = out | p.given
    return out


def binder_clash(t: Term, free=frozenset()) -> str | None:
    """A Σ-bound variable that also occurs free elsewhere (name capture), or None."""
    if isinstance(t, Sum):
        if t.over.scalars & free:
            return sorted(t.over.scalars & free)[0]
        return binder_clash(t.body, free)
    if isinstance(t, Prod):
        return binder_clash(t.body, free)
    if isinstance(t, (Mul, Add)):
        parts = t.factors if isinstance(t, Mul) else t.terms
        for i, f in enumerate(parts):
            others = frozenset().union(*(scalars_of(g) for j, g in enumerate(parts) if j != i))
            c = binder_clash(f, free | others)
            if c:
                return c
    return None


# ---------------------------------------------------------------------------------------------
# Printing: plain text (the script syntax, read back by the parser) and LaTeX


def _domain_text(var: str, d: IndexExpr) -> str:
    if isinstance(d, IDiff) and isinstance(d.left, IFull) and isinstance(d.right, IUpTo):
        name, off = term_parts(d.right.term)
        lo = "%d" % (off + 1) if name is None else "%s+%d" % (name, off + 1)
        return "%s=%s..%s" % (var, lo, "n")
    return "%s ∈ %s" % (var, index_src(d))


def _inner_decl(decl, var, domain):
    """The declarations inside ∏_{var ∈ domain}: the bound variable ranges over domain (it
    shadows a declared index variable of the same name)."""
    if decl is None or not hasattr(decl, "index_vars"):
        return decl
    from dataclasses import replace
    return replace(decl, index_vars={**decl.index_vars, var: domain})


def term_text(t: Term, decl=None, top: bool = True) -> str:
    if isinstance(t, Prob):
        name = "𝒫" if t.phenomenon else "P"
        if t.given.is_empty_syntactically():
            return "%s(%s)" % (name, set_text(t.target, decl))
        return "%s(%s | %s)" % (name, set_text(t.target, decl), set_text(t.given, decl))
    if isinstance(t, Sum):
        v = set_text(t.over, decl)
        return "Σ_%s %s" % (v if len(v) == 1 or v.startswith("{") else "{%s}" % v, term_text(t.body, decl, False))
    if isinstance(t, Prod):
        body = term_text(t.body, _inner_decl(decl, t.var, t.domain), False)
        if isinstance(t.body, (Mul, Add, Sum)):
            body = "(%s)" % body
        return "∏_{%s} %s" % (_domain_text(t.var, t.domain), body)
    if isinstance(t, Mul):
        out = []
        for i, f in enumerate(t.factors):
            s = term_text(f, decl, False)
            # a Σ extends to the right: one that is not last is bracketed
            if isinstance(f, Add) or (isinstance(f, Sum) and i < len(t.factors) - 1):
                s = "(%s)" % s
            out.append(s)
        return " ".join(out)
    if isinstance(t, Add):
        return " + ".join(term_text(f, decl, False) for f in t.terms)
    if isinstance(t, Const):
        return str(t.value)
    return "?"


def equation_text(eq: Equation, decl=None) -> str:
    return "%s = %s" % (term_text(eq.lhs, decl), term_text(eq.rhs, decl))


def _domain_latex(var: str, d: IndexExpr) -> str:
    from ..export.latex import index_latex, name_math
    if isinstance(d, IDiff) and isinstance(d.left, IFull) and isinstance(d.right, IUpTo):
        name, off = term_parts(d.right.term)
        lo = "%d" % (off + 1) if name is None else "%s+%d" % (name_math(name), off + 1)
        return "%s=%s" % (name_math(var), lo), "n"
    return r"%s \in %s" % (name_math(var), index_latex(d)), None


def term_latex(t: Term, decl=None) -> str:
    from ..export.latex import set_latex
    if isinstance(t, Prob):
        name = r"\mathcal{P}" if t.phenomenon else "P"
        if t.given.is_empty_syntactically():
            return "%s(%s)" % (name, set_latex(t.target, decl))
        return r"%s(%s \mid %s)" % (name, set_latex(t.target, decl), set_latex(t.given, decl))
    if isinstance(t, Sum):
        return r"\sum_{%s} %s" % (set_latex(t.over, decl), term_latex(t.body, decl))
    if isinstance(t, Prod):
        lo, hi = _domain_latex(t.var, t.domain)
        body = term_latex(t.body, _inner_decl(decl, t.var, t.domain))
        if isinstance(t.body, (Mul, Add, Sum)):
            body = r"\Bigl(%s\Bigr)" % body
        return r"\prod_{%s}%s %s" % (lo, ("^{%s}" % hi) if hi else "", body)
    if isinstance(t, Mul):
        out = []
        for i, f in enumerate(t.factors):
            s = term_latex(f, decl)
            if isinstance(f, Add) or (isinstance(f, Sum) and i < len(t.factors) - 1):
                s = r"\Bigl(%s\Bigr)" % s
            out.append(s)
        return " ".join(out)
    if isinstance(t, Add):
        return " + ".join(term_latex(f, decl) for f in t.terms)
    if isinstance(t, Const):
        v = t.value
        return str(v.numerator) if v.denominator == 1 else r"\tfrac{%d}{%d}" % (v.numerator, v.denominator)
    return r"\text{?}"


def equation_latex(eq: Equation, decl=None) -> str:
    return "%s = %s" % (term_latex(eq.lhs, decl), term_latex(eq.rhs, decl))


# ---------------------------------------------------------------------------------------------
# Structural form for certificates (graphoid/export/certificate.py)


def term_json(t: Term) -> dict:
    from ..export.certificate import index_json, set_json
    if isinstance(t, Prob):
        return {"P": set_json(t.target), "given": set_json(t.given), "phenomenon": bool(t.phenomenon)}
    if isinstance(t, Sum):
        return {"sum": sorted(t.over.scalars), "body": term_json(t.body)}
    if isinstance(t, Prod):
        return {"prod": t.var, "domain": index_json(t.domain), "body": term_json(t.body)}
    if isinstance(t, Mul):
        return {"mul": [term_json(f) for f in t.factors]}
    if isinstance(t, Add):
        return {"add": [term_json(f) for f in t.terms]}
    return {"const": str(t.value)}


def equation_json(eq: Equation, premise_labels=None) -> dict:
    out = {"type": "equation", "lhs": term_json(eq.lhs), "rhs": term_json(eq.rhs),
           "chain": [term_json(t) for t in eq.chain]}
    if premise_labels is not None:
        out["links"] = [[{"rule": r, "premises": [premise_labels[i] for i in idx]} for r, idx in link]
                        for link in eq.links]
    return out


def term_from_json(t: dict) -> Term:
    """The inverse of term_json (for tools that read certificates; the rechecker has its own)."""
    from ..export.certificate import index_from_json, set_from_json
    if "P" in t:
        return Prob(set_from_json(t["P"]), set_from_json(t["given"]), bool(t["phenomenon"]))
    if "sum" in t:
        return Sum(VarSet.of(t["sum"]), term_from_json(t["body"]))
    if "prod" in t:
        return Prod(t["prod"], index_from_json(t["domain"]), term_from_json(t["body"]))
    if "mul" in t:
        return Mul(tuple(term_from_json(f) for f in t["mul"]))
    if "add" in t:
        return Add(tuple(term_from_json(f) for f in t["add"]))
    return Const(Fraction(t["const"]))


def equation_from_json(st: dict) -> Equation:
    return Equation(term_from_json(st["lhs"]), term_from_json(st["rhs"]))
