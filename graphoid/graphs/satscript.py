"""`hypothesis … checked on Fig3 for n <= k by sat`: a script's graph hypothesis about families
(A, X over I; B, C, Y, Z over I_B, I_C; Λ, Ω) decided by SAT on the Fig. 3 class for each n ≤ k.

The statement is translated into literals of ``satcheck.Fig3Enc``: an index set becomes, per index
k, a literal (I_C ↦ c_k, I_B ↦ ¬c_k, {i} ↦ [k = value of i], differences as conjunctions); a family
over it the matching vertices; Λ and Ω the latents on A–A and X–X pairs. The negation of
"for all bindings: body" is a disjunction over the bindings of quantified and free index variables
(a member index i: n choices guarded by its domain; a subset γ: 2^n choices). No symmetry breaking
here (a statement may name a fixed index). A model is re-checked with the enumeration's own
evaluation of the statement (scriptclasses.Translator) and networkx before it is reported.
"""
from __future__ import annotations

import itertools
import time

from ..sets import IDiff, IEmpty, IFull, IName, ISingle, IUnion, VarSet
from ..statements import CI, Chained, NoEdge, Schema, statement_text
from . import satcheck as sc
from .scriptclasses import ClassError, Translator


class _Tr:
    def __init__(self, enc: sc.Fig3Enc, sclass, decl):
        self.enc, self.sc, self.decl = enc, sclass, decl
        self.cnf = enc.cnf

    def index_lit(self, e, k: int, env: dict) -> int:
        cnf, n = self.cnf, self.enc.n
        if isinstance(e, IFull):
            return sc.TRUE
        if isinstance(e, IEmpty):
            return sc.FALSE
        if isinstance(e, IName):
            if e.name == self.sc.c_index:
                return self.enc.c[k]
            if e.name == self.sc.b_index:
                return -self.enc.c[k]
            if e.name in env:
                return sc.TRUE if k in env[e.name] else sc.FALSE
            raise ClassError("index set %s has no counterpart in the Fig. 3 class" % e.name)
        if isinstance(e, ISingle):
            if isinstance(e.term, int):
                return sc.TRUE if e.term == k else sc.FALSE
            if e.term in env:
                return sc.TRUE if env[e.term] == k else sc.FALSE
            raise ClassError("index %s is not bound" % e.term)
        if isinstance(e, IDiff):
            return cnf.AND([self.index_lit(e.left, k, env), -self.index_lit(e.right, k, env)])
        if isinstance(e, IUnion):
            return cnf.OR([self.index_lit(p, k, env) for p in e.parts])
        raise ClassError("index expression not supported by the SAT check")

    def varset(self, s: VarSet, env: dict):
        enc, n = self.enc, self.enc.n
        obs = [[] for _ in range(enc.m)]
        lats = {p: [] for p in enc.g.L}
        for v in s.scalars:
            if v not in ("Λ", "Ω"):
                raise ClassError("%s has no counterpart in the Fig. 3 class (latents are Λ and Ω)" % v)
            for p in lats:
                if enc._lat_kind(p) == v:
                    lats[p].append(sc.TRUE)
        for fam, e in s.fams:
            if fam not in ("A", "X"):
                raise ClassError("the Fig. 3 class has families A and X only, not %s" % fam)
            for k in range(1, n + 1):
                obs[(k - 1) if fam == "A" else (n + k - 1)].append(self.index_lit(e, k, env))
        cnf = self.cnf
        lat_lits = {}
        for p, x in lats.items():
            lit = cnf.OR(x)
            if lit != sc.FALSE:
                lat_lits[p] = lit
        return [cnf.OR(x) for x in obs], lat_lits

    def body_fails(self, body, env: dict, determined) -> int:
        enc, cnf, g = self.enc, self.cnf, self.enc.g
        if isinstance(body, CI):
            sx, lx = self.varset(body.x, env)
            sy, ly = self.varset(body.y, env)
            sz, lz = self.varset(body.z, env)
            if determined:
                det = [sc.FALSE] * enc.m
                for d in determined:
                    dd, _ = self.varset(d, env)
                    det = [cnf.OR([a, b]) for a, b in zip(det, dd)]
                sz = enc._determination(sz, lz, det)
            return g.dconnected(sc.Query(sx, sy, sz, lx, ly, lz))
        if isinstance(body, NoEdge):
            sx, lx = self.varset(body.x, env)
            sy, ly = self.varset(body.y, env)
            terms = []
            for (u, v), e in g.E.items():
                terms.append(cnf.implies_all([e, sx[u], sy[v]]))
                if not body.directed:
                    terms.append(cnf.implies_all([e, sy[u], sx[v]]))
            for p, lat in g.L.items():      # an edge from a latent (named in X or Y) to its children
                for w in p:
                    terms.append(cnf.implies_all([lat, lx.get(p, sc.FALSE), sy[w]]))
                    if not body.directed:
                        terms.append(cnf.implies_all([lat, ly.get(p, sc.FALSE), sx[w]]))
            return cnf.implies_some(terms)
        if isinstance(body, Chained):
            return enc.chained_failure([self.varset(b, env) for b in body.blocks])
        raise ClassError("%s cannot be checked by SAT" % type(body).__name__)


