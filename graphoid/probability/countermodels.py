"""Search for exact counter-models of the factorisation (22) for n = 2: small random structural
models (binary variables, parity/copy/and/or mechanisms with rational noise) are tried until one
satisfies the given premises and violates (22); every property is then decided exactly."""
from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from itertools import product as cartesian

from .distributions import Joint, Scenario, factorisation_violation, premise_holds, well_defined

PREMISES = ("12", "13", "14", "15", "det", "lambda_indep_X")
_MECHANISMS = ("xor", "and", "or")
_NOISE = (Fraction(0), Fraction(1, 2), Fraction(1, 3), Fraction(1, 4))


@dataclass(frozen=True)
class CounterModel:
    """A joint distribution for n = 2 with the premises it satisfies and a violation of (22)."""
    scenario: Scenario
    joint: Joint
    mechanisms: str                 # how it was generated (for the reader; not used in checks)
    premises_held: tuple[str, ...]  # every premise that holds exactly
    violation: tuple                # (a, x, 𝒫(a|x), right-hand side of (22))

    def describe(self) -> str:
        a, x, lhs, rhs = self.violation
        rows = ", ".join("%s: %s" % ("".join(map(str, k)), p) for k, p in self.joint.table)
        return ("n = 2, I_B = {%s}, I_C = {%s}; %s\n  P(%s) = {%s}\n  premises holding: %s\n"
                "  (22) fails at A = %s, X = %s: 𝒫(A|X) = %s but the factorised form gives %s" % (
                    ",".join(map(str, self.scenario.I_B)), ",".join(map(str, self.scenario.I_C)),
                    self.mechanisms, "".join(v + " " for v in self.joint.variables).strip(), rows,
                    ", ".join(self.premises_held) or "none", a, x, lhs, rhs))


def _random_model(rng: random.Random, allow_lambda_on_x: bool):
    """A random structural model over X1, X2, L, A1, A2; returns (Joint, description)."""
    parents_of = {"L": ["X1", "X2"] if allow_lambda_on_x else [],
                  "A1": ["X1", "X2", "L"], "A2": ["X1", "X2", "L", "A1"]}
    spec = {}
    for v, cands in parents_of.items():
        k = rng.choice([0, 1, 1, 2])   # few parents: copy and parity mechanisms are the useful ones
        parents = rng.sample(cands, min(k, len(cands)))
        noise = rng.choice(_NOISE[1:]) if v == "L" else rng.choice(_NOISE)
        spec[v] = (parents, rng.choice(_MECHANISMS), noise)
    bias = {"X1": rng.choice([Fraction(1, 2), Fraction(1, 3)]), "X2": rng.choice([Fraction(1, 2), Fraction(2, 3)])}
    probs: dict = {}
    for x1, x2, nl, n1, n2 in cartesian((0, 1), repeat=5):
        p = (bias["X1"] if x1 else 1 - bias["X1"]) * (bias["X2"] if x2 else 1 - bias["X2"])
        val = {"X1": x1, "X2": x2}
        for v, nz in (("L", nl), ("A1", n1), ("A2", n2)):
            parents, mech, noise = spec[v]
            p *= noise if nz else 1 - noise
            bits = [val[u] for u in parents]
            if not bits:
                out = 0
            elif mech == "xor":
                out = sum(bits) % 2
            elif mech == "and":
                out = int(all(bits))
            else:
                out = int(any(bits))
            val[v] = out ^ nz
        if p:
            key = (val["A1"], val["A2"], x1, x2, val["L"])
            probs[key] = probs.get(key, Fraction(0)) + p
    text = "; ".join("%s = %snoise(%s)" % (v, "%s(%s) ⊕ " % (m, ",".join(ps)) if ps else "", nz)
                     for v, (ps, m, nz) in spec.items())
    text += "; X1 ~ Bernoulli(%s), X2 ~ Bernoulli(%s)" % (bias["X1"], bias["X2"])
    return Joint.from_dict(("A1", "A2", "X1", "X2", "L"), probs), text


def find_counter_model(premises, budget: int = 4000, seed: int = 0) -> CounterModel | None:
    """First random model (seeded, so reproducible) that is well defined, satisfies every premise
    in `premises` and violates (22); None after `budget` tries."""
    premises = frozenset(premises)
    rng = random.Random(seed)
    scenarios = [Scenario(2, ic) for ic in ((1, 2), (2,), (1,), ())]
    for _ in range(budget):
        joint, text = _random_model(rng, "lambda_indep_X" not in premises)
        sc = rng.choice(scenarios)
        if not well_defined(joint, sc):
            continue
        if not all(premise_holds(joint, sc, p) for p in premises):
            continue
        violation = factorisation_violation(joint, sc)
        if violation is None:
            continue
        held = tuple(p for p in PREMISES if premise_holds(joint, sc, p))
        return CounterModel(sc, joint, text, held, violation)
    return None
