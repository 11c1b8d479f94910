"""Second code paths and reference numbers that the mutation audit found unpinned.

Each test compares one number of pactsim with an answer computed here by other means
(scipy, numpy, exact fractions, a textbook formula over the draws), with its tolerance
and seed stated. The mutants of ``/work/notes/review-mutants10.md`` each one kills are
named in its docstring: SE2, X01, M08, X03, M03, C01, M12, F02 and DT2.
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

import pactsim
from pactsim.analysis.calibration import calibration
from pactsim.results.estimate import Estimate
from pactsim.results.stats import Moments, WeightedMoments
from pactsim.results.summary import numeric_summary
from pactsim.views.format import band_ends

LEVELS = (0.1, 0.5, 0.9)


# -- SE2: the tornado's standard error under weighted draws ------------------------------
SOFT = """pactsim: 2
id: soft-news
as_of: 2024-01-01
horizon: 2024-12-31
events:
  a: {p: 0.2}
  b: {p: 0.5}
  c: {given: [a], table: {true: 0.8, false: 0.3}}
questions:
  q: b and c
observations:
  - date: 2024-02-01
    source: a test
    evidence: a
    likelihood_ratio: 10
"""


def _paired_se(sc: pactsim.Scenario, item: str, low: float, high: float, n: int,
               seed: int) -> tuple[float, float, float]:
    """``(p_low, p_high, se)`` of ``q`` at the two ends, by the delta method of a ratio
    estimator written out here: each weighted share ``p = Σ w x / Σ w`` has influence
    ``w (x - p) / mean(w)``, and the paired change's SE is ``sd(i_b - i_a) / sqrt(n)``."""
    out = []
    for v in (low, high):
        r = pactsim.simulate(sc.with_changes({item: v}), n, seed=seed, keep_draws=True,
                             progress=False)
        x = r.to_frame()["q"].to_numpy(dtype=float)
        w = np.asarray(r.draws.weight, dtype=float)
        p = float((w * x).sum() / w.sum())
        out.append((p, w * (x - p) / w.mean()))
    (pa, ia), (pb, ib) = out
    d = ib - ia
    return pa, pb, float(np.sqrt(np.mean((d - d.mean()) ** 2) / n))


def test_weighted_tornado_stderr_is_the_delta_method_of_the_draws():
    """SE2: under soft news (weights 0.1 and 1, mean about 0.27) the stated SE of a swing
    of ``b.p`` over 0.48-0.52 is the delta-method SE computed here from the two variants'
    kept draws (same seed, so the same draws; 1e-9 relative), and it matches the spread
    of the change over 200 seeds at n = 4,000 (mean stated SE / SD of the changes in
    [0.75, 1.35]; about 1.04 here, 2.6 for the mutant that leaves ``/ mean(w)`` off one
    end: the paired draws then no longer cancel)."""
    sc = pactsim.loads(SOFT)
    n, ends = 4000, {"b.p": (0.48, 0.52)}
    s = pactsim.sensitivity(sc, "q", ranges=ends, only=["b.p"], voi=False, method="mc",
                            n=n, seed=3)
    row = s.tornado.set_index("input").loc["b.p"]
    pa, pb, se = _paired_se(sc, "b.p", 0.48, 0.52, n, 3)
    w = np.asarray(pactsim.simulate(sc, n, seed=3, progress=False).draws.weight)
    assert 0.2 < w.mean() < 0.35  # the check bites: weights far from a mean of 1
    assert row["q_low"] == pytest.approx(pa, abs=1e-12)
    assert row["q_high"] == pytest.approx(pb, abs=1e-12)
    assert row["stderr"] == pytest.approx(se, rel=1e-9)

    changes, ses = [], []
    for seed in range(100, 300):
        t = pactsim.sensitivity(sc, "q", ranges=ends, only=["b.p"], voi=False, method="mc",
                                n=n, seed=seed).tornado.iloc[0]
        changes.append(t["q_high"] - t["q_low"])
        ses.append(t["stderr"])
    ratio = float(np.mean(ses)) / float(np.std(changes, ddof=1))
    assert 0.75 < ratio < 1.35, ratio


# -- X01: exact moments of a uniform driver ------------------------------------------------
DRIVER = """pactsim: 1
id: drivers
as_of: 2025-01-01
horizon: 2025-12-31
drivers:
  u: {dist: uniform, low: -2, high: 10}
events:
  a: {p: 0.5}
  c: {p: 0.9}
  b: {p: 0.5, odds: {u: 1.1}}
questions:
  n_a: count(a)
  n_c: count(c)
  n_ab: count(a, b)
  uq: u
"""


