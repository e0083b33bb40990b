"""Trusted graph rules over an abstract causal graph (soundness proofs: docs/graph_rules.md).

Each rule is a statement about every DAG (never about one figure): its graph premises are Facts,
its set conditions z3 obligations. A mixin of the Kernel: it uses the Kernel's helpers (_mint,
_check, _ci, _txt, sets). Where a z3 query is refuted or unknown while building a summary graph the
link concerned is simply kept, which can only make later checks fail, never succeed wrongly."""
from __future__ import annotations

from collections import deque

from ..graph_statements import Cut, Linked, ParentsIn, Summary, SummaryClaim, Vertices
from ..sets import ISingle, Obligation, VarSet, union_all
from ..statements import CI, Determines, NoEdge, Schema, Semantics
from .fact import Fact


def _single(s: VarSet, single_scalars=frozenset()) -> bool:
    """One vertex for sure: a family member F_i, or a scalar declared as one observable variable
    (a latent name such as Λ may stand for a set of latent vertices)."""
    if not s.scalars and len(s.fams) == 1 and isinstance(s.fams[0][1], ISingle):
        return True
    return not s.fams and len(s.scalars) == 1 and next(iter(s.scalars)) in single_scalars


class GraphRules:
    # -- small helpers ---------------------------------------------------------------------------
    def _g_err(self, msg, obs=()):
        from .rules import RuleError
        return RuleError(msg, obs)

    def _dsep_fact(self, f: Fact, rule: str, graph: str | None = None) -> CI:
        a = self._ci(f, rule)
        if f.semantics is None or f.semantics.kind != "dsep" or not a.dsep:
            raise self._g_err("%s: premise %s must be a d-separation (…)_d" % (rule, self._stmt(f)))
        if graph is not None and a.graph != graph:
            raise self._g_err("%s: premise %s is about %s, not %s" % (rule, self._stmt(f), a.graph, graph))
        return a

    def _stmt(self, f: Fact) -> str:
        from ..statements import statement_text
        return statement_text(f.statement, self.sets.decl)

    def _want(self, f: Fact, kind, rule: str, what: str):
        if not isinstance(f.statement, kind):
            raise self._g_err("%s: premise %s must be %s" % (rule, self._stmt(f), what))
        return f.statement

    def _graph_statement_semantics(self, obs, kind: str, body):
        """Well-formedness of an assumed graph statement; its semantics (about the graph)."""
        if isinstance(body, Summary):
            raise self._g_err("%s: a summary graph is derived by the summary rule, not assumed" % kind)
        if isinstance(body, Cut):
            for a, b, w in ((body.x, body.y, "the two ends"),):
                self._check(obs, kind, self.sets.disjoint(a, b, "%s of the cut are disjoint" % w),
                            "the two ends of a cut must be disjoint")
        return Semantics.d(body.graph)

    # -- link narrowing ----------------------------------------------------------------------------
    def link_narrowing(self, l: Fact, noedges: list[Fact], c: Linked) -> Fact:
        """Each of W is linked to V, and no vertex of W is linked to E_k (k = 1..m): then each vertex
        of W' ⊆ W is linked to V' whenever V ⊆ V' ∪ E_1 ∪ … ∪ E_m."""
        r = "link narrowing"
        a = self._want(l, Linked, r, "'each of … is linked to …'")
        if not isinstance(c, Linked):
            raise self._g_err("%s: the conclusion must be 'each of … is linked to …'" % r)
        obs: list = []
        if a.graph != c.graph:
            raise self._g_err("%s: premise and conclusion are about different graphs" % r)
        self._check(obs, r, self.sets.subset(c.x, a.x, "the conclusion's vertices are among the premise's"),
                    "the conclusion's left side %s must lie in the premise's %s" % (self._txt(c.x), self._txt(a.x)))
        excluded = VarSet()
        for f in noedges:
            e = self._want(f, NoEdge, r, "'no edge between … and …'")
            if e.directed or e.graph != c.graph:
                raise self._g_err("%s: %s must be an undirected 'no edge between' in %s" % (r, self._stmt(f), c.graph))
            o1 = self.sets.subset(c.x, e.x, "the vertices lie in the first side of %s" % self._stmt(f))
            if o1.result == "proved":
                obs.append(o1)
                excluded = excluded | e.y
                continue
            o2 = self.sets.subset(c.x, e.y, "the vertices lie in the second side of %s" % self._stmt(f))
            self._check(obs, r, o2, "%s lies on neither side of %s" % (self._txt(c.x), self._stmt(f)))
            excluded = excluded | e.x
        self._check(obs, r, self.sets.subset(a.y, c.y | excluded, "every possible partner is in V' or excluded"),
                    "the premise's partners %s are not covered by %s and the excluded sets %s"
                    % (self._txt(a.y), self._txt(c.y), self._txt(excluded)))
        return self._mint(c, r, [l] + list(noedges), self.semantics(r, list([l] + list(noedges)), c, kind="dsep", graph=c.graph), obs)

    # -- short active path -------------------------------------------------------------------------
    def short_path(self, p: Fact, l: Fact, c: NoEdge) -> Fact:
        """(U ⊥ V | Z)_d and each of W linked to V' ⊆ V, W ∩ Z = ∅: no edge from W to U (else
        u ← w – v would be an active path: w has an outgoing edge, so it is no collider)."""
        r = "short active path"
        a = self._dsep_fact(p, r)
        lk = self._want(l, Linked, r, "'each of … is linked to …'")
        if not isinstance(c, NoEdge) or not c.directed:
            raise self._g_err("%s: the conclusion must be 'no edge from … to …'" % r)
        if not (a.graph == lk.graph == c.graph):
            raise self._g_err("%s: the premises and the conclusion must be about the same graph" % r)
        obs: list = []
        self._check(obs, r, self.sets.subset(c.x, lk.x, "the edge sources are linked vertices"),
                    "the sources %s must lie in the linked set %s" % (self._txt(c.x), self._txt(lk.x)))
        fwd = [self.sets.subset(c.y, a.x, "the edge targets lie in U"), self.sets.subset(lk.y, a.y, "the link partners lie in V")]
        if all(o.result == "proved" for o in fwd):
            obs.extend(fwd)
        else:
            bwd = [self.sets.subset(c.y, a.y, "the edge targets lie in V"), self.sets.subset(lk.y, a.x, "the link partners lie in U")]
            if not all(o.result == "proved" for o in bwd):
                obs.extend(fwd + bwd)
                raise self._g_err("%s: the targets %s and the partners %s must lie on opposite sides of %s"
                                  % (r, self._txt(c.y), self._txt(lk.y), self._stmt(p)), obs)
            obs.extend(bwd)
        self._check(obs, r, self.sets.disjoint(c.x, a.z, "the sources are not conditioned on"),
                    "the sources %s must be outside the conditioning set %s" % (self._txt(c.x), self._txt(a.z)))
        return self._mint(c, r, [p, l], self.semantics(r, list([p, l]), c, kind="dsep", graph=c.graph), obs)

    # -- conditioning on an ancestral set (roots) --------------------------------------------------
    def condition_ancestral(self, p: Fact, parents: list[Fact], c: CI) -> Fact:
        """(X ⊥ Y | Z)_d and Pa(R) ⊆ R ∪ Z, R ∩ XY = ∅: (X ⊥ Y | ZR)_d. Roots (Pa(R) = ∅) are the
        special case 'conditioning on roots'."""
        a = self._dsep_fact(p, "conditioning on an ancestral set")
        pfs = [self._want(f, ParentsIn, "conditioning on an ancestral set", "'no parents of … (outside …)'") for f in parents]
        r = "conditioning on roots" if pfs and all(f.y.is_empty_syntactically() for f in pfs) else "conditioning on an ancestral set"
        if not isinstance(c, CI) or not c.dsep or c.graph != a.graph or any(f.graph != a.graph for f in pfs):
            raise self._g_err("%s: premises and conclusion must be d-separations in one graph" % r)
        if not pfs:
            raise self._g_err("%s: cite the facts 'no parents of R (outside …)' for the added set" % r)
        obs: list = []
        self._eq(obs, r, c.x, a.x, "X is unchanged", "the conclusion's X must be the premise's %s" % self._txt(a.x))
        self._eq(obs, r, c.y, a.y, "Y is unchanged", "the conclusion's Y must be the premise's %s" % self._txt(a.y))
        self._check(obs, r, self.sets.subset(a.z, c.z, "the conditioning set only grows"),
                    "the conclusion must condition on the premise's %s and more" % self._txt(a.z))
        added = c.z - a.z
        self._check(obs, r, self.sets.subset(added, union_all(f.x for f in pfs), "the added set R is covered by the parent facts"),
                    "the added set %s is not covered by the cited parent facts" % self._txt(added))
        for f in pfs:
            self._check(obs, r, self.sets.subset(f.y, c.z, "the allowed parents of %s are conditioned on" % self._txt(f.x)),
                        "parents of %s may lie in %s, which is not in the conditioning set %s"
                        % (self._txt(f.x), self._txt(f.y), self._txt(c.z)))
        self._well_formed(obs, r, c)
        return self._mint(c, r, [p] + list(parents), self.semantics(r, list([p] + list(parents)), c, kind="dsep", graph=c.graph), obs)

    # -- vertex cut (Lemma 1 generalised) ----------------------------------------------------------
    def vertex_cut(self, p: Fact, k: Fact, c: CI) -> Fact:
        """(X ⊥ S | Z)_d and every path from X to D meets S (some S'' ⊆ S): (X ⊥ SD | Z)_d."""
        r = "vertex cut"
        a = self._dsep_fact(p, r)
        cut = self._want(k, Cut, r, "'every path from … to … meets …'")
        if not isinstance(c, CI) or not c.dsep or not (c.graph == a.graph == cut.graph):
            raise self._g_err("%s: premises and conclusion must be about one graph, the conclusion a d-separation" % r)
        obs: list = []
        self._eq(obs, r, c.x, a.x, "X is unchanged", "the conclusion's X must be the premise's %s" % self._txt(a.x))
        self._eq(obs, r, c.z, a.z, "Z is unchanged", "the conclusion must condition on the premise's %s" % self._txt(a.z))
        self._check(obs, r, self.sets.subset(c.x, cut.x, "the paths start in the cut's first set"),
                    "X = %s must lie in the cut's first set %s" % (self._txt(c.x), self._txt(cut.x)))
        self._check(obs, r, self.sets.subset(cut.s, a.y, "the cut set lies in the premise's right side S"),
                    "the cut set %s must lie in the premise's right side %s" % (self._txt(cut.s), self._txt(a.y)))
        self._check(obs, r, self.sets.subset(c.y, a.y | cut.y, "the conclusion's right side lies in S ∪ D"),
                    "the conclusion's right side %s must lie in %s" % (self._txt(c.y), self._txt(a.y | cut.y)))
        self._well_formed(obs, r, c)
        return self._mint(c, r, [p, k], self.semantics(r, list([p, k]), c, kind="dsep", graph=c.graph), obs)

    # -- functional determination (c.i. level) -----------------------------------------------------
    def determination(self, p: Fact, d: Fact, c) -> Fact:
        """W a function of V: (X ⊥ Y | Z V W) ⇔ (X ⊥ Y | Z V). Valid in every distribution in which
        W is a function of V; the conclusion rests on the determination assumption."""
        r = "functional determination"
        det = self._want(d, Determines, r, "'… determines …'")
        if p.semantics is None or p.semantics.kind != "prob":
            raise self._g_err("%s: the premise must be a probabilistic c.i. (apply markov to a d-separation first)" % r)
        ps, cs = p.statement, c
        if isinstance(ps, Schema) or isinstance(cs, Schema):
            if not (isinstance(ps, Schema) and isinstance(cs, Schema) and ps.binders == cs.binders):
                raise self._g_err("%s: premise and conclusion must have the same quantifiers" % r)
            ps, cs = ps.body, cs.body
        if not isinstance(ps, CI) or not isinstance(cs, CI) or cs.dsep:
            raise self._g_err("%s: the conclusion must be a c.i. statement (no _d)" % r)
        obs: list = []
        self._eq(obs, r, cs.x, ps.x, "X is unchanged", "the conclusion's X must be the premise's %s" % self._txt(ps.x))
        self._eq(obs, r, cs.y, ps.y, "Y is unchanged", "the conclusion's Y must be the premise's %s" % self._txt(ps.y))
        drop = self.sets.subset(cs.z, ps.z, "the conclusion drops determined variables")
        if drop.result == "proved":
            small, big = cs.z, ps.z
        else:
            small, big = ps.z, cs.z
            self._check(obs, r, self.sets.subset(ps.z, cs.z, "the conclusion adds determined variables"),
                        "one conditioning set must contain the other")
        obs.append(drop) if drop.result == "proved" else None
        self._check(obs, r, self.sets.subset(big - small, det.target, "the dropped/added variables are determined"),
                    "%s is not among the determined variables %s" % (self._txt(big - small), self._txt(det.target)))
        self._check(obs, r, self.sets.subset(det.source, small, "the determining variables are conditioned on"),
                    "the determining variables %s must be in the conditioning set %s" % (self._txt(det.source), self._txt(small)))
        self._well_formed(obs, r, cs)
        return self._mint(c, r, [p, d], self.semantics(r, [p, d], c), obs)   # rests on the determination

    # -- summary graphs ----------------------------------------------------------------------------
    def summary(self, facts: list[Fact], c: SummaryClaim, chain=None, single_scalars=frozenset()) -> Fact:
        """The summary graph of c.graph on the set-nodes of the claim: a link is kept unless a cited
        fact excludes it. With `chain` (a chained graph's blocks, or a Chained fact) the set-nodes are
        the blocks and links join only a block to itself or to an adjacent block."""
        r = "summary graph"
        if not isinstance(c, SummaryClaim):
            raise self._g_err("%s: the conclusion must be 'summary of G on …'" % r)
        nodes = list(c.nodes)
        m = len(nodes)
        if m == 0 or m > 24:
            raise self._g_err("%s: a summary has 1 to 24 set-nodes" % r)
        obs: list = []
        for i in range(m):
            for j in range(i + 1, m):
                self._check(obs, r, self.sets.disjoint(nodes[i], nodes[j], "set-nodes %s and %s are disjoint" % (self._txt(nodes[i]), self._txt(nodes[j]))),
                            "set-nodes %s and %s may overlap" % (self._txt(nodes[i]), self._txt(nodes[j])))
        single = tuple(_single(n, single_scalars) for n in nodes)
        used: list[Fact] = []
        if chain is not None:
            blocks = chain
            if isinstance(chain, Fact):
                used.append(chain)
                blocks = chain.statement.blocks
            pos = []
            for n in nodes:
                hit = [b for b, blk in enumerate(blocks) if self.sets.equal(n, blk, "").result == "proved"]
                if not hit:
                    raise self._g_err("%s: set-node %s is not a block of the chain" % (r, self._txt(n)))
                pos.append(hit[0])
            if sorted(pos) != list(range(len(blocks))):
                raise self._g_err("%s: the set-nodes must be the chain's blocks, each once" % r)
            edges = {(i, j) for i in range(m) for j in range(m) if abs(pos[i] - pos[j]) <= 1 and not (i == j and single[i])}
            latent = {(i, j) for (i, j) in edges if i <= j}
            st = Summary(c.graph, tuple(nodes), single, frozenset(edges), frozenset(latent))
            return self._mint(st, r, used, self.semantics(r, list(used), c, kind="dsep", graph=c.graph), obs)
        verts = [f for f in facts if isinstance(f.statement, Vertices)]
        if len(verts) != 1:
            raise self._g_err("%s: cite exactly one fact 'every vertex of %s is in …'" % (r, c.graph))
        vf = verts[0]
        V = vf.statement
        if V.graph != c.graph:
            raise self._g_err("%s: %s is about another graph" % (r, self._stmt(vf)))
        used.append(vf)
        self._check(obs, r, self.sets.equal(union_all(nodes), V.named, "the set-nodes cover the named vertices"),
                    "the set-nodes must together be the named vertices %s" % self._txt(V.named))
        cache: dict = {}

        def rel(kind, i, s: VarSet):
            key = (kind, i, s)
            if key not in cache:
                n = nodes[i]
                meaning = "%s %s %s" % (self._txt(n), "⊆" if kind == "sub" else "is disjoint from", self._txt(s))
                if kind == "dis" and not (n.scalars & s.scalars) and not (n.family_names() & s.family_names()):
                    ob = Obligation(meaning, "proved", 0.0, "syntactic")     # no name in common
                elif kind == "sub" and n.family_names() - s.family_names():
                    ob = Obligation(meaning, "unknown", 0.0, "syntactic", "not tried: a family of the set-node is absent")
                else:
                    ob = (self.sets.subset if kind == "sub" else self.sets.disjoint)(n, s, meaning)
                cache[key] = ob
            return cache[key]

        def holds(kind, i, s, sink):
            ob = rel(kind, i, s)
            if ob.result == "proved":
                sink.append(ob)
                return True
            return False

        edges, latent = set(), set()
        for i in range(m):
            for j in range(m):
                if i == j and single[i]:
                    continue
                why = self._excluded_edge(i, j, facts, holds, c.graph)
                if why is None:
                    edges.add((i, j))
                else:
                    f, obl = why
                    obs.extend(obl)
                    if f not in used:
                        used.append(f)
        for i in range(m):
            for j in range(i, m):
                if i == j and single[i]:
                    continue
                why = self._excluded_latent(i, j, V, facts, holds, c.graph)
                if why is None:
                    latent.add((i, j))
                else:
                    f, obl = why
                    obs.extend(obl)
                    if f is not None and f not in used:
                        used.append(f)
        st = Summary(c.graph, tuple(nodes), single, frozenset(edges), frozenset(latent))
        return self._mint(st, r, used, self.semantics(r, list(used), c, kind="dsep", graph=c.graph), obs)

    @staticmethod
    def _pair_in(i, j, s, holds, symmetric: bool):
        """The obligations showing set-nodes i, j lie in the two sides of s (either way round if
        symmetric), or None."""
        obl: list = []
        if holds("sub", i, s.x, obl) and holds("sub", j, s.y, obl):
            return obl
        if symmetric:
            obl = []
            if holds("sub", i, s.y, obl) and holds("sub", j, s.x, obl):
                return obl
        return None

    def _excluded_edge(self, i, j, facts, holds, graph):
        for f in facts:
            s = f.statement
            if getattr(s, "graph", None) != graph:
                continue
            obl: list = []
            if isinstance(s, NoEdge):
                got = self._pair_in(i, j, s, holds, not s.directed)
                if got is not None:
                    return f, got
            elif isinstance(s, ParentsIn):
                if holds("sub", j, s.x, obl) and holds("dis", i, s.y, obl):
                    return f, obl
        return None

    def _excluded_latent(self, i, j, V: Vertices, facts, holds, graph):
        obl: list = []
        if V.left is None:
            return None, []        # no latent links at all (the Vertices fact is already cited)
        # a latent link has one child in `left` and one in `right`
        a = holds("dis", i, V.left, obl) or holds("dis", j, V.right, obl)
        b = holds("dis", i, V.right, obl) or holds("dis", j, V.left, obl)
        if a and b:
            return None, obl
        for f in facts:
            s = f.statement
            if getattr(s, "graph", None) != graph:
                continue
            obl = []
            if isinstance(s, NoEdge) and not s.directed:
                got = self._pair_in(i, j, s, holds, True)
                if got is not None:
                    return f, got
            elif isinstance(s, ParentsIn):
                # a latent link is an unnamed parent of both ends, never in the named set s.y
                if holds("sub", i, s.x, obl) or holds("sub", j, s.x, obl):
                    return f, obl
        return None

    def _summary_fact(self, s: Fact, rule: str) -> Summary:
        st = s.statement
        if not isinstance(st, Summary):
            raise self._g_err("%s: the first premise must be a summary graph (by summary(…))" % rule)
        return st

    def _classify(self, st: Summary, s: VarSet, what: str, rule: str, obs: list) -> frozenset:
        """The set-nodes inside s; every set-node must be inside s or disjoint from it."""
        inside = set()
        for i, n in enumerate(st.nodes):
            if not (n.scalars & s.scalars) and not (n.family_names() & s.family_names()):
                obs.append(Obligation("%s is disjoint from %s" % (self._txt(n), self._txt(s)), "proved", 0.0, "syntactic"))
                continue
            o = self.sets.subset(n, s, "%s ⊆ %s" % (self._txt(n), self._txt(s)))
            if o.result == "proved":
                obs.append(o)
                inside.add(i)
                continue
            o2 = self.sets.disjoint(n, s, "%s is disjoint from %s" % (self._txt(n), self._txt(s)))
            if o2.result != "proved":
                raise self._g_err("%s: %s %s is not a union of set-nodes: %s is neither inside it nor disjoint from it"
                                  % (rule, what, self._txt(s), self._txt(n)), obs + [o2])
            obs.append(o2)
        self._check(obs, rule, self.sets.subset(s, union_all(st.nodes), "%s lies in the set-nodes" % self._txt(s)),
                    "%s %s is not covered by the set-nodes" % (what, self._txt(s)))
        return frozenset(inside)

    def type_bayes_ball(self, s: Fact, premises: list[Fact], c: CI) -> Fact:
        """(X ⊥ Y | Z)_d in every graph mapping onto the summary, when no walk of the summary from X
        to Y is active given Z; a walk is discarded when a segment of it would be a path active
        given R between P and Q for a cited (P ⊥ Q | R)_d."""
        r = "type-level Bayes ball"
        st = self._summary_fact(s, r)
        if not isinstance(c, CI) or not c.dsep or c.graph != st.graph:
            raise self._g_err("%s: the conclusion must be a d-separation in %s" % (r, st.graph))
        obs: list = []
        self._well_formed(obs, r, c)
        X = self._classify(st, c.x, "X", r, obs)
        Y = self._classify(st, c.y, "Y", r, obs)
        Z = self._classify(st, c.z, "Z", r, obs)
        prem = []
        for f in premises:
            a = self._dsep_fact(f, r, st.graph)
            P = self._classify(st, a.x, "a premise's X", r, obs)
            Q = self._classify(st, a.y, "a premise's Y", r, obs)
            R = self._classify(st, a.z, "a premise's Z", r, obs)
            if P & Q or P & R or Q & R:
                raise self._g_err("%s: premise %s has overlapping sides" % (r, self._stmt(f)))
            prem.append((P, Q, R))
        walk = summary_active_walk(st, X, Y, Z, prem)
        if walk is not None:
            names = [self._txt(st.nodes[k]) for k in walk]
            raise self._g_err("%s: the summary graph has a walk from %s to %s that is active given %s and not "
                              "excluded by the cited d-separations: %s (this does not refute the claim: the "
                              "summary over-approximates the graph)" % (r, self._txt(c.x), self._txt(c.y),
                                                                        self._txt(c.z), " – ".join(names)), obs)
        return self._mint(c, r, [s] + list(premises), self.semantics(r, list([s] + list(premises)), c, kind="dsep", graph=c.graph), obs)

    def summary_parents(self, s: Fact, c: ParentsIn) -> Fact:
        """No parents of S outside T when no summary link enters a set-node of S from a set-node
        outside T, and no latent link touches S (a latent link is an unnamed parent, never in T)."""
        r = "parents in the summary graph"
        st = self._summary_fact(s, r)
        if not isinstance(c, ParentsIn) or c.graph != st.graph:
            raise self._g_err("%s: the conclusion must be 'no parents of … (outside …)' in %s" % (r, st.graph))
        obs: list = []
        S = self._classify(st, c.x, "the set", r, obs)
        T = self._classify(st, c.y, "the allowed parents", r, obs)
        for (a, b) in sorted(st.edges):
            if b in S and a not in T:
                raise self._g_err("%s: the summary allows an edge from %s into %s" % (
                    r, self._txt(st.nodes[a]), self._txt(st.nodes[b])), obs)
        for (a, b) in sorted(st.latent):
            if a in S or b in S:
                raise self._g_err("%s: the summary allows a latent link between %s and %s" % (
                    r, self._txt(st.nodes[a]), self._txt(st.nodes[b])), obs)
        return self._mint(c, r, [s], self.semantics(r, list([s]), c, kind="dsep", graph=c.graph), obs)

    def path_cut(self, s: Fact, c: Cut) -> Fact:
        """Every path from X to Y meets S when, in the summary, the set-nodes inside S separate those
        of X from those of Y (links taken in both directions, latent links included)."""
        r = "path cut"
        st = self._summary_fact(s, r)
        if not isinstance(c, Cut) or c.graph != st.graph:
            raise self._g_err("%s: the conclusion must be 'every path from … to … meets …' in %s" % (r, st.graph))
        obs: list = []
        self._check(obs, r, self.sets.disjoint(c.x, c.y, "the two ends are disjoint"), "the two ends of a cut must be disjoint")
        X = self._classify(st, c.x, "the first set", r, obs)
        Y = self._classify(st, c.y, "the second set", r, obs)
        S = self._classify(st, c.s, "the cut set", r, obs)
        path = summary_path_avoiding(st, X, Y, S)
        if path is not None:
            raise self._g_err("%s: the summary joins %s to %s avoiding %s: %s" % (
                r, self._txt(c.x), self._txt(c.y), self._txt(c.s), " – ".join(self._txt(st.nodes[k]) for k in path)), obs)
        return self._mint(c, r, [s], self.semantics(r, list([s]), c, kind="dsep", graph=c.graph), obs)


