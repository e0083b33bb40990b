"""Parsing c.i. statements: every spelling of the independence sign, empty conditioning, _d and
`in G`, juxtaposition, comma lists, braces, Greek; and parse(print(s)) == s as a property."""
from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphoid.script import check_text
from graphoid.sets import IDiff, IFull, IName, ISingle, VarSet, _mk
from graphoid.statements import CI, DEFAULT_GRAPH, ci_text
from graphoid.syntax.parser import GphError, parse_script, parse_statement_tree
from graphoid.syntax.resolve import ResolveError, Resolver

SCALARS = ["A", "B", "C", "D", "Λ", "Ω", "A1", "A2", "X'", "Age"]
HEADER = """variables A, B, C, D, Λ, Ω, A1, A2, X', Age
graph G: A -> B
graph H: B -> C
index I = 1..n
family F, X over I
subset γ, δ ⊆ I
arbitrary j ∈ I
"""


@pytest.fixture(scope="module")
def env():
    rep = check_text(HEADER, "header.gph")
    assert rep.ok, rep.errors()
    return rep.env


def parse(env, text: str) -> CI:
    return Resolver(env).statement(parse_statement_tree(text))


SIGNS = ["⊥", "⊥⊥", "⫫", "_||_", r"\perp", r"\indep", r"\perp\!\!\!\perp", r"\perp \! \! \! \perp"]


@pytest.mark.parametrize("sign", SIGNS)
def test_every_spelling_of_the_independence_sign(env, sign):
    assert parse(env, "(A %s CD | B)" % sign) == CI.of({"A"}, {"C", "D"}, {"B"})
    assert parse(env, r"(A %s B \mid C)" % sign) == CI.of({"A"}, {"B"}, {"C"})


def test_empty_conditioning_set(env):
    assert parse(env, "(A ⊥ B)") == CI.of({"A"}, {"B"})
    assert parse(env, "(A ⊥ B | ∅)") == CI.of({"A"}, {"B"})
    assert parse(env, r"(A ⊥ B | \emptyset)") == CI.of({"A"}, {"B"})
    assert parse(env, "(A ⊥ B)").z.is_empty_syntactically()


def test_d_separation_and_graph_scope(env):
    s = parse(env, "(A ⊥⊥ C | B)_d")
    assert s.dsep and s.graph == DEFAULT_GRAPH   # two graphs declared: no implicit choice
    s = parse(env, "(A ⊥⊥ C | B)_d in G")
    assert s == CI.of({"A"}, {"C"}, {"B"}, dsep=True, graph="G")
    assert not parse(env, "(A ⊥⊥ C | B)").dsep


def test_in_graph_without_d_is_an_error(env):
    with pytest.raises(ResolveError, match="needs a d-separation"):
        parse(env, "(A ⊥⊥ C | B) in G")


def test_unknown_graph(env):
    with pytest.raises(ResolveError, match="unknown graph"):
        parse(env, "(A ⊥⊥ C | B)_d in Nope")


def test_juxtaposition_commas_and_braces_agree(env):
    want = CI.of({"A", "B"}, {"C", "D"}, {"Λ"})
    for text in ["(AB ⊥ CD | Λ)", "(A B ⊥ C D | Λ)", "(A, B ⊥ C, D | Λ)", "({A, B} ⊥ {C, D} | {Λ})",
                 "({A,B} ⊥ {C}D | \\Lambda)", "(BA ⊥ DC | Λ)"]:
        assert parse(env, text) == want, text


def test_multi_character_names_need_commas_or_braces(env):
    assert parse(env, "({A1, A2} ⊥ Age)") == CI.of({"A1", "A2"}, {"Age"})
    assert parse(env, "(A1, A2 ⊥ X')") == CI.of({"A1", "A2"}, {"X'"})


def test_greek_names_unicode_and_macro(env):
    assert parse(env, r"(\Lambda ⊥ \Omega | A)") == parse(env, "(Λ ⊥ Ω | A)") == CI.of({"Λ"}, {"Ω"}, {"A"})
    assert parse(env, "(ΛΩ ⊥ A)") == CI.of({"Λ", "Ω"}, {"A"})


