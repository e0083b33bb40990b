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
    checked = 0
    for _ in range(60):
        g = random_dag(rng, rng.randint(2, 6), rng.choice([0.2, 0.4, 0.6]))
        k = Kernel.for_graphs(g)      # graphs are read off only when declared in the context
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
    k = Kernel.for_graphs(g)
    with pytest.raises(RuleError, match="not a graph declared"):
        Kernel().d_connection(g, NotCI(CI.of({"X"}, {"Y"}, {"M"}, dsep=True, graph="G")))
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


# -- Missing-1: dagitty syntax, networkx and pgmpy ---------------------------------------------------

DAGITTY_SCRIPT = """graph G: dag { X [exposure]; Y [outcome]; U [latent]; X -> M -> Y; U -> X; U -> Y }
have (1): (X ⊥⊥ Y | M, U)_d in G by d_separation(G)
have (2): (X ⊥̸⊥ Y | M)_d in G by d_connection(G)
graph H = dagitty "dag { A <-> B; {A B} -> C }"
have (3): (A ⊥̸⊥ B)_d in H by d_connection(H)
have (4): (A ⊥⊥ B)_d in H by d_separation(H)
"""


def test_dagitty_graphs_in_a_script():
    rep = check_text(DAGITTY_SCRIPT)
    assert [s.status for s in rep.steps] == ["verified", "verified", "verified", "failed"]
    assert rep.env.graphs["G"].latent == {"U"}
    h = rep.env.graphs["H"]
    (lam,) = h.latent                     # A <-> B is a latent common cause
    assert {(lam, "A"), (lam, "B"), ("A", "C"), ("B", "C")} == set(h.edges)


@pytest.mark.parametrize("text, message", [
    ("graph G: dag { X -- Y }", "1:18: dagitty edge X -- Y is not directed"),
    ("graph G: dag { X_1 -> Y }", "1:16: dagitty name 'X_1' cannot be used"),
    ("graph G = dagitty 'dag { A -> B -> A }'", "1:1: graph G is not acyclic: it has the cycle A -> B -> A"),
])
def test_bad_dagitty_graphs_are_positioned_errors(text, message):
    rep = check_text(text, "g.gph")
    assert not rep.ok
    got = ["%d:%d: %s" % (e.line, e.col, e.message) for e in rep.errors()]
    assert any(g.startswith(message) for g in got), got


def test_dagitty_in_prove_graph(capsys):
    code, out, _ = run(["prove", "--graph", "dag { X -> M -> Y; U [latent]; U -> X; U -> Y }", "(X ⊥ Y | M)"], capsys)
    assert code == 1 and "active path X <- U -> Y" in out
    code, out, _ = run(["prove", "--graph", "dag { X -> M -> Y }", "(X ⊥ Y | M)"], capsys)
    assert code == 0


def test_real_networkx_and_pgmpy_graphs_round_trip():
    import graphoid
    from pgmpy.base import DAG as PDAG
    from pgmpy.models import DiscreteBayesianNetwork
    nxg = nx.DiGraph([("U", "X"), ("U", "Y"), ("X", "M"), ("M", "Y")])
    nxg.nodes["U"]["latent"] = True
    g = graphoid.from_networkx(nxg)
    assert g.latent == {"U"} and set(g.edges) == set(nxg.edges)
    back = graphoid.to_networkx(g)
    assert set(back.edges) == set(nxg.edges) and back.nodes["U"]["latent"] is True
    model = DiscreteBayesianNetwork([("U", "X"), ("U", "Y"), ("X", "M"), ("M", "Y")], latents={"U"})
    p = graphoid.from_pgmpy(model)
    assert p.latent == {"U"} and set(p.edges) == set(model.edges())
    out = graphoid.to_pgmpy(p)
    assert isinstance(out, PDAG) and out.latents == {"U"} and set(out.edges()) == set(model.edges())
    # the same answers as pgmpy's own d-separation test, on pgmpy's own object
    for x, y, z in [("X", "Y", {"M"}), ("X", "Y", {"M", "U"}), ("U", "M", {"X"})]:
        ans = graphoid.prove("(%s ⊥ %s | %s)" % (x, y, ", ".join(sorted(z))) if len(z) > 1 else
                             "(%s ⊥ %s | %s)" % (x, y, next(iter(z))), graph=model)
        assert (ans.status == "proved") == (not model.is_dconnected(x, y, observed=list(z)))


