"""Issue 12, a newcomer's first hour: prove with a goal alone and in a graph, one tokenisation
rule, d-connection statements, and the messages and exports a new user meets."""
from __future__ import annotations

import itertools
import json
import random

import networkx as nx
import pytest

from graphoid.cli import main
from graphoid.graphs.dag import DAG
from graphoid.kernel import Kernel, RuleError
from graphoid.script import check_text
from graphoid.statements import CI, NotCI


def run(argv, capsys):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def random_dag(rng, n, p):
    names = ["V%d" % i for i in range(n)]
    order = names[:]
    rng.shuffle(order)
    edges = tuple((order[i], order[j]) for i in range(n) for j in range(i + 1, n) if rng.random() < p)
    return DAG("G", tuple(names), edges)


# -- Broken-3: prove takes a goal alone; --graph says whether the goal holds --------------------

@pytest.mark.parametrize("query", ["(A ⊥ C | B)", "⊢ (A ⊥ C | B)", "|- (A ⊥ C | B)"])
def test_prove_a_goal_without_premises_in_a_graph(query, capsys):
    code, out, err = run(["prove", "--graph", "A->B, B->C", query], capsys)
    assert code == 0, err
    assert "holds" in out.splitlines()[0] and "proved" in out.splitlines()[0]


def test_prove_a_goal_without_premises_is_decided(capsys):
    code, out, _ = run(["prove", "(A ⊥ B)"], capsys)
    assert code == 1 and out.startswith("refuted")


def test_a_premise_failing_in_the_graph_is_never_a_vacuous_proof(capsys):
    code, out, _ = run(["prove", "--graph", "A->B, B->C", "(A ⊥ B) ⊢ (A ⊥ C)"], capsys)
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith("not proved") and "(A ⊥⊥ B)_d in G does not hold" in first
    assert "vacuous" not in out
    assert "active path A -> B" in out
    code, out, _ = run(["prove", "--graph", "A->B, B->C", "--json", "(A ⊥ B) ⊢ (A ⊥ C)"], capsys)
    data = json.loads(out)
    assert data["status"] == "premise fails" and data["premises"][0]["holds"] is False
    assert data["goal"]["holds"] is False


def test_refuted_in_the_graph_when_the_premises_hold(capsys):
    code, out, _ = run(["prove", "--graph", "A->B, B->C", "(A ⊥ C | B) ⊢ (A ⊥ C)"], capsys)
    assert code == 1 and out.startswith("refuted") and "active path A -> B -> C" in out


def test_a_cyclic_graph_is_bad_input(capsys):
    code, out, err = run(["prove", "--graph", "A->B, B->C, C->A", "(A ⊥ C | B)"], capsys)
    assert code == 2 and "cycle" in err and "Traceback" not in err


# -- Broken-4: names in queries -------------------------------------------------------------------

def test_a_name_with_digits_is_one_name(capsys):
    code, out, _ = run(["prove", "(A1 ⊥ B1) ⊢ (B1 ⊥ A1)"], capsys)
    assert code == 0
    assert "variables A1, B1" in out


def test_a_capitalised_word_is_one_name(capsys):
    code, out, _ = run(["prove", "(Smoke, Gene ⊥ Tar) ⊢ (Tar ⊥ Smoke)"], capsys)
    assert code == 0, out
    assert "variables Gene, Smoke, Tar" in out


def test_juxtaposed_capitals_are_still_separate_variables(capsys):
    code, out, _ = run(["prove", "(A ⊥ BC | D) ⊢ (A ⊥ B | D)"], capsys)
    assert code == 0 and "variables A, B, C, D" in out


def test_an_ambiguous_juxtaposition_is_an_error_that_says_so(capsys):
    code, out, err = run(["prove", "(A, B, AB ⊥ C) ⊢ (ABC ⊥ D)"], capsys)
    assert code == 2
    assert "'ABC' can be read as {AB, C} or {A, B, C}" in err


def test_declared_names_win_in_a_query(capsys):
    import graphoid
    s = graphoid.parse_statement("(AB, C ⊥ D | AB)")   # AB is written on its own, so AB is a name
    assert s.x.scalars == {"AB", "C"}
    s = graphoid.parse_statement("(SmokeGene ⊥ Tar)")
    assert s.x.scalars == {"Smoke", "Gene"}


