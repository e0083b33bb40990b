"""The kernel's induction rule: both obligations must be proved, unknown fails, misuse is rejected."""
import pytest
import z3

from graphoid.kernel.induction import induction, prove_valid

n, k = z3.Int("n"), z3.Int("k")
S = z3.RecFunction("S", z3.IntSort(), z3.IntSort())      # S(k) = 1 + 2 + ... + k
_m = z3.Int("m")
z3.RecAddDefinition(S, [_m], z3.If(_m <= 0, 0, _m + S(_m - 1)))


def test_gauss_sum_by_upward_induction():
    r = induction(k, 2 * S(k) == k * (k + 1), z3.IntVal(0), n, (), "Gauss", "up", 5000)
    assert r.proved and r.base.result == "proved" and r.step.result == "proved"
    # the conclusion is usable: it gives the instance k = n
    assert prove_valid(z3.Implies(n >= 0, 2 * S(n) == n * (n + 1)), (("ih", r.conclusion),), "use",
                       5000).proved


def test_false_base_case_gives_no_conclusion():
    # the step k ≥ 5 ⊢ k+1 ≥ 5 holds, the base 0 ≥ 5 does not
    r = induction(k, k >= 5, z3.IntVal(0), n, (), "bad", "up", 5000)
    assert not r.proved and r.conclusion is None
    assert r.base.result == "refuted" and r.step.result == "proved" and "base case" in r.reason


def test_false_step_gives_no_conclusion():
    r = induction(k, k <= 0, z3.IntVal(0), n, (("n big", n >= 3),), "bad step", "up", 5000)
    assert not r.proved and r.step.result == "refuted"


def test_unknown_fails_the_rule():
    r = induction(k, 2 * S(k) == k * (k + 1), z3.IntVal(0), n, (), "Gauss", "up", 5000, rlimit=1)
    assert not r.proved and "unknown" in r.reason


def test_core_names_the_axioms_used():
    f = z3.Function("f", z3.IntSort(), z3.IntSort())
    i = z3.Int("i")
    axioms = (("step", z3.ForAll([i], f(i + 1) == f(i))), ("zero", f(0) == 7), ("noise", n > 100))
    r = induction(k, f(k) == 7, z3.IntVal(0), n, axioms, "constant", "up", 5000, minimise={"step", "zero", "noise"})
    assert r.proved and set(r.premises_used) == {"step", "zero"}


def test_misuse_is_rejected():
    with pytest.raises(ValueError, match="mentions the induction variable"):
        induction(k, k >= 0, z3.IntVal(0), n, (("bad", k > 0),), "x", "up")
    with pytest.raises(ValueError, match="integer constant"):
        induction(k + 1, k >= 0, z3.IntVal(0), n, (), "x", "up")
