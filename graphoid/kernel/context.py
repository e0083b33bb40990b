"""The kernel's context: every declaration a script makes (variables, latents, graphs, index ranges,
families, subfamilies, partitions, subsets, arbitrary indices, classes), append-only.

A name is declared once, in one namespace shared by every kind of declaration; a second declaration
(or a name that looks like a declared one, by Unicode TR39 confusables) is refused, naming the first
one's line. Declarations are validated (an `arbitrary` index needs a domain that can be non-empty, a
partition's parts are new and distinct names, ...), and every declaration that asserts something — a
partition, a subset relation, a non-empty domain — is recorded as an assumption of the proof, so the
report, JSON, LaTeX and certificate can list it. A Fact records the context it was checked in as
(context, size): since the context only grows, that pair names exactly what the fact could see."""
from __future__ import annotations

from dataclasses import dataclass

from ..sets import IDiff, IEmpty, IFull, IName, IndexDecl, IndexExpr, ISingle, IUnion, SetTheory, index_names, index_vars


class ContextError(Exception):
    """A declaration was refused; `line`/`col` point at the offending name when known."""

    def __init__(self, message: str, line: int = 0, col: int = 0):
        super().__init__(message)
        self.line, self.col = line, col


@dataclass(frozen=True)
class Declaration:
    """One declaration as the kernel recorded it. `asserts` is the text of what it assumes (empty
    for a declaration that only introduces names with no constraint)."""
    kind: str
    names: tuple[str, ...]
    line: int
    text: str
    asserts: str = ""


def skeleton(name: str) -> str:
    """The TR39 skeleton: NFD, map every character to its prototype, NFD again."""
    import unicodedata
    from .confusables_table import PROTOTYPE as t
    s = unicodedata.normalize("NFD", name)
    s = "".join(t.get(ch, ch) for ch in s)
    return unicodedata.normalize("NFD", s)


def _skeleton_confusable(a: str, b: str) -> bool:
    """Two different names that a reader could not tell apart (TR39: Greek Α and Latin A)."""
    return a != b and skeleton(a) == skeleton(b)


class Context:
    """Append-only declarations. Mutated only through the kernel's declare_* methods."""

    def __init__(self):
        self._decls: list[Declaration] = []
        self._names: dict[str, tuple[str, int]] = {}   # name -> (kind, line)
        self._skels: dict[str, str] = {}               # TR39 skeleton -> declared name
        self.decl = IndexDecl()
        self.scalars: dict[str, bool] = {}            # variable -> latent?
        self.graphs: dict = {}
        self.classes: dict = {}
        self._sealed = True

    # -- reading ---------------------------------------------------------------------------------
    @property
    def size(self) -> int:
        return len(self._decls)

    @property
    def declarations(self) -> tuple[Declaration, ...]:
        return tuple(self._decls)

    def assumed(self) -> list[Declaration]:
        """Declarations that assert something: part of what every proof in this context assumes."""
        return [d for d in self._decls if d.asserts]

    def theory(self) -> SetTheory:
        return SetTheory(self.decl)

    def has_prefix(self, other: "Context", size: int) -> bool:
        """True if this context starts with exactly the first `size` declarations of `other` (the
        same records): a fact checked in (other, size) means the same here."""
        if other is self:
            return size <= self.size
        if size > self.size or size > other.size:
            return False
        return all(a is b for a, b in zip(self._decls[:size], other._decls[:size]))

    def fork(self) -> "Context":
        """A copy that can be extended independently (an editor re-checking from an edited item):
        it shares the declaration records, so facts of the common prefix stay valid in it."""
        import copy
        c = Context.__new__(Context)
        c._decls = list(self._decls)
        c._names = dict(self._names)
        c._skels = dict(self._skels)
        c.decl = copy.deepcopy(self.decl)
        c.scalars = dict(self.scalars)
        c.graphs = dict(self.graphs)
        c.classes = dict(self.classes)
        c._sealed = True
        return c

    def declared(self, name: str) -> tuple[str, int] | None:
        return self._names.get(name)

    # -- writing (kernel only) -------------------------------------------------------------------
    def _claim_name(self, name: str, kind: str, line: int, col: int = 0):
        if not name:
            raise ContextError("a declaration needs a name", line, col)
        prev = self._names.get(name)
        if prev is not None:
            raise ContextError("%s is already declared (as %s, line %d); a name is declared once"
                               % (name, prev[0], prev[1]), line, col)
        other = self._skels.get(skeleton(name))
        if other is not None and other != name:
            okind, oline = self._names[other]
            if True:
                raise ContextError("%s looks like the %s %s declared on line %d (Unicode confusables); "
                                   "use a name a reader can tell apart" % (name, okind, other, oline), line, col)

    def _add(self, d: Declaration, names_cols=()):
        for name, col in names_cols:
            self._names[name] = (d.kind, d.line)
            self._skels.setdefault(skeleton(name), name)
        self._decls.append(d)


# ---------------------------------------------------------------------------------------------
# Declarations, each validated. These are methods of the kernel (kernel/rules.py mixes them in) so
# that nothing outside kernel/ writes to a context.

