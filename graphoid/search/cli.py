"""`graphoid prove` and `graphoid models`: read a query, ask search for a derivation or a
counter-model, have the kernel re-check the derivation, and print the answer."""
from __future__ import annotations

import json
import os
import sys
import time

# The kernel, the parser and the resolver are imported by the functions that use them, so that
# `graphoid models` starts without them.

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_UNKNOWN = 0, 1, 2, 3
AXIOM_SEMANTICS = {
    "semigraphoid": "valid in every distribution",
    "graphoid": "valid in every strictly positive distribution",
    "gaussoid": "valid in every regular Gaussian distribution",
}


class QueryError(Exception):
    pass


def parse_query(text: str):
    """'P1, P2 ⊢ G' → ([CI...], CI, variables). Juxtaposed single letters are separate variables."""
    from ..syntax.names import implicit_names
    from ..statements import ci_text
    from ..syntax.parser import parse_query_tree
    from ..syntax.resolve import Env, Resolver
    tree = parse_query_tree(text)
    env = Env(implicit=True, implicit_names=implicit_names(tree))
    rs = Resolver(env)
    stmts = [c for c in tree.children if c is not None and not hasattr(c, "type")]
    negated: set[int] = set()
    out = []
    from ..statements import NotCI
    for t in stmts:
        if t.data == "schema":
            raise QueryError("queries take plain c.i. statements, not 'for all' schemas")
        c = rs.statement(t)
        if isinstance(c, NotCI):   # d-connection: only decided in a graph (--graph)
            c = c.ci
            negated.add(len(out))
        if not c.concrete:
            raise QueryError("queries take concrete variables")
        out.append(c)
    variables: list[str] = []
    for c in out:
        for part in (c.x, c.y, c.z):
            for v in sorted(part.scalars):
                if v not in variables:
                    variables.append(v)
    for c in out:
        for a, b, na, nb in ((c.x, c.y, "left", "right"), (c.x, c.z, "left", "conditioning"), (c.y, c.z, "right", "conditioning")):
            common = a.scalars & b.scalars
            if common:
                raise QueryError("%s: the %s and %s sides share %s; the sets of a statement must be disjoint"
                                 % (ci_text(c), na, nb, ", ".join(sorted(common))))
        if not c.x.scalars or not c.y.scalars:
            raise QueryError("%s: both sides of ⊥⊥ must be nonempty" % ci_text(c))
    out = [NotCI(c) if i in negated else c for i, c in enumerate(out)]
    return out[:-1], out[-1], variables


def _label(i: int) -> str:
    return "p%d" % (i + 1)


def derivation_script(premises, goal, derivation, variables, dsep_graph=None) -> str | None:
    """The derivation as a .gph script (None if it has a case split, which scripts cannot express)."""
    from ..statements import CI, ci_text
    from .derivation import CaseSplit
    if any(isinstance(it, CaseSplit) for it in derivation):
        return None
    lines = ["variables " + ", ".join(variables)]
    for i, p in enumerate(premises):
        lines.append("assume (%s): %s" % (_label(i), ci_text(p)))
    k = len(premises)
    labels = [_label(i) for i in range(k)]
    for n, st in enumerate(derivation, 1):
        c = CI.of(*st.conclusion)
        lab = str(n)
        refs = ", ".join("(%s)" % labels[p] for p in st.premises)
        lines.append("have (%s): %s by %s(%s)" % (lab, ci_text(c), st.rule, refs))
        labels.append(lab)
    return "\n".join(lines) + "\n"


