"""Side by side: `graphoid models --count` vs calling Ganak (pyganak) directly on the same CNF.

For each axiom system, the CNF is written once by `graphoid models --dimacs`; then, alternating, in fresh
processes each time:
  graphoid   `graphoid models --axioms A --vars N --count`   (what a user runs)
  ganak      a minimal script: read the DIMACS file, pyganak.Counter().count()   (the anchor)
Both wall times are whole-process; the counts must agree. With --closure-dfs the old closure-based DFS
(graphoid.search.models) is also timed for n <= 4, as the before figure.

    python3 bench/bench_count.py --vars 5 --axioms gaussoid --repeat 3
    python3 bench/bench_count.py --vars 4 --repeat 3 --closure-dfs
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ANCHOR = r"""
import sys, time, pyganak
nv, clauses = 0, []
for line in open(sys.argv[1]):
    if line[0] in "cp":
        if line.startswith("p cnf"):
            nv = int(line.split()[2])
        continue
    clauses.append([int(t) for t in line.split()[:-1]])
c = pyganak.Counter()
c.new_vars(nv)
c.add_clauses(clauses)
t = time.perf_counter()
print(c.count(), time.perf_counter() - t)
"""


def run(cmd):
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit("failed: %s\n%s" % (" ".join(cmd), r.stderr))
    return dt, r.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vars", type=int, default=5)
    ap.add_argument("--axioms", nargs="+", default=["gaussoid"])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--closure-dfs", action="store_true")
    a = ap.parse_args()
    py = sys.executable
    print("%-13s %4s %16s %12s %12s %8s %s" % ("axioms", "vars", "count", "graphoid s", "ganak s", "ratio",
                                               "ganak count() alone s"))
    for axioms in a.axioms:
        with tempfile.TemporaryDirectory() as d:
            cnf = os.path.join(d, "axioms.cnf")
            run([py, "-m", "graphoid.cli", "models", "--axioms", axioms, "--vars", str(a.vars), "--count",
                 "--dimacs", cnf] if a.vars <= 4 else
                [py, "-c", "from graphoid.search.count import axiom_cnf; open(%r, 'w').write(axiom_cnf(%d, %r)"
                 ".dimacs())" % (cnf, a.vars, axioms)])
            g_times, k_times, inner = [], [], []
            counts = set()
            for _ in range(a.repeat):
                dt, out = run([py, "-m", "graphoid.cli", "models", "--axioms", axioms, "--vars", str(a.vars),
                               "--count"])
                g_times.append(dt)
                counts.add(int(out.split()[0]))
                dt, out = run([py, "-c", ANCHOR, cnf])
                k_times.append(dt)
                c, t_in = out.split()
                counts.add(int(c))
                inner.append(float(t_in))
            if len(counts) != 1:
                raise SystemExit("counts disagree: %s" % counts)
            g, k = statistics.median(g_times), statistics.median(k_times)
            print("%-13s %4d %16s %12.2f %12.2f %7.2f× %.2f" % (axioms, a.vars, "{:,}".format(counts.pop()), g, k,
                                                               g / k, statistics.median(inner)), flush=True)
            if a.closure_dfs and a.vars <= 4:
                dt, out = run([py, "-c", "from graphoid.search.models import count_structures as c; "
                               "print(c(%d, %r))" % (a.vars, axioms)])
                print("%-13s %4d   closure DFS (before): %.2f s, %s" % ("", a.vars, dt, out.strip()))


if __name__ == "__main__":
    main()
