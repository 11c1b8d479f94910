"""An independent review of the numbers of the analysis layer (``pactsim.analysis``).

Reviewed: ``sensitivity`` (tornado ends, swings, value of information, categorical
outcomes, median dates, drivers, Monte Carlo against exact), ``spread`` / ``spreads`` /
``sobol`` (means, quantiles and Sobol indices against closed forms), ``sweep`` (exact
and Monte Carlo values at grid points), ``pool`` / ``pool_probabilities`` (linear and
logarithmic pools by hand), ``score`` and its kernels, ``calibration`` (PAV against a
brute-force isotonic fit, the Murphy and CORP decompositions by hand), ``diff``
(changes and Shapley values against exact answers and a brute-force average over
orders) and ``history`` (Bayes' rule by hand, hard and soft evidence).

Every expected number is derived here by hand or by code that shares nothing with
pactsim (closed forms, brute-force enumeration, scipy); Monte Carlo answers are
compared with exact ones within a stated number of standard errors, with a seed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math

import numpy as np
import pytest
from scipy import integrate, stats

import pactsim
from pactsim.analysis.calibration import calibration, pav
from pactsim.analysis.pooling import pool, pool_probabilities
from pactsim.analysis.scoring import brier, crps_days, log_score, score
from pactsim.analysis.spread import sobol, spread, spreads
from pactsim.errors import ArgumentError, PactsimError
from pactsim.language.resolutions import loads_resolutions


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def expit(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def row(df: object, col: str, value: str) -> dict[str, object]:
    """The one row of ``df`` whose ``col`` is ``value``, as a dict."""
    import pandas as pd

    assert isinstance(df, pd.DataFrame)
    sub = df[df[col] == value]
    assert len(sub) == 1, (value, len(sub))
    return dict(sub.iloc[0])


def entropy(p: float) -> float:
    """Entropy of Bernoulli(p) in nats."""
    return -sum(x * math.log(x) for x in (p, 1 - p) if x > 0)


# -- sensitivity ------------------------------------------------------------------------------
TWO = """\
pactsim: 1
id: two
as_of: 2024-01-01
horizon: 2024-12-31
events:
  a: {p: 0.3}
  b: {given: [a], table: {true: 0.8, false: 0.2}}
  z: {p: 0.6}
  zero: {p: 0}
  one: {p: 1}
questions:
  q: b
"""


def test_tornado_of_a_two_node_network_by_hand() -> None:
    """P(b) = 0.2 + 0.6 P(a) + ... : each end of each input by hand."""
    s = pactsim.sensitivity(pactsim.loads(TWO), "q")
    assert s.base == pytest.approx(0.3 * 0.8 + 0.7 * 0.2, abs=1e-12)
    lo_a, hi_a = expit(logit(0.3) - 1), expit(logit(0.3) + 1)
    r = row(s.tornado, "input", "a.p")
    assert (r["low"], r["high"]) == (pytest.approx(lo_a), pytest.approx(hi_a))
    assert r["q_low"] == pytest.approx(lo_a * 0.8 + (1 - lo_a) * 0.2, abs=1e-12)
    assert r["q_high"] == pytest.approx(hi_a * 0.8 + (1 - hi_a) * 0.2, abs=1e-12)
    assert r["swing"] == pytest.approx(0.6 * (hi_a - lo_a), abs=1e-12)
    for cell, base, weight in (("true", 0.8, 0.3), ("false", 0.2, 0.7)):
        r = row(s.tornado, "input", f"b.table.{cell}")
        lo, hi = expit(logit(base) - 1), expit(logit(base) + 1)
        assert r["q_low"] == pytest.approx(0.38 + weight * (lo - base), abs=1e-12)
        assert r["q_high"] == pytest.approx(0.38 + weight * (hi - base), abs=1e-12)
        assert r["swing"] == pytest.approx(weight * (hi - lo), abs=1e-12)
    # z does not feed b: exactly 0; p = 0 and p = 1 have no log-odds and are left out
    assert row(s.tornado, "input", "z.p")["swing"] == 0.0
    assert not {"zero.p", "one.p"} & set(s.tornado.input)
    # largest swing first
    assert list(s.tornado.swing) == sorted(s.tornado.swing, reverse=True)
    assert list(s.tornado.input[:3]) == ["a.p", "b.table.false", "b.table.true"]


def test_voi_of_a_two_node_network_by_hand() -> None:
    s = pactsim.sensitivity(pactsim.loads(TWO), "q")
    r = row(s.voi, "node", "a")
    q = 0.38
    assert (r["p_node"], r["q_if_true"], r["q_if_false"]) == (
        pytest.approx(0.3), pytest.approx(0.8), pytest.approx(0.2))
    assert r["move"] == pytest.approx(0.3 * abs(0.8 - q) + 0.7 * abs(0.2 - q))
    assert r["brier"] == pytest.approx(0.3 * (0.8 - q) ** 2 + 0.7 * (0.2 - q) ** 2)
    # mutual information I(Q; A) = H(Q) - H(Q | A)
    mi = entropy(q) - 0.3 * entropy(0.8) - 0.7 * entropy(0.2)
    assert r["log_loss"] == pytest.approx(mi, rel=1e-10)
    z = row(s.voi, "node", "z")
    assert z["brier"] == pytest.approx(0.0, abs=1e-15) and z["log_loss"] == pytest.approx(
        0.0, abs=1e-12)
    # nodes that are certain have nothing to learn
    assert not {"zero", "one"} & set(s.voi.node)


def test_tornado_by_monte_carlo_is_within_4_se_of_exact() -> None:
    sc = pactsim.loads(TWO)
    ex = pactsim.sensitivity(sc, "q")
    mc = pactsim.sensitivity(sc, "q", method="mc", n=40_000, seed=11)
    assert mc.method == "mc" and mc.seed == 11 and mc.n == 40_000
    for name in ("a.p", "b.table.true", "b.table.false"):
        e, m = row(ex.tornado, "input", name), row(mc.tornado, "input", name)
        assert m["method"] == "mc" and m["stderr"] > 0
        assert abs(m["swing"] - e["swing"]) < 4 * m["stderr"], name
        for end in ("q_low", "q_high"):
            se = math.sqrt(e[end] * (1 - e[end]) / 40_000)
            assert abs(m[end] - e[end]) < 4 * se, (name, end)
    # the same seed repeats the analysis
    again = pactsim.sensitivity(sc, "q", method="mc", n=40_000, seed=11)
    assert again.tornado.equals(mc.tornado)
    # the value of information by Monte Carlo: P(Q | a) within 4 se of 0.8
    r = row(mc.voi, "node", "a")
    k = r["p_node"] * 40_000
    assert abs(r["q_if_true"] - 0.8) < 4 * math.sqrt(0.8 * 0.2 / k)


CAT = """\
pactsim: 3
id: cat
as_of: 2024-01-01
horizon: 2024-12-31
events:
  a: {p: 0.3}
  e: {p: 0.2, odds: {a: 3}}
  x: {levels: {absent: 0.2, generic: 0.45, named: 0.35}}
  y: {given: [x], table: {absent: 0.1, generic: 0.5, named: 0.9}}
signing:
  by: {2024-03-01: 0.3, 2024-06-01: 0.5, 2024-12-01: 0.6}
questions:
  qe: e
  qy: y
"""


def test_odds_factor_swing_by_hand() -> None:
    s = pactsim.sensitivity(pactsim.loads(CAT), "qe")

    def p_e(f: float, pa: float = 0.3) -> float:
        if_a = 0.2 * f / (0.8 + 0.2 * f)  # odds 0.25 f
        return pa * if_a + (1 - pa) * 0.2

    assert s.base == pytest.approx(47 / 175, abs=1e-12)
    r = row(s.tornado, "input", "e.odds.a")
    assert (r["low"], r["high"]) == (1.5, 6.0)
    assert r["q_low"] == pytest.approx(p_e(1.5), abs=1e-12)
    assert r["q_high"] == pytest.approx(p_e(6.0), abs=1e-12)


def test_curve_point_is_kept_between_its_neighbours() -> None:
    """P(signed by the horizon) is the last point (flat after it); earlier points do
    not move it, and each point's ends stop half-way to its neighbours (at a
    neighbour's value the curve would be flat between them: no chance on those days)."""
    s = pactsim.sensitivity(pactsim.loads(CAT), "signing")
    last = row(s.tornado, "input", "signing.by.2024-12-01")
    assert last["low"] == pytest.approx(0.55)  # expit(logit(.6) - 1) = .356 < (.5 + .6) / 2
    assert last["high"] == pytest.approx(expit(logit(0.6) + 1))  # no neighbour above
    assert "half-way to its neighbours" in last["range"]
    assert (last["q_low"], last["q_high"]) == (pytest.approx(0.55), pytest.approx(last["high"]))
    mid = row(s.tornado, "input", "signing.by.2024-06-01")
    assert (mid["low"], mid["high"]) == (pytest.approx(0.4), pytest.approx(0.55))
    assert mid["swing"] == 0.0
    first = row(s.tornado, "input", "signing.by.2024-03-01")
    assert first["low"] == pytest.approx(expit(logit(0.3) - 1))  # no neighbour below
    assert first["high"] == pytest.approx(0.4)


