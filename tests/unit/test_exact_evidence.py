"""Exact inference under evidence: ``pactsim.exact(sc, evidence=...)`` (issue 11, item 2).

Reference values come from places that share no code with the conditioning:

* hand derivations: ``CONDITIONAL`` (the analytic scenarios' conditionals) and
  ``EVIDENCE`` (this feature's own, derived in ``tests/reference_answers.py``),
  to 1e-12;
* the unconditioned exact engine through the formulas that define evidence:
  P(Q | E) = P(Q and E) / P(E) for hard findings, the likelihood-ratio formula
  for soft ones;
* the naive reference sampler (``tests/reference_sampler.py``) with rejection on
  its draws, on generated scenarios, with exact binomial tests at a family-wise
  level of 1e-3 per run.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy import stats

import pactsim
from pactsim.errors import (
    ConditionError,
    ExactUnsupportedError,
    ModelTooWideError,
    ScenarioError,
)
from pactsim.language.evidence import Finding, soft
from pactsim.results.exact import ExactResults
from pactsim.results.exact_evidence import ConditionedExactResults
from pactsim.testing import strategies

TESTS = Path(__file__).parents[1]
if str(TESTS) not in sys.path:  # pyproject's pythonpath does this too; keep the file standalone
    sys.path.insert(0, str(TESTS))
from reference_answers import ANSWERS, CONDITIONAL, EVIDENCE  # noqa: E402
from reference_sampler import ReferenceSampler, parse_question  # noqa: E402

SCENARIOS = TESTS.parent / "scenarios"
FLAGSHIP = SCENARIOS / "iran-russia-2024.yaml"


@cache
def _load(name: str) -> pactsim.Scenario:
    return pactsim.load(SCENARIOS / name if "/" not in name else Path(name))


@cache
def _prior(name: str) -> ExactResults:
    return pactsim.exact(_load(name))


def _findings(spec: tuple[tuple[str, float | None], ...]) -> list[Finding]:
    return [Finding(e, r) for e, r in spec]


def _id(case: Any) -> str:
    return str(case)[:70]


# -- hand-derived answers ------------------------------------------------------------

CONDITIONAL_CASES = [(f, e, g, v) for f, rows in CONDITIONAL.items() for e, g, v in rows]


@pytest.mark.parametrize(("file", "expr", "given", "value"), CONDITIONAL_CASES, ids=_id)
def test_the_analytic_conditionals_hold_as_evidence(file: str, expr: str, given: str,
                                                    value: float) -> None:
    """Every hand-derived P(expr | given) of the analytic scenarios, asked as
    ``exact(sc, evidence=given).prob(expr)``."""
    ex = pactsim.exact(_load(file), evidence=given)
    assert isinstance(ex, ConditionedExactResults)
    assert ex.prob(expr).value == pytest.approx(value, rel=1e-12, abs=1e-12)


EVIDENCE_CASES = [(f, spec, e, v) for f, rows in EVIDENCE.items() for spec, e, v in rows]


@pytest.mark.parametrize(("file", "spec", "expr", "value"), EVIDENCE_CASES, ids=_id)
def test_hand_derived_answers_under_evidence(file: str, spec: Any, expr: str,
                                             value: float) -> None:
    """Hard, soft, several, dated (a day, between two days, not by a day) evidence
    against the derivations in ``reference_answers.EVIDENCE``."""
    ex = pactsim.exact(_load(file), evidence=_findings(spec))
    est = ex.prob(expr)
    assert est.value == pytest.approx(value, rel=1e-12, abs=1e-12)
    assert est.stderr == 0.0


def test_dated_evidence_from_a_mapping_of_days() -> None:
    """{"signing": date} is "signing.date == date": the analytic-dated answers at day 15."""
    sc = _load("analytic-dated.yaml")
    ex = pactsim.exact(sc, evidence={"signing": dt.date(2025, 1, 16)})
    assert ex.prob("shock").value == pytest.approx(89 / 109, rel=1e-12)
    # in_force happens on day 85 (2025-03-27) exactly, with its coins' chance 3/10
    cdf = ex.date_cdf("in_force", ["2025-03-26", "2025-03-27", "2025-12-31"])["p"]
    assert cdf.tolist() == pytest.approx([0.0, 0.3, 0.3], abs=1e-12)
    q = ex.date_quantiles("in_force")
    assert (q == pd.Timestamp("2025-03-27")).all()
    # ratify_a is 30 days after signing, with its coin: on 2025-02-15 or never
    assert ex.date_cdf("ratify_a", ["2025-02-14", "2025-02-15"])["p"].tolist() == \
        pytest.approx([0.0, 0.5], abs=1e-12)
    assert (ex.signing_quantiles() == pd.Timestamp("2025-01-16")).all()
    # the day as ISO text means the same
    text = pactsim.exact(sc, evidence={"signing": "2025-01-16"})
    assert text.prob("shock").value == pytest.approx(89 / 109, rel=1e-12)


def test_signing_curve_and_quantiles_given_not_signed_by_a_date() -> None:
    """analytic-timing, not signed by Jan 31 (P = 7/10): the curve restarts there.

    F(d | E) = (F(d) - 3/10) / (7/10) after Jan 31 and 0 before; the median given
    signed is where F - 3/10 reaches half of 9/20: 3/10 + 9/40 at day
    30 + (9/40)/(3/10)(59) = 74.25, so day 75 (2025-03-17).
    """
    ex = pactsim.exact(_load("analytic-timing.yaml"),
                       evidence="not signing.date <= 2025-01-31")
    cdf = ex.signing_cdf(["2025-01-16", "2025-01-31", "2025-03-31", "2025-12-31"])
    assert cdf["p"].tolist() == pytest.approx([0, 0, 3 / 7, 0.45 / 0.7], abs=1e-12)
    assert (cdf["stderr"] == 0).all()
    assert ex.signing_quantiles()[0.5] == pd.Timestamp("2025-03-17")
    band = ex.date_quantiles("signing", band=True)
    assert list(band.columns) == ["date", "lo", "hi"]
    assert band.loc[0.5, "date"] == band.loc[0.5, "lo"] == band.loc[0.5, "hi"] == \
        pd.Timestamp("2025-03-17")
    # the same curve as P(signing.date <= d | E) through prob
    assert ex.prob("signing.date <= 2025-03-31").value == pytest.approx(3 / 7, rel=1e-12)


def test_marginals_questions_bundles_and_numeric_under_evidence() -> None:
    ex = pactsim.exact(_load("analytic-timing.yaml"),
                       evidence="not signing.date <= 2025-01-31")
    m = ex.marginals()
    assert m.loc["signing", "p"] == pytest.approx(9 / 14, rel=1e-12)
    assert m.loc["extra", "p"] == pytest.approx(9 / 35, rel=1e-12)
    assert m.loc["core", "p_given_signed"] == pytest.approx(1.0, rel=1e-12)
    assert m.loc["extra", "p_given_signed"] == pytest.approx(0.4, rel=1e-12)
    assert (m["stderr"] == 0).all()
    q = ex.questions()
    assert q.loc["by_q1", "p"] == pytest.approx(3 / 7, rel=1e-12)
    assert q.loc["by_jan16", "p"] == pytest.approx(0.0, abs=1e-15)
    # P(by_q1 | signed, E) = (3/10) / (9/20) = 2/3
    assert q.loc["by_q1", "p_given_signed"] == pytest.approx(2 / 3, rel=1e-12)

    # analytic-gates given military: pillar sets {M, E, P} 7/12, {M, E} 7/36, {M} 2/9
    b = pactsim.exact(_load("analytic-gates.yaml"), evidence="military").bundles(of="pillars")
    got = dict(zip(b["bundle"], b["p"], strict=True))
    assert got == pytest.approx({"military + energy + payments": 7 / 12,
                                 "military + energy": 7 / 36, "military": 2 / 9}, rel=1e-12)

    # count(a, b, c) given a: 1 + b + c, b ~ 1/2, c ~ 1/4: 1 (3/8), 2 (1/2), 3 (1/8)
    s = pactsim.exact(_load("analytic-independent.yaml"), evidence="a").numeric(
        "count(a, b, c)")
    assert s.mean == pytest.approx(1.75, rel=1e-12)
    assert s.histogram is not None
    assert s.histogram.to_dict() == pytest.approx({1.0: 3 / 8, 2.0: 1 / 2, 3.0: 1 / 8})


def test_a_driver_given_a_comparison_with_it() -> None:
    """mood ~ U(0, 1) given mood > 0.5: U(0.5, 1), mean 3/4, sd 1/(4 sqrt 3); P(mood >
    0.75 | .) = 1/2 (Gauss-Legendre on the split range is exact for these)."""
    sc = pactsim.loads("pactsim: 1\nid: u\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       "drivers:\n  mood: {dist: uniform, low: 0, high: 1}\n"
                       "events:\n  x: {p: 0.5, odds: {mood: 2}}\n")
    ex = pactsim.exact(sc, evidence="mood > 0.5")
    s = ex.numeric("mood")
    assert s.mean == pytest.approx(0.75, rel=1e-12)
    assert s.sd == pytest.approx(0.25 / math.sqrt(3), rel=1e-9)
    assert [s.quantiles[q] for q in (0.1, 0.5, 0.9)] == pytest.approx([0.55, 0.75, 0.95],
                                                                      abs=1e-3)
    assert ex.prob("mood > 0.75").value == pytest.approx(0.5, rel=1e-12)
    # x's chance given mood > 0.5 is the prior's P(x and mood > 0.5) / 1/2
    prior = pactsim.exact(sc)
    assert ex.prob("x").value == pytest.approx(
        prior.prob("x and mood > 0.5").value / 0.5, rel=1e-12)
    assert 0 <= ex.quadrature_error < 1e-6


def test_a_normal_driver_given_an_event_it_drives() -> None:
    """z ~ N(1, 2), y with p = 0.3 and odds 3 per unit of z, given y: the density
    N(1, 2)(z) sigma(logit 0.3 + z ln 3), integrated here on a fine grid."""
    sc = pactsim.loads("pactsim: 1\nid: n\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       "drivers:\n  z: {dist: normal, mean: 1, sd: 2}\n"
                       "events:\n  y: {p: 0.3, odds: {z: 3}}\n")
    grid = np.linspace(-19, 21, 400_001)
    dens = stats.norm(1, 2).pdf(grid) / (1 + np.exp(-(math.log(0.3 / 0.7) + math.log(3) * grid)))
    cdf = np.cumsum(dens) / dens.sum()
    mean = float(grid @ dens / dens.sum())
    sd = math.sqrt(float(((grid - mean) ** 2) @ dens / dens.sum()))
    s = pactsim.exact(sc, evidence="y").numeric("z")
    assert s.mean == pytest.approx(mean, rel=1e-6)
    assert s.sd == pytest.approx(sd, rel=1e-6)
    for q in (0.1, 0.5, 0.9):
        assert s.quantiles[q] == pytest.approx(grid[np.searchsorted(cdf, q)], abs=0.01), q


# -- identities with the unconditioned engine -----------------------------------------

HARD = {
    "analytic-independent.yaml": ["d", "not b", "at_least(1, e, f)", "a or b and c"],
    "analytic-gates.yaml": ["energy and not military", "backlash", "two_pillars"],
    "analytic-timing.yaml": ["signing.date > 2025-03-31", "on_feb15 or not signing"],
    # (the first of each is used for every marginal and question: with
    # crisis.date, a_gap_30 would need a table over three days, refused either way)
    "analytic-dated.yaml": ["early_bonus or crisis", "crisis.date <= 2025-01-31",
                            "not notify.date <= 2025-06-30"],
}


def _same_or_refused(ex: ExactResults, prior: ExactResults, q: str, given: str | None,
                     want: Any = None) -> float | None:
    """The prior's P(q | given) (or ``want()``), or None after checking that the
    conditioned results refuse ``q`` the way the prior does (a joint law too wide or
    unsupported for exact inference either way)."""
    try:
        return float(want() if want is not None else prior.prob(q, given=given).value)
    except (ModelTooWideError, ExactUnsupportedError) as err:
        with pytest.raises(type(err)):
            ex.prob(q)
        return None


@pytest.mark.parametrize(("file", "given"), [(f, g) for f, gs in HARD.items() for g in gs],
                         ids=_id)
def test_hard_evidence_is_prob_given(file: str, given: str) -> None:
    """exact(sc, evidence=E).prob(Q) == exact(sc).prob(Q, given=E), every answer of the file;
    and given= on top of evidence is conditioning on both."""
    prior = _prior(file)
    ex = pactsim.exact(_load(file), evidence=given)
    for q in ANSWERS[file]:
        want = _same_or_refused(ex, prior, q, given)
        if want is not None:
            assert ex.prob(q).value == pytest.approx(want, rel=1e-10, abs=1e-13), q
    first = next(iter(ANSWERS[file]))
    both = prior.prob(f"({first}) and ({given})")
    if both.value > 0:
        assert ex.prob(given, given=first).value == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("file", sorted(HARD), ids=_id)
def test_marginals_under_evidence_are_consistent(file: str) -> None:
    """Each marginal equals prob(node) under the evidence and prob(node, given=E) of
    the prior; the bundle table of every pillar and clause sums to 1; P(E | E) = 1."""
    given = HARD[file][0]
    prior = _prior(file)
    ex = pactsim.exact(_load(file), evidence=given)
    m = ex.marginals()
    for node, p in m["p"].items():
        assert p == pytest.approx(prior.prob(str(node), given=given).value, rel=1e-10,
                                  abs=1e-13)
    assert ex.prob(given).value == pytest.approx(1.0, rel=1e-12)
    if _load(file).pillars:
        assert ex.bundles(top=None)["p"].sum() == pytest.approx(1.0, rel=1e-12)
    q = ex.questions()
    for name, p in q["p"].items():
        assert p == pytest.approx(prior.prob(str(name), given=given).value, rel=1e-10,
                                  abs=1e-13)
    assert ex.p_evidence == pytest.approx(prior.prob(given).value, rel=1e-12)


SOFT = [
    ("analytic-independent.yaml", "a", 3.0),
    ("analytic-independent.yaml", "d or e", 0.25),
    ("analytic-gates.yaml", "jets", 5.0),
    ("analytic-timing.yaml", "signing.date <= 2025-02-15", 0.1),
    ("analytic-dated.yaml", "in_force", 4.0),
]


@pytest.mark.parametrize(("file", "expr", "ratio"), SOFT, ids=_id)
def test_soft_evidence_is_the_likelihood_ratio_formula(file: str, expr: str,
                                                       ratio: float) -> None:
    """P(Q | news) = (r P(Q, E) + P(Q, not E)) / (r P(E) + P(not E)), from prior answers."""
    prior = _prior(file)
    ex = pactsim.exact(_load(file), evidence=soft(expr, ratio))
    pe = prior.prob(expr).value
    assert ex.p_evidence == 1.0
    for q in ANSWERS[file]:
        def formula(q: str = q) -> float:
            qe = prior.prob(f"({q}) and ({expr})").value
            qn = prior.prob(f"({q}) and not ({expr})").value
            return (ratio * qe + qn) / (ratio * pe + 1 - pe)

        want = _same_or_refused(ex, prior, q, None, formula)
        if want is not None:
            assert ex.prob(q).value == pytest.approx(want, rel=1e-10, abs=1e-13), q


def test_soft_and_hard_findings_multiply() -> None:
    """Two soft findings: four cells weighted r1^[E1] r2^[E2]; with a hard finding,
    the soft formula applied to the law given the hard one."""
    file = "analytic-dated.yaml"
    prior = _prior(file)
    e1, r1, e2, r2 = "shock", 3.0, "ratify_a", 0.5
    ex = pactsim.exact(_load(file), evidence=[soft(e1, r1), soft(e2, r2)])
    for q in ("crisis", "in_force", "signing", "early_bonus"):
        num = den = 0.0
        for a, wa in ((f"({e1})", r1), (f"not ({e1})", 1.0)):
            for b, wb in ((f"({e2})", r2), (f"not ({e2})", 1.0)):
                num += wa * wb * prior.prob(f"({q}) and {a} and {b}").value
                den += wa * wb * prior.prob(f"{a} and {b}").value
        assert ex.prob(q).value == pytest.approx(num / den, rel=1e-10), q
    hard = "signing.date <= 2025-06-30"
    given_hard = pactsim.exact(_load(file), evidence=hard)
    both = pactsim.exact(_load(file), evidence=[hard, soft(e1, r1)])
    pe = given_hard.prob(e1).value
    for q in ("crisis", "in_force", "early_bonus"):
        qe = given_hard.prob(f"({q}) and {e1}").value
        qn = given_hard.prob(f"({q}) and not {e1}").value
        want = (r1 * qe + qn) / (r1 * pe + 1 - pe)
        assert both.prob(q).value == pytest.approx(want, rel=1e-10), q


def test_extreme_likelihood_ratios_neither_overflow_nor_vanish() -> None:
    """A thousand findings of ratio 1e300 (weight 1e300000 in all): P(a | news) -> 1,
    exactly as the formula's limit; of ratio 1e-300: -> 0, the rest still a law."""
    sc = _load("analytic-independent.yaml")
    up = pactsim.exact(sc, evidence=[soft("a", 1e300)] * 1000)
    assert up.prob("a").value == 1.0
    assert up.prob("d").value == pytest.approx(0.75, rel=1e-12)  # P(d | a)
    down = pactsim.exact(sc, evidence=[soft("a", 1e-300)] * 1000)
    assert down.prob("a").value == 0.0
    assert down.prob("d").value == pytest.approx(0.25, rel=1e-12)  # P(d | not a)
    assert down.marginals()["p"].between(0, 1).all()


