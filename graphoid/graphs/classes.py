"""Classes of DAGs in the paper's shortcut notation (Fig. 1), enumerated exhaustively for concrete n.

A class has observables grouped in set-nodes, per pair the allowed connections (none, ->, <-,
latent common cause, or a directed edge plus a latent), and d-separation constraints. Members
are enumerated by depth-first search with acyclicity and constraint pruning and symmetry reduction.
Latents: at most one latent common cause per pair of observables (see docs/graph_classes.md).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

import networkx as nx

from .fastdsep import ancestors_mask, bits, d_separated

# option codes for an ordered pair (u, v), u before v: bit 1 = u->v, bit 2 = v->u, bit 4 = latent
NONE, FWD, BWD, LAT = 0, 1, 2, 4
KIND_CODES = {"none": (0,), "->": (1,), "<-": (2,), "<->": (4,), "->+<->": (5,), "<-+<->": (6,),
              "latent": (4,), "edge": (1, 2), "any": (1, 2, 4, 5, 6)}
ALL_OPTIONS = (0, 1, 2, 4, 5, 6)


def parse_kinds(kinds: str | Iterable[str], required: bool = False) -> tuple[int, ...]:
    """'any' | '->' | '<-' | '<->' | 'edge' | 'none' (or an iterable of these) -> option codes."""
    if isinstance(kinds, str):
        kinds = [k.strip() for k in kinds.split("|")]
    codes: set[int] = set()
    for k in kinds:
        if k not in KIND_CODES:
            raise ValueError(f"unknown connection kind {k!r}; use one of {', '.join(KIND_CODES)}")
        codes.update(KIND_CODES[k])
    if not required:
        codes.add(NONE)
    else:
        codes.discard(NONE)
        if not codes:
            raise ValueError("a required connection cannot be 'none'")
    return tuple(sorted(codes))


def _flip(code: int) -> int:
    return (code & LAT) | ((code & 1) << 1) | ((code & 2) >> 1)


@dataclass(frozen=True)
class SetLink:
    """Fig. 1 shortcut between two set-nodes (or inside one when s == t)."""
    s: str
    t: str
    kinds: str = "any"
    required: bool = False


@dataclass
class Member:
    """One DAG of a class: observables, then one latent per pair whose option has the latent bit."""
    cls: "GraphClass"
    options: tuple[int, ...]
    names: tuple[str, ...]
    parents: list[int]
    latent_of: dict[int, tuple[int, int]]  # latent node index -> observable pair
    roles: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def children(self) -> list[int]:
        ch = [0] * len(self.parents)
        for v, pm in enumerate(self.parents):
            for p in bits(pm):
                ch[p] |= 1 << v
        return ch

    def index(self, name: str) -> int:
        try:
            return self.names.index(name)
        except ValueError:
            raise ValueError(f"unknown node {name!r}") from None

    def resolve(self, names: Iterable[str]) -> int:
        """Bitmask of a set expression: node names, set-node names and role names."""
        m = 0
        for nm in names:
            if nm in self.roles:
                for x in self.roles[nm]:
                    m |= 1 << self.index(x)
            elif nm in self.cls.sets:
                for x in self.cls.sets[nm]:
                    m |= 1 << self.index(x)
            else:
                m |= 1 << self.index(nm)
        return m

    def names_of(self, mask: int) -> list[str]:
        return [self.names[i] for i in bits(mask)]

    def to_networkx(self) -> nx.DiGraph:
        g = nx.DiGraph(name=self.cls.name)
        for i, nm in enumerate(self.names):
            g.add_node(nm, latent=i in self.latent_of)
        for v, pm in enumerate(self.parents):
            for p in bits(pm):
                g.add_edge(self.names[p], self.names[v])
        return g

    def describe(self) -> str:
        return ", ".join(f"{self.names[p]}->{self.names[v]}"
                         for v, pm in enumerate(self.parents) for p in bits(pm)) or "(no edges)"


# ---------------------------------------------------------------- claims

@dataclass(frozen=True)
class DSep:
    """(x ⊥ y | z)_d over names; nodes in ``determined`` are functions of their parents
    (Geiger-Verma-Pearl D-separation: such a node joins z once all its parents are in z)."""
    x: tuple[str, ...]
    y: tuple[str, ...]
    z: tuple[str, ...] = ()
    label: str = ""
    determined: tuple[str, ...] = ()

    def text(self) -> str:
        j = lambda s: " ".join(s) or "∅"
        t = f"({j(self.x)} ⊥ {j(self.y)} | {j(self.z)})_d"
        return t + (f" with {j(self.determined)} determined by their parents" if self.determined else "")

    def evaluate(self, m: Member) -> str | None:
        x, y, z = m.resolve(self.x), m.resolve(self.y), m.resolve(self.z)
        det = m.resolve(self.determined)
        if det:
            changed = True
            while changed:
                changed = False
                for v in bits(det & ~z):
                    if (m.parents[v] & ~z) == 0:
                        z |= 1 << v
                        changed = True
        x &= ~z
        y &= ~z
        if x & y:
            return f"{self.text()} fails: X and Y share {m.names_of(x & y)}"
        if d_separated(m.parents, m.children, x, y, z):
            return None
        return f"{self.text()} fails"


@dataclass(frozen=True)
class Claim:
    """A named claim: a function from a member to None (holds) or a failure message."""
    label: str
    check: Callable[[Member], str | None]

    def evaluate(self, m: Member) -> str | None:
        return self.check(m)


def dsep_claim(label: str, x, y, z=(), determined=()) -> Claim:
    d = DSep(tuple(x), tuple(y), tuple(z), label, tuple(determined))
    return Claim(label, d.evaluate)


# ---------------------------------------------------------------- classes

@dataclass
class GraphClass:
    name: str
    observables: tuple[str, ...]
    sets: dict[str, tuple[str, ...]]
    pair_options: dict[tuple[int, int], tuple[int, ...]]  # (i, j), i < j -> allowed codes
    constraints: tuple[DSep, ...] = ()
    symmetries: tuple[tuple[int, ...], ...] = ()  # the whole group, identity included
    links: tuple[SetLink, ...] = ()
    roles: Callable[[Member], dict[str, frozenset[str]]] | None = None
    pair_order: tuple[tuple[int, int], ...] = ()

    def __post_init__(self):
        m = len(self.observables)
        if len(set(self.observables)) != m:
            raise ValueError("observable names must be distinct")
        for (i, j) in self.pair_options:
            if not 0 <= i < j < m:
                raise ValueError(f"bad pair {(i, j)}")
        if not self.symmetries:
            self.symmetries = (tuple(range(m)),)
        for perm in self.symmetries:
            if sorted(perm) != list(range(m)):
                raise ValueError("a symmetry must be a permutation of the observables")
            for (i, j), opts in self._all_pairs():
                a, b = perm[i], perm[j]
                img = tuple(sorted(o if a < b else _flip(o) for o in opts))
                if img != self.options_of(min(a, b), max(a, b)):
                    raise ValueError(f"permutation {perm} does not preserve the class at pair "
                                     f"{self.observables[i]},{self.observables[j]}")
        if not self.pair_order:
            self.pair_order = tuple(sorted(p for p, o in self.pair_options.items() if o != (NONE,)))

    def _all_pairs(self):
        m = len(self.observables)
        for i in range(m):
            for j in range(i + 1, m):
                yield (i, j), self.options_of(i, j)

    def options_of(self, i: int, j: int) -> tuple[int, ...]:
        return self.pair_options.get((i, j), (NONE,))

    @classmethod
    def from_sets(cls, name: str, sets: dict[str, Sequence[str]], links: Iterable[SetLink],
                  constraints: Iterable[DSep] = (), symmetries=(), roles=None,
                  pair_order_key=None) -> "GraphClass":
        """Build a class from set-nodes and Fig. 1 links; pairs with no link get 'none'."""
        obs: list[str] = []
        for s, members in sets.items():
            for x in members:
                if x in obs:
                    raise ValueError(f"{x!r} is in two set-nodes")
                obs.append(x)
        idx = {x: i for i, x in enumerate(obs)}
        opts: dict[tuple[int, int], tuple[int, ...]] = {}
        links = tuple(links)
        for ln in links:
            for s in (ln.s, ln.t):
                if s not in sets:
                    raise ValueError(f"unknown set-node {s!r}")
            codes = parse_kinds(ln.kinds, ln.required)
            pairs = (itertools.combinations(sets[ln.s], 2) if ln.s == ln.t
                     else itertools.product(sets[ln.s], sets[ln.t]))
            for u, v in pairs:
                i, j = idx[u], idx[v]
                c = codes if (i < j or ln.s == ln.t) else tuple(sorted(_flip(o) for o in codes))
                if ln.s == ln.t:  # inside a set-node the direction is free: close under flipping
                    c = tuple(sorted(set(c) | {_flip(o) for o in c}))
                key = (min(i, j), max(i, j))
                if key in opts and opts[key] != c:
                    raise ValueError(f"pair {u},{v} is given two different connection rules")
                opts[key] = c
        order = ()
        if pair_order_key is not None:
            order = tuple(sorted((p for p, o in opts.items() if o != (NONE,)),
                                 key=lambda p: pair_order_key(obs[p[0]], obs[p[1]])))
        return cls(name, tuple(obs), {k: tuple(v) for k, v in sets.items()}, opts,
                   tuple(constraints), tuple(symmetries), links, roles, order)

    def size_bound(self) -> int:
        """Size of the blind product of pair options (what enumeration avoids)."""
        n = 1
        for p in self.pair_order:
            n *= len(self.pair_options[p])
        return n

    def member(self, options: Sequence[int]) -> Member:
        """Materialise the member with the given option per pair (in ``pair_order``)."""
        m = len(self.observables)
        names = list(self.observables)
        parents = [0] * m
        latent_of = {}
        for (i, j), o in zip(self.pair_order, options):
            if o & FWD:
                parents[j] |= 1 << i
            if o & BWD:
                parents[i] |= 1 << j
            if o & LAT:
                k = len(names)
                names.append(f"L[{self.observables[i]},{self.observables[j]}]")
                parents.append(0)
                parents[i] |= 1 << k
                parents[j] |= 1 << k
                latent_of[k] = (i, j)
        mem = Member(self, tuple(options), tuple(names), parents, latent_of)
        if self.roles is not None:
            mem.roles = self.roles(mem)
        return mem


@dataclass
class ClassCheckResult:
    class_name: str
    enumerated: int = 0       # complete members visited (orbit representatives when symmetric)
    kept: int = 0             # of those, members satisfying the constraints
    checked: int = 0          # kept members on which every claim was evaluated
    represented: int = 0      # members of the class satisfying the constraints, orbits expanded
    pruned: int = 0           # subtrees cut by acyclicity or a violated constraint
    group_order: int = 1
    counterexample: Member | None = None
    claim_failed: str | None = None
    failure_detail: str | None = None
    seconds: float = 0.0
    complete: bool = True
    claims: tuple[str, ...] = ()

    @property
    def holds(self) -> bool:
        return self.complete and self.counterexample is None

    def summary(self, n_label: str = "") -> str:
        what = f" for {n_label}" if n_label else ""
        if self.counterexample is not None:
            return (f"refuted{what}: {self.claim_failed} fails on a member of {self.class_name} "
                    f"({self.failure_detail}); edges: {self.counterexample.describe()}")
        if not self.complete:
            return f"unknown{what}: enumeration of {self.class_name} stopped early"
        return (f"checked{what} by enumeration ({self.represented} graphs; {self.kept} up to symmetry, "
                f"{self.enumerated} enumerated, {self.pruned} subtrees pruned)")


def _canonical(options: tuple[int, ...], cls: GraphClass, pos: dict) -> tuple[bool, int]:
    """Is ``options`` the lexicographic least of its orbit?  Returns (is_min, orbit size)."""
    images = set()
    for perm in cls.symmetries:
        img = [0] * len(options)
        for (i, j), o in zip(cls.pair_order, options):
            a, b = perm[i], perm[j]
            if a < b:
                img[pos[(a, b)]] = o
            else:
                img[pos[(b, a)]] = _flip(o)
        t = tuple(img)
        if t < options:
            return False, 0
        images.add(t)
    return True, len(images)


def enumerate_members(cls: GraphClass, constraints: Iterable[DSep] | None = None,
                      use_symmetry: bool = True, prune: bool = True,
                      stats: ClassCheckResult | None = None):
    """Yield (member, orbit_size) for every member satisfying the constraints.

    Constraints whose sets are fixed node sets are anti-monotone under adding edges and latents
    (an active path stays active, descendant sets only grow), so a violation on a partial
    assignment (undecided pairs = none) prunes the whole subtree.
    """
    cons = list(cls.constraints if constraints is None else constraints)
    st = stats if stats is not None else ClassCheckResult(cls.name)
    m = len(cls.observables)
    order = cls.pair_order
    pos = {p: k for k, p in enumerate(order)}
    lat_slot = {p: m + k for k, p in enumerate(order)}
    nn = m + len(order)
    idx = {x: i for i, x in enumerate(cls.observables)}

    def fixed_mask(names):
        out = 0
        for nm in names:
            if nm in cls.sets:
                for x in cls.sets[nm]:
                    out |= 1 << idx[x]
            elif nm in idx:
                out |= 1 << idx[nm]
            else:
                return None
        return out

    mono = []
    for c in cons:
        if c.determined:
            continue
        ms = [fixed_mask(s) for s in (c.x, c.y, c.z)]
        if None not in ms:
            x, y, z = ms
            mono.append((x & ~z, y & ~z, z))
    parents = [0] * nn
    children = [0] * nn
    options = [0] * len(order)
    group = cls.symmetries if use_symmetry else (tuple(range(m)),)
    st.group_order = len(group)
    sym_cls = cls if use_symmetry else None

    def ok_constraints():
        for x, y, z in mono:
            if not x or not y:
                continue
            if not d_separated(parents, children, x, y, z):
                return False
        return True

    def add(u, v):
        parents[v] |= 1 << u
        children[u] |= 1 << v

    def remove(u, v):
        parents[v] &= ~(1 << u)
        children[u] &= ~(1 << v)

    def rec(k):
        if k == len(order):
            st.enumerated += 1
            t = tuple(options)
            if sym_cls is not None and len(group) > 1:
                is_min, orbit = _canonical(t, cls, pos)
                if not is_min:
                    st.enumerated -= 1
                    return
            else:
                orbit = 1
            if not prune and not ok_constraints():
                return
            if any(c.determined or fixed_mask(c.x + c.y + c.z) is None for c in cons):
                mem = cls.member(t)
                if any(c.evaluate(mem) is not None for c in cons):
                    return
            yield t, orbit
            return
        i, j = order[k]
        for o in cls.pair_options[(i, j)]:
            if o & FWD and ancestors_mask(parents, 1 << i) & (1 << j):
                st.pruned += 1
                continue
            if o & BWD and ancestors_mask(parents, 1 << j) & (1 << i):
                st.pruned += 1
                continue
            edges = []
            if o & FWD:
                edges.append((i, j))
            if o & BWD:
                edges.append((j, i))
            if o & LAT:
                edges += [(lat_slot[(i, j)], i), (lat_slot[(i, j)], j)]
            for u, v in edges:
                add(u, v)
            options[k] = o
            if o and prune and not ok_constraints():
                st.pruned += 1
            else:
                yield from rec(k + 1)
            for u, v in edges:
                remove(u, v)
        options[k] = 0

    for t, orbit in rec(0):
        yield cls.member(t), orbit


def check_class(cls: GraphClass, claims: Iterable[Claim | DSep], constraints: Iterable[DSep] | None = None,
                progress: Callable[[ClassCheckResult], None] | None = None, use_symmetry: bool = True,
                prune: bool = True, stop_at_first: bool = True, time_limit: float | None = None) -> ClassCheckResult:
    """Enumerate members satisfying the constraints and evaluate every claim on each.

    Symmetry reduction is sound only when constraints and claims are invariant under the class's
    symmetry group (true for the paper's classes: claims quantify over every index i).
    """
    claims = [c if isinstance(c, Claim) else Claim(c.label or c.text(), c.evaluate) for c in claims]
    st = ClassCheckResult(cls.name, claims=tuple(c.label for c in claims))
    t0 = time.perf_counter()
    for mem, orbit in enumerate_members(cls, constraints, use_symmetry, prune, st):
        st.kept += 1
        st.represented += orbit
        for c in claims:
            msg = c.evaluate(mem)
            if msg is not None and st.counterexample is None:
                st.counterexample, st.claim_failed, st.failure_detail = mem, c.label, msg
        st.checked += 1
        if progress and st.kept % 1000 == 0:
            progress(st)
        if st.counterexample is not None and stop_at_first:
            st.complete = False
            break
        if time_limit is not None and time.perf_counter() - t0 > time_limit:
            st.complete = False
            break
    st.seconds = time.perf_counter() - t0
    return st


# ---------------------------------------------------------------- the paper's classes

def _perm_group(blocks: Sequence[Sequence[int]], m: int, linked: Sequence[Sequence[Sequence[int]]] = ()):
    """All permutations of range(m) permuting each block independently; each entry of ``linked``
    is a list of equally long blocks permuted together (e.g. A_i and X_i move as one index)."""
    factors = []
    for blk in blocks:
        factors.append([list(zip(blk, p)) for p in itertools.permutations(blk)])
    for group in linked:
        k = len(group[0])
        factors.append([[(blk[a], blk[b]) for blk in group for a, b in zip(range(k), p)]
                        for p in itertools.permutations(range(k))])
    out = []
    for combo in itertools.product(*factors):
        perm = list(range(m))
        for pairs in combo:
            for a, b in pairs:
                perm[a] = b
        out.append(tuple(perm))
    return tuple(out)


def chained_class(sizes: Sequence[int], within: str = "any", between: str = "any",
                  names: Sequence[str] = ("A", "B", "C", "D")) -> GraphClass:
    """Fig. 2: set-nodes A, B, C, D (given sizes); connections only inside a set and between
    adjacent sets, so every path between non-adjacent sets passes through the sets between."""
    if len(sizes) != len(names):
        raise ValueError(f"a chained graph needs {len(names)} set sizes")
    if any(s < 1 for s in sizes):
        raise ValueError("set sizes must be at least 1")
    sets = {nm: [f"{nm}{i + 1}" for i in range(s)] for nm, s in zip(names, sizes)}
    links = [SetLink(nm, nm, within) for nm in names if len(sets[nm]) > 1]
    links += [SetLink(a, b, between) for a, b in zip(names, names[1:])]
    cls = GraphClass.from_sets("chained graph " + "".join(f"{n}{s}" for n, s in zip(names, sizes)),
                               sets, links)
    offs, blocks = 0, []
    for s in sizes:
        blocks.append(list(range(offs, offs + s)))
        offs += s
    cls.symmetries = _perm_group(blocks, offs)
    cls.__post_init__()
    return cls


def condition7(n: int) -> tuple[DSep, ...]:
    """(7): (A_γ ⊥ X_{\\γ} | X_γ)_d for every γ ⊆ {1..n} (γ = ∅ and γ = I are trivial)."""
    out = []
    for r in range(1, n):
        for g in itertools.combinations(range(1, n + 1), r):
            rest = [i for i in range(1, n + 1) if i not in g]
            out.append(DSep(tuple(f"A{i}" for i in g), tuple(f"X{i}" for i in rest),
                            tuple(f"X{i}" for i in g), f"(7) γ={set(g)}"))
    return tuple(out)


def paper_roles(n: int, reading: str = "adjacent"):
    """Per-member sets of the proof: B, C (Fig. 4), Y, Z, Λ, Ω, M and the singletons C_i, Z_i.

    reading="adjacent": A_i is in C iff A_i and X_i are joined by an edge or a shared latent
    (Step 2a: "every member of C has a connection to one and only one member of Z");
    reading="dconnected": A_i is in C iff not (A_i ⊥ X)_d.
    """
    if reading not in ("adjacent", "dconnected"):
        raise ValueError("reading must be 'adjacent' or 'dconnected'")

    def roles(m: Member) -> dict[str, frozenset[str]]:
        idx = {x: i for i, x in enumerate(m.names)}
        a_mask = sum(1 << idx[f"A{i}"] for i in range(1, n + 1))
        x_mask = sum(1 << idx[f"X{i}"] for i in range(1, n + 1))
        ch = m.children
        C = []
        for i in range(1, n + 1):
            a, x = idx[f"A{i}"], idx[f"X{i}"]
            if reading == "adjacent":
                linked = (m.parents[a] >> x) & 1 or (m.parents[x] >> a) & 1 or any(
                    (ch[l] >> a) & 1 and (ch[l] >> x) & 1 for l in m.latent_of)
            else:
                linked = not d_separated(m.parents, ch, 1 << a, x_mask, 0)
            if linked:
                C.append(i)
        lam = [m.names[l] for l in m.latent_of if ch[l] & ~a_mask == 0]
        om = [m.names[l] for l in m.latent_of if ch[l] & ~x_mask == 0]
        mixed = [m.names[l] for l in m.latent_of if m.names[l] not in lam + om]
        r = {"A": frozenset(f"A{i}" for i in range(1, n + 1)),
             "X": frozenset(f"X{i}" for i in range(1, n + 1)),
             "C": frozenset(f"A{i}" for i in C), "B": frozenset(f"A{i}" for i in range(1, n + 1) if i not in C),
             "Z": frozenset(f"X{i}" for i in C), "Y": frozenset(f"X{i}" for i in range(1, n + 1) if i not in C),
             "Λ": frozenset(lam), "Ω": frozenset(om), "M": frozenset(mixed), "_Cidx": frozenset(map(str, C))}
        return r
    return roles


def _indexed(n: int):
    A = [f"A{i}" for i in range(1, n + 1)]
    X = [f"X{i}" for i in range(1, n + 1)]
    return A, X


def fig3_class(n: int, reading: str = "adjacent", full: bool = False, symmetric: bool = True) -> GraphClass:
    """Fig. 3 for concrete n: any link among the A's, among the X's and between A_i and X_i;
    no link between A_i and X_j (j != i).  full=True allows every pair (the class before Step 1a).
    symmetric=False leaves out the group S_n (n! permutations; the SAT check does not use it)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    A, X = _indexed(n)
    obs = A + X
    opts = {}
    for i in range(2 * n):
        for j in range(i + 1, 2 * n):
            same_side = (i < n) == (j < n)
            partner = j == i + n
            if full or same_side or partner:
                opts[(i, j)] = ALL_OPTIONS

    def order_key(p):  # A_i--X_j pairs first: (7) prunes them at once; then A_i--X_i
        i, j = p
        cross = (i < n) != (j < n)
        return (0 if cross and j != i + n else 1 if cross else 2, p)

    cls = GraphClass(("full class before Step 1a" if full else "Fig. 3 class") + f", n={n}",
                     tuple(obs), {"A": tuple(A), "X": tuple(X)}, opts, condition7(n),
                     _perm_group([], 2 * n, [[list(range(n)), list(range(n, 2 * n))]]) if symmetric else (),
                     (SetLink("A", "A"), SetLink("X", "X"), SetLink("A", "X", "any")),
                     paper_roles(n, reading), tuple(sorted(opts, key=order_key)))
    return cls


def refined_class(n: int, k: int, figure: int) -> GraphClass:
    """Figs. 4-6 for concrete n with C = {A_1..A_k}, B = {A_k+1..A_n} (Z, Y likewise).

    Fig. 4: C_i--Z_i required, B--Y none.  Fig. 5: also no edge C -> B.
    Fig. 6: also no directed edge between two members of C (latent common causes remain).
    """
    if figure not in (4, 5, 6) or not 0 <= k <= n or n < 1:
        raise ValueError("refined_class needs figure in 4, 5, 6 and 0 <= k <= n, n >= 1")
    A, X = _indexed(n)
    obs = A + X
    opts = {}
    for i in range(2 * n):
        for j in range(i + 1, 2 * n):
            a_side, b_side = i < n, j < n
            if a_side and b_side:
                ci, cj = i < k, j < k
                o = ALL_OPTIONS
                if figure >= 5 and ci != cj:  # i in C, j in B (i < j): forbid i -> j
                    o = tuple(c for c in o if not (c & FWD)) if ci else tuple(c for c in o if not (c & BWD))
                if figure >= 6 and ci and cj:
                    o = (NONE, LAT)
                opts[(i, j)] = o
            elif not a_side and not b_side:
                opts[(i, j)] = ALL_OPTIONS
            elif j == i + n:
                opts[(i, j)] = tuple(c for c in ALL_OPTIONS if c) if i < k else (NONE,)
    sets = {"C": tuple(A[:k]), "B": tuple(A[k:]), "Z": tuple(X[:k]), "Y": tuple(X[k:])}

    def order_key(p):
        i, j = p
        return (0 if j == i + n else 1, p)

    group = _perm_group([], 2 * n, [[list(range(k)), list(range(n, n + k))],
                                    [list(range(k, n)), list(range(n + k, 2 * n))]])
    links = [SetLink("C", "Z", "any", True), SetLink("C", "C", "<->" if figure >= 6 else "any"),
             SetLink("B", "B"), SetLink("B", "C", "->|<->" if figure >= 5 else "any"),
             SetLink("Z", "Z"), SetLink("Y", "Y"), SetLink("Y", "Z")]
    return GraphClass(f"Fig. {figure} class, n={n}, |C|={k}", tuple(obs), sets, opts, condition7(n),
                      group, tuple(links), paper_roles(n), tuple(sorted(opts, key=order_key)))
