"""Writes proof certificates: every checked step as plain JSON (rule, premise labels, statement in a
structural form, semantics, declarations, graphs, obligations) for the independent checker
graphoid.recheck, which re-derives each step without sharing code with the kernel."""
from __future__ import annotations

import hashlib
import json

from ..graphs.dag import DAG, AbstractGraph, ChainedGraph
from ..sets import IDiff, IEmpty, IFull, IName, IndexExpr, ISingle, IUnion, VarSet
from ..statements import CI, Schema, Semantics
from .. import statements as _st

FORMAT = "graphoid-certificate"
VERSION = 1


# -- structural forms ---------------------------------------------------------------------------
def index_json(e: IndexExpr) -> dict:
    """Index expression tree: {full: I} | {name: γ} | {single: j or 3} | {diff: [a, b]} | {union: [...]} | {empty: true}."""
    if isinstance(e, IFull):
        return {"full": e.range_name}
    if isinstance(e, IName):
        return {"name": e.name}
    if isinstance(e, ISingle):
        return {"single": e.term}
    if isinstance(e, IDiff):
        return {"diff": [index_json(e.left), index_json(e.right)]}
    if isinstance(e, IUnion):
        return {"union": [index_json(p) for p in e.parts]}
    if isinstance(e, IEmpty):
        return {"empty": True}
    if type(e).__name__ == "IUpTo":   # {i : i ≤ term} (C_{>j} = C minus it)
        return {"upto": e.term}
    raise TypeError("not an index expression: %r" % (e,))


def set_json(s: VarSet) -> list:
    """A set of variables as a list: scalar names, then {family, index} for each base family."""
    return sorted(s.scalars) + [{"family": f, "index": index_json(e)} for f, e in s.fams]


def index_from_json(t) -> IndexExpr:
    """The inverse of index_json (for tools that read certificates; the rechecker has its own)."""
    from ..sets import IUpTo
    (k, v), = t.items()
    return {"full": lambda: IFull(v), "name": lambda: IName(v), "single": lambda: ISingle(v),
            "upto": lambda: IUpTo(v), "diff": lambda: IDiff(index_from_json(v[0]), index_from_json(v[1])),
            "union": lambda: IUnion(tuple(index_from_json(x) for x in v)), "empty": lambda: IEmpty()}[k]()


def set_from_json(lst) -> VarSet:
    """The inverse of set_json."""
    from ..sets import _mk, iunion
    fams: dict = {}
    for e in lst:
        if isinstance(e, dict):
            i = index_from_json(e["index"])
            fams[e["family"]] = iunion((fams[e["family"]], i)) if e["family"] in fams else i
    return _mk(frozenset(e for e in lst if isinstance(e, str)), fams)


def ci_json(c: CI) -> dict:
    return {"type": "ci", "x": set_json(c.x), "y": set_json(c.y), "z": set_json(c.z),
            "dsep": bool(c.dsep), "graph": c.graph if c.dsep else None}


def statement_json(s) -> dict:
    if isinstance(s, CI):
        return ci_json(s)
    if isinstance(s, Schema):
        return {"type": "schema",
                "binders": [{"name": b.name, "kind": b.kind, "domain": index_json(b.domain)} for b in s.binders],
                "body": statement_json(s.body)}
    if hasattr(s, "to_json"):   # graph statements (graph_statements.py)
        return s.to_json()
    NoEdge, Chained = getattr(_st, "NoEdge", ()), getattr(_st, "Chained", ())
    Determines, Principle = getattr(_st, "Determines", ()), getattr(_st, "Principle", ())
    if NoEdge and isinstance(s, NoEdge):
        return {"type": "noedge", "x": set_json(s.x), "y": set_json(s.y), "graph": s.graph,
                "directed": bool(s.directed)}
    if Chained and isinstance(s, Chained):
        return {"type": "chained", "graph": s.graph, "blocks": [set_json(b) for b in s.blocks]}
    if Determines and isinstance(s, Determines):
        return {"type": "determines", "source": set_json(s.source), "target": set_json(s.target)}
    Positive = getattr(_st, "Positive", ())
    if Positive and isinstance(s, Positive):
        return {"type": "positive", "variables": set_json(s.variables)}
    if Principle and isinstance(s, Principle):
        return {"type": "principle", "name": s.name, "graph": s.graph}
    NotCI = getattr(_st, "NotCI", ())
    if NotCI and isinstance(s, NotCI):   # d-connection: the negation of a d-separation
        return {"type": "dconnection", "ci": ci_json(s.ci)}
    if type(s).__name__ == "Equation":   # probability equations: graphoid/probability/terms.py
        from ..probability.terms import equation_json
        return equation_json(s)
    # Anything else (e.g. a claim only a later rule understands) is carried opaquely; the
    # rechecker rejects rules it does not know, so an opaque statement is never accepted blindly.
    return {"type": "opaque", "text": str(s)}


def semantics_json(sem: Semantics | None):
    if sem is None:
        return None
    out = {"kind": sem.kind, "graph": sem.graph, "positive": bool(sem.positive),
           "gaussian": bool(getattr(sem, "gaussian", False))}
    if getattr(sem, "determinism", False):   # rests on an assumed determination ("Λ determines B")
        out["determinism"] = True
    return out


def obligation_json(o, premise_labels=None) -> dict:
    out = {"meaning": o.meaning, "result": o.result, "method": o.method, "detail": o.detail}
    if getattr(o, "query", ""):
        out["query"] = o.query
    if getattr(o, "hints", "") and premise_labels is not None:
        # probability steps: the part of the link this proves and its law instances, each law's
        # premise by label (graphoid/recheck/probability.py rebuilds the query from them)
        h = json.loads(o.hints)
        for law in h["laws"]:
            p = law["premise"]
            law["premise"] = premise_labels[p] if isinstance(p, int) and 0 <= p < len(premise_labels) else p
        out["hints"] = h
        out.pop("query", None)     # the rechecker builds the query itself from the hints
    return out


