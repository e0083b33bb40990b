"""An independent re-checker for graphoid certificates: re-derives every step from the certificate's
structural data alone. Uses only the standard library and z3 (no networkx, nothing from graphoid).
Run: python3 checker.py CERT.json   (or `graphoid recheck CERT.json`).

Audit guide: `check_file` walks the steps in order; every derived step goes through `RULES[rule]`,
which raises Reject unless the step is re-derived. A rule not in RULES is rejected, never trusted."""
from __future__ import annotations

import json
import re
import sys

import z3

if __name__ == "__main__" and not __package__:
    # run as a file (python3 checker.py CERT.json): load this folder as a package of its own and run
    # its main; still the standard library and z3 only, nothing from graphoid
    import importlib.util
    import os
    _here = os.path.dirname(os.path.abspath(__file__))
    _spec = importlib.util.spec_from_file_location("graphoid_recheck", os.path.join(_here, "__init__.py"),
                                                   submodule_search_locations=[_here])
    _pkg = importlib.util.module_from_spec(_spec)
    sys.modules["graphoid_recheck"] = _pkg
    _spec.loader.exec_module(_pkg)
    sys.exit(sys.modules["graphoid_recheck.checker"].main())

TIMEOUT_MS = 5000


class Reject(Exception):
    """The certificate does not establish what it claims."""


def need(cond, msg: str):
    if not cond:
        raise Reject(msg)


# -- index expressions and sets, in z3 ----------------------------------------------------------------
# An index tree is {full: R} | {name: γ} | {single: j or 3} | {diff: [a, b]} | {union: [...]} | {empty: true}.
# A set is a list of scalar names and {family: F, index: tree}; its F-members are the F_t with t in
# the tree and 1 <= t <= n_R (R the range of F).

def index_names(t, kind: str) -> set:
    """Subset names ('name') or index variables ('single', strings only) occurring in a tree."""
    if not isinstance(t, dict):
        raise Reject("malformed index expression %r" % (t,))
    if kind in t and (kind == "name" or isinstance(t[kind], str)):
        return {t[kind]}
    out = set()
    for sub in t.get("diff", []) + t.get("union", []):
        out |= index_names(sub, kind)
    return out


