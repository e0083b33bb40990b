"""Trusted: the probability calculus as kernel rules. An equation (or a chain T0 = T1 = … = Tm, each
link with its justification) is checked link by link; each link is one or more z3 validity queries
built from the link's terms and the laws its justification names (prob_encoding.py). The equation
is claimed where it is defined (its guard: the conditioning events outside any Σ or ∏ have positive
probability), and every query assumes only that guard: no positivity is assumed anywhere.

Congruence is structural: Σ_V f = Σ_V g is proved pointwise (for every value of V), c·u = c·v from
c ≠ 0 ⇒ u = v, a product of ∏s by induction on the index (base and step separate queries), and the
chain rule P(F_D | T) = ∏_{j ∈ D} … by induction (base and step separate queries, n never unrolled)."""
from __future__ import annotations

from ..probability.terms import (equation_text, Add, Const, Equation, Mul, Prob, Prod, Sum, Term, binder_clash, mul, probs_of,
                                 scalars_of, subst_term, term_text)
from ..sets import IDiff, IEmpty, IFull, IUpTo, ISingle, Obligation, VarSet, _mk
from ..statements import CI, Determines, Schema, Semantics

_NAMES = ("Encoder", "Law", "Mem", "NonZero", "ONE", "Pool", "Pos", "SetOracle", "gen_basic", "gen_ci",
          "gen_determinism", "gen_equation", "gen_marginalisation", "gen_merge", "gen_monotone",
          "gen_product_rule", "ctx_hyps", "P")


def _load():
    """z3 and the encoding are imported when an equation is first checked, so that scripts without
    probability equations do not pay for (or need) them."""
    g = globals()
    if "z3" in g:
        return
    import z3 as _z3
    from . import prob_encoding as pe
    from .induction import prove_valid as _pv
    g["z3"], g["prove_valid"] = _z3, _pv
    for n in _NAMES:
        g[n] = getattr(pe, n)

TIMEOUT_MS = 5000
ROUNDS = 4
KVAR = "_k"          # the induction variable (no script name starts with _)


def guard_sets(eq: Equation) -> list[VarSet]:
    """The equation is claimed where each of these sets has positive probability."""
    out = []
    for p in probs_of(eq.lhs, True) + probs_of(eq.rhs, True):
        if not p.given.is_empty_syntactically() and p.given not in out:
            out.append(p.given)
    return out


def normalise(t: Term) -> Term:
    """Flatten products; in Σ_V (c · f), move the factors c that do not mention V out of the sum."""
    if isinstance(t, Mul):
        return mul(*[normalise(f) for f in t.factors])
    if isinstance(t, Add):
        return Add(tuple(normalise(f) for f in t.terms))
    if isinstance(t, Prod):
        return Prod(t.var, t.domain, normalise(t.body))
    if isinstance(t, Sum):
        if not t.over.scalars:
            return normalise(t.body)
        body = normalise(t.body)
        if isinstance(body, Mul):
            out = [f for f in body.factors if not (scalars_of(f) & t.over.scalars)]
            inn = [f for f in body.factors if scalars_of(f) & t.over.scalars]
            if out:
                return mul(*out, Sum(t.over, mul(*inn)) if inn else _count(t.over))
        elif not (scalars_of(body) & t.over.scalars) and not isinstance(body, Const):
            return t
        return Sum(t.over, body)
    return t


def _count(over):   # Σ_V 1 is not 1; kept as a sum (no law uses it)
    return Sum(over, ONE)


