"""Soundness of the kernel against independent semantics: every step it accepts must be true in
each model tried — d-separation in random DAGs (networkx and a moralisation check written here),
exact rational distributions (semi-graphoid rules; intersection on strictly positive ones), and
Lemma 1 on random chained graphs. Candidate conclusions include deliberately wrong ones."""
from __future__ import annotations

import itertools
import random
from fractions import Fraction

import networkx as nx
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from graphoid.graphs.dag import DAG, ChainedGraph
from graphoid.script import check_text
from graphoid.kernel import Kernel, RuleError
from graphoid.statements import CI

NAMES = "ABCDEFGH"
RULES = ("symmetry", "decomposition", "weak_union", "contraction", "intersection")

# ---------------------------------------------------------------------------------------------
# Independent semantics


def _kernel(g):
    """A kernel whose context declares g's vertices and g (graphs are read off declared ones only)."""
    k = Kernel()
    k.declare_variables([(v, 1, 1) for v in g.nodes], False, 1)
    k.declare_graph(g.name, g, 1)
    return k


def moral_separated(nodes, edges, x, y, z) -> bool:
    """Lauritzen's criterion: x ⊥ y | z in a DAG iff z separates x from y in the moral graph of the
    ancestral set of x ∪ y ∪ z. Written without networkx so the two checks are independent."""
    parents = {v: set() for v in nodes}
    for u, v in edges:
        parents[v].add(u)
    anc, stack = set(), list(x | y | z)
    while stack:
        v = stack.pop()
        if v not in anc:
            anc.add(v)
            stack.extend(parents[v])
    nbr = {v: set() for v in anc}
    for v in anc:
        ps = parents[v]
        for p in ps:
            nbr[v].add(p)
            nbr[p].add(v)
        for p, q in itertools.combinations(ps, 2):
            nbr[p].add(q)
            nbr[q].add(p)
    seen, stack = set(x), list(x)
    while stack:
        v = stack.pop()
        for w in nbr[v]:
            if w in z or w in seen:
                continue
            if w in y:
                return False
            seen.add(w)
            stack.append(w)
    return True


def holds_in_dag(g: DAG, c: CI) -> bool:
    x, y, z = c.triple()
    if not x or not y:
        return True
    a = nx.is_d_separator(g.nx(), set(x), set(y), set(z))
    b = moral_separated(g.nodes, g.edges, set(x), set(y), set(z))
    assert a == b, "networkx and the moralisation criterion disagree on %s" % (c,)
    return a


# ---------------------------------------------------------------------------------------------
# Random DAGs and rule instances


@st.composite
def dags(draw, min_nodes=3, max_nodes=6, name="G"):
    n = draw(st.integers(min_nodes, max_nodes))
    nodes = tuple(NAMES[:n])
    order = draw(st.permutations(nodes))
    p = draw(st.sampled_from([0.2, 0.35, 0.5]))
    edges = []
    for i, j in itertools.combinations(range(n), 2):
        if draw(st.floats(0, 1)) < p:
            edges.append((order[i], order[j]))
    return DAG(name, nodes, tuple(edges))


def _parts(rng: random.Random, nodes):
    """Disjoint X, Y, W, Z (X, Y, W non-empty) drawn from the nodes."""
    while True:
        lab = {v: rng.randrange(5) for v in nodes}
        x, y, w, z = ({v for v in nodes if lab[v] == k} for k in range(4))
        if x and y and w:
            return frozenset(x), frozenset(y), frozenset(w), frozenset(z)


def _forms(rule, x, y, w, z):
    """(premises, correct conclusion) as (X, Y, Z) triples for each rule."""
    if rule == "symmetry":
        return [(x, y | w, z)], (y | w, x, z)
    if rule == "decomposition":
        return [(x, y | w, z)], (x, y, z)
    if rule == "weak_union":
        return [(x, y | w, z)], (x, y, z | w)
    if rule == "contraction":
        return [(x, y, z), (x, w, z | y)], (x, y | w, z)
    return [(x, w, z | y), (x, y, z | w)], (x, y | w, z)


