"""Walks a parsed script: declarations build the environment, each step calls a kernel rule, and
every outcome (verified, assumed, hypothesis, failed with position and reason) goes into a report."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from .graphs.dag import DAG, AbstractGraph, ChainedGraph
from .kernel import Fact, Kernel, RuleError
from .report import ProofReport, StepResult
from .sets import IFull, IName, VarSet
from .statements import CI, Chained, Determines, NoEdge, Positive, Principle, Schema, ci_text, statement_text
from .syntax.ast import Item, Script, position, token_name
from .syntax.parser import GphError, parse_script
from .syntax.resolve import Env, ResolveError, Resolver

RULE_ALIASES = {
    "symmetry": "symmetry", "sym": "symmetry",
    "decomposition": "decomposition", "decomp": "decomposition",
    "weak_union": "weak_union", "wu": "weak_union",
    "contraction": "contraction",
    "intersection": "intersection",
    "composition": "composition",
    "lemma1": "lemma1", "lemma_1": "lemma1", "chain_paths": "lemma1",
    "d_separation": "d_separation", "dsep": "d_separation", "d_sep": "d_separation",
    "markov": "markov",
    "faithfulness": "faithfulness",
    "instantiate": "instantiate", "inst": "instantiate",
    "generalize": "generalize", "generalise": "generalize",
    "auto": "auto",
    "nonadjacent": "nonadjacent", "non_adjacency": "nonadjacent", "adjacency": "nonadjacent",
}
PREMISE_COUNT = {"symmetry": 1, "decomposition": 1, "weak_union": 1, "contraction": 2,
                 "intersection": 2, "lemma1": 1, "markov": 1, "instantiate": 1, "generalize": 1,
                 "faithfulness": 2, "nonadjacent": 1, "composition": 2}

# Rules that need more than one kernel call (proof search, factorisation, enumeration). Each gets
# (checker, item, claim, refs) and returns a Fact minted by the kernel.
def _auto(checker, item, claim, refs):
    from .search.auto import auto_rule
    return auto_rule(checker, item, claim, refs)


EXTRA_RULES: dict = {"auto": _auto}


@dataclass
class Checker:
    file: str
    text: str
    env: Env = field(default_factory=Env)
    facts: dict[str, Fact] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)
    report: ProofReport | None = None
    expansions: dict = field(default_factory=dict)   # label -> derivation text of `by auto`
    classes: dict = field(default_factory=dict)      # graph classes declared in the script
    enumerated: set = field(default_factory=set)     # labels of enumeration checks (evidence, not facts)
    max_n: int | None = None                         # overrides 'checked on … for n <= k'

    def __post_init__(self):
        self.kernel = Kernel(self.env.theory())
        self.report = ProofReport(self.file)
        self.lines = self.text.splitlines()

    # -- errors ----------------------------------------------------------------------------------
    def err(self, line: int, col: int, msg: str) -> GphError:
        src = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return GphError(self.file, line, col, msg, src)

    # -- main loop ---------------------------------------------------------------------------------
    def run(self, script: Script) -> ProofReport:
        for item in script.items:
            try:
                if item.kind.startswith("decl_"):
                    self.declare(item)
                elif item.kind == "enumerate":
                    self.enumerate_step(item)
                else:
                    self.step(item)
            except ResolveError as e:
                line, col = (e.line, e.col) if e.line else (item.line, item.col)
                self.fail(item, self.err(line, col, str(e)))
            except GphError as e:
                self.fail(item, e)
            except RecursionError:
                self.fail(item, self.err(item.line, item.col, "the step is nested too deeply to check"))
        return self.report

    def fail(self, item: Item, e: GphError, obligations=()):
        if item.label:
            self.failed.add(item.label)
        self.report.steps.append(StepResult(label=item.label, line=e.line, col=e.col, status="failed",
                                            statement=item.text, rule=item.rule, message=e.message,
                                            error=e, obligations=tuple(obligations), kind=item.kind))

    # -- declarations ------------------------------------------------------------------------------
    def declare(self, item: Item):
        env, d = self.env, self.env.decl
        k = item.kind
        rs = Resolver(env)
        if k in ("decl_vars", "decl_latent"):
            for name, line, col in item.names:
                self._fresh(name, line, col)
                env.scalars[name] = k == "decl_latent"
                d.scalar_names.add(name)
        elif k == "decl_graph":
            name = item.label
            if name in env.graphs:
                raise self.err(item.line, item.col, "graph %s is declared twice" % name)
            nodes = []
            for v, line, col in item.names:
                if v not in env.scalars:
                    raise self.err(line, col, "unknown vertex %r: declare it with 'variables' or 'latent'" % v)
                if v not in nodes:
                    nodes.append(v)
            env.graphs[name] = DAG(name, tuple(nodes), tuple(dict.fromkeys(item.edges)),
                                   frozenset(v for v in nodes if env.scalars.get(v)))
        elif k == "decl_chain":
            blocks = []
            for b in item.trees:
                s = rs.setexpr(b)
                if not s.concrete:
                    line, col = position(b)
                    raise self.err(line, col, "chain blocks must be sets of declared variables")
                blocks.append(s.scalars)
            env.graphs[item.label] = ChainedGraph(item.label, tuple(blocks))
        elif k == "decl_index":
            name = rs.idx_name(item.trees[0])
            if item.label != "1":
                raise self.err(item.line, item.col, "index ranges start at 1 (index %s = 1..n)" % name)
            d.ranges[name] = item.names[0][0]
        elif k == "decl_family":
            over = rs.idx_name(item.trees[0])
            if over not in d.ranges:
                line, col = position(item.trees[0])
                raise self.err(line, col, "unknown index range %r (declare: index %s = 1..n)" % (over, over))
            for name, line, col in item.names:
                self._fresh(name, line, col)
                d.base_families[name] = over
        elif k == "decl_subfamily":
            (name, line, col), (base, bl, bc) = item.names
            self._fresh(name, line, col)
            if base in d.families:
                base, dom0 = d.families[base]
            elif base not in d.base_families:
                raise self.err(bl, bc, "unknown family %r" % base)
            d.families[name] = (base, rs.index(item.trees[0]))
        elif k == "decl_partition":
            whole, *parts = [rs.idx_name(t) for t in item.trees]
            if whole not in d.ranges and whole not in d.subsets:
                line, col = position(item.trees[0])
                raise self.err(line, col, "unknown index set %r" % whole)
            for t, p in zip(item.trees[1:], parts):
                if p not in d.subsets:
                    d.subsets[p] = whole if whole in d.ranges else d.subsets[whole]
            d.partitions.append((whole, tuple(parts)))
        elif k == "decl_subset":
            dom = rs.index(item.trees[0])
            rng = dom.range_name if isinstance(dom, IFull) else (d.subsets.get(dom.name) if isinstance(dom, IName) else None)
            if rng is None:
                line, col = position(item.trees[0])
                raise self.err(line, col, "a subset must lie in an index range or a declared index set")
            for name, line, col in item.names:
                d.subsets[name] = rng
                if not isinstance(dom, IFull):
                    d.subset_of.append((name, dom))   # γ ⊆ I_C: an axiom for z3, not just γ ⊆ I
        elif k == "decl_class":
            self.declare_class(item)
        elif k == "decl_arbitrary":
            (name, line, col), = item.names
            d.index_vars[name] = rs.index(item.trees[0])
        self.report.declarations += 1

    def declare_class(self, item: Item):
        from .graphs.classes import SetLink
        from .graphs.scriptclasses import ScriptClass
        name = item.label
        if name in self.classes:
            raise self.err(item.line, item.col, "class %s is declared twice" % name)
        if item.rule:   # built-in constructor
            args = item.check
            if item.rule == "chained":
                if len(args) != 1 or not isinstance(args[0], int) or not 1 <= args[0] <= 3:
                    raise self.err(item.rule_line, item.rule_col, "chained(k) takes the largest block size k, 1 to 3")
                sc = ScriptClass(name, "chained", k=args[0])
            elif item.rule == "fig3":
                d = self.env.decl
                if len(args) != 1 or isinstance(args[0], int):
                    raise self.err(item.rule_line, item.rule_col, "fig3(I_C) takes the index set of C")
                c_idx = Resolver(self.env).idx_name(args[0])
                parts = [ps for whole, ps in d.partitions if c_idx in ps and len(ps) == 2]
                if not parts:
                    raise self.err(item.rule_line, item.rule_col,
                                   "%s must be one part of a declared partition I = I_B ⊔ I_C" % c_idx)
                b_idx = [q for q in parts[0] if q != c_idx][0]
                sc = ScriptClass(name, "fig3", c_index=c_idx, b_index=b_idx)
            else:
                raise self.err(item.rule_line, item.rule_col, "unknown class constructor %r (known: chained, fig3)" % item.rule)
            self.classes[name] = sc
            return
        sc = ScriptClass(name, "block")
        local = Env(scalars={})
        for entry in item.trees:
            if entry.data == "class_sets":
                for cs in entry.children:
                    sname, size = str(cs.children[0]), int(cs.children[1])
                    if not 1 <= size <= 4:
                        raise self.err(cs.children[1].line, cs.children[1].column, "a set-node has 1 to 4 vertices")
                    if sname in sc.sets:
                        raise self.err(cs.children[0].line, cs.children[0].column, "set-node %s is declared twice" % sname)
                    sc.sets[sname] = tuple("%s%d" % (sname, i) for i in range(1, size + 1))
                    local.scalars[sname] = False
                    for v in sc.sets[sname]:
                        local.scalars[v] = False
            elif entry.data == "class_link":
                s_, _l, t_, *kinds = entry.children
                req = bool(kinds and kinds[-1] is not None and kinds[-1].type == "REQUIRED")
                kinds = [str(x) for x in kinds if x is not None and x.type == "LINK_KIND"]
                for nm in (s_, t_):
                    if str(nm) not in sc.sets:
                        raise self.err(nm.line, nm.column, "unknown set-node %r in class %s" % (str(nm), name))
                sc.links.append(SetLink(str(s_), str(t_), "|".join(kinds), req))
            else:
                sc.constraints.append(Resolver(local).ci(entry.children[0]))
        if sum(len(v) for v in sc.sets.values()) > 8:
            raise self.err(item.line, item.col, "class %s has more than 8 vertices; enumeration would not finish" % name)
        try:
            next(sc.instances())
        except ValueError as e:
            raise self.err(item.line, item.col, "class %s: %s" % (name, e))
        sc.local_env = local
        self.classes[name] = sc

    def _fresh(self, name, line, col):
        env = self.env
        if name in env.scalars or name in env.decl.base_families or name in env.decl.families:
            raise self.err(line, col, "%s is declared twice" % name)

    # -- steps -------------------------------------------------------------------------------------
    def claim(self, item: Item):
        t = item.statement
        rs = Resolver(self.env)
        d = t.data
        if d == "chained":
            gname = str(t.children[0])
            if self.env.graph(gname) is None:
                self.env.graphs[gname] = AbstractGraph(gname)
            return Chained(gname, tuple(rs.juxt(b.children[0]) for b in t.children[1:]))
        if d == "determines":
            return Determines(rs.juxt(t.children[0]), rs.juxt(t.children[1]))
        if d == "positive":
            return Positive(rs.juxt(t.children[0]))
        if d == "faithfulness":
            gname = str(t.children[0])
            if self.env.graph(gname) is None:
                self.env.graphs[gname] = AbstractGraph(gname)
            return Principle("faithfulness", gname)
        return rs.statement(t)

    def step(self, item: Item):
        k = self.kernel
        if item.label in self.facts or item.label in self.failed or item.label in self.enumerated:
            raise self.err(item.line, item.col, "label (%s) is used twice" % item.label)
        t0 = time.perf_counter()
        if item.kind == "have_eq":   # probability equations (graphoid/probability/script_steps.py)
            from .probability.script_steps import equation_step
            return equation_step(self, item, t0)
        if item.kind in ("assume", "hypothesis"):
            st = self.claim(item)
            prem = [self.lookup(a) for a in item.args]
            try:
                if isinstance(st, Principle):
                    fact = k.principle(st.name, st.graph, note=item.text)
                else:
                    fact = k.assume(st, note=item.text, kind="assumption" if item.kind == "assume" else "hypothesis",
                                    premises=prem)
            except RuleError as e:
                line, col = position(item.statement)
                raise self.err(line, col, str(e))
            evidence = ""
            if item.kind == "hypothesis" and item.check:
                evidence = self.enumeration_evidence(item, st, prem)
            self._record(item, fact, "assumption" if item.kind == "assume" else "hypothesis", t0, evidence)
            return
        # have
        claim = self.claim(item)
        rule = RULE_ALIASES.get(item.rule, item.rule)
        refs = [a for a in item.args if a.kind == "ref"]
        binds = {a.name: a for a in item.args if a.kind == "bind"}
        sline, scol = position(item.statement)
        try:
            if rule in EXTRA_RULES:
                fact = EXTRA_RULES[rule](self, item, claim, refs)
            elif rule == "d_separation":
                gname = refs[0].name if refs else (claim.graph if isinstance(claim, CI) else None)
                g = self.env.graph(gname) if gname else None
                if g is None:
                    a = refs[0] if refs else item
                    raise self.err(a.line, a.col, "unknown graph %r" % gname)
                fact = k.d_separation(g, claim)
            elif rule in PREMISE_COUNT:
                prem = self.premises(item, refs, rule)
                if rule == "lemma1":
                    if len(prem) == 2:
                        g = prem[1]
                    else:
                        gname = prem[0].semantics.graph if prem[0].semantics else None
                        g = self.env.graph(gname) or AbstractGraph(str(gname))
                    fact = k.chain_paths(prem[0], claim, g)
                elif rule == "instantiate":
                    rs = Resolver(self.env)
                    names, vars_ = {}, {}
                    binders = {b.name: b for b in prem[0].statement.binders} if isinstance(prem[0].statement, Schema) else {}
                    for nm, a in binds.items():
                        e = rs.index(a.value)
                        b = binders.get(nm)
                        if b is not None and b.kind == "member":
                            from .sets import ISingle
                            if not isinstance(e, ISingle):
                                raise self.err(a.line, a.col, "%s := … must be a single index" % nm)
                            vars_[nm] = e.term
                        else:
                            names[nm] = e
                    fact = k.instantiate(prem[0], claim, names, vars_)
                elif rule == "faithfulness":
                    fact = k.faithfulness(prem[0], prem[1], claim)
                else:
                    fact = getattr(k, rule)(*prem, claim)
            else:
                known = ", ".join(sorted(set(RULE_ALIASES.values()) | set(EXTRA_RULES)))
                raise self.err(item.rule_line, item.rule_col, "unknown rule %r; known rules: %s" % (item.rule, known))
        except RuleError as e:
            self.fail(item, self.err(sline, scol, str(e)), e.obligations)
            return
        self._record(item, fact, "verified", t0)

    def enumeration_evidence(self, item: Item, st, prem) -> str:
        """Check a graph hypothesis on every member of a class for n ≤ bound. A counter-example
        fails the step; a completed check is evidence shown with the hypothesis, never a proof."""
        from .graphs.scriptclasses import ClassError, check_statement_on_class
        cname, var, bound, line, col = item.check
        sc = self.classes.get(cname)
        if sc is None:
            raise self.err(line, col, "unknown class %r" % cname)
        if self.max_n is not None:
            bound = self.max_n
        determined = [f.statement.target for f in prem if isinstance(f.statement, Determines)]
        try:
            status, text, _n, _m = check_statement_on_class(sc, self.env.decl, st, determined, bound)
        except ClassError as e:
            raise self.err(line, col, str(e))
        if status == "refuted":
            raise self.err(item.line, item.col, "graph hypothesis refuted by enumeration: " + text)
        return text if status == "checked" else "not confirmed: " + text

    def enumerate_step(self, item: Item):
        from .graphs.scriptclasses import ClassError, check_claims_on_class
        if item.label in self.facts or item.label in self.failed or item.label in self.enumerated:
            raise self.err(item.line, item.col, "label (%s) is used twice" % item.label)
        sc = self.classes.get(item.rule)
        if sc is None:
            raise self.err(item.rule_line, item.rule_col, "unknown class %r" % item.rule)
        local = getattr(sc, "local_env", None) or Env(implicit=True)
        rs = Resolver(local)
        claims = [rs.ci(t) for t in item.trees]
        given = [rs.ci(t) for t in (item.statement.children if item.statement is not None else [])]
        t0 = time.perf_counter()
        try:
            status, text, _n, _m = check_claims_on_class(sc, claims, given)
        except ClassError as e:
            raise self.err(item.line, item.col, str(e))
        if status == "refuted":
            raise self.err(item.line, item.col, "enumeration found a counter-example: " + text)
        if status != "checked":
            raise self.err(item.line, item.col, "enumeration did not finish: %s; nothing is claimed" % text)
        stmt = "; ".join(ci_text(c) for c in claims) + ((" given " + "; ".join(ci_text(c) for c in given)) if given else "")
        self.report.steps.append(StepResult(label=item.label, line=item.line, col=item.col, status="enumerated",
                                            statement=stmt + " on " + sc.name, rule="enumeration", evidence=text,
                                            seconds=time.perf_counter() - t0, kind=item.kind, source=item.text))
        self.enumerated.add(item.label)

    def premises(self, item: Item, refs, rule: str) -> list[Fact]:
        need = PREMISE_COUNT[rule]
        if rule == "lemma1" and len(refs) == 2:
            need = 2   # the d-separation and the hypothesis that the graph is chained
        if len(refs) != need:
            raise self.err(item.rule_line, item.rule_col, "%s takes %d premise%s; %d given"
                           % (rule.replace("_", " "), need, "" if need == 1 else "s", len(refs)))
        return [self.lookup(a) for a in refs]

    def lookup(self, a) -> Fact:
        if a.name in self.facts:
            return self.facts[a.name]
        if a.name in self.failed:
            raise self.err(a.line, a.col, "premise (%s) was not verified" % a.name)
        raise self.err(a.line, a.col, "unknown label (%s)" % a.name)

    def _record(self, item: Item, fact: Fact, status: str, t0: float, evidence: str = ""):
        if fact.open_cases:
            raise self.err(item.line, item.col, "the step rests on an undischarged case")
        self.facts[item.label] = fact
        self.report.steps.append(StepResult(
            label=item.label, line=item.line, col=item.col, status=status, evidence=evidence,
            expansion=self.expansions.get(item.label, ""),
            statement=statement_text(fact.statement, self.env.decl),
            rule=("auto: " + fact.rule) if item.rule == "auto" else fact.rule,
            premises=tuple(self._label_of(p) for p in fact.premises),
            semantics=fact.semantics.describe() if fact.semantics else "",
            obligations=fact.obligations, fact=fact, seconds=time.perf_counter() - t0, kind=item.kind,
            source=item.text))

    def _label_of(self, f: Fact) -> str:
        for lab, g in self.facts.items():
            if g is f:
                return lab
        return "?"


def check_text(text: str, file: str = "<input>", max_n: int | None = None) -> ProofReport:
    """Parse and check a script; parse errors become a failed report, never an exception."""
    try:
        script = parse_script(text, file)
    except GphError as e:
        rep = ProofReport(file)
        rep.parse_error = e
        rep.source = text
        return rep
    c = Checker(file, text)
    c.max_n = max_n
    rep = c.run(script)
    rep.env = c.env
    rep.classes = c.classes
    rep.source = text
    return rep


def check_file(path: str) -> ProofReport:
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    return check_text(text, path)
