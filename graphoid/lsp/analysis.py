"""What the editor asks about a checked document, answered from an Analysis (incremental.py): the
diagnostics, the symbol occurrences (definitions / references), hover text, completions, the
`by auto` expansion and the outline. Pure functions; positions are 0-based lines and 0-based
columns in code points (server.py converts to the client's UTF-16 units).

Everything shown comes from the report `graphoid check` builds: the statement as the kernel holds
it, its status, semantics, rule, premises and side conditions. Nothing here decides anything."""
from __future__ import annotations

import re
from dataclasses import dataclass

from lark import Token, Tree

from ..syntax.ast import token_name
from .incremental import rule_table

RULE_ALIASES, PREMISE_COUNT, EXTRA_RULES = rule_table()

try:   # juxtaposed names (`YW`) are split as the checker splits them
    from ..syntax.resolve import ResolveError, split_name
except ImportError:  # pragma: no cover - if resolve.py is reorganised, a name is one symbol
    class ResolveError(Exception):
        pass

    def split_name(env, text, line, col, whole=False):
        return [text]

ERROR, WARNING, INFO = 1, 2, 3

KEYWORDS = ("variables", "latent", "graph", "index", "family", "partition", "subset", "arbitrary",
            "class", "assume", "hypothesis", "have", "enumerate", "by", "from", "for all", "in", "over",
            "checked on", "no edge between", "no edge from", "determines", "positive", "faithfulness",
            "factorisable", "chain", "given", "on")

RULE_DOC = {
    "symmetry": "(2) X ⊥⊥ Y | Z ⇒ Y ⊥⊥ X | Z",
    "decomposition": "(3) X ⊥⊥ YW | Z ⇒ X ⊥⊥ Y | Z",
    "weak_union": "(4) X ⊥⊥ YW | Z ⇒ X ⊥⊥ Y | ZW",
    "contraction": "(5) X ⊥⊥ Y | Z and X ⊥⊥ W | ZY ⇒ X ⊥⊥ YW | Z",
    "intersection": "(6) X ⊥⊥ W | ZY and X ⊥⊥ Y | ZW ⇒ X ⊥⊥ YW | Z (strictly positive distributions)",
    "composition": "X ⊥⊥ Y | Z and X ⊥⊥ W | Z ⇒ X ⊥⊥ YW | Z (Gaussian distributions)",
    "lemma1": "Lemma 1 on a chained graph",
    "d_separation": "read a d-separation off a concrete DAG: d_separation(G)",
    "markov": "a d-separation in G gives the c.i. in every distribution compatible with G",
    "faithfulness": "faithfulness(c.i., faithfulness(𝒢)) gives the d-separation",
    "instantiate": "instantiate a `for all` statement: instantiate((7), γ := I_B)",
    "generalize": "generalise over an arbitrary index",
    "auto": "proof search proposes a derivation; the kernel re-checks every step",
    "nonadjacent": "vertices d-separated by some set are not adjacent",
    "factorisation": "Step 4 of Theorem 1: (12)-(15), determinism, (Λ ⊥⊥ X), positivity ⇒ factorisable",
}


def rule_names() -> list[str]:
    return sorted(set(RULE_ALIASES.values()) | set(EXTRA_RULES))


# ---- positions ---------------------------------------------------------------------------------
def _lines(text: str) -> list[str]:
    return text.split("\n")


def token_extent(text: str, line0: int, col0: int) -> tuple[int, int, int, int]:
    """The range of the token (or parenthesised group) that starts at a position."""
    lines = _lines(text)
    if not 0 <= line0 < len(lines):
        return (line0, col0, line0, col0)
    s = lines[line0]
    if col0 >= len(s):
        return (line0, col0, line0, col0 + (1 if col0 < len(s) + 1 else 0))
    if s[col0] == "(":
        depth, ln, c = 0, line0, col0
        while ln < len(lines):
            row = lines[ln]
            while c < len(row):
                if row[c] == "(":
                    depth += 1
                elif row[c] == ")":
                    depth -= 1
                    if depth == 0:
                        return (line0, col0, ln, c + 1)
                c += 1
            ln, c = ln + 1, 0
            if ln - line0 > 20:
                break
        return (line0, col0, line0, len(s))
    m = re.match(r"[^\s,():{}]+", s[col0:])
    return (line0, col0, line0, col0 + (len(m.group(0)) if m else 1))


