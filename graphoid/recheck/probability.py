"""Re-checking probability equation steps (standard library and z3 only, nothing from graphoid).

What is re-checked: the step states an equation T0 = Tm whose chain T0 = T1 = … = Tm is in the
certificate as structure, with each link's rules and the premises each cites (by label); every
premise is cited by a link and is of the kind its rule needs (a probabilistic c.i. statement or
schema for ci, 'Λ determines B' for determinism, an earlier equation for substitution); every z3
query the kernel proved is in the certificate as SMT-LIB and is unsat again here, in a fresh
context, and the premises it is guarded by are no more than the step cites; the semantics is
re-derived from the premises'.

What is NOT re-derived here (docs/trust.md): that the queries are the ones the chain's terms give
(the law instances and the congruence and induction structure are the kernel's). A tampered
equation is therefore caught only when it breaks the structure or a query."""
from __future__ import annotations

import re

import z3

from .checker import Reject, need, sem

RULE_KINDS = {"product_rule": (), "marginalisation": (), "algebra": (), "ci": ("ci", "schema"),
              "determinism": ("determines",), "substitution": ("equation",),
              "chain_rule": ("ci", "schema", "determines")}


def equation(ctx, st, P):
    need(st.get("type") == "equation", "an equation step states an equation")
    chain, links = st.get("chain"), st.get("links")
    need(isinstance(chain, list) and len(chain) >= 2, "an equation step carries its chain of terms")
    need(chain[0] == st.get("lhs") and chain[-1] == st.get("rhs"), "the chain runs from the left side to the right side")
    need(isinstance(links, list) and len(links) == len(chain) - 1, "one justification per link of the chain")
    by_label = {lab: (pst, psem) for pst, psem, lab in P}
    cited = set()
    for link in links:
        need(isinstance(link, list) and link, "a link without a rule")
        for j in link:
            rule, prem = j.get("rule"), j.get("premises")
            need(rule in RULE_KINDS, "unknown equation rule %r" % (rule,))
            need(isinstance(prem, list) and all(p in by_label for p in prem), "a link cites a premise the step does not")
            need(rule not in ("ci", "determinism", "substitution") or prem, "%s cites the facts it uses" % rule)
            for p in prem:
                pst, psem = by_label[p]
                body = pst.get("body", pst) if pst.get("type") == "schema" else pst
                kind = pst.get("type")
                need(kind in RULE_KINDS[rule], "%s cannot cite (%s), a %s" % (rule, p, kind))
                if kind in ("ci", "schema", "equation"):
                    need(psem and psem.get("kind") == "prob", "(%s) is not probabilistic (apply markov first)" % p)
                    if kind != "equation":
                        need(not body.get("dsep"), "(%s) is a d-separation" % p)
                cited.add(p)
        if any(j["rule"] == "chain_rule" for j in link):
            need(len(link) == 1, "the chain rule is a link's only rule")
    need(cited == set(by_label), "the step lists premises no link cites")
    obs = ctx.current.get("obligations") or []
    queries = [o.get("query") for o in obs if o.get("method") == "z3" and o.get("query")]
    flags = set()
    for q in queries:
        sol = z3.Solver(ctx=z3.Context())
        sol.set(timeout=60000)
        sol.from_string(q)
        need(sol.check() == z3.unsat, "a z3 query of the equation is not unsat here")
        flags |= {f for f in re.findall(r"\|?premise:([A-Za-z0-9_]+)\|?", q) if f.startswith("premise_")}
    need(len(flags) <= len(cited), "the queries rest on more premises than the step cites")
    graphs = {psem["graph"] for _pst, psem, _l in P if psem and psem.get("graph")}
    need(len(graphs) <= 1, "the premises are about different graphs")
    det = any((pst.get("body", pst).get("type") == "determines") or (psem and psem.get("determinism"))
              for pst, psem, _l in P)
    return sem("prob", graphs.pop() if graphs else None,
               any(psem.get("positive") for _p, psem, _l in P if psem),
               any(psem.get("gaussian") for _p, psem, _l in P if psem), det)
