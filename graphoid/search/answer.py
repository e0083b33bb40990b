"""How a `prove` answer is shown: structured JSON for counter-models (statements, the DAG's
edges, the distribution's table), a LaTeX document for a refutation too, and a summary instead of
a huge probability table when a DAG witness was already shown (`--table` prints it)."""
from __future__ import annotations

TABLE_ROWS = 32      # larger distribution tables are summarised unless --table


def _names(s) -> list[str]:
    return sorted(s)


def counter_model_json(res) -> dict:
    st = res.structure or frozenset()
    out = {"axioms": res.axioms,
           "meaning": "a %s structure (closed under the %s axioms) containing every premise and not the goal"
                      % (res.axioms, res.axioms),
           "statements": [{"x": _names(x), "y": _names(y), "z": _names(K)}
                          for x, y, K in sorted(st, key=lambda t: (sorted(t[0] | t[1]), len(t[2]), sorted(t[2])))],
           "missing_goal_components": [{"x": _names(x), "y": _names(y), "z": _names(K)} for x, y, K in res.missing]}
    return out


def dag_json(g) -> dict:
    return {"nodes": sorted(str(v) for v in g.nodes), "edges": sorted([str(u), str(v)] for u, v in g.edges),
            "meaning": "a DAG whose d-separations include the premises and not the goal (checked)"}


def distribution_json(d) -> dict:
    return {"variables": list(d.variables),
            "table": [{"values": list(k), "p": str(p)} for k, p in sorted(d.table.items())],
            "meaning": "an exact distribution (rational probabilities) in which the premises hold and the goal fails (checked)"}


def refuted_meaning(res) -> str:
    if res.dist_witness is not None:
        return "not valid: a distribution satisfies the premises and violates the goal"
    if res.dag_witness is not None:
        return "not valid for d-separation (a DAG satisfies the premises, not the goal); not derivable with the %s axioms" % res.axioms
    return "not derivable with the %s axioms (no concrete distribution or DAG was found)" % res.axioms


def table_summary(d) -> str:
    rows = len(d.table)
    return ("distribution witness (exact rationals; premises hold, goal fails; checked): %d variables, %d rows "
            "with positive probability; --table prints it" % (len(d.variables), rows))


def show_table(d, dag_shown: bool, want_table: bool) -> bool:
    return want_table or not dag_shown or len(d.table) <= TABLE_ROWS


def refutation_document(query: str, premises, goal, res) -> str:
    """A LaTeX document for a refuted query: premises, goal, the closed structure, the DAG witness
    and the distribution (a table), each marked with what was checked."""
    from ..export.latex import INDEP, PREAMBLE, ci_latex, name_math, tex_text

    def trip(x, y, K):
        s = lambda v: r"\mathbf{%s}" % "".join(name_math(n) for n in sorted(v)) if v else r"\emptyset"
        return r"(%s %s %s \mid %s)" % (s(x), INDEP, s(y), s(K))
    out = [PREAMBLE, r"\begin{document}", r"\section*{Refuted: %s}" % tex_text(query), ""]
    out.append(r"\noindent\textbf{Refuted} under the %s axioms: %s." % (tex_text(res.axioms), tex_text(refuted_meaning(res))))
    out.append("")
    out.append(r"\noindent Premises: %s. Goal: $%s$." % (", ".join("$%s$" % ci_latex(p) for p in premises) or "none",
                                                          ci_latex(goal)))
    out.append("")
    st = sorted(res.structure or (), key=lambda t: (sorted(t[0] | t[1]), len(t[2]), sorted(t[2])))
    out.append(r"\subsection*{Closed structure (%d elementary statements)}" % len(st))
    if st:
        out.append(r"\begin{gather*}")
        out.append(r" \\ ".join(trip(*t) for t in st))
        out.append(r"\end{gather*}")
    if res.missing:
        out.append(r"\noindent Missing goal component: $%s$." % trip(*res.missing[0]))
        out.append("")
    if res.dag_witness is not None:
        es = ", ".join(r"%s \to %s" % (name_math(str(u), True), name_math(str(v), True)) for u, v in sorted(res.dag_witness.edges))
        out.append(r"\subsection*{DAG witness (checked)}")
        out.append(r"\noindent $%s$" % (es or r"\text{no edges}"))
        out.append("")
    d = res.dist_witness
    if d is not None:
        out.append(r"\subsection*{Distribution witness (exact; checked)}")
        out.append(r"\begin{tabular}{%s|r}" % ("c" * len(d.variables)))
        out.append(" & ".join("$%s$" % name_math(v, True) for v in d.variables) + r" & $P$ \\ \hline")
        for k, p in sorted(d.table.items()):
            out.append(" & ".join(str(v) for v in k) + r" & $%s$ \\" % (r"\frac{%d}{%d}" % (p.numerator, p.denominator)
                                                                       if p.denominator != 1 else str(p.numerator)))
        out.append(r"\end{tabular}")
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"
