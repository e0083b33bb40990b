"""The independent certificate checker (`graphoid recheck`); all logic is in checker.py, which imports
only the standard library and z3 and can be run on its own: python3 checker.py CERT.json."""
from .checker import check_certificate, main


def recheck_main(args) -> int:
    """CLI entry: 0 accepted, 1 rejected, 2 usage (unreadable certificate)."""
    argv = [args.certificate]
    for f in getattr(args, "script", None) or []:
        argv += ["--script", f]
    return main(argv)


__all__ = ["check_certificate", "main", "recheck_main"]
