"""The shape of a certificate, checked before the rechecker's rules look at it.

`validate(cert)` returns a list of problems, each naming the JSON path of the bad field
("$.files[0].steps[3].premises[1]: expected a string, got an object"). A certificate with any
problem is rejected as a whole (exit 1) without running a rule, so a tampered certificate can no
longer reach checker.py with a dict where it expects a string (`unhashable type: 'dict'`) or a
number where it expects a list. Only shapes are checked here, never meaning: whether a step
follows is the checker's job. Unknown keys are allowed (a later certificate may carry more);
unknown statement types are left to the checker, which rejects them. Standard library only.
"""
from __future__ import annotations

MAX_DEPTH = 64          # index trees and schemas nest far less in any real certificate
MAX_PROBLEMS = 20       # report the first few, not thousands


class _Problems(Exception):
    pass


def _tname(v) -> str:
    if v is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "an object"}.get(type(v), type(v).__name__)


class _V:
    def __init__(self):
        self.problems: list[str] = []

    def bad(self, path: str, msg: str) -> bool:
        self.problems.append("%s: %s" % (path, msg))
        if len(self.problems) >= MAX_PROBLEMS:
            raise _Problems()
        return False

    # -- primitives -------------------------------------------------------------------------
    def typ(self, v, path, *types, what=None) -> bool:
        if type(v) in types:          # exact: True is not a number here
            return True
        names = what or " or ".join(dict.fromkeys(_tname(t()) if t is not type(None) else "null" for t in types))
        return self.bad(path, "expected %s, got %s" % (names, _tname(v)))

    def string(self, v, path) -> bool:
        return self.typ(v, path, str)

    def opt_string(self, v, path) -> bool:
        return self.typ(v, path, str, type(None))

    def boolean(self, v, path) -> bool:
        return self.typ(v, path, bool)

    def integer(self, v, path) -> bool:
        return self.typ(v, path, int, what="an integer")

    def strings(self, v, path) -> bool:
        if not self.typ(v, path, list):
            return False
        return all([self.string(x, "%s[%d]" % (path, i)) for i, x in enumerate(v)])

    def obj(self, v, path, required=(), optional=()) -> bool:
        """An object: `required` keys must be present (each a (key, check) pair), `optional` ones
        are checked when present."""
        if not self.typ(v, path, dict):
            return False
        ok = True
        for key, check in required:
            if key not in v:
                ok = self.bad(path, "missing field %r" % key)
            else:
                ok = check(v[key], "%s.%s" % (path, key)) and ok
        for key, check in optional:
            if key in v:
                ok = check(v[key], "%s.%s" % (path, key)) and ok
        return ok

    def mapping(self, v, path, check) -> bool:
        if not self.typ(v, path, dict):
            return False
        return all([check(x, "%s.%s" % (path, k)) for k, x in v.items()])

    def listof(self, v, path, check) -> bool:
        if not self.typ(v, path, list):
            return False
        return all([check(x, "%s[%d]" % (path, i)) for i, x in enumerate(v)])

    # -- certificate parts --------------------------------------------------------------------
    def index(self, v, path, depth=0) -> bool:
        if depth > MAX_DEPTH:
            return self.bad(path, "index expression nested more than %d deep" % MAX_DEPTH)
        if not self.typ(v, path, dict):
            return False
        forms = [k for k in ("full", "name", "single", "diff", "union", "empty", "upto") if k in v]
        if len(forms) != 1:
            return self.bad(path, "an index expression has exactly one of full, name, single, diff, union, empty, "
                                  "upto; found %s" % (", ".join(forms) or "none"))
        k = forms[0]
        x, p = v[k], "%s.%s" % (path, k)
        if k in ("full", "name"):
            return self.string(x, p)
        if k in ("single", "upto"):     # upto: the indices ≤ a term (X_{<j} is upto j-1)
            return self.typ(x, p, str, int, what="a string or an integer")
        if k == "empty":
            return self.typ(x, p, bool)
        if not self.typ(x, p, list):
            return False
        if k == "diff" and len(x) != 2:
            return self.bad(p, "a difference has 2 operands, not %d" % len(x))
        return all([self.index(e, "%s[%d]" % (p, i), depth + 1) for i, e in enumerate(x)])

    def varset(self, v, path) -> bool:
        if not self.typ(v, path, list):
            return False
        ok = True
        for i, e in enumerate(v):
            p = "%s[%d]" % (path, i)
            if type(e) is str:
                continue
            ok = self.obj(e, p, required=(("family", self.string), ("index", self.index))) and ok
        return ok

    def statement(self, v, path, depth=0) -> bool:
        if depth > MAX_DEPTH:
            return self.bad(path, "statement nested more than %d deep" % MAX_DEPTH)
        if not self.typ(v, path, dict):
            return False
        t = v.get("type")
        if not self.string(t, path + ".type"):
            return False
        S, VS, B, OS = self.string, self.varset, self.boolean, self.opt_string
        shapes = {
            "ci": ((("x", VS), ("y", VS), ("z", VS), ("dsep", B)), (("graph", OS),)),
            "noedge": ((("x", VS), ("y", VS), ("graph", S)), (("directed", B),)),
            "chained": ((("graph", S), ("blocks", lambda x, p: self.listof(x, p, self.varset))), ()),
            "determines": ((("source", VS), ("target", VS)), ()),
            "positive": ((("variables", VS),), ()),
            "principle": ((("name", S),), (("graph", OS),)),
            # probability equations: terms as nested objects, checked by recheck/probability.py
            "equation": ((("lhs", lambda x, p: self.typ(x, p, dict)), ("rhs", lambda x, p: self.typ(x, p, dict))),
                         (("chain", lambda x, p: self.typ(x, p, list)),)),
            "opaque": ((), (("text", S),)),
        }
        if t == "schema":
            binder = lambda x, p: self.obj(x, p, required=(("name", S), ("kind", S), ("domain", self.index)))
            return self.obj(v, path, required=(("binders", lambda x, p: self.listof(x, p, binder)),
                                               ("body", lambda x, p: self.statement(x, p, depth + 1))))
        if t not in shapes:
            return True                  # the checker rejects statement types it does not know
        req, opt = shapes[t]
        return self.obj(v, path, required=req, optional=opt)

    def semantics(self, v, path) -> bool:
        if v is None:
            return True
        return self.obj(v, path, required=(("kind", self.string),),
                        optional=(("graph", self.opt_string), ("positive", self.boolean), ("gaussian", self.boolean),
                                  ("determinism", self.boolean)))

    def obligation(self, v, path) -> bool:
        return self.obj(v, path, required=(("result", self.string),),
                        optional=(("meaning", self.string), ("method", self.string), ("query", self.string),
                                  ("hints", lambda x, p: self.typ(x, p, dict, what="an object"))))

    def bindings(self, v, path) -> bool:
        if v is None:
            return True
        member = lambda x, p: self.typ(x, p, str, int, what="a string or an integer")
        return self.obj(v, path, optional=(("subset", lambda x, p: self.mapping(x, p, self.index)),
                                           ("member", lambda x, p: self.mapping(x, p, member))))

    def step(self, v, path) -> bool:
        S = self.string
        return self.obj(v, path, required=(("label", S), ("kind", S), ("rule", S),
                                           ("premises", self.strings), ("statement", self.statement)),
                        optional=(("semantics", self.semantics),
                                  ("obligations", lambda x, p: self.listof(x, p, self.obligation)),
                                  ("line", self.integer),
                                  ("discharged", lambda x, p: x is None or self.strings(x, p)),
                                  ("bindings", self.bindings)))

    def graph(self, v, path) -> bool:
        if not self.typ(v, path, dict):
            return False
        kind = v.get("kind")
        if not self.string(kind, path + ".kind"):
            return False
        pair = lambda x, p: self.strings(x, p) and (len(x) == 2 or self.bad(p, "an edge has 2 ends, not %d" % len(x)))
        if kind == "dag":
            return self.obj(v, path, required=(("nodes", self.strings), ("edges", lambda x, p: self.listof(x, p, pair))),
                            optional=(("latent", self.strings),))
        if kind == "chain":
            return self.obj(v, path, required=(("blocks", lambda x, p: self.listof(x, p, self.strings)),))
        return True

    def declarations(self, v, path) -> bool:
        S, idx = self.string, self.index
        part = lambda x, p: (self.typ(x, p, list) and (len(x) == 2 or self.bad(p, "a partition is [whole, [parts]]"))
                             and self.string(x[0], p + "[0]") and self.strings(x[1], p + "[1]"))
        sub_of = lambda x, p: (self.typ(x, p, list) and (len(x) == 2 or self.bad(p, "a subset-of entry is [name, index]"))
                               and self.string(x[0], p + "[0]") and self.index(x[1], p + "[1]"))
        fam = lambda x, p: self.obj(x, p, required=(("base", S), ("index", idx)))
        return self.obj(v, path, optional=(
            ("variables", self.strings), ("latent", self.strings),
            ("ranges", lambda x, p: self.mapping(x, p, S)), ("subsets", lambda x, p: self.mapping(x, p, S)),
            ("partitions", lambda x, p: self.listof(x, p, part)),
            ("index_vars", lambda x, p: self.mapping(x, p, idx)),
            ("subset_of", lambda x, p: self.listof(x, p, sub_of)),
            ("families", lambda x, p: self.mapping(x, p, fam)),
            ("base_families", lambda x, p: self.mapping(x, p, S))))

    def failed(self, v, path) -> bool:
        return self.obj(v, path, optional=(("label", self.string), ("message", self.string),
                                           ("line", lambda x, p: self.typ(x, p, int, type(None), what="an integer")),
                                           ("col", lambda x, p: self.typ(x, p, int, type(None), what="an integer"))))

    def file(self, v, path) -> bool:
        return self.obj(v, path, required=(("steps", lambda x, p: self.listof(x, p, self.step)),),
                        optional=(("file", self.string), ("sha256", self.string),
                                  ("summary", lambda x, p: self.mapping(x, p, self.integer)),
                                  ("declarations", self.declarations),
                                  ("graphs", lambda x, p: self.mapping(x, p, self.graph)),
                                  ("failed", lambda x, p: self.listof(x, p, self.failed))))

    def certificate(self, v) -> bool:
        return self.obj(v, "$", required=(("format", self.string), ("version", self.integer),
                                          ("files", lambda x, p: self.listof(x, p, self.file))))


def validate(cert) -> list[str]:
    """Problems with the certificate's shape, each prefixed by its JSON path; [] if well-shaped."""
    v = _V()
    try:
        v.certificate(cert)
    except _Problems:
        v.problems.append("… (stopped after %d problems)" % MAX_PROBLEMS)
    except RecursionError:
        v.problems.append("$: nested too deeply")
    return v.problems
