"""Exact inference at the edges of its size: a clique of many factors over many
variables (numpy's einsum refuses a subscripts string of more than about 255 letters,
so the product is taken in steps of at most 240 letters and 30 operands), tables over
two days of a long horizon (refused before they are built), the total of a network's
tables (4 x max_table), and score's fall-back to Monte Carlo for an item too wide."""

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


def _conditions(k: int) -> str:
    lines = ["pactsim: 2", "id: conds", "as_of: 2025-01-01", "horizon: 2025-12-31",
             "signing:", "  by: {2025-12-31: 0.7}", "events:", "  x: {by: {2025-12-31: 0.5}}"]
    lines += [f"  e{i}: {{given: ['signing.date - x.date > {i}'], "
              "table: {true: 0.6, false: 0.4}}" for i in range(k)]
    lines += ["questions:", "  q: e0"]
    return "\n".join(lines) + "\n"


def test_many_tables_over_two_dates_are_refused_by_their_total() -> None:
    """Each condition comparing two dates holds a table over both days (2 x 365 x 365 =
    266,450 entries here): within max_table one by one, but dozens of them filled the
    memory. Their total is held to 4 x max_table, before they are built."""
    import pytest

    from pactsim.errors import ModelTooWideError
    from pactsim.results.exact import exact

    small = 300_000  # one table fits; three fit in 4 x 300,000; five (1,332,250) do not
    p = exact(pactsim.loads(_conditions(3)), max_table=small).prob("q").value
    assert abs(p - exact(pactsim.loads(_conditions(3))).prob("q").value) < 1e-12
    with pytest.raises(ModelTooWideError, match=r"the tables of its conditions of 1,332,250 "
                                                r"entries in all, above 4 × max_table = "
                                                r"1,200,000"):
        exact(pactsim.loads(_conditions(5)), max_table=small)
    with pytest.raises(ModelTooWideError, match=r"a junction tree of \d+ cliques of "
                                                r"[\d,]+ entries in all"):
        exact(pactsim.loads(_conditions(4)), max_table=small)


CHAIN_50Y = """\
pactsim: 2
id: long
as_of: 1990-01-01
horizon: 2039-12-31
events:
  m0: {by: {2039-12-31: 0.9}}
  m1: {after: m0, delay: {by: {300: 0.5}}}
  m2: {after: m1, delay: {by: {300: 0.5}}}
  x: {by: {2039-12-31: 0.5}}
  e: {given: ['x.date < m0.date'], table: {true: 0.6, false: 0.4}}
questions:
  q: m1.date <= 2000-12-31
"""


def test_tables_over_two_days_of_fifty_years_are_refused_before_they_are_built() -> None:
    """Over 50 years a day has 18,262 states, so a law over two days is a table of 333
    million entries (2.5 GiB): the joint law of two milestones of a chain, a milestone
    given another, a condition comparing two dates. Each was built before the size
    check (2.7 GB, then a MemoryError); each is refused by name before anything is
    allocated (numpy's allocations, which tracemalloc sees, stay under 100 MiB)."""
    import tracemalloc

    import pytest

    from pactsim.errors import ModelTooWideError
    from pactsim.results.exact import exact

    sc = pactsim.loads(CHAIN_50Y.replace("  e: {given: ['x.date < m0.date'], table: "
                                         "{true: 0.6, false: 0.4}}\n", ""))
    ex = exact(sc)
    tracemalloc.start()
    try:
        with pytest.raises(ModelTooWideError, match=r"for the joint law of 'm1' and 'm2' "
                                                    r"needs a table of 333,500,644 entries over 2 "
                                                    r"variables \(m1.date, m2.date\).*a nearer "
                                                    r"horizon also helps"):
            ex.prob("q", given="m2")
        # the joint law of the two days is over the root's bit too: twice as many
        with pytest.raises(ModelTooWideError, match=r"667,001,288 entries over 3 variables "
                                                    r"\(m0, m1.date, m2.date\)"):
            ex.prob("m2.date - m1.date > 5")
        with pytest.raises(ModelTooWideError, match=r"of the condition 'x.date < m0.date' "
                                                    r"needs a table of 667,001,288 entries"):
            exact(pactsim.loads(CHAIN_50Y))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 * 2**20, peak


def test_score_falls_back_to_monte_carlo_for_an_item_too_wide_for_exact() -> None:
    """Scoring an item given a milestone of a 50-year chain needs a law over two days
    (refused as too wide): that item is scored by Monte Carlo (`method` says so), the
    others exactly; it was the whole command refused."""
    from pactsim.analysis.scoring import score
    from pactsim.language.resolutions import loads_resolutions

    sc = pactsim.loads(CHAIN_50Y.replace("  e: {given: ['x.date < m0.date'], table: "
                                         "{true: 0.6, false: 0.4}}\n", ""))
    res = loads_resolutions(
        "resolutions: 1\nscenario: long\nsources: {s: x}\noutcomes:\n"
        "  m1: {outcome: 1995-01-01, resolved: 1995-01-01, source: s}\n"
        "  q: {outcome: true, given: m2, resolved: 2001-01-01, source: s}\n")
    items = score(sc, res, n=20_000, seed=1).items.set_index("item")
    assert items.loc["m1", "method"] == "exact"
    assert items.loc["q", "method"] == "montecarlo"
    ex = pactsim.exact(sc)
    mc = pactsim.simulate(sc, n=20_000, seed=1)
    assert items.loc["m1", "p"] == ex.prob("m1").value
    assert items.loc["q", "p"] == mc.prob("q", given="m2").value
