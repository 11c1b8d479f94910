"""Estimate arithmetic and comparisons where the meaning is clear."""

from __future__ import annotations

import math

import pytest

import pactsim
from pactsim.errors import PactsimError
from pactsim.results.estimate import Estimate


def test_complement_keeps_the_standard_error_and_mirrors_the_interval() -> None:
    est = Estimate.from_counts(30, 100)
    comp = 1 - est
    assert comp.value == pytest.approx(0.7)
    assert comp.stderr == est.stderr
    assert (comp.lo, comp.hi) == pytest.approx((1 - est.hi, 1 - est.lo))
    for other in (lambda e: e - 0.1, lambda e: 2 - e, lambda e: e - (-0.1)):  # no probability
        with pytest.raises(TypeError, match=r"e\.value"):  # (review-fuzz16b)
            other(est)


def test_comparisons_use_the_value() -> None:
    a, b = Estimate.from_counts(30, 100), Estimate.exact(0.5)
    assert a < b and a <= 0.3 and b > a and b >= 0.5 and not a > 0.3
    assert sorted([b, a]) == [a, b]
    with pytest.raises(TypeError):
        _ = a < "x"  # type: ignore[operator]


def test_difference_of_independent_runs() -> None:
    """Two independent runs: se of the difference is the root sum of squares."""
    sc = pactsim.loads("pactsim: 1\nid: x\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       "events:\n  a: {p: 0.3}\n")
    r1 = pactsim.simulate(sc, n=40_000, seed=1).prob("a")
    r2 = pactsim.simulate(sc, n=40_000, seed=2).prob("a")
    d = r1.minus(r2, independent=True)
    assert d.stderr == pytest.approx(math.hypot(r1.stderr, r2.stderr))
    assert abs(d.value) < 4 * d.stderr  # same p: the difference is noise
    assert d.lo < d.value < d.hi
    assert Estimate.exact(0.5).minus(Estimate.exact(0.2), independent=True) == \
        Estimate.exact(0.5 - 0.2)


def test_ambiguous_differences_say_what_to_do() -> None:
    a, b = Estimate.from_counts(30, 100), Estimate.from_counts(40, 100)
    with pytest.raises(TypeError, match="minus") as info:
        _ = a - b
    assert isinstance(info.value, PactsimError)
    with pytest.raises(ValueError, match="ask one question"):
        a.minus(b, independent=False)



def test_arithmetic_other_than_the_complement_is_refused_naming_the_value() -> None:
    est = Estimate.from_counts(30, 100)
    for other in (lambda e: 100 * e, lambda e: e * 100, lambda e: e / 2, lambda e: 1 / e,
                  lambda e: e + 0.5, lambda e: 0.5 + e):
        with pytest.raises(TypeError, match=r"e\.value"):
            other(est)
    with pytest.raises(TypeError, match="share draws"):
        _ = est + est
    with pytest.raises(TypeError):
        _ = est * "x"  # type: ignore[operator]


def test_a_small_estimate_shows_significant_digits_not_zeros() -> None:
    """review-python16 F5: 0 of 100,000 draws printed as 0 ± 0, CI [0, 0], though the
    interval's upper end is Wilson's 3.8e-05 (1.96^2 / (n + 1.96^2))."""
    est = Estimate.from_counts(0, 100_000)
    hi = 1.959964**2 / (100_000 + 1.959964**2)
    assert est.hi == pytest.approx(hi, rel=1e-5)
    assert repr(est) == f"Estimate(0.0000 ± 0.0000, 95% CI [0.0000, {hi:.2g}], n=100,000)"
    assert str(Estimate.from_counts(14, 100_000)).startswith("0.00014 ± 3.7e-05 (95% CI ")
    assert repr(Estimate.from_counts(30, 100)).startswith("Estimate(0.3000 ± 0.0458, ")


def test_an_estimate_near_1_shows_its_distance_to_1() -> None:
    """review-session16: 100,000 of 100,000 printed CI [1.0000, 1.0000], though Wilson's
    lower end is 1 - 3.8e-05."""
    est = Estimate.from_counts(100_000, 100_000)
    lo = 1 - 1.959964**2 / (100_000 + 1.959964**2)
    assert est.lo == pytest.approx(lo, rel=1e-9)
    assert repr(est) == f"Estimate(1.0000 ± 0.0000, 95% CI [{lo:.6f}, 1.0000], n=100,000)"
    assert f"{lo:.6f}" == "0.999962"
