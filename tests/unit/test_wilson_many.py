"""``wilson_many`` (one numpy pass, for a date curve over every day) gives exactly the
numbers of ``wilson`` (one Python call per count), which the date curves used before."""

from __future__ import annotations

import numpy as np
import pytest

import pactsim
from pactsim.results.estimate import wilson, wilson_many


@pytest.mark.parametrize("m", [1, 7, 100, 1_000, 200_000, 12.5, 0.3])
def test_wilson_many_equals_wilson(m: float) -> None:
    ks = np.unique(np.concatenate([[0.0, m], np.linspace(0, m, 257),
                                   np.random.default_rng(0).uniform(0, m, 100)]))
    lo, hi = wilson_many(ks, m)
    for k, a, b in zip(ks, lo, hi, strict=True):
        assert (float(a), float(b)) == wilson(float(k), m), k


def test_a_date_curves_band_is_the_wilson_interval_of_each_days_count() -> None:
    sc = pactsim.loads("pactsim: 1\nid: x\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                       "signing:\n  by: {2025-06-30: 0.4, 2025-12-31: 0.7}\n")
    res = pactsim.simulate(sc, n=5_000, seed=3)
    cdf = res.date_cdf("signing")
    counts = np.cumsum(res._hist("signing"))
    assert len(cdf) == len(counts) == 365
    rows = list(zip(cdf.iterrows(), counts, strict=True))
    (_, first), k0 = rows[0]  # as_of itself: nothing can have happened, no band
    assert k0 == 0 and (first.p, first.lo, first.hi) == (0.0, 0.0, 0.0)
    for (_, row), k in rows[1:]:
        assert (row.lo, row.hi) == wilson(int(k), 5_000)
    lo, hi = wilson_many(np.array([0.0, 3.0]), 0)  # no trials: the whole of [0, 1], as wilson
    assert wilson(3, 0) == (0.0, 1.0)
    assert (lo.tolist(), hi.tolist()) == ([0.0, 0.0], [1.0, 1.0])
