"""Latency of `graphoid lsp`: from a didChange sent by a real LSP client (pygls) to the
publishDiagnostics of that version, on a generated 200-step script, side by side with the anchor:
a full in-process check (`check_text`) of the same text, and a `graphoid check` process.

    python3 bench/bench_lsp.py [--groups 40] [--repeat 15] [--theorem1]

Edits: a step near the end, one in the middle, one at the top (each made wrong, then undone, so
every edit changes the diagnostics); --theorem1 also edits proofs/theorem1.gph. "median" is the time
to the complete diagnostics of the version; "error first shown" the time to its first publication
(a partial one, with the errors up to the item being checked, when a check runs long: the made-wrong
edits only). Medians and maxima; no assertion (the machine is shared and noisy)."""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lsprotocol import types  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402


def generate(groups: int = 40) -> str:
    """groups × (one assumption and four steps: decomposition, weak union, contraction, symmetry)."""
    lines = ["# generated: %d groups of one assumption and four steps" % groups,
             "variables X, Y, Z, W, A, B, C, D"]
    quads = [("X", "Y", "Z", "W"), ("A", "B", "C", "D"), ("X", "B", "Z", "D"), ("A", "Y", "C", "W")]
    for k in range(groups):
        x, y, z, w = quads[k % 4]
        lines += ["assume (p%d): (%s ⊥⊥ %s%s | %s)" % (k, x, y, w, z),
                  "have (d%d): (%s ⊥⊥ %s | %s) by decomposition(p%d)" % (k, x, y, z, k),
                  "have (u%d): (%s ⊥⊥ %s | %s%s) by weak_union(p%d)" % (k, x, w, z, y, k),
                  "have (c%d): (%s ⊥⊥ %s%s | %s) by contraction(d%d, u%d)" % (k, x, y, w, z, k, k),
                  "have (s%d): (%s%s ⊥⊥ %s | %s) by symmetry(c%d)" % (k, y, w, x, z, k)]
    return "\n".join(lines) + "\n"


class Client:
    def __init__(self):
        self.c = LanguageClient("bench", "0")
        self.got: dict = {}
        self.first: dict = {}
        self.waiting: dict = {}

        @self.c.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _d(params):
            now = time.perf_counter()
            self.first.setdefault(params.version, now)     # a partial publication counts here
            if any(d.code == "checking" for d in params.diagnostics):
                return
            self.got[params.version] = (now, params.diagnostics)
            ev = self.waiting.get(params.version)
            if ev:
                ev.set()

    async def start(self):
        await self.c.start_io(sys.executable, "-m", "graphoid.cli", "lsp", cwd=str(ROOT),
                              env=dict(os.environ, PYTHONPATH=str(ROOT)))
        await self.c.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
        self.c.initialized(types.InitializedParams())

    async def send(self, uri, version, change=None, text=None):
        ev = self.waiting[version] = asyncio.Event()
        t0 = time.perf_counter()
        if text is not None:
            self.c.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
                uri=uri, language_id="graphoid", version=version, text=text)))
        else:
            self.c.text_document_did_change(types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version), [change]))
        await asyncio.wait_for(ev.wait(), 600)
        t, diags = self.got[version]
        self.first_dt = self.first[version] - t0
        return t - t0, diags

    async def stop(self):
        await self.c.shutdown_async(None)
        self.c.exit(None)
        await self.c.stop()


def _change(text, line0, col, old, new):
    """Replace `old` at (line0, col) (code points) by `new`, as an incremental change in UTF-16 units."""
    row = text.split("\n")[line0]
    assert row[col:col + len(old)] == old
    u = lambda s: len(s.encode("utf-16-le")) // 2  # noqa: E731
    return types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(line0, u(row[:col])), types.Position(line0, u(row[:col + len(old)]))), text=new)


