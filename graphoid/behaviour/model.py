"""Contextuality scenarios and behaviours, held in exact rationals.

A scenario (the paper's "measurement scenario") is a list of measurements, an outcome set for each
and the contexts (jointly measurable subsets, of any size). A behaviour gives, for every context, a
probability for every joint outcome; every number is a `fractions.Fraction`, never a float.
"""
from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from fractions import Fraction


class BehaviourError(Exception):
    """Bad input, with a position: 'file:line:col' (CSV) or 'file: $.json.path' (JSON)."""

    def __init__(self, message: str, where: str = ""):
        super().__init__(message)
        self.message = message
        self.where = where

    def render(self) -> str:
        return "%s: error: %s" % (self.where, self.message) if self.where else "error: %s" % self.message


Context = tuple  # tuple[str, ...] of measurement names, in declaration order
Outcome = tuple  # tuple[str, ...] of outcome labels, aligned with a context


def canonical_label(x) -> str:
    """Outcome labels are strings; an integer-looking label is normalised ('+1' and '1' are one label)."""
    s = str(x).strip()
    try:
        return str(int(s))
    except ValueError:
        return s


@dataclass(frozen=True)
class Scenario:
    measurements: tuple
    outcomes: dict = field(hash=False)      # measurement -> tuple of labels
    contexts: tuple                          # tuple of Context

    def n_assignments(self) -> int:
        n = 1
        for m in self.measurements:
            n *= len(self.outcomes[m])
        return n

    def joint_outcomes(self, context):
        return itertools.product(*(self.outcomes[m] for m in context))

    def value_map(self):
        """±1 value of each outcome when every measurement is binary with labels {1,-1} or {0,1}
        ((-1)^a for 0/1 labels); None otherwise."""
        vals = {}
        for m in self.measurements:
            o = self.outcomes[m]
            if set(o) == {"1", "-1"}:
                vals[m] = {"1": 1, "-1": -1}
            elif set(o) == {"0", "1"}:
                vals[m] = {"0": 1, "1": -1}
            else:
                return None
        return vals

    def to_json(self) -> dict:
        return {"measurements": {m: list(self.outcomes[m]) for m in self.measurements},
                "contexts": [list(c) for c in self.contexts]}


@dataclass
class Behaviour:
    scenario: Scenario
    table: dict                 # Context -> {Outcome: Fraction}, every joint outcome present
    source: str = "<behaviour>"

    def p(self, context, outcome) -> Fraction:
        return self.table[tuple(context)][tuple(outcome)]

    def integer_tables(self):
        """(D, {context: ndarray of integers}) with P(a|c) = array[a] / D exactly; arrays are shaped by the
        context's outcome sets (int64 when it cannot overflow, Python integers otherwise). Cached."""
        cached = getattr(self, "_int_tables", None)
        if cached is not None:
            return cached
        import math

        import numpy as np
        D = 1
        for row in self.table.values():
            for q in row.values():
                D = D * q.denominator // math.gcd(D, q.denominator)
        dtype = np.int64 if D < (1 << 62) else object
        out = {}
        for c, row in self.table.items():
            vals = [q.numerator * (D // q.denominator) for q in row.values()]
            out[c] = np.array(vals, dtype=object).astype(dtype).reshape([len(self.scenario.outcomes[m]) for m in c])
        self._int_tables = (D, out)
        return self._int_tables

    def marginal(self, context, subset) -> dict:
        """Marginal of P(·|context) on the measurements `subset` (a tuple, in that order)."""
        idx = [context.index(m) for m in subset]
        out: dict = {}
        for o, q in self.table[context].items():
            k = tuple(o[i] for i in idx)
            out[k] = out.get(k, Fraction(0)) + q
        return out

    def to_json(self) -> dict:
        return {"measurements": {m: list(self.scenario.outcomes[m]) for m in self.scenario.measurements},
                "contexts": [list(c) for c in self.scenario.contexts],
                "behaviour": [{"context": list(c),
                               "p": {" ".join(o): str(q) for o, q in self.table[c].items() if q}}
                              for c in self.scenario.contexts]}

    def to_json_text(self, description: str = "") -> str:
        """Compact, readable JSON: one line per context."""
        sc = self.scenario
        d = json.dumps
        sets = {sc.outcomes[m] for m in sc.measurements}
        head = ['{'] + (['  "description": %s,' % d(description, ensure_ascii=False)] if description else [])
        if len(sets) == 1:
            head.append('  "outcomes": %s,' % d(list(sets.pop())))
            head.append('  "measurements": %s,' % d(list(sc.measurements)))
        else:
            head.append('  "measurements": {%s},' % ", ".join("%s: %s" % (d(m), d(list(sc.outcomes[m])))
                                                               for m in sc.measurements))
        head.append('  "contexts": [%s],' % ", ".join(d(list(c)) for c in sc.contexts))
        rows = ['    {"context": %s, "p": {%s}}' % (d(list(c)), ", ".join(
            "%s: %s" % (d(" ".join(o)), d(str(q))) for o, q in self.table[c].items() if q)) for c in sc.contexts]
        return "\n".join(head + ['  "behaviour": [', ",\n".join(rows), "  ]", "}"]) + "\n"

    def to_csv(self, comment: str = "") -> str:
        sc = self.scenario
        lines = ["# " + line for line in comment.splitlines()] if comment else []
        sets = {sc.outcomes[m] for m in sc.measurements}
        if len(sets) == 1:
            lines.append(",".join(["outcomes"] + list(sets.pop())))
            lines.append(",".join(["measurements"] + list(sc.measurements)))
        else:
            for m in sc.measurements:
                lines.append(",".join(["measurement", m] + list(sc.outcomes[m])))
        for c in sc.contexts:
            lines.append(",".join(["context"] + list(c)))
        for c in sc.contexts:
            lines.append(",".join(["table"] + list(c)))
            for o, q in self.table[c].items():
                if q:
                    lines.append(",".join(list(o) + [str(q)]))
        return "\n".join(lines) + "\n"


def make_behaviour(measurements: dict, contexts, probs, source: str = "<behaviour>") -> Behaviour:
    """Build a behaviour from Python data (used by the families and the tests): `measurements` maps
    names to outcome lists, `probs(context, outcome) -> Fraction`. Checked like a file."""
    from .formats import build_behaviour
    sc = Scenario(tuple(measurements), {m: tuple(canonical_label(x) for x in o) for m, o in measurements.items()},
                  tuple(tuple(c) for c in contexts))
    rows = {}
    for c in sc.contexts:
        rows[c] = {o: Fraction(probs(c, o)) for o in sc.joint_outcomes(c)}
    return build_behaviour(sc, rows, source)
