"""`graphoid behaviour`: reading scenarios and behaviours, no-disturbance, factorisability with exact
certificates (re-checked by the independent `verify_certificate`), the shipped examples, output forms."""
from __future__ import annotations

import itertools
import json
import math
import random
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from graphoid.behaviour import (BehaviourError, CertificateError, decide, load_behaviour, make_behaviour,
                                parse_csv, parse_json, verify_certificate)
from graphoid.behaviour import families as F
from graphoid.behaviour.render import correlator_form, latex_document, plot
from graphoid.cli import main

ROOT = Path(__file__).resolve().parent.parent
EX = ROOT / "examples" / "behaviours"

# The expected answers come from the physics, not from running the tool.
EXPECTED = {
    "local.csv": "factorisable",          # built as a mixture of five deterministic assignments
    "pr_box.csv": "not factorisable",      # CHSH value 4 > 2
    "chsh_tsirelson.csv": "not factorisable",  # CHSH value 14/5 > 2
    "mermin_ghz.json": "not factorisable",     # Mermin value 4 > 2
    "kcbs.csv": "not factorisable",        # Σ P(1) = 20/9 > 2
    "peres_mermin.json": "not factorisable",   # parity: no ±1 assignment fits all six products
    "signalling.csv": "disturbing",        # P(A0) depends on Bob's setting
}
EXIT = {"factorisable": 0, "not factorisable": 1, "disturbing": 1}


