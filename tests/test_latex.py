"""LaTeX export: documents compile with pdflatex (no shell escape, two passes, no undefined
references), use the paper's notation, show failures as failures, and let no script text reach
TeX as a command."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphoid.cli import main
from graphoid.export.latex import document, report_latex_fragment, statement_latex, tex_text
from graphoid.script import check_file, check_text

ROOT = Path(__file__).resolve().parent.parent


def _pdflatex():
    exe = shutil.which("pdflatex")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is required in CI (texlive-latex-base)")
        pytest.skip("pdflatex not installed")
    return exe


def compile_tex(tex: str, workdir: Path) -> str:
    """Two pdflatex passes; fails on any error, undefined reference or undefined control sequence."""
    exe = _pdflatex()
    (workdir / "doc.tex").write_text(tex, encoding="utf-8")
    for _ in range(2):
        r = subprocess.run([exe, "-halt-on-error", "-no-shell-escape", "-interaction=nonstopmode", "doc.tex"],
                           cwd=workdir, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
        log = (workdir / "doc.log").read_text(encoding="latin-1")
        assert r.returncode == 0, log[-3000:]
    assert not re.search(r"^! ", log, re.M), log[-3000:]
    assert "undefined" not in log.lower(), [l for l in log.splitlines() if "ndefined" in l]
    assert (workdir / "doc.pdf").stat().st_size > 0
    return log


def test_lemma1_document_compiles(tmp_path, capsys):
    out = tmp_path / "lemma1.tex"
    assert main(["latex", str(ROOT / "proofs" / "lemma1.gph"), "-o", str(out)]) == 0
    tex = out.read_text(encoding="utf-8")
    for package in re.findall(r"\\usepackage(?:\[[^]]*\])?\{([^}]*)\}", tex):
        assert package in ("amsmath", "amssymb", "mathtools")
    assert r"\perp\!\!\!\perp" in tex and r"\mathbf{CD}" in tex and ")_d" in tex
    assert r"\tag{l3}" in tex and r"by weak union (4)}\text{ from }\eqref" in tex
    assert "5 verified, 1 assumed" in tex
    compile_tex(tex, tmp_path)


def test_latex_to_stdout(capsys):
    assert main(["latex", str(ROOT / "proofs" / "lemma1.gph")]) == 0
    assert capsys.readouterr().out.startswith(r"\documentclass")


def test_every_shipped_proof_compiles(tmp_path):
    for proof in sorted((ROOT / "proofs").glob("*.gph")):
        rep = check_file(str(proof))
        d = tmp_path / proof.stem
        d.mkdir()
        compile_tex(document(rep), d)


def test_each_step_is_one_numbered_line_with_its_justification():
    rep = check_file(str(ROOT / "proofs" / "graphoid_basics.gph"))
    tex = document(rep)
    for s in rep.steps:
        assert tex.count(r"\tag{%s}" % tex_text(s.label)) == 1
    assert r"by contraction (5)" in tex and r"by intersection (6)" in tex and r"by symmetry (2)" in tex
    assert r"by decomposition (3)" in tex and "by d-separation in G" in tex and "Markov" in tex
    assert "(strictly positive)" in tex          # intersection's semantics is shown
    assert tex.count(r"\text{assumed}") == rep.summary()["assumptions"]


def test_failed_steps_are_shown_as_failed_never_as_proved(tmp_path):
    text = (ROOT / "proofs" / "lemma1.gph").read_text(encoding="utf-8").replace("| BC)_d", "| B)_d")
    rep = check_text(text, "lemma1_wrong.gph")
    assert not rep.ok
    tex = document(rep)
    assert r"\textbf{Not verified:}" in tex and "1 failed" in tex and r"\textbf{failed}" in tex
    assert "weak union: the conclusion must condition on" in tex
    line = next(l for l in tex.splitlines() if r"\tag{l3}" in l)
    assert "failed" in line and "by weak union" not in line
    assert r"\textbf{Verified" not in tex
    compile_tex(tex, tmp_path)


def test_parse_error_document(tmp_path):
    rep = check_text("variables A, B\nassume (h): (A B)\n", "broken.gph")
    tex = document(rep)
    assert "could not be parsed" in tex and "Line 2, column 17" in tex
    compile_tex(tex, tmp_path)


def test_hypotheses_are_marked():
    rep = check_text("variables A, B, C\nhypothesis (g): (A ⊥⊥ C | B)_d\n")
    tex = document(rep)
    assert "hypothesis (stated, not checked)" in tex and "1 graph hypothesis" in tex


# -- notation -------------------------------------------------------------------------------------

def _stmt(script: str, label: str):
    rep = check_text(script)
    assert rep.ok, [e.message for e in rep.errors()]
    step = next(s for s in rep.steps if s.label == label)
    return step.fact.statement, rep.env.decl


def test_families_complements_and_greek():
    st_, decl = _stmt("index I = 1..n\nfamily A, X over I\nvariables Λ, Ω\n"
                      "assume (7): for all γ ⊆ I: (A_γ ⊥⊥ X_{\\γ} | X_γ)_d\n", "7")
    tex = statement_latex(st_, decl)
    assert r"\mathbf{A}_{\gamma" in tex and r"\mathbf{X}_{\setminus \gamma" in tex
    assert r"\forall \gamma \subseteq I" in tex and tex.endswith(")_d")
    st_, decl = _stmt("index I = 1..n\nfamily A, X over I\nsubset γ ⊆ I\nvariables Λ, Ω\n"
                      "assume (l): (Λ ⊥⊥ Ω X | A_γ)\n", "l")
    tex = statement_latex(st_, decl)
    assert r"\boldsymbol{\Lambda" in tex and r"\boldsymbol{\Omega" in tex and r"\mid \mathbf{A}_{\gamma" in tex
    assert not any(ord(c) > 127 for c in tex)


def test_empty_conditioning_and_graph_name():
    st_, _ = _stmt("variables A, B, C\ngraph G: A -> B, B -> C\nhave (d): (A ⊥⊥ C | B)_d in G by d_separation(G)\n", "d")
    assert st_ is not None
    st_, _ = _stmt("variables A, B, C\nassume (a): (A ⊥⊥ BC)\n", "a")
    tex = statement_latex(st_)
    assert tex == r"(\mathbf{A} \perp\!\!\!\perp \mathbf{BC})"


def test_jupyter_fragment():
    rep = check_file(str(ROOT / "proofs" / "lemma1.gph"))
    frag = rep._repr_latex_()
    assert frag == report_latex_fragment(rep)
    assert frag.startswith("$$") and frag.endswith("$$") and r"\perp\!\!\!\perp" in frag
    assert "5 verified" in frag
    fact = [s for s in rep.steps if s.fact is not None][-1].fact
    assert fact._repr_latex_() == "$" + statement_latex(fact.statement) + "$"


# -- escaping -------------------------------------------------------------------------------------

ALLOWED_MACROS = {
    "backslash", "vert", "textasciicircum", "textasciitilde",
    "ensuremath", "texttt", "mathcal", "mathbf", "mathbb", "perp", "cup", "cap", "subseteq", "in",
    "emptyset", "setminus", "to", "leftarrow", "sqcup", "vdash", "forall", "exists", "neq", "leq", "geq",
    "times", "dots", "cdot", "Rightarrow", "Leftrightarrow", "wedge", "vee", "neg", "varsigma",
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
    "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega", "Gamma", "Delta",
    "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
    # accented Latin letters in comments (Studený, après): TeX's text accents and letters
    "ss", "ae", "AE", "o", "O", "oe", "OE", "l", "L", "i", "aa", "AA", "u", "v", "H", "c", "r",
    "'", '"', "^", "~", "=", ".",
}


def _assert_inert(tex: str):
    """Only whitelisted macros and escaped characters; braces balanced; no ^^ or raw specials."""
    for m in re.finditer(r"\\([A-Za-z]+|.)", tex):
        name = m.group(1)
        assert name in ALLOWED_MACROS or name in "{}$&#_%`!", "macro \\%s in %r" % (name, tex)
    stripped = re.sub(r"\\[{}$&#_%]", "", tex)
    stripped = re.sub(r"\\[\^~]\{", "{", stripped)   # \^{o}, \~{n}: accents, not active characters
    assert not re.search(r"[$&#%~^]", re.sub(r"\\[A-Za-z]+", "", stripped).replace("\\ensuremath", ""))
    depth = 0
    for ch in stripped:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60))
def test_tex_text_neutralises_any_string(s):
    _assert_inert(tex_text(s))


HOSTILE = r"""# \input{/etc/hostname} \immediate\write18{touch PWNED} $x^2$ 100% #1 {unbalanced ^^5c ^^M
# \end{document} \catcode`\@=11 \def\x{y} ~ & < > | " ` --- '' !` ?` \\ \[ \( 𝒢 ⊥⊥ 🙂 ‮ RTL​zw
variables A, B, C, D
assume (x_1'--y.z): (A ⊥⊥ CD | B)
// \openout5=pwned.tex \write5{oops}
have (l--1): (A ⊥⊥ D | B) by weak_union((x_1'--y.z)) # \input{/etc/passwd} $ % {
have (l2): (A ⊥⊥ D | BC)
   # \write18{rm -rf /} inside a step
   by weak_union((x_1'--y.z))
"""


def test_hostile_script_compiles_and_runs_nothing(tmp_path):
    rep = check_text(HOSTILE, str(tmp_path / "ho$tile_#1%.gph"))
    assert [s.status for s in rep.steps] == ["assumption", "failed", "verified"]
    rep.source = HOSTILE   # the exporter reads comments from the report's copy of the script
    tex = document(rep)
    body = tex[tex.index(r"\begin{document}"):]
    assert r"\input" not in body and r"\write" not in body and r"\openout" not in body
    assert r"\end{document}" not in body[:-len("\\end{document}\n")]
    assert "^^" not in tex
    log = compile_tex(tex, tmp_path)
    assert not (tmp_path / "PWNED").exists() and not (tmp_path / "pwned.tex").exists()
    assert "/etc/hostname" not in log and "/etc/passwd" not in log
    assert "write18" not in log.split("\n", 3)[-1] or "runsystem" not in log
    assert {p.name for p in tmp_path.iterdir()} <= {"doc.tex", "doc.aux", "doc.log", "doc.pdf"}
