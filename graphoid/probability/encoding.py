"""z3 encoding of Step 4 for symbolic n: every probability term is an uninterpreted real function of
(index, values of A, values of X, value of Λ); laws of probability and the premises are named,
universally quantified axioms; products over I_B, I_C are z3 recursive functions.

Interpretation (under which every axiom below is true, so an unsat query proves the equation):
n ≥ 1 and 1..n = I_B ⊔ I_C (in_I_C(i) says i ∈ I_C); A, X, Λ, Ω finite-valued with a joint
distribution in which P(X = x, Λ = λ) > 0 for all x and every λ in the support of Λ; a : Int → Val
and x : Int → Val are the values of A and X (B = a on I_B, C = a on I_C, Y = x on I_B, Z = x on I_C);
λ ranges over the support of Λ. P(U | V) denotes the conditional probability of the values read off
(a, x, λ) (extra arguments are ignored); where P(V) = 0 its value is arbitrary, and every axiom
that would need P(V) > 0 says so in a guard. Σ_Λ is outside z3: a step proves the summands equal
for every λ, and equal summands give equal sums (congruence)."""
from __future__ import annotations

import re

import z3

from .expressions import Prob, after, fam, latent, member

Val = z3.DeclareSort("Val")             # outcomes of A_i and settings of X_i
LamVal = z3.DeclareSort("LambdaVal")   # values of Λ
Assignment = z3.ArraySort(z3.IntSort(), Val)

n = z3.Int("n")
in_IC = z3.Function("in_I_C", z3.IntSort(), z3.BoolSort())   # i ∈ I_C; otherwise i ∈ I_B
a, x = z3.Const("a", Assignment), z3.Const("x", Assignment)  # free: arbitrary values (universal)
lam = z3.Const("lam", LamVal)
j = z3.Int("j")                                               # the induction variable

# bound variables of the axioms (distinct from the free constants above)
_i2 = z3.Int("i2")   # i' = i + 1, bound separately so triggers need no arithmetic
_i, _a, _x, _l = z3.Int("i"), z3.Const("a2", Assignment), z3.Const("x2", Assignment), z3.Const("lam2", LamVal)

A, X, B, C, Y, Z = (fam(s) for s in "AXBCYZ")
LAM, OM = latent("Λ"), latent("Ω")

_functions: dict[str, z3.FuncDeclRef] = {}
ORIGINAL: dict[str, str] = {}   # z3 symbol -> the printed name it stands for (P(C|ZΛ), ∏_j …)


def term(p: Prob | str, idx=None, av=None, xv=None, lv=None) -> z3.ArithRef:
    """The z3 term standing for probability p (or a named sum) at index idx and values (a, x, λ)."""
    key = p if isinstance(p, str) else p.key()
    indexed = idx is not None
    if key not in _functions:
        sig = ([z3.IntSort()] if indexed else []) + [Assignment, Assignment, LamVal, z3.RealSort()]
        # plain SMT-LIB symbols (the printed form of p is the key), so stored queries re-parse
        sym = "P%d_%s" % (len(_functions), re.sub(r"[^A-Za-z0-9_]", "_", key))
        ORIGINAL[sym] = key
        _functions[key] = z3.Function(sym, *sig)
    f = _functions[key]
    if f.arity() != (4 if indexed else 3):
        raise ValueError("%s used both with and without an index" % key)
    args = ([idx] if indexed else []) + [a if av is None else av, x if xv is None else xv,
                                          lam if lv is None else lv]
    return f(*args)


# --- the probability terms of (16)-(22), in the paper's notation
P_A_X = Prob([A], [X], observable=True)
P_AL_X = Prob([A, LAM], [X])
P_AO_XL = Prob([A, OM], [X, LAM])
SUM_OMEGA = "Σ_Ω " + P_AO_XL.key()
P_A_XL = Prob([A], [X, LAM])
P_A_YZL = Prob([A], [Y, Z, LAM])
P_L_X = Prob([LAM], [X])
P_L = Prob([LAM])
P_A_ZL = Prob([A], [Z, LAM])
P_C_BZL = Prob([C], [B, Z, LAM])
P_B_ZL = Prob([B], [Z, LAM])
P_B_L = Prob([B], [LAM])
P_C_ZL = Prob([C], [Z, LAM])
P_Cafter_ZL = Prob([after("C", "j")], [Z, LAM])            # P(C ∖ {C_1..C_j} | ZΛ)
P_Cj_after_ZL = Prob([member("C", "j")], [after("C", "j"), Z, LAM])
P_Cj_ZL = Prob([member("C", "j")], [Z, LAM])
P_Cj_ZjL = Prob([member("C", "j")], [member("Z", "j"), LAM])
P_Bafter_L = Prob([after("B", "k")], [LAM])                 # P(B ∖ {B_1..B_k} | Λ)
P_Bk_L = Prob([member("B", "k")], [LAM])


