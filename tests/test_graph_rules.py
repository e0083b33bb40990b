"""Property tests of the graph rules (kernel/graph_rules.py) against semantics: random DAGs with
unnamed latent links, d-separation by networkx, exhaustive checks on small graphs, exact rational
distributions for functional determination. Every kernel acceptance is checked against the graph;
the counts of acceptances are asserted too, so that no test passes vacuously."""
from __future__ import annotations

import itertools
import random
from fractions import Fraction

import networkx as nx
import pytest

from graphoid.kernel.registry import display

from graphoid.graph_statements import Cut, Linked, ParentsIn, Summary, SummaryClaim, Vertices
from graphoid.kernel import Kernel, RuleError
from graphoid.kernel.graph_rules import summary_active_walk
from graphoid.sets import VarSet
from graphoid.statements import CI, Determines, NoEdge
from graphoid.script import check_text

G = "G"


def vs(xs):
    return VarSet.of(xs)


def dsep_ci(x, y, z):
    return CI(vs(x), vs(y), vs(z), True, G)


# -- random graphs: named vertices, plus unnamed latent links (roots with two children) --------------
def random_graph(rng: random.Random, n_named: int, p: float, n_latent: int, sides=None):
    names = ["V%d" % k for k in range(n_named)]
    order = names[:]
    rng.shuffle(order)
    g = nx.DiGraph()
    g.add_nodes_from(names)
    for a, b in itertools.combinations(order, 2):
        if rng.random() < p:
            g.add_edge(a, b)
    for k in range(n_latent):
        if sides:
            u, v = rng.choice(sides[0]), rng.choice(sides[1])
        else:
            u, v = rng.sample(names, 2)
        if u != v:
            g.add_edge("L%d" % k, u)
            g.add_edge("L%d" % k, v)
    return g, names


def is_sep(g, x, y, z):
    return nx.is_d_separator(g, set(x), set(y), set(z))


def latent_nodes(g, names):
    return [v for v in g.nodes if v not in names]


def linked(g, names, u, v):
    if g.has_edge(u, v) or g.has_edge(v, u):
        return True
    return any(g.has_edge(m, u) and g.has_edge(m, v) for m in latent_nodes(g, names))


def no_link(g, names, S, T):
    return not any(linked(g, names, u, v) for u in S for v in T if u != v)


def parents_in(g, S, T):
    return all(set(g.predecessors(s)) <= set(T) for s in S)


def cut_holds(g, X, S, Y):
    h = g.to_undirected()
    h.remove_nodes_from(S)
    reach = set()
    for x in X:
        if x in h:
            reach |= nx.node_connected_component(h, x)
    return not (reach & set(Y))


def subsets(xs, kmax=None):
    xs = list(xs)
    for k in range(0, (kmax if kmax is not None else len(xs)) + 1):
        yield from itertools.combinations(xs, k)


# -- the theorems themselves, exhaustively on small DAGs (no kernel involved) ------------------------
def all_dags(n):
    nodes = list(range(n))
    pairs = list(itertools.combinations(nodes, 2))
    seen = set()
    for perm in itertools.permutations(nodes):
        for mask in range(1 << len(pairs)):
            edges = frozenset((perm[a], perm[b]) for k, (a, b) in enumerate(pairs) if mask >> k & 1)
            if edges not in seen:
                seen.add(edges)
                g = nx.DiGraph()
                g.add_nodes_from(nodes)
                g.add_edges_from(edges)
                yield g


def test_all_dags_on_four_vertices_are_enumerated():
    assert sum(1 for _ in all_dags(4)) == 543      # OEIS A003024


