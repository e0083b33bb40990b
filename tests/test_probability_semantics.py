"""The laws the kernel's probability rules generate are true in every finite discrete distribution.

Every law instance generated while checking the shipped proofs (kernel/prob_encoding.py) is
evaluated exactly in random concrete instances (n = 2, random index subsets, every value of the
index terms) and random exact-rational structural models, at every joint value ω, with arbitrary
values (a function of the sets and of ω) for conditionals whose conditioning event is null. Wrong
laws (a c.i. substitution or product rule without its positivity guard, determinism read as
conditioning on nothing) are caught by the same evaluation."""
import hashlib
import os
import random
from dataclasses import replace
from fractions import Fraction

import pytest

import graphoid.kernel.prob_encoding as pe
from graphoid.probability.countermodels import _instances, _random_model, _variables
from graphoid.probability.evaluate import Instance
from graphoid.script import check_file
from graphoid.sets import term_parts

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROOFS = ["theorem1.gph", "bell_local.gph", "markov_factorisation.gph"]


def _collect():
    laws = []
    orig = pe.Pool.add_law

    def add_law(self, law):
        laws.append((law, self.oracle.decl))
        return orig(self, law)
    pe.Pool.add_law = add_law
    envs = {}
    try:
        for name in PROOFS:
            rep = check_file(os.path.join(ROOT, "proofs", name))
            assert rep.ok, name
            envs[id(rep.env.decl)] = rep.env
    finally:
        pe.Pool.add_law = orig
    return laws, envs


LAWS, ENVS = _collect()


def junk(seed):
    def j(S, T, omega):
        key = repr((seed, S, T, sorted((v, omega[v]) for v in set(S) | set(T))))
        return Fraction(int(hashlib.sha256(key.encode()).hexdigest()[:4], 16) % 7, 6)
    return j


def _terms(law):
    out = set()

    def walk_set(s):
        from graphoid.sets import IDiff, ISingle, IUnion, IUpTo
        for _, e in s.fams:
            stack = [e]
            while stack:
                x = stack.pop()
                if isinstance(x, (ISingle, IUpTo)) and isinstance(x.term, str):
                    out.add(term_parts(x.term)[0])
                elif isinstance(x, IDiff):
                    stack += [x.left, x.right]
                elif isinstance(x, IUnion):
                    stack += list(x.parts)

    def walk(t):
        from graphoid.probability.terms import Add, Mul, Prob, Prod, Sum
        if isinstance(t, Prob):
            walk_set(t.target)
            walk_set(t.given)
        elif isinstance(t, (Sum, Prod)):
            walk(t.body)
            if isinstance(t, Prod):
                out.discard(t.var)
        elif isinstance(t, (Mul, Add)):
            for f in (t.factors if isinstance(t, Mul) else t.terms):
                walk(f)
    walk(law.lhs)
    if law.rhs is not None:
        walk(law.rhs)
    for h in law.hyps:
        if isinstance(h, pe.Pos):
            walk_set(h.s)
        elif isinstance(h, pe.Mem) and isinstance(h.term, str):
            out.add(term_parts(h.term)[0])
        elif isinstance(h, pe.NonZero):
            walk(h.t)
    return sorted(out)


def law_holds(inst: Instance, law) -> bool:
    """Does the law hold at every ω and every value of its index terms (in 0..n+1)?"""
    from itertools import product as cartesian
    names = [t for t in _terms(law) if t is not None and t not in inst.decl.index_vars
             and t not in inst.decl.ranges.values()]
    for vals in cartesian(range(0, inst.n + 2), repeat=len(names)):
        inst.ivals.update(dict(zip(names, vals)))
        for om in inst.assignments():
            ok = True
            for h in law.hyps:
                if isinstance(h, pe.Pos):
                    ok = inst.prob(inst.names(h.s), om) > 0
                elif isinstance(h, pe.Mem):
                    ok = (inst.tval(h.term) in inst.iset(h.domain)) != h.negated
                elif isinstance(h, pe.NonZero):
                    ok = inst.value(h.t, om) != 0
                if not ok:
                    break
            if not ok:
                continue
            a = inst.value(law.lhs, om)
            if law.rel == "range":
                good = 0 <= a <= 1
            elif law.rel == "01":
                good = a in (0, 1)
            elif law.rel == "<=":
                good = a <= inst.value(law.rhs, om)
            else:
                good = a == inst.value(law.rhs, om)
            if not good:
                return False
    return True


def instances(decl, env, count, seed):
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        n = 2
        subs = _instances(decl, rng, n)
        inst = Instance(n, subs, {}, decl, junk=junk(len(out)))
        ok = True
        for v, dom in decl.index_vars.items():
            ch = sorted(inst.iset(dom))
            if not ch:
                ok = False
                break
            inst.ivals[v] = rng.choice(ch)
        if not ok:
            continue
        variables = _variables(env, decl, n)
        inst.variables = tuple(variables)
        inst.table, _ = _random_model(rng, variables)
        out.append(inst)
    return out