class Theory:
    """Declarations of one file, and decisions of ⊆ / = / disjoint between sets under them."""

    def __init__(self, decl: dict):
        self.ranges = decl.get("ranges", {})            # R -> bound symbol (n)
        self.subsets = decl.get("subsets", {})          # γ -> range it lies in
        self.partitions = decl.get("partitions", [])    # [whole, [parts]]
        self.index_vars = decl.get("index_vars", {})    # j -> tree of its domain
        self.subset_of = decl.get("subset_of", [])      # [γ, tree]: γ ⊆ that index set
        self.base = decl.get("base_families", {})       # F -> range
        self.scalars = set(decl.get("variables", [])) | set(decl.get("latent", []))
        self._decl_key = json.dumps(decl, sort_keys=True)

    def validate(self) -> list[str]:
        """Declarations must mean what they say: a partition's parts are distinct and new; an
        arbitrary index's domain can be non-empty (z3: satisfiable together with the others)."""
        probs = []
        seen: set = set()
        for whole, parts in self.partitions:
            if not isinstance(parts, list) or len(set(parts)) != len(parts) or len(parts) < 2:
                probs.append("partition of %s has repeated or too few parts %r" % (whole, parts))
            for p in parts if isinstance(parts, list) else []:
                if p in seen or p == whole or p in self.ranges:
                    probs.append("%s is a part of more than one partition (or a range)" % p)
                seen.add(p)
        if self.index_vars:
            s, mem, _, term = self._enc(())
            r = s.check()
            if r != z3.sat:
                probs.append("the arbitrary indices' domains cannot all be non-empty (z3: %s)" % r)
        return probs

    def assumed(self) -> list[str]:
        out = ["%s = %s" % (w, " ⊔ ".join(p)) for w, p in self.partitions]
        out += ["%s ⊆ %s" % (g, json.dumps(t, ensure_ascii=False)) for g, t in self.subset_of]
        out += ["the domain of %s is non-empty" % j for j, dom in self.index_vars.items() if "full" not in dom]
        return out

    def split(self, s) -> tuple[frozenset, dict]:
        need(isinstance(s, list), "malformed set %r" % (s,))
        scal, fams = set(), {}
        for e in s:
            if isinstance(e, str):
                need(e in self.scalars, "undeclared variable %r" % e)
                scal.add(e)
            else:
                need(isinstance(e, dict) and e.get("family") in self.base, "undeclared family in %r" % (e,))
                fams.setdefault(e["family"], []).append(e["index"])
        return frozenset(scal), fams

    # z3 encoding: n_R symbolic Int >= 1, subsets are uninterpreted predicates, index variables
    # Int constants; declarations (and schema binders in scope) are universally quantified axioms.
    def _enc(self, binders):
        s = z3.Solver()
        s.set("timeout", TIMEOUT_MS)
        n = {sym: z3.Int("·n:" + sym) for sym in set(self.ranges.values())}
        for v in n.values():
            s.add(v >= 1)
        preds, ints = {}, {}

        def inr(t, r):
            need(r in self.ranges, "undeclared index range %r" % r)
            return z3.And(t >= 1, t <= n[self.ranges[r]])

        def pred(name):
            if name in self.ranges:
                return lambda t: inr(t, name)
            if name not in preds:
                preds[name] = z3.Function("·P:" + name, z3.IntSort(), z3.BoolSort())
            return preds[name]

        def term(v):
            if isinstance(v, bool) or not isinstance(v, (int, str)):
                raise Reject("malformed index %r" % (v,))
            if isinstance(v, int):
                return z3.IntVal(v)
            m = re.fullmatch(r"(.+?)([+-][0-9]+)", v)     # an affine term j-1, k+1
            name, off = (m.group(1), int(m.group(2))) if m else (v, 0)
            base = n[name] if name in n else ints.setdefault(name, z3.Int("·i:" + name))   # n: the bound
            return base + off if off else base

        def mem(tree, t):
            need(isinstance(tree, dict) and len(tree) == 1, "malformed index expression %r" % (tree,))
            (k, v), = tree.items()
            if k == "full":
                return inr(t, v)
            if k == "name":
                return pred(v)(t)
            if k == "single":
                return t == term(v)
            if k == "diff":
                return z3.And(mem(v[0], t), z3.Not(mem(v[1], t)))
            if k == "union":
                return z3.Or([mem(p, t) for p in v] or [z3.BoolVal(False)])
            if k == "empty":
                return z3.BoolVal(False)
            if k == "upto":
                return t <= term(v)
            raise Reject("unknown index expression %r" % k)

        u = z3.Int("·u")
        for g, r in self.subsets.items():
            s.add(z3.ForAll([u], z3.Implies(pred(g)(u), inr(u, r))))
        for g, tree in self.subset_of:
            s.add(z3.ForAll([u], z3.Implies(pred(g)(u), mem(tree, u))))
        for whole, parts in self.partitions:
            s.add(z3.ForAll([u], pred(whole)(u) == z3.Or([pred(p)(u) for p in parts])))
            for a in range(len(parts)):
                for b in range(a + 1, len(parts)):
                    s.add(z3.ForAll([u], z3.Not(z3.And(pred(parts[a])(u), pred(parts[b])(u)))))
        for j, dom in self.index_vars.items():
            s.add(mem(dom, term(j)))
        for b in binders:
            if b["kind"] == "subset":
                s.add(z3.ForAll([u], z3.Implies(pred(b["name"])(u), mem(b["domain"], u))))
            elif b["kind"] == "notmember":     # a probability law's hypothesis 'k+1 ∉ D'
                s.add(z3.Not(mem(b["domain"], term(b["name"]))))
            else:
                s.add(mem(b["domain"], term(b["name"])))
        return s, mem, inr, term

    def _decide(self, s, violation, what: str):
        s.add(violation)
        r = s.check()
        if r == z3.unsat:
            return
        raise Reject("%s: %s" % ("refuted" if r == z3.sat else "undecided (%s)" % s.reason_unknown(), what))

    def relation(self, rel: str, a, b, what: str, binders=()):
        """rel in subset / equal / disjoint; returns None if it holds, raises Reject otherwise.
        Decisions are memoised per declarations and arguments (they are pure functions of them)."""
        key = (self._decl_key, rel, json.dumps([a, b, list(binders)], sort_keys=True))
        if key not in _DECIDED:
            try:
                self._relation(rel, a, b, what, binders)
                _DECIDED[key] = None
            except Reject as e:
                _DECIDED[key] = (str(e), what)
        if _DECIDED[key] is not None:
            msg, first_what = _DECIDED[key]
            raise Reject(msg.replace(first_what, what) if first_what else msg)

    def _relation(self, rel: str, a, b, what: str, binders=()):
        (sa, fa), (sb, fb) = self.split(a), self.split(b)
        bad = {"subset": sa - sb, "equal": sa ^ sb, "disjoint": sa & sb}[rel]
        need(not bad, "%s: fails on %s" % (what, ", ".join(sorted(bad))))
        fams = [f for f in sorted(set(fa) | set(fb))
                if not (rel != "disjoint" and _same(fa.get(f), fb.get(f)))]
        if not fams:
            return
        s, mem, inr, _ = self._enc(binders)
        t = z3.Int("t")
        viol = []
        for f in fams:
            ina = z3.And(inr(t, self.base[f]), z3.Or([mem(x, t) for x in fa.get(f, [])] or [z3.BoolVal(False)]))
            inb = z3.And(inr(t, self.base[f]), z3.Or([mem(x, t) for x in fb.get(f, [])] or [z3.BoolVal(False)]))
            viol.append({"subset": z3.And(ina, z3.Not(inb)), "equal": ina != inb, "disjoint": z3.And(ina, inb)}[rel])
        self._decide(s, z3.Or(viol), what)

    def index_member(self, v, dom, what: str, binders=()):
        s, mem, _, term = self._enc(binders)
        self._decide(s, z3.Not(mem(dom, term(v))), what)

    def index_subset(self, e, dom, rng: str, what: str, binders=()):
        s, mem, inr, _ = self._enc(binders)
        t = z3.Int("t")
        self._decide(s, z3.And(inr(t, rng), mem(e, t), z3.Not(mem(dom, t))), what)


