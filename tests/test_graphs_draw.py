"""Drawings: dot renders, TikZ compiles with pdflatex (two passes, -halt-on-error)."""

import shutil

import networkx as nx
import pytest

from graphoid.graphs import draw
from graphoid.graphs.classes import chained_class, fig3_class

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz dot not installed")
needs_tex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")


def _member():
    cls = fig3_class(2)
    return cls.member((0, 0, 0, 0, 4, 1, 0, 0)[:len(cls.pair_order)])


@needs_dot
def test_dot_renders_svg(tmp_path):
    out = draw.render_dot(draw.dag_to_dot(nx.DiGraph([("A1", "X1")])), tmp_path / "g.svg")
    assert out.read_text().lstrip().startswith("<?xml") or "<svg" in out.read_text()
    out = draw.render_dot(draw.class_to_dot(chained_class((2, 1, 1, 2))), tmp_path / "c.png")
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_missing_dot_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(draw.shutil, "which", lambda name: None)
    with pytest.raises(draw.DrawError, match="dot"):
        draw.render_dot("digraph{}", tmp_path / "x.svg")


@needs_tex
def test_tikz_compiles(tmp_path):
    tikz = draw.dag_to_tikz(_member()) + draw.class_to_tikz(chained_class((2, 2, 1, 1)))
    pdf = draw.compile_latex(draw.standalone(tikz, "test"), tmp_path)
    assert pdf.read_bytes()[:4] == b"%PDF"


@needs_tex
def test_broken_tikz_reports_error(tmp_path):
    with pytest.raises(draw.DrawError, match="pdflatex failed"):
        draw.compile_latex(draw.standalone(r"\begin{tikzpicture}\node (a) {"), tmp_path)