def test_categorical_levels_are_rescaled_and_voi_partition_by_hand() -> None:
    s = pactsim.sensitivity(pactsim.loads(CAT), "qy")
    py = {"absent": 0.1, "generic": 0.5, "named": 0.9}
    px = {"absent": 0.2, "generic": 0.45, "named": 0.35}
    q = sum(px[k] * py[k] for k in px)
    assert s.base == pytest.approx(q, abs=1e-12)
    for outcome in px:
        r = row(s.tornado, "input", f"x.levels.{outcome}")
        for end in ("low", "high"):
            v = float(r[end])
            scale = (1 - v) / (1 - px[outcome])
            want = sum((v if k == outcome else px[k] * scale) * py[k] for k in px)
            assert r[f"q_{end}"] == pytest.approx(want, abs=1e-12), (outcome, end)
    # learning which outcome x has: the partition into absent, generic, named
    w = row(s.voi, "node", "x: which outcome")
    assert w["move"] == pytest.approx(sum(px[k] * abs(py[k] - q) for k in px))
    assert w["brier"] == pytest.approx(sum(px[k] * (py[k] - q) ** 2 for k in px))
    mi = entropy(q) - sum(px[k] * entropy(py[k]) for k in px)
    assert w["log_loss"] == pytest.approx(mi, rel=1e-10)
    # x == named against the rest
    r = row(s.voi, "node", "x == named")
    rest = (0.2 * 0.1 + 0.45 * 0.5) / 0.65
    assert (r["p_node"], r["q_if_true"], r["q_if_false"]) == (
        pytest.approx(0.35), pytest.approx(0.9), pytest.approx(rest))
    # present (not absent)
    r = row(s.voi, "node", "x")
    assert r["q_if_true"] == pytest.approx((0.45 * 0.5 + 0.35 * 0.9) / 0.8)
    assert r["q_if_false"] == pytest.approx(0.1)


DATED = """\
pactsim: 2
id: dated
as_of: 2024-01-01
horizon: 2024-12-31
signing:
  by: {2024-03-01: 0.3, 2024-07-01: 0.5}
drivers:
  u: {dist: uniform, low: 0, high: 2}
events:
  e: {p: 0.2, odds: {u: 3}}
"""


def _median_day(p1: float, p2: float) -> int:
    """First day t (from as_of) with F(t) >= P(signed) / 2, F linear from 0 to p1 on day
    60 (Mar 1, 2024) and to p2 on day 182 (Jul 1), flat after."""
    half = p2 / 2
    t = 60 * half / p1 if half <= p1 else 60 + 122 * (half - p1) / (p2 - p1)
    return math.ceil(t - 1e-9)


def test_median_date_tornado_by_hand() -> None:
    s = pactsim.sensitivity(pactsim.loads(DATED), "signing.median")
    day0 = dt.date(2024, 1, 1)
    assert s.base.date() == day0 + dt.timedelta(days=_median_day(0.3, 0.5))
    r = row(s.tornado, "input", "signing.by.2024-03-01")
    assert r["q_low"].date() == day0 + dt.timedelta(days=_median_day(r["low"], 0.5))
    assert r["q_high"].date() == day0 + dt.timedelta(days=_median_day(r["high"], 0.5))
    assert r["swing"] == _median_day(r["low"], 0.5) - _median_day(r["high"], 0.5)
    r = row(s.tornado, "input", "signing.by.2024-07-01")
    assert r["q_low"].date() == day0 + dt.timedelta(days=_median_day(0.3, r["low"]))
    assert r["q_high"].date() == day0 + dt.timedelta(days=_median_day(0.3, r["high"]))
    assert len(s.voi) == 0


def test_uniform_driver_swing_by_closed_form() -> None:
    """P(e) = mean over u ~ U(low, high) of expit(logit(0.2) + u ln 3)."""

    def p_e(low: float, high: float, f: float = 3.0) -> float:
        c, k = logit(0.2), math.log(f)
        soft = [math.log1p(math.exp(c + k * u)) for u in (low, high)]
        return (soft[1] - soft[0]) / (k * (high - low))

    s = pactsim.sensitivity(pactsim.loads(DATED), "e")
    assert s.base == pytest.approx(p_e(0, 2), abs=1e-9)
    sd = 2 / math.sqrt(12)
    r = row(s.tornado, "input", "u.low")
    assert (r["low"], r["high"]) == (pytest.approx(-sd / 2), pytest.approx(sd / 2))
    assert r["q_low"] == pytest.approx(p_e(-sd / 2, 2), abs=1e-9)
    assert r["q_high"] == pytest.approx(p_e(sd / 2, 2), abs=1e-9)
    r = row(s.tornado, "input", "e.odds.u")
    assert r["q_low"] == pytest.approx(p_e(0, 2, 1.5), abs=1e-9)
    assert r["q_high"] == pytest.approx(p_e(0, 2, 6.0), abs=1e-9)


def test_ranges_by_hand_and_only() -> None:
    sc = pactsim.loads(TWO)
    s = pactsim.sensitivity(sc, "q", ranges={"a.p": (0.0, 1.0)}, only=["a.p"])
    assert list(s.tornado.input) == ["a.p"]
    r = row(s.tornado, "input", "a.p")
    assert (r["q_low"], r["q_high"], r["swing"]) == (
        pytest.approx(0.2), pytest.approx(0.8), pytest.approx(0.6))
    assert r["range"] == "given"
    with pytest.raises(ArgumentError, match="not an input"):
        pactsim.sensitivity(sc, "q", ranges={"nope.p": (0.1, 0.2)})
    with pytest.raises(ArgumentError):
        pactsim.sensitivity(sc, "q", only=["nope.p"])


WIDE = """\
pactsim: 2
id: wide
as_of: 2024-01-01
horizon: 2024-12-31
events:
  c1: {by: {2024-06-01: 0.5}}
  c2: {by: {2024-06-01: 0.5}}
  m: {after: {all: [c1, c2]}, delay: 0}
  a: {p: {beta: [2, 6]}}
  b: {given: [a], table: {true: 0.8, false: 0.2}}
"""


def test_sensitivity_falls_back_to_monte_carlo_within_4_se_of_closed_form() -> None:
    """Exact inference refuses this file (a milestone after two curves): every row is
    Monte Carlo with one seed, and each end is within 4 se of P(b) = 0.2 + 0.6 p_a."""
    n = 20_000
    s = pactsim.sensitivity(pactsim.loads(WIDE), "b", n=n, seed=1)
    assert s.method == "mc" and any("refused" in x for x in s.notes)
    r = row(s.tornado, "input", "a.p")
    lo, hi = stats.beta.ppf([0.05, 0.95], 2, 6)
    assert (r["low"], r["high"]) == (pytest.approx(lo), pytest.approx(hi))
    for end, pa in (("q_low", lo), ("q_high", hi)):
        want = 0.2 + 0.6 * pa
        assert abs(r[end] - want) < 4 * math.sqrt(want * (1 - want) / n), end
    assert abs(r["swing"] - 0.6 * (hi - lo)) < 4 * r["stderr"]
    assert abs(s.base - 0.35) < 4 * math.sqrt(0.35 * 0.65 / n)


# -- spread and Sobol -------------------------------------------------------------------------
SPREAD = """\
pactsim: 1
id: sp
as_of: 2024-01-01
horizon: 2024-12-31
events:
  s: {p: 0.5}
  a: {p: {beta: [2, 6]}}
  b: {p: {beta: [3, 1]}}
  c: {given: [s], table: {true: {beta: [2, 6]}, false: {beta: [6, 2]}}}
  e: {p: {beta: [2, 6]}, odds: {s: 3}}
  f: {p: 0.4}
questions:
  both: a and b
  lin: c
  qe: e
"""