_DECIDED: dict = {}   # (declarations, relation, arguments) -> None (holds) or the reason it does not


def _same(x, y) -> bool:
    return json.dumps(x, sort_keys=True) == json.dumps(y, sort_keys=True)


def union(*sets) -> list:
    out = []
    for s in sets:
        out += [e for e in s if e not in out]
    return out


def minus_scalars(a, b) -> list:
    """a \\ b for the weak-union rule; families are subtracted with a diff node."""
    out = []
    for e in a:
        if isinstance(e, str):
            if e not in b:
                out.append(e)
        else:
            rm = [x["index"] for x in b if isinstance(x, dict) and x.get("family") == e.get("family")]
            out.append({"family": e["family"], "index": {"diff": [e["index"], {"union": rm}]}} if rm else e)
    return out


# -- d-separation (Bayes ball) and chained graphs ------------------------------------------------------
def acyclic(nodes, edges) -> bool:
    indeg = {v: 0 for v in nodes}
    for _, v in edges:
        indeg[v] += 1
    todo, seen = [v for v in nodes if indeg[v] == 0], 0
    while todo:
        u = todo.pop()
        seen += 1
        for a, b in edges:
            if a == u:
                indeg[b] -= 1
                if indeg[b] == 0:
                    todo.append(b)
    return seen == len(nodes)


def d_separated(nodes, edges, X, Y, Z) -> bool:
    """Koller & Friedman, Algorithm 3.1: the vertices reachable from X by an active trail given Z."""
    pa = {v: [a for a, b in edges if b == v] for v in nodes}
    ch = {v: [b for a, b in edges if a == v] for v in nodes}
    anc, stack = set(Z), list(Z)           # Z and its ancestors: where colliders are open
    while stack:
        for p in pa[stack.pop()]:
            if p not in anc:
                anc.add(p)
                stack.append(p)
    seen, todo = set(), [(x, "up") for x in X]
    while todo:
        v, d = todo.pop()
        if (v, d) in seen:
            continue
        seen.add((v, d))
        if v in Y and v not in Z:
            return False
        if d == "up" and v not in Z:        # arrived from a child
            todo += [(p, "up") for p in pa[v]] + [(c, "down") for c in ch[v]]
        elif d == "down":                    # arrived from a parent
            if v not in Z:
                todo += [(c, "down") for c in ch[v]]
            if v in anc:
                todo += [(p, "up") for p in pa[v]]
    return True


def sem(kind, graph=None, positive=False, gaussian=False, determinism=False) -> dict:
    out = {"kind": kind, "graph": graph, "positive": positive, "gaussian": gaussian}
    if determinism:      # the conclusion rests on an assumed determination
        out["determinism"] = True
    return out


def ci_of(st) -> dict:
    need(st.get("type") == "ci", "expected a c.i. statement, got %s" % st.get("type"))
    return st


def combine(prems, c, positive=False, gaussian=False) -> dict:
    kinds = {p[1]["kind"] for p in prems if p[1]}
    need(len(kinds) == 1 and all(p[1] for p in prems), "premises mix kinds of semantics")
    graphs = {p[1]["graph"] for p in prems if p[1]["graph"]}
    need(len(graphs) <= 1, "premises are about different graphs")
    g = graphs.pop() if graphs else None
    if kinds == {"dsep"}:
        need(c["dsep"] and c["graph"] == g, "conclusion must be a d-separation in %s" % g)
        return sem("dsep", g)
    need(not c["dsep"], "probabilistic premises cannot give a d-separation")
    return sem("prob", g, positive or any(p[1]["positive"] for p in prems),
               gaussian or any(p[1]["gaussian"] for p in prems), any(p[1].get("determinism") for p in prems))


def symmetry(ctx, st, P):
    a, c = ci_of(P[0][0]), ci_of(st)
    ctx.eq(c["x"], a["y"], "X is the premise's Y")
    ctx.eq(c["y"], a["x"], "Y is the premise's X")
    ctx.eq(c["z"], a["z"], "Z unchanged")
    return combine(P, c)


def decomposition(ctx, st, P):
    a, c = ci_of(P[0][0]), ci_of(st)
    ctx.eq(c["x"], a["x"], "X unchanged")
    ctx.th.relation("subset", c["y"], a["y"], "Y ⊆ premise's YW")
    ctx.eq(c["z"], a["z"], "Z unchanged")
    return combine(P, c)


def weak_union(ctx, st, P):
    a, c = ci_of(P[0][0]), ci_of(st)
    ctx.eq(c["x"], a["x"], "X unchanged")
    ctx.th.relation("subset", c["y"], a["y"], "Y ⊆ premise's YW")
    ctx.eq(c["z"], union(a["z"], minus_scalars(a["y"], c["y"])), "Z = premise's Z ∪ W")
    return combine(P, c)


