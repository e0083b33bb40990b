"""Side by side: `graphoid models --count` vs calling Ganak (pyganak) directly on the same CNF.

For each axiom system, the CNF is written once by `graphoid models --dimacs`; then, alternating, in fresh
processes each time:
  graphoid   `graphoid models --axioms A --vars N --count`   (what a user runs)
  ganak      a minimal script: read the DIMACS file, pyganak.Counter().count()   (the anchor)
Both are whole processes, timed in CPU seconds (user + system of the child, so that other jobs on a
shared machine do not skew the ratio) and wall seconds; the counts must agree. With --closure-dfs the old closure-based DFS
(graphoid.search.models) is also timed for n <= 4, as the before figure.

    python3 bench/bench_count.py --vars 5 --axioms gaussoid --repeat 3
    python3 bench/bench_count.py --vars 4 --repeat 3 --closure-dfs
"""
from __future__ import annotations

import argparse
import os
import resource
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
    """Run cmd; returns (CPU seconds of the child, user + system, wall seconds, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise SystemExit("failed: %s\n%s" % (" ".join(cmd), r.stderr))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, r.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vars", type=int, default=5)
    ap.add_argument("--axioms", nargs="+", default=["gaussoid"])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--closure-dfs", action="store_true")
    a = ap.parse_args()
    py = sys.executable
    print("%-13s %4s %18s %14s %14s %7s %14s %14s %7s" % (
        "axioms", "vars", "count", "graphoid CPU s", "ganak CPU s", "ratio", "graphoid wall", "ganak wall",
        "ratio"))
    for axioms in a.axioms:
        with tempfile.TemporaryDirectory() as d:
            cnf = os.path.join(d, "axioms.cnf")
            run([py, "-m", "graphoid.cli", "models", "--axioms", axioms, "--vars", str(a.vars), "--count",
                 "--dimacs", cnf] if a.vars <= 4 else
                [py, "-c", "from graphoid.search.count import axiom_cnf; open(%r, 'w').write(axiom_cnf(%d, %r)"
                 ".dimacs())" % (cnf, a.vars, axioms)])
            g_cpu, k_cpu, g_wall, k_wall = [], [], [], []
            counts = set()
            for _ in range(a.repeat):
                cpu, wall, out = run([py, "-m", "graphoid.cli", "models", "--axioms", axioms, "--vars",
                                      str(a.vars), "--count"])
                g_cpu.append(cpu)
                g_wall.append(wall)
                counts.add(int(out.split()[0]))
                cpu, wall, out = run([py, "-c", ANCHOR, cnf])
                k_cpu.append(cpu)
                k_wall.append(wall)
                counts.add(int(out.split()[0]))
            if len(counts) != 1:
                raise SystemExit("counts disagree: %s" % counts)
            m = statistics.median
            print("%-13s %4d %18s %14.2f %14.2f %6.2f× %14.2f %14.2f %6.2f×" % (
                axioms, a.vars, "{:,}".format(counts.pop()), m(g_cpu), m(k_cpu), m(g_cpu) / m(k_cpu),
                m(g_wall), m(k_wall), m(g_wall) / m(k_wall)), flush=True)
            if a.closure_dfs and a.vars <= 4:
                cpu, wall, out = run([py, "-c", "from graphoid.search.models import count_structures as c; "
                                      "print(c(%d, %r))" % (a.vars, axioms)])
                print("%-13s %4d   closure DFS (before): %.2f s CPU, %.2f s wall, %s"
                      % ("", a.vars, cpu, wall, out.strip()), flush=True)


if __name__ == "__main__":
    main()
