"""Probability equations as statements: parsing and printing, the kernel's rules (product rule,
marginalisation, c.i., determinism, chain rule by induction, congruence), the shipped proofs, and
exact counter-models when a premise a step needs is removed (each needed premise of each Step 4
step of Theorem 1)."""
import os
import re
from fractions import Fraction

import pytest

from graphoid.script import check_file, check_text

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
THEOREM1 = open(os.path.join(ROOT, "proofs", "theorem1.gph"), encoding="utf-8").read()
STEP4 = THEOREM1[THEOREM1.index("# Λ is a latent common cause"):]

# Theorem 1's declarations with (12)-(15) assumed (their derivation is tested elsewhere).
PRE = """index I = 1..n
family A, X over I
latent Λ, Ω
partition I = I_B ⊔ I_C
family B = A over I_B
family C = A over I_C
family Y = X over I_B
family Z = X over I_C
arbitrary i ∈ I_C
assume (det): Λ determines B
assume (12): (B ⊥⊥ Z | Λ)
assume (13): (A ⊥⊥ Y | ZΛ)
assume (14): for all i ∈ I_C: (C_i ⊥⊥ C_{\\i} | ZΛ)
assume (15): for all i ∈ I_C: (C_i ⊥⊥ Z_{\\i} | Z_iΛ)
"""


def messages(rep):
    return [e.message for e in rep.errors()]


def upto(label: str) -> str:
    """Step 4 of the script up to and including the step with this label."""
    start = STEP4.index("have (%s):" % label)
    nxt = STEP4.find("\nhave (", start + 1)
    nxt2 = STEP4.find("\n#", start + 1)
    end = min(x for x in (nxt, nxt2, len(STEP4)) if x != -1)
    return STEP4[:end] + "\n"


def test_step4_verifies_from_12_to_15_without_positivity():
    rep = check_text(PRE + STEP4, "s4.gph")
    assert rep.ok, messages(rep)
    labels = [s.label for s in rep.steps if s.status == "verified"]
    assert labels == ["16", "17", "18", "19", "20", "21", "22", "Def3"]
    assert "positive(" not in THEOREM1 and "Positive" not in THEOREM1
    # the conclusion is Definition 3 over the script's own families
    last = rep.steps[-1]
    assert last.statement.replace(" ", "") == "𝒫(A|X)=Σ_ΛP(Λ)∏_{i∈I}P(A_i|X_iΛ)"
    # every equation is a Fact about all distributions satisfying the assumptions; those resting on
    # "Λ determines B" say so (the kernel's semantics function marks them)
    from graphoid.statements import Determines
    for s in rep.steps:
        if s.status == "verified":
            det = any(isinstance(a.statement, Determines) for a in s.fact.assumptions())
            assert s.semantics == ("all distributions, where the assumed determination holds" if det
                                   else "all distributions"), (s.label, s.semantics)


def test_shipped_proofs_verify():
    for name in ("theorem1.gph", "bell_local.gph", "markov_factorisation.gph"):
        rep = check_file(os.path.join(ROOT, "proofs", name))
        assert rep.ok, (name, messages(rep))
    rep = check_file(os.path.join(ROOT, "proofs", "markov_factorisation.gph"))
    st = {s.label: s.statement for s in rep.steps}
    assert st["1G"].replace(" ", "") == "P(ABCDE)=P(A)P(B|A)P(C|A)P(D|BC)P(E|D)"
    assert st["1chain"].replace(" ", "") == "P(X)=P(X_1)∏_{j=2..n}P(X_j|X_{j-1})"


# (step, text cited in the step, replacement): each removes one premise the step needs
NEEDED = [
    ("17", "by marginalisation, ci((indep))", "by marginalisation"),
    ("18", "ci((13)), product_rule", "product_rule"),
    ("18", "ci((12)), ci((indep))", "ci((indep))"),
    ("18", "ci((12)), ci((indep))", "ci((12))"),
    ("20", "chain_rule((14), (15))", "chain_rule((15))"),
    ("20", "chain_rule((14), (15))", "chain_rule((14))"),
    ("21", "chain_rule((det))", "chain_rule"),
    ("22", "by determinism((det)), ci((indep))\n", "by ci((indep))\n"),
    ("22", "by determinism((det)), ci((indep))\n", "by determinism((det))\n"),
    ("22", "substitution((21)), ci((indep))", "substitution((21))"),
    ("Def3", "P(A_i | X_i Λ) by determinism((det)), ci((indep))", "P(A_i | X_i Λ) by ci((indep))"),
    ("Def3", "P(A_i | X_i Λ) by determinism((det)), ci((indep))", "P(A_i | X_i Λ) by determinism((det))"),
]


@pytest.mark.parametrize("label,old,new", NEEDED, ids=["%s-%s" % (l, o.split("(")[-1].strip(")\n ") or o)
                                                      for l, o, _n in NEEDED])
def test_removing_a_needed_premise_gives_an_exact_counter_model(label, old, new):
    text = upto(label)
    assert old in text
    rep = check_text(PRE + text.replace(old, new, 1), "s4.gph")
    assert not rep.ok
    failed = [s for s in rep.steps if s.status == "failed"]
    assert [s.label for s in failed] == [label]
    msg = failed[0].message
    assert "exact counter-model" in msg, msg
    m = re.search(r"the left side is (\S+) and the right side (\S+)", msg)
    assert m and Fraction(m.group(1)) != Fraction(m.group(2))


