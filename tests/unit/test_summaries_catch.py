"""Summaries that must be right, each checked where a plausible bug would show.

* the sd of a numeric (count or date) question, against closed forms — a
  doubled (or otherwise scaled) sd is hundreds of standard errors off;
* ``signing_quantiles(given_signed=True)`` against hand-derived dates on a
  curve where the conditional and unconditional quantiles differ;
* every summary (marginals, questions, numeric, the signing curve and
  quantiles, bundle tables) identical — not merely close — whatever the
  ``chunk_size`` and ``keep_draws``, for the same ``(scenario, n, seed)``;
* bundle tables after the streaming table of clause sets has been pruned:
  ``bundles(of="pillars")`` must still count every draw, against the closed form.

Monte Carlo checks use a fixed seed and compare within a stated number of
standard errors (family-wise, Šidák, where several are compared at once).
"""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import math
import warnings
from statistics import NormalDist
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest

import pactsim
from pactsim.errors import PactsimWarning

BLOCK = 1 << 16  # draws per random-stream block (README: chunk sizes are multiples of 65 536)
SIGMAS = 4.0


def family_z(m: int, sigmas: float = SIGMAS) -> float:
    """Šidák threshold: m comparisons with the false-alarm rate of one ``sigmas`` test."""
    alpha = math.erfc(sigmas / math.sqrt(2))
    return -NormalDist().inv_cdf(-math.expm1(math.log1p(-alpha) / m) / 2)


def day(d: dt.date) -> float:
    """A date as pactsim's numeric summaries give it: days since 1970-01-01."""
    return float((d - dt.date(1970, 1, 1)).days)


# -- the sd of numeric questions ----------------------------------------------------------

COUNT = """\
pactsim: 1
id: count-sd
as_of: 2024-01-01
horizon: 2024-12-31
events:
  e1: {p: 0.5}
  e2: {p: 0.2}
  e3: {p: 0.7}
  e4: {p: 0.9}
questions:
  n: count(e1, e2, e3, e4)
"""
P_EVENTS = (0.5, 0.2, 0.7, 0.9)


def test_sd_of_a_count_question() -> None:
    # n is a sum of independent Bernoulli(p_i): mean = sum p_i = 2.3,
    # variance = sum p_i q_i = 0.25 + 0.16 + 0.21 + 0.09 = 0.71.
    # Cumulants add: mu4 = k4 + 3 var^2 with k4 = sum p q (1 - 6 p q) = -0.1318, so
    # Var(s^2) ~ (mu4 - var^2) / n = (k4 + 2 var^2) / n and SE(s) ~ SE(s^2) / (2 sd).
    mean, var = 2.3, 0.71
    k4 = sum(p * (1 - p) * (1 - 6 * p * (1 - p)) for p in P_EVENTS)
    assert k4 == pytest.approx(-0.1318)
    sc = pactsim.loads(COUNT)
    ex = pactsim.exact(sc).numeric("n")
    assert ex.mean == pytest.approx(mean, abs=1e-12)
    assert ex.sd == pytest.approx(math.sqrt(var), abs=1e-12)
    n = 200_000
    for keep in (True, False):
        s = pactsim.simulate(sc, n=n, seed=8, keep_draws=keep).numeric("n")
        se_sd = math.sqrt((k4 + 2 * var * var) / n) / (2 * math.sqrt(var))
        z = family_z(2)
        assert abs(s.sd - math.sqrt(var)) <= z * se_sd, (s.sd, math.sqrt(var), se_sd)
        assert abs(s.mean - mean) <= z * math.sqrt(var / n)
        assert s.stderr == pytest.approx(s.sd / math.sqrt(n), rel=1e-12)


UNIFORM_DATE = """\
pactsim: 1
id: date-sd
as_of: 2024-01-01
horizon: 2024-12-31
signing:
  by: {2024-04-10: 0.6}
questions:
  when: signing.date
"""
AS_OF = dt.date(2024, 1, 1)


def test_sd_of_a_date_question() -> None:
    # The curve is linear from 0 on as_of to 0.6 on 2024-04-10 (day 100), so
    # P(day = d) = 0.006 for d = 1..100 and P(no date) = 0.4: given a date, the
    # day is uniform on 1..100, mean 50.5 and variance (100^2 - 1) / 12 = 833.25.
    sc = pactsim.loads(UNIFORM_DATE)
    mean, var = day(AS_OF) + 50.5, (100**2 - 1) / 12
    mu4 = sum((d - 50.5) ** 4 for d in range(1, 101)) / 100  # fourth central moment
    ex = pactsim.exact(sc).numeric("when")
    assert ex.missing == pytest.approx(0.4, abs=1e-12)
    assert ex.mean == pytest.approx(mean, abs=1e-6)
    assert ex.sd == pytest.approx(math.sqrt(var), abs=1e-9)
    n = 200_000
    s = pactsim.simulate(sc, n=n, seed=8, keep_draws=False).numeric("when")
    cnt = round((1 - s.missing) * n)
    se_sd = math.sqrt((mu4 - var * var) / cnt) / (2 * math.sqrt(var))
    z = family_z(3)
    assert abs(s.sd - math.sqrt(var)) <= z * se_sd, (s.sd, math.sqrt(var), se_sd)
    assert abs(s.mean - mean) <= z * math.sqrt(var / cnt)
    assert abs(s.missing - 0.4) <= z * math.sqrt(0.24 / n)


