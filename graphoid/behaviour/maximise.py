"""Maximise a sum of local terms over deterministic assignments: max_λ Σ_f f(λ|scope(f)).

This is both the pricing step of column generation (floats: which deterministic assignment improves
the LP most) and the exact local bound of a Bell–KS inequality (integers: the bound reported in a
certificate). Small problems are solved by brute force over one table of all assignments; larger ones
by variable elimination (max-sum bucket elimination, exact for any elimination order), which is
polynomial for scenarios of small treewidth such as the chained Bell (cycle) scenarios.

Variables are measurement indices 0..M-1 with card[i] outcomes; a factor is (scope, ndarray), scope
a sorted tuple of indices and the array of shape [card[i] for i in scope].
"""
from __future__ import annotations

import numpy as np

BRUTE_LIMIT = 1 << 22      # assignments enumerated in one table
TABLE_LIMIT = 1 << 25      # largest intermediate table variable elimination may build


class TooLarge(Exception):
    pass


_plans: dict = {}


def _plan(scopes: tuple):
    """For each scope, the maximal scope it is absorbed into (None for the empty scope); cached, since
    column generation asks with the same scopes every time."""
    plan = _plans.get(scopes)
    if plan is not None:
        return plan
    uniq = sorted(set(scopes), key=lambda s: (-len(s), s))
    maximal: list = []
    by_var: dict = {}
    host_of: dict = {}
    for s in uniq:
        if not s:
            host_of[s] = None
            continue
        cands = None
        for v in s:  # maximal scopes seen so far containing every variable of s: its supersets
            ids = by_var.get(v, set())
            cands = ids if cands is None else cands & ids
            if not cands:
                break
        if cands:
            host_of[s] = min(cands)
        else:
            host_of[s] = len(maximal)
            for v in s:
                by_var.setdefault(v, set()).add(len(maximal))
            maximal.append(s)
    plan = (tuple(maximal), tuple(host_of[s] for s in scopes))
    if len(_plans) > 64:
        _plans.clear()
    _plans[scopes] = plan
    return plan


def _expand(arr, scope, target):
    """View `arr` (over `scope`) broadcastable against a table over `target` (both sorted)."""
    shape = [1] * len(target)
    pos = {v: i for i, v in enumerate(target)}
    for v, n in zip(scope, arr.shape):
        shape[pos[v]] = n
    return arr.reshape(shape)


def merge(card, factors, dtype):
    """Absorb every factor into a maximal scope containing it: fewer, larger factors."""
    scopes = tuple(tuple(s) for s, _ in factors)
    maximal, host = _plan(scopes)
    out = [np.zeros([card[v] for v in s], dtype=dtype) for s in maximal]
    const = 0
    for (s, a), h in zip(factors, host):
        if h is None:
            const = const + np.asarray(a, dtype=dtype).reshape(())[()]
            continue
        out[h] = out[h] + _expand(np.asarray(a, dtype=dtype), s, maximal[h])
    return [(s, a) for s, a in zip(maximal, out)], const


def maximise(card, factors, dtype=float, topk: int = 1):
    """[(value, assignment)] best first (assignment: tuple of outcome indices, one per variable;
    variables in no factor get outcome 0). Exact when dtype is int64 or object."""
    M = len(card)
    facs, const = merge(card, factors, dtype)
    used = sorted({v for s, _ in facs for v in s})
    total = 1
    for v in used:
        total *= card[v]
        if total > BRUTE_LIMIT:
            break
    if not used:
        return [(const, (0,) * M)]
    if total <= BRUTE_LIMIT:
        table = np.zeros([card[v] for v in used], dtype=dtype)
        for s, a in facs:
            table = table + _expand(a, s, tuple(used))
        flat = table.reshape(-1)
        if topk > 1 and flat.size > topk:
            idx = np.argpartition(-flat, topk - 1)[:topk] if dtype is float else np.argsort(-flat)[:topk]
            idx = idx[np.argsort(-flat[idx], kind="stable")]
        else:
            idx = [int(np.argmax(flat))] if topk == 1 else np.argsort(-flat, kind="stable")[:topk]
        res = []
        for i in idx:
            vals = np.unravel_index(int(i), table.shape)
            asg = [0] * M
            for v, x in zip(used, vals):
                asg[v] = int(x)
            res.append((flat[int(i)] + const, tuple(asg)))
        return res
    return [_eliminate(card, facs, dtype, const)]


def _eliminate(card, facs, dtype, const):
    facs = list(facs)
    remaining = {v for s, _ in facs for v in s}
    trace = []
    while remaining:
        best = None
        for v in remaining:  # eliminate the variable whose new table is smallest (min-weight heuristic)
            union = set()
            for s, _ in facs:
                if v in s:
                    union.update(s)
            size = 1
            for u in union:
                size *= card[u]
            if best is None or size < best[0]:
                best = (size, v, union)
        size, v, union = best
        if size > TABLE_LIMIT:
            raise TooLarge("variable elimination needs a table of %d entries" % size)
        scope = tuple(sorted(union))
        table = np.zeros([card[u] for u in scope], dtype=dtype)
        keep = []
        for s, a in facs:
            if v in s:
                table = table + _expand(a, s, scope)
            else:
                keep.append((s, a))
        ax = scope.index(v)
        arg = np.argmax(table, axis=ax)
        new = np.take_along_axis(table, np.expand_dims(arg, ax), ax).squeeze(ax)
        rest = tuple(u for u in scope if u != v)
        trace.append((v, rest, arg))
        keep.append((rest, np.asarray(new, dtype=dtype)))
        facs = keep
        remaining.discard(v)
    value = const
    for s, a in facs:  # only empty scopes remain
        value = value + a.reshape(())[()]
    asg = [0] * len(card)
    for v, rest, arg in reversed(trace):
        asg[v] = int(arg[tuple(asg[u] for u in rest)])
    return value, tuple(asg)


def exact_max(card, factors):
    """Exact max of integer-valued factors (Python ints in, a Python int out) and a maximiser.
    int64 when no sum can overflow, Python integers (object arrays) otherwise."""
    bound = sum(max((abs(int(x)) for x in np.asarray(a, dtype=object).reshape(-1)), default=0) for _, a in factors)
    dtype = np.int64 if bound < (1 << 62) else object
    fs = [(s, np.asarray(a, dtype=object).astype(dtype)) for s, a in factors]
    value, asg = maximise(card, fs, dtype=dtype)[0]
    return int(value), asg
