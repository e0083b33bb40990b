"""Probability expressions and the factorisation step of Theorem 1 (Step 4, eqs (16)-(22)):
sympy printing, z3 checks for symbolic n, exact counter-models for n = 2."""
from .factorisation import (PREMISE_NAMES, FactorisationReport, Step, check_factorisation,  # noqa: F401
                            counter_model, equation_latex, premise_analysis)