def test_conditioning_on_ancestral_sets_exhaustively():
    """Pa(R) ⊆ R ∪ Z, R ∩ XY = ∅, (X ⊥ Y | Z)_d ⇒ (X ⊥ Y | ZR)_d, on every DAG with 4 vertices;
    and without the parent condition the implication fails somewhere (the hypothesis is needed)."""
    used = broken = 0
    for g in all_dags(4):
        nodes = list(g.nodes)
        for x, y in ((0, 1),):          # every labelling is enumerated: fixing x, y loses nothing
            rest = [v for v in nodes if v not in (x, y)]
            for Z in subsets(rest):
                if not is_sep(g, [x], [y], Z):
                    continue
                for R in subsets([v for v in rest if v not in Z]):
                    if not R:
                        continue
                    ok = parents_in(g, R, set(R) | set(Z))
                    holds = is_sep(g, [x], [y], set(Z) | set(R))
                    if ok:
                        used += 1
                        assert holds, (g.edges, x, y, Z, R)
                    elif not holds:
                        broken += 1
    assert used > 150 and broken > 0


def test_vertex_cut_exhaustively():
    """Every path from X to D meets S, (X ⊥ S | Z)_d ⇒ (X ⊥ SD | Z)_d, on every DAG with 4 vertices."""
    used = 0
    for g in all_dags(4):
        nodes = list(g.nodes)
        for x in (0,):                  # every labelling is enumerated
            for S in subsets([v for v in nodes if v != x]):
                if not S:
                    continue
                rest = [v for v in nodes if v != x and v not in S]
                for Z in subsets(rest):
                    if not is_sep(g, [x], S, Z):
                        continue
                    D = [v for v in rest if v not in Z and cut_holds(g, [x], S, [v])]
                    if D:
                        used += 1
                        assert is_sep(g, [x], set(S) | set(D), Z)
    assert used > 100


def test_short_active_path_exhaustively():
    """(U ⊥ V | Z)_d, w ∉ Z linked to some v ∈ V ⇒ no edge w → u for u ∈ U (DAGs with 4 vertices
    and one latent link)."""
    used = 0
    for g0 in all_dags(4):
        for lat in ((), (0, 1)):       # every labelling is enumerated, so one latent pair suffices
            g = g0.copy()
            for t in lat:
                g.add_edge("L", t)
            names = list(range(4))
            for u, v in ((0, 2), (2, 0), (0, 1), (2, 3)):   # up to relabelling (latent on 0, 1)
                rest = [t for t in names if t not in (u, v)]
                for Z in subsets(rest):
                    if not is_sep(g, [u], [v], Z):
                        continue
                    for w in rest:
                        if w not in Z and linked(g, names, w, v):
                            used += 1
                            assert not g.has_edge(w, u)
    assert used > 100


# -- kernel rules on random graphs ------------------------------------------------------------------
def kernel():
    return Kernel()


def test_kernel_conditioning_on_roots_and_ancestral_sets_random():
    rng = random.Random(11)
    k = kernel()
    accepted = 0
    for _ in range(300):
        g, names = random_graph(rng, rng.randint(4, 7), 0.35, 0)
        x, y = rng.sample(names, 2)
        rest = [v for v in names if v not in (x, y)]
        Z = [v for v in rest if rng.random() < 0.3]
        if not is_sep(g, [x], [y], Z):
            continue
        R = [v for v in rest if v not in Z and rng.random() < 0.5]
        if not R:
            continue
        p = k.assume(dsep_ci([x], [y], Z))
        # one parent fact per vertex of R: its actual parents
        facts = [k.assume(ParentsIn(vs([r]), vs(g.predecessors(r)), G)) for r in R]
        claim = dsep_ci([x], [y], set(Z) | set(R))
        try:
            f = k.condition_ancestral(p, facts, claim)
        except RuleError:
            assert not parents_in(g, R, set(R) | set(Z))
            continue
        accepted += 1
        assert f.statement == claim and is_sep(g, [x], [y], set(Z) | set(R))
    assert accepted > 20


def test_kernel_refuses_conditioning_on_a_collider():
    k = kernel()
    p = k.assume(dsep_ci(["a"], ["b"], []))
    with pytest.raises(RuleError):   # a -> c <- b: c's parents are not in the conditioning set
        k.condition_ancestral(p, [k.assume(ParentsIn(vs(["c"]), vs(["a", "b"]), G))], dsep_ci(["a"], ["b"], ["c"]))
    f = k.condition_ancestral(p, [k.assume(ParentsIn(vs(["r"]), VarSet(), G))], dsep_ci(["a"], ["b"], ["r"]))
    assert display(f.rule) == "conditioning on roots"