def _forall(vs, body, *patterns):
    """∀ with explicit triggers where given: plain applications (no arithmetic inside) keep
    z3's instantiation predictable, so results do not drift with unrelated declarations."""
    return z3.ForAll(vs, body, patterns=list(patterns)) if patterns else z3.ForAll(vs, body)


def _successive(body, *terms):
    """∀ i, i' = i + 1 (0 ≤ i < n): body.  The trigger asks for both q(i) and q(i') to exist
    already, so an instance never creates q(i+2): no matching loop along the index."""
    return z3.ForAll([_i, _i2, _a, _x, _l],
                     z3.Implies(z3.And(_i2 == _i + 1, 0 <= _i, _i < n), body),
                     patterns=[z3.MultiPattern(*terms)])


def _unit(t):
    return z3.Or(t == 0, t == 1)


def _product(name: str, factor, select) -> z3.FuncDeclRef:
    """∏ over i ∈ (j, n] with select(i) of factor(i): recursive in j, well-founded by n − j."""
    PRODUCTS[name] = (factor(None, None, None, None), "I_C" if select is in_IC else "I_B")
    sym = "prod%d_%s" % (len(PRODUCTS), re.sub(r"[^A-Za-z0-9_]", "_", name))
    ORIGINAL[sym] = name
    f = z3.RecFunction(sym, z3.IntSort(), Assignment, Assignment, LamVal, z3.RealSort())
    z3.RecAddDefinition(f, [_i, _a, _x, _l],
                        z3.If(_i >= n, z3.RealVal(1),
                              z3.If(select(_i + 1), factor(_i + 1, _a, _x, _l), z3.RealVal(1))
                              * f(_i + 1, _a, _x, _l)))
    return f


# name of each product -> (factor, whether index i is selected), for readers and semantic tests
PRODUCTS: dict[str, tuple[Prob, str]] = {}

def _factor(p: Prob):
    """factor(i, a, x, λ) as a z3 term; called with i = None it returns the Prob itself."""
    return lambda i, av, xv, lv: p if i is None else term(p, i, av, xv, lv)


PROD_19 = _product("∏_j P(C_j|C\\{C_1..C_j}ZΛ)", _factor(P_Cj_after_ZL), in_IC)
PROD_20 = _product("∏_j P(C_j|Z_jΛ)", _factor(P_Cj_ZjL), in_IC)
PROD_21 = _product("∏_k P(B_k|Λ)", _factor(P_Bk_L), lambda i: z3.Not(in_IC(i)))


def calculus_axioms() -> dict[str, tuple[str, z3.BoolRef]]:
    """Laws of probability, instantiated at the terms of Step 4, by short id -> (name, formula);
    each is true in every finite distribution under the interpretation in the module docstring."""
    t = lambda p, i=None: term(p, i, _a, _x, _l)   # noqa: E731  (terms over the bound variables)
    q = lambda i: term(P_Cafter_ZL, i, _a, _x, _l)  # noqa: E731
    r = lambda i: term(P_Bafter_L, i, _a, _x, _l)   # noqa: E731
    return {
        "n": ("index: n ≥ 1", n >= 1),
        "chain_AL": ("calc: chain rule P(AΛ|X) = P(A|XΛ)P(Λ|X)",
                     _forall([_a, _x, _l], t(P_AL_X) == t(P_A_XL) * t(P_L_X))),
        "marg_O": ("calc: marginalisation Σ_Ω P(AΩ|XΛ) = P(A|XΛ)",
                   _forall([_a, _x, _l], t(SUM_OMEGA) == t(P_A_XL))),
        "X=YZ": ("calc: X = YZ (I_B ⊔ I_C = 1..n)",
                 _forall([_a, _x, _l], t(P_A_YZL) == t(P_A_XL))),
        "chain_BC": ("calc: chain rule P(BC|ZΛ) = P(C|BZΛ)P(B|ZΛ) (A = BC)",
                     _forall([_a, _x, _l], t(P_A_ZL) == t(P_C_BZL) * t(P_B_ZL))),
        "chain_C": ("calc: chain rule P(C∖{C_1..C_{i-1}}|ZΛ) = P(C_i|C∖{C_1..C_i}ZΛ)P(C∖{C_1..C_i}|ZΛ)",
                    _successive(q(_i) == z3.If(in_IC(_i2), t(P_Cj_after_ZL, _i2), 1) * q(_i2), q(_i), q(_i2))),
        "ends_C": ("calc: C∖{} = C and C∖{C_1..C_n} = ∅",
                   _forall([_a, _x, _l], z3.And(q(0) == t(P_C_ZL), q(n) == 1))),
        "ends_B": ("calc: B∖{} = B and B∖{B_1..B_n} = ∅",
                   _forall([_a, _x, _l], z3.And(r(0) == t(P_B_L), r(n) == 1))),
        "skip_B": ("calc: B∖{B_1..B_i} = B∖{B_1..B_{i-1}} for i ∈ I_C",
                   _successive(z3.Implies(in_IC(_i2), r(_i) == r(_i2)), r(_i), r(_i2))),
        "nonneg": ("calc: probabilities are non-negative",
                   z3.And(_forall([_i, _a, _x, _l], q(_i) >= 0, q(_i)),
                          _forall([_i, _a, _x, _l], r(_i) >= 0, r(_i)))),
        # A sure event stays sure, a null event stays null, when one conditions on more (of
        # positive probability); intersecting with a sure event changes nothing.
        "sure_BC": ("calc: sure and null events (B given Λ, ZΛ; C given BZΛ)",
                    _forall([_a, _x, _l], z3.And(
                        z3.Implies(t(P_B_L) == 0, t(P_B_ZL) == 0),
                        z3.Implies(t(P_B_L) == 1, t(P_B_ZL) == 1),
                        z3.Implies(t(P_B_ZL) == 1, t(P_C_BZL) == t(P_C_ZL))))),
        "sure_Bk": ("calc: sure and null events (B_i given Λ)",
                    _successive(z3.Implies(z3.Not(in_IC(_i2)), z3.And(
                        z3.Implies(t(P_Bk_L, _i2) == 0, r(_i) == 0),
                        z3.Implies(t(P_Bk_L, _i2) == 1, r(_i) == r(_i2)))), r(_i), r(_i2))),
    }