def test_graphs_that_are_not_dags_are_refused():
    import graphoid
    with pytest.raises(ValueError, match="cycle"):
        graphoid.from_networkx(nx.DiGraph([("A", "B"), ("B", "A")]))
    with pytest.raises(ValueError, match="undirected"):
        graphoid.from_networkx(nx.Graph([("A", "B")]))
    with pytest.raises(ValueError, match="relabel"):
        graphoid.from_networkx(nx.DiGraph([(1, 2)]))


# -- Missing-5: readable results from Python --------------------------------------------------------

def test_python_prove_results_and_statements_print_readably():
    import graphoid
    s = graphoid.parse_statement("(A ⊥⊥ CD | B)")
    assert str(s) == "(A ⊥⊥ CD | B)" and "\\perp" in s._repr_latex_()
    r = graphoid.prove("(A ⊥ B | C), (A ⊥ C) ⊢ (A ⊥ B)")
    assert str(r).startswith("proved under the semigraphoid axioms") and "contraction" in str(r)
    assert "```" in r._repr_markdown_()
    a = graphoid.prove("(X ⊥ Y | M)", graph="X -> M, M -> Y")
    assert a.status == "proved" and str(a).startswith("proved: the goal")
    with pytest.raises(ValueError, match="graph"):
        graphoid.prove("(X ⊥̸⊥ Y)")


# -- Broken-6: cycles at the declaration, BOM and ∣ -----------------------------------------------------

def test_a_self_loop_is_reported_at_the_declaration():
    rep = check_text("variables A, B\ngraph G: A -> B, B -> B\n", "g.gph")
    assert str(rep.errors()[0]) == "g.gph:2:1: error: graph G is not acyclic: it has a self-loop B -> B"


def test_bom_and_divides_sign_are_accepted(tmp_path, capsys):
    f = tmp_path / "bom.gph"
    f.write_bytes("\ufeffvariables A, B, C\nassume (p): (A ⊥⊥ B ∣ C)\nhave (1): (B ⊥⊥ A ∣ C) by symmetry(p)\n".encode("utf-8"))
    assert main(["check", str(f)]) == 0, capsys.readouterr().out
    code, out, _ = run(["prove", "(A ⊥ B ∣ C) ⊢ (B ⊥ A ∣ C)"], capsys)
    assert code == 0


# -- Missing-3: graph queries -----------------------------------------------------------------------

def _is_dsep(g, x, y, z):
    return nx.is_d_separator(g.nx(), set(x), set(y), set(z))


def test_implied_basis_and_pairs_hold_and_are_kernel_checked_on_random_dags():
    from graphoid.graphs.queries import implied
    rng = random.Random(3)
    for _ in range(25):
        g = random_dag(rng, rng.randint(2, 6), 0.4)
        for all_pairs in (False, True):
            ans = implied(g, all_pairs=all_pairs)
            for _lab, f in ans.facts:
                s = f.statement
                if isinstance(s, CI):
                    assert _is_dsep(g, *s.triple())
                else:
                    assert not _is_dsep(g, *s.ci.triple())
            rep = check_text(ans.script())
            assert rep.ok and rep.count("verified") == len(ans.facts)
        # the basis has one statement per vertex with non-descendants outside its parents
        G = g.nx()
        want = sum(1 for v in g.nodes if set(g.nodes) - nx.descendants(G, v) - {v} - set(G.predecessors(v)))
        assert len(implied(g).facts) == want


def _backdoor_by_paths(g, x, y, z):
    """Pearl's back-door criterion by its definition, independently of graphoid's code: no
    descendant of x in z, and every path between x and y that starts with an arrow into x is blocked."""
    G = g.nx()
    if set(z) & nx.descendants(G, x):
        return False
    U = G.to_undirected()
    anc = set(z).union(*(nx.ancestors(G, v) for v in z)) if z else set()
    for path in nx.all_simple_paths(U, x, y):
        if not G.has_edge(path[1], x):
            continue
        blocked = False
        for a, b, c in zip(path, path[1:], path[2:]):
            collider = G.has_edge(a, b) and G.has_edge(c, b)
            if (collider and b not in anc) or (not collider and b in z):
                blocked = True
                break
        if not blocked:
            return False
    return True


