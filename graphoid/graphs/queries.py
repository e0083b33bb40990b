"""The graph queries dagitty users expect, each answer re-checked by the kernel and printable as a
script that `graphoid check` verifies:

* implied d-separations: the local Markov basis (each vertex from its non-descendants given its
  parents) or, for every non-adjacent pair of observed vertices, one minimal separating set;
* a minimal separating set of two sets (networkx's find_minimal_d_separator proposes it); the
  kernel verifies the separation, and minimality by an active path for each set with one vertex
  left out (a d-separator is minimal iff no single vertex can be dropped: Tian, Paz & Pearl 1998);
* back-door adjustment sets for X on Y: sets Z of observed non-descendants of X that d-separate X
  from Y in the graph without X's outgoing edges; the minimal ones are listed, each kernel-checked
  (the separation in that graph, and minimality as above)."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import networkx as nx

from ..kernel import Kernel, RuleError
from ..sets import VarSet
from ..statements import CI, NotCI, statement_text
from .dag import DAG

MAX_CANDIDATES = 16   # back-door search: observed non-descendants of X considered (2^16 subsets)


class QueryError(ValueError):
    pass


@dataclass
class Answer:
    """What a query found: kernel Facts and the script that re-derives them."""
    title: str
    graphs: list                                   # DAGs the script declares
    facts: list = field(default_factory=list)      # (label, Fact) in order
    notes: list = field(default_factory=list)      # what the kernel did not check, said plainly
    rows: list = field(default_factory=list)       # the answer, one line each

    def script(self) -> str:
        g0 = self.graphs[0]
        obs = [v for v in g0.nodes if v not in g0.latent]
        lat = [v for v in g0.nodes if v in g0.latent]
        lines = ["# %s" % self.title]
        if obs:
            lines.append("variables " + ", ".join(obs))
        if lat:
            lines.append("latent " + ", ".join(lat))
        for g in self.graphs:
            iso = [v for v in g.nodes if not any(v in e for e in g.edges)]
            body = ["%s -> %s" % e for e in g.edges] + iso
            lines.append("graph %s: %s" % (g.name, ", ".join(body)))
        for n in self.notes:
            lines.append("# " + n)
        for lab, f in self.facts:
            rule = "d_separation" if isinstance(f.statement, CI) else "d_connection"
            lines.append("have (%s): %s by %s(%s)" % (lab, statement_text(f.statement), rule, f.statement.graph))
        return "\n".join(lines) + "\n"

    def text(self) -> str:
        out = [self.title + ":"] + ["  " + r for r in self.rows]
        out += ["  note: " + n for n in self.notes]
        out.append("(%d statements re-checked by the kernel)" % len(self.facts))
        return "\n".join(out)

    def to_json(self) -> dict:
        return {"title": self.title, "answer": self.rows, "notes": self.notes,
                "kernel_checked": [statement_text(f.statement) for _, f in self.facts], "script": self.script()}


def _ci(g: DAG, x, y, z) -> CI:
    return CI(VarSet.of(x), VarSet.of(y), VarSet.of(z), True, g.name)


def _observed(g: DAG) -> list[str]:
    return [v for v in g.nodes if v not in g.latent]


def _check_acyclic(g: DAG):
    cyc = g.find_cycle()
    if cyc:
        raise QueryError("the graph %s is not acyclic: it has the cycle %s" % (g.name, " -> ".join(cyc)))


def _minimal_by_kernel(k: Kernel, g: DAG, x, y, z, ans: Answer, tag: str):
    """The kernel checks that z separates x and y in g and that no vertex of z can be dropped."""
    ans.facts.append((tag, k.d_separation(g, _ci(g, x, y, z))))
    for v in sorted(z):
        ans.facts.append(("%s.no_%s" % (tag, v), k.d_connection(g, NotCI(_ci(g, x, y, set(z) - {v})))))


def implied(g: DAG, all_pairs: bool = False) -> Answer:
    _check_acyclic(g)
    k = Kernel.for_graphs(g)
    G = g.nx()
    if all_pairs or g.latent:
        ans = Answer("implied d-separations of %s, one minimal separating set per non-adjacent pair of "
                     "observed vertices" % g.name, [g])
        obs = _observed(g)
        n = 0
        for u, v in itertools.combinations(obs, 2):
            if G.has_edge(u, v) or G.has_edge(v, u):
                continue
            z = nx.find_minimal_d_separator(G, {u}, {v}, restricted=set(obs) - {u, v})
            if z is None:
                ans.rows.append("%s and %s: no set of observed vertices d-separates them" % (u, v))
                continue
            n += 1
            _minimal_by_kernel(k, g, {u}, {v}, z, ans, "s%d" % n)
            ans.rows.append(statement_text(_ci(g, {u}, {v}, z)))
        if g.latent and not all_pairs:
            ans.notes.append("the graph has latent vertices, so the local Markov basis (which conditions "
                             "on parents, possibly latent) is replaced by one statement per pair")
        return ans
    ans = Answer("implied d-separations of %s (local Markov basis: each vertex and its non-descendants "
                 "given its parents)" % g.name, [g])
    for n, v in enumerate(nx.topological_sort(G), 1):
        pa = set(G.predecessors(v))
        nd = set(g.nodes) - nx.descendants(G, v) - {v} - pa
        if not nd:
            continue
        f = k.d_separation(g, _ci(g, {v}, nd, pa))
        ans.facts.append(("m%d" % n, f))
        ans.rows.append(statement_text(f.statement))
    return ans


def separator(g: DAG, x, y) -> Answer:
    _check_acyclic(g)
    _vertices(g, x | y)
    if x & y:
        raise QueryError("the two sides share %s" % ", ".join(sorted(x & y)))
    G = g.nx()
    obs = set(_observed(g))
    ans = Answer("a minimal set of observed vertices d-separating %s from %s in %s" % (_names(x), _names(y), g.name), [g])
    z = nx.find_minimal_d_separator(G, set(x), set(y), restricted=obs - x - y)
    if z is None:
        # kernel-checked evidence that even the largest candidate set leaves a path open
        # Some subset of R separates iff An(X ∪ Y) ∩ R does (van der Zander, Liśkiewicz & Textor
        # 2019); the kernel checks that this set leaves an active path.
        anc = set(x | y).union(*(nx.ancestors(G, v) for v in x | y))
        cand = (obs - x - y) & anc
        f = Kernel.for_graphs(g).d_connection(g, NotCI(_ci(g, x, y, cand)))
        ans.rows.append("none: no set of observed vertices d-separates them; %s" % statement_text(f.statement))
        ans.facts.append(("none", f))
        ans.notes.append("that no other observed set separates rests on the theorem that An(X ∪ Y) ∩ observed "
                         "separates whenever any observed set does (van der Zander et al. 2019), not on the kernel")
        return ans
    _minimal_by_kernel(Kernel.for_graphs(g), g, x, y, z, ans, "s")
    ans.rows.append(statement_text(_ci(g, x, y, z)))
    return ans


def backdoor_graph(g: DAG, x) -> DAG:
    name = g.name + "bd"
    return DAG(name, g.nodes, tuple(e for e in g.edges if e[0] not in x), g.latent)


def adjustment_sets(g: DAG, x, y) -> Answer:
    """Minimal back-door adjustment sets for the effect of x on y."""
    _check_acyclic(g)
    _vertices(g, x | y)
    if x & y:
        raise QueryError("exposure and outcome share %s" % ", ".join(sorted(x & y)))
    G = g.nx()
    desc = set().union(*(nx.descendants(G, v) for v in x))
    cand = sorted(set(_observed(g)) - x - y - desc)
    if len(cand) > MAX_CANDIDATES:
        raise QueryError("%d candidate adjustment variables; the search takes at most %d" % (len(cand), MAX_CANDIDATES))
    gb = backdoor_graph(g, x)
    Gb = gb.nx()
    ans = Answer("minimal back-door adjustment sets for the effect of %s on %s in %s" % (_names(x), _names(y), g.name), [g, gb])
    ans.notes.append("%s is %s without the edges out of %s; no set below contains a descendant of %s "
                     "(the descendants, %s, are found with networkx, not by the kernel)"
                     % (gb.name, g.name, _names(x), _names(x), ", ".join(sorted(desc)) or "none"))
    found: list[frozenset] = []
    for r in range(len(cand) + 1):
        for z in itertools.combinations(cand, r):
            zs = frozenset(z)
            if any(f <= zs for f in found):
                continue
            if nx.is_d_separator(Gb, set(x), set(y), set(zs)):
                found.append(zs)
    k = Kernel.for_graphs(gb)
    if not found:
        f = k.d_connection(gb, NotCI(_ci(gb, x, y, set(cand))))
        ans.facts.append(("none", f))
        ans.rows.append("none: even adjusting for every candidate leaves a back-door path open (%s)" % statement_text(f.statement))
        return ans
    for n, z in enumerate(found, 1):
        _minimal_by_kernel(k, gb, x, y, z, ans, "a%d" % n)
        ans.rows.append("{%s}" % ", ".join(sorted(z)) if z else "∅ (no adjustment needed)")
    return ans


def _names(s) -> str:
    s = sorted(s)
    return s[0] if len(s) == 1 else "{%s}" % ", ".join(s)


def _vertices(g: DAG, names):
    bad = sorted(set(names) - set(g.nodes))
    if bad:
        raise QueryError("not vertices of %s: %s" % (g.name, ", ".join(bad)))


def dsep_main(args) -> int:
    import json
    import sys
    from ..search.cli import QueryError as QE, _graph_from_arg
    try:
        g = _graph_from_arg(args.graph)
        names = lambda s: set(p.strip() for p in s.replace("{", "").replace("}", "").split(",") if p.strip())
        if args.what == "implied":
            ans = implied(g, all_pairs=args.all)
        else:
            if not args.x or not args.y:
                raise QueryError("%s takes two vertex sets: graphoid dsep --graph G %s X Y" % (args.what, args.what))
            x, y = names(args.x), names(args.y)
            ans = separator(g, x, y) if args.what == "separator" else adjustment_sets(g, x, y)
    except (QE, QueryError) as e:
        print("graphoid: error: %s" % e, file=sys.stderr)
        return 2
    except RuleError as e:   # the kernel refused a proposed answer: a bug in the search, never an answer
        print("graphoid: error: the kernel rejected a proposed answer (%s); please report this" % e, file=sys.stderr)
        return 3
    if args.json:
        print(json.dumps(ans.to_json(), indent=2, ensure_ascii=False))
    elif args.script:
        sys.stdout.write(ans.script())
    else:
        print(ans.text())
    return 0
