"""The `graphoid` console entry point. It runs before anything heavy is imported (z3, lark, sympy,
networkx), so that from the first milliseconds on an interrupt, a time budget, a closed pipe or a
file-size limit ends the process the same way every time:

* Ctrl-C (SIGINT): one line "graphoid: interrupted" on stderr, exit 130, never a verdict, never a
  traceback. SIGINT is blocked in every thread and taken by one watcher thread (signal.sigtimedwait),
  so no KeyboardInterrupt is ever raised inside z3's ctypes calls (which turned it into
  `ArgumentError`), inside `__del__` (where Python prints and swallows it), and z3's own SIGINT
  handler (which cancels the query and reports "unknown") never sees it. z3 releases the GIL during
  a query, so the watcher ends the process at once, even mid-query.
* A time budget (`set_deadline`): when it is exceeded by more than MARGIN_S the watcher prints
  "graphoid: time budget of … s exhausted …" and exits 3 (unknown). Commands that stop cleanly on
  their own budget finish before that.
* stdout to a closed pipe (`… | head -1`): further output is dropped, the exit code is the verdict's.
* RLIMIT_FSIZE (`ulimit -f`): SIGXFSZ is ignored, so an oversized write fails with EFBIG and is
  reported (exit 2) instead of killing the process with a half-written file.

Before exiting on an interrupt or a budget, temporary output files (graphoid.outputs) are removed
and child processes are told to stop. Standard library only."""
from __future__ import annotations

import os
import signal
import sys
import threading
import time

EXIT_UNKNOWN, EXIT_INTERRUPTED = 3, 130
MARGIN_S = 2.0                      # a budget ends at most this much after it expires

_lock = threading.Lock()            # whoever takes it decides how the process ends
_state = {"deadline": None, "budget": None, "what": "", "active": False, "progress": None, "sigint": True}
temp_files: set[str] = set()        # graphoid.outputs registers its temporary files here
children: set = set()               # Popen objects to stop on an interrupt


def _cleanup() -> None:
    for p in list(children):
        try:
            p.kill()
        except Exception:
            pass
    for t in list(temp_files):
        try:
            os.unlink(t)
        except OSError:
            pass


def _die(code: int, message: str) -> None:
    """End the process now with one line on stderr (called from the watcher thread)."""
    if not _lock.acquire(timeout=2.0):
        pass                         # the main thread is finishing and stuck on a pipe: end anyway
    bar = _state.get("progress")
    try:
        if bar is not None:
            os.write(2, b"\r\x1b[K")
    except OSError:
        pass
    _cleanup()
    try:
        os.write(2, message.encode() + b"\n")
    except OSError:
        pass
    os._exit(code)


def _watch() -> None:
    started = time.monotonic()
    while True:
        dl = _state["deadline"]
        now = time.monotonic()
        wait = 0.25 if dl is None else max(0.01, min(0.25, dl + MARGIN_S - now))
        try:
            if _state["sigint"]:
                sig = signal.sigtimedwait({signal.SIGINT}, wait)
            else:
                sig = None
                time.sleep(wait)
        except Exception:
            sig = None
        if sig is not None:
            _die(EXIT_INTERRUPTED, "graphoid: interrupted")
        dl = _state["deadline"]
        now = time.monotonic()
        if dl is not None and now > dl + MARGIN_S:
            _die(EXIT_UNKNOWN, "graphoid: time budget of %g s exhausted (stopped %.1f s after it); "
                 "unknown, nothing is claimed" % (_state["budget"], now - dl))
        bar = _state["progress"]
        if bar is not None:
            try:
                bar(now - started)
            except Exception:
                _state["progress"] = None


def install() -> None:
    """Block SIGINT in this (and every later) thread and start the watcher. Idempotent."""
    if _state["active"]:
        return
    _state["active"] = True
    # Started with SIGINT ignored (`cmd &` in a script, nohup): keep ignoring it, as Python does.
    _state["sigint"] = signal.getsignal(signal.SIGINT) is not signal.SIG_IGN
    if _state["sigint"]:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    threading.Thread(target=_watch, name="graphoid-watch", daemon=True).start()


