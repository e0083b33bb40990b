"""The independent certificate checker (`graphoid recheck`); all logic is in checker.py, which imports
only the standard library and z3 and can be run on its own: python3 checker.py CERT.json.

`recheck_main` is the command's entry: it reads at most MAX_CERT_BYTES, checks the certificate's
shape (schema.py: every malformed field is a rejection naming its JSON path, exit 1) before any rule
runs, and turns anything unexpected inside the checker into a rejection of the certificate, never a
traceback."""
import json
import os
import sys

from .checker import check_certificate, check_scripts, main, report
from .schema import validate

MAX_CERT_BYTES = 64 * 1024 * 1024


def _read_cert(path: str):
    if not os.path.exists(path):
        raise OSError("no such file")
    if os.path.isdir(path):
        raise OSError("it is a directory")
    with open(path, "rb") as fh:
        data = fh.read(MAX_CERT_BYTES + 1)
    if len(data) > MAX_CERT_BYTES:
        raise ValueError("larger than %d bytes; not a certificate" % MAX_CERT_BYTES)
    return json.loads(data.decode("utf-8"))


def recheck_main(args) -> int:
    """CLI entry: 0 accepted, 1 rejected, 2 usage (unreadable certificate)."""
    path, out = args.certificate, sys.stdout
    try:
        cert = _read_cert(path)
    except (OSError, ValueError, RecursionError) as e:
        print("recheck: cannot read %s: %s" % (path, getattr(e, "strerror", None) or e), file=sys.stderr)
        return 2
    problems = validate(cert)
    if problems:
        for p in problems:
            print("REJECTED: %s: malformed certificate: %s" % (path, p), file=out)
        n = len([p for p in problems if not p.startswith("…")])
        print("recheck: REJECTED (%d problem%s in the certificate's structure)" % (n, "" if n == 1 else "s"), file=out)
        return 1
    try:
        info, errors = check_certificate(cert)
        errors += check_scripts(cert, getattr(args, "script", None) or [])
    except RecursionError:
        info, errors = [], ["%s: nested too deeply to check" % path]
    except Exception as e:   # a checker bug, or a shape schema.py does not know: never accepted
        if os.environ.get("GRAPHOID_DEBUG"):
            raise
        info, errors = [], ["%s: the checker could not process it (%s: %s)" % (path, type(e).__name__, e)]
    return report(info, errors, out)


__all__ = ["check_certificate", "main", "recheck_main", "validate"]