def declarations_json(env) -> dict:
    d = env.decl
    return {
        "variables": sorted(n for n, lat in env.scalars.items() if not lat),
        "latent": sorted(n for n, lat in env.scalars.items() if lat),
        "ranges": dict(d.ranges),
        "subsets": dict(d.subsets),
        "partitions": [[whole, list(parts)] for whole, parts in d.partitions],
        "index_vars": {v: index_json(e) for v, e in d.index_vars.items()},
        "subset_of": [[g, index_json(e)] for g, e in getattr(d, "subset_of", [])],
        "families": {f: {"base": base, "index": index_json(e)} for f, (base, e) in d.families.items()},
        "base_families": dict(d.base_families),
    }


def graphs_json(env) -> dict:
    out = {}
    for name, g in env.graphs.items():
        if isinstance(g, DAG):
            out[name] = {"kind": "dag", "nodes": list(g.nodes), "edges": [list(e) for e in g.edges],
                         "latent": sorted(g.latent)}
        elif isinstance(g, ChainedGraph):
            out[name] = {"kind": "chain", "blocks": [sorted(b) for b in g.blocks]}
        elif isinstance(g, AbstractGraph):
            out[name] = {"kind": "abstract"}
    return out


# -- bindings of an instantiation ------------------------------------------------------------------
def _bindings(fact) -> dict | None:
    """The `γ := e` arguments of an instantiation, as the kernel recorded them in the Fact."""
    args = dict(fact.args or ())
    if "subset" not in args and "member" not in args:
        return None
    return {"subset": {k: index_json(e) for k, e in args.get("subset", {}).items()},
            "member": dict(args.get("member", {}))}


# -- the certificate ------------------------------------------------------------------------------
def _kind(fact) -> str:
    return fact.kind if fact.kind in ("assumption", "hypothesis", "case") else "verified"


def report_certificate(rep) -> dict:
    """The certificate of one checked script. Facts a step rests on that carry no label of their own
    (e.g. intermediate steps of proof search) are emitted first, with labels `label/1`, `label/2`, …"""
    env = rep.env
    steps: list[dict] = []
    ids: dict[int, str] = {}
    labelled = {id(s.fact): s for s in rep.steps if s.fact is not None}

    def emit(fact, label: str, step):
        if id(fact) in ids:
            return ids[id(fact)]
        k = 0
        for p in fact.premises:
            if id(p) not in ids:
                if id(p) in labelled:
                    emit(p, labelled[id(p)].label, labelled[id(p)])
                else:
                    k += 1
                    emit(p, "%s/%d" % (label, k), None)
        entry = {"label": label, "kind": _kind(fact), "rule": fact.rule,
                 "premises": [ids[id(p)] for p in fact.premises],
                 "statement": statement_json(fact.statement),
                 "semantics": semantics_json(fact.semantics),
                 "obligations": [obligation_json(o, [ids[id(p)] for p in fact.premises]) for o in fact.obligations]}
        if type(fact.statement).__name__ == "Equation":   # each link's rules and premises, by label
            from ..probability.terms import equation_json
            entry["statement"] = equation_json(fact.statement, entry["premises"])
        if step is not None:
            entry["line"] = step.line
        done = frozenset().union(*(getattr(p, "open_cases", frozenset()) for p in fact.premises)) \
            - getattr(fact, "open_cases", frozenset())
        if done:   # cases closed by a proof by cases; each was emitted as a premise of a branch
            entry["discharged"] = sorted(ids[c] for c in done if c in ids)
            if len(entry["discharged"]) != len(done):
                entry["discharged"] = None        # unknown case: the rechecker rejects
        if fact.rule == "instantiate":
            entry["bindings"] = _bindings(fact)
        ids[id(fact)] = label
        steps.append(entry)
        return label

    for s in rep.steps:
        if s.fact is not None:
            emit(s.fact, s.label, s)
    failed = [{"label": s.label, "line": s.line, "col": s.col, "message": s.message}
              for s in rep.steps if s.status == "failed"]
    if rep.parse_error is not None:
        e = rep.parse_error
        failed.append({"label": "", "line": e.line, "col": e.col, "message": e.message})
    reported = {id(s.fact) for s in rep.steps if s.fact is not None}
    out = {"file": rep.file, "summary": {k: sum(1 for e in steps if e["kind"] == k and "line" in e)
                                         for k in ("verified", "assumption", "hypothesis")},
           "declarations": declarations_json(env) if env is not None else {},
           "graphs": graphs_json(env) if env is not None else {},
           "steps": steps, "failed": failed}
    if rep.source is not None:       # the text that was checked, not whatever is on disk now
        out["sha256"] = hashlib.sha256(rep.source.encode("utf-8")).hexdigest()
    ctx = getattr(rep, "context", None)
    out["declared_assumptions"] = [{"line": d.line, "kind": d.kind, "asserts": d.asserts}
                                   for d in (ctx.assumed() if ctx is not None else [])]
    return out


def certificate(reports) -> dict:
    return {"format": FORMAT, "version": VERSION, "files": [report_certificate(r) for r in reports]}


def write_certificate(reports, path: str, inputs=()) -> None:
    """Write the certificate of `reports` to `path` through graphoid.outputs: atomically (unique
    temporary file, then rename), never onto one of `inputs`; OutputError (exit 2) on failure."""
    from ..outputs import write_output
    data = json.dumps(certificate(reports), indent=1, ensure_ascii=False)
    write_output(path, data, inputs=list(inputs) + [r.file for r in reports], what="certificate")
