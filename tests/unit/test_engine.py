"""Engine semantics and reproducibility: gates, dates, seeds, chunks, workers."""

from __future__ import annotations

import datetime as dt
import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import pactsim
from pactsim.errors import ConditionError, PactsimError, ScenarioError
from pactsim.inference.engine import BLOCK
from pactsim.language.distributions import between_to_beta

TEXT = """\
pactsim: 1
id: engine-test
as_of: 2025-01-01
horizon: 2025-12-31
drivers:
  mood: {dist: normal, mean: 0, sd: 1}
events:
  e1: {p: 0.5}
  e2: {p: {between: [0.2, 0.6]}, odds: {mood: 2}}
signing:
  by: {2025-01-31: 0.3, 2025-06-30: 0.6}
pillars:
  mil:
    p: 0.8
    odds: {e1: 3}
    clauses:
      c1: {p: 0.5, requires: [e1]}
      c2: {p: 0.7, excludes: [c1]}
  eco:
    given: [e1]
    table: {true: 1.0, false: 0.0}
    clauses:
      c3: {p: 1.0}
questions:
  early: signing.date <= 2025-01-16
  late: signing.date > 2025-06-30
  n_pillars: count(mil, eco)
  when: signing.date
"""


@pytest.fixture(scope="module")
def sc():
    return pactsim.loads(TEXT)


@pytest.fixture(scope="module")
def res(sc):
    return pactsim.simulate(sc, n=150_000, seed=11)


def test_gates_hold_in_every_draw(res):
    f = res.to_frame()
    assert not (f.mil & ~f.signing).any()
    assert not (f.c1 & ~f.mil).any()
    assert not (f.c1 & ~f.e1).any()            # requires
    assert not (f.c1 & f.c2).any()             # excludes
    assert (f.eco == (f.signing & f.e1)).all()  # table of 1 / 0 is deterministic
    assert (f.c3 == f.eco).all()               # p = 1 under its pillar
    assert f["signing.date"].isna().equals(~f.signing)


def test_dates_follow_the_by_curve(res):
    # F is linear from 0 on as_of to 0.3 on 2025-01-31: P(<= Jan 16) = 0.3 * 15/30
    est = res.prob("early")
    assert abs(est.value - 0.15) < 4 * est.stderr
    assert res.prob("late").value == 0.0        # nothing is drawn after the last point
    cdf = res.signing_cdf(["2025-01-31", "2025-06-30", "2025-12-31"])
    assert np.allclose(cdf.p.to_numpy(), [0.3, 0.6, 0.6], atol=4 * cdf.stderr.max())
    days = res.to_frame()["signing.date"].dropna()
    assert days.min() > pd.Timestamp("2025-01-01")
    assert days.max() <= pd.Timestamp("2025-06-30")


def test_conditional_identity_on_the_same_draws(res):
    # By hand: signing (0.6) is independent of e1, P(mil | signed, e1) = 12/13 (odds x3
    # on 0.8), and given mil and e1, c1 is drawn at 0.5 and c2 (0.7) excludes it, so
    # P(c2 | e1) = 0.6 * 12/13 * 0.7 * 0.5. On the same draws P(c2|e1) P(e1) = P(c2, e1).
    a, b = "c2", "e1"
    joint = res.prob(f"{a} and {b}").value
    cond = res.prob(a, given=b)
    assert abs(cond.value - 0.6 * 12 / 13 * 0.7 * 0.5) < 4 * cond.stderr
    assert cond.value * res.prob(b).value == pytest.approx(joint, rel=1e-12)


def test_odds_on_a_binary_parent(res):
    # P(mil | signed, e1) = 0.8*3 / (0.2 + 0.8*3) = 12/13
    est = res.prob("mil", given="signing and e1")
    assert abs(est.value - 12 / 13) < 4 * est.stderr


def test_between_is_fitted_at_its_quantiles():
    from scipy import stats

    a, b = between_to_beta(0.2, 0.6)
    assert stats.beta.ppf([0.05, 0.95], a, b) == pytest.approx([0.2, 0.6], abs=1e-9)


def test_same_seed_same_draws_and_other_seed_differs(sc):
    one = pactsim.simulate(sc, n=70_000, seed=5).to_frame()
    two = pactsim.simulate(sc, n=70_000, seed=5).to_frame()
    three = pactsim.simulate(sc, n=70_000, seed=6).to_frame()
    pd.testing.assert_frame_equal(one, two)
    assert not one.equals(three)


