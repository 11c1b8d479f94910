"""pactsim.sweep(paired=True): every item on the sweep's own seed (common random
numbers), so differences between items carry far less noise than independent rows."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from math import sqrt

import numpy as np
import pandas as pd
import pytest

import pactsim
from pactsim.errors import ArgumentTypeError

SC = pactsim.loads(
    "pactsim: 1\nid: demo\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
    "events:\n  rain: {p: 0.3}\n  wind: {given: [rain], table: {true: 0.8, false: 0.2}}\n"
    "questions:\n  storm: rain and wind\n")
A, B = 0.3, 0.5  # rain.p of the two items compared


def _rain(df: pd.DataFrame, item: object) -> float:
    return float(df[(df.item == item) & (df.target == "rain")].p.iloc[0])


def test_every_item_runs_on_the_sweeps_seed_and_repeats_alone() -> None:
    df = pactsim.sweep({"a": {"rain.p": A}, "b": {"rain.p": B}}, base=SC, n=5_000,
                       seed=np.random.SeedSequence(9, spawn_key=(4,)), paired=True)
    assert set(df.spawn_key) == {(4,)} and set(df.seed) == {9}
    alone = pactsim.simulate(SC.with_changes({"rain.p": B}), 5_000,
                             seed=np.random.SeedSequence(9, spawn_key=(4,)))
    b = df[df.item == "b"]
    assert b.p.tolist() == [alone.prob(t).value for t in ("storm", "rain", "wind")]


def test_unchanged_items_are_identical_and_unpaired_ones_are_not() -> None:
    paired = pactsim.sweep([SC, SC], n=4_000, seed=3, paired=True)
    assert paired[paired.item == 0].p.tolist() == paired[paired.item == 1].p.tolist()
    unpaired = pactsim.sweep([SC, SC], n=4_000, seed=3)
    assert unpaired[unpaired.item == 0].p.tolist() != unpaired[unpaired.item == 1].p.tolist()


def test_the_paired_difference_has_the_spread_of_common_random_numbers() -> None:
    """Over R sweeps, the spread of P̂(rain | p=B) − P̂(rain | p=A) against closed forms:
    with common uniforms the difference is the share of draws with A <= u < B, variance
    (B−A)(1−(B−A))/n; independent rows add the variances, (A(1−A) + B(1−B))/n. The
    engine's byte-first draw resolves about 1 in 256 draws with spare words taken in
    order, which loosens the coupling by well under the 20% allowed here; R = 200 gives
    the sample standard deviation a relative error of about 5%."""
    n, r = 2_000, 200
    variants = [{"rain.p": A}, {"rain.p": B}]
    d_paired, d_indep = [], []
    for seed in range(r):
        p = pactsim.sweep(variants, ["rain"], base=SC, n=n, seed=seed, paired=True,
                          progress=False)
        d_paired.append(_rain(p, 1) - _rain(p, 0))
        q = pactsim.sweep(variants, ["rain"], base=SC, n=n, seed=seed, progress=False)
        d_indep.append(_rain(q, 1) - _rain(q, 0))
    want_paired = sqrt((B - A) * (1 - (B - A)) / n)
    want_indep = sqrt((A * (1 - A) + B * (1 - B)) / n)
    assert np.std(d_paired, ddof=1) == pytest.approx(want_paired, rel=0.2)
    assert np.std(d_indep, ddof=1) == pytest.approx(want_indep, rel=0.2)
    # and both are unbiased: the mean difference within 4 standard errors of B − A
    assert abs(np.mean(d_paired) - (B - A)) < 4 * want_paired / sqrt(r)
    assert abs(np.mean(d_indep) - (B - A)) < 4 * want_indep / sqrt(r)


def test_a_paired_curve_over_one_probability_rises_with_it() -> None:
    """Independent rows 0.02 apart in p at n = 2,000 (stderr ~0.01 each) often come
    out of order; paired ones do not (only the ~1/256 draws resolved by spare words can
    reorder them, and never by more than a few draws)."""
    ps = [round(0.3 + 0.02 * k, 2) for k in range(11)]
    df = pactsim.sweep([{"rain.p": p} for p in ps], ["storm"], base=SC, n=2_000, seed=8,
                       paired=True, progress=False)
    storm = df.p.to_numpy()
    assert np.all(np.diff(storm) > -3 / 2_000)
    # the whole rise: P(storm) = 0.8 p exactly, so 0.8 × 0.2 = 0.16; with common
    # numbers it is the share of draws with rain's u in [0.3, 0.5) and wind's u < 0.8
    # (wind's threshold given rain is the same uniform): binomial, q = 0.16
    rise = storm[-1] - storm[0]
    assert abs(rise - 0.16) < 4 * sqrt(0.16 * 0.84 / 2_000)


def test_paired_is_the_same_on_threads() -> None:
    variants = {"dry": {"rain.p": 0.1}, "wet": {"rain.p": 0.9}}
    here = pactsim.sweep(variants, base=SC, n=20_000, seed=2, paired=True)
    with ThreadPoolExecutor(2) as ex:
        threads = pactsim.sweep(variants, base=SC, n=20_000, seed=2, paired=True, executor=ex)
    pd.testing.assert_frame_equal(here, threads)


@pytest.mark.parametrize("bad", ["yes", 1, None])
def test_paired_must_be_a_bool(bad: object) -> None:
    with pytest.raises(ArgumentTypeError, match="paired must be True or False"):
        pactsim.sweep([SC], n=100, paired=bad)  # type: ignore[arg-type]
