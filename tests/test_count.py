"""Counting by exact #SAT and listing by SAT (graphoid.search.count) against brute force.

The figures are derived here, never taken from a table: at n = 3 by testing every set of elementary
statements for closure under the *general* rules (no elementary axiom involved), at n = 4 by the
test-owned DFS over elementary axiom instances in test_search.py (which test_search.py also checks
against the closure-based enumeration of graphoid.search.models); neither shares code with the CNF.
"""
from __future__ import annotations

import itertools
import os
import subprocess
import sys

import pytest

from graphoid.search import count as C

from test_search import (_atoms, _components, _general_closed, _names, _ok, _subsets,
                         brute_force_structures)

AXIOMS = ("semigraphoid", "graphoid", "gaussoid")
f = frozenset


def _as_sets(structs):
    """(i, j, bitmask K) → (i, j, frozenset K), the test helpers' form."""
    return {f((i, j, f(b for b in range(8) if K >> b & 1)) for i, j, K in s) for s in structs}


@pytest.fixture(scope="module")
def n3_general():
    """All closed structures on 3 variables, by brute force over the general rules."""
    names = _names(3)
    atoms = _atoms(3)
    triples = [t for t in itertools.product(_subsets(names), repeat=3) if _ok(t)]
    comps = {t: _components(t, names) for t in triples}
    out = {}
    for axioms in AXIOMS:
        found = set()
        for r in range(len(atoms) + 1):
            for M in itertools.combinations(atoms, r):
                R = {t for t in triples if comps[t] <= set(M)}
                if _general_closed(R, triples, axioms):
                    found.add(f(M))
        out[axioms] = found
    return out


@pytest.fixture(scope="module")
def n4_brute():
    return {a: set(brute_force_structures(4, a)) for a in AXIOMS}


@pytest.mark.parametrize("axioms", AXIOMS)
def test_n3_count_and_list_match_general_rule_brute_force(axioms, n3_general):
    truth = n3_general[axioms]
    assert C.count_structures(3, axioms) == len(truth)
    listed = list(C.enumerate_structures(3, axioms))
    assert len(listed) == len(set(listed)) and _as_sets(listed) == truth


@pytest.mark.parametrize("axioms", AXIOMS)
def test_n4_count_and_list_match_brute_force(axioms, n4_brute):
    truth = n4_brute[axioms]
    assert C.count_structures(4, axioms) == len(truth)
    listed = list(C.enumerate_structures(4, axioms))
    assert len(listed) == len(set(listed)) and _as_sets(listed) == truth


def test_axiom_systems_nest_and_differ(n4_brute):
    """Each added axiom removes structures: gaussoids ⊂ graphoids ⊂ semigraphoids, strictly."""
    g, gr, sg = n4_brute["gaussoid"], n4_brute["graphoid"], n4_brute["semigraphoid"]
    assert g < gr < sg
    assert C.count_structures(4, "gaussoid") < C.count_structures(4, "graphoid") < C.count_structures(4, "semigraphoid")


def test_dimacs_round_trip(tmp_path):
    cnf = C.axiom_cnf(4, "graphoid")
    text = cnf.dimacs()
    clauses, header = [], None
    for line in text.splitlines():
        if line.startswith("c"):
            continue
        if line.startswith("p"):
            header = line.split()
            continue
        lits = [int(t) for t in line.split()]
        assert lits[-1] == 0
        clauses.append(lits[:-1])
    assert header == ["p", "cnf", str(cnf.num_vars), str(len(cnf.clauses))]
    assert clauses == cnf.clauses
    again = C.AxiomCNF(4, "graphoid", cnf.atoms, clauses)
    assert C.ganak_count(again) == C.count_structures(4, "graphoid")


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown axioms"):
        C.axiom_cnf(3, "bogus")
    for n in (1, 7, True, 3.0):
        with pytest.raises(ValueError, match="between 2"):
            C.axiom_cnf(n, "semigraphoid")


def _cli(*args, env=None):
    e = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "graphoid.cli", *args], capture_output=True, text=True,
                          env=e, timeout=120)


def test_cli_count_and_list_agree(n4_brute):
    r = _cli("models", "--axioms", "graphoid", "--vars", "4", "--count")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split()[0] == str(len(n4_brute["graphoid"]))
    r = _cli("models", "--axioms", "gaussoid", "--vars", "4", "--list")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[-1].split()[0] == str(len(n4_brute["gaussoid"]))
    assert len(lines) - 1 == len(n4_brute["gaussoid"]) == len(set(l.split(": ", 1)[1] for l in lines[:-1]))


def test_cli_progress_says_only_what_is_known():
    r = _cli("models", "--vars", "4", "--count", env={"GRAPHOID_PROGRESS": "1"})
    assert r.returncode == 0
    assert "no progress estimate" in r.stderr and "%" not in r.stderr


def test_cli_count_timeout_is_unknown():
    r = _cli("models", "--vars", "6", "--count", "--timeout", "0.5")
    assert r.returncode == 3 and r.stdout.startswith("unknown:"), (r.returncode, r.stdout, r.stderr)


def test_cli_rejects_bad_budgets(capsys):
    from graphoid.cli import main
    for value in ("nan", "inf", "-inf", "-1", "0", "1e300", "abc", ""):
        for cmd in (["prove", "(A ⊥ B) ⊢ (B ⊥ A)"], ["models", "--vars", "3", "--count"]):
            assert main([*cmd, "--timeout=" + value]) == 2, (cmd, value)
            err = capsys.readouterr().err
            assert "Traceback" not in err and "--timeout" in err and ("budget" in err or "number" in err)
    for value in ("0", "-5", "1e9", "x", "99999999"):
        assert main(["prove", "(A ⊥ B) ⊢ (B ⊥ A)", "--memory=" + value]) == 2, value
        err = capsys.readouterr().err
        assert "Traceback" not in err and "--memory" in err


def test_count_memory_budget_answers_unknown():
    """Run in a child process: an abandoned count keeps its thread until the process exits."""
    code = ("from graphoid.search.count import count_structures, CountTimeout\n"
            "try:\n    print(count_structures(5, 'gaussoid', memory_mb=1))\n"
            "except CountTimeout as e:\n    print('unknown:', e)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.startswith("unknown:") and "memory budget of 1 MB" in r.stdout, r.stdout
