"""The corpus of wrong proofs (tests/bad/*.gph): each is rejected with the message its first line
expects, at the line and column it names, through the `graphoid check` command."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from graphoid.cli import main
from graphoid.script import check_text

HERE = Path(__file__).resolve().parent
BAD = sorted((HERE / "bad").glob("*.gph"))
ROOT = HERE.parent
EXPECT = re.compile(r"^# expect: (\d+):(\d+): (.+)$")


def _expectation(path: Path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    m = EXPECT.match(first)
    assert m, "%s: first line must be '# expect: LINE:COL: message'" % path.name
    return int(m.group(1)), int(m.group(2)), m.group(3)


def test_corpus_covers_the_kinds_of_error_asked_for():
    names = {p.stem for p in BAD}
    for kind in ("wrong_rule", "wrong_sets", "overlapping_sets", "non_chained", "unknown_label",
                 "cyclic_graph", "parse_error", "unknown_name"):
        assert kind in names


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_proof_is_rejected_with_its_message(path, capsys):
    line, col, message = _expectation(path)
    rc = main(["check", str(path)])
    out = capsys.readouterr().out
    assert rc == 1
    assert "%s:%d:%d: error: %s" % (path, line, col, message) in out, out
    assert "FAILED" in out and "Traceback" not in out
    # the caret sits under the column reported
    lines = out.splitlines()
    k = next(i for i, l in enumerate(lines) if l.startswith("%s:%d:%d:" % (path, line, col)))
    src = path.read_text(encoding="utf-8").splitlines()[line - 1]
    assert lines[k + 1].strip() == src.strip()
    assert lines[k + 2].index("^") - lines[k + 1].index(src.strip()[0]) == col - 1 - (len(src) - len(src.lstrip()))


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_proof_json_report(path, capsys):
    line, col, message = _expectation(path)
    rc = main(["check", "--json", str(path)])
    data = json.loads(capsys.readouterr().out)
    assert rc == 1
    assert data["summary"]["ok"] is False and data["summary"]["failed"] >= 1
    assert any(e["line"] == line and e["col"] == col and message in e["message"] for e in data["errors"])


def _lemma1_with_wrong_weak_union() -> tuple[str, int, int]:
    text = (ROOT / "proofs" / "lemma1.gph").read_text(encoding="utf-8")
    lines = text.splitlines()
    k = next(i for i, l in enumerate(lines) if "by weak_union" in l)
    # (A ⊥⊥ D | BC)_d is what weak union gives; conditioning on B alone drops the W = C it must add.
    assert "| BC)_d" in lines[k]
    lines[k] = lines[k].replace("| BC)_d", "| B)_d")
    return "\n".join(lines) + "\n", k + 1, lines[k].index("(", lines[k].index(":")) + 1


def test_lemma1_with_wrong_weak_union_is_rejected_at_that_step(tmp_path, capsys):
    text, line, col = _lemma1_with_wrong_weak_union()
    f = tmp_path / "lemma1_wrong.gph"
    f.write_text(text, encoding="utf-8")
    rc = main(["check", str(f)])
    out = capsys.readouterr().out
    assert rc == 1
    assert "%s:%d:%d: error: weak union: the conclusion must condition on Z ∪ W = {B, C}; it conditions on {B}" \
        % (f, line, col) in out, out
    rep = check_text(text, str(f))
    assert [s.status for s in rep.steps].count("failed") == 1
    assert rep.summary()["verified"] == 5 - 1   # the other derived steps still verify


def test_all_errors_are_collected_not_just_the_first(capsys):
    text = "\n".join([
        "variables A, B, C, D",
        "assume (h): (A ⊥⊥ CD | B)",
        "have (x): (A ⊥⊥ D | B) by weak_union(h)",      # wrong: must condition on BC
        "have (y): (A ⊥⊥ C | B) by decomposition(h)",   # right
        "have (z): (A ⊥⊥ C | BD) by decomposition(h)",  # wrong: decomposition keeps Z
        "have (w): (A ⊥⊥ C | BD) by weak_union(nope)",  # unknown label
    ])
    rep = check_text(text, "many.gph")
    failed = [(s.line, s.label) for s in rep.steps if s.status == "failed"]
    assert failed == [(3, "x"), (5, "z"), (6, "w")]
    assert rep.summary()["verified"] == 1
