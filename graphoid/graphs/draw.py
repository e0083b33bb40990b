"""Drawings of DAGs, chained graphs and classes: graphviz dot source (rendered by the `dot` binary)
and TikZ code (tikz package only), latent nodes and optional parts drawn dashed as in the paper.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import networkx as nx

from .classes import GraphClass, Member


class DrawError(Exception):
    """A drawing could not be produced; the message is meant for the user."""


def _as_graph(obj) -> nx.DiGraph:
    if isinstance(obj, Member):
        return obj.to_networkx()
    if isinstance(obj, nx.DiGraph):
        return obj
    if hasattr(obj, "to_networkx"):
        return obj.to_networkx()
    raise DrawError(f"cannot draw an object of type {type(obj).__name__}")


def _q(s) -> str:
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def dag_to_dot(g, title: str = "") -> str:
    """A DAG (networkx DiGraph, node attribute latent=True for latents) as dot source.
    Latent nodes: small dashed circles; their out-edges dashed."""
    g = _as_graph(g)
    lines = ["digraph G {", "  rankdir=TB;", '  node [shape=circle, fontsize=11];']
    if title:
        lines.append(f"  label={_q(title)}; labelloc=t;")
    for v, d in g.nodes(data=True):
        lat = d.get("latent", False)
        label = str(v)   # a latent keeps its own name (two latents must not look alike)
        style = ', style=dashed, fontsize=9' if lat else ""
        lines.append(f"  {_q(v)} [label={_q(label)}{style}];")
    for u, v in g.edges:
        style = " [style=dashed]" if g.nodes[u].get("latent") else ""
        lines.append(f"  {_q(u)} -> {_q(v)}{style};")
    lines.append("}")
    return "\n".join(lines) + "\n"


_LINK_STYLE = {"->": "", "<-": "dir=back", "<->": "dir=both, style=dotted",
               "any": "dir=both, arrowhead=odot, arrowtail=odot"}


def class_to_dot(cls: GraphClass) -> str:
    """A class in the shortcut notation: one node per set-node (dashed when it may be empty),
    one line per link, dashed when the connection is optional."""
    lines = ["digraph G {", "  rankdir=LR;", "  node [shape=circle, fontsize=12];",
             f"  label={_q(cls.name)}; labelloc=t;"]
    for s, members in cls.sets.items():
        style = ", style=dashed" if not members else ""
        lines.append(f"  {_q(s)} [label={_q(s)}{style}];")
    for ln in cls.links:
        kinds = ln.kinds if ln.kinds in _LINK_STYLE else "any"
        attrs = [a for a in (_LINK_STYLE[kinds], "" if ln.required else "style=dashed") if a]
        if ln.s == ln.t:
            attrs.append("dir=none")
        lines.append(f"  {_q(ln.s)} -> {_q(ln.t)} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


FORMATS = ("svg", "png", "pdf", "dot", "tex")   # output formats of `graphoid draw`, by file extension


def output_format(path: str | Path) -> str:
    """The drawing format of an output file name, case-insensitively (x.PNG is png)."""
    return Path(path).suffix.lstrip(".").lower()


def dot_image(dot_source: str, fmt: str, timeout: float = 30) -> bytes:
    """Render dot source to SVG/PNG/PDF bytes with the `dot` binary; DrawError when it is missing or fails."""
    fmt = fmt.lower()
    if fmt not in ("svg", "png", "pdf"):
        raise DrawError(f"unsupported drawing format {fmt!r}; use svg, png or pdf")
    exe = shutil.which("dot")
    if exe is None:
        raise DrawError("graphviz `dot` was not found on PATH; install graphviz "
                        "(e.g. apt-get install graphviz) or use the TikZ output instead")
    from .. import _entry
    try:
        proc = subprocess.run([exe, f"-T{fmt}"], input=dot_source.encode(),
                              capture_output=True, timeout=timeout, **_entry.child_kwargs())
    except subprocess.TimeoutExpired:
        raise DrawError(f"`dot` did not finish within {timeout} s") from None
    if proc.returncode != 0:
        raise DrawError("`dot` failed: " + proc.stderr.decode(errors="replace").strip())
    return proc.stdout


def render_dot(dot_source: str, out: str | Path, fmt: str | None = None, timeout: float = 30) -> Path:
    """Render dot source to an SVG/PNG/PDF file (written through graphoid.outputs: atomic, errors
    reported as OutputError); DrawError when `dot` is missing or fails."""
    from ..outputs import write_output
    out = Path(out)
    data = dot_image(dot_source, fmt or output_format(out) or "svg", timeout)
    write_output(str(out), data, what="drawing")
    return out


def _tex(s: str) -> str:
    """Node names in math mode: A1, X12 -> subscripts, Greek letters -> \\Lambda (pdflatex has no
    Unicode Greek), anything else escaped (the LaTeX export's name_math)."""
    from ..export.latex import name_math
    return "$%s$" % name_math(str(s))


def graphviz_positions(g, scale: float = 1.6) -> dict | None:
    """Node coordinates (in TikZ units) from graphviz's dot layout, or None when dot is missing
    or fails (the layered layout below is used then)."""
    import shlex
    exe = shutil.which("dot")
    if exe is None:
        return None
    ids = {v: "n%d" % i for i, v in enumerate(sorted(g.nodes, key=str))}
    src = ["digraph G {", "  node [shape=circle, width=0.5, fixedsize=true, label=\"\"];"]
    src += ["  %s;" % ids[v] for v in g.nodes]
    src += ["  %s -> %s;" % (ids[u], ids[v]) for u, v in g.edges]
    src.append("}")
    try:
        proc = subprocess.run([exe, "-Tplain"], input="\n".join(src).encode(), capture_output=True, timeout=30)
    except (subprocess.TimeoutExpired, OSError):
        return None
    if proc.returncode != 0:
        return None
    back = {i: v for v, i in ids.items()}
    pos = {}
    for line in proc.stdout.decode(errors="replace").splitlines():
        f = shlex.split(line)
        if f and f[0] == "node" and f[1] in back:
            pos[back[f[1]]] = (float(f[2]) * scale, float(f[3]) * scale)   # inches, y up as in TikZ
    return pos if len(pos) == g.number_of_nodes() else None


def _node_label(v) -> str:
    from ..export.latex import name_math
    return "$%s$" % name_math(str(v))


def dag_to_tikz(g, scale: float = 1.6) -> str:
    """A DAG as a tikzpicture: coordinates from graphviz's dot layout when dot is installed
    (else layered by longest path); latents as dashed circles with their own names."""
    g = _as_graph(g)
    if not nx.is_directed_acyclic_graph(g):
        raise DrawError("graph is not acyclic")
    pos = graphviz_positions(g, scale)
    layer = {}
    for v in nx.topological_sort(g):
        layer[v] = max((layer[u] + 1 for u in g.predecessors(v)), default=0)
    rows: dict[int, list] = {}
    for v in sorted(g.nodes, key=str):
        rows.setdefault(layer[v], []).append(v)
    ids = {v: f"n{i}" for i, v in enumerate(sorted(g.nodes, key=str))}
    out = [r"\begin{tikzpicture}[>=stealth, obs/.style={circle, draw, minimum size=7mm, inner sep=1pt},"
           r" lat/.style={circle, draw, dashed, minimum size=6mm, inner sep=1pt, font=\small}]"]
    for y, vs in rows.items():
        for x, v in enumerate(vs):
            lat = g.nodes[v].get("latent", False)
            label = _node_label(v)
            px, py = (x - (len(vs) - 1) / 2) * scale, -y * scale
            if pos is not None:
                px, py = pos[v]
            out.append(rf"  \node[{'lat' if lat else 'obs'}] ({ids[v]}) at ({px:.2f},{py:.2f}) {{{label}}};")
    for u, v in g.edges:
        style = "->, dashed" if g.nodes[u].get("latent") else "->"
        out.append(rf"  \draw[{style}] ({ids[u]}) -- ({ids[v]});")
    out.append(r"\end{tikzpicture}")
    return "\n".join(out) + "\n"


def class_to_tikz(cls: GraphClass, radius: float = 2.2) -> str:
    """A class in the paper's shortcut notation: set-nodes on a circle (dashed circle when the
    set may be empty), links dashed when optional; arrow heads show the allowed direction,
    a dotted double arrow a latent common cause, a plain line 'any connection'."""
    names = list(cls.sets)
    out = [r"\begin{tikzpicture}[>=stealth, set/.style={circle, draw, minimum size=9mm}]"]
    for k, s in enumerate(names):
        ang = 90 - 360 * k / max(1, len(names))
        x, y = radius * math.cos(math.radians(ang)), radius * math.sin(math.radians(ang))
        style = "set, dashed" if not cls.sets[s] else "set"
        from ..export.latex import name_math
        label = name_math(s, bold=True)
        out.append(rf"  \node[{style}] (s{k}) at ({x:.2f},{y:.2f}) {{${label}$}};")
    for ln in cls.links:
        a, b = names.index(ln.s), names.index(ln.t)
        arrow = {"->": "->", "<-": "<-", "<->": "<->, densely dotted"}.get(ln.kinds, "-")
        style = arrow + ("" if ln.required else ", dashed")
        if a == b:
            out.append(rf"  \draw[{style}] (s{a}) to[loop above, looseness=6] (s{a});")
        else:
            out.append(rf"  \draw[{style}] (s{a}) -- (s{b});")
    out.append(r"\end{tikzpicture}")
    return "\n".join(out) + "\n"


def standalone(tikz: str, caption: str = "") -> str:
    """A complete LaTeX document around TikZ code (article class, tikz package only)."""
    cap = f"\n\\par\\medskip {caption}\n" if caption else ""
    return ("\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage{tikz}\n\\pagestyle{empty}\n\\begin{document}\n"
            "\\begin{center}\n" + tikz + cap + "\\end{center}\n\\end{document}\n")


def compile_latex(tex: str, workdir: str | Path, name: str = "figure", timeout: float = 120) -> Path:
    """Run pdflatex -halt-on-error twice; DrawError with the log tail on failure."""
    exe = shutil.which("pdflatex")
    if exe is None:
        raise DrawError("pdflatex was not found on PATH")
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / f"{name}.tex").write_text(tex, encoding="utf-8")
    for _ in range(2):
        try:
            proc = subprocess.run([exe, "-halt-on-error", "-interaction=nonstopmode", f"{name}.tex"],
                                  cwd=workdir, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise DrawError(f"pdflatex did not finish within {timeout} s") from None
        if proc.returncode != 0:
            tail = proc.stdout.decode(errors="replace").strip().splitlines()[-15:]
            raise DrawError("pdflatex failed:\n" + "\n".join(tail))
    return workdir / f"{name}.pdf"