class Declarations:
    """Mixin for Kernel: the only way to extend self.ctx."""

    ctx: Context

    def declare_variables(self, names: list[tuple[str, int, int]], latent: bool, line: int, text: str = ""):
        seen: dict[str, str] = {}
        for name, l, c in names:
            if name in seen.values():
                raise ContextError("%s is listed twice" % name, l, c)
            sk = skeleton(name)
            if sk in seen:
                raise ContextError("%s looks like %s in the same declaration (Unicode confusables); "
                                   "use a name a reader can tell apart" % (name, seen[sk]), l, c)
            seen[sk] = name
            self.ctx._claim_name(name, "latent" if latent else "variable", l, c)
        for name, l, c in names:
            self.ctx.scalars[name] = latent
            self.ctx.decl.scalar_names.add(name)
        self.ctx._add(Declaration("latent" if latent else "variables", tuple(n for n, _, _ in names), line, text),
                      [(n, c) for n, _, c in names])

    def declare_graph(self, name: str, graph, line: int, col: int = 0, text: str = ""):
        """A concrete DAG (checked acyclic here, at its declaration) or a chained graph."""
        from ..graphs.dag import DAG, ChainedGraph
        self.ctx._claim_name(name, "graph", line, col)
        if isinstance(graph, DAG):
            for v in graph.nodes:
                if v not in self.ctx.scalars:
                    raise ContextError("unknown vertex %r: declare it with 'variables' or 'latent'" % v, line, col)
            loops = [u for u, v in graph.edges if u == v]
            if loops:
                raise ContextError("graph %s is not acyclic: it has a self-loop %s -> %s" % (name, loops[0], loops[0]), line, col)
            cyc = graph.find_cycle()
            if cyc:
                raise ContextError("graph %s is not acyclic: it has the cycle %s" % (name, " -> ".join(cyc)), line, col)
        elif isinstance(graph, ChainedGraph):
            seen: dict[str, int] = {}
            for k, b in enumerate(graph.blocks):
                if not b:
                    raise ContextError("block %d of chain %s is empty" % (k + 1, name), line, col)
                for v in b:
                    if v not in self.ctx.scalars:
                        raise ContextError("unknown vertex %r in chain %s" % (v, name), line, col)
                    if v in seen:
                        raise ContextError("%s is in blocks %d and %d of chain %s; blocks are disjoint"
                                           % (v, seen[v] + 1, k + 1, name), line, col)
                    seen[v] = k
        self.ctx.graphs[name] = graph
        self.ctx._add(Declaration("graph", (name,), line, text), [(name, col)])

    def declare_index(self, name: str, bound: str, line: int, col: int = 0, text: str = ""):
        """index I = 1..n: a range and its bound symbol n (n ≥ 1, otherwise arbitrary)."""
        self.ctx._claim_name(name, "index range", line, col)
        if bound != name:
            self.ctx._claim_name(bound, "range bound", line, col)
        if bound == name:
            raise ContextError("the range and its bound need different names", line, col)
        self.ctx.decl.ranges[name] = bound
        self.ctx._add(Declaration("index", (name, bound), line, text, ""), [(name, col), (bound, col)])

    def declare_family(self, names: list[tuple[str, int, int]], over: str, line: int, text: str = ""):
        if over not in self.ctx.decl.ranges:
            raise ContextError("unknown index range %r (declare: index %s = 1..n)" % (over, over), line)
        for name, l, c in names:
            self.ctx._claim_name(name, "family", l, c)
        for name, l, c in names:
            self.ctx.decl.base_families[name] = over
        self.ctx._add(Declaration("family", tuple(n for n, _, _ in names), line, text),
                      [(n, c) for n, _, c in names])

    def declare_subfamily(self, name: str, base: str, index: IndexExpr, line: int, col: int = 0, text: str = ""):
        """family B = A over I_B (or over a subfamily: C' = C over J means A over J with J ⊆ C's set)."""
        d = self.ctx.decl
        self.ctx._claim_name(name, "family", line, col)
        if base in d.families:
            root, dom = d.families[base]
            # a subfamily of a subfamily: its index set must lie inside the parent's
            ob = self.ctx.theory().subset_index(index, dom, "the index set of %s lies in that of %s" % (name, base))
            if ob.result != "proved":
                raise ContextError("%s = %s over …: the index set must lie in the index set of %s (%s)"
                                   % (name, base, base, ob.result), line, col)
        elif base in d.base_families:
            root = base
        else:
            raise ContextError("unknown family %r" % base, line, col)
        self._check_index_expr(index, d.base_families[root], line, col)
        d.families[name] = (root, index)
        self.ctx._add(Declaration("family", (name,), line, text), [(name, col)])

    def declare_partition(self, whole: str, parts: list[tuple[str, int, int]], line: int, text: str = ""):
        """partition I = I_B ⊔ I_C: new, distinct names for the parts (a parameter, satisfiable by
        construction); recorded as assumed, since every later fact depends on it."""
        d = self.ctx.decl
        if whole not in d.ranges and whole not in d.subsets:
            raise ContextError("unknown index set %r" % whole, line)
        names = [p for p, _, _ in parts]
        if len(set(names)) != len(names):
            dup = next(p for p in names if names.count(p) > 1)
            raise ContextError("the parts of a partition are distinct names; %s appears twice" % dup, line)
        if len(names) < 2:
            raise ContextError("a partition has at least two parts", line)
        for p, l, c in parts:
            self.ctx._claim_name(p, "index set", l, c)
        rng = whole if whole in d.ranges else d.subsets[whole]
        for p in names:
            d.subsets[p] = rng
        d.partitions.append((whole, tuple(names)))
        self.ctx._add(Declaration("partition", tuple(names), line, text,
                                  "%s = %s (a partition)" % (whole, " ⊔ ".join(names))),
                      [(p, c) for p, _, c in parts])

    def declare_subset(self, names: list[tuple[str, int, int]], dom: IndexExpr, line: int, text: str = ""):
        d = self.ctx.decl
        rng = self._range_of(dom)
        if rng is None:
            raise ContextError("a subset must lie in an index range or a declared index set", line)
        self._check_index_expr(dom, rng, line, 0)
        for name, l, c in names:
            self.ctx._claim_name(name, "index set", l, c)
        from ..statements import index_src
        for name, l, c in names:
            d.subsets[name] = rng
            if not isinstance(dom, IFull):
                d.subset_of.append((name, dom))
        self.ctx._add(Declaration("subset", tuple(n for n, _, _ in names), line, text,
                                  "%s ⊆ %s" % (", ".join(n for n, _, _ in names), index_src(dom))),
                      [(n, c) for n, _, c in names])

    def declare_arbitrary(self, name: str, dom: IndexExpr, line: int, col: int = 0, text: str = ""):
        """arbitrary i ∈ D: D must be able to be non-empty (z3: not provably empty); that D is
        non-empty is then an assumption of every fact about i, and is listed as such."""
        d = self.ctx.decl
        if isinstance(dom, IEmpty):
            raise ContextError("arbitrary %s ∈ ∅: the domain is empty, so no index can be taken from it" % name, line, col)
        rng = self._range_of(dom)
        if rng is None:
            raise ContextError("the domain of an arbitrary index must be an index range or a declared index set", line, col)
        self._check_index_expr(dom, rng, line, col)
        self.ctx._claim_name(name, "arbitrary index", line, col)
        ob = self.ctx.theory().nonempty_possible(dom, rng, "%s can be non-empty" % _src(dom))
        if ob.result == "refuted":
            raise ContextError("arbitrary %s ∈ %s: the domain is empty for every n and every choice of "
                               "the declared sets, so no index can be taken from it" % (name, _src(dom)), line, col)
        if ob.result != "proved":
            raise ContextError("arbitrary %s ∈ %s: could not decide that the domain can be non-empty (%s)"
                               % (name, _src(dom), ob.detail or "solver gave up"), line, col)
        d.index_vars[name] = dom
        # A whole range 1..n is non-empty (n ≥ 1); any other domain's non-emptiness is assumed.
        asserts = "" if isinstance(dom, IFull) else "%s is non-empty (%s ∈ %s)" % (_src(dom), name, _src(dom))
        self.ctx._add(Declaration("arbitrary", (name,), line, text, asserts), [(name, col)])

    def declare_class(self, name: str, cls, line: int, col: int = 0, text: str = ""):
        self.ctx._claim_name(name, "class", line, col)
        self.ctx.classes[name] = cls
        self.ctx._add(Declaration("class", (name,), line, text), [(name, col)])

    # -- helpers ---------------------------------------------------------------------------------
    def _range_of(self, dom: IndexExpr) -> str | None:
        d = self.ctx.decl
        if isinstance(dom, IFull):
            return dom.range_name if dom.range_name in d.ranges else None
        if isinstance(dom, IName):
            return d.subsets.get(dom.name) if dom.name not in d.ranges else dom.name
        if isinstance(dom, (IDiff, IUnion)):
            parts = [dom.left] if isinstance(dom, IDiff) else list(dom.parts)
            rs = {self._range_of(p) for p in parts if not isinstance(p, ISingle)}
            rs.discard(None)
            return rs.pop() if len(rs) == 1 else None
        return None

    def _check_index_expr(self, e: IndexExpr, rng: str, line: int, col: int):
        """Every name and index in e is declared, and lies in the range rng."""
        d = self.ctx.decl
        for nm in index_names(e):
            if nm not in d.subsets and nm not in d.ranges:
                raise ContextError("unknown index set %r" % nm, line, col)
            r = nm if nm in d.ranges else d.subsets[nm]
            if r != rng:
                raise ContextError("%s lies in the range %s, not in %s" % (nm, r, rng), line, col)
        for v in index_vars(e):
            if v not in d.index_vars:
                raise ContextError("unknown index %r" % v, line, col)
            r = self._range_of(d.index_vars[v])
            if r != rng:
                raise ContextError("the index %s lies in the range %s, not in %s" % (v, r, rng), line, col)


def _src(e: IndexExpr) -> str:
    from ..statements import index_src
    return index_src(e)
