"""The long stress run of issue 16 (the short one is tests/test_stress.py). Against the installed
`graphoid` command:

* interrupts: SIGINT at a random time (uniform in [0, T] after graphoid installed its handling, and a
  share sent before that, from the first microseconds of the process) during check, classcheck,
  prove, models, dagmodels and latex; each run must end with exactly "graphoid: interrupted" and
  exit 130 (or, if it had finished, with its normal verdict), no traceback;
* budgets: every long command with small budgets; records how far past the budget each ended
  (wall clock from spawn, so interpreter start-up is included) and that each answered unknown (3);
* outputs: writes onto an input (directly and through a link), to /dev/full, under `ulimit -f`,
  to missing folders; counts inputs overwritten, temporary files left behind, wrong exit codes;
* the rechecker: random edits of the shipped proofs' certificates (in-process), counting
  tracebacks/internal errors, acceptances and rejections.

    python bench/stress_long.py                 # defaults below, about 15 minutes on 2 busy cores
    python bench/stress_long.py --interrupts 300 --edits 5000 --json figures.json
"""
from __future__ import annotations

import argparse
import copy
import io
import json
import os
import random
import resource
import signal
import stat
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROOFS = ROOT / "proofs"
GRAPHOID = Path(sys.executable).parent / "graphoid"

LONG_COMMANDS = [
    ["check", str(PROOFS / "theorem1.gph")],
    ["check", "--max-n", "3", str(PROOFS / "theorem1.gph")],
    ["classcheck", "lemma1", "--k", "2"],
    ["classcheck", "theorem1", "--n", "3"],
    ["prove", "(A ⊥ BC | D), (B ⊥ C) ⊢ (A ⊥ B)", "--axioms", "gaussoid"],
    ["models", "--vars", "5", "--count"],
    ["dagmodels", "--nodes", "6", "--count"],
    ["dagmodels", "--nodes", "6", "--count", "--method", "dsep"],
    ["latex", str(PROOFS / "theorem1.gph")],
]
BUDGET_FLAG = {"classcheck": "--time-limit"}
# exit codes of the runs that finish on their own; a run that ends otherwise after a Ctrl-C is wrong
NATURAL = {"check": 0, "latex": 0, "prove": 1}


def blocked(pid: int) -> bool:
    try:
        with open("/proc/%d/status" % pid) as fh:
            for line in fh:
                if line.startswith("SigBlk:"):
                    return bool(int(line.split()[1], 16) & 2)
    except OSError:
        pass
    return False


def execd(pid: int) -> bool:
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as fh:
            return b"bin/graphoid" in fh.read()
    except OSError:
        return False


def interrupts(n: int, rnd: random.Random, horizon: float) -> dict:
    fig = {"runs": 0, "clean_130": 0, "finished_first": 0, "bad": 0, "tracebacks": 0,
           "before_handler": 0, "before_handler_bad": 0, "examples": []}
    for i in range(n):
        argv = rnd.choice(LONG_COMMANDS)
        early = i % 10 == 0          # one in ten: before graphoid's first line can run
        p = subprocess.Popen([str(GRAPHOID), *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))   # even under nohup
        if early:
            # from the moment the new program runs (a signal before exec reaches the forked copy of
            # this script, not graphoid: that is a Ctrl-C before the command was started)
            end = time.monotonic() + 60
            while not execd(p.pid) and p.poll() is None and time.monotonic() < end:
                time.sleep(0.0002)
            time.sleep(rnd.uniform(0, 0.02))
            pre = not blocked(p.pid)
        else:
            pre = False
            end = time.monotonic() + 60
            while not blocked(p.pid) and p.poll() is None and time.monotonic() < end:
                time.sleep(0.001)
            time.sleep(rnd.uniform(0, horizon))
        p.send_signal(signal.SIGINT)
        try:
            out, err = p.communicate(timeout=120)
        except subprocess.TimeoutExpired:     # the interrupt was lost: count it, stop the run
            p.kill()
            out, err = p.communicate()
            fig["runs"] += 1
            fig["ignored"] = fig.get("ignored", 0) + 1
            if not pre:
                fig["bad"] += 1
            continue
        fig["runs"] += 1
        tb = "Traceback" in err
        fig["tracebacks"] += tb and not pre
        if p.returncode == 130 and err == "graphoid: interrupted\n" and "OK:" not in out and "FAILED" not in out:
            fig["clean_130"] += 1
            continue
        natural = NATURAL.get(argv[0])
        if ((p.returncode == natural) if natural is not None else p.returncode in (0, 1, 3)) \
                and "interrupted" not in err and not tb and ("OK:" in out or argv[0] != "check"):
            fig["finished_first"] += 1
            continue
        if pre:   # Python's own start-up, before any graphoid code: outside graphoid's control
            fig["before_handler"] += 1
            continue
        fig["bad"] += 1
        if len(fig["examples"]) < 5:
            fig["examples"].append({"argv": argv, "code": p.returncode, "stderr": err[-400:]})
    return fig


