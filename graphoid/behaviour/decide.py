"""Decide no-disturbance and factorisability of a behaviour, with exact certificates.

1. No-disturbance (Definition 2) in exact rationals; a failure is a certificate (two contexts, the
   marginal that differs). A disturbing behaviour is not factorisable: every factorisable model gives
   marginals that depend on the chosen measurements only.
2. Factorisability (Definition 3; by Fine–Abramsky–Brandenburger, a global section: a mixture of
   deterministic global assignments) by the LP in `lp.py`. Its floating-point output is only a hint:
   - a decomposition is re-solved exactly on the LP's final basis (a square rational system), and
     accepted only if every weight is ≥ 0 and it reproduces every table entry exactly;
   - a separating inequality is rationalised (small denominators first), its local bound computed
     exactly (integer arithmetic over all deterministic assignments) and its value on the table
     computed exactly; it is accepted only if value > bound.
   Either way the certificate is re-checked by `verify.verify_certificate` before it is reported.
   If neither succeeds the answer is "unknown".
"""
from __future__ import annotations

import math
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .model import Behaviour
from .nodisturbance import Disturbance, check_no_disturbance

THEOREM1 = "proofs/theorem1.gph"
SMALL = 1 << 10   # deterministic assignments up to which the LP is tried first
DENOMINATORS = (1, 2, 3, 4, 6, 8, 12, 24, 60, 120, 840, 10 ** 4, 10 ** 6, 10 ** 8, 10 ** 10)


@dataclass
class Decomposition:
    terms: list                 # [(Fraction weight, {measurement: label})]
    uniform_weight: Fraction    # spread evenly over all |O|^|M| assignments

    def to_json(self) -> dict:
        return {"terms": [{"weight": str(w), "assignment": dict(a)} for w, a in self.terms],
                "uniform_weight": str(self.uniform_weight)}


@dataclass
class Inequality:
    """Σ_c Σ_a coefficients[c][a] · P(a|c) ≤ bound for every factorisable behaviour; the table gives value."""
    coefficients: dict          # context -> {outcome: Fraction}
    bound: Fraction
    value: Fraction
    uniform_value: Fraction
    maximiser: dict             # a deterministic assignment attaining the bound

    @property
    def violation(self) -> Fraction:
        return self.value - self.bound

    @property
    def critical_visibility(self):
        """The largest v for which v·P + (1-v)·uniform satisfies this inequality (None if undefined)."""
        if self.value == self.uniform_value:
            return None
        v = (self.bound - self.uniform_value) / (self.value - self.uniform_value)
        return v

    def entries(self):
        for c, row in self.coefficients.items():
            for o, q in row.items():
                if q:
                    yield c, o, q

    def to_json(self) -> dict:
        cv = self.critical_visibility
        return {"coefficients": [{"context": list(c), "outcome": list(o), "coefficient": str(q)}
                                 for c, o, q in self.entries()],
                "local_bound": str(self.bound), "value": str(self.value), "violation": str(self.violation),
                "uniform_value": str(self.uniform_value),
                "critical_visibility": None if cv is None else str(cv),
                "bound_attained_by": dict(self.maximiser)}


