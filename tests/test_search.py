"""graphoid.search against independent semantics: a brute-force general-statement closure, a test-owned
replay of every derivation in the paper's rule forms, networkx d-separation and exact Fraction arithmetic."""
from __future__ import annotations

import itertools
import random
from fractions import Fraction

import networkx as nx
import pytest
from hypothesis import given, settings, strategies as st

from graphoid.search import CaseSplit, Step, decide
from graphoid.search.models import count_structures, enumerate_structures

f = frozenset


def S(x, y, z=""):
    return (f(x), f(y), f(z))


# ---------------------------------------------------------------- independent replay of derivations

def _ok(t):
    X, Y, Z = t
    return bool(X) and bool(Y) and not (X & Y) and not (X & Z) and not (Y & Z)


def check_rule(rule, prems, concl):
    """The paper's forms, read literally on frozensets."""
    X, Y, Z = concl
    if not _ok(concl) or not all(_ok(p) for p in prems):
        return False
    if rule == "symmetry":
        (p,) = prems
        return p == (Y, X, Z)
    if rule == "decomposition":          # (X⊥YW|Z) → (X⊥Y|Z); W = ∅ restates a premise
        (p,) = prems
        return p[0] == X and p[2] == Z and Y <= p[1]
    if rule == "weak_union":             # (X⊥YW|Z) → (X⊥Y|ZW)
        (p,) = prems
        W = Z - p[2]
        return p[0] == X and p[2] < Z and p[1] == Y | W and not (W & Y)
    if rule == "contraction":            # (X⊥Y|Z) & (X⊥W|ZY) → (X⊥YW|Z)
        p1, p2 = prems
        return (p1[0] == X == p2[0] and p1[2] == Z and p2[2] == Z | p1[1]
                and Y == p1[1] | p2[1])
    if rule == "intersection":           # (X⊥W|ZY) & (X⊥Y|ZW) → (X⊥YW|Z)
        p1, p2 = prems
        W, Yi = p1[1], p2[1]
        return (p1[0] == X == p2[0] and p1[2] == Z | Yi and p2[2] == Z | W and Y == Yi | W
                and not (W & Yi))
    if rule == "composition":            # (X⊥Y|Z) & (X⊥W|Z) → (X⊥YW|Z)  (gaussoid)
        p1, p2 = prems
        return p1[0] == X == p2[0] and p1[2] == Z == p2[2] and Y == p1[1] | p2[1]
    return False


def replay(premises, items, goal, axioms):
    """Replays a derivation; returns the number of steps. Fails on any wrong step or missing goal."""
    allowed = {"symmetry", "decomposition", "weak_union", "contraction"}
    if axioms in ("graphoid", "gaussoid"):
        allowed.add("intersection")
    if axioms == "gaussoid":
        allowed.add("composition")
    facts = list(premises)
    used = set()
    nsteps = 0
    for pos, it in enumerate(items):
        if isinstance(it, CaseSplit):
            assert axioms == "gaussoid" and pos == len(items) - 1
            p1, p2 = (facts[i] for i in it.premises)
            used.update(it.premises)
            gamma = p2[2] - p1[2]
            assert p1[0] == p2[0] and p1[1] == p2[1] and len(gamma) == 1 and p1[2] < p2[2]
            assert it.cases == ((p1[0], gamma, p1[2]), (gamma, p1[1], p1[2]))
            for case, branch in zip(it.cases, it.branches):
                nsteps += replay(facts + [case], list(branch), goal, axioms)
            return nsteps
        assert isinstance(it, Step) and it.rule in allowed, it
        assert all(0 <= i < len(facts) for i in it.premises), it
        assert check_rule(it.rule, tuple(facts[i] for i in it.premises), it.conclusion), it
        used.update(it.premises)
        facts.append(it.conclusion)
        nsteps += 1
    assert goal in facts, "derivation does not reach the goal"
    # no unused steps: every step feeds a later one, except the goal itself
    final = len(facts) - 1 if items else facts.index(goal)
    for idx in range(len(premises), len(facts)):
        assert idx in used or idx == final, f"unused step {idx}"
    return nsteps


# ---------------------------------------------------------------- independent brute-force decision

def _subsets(s):
    s = sorted(s)
    return [f(c) for r in range(len(s) + 1) for c in itertools.combinations(s, r)]


