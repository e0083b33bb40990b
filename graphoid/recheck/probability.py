"""Re-checking probability equation steps (standard library and z3 only, nothing from graphoid).

A step states T0 = Tm with its chain T0 = T1 = … = Tm as structure, each link with its rules and
the premises it cites. For each link this file, with an encoding of its own:
  1. re-derives what must be proved: normalises both sides, reduces them by congruence (common
     factors, pointwise under a Σ, factor by factor under ∏s over one range) and, for a chain-rule
     link, builds the induction (base k = n, step k+1 → k, conclusion at k = 0) itself;
  2. takes from the certificate only the law instances each query may use (`hints`), and checks
     every one is an instance of a law of probability true in every finite discrete distribution
     (the laws and their arguments are in docs/probability.md), its set side conditions decided by
     z3 under the declarations and the law's own hypotheses, and its premise cited by the link under
     a rule of the matching kind;
  3. asks z3 whether its own goal follows from those laws under the equation's guard (the
     conditioning events outside any Σ or ∏ have positive probability) and nothing else.
A term is a function of the joint value ω of all variables; P(S | T) is the conditional where
P(T) > 0 and an arbitrary value in [0, 1], a function of the sets S, T and of ω, elsewhere."""
from __future__ import annotations

import json
from fractions import Fraction

import z3

from .checker import TIMEOUT_MS, Reject, minus_scalars, need, sem, union

RULE_KINDS = {"product_rule": (), "marginalisation": (), "algebra": (), "ci": ("ci", "schema"),
              "determinism": ("determines",), "substitution": ("equation",),
              "chain_rule": ("ci", "schema", "determines")}
KVAR = "_k"          # the induction variable (no script name starts with _)
ONE = {"const": "1"}


def _k(t) -> str:
    return json.dumps(t, sort_keys=True, ensure_ascii=False)


# -- terms: the certificate's JSON ----------------------------------------------------------------------
def check_term(th, t, latent):
    need(isinstance(t, dict) and len(t) >= 1, "malformed term %r" % (t,))
    if "P" in t:
        need(set(t) == {"P", "given", "phenomenon"}, "malformed probability %r" % (t,))
        for s in (t["P"], t["given"]):
            th.split(s)
        need(not (t["phenomenon"] and latent & set(x for x in t["P"] + t["given"] if isinstance(x, str))),
             "𝒫 is over observed variables only (Definition 1)")
    elif "sum" in t:
        need(set(t) == {"sum", "body"} and all(isinstance(v, str) and v in th.scalars for v in t["sum"]),
             "a Σ runs over declared variables")
        check_term(th, t["body"], latent)
    elif "prod" in t:
        need(set(t) == {"prod", "domain", "body"} and isinstance(t["prod"], str) and t["prod"][:1] not in ("_", "@", ""),
             "malformed product %r" % (t,))
        check_term(th, t["body"], latent)
    elif "mul" in t or "add" in t:
        parts = t.get("mul", t.get("add"))
        need(len(t) == 1 and isinstance(parts, list) and parts, "malformed product or sum of terms")
        for f in parts:
            check_term(th, f, latent)
    else:
        need(set(t) == {"const"} and isinstance(t["const"], str), "malformed term %r" % (t,))
        Fraction(t["const"])


def mul(*fs):
    flat = []
    for f in fs:
        flat += f["mul"] if "mul" in f else [f]
    flat = [f for f in flat if not ("const" in f and Fraction(f["const"]) == 1)]
    return ONE if not flat else flat[0] if len(flat) == 1 else {"mul": flat}


def free(t) -> set:
    """Scalar variables free in t (not bound by a Σ)."""
    if "P" in t:
        return {x for x in t["P"] + t["given"] if isinstance(x, str)}
    if "sum" in t:
        return free(t["body"]) - set(t["sum"])
    if "prod" in t:
        return free(t["body"])
    return set().union(*(free(f) for f in t.get("mul", t.get("add", []))))


def clash(t, outer=frozenset()) -> bool:
    """A Σ-bound variable that also occurs free around it (name capture)."""
    if "sum" in t:
        return bool(set(t["sum"]) & outer) or clash(t["body"], outer)
    if "prod" in t:
        return clash(t["body"], outer)
    parts = t.get("mul", t.get("add", []))
    return any(clash(f, outer | set().union(*(free(g) for j, g in enumerate(parts) if j != i)))
               for i, f in enumerate(parts))


