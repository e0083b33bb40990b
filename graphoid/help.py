"""`graphoid help syntax`: the language reference, one command away. docs/syntax.md is this text
(tests/test_newcomer.py checks that the two are the same)."""
from __future__ import annotations

SYNTAX = r"""# graphoid language reference

A script (`*.gph`) is a list of declarations and steps, one per line; `#` or `//` starts a comment.
`graphoid check FILE` checks it; `graphoid prove 'QUERY'` takes a query (below).

## Statements

    (X ⊥⊥ Y | Z)              conditional independence; the sign may be ⊥, ⊥⊥, ⫫, _||_, \perp,
                              \indep, \CI or \perp\!\!\!\perp; the bar | , ∣ (U+2223) or \mid
    (X ⊥⊥ Y)                  no conditioning set (the empty set)
    (X ⊥⊥ Y | Z)_d in G       d-separation in graph G (`in G` may be left out with one graph)
    (X ⊥̸⊥ Y | Z)_d            d-connection, the negation: also (X !_||_ Y | Z)_d, (X \nperp Y | Z)_d
                              and not (X ⊥⊥ Y | Z)_d; verified by an active path in a concrete DAG
    for all γ ⊆ I: (A_γ ⊥⊥ X_{\γ} | X_γ)      a schema over an index set (also `j ∈ I_C`)
    no edge between A and B in G, no edge from C to B in G     graph facts

## Sets and names

Sets are juxtaposed names (`CD` = {C, D}), comma lists (`A1, A2`), braces (`{A1, A2}`), `∅`,
differences (`X \setminus Y`), and family terms `A_i`, `X_{\i}`, `A_γ`, `C_{\i}`.
Greek letters are written `Λ` or `\Lambda`.

How a juxtaposition is read, the same in scripts and queries:

1. Declared names win: a token that is a declared name is that name (`AB` when AB is declared).
2. Otherwise it must split in exactly one way into declared names (`CD` = {C, D} when C and D
   are declared); two readings are an error that shows both, none is "unknown name".
3. A query declares nothing, so its names are declared implicitly: every name written on its
   own in a comma list or braces (`Smoke, Gene`, `{A1, A2}`), and every word of a juxtaposition,
   a word being a capital (Latin or Greek) followed by lower-case letters, digits and primes
   (`Smoke`, `A1`, `X'`) or a lower-case letter followed by digits and primes (`x1`).
   So `BC` is {B, C}, `A1B1` is {A1, B1}, `Smoke` is one name, and `ABC` next to a name `AB`
   is ambiguous ({AB, C} or {A, B, C}) and reported as such.

## Declarations

    variables X, Y, Z            latent U, Λ
    graph G: A -> B, B -> C      edge lists (also ←, <-, →, \to); a cycle is an error here
    graph G: dag { X -> M -> Y; U [latent]; U -> X; A <-> B; {A B} -> C }     dagitty's syntax
    graph G = dagitty "dag { … }"                                              the same, quoted
    graph V = chain(A, B, C, D)  a chained graph (Fig. 2)
    index I = 1..n               family A, X over I        family B = A over I_B
    partition I = I_B ⊔ I_C      subset γ ⊆ I              arbitrary i ∈ I_C
    class K { sets A[2], B[1]  link A -- B: any  require (A ⊥⊥ B)_d }      class K = chained(2)

In dagitty text, `[latent]` (or `[unobserved]`) marks a latent vertex; `X <-> Y` adds a latent
common cause Λ1 (Λ2, …) with edges into X and Y; vertices not yet declared are declared by it.

## Steps

    assume (p): STATEMENT                  taken as given, counted as an assumption
    assume (F): faithfulness(G)            also: positive(XΛ), Λ determines B
    hypothesis (H): CLAIM [from (a), (b)] [checked on K for n <= 2]
    have (1): STATEMENT by RULE(premises)  checked by the kernel
    enumerate (E): (A ⊥⊥ CD | B)_d given (A ⊥⊥ C | B)_d on K

Labels are names or numbers, cited as `p`, `(p)` or `1`; a step cites only earlier steps.

## Rules

    symmetry (2), decomposition (3), weak_union (4), contraction (5), intersection (6; strictly
    positive distributions), composition (Gaussian / d-separation), lemma1, d_separation(G),
    d_connection(G), markov, faithfulness, nonadjacent, instantiate(p, γ := I_B), generalize,
    factorisation, auto, auto[semigraphoid|graphoid|gaussoid]

`weak_union`, `decomposition` and `markov` also take the mirror image of their premise or claim:
the kernel's symmetry rule then adds a visible derived step `L.sym` (or `L.pre`) before the rule.
`by auto` searches with the axioms valid for the facts at hand; `by auto[graphoid]` with the
system you choose (conclusions that used intersection are marked as holding in strictly positive
distributions, composition or weak transitivity as Gaussian).

## Queries (`graphoid prove`)

    '(A ⊥ B | C), (A ⊥ C) ⊢ (A ⊥ B)'     premises ⊢ goal (also |- or \vdash)
    '(A ⊥ C | B)' or '⊢ (A ⊥ C | B)'     a goal alone
    --graph 'A->B, B->C' | --graph 'dag { … }' | --graph FILE
                                         decide each premise and the goal in one DAG; a premise
                                         that fails there is reported, never a vacuous proof
    '(X ⊥̸⊥ Y | M)' with --graph         a d-connection goal, answered with the active path

## Graph queries (`graphoid dsep --graph G …`)

    implied [--all]      the local Markov basis, or one minimal separating set per pair
    separator X Y        a minimal set of observed vertices d-separating X and Y
    adjust X Y           the minimal back-door adjustment sets for the effect of X on Y
    --script             any answer as a script that `graphoid check` verifies
"""


def help_main(args) -> int:
    topic = getattr(args, "topic", None) or "syntax"
    if topic != "syntax":   # argparse restricts the choices; kept for callers from Python
        return 2
    print(SYNTAX, end="")
    return 0