def _mutate(rng: random.Random, t, nodes):
    """A deliberately perturbed conclusion: move, add or drop one vertex, or swap two sides."""
    sets = [set(s) for s in t]
    how = rng.randrange(4)
    k = rng.randrange(3)
    v = rng.choice(list(nodes))
    if how == 0:
        for s in sets:
            s.discard(v)
        sets[k].add(v)
    elif how == 1:
        sets[k].add(v)
    elif how == 2:
        sets[k].discard(v)
    else:
        i, j = rng.sample(range(3), 2)
        sets[i], sets[j] = sets[j], sets[i]
    return tuple(frozenset(s) for s in sets)


def _apply(k: Kernel, rule, premises, c):
    return getattr(k, rule)(*premises, c)


def _well_formed(t) -> bool:
    x, y, z = t
    return bool(x) and not (x & y or x & z or y & z)


@settings(max_examples=120, deadline=None)
@given(g=dags(), seed=st.integers(0, 2**32 - 1))
def test_rules_are_sound_for_d_separation(g, seed):
    rng = random.Random(seed)
    k = _kernel(g)
    dsep = lambda t: CI.of(t[0], t[1], t[2], dsep=True, graph=g.name)  # noqa: E731
    for _ in range(12):
        x, y, w, z = _parts(rng, g.nodes)
        rule = rng.choice(RULES)
        prem_sets, good = _forms(rule, x, y, w, z)
        premises = []
        for t in prem_sets:
            try:
                premises.append(k.d_separation(g, dsep(t)))
            except RuleError:
                break
        else:
            for p in premises:   # d-separation itself: accepted => true
                assert holds_in_dag(g, p.statement)
            candidates = [(good, True)] + [(_mutate(rng, good, g.nodes), False) for _ in range(4)]
            for t, correct in candidates:
                if not _well_formed(t):
                    continue
                try:
                    f = _apply(k, rule, premises, dsep(t))
                except RuleError:
                    assert not correct, "%s rejected its own form %s" % (rule, t)
                    continue
                assert holds_in_dag(g, f.statement), "%s accepted a false conclusion %s" % (rule, t)


@settings(max_examples=60, deadline=None)
@given(g=dags(), seed=st.integers(0, 2**32 - 1))
def test_d_separation_rule_accepts_exactly_the_true_statements(g, seed):
    rng = random.Random(seed)
    k = _kernel(g)
    for _ in range(10):
        x, y, w, z = _parts(rng, g.nodes)
        c = CI.of(x, y | w, z, dsep=True, graph=g.name)
        try:
            k.d_separation(g, c)
            accepted = True
        except RuleError:
            accepted = False
        assert accepted == holds_in_dag(g, c)


# ---------------------------------------------------------------------------------------------
# Exact distributions: Bayesian networks on random DAGs with rational CPTs (zeros allowed unless
# strictly positive ones are asked for), c.i. decided by exact arithmetic.


@st.composite
def distributions(draw, positive=False):
    g = draw(dags(min_nodes=3, max_nodes=5))
    parents = {v: sorted(u for u, w in g.edges if w == v) for v in g.nodes}
    lo = 1 if positive else 0
    cpt = {}
    for v in g.nodes:
        for pa in itertools.product((0, 1), repeat=len(parents[v])):
            a, b = draw(st.integers(lo, 4)), draw(st.integers(lo, 4))
            if a + b == 0:
                a = 1
            cpt[v, pa] = Fraction(a, a + b)
    order = list(nx.topological_sort(g.nx()))
    joint = {}
    for vals in itertools.product((0, 1), repeat=len(order)):
        val = dict(zip(order, vals))
        p = Fraction(1)
        for v in order:
            q = cpt[v, tuple(val[u] for u in parents[v])]
            p *= q if val[v] == 1 else 1 - q
        joint[tuple(val[v] for v in g.nodes)] = p
    assert sum(joint.values()) == 1
    if positive:
        assert all(p > 0 for p in joint.values())
    return g, joint


