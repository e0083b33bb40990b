"""The Fact type: an immutable checked statement. Only graphoid.kernel can construct one."""
from __future__ import annotations

from typing import Any

from ..sets import Obligation
from ..statements import Semantics

_MINT = object()   # capability: whoever holds it may create Facts; it never leaves kernel/


class Fact:
    """A statement the kernel has checked, with the rule that produced it, the facts it rests on,
    the semantics it holds in, and every side condition (obligation) the check relied on.

    `rule` is the rule's stable id (kernel/registry.py); `context` is (Context, size): the kernel's
    append-only declarations as they stood when the fact was checked.

    kind: 'derived' (checked by a rule), 'assumption' (taken as given), 'hypothesis' (a graph fact
    stated, not checked, for later confirmation by enumeration) or 'case' (supposed inside a proof by
    cases and discharged by it)."""

    __slots__ = ("statement", "rule", "premises", "semantics", "obligations", "kind", "note",
                 "open_cases", "context", "args", "_sealed")

    def __new__(cls, token: Any = None, *args, **kwargs):
        if token is not _MINT:
            raise PermissionError("Facts are minted only by the graphoid kernel")
        return super().__new__(cls)

    def __init__(self, token: Any, statement, rule: str, premises: tuple["Fact", ...],
                 semantics: Semantics | None, obligations: tuple[Obligation, ...] = (),
                 kind: str = "derived", note: str = "", discharged: frozenset = frozenset(),
                 context=None, args=()):
        if token is not _MINT:
            raise PermissionError("Facts are minted only by the graphoid kernel")
        # A fact resting on a supposed case (proof by cases) is conditional until the case split
        # that introduced the case discharges it; a fact with open cases is never a result.
        open_cases = frozenset().union(*(p.open_cases for p in premises)) - discharged
        if kind == "case":
            open_cases |= {id(self)}
        object.__setattr__(self, "open_cases", open_cases)
        for name, value in (("statement", statement), ("rule", rule), ("premises", tuple(premises)),
                            ("semantics", semantics), ("obligations", tuple(obligations)),
                            ("kind", kind), ("note", note), ("context", context),
                            ("args", tuple(args))):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_sealed", True)

    def __setattr__(self, name, value):
        raise AttributeError("Fact is immutable")

    def __delattr__(self, name):
        raise AttributeError("Fact is immutable")

    def __reduce__(self):
        raise TypeError("Facts cannot be pickled (they would be forged on load)")

    def assumptions(self) -> list["Fact"]:
        """Every assumption or hypothesis this fact rests on, each once, in first-use order."""
        seen: dict[int, Fact] = {}
        stack = [self]
        while stack:
            f = stack.pop()
            if id(f) in seen:
                continue
            seen[id(f)] = f
            stack.extend(reversed(f.premises))
        return [f for f in seen.values() if f.kind in ("assumption", "hypothesis")]

    def __repr__(self):
        from ..statements import statement_text
        return "Fact(%s by %s)" % (statement_text(self.statement), self.rule)

    def _repr_latex_(self):
        from ..export.latex import statement_latex
        return "$" + statement_latex(self.statement) + "$"