def general_closure(premises, intersection=False):
    """Least set of general statements containing the premises closed under the rules (naive)."""
    S = set()
    queue = list(premises)
    while queue:
        t = queue.pop()
        if t in S:
            continue
        S.add(t)
        X, Y, Z = t
        new = [(Y, X, Z)]
        for Y1 in _subsets(Y):
            if Y1 and Y1 != Y:
                new += [(X, Y1, Z), (X, Y1, Z | (Y - Y1))]
        for s in list(S):
            if s[0] != X:
                continue
            if s[2] == Z | Y and not (s[1] & Y):
                new.append((X, Y | s[1], Z))                   # t first premise of contraction
            if t[2] == s[2] | s[1] and not (s[1] & Y):
                new.append((X, s[1] | Y, s[2]))                # t second premise of contraction
            if intersection:
                W = s[1]
                Zc = s[2] - Y
                if Y <= s[2] and W <= Z and Z - W == Zc and not (W & Y):
                    new.append((X, Y | W, Zc))
        queue += [n for n in new if n not in S]
    return S


def _elementary_clauses(n, axioms):
    """(premise atoms, conclusion atoms as a disjunction) for every elementary axiom instance."""
    def a(i, j, K):
        return (min(i, j), max(i, j), f(K))
    V = range(n)
    out = []
    for i in V:
        for j, k in itertools.permutations([v for v in V if v != i], 2):
            rest = [v for v in V if v not in (i, j, k)]
            for L in _subsets(rest):
                ij, ik, ijk, ikj = a(i, j, L), a(i, k, L), a(i, j, L | {k}), a(i, k, L | {j})
                out += [((ij, ikj), (ik,)), ((ij, ikj), (ijk,))]
                if axioms in ("graphoid", "gaussoid"):
                    out += [((ijk, ikj), (ij,))]
                if axioms == "gaussoid":
                    out += [((ij, ik), (ijk,)), ((ij, ijk), (ik, a(j, k, L)))]
    return out


def _atoms(n):
    return [(i, j, f(K)) for i, j in itertools.combinations(range(n), 2)
            for K in _subsets(set(range(n)) - {i, j})]


def brute_force_structures(n, axioms):
    """All closed sets of elementary statements, by a test-owned DFS over the clause list."""
    atoms = _atoms(n)
    clauses = _elementary_clauses(n, axioms)
    by_atom = {x: [] for x in atoms}
    for c in clauses:
        for x in set(c[0]) | set(c[1]):
            by_atom[x].append(c)
    out = []
    val = {}

    def broken(x):
        for prem, concl in by_atom[x]:
            if all(val.get(p) is True for p in prem) and all(val.get(c) is False for c in concl):
                return True
        return False

    def rec(pos):
        if pos == len(atoms):
            out.append(f(x for x, v in val.items() if v))
            return
        x = atoms[pos]
        for v in (True, False):
            val[x] = v
            if not broken(x):
                rec(pos + 1)
            del val[x]

    rec(0)
    return out


def _components(t, names):
    X, Y, Z = t
    idx = {v: i for i, v in enumerate(names)}
    out = set()
    for x in X:
        for y in Y:
            for W in _subsets((X | Y) - {x, y}):
                K = f(idx[v] for v in Z | W)
                out.add((min(idx[x], idx[y]), max(idx[x], idx[y]), K))
    return out


def _names(n):
    return [chr(65 + i) for i in range(n)]


def rand_stmt(rng, names):
    while True:
        vs = names[:]
        rng.shuffle(vs)
        a, b = rng.randint(1, 2), rng.randint(1, 2)
        c = rng.randint(0, len(names) - a - b) if len(names) > a + b else 0
        if a + b + c <= len(names):
            return (f(vs[:a]), f(vs[a:a + b]), f(vs[a + b:a + b + c]))


def rand_problem(rng, n):
    names = _names(n)
    prem = [rand_stmt(rng, names) for _ in range(rng.randint(3, 5))]
    if rng.random() < 0.5:                 # half the goals are consequences, so "proved" gets tested
        cl = sorted(general_closure(prem), key=lambda t: (sorted(t[0]), sorted(t[1]), sorted(t[2])))
        goal = rng.choice(cl)
    else:
        goal = rand_stmt(rng, names)
    return prem, goal, names


# ---------------------------------------------------------------- exact distribution check

