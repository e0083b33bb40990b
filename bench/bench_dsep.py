"""Bench: bitset d-separation vs the plain networkx loop (one is_d_separator call per query), same run.

usage: python3 bench/bench_dsep.py [--nodes 5] [--nx-dags 2000] [--count]
"""

import argparse
import itertools
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import networkx as nx  # noqa: E402

from graphoid.graphs.dagmodels import count_classes, iter_dags  # noqa: E402
from graphoid.graphs.fastdsep import children_from_parents, dsep_signature  # noqa: E402


def nx_signature(g, n):
    sig = 0
    for k in range(1 << n):
        z = {v for v in range(n) if k >> v & 1}
        for i, j in itertools.combinations([v for v in range(n) if v not in z], 2):
            if nx.is_d_separator(g, {i}, {j}, z):
                sig |= 1 << (k * n * n + i * n + j)
    return sig


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=5)
    ap.add_argument("--nx-dags", type=int, default=1000, help="DAGs timed with the networkx loop")
    ap.add_argument("--count", action="store_true", help="also time dagmodels --count for N=5 and N=6")
    a = ap.parse_args()
    n = a.nodes
    dags = [p for p, _, _ in iter_dags(n)]
    sample = random.Random(1).sample(dags, min(a.nx_dags, len(dags)))
    queries = sum(1 for k in range(1 << n) for _ in itertools.combinations(range(n - bin(k).count("1")), 2))
    t = time.perf_counter()
    ours = [dsep_signature(p, children_from_parents(p), n) for p in sample]
    t_bit = time.perf_counter() - t
    graphs = []
    for p in sample:
        g = nx.DiGraph()
        g.add_nodes_from(range(n))
        g.add_edges_from((u, v) for v in range(n) for u in range(n) if p[v] >> u & 1)
        graphs.append(g)
    t = time.perf_counter()
    theirs = [nx_signature(g, n) for g in graphs]
    t_nx = time.perf_counter() - t
    assert ours == theirs, "bitset and networkx disagree"
    q = len(sample) * queries
    print(f"N={n}: {len(sample)} DAGs x {queries} elementary queries = {q} queries (answers identical)")
    print(f"  bitset  : {t_bit:.3f} s  ({q / t_bit:,.0f} queries/s)")
    print(f"  networkx: {t_nx:.3f} s  ({q / t_nx:,.0f} queries/s)")
    print(f"  ratio networkx/bitset: {t_nx / t_bit:.1f}x")
    if a.count:
        for m in (5, 6):
            r = count_classes(m)
            print("  dagmodels " + r.text())
        est = t_nx / len(sample) * 29281
        print(f"  networkx loop estimate for all 29281 DAGs at N=5: {est:.0f} s")


if __name__ == "__main__":
    main()
