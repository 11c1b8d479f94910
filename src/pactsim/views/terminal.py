"""Text output folded to a terminal's width (what ``pactsim`` prints on a tty).

:func:`fold` breaks the lines of a text view that are wider than the terminal:
tables stay aligned (their spare spaces go first, then their last columns continue
below each row), prose wraps with a hanging indent. Every step is linear in the
text, whatever its rows hold. The CLI folds only on a terminal; piped output keeps
one row per line.
"""

from __future__ import annotations

import re
import textwrap

import numpy as np
from numpy.typing import NDArray

__all__ = ["MIN_FOLD", "fold"]


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


#: A rest of a table row longer than this many widths is wrapped in one pass, not cut
#: column by column (each cut copies the rest: quadratic in a row of a million
#: characters; a real table row is a few widths at most).
_MAX_CUT = 8


def _gap(rows: list[str], width: int, least: int) -> int | None:
    """The greatest ``c`` in ``least..width`` where every row has ended or has two
    spaces before it (a column gap to cut at), or ``None``."""
    sp = _spaces([r[:width] for r in rows])  # only where a cut can be: linear in rows
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
        long = max(len(r) for r in rests) > _MAX_CUT * width  # not a table row: wrapped
        cut = None if long else _gap(rests, width, least)
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
