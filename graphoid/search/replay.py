"""Replays a derivation proposed by proof search through the trusted kernel, step by step.
Search proposes; only what the kernel re-checks here becomes a Fact."""
from __future__ import annotations

from ..kernel import Fact, Kernel, RuleError
from ..sets import VarSet
from ..statements import CI
from .derivation import CaseSplit, Step

from ..kernel import registry

# The rules proof search may propose (each replayed through its kernel method from the registry).
SEARCH_RULES = {"symmetry", "decomposition", "weak_union", "contraction", "intersection", "composition"}


def _ci(triple, like: CI) -> CI:
    x, y, z = triple
    return CI(VarSet.of(x), VarSet.of(y), VarSet.of(z), like.dsep, like.graph)


def replay(kernel: Kernel, premises: list[Fact], derivation: list, goal: CI) -> Fact:
    """Re-check every step with the kernel; returns the Fact for the last step, which must be the goal.
    Raises RuleError if any step is rejected (a bug in search, never a proof)."""
    # Every step is stated in the goal's kind (c.i. or d-separation, and its graph), so the kernel
    # refuses a derivation whose premises are about something else, and the result is exactly the
    # statement the line claims, never one about another graph.
    like = goal
    facts = list(premises)
    last = _run(kernel, facts, derivation, like, goal)
    if last is None:
        raise RuleError("the derivation is empty")
    s = last.statement
    if s != goal:
        raise RuleError("the derivation ends in %s, not in the goal" % (s,))
    if last.open_cases:
        raise RuleError("the derivation rests on an undischarged case")
    return last


def _run(kernel: Kernel, facts: list[Fact], items, like: CI, goal: CI) -> Fact | None:
    last = None
    for it in items:
        if isinstance(it, CaseSplit):
            i, j = it.premises
            thens, cases = [], []
            for case, branch in zip(it.cases, it.branches):
                sub = list(facts)
                c = kernel.suppose(_ci(case, like))
                sub.append(c)
                _run(kernel, sub, branch, like, goal)
                # the branch establishes the goal somewhere (often as its last step)
                end = next((f for f in reversed(sub) if (f.statement.x, f.statement.y, f.statement.z)
                            == (goal.x, goal.y, goal.z)), None)
                if end is None:
                    raise RuleError("a case of the proof by cases does not reach the goal")
                cases.append(c)
                thens.append(end)
            last = kernel.weak_transitivity_cases(facts[i], facts[j], cases[0], thens[0], cases[1], thens[1],
                                                  _ci((goal.x.scalars, goal.y.scalars, goal.z.scalars), like))
            facts.append(last)
            continue
        if not isinstance(it, Step):
            raise RuleError("unknown derivation item %r" % (it,))
        concl = _ci(it.conclusion, like)
        prem = [facts[k] for k in it.premises]
        spec = registry.lookup(it.rule)
        if spec is None or spec.kind != "primitive" or len(prem) not in spec.premises or spec.id not in SEARCH_RULES:
            raise RuleError("search proposed an unknown step %s with %d premises" % (it.rule, len(prem)))
        last = getattr(kernel, spec.method)(*prem, concl)
        facts.append(last)
    return last
