"""`graphoid lsp` driven as a subprocess over stdio by pygls' real LSP client: diagnostics (the same
positions and messages as `graphoid check`), edits, hover, completion, definitions, references, the
`by auto` code action and the outline. Also: incremental checking gives the same report as a full check."""
from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from pathlib import Path


from lsprotocol import types   # pygls and lsprotocol are in the `test` extra: missing, the file fails
from pygls.lsp.client import LanguageClient

from graphoid.lsp.incremental import IncrementalChecker
from graphoid.script import check_text

ROOT = Path(__file__).resolve().parent.parent
WAIT = 60.0   # generous: the machine is shared; this bounds a hang, it times nothing

FIRST = """# first.gph: weak union after decomposition.
variables X, Y, Z, W
assume (p): (X ⊥⊥ YW | Z)
have (1): (X ⊥⊥ Y | Z) by decomposition(p)
have (2): (X ⊥⊥ Y | ZW) by weak_union(p)
"""

AUTO = ("variables A, B, C\nassume (p1): (A ⊥⊥ B | C)\nassume (p2): (A ⊥⊥ C)\n"
        "have (3): (A ⊥⊥ B) by auto((p1), (p2))\n")


def check_json(path: Path) -> dict:
    """What `graphoid check --json FILE` prints (its main, in this process), the reference the server
    must match."""
    import contextlib
    import io
    from graphoid.cli import main
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        main(["check", "--json", str(path)])
    return json.loads(buf.getvalue())


def utf16_to_cp(line: str, character: int) -> int:
    units = 0
    for i, ch in enumerate(line):
        if units >= character:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(line)


class Session:
    """A client session with the server subprocess; diagnostics are collected per (uri, version)."""

    def __init__(self):
        self.client = LanguageClient("graphoid-test", "0.1")
        self.diags: dict = {}
        self.partial: dict = {}
        self.events: dict = {}

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _diags(params: types.PublishDiagnosticsParams):
            if any(d.code == "checking" for d in params.diagnostics):
                self.partial.setdefault((params.uri, params.version), []).append(params.diagnostics)
                return     # a partial publication while a long check goes on
            self.diags[(params.uri, params.version)] = params.diagnostics
            ev = self.events.get((params.uri, params.version))
            if ev is not None:
                ev.set()

    async def start(self, *args):
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        await self.client.start_io(sys.executable, "-m", "graphoid.cli", "lsp", *args, env=env, cwd=str(ROOT))
        res = await asyncio.wait_for(self.client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=ROOT.as_uri())), WAIT)
        self.client.initialized(types.InitializedParams())
        return res

    def _event(self, uri, version):
        return self.events.setdefault((uri, version), asyncio.Event())

    async def open(self, uri, text, version=1):
        ev = self._event(uri, version)
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="graphoid", version=version, text=text)))
        await asyncio.wait_for(ev.wait(), WAIT)
        return self.diags[(uri, version)]

    async def change(self, uri, version, changes):
        ev = self._event(uri, version)
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=changes))
        await asyncio.wait_for(ev.wait(), WAIT)
        return self.diags[(uri, version)]

    async def stop(self):
        await asyncio.wait_for(self.client.shutdown_async(None), WAIT)
        self.client.exit(None)
        await self.client.stop()


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 240))


def errors_of(diags, text):
    """Error diagnostics as (line, col, message), 1-based code points as `graphoid check` prints them."""
    lines = text.split("\n")
    out = []
    for d in diags:
        if d.severity == types.DiagnosticSeverity.Error:
            ln = d.range.start.line
            out.append((ln + 1, utf16_to_cp(lines[ln], d.range.start.character) + 1, d.message))
    return sorted(out)