def contraction(ctx, st, P):
    c = ci_of(st)
    for a, b in ((P[0][0], P[1][0]), (P[1][0], P[0][0])):   # premises may come in either order
        try:
            a, b = ci_of(a), ci_of(b)
            ctx.eq(a["x"], c["x"], "X of (X ⊥ Y | Z)")
            ctx.eq(b["x"], c["x"], "X of (X ⊥ W | ZY)")
            ctx.eq(a["z"], c["z"], "(X ⊥ Y | Z) conditions on Z")
            ctx.eq(b["z"], union(c["z"], a["y"]), "(X ⊥ W | ZY) conditions on ZY")
            ctx.eq(c["y"], union(a["y"], b["y"]), "conclusion's right side is YW")
            return combine(P, c)
        except Reject as e:
            err = e
    raise err


def intersection(ctx, st, P):
    a, b, c = ci_of(P[0][0]), ci_of(P[1][0]), ci_of(st)     # a = (X ⊥ W | ZY), b = (X ⊥ Y | ZW)
    ctx.eq(a["x"], c["x"], "X unchanged (first premise)")
    ctx.eq(b["x"], c["x"], "X unchanged (second premise)")
    ctx.eq(a["z"], union(c["z"], b["y"]), "first premise conditions on ZY")
    ctx.eq(b["z"], union(c["z"], a["y"]), "second premise conditions on ZW")
    ctx.eq(c["y"], union(a["y"], b["y"]), "conclusion's right side is YW")
    return combine(P, c, positive=True)      # valid in strictly positive distributions only


def composition(ctx, st, P):
    a, b, c = ci_of(P[0][0]), ci_of(P[1][0]), ci_of(st)     # (X ⊥ Y | Z) & (X ⊥ W | Z) ⇒ (X ⊥ YW | Z)
    for q in (a, b):
        ctx.eq(q["x"], c["x"], "X unchanged")
        ctx.eq(q["z"], c["z"], "Z unchanged")
    ctx.eq(c["y"], union(a["y"], b["y"]), "conclusion's right side is YW")
    return combine(P, c, gaussian=True)      # d-separation and Gaussian distributions only


def weak_transitivity(ctx, st, P, cases):
    """(X ⊥ Y | Z) & (X ⊥ Y | Zγ) ⇒ (X ⊥ γ | Z) ∨ (γ ⊥ Y | Z), used by cases: premises are the two
    c.i.s and the last step of each branch; `cases` are the two supposed (and now discharged) cases."""
    a, b, c = ci_of(P[0][0]), ci_of(P[1][0]), ci_of(st)
    need(isinstance(cases, list) and len(cases) == 2 and all(ctx.kinds.get(k) == "case" for k in cases),
         "a proof by cases must discharge two supposed cases")
    ctx.eq(a["x"], b["x"], "same X")
    ctx.eq(a["y"], b["y"], "same Y")
    g = [v for v in b["z"] if v not in a["z"]]
    need(len(g) == 1 and isinstance(g[0], str), "second premise conditions on Z plus one variable")
    ctx.th.relation("subset", a["z"], b["z"], "Z ⊆ Zγ")
    ctx.th.relation("disjoint", g, union(a["x"], a["y"]), "γ outside XY")
    wants = ((a["x"], g, a["z"]), (g, a["y"], a["z"]))

    def branches_match(c1, c2):   # branch k may rest on case k, never on the other case
        for k, want, then, other in ((c1, wants[0], P[2][2], c2), (c2, wants[1], P[3][2], c1)):
            cs = ci_of(ctx.statements[k])
            need(cs["dsep"] == a["dsep"] and cs["graph"] == a["graph"], "case has the premises' kind")
            for key, w in zip("xyz", want):
                ctx.eq(cs[key], w, "case (%s) %s" % (k, key))
            need(other not in ctx.open[then], "branch (%s) rests on the other case (%s)" % (then, other))
    try:
        branches_match(*cases)
    except Reject:
        branches_match(*reversed(cases))
    for q in (P[2][0], P[3][0]):
        for key in "xyz":
            ctx.eq(ci_of(q)[key], c[key], "branch ends in the goal's %s" % key)
    return combine(P, c, gaussian=True)


def nonadjacency(ctx, st, P):
    a, c = ci_of(P[0][0]), st
    need(c.get("type") == "noedge", "conclusion must be 'no edge between … and …'")
    need(P[0][1] and P[0][1]["kind"] == "dsep" and P[0][1]["graph"] == c["graph"], "premise is a d-separation in the graph")
    try:
        ctx.th.relation("subset", c["x"], a["x"], "first side ⊆ X")
        ctx.th.relation("subset", c["y"], a["y"], "second side ⊆ Y")
    except Reject:
        ctx.th.relation("subset", c["x"], a["y"], "first side ⊆ Y")
        ctx.th.relation("subset", c["y"], a["x"], "second side ⊆ X")
    return sem("dsep", c["graph"])


