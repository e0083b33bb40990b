"""The rules of the trusted kernel: graphoid axioms (2)-(6), composition and weak transitivity by
cases, d-separation read off a DAG, non-adjacency, Markov, faithfulness, schema instantiation and
generalisation; the one semantics function every rule uses. The graph rules (graph_rules.py), the
probability calculus (probability.py), d-connection (dconnection.py) and the declarations
(context.py) are mixed into the same Kernel.

Each rule takes premise Facts and the statement the user claims, checks every side condition
(recording it as an Obligation) and returns a new Fact, or raises RuleError saying which condition
failed and how."""
from __future__ import annotations

import time

import networkx as nx

from ..graphs.dag import DAG
from ..sets import Obligation, SetTheory, VarSet, index_vars
from ..statements import (CI, Chained, Determines, NoEdge, Positive, Principle, Schema, Semantics, index_terms,
                          instantiate_ci, set_text, statement_text)
from . import registry
from .context import Context, ContextError, Declarations
from .dconnection import DConnectionRules
from .fact import _MINT, Fact
from .graph_rules import GraphRules
from .probability import ProbabilityRules
from ..graph_statements import GRAPH_STATEMENTS
from .placeholders import placeholders

# Rule display names (as the methods below name themselves in messages) -> stable ids.
_ID = {spec.display: spec.id for spec in registry.RULES.values()}
_ID.update({"assumption": "assumption", "graph hypothesis": "hypothesis", "case": "case"})


class RuleError(Exception):
    """A rule was applied where it does not apply. `.obligations` holds what was decided."""

    def __init__(self, message: str, obligations=()):
        super().__init__(message)
        self.obligations = tuple(obligations)


