"""Incremental checking for the language server: re-check a script from its first edited item on.

This is the ONE place that knows the Checker's internals (graphoid/script.py). After each item the
checker's state is snapshotted (shallow copies of its dicts, lists and sets: Facts, statements and
StepResults are immutable once recorded); an edit restores the snapshot taken after the last
unchanged item and runs the remaining items. Anything unexpected (a Checker field or a Kernel
attribute this module does not know, an exception while restoring) falls back to a full check,
which gives the same report `graphoid check` gives.

Parsing is incremental too: the text is cut at lines that start a top-level item (`have`, `assume`,
`variables`, …), each chunk is parsed on its own (padded with newlines so that lark's line numbers
are the file's) and cached by (first line, text). A top-level keyword can only start an item, so the
concatenated chunks parse exactly as the whole text does; if any chunk fails, the whole text is
parsed, so a parse error is always the one `graphoid check` reports.
"""
from __future__ import annotations

import copy
import dataclasses
import logging
import os
import re
import time
from dataclasses import dataclass, field

from ..report import ProofReport
from ..script import Checker
from ..syntax.ast import Item, Script, items_from_tree
from ..syntax.parser import MAX_SOURCE_CHARS, GphError, parse_script
from ..syntax.resolve import Env

# The Checker fields and attributes this module knows how to snapshot. A refactor that adds state
# makes the set differ, and checking silently becomes full (correct, slower) until this is updated.
_CHECKER_STATE = {"file", "text", "env", "facts", "failed", "report", "expansions", "classes",
                  "enumerated", "max_n", "kernel", "lines", "_labels", "_defined_later"}
_KERNEL_STATE = {"ctx", "sets", "_set_cache"}   # _set_cache: the probability rules' solver cache (rebuilt on restore)
_SETS_STATE = {"decl", "timeout_ms"}

_ITEM_START = re.compile(r"^[ \t]*(?:variables|variable|vars|latent|graph|index|family|partition|subset"
                         r"|arbitrary|class|assume|hypothesis|have|enumerate)(?![A-Za-z0-9_'])", re.M)


@dataclass
class Analysis:
    """One checked version of a document."""
    file: str
    text: str
    report: ProofReport
    items: tuple = ()               # the parsed items (empty on a parse error)
    trees: tuple = ()               # their lark subtrees, same order
    item_steps: list = field(default_factory=list)   # per item: (first, end) index into report.steps
    resumed_at: int = 0             # index of the first item that was (re)checked
    mode: str = "full"              # 'full' | 'incremental' | 'parse-error'
    parse_seconds: float = 0.0
    check_seconds: float = 0.0
    next_tree: object = None        # for a partial analysis: the tree of the first item not yet checked

    def steps_of(self, i: int):
        a, b = self.item_steps[i]
        return self.report.steps[a:b]


def rule_table():
    """(aliases, premise counts, extra rules) of the checker's rule registry, for completion and hover;
    a fixed list if the registry moves (issue 9)."""
    try:
        from ..kernel import registry
        from ..script import EXTRA_RULES
        aliases = {a: rid for a, rid in registry.ALIASES.items()}
        counts = {rid: (spec.premises[0] if len(spec.premises) == 1 else max(spec.premises))
                  for rid, spec in registry.RULES.items() if spec.aliases and spec.kind != "search"}
        return aliases, counts, dict(EXTRA_RULES)
    except ImportError:  # pragma: no cover
        names = ("symmetry decomposition weak_union contraction intersection composition lemma1 d_separation "
                 "markov faithfulness instantiate generalize auto nonadjacent factorisation").split()
        return {n: n for n in names}, {}, {}


def _lark():
    """The checker's lark parser (kept trees give the symbols their positions), or None."""
    try:
        from ..syntax.parser import _parser
        return _parser()
    except Exception:  # pragma: no cover - parser.py reorganised: items without trees
        return None


def _parse_chunk(text: str, first_line: int, file: str):
    padded = "\n" * (first_line - 1) + text
    tree = _lark().parse(padded, start="start")
    items = tuple(items_from_tree(tree, file, padded))
    if len(items) != len(tree.children):
        raise ValueError("items and trees out of step")
    return items, tuple(tree.children)


