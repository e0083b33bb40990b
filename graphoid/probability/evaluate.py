"""Exact evaluation of probability terms, c.i. statements and determinism in a finite joint
distribution, for a concrete instance of the script's declarations (n, the index subsets, the values
of the index variables). Untrusted: used to search and print counter-models and by the semantic
tests of the kernel's laws. A conditional whose conditioning event has probability 0 takes the
value `junk(S, T, ω)` (0 unless given), as the kernel's reading allows any value there."""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import product as cartesian

from ..sets import IDiff, IEmpty, IFull, IName, ISingle, IUnion, IUpTo, VarSet, term_parts
from .terms import Add, Const, Mul, Prob, Prod, Sum


@dataclass
class Instance:
    """n, the index subsets as sets of ints, values of index variables; a joint P over names."""
    n: int
    subsets: dict
    ivals: dict
    decl: object
    variables: tuple = ()
    table: dict = field(default_factory=dict)      # value tuple (in `variables` order) -> Fraction
    junk: object = None
    undefined: set | None = None      # conditionals met with a null conditioning event
    _marg: dict = field(default_factory=dict)

    # -- index sets
    def tval(self, t):
        name, off = term_parts(t)
        if name is not None and name in self.decl.ranges.values():
            return self.n + off
        return off if name is None else self.ivals[name] + off

    def iset(self, e) -> set:
        full = set(range(1, self.n + 1))
        if isinstance(e, IFull):
            return full
        if isinstance(e, IName):
            return full if e.name in self.decl.ranges else set(self.subsets[e.name])
        if isinstance(e, ISingle):
            return {self.tval(e.term)} & full
        if isinstance(e, IUpTo):
            return {i for i in full if i <= self.tval(e.term)}
        if isinstance(e, IDiff):
            return self.iset(e.left) - self.iset(e.right)
        if isinstance(e, IUnion):
            return set().union(*(self.iset(p) for p in e.parts))
        return set()

    def names(self, s: VarSet) -> tuple:
        out = set(s.scalars)
        for f, e in s.fams:
            out |= {"%s%d" % (f, i) for i in self.iset(e)}
        return tuple(sorted(out))

    # -- probabilities
    def marginal(self, names: tuple) -> dict:
        if names not in self._marg:
            idx = [self.variables.index(v) for v in names]
            out: dict = {}
            for row, p in self.table.items():
                k = tuple(row[i] for i in idx)
                out[k] = out.get(k, Fraction(0)) + p
            self._marg[names] = out
        return self._marg[names]

    def prob(self, names, omega) -> Fraction:
        names = tuple(sorted(set(names)))
        return self.marginal(names).get(tuple(omega[v] for v in names), Fraction(0))

    def value(self, t, omega, ivals=None):
        if ivals is not None:
            saved, self.ivals = self.ivals, {**self.ivals, **ivals}
            try:
                return self.value(t, omega)
            finally:
                self.ivals = saved
        if isinstance(t, Const):
            return Fraction(t.value)
        if isinstance(t, Mul):
            out = Fraction(1)
            for f in t.factors:
                out *= self.value(f, omega)
            return out
        if isinstance(t, Add):
            return sum((self.value(f, omega) for f in t.terms), Fraction(0))
        if isinstance(t, Prob):
            S, T = self.names(t.target), self.names(t.given)
            pt = self.prob(T, omega)
            if pt == 0:
                if self.undefined is not None:
                    self.undefined.add((S, T))
                return Fraction(self.junk(S, T, omega)) if self.junk else Fraction(0)
            return self.prob(tuple(set(S) | set(T)), omega) / pt
        if isinstance(t, Sum):
            vs = sorted(t.over.scalars)
            out = Fraction(0)
            for vals in cartesian(*[self.values(v) for v in vs]):
                out += self.value(t.body, {**omega, **dict(zip(vs, vals))})
            return out
        if isinstance(t, Prod):
            out = Fraction(1)
            for i in sorted(self.iset(t.domain)):
                out *= self.value(t.body, omega, {t.var: i})
            return out
        raise TypeError(t)

    def values(self, v):
        i = self.variables.index(v)
        return sorted({row[i] for row in self.table} | {0, 1})

    def assignments(self):
        for vals in cartesian(*[self.values(v) for v in self.variables]):
            yield dict(zip(self.variables, vals))

    # -- statements
    def independent(self, x, y, z) -> bool:
        return self.independent_names(self.names(x), self.names(y), self.names(z))

    def independent_names(self, X, Y, Z) -> bool:
        X, Y, Z = tuple(X), tuple(Y), tuple(Z)
        if not X or not Y:
            return True
        for om in self.assignments():
            if self.prob(X + Y + Z, om) * self.prob(Z, om) != self.prob(X + Z, om) * self.prob(Y + Z, om):
                return False
        return True

    def determines(self, src, tgt) -> bool:
        S, T = self.names(src), self.names(tgt)
        seen: dict = {}
        for key in self.marginal(tuple(sorted(set(S) | set(T)))):
            pass
        joint = tuple(sorted(set(S) | set(T)))
        for k, p in self.marginal(joint).items():
            if p == 0:
                continue
            d = dict(zip(joint, k))
            a, b = tuple(d[v] for v in S), tuple(d[v] for v in T)
            if seen.setdefault(a, b) != b:
                return False
        return True

    def holds(self, st) -> bool:
        from ..statements import CI, Determines, Schema
        from .terms import Equation
        if isinstance(st, CI):
            return self.independent(st.x, st.y, st.z)
        if isinstance(st, Schema):
            b = st.binders[0]
            for i in sorted(self.iset(b.domain)):
                saved, self.ivals = self.ivals, {**self.ivals, b.name: i}
                try:
                    if not self.holds(st.body):
                        return False
                finally:
                    self.ivals = saved
            return True
        if isinstance(st, Determines):
            return self.determines(st.source, st.target)
        if isinstance(st, Equation):
            return self.equation_violation(st) is None
        return True

    def equation_violation(self, eq, guards=None):
        """None, or (ω, lhs, rhs) where the equation is defined (or `guards` hold) and fails."""
        from ..kernel.probability import guard_sets
        guards = guard_sets(eq) if guards is None else guards
        for om in self.assignments():
            if any(self.prob(self.names(g), om) == 0 for g in guards):
                continue
            a, b = self.value(eq.lhs, om), self.value(eq.rhs, om)
            if a != b:
                return om, a, b
        return None