def _graph_from_arg(arg: str):
    """--graph takes a .gph file with one graph, or edges like 'A->B, B->C'."""
    from ..graphs.dag import DAG
    from ..script import check_text
    from ..graphs.dagitty import looks_like_dagitty
    if os.path.exists(arg):
        from ..cli import _read     # bounded read, clear errors
        text = _read(arg)
    elif looks_like_dagitty(arg):   # dagitty's syntax: dag { X -> M -> Y; U [latent] }
        text = "graph G: " + arg + "\n"
    else:
        edges = arg.replace(";", ",")
        names = sorted({tok.strip() for part in edges.split(",") for tok in part.replace("<-", "->").split("->") if tok.strip()})
        text = "variables %s\ngraph G: %s\n" % (", ".join(names), edges)
    rep = check_text(text, arg if os.path.exists(arg) else "<--graph>")
    if rep.parse_error is not None or rep.env is None:
        raise QueryError("cannot read the graph: %s" % (rep.parse_error or "bad graph"))
    bad = [s for s in rep.steps if s.status == "failed" and s.kind.startswith("decl_")]
    if bad:
        raise QueryError("cannot read the graph: %s" % bad[0].message)
    graphs = [g for g in rep.env.graphs.values() if isinstance(g, DAG)]
    if len(graphs) != 1:
        raise QueryError("the graph file must declare exactly one concrete graph; it declares %d" % len(graphs))
    return graphs[0]


def prove_main(args) -> int:
    from ..kernel import Kernel, RuleError
    from ..syntax.parser import GphError
    from ..syntax.resolve import ResolveError
    from .replay import replay
    t0 = time.perf_counter()
    try:
        premises, goal, variables = parse_query(args.query)
    except GphError as e:
        print(e.render(), file=sys.stderr)
        return EXIT_USAGE
    except (ResolveError, QueryError) as e:
        print("graphoid: error: %s" % e, file=sys.stderr)
        return EXIT_USAGE
    if not args.timeout > 0:     # also refuses nan (the parser already does, for the command line)
        print("graphoid: error: --timeout must be positive", file=sys.stderr)
        return EXIT_USAGE
    if args.graph:
        try:
            return _prove_in_graph(args, premises, goal)
        except QueryError as e:
            print("graphoid: error: %s" % e, file=sys.stderr)
            return EXIT_USAGE
    from ..statements import NotCI
    if any(isinstance(c, NotCI) for c in premises + [goal]):
        print("graphoid: error: a d-connection (X ⊥̸⊥ Y | Z) is decided in one graph: add --graph FILE|EDGES",
              file=sys.stderr)
        return EXIT_USAGE
    from . import decide
    from .closure import DEFAULT_MEMORY_MB
    triples = [c.triple() for c in premises]
    try:
        res = decide(triples, goal.triple(), variables, axioms=args.axioms, budget_s=args.timeout,
                     memory_mb=getattr(args, "memory", None) or DEFAULT_MEMORY_MB)
    except ValueError as e:
        print("graphoid: error: %s" % e, file=sys.stderr)
        return EXIT_USAGE
    from . import answer as _ans
    out: dict = {"query": args.query, "axioms": args.axioms, "status": res.status}
    if res.status == "proved":
        out["semantics"] = AXIOM_SEMANTICS[args.axioms]   # replaced below by what the rules used need
    script = None
    if res.status == "proved":
        # The kernel re-checks the proposed derivation; a rejected step means a search bug, and the
        # answer degrades to unknown rather than ever claiming a proof.
        k = Kernel()
        facts = [k.assume(p) for p in premises]
        try:
            fact = replay(k, facts, res.derivation, goal)
            nsteps = _count_steps(res.derivation)
            out["kernel"] = "re-checked %d step%s" % (nsteps, "" if nsteps == 1 else "s")
            out["semantics_of_result"] = fact.semantics.describe()
            # labelled by the rules the derivation actually used (a gaussoid query answered with
            # semigraphoid rules holds in every distribution)
            out["semantics"] = "valid in every distribution" if fact.semantics.describe() == "all distributions" \
                else "valid in " + fact.semantics.describe()
        except RuleError as e:
            res.status = "unknown"
            out["status"] = "unknown"
            out["reason"] = "the kernel rejected a proposed step (%s); please report this" % e
        script = derivation_script(premises, goal, res.derivation, variables)
        out["derivation"] = res.derivation_text()
        if script:
            out["script"] = script
    elif res.status == "refuted":
        out["meaning"] = _ans.refuted_meaning(res)
        out["counter_model_text"] = res.counter_model_text()
        out["counter_model"] = _ans.counter_model_json(res)
        if res.dag_witness is not None:
            out["dag_witness"] = _ans.dag_json(res.dag_witness)
        if res.dist_witness is not None:
            out["distribution_witness"] = _ans.distribution_json(res.dist_witness)
        if res.dag_witness is None and res.dist_witness is None:
            out["witness"] = ("no concrete witness found; the closed structure alone refutes the "
                              "implication under the %s axioms" % args.axioms)
    else:
        out["reason"] = res.reason or "budget exhausted"
    out["seconds"] = round(time.perf_counter() - t0, 4)
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
    elif args.latex and res.status == "proved" and script:
        from ..export.latex import document
        from ..script import check_text
        rep = check_text(script, "derivation")
        sys.stdout.write(document(rep))
    elif args.latex and res.status == "refuted":
        sys.stdout.write(_ans.refutation_document(args.query, premises, goal, res))
    else:
        _print_text(out, res, getattr(args, "table", False))
    return {"proved": EXIT_OK, "refuted": EXIT_FAIL}.get(res.status, EXIT_UNKNOWN)