def tree_range(t) -> tuple[int, int, int, int] | None:
    if isinstance(t, Token):
        if t.line is None:
            return None
        return (t.line - 1, t.column - 1, t.end_line - 1, t.end_column - 1)
    m = getattr(t, "meta", None)
    if m is None or getattr(m, "empty", True):
        return None
    return (m.line - 1, m.column - 1, m.end_line - 1, m.end_column - 1)


def _contains(r, line0: int, col0: int) -> bool:
    if r is None:
        return False
    (l1, c1, l2, c2) = r
    return (l1, c1) <= (line0, col0) <= (l2, c2)


# ---- diagnostics -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Diag:
    range: tuple[int, int, int, int]
    severity: int
    message: str
    code: str = ""
    related: tuple = ()     # ((range, message), …): e.g. where a premise that was not verified failed


def diagnostics(a) -> list[Diag]:
    """The errors `graphoid check` reports, at its positions with its messages; warnings for what is
    assumed rather than checked (assumptions, graph hypotheses), information for enumeration evidence."""
    rep, text = a.report, a.text
    out: list[Diag] = []
    if rep.parse_error is not None:
        e = rep.parse_error
        out.append(Diag(token_extent(text, e.line - 1, e.col - 1), ERROR, e.message, "parse"))
        return out
    for i, item in enumerate(a.items):
        for s in a.steps_of(i):
            if s.status == "failed":
                related = ()
                m = re.match(r"premise \((.+?)\) was not verified", s.message)
                j = item_of_label(a, m.group(1)) if m else None
                if j is not None and j < i:
                    r = _label_range(a, j) or tree_range(a.trees[j])
                    if r is not None:
                        related = ((r, "(%s) failed here" % m.group(1)),)
                out.append(Diag(token_extent(text, s.line - 1, s.col - 1), ERROR, s.message, "failed", related))
            elif s.status in ("assumption", "hypothesis", "enumerated"):
                r = _label_range(a, i) or token_extent(text, s.line - 1, s.col - 1)
                if s.status == "assumption":
                    msg, sev = "assumption (not checked): (%s) %s" % (s.label, s.statement), WARNING
                elif s.status == "hypothesis":
                    msg, sev = "graph hypothesis (stated, not checked): (%s) %s" % (s.label, s.statement), WARNING
                else:
                    msg, sev = ("checked by enumeration on a class (evidence for those sizes, not a proof): (%s) %s"
                                % (s.label, s.statement)), INFO
                if s.evidence:
                    msg += "  [%s]" % s.evidence
                out.append(Diag(r, sev, msg, s.status))
    return out


def _label_range(a, i: int):
    """From the item's keyword to the end of its label: `assume (p)`."""
    t = a.trees[i]
    for c in getattr(t, "children", ()):
        if isinstance(c, Tree) and c.data == "label":
            tok = [x for x in c.children if isinstance(x, Token)][0]
            start, end = tree_range(t), tree_range(tok)
            if start and end:
                lines = _lines(a.text)
                close = end[2] < len(lines) and lines[end[2]][end[3]:end[3] + 1] == ")"
                return (start[0], start[1], end[2], end[3] + (1 if close else 0))
    return None


# ---- symbols -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Occ:
    kind: str        # label | variable | family | graph | index | class | rule
    name: str
    range: tuple[int, int, int, int]
    is_def: bool
    item: int
    scope: int = -1  # item index for names bound inside one statement (for all γ ⊆ I: …)


def occurrences(a) -> list[Occ]:
    if a.report.env is None:
        return []
    env = a.report.env
    labels = {it.label for it in a.items if it.kind in ("assume", "hypothesis", "have", "enumerate")}
    out: list[Occ] = []
    for i, t in enumerate(a.trees):
        if not isinstance(t, Tree):
            continue
        try:
            _walk_item(t, i, env, labels, out)
        except (RecursionError, IndexError, AttributeError):   # a tree shape this does not know
            continue
    return out


def _tok_occ(kind, tok, is_def, i, out, name=None, scope=-1):
    r = tree_range(tok)
    if r is not None:
        out.append(Occ(kind, name if name is not None else token_name(tok), r, is_def, i, scope))


def _vname_tok(t):
    return t.children[0] if isinstance(t, Tree) else t


