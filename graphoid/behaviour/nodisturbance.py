"""No-disturbance (Definition 2), checked exactly.

Two contexts c, c' must give the same marginal on every set of measurements they share. Every common
subset of c and c' lies in c ∩ c', and equal marginals on c ∩ c' give equal marginals on its subsets,
so comparing the marginals on c ∩ c' for every pair of contexts is the whole condition.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .model import Behaviour


@dataclass
class Disturbance:
    contexts: tuple            # (c1, c2)
    measurements: tuple        # the shared measurements, in c1's order
    outcome: tuple             # a joint outcome of `measurements` where the marginals differ
    values: tuple              # (P_c1(outcome), P_c2(outcome)), Fractions
    marginals: tuple           # the two whole marginals {outcome: Fraction}

    def to_json(self) -> dict:
        return {"contexts": [list(c) for c in self.contexts], "measurements": list(self.measurements),
                "outcome": list(self.outcome), "values": [str(v) for v in self.values],
                "marginals": [{" ".join(o): str(q) for o, q in m.items()} for m in self.marginals]}

    def text(self) -> str:
        eq = ", ".join("%s=%s" % (m, o) for m, o in zip(self.measurements, self.outcome))
        return ("the marginal on {%s} differs between contexts (%s) and (%s): P(%s) = %s in the first, %s in the second"
                % (", ".join(self.measurements), ", ".join(self.contexts[0]), ", ".join(self.contexts[1]), eq,
                   self.values[0], self.values[1]))


def check_no_disturbance(b: Behaviour):
    """None if no-disturbance holds exactly; otherwise the first Disturbance found. Exact: the
    probabilities are integers over one common denominator, so marginals are integer sums."""
    import numpy as np
    sc = b.scenario
    cs = sc.contexts
    D, tabs = b.integer_tables()
    rank = {m: i for i, m in enumerate(sc.measurements)}
    canon = {}  # each table with its axes in scenario order, so a sum over axes leaves them in that order
    for c in cs:
        order = sorted(range(len(c)), key=lambda i: rank[c[i]])
        canon[c] = (tuple(c[i] for i in order), np.transpose(tabs[c], axes=order))
    cache: dict = {}

    def marg(c, shared):  # `shared` in scenario order
        key = (c, shared)
        if key not in cache:
            names, arr = canon[c]
            other = tuple(i for i, m in enumerate(names) if m not in shared)
            cache[key] = arr.sum(axis=other) if other else arr
        return cache[key]

    for i, c1 in enumerate(cs):
        for c2 in cs[i + 1:]:
            shared = tuple(sorted(set(c1) & set(c2), key=rank.get))
            if not shared:
                continue
            m1, m2 = marg(c1, shared), marg(c2, shared)
            if not np.array_equal(m1, m2):
                outs = list(b.scenario.joint_outcomes(shared))
                f1 = [Fraction(int(x), D) for x in m1.reshape(-1)]
                f2 = [Fraction(int(x), D) for x in m2.reshape(-1)]
                k = next(j for j in range(len(outs)) if f1[j] != f2[j])
                return Disturbance((c1, c2), shared, outs[k], (f1[k], f2[k]), (dict(zip(outs, f1)), dict(zip(outs, f2))))
    return None
