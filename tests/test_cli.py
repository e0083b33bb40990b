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


# One invocation per subcommand, run from / with the installed wheel. A new subcommand must be
# added here (the test checks that the list covers build_parser()'s subcommands).
def _wheel_commands(tmp):
    proof = str(tmp / "copied.gph")
    cert = str(tmp / "cert.json")
    behaviour = tmp / "local.csv"
    shutil.copy(ROOT / "examples" / "behaviours" / "local.csv", behaviour)
    return {
        "check": (["check", proof, "--certificate", cert], 0, "OK: 5 verified, 1 assumption, 1 checked by enumeration, 0 failed"),
        "behaviour": (["behaviour", str(behaviour)], 0, "factorisable"),
        "lsp": (["lsp", "--help"], 0, "usage"),
        "recheck": (["recheck", cert], 0, ""),
        "latex": (["latex", proof, "-o", str(tmp / "o.tex")], 0, ""),
        "prove": (["prove", "--graph", "A->B, B->C", "(A ⊥ C | B)"], 0, "holds"),
        "models": (["models", "--vars", "3", "--count"], 0, "22 semigraphoid"),
        "dagmodels": (["dagmodels", "--nodes", "3", "--count"], 0, "11"),
        "draw": (["draw", proof, "V", "-o", str(tmp / "v.dot")], 0, "wrote"),
        "classcheck": (["classcheck", "hypothesis", "no_C_to_B", "--n", "1"], 0, ""),
        "dsep": (["dsep", "--graph", "X -> M -> Y", "implied"], 0, "(Y ⊥⊥ X | M)_d in G"),
        "help": (["help", "syntax"], 0, "⊥⊥"),
    }


@pytest.mark.slow
def test_wheel_works_outside_the_source_tree(tmp_path):
    """Build the wheel, install it with its dependencies into a fresh venv that sees no other
    site-packages (as `python3 -m venv` makes it, also when the tests themselves run in a venv),
    and run every subcommand from /."""
    from graphoid.cli import build_parser
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
    venv.EnvBuilder(system_site_packages=False, with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    # The wheel's declared dependencies are installed by pip (from its cache or the index): a
    # dependency missing from pyproject.toml fails here.
    r = subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)],
                       capture_output=True, text=True, timeout=900, env=clean)
    assert r.returncode == 0, r.stderr[-2000:]
    shutil.copy(LEMMA1, tmp_path / "copied.gph")
    # the installed package, not the checkout, must be the one imported
    r = subprocess.run([str(py), "-c", "import graphoid, sys; print(graphoid.__file__)"], cwd="/",
                       capture_output=True, text=True, env=clean)
    assert str(env_dir) in r.stdout, r.stdout + r.stderr
    commands = _wheel_commands(tmp_path)
    subs = next(a for a in build_parser()._actions if isinstance(a, __import__("argparse")._SubParsersAction))
    assert set(subs.choices) <= set(commands), "add the new subcommand to _wheel_commands"
    exe = str(env_dir / "bin" / "graphoid")
    for name in ["check"] + sorted(set(commands) - {"check"}):   # recheck reads check's certificate
        argv, code, expect = commands[name]
        r = subprocess.run([exe] + argv, cwd="/", capture_output=True, text=True, env=clean, timeout=300)
        assert r.returncode == code, (name, r.stdout[-2000:], r.stderr[-2000:])
        assert "Traceback" not in r.stderr and "internal error" not in r.stderr, (name, r.stderr)
        assert expect in r.stdout, (name, r.stdout[-2000:])
    assert (tmp_path / "o.tex").read_text().startswith(r"\documentclass")