def test_backdoor_adjustment_sets_are_exactly_the_minimal_ones_on_random_dags():
    from graphoid.graphs.queries import adjustment_sets
    rng = random.Random(5)
    for _ in range(25):
        g = random_dag(rng, rng.randint(3, 6), 0.45)
        x, y = rng.sample(list(g.nodes), 2)
        ans = adjustment_sets(g, {x}, {y})
        others = [v for v in g.nodes if v not in (x, y)]
        valid = [frozenset(c) for r in range(len(others) + 1) for c in itertools.combinations(others, r)
                 if _backdoor_by_paths(g, x, y, set(c))]
        minimal = {v for v in valid if not any(w < v for w in valid)}
        got = {frozenset(f.statement.z.scalars) for lab, f in ans.facts if isinstance(f.statement, CI)}
        assert got == minimal, (g, x, y)
        assert check_text(ans.script()).ok


def test_minimal_separator_is_minimal_and_checked(capsys):
    code, out, _ = run(["dsep", "--graph", "dag { X -> M -> Y; U -> X; U -> Y; W -> M }", "separator", "X", "Y"], capsys)
    assert code == 0 and "(X ⊥⊥ Y | MU)_d in G" in out
    code, out, _ = run(["dsep", "--graph", "dag { X -> M -> Y; U -> X; U -> Y; W -> M }", "separator", "X", "Y", "--script"], capsys)
    rep = check_text(out)
    assert rep.ok and rep.count("verified") == 3      # the separation and one active path per dropped vertex
    code, out, _ = run(["dsep", "--graph", "dag { X -> Y }", "separator", "X", "Y"], capsys)
    assert code == 0 and "none" in out
    code, out, err = run(["dsep", "--graph", "dag { X -> Y }", "separator", "X"], capsys)
    assert code == 2 and "two vertex sets" in err


# -- Missing-4: auto[system]; the mirror image of a premise via a derived symmetry step ------------------

SYM = """variables X, Y, Z, W
assume (p): (YW ⊥⊥ X | Z)
have (1): (X ⊥⊥ Y | ZW) by weak_union(p)
have (2): (Y ⊥⊥ X | Z) by decomposition(p)
graph G: X -> Z, Z -> Y
have (5): (X ⊥⊥ Y | Z)_d in G by d_separation(G)
have (6): (Y ⊥⊥ X | Z) by markov(5)
"""


def test_the_mirror_image_gets_a_visible_derived_symmetry_step():
    rep = check_text(SYM)
    assert rep.ok, [e.render() for e in rep.errors()]
    rows = [(s.label, s.rule, s.premises) for s in rep.steps]
    assert ("1.sym", "symmetry", ("p",)) in rows and ("1", "weak union", ("1.sym",)) in rows
    assert ("6.sym", "symmetry", ("5",)) in rows and ("6", "Markov", ("6.sym",)) in rows
    assert ("2", "symmetry", ("2.pre",)) in rows          # decomposition, then symmetry to the claim
    assert all(s.status == "verified" for s in rep.steps if s.label.endswith((".sym", ".pre")))


def test_a_wrong_step_still_fails_with_the_error_for_the_step_as_written():
    rep = check_text("variables X, Y, Z, W\nassume (p): (YW ⊥⊥ X | Z)\nhave (4): (X ⊥⊥ Y) by weak_union(p)\n")
    assert not rep.ok
    assert rep.errors()[0].message == "weak union: the conclusion's left side must be the premise's left side {W, Y}; it is {X}"
    assert not any(s.label.startswith("4.") for s in rep.steps)


def test_derived_symmetry_steps_are_in_the_certificate_and_recheck(tmp_path, capsys):
    f = tmp_path / "sym.gph"
    f.write_text(SYM + "have (7): (X ⊥̸⊥ Y)_d in G by d_connection(G)\n", encoding="utf-8")
    cert = tmp_path / "c.json"
    assert main(["check", str(f), "--certificate", str(cert)]) == 0
    capsys.readouterr()
    assert main(["recheck", str(cert)]) == 0
    data = json.loads(cert.read_text())
    step = next(s for s in data["files"][0]["steps"] if s["label"] == "7")
    step["statement"]["ci"]["z"] = ["Z"]                   # now d-separated: the rechecker must refuse
    cert.write_text(json.dumps(data))
    assert main(["recheck", str(cert)]) == 1
    assert "not d-connected" in capsys.readouterr().out


