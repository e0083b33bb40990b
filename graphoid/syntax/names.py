"""How a juxtaposition of letters is read as names: one rule for scripts and queries.

1. Declared names win: a token that is a declared name is that name (`AB` when AB is declared).
2. Otherwise the token must split in exactly one way into declared names (`CD` = {C, D});
   two readings are an error that shows both; no reading is "unknown name".
3. A query (`graphoid prove`, `graphoid.parse_statement`) declares nothing, so its names are
   declared implicitly: every name written on its own in a comma list or in braces
   (`Smoke, Gene`, `{A1, A2}`), and every word of a juxtaposition, where a word is an upper-case
   (or Greek capital) letter followed by lower-case letters, digits and primes (`Smoke`, `A1`,
   `X'`), or a lower-case letter followed by digits and primes (`x`, `x1`). So `BC` is {B, C},
   `A1B1` is {A1, B1}, `Smoke` is one name, and in `(A, B, AB ⊥ C) ⊢ (ABC ⊥ D)` the goal's `ABC` is
   ambiguous ({AB, C} or {A, B, C}) and is reported as such."""
from __future__ import annotations

import re

from lark import Tree

from .ast import token_name

_WORD = re.compile(r"[A-Z\u0391-\u03a9\U0001D4A2][a-z0-9'\u03b1-\u03c9]*|[a-z\u03b1-\u03c9][0-9']*|.")


def words(text: str) -> list[str]:
    """`SmokeGene` → [Smoke, Gene]; `BC` → [B, C]; `A1B1` → [A1, B1]."""
    return _WORD.findall(text)


def _terms(juxt):
    if not isinstance(juxt, Tree):
        return
    for a in juxt.children:
        if isinstance(a, Tree) and a.data == "term":
            yield token_name(a.children[0].children[0])


def implicit_names(tree) -> set[str]:
    """The names a query declares implicitly (rule 3): names written on their own in a comma list
    or in braces, and the words of every juxtaposition."""
    out: set[str] = set()
    if not isinstance(tree, Tree):
        return out
    for t in tree.iter_subtrees():
        if t.data == "setlist":
            parts = [c for c in t.children if c is not None]
            if len(parts) > 1:
                for p in parts:
                    out.update(_terms(p))
        elif t.data == "braces" and t.children and t.children[0] is not None:
            for p in t.children[0].children:
                out.update(_terms(p))
        elif t.data == "term":
            out.update(words(token_name(t.children[0].children[0])))
    return out
