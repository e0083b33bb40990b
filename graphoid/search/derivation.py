"""Turn an elementary closure into a short derivation on general statements in the paper's named rules
(symmetry, decomposition, weak_union, contraction, intersection; composition and weak_transitivity for
gaussoids), with shortcuts through any statement already at hand and no unused steps.
"""
from __future__ import annotations

from dataclasses import dataclass

from .statements import atom, dominates, popcount

Stmt = tuple  # (frozenset, frozenset, frozenset) of variable names


@dataclass(frozen=True)
class Step:
    """One rule application; premises index the given statements (0..k-1) then earlier steps (k, k+1, ...)."""
    rule: str
    premises: tuple[int, ...]
    conclusion: Stmt


@dataclass(frozen=True)
class CaseSplit:
    """Weak transitivity (X⊥Y|Z) & (X⊥Y|Zγ) ⇒ (X⊥γ|Z) ∨ (γ⊥Y|Z), proved by cases.

    Ends a derivation list. In branch b the case statement cases[b] gets the next free index, the branch's
    steps follow it, and at the end of each branch the goal is at hand (a given, a case, or a step).
    """
    premises: tuple[int, int]
    cases: tuple[Stmt, Stmt]
    branches: tuple[tuple, tuple]


def _weaken_plan(S, T):
    """Cheapest symmetry/decomposition/weak-union route from S to T as [(rule, triple)], or None."""
    best = None
    X, Y, Z = S
    for swapped in (False, True):
        Xt, Yt, Zt = (T[1], T[0], T[2]) if swapped else T
        if Xt & ~X or Yt & ~Y or Z & ~Zt or (Zt & ~Z) & ~((X & ~Xt) | (Y & ~Yt)):
            continue
        A, B = (Zt & ~Z) & X, (Zt & ~Z) & Y
        plan = []
        cur_Y, cur_Z = Y, Z
        if B:
            cur_Y, cur_Z = Y & ~B, Z | B
            plan.append(("weak_union", (X, cur_Y, cur_Z)))
        if cur_Y != Yt:
            plan.append(("decomposition", (X, Yt, cur_Z)))
        if A or X != Xt:
            plan.append(("symmetry", (Yt, X, cur_Z)))
            cur_X = X
            if A:
                cur_X, cur_Z = X & ~A, cur_Z | A
                plan.append(("weak_union", (Yt, cur_X, cur_Z)))
            if cur_X != Xt:
                plan.append(("decomposition", (Yt, Xt, cur_Z)))
            if not swapped:
                plan.append(("symmetry", (Xt, Yt, cur_Z)))
        elif swapped:
            plan.append(("symmetry", (Yt, Xt, cur_Z)))
        if best is None or len(plan) < len(best):
            best = plan
    return best