def test_every_example_is_shipped():
    assert sorted(p.name for p in EX.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_from_the_api(name):
    b = load_behaviour(str(EX / name))
    r = decide(b)
    assert r.answer == EXPECTED[name]
    assert r.exit_code == EXIT[r.answer]
    cert = r.to_json()
    assert verify_certificate(b, cert) == EXPECTED[name]
    if r.answer == "not factorisable":
        assert "by Theorem 1 (proofs/theorem1.gph" in r.conclusion() and "(Corollary 2)" in r.conclusion()
        assert r.inequality.value > r.inequality.bound
    if r.answer == "factorisable":
        assert "Corollary 2 does not apply" in r.conclusion()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_from_the_cli(name, capsys):
    code = main(["behaviour", "--json", str(EX / name)])
    cert = json.loads(capsys.readouterr().out)
    assert code == EXIT[EXPECTED[name]]
    assert cert["answer"] == EXPECTED[name] and cert["exit_code"] == code
    assert verify_certificate(load_behaviour(str(EX / name)), cert) == EXPECTED[name]
    # every reported number is an exact rational written as a string
    if "inequality" in cert:
        ineq = cert["inequality"]
        for k in ("local_bound", "value", "violation"):
            assert isinstance(ineq[k], str) and Fraction(ineq[k]) == Fraction(ineq[k])
        assert Fraction(ineq["violation"]) == Fraction(ineq["value"]) - Fraction(ineq["local_bound"]) > 0
    if "decomposition" in cert:
        assert sum(Fraction(t["weight"]) for t in cert["decomposition"]["terms"]) + \
            Fraction(cert["decomposition"]["uniform_weight"]) == 1


def test_text_output_names_the_inequality(capsys):
    assert main(["behaviour", str(EX / "pr_box.csv")]) == 1
    out = capsys.readouterr().out
    assert "no-disturbance (Definition 2): holds" in out
    assert "⟨A0 B0⟩" in out and "≤" in out and "probability form" in out
    assert main(["behaviour", str(EX / "signalling.csv")]) == 1
    out = capsys.readouterr().out
    assert "FAILS" in out and "(A0, B0) and (A0, B1)" in out


def test_json_stdout_is_clean_in_a_fresh_process():
    # HiGHS prints a banner on first use: it must not reach stdout
    p = subprocess.run([sys.executable, "-m", "graphoid.cli", "behaviour", "--json", str(EX / "local.csv")],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["answer"] == "factorisable"


# ----------------------------------------------------------------------------- exact boundaries

def chsh_noise(e):
    return F.chsh(Fraction(e))


def test_chsh_exactly_on_the_local_boundary_is_factorisable():
    # correlators ±1/2: CHSH value exactly 2, on the facet
    b = chsh_noise(Fraction(1, 2))
    r = decide(b)
    assert r.answer == "factorisable"
    assert verify_certificate(b, r.to_json()) == "factorisable"


@pytest.mark.parametrize("eps", [Fraction(1, 1000), Fraction(1, 10 ** 12)])
def test_chsh_just_past_the_boundary_is_not_factorisable(eps):
    b = chsh_noise(Fraction(1, 2) + eps)
    r = decide(b)
    assert r.answer in ("not factorisable", "unknown")  # never "factorisable"
    assert r.answer == "not factorisable"
    assert r.inequality.violation > 0
    assert verify_certificate(b, r.to_json()) == "not factorisable"


@pytest.mark.parametrize("method", ["auto", "lp"])
def test_critical_visibility_is_never_below_the_true_one(method):
    # any valid inequality holds on every local point, so its white-noise threshold is ≥ the true one
    for b, vstar in ((F.chsh(), Fraction(5, 7)), (F.pr_box(), Fraction(1, 2)), (F.mermin(3, "mermin"), Fraction(1, 2))):
        r = decide(b, method=method)
        assert r.answer == "not factorisable"
        assert r.inequality.critical_visibility >= vstar


def test_pr_box_with_white_noise():
    def mix(v):
        pr, u = F.pr_box(), Fraction(1, 4)
        return make_behaviour({m: ("0", "1") for m in pr.scenario.measurements}, pr.scenario.contexts,
                              lambda c, o: v * pr.table[c][o] + (1 - v) * u)
    assert decide(mix(Fraction(1, 2))).answer == "factorisable"
    assert decide(mix(Fraction(51, 100))).answer == "not factorisable"


@pytest.mark.parametrize("N", [3, 4, 6])
def test_chained_bell_boundary(N):
    # n-cycle: with correlators e (one sign flipped) the behaviour is local iff 2N·e ≤ 2N - 2
    on = F.chained(N, Fraction(N - 1, N))
    past = F.chained(N, Fraction(N - 1, N) + Fraction(1, 10 ** 6))
    for b, want in ((on, "factorisable"), (past, "not factorisable"), (F.chained(N), "not factorisable")):
        r = decide(b)
        assert r.answer == want, (N, want)
        assert verify_certificate(b, r.to_json()) == want


def test_mermin_all_contexts_witness_and_lp_agree():
    for n in (3, 4):
        b = F.mermin(n)
        for method in ("auto", "lp"):
            r = decide(b, method=method)
            assert r.answer == "not factorisable"
            assert verify_certificate(b, r.to_json()) == "not factorisable"
    r = decide(F.mermin(6))
    assert r.answer == "not factorisable"
    cf = correlator_form(r.behaviour.scenario, r.inequality)
    # the GHZ correlations on the Mermin contexts, against the local bound 2^(n/2) = 8 ... scaled
    assert cf.value / cf.bound == Fraction(2 ** 5, 2 ** 3)


def random_local(rng, n_meas, n_out, n_ctx, k, terms):
    ms = {"M%d" % i: tuple(str(x) for x in range(n_out[i])) for i in range(n_meas)}
    names = list(ms)
    ctxs = set()
    while len(ctxs) < n_ctx:
        ctxs.add(tuple(sorted(rng.sample(names, rng.randint(1, k)))))
    dets = [({m: rng.choice(ms[m]) for m in names}, Fraction(rng.randint(1, 9))) for _ in range(terms)]
    tot = sum(w for _, w in dets)

    def p(c, o):
        return sum((w for d, w in dets if all(d[m] == x for m, x in zip(c, o))), Fraction(0)) / tot
    return make_behaviour(ms, sorted(ctxs), p)


def test_random_mixtures_of_deterministic_assignments_are_factorisable():
    rng = random.Random(13)
    for _ in range(12):
        n = rng.randint(2, 5)
        b = random_local(rng, n, [rng.randint(2, 3) for _ in range(n)], rng.randint(1, 5), 3, rng.randint(1, 6))
        r = decide(b)
        assert r.answer == "factorisable", b.to_csv()
        assert verify_certificate(b, r.to_json()) == "factorisable"


def test_random_disturbing_tables_are_caught_with_the_marginal():
    rng = random.Random(7)
    found = 0
    for _ in range(20):
        ms = {m: ("0", "1") for m in ("A", "B", "C")}
        ctxs = [("A", "B"), ("B", "C"), ("A", "C")]
        tabs = {}
        for c in ctxs:
            w = [rng.randint(0, 3) for _ in range(4)]
            w[0] += 1
            tabs[c] = dict(zip(itertools.product("01", repeat=2), (Fraction(x, sum(w)) for x in w)))
        b = make_behaviour(ms, ctxs, lambda c, o: tabs[c][o])
        nd = all(sum(q for o, q in tabs[c1].items() if o[c1.index(m)] == "0") ==
                 sum(q for o, q in tabs[c2].items() if o[c2.index(m)] == "0")
                 for c1, c2 in itertools.combinations(ctxs, 2) for m in set(c1) & set(c2))
        r = decide(b)
        if not nd:
            found += 1
            assert r.answer == "disturbing"
            d = r.disturbance
            assert d.values[0] != d.values[1]
            assert verify_certificate(b, r.to_json()) == "disturbing"
        else:
            assert r.answer in ("factorisable", "not factorisable")
    assert found > 10


# ----------------------------------------------------------------------------- independent re-check

def test_verify_rejects_tampered_certificates():
    b = load_behaviour(str(EX / "chsh_tsirelson.csv"))
    cert = decide(b).to_json()
    bad = json.loads(json.dumps(cert))
    bad["inequality"]["local_bound"] = str(Fraction(bad["inequality"]["local_bound"]) + 1)
    with pytest.raises(CertificateError):
        verify_certificate(b, bad)
    bad = json.loads(json.dumps(cert))
    e = bad["inequality"]["coefficients"][0]
    e["coefficient"] = str(Fraction(e["coefficient"]) * 5)
    with pytest.raises(CertificateError):
        verify_certificate(b, bad)
    # the same inequality does not separate a local behaviour
    loc = load_behaviour(str(EX / "local.csv"))
    with pytest.raises(CertificateError):
        verify_certificate(loc, cert)

    lb = load_behaviour(str(EX / "local.csv"))
    dec = decide(lb).to_json()
    bad = json.loads(json.dumps(dec))
    t = bad["decomposition"]["terms"]
    t[0]["weight"], t[1]["weight"] = t[1]["weight"], t[0]["weight"]
    if t[0]["weight"] != t[1]["weight"]:
        with pytest.raises(CertificateError):
            verify_certificate(lb, bad)
    bad = json.loads(json.dumps(dec))
    bad["decomposition"]["terms"][0]["weight"] = str(Fraction(bad["decomposition"]["terms"][0]["weight"]) + Fraction(1, 8))
    with pytest.raises(CertificateError):
        verify_certificate(lb, bad)
    with pytest.raises(CertificateError):
        verify_certificate(b, dec)  # a decomposition of another table

    sb = load_behaviour(str(EX / "signalling.csv"))
    sc = decide(sb).to_json()
    bad = json.loads(json.dumps(sc))
    bad["disturbance"]["values"] = [bad["disturbance"]["values"][0]] * 2
    with pytest.raises(CertificateError):
        verify_certificate(sb, bad)


def test_correlator_form_agrees_with_the_probability_form():
    for name in ("chsh_tsirelson.csv", "mermin_ghz.json", "kcbs.csv", "peres_mermin.json", "pr_box.csv"):
        b = load_behaviour(str(EX / name))
        r = decide(b)
        cf = correlator_form(b.scenario, r.inequality)
        vals = b.scenario.value_map()

        def corr_of(ms):  # ⟨ms⟩ in the behaviour, from any context containing ms
            c = next(c for c in b.scenario.contexts if set(ms) <= set(c))
            return sum((q * math.prod(vals[m][o[c.index(m)]] for m in ms) for o, q in b.table[c].items()), Fraction(0))
        assert sum((q * corr_of(ms) for q, ms in cf.terms), Fraction(0)) == cf.value
        # its bound: the max over ±1 assignments, by brute force here
        names = b.scenario.measurements
        best = max(sum(q * math.prod(vals[m][a[names.index(m)]] for m in ms) for q, ms in cf.terms)
                   for a in itertools.product(*(b.scenario.outcomes[m] for m in names)))
        assert best == cf.bound
        assert all(q.denominator == 1 for q, _ in cf.terms)


def test_textbook_inequalities_come_out():
    cf = correlator_form(*(lambda r: (r.behaviour.scenario, r.inequality))(decide(F.pr_box())))
    assert sorted(abs(q) for q, _ in cf.terms) == [1, 1, 1, 1] and cf.bound == 2  # CHSH
    cf = correlator_form(*(lambda r: (r.behaviour.scenario, r.inequality))(decide(F.peres_mermin())))
    assert len(cf.terms) == 6 and cf.bound == 4 and cf.value == 6                 # Peres–Mermin


# ----------------------------------------------------------------------------- reading and errors

CSV_OK = """# comment
outcomes,+1,-1
measurements,A,B
context,A,B
table,A,B
+1,+1,0.5
-1,-1,1/2
"""


def test_csv_and_json_read_exactly():
    b = parse_csv(CSV_OK, "x.csv")
    assert b.table[("A", "B")][("1", "1")] == Fraction(1, 2) and b.table[("A", "B")][("1", "-1")] == 0
    j = parse_json('{"outcomes": [0, 1], "measurements": ["A", "B"], "contexts": [["A", "B"]], '
                   '"behaviour": [{"context": ["B", "A"], "p": {"0 0": 0.1, "1 0": 0.2, "0 1": "7/10"}}]}', "x.json")
    t = j.table[("A", "B")]
    assert t[("0", "0")] == Fraction(1, 10) and t[("0", "1")] == Fraction(1, 5) and t[("1", "0")] == Fraction(7, 10)
    j2 = parse_json('{"measurements": {"A": ["x", "y", "z"]}, "contexts": [["A"]], '
                    '"behaviour": {"A": [0.25, "1/4", 0.5]}}', "y.json")
    assert j2.table[("A",)][("z",)] == Fraction(1, 2)


BAD_CSV = [
    ("outcomes,0,1\nmeasurements,A,B\ncontext,A,B\ntable,A,B\n0,0,1/2\n1,1,1/4\n", "x.csv:4:1:", "sum to 3/4, not 1"),
    ("outcomes,0,1\nmeasurements,A,B,C\ncontext,A,B\ntable,A,C\n0,0,1\n", "x.csv:4:7:", "unknown context"),
    ("outcomes,0,1\nmeasurements,A,B\ncontext,A,  Q\n", "x.csv:3:13:", "unknown measurement 'Q'"),
    ("outcomes,0,1\nmeasurements,A,B\ncontext,A,B\ntable,A,B\n0,2,1\n", "x.csv:5:3:", "unknown outcome '2' of B"),
    ("outcomes,0,1\nmeasurements,A,B\ncontext,A,B\ntable,A,B\n0,0,-1/2\n1,1,3/2\n", "x.csv:5:5:", "negative probability"),
    ("outcomes,0,1\nmeasurements,A,B\ncontext,A,B\ntable,A,B\n0,0,0.5x\n", "x.csv:5:5:", "bad number '0.5x'"),
    ("outcomes,0,1\nmeasurements,A,B\ncontext,A,B\ntable,A,B\n0,0,1/0\n", "x.csv:5:5:", "bad number"),
    ("outcomes,0,1\nmeasurements,A,B\ncontext,A,B\n0,0,1\n", "x.csv:4:1:", "outside a table"),
    ("outcomes,0,1\nmeasurements,A,B\ncontext,A,B\ntable,A,B\n0,1\n", "x.csv:5:1:", "needs 2 outcomes and a probability"),
    ("outcomes,0,1\nmeasurements,A,B\ncontext,A,B\n", "x.csv:3:1:", "has no probability table"),
    ("measurements,A,B\n", "x.csv:1:14:", "no outcome set"),
]


@pytest.mark.parametrize("text,where,what", BAD_CSV)
def test_csv_errors_are_positioned(text, where, what):
    with pytest.raises(BehaviourError) as ei:
        parse_csv(text, "x.csv")
    assert ei.value.render().startswith(where + " error: ")
    assert what in ei.value.message


HEAD = '{"outcomes": ["0","1"], "measurements": ["A","B","C"], "contexts": [["A","B"]], "behaviour": '
BAD_JSON = [
    (HEAD + '[{"context": ["A","B"], "p": {"0 0": 0.1, "1 1": 0.8}}]}', '$.behaviour[0].p', "sum to 9/10"),
    (HEAD + '[{"context": ["A","B"], "p": {"0 0": "-1/2", "1 1": 1.5}}]}', '$.behaviour[0].p["0 0"]', "negative"),
    (HEAD + '[{"context": ["C","A"], "p": {"0 0": 1}}]}', "$.behaviour[0].context", "unknown context"),
    (HEAD + '[{"context": ["A","Z"], "p": {"0 0": 1}}]}', "$.behaviour[0].context", "unknown measurement"),
    (HEAD + '[{"context": ["A","B"], "p": {"0 x": 1}}]}', '$.behaviour[0].p["0 x"]', "unknown outcome 'x' of B"),
    (HEAD + '[{"context": ["A","B"], "p": {"0 0": "one"}}]}', '$.behaviour[0].p["0 0"]', "bad number"),
    (HEAD + '[{"context": ["A","B"], "p": {"0 0": true}}]}', '$.behaviour[0].p["0 0"]', "expected a probability"),
    (HEAD + '[{"context": ["A","B"], "p": {"0": 1}}]}', '$.behaviour[0].p["0"]', "has 1 label"),
    ('{"outcomes": ["0","1"], "measurements": ["A"], "contexts": [["A", "Q"]], "behaviour": []}',
     "$.contexts[0][1]", "unknown measurement"),
]


@pytest.mark.parametrize("text,path,what", BAD_JSON)
def test_json_errors_give_the_json_path(text, path, what):
    with pytest.raises(BehaviourError) as ei:
        parse_json(text, "x.json")
    assert ei.value.render().startswith("x.json: %s: error: " % path), ei.value.render()
    assert what in ei.value.message


def test_json_syntax_error_has_line_and_column():
    with pytest.raises(BehaviourError) as ei:
        parse_json('{"outcomes": ["0","1"],\n  "measurements": ["A" "B"]}', "x.json")
    assert ei.value.render().startswith("x.json:2:24: error: invalid JSON")


@pytest.mark.parametrize("text,suffix", [(BAD_CSV[0][0], ".csv"), (BAD_JSON[0][0], ".json"), ("\x00\xff", ".csv"),
                                         ("[" * 100000 + "]" * 100000, ".json")])
def test_cli_bad_input_exits_2_without_traceback(tmp_path, capsys, text, suffix):
    f = tmp_path / ("bad" + suffix)
    f.write_text(text)
    assert main(["behaviour", str(f)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "error:" in err


def test_cli_usage_errors(tmp_path, capsys):
    assert main(["behaviour", str(tmp_path / "missing.csv")]) == 2
    assert main(["behaviour", str(EX / "local.csv"), "--plot", str(tmp_path / "x.pdf")]) == 2
    assert main(["behaviour"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_unknown_answer_exits_3(capsys):
    b = F.mermin(4)
    r = decide(b, method="lp", time_limit=0.0)  # the LP stops after its first round
    assert r.answer == "unknown" and r.exit_code == 3
    assert "undecided" in r.conclusion()
    with pytest.raises(CertificateError):
        verify_certificate(b, r.to_json())


# ----------------------------------------------------------------------------- LaTeX, plots, Theorem 1

@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_latex_compiles(tmp_path):
    for name in ("chsh_tsirelson.csv", "local.csv", "signalling.csv", "kcbs.csv"):
        tex = latex_document(decide(load_behaviour(str(EX / name))))
        f = tmp_path / (name.split(".")[0] + ".tex")
        f.write_text(tex)
        p = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f.name], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stdout[-2000:]
        assert (tmp_path / (f.stem + ".pdf")).stat().st_size > 1000


def test_cli_latex(capsys):
    assert main(["behaviour", "--latex", str(EX / "mermin_ghz.json")]) == 1
    out = capsys.readouterr().out
    assert out.startswith(r"\documentclass") and r"\langle A_{0}\,B_{0}\,C_{0} \rangle" in out


def test_plots(tmp_path):
    pytest.importorskip("matplotlib")
    for name, ext in (("chsh_tsirelson.csv", "png"), ("local.csv", "svg"), ("signalling.csv", "png")):
        out = tmp_path / ("p." + ext)
        assert main(["behaviour", str(EX / name), "--plot", str(out)]) == EXIT[EXPECTED[name]]
        data = out.read_bytes()
        assert data.startswith(b"\x89PNG") if ext == "png" else b"<svg" in data


def test_check_theorem_cites_its_real_status(capsys):
    assert main(["behaviour", "--check-theorem", str(EX / "pr_box.csv")]) == 1
    out = capsys.readouterr().out
    assert "checked in this run: " in out and "0 failed" in out and "graph hypotheses (stated, not checked)" in out


def test_mutated_files_give_an_answer_or_a_positioned_error():
    # random edits of the shipped files: either a clean BehaviourError or a decision, nothing else
    rng = random.Random(2026)
    sources = [(p.read_text(), p.suffix) for p in sorted(EX.iterdir()) if p.name != "peres_mermin.json"]
    alphabet = "0123456789/.,-+ \n#{}[]\":xeAB"
    decided = errors = 0
    for i in range(150):
        text, suffix = sources[i % len(sources)]
        chars = list(text)
        for _ in range(rng.randint(1, 3)):
            k = rng.randrange(len(chars))
            op = rng.random()
            if op < 0.4:
                chars[k] = rng.choice(alphabet)
            elif op < 0.7:
                del chars[k]
            else:
                chars.insert(k, rng.choice(alphabet))
        try:
            b = parse_json("".join(chars), "m.json") if suffix == ".json" else parse_csv("".join(chars), "m.csv")
        except BehaviourError as e:
            assert e.where.startswith(("m.json", "m.csv")), e.render()
            errors += 1
            continue
        r = decide(b)
        assert r.answer in ("factorisable", "not factorisable", "disturbing")
        assert verify_certificate(b, r.to_json()) == r.answer
        decided += 1
    assert errors > 20 and decided > 5


def test_support_fallback_reproduces_a_local_table():
    # the second way to an exact decomposition (used when the LP's basis does not solve exactly)
    from graphoid.behaviour.decide import _support_decomposition
    from graphoid.behaviour.lp import Coordinates, solve
    for b in (load_behaviour(str(EX / "local.csv")), F.chained(3, Fraction(2, 3))):
        coords = Coordinates(b)
        lp = solve(coords)
        res = _support_decomposition(b, coords, lp, {})
        assert not isinstance(res, str), res
        assert verify_certificate(b, res.to_json()) == "factorisable"
    pr = F.pr_box()  # and it does not invent one where there is none
    coords = Coordinates(pr)
    assert isinstance(_support_decomposition(pr, coords, solve(coords), {}), str)


def test_strict_resolve_from_found_columns_gives_the_same_certificates():
    # the refinement step: re-solving from the columns found, tighter tolerances, primal simplex
    from graphoid.behaviour.decide import _try_decomposition, _try_inequality
    from graphoid.behaviour.lp import Coordinates, solve
    for b, attempt, want in ((load_behaviour(str(EX / "local.csv")), _try_decomposition, "factorisable"),
                             (load_behaviour(str(EX / "kcbs.csv")), _try_inequality, "not factorisable")):
        coords = Coordinates(b)
        lp = solve(coords)
        lp2 = solve(coords, extra_columns=lp.columns, strict=True)
        assert lp2.status == "optimal" and abs(lp2.visibility - lp.visibility) < 1e-9
        res = attempt(b, coords, lp2, {})
        assert verify_certificate(b, res.to_json()) == want


def test_hostile_sizes_are_refused_with_a_position():
    with pytest.raises(BehaviourError) as ei:
        parse_csv("outcomes,0,1\nmeasurements,A,B\ncontext,A,B\ntable,A,B\n0,0,1e999999999\n", "x.csv")
    assert ei.value.render().startswith("x.csv:5:5: error: exponent out of range")
    names = ["M%d" % i for i in range(20)]
    text = "outcomes,0,1\nmeasurements,%s\ncontext,%s\ntable,%s\n%s,1\n" % (
        ",".join(names), ",".join(names), ",".join(names), ",".join("0" * 20))
    with pytest.raises(BehaviourError) as ei:
        parse_csv(text, "x.csv")
    assert ei.value.render().startswith("x.csv:3:1: error: context (M0,") and "1048576 joint outcomes" in ei.value.message
