"""Counting and listing closed c.i. structures by SAT: the axiom system as a CNF over the elementary
statements, counted exactly by Ganak (pyganak) and listed by a SAT solver (python-sat) with blocking
clauses.

One propositional variable per elementary statement (i ⊥ j | K), i < j, K ⊆ V∖{i, j} (the order of
`models.elementary_statements`). For distinct i, j, k and L ⊆ V∖{i, j, k}, the square with apex i has
lo_j = (ij|L), lo_k = (ik|L), up_j = (ij|kL), up_k = (ik|jL); the clauses are the elementary axioms that
`closure.Closure` applies (Matúš; Lněnička & Matúš for gaussoids):

  semigraphoid       lo_j ∧ up_k ⇒ lo_k,  lo_j ∧ up_k ⇒ up_j   (both ways round: j ↔ k)
  intersection       up_j ∧ up_k ⇒ lo_j,  up_j ∧ up_k ⇒ lo_k   (graphoid, gaussoid)
  composition        lo_j ∧ lo_k ⇒ up_j,  lo_j ∧ lo_k ⇒ up_k   (gaussoid)
  weak transitivity  (ij|L) ∧ (ij|kL) ⇒ (ik|L) ∨ (jk|L)         (gaussoid)

A model of the CNF is exactly a set of elementary statements closed under these rules, i.e. a structure
that `models.enumerate_structures` yields; tests/test_count.py checks that against brute force for
n = 3 and 4 and against the closure-based enumeration.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from itertools import combinations
from typing import Callable, Iterator

from .closure import AXIOMS
from .statements import bits, unpack

MAX_COUNT_VARS = 6


@dataclass
class AxiomCNF:
    n: int
    axioms: str
    atoms: list          # variable v (1-based) is the elementary statement atoms[v - 1] = (i, j, K)
    clauses: list        # lists of nonzero ints, DIMACS convention

    @property
    def num_vars(self) -> int:
        return len(self.atoms)

    def dimacs(self) -> str:
        head = ["c graphoid: %s axioms on %d variables; variable v is the elementary statement "
                "atoms[v-1]" % (self.axioms, self.n)]
        for v, (i, j, K) in enumerate(self.atoms, 1):
            head.append("c %d = (%d ⊥ %d | %s)" % (v, i, j, ",".join(map(str, bits(K))) or "∅"))
        head.append("p cnf %d %d" % (self.num_vars, len(self.clauses)))
        return "\n".join(head + [" ".join(map(str, c)) + " 0" for c in self.clauses]) + "\n"

    def structure(self, model) -> frozenset:
        """A model (signed literals, or a set of true variables) as a frozenset of (i, j, K)."""
        return frozenset(self.atoms[v - 1] for v in model if v > 0)


def _check(n, axioms):
    if axioms not in AXIOMS:
        raise ValueError(f"unknown axioms {axioms!r}; choose one of {', '.join(AXIOMS)}")
    if not isinstance(n, int) or isinstance(n, bool) or n < 2 or n > MAX_COUNT_VARS:
        raise ValueError(f"the number of variables must be an integer between 2 and {MAX_COUNT_VARS}")


def axiom_cnf(n: int, axioms: str = "semigraphoid") -> AxiomCNF:
    """The CNF whose models are the closed structures on n variables under `axioms`."""
    _check(n, axioms)
    from .models import elementary_statements
    atoms = [unpack(a) for a in elementary_statements(n)]
    var = {t: v for v, t in enumerate(atoms, 1)}

    def a(i, j, K):
        return var[(i, j, K)] if i < j else var[(j, i, K)]

    inter = axioms in ("graphoid", "gaussoid")
    comp = axioms == "gaussoid"
    full = (1 << n) - 1
    clauses = []
    for i in range(n):
        for j, k in combinations([v for v in range(n) if v != i], 2):
            rest = full & ~((1 << i) | (1 << j) | (1 << k))
            L = rest
            while True:
                lj, lk = a(i, j, L), a(i, k, L)
                uj, uk = a(i, j, L | 1 << k), a(i, k, L | 1 << j)
                clauses += [[-lj, -uk, lk], [-lj, -uk, uj], [-lk, -uj, lj], [-lk, -uj, uk]]
                if inter:
                    clauses += [[-uj, -uk, lj], [-uj, -uk, lk]]
                if comp:
                    clauses += [[-lj, -lk, uj], [-lj, -lk, uk]]
                if L == 0:
                    break
                L = (L - 1) & rest
    if axioms == "gaussoid":
        for i, j in combinations(range(n), 2):
            for k in range(n):
                if k == i or k == j:
                    continue
                rest = full & ~((1 << i) | (1 << j) | (1 << k))
                L = rest
                while True:
                    clauses.append([-a(i, j, L), -a(i, j, L | 1 << k), a(i, k, L), a(j, k, L)])
                    if L == 0:
                        break
                    L = (L - 1) & rest
    return AxiomCNF(n, axioms, atoms, clauses)


class CountTimeout(Exception):
    """The model counter did not finish within the time or the memory budget."""


def ganak_count(cnf: AxiomCNF, timeout: float | None = None,
                tick: Callable[[float], None] | None = None, memory_mb: float | None = None) -> int:
    """Exact number of models of cnf by Ganak.

    Ganak gives no progress estimate, so tick(elapsed_seconds) is all a caller can show. The count runs
    in a worker thread (pyganak releases the GIL), which lets the caller keep a time budget and watch the
    process's memory (growth of resident memory over memory_mb); when either is spent CountTimeout is
    raised and the worker is abandoned (a daemon thread: it dies with the process, so callers that go on
    running should not rely on this for anything but a command-line exit).
    """
    import pyganak
    c = pyganak.Counter()
    c.new_vars(cnf.num_vars)
    c.add_clauses(cnf.clauses)
    if timeout is None and tick is None and memory_mb is None:
        return c.count()
    from .closure import Limits
    limits = Limits(None, memory_mb)
    box: dict = {}

    def work():
        try:
            box["count"] = c.count()
        except BaseException as e:      # re-raised in the caller's thread
            box["error"] = e

    start = time.monotonic()
    th = threading.Thread(target=work, name="ganak", daemon=True)
    th.start()
    while True:
        th.join(0.05)
        if not th.is_alive():
            break
        elapsed = time.monotonic() - start
        if timeout is not None and elapsed > timeout:
            raise CountTimeout(f"the model counter did not finish within {timeout:g} s")
        if memory_mb is not None:
            mb = limits.grown_mb(0)
            if mb > memory_mb:
                raise CountTimeout(f"the model counter grew by {mb:.1f} MB, past the memory budget of "
                                   f"{memory_mb:g} MB, after {elapsed:.1f} s")
        if tick is not None:
            tick(elapsed)
    if "error" in box:
        raise box["error"]
    return box["count"]


def count_structures(n: int, axioms: str = "semigraphoid", timeout: float | None = None,
                     tick: Callable[[float], None] | None = None, memory_mb: float | None = None) -> int:
    """Number of closed structures on n variables, by exact #SAT."""
    return ganak_count(axiom_cnf(n, axioms), timeout=timeout, tick=tick, memory_mb=memory_mb)


