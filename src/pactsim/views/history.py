"""Text and JSON of a forecast history (:func:`pactsim.history`; ``pactsim history``).

The text is a table with one row per question and one column per date (the
priors as of ``as_of``, then each observation date), each cell the question's
probability given every observation up to that date, followed by what was
learnt on each date and from where. The JSON is the tidy frame, row by row, with the run's
provenance.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from pactsim.errors import MAX_SHOWN, elided, printable
from pactsim.views.format import day, json_value, pct

__all__ = ["format_history", "history_to_json"]


def _se(e: float) -> str:
    """A standard error in points to one decimal, ``±<0.1`` below 0.05 (not ``±0.0``,
    which reads as no error at all) and ``±0`` only when it is zero."""
    x = 100 * e
    if x != x:  # NaN: no error to give
        return ""
    if x == 0:
        return " ±0"
    return f" ±{x:.1f}" if x >= 0.05 else " ±<0.1"


def _how(df: pd.DataFrame) -> str:
    method = df.attrs.get("method", "")
    if method == "montecarlo":
        return f"Monte Carlo, n={df.attrs.get('n', 0):,}, seed={df.attrs.get('seed')}"
    return "exact"


def format_history(df: pd.DataFrame) -> str:
    """The history as a text table (a row per question, a column per date: step 0 the
    priors as of ``as_of``, then each observation date), then what was learnt on each
    date and its source. Monte Carlo answers carry their standard error (``±``, in
    percentage points).

    Examples
    --------
    >>> import pactsim
    >>> sc = pactsim.loads("pactsim: 2\\nid: x\\nas_of: 2024-01-01\\nhorizon: 2024-12-31\\n"
    ...                    "events:\\n  rain: {p: 0.3}\\nobservations:\\n"
    ...                    "  - {date: 2024-03-01, source: radio, evidence: rain}\\n")
    >>> print(format_history(pactsim.history(sc, ["rain"])))
    Forecast history of x (exact)
              0 priors    1
    question  2024-01-01  2024-03-01
    rain      30.0%       100.0%
    <BLANKLINE>
    What was learnt:
      1  2024-03-01  rain
                     source: radio
    <BLANKLINE>
    """
    questions = list(dict.fromkeys(df["question"]))
    if not questions:
        return (f"Forecast history of {printable(str(df.attrs.get('scenario', '')))}: no "
                "true/false question to follow (the file asks none); name the questions "
                "to follow\n")
    steps = df.drop_duplicates("step")[["step", "date", "source", "evidence"]]
    mc = df.attrs.get("method") == "montecarlo"
    cell = {(int(s), str(q)): pct(float(p)) + (_se(float(e)) if mc else "")
            for s, q, p, e in zip(df["step"], df["question"], df["p"], df["stderr"],
                                  strict=True)}
    first = max([len("question"), *(len(q) for q in questions)])
    header_1 = [" " * first]
    header_2 = ["question".ljust(first)]
    widths = []
    for step in steps["step"]:
        w = max([10, *(len(cell[(int(step), q)]) for q in questions)])
        widths.append(w)
        header_1.append((f"{int(step)} priors" if int(step) == 0 else str(int(step))).ljust(w))
    header_2 += [day(d).ljust(w) for d, w in zip(steps["date"], widths, strict=True)]
    lines = [f"Forecast history of {df.attrs.get('scenario', '')} ({_how(df)})",
             "  ".join(header_1).rstrip(), "  ".join(header_2).rstrip()]
    for q in questions:
        row = [q.ljust(first)] + [cell[(int(s), q)].ljust(w)
                                  for s, w in zip(steps["step"], widths, strict=True)]
        lines.append("  ".join(row).rstrip())
    lines += ["", "What was learnt:"]
    if len(steps) == 1:
        lines.append("  nothing yet (no observations): step 0 is the priors")
    for step, date, source, evidence in steps.itertuples(index=False):
        if int(step) == 0:
            continue
        lines.append(f"{int(step):>3}  {day(date)}  {evidence}")
        lines += [f"{'':15}  source: {s}" for s in str(source).split(" | ")]
    why = df.attrs.get("exact_refused") if mc else None
    if why:  # why the table is not exact
        lines += ["", "Monte Carlo because exact inference refused "
                  + elided(str(why), 4 * MAX_SHOWN)]
    # the file's own words (sources, evidence) reach a terminal: escapes shown, not obeyed
    return "\n".join(printable(line) for line in lines) + "\n"


def history_to_json(df: pd.DataFrame) -> str:
    """The history as JSON: ``{"scenario", "method", "n", "seed", "observations": [...],
    "rows": [...]}``: each observation with its step, date, expression, likelihood
    ratio (``null`` when hard) and source, then one row per (step, question) with the
    frame's columns (dates ISO, missing numbers ``null``)."""
    rows: list[dict[str, Any]] = [
        {str(k): json_value(v) for k, v in row.items()} for row in df.to_dict(orient="records")]
    doc = {"scenario": df.attrs.get("scenario"), "method": df.attrs.get("method"),
           "n": df.attrs.get("n") if df.attrs.get("method") == "montecarlo" else None,
           "seed": json_value(df.attrs.get("seed"))
           if df.attrs.get("method") == "montecarlo" else None,
           "exact_refused": df.attrs.get("exact_refused"),
           "observations": list(df.attrs.get("observations", [])), "rows": rows}
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
