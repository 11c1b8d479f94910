"""pactsim.sensitivity: tornado values and value of information derived by hand."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

import pactsim
from pactsim.analysis.sensitivity import _upstream, inputs, voi_row
from pactsim.errors import ArgumentError

HEAD = "pactsim: {fmt}\nid: t\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"


def _sc(body: str, fmt: int = 1) -> pactsim.Scenario:
    return pactsim.loads(HEAD.format(fmt=fmt) + body)


def expit(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def kl(p: float, q: float) -> float:
    return sum(a * math.log(a / b) for a, b in ((p, q), (1 - p, 1 - q)) if a > 0)


AND = ("events:\n  a: {p: {between: [0.2, 0.6]}}\n  b: {p: 0.5}\n  c: {p: 0.3}\n"
       "questions:\n  both: a and b\n")


@pytest.fixture(scope="module")
def both() -> pactsim.Scenario:
    return _sc(AND)


def _row(frame: pd.DataFrame, col: str, name: str) -> pd.Series:
    return frame[frame[col] == name].iloc[0]


def test_tornado_of_a_and_b(both: pactsim.Scenario) -> None:
    s = pactsim.sensitivity(both, "both")
    assert s.method == "exact" and s.n is None
    pa = float(pactsim.exact(both).prob("a").value)  # the mean of the fitted Beta
    assert s.base == pytest.approx(pa * 0.5, abs=1e-12)
    a = _row(s.tornado, "input", "a.p")
    # swinging p_a over its 90% interval [lo, hi] gives Q from lo p_b to hi p_b
    assert (a.low, a.high) == pytest.approx((0.2, 0.6), abs=1e-9)
    assert (a.q_low, a.q_high) == pytest.approx((0.2 * 0.5, 0.6 * 0.5), abs=1e-9)
    assert a.swing == pytest.approx(0.2, abs=1e-9) and a.stderr == 0 and a.method == "exact"
    b = _row(s.tornado, "input", "b.p")
    lo, hi = expit(-1), expit(1)  # ±1 log-odds around 0.5
    assert (b.low, b.high) == pytest.approx((lo, hi), abs=1e-12)
    assert (b.q_low, b.q_high) == pytest.approx((pa * lo, pa * hi), abs=1e-12)
    assert b.range == "±1 log-odds"
    c = _row(s.tornado, "input", "c.p")  # c does not feed the question
    assert c.swing == 0 and c.q_low == c.q_high == pytest.approx(s.base)
    assert list(s.tornado.input) == ["a.p", "b.p", "c.p"]  # largest swing first
    assert any("do not feed" in note for note in s.notes)


def test_voi_of_a_and_b(both: pactsim.Scenario) -> None:
    s = pactsim.sensitivity(both, "both")
    pa, pb = float(pactsim.exact(both).prob("a").value), 0.5
    q = pa * pb
    a = _row(s.voi, "node", "a")
    assert a.p_node == pytest.approx(pa, abs=1e-12)
    assert a.q_if_true == pytest.approx(pb, abs=1e-12) and a.q_if_false == 0
    assert a.brier == pytest.approx(pa * (1 - pa) * pb ** 2, abs=1e-12)
    assert a.move == pytest.approx(2 * pa * (1 - pa) * pb, abs=1e-12)
    mi = pa * kl(pb, q) + (1 - pa) * kl(0.0, q)
    assert a.log_loss == pytest.approx(mi, abs=1e-12)
    b = _row(s.voi, "node", "b")
    assert (b.q_if_true, b.q_if_false) == pytest.approx((pa, 0.0), abs=1e-12)
    assert b.brier == pytest.approx(pb * (1 - pb) * pa ** 2, abs=1e-12)
    c = _row(s.voi, "node", "c")  # independent of Q: worth nothing, exactly (no 1e-33 noise)
    assert c.move == 0 and c.brier == 0 and c.log_loss == 0
    assert c.q_if_true == c.q_if_false == s.base
    assert list(s.voi.group) == ["context"] * 3
    assert list(s.voi.node[:2]) == ["b", "a"] if pb * (1 - pb) * pa ** 2 > \
        pa * (1 - pa) * pb ** 2 else ["a", "b"]


def test_voi_row_identities() -> None:
    q, move, brier, mi = voi_row(0.3, 0.9, 0.2)
    assert q == pytest.approx(0.41)
    assert brier == pytest.approx(0.3 * 0.49 ** 2 + 0.7 * 0.21 ** 2)
    h = -(q * math.log(q) + (1 - q) * math.log(1 - q))
    hq = [-(x * math.log(x) + (1 - x) * math.log(1 - x)) for x in (0.9, 0.2)]
    assert mi == pytest.approx(h - 0.3 * hq[0] - 0.7 * hq[1])  # I(Q; X) = H(Q) - H(Q | X)
    assert move == pytest.approx(0.3 * 0.49 + 0.7 * 0.21)


def test_odds_factor_and_table_cell() -> None:
    sc = _sc("events:\n  a: {p: 0.5}\n  b: {p: 0.2, odds: {a: 3}}\n"
             "  c:\n    given: [a]\n    table: {true: 0.6, false: 0.1}\n")
    s = pactsim.sensitivity(sc, "b", voi=False)
    r = _row(s.tornado, "input", "b.odds.a")
    assert (r.low, r.high) == (1.5, 6.0)  # ÷/× 2

    def pb(f: float) -> float:
        return 0.5 * expit(logit(0.2) + math.log(f)) + 0.5 * 0.2

    assert (r.q_low, r.q_high) == pytest.approx((pb(1.5), pb(6.0)), abs=1e-12)
    t = pactsim.sensitivity(sc, "c", voi=False)
    cell = _row(t.tornado, "input", "c.table.true")
    lo, hi = expit(logit(0.6) - 1), expit(logit(0.6) + 1)
    assert (cell.q_low, cell.q_high) == pytest.approx((0.5 * lo + 0.05, 0.5 * hi + 0.05),
                                                      abs=1e-12)
    assert _row(t.tornado, "input", "c.table.false").q_low == pytest.approx(
        0.3 + 0.5 * expit(logit(0.1) - 1), abs=1e-12)
    # factor= widens the default range of odds factors
    wide = pactsim.sensitivity(sc, "b", voi=False, factor=4.0)
    # (3 / 4 would reverse the effect of a: the low end stops at 1, no effect)
    assert tuple(_row(wide.tornado, "input", "b.odds.a")[["low", "high"]]) == (1.0, 12.0)


def test_by_point_kept_between_neighbours() -> None:
    sc = _sc("signing:\n  by: {2025-06-30: 0.3, 2025-12-31: 0.4}\n")
    items = {i.name: i for i in inputs(sc)}
    first = items["signing.by.2025-06-30"]
    assert first.low == pytest.approx(expit(logit(0.3) - 1))
    # half-way to the next point: at 0.4 the curve would be flat from June to December
    assert first.high == pytest.approx(0.35) and "half-way to its neighbours" in first.range
    s = pactsim.sensitivity(sc, "signing.date <= 2025-06-30", voi=False)
    r = _row(s.tornado, "input", "signing.by.2025-06-30")
    assert (r.q_low, r.q_high) == pytest.approx((first.low, 0.35), abs=1e-9)


DELAY = ("signing:\n  by: {2025-12-31: 0.73}\nevents:\n  m:\n    after: signing\n"
         "    delay: 100\nquestions:\n  m_by_end: m.date <= 2025-12-31\n")


def test_delay_swing_by_hand() -> None:
    sc = _sc(DELAY, fmt=2)
    s = pactsim.sensitivity(sc, "m_by_end", voi=False)
    r = _row(s.tornado, "input", "m.delay")
    assert (r.low, r.high) == (80, 120)  # ±20% of the delay
    # m by the horizon iff signed by day 364 - delay; the curve is linear from as_of
    assert r.q_low == pytest.approx(0.73 * (364 - 80) / 364, abs=1e-9)
    assert r.q_high == pytest.approx(0.73 * (364 - 120) / 364, abs=1e-9)


def test_median_question() -> None:
    sc = _sc(DELAY, fmt=2)
    s = pactsim.sensitivity(sc, "m.median")
    assert s.statistic == "median" and len(s.voi) == 0
    assert any("no value of information" in n for n in s.notes)
    r = _row(s.tornado, "input", "m.delay")
    # given it happens, signing is uniform on days 1..364-d: median (364-d)/2 + d days
    for q, d in ((r.q_low, 80), (r.q_high, 120)):
        expect = pd.Timestamp("2025-01-01") + pd.Timedelta(days=(364 - d) / 2 + d)
        assert abs((q - expect).days) <= 1
    assert r.swing == pytest.approx(abs((r.q_high - r.q_low).days))
    assert "days" in str(s)


def test_driver_ranges() -> None:
    sc = _sc("drivers:\n  x: {dist: normal, mean: 1, sd: 2}\n  u: {dist: uniform, low: 0, "
             "high: 1.2}\nevents:\n  e: {p: 0.5, odds: {x: 1.5, u: 2}}\n")
    items = {i.name: i for i in inputs(sc)}
    assert (items["x.mean"].low, items["x.mean"].high) == (0.0, 2.0)  # ±0.5 sd
    assert (items["x.sd"].low, items["x.sd"].high) == pytest.approx((2 / 1.5, 3.0))
    half = 0.5 * 1.2 / math.sqrt(12)
    assert (items["u.low"].low, items["u.low"].high) == pytest.approx((-half, half))
    s = pactsim.sensitivity(sc, "e", voi=False)
    m = _row(s.tornado, "input", "x.mean")
    assert m.q_low < s.base < m.q_high  # a higher driver raises the odds


def test_monte_carlo_agrees_with_exact(both: pactsim.Scenario) -> None:
    ex = pactsim.sensitivity(both, "both")
    mc = pactsim.sensitivity(both, "both", method="mc", n=20_000, seed=4)
    assert mc.method == "mc" and mc.n == 20_000 and mc.seed == 4
    for name in ("a.p", "b.p"):
        e, m = _row(ex.tornado, "input", name), _row(mc.tornado, "input", name)
        assert m.method == "mc" and m.stderr > 0
        assert abs(m.swing - e.swing) < 4 * m.stderr
        for col in ("q_low", "q_high"):
            se = math.sqrt(e[col] * (1 - e[col]) / 20_000)
            assert abs(m[col] - e[col]) < 4 * se
    for name in ("a", "b"):
        e, m = _row(ex.voi, "node", name), _row(mc.voi, "node", name)
        assert m.method == "mc"
        assert abs(m.p_node - e.p_node) < 4 * math.sqrt(e.p_node * (1 - e.p_node) / 20_000)
        assert abs(m.q_if_true - e.q_if_true) < 0.03
        assert abs(m.brier - e.brier) < 0.01
    assert "common random numbers" in str(mc)


def test_same_seed_same_result(both: pactsim.Scenario) -> None:
    one = pactsim.sensitivity(both, "both", method="mc", n=5_000, seed=11)
    two = pactsim.sensitivity(both, "both", method="mc", n=5_000, seed=11)
    pd.testing.assert_frame_equal(one.tornado, two.tornado)
    pd.testing.assert_frame_equal(one.voi, two.voi)
    other = pactsim.sensitivity(both, "both", method="mc", n=5_000, seed=12)
    assert not one.tornado.q_low.equals(other.tornado.q_low)


def test_common_random_numbers_pair_the_draws(both: pactsim.Scenario) -> None:
    s = pactsim.sensitivity(both, "both", method="mc", n=20_000, seed=1)
    a = _row(s.tornado, "input", "a.p")
    independent = math.sqrt((a.q_low * (1 - a.q_low) + a.q_high * (1 - a.q_high)) / 20_000)
    assert a.stderr < independent


def test_ranges_only_and_question_forms(both: pactsim.Scenario) -> None:
    s = pactsim.sensitivity(both, "a and b", ranges={"a.p": (0.1, 0.9)}, only=["a.p"])
    assert list(s.tornado.input) == ["a.p"]
    r = s.tornado.iloc[0]
    assert (r.q_low, r.q_high, r.range) == (pytest.approx(0.05), pytest.approx(0.45), "given")
    assert pactsim.sensitivity(both, "a", voi=False).base == pytest.approx(
        float(pactsim.exact(both).prob("a").value))
    assert pactsim.sensitivity(both).question == "both"  # the first true/false question


def test_errors(both: pactsim.Scenario) -> None:
    with pytest.raises(ArgumentError, match="unknown name"):
        pactsim.sensitivity(both, "nope")
    with pytest.raises(ArgumentError, match="not an input"):
        pactsim.sensitivity(both, "both", ranges={"z.p": (0.1, 0.2)})
    with pytest.raises(ArgumentError, match="method"):
        pactsim.sensitivity(both, "both", method="fast")  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="logit_range"):
        pactsim.sensitivity(both, "both", logit_range=-1)
    with pytest.raises(ArgumentError, match="dated node"):
        pactsim.sensitivity(both, "a.median")
    with pytest.raises(TypeError):
        pactsim.sensitivity(both, 3)  # type: ignore[arg-type]
    numeric = _sc("events:\n  a: {p: 0.5}\nquestions:\n  n: count(a)\n")
    with pytest.raises(ArgumentError, match="true/false"):
        pactsim.sensitivity(numeric, "n")


def test_views(both: pactsim.Scenario) -> None:
    s = pactsim.sensitivity(both, "both")
    text = str(s)
    assert "Tornado" in text and "What to watch" in text and "a.p" in text
    data = json.loads(s.to_json())
    assert data["question"] == "both" and data["run"]["method"] == "exact"
    assert [r["input"] for r in data["tornado"]] == ["a.p", "b.p", "c.p"]
    assert {r["node"] for r in data["voi"]} == {"a", "b", "c"}
    assert "What drives it" in s._repr_html_()
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    from pactsim import plot

    assert isinstance(s.plot_tornado(), Figure) and isinstance(s.plot_voi(), Figure)
    assert isinstance(plot.tornado(s), Figure)
    assert isinstance(plot.value_of_information(s), Figure)


def test_flagship_inputs_are_every_number() -> None:
    sc = pactsim.load("scenarios/iran-russia-2024.yaml")
    names = {i.name for i in inputs(sc)}
    for expected in ("alignment.mean", "alignment.sd", "us_trump_win.p",
                     "ukraine_war_continues.table.true", "ratified_ru.delay",
                     "ratified_ir.hazard_ratio.alignment", "signing.by.2024-12-31",
                     "military.odds.alignment", "su35_sale.p", "s400_sale.table.true"):
        assert expected in names
    war = {i.name: i for i in inputs(sc)}["ukraine_war_continues.table.true"]
    assert (war.low, war.high) == pytest.approx((0.5, 0.85), abs=1e-9)  # its 90% interval


def test_auto_falls_back_to_monte_carlo_where_exact_refuses() -> None:
    # exact inference compares a driver only with a number: 'x > y' needs Monte Carlo
    sc = _sc("drivers:\n  x: {dist: normal, mean: 0, sd: 1}\n  y: {dist: normal, mean: 0, "
             "sd: 1}\nevents:\n  a: {p: 0.5}\n  b: {p: 0.4}\nquestions:\n  q: a and x > y\n")
    n = 20_000
    s = pactsim.sensitivity(sc, "q", n=n, seed=2)
    assert s.method == "mc" and (s.n, s.seed) == (n, 2)
    assert any("exact inference refused" in note for note in s.notes)
    from statistics import NormalDist

    def p(shift: float, sd_x: float = 1.0) -> float:  # P(a and x > y), x - y ~ N(shift, .)
        return 0.5 * NormalDist().cdf(shift / math.sqrt(sd_x ** 2 + 1))

    m = _row(s.tornado, "input", "x.mean")
    for got, want in ((m.q_low, p(-0.5)), (m.q_high, p(0.5))):
        assert abs(got - want) < 4 * math.sqrt(want * (1 - want) / n)
    assert abs(m.swing - (p(0.5) - p(-0.5))) < 4 * m.stderr
    assert _row(s.tornado, "input", "b.p").swing == 0  # b does not feed q
    a = _row(s.voi, "node", "a")
    assert a.method == "mc" and a.q_if_false == 0
    assert abs(a.q_if_true - 0.5) < 4 * math.sqrt(0.25 / (n / 2))


def test_voi_of_a_node_independent_of_the_question_is_exactly_zero() -> None:
    """brics_payments does not bear on the signing date of the flagship: exact sums left
    a Brier reduction of 3e-34 and a log loss of 9e-18 (rounding), shown as tiny numbers."""
    from pathlib import Path

    sc = pactsim.load(Path(__file__).resolve().parents[2] / "scenarios" / "iran-russia-2024.yaml")
    assert "brics_payments" not in _upstream(sc, {"signing"})  # the premise
    s = pactsim.sensitivity(sc, "signed_by_2024")
    row = _row(s.voi, "node", "brics_payments")
    assert row.move == 0 and row.brier == 0 and row.log_loss == 0


def test_a_delay_median_is_the_written_number() -> None:
    """The tornado's base of a {median, p90} delay is the median as written (a review
    found 199.99999999999991 for 200 in the JSON)."""
    sc = pactsim.load("scenarios/iran-russia-2024.yaml")
    rows = pactsim.sensitivity(sc, "in_force_by_2025").tornado.set_index("input")
    assert rows.loc["ratified_ir.delay", "base"] == 200.0
    assert rows.loc["ratified_ru.delay", "base"] == 140.0
    assert rows.loc["in_force.delay", "base"] == pytest.approx((7 * 60) ** 0.5, rel=1e-11)