def test_auto_with_a_chosen_axiom_system():
    base = "variables X, Y, Z, W\nassume (a): (X ⊥⊥ Y | ZW)\nassume (b): (X ⊥⊥ W | ZY)\n"
    rep = check_text(base + "have (1): (X ⊥⊥ YW | Z) by auto((a), (b))\n")
    assert not rep.ok and "under the semigraphoid axioms" in rep.errors()[0].message
    rep = check_text(base + "have (1): (X ⊥⊥ YW | Z) by auto[graphoid]((a), (b))\n")
    assert rep.ok, [e.render() for e in rep.errors()]
    assert "strictly positive" in rep.steps[-1].semantics      # intersection was used: marked as such
    rep = check_text(base + "have (1): (X ⊥⊥ YW | Z) by auto[bogus]((a), (b))\n")
    assert "unknown axiom system 'bogus'" in rep.errors()[0].message
    rep = check_text(base + "have (1): (X ⊥⊥ Y | ZW) by symmetry[graphoid](a)\n")
    assert "only auto takes an axiom system" in rep.errors()[0].message


# -- Broken-6: messages ---------------------------------------------------------------------------

def test_placeholders_do_not_clash_with_the_users_names():
    rep = check_text("variables X, Y, Z, W\nassume (p): (X ⊥⊥ YW | Z)\nhave (2): (X ⊥⊥ Y | Z) by weak_union(p)\n")
    msg = rep.errors()[0].message
    assert "Z ∪ W" not in msg
    assert msg == ("weak union: the conclusion must condition on the premise's conditioning set plus what was "
                   "dropped from its right side, {W, Z}; it conditions on {Z}")
    # other names: the axiom's letters are unambiguous and stay
    rep = check_text("variables A, B, C, D\nassume (p): (A ⊥⊥ BD | C)\nhave (2): (A ⊥⊥ B | C) by weak_union(p)\n")
    assert "Z ∪ W = {C, D}" in rep.errors()[0].message


def test_generalize_suggests_a_declaration_that_parses():
    from graphoid.syntax.parser import parse_script
    rep = check_text("index I = 1..n\nfamily A, X over I\nsubset γ ⊆ I\n"
                     "assume (p): (A_γ ⊥⊥ X_{\\γ})\n"
                     "have (g): for all j ∈ I: (A_γ ⊥⊥ X_{\\γ}) by generalize(p)\n")
    msg = rep.errors()[0].message
    assert "(arbitrary j ∈ I)" in msg
    suggestion = msg[msg.index("(arbitrary") + 1: msg.index(")", msg.index("(arbitrary"))]
    parse_script("index I = 1..n\n" + suggestion + "\n")      # the suggestion is valid syntax


def test_parse_errors_name_symbols_not_lark_internals():
    rep = check_text("index I = 1\n")
    msg = rep.parse_error.message
    assert "__anon" not in msg.lower() and "'..'" in msg


def test_a_capitalised_or_misspelt_rule_gets_a_suggestion():
    rep = check_text("variables A, B\nassume (a): (A ⊥⊥ B)\nhave (1): (B ⊥⊥ A) by Symmetry(a)\n")
    assert "did you mean 'symmetry'?" in rep.parse_error.message
    rep = check_text("variables A, B\nassume (a): (A ⊥⊥ B)\nhave (1): (B ⊥⊥ A) by symetry(a)\n")
    assert "unknown rule 'symetry'; did you mean 'symmetry'?" in rep.errors()[0].message


def test_a_label_defined_later_says_so():
    rep = check_text("variables A, B\nhave (1): (B ⊥⊥ A) by symmetry(2)\nassume (2): (A ⊥⊥ B)\n")
    assert rep.errors()[0].message == "label (2) is defined later (line 3); a step can cite only earlier steps"
    rep = check_text("variables A, B\nhave (1): (B ⊥⊥ A) by symmetry(9)\n")
    assert rep.errors()[0].message == "unknown label (9)"


def test_classcheck_hypothesis_without_a_name(capsys):
    code, _, err = run(["classcheck", "hypothesis"], capsys)
    assert code == 2 and "None" not in err and "no_C_to_B" in err


# -- Broken-7: prove's LaTeX, JSON and tables ---------------------------------------------------------

REFUTED = "(A ⊥ BC | D), (B ⊥ C) ⊢ (A ⊥ B)"


def test_prove_latex_on_a_refuted_query_is_a_document(capsys, tmp_path):
    import shutil
    import subprocess
    code, out, _ = run(["prove", "--latex", REFUTED], capsys)
    assert code == 1 and out.startswith("\\documentclass") and "Refuted" in out and "\\begin{tabular}" in out
    if shutil.which("pdflatex"):
        (tmp_path / "r.tex").write_text(out, encoding="utf-8")
        r = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "r.tex"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stdout[-2000:]