def edit_line(text, line0, old, new):
    """(new text, an incremental change event) replacing `old` by `new` on one line."""
    lines = text.split("\n")
    c = lines[line0].index(old)
    lines[line0] = lines[line0][:c] + new + lines[line0][c + len(old):]
    r = types.Range(start=types.Position(line=line0, character=len(lines[line0][:c].encode("utf-16-le")) // 2),
                    end=types.Position(line=line0, character=len(text.split("\n")[line0][:c + len(old)].encode("utf-16-le")) // 2))
    return "\n".join(lines), types.TextDocumentContentChangePartial(range=r, text=new)


def test_session_diagnostics_edit_hover_completion(tmp_path):
    async def go():
        s = Session()
        init = await s.start()
        caps = init.capabilities
        assert caps.hover_provider and caps.completion_provider and caps.definition_provider
        assert caps.references_provider and caps.code_action_provider and caps.document_symbol_provider
        path = tmp_path / "first.gph"
        path.write_text(FIRST, encoding="utf-8")
        uri = path.as_uri()
        d1 = await s.open(uri, FIRST)
        assert errors_of(d1, FIRST) == []
        warn = [d for d in d1 if d.severity == types.DiagnosticSeverity.Warning]
        assert len(warn) == 1 and "assumption (not checked): (p)" in warn[0].message
        assert warn[0].range.start.line == 2

        # the edit of README's "When a step is wrong": step (2) conditions on Z only
        text2, ch = edit_line(FIRST, 4, "| ZW)", "| Z)")
        d2 = await s.change(uri, 2, [ch])
        path.write_text(text2, encoding="utf-8")
        ref = check_json(path)
        expect = sorted((e["line"], e["col"], e["message"]) for e in ref["errors"])
        assert expect, "the edited step must fail in graphoid check too"
        assert errors_of(d2, text2) == expect
        assert expect[0][:2] == (5, 11)

        # hover on the label (1): the statement as the kernel holds it, status, semantics, rule, premises
        h = await asyncio.wait_for(s.client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=3, character=7))), WAIT)
        v = h.contents.value
        step1 = [st for st in ref["steps"] if st["label"] == "1"][0]
        assert step1["statement"] in v and "verified" in v and step1["semantics"] in v
        assert "decomposition" in v and "(p)" in v and "side conditions" in v
        assert "rests on (stated, not checked): (p)" in v
        for ob in step1["obligations"]:
            assert ob["meaning"] in v

        # hover on the failed step shows its error
        h2 = await s.client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=4, character=1)))
        assert "failed" in h2.contents.value and expect[0][2] in h2.contents.value

        # completion of rule names after `by `, and of labels in scope inside the premises
        text3 = text2 + "have (3): (X ⊥⊥ W | Z) by "
        ch3 = types.TextDocumentContentChangeWholeDocument(text=text3)
        await s.change(uri, 3, [ch3])
        pos = types.Position(line=5, character=len("have (3): (X ⊥⊥ W | Z) by "))
        c = await s.client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=pos))
        names = {it.label for it in c.items}
        assert {"decomposition", "weak_union", "contraction", "auto"} <= names
        assert "p" not in names
        text4 = text3 + "decomposition("
        await s.change(uri, 4, [types.TextDocumentContentChangeWholeDocument(text=text4)])
        c = await s.client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=5, character=len("have (3): (X ⊥⊥ W | Z) by decomposition("))))
        labels = {it.label for it in c.items}
        assert {"p", "1", "2"} <= labels and "3" not in labels

        # definition of a label reference, references of a variable (inside juxtapositions too)
        text5 = text2 + "have (3): (X ⊥⊥ W | ZY) by weak_union(p)\n"
        d5 = await s.change(uri, 5, [types.TextDocumentContentChangeWholeDocument(text=text5)])
        assert len(errors_of(d5, text5)) == len(expect)
        defs = await s.client.text_document_definition_async(types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=3, character=len("have (1): (X ⊥⊥ Y | Z) by decomposition("))))
        assert len(defs) == 1 and defs[0].range.start.line == 2 and defs[0].range.start.character == 8
        refs = await s.client.text_document_references_async(types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=1, character=19),
            context=types.ReferenceContext(include_declaration=True)))
        lines5 = text5.split("\n")
        assert all(lines5[r.range.start.line][r.range.start.character] == "W" for r in refs)
        assert sorted(r.range.start.line for r in refs) == [1, 2, 5]

        syms = await s.client.text_document_document_symbol_async(types.DocumentSymbolParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))
        assert [x.name for x in syms][:4] == ["X", "Y", "Z", "W"] and "(p)" in [x.name for x in syms]

        # positions are UTF-16 units: 𝒢 (outside the BMP) before an error on the same line counts two
        guri = tmp_path / "g.gph"
        gtext = "variables A, B\nassume (F): faithfulness(𝒢) (A ⊥⊥ B)\n"
        guri.write_text(gtext, encoding="utf-8")
        dg = await s.open(guri.as_uri(), gtext)
        gref = sorted((e["line"], e["col"], e["message"]) for e in check_json(guri)["errors"])
        assert gref and errors_of(dg, gtext) == gref
        (err,) = [x for x in dg if x.severity == types.DiagnosticSeverity.Error]
        assert err.range.start.character == gref[0][1]      # 1-based code points + 1 unit for 𝒢, 0-based

        # a second document: the code action replacing `by auto` with the derivation, as explicit steps
        auri = (tmp_path / "auto.gph").as_uri()
        d = await s.open(auri, AUTO)
        assert errors_of(d, AUTO) == []
        acts = await s.client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=auri),
            range=types.Range(start=types.Position(line=3, character=0), end=types.Position(line=3, character=5)),
            context=types.CodeActionContext(diagnostics=[])))
        assert len(acts) == 1
        (edit,) = acts[0].edit.changes[auri]
        await s.stop()
        return edit
    edit = run(go())
    lines = AUTO.split("\n")
    r = edit.range
    new = "\n".join(lines[:r.start.line] + [lines[r.start.line][:r.start.character] + edit.new_text
                                            + lines[r.end.line][r.end.character:]] + lines[r.end.line + 1:])
    assert "auto" not in new
    rep = check_text(new, "expanded.gph")
    assert rep.ok and rep.count("verified") >= 2
    assert [st.label for st in rep.steps][-1] == "3"


