"""Key dates (the rows of every signing table) stay few whatever the span or the
number of `by` points, and include what an analyst wrote."""

from __future__ import annotations

import datetime as dt

import pactsim


def _scenario(as_of: str, horizon: str, by: dict[str, float]) -> pactsim.Scenario:
    points = ", ".join(f"{d}: {p}" for d, p in by.items())
    return pactsim.loads(f"pactsim: 1\nid: x\nas_of: {as_of}\nhorizon: {horizon}\n"
                         f"signing:\n  by: {{{points}}}\n")


def test_short_span_reports_quarter_ends_and_by_points() -> None:
    sc = _scenario("2024-11-05", "2025-12-31", {"2024-12-20": 0.3, "2025-12-31": 0.8})
    assert sc.key_dates() == [dt.date(2024, 12, 20), dt.date(2024, 12, 31), dt.date(2025, 3, 31),
                              dt.date(2025, 6, 30), dt.date(2025, 9, 30), dt.date(2025, 12, 31)]


def test_long_span_reports_a_bounded_number_of_year_ends() -> None:
    sc = _scenario("1990-01-01", "2039-12-31", {"2039-12-31": 0.5})
    dates = sc.key_dates()
    assert len(dates) <= 13
    assert dates[-1] == dt.date(2039, 12, 31)
    assert all(d.month == 12 and d.day == 31 for d in dates)


def test_many_by_points_are_thinned_but_keep_the_last() -> None:
    start = dt.date(2024, 1, 1)
    by = {str(start + dt.timedelta(days=i + 1)): round((i + 1) / 400, 6) for i in range(300)}
    sc = _scenario("2024-01-01", "2024-12-31", by)
    dates = sc.key_dates()
    assert len(dates) <= 2 * 12 + 1
    assert max(by) == str(dates[-1]) or dates[-1] == dt.date(2024, 12, 31)
    assert dt.date.fromisoformat(max(by)) in dates
