"""Views of a :class:`~pactsim.analysis.diff.Diff`: text, JSON, an HTML section, a waterfall.

``format_diff(d)`` is what ``pactsim diff`` prints: the run, the edits, a table
of the biggest changes (probabilities in percentage points, median dates in
days, each with its standard error), then the attribution of each question
asked (one edit at a time, and Shapley values, which sum to the change).
``diff_to_json(d)`` carries every row; ``diff_html(d)`` is the report's
"What changed from A" section; ``plot_diff(d, target)`` draws the attribution
as a horizontal waterfall (A's value, each edit's Shapley value, B's value).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pactsim.errors import printable
from pactsim.views.display import escape
from pactsim.views.format import day, is_missing, json_value, pct

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from pactsim.analysis.diff import Diff

__all__ = ["diff_html", "diff_to_dict", "diff_to_json", "format_diff", "plot_diff"]

#: Rows of the "biggest changes" table unless told otherwise.
TOP = 15
_STAT = {"p": "P", "p_given_signed": "P | signed", "median": "median date", "mean": "mean"}


def _pp(x: float, se: float | None = None) -> str:
    """A change of probability in percentage points, with its standard error."""
    if is_missing(x):
        return "—"
    x = 0.0 if abs(x) < 1e-12 else x  # rounding of exact sums
    text = f"{100 * x:+.1f} pp" if abs(x) >= 0.0005 or x == 0 else f"{100 * x:+.2f} pp"
    if se is not None and not is_missing(se) and se > 0:
        text += f" ± {100 * se:.2f}"
    return text


def _days(x: float, se: float | None = None) -> str:
    if is_missing(x):
        return "—"
    text = f"{x:+.0f} days"
    if se is not None and not is_missing(se) and se > 0:
        text += f" ± {se:.1f}"
    return text


def _number(x: float, se: float | None = None, sign: str = "") -> str:
    """A value (or with ``sign="+"`` a change) of a numeric attribute's mean."""
    if is_missing(x):
        return "—"
    text = f"{x:{sign}.4g}"
    if se is not None and not is_missing(se) and se > 0:
        text += f" ± {se:.2g}"
    return text


def _value(x: Any, statistic: str) -> str:
    return day(x) if statistic == "median" else _number(x) if statistic == "mean" else pct(x)


def _change(row: Any) -> str:
    if row.statistic == "mean":
        if is_missing(row.change):
            return "—"
        # to the decimals A and B are shown with ("+8.0" beside 222.1 and 230.1, not
        # "+7.992"; review-report16)
        shown = (_number(row.a), _number(row.b))
        if any("e" in t for t in shown):  # values in scientific notation: the change too
            text = _number(row.change, None, "+")
        else:
            places = max((len(t.split(".")[1]) if "." in t else 0) for t in shown)
            text = f"{row.change:+.{places}f}"
            if float(text) == 0:  # no "-0.0"
                text = f"{0.0:+.{places}f}"
        if not is_missing(row.stderr) and row.stderr > 0:
            text += f" ± {row.stderr:.2g}"
        return text
    return (_days(row.change, row.stderr) if row.statistic == "median"
            else _pp(row.change, row.stderr))


def _method(d: Diff) -> str:
    if d.n is None:
        return "exact inference (standard errors 0)"
    what = f"Monte Carlo, n={d.n:,}, seed={d.seed}, the same draws for A and B"
    if (d.changes.method == "exact").any() or (d.totals.method == "exact").any():
        what = "exact inference where it works; elsewhere " + what
    return what


def _columns(rows: list[list[str]], left: int = 3) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in
                 enumerate(zip(r, widths, strict=True))]
        out.append("  " + "  ".join(cells).rstrip())
    return out


def _as_of(sc: Any) -> str:
    """The date a file's forecast is as of: its ``as_of``, or with observations the
    latest of them (the diff's numbers are conditioned on them, as ``run``'s are; the
    JSON's ``news_to``)."""
    dates = [o.date for o in getattr(sc, "observations", None) or ()]
    return f"{sc.as_of}" if not dates else \
        f"{max(dates)} (the priors of {sc.as_of} and the news to then)"


def _name(d: Diff, which: str) -> str:
    sc = d.a if which == "A" else d.b
    src = d.sources[0 if which == "A" else 1]
    return (f"{which}: {printable(src or sc.id)} ({sc.id}, as of {_as_of(sc)}, digest "
            f"{sc.digest[:12]})")