def test_spread_of_a_beta_p_is_that_beta() -> None:
    """P(a | p) = p: the values are draws of Beta(2, 6) (KS test), their mean is 1/4
    within 4 se and the 80% band its 10% and 90% quantiles."""
    n = 4000
    sp = spread(pactsim.loads(SPREAD), "a", n=n, seed=3)
    assert sp.method == "exact" and sp.n == n and len(sp.values) == n
    assert sp.forecast == pytest.approx(0.25, abs=1e-12)
    assert abs(sp.mean - 0.25) < 4 * sp.stderr
    sd = math.sqrt(2 * 6 / (8**2 * 9))
    assert sp.stderr == pytest.approx(sd / math.sqrt(n), rel=0.1)
    assert stats.kstest(sp.values, stats.beta(2, 6).cdf).pvalue > 1e-3
    for got, q in ((sp.lo, 0.1), (sp.hi, 0.9)):
        x = stats.beta.ppf(q, 2, 6)
        se = math.sqrt(q * (1 - q) / n) / stats.beta.pdf(x, 2, 6)  # of a sample quantile
        assert abs(got - x) < 4 * se
    # the same seed repeats it; another seed does not
    assert np.array_equal(spread(pactsim.loads(SPREAD), "a", n=n, seed=3).values, sp.values)
    assert not np.array_equal(spread(pactsim.loads(SPREAD), "a", n=n, seed=4).values,
                              sp.values)


def test_spread_of_a_product_and_of_an_odds_transform() -> None:
    """a and b: values p_a p_b (mean 3/16, variance E[X^2]E[Y^2] - (EX EY)^2); e with
    odds on s: the mean is E_p[(3p/(1+2p) + p)/2], which is today's forecast."""
    sc = pactsim.loads(SPREAD)
    n = 4000
    both = spread(sc, "both", n=n, seed=5)
    assert both.forecast == pytest.approx(3 / 16, abs=1e-12)
    assert abs(both.mean - 3 / 16) < 4 * both.stderr
    var = (2 * 3 / (8 * 9)) * (3 * 4 / (4 * 5)) - (3 / 16) ** 2
    assert np.var(both.values, ddof=1) == pytest.approx(var, rel=0.1)
    qe = spread(sc, "qe", n=n, seed=5)
    want = integrate.quad(lambda p: 0.5 * (3 * p / (1 + 2 * p) + p)
                          * stats.beta.pdf(p, 2, 6), 0, 1)[0]
    assert qe.forecast == pytest.approx(want, abs=1e-9)
    assert abs(qe.mean - want) < 4 * qe.stderr
    # f is fed by no uncertain input: no spread at all
    f = spread(sc, "f", n=50, seed=5)
    assert np.all(f.values == 0.4) and f.lo == f.hi == pytest.approx(0.4)


def test_spreads_share_draws_with_spread() -> None:
    sc = pactsim.loads(SPREAD)
    many = spreads(sc, ["both", "a", "b"], n=300, seed=2)
    # a and b are drawn from the same u's: both = a * b draw by draw
    np.testing.assert_allclose(many[0].values, many[1].values * many[2].values, atol=1e-12)
    one = spread(sc, "both", n=300, seed=2)
    np.testing.assert_allclose(one.values, many[0].values, atol=1e-12)


def test_sobol_of_a_linear_and_a_product_model_by_closed_form() -> None:
    """P(c) = (p_T + p_F)/2 is additive: S1 = ST = Var(p_i) / sum Var. P(a and b) =
    XY: S1_X = Var X (EY)^2 / V, ST_X = Var X E[Y^2] / V, V = E[X^2]E[Y^2] - (EX EY)^2."""
    pytest.importorskip("SALib")
    sc = pactsim.loads(SPREAD)
    lin = sobol(sc, "lin", n=1024, seed=0)
    # Beta(2, 6) and Beta(6, 2) have the same variance: half each
    for name in ("c.table.true", "c.table.false"):
        for col in ("S1", "ST"):
            assert abs(lin.loc[name, col] - 0.5) < max(3 * lin.loc[name, f"{col}_conf"], 0.03)
    for name in ("a.p", "b.p", "e.p"):
        assert lin.loc[name, "S1"] == pytest.approx(0, abs=1e-9)
        assert lin.loc[name, "ST"] == pytest.approx(0, abs=1e-9)
    ex, vx, ey, vy = 0.25, 12 / (64 * 9), 0.75, 3 / (16 * 5)
    ex2, ey2 = vx + ex**2, vy + ey**2
    v = ex2 * ey2 - (ex * ey) ** 2
    want = {("a.p", "S1"): vx * ey**2 / v, ("a.p", "ST"): vx * ey2 / v,
            ("b.p", "S1"): vy * ex**2 / v, ("b.p", "ST"): vy * ex2 / v}
    prod = sobol(sc, "both", n=1024, seed=0)
    assert prod.attrs["evaluations"] == 1024 * (5 + 2)
    assert prod.attrs["variance"] == pytest.approx(v, rel=0.1)
    for (name, col), w in want.items():
        assert abs(prod.loc[name, col] - w) < max(3 * prod.loc[name, f"{col}_conf"], 0.03), (
            name, col, w)
    # the same seed gives the same table (at fewer draws: the 1024-draw run takes ~8 s)
    small = sobol(sc, "both", n=128, seed=0)
    assert sobol(sc, "both", n=128, seed=0).equals(small)
    assert not sobol(sc, "both", n=128, seed=1).equals(small)


def test_spread_with_curve_points_is_comonotone() -> None:
    """Two uncertain points of the signing curve move together: the answers by the first
    date and by the horizon rank the draws the same way (Spearman 1); each keeps its
    own Beta's mean."""
    sc = pactsim.loads("""\
pactsim: 2
id: curve
as_of: 2024-01-01
horizon: 2024-12-31
signing:
  by: {2024-03-01: {beta: [3, 17]}, 2024-12-31: {beta: [60, 40]}}
""")
    early, late = spreads(sc, ["signing.date <= 2024-03-01", "signing"], n=2000, seed=1)
    assert stats.spearmanr(early.values, late.values).statistic == pytest.approx(1.0)
    assert abs(early.mean - 0.15) < 4 * early.stderr
    assert abs(late.mean - 0.6) < 4 * late.stderr
    assert np.all(late.values >= early.values)


def test_spread_with_monte_carlo_inner_answers() -> None:
    """Exact inference refuses: each draw is answered by 4,000 draws with one seed, so the
    mean is 1/4 within 4 outer se plus the (common) inner error."""
    sp = spread(pactsim.loads(WIDE), "a", n=200, seed=2)
    assert sp.method == "monte carlo" and sp.inner_n == 4000
    inner = math.sqrt(0.25 * 0.75 / 4000)
    assert abs(sp.mean - 0.25) < 4 * math.hypot(sp.stderr, inner)


def test_spread_refuses_a_scenario_without_uncertain_inputs() -> None:
    with pytest.raises(ArgumentError, match="no uncertain inputs"):
        spread(pactsim.loads(TWO), "q")
    assert spreads(pactsim.loads(TWO)) == []


# -- sweep ------------------------------------------------------------------------------------
def test_sweep_exact_values_at_each_grid_point() -> None:
    sc = pactsim.loads(TWO)
    grid = (0.0, 0.1, 0.5, 0.9, 1.0)
    df = pactsim.sweep([{"a.p": p} for p in grid], ["q", "a and b", "b", "not a"], base=sc,
                       method="exact")
    assert len(df) == 4 * len(grid)
    for i, p in enumerate(grid):
        got = df[df.item == i].set_index("target")
        assert got.loc["q", "p"] == pytest.approx(0.2 + 0.6 * p, abs=1e-12)
        assert got.loc["b", "p"] == pytest.approx(0.2 + 0.6 * p, abs=1e-12)
        assert got.loc["a and b", "p"] == pytest.approx(0.8 * p, abs=1e-12)
        assert got.loc["not a", "p"] == pytest.approx(1 - p, abs=1e-12)
        assert (got.stderr == 0).all() and (got.method == "exact").all()
        assert got.loc["q", "changes"] == f"a.p={p!r}"
    kinds = df[df.item == 0].set_index("target").kind
    assert dict(kinds) == {"q": "question", "a and b": "expr", "b": "event", "not a": "expr"}