def _walk_item(t: Tree, i: int, env, labels, out):
    k = t.data
    ch = [c for c in t.children if c is not None]
    if k in ("decl_vars", "decl_latent"):
        for c in ch:
            _tok_occ("variable", _vname_tok(c), True, i, out)
    elif k == "decl_family":
        for c in ch:
            if isinstance(c, Tree) and c.data == "vname":
                _tok_occ("family", _vname_tok(c), True, i, out)
            else:
                _walk_expr(c, i, env, out, set())
    elif k == "decl_subfamily":
        _tok_occ("family", _vname_tok(ch[0]), True, i, out)
        _tok_occ("family", _vname_tok(ch[1]), False, i, out)
        _walk_expr(ch[2], i, env, out, set())
    elif k == "decl_graph":
        _tok_occ("graph", ch[0], True, i, out)
        for c in ch[1:]:
            for v in c.children:
                if isinstance(v, Tree):
                    _tok_occ("variable", _vname_tok(v), False, i, out)
    elif k == "decl_chain":
        _tok_occ("graph", ch[0], True, i, out)
        for c in ch[1:]:
            _walk_expr(c, i, env, out, set())
    elif k == "decl_index":
        _idx_occ(ch[0], True, i, out)
        _tok_occ("index", _vname_tok(ch[2]), True, i, out)
    elif k == "decl_partition":
        parts = [c for c in ch if isinstance(c, Tree)]
        _idx_occ(parts[0], False, i, out)
        for p in parts[1:]:
            _idx_occ(p, True, i, out)
    elif k in ("decl_subset", "decl_arbitrary"):
        _tok_occ("index", _vname_tok(ch[0]), True, i, out)
        for c in ch[1:]:
            if isinstance(c, Tree):
                _walk_expr(c, i, env, out, set())
    elif k == "builtin_class":
        _tok_occ("class", ch[0], True, i, out)
        for c in ch[2:]:
            if isinstance(c, Tree):
                _walk_expr(c, i, env, out, set())
    elif k == "class_block":
        _tok_occ("class", ch[0], True, i, out)   # set-node names are local to the class
    elif k in ("assume", "hypothesis", "have", "enumerate"):
        bound: set = set()
        for c in ch:
            if isinstance(c, Token):
                if k == "enumerate" and c.type == "NAME":
                    _tok_occ("class", c, False, i, out)
                continue
            if c.data == "label":
                tok = [x for x in c.children if isinstance(x, Token)][0]
                _tok_occ("label", tok, True, i, out, name=str(tok))
            elif c.data == "rule_app":
                rt = c.children[0]
                _tok_occ("rule", rt, False, i, out, name=RULE_ALIASES.get(str(rt), str(rt)))
                for arg in c.children[1:]:
                    if arg is not None:
                        _walk_arg(arg, i, env, labels, out, bound)
            elif c.data in ("ref", "binding"):
                _walk_arg(c, i, env, labels, out, bound)
            elif c.data == "checked_on":
                _tok_occ("class", c.children[0], False, i, out)
            elif k == "enumerate":
                continue   # claims on a class use its local set-node names
            else:
                _walk_expr(c, i, env, out, bound)


def _walk_arg(arg: Tree, i, env, labels, out, bound):
    if arg.data == "ref":
        tok = arg.children[0]
        name = str(tok)
        kind = "label" if name in labels or name not in env.graphs else "graph"
        _tok_occ(kind, tok, False, i, out, name=name)
    else:   # binding γ := idx
        _tok_occ("index", _vname_tok(arg.children[0]), False, i, out)
        _walk_expr(arg.children[1], i, env, out, bound)


def _idx_occ(t, is_def, i, out, bound=frozenset()):
    """idx_name: vname [SUB (SUBCHAR | GREEK_MACRO)] as one name (I_B)."""
    ch = [c for c in t.children if c is not None]
    first = _vname_tok(ch[0])
    name = token_name(first)
    last = first
    if len(ch) > 1:
        last = ch[-1]
        name = "%s_%s" % (name, token_name(last))
    r1, r2 = tree_range(first), tree_range(last)
    if r1 and r2:
        out.append(Occ("index", name, (r1[0], r1[1], r2[2], r2[3]), is_def, i, i if name in bound else -1))


