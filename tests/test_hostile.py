"""Hostile input: TeX in comments and errors must export to LaTeX that compiles and runs nothing; huge and
deeply nested inputs are refused with a clear message or finish within a stated budget; no eval/exec/
pickle of user input anywhere in graphoid/."""
from __future__ import annotations

import ast
import importlib.util
import os
import re
import shutil
import subprocess
import sys

import pytest

from graphoid.cli import main
from graphoid.script import check_text

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POSITIONED = re.compile(r"^[^\n]*:(\d+):(\d+): error: \S")

# Budgets (wall-clock, generous: they detect hangs, they do not measure speed).
BUDGET_S = 60

TEX_BITS = [r"\input{/etc/passwd}", r"\write18{touch PWNED}", r"\immediate\write18{touch PWNED}", "$x^2$", "% not a comment",
            "{ unbalanced", "} unbalanced }}", r"\def\loop{\loop}\loop", r"\catcode`\@=0", r"\end{document}",
            "^^5cinput{/etc/passwd}", "&", "#1", "~", r"\\", r"\verb|x|", "\\", "_", "ﬁ", "\u202e"]

VALID = """# Hostile comment: {bits}
variables A, B, C, D
graph V = chain(A, B, C, D)   // {bits}
assume (h): (A ⊥⊥ C | B)_d in V   # {bits}
have (l1): (A ⊥⊥ CD | B)_d in V by lemma1(h)
"""

FAILING = """variables A, B, C
# {bits}
assume (h): (A ⊥⊥ B | C)
have (x): (A ⊥⊥ C | B) by symmetry(h)   # {bits}
have (y): (A ⊥⊥ B) by {bits}
"""


def _latex():
    if importlib.util.find_spec("graphoid.export.latex") is None:
        pytest.skip("graphoid.export.latex is not written yet (another engineer's module)")
    from graphoid.export import latex
    if not hasattr(latex, "document"):
        pytest.skip("graphoid.export.latex has no document(report) yet")
    return latex


DANGEROUS = re.compile(r"\\(input|include|write|immediate|openin|openout|read|catcode|def|edef|gdef|let|csname|"
                       r"newread|newwrite|special|directlua|shellescape|end)(?![A-Za-z])|\^\^")


def _dangerous(tex: str) -> list[str]:
    return sorted(m.group(0) for m in DANGEROUS.finditer(tex))


