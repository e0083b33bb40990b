"""`graphoid dagmodels`, `graphoid draw` and `graphoid classcheck`: the graph commands."""
from __future__ import annotations

import json
import os
import sys

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_UNKNOWN = 0, 1, 2, 3


def dagmodels_main(args) -> int:
    from .dagmodels import MAX_NODES, count_classes
    if not 1 <= args.nodes <= min(MAX_NODES, 6):
        print("graphoid: error: --nodes must be between 1 and 6", file=sys.stderr)
        return EXIT_USAGE
    from .. import budget
    show = sys.stderr.isatty() or os.environ.get("GRAPHOID_PROGRESS")

    def progress(k):
        budget.check()   # --timeout: BudgetExhausted ends the count as unknown (exit 3)
        if show:
            sys.stderr.write("\r%d DAGs enumerated" % k)
            sys.stderr.flush()
    res = count_classes(args.nodes, method=args.method, progress=progress)
    if show:
        sys.stderr.write("\n")
    print(res.text())
    return EXIT_OK


def draw_main(args) -> int:
    """Draw a graph or class declared in a script, or a built-in class, as SVG/PNG/PDF (dot),
    dot source, or TikZ (.tex)."""
    from .dag import DAG, ChainedGraph
    from .draw import FORMATS, DrawError, class_to_dot, class_to_tikz, dag_to_dot, dag_to_tikz, dot_image, \
        output_format, standalone
    import networkx as nx
    from ..cli import UsageError, _read
    from ..outputs import check_writable, write_output
    from ..script import check_text
    out = args.output
    ext = output_format(out)
    if ext not in FORMATS:
        raise UsageError("cannot tell the drawing format of %s; the output must end in %s"
                         % (out, ", ".join("." + f for f in FORMATS)))
    check_writable(out, [args.file], "drawing")
    rep = check_text(_read(args.file), args.file)
    if rep.parse_error is not None:
        print(rep.parse_error.render(), file=sys.stderr)
        return EXIT_FAIL
    env = rep.env
    obj = None
    g = env.graphs.get(args.graph) if env else None
    if isinstance(g, DAG):
        obj = g.nx()
        for v in obj.nodes:
            obj.nodes[v]["latent"] = v in g.latent
    elif isinstance(g, ChainedGraph):
        from .classes import SetLink, GraphClass
        # each set-node is named by its block's variables (chain(A, B, C, D) draws A, B, C, D)
        names = ["".join(sorted(b)) if all(len(v) == 1 for v in b) else ",".join(sorted(b)) for b in g.blocks]
        sets = {n: tuple(sorted(b)) for n, b in zip(names, g.blocks)}
        links = [SetLink(a, b, "any") for a, b in zip(names, names[1:])]
        obj = GraphClass.from_sets("chained graph " + g.name, sets, links)
    else:
        classes = getattr(rep, "classes", {}) or {}
        sc = classes.get(args.graph)
        if sc is None:
            raise UsageError("%s declares no graph or class named %s" % (args.file, args.graph))
        obj = next(iter(sc.instances(2)))[1]
    try:
        is_class = not isinstance(obj, nx.DiGraph)
        if ext == "tex":
            data = standalone(class_to_tikz(obj) if is_class else dag_to_tikz(obj))
        else:
            dot = class_to_dot(obj) if is_class else dag_to_dot(obj, args.graph)
            data = dot if ext == "dot" else dot_image(dot, ext)
    except DrawError as e:
        print("graphoid: error: %s" % e, file=sys.stderr)
        return EXIT_FAIL
    write_output(out, data, inputs=[args.file], what="drawing")   # OutputError: exit 2, every format
    print("wrote %s" % out)
    return EXIT_OK


def classcheck_main(args) -> int:
    """The paper's class checks from the command line (Lemma 1, (8)-(11), the graph hypotheses)."""
    from . import paper_checks as pc
    if getattr(args, "method", "enumeration") == "sat":
        from .satcli import classcheck_sat
        return classcheck_sat(args)
    if args.n > 3 or args.k > 2:
        print("graphoid: error: enumeration goes up to --n 3 and --k 2; use --sat for larger sizes", file=sys.stderr)
        return EXIT_USAGE
    from .. import budget
    results = []

    def each_n(check):   # one budget for all n: each size gets what is left; stop at the first unfinished
        out = []
        for n in range(1, args.n + 1):
            out.append(check(n, budget.cap(args.time_limit)))
            if not out[-1].complete:
                break
        return out
    if args.what == "lemma1":
        results = pc.check_lemma1(args.k, kinds=args.kinds, time_limit=budget.cap(args.time_limit))
        label = "Lemma 1 on chained graphs with blocks of 1..%d vertices (%s)" % (
            args.k, "directed edges" if args.kinds == "edge" else "edges and latent common causes")
    elif args.what == "theorem1":
        results = each_n(lambda n, left: pc.check_theorem1_dseps(n, time_limit=left))
        label = "(8)-(11) on the Fig. 3 class satisfying (7), n = 1..%d" % args.n
    else:
        if args.name is None:
            print("graphoid: error: classcheck hypothesis needs the hypothesis's name, one of: %s"
                  % ", ".join(pc.HYPOTHESES), file=sys.stderr)
            return EXIT_USAGE
        if args.name not in pc.HYPOTHESES:
            print("graphoid: error: unknown hypothesis %r; known: %s" % (args.name, ", ".join(pc.HYPOTHESES)), file=sys.stderr)
            return EXIT_USAGE
        results = each_n(lambda n, left: pc.check_hypothesis(args.name, n, time_limit=left))
        label = "%s, n = 1..%d" % (pc.HYPOTHESES[args.name][0], args.n)
    graphs = sum(r.represented for r in results)
    refuted = [r for r in results if r.counterexample is not None]
    incomplete = [r for r in results if not r.complete and r.counterexample is None]
    if refuted:
        status, code = "refuted", EXIT_FAIL
    elif incomplete:
        status, code = "unknown", EXIT_UNKNOWN
    else:
        status, code = "checked", EXIT_OK
    if args.json:
        print(json.dumps({"check": label, "status": status, "graphs": graphs,
                          "results": [r.summary() for r in results]}, indent=2, ensure_ascii=False))
    else:
        print(label)
        for r in results:
            print("  " + r.summary())
        if status == "checked":
            print("%s: checked by enumeration (%d graphs)" % (label, graphs))
        elif status == "refuted":
            print("%s: REFUTED: %s" % (label, refuted[0].summary()))
        else:
            print("%s: unknown (enumeration stopped early; nothing is claimed)" % label)
    return code