def exact_ci(dist, X, Y, Z):
    names = dist.variables
    m = {}
    for key, p in dist.table.items():
        a = dict(zip(names, key))
        for part in ("xyz", "xz", "yz", "z"):
            sel = {"x": X, "y": Y, "z": Z}
            k = (part,) + tuple(tuple(sorted((v, a[v]) for v in sel[c])) for c in part)
            m[k] = m.get(k, Fraction(0)) + p
    vals = sorted({v for key in dist.table for v in key})
    for assign in itertools.product(vals, repeat=len(X | Y | Z)):
        a = dict(zip(sorted(X | Y | Z), assign))
        g = {c: tuple(sorted((v, a[v]) for v in S_)) for c, S_ in (("x", X), ("y", Y), ("z", Z))}
        lhs = m.get(("xyz", g["x"], g["y"], g["z"]), 0) * m.get(("z", g["z"]), 0)
        rhs = m.get(("xz", g["x"], g["z"]), 0) * m.get(("yz", g["y"], g["z"]), 0)
        if lhs != rhs:
            return False
    return True


def check_result(res, prem, goal, names, axioms, expect):
    assert res.status == expect, (prem, goal, res.text())
    if expect == "proved":
        replay(prem, res.derivation, goal, axioms)
        return
    struct = {(min(names.index(next(iter(x))), names.index(next(iter(y)))),
               max(names.index(next(iter(x))), names.index(next(iter(y)))),
               f(names.index(v) for v in K)) for x, y, K in res.structure}
    for p in prem:
        assert _components(p, names) <= struct
    assert not _components(goal, names) <= struct
    for prem_c, concl in _elementary_clauses(len(names), axioms):
        assert not (set(prem_c) <= struct and not set(concl) & struct), "structure not closed"
    if res.dag_witness is not None:
        G = res.dag_witness
        assert nx.is_directed_acyclic_graph(G)
        assert all(nx.is_d_separator(G, set(p[0]), set(p[1]), set(p[2])) for p in prem)
        assert not nx.is_d_separator(G, set(goal[0]), set(goal[1]), set(goal[2]))
    if res.dist_witness is not None:
        D = res.dist_witness
        assert sum(D.table.values()) == 1
        assert all(exact_ci(D, *p) for p in prem)
        assert not exact_ci(D, *goal)
        if axioms == "graphoid":
            assert len(D.table) == 2 ** len(names) and all(p > 0 for p in D.table.values())


# ---------------------------------------------------------------- tests

def test_pgmpy_counterexamples_answered_correctly():
    r = decide([S("A", "B", "C"), S("A", "C")], S("A", "B"), list("ABC"))
    check_result(r, [S("A", "B", "C"), S("A", "C")], S("A", "B"), list("ABC"), "semigraphoid", "proved")
    prem = [S("A", "BC", "D"), S("B", "C")]
    r = decide(prem, S("A", "B"), list("ABCD"))
    check_result(r, prem, S("A", "B"), list("ABCD"), "semigraphoid", "refuted")
    assert r.dag_witness is not None and r.dist_witness is not None


def test_intersection_needs_graphoid_axioms():
    prem = [S("A", "B", "C"), S("A", "C", "B")]
    r = decide(prem, S("A", "BC"), list("ABC"), axioms="graphoid")
    check_result(r, prem, S("A", "BC"), list("ABC"), "graphoid", "proved")
    assert any(s.rule == "intersection" for s in r.derivation)
    r = decide(prem, S("A", "BC"), list("ABC"), axioms="semigraphoid")
    check_result(r, prem, S("A", "BC"), list("ABC"), "semigraphoid", "refuted")
    assert r.dist_witness is not None          # the copy distribution A = B = C


@pytest.mark.parametrize("axioms", ["semigraphoid", "graphoid"])
@pytest.mark.parametrize("n,count", [(4, 60), (5, 25), (6, 12)])
def test_random_problems_against_general_closure(axioms, n, count):
    rng = random.Random(1000 * n + len(axioms))
    for _ in range(count):
        prem, goal, names = rand_problem(rng, n)
        truth = goal in general_closure(prem, intersection=axioms == "graphoid")
        res = decide(prem, goal, names, axioms=axioms)
        check_result(res, prem, goal, names, axioms, "proved" if truth else "refuted")


@pytest.fixture(scope="module")
def gaussoids4():
    return brute_force_structures(4, "gaussoid")