class IncrementalChecker:
    """Checks successive versions of one document, reusing what an edit did not touch."""

    def __init__(self, file: str = "<input>", max_n: int | None = None, verify: bool | None = None):
        self.file, self.max_n = file, max_n
        # GRAPHOID_LSP_VERIFY=1: after every resumed check, also check in full and compare (debugging)
        self.verify = bool(os.environ.get("GRAPHOID_LSP_VERIFY")) if verify is None else verify
        self._chunks: dict = {}       # (first line, chunk text) -> (items, trees)
        self._items: tuple = ()
        self._snapshots: list = []    # state after item i
        self._steps_at: list = []     # (first, end) per item
        self._seconds: list = []      # how long each item took to check, last time
        self.supported = self._probe()
        self.last: Analysis | None = None

    # -- parsing -------------------------------------------------------------------------------
    def parse(self, text: str):
        """(items, trees) of the text, or raises the GphError `graphoid check` would report."""
        if len(text) > MAX_SOURCE_CHARS:
            parse_script(text, self.file)   # raises the size error
        starts = [m.start() for m in _ITEM_START.finditer(text)]
        if not starts or starts[0] != 0:
            starts.insert(0, 0)
        bounds = list(zip(starts, starts[1:] + [len(text)]))
        cache, items, trees = {}, [], []
        try:
            line = 1
            for a, b in bounds:
                chunk = text[a:b]
                key = (line, chunk)
                got = self._chunks.get(key)
                if got is None:
                    got = _parse_chunk(chunk, line, self.file)
                cache[key] = got
                items.extend(got[0])
                trees.extend(got[1])
                line += chunk.count("\n")
        except Exception:
            self._chunks.update(cache)
            script = parse_script(text, self.file)   # the exact error of `graphoid check`
            lark = _lark()
            trees = tuple(lark.parse(text, start="start").children) if lark is not None else ()
            if len(trees) != len(script.items):
                trees = (None,) * len(script.items)
            return script.items, trees
        self._chunks = cache
        return tuple(items), tuple(trees)

    # -- checking ------------------------------------------------------------------------------
    def check(self, text: str, progress=None, progress_every: float = 0.15) -> Analysis:
        """Check a version of the document. `progress(partial)` is called (from this thread) with an
        Analysis of the items checked so far, when a check has run `progress_every` seconds since the
        last call: a slow step (enumeration, z3) then does not hold back the errors before it."""
        t0 = time.perf_counter()
        try:
            items, trees = self.parse(text)
        except GphError as e:
            rep = ProofReport(self.file)
            rep.parse_error = e
            rep.source = text
            # the snapshots of the last version that parsed stay: typing goes through unparsable
            # states, and the next one that parses resumes from them
            a = Analysis(self.file, text, rep, mode="parse-error", parse_seconds=time.perf_counter() - t0)
            self.last = a
            return a
        t1 = time.perf_counter()
        k = 0
        if self.supported:
            old = self._items
            while (k < len(items) and k < len(old) and k < len(self._snapshots)
                   and _same(items[k], old[k])):
                k += 1
        try:
            checker = self._restore(k, text) if (self.supported and k > 0) else None
        except Exception:
            checker = None
        if checker is None:
            k = 0
            checker = Checker(self.file, text)
            checker.max_n = self.max_n
        snaps, steps_at = self._snapshots[:k], self._steps_at[:k]
        checker.prepare(items)
        shown = time.perf_counter()
        before, seconds = self._seconds, self._seconds[:k]
        for n, item in enumerate(items[k:], k):
            a, ti = len(checker.report.steps), time.perf_counter()
            checker.run(Script(self.file, text, (item,)))
            steps_at.append((a, len(checker.report.steps)))
            seconds.append(time.perf_counter() - ti)
            # progress: when the check has run a while, or right after the edited item when what
            # follows took long last time (no flicker of a second publication on fast checks)
            if progress is not None and n + 1 < len(items) and (
                    time.perf_counter() - shown > progress_every
                    or (n == k and sum(before[n + 1:]) > progress_every)):
                part = ProofReport(self.file, steps=list(checker.report.steps), declarations=checker.report.declarations)
                progress(Analysis(self.file, text, part, items[:n + 1], trees[:n + 1], list(steps_at), k, "partial",
                                  t1 - t0, time.perf_counter() - t1, trees[n + 1]))
                shown = time.perf_counter()
            if self.supported:
                s = _snapshot(checker)
                if s is None:
                    self.supported = False
                else:
                    snaps.append(s)
        rep = checker.report
        rep.env, rep.classes, rep.source = checker.env, checker.classes, text
        rep.context = checker.kernel.ctx
        if self.verify and k > 0 and _key(rep) != _key(_full(self.file, text, self.max_n)):
            logging.getLogger("graphoid.lsp").warning("incremental check differs from a full check; "
                                                      "checking in full from now on")
            self.supported = False
            self._items, self._snapshots, self._steps_at = (), [], []
            return self.check(text, progress, progress_every)
        self._items, self._snapshots, self._steps_at, self._seconds = items, snaps, steps_at, seconds
        a = Analysis(self.file, text, rep, items, trees, list(steps_at), k, "incremental" if k else "full",
                     t1 - t0, time.perf_counter() - t1)
        self.last = a
        return a

    def _restore(self, k: int, text: str) -> Checker | None:
        """A checker in the state after item k-1: the kernel's context is forked from the snapshot
        (it shares the declaration records, so the facts of that prefix stay valid in it)."""
        from ..kernel import Kernel
        s = self._snapshots[k - 1]
        c = Checker(self.file, text, max_n=self.max_n)
        ctx = s["ctx"].fork()
        c.kernel = Kernel(ctx)
        c.env = Env(scalars=ctx.scalars, decl=ctx.decl, graphs=ctx.graphs)
        c.classes = ctx.classes
        c.facts, c.failed = dict(s["facts"]), set(s["failed"])
        c.expansions, c.enumerated = dict(s["expansions"]), set(s["enumerated"])
        c._labels = dict(s["labels"])
        if not _shape_ok(c):
            return None
        c.report.steps = list(s["steps"])
        c.report.declarations = s["declarations"]
        return c

    def _probe(self) -> bool:
        try:
            return _shape_ok(Checker(self.file, ""))
        except Exception:
            return False