def d_separation(ctx, st, P):
    c = ci_of(st)
    g = ctx.graph(c["graph"], "dag")
    X, Y, Z = (ctx.th.split(c[k]) for k in "xyz")
    need(not (X[1] or Y[1] or Z[1]), "d-separation needs concrete vertices")
    need(X[0] | Y[0] | Z[0] <= set(g["nodes"]), "not vertices of %s" % c["graph"])
    need(acyclic(g["nodes"], g["edges"]), "%s has a cycle" % c["graph"])
    need(c["dsep"], "conclusion must be a d-separation")
    need(d_separated(g["nodes"], g["edges"], X[0], Y[0], Z[0]), "not d-separated in %s" % c["graph"])
    return sem("dsep", c["graph"])


def d_connection(ctx, st, P):
    """(X ⊥̸⊥ Y | Z)_d: this checker's own d-separation test must say 'not separated'."""
    need(st.get("type") == "dconnection", "conclusion must be a d-connection statement")
    c = ci_of(st["ci"])
    g = ctx.graph(c["graph"], "dag")
    X, Y, Z = (ctx.th.split(c[k]) for k in "xyz")
    need(not (X[1] or Y[1] or Z[1]), "d-connection needs concrete vertices")
    need(X[0] | Y[0] | Z[0] <= set(g["nodes"]), "not vertices of %s" % c["graph"])
    need(X[0] and Y[0], "both sides of a d-connection must be nonempty")
    need(acyclic(g["nodes"], g["edges"]), "%s has a cycle" % c["graph"])
    need(c["dsep"], "conclusion must be a d-connection (…)_d")
    need(not d_separated(g["nodes"], g["edges"], X[0], Y[0], Z[0]), "d-separated in %s, not d-connected" % c["graph"])
    return sem("dsep", c["graph"])


def _body(st):
    return (ci_of(st["body"]), st["binders"]) if st.get("type") == "schema" else (ci_of(st), [])


def markov(ctx, st, P):
    (pb, pbind), (cb, cbind) = _body(P[0][0]), _body(st)
    need(P[0][1] and P[0][1]["kind"] == "dsep", "Markov needs a d-separation premise")
    need(not cb["dsep"] and _same(pbind, cbind), "conclusion must be the premise without _d")
    for k in "xyz":
        ctx.eq(cb[k], pb[k], "%s unchanged" % k, cbind)
    return sem("prob", P[0][1]["graph"])


def faithfulness(ctx, st, P):
    (p, psem, _), (pr, _, _) = P
    need(pr.get("type") == "principle" and pr.get("name") == "faithfulness", "cite the faithfulness assumption")
    # The premise must hold in the phenomenon's P itself: a fact about the distributions compatible with
    # another graph, or about positive/Gaussian ones only, need not hold in P.
    need(psem and psem["kind"] == "prob" and psem["graph"] in (None, pr["graph"]) and not psem["positive"]
         and not psem["gaussian"], "premise must be a c.i. of the phenomenon's distribution")
    (pb, pbind), (cb, cbind) = _body(p), _body(st)
    need(cb["dsep"] and cb["graph"] == pr["graph"] and _same(pbind, cbind), "conclusion must be a d-separation in %s" % pr["graph"])
    for k in "xyz":
        ctx.eq(cb[k], pb[k], "%s unchanged" % k, cbind)
    return sem("dsep", pr["graph"])


def _subst(t, names, vars_):
    if "name" in t and t["name"] in names:
        return names[t["name"]]
    if "single" in t and isinstance(t["single"], str) and t["single"] in vars_:
        return {"single": vars_[t["single"]]}
    if "diff" in t:
        return {"diff": [_subst(x, names, vars_) for x in t["diff"]]}
    if "union" in t:
        return {"union": [_subst(x, names, vars_) for x in t["union"]]}
    return t


def _subst_set(s, names, vars_):
    return [e if isinstance(e, str) else {"family": e["family"], "index": _subst(e["index"], names, vars_)} for e in s]


def _range_of(ctx, t) -> str:
    if "full" in t:
        return t["full"]
    if "name" in t and t["name"] in ctx.th.subsets:
        return ctx.th.subsets[t["name"]]
    if "diff" in t:
        return _range_of(ctx, t["diff"][0])
    need(len(ctx.th.ranges) == 1, "cannot tell the index range of %r" % (t,))
    return next(iter(ctx.th.ranges))


