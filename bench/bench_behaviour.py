"""Time `graphoid behaviour`'s decision on growing scenarios: n-party Mermin (GHZ state, all 2^n
contexts of n measurements) and chained Bell scenarios with N settings per party (2N contexts).

    python3 bench/bench_behaviour.py                       # Mermin n = 3..8, chained N = 2..64
    python3 bench/bench_behaviour.py --mermin 3 4 5 --chained 2 4 8 --lp-cap 60

For each: the decision as `graphoid behaviour` makes it (method auto: the LP first on scenarios of
≤ 1024 deterministic assignments, else the behaviour's own witness first), including the exact
bound and the independent re-check; then the LP alone (column generation, HiGHS) until one run
exceeds --lp-cap seconds. Every answer is checked to be "not factorisable" with a verified
certificate: a wrong or unknown answer stops the bench. Then GHZ states with white noise at visibility
1/2^(n-2), which are factorisable: the time to an exact decomposition (the LP and its exact basis).
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from graphoid.behaviour import families as F  # noqa: E402
from graphoid.behaviour.decide import decide  # noqa: E402
from graphoid.behaviour.render import correlator_form  # noqa: E402


def row(kind, n, b, lp_state, cap):
    sc = b.scenario
    entries = sum(len(t) for t in b.table.values())
    t0 = time.perf_counter()
    r = decide(b)
    t = time.perf_counter() - t0
    if r.answer != "not factorisable":
        raise SystemExit("%s %d: expected not factorisable, got %s (%s)" % (kind, n, r.answer, r.reason))
    path = "LP" if "solver" in r.lp and "witness" not in r.lp.get("method", "") else "witness"
    cf = correlator_form(sc, r.inequality)
    ineq = "%s > %s" % (cf.value, cf.bound) if cf is not None else "%s > %s" % (r.inequality.value, r.inequality.bound)
    lp = "skipped"
    if not lp_state["stop"]:
        t1 = time.perf_counter()
        rl = decide(b, method="lp", time_limit=cap)
        tl = time.perf_counter() - t1
        if rl.answer == "not factorisable":
            lp = "%8.2f s (%d rows, %d cols, %d rounds, %s)" % (tl, rl.lp["rows"], rl.lp["columns_generated"],
                                                                rl.lp["iterations"], rl.lp["pricing"])
        else:
            lp = "> %.0f s (%s)" % (cap, rl.answer)
        if tl > cap:
            lp_state["stop"] = True
    print("%-8s %3d %5d %6d %22d %9d %-8s %9.2f s %9.2f s  %-16s %s" % (
        kind, n, len(sc.measurements), len(sc.contexts), sc.n_assignments(), entries, path, t, r.recheck_seconds,
        ineq, lp), flush=True)


def noisy_ghz(n, v):
    from fractions import Fraction

    from graphoid.behaviour.model import make_behaviour
    g = F.mermin(n)
    return make_behaviour({m: ("1", "-1") for m in g.scenario.measurements}, g.scenario.contexts,
                          lambda c, o: v * g.table[c][o] + (1 - v) * Fraction(1, 2 ** n))


def local_row(n, b):
    sc = b.scenario
    t0 = time.perf_counter()
    r = decide(b)
    t = time.perf_counter() - t0
    what = r.answer
    if r.decomposition is not None:
        what += " (%d assignments%s)" % (len(r.decomposition.terms),
                                         " + uniform %s" % r.decomposition.uniform_weight if r.decomposition.uniform_weight else "")
    print("%-8s %3d %5d %6d %22d %9d %-8s %9.2f s %9.2f s  %s" % (
        "ghz-loc", n, len(sc.measurements), len(sc.contexts), sc.n_assignments(),
        sum(len(x) for x in b.table.values()), "LP", t, r.recheck_seconds, what), flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mermin", type=int, nargs="*", default=[3, 4, 5, 6, 7, 8])
    ap.add_argument("--chained", type=int, nargs="*", default=[2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64])
    ap.add_argument("--lp-cap", type=float, default=120.0, help="stop timing the LP alone after a run this long")
    ap.add_argument("--local", type=int, nargs="*", default=[3, 4, 5],
                    help="GHZ with white noise at visibility 1/2^(n-2) (factorisable: exact decomposition)")
    a = ap.parse_args(argv)
    print("%-8s %3s %5s %6s %22s %9s %-8s %11s %11s  %-16s %s" % (
        "family", "n", "meas", "ctxs", "assignments", "entries", "path", "decide", "(recheck)", "value > bound",
        "LP alone"))
    state = {"stop": False}
    for n in a.mermin:
        row("mermin", n, F.mermin(n), state, a.lp_cap)
    state = {"stop": False}
    for N in a.chained:
        row("chained", N, F.chained(N), state, a.lp_cap)
    from fractions import Fraction
    for n in a.local:
        local_row(n, noisy_ghz(n, Fraction(1, 2 ** (n - 2))))


if __name__ == "__main__":
    main()