def _full(file, text, max_n):
    from ..script import check_text
    return check_text(text, file, max_n=max_n)


def _key(rep):
    """What a report says, for comparing an incremental check with a full one."""
    return (repr(rep.parse_error), rep.declarations,
            [(s.label, s.line, s.col, s.status, s.message, s.statement, s.rule, s.premises, s.semantics,
              s.evidence, s.expansion, tuple((o.meaning, o.result, o.method) for o in s.obligations))
             for s in rep.steps])


def _same(a: Item, b: Item) -> bool:
    return a.kind == b.kind and a.line == b.line and a.col == b.col and a.text == b.text


def _shape_ok(c: Checker) -> bool:
    k = getattr(c, "kernel", None)
    sets = getattr(k, "sets", None)
    ctx = getattr(k, "ctx", None)
    return (vars(c).keys() == _CHECKER_STATE and k is not None and {"ctx", "sets"} <= vars(k).keys() <= _KERNEL_STATE
            and vars(sets).keys() <= _SETS_STATE and getattr(sets, "decl", None) is c.env.decl
            and ctx is not None and ctx.decl is c.env.decl and ctx.scalars is c.env.scalars
            and type(c.env) in _DATACLASSES and type(c.env.decl) in _DATACLASSES)


_DATACLASSES = {Env}
try:
    from ..sets import IndexDecl
    _DATACLASSES.add(IndexDecl)
except ImportError:  # pragma: no cover
    pass
_DATACLASSES = frozenset(t for t in _DATACLASSES if dataclasses.is_dataclass(t))


_FIELDS: dict = {}


def _names(obj) -> tuple:
    t = type(obj)
    got = _FIELDS.get(t)
    if got is None:
        got = _FIELDS[t] = tuple(f.name for f in dataclasses.fields(obj))
    return got


_IMMUTABLE = (bool, int, float, str, bytes, tuple, frozenset, type(None))


def _copy(v):
    t = type(v)
    if t is dict or t is list or t is set:
        return v.copy()
    return v if t in _IMMUTABLE else copy.copy(v)


def _snapshot(c: Checker):
    if not _shape_ok(c):
        return None
    return {
        "ctx": c.kernel.ctx.fork(),
        "facts": c.facts.copy(), "failed": c.failed.copy(), "expansions": c.expansions.copy(),
        "enumerated": c.enumerated.copy(), "labels": c._labels.copy(),
        "steps": c.report.steps.copy(), "declarations": c.report.declarations,
    }
