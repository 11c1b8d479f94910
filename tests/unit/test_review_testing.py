"""Review of ``pactsim.testing`` (strategies and assertions), 2026-12-01.

What was reviewed: that ``strategies.scenarios`` reaches the format 1/2/3 features its
docstring lists (measured over 300 examples per configuration: with ``dated=True``
milestones 15%, dated events 29%, per-row curves 17%, hazard ratios 39%, every
``after`` mode and ``delay`` form 2-10%; with ``categorical`` and ``attributes`` also
categorical nodes 60% and attributes 69%); that every example loads, simulates and is
answered by ``pactsim.exact`` or refused with a documented error (``ModelTooWideError``
or ``ExactUnsupportedError``: about 40% of dated examples are refused, mostly for a
condition on a driver); that the size bounds hold; that shrinking gives small
examples; that drawing is deterministic with ``derandomize``; and that the assertion
helpers fail at 6 standard errors, pass at 1, and have the false-failure rate of the
number of standard errors they use. No defect was found in these; see the report.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

import pactsim
from pactsim.errors import ExactUnsupportedError, ModelTooWideError
from pactsim.results.estimate import Estimate
from pactsim.testing import assert_matches_exact, assert_prob_close
from pactsim.testing import strategies as pst

FAST = settings(max_examples=15, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))


def _all_nodes(sc: pactsim.Scenario) -> dict[str, object]:
    out: dict[str, object] = dict(sc.events)
    for name, pillar in sc.pillars.items():
        out[name] = pillar
        out.update(pillar.clauses)
    return out


@FAST
@given(pst.scenarios(max_nodes=5, dated=True, categorical=True, attributes=True))
def test_every_example_loads_simulates_and_is_answered_or_refused(sc: pactsim.Scenario) -> None:
    again = pactsim.loads(pactsim.dumps(sc))
    assert again.binary_names == sc.binary_names
    res = pactsim.simulate(sc, n=200, seed=0)
    assert res.marginals()["p"].between(0, 1).all()
    try:
        ex = pactsim.exact(sc)
    except (ModelTooWideError, ExactUnsupportedError):
        return
    assert ex.marginals()["p"].between(-1e-12, 1 + 1e-12).all()


def test_features_are_reached_often_enough() -> None:
    """Over 120 examples each feature named in the docs appears at least a few times."""
    counts: dict[str, int] = {}

    # derandomized: the same 120 examples every run (drawn at random, a feature seen in
    # about one example in ten came out under 5 now and then, and the test flapped)
    @settings(max_examples=120, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), derandomize=True)
    @given(pst.scenarios(dated=True, categorical=True, attributes=True))
    def look(sc: pactsim.Scenario) -> None:
        seen = set()
        for v in _all_nodes(sc).values():
            timing = getattr(v, "timing", None)
            if timing:
                seen.add(timing)
            if getattr(v, "levels", None) is not None:
                seen.add("categorical")
            if getattr(v, "hazard_ratio", None):
                seen.add("hazard_ratio")
            if getattr(v, "requires", None):
                seen.add("requires")
        if sc.attributes:
            seen.add("attribute")
        if sc.drivers:
            seen.add("driver")
        if any(p.clauses for p in sc.pillars.values()):
            seen.add("clause")
        for f in seen:
            counts[f] = counts.get(f, 0) + 1

    look()
    for feature in ("curve", "milestone", "categorical", "hazard_ratio", "requires",
                    "attribute", "driver", "clause"):
        assert counts.get(feature, 0) >= 5, (feature, counts)


@FAST
@given(st.data())
def test_size_arguments_bound_binary_nodes(data: st.DataObject) -> None:
    lo = data.draw(st.integers(0, 4))
    hi = data.draw(st.integers(lo, 6))
    sc = data.draw(pst.scenarios(min_nodes=lo, max_nodes=hi, dated=True, categorical=True))
    assert lo <= len(sc.binary_names) <= hi
    assert len(sc.drivers) <= 2


def test_shrinking_gives_a_minimal_clause_example() -> None:
    # derandomized: a random run's shrinking stops at 2 to 6 nodes depending on where it
    # starts (Hypothesis promises a local minimum, not the smallest), which made this flaky
    # Even so, in a full CI run it once stopped at 4 (two events left beside them): the
    # example must be small and hold one pillar with one clause, not be the smallest.
    sc = find(pst.scenarios(), lambda s: any(p.clauses for p in s.pillars.values()),
              settings=settings(database=None, max_examples=500, derandomize=True))
    assert len(sc.pillars) == 1 and sum(len(p.clauses) for p in sc.pillars.values()) == 1
    assert len(sc.binary_names) <= 6  # unshrunk examples run to dozens of nodes
    assert not sc.drivers and not sc.questions


def test_derandomized_drawing_is_deterministic() -> None:
    def draw_some() -> list[str]:
        out: list[str] = []

        @settings(max_examples=10, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(pst.scenarios(max_nodes=4, dated=True))
        def collect(sc: pactsim.Scenario) -> None:
            out.append(pactsim.dumps(sc))

        collect()
        return out

    first = draw_some()
    assert first and first == draw_some()


# -- assertions ---------------------------------------------------------------------


@pytest.mark.parametrize(("shift", "passes"), [(1.0, True), (-1.0, True),
                                               (6.0, False), (-6.0, False)])
def test_assert_prob_close_at_1_and_6_standard_errors(shift: float, passes: bool) -> None:
    n, p = 10_000, 0.3
    se = math.sqrt(p * (1 - p) / n)
    k = round((p + shift * se) * n)
    if passes:
        assert_prob_close(Estimate.from_counts(k, n), p)
    else:
        with pytest.raises(AssertionError, match=r"standard errors from 0\.3 \(n=10,000"):
            assert_prob_close(Estimate.from_counts(k, n), p)


@pytest.mark.parametrize("sigmas", [1.0, 2.0])
def test_false_failure_rate_matches_sigmas(sigmas: float) -> None:
    """With a seed, binomial draws at the true p fail at about 2 * (1 - Phi(sigmas))."""
    rng = np.random.default_rng(7)
    n, p, trials = 2_000, 0.3, 4_000
    fails = 0
    for k in rng.binomial(n, p, size=trials):
        try:
            assert_prob_close(Estimate.from_counts(int(k), n), p, sigmas=sigmas)
        except AssertionError:
            fails += 1
    alpha = math.erfc(sigmas / math.sqrt(2))
    sd = math.sqrt(alpha * (1 - alpha) / trials)
    # the max of two binomial errors and the discreteness keep it a bit below alpha
    assert alpha - 5 * sd - 0.02 <= fails / trials <= alpha + 5 * sd


def test_assert_matches_exact_fails_6_se_away_and_names_the_node() -> None:
    sc = pactsim.loads("pactsim: 1\nid: r\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       "events:\n  a: {p: 0.3}\n  b: {p: 0.6, odds: {a: 2}}\n")
    res = pactsim.simulate(sc, n=20_000, seed=11)
    ex = pactsim.exact(sc)
    assert_matches_exact(res, ex)

    class Shifted:
        def __init__(self, by: float) -> None:
            self.by = by

        def marginals(self):  # type: ignore[no-untyped-def]
            m = ex.marginals().copy()
            m.loc["b", "p"] = float(res.marginals().loc["b", "p"]) - self.by
            return m

        def questions(self):  # type: ignore[no-untyped-def]
            return ex.questions()

    se = math.sqrt(0.65 * 0.35 / 20_000)
    assert_matches_exact(res, Shifted(1 * se))
    with pytest.raises(AssertionError) as info:
        assert_matches_exact(res, Shifted(6 * se))
    flagged = [line for line in str(info.value).splitlines() if line.startswith("✗")]
    assert [line.split()[1] for line in flagged] == ["b"]
    assert "1 of 2" in str(info.value)


def test_an_attribute_never_requires_and_excludes_one_node() -> None:
    # it drew `requires: [x == a]` and `excludes: [x == a]` on one attribute, which
    # validation refuses ("would always be missing"): a random CI run failed on it. With
    # one earlier node, a categorical one, any attribute with both gates names it twice.
    from pactsim.testing.strategies import _attribute

    with pytest.raises(NoSuchExample):
        find(_attribute(["x"], {"x": ("absent", "a", "b")}, True),
             lambda spec: "requires" in spec and "excludes" in spec,
             settings=settings(database=None, max_examples=300, derandomize=True))