@dataclass
class Result:
    behaviour: Behaviour
    answer: str                              # factorisable | not factorisable | disturbing | unknown
    disturbance: Disturbance | None = None
    decomposition: Decomposition | None = None
    inequality: Inequality | None = None
    lp: dict = field(default_factory=dict)
    reason: str = ""
    theorem1: dict | None = None             # the summary of checking proofs/theorem1.gph, if run
    seconds: float = 0.0
    recheck_seconds: float = 0.0             # of which: the independent re-check

    @property
    def exit_code(self) -> int:
        return {"factorisable": 0, "not factorisable": 1, "disturbing": 1}.get(self.answer, 3)

    def conclusion(self) -> str:
        if self.answer == "disturbing":
            return ("no-disturbance fails (Definition 2): %s. Theorem 1 and Corollary 2 assume no-disturbance and "
                    "say nothing about this behaviour; it is not factorisable, since every factorisable model "
                    "(Definition 3) satisfies no-disturbance." % self.disturbance.text())
        if self.answer == "factorisable":
            d = self.decomposition
            n = len(d.terms)
            bits = []
            if n:
                bits.append("%d deterministic global assignment%s" % (n, "" if n == 1 else "s"))
            if d.uniform_weight:
                bits.append("weight %s spread evenly over all %d deterministic assignments" % (
                    d.uniform_weight, self.behaviour.scenario.n_assignments()))
            parts = " and ".join(bits)
            return ("no-disturbance holds (Definition 2) and the behaviour is factorisable (Definition 3): it is a "
                    "mixture of %s with rational weights that reproduces every entry exactly, a global section "
                    "(Fine–Abramsky–Brandenburger), so it is KS-noncontextual (Definition 4) and violates no "
                    "Bell–KS inequality; Corollary 2 does not apply." % parts)
        if self.answer == "not factorisable":
            from .render import correlator_form
            i = self.inequality
            cf = correlator_form(self.behaviour.scenario, i)
            bound, value, form = (cf.bound, cf.value, "in correlator form ") if cf is not None else (i.bound, i.value, "")
            return ("no-disturbance holds (Definition 2) and the behaviour is not factorisable (Definition 3): it "
                    "violates the Bell–KS inequality above, whose local bound %sis %s while the behaviour reaches %s "
                    "(exact); so by Theorem 1 (%s%s) every classical causal model of it is fine-tuned "
                    "(Corollary 2)." % (form, bound, value, THEOREM1, self._theorem_note()))
        return "undecided: %s (no answer is claimed)" % (self.reason or "exact verification failed")

    def _theorem_note(self) -> str:
        t = self.theorem1
        if t is None:
            return "; `graphoid check %s` re-checks it" % THEOREM1
        if t.get("ok"):
            return ", checked in this run: %s" % t["summary"]
        return ", which did NOT check in this run: %s" % t["summary"]

    def rests_on(self) -> list:
        out = []
        if self.answer in ("factorisable", "not factorisable"):
            out.append("Definition 2 (no-disturbance): checked exactly on every pair of contexts")
        if self.answer == "disturbing":
            out.append("Definition 2 (no-disturbance): fails on the marginal shown (exact)")
        if self.answer == "factorisable":
            out.append("Definition 3 (factorisability): the exact decomposition into deterministic assignments")
        if self.answer == "not factorisable":
            out.append("Fine–Abramsky–Brandenburger: factorisable ⇔ a mixture of deterministic global assignments, "
                       "so every factorisable behaviour satisfies the inequality (its bound is the exact maximum "
                       "over deterministic assignments)")
            out.append("Theorem 1 and Corollary 2 of the paper (machine-checked in %s%s)"
                       % (THEOREM1, "" if self.theorem1 is None else
                          (": " + self.theorem1["summary"])))
        return out

    def to_json(self) -> dict:
        out = {"file": self.behaviour.source, "answer": self.answer, "exit_code": self.exit_code,
               "no_disturbance": self.disturbance is None,
               "conclusion": self.conclusion(), "rests_on": self.rests_on(),
               "scenario": self.behaviour.scenario.to_json()}
        if self.disturbance is not None:
            out["disturbance"] = self.disturbance.to_json()
        if self.decomposition is not None:
            out["decomposition"] = self.decomposition.to_json()
        if self.inequality is not None:
            from .render import correlator_form
            out["inequality"] = self.inequality.to_json()
            cf = correlator_form(self.behaviour.scenario, self.inequality)
            if cf is not None:
                out["inequality"]["correlator_form"] = cf.to_json()
        if self.lp:
            out["lp"] = self.lp
        if self.theorem1 is not None:
            out["theorem1"] = self.theorem1
        if self.reason:
            out["reason"] = self.reason
        out["seconds"] = round(self.seconds, 4)
        return out


