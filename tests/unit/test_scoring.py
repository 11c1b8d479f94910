"""Scores against scoringrules and against numbers derived by hand."""

from __future__ import annotations

import datetime as dt
import math
from types import ModuleType

import numpy as np
import pytest

import pactsim
from pactsim.analysis.calibration import calibration, pav
from pactsim.analysis.scoring import brier, crps_days, log_score, score
from pactsim.language.resolutions import loads_resolutions


@pytest.fixture(scope="module")
def sr() -> ModuleType:
    """scoringrules, imported only by the tests that compare with it: its import compiles
    numba kernels (~5 s), which every pytest worker paid while collecting this module,
    and a missing scoringrules skipped the tests derived by hand as well."""
    return pytest.importorskip("scoringrules", reason="the dev extra's scoringrules")

# F(k) = 0.05 k on days k = 0..10 after as_of; half the mass is "not by the horizon".
SCENARIO = """\
pactsim: 1
id: demo
as_of: {as_of}
horizon: 2024-01-11
signing: {{by: {{2024-01-11: 0.5}}}}
events:
  rain: {{p: {rain}}}
pillars:
  military: {{p: 0.8}}
"""
RESOLUTIONS = """\
resolutions: 1
scenario: demo
sources: {s: a paper}
outcomes:
  signing: {outcome: 2024-01-04, resolved: 2024-01-04, source: s}
  rain: {outcome: false, resolved: 2024-01-11, source: s}
  military: {outcome: true, given: signing, resolved: 2024-01-04, source: s}
"""


def _sc(as_of: str = "2024-01-01", rain: float = 0.3) -> pactsim.Scenario:
    return pactsim.loads(SCENARIO.format(as_of=as_of, rain=rain))


def test_kernels_agree_with_scoringrules(sr: ModuleType) -> None:
    p = np.array([0.1, 0.5, 0.8, 0.99, 0.3])
    y = np.array([0, 1, 1, 0, 1])
    np.testing.assert_allclose(brier(p, y), sr.brier_score(y, p))
    np.testing.assert_allclose(log_score(p, y), sr.log_score(y, p))


def test_date_crps_is_the_crps_of_the_discrete_distribution(sr: ModuleType) -> None:
    cdf = 0.05 * np.arange(11)  # atoms 0.05 on days 1..10, 0.5 on day 11
    members = np.array([*range(1, 11), *[11] * 10], dtype=float)  # the same distribution
    for y in (0, 3, 10, 11, 40):
        want = float(sr.crps_ensemble(float(min(y, 11)), members, estimator="nrg"))
        assert crps_days(cdf, y) == pytest.approx(want, abs=1e-12)
    assert crps_days(cdf, 3) == pytest.approx(3.7625)  # by hand: 0.0125 + 3.75


def test_score_by_hand(sr: ModuleType) -> None:
    card = score(_sc(), loads_resolutions(RESOLUTIONS))
    it = card.items.set_index("item")
    assert it.loc["rain", "p"] == pytest.approx(0.3)
    assert it.loc["rain", "brier"] == pytest.approx(0.09)
    assert it.loc["rain", "log"] == pytest.approx(-math.log(0.7))
    assert it.loc["military", "p"] == pytest.approx(0.8)  # P(military | signing)
    assert it.loc["military", "brier"] == pytest.approx(0.04)
    assert it.loc["signing", "p"] == pytest.approx(0.5)  # by the horizon
    assert set(it.method) == {"exact"}
    # base rate: 2 of the 3 true/false outcomes came true
    assert it.loc["rain", "base_rate"] == pytest.approx(2 / 3)
    assert it.loc["rain", "brier_base"] == pytest.approx(4 / 9)
    assert it.loc["military", "log_base"] == pytest.approx(-math.log(2 / 3))
    assert it.loc["rain", "brier_half"] == 0.25 and it.loc["rain", "log_half"] == math.log(2)
    d = it.loc["signing.date"]
    assert d.p_day == pytest.approx(0.05) and d.log == pytest.approx(-math.log(0.05))
    assert d.crps == pytest.approx(3.7625)
    assert d.log_uniform == pytest.approx(math.log(11))
    uniform = np.arange(1, 12, dtype=float)
    want = float(sr.crps_ensemble(3.0, uniform, estimator="nrg"))
    assert d.crps_uniform == pytest.approx(want)
    assert d.q10 == dt.date(2024, 1, 3) and d.q90 != d.q90 and bool(d.covered)  # NaN: none
    s = card.summary().loc["all"]
    assert s.brier == pytest.approx((0.25 + 0.09 + 0.04) / 3)
    assert s.n_binary == 3 and s.n_dates == 1 and s.coverage80 == 1.0