def _compile(tex: str, tmp_path) -> subprocess.CompletedProcess:
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    (tmp_path / "doc.tex").write_text(tex, encoding="utf-8")
    env = dict(os.environ, openin_any="p", openout_any="p", shell_escape="f")   # TeX's paranoid file access
    return subprocess.run(["pdflatex", "-no-shell-escape", "-halt-on-error", "-interaction=nonstopmode", "doc.tex"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=BUDGET_S, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("template", [VALID, FAILING], ids=["valid", "failing"])
@pytest.mark.parametrize("bits", TEX_BITS + [" ".join(TEX_BITS)])
def test_latex_export_of_hostile_text_compiles_and_runs_nothing(template, bits, tmp_path):
    latex = _latex()
    text = template.replace("{bits}", bits)
    src = tmp_path / "hostile.gph"          # a real file: the exporter reads comments from it
    src.write_text(text, encoding="utf-8")
    rep = check_text(text, str(src))
    tex = latex.document(rep)
    # No active primitive that reads, writes or redefines reaches the document from user text: the
    # hostile document has exactly as many as the document of the same proof without the hostile bits.
    benign = tmp_path / "benign.gph"
    benign.write_text(template.replace("{bits}", "plain words"), encoding="utf-8")
    assert _dangerous(tex) == _dangerous(latex.document(check_text(benign.read_text(encoding="utf-8"), str(benign))))
    r = _compile(tex, tmp_path)
    assert r.returncode == 0, r.stdout[-2000:]
    assert not (tmp_path / "PWNED").exists()
    assert "root:" not in r.stdout                       # /etc/passwd was not read in
    assert (tmp_path / "doc.pdf").exists()


def test_latex_export_of_hostile_comments_keeps_user_text_visible(tmp_path):
    """Escaped, not dropped: the text of a comment reaches the document in some escaped form."""
    latex = _latex()
    text = VALID.replace("{bits}", "ZQXJ marker $ % {")
    src = tmp_path / "hostile.gph"
    src.write_text(text, encoding="utf-8")
    rep = check_text(text, str(src))
    assert rep.ok
    tex = latex.document(rep)
    assert "ZQXJ" in tex
    assert _compile(tex, tmp_path).returncode == 0


# -- huge and deep inputs ---------------------------------------------------------------------------------
def _run_isolated(code: str):
    """Run `code` in a fresh interpreter so a hang cannot stall the test run; returns (rc, out, err)."""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=BUDGET_S, cwd=ROOT)
    return r.returncode, r.stdout, r.stderr


def _assert_clear_failure(rep):
    assert not rep.ok
    errs = rep.errors()
    assert errs
    for e in errs:
        assert POSITIONED.match(str(e)), str(e)


def test_ten_megabytes_refused_with_message():
    text = "variables A, B\n" + "# " + "x" * (10 * 1024 * 1024) + "\n"
    rep = check_text(text, "huge.gph")
    _assert_clear_failure(rep)
    assert "limit" in str(rep.errors()[0])


def test_ten_megabytes_via_cli(tmp_path, capsys):
    p = tmp_path / "huge.gph"
    p.write_text("variables A\n" + "(" * (10 * 1024 * 1024), encoding="utf-8")
    assert main(["check", str(p)]) == 1
    out = capsys.readouterr()
    assert "limit" in out.out + out.err and "Traceback" not in out.out + out.err


@pytest.mark.parametrize("opening,closing", [
    ("{", "}"),
    ("(", ")"), ("X_{", "}")])
def test_fifty_thousand_nested_brackets(opening, closing):
    n = 50_000
    text = "variables A, B\nindex I = 1..n\nfamily X over I\nassume (h): (%sA%s ⊥⊥ B)\n" % (opening * n, closing * n)
    rep = check_text(text, "deep.gph")      # must not raise (RecursionError included)
    if not rep.ok:
        _assert_clear_failure(rep)


def test_deep_index_nesting():
    n = 20_000
    text = "variables B\nindex I = 1..n\nfamily X over I\nsubset γ ⊆ I\nassume (h): (X_{%sγ%s} ⊥⊥ B)\n" % ("(" * n, ")" * n)
    rep = check_text(text, "deep.gph")
    if not rep.ok:
        _assert_clear_failure(rep)


def test_many_variables_and_steps_finish():
    """1,000 variables in every statement, 200 steps (1.2 MB): stated budget 5 × BUDGET_S, separate process."""
    names = ["V%d" % k for k in range(1000)]
    a, b, c = ", ".join(names[:350]), ", ".join(names[350:700]), ", ".join(names[700:])
    lines = ["variables " + ", ".join(names), "assume (h): ({%s} ⊥⊥ {%s} | {%s})" % (a, b, c)]
    lines += ["have (s%d): ({%s} ⊥⊥ {%s} | {%s}) by %s" % (
        k, b if k % 2 == 0 else a, a if k % 2 == 0 else b, c, "symmetry(h)" if k == 0 else "symmetry(s%d)" % (k - 1))
        for k in range(200)]
    code = ("import sys; from graphoid.script import check_text; r = check_text(sys.stdin.read()); "
            "print(r.count('verified'), r.count('failed'), r.errors()[:1])")
    r = subprocess.run([sys.executable, "-c", code], input="\n".join(lines) + "\n", capture_output=True,
                       text=True, timeout=BUDGET_S * 5, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-1000:]
    assert r.stdout.split()[:2] == ["200", "0"], r.stdout[:500]


def test_long_juxtaposed_name_finishes():
    code = ("from graphoid.script import check_text; "
            "r = check_text('variables A, B\\nassume (h): (' + 'A' * 50000 + ' ⊥⊥ B)\\n'); print(r.ok)")
    rc, out, err = _run_isolated(code)
    assert rc == 0 and out.strip() in ("True", "False")


def test_z3_queries_have_timeouts():
    """Every z3 Solver made in graphoid/ gets a timeout (grep: a Solver() without a nearby 'timeout')."""
    bad = []
    for path in _py_files():
        lines = open(path, encoding="utf-8").read().splitlines()
        for k, line in enumerate(lines):
            if re.search(r"\b(z3\.)?(Solver|SolverFor|Optimize|Fixedpoint)\(", line) and "def " not in line:
                window = "\n".join(lines[k:k + 12])
                if "timeout" not in window and "rlimit" not in window:
                    bad.append("%s:%d" % (os.path.relpath(path, ROOT), k + 1))
    assert bad == []


# -- no eval / exec / pickle of user input ------------------------------------------------------------------
def _py_files():
    for base, _, files in os.walk(os.path.join(ROOT, "graphoid")):
        for f in files:
            if f.endswith(".py"):
                yield os.path.join(base, f)


FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "sympify", "parse_expr", "input"}
FORBIDDEN_MODULES = {"pickle", "cPickle", "dill", "marshal", "shelve", "yaml", "jsonpickle"}


def scan(src: str, rel: str) -> list[str]:
    """Calls and imports that could run or unpickle user text."""
    found = []
    for node in ast.walk(ast.parse(src, rel)):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            # re.compile / pattern.compile are attribute calls and harmless; builtin compile() is not
            if name in FORBIDDEN_CALLS and not (name == "compile" and isinstance(f, ast.Attribute)):
                found.append("%s:%d %s()" % (rel, node.lineno, name))
            if isinstance(f, ast.Attribute) and f.attr in ("system", "popen"):
                found.append("%s:%d %s" % (rel, node.lineno, f.attr))
            for kw in node.keywords:
                if kw.arg == "shell" and isinstance(kw.value, ast.Constant) and kw.value.value is True:
                    found.append("%s:%d shell=True" % (rel, node.lineno))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += ["%s:%d import %s" % (rel, node.lineno, m) for m in mods if m.split(".")[0] in FORBIDDEN_MODULES]
    return found


def test_no_eval_exec_or_pickle_in_graphoid():
    found = []
    for path in _py_files():
        rel = os.path.relpath(path, ROOT)
        found += scan(open(path, encoding="utf-8").read(), rel)
    # __import__("networkx") with a constant module name is not user input
    found = [f for f in found if not re.search(r"paper_checks\.py:\d+ __import__", f)]
    assert found == []


def test_the_scanner_can_fail():
    src = ("import pickle\nfrom yaml import load\nx = eval(s)\nexec(t)\nimport subprocess\n"
           "subprocess.run(c, shell=True)\nos.system(c)\nsympy.sympify(s)\nre.compile(p)\n")
    found = scan(src, "bad.py")
    assert len(found) == 7, found          # everything but re.compile