# -- signing quantiles given signed ------------------------------------------------------

# Same curve: F(d) = 0.006 d for d = 0..100 days after 2024-01-01, then flat at 0.6.
# Given signed, F(d) / 0.6 = d / 100: the q-quantile is the first day with d/100 >= q:
#   0.1 -> day 10 = 2024-01-11, 0.5 -> day 50 = 2024-02-20, 0.9 -> day 90 = 2024-03-31.
# Unconditionally, the first day with 0.006 d >= q:
#   0.1 -> day 17 (16.7 rounded up) = 2024-01-18, 0.5 -> day 84 (83.3) = 2024-03-25,
#   0.9 -> none (0.9 > 0.6, the chance of signing at all): NaT.
GIVEN_SIGNED = {0.1: "2024-01-11", 0.5: "2024-02-20", 0.9: "2024-03-31"}
UNCONDITIONAL = {0.1: "2024-01-18", 0.5: "2024-03-25", 0.9: None}


def _dates(series: pd.Series) -> dict[float, pd.Timestamp | None]:
    return {q: (None if pd.isna(v) else pd.Timestamp(v)) for q, v in series.items()}


def test_exact_signing_quantiles_given_signed_and_not() -> None:
    ex = pactsim.exact(pactsim.loads(UNIFORM_DATE))
    for given_signed, expected in ((True, GIVEN_SIGNED), (False, UNCONDITIONAL)):
        got = _dates(ex.signing_quantiles((0.1, 0.5, 0.9), given_signed=given_signed))
        assert got == {q: (None if d is None else pd.Timestamp(d)) for q, d in expected.items()}
    # the default is given signed
    assert _dates(ex.signing_quantiles()) == _dates(ex.signing_quantiles(given_signed=True))


@pytest.mark.parametrize("keep_draws", [True, False])
def test_monte_carlo_signing_quantiles_given_signed_and_not(keep_draws: bool) -> None:
    # One day moves the conditional CDF by 0.01 and the unconditional one by 0.006;
    # at n = 200,000 (about 120,000 signed) their standard errors near these
    # quantiles are at most 0.0015 and 0.0011, so the sample quantile is within
    # one day of the true one (the day before is >= 5 SE short of q). The two sets
    # of dates are 7 days or more (or a NaT) apart.
    res = pactsim.simulate(pactsim.loads(UNIFORM_DATE), n=200_000, seed=5,
                           keep_draws=keep_draws)
    for given_signed, expected in ((True, GIVEN_SIGNED), (False, UNCONDITIONAL)):
        got = _dates(res.signing_quantiles((0.1, 0.5, 0.9), given_signed=given_signed))
        for q, want in expected.items():
            if want is None:
                assert got[q] is None, (given_signed, q, got[q])
            else:
                assert got[q] is not None, (given_signed, q)
                assert abs((got[q] - pd.Timestamp(want)).days) <= 1, (given_signed, q, got[q])
    assert _dates(res.signing_quantiles()) == _dates(res.signing_quantiles(given_signed=True))


# -- summaries do not depend on chunk_size or keep_draws --------------------------------

FEATURES = """\
pactsim: 1
id: chunks
as_of: 2024-01-01
horizon: 2025-06-30
drivers:
  mood: {dist: normal, mean: 0, sd: 1}
events:
  e1: {p: 0.4}
  e2: {p: {beta: [2, 5]}, odds: {mood: 1.5}}
signing:
  by: {2024-06-30: 0.4, 2024-12-31: 0.7}
pillars:
  mil:
    given: [e1]
    table: {true: 0.8, false: 0.5}
    clauses:
      c1: {p: 0.5}
      c2: {p: {between: [0.2, 0.6]}, excludes: [c1]}
  eco:
    p: 0.6
    odds: {e2: 2}
    clauses:
      c3: {p: 0.7, requires: [e1]}
questions:
  early: signing.date <= 2024-03-31
  calm: mood < 0.5 and not e2
  n_items: count(mil, eco, c1, c2, c3)
  when: signing.date
"""
N_CHUNKED = 4 * BLOCK + 1_234  # five random-stream blocks, the last one partial
CHUNKINGS: list[dict[str, Any]] = [
    {},  # the default chunk size
    {"chunk_size": BLOCK},
    {"chunk_size": 2 * BLOCK},
    {"chunk_size": 4 * BLOCK},
    {"chunk_size": 10**6},  # one chunk
    {"chunk_size": BLOCK, "keep_draws": False},
    {"chunk_size": 4 * BLOCK, "keep_draws": False},
    {"chunk_size": 10**6, "keep_draws": False},
]


