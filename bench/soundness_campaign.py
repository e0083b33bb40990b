"""Soundness campaign: random derivation steps, valid and deliberately broken, through the graphoid
axioms, composition, d-separation, Lemma 1, Markov and faithfulness. Premises are chosen true in a model
(a random DAG for d-separation; an exact Fraction distribution factorising over it for c.i.), and every
step the checker accepts is tested in that model: a false conclusion is a false accept (must be 0).
Usage: python3 bench/soundness_campaign.py [STEPS] [SEED]   (default 2000 steps)"""
from __future__ import annotations

import itertools
import random
import sys
from fractions import Fraction

import networkx as nx

from graphoid.script import check_text

NAMES = "ABCDEF"


# -- models -------------------------------------------------------------------------------------------
def random_dag(rng, n) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(NAMES[:n])
    order = list(NAMES[:n])
    rng.shuffle(order)
    for i, j in itertools.combinations(range(n), 2):
        if rng.random() < 0.4:
            g.add_edge(order[i], order[j])
    return g


def distribution(rng, g: nx.DiGraph, positive: bool) -> dict:
    """P(v) = Π P(v_i | pa_i) over binary variables, exact. Non-positive ones use deterministic CPT rows."""
    nodes = sorted(g.nodes)
    cpt = {}
    for v in nodes:
        for pa in itertools.product((0, 1), repeat=len(list(g.predecessors(v)))):
            p = Fraction(rng.randint(1, 99), 100)
            if not positive and rng.random() < 0.5:
                p = Fraction(rng.randint(0, 1))
            cpt[v, pa] = p
    P = {}
    for vals in itertools.product((0, 1), repeat=len(nodes)):
        a = dict(zip(nodes, vals))
        pr = Fraction(1)
        for v in nodes:
            p1 = cpt[v, tuple(a[u] for u in sorted(g.predecessors(v)))]
            pr *= p1 if a[v] else 1 - p1
        P[vals] = pr
    return {"nodes": nodes, "P": P, "positive": all(p > 0 for p in P.values())}


def marginal(d, S):
    idx = [d["nodes"].index(v) for v in sorted(S)]
    out: dict = {}
    for vals, p in d["P"].items():
        k = tuple(vals[i] for i in idx)
        out[k] = out.get(k, 0) + p
    return out, sorted(S)


def ci_holds(d, X, Y, Z) -> bool:
    """Exact test of X ⊥ Y | Z: P(xyz) P(z) = P(xz) P(yz) for every assignment."""
    if not disjoint(X, Y, Z):
        return False
    if not X or not Y:
        return True
    pxyz, o_xyz = marginal(d, X | Y | Z)
    pxz, o_xz = marginal(d, X | Z)
    pyz, o_yz = marginal(d, Y | Z)
    pz, o_z = marginal(d, Z)
    for vals in itertools.product((0, 1), repeat=len(o_xyz)):
        a = dict(zip(o_xyz, vals))
        g = lambda tab, order: tab.get(tuple(a[v] for v in order), 0)  # noqa: E731
        if g(pxyz, o_xyz) * g(pz, o_z) != g(pxz, o_xz) * g(pyz, o_yz):
            return False
    return True


def faithful(d, g) -> bool:
    """Every c.i. of P between two single variables is a d-separation of G (that suffices for sets:
    P satisfies decomposition and d-separation composition). Random CPTs can be degenerate."""
    if "faithful" not in d:
        nodes = sorted(g.nodes)
        d["faithful"] = all(
            not ci_holds(d, {a}, {b}, set(Z)) or dsep(g, {a}, {b}, set(Z))
            for a, b in itertools.combinations(nodes, 2)
            for k in range(len(nodes) - 1)
            for Z in itertools.combinations([v for v in nodes if v not in (a, b)], k))
    return d["faithful"]


def disjoint(X, Y, Z) -> bool:
    return not (X & Y or X & Z or Y & Z)


def dsep(g, X, Y, Z) -> bool:
    """Ill-formed statements (overlapping sets) count as false: the checker must refuse them."""
    return disjoint(X, Y, Z) and (not X or not Y or nx.is_d_separator(g, set(X), set(Y), set(Z)))


# -- scripts ---------------------------------------------------------------------------------------------
def graph_decl(g) -> str:
    """Edges, then isolated vertices (a one-vertex chain), so every vertex is declared in G."""
    parts = ["%s -> %s" % e for e in g.edges] + [v for v in sorted(g.nodes) if g.degree(v) == 0]
    return ", ".join(parts)


