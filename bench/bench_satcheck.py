"""Bounded verification by SAT (graphoid/graphs/satcheck.py): how far n goes within a time budget.

    python3 bench/bench_satcheck.py                          # every claim of Steps 1a-3b, n up to 12
    python3 bench/bench_satcheck.py --claims "(8),(11)" --max-n 9 --limit 600
    python3 bench/bench_satcheck.py --anchor-only            # SAT vs enumeration at n = 3
    python3 bench/bench_satcheck.py --lemma1 3               # Lemma 1, blocks of 1..3 vertices, latents

Anchor: the enumeration (graphoid/graphs/paper_checks.py), which stops at n = 3; at n = 3 both run on
the same claim and the ratio is printed side by side. Then, per claim, n = 1, 2, ... with a time limit
per size (default 600 s); the table gives the largest n decided within it and the time of that size
(encoding + solving, one process, CaDiCaL 1.9.5 through python-sat). A refuted claim stops at its
first counter-example (re-checked with networkx). Results are "checked for n ≤ k by SAT": evidence for
those sizes, not a proof for all n. No assertion: machines are noisy.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from graphoid.graphs import satcheck as sc  # noqa: E402


def anchor(names):
    from graphoid.graphs.classes import check_class, fig3_class
    from graphoid.graphs.paper_checks import HYPOTHESES, theorem1_claims
    print("n = 3: enumeration (anchor) vs SAT, same claim")
    print("%-22s %12s %10s %8s  %s" % ("claim", "enumeration", "SAT", "ratio", "verdicts"))
    for name in names:
        cl = sc.FIG3_CLAIMS[name]
        if not cl.enum_name:
            continue
        enum = HYPOTHESES[cl.enum_name][2](3) if cl.enum_name in HYPOTHESES else theorem1_claims(3)[cl.enum_name]
        t0 = time.perf_counter()
        e = check_class(fig3_class(3, full=cl.full), [enum])
        te = time.perf_counter() - t0
        r = sc.check_fig3(name, 3)
        ev = "refuted" if e.counterexample is not None else "checked" if e.holds else "unknown"
        print("%-22s %10.2f s %8.3f s %7.0f×  enumeration %s, SAT %s" % (name, te, r.seconds, te / max(r.seconds, 1e-6),
                                                                        ev, r.status), flush=True)


def reach(names, max_n, limit, solver, min_n=1):
    print("\nlargest n decided within %.0f s per size (%s), n from %d" % (limit, solver, min_n))
    print("%-22s %6s %10s %9s %9s  %s" % ("claim", "n", "time", "vars", "clauses", "result"))
    for name in names:
        last = None
        for n in range(min_n, max_n + 1):
            r = sc.check_fig3(name, n, solver=solver, time_limit=limit)
            if r.status == "unknown":
                print("%-22s %6s %10s %9d %9d  unknown at n=%d (time limit)" % (name, "", "", r.variables, r.clauses, n),
                      flush=True)
                break
            last = r
            if r.status == "refuted":
                break
        if last is not None:
            res = ("checked for n = %d..%d by SAT" % (min_n, last.n) if last.status == "checked"
                   else "refuted at n=%d: %s" % (last.n, last.detail))
            print("%-22s %6d %8.2f s %9d %9d  %s" % (name, last.n, last.seconds, last.variables, last.clauses, res),
                  flush=True)


def lemma1(k, limit, solver):
    print("\nLemma 1 on chained graphs, blocks of 1..k vertices")
    for kk in range(1, k + 1):
        for kinds in ("edge", "any"):
            t0 = time.perf_counter()
            rs = sc.check_lemma1_sat(kk, kinds, solver=solver, time_limit=limit)
            dt = time.perf_counter() - t0
            st = "checked" if all(r.status == "checked" for r in rs) and len(rs) == kk ** 4 else \
                next(r.summary() for r in rs if r.status != "checked")
            print("k=%d %-5s %3d size patterns  %8.2f s  max %d vars  %s" % (
                kk, kinds, len(rs), dt, max(r.variables for r in rs), st), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", default=",".join(sc.FIG3_CLAIMS), help="comma-separated claim names")
    ap.add_argument("--max-n", type=int, default=12)
    ap.add_argument("--min-n", type=int, default=1, help="first n (smaller sizes already checked elsewhere)")
    ap.add_argument("--limit", type=float, default=600.0, help="seconds per size")
    ap.add_argument("--solver", default=sc.DEFAULT_SOLVER)
    ap.add_argument("--anchor-only", action="store_true")
    ap.add_argument("--no-anchor", action="store_true")
    ap.add_argument("--lemma1", type=int, default=0, metavar="K", help="also Lemma 1 with blocks of 1..K vertices")
    a = ap.parse_args()
    names = [sc.fig3_claim(x.strip()).name for x in a.claims.split(",") if x.strip()]
    if not a.no_anchor:
        anchor(names)
    if a.anchor_only:
        return
    reach(names, a.max_n, a.limit, a.solver, a.min_n)
    if a.lemma1:
        lemma1(a.lemma1, a.limit, a.solver)


if __name__ == "__main__":
    main()
