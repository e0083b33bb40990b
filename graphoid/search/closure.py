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
"""
from __future__ import annotations

import time
from collections import deque

from .statements import atom, bits, chain, unpack

AXIOMS = ("semigraphoid", "graphoid", "gaussoid")


class Budget(Exception):
    """Raised when the time budget runs out."""


class Closure:
    """Forward closure of a set of atoms; each derived atom keeps its justification.

    just[a] is ('premise', p) / ('hyp', p) for given statements, or (rule, (parent1, parent2), (i, j, k, L))
    where the rule produced the joint statement (i ⊥ jk | L) from the two parents.
    """

    def __init__(self, n: int, axioms: str = "semigraphoid", deadline: float | None = None):
        if axioms not in AXIOMS:
            raise ValueError(f"unknown axioms {axioms!r}; choose one of {', '.join(AXIOMS)}")
        self.n = n
        self.full = (1 << n) - 1
        self.axioms = axioms
        self.intersection = axioms in ("graphoid", "gaussoid")
        self.composition = axioms == "gaussoid"
        self.just: dict[int, tuple] = {}
        self.queue: deque[int] = deque()
        self.deadline = deadline

    def copy(self) -> "Closure":
        c = Closure(self.n, self.axioms, self.deadline)
        c.just = dict(self.just)
        c.queue = deque(self.queue)
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

    def _square(self, i, j, k, L):
        J = self.just
        bj, bk = 1 << j, 1 << k
        lo_j, lo_k = atom(i, j, L), atom(i, k, L)
        up_j, up_k = atom(i, j, L | bk), atom(i, k, L | bj)
        hj, hk, uj, uk = lo_j in J, lo_k in J, up_j in J, up_k in J
        if hj and uk and not (hk and uj):
            self._derive("contraction", lo_j, up_k, (i, j, k, L), lo_k, up_j)
        if hk and uj and not (hj and uk):
            self._derive("contraction", lo_k, up_j, (i, k, j, L), lo_j, up_k)
        if self.intersection and uj and uk and not (hj and hk):
            self._derive("intersection", up_j, up_k, (i, j, k, L), lo_j, lo_k)
        if self.composition and hj and hk and not (uj and uk):
            self._derive("composition", lo_j, lo_k, (i, j, k, L), up_j, up_k)

    def run(self, goal_atoms=None) -> bool:
        """Saturate; return True early if all goal_atoms are present."""
        J, Q, full = self.just, self.queue, self.full
        if goal_atoms is not None and all(g in J for g in goal_atoms):
            return True
        count = 0
        while Q:
            s = Q.popleft()
            x, y, K = unpack(s)
            for i, j in ((x, y), (y, x)):
                for k in bits(full & ~(K | (1 << i) | (1 << j))):
                    self._square(i, j, k, K)
                for k in bits(K):
                    self._square(i, j, k, K & ~(1 << k))
            count += 1
            if goal_atoms is not None and all(g in J for g in goal_atoms):
                return True
            if self.deadline is not None and count & 255 == 0 and time.monotonic() > self.deadline:
                raise Budget()
        return goal_atoms is not None and all(g in J for g in goal_atoms)

    def weak_transitivity_open(self):
        """An instance (ij|L) ∧ (ij|kL) with neither (ik|L) nor (jk|L) present, or None."""
        J, full = self.just, self.full
        for a in J:
            i, j, L = unpack(a)
            for k in bits(full & ~(L | (1 << i) | (1 << j))):
                if atom(i, j, L | (1 << k)) in J and atom(i, k, L) not in J and atom(j, k, L) not in J:
                    return (i, j, k, L)
        return None


class CaseNode:
    """Outcome of the gaussoid search below: proved leaf, or a weak-transitivity split with two cases."""

    def __init__(self, closure, split=None, branches=None):
        self.closure = closure
        self.split = split          # (i, j, k, L) or None
        self.branches = branches    # (CaseNode, CaseNode)


def implies(premises, goal, n, axioms="semigraphoid", deadline=None):
    """Decide premises ⊨ goal (bitmask triples).

    Returns ('proved', CaseNode) or ('refuted', Closure whose atoms form a closed counter-model).
    Raises Budget when the deadline passes.
    """
    base = Closure(n, axioms, deadline)
    for p, (X, Y, Z) in enumerate(premises):
        from .statements import components
        for a in components(X, Y, Z):
            base.add(a, ("premise", p))
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
        sub = cl.copy()
        sub.add(case, ("case", split))
        status, res = _search(sub, goal_atoms)
        if status == "refuted":
            return status, res
        nodes.append(res)
    return "proved", CaseNode(cl, split, tuple(nodes))
