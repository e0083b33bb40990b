"""The paper's graph claims (Lemma 1, Steps 1a-3b, (8)-(11)) checked by enumeration for concrete n.

Each function returns a ClassCheckResult (or a list of them); results read
"checked for n <= k by enumeration (N graphs)", never as a proof for all n.
"""

from __future__ import annotations

import itertools
import time

from .classes import (BWD, FWD, Claim, ClassCheckResult, DSep, Member, chained_class, check_class,
                      dsep_claim, fig3_class)
from .fastdsep import bits, d_separated


def check_lemma1(k: int = 2, kinds: str = "any", time_limit: float | None = None) -> list[ClassCheckResult]:
    """Lemma 1 on every chained graph whose four sets have 1..k vertices:
    (A ⊥ C | B)_d  =>  (A ⊥ CD | B)_d and (A ⊥ D | BC)_d."""
    if k < 1:
        raise ValueError("k must be at least 1")
    claims = [dsep_claim("(A ⊥ CD | B)_d", ["A"], ["C", "D"], ["B"]),
              dsep_claim("(A ⊥ D | BC)_d", ["A"], ["D"], ["B", "C"])]
    out = []
    t0 = time.perf_counter()
    for sizes in itertools.product(range(1, k + 1), repeat=4):
        cls = chained_class(sizes, within=kinds, between=kinds)
        # time_limit is for all patterns together: a pattern gets what the earlier ones left
        left = None if time_limit is None else max(0.0, time_limit - (time.perf_counter() - t0))
        out.append(check_class(cls, claims, [DSep(("A",), ("C",), ("B",), "(A ⊥ C | B)_d")],
                               time_limit=left))
        if out[-1].counterexample is not None or not out[-1].complete:
            break
    return out


def _cidx(m: Member) -> list[int]:
    return sorted(int(i) for i in m.roles["_Cidx"])


def _each_i(label: str, make) -> Claim:
    """A claim quantified over every i with A_i in C."""
    def check(m: Member):
        for i in _cidx(m):
            msg = make(m, i).evaluate(m)
            if msg is not None:
                return f"i={i}: {msg}"
        return None
    return Claim(label, check)


def _rest(m: Member, role: str, drop: str) -> tuple[str, ...]:
    return tuple(sorted(m.roles[role] - {drop}))


def theorem1_claims(n: int) -> dict[str, Claim]:
    """(8)-(11) and the Step 3b intermediate, over the roles B, C, Y, Z, Λ of each member."""
    return {
        "(8)": dsep_claim("(8) (B ⊥ Z | Λ)_d", ["B"], ["Z"], ["Λ"]),
        "(9)": dsep_claim("(9) (A ⊥ Y | ZΛ)_d", ["A"], ["Y"], ["Z", "Λ"]),
        "(10)": _each_i("(10) (C_i ⊥ C_\\i | ZΛ)_d, Λ determines B",
                        lambda m, i: DSep((f"A{i}",), _rest(m, "C", f"A{i}"), ("Z", "Λ"), determined=("B",))),
        "(11)": _each_i("(11) (C_i ⊥ Z_\\i | Z_iΛ)_d",
                        lambda m, i: DSep((f"A{i}",), _rest(m, "Z", f"X{i}"), (f"X{i}", "Λ"))),
    }


def check_theorem1_dseps(n: int, reading: str = "adjacent", which: tuple[str, ...] = ("(8)", "(9)", "(10)", "(11)"),
                         time_limit: float | None = None) -> ClassCheckResult:
    """(8)-(11) on every member of the Fig. 3 class (concrete n) that satisfies (7)."""
    cl = theorem1_claims(n)
    return check_class(fig3_class(n, reading), [cl[w] for w in which], time_limit=time_limit)


def _no_edge(label, pred) -> Claim:
    def check(m: Member):
        for v, pm in enumerate(m.parents):
            for u in bits(pm):
                if u in m.latent_of or v in m.latent_of:
                    continue
                if pred(m, m.names[u], m.names[v]):
                    return f"edge {m.names[u]} -> {m.names[v]}"
        return None
    return Claim(label, check)