def normalise(t):
    """Flatten products; in Σ_V (c · f) move the factors c not mentioning V out of the sum."""
    if "mul" in t:
        return mul(*[normalise(f) for f in t["mul"]])
    if "add" in t:
        return {"add": [normalise(f) for f in t["add"]]}
    if "prod" in t:
        return {"prod": t["prod"], "domain": t["domain"], "body": normalise(t["body"])}
    if "sum" in t:
        if not t["sum"]:
            return normalise(t["body"])
        body, V = normalise(t["body"]), set(t["sum"])
        if "mul" in body:
            out = [f for f in body["mul"] if not free(f) & V]
            inn = [f for f in body["mul"] if free(f) & V]
            if out:
                return mul(*out, {"sum": t["sum"], "body": mul(*inn)} if inn else {"sum": t["sum"], "body": ONE})
        elif not free(body) & V and "const" not in body:
            return t
        return {"sum": t["sum"], "body": body}
    return t


def descend(a, b, hyps, fr):
    """Congruence: the places where a and b differ, as ('leaf', a, b, hyps) or ('prod', fa, fb, hyps);
    hyps are factors assumed non-zero. Σ_V f = Σ_V g becomes f = g only if no hypothesis mentions V."""
    if _k(a) == _k(b):
        return []
    if "sum" in a and "sum" in b and not fr & (set(a["sum"]) | set(b["sum"])):
        va, vb = set(a["sum"]), set(b["sum"])
        if va != vb:
            if vb < va:
                a = {"sum": sorted(vb), "body": normalise({"sum": sorted(va - vb), "body": a["body"]})}
            elif va < vb:
                b = {"sum": sorted(va), "body": normalise({"sum": sorted(vb - va), "body": b["body"]})}
            else:
                return [("leaf", a, b, hyps)]
        return descend(normalise(a["body"]), normalise(b["body"]), hyps, fr)
    fa, fb = list(a.get("mul", [a])), list(b.get("mul", [b]))
    common = []
    for f in list(fa):
        m = [g for g in fb if _k(g) == _k(f)]
        if m:
            fa.remove(f)
            fb.remove(m[0])
            common.append(f)
    if common:
        if not fa and not fb:
            return []
        return descend(mul(*fa), mul(*fb), hyps + [mul(*common)], fr | free(mul(*common)))
    if fa and fb and all("prod" in f for f in fa + fb):
        return [("prod", fa, fb, hyps)]
    return [("leaf", a, b, hyps)]


def _sub_term(v, var, by):
    """The index term v with the variable var replaced by the term `by` (affine offsets add up)."""
    def parts(x):
        if isinstance(x, int):
            return None, x
        for sign in "+-":
            i = x.rfind(sign)
            if i > 0 and x[i + 1:].isdigit():
                return x[:i], int(x[i:])
        return x, 0
    name, off = parts(v)
    if name != var:
        return v
    bn, boff = parts(by)
    if bn is None:
        return boff + off
    o = boff + off
    return bn if o == 0 else "%s%+d" % (bn, o)


def _sub_tree(e, var, by):
    (k, v), = e.items()
    if k in ("single", "upto"):
        return {k: _sub_term(v, var, by)}
    if k == "diff":
        return {"diff": [_sub_tree(x, var, by) for x in v]}
    if k == "union":
        return {"union": [_sub_tree(x, var, by) for x in v]}
    return e


def _sub_set(s, var, by):
    return [x if isinstance(x, str) else {"family": x["family"], "index": _sub_tree(x["index"], var, by)} for x in s]


def subst(t, var, by):
    if "P" in t:
        return {"P": _sub_set(t["P"], var, by), "given": _sub_set(t["given"], var, by), "phenomenon": t["phenomenon"]}
    if "sum" in t:
        return {"sum": t["sum"], "body": subst(t["body"], var, by)}
    if "prod" in t:
        body = t["body"] if t["prod"] == var else subst(t["body"], var, by)
        return {"prod": t["prod"], "domain": _sub_tree(t["domain"], var, by), "body": body}
    if "mul" in t or "add" in t:
        k = "mul" if "mul" in t else "add"
        return {k: [subst(f, var, by) for f in t[k]]}
    return t


def range_of(th, e) -> str:
    (k, v), = e.items()
    if k == "full":
        return v
    if k == "name":
        return v if v in th.ranges else th.subsets.get(v)
    if k == "diff":
        return range_of(th, v[0])
    if k == "union":
        rs = {range_of(th, x) for x in v}
        need(len(rs) == 1, "a union of index sets of different ranges")
        return rs.pop()
    raise Reject("a product runs over a named index set")


