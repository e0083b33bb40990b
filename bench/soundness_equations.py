"""Soundness campaign for the rechecker's probability calculus: random edits of the equation steps
of the shipped probability proofs' certificates (a variable dropped from, added to or moved within a
term of the chain, a factor dropped, a Σ's variables changed, a law instance mutated, a link's rule
changed). Each edited certificate goes to `graphoid recheck`'s checker; every edit it accepts must
still state a true equation: a counter-model search (exact rational structural models in which
every premise of the step holds, graphoid/probability/countermodels.py) must find none, and an
edited law instance must hold in random distributions where its premise holds.

    python bench/soundness_equations.py [EDITS] [SEED]        # prints the figures; exit 1 on a false accept
"""
from __future__ import annotations

import copy
import os
import random
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROOFS = ["bell_local.gph", "markov_factorisation.gph", "theorem1.gph"]


# -- mutations ---------------------------------------------------------------------------------------------
def prob_paths(t, path=()):
    """Paths to the P(…) nodes of a term (top level, factors, bodies of Σ and ∏)."""
    if "P" in t:
        return [path]
    if "mul" in t:
        return [p for i, f in enumerate(t["mul"]) for p in prob_paths(f, path + ("mul", i))]
    if "sum" in t or "prod" in t:
        return prob_paths(t["body"], path + ("body",))
    return []


def node_paths(t, path=()):
    out = [path]
    for key in ("mul", "add"):
        if key in t:
            for i, f in enumerate(t[key]):
                out += node_paths(f, path + (key, i))
    if "body" in t:
        out += node_paths(t["body"], path + ("body",))
    return out


def at(t, path):
    for k in path:
        t = t[k]
    return t


def prob_mutants(term, scalars):
    """Edits of the P(…) nodes of a term: (what, edited copy)."""
    out = []
    for path in prob_paths(term):
        node = at(term, path)
        for part in ("P", "given"):
            for i in range(len(node[part])):
                m = copy.deepcopy(term)
                del at(m, path)[part][i]
                out.append(("drop from " + part, m))
        for i in range(len(node["given"])):
            m = copy.deepcopy(term)
            nm = at(m, path)
            nm["P"].append(nm["given"].pop(i))
            out.append(("given to event", m))
        present = {x for x in node["P"] + node["given"] if isinstance(x, str)}
        for v in sorted(scalars - present)[:2]:
            m = copy.deepcopy(term)
            at(m, path)["given"].append(v)
            out.append(("add to given", m))
    return out


def term_mutants(term, scalars):
    out = prob_mutants(term, scalars)
    for path in node_paths(term):
        node = at(term, path)
        if "mul" in node and len(node["mul"]) > 1:
            for i in range(len(node["mul"])):
                m = copy.deepcopy(term)
                del at(m, path)["mul"][i]
                out.append(("drop a factor", m))
        if "sum" in node:
            for v in sorted(scalars - set(node["sum"]))[:1]:
                m = copy.deepcopy(term)
                at(m, path)["sum"].append(v)
                out.append(("sum over more", m))
            if len(node["sum"]) > 1:
                m = copy.deepcopy(term)
                at(m, path)["sum"].pop()
                out.append(("sum over less", m))
    return out


def law_mutants(law, scalars):
    """Edits of a law instance: a positivity hypothesis dropped, its terms edited, factors
    reordered, sides exchanged."""
    out = []
    for i, h in enumerate(law["hyps"]):
        if "pos" in h:
            m = copy.deepcopy(law)
            del m["hyps"][i]
            out.append(("drop positivity", m))
    for side in ("lhs", "rhs"):
        if law[side] is None:
            continue
        for why, t in prob_mutants(law[side], scalars):
            m = copy.deepcopy(law)
            m[side] = t
            out.append((why, m))
        if "mul" in law[side]:
            m = copy.deepcopy(law)
            m[side]["mul"].reverse()
            out.append(("reorder factors", m))
    if law["rel"] in ("=", "<="):
        m = copy.deepcopy(law)
        m["lhs"], m["rhs"] = m["rhs"], m["lhs"]
        out.append(("exchange sides", m))
    return out


RULES = ["product_rule", "marginalisation", "algebra"]