def test_counter_model_is_exact_and_satisfies_the_cited_premises():
    """Re-decide the counter-model of (20) without (14) independently of the search."""
    from graphoid.kernel import RuleError
    from graphoid.probability.countermodels import find_counter_model
    from graphoid.probability.terms import Equation
    from graphoid.script import Checker
    from graphoid.syntax.parser import parse_script
    text = PRE + upto("20").replace("chain_rule((14), (15))", "chain_rule((15))")
    c = Checker("t", text)
    captured = {}
    orig = c.kernel.equation_chain

    def spy(eq, terms, links):
        try:
            return orig(eq, terms, links)
        except RuleError as e:
            captured["link"] = e.failed_link
            raise
    c.kernel.equation_chain = spy
    c.run(parse_script(text, "t"))
    a, b, prem, guards = captured["link"]
    cm = find_counter_model(c.env, prem, Equation(a, b), guards=guards)
    inst = cm.inst
    assert sum(inst.table.values()) == 1 and all(p > 0 for p in inst.table.values())
    # the cited premise (15) holds: brute force over the concrete members of I_C
    for i in sorted(inst.subsets["I_C"]):
        others_z = ["X%d" % j for j in sorted(inst.subsets["I_C"]) if j != i]
        assert inst.independent_names(["A%d" % i], others_z, ["X%d" % i, "Λ"])
    assert cm.lhs != cm.rhs


def test_rules_reject_what_does_not_follow():
    base = "variables A, B, C\n"
    # c.i. substitution in the wrong direction of dependence
    rep = check_text(base + "assume (p): (A ⊥⊥ B | C)\nhave (e): P(B | A, C) = P(B) by ci((p))\n")
    assert not rep.ok
    # a d-separation must go through markov first
    rep = check_text(base + "graph G: A -> B, C\nhave (d): (A ⊥⊥ C)_d in G by d_separation(G)\n"
                     "have (e): P(A | C) = P(A) by ci((d))\n")
    assert not rep.ok and "markov" in messages(rep)[-1]
    # the chain rule is its own justification
    rep = check_text("index I = 1..n\nfamily X over I\nhave (e): P(X) = ∏_{j ∈ I} P(X_j | X_{>j}) by chain_rule, algebra\n")
    assert not rep.ok
    # 𝒫 is over observed variables only
    rep = check_text("variables A\nlatent L\nhave (e): 𝒫(A | L) = P(A | L) by algebra\n")
    assert not rep.ok and "latent" in messages(rep)[0]
    # a bound variable may not also occur free
    rep = check_text(base + "have (e): P(A) Σ_A P(A) = P(A) by marginalisation\n")
    assert not rep.ok and "summed over" in messages(rep)[0]


def test_simple_rules():
    base = "variables A, B, C\n"
    ok = check_text(base + "have (e): P(A, B | C) = P(A | B, C) P(B | C) by product_rule\n"
                    "have (f): P(A | C) = Σ_B P(A, B | C) by marginalisation\n"
                    "assume (p): (A ⊥⊥ B | C)\n"
                    "have (g): P(A | B, C) P(B | C) = P(A | C) P(B | C) by ci((p))\n"
                    "have (h): P(A, B | C) = P(A | C) P(B | C) by substitution((e)), ci((p))\n")
    assert ok.ok, messages(ok)
    # without the c.i. the last step is refuted with an exact counter-model
    bad = check_text(base + "have (e): P(A, B | C) = P(A | B, C) P(B | C) by product_rule\n"
                     "have (h): P(A, B | C) = P(A | C) P(B | C) by substitution((e))\n")
    assert not bad.ok and "exact counter-model" in messages(bad)[0]


def test_chain_rule_by_induction_is_two_queries_and_n_stays_symbolic():
    rep = check_text("index I = 1..n\nfamily X over I\n"
                     "have (c): P(X) = ∏_{j ∈ I} P(X_j | X_{>j}) by chain_rule\n")
    assert rep.ok, messages(rep)
    obs = [o.meaning for o in rep.steps[-1].obligations if o.method == "z3"]
    assert any("induction base k = n" in m for m in obs)
    assert any("induction step" in m for m in obs)


def test_text_and_latex_round_trip():
    from graphoid.export.latex import document
    rep = check_file(os.path.join(ROOT, "proofs", "theorem1.gph"))
    for s in rep.steps:
        if s.status == "verified" and "=" in s.statement and s.label in ("16", "20", "Def3"):
            again = check_text(PRE + "assume (indep): (Λ ⊥⊥ X)\nhave (x): %s = %s by algebra\n"
                               % (s.statement.split(" = ")[0], s.statement.split(" = ")[0]))
            assert again.ok, messages(again)
    tex = document(rep)
    for lab in ("16", "17", "18", "19", "20", "21", "22", "Def3"):
        assert r"\tag{%s}" % lab in tex
    assert r"\text{c.i. }" in tex and r"\mathcal{P}" in tex and r"\prod_{" in tex