def startup_seconds() -> float:
    ts = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([str(GRAPHOID), "--version"], capture_output=True)
        ts.append(time.perf_counter() - t)
    return statistics.median(ts)


def budgets(budgets_s: list[float]) -> dict:
    fig = {"runs": 0, "unknown_3": 0, "finished_in_budget": 0, "wrong": 0, "over": [], "examples": []}
    for argv in LONG_COMMANDS:
        if argv[0] == "latex":
            continue
        for b in budgets_s:
            flag = BUDGET_FLAG.get(argv[0], "--timeout")
            t = time.perf_counter()
            r = subprocess.run([str(GRAPHOID), *argv, flag, str(b)], capture_output=True, text=True, timeout=900)
            wall = time.perf_counter() - t
            fig["runs"] += 1
            fig["over"].append(round(wall - b, 2))
            if r.returncode == 3 and "Traceback" not in r.stderr:
                fig["unknown_3"] += 1
            elif r.returncode in (0, 1) and wall <= b + 30:
                fig["finished_in_budget"] += 1
            else:
                fig["wrong"] += 1
                fig["examples"].append({"argv": argv + [flag, str(b)], "code": r.returncode, "stderr": r.stderr[-300:]})
    over = fig.pop("over")
    fig["seconds_past_budget_median"] = statistics.median(over)
    fig["seconds_past_budget_max"] = max(over)
    return fig


def outputs(rounds: int) -> dict:
    fig = {"runs": 0, "inputs_overwritten": 0, "temp_left": 0, "wrong_exit": 0, "old_file_damaged": 0}
    src_text = (PROOFS / "lemma1.gph").read_text(encoding="utf-8")
    for k in range(rounds):
        with tempfile.TemporaryDirectory() as d:
            d = Path(d)
            src = d / "in.gph"
            src.write_text(src_text, encoding="utf-8")
            (d / "link.tex").symlink_to("in.gph")
            cases = [
                (["latex", src, "-o", src], 2, None), (["latex", src, "-o", d / "link.tex"], 2, None),
                (["check", src, "--certificate", src], 2, None), (["check", src, "--certificate", d / "link.tex"], 2, None),
                (["latex", src, "-o", "/dev/full"], 2, None), (["check", src, "--certificate", "/dev/full"], 2, None),
                (["latex", src, "-o", d / "no" / "x.tex"], 2, None), (["draw", src, "V", "-o", d / "no" / "x.svg"], 2, None),
                (["draw", src, "V", "-o", d / "no" / "x.tex"], 2, None),
                (["latex", src, "-o", d / "old.tex"], 2, 1024 + 512 * (k % 4)),
                (["check", src, "--certificate", d / "old.json"], 2, 1024 + 512 * (k % 4)),
            ]
            if not (os.path.exists("/dev/full") and stat.S_ISCHR(os.stat("/dev/full").st_mode)):
                cases = [c for c in cases if "/dev/full" not in c[0]]
            for argv, want, fsize in cases:
                for name in ("old.tex", "old.json"):
                    (d / name).write_text("old contents\n")
                before = set(os.listdir(d))
                env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
                pre = (lambda s=fsize: resource.setrlimit(resource.RLIMIT_FSIZE, (s, s))) if fsize else None
                r = subprocess.run([str(GRAPHOID), *map(str, argv)], capture_output=True, text=True,
                                   preexec_fn=pre, env=env, timeout=900)
                fig["runs"] += 1
                fig["inputs_overwritten"] += src.read_text(encoding="utf-8") != src_text
                if src.read_text(encoding="utf-8") != src_text:
                    src.write_text(src_text, encoding="utf-8")
                fig["temp_left"] += len(set(os.listdir(d)) - before)
                fig["wrong_exit"] += r.returncode != want
                fig["old_file_damaged"] += any((d / n).read_text() != "old contents\n" for n in ("old.tex", "old.json"))
    return fig


