"""Stress suite for issue 16 (short; the long run is bench/stress_long.py): interrupts at random times
against the installed `graphoid` command, overall budgets, output protection and atomicity, pipes and
huge inputs, the rechecker on hostile certificates, Greek TikZ and long LaTeX documents.

Times in this file are hang guards only (a command that never ends fails instead of blocking CI);
no assertion is about speed. The figures of the long run are in docs/trust.md."""
from __future__ import annotations

import copy
import io
import json
import os
import pty
import random
import resource
import select
import shutil
import signal
import stat
import subprocess
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from graphoid.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import stress_long  # noqa: E402  (its certificate mutation; the long run of this suite)

ROOT = Path(__file__).resolve().parent.parent
THEOREM1 = ROOT / "proofs" / "theorem1.gph"
LEMMA1 = ROOT / "proofs" / "lemma1.gph"
BASICS = ROOT / "proofs" / "graphoid_basics.gph"
GRAPHOID = Path(sys.executable).parent / "graphoid"
HANG = 240          # seconds: a guard against hangs, not a speed requirement

FAILING = """variables X, Y, Z, W
assume (p): (X ⊥⊥ YW | Z)
have (1): (X ⊥⊥ Y | Z) by decomposition(p)
have (2): (X ⊥⊥ Y | Z) by weak_union(p)
"""

GRAPH = "variables A, B, C\ngraph G: A -> B, C -> B\nhave (1): (A ⊥⊥ C)_d by d_separation(G)\n"

def _dev_full_ok() -> bool:
    try:
        return stat.S_ISCHR(os.stat("/dev/full").st_mode)
    except OSError:
        return False


needs_cli = pytest.mark.skipif(not GRAPHOID.exists(), reason="the graphoid command is not installed next to python")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz dot not installed")
needs_latex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")


def run_main(*argv, stdin=None):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _sigint_default():
    """preexec_fn: the child starts with SIGINT at its default even when the test runner was started
    with it ignored (a background job of a script); graphoid keeps an inherited 'ignore'."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def cli(*argv, **kw):
    kw.setdefault("timeout", HANG)
    return subprocess.run([str(GRAPHOID), *map(str, argv)], capture_output=True, text=True, **kw)


# -- 1. interrupts ---------------------------------------------------------------------------------------
def _sigint_blocked(pid: int) -> bool:
    """True once the process has installed graphoid's interrupt handling (SIGINT blocked)."""
    try:
        with open("/proc/%d/status" % pid) as fh:
            for line in fh:
                if line.startswith("SigBlk:"):
                    return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
    except OSError:
        pass
    return False


def _wait(cond, what: str, guard: float = 60.0):
    end = time.monotonic() + guard
    while not cond():
        if time.monotonic() > end:
            pytest.fail("never happened: " + what)
        time.sleep(0.001)


def _children(pid: int) -> list[int]:
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


def _interrupted_cleanly(p, out: str, err: str) -> bool:
    """One line 'graphoid: interrupted' and exit 130, and no verdict about the proof; or the run had
    already finished (its normal verdict, no interrupt message)."""
    if p.returncode == 130:
        return err == "graphoid: interrupted\n" and "OK:" not in out and "FAILED" not in out
    return p.returncode == 0 and "OK:" in out and "interrupted" not in err and "Traceback" not in err


@needs_cli
def test_interrupt_at_random_times_ends_with_one_line_and_130():
    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc")
    rnd = random.Random(16)
    delays = [0.0] + [rnd.uniform(0, 2.5) for _ in range(3)]   # 0: the first moment graphoid runs
    for d in delays:
        p = subprocess.Popen([str(GRAPHOID), "check", str(THEOREM1)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, preexec_fn=_sigint_default)
        _wait(lambda: _sigint_blocked(p.pid) or p.poll() is not None, "SIGINT handling installed")
        time.sleep(d)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=HANG)
        assert _interrupted_cleanly(p, out, err), (d, p.returncode, out[-300:], err[-1500:])


@needs_cli
def test_interrupt_stops_the_child_process_too():
    """Theorem 1's Step 4 runs in a worker process; SIGINT to graphoid alone ends both."""
    p = subprocess.Popen([str(GRAPHOID), "check", str(THEOREM1)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, preexec_fn=_sigint_default)
    _wait(lambda: _children(p.pid) or p.poll() is not None, "the factorisation worker started", guard=HANG)
    kids = _children(p.pid)
    if not kids:
        pytest.skip("the check finished before its worker could be seen")
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=HANG)
    assert (p.returncode, err) == (130, "graphoid: interrupted\n"), (p.returncode, err[-1500:])
    def alive(k):
        try:
            return "State:\tZ" not in Path("/proc/%d/status" % k).read_text()
        except OSError:
            return False
    _wait(lambda: not any(alive(k) for k in kids), "the worker ended", guard=30)


