"""Entry point of `graphoid lsp`; a clear message, not a traceback, when pygls is not installed."""
from __future__ import annotations

import sys


def lsp_main(args) -> int:
    try:
        from .server import lsp_main as serve
    except ImportError as e:
        print("graphoid: error: `graphoid lsp` needs pygls and lsprotocol: pip install 'graphoid[lsp]' (%s)" % e,
              file=sys.stderr)
        return 2
    return serve(args)
