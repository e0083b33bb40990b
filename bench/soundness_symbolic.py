"""Soundness campaign for the symbolic surfaces: declarations (partitions, subsets, arbitrary indices),
schemas and binders (instantiate, generalize), set relations decided by z3, and `auto` across graphs.

Random scripts are generated, many deliberately wrong (mutated conclusions, wrong domains, redeclared
names, binders that are not arbitrary), and checked by graphoid. Every step the checker ACCEPTS is then
tested against semantics, independently of the kernel and of z3:
  - symbolic steps: in every concrete interpretation with n = 1..N_MAX (every partition, every value of
    the arbitrary indices in their domains, every subset γ in its domain), the conclusion's instances
    must follow from the assumptions' instances by the semigraphoid axioms (decided by the search's
    closure, a separate decision procedure); an interpretation where a declared domain is empty is
    one the script assumes away, and is skipped only for the facts that rest on that declaration;
  - `auto` and d-separation steps: the recorded statement must be the claimed one (kind and graph) and
    true in its graph (networkx).
A false accept is an accepted step that fails this test (must be 0).
Usage: python3 bench/soundness_symbolic.py [SCRIPTS] [SEED]   (default 300 scripts)"""
from __future__ import annotations

import itertools
import random
import sys

import networkx as nx

from graphoid.script import check_text
from graphoid.sets import IDiff, IEmpty, IFull, IName, ISingle, IUnion
from graphoid.statements import CI, Schema

N_MAX = 3


# -- concrete interpretation of index expressions and sets ---------------------------------------------
def ival(e, env, n):
    if isinstance(e, IFull):
        return frozenset(range(1, n + 1))
    if isinstance(e, IName):
        return env[e.name]
    if isinstance(e, ISingle):
        v = e.term if isinstance(e.term, int) else env[e.term]
        return frozenset({v}) if 1 <= v <= n else frozenset()
    if isinstance(e, IDiff):
        return ival(e.left, env, n) - ival(e.right, env, n)
    if isinstance(e, IUnion):
        out = frozenset()
        for p in e.parts:
            out |= ival(p, env, n)
        return out
    if isinstance(e, IEmpty):
        return frozenset()
    raise TypeError(e)


def sval(s, env, n) -> frozenset:
    out = set(s.scalars)
    for f, e in s.fams:
        out |= {"%s%d" % (f, k) for k in ival(e, env, n)}
    return frozenset(out)


def instances(stmt, env, n):
    """Concrete triples of a statement (a schema gives one per binder value)."""
    if isinstance(stmt, Schema):
        doms = []
        for b in stmt.binders:
            d = ival(b.domain, env, n)
            if b.kind == "subset":
                doms.append([frozenset(c) for r in range(len(d) + 1) for c in itertools.combinations(sorted(d), r)])
            else:
                doms.append(sorted(d))
        out = []
        for vals in itertools.product(*doms):
            e2 = dict(env)
            e2.update({b.name: v for b, v in zip(stmt.binders, vals)})
            out += instances(stmt.body, e2, n)
        return out
    if isinstance(stmt, CI):
        return [(sval(stmt.x, env, n), sval(stmt.y, env, n), sval(stmt.z, env, n))]
    return []


def interpretations(ctx, n):
    """Every assignment of the declared index sets and indices for this n, in declaration order."""
    decl = ctx.decl
    I = frozenset(range(1, n + 1))
    envs = [{}]
    parts_of = {tuple(ps): whole for whole, ps in decl.partitions}
    subset_dom = dict(decl.subset_of)
    for d in ctx.declarations:
        new = []
        if d.kind == "partition":
            parts = list(d.names)
            whole = parts_of[tuple(parts)]
            for env in envs:
                W = I if whole in decl.ranges else env[whole]
                for labels in itertools.product(range(len(parts)), repeat=len(W)):
                    e2 = dict(env)
                    for k, p in enumerate(parts):
                        e2[p] = frozenset(w for w, l in zip(sorted(W), labels) if l == k)
                    new.append(e2)
        elif d.kind == "subset":
            for env in envs:
                for g in d.names:
                    pass
                stack = [env]
                for g in d.names:
                    dom_expr = subset_dom.get(g, IFull(decl.subsets[g]))
                    nxt = []
                    for e in stack:
                        D = ival(dom_expr, e, n)
                        for r in range(len(D) + 1):
                            for c in itertools.combinations(sorted(D), r):
                                e2 = dict(e)
                                e2[g] = frozenset(c)
                                nxt.append(e2)
                    stack = nxt
                new += stack
        elif d.kind == "arbitrary":
            v = d.names[0]
            for env in envs:
                for k in sorted(ival(decl.index_vars[v], env, n)):
                    e2 = dict(env)
                    e2[v] = k
                    new.append(e2)     # an empty domain has no value: assumed away by the declaration
        else:
            continue
        envs = new
    return envs


def follows(premises, goal) -> bool:
    from graphoid.search import decide
    x, y, z = goal
    if not x or not y:
        return True
    prem = [p for p in premises if p[0] and p[1]]
    if goal in prem:
        return True
    res = decide(prem, goal, axioms="semigraphoid", budget_s=20.0)
    return res.status == "proved"


