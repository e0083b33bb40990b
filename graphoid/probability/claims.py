"""Claims about probability distributions that a script can state (beyond c.i. statements)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Factorisable:
    """Definition 3: P(A|X) = Σ_Λ ∏_j P(C_j|Z_jΛ) ∏_k P(B_k|Λ) P(Λ), i.e. eq. (22) of the paper."""

    def __str__(self) -> str:
        return "factorisable"
