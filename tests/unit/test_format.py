"""Unit tests of pactsim.views.format: one way to write numbers, dates and labels."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from pactsim.views import format as fmt
from view_fakes import DOLLAR_LABELS


@pytest.mark.parametrize(("p", "text"), [
    (0.4003, "40.0%"), (1.0, "100.0%"), (0.0, "0.0%"), (0.00042, "0.04%"),
    (float("nan"), "—"), (None, "—"),
])
def test_pct(p: float | None, text: str) -> None:
    assert fmt.pct(p) == text


@pytest.mark.parametrize(("p", "text"), [
    (0.4003, "40%"), (0.0042, "0.4%"), (0.00001, "<0.1%"), (0.0, "0%"), (float("nan"), "—"),
])
def test_pct_short(p: float, text: str) -> None:
    assert fmt.pct_short(p) == text


def test_interval() -> None:
    assert fmt.interval(0.397, 0.402, 0.0011) == "39.7–40.2"
    assert fmt.interval(0.4, 0.4, 0.0) == "exact"
    assert fmt.interval(0.0, 0.004, 0.0) == "0.0–0.4"  # never seen, but not exact
    assert fmt.interval(float("nan"), float("nan"), 0.1) == "—"


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NaT, np.datetime64("NaT", "D")])
def test_missing_dates_are_a_dash(missing: object) -> None:
    assert fmt.day(missing) == "—"


@pytest.mark.parametrize("d", ["2024-12-31", dt.date(2024, 12, 31), np.datetime64("2024-12-31"),
                               pd.Timestamp("2024-12-31 00:00")])
def test_day(d: object) -> None:
    assert fmt.day(d) == "2024-12-31"


def test_values_of_numeric_questions() -> None:
    day_number = (dt.date(2024, 12, 31) - dt.date(1970, 1, 1)).days
    assert fmt.day_of(float(day_number)) == dt.date(2024, 12, 31)
    assert fmt.value(float(day_number), "date") == "2024-12-31"
    assert fmt.value(4.9712, "int") == "4.97"
    assert fmt.value(float("nan"), "date") == "—"
    assert fmt.spread(45.26, "date") == "45.3 days"
    assert fmt.spread(float("nan"), "float") == "—"


def test_counts_show_their_bound_only_when_not_zero() -> None:
    assert fmt.count(1234) == "1,234"
    assert fmt.count(1234, 0) == "1,234"
    assert fmt.count(1234, 1200) == "1,234 +≤1,200"
    assert "up to 1,200 draws" in fmt.bound_note(1200)
    assert fmt.bound_note(1200).startswith(fmt.LOWER_BOUND)


def test_clip() -> None:
    assert fmt.clip("short") == "short"
    assert fmt.clip("x" * 60) == "x" * 47 + "…"


@pytest.mark.parametrize("label", [*DOLLAR_LABELS, r"a\$b $x$", "$$", "\\", "no dollars"])
def test_plain_leaves_no_dollar_unescaped(label: str) -> None:
    shown = fmt.plain(label)
    assert not re.search(r"(?<!\\)\$", shown)
    # what matplotlib displays for non-math text: every "\$" back to "$"
    assert shown.replace(r"\$", "$") == label


@pytest.mark.parametrize(("x", "shown"), [
    (0.00012345, "0.000123"), (4.9712, "4.97"), (999.4, "999"), (999.6, "1,000"),
    (1234.4, "1,234"), (-25_300.0, "-25,300"), (2.5e15, "2.5e+15"), (float("inf"), "inf")])
def test_number_has_no_exponent_between_1e_minus_4_and_1e15(x: float, shown: str) -> None:
    # ".3g" wrote 1,234 days as "1.23e+03"; the expected strings are written by hand
    assert fmt.number(x) == shown


def test_large_values_and_spreads_are_written_whole() -> None:
    assert fmt.value(1234.4, "int") == "1,234"
    assert fmt.spread(1234.4, "date") == "1,234 days"
    assert fmt.spread(45.26, "date") == "45.3 days"