# -- 2. budgets ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("argv", [
    ["prove", "(A ⊥ B | C) ⊢ (A ⊥ B)", "--timeout", "nan"],
    ["prove", "(A ⊥ B | C) ⊢ (A ⊥ B)", "--timeout", "inf"],
    ["prove", "(A ⊥ B | C) ⊢ (A ⊥ B)", "--timeout", "1e308"],
    ["prove", "(A ⊥ B | C) ⊢ (A ⊥ B)", "--timeout", "-3"],
    ["classcheck", "lemma1", "--time-limit", "-1"],
    ["classcheck", "lemma1", "--time-limit", "nan"],
    ["check", str(LEMMA1), "--timeout", "0"],
    ["models", "--vars", "3", "--count", "--timeout", "inf"],
    ["dagmodels", "--nodes", "3", "--count", "--timeout", "-1"],
])
def test_absurd_budgets_are_usage_errors(argv):
    code, out, err = run_main(*argv)
    assert code == 2 and "time budget" in err, (code, out, err)


def test_classcheck_time_limit_is_one_total_budget():
    """The limit is for all 16 block-size patterns together: the run stops at the first pattern the
    budget did not cover (before: every pattern got the whole limit again)."""
    code, out, err = run_main("classcheck", "lemma1", "--k", "2", "--time-limit", "0.5")
    assert code == 3, (out, err)
    rows = [ln.strip() for ln in out.splitlines() if ln.startswith("  ")]
    assert rows and rows[-1].startswith("unknown") and all(not r.startswith("unknown") for r in rows[:-1]), rows
    assert len(rows) < 16


@needs_cli
@pytest.mark.parametrize("argv", [
    ["check", "--max-n", "3", "--timeout", "2", THEOREM1],
    ["models", "--vars", "5", "--count", "--timeout", "1"],
    ["dagmodels", "--nodes", "6", "--count", "--method", "dsep", "--timeout", "1"],
    ["classcheck", "lemma1", "--k", "2", "--kinds", "edge", "--time-limit", "1"],
])
def test_long_commands_with_a_small_budget_answer_unknown(argv):
    r = cli(*argv)
    assert r.returncode == 3, (r.returncode, r.stdout[-500:], r.stderr[-1500:])
    assert "Traceback" not in r.stderr and ("unknown" in r.stdout + r.stderr)


@needs_cli
def test_budget_progress_only_on_a_terminal():
    r = cli("models", "--vars", "5", "--count", "--timeout", "1.5")
    assert r.returncode == 3 and "of the budget" not in r.stderr
    master, slave = pty.openpty()
    p = subprocess.Popen([str(GRAPHOID), "models", "--vars", "5", "--count", "--timeout", "1.5"],
                         stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    seen = b""
    end = time.monotonic() + HANG
    while time.monotonic() < end:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        elif p.poll() is not None:
            break
    p.wait(timeout=HANG)
    os.close(master)
    assert p.returncode == 3 and b"of the budget" in seen, seen[-500:]


# -- 3. outputs --------------------------------------------------------------------------------------------
def _script(tmp_path, text=FAILING, name="in.gph"):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


@pytest.mark.parametrize("how", ["latex", "certificate", "draw", "link"])
def test_an_output_never_overwrites_an_input(tmp_path, how):
    src = _script(tmp_path, GRAPH)
    before = src.read_bytes()
    if how == "latex":
        code, out, err = run_main("latex", str(src), "-o", str(src))
    elif how == "certificate":
        code, out, err = run_main("check", str(src), "--certificate", str(src))
    elif how == "draw":
        code, out, err = run_main("draw", str(src), "G", "-o", str(src.with_suffix(".tex")))
        assert code in (0, 1)     # a different file is fine; now name the input itself through a link
        (tmp_path / "same.tex").symlink_to(src)
        code, out, err = run_main("draw", str(src), "G", "-o", str(tmp_path / "same.tex"))
    else:
        (tmp_path / "link.tex").symlink_to(src)
        code, out, err = run_main("latex", str(src), "-o", str(tmp_path / "link.tex"))
    assert code == 2 and "input" in err, (code, err)
    assert src.read_bytes() == before


def test_certificate_does_not_touch_a_users_tmp_file(tmp_path):
    src = _script(tmp_path, LEMMA1.read_text(encoding="utf-8"))
    mine = tmp_path / "cert.json.tmp"
    mine.write_text("my notes")
    code, _, err = run_main("check", str(src), "--certificate", str(tmp_path / "cert.json"))
    assert code == 0, err
    assert mine.read_text() == "my notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cert.json", "cert.json.tmp", "in.gph"]
    assert json.loads((tmp_path / "cert.json").read_text())["format"] == "graphoid-certificate"


