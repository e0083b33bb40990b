"""Scripts: probability terms from the parse tree, and the `have (l): L = M by … = R by …` step, which
the kernel checks link by link (kernel/probability.py)."""
from __future__ import annotations

import time
from dataclasses import replace
from fractions import Fraction

from lark import Token, Tree

from ..sets import IDiff, IFull, IUpTo, VarSet
from ..syntax.ast import position, token_name
from ..syntax.resolve import Env, ResolveError, Resolver
from .terms import Add, Const, Equation, Prob, Prod, Sum, mul

RULES = {"product_rule": "product_rule", "product": "product_rule", "definition": "product_rule",
         "marginalisation": "marginalisation", "marginalization": "marginalisation", "marginal": "marginalisation",
         "ci": "ci", "independence": "ci",
         "determinism": "determinism", "det": "determinism",
         "chain_rule": "chain_rule", "chain": "chain_rule",
         "substitution": "substitution", "subst": "substitution", "eq": "substitution",
         "algebra": "algebra"}


class TermResolver:
    def __init__(self, env: Env):
        self.env = env

    def _rs(self):
        return Resolver(self.env)

    def term(self, t):
        k = t.data if isinstance(t, Tree) else None
        if k == "pprod":
            return mul(*[self.term(c) for c in t.children if c is not None])
        if k == "padd":
            left, _op, right = t.children
            a, b = self.term(left), self.term(right)
            return Add((a.terms if isinstance(a, Add) else (a,)) + (b.terms if isinstance(b, Add) else (b,)))
        if k == "prob":
            tok, target, _bar, given = t.children
            rs = self._rs()
            S = rs.setexpr(target)
            T = rs.setexpr(given) if given is not None else VarSet()
            phen = str(tok) != "P"
            if phen:
                lat = sorted(v for v in (S | T).scalars if self.env.scalars.get(v))
                if lat:
                    line, col = position(t)
                    raise ResolveError("𝒫 is the phenomenon, a distribution of observed variables only; "
                                       "%s is latent (write P(…))" % ", ".join(lat), line, col)
            return Prob(S, T, phen)
        if k == "psum":
            _tok, binder, body = t.children
            over = self._sum_binder(binder)
            return Sum(over, self.term(body))
        if k == "pprodop":
            _tok, binder, body = t.children
            var, dom = self._prod_binder(binder)
            d = self.env.decl
            inner = Env(scalars=self.env.scalars, decl=replace(d, index_vars={**d.index_vars, var: dom}),
                        graphs=self.env.graphs, implicit=self.env.implicit)
            return Prod(var, dom, TermResolver(inner).term(body))
        if k == "pconst":
            return Const(Fraction(int(t.children[0])))
        if k is None:
            line, col = position(t)
            raise ResolveError("not a probability term", line, col)
        kids = [c for c in t.children if isinstance(c, Tree)]
        if len(kids) == 1:     # parentheses, · f
            return self.term(kids[0])
        line, col = position(t)
        raise ResolveError("not a probability term", line, col)

    def _sum_binder(self, b) -> VarSet:
        rs = self._rs()
        kids = [c for c in b.children if c is not None and not (isinstance(c, Token) and c.type == "SUB")]
        x = kids[0]
        if isinstance(x, Token):
            name = token_name(x)
            from ..syntax.resolve import split_name
            names = split_name(self.env, name, x.line, x.column)
            s = VarSet.of(names)
        else:
            s = rs.setexpr(x)
        if s.fams:
            line, col = position(b)
            raise ResolveError("Σ sums over single variables (latent or observed), not over a family", line, col)
        return s

    def _prod_binder(self, b):
        rs = self._rs()
        line, col = position(b)
        kids = [c for c in b.children if c is not None and not (isinstance(c, Token) and c.type in ("SUB", "ELEM"))]
        var = token_name(kids[0].children[0])
        if b.data == "prod_in":
            return var, rs.index(kids[1])
        lo, hi = kids[1], kids[2]
        rng = rs._range()
        hi_t = rs.idx_name(hi) if isinstance(hi, Tree) and hi.data == "idx_name" else None
        if hi_t != self.env.decl.ranges.get(rng):
            raise ResolveError("a product j=a..b must run up to the range's bound %s" % self.env.decl.ranges.get(rng, "n"), line, col)
        k = int(lo)
        return var, (IFull(rng) if k <= 1 else IDiff(IFull(rng), IUpTo(k - 1)))


def equation_step(checker, item, t0):
    """Check `have (l): T0 = T1 by r… = T2 by r… …`; the fact is T0 = Tlast."""
    from ..kernel import RuleError
    from ..syntax.parser import GphError
    tree = item.statement
    tr = TermResolver(checker.env)
    first = tree.children[1]
    terms = [tr.term(first)]
    links = []
    for link in tree.children[2:]:
        term_tree, *apps = link.children
        terms.append(tr.term(term_tree))
        just = []
        for app in apps:
            if app is None:
                continue
            tok = app.children[0]
            name = RULES.get(str(tok))
            if name is None:
                raise checker.err(tok.line, tok.column, "unknown rule %r for an equation; known: %s"
                                  % (str(tok), ", ".join(sorted(set(RULES.values())))))
            prem = []
            for a in app.children[1:]:
                if a is None:
                    continue
                if a.data != "ref":
                    line, col = position(a)
                    raise checker.err(line, col, "%s takes labels of earlier facts" % name)
                lab = str(a.children[0])
                line, col = position(a)
                from ..syntax.ast import Arg
                prem.append(checker.lookup(Arg("ref", lab, line, col)))
            just.append((name, prem, str(tok)))
        links.append(just)
    eq = Equation(terms[0], terms[-1])
    line, col = position(first)
    try:
        fact = checker.kernel.equation_chain(eq, terms, links)
    except RuleError as e:
        msg = str(e)
        link = getattr(e, "failed_link", None)
        if link is not None and ("does not follow" in msg or "could not decide" in msg):
            from .countermodels import find_counter_model
            a, b, prem, guards = link
            cm = find_counter_model(checker.env, prem, Equation(a, b), guards=guards)
            if cm is not None:
                msg += "; exact counter-model (the cited premises hold, the link fails):\n  " + cm.describe()
            else:
                msg += "; no counter-model was found by the search (n ≤ 2, binary variables)"
        checker.fail(item, checker.err(line, col, msg), e.obligations)
        return
    checker._record(item, fact, "verified", t0)