def instantiation(ctx, st, P, bindings):
    p, c = P[0][0], ci_of(st)
    need(p.get("type") == "schema", "premise is not a schema")
    need(isinstance(bindings, dict), "instantiation without bindings")
    names, vars_ = dict(bindings.get("subset", {})), dict(bindings.get("member", {}))
    want = {b["name"] for b in p["binders"]}
    need(set(names) | set(vars_) == want and not set(names) & set(vars_), "bindings must match the binders")
    for b in p["binders"]:
        dom = _subst(b["domain"], names, vars_)
        if b["kind"] == "subset":
            need(b["name"] in names, "%s must be bound to an index set" % b["name"])
            ctx.th.index_subset(names[b["name"]], dom, _range_of(ctx, dom), "instance of %s lies in its domain" % b["name"])
        else:
            need(b["name"] in vars_, "%s must be bound to an index" % b["name"])
            ctx.th.index_member(vars_[b["name"]], dom, "instance of %s is a member of its domain" % b["name"])
    body = p["body"]
    need(c["dsep"] == body["dsep"] and c["graph"] == body["graph"], "instance must keep the schema's kind")
    for k in "xyz":
        ctx.eq(c[k], _subst_set(body[k], names, vars_), "%s is the instance's" % k)
    return P[0][1]


def generalisation(ctx, st, P, premise_label):
    a = ci_of(P[0][0])
    need(st.get("type") == "schema" and len(st["binders"]) == 1 and st["binders"][0]["kind"] == "member",
         "conclusion must be 'for all i ∈ D: …'")
    b = st["binders"][0]
    i = b["name"]
    need(i in ctx.th.index_vars and _same(ctx.th.index_vars[i], b["domain"]), "%s must be declared arbitrary in the domain" % i)
    for j, dom in ctx.th.index_vars.items():   # another index declared relative to i ties i down
        need(j == i or i not in index_names(dom, "single"), "%s is not arbitrary: %s's domain mentions it" % (i, j))
    for lab in ctx.assumptions_of(premise_label):
        need(i not in mentioned_vars(ctx.statements[lab]), "%s is not arbitrary: assumption (%s) mentions it" % (i, lab))
    body = st["body"]
    need(body["dsep"] == a["dsep"] and body["graph"] == a["graph"], "schema must keep the premise's kind")
    for k in "xyz":
        ctx.eq(body[k], a[k], "%s is the premise's" % k)
    return P[0][1]


def mentioned_vars(st) -> set:
    """Index variables free in a statement (of any type): every family index, minus binders."""
    out = set()
    if isinstance(st, dict):
        if "family" in st:
            return index_names(st["index"], "single")
        for v in st.values():
            out |= mentioned_vars(v)
        out -= {b["name"] for b in st.get("binders", [])}
    elif isinstance(st, list):
        for v in st:
            out |= mentioned_vars(v)
    return out


# rule name in the certificate -> (allowed premise counts, function). A new rule is one function and
# one line here (see docs/trust.md for the ones still to come).
RULES = {
    # keyed by the rules' stable ids (a test checks they equal the kernel registry's)
    "symmetry": ((1,), symmetry), "decomposition": ((1,), decomposition), "weak_union": ((1,), weak_union),
    "contraction": ((2,), contraction), "intersection": ((2,), intersection),
    "composition": ((2,), composition), "weak_transitivity": ((4,), weak_transitivity),
    "d_separation": ((0,), d_separation), "d_connection": ((0,), d_connection), "nonadjacent": ((1,), nonadjacency),
    "markov": ((1,), markov), "faithfulness": ((2,), faithfulness),
    "instantiate": ((1,), instantiation), "generalize": ((1,), generalisation),
}
from .graph_rules import GRAPH_RULES, GRAPH_TYPES  # noqa: E402  (graph rules: recheck/graph_rules.py)
_GRAPH_IDS = {"link narrowing": "link_narrowing", "short active path": "short_active_path",
              "conditioning on roots": "conditioning_on_roots", "conditioning on an ancestral set": "ancestral",
              "vertex cut": "vertex_cut", "functional determination": "determination", "summary graph": "summary",
              "type-level Bayes ball": "bayes_ball", "path cut": "path_cut",
              "parents in the summary graph": "parents"}
RULES.update({_GRAPH_IDS[name]: entry for name, entry in GRAPH_RULES.items()})
ASSUMED = {"assumption": "assumption", "hypothesis": "hypothesis", "case": "case"}   # kind -> rule id