def _walk_expr(t, i, env, out, bound):
    if isinstance(t, Token):
        if t.type in ("SUBCHAR", "GREEK_MACRO"):
            name = token_name(t)
            _tok_occ("index", t, False, i, out, scope=i if name in bound else -1)
        elif t.type == "NAME":
            _tok_occ("graph", t, False, i, out)   # `… in G`, `faithfulness(G)`, `G is chained(…)`
        return
    d = t.data
    if d in ("subset_binder", "member_binder"):
        tok = _vname_tok(t.children[0])
        bound.add(token_name(tok))
        _tok_occ("index", tok, True, i, out, scope=i)
        for c in t.children[1:]:
            if c is not None and not isinstance(c, Token):
                _walk_expr(c, i, env, out, bound)
        return
    if d == "schema":
        binders = [c for c in t.children if isinstance(c, Tree) and c.data.endswith("_binder")]
        for b in binders:
            _walk_expr(b, i, env, out, bound)
        for c in t.children:
            if c is not None and c not in binders:
                _walk_expr(c, i, env, out, bound)
        return
    if d == "idx_name":
        _idx_occ(t, False, i, out, bound)
        return
    if d == "term":
        v = t.children[0]
        tok = _vname_tok(v)
        _name_occ(tok, i, env, out)
        for c in t.children[1:]:
            if c is not None:
                _walk_expr(c, i, env, out, bound)
        return
    if d == "vname":
        tok = _vname_tok(t)
        name = token_name(tok)
        _tok_occ("index", tok, False, i, out, scope=i if name in bound else -1)
        return
    for c in t.children:
        if c is not None:
            _walk_expr(c, i, env, out, bound)


def _name_occ(tok: Token, i, env, out):
    """A juxtaposed name (`YW`) split against the declarations into its variables and families."""
    r = tree_range(tok)
    if r is None:
        return
    text = str(tok)
    if text.startswith("\\"):
        parts = [token_name(tok)]
        spans = [(r[1], r[3])]
    else:
        try:
            parts = split_name(env, text, tok.line, tok.column)
        except (ResolveError, RecursionError):
            return
        if "".join(parts) != text:
            parts, spans = [text], [(r[1], r[3])]
        else:
            spans, c = [], r[1]
            for p in parts:
                spans.append((c, c + len(p)))
                c += len(p)
    fams = set(env.decl.base_families) | set(env.decl.families)
    for p, (c1, c2) in zip(parts, spans):
        out.append(Occ("family" if p in fams else "variable", p, (r[0], c1, r[0], c2), False, i))


def occurrence_at(occs, line0: int, col0: int) -> Occ | None:
    """The occurrence under the cursor; one that ends just before it (cursor after a word) otherwise."""
    inside = [o for o in occs if (o.range[0], o.range[1]) <= (line0, col0) < (o.range[2], o.range[3])]
    if not inside:
        inside = [o for o in occs if (o.range[0], o.range[1]) <= (line0, col0) <= (o.range[2], o.range[3])]
    if not inside:
        return None
    return min(inside, key=lambda o: (o.range[2] - o.range[0], o.range[3] - o.range[1]))


def _same_symbol(o: Occ, p: Occ) -> bool:
    return o.kind == p.kind and o.name == p.name and o.scope == p.scope


def definitions(occs, o: Occ) -> list[Occ]:
    defs = [p for p in occs if p.is_def and _same_symbol(o, p)]
    if not defs:   # an undeclared graph such as 𝒢: its first use
        uses = [p for p in occs if _same_symbol(o, p)]
        return uses[:1]
    return defs


def references(occs, o: Occ, include_declaration: bool = True) -> list[Occ]:
    return [p for p in occs if _same_symbol(o, p) and (include_declaration or not p.is_def)]


# ---- items at positions -----------------------------------------------------------------------
def item_at(a, line0: int, col0: int) -> int | None:
    for i, t in enumerate(a.trees):
        if _contains(tree_range(t), line0, col0):
            return i
    return None


def item_of_label(a, label: str) -> int | None:
    for i, it in enumerate(a.items):
        if it.label == label and it.kind in ("assume", "hypothesis", "have", "enumerate"):
            return i
    return None


