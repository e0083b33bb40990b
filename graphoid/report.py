"""The ProofReport: what a check found, step by step, and its summary. Printers only read it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class StepResult:
    label: str
    line: int
    col: int
    status: str                 # 'verified' | 'assumption' | 'hypothesis' | 'failed'
    statement: str = ""
    rule: str = ""
    premises: tuple[str, ...] = ()
    semantics: str = ""
    obligations: tuple = ()
    message: str = ""
    error: Any = None
    fact: Any = None
    seconds: float = 0.0
    kind: str = ""
    source: str = ""
    expansion: str = ""         # for `by auto`: the derivation the kernel re-checked
    evidence: str = ""          # for hypotheses: e.g. "checked for n ≤ 3 by enumeration (N graphs)"
    rule_id: str = ""           # the rule's stable id (kernel/registry.py)


@dataclass
class ProofReport:
    file: str
    steps: list[StepResult] = field(default_factory=list)
    declarations: int = 0
    parse_error: Any = None
    env: Any = None
    classes: Any = None
    source: str | None = None
    context: Any = None         # the kernel's Context (declarations, with what they assume)

    def count(self, status: str) -> int:
        return sum(1 for s in self.steps if s.status == status)

    @property
    def ok(self) -> bool:
        return self.parse_error is None and self.count("failed") == 0

    def errors(self):
        if self.parse_error is not None:
            return [self.parse_error]
        return [s.error for s in self.steps if s.status == "failed"]

    def obligations(self):
        return [ob for s in self.steps for ob in s.obligations]

    def declared_assumptions(self) -> list:
        """Declarations that assert something (partitions, subsets, non-empty domains)."""
        ctx = self.context
        return list(ctx.assumed()) if ctx is not None else []

    def holds_in(self) -> list[tuple[str, list[str]]]:
        """What the verified results hold in: (description, labels), the unrestricted classes first."""
        groups: dict[str, list[str]] = {}
        order: dict[str, int] = {}
        for s in self.steps:
            if s.status != "verified" or not s.semantics:
                continue
            groups.setdefault(s.semantics, []).append(s.label)
            f = s.fact
            order[s.semantics] = 1 if (f is not None and f.semantics is not None and f.semantics.restricted) else 0
        return sorted(groups.items(), key=lambda kv: (order.get(kv[0], 0), kv[0]))

    def summary(self) -> dict:
        obs = self.obligations()
        z3obs = [o for o in obs if o.method == "z3"]
        return {
            "file": self.file,
            "ok": self.ok,
            "parsed": self.parse_error is None,
            "steps": len(self.steps),
            "verified": self.count("verified"),
            "assumptions": self.count("assumption"),
            "hypotheses": self.count("hypothesis"),
            "enumerated": self.count("enumerated"),
            "declared_assumptions": len(self.declared_assumptions()),
            "failed": self.count("failed") + (1 if self.parse_error is not None else 0),
            "obligations": len(obs),
            "z3_obligations": len(z3obs),
            "z3_seconds": round(sum(o.seconds for o in z3obs), 4),
            "unknown_obligations": sum(1 for o in obs if o.result == "unknown"),
        }

    def to_json(self) -> dict:
        steps = []
        for s in self.steps:
            steps.append({
                "label": s.label, "line": s.line, "col": s.col, "status": s.status,
                "statement": s.statement, "rule": s.rule, "premises": list(s.premises),
                "semantics": s.semantics, "message": s.message, "rule_id": s.rule_id,
                "obligations": [{"meaning": o.meaning, "result": o.result, "method": o.method,
                                 "seconds": round(o.seconds, 6), "detail": o.detail} for o in s.obligations],
            })
        out = {"summary": self.summary(), "steps": steps,
               "assumptions": [{"label": s.label, "statement": s.statement} for s in self.steps if s.status == "assumption"],
               "hypotheses": [{"label": s.label, "statement": s.statement, "evidence": s.evidence}
                              for s in self.steps if s.status == "hypothesis"],
               "declared_assumptions": [{"line": d.line, "kind": d.kind, "asserts": d.asserts, "text": d.text}
                                        for d in self.declared_assumptions()],
               "holds_in": [{"semantics": sem, "labels": labs} for sem, labs in self.holds_in()],
               "errors": [{"file": e.file, "line": e.line, "col": e.col, "message": e.message}
                          for e in self.errors()]}
        return out

    def _repr_latex_(self):
        from .export.latex import report_latex_fragment
        return report_latex_fragment(self)
