"""Times the full check of proofs/theorem1.gph as a user runs it (a whole `graphoid check` process),
and how much of it z3 takes (the z3 obligations' own times, from the JSON report).

    python3 bench/bench_theorem1.py [--repeat 5]

One run, printed as medians and as a share of the wall time; no assertion (machines are noisy).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROOF = os.path.join(ROOT, "proofs", "theorem1.gph")


def cpu_children() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def one(proof=PROOF) -> tuple[float, float, float, int, float]:
    t0, c0 = time.perf_counter(), cpu_children()
    r = subprocess.run([sys.executable, "-m", "graphoid.cli", "check", "--json", proof],
                       capture_output=True, text=True, cwd=ROOT)
    wall, cpu = time.perf_counter() - t0, cpu_children() - c0
    if r.returncode != 0:
        sys.exit("theorem1.gph did not verify:\n" + r.stdout[-2000:] + r.stderr[-2000:])
    rep = json.loads(r.stdout)
    z3 = sum(o["seconds"] for s in rep["steps"] for o in s["obligations"] if o["method"] == "z3")
    n = sum(1 for s in rep["steps"] for o in s["obligations"] if o["method"] == "z3")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import graphoid.script, graphoid.probability, z3, networkx, lark"],
                   capture_output=True, cwd=ROOT)
    imports = time.perf_counter() - t0
    return wall, z3, imports, n, cpu


def recheck(proof=PROOF, repeat=3) -> tuple[float, float, int]:
    """The independent rechecker on the proof's certificate (a whole `graphoid recheck` process),
    beside the `graphoid check --certificate` that wrote it: (check wall, recheck wall, size)."""
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        cert = os.path.join(d, "cert.json")
        ck, rk = [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            r = subprocess.run([sys.executable, "-m", "graphoid.cli", "check", proof, "--certificate", cert],
                               capture_output=True, text=True, cwd=ROOT)
            ck.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            q = subprocess.run([sys.executable, "-m", "graphoid.cli", "recheck", cert], capture_output=True, text=True, cwd=ROOT)
            rk.append(time.perf_counter() - t0)
            if r.returncode or q.returncode:
                sys.exit("check or recheck failed:\n" + r.stdout[-1000:] + q.stdout[-1000:] + q.stderr[-1000:])
        return statistics.median(ck), statistics.median(rk), os.path.getsize(cert)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    runs = [one() for _ in range(args.repeat)]
    wall = statistics.median(r[0] for r in runs)
    z3 = statistics.median(r[1] for r in runs)
    imp = statistics.median(r[2] for r in runs)
    print("graphoid check proofs/theorem1.gph, %d runs (medians)" % args.repeat)
    print("  whole process        %6.2f s   (goal: under 5 s)" % wall)
    print("  z3 obligations (%d)  %6.2f s   = %3.0f%% of the process" % (runs[0][3], z3, 100 * z3 / wall))
    print("  Python start + imports %4.2f s   = %3.0f%%" % (imp, 100 * imp / wall))
    print("  rest (parsing, kernel, enumeration of n <= 2) %4.2f s" % max(0.0, wall - z3 - imp))
    print("  CPU time of the process (user + sys) %4.2f s  (wall includes waiting on a loaded machine)"
          % statistics.median(r[4] for r in runs))
    load = os.getloadavg()[0]
    print("  load average while measuring: %.1f on %d cores" % (load, os.cpu_count() or 1))
    for name in ("bell_local.gph", "markov_factorisation.gph"):
        rs = [one(os.path.join(ROOT, "proofs", name)) for _ in range(args.repeat)]
        print("graphoid check proofs/%s: whole process %.2f s, CPU %.2f s, z3 %.2f s (%d obligations)"
              % (name, statistics.median(r[0] for r in rs), statistics.median(r[4] for r in rs),
                 statistics.median(r[1] for r in rs), rs[0][3]))
    for name in ("theorem1.gph", "bell_local.gph", "markov_factorisation.gph"):
        ck, rk, size = recheck(os.path.join(ROOT, "proofs", name), args.repeat)
        print("recheck of proofs/%s's certificate (%d KB): %.2f s, beside check --certificate %.2f s: ratio %.2f"
              % (name, size // 1024, rk, ck, rk / ck))


if __name__ == "__main__":
    main()
