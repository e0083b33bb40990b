"""The factorisability LP (HiGHS via highspy), solved by column generation.

Coordinates. For a behaviour satisfying no-disturbance, the probabilities P(A_S = o) for every
nonempty set S of measurements contained in some context and every o with no entry equal to the last
outcome of its measurement (Collins–Gisin coordinates, generalised to any scenario) determine the whole
table: within a context, inclusion–exclusion recovers every joint outcome from them, and no-disturbance
makes them independent of the context used. Deterministic assignments satisfy no-disturbance too, so
the behaviour is a mixture of deterministic assignments iff its coordinate vector t is one of theirs.
This has far fewer rows than the table (3^8 instead of 2^16 for 8-party Mermin).

LP. With u the uniform behaviour (a local point: the uniform mixture of every assignment), maximise v
subject to  Σ_λ w_λ a_λ + w_u u = v t + (1 - v) u,  w ≥ 0, 0 ≤ v ≤ 1,  where a_λ are the coordinates of
the deterministic assignment λ. v* = 1 means local (and w is a decomposition); v* < 1 means not, and
the row duals give a Bell–KS inequality that u satisfies and t violates. Columns a_λ are generated on
demand: the pricing problem max_λ Σ_r (-y_r) a_λ[r] is a sum of local terms (`maximise`).

Nothing here is trusted: `decide` re-derives every reported number in exact rationals.
"""
from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field

import numpy as np

from .maximise import TooLarge, maximise


class Coordinates:
    def __init__(self, b):
        sc = b.scenario
        self.behaviour = b
        self.names = list(sc.measurements)
        self.index = {m: i for i, m in enumerate(self.names)}
        self.card = [len(sc.outcomes[m]) for m in self.names]
        host = {}
        for c in sc.contexts:
            idx = sorted(self.index[m] for m in c)
            for r in range(1, len(idx) + 1):
                for S in itertools.combinations(idx, r):
                    host.setdefault(S, c)
        self.scopes = sorted(host, key=lambda s: (len(s), s))
        self.host = host
        self.offset = {}
        n = 1  # row 0: normalisation
        for S in self.scopes:
            self.offset[S] = n
            n += math.prod(self.card[v] - 1 for v in S)
        self.nrows = n
        # vectorised column construction, grouped by scope size
        self.groups = []
        bysize: dict = {}
        for S in self.scopes:
            if math.prod(self.card[v] - 1 for v in S):
                bysize.setdefault(len(S), []).append(S)
        for s, Ss in bysize.items():
            idx = np.array(Ss, dtype=np.int64)
            lim = np.array([[self.card[v] - 1 for v in S] for S in Ss], dtype=np.int64)
            strides = np.ones_like(lim)
            for j in range(s - 2, -1, -1):
                strides[:, j] = strides[:, j + 1] * lim[:, j + 1]
            off = np.array([self.offset[S] for S in Ss], dtype=np.int64)
            self.groups.append((idx, lim, strides, off))
        self.target = self._target()
        self.uniform = self._uniform()

    def _target(self) -> np.ndarray:
        t = np.zeros(self.nrows)
        t[0] = 1.0
        sc = self.behaviour.scenario
        arrays = {}
        for c in sc.contexts:
            arr = np.array([float(q) for q in self.behaviour.table[c].values()]).reshape([self.card[self.index[m]] for m in c])
            arrays[c] = arr
        for S in self.scopes:
            c = self.host[S]
            pos = [c.index(self.names[v]) for v in S]
            other = tuple(i for i in range(len(c)) if i not in pos)
            marg = arrays[c].sum(axis=other) if other else arrays[c]
            # marg's axes follow the context's order; S is sorted by measurement index
            marg = np.transpose(marg, axes=np.argsort(np.argsort(pos))) if len(pos) > 1 else marg
            block = marg[tuple(slice(0, self.card[v] - 1) for v in S)]
            n = block.size
            if n:
                t[self.offset[S]:self.offset[S] + n] = block.reshape(-1)
        return t

    def exact_target(self, r: int):
        """The exact rational t_r (from the table, through the row's host context)."""
        from fractions import Fraction
        if r == 0:
            return Fraction(1)
        S, o = self.row_label(r)
        c = self.host[S]
        names = tuple(self.names[v] for v in S)
        labels = tuple(self.behaviour.scenario.outcomes[self.names[v]][x] for v, x in zip(S, o))
        return self.behaviour.marginal(c, names).get(labels, Fraction(0))

    def row_label(self, r: int):
        """Row r -> (scope S, outcome indices o)."""
        for S in reversed(self.scopes):
            if self.offset[S] <= r:
                lim = [self.card[v] - 1 for v in S]
                return S, tuple(int(x) for x in np.unravel_index(r - self.offset[S], lim))
        raise IndexError(r)

    def _uniform(self) -> np.ndarray:
        u = np.zeros(self.nrows)
        u[0] = 1.0
        for S in self.scopes:
            n = math.prod(self.card[v] - 1 for v in S)
            if n:
                u[self.offset[S]:self.offset[S] + n] = 1.0 / math.prod(self.card[v] for v in S)
        return u

    def columns(self, lams: np.ndarray):
        """Rows (sorted) where each deterministic assignment (rows of `lams`, K × M) has a 1."""
        K = lams.shape[0]
        parts = [[0] for _ in range(K)]
        for idx, lim, strides, off in self.groups:
            L = lams[:, idx]                          # K × n_s × s
            valid = (L < lim[None]).all(axis=2)       # K × n_s
            code = off[None] + (L * strides[None]).sum(axis=2)
            for k in range(K):
                parts[k].extend(code[k][valid[k]].tolist())
        return [sorted(p) for p in parts]

    def factors(self, beta: np.ndarray):
        """beta over rows -> factors over scopes whose sum at λ is beta·a_λ."""
        fs = [((), np.array(beta[0]))]
        for S in self.scopes:
            lim = [self.card[v] - 1 for v in S]
            n = math.prod(lim)
            if not n:
                continue
            arr = np.zeros([self.card[v] for v in S])
            arr[tuple(slice(0, x) for x in lim)] = beta[self.offset[S]:self.offset[S] + n].reshape(lim)
            fs.append((S, arr))
        return fs