def test_sweep_design_rows_by_hand() -> None:
    import pandas as pd

    design = pd.DataFrame({"a.p": [0.2, 0.4], "b.table.true": [0.5, 1.0]}, index=["r1", "r2"])
    df = pactsim.sweep(design, ["b"], base=pactsim.loads(TWO), method="exact")
    assert list(df.item) == ["r1", "r2"]
    assert list(df.p) == [pytest.approx(0.2 * 0.5 + 0.8 * 0.2),
                          pytest.approx(0.4 * 1.0 + 0.6 * 0.2)]


def test_sweep_monte_carlo_is_reproducible_item_by_item_and_near_exact() -> None:
    sc = pactsim.loads(TWO)
    n = 20_000
    df = pactsim.sweep({"lo": {"a.p": 0.1}, "hi": {"a.p": 0.9}}, ["b", "a and b"], base=sc,
                       n=n, seed=4)
    for i, (key, p) in enumerate((("lo", 0.1), ("hi", 0.9))):
        got = df[df.item == key].set_index("target")
        for target, want in (("b", 0.2 + 0.6 * p), ("a and b", 0.8 * p)):
            se = math.sqrt(want * (1 - want) / n)
            assert abs(got.loc[target, "p"] - want) < 4 * se, (key, target)
            assert got.loc[target, "stderr"] == pytest.approx(se, rel=0.05)
        assert got.loc["b", "spawn_key"] == (i,) and got.loc["b", "seed"] == 4
        # one row repeated alone, as the docstring says
        alone = pactsim.simulate(sc.with_changes({"a.p": p}), n,
                                 seed=np.random.SeedSequence(4, spawn_key=(i,)),
                                 keep_draws=True, progress=False)
        assert alone.prob("a and b").value == got.loc["a and b", "p"]
    again = pactsim.sweep({"lo": {"a.p": 0.1}, "hi": {"a.p": 0.9}}, ["b", "a and b"],
                          base=sc, n=n, seed=4)
    assert again.p.tolist() == df.p.tolist()


def test_sweep_of_categorical_outcomes() -> None:
    sc = pactsim.loads(CAT)
    df = pactsim.sweep([{"x.levels": {"absent": 0.5, "generic": 0.25, "named": 0.25}}],
                       ["x == named", "x == absent", "qy"], base=sc, method="exact")
    got = df.set_index("target")
    assert got.loc["x == named", "p"] == pytest.approx(0.25)
    assert got.loc["x == named", "kind"] == "outcome"
    assert got.loc["x == absent", "p"] == pytest.approx(0.5)
    assert got.loc["qy", "p"] == pytest.approx(0.5 * 0.1 + 0.25 * 0.5 + 0.25 * 0.9)


# -- pooling ----------------------------------------------------------------------------------
def test_pool_probabilities_by_hand() -> None:
    p, w = [0.2, 0.5, 0.9], [1.0, 2.0, 1.0]
    lo = sum(wi * logit(pi) for wi, pi in zip(w, p, strict=True)) / 4
    assert pool_probabilities(p, weights=w) == pytest.approx(expit(lo), abs=1e-12)
    assert pool_probabilities(p, weights=w, extremize=2.5) == pytest.approx(
        expit(2.5 * lo), abs=1e-12)
    lin = (0.2 + 1.0 + 0.9) / 4
    assert pool_probabilities(p, weights=w, method="linear") == pytest.approx(lin, abs=1e-12)
    assert pool_probabilities(p, weights=w, method="linear", extremize=0.5) == pytest.approx(
        expit(0.5 * logit(lin)), abs=1e-12)
    # a single analyst, and equal numbers, are their own pool
    assert pool_probabilities([0.37]) == pytest.approx(0.37)
    assert pool_probabilities([0.37, 0.37, 0.37], method="linear") == pytest.approx(0.37)
    # a certain analyst decides the geometric pool; the linear pool just averages
    assert pool_probabilities([1.0, 0.3]) == 1.0
    assert pool_probabilities([1.0, 0.3], method="linear") == pytest.approx(0.65)
    assert pool_probabilities([1.0, 0.0], method="linear") == pytest.approx(0.5)
    assert pool_probabilities([0.0, 0.0], method="linear", extremize=2) == 0.0


def test_pool_probabilities_ignores_an_analyst_of_weight_zero() -> None:
    """A weight of 0 leaves the analyst out: a certain 0 from them cannot make the
    geometric pool undefined (before the fix: NaN)."""
    assert pool_probabilities([0.0, 1.0], weights=[0, 1]) == 1.0
    assert pool_probabilities([0.0, 0.6], weights=[0, 1]) == pytest.approx(0.6)
    assert pool_probabilities([0.2, 0.9], weights=[1, 0], method="linear") == pytest.approx(0.2)


@pytest.mark.parametrize("kwargs", [
    {"p": []}, {"p": [0.3, 0.6], "weights": [1]}, {"p": [0.3, 0.6], "weights": [0, 0]},
    {"p": [0.3, 0.6], "weights": [-1, 2]}, {"p": [0.3, 0.6], "weights": [1, math.nan]},
    {"p": [0.3, 1.2]}, {"p": [0.3, 0.6], "method": "median"},
])
def test_pool_probabilities_refuses_bad_input(kwargs: dict[str, object]) -> None:
    """Before the fix these gave a number (0.5, or a broadcast sum) or a numpy warning."""
    with pytest.raises(ArgumentError, match="pool_probabilities"):
        pool_probabilities(**kwargs)  # type: ignore[arg-type]


POOL_A = """\
pactsim: 1
id: deal
as_of: 2024-01-01
horizon: 2024-12-31
events:
  a: {p: 0.2}
  b: {given: [a], table: {true: 0.5, false: 0.1}}
  c: {p: 0.0}
  only_a: {p: 0.5}
questions:
  both: a and b
"""
POOL_B = """\
pactsim: 1
id: deal
as_of: 2024-01-01
horizon: 2024-12-31
events:
  a: {p: 0.6}
  b: {p: 0.3}
  c: {p: 1.0}
questions:
  both: a and b
"""


def test_pool_of_two_files_by_hand() -> None:
    a, b = pactsim.loads(POOL_A), pactsim.loads(POOL_B)
    pa = {"a": 0.2, "b": 0.2 * 0.5 + 0.8 * 0.1, "both": 0.1, "c": 0.0}
    pb = {"a": 0.6, "b": 0.3, "both": 0.18, "c": 1.0}
    geo = pool([a, b], names=["ann", "bob"], weights=[3, 1])
    assert set(geo.table.index) == {"a", "b", "c", "both"}  # only shared names
    for k in ("a", "b", "both"):
        want = expit(0.75 * logit(pa[k]) + 0.25 * logit(pb[k]))
        assert geo.table.loc[k, "pooled"] == pytest.approx(want, abs=1e-12)
        assert geo.table.loc[k, "ann"] == pytest.approx(pa[k], abs=1e-12)
        assert geo.table.loc[k, "spread"] == pytest.approx(abs(pa[k] - pb[k]), abs=1e-12)
    assert math.isnan(geo.table.loc["c", "pooled"])  # a 0 and a 1: undefined
    prov = geo.provenance("b")
    assert list(prov.weight) == [0.75, 0.25]
    lin = pool([a, b], method="linear", extremize=2)
    for k in ("a", "b", "both", "c"):
        m = (pa[k] + pb[k]) / 2
        assert lin.table.loc[k, "pooled"] == pytest.approx(expit(2 * logit(m)), abs=1e-12)
    # bob at weight 0: the pool is ann's own numbers, c included
    ann = pool([a, b], weights=[1, 0])
    for k in ("a", "b", "both", "c"):
        assert ann.table.loc[k, "pooled"] == pytest.approx(pa[k], abs=1e-12), k


# -- scoring ----------------------------------------------------------------------------------
def test_kernels_at_the_edges() -> None:
    assert brier(0.0, 0).item() == 0.0 and brier(1.0, 0).item() == 1.0
    assert brier([0.25, 0.75], [1, 1]).tolist() == [0.5625, 0.0625]
    assert log_score(1.0, 1).item() == 0.0 and log_score(0.0, 0).item() == 0.0
    assert log_score(0.0, 1).item() == math.inf and log_score(1.0, 0).item() == math.inf
    assert log_score(0.25, 0).item() == pytest.approx(-math.log(0.75))
    assert math.isnan(brier(math.nan, 1).item())