def _index_terms(x):
    """Every index term in a term, law or set (strings and numbers under single / upto)."""
    if isinstance(x, dict):
        return [v for k, v in x.items() if k in ("single", "upto")] + [t for v in x.values() for t in _index_terms(v)]
    if isinstance(x, list):
        return [t for v in x for t in _index_terms(v)]
    return []


# -- the encoding ----------------------------------------------------------------------------------------
class Enc:
    """ω: a constant per variable (an array Int → Val per family); P(S | T) and Σ: an uninterpreted
    real function of their index terms and ω; ∏_{j ∈ D} body: R(k, index terms, ω), the product over
    the j ∈ D with k < j ≤ n, whose defining equations are added where an induction uses them."""

    def __init__(self, th):
        self.th = th
        self.solver, self.mem, self.inr, self.term = th._enc(())
        Val = z3.DeclareSort("·Val")
        self.omega = [z3.Const("·w:" + f, z3.ArraySort(z3.IntSort(), Val)) for f in sorted(th.base)] + \
            [z3.Const("·w:" + v, Val) for v in sorted(th.scalars)]
        self.funcs: dict = {}

    def _abstract(self, t):
        args = []

        def it(v):
            if isinstance(v, str) and v.startswith("@"):
                return v
            if v not in args:
                args.append(v)
            return "#%d" % args.index(v)

        def tree(e):
            (k, v), = e.items()
            if k in ("single", "upto"):
                return {k: it(v)}
            if k in ("diff", "union"):
                return {k: [tree(x) for x in v]}
            return e

        def vs(s):
            return sorted(x if isinstance(x, str) else _k({"f": x["family"], "i": tree(x["index"])}) for x in s)

        depth = [0]

        def walk(x):
            if "P" in x:
                return ["P", vs(x["P"]), vs(x["given"])]
            if "sum" in x:
                return ["S", sorted(x["sum"]), walk(x["body"])]
            if "prod" in x:
                depth[0] += 1
                r = ["R", tree(_sub_tree(x["domain"], x["prod"], "@%d" % depth[0])),
                     walk(subst(x["body"], x["prod"], "@%d" % depth[0]))]
                depth[0] -= 1
                return r
            k = "mul" if "mul" in x else "add"
            return [k] + [walk(f) for f in x[k]]
        return _k(walk(t)), args

    def _func(self, kind, key, nargs):
        if (kind, key) not in self.funcs:
            sig = [z3.IntSort()] * nargs + [o.sort() for o in self.omega] + [z3.RealSort()]
            self.funcs[(kind, key)] = z3.Function("·%s%d" % (kind, len(self.funcs)), *sig)
        return self.funcs[(kind, key)]

    def enc(self, t):
        if "const" in t:
            return z3.RealVal(str(Fraction(t["const"])))
        if "mul" in t:
            out = z3.RealVal(1)
            for f in t["mul"]:
                out = out * self.enc(f)
            return out
        if "add" in t:
            return z3.Sum([self.enc(f) for f in t["add"]])
        if "P" in t and not t["P"] and not t["given"]:
            return z3.RealVal(1)         # P(∅) = 1
        if "prod" in t:
            return self.prod_at(t, z3.IntVal(0))
        key, args = self._abstract(t)
        return self._func("p" if "P" in t else "s", key, len(args))(*([self.term(a) for a in args] + self.omega))

    def prod_at(self, t, k):
        key, args = self._abstract(t)
        return self._func("r", key, len(args) + 1)(*([k] + [self.term(a) for a in args] + self.omega))

    def factor(self, t, at: str):
        """The factor of ∏ t at index term `at`: its body there if `at` ∈ D, else 1."""
        return z3.If(self.mem(t["domain"], self.term(at)), self.enc(subst(t["body"], t["prod"], at)), z3.RealVal(1))

    def unfold(self, t, at: str):
        """The definition of R at k (the term `at`, 0 ≤ k < n): R(k) = (factor at k+1) · R(k+1)."""
        k = self.term(at)
        return self.prod_at(t, k) == self.factor(t, _plus1(at)) * self.prod_at(t, k + 1)

    def cond(self, h):
        if "pos" in h:
            return z3.BoolVal(True) if not h["pos"] else self.enc({"P": h["pos"], "given": [], "phenomenon": False}) > 0
        m = self.mem(h["domain"], self.term(h["mem"]))
        return z3.Not(m) if h["neg"] else m

    def law(self, law):
        lhs = self.enc(law["lhs"])
        rel = law["rel"]
        concl = (z3.And(lhs >= 0, lhs <= 1) if rel == "range" else z3.Or(lhs == 0, lhs == 1) if rel == "01"
                 else lhs <= self.enc(law["rhs"]) if rel == "<=" else lhs == self.enc(law["rhs"]))
        hyps = [self.cond(h) for h in law["hyps"]]
        return z3.Implies(z3.And(hyps), concl) if hyps else concl