async def edit_latencies(text, uri, edits, repeat):
    """edits: name -> (line0, old, new). Each round makes the edit, then undoes it."""
    cl = Client()
    await cl.start()
    v = 1
    t_open, _ = await cl.send(uri, v, text=text)
    out = {name: [] for name in edits}
    firsts = {name: [] for name in edits}
    for _r in range(repeat):
        for name, (line0, old, new) in edits.items():
            v += 1
            col = text.split("\n")[line0].index(old)
            dt, diags = await cl.send(uri, v, _change(text, line0, col, old, new))
            assert any(d.severity == types.DiagnosticSeverity.Error for d in diags), name
            out[name].append(dt)
            firsts[name].append(cl.first_dt)
            v += 1
            bad = text.split("\n")
            bad[line0] = bad[line0][:col] + new + bad[line0][col + len(old):]
            dt, diags = await cl.send(uri, v, _change("\n".join(bad), line0, col, new, old))
            assert not any(d.severity == types.DiagnosticSeverity.Error for d in diags), name
            out[name].append(dt)
    await cl.stop()
    return t_open, out, firsts


def anchor(text, repeat):
    from graphoid.script import check_text
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        check_text(text, "bench.gph")
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def cli_time(path):
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "graphoid.cli", "check", str(path)], capture_output=True, cwd=str(ROOT))
    return time.perf_counter() - t0


def report(title, text, t_open, out, full, cli, firsts):
    n = sum(1 for line in text.split("\n") if line.startswith(("have", "assume", "hypothesis")))
    print("%s (%d steps): open %.0f ms; anchor: full check_text %.1f ms, `graphoid check` process %.0f ms"
          % (title, n, t_open * 1e3, full * 1e3, cli * 1e3))
    print("    %-22s %6s %12s %12s %10s %12s %16s" % ("edit", "edits", "wrong: med", "undo: med", "max",
                                                   "med / full", "error 1st shown"))
    for name, ts in out.items():
        wrong, undo = ts[0::2], ts[1::2]
        med = statistics.median(ts)
        print("    %-22s %6d %9.1f ms %9.1f ms %7.0f ms %11.2f× %13.1f ms" % (
            name, len(ts), statistics.median(wrong) * 1e3, statistics.median(undo) * 1e3, max(ts) * 1e3,
            med / full, statistics.median(firsts[name]) * 1e3))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--groups", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--theorem1", action="store_true")
    args = ap.parse_args()
    print("load average before: %.1f %.1f %.1f (2 cores)" % os.getloadavg())
    text = generate(args.groups)
    lines = text.split("\n")
    last = max(i for i, line in enumerate(lines) if line.startswith("have (u"))
    mid = [i for i, line in enumerate(lines) if line.startswith("have (u%d)" % (args.groups // 2))][0]
    first = [i for i, line in enumerate(lines) if line.startswith("have (u0)")][0]
    edits = {"step near the end": (last, "by weak_union", "by decomposition"),
             "step in the middle": (mid, "by weak_union", "by decomposition"),
             "step at the top": (first, "by weak_union", "by decomposition")}
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "bench.gph"
        p.write_text(text, encoding="utf-8")
        t_open, out, firsts = asyncio.run(edit_latencies(text, p.as_uri(), edits, args.repeat))
        report("generated script", text, t_open, out, anchor(text, 5), cli_time(p), firsts)
    if args.theorem1:
        p = ROOT / "proofs" / "theorem1.gph"
        t = p.read_text(encoding="utf-8")
        tl = t.split("\n")
        e = {"(2b.4) weak union": (next(i for i, x in enumerate(tl) if x.startswith("have (2b.4)")), "| ZΛ)_d", "| Z)_d"),
             "(22) factorisation": (next(i for i, x in enumerate(tl) if x.startswith("have (22)")), "(15), ", "")}
        t_open, out, firsts = asyncio.run(edit_latencies(t, p.as_uri(), e, max(2, args.repeat // 5)))
        report("proofs/theorem1.gph", t, t_open, out, anchor(t, 1), cli_time(p), firsts)


if __name__ == "__main__":
    main()