def test_kernel_short_path_and_link_narrowing_random():
    rng = random.Random(5)
    k = kernel()
    accepted = 0
    for _ in range(300):
        g, names = random_graph(rng, rng.randint(4, 7), 0.3, rng.randint(0, 2))
        u, v = rng.sample(names, 2)
        rest = [t for t in names if t not in (u, v)]
        Z = [t for t in rest if rng.random() < 0.3]
        if not is_sep(g, [u], [v], Z):
            continue
        W = [t for t in rest if t not in Z and linked(g, names, t, v)]
        if not W:
            continue
        # narrowing: each of W is linked to all names; no link between W and names \ {v}
        others = [t for t in names if t != v and t not in W and no_link(g, names, W, [t])]
        l0 = k.assume(Linked(vs(W), vs(names), G))
        excl = [k.assume(NoEdge(vs(W), vs([t]), G)) for t in names if t != v and t not in W]
        try:
            l1 = k.link_narrowing(l0, excl, Linked(vs(W), vs([v]), G))
        except RuleError:
            l1 = None
        if l1 is not None:
            assert all(linked(g, names, w, v) for w in W)
        lk = l1 or k.assume(Linked(vs(W), vs([v]), G))
        f = k.short_path(k.assume(dsep_ci([u], [v], Z)), lk, NoEdge(vs(W), vs([u]), G, True))
        accepted += 1
        assert not any(g.has_edge(w, u) for w in W)
        assert others is not None
    assert accepted > 20


def test_kernel_short_path_needs_the_middle_vertex_outside_z():
    # u <- w <- v with w conditioned on: (u ⊥ v | w)_d holds and the edge w -> u exists.
    k = kernel()
    with pytest.raises(RuleError):
        k.short_path(k.assume(dsep_ci(["u"], ["v"], ["w"])), k.assume(Linked(vs(["w"]), vs(["v"]), G)),
                     NoEdge(vs(["w"]), vs(["u"]), G, True))


def test_kernel_vertex_cut_random():
    rng = random.Random(7)
    k = kernel()
    accepted = 0
    for _ in range(300):
        g, names = random_graph(rng, rng.randint(4, 7), 0.3, rng.randint(0, 1))
        x = rng.choice(names)
        S = [v for v in names if v != x and rng.random() < 0.35]
        if not S:
            continue
        rest = [v for v in names if v != x and v not in S]
        Z = [v for v in rest if rng.random() < 0.3]
        if not is_sep(g, [x], S, Z):
            continue
        D = [v for v in rest if v not in Z and cut_holds(g, [x], S, [v])]
        if not D:
            continue
        f = k.vertex_cut(k.assume(dsep_ci([x], S, Z)), k.assume(Cut(vs([x]), vs(S), vs(D), G)),
                         dsep_ci([x], set(S) | set(D), Z))
        accepted += 1
        assert is_sep(g, [x], set(S) | set(D), Z) and display(f.rule) == "vertex cut"
    assert accepted > 20


# -- summary graphs and the type-level Bayes ball -------------------------------------------------------
def true_facts(k, g, names, types, sides):
    """Facts true of g: the Vertices fact, and for each pair of set-nodes every exclusion that holds."""
    named = vs(names)
    if latent_nodes(g, names) and not sides:
        sides = (names, names)           # latent links between any two named vertices
    facts = [k.assume(Vertices(named, vs(sides[0]) if sides else None, vs(sides[1]) if sides else None, G))]
    for a, b in itertools.product(range(len(types)), repeat=2):
        A, B = types[a], types[b]
        if a == b:
            continue
        if not any(g.has_edge(u, v) for u in A for v in B):
            facts.append(k.assume(NoEdge(vs(A), vs(B), G, True)))
        if a < b and no_link(g, names, A, B):
            facts.append(k.assume(NoEdge(vs(A), vs(B), G)))
    for a, A in enumerate(types):
        pa = set().union(*(set(g.predecessors(v)) for v in A)) if A else set()
        if pa <= set(names):
            facts.append(k.assume(ParentsIn(vs(A), vs(pa), G)))
    return facts