class ProbabilityRules:
    """Mixed into Kernel: uses self._mint, self._check, self.sets, self._combine, self._err."""

    def _oracle(self) -> SetOracle:
        if not hasattr(self, "_set_cache"):
            self._set_cache = {}
        return SetOracle(self.sets.decl, shared=self._set_cache)

    # -- the rule -------------------------------------------------------------------------------
    def equation_chain(self, eq: Equation, terms: list[Term], links: list) -> "Fact":  # noqa: F821
        """terms = [T0, …, Tm]; links[i] = [(rule, premise facts, spelling)] justifying T_i = T_{i+1}.
        Every link is checked under the guard of T0 = Tm, so the chain proves T0 = Tm there."""
        r = "equation"
        _load()
        for t in terms:
            c = binder_clash(t)
            if c:
                raise self._err("%s: %s is summed over and also occurs free; rename the bound variable" % (r, c))
        guards = guard_sets(eq)
        obs: list = []
        premises: list = []
        used_rules: list[str] = []
        for i, just in enumerate(links):
            a, b = normalise(terms[i]), normalise(terms[i + 1])
            what = "link %d (%s = %s)" % (i + 1, term_text(terms[i], self.sets.decl), term_text(terms[i + 1], self.sets.decl))
            for name, prem, _sp in just:
                for f in prem:
                    if f not in premises:
                        premises.append(f)
                used_rules.append(name)
            try:
                self._link(obs, r, what, a, b, just, guards, i)
            except Exception as e:   # RuleError: which link failed, for the counter-model search
                e.failed_link = (terms[i], terms[i + 1], [f.statement for _n, prem, _s in just for f in prem], guards)
                raise
        _number_premises(obs, [self._src(f) for f in premises])
        for f in premises:
            if f.semantics is None and not isinstance(f.statement, Determines):
                raise self._err("%s: premise %s is not a probabilistic statement" % (r, f.rule))
        # the kernel's one semantics function: a cited determination marks the result as resting on it
        sem = self.semantics(r, premises, eq)
        rule = "equation: " + ", ".join(dict.fromkeys(n.replace("_", " ") for n in used_rules))
        stated = Equation(eq.lhs, eq.rhs, tuple(terms),
                          tuple(tuple((name, tuple(premises.index(f) for f in prem)) for name, prem, _sp in just)
                                for just in links))
        return self._mint(stated, rule, premises, sem, obs)

    # -- one link -------------------------------------------------------------------------------
    def _generators(self, just, r):
        gens = []
        for name, prem, sp in just:
            if name == "product_rule":
                gens.append(lambda pool: gen_product_rule(pool))
            elif name == "marginalisation":
                gens.append(lambda pool: gen_marginalisation(pool))
            elif name == "algebra":
                pass
            elif name == "ci":
                if not prem:
                    raise self._err("%s: ci(…) cites the c.i. statements it uses" % r)
                for f in prem:
                    s = f.statement
                    if f.semantics is None or f.semantics.kind != "prob":
                        raise self._err("%s: ci cites probabilistic c.i. statements; %s is not one "
                                        "(apply markov to a d-separation first)" % (r, f.rule))
                    if isinstance(s, CI):
                        gens.append(lambda pool, s=s, f=f: gen_ci(pool, s, self._src(f)))
                    elif isinstance(s, Schema) and len(s.binders) == 1 and s.binders[0].kind == "member" \
                            and isinstance(s.body, CI):
                        gens.append(lambda pool, s=s, f=f: gen_ci(pool, s.body, self._src(f), s.binders[0]))
                    else:
                        raise self._err("%s: ci cites a c.i. statement or a schema 'for all i ∈ D: (…)'" % r)
            elif name == "determinism":
                for f in prem:
                    if not isinstance(f.statement, Determines):
                        raise self._err("%s: determinism cites a statement 'Λ determines B'" % r)
                    gens.append(lambda pool, f=f: gen_determinism(pool, f.statement, self._src(f)))
                if not prem:
                    raise self._err("%s: determinism cites the statement 'Λ determines B'" % r)
            elif name == "substitution":
                for f in prem:
                    if not isinstance(f.statement, Equation):
                        raise self._err("%s: substitution cites earlier equations" % r)
                    gens.append(lambda pool, f=f: gen_equation(pool, f.statement, self._src(f), guard_sets(f.statement)))
                if not prem:
                    raise self._err("%s: substitution cites the equations it uses" % r)
            elif name == "chain_rule":
                pass
            else:
                raise self._err("%s: unknown rule %s" % (r, name))
        return gens

    def _src(self, f) -> str:
        from ..statements import statement_text
        return "premise: " + statement_text(f.statement, self.sets.decl) if not isinstance(f.statement, Equation) \
            else "premise: equation " + equation_text(f.statement, self.sets.decl)

    def _link(self, obs, r, what, a, b, just, guards, link=0):
        names = [n for n, _p, _s in just]
        if "chain_rule" in names:
            if len(names) != 1:
                raise self._err("%s: %s: chain_rule is a rule of its own (cite the c.i. and determinism "
                                "facts it uses inside it)" % (r, what))
            self._chain_rule(obs, r, what, a, b, just[0][1], guards, link)
            return
        gens = self._generators(just, r)
        for kind, l, rr, hyps in self._descend(a, b, [], _free_in(guards)):
            if kind == "leaf":
                self._leaf(obs, r, what, l, rr, hyps, guards, gens, link)
            else:
                self._product_induction(obs, r, what, l, rr, hyps, guards, gens, link)

    def _descend(self, a: Term, b: Term, hyps: list, free=frozenset()):
        """Congruence: reduce a = b to the places where they differ. `free`: the variables the
        hypotheses (guards, factors assumed non-zero) mention; Σ_V f = Σ_V g is reduced to f = g
        only when V is not among them (f = g must hold at every value of V, not only where they hold)."""
        if a == b:
            return []
        if isinstance(a, Sum) and isinstance(b, Sum) and not (free & (a.over.scalars | b.over.scalars)):
            if a.over.scalars != b.over.scalars:
                if b.over.scalars < a.over.scalars:
                    a = Sum(b.over, normalise(Sum(VarSet.of(a.over.scalars - b.over.scalars), a.body)))
                elif a.over.scalars < b.over.scalars:
                    b = Sum(a.over, normalise(Sum(VarSet.of(b.over.scalars - a.over.scalars), b.body)))
                else:
                    return [("leaf", a, b, hyps)]
            return self._descend(normalise(a.body), normalise(b.body), hyps, free)
        fa = list(a.factors) if isinstance(a, Mul) else [a]
        fb = list(b.factors) if isinstance(b, Mul) else [b]
        common = []
        for f in list(fa):
            if f in fb:
                fa.remove(f)
                fb.remove(f)
                common.append(f)
        if common:
            if not fa and not fb:
                return []
            return self._descend(mul(*fa), mul(*fb), hyps + [NonZero(mul(*common))],
                                 free | scalars_of(mul(*common)))
        if fa and fb and all(isinstance(f, Prod) for f in fa + fb):
            return [("prodind", fa, fb, hyps)]
        return [("leaf", a, b, hyps)]

    def _saturate(self, pool: Pool, gens):
        for _ in range(ROUNDS):
            before = (len(pool.probs), len(pool.sums), len(pool.laws))
            gen_basic(pool)
            for g in gens:
                g(pool)
            if (len(pool.probs), len(pool.sums), len(pool.laws)) == before:
                break
        gen_basic(pool)
        gen_merge(pool)
        gen_monotone(pool)

    def _prove(self, obs, r, what, meaning, enc: Encoder, pool: Pool, hyps_z3: list, goal_z3, part="leaf", link=0):
        """One z3 query; its obligation records (hints) which part of which link it proves and the
        law instances it used, from which `graphoid recheck` rebuilds it."""
        axioms = [("declarations", f) for f in enc.declaration_axioms()]
        for law in pool.laws:
            axioms.append((_core_name(law.source), enc.law(law)))
        axioms += [("declarations", f) for f in enc.declaration_axioms()]   # index terms created by laws
        goal = z3.Implies(z3.And(hyps_z3), goal_z3) if hyps_z3 else goal_z3
        chk = prove_valid(goal, tuple(axioms), "%s: %s" % (what, meaning), TIMEOUT_MS)
        obs.extend(pool.oracle.obligations)
        pool.oracle.obligations = []
        ob = chk.obligation
        ob = Obligation(ob.meaning + ("; uses " + ", ".join(c for c in chk.core if c not in ("calc", "declarations"))
                                      if any(c not in ("calc", "declarations") for c in chk.core) else ""),
                        ob.result, ob.seconds, ob.method, ob.detail, ob.query,
                        _hints(link, part, pool.laws, chk.core) if chk.proved else "")
        self._check(obs, r, ob, "%s does not follow from the laws and premises cited: %s" % (what, meaning))
        return chk

    def _hyps(self, enc, hyps, guards):
        return [enc.cond(Pos(g)) for g in guards] + [enc.cond(h) for h in hyps]

    def _leaf(self, obs, r, what, a, b, hyps, guards, gens, link=0):
        pool = Pool(self._oracle())
        pool.collect(a)
        pool.collect(b)
        for h in hyps:
            if isinstance(h, NonZero):
                pool.collect(h.t)
        for g in guards:
            pool.add_prob(P(g))
        self._saturate(pool, gens)
        enc = Encoder(self.sets.decl)
        meaning = "%s = %s" % (term_text(a, self.sets.decl), term_text(b, self.sets.decl))
        if hyps:
            meaning += " where " + ", ".join("%s ≠ 0" % term_text(h.t, self.sets.decl) for h in hyps if isinstance(h, NonZero))
        self._prove(obs, r, what, meaning, enc, pool, self._hyps(enc, hyps, guards), enc.term(a) == enc.term(b),
                    "leaf", link)

    # -- products: congruence by induction --------------------------------------------------------
    def _range_of_prods(self, r, what, prods, enc):
        rngs = {enc.range_of(p.domain) for p in prods}
        if len(rngs) != 1:
            raise self._err("%s: %s: the products run over different index ranges" % (r, what))
        return rngs.pop()

    def _product_induction(self, obs, r, what, fa, fb, hyps, guards, gens, link=0):
        """∏ fa = ∏ fb by induction on k from n down to 0: φ(k) says the products over j > k agree."""
        d = self.sets.decl
        enc = Encoder(d)
        rng = self._range_of_prods(r, what, fa + fb, enc)
        n = enc.bound(rng)
        k = enc.iterm(KVAR)
        side = lambda fs, at: z3.Product([enc.prod_at(p, at) for p in fs]) if len(fs) > 1 else enc.prod_at(fs[0], at)  # noqa: E731
        text = "%s = %s" % (" ".join(term_text(p, d) for p in fa), " ".join(term_text(p, d) for p in fb))
        # base: k = n, both sides are empty products
        pool = Pool(self._oracle())
        self._prove(obs, r, what, "congruence under ∏ (%s), induction base k = n" % text, enc, pool,
                    self._hyps(enc, hyps, guards), side(fa, n) == side(fb, n), "prod-base", link)
        # step: φ(k+1) ⊢ φ(k) for 0 ≤ k < n; the factors at k+1 under 'k+1 ∈ D'
        enc = Encoder(d)
        k = enc.iterm(KVAR)
        pool = Pool(self._oracle())
        t1 = KVAR + "+1"
        for p in fa + fb:
            for q in fa + fb:   # each factor at k+1 under each product's 'k+1 ∈ D'
                pool.collect(subst_term(p.body, {p.var: t1}), frozenset({(t1, q.domain)}))
        for h in hyps:
            if isinstance(h, NonZero):
                pool.collect(h.t)
        for g in guards:
            pool.add_prob(P(g))
        self._saturate(pool, gens)
        # φ(k) follows from φ(k+1) when the factors at k+1 agree: ∏_{j>k} = (factor at k+1) ∏_{j>k+1}.
        # Proving the factors equal keeps the query linear once the memberships are split.
        def factor(p):
            return z3.If(enc.mem(p.domain, enc.iterm(t1)), enc.term(subst_term(p.body, {p.var: t1})), z3.RealVal(1))

        def fprod(fs):
            out = factor(fs[0])
            for p in fs[1:]:
                out = out * factor(p)
            return out
        hz = self._hyps(enc, hyps, guards) + [k >= 0, k < n]
        self._prove(obs, r, what, "congruence under ∏ (%s), induction step: the factors at k+1 agree, so "
                    "φ(k+1) ⊢ φ(k) for 0 ≤ k < n" % text, enc, pool, hz, fprod(fa) == fprod(fb), "prod-step", link)

    # -- the chain rule ---------------------------------------------------------------------------
    def _chain_rule(self, obs, r, what, a, b, prem, guards, link=0):
        """P(F_D | T) = ∏_{j ∈ D} g(j), where g(j) is the chain factor P(F_j | F_{D ∩ >j} T) (or
        P(F_j | F_{D ∩ <j} T)) after the cited c.i. and determinism facts. By induction on k from n
        down to 0 of  P(F_{D ∩ >k} | T) = ∏_{j ∈ D, j > k} g(j)  (suffix form) or of
        P(F_D | T) = P(F_{D ∩ ≤k} | T) ∏_{j ∈ D, j > k} g(j)  (prefix form)."""
        d = self.sets.decl
        if isinstance(a, Prod) and isinstance(b, Prob):
            a, b = b, a
        if not (isinstance(a, Prob) and isinstance(b, Prod)):
            raise self._err("%s: %s: the chain rule proves P(F_D | T) = ∏_{j ∈ D} …" % (r, what))
        tgt = a.target
        if tgt.scalars or len(tgt.fams) != 1:
            raise self._err("%s: %s: the chain rule needs P(F_D | T) with F_D one family over an index set" % (r, what))
        (fam, D), = tgt.fams
        T = a.given
        oracle = self._oracle()
        if not oracle.equal(_mk(frozenset(), {fam: D}), _mk(frozenset(), {fam: b.domain})):
            raise self._err("%s: %s: the product must run over the index set of %s" % (r, what, term_text(a, d)))
        D = b.domain
        obs.extend(oracle.obligations)
        gens = self._generators([("ci" if any(isinstance(f.statement, (CI, Schema)) for f in [g]) else "determinism",
                                  [g], "") for g in prem], r)

        def F(e):
            return _mk(frozenset(), {fam: e})

        def after(t):
            return IDiff(D, IUpTo(t))

        body = b.body
        # which way round: does g(j) condition on members of F after j or before j?
        j = b.var
        gv = body.given if isinstance(body, Prob) else VarSet()
        prefix = any(f == fam and (isinstance(e, ISingle) and e.term not in (j,) or isinstance(e, IUpTo))
                     for f, e in gv.fams) and not any(f == fam and isinstance(e, IDiff) and isinstance(e.right, IUpTo)
                                                     for f, e in gv.fams)
        t0, t1 = KVAR, KVAR + "+1"
        enc = Encoder(d)
        n = enc.bound(enc.range_of(D))
        k = enc.iterm(t0)
        pos_T = [Pos(T)] if not T.is_empty_syntactically() else []
        U = lambda t: P(F(after(t)), T)                   # noqa: E731  P(F_{D∩>t} | T)
        Lo = lambda t: P(F(IDiff(D, IDiff(IFull(enc.range_of(D)), IUpTo(t)))), T)   # noqa: E731 P(F_{D∩≤t} | T)
        full = P(F(D), T)
        def hz():
            return self._hyps(enc, [], guards) + [enc.cond(c) for c in pos_T]

        def phi(t_z, t_s):
            if prefix:
                return enc.term(full) == enc.term(Lo(t_s)) * enc.prod_at(b, t_z)
            return enc.term(U(t_s)) == enc.prod_at(b, t_z)
        form = "prefix" if prefix else "suffix"
        # base k = n: F_{D ∩ >n} = ∅ (suffix), F_{D ∩ ≤n} = F_D (prefix)
        pool = Pool(self._oracle())
        pool.add_prob(full)
        top = d.ranges.get(enc.range_of(D), "n")     # the index term n (the range's bound)
        pool.add_prob(U(top) if not prefix else Lo(top))
        pool.add_law(Law("chain rule base: every member of D is at most n", "calc", tuple(pos_T),
                         U(top) if not prefix else Lo(top), ONE if not prefix else full))
        self._saturate(pool, [])
        self._prove(obs, r, what, "chain rule (%s form), induction base k = n" % form, enc, pool, hz(), phi(n, top),
                    "chain-base", link)
        # step: φ(k+1) ⊢ φ(k), 0 ≤ k < n
        enc = Encoder(d)
        k = enc.iterm(t0)
        n = enc.bound(enc.range_of(D))
        pool = Pool(self._oracle())
        ctx = frozenset({(t1, D)})
        single = P(F(ISingle(t1)), (F(after(t1)) if not prefix else F(IDiff(D, IDiff(IFull(enc.range_of(D)), IUpTo(t0))))) | T)
        pool.add_prob(single, ctx)
        g1 = subst_term(body, {j: t1})
        pool.collect(g1, ctx)
        inD = Mem(t1, D)
        notD = Mem(t1, D, True)
        if prefix:
            # P(F_{D∩≤k+1} | T) = P(F_{k+1} | F_{D∩≤k} T) P(F_{D∩≤k} | T) if k+1 ∈ D, else equal
            pool.add_prob(Lo(t1))
            pool.add_prob(Lo(t0))
            pool.add_law(Law("chain rule step: product rule at k+1", "calc", (inD,) + tuple(pos_T), Lo(t1), mul(single, Lo(t0))))
            pool.add_law(Law("chain rule step: k+1 ∉ D", "calc", (notD,), Lo(t1), Lo(t0)))
        else:
            pool.add_prob(U(t1))
            pool.add_prob(U(t0))
            pool.add_law(Law("chain rule step: product rule at k+1", "calc", (inD,) + tuple(pos_T), U(t0), mul(single, U(t1))))
            pool.add_law(Law("chain rule step: k+1 ∉ D", "calc", (notD,), U(t0), U(t1)))
        for g in guards:
            pool.add_prob(P(g))
        if not T.is_empty_syntactically():
            pool.add_prob(P(T))
        self._saturate(pool, gens)
        # φ as an implication of the step: with k+1 for the hypothesis
        hyp = phi(k + 1, t1)
        self._prove(obs, r, what, "chain rule (%s form), induction step φ(k+1) ⊢ φ(k) for 0 ≤ k < n" % form,
                    enc, pool, hz() + [k >= 0, k < n, hyp], phi(k, t0), "chain-step", link)
        # conclusion at k = 0: F_{D ∩ >0} = F_D (suffix); F_{D ∩ ≤0} = ∅ (prefix)
        enc = Encoder(d)
        pool = Pool(self._oracle())
        pool.collect(a)
        pool.add_prob(U(0) if not prefix else Lo(0))
        # φ(0), the conclusion of the induction above (its base and step were proved)
        pool.add_law(Law("chain rule: the induction at k = 0", "induction", tuple(pos_T), U(0) if not prefix else full,
                         b if not prefix else mul(Lo(0), b)))
        self._saturate(pool, [])
        self._prove(obs, r, what, "chain rule (%s form) at k = 0" % form, enc, pool, hz(),
                    enc.term(a) == enc.term(b), "chain-k0", link)