def _count_steps(items) -> int:
    from .derivation import CaseSplit
    n = 0
    for it in items:
        if isinstance(it, CaseSplit):
            n += 1 + sum(_count_steps(b) + 1 for b in it.branches)
        else:
            n += 1
    return n


def _print_text(out: dict, res, table: bool = False) -> None:
    from . import answer as _ans
    st = out["status"]
    if st == "proved":
        print("proved under the %s axioms (%s); %s by the kernel" % (out["axioms"], out["semantics"], out.get("kernel", "")))
        print(out.get("script") or out["derivation"], end="" if out.get("script") else "\n")
    elif st == "refuted":
        print("refuted under the %s axioms: the goal does not follow" % out["axioms"])
        print(out["counter_model_text"])
        if "dag_witness" in out:
            edges = ", ".join("%s -> %s" % tuple(e) for e in out["dag_witness"]["edges"]) or "no edges"
            print("DAG witness (its d-separations hold the premises, not the goal; checked): " + edges)
        if "distribution_witness" in out:
            d = res.dist_witness
            if _ans.show_table(d, "dag_witness" in out, table):
                print("distribution witness (exact rationals; premises hold, goal fails; checked):")
                print(d.text())
            else:
                print(_ans.table_summary(d))
        if "witness" in out:
            print(out["witness"])
    else:
        print("unknown: %s" % out.get("reason", ""))
    print("(%.3f s)" % out["seconds"])


def _prove_in_graph(args, premises, goal) -> int:
    """Each premise and the goal decided in one DAG by the kernel (d-separation or an active path).
    'proved' only when the goal holds; a failing premise is reported, never a vacuous proof."""
    from .graphquery import GraphInputError, decide_in_graph
    from ..kernel import RuleError
    g = _graph_from_arg(args.graph)
    try:
        ans = decide_in_graph(premises, goal, g)
    except (GraphInputError, RuleError) as e:
        raise QueryError(str(e)) from None
    out = dict(ans.to_json(), query=args.query, script=ans.script())
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
    elif args.latex:
        from ..export.latex import document
        from ..script import check_text
        sys.stdout.write(document(check_text(ans.script(), "graph query")))
    else:
        print("\n".join(ans.lines()))
    return EXIT_OK if ans.status == "proved" else EXIT_FAIL


