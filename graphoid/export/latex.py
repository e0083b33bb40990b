"""LaTeX export of checked proofs in the paper's notation: a standalone document (amsmath, amssymb,
mathtools only), statement rendering, and a fragment for Jupyter. Everything taken from a script is
escaped, so no script text can reach TeX as a command."""
from __future__ import annotations

import os
import re
import unicodedata

from ..sets import IDiff, IEmpty, IFull, IName, IndexExpr, ISingle, IUnion, VarSet
from .. import statements as _statements
from ..statements import DEFAULT_GRAPH, CI, Schema, statement_text

# Graph facts and principles; looked up by name so the exporter keeps working as kinds are added.
_NoEdge = getattr(_statements, "NoEdge", None)
_Chained = getattr(_statements, "Chained", None)
_Determines = getattr(_statements, "Determines", None)
_Principle = getattr(_statements, "Principle", None)

INDEP = r"\perp\!\!\!\perp"

# Justifications come from the rule registry (display name and the paper's equation number);
# only the prose of a few rules differs from their short names.
_PROSE = {"markov": "the Markov condition"}


def rule_words(rule_id: str) -> str:
    from ..kernel import registry
    spec = registry.RULES.get(rule_id)
    if spec is None:
        return rule_id.replace("_", " ")
    return _PROSE.get(rule_id, spec.justification())


class _RuleText(dict):
    def get(self, k, default=None):
        return rule_words(k)

    def __getitem__(self, k):
        return rule_words(k)


RULE_TEXT = _RuleText()

_GREEK_MACROS = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi",
    "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "varsigma", "τ": "tau", "υ": "upsilon", "φ": "phi",
    "χ": "chi", "ψ": "psi", "ω": "omega",
    "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma",
    "Υ": "Upsilon", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}
# Greek capitals that look like Latin ones have no macro; they are typeset as the Latin letter.
_GREEK_AS_LATIN = {"Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
                   "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Χ": "X", "ο": "o"}

# Mathematical symbols that occur in messages and source text, as math-mode LaTeX.
_SYMBOLS = {
    "⊥": r"\perp", "⫫": INDEP, "∪": r"\cup", "∩": r"\cap", "⊆": r"\subseteq", "∈": r"\in",
    "∅": r"\emptyset", "∖": r"\setminus", "→": r"\to", "←": r"\leftarrow", "⊔": r"\sqcup",
    "⊢": r"\vdash", "∀": r"\forall", "∃": r"\exists", "≠": r"\neq", "≤": r"\leq", "≥": r"\geq",
    "×": r"\times", "…": r"\dots", "·": r"\cdot", "⇒": r"\Rightarrow", "⇔": r"\Leftrightarrow",
    "∧": r"\wedge", "∨": r"\vee", "¬": r"\neg", "–": "-", "—": "-",
}

# Text-mode replacements for the characters TeX treats specially (OT1-safe forms).
_TEXT_SPECIAL = {
    "\\": r"\ensuremath{\backslash}", "{": r"\ensuremath{\{}", "}": r"\ensuremath{\}}", "$": r"\$",
    "&": r"\&", "#": r"\#", "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}",
    "<": r"\ensuremath{<}", ">": r"\ensuremath{>}", "|": r"\ensuremath{\vert}", '"': r'\texttt{"}',
    "`": r"\`{}",
}
# Ligatures of TeX's text fonts (-- ---, '' ``, !` ?`) would change what a script says: a
# character that could start one is separated from the next by an empty group.
_LIGATURE_START = {"-": "-", "'": "'", "!": "`", "?": "`"}
_TEXT_SAFE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,;:()[]/=+*@")


# Latin letters with accents (Studený, après) as TeX's accent commands, which the default OT1
# encoding typesets: a base letter A-Z/a-z and one accent from this table; other letters with a
# text-mode macro of their own below. Anything else still shows its code point.
_ACCENTS = {"\u0301": "'", "\u0300": "`", "\u0302": "^", "\u0308": '"', "\u0303": "~", "\u0304": "=",
            "\u0307": ".", "\u0306": "u", "\u030c": "v", "\u030b": "H", "\u0327": "c", "\u030a": "r"}