def test_exact_uniform_driver_is_scipy_uniform():
    """X01: ``exact(sc).numeric`` of a uniform(-2, 10) driver (and of a question that is
    it) has scipy's mean, sd = 12/sqrt(12) and quantiles (1e-12); Monte Carlo at n =
    200,000, seed 0, agrees on the sd within 4 of its SEs (sd/sqrt(2n))."""
    sc = pactsim.loads(DRIVER)
    law = stats.uniform(-2, 12)
    ex = pactsim.exact(sc, progress=False)
    for name in ("u", "uq"):
        s = ex.numeric(name)
        assert s.mean == pytest.approx(law.mean(), abs=1e-12)
        assert s.sd == pytest.approx(law.std(), abs=1e-12)
        for q in LEVELS:
            assert s.quantiles[q] == pytest.approx(law.ppf(q), abs=1e-12)
    n = 200_000
    mc = pactsim.simulate(sc, n, seed=0, progress=False).numeric("u")
    assert abs(mc.sd - ex.numeric("u").sd) < 4 * law.std() / math.sqrt(2 * n)


# -- M08 / X03: quantiles at an exact CDF tie ----------------------------------------------
def _smallest_reaching(x: np.ndarray, q: float) -> float:
    """The documented rule in exact arithmetic: the smallest value whose CDF reaches q."""
    xs = np.sort(x)
    need = Fraction(str(q)) * len(xs)
    k = max(math.ceil(need), 1)
    return float(xs[k - 1])


def test_numeric_summary_at_a_tie_is_the_smallest_value_reaching_q():
    """M08: draws [1, 1, 2, 2] have CDF exactly 0.5 at 1, so q50 is 1 (numpy's
    inverted_cdf agrees); q10 is 1 and q90 is 2."""
    x = np.array([1.0, 1.0, 2.0, 2.0])
    s = numeric_summary("x", "number", Moments.of(x), {1.0: 2, 2.0: 2}, 4)
    want = {q: _smallest_reaching(x, q) for q in LEVELS}
    assert want == {0.1: 1.0, 0.5: 1.0, 0.9: 2.0}
    assert s.quantiles == want
    assert s.quantiles == {q: float(np.quantile(x, q, method="inverted_cdf")) for q in LEVELS}


def test_monte_carlo_numeric_quantiles_follow_the_rule_at_ties():
    """M08 through ``Results.numeric``: over seeds 0-39 at n = 10 (where the CDF of a
    count often hits 0.1, 0.5 or 0.9 exactly), every quantile equals the rule computed
    in exact fractions from the kept draws; at least 10 ties occur, so the check bites."""
    sc = pactsim.loads(DRIVER)
    ties = 0
    for seed in range(40):
        r = pactsim.simulate(sc, 10, seed=seed, keep_draws=True, progress=False)
        frame = r.to_frame()
        for name in ("n_a", "n_ab"):
            x = frame[name].to_numpy(dtype=float)
            got = r.numeric(name).quantiles
            for q in LEVELS:
                v = _smallest_reaching(x, q)
                assert got[q] == v, (seed, name, q)
                ties += int(np.sum(x <= v) == Fraction(str(q)) * len(x))  # CDF(v) == q
    assert ties >= 10


def test_exact_numeric_quantiles_at_a_tie():
    """X03: count(a) with P(a) = 0.5 has CDF exactly 0.5 at 0, so q50 = 0; count(c) with
    P(c) = 0.9 has CDF 0.1 at 0 (up to rounding of 1 - 0.9), so q10 = 0."""
    ex = pactsim.exact(pactsim.loads(DRIVER), progress=False)
    assert ex.numeric("n_a").quantiles == {0.1: 0.0, 0.5: 0.0, 0.9: 1.0}
    assert ex.numeric("n_c").quantiles == {0.1: 0.0, 0.5: 1.0, 0.9: 1.0}


# -- M03: weighted standard deviation --------------------------------------------------------
def test_weighted_sd_is_the_reliability_weights_formula():
    """M03: with equal weights the weighted sd is numpy's ``std(ddof=1)`` (1e-12); with
    unequal weights (seed 0) it is ``sqrt(Σw(x-m)² / (Σw - Σw²/Σw))``; two merged parts
    give the one-pass value."""
    x = np.array([1.0, 2.0, 4.0, 7.0])
    for c in (1.0, 0.37, 250.0):
        sd = WeightedMoments.of(x, np.full(4, c)).sd
        assert sd == pytest.approx(np.std(x, ddof=1), rel=1e-12)
        assert sd == pytest.approx(Moments.of(x).sd, rel=1e-12)
    rng = np.random.default_rng(0)
    x = rng.normal(size=50)
    w = rng.uniform(0.05, 1.0, size=50)
    m = float(np.sum(w * x) / w.sum())
    want = math.sqrt(float(np.sum(w * (x - m) ** 2)) / (w.sum() - float(np.sum(w * w)) / w.sum()))
    assert WeightedMoments.of(x, w).sd == pytest.approx(want, rel=1e-12)
    merged = WeightedMoments.of(x[:17], w[:17]).merge(WeightedMoments.of(x[17:], w[17:]))
    assert merged.sd == pytest.approx(want, rel=1e-12)


