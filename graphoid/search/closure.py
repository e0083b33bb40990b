"""Implication of c.i. statements by closure of elementary statements under semigraphoid, graphoid or
gaussoid axioms; goal-directed (stops once the goal's chain is derived), with a case split for the
gaussoid weak-transitivity axiom, which is not Horn.

Elementary axioms on a "square" (i; j, k; L) with atoms lo_j=(ij|L), lo_k=(ik|L), up_j=(ij|kL), up_k=(ik|jL):
  semigraphoid  lo_j ∧ up_k ⇔ lo_k ∧ up_j          (contraction, then weak union / decomposition)
  intersection  up_j ∧ up_k ⇒ lo_j ∧ lo_k
  composition   lo_j ∧ lo_k ⇒ up_j ∧ up_k           (gaussoid only)
  weak transitivity (ij|L) ∧ (ij|kL) ⇒ (ik|L) ∨ (jk|L)   (gaussoid only)
Why a closure lacking the goal refutes it: for a set M of elementary statements closed under the
semigraphoid square rule, the relation R(M) = {(X⊥Y|Z): every elementary component lies in M} is a
semigraphoid (Matúš 1992); with the intersection rule also closed it satisfies intersection
(tests/test_search.py re-checks both claims by brute force on the general axioms for small n).

Budgets: every loop that builds something (premise components, the closure, case-split copies, the
derivation) calls Limits.check now and then, which raises Budget when the time or the memory budget
is spent; the exception says which, and how many elementary statements had been built.
"""
from __future__ import annotations

import os
import time
from collections import deque
from functools import lru_cache

from .statements import _SH, _MASK, atom, chain, components

AXIOMS = ("semigraphoid", "graphoid", "gaussoid")
DEFAULT_MEMORY_MB = 2048
CHECK_EVERY = 4096           # atoms built between two budget checks (a check costs a few µs)


