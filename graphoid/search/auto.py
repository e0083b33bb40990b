"""`by auto` in scripts: proof search proposes a derivation from the cited facts, and the kernel
re-checks every step of it before the claim becomes a fact."""
from __future__ import annotations

from ..kernel import RuleError
from ..statements import CI, statement_text


def _axioms_for(facts, claim: CI) -> str:
    # Only the axioms valid in the semantics at hand: d-separation is a graphoid (intersection
    # holds); probabilistic facts get intersection only if they are already about positive
    # distributions, so auto never widens the class of models silently.
    if claim.dsep:
        return "graphoid"
    if facts and all(f.semantics.positive for f in facts):
        return "graphoid"
    return "semigraphoid"


def auto_rule(checker, item, claim, refs):
    from . import decide
    from .replay import replay
    if not isinstance(claim, CI) or not claim.concrete:
        raise RuleError("auto: the claim must be a c.i. statement over declared variables (no families)")
    if refs:
        facts = [checker.lookup(a) for a in refs]
    else:   # no premises cited: every earlier fact of the same kind
        facts = [f for f in checker.facts.values()
                 if isinstance(f.statement, CI) and f.statement.concrete and f.statement.dsep == claim.dsep
                 and (not claim.dsep or f.statement.graph == claim.graph) and not f.open_cases]
    bad = [f for f in facts if not isinstance(f.statement, CI) or not f.statement.concrete]
    if bad:
        raise RuleError("auto: premise %s is not a concrete c.i. statement" % statement_text(bad[0].statement))
    if len(facts) > 40:
        raise RuleError("auto: %d premises is more than proof search takes (40); cite the ones needed" % len(facts))
    def trivial(c: CI) -> bool:
        return not c.x.scalars or not c.y.scalars
    if trivial(claim):
        raise RuleError("auto: both sides of the claim must be nonempty (a statement with an empty side "
                        "holds trivially and needs no proof)")
    for c in [claim] + [f.statement for f in facts]:
        x, y, z = c.triple()
        if x & y or x & z or y & z:
            raise RuleError("auto: the sets of %s must be disjoint" % statement_text(c))
    # statements with an empty side hold in every model and cannot help a derivation
    facts = [f for f in facts if not trivial(f.statement)]
    axioms = _axioms_for(facts, claim)
    if item.check and item.check[0] == "option":    # by auto[graphoid]: the user's choice; the kernel's
        from .closure import AXIOMS                 # replay marks what the rules used need (positivity, Gaussian)
        axioms = item.check[1]
        if axioms not in AXIOMS:
            raise RuleError("auto: unknown axiom system %r; choose one of %s" % (axioms, ", ".join(AXIOMS)))
    res = decide([f.statement.triple() for f in facts], claim.triple(), axioms=axioms, budget_s=10.0)
    if res.status == "refuted":
        raise RuleError("auto: the claim does not follow from %s under the %s axioms; counter-model:\n%s"
                        % (", ".join("(%s)" % checker._label_of(f) for f in facts) or "no premises",
                           axioms, res.counter_model_text()))
    if res.status != "proved":
        raise RuleError("auto: proof search gave up (%s); the step is not verified" % (res.reason or "budget"))
    fact = replay(checker.kernel, facts, res.derivation, claim)
    checker.expansions[item.label] = res.derivation_text()
    return fact
