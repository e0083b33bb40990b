"""Derived rules: conveniences defined OUTSIDE the trusted kernel as expansions into primitive steps.

A derived rule proposes a short derivation (rule id, premises, conclusion) from the cited facts to
the claim; the script walker replays every step through the kernel, exactly like a derivation from
proof search, so the trusted base does not grow with each convenience (HOL's derived rules,
knuckledragger's tactics). A wrong expansion can only make a step fail, never verify a false one.

To add one: write its expansion here and register a RuleSpec of kind "derived" with `expand`."""
from __future__ import annotations

from dataclasses import dataclass

from .kernel import RuleError, registry
from .kernel.registry import RuleSpec
from .statements import CI


@dataclass(frozen=True)
class Proposed:
    rule: str                 # a primitive rule id
    premises: tuple           # indices: 0..k-1 the cited facts, k.. earlier proposed steps
    conclusion: CI


def _need_ci(facts, name):
    for f in facts:
        if not isinstance(f.statement, CI):
            raise RuleError("%s: the premises must be c.i. statements" % name)
    return [f.statement for f in facts]


def expand_mixing(facts, claim: CI) -> list[Proposed]:
    """Mixing: (X ⊥ Y | Z) and (XY ⊥ W | Z) give (X ⊥ YW | Z).
    (W ⊥ XY | Z) by symmetry; (W ⊥ X | ZY) by weak union; (X ⊥ W | ZY) by symmetry; contraction."""
    a, b = _need_ci(facts, "mixing")
    if not isinstance(claim, CI):
        raise RuleError("mixing: the conclusion must be a c.i. statement")
    mk = lambda x, y, z: CI(x, y, z, claim.dsep, claim.graph)   # noqa: E731
    # a = (X ⊥ Y | Z), b = (XY ⊥ W | Z); accept the premises in either order
    if (a.x | a.y) != b.x and (b.x | b.y) == a.x:
        a, b = b, a
        order = (1, 0)
    else:
        order = (0, 1)
    X, Y, Z, W = a.x, a.y, a.z, b.y
    return [
        Proposed("symmetry", (order[1],), mk(W, b.x, Z)),
        Proposed("weak_union", (2,), mk(W, X, Z | Y)),
        Proposed("symmetry", (3,), mk(X, W, Z | Y)),
        Proposed("contraction", (order[0], 4), mk(X, Y | W, Z)),
    ]


DERIVED = {
    "mixing": expand_mixing,
}

registry.register(RuleSpec("mixing", ("mixing",), (2,), "mixing", "", "", "derived"))


def replay(kernel, facts: list, steps: list[Proposed], claim):
    """Run a proposed expansion through the kernel; the last fact must be the claim itself."""
    pool = list(facts)
    last = None
    for st in steps:
        spec = registry.RULES.get(st.rule)
        if spec is None or spec.kind != "primitive":
            raise RuleError("a derived rule proposed the non-primitive step %r" % st.rule)
        prem = [pool[k] for k in st.premises]
        if len(prem) not in spec.premises:
            raise RuleError("a derived rule proposed %s with %d premises" % (st.rule, len(prem)))
        last = getattr(kernel, spec.method)(*prem, st.conclusion)
        pool.append(last)
    if last is None or last.statement != claim:
        raise RuleError("the expansion of this derived rule does not end in the claimed statement")
    return last
