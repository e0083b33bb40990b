"""Runs the Step 4 check in a fresh process. z3's quantifier instantiation depends on everything the
process has built before (term ids, earlier queries), so the same query could be proved in one
process and time out in another; a fresh process makes the answer depend only on the input.
Results travel back as JSON (exact rationals as strings), never as pickles."""
from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

from ..sets import Obligation


def _ob_json(o: Obligation) -> dict:
    return {"meaning": o.meaning, "result": o.result, "seconds": o.seconds, "method": o.method,
            "detail": o.detail, "query": o.query}


def report_json(rep) -> dict:
    cm = rep.counter_model
    return {
        "premises": sorted(rep.premises), "status": rep.status, "note": rep.note,
        "premises_used": list(rep.premises_used), "latex_lines": list(rep.latex_lines),
        "steps": [{"label": s.label, "latex": s.latex, "rule": s.rule,
                   "obligations": [_ob_json(o) for o in s.obligations],
                   "premises_used": list(s.premises_used), "laws_used": list(s.laws_used),
                   "depends_on": list(s.depends_on)} for s in rep.steps],
        "counter_model": None if cm is None else {
            "n": cm.scenario.n, "I_C": list(cm.scenario.I_C), "variables": list(cm.joint.variables),
            "table": [[list(k), str(p)] for k, p in cm.joint.table], "mechanisms": cm.mechanisms,
            "premises_held": list(cm.premises_held),
            "violation": [list(cm.violation[0]), list(cm.violation[1]), str(cm.violation[2]), str(cm.violation[3])]},
    }


def report_from_json(d: dict):
    from .countermodels import CounterModel
    from .distributions import Joint, Scenario
    from .factorisation import FactorisationReport, Step
    cm = None
    if d["counter_model"] is not None:
        c = d["counter_model"]
        cm = CounterModel(Scenario(c["n"], tuple(c["I_C"])),
                          Joint(tuple(c["variables"]), tuple((tuple(k), Fraction(p)) for k, p in c["table"])),
                          c["mechanisms"], tuple(c["premises_held"]),
                          (tuple(c["violation"][0]), tuple(c["violation"][1]), Fraction(c["violation"][2]),
                           Fraction(c["violation"][3])))
    steps = tuple(Step(s["label"], s["latex"], s["rule"], tuple(Obligation(**o) for o in s["obligations"]),
                       tuple(s["premises_used"]), tuple(s["laws_used"]), tuple(s["depends_on"])) for s in d["steps"])
    return FactorisationReport(frozenset(d["premises"]), steps, d["status"], tuple(d["premises_used"]), cm,
                               d["note"], tuple(d["latex_lines"]))


def run_isolated(premises, timeout_ms: int, rlimit, search: bool, search_budget: int):
    args = {"premises": sorted(premises), "timeout_ms": timeout_ms, "rlimit": rlimit, "search": search,
            "search_budget": search_budget}
    # generous wall-clock bound: every z3 query inside has its own timeout
    from .. import _entry   # an interrupt reaches the worker too, and it dies with graphoid
    r = subprocess.run([sys.executable, "-m", "graphoid.probability.isolated"], input=json.dumps(args),
                       capture_output=True, text=True, timeout=600, **_entry.child_kwargs())
    if r.returncode != 0:
        raise RuntimeError("the factorisation worker failed: " + (r.stderr.strip().splitlines() or ["?"])[-1])
    return report_from_json(json.loads(r.stdout))


def _main() -> None:
    from .factorisation import check_factorisation
    a = json.loads(sys.stdin.read())
    rep = check_factorisation(a["premises"], a["timeout_ms"], a["rlimit"], a["search"], a["search_budget"],
                              isolated=False)
    sys.stdout.write(json.dumps(report_json(rep)))


if __name__ == "__main__":
    _main()