def edit(rng, f, scalars):
    """One random edit of an equation step of the file entry f (in place): (step, what, edited law or None)."""
    steps = [s for s in f["steps"] if s["statement"].get("type") == "equation"]
    s = rng.choice(steps)
    st = s["statement"]
    kind = rng.choice(["term", "term", "law", "rule"])
    if kind == "term":
        i = rng.randrange(len(st["chain"]))
        ms = term_mutants(st["chain"][i], scalars)
        if not ms:
            return None
        why, t = rng.choice(ms)
        st["chain"][i] = t
        if i == 0:
            st["lhs"] = t
        if i == len(st["chain"]) - 1:
            st["rhs"] = t
        return s, "chain term %d: %s" % (i, why), None
    if kind == "law":
        obs = [o for o in s["obligations"] if o.get("hints", {}).get("laws")]
        h = rng.choice(obs)["hints"]
        k = rng.randrange(len(h["laws"]))
        ms = law_mutants(h["laws"][k], scalars)
        if not ms:
            return None
        why, m = rng.choice(ms)
        h["laws"][k] = m
        return s, "law %r: %s" % (m["law"], why), m
    link = rng.choice(st["links"])
    j = rng.choice(link)
    j["rule"] = rng.choice([r for r in RULES if r != j["rule"]])
    return s, "rule changed to %s" % j["rule"], None


def law_of(j):
    """A certificate's law instance as the kernel's Law, to evaluate it exactly."""
    import graphoid.kernel.prob_encoding as pe
    from graphoid.export.certificate import index_from_json, set_from_json
    from graphoid.probability.terms import term_from_json
    hyps = tuple(pe.Pos(set_from_json(h["pos"])) if "pos" in h else pe.Mem(h["mem"], index_from_json(h["domain"]), h["neg"])
                 for h in j["hyps"])
    return pe.Law(j["law"], "test", hyps, term_from_json(j["lhs"]),
                  term_from_json(j["rhs"]) if j["rhs"] is not None else None, j["rel"])


# -- the campaign ------------------------------------------------------------------------------------------
def _load():
    from graphoid.export.certificate import certificate
    from graphoid.script import check_file
    out = []
    for name in PROOFS:
        rep = check_file(os.path.join(ROOT, "proofs", name))
        assert rep.ok, name
        statements = {s.label: s.fact.statement for s in rep.steps if s.fact is not None}
        out.append((name, rep, certificate([rep]), statements))
    return out


def campaign(n_edits: int, seed: int = 0, out=sys.stdout, tries: int = 400) -> dict:
    from graphoid.probability.countermodels import find_counter_model
    from graphoid.probability.terms import equation_from_json
    from graphoid.recheck.checker import check_certificate
    rng = random.Random(seed)
    loaded = _load()
    stats = {"edits": 0, "rejected": 0, "accepted": 0, "accepted_true": 0, "false_accepts": 0, "seconds": 0.0}
    t0 = time.perf_counter()
    while stats["edits"] < n_edits:
        name, rep, cert, statements = rng.choice(loaded)
        c = copy.deepcopy(cert)
        f = c["files"][0]
        scalars = set(rep.env.scalars)
        e = edit(rng, f, scalars)
        if e is None:
            continue
        step, what, law = e
        stats["edits"] += 1
        _info, errors = check_certificate(c)
        if errors:
            stats["rejected"] += 1
            continue
        stats["accepted"] += 1
        # accepted: the edited equation must hold wherever the step's premises hold
        premises = [statements[p] for p in step["premises"] if p in statements]
        bad = find_counter_model(rep.env, premises, equation_from_json(step["statement"]), seconds=60,
                                 seed=rng.randrange(10 ** 6), tries_max=tries)
        if bad is None and law is not None:
            bad = _law_false(rep, law, statements.get(law["premise"]), rng)
        if bad is None:
            stats["accepted_true"] += 1
        else:
            stats["false_accepts"] += 1
            print("FALSE ACCEPT in %s, step (%s): %s\n%s" % (name, step["label"], what, bad), file=out)
    stats["seconds"] = round(time.perf_counter() - t0, 1)
    return stats


def _law_false(rep, law, premise, rng):
    """A distribution (where the premise holds) in which the law instance fails, or None."""
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    import test_probability_semantics as S   # the exact evaluator of laws
    for inst in S.instances(rep.env.decl, rep.env, 30, seed=rng.randrange(10 ** 6)):
        if premise is not None and not inst.holds(premise):
            continue
        if not S.law_holds(inst, law_of(law)):
            return "the law %r fails in a distribution" % law["law"]
    return None


def main(argv) -> int:
    n = int(argv[1]) if len(argv) > 1 else 300
    seed = int(argv[2]) if len(argv) > 2 else 0
    st = campaign(n, seed)
    print("equation certificate edits:", st)
    return 1 if st["false_accepts"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
