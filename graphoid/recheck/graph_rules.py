"""Rechecker rules for the graph rules (docs/graph_rules.md), written apart from the kernel's
(kernel/graph_rules.py): standard library and the rechecker's own set theory only. Each function
re-derives one step from the certificate's statements; Reject unless it is re-derived.

A summary graph is re-checked by asking, for every link it leaves out, for a cited premise that
excludes it; links it keeps need nothing (a larger summary only accepts fewer d-separations)."""
from __future__ import annotations

from .checker import Reject, need, sem, union


def _names(s):
    return {e if isinstance(e, str) else ("family", e.get("family")) for e in s}


def _try(ctx, rel, a, b) -> bool:
    # without z3: sets with no name in common are disjoint; a set-node with a family the other set
    # lacks is not taken to be a subset of it (not proving an exclusion can only reject)
    if rel == "disjoint" and not (_names(a) & _names(b)):
        return True
    if rel == "subset" and {x for x in _names(a) if isinstance(x, tuple)} - _names(b):
        return False
    try:
        ctx.th.relation(rel, a, b, rel)
        return True
    except Reject:
        return False


def _dsep(P_k, graph=None):
    st, sm, _ = P_k
    need(st.get("type") == "ci" and st.get("dsep") and sm and sm.get("kind") == "dsep", "premise must be a d-separation")
    need(graph is None or st.get("graph") == graph, "premise is about another graph")
    return st


def _typed(P_k, t):
    need(P_k[0].get("type") == t, "premise must be a %s statement" % t)
    return P_k[0]


# -- rules on sets ---------------------------------------------------------------------------------
def link_narrowing(ctx, st, P):
    need(st.get("type") == "linked", "conclusion must be 'each of … is linked to …'")
    lk = [p for p in P if p[0].get("type") == "linked"]
    need(len(lk) == 1, "exactly one linked premise")
    a = lk[0][0]
    need(a["graph"] == st["graph"], "same graph")
    ctx.th.relation("subset", st["x"], a["x"], "W' ⊆ W")
    cover = list(st["y"])
    for p in P:
        e = p[0]
        if e is a:
            continue
        need(e.get("type") == "noedge" and not e.get("directed") and e["graph"] == st["graph"], "undirected no-edge premises")
        if _try(ctx, "subset", st["x"], e["x"]):
            cover = union(cover, e["y"])
        else:
            ctx.th.relation("subset", st["x"], e["y"], "W' on one side of a no-edge premise")
            cover = union(cover, e["x"])
    ctx.th.relation("subset", a["y"], cover, "partners covered")
    return sem("dsep", st["graph"])


def short_path(ctx, st, P):
    need(st.get("type") == "noedge" and st.get("directed"), "conclusion must be 'no edge from … to …'")
    d = [p for p in P if p[0].get("type") == "ci"]
    lk = [p for p in P if p[0].get("type") == "linked"]
    need(len(d) == 1 and len(lk) == 1, "a d-separation and a linked fact")
    a, l = _dsep(d[0], st["graph"]), lk[0][0]
    need(l["graph"] == st["graph"], "same graph")
    ctx.th.relation("subset", st["x"], l["x"], "sources are linked vertices")
    if not (_try(ctx, "subset", st["y"], a["x"]) and _try(ctx, "subset", l["y"], a["y"])):
        ctx.th.relation("subset", st["y"], a["y"], "targets on one side")
        ctx.th.relation("subset", l["y"], a["x"], "partners on the other")
    ctx.th.relation("disjoint", st["x"], a["z"], "sources not conditioned on")
    return sem("dsep", st["graph"])


def ancestral(ctx, st, P):
    a = _dsep(P[0])
    need(st.get("type") == "ci" and st.get("dsep") and st["graph"] == a["graph"], "conclusion is a d-separation in the same graph")
    pf = [_typed(p, "parents") for p in P[1:]]
    need(pf and all(f["graph"] == a["graph"] for f in pf), "parent facts about the same graph")
    ctx.eq(st["x"], a["x"], "X unchanged")
    ctx.eq(st["y"], a["y"], "Y unchanged")
    ctx.th.relation("subset", a["z"], st["z"], "Z grows")
    cover = []
    for f in pf:
        cover = union(cover, f["x"])
        ctx.th.relation("subset", f["y"], st["z"], "allowed parents are conditioned on")
    # the added set R = Z' \ Z lies in the covered vertices: Z' ⊆ Z ∪ cover
    ctx.th.relation("subset", st["z"], union(a["z"], cover), "added set covered by parent facts")
    return sem("dsep", st["graph"])