def links_of(g, names, types):
    where = {v: t for t, T in enumerate(types) for v in T}
    edges, lat = set(), set()
    for u, v in g.edges:
        if u in where and v in where:
            edges.add((where[u], where[v]))
    for m in latent_nodes(g, names):
        ch = [where[c] for c in g.successors(m)]
        for a, b in itertools.combinations(ch, 2):
            lat.add((min(a, b), max(a, b)))
    return edges, lat


def random_typed(rng, n_named, n_types, p, n_latent, with_sides):
    sides = None
    names = ["V%d" % k for k in range(n_named)]
    if with_sides:
        cut = rng.randint(1, n_named - 1)
        sides = (names[:cut], names[cut:])
    g, names = random_graph(rng, n_named, p, n_latent, sides)
    labels = [rng.randrange(n_types) for _ in names]
    types = [[v for v, t in zip(names, labels) if t == k] for k in range(n_types)]
    types = [T for T in types if T]
    return g, names, types, sides


def test_summary_over_approximates_every_link_random():
    rng = random.Random(3)
    k = kernel()
    for _ in range(120):
        g, names, types, sides = random_typed(rng, rng.randint(3, 7), rng.randint(2, 4), 0.3, rng.randint(0, 2), rng.random() < 0.5)
        facts = true_facts(k, g, names, types, sides)
        s = k.summary(facts, SummaryClaim(G, tuple(vs(T) for T in types)))
        edges, lat = links_of(g, names, types)
        assert edges <= s.statement.edges and lat <= s.statement.latent


def test_type_level_bayes_ball_is_sound_random():
    """Every d-separation the type-level Bayes ball accepts (with true d-separations as premises)
    holds in the graph; acceptances beyond what the plain summary gives show the premises are used."""
    rng = random.Random(17)
    k = kernel()
    accepted = with_premise_only = 0
    for trial in range(100):
        g, names, types, sides = random_typed(rng, rng.randint(4, 7), rng.randint(3, 5), 0.3, rng.randint(0, 2), rng.random() < 0.5)
        facts = true_facts(k, g, names, types, sides)
        s = k.summary(facts, SummaryClaim(G, tuple(vs(T) for T in types)))
        m = len(types)
        unions = {}
        for mask in range(1, 1 << m):
            unions[mask] = sorted(v for t in range(m) if mask >> t & 1 for v in types[t])
        # true d-separations between unions of set-nodes, as premises
        trip = [(a, b, c) for a in unions for b in unions for c in [0] + list(unions)
                if not (a & b or a & c or b & c)]
        rng.shuffle(trip)
        prem = []
        for a, b, c in trip[:40]:
            Zs = unions.get(c, [])
            if is_sep(g, unions[a], unions[b], Zs):
                prem.append(k.assume(dsep_ci(unions[a], unions[b], Zs)))
            if len(prem) >= 3:
                break
        for a, b, c in trip[:60]:
            Zs = unions.get(c, [])
            claim = dsep_ci(unions[a], unions[b], Zs)
            try:
                k.type_bayes_ball(s, prem, claim)
            except RuleError:
                continue
            accepted += 1
            assert is_sep(g, unions[a], unions[b], Zs), (list(g.edges), types, claim)
            try:
                k.type_bayes_ball(s, [], claim)
            except RuleError:
                with_premise_only += 1
    assert accepted > 50 and with_premise_only > 0


def test_type_level_bayes_ball_is_exact_on_singleton_set_nodes_exhaustively():
    """With one set-node per vertex and every absent link excluded, the summary is the graph itself
    and the Bayes ball accepts exactly the true d-separations (all DAGs on 4 vertices)."""
    k = kernel()
    checked = 0
    for g0 in all_dags(4):
        g = nx.relabel_nodes(g0, {v: "V%d" % v for v in g0.nodes})
        names = sorted(g.nodes)
        types = [[v] for v in names]
        facts = true_facts(k, g, names, types, None)
        s = k.summary(facts, SummaryClaim(G, tuple(vs(T) for T in types)), single_scalars=frozenset(names))
        st = s.statement
        for x, y in itertools.combinations(range(4), 2):
            rest = [t for t in range(4) if t not in (x, y)]
            for Z in subsets(rest):
                walk = summary_active_walk(st, {x}, {y}, set(Z), [])
                assert (walk is None) == is_sep(g, [names[x]], [names[y]], [names[t] for t in Z])
                checked += 1
    assert checked == 543 * 6 * 4


