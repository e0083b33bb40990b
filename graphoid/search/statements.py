"""Conditional-independence statements as bitmask triples and their elementary components.

A statement (X ⊥ Y | Z) over variables 0..n-1 is a triple of pairwise disjoint int bitmasks with X, Y
nonempty. An elementary statement (i ⊥ j | K) with i < j is packed into one int ("atom") for fast sets.
"""
from __future__ import annotations

from typing import Iterator

_SH = 32          # K occupies the low 32 bits; i and j sit above it
_MASK = (1 << _SH) - 1
MAX_VARS = 30


def atom(i: int, j: int, K: int) -> int:
    """Pack the elementary statement (i ⊥ j | K); symmetry is folded in by ordering i < j."""
    if i > j:
        i, j = j, i
    return K | (i << _SH) | (j << (_SH + 6))


def unpack(a: int) -> tuple[int, int, int]:
    return (a >> _SH) & 63, a >> (_SH + 6), a & _MASK


def bits(m: int) -> Iterator[int]:
    while m:
        low = m & -m
        yield low.bit_length() - 1
        m ^= low


def submasks(m: int) -> Iterator[int]:
    """All submasks of m, including 0 and m."""
    s = m
    while True:
        yield s
        if s == 0:
            return
        s = (s - 1) & m


def popcount(m: int) -> int:
    return bin(m).count("1")


def components(X: int, Y: int, Z: int) -> Iterator[int]:
    """Elementary components (x ⊥ y | W), x∈X, y∈Y, Z ⊆ W ⊆ Z∪X∪Y∖{x,y}.

    Under the semigraphoid axioms (X ⊥ Y | Z) is equivalent to the conjunction of these (Matúš).
    """
    for x in bits(X):
        for y in bits(Y):
            rest = (X | Y) & ~((1 << x) | (1 << y))
            for sub in submasks(rest):
                yield atom(x, y, Z | sub)


def chain(X: int, Y: int, Z: int) -> list[int]:
    """One chain of |X|·|Y| components from which (X ⊥ Y | Z) follows by contraction and symmetry.

    Component (x_a ⊥ y_b | Z ∪ x_<a ∪ y_<b): contraction over x gives (y_b ⊥ X | Z y_<b), then over y
    gives (X ⊥ Y | Z). In a semigraphoid the chain is present iff every component is.
    """
    out = []
    ys = list(bits(Y))
    xs = list(bits(X))
    ymask = 0
    for y in ys:
        xmask = 0
        for x in xs:
            out.append(atom(x, y, Z | xmask | ymask))
            xmask |= 1 << x
        ymask |= 1 << y
    return out


def valid(X: int, Y: int, Z: int) -> bool:
    return bool(X) and bool(Y) and not (X & Y) and not (X & Z) and not (Y & Z)


def dominates(S: tuple[int, int, int], T: tuple[int, int, int]) -> bool:
    """T follows from S by symmetry, decomposition and weak union alone."""
    X, Y, Z = S
    for (Xt, Yt, Zt) in (T, (T[1], T[0], T[2])):
        if Xt & ~X or Yt & ~Y or Z & ~Zt:
            continue
        if (Zt & ~Z) & ~((X & ~Xt) | (Y & ~Yt)):
            continue
        return True
    return False


class Names:
    """Bijection between variable names and bit positions."""

    def __init__(self, variables):
        self.names = list(variables)
        if len(set(self.names)) != len(self.names):
            raise ValueError("variable names must be distinct")
        if len(self.names) > MAX_VARS:
            raise ValueError(f"at most {MAX_VARS} variables are supported, got {len(self.names)}")
        self.index = {v: i for i, v in enumerate(self.names)}

    def __len__(self):
        return len(self.names)

    def mask(self, names) -> int:
        m = 0
        for v in names:
            if v not in self.index:
                raise ValueError(f"unknown variable {v!r}")
            m |= 1 << self.index[v]
        return m

    def set(self, m: int) -> frozenset:
        return frozenset(self.names[i] for i in bits(m))

    def triple(self, stmt) -> tuple[int, int, int]:
        X, Y, Z = (self.mask(p) for p in stmt)
        if not valid(X, Y, Z):
            raise ValueError(f"not a c.i. statement (X, Y nonempty and X, Y, Z disjoint): {self.show(stmt)}")
        return X, Y, Z

    def stmt(self, t: tuple[int, int, int]) -> tuple[frozenset, frozenset, frozenset]:
        return tuple(self.set(m) for m in t)

    def text(self, t: tuple[int, int, int]) -> str:
        return self.show(self.stmt(t))

    def atom_text(self, a: int) -> str:
        i, j, K = unpack(a)
        return self.text((1 << i, 1 << j, K))

    @staticmethod
    def show(stmt) -> str:
        def s(p):
            p = sorted(p)
            return "".join(p) if all(len(v) == 1 for v in p) else ",".join(p)
        X, Y, Z = stmt
        return f"({s(X)} ⊥ {s(Y)} | {s(Z)})" if Z else f"({s(X)} ⊥ {s(Y)})"
