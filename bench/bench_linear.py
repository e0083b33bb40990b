"""Does checking stay linear in the number of steps? Generates scripts of N steps (a chain of
symmetry / decomposition / weak-union steps over concrete variables, each citing the previous
step), checks each in-process, and reports seconds per 1,000 steps for N = 2,000 … 50,000.
Usage: python3 bench/bench_linear.py [N ...]    (default 2000 5000 10000 20000 50000)"""
from __future__ import annotations

import sys
import time

from graphoid.script import check_text


def generate(n: int) -> str:
    """n steps: alternate symmetry between (A ⊥ BC | D) and (BC ⊥ A | D), with a decomposition
    and a weak union branching off every tenth step; each cites the step before."""
    lines = ["variables A, B, C, D", "assume (0): (A ⊥⊥ BC | D)"]
    for k in range(1, n + 1):
        if k % 10 == 0:
            lines.append("have (d%d):(A⊥B|D) by decomp(%d)" % (k, k - 1 if (k - 1) % 2 == 0 else k - 2))
        # short lines: 50,000 steps stay under the 2,000,000-character input limit
        lines.append("have (%d):(%s) by sym(%d)" % (k, "BC⊥A|D" if k % 2 else "A⊥BC|D", k - 1))
    return "\n".join(lines) + "\n"


def main(argv) -> int:
    sizes = [int(a) for a in argv[1:]] or [2000, 5000, 10000, 20000, 50000]
    print("%8s %10s %12s %s" % ("steps", "seconds", "s/1000", "ok"))
    base = None
    for n in sizes:
        text = generate(n)
        t0 = time.perf_counter()
        rep = check_text(text, "<bench>")
        dt = time.perf_counter() - t0
        steps = len(rep.steps)
        if not steps:
            print("%8d: the script did not parse: %s" % (n, rep.parse_error))
            continue
        per = dt / steps * 1000
        base = base or per
        print("%8d %10.2f %12.3f %s  (x%.2f of the first)" % (steps, dt, per, rep.ok, per / base))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