def enumerate_structures(n: int, axioms: str = "semigraphoid", solver: str = "cadical195",
                         deadline: float | None = None) -> Iterator[frozenset]:
    """Every closed structure once, as a frozenset of (i, j, K), streamed from a SAT solver: after each
    model a clause blocking exactly that model is added. With a deadline (time.monotonic),
    CountTimeout is raised at the first model after it."""
    from pysat.solvers import Solver as SatSolver   # not z3: python-sat, for listing models
    cnf = axiom_cnf(n, axioms)
    nv = cnf.num_vars
    # timeout: the deadline is checked between solver calls, not inside one (pysat cannot interrupt
    # CaDiCaL); one call finds one model of the axiom CNF (1,080 clauses for 5-gaussoids) plus one
    # blocking clause per model listed so far.
    with SatSolver(name=solver, bootstrap_with=cnf.clauses) as s:
        while True:
            if deadline is not None and time.monotonic() > deadline:
                raise CountTimeout("the time budget ran out while listing")
            if not s.solve():
                return
            model = s.get_model()
            # variables the clauses never mention come back absent: they are free; the axiom CNF
            # mentions every variable for n >= 3, and for n = 2 there are no clauses at all
            assign = {abs(l): l > 0 for l in model}
            lits = [v if assign.get(v, False) else -v for v in range(1, nv + 1)]
            yield cnf.structure(lits)
            if not lits:
                return
            s.add_clause([-l for l in lits])
