"""Graph classes declared in scripts, and the translation of script statements (sets of variables,
families over I_B / I_C, schemas over indices, 'no edge', 'is chained') into claims evaluated on
every member of a class for concrete sizes. Results are evidence ("checked for n ≤ k by
enumeration (N graphs)"), never proofs for all n."""
from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field

from ..sets import IDiff, IFull, IName, ISingle, VarSet
from ..statements import CI, Chained, Determines, NoEdge, Schema, statement_text
from .classes import DSep, GraphClass, Member, SetLink, chained_class, check_class, fig3_class
from .fastdsep import bits, d_separated


class ClassError(Exception):
    pass


@dataclass
class ScriptClass:
    """A class a script declared: a block (set-nodes and links), chained(k) or fig3(I_C)."""
    name: str
    kind: str                                   # 'block' | 'chained' | 'fig3'
    sets: dict = field(default_factory=dict)    # block: set name -> vertex names
    links: list = field(default_factory=list)   # block: SetLink
    constraints: list = field(default_factory=list)   # block: CI over set/vertex names
    k: int = 0                                  # chained: largest block size
    c_index: str = ""                           # fig3: the index set of C (I_C)
    b_index: str = ""

    def instances(self, bound: int | None = None):
        """(label, GraphClass) pairs: one class for a block, every size pattern for chained(k),
        n = 1..bound for fig3."""
        if self.kind == "block":
            yield "", GraphClass.from_sets(self.name, self.sets, self.links,
                                           [dsep_of(c) for c in self.constraints])
        elif self.kind == "chained":
            for sizes in itertools.product(range(1, self.k + 1), repeat=4):
                yield "sizes %s" % "".join(map(str, sizes)), chained_class(sizes)
        else:
            for n in range(1, (bound or 2) + 1):
                yield "n=%d" % n, fig3_class(n)


def dsep_of(c: CI) -> DSep:
    if not c.concrete:
        raise ClassError("statements about a declared class name its set-nodes or vertices")
    return DSep(tuple(sorted(c.x.scalars)), tuple(sorted(c.y.scalars)), tuple(sorted(c.z.scalars)))


# ---------------------------------------------------------------------------------------------
# Statements about families (Theorem 1) evaluated on members of the Fig. 3 class


class Translator:
    """Maps the script's families and latents to the roles of a Fig. 3 member: A, X (families
    named A and X), B/C and Y/Z by the partition I_B ⊔ I_C, Λ and Ω (latents named so)."""

    def __init__(self, sc: ScriptClass, decl):
        self.sc, self.decl = sc, decl
        if "A" not in decl.base_families or "X" not in decl.base_families:
            raise ClassError("the Fig. 3 class needs families named A and X")

    def names(self, s: VarSet, m: Member, env: dict) -> list[str]:
        out: list[str] = []
        for v in s.scalars:
            if v not in ("Λ", "Ω"):
                raise ClassError("%s has no counterpart in the Fig. 3 class (latents are Λ and Ω)" % v)
            out.append(v)
        for fam, e in s.fams:
            out.extend(self.members(fam, e, m, env))
        return out

    def index_set(self, e, m: Member, env: dict, n: int) -> set[int]:
        C = {int(i) for i in m.roles["_Cidx"]}
        if isinstance(e, IFull):
            return set(range(1, n + 1))
        if isinstance(e, IName):
            if e.name == self.sc.c_index:
                return C
            if e.name == self.sc.b_index:
                return set(range(1, n + 1)) - C
            if e.name in env:
                return set(env[e.name])
            raise ClassError("index set %s has no counterpart in the Fig. 3 class" % e.name)
        if isinstance(e, ISingle):
            if isinstance(e.term, int):
                return {e.term} if 1 <= e.term <= n else set()
            if e.term in env:
                return {env[e.term]}
            raise ClassError("index %s is not bound" % e.term)
        if isinstance(e, IDiff):
            return self.index_set(e.left, m, env, n) - self.index_set(e.right, m, env, n)
        raise ClassError("index expression not supported by enumeration")

    def members(self, fam: str, e, m: Member, env: dict) -> list[str]:
        n = len(m.roles["A"])
        return ["%s%d" % (fam, i) for i in sorted(self.index_set(e, m, env, n))]

    def bindings(self, stmt, m: Member):
        """Every assignment of the statement's quantified and free index variables."""
        n = len(m.roles["A"])
        binders = list(stmt.binders) if isinstance(stmt, Schema) else []
        names = {b.name: b for b in binders}
        from ..statements import index_terms as _stmt_index_vars
        free = _stmt_index_vars(stmt)
        for v, dom in self.decl.index_vars.items():
            if v not in names and v in free:
                names[v] = type("B", (), {"name": v, "kind": "member", "domain": dom})()
        choices = []
        for b in names.values():
            dom = self.index_set(b.domain, m, {}, n)
            if b.kind == "member":
                choices.append([(b.name, i) for i in sorted(dom)])
            else:
                subs = [c for r in range(len(dom) + 1) for c in itertools.combinations(sorted(dom), r)]
                choices.append([(b.name, frozenset(c)) for c in subs])
        for combo in itertools.product(*choices):
            yield dict(combo)

    def claim(self, stmt, determined: tuple = ()):
        body = stmt.body if isinstance(stmt, Schema) else stmt

        def check(m: Member):
            for env in self.bindings(stmt, m):
                det = tuple(v for s in determined for v in self.names(s, m, env))
                msg = self._eval(body, m, env, det)
                if msg:
                    where = ", ".join("%s=%s" % (k, sorted(v) if isinstance(v, frozenset) else v) for k, v in env.items())
                    return msg + (" (%s)" % where if where else "")
            return None
        return check

    def _eval(self, body, m: Member, env: dict, determined) -> str | None:
        if isinstance(body, CI):
            d = DSep(tuple(self.names(body.x, m, env)), tuple(self.names(body.y, m, env)),
                     tuple(self.names(body.z, m, env)), determined=determined)
            if not d.x or not d.y:
                return None
            return d.evaluate(m)
        if isinstance(body, NoEdge):
            xs = {m.index(v) for v in self.names(body.x, m, env)}
            ys = {m.index(v) for v in self.names(body.y, m, env)}
            for v, pm in enumerate(m.parents):
                for u in bits(pm):
                    if u in xs and v in ys or (not body.directed and u in ys and v in xs):
                        return "edge %s -> %s" % (m.names[u], m.names[v])
            return None
        if isinstance(body, Chained):
            return self._chained(body, m, env)
        raise ClassError("%s cannot be checked by enumeration" % type(body).__name__)

    def _chained(self, body: Chained, m: Member, env) -> str | None:
        where: dict[int, int] = {}
        for k, blk in enumerate(body.blocks):
            for v in self.names(blk, m, env):
                for node in bits(m.resolve([v])):
                    where[node] = k
        obs = len(m.cls.observables)
        missing = [m.names[v] for v in range(obs) if v not in where]
        if missing:
            return "vertices outside the blocks: %s" % ", ".join(missing)
        ch = m.children
        # a latent outside the named blocks may sit in any block adjacent to all its children
        for lat in range(obs, len(m.names)):
            if lat in where:
                continue
            kids = [where[c] for c in bits(ch[lat]) if c in where]
            if kids and max(kids) - min(kids) > 2:
                return "latent %s joins blocks %d and %d" % (m.names[lat], min(kids) + 1, max(kids) + 1)
        for v, pm in enumerate(m.parents):
            for u in bits(pm):
                if u in where and v in where and abs(where[u] - where[v]) > 1:
                    return "edge %s -> %s joins non-adjacent blocks" % (m.names[u], m.names[v])
        return None


