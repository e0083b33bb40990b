"""Behaviour families with exact rational entries: the shipped examples and the benchmark scenarios."""
from __future__ import annotations

import itertools
import math
from fractions import Fraction

from .model import make_behaviour

PM = ("1", "-1")


def _pm_value(o) -> int:
    return 1 if o == "1" else -1


def correlated(measurements, contexts, corr, name):
    """±1 outcomes; P(a|c) = (1 + E_c ∏a) / 2^|c| with full correlator E_c = corr(c) and every lower
    correlator 0 (uniform marginals, so no-disturbance holds)."""
    ms = {m: PM for m in measurements}

    def p(c, o):
        return (1 + Fraction(corr(c)) * math.prod(_pm_value(x) for x in o)) / Fraction(2 ** len(c))
    return make_behaviour(ms, contexts, p, name)


def chsh(e: Fraction = Fraction(7, 10)):
    """CHSH with correlators E(x,y) = (-1)^{xy} e; CHSH value 4e (local bound 2, Tsirelson 2√2)."""
    cs = [("A%d" % x, "B%d" % y) for x in (0, 1) for y in (0, 1)]
    return correlated(["A0", "A1", "B0", "B1"], cs, lambda c: -e if c == ("A1", "B1") else e, "chsh")


def pr_box():
    """Popescu–Rohrlich box: outcomes 0/1, a ⊕ b = x·y with probability 1."""
    ms = {m: ("0", "1") for m in ["A0", "A1", "B0", "B1"]}
    cs = [("A%d" % x, "B%d" % y) for x in (0, 1) for y in (0, 1)]

    def p(c, o):
        x, y = int(c[0][1]), int(c[1][1])
        return Fraction(1, 2) if (int(o[0]) ^ int(o[1])) == (x & y) else Fraction(0)
    return make_behaviour(ms, cs, p, "pr_box")


def mermin(n: int, contexts: str = "all"):
    """GHZ state (|0…0⟩+|1…1⟩)/√2 measured in X or Y by each of n parties: ⟨∏σ⟩ = cos(kπ/2) for k
    parties measuring Y, every marginal of fewer parties uniform. contexts='mermin': only even k
    (the terms of Mermin's inequality); 'all': every choice of settings (2^n contexts)."""
    names = ["%s%d" % (chr(ord("A") + i) if n <= 26 else "P%d_" % i, s) for i in range(n) for s in (0, 1)]
    cs = []
    for sel in itertools.product((0, 1), repeat=n):
        k = sum(sel)
        if contexts == "mermin" and k % 2:
            continue
        cs.append(tuple(names[2 * i + s] for i, s in enumerate(sel)))

    def corr(c):
        k = sum(int(m[-1]) for m in c)
        return 0 if k % 2 else (1 if (k // 2) % 2 == 0 else -1)
    return correlated(names, cs, corr, "mermin%d" % n)


def chained(N: int, e: Fraction | None = None):
    """Chained Bell scenario (Braunstein–Caves) with N settings per party: contexts (A_i,B_i) and
    (A_{i+1},B_i), correlators e except -e on (A_1, B_N)... i.e. the chain closes with a sign flip.
    Local bound of the chained inequality 2N-2; the quantum value 2N cos(π/2N). Default e: cos(π/2N)
    rounded down to 3 decimals (reached by a noisy maximally entangled state)."""
    if e is None:
        e = Fraction(math.floor(math.cos(math.pi / (2 * N)) * 1000), 1000)
    A = ["A%d" % i for i in range(N)]
    B = ["B%d" % i for i in range(N)]
    cs = []
    for i in range(N):
        cs.append((A[i], B[i]))
        if i + 1 < N:
            cs.append((A[i + 1], B[i]))
    cs.append((A[0], B[N - 1]))
    return correlated(A + B, cs, lambda c: -e if c == (A[0], B[N - 1]) else e, "chained%d" % N)


def kcbs(q: Fraction = Fraction(4, 9)):
    """KCBS: five 0/1 measurements in a cycle of exclusive pairs; P(1) = q for each (noncontextual
    bound Σ P(1) ≤ 2, i.e. q ≤ 2/5; quantum up to 1/√5 ≈ 0.4472)."""
    ms = {"M%d" % i: ("0", "1") for i in range(5)}
    cs = [("M%d" % i, "M%d" % ((i + 1) % 5)) for i in range(5)]
    table = {("0", "0"): 1 - 2 * q, ("0", "1"): q, ("1", "0"): q, ("1", "1"): Fraction(0)}
    return make_behaviour(ms, cs, lambda c, o: table[o], "kcbs")


def peres_mermin():
    """Peres–Mermin square on the maximally mixed two-qubit state: 9 ±1 observables, rows and columns
    are the contexts; every row's product is +1, the columns' are +1, +1, -1; each context's outcome is
    uniform over the four triples with the right product."""
    names = [["A", "B", "C"], ["D", "E", "F"], ["G", "H", "I"]]
    rows = [tuple(r) for r in names]
    cols = [tuple(names[i][j] for i in range(3)) for j in range(3)]
    sign = {c: 1 for c in rows + cols}
    sign[cols[2]] = -1
    ms = {m: PM for r in names for m in r}
    return make_behaviour(ms, rows + cols,
                          lambda c, o: Fraction(1, 4) if math.prod(_pm_value(x) for x in o) == sign[c] else 0,
                          "peres_mermin")


def local_boundary():
    """A local CHSH behaviour on the boundary: correlators 1/2 with CHSH value exactly 2, and biased
    marginals. A mixture of deterministic assignments with rational weights, so the LP's answer must
    be confirmed exactly (a float test could go either way)."""
    det = [  # (weight, A0, A1, B0, B1)
        (Fraction(1, 4), 1, 1, 1, 1), (Fraction(1, 4), 1, -1, 1, 1), (Fraction(1, 8), -1, -1, -1, -1),
        (Fraction(1, 8), 1, 1, 1, -1), (Fraction(1, 4), -1, 1, -1, 1)]
    ms = {m: PM for m in ["A0", "A1", "B0", "B1"]}
    cs = [("A%d" % x, "B%d" % y) for x in (0, 1) for y in (0, 1)]
    pos = {"A0": 1, "A1": 2, "B0": 3, "B1": 4}

    def p(c, o):
        return sum((w for w, *v in [(d[0], *d[1:]) for d in det]
                    if all(v[pos[m] - 1] == _pm_value(x) for m, x in zip(c, o))), Fraction(0))
    return make_behaviour(ms, cs, p, "local")


def signalling():
    """Alice's outcome follows Bob's setting: P(a = y) = 1, Bob uniform. Fails no-disturbance."""
    ms = {m: ("0", "1") for m in ["A0", "A1", "B0", "B1"]}
    cs = [("A%d" % x, "B%d" % y) for x in (0, 1) for y in (0, 1)]
    return make_behaviour(ms, cs, lambda c, o: Fraction(1, 2) if int(o[0]) == int(c[1][1]) else Fraction(0),
                          "signalling")
