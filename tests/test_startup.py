"""Start-up: lark's parse-table cache and lazy imports. The cache must never change what is parsed:
a missing, corrupt or foreign cache file gives the same trees as no cache at all."""
from __future__ import annotations

import os
import subprocess
import sys

PROBE = r"""
import sys
from graphoid.syntax import parser
print(parser._cache_path())
print(parser.parse_script(open(sys.argv[1], encoding="utf-8").read()).items.__len__())
print(parser.parse_query_tree("(A ⊥ B | C), (A ⊥ C) ⊢ (A ⊥ B)").pretty())
try:
    parser.parse_script("variables A\nhave (1) (A ⊥⊥ B by x\n", "bad.gph")
except parser.GphError as e:
    print(e)
"""
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "proofs", "theorem1.gph")


def _probe(env):
    e = dict(os.environ)
    e.pop("GRAPHOID_NO_CACHE", None)
    e.update(env)
    r = subprocess.run([sys.executable, "-c", PROBE, SCRIPT], capture_output=True, text=True, env=e, timeout=300)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    path, rest = r.stdout.split("\n", 1)
    return path, rest


def test_cache_is_written_in_the_user_cache_dir_and_gives_the_same_parses(tmp_path):
    _, uncached = _probe({"GRAPHOID_NO_CACHE": "1"})
    path, first = _probe({"XDG_CACHE_HOME": str(tmp_path)})
    assert path.startswith(str(tmp_path / "graphoid")) and os.path.isfile(path)
    assert oct(os.stat(tmp_path / "graphoid").st_mode & 0o777) == "0o700"
    _, second = _probe({"XDG_CACHE_HOME": str(tmp_path)})          # loaded from the cache
    assert first == second == uncached


def test_corrupt_or_foreign_cache_is_ignored(tmp_path):
    _, uncached = _probe({"GRAPHOID_NO_CACHE": "1"})
    path, _ = _probe({"XDG_CACHE_HOME": str(tmp_path)})
    with open(path, "wb") as fh:
        fh.write(b"garbage\n\x80\x04not a pickle")
    assert _probe({"XDG_CACHE_HOME": str(tmp_path)})[1] == uncached
    # tables of another grammar stored under the same name: lark sees the hash differ and rebuilds
    code = ("from lark import Lark; Lark('start: \"x\"', parser='lalr', cache=%r)" % path)
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    assert _probe({"XDG_CACHE_HOME": str(tmp_path)})[1] == uncached


def test_unwritable_cache_dir_falls_back_to_building(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    path, out = _probe({"XDG_CACHE_HOME": str(blocked)})
    assert path == "False" and out == _probe({"GRAPHOID_NO_CACHE": "1"})[1]


def test_checking_a_script_without_step_4_does_not_import_sympy(tmp_path):
    gph = tmp_path / "first.gph"
    gph.write_text("variables X, Y, Z, W\nassume (p): (X ⊥⊥ YW | Z)\nhave (1): (X ⊥⊥ Y | Z) by decomposition(p)\n",
                   encoding="utf-8")
    code = ("import sys\nfrom graphoid.cli import main\nrc = main(['check', %r])\n"
            "print(rc, 'sympy' in sys.modules, 'z3' in sys.modules)" % str(gph))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    rc, sympy, _z3 = r.stdout.strip().splitlines()[-1].split()
    assert (rc, sympy) == ("0", "False"), r.stdout + r.stderr


def test_cache_others_could_write_is_not_used(tmp_path):
    path, _ = _probe({"XDG_CACHE_HOME": str(tmp_path)})
    os.chmod(path, 0o666)
    assert _probe({"XDG_CACHE_HOME": str(tmp_path)})[0] == "False"
    os.chmod(path, 0o600)
    os.chmod(tmp_path / "graphoid", 0o777)
    assert _probe({"XDG_CACHE_HOME": str(tmp_path)})[0] == "False"
