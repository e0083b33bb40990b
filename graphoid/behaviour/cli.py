"""`graphoid behaviour FILE`: exit 0 factorisable, 1 not factorisable (or disturbing), 2 bad input,
3 unknown."""
from __future__ import annotations

import json
import os
import sys

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_UNKNOWN = 0, 1, 2, 3


def behaviour_main(args) -> int:
    from .decide import decide
    from .formats import load_behaviour
    from .model import BehaviourError
    from .render import latex_document, plot, render_text
    if args.plot:
        ext = os.path.splitext(args.plot)[1].lower()
        if ext not in (".png", ".svg"):
            print("graphoid: error: --plot needs a .png or .svg file name, got %s" % args.plot, file=sys.stderr)
            return EXIT_USAGE
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            print("graphoid: error: --plot needs matplotlib (pip install 'graphoid[plot]')", file=sys.stderr)
            return EXIT_USAGE
    try:
        b = load_behaviour(args.file, fmt=args.format)
    except BehaviourError as e:
        print(e.render() if e.where else "graphoid: error: %s" % e.message, file=sys.stderr)
        return EXIT_USAGE
    except RecursionError:
        print("%s: error: the JSON is nested too deeply" % args.file, file=sys.stderr)
        return EXIT_USAGE
    res = decide(b, time_limit=args.time_limit, check_theorem=args.check_theorem)
    if args.json:
        print(json.dumps(res.to_json(), indent=2, ensure_ascii=False))
    elif args.latex:
        sys.stdout.write(latex_document(res))
    else:
        print(render_text(res))
    if args.plot:
        try:
            plot(res, args.plot)
        except OSError as e:
            print("graphoid: error: cannot write %s: %s" % (args.plot, e.strerror), file=sys.stderr)
            return EXIT_USAGE
    return res.exit_code
