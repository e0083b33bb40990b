"""`graphoid lsp`: the language server over stdio (pygls 2 on lsprotocol).

Each open document has an IncrementalChecker. An edit schedules a check on one worker thread (the
protocol loop stays free to answer hovers from the last analysis); while a check runs, further edits
coalesce into one re-check of the newest text, so diagnostics always end at the latest version."""
from __future__ import annotations

import asyncio
import logging
import os
import queue
import sys
import threading
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace.position_codec import ServerTextPosition

from . import analysis as A
from .incremental import IncrementalChecker

log = logging.getLogger("graphoid.lsp")

SEVERITY = {A.ERROR: types.DiagnosticSeverity.Error, A.WARNING: types.DiagnosticSeverity.Warning,
            A.INFO: types.DiagnosticSeverity.Information}
COMPLETION_KIND = {"rule": types.CompletionItemKind.Function, "label": types.CompletionItemKind.Reference,
                   "variable": types.CompletionItemKind.Variable, "family": types.CompletionItemKind.Field,
                   "graph": types.CompletionItemKind.Class, "index": types.CompletionItemKind.EnumMember,
                   "class": types.CompletionItemKind.Struct, "keyword": types.CompletionItemKind.Keyword}
SYMBOL_KIND = {"variable": types.SymbolKind.Variable, "family": types.SymbolKind.Array,
               "graph": types.SymbolKind.Class, "index": types.SymbolKind.EnumMember,
               "class": types.SymbolKind.Struct, "assumption": types.SymbolKind.Constant,
               "hypothesis": types.SymbolKind.Interface, "step": types.SymbolKind.Function,
               "enumeration": types.SymbolKind.Event, "label": types.SymbolKind.Key}


class DocState:
    @property
    def occs(self):
        if self._occs is None and self.good is not None:
            try:
                self._occs = A.occurrences(self.good)
            except Exception:
                log.exception("symbols failed")
                self._occs = []
        return self._occs or []

    def __init__(self, uri: str, max_n=None):
        self.uri = uri
        self.checker = IncrementalChecker(_file_of(uri), max_n)
        self.analysis = None        # the newest check
        self.good = None            # the newest check that parsed (for hovers while a line is half typed)
        self._occs = None           # symbol occurrences of `good`, computed on the first request
        self.running = False
        self.closed = False


def _file_of(uri: str) -> str:
    u = urlparse(uri)
    return unquote(u.path) if u.scheme == "file" else uri


class Worker:
    """One daemon thread that runs every check in turn (z3 is not to be used from two threads at once;
    a daemon, so that a long check does not hold up the server's exit)."""

    def __init__(self):
        self.q: queue.Queue = queue.Queue()
        threading.Thread(target=self._loop, name="graphoid-check", daemon=True).start()

    def _loop(self):
        while True:
            loop, fut, fn, args = self.q.get()
            try:
                r = fn(*args)
            except BaseException as e:   # delivered to the awaiting coroutine
                loop.call_soon_threadsafe(_set, fut, None, e)
            else:
                loop.call_soon_threadsafe(_set, fut, r, None)

    def run(self, fn, *args) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        self.q.put((loop, fut, fn, args))
        return fut


def _set(fut, result, exc):
    if fut.cancelled():
        return
    if exc is not None:
        fut.set_exception(exc)
    else:
        fut.set_result(result)


class GraphoidServer(LanguageServer):
    def __init__(self, max_n=None):
        super().__init__("graphoid", "0.1.0")
        self.docs: dict[str, DocState] = {}
        self.max_n = max_n
        self.progress_every = 0.15
        self.worker = Worker()

    # -- positions: the checker counts code points; the client counts UTF-16 units (or what it chose)
    def to_client(self, text: str, r, lines=None) -> types.Range:
        lines = lines if lines is not None else text.split("\n")
        codec = self.workspace.position_codec
        return types.Range(codec.position_to_client_units(lines, ServerTextPosition(r[0], r[1])),
                           codec.position_to_client_units(lines, ServerTextPosition(r[2], r[3])))

    def from_client(self, text: str, pos: types.Position) -> tuple[int, int]:
        lines = text.split("\n")
        p = self.workspace.position_codec.position_from_client_units(
            lines, types.Position(line=pos.line, character=pos.character))
        return p.line, p.character