def test_families_complements_and_index_variables(env):
    s = parse(env, r"(F_γ ⊥ X_{\γ} | X_γ)")
    assert s.x == _mk(frozenset(), {"F": IName("γ")})
    assert s.y == _mk(frozenset(), {"X": IDiff(IFull("I"), IName("γ"))})
    assert parse(env, r"(F_\gamma ⊥ X_{∖\gamma} | X_\gamma)") == s
    s = parse(env, r"(F_j ⊥ X_{\j} | X_j)")
    assert s.x == _mk(frozenset(), {"F": ISingle("j")})


def test_unknown_name_is_positioned(env):
    with pytest.raises(ResolveError) as e:
        parse(env, "(A ⊥ E)")
    assert (e.value.line, e.value.col) == (1, 6)


@pytest.mark.parametrize("text,line,col", [
    ("variables A, B\nassume (h): (A B)\n", 2, 17),
    ("variables A, B\nassume (h): (A ⊥ B\n", 2, 19),
    ("variables A, B\nhave (h): (A ⊥ B) by\n", 2, 21),
    ("variables A, B\nassume (h): (A ⊥ B) $\n", 2, 21),
])
def test_parse_errors_have_positions(text, line, col):
    with pytest.raises(GphError) as e:
        parse_script(text, "x.gph")
    assert (e.value.line, e.value.col) == (line, col), e.value
    assert e.value.file == "x.gph" and "expected" in e.value.message


def test_numeric_labels_mirror_the_paper():
    rep = check_text("variables A, B, C\nassume (7): (A ⊥ BC)\nhave (8): (A ⊥ B) by decomposition(7)\n"
                     "have (9): (A ⊥ C) by decomposition((7))\n")
    assert rep.ok and [s.label for s in rep.steps] == ["7", "8", "9"]


# ---------------------------------------------------------------------------------------------
# parse(print(s)) == s

SINGLE = ["A", "B", "C", "D", "Λ", "Ω"]
FAMILY_TERMS = [("F", IName("γ")), ("F", ISingle("j")), ("F", IFull("I")), ("X", IName("δ")),
                ("X", IDiff(IFull("I"), IName("γ"))), ("X", IDiff(IFull("I"), ISingle("j")))]


@st.composite
def statements(draw, names=SCALARS, families=True):
    # each scalar goes to X, Y, Z or nowhere; each family to at most one side with one index
    where = draw(st.lists(st.integers(0, 3), min_size=len(names), max_size=len(names)))
    sides = [set(), set(), set()]
    for n, w in zip(names, where):
        if w < 3:
            sides[w].add(n)
    fams = [dict(), dict(), dict()]
    if families:
        for f, e in draw(st.lists(st.sampled_from(FAMILY_TERMS), max_size=3, unique_by=lambda t: t[0])):
            fams[draw(st.integers(0, 2))][f] = e
    x, y, z = (_mk(frozenset(sides[k]), fams[k]) for k in range(3))
    if x.is_empty_syntactically():
        x = VarSet.of({"A"}) - y - z if "A" not in sides[1] | sides[2] else _mk(frozenset(), {"F": IName("γ")})
    if y.is_empty_syntactically():
        y = VarSet.of({"Ω"}) if "Ω" not in sides[0] | sides[2] else VarSet.of({"B"})
    dsep = draw(st.booleans())
    graph = draw(st.sampled_from([DEFAULT_GRAPH, "G", "H"])) if dsep else None
    return CI(x, y, z, dsep, graph)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(s=statements())
def test_parse_print_roundtrip(env, s):
    text = ci_text(s, env.decl)
    assert parse(env, text) == s, text


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(s=statements(names=SINGLE, families=False))
def test_roundtrip_of_juxtaposed_single_letters(env, s):
    text = ci_text(s)
    assert parse(env, text) == s, text


def test_roundtrip_when_a_name_is_the_juxtaposition_of_others():
    rep = check_text("variables A, B, C, AB\n")
    s = CI.of({"A", "B"}, {"C"})
    assert Resolver(rep.env).statement(parse_statement_tree(ci_text(s, rep.env.decl))) == s


def test_paper_complement_spelling(env):
    assert parse(env, r"(F_\gamma ⊥ X_{\setminus\gamma} | X_\gamma)") == parse(env, r"(F_γ ⊥ X_{\γ} | X_γ)")


def test_parse_error_survives_a_context_manager():
    @contextlib.contextmanager
    def nothing():
        yield

    with pytest.raises(GphError):
        with nothing():
            parse_statement_tree("(A ⊥")