_LATIN_MACROS = {"ß": r"\ss{}", "æ": r"\ae{}", "Æ": r"\AE{}", "ø": r"\o{}", "Ø": r"\O{}", "œ": r"\oe{}",
                 "Œ": r"\OE{}", "ł": r"\l{}", "Ł": r"\L{}", "ı": r"\i{}", "å": r"\aa{}", "Å": r"\AA{}"}
# typographic punctuation from word processors and PDFs: TeX's own ligatures for them
_PUNCT = {"‘": "`", "’": "'", "“": "``", "”": "''", "–": "--", "—": "---", "„": ",,", "\u00a0": " "}


def _latin(ch: str) -> str | None:
    if ch in _LATIN_MACROS:
        return _LATIN_MACROS[ch]
    d = unicodedata.normalize("NFD", ch)
    if len(d) == 2 and d[0].isascii() and d[0].isalpha() and d[1] in _ACCENTS:
        base = r"\i" if d[0] == "i" and d[1] != "\u0327" else d[0]   # í: accent on a dotless i
        return "\\%s{%s}" % (_ACCENTS[d[1]], base)
    return None


def _codepoint(ch: str) -> str:
    return "U+%04X" % ord(ch)


# ---------------------------------------------------------------------------------------------
# Escaping


def tex_text(s: str) -> str:
    """Any string as safe text-mode TeX: every special character is neutralised, known unicode
    symbols become math, anything else is shown as its code point. No output can be a command."""
    out = []
    s = str(s)
    for i, ch in enumerate(s):
        if ch in _LIGATURE_START:
            nxt = s[i + 1] if i + 1 < len(s) else ""
            out.append(ch + ("{}" if nxt == _LIGATURE_START[ch] or (ch == "-" and nxt == "-") else ""))
        elif ch in _TEXT_SAFE:
            out.append(ch)
        elif ch in _TEXT_SPECIAL:
            out.append(_TEXT_SPECIAL[ch])
        elif ch in ("\n", "\t", "\r", "\f", "\v"):
            out.append(" ")
        elif ch in _PUNCT:
            out.append(_PUNCT[ch] + "{}")
        elif _latin(ch):
            out.append(_latin(ch))
        elif ch in _GREEK_MACROS:
            out.append(r"\ensuremath{\%s}" % _GREEK_MACROS[ch])
        elif ch in _GREEK_AS_LATIN:
            out.append(_GREEK_AS_LATIN[ch])
        elif ch in _SYMBOLS:
            out.append(r"\ensuremath{%s}" % _SYMBOLS[ch])
        elif _math_alnum(ch):
            out.append(r"\ensuremath{%s}" % _math_alnum(ch))
        elif unicodedata.category(ch).startswith("C"):
            continue   # control and format characters carry nothing printable
        else:
            out.append(r"\texttt{[%s]}" % _codepoint(ch))
    return "".join(out)


def comment_tex(s: str) -> str:
    """A comment as prose: text escaped as tex_text does; a $…$ segment that is a statement in
    graphoid's syntax ($(A ⊥⊥ C | B)_d$) is typeset in the paper's notation. The math comes from
    the statement printer, never from the comment's own TeX, so nothing can be injected."""
    parts = re.split(r"(\$[^$]+\$)", str(s))
    out = []
    for part in parts:
        if len(part) > 2 and part.startswith("$") and part.endswith("$"):
            try:
                from .. import parse_statement
                out.append("$%s$" % statement_latex(parse_statement(part[1:-1].strip())))
                continue
            except Exception:   # not a statement: shown as written
                pass
        out.append(tex_text(part))
    return "".join(out)


def _math_alnum(ch: str) -> str | None:
    """Mathematical script/calligraphic/bold letters (𝒢, 𝓥, ...) as \\mathcal/\\mathbf."""
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return None
    m = re.fullmatch(r"MATHEMATICAL (BOLD )?(SCRIPT|CALLIGRAPHIC|BOLD|DOUBLE-STRUCK|FRAKTUR) "
                     r"(CAPITAL|SMALL) ([A-Z])", name)
    if not m:
        return None
    letter = m.group(4) if m.group(3) == "CAPITAL" else m.group(4).lower()
    style = m.group(2)
    if style in ("SCRIPT", "CALLIGRAPHIC") and m.group(3) == "CAPITAL":
        return r"\mathcal{%s}" % letter
    if style == "DOUBLE-STRUCK" and m.group(3) == "CAPITAL":
        return r"\mathbb{%s}" % letter
    return r"\mathbf{%s}" % letter


