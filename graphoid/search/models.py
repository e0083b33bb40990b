"""Enumerate and count the c.i. structures on n variables closed under the semigraphoid, graphoid or
gaussoid axioms, each given as its set of elementary statements (the convention of the literature, e.g. CInet).

Method: depth-first over the elementary statements in a fixed order; each statement is either added (and
the set closed under the Horn axioms) or excluded, and a branch dies as soon as a closure hits an excluded
statement or, for gaussoids, a weak-transitivity instance has both premises in and both conclusions out.
Every closed structure is reached exactly once, at the leaf that matches its membership vector.
"""
from __future__ import annotations

import sys
from itertools import combinations
from typing import Callable, Iterator

from .closure import AXIOMS, Closure
from .statements import atom, bits, unpack

sys.setrecursionlimit(10000)


def elementary_statements(n: int) -> list[int]:
    """All atoms (i ⊥ j | K), i < j, K ⊆ V∖{i, j}: there are C(n,2)·2^(n-2)."""
    full = (1 << n) - 1
    out = []
    for i, j in combinations(range(n), 2):
        rest = full & ~((1 << i) | (1 << j))
        K = rest
        while True:
            out.append(atom(i, j, K))
            if K == 0:
                break
            K = (K - 1) & rest
    return sorted(out, key=lambda a: (bin(a & 0xFFFFFFFF).count("1"), a))


def _wt_violated(cl: Closure, excluded: set, n: int) -> bool:
    """Weak transitivity (ij|L) ∧ (ij|kL) ⇒ (ik|L) ∨ (jk|L) already broken by the decisions."""
    J, full = cl.just, (1 << n) - 1
    for a in J:
        i, j, L = unpack(a)
        for k in bits(full & ~(L | (1 << i) | (1 << j))):
            if (atom(i, j, L | (1 << k)) in J and atom(i, k, L) in excluded
                    and atom(j, k, L) in excluded):
                return True
    return False


def enumerate_structures(n: int, axioms: str = "semigraphoid",
                         progress: Callable[[int, float], None] | None = None,
                         limits=None) -> Iterator[frozenset[tuple[int, int, int]]]:
    """Yield every closed structure as a frozenset of elementary statements (i, j, K), i < j, K a bitmask.

    progress(found, fraction) is called now and then; fraction is the share of the binary search tree's
    leaves (weighted by depth) already settled, which is not the share of the time: `models --count`
    uses graphoid.search.count instead. limits (closure.Limits) is checked at every branch and raises
    closure.Budget when time or memory runs out.
    """
    if axioms not in AXIOMS:
        raise ValueError(f"unknown axioms {axioms!r}; choose one of {', '.join(AXIOMS)}")
    if not isinstance(n, int) or n < 2 or n > 8:
        raise ValueError("the number of variables must be an integer between 2 and 8")
    order = elementary_statements(n)
    gauss = axioms == "gaussoid"
    state = {"found": 0, "done": 0.0}

    def rec(cl: Closure, excluded: set, pos: int, weight: float):
        while pos < len(order) and (order[pos] in cl.just or order[pos] in excluded):
            pos += 1
        if pos == len(order):
            state["found"] += 1
            state["done"] += weight
            if progress is not None and state["found"] % 1000 == 0:
                progress(state["found"], state["done"])
            yield frozenset(unpack(a) for a in cl.just)
            return
        a = order[pos]
        if limits is not None:
            limits.check(len(cl.just))
        inc = cl.copy()
        inc.add(a, ("choice",))
        inc.run()
        if not (excluded & inc.just.keys()) and not (gauss and _wt_violated(inc, excluded, n)):
            yield from rec(inc, excluded, pos + 1, weight / 2)
        else:
            state["done"] += weight / 2
        exc = excluded | {a}
        if not (gauss and _wt_violated(cl, exc, n)):
            yield from rec(cl, exc, pos + 1, weight / 2)
        else:
            state["done"] += weight / 2

    yield from rec(Closure(n, axioms), set(), 0, 1.0)
    if progress is not None:
        progress(state["found"], 1.0)


def count_structures(n: int, axioms: str = "semigraphoid",
                     progress: Callable[[int, float], None] | None = None) -> int:
    return sum(1 for _ in enumerate_structures(n, axioms, progress))


def structure_text(structure, names) -> str:
    """One line: the elementary statements, e.g. `(A⊥B) (A⊥B|C)`."""
    out = []
    for i, j, K in sorted(structure, key=lambda t: (t[0], t[1], bin(t[2]).count("1"), t[2])):
        cond = "".join(names[k] for k in bits(K)) if all(len(v) == 1 for v in names) else \
            ",".join(names[k] for k in bits(K))
        out.append(f"({names[i]}⊥{names[j]}|{cond})" if K else f"({names[i]}⊥{names[j]})")
    return " ".join(out) if out else "∅"