# -- random scripts -----------------------------------------------------------------------------------
# (whole, part, rest): part ∪ rest = whole, disjoint, for every interpretation of the declarations
SPLITS = [("A", "A_j", "A_{\\j}"), ("A", "A_γ", "A_{\\γ}"), ("A", "B", "C"), ("A", "C", "B"),
          ("X", "X_j", "X_{\\j}"), ("X", "X_γ", "X_{\\γ}"), ("X", "Y", "Z"), ("X", "Z", "Y")]
# plausible but wrong replacements (a z3 obligation must catch each, unless the domains make it right)
CONFUSE = {"A_j": ["A_1", "C_j", "A_γ"], "A_{\\j}": ["A_{\\γ}", "C", "A_{\\1}"], "A_γ": ["A_j", "B"],
           "A_{\\γ}": ["A_{\\j}", "C"], "B": ["C", "A_γ"], "C": ["B", "A_{\\j}"],
           "X_j": ["X_1", "Z_j", "X_γ"], "X_{\\j}": ["X_{\\γ}", "Z"], "X_γ": ["X_j", "Y"],
           "X_{\\γ}": ["X_{\\j}", "Z"], "Y": ["Z", "X_γ"], "Z": ["Y", "X_{\\j}"]}


def st(x, y, z):
    body = "%s ⊥⊥ %s" % ("{" + ", ".join(x) + "}", "{" + ", ".join(y) + "}")
    if z:
        body += " | {" + ", ".join(z) + "}"
    return "(" + body + ")"


def mutate(rng, atoms):
    atoms = list(atoms)
    k = rng.randrange(len(atoms))
    atoms[k] = rng.choice(CONFUSE.get(atoms[k], [atoms[k]]))
    return atoms


def step(rng, rule, a):
    """A conclusion for `rule` from premise a = (x, y, z) (lists of atoms), right by construction
    (unless mutated later), through the SPLITS so that z3 must decide the set relations."""
    x, y, z = a
    if rule == "symmetry":
        return (y, x, z)
    cands = [(w, p, r) for (w, p, r) in SPLITS if w in y]
    if not cands:
        return (x, y, z)
    w, p, r = rng.choice(cands)
    rest_y = [t for t in y if t != w]
    if rule == "decomposition":
        return (x, rest_y + [p], z)
    return (x, rest_y + [p], z + [r])          # weak union


def script(rng) -> str:
    lines = ["index I = 1..n", "family A, X over I", "partition I = I_B ⊔ I_C",
             "family B = A over I_B", "family C = A over I_C", "family Y = X over I_B", "family Z = X over I_C"]
    jdom = rng.choice(["I", "I_C", "I_C", "I_B"])
    lines.append("arbitrary j ∈ %s" % jdom)
    lines.append("subset γ ⊆ %s" % rng.choice(["I", "I_C", "I \\setminus j"]))
    if rng.random() < 0.1:      # a hostile redeclaration
        lines.append(rng.choice(["arbitrary j ∈ I", "subset j ⊆ I", "partition I = I_C ⊔ I_D", "family A over I"]))
    facts = {}
    # assumptions: an A-part against an X-part, conditioned on nothing or on an X-part's rest
    for k in range(rng.randint(1, 2)):
        xw, xp, xr = rng.choice([t for t in SPLITS if t[0] == "A"])
        yw, yp, yr = rng.choice([t for t in SPLITS if t[0] == "X"])
        x = [rng.choice([xw, xp])]
        y, z = ([yw], []) if rng.random() < 0.5 else ([yp], [yr] if rng.random() < 0.6 else [])
        if rng.random() < 0.4 and jdom == "I_C":   # a schema, instantiated at j (or wrongly at 1)
            body = st(["C_k"], y, z)
            lines.append("assume (s%d): for all k ∈ I_C: %s" % (k, body))
            val = "j" if rng.random() < 0.8 else "1"
            lines.append("have (i%d): %s by instantiate((s%d), k := %s)" % (k, st(["C_j"], y, z), k, val))
            facts["i%d" % k] = (["C_j"], y, z)
        else:
            lines.append("assume (a%d): %s" % (k, st(x, y, z)))
            facts["a%d" % k] = (x, y, z)
    for k in range(rng.randint(2, 5)):
        rule = rng.choice(["symmetry", "decomposition", "weak_union"])
        src = rng.choice(sorted(facts))
        c = step(rng, rule, facts[src])
        if rng.random() < 0.35:
            c = (mutate(rng, c[0]), c[1], c[2]) if rng.random() < 0.3 else (c[0], mutate(rng, c[1]), c[2] and mutate(rng, c[2]))
        lines.append("have (h%d): %s by %s((%s))" % (k, st(*c), rule, src))
        facts["h%d" % k] = c
        if rng.random() < 0.3:
            lines.append("have (g%d): for all j ∈ %s: %s by generalize((h%d))"
                         % (k, jdom if rng.random() < 0.8 else "I", st(*c), k))
    return "\n".join(lines) + "\n"


