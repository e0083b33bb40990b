"""Rule messages name the rule's sets by the letters of the axioms (X, Y, Z, W). When a script
declares variables with those names, "Z ∪ W = {Z}" would read as the user's Z and W; then the
letters are replaced by what they stand for ("the premise's conditioning set plus what was
dropped from its right side")."""
from __future__ import annotations

import re

LETTERS = {"X", "Y", "Z", "W"}

_BY_RULE = {
    "weak union": [("Z ∪ W = ", "the premise's conditioning set plus what was dropped from its right side, ")],
    "decomposition": [("condition on Z = ", "condition on ")],
    "contraction": [("(X ⊥ Y | Z) with Z = ", "a statement whose conditioning set is "),
                    ("Z ∪ Y = ", "the conclusion's conditioning set plus the first premise's right side, "),
                    ("Y ∪ W = ", "the union of the premises' right sides, ")],
    "intersection": [("the first premise must condition on Z ∪ Y = ",
                      "the first premise must condition on the conclusion's conditioning set plus the second premise's right side, "),
                     ("the second premise must condition on Z ∪ W = ",
                      "the second premise must condition on the conclusion's conditioning set plus the first premise's right side, "),
                     ("Y ∪ W = ", "the union of the premises' right sides, ")],
    "composition": [("condition on Z = ", "condition on the conclusion's conditioning set "),
                    ("Y ∪ W = ", "the union of the premises' right sides, ")],
}
_COMMON = [(re.compile(r"'s X = "), "'s left side "),
           (re.compile(r"\bX = (\{[^}]*\}|∅) and Y = "), r"the left side \1 and the right side "),
           (re.compile(r"\bX = (\{[^}]*\}|∅) and Z = "), r"the left side \1 and the conditioning set "),
           (re.compile(r"\bY = (\{[^}]*\}|∅) and Z = "), r"the right side \1 and the conditioning set ")]


def clashes(decl) -> bool:
    names = set(getattr(decl, "scalar_names", ()) or ())
    names |= set(getattr(decl, "base_families", {}) or {})
    return bool(names & LETTERS)


def placeholders(decl, rule: str, message: str) -> str:
    """The message with the axioms' letters spelled out when the script uses those names."""
    if not clashes(decl):
        return message
    for old, new in _BY_RULE.get(rule, ()):
        message = message.replace(old, new)
    for pat, new in _COMMON:
        message = pat.sub(new, message)
    return message