# -- walking a certificate ---------------------------------------------------------------------------------
class FileCheck:
    def __init__(self, f: dict):
        self.f = f
        self.th = Theory(f.get("declarations") or {})
        self.graphs = f.get("graphs") or {}
        self.statements, self.semantics, self.premises, self.kinds, self.open = {}, {}, {}, {}, {}
        self.consumed, self.discharged, self.reported = set(), set(), set()
        self.declaration_problems = self.th.validate()

    def eq(self, a, b, what, binders=()):
        self.th.relation("equal", a, b, what, binders)

    def graph(self, name, kind):
        g = self.graphs.get(name)
        need(isinstance(g, dict) and (kind is None or g.get("kind") == kind), "%s is not a declared %s" % (name, kind or "graph"))
        if g["kind"] == "dag":
            need(set(v for e in g["edges"] for v in e) <= set(g["nodes"]), "edges outside the vertices of %s" % name)
        return g

    def assumptions_of(self, label) -> set:
        out, todo = set(), [label]
        while todo:
            lab = todo.pop()
            if self.kinds[lab] in ASSUMED:
                out.add(lab)
            todo += self.premises[lab]
        return out

    def well_formed(self, st):
        """Every statement's sets are disjoint where the logic needs it (under its binders)."""
        binders = st.get("binders", []) if st.get("type") == "schema" else []
        body = st["body"] if st.get("type") == "schema" else st
        pairs = {"ci": (("x", "y"), ("x", "z"), ("y", "z")), "noedge": (("x", "y"),)}.get(body.get("type"), ())
        for p, q in pairs:
            self.th.relation("disjoint", body[p], body[q], "%s and %s are disjoint" % (p.upper(), q.upper()), binders)
        if body.get("type") == "chained":
            bl = body["blocks"]
            for i in range(len(bl)):
                for j in range(i + 1, len(bl)):
                    self.th.relation("disjoint", bl[i], bl[j], "chain blocks are disjoint", binders)
        if body.get("type") == "dconnection":
            for p_, q_ in (("x", "y"), ("x", "z"), ("y", "z")):
                self.th.relation("disjoint", body["ci"][p_], body["ci"][q_], "%s and %s are disjoint" % (p_.upper(), q_.upper()), binders)
        need(body.get("type") in ("ci", "noedge", "chained", "determines", "principle", "positive", "equation",
                                  "dconnection") + GRAPH_TYPES,
             "unknown statement type %r" % body.get("type"))

    def step(self, s: dict):
        lab, kind, rule, st = s.get("label"), s.get("kind"), s.get("rule"), s.get("statement")
        need(isinstance(lab, str) and lab and lab not in self.statements, "missing or repeated label %r" % (lab,))
        need(isinstance(st, dict), "step without a statement")
        prem = s.get("premises")
        need(isinstance(prem, list) and all(p in self.statements for p in prem),
             "a premise is missing or comes later (premises: %r)" % (prem,))
        need(all(o.get("result") == "proved" for o in s.get("obligations", [])), "a side condition is not proved")
        opened = set().union(*(self.open[p] for p in prem)) - set(s.get("discharged") or [])
        if kind in ASSUMED:
            # Taken as given, never re-derived. A hypothesis may cite what it is argued from.
            need(rule == ASSUMED[kind] and (kind == "hypothesis" or not prem), "an %s has rule %r and no premises" % (kind, ASSUMED[kind]))
            body = st["body"] if st.get("type") == "schema" else st
            if body.get("type") == "principle":
                need(kind == "assumption" and body.get("name") == "faithfulness" and isinstance(body.get("graph"), str), "unknown principle")
                mine = None
            elif body.get("type") in ("determines", "positive"):
                mine = None
            elif body.get("type") in ("noedge", "chained") + GRAPH_TYPES:
                mine = sem("dsep", body["graph"])
            else:
                mine = sem("dsep", body["graph"]) if ci_of(body)["dsep"] else sem("prob")
            if kind == "case":
                need(body.get("type") == "ci", "a case is a c.i. statement")
                opened = {lab}
        else:
            need(kind == "verified", "unknown step kind %r" % (kind,))
            base_rule = "equation" if isinstance(rule, str) and rule.startswith("equation: ") else rule
            if base_rule == "equation":   # probability equations: recheck/probability.py
                from .probability import equation
                arity, fn = tuple(range(0, 64)), equation
            else:
                need(base_rule in RULES, "unknown rule %r: this checker cannot re-derive it" % (rule,))
                arity, fn = RULES[base_rule]
            need(len(prem) in arity, "%s takes %s premises, %d given" % (rule, arity, len(prem)))
            need(not s.get("discharged") or rule == "weak_transitivity", "only a proof by cases discharges cases")
            P = [(self.statements[p], self.semantics[p], p) for p in prem]
            self.current = s
            if rule == "weak_transitivity":
                mine = fn(self, st, P, s.get("discharged"))
            elif rule == "instantiate":
                mine = fn(self, st, P, s.get("bindings"))
            elif rule == "generalize":
                mine = fn(self, st, P, prem[0])
            else:
                mine = fn(self, st, P)
        self.well_formed(st)
        need(_same(mine, s.get("semantics")), "semantics %r claimed, %r re-derived" % (s.get("semantics"), mine))
        need(not (opened and kind == "verified" and "line" in s), "a reported result rests on an undischarged case")
        self.statements[lab], self.semantics[lab], self.premises[lab], self.kinds[lab] = st, mine, prem, kind
        self.open[lab] = opened
        self.consumed.update(prem)
        self.discharged.update(s.get("discharged") or [])
        if "line" in s:
            self.reported.add(lab)

    def finish(self) -> list[str]:
        """A certificate is complete: every supposed case is discharged by a proof by cases, and no
        step resting on a case is left over (conditional results are never results)."""
        out = []
        for lab, k in self.kinds.items():
            if k == "case" and lab not in self.discharged:
                out.append("step (%s): a case is never discharged by a proof by cases" % lab)
            elif k == "verified" and self.open[lab] and lab not in self.consumed:
                out.append("step (%s): rests on the undischarged case%s %s" % (
                    lab, "s" if len(self.open[lab]) > 1 else "", ", ".join("(%s)" % c for c in sorted(self.open[lab]))))
        return out