def test_summary_parents_random():
    rng = random.Random(31)
    k = kernel()
    accepted = 0
    for _ in range(120):
        g, names, types, sides = random_typed(rng, rng.randint(4, 7), rng.randint(3, 5), 0.25, rng.randint(0, 2), rng.random() < 0.5)
        s = k.summary(true_facts(k, g, names, types, sides), SummaryClaim(G, tuple(vs(T) for T in types)))
        for a in range(len(types)):
            for mask in range(1 << len(types)):
                T = [v for t in range(len(types)) if mask >> t & 1 for v in types[t]]
                try:
                    k.summary_parents(s, ParentsIn(vs(types[a]), vs(T), G))
                except RuleError:
                    continue
                accepted += 1
                assert parents_in(g, types[a], T)
    assert accepted > 50


def test_path_cut_random():
    rng = random.Random(23)
    k = kernel()
    accepted = 0
    for _ in range(150):
        g, names, types, sides = random_typed(rng, rng.randint(4, 7), rng.randint(3, 5), 0.25, rng.randint(0, 2), False)
        facts = true_facts(k, g, names, types, sides)
        s = k.summary(facts, SummaryClaim(G, tuple(vs(T) for T in types)))
        m = len(types)
        for a, b, c in itertools.permutations(range(m), 3):
            X, Y, S = types[a], types[b], types[c]
            try:
                k.path_cut(s, Cut(vs(X), vs(S), vs(Y), G))
            except RuleError:
                continue
            accepted += 1
            assert cut_holds(g, X, S, Y)
    assert accepted > 20


def test_chained_summary_matches_is_chained_graphs():
    """The summary of a chained graph allows exactly the links between equal or adjacent blocks."""
    k = kernel()
    blocks = (vs(["a"]), vs(["b"]), vs(["c"]), vs(["d"]))
    s = k.summary([], SummaryClaim("V", blocks), chain=blocks).statement
    assert (0, 2) not in s.edges and (0, 1) in s.edges and (1, 0) in s.edges and (0, 3) not in s.latent
    with pytest.raises(RuleError):
        k.path_cut(k.summary([], SummaryClaim("V", blocks), chain=blocks), Cut(vs(["a"]), vs(["d"]), vs(["c"]), "V"))
    k.path_cut(k.summary([], SummaryClaim("V", blocks), chain=blocks), Cut(vs(["a"]), vs(["c"]), vs(["d"]), "V"))


# -- functional determination: exact distributions ------------------------------------------------------
def _ci_holds(P, xi, yi, zi):
    """Exact check of (X ⊥ Y | Z) for a joint P over tuples (dict value tuple -> Fraction)."""
    def marg(idx):
        out = {}
        for w, p in P.items():
            key = tuple(w[i] for i in idx)
            out[key] = out.get(key, 0) + p
        return out
    pxyz, pxz, pyz, pz = marg(xi + yi + zi), marg(xi + zi), marg(yi + zi), marg(zi)
    for w in P:
        x, y, z = tuple(w[i] for i in xi), tuple(w[i] for i in yi), tuple(w[i] for i in zi)
        if pz[z] == 0:
            continue
        if pxyz.get(x + y + z, 0) * pz[z] != pxz[x + z] * pyz[y + z]:
            return False
    return True


