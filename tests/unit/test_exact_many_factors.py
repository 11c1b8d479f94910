"""A clique holding many factors over many variables: numpy's einsum refuses a
subscripts string of more than about 255 letters ("subscripts list is too long"), so
the product is taken in steps of at most 240 letters (and 30 operands)."""

from __future__ import annotations

import math

import pactsim


def _text(n_e: int, n_g: int) -> str:
    odds = ", ".join(f"e{i}: 2" for i in range(n_e))
    lines = ["pactsim: 1", "id: wide", "as_of: 2025-01-01", "horizon: 2025-12-31", "events:"]
    lines += [f"  e{i}: {{p: 0.5}}" for i in range(n_e)]
    lines += [f"  g{j}: {{p: 0.5, odds: {{{odds}}}}}" for j in range(n_g)]
    lines += ["questions:", f"  q: g0 and g{n_g - 1}"]
    return "\n".join(lines) + "\n"


def test_eighteen_nodes_with_twelve_odds_parents_each() -> None:
    """By hand: given k of the 12 parents true, each g is true with odds 2**k, and the g
    are independent given the parents; P(g0 and g17) sums over k ~ Binomial(12, 1/2)."""
    sc = pactsim.loads(_text(12, 18))
    p = pactsim.exact(sc).prob("q").value
    want = sum(math.comb(12, k) / 2**12 * (2**k / (1 + 2**k)) ** 2 for k in range(13))
    assert abs(p - want) < 1e-12
    assert abs(pactsim.exact(sc).prob("g5").value
               - sum(math.comb(12, k) / 2**12 * 2**k / (1 + 2**k) for k in range(13))) < 1e-12