def _marginal(nodes, joint, s):
    idx = [nodes.index(v) for v in sorted(s)]
    out = {}
    for vals, p in joint.items():
        key = tuple(vals[i] for i in idx)
        out[key] = out.get(key, 0) + p
    return out, sorted(s)


def ci_holds(nodes, joint, c: CI) -> bool:
    """P(x, y, z) P(z) = P(x, z) P(y, z) for every value, in exact rationals."""
    x, y, z = (set(s) for s in c.triple())
    if not x or not y:
        return True
    pxyz, oxyz = _marginal(nodes, joint, x | y | z)
    pz, oz = _marginal(nodes, joint, z)
    pxz, oxz = _marginal(nodes, joint, x | z)
    pyz, oyz = _marginal(nodes, joint, y | z)
    for vals in itertools.product((0, 1), repeat=len(oxyz)):
        val = dict(zip(oxyz, vals))
        lhs = pxyz.get(vals, 0) * pz.get(tuple(val[v] for v in oz), 0)
        rhs = pxz.get(tuple(val[v] for v in oxz), 0) * pyz.get(tuple(val[v] for v in oyz), 0)
        if lhs != rhs:
            return False
    return True


def _check_rules_in_distribution(g, joint, seed, rules):
    rng = random.Random(seed)
    k = Kernel()
    prob = lambda t: CI.of(t[0], t[1], t[2])  # noqa: E731
    tried = 0
    for _ in range(10):
        x, y, w, z = _parts(rng, g.nodes)
        rule = rng.choice(rules)
        prem_sets, good = _forms(rule, x, y, w, z)
        if not all(ci_holds(g.nodes, joint, prob(t)) for t in prem_sets):
            continue
        tried += 1
        premises = [k.assume(prob(t)) for t in prem_sets]
        candidates = [(good, True)] + [(_mutate(rng, good, g.nodes), False) for _ in range(4)]
        for t, correct in candidates:
            if not _well_formed(t):
                continue
            try:
                f = _apply(k, rule, premises, prob(t))
            except RuleError:
                assert not correct, "%s rejected its own form %s" % (rule, t)
                continue
            assert ci_holds(g.nodes, joint, f.statement), "%s accepted %s, false in P" % (rule, t)
    return tried


@settings(max_examples=60, deadline=None)
@given(model=distributions(), seed=st.integers(0, 2**32 - 1))
def test_semigraphoid_rules_are_sound_in_exact_distributions(model, seed):
    g, joint = model
    _check_rules_in_distribution(g, joint, seed, ("symmetry", "decomposition", "weak_union", "contraction"))


@settings(max_examples=40, deadline=None)
@given(model=distributions(positive=True), seed=st.integers(0, 2**32 - 1))
def test_intersection_is_sound_in_strictly_positive_distributions(model, seed):
    g, joint = model
    _check_rules_in_distribution(g, joint, seed, ("intersection",))


def test_intersection_fails_without_positivity_so_the_kernel_marks_it():
    # X = Y = W, a fair coin copied three times; Z empty. Both premises hold, the conclusion fails.
    nodes = ("X", "Y", "W")
    joint = {(a, b, c): (Fraction(1, 2) if a == b == c else Fraction(0))
             for a, b, c in itertools.product((0, 1), repeat=3)}
    p1, p2, concl = CI.of("X", "W", "Y"), CI.of("X", "Y", "W"), CI.of("X", "YW")
    assert ci_holds(nodes, joint, p1) and ci_holds(nodes, joint, p2)
    assert not ci_holds(nodes, joint, concl)
    k = Kernel()
    f = k.intersection(k.assume(p1), k.assume(p2), concl)
    assert f.semantics.positive   # never claimed for all distributions