@pytest.mark.parametrize("chunk_size", [1, BLOCK, 3 * BLOCK, 10**7])
def test_draws_do_not_depend_on_chunk_size(sc, chunk_size):
    n = 5 * BLOCK + 1234  # six blocks: each chunk_size groups them unlike the reference's 4 + 2
    ref = pactsim.simulate(sc, n=n, seed=9, chunk_size=4 * BLOCK).to_frame()
    got = pactsim.simulate(sc, n=n, seed=9, chunk_size=chunk_size).to_frame()
    pd.testing.assert_frame_equal(ref, got)


def test_draws_do_not_depend_on_workers_or_executor(sc):
    n = 3 * BLOCK + 7
    ref = pactsim.simulate(sc, n=n, seed=3, chunk_size=BLOCK)
    procs = pactsim.simulate(sc, n=n, seed=3, chunk_size=BLOCK, workers=2)
    with ThreadPoolExecutor(3) as ex:
        threads = pactsim.simulate(sc, n=n, seed=3, chunk_size=BLOCK, executor=ex)
    pd.testing.assert_frame_equal(ref.to_frame(), procs.to_frame())
    pd.testing.assert_frame_equal(ref.to_frame(), threads.to_frame())
    assert ref.marginals().equals(procs.marginals())


def test_streaming_gives_the_same_summaries(sc):
    kept = pactsim.simulate(sc, n=100_000, seed=4)
    streamed = pactsim.simulate(sc, n=100_000, seed=4, keep_draws=False)
    # Both runs summarise from the same streaming counts, so check the streamed
    # summaries against the kept draws themselves, counted here.
    frame = kept.to_frame()
    marg = streamed.marginals()
    assert marg["p"].tolist() == pytest.approx(frame[list(marg.index)].mean().tolist(), rel=1e-12)
    days = ["2025-01-16", "2025-01-31", "2025-03-15", "2025-06-30"]
    assert streamed.signing_cdf(days)["p"].tolist() == pytest.approx(
        [float((frame["signing.date"] <= pd.Timestamp(d)).mean()) for d in days], rel=1e-12)
    content = [n for n in marg.index if marg.loc[n, "kind"] in ("pillar", "clause")]
    sets, counts = np.unique(frame[content].to_numpy(), axis=0, return_counts=True)
    truth = {tuple(n for n, b in zip(content, row, strict=True) if b): int(c)
             for row, c in zip(sets, counts, strict=True)}
    got = streamed.bundles(top=None)
    assert dict(zip(got["items"], got["count"], strict=True)) == truth
    assert streamed.prob("c1", given="signing").value == pytest.approx(
        frame["c1"][frame["signing"]].mean(), rel=1e-12)
    with pytest.raises(PactsimError, match="keep_draws"):
        streamed.prob("c1 and c2")
    with pytest.raises(PactsimError, match="keep_draws"):
        streamed.to_frame()


def test_results_record_provenance(sc, res):
    assert res.info.seed == 11 and res.info.n == 150_000
    assert res.info.digest == sc.digest
    assert res.info.version == pactsim.__version__
    fresh = pactsim.simulate(sc, n=1000)
    again = pactsim.simulate(sc, n=1000, seed=fresh.seed)
    pd.testing.assert_frame_equal(fresh.to_frame(), again.to_frame())


def test_generator_seed_is_accepted(sc):
    r = pactsim.simulate(sc, n=1000, seed=np.random.default_rng(1))
    assert r.n == 1000


def test_numeric_and_date_questions(res):
    s = res.numeric("n_pillars")
    f = res.to_frame()
    assert s.mean == pytest.approx(f.n_pillars.mean())
    assert s.histogram is not None and s.histogram.sum() == pytest.approx(1.0)
    when = res.numeric("when")
    assert when.missing == pytest.approx(1 - res.prob("signing").value)
    med = dt.date(1970, 1, 1) + dt.timedelta(days=when.quantiles[0.5])
    assert dt.date(2025, 1, 1) < med <= dt.date(2025, 6, 30)


