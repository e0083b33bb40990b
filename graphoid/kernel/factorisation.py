"""Kernel rule for Step 4 of Theorem 1: the cited facts are matched, by their statements (never by
their labels), to (12)-(15), "Λ determines B" and (Λ ⊥ X); the z3 checks of (16)-(22) for symbolic n
(graphoid.probability, with induction in kernel/induction.py) must all be proved. Each equation
becomes a Fact whose premises are the facts z3 actually used."""
from __future__ import annotations

from dataclasses import dataclass

from ..sets import IDiff, IFull, IName, ISingle, VarSet, _mk
from ..statements import CI, Determines, Positive, Schema, Semantics, statement_text
from .fact import _MINT, Fact


@dataclass(frozen=True)
class Equation:
    """One of the paper's equations (16)-(22), as checked by z3."""
    label: str
    latex: str

    def __str__(self):
        return "equation (%s)" % self.label


def _templates(kernel, det: Determines):
    """(12)-(15) and (Λ ⊥ X) over the script's own families, from 'Λ determines B'."""
    d = kernel.sets.decl
    if len(det.source.scalars) != 1 or det.source.fams:
        raise kernel._err("factorisation: the determinism premise must say that one latent variable determines B")
    lam = VarSet(det.source.scalars)
    if len(det.target.fams) != 1 or det.target.scalars:
        raise kernel._err("factorisation: the determinism premise must be about a subfamily B = A over I_B")
    (a_fam, ib), = det.target.fams
    if not isinstance(ib, IName):
        raise kernel._err("factorisation: B must be A over a declared index set I_B")
    parts = [ps for whole, ps in d.partitions if ib.name in ps and len(ps) == 2 and whole in d.ranges]
    if not parts:
        raise kernel._err("factorisation: %s must be one half of a declared partition of the index range" % ib.name)
    ic = IName([p for p in parts[0] if p != ib.name][0])
    rng = d.base_families.get(a_fam)
    others = [f for f, r in d.base_families.items() if r == rng and f != a_fam]
    if len(others) != 1:
        raise kernel._err("factorisation: expected exactly two families over %s (outcomes and settings)" % rng)
    x_fam = others[0]
    A, X = _mk(frozenset(), {a_fam: IFull(rng)}), _mk(frozenset(), {x_fam: IFull(rng)})
    B, C = _mk(frozenset(), {a_fam: ib}), _mk(frozenset(), {a_fam: ic})
    Y, Z = _mk(frozenset(), {x_fam: ib}), _mk(frozenset(), {x_fam: ic})

    def fam(f, e):
        return _mk(frozenset(), {f: e})

    def indexed(i):
        return (CI(fam(a_fam, ISingle(i)), fam(a_fam, IDiff(ic, ISingle(i))), Z | lam),
                CI(fam(a_fam, ISingle(i)), fam(x_fam, IDiff(ic, ISingle(i))), fam(x_fam, ISingle(i)) | lam))
    return {"12": CI(B, Z, lam), "13": CI(A, Y, Z | lam), "lambda_indep_X": CI(lam, X, VarSet()),
            "14": lambda i: indexed(i)[0], "15": lambda i: indexed(i)[1], "_ic": ic}


def _same(kernel, s: CI, t: CI, obs) -> bool:
    trial = [kernel.sets.equal(a, b, "%s matches" % n) for n, a, b in (("X", s.x, t.x), ("Y", s.y, t.y), ("Z", s.z, t.z))]
    if all(o.result == "proved" for o in trial):
        obs.extend(trial)
        return True
    return False


def factorisation(kernel, premises: list[Fact], claim) -> list[Fact]:
    from ..probability.factorisation import check_factorisation
    r = "factorisation"
    dets = [f for f in premises if isinstance(f.statement, Determines)]
    if len(dets) != 1:
        raise kernel._err("%s: cite exactly one determinism premise 'Λ determines B'" % r)
    tpl = _templates(kernel, dets[0].statement)
    role: dict[str, Fact] = {"det": dets[0]}
    obs: list = []
    # The z3 encoding conditions on every (x, λ): it needs P(X = x, Λ = λ) > 0, which the script
    # must assume explicitly so that it is counted and shown.
    pos = [f for f in premises if isinstance(f.statement, Positive)]
    need = tpl["lambda_indep_X"].x | tpl["lambda_indep_X"].y
    if not pos or kernel.sets.subset(need, pos[0].statement.variables, "positivity covers XΛ").result != "proved":
        raise kernel._err("%s: cite the assumption positive(%s): the check conditions on every value of "
                          "the settings and Λ" % (r, statement_text(CI(need, need), kernel.sets.decl).split(" ⊥⊥")[0][1:]))
    for f in premises:
        if f is dets[0] or f in pos:
            continue
        s = f.statement
        if f.semantics is None or f.semantics.kind != "prob":
            raise kernel._err("%s: premise %s must be a probabilistic c.i. statement (apply markov first)"
                              % (r, statement_text(s, kernel.sets.decl)))
        found = None
        if isinstance(s, CI):
            for name in ("12", "13", "lambda_indep_X"):
                if _same(kernel, s, tpl[name], obs):
                    found = name
                    break
        elif isinstance(s, Schema) and len(s.binders) == 1 and s.binders[0].kind == "member" \
                and s.binders[0].domain == tpl["_ic"] and isinstance(s.body, CI):
            i = s.binders[0].name
            for name in ("14", "15"):
                if _same(kernel, s.body, tpl[name](i), obs):
                    found = name
                    break
        if found is None:
            raise kernel._err("%s: %s is none of (12)-(15) or (Λ ⊥ X) for these families"
                              % (r, statement_text(s, kernel.sets.decl)))
        if found in role:
            raise kernel._err("%s: two premises both state %s" % (r, found))
        role[found] = f
    rep = check_factorisation(frozenset(role))
    if rep.status != "verified":
        missing = [p for p in ("12", "13", "14", "15", "det", "lambda_indep_X") if p not in role]
        what = (" without " + ", ".join("(Λ ⊥ X)" if m == "lambda_indep_X" else "'Λ determines B'" if m == "det"
                                        else "(%s)" % m for m in missing)) if missing else ""
        if rep.status == "refuted":
            raise kernel._err("%s: (22) does not follow%s; %s; counter-model:\n%s"
                              % (r, what, rep.note, rep.counter_model.describe()), obs)
        raise kernel._err("%s: the check is unknown%s (%s); the step is not verified" % (r, what, rep.note), obs)
    sem = Semantics.prob(any(f.semantics and f.semantics.positive for f in role.values()),
                         next((f.semantics.graph for f in role.values() if f.semantics and f.semantics.graph), None))
    facts: dict[str, Fact] = {}
    from ..probability.factorisation import equation_latex
    eqs = equation_latex()
    for st in rep.steps:
        prem = [role[p] for p in st.premises_used] + [facts[d] for d in st.depends_on if d in facts] + pos[:1]
        statement = claim if st.label == "22" else Equation(st.label, eqs[st.label])
        # each equation holds in the class of models of the facts it rests on
        ps = [f.semantics for f in prem if f.semantics is not None]
        graphs = {q.graph for q in ps if q.graph}
        sem_st = Semantics.prob(any(q.positive for q in ps), graphs.pop() if len(graphs) == 1 else None)
        facts[st.label] = Fact(_MINT, statement, "factorisation (%s): %s" % (st.label, st.rule), tuple(prem),
                               sem_st, tuple(obs if st.label == "22" else ()) + tuple(st.obligations))
    return [facts[k] for k in sorted(facts, key=int)]