def test_prove_json_counter_models_are_structured(capsys):
    from fractions import Fraction
    code, out, _ = run(["prove", "--json", REFUTED], capsys)
    data = json.loads(out)
    assert data["status"] == "refuted" and "semantics" not in data
    assert "valid in every distribution" not in out
    cm = data["counter_model"]
    assert {"x": ["B"], "y": ["C"], "z": []} in cm["statements"]
    assert cm["missing_goal_components"] == [{"x": ["A"], "y": ["B"], "z": []}]
    d = data["distribution_witness"]
    assert d["variables"] and sum(Fraction(r["p"]) for r in d["table"]) == 1
    assert all(len(r["values"]) == len(d["variables"]) for r in d["table"])
    if "dag_witness" in data:
        assert all(len(e) == 2 for e in data["dag_witness"]["edges"])


def test_a_gaussoid_answer_is_labelled_by_the_rules_it_used(capsys):
    code, out, _ = run(["prove", "--axioms", "gaussoid", "(A ⊥ B | C), (A ⊥ C) ⊢ (A ⊥ B)"], capsys)
    assert code == 0 and "(valid in every distribution)" in out.splitlines()[0]
    code, out, _ = run(["prove", "--axioms", "gaussoid", "(A ⊥ B), (A ⊥ C) ⊢ (A ⊥ BC)"], capsys)
    assert code == 0 and "Gaussian" in out.splitlines()[0]


def test_a_big_table_is_summarised_after_a_dag_witness(capsys):
    from fractions import Fraction
    from types import SimpleNamespace
    from graphoid.search.cli import _print_text
    from graphoid.search.witness import Distribution
    names = list("ABCDEFGH")
    rows = {tuple((i >> k) & 1 for k in range(8)): Fraction(1, 256) for i in range(256)}
    res = SimpleNamespace(dist_witness=Distribution(names, rows))
    out = {"status": "refuted", "axioms": "semigraphoid", "counter_model_text": "closure", "seconds": 0.0,
           "dag_witness": {"edges": [["A", "B"]]}, "distribution_witness": {}}
    _print_text(out, res)
    text = capsys.readouterr().out
    assert "8 variables, 256 rows with positive probability; --table prints it" in text
    assert len(text.splitlines()) < 10
    _print_text(out, res, table=True)
    assert len(capsys.readouterr().out.splitlines()) > 256
    del out["dag_witness"]                  # without a DAG witness the table is the only witness: shown
    _print_text(out, res)
    assert len(capsys.readouterr().out.splitlines()) > 256


def test_jupyter_shows_an_enumeration_step_as_checked_not_failed():
    from pathlib import Path
    from graphoid.script import check_file
    rep = check_file(str(Path(__file__).resolve().parent.parent / "proofs" / "lemma1.gph"))
    frag = rep._repr_latex_()
    assert "failed:" not in frag and "by enumeration" in frag


# -- Broken-5: drawings and LaTeX ------------------------------------------------------------------

DRAW = """variables X, M, Y, A, B, C, D
latent U, V
graph F: U -> X, U -> Y, X -> M, M -> Y, V -> M, V -> Y
graph K = chain(A, B, C, D)
"""


def test_latents_are_drawn_with_their_names_and_chains_with_their_blocks(tmp_path, capsys):
    f = tmp_path / "d.gph"
    f.write_text(DRAW, encoding="utf-8")
    assert main(["draw", str(f), "F", "-o", str(tmp_path / "f.dot")]) == 0
    dot = (tmp_path / "f.dot").read_text()
    assert '"U" [label="U"' in dot and '"V" [label="V"' in dot and "λ" not in dot
    assert main(["draw", str(f), "K", "-o", str(tmp_path / "k.dot")]) == 0
    dot = (tmp_path / "k.dot").read_text()
    assert all('[label="%s"' % b in dot for b in "ABCD") and "B1" not in dot


@pytest.mark.skipif(__import__("shutil").which("dot") is None, reason="graphviz dot not installed")
def test_tikz_uses_graphviz_coordinates_not_one_line(tmp_path, capsys):
    import re
    f = tmp_path / "d.gph"
    f.write_text(DRAW, encoding="utf-8")
    assert main(["draw", str(f), "F", "-o", str(tmp_path / "f.tex")]) == 0
    coords = re.findall(r"at \((-?[\d.]+),(-?[\d.]+)\) \{\$(\w+)\$\}", (tmp_path / "f.tex").read_text())
    assert len(coords) == 5
    assert len({y for _, y, _ in coords}) >= 3          # layered, not all on one line
    pos = {n: float(y) for _, y, n in coords}
    assert pos["X"] > pos["M"] > pos["Y"]               # every edge points down