@dataclass
class LPResult:
    status: str                 # "optimal" or "unknown"
    visibility: float = 0.0     # v*
    columns: list = field(default_factory=list)   # deterministic assignments (tuples of outcome indices)
    weights: list = field(default_factory=list)   # their LP weights
    uniform_weight: float = 0.0
    beta: np.ndarray | None = None                # inequality in coordinates: beta·a_λ ≤ 0 (approx.)
    basic: list = field(default_factory=list)     # basic structural columns: ("v"|"u"|k)
    free_rows: list = field(default_factory=list)  # rows whose logical is nonbasic
    iterations: int = 0
    seconds: float = 0.0
    pricing: str = ""
    message: str = ""


def solve(coords: Coordinates, time_limit: float = 600.0, batch: int = 64, tol: float = 1e-9,
          extra_columns=(), strict: bool = False) -> LPResult:
    """strict: tighter tolerances and the primal simplex (the retry when an exact solve failed)."""
    import highspy
    t0 = time.perf_counter()
    h = new_highs()
    h.setOptionValue("primal_feasibility_tolerance", 1e-12 if strict else 1e-10)
    h.setOptionValue("dual_feasibility_tolerance", 1e-12 if strict else 1e-10)
    if strict:
        h.setOptionValue("simplex_strategy", 4)
        h.setOptionValue("presolve", "off")
    m = coords.nrows
    t, u = coords.target, coords.uniform
    inf = highspy.kHighsInf
    h.addRows(m, u, u, 0, np.zeros(1, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0))
    d = -(t - u)
    nz = np.nonzero(np.abs(d) > 0)[0]
    h.addCol(1.0, 0.0, 1.0, len(nz), nz.astype(np.int32), d[nz])
    nzu = np.nonzero(u)[0]
    h.addCol(0.0, 0.0, inf, len(nzu), nzu.astype(np.int32), u[nzu])
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    cols: list = []
    seen: set = set()

    def add(lams):
        lams = [tuple(x) for x in lams if tuple(x) not in seen]
        if not lams:
            return 0
        rows = coords.columns(np.array(lams, dtype=np.int64))
        starts, idx = [], []
        for r in rows:
            starts.append(len(idx))
            idx.extend(r)
        k = len(lams)
        h.addCols(k, np.zeros(k), np.zeros(k), np.full(k, inf), len(idx), np.array(starts, dtype=np.int32),
                  np.array(idx, dtype=np.int32), np.ones(len(idx)))
        for x in lams:
            seen.add(x)
            cols.append(x)
        return k

    if extra_columns:
        add(list(extra_columns))
    it = 0
    pricing = "brute force" if coords_total(coords) <= (1 << 22) else "variable elimination"
    while True:
        it += 1
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return LPResult("unknown", iterations=it, seconds=time.perf_counter() - t0,
                            message="HiGHS: %s" % h.modelStatusToString(h.getModelStatus()))
        y = np.array(h.getSolution().row_dual)
        beta = -y  # reduced cost of column a is c - a·y = beta·a (c = 0): improving iff beta·a > 0
        try:
            best = maximise(coords.card, coords.factors(beta), dtype=float, topk=batch)
        except TooLarge as e:
            return LPResult("unknown", iterations=it, seconds=time.perf_counter() - t0, message=str(e))
        new = [asg for val, asg in best if val > tol]
        if len(best) == 1 and new and batch > 1:  # variable elimination returns one column: add its best neighbours
            new += _neighbours(coords.card, coords.factors(beta), new[0], batch - 1, tol)
        if not new or add(new) == 0:
            break
        if time.perf_counter() - t0 > time_limit:
            return LPResult("unknown", iterations=it, seconds=time.perf_counter() - t0,
                            message="column generation hit the time limit (%.0f s)" % time_limit)
    sol = h.getSolution()
    x = list(sol.col_value)
    basis = h.getBasis()
    kBasic = highspy.HighsBasisStatus.kBasic
    basic = []
    for j, st in enumerate(basis.col_status):
        if st == kBasic:
            basic.append("v" if j == 0 else "u" if j == 1 else j - 2)
    free_rows = [r for r, st in enumerate(basis.row_status) if st != kBasic]
    return LPResult("optimal", visibility=x[0], columns=cols, weights=x[2:], uniform_weight=x[1], beta=beta,
                    basic=basic, free_rows=free_rows, iterations=it, seconds=time.perf_counter() - t0,
                    pricing=pricing)