def _crps_by_expectations(cdf: list[float], y: int) -> float:
    """CRPS of an integer-valued X (atoms on days 0..m) as E|X - y| - E|X - X'| / 2."""
    f = np.asarray(cdf, dtype=float)
    pmf = np.diff(np.concatenate([[0.0], f, [1.0]]))
    days = np.arange(len(pmf))
    e1 = float(np.sum(pmf * np.abs(days - y)))
    e2 = float(np.sum(pmf[:, None] * pmf[None, :] * np.abs(days[:, None] - days[None, :])))
    return e1 - e2 / 2


@pytest.mark.parametrize("y", [0, 1, 4, 9, 10])
def test_crps_days_is_the_crps_of_the_discrete_law(y: int) -> None:
    cdf = [0.0, 0.1, 0.1, 0.35, 0.5, 0.5, 0.6, 0.7, 0.72, 0.8]  # 0.2 after day 9
    assert crps_days(cdf, y) == pytest.approx(_crps_by_expectations(cdf, y), abs=1e-12)
    # a point mass scores 0 at its own day
    assert crps_days([0.0, 0.0, 1.0, 1.0], 2) == 0.0


DEAL = """\
pactsim: 3
id: deal
as_of: {as_of}
horizon: 2024-01-20
signing:
  by: {{2024-01-11: 0.4, 2024-01-20: 0.6}}
events:
  rain: {{p: {rain}}}
  x: {{levels: {{absent: 0.2, generic: 0.45, named: 0.35}}}}
  fog: {{p: 0.5}}
pillars:
  military: {{p: 0.8}}
"""
DEAL_RES = """\
resolutions: 1
scenario: deal
sources: {{s: a paper}}
outcomes:
  signing: {{outcome: {signed}, resolved: {known}, source: s}}
  rain: {{outcome: false, resolved: 2024-01-11, source: s, base_rate: 0.2}}
  military: {{outcome: true, given: signing, resolved: 2024-01-08, source: s}}
  x: {{outcome: named, resolved: 2024-01-08, source: s}}
  fog: {{outcome: unresolvable, reason: nobody looked}}
"""


def _deal(as_of: str = "2024-01-01", rain: float = 0.3) -> pactsim.Scenario:
    return pactsim.loads(DEAL.format(as_of=as_of, rain=rain))


def _deal_res(signed: str = "2024-01-05", known: str = "2024-01-05") -> object:
    return loads_resolutions(DEAL_RES.format(signed=signed, known=known))


def _signing_cdf(k: int) -> float:
    """F(day k after 2024-01-01): 0.04 k to day 10, then + 0.2/9 a day to 0.6 on day 19."""
    return 0.04 * k if k <= 10 else 0.4 + 0.2 * (k - 10) / 9


def test_score_of_every_kind_of_item_by_hand() -> None:
    card = score(_deal(), _deal_res())
    items = card.items.set_index("item")
    # true/false items: p, Brier, log, and the baselines
    want = {"signing": (0.6, 1), "rain": (0.3, 0), "military": (0.8, 1),
            "x == absent": (0.2, 0), "x == generic": (0.45, 0), "x == named": (0.35, 1)}
    climate = 3 / 6  # share of true among the six true/false items
    for name, (p, y) in want.items():
        r = items.loc[name]
        assert r.kind == "binary" and r.method == "exact"
        assert r.p == pytest.approx(p, abs=1e-12), name
        assert r.brier == pytest.approx((p - y) ** 2, abs=1e-12)
        assert r.log == pytest.approx(-math.log(p if y else 1 - p), abs=1e-12)
        assert (r.brier_half, r.log_half) == (0.25, pytest.approx(math.log(2)))
        rate = 0.2 if name == "rain" else climate
        assert r.base_rate == pytest.approx(rate)
        assert r.brier_base == pytest.approx((rate - y) ** 2)
        assert r.log_base == pytest.approx(-math.log(rate if y else 1 - rate))
    # the one-vs-rest Brier scores add up to the multi-category one
    multi = (0.2 - 0) ** 2 + (0.45 - 0) ** 2 + (0.35 - 1) ** 2
    assert sum(items.loc[f"x == {k}", "brier"] for k in ("absent", "generic", "named")) == (
        pytest.approx(multi))
    # the signing date: day 4 (2024-01-05), 20 days as_of..horizon, 0.4 never by the horizon
    cdf = [_signing_cdf(k) for k in range(20)]
    d = items.loc["signing.date"]
    assert d.p_day == pytest.approx(0.04) and d.log == pytest.approx(-math.log(0.04))
    assert d.crps == pytest.approx(_crps_by_expectations(cdf, 4), abs=1e-9)
    uniform = [k / 20 for k in range(20)]  # 1/20 on days 1..19 and on "after the horizon"
    assert d.log_uniform == pytest.approx(math.log(20))
    assert d.crps_uniform == pytest.approx(_crps_by_expectations(uniform, 4), abs=1e-12)
    assert d.q10 == dt.date(2024, 1, 4)  # first day with F >= 0.1: 0.12 on day 3
    assert d.q90 is None or d.q90 != d.q90  # None, or NaN in the frame
    assert bool(d.covered)  # F never reaches 0.9: the interval is open
    # unresolvable items are listed, never scored
    assert "fog" not in items.index and list(card.unresolvable.item) == ["fog"]
    summ = card.summary().loc["all"]
    assert summ.n_binary == 6 and summ.n_dates == 1
    assert summ.brier == pytest.approx(np.mean([(p - y) ** 2 for p, y in want.values()]))


def test_track_record_weights_each_version_by_the_days_it_stood() -> None:
    card = score([_deal(), _deal("2024-01-03", rain=0.1)], _deal_res())
    t = card.track.set_index("item")
    # rain: 0.3 stood 2 days (Jan 1-3), 0.1 stood 8 days (Jan 3-11); it came out false
    assert t.loc["rain", "days"] == 10 and t.loc["rain", "versions"] == 2
    assert t.loc["rain", "brier"] == pytest.approx((2 * 0.09 + 8 * 0.01) / 10)
    assert t.loc["rain", "log"] == pytest.approx(
        (2 * -math.log(0.7) + 8 * -math.log(0.9)) / 10)
    assert t.loc["rain", "brier_latest"] == pytest.approx(0.01)


def test_a_version_made_after_the_signing_day_does_not_score_its_date() -> None:
    """Signed on Jan 5, known on Jan 8; a version as of Jan 6 gave no mass to Jan 5 (its
    days start at its as_of). Before the fix the day index was -1, which read the mass
    "not by the horizon" (0.4) as the probability of the day."""
    card = score([_deal(), _deal("2024-01-06")], _deal_res(known="2024-01-08"))
    late = card.items[card.items.as_of == dt.date(2024, 1, 6)].set_index("item")
    assert "signing.date" not in late.index and "signing" not in late.index
    assert "rain" in late.index  # rain was still open on Jan 6
    early = card.items[card.items.as_of == dt.date(2024, 1, 1)].set_index("item")
    assert early.loc["signing.date", "p_day"] == pytest.approx(0.04)


def test_score_by_monte_carlo_is_within_4_se_of_exact() -> None:
    card = score(_deal(), _deal_res(), method="mc", n=40_000, seed=2)
    items = card.items.set_index("item")
    for name, p in (("rain", 0.3), ("military", 0.8), ("x == named", 0.35), ("signing", 0.6)):
        r = items.loc[name]
        assert r.method == "montecarlo" and r.stderr > 0
        assert abs(r.p - p) < 4 * r.stderr, name
    again = score(_deal(), _deal_res(), method="mc", n=40_000, seed=2)
    assert again.items.p.tolist() == card.items.p.tolist()


# -- calibration ------------------------------------------------------------------------------
def _isotonic_brute(y: list[float], w: list[float]) -> list[float]:
    """The weighted isotonic fit by the min-max formula
    fit_i = max_{j <= i} min_{k >= i} mean(y[j..k]) (no pooling of violators)."""
    n = len(y)

    def mean(j: int, k: int) -> float:
        return sum(y[t] * w[t] for t in range(j, k + 1)) / sum(w[j:k + 1])

    return [max(min(mean(j, k) for k in range(i, n)) for j in range(i + 1)) for i in range(n)]