@pytest.mark.parametrize("argv", [
    ["latex", "{src}", "-o", "{out}.tex"],
    ["check", "{src}", "--certificate", "{out}.json"],
    ["draw", "{src}", "G", "-o", "{out}.tex"],
    ["draw", "{src}", "G", "-o", "{out}.dot"],
    pytest.param(["draw", "{src}", "G", "-o", "{out}.svg"], marks=needs_dot),
    pytest.param(["draw", "{src}", "G", "-o", "{out}.PNG"], marks=needs_dot),
])
@pytest.mark.parametrize("where", ["missing-folder", "directory", "/dev/full"])
def test_unwritable_outputs_exit_2_for_every_command(tmp_path, argv, where):
    src = _script(tmp_path, GRAPH)
    if where == "missing-folder":
        out = str(tmp_path / "no" / "such" / "out")
    elif where == "directory":
        (tmp_path / "d.tex").mkdir()
        (tmp_path / "d.json").mkdir()
        (tmp_path / "d.dot").mkdir()
        (tmp_path / "d.svg").mkdir()
        (tmp_path / "d.PNG").mkdir()
        out = str(tmp_path / "d")
    else:
        if not _dev_full_ok():
            pytest.skip("/dev/full is not the full device here")
        out = None
    args = [a.format(src=src, out=out) for a in argv]
    if out is None:
        args[-1] = "/dev/full"
        if args[0] == "draw":
            pytest.skip("/dev/full has no drawing extension; covered by test_write_output_to_dev_full")
    code, o, err = run_main(*args)
    assert code == 2 and "cannot write" in err, (code, o, err)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.is_dir()) == ["in.gph"]
    if out is None:   # written in place: the device is still a device (never renamed over)
        assert _dev_full_ok()


@pytest.mark.skipif(not _dev_full_ok(), reason="/dev/full is not the full device here")
def test_write_output_to_dev_full():
    from graphoid.outputs import OutputError, write_output
    with pytest.raises(OutputError, match="No space left"):
        write_output("/dev/full", "x" * 100000)


@needs_dot
def test_draw_accepts_upper_case_extensions(tmp_path):
    src = _script(tmp_path, "variables A, B\ngraph G: A -> B\n")
    code, out, err = run_main("draw", str(src), "G", "-o", str(tmp_path / "g.PNG"))
    assert code == 0, err
    assert (tmp_path / "g.PNG").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, out, err = run_main("draw", str(src), "G", "-o", str(tmp_path / "g.jpeg"))
    assert code == 2 and "format" in err


@needs_cli
def test_file_size_limit_leaves_the_old_file_and_no_temporary(tmp_path):
    """ulimit -f: the write fails (EFBIG), is reported with exit 2, the old output stays whole."""
    src = _script(tmp_path, LEMMA1.read_text(encoding="utf-8"))
    for argv, name in ((["latex", src, "-o"], "out.tex"), (["check", src, "--certificate"], "out.json")):
        old = tmp_path / name
        old.write_text("old contents\n")

        def limit():
            resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")   # only graphoid's own output hits the limit
        r = subprocess.run([str(GRAPHOID), *map(str, argv), str(old)], capture_output=True, text=True,
                           preexec_fn=limit, timeout=HANG, env=env)
        assert r.returncode == 2 and "cannot write" in r.stderr, (r.returncode, r.stderr[-800:])
        assert old.read_text() == "old contents\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted({"in.gph", "out.tex", name})


