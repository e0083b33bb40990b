"""The script AST: one frozen Item per declaration or proof step, with source positions. Statements
stay as lark subtrees here; syntax/resolve.py gives them meaning once declarations are known."""
from __future__ import annotations

from dataclasses import dataclass, field

from lark import Token, Tree

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ", "eta": "η",
    "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π",
    "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "chi": "χ", "psi": "ψ",
    "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
    "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}


def token_name(tok: Token) -> str:
    """The name a NAME/GREEK_MACRO/SUBCHAR token stands for (\\Lambda → Λ)."""
    s = str(tok)
    if s.startswith("\\"):
        return GREEK.get(s[1:], s)
    return s


@dataclass(frozen=True)
class Arg:
    kind: str                  # 'ref' (a label or graph name) or 'bind' (γ := {j})
    name: str
    line: int
    col: int
    value: Tree | Token | None = None


@dataclass(frozen=True)
class Item:
    kind: str                  # decl_vars, decl_latent, decl_graph, decl_chain, decl_index, decl_family,
                               # decl_subfamily, decl_partition, decl_subset, decl_arbitrary,
                               # assume, hypothesis, have
    line: int
    col: int
    label: str = ""
    statement: Tree | None = None   # claim / statement / principle subtree
    rule: str = ""
    rule_line: int = 0
    rule_col: int = 0
    args: tuple[Arg, ...] = ()
    names: tuple[tuple[str, int, int], ...] = ()   # declared names with positions
    edges: tuple[tuple[str, str], ...] = ()
    trees: tuple[Tree, ...] = ()   # blocks of a chain, domains, partition parts …
    check: tuple = ()              # hypothesis: (class, variable, bound, line, col); builtin class args
    text: str = ""                 # the source text of the item (for messages and LaTeX)


@dataclass(frozen=True)
class Script:
    file: str
    source: str
    items: tuple[Item, ...] = field(default_factory=tuple)


def _pos(t) -> tuple[int, int]:
    if isinstance(t, Token):
        return t.line or 1, t.column or 1
    m = getattr(t, "meta", None)
    if m is not None and not getattr(m, "empty", True):
        return m.line, m.column
    for c in getattr(t, "children", ()):
        if c is not None:
            return _pos(c)
    return 1, 1


def position(t) -> tuple[int, int]:
    return _pos(t)


def _label(t: Tree) -> str:
    tok = [c for c in t.children if isinstance(c, Token)][0]
    return str(tok)


def _vnames(children) -> tuple[tuple[str, int, int], ...]:
    out = []
    for c in children:
        if isinstance(c, Tree) and c.data == "vname":
            tok = c.children[0]
            out.append((token_name(tok), tok.line, tok.column))
    return tuple(out)


def _src(text: str, t: Tree) -> str:
    m = t.meta
    if getattr(m, "empty", True):
        return ""
    return text[m.start_pos:m.end_pos]


