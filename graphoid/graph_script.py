"""Script steps for the graph rules (kernel/graph_rules.py). Each entry of GRAPH_RULES takes
(checker, item, claim, refs) and returns a Fact minted by the kernel; script.py merges them into its
rule table. `lemma1` is a derived rule here: it expands into summary graph, path cut and vertex cut."""
from __future__ import annotations

from .graph_statements import Cut, Linked, SummaryClaim
from .graphs.dag import DAG, ChainedGraph, is_chained
from .kernel import RuleError
from .sets import VarSet
from .statements import CI, Chained, Determines


def _facts(checker, refs):
    return [checker.lookup(a) for a in refs]


def _need(checker, item, refs, n, rule):
    if len(refs) != n:
        raise checker.err(item.rule_line, item.rule_col, "%s takes %d premise%s; %d given"
                          % (rule, n, "" if n == 1 else "s", len(refs)))


def _pair(checker, item, refs, rule, second):
    """The two premises of `rule`, with the one whose statement is a `second` last (either order)."""
    _need(checker, item, refs, 2, rule)
    a, b = _facts(checker, refs)
    return (b, a) if isinstance(a.statement, second) else (a, b)


def _summary(checker, item, claim, refs):
    if not isinstance(claim, SummaryClaim):
        raise RuleError("summary graph: the conclusion must be 'summary of G on …'")
    g = checker.env.graph(claim.graph)
    graph_refs = [a for a in refs if a.name not in checker.facts and a.name in checker.env.graphs]
    if graph_refs and (len(refs) != 1 or graph_refs[0].name != claim.graph):
        raise checker.err(graph_refs[0].line, graph_refs[0].col, "summary: cite the graph %s alone, or facts" % claim.graph)
    refs = [a for a in refs if a not in graph_refs]
    facts = _facts(checker, refs)
    if isinstance(g, ChainedGraph) and not refs:
        return checker.kernel.summary([], claim, chain=tuple(VarSet.of(b) for b in g.blocks))
    chained = [f for f in facts if isinstance(f.statement, Chained)]
    if chained and len(facts) == 1:
        return checker.kernel.summary([], claim, chain=chained[0])
    observed = frozenset(n for n, lat in checker.env.scalars.items() if not lat)
    return checker.kernel.summary(facts, claim, single_scalars=observed)


def _bayes_ball(checker, item, claim, refs):
    if not refs:
        raise checker.err(item.rule_line, item.rule_col, "bayes_ball takes the summary graph and any d-separations it may use")
    facts = _facts(checker, refs)
    return checker.kernel.type_bayes_ball(facts[0], facts[1:], claim)


def _cut(checker, item, claim, refs):
    _need(checker, item, refs, 1, "cut")
    return checker.kernel.path_cut(checker.lookup(refs[0]), claim)


def _parents(checker, item, claim, refs):
    _need(checker, item, refs, 1, "parents")
    return checker.kernel.summary_parents(checker.lookup(refs[0]), claim)


def _vertex_cut(checker, item, claim, refs):
    return checker.kernel.vertex_cut(*_pair(checker, item, refs, "vertex cut", Cut), claim)


def _ancestral(checker, item, claim, refs):
    if len(refs) < 2:
        raise checker.err(item.rule_line, item.rule_col, "conditioning on roots takes a d-separation and the facts 'no parents of …'")
    facts = _facts(checker, refs)
    return checker.kernel.condition_ancestral(facts[0], facts[1:], claim)


def _short_path(checker, item, claim, refs):
    return checker.kernel.short_path(*_pair(checker, item, refs, "short path", Linked), claim)


def _linked(checker, item, claim, refs):
    if not refs:
        raise checker.err(item.rule_line, item.rule_col, "link narrowing takes a fact 'each of … is linked to …' and 'no edge between' facts")
    facts = _facts(checker, refs)
    first = [f for f in facts if isinstance(f.statement, Linked)]
    if len(first) != 1:
        raise RuleError("link narrowing: cite exactly one fact 'each of … is linked to …'")
    return checker.kernel.link_narrowing(first[0], [f for f in facts if f is not first[0]], claim)


