"""Times the Step 4 factorisation check (z3, symbolic n): the full premise set, and each premise
removed (z3 failure plus the exact counter-model search). Run: python3 bench/bench_theorem1_z3.py"""
from __future__ import annotations

import argparse
import statistics
import time

from graphoid.probability import PREMISE_NAMES, check_factorisation


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--timeout-ms", type=int, default=5000)
    args = ap.parse_args()

    walls, z3s = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        report = check_factorisation(set(PREMISE_NAMES), args.timeout_ms)
        walls.append(time.perf_counter() - start)
        z3s.append(sum(o.seconds for s in report.steps for o in s.obligations))
        assert report.status == "verified", report.summary()
    n_obl = sum(len(s.obligations) for s in report.steps)
    print("full premise set: verified, %d z3 obligations; wall median %.3fs (min %.3fs), z3 median %.3fs"
          % (n_obl, statistics.median(walls), min(walls), statistics.median(z3s)))
    for step in report.steps:
        print("  (%s) %.3fs  premises in core: %s" % (step.label, step.seconds, ", ".join(step.premises_used) or "-"))

    for missing in PREMISE_NAMES:
        start = time.perf_counter()
        r = check_factorisation(set(PREMISE_NAMES) - {missing}, args.timeout_ms)
        wall = time.perf_counter() - start
        z3_time = sum(o.seconds for s in r.steps for o in s.obligations)
        where = r.counter_model.scenario if r.counter_model else None
        print("without %-15s %-9s wall %.3fs (z3 %.3fs)%s" % (
            missing, r.status, wall, z3_time,
            "  counter-model I_B=%s I_C=%s" % (where.I_B, where.I_C) if where else ""))


if __name__ == "__main__":
    main()