def test_functional_determination_is_valid_in_exact_distributions():
    """W = f(V): (X ⊥ Y | Z V W) ⇔ (X ⊥ Y | Z V); with W not a function of V they differ somewhere."""
    rng = random.Random(29)
    holds = differs = 0
    r = lambda: Fraction(rng.randint(1, 6))
    for trial in range(200):
        f = [rng.randrange(2) for _ in range(2)]
        pzv = {k: r() for k in itertools.product(range(2), repeat=2)}
        px = {k: r() for k in itertools.product(range(2), repeat=3)}
        py = {k: r() for k in itertools.product(range(2), repeat=3)}
        pj = {k: r() for k in itertools.product(range(2), repeat=4)}
        base = {}
        for x, y, z, v in itertools.product(range(2), repeat=4):
            if trial % 2:   # X ⊥ Y | Z V by construction
                base[(x, y, z, v)] = pzv[(z, v)] * px[(x, z, v)] / (px[(0, z, v)] + px[(1, z, v)]) \
                    * py[(y, z, v)] / (py[(0, z, v)] + py[(1, z, v)])
            else:
                base[(x, y, z, v)] = pj[(x, y, z, v)]
        tot = sum(base.values())
        P = {(x, y, z, v, f[v]): p / tot for (x, y, z, v), p in base.items()}
        a = _ci_holds(P, [0], [1], [2, 3, 4])
        assert a == _ci_holds(P, [0], [1], [2, 3])
        holds += a
        # W a noisy common effect of X and Y instead: conditioning on it opens a dependence
        Q = {(x, y, z, v, w): p / tot * (Fraction(3) if w == (x ^ y) else Fraction(1))
             for (x, y, z, v), p in base.items() for w in range(2)}
        tq = sum(Q.values())
        Q = {k: p / tq for k, p in Q.items()}
        differs += _ci_holds(Q, [0], [1], [2, 3, 4]) != _ci_holds(Q, [0], [1], [2, 3])
    assert holds >= 100 and differs > 0


def test_kernel_determination_shapes():
    k = kernel()
    det = k.assume(Determines(vs(["L"]), vs(["B"])))
    p = k.assume(CI(vs(["X"]), vs(["Y"]), vs(["Z", "L", "B"])))
    f = k.determination(p, det, CI(vs(["X"]), vs(["Y"]), vs(["Z", "L"])))
    assert display(f.rule) == "functional determination" and det in f.assumptions()
    with pytest.raises(RuleError):    # dropping the determining variable itself
        k.determination(p, det, CI(vs(["X"]), vs(["Y"]), vs(["Z", "B"])))
    with pytest.raises(RuleError):    # dropping a variable that is not determined
        k.determination(p, det, CI(vs(["X"]), vs(["Y"]), vs(["L", "B"])))
    with pytest.raises(RuleError):    # a d-separation premise: determination is about distributions
        k.determination(k.assume(CI(vs(["X"]), vs(["Y"]), vs(["Z", "L", "B"]), True, G)), det,
                        CI(vs(["X"]), vs(["Y"]), vs(["Z", "L"])))


# -- the shipped proofs ------------------------------------------------------------------------------------
def _check(path):
    with open(path, encoding="utf-8") as fh:
        return check_text(fh.read(), path)


def test_lemma1_is_proved_without_the_lemma1_primitive():
    rep = _check("proofs/lemma1.gph")
    assert rep.ok
    rules = {s.rule for s in rep.steps if s.status == "verified"}
    assert "Lemma 1" not in rules and {"summary graph", "path cut", "vertex cut"} <= rules


@pytest.fixture(scope="module")
def theorem1():
    return _check("proofs/theorem1.gph")


def test_theorem1_latex_cites_the_graph_rules(theorem1):
    from graphoid.export.latex import document
    tex = document(theorem1)
    for words in ("by conditioning on roots", "by the type-level Bayes ball", "by the short-active-path rule",
                  "by the vertex-cut rule", "by functional determination", r"\mapsto \text{summary on }"):
        assert words in tex, words


def test_theorem1_has_no_graph_hypotheses(theorem1):
    rep = theorem1
    assert rep.ok and rep.count("hypothesis") == 0
    by = {s.label: s for s in rep.steps}
    for lab, rule in (("H2a", "short active path"), ("8", "type-level Bayes ball"), ("2b.3", "vertex cut"),
                      ("H3a", "short active path"), ("3b.i", "type-level Bayes ball"), ("11.i", "conditioning on roots"),
                      ("14", "functional determination")):
        assert by[lab].status == "verified" and by[lab].rule == rule, lab
    assert "10" not in by


