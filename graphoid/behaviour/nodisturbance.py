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
    """None if no-disturbance holds exactly; otherwise the first Disturbance found."""
    cs = b.scenario.contexts
    for i, c1 in enumerate(cs):
        for c2 in cs[i + 1:]:
            shared = tuple(m for m in c1 if m in c2)
            if not shared:
                continue
            m1 = b.marginal(c1, shared)
            m2 = b.marginal(c2, shared)
            for o in b.scenario.joint_outcomes(shared):
                v1, v2 = m1.get(o, Fraction(0)), m2.get(o, Fraction(0))
                if v1 != v2:
                    full = lambda m: {k: m.get(k, Fraction(0)) for k in b.scenario.joint_outcomes(shared)}
                    return Disturbance((c1, c2), shared, o, (v1, v2), (full(m1), full(m2)))
    return None
