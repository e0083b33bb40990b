"""Set expressions over variables (concrete names and indexed families for a symbolic n), and the
decision of set relations between them: by finite evaluation when concrete, by z3 when symbolic."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Iterable

# ---------------------------------------------------------------------------------------------
# Index expressions: subsets of an index range 1..n (n symbolic)


@dataclass(frozen=True)
class IndexExpr:
    def __sub__(self, other: "IndexExpr") -> "IndexExpr":
        return idiff(self, other)

    def __or__(self, other: "IndexExpr") -> "IndexExpr":
        return iunion((self, other))


@dataclass(frozen=True)
class IFull(IndexExpr):
    """The whole index range `range_name` = 1..n."""
    range_name: str = "I"


@dataclass(frozen=True)
class IName(IndexExpr):
    """A declared index subset (γ, I_B, ...)."""
    name: str


@dataclass(frozen=True)
class ISingle(IndexExpr):
    """{i} for an index variable i, or {k} for a literal k (term is then an int)."""
    term: str | int


@dataclass(frozen=True)
class IUpTo(IndexExpr):
    """{i in the range : i <= term} for an index term (a variable, `j-1`, `k+1`) or a literal;
    C_{>j} is A over I_C minus IUpTo(j), X_{<j} is X over IUpTo(j-1)."""
    term: str | int


def term_parts(term: str | int) -> tuple[str | None, int]:
    """An index term as (variable, offset): 'j-1' -> ('j', -1), 3 -> (None, 3)."""
    if isinstance(term, int):
        return None, term
    m = re.fullmatch(r"(.+?)([+-][0-9]+)?", term)
    name, off = m.group(1), m.group(2)
    return name, int(off) if off else 0


def make_term(name: str | None, offset: int) -> str | int:
    if name is None:
        return offset
    return name if offset == 0 else "%s%+d" % (name, offset)


def shift_term(term: str | int, vars_: dict) -> str | int:
    """Substitute index variables in an affine term: ('j-1', {j: 'k+1'}) -> 'k'."""
    name, off = term_parts(term)
    if name is None or name not in vars_:
        return term
    n2, o2 = term_parts(vars_[name])
    return make_term(n2, o2 + off)


@dataclass(frozen=True)
class IDiff(IndexExpr):
    left: IndexExpr
    right: IndexExpr


@dataclass(frozen=True)
class IUnion(IndexExpr):
    parts: tuple[IndexExpr, ...]


@dataclass(frozen=True)
class IEmpty(IndexExpr):
    pass


def idiff(a: IndexExpr, b: IndexExpr) -> IndexExpr:
    if isinstance(a, IEmpty) or a == b:
        return IEmpty()
    if isinstance(b, IEmpty):
        return a
    return IDiff(a, b)


def iunion(parts: Iterable[IndexExpr]) -> IndexExpr:
    flat: list[IndexExpr] = []
    for p in parts:
        for q in (p.parts if isinstance(p, IUnion) else (p,)):
            if not isinstance(q, IEmpty) and q not in flat:
                flat.append(q)
    if not flat:
        return IEmpty()
    if len(flat) == 1:
        return flat[0]
    return IUnion(tuple(flat))


def index_vars(e: IndexExpr) -> set[str]:
    if isinstance(e, (ISingle, IUpTo)) and isinstance(e.term, str):
        return {term_parts(e.term)[0]}
    if isinstance(e, IDiff):
        return index_vars(e.left) | index_vars(e.right)
    if isinstance(e, IUnion):
        return set().union(*(index_vars(p) for p in e.parts))
    return set()


def index_names(e: IndexExpr) -> set[str]:
    if isinstance(e, IName):
        return {e.name}
    if isinstance(e, IDiff):
        return index_names(e.left) | index_names(e.right)
    if isinstance(e, IUnion):
        return set().union(*(index_names(p) for p in e.parts))
    return set()


def substitute_index(e: IndexExpr, names: dict[str, IndexExpr], vars_: dict[str, str | int]) -> IndexExpr:
    """Replace index-subset names and index variables (instantiation of a schema)."""
    if isinstance(e, IName) and e.name in names:
        return names[e.name]
    if isinstance(e, ISingle) and isinstance(e.term, str) and term_parts(e.term)[0] in vars_:
        return ISingle(shift_term(e.term, vars_))
    if isinstance(e, IUpTo) and isinstance(e.term, str) and term_parts(e.term)[0] in vars_:
        return IUpTo(shift_term(e.term, vars_))
    if isinstance(e, IDiff):
        return idiff(substitute_index(e.left, names, vars_), substitute_index(e.right, names, vars_))
    if isinstance(e, IUnion):
        return iunion(substitute_index(p, names, vars_) for p in e.parts)
    return e


# ---------------------------------------------------------------------------------------------
# Set expressions over variables. Normal form: a frozenset of scalar names plus, for each base
# family, the index expression of its members in the set.


@dataclass(frozen=True)
class VarSet:
    """A set of variables: `scalars` (concrete names) ∪ {F_i : i ∈ fams[F]} for each base family F.

    `fams` is a sorted tuple of (family, IndexExpr) so that the value is hashable and canonical.
    Purely concrete sets have fams == ()."""
    scalars: frozenset[str] = frozenset()
    fams: tuple[tuple[str, IndexExpr], ...] = ()

    @staticmethod
    def of(names: Iterable[str]) -> "VarSet":
        return VarSet(frozenset(names))

    @property
    def concrete(self) -> bool:
        return not self.fams

    def fam(self, name: str) -> IndexExpr:
        for f, e in self.fams:
            if f == name:
                return e
        return IEmpty()

    def family_names(self) -> set[str]:
        return {f for f, _ in self.fams}

    def __or__(self, other: "VarSet") -> "VarSet":
        fams = {f: e for f, e in self.fams}
        for f, e in other.fams:
            fams[f] = iunion((fams[f], e)) if f in fams else e
        return _mk(self.scalars | other.scalars, fams)

    def __sub__(self, other: "VarSet") -> "VarSet":
        fams = {f: (idiff(e, other.fam(f)) if f in other.family_names() else e) for f, e in self.fams}
        return _mk(self.scalars - other.scalars, fams)

    def is_empty_syntactically(self) -> bool:
        return not self.scalars and not self.fams


def _mk(scalars: frozenset[str], fams: dict[str, IndexExpr]) -> VarSet:
    return VarSet(frozenset(scalars),
                  tuple(sorted(((f, e) for f, e in fams.items() if not isinstance(e, IEmpty)),
                               key=lambda fe: fe[0])))


def union_all(sets: Iterable[VarSet]) -> VarSet:
    out = VarSet()
    for s in sets:
        out = out | s
    return out


def substitute(s: VarSet, names: dict[str, IndexExpr], vars_: dict[str, str | int]) -> VarSet:
    return _mk(s.scalars, {f: substitute_index(e, names, vars_) for f, e in s.fams})


# ---------------------------------------------------------------------------------------------
# Obligations and the set theory (declarations + decision procedure)


@dataclass(frozen=True)
class Obligation:
    """A side condition the kernel relied on: what it means, how it was decided, and the outcome."""
    meaning: str
    result: str          # 'proved' | 'refuted' | 'unknown'
    seconds: float
    method: str          # 'finite sets' | 'syntactic' | 'z3' | 'graph' | ...
    detail: str = ""     # counter-example or solver reason
    query: str = ""      # for proved solver obligations whose meaning is not re-encodable: the
                         # SMT-LIB query (axioms used ∧ ¬goal) that was found unsat, for re-checking


@dataclass
class IndexDecl:
    """Declared index structure: range I = 1..n, named subsets with their constraints."""
    ranges: dict[str, str] = field(default_factory=dict)        # range name -> bound symbol ('I' -> 'n')
    subsets: dict[str, str] = field(default_factory=dict)       # subset name -> range it lies in
    partitions: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # I = I_B ⊔ I_C
    index_vars: dict[str, IndexExpr] = field(default_factory=dict)  # j -> index expr it belongs to
    families: dict[str, tuple[str, IndexExpr]] = field(default_factory=dict)  # B -> (A, IName(I_B))
    base_families: dict[str, str] = field(default_factory=dict)  # A -> range name
    scalar_names: set[str] = field(default_factory=set)  # declared variables, for unambiguous printing
    subset_of: list[tuple[str, IndexExpr]] = field(default_factory=list)  # γ ⊆ I_C (besides γ ⊆ I)


class SetTheory:
    """Decides ⊆, =, disjointness between VarSets. Concrete sets by evaluation; families with z3
    (n symbolic, index subsets as uninterpreted predicates), always with a timeout."""

    def __init__(self, decl: IndexDecl | None = None, timeout_ms: int = 5000):
        self.decl = decl or IndexDecl()
        self.timeout_ms = timeout_ms

    # -- public relations; each returns an Obligation
    def subset(self, a: VarSet, b: VarSet, meaning: str) -> Obligation:
        return self._decide("subset", a, b, meaning)

    def equal(self, a: VarSet, b: VarSet, meaning: str) -> Obligation:
        return self._decide("equal", a, b, meaning)

    def disjoint(self, a: VarSet, b: VarSet, meaning: str) -> Obligation:
        return self._decide("disjoint", a, b, meaning)

    def member(self, term: str | int, domain: IndexExpr, meaning: str) -> Obligation:
        """term ∈ domain for every n and interpretation allowed by the declarations (a literal k
        is a member of 1..n only if n ≥ k is forced, which it never is for a symbolic n)."""
        t0 = time.perf_counter()
        fam = "·member"
        return self._z3("member", [(fam, ISingle(term), domain)], meaning, t0)

    def _decide(self, rel: str, a: VarSet, b: VarSet, meaning: str) -> Obligation:
        t0 = time.perf_counter()
        # Scalars are always concrete.
        sa, sb = a.scalars, b.scalars
        if rel == "subset":
            bad = sa - sb
        elif rel == "equal":
            bad = sa ^ sb
        else:
            bad = sa & sb
        if bad:
            return Obligation(meaning, "refuted", time.perf_counter() - t0, "finite sets",
                              "differs on " + ", ".join(sorted(bad)))
        fams = sorted(a.family_names() | b.family_names())
        if not fams:
            return Obligation(meaning, "proved", time.perf_counter() - t0, "finite sets")
        pending = []
        for f in fams:
            ea, eb = a.fam(f), b.fam(f)
            if rel in ("subset", "equal") and ea == eb:
                continue
            if rel == "subset" and isinstance(ea, IEmpty):
                continue
            if rel == "disjoint" and (isinstance(ea, IEmpty) or isinstance(eb, IEmpty)):
                continue
            pending.append((f, ea, eb))
        if not pending:
            return Obligation(meaning, "proved", time.perf_counter() - t0, "syntactic")
        return self._z3(rel, pending, meaning, t0)

    # -- z3 encoding: is there an index i (and an interpretation of n, the subsets and the index
    # variables satisfying the declarations) witnessing a violation?  unsat => the relation holds.
    def _z3(self, rel: str, pending, meaning: str, t0: float) -> Obligation:
        import z3
        s = z3.Solver()
        s.set("timeout", self.timeout_ms)
        i = z3.Int("i")
        bounds: dict[str, z3.ArithRef] = {}
        preds: dict[str, z3.FuncDeclRef] = {}
        ivars: dict[str, z3.ArithRef] = {}

        def bound(range_name: str):
            sym = self.decl.ranges.get(range_name, "n")
            if sym not in bounds:
                bounds[sym] = z3.Int(sym)
                s.add(bounds[sym] >= 1)
            return bounds[sym]

        def in_range(t, range_name: str):
            return z3.And(t >= 1, t <= bound(range_name))

        def pred(name: str):
            if name not in preds:
                preds[name] = z3.Function("S_" + name, z3.IntSort(), z3.BoolSort())
            return preds[name]

        def ivar(name):
            if isinstance(name, int):
                return z3.IntVal(name)
            base, off = term_parts(name)
            if off:
                return ivar(base) + off
            if name not in ivars:
                ivars[name] = z3.Int("v_" + name)
            return ivars[name]

        def mem(e: IndexExpr, t, range_name: str):
            if isinstance(e, IFull):
                return in_range(t, e.range_name)
            if isinstance(e, IName):
                if e.name in self.decl.ranges:
                    return in_range(t, e.name)
                return z3.And(pred(e.name)(t), in_range(t, self.decl.subsets.get(e.name, range_name)))
            if isinstance(e, ISingle):
                return z3.And(t == ivar(e.term), in_range(t, range_name))
            if isinstance(e, IUpTo):
                return z3.And(t <= ivar(e.term), in_range(t, range_name))
            if isinstance(e, IDiff):
                return z3.And(mem(e.left, t, range_name), z3.Not(mem(e.right, t, range_name)))
            if isinstance(e, IUnion):
                return z3.Or([mem(p, t, range_name) for p in e.parts])
            return z3.BoolVal(False)

        disjuncts = []
        for f, ea, eb in pending:
            rng = self.decl.base_families.get(f, "I")
            ma, mb = mem(ea, i, rng), mem(eb, i, rng)
            if rel == "member":
                # violation: the term's value is not in the domain
                disjuncts.append(z3.And(i == ivar(ea.term), z3.Not(mb)))
            elif rel == "subset":
                disjuncts.append(z3.And(ma, z3.Not(mb)))
            elif rel == "equal":
                disjuncts.append(ma != mb)
            else:
                disjuncts.append(z3.And(ma, mb))
        s.add(z3.Or(disjuncts))
        # Instantiate the declarations at every ground index term in play (complete for this
        # monadic, function-free fragment).
        terms = [i] + list(ivars.values())
        self._declaration_axioms(s, terms, ivar, pred, in_range, mem)
        r = s.check()
        dt = time.perf_counter() - t0
        if r == z3.unsat:
            return Obligation(meaning, "proved", dt, "z3")
        if r == z3.sat:
            m = s.model()
            detail = "counter-example: " + ", ".join(
                "%s = %s" % (d.name(), m[d]) for d in m.decls() if d.arity() == 0)
            return Obligation(meaning, "refuted", dt, "z3", detail)
        return Obligation(meaning, "unknown", dt, "z3", "z3: " + s.reason_unknown())

    def _declaration_axioms(self, s, terms, ivar, pred, in_range, mem):
        import z3
        d = self.decl
        for name, rng in d.subsets.items():
            for t in terms:
                s.add(z3.Implies(pred(name)(t), in_range(t, rng)))
        for whole, parts in d.partitions:
            for t in terms:
                inside = in_range(t, whole) if whole in d.ranges else z3.And(pred(whole)(t), in_range(t, d.subsets.get(whole, "I")))
                members = [z3.And(pred(p)(t), in_range(t, d.subsets.get(p, whole))) for p in parts]
                s.add(inside == z3.Or(members))
                for a in range(len(members)):
                    for b in range(a + 1, len(members)):
                        s.add(z3.Not(z3.And(members[a], members[b])))
        for name, dom in d.subset_of:
            for t in terms:
                s.add(z3.Implies(pred(name)(t), mem(dom, t, self._range_of_index_expr(dom))))
        # Index variables: each lies in its declared index set.
        for v, e in d.index_vars.items():
            t = ivar(v)
            s.add(mem(e, t, self._range_of_index_expr(e)))
        # terms may have grown via ivar() above; axioms for new terms too
        for name, rng in d.subsets.items():
            for v in d.index_vars:
                s.add(z3.Implies(pred(name)(ivar(v)), in_range(ivar(v), rng)))

    def _range_of_index_expr(self, e: IndexExpr) -> str:
        if isinstance(e, IFull):
            return e.range_name
        if isinstance(e, IName):
            return e.name if e.name in self.decl.ranges else self.decl.subsets.get(e.name, "I")
        return "I"
