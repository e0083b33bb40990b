"""Walks a parsed script: declarations build the environment, each step calls a kernel rule, and
every outcome (verified, assumed, hypothesis, failed with position and reason) goes into a report."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from .graphs.dag import DAG, AbstractGraph, ChainedGraph
from .kernel import Fact, Kernel, RuleError
from .kernel import registry
from . import derived as _derived  # noqa: F401  (registers the derived rules)
from .kernel.context import Context, ContextError
from .report import ProofReport, StepResult
from .sets import IFull, IName, VarSet
from .statements import CI, Chained, Determines, NoEdge, Positive, Principle, Schema, ci_text, statement_text
from .syntax.ast import Item, Script, position, token_name
from .syntax.parser import GphError, parse_script
from .syntax.resolve import Env, ResolveError, Resolver

# Rules that need more than one kernel call (proof search). Each gets (checker, item, claim, refs)
# and returns a Fact minted by the kernel.
def _auto(checker, item, claim, refs):
    from .search.auto import auto_rule
    return auto_rule(checker, item, claim, refs)


def _d_connection(checker, item, claim, refs):
    from .derived_steps import d_connection_step
    return d_connection_step(checker, item, claim, refs)


EXTRA_RULES: dict = {"auto": _auto, "d_connection": _d_connection}


def did_you_mean(word: str) -> str:
    """'; did you mean 'symmetry'?' for a misspelt or capitalised rule name, or ''."""
    hit = registry.suggest(word)
    return "; did you mean %r?" % hit if hit else ""

# Graph rules over an abstract graph (graph_script.py, kernel/graph_rules.py), by registry id.
from .graph_script import GRAPH_RULES  # noqa: E402
EXTRA_RULES.update({registry.lookup(name).id: fn for name, fn in GRAPH_RULES.items()})
EXTRA_RULES["conditioning_on_roots"] = GRAPH_RULES["ancestral"]


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
        # The kernel owns the context; the resolver's Env is a read-only view of it.
        self.kernel = Kernel(Context())
        ctx = self.kernel.ctx
        self.env = Env(scalars=ctx.scalars, decl=ctx.decl, graphs=ctx.graphs)
        self.classes = ctx.classes
        self.report = ProofReport(self.file)
        self.lines = self.text.splitlines()
        self._labels: dict[int, str] = {}      # id(fact) -> label, for printing premises
        self._defined_later: dict[str, int] = {}

    # -- errors ----------------------------------------------------------------------------------
    def err(self, line: int, col: int, msg: str) -> GphError:
        src = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return GphError(self.file, line, col, msg, src)

    # -- main loop ---------------------------------------------------------------------------------
    def prepare(self, items) -> None:
        """Know every label of the script (for 'defined later' messages) before checking any item."""
        for item in items:
            if item.label and item.kind in ("assume", "hypothesis", "have", "enumerate"):
                self._defined_later.setdefault(item.label, item.line)

    def run(self, script: Script) -> ProofReport:
        self.prepare(script.items)
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
            except ContextError as e:
                self.fail(item, self.err(e.line or item.line, e.col or item.col, str(e)))
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
        """Every declaration goes through the kernel, which validates it and appends it to its
        context; nothing here writes to the environment directly."""
        k, K = item.kind, self.kernel
        rs = Resolver(self.env)
        if k in ("decl_vars", "decl_latent"):
            K.declare_variables(list(item.names), k == "decl_latent", item.line, item.text)
        elif k == "decl_graph":
            nodes = []
            for v, line, col in item.names:
                if v not in self.env.scalars:
                    raise self.err(line, col, "unknown vertex %r: declare it with 'variables' or 'latent'" % v)
                if v not in nodes:
                    nodes.append(v)
            dag = DAG(item.label, tuple(nodes), tuple(dict.fromkeys(item.edges)),
                      frozenset(v for v in nodes if self.env.scalars.get(v)))
            K.declare_graph(item.label, dag, item.line, item.col, item.text)
        elif k == "decl_dagitty":
            from .graphs.dagitty import declare_dagitty
            declare_dagitty(self, item)
        elif k == "decl_chain":
            blocks = []
            for b in item.trees:
                s = rs.setexpr(b)
                if not s.concrete:
                    line, col = position(b)
                    raise self.err(line, col, "chain blocks must be sets of declared variables")
                blocks.append(s.scalars)
            K.declare_graph(item.label, ChainedGraph(item.label, tuple(blocks)), item.line, item.col, item.text)
        elif k == "decl_index":
            name = rs.idx_name(item.trees[0])
            if item.label != "1":
                raise self.err(item.line, item.col, "index ranges start at 1 (index %s = 1..n)" % name)
            line, col = position(item.trees[0])
            K.declare_index(name, item.names[0][0], line, col, item.text)
        elif k == "decl_family":
            over = rs.idx_name(item.trees[0])
            if over not in self.env.decl.ranges:
                line, col = position(item.trees[0])
                raise self.err(line, col, "unknown index range %r (declare: index %s = 1..n)" % (over, over))
            K.declare_family(list(item.names), over, item.line, item.text)
        elif k == "decl_subfamily":
            (name, line, col), (base, bl, bc) = item.names
            if base not in self.env.decl.families and base not in self.env.decl.base_families:
                raise self.err(bl, bc, "unknown family %r" % base)
            K.declare_subfamily(name, base, rs.index(item.trees[0]), line, col, item.text)
        elif k == "decl_partition":
            whole = rs.idx_name(item.trees[0])
            if whole not in self.env.decl.ranges and whole not in self.env.decl.subsets:
                line, col = position(item.trees[0])
                raise self.err(line, col, "unknown index set %r" % whole)
            parts = [(rs.idx_name(t),) + position(t) for t in item.trees[1:]]
            K.declare_partition(whole, parts, item.line, item.text)
        elif k == "decl_subset":
            dom = rs.index(item.trees[0])
            K.declare_subset(list(item.names), dom, item.line, item.text)
        elif k == "decl_class":
            self.declare_class(item)
        elif k == "decl_arbitrary":
            (name, line, col), = item.names
            K.declare_arbitrary(name, rs.index(item.trees[0]), line, col, item.text)
        self.report.declarations += 1

    def declare_class(self, item: Item):
        from .graphs.classes import SetLink
        from .graphs.scriptclasses import ScriptClass
        name = item.label
        if name in self.classes:
            raise self.err(item.line, item.col, "class %s is declared twice" % name)
        self.kernel.ctx._claim_name(name, "class", item.line, item.col)
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
            self.kernel.declare_class(name, sc, item.line, item.col, item.text)
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
                c = Resolver(local).ci(entry.children[0])
                x, y, z = c.triple()
                if x & y or x & z or y & z:
                    line, col = position(entry.children[0])
                    raise self.err(line, col, "the sets of a required d-separation must be disjoint")
                sc.constraints.append(c)
        if sum(len(v) for v in sc.sets.values()) > 8:
            raise self.err(item.line, item.col, "class %s has more than 8 vertices; enumeration would not finish" % name)
        try:
            next(sc.instances())
        except ValueError as e:
            raise self.err(item.line, item.col, "class %s: %s" % (name, e))
        sc.local_env = local
        self.kernel.declare_class(name, sc, item.line, item.col, item.text)

    # -- steps -------------------------------------------------------------------------------------
    def claim(self, item: Item):
        t = item.statement
        rs = Resolver(self.env)
        d = t.data
        if d == "chained":
            gname = str(t.children[0])
            if self.env.graph(gname) is None:
                raise self.err(t.children[0].line, t.children[0].column, "unknown graph %r" % gname)
            return Chained(gname, tuple(rs.juxt(b.children[0]) for b in t.children[1:]))
        if d == "determines":
            return Determines(rs.juxt(t.children[0]), rs.juxt(t.children[1]))
        if d == "positive":
            return Positive(rs.juxt(t.children[0]))
        if d == "faithfulness":
            gname = str(t.children[0])
            if self.env.graph(gname) is None:
                raise self.err(t.children[0].line, t.children[0].column, "unknown graph %r" % gname)
            return Principle("faithfulness", gname)
        from .graph_statements import graph_claim
        g = graph_claim(self.env, t, rs)
        if g is not None:
            return g
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
        spec = registry.lookup(item.rule)
        if spec is None or spec.kind == "assumed":
            raise self.err(item.rule_line, item.rule_col, "unknown rule %r%s; known rules: %s"
                           % (item.rule, did_you_mean(item.rule),
                              ", ".join(sorted({registry.lookup(a).id for a in registry.citable()}))))
        rule = spec.id
        refs = [a for a in item.args if a.kind == "ref"]
        binds = {a.name: a for a in item.args if a.kind == "bind"}
        if binds and rule != "instantiate":
            a = next(iter(binds.values()))
            raise self.err(a.line, a.col, "%s takes no bindings (only instantiate does)" % spec.display)
        sline, scol = position(item.statement)
        if item.check and item.check[0] == "option" and rule != "auto":
            raise self.err(item.check[2], item.check[3], "only auto takes an axiom system in brackets (by auto[graphoid])")
        try:
            if rule in EXTRA_RULES:
                fact = EXTRA_RULES[rule](self, item, claim, refs)
            elif spec.kind == "derived":
                from . import derived
                prem = self.premises(item, refs, spec)
                steps = derived.DERIVED[rule](prem, claim)
                fact = derived.replay(k, prem, steps, claim)
                self.expansions[item.label] = "\n".join(
                    "%s by %s" % (statement_text(st.conclusion, self.env.decl), registry.display(st.rule)) for st in steps)
            elif rule == "d_separation" and type(claim).__name__ == "NotCI":
                fact = EXTRA_RULES["d_connection"](self, item, claim, refs)
            elif rule == "d_separation":
                if len(refs) > 1:
                    raise self.err(item.rule_line, item.rule_col, "d_separation takes the graph's name")
                gname = refs[0].name if refs else (claim.graph if isinstance(claim, CI) else None)
                g = self.env.graphs.get(gname) if gname else None
                if g is None:
                    a = refs[0] if refs else item
                    raise self.err(a.line, a.col, "unknown graph %r" % gname)
                fact = k.d_separation(g, claim)
            else:
                prem = self.premises(item, refs, spec)
                if rule == "lemma1":
                    if len(prem) == 2:
                        g = prem[1]
                    else:
                        gname = prem[0].semantics.graph if prem[0].semantics else None
                        g = self.env.graphs.get(gname) or AbstractGraph(str(gname))
                    fact = k.chain_paths(prem[0], claim, g)
                elif rule == "instantiate":
                    rs = Resolver(self.env)
                    names, vars_ = {}, {}
                    binders = {b.name: b for b in prem[0].statement.binders} if isinstance(prem[0].statement, Schema) else {}
                    for nm, a in binds.items():
                        b = binders.get(nm)
                        e = rs.index(a.value, b.domain if b is not None else None)
                        if b is not None and b.kind == "member":
                            from .sets import ISingle
                            if not isinstance(e, ISingle):
                                raise self.err(a.line, a.col, "%s := … must be a single index" % nm)
                            vars_[nm] = e.term
                        else:
                            names[nm] = e
                    fact = k.instantiate(prem[0], claim, names, vars_)
                elif rule in ("weak_union", "decomposition", "markov"):
                    from .derived_steps import with_symmetry   # tolerant of the mirror image
                    fact = with_symmetry(self, item, rule, prem[0], claim, t0)
                else:
                    fact = getattr(k, spec.method)(*prem, claim)
        except RuleError as e:
            self.fail(item, self.err(sline, scol, str(e)), e.obligations)
            return
        accepts = getattr(claim, "accepts", None)     # a request the kernel completes (a summary graph)
        if fact.statement != claim and not (accepts and accepts(fact.statement)):
            # Only what the line claims may be recorded under its label (auto, replay, derived rules).
            self.fail(item, self.err(sline, scol, "internal check: the rule proved %s, not the statement "
                                     "this line claims; nothing is recorded"
                                     % statement_text(fact.statement, self.env.decl)))
            return
        self._record(item, fact, "verified", t0)

    def enumeration_evidence(self, item: Item, st, prem) -> str:
        """Check a graph hypothesis on every member of a class for n ≤ bound. A counter-example
        fails the step; a completed check is evidence shown with the hypothesis, never a proof."""
        from .graphs.scriptclasses import ClassError, check_statement_on_class
        cname, var, bound, line, col, *how = item.check
        sc = self.classes.get(cname)
        if sc is None:
            raise self.err(line, col, "unknown class %r" % cname)
        if self.max_n is not None:
            bound = self.max_n
        determined = [f.statement.target for f in prem if isinstance(f.statement, Determines)]
        method = how[0] if how else "enumeration"
        if method not in ("enumeration", "sat"):
            raise self.err(how[1], how[2], "unknown check method %r (use 'by sat' or 'by enumeration')" % method)
        try:
            if method == "sat":
                from .graphs.satscript import check_statement_sat
                status, text, _n, _m = check_statement_sat(sc, self.env.decl, st, determined, bound)
            else:
                status, text, _n, _m = check_statement_on_class(sc, self.env.decl, st, determined, bound)
        except ClassError as e:
            raise self.err(line, col, str(e))
        if status == "refuted":
            raise self.err(item.line, item.col, "graph hypothesis refuted by %s: %s" % (
                "SAT" if method == "sat" else "enumeration", text))
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
        given_trees = list(item.statement.children if item.statement is not None else [])
        given = [rs.ci(t) for t in given_trees]
        for c, t in zip(claims + given, list(item.trees) + given_trees):
            x, y, z = c.triple()
            if x & y or x & z or y & z:
                line, col = position(t)
                raise self.err(line, col, "the sets of %s must be disjoint" % ci_text(c))
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

    def premises(self, item: Item, refs, spec) -> list[Fact]:
        if len(refs) not in spec.premises:
            need = " or ".join(str(n) for n in spec.premises)
            raise self.err(item.rule_line, item.rule_col, "%s takes %s premise%s; %d given"
                           % (spec.display, need, "" if spec.premises == (1,) else "s", len(refs)))
        return [self.lookup(a) for a in refs]

    def lookup(self, a) -> Fact:
        if a.name in self.facts:
            return self.facts[a.name]
        if a.name in self.failed:
            raise self.err(a.line, a.col, "premise (%s) was not verified" % a.name)
        later = self._defined_later.get(a.name)
        if later is not None and later >= a.line:
            raise self.err(a.line, a.col, "label (%s) is defined later (line %d); a step can cite only earlier steps"
                           % (a.name, later))
        raise self.err(a.line, a.col, "unknown label (%s)" % a.name)

    def _record(self, item: Item, fact: Fact, status: str, t0: float, evidence: str = ""):
        if fact.open_cases:
            raise self.err(item.line, item.col, "the step rests on an undischarged case")
        self.facts[item.label] = fact
        self._labels.setdefault(id(fact), item.label)
        self.report.steps.append(StepResult(
            label=item.label, line=item.line, col=item.col, status=status, evidence=evidence,
            expansion=self.expansions.get(item.label, ""),
            statement=statement_text(fact.statement, self.env.decl),
            rule=("auto: " + registry.display(fact.rule)) if item.rule == "auto" else registry.display(fact.rule),
            rule_id=fact.rule,
            premises=tuple(self._label_of(p) for p in fact.premises),
            semantics=fact.semantics.describe() if fact.semantics else "",
            obligations=fact.obligations, fact=fact, seconds=time.perf_counter() - t0, kind=item.kind,
            source=item.text))

    def _label_of(self, f: Fact) -> str:
        return self._labels.get(id(f), "?")


def check_text(text: str, file: str = "<input>", max_n: int | None = None) -> ProofReport:
    """Parse and check a script; parse errors become a failed report, never an exception."""
    from .syntax.parser import strip_bom
    text = strip_bom(text)
    import gc
    # lark's tree building allocates a lot and frees nothing until the end: with the collector on,
    # every generation-2 collection rescans the growing tree and parsing becomes quadratic.
    collecting = gc.isenabled()
    gc.disable()
    try:
        script = parse_script(text, file)
    except GphError as e:
        rep = ProofReport(file)
        rep.parse_error = e
        rep.source = text
        return rep
    finally:
        if collecting:
            gc.enable()
    c = Checker(file, text)
    c.max_n = max_n
    # The parse tree is large and lives until the end: keep the collector from rescanning it at
    # every generation-2 collection (checking stays linear in the number of steps).
    import gc
    gc.collect()
    gc.freeze()
    try:
        rep = c.run(script)
    finally:
        gc.unfreeze()
    rep.env = c.env
    rep.classes = c.classes
    rep.context = c.kernel.ctx
    rep.source = text
    return rep


def check_file(path: str) -> ProofReport:
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    return check_text(text, path)
