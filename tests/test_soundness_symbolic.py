"""The symbolic soundness campaign (bench/soundness_symbolic.py), short: random scripts over
declarations, schemas and binders; every accepted step is checked in every concrete interpretation
for n ≤ 3 by an independent decision procedure. Also checks that the oracle would notice a kernel
whose set decisions were wrong (so the campaign is able to fail)."""
from __future__ import annotations

import io
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "bench"))

import soundness_symbolic as campaign  # noqa: E402


def test_no_false_accepts_on_random_symbolic_scripts():
    out = io.StringIO()
    st = campaign.campaign(12, seed=7, out=out)
    assert st["accepted"] >= 10 and st["rejected"] >= 5, st     # both outcomes are exercised
    assert st["false_accepts"] == 0, out.getvalue()


def test_the_oracle_catches_a_kernel_with_wrong_set_decisions(monkeypatch):
    from graphoid import sets
    orig = sets.SetTheory._z3

    def wrong(self, rel, pending, meaning, t0):
        ob = orig(self, rel, pending, meaning, t0)
        if rel == "subset" and ob.result == "refuted":
            return sets.Obligation(meaning, "proved", 0.0, "z3")
        return ob

    monkeypatch.setattr(sets.SetTheory, "_z3", wrong)
    st = campaign.campaign(12, seed=7, out=io.StringIO())
    assert st["false_accepts"] > 0


def test_edited_certificates_are_rejected_unless_still_true():
    out = io.StringIO()
    st = campaign.certificate_campaign(25, seed=11, out=out)
    assert st["rejected"] >= 5, st
    assert st["false_accepts"] == 0, out.getvalue()