# -- C01: calibration consistency band --------------------------------------------------------
@pytest.mark.parametrize("level", [0.9, 0.8])
def test_consistency_band_is_the_binomial_quantiles(level):
    """C01: 200 forecasts all 0.3 (60 true): the recalibrated value of a resample is its
    mean outcome, so the band is Binomial(200, 0.3)/200 at (1 ± level)/2; tolerance one
    step 1/200 (2,000 resamples, seed 0)."""
    p = np.full(200, 0.3)
    y = (np.arange(200) < 60).astype(float)
    row = calibration(p, y, bands=2000, level=level, seed=0).table.iloc[0]
    a = (1 - level) / 2
    lo, hi = stats.binom.ppf([a, 1 - a], 200, 0.3) / 200
    assert abs(row["lo"] - lo) <= 1 / 200 + 1e-12
    assert abs(row["hi"] - hi) <= 1 / 200 + 1e-12


# -- M12: the interval of a difference ----------------------------------------------------------
def test_minus_is_the_normal_95_interval():
    """M12: ``a.minus(b, independent=True)`` has se = hypot(se_a, se_b) and the interval
    value ± norm.ppf(0.975)·se (1e-12)."""
    a, b = Estimate.from_counts(30, 100), Estimate.from_counts(20, 100)
    d = a.minus(b, independent=True)
    se = math.hypot(a.stderr, b.stderr)
    z = stats.norm.ppf(0.975)
    assert d.value == pytest.approx(0.1, abs=1e-12)
    assert d.stderr == pytest.approx(se, abs=1e-12)
    assert d.lo == pytest.approx(0.1 - z * se, abs=1e-12)
    assert d.hi == pytest.approx(0.1 + z * se, abs=1e-12)


# -- F02: a wide band that starts below 1% ------------------------------------------------------
def test_band_ends_below_one_percent_keep_decimals():
    """F02: whole percents only for a band from 1%; one starting below keeps pct()'s
    decimals at both ends."""
    assert band_ends(0.004, 0.03) == ("0.4%", "3.0%")
    assert band_ends(0.0001, 0.02) == ("0.01%", "2.0%")
    assert band_ends(0.01, 0.03) == ("1%", "3%")


# -- DT2: a short lognormal delay against scipy ---------------------------------------------------
SHORT = """pactsim: 2
id: short-delay
as_of: 2024-01-01
horizon: 2024-03-31
signing:
  by: {2024-01-02: 1.0}
events:
  m: {after: signing, delay: {median: 3, p90: 10}}
questions:
  m_by_5: m.date <= 2024-01-05
"""


def test_short_lognormal_delay_matches_scipy():
    """DT2: signing is on 2024-01-02 for sure; m follows after a lognormal delay of
    median 3 and p90 10 days, rounded up to whole days, so P(m by signing + k days) =
    lognorm(s = ln(10/3)/z90, scale = 3).cdf(k) (README "Time (format 2)"): exact
    ``date_cdf`` to 1e-9 (0.5 at k = 3; a day late reads 0.62), and Monte Carlo at
    n = 50,000, seed 0, within 4.5 SE."""
    sc = pactsim.loads(SHORT)
    law = stats.lognorm(s=math.log(10 / 3) / stats.norm.ppf(0.9), scale=3)
    start = dt.date(2024, 1, 2)
    days = [start + dt.timedelta(days=k) for k in range(40)]
    want = np.array([law.cdf(k) if k > 0 else 0.0 for k in range(40)])
    ex = pactsim.exact(sc, progress=False).date_cdf("m", [d.isoformat() for d in days])
    np.testing.assert_allclose(ex["p"].to_numpy(), want, rtol=0, atol=1e-9)
    assert ex["p"].iloc[3] == pytest.approx(0.5, abs=1e-12)
    n = 50_000
    mc = pactsim.simulate(sc, n, seed=0, progress=False).date_cdf(
        "m", [d.isoformat() for d in days])
    se = np.sqrt(want * (1 - want) / n)
    assert np.all(np.abs(mc["p"].to_numpy() - want) <= 4.5 * se + 1e-12)
