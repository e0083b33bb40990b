"""Side-by-side benchmark: graphoid.search.decide vs pgmpy Independencies.entails on the same random
semigraphoid implication problems (3-5 premises, 4..7 variables), plus graphoid alone at 10 and 14 variables.

    python3 bench/bench_pgmpy.py                      # default sizes, pgmpy capped at 20 s per problem
    python3 bench/bench_pgmpy.py --per-n 20 --timeout 30 --at7 6 --seed 1

Each of our answers is cross-checked by a brute-force closure of general statements (n ≤ 7).
pgmpy runs in a separate worker process (imported once) so a slow problem can be cut off at --timeout.
"""
from __future__ import annotations

import argparse
import itertools
import multiprocessing as mp
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from graphoid.search import decide  # noqa: E402
from graphoid.search.statements import Names  # noqa: E402

f = frozenset


# ------------------------------------------------------------------ problems

def rand_stmt(rng, names, maxside=3):
    while True:
        vs = names[:]
        rng.shuffle(vs)
        a, b = rng.randint(1, maxside), rng.randint(1, maxside)
        c = rng.randint(0, min(3, len(names) - a - b)) if len(names) > a + b else 0
        if a + b + c <= len(names):
            return (f(vs[:a]), f(vs[a:a + b]), f(vs[a + b:a + b + c]))


def problem(rng, n):
    """3-5 random premises; the goal is random, or (half the time) a random elementary consequence,
    so that both answers occur."""
    names = [chr(65 + i) for i in range(n)]
    prem = [rand_stmt(rng, names) for _ in range(rng.randint(3, 5))]
    goal = rand_stmt(rng, names)
    if rng.random() < 0.5:
        r = decide(prem, goal, names, witnesses=False)
        if r.structure:
            x, y, K = rng.choice(sorted(r.structure, key=lambda t: (sorted(t[0]), sorted(t[1]), sorted(t[2]))))
            goal = (x, y, K)
    return prem, goal, names


def show(stmt):
    return Names.show(stmt)


# ------------------------------------------------------------------ brute force (independent of search/)

def general_closure(premises):
    """Least set of general statements with the premises closed under the semigraphoid rules."""
    def subsets(s):
        s = sorted(s)
        return [f(c) for r in range(1, len(s)) for c in itertools.combinations(s, r)]
    S, queue = set(), list(premises)
    by_x: dict = {}
    while queue:
        t = queue.pop()
        if t in S:
            continue
        S.add(t)
        X, Y, Z = t
        by_x.setdefault(X, []).append(t)
        new = [(Y, X, Z)]
        for Y1 in subsets(Y):
            new += [(X, Y1, Z), (X, Y1, Z | (Y - Y1))]
        for s in by_x[X]:
            if s[2] == Z | Y and not (s[1] & Y):
                new.append((X, Y | s[1], Z))
            if Z == s[2] | s[1] and not (s[1] & Y):
                new.append((X, s[1] | Y, s[2]))
        queue += [u for u in new if u not in S]
    return S


# ------------------------------------------------------------------ pgmpy worker

def _worker(conn):
    from pgmpy.independencies import IndependenceAssertion, Independencies
    while True:
        job = conn.recv()
        if job is None:
            return
        prem, goal = job

        def ia(s):
            X, Y, Z = (sorted(p) for p in s)
            return IndependenceAssertion(X, Y, Z) if Z else IndependenceAssertion(X, Y)
        t = time.perf_counter()
        ans = Independencies(*[ia(p) for p in prem]).entails(Independencies(ia(goal)))
        conn.send((bool(ans), time.perf_counter() - t))


class Pgmpy:
    def __init__(self):
        self.proc = None

    def start(self):
        parent, child = mp.Pipe()
        self.conn = parent
        self.proc = mp.Process(target=_worker, args=(child,), daemon=True)
        self.proc.start()

    def entails(self, prem, goal, timeout):
        if self.proc is None:
            self.start()
        self.conn.send((prem, goal))
        if self.conn.poll(timeout):
            return self.conn.recv()
        self.proc.kill()           # our own worker, by its handle
        self.proc.join()
        self.proc = None
        return None, timeout

    def stop(self):
        if self.proc is not None:
            self.conn.send(None)
            self.proc.join(5)


# ------------------------------------------------------------------ main