def check_statement_on_class(sc: ScriptClass, decl, stmt, determined=(), bound: int = 2,
                             time_limit: float = 60.0):
    """Evaluate one hypothesis on every member for n = 1..bound. Returns (status, text, graphs,
    counter-example member or None); status is 'checked', 'refuted' or 'unknown'."""
    if sc.kind != "fig3":
        raise ClassError("hypotheses about families are checked on a fig3(...) class")
    from ..budget import cap
    time_limit = cap(time_limit)   # never beyond the command's overall budget (--timeout)
    tr = Translator(sc, decl)
    check = tr.claim(stmt, tuple(determined))
    from .classes import Claim
    total = 0
    t0 = time.perf_counter()
    for label, cls in sc.instances(bound):
        left = time_limit - (time.perf_counter() - t0)
        if left <= 0:
            return "unknown", "enumeration ran out of time at %s" % label, total, None
        r = check_class(cls, [Claim(statement_text(stmt, decl), check)], time_limit=left)
        total += r.represented
        if r.counterexample is not None:
            return ("refuted", "fails for %s: %s; counter-example: %s" % (label, r.failure_detail, r.counterexample.describe()),
                    total, r.counterexample)
        if not r.complete:
            return "unknown", "enumeration ran out of time at %s" % label, total, None
    return "checked", "checked for n ≤ %d by enumeration (%d graphs)" % (bound, total), total, None


def check_claims_on_class(sc: ScriptClass, claims: list[CI], given: list[CI], time_limit: float = 60.0):
    """Concrete classes (blocks, chained): every member satisfying `given` satisfies `claims`."""
    if sc.kind == "fig3":
        raise ClassError("enumerate on fig3 classes through hypotheses ('checked on …')")
    from ..budget import cap
    time_limit = cap(time_limit)   # never beyond the command's overall budget (--timeout)
    from .classes import Claim
    ds = [dsep_of(c) for c in claims]
    gs = [dsep_of(c) for c in given]
    total, t0 = 0, time.perf_counter()
    for label, cls in sc.instances():
        for d in ds + gs:
            for nm in d.x + d.y + d.z:
                if nm not in cls.sets and nm not in cls.observables:
                    raise ClassError("%s is neither a set-node nor a vertex of %s" % (nm, sc.name))
        left = time_limit - (time.perf_counter() - t0)
        if left <= 0:
            return "unknown", "enumeration ran out of time at %s" % label, total, None
        r = check_class(cls, [Claim(d.text(), d.evaluate) for d in ds], list(cls.constraints) + gs, time_limit=left)
        total += r.represented
        if r.counterexample is not None:
            return ("refuted", "fails%s: %s; counter-example: %s" % (" for " + label if label else "", r.failure_detail,
                                                                     r.counterexample.describe()), total, r.counterexample)
        if not r.complete:
            return "unknown", "enumeration ran out of time%s" % (" at " + label if label else ""), total, None
    return "checked", "checked on %s by enumeration (%d graphs)" % (sc.name, total), total, None