# ---------------------------------------------------------------------------------------- deciding

def decide(b: Behaviour, time_limit: float = 600.0, check_theorem: bool = False, method: str = "auto") -> Result:
    """method: 'auto' (the behaviour's own witness first, then the LP), 'lp' (the LP only)."""
    t0 = time.perf_counter()
    res = _decide(b, time_limit, method)
    if check_theorem and res.answer == "not factorisable":
        res.theorem1 = check_theorem1()
    res.seconds = time.perf_counter() - t0
    return res


def _checked(b, res, reasons):
    """The independent re-check: a certificate stands only if verify_certificate agrees."""
    from .verify import CertificateError, verify_certificate
    if isinstance(res, str):
        reasons.append(res)
        return None
    t0 = time.perf_counter()
    try:
        verify_certificate(b, res.to_json())
    except CertificateError as e:  # pragma: no cover - would be a bug in one of the two
        reasons.append("certificate failed the independent re-check: %s" % e)
        return None
    res.recheck_seconds = time.perf_counter() - t0
    return res


def _decide(b: Behaviour, time_limit: float, method: str = "auto") -> Result:
    d = check_no_disturbance(b)
    if d is not None:
        return Result(b, "disturbing", disturbance=d)
    reasons: list = []
    # Small scenarios: the LP first (its dual is usually a facet, the textbook inequality). Large ones:
    # the behaviour's own witness first, which needs no LP when it already separates.
    if method == "auto" and b.scenario.n_assignments() > SMALL:
        # The cheapest separating direction: the behaviour minus white noise, as an inequality. Its exact
        # local bound is one maximisation over deterministic assignments; if the table beats it, that is
        # already a complete certificate (for GHZ/Mermin, CHSH-type and chained behaviours it is the
        # textbook inequality) and no LP is needed.
        t1 = time.perf_counter()
        res = _checked(b, _try_witness(b), reasons)
        if res is not None:
            res.lp = {"method": "witness: the behaviour minus white noise, bound by exact maximisation",
                      "seconds": round(time.perf_counter() - t1, 4)}
            return res
    from .lp import Coordinates, solve
    coords = Coordinates(b)
    lp = solve(coords, time_limit=time_limit)
    info = {"method": "LP by column generation", "solver": "HiGHS %s" % _highs_version(), "rows": coords.nrows,
            "columns_generated": len(lp.columns), "iterations": lp.iterations, "pricing": lp.pricing,
            "seconds": round(lp.seconds, 4), "lp_visibility": lp.visibility,
            "note": "floating-point LP output: a hint only, not part of the answer"}
    if lp.status == "optimal":
        attempts = [_try_decomposition, _try_inequality] if lp.visibility > 1 - 1e-7 else [_try_inequality, _try_decomposition]
        for attempt in attempts:
            res = _checked(b, attempt(b, coords, lp, info), reasons)
            if res is not None:
                return res
        # refine: re-solve from the columns found, with tighter tolerances and the primal simplex
        lp2 = solve(coords, time_limit=time_limit, extra_columns=lp.columns, strict=True)
        if lp2.status == "optimal":
            info2 = dict(info, refined=True, seconds=round(lp.seconds + lp2.seconds, 4))
            for attempt in attempts:
                res = _checked(b, attempt(b, coords, lp2, info2), reasons)
                if res is not None:
                    return res
    else:
        reasons.append(lp.message or "the LP did not finish")
    if method == "auto" and b.scenario.n_assignments() <= SMALL:
        res = _checked(b, _try_witness(b), reasons)
        if res is not None:
            res.lp = dict(info, method="witness: the behaviour minus white noise (after the LP gave no certificate)")
            return res
    return Result(b, "unknown", lp=info, reason="; ".join(reasons))