def format_diff(d: Diff, top: int = TOP) -> str:
    """The diff as plain text (what ``pactsim diff`` prints)."""
    out = [_name(d, "A"), _name(d, "B"), f"method: {_method(d)}"]
    out += [f"note: {note}" for note in d.notes]
    out.append("")
    if not d.edits and not d.text_edits:
        out.append("The scenarios say the same things: nothing changed.")
    else:
        out.append(f"Edits ({len(d.edits)}):" if d.edits else "Edits: none that change a number")
        for e in d.edits:
            out.append(f"  {e.describe()}")
        if d.text_edits:
            out.append(f"Text only, attributed nothing ({len(d.text_edits)}): "
                       + ", ".join(e.name for e in d.text_edits))
    big = d.biggest(top)
    out.append("")
    if not len(big):
        out.append("No number changed.")
    else:
        probs = ~d.changes.statistic.isin(("median", "mean"))
        shown = len(big[~big.statistic.isin(("median", "mean"))])
        means = d.changes[d.changes.statistic == "mean"]
        what = " and ".join(x for x, k in (("attribute", "attribute"),
                                           ("numeric question", "question"))
                            if (means.kind == k).any())
        moved = (f"every median date and {what} mean that moved" if len(means) else
                 "every median date that moved")
        out.append(f"Biggest changes ({shown} of {int(probs.sum())} probabilities, and "
                   f"{moved}):")
        # no statistic column, so the rows fit 80 columns: P given signed is "name | signed"
        # (as the scorecard writes an item given a condition), a date's row is its median
        # and an attribute's its mean (the heading says so); the change comes before A and
        # B, so on a narrower terminal A and B are what continues below
        rows = [["what", "name", "change", "A", "B"]]
        for _, r in big.iterrows():
            given = (" | signed" if r.statistic == "p_given_signed" else
                     " (mean)" if r.statistic == "mean" and r.kind == "question" else "")
            rows.append([str(r.kind), f"{r['name']}{given}", _change(r),
                         _value(r.a, r.statistic), _value(r.b, r.statistic)])
        out += _columns(rows, left=2)
    for _, t in d.totals.iterrows():
        out.append("")
        how = "exact probabilities" if t.method == "exact" else "Monte Carlo"
        out.append(f"Attribution of P({t.target}): {pct(t.a)} -> {pct(t.b)} "
                   f"({_pp(t.change, t.stderr)}; {how}; Shapley values {_shapley_how(t)})")
        part = d.attribution[d.attribution.target == t.target]
        if not len(part):
            out.append("  nothing to attribute")
            continue
        rows = [["edit", "alone", "Shapley"]]
        for _, r in part.iterrows():
            rows.append([_edit_label(str(r.edit)), _pp(r.one_at_a_time, r.one_at_a_time_stderr),
                         _pp(r.shapley, r.shapley_stderr)])
        alone = float(part.one_at_a_time.sum())
        rows.append(["sum", _pp(alone), _pp(float(part.shapley.sum()))])
        out += _columns(rows, left=1)
        out.append(f"  (Shapley values sum to the change; one at a time they sum to "
                   f"{_pp(alone)}, the rest is interaction: {_pp(t.change - alone)})")
    return "\n".join(out) + "\n"


def _edit_label(name: str, width: int = 60) -> str:
    """An edit's name for a table column: the first paths of a long group of edits,
    then how many more (the "Edits" list above gives them all).

    Examples
    --------
    >>> _edit_label("a.p + b.p")
    'a.p + b.p'
    >>> _edit_label(" + ".join(f"node_{i}.p" for i in range(30)), width=30)
    'node_0.p + … (+29 more)'
    """
    if len(name) <= width:
        return name
    parts = name.split(" + ")
    if len(parts) == 1:  # one path: cut (there are no more to count)
        return name[: width - 1] + "…"
    shown: list[str] = []
    for part in parts:
        if shown and len(" + ".join([*shown, part])) > width - 12:
            break
        shown.append(part)
    return f"{' + '.join(shown)} + … (+{len(parts) - len(shown)} more)"


def _shapley_how(t: Any) -> str:
    if t.shapley == "sampled":
        k = int(t.permutations)
        return f"averaged over {k} random order{'s' * (k != 1)}"
    return "over every order"


# -- JSON -------------------------------------------------------------------------------------
def _leaf(leaf: Any) -> dict[str, Any]:
    return {"path": leaf.name, "kind": leaf.kind,
            "before": None if leaf.kind == "added" else json_value(leaf.before),
            "after": None if leaf.kind == "removed" else json_value(leaf.after)}


def diff_to_dict(d: Diff) -> dict[str, Any]:
    """The diff as JSON-ready data (dates ISO, missing numbers ``None``)."""
    from pactsim._version import __version__

    def scenario(which: int) -> dict[str, Any]:
        sc = (d.a, d.b)[which]
        dates = [o.date for o in getattr(sc, "observations", None) or ()]
        return {"id": sc.id, "file": d.sources[which], "as_of": sc.as_of.isoformat(),
                "news_to": max(dates).isoformat() if dates else None,
                "horizon": sc.horizon.isoformat(), "digest": sc.digest}

    attribution = []
    for _, t in d.totals.iterrows():
        part = d.attribution[d.attribution.target == t.target]
        attribution.append({
            **{k: json_value(t[k]) for k in ("target", "a", "b", "change", "stderr", "method",
                                         "shapley", "permutations")},
            "edits": [{k: json_value(r[k]) for k in ("edit", "one_at_a_time",
                                                 "one_at_a_time_stderr", "shapley",
                                                 "shapley_stderr")}
                      for _, r in part.iterrows()]})
    return {
        "a": scenario(0), "b": scenario(1),
        "run": {"method": d.method, "n": d.n, "seed": d.seed, "pactsim": __version__},
        "notes": list(d.notes),
        "edits": [{"name": e.name, "reason": e.reason, "leaves": [_leaf(x) for x in e.leaves]}
                  for e in d.edits],
        "text_edits": [{"name": e.name, "leaves": [_leaf(x) for x in e.leaves]}
                       for e in d.text_edits],
        "changes": [{k: json_value(r[k]) for k in d.changes.columns}
                    for _, r in d.changes.iterrows()],
        "attribution": attribution,
    }


