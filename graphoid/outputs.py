"""Every file graphoid writes (latex -o, check --certificate, draw -o, …) goes through `write_output`.

Policy (also in README.md, "Output files"):
* An output is never one of the command's inputs: the same file (same device and inode, after
  following symlinks) is refused with exit 2 before anything is written.
* A regular file is replaced atomically: the data goes to a unique temporary file in the same
  folder (tempfile.mkstemp), is flushed and fsynced, then renamed over the target (os.replace).
  A failed write (disk full, file-size limit, permission, …) is reported as an OutputError (exit 2)
  and leaves nothing behind: no temporary file, the old target untouched.
* Symlinks are followed: `-o link` replaces the file the link points to and keeps the link (as a
  shell's `>` would). A dangling link creates its target.
* A target that exists and is not a regular file (/dev/null, /dev/stdout, a FIFO) is written in
  place, since it cannot be renamed over; its write errors (/dev/full: ENOSPC) are reported alike.
"""
from __future__ import annotations

import errno
import os
import stat
import tempfile

from . import _entry


class OutputError(Exception):
    """The output could not be written; the message is for the user (the CLI exits 2)."""


def _why(e: OSError) -> str:
    return e.strerror or errno.errorcode.get(e.errno or 0, str(e))


def same_file(a: str, b: str) -> bool:
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def check_not_input(path: str, inputs=()) -> None:
    """Refuse an output path that is (through links) one of the inputs."""
    for src in inputs or ():
        if src and same_file(path, src):
            raise OutputError("refusing to write %s: it is the input %s" % (path, src))


def resolve(path: str) -> str:
    """The file actually written: symlinks followed (a dangling link gives its target)."""
    return os.path.realpath(path)


def write_output(path: str, data: str | bytes, inputs=(), what: str = "output") -> None:
    """Write `data` to `path` under the policy above; OutputError on any failure."""
    if not path:
        raise OutputError("empty output file name")
    check_not_input(path, inputs)
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    target = resolve(path)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise OutputError("cannot write %s %s: %s" % (what, path, _why(e))) from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise OutputError("cannot write %s %s: it is a directory" % (what, path))
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_in_place(path, target, raw, what)
        return
    folder = os.path.dirname(target) or "."
    try:
        fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(target) + ".", suffix=".tmp", dir=folder)
    except OSError as e:
        raise OutputError("cannot write %s %s: %s" % (what, path, _why(e))) from None
    _entry.temp_files.add(tmp)
    try:
        try:
            view = memoryview(raw)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            os.fsync(fd)
            if st is not None:
                mode = stat.S_IMODE(st.st_mode)
            else:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o666 & ~umask
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise OutputError("cannot write %s %s: %s" % (what, path, _why(e))) from None
    finally:
        _entry.temp_files.discard(tmp)


def _write_in_place(path: str, target: str, raw: bytes, what: str) -> None:
    try:
        fd = os.open(target, os.O_WRONLY | os.O_TRUNC if os.path.isfile(target) else os.O_WRONLY)
        try:
            view = memoryview(raw)
            while view:
                n = os.write(fd, view)
                view = view[n:]
        finally:
            os.close(fd)
    except OSError as e:
        raise OutputError("cannot write %s %s: %s" % (what, path, _why(e))) from None


def check_writable(path: str, inputs=(), what: str = "output") -> None:
    """Early check (before a long computation) that `path` can be written: not an input, folder
    exists and is writable. The real write still reports its own failures."""
    check_not_input(path, inputs)
    target = resolve(path)
    if os.path.isdir(target):
        raise OutputError("cannot write %s %s: it is a directory" % (what, path))
    folder = os.path.dirname(target) or "."
    if not os.path.exists(target) and not os.path.isdir(folder):
        raise OutputError("cannot write %s %s: No such file or directory" % (what, path))
