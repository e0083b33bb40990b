"""The rechecker's law checks (graphoid/recheck/probability.py, class Laws) accept only true laws.

Every law instance the certificates of the shipped proofs carry is accepted. Each is then mutated
(a positivity hypothesis dropped, a variable dropped from or added to an event or a conditioning
set, a variable moved from the conditioning set to the event, factors reordered, sides exchanged)
and given to the rechecker; every mutant it accepts is evaluated exactly in random rational
distributions (n = 2, every joint value ω, arbitrary values where a conditional is undefined),
where its premise holds, with the evaluator of tests/test_probability_semantics.py. A rechecker that
skipped a side condition would accept a false mutant and fail here (the last test shows it does)."""
import os
import pathlib
import random
import sys

import test_probability_semantics as S
from graphoid.export.certificate import report_certificate
from graphoid.recheck import probability as rp
from graphoid.recheck.checker import FileCheck, Reject
from graphoid.script import check_file

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "bench"))
from soundness_equations import law_mutants as mutants, law_of  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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


def _holds(env, law, premise, seed) -> bool | None:
    """Does the law hold in random distributions in which its premise holds? None: none found."""
    decl = env.decl
    found = 0
    for inst in S.instances(decl, env, 30, seed=seed):
        if premise is not None and not inst.holds(premise):
            continue
        if not S.law_holds(inst, law_of(law)):
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


# -- the campaign of bench/soundness_equations.py, short -------------------------------------------------
def test_equation_certificate_edits_are_rejected_or_true():
    import io
    import soundness_equations as E
    out = io.StringIO()
    st = E.campaign(16, seed=2, out=out)
    assert st["false_accepts"] == 0, out.getvalue()
    assert st["rejected"] >= 6 and st["accepted"] >= 1, st


def test_the_campaign_catches_a_rechecker_that_trusts_the_certificate(monkeypatch):
    """With a link's proofs taken on trust (no law checked, no goal proved), edited equations and
    laws are accepted, and the campaign's counter-model search finds them false."""
    import io
    import soundness_equations as E

    def trusting(self, part, hyps, goal, axioms=lambda e: []):
        rp.need(self.hints and self.hints[0].get("part") == part, "no %s proof" % part)
        self.hints.pop(0)
    monkeypatch.setattr(rp.Link, "prove", trusting)
    st = E.campaign(16, seed=3, out=io.StringIO())
    assert st["false_accepts"] >= 1, st