def s_(S) -> str:
    return "{" + ", ".join(sorted(S)) + "}" if S else "∅"


def stmt(t, d: bool) -> str:
    X, Y, Z = t
    return "(%s ⊥⊥ %s | %s)%s" % (s_(X), s_(Y), s_(Z), "_d in G" if d else "")


def random_triple(rng, vars_, nonempty_z=False):
    vs = list(vars_)
    rng.shuffle(vs)
    k = rng.randint(3, len(vs))
    part = [rng.randrange(3 if not nonempty_z else 3) for _ in range(k)]
    X = frozenset(v for v, p in zip(vs[:k], part) if p == 0)
    Y = frozenset(v for v, p in zip(vs[:k], part) if p == 1)
    Z = frozenset(v for v, p in zip(vs[:k], part) if p == 2)
    return X, Y, Z


def split(rng, S):
    S = sorted(S)
    rng.shuffle(S)
    k = rng.randint(1, len(S) - 1) if len(S) > 1 else 1
    return frozenset(S[:k]), frozenset(S[k:])


# Each rule: (premise count, premise shapes from a base (X, Y, W, Z), valid conclusion).
RULES = {
    "symmetry": lambda X, Y, W, Z: ([(X, Y | W, Z)], (Y | W, X, Z)),
    "decomposition": lambda X, Y, W, Z: ([(X, Y | W, Z)], (X, Y, Z)),
    "weak_union": lambda X, Y, W, Z: ([(X, Y | W, Z)], (X, Y, Z | W)),
    "contraction": lambda X, Y, W, Z: ([(X, Y, Z), (X, W, Z | Y)], (X, Y | W, Z)),
    "intersection": lambda X, Y, W, Z: ([(X, W, Z | Y), (X, Y, Z | W)], (X, Y | W, Z)),
    "composition": lambda X, Y, W, Z: ([(X, Y, Z), (X, W, Z)], (X, Y | W, Z)),
}


def mutate(rng, t, vars_):
    """A deliberately broken conclusion: move, add or drop one variable, or swap two sets."""
    X, Y, Z = (set(s) for s in t)
    op = rng.randrange(5)
    if op == 0 and Z:
        v = rng.choice(sorted(Z)); Z.discard(v); rng.choice((X, Y)).add(v)
    elif op == 1:
        free = sorted(set(vars_) - X - Y - Z)
        if free:
            rng.choice((X, Y, Z)).add(rng.choice(free))
    elif op == 2 and len(Y) > 1:
        v = rng.choice(sorted(Y)); Y.discard(v); Z.add(v)
    elif op == 3:
        X, Z = Z or X, X
    else:
        return random_triple(rng, vars_)
    return frozenset(X), frozenset(Y), frozenset(Z)


