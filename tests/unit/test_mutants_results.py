"""Tests for the survivors W01, W02, MC1, MC2, MC3, MC4, M10 and M11 of the mutation
audit review-mutants10 (notes/review-mutants10.md): strict date observations and
gated curves in the clamped sampler (``inference/weighting.py``), weighted
conditional probabilities and weighted date-quantile bands (``results/montecarlo.py``),
the date-quantile band and the P(outcome | signed) band (``results/summary.py``).

Each number is compared with an answer from elsewhere: a hand derivation from the
scenario below, exact inference (``pactsim.exact``), a second code path of the
results (``prob`` against ``outcomes``/``date_cdf``, the generic ``given`` path
against the one for ``given="signing"``), or sums over the kept draws and their
weights (``res.draws``) done in the test with the textbook formulas. Monte Carlo
runs have fixed seeds; a comparison with a true value allows ``SIGMAS`` standard
errors, one between two computations of the same number from the same draws a
relative 1e-9 (floating point only), and dates must be equal.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

import pactsim
from pactsim.results.estimate import Estimate, wilson

SIGMAS = 4.5

# y and x: P(date <= as_of + t) = (1/2) t / 89 for t <= 89 (1/89 of 1/2 a day), then flat
# at 1/2. x requires g (p 1/2): when g is false, x cannot happen. signing: 0.7 by Jun 30
# (day 180), none after. war (p 0.6) is independent of everything.
SCENARIO = """\
pactsim: 3
id: mutants-results
as_of: 2025-01-01
horizon: 2025-12-31
events:
  war: {p: 0.6}
  g: {p: 0.5}
  x: {by: {2025-03-31: 0.5}, requires: [g]}
  y: {by: {2025-03-31: 0.5}}
pillars:
  military:
    p: 0.6
    clauses:
      drones: {p: 0.5}
      instc:
        levels: {absent: 0.2, generic: 0.45, named: 0.35}
signing:
  by: {2025-06-30: 0.7}
