"""Trusted: the laws of probability as instances over the terms of a query, and their z3 encoding.

A law is generated from the terms in play (never from a template of one proof) and is true in every
finite discrete distribution under the reading of docs/probability.md: a term is a function of the
joint value ω of all variables; P(S | T) is the conditional probability where P(T) > 0 and an
arbitrary value in [0, 1] (a function of S, T and ω) elsewhere. Each law's soundness argument is in
docs/probability.md; tests/test_probability_semantics.py evaluates every generated law in random
exact-rational distributions.

z3 encoding: every variable's value is a constant (a family's values are an array Int → Val), n and
the declared index subsets are as in sets.py (uninterpreted predicates over 1..n), a P(S | T) is an
uninterpreted real function of its index terms and ω, a Σ is an uninterpreted real function (its
laws relate it to other terms), a ∏_{j ∈ D} is a recursive function ∏_{j ∈ D, j > k} of k."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from fractions import Fraction

import z3

from ..probability.terms import Add, Const, Mul, Prob, Prod, Sum, Term, mul, subst_term
from ..sets import (IDiff, IEmpty, IFull, IName, IndexDecl, IndexExpr, ISingle, IUnion, IUpTo, SetTheory,
                    VarSet, _mk, term_parts)

# ---------------------------------------------------------------------------------------------
# Laws (term level: the z3 encoder and the semantic tests both read them)


@dataclass(frozen=True)
class Pos:
    """P(S) > 0 (S a set of variables, at the current ω)."""
    s: VarSet


@dataclass(frozen=True)
class Mem:
    """index term ∈ D (or ∉ D when negated)."""
    term: str | int
    domain: IndexExpr
    negated: bool = False


@dataclass(frozen=True)
class NonZero:
    t: Term


@dataclass(frozen=True)
class Law:
    """hyps ⇒ lhs rel rhs; rel '=' | '<=' | '01' (lhs ∈ {0, 1}) | 'range' (0 ≤ lhs ≤ 1)."""
    name: str          # which law (for the reader and for the unsat core)
    source: str        # 'calc' or the label of the premise it instantiates
    hyps: tuple
    lhs: Term
    rhs: Term | None
    rel: str = "="


ONE = Const(Fraction(1))


def P(target: VarSet, given: VarSet = VarSet()) -> Prob:
    return Prob(target, given)


def ctx_hyps(ctx) -> tuple:   # in a fixed order: the answer must not depend on hash seeds
    return tuple(Mem(t, d) for t, d in sorted(ctx, key=repr))


# ---------------------------------------------------------------------------------------------
# Set questions, decided by the kernel's set theory (z3 for families), cached per query


def _rel_text(rel, a, b, decl) -> str:
    from ..statements import set_text
    sym = {"subset": "⊆", "equal": "=", "disjoint": "∩ … = ∅ with"}[rel]
    return "%s %s %s" % (set_text(a, decl, True), sym, set_text(b, decl, True))


class SetSolver:
    """The set relations of sets.SetTheory (same encoding: is there an index i violating the
    relation, for some n and interpretation of the declared subsets and index terms satisfying
    the declarations, instantiated at the ground index terms in play?), with one incremental z3
    solver per context instead of a fresh one per question."""

    def __init__(self, decl: IndexDecl, ctx, timeout_ms: int):
        import time as _t
        self.decl, self.enc = decl, Encoder(decl)
        self.s = z3.Solver()
        self.s.set("timeout", timeout_ms)
        self.wit = z3.Int("wit")
        self.done: set = set()
        for r in decl.ranges:
            self.s.add(self.enc.bound(r) >= 1)
        self._inst(self.wit)
        self.hyps = list(decl.index_vars.items()) + sorted(ctx, key=repr)
        for v, e in self.hyps:
            t = self.enc.iterm(v)
            self.s.add(self.enc.mem(e, t))
            self._inst(t)
        self._t = _t

    def _inst(self, t):
        key = str(t)
        if key in self.done:
            return
        self.done.add(key)
        d, enc = self.decl, self.enc
        for name, rng in d.subsets.items():
            self.s.add(z3.Implies(enc.pred(name)(t), enc.in_range(t, rng)))
        for whole, parts in d.partitions:
            inside = enc.mem(IName(whole) if whole not in d.ranges else IFull(whole), t)
            members = [enc.mem(IName(p), t) for p in parts]
            self.s.add(inside == z3.Or(members))
            for a in range(len(members)):
                for b in range(a + 1, len(members)):
                    self.s.add(z3.Not(z3.And(members[a], members[b])))
        for name, dom in d.subset_of:
            self.s.add(z3.Implies(enc.mem(IName(name), t), enc.mem(dom, t)))

    def _terms(self, s: VarSet):
        out = []
        for _, e in s.fams:
            stack = [e]
            while stack:
                x = stack.pop()
                if isinstance(x, (ISingle, IUpTo)):
                    out.append(x.term)
                elif isinstance(x, IDiff):
                    stack += [x.left, x.right]
                elif isinstance(x, IUnion):
                    stack += list(x.parts)
        return out

    def decide(self, rel, a: VarSet, b: VarSet, meaning: str):
        from ..sets import Obligation
        t0 = self._t.perf_counter()
        for t in self._terms(a) + self._terms(b):
            self._inst(self.enc.iterm(t))
        enc, i = self.enc, self.wit
        dis = []
        for f in sorted(a.family_names() | b.family_names()):
            rng = self.decl.base_families.get(f, "I")
            ma, mb = enc.mem(a.fam(f), i, rng), enc.mem(b.fam(f), i, rng)
            dis.append(z3.And(ma, z3.Not(mb)) if rel == "subset" else (ma != mb) if rel == "equal" else z3.And(ma, mb))
        self.s.push()
        self.s.add(z3.Or(dis) if dis else z3.BoolVal(False))
        r = self.s.check()
        self.s.pop()
        dt = self._t.perf_counter() - t0
        res = "proved" if r == z3.unsat else "refuted" if r == z3.sat else "unknown"
        return Obligation(meaning, res, dt, "z3")


def _syn_sub(e: IndexExpr, f: IndexExpr, rng) -> bool:
    """e ⊆ f by the shape of the expressions alone (every index expression of a family lies in the
    family's range; a difference lies in its left side; a union contains its parts)."""
    if isinstance(e, IEmpty) or e == f:
        return True
    if isinstance(f, IFull) and f.range_name == rng:
        return True
    if isinstance(e, IDiff):
        return _syn_sub(e.left, f, rng)
    if isinstance(e, IUnion):
        return all(_syn_sub(p, f, rng) for p in e.parts)
    if isinstance(f, IUnion):
        return any(_syn_sub(e, p, rng) for p in f.parts)
    return False


class SetOracle:
    """⊆, =, ∩ = ∅ and emptiness of VarSets under the declarations plus extra hypotheses
    'term ∈ D' (a context). A relation is first evaluated in a few small concrete interpretations of
    the declarations (n ≤ 3, random index subsets); one that fails there is false and z3 is not
    asked. Otherwise the answer is z3's (the kernel's set theory); every proved relation used is
    recorded as an obligation. `shared` caches answers across the queries of a script."""

    def __init__(self, decl: IndexDecl, timeout_ms: int = 2000, shared: dict | None = None):
        self.decl = decl
        self.timeout_ms = timeout_ms
        self.cache: dict = shared if shared is not None else {}
        self.obligations: list = []
        self._fp = repr((sorted(decl.ranges.items()), sorted(decl.subsets.items()), decl.partitions,
                         sorted(decl.index_vars.items(), key=repr), decl.subset_of))
        self._samples: dict = {}

    def _solver(self, ctx) -> "SetSolver":
        key = ("solver", self._fp, ctx)
        if key not in self.cache:
            self.cache[key] = SetSolver(self.decl, ctx, self.timeout_ms)
        return self.cache[key]

    def _theory(self, ctx) -> SetTheory:
        if not ctx:
            return SetTheory(self.decl, self.timeout_ms)
        iv = dict(self.decl.index_vars)
        for t, d in ctx:
            iv[t] = d
        return SetTheory(replace(self.decl, index_vars=iv), self.timeout_ms)

    # -- concrete interpretations (refutation only)
    def _interpretations(self, ctx):
        if ctx in self._samples:
            return self._samples[ctx]
        import random
        rng = random.Random(12345)
        d = self.decl
        out = []
        for trial in range(60):
            if len(out) >= 12:
                break
            n = 1 + trial % 3
            subs: dict = {}
            for whole, parts in d.partitions:
                members = range(1, n + 1) if whole in d.ranges else subs.get(whole, set())
                for p in parts:
                    subs[p] = set()
                for i in members:
                    subs[parts[rng.randrange(len(parts))]].add(i)
            for name in d.subsets:
                if name not in subs:
                    subs[name] = {i for i in range(1, n + 1) if rng.random() < 0.5}
            env = {"n": n, "subs": subs}
            for name, dom in d.subset_of:
                subs[name] &= self._iset(dom, env, {})
            need = list(d.index_vars.items()) + sorted(ctx, key=repr)
            vals: dict = {"__n": n}
            ok = True
            for _ in range(30):
                vals = {"__n": n}
                for t, _dom in need:
                    base = term_parts(t)[0]
                    if base is not None and base not in vals and base not in d.ranges.values():
                        vals[base] = rng.randrange(0, n + 2)
                try:
                    if all(self._tval(t, vals) in self._iset(dom, env, vals) for t, dom in need):
                        break
                except KeyError:
                    pass
            else:
                ok = False
            if ok:
                out.append((env, vals))
        self._samples[ctx] = out
        return out

    def _tval(self, t, vals, n=None):
        name, off = term_parts(t)
        if name is None:
            return off
        if name in self.decl.ranges.values() and "__n" in vals:
            return vals["__n"] + off
        if name not in vals:
            raise KeyError(name)
        return vals[name] + off

    def _iset(self, e, env, vals) -> set:
        n = env["n"]
        full = set(range(1, n + 1))
        if isinstance(e, IFull):
            return full
        if isinstance(e, IName):
            return full if e.name in self.decl.ranges else set(env["subs"].get(e.name, set()))
        if isinstance(e, ISingle):
            return {self._tval(e.term, vals)} & full
        if isinstance(e, IUpTo):
            return {i for i in full if i <= self._tval(e.term, vals)}
        if isinstance(e, IDiff):
            return self._iset(e.left, env, vals) - self._iset(e.right, env, vals)
        if isinstance(e, IUnion):
            return set().union(*(self._iset(p, env, vals) for p in e.parts))
        return set()

    def _vset(self, s: VarSet, env, vals) -> set:
        out = set(s.scalars)
        for f, e in s.fams:
            out |= {(f, i) for i in self._iset(e, env, vals)}
        return out

    def _refuted(self, rel, a, b, ctx) -> bool:
        for env, vals in self._interpretations(ctx):
            try:
                A, B = self._vset(a, env, vals), self._vset(b, env, vals)
            except KeyError:      # an index variable without a value: no refutation from samples
                return False
            if (rel == "subset" and not A <= B) or (rel == "equal" and A != B) or (rel == "disjoint" and A & B):
                return True
        return False

    def ask(self, rel: str, a: VarSet, b: VarSet, ctx=frozenset(), meaning: str = "") -> bool:
        key = (self._fp, rel, a, b, ctx)
        if key not in self.cache:
            if self._refuted(rel, a, b, ctx):
                self.cache[key] = None
            else:
                self.cache[key] = self._solver(ctx).decide(rel, a, b, meaning or _rel_text(rel, a, b, self.decl))
        ob = self.cache[key]
        if ob is None:
            return False
        if ob.result == "proved" and ob.method == "z3" and ob not in self.obligations:
            self.obligations.append(ob)
        return ob.result == "proved"

    def subset(self, a, b, ctx=frozenset()):
        if a.scalars - b.scalars:
            return False
        if a == b or all(_syn_sub(e, b.fam(f), self.decl.base_families.get(f)) for f, e in a.fams):
            return True
        return self.ask("subset", a, b, ctx)

    def equal(self, a, b, ctx=frozenset()):
        if a == b:
            return True
        if a.scalars != b.scalars:
            return False
        return self.ask("equal", a, b, ctx)

    def disjoint(self, a, b, ctx=frozenset()):
        if a.scalars & b.scalars:
            return False
        if not (a.family_names() & b.family_names()):
            return True
        return self.ask("disjoint", a, b, ctx)

    def empty(self, a, ctx=frozenset()):
        if a.scalars:
            return False
        if not a.fams:
            return True
        return self.ask("subset", a, VarSet(), ctx)

    def canon(self, a: VarSet, ctx=frozenset()) -> VarSet:
        """A representative of a's value: the first set seen (in this script) that has the same
        value in every sample interpretation and that z3 proves equal to a. Keeps the sets that
        laws create (W ∖ B, R ∖ S, …) from growing, and makes equal sets one term."""
        if not a.fams:
            return a
        try:
            fp = tuple(frozenset(self._vset(a, env, vals)) for env, vals in self._interpretations(ctx))
        except KeyError:
            return a
        reps = self.cache.setdefault(("canon", self._fp, ctx, fp), [])
        for r in reps:
            if r == a or self.equal(r, a, ctx):
                return r
        reps.append(a)
        return a

    def simplify(self, a: VarSet, ctx=frozenset()) -> VarSet:
        """Drop the family parts that are provably empty (C_{>j} minus C_{\\j} …)."""
        keep = {f: e for f, e in a.fams if not self.empty(_mk(frozenset(), {f: e}), ctx)}
        return _mk(a.scalars, keep)


# ---------------------------------------------------------------------------------------------
# Law generators. Each takes the occurrences in play ((Prob | Sum, context) pairs) and returns
# laws and new occurrences. A context is a frozenset of (index term, D) hypotheses.


@dataclass
class Pool:
    """The terms of a query and the laws about them."""
    oracle: SetOracle
    probs: dict = field(default_factory=dict)      # Prob -> contexts it occurs in
    sums: dict = field(default_factory=dict)       # Sum -> context
    laws: list = field(default_factory=list)
    seen_laws: set = field(default_factory=set)

    def add_prob(self, p: Prob, ctx=frozenset()) -> Prob:
        # 𝒫 is P on observed variables (Definition 1); equal sets get one representative
        orig = Prob(p.target, p.given)
        p = Prob(self.oracle.canon(p.target, ctx), self.oracle.canon(p.given, ctx))
        ctxs = self.probs.setdefault(p, [])
        if ctx not in ctxs:
            ctxs.append(ctx)
        if orig != p:
            self.add_law(Law("equal sets", "calc", ctx_hyps(ctx), orig, p))
        return p

    def items(self, cond_only: bool = False):
        """(term, context) pairs."""
        return [(p, c) for p, cs in list(self.probs.items()) for c in cs if not cond_only or _cond(p)]

    def add_law(self, law: Law):
        key = (law.name, law.hyps, law.lhs, law.rhs, law.rel)
        if key not in self.seen_laws:
            self.seen_laws.add(key)
            self.laws.append(law)

    def collect(self, t: Term, ctx=frozenset()):
        """Register the top-level terms of t (Σ and ∏ bodies stay inside their functions)."""
        if isinstance(t, Prob):
            self.add_prob(t, ctx)
        elif isinstance(t, Sum):
            self.sums.setdefault(t, ctx)
        elif isinstance(t, (Mul, Add)):
            for f in (t.factors if isinstance(t, Mul) else t.terms):
                self.collect(f, ctx)


def _compatible(c1, c2) -> bool:
    """Two contexts are combined only when one contains the other (no contradictory mixes)."""
    return c1 <= c2 or c2 <= c1


def _parts_within(o: "SetOracle", s: VarSet, within: VarSet, ctx) -> VarSet:
    """The family parts and scalars of s that lie in `within` (syntactic parts, each decided)."""
    keep = {f: e for f, e in s.fams if o.subset(_mk(frozenset(), {f: e}), within, ctx)}
    return _mk(s.scalars & within.scalars, keep)


def _without(o: "SetOracle", s: VarSet, drop: VarSet, ctx) -> VarSet:
    """s ∖ drop: whole parts of s that lie in drop are removed; otherwise the set difference."""
    inside = _parts_within(o, s, drop, ctx)
    if inside.scalars or inside.fams:
        rest = _mk(s.scalars - inside.scalars, {f: e for f, e in s.fams if (f, e) not in inside.fams})
        if o.disjoint(rest, drop, ctx):
            return rest
    return o.simplify(s - drop, ctx)


def _cond(p: Prob) -> bool:
    return not p.given.is_empty_syntactically()


def gen_basic(pool: Pool):
    """Always: 0 ≤ P ≤ 1; the definition P(ST) = P(S | T) P(T) (true also where P(T) = 0:
    both sides are 0); P(∅ | T) = 1 where P(T) > 0."""
    for p, ctx in pool.items():
        h = ctx_hyps(ctx)
        pool.add_law(Law("probabilities lie in [0, 1]", "calc", h, p, None, "range"))
        if _cond(p):
            joint = pool.add_prob(P(p.target | p.given), ctx)
            marg = pool.add_prob(P(p.given), ctx)
            pool.add_law(Law("definition of conditional probability", "calc", h, joint, mul(p, marg)))
        if pool.oracle.empty(p.target, ctx):
            pool.add_law(Law("P(∅ | T) = 1", "calc", h + ((Pos(p.given),) if _cond(p) else ()), p, ONE))


def gen_merge(pool: Pool):
    """Terms over equal sets are equal (a set may be written in several ways: X = YZ)."""
    items = pool.items()
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            (p, c1), (q, c2) = items[i], items[j]
            if p == q or not _compatible(c1, c2):
                continue
            ctx = c1 | c2
            if pool.oracle.equal(p.target, q.target, ctx) and pool.oracle.equal(p.given, q.given, ctx):
                pool.add_law(Law("equal sets", "calc", ctx_hyps(ctx), p, q))


def gen_monotone(pool: Pool):
    """P(U) ≤ P(V) when V ⊆ U (marginals)."""
    items = [(p, c) for p, c in pool.items() if not _cond(p)]
    for (p, c1) in items:
        for (q, c2) in items:
            if p == q or not _compatible(c1, c2):
                continue
            ctx = c1 | c2
            if pool.oracle.subset(q.target, p.target, ctx):
                pool.add_law(Law("a marginal is at least the joint", "calc", ctx_hyps(ctx), p, q, "<="))


def gen_product_rule(pool: Pool, source="product rule"):
    """P(ST | U) = P(S | TU) P(T | U) where P(U) > 0 (true where P(TU) = 0: both sides are 0).
    Instances: from a pair P(S | W), P(T | U) with W = T ∪ U (creating P(ST | U)); and from a pair
    P(R | U), P(S | W) with U ⊆ W, S ⊆ R, W = U ∪ (R ∖ S) (creating P(R ∖ S | U))."""
    o = pool.oracle
    items = pool.items()
    for (a, c1) in items:
        for (b, c2) in items:
            if a == b or not _compatible(c1, c2):
                continue
            ctx = c1 | c2
            S, W, T, U = a.target, a.given, b.target, b.given
            # pattern 1: a = P(S | TU), b = P(T | U)
            if (W.scalars >= T.scalars | U.scalars and o.disjoint(T, U, ctx) and o.equal(W, T | U, ctx)
                    and o.disjoint(S, W, ctx)):
                st = pool.add_prob(P(o.simplify(S | T, ctx), U), ctx)
                pool.add_law(Law("product rule", source, ctx_hyps(ctx) + ((Pos(U),) if _cond(st) else ()),
                                 st, mul(a, b)))
            # pattern 2: b = P(S | W) is part of a = P(R | U) (R = T here): P(R|U) = P(S|W) P(R∖S|U)
            R = T
            S2, W2, U2 = a.target, a.given, U
            if (S2.scalars <= R.scalars and U2.scalars <= W2.scalars and W2.scalars <= (U2 | R).scalars
                    and o.subset(U2, W2, ctx) and o.subset(S2, R, ctx)):
                rest = _without(o, R, S2, ctx)
                if rest.is_empty_syntactically() or not o.equal(W2, U2 | rest, ctx) or not o.disjoint(S2, W2, ctx):
                    continue
                r = pool.add_prob(P(rest, U2), ctx)
                pool.add_law(Law("product rule", source, ctx_hyps(ctx) + ((Pos(U2),) if _cond(b) else ()),
                                 b, mul(a, r)))


def gen_marginalisation(pool: Pool, source="marginalisation"):
    """Σ_V P(S | T) = P(S ∖ V | T) where P(T) > 0, for V ⊆ S (summing a variable out)."""
    for s, ctx in list(pool.sums.items()):
        body = s.body
        if not isinstance(body, Prob):
            continue
        V = s.over
        if not V.scalars <= body.target.scalars or V.scalars & body.given.scalars:
            continue
        rest = P(body.target - V, body.given)
        rest = pool.add_prob(rest, ctx)
        hyps = ctx_hyps(ctx) + ((Pos(body.given),) if _cond(body) else ())
        pool.add_law(Law("marginalisation", source, hyps, s, rest))


def _index_terms(s: VarSet) -> list:
    out = []
    for _, e in s.fams:
        stack = [e]
        while stack:
            x = stack.pop()
            if isinstance(x, ISingle):
                out.append(x.term)
            elif isinstance(x, IDiff):
                stack += [x.left, x.right]
            elif isinstance(x, IUnion):
                stack += list(x.parts)
    return list(dict.fromkeys(out))


def gen_ci(pool: Pool, ci, source: str, binder=None):
    """From (X ⊥ Y | Z): P(S | W) = P(S | W ∖ Y) where P(W) > 0, when S ⊆ X, Z ⊆ W ⊆ XYZ and S ∩ W = ∅
    (decomposition and weak union give (S ⊥ W ∩ Y | W ∖ Y)); likewise with X and Y swapped; and
    P(XYZ) P(Z) = P(XZ) P(YZ) (the definition of (X ⊥ Y | Z)). For a schema ∀i ∈ D: (…), the
    instance at each index term of S, guarded by 'term ∈ D'."""
    from ..statements import instantiate_ci
    o = pool.oracle
    if binder is None:
        insts = [(ci, frozenset())]
    else:
        insts = None
    if binder is None and not ci.dsep:
        X, Y, Z = ci.x, ci.y, ci.z
        a, b = pool.add_prob(P(X | Y | Z)), pool.add_prob(P(Z)) if not Z.is_empty_syntactically() else ONE
        c, d = pool.add_prob(P(X | Z)), pool.add_prob(P(Y | Z))
        pool.add_law(Law("definition of conditional independence", source, (), mul(a, b), mul(c, d)))
    for p, ctx in pool.items():
        if not _cond(p):
            continue
        if binder is not None:
            insts = []
            for t in _index_terms(p.target):
                insts.append((instantiate_ci(ci, {}, {binder.name: t}), frozenset({(t, binder.domain)})))
        for c, bctx in insts:
            ctx2 = ctx | bctx
            for X, Y in ((c.x, c.y), (c.y, c.x)):
                S, W = p.target, p.given
                if not S.scalars <= X.scalars or not c.z.scalars <= W.scalars:
                    continue
                if not (o.subset(S, X, ctx2) and o.subset(c.z, W, ctx2) and o.subset(W, X | Y | c.z, ctx2)
                        and o.disjoint(S, W, ctx2)):
                    continue
                W2 = _without(o, W, Y, ctx2)
                if o.equal(W2, W, ctx2):
                    continue
                q = pool.add_prob(P(S, W2), ctx2)
                pool.add_law(Law("conditional independence", source, ctx_hyps(ctx2) + (Pos(W),), p, q))


def gen_determinism(pool: Pool, det, source: str):
    """From 'L determines B' (B = f(L) almost surely): where P(W) > 0 and L ⊆ W,
    P(S | W) = P(S | W ∖ B) (conditioning on B adds nothing once L is known) and, for S ⊆ B,
    P(S | W) = P(S | L) ∈ {0, 1}. For a joint P(W) with L ⊆ W it introduces P(W ∩ B | W ∖ B)."""
    o = pool.oracle
    L, B = det.source, det.target
    for p, ctx in pool.items():
        W = p.given if _cond(p) else None
        h = ctx_hyps(ctx)
        if W is None:
            if L.scalars <= p.target.scalars and o.subset(L, p.target, ctx):
                inter = _parts_within(o, p.target, B, ctx)
                if inter.fams or inter.scalars:
                    pool.add_prob(P(inter, _without(o, p.target, inter, ctx)), ctx)
            continue
        if not L.scalars <= W.scalars or not o.subset(L, W, ctx) or not o.disjoint(L, B, ctx):
            continue
        W2 = _without(o, W, _parts_within(o, W, B, ctx), ctx)
        if not o.equal(W2, W, ctx):
            q = pool.add_prob(P(p.target, W2), ctx)
            pool.add_law(Law("determinism: conditioning on determined variables", source, h + (Pos(W),), p, q))
        if o.subset(p.target, B, ctx):
            q = pool.add_prob(P(p.target, L), ctx)
            if q != p:
                pool.add_law(Law("determinism: a determined event is sure or null", source, h + (Pos(W),), p, q))
            pool.add_law(Law("determinism: a determined event is sure or null", source, h + (Pos(L),), q, None, "01"))


def gen_equation(pool: Pool, eq, source: str, guard_sets):
    """A proved equation, at the current ω (it holds at every ω where it is defined)."""
    pool.collect(eq.lhs)
    pool.collect(eq.rhs)
    pool.add_law(Law("earlier equation", source, tuple(Pos(g) for g in guard_sets), eq.lhs, eq.rhs))


# ---------------------------------------------------------------------------------------------
# z3 encoding


_REC_COUNT = 0


class Encoder:
    def __init__(self, decl: IndexDecl):
        self.decl = decl
        self.Val = z3.DeclareSort("Val")
        self.omega: dict[str, z3.ExprRef] = {}
        for f in sorted(decl.base_families):
            self.omega["F:" + f] = z3.Const("w_" + f, z3.ArraySort(z3.IntSort(), self.Val))
        for v in sorted(decl.scalar_names):
            self.omega["v:" + v] = z3.Const("w_" + v, self.Val)
        self.omega_list = list(self.omega.values())
        self.funcs: dict = {}
        self.names: dict[str, str] = {}    # z3 symbol -> printed term
        self.itconsts: dict[str, z3.ArithRef] = {}
        self.bounds: dict[str, z3.ArithRef] = {}
        self.preds: dict[str, z3.FuncDeclRef] = {}

    # -- index level
    def bound(self, rng: str):
        sym = self.decl.ranges.get(rng, "n")
        if sym not in self.bounds:
            self.bounds[sym] = z3.Int(sym)
        return self.bounds[sym]

    def iterm(self, t):
        if isinstance(t, int):
            return z3.IntVal(t)
        name, off = term_parts(t)
        rng = next((r for r, sym in self.decl.ranges.items() if sym == name), None)
        if rng is not None:          # the range's bound n itself
            return self.bound(rng) + off if off else self.bound(rng)
        if name not in self.itconsts:
            self.itconsts[name] = z3.Int("i_" + re.sub(r"[^A-Za-z0-9_]", "_", name) + ("_%d" % len(self.itconsts)))
        c = self.itconsts[name]
        return c + off if off else c

    def pred(self, name):
        if name not in self.preds:
            self.preds[name] = z3.Function("S_" + re.sub(r"[^A-Za-z0-9_]", "_", name), z3.IntSort(), z3.BoolSort())
        return self.preds[name]

    def range_of(self, e: IndexExpr) -> str:
        if isinstance(e, IFull):
            return e.range_name
        if isinstance(e, IName):
            return e.name if e.name in self.decl.ranges else self.decl.subsets.get(e.name, self._first_range())
        if isinstance(e, IDiff):
            return self.range_of(e.left)
        if isinstance(e, IUnion):
            return self.range_of(e.parts[0])
        return self._first_range()

    def _first_range(self):
        return next(iter(self.decl.ranges), "I")

    def in_range(self, t, rng):
        return z3.And(t >= 1, t <= self.bound(rng))

    def mem(self, e: IndexExpr, t, rng: str | None = None):
        rng = rng or self.range_of(e)
        if isinstance(e, IFull):
            return self.in_range(t, e.range_name)
        if isinstance(e, IName):
            if e.name in self.decl.ranges:
                return self.in_range(t, e.name)
            return z3.And(self.pred(e.name)(t), self.in_range(t, self.decl.subsets.get(e.name, rng)))
        if isinstance(e, ISingle):
            return z3.And(t == self.iterm(e.term), self.in_range(t, rng))
        if isinstance(e, IUpTo):
            return z3.And(t <= self.iterm(e.term), self.in_range(t, rng))
        if isinstance(e, IDiff):
            return z3.And(self.mem(e.left, t, rng), z3.Not(self.mem(e.right, t, rng)))
        if isinstance(e, IUnion):
            return z3.Or([self.mem(p, t, rng) for p in e.parts])
        return z3.BoolVal(False)

    def declaration_axioms(self) -> list:
        """n ≥ 1; declared subsets lie in their range; partitions; γ ⊆ D; arbitrary j ∈ D."""
        d, i = self.decl, z3.Int("idx")
        out = [self.bound(r) >= 1 for r in d.ranges]
        for name, rng in d.subsets.items():
            out.append(z3.ForAll([i], z3.Implies(self.pred(name)(i), self.in_range(i, rng))))
        for whole, parts in d.partitions:
            inside = self.mem(IName(whole) if whole not in d.ranges else IFull(whole), i)
            members = [self.mem(IName(p), i) for p in parts]
            body = [inside == z3.Or(members)]
            for a in range(len(members)):
                for b in range(a + 1, len(members)):
                    body.append(z3.Not(z3.And(members[a], members[b])))
            out.append(z3.ForAll([i], z3.And(body)))
        for name, dom in d.subset_of:
            out.append(z3.ForAll([i], z3.Implies(self.mem(IName(name), i), self.mem(dom, i))))
        for v, e in d.index_vars.items():
            if term_parts(v)[0] in self.itconsts:
                out.append(self.mem(e, self.iterm(v)))
        return out

    # -- terms
    def _abstract(self, t: Term):
        """t with its index terms replaced by placeholders (and bound names canonical), and the
        index terms in order: the key of its z3 function and the arguments."""
        args: list = []

        def it(term):
            if isinstance(term, str) and term.startswith("@"):
                return term          # a bound name: part of the key, with its offset
            if term not in args:
                args.append(term)
            return "#%d" % args.index(term)

        def ie(e):
            if isinstance(e, ISingle):
                return ISingle(it(e.term))
            if isinstance(e, IUpTo):
                return IUpTo(it(e.term))
            if isinstance(e, IDiff):
                return IDiff(ie(e.left), ie(e.right))
            if isinstance(e, IUnion):
                return IUnion(tuple(ie(p) for p in e.parts))
            return e

        def vs(s: VarSet):   # sorted: the key must not depend on a frozenset's iteration order
            return (tuple(sorted(s.scalars)), tuple((f, ie(e)) for f, e in s.fams))

        depth = [0]

        def walk(x):
            if isinstance(x, Prob):
                return ("P", vs(x.target), vs(x.given))
            if isinstance(x, Sum):
                return ("S", tuple(sorted(x.over.scalars)), walk(x.body))
            if isinstance(x, Prod):
                depth[0] += 1
                name = "@%d" % depth[0]
                body = subst_term(x.body, {x.var: name})
                r = ("R", ie(x.domain), walk(body))
                depth[0] -= 1
                return r
            if isinstance(x, Mul):
                return ("M",) + tuple(walk(f) for f in x.factors)
            if isinstance(x, Add):
                return ("A",) + tuple(walk(f) for f in x.terms)
            return ("C", x.value)
        key = walk(t)
        return repr(key), args

    def _func(self, kind: str, key: str, nargs: int, label: str):
        k = (kind, key)
        if k not in self.funcs:
            sym = "%s%d" % (kind, len(self.funcs))
            sig = [z3.IntSort()] * nargs + [o.sort() for o in self.omega_list] + [z3.RealSort()]
            self.funcs[k] = z3.Function(sym, *sig)
            self.names[sym] = label
        return self.funcs[k]

    def term(self, t: Term):
        from ..probability.terms import term_text
        if isinstance(t, Const):
            return z3.RealVal(str(t.value))
        if isinstance(t, Mul):
            out = z3.RealVal(1)
            for f in t.factors:
                out = out * self.term(f)
            return out
        if isinstance(t, Add):
            return z3.Sum([self.term(f) for f in t.terms])
        if isinstance(t, Prob):
            t = Prob(t.target, t.given)
            if t.target.is_empty_syntactically() and t.given.is_empty_syntactically():
                return z3.RealVal(1)     # P(∅) = 1; P(∅ | T) = 1 only where P(T) > 0 (a law)
        key, args = self._abstract(t)
        # index terms of a bound variable inside a ∏ body are placeholders (@k): not arguments here
        zargs = [self.iterm(a) for a in args]
        if isinstance(t, (Prob, Sum)):
            f = self._func("p" if isinstance(t, Prob) else "s", key, len(args), term_text(t, self.decl))
            return f(*(zargs + self.omega_list))
        return self._prod(t, key, args)(*([z3.IntVal(0)] + zargs + self.omega_list))

    def _prod(self, t: Prod, key: str, args):
        """∏_{j ∈ D, j > k} body as a recursive function of k (well founded: n − k decreases)."""
        from ..probability.terms import term_text
        k = ("r", key)
        if k in self.funcs:
            return self.funcs[k]
        global _REC_COUNT
        _REC_COUNT += 1
        sym = "r%d_%d" % (len(self.funcs), _REC_COUNT)   # z3 keeps recursive definitions globally
        sig = [z3.IntSort()] * (1 + len(args)) + [o.sort() for o in self.omega_list] + [z3.RealSort()]
        f = z3.RecFunction(sym, *sig)
        self.funcs[k] = f
        self.names[sym] = term_text(t, self.decl)
        kk = z3.Int(sym + "_k")
        pargs = [z3.Int("%s_a%d" % (sym, i)) for i in range(len(args))]
        pomega = [z3.Const("%s_w%d" % (sym, i), o.sort()) for i, o in enumerate(self.omega_list)]
        hole = "__hole%d" % len(self.funcs)
        body = self.term(subst_term(t.body, {t.var: hole}))
        dom = self.mem(t.domain, self.iterm(hole))
        subs = [(self.iterm(hole), kk + 1)] + [(self.iterm(a), p) for a, p in zip(args, pargs)] + \
            list(zip(self.omega_list, pomega))
        body = z3.substitute(body, *subs)
        dom = z3.substitute(dom, *subs)
        hi = self.bound(self.range_of(t.domain))
        z3.RecAddDefinition(f, [kk] + pargs + pomega,
                            z3.If(kk >= hi, z3.RealVal(1), z3.If(dom, body, z3.RealVal(1)) * f(*([kk + 1] + pargs + pomega))))
        return f

    def prod_at(self, t: Prod, k):
        """∏_{j ∈ D, j > k} body for a z3 integer k."""
        key, args = self._abstract(t)
        return self._prod(t, key, args)(*([k] + [self.iterm(a) for a in args] + self.omega_list))

    def cond(self, c):
        if isinstance(c, Pos):
            if c.s.is_empty_syntactically():
                return z3.BoolVal(True)
            return self.term(Prob(c.s)) > 0
        if isinstance(c, Mem):
            m = self.mem(c.domain, self.iterm(c.term))
            return z3.Not(m) if c.negated else m
        if isinstance(c, NonZero):
            return self.term(c.t) != 0
        return c   # already a z3 formula

    def law(self, law: Law):
        lhs = self.term(law.lhs)
        if law.rel == "range":
            concl = z3.And(lhs >= 0, lhs <= 1)
        elif law.rel == "01":
            concl = z3.Or(lhs == 0, lhs == 1)
        elif law.rel == "<=":
            concl = lhs <= self.term(law.rhs)
        else:
            concl = lhs == self.term(law.rhs)
        hyps = [self.cond(h) for h in law.hyps]
        return z3.Implies(z3.And(hyps), concl) if hyps else concl