class Kernel(Declarations, DConnectionRules, GraphRules, ProbabilityRules):
    """Owns the context (every declaration, append-only; see context.py) and the set theory that
    side conditions use. Every Fact it mints records the context it was checked in."""

    def __init__(self, ctx: "Context | SetTheory | None" = None):
        if isinstance(ctx, SetTheory):      # a bare set theory (tests, search): wrap it
            c = Context()
            c.decl = ctx.decl
            c.scalars.update({n: False for n in ctx.decl.scalar_names})
            ctx = c
        self.ctx = ctx if ctx is not None else Context()
        self.sets = SetTheory(self.ctx.decl)

    @classmethod
    def for_graphs(cls, *graphs) -> "Kernel":
        """A kernel whose context declares these concrete graphs and their vertices (for tools that
        decide questions about a graph given as data: prove --graph, graph queries)."""
        k = cls()
        seen: dict[str, bool] = {}
        for g in graphs:
            for v in g.nodes:
                lat = v in getattr(g, "latent", ())
                if v in seen and seen[v] != lat:
                    raise ContextError("%s is latent in one graph and observed in another" % v)
                seen[v] = lat
        for lat in (False, True):
            names = [(v, 0, 0) for v, l in seen.items() if l == lat]
            if names:
                k.declare_variables(names, lat, 0)
        for g in graphs:
            k.declare_graph(g.name, g, 0)
        return k

    # -- helpers -------------------------------------------------------------------------------
    def _bound(self, statement):
        """Context manager: inside a schema's body, its binders are arbitrary declared names."""
        import contextlib

        @contextlib.contextmanager
        def cm():
            saved = self.sets
            if isinstance(statement, Schema):
                self.sets = saved.with_binders(statement.binders)
            try:
                yield
            finally:
                self.sets = saved
        return cm()
    def _err(self, message: str, obligations=()) -> "RuleError":
        return RuleError(message, obligations)

    def _txt(self, s: VarSet) -> str:
        return set_text(s, self.sets.decl, braces=True)

    def _check(self, obs: list, rule: str, ob: Obligation, failure: str):
        obs.append(ob)
        if ob.result == "proved":
            return
        if ob.result == "unknown":
            raise RuleError("%s: could not decide that %s (%s); the step is not verified"
                            % (rule, ob.meaning, ob.detail or "solver gave up"), obs)
        raise RuleError("%s: %s" % (rule, placeholders(self.sets.decl, rule, failure)), obs)

    def _eq(self, obs, rule, a, b, meaning, failure):
        self._check(obs, rule, self.sets.equal(a, b, meaning), failure)

    def _well_formed(self, obs, rule, c: CI, what="the conclusion"):
        for (p, q, n1, n2) in ((c.x, c.y, "X", "Y"), (c.x, c.z, "X", "Z"), (c.y, c.z, "Y", "Z")):
            ob = self.sets.disjoint(p, q, "%s and %s of %s are disjoint" % (n1, n2, what))
            self._check(obs, rule, ob, "the sets of %s must be disjoint: %s = %s and %s = %s overlap"
                        % (what, n1, self._txt(p), n2, self._txt(q)))

    def _ci(self, f: Fact, rule: str) -> CI:
        if isinstance(f.statement, Schema):
            raise RuleError("%s: premise %s is a schema; instantiate it first" % (rule, statement_text(f.statement, self.sets.decl)))
        if not isinstance(f.statement, CI):
            raise RuleError("%s: premise %s is not a c.i. statement" % (rule, statement_text(f.statement, self.sets.decl)))
        return f.statement

    def _claim_ci(self, c, rule: str) -> CI:
        if not isinstance(c, CI):
            raise RuleError("%s: the conclusion must be a c.i. statement (X ⊥⊥ Y | Z)" % rule)
        return c

    def semantics(self, rule: str, premises: list[Fact], c, *, positive: bool = False, gaussian: bool = False,
                  kind: str | None = None, graph: str | None = None) -> Semantics:
        """THE semantics function: what a conclusion holds in, from its premises, for every rule.

        Premises about different graphs are refused. A d-separation conclusion needs d-separation
        premises in its graph; a probabilistic one inherits every restriction of its premises
        (strictly positive, Gaussian, compatible with a graph, resting on an assumed determination)
        plus the rule's own (`positive` for intersection, `gaussian` for composition). `kind` and
        `graph` override the premises' kind for rules that cross over (Markov: d-separation in G →
        distributions compatible with G; faithfulness: c.i. → d-separation)."""
        sems = [p.semantics for p in premises if p.semantics is not None]
        determined = any(isinstance(p.statement, Determines) for p in premises) or any(s.determinism for s in sems)
        graphs = {s.graph for s in sems if s.graph}
        if graph:
            graphs.add(graph)
        if len(graphs) > 1:
            raise RuleError("%s: the premises are about different graphs (%s)" % (rule, ", ".join(sorted(graphs))))
        g = graphs.pop() if graphs else None
        kinds = {s.kind for s in sems}
        if kind is None:
            if len(kinds) > 1:
                raise RuleError("%s: the premises mix d-separation and probabilistic statements; "
                                "apply markov to the d-separation first" % rule)
            kind = kinds.pop() if kinds else "prob"
        body = c.body if isinstance(c, Schema) else c
        is_dsep = getattr(body, "dsep", None)
        if kind == "dsep":
            if isinstance(body, CI) and (not body.dsep or body.graph != g):
                raise RuleError("%s: the premises are d-separations in %s, so the conclusion must be "
                                "written (…)_d in %s" % (rule, g, g))
            if isinstance(body, NoEdge) and body.graph != g:
                raise RuleError("%s: the premises are about %s; the conclusion is about %s" % (rule, g, body.graph))
            if determined or any(s.positive or s.gaussian for s in sems):
                raise RuleError("%s: a d-separation cannot rest on a restricted class of distributions" % rule)
            return Semantics.d(g)
        if is_dsep:
            raise RuleError("%s: the premises are probabilistic c.i. statements, so the conclusion "
                            "cannot be a d-separation (drop the _d)" % rule)
        return Semantics.prob(positive or any(s.positive for s in sems), g,
                              gaussian or any(s.gaussian for s in sems), determined)

    def _combine(self, rule: str, premises: list[Fact], c, positive: bool = False, gaussian: bool = False) -> Semantics:
        return self.semantics(rule, premises, c, positive=positive, gaussian=gaussian)

    def _mint(self, statement, rule, premises, semantics, obs, kind="derived", note="", discharged=frozenset(),
              args=()) -> Fact:
        for p in premises:
            if not isinstance(p, Fact):
                raise RuleError("%s: a premise is not a fact" % rule)
            pc = p.context
            if pc is not None and not self.ctx.has_prefix(pc[0], pc[1]):
                raise RuleError("%s: a premise was checked in another context" % rule)
        rid = _ID.get(rule, rule)
        return Fact(_MINT, statement, rid, tuple(premises), semantics, tuple(obs), kind, note, discharged,
                    (self.ctx, self.ctx.size), args)

    # -- assumptions ---------------------------------------------------------------------------
    def _assume_unbound(self, statement, note: str = "", kind: str = "assumption", premises=()) -> Fact:
        """Take a statement as given. It is counted and shown as assumed (or, for kind 'hypothesis',
        as a graph hypothesis), never as verified. A hypothesis may cite the facts it is argued from;
        they are recorded so that what it rests on stays visible."""
        if kind not in ("assumption", "hypothesis"):
            raise RuleError("assume: unknown kind %r" % kind)
        obs: list = []
        body = statement.body if isinstance(statement, Schema) else statement
        if isinstance(body, CI):
            self._well_formed(obs, kind, body, "the " + kind)
            sem = Semantics.d(body.graph) if body.dsep else Semantics.prob()
        elif isinstance(body, NoEdge):
            self._check(obs, kind, self.sets.disjoint(body.x, body.y, "the two sides are disjoint"),
                        "the two sides of 'no edge' must be disjoint")
            sem = Semantics.d(body.graph)
        elif isinstance(body, Chained):
            self._chain_blocks_disjoint(obs, kind, body.blocks)
            sem = Semantics.d(body.graph)
        elif isinstance(body, GRAPH_STATEMENTS):
            sem = self._graph_statement_semantics(obs, kind, body)
        elif isinstance(body, (Determines, Principle, Positive)):
            if kind == "hypothesis" and isinstance(body, Principle):
                raise RuleError("a principle such as faithfulness is an assumption, not a graph hypothesis")
            sem = None
        else:
            raise RuleError("%s: cannot assume %r" % (kind, statement))
        return self._mint(statement, "assumption" if kind == "assumption" else "graph hypothesis",
                          tuple(premises), sem, obs, kind, note)

    def principle(self, name: str, graph: str, note: str = "") -> Fact:
        """An assumed modelling principle about a graph, e.g. faithfulness (Definition 5)."""
        if name not in ("faithfulness",):
            raise RuleError("unknown principle %r (known: faithfulness)" % name)
        return self._mint(Principle(name, graph), "assumption", (), None, (), "assumption", note)

    def _chain_blocks_disjoint(self, obs, r, blocks):
        for i in range(len(blocks)):
            for j in range(i + 1, len(blocks)):
                self._check(obs, r, self.sets.disjoint(blocks[i], blocks[j], "blocks %d and %d of the chain are disjoint" % (i + 1, j + 1)),
                            "the blocks of a chained graph must be disjoint; %s and %s overlap"
                            % (self._txt(blocks[i]), self._txt(blocks[j])))


    def assume(self, statement, note: str = "", kind: str = "assumption", premises=()) -> Fact:
        with self._bound(statement):
            return self._assume_unbound(statement, note, kind, premises)

    def markov(self, p: Fact, c) -> Fact:
        with self._bound(c):
            return self._markov_unbound(p, c)

    def faithfulness(self, p: Fact, principle: Fact, c) -> Fact:
        with self._bound(c):
            return self._faithfulness_unbound(p, principle, c)

    def generalize(self, p: Fact, c) -> Fact:
        return self._generalize_unbound(p, c)

    # -- graphoid axioms (2)-(6) -----------------------------------------------------------------
    def symmetry(self, p: Fact, c: CI) -> Fact:
        """(2): (X ⊥ Y | Z) ⇒ (Y ⊥ X | Z)."""
        r = "symmetry"
        c = self._claim_ci(c, r)
        a = self._ci(p, r)
        sem = self._combine(r, [p], c)
        obs: list = []
        self._eq(obs, r, c.x, a.y, "the conclusion's X is the premise's Y",
                 "the conclusion's left side must be the premise's right side %s; it is %s" % (self._txt(a.y), self._txt(c.x)))
        self._eq(obs, r, c.y, a.x, "the conclusion's Y is the premise's X",
                 "the conclusion's right side must be the premise's left side %s; it is %s" % (self._txt(a.x), self._txt(c.y)))
        self._eq(obs, r, c.z, a.z, "the conditioning set is unchanged",
                 "the conclusion must condition on %s, as the premise does; it conditions on %s" % (self._txt(a.z), self._txt(c.z)))
        return self._mint(c, r, [p], sem, obs)

    def decomposition(self, p: Fact, c: CI) -> Fact:
        """(3): (X ⊥ YW | Z) ⇒ (X ⊥ Y | Z)."""
        r = "decomposition"
        c = self._claim_ci(c, r)
        a = self._ci(p, r)
        sem = self._combine(r, [p], c)
        obs = self._part_of_right_side(r, a, c)
        self._eq(obs, r, c.z, a.z, "the conditioning set is unchanged",
                 "the conclusion must condition on Z = %s, as the premise does; it conditions on %s"
                 % (self._txt(a.z), self._txt(c.z)))
        self._well_formed(obs, r, c)
        return self._mint(c, r, [p], sem, obs)

    def weak_union(self, p: Fact, c: CI) -> Fact:
        """(4): (X ⊥ YW | Z) ⇒ (X ⊥ Y | ZW)."""
        r = "weak union"
        c = self._claim_ci(c, r)
        a = self._ci(p, r)
        sem = self._combine(r, [p], c)
        obs = self._part_of_right_side(r, a, c)
        w = a.y - c.y
        zw = a.z | w
        self._eq(obs, r, c.z, zw, "the conclusion conditions on Z ∪ W",
                 "the conclusion must condition on Z ∪ W = %s; it conditions on %s" % (self._txt(zw), self._txt(c.z)))
        self._well_formed(obs, r, c)
        return self._mint(c, r, [p], sem, obs)

    def contraction(self, p1: Fact, p2: Fact, c: CI) -> Fact:
        """(5): (X ⊥ Y | Z) & (X ⊥ W | ZY) ⇒ (X ⊥ YW | Z). The premises may be cited in either order."""
        r = "contraction"
        c = self._claim_ci(c, r)
        a, b = self._ci(p1, r), self._ci(p2, r)
        sem = self._combine(r, [p1, p2], c)
        # (X ⊥ Y | Z) is the premise whose conditioning set equals the conclusion's.
        if self.sets.equal(b.z, c.z, "").result == "proved" and self.sets.equal(a.z, c.z, "").result != "proved":
            a, b = b, a
        obs: list = []
        self._same_x(obs, r, a, c, "first premise")
        self._same_x(obs, r, b, c, "second premise")
        self._eq(obs, r, a.z, c.z, "the first premise (X ⊥ Y | Z) conditions on the conclusion's Z",
                 "one premise must be (X ⊥ Y | Z) with Z = %s, the conclusion's conditioning set; "
                 "neither premise conditions on it" % self._txt(c.z))
        zy = c.z | a.y
        self._eq(obs, r, b.z, zy, "the second premise (X ⊥ W | ZY) conditions on Z ∪ Y",
                 "the second premise must condition on Z ∪ Y = %s; it conditions on %s" % (self._txt(zy), self._txt(b.z)))
        yw = a.y | b.y
        self._eq(obs, r, c.y, yw, "the conclusion's right side is Y ∪ W",
                 "the conclusion's right side must be Y ∪ W = %s; it is %s" % (self._txt(yw), self._txt(c.y)))
        self._well_formed(obs, r, c)
        return self._mint(c, r, [p1, p2], sem, obs)

    def intersection(self, p1: Fact, p2: Fact, c: CI) -> Fact:
        """(6): (X ⊥ W | ZY) & (X ⊥ Y | ZW) ⇒ (X ⊥ YW | Z). Valid in strictly positive distributions
        (and in d-separation); a probabilistic conclusion is marked as such."""
        r = "intersection"
        c = self._claim_ci(c, r)
        a, b = self._ci(p1, r), self._ci(p2, r)
        sem = self._combine(r, [p1, p2], c, positive=True)
        obs: list = []
        self._same_x(obs, r, a, c, "first premise")
        self._same_x(obs, r, b, c, "second premise")
        # a = (X ⊥ W | ZY), b = (X ⊥ Y | ZW)
        zy = c.z | b.y
        self._eq(obs, r, a.z, zy, "the first premise conditions on Z ∪ Y (Y from the second premise)",
                 "the first premise must condition on Z ∪ Y = %s; it conditions on %s" % (self._txt(zy), self._txt(a.z)))
        zw = c.z | a.y
        self._eq(obs, r, b.z, zw, "the second premise conditions on Z ∪ W (W from the first premise)",
                 "the second premise must condition on Z ∪ W = %s; it conditions on %s" % (self._txt(zw), self._txt(b.z)))
        yw = a.y | b.y
        self._eq(obs, r, c.y, yw, "the conclusion's right side is Y ∪ W",
                 "the conclusion's right side must be Y ∪ W = %s; it is %s" % (self._txt(yw), self._txt(c.y)))
        self._well_formed(obs, r, c)
        return self._mint(c, r, [p1, p2], sem, obs)

    # -- axioms valid for Gaussian distributions and for d-separation ----------------------------
    def composition(self, p1: Fact, p2: Fact, c: CI) -> Fact:
        """(X ⊥ Y | Z) & (X ⊥ W | Z) ⇒ (X ⊥ YW | Z). Holds for d-separation and Gaussian distributions,
        not in general: a probabilistic conclusion is marked Gaussian."""
        r = "composition"
        c = self._claim_ci(c, r)
        a, b = self._ci(p1, r), self._ci(p2, r)
        sem = self._combine(r, [p1, p2], c, gaussian=True)
        obs: list = []
        self._same_x(obs, r, a, c, "first premise")
        self._same_x(obs, r, b, c, "second premise")
        for which, q in (("first", a), ("second", b)):
            self._eq(obs, r, q.z, c.z, "the %s premise conditions on Z" % which,
                     "the %s premise must condition on Z = %s; it conditions on %s" % (which, self._txt(c.z), self._txt(q.z)))
        yw = a.y | b.y
        self._eq(obs, r, c.y, yw, "the conclusion's right side is Y ∪ W",
                 "the conclusion's right side must be Y ∪ W = %s; it is %s" % (self._txt(yw), self._txt(c.y)))
        self._well_formed(obs, r, c)
        return self._mint(c, r, [p1, p2], sem, obs)

    def suppose(self, c: CI, note: str = "") -> Fact:
        """A case of a proof by cases: usable only until weak_transitivity_cases discharges it."""
        obs: list = []
        self._well_formed(obs, "case", c, "the case")
        sem = Semantics.d(c.graph) if c.dsep else Semantics.prob()
        return self._mint(c, "case", (), sem, obs, "case", note)

    def weak_transitivity_cases(self, p1: Fact, p2: Fact, case1: Fact, then1: Fact,
                                case2: Fact, then2: Fact, c: CI) -> Fact:
        """Weak transitivity (X ⊥ Y | Z) & (X ⊥ Y | Zγ) ⇒ (X ⊥ γ | Z) ∨ (γ ⊥ Y | Z), γ one variable, used
        as a proof by cases: if the goal follows in both cases, it follows. Valid for d-separation
        and Gaussian distributions."""
        r = "weak transitivity"
        c = self._claim_ci(c, r)
        a, b = self._ci(p1, r), self._ci(p2, r)
        if case1.kind != "case" or case2.kind != "case" or case1 is case2:
            raise RuleError("%s: the two cases must be supposed, not derived" % r)
        for f in (case1, case2, then1, then2):
            self._ci(f, r)
        if id(case2) in then1.open_cases or id(case1) in then2.open_cases:
            raise RuleError("%s: each case's branch may rest only on its own case" % r)
        sem = self._combine(r, [p1, p2, then1, then2], c, gaussian=True)
        obs: list = []
        self._eq(obs, r, a.x, b.x, "both premises have the same X", "both premises must have the same left side")
        self._eq(obs, r, a.y, b.y, "both premises have the same Y", "both premises must have the same right side")
        g = b.z - a.z
        if not (g.concrete and len(g.scalars) == 1):
            raise RuleError("%s: the second premise must condition on Z plus one variable γ" % r, obs)
        self._check(obs, r, self.sets.subset(a.z, b.z, "Z ⊆ Zγ"), "the second premise must condition on Z plus one variable γ")
        self._well_formed(obs, r, a, "the first premise")
        self._check(obs, r, self.sets.disjoint(g, a.x | a.y, "γ is outside X ∪ Y"), "γ must lie outside X ∪ Y")
        want = (CI(a.x, g, a.z, a.dsep, a.graph), CI(g, a.y, a.z, a.dsep, a.graph))
        for k, (cf, w) in enumerate(zip((case1, case2), want), 1):
            s_ = cf.statement
            for n, s1, s2 in (("X", s_.x, w.x), ("Y", s_.y, w.y), ("Z", s_.z, w.z)):
                self._eq(obs, r, s1, s2, "case %d has the required %s" % (k, n),
                         "case %d must be %s" % (k, statement_text(w, self.sets.decl)))
        for k, t in enumerate((then1, then2), 1):
            for n, s1, s2 in (("X", t.statement.x, c.x), ("Y", t.statement.y, c.y), ("Z", t.statement.z, c.z)):
                self._eq(obs, r, s1, s2, "case %d ends in the goal's %s" % (k, n),
                         "case %d must end in the goal %s" % (k, statement_text(c, self.sets.decl)))
        return self._mint(c, r, [p1, p2, then1, then2], sem, obs,
                          discharged=frozenset({id(case1), id(case2)}))

    def _part_of_right_side(self, r, a: CI, c: CI) -> list:
        """Shared by decomposition and weak union: same X, and the conclusion's Y ⊆ the premise's YW."""
        obs: list = []
        self._same_x(obs, r, a, c)
        self._check(obs, r, self.sets.subset(c.y, a.y, "the conclusion's Y is part of the premise's YW"),
                    "the conclusion's right side %s must be a subset of the premise's right side %s"
                    % (self._txt(c.y), self._txt(a.y)))
        return obs

    def _same_x(self, obs, r, a: CI, c: CI, which="the premise"):
        self._eq(obs, r, c.x, a.x, "the left side X is unchanged (%s)" % which,
                 "the conclusion's left side must be %s's X = %s; it is %s" % (which, self._txt(a.x), self._txt(c.x)))

    # -- graphs ----------------------------------------------------------------------------------
    def _read_off(self, r: str, g, c: CI) -> list:
        """What reading a statement off a graph needs (d-separation, d-connection): g is a concrete
        DAG declared in this context, acyclic, and c names its vertices, disjointly."""
        if getattr(g, "name", None) not in self.ctx.graphs or self.ctx.graphs[g.name] is not g:
            raise RuleError("%s: %s is not a graph declared in this context" % (r, getattr(g, "name", g)))
        if not isinstance(g, DAG):
            raise RuleError("%s: %s is not a concrete DAG, so %s cannot be read off it" % (r, g.name, r))
        if not c.concrete:
            raise RuleError("%s: the statement must name concrete vertices of %s" % (r, g.name))
        obs: list = []
        t0 = time.perf_counter()
        cyc = g.find_cycle()
        if cyc:
            raise RuleError("%s: %s is not acyclic: it has the cycle %s" % (r, g.name, " -> ".join(cyc)))
        obs.append(Obligation("%s is acyclic" % g.name, "proved", time.perf_counter() - t0, "graph"))
        x, y, z = c.triple()
        unknown = sorted((x | y | z) - set(g.nodes))
        if unknown:
            raise RuleError("%s: %s are not vertices of %s" % (r, ", ".join(unknown), g.name))
        self._well_formed(obs, r, c)
        return obs

    def d_separation(self, g: DAG, c: CI) -> Fact:
        """Read (X ⊥ Y | Z)_d off a concrete DAG (networkx's d-separation test)."""
        r = "d-separation"
        if not isinstance(c, CI):
            raise RuleError("%s: the conclusion must be a single statement (…)_d in %s, not a schema"
                            % (r, getattr(g, "name", g)))
        if not c.dsep or c.graph != getattr(g, "name", None):
            raise RuleError("%s: the conclusion must be a d-separation statement (…)_d in %s" % (r, getattr(g, "name", g)))
        obs = self._read_off(r, g, c)
        x, y, z = c.triple()
        self._well_formed(obs, r, c)
        t0 = time.perf_counter()
        ok = nx.is_d_separator(g.nx(), set(x), set(y), set(z))
        meaning = "%s d-separates %s from %s in %s" % (self._txt(c.z), self._txt(c.x), self._txt(c.y), g.name)
        if not ok:
            path = _active_path(g, x, y, z)
            raise RuleError("%s: %s does not d-separate %s from %s in %s%s"
                            % (r, self._txt(c.z), self._txt(c.x), self._txt(c.y), g.name,
                               ("; active path: " + " – ".join(path)) if path else ""),
                            obs + [Obligation(meaning, "refuted", time.perf_counter() - t0, "graph")])
        obs.append(Obligation(meaning, "proved", time.perf_counter() - t0, "graph"))
        return self._mint(c, r, [], Semantics.d(g.name), obs)

    def nonadjacent(self, p: Fact, c: NoEdge) -> Fact:
        """Adjacent vertices are d-separated by no set: from (X ⊥ Y | Z)_d in G, no edge joins a
        member of X and a member of Y (nor of any subsets of them) in G."""
        r = "non-adjacency"
        a = self._ci(p, r)
        if not isinstance(c, NoEdge):
            raise RuleError("%s: the conclusion must be 'no edge between … and …'" % r)
        if p.semantics is None or p.semantics.kind != "dsep" or p.semantics.graph != c.graph:
            raise RuleError("%s: the premise must be a d-separation in %s" % (r, c.graph))
        sem = self.semantics(r, [p], c)
        obs: list = []
        fwd = [self.sets.subset(c.x, a.x, "the first side lies in X"), self.sets.subset(c.y, a.y, "the second side lies in Y")]
        if all(o.result == "proved" for o in fwd):
            obs.extend(fwd)
        else:
            bwd = [self.sets.subset(c.x, a.y, "the first side lies in Y"), self.sets.subset(c.y, a.x, "the second side lies in X")]
            if all(o.result == "proved" for o in bwd):
                obs.extend(bwd)
            else:
                obs.extend(fwd + bwd)
                raise RuleError("%s: the two sides must lie in X = %s and Y = %s of the premise"
                                % (r, self._txt(a.x), self._txt(a.y)), obs)
        return self._mint(c, r, [p], sem, obs)

    def _same_quantifiers(self, r, a, c):
        if isinstance(a, Schema) != isinstance(c, Schema) or (isinstance(a, Schema) and a.binders != c.binders):
            raise RuleError("%s: premise and conclusion must have the same quantifiers" % r)
        pa, pc = (a.body, c.body) if isinstance(a, Schema) else (a, c)
        if not isinstance(pa, CI):
            raise RuleError("%s: the premise must be a c.i. or d-separation statement" % r)
        if not isinstance(pc, CI):
            raise RuleError("%s: the conclusion must be a c.i. or d-separation statement" % r)
        return pa, pc

    def _markov_unbound(self, p: Fact, c: CI) -> Fact:
        """Markov condition: (X ⊥ Y | Z)_d in G gives (X ⊥ Y | Z) in every distribution compatible with G."""
        r = "Markov"
        a = p.statement
        pa, pc = self._same_quantifiers(r, a, c)
        if p.semantics is None or p.semantics.kind != "dsep" or not pa.dsep:
            raise RuleError("%s: the premise must be a d-separation (…)_d" % r)
        if pc.dsep:
            raise RuleError("%s: the conclusion is the probabilistic statement; drop the _d" % r)
        sem = self.semantics(r, [p], c, kind="prob")
        obs: list = []
        for n, s1, s2 in (("X", pc.x, pa.x), ("Y", pc.y, pa.y), ("Z", pc.z, pa.z)):
            self._eq(obs, r, s1, s2, "%s is unchanged" % n,
                     "the conclusion must be the same statement as the premise without _d; its %s is %s, not %s"
                     % (n, self._txt(s1), self._txt(s2)))
        return self._mint(c, r, [p], sem, obs)

    def _faithfulness_unbound(self, p: Fact, principle: Fact, c) -> Fact:
        """Definition 5: a c.i. of the phenomenon is a d-separation in a faithful causal graph."""
        r = "faithfulness"
        if not isinstance(principle.statement, Principle) or principle.statement.name != "faithfulness":
            raise RuleError("%s: cite the assumed faithfulness of the graph as the second premise" % r)
        graph = principle.statement.graph
        if p.semantics is None or p.semantics.kind != "prob":
            raise RuleError("%s: the premise must be a c.i. of the phenomenon (no _d)" % r)
        # The premise must hold for the phenomenon's P itself: a fact about every distribution (under
        # the assumptions) or every distribution compatible with this graph; not one that holds only
        # for another graph's distributions, or only for positive or Gaussian ones.
        if p.semantics.graph not in (None, graph) or p.semantics.restricted:
            raise RuleError("%s: the premise holds only for %s, which need not include the phenomenon's "
                            "distribution" % (r, p.semantics.describe()))
        body_p, body_c = self._same_quantifiers(r, p.statement, c)
        if not body_c.dsep or body_c.graph != graph:
            raise RuleError("%s: the conclusion must be a d-separation (…)_d in %s" % (r, graph))
        sem = Semantics.d(graph)
        obs: list = []
        for n, s1, s2 in (("X", body_c.x, body_p.x), ("Y", body_c.y, body_p.y), ("Z", body_c.z, body_p.z)):
            self._eq(obs, r, s1, s2, "%s is unchanged" % n,
                     "the conclusion must be the premise read as a d-separation; its %s is %s, not %s"
                     % (n, self._txt(s1), self._txt(s2)))
        return self._mint(c, r, [p, principle], sem, obs)

    # -- schemas ---------------------------------------------------------------------------------
    def instantiate(self, p: Fact, c: CI, names: dict, vars_: dict) -> Fact:
        """From ∀γ ⊆ D. φ(γ) (or ∀i ∈ D. φ(i)) conclude φ(e), for e ⊆ D (or e ∈ D) decided by z3."""
        r = "instantiation"
        s = p.statement
        if not isinstance(s, Schema):
            raise RuleError("%s: the premise is not a 'for all' schema" % r)
        if not isinstance(s.body, CI):
            raise RuleError("%s: only schemas of c.i. statements can be instantiated" % r)
        if not isinstance(c, CI):
            raise RuleError("%s: the conclusion must be a single statement" % r)
        obs: list = []
        d = self.sets.decl
        for b in s.binders:
            rng = self.sets.range_of(b.domain)
            if b.kind == "subset":
                if b.name not in names:
                    raise RuleError("%s: give a value for %s (e.g. %s := {j})" % (r, b.name, b.name))
                e = names[b.name]
                self._declared_index(r, e, rng)
                ob = self.sets.subset_index(e, b.domain, "the instance of %s lies in its domain" % b.name)
                self._check(obs, r, ob, "%s := … is not a subset of its domain" % b.name)
            else:
                if b.name not in vars_:
                    raise RuleError("%s: give a value for %s (e.g. %s := j)" % (r, b.name, b.name))
                v = vars_[b.name]
                if isinstance(v, str) and v not in d.index_vars:
                    raise RuleError("%s: %s := %s: %s is not a declared index" % (r, b.name, v, v))
                ob = self.sets.member(v, b.domain, "the instance of %s is a member of its domain" % b.name)
                self._check(obs, r, ob, "%s := %s is not a member of its domain" % (b.name, v))
        extra = set(names) | set(vars_)
        extra -= {b.name for b in s.binders}
        if extra:
            raise RuleError("%s: %s are not bound by the schema" % (r, ", ".join(sorted(extra))))
        inst = instantiate_ci(s.body, names, vars_)
        for n, s1, s2 in (("X", c.x, inst.x), ("Y", c.y, inst.y), ("Z", c.z, inst.z)):
            self._eq(obs, r, s1, s2, "the conclusion's %s is the instance's %s" % (n, n),
                     "the instance has %s = %s; the conclusion has %s" % (n, self._txt(s2), self._txt(s1)))
        if c.dsep != inst.dsep or c.graph != inst.graph:
            raise RuleError("%s: the conclusion must keep the schema's kind (%s)" % (r, "d-separation" if inst.dsep else "c.i."))
        sem = self.semantics(r, [p], c)
        return self._mint(c, r, [p], sem, obs, args=(("subset", dict(names)), ("member", dict(vars_))))

    def _declared_index(self, r, e, rng):
        """Every index set and index variable in e is declared and lies in the range rng."""
        d = self.sets.decl
        from ..sets import index_names
        for nm in index_names(e):
            if nm not in d.subsets and nm not in d.ranges:
                raise RuleError("%s: %s is not a declared index set" % (r, nm))
        for v in index_vars(e):
            if v not in d.index_vars:
                raise RuleError("%s: %s is not a declared index" % (r, v))
        er = self.sets.range_of(e)
        if er is not None and rng is not None and er != rng:
            raise RuleError("%s: the instance lies in the range %s, not in %s" % (r, er, rng))

    def _generalize_unbound(self, p: Fact, c: Schema) -> Fact:
        """From φ(i) for an arbitrary i ∈ D (no open assumption, hypothesis or case, and no other
        declaration, mentions i) conclude ∀i ∈ D. φ(i)."""
        r = "generalisation"
        if not isinstance(c, Schema) or len(c.binders) != 1 or c.binders[0].kind != "member":
            raise RuleError("%s: the conclusion must be 'for all i ∈ D: …'" % r)
        if not isinstance(c.body, (CI, NoEdge)) or type(c.body) is not type(p.statement):
            raise RuleError("%s: the schema's body must be a statement of the premise's kind" % r)
        b = c.binders[0]
        decl = self.sets.decl
        dom = decl.index_vars.get(b.name)
        if dom is None:
            raise RuleError("%s: %s must be declared as an arbitrary index (arbitrary %s ∈ %s)"
                            % (r, b.name, b.name, _txt_idx(b.domain)))
        if dom != b.domain:
            raise RuleError("%s: %s was declared in %s, not in the schema's domain" % (r, b.name, _txt_idx(dom)))
        if b.name in index_terms(b.domain):
            raise RuleError("%s: the domain of %s mentions %s itself" % (r, b.name, b.name))
        for other, odom in list(decl.index_vars.items()) + list(decl.subset_of):
            if other != b.name and b.name in index_vars(odom):
                raise RuleError("%s: %s is not arbitrary: %s is declared relative to it" % (r, b.name, other))
        for fam, (base, idx) in decl.families.items():
            if b.name in index_vars(idx):
                raise RuleError("%s: %s is not arbitrary: the family %s is declared relative to it" % (r, b.name, fam))
        open_facts = [f for f in _all_premises(p) if f.kind in ("assumption", "hypothesis", "case")]
        for f in open_facts:
            if b.name in index_terms(f.statement):
                raise RuleError("%s: %s is not arbitrary: the %s %s mentions it"
                                % (r, b.name, {"case": "case"}.get(f.kind, f.kind), statement_text(f.statement, decl)))
        obs: list = []
        a, body = p.statement, c.body
        if isinstance(a, CI):
            for n, s1, s2 in (("X", body.x, a.x), ("Y", body.y, a.y), ("Z", body.z, a.z)):
                self._eq(obs, r, s1, s2, "the schema's %s is the premise's" % n,
                         "the schema's body must be the premise; its %s is %s, not %s" % (n, self._txt(s1), self._txt(s2)))
            if body.dsep != a.dsep or body.graph != a.graph:
                raise RuleError("%s: the schema must keep the premise's kind" % r)
        else:
            for n, s1, s2 in (("first side", body.x, a.x), ("second side", body.y, a.y)):
                self._eq(obs, r, s1, s2, "the schema's %s is the premise's" % n,
                         "the schema's body must be the premise; its %s is %s, not %s" % (n, self._txt(s1), self._txt(s2)))
            if (body.graph, body.directed) != (a.graph, a.directed):
                raise RuleError("%s: the schema must keep the premise's kind" % r)
        sem = self.semantics(r, [p], c)
        return self._mint(c, r, [p], sem, obs)


def _all_premises(f: Fact) -> list[Fact]:
    seen: dict[int, Fact] = {}
    stack = [f]
    while stack:
        g = stack.pop()
        if id(g) in seen:
            continue
        seen[id(g)] = g
        stack.extend(g.premises)
    return list(seen.values())


def _txt_idx(e):
    from ..statements import index_src
    return index_src(e)


def _active_path(g: DAG, x, y, z) -> list[str] | None:
    """An active path between x and y given z, to explain a failed d-separation (best effort)."""
    G = g.nx()
    U = G.to_undirected()
    anc = set(z)
    for v in z:
        anc |= nx.ancestors(G, v)
    for s in sorted(x):
        for t in sorted(y):
            for path in nx.all_simple_paths(U, s, t, cutoff=8):
                if _active(G, path, z, anc):
                    return path
    return None


def _active(G, path, z, anc) -> bool:
    for k in range(1, len(path) - 1):
        a, b, c = path[k - 1], path[k], path[k + 1]
        collider = G.has_edge(a, b) and G.has_edge(c, b)
        if collider and b not in anc:
            return False
        if not collider and b in z:
            return False
    return True
