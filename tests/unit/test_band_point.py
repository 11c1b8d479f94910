"""A band's point is printed to the band's digits, so a point inside the band reads
inside it; a 95% interval too narrow for one decimal gets two."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pactsim.views.format import band_ends, band_point, interval


def _number(text: str) -> float:
    return float(text.rstrip("%").lstrip("<>"))


@given(st.floats(0.011, 0.98), st.floats(0.0005, 0.2), st.floats(0, 1))
def test_a_point_inside_its_band_reads_inside_it(lo: float, width: float, at: float) -> None:
    hi = min(lo + width, 0.989)
    ends = band_ends(lo, hi)
    if ends is None:
        return
    mean = lo + at * (hi - lo)
    shown = band_point(mean, ends)
    decimals = len(ends[0].rstrip("%").partition(".")[2])
    assert len(shown.rstrip("%").partition(".")[2]) == decimals
    assert _number(ends[0]) <= _number(shown) <= _number(ends[1])


def test_the_reviewers_case() -> None:
    # defence_pact: mean 15.50%, band 15.46-15.54% (was printed "16% (80% band 15.46-15.54%)")
    ends = band_ends(0.15462, 0.15538)
    assert ends == ("15.46%", "15.54%") and band_point(0.15500, ends) == "15.50%"


def test_a_narrow_interval_shows_its_width() -> None:
    assert interval(0.02051, 0.02112, 0.00015) == "2.05–2.11"  # was "2.1–2.1"
    assert interval(0.397, 0.402, 0.001) == "39.7–40.2"
    assert interval(0.4, 0.4, 0.0) == "exact"


@given(st.floats(0.9, 0.99999), st.floats(0.00001, 0.1), st.floats(0, 1))
def test_a_point_near_one_is_not_shown_as_certain(lo: float, width: float, at: float) -> None:
    hi = min(lo + width, 0.999999)
    ends = band_ends(lo, hi)
    mean = lo + at * (hi - lo)
    shown = band_point(mean, ends)
    assert shown not in ("100%", "100.0%", "100.00%"), (lo, hi, mean, ends, shown)


def test_the_second_reviewers_cases() -> None:
    # q_sure: 99.6% with a band 99%->99.9% was printed "100%"
    assert band_point(0.996, band_ends(0.99, 0.9996)) == "99.6%"
    # an interval that rounds alike at two decimals is widened outwards, never "100.00-100.00"
    assert interval(0.99996, 0.99999, 1e-5) == "99.99–100"
    assert interval(0.0, 0.00003, 1e-5) == "0–0.01"
    assert interval(0.500011, 0.500019, 1e-6) == "50.00–50.01"
