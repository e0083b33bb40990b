"""graphoid: a proof assistant for conditional independence and graphoid reasoning.

    import graphoid
    report = graphoid.check_file("proofs/lemma1.gph")   # or graphoid.check(text)
    report.ok, report.summary()
    graphoid.parse_statement("(A ⊥⊥ CD | B)")           # a CI value (juxtaposed letters are names)
    graphoid.prove("(A ⊥ B | C), (A ⊥ C) ⊢ (A ⊥ B)")     # search + kernel re-check
    graphoid.prove("(X ⊥ Y | M)", graph="dag { X -> M -> Y }")   # decided in one graph
    graphoid.from_networkx(nx_digraph), graphoid.from_pgmpy(model), graphoid.to_pgmpy(dag), …
"""
__version__ = "0.1.0"


def check(text: str, file: str = "<input>"):
    """Check a script given as text; returns a ProofReport (never raises on bad input)."""
    from .script import check_text
    return check_text(text, file)


def check_file(path: str):
    from .script import check_file as _cf
    return _cf(path)


def parse_statement(text: str, variables=None):
    """Parse one statement. Without `variables`, juxtaposed single letters are separate variables."""
    from .syntax.parser import parse_statement_tree
    from .syntax.resolve import Env, Resolver
    from .syntax.names import implicit_names
    tree = parse_statement_tree(text)
    env = Env(implicit=variables is None, implicit_names=implicit_names(tree))
    for v in variables or ():
        env.scalars[v] = False
        env.decl.scalar_names.add(v)
    return Resolver(env).statement(tree)


def prove(query: str, axioms: str = "semigraphoid", budget_s: float = 10.0, graph=None):
    """Decide 'P1, P2 ⊢ G' (or a goal alone). Returns the search Result; a proof is replayed
    through the kernel and its final Fact is attached as `.fact` (a rejected replay turns the
    answer into 'unknown'). With `graph` (a DAG, a networkx DiGraph, a pgmpy model, dagitty text or
    edges 'A -> B, B -> C'), every premise and the goal are decided in that graph by the kernel
    and a GraphAnswer is returned (.status 'proved' only when the goal holds there)."""
    from .kernel import Kernel, RuleError
    from .search import decide
    from .search.cli import parse_query
    from .search.replay import replay
    premises, goal, variables = parse_query(query)
    if graph is not None:
        from .interop import as_dag
        from .search.graphquery import decide_in_graph
        return decide_in_graph(premises, goal, as_dag(graph))
    from .statements import NotCI
    if any(isinstance(c, NotCI) for c in premises + [goal]):
        raise ValueError("a d-connection (X ⊥̸⊥ Y | Z) is decided in one graph: pass graph=…")
    res = decide([c.triple() for c in premises], goal.triple(), variables, axioms=axioms, budget_s=budget_s)
    res.fact = None
    if res.status == "proved":
        k = Kernel()
        try:
            res.fact = replay(k, [k.assume(p) for p in premises], res.derivation, goal)
        except RuleError as e:
            res.status, res.reason = "unknown", "kernel rejected the proposed derivation: %s" % e
    return res


def __getattr__(name):
    # graphs from and to networkx, pgmpy and dagitty (graphoid/interop.py), imported on first use
    if name in ("from_networkx", "from_pgmpy", "from_dagitty", "to_networkx", "to_pgmpy", "to_dagitty"):
        from . import interop
        return getattr(interop, name)
    raise AttributeError("module 'graphoid' has no attribute %r" % name)
