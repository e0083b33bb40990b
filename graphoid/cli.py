"""The `graphoid` command. Only this module decides exit codes:
0 verified/proved, 1 a step failed / refuted / parse error, 2 usage error, 3 unknown."""
from __future__ import annotations

import argparse
import json
import os
import sys

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_UNKNOWN = 0, 1, 2, 3


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse exits with 2 already; keep its message short and clear
        self.print_usage(sys.stderr)
        print("graphoid: error: %s" % message, file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _read(path: str) -> str:
    if not os.path.exists(path):
        raise UsageError("no such file: %s" % path)
    if os.path.isdir(path):
        raise UsageError("%s is a directory, not a proof script" % path)
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except UnicodeDecodeError:
        raise UsageError("%s is not UTF-8 text" % path) from None
    except OSError as e:
        raise UsageError("cannot read %s: %s" % (path, e.strerror)) from None


def render_report(rep, out) -> None:
    """Terminal form of a report: every failure with position, source line and caret; then a summary."""
    if rep.parse_error is not None:
        print(rep.parse_error.render(), file=out)
    for s in rep.steps:
        if s.status == "failed":
            print(s.error.render(), file=out)
    sm = rep.summary()
    for status, title in (("assumption", "assumed (not checked)"), ("hypothesis", "graph hypotheses (stated, not checked)"),
                          ("enumerated", "checked by enumeration on a class (evidence for those sizes, not a proof)")):
        rows = [st for st in rep.steps if st.status == status]
        if rows:
            print("%s: %s" % (rep.file, title), file=out)
            for st in rows:
                print("  (%s) %s%s" % (st.label, st.statement, ("  [" + st.evidence + "]") if getattr(st, "evidence", "") else ""), file=out)
    parts = ["%d verified" % sm["verified"], "%d assumption%s" % (sm["assumptions"], "" if sm["assumptions"] == 1 else "s")]
    if sm["hypotheses"]:
        parts.append("%d graph hypothes%s (stated, not checked)" % (sm["hypotheses"], "is" if sm["hypotheses"] == 1 else "es"))
    if sm.get("enumerated"):
        parts.append("%d checked by enumeration" % sm["enumerated"])
    parts.append("%d failed" % sm["failed"])
    ob = "%d side conditions" % sm["obligations"]
    if sm["z3_obligations"]:
        ob += " (%d by z3, %.2f s)" % (sm["z3_obligations"], sm["z3_seconds"])
    extra = getattr(rep, "extra_lines", None) or []
    for line in extra:
        print(line, file=out)
    status = "OK" if rep.ok else "FAILED"
    print("%s: %s: %s; %s" % (rep.file, status, ", ".join(parts), ob), file=out)


def cmd_check(args) -> int:
    from .script import check_text
    reports = []
    for path in args.files:
        text = _read(path)
        reports.append(check_text(text, path, max_n=args.max_n))
    if args.certificate:
        from .export.certificate import write_certificate
        write_certificate(reports, args.certificate)
    if args.json:
        payload = [r.to_json() for r in reports]
        print(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2, ensure_ascii=False))
    else:
        for r in reports:
            render_report(r, sys.stdout)
        if len(reports) > 1:
            ok = sum(r.ok for r in reports)
            print("%d of %d files verified" % (ok, len(reports)))
    return EXIT_OK if all(r.ok for r in reports) else EXIT_FAIL


def cmd_latex(args) -> int:
    from .export.latex import document
    from .script import check_text
    text = _read(args.file)
    rep = check_text(text, args.file)
    tex = document(rep)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as fh:
                fh.write(tex)
        except OSError as e:
            raise UsageError("cannot write %s: %s" % (args.output, e.strerror)) from None
    else:
        sys.stdout.write(tex)
    if not rep.ok:
        render_report(rep, sys.stderr)
    return EXIT_OK if rep.ok else EXIT_FAIL


MAX_TIMEOUT_S = 7 * 24 * 3600.0      # a week: anything longer is a typo, not a budget
MAX_MEMORY_MB = 1 << 20              # 1 TB
DEFAULT_MEMORY_MB = 2048             # prove: the search's own structures
DEFAULT_COUNT_MEMORY_MB = 8192       # models --count: Ganak's component cache (5-semigraphoids need ~3 GB)


def _seconds(text: str) -> float:
    """--timeout: a finite positive number of seconds, at most a week (nan, inf, 0, negatives refused)."""
    import argparse as _ap
    import math
    try:
        v = float(text)
    except ValueError:
        raise _ap.ArgumentTypeError("%r is not a number of seconds" % text) from None
    if not math.isfinite(v) or v <= 0 or v > MAX_TIMEOUT_S:
        raise _ap.ArgumentTypeError("%r: the budget must be a finite number of seconds in (0, %d]"
                                    % (text, MAX_TIMEOUT_S))
    return v


def _megabytes(text: str) -> int:
    """--memory: a whole number of megabytes, at least 16 and at most 1 TB."""
    import argparse as _ap
    try:
        v = int(text)
    except ValueError:
        raise _ap.ArgumentTypeError("%r is not a whole number of megabytes" % text) from None
    if v < 16 or v > MAX_MEMORY_MB:
        raise _ap.ArgumentTypeError("%r: the memory budget must be between 16 and %d MB" % (text, MAX_MEMORY_MB))
    return v