def _plus1(at):
    return _sub_term("·x+1", "·x", at)


# -- the laws a certificate may cite, each checked to be an instance -------------------------------------
def _P(t, what="a probability"):
    need(isinstance(t, dict) and "P" in t, "%s expected, got %r" % (what, t))
    return t["P"], t["given"]


def _factors(t, n):
    fs = t["mul"] if isinstance(t, dict) and "mul" in t else [t]
    need(len(fs) == n, "a product of %d terms expected" % n)
    return [_P(f) for f in fs]


class Laws:
    """Checks that a law instance holds in every finite discrete distribution (docs/probability.md,
    'The laws'): its set side conditions under the declarations and the law's own hypotheses
    'index ∈ D', its positivity hypotheses, and its premise (cited by the link, of the right kind)."""

    def __init__(self, fc, by_label, link):
        self.fc, self.th, self.by_label = fc, fc.th, by_label
        self.rules = {j["rule"] for j in link}
        self.cites = {(j["rule"], p) for j in link for p in j["premises"]}
        self.latent = set((fc.f.get("declarations") or {}).get("latent", []))

    def check(self, law):
        need(isinstance(law, dict) and set(law) == {"law", "premise", "hyps", "lhs", "rhs", "rel"}, "malformed law %r" % (law,))
        need(isinstance(law["hyps"], list) and law["rel"] in ("=", "<=", "01", "range"), "malformed law %r" % (law,))
        need(not any(isinstance(t, str) and t.startswith("@") for t in _index_terms(law)), "a law with a bound name free")
        for h in law["hyps"]:
            need(isinstance(h, dict) and (set(h) == {"pos"} or set(h) == {"mem", "domain", "neg"}), "malformed hypothesis %r" % (h,))
            if "pos" in h:
                self.th.split(h["pos"])
        check_term(self.th, law["lhs"], self.latent)
        need((law["rhs"] is None) == (law["rel"] in ("01", "range")), "malformed law %r" % (law,))
        if law["rhs"] is not None:
            check_term(self.th, law["rhs"], self.latent)
        self.binders = [{"kind": "notmember" if h["neg"] else "member", "name": h["mem"], "domain": h["domain"]}
                        for h in law["hyps"] if "mem" in h]
        self.law = law
        fn = VALIDATORS.get(law["law"])
        need(fn is not None, "unknown law %r" % law["law"])
        need(law["premise"] is None or fn in PREMISE_LAWS, "the law %r has no premise" % law["law"])
        fn(self, law)

    def rel(self, r, a, b, what):
        self.th.relation(r, a, b, "%s: %s" % (self.law["law"], what), self.binders)

    def pos(self, s):
        if s:
            ok = False
            for h in self.law["hyps"]:
                if "pos" in h and not ok:
                    try:
                        self.rel("equal", h["pos"], s, "positivity hypothesis")
                        ok = True
                    except Reject:
                        pass
            need(ok, "%s: holds only where P(%s) > 0, which it does not assume" % (self.law["law"], s))

    def premise(self, kinds, rules):
        p = self.law["premise"]
        need(any((r, p) in self.cites for r in rules), "%s: premise (%s) is not cited by the link under %s"
             % (self.law["law"], p, " or ".join(rules)))
        st = self.by_label[p][0]
        need(st.get("type") in kinds, "%s: (%s) is a %s" % (self.law["law"], p, st.get("type")))
        return st

    # P(S | T) ∈ [0, 1]
    def range_(self, law):
        need(law["rel"] == "range", "malformed range law")
        _P(law["lhs"])

    # P(S ∪ T) = P(S | T) P(T) (both sides are 0 where P(T) = 0)
    def definition(self, law):
        J, g = _P(law["lhs"])
        (S, T), (T2, g2) = _factors(law["rhs"], 2)
        need(law["rel"] == "=" and not g and not g2, "malformed definition of conditional probability")
        self.rel("equal", T2, T, "the marginal is of the conditioning set")
        self.rel("equal", J, union(S, T), "the joint is of both sets")

    # P(∅ | T) = 1 where P(T) > 0;  P(S | T) = P(S' | T') for S = S', T = T'
    def empty_or_equal(self, law):
        need(law["rel"] == "=", "malformed law")
        S, T = _P(law["lhs"])
        if "const" in law["rhs"]:
            need(Fraction(law["rhs"]["const"]) == 1, "P(∅ | T) is 1")
            self.rel("subset", S, [], "the event is empty")
            self.pos(T)
        else:
            S2, T2 = _P(law["rhs"])
            self.rel("equal", S, S2, "same sets")
            self.rel("equal", T, T2, "same sets")

    # P(U) ≤ P(V) for V ⊆ U
    def monotone(self, law):
        (U, g), (V, g2) = _P(law["lhs"]), _P(law["rhs"])
        need(law["rel"] == "<=" and not g and not g2, "malformed monotonicity law")
        self.rel("subset", V, U, "a marginal of the joint")

    # P(X | C) = P(A | Y) P(B | C') for X = A ∪ B, Y = B ∪ C, C' = C, where P(C) > 0
    def product(self, law):
        need(law["rel"] == "=", "malformed product rule")
        if law["law"] == "product rule":
            need("product_rule" in self.rules, "the product rule is used but the link does not cite it")
        else:
            need("chain_rule" in self.rules, "a chain-rule law outside a chain-rule link")
        X, C = _P(law["lhs"])
        f = _factors(law["rhs"], 2)
        why = None
        for (A, Y), (B, C2) in (f, f[::-1]):
            try:
                self.rel("equal", C2, C, "the second factor is given the same set")
                self.rel("equal", Y, union(B, C), "the first factor is given both sets")
                self.rel("equal", X, union(A, B), "the left side is of both sets")
                self.pos(C)
                return
            except Reject as e:
                why = why or e
        raise why

    # Σ_V P(S | T) = P(S ∖ V | T) for V ⊆ S, V ∩ T = ∅, where P(T) > 0
    def marginalisation(self, law):
        need(law["rel"] == "=" and "sum" in law["lhs"] and "marginalisation" in self.rules,
             "marginalisation is used but the link does not cite it")
        V = law["lhs"]["sum"]
        S, T = _P(law["lhs"]["body"])
        S2, T2 = _P(law["rhs"])
        need(set(V) <= set(x for x in S if isinstance(x, str)) and not set(V) & set(x for x in T if isinstance(x, str)), "marginalisation sums out part of the event")
        self.rel("equal", S2, minus_scalars(S, V), "the event without the summed variables")
        self.rel("equal", T2, T, "same conditioning set")
        self.pos(T)

    def _ci(self):
        st = self.premise(("ci", "schema"), ("ci", "chain_rule"))
        if st["type"] == "ci":
            return st
        need(len(st["binders"]) == 1 and st["binders"][0]["kind"] == "member" and st["body"].get("type") == "ci",
             "a c.i. schema has one binder i ∈ D")
        b, body = st["binders"][0], st["body"]
        at = [h["mem"] for h in self.law["hyps"] if "mem" in h and not h["neg"] and _k(h["domain"]) == _k(b["domain"])]
        need(at, "%s: the schema's instance is not assumed to lie in its domain" % self.law["law"])
        return [{"x": _sub_set(body["x"], b["name"], t), "y": _sub_set(body["y"], b["name"], t),
                 "z": _sub_set(body["z"], b["name"], t)} for t in at]

    # from (X ⊥⊥ Y | Z) (disjoint sets): P(S | W) = P(S | W') for S ⊆ X, Z ⊆ W' ⊆ W ⊆ XYZ, W ⊆ W' ∪ Y,
    # where P(W) > 0: decomposition and weak union give (S ⊥⊥ W ∖ W' | W')
    def ci(self, law):
        insts = self._ci()
        insts = [insts] if isinstance(insts, dict) else insts
        need(law["rel"] == "=", "malformed c.i. law")
        S, W = _P(law["lhs"])
        S2, W2 = _P(law["rhs"])
        self.rel("equal", S2, S, "same event")
        self.pos(W)
        why = None
        for c in insts:
            for X, Y in ((c["x"], c["y"]), (c["y"], c["x"])):
                try:
                    self.rel("subset", S, X, "the event is in one side")
                    self.rel("subset", c["z"], W2, "the conditioning set keeps Z")
                    self.rel("subset", W2, W, "conditioning is only dropped")
                    self.rel("subset", W, union(X, Y, c["z"]), "the conditioning set is in XYZ")
                    self.rel("subset", W, union(W2, Y), "only the other side is dropped")
                    return
                except Reject as e:
                    why = why or e
        raise why

    # (X ⊥⊥ Y | Z) is P(XYZ) P(Z) = P(XZ) P(YZ)
    def ci_definition(self, law):
        c = self._ci()
        need(isinstance(c, dict) and law["rel"] == "=", "the definition of c.i. is of a statement, not a schema")
        lhs = _factors(law["lhs"], 2 if c["z"] else 1)
        rhs = _factors(law["rhs"], 2)
        need(not any(g for _s, g in lhs + rhs), "malformed definition of c.i.")
        self.rel("equal", lhs[0][0], union(c["x"], c["y"], c["z"]), "the joint")
        if c["z"]:
            self.rel("equal", lhs[1][0], c["z"], "the conditioning set")
        try:
            self.rel("equal", rhs[0][0], union(c["x"], c["z"]), "XZ")
            self.rel("equal", rhs[1][0], union(c["y"], c["z"]), "YZ")
        except Reject:
            self.rel("equal", rhs[1][0], union(c["x"], c["z"]), "XZ")
            self.rel("equal", rhs[0][0], union(c["y"], c["z"]), "YZ")

    # from 'L determines B' (B = f(L) almost surely), where P(W) > 0:
    #   P(S | W) = P(S | W') for L ⊆ W' ⊆ W ⊆ W' ∪ B;  P(S | W) = P(S | L) for S ⊆ B, L ⊆ W;
    #   P(S | L) ∈ {0, 1} for S ⊆ B, where P(L) > 0
    def determinism(self, law):
        d = self.premise(("determines",), ("determinism", "chain_rule"))
        L, B = d["source"], d["target"]
        S, W = _P(law["lhs"])
        if law["rel"] == "01":
            self.rel("equal", W, L, "given the determining set")
            self.rel("subset", S, B, "a determined event")
            self.pos(W)
            return
        need(law["rel"] == "=", "malformed determinism law")
        S2, W2 = _P(law["rhs"])
        self.rel("equal", S2, S, "same event")
        self.pos(W)
        if law["law"].endswith("sure or null"):
            self.rel("equal", W2, L, "given the determining set")
            self.rel("subset", S, B, "a determined event")
            self.rel("subset", L, W, "the determining set is given")
        else:
            self.rel("subset", L, W2, "the determining set is kept")
            self.rel("subset", W2, W, "conditioning is only dropped")
            self.rel("subset", W, union(W2, B), "only determined variables are dropped")

    # an earlier equation, where its own guard holds
    def earlier(self, law):
        st = self.premise(("equation",), ("substitution",))
        need(law["rel"] == "=" and _k(law["lhs"]) == _k(st["lhs"]) and _k(law["rhs"]) == _k(st["rhs"]),
             "the law is not the cited equation")
        for g in guards(st):
            self.pos(g)


