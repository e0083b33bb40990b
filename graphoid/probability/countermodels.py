"""Counter-models for a probability equation that the kernel could not prove: small random
structural models (binary variables; parity/and/or/copy mechanisms with rational noise) over a
concrete instance of the declarations (n = 2 or 1, random index subsets), searched until one
satisfies every cited premise and violates the equation where it is defined. Everything is decided
exactly with Fractions (evaluate.py). Untrusted: a counter-model only explains a failure."""
from __future__ import annotations

import random
import time
from dataclasses import dataclass
from fractions import Fraction
from itertools import product as cartesian

from .evaluate import Instance

_NOISE = (Fraction(0), Fraction(1, 2), Fraction(1, 3), Fraction(1, 4))


@dataclass
class CounterModel:
    inst: Instance
    mechanisms: str
    omega: dict
    lhs: Fraction
    rhs: Fraction
    undefined: tuple = ()     # conditionals with a null conditioning event, with the values used

    def describe(self, eq_text: str = "") -> str:
        rows = ", ".join("%s: %s" % ("".join(map(str, k)), p) for k, p in sorted(self.inst.table.items()))
        subs = "; ".join("%s = {%s}" % (k, ",".join(map(str, sorted(v)))) for k, v in sorted(self.inst.subsets.items()))
        iv = "; ".join("%s = %s" % kv for kv in sorted(self.inst.ivals.items()))
        at = ", ".join("%s=%s" % (v, self.omega[v]) for v in self.inst.variables)
        if self.undefined:
            at += (" (the conditionals %s are undefined there, at some value of a summed variable, and "
                   "were given the values %s: the equation is claimed for any such values)"
                   % (", ".join("P(%s | %s)" % (" ".join(S) or "∅", " ".join(T) or "∅") for S, T, _v in self.undefined),
                      ", ".join(str(v) for _S, _T, v in self.undefined)))
        return ("%s%s%s; %s\n  P(%s) = {%s}\n  at %s the left side is %s and the right side %s"
                % ("n = %d" % self.inst.n if self.inst.decl.ranges else "concrete variables",
                   "; " + subs if subs else "", "; " + iv if iv else "", self.mechanisms,
                   " ".join(self.inst.variables), rows, at, self.lhs, self.rhs))


def _junk_by_sets(S, T, omega):
    """A value for an undefined conditional P(S | T): a function of the sets only (1 or 0)."""
    return Fraction(len(S) % 2 == 1 and len(T) % 2 == 0)


def _instances(decl, rng, n):
    subs: dict = {}
    for whole, parts in decl.partitions:
        members = range(1, n + 1) if whole in decl.ranges else subs.get(whole, set())
        for p in parts:
            subs[p] = set()
        for i in members:
            subs[parts[rng.randrange(len(parts))]].add(i)
    for name in decl.subsets:
        if name not in subs:
            subs[name] = {i for i in range(1, n + 1) if rng.random() < 0.5}
    return subs


def _variables(env, decl, n):
    out = sorted(env.scalars)
    for f in sorted(decl.base_families):
        out += ["%s%d" % (f, i) for i in range(1, n + 1)]
    return out


def _random_model(rng, variables):
    order = list(variables)
    rng.shuffle(order)
    spec = {}
    for k, v in enumerate(order):
        cands = order[:k]
        parents = rng.sample(cands, min(rng.choice([0, 1, 1, 2]), len(cands)))
        spec[v] = (parents, rng.choice(("xor", "and", "or")), rng.choice(_NOISE))
    table: dict = {}
    noisy = [v for v in order if spec[v][2]]
    for bits in cartesian((0, 1), repeat=len(noisy)):
        nz = dict(zip(noisy, bits))
        p = Fraction(1)
        val = {}
        for v in order:
            parents, mech, noise = spec[v]
            b = nz.get(v, 0)
            if noise:
                p *= noise if b else 1 - noise
            xs = [val[u] for u in parents]
            out = 0 if not xs else (sum(xs) % 2 if mech == "xor" else int(all(xs)) if mech == "and" else int(any(xs)))
            val[v] = out ^ b
        key = tuple(val[v] for v in variables)
        table[key] = table.get(key, Fraction(0)) + p
    text = "; ".join("%s = %s%s" % (v, "%s(%s)" % (m, ",".join(ps)) if ps else "0",
                                     " ⊕ noise(%s)" % nz if nz else "") for v, (ps, m, nz) in spec.items())
    return {k: p for k, p in table.items() if p}, text


def find_counter_model(env, premises, eq, seconds: float = 30.0, seed: int = 0, guards=None,
                       tries_max: int = 3000) -> CounterModel | None:
    """A model satisfying every statement in `premises` and violating `eq`, or None (after
    `tries_max` models; the wall-clock limit is only a safety net, so the answer does not depend
    on the machine's load)."""
    decl = env.decl
    rng = random.Random(seed)
    deadline = time.monotonic() + seconds
    ns = (2, 3, 2, 1) if decl.ranges else (1,)
    tries = 0
    while time.monotonic() < deadline and tries < tries_max:
        tries += 1
        n = ns[tries % len(ns)] if tries > 100 else ns[0]
        subs = _instances(decl, rng, n)
        ivals = {}
        inst = Instance(n, subs, ivals, decl)
        ok = True
        for v, dom in decl.index_vars.items():
            choices = sorted(inst.iset(dom)) if True else []
            if not choices:
                ok = False
                break
            ivals[v] = rng.choice(choices)
        if not ok:
            continue
        variables = _variables(env, decl, n)
        table, text = _random_model(rng, variables)
        inst.variables, inst.table = tuple(variables), table
        try:
            if not all(inst.holds(p) for p in premises):
                continue
            bad = inst.equation_violation(eq, guards)
            undefined = ()
            if bad is None:
                # the sides may agree only by the reading 0 of undefined conditionals: try others
                inst.junk = _junk_by_sets
                inst._marg = inst._marg
                bad = inst.equation_violation(eq, guards)
                if bad is not None:
                    inst.undefined = set()
                    inst.value(eq.lhs, bad[0])
                    inst.value(eq.rhs, bad[0])
                    undefined = tuple((S, T, _junk_by_sets(S, T, bad[0])) for S, T in sorted(inst.undefined))
                    inst.undefined = None
        except KeyError:
            continue
        if bad is not None:
            return CounterModel(inst, text, *bad, undefined=undefined)
    return None
