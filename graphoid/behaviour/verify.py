"""An independent exact re-check of a behaviour certificate (the JSON form written by `--json`).

It shares nothing with the decision procedure but the parsed behaviour: no LP, no coordinates, no
variable elimination. It recomputes marginals for a disturbance, re-adds every weight of a
decomposition against every table entry, and recomputes an inequality's local bound by its own
depth-first branch and bound over deterministic assignments, all in `fractions.Fraction`.
"""
from __future__ import annotations

import math
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
    by_set = getattr(b, "_verify_ctx", None)
    if by_set is None:
        by_set = b._verify_ctx = {frozenset(c): c for c in b.scenario.contexts}
    c = by_set.get(frozenset(names))
    if c is not None and len(c) == len(names):
        return c
    raise CertificateError("the certificate names a context not in the scenario: %r" % (names,))


def _common_denominator(values) -> int:
    D = 1
    for q in values:
        D = D * q.denominator // math.gcd(D, q.denominator)
    return D


def no_disturbance_holds(b: Behaviour) -> bool:
    """Every two contexts give the same marginal on their shared measurements (integer sums over the
    common denominator, so exact)."""
    import numpy as np
    D = _common_denominator(q for row in b.table.values() for q in row.values())
    sc = b.scenario
    dtype = np.int64 if D < (1 << 62) else object
    arrays = {}
    for c, row in b.table.items():  # axes sorted by measurement name
        arr = np.array([int(q * D) for q in row.values()], dtype=object).astype(dtype)
        arr = arr.reshape([len(sc.outcomes[m]) for m in c])
        perm = sorted(range(len(c)), key=lambda i: c[i])
        arrays[c] = (tuple(c[i] for i in perm), np.transpose(arr, axes=perm))
    cache: dict = {}

    def marg(c, shared):  # marginal on `shared` (sorted names), axes in that order
        key = (c, shared)
        if key not in cache:
            names, arr = arrays[c]
            drop = tuple(i for i, m in enumerate(names) if m not in shared)
            cache[key] = arr.sum(axis=drop) if drop else arr
        return cache[key]

    cs = sc.contexts
    for i, c1 in enumerate(cs):
        for c2 in cs[i + 1:]:
            shared = tuple(sorted(set(c1) & set(c2)))
            if shared and not np.array_equal(marg(c1, shared), marg(c2, shared)):
                return False
    return True


def local_bound(b: Behaviour, coef: dict):
    """max over deterministic assignments of Σ_c coef[c][λ|c]: (value, assignment). Up to 2^22
    assignments: all of them, vectorised; beyond: depth-first branch and bound. Integer arithmetic
    over the common denominator."""
    sc = b.scenario
    D = _common_denominator(q for row in coef.values() for q in row.values())
    icoef = {c: {o: int(q * D) for o, q in row.items()} for c, row in coef.items() if row}
    ctxs = list(icoef)
    ms = sorted({m for c in ctxs for m in c}, key=list(sc.measurements).index)
    total = 1
    for m in ms:
        total *= len(sc.outcomes[m])
    if total <= (1 << 22) and sum(abs(v) for row in icoef.values() for v in row.values()) < (1 << 62):
        return _brute_bound(sc, icoef, ms, D)
    return _dfs_bound(sc, icoef, ctxs, D)


def _brute_bound(sc, icoef, ms, D):
    import numpy as np
    cards = [len(sc.outcomes[m]) for m in ms]
    total = int(np.prod(cards))
    col = {m: i for i, m in enumerate(ms)}
    best, best_i = None, None
    chunk = 1 << 16
    tables = []
    for c, row in icoef.items():
        radix, r = [], 1
        for m in reversed(c):
            radix.append(r)
            r *= len(sc.outcomes[m])
        radix = radix[::-1]
        lut = np.zeros(r, dtype=np.int64)
        outs = list(sc.joint_outcomes(c))
        for j, o in enumerate(outs):
            lut[j] = row.get(o, 0)
        tables.append(([col[m] for m in c], np.array(radix, dtype=np.int64), lut))
    for start in range(0, total, chunk):
        idx = np.arange(start, min(total, start + chunk), dtype=np.int64)
        digits = np.stack(np.unravel_index(idx, cards), axis=1)  # one row per assignment
        score = np.zeros(len(idx), dtype=np.int64)
        for cols, radix, lut in tables:
            score += lut[digits[:, cols] @ radix]
        k = int(np.argmax(score))
        if best is None or int(score[k]) > best:
            best, best_i = int(score[k]), digits[k]
    asg = {m: sc.outcomes[m][int(x)] for m, x in zip(ms, best_i)}
    return Fraction(best, D), asg


def _dfs_bound(sc, icoef, ctxs, D):
    # measurements in an order that closes contexts early (greedy), so the bound prunes
    left = {m for c in ctxs for m in c}
    order: list = []
    while left:
        done = set(order)
        m = max(sorted(left), key=lambda x: (sum(1 for c in ctxs if x in c and set(c) - done <= {x}),
                                              sum(1 for c in ctxs if x in c)))
        order.append(m)
        left.discard(m)
    pos = {m: i for i, m in enumerate(order)}
    closes: dict = {}  # the depth at which each context becomes fully assigned
    for c in ctxs:
        closes.setdefault(max(pos[m] for m in c), []).append(c)
    cmax = {c: max(max(icoef[c].values()), 0) if len(icoef[c]) < _size(sc, c) else max(icoef[c].values())
            for c in ctxs}
    rest = [0] * (len(order) + 1)  # optimistic value of the contexts closing at depth ≥ d
    for d in range(len(order) - 1, -1, -1):
        rest[d] = rest[d + 1] + sum(cmax[c] for c in closes.get(d, []))
    best = [None, None]
    asg: dict = {}

    def dfs(d, acc):
        if best[0] is not None and acc + rest[d] <= best[0]:
            return
        if d == len(order):
            best[0], best[1] = acc, dict(asg)
            return
        m = order[d]
        here = closes.get(d, [])
        for o in sc.outcomes[m]:
            asg[m] = o
            gain = 0
            for c in here:
                gain += icoef[c].get(tuple(asg[x] for x in c), 0)
            dfs(d + 1, acc + gain)
        del asg[m]

    dfs(0, 0)
    if best[0] is None:
        return Fraction(0), {}
    return Fraction(best[0], D), best[1]


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