server = GraphoidServer()


def _state(ls: GraphoidServer, uri: str) -> DocState:
    st = ls.docs.get(uri)
    if st is None:
        st = ls.docs[uri] = DocState(uri, ls.max_n)
    return st


def _publish(ls: GraphoidServer, st: DocState, a, version, pending=None):
    """pending: for a partial check, the first item not yet checked (marked as being checked)."""
    diags, lines = [], a.text.split("\n")
    found = A.diagnostics(a)
    if pending is not None:
        found.append(A.Diag(pending, A.INFO, "checking from here on…", "checking"))
    for d in found:
        related = [types.DiagnosticRelatedInformation(
            location=types.Location(uri=st.uri, range=ls.to_client(a.text, r, lines)), message=m)
            for r, m in d.related] or None
        diags.append(types.Diagnostic(range=ls.to_client(a.text, d.range, lines), message=d.message,
                                      severity=SEVERITY[d.severity], source="graphoid", code=d.code or None,
                                      related_information=related))
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=st.uri, diagnostics=diags,
                                                                        version=version))


def _publish_partial(ls: GraphoidServer, st: DocState, part, version):
    if st.closed:
        return
    r = A.tree_range(part.next_tree)
    _publish(ls, st, part, version, (r[0], r[1], r[0], r[1] + 1) if r else None)


def _check_now(st: DocState, text: str, progress=None, every=0.15):
    try:
        return st.checker.check(text, progress, every), None
    except Exception as e:   # a bug must not take the server down; start afresh next time
        log.exception("check failed")
        st.checker = IncrementalChecker(st.checker.file, st.checker.max_n)
        return None, e


async def _run_checks(ls: GraphoidServer, uri: str):
    st = _state(ls, uri)
    loop = asyncio.get_running_loop()
    try:
        while not st.closed:
            doc = ls.workspace.get_text_document(uri)
            text, version = doc.source, doc.version
            def progress(part, version=version):
                # called on the worker thread: publish what is known so far, on the protocol loop
                loop.call_soon_threadsafe(_publish_partial, ls, st, part, version)

            a, err = await ls.worker.run(_check_now, st, text, progress, ls.progress_every)
            if st.closed:
                break
            if a is not None:
                st.analysis = a
                if a.mode != "parse-error":
                    st.good, st._occs = a, None
                _publish(ls, st, a, version)
            else:
                ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                    uri=uri, version=version, diagnostics=[types.Diagnostic(
                        range=types.Range(types.Position(0, 0), types.Position(0, 1)), severity=types.DiagnosticSeverity.Error,
                        source="graphoid", message="graphoid internal error: %s: %s (please report it)" % (type(err).__name__, err))]))
            now = ls.workspace.get_text_document(uri)
            if now.version == version and now.source == text:
                break
    finally:
        st.running = False


def _schedule(ls: GraphoidServer, uri: str):
    st = _state(ls, uri)
    st.closed = False
    if st.running:
        return            # the running loop picks up the newest text when it finishes
    st.running = True
    asyncio.ensure_future(_run_checks(ls, uri))


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: GraphoidServer, params: types.DidOpenTextDocumentParams):
    _schedule(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: GraphoidServer, params: types.DidChangeTextDocumentParams):
    _schedule(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: GraphoidServer, params: types.DidSaveTextDocumentParams):
    _schedule(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: GraphoidServer, params: types.DidCloseTextDocumentParams):
    st = ls.docs.pop(params.text_document.uri, None)
    if st is not None:
        st.closed = True
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