def _try_witness(b):
    """Coefficients P(a|c) - 1/|O_c|, scaled by D·|O_c| to the integers |O_c|·(D·P(a|c)) - D."""
    D, tabs = b.integer_tables()
    ints = {c: [len(b.table[c]) * int(x) - D for x in tabs[c].reshape(-1)] for c in b.scenario.contexts}
    ineq = finish_inequality(b, ints)
    if ineq is not None and ineq.value > ineq.bound:
        return Result(b, "not factorisable", inequality=ineq)
    return "the behaviour's own witness (P minus white noise) is not violated"


def _try_decomposition(b, coords, lp, info):
    """The exact solution on the LP's final basis; failing that, on the LP's support."""
    res = _basis_decomposition(b, coords, lp, info)
    if isinstance(res, str):
        res2 = _support_decomposition(b, coords, lp, info)
        return res2 if not isinstance(res2, str) else "%s; %s" % (res, res2)
    return res


def _support_decomposition(b, coords, lp, info, tol: float = 1e-9):
    """Columns with LP weight > tol (and the uniform column): solve Σ_j x_j a_j = t exactly (every
    coordinate row, sympy over ℚ); free variables, if any, are fixed at the LP's rationalised values.
    Accepted (by the caller's re-check) only if the weights are ≥ 0 and reproduce the table."""
    from sympy import QQ
    from sympy.polys.matrices import DomainMatrix
    J = [k for k, w in enumerate(lp.weights) if w > tol]
    use_u = lp.uniform_weight > tol
    if not J and not use_u:
        return "the LP's support is empty"
    n = len(J) + use_u
    if coords.nrows * n > 4_000_000:
        return "the LP's support is too large for the exact solve (%d columns)" % n
    rows = coords.columns(np.array([lp.columns[k] for k in J], dtype=np.int64)) if J else []
    m = coords.nrows
    entries: dict = {}
    for j, rs in enumerate(rows):
        for r in rs:
            entries.setdefault(r, {})[j] = QQ(1)
    if use_u:
        for r in range(m):
            x = _uniform_row(coords, r)
            entries.setdefault(r, {})[n - 1] = QQ(x.numerator, x.denominator)
    for r in range(m):
        x = coords.exact_target(r)
        if x:
            entries.setdefault(r, {})[n] = QQ(x.numerator, x.denominator)
    M = DomainMatrix(entries, (m, n + 1), QQ)
    R, pivots = M.rref()
    if n in pivots:
        return "the LP's support cannot reproduce the table"
    lpval = [lp.weights[k] for k in J] + ([lp.uniform_weight] if use_u else [])
    free = [j for j in range(n) if j not in pivots]
    x = [Fraction(0)] * n
    for j in free:
        x[j] = Fraction(lpval[j]).limit_denominator(10 ** 6)
    Rl = R.to_list()
    for i, pj in enumerate(pivots):
        row = Rl[i]
        val = Fraction(int(row[n].numerator), int(row[n].denominator))
        for j in free:
            if row[j]:
                val -= Fraction(int(row[j].numerator), int(row[j].denominator)) * x[j]
        x[pj] = val
    if any(w < 0 for w in x):
        return "the exact solution on the LP's support has a negative weight"
    names, outcomes = coords.names, b.scenario.outcomes
    terms = [(w, {mm: outcomes[mm][v] for mm, v in zip(names, lp.columns[k])}) for k, w in zip(J, x) if w]
    terms.sort(key=lambda t: -t[0])
    return Result(b, "factorisable", decomposition=Decomposition(terms, x[-1] if use_u else Fraction(0)), lp=info)