def test_monte_carlo_is_used_when_asked_and_agrees() -> None:
    card = score(_sc(), loads_resolutions(RESOLUTIONS), method="montecarlo", n=40_000, seed=3)
    it = card.items.set_index("item")
    assert set(it.method) == {"montecarlo"}
    assert abs(it.loc["rain", "p"] - 0.3) < 4 * it.loc["rain", "stderr"]


def test_time_averaged_track_record() -> None:
    """Two versions, 5 days each, before rain resolved on 2024-01-11."""
    v1, v2 = _sc("2024-01-01", 0.3), _sc("2024-01-06", 0.6)
    res = loads_resolutions(RESOLUTIONS.replace(
        "  signing: {outcome: 2024-01-04, resolved: 2024-01-04, source: s}\n", "").replace(
        "  military: {outcome: true, given: signing, resolved: 2024-01-04, source: s}\n", ""))
    card = score([v1, v2], res)
    row = card.track.set_index("item").loc["rain"]
    assert row.days == 10 and row.versions == 2
    assert row.brier == pytest.approx((0.09 + 0.36) / 2)
    assert row.log == pytest.approx((-math.log(0.7) - math.log(0.4)) / 2)


def test_a_later_version_skips_items_resolved_before_it() -> None:
    v1, v2 = _sc("2024-01-01"), _sc("2024-01-06")
    card = score([v1, v2], loads_resolutions(RESOLUTIONS))
    later = card.items[card.items.as_of == dt.date(2024, 1, 6)]
    assert list(later.item) == ["rain"]  # signing and military resolved on 2024-01-04


def test_calibration_by_hand() -> None:
    cal = calibration([0.2, 0.2, 0.8, 0.8], [0, 1, 1, 1], bands=0)
    assert cal.brier == pytest.approx(0.19)
    assert (cal.mcb, cal.dsc, cal.unc) == pytest.approx((0.065, 0.0625, 0.1875))
    assert list(cal.table.recalibrated) == [0.5, 1.0]
    assert (cal.rel, cal.res) == pytest.approx((0.065, 0.0625))  # bins = distinct values here
    assert cal.sharpness == pytest.approx(0.09)


def test_pav_matches_scipy_and_decompositions_add_up() -> None:
    scipy_opt = pytest.importorskip("scipy.optimize")
    rng = np.random.default_rng(5)
    y = rng.random(200)
    if hasattr(scipy_opt, "isotonic_regression"):
        np.testing.assert_allclose(pav(y), scipy_opt.isotonic_regression(y).x)
    p = np.round(rng.random(300), 1)
    o = (rng.random(300) < p).astype(float)
    cal = calibration(p, o, bands=200, seed=1)
    assert cal.brier == pytest.approx(cal.mcb - cal.dsc + cal.unc)
    assert cal.brier == pytest.approx(cal.rel - cal.res + cal.unc)
    assert np.all(np.diff(cal.table.recalibrated) >= -1e-12)
    assert np.all(cal.table.lo <= cal.table.hi)
    # forecasts drawn calibrated: the band holds the true probability nearly everywhere
    inside = (cal.table.lo <= cal.table.p + 1e-9) & (cal.table.p <= cal.table.hi + 1e-9)
    assert inside.mean() >= 0.8


def test_scorecard_exports() -> None:
    import json

    import pandas as pd

    card = score(_sc(), loads_resolutions(RESOLUTIONS))
    data = json.loads(card.to_json())
    assert data["summary"][0]["brier"] == pytest.approx((0.25 + 0.09 + 0.04) / 3)
    assert {i["item"] for i in data["items"]} == {"signing", "signing.date", "rain", "military"}
    import io

    table = pd.read_csv(io.StringIO(card.to_csv()))
    rain = table[(table.section == "item") & (table["item"] == "rain")]
    assert rain.brier.iloc[0] == pytest.approx(0.09)


def test_report_has_a_scoring_section_when_resolutions_are_given() -> None:
    pytest.importorskip("matplotlib")
    from pactsim.views.report import report_html

    page = report_html(pactsim.exact(_sc()), resolutions=loads_resolutions(RESOLUTIONS))
    assert "How did it score?" in page
    assert "<td>rain</td><td>0.300</td><td>false</td>" in page
    assert "How did it score?" not in report_html(pactsim.exact(_sc()))