def test_scripts_follow_the_same_rule():
    rep = check_text("variables A, B, AB, C\nassume (p): (ABC ⊥⊥ B)\n")
    assert not rep.ok and "'ABC' can be read as" in rep.errors()[0].message
    rep = check_text("variables A, B, AB, C\nassume (p): (AB ⊥⊥ C)\n")
    assert rep.ok and rep.steps[0].fact.statement.x.scalars == {"AB"}


# -- Missing-2: d-connection ------------------------------------------------------------------------

MBIAS = """variables X, Y, M, U1, U2
graph G: U1 -> X, U1 -> M, U2 -> M, U2 -> Y
have (1): (X ⊥⊥ Y)_d in G by d_separation(G)
have (2): (X ⊥̸⊥ Y | M)_d in G by d_connection(G)
have (3): (X !_||_ Y | M)_d by d_separation(G)
have (4): not (X ⊥⊥ Y | M)_d by d_connection
"""


def test_m_bias_d_connection_in_a_script():
    rep = check_text(MBIAS)
    assert rep.ok, [e.render() for e in rep.errors()]
    step = next(s for s in rep.steps if s.label == "2")
    assert step.statement == "({X} ⊥̸⊥ {Y} | {M})_d in G"
    assert step.rule == "d-connection"
    assert "X <- U1 -> M <- U2 -> Y is an active path given {M} in G" in step.expansion


def test_a_false_d_connection_fails_with_the_reason():
    rep = check_text(MBIAS + "have (5): (X ⊥̸⊥ Y)_d by d_connection(G)\n")
    assert not rep.ok
    assert "no active path between {X} and {Y} given ∅ in G" in rep.errors()[0].message


def test_d_connection_needs_a_graph_statement():
    rep = check_text("variables X, Y\ngraph G: X -> Y\nhave (1): (X ⊥̸⊥ Y) by d_connection(G)\n")
    assert not rep.ok and "(X ⊥̸⊥ Y | Z)_d" in rep.errors()[0].message


def test_d_connection_agrees_with_networkx_on_random_dags():
    rng = random.Random(12)
    k = Kernel()
    checked = 0
    for _ in range(60):
        g = random_dag(rng, rng.randint(2, 6), rng.choice([0.2, 0.4, 0.6]))
        for x, y in itertools.combinations(g.nodes, 2):
            rest = [v for v in g.nodes if v not in (x, y)]
            z = frozenset(v for v in rest if rng.random() < 0.4)
            c = NotCI(CI.of({x}, {y}, z, dsep=True, graph="G"))
            connected = not nx.is_d_separator(g.nx(), {x}, {y}, set(z))
            try:
                k.d_connection(g, c)
                got = True
            except RuleError:
                got = False
            assert got == connected, (g, x, y, z)
            checked += 1
    assert checked > 100


def test_the_kernel_rejects_a_forged_path():
    g = DAG("G", ("X", "M", "Y", "U1", "U2"), (("U1", "X"), ("U1", "M"), ("U2", "M"), ("U2", "Y")))
    k = Kernel()
    given_m = NotCI(CI.of({"X"}, {"Y"}, {"M"}, dsep=True, graph="G"))
    assert k.d_connection(g, given_m, ["X", "U1", "M", "U2", "Y"]).statement == given_m
    nothing = NotCI(CI.of({"X"}, {"Y"}, set(), dsep=True, graph="G"))
    with pytest.raises(RuleError, match="collider M is not in Z"):
        k.d_connection(g, nothing, ["X", "U1", "M", "U2", "Y"])
    with pytest.raises(RuleError, match="not adjacent"):
        k.d_connection(g, given_m, ["X", "M", "Y"])
    with pytest.raises(RuleError, match="non-collider U1 is in Z"):
        k.d_connection(g, NotCI(CI.of({"X"}, {"Y"}, {"M", "U1"}, dsep=True, graph="G")), ["X", "U1", "M", "U2", "Y"])


def test_d_connection_goal_in_a_graph_query(capsys):
    code, out, _ = run(["prove", "--graph", "U1->X, U1->M, U2->M, U2->Y", "(X !_||_ Y | M)"], capsys)
    assert code == 0 and "active path X <- U1 -> M <- U2 -> Y" in out
    code, out, err = run(["prove", "(X ⊥̸⊥ Y | M)"], capsys)
    assert code == 2 and "--graph" in err