def _name_chars(name: str) -> tuple[list[str], bool]:
    """The letters of a name as math-mode LaTeX, and whether any is Greek (needs \\boldsymbol)."""
    parts, greek = [], False
    for ch in name:
        if ch.isascii() and ch.isalpha():
            parts.append(ch)
        elif ch in _GREEK_MACROS:
            parts.append("\\%s " % _GREEK_MACROS[ch])
            greek = True
        elif ch in _GREEK_AS_LATIN:
            parts.append(_GREEK_AS_LATIN[ch])
        elif _math_alnum(ch):
            parts.append(_math_alnum(ch))
        elif ch.isascii() and ch.isdigit():
            parts.append(ch)
        else:
            parts.append(r"\text{\texttt{[%s]}}" % _codepoint(ch))
    return parts, greek


# Names that would print like another declared name (a variable A1 beside a family A, whose
# member A_1 prints the same), set for the duration of one document: printed verbatim instead.
_VERBATIM: set = set()


def _ambiguous_names(report) -> set:
    env = getattr(report, "env", None)
    if env is None:
        return set()
    d = env.decl
    names = list(getattr(env, "scalars", {})) + list(d.base_families) + list(d.families) + \
        list(getattr(env, "graphs", {})) + list(d.ranges) + list(d.subsets) + list(d.index_vars)
    fams = set(d.base_families) | set(d.families)
    seen: dict[str, str] = {}
    out = set()
    for n in names:
        m = re.fullmatch(r"(.*?)([0-9]+)", n)
        if m and m.group(1) in fams:            # prints like the family member F_k
            out.add(n)
            continue
        _VERBATIM.clear()
        r = name_math(n, True)
        if r in seen and seen[r] != n:
            out.add(n)
        seen.setdefault(r, n)
    return out


def name_math(name: str, bold: bool = False) -> str:
    """A script name (variable, index, graph) in math mode: trailing digits become a subscript,
    primes stay primes, Greek letters become macros (Λ → \\Lambda), `I_B` becomes I_{B}."""
    name = str(name)
    if name in _VERBATIM:
        return r"\text{\texttt{%s}}" % tex_text(name)
    if "_" in name:   # declared index subsets such as I_B
        base, _, sub = name.partition("_")
        return "%s_{%s}" % (name_math(base, bold), name_math(sub, False) if sub else "")
    primes = len(name) - len(name.rstrip("'"))
    core = name.rstrip("'").replace("'", "")
    m = re.fullmatch(r"(.*?)([0-9]+)", core)
    stem, digits = (m.group(1), m.group(2)) if m and m.group(1) else (core, "")
    parts, greek = _name_chars(stem)
    body = "".join(parts).strip()
    if bold and body:
        body = (r"\boldsymbol{%s}" if greek else r"\mathbf{%s}") % body
    elif len(parts) > 1 and not greek:
        body = r"\mathit{%s}" % body
    if not body:
        body = "{}"
    out = body
    if digits:
        out += "_{%s}" % digits
    if primes:
        out += "^{%s}" % (r"\prime" * primes)
    return out


# ---------------------------------------------------------------------------------------------
# Statements


def index_latex(e: IndexExpr) -> str:
    """An index expression: γ, {j} as j, complements relative to the whole range as \\setminus γ."""
    if isinstance(e, IFull):
        return name_math(e.range_name)
    if isinstance(e, IName):
        return name_math(e.name)
    if isinstance(e, ISingle):
        return str(e.term) if isinstance(e.term, int) else name_math(e.term)
    if isinstance(e, IDiff):
        if isinstance(e.left, IFull):
            return r"\setminus %s" % _index_atom(e.right)
        return r"%s \setminus %s" % (_index_atom(e.left), _index_atom(e.right))
    if isinstance(e, IUnion):
        return r" \cup ".join(_index_atom(p) for p in e.parts)
    if isinstance(e, IEmpty):
        return r"\emptyset"
    return r"\text{?}"