def _distinct_laws():
    seen, out = set(), []
    for law, decl in LAWS:
        key = (repr(law), id(decl))
        if key not in seen:
            seen.add(key)
            out.append((law, decl))
    return out


def _premise_statement(law):
    return None


def test_every_generated_law_holds_in_random_distributions():
    laws = _distinct_laws()
    assert len(laws) > 100
    kinds = {law.name for law, _ in laws}
    for k in ("definition of conditional probability", "product rule", "marginalisation", "equal sets",
              "chain rule step: product rule at k+1", "a marginal is at least the joint"):
        assert k in kinds, k
    by_decl: dict = {}
    for law, decl in laws:
        by_decl.setdefault(id(decl), (decl, []))[1].append(law)
    checked = 0
    for did, (decl, group) in by_decl.items():
        env = ENVS[did]
        group = random.Random(1).sample(group, min(len(group), 250))
        for inst in instances(decl, env, 2, seed=did % 1000):
            for law in group:
                if law.source != "calc":
                    continue    # premise laws hold where their premise holds (next test); the
                                # conclusion of an induction is what its base and step proved
                assert law_holds(inst, law), (law.name, law)
                checked += 1
    assert checked > 200


def test_premise_laws_hold_where_the_premise_holds():
    """A law from a premise (c.i., determinism, an earlier equation) holds in every distribution in
    which that premise holds; distributions are searched until the premise holds."""
    from graphoid.syntax.resolve import Env
    laws = [(l, d) for l, d in _distinct_laws() if l.source not in ("calc", "induction")]
    assert {l.name for l, _ in laws} >= {"conditional independence", "determinism: conditioning on determined variables",
                                         "determinism: a determined event is sure or null", "earlier equation"}
    facts = {}
    for did, env in ENVS.items():
        pass
    tested = 0
    rng = random.Random(5)
    for law, decl in random.Random(2).sample(laws, min(len(laws), 120)):
        env = ENVS[id(decl)]
        prem = _premise_of(env, law.source)
        if prem is None:
            continue
        found = 0
        for inst in instances(decl, env, 40, seed=rng.randrange(10 ** 6)):
            if inst.holds(prem):
                assert law_holds(inst, law), (law.name, law.source)
                found += 1
                if found >= 2:
                    break
        tested += found > 0
    assert tested > 15


_PREMISES: dict = {}


def _premise_of(env, source):
    """The statement a law's source names (premise: <text>)."""
    if not _PREMISES:
        for name in PROOFS:
            rep = check_file(os.path.join(ROOT, "proofs", name))
            from graphoid.statements import statement_text
            from graphoid.probability.terms import Equation, equation_text
            for s in rep.steps:
                if s.fact is None:
                    continue
                st = s.fact.statement
                key = ("premise: equation " + equation_text(st, rep.env.decl)) if isinstance(st, Equation) \
                    else "premise: " + statement_text(st, rep.env.decl)
                _PREMISES[(name, key)] = st
                _PREMISES.setdefault(key, st)
    return _PREMISES.get(source)


@pytest.mark.parametrize("wrong", ["unguarded c.i.", "unguarded product rule", "determinism without Λ"])
def test_wrong_laws_are_caught(wrong):
    """Variants of true laws that are false somewhere: the evaluation finds where."""
    laws = _distinct_laws()
    if wrong == "unguarded c.i.":
        cands = [(replace(l, hyps=tuple(h for h in l.hyps if not isinstance(h, pe.Pos))), d)
                 for l, d in laws if l.name == "conditional independence"]
    elif wrong == "unguarded product rule":
        cands = [(replace(l, hyps=tuple(h for h in l.hyps if not isinstance(h, pe.Pos))), d)
                 for l, d in laws if l.name == "product rule" and any(isinstance(h, pe.Pos) for h in l.hyps)]
    else:   # P(S | W) = P(S | L) read as P(S | W) = P(S): drop the conditioning on Λ
        from graphoid.probability.terms import Prob
        cands = [(replace(l, rhs=Prob(l.rhs.target)), d) for l, d in laws
                 if l.name == "determinism: a determined event is sure or null" and l.rel == "="]
    assert cands
    caught = 0
    for law, decl in cands[:6]:
        env = ENVS[id(decl)]
        prem = _premise_of(env, law.source)
        for inst in instances(decl, env, 60, seed=11):
            if prem is not None and not inst.holds(prem):
                continue
            if not law_holds(inst, law):
                caught += 1
                break
    assert caught >= 1