def timed_decide(prem, goal, names, axioms="semigraphoid"):
    t = time.perf_counter()
    r = decide(prem, goal, names, axioms=axioms, witnesses=False)
    return r, time.perf_counter() - t


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-n", type=int, default=20, help="problems per size 4..6")
    ap.add_argument("--at7", type=int, default=6, help="problems at 7 variables (pgmpy is slow there)")
    ap.add_argument("--timeout", type=float, default=20.0, help="pgmpy seconds per problem")
    ap.add_argument("--big", type=int, default=40, help="graphoid-only problems at 10 and 14 variables")
    ap.add_argument("--seed", type=int, default=2024)
    a = ap.parse_args(argv)
    rng = random.Random(a.seed)
    pg = Pgmpy()
    pg.start()
    rows, wrong, disagreements = [], [], []
    try:
        for n in (4, 5, 6, 7):
            count = a.at7 if n == 7 else a.per_n
            ours, theirs, timeouts = [], [], 0
            proved = 0
            for _ in range(count):
                prem, goal, names = problem(rng, n)
                r, t = timed_decide(prem, goal, names)
                truth = goal in general_closure(prem)
                if (r.status == "proved") != truth:
                    disagreements.append((n, prem, goal, r.status))
                proved += r.status == "proved"
                ans, tp = pg.entails(prem, goal, a.timeout)
                ours.append(t)
                theirs.append(tp)
                if ans is None:
                    timeouts += 1
                elif ans != (r.status == "proved"):
                    wrong.append((n, prem, goal, r.status, ans))
                print(f"  n={n} {'proved ' if r.status == 'proved' else 'refuted'} graphoid "
                      f"{t * 1e3:8.2f} ms  pgmpy {'timeout' if ans is None else f'{tp * 1e3:9.1f} ms'}",
                      file=sys.stderr, flush=True)
            ratios = [tp / max(t, 1e-9) for t, tp in zip(ours, theirs)]
            rows.append((n, count, proved, statistics.median(ours), statistics.median(theirs),
                         statistics.median(ratios), timeouts,
                         sum(1 for w in wrong if w[0] == n)))
    finally:
        pg.stop()

    print("\nsemigraphoid implication, graphoid.search.decide (proof or closed counter-model, no witness "
          "search) vs pgmpy Independencies.entails")
    print(f"{'vars':>4} {'probs':>5} {'proved':>6} {'graphoid median':>16} {'pgmpy median':>14} "
          f"{'median ratio':>12} {'pgmpy timeouts':>14} {'pgmpy wrong':>11}")
    for n, c, pr, mo, mp_, ra, to, wr in rows:
        lb = "≥" if to > c // 2 else " "
        print(f"{n:>4} {c:>5} {pr:>6} {mo * 1e3:>13.2f} ms {lb}{mp_ * 1e3:>11.1f} ms {lb}{ra:>10.0f}× "
              f"{to:>14} {wr:>11}")
    print(f"(pgmpy times cut at {a.timeout:g} s; a timed-out problem counts as {a.timeout:g} s, so ratios "
          "with timeouts are lower bounds)")
    if wrong:
        print("\nproblems where pgmpy's answer is wrong (our answer cross-checked by brute force):")
        for n, prem, goal, ours_, ans in wrong:
            print(f"  {', '.join(show(p) for p in prem)} ⊢ {show(goal)}: pgmpy says "
                  f"{'entailed' if ans else 'not entailed'}, correct: {ours_}")
    if disagreements:
        print("\n!! graphoid disagrees with the brute-force closure on:")
        for d in disagreements:
            print("  ", d)
    else:
        print("\ngraphoid agreed with the brute-force closure on every problem.")

    print("\ngraphoid alone (proof or counter-model included, witnesses off):")
    print(f"{'vars':>4} {'axioms':>12} {'probs':>5} {'proved':>6} {'median':>10} {'max':>10}")
    for n in (10, 14):
        for axioms in ("semigraphoid", "graphoid", "gaussoid"):
            times, proved = [], 0
            brng = random.Random(a.seed + n)
            for _ in range(a.big):
                names = [chr(65 + i) for i in range(n)]
                prem = [rand_stmt(brng, names, 3) for _ in range(brng.randint(3, 5))]
                goal = rand_stmt(brng, names, 3)
                if brng.random() < 0.5:     # a consequence, so proofs are timed too
                    r = decide(prem, goal, names, axioms=axioms, witnesses=False)
                    if r.structure:
                        goal = brng.choice(sorted(r.structure, key=lambda t: (sorted(t[0]), sorted(t[1]),
                                                                              sorted(t[2]))))
                r, t = timed_decide(prem, goal, names, axioms)
                times.append(t)
                proved += r.status == "proved"
            print(f"{n:>4} {axioms:>12} {a.big:>5} {proved:>6} {statistics.median(times) * 1e3:>7.2f} ms "
                  f"{max(times) * 1e3:>7.1f} ms")


if __name__ == "__main__":
    main()
