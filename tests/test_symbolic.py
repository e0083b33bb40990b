"""Symbolic n in scripts: z3-decided side conditions, schemas, and Theorem 1's script under edits."""
import os
import re

import pytest

from graphoid.export.certificate import certificate
from graphoid.recheck.checker import check_certificate
from graphoid.script import check_text

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
THEOREM1 = open(os.path.join(ROOT, "proofs", "theorem1.gph"), encoding="utf-8").read()


def edited(old: str, new: str) -> str:
    assert old in THEOREM1, old
    return THEOREM1.replace(old, new, 1)


def errors(rep):
    return [str(e) for e in rep.errors()]


def test_subset_of_a_partition_part_is_known_to_z3_and_rechecked():
    text = """variables W
index I = 1..n
family X over I
partition I = I_B ⊔ I_C
subset γ ⊆ I_C
assume (c): (W ⊥⊥ X_{I \\setminus γ})
have (d): (W ⊥⊥ X_{I_B}) by decomposition(c)
"""
    rep = check_text(text)
    assert rep.ok and rep.count("verified") == 1
    info, errs = check_certificate(certificate([rep]))
    assert errs == []
    # without γ ⊆ I_C the step does not follow, and the kernel says so
    rep = check_text(text.replace("subset γ ⊆ I_C", "subset γ ⊆ I"))
    assert not rep.ok and "decomposition" in errors(rep)[0]


@pytest.mark.parametrize("old,new,message", [
    ("have (2a): (B ⊥⊥ Z | Y)_d", "have (2a): (B ⊥⊥ Y | Z)_d", "instantiation: the instance has Y"),
    ("have (9): (A ⊥⊥ Y | ZΛ)_d", "have (9): (A ⊥⊥ Z | YΛ)_d", "symmetry: the conclusion's right side"),
    ("have (3a.2): (C_i ⊥⊥ Z_{\\i} | Z_i)_d", "have (3a.2): (C_i ⊥⊥ Z | Z_i)_d", "decomposition: the conclusion's right side"),
    ("have (1a): no edge between A_j and X_{\\j}", "have (1a): no edge between A_j and X", "non-adjacency"),
    ("by instantiate((7), γ := j)", "by instantiate((7), γ := I_B)", "instantiation"),
    ("have (12): (B ⊥⊥ Z | Λ) by markov((8))", "have (12): (B ⊥⊥ Z | Λ)_d by markov((8))", "Markov"),
])
def test_wrong_symbolic_steps_are_rejected_where_they_are(old, new, message):
    text = edited(old, new)
    rep = check_text(text, "t.gph")
    assert not rep.ok
    first = rep.errors()[0]
    line = text.splitlines()[first.line - 1]
    assert new.split(" by ")[0].split(":")[0] in line        # the edited line is the one reported
    assert message in first.message, first.message


def test_bound_names_may_not_shadow_declarations_with_another_domain():
    rep = check_text(edited("have (14): for all i ∈ I_C:", "have (14): for all i ∈ I:"), "t.gph")
    assert not rep.ok and "already declared" in errors(rep)[0]

# Removing premises from Step 4: tests/test_probability_calculus.py (a counter-model for each).