# -- errors -------------------------------------------------------------------------------


def test_impossible_evidence_is_named() -> None:
    sc = _load("analytic-timing.yaml")
    with pytest.raises(ConditionError, match=r"'signing.date <= 2025-01-01' is impossible"):
        pactsim.exact(sc, evidence=["ratified", "signing.date <= 2025-01-01"])
    with pytest.raises(ConditionError, match=r"'ratified and not signing'.*probability 0"):
        pactsim.exact(sc, evidence="ratified and not signing")
    # each possible, together impossible: every finding is named
    with pytest.raises(ConditionError, match=r"cannot all hold together") as err:
        pactsim.exact(sc, evidence=["signing.date <= 2025-01-31", "signing.date > 2025-03-31",
                                    soft("extra", 2)])
    assert "'signing.date <= 2025-01-31'" in str(err.value)
    assert "'signing.date > 2025-03-31'" in str(err.value)
    with pytest.raises(ConditionError, match="cannot all hold together"):
        pactsim.exact(_load("analytic-dated.yaml"), evidence={"ratify_a": True, "signing": False})


def test_evidence_too_unlikely_to_divide_by() -> None:
    sc = pactsim.loads("pactsim: 1\nid: t\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       "events:\n  a: {p: 1.0e-150}\n  b: {p: 1.0e-150}\n  c: {p: 0.5}\n")
    assert pactsim.exact(sc, evidence="a").prob("c").value == pytest.approx(0.5)
    with pytest.raises(ConditionError, match=r"below 1e-280.*too small to divide by"):
        pactsim.exact(sc, evidence="a and b")


def test_a_given_of_probability_zero_under_the_evidence() -> None:
    ex = pactsim.exact(_load("analytic-independent.yaml"), evidence="not a")
    with pytest.raises(ConditionError, match=r"'f'.*under the evidence 'not a'"):
        ex.prob("b", given="f")


def test_unknown_names_in_evidence_get_did_you_mean() -> None:
    sc = _load("analytic-gates.yaml")
    with pytest.raises(ScenarioError) as err:
        pactsim.exact(sc, evidence=["militray", "energy", "jets or drons"])
    text = str(err.value)
    assert "evidence = 'militray'" in text and "did you mean 'military'" in text
    assert "evidence = 'jets or drons'" in text and "'drones'" in text  # every problem
    with pytest.raises(ScenarioError, match="not a true/false expression"):
        pactsim.exact(sc, evidence="count(military, energy)")


def test_evidence_too_wide_for_exact_inference_says_why() -> None:
    sc = _load("analytic-independent.yaml")
    pactsim.exact(sc, max_table=16)  # the model itself fits
    with pytest.raises(ModelTooWideError, match=r"conditioning on the evidence 'any\(a, b"):
        pactsim.exact(sc, max_table=16, evidence="any(a, b, c, d, e, f)")


def test_no_evidence_is_plain_exact_results() -> None:
    sc = _load("analytic-independent.yaml")
    for nothing in (None, [], {}):
        ex = pactsim.exact(sc, evidence=nothing)
        assert type(ex) is ExactResults
    with pytest.raises(TypeError):
        pactsim.exact(sc, evidence=3)


def test_evidence_after_an_intervention_and_with_observations() -> None:
    """do= first, then evidence: do(a) and given d, P(b | d) = .45 / (.45 + .3) = 3/5.
    A file's observations are evidence by default; observations=False drops them."""
    ex = pactsim.exact(_load("analytic-independent.yaml"), do={"a": True}, evidence="d")
    assert ex.prob("b").value == pytest.approx(0.6, rel=1e-12)
    assert ex.prob("a").value == 1.0
    sc = pactsim.loads("pactsim: 2\nid: obs\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       "events:\n  rain: {p: 0.3}\n  wet: {p: 0.9, requires: [rain]}\n"
                       "  wind: {p: 0.5}\nobservations:\n"
                       "  - {date: 2024-03-01, source: radio, evidence: wet}\n")
    assert pactsim.exact(sc).prob("rain").value == pytest.approx(1.0, rel=1e-12)
    assert pactsim.exact(sc, observations=False).prob("rain").value == pytest.approx(0.3)
    both = pactsim.exact(sc, evidence=soft("wind", 3))  # 3(.5) / (3(.5) + .5) = 3/4
    assert both.prob("wind").value == pytest.approx(0.75, rel=1e-12)
    assert both.prob("rain").value == pytest.approx(1.0, rel=1e-12)
    assert [f.expr for f in both.evidence] == ["wet", "wind"]
    with pytest.raises(TypeError, match="observations must be True or False"):
        pactsim.exact(sc, observations="no")  # type: ignore[arg-type]


# -- the flagship: speed and the views ---------------------------------------------------


def test_flagship_under_dated_evidence_matches_the_prior_and_shows() -> None:
    # (its time is benchmarks/bench_exact.py's, against a target: no clock in a unit test)
    from pactsim.views.display import results_html

    sc = pactsim.load(FLAGSHIP)
    e = "not signing.date <= 2024-12-01"
    prior = pactsim.exact(sc)
    ex = pactsim.exact(sc, evidence=e)
    q, m = ex.questions(), ex.marginals()
    for name in ("signed_by_2024", "arms_package"):
        assert q.loc[name, "p"] == pytest.approx(prior.prob(name, given=e).value, rel=1e-10)
    assert m.loc["signing", "p"] == pytest.approx(prior.prob("signing", given=e).value,
                                                  rel=1e-10)
    assert ex.signing_cdf("2024-12-01")["p"].iloc[0] == 0.0
    assert "given 'not signing.date <= 2024-12-01'" in repr(ex)
    html = results_html(ex)  # what a notebook shows (the text and JSON views are Monte Carlo's)
    assert "signed_by_2024" in html and f"{q.loc['signed_by_2024', 'p']:.1%}" in html


# -- against the naive reference sampler, with rejection ----------------------------------

REF_N = 4_000
REF_EXAMPLES = 12
ALPHA = 1e-3  # false-alarm probability of a whole run of a correct pactsim


@settings(max_examples=REF_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.data())
def test_matches_the_reference_sampler_with_rejection(data: st.DataObject) -> None:
    """Generated scenarios (format 1 and 2) and a generated expression E with
    0.15 <= P(E) <= 0.9: the reference sampler's draws where E holds (at least
    600 of 4,000) estimate every marginal and true/false question given E. Each
    is an exact binomial test at level ALPHA / (REF_EXAMPLES * tests)."""
    dated = data.draw(st.booleans(), label="dated")
    sc = data.draw(strategies.scenarios(max_nodes=6, dated=dated), label="scenario")
    evidence = data.draw(strategies.expressions(sc), label="evidence")
    try:
        pe = pactsim.exact(sc).prob(evidence).value
    except (ExactUnsupportedError, ModelTooWideError):  # pragma: no cover - rare
        pe = 0.0
    assume(0.15 <= pe <= 0.9)
    ex = pactsim.exact(sc, evidence=evidence)
    assert ex.p_evidence == pytest.approx(pe, rel=1e-10)
    sample = ReferenceSampler(sc).sample(REF_N, seed=int(sc.digest[:12], 16))
    holds = parse_question(evidence).evaluate
    kept = [d for d in sample.draws if holds(d)]
    checks: list[tuple[str, int, float]] = []
    for node, p in ex.marginals()["p"].items():
        checks.append((str(node), sum(bool(d[node]) for d in kept), float(p)))
    try:
        asked = ex.questions()["p"].items()
    except ModelTooWideError:  # a question's joint law with the evidence's: too wide
        asked = {}.items()
    for name, p in asked:
        checks.append((str(name), sum(bool(d[name]) for d in kept), float(p)))
    level = ALPHA / (REF_EXAMPLES * max(len(checks), 1))
    bad = []
    for label, k, p in checks:
        pv = stats.binomtest(k, len(kept), min(max(p, 0.0), 1.0)).pvalue
        if pv < level:
            bad.append(f"{label}: {k}/{len(kept)} = {k / len(kept):.4f} vs exact {p:.4f} "
                       f"(p-value {pv:.2g})")
    assert not bad, f"given {evidence!r}:\n" + "\n".join(bad)
    # the rejection share itself estimates P(E)
    assert stats.binomtest(len(kept), REF_N, pe).pvalue >= level


def test_the_reference_comparison_has_teeth() -> None:
    """Planted bug: conditioning on E's negation is caught by the same binomial test
    on the flagship-like features scenario of analytic-gates."""
    sc = _load("analytic-gates.yaml")
    sample = ReferenceSampler(sc).sample(REF_N, seed=11)
    kept = [d for d in sample.draws if parse_question("energy").evaluate(d)]
    wrong = pactsim.exact(sc, evidence="not energy").prob("military").value
    right = pactsim.exact(sc, evidence="energy").prob("military").value
    k = sum(bool(d["military"]) for d in kept)
    level = ALPHA / 100
    assert stats.binomtest(k, len(kept), right).pvalue >= level
    assert stats.binomtest(k, len(kept), wrong).pvalue < level
    assert np.isfinite(right)