def test_random_gaussoid_problems_against_all_gaussoids(gaussoids4):
    rng = random.Random(7)
    names = _names(4)
    splits = 0
    for _ in range(80):
        prem = [rand_stmt(rng, names) for _ in range(rng.randint(2, 4))]
        goal = rand_stmt(rng, names)
        pc = set().union(*(_components(p, names) for p in prem))
        truth = all(_components(goal, names) <= G for G in gaussoids4 if pc <= G)
        res = decide(prem, goal, names, axioms="gaussoid")
        check_result(res, prem, goal, names, "gaussoid", "proved" if truth else "refuted")
        splits += bool(res.derivation) and isinstance(res.derivation[-1], CaseSplit)
    # needs weak transitivity on (A⊥B), (A⊥B|C): each case, (A⊥C) or (C⊥B), gives the goal
    prem = [S("A", "B"), S("A", "B", "C"), S("D", "AB")]
    res = decide(prem, S("B", "A", "CD"), names, axioms="gaussoid")
    check_result(res, prem, S("B", "A", "CD"), names, "gaussoid", "proved")
    assert isinstance(res.derivation[-1], CaseSplit)
    assert decide(prem, S("B", "A", "CD"), names, axioms="graphoid").status == "refuted"


def test_counts_n3_by_brute_force_over_all_subsets_of_general_statements():
    """A set M of elementary statements is closed iff R(M) (all statements whose components lie in M) is
    closed under the general rules: checked here without any elementary axiom."""
    names = _names(3)
    atoms = _atoms(3)
    triples = [t for t in itertools.product(_subsets(names), repeat=3) if _ok(t)]
    comps = {t: _components(t, names) for t in triples}
    counts = {}
    for axioms in ("semigraphoid", "graphoid", "gaussoid"):
        c = 0
        for r in range(len(atoms) + 1):
            for M in itertools.combinations(atoms, r):
                M = set(M)
                R = {t for t in triples if comps[t] <= M}
                if _general_closed(R, triples, axioms):
                    c += 1
        counts[axioms] = c
        assert count_structures(3, axioms) == c
    assert counts["semigraphoid"] == 22 and counts["gaussoid"] == 11   # agrees with the literature


def _general_closed(R, triples, axioms):
    inter = axioms in ("graphoid", "gaussoid")
    if general_closure(R, intersection=inter) != R:
        return False
    if axioms == "gaussoid":
        for (X, Y, Z) in R:
            for W in R:                                   # composition
                if W[0] == X and W[2] == Z and not (W[1] & Y) and (X, Y | W[1], Z) not in R:
                    return False
            for g in set().union(*(t[0] for t in triples)) - (X | Y | Z):
                gs = f({g})
                if (X, Y, Z | gs) in R and (X, gs, Z) not in R and (gs, Y, Z) not in R:
                    return False
    return True


@pytest.mark.parametrize("axioms", ["semigraphoid", "graphoid", "gaussoid"])
def test_counts_n4_against_independent_dfs(axioms, gaussoids4):
    mine = set(enumerate_structures(4, axioms))
    theirs = gaussoids4 if axioms == "gaussoid" else brute_force_structures(4, axioms)
    conv = {f((i, j, f(b for b in range(4) if K >> b & 1)) for i, j, K in s) for s in mine}
    assert len(mine) == len(conv) == len(theirs) and conv == set(theirs)


def test_closed_structures_are_models_of_the_general_rules():
    """The counter-model claim: R(M) is closed under the general rules whenever M is elementary-closed."""
    names = _names(4)
    triples = [t for t in itertools.product(_subsets(names), repeat=3) if _ok(t)]
    comps = {t: _components(t, names) for t in triples}
    rng = random.Random(3)
    for axioms in ("semigraphoid", "graphoid"):
        structs = list(enumerate_structures(4, axioms))
        for s in rng.sample(structs, 40):
            M = {(i, j, f(b for b in range(4) if K >> b & 1)) for i, j, K in s}
            R = {t for t in triples if comps[t] <= M}
            assert general_closure(R, intersection=axioms == "graphoid") == R


def test_progress_callback_reaches_completion():
    seen = []
    n = count_structures(4, "gaussoid", progress=lambda found, frac: seen.append((found, frac)))
    assert seen and seen[-1] == (n, 1.0)
    assert all(0 <= fr <= 1 for _, fr in seen)


