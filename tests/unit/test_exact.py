"""Exact inference (pactsim.exact): closed forms, quadrature, dates, limits, frames.

Reference values come from three independent places: the hand derivations in
``tests/reference_answers.py`` (to 1e-12), scipy.integrate.quad for drivers and
uncertain probabilities with odds (to 1e-8), and a hand-written signing CDF
with Fractions for every date comparison (to 1e-12).
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from fractions import Fraction as Fr
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special, stats

import pactsim
from pactsim.errors import ConditionError, ModelTooWideError, PactsimError, ScenarioError
from pactsim.language.distributions import between_to_beta
from pactsim.language.io import from_dict
from pactsim.results.exact import ExactResults, exact

TESTS = Path(__file__).parents[1]
if str(TESTS) not in sys.path:  # pyproject's pythonpath does this too; keep the file standalone
    sys.path.insert(0, str(TESTS))
from reference_answers import ANSWERS, CONDITIONAL  # noqa: E402

SCENARIOS = TESTS.parent / "scenarios"
AS_OF, HORIZON = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


@cache
def _exact_file(name: str) -> ExactResults:
    return exact(pactsim.load(SCENARIOS / name))


def _scenario(**sections: object) -> pactsim.Scenario:
    return from_dict({"pactsim": 1, "id": "t", "as_of": AS_OF, "horizon": HORIZON, **sections})


# -- closed forms --------------------------------------------------------------
@pytest.mark.parametrize(("file", "expr", "value"),
                         [(f, e, v) for f, a in ANSWERS.items() for e, v in a.items()])
def test_reference_answers(file: str, expr: str, value: float) -> None:
    est = _exact_file(file).prob(expr)
    assert est.value == pytest.approx(value, abs=1e-12)
    assert est.stderr == 0.0
    assert est.lo == est.hi == est.value


@pytest.mark.parametrize(("file", "expr", "given", "value"),
                         [(f, e, g, v) for f, c in CONDITIONAL.items() for e, g, v in c])
def test_reference_conditionals(file: str, expr: str, given: str, value: float) -> None:
    assert _exact_file(file).prob(expr, given=given).value == pytest.approx(value, abs=1e-12)


@pytest.mark.parametrize("file", sorted(ANSWERS))
def test_marginals_match_prob_of_every_node(file: str) -> None:
    ex = _exact_file(file)
    frame = ex.marginals()
    for name, row in frame.iterrows():
        if name in ANSWERS[file]:
            assert row["p"] == pytest.approx(ANSWERS[file][str(name)], abs=1e-12)
    signed = frame["p"].get("signing")
    for name, row in frame[frame["kind"].isin(["pillar", "clause"])].iterrows():
        assert row["p_given_signed"] == pytest.approx(row["p"] / signed, abs=1e-12)
        assert ex.prob(str(name), given="signing").value == pytest.approx(
            row["p_given_signed"], abs=1e-12)


# -- drivers and uncertain p with odds, against scipy.integrate.quad ------------
DRIVERS: dict[str, Any] = {
    "drivers": {
        "mood": {"dist": "normal", "mean": 0.3, "sd": 1.2},
        "luck": {"dist": "uniform", "low": -1.0, "high": 2.0},
    },
    "events": {
        "x": {"p": 0.3, "odds": {"mood": 2.0}},
        "y": {"p": 0.6, "odds": {"mood": 0.5, "x": 3.0}},
        "w": {"p": 0.4, "odds": {"luck": 3.0}},
        "b": {"p": {"beta": [2, 5]}, "odds": {"x": 4.0}},
        "c": {"p": {"between": [0.2, 0.5]}, "odds": {"x": 0.25}},
        "v": {"p": {"beta": [0.7, 1.3]}, "odds": {"mood": 1.5}},
        "g": {"p": 0.5, "requires": ["x"], "excludes": ["w"]},
    },
    "questions": {"mood_high": "mood > 1", "lucky": "luck >= 1.5 and w"},
}
_L, _S = special.logit, special.expit


def _quad(f, a: float = -np.inf, b: float = np.inf, **kw) -> float:  # type: ignore[no-untyped-def]
    value, err = integrate.quad(f, a, b, epsabs=1e-13, epsrel=1e-13, limit=200, **kw)
    assert err < 1e-10
    return float(value)


def _mood(z: float) -> float:
    return 0.3 + 1.2 * z


def _px(z: float) -> float:
    return float(_S(_L(0.3) + math.log(2.0) * _mood(z)))


def _py(z: float, x: int) -> float:
    return float(_S(_L(0.6) + math.log(0.5) * _mood(z) + x * math.log(3.0)))


def _beta_odds(a: float, b: float, logf: float) -> float:
    """E[sigma(logit p + logf)] for p ~ Beta(a, b), with the endpoint powers as quad weights."""
    f = lambda p: _S(_L(p) + logf)  # noqa: E731
    return _quad(f, 0.0, 1.0, weight="alg", wvar=(a - 1, b - 1)) / special.beta(a, b)


@cache
def _driver_truth() -> dict[str, float]:
    phi = stats.norm.pdf
    px = _quad(lambda z: phi(z) * _px(z))
    pxy = _quad(lambda z: phi(z) * _px(z) * _py(z, 1))
    py = pxy + _quad(lambda z: phi(z) * (1 - _px(z)) * _py(z, 0))
    pw = _quad(lambda u: _S(_L(0.4) + math.log(3.0) * u) / 3.0, -1.0, 2.0)
    pb_x = _beta_odds(2, 5, math.log(4.0))
    ca, cb = between_to_beta(0.2, 0.5)
    pc_x = _beta_odds(ca, cb, math.log(0.25))
    pv = _quad(lambda z: phi(z) * _beta_odds(0.7, 1.3, math.log(1.5) * _mood(z)))
    z1 = (1.0 - 0.3) / 1.2
    return {
        "x": px, "y": py, "w": pw, "x and y": pxy,
        "b": px * pb_x + (1 - px) * 2 / 7,
        "c": px * pc_x + (1 - px) * ca / (ca + cb),
        "v": pv,
        "g": 0.5 * px * (1 - pw),
        "mood_high": float(stats.norm.sf(z1)),
        "x and mood > 1": _quad(lambda z: phi(z) * _px(z), z1, np.inf),
        "mood <= 1 and not x": _quad(lambda z: phi(z) * (1 - _px(z)), -np.inf, z1),
        "mood == 1": 0.0,
        "mood != 1": 1.0,
        "lucky": _quad(lambda u: _S(_L(0.4) + math.log(3.0) * u) / 3.0, 1.5, 2.0),
        "-0.5 < luck": 2.5 / 3.0,
    }


@cache
def _drivers_exact() -> ExactResults:
    return exact(_scenario(**DRIVERS))


@pytest.mark.parametrize("expr", ["x", "y", "w", "x and y", "b", "c", "v", "g", "mood_high",
                                  "x and mood > 1", "mood <= 1 and not x", "mood == 1",
                                  "mood != 1", "lucky", "-0.5 < luck"])
def test_drivers_and_beta_odds_match_quad(expr: str) -> None:
    assert _drivers_exact().prob(expr).value == pytest.approx(_driver_truth()[expr], abs=1e-8)


def test_driver_conditionals_match_quad() -> None:
    ex, t = _drivers_exact(), _driver_truth()
    assert ex.prob("y", given="x").value == pytest.approx(t["x and y"] / t["x"], abs=1e-8)
    assert ex.prob("x", given="mood > 1").value == pytest.approx(
        t["x and mood > 1"] / t["mood_high"], abs=1e-8)


def test_quadrature_error_is_reported_and_small() -> None:
    ex = _drivers_exact()
    assert 0.0 < ex.quadrature_error < 1e-9
    assert _exact_file("analytic-gates.yaml").quadrature_error == 0.0
    coarse = exact(_scenario(**DRIVERS), quad_points=6)
    # a 6-point rule is visibly worse, and its estimated error says so
    assert coarse.quadrature_error > 1e-6
    assert abs(coarse.prob("v").value - _driver_truth()["v"]) < 10 * coarse.quadrature_error


def test_driver_questions_and_numeric() -> None:
    ex = _drivers_exact()
    frame = ex.questions()
    assert frame.loc["mood_high", "p"] == pytest.approx(_driver_truth()["mood_high"], abs=1e-8)
    sc = _scenario(drivers=DRIVERS["drivers"], events={"x": {"p": 0.3}},
                   questions={"m": "mood"})
    s = exact(sc).numeric("m")
    assert (s.mean, s.sd, s.stderr) == pytest.approx((0.3, 1.2, 0.0))
    assert s.quantiles[0.5] == pytest.approx(0.3)


def test_comparing_two_drivers_needs_monte_carlo() -> None:
    with pytest.raises(PactsimError, match="Monte Carlo"):
        _drivers_exact().prob("mood > luck")


# -- the signing date against a hand-written CDF --------------------------------
KNOTS = {dt.date(2025, 2, 10): Fr(1, 5), dt.date(2025, 5, 1): Fr(7, 10),
         dt.date(2025, 9, 30): Fr(4, 5)}
LAST = Fr(4, 5)


def _F(d: dt.date) -> Fr:
    """P(signing.date <= d): 0 at as_of, linear in days between the knots, flat after."""
    prev_d, prev_p = AS_OF, Fr(0)
    if d <= AS_OF:
        return Fr(0)
    for k, p in KNOTS.items():
        if d <= k:
            return prev_p + (p - prev_p) * Fr((d - prev_d).days, (k - prev_d).days)
        prev_d, prev_p = k, p
    return LAST


def _timing() -> pactsim.Scenario:
    return _scenario(signing={"by": {d: float(p) for d, p in KNOTS.items()}},
                     events={"r": {"p": 0.5, "requires": ["signing"]}},
                     pillars={"core": {"p": 0.9, "clauses": {"side": {"p": 0.25}}}},
                     questions={"when": "signing.date", "early": "signing.date < 2025-02-01"})


DAY = dt.timedelta(days=1)
DATES = [dt.date(2024, 12, 31), AS_OF, dt.date(2025, 1, 2), dt.date(2025, 2, 9),
         dt.date(2025, 2, 10), dt.date(2025, 2, 11), dt.date(2025, 3, 15), dt.date(2025, 5, 1),
         dt.date(2025, 9, 30), dt.date(2025, 10, 1), HORIZON]
OPS = {
    "<=": lambda d: _F(d), "<": lambda d: _F(d - DAY), "==": lambda d: _F(d) - _F(d - DAY),
    "!=": lambda d: 1 - (_F(d) - _F(d - DAY)),  # a missing date is != every date
    ">": lambda d: LAST - _F(d), ">=": lambda d: LAST - _F(d - DAY),
}
FLIP = {"<=": ">=", "<": ">", "==": "==", "!=": "!=", ">": "<", ">=": "<="}


@cache
def _timing_exact() -> ExactResults:
    return exact(_timing())


@pytest.mark.parametrize("op", sorted(OPS))
@pytest.mark.parametrize("day", DATES, ids=str)
def test_date_comparisons_match_hand_cdf(op: str, day: dt.date) -> None:
    ex, want = _timing_exact(), float(OPS[op](day))
    assert ex.prob(f"signing.date {op} {day}").value == pytest.approx(want, abs=1e-12)
    assert ex.prob(f"{day} {FLIP[op]} signing.date").value == pytest.approx(want, abs=1e-12)


def test_date_windows_with_other_nodes() -> None:
    ex = _timing_exact()
    lo, hi = dt.date(2025, 2, 5), dt.date(2025, 6, 15)
    window = f"signing.date > {lo} and signing.date <= {hi}"
    assert ex.prob(f"{window} and r").value == pytest.approx(float((_F(hi) - _F(lo)) / 2),
                                                            abs=1e-12)
    assert ex.prob(window, given="r").value == pytest.approx(float((_F(hi) - _F(lo)) / LAST),
                                                             abs=1e-12)
    assert ex.prob(f"side and signing.date <= {hi}").value == pytest.approx(
        float(_F(hi) * Fr(9, 10) / 4), abs=1e-12)
    assert ex.prob("early").value == pytest.approx(float(_F(dt.date(2025, 1, 31))), abs=1e-12)
    assert ex.prob("not early", given="signing").value == pytest.approx(
        float(1 - _F(dt.date(2025, 1, 31)) / LAST), abs=1e-12)


def test_signing_cdf_and_quantiles() -> None:
    ex = _timing_exact()
    frame = ex.signing_cdf(DATES)
    assert frame["p"].tolist() == pytest.approx([float(_F(d)) for d in DATES], abs=1e-12)
    assert (frame["stderr"] == 0).all()
    assert (frame["lo"] == frame["p"]).all()
    full = ex.signing_cdf()
    assert len(full) == (HORIZON - AS_OF).days + 1
    assert full["p"].is_monotonic_increasing
    q = ex.signing_quantiles((0.5,))
    days = [AS_OF + i * DAY for i in range((HORIZON - AS_OF).days + 1)]
    first = next(d for d in days if _F(d) >= Fr(1, 2) * LAST)
    assert q[0.5] == pd.Timestamp(first)
    assert ex.key_dates()[0] == dt.date(2025, 2, 10)


def test_numeric_date_question() -> None:
    s = _timing_exact().numeric("when")
    days = [AS_OF + i * DAY for i in range(1, (HORIZON - AS_OF).days + 1)]
    probs = [float(_F(d) - _F(d - DAY)) for d in days]
    nums = [(d - dt.date(1970, 1, 1)).days for d in days]
    mean = sum(p * x for p, x in zip(probs, nums, strict=True)) / float(LAST)
    assert s.kind == "date"
    assert s.missing == pytest.approx(0.2, abs=1e-12)
    assert s.mean == pytest.approx(mean, abs=1e-6)
    assert s.histogram is not None
    assert s.histogram.sum() == pytest.approx(0.8, abs=1e-12)
    assert s.stderr == 0.0


def test_numeric_count_question() -> None:
    sc = _scenario(events={"a": {"p": 0.3}, "b": {"p": 0.5}, "c": {"p": 0.25}},
                   questions={"n": "count(a, b, c)", "two": "count(a, b, c) >= 2"})
    ex = exact(sc)
    s = ex.numeric("n")
    pmf = np.polynomial.polynomial.polyfromroots([])  # product of (1 - p + p t)
    for p in (0.3, 0.5, 0.25):
        pmf = np.polynomial.polynomial.polymul(pmf, [1 - p, p])
    assert s.histogram is not None
    assert s.histogram.to_numpy() == pytest.approx(pmf, abs=1e-12)
    assert s.mean == pytest.approx(1.05, abs=1e-12)
    assert s.sd == pytest.approx(math.sqrt(0.21 + 0.25 + 0.1875), abs=1e-12)
    assert s.quantiles == {0.1: 0.0, 0.5: 1.0, 0.9: 2.0}
    assert ex.prob("two").value == pytest.approx(pmf[2] + pmf[3], abs=1e-12)
    with pytest.raises(PactsimError, match="is a true/false expression; use prob"):
        ex.numeric("two")


# -- errors --------------------------------------------------------------------
def test_condition_error_when_given_is_impossible() -> None:
    ex = _exact_file("analytic-gates.yaml")
    with pytest.raises(ConditionError, match="probability 0"):
        ex.prob("energy", given="lng and pipeline")
    with pytest.raises(ConditionError):
        ex.prob("energy", given="military and not signing")
    assert ex.prob("military", given="not signing").value == 0.0


def test_expression_errors() -> None:
    ex = _exact_file("analytic-gates.yaml")
    with pytest.raises(ScenarioError, match="did you mean 'military'"):
        ex.prob("militray")
    with pytest.raises(ScenarioError, match="not a true/false expression"):
        ex.prob("count(military, energy)")


def test_wide_question_raises_before_allocating() -> None:
    events = {f"e{i:02d}": {"p": round(0.02 + 0.01 * i, 2)} for i in range(40)}
    ex = exact(_scenario(events=events))
    names = ", ".join(events)
    with pytest.raises(ModelTooWideError, match="max_table") as info:
        ex.prob(f"any({names})")
    assert info.value.width == 40
    # 20 of them fit (2**20 configurations, evaluated in chunks)
    some = list(events)[:20]
    want = 1 - math.prod(1 - events[e]["p"] for e in some)  # type: ignore[operator]
    assert ex.prob(f"any({', '.join(some)})").value == pytest.approx(want, abs=1e-12)


def test_wide_model_raises_before_allocating() -> None:
    roots = {f"x{i:02d}": {"p": 0.5} for i in range(20)}
    pairs = {f"y{i:02d}_{j:02d}": {"given": [f"x{i:02d}", f"x{j:02d}"],
                                   "table": {True: {True: 0.9, False: 0.5},
                                             False: {True: 0.5, False: 0.1}}}
             for i in range(20) for j in range(i + 1, 20)}
    sc = _scenario(events={**roots, **pairs})
    with pytest.raises(ModelTooWideError, match="max_table=65,536") as info:
        exact(sc, max_table=2**16)
    assert info.value.width >= 17  # every pair of roots is joined: one clique of 20 roots
    hub = {f"p{i}": {"p": 0.5} for i in range(12)}
    hub["hub"] = {"p": 0.5, "requires": list(hub)}
    with pytest.raises(ModelTooWideError, match="'hub'"):
        exact(_scenario(events=hub), max_table=2**10)


@pytest.mark.parametrize(("bad", "cls"), [({"quad_points": 0}, ValueError),
                                          ({"max_table": 0}, ValueError),
                                          ({"quad_points": 2.5}, TypeError)])
def test_bad_arguments(bad: dict[str, object], cls: type[Exception]) -> None:
    with pytest.raises(cls, match="must be a positive integer") as info:
        exact(_timing(), **bad)  # type: ignore[arg-type]
    assert isinstance(info.value, PactsimError)


# -- the same surface as Results ---------------------------------------------------
def test_frames_have_the_results_shape() -> None:
    sc = pactsim.load(SCENARIOS / "iran-russia-2024.yaml")
    mc, ex = pactsim.simulate(sc, n=2_000, seed=3), exact(sc)
    for name in ("marginals", "questions"):
        a, b = getattr(mc, name)(), getattr(ex, name)()
        assert list(a.columns) == list(b.columns)
        assert list(a.index) == list(b.index)
        assert a.index.name == b.index.name
        assert (b["stderr"] == 0).all()
    a, b = mc.signing_cdf(), ex.signing_cdf()
    assert list(a.columns) == list(b.columns)
    assert a.index.equals(b.index)
    assert mc.key_dates() == ex.key_dates()
    sa, sb = mc.numeric("n_pillars"), ex.numeric("n_pillars")
    assert sa.kind == sb.kind
    assert sorted(sa.quantiles) == sorted(sb.quantiles)
    assert repr(ex).startswith("<ExactResults 'iran-russia-2024'")
    # a row per binary node but conditions, and an `absent` row per categorical node
    # that can be absent (its other outcomes are binary rows)
    m = ex.model
    assert len(ex.marginals()) == sum(k != "condition" for k in m.kinds) + sum(
        "absent" in lv for lv in m.outcomes.values())
    assert ex.scenario is sc


def test_empty_and_trivial_expressions() -> None:
    ex = exact(_scenario(events={"a": {"p": 0.25}}))
    assert ex.prob("true").value == 1.0
    assert ex.prob("false or a").value == pytest.approx(0.25)
    assert ex.prob("a", given="a").value == 1.0
    with pytest.raises(PactsimError, match="no `signing` section"):
        ex.signing_cdf()


def test_long_question_chains_are_answered_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """2,000 questions, each `not` the previous, over one event of p 0.3: question i
    is a when i is even (0.3) and not a when odd (0.7). They share their base
    variable, so one joint law serves all of them (not one per question)."""
    k = 2000
    qs = {"q0000": "a", **{f"q{i:04d}": f"not q{i - 1:04d}" for i in range(1, k)}}
    sc = _scenario(events={"a": {"p": 0.3}}, questions=qs)
    ex = exact(sc)
    calls = 0
    joint = ExactResults._joint

    def counting(self: ExactResults, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return joint(self, *args, **kwargs)

    monkeypatch.setattr(ExactResults, "_joint", counting)
    frame = ex.questions()
    assert calls == 1
    assert len(frame) == k
    assert frame["p"].iloc[::2].to_numpy() == pytest.approx(0.3)
    assert frame["p"].iloc[1::2].to_numpy() == pytest.approx(0.7)
    assert ex.prob("q1999").value == pytest.approx(0.7) and calls == 1


@pytest.mark.parametrize("horizon", ["2024-02-29", "2024-12-31"])
def test_numeric_histogram_lists_only_possible_values(horizon: str) -> None:
    """A days-between question lists the gaps the scenario can have, whatever the size
    of the joint law (large ones skip configurations of probability 0; review-20): a
    milestone 10 days after its anchor can only be 10 days after it."""
    sc = pactsim.loads(f"pactsim: 2\nid: g\nas_of: 2024-01-01\nhorizon: {horizon}\nevents:\n"
                       f"  start: {{by: {{{horizon}: 0.8}}}}\n"
                       "  done: {after: start, delay: 10}\nquestions:\n"
                       "  gap: done.date - start.date\n")
    s = exact(sc).numeric("gap")
    assert s.histogram is not None
    assert list(s.histogram.index) == [10.0]
    assert s.mean == 10.0