# -- certificates: random edits must be rejected unless the edited step is still true ------------------
from graphoid.export.certificate import index_from_json as index_of, set_from_json as set_of  # noqa: E402


def statement_of(js):
    from graphoid.statements import Binder
    if js.get("type") == "schema":
        return Schema(tuple(Binder(b["name"], b["kind"], index_of(b["domain"])) for b in js["binders"]),
                      statement_of(js["body"]))
    if js.get("type") == "ci":
        return CI(set_of(js["x"]), set_of(js["y"]), set_of(js["z"]), js["dsep"], js["graph"])
    return None


EDIT_ATOMS = [{"family": "A", "index": {"single": "j"}}, {"family": "X", "index": {"name": "γ"}},
              {"family": "A", "index": {"single": 1}}, {"family": "X", "index": {"diff": [{"full": "I"}, {"single": "j"}]}},
              {"family": "A", "index": {"name": "I_C"}}, {"family": "X", "index": {"full": "I"}}]


def edit_certificate(rng, cert):
    import copy
    c = copy.deepcopy(cert)
    steps = [s for s in c["files"][0]["steps"] if s.get("kind") == "verified" and s["statement"].get("type") == "ci"]
    if not steps:
        return None, None
    s = rng.choice(steps)
    what = rng.choice(["x", "y", "z", "rule", "premise"])
    if what in ("x", "y", "z"):
        lst = s["statement"][what]
        if lst and rng.random() < 0.5:
            lst[rng.randrange(len(lst))] = rng.choice(EDIT_ATOMS)
        else:
            lst.append(rng.choice(EDIT_ATOMS))
    elif what == "rule":
        s["rule"] = rng.choice(["symmetry", "decomposition", "weak_union", "contraction"])
    else:
        s["premises"] = list(reversed(s["premises"])) + ([] if rng.random() < 0.5 else s["premises"][:1])
    return c, s


def certificate_campaign(n_edits: int, seed: int = 0, out=sys.stdout) -> dict:
    from graphoid.export.certificate import certificate
    from graphoid.recheck.checker import check_certificate
    rng = random.Random(seed)
    stats = {"edits": 0, "rejected": 0, "accepted": 0, "accepted_true": 0, "false_accepts": 0}
    while stats["edits"] < n_edits:
        rep = check_text(script(rng), "<campaign>")
        if not any(s.status == "verified" for s in rep.steps):
            continue
        rep.steps = [s for s in rep.steps if s.status != "failed"]
        cert = certificate([rep])
        for _ in range(5):
            c, edited = edit_certificate(rng, cert)
            if c is None:
                break
            stats["edits"] += 1
            _info, errors = check_certificate(c)
            if errors:
                stats["rejected"] += 1
                continue
            stats["accepted"] += 1
            # accepted: the edited statement must still follow from the certificate's assumptions
            f = c["files"][0]
            assumed = [statement_of(x["statement"]) for x in f["steps"] if x["kind"] == "assumption"]
            goal = statement_of(edited["statement"])
            ok = True
            for n in range(1, N_MAX + 1):
                for env in interpretations(rep.context, n):
                    prem = [t for a in assumed if a is not None for t in instances(a, env, n)]
                    for g in instances(goal, env, n):
                        if not follows(prem, g):
                            ok = False
            if ok:
                stats["accepted_true"] += 1
            else:
                stats["false_accepts"] += 1
                print("FALSE ACCEPT of an edited certificate: %s" % edited, file=out)
    return stats


def campaign(n_scripts: int, seed: int = 0, out=sys.stdout) -> dict:
    rng = random.Random(seed)
    stats = {"scripts": 0, "steps": 0, "accepted": 0, "rejected": 0, "instances": 0, "false_accepts": 0,
             "unknown": 0}
    for _ in range(n_scripts):
        text = script(rng)
        rep = check_text(text, "<campaign>")
        stats["scripts"] += 1
        ctx = rep.context
        for s in rep.steps:
            if s.status not in ("verified", "failed"):
                continue
            stats["steps"] += 1
            if s.status == "failed":
                stats["rejected"] += 1
                continue
            stats["accepted"] += 1
            f = s.fact
            assumptions = f.assumptions()
            for n in range(1, N_MAX + 1):
                for env in interpretations(ctx, n):
                    prem = [t for a in assumptions for t in instances(a.statement, env, n)]
                    for goal in instances(f.statement, env, n):
                        stats["instances"] += 1
                        if not follows(prem, goal):
                            stats["false_accepts"] += 1
                            print("FALSE ACCEPT (n=%d, %s): %s\n%s" % (n, env, s.statement, text), file=out)
    return stats


def main(argv) -> int:
    n = int(argv[1]) if len(argv) > 1 else 300
    seed = int(argv[2]) if len(argv) > 2 else 0
    st = campaign(n, seed)
    print("scripts:", st)
    ct = certificate_campaign(max(n, 50), seed)
    print("certificate edits:", ct)
    return 1 if st["false_accepts"] or ct["false_accepts"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