def _ancestral_named(ctx, st, P, roots: bool):
    """The kernel names the rule 'conditioning on roots' exactly when every parent fact allows none."""
    need(all(p[0].get("type") == "parents" for p in P[1:]), "parent facts")
    need(roots == all(not p[0]["y"] for p in P[1:]), "the rule's name does not match its parent facts")
    return ancestral(ctx, st, P)


def vertex_cut(ctx, st, P):
    d = [p for p in P if p[0].get("type") == "ci"]
    k = [p for p in P if p[0].get("type") == "cut"]
    need(len(d) == 1 and len(k) == 1, "a d-separation and a cut")
    a, cut = _dsep(d[0]), k[0][0]
    need(st.get("type") == "ci" and st.get("dsep") and st["graph"] == a["graph"] == cut["graph"], "one graph")
    ctx.eq(st["x"], a["x"], "X unchanged")
    ctx.eq(st["z"], a["z"], "Z unchanged")
    ctx.th.relation("subset", st["x"], cut["x"], "X in the cut's start")
    ctx.th.relation("subset", cut["s"], a["y"], "cut set in S")
    ctx.th.relation("subset", st["y"], union(a["y"], cut["y"]), "Y ⊆ S ∪ D")
    return sem("dsep", st["graph"])


def determination(ctx, st, P):
    d = [p for p in P if p[0].get("type") == "determines"]
    c = [p for p in P if p[0].get("type") != "determines"]
    need(len(d) == 1 and len(c) == 1, "a c.i. and a determination")
    det, (ps, psem, _) = d[0][0], c[0]
    need(psem and psem["kind"] == "prob", "premise is probabilistic")
    binders = []
    if ps.get("type") == "schema" or st.get("type") == "schema":
        need(ps.get("type") == st.get("type") == "schema" and ps["binders"] == st["binders"], "same quantifiers")
        binders, ps, cs = ps["binders"], ps["body"], st["body"]
    else:
        cs = st
    need(ps.get("type") == "ci" and cs.get("type") == "ci" and not cs["dsep"], "c.i. statements")
    for key in "xy":
        ctx.th.relation("equal", cs[key], ps[key], "%s unchanged" % key, binders)
    try:
        ctx.th.relation("subset", cs["z"], ps["z"], "drops", binders)
        small, big = cs["z"], ps["z"]
    except Reject:
        ctx.th.relation("subset", ps["z"], cs["z"], "adds", binders)
        small, big = ps["z"], cs["z"]
    ctx.th.relation("subset", big, union(small, det["target"]), "difference is determined", binders)
    ctx.th.relation("subset", det["source"], small, "source conditioned on", binders)
    return dict(psem, determinism=True)      # the conclusion rests on the determination


# -- summary graphs ----------------------------------------------------------------------------------
def _single(ctx, node) -> bool:
    observed = set(ctx.f.get("declarations", {}).get("variables", []))
    if len(node) != 1:
        return False
    e = node[0]
    if isinstance(e, str):
        return e in observed
    return isinstance(e.get("index"), dict) and "single" in e["index"]


