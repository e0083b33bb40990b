"""Printing a decision: terminal text, the inequality in correlator and probability form, LaTeX, plots.

Correlator form (every measurement binary, labels ±1 or 0/1 read as (-1)^a): within a context c of
k measurements, P(a|c) = 2^-k Σ_{S⊆c} (∏_{m∈S} a_m) ⟨S⟩, so Σ_a f(a) P(a|c) = Σ_S ⟨S⟩ 2^-k Σ_a f(a) ∏_{m∈S} a_m.
Correlators ⟨S⟩ of the same measurements in different contexts are added up: that is exact for every
behaviour satisfying no-disturbance (where ⟨S⟩ does not depend on the context), which includes every
deterministic assignment and the behaviour itself once no-disturbance has been checked.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from .model import Scenario


@dataclass
class CorrelatorForm:
    terms: list            # [(Fraction coefficient, tuple of measurement names)]
    bound: Fraction
    value: Fraction
    uniform_value: Fraction = Fraction(0)

    def to_json(self) -> dict:
        return {"terms": [{"coefficient": str(q), "measurements": list(ms)} for q, ms in self.terms],
                "local_bound": str(self.bound), "value": str(self.value),
                "note": "⟨S⟩ = E[∏_{m∈S} a_m] with outcomes read as ±1 (0/1 as (-1)^a); equivalent to the "
                        "probability form on behaviours satisfying no-disturbance"}

    def text(self, limit: int = 200) -> str:
        return _sum_text([(q, "⟨%s⟩" % " ".join(ms)) for q, ms in self.terms], limit) + " ≤ %s" % self.bound

    def latex(self, limit: int = 400) -> list:
        return _sum_latex([(q, r"\langle %s \rangle" % r"\,".join(tex_name(m) for m in ms)) for q, ms in self.terms],
                          limit, r"\le %s" % tex_frac(self.bound))


def correlator_form(sc: Scenario, ineq):
    """The inequality over correlators, exactly (a Walsh–Hadamard transform per context, in integers)."""
    import numpy as np
    vals = sc.value_map()
    if vals is None:
        return None
    order = {m: i for i, m in enumerate(sc.measurements)}
    den = 1
    for row in ineq.coefficients.values():
        for q in row.values():
            den = den * q.denominator // math.gcd(den, q.denominator)
    d: dict = {}
    for c, row in ineq.coefficients.items():
        if not any(row.values()):
            continue
        k = len(c)
        arr = np.array([int(row.get(o, 0) * den) for o in sc.joint_outcomes(c)], dtype=object).reshape([2] * k)
        for i, m in enumerate(c):  # along axis i: [f(+) + f(-), s0 f(o0) + s1 f(o1)] (S without / with m)
            s0, s1 = (vals[m][x] for x in sc.outcomes[m])
            a0 = np.take(arr, 0, axis=i)
            a1 = np.take(arr, 1, axis=i)
            arr = np.stack([a0 + a1, s0 * a0 + s1 * a1], axis=i)
        flat = arr.reshape(-1)
        for j in np.nonzero(flat)[0]:
            bits = np.unravel_index(int(j), [2] * k)
            key = frozenset(c[i] for i in range(k) if bits[i])
            d[key] = d.get(key, Fraction(0)) + Fraction(int(flat[j]), den << k)
    const = d.pop(frozenset(), Fraction(0))
    terms = [(q, tuple(sorted(S, key=order.get))) for S, q in d.items() if q]
    terms.sort(key=lambda t: (len(t[1]), [order[m] for m in t[1]]))
    bound, value = ineq.bound - const, ineq.value - const
    den = 1
    for q in [q for q, _ in terms] + [bound, value]:
        den = den * q.denominator // math.gcd(den, q.denominator)
    g = 0
    for q, _ in terms:
        g = math.gcd(g, int(q * den))
    k = Fraction(den, g or 1)
    return CorrelatorForm([(q * k, ms) for q, ms in terms], bound * k, value * k, (ineq.uniform_value - const) * k)


def _coef_text(q, first: bool) -> str:
    sign = "-" if q < 0 else "+"
    a = abs(q)
    mag = "" if a == 1 else "%s " % a
    return ("%s%s" % ("-" if q < 0 else "", mag)) if first else " %s %s" % (sign, mag)


def _sum_text(terms, limit) -> str:
    if not terms:
        return "0"
    out = []
    for i, (q, t) in enumerate(terms[:limit]):
        out.append(_coef_text(q, i == 0) + t)
    if len(terms) > limit:
        out.append(" + … (%d more terms; --json lists them all)" % (len(terms) - limit))
    return "".join(out)


def prob_terms(ineq):
    return [(q, c, o) for c, o, q in ineq.entries()]


def probability_text(ineq, limit: int = 40) -> str:
    terms = [(q, "P(%s)" % ", ".join("%s=%s" % (m, x) for m, x in zip(c, o))) for q, c, o in prob_terms(ineq)]
    return _sum_text(terms, limit) + " ≤ %s" % ineq.bound


# ------------------------------------------------------------------------------------------- LaTeX

_TEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
                "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}"}
_GREEK = {chr(0x3b1 + i): n for i, n in enumerate(
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho varsigma sigma tau "
    "upsilon phi chi psi omega".split())}


def tex_text(s: str) -> str:
    out = []
    for ch in s:
        if ch in _TEX_SPECIAL:
            out.append(_TEX_SPECIAL[ch])
        elif ord(ch) < 128:
            out.append(ch)
        else:
            out.append("?")
    return "".join(out)


def tex_name(m: str) -> str:
    """A0 -> A_{0}; anything else as upright text."""
    mt = re.fullmatch(r"([A-Za-z]+)(\d+)", m)
    if mt:
        return "%s_{%s}" % (mt.group(1), mt.group(2))
    if re.fullmatch(r"[A-Za-z]", m):
        return m
    return r"\mathrm{%s}" % tex_text(m)


def tex_frac(q: Fraction) -> str:
    if q.denominator == 1:
        return str(q.numerator)
    return r"%s\frac{%d}{%d}" % ("-" if q < 0 else "", abs(q.numerator), q.denominator)


def _sum_latex(terms, limit, rel, per_line: int = 5) -> list:
    lines, cur = [], []
    for i, (q, t) in enumerate(terms[:limit]):
        a = abs(q)
        mag = "" if a == 1 else tex_frac(a) + r"\,"
        sign = ("-" if q < 0 else "") if i == 0 else ("- " if q < 0 else "+ ")
        cur.append(sign + mag + t)
        if len(cur) == per_line:
            lines.append(" ".join(cur))
            cur = []
    if len(terms) > limit:
        cur.append(r"+ \dots")
    if cur:
        lines.append(" ".join(cur))
    if not lines:
        lines = ["0"]
    lines[-1] += " " + rel
    return lines


def prob_latex(sc, ineq, limit: int = 400) -> list:
    terms = [(q, r"P(%s)" % ",".join(r"%s{=}\text{%s}" % (tex_name(m), tex_text(x)) for m, x in zip(c, o)))
             for q, c, o in prob_terms(ineq)]
    return _sum_latex(terms, limit, r"\le %s" % tex_frac(ineq.bound), per_line=3)


def latex_document(res) -> str:
    b = res.behaviour
    sc = b.scenario
    L = [r"\documentclass{article}", r"\usepackage[utf8]{inputenc}", r"\usepackage{amsmath,amssymb}",
         r"\usepackage[margin=2cm]{geometry}", r"\allowdisplaybreaks", r"\begin{document}",
         r"\section*{Behaviour \texttt{%s}}" % tex_text(b.source),
         r"Scenario: %d measurements, %d contexts (of size %s), %d deterministic assignments." % (
             len(sc.measurements), len(sc.contexts),
             ", ".join(str(k) for k in sorted({len(c) for c in sc.contexts})), sc.n_assignments()),
         "", r"\paragraph{Answer: %s.}" % tex_text(res.answer)]
    if res.disturbance is not None:
        d = res.disturbance
        eq = ",".join(r"%s{=}\text{%s}" % (tex_name(m), tex_text(x)) for m, x in zip(d.measurements, d.outcome))
        L.append(r"No-disturbance (Definition 2) fails: in context $(%s)$, $P(%s) = %s$; in context $(%s)$, "
                 r"$P(%s) = %s$." % (",".join(tex_name(m) for m in d.contexts[0]), eq, tex_frac(d.values[0]),
                                    ",".join(tex_name(m) for m in d.contexts[1]), eq, tex_frac(d.values[1])))
    if res.inequality is not None:
        i = res.inequality
        cf = correlator_form(sc, i)
        L.append(r"No-disturbance (Definition 2) holds, checked exactly. Every factorisable behaviour satisfies")
        if cf is not None:
            L.append(r"\begin{align*}")
            L.append(" \\\\\n".join("&" + line for line in cf.latex()))
            L.append(r"\end{align*}")
            L.append(r"(outcomes read as $\pm1$), which this behaviour violates with value $%s$ against the local "
                     r"bound $%s$. In probability form:" % (tex_frac(cf.value), tex_frac(cf.bound)))
        L.append(r"\begin{align*}")
        L.append(" \\\\\n".join("&" + line for line in prob_latex(sc, i)))
        L.append(r"\end{align*}")
        L.append(r"The local bound $%s$ is the exact maximum over deterministic assignments; the behaviour reaches "
                 r"$%s$, a violation of $%s$." % (tex_frac(i.bound), tex_frac(i.value), tex_frac(i.violation)))
    if res.decomposition is not None:
        d = res.decomposition
        L.append(r"No-disturbance holds. The behaviour is the mixture of deterministic assignments")
        L.append(r"\begin{center}\begin{tabular}{r l}weight & assignment \\ \hline")
        for w, a in d.terms[:200]:
            L.append(r"$%s$ & $%s$ \\" % (tex_frac(w), ",\\ ".join(r"%s{=}\text{%s}" % (tex_name(m), tex_text(x))
                                                                   for m, x in a.items())))
        if d.uniform_weight:
            L.append(r"$%s$ & spread evenly over all %d assignments \\" % (tex_frac(d.uniform_weight),
                                                                           sc.n_assignments()))
        L.append(r"\end{tabular}\end{center}")
    L.append(r"\paragraph{Conclusion.} " + tex_text(_ascii(res.conclusion())))
    L.append(r"\end{document}")
    return "\n".join(L) + "\n"


def _ascii(s: str) -> str:
    return (s.replace("–", "--").replace("—", "---").replace("⟨", "<").replace("⟩", ">").replace("≤", "<=")
            .replace("∅", "{}").replace("·", "*").replace("≥", ">=").replace("⇔", "iff"))


# ---------------------------------------------------------------------------------------- terminal

def render_text(res, limit: int = 40) -> str:
    b = res.behaviour
    sc = b.scenario
    sizes = sorted({len(c) for c in sc.contexts})
    out = ["%s: scenario: %d measurements, %d contexts (of size %s), %d deterministic assignments" % (
        b.source, len(sc.measurements), len(sc.contexts), ", ".join(map(str, sizes)), sc.n_assignments())]
    if res.disturbance is not None:
        out.append("no-disturbance (Definition 2): FAILS (exact): " + res.disturbance.text())
    else:
        out.append("no-disturbance (Definition 2): holds (checked exactly)")
    if res.inequality is not None:
        i = res.inequality
        out.append("factorisable (Definition 3): no. Bell–KS inequality satisfied by every factorisable behaviour:")
        cf = correlator_form(sc, i)
        if cf is not None:
            out.append("  " + cf.text(limit=limit * 5))
            out.append("  (correlators ⟨…⟩ with outcomes read as ±1; this behaviour: %s)" % cf.value)
            out.append("  probability form: " + probability_text(i, limit))
        else:
            out.append("  " + probability_text(i, limit))
        out.append("  local bound %s (exact maximum over deterministic assignments, attained by %s)"
                   % (i.bound, ", ".join("%s=%s" % kv for kv in i.maximiser.items())))
        out.append("  this behaviour: %s; violation %s" % (i.value, i.violation))
        cv = i.critical_visibility
        if cv is not None and 0 < cv < 1:
            out.append("  mixed with white noise, v·P + (1−v)·uniform satisfies it iff v ≤ %s" % cv)
    if res.decomposition is not None:
        d = res.decomposition
        out.append("factorisable (Definition 3): yes. Exact decomposition into deterministic global assignments:")
        for w, a in d.terms[:limit]:
            out.append("  %s × %s" % (w, ", ".join("%s=%s" % kv for kv in a.items())))
        if len(d.terms) > limit:
            out.append("  … %d more (--json lists them all)" % (len(d.terms) - limit))
        if d.uniform_weight:
            out.append("  %s spread evenly over all %d assignments" % (d.uniform_weight, sc.n_assignments()))
    if res.answer in ("factorisable", "not factorisable", "disturbing"):
        out.append("certificate re-checked exactly by verify_certificate")
    if res.lp and "solver" not in res.lp:
        out.append("found by: %s (%.2f s; no LP needed)" % (res.lp["method"], res.lp["seconds"]))
    elif res.lp:
        lp = res.lp
        out.append("LP (floating point, a hint only): %s, %d rows, %d columns generated, %d rounds, %s pricing, %.2f s"
                   % (lp["solver"], lp["rows"], lp["columns_generated"], lp["iterations"], lp["pricing"], lp["seconds"]))
    out.append("conclusion: " + res.conclusion())
    return "\n".join(out)


# -------------------------------------------------------------------------------------------- plot

def plot(res, path: str) -> None:
    """The behaviour against the local bound: the inequality's value along v·P + (1-v)·uniform (or the
    decomposition's weights, or the two marginals that differ). PNG or SVG by the file's extension."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    name = res.behaviour.source
    if res.inequality is not None:
        i = res.inequality
        cf = correlator_form(res.behaviour.scenario, i)
        form = cf if cf is not None else i
        lo, hi, bound = float(form.uniform_value), float(form.value), form.bound
        ax.plot([0, 1], [lo, hi], color="C0", label="value on v·P + (1−v)·uniform")
        ax.axhline(float(bound), color="C3", linestyle="--", label="local bound %s" % bound)
        ax.plot([1], [hi], "o", color="C0", label="this behaviour: %s" % form.value)
        cv = i.critical_visibility
        if cv is not None and 0 < cv < 1:
            ax.axvline(float(cv), color="grey", linestyle=":", label="crossing at v = %s" % cv)
        ax.set_xlabel("visibility v")
        ax.set_ylabel("inequality value (%s form)" % ("correlator" if cf is not None else "probability"))
        ax.set_title("%s: not factorisable" % name)
        ax.legend(loc="upper left", fontsize=8)
    elif res.decomposition is not None:
        d = res.decomposition
        ws = [float(w) for w, _ in d.terms[:40]]
        ax.bar(range(len(ws)), ws, color="C2")
        ax.set_xlabel("deterministic assignment")
        ax.set_ylabel("weight")
        ax.set_title("%s: factorisable (%d assignments)" % (name, len(d.terms)))
    elif res.disturbance is not None:
        dd = res.disturbance
        keys = list(dd.marginals[0])
        x = range(len(keys))
        ax.bar([k - 0.2 for k in x], [float(dd.marginals[0][k]) for k in keys], 0.4, label="in (%s)" % ", ".join(dd.contexts[0]))
        ax.bar([k + 0.2 for k in x], [float(dd.marginals[1][k]) for k in keys], 0.4, label="in (%s)" % ", ".join(dd.contexts[1]))
        ax.set_xticks(list(x), [" ".join(k) for k in keys])
        ax.set_xlabel("outcome of %s" % " ".join(dd.measurements))
        ax.set_ylabel("marginal probability")
        ax.set_title("%s: no-disturbance fails" % name)
        ax.legend(fontsize=8)
    else:
        ax.text(0.5, 0.5, "undecided", ha="center")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
