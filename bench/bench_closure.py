"""The closure's hot loop, side by side: this tree's graphoid.search vs the same package at an earlier
revision (default 67329bb: a function call per square, atoms packed by a function, and gaussoid weak
transitivity found by rescanning the whole closure after every case split).

Both run the same random problems (random statements with sides of 1-3 variables, half the goals
consequences; and, marked WT, gaussoid premises in weak-transitivity pairs, which force case splits)
in the same process, alternating per problem, timed in CPU seconds of this process (time.process_time, so
that other jobs on the machine do not skew the ratio); the answers must agree
(proved / refuted, and for refutations the same closed structure). Timed: `implies` (closure plus the
gaussoid case splits) and `decide(..., witnesses=False)` (plus derivation extraction).

    python3 bench/bench_closure.py --repeat 3
"""
from __future__ import annotations

import argparse
import importlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def load_old(rev: str, dest: str):
    """graphoid/search at rev as a stand-alone package `old_search` (its __init__ imports only
    closure, derivation, statements and witness, all relative)."""
    pkg = os.path.join(dest, "old_search")
    os.makedirs(pkg)
    for name in ("__init__", "closure", "derivation", "statements", "witness"):
        src = subprocess.run(["git", "-C", ROOT, "show", "%s:graphoid/search/%s.py" % (rev, name)],
                             capture_output=True, text=True, check=True).stdout
        with open(os.path.join(pkg, name + ".py"), "w", encoding="utf-8") as fh:
            fh.write(src)
    sys.path.insert(0, dest)
    return importlib.import_module("old_search")


def problems(rng, n, count, premises=(3, 5)):
    names = [chr(65 + i) for i in range(n)]
    out = []
    for _ in range(count):
        def stmt():
            vs = rng.sample(names, n)
            a, b = rng.randint(1, 3), rng.randint(1, 3)
            c = rng.randint(0, min(3, n - a - b))
            return (frozenset(vs[:a]), frozenset(vs[a:a + b]), frozenset(vs[a + b:a + b + c]))
        prem = [stmt() for _ in range(rng.randint(*premises))]
        goal = stmt()
        if rng.random() < 0.5:      # half the goals follow: an elementary statement of the closure
            from graphoid.search.closure import Closure
            from graphoid.search.statements import Names, components, unpack
            nm = Names(names)
            cl = Closure(n, "semigraphoid")
            for q in prem:
                for x in components(*nm.triple(q)):
                    cl.add(x, ("premise", 0))
            cl.run()
            i, j, K = unpack(rng.choice(sorted(cl.just)))
            goal = nm.stmt((1 << i, 1 << j, K))
        out.append((names, prem, goal))
    return out


def wt_problems(rng, n, count):
    """Premises in weak-transitivity pairs (x ⊥ y | L), (x ⊥ y | kL): many open case splits."""
    names = [chr(65 + i) for i in range(n)]
    out = []
    for _ in range(count):
        prem = []
        for _ in range(rng.randint(2, 4)):
            vs = rng.sample(names, n)
            L = frozenset(vs[3:3 + rng.randint(0, 2)])
            prem += [(frozenset(vs[:1]), frozenset(vs[1:2]), L), (frozenset(vs[:1]), frozenset(vs[1:2]), L | {vs[2]})]
        vs = rng.sample(names, n)
        out.append((names, prem, (frozenset(vs[:1]), frozenset(vs[1:2]), frozenset(vs[2:2 + rng.randint(0, 2)]))))
    return out


def closed_counter_model(atoms, cnf, P, G):
    """The refutation is right: every axiom clause holds in it, the premises' components are in it and
    some goal component is not (checked with the CNF of graphoid.search.count, not with the closure)."""
    from graphoid.search.statements import components, unpack
    var = {t: v for v, t in enumerate(cnf.atoms, 1)}
    true = {var[unpack(x)] for x in atoms}
    if not all(any((l > 0) == (abs(l) in true) for l in c) for c in cnf.clauses):
        return False
    if not all(var[unpack(x)] in true for p in P for x in components(*p)):
        return False
    return not all(var[unpack(x)] in true for x in components(*G))


