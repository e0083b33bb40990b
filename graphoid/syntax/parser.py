"""Text → AST: runs the lark grammar shipped in graphoid.grammar and turns lark's errors into
positioned messages (file:line:col, the source line, a caret, and what was expected)."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .ast import Item, Script, items_from_tree

MAX_SOURCE_CHARS = 2_000_000   # refuse absurd inputs instead of trying to parse them


class GphError(Exception):
    """An error with a position in a source text."""

    def __init__(self, file: str, line: int, col: int, message: str, source_line: str = ""):
        super().__init__(file, line, col, message)
        self.file, self.line, self.col, self.message, self.source_line = file, line, col, message, source_line

    def __eq__(self, other):
        return isinstance(other, GphError) and (self.file, self.line, self.col, self.message) == \
            (other.file, other.line, other.col, other.message)

    __hash__ = Exception.__hash__

    def __str__(self) -> str:
        return "%s:%d:%d: error: %s" % (self.file, self.line, self.col, self.message)

    def render(self) -> str:
        out = str(self)
        if len(out) > 2 * WINDOW:   # a message quoting a huge statement is cut in the middle
            out = out[:WINDOW] + " … " + out[-WINDOW // 2:]
        if self.source_line:
            line, col = _window(self.source_line.rstrip("\n"), self.col)
            out += "\n    " + line + "\n    " + _caret(line, col)
        return out


WINDOW = 120   # characters of a long source line shown around the error's column


def _window(line: str, col: int) -> tuple[str, int]:
    """At most about WINDOW characters of `line` around column `col` (1-based), '…' marking the cuts;
    returns the shown text and the column of the error in it."""
    if len(line) <= WINDOW:
        return line, col
    half = WINDOW // 2
    start = max(0, min(col - 1 - half, len(line) - WINDOW))
    end = min(len(line), start + WINDOW)
    shown = ("…" if start > 0 else "") + line[start:end] + ("…" if end < len(line) else "")
    return shown, col - start + (1 if start > 0 else 0)


def _caret(line: str, col: int) -> str:
    prefix = "".join(c if c == "\t" else " " for c in line[: max(col - 1, 0)])
    return prefix + "^"


@lru_cache(maxsize=None)
def grammar_text() -> str:
    return resources.files("graphoid.grammar").joinpath("graphoid.lark").read_text(encoding="utf-8")


def _cache_path():
    """Where lark keeps the parse tables it built from the grammar: the user's cache directory
    ($XDG_CACHE_HOME, else ~/.cache)/graphoid, readable by the user only. Lark stores the grammar's
    and options' SHA-256 in the file and rebuilds (and rewrites it) when they differ, so an edited
    grammar is never served stale tables. False (build every time) when GRAPHOID_NO_CACHE is set or
    the directory cannot be made."""
    import os
    import sys
    if os.environ.get("GRAPHOID_NO_CACHE"):
        return False
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    d = os.path.join(base, "graphoid")
    try:
        os.makedirs(d, mode=0o700, exist_ok=True)
    except OSError:
        return False
    if not os.access(d, os.R_OK | os.W_OK):
        return False
    import lark
    path = os.path.join(d, "grammar-lark%s-py%d.%d.cache" % (lark.__version__, *sys.version_info[:2]))
    # lark's cache is a pickle: use it only if this user alone can have written it
    for p in (d, path):
        try:
            st = os.stat(p)
        except FileNotFoundError:
            continue
        except OSError:
            return False
        if (hasattr(os, "getuid") and st.st_uid != os.getuid()) or st.st_mode & 0o022:
            return False
    return path


@lru_cache(maxsize=None)
def _parser() -> Lark:
    return Lark(grammar_text(), parser="lalr", lexer="contextual", propagate_positions=True,
                start=["start", "statement", "query"], maybe_placeholders=True, cache=_cache_path())


_NICE = {
    "INDEP": "an independence sign ⊥⊥", "BAR": "'|'", "RPAR": "')'", "LPAR": "'('", "NAME": "a name",
    "COLON": "':'", "COMMA": "','", "BY": "'by'", "RULE": "a rule name", "DSUB": "'_d'",
    "LABEL": "a label", "NUMBER": "a number", "$END": "end of input", "ARROW": "an arrow ->",
    "LBRACE": "'{'", "RBRACE": "'}'", "SUB": "'_'", "TURNSTILE": "'⊢'", "IN": "'in'",
    "GREEK_MACRO": "a Greek letter", "EMPTYSET": "'∅'", "EQUAL": "'='", "SUBSETEQ": "'⊆'", "ELEM": "'∈'",
}


def _shown(t: str) -> str:
    """A terminal as a user reads it: 'an independence sign ⊥⊥', '..', never lark's __ANON_2."""
    if t in _NICE:
        return _NICE[t]
    if t.startswith("__"):
        try:
            term = next(x for x in _parser().terminals if x.name == t)
            if term.pattern.type == "str":
                return "'%s'" % term.pattern.value
        except StopIteration:
            pass
        return "a symbol"
    return t.lower().strip('"') if not t.isupper() else "'%s'" % t.lower()