# ---- hover -------------------------------------------------------------------------------------
def _step_markdown(a, i: int) -> str:
    item = a.items[i]
    steps = list(a.steps_of(i))
    if not steps:
        return "`%s`" % item.text.split("\n")[0]
    main = steps[-1]
    parts = ["**(%s)** — %s" % (main.label, main.status)]
    if main.status == "failed":
        parts.append("```\n%s\n```" % item.text)
        parts.append("error: " + main.message)
        if main.obligations:
            parts.append(_obligations_md(main.obligations))
        return "\n\n".join(parts)
    parts.append("```\n%s\n```" % main.statement)
    if main.semantics:
        parts.append("holds in: " + main.semantics)
    if main.rule:
        parts.append("rule: " + main.rule)
    if main.premises:
        by_label = {st.label: st for st in a.report.steps}
        rows = ["premises:"]
        for p in main.premises:
            st = by_label.get(p)
            rows.append("- (%s) `%s` — %s" % (p, st.statement, st.status) if st is not None else "- (%s)" % p)
        parts.append("\n".join(rows))
    rests = _rests_on(a, main)
    if rests:
        parts.append("rests on (stated, not checked): " + ", ".join(rests))
    if main.evidence:
        parts.append("evidence: " + main.evidence)
    if len(steps) > 1:
        parts.append("also recorded: " + ", ".join("(%s)" % s.label for s in steps[:-1]))
    if main.expansion:
        parts.append("derivation found by search and re-checked by the kernel:\n```\n%s\n```" % main.expansion)
    if main.obligations:
        parts.append(_obligations_md(main.obligations))
    return "\n\n".join(parts)


def _rests_on(a, step) -> list[str]:
    """The assumptions and graph hypotheses a verified fact depends on, by label."""
    f = step.fact
    if f is None or step.status != "verified" or not hasattr(f, "assumptions"):
        return []
    labels = {id(st.fact): st.label for st in a.report.steps if st.fact is not None}
    try:
        return ["(%s)" % labels.get(id(x), "?") for x in f.assumptions()]
    except RecursionError:
        return []


def _obligations_md(obs) -> str:
    rows = ["side conditions (%d):" % len(obs)]
    for o in obs[:40]:
        rows.append("- %s — %s (%s, %.3f s)%s" % (o.meaning, o.result, o.method, o.seconds,
                                                 ("; " + o.detail) if o.detail else ""))
    if len(obs) > 40:
        rows.append("- … %d more" % (len(obs) - 40))
    return "\n".join(rows)


def _declaration_of(a, occs, o: Occ):
    defs = definitions(occs, o)
    return defs[0] if defs else None


def hover(a, occs, line0: int, col0: int):
    """(markdown, range) for the position, or None."""
    o = occurrence_at(occs, line0, col0)
    if o is not None and o.kind == "label":
        j = item_of_label(a, o.name)
        if j is not None:
            return _step_markdown(a, j), o.range
    if o is not None and o.kind == "rule":
        n = PREMISE_COUNT.get(o.name)
        doc = RULE_DOC.get(o.name, "")
        md = "**%s**%s\n\n%s" % (o.name, (" — %d premise%s" % (n, "" if n == 1 else "s")) if n else "", doc)
        return md, o.range
    if o is not None:
        d = _declaration_of(a, occs, o)
        env = a.report.env
        what = o.kind
        if o.kind == "variable" and env is not None and env.scalars.get(o.name):
            what = "latent variable"
        elif o.kind == "family" and env is not None:
            base = env.decl.base_families.get(o.name)
            if base:
                what = "family over %s" % base
            elif o.name in env.decl.families:
                b, dom = env.decl.families[o.name]
                what = "family %s = %s over a subset" % (o.name, b)
        md = "**%s** — %s" % (o.name, what)
        if d is not None and d.item < len(a.items):
            md += "\n\n```\n%s\n```" % a.items[d.item].text
            if d.scope >= 0:
                md += "\n\n(bound in this statement)"
        if o.kind == "graph" and (d is None or not d.is_def):
            md += "\n\n(not declared: an abstract graph, known only through what is assumed of it)"
        return md, o.range
    i = item_at(a, line0, col0)
    if i is not None and a.items[i].kind in ("assume", "hypothesis", "have", "enumerate"):
        return _step_markdown(a, i), tree_range(a.trees[i])
    return None


# ---- completion --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Completion:
    label: str
    kind: str        # rule | label | variable | family | graph | index | class | keyword
    detail: str = ""


