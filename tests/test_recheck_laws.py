"""The rechecker's law checks (graphoid/recheck/probability.py, class Laws) accept only true laws.

Every law instance the certificates of the shipped proofs carry is accepted. Each is then mutated
(a positivity hypothesis dropped, a variable dropped from or added to an event or a conditioning
set, a variable moved from the conditioning set to the event, factors reordered, sides exchanged)
and given to the rechecker; every mutant it accepts is evaluated exactly in random rational
distributions (n = 2, every joint value ω, arbitrary values where a conditional is undefined),
where its premise holds, with the evaluator of tests/test_probability_semantics.py. A rechecker that
skipped a side condition would accept a false mutant and fail here (the last test shows it does)."""
import copy
import os
import random
from fractions import Fraction

import pytest

import test_probability_semantics as S
import graphoid.kernel.prob_encoding as pe
from graphoid.export.certificate import report_certificate
from graphoid.probability.terms import Add, Const, Mul, Prob, Prod, Sum
from graphoid.recheck import probability as rp
from graphoid.recheck.checker import FileCheck, Reject
from graphoid.script import check_file
from graphoid.sets import IDiff, IEmpty, IFull, IName, ISingle, IUnion, IUpTo, VarSet, _mk

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# -- the certificate's JSON back to the kernel's terms, to evaluate them ---------------------------------
def _idx(e):
    (k, v), = e.items()
    return {"full": lambda: IFull(v), "name": lambda: IName(v), "single": lambda: ISingle(v), "upto": lambda: IUpTo(v),
            "diff": lambda: IDiff(_idx(v[0]), _idx(v[1])), "union": lambda: IUnion(tuple(_idx(x) for x in v)),
            "empty": lambda: IEmpty()}[k]()


def _vset(s):
    fams = {}
    for x in s:
        if isinstance(x, dict):
            e = _idx(x["index"])
            fams[x["family"]] = IUnion((fams[x["family"]], e)) if x["family"] in fams else e
    return _mk(frozenset(x for x in s if isinstance(x, str)), fams)


def _term(t):
    if "P" in t:
        return Prob(_vset(t["P"]), _vset(t["given"]), t["phenomenon"])
    if "sum" in t:
        return Sum(VarSet.of(t["sum"]), _term(t["body"]))
    if "prod" in t:
        return Prod(t["prod"], _idx(t["domain"]), _term(t["body"]))
    if "mul" in t:
        return Mul(tuple(_term(f) for f in t["mul"]))
    if "add" in t:
        return Add(tuple(_term(f) for f in t["add"]))
    return Const(Fraction(t["const"]))


def _law(j):
    hyps = tuple(pe.Pos(_vset(h["pos"])) if "pos" in h else pe.Mem(h["mem"], _idx(h["domain"]), h["neg"])
                 for h in j["hyps"])
    return pe.Law(j["law"], "test", hyps, _term(j["lhs"]), _term(j["rhs"]) if j["rhs"] is not None else None, j["rel"])


# -- the laws of the shipped proofs' certificates, with the rechecker's view of their step --------------
def _cases():
    out = []
    for name in S.PROOFS:
        rep = check_file(os.path.join(ROOT, "proofs", name))
        f = report_certificate(rep)
        fc = FileCheck(f)
        facts = {}
        for s in f["steps"]:
            fc.step(s)
        for s in rep.steps:
            if s.fact is not None:
                facts[s.label] = s.fact.statement
        for s in f["steps"]:
            if s["statement"].get("type") != "equation":
                continue
            by_label = {p: (fc.statements[p], fc.semantics[p]) for p in s["premises"]}
            for o in s["obligations"]:
                if "hints" not in o:
                    continue
                link = s["statement"]["links"][o["hints"]["link"]]
                for law in o["hints"]["laws"]:
                    out.append((rep.env, fc, by_label, link, law, facts.get(law["premise"])))
    return out


CASES = _cases()


def _probs(t, path=()):
    """Paths to the P(…) nodes of a term (top level, factors, a Σ's body)."""
    if "P" in t:
        return [path]
    if "mul" in t:
        return [p for i, f in enumerate(t["mul"]) for p in _probs(f, path + ("mul", i))]
    if "sum" in t:
        return _probs(t["body"], path + ("body",))
    return []