def _index_atom(e: IndexExpr) -> str:
    t = index_latex(e)
    if isinstance(e, IUnion) or (isinstance(e, IDiff) and not isinstance(e.left, IFull)):
        return r"(%s)" % t
    return t


def _family_latex(f: str, e: IndexExpr, decl=None) -> str:
    if decl is not None:
        # the names the script declared: C for A over I_C, C_{\setminus i}, and C_i for A_i
        # when i was declared an arbitrary member of I_C (as statements.set_text does)
        for sub, (base, idx) in getattr(decl, "families", {}).items():
            if base != f:
                continue
            if idx == e:
                return name_math(sub, bold=True)
            if isinstance(e, IDiff) and e.left == idx:
                return r"%s_{\setminus %s}" % (name_math(sub, bold=True), _index_atom(e.right))
            if isinstance(e, ISingle) and isinstance(e.term, str) and getattr(decl, "index_vars", {}).get(e.term) == idx:
                return "%s_{%s}" % (name_math(sub), name_math(e.term))
        if isinstance(e, IUnion):   # A over I_C ∪ I_B reads as CB when each part is declared
            parts = [_family_latex(f, p, decl) for p in e.parts]
            if all("_" not in p or p.endswith("}") for p in parts) and all(
                    any(idx == p for b, idx in getattr(decl, "families", {}).values() if b == f) for p in e.parts):
                return "".join(parts)
    base = name_math(f, bold=True)
    if isinstance(e, IFull):
        return base
    if isinstance(e, ISingle):   # a single member is a variable, not a set: not bold
        return "%s_{%s}" % (name_math(f), index_latex(e))
    return "%s_{%s}" % (base, index_latex(e))


def set_latex(s: VarSet, decl=None) -> str:
    r"""Bold sets by juxtaposition as the paper writes them (families first: \mathbf{Z}\Lambda) when
    every name is one character, otherwise a braced list."""
    scal = sorted(s.scalars)
    fams = [_family_latex(f, e, decl) for f, e in s.fams]
    if not scal and not fams:
        return r"\emptyset"
    simple = all(len(n) == 1 for n in scal) and not any(len(n) > 1 for n in getattr(decl, "scalar_names", ()) or ())
    if simple:
        letters = "".join(n for n in scal if n.isascii() and n.isalpha())
        others = [name_math(n, bold=True) for n in scal if not (n.isascii() and n.isalpha())]
        return "".join(fams + ([r"\mathbf{%s}" % letters] if letters else []) + others)
    items = fams + [name_math(n, bold=True) for n in scal]
    if len(items) == 1:
        return items[0]
    return r"\{%s\}" % ", ".join(items)


def ci_latex(c: CI, decl=None) -> str:
    body = "%s %s %s" % (set_latex(c.x, decl), INDEP, set_latex(c.y, decl))
    if not c.z.is_empty_syntactically():
        body += r" \mid %s" % set_latex(c.z, decl)
    out = "(%s)" % body
    if c.dsep:
        out += "_d"
        if c.graph and c.graph != DEFAULT_GRAPH:
            out += r" \text{ in } %s" % name_math(c.graph)
    return out


def _in_graph(graph) -> str:
    return "" if not graph or graph == DEFAULT_GRAPH else r" \text{ in } %s" % name_math(graph)


