"""The `graphoid` command. Only this module decides exit codes:
0 verified/proved, 1 a step failed / refuted / parse error, 2 usage error, 3 unknown."""
from __future__ import annotations

import argparse
import json
import os
import sys

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_UNKNOWN = 0, 1, 2, 3
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    pass


class InputTooLarge(Exception):
    """A script over the input limit: refused like the parser refuses it (exit 1), unread beyond."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse exits with 2 already; keep its message short and clear
        self.print_usage(sys.stderr)
        print("graphoid: error: %s" % message, file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _read(path: str) -> str:
    """A script's text: from a file, a device, a pipe or stdin ('-'), never more than the input
    limit (at most limit + 1 bytes are read before refusing, so /dev/zero is refused at once)."""
    from .syntax.parser import MAX_SOURCE_CHARS
    limit = 4 * MAX_SOURCE_CHARS           # bytes: a UTF-8 character takes at most 4
    if path != "-" and not os.path.exists(path):
        raise UsageError("no such file: %s" % path)
    if os.path.isdir(path):
        raise UsageError("%s is a directory, not a proof script" % path)
    try:
        if path == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with open(path, "rb") as fh:
                data = fh.read(limit + 1)
    except OSError as e:
        raise UsageError("cannot read %s: %s" % (path, e.strerror)) from None
    if len(data) > limit:
        raise InputTooLarge("%s:1:1: error: input is larger than the limit of %d characters; not read further"
                            % ("<stdin>" if path == "-" else path, MAX_SOURCE_CHARS))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError("%s is not UTF-8 text" % path) from None


def render_report(rep, out, verbose: bool = False) -> None:
    """Terminal form of a report: every failure with position, source line and caret; then what is
    assumed (statements, declarations), what the results hold in, and a summary."""
    if rep.parse_error is not None:
        print(rep.parse_error.render(), file=out)
    for s in rep.steps:
        if s.status == "failed":
            print(s.error.render(), file=out)
        elif verbose:
            print("%s:%d:%d: %s (%s) %s  [%s%s]" % (rep.file, s.line, s.col, s.status, s.label, s.statement, s.rule,
                                                  ("; holds in: " + s.semantics) if s.semantics else ""), file=out)
    decl = rep.declared_assumptions()
    if decl:
        print("%s: assumed in declarations" % rep.file, file=out)
        for d in decl:
            print("  line %d: %s" % (d.line, d.asserts), file=out)
    sm = rep.summary()
    for status, title in (("assumption", "assumed (not checked)"), ("hypothesis", "graph hypotheses (stated, not checked)"),
                          ("enumerated", "checked by enumeration on a class (evidence for those sizes, not a proof)")):
        rows = [st for st in rep.steps if st.status == status]
        if rows:
            print("%s: %s" % (rep.file, title), file=out)
            for st in rows:
                print("  (%s) %s%s" % (st.label, st.statement, ("  [" + st.evidence + "]") if getattr(st, "evidence", "") else ""), file=out)
    held = rep.holds_in()
    if held and not rep.parse_error:
        if len(held) == 1:
            print("%s: holds in: %s" % (rep.file, held[0][0]), file=out)
        else:
            print("%s: holds in:" % rep.file, file=out)
            for sem, labs in held:
                shown = ", ".join("(%s)" % l for l in labs[:8]) + (", …" if len(labs) > 8 else "")
                print("  %s: %s" % (sem, shown), file=out)
    parts = ["%d verified" % sm["verified"], "%d assumption%s" % (sm["assumptions"], "" if sm["assumptions"] == 1 else "s")]
    if sm.get("declared_assumptions"):
        parts.append("%d assumed in declarations" % sm["declared_assumptions"])
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
    from . import budget
    if args.certificate:   # refuse an input or an impossible path before a long check
        from .outputs import check_writable
        check_writable(args.certificate, args.files, "certificate")
    texts = [_read(path) for path in args.files]   # bad input is refused before the heavy imports
    from .script import check_text
    reports = []
    for path, text in zip(args.files, texts):
        reports.append(check_text(text, "<stdin>" if path == "-" else path, max_n=args.max_n))
        if budget.expired():
            break
    if budget.expired():
        for r in reports:
            render_report(r, sys.stdout)
        print("unknown: the time budget of %g s ran out before the check finished (%d of %d files checked); "
              "nothing is claimed" % (args.timeout, len(reports), len(args.files)))
        return EXIT_UNKNOWN
    if args.certificate:
        from .export.certificate import write_certificate
        write_certificate(reports, args.certificate, inputs=args.files)
    if args.json:
        payload = [r.to_json() for r in reports]
        print(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2, ensure_ascii=False))
    else:
        for r in reports:
            render_report(r, sys.stdout, verbose=getattr(args, "verbose", False))
        if len(reports) > 1:
            ok = sum(r.ok for r in reports)
            print("%d of %d files verified" % (ok, len(reports)))
    return EXIT_OK if all(r.ok for r in reports) else EXIT_FAIL


def cmd_latex(args) -> int:
    text = _read(args.file)
    if args.output:
        from .outputs import check_writable
        check_writable(args.output, [args.file], "LaTeX document")
    from .export.latex import document
    from .script import check_text
    rep = check_text(text, args.file)
    tex = document(rep)
    if args.output:
        from .outputs import write_output
        write_output(args.output, tex, inputs=[args.file], what="LaTeX document")
    else:
        sys.stdout.write(tex)
    if not rep.ok:
        render_report(rep, sys.stderr)
    return EXIT_OK if rep.ok else EXIT_FAIL


MAX_TIMEOUT_S = 7 * 24 * 3600.0      # a week: anything longer is a typo, not a budget
MAX_MEMORY_MB = 1 << 20              # 1 TB
DEFAULT_MEMORY_MB = 2048             # prove: the search's own structures
DEFAULT_COUNT_MEMORY_MB = 8192       # models --count: Ganak's component cache (5-semigraphoids need ~3 GB)


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
    c.add_argument("-v", "--verbose", action="store_true", help="show every step with its rule and what it holds in")
    c.add_argument("--certificate", metavar="OUT.json", help="write a certificate for `graphoid recheck`")
    c.add_argument("--max-n", type=int, metavar="K", choices=range(1, 5),
                   help="check graph hypotheses by enumeration for n = 1..K (overrides the scripts' bounds)")
    c.add_argument("--timeout", type=_seconds, metavar="SECONDS",
                   help="overall time budget for all files (exit 3, unknown, when it runs out)")
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
    pr.add_argument("--table", action="store_true", help="print a distribution witness's whole table, however large")
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
    dm.add_argument("--timeout", type=_seconds, metavar="SECONDS", help="overall time budget (exit 3 when it runs out)")
    dm.set_defaults(func=_delegate("graphoid.graphs.cli", "dagmodels_main"))

    dr = sub.add_parser("draw", help="draw a graph or graph class of a script (dot → SVG/PNG, or TikZ)")
    dr.add_argument("file", metavar="FILE")
    dr.add_argument("graph", metavar="GRAPH")
    dr.add_argument("-o", "--output", metavar="OUT.{svg,png,dot,tex}", required=True)
    dr.set_defaults(func=_delegate("graphoid.graphs.cli", "draw_main"))

    cc = sub.add_parser("classcheck", help="check the paper's graph claims on every member of a class")
    cc.add_argument("what", choices=["lemma1", "theorem1", "hypothesis"])
    cc.add_argument("name", nargs="?", help="for 'hypothesis': which one (e.g. no_C_to_B)")
    cc.add_argument("--k", type=int, default=1, choices=range(1, 4), metavar="{1,2,3}",
                    help="lemma1: largest block size (3 with --sat only)")
    cc.add_argument("--kinds", choices=["any", "edge"], default="any",
                    help="lemma1: connections allowed (edge: directed edges only; any: also latent common causes)")
    cc.add_argument("--n", type=int, default=2, choices=range(1, 13), metavar="N",
                    help="largest n (1-3 by enumeration, 1-12 with --sat)")
    cc.add_argument("--method", choices=["enumeration", "sat"], default="enumeration",
                    help="enumerate every member, or decide each size with a SAT solver (python-sat)")
    cc.add_argument("--sat", dest="method", action="store_const", const="sat", help="same as --method sat")
    cc.add_argument("--draw", metavar="FILE", help="with --sat: draw a counter-example (.svg/.png/.dot/.tex)")
    cc.add_argument("--solver", default="cadical195", help="with --sat: a python-sat solver name (e.g. kissat404)")
    cc.add_argument("--time-limit", "--timeout", type=_seconds, default=600.0, metavar="SECONDS",
                    help="overall time budget for all patterns and sizes (exit 3 when it runs out)")
    cc.add_argument("--json", action="store_true")
    cc.set_defaults(func=_delegate("graphoid.graphs.cli", "classcheck_main"))

    bh = sub.add_parser("behaviour", help="decide no-disturbance and factorisability of a behaviour table, "
                        "with an exact certificate (docs/behaviour.md)")
    bh.add_argument("file", metavar="FILE", help="a scenario and behaviour, CSV or JSON")
    bh.add_argument("--format", choices=["csv", "json"], help="default: by extension, else by content")
    bo = bh.add_mutually_exclusive_group()
    bo.add_argument("--json", action="store_true", help="the full certificate, exact numbers as strings")
    bo.add_argument("--latex", action="store_true", help="a LaTeX document with the inequality or decomposition")
    bh.add_argument("--plot", metavar="OUT.png|OUT.svg", help="plot the behaviour against the local bound")
    bh.add_argument("--check-theorem", action="store_true",
                    help="also check proofs/theorem1.gph now and cite its status in the conclusion")
    bh.add_argument("--time-limit", type=float, default=600.0, metavar="SECONDS")
    bh.set_defaults(func=_delegate("graphoid.behaviour.cli", "behaviour_main"))

    ds = sub.add_parser("dsep", help="graph queries: implied d-separations, a minimal separating set, "
                                     "back-door adjustment sets (each re-checked by the kernel)")
    ds.add_argument("what", choices=["implied", "separator", "adjust"])
    ds.add_argument("x", nargs="?", metavar="X", help="separator/adjust: the first set (exposure), e.g. X or 'X1, X2'")
    ds.add_argument("y", nargs="?", metavar="Y", help="separator/adjust: the second set (outcome)")
    ds.add_argument("--graph", required=True, metavar="FILE|EDGES|DAGITTY")
    ds.add_argument("--all", action="store_true", help="implied: one statement per non-adjacent pair instead of the basis")
    ds.add_argument("--script", action="store_true", help="print the answer as a script `graphoid check` verifies")
    ds.add_argument("--json", action="store_true")
    ds.set_defaults(func=_delegate("graphoid.graphs.queries", "dsep_main"))

    hp = sub.add_parser("help", help="the language reference: graphoid help syntax")
    hp.add_argument("topic", nargs="?", default="syntax", choices=["syntax"])
    hp.set_defaults(func=_delegate("graphoid.help", "help_main"))

    rc = sub.add_parser("recheck", help="re-verify a certificate with the independent checker")
    rc.add_argument("certificate", metavar="CERT.json")
    rc.add_argument("--script", action="append", default=[], metavar="FILE.gph",
                    help="also check that the certificate is of this script's text (SHA-256); repeatable")
    rc.set_defaults(func=_delegate("graphoid.recheck", "recheck_main"))

    ls = sub.add_parser("lsp", help="language server (LSP) over stdio for editors: live diagnostics, hover, …")
    ls.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default and only transport)")
    ls.add_argument("--max-n", type=int, metavar="K", choices=range(1, 5),
                    help="as for check: enumeration bound for graph hypotheses")
    ls.add_argument("--progress-ms", type=float, default=150.0, metavar="MS",
                    help="publish the diagnostics found so far when a check runs longer than MS (default 150)")
    ls.set_defaults(func=_delegate("graphoid.lsp.cli", "lsp_main"))
    return p


def _seconds(text: str) -> float:
    from .budget import seconds
    return seconds(text)


def main(argv=None) -> int:
    p = build_parser()
    try:
        args = p.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    if not getattr(args, "command", None):
        p.print_help()
        return EXIT_USAGE
    from . import budget
    from .outputs import OutputError
    limit = getattr(args, "timeout", None) or getattr(args, "time_limit", None)
    budget.set_deadline(limit, args.command)
    try:
        return int(args.func(args))
    except (UsageError, OutputError) as e:
        print("graphoid: error: %s" % e, file=sys.stderr)
        return EXIT_USAGE
    except InputTooLarge as e:
        print(e, file=sys.stderr)
        return EXIT_FAIL
    except budget.BudgetExhausted:
        print("graphoid: time budget of %g s exhausted; unknown, nothing is claimed" % limit, file=sys.stderr)
        return EXIT_UNKNOWN
    except KeyboardInterrupt:
        print("graphoid: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:   # the console entry makes stdout pipe-safe; here the verdict is lost
        try:
            fd = os.open(os.devnull, os.O_WRONLY)
            os.dup2(fd, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_FAIL
    except RecursionError:
        print("graphoid: error: input is nested too deeply", file=sys.stderr)
        return EXIT_FAIL
    except Exception as e:  # last line of defence: a bug must not show a traceback to users
        if os.environ.get("GRAPHOID_DEBUG"):
            raise
        if args.command == "recheck":   # whatever breaks the rechecker, the certificate is not accepted
            print("REJECTED: %s: the checker could not process it (%s: %s)" % (args.certificate, type(e).__name__, e))
            print("recheck: REJECTED (1 problem)")
            return EXIT_FAIL
        print("graphoid: internal error: %s: %s (set GRAPHOID_DEBUG=1 for details; please report it)"
              % (type(e).__name__, e), file=sys.stderr)
        return 4
    finally:
        budget.set_deadline(None)


if __name__ == "__main__":
    from ._entry import main as _entry_main
    _entry_main()