def summaries(res: Any, *, bundles_of: tuple[str, ...] = ("all", "pillars", "clauses"),
              top: int | None = None) -> dict[str, Any]:
    """Every summary a run reports, as frames, series and plain values."""
    sc = res.scenario
    out: dict[str, Any] = {"marginals": res.marginals(), "questions": res.questions()}
    for name in sc.questions:
        if name not in out["questions"].index:
            s = res.numeric(name)
            out[f"numeric {name}"] = (s.kind, s.mean, s.sd, s.stderr, s.quantiles, s.missing)
            out[f"numeric {name} histogram"] = s.histogram
    if sc.signing is not None:
        out["signing_cdf"] = res.signing_cdf()
        for given_signed in (True, False):
            out[f"signing_quantiles {given_signed}"] = res.signing_quantiles(
                (0.05, 0.1, 0.25, 0.5, 0.75, 0.9), given_signed=given_signed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PactsimWarning)  # pruned tables warn; compared anyway
        for of in bundles_of:
            out[f"bundles {of}"] = res.bundles(top=top, of=of)
    return out


def assert_same_summaries(a: dict[str, Any], b: dict[str, Any], label: str) -> None:
    assert a.keys() == b.keys()
    for key, x in a.items():
        y = b[key]
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x, y, check_exact=True, obj=f"{label}: {key}")
        elif isinstance(x, pd.Series):
            pd.testing.assert_series_equal(x, y, check_exact=True, obj=f"{label}: {key}")
        else:
            assert repr(x) == repr(y), f"{label}: {key}: {x!r} != {y!r}"


@pytest.fixture(scope="module")
def features() -> pactsim.Scenario:
    return pactsim.loads(FEATURES)


@pytest.mark.parametrize("kwargs", CHUNKINGS[1:], ids=repr)
def test_every_summary_is_identical_whatever_the_chunking(features: pactsim.Scenario,
                                                          kwargs: dict[str, Any]) -> None:
    levels = ("all", "pillars", "clauses", "mil", "eco")  # the last two: a pillar's clauses
    base = summaries(pactsim.simulate(features, n=N_CHUNKED, seed=12), bundles_of=levels)
    other = summaries(pactsim.simulate(features, n=N_CHUNKED, seed=12, **kwargs),
                      bundles_of=levels)
    assert_same_summaries(base, other, repr(kwargs))
    # and the comparison has teeth: another seed changes them
    third = summaries(pactsim.simulate(features, n=N_CHUNKED, seed=13, **kwargs),
                      bundles_of=levels)
    with pytest.raises(AssertionError):
        assert_same_summaries(base, third, "seed 13")


CONTINUOUS = """\
pactsim: 1
id: continuous
as_of: 2024-01-01
horizon: 2024-12-31
drivers:
  mood: {dist: normal, mean: 0.3, sd: 1.7}
events:
  a: {p: 0.3}
questions:
  m: mood
"""


@pytest.mark.parametrize("kwargs", CHUNKINGS[1:], ids=repr)
def test_numeric_summary_of_a_continuous_question_is_identical(kwargs: dict[str, Any]) -> None:
    # A question that is a driver takes a new float value in every draw: its mean and
    # sd come from float sums, which must not depend on how draws were grouped.
    sc = pactsim.loads(CONTINUOUS)
    a = pactsim.simulate(sc, n=N_CHUNKED, seed=3).numeric("m")
    b = pactsim.simulate(sc, n=N_CHUNKED, seed=3, **kwargs).numeric("m")
    assert (a.mean, a.sd, a.stderr, a.missing) == (b.mean, b.sd, b.stderr, b.missing), kwargs
    # quantiles of more than MAX_VALUES distinct values come from kept draws only
    assert b.quantiles == (a.quantiles if kwargs.get("keep_draws", True) else {}), kwargs


# -- bundle tables after pruning -----------------------------------------------------

PILLAR_P = {"p1": 0.9, "p2": 0.8, "p3": 0.7, "p4": 0.6, "p5": 0.5}
CLAUSES_PER_PILLAR = 5


