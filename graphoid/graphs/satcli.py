"""`graphoid classcheck … --sat`: the paper's class checks decided by SAT for each concrete size."""
from __future__ import annotations

import json
import os
import sys
import time

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_UNKNOWN = 0, 1, 2, 3


def _draw(member, path: str, title: str) -> str:
    from .draw import DrawError, dag_to_dot, dag_to_tikz, render_dot, standalone
    ext = os.path.splitext(path)[1].lower()
    try:
        if ext == ".tex":
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(standalone(dag_to_tikz(member), title))
        elif ext == ".dot":
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(dag_to_dot(member, title))
        else:
            render_dot(dag_to_dot(member, title), path)
    except (DrawError, OSError) as e:
        return "could not draw the counter-example: %s" % e
    return "counter-example drawn in %s" % path


def classcheck_sat(args) -> int:
    from . import satcheck as sc
    t0 = time.perf_counter()
    limit = args.time_limit
    solver = getattr(args, "solver", sc.DEFAULT_SOLVER)
    from pysat.solvers import SolverNames
    if not hasattr(SolverNames, solver) or solver.startswith("_"):
        print("graphoid: error: unknown SAT solver %r" % solver, file=sys.stderr)
        return EXIT_USAGE
    if args.what == "lemma1":
        results = sc.check_lemma1_sat(args.k, kinds=args.kinds, solver=solver, time_limit=limit)
        label = "Lemma 1 on chained graphs with blocks of 1..%d vertices (%s)" % (
            args.k, "directed edges" if args.kinds == "edge" else "edges and latent common causes")
        bound = "every block size pattern up to %d" % args.k
    else:
        if args.what == "theorem1":
            names = sc.THEOREM1_CLAIMS
            label = "the graph claims of Steps 1a-3b on the Fig. 3 class satisfying (7)"
        else:
            try:
                names = (sc.fig3_claim(args.name or "").name,)
            except ValueError as e:
                print("graphoid: error: %s" % e, file=sys.stderr)
                return EXIT_USAGE
            label = "%s on the Fig. 3 class satisfying (7)" % sc.FIG3_CLAIMS[names[0]].text
        results = []
        for name in names:
            for n in range(1, args.n + 1):
                left = None if limit is None else limit - (time.perf_counter() - t0)
                if left is not None and left <= 0:
                    results.append(sc.SatResult(name, "Fig. 3 class, n=%d" % n, n, "unknown", detail="time limit reached"))
                    break
                results.append(sc.check_fig3(name, n, solver=solver, time_limit=left))
                if results[-1].status != "checked":
                    break
            if results[-1].status != "checked":
                break
        bound = "n ≤ %d" % args.n
    refuted = [r for r in results if r.status == "refuted"]
    unknown = [r for r in results if r.status == "unknown"]
    status, code = ("refuted", EXIT_FAIL) if refuted else ("unknown", EXIT_UNKNOWN) if unknown else ("checked", EXIT_OK)
    secs = time.perf_counter() - t0
    drawn = ""
    if refuted and getattr(args, "draw", None):
        drawn = _draw(refuted[0].counterexample, args.draw, "counter-example: %s" % refuted[0].claim)
    if args.json:
        print(json.dumps({"check": label, "method": "sat", "status": status, "seconds": round(secs, 3),
                          "results": [{"claim": r.claim, "class": r.class_name, "n": r.n, "status": r.status,
                                       "seconds": round(r.seconds, 3), "variables": r.variables, "clauses": r.clauses,
                                       "detail": r.detail,
                                       "counterexample": r.counterexample.describe() if r.counterexample else None}
                                      for r in results]}, indent=2, ensure_ascii=False))
    else:
        print(label)
        for r in results:
            print("  %s: %s" % (r.claim, r.summary()))
        if status == "checked":
            print("%s: checked for %s by SAT (%d solver calls, %.1f s); evidence for these sizes, not a proof for all n"
                  % (label, bound, len(results), secs))
        elif status == "refuted":
            print("%s: REFUTED by SAT: %s" % (label, refuted[0].summary()))
        else:
            print("%s: unknown (%s; nothing is claimed)" % (label, unknown[0].detail))
        if drawn:
            print(drawn)
    return code