def test_symlinked_outputs_are_followed_by_every_writer(tmp_path):
    """One policy: `-o link` replaces the file the link points to and keeps the link."""
    src = _script(tmp_path, LEMMA1.read_text(encoding="utf-8"))
    cases = [("latex", ["latex", str(src), "-o"], ".tex"),
             ("certificate", ["check", str(src), "--certificate"], ".json")]
    for what, argv, ext in cases:
        target = tmp_path / ("target" + ext)
        target.write_text("old")
        link = tmp_path / ("link" + ext)
        link.symlink_to(target.name)
        code, _, err = run_main(*argv, str(link))
        assert code == 0, err
        assert link.is_symlink() and os.readlink(link) == target.name, what
        assert target.read_text() != "old", what


# -- 4. pipes, huge lines, bounded reads --------------------------------------------------------------
@needs_cli
def test_closed_stdout_keeps_the_verdicts_exit_code(tmp_path):
    src = _script(tmp_path)
    r_fd, w_fd = os.pipe()
    os.close(r_fd)                       # the reader is gone before graphoid writes a byte
    p = subprocess.run([str(GRAPHOID), "check", str(src)], stdout=w_fd, stderr=subprocess.PIPE,
                       text=True, timeout=HANG)
    os.close(w_fd)
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert "Traceback" not in p.stderr and "BrokenPipe" not in p.stderr


@needs_cli
def test_head_of_a_failing_check_keeps_exit_1(tmp_path):
    steps = "\n".join("have (%d): (X ⊥⊥ Y | Z) by weak_union(p)" % i for i in range(1, 400))
    src = _script(tmp_path, FAILING + steps + "\n")
    r = subprocess.run(["bash", "-c", '"$0" check "$1" | head -1 >/dev/null; echo "${PIPESTATUS[0]}"',
                        str(GRAPHOID), str(src)], capture_output=True, text=True, timeout=HANG)
    assert r.stdout.strip() == "1", (r.stdout, r.stderr[-500:])


def test_error_on_a_huge_line_shows_a_window(tmp_path):
    line = "have (1): (X ⊥⊥ Y | Z) by decomposition(p)" + " " * 100000 + "@@" + " " * 100000
    src = _script(tmp_path, "variables X, Y, Z\nassume (p): (X ⊥⊥ Y | Z)\n" + line + "\n")
    code, out, err = run_main("check", str(src))
    assert code == 1
    assert len(out) + len(err) < 3000, len(out) + len(err)
    shown = [ln for ln in (out + err).splitlines() if "@@" in ln]
    assert shown, out[:2000]
    caret = (out + err).splitlines()[(out + err).splitlines().index(shown[0]) + 1]
    assert caret.index("^") == shown[0].index("@@")


@needs_cli
def test_endless_inputs_are_refused_after_the_limit():
    """Refused like any over-long script (exit 1, positioned), after reading only limit + 1 bytes."""
    r = cli("check", "/dev/zero")
    assert r.returncode == 1 and "/dev/zero:1:1: error: input is larger than the limit" in r.stderr, r.stderr
    with open("/dev/zero", "rb") as zero:
        r = subprocess.run([str(GRAPHOID), "check", "-"], stdin=zero, capture_output=True, text=True, timeout=HANG)
    assert r.returncode == 1 and "<stdin>:1:1: error: input is larger than the limit" in r.stderr, r.stderr


# -- 5. the rechecker on hostile certificates -------------------------------------------------------------
@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    d = tmp_path_factory.mktemp("certs")
    out = {}
    for f in (LEMMA1, BASICS):
        p = d / (f.stem + ".json")
        code, _, err = run_main("check", str(f), "--certificate", str(p))
        assert code == 0, err
        out[f.stem] = json.loads(p.read_text())
    return out


def _recheck(tmp_path, cert, name="c.json"):
    p = tmp_path / name
    p.write_text(json.dumps(cert))
    return run_main("recheck", str(p))


@pytest.mark.parametrize("edit, path", [
    (lambda c: c["files"][0]["steps"][1].__setitem__("premises", [{}]), "$.files[0].steps[1].premises[0]"),
    (lambda c: c["files"][0]["steps"][0].__setitem__("label", {"a": 1}), "$.files[0].steps[0].label"),
    (lambda c: c["files"][0]["steps"][0]["statement"].__setitem__("x", 7), "$.files[0].steps[0].statement.x"),
    (lambda c: c["files"][0].__setitem__("graphs", []), "$.files[0].graphs"),
    (lambda c: c["files"][0]["declarations"].__setitem__("variables", [["A"]]), "$.files[0].declarations.variables[0]"),
    (lambda c: c["files"][0]["steps"][0].__setitem__("obligations", [5]), "$.files[0].steps[0].obligations[0]"),
])
def test_malformed_certificate_fields_are_rejected_with_their_path(tmp_path, certs, edit, path):
    c = copy.deepcopy(certs["graphoid_basics"])
    edit(c)
    code, out, err = _recheck(tmp_path, c)
    assert code == 1, (code, out, err)
    assert path + ":" in out and "REJECTED" in out and "internal error" not in err + out