def _delegate(module: str, func: str):
    def run(args) -> int:
        import importlib
        mod = importlib.import_module(module)
        return getattr(mod, func)(args)
    return run


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="graphoid", description="A proof assistant for conditional independence.")
    p.add_argument("--version", action="version", version="graphoid 0.1.0")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    c = sub.add_parser("check", help="check proof scripts (*.gph)")
    c.add_argument("files", nargs="+", metavar="FILE")
    c.add_argument("--json", action="store_true", help="machine-readable report")
    c.add_argument("--certificate", metavar="OUT.json", help="write a certificate for `graphoid recheck`")
    c.add_argument("--max-n", type=int, metavar="K", choices=range(1, 5),
                   help="check graph hypotheses by enumeration for n = 1..K (overrides the scripts' bounds)")
    c.set_defaults(func=cmd_check)

    lx = sub.add_parser("latex", help="export a checked script as a LaTeX document")
    lx.add_argument("file", metavar="FILE")
    lx.add_argument("-o", "--output", metavar="OUT.tex")
    lx.set_defaults(func=cmd_latex)

    pr = sub.add_parser("prove", help="decide 'PREMISES ⊢ GOAL': a derivation or a counter-model")
    pr.add_argument("query")
    pr.add_argument("--axioms", default="semigraphoid", choices=["semigraphoid", "graphoid", "gaussoid"])
    pr.add_argument("--graph", metavar="FILE|EDGES")
    pr.add_argument("--timeout", type=_seconds, default=10.0, metavar="SECONDS")
    pr.add_argument("--memory", type=_megabytes, default=DEFAULT_MEMORY_MB, metavar="MB",
                    help="memory the search may build before answering unknown (default %d MB)" % DEFAULT_MEMORY_MB)
    pr.add_argument("--json", action="store_true")
    pr.add_argument("--latex", action="store_true")
    pr.set_defaults(func=_delegate("graphoid.search.cli", "prove_main"))

    m = sub.add_parser("models", help="count or list c.i. structures closed under axioms")
    m.add_argument("--axioms", default="semigraphoid", choices=["semigraphoid", "graphoid", "gaussoid"])
    m.add_argument("--vars", type=int, required=True, metavar="N")
    g = m.add_mutually_exclusive_group(required=True)
    g.add_argument("--count", action="store_true")
    g.add_argument("--list", action="store_true")
    m.add_argument("--timeout", type=_seconds, default=None, metavar="SECONDS",
                   help="give up (exit 3) when counting or listing takes longer (default: no limit)")
    m.add_argument("--memory", type=_megabytes, default=DEFAULT_COUNT_MEMORY_MB, metavar="MB",
                   help="give up (exit 3) when counting or listing grows memory past this (default %d MB)"
                   % DEFAULT_COUNT_MEMORY_MB)
    m.add_argument("--dimacs", metavar="OUT.cnf", help="also write the axiom CNF in DIMACS form")
    m.set_defaults(func=_delegate("graphoid.search.cli", "models_main"))

    dm = sub.add_parser("dagmodels", help="count d-separation relations of all DAGs on N nodes")
    dm.add_argument("--nodes", type=int, required=True, metavar="N")
    dm.add_argument("--count", action="store_true", required=True)
    dm.add_argument("--method", choices=["keys", "dsep"], default="keys",
                    help="keys: skeleton + v-structures, cross-checked by d-separation; dsep: hash every DAG's relation")
    dm.set_defaults(func=_delegate("graphoid.graphs.cli", "dagmodels_main"))

    dr = sub.add_parser("draw", help="draw a graph or graph class of a script (dot → SVG/PNG, or TikZ)")
    dr.add_argument("file", metavar="FILE")
    dr.add_argument("graph", metavar="GRAPH")
    dr.add_argument("-o", "--output", metavar="OUT.{svg,png,dot,tex}", required=True)
    dr.set_defaults(func=_delegate("graphoid.graphs.cli", "draw_main"))

    cc = sub.add_parser("classcheck", help="check the paper's graph claims on every member of a class")
    cc.add_argument("what", choices=["lemma1", "theorem1", "hypothesis"])
    cc.add_argument("name", nargs="?", help="for 'hypothesis': which one (e.g. no_C_to_B)")
    cc.add_argument("--k", type=int, default=1, choices=range(1, 3), help="lemma1: largest block size")
    cc.add_argument("--kinds", choices=["any", "edge"], default="any",
                    help="lemma1: connections allowed (edge: directed edges only; any: also latent common causes)")
    cc.add_argument("--n", type=int, default=2, choices=range(1, 4), help="largest n")
    cc.add_argument("--time-limit", type=float, default=600.0, metavar="SECONDS")
    cc.add_argument("--json", action="store_true")
    cc.set_defaults(func=_delegate("graphoid.graphs.cli", "classcheck_main"))

    rc = sub.add_parser("recheck", help="re-verify a certificate with the independent checker")
    rc.add_argument("certificate", metavar="CERT.json")
    rc.set_defaults(func=_delegate("graphoid.recheck", "recheck_main"))
    return p


def main(argv=None) -> int:
    p = build_parser()
    try:
        args = p.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    if not getattr(args, "command", None):
        p.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except UsageError as e:
        print("graphoid: error: %s" % e, file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("graphoid: interrupted", file=sys.stderr)
        return EXIT_UNKNOWN
    except BrokenPipeError:
        return EXIT_OK
    except RecursionError:
        print("graphoid: error: input is nested too deeply", file=sys.stderr)
        return EXIT_FAIL
    except Exception as e:  # last line of defence: a bug must not show a traceback to users
        if os.environ.get("GRAPHOID_DEBUG"):
            raise
        print("graphoid: internal error: %s: %s (set GRAPHOID_DEBUG=1 for details; please report it)"
              % (type(e).__name__, e), file=sys.stderr)
        return 4


if __name__ == "__main__":
    sys.exit(main())
