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
    hints: str = ""      # probability steps: JSON of which part of which link this proves and the
                         # law instances it used, from which `graphoid recheck` rebuilds the query


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

    def with_binders(self, binders) -> "SetTheory":
        """The theory inside a 'for all' schema: each bound γ ⊆ D is an arbitrary subset of D, each
        bound i ∈ D an arbitrary member of D (proving the body for them proves it for all).
        `binders`: objects with .name, .kind ('subset' | 'member'), .domain."""
        if not binders:
            return self
        import copy
        d = copy.deepcopy(self.decl)
        for b in binders:
            rng = SetTheory(d).range_of(b.domain)
            if b.kind == "subset":
                d.subsets[b.name] = rng if rng is not None else "·undeclared"
                if not isinstance(b.domain, IFull):
                    d.subset_of.append((b.name, b.domain))
            else:
                d.index_vars[b.name] = b.domain
        return SetTheory(d, self.timeout_ms)

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
        rng = self.range_of(domain)
        if rng is None:
            return Obligation(meaning, "unknown", time.perf_counter() - t0, "z3",
                              "the domain is not inside one declared index range")
        return self._z3("member", [(None, ISingle(term), domain, rng)], meaning, t0)

    def subset_index(self, a: IndexExpr, b: IndexExpr, meaning: str) -> Obligation:
        """a ⊆ b for two index expressions of the same range."""
        t0 = time.perf_counter()
        if a == b or isinstance(a, IEmpty):
            return Obligation(meaning, "proved", time.perf_counter() - t0, "syntactic")
        rng = self.range_of(b)
        if rng is None or (self.range_of(a) not in (None, rng) and not isinstance(a, ISingle)):
            return Obligation(meaning, "unknown", time.perf_counter() - t0, "z3",
                              "the two index sets are not inside one declared index range")
        return self._z3("subset", [(None, a, b, rng)], meaning, t0)

    def nonempty_possible(self, e: IndexExpr, rng: str, meaning: str) -> Obligation:
        """'proved' if some n and some choice of the declared sets make e non-empty (z3 sat);
        'refuted' if e is empty in every model of the declarations."""
        t0 = time.perf_counter()
        return self._z3("nonempty", [(None, e, e, rng)], meaning, t0)

    def range_of(self, e: IndexExpr) -> str | None:
        """The declared range an index expression lies in, or None if it mentions no declared set
        or mixes ranges. A bare literal or index variable takes the range of its declaration."""
        d = self.decl
        if isinstance(e, IFull):
            return e.range_name if e.range_name in d.ranges else None
        if isinstance(e, IName):
            return e.name if e.name in d.ranges else d.subsets.get(e.name)
        if isinstance(e, ISingle):
            if isinstance(e.term, str) and e.term in d.index_vars:
                return self.range_of(d.index_vars[e.term])
            return None
        if isinstance(e, (IDiff, IUnion)):
            parts = [e.left, e.right] if isinstance(e, IDiff) else list(e.parts)
            rs = {self.range_of(p) for p in parts}
            rs.discard(None)
            return rs.pop() if len(rs) == 1 else None
        return None

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
            rng = self.decl.base_families.get(f)
            if rng is None:
                return Obligation(meaning, "unknown", time.perf_counter() - t0, "z3",
                                  "%s is not a declared family" % f)
            pending.append((f, ea, eb, rng))
        if not pending:
            return Obligation(meaning, "proved", time.perf_counter() - t0, "syntactic")
        return self._z3(rel, pending, meaning, t0)

    # -- z3 encoding: is there an index (and an interpretation of n, the subsets and the index
    # variables satisfying the declarations) witnessing a violation?  unsat => the relation holds.
    # Every z3 name the encoding makes has a prefix with '·', a character no user name can contain,
    # so no invented name (the witness, a bound, a predicate) can meet a user's name.
    def _z3(self, rel: str, pending, meaning: str, t0: float) -> Obligation:
        import z3
        s = z3.Solver()
        s.set("timeout", self.timeout_ms)
        i = z3.Int("·witness")
        bounds: dict[str, z3.ArithRef] = {}
        preds: dict[str, z3.FuncDeclRef] = {}
        ivars: dict[str, z3.ArithRef] = {}
        undeclared: list[str] = []

        def bound(range_name: str):
            sym = self.decl.ranges.get(range_name)
            if sym is None:
                undeclared.append("index range %s" % range_name)
                sym = range_name
            if sym not in bounds:
                bounds[sym] = z3.Int("·bound:" + sym)
                s.add(bounds[sym] >= 1)
            return bounds[sym]

        def in_range(t, range_name: str):
            return z3.And(t >= 1, t <= bound(range_name))

        def pred(name: str):
            if name not in preds:
                preds[name] = z3.Function("·set:" + name, z3.IntSort(), z3.BoolSort())
            return preds[name]

        def ivar(name):
            if isinstance(name, int):
                return z3.IntVal(name)
            base, off = term_parts(name)
            if off:
                return ivar(base) + off
            if name not in ivars:
                ivars[name] = z3.Int("·index:" + name)
            return ivars[name]

        def mem(e: IndexExpr, t, range_name: str):
            if isinstance(e, IFull):
                return in_range(t, e.range_name)
            if isinstance(e, IName):
                if e.name in self.decl.ranges:
                    return in_range(t, e.name)
                r = self.decl.subsets.get(e.name)
                if r is None:
                    undeclared.append("index set %s" % e.name)
                    r = range_name
                return z3.And(pred(e.name)(t), in_range(t, r))
            if isinstance(e, ISingle):
                if isinstance(e.term, str) and term_parts(e.term)[0] not in self.decl.index_vars:
                    undeclared.append("index %s" % e.term)
                return z3.And(t == ivar(e.term), in_range(t, range_name))
            if isinstance(e, IUpTo):
                return z3.And(t <= ivar(e.term), in_range(t, range_name))
            if isinstance(e, IDiff):
                return z3.And(mem(e.left, t, range_name), z3.Not(mem(e.right, t, range_name)))
            if isinstance(e, IUnion):
                return z3.Or([mem(p, t, range_name) for p in e.parts])
            return z3.BoolVal(False)

        disjuncts = []
        for f, ea, eb, rng in pending:
            ma, mb = mem(ea, i, rng), mem(eb, i, rng)
            if rel == "member":
                # violation: the term's value is not in the domain
                disjuncts.append(z3.And(i == ivar(ea.term), z3.Not(mb)))
            elif rel == "subset":
                disjuncts.append(z3.And(ma, z3.Not(mb)))
            elif rel == "equal":
                disjuncts.append(ma != mb)
            elif rel == "nonempty":
                disjuncts.append(ma)
            else:
                disjuncts.append(z3.And(ma, mb))
        s.add(z3.Or(disjuncts))
        # Instantiate the declarations at every ground index term in play (complete for this
        # monadic, function-free fragment).
        terms = [i] + list(ivars.values())
        self._declaration_axioms(s, terms, ivar, pred, in_range, mem)
        dt = time.perf_counter() - t0
        if undeclared:
            return Obligation(meaning, "unknown", dt, "z3", "undeclared: " + ", ".join(sorted(set(undeclared))))
        r = s.check()
        dt = time.perf_counter() - t0
        if rel == "nonempty":   # satisfiable = can be non-empty
            if r == z3.sat:
                return Obligation(meaning, "proved", dt, "z3")
            if r == z3.unsat:
                return Obligation(meaning, "refuted", dt, "z3", "empty in every model of the declarations")
            return Obligation(meaning, "unknown", dt, "z3", "z3: " + s.reason_unknown())
        if r == z3.unsat:
            return Obligation(meaning, "proved", dt, "z3")
        if r == z3.sat:
            m = s.model()
            detail = "counter-example: " + ", ".join(
                "%s = %s" % (d.name().split(":", 1)[-1].lstrip("·"), m[d]) for d in m.decls() if d.arity() == 0)
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
                inside = in_range(t, whole) if whole in d.ranges else z3.And(pred(whole)(t), in_range(t, d.subsets[whole]))
                members = [z3.And(pred(p)(t), in_range(t, d.subsets[p])) for p in parts]
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
        r = self.range_of(e)
        if r is None:   # cannot happen for declarations the kernel validated
            raise ValueError("index expression outside every declared range: %r" % (e,))
        return r