def _mutate(rnd: random.Random, cert):
    """One random edit: replace, delete or duplicate a value somewhere in the certificate."""
    return stress_long.mutate(rnd, cert, edits=1)


def test_random_certificate_edits_are_accepted_or_rejected_never_a_crash(tmp_path, certs):
    rnd = random.Random(1616)
    seen = {"accepted": 0, "rejected": 0}
    for i in range(250):
        base = certs["lemma1" if i % 2 else "graphoid_basics"]
        c = _mutate(rnd, base)
        code, out, err = _recheck(tmp_path, c)
        assert code in (0, 1), (code, out[-500:], err[-500:])
        assert "Traceback" not in out + err and "internal error" not in out + err
        last = out.strip().splitlines()[-1]
        assert last.startswith("recheck: ACCEPTED" if code == 0 else "recheck: REJECTED"), last
        seen["accepted" if code == 0 else "rejected"] += 1
    assert seen["rejected"] > 150, seen


# -- 6. drawings and long documents -------------------------------------------------------------------------
@needs_latex
def test_tikz_of_a_greek_vertex_compiles(tmp_path):
    from graphoid.graphs.draw import compile_latex
    src = _script(tmp_path, "variables Λ, A, Ω2\ngraph G: Λ -> A, A -> Ω2\n")
    code, out, err = run_main("draw", str(src), "G", "-o", str(tmp_path / "g.tex"))
    assert code == 0, err
    tex = (tmp_path / "g.tex").read_text(encoding="utf-8")
    assert "Λ" not in tex and r"\Lambda" in tex
    assert compile_latex(tex, tmp_path / "build", "g").exists()


def _long_script(n: int) -> str:
    steps = "\n".join("have (%d): (X ⊥⊥ Y | Z) by decomposition(p)" % i for i in range(1, n + 1))
    return "variables X, Y, Z, W\nassume (p): (X ⊥⊥ YW | Z)\n" + steps + "\n"


def test_long_derivations_are_split_into_several_displays():
    from graphoid.export.latex import ROWS_PER_DISPLAY, document
    from graphoid.script import check_text
    tex = document(check_text(_long_script(1000), "long.gph"))
    blocks = tex.split(r"\begin{align}")[1:]
    assert len(blocks) >= 1000 // ROWS_PER_DISPLAY
    assert max(b.split(r"\end{align}")[0].count(r"\tag{") for b in blocks) <= ROWS_PER_DISPLAY
    assert tex.count(r"\tag{") == 1001


@needs_latex
def test_a_long_derivation_compiles(tmp_path):
    from graphoid.graphs.draw import compile_latex
    from graphoid.export.latex import document
    from graphoid.script import check_text
    tex = document(check_text(_long_script(300), "long.gph"))
    assert compile_latex(tex, tmp_path, "long").exists()


def test_an_unexpected_error_inside_the_rechecker_rejects_the_certificate(tmp_path, certs, monkeypatch):
    """The catch-all: whatever escapes the checker's rules is a rejection naming the certificate."""
    import graphoid.recheck as rc

    def broken(cert):
        raise TypeError("unhashable type: 'dict'")
    monkeypatch.setattr(rc, "check_certificate", broken)
    code, out, err = _recheck(tmp_path, certs["lemma1"], "cert.json")
    assert code == 1 and "REJECTED" in out and "cert.json" in out and "TypeError" in out, (code, out, err)
    assert "internal error" not in err and "Traceback" not in err


@needs_cli
def test_an_inherited_ignored_sigint_stays_ignored():
    """`graphoid … &` in a script (SIGINT ignored by the shell) is not stopped by a SIGINT."""
    p = subprocess.Popen([str(GRAPHOID), "check", str(LEMMA1)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    _wait(lambda: Path("/proc/%d/task" % p.pid).exists() and len(os.listdir("/proc/%d/task" % p.pid)) > 1
          or p.poll() is not None, "graphoid started its watcher")
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=HANG)
    assert p.returncode == 0 and "OK:" in out and "interrupted" not in err, (p.returncode, err)