VALIDATORS = {"probabilities lie in [0, 1]": Laws.range_, "definition of conditional probability": Laws.definition,
              "P(∅ | T) = 1": Laws.empty_or_equal, "equal sets": Laws.empty_or_equal,
              "chain rule base: every member of D is at most n": Laws.empty_or_equal,
              "chain rule step: k+1 ∉ D": Laws.empty_or_equal,
              "a marginal is at least the joint": Laws.monotone, "product rule": Laws.product,
              "chain rule step: product rule at k+1": Laws.product, "marginalisation": Laws.marginalisation,
              "conditional independence": Laws.ci, "definition of conditional independence": Laws.ci_definition,
              "determinism: conditioning on determined variables": Laws.determinism,
              "determinism: a determined event is sure or null": Laws.determinism, "earlier equation": Laws.earlier}
PREMISE_LAWS = (Laws.ci, Laws.ci_definition, Laws.determinism, Laws.earlier)


def top_probs(t):
    if "P" in t:
        return [t]
    return [p for f in t.get("mul", t.get("add", [])) for p in top_probs(f)]


def guards(eq) -> list:
    """The equation is claimed where each of these sets has positive probability."""
    out = []
    for p in top_probs(eq["lhs"]) + top_probs(eq["rhs"]):
        if p["given"] and p["given"] not in out:
            out.append(p["given"])
    return out


