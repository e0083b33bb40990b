"""LaTeX rows for a chain of probability equations T0 = T1 = … (one row per link, with the rules
and premises it cites; the label on the last row), used by export/latex.py."""
from __future__ import annotations

from .latex import tex_text

RULE_WORDS = {"product_rule": "the definition of conditional probability", "marginalisation": "marginalisation",
              "determinism": "determinism", "chain_rule": "the chain rule (induction on the index)",
              "algebra": "algebra"}


def equation_rows(step, tags, decl, tag, lab) -> list[str]:
    from ..probability.terms import term_latex
    eq = step.fact.statement
    rows = []
    for i, (t, link) in enumerate(zip(eq.chain[1:], eq.links)):
        words = []
        for rule, idx in link:
            refs = [tags.get(step.premises[j]) or r"\text{(%s)}" % tex_text(step.premises[j]) for j in idx]
            if rule == "ci":
                words.append(r"\text{c.i. }" + ", ".join(refs))
            elif rule == "substitution":
                words.append(r"\text{substituting }" + ", ".join(refs))
            else:
                name = RULE_WORDS.get(rule, rule)
                words.append(r"\text{%s}" % tex_text(name) + ((r"\text{ with }" + ", ".join(refs)) if refs else ""))
        just = r"\text{by }" + r"\text{; }".join(words)
        left = term_latex(eq.chain[0], decl) if i == 0 else ""
        last = i == len(eq.links) - 1
        rows.append("  %s &= %s %s \\\\\n  &\\qquad %s \\notag" % (left, term_latex(t, decl),
                                                             (tag + lab) if last else r"\notag", just))
    return rows