def mutate(rnd, cert, edits=None):
    """Random edits (`edits`, or 1 to 3): replace, delete or duplicate a value somewhere in the
    certificate. tests/test_stress.py uses it with one edit."""
    c = copy.deepcopy(cert)
    nodes = []

    def walk(v, parent, key):
        nodes.append((parent, key))
        if isinstance(v, dict):
            for k in list(v):
                walk(v[k], v, k)
        elif isinstance(v, list):
            for i in range(len(v)):
                walk(v[i], v, i)
    walk(c, None, None)
    for _ in range(edits or rnd.choice((1, 1, 1, 2, 3))):
        parent, key = rnd.choice(nodes[1:])
        hostile = [None, {}, [], 0, -1, 2 ** 70, 1.5, True, "", "A", "x" * 50, [{}], {"a": []}, [[["A"]]],
                   {"full": "I"}, {"name": {}}, {"diff": [{"empty": True}]}, {"union": None},
                   copy.deepcopy(rnd.choice(nodes[1:])[0] or {})]
        try:
            op = rnd.random()
            if op < 0.2 and isinstance(parent, dict):
                del parent[key]
            elif op < 0.3 and isinstance(parent, list):
                parent.insert(key, copy.deepcopy(parent[key]))
            else:
                parent[key] = rnd.choice(hostile)
        except (KeyError, IndexError):
            pass
    return c


def certificates(n: int, rnd: random.Random) -> dict:
    sys.path.insert(0, str(ROOT))
    from graphoid.cli import main
    fig = {"edits": 0, "accepted": 0, "rejected": 0, "rejected_by_shape": 0, "crashes": 0, "other_exit": 0}
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        certs = []
        for name in ("lemma1", "graphoid_basics", "theorem1"):
            p = d / (name + ".json")
            with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
                main(["check", str(PROOFS / (name + ".gph")), "--certificate", str(p)])
            certs.append(json.loads(p.read_text()))
        for i in range(n):
            c = mutate(rnd, certs[0 if i % 10 < 5 else 1 if i % 10 < 9 else 2])
            p = d / "c.json"
            p.write_text(json.dumps(c))
            out, err = io.StringIO(), io.StringIO()
            try:
                with redirect_stdout(out), redirect_stderr(err):
                    code = main(["recheck", str(p)])
            except BaseException:
                fig["crashes"] += 1
                continue
            text = out.getvalue() + err.getvalue()
            fig["edits"] += 1
            if "Traceback" in text or "internal error" in text:
                fig["crashes"] += 1
            elif code == 0:
                fig["accepted"] += 1
            elif code == 1:
                fig["rejected"] += 1
                fig["rejected_by_shape"] += "malformed certificate" in text
            else:
                fig["other_exit"] += 1
    return fig


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--interrupts", type=int, default=120)
    ap.add_argument("--horizon", type=float, default=4.0, help="interrupts: latest time after start-up")
    ap.add_argument("--budgets", default="0.5,2,5")
    ap.add_argument("--output-rounds", type=int, default=4)
    ap.add_argument("--edits", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--json", metavar="FILE")
    ap.add_argument("--only", default="interrupts,budgets,outputs,certificates", help="phases to run")
    a = ap.parse_args()
    if not GRAPHOID.exists():
        print("needs the installed graphoid command next to %s" % sys.executable, file=sys.stderr)
        return 2
    rnd = random.Random(a.seed)
    t0 = time.perf_counter()
    figs = {"startup_seconds": round(startup_seconds(), 3)}
    for name, fn in (("interrupts", lambda: interrupts(a.interrupts, rnd, a.horizon)),
                     ("budgets", lambda: budgets([float(x) for x in a.budgets.split(",")])),
                     ("outputs", lambda: outputs(a.output_rounds)),
                     ("certificates", lambda: certificates(a.edits, rnd))):
        if name not in a.only.split(","):
            continue
        t = time.perf_counter()
        figs[name] = fn()
        figs[name]["seconds"] = round(time.perf_counter() - t, 1)
        print(name, json.dumps(figs[name], ensure_ascii=False), flush=True)
    figs["seconds"] = round(time.perf_counter() - t0, 1)
    if a.json:
        Path(a.json).write_text(json.dumps(figs, indent=2, ensure_ascii=False))
    keys = {"interrupts": ("bad", "tracebacks"), "budgets": ("wrong",),
            "outputs": ("inputs_overwritten", "temp_left", "wrong_exit", "old_file_damaged"),
            "certificates": ("crashes", "other_exit")}
    bad = sum(figs[ph][k] for ph, ks in keys.items() if ph in figs for k in ks)
    print("stress_long: %s (%.0f s)" % ("all held" if not bad else "%d problems" % bad, figs["seconds"]))
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