def summary(ctx, st, P):
    need(st.get("type") == "summary", "conclusion must be a summary graph")
    nodes, single = st["nodes"], st["single"]
    m = len(nodes)
    need(len(single) == m and 1 <= m <= 24, "malformed summary")
    E = {tuple(e) for e in st["edges"]}
    L = {tuple(e) for e in st["latent"]}
    for i in range(m):
        need(not single[i] or _single(ctx, nodes[i]), "set-node %d is not a single vertex" % i)
        for j in range(i + 1, m):
            ctx.th.relation("disjoint", nodes[i], nodes[j], "set-nodes disjoint")
    graph = st["graph"]
    if not P or (len(P) == 1 and P[0][0].get("type") == "chained"):
        if P:
            blocks = P[0][0]["blocks"]
            need(P[0][0]["graph"] == graph, "chain about this graph")
        else:
            g = ctx.graph(graph, "chain")
            blocks = [list(b) for b in g["blocks"]]
        where = []
        for n in nodes:
            hit = [b for b, blk in enumerate(blocks) if _try(ctx, "equal", n, blk)]
            need(hit, "a set-node is not a chain block")
            where.append(hit[0])
        need(sorted(where) == list(range(len(blocks))), "the set-nodes are the blocks, once each")
        for i in range(m):
            for j in range(m):
                if abs(where[i] - where[j]) <= 1 and not (i == j and single[i]):
                    need((i, j) in E, "a link between adjacent blocks is missing")
                    if i <= j:
                        need((i, j) in L, "a latent link between adjacent blocks is missing")
        return sem("dsep", graph)
    V = [p[0] for p in P if p[0].get("type") == "vertices"]
    need(len(V) == 1, "one vertices premise")
    V = V[0]
    need(V["graph"] == graph, "vertices of this graph")
    cover = []
    for n in nodes:
        cover = union(cover, n)
    ctx.th.relation("equal", cover, V["named"], "set-nodes cover the named vertices")
    facts = [p[0] for p in P if p[0] is not V]
    for f in facts:
        need(f.get("type") in ("noedge", "parents") and f.get("graph") == graph, "exclusions are no-edge or parent facts")
    memo = {}

    def sub(i, s):
        key = ("s", i, repr(s))
        if key not in memo:
            memo[key] = _try(ctx, "subset", nodes[i], s)
        return memo[key]

    def dis(i, s):
        key = ("d", i, repr(s))
        if key not in memo:
            memo[key] = _try(ctx, "disjoint", nodes[i], s)
        return memo[key]

    for i in range(m):
        for j in range(m):
            if (i, j) in E or (i == j and single[i]):
                continue
            ok = False
            for f in facts:
                if f["type"] == "noedge":
                    ok = (sub(i, f["x"]) and sub(j, f["y"])) or (not f["directed"] and sub(i, f["y"]) and sub(j, f["x"]))
                else:
                    ok = sub(j, f["x"]) and dis(i, f["y"])
                if ok:
                    break
            need(ok, "no premise excludes the edge from set-node %d to %d" % (i, j))
    for i in range(m):
        for j in range(i, m):
            if (i, j) in L or (i == j and single[i]):
                continue
            if V.get("left") is None:
                continue
            if (dis(i, V["left"]) or dis(j, V["right"])) and (dis(i, V["right"]) or dis(j, V["left"])):
                continue
            ok = False
            for f in facts:
                if f["type"] == "noedge" and not f["directed"]:
                    ok = (sub(i, f["x"]) and sub(j, f["y"])) or (sub(i, f["y"]) and sub(j, f["x"]))
                elif f["type"] == "parents":
                    ok = sub(i, f["x"]) or sub(j, f["x"])
                if ok:
                    break
            need(ok, "no premise excludes a latent link between set-nodes %d and %d" % (i, j))
    return sem("dsep", graph)


def _inside(ctx, nodes, s):
    out = set()
    for i, n in enumerate(nodes):
        if _try(ctx, "subset", n, s):
            out.add(i)
        else:
            need(_try(ctx, "disjoint", n, s), "a set-node is neither inside nor outside a set")
    cover = []
    for n in nodes:
        cover = union(cover, n)
    ctx.th.relation("subset", s, cover, "covered by set-nodes")
    return out


def _neighbours(E, L, m, t):
    """(u, end mark at t, end mark at u), True = arrowhead."""
    for u in range(m):
        if (t, u) in E:
            yield u, False, True
        if (u, t) in E:
            yield u, True, False
        if (min(t, u), max(t, u)) in L:
            yield u, True, True


