"""Step 4 of Theorem 1: (12)-(15), determinism of B by Λ and (Λ ⊥ X) entail the factorisation (22),
checked equation by equation with z3 for symbolic n; a failed check is answered by an exact
counter-model for n = 2 when one exists among small structural models."""
from __future__ import annotations

from dataclasses import dataclass, field

import z3

from ..kernel.induction import InductionResult, ValidityCheck, induction, prove_valid
from ..sets import Obligation
from . import encoding as E
from .expressions import IndexedProduct, LatentSum, Prob, equation, latex, product

PREMISE_NAMES = E.PREMISES
PREMISE_TEXT = {
    "12": r"(12) $(\mathbf{B} \perp \mathbf{Z} \mid \Lambda)$",
    "13": r"(13) $(\mathbf{A} \perp \mathbf{Y} \mid \mathbf{Z}\Lambda)$",
    "14": r"(14) $(C_i \perp \mathbf{C}_{\setminus i} \mid \mathbf{Z}\Lambda)$ for all $i \in I_C$",
    "15": r"(15) $(C_i \perp \mathbf{Z}_{\setminus i} \mid Z_i\Lambda)$ for all $i \in I_C$",
    "det": r"$\Lambda$ determines $\mathbf{B}$",
    "lambda_indep_X": r"$(\Lambda \perp \mathbf{X})$",
}


RULE_LATEX = {
    "16": r"definition of conditional probability (total probability over $\Lambda\Omega$, chain rule)",
    "17": r"marginalisation over $\Omega$; $\mathbf{X} = \mathbf{YZ}$",
    "18": r"$\mathbf{A} = \mathbf{BC}$, chain rule, c.i.",
    "19": r"$\Lambda$ determines $\mathbf{B}$; chain rule, induction on $j$",
    "20": r"chain rule, c.i., induction on $j$",
    "21": r"$\Lambda$ determines $\mathbf{B}$ (each $B_k$ is sure or null given $\Lambda$), induction on $k$",
    "22": r"substituting (20) and (21) into (18)",
}


@dataclass(frozen=True)
class Step:
    """One equation of the derivation, the rule that justifies it, and the z3 obligations."""
    label: str                       # '16' .. '22'
    latex: str                       # the equation as the paper writes it
    rule: str
    obligations: tuple[Obligation, ...]
    premises_used: tuple[str, ...]   # premise names in the unsat cores (of this step alone)
    laws_used: tuple[str, ...]       # probability laws and earlier equations in the cores
    depends_on: tuple[str, ...]      # labels of earlier equations this one is derived from

    @property
    def result(self) -> str:
        results = {o.result for o in self.obligations}
        return "proved" if results == {"proved"} else ("unknown" if "unknown" in results else "refuted")

    @property
    def seconds(self) -> float:
        return sum(o.seconds for o in self.obligations)

    def justification_latex(self) -> str:
        """The rule, and the premises z3 actually used, in LaTeX (pdflatex-safe: no Unicode)."""
        used = "; ".join(PREMISE_TEXT[p] for p in self.premises_used)
        return RULE_LATEX[self.label] + ("; using " + used if used else "")


@dataclass(frozen=True)
class FactorisationReport:
    premises: frozenset[str]
    steps: tuple[Step, ...]
    status: str                      # 'verified' | 'refuted' | 'unknown'
    premises_used: tuple[str, ...]   # union over the steps (22) rests on
    counter_model: object = None     # a CounterModel when refuted
    note: str = ""
    latex_lines: tuple[str, ...] = field(default=())

    def step(self, label: str) -> Step:
        return next(s for s in self.steps if s.label == label)

    def rests_on(self, label: str) -> tuple[str, ...]:
        """Premises in the cores of this step and of every step it is derived from."""
        seen, todo, used = set(), [label], set()
        while todo:
            st = self.step(todo.pop())
            if st.label not in seen:
                seen.add(st.label)
                used.update(st.premises_used)
                todo.extend(st.depends_on)
        return tuple(p for p in PREMISE_NAMES if p in used)

    def summary(self) -> str:
        lines = ["Step 4 with premises {%s}: %s" % (", ".join(sorted(self.premises)), self.status)]
        for s in self.steps:
            lines.append("  (%s) %-8s %6.3fs  %s  [premises: %s]" % (
                s.label, s.result, s.seconds, s.rule, ", ".join(s.premises_used) or "none"))
        if self.note:
            lines.append("  " + self.note)
        return "\n".join(lines)


# --- the equations, as sympy expressions (printing) and as z3 summands (checking)


def _equations() -> dict[str, object]:
    obs = E.P_A_X
    return {
        "16": equation(obs, LatentSum(product(E.P_AO_XL, E.P_L_X), E.LAM, E.OM)),
        "17": equation(obs, LatentSum(product(E.P_A_YZL, E.P_L), E.LAM)),
        "18": equation(obs, LatentSum(product(E.P_C_BZL, E.P_B_L, E.P_L), E.LAM)),
        "19": equation(E.P_C_ZL, IndexedProduct(E.P_Cj_after_ZL, "j")),
        "20": equation(E.P_C_ZL, IndexedProduct(E.P_Cj_ZjL, "j")),
        "21": equation(E.P_B_L, IndexedProduct(E.P_Bk_L, "k")),
        "22": equation(Prob([E.A], [E.X], observable=True),
                       LatentSum(IndexedProduct(product(E.P_Cj_ZjL, E.P_Bk_L, E.P_L), "j", "k"), E.LAM)),
    }