def models_main(args) -> int:
    """Count closed structures by exact #SAT (Ganak) or list them from a SAT solver, streamed."""
    from .count import MAX_COUNT_VARS, CountTimeout, axiom_cnf, ganak_count, enumerate_structures
    from .models import structure_text
    n = args.vars
    if n < 2 or n > MAX_COUNT_VARS:
        print("graphoid: error: --vars must be between 2 and %d (the number of structures explodes beyond)"
              % MAX_COUNT_VARS, file=sys.stderr)
        return EXIT_USAGE
    cnf = axiom_cnf(n, args.axioms)
    if getattr(args, "dimacs", None):
        try:
            with open(args.dimacs, "w", encoding="utf-8") as fh:
                fh.write(cnf.dimacs())
        except OSError as e:
            print("graphoid: error: cannot write %s: %s" % (args.dimacs, e.strerror), file=sys.stderr)
            return EXIT_USAGE
    show = sys.stderr.isatty() or bool(os.environ.get("GRAPHOID_PROGRESS"))
    names = [chr(ord("A") + i) for i in range(n)]
    t0 = time.monotonic()
    if args.count:
        # Ganak reports no progress, so the display says what is known: the time spent, nothing more.
        tick = _Elapsed(sys.stderr, "counting %s structures on %d variables by exact #SAT (Ganak; "
                        "%d variables, %d clauses); it gives no progress estimate"
                        % (args.axioms, n, cnf.num_vars, len(cnf.clauses))) if show else None
        try:
            c = ganak_count(cnf, timeout=getattr(args, "timeout", None), tick=tick,
                            memory_mb=getattr(args, "memory", None))
        except CountTimeout as e:
            if tick:
                tick.done()
            print("unknown: %s" % e)
            return EXIT_UNKNOWN
        if tick:
            tick.done()
        print("%d %s structures on %d variables" % (c, args.axioms, n))
        return EXIT_OK
    from .closure import Limits
    deadline = None if getattr(args, "timeout", None) is None else t0 + args.timeout
    memory = getattr(args, "memory", None)
    limits = Limits(None, memory)
    k = 0
    listed = enumerate_structures(n, args.axioms, deadline=deadline)
    while True:
        try:
            s = next(listed)
        except StopIteration:
            break
        except CountTimeout:
            s = None
        if s is None:
            if show:
                sys.stderr.write("\n")
            print("unknown: listed %d %s structures on %d variables before the %g s budget ran out"
                  % (k, args.axioms, n, args.timeout))
            return EXIT_UNKNOWN
        k += 1
        print("%d: %s" % (k, structure_text(s, names)))
        if show and k % 1000 == 0:
            sys.stderr.write("\r%d listed so far (%.1f s)" % (k, time.monotonic() - t0))
            sys.stderr.flush()
        over = None
        if deadline is not None and time.monotonic() > deadline:
            over = "the %g s budget ran out" % args.timeout
        elif memory is not None and k % 256 == 0 and limits.grown_mb(0) > memory:
            over = "memory grew past the budget of %d MB (the solver keeps one blocking clause per model)" % memory
        if over:
            if show:
                sys.stderr.write("\n")
            print("unknown: listed %d %s structures on %d variables before %s" % (k, args.axioms, n, over))
            return EXIT_UNKNOWN
    if show:
        sys.stderr.write("\r%d listed (%.1f s)\n" % (k, time.monotonic() - t0))
    print("%d %s structures on %d variables" % (k, args.axioms, n))
    return EXIT_OK


class _Elapsed:
    """A one-line status showing only what is true: what runs, and for how long it has run."""

    def __init__(self, stream, what):
        self.stream, self.what = stream, what
        self.stream.write(what + "\n")
        self.stream.flush()

    def __call__(self, elapsed):
        if int(elapsed) == getattr(self, "_shown", -1):
            return
        self._shown = int(elapsed)
        self.stream.write("\r  %d s elapsed" % self._shown)
        self.stream.flush()

    def done(self):
        self.stream.write("\n")
        self.stream.flush()