def _cross_links(m: Member):
    ch = m.children
    for v, pm in enumerate(m.parents):
        for u in bits(pm):
            a, b = sorted((m.names[u], m.names[v]))
            if a[0] == "A" and b[0] == "X" and a[1:] != b[1:]:
                return f"edge {m.names[u]} -> {m.names[v]}"
    for l, (i, j) in m.latent_of.items():
        a, b = sorted((m.names[i], m.names[j]))
        if a[0] == "A" and b[0] == "X" and a[1:] != b[1:]:
            return f"latent common cause of {a} and {b}"
    return None


def _b_parents(m: Member):
    allowed = m.roles["B"] | m.roles["Λ"]
    for b in m.roles["B"]:
        v = m.names.index(b)
        for u in bits(m.parents[v]):
            if m.names[u] not in allowed:
                return f"{m.names[u]} is a parent of {b}"
    return None


def _paths_b_z_via_c(m: Member):
    """Step 2a: every path between B and Z passes through C (B, Z disconnected once C is removed)."""
    g = m.to_networkx().to_undirected()
    g.remove_nodes_from(m.roles["C"])
    for b in m.roles["B"]:
        for z in m.roles["Z"]:
            if b in g and z in g and __import__("networkx").has_path(g, b, z):
                return f"path {b} ... {z} avoiding C"
    return None


HYPOTHESES = {
    "no_cross_links": ("Step 1a: no link (edge or latent) between A_i and X_j, j != i", True,
                       lambda n: Claim("no link A_i -- X_j (j != i)", _cross_links)),
    "no_C_to_B": ("Step 2a: no edge C -> B", False,
                  lambda n: _no_edge("no edge C -> B", lambda m, u, v: u in m.roles["C"] and v in m.roles["B"])),
    "no_C_to_C": ("Step 3a: no edge C_i -> C_j", False,
                  lambda n: _no_edge("no edge C_i -> C_j", lambda m, u, v: u in m.roles["C"] and v in m.roles["C"])),
    "B_parents_in_B_Lambda": ("Step 3b: no observable outside B has a direct link to B", False,
                              lambda n: Claim("Pa(B) ⊆ BΛ", _b_parents)),
    "paths_B_Z_via_C": ("Step 2a: every path between B and Z passes through C", False,
                        lambda n: Claim("B-Z paths pass through C", _paths_b_z_via_c)),
    "B_indep_Z_given_Y": ("Step 2a: (B ⊥ Z | Y)_d", False,
                          lambda n: dsep_claim("(B ⊥ Z | Y)_d", ["B"], ["Z"], ["Y"])),
    "Lambda_indep_X": ("Step 1a/(17): (Λ ⊥ X)_d", False, lambda n: dsep_claim("(Λ ⊥ X)_d", ["Λ"], ["X"])),
    "Omega_indep_A": ("Step 1a: (Ω ⊥ A)_d", False, lambda n: dsep_claim("(Ω ⊥ A)_d", ["Ω"], ["A"])),
    "eq10_with_B": ("Step 3b: (C_i ⊥ C_\\i | ZBΛ)_d", False,
                    lambda n: _each_i("(C_i ⊥ C_\\i | ZBΛ)_d",
                                      lambda m, i: DSep((f"A{i}",), _rest(m, "C", f"A{i}"), ("Z", "B", "Λ")))),
    "eq10_literal": ("(10) read without 'Λ determines B': (C_i ⊥ C_\\i | ZΛ)_d", False,
                     lambda n: _each_i("(C_i ⊥ C_\\i | ZΛ)_d, B not determined",
                                       lambda m, i: DSep((f"A{i}",), _rest(m, "C", f"A{i}"), ("Z", "Λ")))),
}


def check_hypothesis(name: str, n: int, reading: str = "adjacent", time_limit: float | None = None) -> ClassCheckResult:
    """One graph fact of the proof of Theorem 1 on every member satisfying (7) (see HYPOTHESES)."""
    if name not in HYPOTHESES:
        raise ValueError(f"unknown hypothesis {name!r}; known: {', '.join(HYPOTHESES)}")
    _, full, make = HYPOTHESES[name]
    return check_class(fig3_class(n, reading, full=full), [make(n)], time_limit=time_limit)