def _doc(ls, uri):
    st = ls.docs.get(uri)
    if st is None or st.good is None:
        return None, None
    return st, st.good


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: GraphoidServer, params: types.HoverParams):
    st, a = _doc(ls, params.text_document.uri)
    if a is None:
        return None
    line, col = ls.from_client(a.text, params.position)
    got = A.hover(a, st.occs, line, col)
    if got is None:
        return None
    md, r = got
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=md),
                       range=ls.to_client(a.text, r) if r else None)


def _locations(ls, uri, a, occs):
    return [types.Location(uri=uri, range=ls.to_client(a.text, o.range)) for o in occs]


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def definition(ls: GraphoidServer, params: types.DefinitionParams):
    st, a = _doc(ls, params.text_document.uri)
    if a is None:
        return None
    o = A.occurrence_at(st.occs, *ls.from_client(a.text, params.position))
    if o is None or o.kind == "rule":
        return None
    return _locations(ls, params.text_document.uri, a, A.definitions(st.occs, o)) or None


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
def references(ls: GraphoidServer, params: types.ReferenceParams):
    st, a = _doc(ls, params.text_document.uri)
    if a is None:
        return None
    o = A.occurrence_at(st.occs, *ls.from_client(a.text, params.position))
    if o is None:
        return None
    inc = params.context.include_declaration if params.context else True
    return _locations(ls, params.text_document.uri, a, A.references(st.occs, o, inc))


@server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=["(", ",", " "]))
def completion(ls: GraphoidServer, params: types.CompletionParams):
    uri = params.text_document.uri
    st = ls.docs.get(uri)
    if st is None:
        return None
    text = ls.workspace.get_text_document(uri).source     # the text as typed, maybe not yet checked
    line, col = ls.from_client(text, params.position)
    items = A.completions(st.good, text, line, col)
    return types.CompletionList(is_incomplete=False, items=[
        types.CompletionItem(label=c.label, kind=COMPLETION_KIND.get(c.kind), detail=c.detail or c.kind)
        for c in items])


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.RefactorRewrite]))
def code_action(ls: GraphoidServer, params: types.CodeActionParams):
    st, a = _doc(ls, params.text_document.uri)
    if a is None or ls.workspace.get_text_document(params.text_document.uri).source != a.text:
        return None       # only on text that was checked as it stands: the edit is computed on it
    s = ls.from_client(a.text, params.range.start)
    e = ls.from_client(a.text, params.range.end)
    out = []
    for i, t in enumerate(a.trees):
        r = A.tree_range(t)
        if r is None or (r[2], r[3]) < s or (r[0], r[1]) > e:
            continue
        new = A.expand_auto(a, i)
        if new is None:
            continue
        edit = types.TextEdit(range=ls.to_client(a.text, r), new_text=new)
        out.append(types.CodeAction(
            title="Replace `by auto` in (%s) with the derivation found" % a.items[i].label,
            kind=types.CodeActionKind.RefactorRewrite,
            edit=types.WorkspaceEdit(changes={params.text_document.uri: [edit]})))
    return out


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbol(ls: GraphoidServer, params: types.DocumentSymbolParams):
    st, a = _doc(ls, params.text_document.uri)
    if a is None:
        return []
    return [types.DocumentSymbol(name=s.name, kind=SYMBOL_KIND.get(s.kind, types.SymbolKind.Object),
                                 detail=s.detail, range=ls.to_client(a.text, s.range),
                                 selection_range=ls.to_client(a.text, s.selection))
            for s in A.outline(a, st.occs)]


def lsp_main(args) -> int:
    """Serve on stdin/stdout. Python output that is not protocol goes to stderr."""
    server.max_n = getattr(args, "max_n", None)
    server.progress_every = max(0.0, getattr(args, "progress_ms", 150.0) / 1000.0)
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    if not os.environ.get("GRAPHOID_DEBUG"):
        # pygls answers a malformed message with an error to the client; its traceback is for debugging
        logging.getLogger("pygls").setLevel(logging.CRITICAL)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr   # a stray print must not corrupt the JSON-RPC stream
    server.start_io(stdin, stdout)
    return 0