# -- one step ----------------------------------------------------------------------------------------------
def equation(ctx, st, P):
    need(st.get("type") == "equation", "an equation step states an equation")
    chain, links = st.get("chain"), st.get("links")
    need(isinstance(chain, list) and len(chain) >= 2, "an equation step carries its chain of terms")
    need(chain[0] == st.get("lhs") and chain[-1] == st.get("rhs"), "the chain runs from the left side to the right side")
    need(isinstance(links, list) and len(links) == len(chain) - 1, "one justification per link of the chain")
    by_label = {lab: (pst, psem) for pst, psem, lab in P}
    cited = set()
    for link in links:
        need(isinstance(link, list) and link, "a link without a rule")
        for j in link:
            rule, prem = j.get("rule"), j.get("premises")
            need(rule in RULE_KINDS, "unknown equation rule %r" % (rule,))
            need(isinstance(prem, list) and all(p in by_label for p in prem), "a link cites a premise the step does not")
            need(rule not in ("ci", "determinism", "substitution") or prem, "%s cites the facts it uses" % rule)
            for p in prem:
                pst, psem = by_label[p]
                body = pst.get("body", pst) if pst.get("type") == "schema" else pst
                kind = pst.get("type")
                need(kind in RULE_KINDS[rule], "%s cannot cite (%s), a %s" % (rule, p, kind))
                if kind in ("ci", "schema", "equation"):
                    need(psem and psem.get("kind") == "prob", "(%s) is not probabilistic (apply markov first)" % p)
                    if kind != "equation":
                        need(not body.get("dsep"), "(%s) is a d-separation" % p)
                cited.add(p)
        if any(j["rule"] == "chain_rule" for j in link):
            need(len(link) == 1, "the chain rule is a link's only rule")
    need(cited == set(by_label), "the step lists premises no link cites")
    latent = set((ctx.f.get("declarations") or {}).get("latent", []))
    # the names this file invents (the induction variable _k, bound names @1, …) are no script's
    th = ctx.th
    names = set(th.index_vars) | set(th.subsets) | set(th.ranges) | set(th.ranges.values()) | th.scalars | set(th.base)
    need(not any(str(x).startswith(("_", "@")) for x in names), "a declared name starts with _ or @")
    need(not any(isinstance(t, str) and t.startswith(("_", "@")) for t in _index_terms(chain)),
         "an index term of the equation starts with _ or @")
    for t in chain:
        check_term(ctx.th, t, latent)
        need(not clash(t), "a variable is summed over and also occurs free")
    g = guards(st)
    hints = [o.get("hints") for o in ctx.current.get("obligations") or [] if "hints" in o]
    need(all(isinstance(h, dict) and isinstance(h.get("laws"), list) for h in hints), "malformed hints")
    for i, link in enumerate(links):
        Link(ctx, by_label, link, g, [h for h in hints if h.get("link") == i]).check(chain[i], chain[i + 1])
    need(len(hints) == sum(1 for h in hints if isinstance(h.get("link"), int) and 0 <= h["link"] < len(links)),
         "hints for a link the chain does not have")
    graphs = {psem["graph"] for _pst, psem, _l in P if psem and psem.get("graph")}
    need(len(graphs) <= 1, "the premises are about different graphs")
    det = any((pst.get("body", pst).get("type") == "determines") or (psem and psem.get("determinism"))
              for pst, psem, _l in P)
    return sem("prob", graphs.pop() if graphs else None,
               any(psem.get("positive") for _p, psem, _l in P if psem),
               any(psem.get("gaussian") for _p, psem, _l in P if psem), det)


