"""Induction over a symbolic integer as a kernel rule: the base case and the step are two separate
z3 validity queries, each with a timeout, and the conclusion is granted only when both are proved."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass

import z3

from ..sets import Obligation

Axioms = tuple[tuple[str, z3.BoolRef], ...]   # (premise name, formula); a name may label several


@dataclass(frozen=True)
class ValidityCheck:
    """Outcome of one z3 validity query: the obligation record and the named axioms z3 used."""
    obligation: Obligation
    core: tuple[str, ...]          # names of axioms in the unsat core (only when proved)

    @property
    def proved(self) -> bool:
        return self.obligation.result == "proved"


def prove_valid(goal: z3.BoolRef, axioms: Axioms, meaning: str, timeout_ms: int,
                rlimit: int | None = None, minimise=None) -> ValidityCheck:
    """Is `goal` valid given the named axioms?  z3 is asked for a model of axioms ∧ ¬goal:
    unsat -> 'proved' (core = axioms used), sat -> 'refuted', unknown/timeout -> 'unknown'.
    Free constants are implicitly universally quantified. rlimit (z3 resource units) gives a
    machine-independent budget besides the wall-clock timeout. `minimise` (a set of names): those
    names are dropped from the core one at a time while the query stays unsat, so the core says
    which of them matter (z3's own core.minimize was far slower on these quantified queries)."""
    solver = z3.Solver()
    solver.set(timeout=max(1, int(timeout_ms)))
    if rlimit is not None:
        solver.set("rlimit", int(rlimit))
    trackers: dict[str, z3.BoolRef] = {}
    for name, formula in axioms:
        tracker = trackers.setdefault(name, z3.Bool("premise:" + name))
        solver.add(z3.Implies(tracker, formula))
    solver.add(z3.Not(goal))
    start = time.perf_counter()
    answer, why = _check(solver, list(trackers.values()))
    core: list[str] = []
    if answer == z3.unsat:
        names = {str(t) for t in solver.unsat_core()}
        core = [n for n in trackers if "premise:" + n in names]
        if minimise:
            # a trial without a needed axiom can run to the timeout, so trials get a short one
            trial_ms = min(int(timeout_ms), 1000, max(250, int(20000 * (time.perf_counter() - start))))
            solver.set(timeout=trial_ms)
            for name in [c for c in core if c in minimise]:
                trial = [trackers[c] for c in core if c != name]
                if _check(solver, trial)[0] == z3.unsat:   # sat/unknown: keep the name
                    core.remove(name)
    seconds = time.perf_counter() - start
    if answer == z3.unsat:
        # the query over just the axioms used, so that `graphoid recheck` can re-run it
        q = z3.Solver()
        q.set(timeout=max(1, int(timeout_ms)))   # never checked here; printed for `graphoid recheck`
        for name, formula in axioms:
            if name in core:
                if re.fullmatch(r"[A-Za-z0-9_]+", name):
                    # a named premise stays visible in the query (as a true flag guarding it), so a
                    # rechecker can demand that the step cites a premise of that kind
                    flag = z3.Bool("premise:" + name)
                    q.add(flag)
                    q.add(z3.Implies(flag, formula))
                else:
                    q.add(formula)
        q.add(z3.Not(goal))
        # names such as P(C|\mathbf{Z}...) are quoted symbols, where SMT-LIB forbids a backslash:
        # rename consistently (a renaming preserves satisfiability)
        text = re.sub(r"\|[^|]*\|", lambda m: m.group(0).replace("\\", "_bs_"), q.to_smt2())
        return ValidityCheck(Obligation(meaning, "proved", seconds, "z3", query=text), tuple(core))
    if answer == z3.sat:
        return ValidityCheck(Obligation(meaning, "refuted", seconds, "z3",
                                        "z3 found a model of the axioms violating it"), ())
    return ValidityCheck(Obligation(meaning, "unknown", seconds, "z3",
                                    "z3 returned unknown (%s)" % (why or "no reason given")), ())


def _check(solver: z3.Solver, assumptions: list) -> tuple:
    try:
        answer = solver.check(*assumptions)
    except z3.Z3Exception as exc:       # e.g. interrupted; never counted as a proof
        return z3.unknown, str(exc)
    return answer, (solver.reason_unknown() if answer == z3.unknown else "")


@dataclass(frozen=True)
class InductionResult:
    """Conclusion ∀k. lo ≤ k ≤ hi → φ(k) (None unless base and step are both proved)."""
    conclusion: z3.BoolRef | None
    base: Obligation
    step: Obligation
    premises_used: tuple[str, ...]
    reason: str = ""

    @property
    def proved(self) -> bool:
        return self.conclusion is not None


def _mentions(term: z3.ExprRef, const: z3.ExprRef) -> bool:
    stack, seen = [term], set()
    while stack:
        t = stack.pop()
        if t.get_id() in seen:
            continue
        seen.add(t.get_id())
        if z3.eq(t, const):
            return True
        stack.extend(t.children())
    return False


def induction(var: z3.ArithRef, phi: z3.BoolRef, lo: z3.ArithRef, hi: z3.ArithRef, axioms: Axioms,
              what: str, direction: str = "down", timeout_ms: int = 5000,
              rlimit: int | None = None, minimise=None) -> InductionResult:
    """Integer induction on `var` over [lo, hi].
    down: base φ(hi); step lo ≤ k < hi ∧ φ(k+1) ⊢ φ(k).   up: base φ(lo); step lo ≤ k < hi ∧ φ(k) ⊢ φ(k+1).
    Sound by induction on hi−k (resp. k−lo), a natural number. Other free constants of φ are
    parameters: the conclusion holds for every value of them satisfying the axioms used."""
    if not (z3.is_const(var) and var.sort() == z3.IntSort()):
        raise ValueError("induction variable must be an integer constant, got %s" % var)
    for name, formula in axioms:
        if _mentions(formula, var):
            raise ValueError("axiom %r mentions the induction variable %s" % (name, var))
    for bound in (lo, hi):
        if _mentions(bound, var):
            raise ValueError("bound %s mentions the induction variable %s" % (bound, var))
    if direction not in ("down", "up"):
        raise ValueError("direction must be 'down' or 'up'")

    def at(e):
        return z3.substitute(phi, (var, e))

    in_range = z3.And(lo <= var, var < hi)
    if direction == "down":
        base_goal, step_goal = at(hi), z3.Implies(z3.And(in_range, at(var + 1)), phi)
        base_text, step_text = "k = %s" % hi, "φ(k+1) ⊢ φ(k) for %s ≤ k < %s" % (lo, hi)
    else:
        base_goal, step_goal = at(lo), z3.Implies(z3.And(in_range, phi), at(var + 1))
        base_text, step_text = "k = %s" % lo, "φ(k) ⊢ φ(k+1) for %s ≤ k < %s" % (lo, hi)
    base = prove_valid(base_goal, axioms, "%s: base case %s" % (what, base_text), timeout_ms, rlimit, minimise)
    step = prove_valid(step_goal, axioms, "%s: induction step %s" % (what, step_text), timeout_ms, rlimit, minimise)
    used = tuple(dict.fromkeys(base.core + step.core))
    failed = [c for c in (base, step) if not c.proved]
    if failed:
        reason = "; ".join("%s is %s%s" % (c.obligation.meaning, c.obligation.result,
                                           " (" + c.obligation.detail + ")" if c.obligation.detail else "")
                           for c in failed)
        return InductionResult(None, base.obligation, step.obligation, used, reason)
    conclusion = z3.ForAll([var], z3.Implies(z3.And(lo <= var, var <= hi), phi))
    return InductionResult(conclusion, base.obligation, step.obligation, used)
