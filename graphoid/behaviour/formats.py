"""Reading behaviours from CSV and JSON (format: docs/behaviour.md), with positioned errors:
file:line:col for CSV, file: $.json.path for JSON. Numbers are read exactly (3/8, 0.375, 1e-3)."""
from __future__ import annotations

import json
import os
import re
from fractions import Fraction

from .model import Behaviour, BehaviourError, Scenario, canonical_label

MAX_CONTEXT = 1 << 16   # joint outcomes of one context
MAX_TABLE = 1 << 22     # table entries in all
_NAME = re.compile(r"^[A-Za-z_\u0370-\u03ff][\w\u0370-\u03ff'.\-]*$")


def parse_number(text, where: str) -> Fraction:
    """An exact rational from '3/8', '0.375', '1e-3', '2' (never through a float)."""
    if isinstance(text, bool) or text is None or isinstance(text, (list, dict)):
        raise BehaviourError("expected a probability (a rational such as 3/8 or a decimal such as 0.375), got %s"
                             % json.dumps(text), where)
    if isinstance(text, float):  # only reachable from Python callers; JSON numbers arrive as strings
        raise BehaviourError("floats are not exact; give the probability as a string such as '3/8'", where)
    s = str(text).strip()
    try:
        mt = re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE]([+-]?\d+))?(/\d+)?", s)
        if not mt or len(s) > 1000:
            raise ValueError
        if mt.group(4) is not None and abs(int(mt.group(4))) > 400:
            raise BehaviourError("exponent out of range in %r" % s, where)
        q = Fraction(s)
    except (ValueError, ZeroDivisionError):
        raise BehaviourError("bad number %r (write a rational such as 3/8 or a decimal such as 0.375)" % s,
                             where) from None
    return q


def _check_name(name: str, where: str) -> str:
    if not _NAME.match(name):
        raise BehaviourError("bad measurement name %r (letters, digits, _ ' . -; starting with a letter)" % name, where)
    return name


def _fmt_ctx(c) -> str:
    return "(" + ", ".join(c) + ")"


def finish_rows(sc: Scenario, rows: dict, where_ctx, where_row) -> dict:
    """Common checks: nonnegative entries, every context present, each sums to exactly 1.
    rows: Context -> {Outcome: Fraction} (missing joint outcomes are 0)."""
    table = {}
    total = 0
    for c in sc.contexts:
        size = 1
        for m in c:
            size *= len(sc.outcomes[m])
        total += size
        if size > MAX_CONTEXT or total > MAX_TABLE:
            raise BehaviourError("context %s has %d joint outcomes; the table may have at most %d per context and %d "
                                 "in all" % (_fmt_ctx(c), size, MAX_CONTEXT, MAX_TABLE), where_ctx(c))
    for c in sc.contexts:
        if c not in rows:
            raise BehaviourError("context %s has no probability table" % _fmt_ctx(c), where_ctx(c))
        got = rows[c]
        for o, q in got.items():
            if q < 0:
                raise BehaviourError("negative probability %s for %s = %s" % (q, _fmt_ctx(c), _fmt_ctx(o)), where_row(c, o))
            if q > 1:
                raise BehaviourError("probability %s > 1 for %s = %s" % (q, _fmt_ctx(c), _fmt_ctx(o)), where_row(c, o))
        total = sum(got.values(), Fraction(0))
        if total != 1:
            raise BehaviourError("the probabilities of context %s sum to %s, not 1 (exactly)" % (_fmt_ctx(c), total),
                                 where_ctx(c, table=True))
        table[c] = {o: got.get(o, Fraction(0)) for o in sc.joint_outcomes(c)}
    return table


def build_behaviour(sc: Scenario, rows: dict, source: str) -> Behaviour:
    _check_scenario(sc, lambda what: source)
    table = finish_rows(sc, rows, lambda c, table=False: "%s: context %s" % (source, _fmt_ctx(c)),
                        lambda c, o: "%s: context %s" % (source, _fmt_ctx(c)))
    return Behaviour(sc, table, source)