@settings(max_examples=40, deadline=None)
@given(model=distributions(), seed=st.integers(0, 2**32 - 1))
def test_markov_conclusions_hold_in_compatible_distributions(model, seed):
    g, joint = model
    rng = random.Random(seed)
    k = _kernel(g)
    for _ in range(6):
        x, y, w, z = _parts(rng, g.nodes)
        c = CI.of(x, y, z, dsep=True, graph=g.name)
        try:
            d = k.d_separation(g, c)
        except RuleError:
            continue
        f = k.markov(d, CI.of(x, y, z))
        assert f.semantics.graph == g.name
        assert ci_holds(g.nodes, joint, f.statement)   # P factorises along g, so it is compatible


# ---------------------------------------------------------------------------------------------
# Lemma 1 on random chained graphs


@st.composite
def chained_dags(draw):
    sizes = [draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(0, 2))]
    names = iter(NAMES)
    blocks = [frozenset(next(names) for _ in range(s)) for s in sizes]
    nodes = tuple(v for b in blocks for v in sorted(b))
    block_of = {v: i for i, b in enumerate(blocks) for v in b}
    order = draw(st.permutations(nodes))
    edges = []
    for i, j in itertools.combinations(range(len(order)), 2):
        u, v = order[i], order[j]
        if abs(block_of[u] - block_of[v]) <= 1 and draw(st.booleans()):
            edges.append((u, v))
    return DAG("K", nodes, tuple(edges)), blocks


def _lemma1_script(g, A, B, C, D, chain: bool) -> str:
    """Lemma 1 as a script: on the concrete DAG g (read off, then lemma1), or on the declared chain
    of which g is a member (lemma1 then expands into summary, path cut and vertex cut)."""
    st = lambda X, Y, Z, G: "(%s ⊥⊥ %s | %s)_d in %s" % (", ".join(sorted(X)), ", ".join(sorted(Y)),  # noqa: E731
                                                      ", ".join(sorted(Z)), G)
    lines = ["variables " + ", ".join(g.nodes)]
    if chain:
        lines.append("graph V = chain(%s)" % ", ".join("{%s}" % ", ".join(sorted(b)) for b in (A, B, C, D)))
        lines.append("assume (p): " + st(A, C, B, "V"))
        lines.append("have (l): %s by lemma1((p))" % st(A, C | D, B, "V"))
    else:
        parts = ["%s -> %s" % e for e in g.edges] + list(g.nodes)
        lines.append("graph K: " + ", ".join(parts))
        lines.append("have (p): %s by d_separation(K)" % st(A, C, B, "K"))
        lines.append("have (l): %s by lemma1((p))" % st(A, C | D, B, "K"))
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None)
@given(model=chained_dags())
def test_lemma1_is_sound_on_random_chained_graphs(model):
    g, (A, B, C, D) = model
    premise = CI.of(A, C, B, dsep=True, graph="K")
    assume(D and holds_in_dag(g, premise))
    for chain in (False, True):
        rep = check_text(_lemma1_script(g, A, B, C, D, chain))
        f = {s.label: s.fact for s in rep.steps}.get("l")
        assert f is not None, [str(e) for e in rep.errors()]       # a true instance is provable
        assert holds_in_dag(g, CI.of(A, C | D, B, dsep=True, graph="K"))   # and it is true in g


@settings(max_examples=60, deadline=None)
@given(g=dags(min_nodes=4, max_nodes=6, name="K"), seed=st.integers(0, 2**32 - 1))
def test_lemma1_on_arbitrary_dags_accepts_only_true_conclusions(g, seed):
    rng = random.Random(seed)
    lab = {v: rng.randrange(4) for v in g.nodes}
    A, B, C, D = (frozenset(v for v in g.nodes if lab[v] == i) for i in range(4))
    assume(A and B and C and D)
    rep = check_text(_lemma1_script(g, A, B, C, D, False))
    steps = {s.label: s for s in rep.steps}
    if steps["l"].status == "verified":
        assert holds_in_dag(g, CI.of(A, C | D, B, dsep=True, graph="K"))