def test_theorem1_literal_eq10_is_not_derivable(theorem1):
    """(10), (C_i ⊥ C_{\\i} | ZΛ)_d, is false for n = 3; the Bayes ball on Fig. 6 refuses it, with the
    walk C_i ← B → C_{\\i} (B no longer conditioned on), while it accepts (3b) (with B)."""
    facts = {s.label: s.fact for s in theorem1.steps if s.fact is not None}
    k = Kernel(theorem1.context)      # the context the facts were checked in
    b3 = facts["3b.i"].statement
    B = facts["2a"].statement.x
    eq10 = CI(b3.x, b3.y, b3.z - B, True, b3.graph)
    with pytest.raises(RuleError, match="active"):
        k.type_bayes_ball(facts["S6"], [facts["3a.1"]], eq10)
    assert k.type_bayes_ball(facts["S6"], [facts["3a.1"]], b3).statement == b3


def test_graph_statements_parse_and_print():
    text = """variables a, b, c, L
assume (v): every vertex of 𝒢 is in abcL or a latent link between a and bc
assume (r): no parents of L
assume (p): no parents of b outside aL
assume (l): each of a is linked to bc
assume (k): every path from a to c meets b
"""
    rep = check_text(text, "s.gph")
    assert rep.ok, [s.message for s in rep.steps]
    stmts = [s.statement for s in rep.steps]
    assert stmts == ["every vertex of 𝒢 is in Labc or a latent link between a and bc", "no parents of L",
                     "no parents of b outside La", "each of a is linked to bc", "every path from a to c meets b"]


# -- the independent rechecker ------------------------------------------------------------------------------
SMALL = """variables a, b, c
assume (v): every vertex of 𝒢 is in abc
assume (e1): no edge between a and c
assume (e2): no edge from b to ac
have (s): summary of 𝒢 on a, b, c by summary((v), (e1), (e2))
have (d): (a ⊥⊥ c)_d by bayes_ball((s))
"""


def _cert(text):
    from graphoid.export.certificate import certificate
    rep = check_text(text, "small.gph")
    assert rep.ok, [s.message for s in rep.steps]
    return certificate([rep])


def test_rechecker_accepts_graph_rules_and_rejects_tampering():
    import copy
    from graphoid.recheck.checker import check_certificate
    cert = _cert(SMALL)
    info, bad = check_certificate(cert)
    assert not bad, bad
    steps = cert["files"][0]["steps"]
    s = [x for x in steps if x["label"] == "s"][0]
    assert sorted(map(tuple, s["statement"]["edges"])) == [(0, 1), (2, 1)]
    # a summary that leaves out a link no premise excludes (a -> b) is rejected
    t = copy.deepcopy(cert)
    ts = [x for x in t["files"][0]["steps"] if x["label"] == "s"][0]
    ts["statement"]["edges"] = [[2, 1]]
    assert check_certificate(t)[1]
    # a d-separation the summary does not give ((a ⊥ c | b)_d: b may be a collider) is rejected
    t = copy.deepcopy(cert)
    td = [x for x in t["files"][0]["steps"] if x["label"] == "d"][0]
    td["statement"]["z"] = ["b"]
    assert check_certificate(t)[1]


def test_kernel_refuses_what_the_small_summary_cannot_show():
    rep = check_text(SMALL + "have (d2): (a ⊥⊥ c | b)_d by bayes_ball((s))\n", "small.gph")
    assert not rep.ok and "active" in [s for s in rep.steps if s.label == "d2"][0].message


def test_latex_cites_the_graph_rules():
    from graphoid.export.latex import document
    tex = document(check_text(SMALL, "small.gph"))
    assert "type-level Bayes ball" in tex and "summary graph" in tex
    assert r"\text{every vertex of }" in tex


