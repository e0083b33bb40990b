"""Count the distinct d-separation relations (Markov equivalence classes) of all DAGs on N labelled nodes.

DAGs are generated once each by adding node k with a child set C and a parent set P among
nodes 0..k-1, with P disjoint from the descendants of C (acyclicity).  Two counting methods:
``keys`` hashes (skeleton, v-structures), built incrementally, and cross-checks one
d-separation signature per class; ``dsep`` hashes every DAG's own d-separation relation.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator

from .fastdsep import bits, children_from_parents, dsep_signature

MAX_NODES = 7


@dataclass
class DagModelsResult:
    nodes: int
    method: str
    dags: int
    classes: int
    seconds: float
    crosscheck: str = ""
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        s = (f"N={self.nodes}: {self.classes} distinct d-separation relations "
             f"among {self.dags} DAGs ({self.method}, {self.seconds:.2f} s)")
        if self.crosscheck:
            s += f"; cross-check: {self.crosscheck}"
        return s


def _pair_bit(a: int, b: int, n: int) -> int:
    if a > b:
        a, b = b, a
    return 1 << (a * n + b)


def _vbit(c: int, a: int, b: int, n: int) -> int:
    if a > b:
        a, b = b, a
    return 1 << (c * n * n + a * n + b)


def iter_dags(n: int) -> Iterator[tuple[tuple[int, ...], int, int]]:
    """Yield (parents, skeleton_key, vstructure_key) for every DAG on nodes 0..n-1, once each."""
    if n < 0 or n > MAX_NODES:
        raise ValueError(f"--nodes must be between 0 and {MAX_NODES}")
    if n == 0:
        yield (), 0, 0
        return

    def grow(k, parents, desc, skel, vs):
        # parents: list of parent masks of nodes 0..k-1; desc[v]: descendants of v (v included)
        if k == n:
            yield tuple(parents), skel, vs
            return
        full = (1 << k) - 1
        for cm in range(1 << k):
            dc = 0
            for c in bits(cm):
                dc |= desc[c]
            allowed = full & ~dc
            # enumerate subsets P of allowed
            p = 0
            while True:
                adj = p | cm
                nskel = skel
                for a in bits(adj):
                    nskel |= _pair_bit(a, k, n)
                nvs = vs
                # v-structures at the new node: two non-adjacent parents
                for a in bits(p):
                    for b in bits(p & ~((2 << a) - 1)):
                        if not (skel & _pair_bit(a, b, n)):
                            nvs |= _vbit(k, a, b, n)
                # v-structures at each child c: k and an old parent of c not adjacent to k
                for c in bits(cm):
                    for q in bits(parents[c] & ~adj):
                        nvs |= _vbit(c, k, q, n)
                npar = parents + [p]
                for c in bits(cm):
                    npar[c] = npar[c] | (1 << k)
                # new descendants: k reaches desc(C); every ancestor of k gains those
                dk = (1 << k) | dc
                ndesc = list(desc)
                for a in range(k):
                    if ndesc[a] & p:
                        ndesc[a] |= dk
                ndesc.append(dk)
                yield from grow(k + 1, npar, ndesc, nskel, nvs)
                if p == allowed:
                    break
                p = (p - allowed) & allowed

    # ancestors of a parent p have desc containing p; the test `ndesc[a] & p` catches them
    yield from grow(0, [], [], 0, 0)


def count_classes(n: int, method: str = "keys", crosscheck: str = "auto", sample: int = 2000,
                  progress: Callable[[int], None] | None = None, seed: int = 0) -> DagModelsResult:
    """Count distinct d-separation relations of DAGs on n labelled nodes.

    method="keys": (skeleton, v-structures) keys (Verma & Pearl: equal keys <=> equal relations);
    crosscheck="full" computes the d-separation signature of one DAG per key and checks the
    signatures are pairwise distinct (so the count is a count of distinct relations, not only of
    keys); "sample" checks a random sample of DAGs against their class representative;
    "auto" = full for n <= 5, sample above.  method="dsep": signature of every DAG, no keys.
    """
    if method not in ("keys", "dsep"):
        raise ValueError("method must be 'keys' or 'dsep'")
    if crosscheck == "auto":
        crosscheck = "full" if n <= 5 else "sample"
    t0 = time.perf_counter()
    dags = 0
    notes: list[str] = []
    if method == "dsep":
        sigs = set()
        for parents, _, _ in iter_dags(n):
            dags += 1
            sigs.add(dsep_signature(parents, children_from_parents(parents), n))
            if progress and dags % 100000 == 0:
                progress(dags)
        return DagModelsResult(n, "dsep: one d-separation signature per DAG", dags, len(sigs),
                               time.perf_counter() - t0)
    shift = n * n
    reps: dict[int, tuple[int, ...]] = {}
    rng = random.Random(seed)
    samples: list[tuple[int, tuple[int, ...]]] = []
    for parents, skel, vs in iter_dags(n):
        dags += 1
        key = skel | (vs << shift)
        if key not in reps:
            reps[key] = parents
        elif crosscheck == "sample":
            # reservoir sample of DAGs that share a key with an earlier DAG
            if len(samples) < sample:
                samples.append((key, parents))
            else:
                r = rng.randrange(dags)
                if r < sample:
                    samples[r] = (key, parents)
        if progress and dags % 500000 == 0:
            progress(dags)
    classes = len(reps)
    check = ""
    if crosscheck == "full":
        sigs = {dsep_signature(p, children_from_parents(p), n) for p in reps.values()}
        ok = len(sigs) == classes
        check = (f"the {classes} class representatives have pairwise distinct d-separation relations"
                 if ok else f"FAILED: {classes} keys but only {len(sigs)} distinct relations")
        if not ok:
            notes.append("key count is not a d-separation relation count")
    elif crosscheck == "sample":
        bad = 0
        for key, p in samples:
            rp = reps[key]
            if dsep_signature(p, children_from_parents(p), n) != dsep_signature(rp, children_from_parents(rp), n):
                bad += 1
        check = (f"{len(samples)} sampled DAGs have the same relation as their class representative"
                 if not bad else f"FAILED: {bad} of {len(samples)} sampled DAGs differ from their representative")
    return DagModelsResult(n, "keys: skeleton + v-structures", dags, classes,
                           time.perf_counter() - t0, check, notes)