def run_one(mod, names, prem, goal, axioms):
    from graphoid.search.statements import Names
    nm = Names(names)
    P = [nm.triple(p) for p in prem]
    G = nm.triple(goal)
    t = time.process_time()
    status, out = mod.closure.implies(P, G, len(names), axioms)
    t_imp = time.process_time() - t
    t = time.process_time()
    res = mod.decide(prem, goal, names, axioms=axioms, budget_s=60, witnesses=False)
    t_dec = time.process_time() - t
    key = frozenset(out.just) if status == "refuted" else None
    return status, key, res.status, t_imp, t_dec, (P, G)


def axiom_cnf_any(n):
    """The gaussoid CNF for any n (count.axiom_cnf refuses n > 6, where counting is hopeless, but its
    clauses are still the right check of one structure)."""
    from graphoid.search import count
    saved = count.MAX_COUNT_VARS
    count.MAX_COUNT_VARS = n
    try:
        return count.axiom_cnf(n, "gaussoid")
    finally:
        count.MAX_COUNT_VARS = saved


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", default="67329bb")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--per", type=int, default=40)
    ap.add_argument("--seed", type=int, default=2024)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        old = load_old(a.before, d)
        new = importlib.import_module("graphoid.search")
        print("%-13s %4s %5s %7s %14s %14s %8s %14s %14s %8s" % (
            "axioms", "vars", "probs", "proved", "implies before", "implies after", "speed-up",
            "decide before", "decide after", "speed-up"))
        for axioms, n, prem in (("semigraphoid", 8, (3, 5)), ("semigraphoid", 12, (3, 5)),
                                ("graphoid", 8, (3, 5)), ("graphoid", 12, (3, 5)),
                                ("gaussoid", 6, (3, 5)), ("gaussoid", 8, (3, 5)), ("gaussoid", 10, (2, 4)),
                                ("gaussoid", 6, "wt"), ("gaussoid", 8, "wt"), ("gaussoid", 10, "wt")):
            rng = random.Random(a.seed + n)
            probs = wt_problems(rng, n, a.per) if prem == "wt" else problems(rng, n, a.per, prem)
            tot = {"old": [[], []], "new": [[], []]}
            proved = 0
            cnf = None
            for rep in range(a.repeat):
                ti = {"old": [0.0, 0.0], "new": [0.0, 0.0]}
                for names, p, g in probs:
                    r_old = run_one(old, names, p, g, axioms)
                    r_new = run_one(new, names, p, g, axioms)
                    same = r_old[:3] == r_new[:3] if axioms != "gaussoid" else (
                        r_old[0] == r_new[0] and r_old[2] == r_new[2])
                    if not same:
                        raise SystemExit("answers differ on %s ⊢ %s (%s): %s vs %s"
                                         % (p, g, axioms, r_old[:3:2], r_new[:3:2]))
                    if axioms == "gaussoid" and r_new[0] == "refuted" and rep == 0:
                        # the split order differs, so the refuting branch (a valid counter-model)
                        # may too: check both against the gaussoid CNF instead
                        if cnf is None:
                            cnf = axiom_cnf_any(n)
                        for r in (r_old, r_new):
                            if not closed_counter_model(r[1], cnf, *r[5]):
                                raise SystemExit("not a gaussoid counter-model: %s ⊢ %s" % (p, g))
                    for k, r in (("old", r_old), ("new", r_new)):
                        ti[k][0] += r[3]
                        ti[k][1] += r[4]
                    proved += rep == 0 and r_new[0] == "proved"
                for k in ti:
                    tot[k][0].append(ti[k][0])
                    tot[k][1].append(ti[k][1])
            oi, ni = statistics.median(tot["old"][0]), statistics.median(tot["new"][0])
            od, nd = statistics.median(tot["old"][1]), statistics.median(tot["new"][1])
            label = axioms + (" WT" if prem == "wt" else "")
            print("%-13s %4d %5d %7d %12.1f ms %12.1f ms %7.2f× %12.1f ms %12.1f ms %7.2f×" % (
                label, n, len(probs), proved, 1e3 * oi, 1e3 * ni, oi / ni, 1e3 * od, 1e3 * nd, od / nd),
                flush=True)


if __name__ == "__main__":
    main()
