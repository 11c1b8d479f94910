"""How numbers, intervals, dates and labels are written, once for every view.

The plain-text summary (:mod:`pactsim.views.text`), the notebook HTML
(:mod:`pactsim.views.display`), the report (:mod:`pactsim.views.report`) and
the plots (:mod:`pactsim.views.plot`) all format through these functions, so
a probability, an interval or a date reads the same everywhere. Nothing here
imports pandas' plotting, matplotlib or the results classes; a missing value
(``None``, NaN, NaT) is written as an em dash.

Examples
--------
>>> pct(0.4003), pct(0.00042), pct(float("nan"))
('40.0%', '0.04%', '—')
>>> interval(0.397, 0.402, 0.0011), interval(0.4, 0.4, 0.0)
('39.7–40.2', 'exact')
>>> day(float("nan")), day("2024-12-31T00:00")
('—', '2024-12-31')
>>> plain("cost $5 and $10")
'cost \\\\$5 and \\\\$10'
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

__all__ = [
    "EM_DASH",
    "LOWER_BOUND",
    "bound_note",
    "clip",
    "count",
    "day",
    "day_of",
    "interval",
    "is_missing",
    "number",
    "pct",
    "pct_short",
    "plain",
    "spread",
    "value",
]

EM_DASH = "—"
#: Marks a share whose count may be low by more than its standard error: the
#: true share is at least the one shown.
LOWER_BOUND = "≥"
_EPOCH = dt.date(1970, 1, 1)


def is_missing(x: Any) -> bool:
    """``None``, NaN and NaT (but not 0) are missing.

    Examples
    --------
    >>> [is_missing(v) for v in (None, float("nan"), pd.NaT, 0.0)]
    [True, True, True, False]
    """
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):  # containers are not missing values
        return False


#: How far below 1 a probability still shows as certain (100%): rounding noise of sums
#: that make 1 (weighted draws under evidence, exact terms), not a chance of not happening.
CERTAIN_NOISE = 1e-12


def pct(p: float | None) -> str:
    """A probability in percent with one decimal (two below 0.1% and above 99.9%),
    "<0.01%" for what rounds to nothing but is not nothing, ">99.99%" for what rounds
    to certain but is not certain, or "—". Within :data:`CERTAIN_NOISE` of 1 is
    certain: sums of weights or of exact terms that make 1 may land a few ulps off.

    Examples
    --------
    >>> pct(0.25), pct(1.0), pct(0.0), pct(0.0004), pct(0.00003), pct(None)
    ('25.0%', '100.0%', '0.0%', '0.04%', '<0.01%', '—')
    >>> pct(0.9996), pct(0.99996)
    ('99.96%', '>99.99%')
    """
    if is_missing(p):
        return EM_DASH
    assert p is not None  # narrowed by is_missing
    if 0 < p < 0.00005:
        return "<0.01%"
    if 0.99995 <= p < 1 - CERTAIN_NOISE:
        return ">99.99%"
    if 0 < p < 0.001 or 0.999 < p < 1 - CERTAIN_NOISE:
        return f"{100 * p:.2f}%"
    return f"{100 * p:.1f}%"


def pct_short(p: float | None) -> str:
    """A probability as a plot label: whole percents, one decimal below 1% and above
    99%, "<0.1%" for what rounds to nothing but is not nothing, ">99.9%" for what
    rounds to certain but is not certain.

    Examples
    --------
    >>> pct_short(0.4003), pct_short(0.0042), pct_short(0.00001), pct_short(0.0)
    ('40%', '0.4%', '<0.1%', '0%')
    >>> pct_short(0.996), pct_short(0.99996), pct_short(1.0)
    ('99.6%', '>99.9%', '100%')
    """
    if is_missing(p):
        return EM_DASH
    assert p is not None
    if 0 < p < 0.0005:
        return "<0.1%"
    if 0.9995 <= p < 1 - CERTAIN_NOISE:
        return ">99.9%"
    return f"{100 * p:.1f}%" if 0 < p < 0.01 or 0.99 < p < 1 - CERTAIN_NOISE \
        else f"{100 * p:.0f}%"


def band_ends(lo: float, hi: float) -> tuple[str, str] | None:
    """An 80% band's ends as shown, decided by its width alone: ``None`` (no spread) for
    a band under 0.05 point wide; whole percents (:func:`pct_short`) for one at least
    1 point wide (from 1%); else :func:`pct`'s one decimal, or two where one would show
    the same number at both ends.

    Examples
    --------
    >>> band_ends(0.31, 0.49), band_ends(0.1546, 0.1556), band_ends(0.4, 0.4003)
    (('31%', '49%'), ('15.5%', '15.6%'), None)
    >>> band_ends(0.40051, 0.40139), band_ends(0.40049, 0.40051)
    (('40.05%', '40.14%'), None)
    """
    if not hi - lo >= 0.0005:  # NaN too
        return None
    if hi - lo >= 0.01 and lo >= 0.01:
        return pct_short(lo), pct_short(hi)
    a, b = pct(lo), pct(hi)
    return (a, b) if a != b else (f"{100 * lo:.2f}%", f"{100 * hi:.2f}%")


def band_point(p: float, ends: tuple[str, str] | None) -> str:
    """A band's point (its mean) to as many decimals as :func:`band_ends` gave its ends,
    so that a point inside the band reads inside it; :func:`pct_short` without a band.

    Examples
    --------
    >>> band_point(0.155, band_ends(0.1546, 0.1554)), band_point(0.4, band_ends(0.31, 0.49))
    ('15.50%', '40%')
    """
    if ends is None:
        return pct_short(p)
    decimals = len(ends[0].rstrip("%").lstrip("<>").partition(".")[2])
    shown = f"{100 * p:.{decimals}f}%"
    if (float(shown[:-1]) >= 100 and p < 1 - CERTAIN_NOISE) or (float(shown[:-1]) <= 0 < p):
        return pct_short(p) if decimals == 0 else pct(p)  # not certain: not 100% (or 0%)
    return shown


def interval(lo: float, hi: float, stderr: float) -> str:
    """A 95% interval in percentage points ("39.7–40.2"; two decimals when one would
    show the same number at both ends, "2.08–2.13"), or "exact" for an exact answer
    (standard error 0 and ``lo == hi``).

    Examples
    --------
    >>> interval(0.397, 0.402, 0.001), interval(0.0208, 0.0213, 0.0001)
    ('39.7–40.2', '2.08–2.13')
    >>> interval(0.99996, 0.99999, 0.00001), interval(0.0, 0.00003, 0.00001)
    ('99.99–100', '0–0.01')
    >>> interval(0.99991, 1.0, 0.00001), interval(0.0, 0.0001, 0.00001)
    ('99.99–100', '0–0.01')
    """
    if stderr == 0 and lo == hi:
        return "exact"
    if is_missing(lo) or is_missing(hi):
        return EM_DASH
    a, b = f"{100 * lo:.1f}", f"{100 * hi:.1f}"
    if a == b and lo != hi:  # a narrow interval: two decimals, so that it shows its width
        a, b = f"{100 * lo:.2f}", f"{100 * hi:.2f}"
    if a == b and lo != hi:  # narrower still: its ends rounded outwards, so they differ
        a = f"{math.floor(10_000 * lo) / 100:.2f}"
        b = f"{math.ceil(10_000 * hi) / 100:.2f}"
    # a certain end is said without decimals: "99.99–100" fits the column "[99.6–100.0]"
    # sets (review-report16: "[99.99–100.00]" pushed the next column right)
    b = "100" if b == "100.00" else b
    a = "0" if a == "0.00" else a
    return f"{a}–{b}"


def pct_in(p: float | None, lo: float, hi: float, stderr: float) -> str:
    """:func:`pct`, unless it would read outside the interval :func:`interval` prints
    (review-numbers15: "2.1% [2.06–2.09]" for 2.075%): then to the interval's decimals.
    Rounding to the same decimals keeps order, so a point inside its interval reads
    inside it.

    Examples
    --------
    >>> pct_in(0.0207495, 0.0206103, 0.0208897, 0.00007), pct_in(0.397, 0.39, 0.41, 0.005)
    ('2.07%', '39.7%')
    >>> pct_in(0.0009, 0.0006, 0.0018, 0.0003), pct_in(0.4, 0.4, 0.4, 0.0)
    ('0.1%', '40.0%')
    """
    shown = pct(p)
    if is_missing(p) or is_missing(lo) or is_missing(hi) or (stderr == 0 and lo == hi):
        return shown
    assert p is not None
    ends = interval(lo, hi, stderr).split("–")
    if len(ends) != 2:
        return shown
    a, b = (float(x) for x in ends)
    if shown.startswith(("<", ">")):
        inside = (a <= 0.01) if shown.startswith("<") else (b >= 99.99)
    else:
        inside = a <= float(shown.rstrip("%")) <= b
    if inside:
        return shown
    decimals = max(len(x.partition(".")[2]) for x in ends)
    point = f"{100 * p:.{decimals}f}"
    if (float(point) >= 100 and p < 1 - CERTAIN_NOISE) or (float(point) <= 0 < p):
        return shown  # not certain: not 100% (or 0%)
    return point + "%"


def day_of(v: float | None) -> dt.date | None:
    """The date of a day number (days since 1970-01-01, as numeric date
    questions store them), or ``None`` when missing.

    Examples
    --------
    >>> day_of(20088.0), day_of(float("nan"))
    (datetime.date(2024, 12, 31), None)
    """
    if is_missing(v):
        return None
    assert v is not None
    return _EPOCH + dt.timedelta(days=round(v))


def day(d: Any) -> str:
    """A date (``date``, ``datetime64``, ``Timestamp`` or ISO text) as
    ``YYYY-MM-DD``, or "—" when missing (NaT: not signed)."""
    if is_missing(d):
        return EM_DASH
    return str(pd.Timestamp(d).date())


def value(v: float | None, kind: str) -> str:
    """A value of a numeric question: a date for ``kind == "date"`` (``v`` a
    day number), else three significant digits; "—" when missing.

    Examples
    --------
    >>> value(4.9712, "int"), value(20088.0, "date"), value(float("nan"), "float")
    ('4.97', '2024-12-31', '—')
    """
    if is_missing(v):
        return EM_DASH
    assert v is not None
    if kind == "date":
        return str(day_of(v))
    return number(v)


def number(x: float) -> str:
    """A number to three significant figures, never in exponent form between 1e-4
    and 1e15: from 1,000 on, whole and grouped by thousands.

    Examples
    --------
    >>> number(0.012345), number(4.9712), number(999.7), number(1234.4), number(3e20)
    ('0.0123', '4.97', '1,000', '1,234', '3e+20')
    """
    if math.isfinite(x) and 999.5 <= abs(x) < 1e15:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def spread(sd: float | None, kind: str) -> str:
    """A standard deviation of a numeric question (in days for dates), or "—".

    Examples
    --------
    >>> spread(2.4812, "int"), spread(45.26, "date"), spread(float("nan"), "int")
    ('2.48', '45.3 days', '—')
    """
    if is_missing(sd):
        return EM_DASH
    assert sd is not None
    return f"{number(sd)} days" if kind == "date" else number(sd)


def count(k: int, bound: int = 0) -> str:
    """A count of draws, with the most it may be low by when that is not 0.

    Examples
    --------
    >>> count(1234), count(1234, 12)
    ('1,234', '1,234 +≤12')
    """
    return f"{k:,}" if not bound else f"{k:,} +≤{bound:,}"


def bound_note(bound: int) -> str:
    """The footnote for shares marked :data:`LOWER_BOUND`.

    Examples
    --------
    >>> bound_note(1200)
    '≥ counts may be low by up to 1,200 draws (more than their standard error)'
    """
    return (f"{LOWER_BOUND} counts may be low by up to {bound:,} draws "
            "(more than their standard error)")


def clip(text: str, width: int = 48) -> str:
    """``text`` cut to ``width`` characters with an ellipsis (for plot labels,
    which cannot wrap).

    Examples
    --------
    >>> clip("Joint stance against unilateral sanctions", 20)
    'Joint stance agains…'
    """
    return text if len(text) <= width else text[: width - 1] + "…"


def plain(text: str) -> str:
    r"""Text for matplotlib, shown as written: every ``$`` escaped, so labels
    are never typeset as mathematics (``Price $x^$`` would not even parse).

    Matplotlib treats a string with an even number of unescaped ``$`` as
    mathtext and turns ``\$`` back into ``$`` otherwise; escaping each ``$``
    makes the count of unescaped ones zero, and the display exactly ``text``.

    Examples
    --------
    >>> print(plain("Price $x^$"))
    Price \$x^\$
    """
    return text.replace("$", r"\$")


def json_value(x: Any) -> Any:
    """``x`` as JSON-ready data: dates and timestamps as ISO dates, missing numbers and
    ``NaT`` as ``None``, numpy scalars as Python ones, mappings and sequences
    element by element; anything else as its ``repr``.

    Examples
    --------
    >>> json_value({"d": pd.Timestamp("2025-01-17"), "p": float("nan"), "k": [1, 2.5]})
    {'d': '2025-01-17', 'p': None, 'k': [1, 2.5]}
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    if isinstance(x, pd.Timestamp):
        return None if pd.isna(x) else x.date().isoformat()
    if x is pd.NaT:
        return None
    if hasattr(x, "isoformat"):
        return x.isoformat()
    if isinstance(x, dict):
        return {str(json_value(k)): json_value(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [json_value(v) for v in x]
    if hasattr(x, "item"):  # numpy scalars
        return json_value(x.item())
    if isinstance(x, str | int | float | bool):
        return x
    return repr(x)