def active() -> bool:
    return bool(_state["active"])


def set_deadline(seconds: float | None, what: str = "") -> None:
    """Start the command's overall budget; the process ends (exit 3) at most MARGIN_S after it."""
    if seconds is None:
        _state["deadline"] = None
        return
    _state["budget"], _state["what"] = seconds, what
    _state["deadline"] = time.monotonic() + seconds
    if sys.stderr.isatty() and active():
        _state["progress"] = _TimeBar(seconds, what)


def remaining() -> float | None:
    """Seconds left of the overall budget (None: no budget)."""
    dl = _state["deadline"]
    return None if dl is None else dl - time.monotonic()


def expired() -> bool:
    r = remaining()
    return r is not None and r <= 0


class _TimeBar:
    """The budget as a progress bar on a terminal (tqdm when installed)."""

    def __init__(self, total: float, what: str):
        self.total = total
        try:
            cols, rows = os.get_terminal_size(2)
        except OSError:
            cols, rows = 0, 0
        try:
            from tqdm import tqdm
            self.bar = tqdm(total=round(total, 1), desc=what or "graphoid", unit="s", leave=False, ncols=cols or 80, nrows=rows or 24,
                            bar_format="{desc}: {bar} {n:.0f}/{total:.0f} s of the budget", file=sys.stderr)
        except Exception:
            self.bar = None

    def __call__(self, elapsed: float) -> None:
        v = round(min(elapsed, self.total), 1)
        if self.bar is not None:
            self.bar.n = v
            self.bar.refresh()
        else:
            sys.stderr.write("\r%.0f / %.0f s of the budget" % (v, self.total))
            sys.stderr.flush()


def child_init() -> None:
    """preexec_fn for child processes: SIGINT unblocked again (a Ctrl-C on the terminal reaches them)
    and, on Linux, the child is sent SIGTERM if graphoid dies first."""
    if _state["sigint"]:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        import ctypes
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)     # PR_SET_PDEATHSIG
    except Exception:
        pass


def child_kwargs() -> dict:
    """Extra subprocess arguments for graphoid's children (empty outside the console entry)."""
    return {"preexec_fn": child_init} if active() else {}


class _PipeSafe:
    """stdout that survives its reader going away: on EPIPE, fd 1 becomes /dev/null and the command
    runs on to its own exit code (`check failing.gph | head -1` still exits 1)."""

    def __init__(self, stream):
        self._s = stream
        self.broken = False

    def _drop(self) -> None:
        self.broken = True
        try:
            fd = os.open(os.devnull, os.O_WRONLY)
            os.dup2(fd, self._s.fileno())   # (and so any other stream on the same pipe)
            os.close(fd)
        except (OSError, ValueError):
            pass

    def write(self, s):
        try:
            return self._s.write(s)
        except BrokenPipeError:
            self._drop()
            return len(s)

    def flush(self):
        try:
            self._s.flush()
        except BrokenPipeError:
            self._drop()
            try:
                self._s.flush()
            except (BrokenPipeError, OSError, ValueError):
                pass

    def __getattr__(self, name):
        return getattr(self._s, name)


def main() -> int:
    install()
    sys.stdout = _PipeSafe(sys.stdout)
    sys.stderr = _PipeSafe(sys.stderr)   # `2>&1 | head` too
    from .cli import main as cli_main
    code = cli_main()
    with _lock:     # from here on an interrupt no longer changes the outcome
        _state["deadline"] = None
        bar = _state.get("progress")
        if bar is not None and getattr(bar, "bar", None) is not None:
            try:
                bar.bar.close()
            except Exception:
                pass
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(int(code))


if __name__ == "__main__":
    main()