@pytest.mark.parametrize("seed", range(5))
def test_pav_equals_the_min_max_isotonic_fit(seed: int) -> None:
    rng = np.random.default_rng(seed)
    y = rng.random(12).round(2).tolist()
    w = (rng.integers(1, 5, 12)).astype(float).tolist()
    np.testing.assert_allclose(pav(y, w), _isotonic_brute(y, w), atol=1e-12)
    np.testing.assert_allclose(pav(y), _isotonic_brute(y, [1.0] * 12), atol=1e-12)


def test_calibration_of_hand_made_outcomes() -> None:
    p = [0.1, 0.1, 0.4, 0.4, 0.4, 0.7, 0.9, 0.9]
    y = [0, 1, 1, 0, 1, 0, 1, 1]
    cal = calibration(p, y, bands=0)
    n, ybar = 8, 5 / 8
    brier_ = np.mean([(a - b) ** 2 for a, b in zip(p, y, strict=True)])
    assert cal.brier == pytest.approx(brier_) and cal.n == n and cal.base_rate == ybar
    # distinct forecasts: 0.1 (1 of 2 true), 0.4 (2 of 3), 0.7 (0 of 1), 0.9 (2 of 2)
    bins = {0.1: (2, 0.5), 0.4: (3, 2 / 3), 0.7: (1, 0.0), 0.9: (2, 1.0)}
    t = cal.table.set_index("p")
    for f, (k, obs) in bins.items():
        assert t.loc[f, "count"] == k and t.loc[f, "observed"] == pytest.approx(obs)
    rel = sum(k * (f - obs) ** 2 for f, (k, obs) in bins.items()) / n
    res = sum(k * (obs - ybar) ** 2 for k, obs in bins.values()) / n
    assert (cal.rel, cal.res, cal.unc) == (pytest.approx(rel), pytest.approx(res),
                                           pytest.approx(ybar * (1 - ybar)))
    assert cal.brier == pytest.approx(cal.rel - cal.res + cal.unc)
    # CORP: the bins 0.4 (2/3) and 0.7 (0) violate order and pool to 2/4 = 0.5
    hat = {0.1: 0.5, 0.4: 0.5, 0.7: 0.5, 0.9: 1.0}
    assert dict(t.recalibrated) == {k: pytest.approx(v) for k, v in hat.items()}
    s_hat = np.mean([(hat[a] - b) ** 2 for a, b in zip(p, y, strict=True)])
    assert cal.mcb == pytest.approx(brier_ - s_hat)
    assert cal.dsc == pytest.approx(ybar * (1 - ybar) - s_hat)
    assert cal.brier == pytest.approx(cal.mcb - cal.dsc + cal.unc)
    assert cal.sharpness == pytest.approx(np.var(p))


def test_calibration_edge_cases() -> None:
    one = calibration([0.7], [1], bands=0)  # a single outcome
    assert (one.brier, one.unc, one.mcb, one.dsc) == (
        pytest.approx(0.09), 0.0, pytest.approx(0.09), 0.0)
    same = calibration([0.3] * 4, [0, 0, 1, 0], bands=0)  # all tied: one bin
    assert len(same.table) == 1 and same.table.recalibrated[0] == pytest.approx(0.25)
    assert same.res == 0.0 and same.sharpness == 0.0
    for p, y in (([], []), ([0.5, math.nan], [1, 0]), ([0.5], [0.5]), ([0.5, 0.2], [1]),
                 ([1.5], [1])):
        with pytest.raises(ArgumentError):
            calibration(p, y, bands=0)
    with pytest.raises(ArgumentError):
        calibration([0.5], [1], level=1.0)


def test_calibration_band_of_one_forecast_value_is_binomial() -> None:
    """Every forecast 0.3, 50 of them: the recalibrated value is the share true, so the
    consistency band is the 5% and 95% quantiles of Binomial(50, 0.3) / 50."""
    cal = calibration([0.3] * 50, [1] * 15 + [0] * 35, bands=4000, level=0.9, seed=1)
    lo, hi = stats.binom.ppf([0.05, 0.95], 50, 0.3) / 50
    assert abs(cal.table.lo[0] - lo) <= 1 / 50 + 1e-12
    assert abs(cal.table.hi[0] - hi) <= 1 / 50 + 1e-12
    again = calibration([0.3] * 50, [1] * 15 + [0] * 35, bands=4000, level=0.9, seed=1)
    assert again.table.equals(cal.table)


# -- diff -------------------------------------------------------------------------------------
def _p_b(pa: float, pt: float) -> float:
    return pa * pt + (1 - pa) * 0.2


def _shapley_brute(values: dict[frozenset[str], float], players: list[str]) -> dict[str, float]:
    """Average over every order of the players of what each adds when it comes."""
    out = dict.fromkeys(players, 0.0)
    orders = list(itertools.permutations(players))
    for order in orders:
        have: frozenset[str] = frozenset()
        for x in order:
            out[x] += (values[have | {x}] - values[have]) / len(orders)
            have = have | {x}
    return out


def _two_values() -> dict[frozenset[str], float]:
    """P(b) with each subset of the edits a.p 0.3 -> 0.6, b.table.true 0.8 -> 0.9, z.p."""
    out = {}
    for k in range(4):
        for s in itertools.combinations(["a.p", "b.table.true", "z.p"], k):
            out[frozenset(s)] = _p_b(0.6 if "a.p" in s else 0.3,
                                     0.9 if "b.table.true" in s else 0.8)
    return out


def test_diff_changes_and_exact_shapley_by_brute_force() -> None:
    a = pactsim.loads(TWO)
    b = a.with_changes({"a.p": 0.6, "b.table.true": 0.9, "z.p": 0.1})
    d = pactsim.diff(a, b, "q")
    ch = d.changes[d.changes.statistic == "p"].set_index("name")
    for name, (va, vb) in {"q": (0.38, _p_b(0.6, 0.9)), "a": (0.3, 0.6), "z": (0.6, 0.1),
                           "b": (0.38, _p_b(0.6, 0.9)), "zero": (0, 0), "one": (1, 1)}.items():
        assert (ch.loc[name, "a"], ch.loc[name, "b"]) == (pytest.approx(va), pytest.approx(vb))
        assert ch.loc[name, "change"] == pytest.approx(vb - va, abs=1e-12)
    values = _two_values()
    want = _shapley_brute(values, ["a.p", "b.table.true", "z.p"])
    att = d.attribution.set_index("edit")
    for edit, w in want.items():
        assert att.loc[edit, "shapley"] == pytest.approx(w, abs=1e-12), edit
        assert att.loc[edit, "one_at_a_time"] == pytest.approx(
            values[frozenset([edit])] - values[frozenset()], abs=1e-12)
    assert att.shapley.sum() == pytest.approx(_p_b(0.6, 0.9) - 0.38, abs=1e-12)
    assert d.totals.loc[0, "change"] == pytest.approx(0.24)


def test_diff_sampled_shapley_sums_to_the_total_and_is_near_exact() -> None:
    a = pactsim.loads(TWO)
    b = a.with_changes({"a.p": 0.6, "b.table.true": 0.9, "z.p": 0.1})
    d = pactsim.diff(a, b, "q", max_exact_edits=0, permutations=200, seed=5)
    assert d.totals.loc[0, "shapley"] == "sampled"
    att = d.attribution.set_index("edit")
    assert att.shapley.sum() == pytest.approx(0.24, abs=1e-12)  # each order telescopes
    want = _shapley_brute(_two_values(), ["a.p", "b.table.true", "z.p"])
    for edit, w in want.items():
        se = att.loc[edit, "shapley_stderr"]
        assert abs(att.loc[edit, "shapley"] - w) <= max(4 * se, 1e-12), edit


def test_diff_by_monte_carlo_is_within_4_paired_se_of_exact() -> None:
    a = pactsim.loads(TWO)
    b = a.with_changes({"a.p": 0.35})  # a small edit: the paired se is far below
    n = 20_000
    d = pactsim.diff(a, b, "q", method="mc", n=n, seed=7)
    r = row(d.changes[d.changes.statistic == "p"], "name", "q")
    exact_change = _p_b(0.35, 0.8) - 0.38
    assert r["method"] == "mc" and 0 < r["stderr"] < r["stderr_independent"] / 3
    assert abs(r["change"] - exact_change) < 4 * r["stderr"]
    z = row(d.changes[d.changes.statistic == "p"], "name", "z")
    assert z["change"] == 0.0 and z["stderr"] == 0.0  # the same draws: nothing moves
    again = pactsim.diff(a, b, "q", method="mc", n=n, seed=7)
    assert again.changes.equals(d.changes)