def _check_scenario(sc: Scenario, where) -> None:
    if not sc.measurements:
        raise BehaviourError("the scenario declares no measurements", where("measurements"))
    if not sc.contexts:
        raise BehaviourError("the scenario declares no contexts", where("contexts"))
    for m in sc.measurements:
        if not sc.outcomes.get(m):
            raise BehaviourError("measurement %s has no outcomes" % m, where(m))


# ----------------------------------------------------------------------------------------------- CSV

def _cells(line: str):
    """Split a CSV line on commas: [(text, col)] with 1-based columns of each trimmed cell."""
    out, start = [], 0
    for piece in line.split(","):
        lead = len(piece) - len(piece.lstrip())
        out.append((piece.strip(), start + lead + 1))
        start += len(piece) + 1
    return out


def parse_csv(text: str, source: str = "<csv>") -> Behaviour:
    default = None
    measurements: list = []
    outcomes: dict = {}
    contexts: list = []
    ctx_pos: dict = {}
    ctx_by_set: dict = {}
    rows: dict = {}
    row_pos: dict = {}
    table_pos: dict = {}
    current = None  # (context, perm) of the open table block
    here = lambda ln, col: "%s:%d:%d" % (source, ln, col)

    def declare(name, col, ln, outs):
        _check_name(name, here(ln, col))
        if name in outcomes:
            raise BehaviourError("measurement %s is declared twice" % name, here(ln, col))
        measurements.append(name)
        outcomes[name] = outs

    def outcome_list(cells, ln):
        labels = []
        for t, col in cells:
            if not t:
                raise BehaviourError("empty outcome label", here(ln, col))
            lab = canonical_label(t)
            if lab in labels:
                raise BehaviourError("outcome %s is listed twice" % t, here(ln, col))
            labels.append(lab)
        if not labels:
            raise BehaviourError("an outcome set needs at least one outcome", here(ln, len(line) + 1))
        return tuple(labels)

    for ln, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0]
        if not line.strip():
            continue
        cells = _cells(line)
        while len(cells) > 1 and cells[-1][0] == "":  # tolerate trailing commas
            cells.pop()
        key = cells[0][0].lower()
        if key == "outcomes":
            default = outcome_list(cells[1:], ln)
            current = None
        elif key in ("measurement", "measurements"):
            if len(cells) < 2 or not cells[1][0]:
                raise BehaviourError("`%s` needs a measurement name" % key, here(ln, len(line) + 1))
            if key == "measurement" and len(cells) > 2:
                declare(cells[1][0], cells[1][1], ln, outcome_list(cells[2:], ln))
            else:
                if default is None:
                    raise BehaviourError("no outcome set: give one (`measurement,%s,+1,-1`) or declare a default "
                                         "with an `outcomes` row first" % cells[1][0], here(ln, cells[1][1]))
                for t, col in cells[1:]:
                    declare(t, col, ln, default)
            current = None
        elif key == "context":
            names = []
            for t, col in cells[1:]:
                if t not in outcomes:
                    raise BehaviourError("unknown measurement %r (declare it with a `measurement` row first)" % t,
                                         here(ln, col))
                if t in names:
                    raise BehaviourError("measurement %s appears twice in one context" % t, here(ln, col))
                names.append(t)
            if not names:
                raise BehaviourError("`context` needs at least one measurement", here(ln, len(line) + 1))
            c = tuple(names)
            if frozenset(c) in ctx_by_set:
                raise BehaviourError("context %s is declared twice" % _fmt_ctx(c), here(ln, cells[0][1]))
            contexts.append(c)
            ctx_pos[c] = (ln, cells[0][1])
            ctx_by_set[frozenset(c)] = c
            current = None
        elif key == "table":
            names = [t for t, _ in cells[1:]]
            for t, col in cells[1:]:
                if t not in outcomes:
                    raise BehaviourError("unknown measurement %r" % t, here(ln, col))
            c = ctx_by_set.get(frozenset(names))
            if c is None or len(set(names)) != len(names):
                raise BehaviourError("unknown context %s (declare it with a `context` row)" % _fmt_ctx(names),
                                     here(ln, cells[1][1] if len(cells) > 1 else cells[0][1]))
            if c in rows:
                raise BehaviourError("context %s already has a table (line %d)" % (_fmt_ctx(c), table_pos[c][0]),
                                     here(ln, cells[0][1]))
            rows[c] = {}
            table_pos[c] = (ln, cells[0][1])
            current = (c, [names.index(m) for m in c], tuple(names))
        else:
            if current is None:
                raise BehaviourError("a probability row outside a table (start one with `table,%s`; or is %r a "
                                     "misspelt keyword: outcomes, measurement, measurements, context, table?)"
                                     % ("M1,M2", cells[0][0]), here(ln, cells[0][1]))
            c, perm, order = current
            k = len(order)
            if len(cells) != k + 1:
                raise BehaviourError("a row of context %s needs %d outcome%s and a probability; found %d cell%s"
                                     % (_fmt_ctx(order), k, "" if k == 1 else "s", len(cells), "" if len(cells) == 1 else "s"),
                                     here(ln, cells[0][1]))
            labs = []
            for (t, col), m in zip(cells[:k], order):
                lab = canonical_label(t)
                if lab not in outcomes[m]:
                    raise BehaviourError("unknown outcome %r of %s (its outcomes: %s)" % (t, m, ", ".join(outcomes[m])),
                                         here(ln, col))
                labs.append(lab)
            o = tuple(labs[i] for i in perm)
            if o in rows[c]:
                raise BehaviourError("outcome %s of context %s is given twice (line %d)"
                                     % (_fmt_ctx(labs), _fmt_ctx(order), row_pos[(c, o)][0]), here(ln, cells[0][1]))
            t, col = cells[k]
            rows[c][o] = parse_number(t, here(ln, col))
            row_pos[(c, o)] = (ln, col)
    sc = Scenario(tuple(measurements), outcomes, tuple(contexts))
    _check_scenario(sc, lambda what: here(1, 1))

    def where_ctx(c, table=False):
        if table and c in table_pos:
            return here(*table_pos[c])
        return here(*ctx_pos[c])

    table = finish_rows(sc, rows, where_ctx, lambda c, o: here(*row_pos[(c, o)]))
    return Behaviour(sc, table, source)


