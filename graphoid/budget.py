"""One overall time budget per command (--timeout / --time-limit), validated at the command line.

The budget starts when the command starts. Commands that can stop cleanly (prove, classcheck, the
enumerations of `check`, models, dagmodels) look at `remaining()` and answer "unknown" (exit 3) when
it runs out; whatever cannot stop on its own (a z3 query, a long kernel step) is ended by the
console entry's watcher at most MARGIN_S seconds after the budget (exit 3, one line on stderr).
"""
from __future__ import annotations

import argparse
import math

from ._entry import MARGIN_S, expired, remaining, set_deadline

MAX_SECONDS = 7 * 24 * 3600.0   # a week: anything longer is a typo (1e308), not a budget

__all__ = ["MARGIN_S", "MAX_SECONDS", "BudgetExhausted", "cap", "expired", "remaining", "seconds", "set_deadline"]


class BudgetExhausted(Exception):
    """Raised by cooperative loops when the overall budget has run out."""


def seconds(text: str) -> float:
    """argparse type of a budget: a finite number of seconds, > 0 and at most a week."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("not a number of seconds: %r" % text) from None
    if math.isnan(v) or math.isinf(v):
        raise argparse.ArgumentTypeError("a time budget must be a finite number of seconds, not %r" % text)
    if v <= 0:
        raise argparse.ArgumentTypeError("a time budget must be positive, not %r" % text)
    if v > MAX_SECONDS:
        raise argparse.ArgumentTypeError("a time budget of %s s is more than a week; give at most %d"
                                         % (text, int(MAX_SECONDS)))
    return v


def cap(limit: float | None) -> float | None:
    """`limit` (a local time limit, or None) cut to what is left of the overall budget."""
    r = remaining()
    if r is None:
        return limit
    r = max(0.0, r)
    return r if limit is None else min(limit, r)


def check() -> None:
    """Raise BudgetExhausted once the overall budget has run out (for progress callbacks)."""
    if expired():
        raise BudgetExhausted()