def _labels_before(a, line0: int, col0: int):
    out = []
    for i, it in enumerate(a.items):
        if it.kind not in ("assume", "hypothesis", "have", "enumerate"):
            continue
        r = tree_range(a.trees[i])
        if r is None or (r[0], r[1]) >= (line0, col0) or _contains(r, line0, col0):
            continue
        steps = a.steps_of(i)
        st = steps[-1] if steps else None
        out.append(Completion(it.label, "label", ("%s  [%s]" % (st.statement, st.status)) if st else ""))
    return out


def completions(a, text: str, line0: int, col0: int) -> list[Completion]:
    lines = _lines(text)
    prefix = lines[line0][:col0] if 0 <= line0 < len(lines) else ""
    if re.search(r"\bby\s+[a-z0-9_]*$", prefix):
        return [Completion(r, "rule", RULE_DOC.get(r, "")) for r in rule_names()] + \
               [Completion(al, "rule", "alias of " + r) for al, r in sorted(RULE_ALIASES.items()) if al != r]
    m = None
    for m in re.finditer(r"\bby\s+([a-z0-9_]+)\s*\(", prefix):
        pass
    in_args = False
    if m is not None:
        rest = prefix[m.end():]
        in_args = rest.count("(") + 1 > rest.count(")")
    if not in_args and re.search(r"^\s*hypothesis\b.*\bfrom\b[^:]*$", prefix):
        in_args = "checked" not in prefix[prefix.rindex("from"):]
    if a is None:
        return []
    env = a.report.env
    if in_args:
        out = _labels_before(a, line0, col0)
        if env is not None and m is not None and RULE_ALIASES.get(m.group(1)) == "d_separation":
            out += [Completion(g, "graph") for g in env.graphs]
        return out
    if re.search(r"\b(checked\s+on|\bon)\s+\w*$", prefix):
        return [Completion(c, "class") for c in (a.report.classes or {})]
    out = []
    if env is not None:
        out += [Completion(v, "variable", "latent" if lat else "") for v, lat in env.scalars.items()]
        out += [Completion(f, "family", "over " + r) for f, r in env.decl.base_families.items()]
        out += [Completion(f, "family") for f in env.decl.families]
        out += [Completion(g, "graph") for g in env.graphs]
        names = list(env.decl.ranges) + list(env.decl.subsets) + list(env.decl.index_vars)
        out += [Completion(n, "index") for n in dict.fromkeys(names)]
    out += [Completion(c, "class") for c in (a.report.classes or {})]
    if not prefix.strip() or re.match(r"^\s*[a-z]*$", prefix):
        out += [Completion(k, "keyword") for k in KEYWORDS]
    return out


# ---- code action: `by auto` → explicit steps ----------------------------------------------------
_STEP_LINE = re.compile(r"^(\d+)\. (\(.*\))  \[(.*)\]$")


def _parse_side(s: str, names) -> frozenset:
    """A side as the search prints it: `B,D1`, `BC` (single letters juxtaposed) or `D1` (one name)."""
    s = s.strip()
    if not s or s == "∅":
        return frozenset()
    if "," in s:
        return frozenset(x.strip() for x in s.split(","))
    whole, letters = s in names, all(c in names for c in s)
    if whole and letters and len(s) > 1:
        raise ValueError("ambiguous: %s" % s)
    if whole:
        return frozenset([s])
    if letters:
        return frozenset(s)
    raise ValueError("unknown names in %s" % s)


def _parse_shown(s: str, names):
    body = s.strip()[1:-1]
    if " | " in body:
        xy, z = body.split(" | ", 1)
    else:
        xy, z = body, ""
    x, y = xy.split(" ⊥ ", 1)
    return (_parse_side(x, names), _parse_side(y, names), _parse_side(z, names))