# ---------------------------------------------------------------------------------------------- JSON

def _path(*parts) -> str:
    s = "$"
    for p in parts:
        s += "[%d]" % p if isinstance(p, int) else ("." + p if _NAME.match(p) else "[%s]" % json.dumps(p, ensure_ascii=False))
    return s


def parse_json(text: str, source: str = "<json>") -> Behaviour:
    try:
        doc = json.loads(text, parse_float=lambda s: _Num(s), parse_int=lambda s: _Num(s),
                         parse_constant=lambda s: _Num(s))
    except json.JSONDecodeError as e:
        raise BehaviourError("invalid JSON: %s" % e.msg, "%s:%d:%d" % (source, e.lineno, e.colno)) from None
    at = lambda *p: "%s: %s" % (source, _path(*p))
    if not isinstance(doc, dict):
        raise BehaviourError("expected an object with measurements, contexts and behaviour", at())
    for k in doc:
        if k not in ("measurements", "outcomes", "contexts", "behaviour", "comment", "description", "name"):
            raise BehaviourError("unknown key %r (expected measurements, outcomes, contexts, behaviour)" % k, at(k))
    default = None
    if "outcomes" in doc:
        default = _json_outcomes(doc["outcomes"], at, ("outcomes",))
    ms = doc.get("measurements")
    measurements, outcomes = [], {}
    if isinstance(ms, list):
        for i, m in enumerate(ms):
            if not isinstance(m, str):
                raise BehaviourError("a measurement name must be a string", at("measurements", i))
            if default is None:
                raise BehaviourError("no outcome set for %s: give \"outcomes\" or map each measurement to its "
                                     "outcomes" % m, at("measurements", i))
            if m in outcomes:
                raise BehaviourError("measurement %s is declared twice" % m, at("measurements", i))
            measurements.append(_check_name(m, at("measurements", i)))
            outcomes[m] = default
    elif isinstance(ms, dict):
        for m, o in ms.items():
            _check_name(m, at("measurements", m))
            if o is None:
                if default is None:
                    raise BehaviourError("no outcome set for %s" % m, at("measurements", m))
                o = default
            else:
                o = _json_outcomes(o, at, ("measurements", m))
            measurements.append(m)
            outcomes[m] = o
    else:
        raise BehaviourError("\"measurements\" must be a list of names or an object mapping names to outcome lists",
                             at("measurements") if "measurements" in doc else at())
    cs = doc.get("contexts")
    if not isinstance(cs, list):
        raise BehaviourError("\"contexts\" must be a list of lists of measurement names",
                             at("contexts") if "contexts" in doc else at())
    contexts, ctx_index, by_set = [], {}, {}
    for i, c in enumerate(cs):
        if isinstance(c, str):
            c = c.replace(",", " ").split()
        if not isinstance(c, list) or not c:
            raise BehaviourError("a context is a nonempty list of measurement names", at("contexts", i))
        for j, m in enumerate(c):
            if not isinstance(m, str) or m not in outcomes:
                raise BehaviourError("unknown measurement %s" % json.dumps(_plain(m)), at("contexts", i, j))
        if len(set(c)) != len(c):
            raise BehaviourError("a measurement appears twice in this context", at("contexts", i))
        t = tuple(c)
        if frozenset(t) in by_set:
            raise BehaviourError("context %s is declared twice" % _fmt_ctx(t), at("contexts", i))
        contexts.append(t)
        ctx_index[t] = i
        by_set[frozenset(t)] = t
    sc = Scenario(tuple(measurements), outcomes, tuple(contexts))
    _check_scenario(sc, lambda what: at())
    bh = doc.get("behaviour")
    entries = []
    if isinstance(bh, list):
        for i, e in enumerate(bh):
            if not isinstance(e, dict) or "context" not in e or "p" not in e:
                raise BehaviourError("each entry needs \"context\" and \"p\"", at("behaviour", i))
            entries.append((("behaviour", i), ("behaviour", i, "context"), ("behaviour", i, "p"), e["context"], e["p"]))
    elif isinstance(bh, dict):
        for k, v in bh.items():
            entries.append((("behaviour", k), ("behaviour", k), ("behaviour", k), k, v))
    else:
        raise BehaviourError("\"behaviour\" must be a list of {\"context\": [...], \"p\": {...}}",
                             at("behaviour") if "behaviour" in doc else at())
    rows, ctx_at, row_at = {}, {}, {}
    for base, cpath, ppath, cname, p in entries:
        names = cname.replace(",", " ").split() if isinstance(cname, str) else cname
        if not isinstance(names, list) or not all(isinstance(m, str) for m in names):
            raise BehaviourError("a context is a list of measurement names", at(*cpath))
        for m in names:
            if m not in outcomes:
                raise BehaviourError("unknown measurement %s" % json.dumps(m), at(*cpath))
        c = by_set.get(frozenset(names))
        if c is None or len(set(names)) != len(names):
            raise BehaviourError("unknown context %s (not in \"contexts\")" % _fmt_ctx(names), at(*cpath))
        if c in rows:
            raise BehaviourError("context %s already has a table" % _fmt_ctx(c), at(*cpath))
        perm = [names.index(m) for m in c]
        got, ctx_at[c] = {}, ppath
        if isinstance(p, dict):
            items = []
            for k, v in p.items():
                labs = k.replace(",", " ").split()
                items.append((labs, v, ppath + (k,)))
        elif isinstance(p, list):
            import itertools
            full = list(itertools.product(*(outcomes[m] for m in names)))
            if len(p) != len(full):
                raise BehaviourError("a list of probabilities needs one entry per joint outcome (%d), in the order of "
                                     "the outcome lists; found %d" % (len(full), len(p)), at(*ppath))
            items = [(list(o), v, ppath + (j,)) for j, (o, v) in enumerate(zip(full, p))]
        else:
            raise BehaviourError("\"p\" must map joint outcomes (\"+1 -1\") to probabilities, or list them",
                                 at(*ppath))
        for labs, v, vpath in items:
            if len(labs) != len(names):
                raise BehaviourError("joint outcome %s has %d label%s; context %s has %d measurement%s"
                                     % (json.dumps(" ".join(labs)), len(labs), "" if len(labs) == 1 else "s",
                                        _fmt_ctx(names), len(names), "" if len(names) == 1 else "s"), at(*vpath))
            canon = []
            for lab, m in zip(labs, names):
                cl = canonical_label(lab)
                if cl not in outcomes[m]:
                    raise BehaviourError("unknown outcome %r of %s (its outcomes: %s)" % (lab, m, ", ".join(outcomes[m])),
                                         at(*vpath))
                canon.append(cl)
            o = tuple(canon[i] for i in perm)
            if o in got:
                raise BehaviourError("joint outcome %s is given twice" % _fmt_ctx(canon), at(*vpath))
            got[o] = parse_number(v.text if isinstance(v, _Num) else v, at(*vpath))
            row_at[(c, o)] = vpath
        rows[c] = got
    table = finish_rows(sc, rows, lambda c, table=False: at(*ctx_at[c]) if c in ctx_at else at("contexts", ctx_index[c]),
                        lambda c, o: at(*row_at[(c, o)]))
    return Behaviour(sc, table, source)