def _basis_decomposition(b, coords, lp, info):
    from sympy import QQ
    from sympy.polys.matrices import DomainMatrix
    J = lp.basic
    R = lp.free_rows
    if len(J) != len(R):
        return "the LP basis is not square (%d columns, %d rows)" % (len(J), len(R))
    v_basic = "v" in J
    if not v_basic and abs(lp.visibility - 1) > 1e-7:
        return "the LP found no decomposition"
    col_rows = {}
    ks = [j for j in J if isinstance(j, int)]
    if ks:
        for k, rows in zip(ks, coords.columns(np.array([lp.columns[k] for k in ks], dtype=np.int64))):
            col_rows[k] = set(rows)
    rpos = {r: i for i, r in enumerate(R)}
    uni = {r: _uniform_row(coords, r) for r in R}
    tgt = {r: coords.exact_target(r) for r in R}
    entries: dict = {}
    for jcol, j in enumerate(J):
        if j == "u":
            for r in R:
                if uni[r]:
                    entries.setdefault(rpos[r], {})[jcol] = QQ(uni[r].numerator, uni[r].denominator)
        elif j == "v":
            for r in R:
                x = -(tgt[r] - uni[r])
                if x:
                    entries.setdefault(rpos[r], {})[jcol] = QQ(x.numerator, x.denominator)
        else:
            for r in col_rows[j] & set(R):
                entries.setdefault(rpos[r], {})[jcol] = QQ(1)
    rhs = {}
    for r in R:
        x = uni[r] if v_basic else tgt[r]
        if x:
            rhs[rpos[r]] = {0: QQ(x.numerator, x.denominator)}
    n = len(J)
    try:
        sol = DomainMatrix(entries, (n, n), QQ).lu_solve(DomainMatrix(rhs, (n, 1), QQ))
    except Exception as e:  # singular (numerically wrong basis)
        return "the exact basis system is singular (%s)" % type(e).__name__
    vals = [Fraction(int(x.numerator), int(x.denominator)) for x in (sol.to_list_flat() if hasattr(sol, "to_list_flat")
                                                                       else [row[0] for row in sol.to_list()])]
    weights = dict(zip(J, vals))
    if v_basic and weights["v"] != 1:
        return "the exact basic solution has visibility %s, not 1" % weights["v"]
    if any(w < 0 for j, w in weights.items() if j != "v"):
        return "the exact basic solution has a negative weight"
    names = coords.names
    outcomes = b.scenario.outcomes
    terms = [(w, {m: outcomes[m][x] for m, x in zip(names, lp.columns[j])})
             for j, w in weights.items() if isinstance(j, int) and w]
    terms.sort(key=lambda t: -t[0])
    dec = Decomposition(terms, weights.get("u", Fraction(0)))
    return Result(b, "factorisable", decomposition=dec, lp=info)


def _uniform_row(coords, r) -> Fraction:
    if r == 0:
        return Fraction(1)
    S, _ = coords.row_label(r)
    return Fraction(1, math.prod(coords.card[v] for v in S))


def _try_inequality(b, coords, lp, info):
    if lp.beta is None:
        return "no dual solution"
    beta = np.array(lp.beta, dtype=float)
    scale = float(np.max(np.abs(beta[1:]))) if len(beta) > 1 else 0.0
    if not scale > 1e-12:
        return "the LP's dual is zero"
    beta = beta / scale
    tried = set()
    for D in DENOMINATORS:
        q = [Fraction(float(x)).limit_denominator(D) for x in beta]
        key = tuple(q)
        if key in tried:
            continue
        tried.add(key)
        ineq = _exact_inequality(b, coords, q)
        if ineq is not None and ineq.value > ineq.bound:
            return Result(b, "not factorisable", inequality=ineq, lp=info)
    return "no rationalisation of the LP's inequality is violated exactly (denominators up to %d)" % DENOMINATORS[-1]


