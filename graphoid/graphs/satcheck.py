"""Bounded verification by SAT: "every member of a class satisfying its constraints satisfies the
claim", for one concrete size, decided by a SAT solver (python-sat).

For a fixed n the statement is finite. The encoding has one variable per possible directed edge and
per possible latent common cause (at most one latent per pair of observables, as in
docs/graph_classes.md; a latent is exogenous with exactly two observable children), and states

    the member is in the class  ∧  it satisfies every constraint  ∧  the claim fails.

UNSAT means the claim holds on every member of that size; a model is a counter-example graph, which
is decoded into a ``classes.Member`` and re-checked with networkx (``nx.is_d_separator``) and with the
enumeration's own claim evaluation before it is reported. Results read "checked for n ≤ k by SAT":
evidence for a concrete size, never a proof for all n.

The encodings (soundness and completeness arguments in docs/graph_classes.md, "SAT encoding"):

* acyclicity: a transitive relation T over the observables containing every edge, irreflexive;
* d-connection is Shachter's Bayes ball on states (v, ↑) "entered from a child" and (v, ↓) "entered
  from a parent": from (v,↑) with v ∉ Z to parents (↑) and children (↓); from (v,↓) with v ∉ Z to
  children (↓); from (v,↓) with v ∈ Z to parents (↑). A latent common cause u <- L -> v that is not
  conditioned on lets every state of u that may move to a parent move to (v,↓) (and to (u,↓)).
  X and Y are d-connected given Z iff a state of some y ∈ Y \\ Z is reachable from the states
  (x,↑), x ∈ X \\ Z;
* a d-separation that must HOLD (the constraints, e.g. (7)) is the existence of a set R of states that
  contains the start states, is closed under every enabled move and contains no state of a target:
  if some walk were active, closure would put its end in R; if none is, the reachable set is such an R;
* a d-separation that must FAIL (the negated claim) is the reachability unrolled as layers
  R_0 ⊆ … ⊆ R_T, T = number of states - 1, every state of R_{t+1} justified by a move from R_t: a model
  gives a real active walk, and every active walk has a shortest one of at most T moves.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

import networkx as nx

from .classes import BWD, FWD, LAT, NONE, DSep, GraphClass, Member, chained_class, fig3_class
from .fastdsep import bits

TRUE, FALSE = 1, -1
UP, DN = 0, 1

DEFAULT_SOLVER = "cadical195"


class SatCheckError(Exception):
    """A SAT model failed the independent re-check (an encoding bug): nothing is claimed."""


# ------------------------------------------------------------------------------ CNF with constants

class CNF:
    """Clauses over integer literals; variable 1 is the constant TRUE (so -1 is FALSE), and the
    helpers simplify constants away."""

    def __init__(self):
        self.nv = 1
        self.clauses: list[list[int]] = [[TRUE]]

    def var(self) -> int:
        self.nv += 1
        return self.nv

    def add(self, lits: Iterable[int]):
        out = []
        for lit in lits:
            if lit == TRUE:
                return
            if lit == FALSE:
                continue
            out.append(lit)
        self.clauses.append(out if out else [FALSE])

    def AND(self, lits: Iterable[int]) -> int:
        ls = []
        for lit in lits:
            if lit == FALSE:
                return FALSE
            if lit == TRUE or lit in ls:
                continue
            if -lit in ls:
                return FALSE
            ls.append(lit)
        if not ls:
            return TRUE
        if len(ls) == 1:
            return ls[0]
        v = self.var()
        for lit in ls:
            self.clauses.append([-v, lit])
        self.clauses.append([v] + [-lit for lit in ls])
        return v

    def OR(self, lits: Iterable[int]) -> int:
        return -self.AND([-lit for lit in lits])

    def implies_some(self, lits: Iterable[int]) -> int:
        """A literal that implies the disjunction of ``lits`` (one direction only, enough for a
        witness: the caller asserts it, and a real witness can always make it true)."""
        ls = [x for x in lits if x != FALSE]
        if TRUE in ls:
            return TRUE
        if not ls:
            return FALSE
        if len(ls) == 1:
            return ls[0]
        v = self.var()
        self.clauses.append([-v] + ls)
        return v

    def implies_all(self, lits: Iterable[int]) -> int:
        """A literal that implies every literal of ``lits`` (one direction only)."""
        ls = [x for x in lits if x != TRUE]
        if FALSE in ls:
            return FALSE
        if not ls:
            return TRUE
        if len(ls) == 1:
            return ls[0]
        v = self.var()
        for lit in ls:
            self.clauses.append([-v, lit])
        return v


# ------------------------------------------------------------------------------ graphs of a class

@dataclass
class Query:
    """(X ⊥ Y | Z)_d over literals: per observable, membership of X, Y and Z; per latent pair,
    membership of X and Y, and whether it is conditioned on ("blocked")."""
    src: list[int]
    tgt: list[int]
    z: list[int]
    src_lat: dict = field(default_factory=dict)
    tgt_lat: dict = field(default_factory=dict)
    blocked: dict = field(default_factory=dict)


class GraphEnc:
    """Edge and latent variables of the members of a GraphClass, with acyclicity."""

    def __init__(self, cnf: CNF, cls: GraphClass):
        self.cnf, self.cls = cnf, cls
        self.m = m = len(cls.observables)
        self.E: dict[tuple[int, int], int] = {}
        self.L: dict[tuple[int, int], int] = {}
        self.pair_vars: dict[tuple[int, int], tuple[int, int, int]] = {}
        for (i, j) in cls.pair_order:
            opts = cls.pair_options[(i, j)]
            f = cnf.var() if any(o & FWD for o in opts) else FALSE
            b = cnf.var() if any(o & BWD for o in opts) else FALSE
            lat = cnf.var() if any(o & LAT for o in opts) else FALSE
            for code in range(8):
                if code not in opts:
                    cnf.add([-x if code & bit else x for bit, x in ((FWD, f), (BWD, b), (LAT, lat))])
            self.pair_vars[(i, j)] = (f, b, lat)
            if f != FALSE:
                self.E[(i, j)] = f
            if b != FALSE:
                self.E[(j, i)] = b
            if lat != FALSE:
                self.L[(i, j)] = lat
        self._acyclic()

    def _acyclic(self):
        cnf, m = self.cnf, self.m
        verts = sorted({u for e in self.E for u in e})
        T = {}
        for u in verts:
            for v in verts:
                if u != v:
                    T[(u, v)] = cnf.var()
        for (u, v), e in self.E.items():
            cnf.add([-e, T[(u, v)]])
        for u in verts:
            for (v, w), e in self.E.items():
                if v == u:
                    continue
                tgt = T.get((u, w)) if u != w else FALSE   # T(u,u) is false: no cycle
                cnf.add([-T[(u, v)], -e, tgt])

    def e(self, u: int, v: int) -> int:
        return self.E.get((u, v), FALSE)

    def lat(self, u: int, v: int) -> int:
        return self.L.get((min(u, v), max(u, v)), FALSE)

    def adjacent(self, u: int, v: int) -> int:
        return self.cnf.OR([self.e(u, v), self.e(v, u), self.lat(u, v)])

    def decode(self, model: set[int]) -> tuple[int, ...]:
        val = lambda x: x == TRUE or (x != FALSE and x in model)
        out = []
        for p in self.cls.pair_order:
            f, b, lat = self.pair_vars[p]
            out.append((FWD if val(f) else 0) | (BWD if val(b) else 0) | (LAT if val(lat) else 0))
        return tuple(out)

    def fix(self, options: Sequence[int]) -> list[int]:
        """Assumptions fixing the graph variables to the member with these options."""
        out = []
        for p, o in zip(self.cls.pair_order, options):
            for bit, x in zip((FWD, BWD, LAT), self.pair_vars[p]):
                if x not in (TRUE, FALSE):
                    out.append(x if o & bit else -x)
        return out

    # ---- Bayes ball
    def moves(self, q: Query):
        """(from state, to state, enabling literals) for every move of the Bayes ball."""
        z = q.z
        out = []
        for (u, v), e in self.E.items():          # u -> v
            out.append(((v, UP), (u, UP), (e, -z[v])))
            out.append(((v, DN), (u, UP), (e, z[v])))
            out.append(((u, UP), (v, DN), (e, -z[u])))
            out.append(((u, DN), (v, DN), (e, -z[u])))
        for (u, v), lat in self.L.items():        # u <- L -> v
            blk = q.blocked.get((u, v), FALSE)
            for x, y in ((u, v), (v, u)):
                out.append(((x, UP), (y, DN), (lat, -blk, -z[x])))
                out.append(((x, DN), (y, DN), (lat, -blk, z[x])))
                out.append(((x, UP), (x, DN), (lat, -blk, -z[x])))
        return out

    def _starts(self, q: Query):
        """(state, literals) pairs: the start states of the ball."""
        out = [((v, UP), (q.src[v], -q.z[v])) for v in range(self.m) if q.src[v] != FALSE]
        for (u, v), s in q.src_lat.items():
            lat = self.lat(u, v)
            blk = q.blocked.get((u, v), FALSE)
            for x in (u, v):
                out.append(((x, DN), (s, lat, -blk)))
        return out

    def _hits(self, q: Query, R: Callable[[tuple[int, int]], int]):
        """Conjunctions (lists of literals), each making X and Y d-connected given the state set R."""
        out = []
        for v in range(self.m):
            if q.tgt[v] != FALSE:
                for d in (UP, DN):
                    out.append([q.tgt[v], -q.z[v], R((v, d))])
                out.append([q.src[v], q.tgt[v], -q.z[v]])           # X and Y share v
        for (u, v), t in q.tgt_lat.items():
            lat, blk = self.lat(u, v), q.blocked.get((u, v), FALSE)
            for x in (u, v):                                          # x may move to the parent L
                out.append([t, lat, -blk, -q.z[x], R((x, UP))])
                out.append([t, lat, -blk, q.z[x], R((x, DN))])
            out.append([t, q.src_lat.get((u, v), FALSE), lat, -blk])
        return out

    def assert_dsep(self, q: Query, guard: int = TRUE):
        """Clauses that hold iff (guard ⇒ X ⊥ Y | Z in the member): a closed set R of states."""
        cnf = self.cnf
        R = {}

        def r(s):
            if s not in R:
                R[s] = cnf.var()
            return R[s]
        for s, lits in self._starts(q):
            cnf.add([-guard] + [-x for x in lits] + [r(s)])
        for a, b, lits in self.moves(q):
            cnf.add([-guard, -r(a)] + [-x for x in lits] + [r(b)])
        for conj in self._hits(q, r):
            cnf.add([-guard] + [-x for x in conj])

    def dconnected(self, q: Query) -> int:
        """A literal that can be true iff X and Y are d-connected given Z in the member."""
        cnf = self.cnf
        n_states = 2 * self.m
        mv = self.moves(q)
        into: dict = {}
        for a, b, lits in mv:
            into.setdefault(b, []).append((a, lits))
        starts: dict = {}
        for s, lits in self._starts(q):
            starts.setdefault(s, []).append(lits)
        states = [(v, d) for v in range(self.m) for d in (UP, DN)]
        layer = {}
        for s in states:
            layer[s] = cnf.implies_some([cnf.implies_all(l) for l in starts.get(s, [])])
        for _t in range(n_states - 1):
            nxt = {}
            for s in states:
                just = [layer[s]] + [cnf.implies_all((layer[a],) + tuple(l)) for a, l in into.get(s, [])]
                nxt[s] = cnf.implies_some(just)
            layer = nxt
        return cnf.implies_some([cnf.implies_all(c) for c in self._hits(q, lambda s: layer[s])])


# ------------------------------------------------------------------------------ claims on Fig. 3

@dataclass(frozen=True)
class Fig3Claim:
    """A graph claim of Steps 1a-3b on the Fig. 3 class. ``kind`` is 'dsep' (x, y, z, determined are
    role tokens: A X B C Y Z Λ Ω, and C_i C_\\i Z_i Z_\\i for an i ∈ C), 'no_edge' (x -> y),
    'no_cross_links', 'parents_within' (Pa(x) ⊆ y), 'paths_via' (paths x … y pass through z),
    'chained' (blocks)."""
    name: str
    text: str
    kind: str
    x: tuple[str, ...] = ()
    y: tuple[str, ...] = ()
    z: tuple[str, ...] = ()
    determined: tuple[str, ...] = ()
    each_i: bool = False
    full: bool = False
    blocks: tuple[tuple[str, ...], ...] = ()
    enum_name: str = ""     # the enumeration's name (paper_checks.HYPOTHESES or theorem1_claims)


FIG3_CLAIMS: dict[str, Fig3Claim] = {c.name: c for c in [
    Fig3Claim("no_cross_links", "Step 1a: no link (edge or latent) between A_i and X_j, j != i", "no_cross_links",
              full=True, enum_name="no_cross_links"),
    Fig3Claim("no_C_to_B", "(H2a) Step 2a: no edge C -> B", "no_edge", ("C",), ("B",), enum_name="no_C_to_B"),
    Fig3Claim("paths_B_Z_via_C", "Step 2a: every path between B and Z passes through C", "paths_via",
              ("B",), ("Z",), ("C",), enum_name="paths_B_Z_via_C"),
    Fig3Claim("B_indep_Z_given_Y", "Step 2a: (B ⊥ Z | Y)_d", "dsep", ("B",), ("Z",), ("Y",),
              enum_name="B_indep_Z_given_Y"),
    Fig3Claim("(8)", "(8) (B ⊥ Z | Λ)_d", "dsep", ("B",), ("Z",), ("Λ",), enum_name="(8)"),
    Fig3Claim("H2b", "(H2b) 𝒢 is chained(Y, Z, C, BΛ)", "chained", blocks=(("Y",), ("Z",), ("C",), ("B", "Λ"))),
    Fig3Claim("(9)", "(9) (A ⊥ Y | ZΛ)_d", "dsep", ("A",), ("Y",), ("Z", "Λ"), enum_name="(9)"),
    Fig3Claim("no_C_to_C", "(H3a) Step 3a: no edge C_i -> C_j", "no_edge", ("C",), ("C",), enum_name="no_C_to_C"),
    Fig3Claim("eq10_with_B", "(3b) for all i in C: (C_i ⊥ C_\\i | ZBΛ)_d", "dsep", ("C_i",), ("C_\\i",),
              ("Z", "B", "Λ"), each_i=True, enum_name="eq10_with_B"),
    Fig3Claim("B_parents_in_B_Lambda", "Step 3b: Pa(B) ⊆ BΛ", "parents_within", ("B",), ("B", "Λ"),
              enum_name="B_parents_in_B_Lambda"),
    Fig3Claim("(10)", "(10) for all i in C: (C_i ⊥ C_\\i | ZΛ)_d, Λ determines B", "dsep", ("C_i",), ("C_\\i",),
              ("Z", "Λ"), ("B",), each_i=True, enum_name="(10)"),
    Fig3Claim("eq10_literal", "(10) read without 'Λ determines B': for all i in C: (C_i ⊥ C_\\i | ZΛ)_d", "dsep",
              ("C_i",), ("C_\\i",), ("Z", "Λ"), each_i=True, enum_name="eq10_literal"),
    Fig3Claim("(11)", "(11) for all i in C: (C_i ⊥ Z_\\i | Z_iΛ)_d", "dsep", ("C_i",), ("Z_\\i",), ("Z_i", "Λ"),
              each_i=True, enum_name="(11)"),
    Fig3Claim("Lambda_indep_X", "Step 1a/(17): (Λ ⊥ X)_d", "dsep", ("Λ",), ("X",), enum_name="Lambda_indep_X"),
    Fig3Claim("Omega_indep_A", "Step 1a: (Ω ⊥ A)_d", "dsep", ("Ω",), ("A",), enum_name="Omega_indep_A"),
]}
ALIASES = {"1a": "no_cross_links", "H2a": "no_C_to_B", "H3a": "no_C_to_C", "(3b)": "eq10_with_B", "3b": "eq10_with_B",
           "8": "(8)", "9": "(9)", "10": "(10)", "11": "(11)"}
# The claims of Steps 1a-3b that theorem1.gph states as graph hypotheses, in its order
THEOREM1_CLAIMS = ("no_cross_links", "no_C_to_B", "(8)", "H2b", "(9)", "no_C_to_C", "eq10_with_B", "(10)", "(11)")


def fig3_claim(name: str) -> Fig3Claim:
    c = FIG3_CLAIMS.get(ALIASES.get(name, name))
    if c is None:
        raise ValueError("unknown claim %r; known: %s" % (name, ", ".join(list(FIG3_CLAIMS) + list(ALIASES))))
    return c


class Fig3Enc:
    """The Fig. 3 class for concrete n as CNF: graph variables, (7), the roles B, C, Y, Z, Λ, Ω."""

    def __init__(self, n: int, reading: str = "adjacent", full: bool = False, constraints: bool = True):
        if reading not in ("adjacent", "dconnected"):
            raise ValueError("reading must be 'adjacent' or 'dconnected'")
        self.n, self.reading = n, reading
        self.cls = fig3_class(n, reading, full=full, symmetric=False)
        self.cnf = cnf = CNF()
        self.g = g = GraphEnc(cnf, self.cls)
        self.m = 2 * n
        self.idx = {x: k for k, x in enumerate(self.cls.observables)}
        if constraints:
            for d in self.cls.constraints:                      # (7) for every γ
                g.assert_dsep(self.fixed_query(d))
        a = lambda i: i - 1
        xv = lambda i: n + i - 1
        self.c = {}
        for i in range(1, n + 1):
            if reading == "adjacent":
                self.c[i] = g.adjacent(a(i), xv(i))
            else:                                              # C = {A_i : not (A_i ⊥ X)_d}
                ci = cnf.var()
                q = Query([TRUE if v == a(i) else FALSE for v in range(self.m)],
                          [TRUE if v >= n else FALSE for v in range(self.m)], [FALSE] * self.m)
                cnf.add([-ci, g.dconnected(q)])
                g.assert_dsep(q, guard=-ci)
                self.c[i] = ci

    def fixed_query(self, d: DSep) -> Query:
        def mask(names):
            out = [FALSE] * self.m
            for nm in names:
                for x in self.cls.sets.get(nm, (nm,)):
                    out[self.idx[x]] = TRUE
            return out
        return Query(mask(d.x), mask(d.y), mask(d.z))

    # ---- roles as literals
    def _lat_kind(self, p):
        u, v = p
        if u < self.n and v < self.n:
            return "Λ"
        if u >= self.n and v >= self.n:
            return "Ω"
        return "M"

    def role(self, tokens: Iterable[str], i: int | None = None):
        """(per-observable literals, per-latent-pair literals) of a union of role tokens."""
        n = self.n
        obs = [[] for _ in range(self.m)]
        lats = {p: [] for p in self.g.L}
        for t in tokens:
            for k in range(1, n + 1):
                ak, xk, ck = k - 1, n + k - 1, self.c[k]
                here = {"A": (TRUE, FALSE), "X": (FALSE, TRUE), "C": (ck, FALSE), "B": (-ck, FALSE),
                        "Z": (FALSE, ck), "Y": (FALSE, -ck),
                        "C_i": (TRUE if k == i else FALSE, FALSE), "C_\\i": (ck if k != i else FALSE, FALSE),
                        "Z_i": (FALSE, TRUE if k == i else FALSE), "Z_\\i": (FALSE, ck if k != i else FALSE)}
                if t in ("Λ", "Ω"):
                    continue
                if t not in here:
                    raise ValueError("unknown role %r" % t)
                obs[ak].append(here[t][0])
                obs[xk].append(here[t][1])
            if t in ("Λ", "Ω"):
                for p in lats:
                    if self._lat_kind(p) == t:
                        lats[p].append(TRUE)
        cnf = self.cnf
        return [cnf.OR(x) for x in obs], {p: cnf.OR(x) for p, x in lats.items() if cnf.OR(x) != FALSE}

    def dsep_query(self, cl: Fig3Claim, i: int | None = None) -> Query:
        cnf, g = self.cnf, self.g
        sx, lx = self.role(cl.x, i)
        sy, ly = self.role(cl.y, i)
        sz, lz = self.role(cl.z, i)
        if cl.determined:
            det, _ = self.role(cl.determined, i)
            sz = self._determination(sz, lz, det)
        return Query(sx, sy, sz, lx, ly, lz)

    def _determination(self, z: list[int], lz: dict, det: list[int]) -> list[int]:
        """Z closed under 'a determined node whose parents are all in Z joins Z' (Geiger-Verma-Pearl
        D-separation). D(v) ⇔ det(v) ∧ ¬z(v) ∧ every parent of v is in Z or determined; acyclicity
        makes this recursion well-founded, so its solution is unique (the least fixpoint)."""
        cnf, g = self.cnf, self.g
        D = {v: cnf.var() for v in range(self.m) if det[v] != FALSE}
        zf = [cnf.OR([z[v], D[v]]) if v in D else z[v] for v in range(self.m)]
        for v, dv in D.items():
            conds = [det[v]]
            for u in range(self.m):
                e = g.e(u, v)
                if e != FALSE:
                    conds.append(cnf.OR([-e, zf[u]]))
            for p, lat in g.L.items():
                if v in p:
                    conds.append(cnf.OR([-lat, lz.get(p, FALSE)]))
            body = cnf.AND(conds)
            cnf.add([-dv, body])
            cnf.add([dv, -body, z[v]])     # ¬z(v) ∧ body ⇒ D(v)  (D(v) only matters when v ∉ Z)
        return zf

    def failure(self, cl: Fig3Claim, symmetry: bool = True) -> int:
        """A literal that can be true iff the claim fails on the member."""
        cnf, g, n = self.cnf, self.g, self.n
        if cl.each_i:
            idxs = [1] if symmetry else range(1, n + 1)
            return cnf.implies_some([cnf.implies_all([self.c[i], self._fails(cl, i)]) for i in idxs])
        return self._fails(cl, None)

    def _fails(self, cl: Fig3Claim, i):
        cnf, g, n = self.cnf, self.g, self.n
        if cl.kind == "dsep":
            return g.dconnected(self.dsep_query(cl, i))
        if cl.kind == "no_edge":
            sx, _ = self.role(cl.x)
            sy, _ = self.role(cl.y)
            return cnf.implies_some([cnf.implies_all([e, sx[u], sy[v]]) for (u, v), e in g.E.items()])
        if cl.kind == "no_cross_links":
            terms = []
            for (u, v), lit in list(g.E.items()) + list(g.L.items()):
                a, x = min(u, v), max(u, v)
                if a < n <= x and x - n != a:
                    terms.append(lit)
            return cnf.implies_some(terms)
        if cl.kind == "parents_within":
            sx, _ = self.role(cl.x)
            sy, ly = self.role(cl.y)
            terms = [cnf.implies_all([e, sx[v], -sy[u]]) for (u, v), e in g.E.items()]
            for p, lat in g.L.items():
                for v in p:
                    terms.append(cnf.implies_all([lat, sx[v], -ly.get(p, FALSE)]))
            return cnf.implies_some(terms)
        if cl.kind == "paths_via":
            sx, _ = self.role(cl.x)
            sy, _ = self.role(cl.y)
            sc, _ = self.role(cl.z)
            adj = {}
            for (u, v), lit in list(g.E.items()) + list(g.L.items()):
                adj.setdefault(v, []).append((u, lit))
                adj.setdefault(u, []).append((v, lit))
            layer = [cnf.implies_all([sx[v], -sc[v]]) for v in range(self.m)]
            for _t in range(self.m - 1):
                layer = [cnf.implies_some([layer[v]] + [cnf.implies_all([layer[u], lit, -sc[v]])
                                                        for u, lit in adj.get(v, [])]) for v in range(self.m)]
            return cnf.implies_some([cnf.implies_all([layer[v], sy[v]]) for v in range(self.m)])
        if cl.kind == "chained":
            return self.chained_failure([self.role(b) for b in cl.blocks])
        raise ValueError("unknown claim kind %r" % cl.kind)

    def chained_failure(self, blocks) -> int:
        """A literal that can be true iff the member is not chained with these blocks, each given
        as (per-observable literals, per-latent-pair literals): an observable in no block, an edge
        between non-adjacent blocks, a named latent with a child two blocks away, or an unnamed
        latent whose children are more than two blocks apart (as scriptclasses checks it)."""
        cnf, g = self.cnf, self.g
        blk = [b[0] for b in blocks]
        named_lat = {}
        for k, b in enumerate(blocks):
            for p, lit in b[1].items():
                named_lat.setdefault(p, []).append((k, lit))
        terms = []
        nb = len(blocks)
        for v in range(self.m):
            terms.append(cnf.AND([-blk[k][v] for k in range(nb)]))
        for (u, v), e in g.E.items():
            for k1 in range(nb):
                for k2 in range(nb):
                    if abs(k1 - k2) > 1:
                        terms.append(cnf.implies_all([e, blk[k1][u], blk[k2][v]]))
        for p, lat in g.L.items():
            u, v = p
            named = named_lat.get(p, [])
            for k1 in range(nb):
                for k2 in range(nb):
                    if abs(k1 - k2) > 2:
                        terms.append(cnf.implies_all([lat, blk[k1][u], blk[k2][v]] + [-l for _, l in named]))
            for k, nl in named:
                for w in p:
                    for k2 in range(nb):
                        if abs(k - k2) > 1:
                            terms.append(cnf.implies_all([lat, nl, blk[k2][w]]))
        return cnf.implies_some(terms)

    def symmetry_breaking(self, each_i: bool):
        """Indices may be permuted (A_i, X_i together): the class, (7), the roles and every claim
        (quantified over all i) are invariant, so WLOG the indices in C come first, and for a claim
        'for all i ∈ C' the failing i is 1 (the others sorted likewise)."""
        start = 2 if each_i else 1
        for k in range(start, self.n):
            self.cnf.add([-self.c[k + 1], self.c[k]])


# ------------------------------------------------------------------------------ solving

@dataclass
class SatResult:
    claim: str
    class_name: str
    n: int | None
    status: str                      # 'checked' | 'refuted' | 'unknown'
    seconds: float = 0.0
    variables: int = 0
    clauses: int = 0
    solver: str = DEFAULT_SOLVER
    counterexample: Member | None = None
    detail: str = ""

    @property
    def holds(self) -> bool:
        return self.status == "checked"

    def summary(self) -> str:
        size = "%d vars, %d clauses, %s, %.2f s" % (self.variables, self.clauses, self.solver, self.seconds)
        if self.status == "checked":
            return "checked for %s by SAT (UNSAT: no member violates it; %s)" % (self.class_name, size)
        if self.status == "refuted":
            return "refuted on %s by SAT (%s; re-checked with networkx); edges: %s" % (
                self.class_name, self.detail, self.counterexample.describe())
        return "unknown for %s: %s (%s)" % (self.class_name, self.detail or "solver stopped", size)


def _solve_here(clauses, solver, assumptions):
    from pysat.solvers import Solver as SatSolver   # a SAT solver, not z3 (see tests/test_hostile.py)
    with SatSolver(name=solver, bootstrap_with=clauses) as s:
        if s.solve(assumptions=list(assumptions)):
            return True, [x for x in s.get_model() if x > 0]
        return False, None


def _child(conn, clauses, solver, assumptions):
    try:
        conn.send(_solve_here(clauses, solver, assumptions))
    except BaseException as e:     # report, never hang the parent
        conn.send(("error", repr(e)))
    finally:
        conn.close()


def solve(cnf: CNF, solver: str = DEFAULT_SOLVER, time_limit: float | None = None,
          assumptions: Sequence[int] = ()):
    """(True, model set) | (False, None) | (None, None) on time-out.

    With a time limit the solver runs in a child process that is killed at the limit (not every
    solver in python-sat can be interrupted, CaDiCaL among them)."""
    if time_limit is None:
        ok, model = _solve_here(cnf.clauses, solver, assumptions)
        return ok, (set(model) if model is not None else None)
    import multiprocessing as mp
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, cnf.clauses, solver, list(assumptions)), daemon=True)
    proc.start()
    send.close()
    try:
        if not recv.poll(max(0.0, time_limit)):
            return None, None
        try:
            ok, model = recv.recv()
        except EOFError:
            raise SatCheckError("the SAT solver process died") from None
        if ok == "error":
            raise SatCheckError("the SAT solver failed: %s" % model)
        return ok, (set(model) if model is not None else None)
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        recv.close()


def _nx_sets(member: Member, names: Iterable[str]) -> set[str]:
    return set(member.names_of(member.resolve(names)))


def nx_dsep_fails(member: Member, x: Iterable[str], y: Iterable[str], z: Iterable[str],
                  determined: Iterable[str] = ()) -> str | None:
    """The d-separation evaluated with networkx (an implementation independent of the SAT encoding
    and of fastdsep): None if it holds, else why it fails."""
    g = member.to_networkx()
    X, Y, Z = (_nx_sets(member, s) for s in (x, y, z))
    det = _nx_sets(member, determined)
    changed = True
    while changed:
        changed = False
        for v in sorted(det - Z):
            if set(g.predecessors(v)) <= Z:
                Z.add(v)
                changed = True
    X, Y = X - Z, Y - Z
    if not X or not Y:
        return None
    if X & Y:
        return "X and Y share %s" % sorted(X & Y)
    if nx.is_d_separator(g, X, Y, Z):
        return None
    return "(%s ⊥ %s | %s)_d fails (networkx)" % (" ".join(sorted(X)), " ".join(sorted(Y)), " ".join(sorted(Z)) or "∅")


def _token_names(member: Member, tokens, i):
    out = []
    for t in tokens:
        if t == "C_i":
            out.append("A%d" % i)
        elif t == "Z_i":
            out.append("X%d" % i)
        elif t == "C_\\i":
            out += sorted(member.roles["C"] - {"A%d" % i})
        elif t == "Z_\\i":
            out += sorted(member.roles["Z"] - {"X%d" % i})
        else:
            out.append(t)
    return out


def _chained_fails(member: Member, blocks) -> str | None:
    where = {}
    for k, b in enumerate(blocks):
        for v in bits(member.resolve(b)):
            where[v] = k
    obs = len(member.cls.observables)
    missing = [member.names[v] for v in range(obs) if v not in where]
    if missing:
        return "vertices outside the blocks: %s" % ", ".join(missing)
    for v, pm in enumerate(member.parents):
        for u in bits(pm):
            if u in where and v in where and abs(where[u] - where[v]) > 1:
                return "edge %s -> %s joins non-adjacent blocks" % (member.names[u], member.names[v])
    for lat in member.latent_of:
        if lat in where:
            continue
        kids = [where[c] for c in bits(member.children[lat])]
        if max(kids) - min(kids) > 2:
            return "latent %s joins blocks %d and %d" % (member.names[lat], min(kids) + 1, max(kids) + 1)
    return None


def recheck_fig3(member: Member, cl: Fig3Claim) -> str:
    """Re-check a SAT counter-example independently: acyclic, allowed connections, (7) by networkx,
    and the claim failing by networkx (d-separations) and by the enumeration's own claim.
    Returns the failure description; raises SatCheckError if anything disagrees."""
    cls = member.cls
    for p, o in zip(cls.pair_order, member.options):
        if o not in cls.pair_options[p]:
            raise SatCheckError("SAT model uses a connection the class forbids at %s" % (p,))
    g = member.to_networkx()
    if not nx.is_directed_acyclic_graph(g):
        raise SatCheckError("SAT model is cyclic")
    for d in cls.constraints:
        if nx_dsep_fails(member, d.x, d.y, d.z) is not None:
            raise SatCheckError("SAT model violates the constraint %s" % d.text())
    why = None
    if cl.kind == "dsep":
        idx = sorted(int(i) for i in member.roles["_Cidx"]) if cl.each_i else [None]
        for i in idx:
            why = nx_dsep_fails(member, _token_names(member, cl.x, i), _token_names(member, cl.y, i),
                                _token_names(member, cl.z, i), _token_names(member, cl.determined, i))
            if why:
                why = ("i=%d: " % i if i else "") + why
                break
    elif cl.kind == "chained":
        why = _chained_fails(member, cl.blocks)
    enum = _enumeration_claim(cl, len(member.roles["A"]))
    enum_why = enum.evaluate(member) if enum is not None else None
    if cl.kind in ("dsep", "chained"):
        if why is None or (enum is not None and enum_why is None):
            raise SatCheckError("SAT counter-example to %s does not fail on re-check (networkx: %s; enumeration: %s)"
                                % (cl.name, why, enum_why))
    else:
        if enum_why is None:
            raise SatCheckError("SAT counter-example to %s does not fail the enumeration's check" % cl.name)
        why = enum_why
    return why


def _enumeration_claim(cl: Fig3Claim, n: int):
    from .paper_checks import HYPOTHESES, theorem1_claims
    if cl.enum_name in HYPOTHESES:
        return HYPOTHESES[cl.enum_name][2](n)
    t = theorem1_claims(n)
    return t.get(cl.enum_name)


def check_fig3(claim: str | Fig3Claim, n: int, reading: str = "adjacent", symmetry: bool = True,
               solver: str = DEFAULT_SOLVER, time_limit: float | None = None) -> SatResult:
    """Does every member of the Fig. 3 class (concrete n) satisfying (7) satisfy the claim?"""
    cl = claim if isinstance(claim, Fig3Claim) else fig3_claim(claim)
    if n < 1:
        raise ValueError("n must be at least 1")
    t0 = time.perf_counter()
    enc = Fig3Enc(n, reading, full=cl.full)
    enc.cnf.add([enc.failure(cl, symmetry)])
    if symmetry:
        enc.symmetry_breaking(cl.each_i)
    left = None if time_limit is None else max(0.01, time_limit - (time.perf_counter() - t0))
    ok, model = solve(enc.cnf, solver, left)
    res = SatResult(cl.name, enc.cls.name, n, "unknown", variables=enc.cnf.nv, clauses=len(enc.cnf.clauses),
                    solver=solver)
    if ok is None:
        res.detail = "time limit of %.0f s reached" % time_limit
    elif ok is False:
        res.status = "checked"
    else:
        mem = enc.cls.member(enc.g.decode(model))
        res.detail = recheck_fig3(mem, cl)
        res.status, res.counterexample = "refuted", mem
    res.seconds = time.perf_counter() - t0
    return res


def check_fig3_upto(claim: str, n_max: int, **kw) -> list[SatResult]:
    """check_fig3 for n = 1..n_max, stopping at the first refutation or unknown."""
    out = []
    for n in range(1, n_max + 1):
        out.append(check_fig3(claim, n, **kw))
        if out[-1].status != "checked":
            break
    return out


# ------------------------------------------------------------------------------ classes with fixed sets

def class_query(cls: GraphClass, d: DSep) -> Query:
    idx = {x: k for k, x in enumerate(cls.observables)}
    m = len(cls.observables)

    def mask(names):
        out = [FALSE] * m
        for nm in names:
            if nm not in cls.sets and nm not in idx:
                raise ValueError("%s is neither a set-node nor a vertex of %s" % (nm, cls.name))
            for x in cls.sets.get(nm, (nm,)):
                out[idx[x]] = TRUE
        return out
    return Query(mask(d.x), mask(d.y), mask(d.z))


def check_class_sat(cls: GraphClass, claims: Sequence[DSep], constraints: Sequence[DSep] | None = None,
                    solver: str = DEFAULT_SOLVER, time_limit: float | None = None) -> SatResult:
    """Every member of a class whose d-separations are over fixed set-nodes (chained graphs,
    script classes) satisfying the constraints satisfies every claim?"""
    t0 = time.perf_counter()
    cnf = CNF()
    g = GraphEnc(cnf, cls)
    cons = list(cls.constraints if constraints is None else constraints)
    for d in cons:
        if d.determined:
            raise ValueError("determined nodes are not supported here")
        g.assert_dsep(class_query(cls, d))
    cnf.add([cnf.implies_some([g.dconnected(class_query(cls, d)) for d in claims])])
    left = None if time_limit is None else max(0.01, time_limit - (time.perf_counter() - t0))
    ok, model = solve(cnf, solver, left)
    label = " ".join(d.text() for d in claims)
    res = SatResult(label, cls.name, None, "unknown", variables=cnf.nv, clauses=len(cnf.clauses), solver=solver)
    if ok is None:
        res.detail = "time limit of %.0f s reached" % time_limit
    elif ok is False:
        res.status = "checked"
    else:
        mem = cls.member(g.decode(model))
        if not nx.is_directed_acyclic_graph(mem.to_networkx()):
            raise SatCheckError("SAT model is cyclic")
        for d in cons:
            if nx_dsep_fails(mem, d.x, d.y, d.z) is not None or d.evaluate(mem) is not None:
                raise SatCheckError("SAT model violates the constraint %s" % d.text())
        fails = [(d, nx_dsep_fails(mem, d.x, d.y, d.z)) for d in claims]
        fails = [(d, w) for d, w in fails if w is not None and d.evaluate(mem) is not None]
        if not fails:
            raise SatCheckError("SAT counter-example does not fail any claim on re-check")
        res.status, res.counterexample, res.detail = "refuted", mem, "%s: %s" % (fails[0][0].text(), fails[0][1])
    res.seconds = time.perf_counter() - t0
    return res


def check_lemma1_sat(k: int = 2, kinds: str = "any", solver: str = DEFAULT_SOLVER,
                     time_limit: float | None = None) -> list[SatResult]:
    """Lemma 1 on every chained graph whose four sets have 1..k vertices (edges and latent common
    causes inside a set and between adjacent sets when kinds='any'):
    (A ⊥ C | B)_d  =>  (A ⊥ CD | B)_d and (A ⊥ D | BC)_d."""
    if k < 1:
        raise ValueError("k must be at least 1")
    claims = [DSep(("A",), ("C", "D"), ("B",)), DSep(("A",), ("D",), ("B", "C"))]
    cons = [DSep(("A",), ("C",), ("B",))]
    out = []
    t0 = time.perf_counter()
    for sizes in itertools.product(range(1, k + 1), repeat=4):
        left = None if time_limit is None else time_limit - (time.perf_counter() - t0)
        if left is not None and left <= 0:
            out.append(SatResult("Lemma 1", "chained graph " + "".join(map(str, sizes)), None, "unknown",
                                 detail="time limit reached", solver=solver))
            break
        out.append(check_class_sat(chained_class(sizes, within=kinds, between=kinds), claims, cons, solver, left))
        if out[-1].status != "checked":
            break
    return out