def items_from_tree(tree: Tree, file: str, text: str):
    for t in tree.children:
        line, col = _pos(t)
        k = t.data
        src = _src(text, t)
        if k in ("decl_vars", "decl_latent", "decl_subset", "decl_family"):
            trees = tuple(c for c in t.children if isinstance(c, Tree) and c.data != "vname")
            yield Item(k, line, col, names=_vnames(t.children), trees=trees, text=src)
        elif k == "decl_graph":
            name = str(t.children[0])
            edges, nodes = [], []
            for ch in t.children[1:]:
                seq = [c for c in ch.children]
                verts = [token_name(c.children[0]) for c in seq if isinstance(c, Tree)]
                arrows = [str(c) for c in seq if isinstance(c, Token)]
                nodes.extend((token_name(c.children[0]), c.children[0].line, c.children[0].column)
                             for c in seq if isinstance(c, Tree))
                for a, (u, v) in zip(arrows, zip(verts, verts[1:])):
                    edges.append((v, u) if a in ("<-", "←") else (u, v))
            yield Item(k, line, col, label=name, names=tuple(nodes), edges=tuple(edges), text=src)
        elif k == "decl_dagitty":
            name, body = t.children
            s = str(body)
            off = 0
            if body.type == "STRING":
                s, off = s[1:-1], 1
            yield Item(k, line, col, label=str(name), check=(s, body.line, body.column + off), text=src)
        elif k == "decl_chain":
            yield Item(k, line, col, label=str(t.children[0]),
                       trees=tuple(c.children[0] for c in t.children[1:]), text=src)
        elif k == "decl_index":
            idx, num, bound = t.children
            yield Item(k, line, col, label=str(num), names=_vnames([bound]), trees=(idx,), text=src)
        elif k == "decl_subfamily":
            yield Item(k, line, col, names=_vnames(t.children), trees=(t.children[2],), text=src)
        elif k == "decl_partition":
            parts = tuple(c for c in t.children if isinstance(c, Tree))
            yield Item(k, line, col, trees=parts, text=src)
        elif k == "decl_arbitrary":
            yield Item(k, line, col, names=_vnames(t.children[:1]), trees=(t.children[2],), text=src)
        elif k == "assume":
            lab, stmt = t.children
            yield Item(k, line, col, label=_label(lab), statement=stmt, text=src)
        elif k == "hypothesis":
            lab, claim, *refs = t.children
            stmt = claim.children[0] if claim.data == "claim" else claim
            checked = [a for a in refs if isinstance(a, Tree) and a.data == "checked_on"]
            args = tuple(Arg("ref", str(a.children[0]), *_pos(a)) for a in refs
                         if a is not None and a.data != "checked_on")
            extra = ()
            if checked:
                cname, var, _le, num, *how = checked[0].children
                extra = (str(cname), str(var), int(num), cname.line, cname.column)
                if how and how[0] is not None:   # 'by sat': the method, with its position
                    extra += (str(how[0]), how[0].line, how[0].column)
            yield Item(k, line, col, label=_label(lab), statement=stmt, args=args, rule="hypothesis",
                       check=extra, text=src)
        elif k == "builtin_class":
            name, ctor, *cargs = t.children
            vals = []
            for a in cargs:
                if a is None:
                    continue
                v = a.children[0]
                vals.append(int(v) if isinstance(v, Token) else v)
            yield Item("decl_class", line, col, label=str(name), rule=str(ctor), rule_line=ctor.line,
                       rule_col=ctor.column, check=tuple(vals), text=src)
        elif k == "class_block":
            name, *entries = t.children
            yield Item("decl_class", line, col, label=str(name), trees=tuple(entries), text=src)
        elif k == "enumerate":
            lab, *rest = t.children
            cname = rest[-1]
            given = rest[-2]
            claims = tuple(c for c in rest[:-2] if c is not None)
            yield Item("enumerate", line, col, label=_label(lab), trees=claims,
                       statement=given,
                       rule=str(cname), rule_line=cname.line, rule_col=cname.column, text=src)
        elif k == "have":
            lab, claim, app = t.children
            rule_tok = app.children[0]
            args = []
            opt = ()
            for a in app.children[1:]:
                if a is None:
                    continue
                if a.data == "rule_opt":      # by auto[graphoid]
                    o = a.children[0]
                    opt = ("option", str(o), o.line, o.column)
                    continue
                al, ac = _pos(a)
                if a.data == "ref":
                    args.append(Arg("ref", str(a.children[0]), al, ac))
                else:
                    args.append(Arg("bind", token_name(a.children[0].children[0]), al, ac, a.children[1]))
            stmt = claim.children[0] if claim.data == "claim" else claim
            yield Item(k, line, col, label=_label(lab), statement=stmt, rule=str(rule_tok),
                       rule_line=rule_tok.line, rule_col=rule_tok.column, args=tuple(args), text=src,
                       check=opt)
        elif k == "have_eq":   # an equation or chain of equations (graphoid/probability/script_steps.py)
            yield Item(k, line, col, label=_label(t.children[0]), statement=t, rule="equation", text=src)
        else:  # pragma: no cover - grammar and AST are kept in step by tests
            raise ValueError("unknown item %s" % k)