def test_sound_for_d_separation_in_random_dags():
    """Premises true in a DAG ⇒ whatever is proved is true there (d-separation is a graphoid)."""
    rng = random.Random(11)
    names = _names(5)
    for _ in range(25):
        G = nx.DiGraph()
        G.add_nodes_from(names)
        order = rng.sample(names, 5)
        G.add_edges_from((order[a], order[b]) for a in range(5) for b in range(a + 1, 5)
                         if rng.random() < 0.35)
        true = [t for t in (rand_stmt(rng, names) for _ in range(60))
                if nx.is_d_separator(G, set(t[0]), set(t[1]), set(t[2]))]
        if len(true) < 3:
            continue
        prem = true[:3]
        for goal in (rand_stmt(rng, names) for _ in range(10)):
            for axioms in ("semigraphoid", "graphoid", "gaussoid"):
                r = decide(prem, goal, names, axioms=axioms, witnesses=False)
                if r.status == "proved":
                    assert nx.is_d_separator(G, set(goal[0]), set(goal[1]), set(goal[2]))


def test_bad_input_gives_clear_errors():
    with pytest.raises(ValueError, match="not a c.i. statement"):
        decide([S("A", "A")], S("A", "B"), list("AB"))
    with pytest.raises(ValueError, match="unknown variable"):
        decide([S("A", "B")], S("A", "Q"), list("AB"))
    with pytest.raises(ValueError, match="unknown axioms"):
        decide([S("A", "B")], S("A", "B"), list("AB"), axioms="foo")
    for bad in (float("nan"), -1.0, "5"):
        with pytest.raises(ValueError, match="time budget"):
            decide([S("A", "B")], S("A", "B"), list("AB"), budget_s=bad)
    for bad in (0, -5, float("nan")):
        with pytest.raises(ValueError, match="memory budget"):
            decide([S("A", "B")], S("A", "B"), list("AB"), memory_mb=bad)


def test_budget_exhaustion_is_unknown():
    names = _names(12)
    prem = [(f(names[:3]), f(names[3:8]), f(names[8:10])), (f(names[3:5]), f(names[9:12]), f())]
    r = decide(prem, S("A", "L"), names, budget_s=0.0)
    assert r.status == "unknown" and r.derivation is None and r.structure is None


def test_replay_rejects_corrupted_derivations():
    """The checker above can fail: a wrong premise order, a wrong conclusion, or a dead step is caught."""
    prem = [S("A", "B", "C"), S("A", "C")]
    r = decide(prem, S("A", "B"), list("ABC"))
    steps = list(r.derivation)
    assert steps[0].rule == "contraction"
    swapped = [Step("contraction", steps[0].premises[::-1], steps[0].conclusion)] + steps[1:]
    wrong = [Step(steps[0].rule, steps[0].premises, S("A", "B"))] + steps[1:]
    dead = steps[:1] + [Step("symmetry", (0,), S("B", "A", "C"))] + [
        Step(steps[1].rule, steps[1].premises, steps[1].conclusion)]
    for bad in (swapped, wrong, dead):
        with pytest.raises(AssertionError):
            replay(prem, bad, S("A", "B"), "semigraphoid")
    with pytest.raises(AssertionError):
        replay(prem, steps[:1], S("A", "B"), "semigraphoid")      # goal never reached


# ---------------------------------------------------------------- the goal is among the premises

@st.composite
def _stmt(draw, names):
    """A random statement: one variable on each side, each other one on a side, in the condition or nowhere."""
    x = draw(st.sampled_from(names))
    y = draw(st.sampled_from([v for v in names if v != x]))
    rest = [v for v in names if v not in (x, y)]
    roles = draw(st.lists(st.sampled_from("nzxy"), min_size=len(rest), max_size=len(rest)))
    X = f([x] + [v for v, r in zip(rest, roles) if r == "x"])
    Y = f([y] + [v for v, r in zip(rest, roles) if r == "y"])
    return (X, Y, f(v for v, r in zip(rest, roles) if r == "z"))


@st.composite
def _goal_among_premises(draw):
    names = _names(draw(st.integers(2, 6)))
    prem = draw(st.lists(_stmt(names), min_size=1, max_size=4))
    X, Y, Z = draw(st.sampled_from(prem))
    goal = (Y, X, Z) if draw(st.booleans()) else (X, Y, Z)
    return names, prem, goal, draw(st.sampled_from(["semigraphoid", "graphoid", "gaussoid"]))


@settings(max_examples=80, deadline=None)
@given(_goal_among_premises())
def test_goal_among_premises_is_proved_in_one_kernel_checked_step(problem):
    from graphoid.kernel import Kernel
    from graphoid.search.replay import replay as kernel_replay
    from graphoid.statements import CI
    names, prem, goal, axioms = problem
    res = decide(prem, goal, names, axioms=axioms, witnesses=False)
    assert res.status == "proved"
    assert len(res.derivation) == 1 and isinstance(res.derivation[0], Step)
    assert res.derivation[0].conclusion == goal
    assert replay(prem, res.derivation, goal, axioms) == 1          # the paper's forms, test-owned
    k = Kernel()
    fact = kernel_replay(k, [k.assume(CI.of(*p)) for p in prem], res.derivation, CI.of(*goal))
    assert fact.statement == CI.of(*goal) and not fact.open_cases