def _at(t, path):
    for k in path:
        t = t[k]
    return t


def mutants(law, scalars):
    out = []
    for i, h in enumerate(law["hyps"]):
        if "pos" in h:
            m = copy.deepcopy(law)
            del m["hyps"][i]
            out.append(("drop positivity", m))
    for side in ("lhs", "rhs"):
        if law[side] is None:
            continue
        for path in _probs(law[side]):
            node = _at(law[side], path)
            for part in ("P", "given"):
                for i in range(len(node[part])):
                    m = copy.deepcopy(law)
                    del _at(m[side], path)[part][i]
                    out.append(("drop from " + part, m))
            for i, x in enumerate(node["given"]):
                m = copy.deepcopy(law)
                nm = _at(m[side], path)
                nm["P"].append(nm["given"].pop(i))
                out.append(("given to event", m))
            present = {x for x in node["P"] + node["given"] if isinstance(x, str)}
            for v in sorted(scalars - present)[:2]:
                m = copy.deepcopy(law)
                _at(m[side], path)["given"].append(v)
                out.append(("add to given", m))
        if "mul" in law[side]:
            m = copy.deepcopy(law)
            m[side]["mul"].reverse()
            out.append(("reorder factors", m))
    if law["rel"] in ("=", "<="):
        m = copy.deepcopy(law)
        m["lhs"], m["rhs"] = m["rhs"], m["lhs"]
        out.append(("exchange sides", m))
    return out


def _holds(env, law, premise, seed) -> bool | None:
    """Does the law hold in random distributions in which its premise holds? None: none found."""
    decl = env.decl
    found = 0
    for inst in S.instances(decl, env, 30, seed=seed):
        if premise is not None and not inst.holds(premise):
            continue
        if not S.law_holds(inst, _law(law)):
            return False
        found += 1
        if found >= 2:
            break
    return True if found else None


def _run(cases, limit, seed):
    rng = random.Random(seed)
    accepted_false, refused, accepted_true, untested = [], 0, 0, 0
    by_name: dict = {}
    for c in cases:
        by_name.setdefault(c[4]["law"], []).append(c)
    pick = [c for name in sorted(by_name) for c in rng.sample(by_name[name], min(limit, len(by_name[name])))]
    for env, fc, by_label, link, law, premise in pick:      # up to `limit` laws of each kind
        laws = rp.Laws(fc, by_label, link)
        for why, m in mutants(law, fc.th.scalars):
            try:
                laws.check(m)
            except Reject:
                refused += 1
                continue
            if law["premise"] is not None and premise is None:
                untested += 1
                continue
            ok = _holds(env, m, premise, rng.randrange(10 ** 6))
            if ok is False:
                accepted_false.append((why, m))
            elif ok:
                accepted_true += 1
            else:
                untested += 1
    return accepted_false, refused, accepted_true, untested


def test_every_certified_law_is_accepted():
    assert len(CASES) > 300
    names = {law["law"] for *_r, law, _p in CASES}
    assert names >= {"product rule", "marginalisation", "conditional independence", "earlier equation",
                     "determinism: conditioning on determined variables", "chain rule step: product rule at k+1"}
    for env, fc, by_label, link, law, premise in CASES:
        rp.Laws(fc, by_label, link).check(law)


def test_accepted_mutants_hold_in_random_distributions():
    accepted_false, refused, accepted_true, untested = _run(CASES, 12, seed=3)
    assert not accepted_false, accepted_false[:3]
    assert refused > 300 and accepted_true > 20, (refused, accepted_true, untested)


def test_the_test_catches_a_rechecker_that_skips_positivity(monkeypatch):
    """With the positivity hypotheses no longer demanded, false mutants are accepted and found."""
    monkeypatch.setattr(rp.Laws, "pos", lambda self, s: None)
    cases = [c for c in CASES if c[4]["law"] in ("product rule", "conditional independence") and
             any("pos" in h for h in c[4]["hyps"])]
    accepted_false, *_ = _run(cases, 10, seed=4)
    assert accepted_false
    assert {why for why, _m in accepted_false} >= {"drop positivity"}
