"""Probability expressions and the factorisation step of Theorem 1 (Step 4, eqs (16)-(22)):
sympy printing, z3 checks for symbolic n, exact counter-models for n = 2.

The names below are loaded on first use (PEP 562), so that importing a light submodule such as
graphoid.probability.claims (every script check does) does not import sympy and z3."""
_LAZY = ("PREMISE_NAMES", "FactorisationReport", "Step", "check_factorisation", "counter_model",
         "equation_latex", "premise_analysis")
__all__ = list(_LAZY)


def __getattr__(name):
    if name in _LAZY:
        from . import factorisation
        return getattr(factorisation, name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