class _Num:
    """A JSON number kept as its literal text, so 0.1 stays exactly 1/10."""
    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text

    def __str__(self):
        return self.text


def _plain(v):
    return v.text if isinstance(v, _Num) else v


def _json_outcomes(o, at, path):
    if not isinstance(o, list) or not o:
        raise BehaviourError("an outcome set is a nonempty list of labels", at(*path))
    labels = []
    for i, x in enumerate(o):
        x = _plain(x)
        if not isinstance(x, str) or not x.strip():
            raise BehaviourError("an outcome label must be a nonempty string or an integer", at(*path, i))
        lab = canonical_label(x)
        if lab in labels:
            raise BehaviourError("outcome %s is listed twice" % x, at(*path, i))
        labels.append(lab)
    return tuple(labels)


# ------------------------------------------------------------------------------------------- loading

def parse_text(text: str, source: str = "<behaviour>", fmt: str | None = None) -> Behaviour:
    if fmt is None:
        fmt = "json" if text.lstrip().startswith(("{", "[")) else "csv"
    if fmt == "json":
        return parse_json(text, source)
    if fmt == "csv":
        return parse_csv(text, source)
    raise BehaviourError("unknown format %r (csv or json)" % fmt)


def load_behaviour(path: str, fmt: str | None = None) -> Behaviour:
    """Read a behaviour file (CSV or JSON; by extension, else by content). Raises BehaviourError."""
    if not os.path.exists(path):
        raise BehaviourError("no such file: %s" % path)
    if os.path.isdir(path):
        raise BehaviourError("%s is a directory, not a behaviour file" % path)
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except UnicodeDecodeError:
        raise BehaviourError("%s is not UTF-8 text" % path) from None
    except OSError as e:
        raise BehaviourError("cannot read %s: %s" % (path, e.strerror)) from None
    if fmt is None:
        ext = os.path.splitext(path)[1].lower()
        fmt = {".json": "json", ".csv": "csv"}.get(ext)
    return parse_text(text, path, fmt)