def _index_vars_of(e) -> set[str]:
    if isinstance(e, ISingle) and isinstance(e.term, str):
        return {e.term}
    if isinstance(e, IName):
        return {e.name}
    if isinstance(e, IDiff):
        return _index_vars_of(e.left) | _index_vars_of(e.right)
    if isinstance(e, IUnion):
        return set().union(*(_index_vars_of(p) for p in e.parts))
    return set()


def _sets_of(body):
    if isinstance(body, CI):
        return (body.x, body.y, body.z)
    if isinstance(body, NoEdge):
        return (body.x, body.y)
    if isinstance(body, Chained):
        return body.blocks
    return ()


def _bindings(tr: _Tr, stmt, n: int):
    """(guard literal, env) for every assignment of the quantified and free index variables."""
    binders = list(stmt.binders) if isinstance(stmt, Schema) else []
    body = stmt.body if isinstance(stmt, Schema) else stmt
    names = {b.name: (b.kind, b.domain) for b in binders}
    used = set()
    for s in _sets_of(body):
        for _f, e in s.fams:
            used |= _index_vars_of(e)
    for v, dom in tr.decl.index_vars.items():
        if v not in names and v in used:
            names[v] = ("member", dom)
    choices = []
    for nm, (kind, dom) in names.items():
        if kind == "member":
            choices.append([(nm, k) for k in range(1, n + 1)])
        else:
            choices.append([(nm, frozenset(c)) for r in range(n + 1) for c in itertools.combinations(range(1, n + 1), r)])
    for combo in itertools.product(*choices):
        env = dict(combo)
        guard = []
        for nm, val in combo:
            kind, dom = names[nm]
            if kind == "member":
                guard.append(tr.index_lit(dom, val, {}))
            else:
                guard += [tr.index_lit(dom, k, {}) for k in val]
        yield guard, env


def check_statement_sat(sclass, decl, stmt, determined=(), bound: int = 2, time_limit: float = 600.0):
    """Like scriptclasses.check_statement_on_class, by SAT: (status, text, sizes decided, member)."""
    if sclass.kind != "fig3":
        raise ClassError("hypotheses about families are checked on a fig3(...) class")
    check = Translator(sclass, decl).claim(stmt, tuple(determined))
    body = stmt.body if isinstance(stmt, Schema) else stmt
    t0 = time.perf_counter()
    for n in range(1, bound + 1):
        left = time_limit - (time.perf_counter() - t0)
        if left <= 0:
            return "unknown", "SAT check ran out of time at n=%d" % n, n - 1, None
        enc = sc.Fig3Enc(n)
        tr = _Tr(enc, sclass, decl)
        terms = []
        for guard, env in _bindings(tr, stmt, n):
            terms.append(enc.cnf.implies_all(guard + [tr.body_fails(body, env, determined)]))
        enc.cnf.add([enc.cnf.implies_some(terms)])
        ok, model = sc.solve(enc.cnf, time_limit=max(0.01, time_limit - (time.perf_counter() - t0)))
        if ok is None:
            return "unknown", "SAT check ran out of time at n=%d" % n, n - 1, None
        if ok:
            mem = enc.cls.member(enc.g.decode(model))
            _recheck_member(mem)
            why = check(mem)
            if why is None:
                raise sc.SatCheckError("SAT counter-example to %s does not fail the enumeration's evaluation"
                                       % statement_text(stmt, decl))
            return ("refuted", "fails for n=%d: %s; counter-example (SAT, re-checked): %s" % (n, why, mem.describe()),
                    n, mem)
    return "checked", "checked for n ≤ %d by SAT" % bound, bound, None


def _recheck_member(mem):
    import networkx as nx
    cls = mem.cls
    for p, o in zip(cls.pair_order, mem.options):
        if o not in cls.pair_options[p]:
            raise sc.SatCheckError("SAT model uses a connection the class forbids")
    if not nx.is_directed_acyclic_graph(mem.to_networkx()):
        raise sc.SatCheckError("SAT model is cyclic")
    for d in cls.constraints:
        if sc.nx_dsep_fails(mem, d.x, d.y, d.z) is not None:
            raise sc.SatCheckError("SAT model violates %s" % d.text())