def test_an_item_given_a_date_past_a_versions_horizon_is_void_in_that_version() -> None:
    """Signed on 2024-01-20: `signing` (by the horizon) held for a version whose horizon
    is 2024-01-31, not for one whose horizon is 2024-01-11. In a series the military
    item is scored in the first only (P(military | signing) = 0.8); one version alone
    is refused at the item's given."""
    short = _sc()
    long = pactsim.loads(SCENARIO.format(as_of="2024-01-02", rain=0.3).replace(
        "horizon: 2024-01-11", "horizon: 2024-01-31").replace(
        "2024-01-11: 0.5", "2024-01-31: 0.5"))
    res = loads_resolutions(RESOLUTIONS.replace("2024-01-04", "2024-01-20"))
    card = score([short, long], res)
    mil = card.items[card.items["item"] == "military"]
    assert list(mil["as_of"]) == [dt.date(2024, 1, 2)]
    assert mil["p"].iloc[0] == pytest.approx(0.8)
    with pytest.raises(pactsim.errors.ScenarioError, match="after the horizon 2024-01-11"):
        score(short, res)


def test_monte_carlo_log_scores_take_half_a_draw_so_a_day_no_draw_reached_is_finite() -> None:
    """review-numbers16 F1: a Monte Carlo date item on a day no draw reached scored
    inf. Such an outcome now counts half a draw, 0.5 / (m + 1) of m draws, and any other
    keeps k / m: checked with k counted from the run's own draws, a day with none
    (F(k) = 0.05 k: day 1 has a 5% chance; a seed of 10 draws with none on it) and rain
    (p = 1 from every draw, outcome false) that would be inf too."""
    sc = pactsim.loads(SCENARIO.format(as_of="2024-01-01", rain=1.0))
    m = 10
    day1 = "signing.date == 2024-01-02"
    none = next(seed for seed in range(50)  # a seed with no draw on day 1 (P = 0.95^10)
                if pactsim.simulate(sc, n=m, seed=seed).prob(day1).value == 0)
    for day, seed in ((dt.date(2024, 1, 4), 3), (dt.date(2024, 1, 2), none)):
        res_text = RESOLUTIONS.replace("2024-01-04, resolved", f"{day}, resolved")
        card = score(sc, loads_resolutions(res_text), method="montecarlo", n=m, seed=seed)
        it = card.items.set_index("item")
        draws = pactsim.simulate(sc, n=m, seed=seed, keep_draws=True)
        k = round(float(draws.prob(f"signing.date == {day}").value) * m)
        assert it.loc["signing.date", "p_day"] == pytest.approx(k / m)
        want = k / m if k else 0.5 / (m + 1)  # half a draw only where none reached it
        assert it.loc["signing.date", "log"] == pytest.approx(-math.log(want))
        assert it.loc["rain", "p"] == 1.0
        assert it.loc["rain", "log"] == pytest.approx(-math.log(0.5 / (m + 1)))
        assert math.isfinite(card.summary().loc["all"].date_log)
    assert k == 0  # the second day: no draw on it (the case that was inf)
    from pactsim.views.scoring import format_scorecard

    text = format_scorecard(card)  # said where the scores are printed (review-session16)
    assert "P(that day) 0 (no draw on it; its log score counts half a draw)" in text
    assert "no draw reached counts half a draw in its log score, 0.5/(m + 1)" in text
    exact_card = score(sc, loads_resolutions(RESOLUTIONS), method="exact")
    assert exact_card.items.set_index("item").loc["rain", "log"] == math.inf  # the model's


def test_log_score_of_a_tiny_chance_is_finite() -> None:
    """review-fuzz16 #5: -ln|p + y - 1| cancelled to -ln 0 = inf for a yes of p = 1e-17
    (1 - 1 + 1e-17 is 0 in floating point); it is -ln p, and -ln(1 - p) for a no."""
    assert float(log_score(1e-17, 1)) == pytest.approx(17 * math.log(10))
    assert float(log_score(1.0, 0)) == math.inf  # a certain miss stays one
    assert float(log_score(1e-300, 0)) == pytest.approx(1e-300, abs=1e-310)
    np.testing.assert_allclose(log_score(np.array([0.3, 0.3]), np.array([1, 0])),
                               [-math.log(0.3), -math.log(0.7)])