def test_issue_identical_goal_is_proved_through_the_api():
    import graphoid
    for q in ("(A ⊥ B | C), (A ⊥ D) ⊢ (A ⊥ B | C)", "(A ⊥ B | C), (A ⊥ D) ⊢ (B ⊥ A | C)"):
        res = graphoid.prove(q)
        assert res.status == "proved" and res.fact is not None and len(res.derivation) == 1


# ---------------------------------------------------------------- budgets that hold

WIDE = [(f("ABCDEFGHIJK"), f("LMNOPQRSTUV"), f()), (f("W"), f("A"), f("B"))]   # 11·11·2^20 components


@pytest.mark.parametrize("axioms", ["semigraphoid", "gaussoid"])
def test_wide_premise_answers_unknown_within_the_time_budget(axioms):
    r = decide(WIDE, S("A", "W"), axioms=axioms, budget_s=0.5)
    assert r.status == "unknown" and "time budget" in r.reason and "elementary statements" in r.reason
    assert r.derivation is None and r.structure is None


def test_wide_premise_answers_unknown_within_the_memory_budget():
    r = decide([(f("ABCDEFGHIJ"), f("KLMNOPQRST"), f())], S("A", "U"), list("ABCDEFGHIJKLMNOPQRSTU"),
               budget_s=600, memory_mb=16)
    assert r.status == "unknown" and "memory budget of 16 MB" in r.reason, r.reason


def test_a_budget_that_suffices_still_answers():
    from graphoid.search.closure import Budget, Limits, implies
    from graphoid.search.statements import Names
    names = Names(list("ABCDE"))
    P = [names.triple(S("A", "BC", "D")), names.triple(S("A", "E", "BCD"))]
    status, _ = implies(P, names.triple(S("A", "E", "D")), 5, limits=Limits(None, 4096))
    assert status == "proved"
    with pytest.raises(Budget):
        implies(P, names.triple(S("A", "E", "D")), 5, limits=Limits(0.0, None))


def test_incremental_weak_transitivity_agrees_with_a_full_scan():
    """After saturation the recorded instances find an open weak-transitivity split iff a rescan does."""
    from graphoid.search.closure import Closure
    from graphoid.search.statements import Names, components
    rng = random.Random(17)
    names = _names(5)
    nm = Names(names)
    seen_open = seen_closed = 0
    for _ in range(150):
        cl = Closure(5, "gaussoid")
        for p in [rand_stmt(rng, names) for _ in range(rng.randint(1, 3))]:
            for a in components(*nm.triple(p)):
                cl.add(a, ("premise", 0))
        cl.run()
        inc, scan = cl.weak_transitivity_open(), cl.weak_transitivity_open_scan()
        assert (inc is None) == (scan is None)
        if inc is not None:
            i, j, k, L = inc
            from graphoid.search.statements import atom
            assert atom(i, j, L) in cl.just and atom(i, j, L | 1 << k) in cl.just
            assert atom(i, k, L) not in cl.just and atom(j, k, L) not in cl.just
            seen_open += 1
        else:
            seen_closed += 1
    assert seen_open and seen_closed


def test_closure_dfs_enumeration_keeps_its_budget():
    from graphoid.search.closure import Budget, Limits
    with pytest.raises(Budget):
        list(enumerate_structures(5, "gaussoid", limits=Limits(0.0, None)))


def test_cli_wide_premise_is_unknown_not_memory_error():
    import subprocess
    import sys
    q = "(ABCDEFGHIJK ⊥ LMNOPQRSTUV), (W ⊥ A | B) ⊢ (A ⊥ W)"
    for extra in (["--timeout", "1"], ["--timeout", "600", "--memory", "16"]):
        r = subprocess.run([sys.executable, "-m", "graphoid.cli", "prove", q, *extra], capture_output=True,
                           text=True, timeout=600)
        assert r.returncode == 3 and r.stdout.startswith("unknown:") and "elementary statements" in r.stdout
        assert "Traceback" not in r.stderr and "MemoryError" not in r.stdout + r.stderr
