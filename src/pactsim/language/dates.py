"""Day numbers: the integer behind ``datetime64[D]`` (days since 1970-01-01).

Every date inside pactsim (draws, histograms, exact factors) is a day number;
these helpers convert at the edges.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

__all__ = ["EPOCH", "day_number", "from_day", "iso_date", "to_day"]

EPOCH = dt.date(1970, 1, 1)


def day_number(d: dt.date) -> int:
    """Days since 1970-01-01 (the integer behind ``datetime64[D]``)."""
    return (d - EPOCH).days


def to_day(d: dt.date | str | np.datetime64) -> int:
    """Day number of a date, an ISO string, a ``datetime64`` or a pandas Timestamp."""
    if isinstance(d, str):
        d = dt.date.fromisoformat(d)
    if isinstance(d, dt.datetime):  # pandas.Timestamp is a datetime too
        d = d.date()
    if isinstance(d, np.datetime64):
        return int(d.astype("datetime64[D]").astype(np.int64))
    return day_number(d)


def iso_date(value: object) -> dt.date | None:
    """``value`` as a date when it is a ``datetime.date``, a ``datetime`` (its day; a
    pandas ``Timestamp`` too), a ``numpy.datetime64`` (its day) or ISO text
    (``"2024-12-01"``); ``None`` otherwise, ``NaT`` included (callers say what they
    expected)."""
    if isinstance(value, np.datetime64):  # (review-api27: date_cdf took these, given not)
        if np.isnat(value):
            return None
        day = value.astype("datetime64[D]").item()
        return day if isinstance(day, dt.date) else None  # (out of datetime's range: int)
    if isinstance(value, dt.datetime):
        if value != value:  # pandas' NaT is a datetime that equals nothing (review-api27)
            return None
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def from_day(day: int) -> dt.date:
    """The date of a day number."""
    return EPOCH + dt.timedelta(days=int(day))