class Link:
    """One link T_i = T_{i+1}: the parts of its proof, re-derived here, each proved by z3 from the
    certificate's law instances once they are checked."""

    def __init__(self, fc, by_label, link, guard_sets, hints):
        self.fc, self.th, self.laws, self.guards, self.hints = fc, fc.th, Laws(fc, by_label, link), guard_sets, list(hints)
        self.chain_rule = any(j["rule"] == "chain_rule" for j in link)

    def check(self, a, b):
        a, b = normalise(a), normalise(b)
        if self.chain_rule:
            self.chain(a, b)
        else:
            fr = set().union(*(set(x for x in s if isinstance(x, str)) for s in self.guards))
            for kind, l, r, nz in descend(a, b, [], fr):
                hyps = lambda e, nz=nz: self.hz(e) + [e.enc(t) != 0 for t in nz]   # noqa: E731
                if kind == "leaf":
                    self.prove("leaf", hyps, lambda e, l=l, r=r: e.enc(l) == e.enc(r))
                else:
                    self.prod_step(l, r, hyps)
        need(not self.hints, "the certificate has more proofs for this link than it needs")

    def hz(self, e, extra=()):
        return [e.cond({"pos": s}) for s in self.guards + list(extra)]

    def prove(self, part, hyps, goal, axioms=lambda e: []):
        need(self.hints and self.hints[0].get("part") == part, "no %s proof for this link in the certificate" % part)
        h = self.hints.pop(0)
        e = Enc(self.th)
        e.solver.set("timeout", 12 * TIMEOUT_MS)
        for law in h["laws"]:
            self.laws.check(law)
            e.solver.add(e.law(law))
        for ax in axioms(e):
            e.solver.add(ax)
        e.solver.add(z3.Not(z3.Implies(z3.And(hyps(e)), goal(e))))
        r = e.solver.check()
        need(r == z3.unsat, "%s: the laws cited do not prove it (z3: %s)" % (part, r))

    def prod_step(self, fa, fb, hyps):
        """∏ fa = ∏ fb over one range 1..n: the factors at each j agree (j = k+1, 0 ≤ k < n)."""
        rngs = {range_of(self.th, p["domain"]) for p in fa + fb}
        need(len(rngs) == 1 and None not in rngs, "the products run over different index ranges")
        top = self.th.ranges[rngs.pop()]
        need(self.hints and self.hints[0].get("part") == "prod-base", "no prod-base proof for this link")
        self.hints.pop(0)      # both sides are empty products at k = n: nothing to prove

        def goal(e):
            side = [z3.Product([e.factor(p, KVAR + "+1") for p in fs]) if len(fs) > 1 else e.factor(fs[0], KVAR + "+1")
                    for fs in (fa, fb)]
            return side[0] == side[1]
        self.prove("prod-step", lambda e: hyps(e) + [e.term(KVAR) >= 0, e.term(KVAR) < e.term(top)], goal)

    def chain(self, a, b):
        """P(F_D | T) = ∏_{j ∈ D} g(j), by induction on k from n down to 0 of φ(k):
        P(F_{D ∩ >k} | T) = ∏_{j ∈ D, j > k} g(j) (suffix form) or
        P(F_D | T) = P(F_{D ∩ ≤k} | T) ∏_{j ∈ D, j > k} g(j) (prefix form)."""
        if "prod" in a and "P" in b:
            a, b = b, a
        need("P" in a and "prod" in b, "the chain rule proves P(F_D | T) = ∏_{j ∈ D} …")
        need(len(a["P"]) == 1 and isinstance(a["P"][0], dict), "the chain rule needs one family over an index set")
        fam, T, D = a["P"][0]["family"], a["given"], b["domain"]
        self.th.relation("equal", a["P"], [{"family": fam, "index": D}], "the product runs over the index set of the event")
        rng = range_of(self.th, D)
        need(rng in self.th.ranges, "the product runs over a declared range")
        top, j, body = self.th.ranges[rng], b["prod"], b["body"]
        gv = [x for x in (body.get("given", []) if "P" in body else []) if isinstance(x, dict) and x["family"] == fam]
        prefix = any(("single" in x["index"] and x["index"]["single"] != j) or "upto" in x["index"] for x in gv) and \
            not any("diff" in x["index"] and "upto" in x["index"]["diff"][1] for x in gv)

        def prob(e):
            return {"P": [{"family": fam, "index": e}], "given": T, "phenomenon": False}
        U = lambda t: prob({"diff": [D, {"upto": t}]})                              # noqa: E731
        Lo = lambda t: prob({"diff": [D, {"diff": [{"full": rng}, {"upto": t}]}]})  # noqa: E731
        full = prob(D)
        posT = [T] if T else []

        def phi(e, kz, t):
            if prefix:
                return e.enc(full) == e.enc(Lo(t)) * e.prod_at(b, kz)
            return e.enc(U(t)) == e.prod_at(b, kz)
        hz = lambda e: self.hz(e, posT)                                               # noqa: E731
        self.prove("chain-base", hz, lambda e: phi(e, e.term(top), top), lambda e: [e.prod_at(b, e.term(top)) == 1])
        k = lambda e: e.term(KVAR)                                                    # noqa: E731
        self.prove("chain-step", lambda e: hz(e) + [k(e) >= 0, k(e) < e.term(top), phi(e, k(e) + 1, KVAR + "+1")],
                   lambda e: phi(e, k(e), KVAR), lambda e: [e.unfold(b, KVAR)])
        # φ(0), the conclusion of the induction whose base and step were proved just above
        self.prove("chain-k0", hz, lambda e: e.enc(a) == e.enc(b),
                   lambda e: [z3.Implies(z3.And(hz(e)), phi(e, z3.IntVal(0), 0))])
