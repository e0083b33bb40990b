"""Proof search and counter-models: decide whether c.i. premises imply a goal under the semigraphoid,
graphoid or gaussoid axioms, returning a derivation, a closed counter-model (with concrete witnesses when
found), or unknown. Search only proposes; the kernel re-checks derivations.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from .closure import AXIOMS, DEFAULT_MEMORY_MB, Budget, Limits, implies
from .derivation import Builder, CaseSplit, Step, to_steps
from .statements import Names, chain, unpack

__all__ = ["decide", "Result", "Step", "CaseSplit", "AXIOMS"]


@dataclass
class Result:
    status: str                          # 'proved' | 'refuted' | 'unknown'
    premises: list
    goal: tuple
    variables: list
    axioms: str
    derivation: list | None = None       # list[Step], possibly ending in a CaseSplit (gaussoid)
    missing: list = field(default_factory=list)  # elementary goal components absent from the structure
    dag_witness: object = None           # networkx.DiGraph
    dist_witness: object = None          # witness.Distribution
    reason: str = ""                     # why unknown, or why no concrete witness
    _atoms: frozenset | None = field(default=None, repr=False)
    _names: object = field(default=None, repr=False)

    @property
    def structure(self) -> frozenset | None:
        """Counter-model: the closed structure's elementary statements (x, y, K) as name sets.
        Built on first use, since most callers only need the status."""
        if self._atoms is None:
            return None
        return frozenset(_atom_stmt(self._names, a) for a in self._atoms)

    def counter_model_text(self) -> str:
        """The closed structure grouped by pair: `A ⊥ B | ∅, C, CD` lists every conditioning set."""
        if self.structure is None:
            return ""
        groups: dict = {}
        structure = self.structure
        for x, y, K in structure:
            pair = tuple(sorted(x | y))
            groups.setdefault(pair, []).append(K)
        lines = [f"{self.axioms} closure with {len(structure)} elementary statements "
                 f"(the premises hold, the goal does not):"]
        for pair in sorted(groups):
            Ks = sorted(groups[pair], key=lambda K: (len(K), sorted(K)))
            shown = ", ".join(_setname(K) or "∅" for K in Ks)
            lines.append(f"  {_setname(pair[:1])} ⊥ {_setname(pair[1:])} | {shown}")
        if self.missing:
            lines.append("  missing goal component: " + Names.show(self.missing[0]))
        return "\n".join(lines)

    def derivation_text(self) -> str:
        if self.derivation is None:
            return ""
        k = len(self.premises)
        lines = [f"{i}. {Names.show(p)}  [premise]" for i, p in enumerate(self.premises)]
        _render_steps(self.derivation, k, lines, "")
        return "\n".join(lines)

    def text(self) -> str:
        if self.status == "proved":
            return "proved\n" + self.derivation_text()
        if self.status == "refuted":
            out = ["refuted", self.counter_model_text()]
            if self.dag_witness is not None:
                out.append("DAG witness (d-separation checked): " + (", ".join(
                    f"{u}→{v}" for u, v in sorted(self.dag_witness.edges)) or "no edges"))
            if self.dist_witness is not None:
                out.append("distribution witness (exact):\n" + self.dist_witness.text())
            if self.dag_witness is None and self.dist_witness is None:
                out.append("no concrete witness found; the structure alone refutes the implication "
                           f"under the {self.axioms} axioms")
            return "\n".join(out)
        return "unknown: " + self.reason

    # readable in a terminal (print) and in Jupyter
    def __str__(self) -> str:
        head = "%s under the %s axioms" % (self.status, self.axioms)
        return head + "\n" + self.text().split("\n", 1)[-1] if "\n" in self.text() else head + ": " + self.reason

    def _repr_markdown_(self) -> str:
        return "```\n%s\n```" % str(self)


def _setname(K):
    K = sorted(K)
    return "".join(K) if all(len(v) == 1 for v in K) else ",".join(K)


def _render_steps(items, nxt, lines, indent):
    for it in items:
        if isinstance(it, CaseSplit):
            lines.append(f"{indent}weak transitivity on {it.premises}: cases "
                         f"{Names.show(it.cases[0])} or {Names.show(it.cases[1])}")
            for b, (case, branch) in enumerate(zip(it.cases, it.branches)):
                lines.append(f"{indent}  case {b + 1}: {nxt}. {Names.show(case)}  [case]")
                _render_steps(branch, nxt + 1, lines, indent + "    ")
            return nxt
        prem = ", ".join(str(p) for p in it.premises)
        lines.append(f"{indent}{nxt}. {Names.show(it.conclusion)}  [{it.rule.replace('_', ' ')} {prem}]")
        nxt += 1
    return nxt


def decide(premises, goal, variables=None, axioms: str = "semigraphoid", budget_s: float = 10.0,
           witnesses: bool = True, memory_mb: float | None = DEFAULT_MEMORY_MB) -> Result:
    """Decide premises ⊨ goal; statements are (X, Y, Z) triples of name sets.

    proved: .derivation replays with the named rules; refuted: .structure is a closed c.i. structure with
    the premises and without the goal (plus .dag_witness / .dist_witness when found); unknown: budget ran out.
    Raises ValueError with a readable message on bad input.
    """
    if not (isinstance(budget_s, (int, float)) and budget_s >= 0):
        raise ValueError(f"the time budget must be a number of seconds >= 0, got {budget_s!r}")
    if memory_mb is not None and not (isinstance(memory_mb, (int, float)) and memory_mb > 0):
        raise ValueError(f"the memory budget must be a positive number of megabytes or None, got {memory_mb!r}")
    start = time.monotonic()
    deadline = start + budget_s
    premises = [tuple(frozenset(p) for p in s) for s in premises]
    goal = tuple(frozenset(p) for p in goal)
    if variables is None:
        seen = []
        for s in premises + [goal]:
            for part in s:
                for v in sorted(part):
                    if v not in seen:
                        seen.append(v)
        variables = seen
    names = Names(variables)
    if axioms not in AXIOMS:
        raise ValueError(f"unknown axioms {axioms!r}; choose one of {', '.join(AXIOMS)}")
    P = [names.triple(p) for p in premises]
    G = names.triple(goal)
    res = Result("unknown", premises, goal, list(variables), axioms)
    limits = Limits(deadline, memory_mb, budget_s)
    try:
        status, out = implies(P, G, len(names), axioms, limits=limits)
        if status == "proved":
            b = Builder(P, names, out.closure.just, limits)
            b.case_split(out, G)
            derivation = to_steps(b, len(P), G, names)
    except Budget as e:
        res.reason = str(e)
        return res
    except MemoryError:     # the process ran out before the budget noticed: still an answer, unknown
        res.reason = ("out of memory after building %s elementary statements (memory budget %s)"
                      % (format(limits.size, ","), "none" if memory_mb is None else "%g MB" % memory_mb))
        return res
    if status == "proved":
        res.status = "proved"
        res.derivation = derivation
        if not res.derivation:
            # The goal is one of the premises: restate it in one step, decomposition with W = ∅,
            # (X ⊥ Y | Z) ⇒ (X ⊥ Y | Z), so that the kernel mints the goal as a fact of its own.
            res.derivation = [Step("decomposition", (P.index(G),), names.stmt(G))]
        return res
    atoms = set(out.just)
    res.status = "refuted"
    res._atoms, res._names = frozenset(atoms), names
    res.missing = [_atom_stmt(names, a) for a in chain(*G) if a not in atoms]
    if witnesses:
        from . import witness as _witness      # networkx: imported only when a witness is wanted
        share = min(1.0, max(budget_s / 10, 0.1))   # witnesses are extras: keep them cheap
        now = time.monotonic()
        res.dag_witness = _witness.find_dag(premises, goal, names.names, atoms,
                                            min(deadline, now + share))
        wdl = min(deadline, time.monotonic() + share)
        if axioms != "gaussoid":
            res.dist_witness = _witness.find_distribution(
                premises, goal, names.names, (P, G), wdl, dag=res.dag_witness,
                positive=(axioms == "graphoid"))
        if res.dag_witness is None and res.dist_witness is None:
            res.reason = "no concrete witness found within the search limits"
    return res


def _atom_stmt(names, a):
    i, j, K = unpack(a)
    return names.stmt((1 << i, 1 << j, K))
