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