def campaign(steps: int, seed: int = 0, out=sys.stdout) -> dict:
    rng = random.Random(seed)
    stats = {"tried": 0, "accepted": 0, "false_accepts": 0, "valid_rejected": 0, "broken_tried": 0,
             "by_rule": {}}
    examples = []
    while stats["tried"] < steps:
        n = rng.randint(4, 6)
        g = random_dag(rng, n)
        positive = rng.random() < 0.7
        d = distribution(rng, g, positive)
        header = "variables %s\ngraph G: %s\n" % (", ".join(NAMES[:n]), graph_decl(g))
        for _ in range(10):
            if stats["tried"] >= steps:
                break
            kind = rng.choice(["dsep", "prob", "dsep_rule", "markov", "lemma1", "faithfulness"])
            holds_d = lambda t: dsep(g, *t)                    # noqa: E731
            holds_p = lambda t: ci_holds(d, *t)                # noqa: E731
            broken = rng.random() < 0.5
            valid_form = True
            if kind in ("dsep", "prob"):
                rule = rng.choice(sorted(RULES))
                holds = holds_d if kind == "dsep" else holds_p
                for _ in range(30):
                    X, Y, Z = random_triple(rng, NAMES[:n])
                    if not X or len(Y) < 2:
                        continue
                    Y, W = split(rng, Y)
                    prem, concl = RULES[rule](X, Y, W, Z)
                    if all(holds(p) for p in prem):
                        break
                else:
                    continue
                if broken:
                    concl = mutate(rng, concl, NAMES[:n])
                if broken and rng.random() < 0.3:
                    rule = rng.choice(sorted(RULES))          # a swapped rule
                    valid_form = False
                script = header + "".join("assume (p%d): %s\n" % (k, stmt(p, kind == "dsep")) for k, p in enumerate(prem))
                script += "have (c): %s by %s(%s)\n" % (stmt(concl, kind == "dsep"), rule,
                                                       ", ".join("p%d" % k for k in range(len(prem))))
                if len(prem) != (2 if rule in ("contraction", "intersection", "composition") else 1):
                    continue
                truth = holds(concl) if kind == "dsep" else holds_p(concl)
                applies = True
                if kind == "prob" and rule == "intersection" and not d["positive"]:
                    applies = False                      # claimed for positive distributions only
                if kind == "prob" and rule == "composition":
                    applies = False                      # claimed for Gaussian distributions only
            elif kind == "dsep_rule":
                rule = "d_separation"
                concl = random_triple(rng, NAMES[:n])
                script = header + "have (c): %s by d_separation(G)\n" % stmt(concl, True)
                truth, applies = holds_d(concl), True
            elif kind in ("markov", "faithfulness"):
                rule = kind
                for _ in range(30):
                    t = random_triple(rng, NAMES[:n])
                    if (holds_d if kind == "markov" else holds_p)(t):
                        break
                else:
                    continue
                concl = mutate(rng, t, NAMES[:n]) if broken else t
                if kind == "markov":
                    script = header + "have (p0): %s by d_separation(G)\nhave (c): %s by markov(p0)\n" % (stmt(t, True), stmt(concl, False))
                    truth, applies = holds_p(concl), True
                else:
                    script = header + "assume (f): faithfulness(G)\nassume (p0): %s\nhave (c): %s by faithfulness(p0, f)\n" % (stmt(t, False), stmt(concl, True))
                    # sound relative to faithfulness: judged only where P is faithful to G
                    truth, applies = holds_d(concl), faithful(d, g)
            else:   # Lemma 1 on a chained DAG A-B-C-D built from the first four names
                rule = "lemma1"
                blocks = [frozenset(NAMES[k]) for k in range(4)]
                cg = nx.DiGraph()
                cg.add_nodes_from(NAMES[:4])
                for k in range(3):
                    if rng.random() < 0.8:
                        cg.add_edge(*(NAMES[k], NAMES[k + 1])[:: rng.choice((1, -1))])
                if broken and rng.random() < 0.5:
                    cg.add_edge(*rng.sample(NAMES[:4], 2))       # possibly a non-chain edge
                A, B, C, D = blocks
                cyclic = not nx.is_directed_acyclic_graph(cg)
                if not cyclic and not dsep(cg, A, C, B):
                    continue
                concl = (A, C | D, B) if not broken else mutate(rng, (A, C | D, B), NAMES[:4])
                script = "variables A, B, C, D\ngraph G: %s\n" % graph_decl(cg)
                script += "have (p0): %s by d_separation(G)\nhave (c): %s by lemma1(p0)\n" % (stmt((A, C, B), True), stmt(concl, True))
                truth, applies = (False if cyclic else dsep(cg, *concl)), True   # nothing holds of a cyclic "DAG"
            stats["tried"] += 1
            stats["broken_tried"] += broken
            r = stats["by_rule"].setdefault(rule, [0, 0])
            r[0] += 1
            rep = check_text(script, "<campaign>")
            ok = rep.ok
            if ok:
                stats["accepted"] += 1
                r[1] += 1
                if applies and not truth:
                    stats["false_accepts"] += 1
                    examples.append(script)
            elif not broken and valid_form and applies and kind != "dsep_rule":
                stats["valid_rejected"] += 1
                if len(examples) < 20:
                    examples.append("VALID REJECTED:\n" + script + "\n".join(str(e) for e in rep.errors()))
    stats["examples"] = examples
    return stats


def main(argv) -> int:
    steps = int(argv[1]) if len(argv) > 1 else 2000
    seed = int(argv[2]) if len(argv) > 2 else 0
    s = campaign(steps, seed)
    print("steps tried: %d (broken: %d), accepted: %d, false accepts: %d, valid steps rejected: %d"
          % (s["tried"], s["broken_tried"], s["accepted"], s["false_accepts"], s["valid_rejected"]))
    print("per rule (tried, accepted): " + ", ".join("%s %d/%d" % (k, v[0], v[1]) for k, v in sorted(s["by_rule"].items())))
    for e in s["examples"][:10]:
        print("---\n" + e)
    return 1 if s["false_accepts"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