def check_file(f: dict) -> tuple[list[str], list[str]]:
    """Re-derive every step of one file's certificate. Returns (info lines, rejection reasons)."""
    fc, errors, rejected = FileCheck(f), [], set()
    for s in f.get("steps", []):
        lab = s.get("label") if isinstance(s, dict) else None
        try:
            need(isinstance(s, dict), "malformed step")
            bad = [p for p in s.get("premises") or [] if p in rejected]
            need(not bad, "rests on rejected step%s (%s)" % ("s" if len(bad) > 1 else "", "), (".join(map(str, bad))))
            fc.step(s)
        except Reject as e:
            errors.append("step (%s): %s" % (lab, e))
            rejected.add(lab)
        except (KeyError, TypeError, AttributeError, IndexError, ValueError, z3.Z3Exception) as e:
            errors.append("step (%s): malformed (%s: %s)" % (lab, type(e).__name__, e))
            rejected.add(lab)
    errors += fc.finish()
    errors += ["declarations: %s" % p for p in fc.declaration_problems]
    counts = {k: sum(1 for lab, v in fc.kinds.items() if v == k and lab in fc.reported)
              for k in ("verified", "assumption", "hypothesis")}
    if not rejected and counts != f.get("summary"):
        errors.append("the certificate's summary %r does not match its steps %r" % (f.get("summary"), counts))
    for fl in f.get("failed", []):
        errors.append("line %s: the original check failed: %s" % (fl.get("line"), fl.get("message")))
    info = ["%s: %d steps re-verified, %d assumptions, %d hypotheses"
            % (f.get("file"), counts["verified"], counts["assumption"], counts["hypothesis"])]
    info += ["  assumed (%s)" % lab for lab, k in fc.kinds.items() if k == "assumption"]
    info += ["  assumed in declarations: %s" % a for a in fc.th.assumed()]
    info += ["  hypothesis (%s)" % lab for lab, k in fc.kinds.items() if k == "hypothesis"]
    return info, errors


def check_certificate(cert) -> tuple[list[str], list[str]]:
    if not (isinstance(cert, dict) and cert.get("format") == "graphoid-certificate" and cert.get("version") == 1):
        return [], ["not a graphoid certificate (format version 1)"]
    files = cert.get("files")
    if not isinstance(files, list) or not files:
        return [], ["the certificate lists no files"]
    info, errors = [], []
    for f in files:
        if not isinstance(f, dict):
            errors.append("malformed file entry")
            continue
        i, e = check_file(f)
        info += i
        errors += ["%s: %s" % (f.get("file"), x) for x in e]
    return info, errors


def check_scripts(cert, scripts) -> list[str]:
    """Given the scripts, each must be the text the certificate was made from (its SHA-256)."""
    import hashlib
    import os
    out = []
    files = cert.get("files") if isinstance(cert, dict) else None
    if not scripts:
        return out
    if not isinstance(files, list):
        return ["the certificate lists no files"]
    by_name = {os.path.basename(str(f.get("file"))): f for f in files if isinstance(f, dict)}
    for path in scripts:
        try:
            with open(path, "rb") as fh:
                digest = hashlib.sha256(fh.read()).hexdigest()
        except OSError as e:
            out.append("cannot read script %s: %s" % (path, e.strerror))
            continue
        f = by_name.get(os.path.basename(path))
        if f is None:
            out.append("%s: the certificate has no file of that name" % path)
        elif f.get("sha256") != digest:
            out.append("%s: the script's SHA-256 %s is not the certificate's %s" % (path, digest[:16], str(f.get("sha256"))[:16]))
    return out


def main(argv=None, out=None) -> int:
    """Exit code 0: every step re-derived; 1: rejected; 2: unusable input."""
    out = out or sys.stdout
    argv = sys.argv[1:] if argv is None else argv
    scripts = []
    args = list(argv)
    while "--script" in args:
        k = args.index("--script")
        if k + 1 >= len(args):
            print("usage: recheck CERT.json [--script FILE.gph ...]", file=sys.stderr)
            return 2
        scripts.append(args[k + 1])
        del args[k:k + 2]
    if len(args) != 1:
        print("usage: recheck CERT.json [--script FILE.gph ...]", file=sys.stderr)
        return 2
    try:
        with open(args[0], encoding="utf-8") as fh:
            cert = json.load(fh)
    except (OSError, ValueError, RecursionError) as e:
        print("recheck: cannot read %s: %s" % (args[0], e), file=sys.stderr)
        return 2
    info, errors = check_certificate(cert)
    errors += check_scripts(cert, scripts)
    return report(info, errors, out)


def report(info, errors, out) -> int:
    """Print what was re-verified and every rejection; exit status 0 (accepted) or 1 (rejected)."""
    for line in info:
        print(line, file=out)
    for e in errors:
        print("REJECTED: " + e, file=out)
    print("recheck: %s" % ("ACCEPTED" if not errors else "REJECTED (%d problem%s)" % (len(errors), "" if len(errors) == 1 else "s")), file=out)
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