def _exact_inequality(b, coords, q):
    """Coordinates' rational coefficients q -> an inequality on the table, with exact bound and value."""
    from .maximise import exact_max, merge
    den = 1
    for x in q[1:]:
        den = den * x.denominator // math.gcd(den, x.denominator)
    ints = np.array([int(x * den) for x in q], dtype=object)
    factors = [(S, a) for S, a in _int_factors(coords, ints)]
    if not factors:
        return None
    for c in b.scenario.contexts:  # so that the merged scopes are exactly the maximal contexts
        S = tuple(sorted(coords.index[m] for m in c))
        factors.append((S, np.zeros([coords.card[v] for v in S], dtype=object)))
    merged, _ = merge(coords.card, factors, dtype=object)
    sc = b.scenario
    by_set = {frozenset(coords.index[m] for m in c): c for c in sc.contexts}
    coef = {}
    for S, arr in merged:
        c = by_set[frozenset(S)]
        pos = [S.index(coords.index[m]) for m in c]
        arr = np.transpose(arr, axes=pos)  # to the context's order
        coef[c] = [int(v) for v in arr.reshape(-1)]
    return finish_inequality(b, coef)


def finish_inequality(b, coef):
    """Integer coefficients per context (a list in the order of joint_outcomes) -> the inequality in
    its simplest equivalent form (per context the most frequent coefficient shifted to 0, since
    Σ_a P(a|c) = 1; no common factor), with its exact local bound (exact maximisation over
    deterministic assignments) and its exact value on the table."""
    from .maximise import exact_max
    sc = b.scenario
    ints = {}
    for c, vals in coef.items():
        mode = Counter(vals).most_common()
        top = max(n for _, n in mode)
        shift = min((v for v, n in mode if n == top), key=lambda v: (abs(v), v))
        ints[c] = [v - shift for v in vals]
    g = 0
    for vals in ints.values():
        for v in vals:
            g = math.gcd(g, v)
    if g == 0:
        return None
    index = {m: i for i, m in enumerate(sc.measurements)}
    card = [len(sc.outcomes[m]) for m in sc.measurements]
    D, tabs = b.integer_tables()
    out, factors = {}, []
    value_num, uni = 0, Fraction(0)
    for c, vals in ints.items():
        vals = [v // g for v in vals]
        out[c] = dict(zip(sc.joint_outcomes(c), (Fraction(v) for v in vals)))
        value_num += sum(v * int(x) for v, x in zip(vals, tabs[c].reshape(-1)) if v)
        uni += Fraction(sum(vals), len(vals))
        S = tuple(sorted(index[m] for m in c))
        arr = np.array(vals, dtype=object).reshape([card[index[m]] for m in c])
        factors.append((S, np.transpose(arr, axes=[c.index(sc.measurements[v]) for v in S])))
    bound, asg = exact_max(card, factors)
    maxi = {m: sc.outcomes[m][x] for m, x in zip(sc.measurements, asg)}
    return Inequality(out, Fraction(bound), Fraction(value_num, D), uni, maxi)


def _int_factors(coords, ints):
    for S in coords.scopes:
        lim = [coords.card[v] - 1 for v in S]
        n = math.prod(lim)
        if not n:
            continue
        block = ints[coords.offset[S]:coords.offset[S] + n]
        if not any(block):
            continue
        arr = np.zeros([coords.card[v] for v in S], dtype=object)
        arr[tuple(slice(0, x) for x in lim)] = block.reshape(lim)
        yield S, arr


def _highs_version() -> str:
    try:
        from .lp import new_highs
        return new_highs().version()
    except Exception:  # pragma: no cover - informational only
        return "?"


def check_theorem1() -> dict:
    """Check proofs/theorem1.gph now; its status is reported, never assumed."""
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.path.join(here, THEOREM1)
    if not os.path.exists(path):
        return {"ok": False, "summary": "%s is not available in this installation" % THEOREM1}
    from ..script import check_file
    rep = check_file(path)
    sm = rep.summary()
    text = "%d verified, %d assumptions, %d graph hypotheses (stated, not checked), %d failed" % (
        sm["verified"], sm["assumptions"], sm["hypotheses"], sm["failed"])
    return {"ok": bool(rep.ok), "summary": text, "file": THEOREM1}