def expand_auto(a, i: int) -> str | None:
    """The text replacing item i (a verified `have … by auto`) with the derivation the search found, as
    explicit steps citing the script's labels; None when there is nothing to expand (or the derivation
    has a proof by cases, which scripts cannot write)."""
    from ..sets import VarSet
    from ..statements import CI, ci_text
    item = a.items[i]
    if item.kind != "have" or RULE_ALIASES.get(item.rule, item.rule) != "auto":
        return None
    steps = a.steps_of(i)
    if not steps or steps[-1].status != "verified" or not steps[-1].expansion:
        return None
    res = steps[-1]
    like = res.fact.statement if res.fact is not None else None
    if not isinstance(like, CI):
        return None
    decl = a.report.env.decl if a.report.env is not None else None
    names = set(a.report.env.scalars) if a.report.env is not None else set()
    known = {}
    for j in range(i):
        for s in a.steps_of(j):
            f = s.fact
            if s.status in ("verified", "assumption", "hypothesis") and f is not None and isinstance(f.statement, CI) \
                    and f.statement.concrete and f.statement.dsep == like.dsep:
                known.setdefault(f.statement.triple(), s.label)
    used = {it.label for it in a.items}
    refs: dict[int, str] = {}
    derived = []
    for line in res.expansion.split("\n"):
        m = _STEP_LINE.match(line.strip())
        if m is None:
            return None      # a proof by cases or a format this does not know
        n, shown, just = int(m.group(1)), m.group(2), m.group(3)
        try:
            triple = _parse_shown(shown, names)
        except ValueError:
            return None
        if just == "premise":
            lab = known.get(triple)
            if lab is not None:
                refs[n] = lab
            continue
        mm = re.match(r"^([a-z ]+?)\s+([\d, ]+)$", just)
        if mm is None:
            return None
        rule = mm.group(1).strip().replace(" ", "_")
        prem = [int(x) for x in mm.group(2).replace(" ", "").split(",") if x]
        derived.append((n, triple, rule, prem))
    if not derived:
        return None
    indent = " " * (item.col - 1)
    out, k = [], 0
    for idx, (n, triple, rule, prem) in enumerate(derived):
        last = idx == len(derived) - 1
        if last:
            lab = item.label
        else:
            k += 1
            lab = "%s.%d" % (item.label, k)
            while lab in used:
                k += 1
                lab = "%s.%d" % (item.label, k)
            used.add(lab)
        cites = []
        for p in prem:
            if p not in refs:
                return None
            cites.append("(%s)" % refs[p])
        refs[n] = lab
        if last:
            claim = _claim_source(a, i) or ci_text(CI(VarSet.of(triple[0]), VarSet.of(triple[1]), VarSet.of(triple[2]), like.dsep, like.graph), decl)
        else:
            claim = ci_text(CI(VarSet.of(triple[0]), VarSet.of(triple[1]), VarSet.of(triple[2]), like.dsep, like.graph), decl)
        out.append("have (%s): %s by %s(%s)" % (lab, claim, rule, ", ".join(cites)))
    return ("\n" + indent).join(out)


def _claim_source(a, i: int) -> str | None:
    t = a.trees[i]
    if not isinstance(t, Tree) or len(t.children) < 2:
        return None
    claim = t.children[1]
    r, rt = tree_range(claim), tree_range(t)
    if r is None or rt is None:
        return None
    lines = _lines(a.text)
    if r[0] != r[2]:
        return None
    return lines[r[0]][r[1]:r[3]]


# ---- outline -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Symbol:
    name: str
    kind: str        # variable | family | graph | index | class | assumption | hypothesis | step | enumeration
    detail: str
    range: tuple[int, int, int, int]
    selection: tuple[int, int, int, int]


def outline(a, occs) -> list[Symbol]:
    defs: dict[int, list[Occ]] = {}
    for o in occs:
        if o.is_def and o.scope < 0:
            defs.setdefault(o.item, []).append(o)
    out = []
    kinds = {"assume": "assumption", "hypothesis": "hypothesis", "have": "step", "enumerate": "enumeration"}
    for i, it in enumerate(a.items):
        r = tree_range(a.trees[i])
        if r is None:
            continue
        if it.kind in kinds:
            steps = a.steps_of(i)
            st = steps[-1] if steps else None
            detail = ("%s — %s" % (st.statement or it.text, st.status)) if st else it.text
            sel = next((o.range for o in defs.get(i, []) if o.kind == "label"), r)
            out.append(Symbol("(%s)" % it.label, kinds[it.kind], detail, r, sel))
            continue
        for o in defs.get(i, []):
            detail = it.text.split("\n")[0]
            kind = o.kind
            if it.kind == "decl_latent":
                detail = "latent"
            out.append(Symbol(o.name, kind, detail, r, o.range))
    return out
