"""The `graphoid` command: exit codes 0/1/2, --json, no traceback on bad input, and the wheel
working outside the source tree."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from graphoid.cli import main

ROOT = Path(__file__).resolve().parent.parent
LEMMA1 = ROOT / "proofs" / "lemma1.gph"


def run(*args, cwd=None, exe=None):
    cmd = [exe] if exe else [sys.executable, "-m", "graphoid.cli"]
    return subprocess.run(cmd + list(args), cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=300)


def test_every_shipped_proof_checks(capsys):
    proofs = sorted(str(p) for p in (ROOT / "proofs").glob("*.gph"))
    assert main(["check", *proofs]) == 0
    out = capsys.readouterr().out
    assert "%d of %d files verified" % (len(proofs), len(proofs)) in out
    assert "lemma1.gph: OK: 5 verified, 1 assumption, 1 checked by enumeration, 0 failed" in out


def test_exit_1_on_a_failed_step(tmp_path, capsys):
    f = tmp_path / "bad.gph"
    f.write_text("variables A, B, C, D\nassume (h): (A ⊥⊥ CD | B)\nhave (l): (A ⊥⊥ D | B) by weak_union(h)\n")
    assert main(["check", str(f)]) == 1
    out = capsys.readouterr().out
    assert "%s:3:11: error: weak union: the conclusion must condition on Z ∪ W = {B, C}; it conditions on {B}" % f in out
    assert "FAILED: 0 verified, 1 assumption, 1 failed" in out


@pytest.mark.parametrize("argv", [["check", "/nonexistent/x.gph"], ["check"], ["check", "--bogus", "x"],
                                  ["frobnicate"], [], ["latex"], ["check", "."]])
def test_exit_2_on_usage_errors(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err


def test_json_report(capsys):
    assert main(["check", "--json", str(LEMMA1)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["ok"] is True and data["summary"]["verified"] == 5
    assert data["summary"]["assumptions"] == 1 and data["errors"] == []
    l3 = next(s for s in data["steps"] if s["label"] == "l3")
    assert l3["status"] == "verified" and l3["rule"] == "weak union" and l3["premises"] == ["l1"]
    assert l3["statement"] == "(A ⊥⊥ D | BC)_d in V"
    assert all(o["result"] == "proved" for o in l3["obligations"])


def test_json_for_several_files_is_a_list(capsys):
    assert main(["check", "--json", str(LEMMA1), str(LEMMA1)]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2


@pytest.mark.parametrize("content", [
    b"", b"\x00\x01\x02garbage\xff\xfe", b"(" * 5000, b"have (x): " + b"(" * 3000,
    "variables A\nassume (h): (A ⊥⊥ A)\n".encode(), b"graph G: A -> B\n", b"assume (h): (A \\perp B)\n",
    "variables A, B\nhave (x): (A ⊥ B) by d_separation(Nope)\n".encode(),
    "variables A, B\nhave (x): (A ⊥ B) by symmetry\n".encode(),
])
def test_no_traceback_on_bad_input(tmp_path, content):
    f = tmp_path / "bad.gph"
    f.write_bytes(content)
    r = run("check", str(f))
    assert "Traceback" not in r.stdout + r.stderr
    assert r.returncode in (0, 1, 2), r.stderr
    assert r.returncode != 0 or content == b""
    if r.returncode == 1:
        assert "%s:" % f in r.stdout


def test_console_script_help():
    exe = shutil.which("graphoid")
    if exe is None:
        pytest.skip("graphoid console script not on PATH")
    r = run("--help", exe=exe)
    assert r.returncode == 0 and "check" in r.stdout


def _can_build_offline() -> bool:
    try:
        import setuptools
        major, minor = (int(p) for p in setuptools.__version__.split(".")[:2])
    except Exception:
        return False
    if (major, minor) >= (70, 1):   # bdist_wheel moved into setuptools
        return True
    try:
        import wheel  # noqa: F401
        return True
    except ImportError:
        return False


@pytest.mark.slow
def test_wheel_works_outside_the_source_tree(tmp_path):
    """Build the wheel, install it into a fresh venv, and check a copied proof from /."""
    wheels = tmp_path / "wheels"
    # Build offline from the installed setuptools when it can make wheels by itself; otherwise let
    # pip fetch the build requirements into an isolated environment, as a fresh machine would.
    isolated = [] if _can_build_offline() else None
    cmd = [sys.executable, "-m", "pip", "wheel", str(ROOT), "-w", str(wheels), "--no-deps", "-q"]
    if isolated is not None:
        cmd.append("--no-build-isolation")
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    (wheel,) = wheels.glob("graphoid-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    r = subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "--force-reinstall", "-q", str(wheel)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    proof = tmp_path / "copied.gph"
    shutil.copy(LEMMA1, proof)
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    # the installed package, not the checkout, must be the one imported
    r = subprocess.run([str(py), "-c", "import graphoid, sys; print(graphoid.__file__)"], cwd="/",
                       capture_output=True, text=True, env=clean)
    assert str(env_dir) in r.stdout, r.stdout + r.stderr
    r = subprocess.run([str(env_dir / "bin" / "graphoid"), "check", str(proof)], cwd="/",
                       capture_output=True, text=True, env=clean, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "OK: 5 verified, 1 assumption, 1 checked by enumeration, 0 failed" in r.stdout
    r = subprocess.run([str(env_dir / "bin" / "graphoid"), "latex", str(proof), "-o", str(tmp_path / "o.tex")],
                       cwd="/", capture_output=True, text=True, env=clean, timeout=300)
    assert r.returncode == 0 and (tmp_path / "o.tex").read_text().startswith(r"\documentclass")