# -- the searches (pure functions of the summary; shared by nothing outside the kernel) -------------
def _moves(st: Summary, t: int):
    """(next set-node, mark at t, mark at next): 'tail' or 'head'."""
    m = len(st.nodes)
    for u in range(m):
        if (t, u) in st.edges:
            yield u, "tail", "head"
        if (u, t) in st.edges:
            yield u, "head", "tail"
        if (min(t, u), max(t, u)) in st.latent:
            yield u, "head", "head"


def summary_ancestors(st: Summary, Z) -> set:
    anc = set(Z)
    changed = True
    while changed:
        changed = False
        for (a, b) in st.edges:
            if b in anc and a not in anc:
                anc.add(a)
                changed = True
    return anc


def summary_active_walk(st: Summary, X, Y, Z, prem) -> list | None:
    """A walk from X to Y active given Z (colliders possibly ancestors of Z, non-colliders outside Z)
    that no premise excludes, or None. States: (set-node, mark of arrival, premise flags)."""
    anc = summary_ancestors(st, Z)
    start = []
    for x in X:
        flags = tuple((x in P, x in Q) for P, Q, R in prem)
        start.append((x, None, flags))
    parent = {s: None for s in start}
    todo = deque(start)
    while todo:
        state = todo.popleft()
        t, arr, flags = state
        for u, mark_t, mark_u in _moves(st, t):
            if arr is None:
                nf = tuple((t in P, t in Q) for P, Q, R in prem)
            else:
                collider = arr == "head" and mark_t == "head"
                if collider and t not in anc:
                    continue
                if not collider and t in Z:
                    continue
                nf = []
                for (P, Q, R), (fp, fq) in zip(prem, flags):
                    ok = (t in R) if collider else (t not in R)
                    nf.append(((fp and ok) or t in P, (fq and ok) or t in Q))
                nf = tuple(nf)
            if any((fp and u in Q) or (fq and u in P) for (P, Q, R), (fp, fq) in zip(prem, nf)):
                continue
            ns = (u, mark_u, nf)
            if ns in parent:
                continue
            parent[ns] = state
            if u in Y:
                walk, cur = [], ns
                while cur is not None:
                    walk.append(cur[0])
                    cur = parent[cur]
                return walk[::-1]
            todo.append(ns)
    return None


def summary_path_avoiding(st: Summary, X, Y, S) -> list | None:
    seen = {x: None for x in X if x not in S}
    todo = deque(seen)
    while todo:
        t = todo.popleft()
        for u, _a, _b in _moves(st, t):
            if u in S or u in seen:
                continue
            seen[u] = t
            if u in Y:
                out = [u]
                while seen[out[-1]] is not None:
                    out.append(seen[out[-1]])
                return out[::-1]
            todo.append(u)
    return None