def _determination(checker, item, claim, refs):
    return checker.kernel.determination(*_pair(checker, item, refs, "functional determination", Determines), claim)


def _lemma1(checker, item, claim, refs):
    """Lemma 1 as a derived rule: in a chained graph A–B–C–D, (A ⊥ C | B)_d gives (A ⊥ CD | B)_d by
    the summary of the chain (its blocks), 'every path from A to D meets C', and the vertex cut.
    Steps on a concrete DAG or a chained-graph fact keep the kernel's primitive check."""
    if not refs or len(refs) > 2:
        raise checker.err(item.rule_line, item.rule_col, "lemma1 takes the d-separation (and optionally the chained-graph fact)")
    p = checker.lookup(refs[0])
    g = checker.env.graph(p.semantics.graph) if p.semantics is not None and p.semantics.graph else None
    if len(refs) == 1 and isinstance(g, ChainedGraph) and isinstance(claim, CI) and isinstance(p.statement, CI) and len(g.blocks) == 4:
        k = checker.kernel
        blocks = tuple(VarSet.of(b) for b in g.blocks)
        A, B, C, D = blocks
        s = k.summary([], SummaryClaim(g.name, blocks), chain=blocks)
        cut = k.path_cut(s, Cut(A, C, D, g.name))
        return k.vertex_cut(p, cut, claim)
    k = checker.kernel
    if len(refs) == 2:                  # a fact 'G is chained(A, B, C, D)' (e.g. a hypothesis)
        ch = checker.lookup(refs[1])
        if not isinstance(ch.statement, Chained) or len(ch.statement.blocks) != 4 or not isinstance(claim, CI):
            raise RuleError("Lemma 1: the second premise must say that the graph is chained with four blocks")
        A, B, C, D = ch.statement.blocks
        s = k.summary([], SummaryClaim(ch.statement.graph, tuple(ch.statement.blocks)), chain=ch)
        return k.vertex_cut(p, k.path_cut(s, Cut(A, C, D, ch.statement.graph)), claim)
    if isinstance(g, DAG) and isinstance(claim, CI) and isinstance(p.statement, CI):
        # a concrete DAG: the conclusion is decided by d-separation; the chain shape is checked so
        # that a step citing Lemma 1 is an instance of it
        a = p.statement
        blocks = (a.x, a.z, a.y, claim.y - a.y)
        why = is_chained(g, [b.scalars for b in blocks])
        if why:
            raise RuleError("Lemma 1: %s is not a chained graph with blocks A = %s, B = %s, C = %s, D = %s: %s"
                            % ((g.name,) + tuple(k._txt(b) for b in blocks) + (why,)))
        return k.d_separation(g, claim)
    raise RuleError("Lemma 1: %s is not declared as a chained graph (use chain(A, B, C, D))"
                    % (p.semantics.graph if p.semantics else "the graph"))


GRAPH_RULES = {
    "summary": _summary, "bayes_ball": _bayes_ball, "cut": _cut, "vertex_cut": _vertex_cut, "parents": _parents,
    "ancestral": _ancestral, "short_path": _short_path, "linked": _linked,
    "determination": _determination, "lemma1": _lemma1,
}
GRAPH_RULE_ALIASES = {
    "summary": "summary", "summary_graph": "summary",
    "bayes_ball": "bayes_ball", "type_bayes_ball": "bayes_ball",
    "cut": "cut", "path_cut": "cut", "parents": "parents",
    "vertex_cut": "vertex_cut",
    "ancestral": "ancestral", "roots": "ancestral", "conditioning_on_roots": "ancestral",
    "condition_roots": "ancestral", "condition_ancestral": "ancestral",
    "short_path": "short_path", "short_active_path": "short_path",
    "linked": "linked", "link_narrowing": "linked",
    "determination": "determination", "functional_determination": "determination",
}
