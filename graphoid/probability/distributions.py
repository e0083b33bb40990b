"""Exact finite joint distributions (Fractions) over A_1..A_n, X_1..X_n, Λ: marginals, conditional
independence, the premises of Step 4 and the factorisation (22), all decided exactly."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import product as cartesian


@dataclass(frozen=True)
class Joint:
    """P over named variables: `table` maps value tuples (in `variables` order) to probabilities.
    Zero-probability rows may be omitted."""
    variables: tuple[str, ...]
    table: tuple[tuple[tuple[int, ...], Fraction], ...]

    @staticmethod
    def from_dict(variables, probs: dict) -> "Joint":
        rows = tuple(sorted((tuple(k), Fraction(v)) for k, v in probs.items() if v != 0))
        total = sum(p for _, p in rows)
        if total != 1 or any(p < 0 for _, p in rows):
            raise ValueError("not a probability distribution (total %s)" % total)
        return Joint(tuple(variables), rows)

    def marginal(self, names) -> dict[tuple, Fraction]:
        idx = [self.variables.index(v) for v in names]
        out: dict[tuple, Fraction] = {}
        for row, p in self.table:
            key = tuple(row[i] for i in idx)
            out[key] = out.get(key, Fraction(0)) + p
        return out

    def values(self, name) -> list[int]:
        return sorted({row[self.variables.index(name)] for row, _ in self.table})


def independent(P: Joint, U, V, W=()) -> bool:
    """(U ⊥ V | W) exactly: P(uvw) P(w) = P(uw) P(vw) for all u, v, w (empty U or V: true)."""
    U, V, W = list(U), list(V), list(W)
    if not U or not V:
        return True
    puvw, pw = P.marginal(U + V + W), P.marginal(W)
    puw, pvw = P.marginal(U + W), P.marginal(V + W)
    nu, nv = len(U), len(V)
    us = {k[:nu]: None for k in puw}
    vs = {k[:nv]: None for k in pvw}
    for w, p_w in pw.items():
        for u in us:
            p_uw = puw.get(u + w, 0)
            for v in vs:
                if puvw.get(u + v + w, 0) * p_w != p_uw * pvw.get(v + w, 0):
                    return False
    return True


@dataclass(frozen=True)
class Scenario:
    """n parties/measurements, 1..n = I_B ⊔ I_C; variable names A1.., X1.., and L for Λ."""
    n: int
    I_C: tuple[int, ...]

    @property
    def I_B(self) -> tuple[int, ...]:
        return tuple(i for i in range(1, self.n + 1) if i not in self.I_C)

    def A(self, idx): return ["A%d" % i for i in idx]   # noqa: E704
    def X(self, idx): return ["X%d" % i for i in idx]   # noqa: E704

    @property
    def variables(self) -> tuple[str, ...]:
        r = range(1, self.n + 1)
        return tuple(self.A(r) + self.X(r) + ["L"])


def premise_holds(P: Joint, sc: Scenario, name: str) -> bool:
    """The premises of Step 4, decided exactly on P."""
    B, C, Y, Z = sc.A(sc.I_B), sc.A(sc.I_C), sc.X(sc.I_B), sc.X(sc.I_C)
    allA, allX = sc.A(range(1, sc.n + 1)), sc.X(range(1, sc.n + 1))
    if name == "12":
        return independent(P, B, Z, ["L"])
    if name == "13":
        return independent(P, allA, Y, Z + ["L"])
    if name == "14":
        return all(independent(P, ["A%d" % i], [c for c in C if c != "A%d" % i], Z + ["L"]) for i in sc.I_C)
    if name == "15":
        return all(independent(P, ["A%d" % i], [z for z in Z if z != "X%d" % i], ["X%d" % i, "L"])
                   for i in sc.I_C)
    if name == "det":   # given each value of Λ, B takes a single value
        seen: dict = {}
        for key in P.marginal(["L"] + B):
            if seen.setdefault(key[0], key[1:]) != key[1:]:
                return False
        return True
    if name == "lambda_indep_X":
        return independent(P, ["L"], allX)
    raise ValueError("unknown premise %r" % name)


def well_defined(P: Joint, sc: Scenario, values=(0, 1)) -> bool:
    """The encoding's standing assumption: P(X = x, Λ = λ) > 0 for every x and every λ with
    P(λ) > 0, so every conditional in (16)-(22) is defined."""
    allX = sc.X(range(1, sc.n + 1))
    pxl = P.marginal(allX + ["L"])
    return all(pxl.get(x + (lam,), 0) > 0 for x in cartesian(values, repeat=sc.n) for lam in P.values("L"))


def factorisation_violation(P: Joint, sc: Scenario, values=(0, 1)):
    """None if (22) holds exactly for all a, x; else (a, x, 𝒫(a|x), Σ_Λ ∏ P(C_j|Z_jΛ) ∏ P(B_k|Λ) P(Λ))."""
    n = sc.n
    allA, allX = sc.A(range(1, n + 1)), sc.X(range(1, n + 1))
    pax, px, pl = P.marginal(allA + allX), P.marginal(allX), P.marginal(["L"])
    cond_C = {i: (P.marginal(["A%d" % i, "X%d" % i, "L"]), P.marginal(["X%d" % i, "L"])) for i in sc.I_C}
    cond_B = {k: P.marginal(["A%d" % k, "L"]) for k in sc.I_B}
    for x in cartesian(values, repeat=n):
        for a in cartesian(values, repeat=n):
            lhs = pax.get(a + x, Fraction(0)) / px[x]
            rhs = Fraction(0)
            for (lam,), p_l in pl.items():
                term = p_l
                for i in sc.I_C:
                    joint, cond = cond_C[i]
                    term *= joint.get((a[i - 1], x[i - 1], lam), 0) / cond[(x[i - 1], lam)]
                for k in sc.I_B:
                    term *= cond_B[k].get((a[k - 1], lam), 0) / p_l
                rhs += term
            if lhs != rhs:
                return a, x, lhs, rhs
    return None
