"""Long fuzzing campaign over the parser, checker, certificate writer and rechecker; prints how many
inputs were tried and every failure (exception, missing position, kernel/rechecker disagreement).
Usage: python3 bench/fuzz_long.py [EXAMPLES_PER_STRATEGY]   (default 2000)"""
from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import test_fuzz as F  # noqa: E402


def campaign(n: int) -> int:
    tried, failures = {"mutated": 0, "random": 0, "text": 0}, []
    cfg = settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))

    def run(kind, text):
        tried[kind] += 1
        try:
            F.check_invariants(text)
        except Exception as e:  # collect, keep going
            why = e.args[0][:2] if isinstance(e, AssertionError) and e.args and isinstance(e.args[0], tuple) else e
            failures.append((kind, text, "%s: %s" % (type(e).__name__, why)))

    @cfg
    @given(name=st.sampled_from(sorted(F.PROOFS)), ops=F.OPS)
    def mutated(name, ops):
        run("mutated", F.mutate(F.PROOFS[name], ops))

    @cfg
    @given(text=F.scripts())
    def random_scripts(text):
        run("random", text)

    @cfg
    @given(text=st.text(max_size=400))
    def arbitrary(text):
        run("text", text)

    t0 = time.perf_counter()
    for f in (mutated, random_scripts, arbitrary):
        f()
    dt = time.perf_counter() - t0
    total = sum(tried.values())
    print("inputs tried: %d (%s) in %.0f s" % (total, ", ".join("%s %d" % kv for kv in tried.items()), dt))
    print("failures: %d" % len(failures))
    seen = set()
    for kind, text, msg in failures:
        key = msg.splitlines()[0][:120]
        if key in seen:
            continue
        seen.add(key)
        print("--- %s: %s\n%r" % (kind, msg[:600], text[:800]))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(campaign(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
