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
import re
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

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


def pct(p: float | None) -> str:
    """A probability in percent with one decimal (two below 0.1%), or "—".

    Examples
    --------
    >>> pct(0.25), pct(1.0), pct(0.0), pct(0.0004), pct(None)
    ('25.0%', '100.0%', '0.0%', '0.04%', '—')
    """
    if is_missing(p):
        return EM_DASH
    assert p is not None  # narrowed by is_missing
    if 0 < p < 0.001:
        return f"{100 * p:.2f}%"
    return f"{100 * p:.1f}%"


def pct_short(p: float | None) -> str:
    """A probability as a plot label: whole percents, one decimal below 1%,
    "<0.1%" for what rounds to nothing but is not nothing.

    Examples
    --------
    >>> pct_short(0.4003), pct_short(0.0042), pct_short(0.00001), pct_short(0.0)
    ('40%', '0.4%', '<0.1%', '0%')
    """
    if is_missing(p):
        return EM_DASH
    assert p is not None
    if 0 < p < 0.0005:
        return "<0.1%"
    return f"{100 * p:.1f}%" if 0 < p < 0.01 else f"{100 * p:.0f}%"


def interval(lo: float, hi: float, stderr: float) -> str:
    """A 95% interval in percentage points ("39.7–40.2"), or "exact" for an
    exact answer (standard error 0 and ``lo == hi``)."""
    if stderr == 0 and lo == hi:
        return "exact"
    if is_missing(lo) or is_missing(hi):
        return EM_DASH
    return f"{100 * lo:.1f}–{100 * hi:.1f}"


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


#: Narrowest width :func:`fold` folds to (a narrower terminal wraps what is left).
MIN_FOLD = 40


def fold(text: str, width: int) -> str:
    """``text`` with every line longer than ``width`` (at least :data:`MIN_FOLD`)
    broken, for a terminal of ``width`` columns; what is printed is unchanged but for
    the line breaks and their indentation.

    A table (consecutive lines with columns two or more spaces apart) too wide first
    loses the spaces its columns can spare (gaps of three or more in every row keep
    two), then is cut at one column gap, the same for every row, so the columns
    after it continue on the line below each row, still aligned, four spaces further
    in than the table (again, while they are too wide). A line that is not a table
    row (prose, a list of names), or a table without such a gap, breaks at spaces and
    continues four spaces further in; a word longer than a line is cut.

    Examples
    --------
    >>> table = ["  name          low .. high   range             swing",
    ...          "  alpha.p       0.2 .. 0.4    ±1 log-odds       3.1 pp",
    ...          "  beta.delay    160d .. 240d  ×0.8/×1.2 (days)  9.4 pp"]
    >>> print(fold("\\n".join(table), 40))
      name        low .. high
          range             swing
      alpha.p     0.2 .. 0.4
          ±1 log-odds       3.1 pp
      beta.delay  160d .. 240d
          ×0.8/×1.2 (days)  9.4 pp
    >>> print(fold("  no spread: " + ", ".join(["alpha", "beta", "gamma"] * 2), 40))
      no spread: alpha, beta, gamma, alpha,
          beta, gamma
    """
    width = max(int(width), MIN_FOLD)
    lines = text.split("\n")
    out: list[str] = []
    k = 0
    while k < len(lines):
        if not _is_row(lines[k]):
            out += _wrap(lines[k], width)
            k += 1
            continue
        end = k
        while end < len(lines) and _is_row(lines[end]):
            end += 1
        out += _fold_table(lines[k:end], width)
        k = end
    return "\n".join(out)


def _is_row(line: str) -> bool:
    """Whether ``line`` has columns: two cells two or more spaces apart."""
    return re.search(r"\S {2,}\S", line) is not None