def equation_latex() -> dict[str, str]:
    """LaTeX of (16)-(22) in the paper's notation."""
    return {k: latex(v) for k, v in _equations().items()}


def _summands():
    t = E.term
    return {
        "16": t(E.SUM_OMEGA) * t(E.P_L_X),
        "17": t(E.P_A_YZL) * t(E.P_L),
        "18": t(E.P_C_BZL) * t(E.P_B_L) * t(E.P_L),
        "19": t(E.P_C_ZL) * t(E.P_B_L) * t(E.P_L),     # after "Λ determines B"
        "22": E.PROD_20(0, E.a, E.x, E.lam) * E.PROD_21(0, E.a, E.x, E.lam) * t(E.P_L),
    }


def _split_core(core) -> tuple[tuple[str, ...], tuple[str, ...]]:
    prem = tuple(c for c in core if c in PREMISE_NAMES)
    return prem, tuple(c for c in core if c not in PREMISE_NAMES)


def check_factorisation(premises, timeout_ms: int = 10000, rlimit: int | None = None,
                        search: bool = True, search_budget: int = 4000, isolated: bool = True) -> FactorisationReport:
    """Check (16)-(22) from the named premises ('12', '13', '14', '15', 'det', 'lambda_indep_X').
    verified: every obligation proved by z3. refuted: some obligation failed and an exact n = 2
    counter-model satisfying the premises violates (22). unknown: otherwise (never a success).
    isolated: run in a fresh process, so that the answer does not depend on what z3 did before
    in this one (see probability/isolated.py)."""
    premises = frozenset(premises)
    bad = sorted(premises - set(PREMISE_NAMES))
    if bad:
        raise ValueError("unknown premise name(s) %s; expected some of %s" % (
            ", ".join(map(repr, bad)), ", ".join(PREMISE_NAMES)))
    if isolated:
        from .isolated import run_isolated
        return run_isolated(premises, timeout_ms, rlimit, search, search_budget)
    prem_ax = E.premise_axioms()
    given = tuple((name, f) for name in PREMISE_NAMES if name in premises for f in prem_ax[name])
    calc = E.calculus_axioms()

    def laws(*ids):
        """Every given premise, plus the laws of probability the step's rule names: z3 is free to
        use any premise, and the core says which it did."""
        return tuple(calc[i] for i in ids) + given
    texts = equation_latex()
    s = _summands()
    t = E.term
    steps: list[Step] = []
    # Earlier equations, at the arbitrary (a, x, λ) of the query: they hold for all values, so
    # this instance is sound, and being ground it spares z3 a quantifier.
    lemmas: list[tuple[str, z3.BoolRef]] = []

    def valid(goal, meaning, axioms):
        return prove_valid(goal, tuple(axioms), meaning, timeout_ms, rlimit, set(PREMISE_NAMES))

    def add(label, rule, checks: list[ValidityCheck | InductionResult], depends=()):
        obligations, core = [], []
        for c in checks:
            if isinstance(c, InductionResult):
                obligations += [c.base, c.step]
                core += list(c.premises_used)
            else:
                obligations.append(c.obligation)
                core += list(c.core)
        prem, laws = _split_core(dict.fromkeys(core))
        steps.append(Step(label, texts.get(label, ""), rule, tuple(obligations), prem, laws, tuple(depends)))

    # (16): 𝒫(A|X) = Σ_Λ P(AΛ|X) (total probability, outside z3) and the summands agree
    add("16", "definition of conditional probability (total probability over ΛΩ, chain rule)",
        [valid(t(E.P_AL_X) == s["16"], "(16) summand: P(AΛ|X) = Σ_Ω P(AΩ|XΛ) P(Λ|X)",
                  laws("chain_AL", "marg_O"))])
    add("17", "marginalisation over Ω; X = YZ; (Λ ⊥ X)",
        [valid(s["16"] == s["17"], "(16)→(17) summands agree for every λ", laws("marg_O", "X=YZ"))], ("16",))
    add("18", "A = BC, chain rule; c.i. (13) drops Y; c.i. (12) (or determinism) drops Z",
        [valid(s["17"] == s["18"], "(17)→(18) summands agree for every λ",
                  laws("chain_BC", "sure_BC"))], ("17",))

    # (19): determinism removes B from P(C|BZΛ); the chain rule gives the product, by induction
    det_check = valid(s["18"] == s["19"], "(18): P(C|BZΛ)P(B|Λ) = P(C|ZΛ)P(B|Λ) since Λ determines B",
                      laws("sure_BC"))
    q = lambda idx: t(E.P_Cafter_ZL, idx)   # noqa: E731
    r = lambda idx: t(E.P_Bafter_L, idx)    # noqa: E731
    ind19 = induction(E.j, q(E.j) == E.PROD_19(E.j, E.a, E.x, E.lam), z3.IntVal(0), E.n, laws("chain_C", "ends_C", "n"),
                      "(19) P(C∖{C_1..C_j}|ZΛ) = ∏_{i>j} P(C_i|C∖{C_1..C_i}ZΛ)", "down", timeout_ms, rlimit, set(PREMISE_NAMES))
    checks19 = [det_check, ind19]
    if ind19.proved:
        checks19.append(valid(t(E.P_C_ZL) == E.PROD_19(0, E.a, E.x, E.lam), "(19) at j = 0",
                              [calc["ends_C"], calc["n"], ("induction (19)", ind19.conclusion)]))
    add("19", "Λ determines B; chain rule (definition of conditional probability), induction on j",
        checks19, ("18",))
    if det_check.proved:
        lemmas.append(("(18→19) determinism", s["18"] == s["19"]))

    ind20 = induction(E.j, q(E.j) == E.PROD_20(E.j, E.a, E.x, E.lam), z3.IntVal(0), E.n, laws("chain_C", "ends_C", "nonneg", "n"),
                      "(20) P(C∖{C_1..C_j}|ZΛ) = ∏_{i>j} P(C_i|Z_iΛ)", "down", timeout_ms, rlimit, set(PREMISE_NAMES))
    checks20 = [ind20]
    if ind20.proved:
        c20 = valid(t(E.P_C_ZL) == E.PROD_20(0, E.a, E.x, E.lam), "(20) at j = 0",
                    [calc["ends_C"], calc["n"], ("induction (20)", ind20.conclusion)])
        checks20.append(c20)
        if c20.proved:
            lemmas.append(("(20)", t(E.P_C_ZL) == E.PROD_20(0, E.a, E.x, E.lam)))
    add("20", "chain rule; c.i. (14) drops C∖{C_1..C_j}, c.i. (15) drops Z_{\\j}; induction on j", checks20, ("19",))

    ind21 = induction(E.j, r(E.j) == E.PROD_21(E.j, E.a, E.x, E.lam), z3.IntVal(0), E.n, laws("sure_Bk", "skip_B", "ends_B", "nonneg", "n"),
                      "(21) P(B∖{B_1..B_k}|Λ) = ∏_{i>k} P(B_i|Λ)", "down", timeout_ms, rlimit, set(PREMISE_NAMES))
    checks21 = [ind21]
    if ind21.proved:
        c21 = valid(t(E.P_B_L) == E.PROD_21(0, E.a, E.x, E.lam), "(21) at k = 0",
                    [calc["ends_B"], calc["n"], ("induction (21)", ind21.conclusion)])
        checks21.append(c21)
        if c21.proved:
            lemmas.append(("(21)", t(E.P_B_L) == E.PROD_21(0, E.a, E.x, E.lam)))
    add("21", "Λ determines B (each B_k is sure or null given Λ); induction on k", checks21)

    add("22", "substitute (20) and (21) into (18) after determinism",
        [valid(s["18"] == s["22"], "(18)→(22) summands agree for every λ", lemmas)], ("18", "19", "20", "21"))

    used = tuple(p for p in PREMISE_NAMES if any(p in st.premises_used for st in steps))
    latex_lines = tuple("%s \\quad (%s)" % (texts[k], k) for k in sorted(texts))
    if all(st.result == "proved" for st in steps):
        return FactorisationReport(premises, tuple(steps), "verified", used, None, "", latex_lines)

    failed = ", ".join("(%s) %s" % (st.label, st.result) for st in steps if st.result != "proved")
    model = None
    if search:
        from .countermodels import find_counter_model
        model = find_counter_model(premises, budget=search_budget)
    if model is not None:
        return FactorisationReport(premises, tuple(steps), "refuted", used, model,
                                   "z3 could not prove %s; exact n = 2 counter-model found" % failed,
                                   latex_lines)
    return FactorisationReport(premises, tuple(steps), "unknown", used, None,
                               "z3 could not prove %s and no counter-model was found" % failed, latex_lines)


def premise_analysis(timeout_ms: int = 5000, search_budget: int = 4000) -> dict[str, FactorisationReport]:
    """For each premise, the report of Step 4 without it: 'verified' means the premise is
    redundant given the others; 'refuted' means it is needed (with a counter-model)."""
    return {p: check_factorisation(set(PREMISE_NAMES) - {p}, timeout_ms, search_budget=search_budget)
            for p in PREMISE_NAMES}


def counter_model(missing: str, budget: int = 4000):
    """An exact n = 2 distribution satisfying every premise except `missing` and violating (22),
    or None when the search finds none (e.g. because the premise is redundant)."""
    if missing not in PREMISE_NAMES:
        raise ValueError("unknown premise name %r; expected one of %s" % (missing, ", ".join(PREMISE_NAMES)))
    from .countermodels import find_counter_model
    return find_counter_model(frozenset(PREMISE_NAMES) - {missing}, budget=budget)