def _neighbours(card, factors, asg, k, tol):
    """Up to k assignments one outcome away from `asg` whose reduced cost is still positive."""
    by_var: dict = {}
    for S, arr in factors:
        for v in S:
            by_var.setdefault(v, []).append((S, arr))
    base = sum(float(arr[tuple(asg[v] for v in S)]) for S, arr in factors)
    cand = []
    for v, fs in by_var.items():
        here = sum(float(arr[tuple(asg[u] for u in S)]) for S, arr in fs)
        for x in range(card[v]):
            if x == asg[v]:
                continue
            alt = list(asg)
            alt[v] = x
            val = base - here + sum(float(arr[tuple(alt[u] for u in S)]) for S, arr in fs)
            if val > tol:
                cand.append((val, tuple(alt)))
    cand.sort(key=lambda t: -t[0])
    return [a for _, a in cand[:k]]


_banner_done = False


def new_highs():
    """A silent Highs instance. The first construction in a process prints a banner on the C-level
    stdout, which would corrupt `--json` output: discard it."""
    global _banner_done
    import highspy
    if _banner_done:
        h = highspy.Highs()
    else:
        import os
        import sys
        sys.stdout.flush()
        saved = os.dup(1)
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 1)
            h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(null)
        _banner_done = True
    h.setOptionValue("output_flag", False)
    return h


def coords_total(coords: Coordinates) -> int:
    used = {v for S in coords.scopes for v in S}
    return math.prod(coords.card[v] for v in used)
