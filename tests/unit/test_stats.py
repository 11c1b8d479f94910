"""Streaming statistics: exact set tables, honest bounds, mergeable moments,
and summaries identical whatever the chunking (issue "Right numbers").

Every expected value here comes from the draws themselves (kept with
``keep_draws=True`` and counted with pandas) or from closed forms, never from
the streaming code under test.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pactsim
import pactsim.results.stats as stats_module
from pactsim.errors import PactsimWarning
from pactsim.inference.engine import BLOCK
from pactsim.results.stats import Moments

HEAD = "pactsim: 1\nid: x\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"


def _many_sets(n_pillars: int = 3, per_pillar: int = 6) -> pactsim.Scenario:
    """Pillars and clauses at p = 0.5: 2^(3+18) possible texts, far more than kept."""
    lines = ["pillars:"]
    for i in range(n_pillars):
        lines += [f"  p{i}:", "    p: 0.5", "    clauses:"]
        lines += [f"      c{i}_{j}: {{p: 0.5}}" for j in range(per_pillar)]
    return pactsim.loads(HEAD + "\n".join(lines) + "\n")


def _true_counts(res: pactsim.Results, members: list[str]) -> pd.Series:
    """Counts of each exact set of ``members`` straight from the kept draws."""
    bits = res.to_frame()[members].to_numpy(dtype=np.int64)
    keys, counts = np.unique(bits @ (1 << np.arange(len(members), dtype=np.int64)),
                             return_counts=True)
    names = [" + ".join(m for j, m in enumerate(members) if k >> j & 1) or "(nothing)"
             for k in keys.tolist()]
    return pd.Series(counts, index=names)


@pytest.fixture(scope="module")
def pruned() -> Iterator[pactsim.Results]:
    mp = pytest.MonkeyPatch()
    mp.setattr(stats_module, "MAX_BUNDLES", 2000)  # 2^21 possible texts: cut twice, some counts low
    yield pactsim.simulate(_many_sets(), n=4 * BLOCK, seed=3, chunk_size=BLOCK)
    mp.undo()


def test_pillar_sets_are_exact_even_when_the_full_table_is_cut(pruned: pactsim.Results) -> None:
    sc = pruned.scenario
    assert pruned.stats.sets["all"].cuts > 0  # the long table was cut ...
    pillars = list(sc.pillars)
    truth = _true_counts(pruned, pillars)
    got = pruned.bundles(top=None, of="pillars").set_index("bundle")["count"]
    pd.testing.assert_series_equal(got.sort_index(), truth.sort_index(), check_names=False,
                                   check_dtype=False)  # ... the pillar table is exact
    assert (pruned.bundles(top=None, of="pillars")["bound"] == 0).all()


def test_clause_sets_of_one_pillar_are_exact(pruned: pactsim.Results) -> None:
    members = list(pruned.scenario.pillars["p1"].clauses)
    truth = _true_counts(pruned, members)
    got = pruned.bundles(top=None, of="p1").set_index("bundle")["count"]
    pd.testing.assert_series_equal(got.sort_index(), truth.sort_index(), check_names=False,
                                   check_dtype=False)


def test_cut_table_bound_covers_every_shortfall(pruned: pactsim.Results) -> None:
    """reported <= true <= reported + bound for kept sets; true <= bound for dropped ones."""
    sc = pruned.scenario
    members = [n for n in sc.binary_names if sc.nodes[n].kind in ("pillar", "clause")]
    truth = _true_counts(pruned, members)
    with pytest.warns(PactsimWarning, match="may be low by up to"):
        got = pruned.bundles(top=None, of="all").set_index("bundle")
    bound = int(got["bound"].max())  # (the empty text's row is exact: bound 0)
    table = pruned.stats.sets["all"]
    assert bound == table.bound > 0
    kept = truth.reindex(got.index)
    assert (got["count"] <= kept).all()
    assert (kept - got["count"] <= got["bound"]).all()  # each row within its own bound
    shortfall = int((kept - got["count"]).max())
    assert shortfall > 0  # the bound is not vacuous here: some counts really are low
    dropped = truth.drop(got.index, errors="ignore")
    assert (dropped <= bound).all()


def test_bound_adds_up_over_cuts() -> None:
    """Two cuts that drop counts of up to 7 and then 3 leave a bound of 10, not max(7, 3)."""
    words = np.arange(10, dtype=np.uint64)[:, None]
    a = stats_module.SparseSets(8, words[:4].copy(), np.array([9, 9, 2, 2]))
    mp = pytest.MonkeyPatch()
    mp.setattr(stats_module, "MAX_BUNDLES", 2)
    try:
        a.merge(stats_module.SparseSets(8, words[4:5].copy(), np.array([7])))  # 5 sets > 4: cut
        assert sorted(a.counts.tolist()) == [9, 9] and a.bound == 7 and a.cuts == 1
        a.merge(stats_module.SparseSets(8, words[5:8].copy(), np.array([3, 3, 1])))
        assert a.cuts == 2 and a.bound == 7 + 3
    finally:
        mp.undo()


@pytest.mark.parametrize("kwargs", [
    {"chunk_size": BLOCK}, {"chunk_size": 3 * BLOCK}, {"chunk_size": 10**7},
    {"chunk_size": BLOCK, "workers": 2},
])
def test_summaries_identical_across_chunking(kwargs: dict[str, int]) -> None:
    """Cut tables, moments and counts do not depend on chunk size, workers or executor."""
    sc = pactsim.loads(
        HEAD + "drivers:\n  d: {dist: normal, mean: 100000000, sd: 1}\n"
        + "pillars:\n" + "".join(
            f"  p{i}:\n    p: 0.6\n    clauses:\n"
            + "".join(f"      c{i}_{j}: {{p: 0.4}}\n" for j in range(7)) for i in range(3))
        + "questions:\n  level: d\n  n: count(p0, p1, p2)\n")
    mp = pytest.MonkeyPatch()
    mp.setattr(stats_module, "MAX_BUNDLES", 300)
    try:
        n = 5 * BLOCK + 123
        ref = pactsim.simulate(sc, n=n, seed=5, keep_draws=False)
        other = pactsim.simulate(sc, n=n, seed=5, keep_draws=False, **kwargs)
        with ThreadPoolExecutor(2) as ex:
            third = pactsim.simulate(sc, n=n, seed=5, keep_draws=False, executor=ex,
                                     chunk_size=2 * BLOCK)
    finally:
        mp.undo()
    assert ref.stats.sets["all"].cuts > 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PactsimWarning)
        for res in (other, third):
            for of in ("all", "pillars", "clauses", "p0"):
                pd.testing.assert_frame_equal(res.bundles(top=None, of=of),
                                              ref.bundles(top=None, of=of))
            pd.testing.assert_frame_equal(res.marginals(), ref.marginals())
            for q in ("level", "n"):
                a, b = res.numeric(q), ref.numeric(q)
                assert (a.mean, a.sd, a.quantiles) == (b.mean, b.sd, b.quantiles)


def test_sd_of_a_large_mean_is_kept() -> None:
    """A driver with mean 1e8 and sd 1 reports sd ~ 1 (sum of squares would give 0)."""
    sc = pactsim.loads(HEAD + "drivers:\n  d: {dist: normal, mean: 100000000, sd: 1}\n"
                       "questions:\n  level: d\n")
    res = pactsim.simulate(sc, n=3 * BLOCK, seed=2, keep_draws=False, chunk_size=BLOCK)
    s = res.numeric("level")
    n = res.n
    # sd of a normal sample: standard error of the sample sd is sd / sqrt(2(n-1))
    assert abs(s.sd - 1.0) < 5 / math.sqrt(2 * (n - 1))
    assert abs(s.mean - 1e8) < 5 / math.sqrt(n)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.floats(-1e9, 1e9), min_size=0, max_size=30), min_size=1,
                max_size=6), st.floats(-1e12, 1e12))
def test_chan_merge_matches_two_pass(parts: list[list[float]], shift: float) -> None:
    data = [np.array(p, dtype=float) + shift for p in parts]
    merged = Moments()
    for x in data:
        merged.merge(Moments.of(x))
    allx = np.concatenate(data)
    assert merged.count == len(allx)
    if len(allx):
        assert merged.mean == pytest.approx(float(np.mean(allx)), rel=1e-9, abs=1e-6)
    if len(allx) > 1:
        assert merged.sd == pytest.approx(float(np.std(allx, ddof=1)), rel=1e-6, abs=1e-3)


def test_uniform_driver_with_zero_high_bound() -> None:
    """`high: 0` is a bound, not "missing": uniform(-1, 0) has mean -1/2, sd 1/sqrt(12)."""
    sc = pactsim.loads(HEAD + "drivers:\n  d: {dist: uniform, low: -1, high: 0}\n"
                       "questions:\n  level: d\n")
    s = pactsim.simulate(sc, n=200_000, seed=4, keep_draws=False).numeric("level")
    assert abs(s.mean + 0.5) < 5 * s.stderr
    assert abs(s.sd - 1 / math.sqrt(12)) < 0.005


def test_numeric_of_any_expression_matches_closed_form() -> None:
    """count(a, b) of independent events with p 0.3 and 0.6: mean 0.9, variance
    0.3·0.7 + 0.6·0.4 = 0.45; a normal driver(2, 3): mean 2, sd 3, median 2."""
    sc = pactsim.loads(HEAD + "drivers:\n  d: {dist: normal, mean: 2, sd: 3}\n"
                       "events:\n  a: {p: 0.3}\n  b: {p: 0.6}\n")
    res = pactsim.simulate(sc, n=200_000, seed=6)
    ex = pactsim.exact(sc)
    for r in (res, ex):
        s = r.numeric("count(a, b)")
        assert abs(s.mean - 0.9) <= 4 * math.sqrt(0.45 / res.n) + 1e-12
        assert abs(s.sd - math.sqrt(0.45)) < 0.01
        assert s.quantiles[0.5] == 1.0
        d = r.numeric("d")
        assert abs(d.mean - 2) <= 4 * 3 / math.sqrt(res.n) + 1e-9
        assert abs(d.sd - 3) < 0.03
        assert abs(d.quantiles[0.5] - 2) < 0.05
    with pytest.raises(ValueError, match="true/false expression; use prob"):
        res.numeric("a and b")
    lean = pactsim.simulate(sc, n=1000, seed=1, keep_draws=False)
    with pytest.raises(pactsim.errors.PactsimError, match="kept no draws"):
        lean.numeric("count(a, b)")


def test_questions_given_signed_match_hand_derivation() -> None:
    """F(d) = 0.5 · days / 181 to 2024-06-30, P(signed) = 0.8: P(signed by 2024-03-31)
    = 0.5 · 90/181, and given signed that over 0.8; `rain` (0.3) is independent of
    signing, so P(rain | signed) = 0.3."""
    sc = pactsim.loads(HEAD + "events:\n  rain: {p: 0.3}\n"
                       "signing:\n  by: {2024-06-30: 0.5, 2024-12-31: 0.8}\n"
                       "questions:\n  early: signing.date <= 2024-03-31\n  wet: rain\n")
    early = 0.5 * 90 / 181
    want = {"early": (early, early / 0.8), "wet": (0.3, 0.3)}
    res = pactsim.simulate(sc, n=200_000, seed=8, keep_draws=False)
    for frame in (res.questions(), pactsim.exact(sc).questions()):
        for q, (p, p_signed) in want.items():
            row = frame.loc[q]
            assert abs(row.p - p) <= 4 * row.stderr + 1e-9
            assert abs(row.p_given_signed - p_signed) <= 4 * row.stderr_given_signed + 1e-9


def test_the_empty_text_is_counted_exactly_in_a_pruned_table() -> None:
    """No pillar means no clause, so the empty text is the empty set of pillars, whose
    table is exact: its row has bound 0 even when the table of pillars and clauses was
    pruned (the run `make forecast` makes showed it with '+≤2')."""
    import warnings

    import pactsim

    sc = pactsim.load("scenarios/iran-russia-2024.yaml")
    res = pactsim.simulate(sc, n=10**6, seed=7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        texts = res.bundles(10)
    pillars = res.bundles(20, of="pillars")
    empty = texts[texts["size"] == 0].iloc[0]
    assert int(texts["bound"].max()) > 0  # the table was pruned: the case
    assert int(empty["bound"]) == 0
    # independent count: draws with no pillar, from the marginal counts of the draws kept
    assert int(empty["count"]) == int(pillars[pillars["size"] == 0]["count"].iloc[0])
    frame = res.to_frame()
    no_pillar = ~frame[list(sc.pillars)].any(axis=1)
    assert int(empty["count"]) == int(no_pillar.sum())