def statement_latex(stmt, decl=None) -> str:
    """A c.i. statement, a schema (∀γ ⊆ I: …) or a graph fact as math-mode LaTeX in the paper's
    notation; any other kind is shown as escaped text."""
    if isinstance(stmt, CI):
        return ci_latex(stmt, decl)
    if isinstance(stmt, _statements.NotCI):   # d-connection: the negated independence sign
        return ci_latex(stmt.ci, decl).replace(INDEP, r"\not\perp\!\!\!\perp", 1)
    if isinstance(stmt, Schema):
        binders = ", ".join("%s %s %s" % (name_math(b.name), r"\subseteq" if b.kind == "subset" else r"\in",
                                          index_latex(b.domain)) for b in stmt.binders)
        return r"\forall %s\colon %s" % (binders, statement_latex(stmt.body, decl))
    if _NoEdge is not None and isinstance(stmt, _NoEdge):
        words = (r"\text{no edge from }", r"\text{ to }") if stmt.directed else (r"\text{no edge between }", r"\text{ and }")
        return "%s%s%s%s%s" % (words[0], set_latex(stmt.x, decl), words[1], set_latex(stmt.y, decl), _in_graph(stmt.graph))
    if _Chained is not None and isinstance(stmt, _Chained):
        return r"%s \text{ is chained } (%s)" % (name_math(stmt.graph), ", ".join(set_latex(b, decl) for b in stmt.blocks))
    if _Determines is not None and isinstance(stmt, _Determines):
        return r"%s \text{ determines } %s" % (set_latex(stmt.source, decl), set_latex(stmt.target, decl))
    if _Principle is not None and isinstance(stmt, _Principle):
        return r"\text{%s}(%s)" % (tex_text(stmt.name), name_math(stmt.graph))
    if hasattr(stmt, "latex") and callable(stmt.latex):   # graph statements (graph_statements.py)
        return stmt.latex(decl)
    kind = type(stmt).__name__
    if kind == "Equation":   # probability equations (graphoid/probability/terms.py)
        from ..probability.terms import equation_latex
        return equation_latex(stmt, decl)
    if kind == "Positive":
        return r"P(%s) > 0" % set_latex(stmt.variables, decl)
    if isinstance(stmt, tuple) and len(stmt) == 3 and stmt[0] == "principle":
        return r"\text{%s}(%s)" % (tex_text(str(stmt[1])), name_math(str(stmt[2])))
    try:
        text = statement_text(stmt, decl)
    except Exception:   # an unknown kind must not stop the export of the rest of the proof
        text = repr(stmt)
    return r"\text{%s}" % tex_text(text)


# ---------------------------------------------------------------------------------------------
# Reports


_PROSE.update({   # graph rules (kernel/graph_rules.py; docs/graph_rules.md), by rule id
    "short_active_path": "the short-active-path rule", "vertex_cut": "the vertex-cut rule (Lemma 1 generalised)",
    "summary": "the summary graph", "bayes_ball": "the type-level Bayes ball", "path_cut": "a path cut",
    "parents": "the parents in the summary graph",
})


def _rule_text(rule: str) -> str:
    return tex_text(RULE_TEXT.get(rule, rule.replace("_", " ")))


def _decl_of(report):
    env = getattr(report, "env", None)
    return getattr(env, "decl", None)


def _source_text(report) -> str | None:
    """The script text, for its comments: the report's own copy if it keeps one, else the file."""
    src = getattr(report, "source", None)
    if isinstance(src, str):
        return src
    path = getattr(report, "file", "")
    try:
        if path and os.path.isfile(path) and os.path.getsize(path) < 2_000_000:
            with open(path, encoding="utf-8") as fh:
                return fh.read()
    except (OSError, UnicodeDecodeError):
        return None
    return None


_COMMENT = re.compile(r"^\s*(#|//)(.*)$")


def _comments_before(lines: list[str], start: int, end: int) -> list[str]:
    """Whole-line comments on lines start..end-1 (1-based), which introduce the next step."""
    out = []
    for k in range(max(start, 1), min(end, len(lines) + 1)):
        m = _COMMENT.match(lines[k - 1])
        if m:
            text = m.group(2).strip()
            if text:
                out.append(text)
    return out


def _justification(step, tags: dict[str, str]) -> str:
    fact = step.fact
    if step.status == "assumption":
        return r"\text{assumed}"
    if step.status == "hypothesis":
        out = r"\text{graph hypothesis (stated, not checked)}"
        if step.premises:
            refs = [tags.get(p) or r"\text{(%s)}" % tex_text(p) for p in step.premises]
            out += r"\text{, argued from }" + ", ".join(refs)
        if step.evidence:
            out += r"\text{; %s}" % tex_text(step.evidence)
        return out
    if step.status == "enumerated":
        return r"\text{%s}" % tex_text(step.evidence)
    rule = fact.rule if fact is not None else step.rule
    words = "by " + _rule_text(rule)
    if step.status != "verified":   # other outcomes (e.g. checked by enumeration) say so
        words = tex_text(step.status) + ", " + words
    sem = fact.semantics if fact is not None else None
    if rule == "d_separation" and sem is not None and sem.graph:
        words += " in " + tex_text(sem.graph)
    elif rule == "markov" and sem is not None and sem.graph:
        words += " for " + tex_text(sem.graph)
    out = r"\text{%s}" % words
    if step.premises:
        refs = [tags.get(p) or r"\text{(%s)}" % tex_text(p) for p in step.premises]
        joined = refs[0] if len(refs) == 1 else ", ".join(refs[:-1]) + r"\text{ and }" + refs[-1]
        out += r"\text{ from }" + joined
    if sem is not None and sem.kind == "prob":
        marks = [w for flag, w in ((sem.positive and not sem.gaussian, "strictly positive"),
                                   (sem.gaussian, "regular Gaussian" if sem.positive else "Gaussian"),
                                   (sem.determinism, "where the assumed determination holds")) if flag]
        if marks:
            out += r"\text{ (%s)}" % tex_text("; ".join(marks))
    return out


