"""Certificates are bound to their script and complete: undischarged cases, tampered declarations and
scripts that are not the certified text are rejected; certificates of `by auto` scripts recheck."""
from __future__ import annotations

import copy
import json
import subprocess
import sys

from graphoid.export.certificate import certificate
from graphoid.recheck.checker import check_certificate, main as recheck_main
from graphoid.script import check_text

SMALL = """variables A, B, C
assume (p): (A ⊥⊥ BC)
have (q): (A ⊥⊥ B) by decomposition(p)
"""


def _cert(text, name="s.gph"):
    rep = check_text(text, name)
    assert rep.ok
    return certificate([rep])


def test_a_case_no_proof_by_cases_discharges_is_rejected():
    cert = _cert(SMALL)
    steps = cert["files"][0]["steps"]
    case = {"label": "c/1", "kind": "case", "rule": "case", "premises": [],
            "statement": {"type": "ci", "x": ["A"], "y": ["C"], "z": [], "dsep": False, "graph": None},
            "semantics": {"kind": "prob", "graph": None, "positive": False, "gaussian": False}, "obligations": []}
    sym = {"label": "c/2", "kind": "verified", "rule": "symmetry", "premises": ["c/1"],
           "statement": {"type": "ci", "x": ["C"], "y": ["A"], "z": [], "dsep": False, "graph": None},
           "semantics": {"kind": "prob", "graph": None, "positive": False, "gaussian": False}, "obligations": []}
    steps += [case, sym]
    info, errors = check_certificate(cert)
    assert any("never discharged" in e for e in errors), errors
    assert any("undischarged case" in e for e in errors), errors


def test_declarations_that_contradict_themselves_are_rejected():
    rep = check_text("index I = 1..n\nfamily A, X over I\npartition I = I_B ⊔ I_C\n"
                     "assume (p): (A_1 ⊥⊥ X_1)\nhave (q): (X_1 ⊥⊥ A_1) by symmetry(p)\n", "d.gph")
    cert = certificate([rep])
    f = cert["files"][0]
    f["declarations"]["partitions"] = [["I", ["I_B", "I_B"]]]
    info, errors = check_certificate(cert)
    assert any("partition" in e for e in errors), errors


def test_certified_declared_assumptions_are_listed():
    rep = check_text("index I = 1..n\nfamily A, X over I\npartition I = I_B ⊔ I_C\narbitrary j ∈ I_C\n"
                     "assume (p): (A_j ⊥⊥ X_1)\nhave (q): (X_1 ⊥⊥ A_j) by symmetry(p)\n", "d.gph")
    cert = certificate([rep])
    assert [d["kind"] for d in cert["files"][0]["declared_assumptions"]] == ["partition", "arbitrary"]
    info, errors = check_certificate(cert)
    assert not errors, errors
    assert any("assumed in declarations" in line for line in info)


def test_recheck_with_the_script_checks_its_hash(tmp_path):
    script = tmp_path / "s.gph"
    script.write_text(SMALL, encoding="utf-8")
    cert_path = tmp_path / "c.json"
    cert_path.write_text(json.dumps(_cert(SMALL, str(script))), encoding="utf-8")
    assert recheck_main([str(cert_path), "--script", str(script)], out=open("/dev/null", "w")) == 0
    script.write_text(SMALL.replace("(A ⊥⊥ B)", "(A ⊥⊥ C)"), encoding="utf-8")
    import io
    buf = io.StringIO()
    assert recheck_main([str(cert_path), "--script", str(script)], out=buf) == 1
    assert "SHA-256" in buf.getvalue()


def test_certificates_of_auto_scripts_recheck():
    text = """variables A, B, C, D
assume (p1): (A ⊥⊥ B | C)
assume (p2): (A ⊥⊥ C)
have (g): (A ⊥⊥ B) by auto((p1), (p2))
"""
    cert = _cert(text)
    info, errors = check_certificate(cert)
    assert not errors, errors
    # the intermediate steps of the search are in the certificate, unreported
    assert any("/" in s["label"] for s in cert["files"][0]["steps"])


def test_a_forged_extra_reported_step_is_rejected():
    cert = _cert(SMALL)
    f = cert["files"][0]
    bad = copy.deepcopy(f["steps"][-1])
    bad["label"] = "forged"
    bad["statement"]["y"] = ["C"]
    bad["statement"]["x"] = ["B"]
    f["steps"].append(bad)
    info, errors = check_certificate(cert)
    assert errors


def test_a_result_resting_on_a_determination_cannot_be_certified_as_unrestricted():
    """(14) rests on "Λ determines B": its certified semantics says so, and a certificate that drops
    the flag (claiming the result for every distribution compatible with 𝒢) is rejected."""
    import pathlib
    path = pathlib.Path(__file__).resolve().parents[1] / "proofs" / "theorem1.gph"
    rep = check_text(path.read_text(encoding="utf-8"), str(path))
    cert = certificate([rep])
    steps = cert["files"][0]["steps"]
    flagged = [s for s in steps if (s.get("semantics") or {}).get("determinism")]
    assert {s["label"] for s in flagged} >= {"14", "Def3"}
    assert not check_certificate(cert)[1]
    bad = copy.deepcopy(cert)
    s14 = next(s for s in bad["files"][0]["steps"] if s["label"] == "14")
    del s14["semantics"]["determinism"]
    assert any("semantics" in e for e in check_certificate(bad)[1])
