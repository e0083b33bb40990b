"""An independent exact re-check of a behaviour certificate (the JSON form written by `--json`).

It shares nothing with the decision procedure but the parsed behaviour: no LP, no coordinates, no
variable elimination. It recomputes marginals for a disturbance, re-adds every weight of a
decomposition against every table entry, and recomputes an inequality's local bound by its own
depth-first branch and bound over deterministic assignments, all in `fractions.Fraction`.
"""
from __future__ import annotations

from fractions import Fraction

from .model import Behaviour


class CertificateError(Exception):
    pass


def _q(s) -> Fraction:
    if not isinstance(s, str):
        raise CertificateError("exact numbers are written as strings, got %r" % (s,))
    try:
        return Fraction(s)
    except (ValueError, ZeroDivisionError):
        raise CertificateError("not a rational: %r" % s) from None


def _context(b: Behaviour, names):
    for c in b.scenario.contexts:
        if set(c) == set(names) and len(c) == len(names):
            return c
    raise CertificateError("the certificate names a context not in the scenario: %r" % (names,))


def no_disturbance_holds(b: Behaviour) -> bool:
    cs = b.scenario.contexts
    for i, c1 in enumerate(cs):
        for c2 in cs[i + 1:]:
            shared = [m for m in c1 if m in c2]
            if not shared:
                continue
            m1, m2 = {}, {}
            for c, acc in ((c1, m1), (c2, m2)):
                for o, q in b.table[c].items():
                    key = tuple(o[c.index(m)] for m in shared)
                    acc[key] = acc.get(key, 0) + q
            keys = set(m1) | set(m2)
            if any(m1.get(k, 0) != m2.get(k, 0) for k in keys):
                return False
    return True


def local_bound(b: Behaviour, coef: dict):
    """max over deterministic assignments of Σ_c coef[c][λ|c]: (value, assignment), by branch and bound."""
    sc = b.scenario
    ctxs = [c for c in coef if coef[c]]
    order = sorted({m for c in ctxs for m in c}, key=lambda m: -sum(m in c for c in ctxs))
    pos = {m: i for i, m in enumerate(order)}
    closes = {}  # the depth at which each context becomes fully assigned
    for c in ctxs:
        closes.setdefault(max(pos[m] for m in c), []).append(c)
    cmax = {c: max(max(coef[c].values(), default=Fraction(0)), Fraction(0)) if len(coef[c]) < _size(sc, c)
            else max(coef[c].values()) for c in ctxs}
    rest = [Fraction(0)] * (len(order) + 1)  # optimistic value of contexts closing at depth ≥ d
    for d in range(len(order) - 1, -1, -1):
        rest[d] = rest[d + 1] + sum((cmax[c] for c in closes.get(d, [])), Fraction(0))
    best = [None, None]
    asg: dict = {}

    def dfs(d, acc):
        if best[0] is not None and acc + rest[d] <= best[0]:
            return
        if d == len(order):
            best[0], best[1] = acc, dict(asg)
            return
        m = order[d]
        for o in sc.outcomes[m]:
            asg[m] = o
            gain = Fraction(0)
            for c in closes.get(d, []):
                gain += coef[c].get(tuple(asg[x] for x in c), Fraction(0))
            dfs(d + 1, acc + gain)
        del asg[m]

    dfs(0, Fraction(0))
    if best[0] is None:
        return Fraction(0), {}
    return best[0], best[1]


def _size(sc, c) -> int:
    n = 1
    for m in c:
        n *= len(sc.outcomes[m])
    return n


def verify_certificate(b: Behaviour, cert: dict) -> str:
    """Re-check `cert` against `b` exactly. Returns the certified answer ('factorisable',
    'not factorisable', 'disturbing'); raises CertificateError if anything does not hold."""
    ans = cert.get("answer")
    sc = b.scenario
    if ans == "disturbing":
        d = cert.get("disturbance") or {}
        c1, c2 = (_context(b, c) for c in d.get("contexts", [[], []]))
        shared = tuple(d.get("measurements", ()))
        if not shared or any(m not in c1 or m not in c2 for m in shared):
            raise CertificateError("the disturbance must name measurements shared by both contexts")
        o = tuple(d.get("outcome", ()))
        vals = []
        for c in (c1, c2):
            vals.append(sum((q for a, q in b.table[c].items() if tuple(a[c.index(m)] for m in shared) == o), Fraction(0)))
        claimed = tuple(_q(x) for x in d.get("values", ()))
        if tuple(vals) != claimed:
            raise CertificateError("the marginals are %s and %s, not %s" % (vals[0], vals[1], claimed))
        if vals[0] == vals[1]:
            raise CertificateError("the two marginals agree: no disturbance shown")
        return ans
    if ans == "factorisable":
        dec = cert.get("decomposition")
        if not isinstance(dec, dict):
            raise CertificateError("a factorisable answer needs a decomposition")
        uni = _q(dec.get("uniform_weight", "0"))
        terms = []
        for t in dec.get("terms", []):
            w = _q(t["weight"])
            a = t["assignment"]
            if set(a) != set(sc.measurements):
                raise CertificateError("an assignment must give every measurement an outcome")
            for m, o in a.items():
                if o not in sc.outcomes[m]:
                    raise CertificateError("outcome %r is not an outcome of %s" % (o, m))
            terms.append((w, a))
        if uni < 0 or any(w < 0 for w, _ in terms):
            raise CertificateError("negative weight")
        if uni + sum((w for w, _ in terms), Fraction(0)) != 1:
            raise CertificateError("the weights do not sum to 1")
        for c in sc.contexts:
            got = {o: uni / _size(sc, c) for o in b.table[c]}
            for w, a in terms:
                k = tuple(a[m] for m in c)
                got[k] += w
            for o, q in b.table[c].items():
                if got[o] != q:
                    raise CertificateError("the decomposition gives %s for context (%s) = (%s); the table has %s"
                                           % (got[o], ", ".join(c), ", ".join(o), q))
        return ans
    if ans == "not factorisable":
        ineq = cert.get("inequality")
        if not isinstance(ineq, dict):
            raise CertificateError("a not-factorisable answer needs an inequality")
        coef = {}
        for e in ineq.get("coefficients", []):
            c = _context(b, e["context"])
            o = tuple(e["outcome"][e["context"].index(m)] for m in c)
            if o not in b.table[c]:
                raise CertificateError("unknown joint outcome %r" % (e["outcome"],))
            coef.setdefault(c, {})
            coef[c][o] = coef[c].get(o, Fraction(0)) + _q(e["coefficient"])
        bound, _ = local_bound(b, coef)
        if bound != _q(ineq.get("local_bound", "")):
            raise CertificateError("the local bound is %s, not %s" % (bound, ineq.get("local_bound")))
        value = sum((q * b.table[c][o] for c, row in coef.items() for o, q in row.items()), Fraction(0))
        if value != _q(ineq.get("value", "")):
            raise CertificateError("the behaviour's value is %s, not %s" % (value, ineq.get("value")))
        if not value > bound:
            raise CertificateError("the value %s does not exceed the local bound %s" % (value, bound))
        if cert.get("no_disturbance") is True and not no_disturbance_holds(b):
            raise CertificateError("the certificate claims no-disturbance, which fails")
        return ans
    raise CertificateError("nothing to verify for answer %r" % (ans,))