def _label_key(i: int) -> str:
    return "gph-step-%d" % i


def _premise_tags(report) -> dict[str, str]:
    """label -> \\eqref to the step that established it (the first non-failed step so labelled)."""
    tags: dict[str, str] = {}
    for i, s in enumerate(report.steps):
        if s.status != "failed" and s.label and s.label not in tags:
            tags[s.label] = r"\eqref{%s}" % _label_key(i)
    return tags


def summary_sentence(report) -> str:
    sm = report.summary()
    parts = [
        "%d verified" % sm["verified"],
        "%d assumed" % sm["assumptions"],
        "%d graph hypothes%s (stated, not checked)" % (sm["hypotheses"], "is" if sm["hypotheses"] == 1 else "es"),
        "%d failed" % sm["failed"],
    ]
    if sm.get("enumerated"):
        parts.insert(3, "%d checked by enumeration" % sm["enumerated"])
    obs = "%d side conditions were decided, %d of them by z3" % (sm["obligations"], sm["z3_obligations"])
    if sm.get("unknown_obligations"):
        obs += " (%d undecided)" % sm["unknown_obligations"]
    if not report.ok:
        verdict = r"\textbf{Not verified:} at least one step failed, so the conclusions below it are not established."
    elif sm["assumptions"] or sm["hypotheses"]:
        given = [w for n, w in ((sm["assumptions"], "assumptions"), (sm["hypotheses"], "graph hypotheses")) if n]
        verdict = r"\textbf{Verified} relative to the %s marked as such." % " and ".join(given)
    else:
        verdict = r"\textbf{Verified.}"
    out = "%s Steps: %s; %s." % (verdict, ", ".join(parts), obs)
    decl = report.declared_assumptions() if hasattr(report, "declared_assumptions") else []
    if decl:
        out += " Assumed in the declarations: %s." % "; ".join(tex_text(d.asserts) for d in decl)
    held = report.holds_in() if hasattr(report, "holds_in") and report.ok else []
    if held:
        out += " The results hold in: %s." % "; ".join(
            "%s (%s)" % (tex_text(sem), ", ".join("(%s)" % tex_text(l) for l in labs[:12]) + (r", \dots" if len(labs) > 12 else ""))
            for sem, labs in held)
    return out


def _failure_line(step) -> str:
    src = (step.source or step.statement or "").strip()
    if len(src) > 70:
        src = src[:67] + "..."
    return r"\text{\texttt{%s}} &\qquad \text{\textbf{failed}}" % tex_text(src)


def _step_block(report):
    """Groups of steps to typeset together, each preceded by the comments that introduce it."""
    source = _source_text(report)
    lines = source.splitlines() if source else []
    groups: list[tuple[list[str], list[tuple[int, object]]]] = []
    prev_line = 1
    for i, s in enumerate(report.steps):
        comments = _comments_before(lines, prev_line, s.line) if lines else []
        if comments or not groups:
            groups.append((comments, []))
        groups[-1][1].append((i, s))
        prev_line = s.line + 1
    return groups