def many_clauses() -> pactsim.Scenario:
    """5 independent pillars, each with 5 independent clauses of p = 0.5 (no signing)."""
    lines = ["pactsim: 1", "id: many-clauses", "as_of: 2024-01-01", "horizon: 2024-12-31",
             "pillars:"]
    for pillar, p in PILLAR_P.items():
        lines += [f"  {pillar}:", f"    p: {p}", "    clauses:"]
        lines += [f"      {pillar}_c{j}: {{p: 0.5}}" for j in range(CLAUSES_PER_PILLAR)]
    return pactsim.loads("\n".join(lines) + "\n")


def stats_module() -> ModuleType:
    """The module of the streaming statistics (found from a run, wherever it lives)."""
    sc = pactsim.loads("pactsim: 1\nid: m\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       "events:\n  a: {p: 0.5}\n")
    module = importlib.import_module(type(pactsim.simulate(sc, n=10, seed=0).stats).__module__)
    assert hasattr(module, "MAX_BUNDLES"), module
    return module


CAP = 1_000  # distinct clause sets kept (pactsim keeps 100,000; smaller here to prune fast)
N_PRUNED = 5 * BLOCK  # ~5 * 65,536 distinct sets of 25 clauses per run: far above the cap


@pytest.fixture
def small_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stats_module(), "MAX_BUNDLES", CAP)


def closed_form_pillar_sets() -> dict[frozenset[str], float]:
    """P(exactly this set of pillars): a product over independent pillars."""
    out = {}
    for bits in itertools.product((False, True), repeat=len(PILLAR_P)):
        prob = math.prod(p if b else 1 - p for p, b in zip(PILLAR_P.values(), bits, strict=True))
        out[frozenset(n for n, b in zip(PILLAR_P, bits, strict=True) if b)] = prob
    return out


@pytest.mark.usefixtures("small_cap")
@pytest.mark.parametrize("chunk_size", [BLOCK, 2 * BLOCK, 10**6])
def test_pillar_bundles_count_every_draw_after_pruning(chunk_size: int) -> None:
    # Each draw has one of 2**25 clause sets, so the streaming table of sets passes
    # the cap and is pruned; the pillar sets (32 of them) must still be counted
    # from every draw, and match the closed form within family-wise 4 SE.
    sc = many_clauses()
    res = pactsim.simulate(sc, n=N_PRUNED, seed=21, chunk_size=chunk_size, keep_draws=False)
    if chunk_size < N_PRUNED:  # the premise: the table of whole texts was cut, and says so
        with pytest.warns(PactsimWarning, match="low") as seen:
            res.bundles(top=1, of="all")
        assert f"({CAP:,})" in str(seen[0].message)  # the cap in force, not the default
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PactsimWarning)
        table = res.bundles(top=100, of="pillars")
    got = {frozenset(items): int(c) for items, c in zip(table["items"], table["count"],
                                                        strict=True)}
    assert sum(got.values()) == N_PRUNED, f"pillar bundles count {sum(got.values())} draws"
    truth = closed_form_pillar_sets()
    z = family_z(len(truth))
    bad = {}
    for bundle, p in truth.items():
        k = got.get(bundle, 0)
        se = math.sqrt(p * (1 - p) / N_PRUNED)
        if abs(k / N_PRUNED - p) > z * se:
            bad[tuple(sorted(bundle))] = (k / N_PRUNED, round(p, 6))
    assert not bad, f"{len(bad)} of 32 pillar sets off by more than {z:.2f} SE: {bad}"


@pytest.mark.usefixtures("small_cap")
def test_pruned_bundle_tables_are_identical_whatever_the_chunking() -> None:
    sc = many_clauses()
    runs = {cs: pactsim.simulate(sc, n=N_PRUNED, seed=21, chunk_size=cs, keep_draws=False)
            for cs in (BLOCK, 2 * BLOCK, 10**6)}
    tables = {cs: summaries(res, bundles_of=("all", "pillars"), top=20)
              for cs, res in runs.items()}
    for cs in (2 * BLOCK, 10**6):
        assert_same_summaries(tables[BLOCK], tables[cs], f"chunk_size={cs} vs {BLOCK}")


def test_the_pillar_closed_form_is_exact() -> None:
    # the closed form above against pactsim.exact (independent pillars: a product)
    sc = many_clauses()
    ex = pactsim.exact(sc)
    for bundle, p in list(closed_form_pillar_sets().items())[:8]:
        expr = f"all({', '.join(n if n in bundle else f'not {n}' for n in PILLAR_P)})"
        assert ex.prob(expr).value == pytest.approx(p, abs=1e-12)
    assert np.isclose(sum(closed_form_pillar_sets().values()), 1.0)
