"""Questions about one concrete DAG: is each statement of a query a d-separation or a
d-connection in it? Every answer is a Fact of the kernel (d_separation or d_connection), so the
truth value of every premise and of the goal is checked, never assumed.

The answer is 'proved' only when the goal holds in the graph; a premise that fails in the graph is
reported as failing, and never makes an implication 'vacuously' true."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..kernel import Kernel, RuleError
from ..statements import CI, NotCI, statement_text


@dataclass
class Verdict:
    statement: object          # the d-separation / d-connection asked about, in the graph
    holds: bool
    fact: object               # the kernel Fact for the statement or for its negation
    evidence: str              # "d-separated (kernel)" or the active path

    def text(self) -> str:
        return "%s %s: %s" % (statement_text(self.statement), "holds" if self.holds else "does not hold", self.evidence)


@dataclass
class GraphAnswer:
    graph: object
    premises: list = field(default_factory=list)   # list[Verdict]
    goal: Verdict | None = None

    @property
    def status(self) -> str:
        if self.goal.holds:
            return "proved"
        if any(not p.holds for p in self.premises):
            return "premise fails"
        return "refuted"

    def failing_premises(self):
        return [p for p in self.premises if not p.holds]

    def lines(self) -> list[str]:
        g = self.graph
        edges = ", ".join("%s -> %s" % e for e in g.edges) or "no edges"
        out = []
        st = self.status
        if st == "proved":
            out.append("proved: the goal %s holds (read off the graph by the kernel)" % statement_text(self.goal.statement))
        elif st == "premise fails":
            out.append("not proved: %s, so %s is no model of the premises; "
                       "the goal does not hold in it either" %
                       (" and ".join("the premise %s does not hold" % statement_text(p.statement) for p in self.failing_premises()), g.name))
        else:
            out.append("refuted: every premise holds in %s and the goal does not; %s is a counter-model" % (g.name, g.name))
        out.append("graph %s: %s" % (g.name, edges))
        for k, p in enumerate(self.premises, 1):
            out.append("  premise (p%d) %s" % (k, p.text()))
        out.append("  goal %s" % self.goal.text())
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _repr_markdown_(self) -> str:
        return "```\n%s\n```" % str(self)

    def to_json(self) -> dict:
        def v(x: Verdict):
            return {"statement": statement_text(x.statement), "holds": x.holds, "evidence": x.evidence}
        return {"status": self.status, "graph": {"name": self.graph.name, "nodes": list(self.graph.nodes),
                                                 "edges": [list(e) for e in self.graph.edges],
                                                 "latent": sorted(self.graph.latent)},
                "premises": [v(p) for p in self.premises], "goal": v(self.goal)}

    def script(self) -> str:
        """The answer as a .gph script: each statement that holds is a kernel step."""
        g = self.graph
        lat = [v for v in g.nodes if v in g.latent]
        obs = [v for v in g.nodes if v not in g.latent]
        lines = []
        if obs:
            lines.append("variables " + ", ".join(obs))
        if lat:
            lines.append("latent " + ", ".join(lat))
        lines.append("graph %s: %s" % (g.name, ", ".join("%s -> %s" % e for e in g.edges) if g.edges else ""))
        verdicts = [("p%d" % k, p) for k, p in enumerate(self.premises, 1)] + [("goal", self.goal)]
        for lab, x in verdicts:
            st = x.statement if x.holds else _negate(x.statement)
            rule = "d_separation" if isinstance(st, CI) else "d_connection"
            lines.append("have (%s): %s by %s(%s)" % (lab, statement_text(st), rule, g.name))
        return "\n".join(lines) + "\n"


def _negate(s):
    return s.ci if isinstance(s, NotCI) else NotCI(s)


def in_graph(c, g):
    """The statement as a d-separation (or d-connection) in g."""
    if isinstance(c, NotCI):
        return NotCI(in_graph(c.ci, g))
    return CI(c.x, c.y, c.z, True, g.name)


def verdict(kernel: Kernel, g, c) -> Verdict:
    """Decide c in g by the kernel: a Fact for c, or a Fact for its negation."""
    c = in_graph(c, g)
    pos = c.ci if isinstance(c, NotCI) else c
    try:
        f = kernel.d_separation(g, pos)
        sep = True, f, "d-separated (kernel: d-separation)"
    except RuleError as e:
        try:
            f = kernel.d_connection(g, NotCI(pos))
        except RuleError:
            raise RuleError(str(e)) from None   # neither could be checked: the statement is malformed
        ob = [o for o in f.obligations if "active path" in o.meaning]
        sep = False, f, "active path %s (kernel: d-connection)" % ob[-1].meaning.split(" is an active path")[0]
    holds = sep[0] if isinstance(c, CI) else not sep[0]
    return Verdict(c, holds, sep[1], sep[2])


class GraphInputError(Exception):
    pass


def check_graph(g) -> None:
    cyc = g.find_cycle()
    if cyc:
        raise GraphInputError("the graph %s is not acyclic: it has the cycle %s" % (g.name, " -> ".join(cyc)))


def decide_in_graph(premises, goal, g, kernel: Kernel | None = None) -> GraphAnswer:
    check_graph(g)
    k = kernel or Kernel.for_graphs(g)
    missing = set()
    for c in list(premises) + [goal]:
        b = c.ci if isinstance(c, NotCI) else c
        missing |= (b.x.scalars | b.y.scalars | b.z.scalars) - set(g.nodes)
    if missing:
        raise GraphInputError("not vertices of the graph: " + ", ".join(sorted(missing)))
    return GraphAnswer(g, [verdict(k, g, p) for p in premises], verdict(k, g, goal))