def test_non_ascii_prose_and_math_in_comments(tmp_path):
    from graphoid.export.latex import document
    text = ("# Studený’s “semigraphoids”, après Pearl — see \"Causality\": $(A ⊥⊥ C | B)_d$ holds\n"
            "variables A, B, C\ngraph G: A -> B, B -> C\n"
            "have (1): (A ⊥⊥ C | B)_d by d_separation(G)\n")
    rep = check_text(text, "c.gph")
    tex = document(rep)
    assert "U+" not in tex
    assert r"Studen\'{y}" in tex and r"apr\`{e}s" in tex and "---" in tex and "``{}semigraphoids''{}" in tex
    assert r'\texttt{"}Causality\texttt{"}' in tex
    assert r"$(\mathbf{A} \perp\!\!\!\perp \mathbf{C} \mid \mathbf{B})_d$ holds" in tex
    import shutil
    import subprocess
    if shutil.which("pdflatex"):
        (tmp_path / "c.tex").write_text(tex, encoding="utf-8")
        r = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "c.tex"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stdout[-2000:]


def test_symbolic_declarations_are_in_the_document():
    from pathlib import Path
    from graphoid.export.latex import document
    from graphoid.script import check_file
    rep = check_file(str(Path(__file__).resolve().parent.parent / "proofs" / "theorem1.gph"))
    tex = document(rep)
    assert r"Index range $I = \{1, \dots, n\}$." in tex
    assert r"Partition $I = I_{B} \sqcup I_{C}$." in tex
    assert r"$\mathbf{B} = \mathbf{A}_{I_{B}}$." in tex
    assert r"Arbitrary index $i \in I_{C}$." in tex


# -- Missing-5: the language reference ---------------------------------------------------------------

def test_help_syntax_is_the_shipped_reference(capsys):
    from pathlib import Path
    from graphoid.help import SYNTAX
    code, out, _ = run(["help", "syntax"], capsys)
    assert code == 0 and out == SYNTAX
    doc = (Path(__file__).resolve().parent.parent / "docs" / "syntax.md").read_text(encoding="utf-8")
    assert doc == SYNTAX, "regenerate docs/syntax.md from graphoid/help.py"


def test_the_references_examples_parse_and_check():
    from graphoid.help import SYNTAX
    import re
    stmts = re.findall(r"^    (\([^\n]*?\)(?:_d(?: in G)?)?)(?:\s{2,}|$)", SYNTAX.split("## Sets")[0], re.M)
    assert len(stmts) >= 4
    import graphoid
    for s in stmts:
        graphoid.parse_statement(s)
    script = ("variables X, Y, Z\nlatent Λ\n"
              "graph G: dag { X -> M -> Y; U [latent]; U -> X; A <-> B; {A B} -> C }\n"
              "graph V = chain(A, B, C, M)\n"
              "index I = 1..n\nfamily P, Q over I\npartition I = I_B ⊔ I_C\nsubset γ ⊆ I\narbitrary i ∈ I_C\n"
              "have (1): (X ⊥̸⊥ Y)_d in G by d_connection(G)\n"
              "have (2): (A !_||_ B | M)_d in G by d_connection(G)\n")
    for line in script.splitlines():
        if not line.startswith("have"):
            assert line.split()[0] in SYNTAX
    rep = check_text(script)
    assert rep.ok, [e.render() for e in rep.errors()]


def test_the_readmes_graph_examples_print_what_it_shows(capsys):
    """The README's `prove --graph` and `dsep` transcripts are what the commands print."""
    import re
    import shlex
    from pathlib import Path
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    checked = 0
    for block in re.findall(r"^```[a-z]*\n(.*?)^```", readme, re.S | re.M):
        cmds = re.split(r"^\$ ", block, flags=re.M)
        for chunk in cmds[1:]:
            line, _, expected = chunk.partition("\n")
            if not (line.startswith("graphoid prove --graph") or line.startswith("graphoid dsep")):
                continue
            argv = shlex.split(line.split("     #")[0])[1:]
            main(argv)
            assert capsys.readouterr().out == expected, line
            checked += 1
    assert checked >= 4
