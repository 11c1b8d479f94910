"""Format 2 (dated nodes) against the naive reference sampler, which shares no code with the engine.

``tests/reference_sampler.py`` draws one agreement at a time in plain Python from
the validated ``Scenario``: curves interpolated by day, hazard ratios as powers
of the survival, lognormal delays through :class:`statistics.NormalDist`,
milestone anchors as the k-th earliest date, conditions and ``a.date - b.date``
through its own expression evaluator. Here

* (a) on ``scenarios/analytic-dated.yaml`` it reproduces the hand-derived answers
  of ``tests/reference_answers.py`` (every probability and conditional) within
  4 standard errors;
* (b) ``pactsim.simulate`` and the reference agree on the flagship
  ``scenarios/iran-russia-2024.yaml``: every marginal, every question (numeric
  ones by their missing share and distribution function) and the date
  distribution function of every dated node at a few dates, each a two-sample
  test within 4.5 combined standard errors;
* (c) they agree on generated format-2 scenarios
  (``strategies.scenarios(dated=True)``): marginals, questions and date CDF
  points, at a Bonferroni level per run (never below 4.5 SE);
* the comparison has teeth: a scenario changed in one timing number (a hazard
  ratio dropped, a delay lengthened, ``all`` read as ``any``) is told apart.

Seeds are fixed, so every run makes the same draws; the file takes about 20 s
with ``CI=true`` on two cores.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, note, settings
from scipy import stats as sps

import pactsim
from pactsim.testing import strategies
from reference_answers import ANSWERS, CONDITIONAL
from reference_sampler import ReferenceSample, ReferenceSampler, parse_question

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
EPOCH = dt.date(1970, 1, 1).toordinal()
Z_ANALYTIC = 4.0  # reference against exact answers
Z_TWO_SAMPLE = 4.5  # simulate against the reference
N_ANALYTIC = 40_000
N_FLAGSHIP_REF, N_FLAGSHIP_MC = 20_000, 200_000
N_GEN_REF, N_GEN_MC = 4_000, 60_000
ALPHA = 1e-3  # family-wise false-alarm rate of a whole property run
EXAMPLES = max(5, settings.default.max_examples // 4)  # 25 under `ci`, 5 under `dev`


# -- comparisons ---------------------------------------------------------------------------


def two_sample(label: str, k1: int, n1: int, k2: int, n2: int, z: float) -> str | None:
    """``k1/n1`` and ``k2/n2`` estimate one probability: a failure line, or ``None``."""
    p1, p2 = k1 / n1, k2 / n2
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if abs(p1 - p2) <= z * se:
        return None
    off = math.inf if se == 0 else abs(p1 - p2) / se
    return f"{label}: simulate {p1:.5f} vs reference {p2:.5f} ({off:.1f} SE)"


def check_dates(sc: pactsim.Scenario, name: str) -> list[dt.date]:
    """A few dates for a dated node's CDF: quarters of the span, the horizon, and the
    first point of its curve (or of each row's curve)."""
    span = (sc.horizon - sc.as_of).days
    out = {sc.as_of + dt.timedelta(days=max(1, span * k // 4)) for k in (1, 2, 3, 4)}
    spec = sc.signing if name == "signing" else sc.events[name]
    by = getattr(spec, "by", None)
    if by:
        out.add(min(by))
    return sorted(out)


def compare(sc: pactsim.Scenario, sample: ReferenceSample, res: Any, z: float) -> tuple[
        list[str], int]:
    """Failures of every comparison of ``res`` with ``sample`` at ``z`` SE, and their number."""
    n, big = sample.n, int(res.n)
    bad: list[str | None] = []

    def mc(p: float) -> int:
        return round(float(p) * big)

    marg = res.marginals()
    for name in sc.binary_names:
        bad.append(two_sample(f"P({name})", mc(marg.loc[name, "p"]), big,
                              sum(sample.column(name)), n, z))
    qs = res.questions()
    for name, kind in sample.question_kinds.items():
        if kind == "bool":
            bad.append(two_sample(f"question {name}", mc(qs.loc[name, "p"]), big,
                                  sum(map(bool, sample.column(name))), n, z))
            continue
        s = res.numeric(name)
        ref = [v for v in sample.column(name) if v is not None]
        bad.append(two_sample(f"numeric {name} missing", mc(s.missing), big, n - len(ref), n, z))
        if s.histogram is None or not ref:
            continue
        shift = EPOCH if kind == "date" else 0
        hist = {float(v): float(w) for v, w in s.histogram.items()}
        ref_sorted = sorted(v - shift for v in ref)
        for q in (0.25, 0.5, 0.75):
            at = ref_sorted[int(q * (len(ref_sorted) - 1))]
            bad.append(two_sample(f"numeric {name} P(<= {at:g})",
                                  mc(sum(w for v, w in hist.items() if v <= at)), big,
                                  sum(1 for v in ref_sorted if v <= at), n, z))
    for name in sample.dated:
        dates = check_dates(sc, name)
        cdf = res.date_cdf(name, dates)["p"]
        days = sample.column(name + ".date")
        for d, p in zip(dates, cdf, strict=True):
            day = d.toordinal()
            bad.append(two_sample(f"date_cdf({name}, {d})", mc(p), big,
                                  sum(1 for v in days if v is not None and v <= day), n, z))
    return [b for b in bad if b is not None], len(bad)


# -- (a) the oracle reproduces the hand answers -----------------------------------------------


@pytest.fixture(scope="module")
def analytic() -> ReferenceSample:
    sc = pactsim.load(SCENARIOS / "analytic-dated.yaml")
    return ReferenceSampler(sc).sample(N_ANALYTIC, seed=20250101)


def _within(label: str, k: int, n: int, p: float) -> str | None:
    se = math.sqrt(p * (1 - p) / n)
    if se == 0:  # a sure answer: every draw must agree
        return None if k == round(p * n) else f"{label}: {k}/{n}, exactly {p} expected"
    off = (k / n - p) / se
    return None if abs(off) <= Z_ANALYTIC else f"{label}: {k / n:.5f} vs {p:.5f} ({off:+.1f} SE)"


def test_reference_reproduces_the_analytic_dated_answers(analytic: ReferenceSample) -> None:
    bad = []
    for expr, p in ANSWERS["analytic-dated.yaml"].items():
        holds = parse_question(expr).evaluate
        bad.append(_within(expr, sum(1 for d in analytic.draws if holds(d)), analytic.n, p))
    assert len(ANSWERS["analytic-dated.yaml"]) >= 25
    assert not [b for b in bad if b], "\n".join(b for b in bad if b)


def test_reference_reproduces_the_analytic_dated_conditionals(analytic: ReferenceSample) -> None:
    bad = []
    for expr, cond, p in CONDITIONAL["analytic-dated.yaml"]:
        holds, given_ = parse_question(expr).evaluate, parse_question(cond).evaluate
        kept = [d for d in analytic.draws if given_(d)]
        bad.append(_within(f"{expr} | {cond}", sum(1 for d in kept if holds(d)), len(kept), p))
    assert not [b for b in bad if b], "\n".join(b for b in bad if b)


# -- (b) simulate and the oracle agree on the flagship ------------------------------------------


@pytest.fixture(scope="module")
def flagship() -> tuple[pactsim.Scenario, ReferenceSample, Any]:
    sc = pactsim.load(SCENARIOS / "iran-russia-2024.yaml")
    assert sc.pactsim >= 2  # format 3 (categorical outcomes) keeps the dated nodes of 2
    sample = ReferenceSampler(sc).sample(N_FLAGSHIP_REF, seed=2024_11_05)
    res = pactsim.simulate(sc, n=N_FLAGSHIP_MC, seed=11_05, keep_draws=False)
    return sc, sample, res


def test_simulate_matches_the_reference_on_the_flagship(
        flagship: tuple[pactsim.Scenario, ReferenceSample, Any]) -> None:
    sc, sample, res = flagship
    bad, m = compare(sc, sample, res, Z_TWO_SAMPLE)
    # every marginal, question and dated node is compared
    assert sorted(sample.dated) == sorted(sc.dated_names) and len(sample.dated) == 4
    assert m >= len(sc.binary_names) + len(sc.questions) + 4 * len(sc.dated_names)
    assert not bad, f"{len(bad)} of {m} comparisons failed:\n" + "\n".join(bad)


# -- the comparison has teeth ---------------------------------------------------------------------

MUTATIONS: dict[str, dict[str, Any]] = {
    "signing hazard ratio on alignment dropped": {"signing.hazard_ratio": {
        "us_trump_win": 1.2, "iran_israel_escalation": 0.85}},
    "signing hazard ratio on us_trump_win dropped": {"signing.hazard_ratio": {
        "alignment": 1.4, "iran_israel_escalation": 0.85}},
    "ratified_ru median delay 140 -> 170 days": {"ratified_ru.delay": {"median": 170,
                                                                       "p90": 300}},
    "in_force after any instead of all": {"in_force.after": {"any": ["ratified_ru",
                                                                     "ratified_ir"]}},
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_a_changed_timing_is_caught(mutation: str,
                                    flagship: tuple[pactsim.Scenario, ReferenceSample, Any]
                                    ) -> None:
    sc, sample, _res = flagship
    wrong = pactsim.simulate(sc.with_changes(MUTATIONS[mutation]), n=N_FLAGSHIP_MC, seed=11_05,
                             keep_draws=False)
    bad, _m = compare(sc, sample, wrong, Z_TWO_SAMPLE)
    assert bad, f"{mutation}: not caught"


# -- (c) generated format-2 scenarios ----------------------------------------------------


def _level(m: int) -> float:
    """z of a two-sided Bonferroni test over ``m`` comparisons in each of EXAMPLES runs."""
    return max(Z_TWO_SAMPLE, float(sps.norm.isf(ALPHA / (2 * EXAMPLES * max(m, 1)))))


def _timed(sc: pactsim.Scenario) -> bool:
    """At least one dated event or milestone besides the signing (format 2 in use)."""
    return sc.pactsim == 2 and len(sc.dated_names) > int(sc.signing is not None)


# Derandomized under every profile (``ci`` already is): drawn afresh under ``dev``, a
# correct pactsim fails with a chance bounded by ALPHA = 1e-3 per run (less with the
# confirmation on fresh samples below), above what a suite run should risk.
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None)
@given(strategies.scenarios(min_nodes=3, max_nodes=7, dated=True).filter(_timed))
def test_simulate_matches_the_reference_on_generated_dated_scenarios(
        sc: pactsim.Scenario) -> None:
    note(pactsim.dumps(sc))
    seed = int(sc.digest[:12], 16)
    sample = ReferenceSampler(sc).sample(N_GEN_REF, seed=seed)
    res = pactsim.simulate(sc, n=N_GEN_MC, seed=seed % 2**32, keep_draws=False)
    _bad, m = compare(sc, sample, res, math.inf)
    bad, _m = compare(sc, sample, res, _level(m))
    if bad:
        # Confirm on fresh, four times larger samples before failing: Hypothesis hunts
        # for failing examples (and shrinks among them), so over a whole run it can land
        # on a seed whose small reference sample is a 5-sigma fluke (seen once: 0.737
        # against 0.773 +- 0.0066, every other seed near 0.773). A real disagreement
        # persists at four times the draws; a fluke of the first samples does not.
        sample = ReferenceSampler(sc).sample(4 * N_GEN_REF, seed=seed + 1)
        res = pactsim.simulate(sc, n=2 * N_GEN_MC, seed=(seed + 1) % 2**32,
                               keep_draws=False)
        again, _m = compare(sc, sample, res, _level(m))
        bad = [f"{b} (and again on fresh samples: {', '.join(again)})" for b in bad] \
            if again else []
    assert not bad, f"{len(bad)} of {m} comparisons failed:\n" + "\n".join(bad)

