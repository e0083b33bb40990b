"""Start-up side by side: this tree vs an earlier revision (default: the commit before the start-up work),
each in fresh processes, alternating, same machine, same moment.

  whole    `graphoid check proofs/theorem1.gph` (the whole process, with its Step 4 child)
  basics   `graphoid check proofs/graphoid_basics.gph` (a script without Step 4)
  startup  `python -c "import graphoid.script, graphoid.cli; parser._parser()"`: imports plus the grammar,
           i.e. everything a check pays before reading its file
  imports  cumulative import time of graphoid.script + graphoid.cli from `python -X importtime`

    python3 bench/bench_startup.py --repeat 3 [--before 67329bb]
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STARTUP = "import graphoid.script, graphoid.cli; from graphoid.syntax import parser; parser._parser()"


def export(rev: str, dest: str) -> str:
    """The tree at rev as an importable directory (grammar placed where the package expects it)."""
    tar = subprocess.run(["git", "-C", ROOT, "archive", rev], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", dest], input=tar, check=True)
    shutil.copytree(os.path.join(dest, "grammar"), os.path.join(dest, "graphoid", "grammar"),
                    dirs_exist_ok=True)
    open(os.path.join(dest, "graphoid", "grammar", "__init__.py"), "a").close()
    return dest


def timed(cmd, env, cwd):
    """CPU seconds (user + system of the child and the processes it waited for), and the result."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode not in (0,):
        raise SystemExit("failed (%d): %s\n%s" % (r.returncode, " ".join(cmd), r.stderr[-2000:]))
    WALL.append(wall)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), r


WALL: list = []


def import_seconds(env, cwd):
    _, r = timed([sys.executable, "-X", "importtime", "-c", "import graphoid.script, graphoid.cli"], env, cwd)
    total = 0
    for line in r.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[2].strip() in ("graphoid.script", "graphoid.cli"):
            total += int(parts[1])
    sympy = any(l.split("|")[-1].strip() == "sympy" for l in r.stderr.splitlines() if l.count("|") == 2)
    return total / 1e6, sympy


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", default="67329bb")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="graphoid-before-")
    cache = tempfile.mkdtemp(prefix="graphoid-cache-")
    try:
        before = export(a.before, tmp)
        trees = {"before": before, "after": ROOT}
        envs = {}
        for name, tree in trees.items():
            e = dict(os.environ, PYTHONPATH=tree, XDG_CACHE_HOME=cache)
            envs[name] = e
            timed([sys.executable, "-c", STARTUP], e, tree)          # warm the file cache and lark's cache
        rows = {name: {"whole": [], "basics": [], "startup": [], "imports": []} for name in trees}
        for _ in range(a.repeat):
            for name, tree in trees.items():
                e = envs[name]
                rows[name]["whole"].append(timed([sys.executable, "-m", "graphoid.cli", "check",
                                                  "proofs/theorem1.gph"], e, tree)[0])
                rows[name].setdefault("whole_wall", []).append(WALL[-1])
                rows[name]["basics"].append(timed([sys.executable, "-m", "graphoid.cli", "check",
                                                   "proofs/graphoid_basics.gph"], e, tree)[0])
                rows[name]["startup"].append(timed([sys.executable, "-c", STARTUP], e, tree)[0])
                s, sympy = import_seconds(e, tree)
                rows[name]["imports"].append(s)
                rows[name]["sympy"] = sympy
        print("medians of %d runs; CPU seconds of the process tree (whole, basics, startup), "
              "import seconds from -X importtime; before = %s" % (a.repeat, a.before))
        print("%-7s %8s %11s %8s %8s %8s %10s %s" % ("tree", "whole", "whole wall", "basics", "startup",
                                                   "imports", "startup %", "sympy at import"))
        for name in trees:
            r = {k: statistics.median(v) for k, v in rows[name].items() if k != "sympy"}
            print("%-7s %8.2f %11.2f %8.2f %8.2f %8.2f %9.0f%% %s" % (
                name, r["whole"], r["whole_wall"], r["basics"], r["startup"], r["imports"],
                100 * r["startup"] / r["whole"], rows[name]["sympy"]))
        b = {k: statistics.median(v) for k, v in rows["before"].items() if k != "sympy"}
        n = {k: statistics.median(v) for k, v in rows["after"].items() if k != "sympy"}
        print("ratios before/after: " + ", ".join("%s %.2f×" % (k, b[k] / n[k]) for k in ("whole", "basics",
                                                                                        "startup", "imports")))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