def _steps_body(report) -> list[str]:
    decl = _decl_of(report)
    tags = _premise_tags(report)
    out: list[str] = []
    for comments, steps in _step_block(report):
        if comments:   # consecutive comment lines form one paragraph of prose
            out.append(r"\noindent\emph{%s}" % " ".join(comment_tex(c) for c in comments))
            out.append("")
        if not steps:
            continue
        rows = []
        for i, s in steps:
            tag = r"\tag{%s}" % tex_text(s.label) if s.label else r"\notag"
            lab = r"\label{%s}" % _label_key(i) if s.label else ""
            if s.status == "enumerated":
                rows.append("  \\shortintertext{\\small %s}\n  \\text{%s} & %s%s" % (
                    tex_text(s.evidence), tex_text(s.statement), tag, lab))
            elif s.status == "failed" or s.fact is None:
                rows.append("  %s %s%s" % (_failure_line(s), tag, lab))
            elif type(s.fact.statement).__name__ == "Equation" and s.fact.statement.chain:
                from .latex_equations import equation_rows
                rows.extend(equation_rows(s, tags, decl, tag, lab))
            else:
                just = _justification(s, tags)
                math = statement_latex(s.fact.statement, decl)
                visible = re.sub(r"\\[a-zA-Z]+|[{}]", "", just + math)
                if len(visible) > 95:   # long justifications go on a line of their own, wrapped
                    rows.append("  \\shortintertext{\\small %s}\n  %s & %s%s" % (just.replace("\\text{", "{"), math, tag, lab))
                else:
                    rows.append("  %s &\\qquad %s %s%s" % (math, just, tag, lab))
        # TeX reads a whole align environment into memory before typesetting it; a derivation of
        # thousands of steps is split into several displays ("TeX capacity exceeded" otherwise).
        for k in range(0, len(rows), ROWS_PER_DISPLAY):
            out.append(r"\begin{align}")
            out.append(" \\\\\n".join(rows[k:k + ROWS_PER_DISPLAY]))
            out.append(r"\end{align}")
            out.append("")
    return out


ROWS_PER_DISPLAY = 40   # steps per align environment (pages break between and, \allowdisplaybreaks, inside)


def _declarations(report) -> list[str]:
    env = getattr(report, "env", None)
    if env is None:
        return []
    out = []
    scal = [n for n in getattr(env, "scalars", {})]
    if scal:
        observed = [n for n in scal if not env.scalars[n]]
        latent = [n for n in scal if env.scalars[n]]
        if observed:
            out.append("Variables: $%s$." % ", ".join(name_math(n, bold=True) for n in observed))
        if latent:
            out.append("Latent variables: $%s$." % ", ".join(name_math(n, bold=True) for n in latent))
    out.extend(_index_declarations(getattr(env, "decl", None)))
    for name, g in getattr(env, "graphs", {}).items():
        edges = getattr(g, "edges", None)
        blocks = getattr(g, "blocks", None)
        if edges is not None:
            es = ", ".join(r"%s \to %s" % (name_math(u, bold=True), name_math(v, bold=True)) for u, v in edges)
            out.append(r"Graph $%s$ with edges $%s$." % (name_math(name), es or r"\emptyset"))
        elif blocks is not None:
            bs = ", ".join(set_latex(VarSet.of(b)) for b in blocks)
            out.append(r"Chained graph $%s$ with blocks $%s$ (Fig.~2)." % (name_math(name), bs))
    return out


def _index_declarations(d) -> list[str]:
    """The symbolic part of a script: index ranges, families, partitions, subsets, arbitrary indices."""
    if d is None:
        return []
    out = []
    for r, bound in d.ranges.items():
        out.append(r"Index range $%s = \{1, \dots, %s\}$." % (name_math(r), name_math(bound)))
    fams: dict = {}
    for f, r in d.base_families.items():
        fams.setdefault(r, []).append(f)
    for r, fs in fams.items():
        out.append(r"Families $%s$ over $%s$." % (", ".join(r"%s = (%s_i)_{i \in %s}" % (name_math(f, True), name_math(f, True), name_math(r))
                                                      for f in fs), name_math(r)))
    for whole, parts in d.partitions:
        out.append(r"Partition $%s = %s$." % (name_math(whole), r" \sqcup ".join(name_math(q) for q in parts)))
    for sub, (base, dom) in d.families.items():
        out.append(r"$%s = %s_{%s}$." % (name_math(sub, True), name_math(base, True), index_latex(dom)))
    parts = {q for _, ps in d.partitions for q in ps}
    for s, r in d.subsets.items():
        if s in parts:
            continue
        within = [e for n, e in d.subset_of if n == s]
        out.append(r"Arbitrary subset $%s \subseteq %s$." % (name_math(s), index_latex(within[0]) if within else name_math(r)))
    for v, dom in d.index_vars.items():
        out.append(r"Arbitrary index $%s \in %s$." % (name_math(v), index_latex(dom)))
    return out


PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage{amsmath}
\usepackage{amssymb}
\usepackage{mathtools}
\allowdisplaybreaks
"""


def document(report) -> str:
    """A standalone LaTeX document of a checked script: one numbered line per step, tagged with its
    label and justified by its rule and premises; assumptions, hypotheses and failures marked."""
    amb = _ambiguous_names(report)
    _VERBATIM.clear()
    _VERBATIM.update(amb)
    try:
        return _document(report)
    finally:
        _VERBATIM.clear()


def _document(report) -> str:
    title = tex_text(os.path.basename(getattr(report, "file", "") or "proof"))
    out = [PREAMBLE, r"\begin{document}", r"\section*{%s}" % title, ""]
    pe = getattr(report, "parse_error", None)
    if pe is not None:
        out.append(r"\noindent\textbf{Not verified:} the script could not be parsed.")
        out.append("")
        out.append(r"\noindent Line %d, column %d: %s" % (pe.line, pe.col, tex_text(pe.message)))
        out.append("")
        out.append(r"\noindent %s" % summary_sentence(report))
        out.append(r"\end{document}")
        return "\n".join(out) + "\n"
    out.append(r"\noindent " + summary_sentence(report))
    out.append("")
    decls = _declarations(report)
    if decls:
        out.append(r"\noindent " + " ".join(decls))
        out.append("")
    out.extend(_steps_body(report))
    failed = [s for s in report.steps if s.status == "failed"]
    if failed:
        out.append(r"\subsection*{Failed steps}")
        out.append(r"\begin{itemize}")
        for s in failed:
            lab = "(%s), " % tex_text(s.label) if s.label else ""
            out.append(r"\item %sline %d, column %d: %s" % (lab, s.line, s.col, tex_text(s.message)))
        out.append(r"\end{itemize}")
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# Jupyter (MathJax): a display-math fragment; text is restricted to characters MathJax shows literally

_MJ_SAFE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,;:()[]/=+*@-'")


def _mj_text(s: str) -> str:
    return "".join(ch if ch in _MJ_SAFE else ("·" if ch not in "\n\t" else " ") for ch in str(s))


def report_latex_fragment(report) -> str:
    """The report as one display-math block for Jupyter's `_repr_latex_`."""
    decl = _decl_of(report)
    rows = []
    pe = getattr(report, "parse_error", None)
    if pe is not None:
        rows.append(r"\text{parse error at line %d, column %d: %s}" % (pe.line, pe.col, _mj_text(pe.message)))
    for s in report.steps:
        lab = r"\text{(%s)}" % _mj_text(s.label) if s.label else ""
        if s.status == "enumerated":   # evidence for the sizes checked, not a fact (and not a failure)
            rows.append(r"%s & \quad\text{%s}" % (lab, _mj_text(s.evidence or "checked by enumeration")))
            continue
        if s.status == "failed" or s.fact is None:
            rows.append(r"%s & \quad\text{failed: %s}" % (lab, _mj_text(s.message)))
            continue
        if s.status == "assumption":
            why = "assumed"
        elif s.status == "hypothesis":
            why = "hypothesis (stated, not checked)"
        else:
            why = "by " + rule_words(s.fact.rule)
            if s.premises:
                why += " from " + ", ".join("(%s)" % p for p in s.premises)
            if s.semantics and s.fact.semantics is not None and s.fact.semantics.restricted:
                why += "; holds in " + s.semantics
        rows.append(r"%s & \quad %s \quad \text{%s}" % (lab, statement_latex(s.fact.statement, decl), _mj_text(why)))
    sm = report.summary()
    rows.append(r"& \quad\text{%s: %d verified, %d assumed, %d hypotheses, %d failed}"
                % ("OK" if report.ok else "NOT VERIFIED", sm["verified"], sm["assumptions"],
                   sm["hypotheses"], sm["failed"]))
    return "$$\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}$$"