def test_theorem1_edited_step_error_at_its_position(tmp_path):
    """proofs/theorem1.gph opened with step (2b.4) weakened wrongly: the errors show where `graphoid
    check` puts them, hypotheses are warnings; a second wrong edit of the step is re-checked from that
    step on, and with --progress-ms 0 the server publishes after every re-checked item: the first
    publication of the edit already has the edited step's error. (Correcting the step would re-prove
    Step 4 with z3 for seconds; test_incremental_* cover edits in both directions.)"""
    src = (ROOT / "proofs" / "theorem1.gph").read_text(encoding="utf-8")
    line0 = next(i for i, l in enumerate(src.split("\n")) if l.startswith("have (2b.4):"))
    bad, _ = edit_line(src, line0, "| ZΛ)_d", "| Z)_d")
    bad2, ch2 = edit_line(bad, line0, "| Z)_d", "| ZY)_d")
    refs = []
    for name, text in (("theorem1.gph", bad), ("theorem1b.gph", bad2)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        refs.append(check_json(path))
    expect, expect2 = [sorted((e["line"], e["col"], e["message"]) for e in r["errors"]) for r in refs]
    assert expect and expect[0][0] == line0 + 1 and expect2 and expect2[0][0] == line0 + 1
    assert expect2[0][2] != expect[0][2]

    async def go():
        s = Session()
        await s.start("--progress-ms", "0")
        uri = (tmp_path / "theorem1.gph").as_uri()
        d = await s.open(uri, bad)
        assert errors_of(d, bad) == expect
        hyp = [x for x in d if x.severity == types.DiagnosticSeverity.Warning and "graph hypothesis" in x.message]
        assert sorted(x.range.start.line + 1 for x in hyp) == sorted(
            st["line"] for st in refs[0]["steps"] if st["status"] == "hypothesis")
        # an error for a premise that was not verified points at where that premise failed
        later = [x for x in d if x.severity == types.DiagnosticSeverity.Error and "(2b.4) was not verified" in x.message]
        assert later and all(x.related_information[0].location.range.start.line == line0 for x in later)
        d2 = await s.change(uri, 2, [ch2])
        assert errors_of(d2, bad2) == expect2
        parts = s.partial[(uri, 2)]
        # published before the later items were re-checked: the edited step's error, not yet the later ones
        assert errors_of(parts[0], bad2) == [e for e in expect2 if e[0] == line0 + 1]
        checking = [x for x in parts[0] if x.code == "checking"]
        nxt = next(i for i, l in enumerate(bad2.split("\n")) if i > line0 and l.startswith(("have", "hypothesis")))
        assert len(checking) == 1 and checking[0].range.start.line == nxt   # marks the next item
        await s.stop()
    run(go())


def _report_key(rep):
    return (repr(rep.parse_error), rep.declarations,
            [(s.label, s.line, s.col, s.status, s.message, s.statement, s.rule, s.premises, s.semantics,
              [(o.meaning, o.result) for o in s.obligations]) for s in rep.steps])


def test_incremental_equals_full_check():
    """Every edit re-checked incrementally gives the report of a full check of the same text."""
    src = (ROOT / "proofs" / "graphoid_basics.gph").read_text(encoding="utf-8")
    ic = IncrementalChecker("basics.gph")
    versions = [src,
                src.replace("by weak_union(q)", "by decomposition(q)"),           # a middle step fails
                src.replace("have (s2)", "have (s1)"),                            # label used twice
                src.replace("variables X, Y, Z, W, A, B, C, D", "variables X, Y, Z, A, B, C, D"),   # first item
                src.replace("(A ⊥⊥ C | B)_d in K by d_separation(K)", "(A ⊥⊥ C | B)_d in K by d_separation(H)"),
                src + "have (z): (X ⊥⊥ Y | Z) by auto\n",
                src.replace("have (r4)", "have (r4"),                              # parse error
                src]
    modes = []
    for v in versions:
        a = ic.check(v)
        modes.append(a.mode)
        assert _report_key(a.report) == _report_key(check_text(v, "basics.gph"))
    assert "incremental" in modes and modes[-2] == "parse-error"
    assert ic.supported     # the checker's shape is the one incremental.py knows: no silent fallback
    # typing a new last step goes through texts that do not parse; the first that does resumes
    n = len(ic.check(src).items)
    typed = src + "have (z): (X ⊥⊥ Y | Z) by decomposition(q)\n"
    for cut in range(len(src) + 6, len(typed) + 1, 7):
        a = ic.check(typed[:cut])
    a = ic.check(typed)
    assert a.mode == "incremental" and a.resumed_at == n and a.report.ok
    assert _report_key(a.report) == _report_key(check_text(typed, "basics.gph"))
    # a resumed check starts at the first edited item, not before
    a = ic.check(src)
    b = ic.check(src.replace("by weak_union(k2)", "by decomposition(k2)"))
    assert b.mode == "incremental" and b.resumed_at == len(a.items) - 1


SYMBOLIC = """index I = 1..n
family A, X over I
latent Λ
partition I = I_B ⊔ I_C
family B = A over I_B
family Z = X over I_C
assume (ND): for all γ ⊆ I: (A_γ ⊥⊥ X_{\\γ} | X_γ)
assume (F): faithfulness(𝒢)
have (7): for all γ ⊆ I: (A_γ ⊥⊥ X_{\\γ} | X_γ)_d by faithfulness(ND, F)
have (2a): (B ⊥⊥ Z | X_{I_B})_d by instantiate((7), γ := I_B)
have (2b): (BΛ ⊥⊥ Z | X_{I_B})_d by instantiate((7), γ := I_B)
"""


def _analysis(text, file="sym.gph"):
    return IncrementalChecker(file).check(text)


def test_symbols_labels_families_indices_graphs():
    from graphoid.lsp import analysis as A
    a = _analysis(SYMBOLIC)
    occs = A.occurrences(a)
    lines = SYMBOLIC.split("\n")

    def at(line0, s, k=0):
        col = [i for i in range(len(lines[line0])) if lines[line0].startswith(s, i)][k]
        return A.occurrence_at(occs, line0, col)

    seven = at(9, "7")
    assert seven.kind == "label" and not seven.is_def
    (d,) = A.definitions(occs, seven)
    assert (d.range[0], d.range[1]) == (8, lines[8].index("7"))
    assert len(A.references(occs, seven, include_declaration=False)) == 2
    # a family inside a subscripted term, and its declaration
    x = at(6, "X_{")
    assert (x.kind, x.name) == ("family", "X")
    assert [o.range[0] for o in A.definitions(occs, x)] == [1]
    # index names: the declared I_B, and the bound γ scoped to its statement
    ib = at(9, "I_B")
    assert ib.kind == "index" and [o.range[0] for o in A.definitions(occs, ib)] == [3]
    g6, g8 = at(6, "γ", 1), at(8, "γ", 1)
    assert A.definitions(occs, g6)[0].range[0] == 6 and A.definitions(occs, g8)[0].range[0] == 8
    # the undeclared graph 𝒢: its first use is its definition
    graph = at(7, "𝒢")
    assert graph.kind == "graph" and A.definitions(occs, graph)[0].range[0] == 7
    # Λ inside the juxtaposition BΛ
    lam = at(10, "Λ")
    assert (lam.kind, lam.name) == ("variable", "Λ") and A.definitions(occs, lam)[0].range[0] == 2
    # the outline lists declarations and steps in order
    names = [s.name for s in A.outline(a, occs)]
    assert names[:3] == ["I", "n", "A"] and names[-3:] == ["(7)", "(2a)", "(2b)"]
    # hover on a rule and on a family
    md, _ = A.hover(a, occs, 9, lines[9].index("instantiate"))
    assert "instantiate" in md
    md, _ = A.hover(a, occs, 4, lines[4].index("B"))
    assert "family A, X over I" not in md and "family B = A over I_B" in md


def test_parse_error_diagnostic_equals_check(tmp_path):
    from graphoid.lsp import analysis as A
    bad = FIRST.replace("have (2): (X ⊥⊥ Y | ZW)", "have (2): (X ⊥⊥ Y | ZW")
    p = tmp_path / "bad.gph"
    p.write_text(bad, encoding="utf-8")
    ref = check_json(p)
    a = IncrementalChecker(str(p)).check(bad)
    ds = A.diagnostics(a)
    assert [(d.range[0] + 1, d.range[1] + 1, d.message) for d in ds] == \
        [(e["line"], e["col"], e["message"]) for e in ref["errors"]]


def test_expand_auto_is_checked_and_uses_labels():
    from graphoid.lsp import analysis as A
    text = ("variables A, B, C, D1\nassume (p1): (A ⊥⊥ B | C)\nassume (p3): (A ⊥⊥ D1 | BC)\n"
            "  have (4): (A ⊥⊥ BD1 | C) by auto\n")
    a = _analysis(text)
    new = A.expand_auto(a, 3)
    assert new is not None and "auto" not in new and "(p1)" in new and "(p3)" in new
    r = A.tree_range(a.trees[3])
    lines = text.split("\n")
    out = "\n".join(lines[:r[0]] + [lines[r[0]][:r[1]] + new + lines[r[2]][r[3]:]] + lines[r[2] + 1:])
    rep = check_text(out, "x.gph")
    assert rep.ok and rep.steps[-1].label == "4" and rep.steps[-1].rule == "contraction"
    # a failed `by auto` offers nothing
    wrong = text.replace("(A ⊥⊥ BD1 | C) by auto", "(A ⊥⊥ BD1) by auto")
    a = _analysis(wrong)
    assert a.steps_of(3)[-1].status == "failed" and A.expand_auto(a, 3) is None


def test_completion_contexts():
    from graphoid.lsp import analysis as A
    a = _analysis(FIRST)
    names = {c.label: c.kind for c in A.completions(a, FIRST, 4, len("have (2): (X ⊥⊥ Y | ZW) by w"))}
    assert names.get("weak_union") == "rule" and names.get("wu") == "rule"
    labels = {c.label for c in A.completions(a, FIRST, 4, len("have (2): (X ⊥⊥ Y | ZW) by weak_union("))}
    assert labels == {"p", "1"}
    decl = {c.label: c.kind for c in A.completions(a, FIRST, 4, len("have (2): (X ⊥⊥ "))}
    assert {k for k, v in decl.items() if v == "variable"} == {"X", "Y", "Z", "W"}


def test_without_pygls_a_clear_message():
    code = ("import sys; sys.modules['pygls'] = None; sys.modules['pygls.lsp.server'] = None\n"
            "from graphoid.cli import main; sys.exit(main(['lsp']))")
    import subprocess
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert r.returncode == 2 and "pip install 'graphoid[lsp]'" in r.stderr and "Traceback" not in r.stderr


def test_vscode_extension_is_wired():
    """The extension folder is consistent: the language, its grammar and configuration files exist, the
    grammar's scope is the one declared, and the client starts `graphoid lsp`."""
    ext = ROOT / "editors" / "vscode"
    pkg = json.loads((ext / "package.json").read_text(encoding="utf-8"))
    (lang,) = pkg["contributes"]["languages"]
    (gram,) = pkg["contributes"]["grammars"]
    assert lang["id"] == gram["language"] == "graphoid" and ".gph" in lang["extensions"]
    json.loads((ext / lang["configuration"]).read_text(encoding="utf-8"))
    tm = json.loads((ext / gram["path"]).read_text(encoding="utf-8"))
    assert tm["scopeName"] == gram["scopeName"]
    for ref in tm["patterns"]:
        assert ref["include"].lstrip("#") in tm["repository"]
    js = (ext / "extension.js").read_text(encoding="utf-8")
    assert "vscode-languageclient" in js and '"lsp"' in js and "vscode-languageclient" in pkg["dependencies"]
    assert pkg["activationEvents"] == ["onLanguage:graphoid"] and (ext / pkg["main"]).exists()


def test_incremental_equals_full_under_random_edits():
    """A sequence of random line edits (delete, duplicate, swap, change a rule, a label or a set) on
    two shipped proofs, each version checked incrementally after the previous one: the same report as a
    full check every time."""
    import random
    rnd = random.Random(14)
    rules = ["decomposition", "weak_union", "contraction", "symmetry", "intersection", "auto", "markov"]
    for name in ("graphoid_basics.gph", "lemma1.gph"):
        src = (ROOT / "proofs" / name).read_text(encoding="utf-8")
        ic = IncrementalChecker(name)
        lines = src.split("\n")
        resumed = 0
        for _ in range(25):
            i = rnd.randrange(len(lines))
            op = rnd.choice(["delete", "dup", "swap", "rule", "label", "set", "restore"])
            if op == "delete":
                del lines[i]
            elif op == "dup":
                lines.insert(i, lines[i])
            elif op == "swap" and i + 1 < len(lines):
                lines[i], lines[i + 1] = lines[i + 1], lines[i]
            elif op == "rule" and " by " in lines[i]:
                head, _, tail = lines[i].partition(" by ")
                old = tail.split("(")[0]
                lines[i] = head + " by " + tail.replace(old, rnd.choice(rules), 1)
            elif op == "label" and lines[i].startswith("have ("):
                lines[i] = lines[i].replace("have (", "have (x", 1)
            elif op == "set" and "| " in lines[i]:
                lines[i] = lines[i].replace("| ", "| W", 1) if rnd.random() < 0.5 else lines[i].replace("| ", "|", 1)
            elif op == "restore":
                lines = src.split("\n")
            text = "\n".join(lines)
            a = ic.check(text)
            resumed += a.mode == "incremental"
            assert _report_key(a.report) == _report_key(check_text(text, name)), (name, op, i)
        assert resumed > 5


def test_graph_definition_and_references():
    from graphoid.lsp import analysis as A
    src = (ROOT / "proofs" / "graphoid_basics.gph").read_text(encoding="utf-8")
    lines = src.split("\n")
    a = _analysis(src)
    occs = A.occurrences(a)
    decl = next(i for i, l in enumerate(lines) if l.startswith("graph G:"))
    use = next(i for i, l in enumerate(lines) if "by d_separation(G)" in l)
    o = A.occurrence_at(occs, use, lines[use].index("(G)") + 1)
    assert (o.kind, o.name) == ("graph", "G")
    (d,) = A.definitions(occs, o)
    assert d.range[:2] == (decl, lines[decl].index("G"))
    refs = A.references(occs, o)
    expect = sum(len(re.findall(r"\bG\b", l)) for l in lines if not l.lstrip().startswith("#"))
    assert len(refs) == expect and all(lines[r.range[0]][r.range[1]] == "G" for r in refs)