def _rss_bytes() -> int | None:
    """Resident set size of this process now (Linux /proc), or None where it cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


try:
    _PAGE = os.sysconf("SC_PAGE_SIZE")
except (ValueError, OSError, AttributeError):   # pragma: no cover - non-POSIX
    _PAGE = 4096

# Where the RSS cannot be read, memory is estimated from the number of atoms held: a dict entry, a
# queue slot, the atom int and its justification tuples come to about this many bytes each.
BYTES_PER_ATOM = 400


class Budget(Exception):
    """The time or the memory budget ran out. kind is 'time' or 'memory'; size is the number of
    elementary statements built when it happened, megabytes the memory the search had grown by."""

    def __init__(self, kind: str = "time", size: int = 0, megabytes: float = 0.0, limit: float = 0.0):
        super().__init__(kind, size, megabytes)
        self.kind, self.size, self.megabytes, self.limit = kind, size, megabytes, limit

    def __str__(self):
        what = ("time budget of %g s exhausted" % self.limit if self.kind == "time"
                else "memory budget of %d MB reached" % self.limit)
        return "%s after building %s elementary statements (%.0f MB)" % (what, format(self.size, ","),
                                                                        self.megabytes)


class Limits:
    """A deadline (time.monotonic) and a memory budget in MB, measured as growth of the process's
    resident memory since the limits were made (an estimate from the atoms held where RSS is unknown)."""

    def __init__(self, deadline: float | None = None, memory_mb: float | None = DEFAULT_MEMORY_MB,
                 budget_s: float | None = None):
        self.deadline = deadline
        self.budget_s = budget_s if budget_s is not None else (
            max(0.0, deadline - time.monotonic()) if deadline is not None else 0.0)
        self.memory_mb = memory_mb
        self.base = _rss_bytes()
        self.size = 0           # the most elementary statements held at a check

    def grown_mb(self, size: int) -> float:
        now = _rss_bytes()
        if now is None or self.base is None:
            return size * BYTES_PER_ATOM / 2 ** 20
        return max(0, now - self.base) / 2 ** 20

    def check(self, size: int) -> None:
        """Raise Budget if the deadline has passed or memory has grown past the budget."""
        if size > self.size:
            self.size = size
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise Budget("time", self.size, self.grown_mb(self.size), self.budget_s)
        if self.memory_mb is not None:
            mb = self.grown_mb(self.size)
            if mb > self.memory_mb:
                raise Budget("memory", self.size, mb, self.memory_mb)


@lru_cache(maxsize=None)
def _pair_keys(n):
    """pk[i][j]: the packed (i, j) part of an atom, ordered i < j, so atom(i, j, K) == K | pk[i][j].
    Shared between closures (never mutated)."""
    return tuple(tuple((min(i, j) << _SH) | (max(i, j) << (_SH + 6)) for j in range(n)) for i in range(n))


class Closure:
    """Forward closure of a set of atoms; each derived atom keeps its justification.

    just[a] is ('premise', p) / ('hyp', p) for given statements, or (rule, (parent1, parent2), (i, j, k, L))
    where the rule produced the joint statement (i ⊥ jk | L) from the two parents.
    For gaussoids, wt holds weak-transitivity instances (i, j, k, L) whose two premises have both been
    processed; one whose conclusions are both absent is an open case split (found without rescanning).
    """

    def __init__(self, n: int, axioms: str = "semigraphoid", deadline: float | None = None,
                 limits: Limits | None = None):
        if axioms not in AXIOMS:
            raise ValueError(f"unknown axioms {axioms!r}; choose one of {', '.join(AXIOMS)}")
        self.n = n
        self.full = (1 << n) - 1
        self.axioms = axioms
        self.intersection = axioms in ("graphoid", "gaussoid")
        self.composition = axioms == "gaussoid"
        self.just: dict[int, tuple] = {}
        self.queue: deque[int] = deque()
        self.wt: list = []
        self.limits = limits if limits is not None else (
            Limits(deadline, None) if deadline is not None else None)
        self._pk = _pair_keys(n)

    @property
    def deadline(self):
        return None if self.limits is None else self.limits.deadline

    def copy(self) -> "Closure":
        c = Closure.__new__(Closure)
        c.__dict__.update(self.__dict__)
        c.just = dict(self.just)
        c.queue = deque(self.queue)
        c.wt = list(self.wt)
        return c

    def add(self, a: int, why: tuple) -> None:
        if a not in self.just:
            self.just[a] = why
            self.queue.append(a)

    def _derive(self, rule, p, q, sq, *targets):
        for t in targets:
            if t not in self.just:
                self.just[t] = (rule, (p, q), sq)
                self.queue.append(t)

    def run(self, goal_atoms=None) -> bool:
        """Saturate; return True early if all goal_atoms are present.

        The square rules are applied inline (no function call per square, atoms packed by table look-up):
        this loop is where the search spends its time.
        """
        J, Q, full, pk = self.just, self.queue, self.full, self._pk
        inter, comp = self.intersection, self.composition
        wt = self.wt if comp else None
        derive = self._derive
        limits = self.limits
        goal = list(goal_atoms) if goal_atoms is not None else None
        if goal is not None and all(g in J for g in goal):
            return True
        count = 0
        while Q:
            s = Q.popleft()
            x, y, K = (s >> _SH) & 63, s >> (_SH + 6), s & _MASK
            for i, j in ((x, y), (y, x)):
                bj = 1 << j
                pij = pk[i][j]
                pki = pk[i]
                # s is lo_j = (ij|K) of the squares (i; j, k; K), k outside K ∪ {i, j}
                m = full & ~(K | (1 << i) | bj)
                while m:
                    bk = m & -m
                    m ^= bk
                    k = bk.bit_length() - 1
                    pik = pki[k]
                    lo_k, up_j, up_k = K | pik, K | bk | pij, K | bj | pik
                    hk, uj, uk = lo_k in J, up_j in J, up_k in J
                    if uk and not (hk and uj):                       # hj holds: contraction
                        derive("contraction", s, up_k, (i, j, k, K), lo_k, up_j)
                    if hk and uj and not uk:
                        derive("contraction", lo_k, up_j, (i, k, j, K), up_k)
                    if comp:
                        if hk and not (uj and uk):
                            derive("composition", s, lo_k, (i, j, k, K), up_j, up_k)
                        if uj and i == x:                             # (ij|K), (ij|kK): weak transitivity
                            wt.append((i, j, k, K))
                # s is up_j = (ij|kL) of the squares (i; j, k; L), k in K, L = K∖k
                m = K
                while m:
                    bk = m & -m
                    m ^= bk
                    k = bk.bit_length() - 1
                    L = K ^ bk
                    pik = pki[k]
                    lo_j, lo_k, up_k = L | pij, L | pik, L | bj | pik
                    hj, hk, uk = lo_j in J, lo_k in J, up_k in J
                    if hj and uk and not hk:
                        derive("contraction", lo_j, up_k, (i, j, k, L), lo_k)
                    if hk and not (hj and uk):                       # uj holds: contraction
                        derive("contraction", lo_k, s, (i, k, j, L), lo_j, up_k)
                    if inter and uk and not (hj and hk):
                        derive("intersection", s, up_k, (i, j, k, L), lo_j, lo_k)
                    if comp:
                        if hj and hk and not uk:
                            derive("composition", lo_j, lo_k, (i, j, k, L), up_k)
                        if hj and i == x:                             # (ij|L), (ij|kL): weak transitivity
                            wt.append((i, j, k, L))
            count += 1
            if goal is not None and all(g in J for g in goal):
                return True
            if limits is not None and count & 255 == 0:
                limits.check(len(J))
        return goal is not None and all(g in J for g in goal)

    def weak_transitivity_open(self):
        """An instance (ij|L) ∧ (ij|kL) with neither (ik|L) nor (jk|L) present, or None.

        Valid after run() has saturated (every atom processed): instances are recorded as their second
        premise is processed, and one that is closed stays closed, since closures only grow."""
        J, wt, pk = self.just, self.wt, self._pk
        while wt:
            i, j, k, L = wt[-1]
            if (L | pk[i][k]) in J or (L | pk[j][k]) in J:
                wt.pop()
                continue
            return (i, j, k, L)
        return None

    def weak_transitivity_open_scan(self):
        """The same question answered by rescanning the whole closure (the reference for tests)."""
        J, full = self.just, self.full
        for a in J:
            i, j, L = (a >> _SH) & 63, a >> (_SH + 6), a & _MASK
            m = full & ~(L | (1 << i) | (1 << j))
            while m:
                bk = m & -m
                m ^= bk
                k = bk.bit_length() - 1
                if atom(i, j, L | bk) in J and atom(i, k, L) not in J and atom(j, k, L) not in J:
                    return (i, j, k, L)
        return None


class CaseNode:
    """Outcome of the gaussoid search below: proved leaf, or a weak-transitivity split with two cases."""

    def __init__(self, closure, split=None, branches=None):
        self.closure = closure
        self.split = split          # (i, j, k, L) or None
        self.branches = branches    # (CaseNode, CaseNode)


def implies(premises, goal, n, axioms="semigraphoid", deadline=None, limits: Limits | None = None):
    """Decide premises ⊨ goal (bitmask triples).

    Returns ('proved', CaseNode) or ('refuted', Closure whose atoms form a closed counter-model).
    Raises Budget when the time or memory budget runs out (limits, or a bare deadline).
    """
    if limits is None and deadline is not None:
        limits = Limits(deadline, None)
    base = Closure(n, axioms, limits=limits)
    J, Q = base.just, base.queue
    for p, (X, Y, Z) in enumerate(premises):
        why = ("premise", p)
        built = 0
        for a in components(X, Y, Z):
            if a not in J:
                J[a] = why
                Q.append(a)
            built += 1
            if limits is not None and built % CHECK_EVERY == 0:
                limits.check(len(J))
    if limits is not None:
        limits.check(len(J))
    goal_atoms = chain(*goal)
    return _search(base, goal_atoms)


def _search(cl: Closure, goal_atoms):
    if cl.run(goal_atoms):
        return "proved", CaseNode(cl)
    if cl.axioms != "gaussoid":
        return "refuted", cl
    split = cl.weak_transitivity_open()
    if split is None:
        return "refuted", cl
    i, j, k, L = split
    nodes = []
    for case in (atom(i, k, L), atom(j, k, L)):
        if cl.limits is not None:
            cl.limits.check(len(cl.just))
        sub = cl.copy()
        sub.add(case, ("case", split))
        status, res = _search(sub, goal_atoms)
        if status == "refuted":
            return status, res
        nodes.append(res)
    return "proved", CaseNode(cl, split, tuple(nodes))
