"""The one rule registry. Each rule a script can cite is declared here once: its stable id (what a
Fact and a certificate record), the names a script may use for it, how many premises it takes, the
text printers show ("weak union"), the paper's equation number, and the Kernel method that checks it.

The script walker, the printers (terminal, LaTeX, JSON), search replay, certificates and the
fuzz/soundness tests read this table; the independent rechecker keeps its own, and a test checks
that its rule ids equal these. To add a rule: one entry here plus its kernel method."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleSpec:
    id: str                     # stable id, recorded in Facts and certificates
    aliases: tuple[str, ...]    # names a script may write after `by`
    premises: tuple[int, ...]   # allowed premise counts (cited labels)
    display: str                # how printers name it
    equation: str = ""          # the paper's number, e.g. "(4)"
    method: str = ""            # Kernel method; "" for rules the walker expands (derived, search)
    kind: str = "primitive"     # primitive (kernel) | derived (expands into primitive steps) | search
    semantics: str = ""         # what a probabilistic conclusion needs, for documentation

    def justification(self) -> str:
        return self.display + (" " + self.equation if self.equation else "")


_RULES = [
    RuleSpec("symmetry", ("symmetry", "sym"), (1,), "symmetry", "(2)", "symmetry"),
    RuleSpec("decomposition", ("decomposition", "decomp"), (1,), "decomposition", "(3)", "decomposition"),
    RuleSpec("weak_union", ("weak_union", "wu"), (1,), "weak union", "(4)", "weak_union"),
    RuleSpec("contraction", ("contraction",), (2,), "contraction", "(5)", "contraction"),
    RuleSpec("intersection", ("intersection",), (2,), "intersection", "(6)", "intersection",
             semantics="strictly positive distributions"),
    RuleSpec("composition", ("composition",), (2,), "composition", "", "composition",
             semantics="Gaussian distributions"),
    RuleSpec("weak_transitivity", (), (6,), "weak transitivity", "", "weak_transitivity_cases",
             semantics="Gaussian distributions"),
    # Lemma 1 expands into the graph rules (graph_script.py): no kernel rule of its own
    RuleSpec("lemma1", ("lemma1", "lemma_1", "chain_paths"), (1, 2), "Lemma 1", "", "", "derived"),
    # general graph rules over the abstract causal graph (kernel/graph_rules.py, docs/graph_rules.md)
    RuleSpec("link_narrowing", ("linked", "link_narrowing"), tuple(range(1, 9)), "link narrowing", "", "link_narrowing"),
    RuleSpec("short_active_path", ("short_path", "short_active_path"), (2,), "short active path", "", "short_path"),
    RuleSpec("conditioning_on_roots", ("roots", "conditioning_on_roots", "condition_roots"), tuple(range(2, 12)),
             "conditioning on roots", "", "condition_ancestral"),
    RuleSpec("ancestral", ("ancestral", "condition_ancestral"), tuple(range(2, 12)),
             "conditioning on an ancestral set", "", "condition_ancestral"),
    RuleSpec("vertex_cut", ("vertex_cut",), (2,), "vertex cut", "", "vertex_cut"),
    RuleSpec("determination", ("determination", "functional_determination"), (2,), "functional determination",
             "", "determination"),
    RuleSpec("summary", ("summary", "summary_graph"), tuple(range(0, 40)), "summary graph", "", "summary"),
    RuleSpec("bayes_ball", ("bayes_ball", "type_bayes_ball"), tuple(range(1, 12)), "type-level Bayes ball", "",
             "type_bayes_ball"),
    RuleSpec("path_cut", ("cut", "path_cut"), (1,), "path cut", "", "path_cut"),
    RuleSpec("parents", ("parents",), (1,), "parents in the summary graph", "", "summary_parents"),
    RuleSpec("d_separation", ("d_separation", "dsep", "d_sep"), (0, 1), "d-separation", "", "d_separation"),
    RuleSpec("d_connection", ("d_connection", "dcon", "d_con", "active_path"), (0, 1), "d-connection", "",
             "d_connection"),
    RuleSpec("markov", ("markov",), (1,), "Markov", "", "markov"),
    RuleSpec("faithfulness", ("faithfulness",), (2,), "faithfulness", "", "faithfulness"),
    RuleSpec("instantiate", ("instantiate", "inst"), (1,), "instantiation", "", "instantiate"),
    RuleSpec("generalize", ("generalize", "generalise"), (1,), "generalisation", "", "generalize"),
    RuleSpec("nonadjacent", ("nonadjacent", "non_adjacency", "adjacency"), (1,), "non-adjacency", "", "nonadjacent"),
    # equations of the probability calculus (`have (16): P(…) = … by product_rule`): each link cites
    # one of these; kernel/probability.py checks them as z3 obligations generated from the terms
    RuleSpec("equation", (), (), "probability calculus", "", "", "calculus"),
    RuleSpec("auto", ("auto",), tuple(range(0, 41)), "proof search", "", "", "search"),
    # not citable: how assumed statements are recorded
    RuleSpec("assumption", (), (), "assumption", "", "", "assumed"),
    RuleSpec("hypothesis", (), (), "graph hypothesis", "", "", "assumed"),
    RuleSpec("case", (), (), "case", "", "", "assumed"),
]

RULES: dict[str, RuleSpec] = {}
ALIASES: dict[str, str] = {}


def register(spec: RuleSpec) -> RuleSpec:
    """Add a rule (used by this table and by kernel modules that define further rules)."""
    if spec.id in RULES and RULES[spec.id] != spec:
        raise ValueError("rule id %r registered twice" % spec.id)
    for a in spec.aliases:
        if ALIASES.get(a, spec.id) != spec.id:
            raise ValueError("rule alias %r already names %r" % (a, ALIASES[a]))
    RULES[spec.id] = spec
    for a in spec.aliases:
        ALIASES[a] = spec.id
    return spec


for _s in _RULES:
    register(_s)


def lookup(name: str) -> RuleSpec | None:
    """The rule a script name (alias) or stable id stands for."""
    rid = ALIASES.get(name, name)
    return RULES.get(rid)


def spec(rule_id: str) -> RuleSpec:
    s = RULES.get(rule_id)
    if s is None:
        raise KeyError("unknown rule id %r" % rule_id)
    return s


def display(rule_id: str) -> str:
    s = RULES.get(rule_id)
    return s.display if s else rule_id


def citable() -> list[str]:
    """The names a script may cite, for messages and completion."""
    return sorted(a for a, rid in ALIASES.items())


def suggest(name: str) -> str | None:
    """The closest citable name (`Symmetry` → `symmetry`)."""
    import difflib
    low = name.lower()
    if low in ALIASES:
        return low
    m = difflib.get_close_matches(low, citable(), n=1, cutoff=0.6)
    return m[0] if m else None