class Builder:
    """Accumulates steps; `have` maps every statement at hand to its index."""

    def __init__(self, givens, names, just, limits=None):
        self.names = names
        self.just = just
        self.limits = limits        # closure.Limits: checked as steps are emitted
        self.items: list = []
        self.concl: list = list(givens)
        self.have: dict = {}
        self.case_index: dict = {}
        for idx, t in enumerate(givens):
            self.have.setdefault(t, idx)

    def fork(self, just):
        b = Builder.__new__(Builder)
        b.names, b.just, b.limits = self.names, just, self.limits
        b.items, b.concl = [], list(self.concl)
        b.have, b.case_index = dict(self.have), dict(self.case_index)
        return b

    def emit(self, rule, prem, t) -> int:
        if t in self.have:
            return self.have[t]
        idx = len(self.concl)
        if self.limits is not None and idx % 1024 == 0:
            self.limits.check(len(self.just))
        self.items.append((rule, tuple(prem), t))
        self.concl.append(t)
        self.have[t] = idx
        return idx

    def weaken(self, src, T) -> int:
        for rule, t in _weaken_plan(self.concl[src], T):
            src = self.emit(rule, (src,), t)
        return src

    def shortcut(self, T):
        best, best_len = None, None
        for S, idx in self.have.items():
            if dominates(S, T):
                n = len(_weaken_plan(S, T))
                if best is None or n < best_len:
                    best, best_len = idx, n
        return best

    def derive(self, T) -> int:
        if T in self.have:
            return self.have[T]
        src = self.shortcut(T)
        if src is not None:
            return self.weaken(src, T)
        X, Y, Z = T
        if popcount(X) == 1 and popcount(Y) == 1:
            return self._derive_atom(T)
        if popcount(Y) > 1:
            y = Y & -Y
            p1 = self.derive((X, y, Z))
            p2 = self.derive((X, Y & ~y, Z | y))
            return self.emit("contraction", (p1, p2), T)
        s = self.derive((Y, X, Z))
        return self.emit("symmetry", (s,), T)

    def _derive_atom(self, T) -> int:
        X, Y, Z = T
        a = atom(X.bit_length() - 1, Y.bit_length() - 1, Z)
        why = self.just[a]
        if why[0] == "case":
            return self.weaken(self.case_index[a], T)
        if why[0] == "premise":
            return self.weaken(why[1], T)
        rule, _parents, (i, j, k, L) = why
        bi, bj, bk = 1 << i, 1 << j, 1 << k
        if rule == "contraction":        # (i⊥j|L) & (i⊥k|Lj) → (i⊥jk|L)
            prem = (self.derive((bi, bj, L)), self.derive((bi, bk, L | bj)))
        elif rule == "intersection":     # (i⊥j|Lk) & (i⊥k|Lj) → (i⊥kj|L)
            prem = (self.derive((bi, bj, L | bk)), self.derive((bi, bk, L | bj)))
        else:                            # composition (i⊥j|L) & (i⊥k|L) → (i⊥jk|L)
            prem = (self.derive((bi, bj, L)), self.derive((bi, bk, L)))
        joint = self.emit(rule, prem, (bi, bj | bk, L))
        return self.weaken(joint, T)

    def case_split(self, node, goal):
        """Derive goal along a CaseNode tree (weak-transitivity splits become CaseSplit items)."""
        if node.split is None:
            self.derive(goal)
            return
        i, j, k, L = node.split
        bi, bj, bk = 1 << i, 1 << j, 1 << k
        p1 = self.derive((bi, bj, L))
        p2 = self.derive((bi, bj, L | bk))
        cases = ((bi, bk, L), (bk, bj, L))
        case_atoms = (atom(i, k, L), atom(j, k, L))
        branches = []
        for child, case, ca in zip(node.branches, cases, case_atoms):
            sub = self.fork(child.closure.just)
            idx = len(sub.concl)          # the split's own slot: the case hypothesis
            sub.concl.append(case)
            sub.have.setdefault(case, idx)
            sub.case_index[ca] = idx
            sub.case_split(child, goal)
            branches.append(sub)
        self.items.append(("__split__", (p1, p2), cases, branches))


def _needed(items, base, final, goal):
    """Indices the final statement depends on; branch-local sets are stored on each branch builder."""
    used = set() if final is None else {final}
    for pos in range(len(items) - 1, -1, -1):
        idx = base + pos
        it = items[pos]
        if it[0] == "__split__":
            for sub in it[3]:
                sub_used = _needed(sub.items, idx + 1, sub.have[goal], goal)
                sub.used = {u for u in sub_used if u > idx}
                used |= {u for u in sub_used if u < idx}
            used.update(it[1])
        elif idx in used:
            used.update(it[1])
    return used


def _render(items, base, used, remap, nxt, names):
    out = []
    for pos, it in enumerate(items):
        idx = base + pos
        if it[0] == "__split__":
            _, prem, cases, branches = it
            subs = []
            for sub in branches:
                r = dict(remap)
                r[idx] = nxt
                subs.append(tuple(_render(sub.items, idx + 1, sub.used, r, nxt + 1, names)))
            out.append(CaseSplit(tuple(remap[p] for p in prem),
                                 tuple(names.stmt(c) for c in cases), tuple(subs)))
            continue
        if idx not in used:
            continue
        rule, prem, t = it
        remap[idx] = nxt
        out.append(Step(rule, tuple(remap[p] for p in prem), names.stmt(t)))
        nxt += 1
    return out


def to_steps(builder: Builder, n_givens: int, goal, names):
    """Render builder items as Step / CaseSplit objects with unused steps removed and indices renumbered."""
    split = bool(builder.items) and builder.items[-1][0] == "__split__"
    final = None if split else builder.have[goal]
    used = _needed(builder.items, n_givens, final, goal)
    return _render(builder.items, n_givens, used, {i: i for i in range(n_givens)}, n_givens, names)