def diff_to_json(d: Diff) -> str:
    """:func:`diff_to_dict` as indented JSON text (ends with a newline)."""
    return json.dumps(diff_to_dict(d), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


# -- HTML -------------------------------------------------------------------------------------
def _table(head: list[str], rows: list[list[str]], caption: str) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return (f"<table><caption>{escape(caption)}</caption><thead><tr>{th}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def diff_html(d: Diff, *, heading: str = "What changed from A", top: int = TOP,
              plots: bool = True) -> str:
    """An HTML section: the edits, the biggest changes, the attribution (with its chart)."""
    from pactsim.views.report import _png

    src = d.sources[0] or d.a.id
    out = [f"<h2>{escape(heading)}</h2>",
           f"<p>A is <code>{escape(src)}</code> (as of {escape(_as_of(d.a))}); this forecast "
           "is B. "
           f"{escape(_method(d))}.</p>"]
    out += [f'<p class="empty">{escape(note)}</p>' for note in d.notes]
    if d.edits:
        out.append(_table(["edit", "from A to B"],
                          [[e.name, _values(e)] for e in d.edits], "Edits"))
    else:
        out.append('<p class="empty">No edit changes a number.</p>')
    if d.text_edits:
        out.append(f"<p>Text only, attributed nothing: "
                   f"{escape(', '.join(e.name for e in d.text_edits))}.</p>")
    big = d.biggest(top)
    if len(big):
        out.append(_table(["what", "name", "statistic", "A", "B", "change"],
                          [[str(r.kind), str(r["name"]), _STAT.get(str(r.statistic), ""),
                            _value(r.a, r.statistic), _value(r.b, r.statistic), _change(r)]
                           for _, r in big.iterrows()], "Biggest changes"))
    for _, t in d.totals.iterrows():
        part = d.attribution[d.attribution.target == t.target]
        if not len(part):
            continue
        out.append(f"<p>Which edit moved P({escape(str(t.target))}) from {escape(pct(t.a))} to "
                   f"{escape(pct(t.b))}? <em>Alone</em>: A with that edit only; <em>Shapley</em>: "
                   f"what it adds on average over every order of making the edits "
                   f"({escape(_shapley_how(t))}); Shapley values sum to the change.</p>")
        if plots:
            out.append(_png(plot_diff(d, str(t.target)), f"attribution of {t.target}"))
        out.append(_table(["edit", "alone", "Shapley"],
                          [[_edit_label(str(r.edit)), _pp(r.one_at_a_time, r.one_at_a_time_stderr),
                            _pp(r.shapley, r.shapley_stderr)] for _, r in part.iterrows()],
                          f"Attribution of {t.target}"))
    return "".join(out)


# -- the waterfall ----------------------------------------------------------------------------
def _clip(text: str, width: int = 46) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _ends(d: Diff) -> tuple[str, str]:
    """Labels of the first and last bars: the files' names, else the ids, else A and B."""
    import os

    names = [os.path.basename(s) if s else sc.id for s, sc in zip(d.sources, (d.a, d.b),
                                                                    strict=True)]
    if names[0] == names[1]:
        return "A (before)", "B (after)"
    return _clip(f"A: {names[0]}", 40), _clip(f"B: {names[1]}", 40)


def plot_diff(d: Diff, target: str | None = None, ax: Axes | None = None, *,
              heading: bool = True) -> Figure | Axes:
    """A horizontal waterfall of the attribution of ``target``: A's value, each
    edit's Shapley value (in the order of the edits), B's value.

    The same figure as :func:`pactsim.views.plot.diff` (``pactsim.plot.diff``).
    Without ``ax`` returns a new :class:`~matplotlib.figure.Figure` (not kept
    by pyplot); with ``ax`` draws there and returns it.
    """
    from pactsim.views.plot import diff

    return diff(d, target, ax, heading=heading)


def _values(edit: Any) -> str:
    """An edit's change beside its name: ``0.9 -> 0.5`` (its one path is the row's name),
    or every path with its change when the edit joins several."""
    text = str(edit.describe())
    head = f"{edit.name}: "
    return text[len(head):] if text.startswith(head) and "; " not in text else text