def premise_axioms() -> dict[str, list[z3.BoolRef]]:
    """The premises of Step 4 as named axioms (a name may stand for several formulas)."""
    t = lambda p, i=None: term(p, i, _a, _x, _l)   # noqa: E731
    q = lambda i: term(P_Cafter_ZL, i, _a, _x, _l)  # noqa: E731
    in_C = lambda i: z3.And(1 <= i, i <= n, in_IC(i))            # noqa: E731
    in_B = lambda i: z3.And(1 <= i, i <= n, z3.Not(in_IC(i)))    # noqa: E731
    return {
        # (12) (B ⊥ Z | Λ): conditioning on Z does not change the distribution of B given Λ
        "12": [_forall([_a, _x, _l], t(P_B_ZL) == t(P_B_L))],
        # (13) (A ⊥ Y | ZΛ)
        "13": [_forall([_a, _x, _l], t(P_A_YZL) == t(P_A_ZL))],
        # (14) (C_i ⊥ C_{\i} | ZΛ), used through its decomposition (C_i ⊥ C∖{C_1..C_i} | ZΛ),
        # i.e. graphoid axiom (3); guarded because the conditioning event may have probability 0
        "14": [_forall([_i, _a, _x, _l], z3.Implies(z3.And(in_C(_i), q(_i) > 0),
                                                    t(P_Cj_after_ZL, _i) == t(P_Cj_ZL, _i)),
                       t(P_Cj_after_ZL, _i))],
        # (15) (C_i ⊥ Z_{\i} | Z_iΛ)
        "15": [_forall([_i, _a, _x, _l], z3.Implies(in_C(_i), t(P_Cj_ZL, _i) == t(P_Cj_ZjL, _i)),
                       t(P_Cj_ZL, _i))],
        # Λ determines B: given Λ, B and each B_k take one value with probability 1
        "det": [_forall([_a, _x, _l], _unit(t(P_B_L))),
                _forall([_i, _a, _x, _l], z3.Implies(in_B(_i), _unit(t(P_Bk_L, _i))), t(P_Bk_L, _i))],
        # (Λ ⊥ X)
        "lambda_indep_X": [_forall([_a, _x, _l], t(P_L_X) == t(P_L))],
    }


PREMISES = ("12", "13", "14", "15", "det", "lambda_indep_X")


def axioms_satisfiable(timeout_ms: int = 20000) -> str:
    """'sat' when z3 finds a model of every law and premise together: the proofs are then not
    vacuous consequences of contradictory axioms. 'unsat'/'unknown' otherwise."""
    solver = z3.Solver()
    solver.set(timeout=timeout_ms)
    for _name, formula in calculus_axioms().values():
        solver.add(formula)
    for formulas in premise_axioms().values():
        solver.add(*formulas)
    return str(solver.check())