"""
AS_OF = dt.date(2025, 1, 1)


@pytest.fixture(scope="module")
def sc() -> pactsim.Scenario:
    return pactsim.loads(SCENARIO)


def _close(est: Estimate, truth: float, what: str) -> None:
    assert est.stderr > 0, f"{what}: {est!r} has no error to compare {truth:.6g} with"
    z = (est.value - truth) / est.stderr
    assert abs(z) <= SIGMAS, f"{what}: {est!r} is {z:+.2f} SE from {truth:.6g}"


def _rel(a: float, b: float, what: str, rel: float = 1e-9) -> None:
    assert a == pytest.approx(b, rel=rel, abs=1e-15), f"{what}: {a!r} != {b!r}"


def _row(res: pactsim.Results, name: str) -> np.ndarray:
    assert res.draws is not None
    return np.asarray(res.draws.bits[res.model.index[name]], dtype=bool)


def _weights(res: pactsim.Results) -> np.ndarray:
    assert res.draws is not None
    w = res.draws.weight
    return np.ones(res.draws.n) if w is None else np.asarray(w, dtype=np.float64)


# -- W01: x.date < D is x.date <= D - 1 in the clamped sampler --------------------------
@pytest.mark.parametrize(("strict", "loose", "excluded", "edge"), [
    ("y.date < 2025-02-01", "y.date <= 2025-01-31", "2025-02-01", "2025-01-31"),
    ("not y.date < 2025-02-01", "not y.date <= 2025-01-31", "2025-01-31", "2025-02-01"),
    ("y.date > 2025-01-31", "y.date >= 2025-02-01", "2025-01-31", "2025-02-01"),
])
def test_strict_date_observation_is_the_day_before(sc: pactsim.Scenario, strict: str,
                                                   loose: str, excluded: str,
                                                   edge: str) -> None:
    """Kills W01 (``last = day`` for ``<``: the observation's own day let in).

    Under ``y.date < D`` the day D has weight exactly 0, and the run is the run under
    ``y.date <= D - 1`` draw for draw (same seed, same interval); the first allowed day
    (``edge``) has its exact conditional chance. Likewise ``not y.date < D`` (D allowed,
    D - 1 not) and ``y.date > D`` against ``y.date >= D + 1`` (which W01 leaves alone)."""
    a = pactsim.simulate(sc, n=20_000, seed=3, evidence=strict)
    b = pactsim.simulate(sc, n=20_000, seed=3, evidence=loose)
    assert a.prob(f"y.date == {excluded}").value == 0.0
    np.testing.assert_array_equal(a.date_cdf("y").to_numpy(), b.date_cdf("y").to_numpy())
    np.testing.assert_array_equal(_weights(a), _weights(b))
    ex = pactsim.exact(sc, evidence=strict)
    assert ex.prob(f"y.date == {excluded}").value == 0.0
    for q in [f"y.date == {edge}", "y.date <= 2025-01-15", "y.date <= 2025-03-01", "war"]:
        truth = ex.prob(q).value
        est = a.prob(q)
        if truth in (0.0, 1.0):
            assert est.value == truth, (strict, q, est)
        else:
            _close(est, truth, f"P({q} | {strict})")


def test_strict_date_observation_by_hand(sc: pactsim.Scenario) -> None:
    """Kills W01: given y.date < Feb 1, y's day is uniform on Jan 2 .. Jan 31 (30 days),
    so P(y.date <= Jan 31) = 1 and P(y.date <= Jan 15) = 14/30 (exact to 1e-9 by
    inference, and within SIGMAS SE by Monte Carlo)."""
    e = "y.date < 2025-02-01"
    ex = pactsim.exact(sc, evidence=e)
    assert ex.prob("y.date <= 2025-01-31").value == pytest.approx(1.0, abs=1e-12)
    assert ex.prob("y.date <= 2025-01-15").value == pytest.approx(14 / 30, abs=1e-9)
    res = pactsim.simulate(sc, n=20_000, seed=4, evidence=e)
    assert res.prob("y.date <= 2025-01-31").value == 1.0
    _close(res.prob("y.date <= 2025-01-15"), 14 / 30, "P(y.date <= Jan 15 | y.date < Feb 1)")


# -- W02: a gated curve observed as not happening ----------------------------------------
@pytest.mark.parametrize(("evidence", "f_x"), [
    ("not x", 0.5),                                   # F_x(horizon) = 1/2
    ("not x.date <= 2025-02-28", 0.5 * 58 / 89),      # Feb 28 is day 58
])
def test_gated_curve_observed_false_keeps_the_closed_gate(sc: pactsim.Scenario, evidence: str,
                                                          f_x: float) -> None:
    """Kills W02 (draws whose gate g is closed get weight 0 although x not happening
    is then certain). By hand, P(g | not x) = P(g)(1 - F) / (P(not g) + P(g)(1 - F))
    (1/3 for ``not x``); exact inference must agree to 1e-9, Monte Carlo (n 20,000,
    seed 5) within SIGMAS SE; the mutant gives 1."""
    truth = 0.5 * (1 - f_x) / (0.5 + 0.5 * (1 - f_x))
    ex = pactsim.exact(sc, evidence=evidence)
    assert ex.prob("g").value == pytest.approx(truth, abs=1e-9)
    res = pactsim.simulate(sc, n=20_000, seed=5, evidence=evidence)
    _close(res.prob("g"), truth, f"P(g | {evidence})")
    _close(res.prob("war", given="not g"), 0.6, f"P(war | not g, {evidence})")


# -- MC1: weighted P(a | b) from the kept draws --------------------------------------------
# (expression, condition, the same two over the draws' rows, P(expr | given, not x))
# g given not x: 1/3 (x requires g; nothing else depends on g); drones given signing:
# 0.6 (0.5) = 0.3, independent of g.
MC1_CASES = [
    ("g", "war", lambda v: v["g"], lambda v: v["war"], 1 / 3),
    ("g or drones", "war and signing", lambda v: v["g"] | v["drones"],
     lambda v: v["war"] & v["signing"], 1 - (2 / 3) * (1 - 0.3)),
]


@pytest.mark.parametrize(("expr", "given", "f_of", "c_of", "truth"), MC1_CASES,
                         ids=[c[0] for c in MC1_CASES])
def test_weighted_conditional_matches_the_delta_method(sc: pactsim.Scenario, expr: str,
                                                       given: str, f_of: object,
                                                       c_of: object, truth: float) -> None:
    """Kills MC1 (sum of w^2 f taken as sum of w f). Under ``not x`` the weights are 1/2
    (g true) or 1 (g false). P(a | b) is checked against the self-normalised estimate
    computed here from the draws: p = sum(w c f) / sum(w c), var = sum(w^2 c (f - p)^2)
    / sum(w c)^2, Wilson's interval at p (1 - p) / var draws, n = draws with w c > 0
    (1e-9), and against the true value (SIGMAS SE)."""
    res = pactsim.simulate(sc, n=20_000, seed=6, evidence="not x")
    w = _weights(res)
    assert w.min() < w.max()  # the test needs unequal weights
    values = {k: _row(res, k) for k in ["g", "war", "drones", "signing"]}
    f = f_of(values)  # type: ignore[operator]
    c = c_of(values)  # type: ignore[operator]
    wc = np.where(c, w, 0.0)
    p = float(wc[f].sum() / wc.sum())
    var = float((wc * wc * (f - p) ** 2).sum()) / float(wc.sum()) ** 2
    m = p * (1 - p) / var
    lo, hi = wilson(p * m, m)
    est = res.prob(expr, given=given)
    _rel(est.value, p, "value")
    _rel(est.stderr, math.sqrt(var), "stderr")
    _rel(est.lo, lo, "lo")
    _rel(est.hi, hi, "hi")
    assert est.n == int(np.count_nonzero(wc))
    _close(est, truth, f"P({expr} | {given}, not x)")


# -- MC2: P(pillar | signing) under evidence: its n ----------------------------------------
@pytest.mark.parametrize("node", ["military", "drones"])
def test_weighted_given_signed_two_paths(sc: pactsim.Scenario, node: str) -> None:
    """Kills MC2 (``n`` of P(pillar | signing) = every draw of nonzero weight). The
    path for ``given="signing"`` (from the streaming sums) must give the estimate of
    the generic path (``given="(signing)"``, from the draws): value, stderr, interval,
    ess to 1e-9 and n equal to the number of signed draws of nonzero weight, counted
    here from the draws."""
    res = pactsim.simulate(sc, n=20_000, seed=7, evidence="not x")
    w = _weights(res)
    signed = _row(res, "signing")
    n_signed = int(np.count_nonzero(signed & (w > 0)))
    assert 0 < n_signed < int(np.count_nonzero(w > 0))
    fast = res.prob(node, given="signing")
    slow = res.prob(node, given="(signing)")
    assert fast.n == slow.n == n_signed
    for k in ["value", "stderr", "lo", "hi", "ess"]:
        _rel(getattr(fast, k), getattr(slow, k), k)
    truth = 0.6 if node == "military" else 0.3
    _close(fast, truth, f"P({node} | signing)")


# -- M11: the P(outcome | signed) band of outcomes() ---------------------------------------
@pytest.mark.parametrize("evidence", [None, "not x"])
def test_outcomes_given_signed_band_is_the_estimates_interval(sc: pactsim.Scenario,
                                                              evidence: str | None) -> None:
    """Kills M11 (Wilson band at p (1 - p) / se draws instead of / se^2). Each row of
    ``outcomes(node, given="signing")`` (from the marginals frame) must carry the
    interval of ``prob("node == x", given="signing")`` (``not node`` for absent), a
    second code path, to 1e-9; for exact results the band is the point."""
    res = pactsim.simulate(sc, n=2_000, seed=7, evidence=evidence)
    frame = res.outcomes("instc", given="signing")
    assert list(frame.index) == ["absent", "generic", "named"]
    for x, r in frame.iterrows():
        text = "not instc" if x == "absent" else f"instc == {x}"
        est = res.prob(text, given="signing")
        _rel(float(r.p), est.value, f"{x} p")
        _rel(float(r.stderr), est.stderr, f"{x} stderr")
        _rel(float(r.lo), est.lo, f"{x} lo")
        _rel(float(r.hi), est.hi, f"{x} hi")
    # hand: P(instc | signed) = 0.6 x levels, absent 1 - 0.6 (0.8); x (the evidence)
    # is independent of the text
    hand = {"absent": 1 - 0.6 * 0.8, "generic": 0.6 * 0.45, "named": 0.6 * 0.35}
    ex = pactsim.exact(sc).outcomes("instc", given="signing")
    for x, p in hand.items():
        assert ex.loc[x, "p"] == pytest.approx(p, abs=1e-12)
        assert ex.loc[x, "lo"] == ex.loc[x, "hi"] == ex.loc[x, "p"]
        text = "not instc" if x == "absent" else f"instc == {x}"
        _close(res.prob(text, given="signing"), p, f"P({text} | signing)")


# -- M10 / MC3: date-quantile bands against Wilson bounds computed here ---------------------
LEVELS = (0.1, 0.5, 0.9)


def _hand_band(cum_w: np.ndarray, total: float, ess: float, levels: tuple[float, ...]
               ) -> list[tuple[str, str, str]]:
    """(date, lo, hi) per level from cumulative weights by day (index i: as_of + i) out
    of ``total``, with Wilson bounds at ``ess`` draws (``estimate.wilson``, one day at a
    time): the point is the first day the CDF reaches q, lo the first day its upper
    bound does, hi the first its lower bound does ("NaT": none by the horizon)."""
    p = cum_w / total
    bounds = [wilson(pi * ess, ess) for pi in p]
    lower = np.array([b[0] for b in bounds])
    upper = np.array([b[1] for b in bounds])
    base = np.datetime64(AS_OF, "D")

    def first(curve: np.ndarray, q: float) -> str:
        hit = np.nonzero(curve >= q * (1 - 1e-12))[0]
        return "NaT" if len(hit) == 0 else str(base + int(hit[0]))

    return [(first(p, q), first(upper, q), first(lower, q)) for q in levels]


def _cum_by_day(res: pactsim.Results, node: str, w: np.ndarray) -> tuple[np.ndarray,
                                                                           np.ndarray]:
    """Cumulative weight and squared weight of the draws dated on or before each day
    from as_of to the horizon, from the kept draws."""
    assert res.draws is not None
    day = np.asarray(res.draws.days[res.model.slot[node]], dtype=np.int64)
    as_of = int(np.datetime64(AS_OF, "D").astype(np.int64))
    width = (dt.date(2025, 12, 31) - AS_OF).days + 1
    dated = (day >= as_of) & (day < as_of + width)
    idx = day[dated] - as_of
    cw = np.cumsum(np.bincount(idx, weights=w[dated], minlength=width))
    cw2 = np.cumsum(np.bincount(idx, weights=w[dated] ** 2, minlength=width))
    return cw, cw2


def _assert_band(frame: pd.DataFrame, hand: list[tuple[str, str, str]]) -> None:
    cols = [frame[k].to_numpy().astype("datetime64[D]") for k in ["date", "lo", "hi"]]
    assert list(frame.index) == list(LEVELS)
    for i, (q, want) in enumerate(zip(LEVELS, hand, strict=True)):
        got = tuple(str(c[i]) for c in cols)
        assert got == want, f"level {q}: {got} != {want}"


@pytest.mark.parametrize("given_happened", [True, False])
def test_date_quantile_band_by_hand(sc: pactsim.Scenario, given_happened: bool) -> None:
    """Kills M10 (Wilson centre z^2/t instead of z^2/(2t)). Unweighted, n = 500, seed 8:
    the band of ``date_quantiles("signing", band=True)`` must equal, date for date, the
    one computed here from the signing days of the kept draws with ``estimate.wilson``
    (total: the signed draws, or every draw)."""
    res = pactsim.simulate(sc, n=500, seed=8)
    w = _weights(res)
    cw, _ = _cum_by_day(res, "signing", w)
    total = float(cw[-1]) if given_happened else float(res.n)
    hand = _hand_band(cw, total, total, LEVELS)
    frame = res.date_quantiles("signing", LEVELS, given_happened=given_happened, band=True)
    _assert_band(frame, hand)


@pytest.mark.parametrize("evidence", ["war", "not x"])
def test_weighted_date_quantile_band_by_hand(sc: pactsim.Scenario, evidence: str) -> None:
    """Kills MC3 (effective size from the w^2 of every draw, not of the dated ones).
    Under evidence (n 5,000, seed 9) the band of ``date_quantiles("signing",
    band=True)`` is Wilson's at ess = (sum over signed draws of w)^2 / (sum of w^2),
    computed here from the kept draws. Under ``war`` every weight is the same, so
    this is the unweighted band of the signed draws: ess = their number."""
    res = pactsim.simulate(sc, n=5_000, seed=9, evidence=evidence)
    w = _weights(res)
    cw, cw2 = _cum_by_day(res, "signing", w)
    ess = float(cw[-1]) ** 2 / float(cw2[-1])
    if evidence == "war":
        assert np.all(w == w[0]) and w[0] != 1.0
        _rel(ess, float(np.count_nonzero(_row(res, "signing"))), "ess of the signed draws")
    frame = res.date_quantiles("signing", LEVELS, band=True)
    _assert_band(frame, _hand_band(cw, float(cw[-1]), ess, LEVELS))


# -- MC4: date_cdf standard error -------------------------------------------------------------
def test_date_cdf_stderr_is_that_of_prob() -> None:
    """Kills MC4 (``/ (n - 1)``). At n = 10 (seed 5), ``date_cdf`` of signing on each of
    a few days must have the value, stderr and band of ``prob("signing.date <= d")``
    (``Estimate.from_counts``, other code) and stderr sqrt(p (1 - p) / 10), to 1e-12."""
    sc = pactsim.loads(SCENARIO)
    res = pactsim.simulate(sc, n=10, seed=5)
    days = ["2025-02-15", "2025-04-01", "2025-05-15", "2025-06-30", "2025-12-31"]
    frame = res.date_cdf("signing", days)
    inner = 0
    for d, (_, r) in zip(days, frame.iterrows(), strict=True):
        est = res.prob(f"signing.date <= {d}")
        p = est.value
        inner += 0 < p < 1
        _rel(float(r.p), p, f"{d} p", rel=1e-12)
        _rel(float(r.stderr), est.stderr, f"{d} stderr", rel=1e-12)
        _rel(float(r.stderr), math.sqrt(p * (1 - p) / 10), f"{d} stderr by hand", rel=1e-12)
        _rel(float(r.lo), est.lo, f"{d} lo", rel=1e-12)
        _rel(float(r.hi), est.hi, f"{d} hi", rel=1e-12)
    assert inner >= 3  # the seed gives days strictly inside (0, 1)
