"""tests/unsound/: every false accept an audit found, as a script that must be rejected with its
expected message. Each file states its expected message (`# expect: …`) and, in a comment, a
witness that the statement it tries to prove is false (a DAG or an exact distribution)."""
from __future__ import annotations

import pathlib
import re

import pytest

from graphoid.script import check_file

CORPUS = sorted((pathlib.Path(__file__).parent / "unsound").glob("*.gph"))


def _expected(path: pathlib.Path) -> str:
    m = re.search(r"^# expect: (.+)$", path.read_text(encoding="utf-8"), re.M)
    assert m, "%s has no '# expect:' line" % path.name
    return m.group(1).strip()


def test_corpus_is_not_empty():
    assert len(CORPUS) >= 10


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_unsound_script_is_rejected(path):
    text = path.read_text(encoding="utf-8")
    assert "witness" in text.lower() or "crash" in text.lower() or "never a crash" in text.lower() \
        or "print the same" in text.lower(), "%s states no falsity witness" % path.name
    rep = check_file(str(path))
    assert not rep.ok, "%s was accepted" % path.name
    msgs = [str(e) for e in rep.errors()]
    want = _expected(path)
    assert any(want in m for m in msgs), "%s: expected %r in %s" % (path.name, want, msgs)
    for m in msgs:       # every error is positioned: file:line:col
        assert re.match(r".+:\d+:\d+: error: ", m), m


def test_every_step_of_the_wrong_kinds_script_fails_with_a_position():
    path = pathlib.Path(__file__).parent / "unsound" / "wrong_kinds_everywhere.gph"
    rep = check_file(str(path))
    fails = [s for s in rep.steps if s.status == "failed"]
    assert len(fails) == 14 and all(s.line > 0 and s.col > 0 for s in fails)