def _wrap(line: str, width: int) -> list[str]:
    """``line`` broken at spaces to ``width``, continued four spaces further in."""
    import textwrap

    if len(line) <= width:
        return [line]
    body = line.rstrip()
    lead = len(body) - len(body.lstrip(" "))
    hang = " " * min(lead + 4, width // 2)
    wrap = textwrap.TextWrapper(width=width, initial_indent=" " * lead,
                                subsequent_indent=hang, break_on_hyphens=False)
    return wrap.wrap(body[lead:]) or [body[:width]]


def _wrap_column(line: str, width: int) -> list[str]:
    """A table row too wide, with no gap to cut at: the column where it overflows
    continues under itself when it starts before ``width - 30`` (every row of a table
    alike), else the row wraps as prose (:func:`_wrap`)."""
    import textwrap

    cut = line.rfind("  ", 0, width)
    start = cut + 2 if cut >= 0 else -1
    while 0 <= start < len(line) and line[start] == " ":
        start += 1
    if start <= 0 or start > width - min(30, width // 2) or not line[:start].strip():
        return _wrap(line, width)
    tail = textwrap.TextWrapper(width=width - start, break_on_hyphens=False).wrap(line[start:])
    return [line[:start] + tail[0], *(" " * start + t for t in tail[1:])]


def _spaces(rows: list[str]) -> NDArray[np.bool_]:
    """``(rows, widest)``: where each row has a space (or has ended)."""
    wide = max(len(r) for r in rows)
    codes = np.frombuffer("".join(r.ljust(wide) for r in rows)  # one code a character,
                          .encode("utf-32-le", "surrogatepass"),  # a file name's too
                          dtype=np.uint32)
    out: NDArray[np.bool_] = (codes == ord(" ")).reshape(len(rows), wide)
    return out


def _squeeze(rows: list[str], width: int) -> list[str]:
    """Table rows narrowed by taking out columns of spaces inside a gap of three or
    more in every row (two spaces still part each pair of cells, and each column keeps
    its alignment), from the right, until the widest row fits ``width`` or no such
    column is left. One pass over the rows (a table of any length)."""
    excess = max(len(r) for r in rows) - width
    if excess <= 0:
        return rows
    blank: NDArray[np.bool_] = np.all(_spaces(rows), axis=0)  # spaces in every row
    drop: list[int] = []
    c = blank.shape[0] - 1
    while c > 0 and len(drop) < excess:  # runs of blank columns, from the right
        if not blank[c]:
            c -= 1
            continue
        end = c
        while c >= 0 and blank[c]:
            c -= 1
        if c < 0:  # the indentation: kept
            break
        spare = end - c - 2  # a run of end - c blank columns keeps two
        drop += range(end, end - min(spare, excess - len(drop)), -1) if spare > 0 else []
    if not drop:
        return rows
    keep = np.ones(blank.shape[0], dtype=np.bool_)
    keep[drop] = False
    where = np.flatnonzero(keep)
    return ["".join(r[k] for k in where[: int(np.searchsorted(where, len(r)))]) for r in rows]


def _gap(rows: list[str], width: int, least: int) -> int | None:
    """The greatest ``c`` in ``least..width`` where every row has ended or has two
    spaces before it (a column gap to cut at), or ``None``."""
    sp = _spaces(rows)
    lens = np.array([len(r) for r in rows])
    for c in range(min(width, sp.shape[1]), least - 1, -1):
        if bool(np.all((lens <= c) | (sp[:, c - 2] & sp[:, c - 1]))):
            return c
    return None


def _fold_table(rows: list[str], width: int) -> list[str]:
    """Table rows cut at one column gap common to all (the rightmost that leaves the
    first part within ``width``), each row's rest on the lines below it, aligned;
    cut again while the rests are too wide. Without such a gap each row is wrapped."""
    if all(len(r) <= width for r in rows):
        return rows
    rows = _squeeze([r.rstrip() for r in rows], width)
    if all(len(r) <= width for r in rows):
        return rows
    lead = min(len(r) - len(r.lstrip(" ")) for r in rows)
    hang = " " * min(lead + 4, width // 2)
    pieces = [[r] for r in rows]  # each row's lines so far; the last is its rest
    active = list(range(len(rows)))  # rows whose last line is still to be cut
    least = max(len(hang) + 8, 12)  # each cut shortens a rest by at least 8: it ends
    while any(len(pieces[i][-1]) > width for i in active):
        rests = [pieces[i][-1] for i in active]
        cut = _gap(rests, width, least)
        if cut is None:  # no gap common to the rows: each one wrapped, its last column
            for i in active:  # aligned under itself where it starts in the line's left part
                pieces[i][-1:] = _wrap_column(pieces[i][-1], width)
            break
        tails = [r[cut:] for r in rests]
        common = min((len(t) - len(t.lstrip(" ")) for t in tails if t.strip()), default=0)
        still = []
        for i, r, t in zip(active, rests, tails, strict=True):
            pieces[i][-1] = r[:cut].rstrip()
            if t.strip():
                pieces[i].append(hang + t[common:].rstrip())
                still.append(i)
        active = still
    return [line for p in pieces for line in p]




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