def _core_name(source: str) -> str:
    import re
    return re.sub(r"[^A-Za-z0-9_]", "_", source)[:60] if source != "calc" else "calc"


def _free_in(sets) -> frozenset:
    out = frozenset()
    for g in sets:
        out |= g.scalars
    return out


def _hints(link: int, part: str, laws, core) -> str:
    """What `graphoid recheck` needs to rebuild this query with its own encoding: the link and the
    part of its proof (a leaf of the congruence, a step of an induction), and every law instance of
    the axiom groups z3 used, as structure. The rechecker re-derives the goal itself and checks that
    each law is an instance of a law of probability; the premise of a law is its source text here
    and becomes the premise's index in equation_chain (_number_premises)."""
    import json
    from ..export.certificate import index_json, set_json
    from ..probability.terms import term_json

    def hyp(h):
        if isinstance(h, Pos):
            return {"pos": set_json(h.s)}
        return {"mem": h.term, "domain": index_json(h.domain), "neg": bool(h.negated)}
    # the conclusion of an induction is not a law: the rechecker adds it once it has proved the induction
    used = [law for law in laws if _core_name(law.source) in core and law.source != "induction"]
    return json.dumps({"link": link, "part": part, "laws": [
        {"law": law.name, "source": law.source, "hyps": [hyp(h) for h in law.hyps], "lhs": term_json(law.lhs),
         "rhs": term_json(law.rhs) if law.rhs is not None else None, "rel": law.rel} for law in used]},
        ensure_ascii=False, sort_keys=True)


def _number_premises(obs, sources: list):
    """Replace each law's premise text by the index of the step's premise it instantiates."""
    import json
    from dataclasses import replace as _replace
    for i, ob in enumerate(obs):
        if not ob.hints:
            continue
        h = json.loads(ob.hints)
        for law in h["laws"]:
            src = law.pop("source")
            law["premise"] = sources.index(src) if src in sources else (src if src.startswith("premise: ") else None)
        obs[i] = _replace(ob, hints=json.dumps(h, ensure_ascii=False, sort_keys=True))