def test_diff_of_categorical_outcomes_and_text_edits() -> None:
    a = pactsim.loads(CAT)
    b = a.with_changes({"x.levels": {"absent": 0.1, "generic": 0.35, "named": 0.55},
                        "a.label": "Hello"})
    d = pactsim.diff(a, b, "qy")
    ch = d.changes[d.changes.statistic == "p"].set_index("name")
    for k, (va, vb) in {"absent": (0.2, 0.1), "generic": (0.45, 0.35),
                        "named": (0.35, 0.55)}.items():
        assert ch.loc[f"x == {k}", "change"] == pytest.approx(vb - va, abs=1e-12)
    qy = 0.1 * 0.1 + 0.35 * 0.5 + 0.55 * 0.9
    assert ch.loc["qy", "change"] == pytest.approx(qy - 0.56, abs=1e-12)
    # one edit for the map (it sums to 1), and the label is text: attributed nothing
    assert len(d.edits) == 1 and len(d.text_edits) == 1
    assert d.attribution.shapley.tolist() == [pytest.approx(qy - 0.56)]


def test_diff_of_a_median_date() -> None:
    a = pactsim.loads(DATED)
    b = a.with_changes({"signing.by.2024-03-01": 0.2})
    d = pactsim.diff(a, b, "signing.date <= 2024-02-15")
    med = row(d.changes, "statistic", "median")
    assert med["change"] == _median_day(0.2, 0.5) - _median_day(0.3, 0.5)
    # F(45 days) = p1 * 45 / 60
    assert d.totals.loc[0, "a"] == pytest.approx(0.3 * 45 / 60)
    assert d.totals.loc[0, "b"] == pytest.approx(0.2 * 45 / 60)
    mc = pactsim.diff(a, b, method="mc", n=20_000, seed=2)
    m = row(mc.changes, "statistic", "median")
    assert abs(m["change"] - med["change"]) <= max(4 * m["stderr"], 1.0)


# -- history ----------------------------------------------------------------------------------
NEWS = """\
pactsim: 2
id: news
as_of: 2024-01-01
horizon: 2024-12-31
events:
  rain: {p: 0.3}
  wind: {p: 0.5}
  wet: {given: [rain, wind], table: {true: {true: 0.9, false: 0.8}, false: {true: 0.3, false: 0.1}}}
questions:
  qwet: wet
observations:
  - {date: 2024-05-01, source: later, evidence: wind}
  - {date: 2024-03-01, source: radio, evidence: rain, likelihood_ratio: 4}
  - {date: 2024-05-01, source: same day, evidence: not wet, likelihood_ratio: 0.5}
"""
WET = {(True, True): 0.9, (True, False): 0.8, (False, True): 0.3, (False, False): 0.1}


def _posterior(question: str, news: list[tuple[str, float | None]]) -> float:
    """P(question | news) by enumerating the 8 worlds: hard news (ratio None) keeps the
    worlds where it holds, soft news multiplies their weight by its ratio."""
    num = den = 0.0
    for rain, wind, wet in itertools.product((True, False), repeat=3):
        world = {"rain": rain, "wind": wind, "wet": wet, "not wet": not wet}
        w = (0.3 if rain else 0.7) * 0.5 * (WET[rain, wind] if wet else 1 - WET[rain, wind])
        for what, ratio in news:
            w *= (1.0 if world[what] else 0.0) if ratio is None else (
                ratio if world[what] else 1.0)
        den += w
        num += w * world[question]
    return num / den


def test_history_by_enumeration_of_worlds() -> None:
    """Entries are read in date order, those of one day together; each step conditions on
    every observation up to its date."""
    df = pactsim.history(pactsim.loads(NEWS), ["wet", "rain"])
    news = [[], [("rain", 4.0)], [("rain", 4.0), ("wind", None), ("not wet", 0.5)]]
    dates = [dt.date(2024, 1, 1), dt.date(2024, 3, 1), dt.date(2024, 5, 1)]
    assert df.step.tolist() == [0, 0, 1, 1, 2, 2]
    for k in range(3):
        got = df[df.step == k].set_index("question")
        assert got.date.tolist() == [dates[k]] * 2
        for q in ("wet", "rain"):
            assert got.loc[q, "p"] == pytest.approx(_posterior(q, news[k]), abs=1e-12), (k, q)
    assert df.loc[4, "source"] == "later | same day"
    assert df.loc[4, "evidence"] == "wind; not wet (×0.5)"
    assert _posterior("wet", []) == pytest.approx(0.395)  # the helper itself, by hand


def test_history_by_monte_carlo_is_within_4_se_of_exact() -> None:
    sc = pactsim.loads(NEWS)
    n = 50_000
    df = pactsim.history(sc, ["wet", "rain"], method="mc", n=n, seed=1)
    news = [[], [("rain", 4.0)], [("rain", 4.0), ("wind", None), ("not wet", 0.5)]]
    for k in range(3):
        got = df[df.step == k].set_index("question")
        for q in ("wet", "rain"):
            r = got.loc[q]
            assert r.method == "montecarlo" and r.stderr > 0 and 0 < r.n_eff <= n
            assert abs(r.p - _posterior(q, news[k])) < 4 * r.stderr, (k, q)
    assert df[df.step == 0].n_eff.tolist() == [n, n]  # the priors: every draw counts
    again = pactsim.history(sc, ["wet", "rain"], method="mc", n=n, seed=1)
    assert again.p.tolist() == df.p.tolist()


def test_history_refuses_impossible_news_at_its_date() -> None:
    sc = pactsim.loads(NEWS.replace("evidence: wind}", "evidence: wind and not wind}"))
    with pytest.raises(PactsimError, match="2024-05-01"):
        pactsim.history(sc, ["wet"])


def _wind_given_wet(rain: float = 0.3, wind: float = 0.5,
                    table: dict[tuple[bool, bool], float] = WET) -> float:
    on = sum((rain if r else 1 - rain) * table[r, True] for r in (True, False))
    off = sum((rain if r else 1 - rain) * table[r, False] for r in (True, False))
    return wind * on / (wind * on + (1 - wind) * off)


_OBSERVED_Q = "wind"


def _observed() -> pactsim.Scenario:
    return pactsim.loads(NEWS.split("questions:")[0] + """\
observations:
  - {date: 2024-03-01, source: radio, evidence: wet}
""")


def test_sensitivity_of_a_file_with_observations_conditions_every_end() -> None:
    """P(wind | wet observed) depends on rain.p and on wet's table through the news (the
    ancestors of the question and of the evidence). Before the fix those inputs were
    called idle (swing 0, not evaluated) and the ends of wind.p ignored the news
    (q_low was the prior P(wind) = low)."""
    s = pactsim.sensitivity(_observed(), _OBSERVED_Q)
    assert s.base == pytest.approx(_wind_given_wet(), abs=1e-12)
    r = row(s.tornado, "input", "wind.p")
    assert r["q_low"] == pytest.approx(_wind_given_wet(wind=r["low"]), abs=1e-12)
    assert r["q_high"] == pytest.approx(_wind_given_wet(wind=r["high"]), abs=1e-12)
    r = row(s.tornado, "input", "rain.p")
    assert r["q_low"] == pytest.approx(_wind_given_wet(rain=r["low"]), abs=1e-12)
    assert r["q_high"] == pytest.approx(_wind_given_wet(rain=r["high"]), abs=1e-12)
    assert r["swing"] > 0.05
    r = row(s.tornado, "input", "wet.table.false.true")
    cells = {**WET, (False, True): r["high"]}
    assert r["q_high"] == pytest.approx(_wind_given_wet(table=cells), abs=1e-12)