def bayes_ball(ctx, st, P):
    S = P[0][0]
    need(S.get("type") == "summary", "first premise is a summary graph")
    need(st.get("type") == "ci" and st.get("dsep") and st["graph"] == S["graph"], "a d-separation in the summary's graph")
    nodes, m = S["nodes"], len(S["nodes"])
    E = {tuple(e) for e in S["edges"]}
    L = {tuple(e) for e in S["latent"]}
    for a, b in (("x", "y"), ("x", "z"), ("y", "z")):
        ctx.th.relation("disjoint", st[a], st[b], "claim well formed")
    X, Y, Z = (_inside(ctx, nodes, st[k]) for k in "xyz")
    prem = []
    for p in P[1:]:
        a = _dsep(p, S["graph"])
        trip = tuple(_inside(ctx, nodes, a[k]) for k in "xyz")
        need(not (trip[0] & trip[1] or trip[0] & trip[2] or trip[1] & trip[2]), "premise well formed")
        prem.append(trip)
    # possible ancestors of Z: least fixpoint
    anc = set(Z)
    while True:
        more = {a for (a, b) in E if b in anc} - anc
        if not more:
            break
        anc |= more
    # states: (node, arrived with arrowhead?, flags); flags[k] = (open stretch from P_k, from Q_k)
    frontier, seen = [], set()
    for x in X:
        st0 = (x, None, tuple((x in p[0], x in p[1]) for p in prem))
        frontier.append(st0)
        seen.add(st0)
    while frontier:
        t, head_in, flags = frontier.pop()
        for u, head_t, head_u in _neighbours(E, L, m, t):
            if head_in is None:
                nf = tuple((t in p[0], t in p[1]) for p in prem)
            else:
                coll = head_in and head_t
                if (coll and t not in anc) or (not coll and t in Z):
                    continue
                nf = tuple(((fp and ((t in p[2]) == coll)) or t in p[0], (fq and ((t in p[2]) == coll)) or t in p[1])
                           for p, (fp, fq) in zip(prem, flags))
            if any((fp and u in p[1]) or (fq and u in p[0]) for p, (fp, fq) in zip(prem, nf)):
                continue
            need(u not in Y, "the summary has an active walk to Y")
            s2 = (u, head_u, nf)
            if s2 not in seen:
                seen.add(s2)
                frontier.append(s2)
    return sem("dsep", st["graph"])


def summary_parents(ctx, st, P):
    S = P[0][0]
    need(S.get("type") == "summary" and st.get("type") == "parents" and st["graph"] == S["graph"], "parents from a summary")
    inside, allowed = _inside(ctx, S["nodes"], st["x"]), _inside(ctx, S["nodes"], st["y"])
    need(all(b not in inside or a in allowed for a, b in S["edges"]), "an edge may enter the set from outside")
    need(all(a not in inside and b not in inside for a, b in S["latent"]), "a latent link may touch the set")
    return sem("dsep", st["graph"])


def path_cut(ctx, st, P):
    S = P[0][0]
    need(S.get("type") == "summary" and st.get("type") == "cut" and st["graph"] == S["graph"], "a cut from a summary")
    nodes, m = S["nodes"], len(S["nodes"])
    E = {tuple(e) for e in S["edges"]}
    L = {tuple(e) for e in S["latent"]}
    ctx.th.relation("disjoint", st["x"], st["y"], "ends disjoint")
    X, Y, C = (_inside(ctx, nodes, st[k]) for k in ("x", "y", "s"))
    reach = {x for x in X if x not in C}
    todo = list(reach)
    while todo:
        t = todo.pop()
        for u, _, _ in _neighbours(E, L, m, t):
            if u not in C and u not in reach:
                need(u not in Y, "the summary joins the two ends avoiding the cut")
                reach.add(u)
                todo.append(u)
    return sem("dsep", st["graph"])


GRAPH_RULES = {
    "link narrowing": ((1, 2, 3, 4, 5, 6, 7, 8), link_narrowing), "short active path": ((2,), short_path),
    "conditioning on roots": (tuple(range(2, 12)), lambda ctx, st, P: _ancestral_named(ctx, st, P, True)),
    "conditioning on an ancestral set": (tuple(range(2, 12)), lambda ctx, st, P: _ancestral_named(ctx, st, P, False)),
    "vertex cut": ((2,), vertex_cut), "functional determination": ((2,), determination),
    "summary graph": (tuple(range(0, 40)), summary), "type-level Bayes ball": (tuple(range(1, 12)), bayes_ball),
    "path cut": ((1,), path_cut), "parents in the summary graph": ((1,), summary_parents),
}
GRAPH_TYPES = ("linked", "parents", "vertices", "cut", "summary")
