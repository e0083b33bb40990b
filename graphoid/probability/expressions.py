"""Probability expressions of Step 4 (P(S | T), products over index sets, sums over latents) as sympy
objects that print to LaTeX the way the paper writes them."""
from __future__ import annotations

import sympy
from sympy.core.basic import Basic
from sympy.core.symbol import Str

_GREEK = {"Λ": r"\Lambda", "Ω": r"\Omega", "Lambda": r"\Lambda", "Omega": r"\Omega"}


class Atom(Basic):
    """One piece of a variable set: a family (bold, e.g. 𝐂), one member C_j, a latent (Λ), or the
    members of a family left after removing the first j (𝐂 ∖ {C_1, …, C_j})."""

    KINDS = ("family", "member", "latent", "after")

    def __new__(cls, kind: str, name: str, index: str = ""):
        if kind not in cls.KINDS:
            raise ValueError("unknown atom kind %r" % kind)
        return Basic.__new__(cls, Str(kind), Str(name), Str(index))

    kind = property(lambda self: self.args[0].name)
    name = property(lambda self: self.args[1].name)
    index = property(lambda self: self.args[2].name)

    def text(self) -> str:
        """Plain-text spelling, used as the key of the z3 symbol that stands for a probability.
        The index variable's name is left out (C_j and C_i name the same function of the index)."""
        if self.kind == "member":
            return "%s_#" % self.name
        if self.kind == "after":
            return "%s\\{%s_1..%s_#}" % (self.name, self.name, self.name)
        return self.name

    @property
    def indexed(self) -> bool:
        return self.kind in ("member", "after")

    def _latex(self, printer=None) -> str:
        if self.kind == "family":
            return r"\mathbf{%s}" % self.name
        if self.kind == "latent":
            return _GREEK.get(self.name, self.name)
        if self.kind == "member":
            return "%s_%s" % (self.name, self.index if len(self.index) == 1 else "{%s}" % self.index)
        return r"\mathbf{%s} \setminus \{%s_1, %s_2, \dots, %s_%s\}" % (
            self.name, self.name, self.name, self.name, self.index)


def fam(name: str) -> Atom:
    return Atom("family", name)


def member(name: str, index: str) -> Atom:
    return Atom("member", name, index)


def latent(name: str) -> Atom:
    return Atom("latent", name)


def after(name: str, index: str) -> Atom:
    return Atom("after", name, index)


def set_latex(atoms) -> str:
    """Juxtaposition as in the paper: consecutive families share one \\mathbf (𝐁𝐙 -> \\mathbf{BZ}),
    and a space follows a subscripted member or a set difference (Z_j \\Lambda, \\mathbf{Z}\\Lambda)."""
    out: list[str] = []
    prev = None
    for a in atoms:
        if a.kind == "family" and prev is not None and prev.kind == "family":
            out[-1] = out[-1][:-1] + a.name + "}"
        else:
            if prev is not None and prev.kind in ("member", "after"):
                out.append(" ")
            out.append(a._latex())
        prev = a
    return "".join(out)


class Prob(sympy.Expr):
    """P(event | given); observable=True prints the observed distribution 𝒫 as the paper does."""
    is_commutative = False   # keeps the paper's order of factors in products

    def __new__(cls, event, given=(), observable: bool = False):
        return sympy.Expr.__new__(cls, sympy.Tuple(*event), sympy.Tuple(*given),
                                  sympy.true if observable else sympy.false)

    event = property(lambda self: tuple(self.args[0]))
    given = property(lambda self: tuple(self.args[1]))
    observable = property(lambda self: bool(self.args[2]))

    @property
    def indexed(self) -> bool:
        return any(a.indexed for a in self.event + self.given)

    def key(self) -> str:
        ev = "".join(a.text() for a in self.event)
        gv = "".join(a.text() for a in self.given)
        return "P(%s|%s)" % (ev, gv) if gv else "P(%s)" % ev

    def _latex(self, printer=None) -> str:
        head = r"\mathcal{P}" if self.observable else "P"
        if not self.given:
            return "%s(%s)" % (head, set_latex(self.event))
        return r"%s(%s \mid %s)" % (head, set_latex(self.event), set_latex(self.given))

    def _sympystr(self, printer=None) -> str:
        return self.key()


class IndexedProduct(sympy.Expr):
    """∏ over one or more index variables (j ∈ I_C, k ∈ I_B), printed \\prod_j or \\prod_{j,k}."""
    is_commutative = False

    def __new__(cls, body, *indices: str):
        return sympy.Expr.__new__(cls, body, *[Str(i) for i in indices])

    body = property(lambda self: self.args[0])
    indices = property(lambda self: tuple(s.name for s in self.args[1:]))

    def _latex(self, printer=None) -> str:
        sub = self.indices[0] if len(self.indices) == 1 else "{%s}" % ",".join(self.indices)
        return r"\prod_%s %s" % (sub, _latex(self.body))


class LatentSum(sympy.Expr):
    """Σ over latent variables, printed \\sum_{\\Lambda} or \\sum_{\\Lambda \\Omega}."""
    is_commutative = False

    def __new__(cls, body, *latents: Atom):
        return sympy.Expr.__new__(cls, body, *latents)

    body = property(lambda self: self.args[0])
    latents = property(lambda self: tuple(self.args[1:]))

    def _latex(self, printer=None) -> str:
        return r"\sum_{%s} %s" % (" ".join(a._latex() for a in self.latents), _latex(self.body))


def _latex(expr) -> str:
    return sympy.latex(expr)


def product(*factors):
    """Ordered product (the factors do not commute, so sympy keeps the paper's order)."""
    return sympy.Mul(*factors, evaluate=False) if len(factors) > 1 else factors[0]


def equation(lhs, rhs) -> sympy.Eq:
    return sympy.Eq(lhs, rhs, evaluate=False)


def latex(expr) -> str:
    """LaTeX of an expression or equation, in the paper's notation."""
    return sympy.latex(expr)
