"""Script steps that need more than one kernel call or a graph lookup: d-connection read off a
graph, and the derived symmetry step that lets markov / weak union / decomposition take the mirror
image of their premise. Each calls kernel rules only; nothing here mints a Fact."""
from __future__ import annotations

from .kernel import RuleError
from .statements import CI, NotCI


def d_connection_step(checker, item, claim, refs):
    if not isinstance(claim, NotCI):
        raise RuleError("d-connection proves a statement (X ⊥̸⊥ Y | Z)_d; this claim is not one")
    gname = refs[0].name if refs else claim.graph
    g = checker.env.graph(gname) if gname else None
    if g is None:
        a = refs[0] if refs else item
        raise checker.err(a.line, a.col, "unknown graph %r" % gname)
    fact = checker.kernel.d_connection(g, claim)
    ob = [o for o in fact.obligations if "active path" in o.meaning]
    if ob:
        checker.expansions[item.label] = ob[-1].meaning
    return fact


def _mirror(c: CI) -> CI:
    return CI(c.y, c.x, c.z, c.dsep, c.graph)


def with_symmetry(checker, item, rule, premise, claim, t0):
    """weak_union / decomposition / markov applied as written; if that fails and the premise or the
    claim is the mirror image of what the rule needs, the kernel's symmetry rule mints the missing
    step (recorded as its own verified step, label `L.sym` before the rule or `L.pre` for the rule's
    result before the final symmetry) and the rule is applied to it. The kernel checks every step;
    when no reading works, the error is the one for the step as written."""
    from .syntax.ast import Item
    k = checker.kernel
    apply = getattr(k, rule)
    try:
        return apply(premise, claim)
    except RuleError as first:
        if not (isinstance(premise.statement, CI) and isinstance(claim, CI)):
            raise
        attempts = ("premise", "claim", "both")
        for how in attempts:
            try:
                p = premise
                sym_p = None
                if how in ("premise", "both"):
                    sym_p = k.symmetry(premise, _mirror(premise.statement))
                    p = sym_p
                if how == "premise":
                    fact = apply(p, claim)
                    pre = None
                else:
                    pre = apply(p, _mirror(claim))
                    fact = k.symmetry(pre, claim)
            except RuleError:
                continue
            name = rule.replace("_", " ")
            if sym_p is not None:
                sub = Item("have", item.line, item.col, label="%s.sym" % item.label, rule="symmetry", text=item.text)
                checker._record(sub, sym_p, "verified", t0,
                                evidence="derived: symmetry of the premise, so that %s applies" % name)
            if pre is not None:
                sub = Item("have", item.line, item.col, label="%s.pre" % item.label, rule=rule, text=item.text)
                checker._record(sub, pre, "verified", t0,
                                evidence="derived: %s before the symmetry that gives the claim" % name)
            return fact
        raise first
