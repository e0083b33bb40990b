"""graphoid: a proof assistant for conditional independence and graphoid reasoning.

    import graphoid
    report = graphoid.check_file("proofs/lemma1.gph")   # or graphoid.check(text)
    report.ok, report.summary()
    graphoid.parse_statement("(A ⊥⊥ CD | B)")           # a CI value (juxtaposed letters are names)
    graphoid.prove("(A ⊥ B | C), (A ⊥ C) ⊢ (A ⊥ B)")     # search + kernel re-check
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


def prove(query: str, axioms: str = "semigraphoid", budget_s: float = 10.0):
    """Decide 'P1, P2 ⊢ G'. Returns the search Result; a proof is replayed through the kernel and
    its final Fact is attached as `.fact` (a rejected replay turns the answer into 'unknown')."""
    from .kernel import Kernel, RuleError
    from .search import decide
    from .search.cli import parse_query
    from .search.replay import replay
    premises, goal, variables = parse_query(query)
    res = decide([c.triple() for c in premises], goal.triple(), variables, axioms=axioms, budget_s=budget_s)
    res.fact = None
    if res.status == "proved":
        k = Kernel()
        try:
            res.fact = replay(k, [k.assume(p) for p in premises], res.derivation, goal)
        except RuleError as e:
            res.status, res.reason = "unknown", "kernel rejected the proposed derivation: %s" % e
    return res