def test_sensitivity_by_monte_carlo_weights_the_draws_by_the_news() -> None:
    """Under observations the draws carry weights (likelihood weighting; 0 where hard news
    fails). Before the fix the tornado and the value of information took plain means of
    the draws: P(wind | wet) came out near the prior 0.5, and rain.p had a swing of 0."""
    n = 40_000
    sc = _observed()
    mc = pactsim.sensitivity(sc, _OBSERVED_Q, method="mc", n=n, seed=3)
    ex = pactsim.sensitivity(sc, _OBSERVED_Q)
    se_base = math.sqrt(ex.base * (1 - ex.base) / (n * 0.35))  # about 35% of draws are wet
    assert abs(mc.base - ex.base) < 4 * se_base
    for name in ("rain.p", "wind.p", "wet.table.true.false"):
        m, e = row(mc.tornado, "input", name), row(ex.tornado, "input", name)
        assert m["stderr"] > 0, name
        assert abs(m["swing"] - e["swing"]) < 4 * m["stderr"], name
        for end in ("q_low", "q_high"):
            assert abs(m[end] - e[end]) < 4 * se_base * 1.5, (name, end)
    m, e = row(mc.voi, "node", "rain"), row(ex.voi, "node", "rain")
    assert e["p_node"] == pytest.approx(0.3 * 0.85 / 0.395)  # P(rain | wet)
    assert abs(m["p_node"] - e["p_node"]) < 4 * se_base
    assert abs(m["q_if_true"] - e["q_if_true"]) < 4 * se_base * 2


def test_diff_by_monte_carlo_weights_the_draws_by_the_news() -> None:
    """Under observations, each change (and its attribution) is of weighted estimates.
    Before the fix the change of P(wind | wet) was 0 (plain means of the draws, where
    wind's own draws do not move) while its columns a and b said otherwise."""
    a = _observed()
    b = a.with_changes({"rain.p": 0.6})
    want = _wind_given_wet(rain=0.6) - _wind_given_wet()
    n = 40_000
    d = pactsim.diff(a, b, "wind", method="mc", n=n, seed=1)
    r = row(d.changes[d.changes.statistic == "p"], "name", "wind")
    assert r["change"] == pytest.approx(r["b"] - r["a"], abs=1e-12)
    assert r["stderr"] > 0 and abs(r["change"] - want) < 4 * r["stderr"]
    rain = row(d.changes[d.changes.statistic == "p"], "name", "rain")
    assert rain["change"] == pytest.approx(rain["b"] - rain["a"], abs=1e-12)
    t = d.totals.iloc[0]
    assert t.a == pytest.approx(r["a"], abs=1e-12) and t.b == pytest.approx(r["b"], abs=1e-12)
    assert abs(t.change - want) < 4 * t.stderr
    assert d.attribution.shapley.sum() == pytest.approx(t.change, abs=1e-12)


def test_diff_of_a_median_date_under_observations_by_monte_carlo() -> None:
    """The observation (e) is independent of the signing date: the weighted median moves
    as the exact one does, within 4 se (or a day)."""
    news = "observations:\n  - {date: 2024-02-01, source: radio, evidence: e}\n"
    a = pactsim.loads(DATED + news)
    b = a.with_changes({"signing.by.2024-03-01": 0.2})
    want = _median_day(0.2, 0.5) - _median_day(0.3, 0.5)
    m = row(pactsim.diff(a, b, method="mc", n=20_000, seed=4).changes, "statistic", "median")
    assert m["method"] == "mc" and m["stderr"] > 0
    assert abs(m["change"] - want) <= max(4 * m["stderr"], 1.0)


def test_a_signing_after_the_horizon_is_the_last_atom() -> None:
    # (military, given signing, is void when signing came after the horizon: left out)
    res = loads_resolutions(DEAL_RES.format(signed="2024-02-10", known="2024-02-10").replace(
        "  military: {outcome: true, given: signing, resolved: 2024-01-08, source: s}\n", ""))
    card = score(_deal(), res)
    items = card.items.set_index("item")
    d = items.loc["signing.date"]
    assert d.p_day == pytest.approx(0.4)  # P(not by the horizon) = 1 - 0.6
    cdf = [_signing_cdf(k) for k in range(20)]
    assert d.crps == pytest.approx(_crps_by_expectations(cdf, 20), abs=1e-9)
    assert "after the horizon" in d.outcome and bool(d.covered)
    s = items.loc["signing"]
    assert s.outcome == "false" and s.brier == pytest.approx(0.36)


# spread drew the uncertain inputs from their priors even when the file's observations bore
# on them, so under news its mean was E_prior[P(Q | news, params)], not today's P(Q | news)
# (0.526 against 0.571 here). The outer draws are now weighted by P(news | params).
def test_spread_mean_is_the_forecast_under_observations() -> None:
    sc = pactsim.loads("""\
pactsim: 2
id: o
as_of: 2024-01-01
horizon: 2024-12-31
events:
  a: {p: {beta: [2, 6]}}
observations:
  - {date: 2024-02-01, source: radio, evidence: a, likelihood_ratio: 4}
""")
    s = spread(sc, "a", n=4000, seed=1)
    assert s.forecast == pytest.approx(4 * 0.25 / (1 + 3 * 0.25), abs=1e-12)  # E[4p]/E[1+3p]
    assert abs(s.mean - s.forecast) < 4 * s.stderr


def test_diff_groups_edits_that_are_only_valid_together() -> None:
    """Raising the first curve point above the second alone is invalid: both points become
    one edit, which carries the whole change of P(signed by Feb 15) = p1 * 45 / 60."""
    a = pactsim.loads(DATED)
    b = a.with_changes({"signing.by.2024-03-01": 0.55, "signing.by.2024-07-01": 0.7,
                        "e.p": 0.3})
    d = pactsim.diff(a, b, "signing.date <= 2024-02-15")
    att = d.attribution.set_index("edit")
    both = "signing.by.2024-03-01 + signing.by.2024-07-01"
    assert set(att.index) == {"e.p", both} and any("applied together" in x for x in d.notes)
    assert att.loc[both, "shapley"] == pytest.approx((0.55 - 0.3) * 45 / 60, abs=1e-12)
    assert att.loc["e.p", "shapley"] == 0.0
    same = pactsim.diff(a, a, "signing.date <= 2024-02-15")
    assert len(same.edits) == 0 and same.totals.loc[0, "change"] == 0.0
    assert same.totals.loc[0, "a"] == pytest.approx(0.3 * 45 / 60)


def test_sweep_on_two_processes_equals_the_sweep_here() -> None:
    sc = pactsim.loads(TWO)
    items = [{"a.p": p} for p in (0.1, 0.5)]
    here = pactsim.sweep(items, ["b"], base=sc, n=5000, seed=9)
    there = pactsim.sweep(items, ["b"], base=sc, n=5000, seed=9, workers=2)
    assert here.p.tolist() == there.p.tolist()


def test_milestone_delay_swing_of_a_median_by_hand() -> None:
    """ratify = signing + 30 days with p 1/2: its median date is the signing's plus 30, and
    the delay's ends (x0.8, x1.2) move it by -6 and +6 days."""
    sc = pactsim.loads(DATED.split("drivers:")[0] + """\
events:
  ratify: {after: signing, delay: 30, p: 0.5}
""")
    s = pactsim.sensitivity(sc, "ratify.median")
    day0 = dt.date(2024, 1, 1)
    assert s.base.date() == day0 + dt.timedelta(days=_median_day(0.3, 0.5) + 30)
    r = row(s.tornado, "input", "ratify.delay")
    assert (r["low"], r["high"]) == (24, 36) and r["swing"] == 12
    assert r["q_low"].date() == day0 + dt.timedelta(days=_median_day(0.3, 0.5) + 24)
    p = pactsim.sensitivity(sc, "ratify")
    assert p.base == pytest.approx(0.25)  # 1/2 P(signed by Dec 1) = 1/2 (1/2)
    assert row(p.tornado, "input", "ratify.delay")["swing"] == 0.0  # the curve is flat


def test_categorical_voi_by_monte_carlo_is_near_exact() -> None:
    sc = pactsim.loads(CAT)
    n = 40_000
    ex = pactsim.sensitivity(sc, "qy", only=["x.levels.named"])
    mc = pactsim.sensitivity(sc, "qy", only=["x.levels.named"], method="mc", n=n, seed=6)
    for node in ("x == named", "x == generic", "x"):
        e, m = row(ex.voi, "node", node), row(mc.voi, "node", node)
        assert abs(m["p_node"] - e["p_node"]) < 4 * math.sqrt(e["p_node"] * (1 - e["p_node"]) / n)
        k = e["p_node"] * n
        assert abs(m["q_if_true"] - e["q_if_true"]) < 4 * math.sqrt(0.25 / k), node
    e, m = row(ex.voi, "node", "x: which outcome"), row(mc.voi, "node", "x: which outcome")
    assert m["brier"] == pytest.approx(e["brier"], abs=0.01)