ALL_RULES = """variables a, b, c, d, r
assume (v): every vertex of 𝒢 is in abcdr
assume (e1): no edge between a and cd
assume (e2): no edge from b to a
assume (e3): no edge between b and d
assume (rt): no parents of r
assume (e4): no edge from r to abcd
have (s): summary of 𝒢 on a, b, c, d, r by summary((v), (e1), (e2), (e3), (rt), (e4))
assume (h): (a ⊥⊥ c | b)_d
have (k): every path from a to d meets c by cut((s))
have (l): (a ⊥⊥ cd | b)_d by vertex_cut((h), (k))
have (m): (a ⊥⊥ cd | br)_d by roots((l), (rt))
have (q): (a ⊥⊥ r)_d by bayes_ball((s))
have (ad): (a ⊥⊥ d | b)_d by decomposition((l))
assume (lk0): each of c is linked to ad
have (lk): each of c is linked to d by linked((lk0), (e1))
have (np): no edge from c to a by short_path((ad), (lk))
assume (pc): (a ⊥⊥ c | bd)
assume (dt): b determines d
have (f): (a ⊥⊥ c | b) by determination((pc), (dt))
have (pa): no parents of a by parents((s))
"""


def test_rechecker_rejects_dropped_premises_and_swapped_rules_of_graph_steps():
    import copy
    from graphoid.recheck.checker import RULES, check_certificate
    cert = _cert(ALL_RULES)
    assert not check_certificate(cert)[1]
    steps = cert["files"][0]["steps"]
    graph_rules = {"summary", "path_cut", "vertex_cut", "conditioning_on_roots", "bayes_ball",
                   "link_narrowing", "short_active_path", "determination", "parents"}   # stable ids
    assert graph_rules <= {s["rule"] for s in steps}
    tried = 0
    for k, s in enumerate(steps):
        if s["kind"] != "verified" or s["rule"] not in graph_rules:
            continue
        for j in range(len(s["premises"])):
            bad = copy.deepcopy(cert)
            del bad["files"][0]["steps"][k]["premises"][j]
            assert check_certificate(bad)[1], (s["label"], j)
            tried += 1
        for other, (arity, _) in RULES.items():
            if other == s["rule"] or len(s["premises"]) not in arity:
                continue
            bad = copy.deepcopy(cert)
            bad["files"][0]["steps"][k]["rule"] = other
            assert check_certificate(bad)[1], (s["label"], s["rule"], other)
            tried += 1
    assert tried > 40


def test_random_graph_rule_scripts_never_crash_and_recheck_agrees():
    """Random edits of a script using every graph rule (sets, rules and premises swapped): every
    outcome is a positioned report, never an exception, and whatever the kernel accepts the
    independent rechecker accepts too."""
    import re as _re
    from graphoid.export.certificate import certificate
    from graphoid.recheck.checker import check_certificate
    rng = random.Random(41)
    base = ALL_RULES.splitlines()
    sets = ["a", "b", "c", "d", "r", "ab", "cd", "br", "abcd", "abcdr", "∅"]
    rules = ["summary", "bayes_ball", "cut", "vertex_cut", "roots", "short_path", "linked", "determination",
             "parents", "lemma1", "decomposition"]
    accepted = failed = 0
    for trial in range(50):
        lines = base[:]
        for _ in range(rng.randint(1, 2)):
            k = rng.randrange(1, len(lines))
            line = lines[k]
            what = rng.random()
            if what < 0.5:
                toks = [m for m in _re.finditer(r"(?<=[ (|])(abcdr|abcd|ab|cd|br|bd|ad|a|b|c|d|r)(?=[ )|,]|$)", line.split(" by ")[0])]
                if toks:
                    m = rng.choice(toks)
                    line = line[:m.start()] + rng.choice(sets) + line[m.end():]
            elif what < 0.8 and " by " in line:
                line = _re.sub(r"by [a-z_0-9]+\(", "by %s(" % rng.choice(rules), line)
            elif " by " in line:
                line = _re.sub(r"\(\((\w+)\)", "((%s)" % rng.choice(["v", "s", "h", "k", "l", "e1", "rt", "lk"]), line)
            lines[k] = line
        text = "\n".join(lines) + "\n"
        rep = check_text(text, "<rand>")
        for st in rep.steps:
            if st.status == "failed":
                assert st.line >= 1 and st.col >= 1 and st.message
        if rep.ok:
            accepted += 1
            assert not check_certificate(certificate([rep]))[1], text
        else:
            failed += 1
    assert accepted > 5 and failed > 5