def _expected(tokens) -> str:
    names = sorted({_shown(t) for t in tokens})
    if len(names) > 8:
        names = names[:8] + ["…"]
    return ", ".join(names)


def _error_from_lark(e: UnexpectedInput, text: str, file: str) -> GphError:
    line = getattr(e, "line", 1) or 1
    col = getattr(e, "column", 1) or 1
    lines = text.splitlines()
    src = lines[line - 1] if 0 < line <= len(lines) else ""
    if isinstance(e, UnexpectedCharacters):
        ch = text[e.pos_in_stream] if e.pos_in_stream < len(text) else "?"
        msg = "unexpected character %r" % ch
        if e.allowed:
            msg += "; expected " + _expected(e.allowed)
    elif isinstance(e, UnexpectedEOF):
        line = len(lines) or 1
        src = lines[-1] if lines else ""
        col = len(src) + 1
        msg = "unexpected end of input; expected " + _expected(e.expected)
    elif isinstance(e, UnexpectedToken):
        tok = e.token
        shown = "end of input" if tok.type == "$END" else repr(str(tok))
        if tok.type == "$END":
            line = len(lines) or 1
            src = lines[-1] if lines else ""
            col = len(src) + 1
        msg = "unexpected %s; expected %s" % (shown, _expected(e.expected))
        if "RULE" in e.expected and tok.type != "$END":   # by Symmetry(a): suggest the rule
            from ..script import did_you_mean
            msg += did_you_mean(str(tok))
    else:  # pragma: no cover - lark has no other subclasses today
        msg = str(e).splitlines()[0]
    return GphError(file, line, col, msg, src)


def _parse(text: str, start: str, file: str) -> Tree:
    text = strip_bom(text)
    if len(text) > MAX_SOURCE_CHARS:
        raise GphError(file, 1, 1, "input is %d characters; the limit is %d" % (len(text), MAX_SOURCE_CHARS))
    try:
        return _parser().parse(text, start=start)
    except UnexpectedInput as e:
        raise _error_from_lark(e, text, file) from None
    except RecursionError:
        raise GphError(file, 1, 1, "input is nested too deeply to parse") from None


def strip_bom(text: str) -> str:
    """A UTF-8 byte-order mark (editors on Windows write one) is not part of the script."""
    return text[1:] if text.startswith("\ufeff") else text


def parse_script(text: str, file: str = "<input>") -> Script:
    text = strip_bom(text)
    tree = _parse(text, "start", file)
    return Script(file, text, tuple(items_from_tree(tree, file, text)))


def parse_statement_tree(text: str, file: str = "<statement>") -> Tree:
    return _parse(text, "statement", file)


def parse_query_tree(text: str, file: str = "<query>") -> Tree:
    return _parse(text, "query", file)


__all__ = ["GphError", "Item", "Script", "parse_script", "parse_statement_tree", "parse_query_tree", "Token"]