def test_bundles_are_exact_sets(res):
    b = res.bundles(top=50)
    f = res.to_frame()
    content = ["mil", "c1", "c2", "eco", "c3"]
    counts = f[content].value_counts()
    top = b.iloc[0]
    key = tuple(n in top["items"] for n in content)
    assert counts[key] == top["count"]
    assert b.p.is_monotonic_decreasing


def test_errors_are_clear(res, sc):
    # c2 excludes c1: never, whatever n (exact inference says so; session 15)
    with pytest.raises(ConditionError, match="cannot hold in this scenario"):
        res.prob("c1", given="c1 and c2")
    with pytest.raises(ScenarioError, match="did you mean 'c1'"):
        res.prob("c11")
    with pytest.raises(ScenarioError, match=r"^given = 'c1 and', column 7: expected a name"):
        res.prob("c2", given="c1 and")
    with pytest.raises(ScenarioError, match="is a number, not a true/false expression"):
        res.prob("n_pillars")
    with pytest.raises(ValueError, match="n must be between 1 and"):
        pactsim.simulate(sc, n=0)
    with pytest.raises(TypeError, match="Scenario"):
        pactsim.simulate("scenarios/x.yaml")  # type: ignore[arg-type]


def test_scenario_without_binary_nodes():
    sc = pactsim.loads("pactsim: 1\nid: x\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       "drivers:\n  d: {dist: normal, mean: 1, sd: 2}\nquestions:\n  up: d > 1\n")
    res = pactsim.simulate(sc, n=40_000, seed=2)
    assert res.marginals().empty and list(res.marginals().columns)[:2] == ["kind", "pillar"]
    est = res.prob("up")
    assert abs(est.value - 0.5) < 4 * est.stderr
    assert res.bundles().empty  # no pillars or clauses: no texts to count


def test_odds_beyond_floating_range_do_not_poison_draws():
    """odds × 1e300**x overflows exp(); the logistic fallback keeps P(y) = P(x > 0) = 1/2."""
    sc = pactsim.loads("pactsim: 1\nid: x\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       "drivers:\n  d: {dist: normal, mean: 0, sd: 1}\n"
                       "events:\n  y: {p: 0.5, odds: {d: 1e300}}\n"
                       "  z: {p: 1e-300, odds: {d: 1e300}}\n")
    res = pactsim.simulate(sc, n=200_000, seed=8)
    for name in ("y",):
        est = res.prob(name)
        assert abs(est.value - 0.5) < 4 * est.stderr
    ex = pactsim.exact(sc)
    assert ex.prob("y").value == pytest.approx(0.5, abs=1e-6)
    # z: logit(1e-300) + 690.8 x > 0 roughly when x > 1, so P(z) ~ 1 - Phi(1): a step
    # that exact inference must resolve (its rule is graded towards the crossing point)
    # and whose error it must bound honestly, checked against adaptive integration.
    from scipy import integrate, special, stats

    slope, icpt = math.log(1e300), math.log(1e-300) - math.log1p(-1e-300)
    truth, quad_err = integrate.quad(
        lambda x: stats.norm.pdf(x) * special.expit(icpt + slope * x), -12, 12,
        points=[-icpt / slope], limit=400, epsabs=1e-13)
    est = res.prob("z")
    assert abs(est.value - truth) < 4 * est.stderr
    assert abs(ex.prob("z").value - truth) <= ex.quadrature_error + quad_err + 1e-12
    assert abs(ex.prob("z").value - truth) < 1e-6


def test_bundle_table_is_pruned_and_says_so(monkeypatch):
    """With more distinct clause sets than kept, counts are lower bounds and bundles() warns."""
    import pactsim.results.stats as stats_module
    from pactsim.errors import PactsimWarning

    clauses = "\n".join(f"      k{i}: {{p: 0.5}}" for i in range(16))
    sc = pactsim.loads("pactsim: 1\nid: x\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       f"pillars:\n  big:\n    p: 1\n    clauses:\n{clauses}\n")
    monkeypatch.setattr(stats_module, "MAX_BUNDLES", 1000)
    res = pactsim.simulate(sc, n=4 * BLOCK, seed=1, chunk_size=BLOCK, keep_draws=False)
    table = res.stats.sets["all"]
    assert table.bound > 0 and table.cuts > 0
    assert len(table.counts) <= 2 * 1000 + BLOCK
    with pytest.warns(PactsimWarning, match="may be low by up to"):
        res.bundles(top=3)
