"""Briefing-quality plots of a forecast (matplotlib, imported lazily).

Every function takes a results object (Monte Carlo :class:`~pactsim.results.montecarlo.Results`
or exact results: anything with the :class:`~pactsim.views.display.ResultsLike`
surface) and an optional ``ax``. Without ``ax`` it makes a new figure and
returns the :class:`~matplotlib.figure.Figure`; the figure is not left open in
pyplot, so a notebook shows it once (as the cell's value) and scripts save it
with ``fig.savefig(...)``. With ``ax`` it draws there and returns ``ax``.

``import pactsim`` does not import matplotlib; this module imports it inside
each function. The same plots are at hand as ``res.plot.signing()``,
``res.plot.pillars()``, ``res.plot.bundles()`` and ``res.plot.numeric(name)``.

Examples
--------
>>> fig = signing_cdf(res)                     # doctest: +SKIP
>>> fig.savefig("signing.png", dpi=150)        # doctest: +SKIP
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np
import pandas as pd

from pactsim.errors import ArgumentError, ArgumentTypeError, PactsimError
from pactsim.views import display as _d
from pactsim.views.display import (
    bundle_frame,
    bundle_note,
    draws,
    has_signing,
    key_dates,
    label,
    non_empty,
    run_meta,
)
from pactsim.views.format import (
    LOWER_BOUND,
    clip,
    day,
    day_of,
    is_missing,
    number,
    pct_short,
    plain,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Sequence

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from pactsim.views.display import ResultsLike

__all__ = ["PlotAccessor", "bundles", "date_cdf", "diff", "history", "inclusion", "numeric",
           "outcomes", "pillars", "signing", "signing_cdf", "timeline", "tornado",
           "value_of_information"]

DARK, LIGHT, GREY, ACCENT = "#2f5d8a", "#9cbad8", "#d0d0d0", "#c45a1b"
#: One colour per dated node of a timeline (signing first, in DARK); then they repeat.
PALETTE = (DARK, ACCENT, "#3a8a4f", "#8a4fa0", "#b8860b", "#4aa3a8", "#a0404a", "#666666")
_Z95 = 1.959963984540054
#: Curves :func:`timeline` draws at most unless told which: each colour of
#: :data:`PALETTE` solid, then dashed.
TIMELINE_CURVES = 2 * len(PALETTE)
#: Characters of an edit's label in the diff waterfall: ``path: before → after`` up to this,
#: else the edit's name (a long group cut as the text table cuts it).
_EDIT_WIDTH = 46


def _check_ax(ax: object) -> None:
    """Refuse an ``ax`` that is not a matplotlib Axes (a list of names passed where the
    axes go, as ``res.plot.timeline(["in_force"])``), naming the keyword meant."""
    if ax is None:
        return
    from matplotlib.axes import Axes as _Axes

    if not isinstance(ax, _Axes):  # a Figure has get_figure too (review-session16)
        hint = ("; a figure's axes are fig.gca() or fig.add_subplot()"
                if hasattr(ax, "add_subplot") else "; node names go in nodes=[...]")
        raise ArgumentTypeError(f"ax must be a matplotlib Axes, not a {type(ax).__name__}"
                                + hint)


def _node_names(nodes: object) -> list[str] | None:
    """``nodes`` as a list of names: one name alone is a list of it (``"in_force"`` was
    read letter by letter); axes or anything else is refused, naming ``ax=``."""
    if nodes is None:
        return None
    if isinstance(nodes, str):
        return [nodes]
    if callable(getattr(nodes, "get_figure", None)):
        raise ArgumentTypeError("nodes is a list of node names, not an Axes; the axes go in "
                                "ax=...")
    try:
        names: list[Any] | None = list(nodes)  # type: ignore[call-overload]
    except TypeError:
        names = None
    if names is None or not all(isinstance(n, str) for n in names):
        raise ArgumentTypeError(f"nodes must be a list of node names, not {nodes!r}")
    return names


def _start(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    _check_ax(ax)
    if ax is not None:
        fig = ax.get_figure()
        return fig, ax  # type: ignore[return-value]  # an Axes' figure is a Figure here
    import matplotlib.pyplot as plt

    fig, new = plt.subplots(figsize=size, layout="constrained")
    plt.close(fig)  # not kept by pyplot: notebooks display the returned figure once
    return fig, new


def _titles(ax: Axes, res: ResultsLike, title: str, note: str = "", *,
            heading: bool = True, left: float | None = None) -> None:
    """Bold title above a grey subtitle (``note``, then the scenario and the run),
    both left-aligned on the axes (or at ``left``, a fraction of the figure's width,
    for an axes that starts far right of its labels) and wrapped at the figure's right
    edge. Without ``heading`` (a page that has its own headings) only ``note`` is
    written. User text is escaped (:func:`~pactsim.views.format.plain`)."""
    lines = [note] if note else []
    if heading:
        lines.append(_what(res))
    below: Any = ax
    if lines:
        where: Any = "axes fraction" if left is None else ("figure fraction", "axes fraction")
        below = ax.annotate(plain("\n".join(lines)), xy=(left or 0, 1), xycoords=where,
                            xytext=(0, 8), textcoords="offset points", fontsize=9,
                            color="#555555", va="bottom", wrap=True)
    if heading:  # `below` is the subtitle here, since `lines` holds at least the run line
        ax.annotate(plain(title), xy=(0, 1), xycoords=below, xytext=(0, 4),
                    textcoords="offset points", fontsize=12.5, fontweight="bold", va="bottom")


def _percent_axis(axis: Any, decimals: int | None = 0) -> None:
    """Percent tick labels with ``decimals`` places, or as many more as the ticks' step
    needs (up to 8): ticks 0.75 points apart read 0.75%, 1.5%, not 1%, 2%, 2%."""
    from matplotlib.ticker import PercentFormatter

    class _Percent(PercentFormatter):
        def format_ticks(self, values: Any) -> list[str]:
            self.decimals = decimals
            if decimals is not None and len(values) > 1:
                steps = np.diff(np.sort(np.asarray(values, dtype=np.float64)))
                step = float(steps[steps > 0].min()) if (steps > 0).any() else 1.0
                need = decimals
                # up to 8 decimals: a tornado of a chance of 1e-6 read "0.000%" on every
                # tick at 3 (review-fuzz16b)
                while need < 8 and abs(round(step, need) - step) > 1e-9 * max(step, 1e-12):
                    need += 1
                self.decimals = need
            return list(super().format_ticks(values))

    axis.set_major_formatter(_Percent(100, decimals=decimals))


def _frame(ax: Axes, grid: Literal["x", "y"]) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis=grid, color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=9)


def _what(res: ResultsLike) -> str:
    sc = res.scenario
    return f"{sc.title or sc.id}\n{run_meta(res)}"


def signing_cdf(res: ResultsLike, ax: Axes | None = None, *, band: bool = True,
                annotate: bool = True, heading: bool = True) -> Figure | Axes:
    """Curve of P(signed on or before date) from ``as_of`` to the horizon.

    Shows the 95% Monte Carlo band (``band``; when it is too thin to see next
    to the line, the legend gives its width) and marks the key dates
    (:meth:`~pactsim.results.montecarlo.Results.key_dates`) with their percentages
    (``annotate``). The gap between the curve's end and 100% is the chance of
    no signing by the horizon. ``heading=False`` leaves out the title and the
    run line, for pages with their own headings.

    Examples
    --------
    >>> fig = signing_cdf(res)     # doctest: +SKIP
    """
    if not has_signing(res):
        raise PactsimError("this scenario has no `signing` section, so no signing curve")
    import matplotlib.dates

    mdates: Any = matplotlib.dates  # its locators and formatters are untyped

    own = ax is None
    fig, ax = _start(ax, (9, 4.6))
    cdf = res.signing_cdf()
    x = cdf.index.to_numpy()
    if band and draws(res) is not None:  # exact results have no band
        ax.fill_between(x, 100 * cdf.lo, 100 * cdf.hi, step="post", color=LIGHT, alpha=0.6,
                        linewidth=0, label=_band_label(cdf))
    ax.step(x, 100 * cdf.p, where="post", color=DARK, linewidth=2,
            label="P(signed on or before date)")
    keys = key_dates(res)
    kd = res.signing_cdf(keys)
    ax.plot(kd.index, 100 * kd.p, "o", color=DARK, markersize=6, markeredgecolor="white",
            zorder=3)
    ticks = _spaced(list(kd.index), x[0], x[-1], _stated_dates(res))
    if annotate:
        _key_values(ax, kd, ticks)
    final = float(cdf.p.iloc[-1])
    ax.axhline(100 * final, color="#999999", linewidth=0.8, linestyle=":")
    gap = f"not signed by {res.scenario.horizon}: {pct_short(1 - final)}"
    where = _gap_note_place(cdf, kd.loc[ticks] if annotate else kd.iloc[:0], final)
    if where is not None:
        ax.annotate(gap, (x[0], 100 * final), xytext=(4, where), textcoords="offset points",
                    ha="left", va="bottom" if where > 0 else "top", fontsize=8.5,
                    color="#666666")
    _percent_ylim(ax, max([final, *kd.p.to_numpy(dtype=float)]) if annotate else final)
    ax.set_xlim(x[0], x[-1])
    _percent_axis(ax.yaxis)
    if len(keys) <= 8:
        ax.set_xticks(ticks)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%-d %b\n%Y"))
    else:
        loc = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(loc)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))
    ax.set_ylabel("Chance signed by then", fontsize=10)
    ax.set_xlabel("Date of signing (on or before)", fontsize=10)
    _frame(ax, "y")
    ax.legend(loc="lower right" if final > 0.3 else "upper left", fontsize=8.5, frameon=False)
    _titles(ax, res, "When will the agreement be signed?",
            "" if where is not None else f"{gap[0].upper()}{gap[1:]} (the gap above the "
            "curve's end)", heading=heading)
    return fig if own else ax


#: Closest two key dates may be (a share of the date axis) and both keep a tick and a label.
_MIN_TICK_GAP = 0.07


def _spaced(days: list[Any], x0: Any, x1: Any, stated: Iterable[Any] = ()) -> list[Any]:
    """The key dates that keep a tick and a label: a date closer than
    :data:`_MIN_TICK_GAP` of the axis to a kept one is left out (its dot stays), so
    ticks like 1 Mar and 2 Mar never print over each other. The dates the analyst
    stated (``stated``, the curve's ``by`` points) are kept first, each from the
    last backwards; the others (quarter ends) then fill the room left."""
    span = max(_days(x0, x1), 1)
    said = {pd.Timestamp(d).normalize() for d in stated}
    kept: list[Any] = []
    for first in (True, False):
        for d in reversed(days):
            if (pd.Timestamp(d).normalize() in said) != first or d in kept:
                continue
            if all(abs(_days(d, k)) >= _MIN_TICK_GAP * span for k in kept):
                kept.append(d)
    return sorted(kept, key=pd.Timestamp)


def _stated_dates(res: ResultsLike) -> list[dt.date]:
    """The dates of the signing curve's points as written (every row's, for a table of
    curves): the key dates an analyst looks for first."""
    signing: Any = res.scenario.signing
    return sorted({d for _, curve in signing.curve_entries() for d in curve}) if signing \
        else []


def _days(a: Any, b: Any) -> int:
    """Whole days from ``a`` to ``b`` (dates, timestamps or datetime64)."""
    return (pd.Timestamp(b).normalize() - pd.Timestamp(a).normalize()).days


def _key_values(ax: Axes, kd: pd.DataFrame, shown: list[Any]) -> None:
    """Each shown key date's percentage, above and left of its dot."""
    for d in shown:
        p = float(kd.p.loc[d])
        ax.annotate(pct_short(p), (d, 100 * p), xytext=(-5, 7), textcoords="offset points",
                    ha="right", fontsize=9.5, fontweight="bold", color=DARK)


def _percent_ylim(ax: Axes, top: float) -> None:
    """Y from 0 to 100%; when a labelled value is near 100%, room above it for its
    label (the axis line and ticks still stop at 100%), so no label runs into the
    subtitle."""
    if top > 0.9:
        ax.set_ylim(0, 109)
        ax.set_yticks(range(0, 101, 20))
        ax.spines["left"].set_bounds(0, 100)
    else:
        ax.set_ylim(0, 100)


def _gap_note_place(cdf: pd.DataFrame, labelled: pd.DataFrame, final: float) -> float | None:
    """Where the "not signed by the horizon" note goes, at the left of the dotted line
    at the curve's end: its offset in points above (> 0) or below (< 0) the line, or
    ``None`` when key-date labels are above it and the curve is below it (then the
    subtitle says it)."""
    x = cdf.index.to_numpy()
    span = max(_days(x[0], x[-1]), 1)
    near = np.array([_days(x[0], d) <= 0.4 * span for d in x], dtype=np.bool_)
    near_keys = np.array([_days(x[0], d) <= 0.4 * span for d in labelled.index],
                         dtype=np.bool_)
    if not (labelled.p.to_numpy(dtype=float)[near_keys] > final - 0.15).any():
        return 3 if final > 0.1 else 22
    if float(cdf.p.to_numpy(dtype=float)[near].max()) < final - 0.1:
        return -3
    return None


def _band_label(cdf: pd.DataFrame) -> str:
    """The band's legend entry; it states the band's widest half-width when that
    is under a percentage point, which the 2-point line covers at the default size."""
    half = 50 * float(np.nanmax(cdf.hi.to_numpy() - cdf.lo.to_numpy(), initial=0.0))
    if half >= 1:
        return "95% Monte Carlo interval"
    return f"95% Monte Carlo interval: ±{half:.2g} points or less, within the line"


def _left_labels(ax: Axes, ticks: Any, labels: list[str], bold: list[bool],
                 indent: float = 14) -> None:
    """Y tick labels (user text, escaped and cut to 48 characters) left-aligned,
    clauses (not bold) indented under their pillar."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    labels = [clip(s) for s in labels]
    ax.set_yticks(ticks, [plain(s) for s in labels])
    ttp = TextToPath()
    widths = [ttp.get_text_width_height_descent(
        s, FontProperties(size=9, weight="bold" if b else "normal"), ismath=False)[0]
        + (0 if b else indent) for s, b in zip(labels, bold, strict=True)]
    pad = max(widths, default=0) + 12
    ax.tick_params(axis="y", length=0, pad=pad)
    for t, b in zip(ax.get_yticklabels(), bold, strict=True):
        t.set_horizontalalignment("left")
        t.set_fontsize(9)  # the size the widths above were measured at
        t.set_fontweight("bold" if b else "normal")
        t.set_color("#222222" if b else "#444444")
        if not b:
            t.set_x(0)
            from matplotlib.transforms import ScaledTranslation

            t.set_transform(t.get_transform()
                            + ScaledTranslation(indent / 72, 0, ax.figure.dpi_scale_trans))


def _bar_values(ax: Axes, y: Any, p: Any, upper: Any, *, bold: bool) -> None:
    """Each horizontal bar's value at its end: after the whisker, or inside the
    bar when it reaches the right edge (white on the dark bars, ``bold``; dark on
    the light ones, where white could not be read)."""
    for yi, pi, ui in zip(y, p, upper, strict=True):
        if is_missing(pi):
            continue
        inside = pi > 0.88
        ax.annotate(pct_short(pi), (100 * (pi if inside else max(pi, ui)), yi),
                    xytext=(-3 if inside else 3, 0), textcoords="offset points",
                    ha="right" if inside else "left", va="center", fontsize=7.5,
                    color=(("white" if bold else "#1d2b3a") if inside else "#333333"),
                    fontweight="bold" if bold else "normal")


def inclusion(res: ResultsLike, ax: Axes | None = None, *,
              given_signed: bool = True, heading: bool = True) -> Figure | Axes:
    """Horizontal bars: the chance each pillar and clause is in the text.

    Clauses sit indented under their pillar. Each row has a bar for
    P(in text) over all outcomes (including no signing) and, with
    ``given_signed``, a darker bar for P(in text | signed); whiskers are 95%
    intervals (Monte Carlo only) and each bar carries its value. ``heading=False`` leaves out the
    title and the run line.

    Examples
    --------
    >>> fig = inclusion(res)       # doctest: +SKIP
    """
    marg = res.marginals()
    content = marg[marg.kind.isin(["pillar", "clause"])]
    if not len(content):
        raise PactsimError("this scenario has no pillars or clauses to plot")
    own = ax is None
    fig, ax = _start(ax, (9, 2.2 + 0.25 * len(content) * (1.5 if given_signed else 1)))
    y = np.arange(len(content), dtype=float)
    h = 0.38 if given_signed else 0.6
    p = content.p.to_numpy()
    err = np.vstack([p - content.lo.to_numpy(), content.hi.to_numpy() - p]) * 100
    kw: dict[str, Any] = {"error_kw": {"elinewidth": 0.9, "capsize": 2, "ecolor": "#333333"}}
    whiskers = draws(res) is not None  # exact answers have no interval: no caps at the ends
    off = h / 2 if given_signed else 0.0
    ax.barh(y + off, 100 * p, height=h, color=LIGHT, xerr=err if whiskers else None,
            label="in the text, all cases (no signing counts as not)", **kw)
    _bar_values(ax, y + off, p, content.hi.to_numpy(), bold=False)
    if given_signed:
        pg = content.p_given_signed.to_numpy(dtype=float)
        se = content.get("stderr_given_signed", pd.Series(0.0, index=content.index))
        e = np.nan_to_num(_Z95 * se.to_numpy(dtype=float))
        gerr = np.vstack([np.minimum(e, pg), np.minimum(e, 1 - pg)]) * 100
        ax.barh(y - off, 100 * pg, height=h, color=DARK,
                xerr=np.nan_to_num(gerr) if whiskers else None,
                label="in the text, if signed", **kw)
        _bar_values(ax, y - off, pg, pg + e, bold=True)
    for i, kind in enumerate(content.kind):
        if kind == "pillar" and i:
            ax.axhline(i - 0.5, color="#bbbbbb", linewidth=0.7)
    names = [str(r.get("label", n)) for n, r in content.iterrows()]
    _left_labels(ax, y, names, [k == "pillar" for k in content.kind])
    ax.set_ylim(len(content) - 0.5, -0.5)
    ax.set_xlim(0, 100)
    _percent_axis(ax.xaxis)
    ax.set_xlabel("Chance the pillar or clause is in the text", fontsize=10)
    _frame(ax, "x")
    if own:  # under the x axis label, inside the figure whatever the number of rows
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=2,
                   fontsize=9, frameon=False, reverse=True)
    else:
        ax.legend(loc="lower right", fontsize=8.5, frameon=False, reverse=True)
    _titles(ax, res, "What will the text contain?", heading=heading)
    return fig if own else ax


#: Narrowest segment (in percentage points) of a stacked bar that carries its label.
_INSIDE = 9.0


def outcomes(res: ResultsLike, nodes: str | Sequence[str] | None = None, ax: Axes | None = None, *,
             given_signed: bool = True, heading: bool = True) -> Figure | Axes:
    """A stacked horizontal bar per categorical node: its outcomes' chances.

    Each bar runs from 0 to 100% and is cut into one segment per outcome (file
    order, ``absent`` first and grey), labelled with the outcome and its
    percentage where the segment is wide enough, the rest named at the bar's
    end. A pillar's or clause's bar is P(outcome | signed) with
    ``given_signed`` (where the scenario has a signing date and some draw was
    signed), otherwise over all outcomes; an event's is always over all
    outcomes. ``nodes`` picks categorical nodes (default: every one, file
    order). ``heading=False`` leaves out the title and the run line.

    Raises
    ------
    PactsimError
        When the scenario has no categorical node, or ``nodes`` names one it
        does not have.

    Examples
    --------
    >>> fig = outcomes(res, ["legal_form", "instc"])   # doctest: +SKIP
    """
    nodes = _node_names(nodes)
    _check_ax(ax)
    marg = res.marginals()
    found = _d.categorical_nodes(marg)
    if not found:
        raise PactsimError("this scenario has no categorical node (levels:) to plot")
    if nodes is None:
        nodes = list(found)
    from pactsim.errors import did_you_mean

    for n in nodes:
        if n not in found:
            raise PactsimError(f"{n!r} is not a categorical node of this scenario "
                               f"(categorical: {', '.join(found)})" + did_you_mean(n, found))
    own = ax is None
    fig, ax = _start(ax, (9, 1.5 + 0.55 * len(nodes)))
    cols = {n: "p_given_signed" if given_signed and str(marg.kind.get(n, "")) in (
        "pillar", "clause") and found[n].p_given_signed.notna().all() else "p" for n in nodes}
    signed_any = "p_given_signed" in cols.values()
    mixed = len(set(cols.values())) > 1  # then each label says which bars are if signed
    names: list[str] = []
    inside: list[tuple[int, float, float, str, str, str]] = []  # y, centre, width, ...
    outside: list[list[str]] = []
    for y, n in enumerate(nodes):
        rows = found[n]
        col = cols[n]
        p = rows[col].to_numpy(dtype=float)
        colours = _d.outcome_colours([str(x) for x in rows.outcome])
        left = 0.0
        outside.append([])
        for x, pi, c in zip(rows.outcome, p, colours, strict=True):
            ax.barh(y, 100 * pi, left=100 * left, height=0.62, color=c, edgecolor="white",
                    linewidth=0.8)
            name = clip(str(x).replace("_", " "), 28)
            if 100 * pi >= _INSIDE:
                inside.append((y, 100 * (left + pi / 2), 100 * pi, name, pct_short(pi),
                               "#333333" if x == "absent" else "white"))
            elif pi > 0:
                outside[-1].append(f"{name} {pct_short(pi)}")
            left += pi
        label = str(marg.label.get(n, n)) if "label" in marg.columns else n
        tail = " (if signed)" if mixed and col == "p_given_signed" else ""
        names.append(clip(label, 48 - len(tail)) + tail)  # the tail is never cut off
    ax.set_yticks(range(len(nodes)), [plain(x) for x in names])
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(len(nodes) - 0.5, -0.5)
    ax.set_xlim(0, 100)
    _percent_axis(ax.xaxis)
    ax.set_xlabel("Chance of each outcome", fontsize=10)
    _frame(ax, "x")
    _segment_labels(fig, ax, own, names, inside, outside)
    n_draws = draws(res)
    note = ("Each bar is one categorical node; segments are its outcomes (absent in grey)"
            + (("; pillars and clauses if signed" if mixed else "; if signed")
               if signed_any else "") + ".")
    if n_draws:
        se = float(marg[marg.kind == "outcome"].stderr.max())
        note += f" Monte Carlo standard errors up to {100 * se:.2f} points."
    _titles(ax, res, "Which outcome? Categorical nodes", note, heading=heading)
    return fig if own else ax


def _text_width(text: str, size: float) -> float:
    """Width in points of ``text`` in the default font at ``size``."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    return float(TextToPath().get_text_width_height_descent(
        text, FontProperties(size=size), ismath=False)[0])


def _segment_labels(fig: Figure, ax: Axes, own: bool, names: list[str],
                    inside: list[tuple[int, float, float, str, str, str]],
                    outside: list[list[str]]) -> None:
    """Label the stacked bars' segments: "name p%" inside a segment it fits in, else
    "p%" inside and "name p%" after the bar's end (only "p%" for the grey absent),
    else "name p%" after the end. A
    segment's width in points comes from the axes' width: for a figure of its own,
    the figure's less the row labels, the labels after the bars and the margins
    (the layout is not known before drawing); else the axes' position."""
    fig_w = fig.get_figwidth() * 72

    def axes_width(ends: list[list[str]]) -> float:
        if not own:
            return float(ax.get_position().width) * fig_w
        rows = max((_text_width(x, 9) for x in names), default=0.0)
        after = max((_text_width(", ".join(e), 7.5) for e in ends), default=0.0)
        return fig_w - rows - after - 44

    chosen: list[str | None] = []
    ends = [list(e) for e in outside]
    for _ in range(3):  # moving a name after the bar narrows the axes: decide again
        per_point = axes_width(ends) / 100  # points per percentage point
        chosen, ends = [], [list(e) for e in outside]
        for y, _centre, width, name, pct_text, _colour in inside:
            room = width * per_point - 4
            if _text_width(f"{name} {pct_text}", 8) <= room:
                chosen.append(f"{name} {pct_text}")
                continue
            if name != "absent":  # grey says absent (the subtitle says so)
                ends[y].append(f"{name} {pct_text}")
            chosen.append(pct_text if _text_width(pct_text, 8) <= room else None)
        if axes_width(ends) / 100 >= per_point * 0.999:
            break
    for (y, centre, _width, _name, _pct, colour), text in zip(inside, chosen, strict=True):
        if text is not None:
            ax.text(centre, y, plain(text), ha="center", va="center", fontsize=8,
                    color=colour, clip_on=True)
    for y, end in enumerate(ends):
        if end:
            ax.annotate(plain(", ".join(end)), (100, y), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize=7.5,
                        color="#444444", annotation_clip=False)


def _upset_axes(ax: Axes | None, n_cols: int, n_rows: int,
                labels: float = 0.0) -> tuple[Figure, Axes, Axes]:
    """Bars above a dot matrix: two grid rows of a new figure, or ``ax`` plus an
    inset just below it. A new figure leaves 5 inches right of the row labels
    (``labels`` inches wide) for the bars and the title."""
    if ax is None:
        import matplotlib.pyplot as plt

        width = max(6.5, 3.6 + 0.65 * n_cols, labels + 5.0)
        fig = plt.figure(figsize=(width, 3.4 + 0.27 * n_rows), layout="constrained")
        plt.close(fig)
        bars, mat = fig.subplots(2, 1, sharex=True, gridspec_kw={
            "height_ratios": [3.0, 0.27 * n_rows + 0.1], "hspace": 0.0})
        return fig, bars, mat
    frac = 0.09 * n_rows
    return ax.get_figure(), ax, ax.inset_axes((0, -frac - 0.02, 1, frac), sharex=ax)  # type: ignore[return-value]


#: Bars the texts' chart draws at most (its dot matrix grows with their square).
MAX_BARS = 1_000


def bundles(res: ResultsLike, top: int = 10, ax: Axes | None = None, *,
            level: Literal["clause", "pillar"] = "clause",
            include_empty: bool = False, heading: bool = True,
            of: str | None = None) -> Figure | Axes:
    """UpSet-style chart of the most frequent texts.

    Bars give the share of draws whose text is exactly that set (with 95%
    intervals); the dot matrix below shows its members. ``level="pillar"``
    groups texts by their set of pillars, ignoring clauses; ``of`` takes what
    :meth:`res.bundles <pactsim.results.montecarlo.Results.bundles>` takes instead
    (``"all"``, ``"pillars"``, ``"clauses"`` or a pillar's name: the sets of its
    clauses) and wins over ``level``. The empty text
    (mostly: not signed) is left out unless ``include_empty``; its share is
    noted under the title. With ``ax``, the matrix is drawn just below ``ax``
    (leave room there). ``heading=False`` leaves out the title and the run line.

    When the results say a count may be low (``bound`` > 0: a pruned table of
    distinct texts), a hatched cap on the bar shows how much higher the share
    may be; a share whose bound exceeds its standard error is labelled
    "≥" and the subtitle says by how many draws counts may be low.

    Raises
    ------
    PactsimError
        When the results have no bundle counts, or no outcome has anything in
        its text (and ``include_empty`` is false): there is no bar to draw.

    Examples
    --------
    >>> fig = bundles(res, top=8, level="pillar")   # doctest: +SKIP
    """
    if not callable(getattr(res, "bundles", None)):
        raise PactsimError("these results have no bundle counts (res.bundles)")
    _check_ax(ax)
    from pactsim.results.summary import top_count

    if isinstance(top, str):  # of= given where top goes (review-fuzz16b)
        raise ArgumentTypeError(f"top must be a whole number, not {top!r}; the texts to "
                                f"chart go in of= (of={top!r})")
    if top_count(top) is None or top > MAX_BARS:  # each bar is a column of dots
        raise ArgumentError(f"top must be a whole number from 1 to {MAX_BARS:,} (bars to "
                            f"draw), not {top!r}; res.bundles(top) lists more")
    if level not in ("clause", "pillar"):
        from pactsim.errors import did_you_mean

        raise ArgumentError(f"level must be 'clause' or 'pillar', not {level!r}"
                            + did_you_mean(str(level), ["clause", "pillar"])
                            + " (or of='pillars', 'clauses', 'all' or a pillar's name)")
    if of is not None and level == "pillar" and of != "pillars":
        raise ArgumentError(f"level='pillar' and of={of!r} ask for two kinds of text; give "
                            "one (of= alone takes 'pillars', 'clauses', 'all' or a pillar's "
                            "name)")
    marg = res.marginals()
    content = _d.content_rows(marg)  # a categorical member is its outcome row
    if of is None:
        of = "pillars" if level == "pillar" else "all"
    if not isinstance(of, str):
        raise ArgumentTypeError(f"of must be 'all', 'pillars', 'clauses' or a pillar's name, "
                                f"not {of!r}")
    what = {"pillars": "pillar", "all": "pillar or clause", "clauses": "clause"}.get(
        of, f"clause of {of}")
    found = bundle_frame(res, top + 1, of)
    if found is None:
        raise PactsimError("this scenario has no pillars or clauses, so no texts to plot")
    empty = found[found["items"].map(len) == 0]
    b = (found if include_empty else non_empty(found)).head(top).reset_index(drop=True)
    if not len(b):
        raise PactsimError(f"no outcome has any {what} in its text, so there is no text to "
                           "plot (include_empty=True plots the empty one)")
    members = {i for items in b["items"] for i in items}
    rows = [n for n in content.index if n in members]
    names = [_outcome_row(str(content.label[r]), str(content["outcome"][r]))
             if content.kind[r] == "outcome" else label(res, r) for r in rows]
    own = ax is None
    wide = max((_text_width(clip(x), 9) for x in names), default=0.0) / 72 + 0.4
    fig, ax, mat = _upset_axes(ax, len(b), len(rows), wide)
    x = np.arange(len(b))
    p = b.p.to_numpy(dtype=float)
    err = np.vstack([p - b.lo.to_numpy(dtype=float), b.hi.to_numpy(dtype=float) - p]) * 100
    ax.bar(x, 100 * p, width=0.6, color=DARK, yerr=err if draws(res) is not None else None,
           capsize=2,
           error_kw={"elinewidth": 0.9, "ecolor": "#333333"})
    cap = b.bound_p.to_numpy(dtype=float)
    if (cap > 0).any():
        ax.bar(x, 100 * cap, bottom=100 * p, width=0.6, color="white", edgecolor=DARK,
               hatch="////", linewidth=0.6, label="may be low by up to this much")
    top_p = float(p.max())
    upper = np.maximum(b.hi.to_numpy(dtype=float), p + cap)
    for xi, pi, ui, low in zip(x, p, upper, b["lower"], strict=True):
        text = f"{100 * pi:#.2g}%" if pi < 0.01 else f"{100 * pi:.1f}%"  # 0.010%, not 0.01%
        ax.annotate((LOWER_BOUND if low else "") + text, (xi, 100 * ui),
                    xytext=(0, 3), textcoords="offset points", ha="center",
                    fontsize=8 if b["lower"].any() else 8.5)
    ax.set_ylim(0, max(100 * float(upper.max()) * 1.18, 1e-9))
    if top_p < 0.01:  # ticks 1, 2 or 5 times a power of ten apart: 0.0025 points apart
        # read 0.003%, 0.005%, 0.007% at three decimals (review-report16)
        from matplotlib.ticker import MaxNLocator

        ax.yaxis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 5, 10]))
    _percent_axis(ax.yaxis, 0 if top_p >= 0.1 else 1 if top_p >= 0.01 else 3)
    ax.set_ylabel("Share of all outcomes", fontsize=10)
    ax.set_xticks([])
    _frame(ax, "y")
    ax.spines["bottom"].set_visible(False)
    for j, items in enumerate(b["items"]):
        inside = [rows.index(i) for i in items]
        mat.scatter([j] * len(rows), range(len(rows)), s=34, color=GREY, zorder=2)
        mat.scatter([j] * len(inside), inside, s=40, color=DARK, zorder=3)
        if inside:
            mat.plot([j, j], [min(inside), max(inside)], color=DARK, linewidth=1.6, zorder=2)
    for r in range(0, len(rows), 2):
        mat.axhspan(r - 0.5, r + 0.5, color="#f2f2f2", zorder=0)
    _left_labels(mat, range(len(rows)), names, [content.kind[r] == "pillar" or (
        content.kind[r] == "outcome" and marg.kind.get(content["of"][r]) == "pillar")
        for r in rows])
    mat.set_ylim(max(len(rows), 1) - 0.5, -0.5)
    half, mid = max(len(b), 3) / 2 + 0.1, (len(b) - 1) / 2
    mat.set_xlim(mid - half, mid + half)
    mat.tick_params(axis="x", bottom=False, labelbottom=False)
    for side in mat.spines.values():
        side.set_visible(False)
    if of == "pillars":
        title = "pillars"
        sub = "Share of all outcomes whose text has exactly these pillars (clauses aside)"
    elif of == "all":
        title, sub = "pillars and clauses", "Share of all outcomes whose text is exactly this set"
    else:
        title = "clauses" if of == "clauses" else f"clauses of {of}"
        sub = f"Share of all outcomes whose text has exactly these {title} (the rest aside)"
    if len(empty) and not include_empty:
        sub += (f". Not shown: no {what} in the text (not signed, or none of them), "
                f"{pct_short(float(empty.p.sum()))}")
    note = bundle_note(b)
    rare = _rare_note(b, draws(res))
    if rare:
        note = f"{note}. {rare}" if note else rare
    # the titles start at the figure's left, over the member labels: the bars' axes
    # start far right, and wrapping within them broke lines after a word or two
    _titles(ax, res, f"Most likely texts: sets of {title}",
            f"{sub}." + (f"\n{note}." if note else ""), heading=heading,
            left=0.012 if own else None)
    return fig if own else ax


#: Fewest draws of the most frequent text shown below which the chart says its order is noise.
RARE_TEXTS = 30


def _rare_note(b: pd.DataFrame, n: int | None) -> str:
    """A warning when even the most frequent text shown came up in fewer than
    :data:`RARE_TEXTS` draws: the bars then rank chance, not the forecast."""
    if not n or "count" not in b.columns or not len(b):
        return ""
    most = float(b["count"].max())
    if most >= RARE_TEXTS:
        return ""
    return (f"Each of these texts came up in at most {most:,.0f} of {n:,} draws: their "
            "order is mostly chance (more draws, or the sets of pillars, say more)")


def _outcome_row(text: str, outcome: str, width: int = 48) -> str:
    """A categorical member's row label, "Label: outcome", cut to ``width`` in its
    label and never in its outcome (rows of one node differ only there)."""
    for shown in (outcome, outcome.replace("_", " ")):
        if text.endswith(": " + shown):
            head, tail = text[: -len(shown) - 2], ": " + clip(shown, 24)
            break
    else:
        return text
    if len(head) + len(tail) <= width:
        return head + tail
    return clip(head, max(width - len(tail), 8)) + tail


def _share_axis(axis: Any, top: float) -> None:
    """A percent axis from 0 to ``top`` (in percent) whose ticks show as many
    decimals as their step needs (0.25%, not 0%, when every share is small)."""
    from matplotlib.ticker import MaxNLocator

    loc = MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10])
    ticks = loc.tick_values(0, top)
    step = float(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    decimals = 0
    while decimals < 6 and abs(round(step, decimals) - step) > 1e-9 * max(step, 1e-12):
        decimals += 1
    axis.set_major_locator(loc)
    _percent_axis(axis, decimals)


def _num(x: float) -> str:
    """A value in a legend or subtitle: four significant figures below 1,000, whole
    and grouped by thousands from there (3,961,320, never 3.961e+06)."""
    if is_missing(x):
        return "—"
    return number(x) if abs(x) >= 999.5 else f"{x:.4g}"


def _value_text(v: float) -> str:
    """A tick of a value axis: grouped by thousands up to a million, then in
    millions (``2.5M``) or billions (``1.2bn``); never an exponent."""
    a = abs(v)
    if a >= 1e9:
        return f"{v / 1e9:,.4g}bn"
    if a >= 1e6:
        return f"{v / 1e6:,.4g}M"
    if a >= 1e4:
        return f"{v:,.0f}" if v == round(v) else f"{v:,.1f}"
    return f"{v:g}"


def _value_axis(axis: Any, *, locate: bool = True) -> None:
    """Tick labels of a value axis without an exponent or offset (``1e7`` in the
    corner), and (``locate``) at most about seven of them."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    if locate:
        axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos=None: _value_text(v)))


def _outer_legend(fig: Figure, ax: Axes, own: bool) -> None:
    """The legend under the figure (a figure of its own) or where it covers least
    (``ax`` given): never over the bars of a histogram."""
    handles, _labels = ax.get_legend_handles_labels()
    if not handles:
        return
    if own:  # under the x axis label: 44 points below the axes
        from matplotlib.transforms import ScaledTranslation

        ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), ncols=min(3, len(handles)),
                  bbox_transform=ax.transAxes + ScaledTranslation(0, -44 / 72,
                                                                  fig.dpi_scale_trans),
                  fontsize=8.5, frameon=False, borderaxespad=0.0)
    else:
        ax.legend(loc="best", fontsize=8.5, frameon=False)


def _numeric_title(res: ResultsLike, name: str) -> tuple[str, str]:
    """The axis label (a label, or the name; cut to 60 characters) and the subtitle's
    start."""
    attrs = getattr(res.scenario, "attributes", None) or {}
    if name in attrs:
        return clip(_d.attribute_label(res.scenario, name), 60), f"numeric attribute {name}"
    sub = f"{name} = {res.scenario.question_text(name)}" if name in res.scenario.questions \
        else name  # an expression
    return clip(label(res, name), 60), sub


def _interval_words(s: Any) -> str:
    q = s.quantiles
    if 0.1 in q and 0.9 in q:
        return f"80% between {number(q[0.1])} and {number(q[0.9])}"
    return ""


def _mean_marker(ax: Axes, s: Any) -> None:
    if not is_missing(s.mean):
        ax.plot([s.mean], [0], marker="^", markersize=10, color=ACCENT, clip_on=False,
                zorder=4, linestyle="none", label=f"mean {_num(s.mean)}")


def _binned_plot(res: ResultsLike, name: str, s: Any, bins: pd.DataFrame, ax: Axes | None,
                 heading: bool) -> Figure | Axes:
    """A histogram of bins of equal width, the 80% interval shaded and the median and
    mean marked; what is off the axis or missing is said in the subtitle."""
    own = ax is None
    fig, ax = _start(ax, (7.5, 4.2))
    left = bins.left.to_numpy(dtype=float)
    width = bins.right.to_numpy(dtype=float) - left
    share = bins.share.to_numpy(dtype=float)
    q = s.quantiles
    if 0.1 in q and 0.9 in q:
        ax.axvspan(q[0.1], q[0.9], color=LIGHT, alpha=0.35, linewidth=0, zorder=0,
                   label=f"80% interval: {number(q[0.1])} to {number(q[0.9])}")
    ax.bar(left, 100 * share, width=width, align="edge", color=DARK, edgecolor="white",
           linewidth=0.6, zorder=2)
    if 0.5 in q:
        ax.axvline(q[0.5], color="#222222", linewidth=1.2, linestyle="--", zorder=3,
                   label=f"median {_num(q[0.5])}")
    _mean_marker(ax, s)
    top = 100 * float(share.max()) if len(share) else 1.0
    ax.set_ylim(0, max(top, 1e-9) * 1.18)
    ax.set_xlim(float(left[0]), float(left[-1] + width[-1]))
    _share_axis(ax.yaxis, max(top, 1e-9) * 1.18)
    step = float(width[0])
    per = "value" if step == 1 and float(left[0]) % 1 == 0.5 else f"bin of {_num(step)}"
    ax.set_ylabel(f"Share of all outcomes per {per}", fontsize=10)
    what, sub = _numeric_title(res, name)
    ax.set_xlabel(plain(what), fontsize=10)
    _value_axis(ax.xaxis)
    _frame(ax, "y")
    _outer_legend(fig, ax, own)
    words = _interval_words(s)
    if words:
        sub += f"; mean {_num(s.mean)}, {words}"
    off = []
    below, above = float(bins.attrs.get("below", 0.0)), float(bins.attrs.get("above", 0.0))
    if below > 0:
        off.append(f"{pct_short(below)} below {_num(left[0])}")
    if above > 0:
        off.append(f"{pct_short(above)} above {_num(left[-1] + width[-1])}")
    if off:
        sub += "\nOff the axis: " + ", ".join(off)
    if s.missing > 0:
        sub += ("; " if off else "\n") + f"no value in {pct_short(s.missing)} of outcomes"
    _titles(ax, res, f"Distribution of {what}", sub, heading=heading)
    return fig if own else ax


def _support(res: ResultsLike, name: str) -> tuple[float, float]:
    """The least and greatest value ``name`` can take, when it is a numeric attribute
    or a question that is just one (the union over its table's rows of each law's
    range, rounded with ``round: true``; a lognormal is never below 0); else, or
    for an unbounded law, ``(-inf, inf)``."""
    model = getattr(res, "model", None)
    plans = {a.name: a for a in getattr(model, "attributes", ())}
    questions = getattr(res.scenario, "questions", None) or {}
    if name not in plans and name in questions:
        name = res.scenario.question_text(name).strip()
    plan = plans.get(name)
    if plan is None:
        return -math.inf, math.inf
    ranges = [_law_range(q) for q in plan.quantities if q is not None]
    if not ranges:
        return -math.inf, math.inf
    lo, hi = min(r[0] for r in ranges), max(r[1] for r in ranges)
    if plan.whole:  # rounded as the draws are (to even at a half)
        lo, hi = (float(np.rint(x)) if math.isfinite(x) else x for x in (lo, hi))
    return lo, hi


def _law_range(q: Any) -> tuple[float, float]:
    """The least and greatest value of a :class:`~pactsim.language.attributes.Quantity`."""
    if q.kind == "fixed":
        return float(q.a), float(q.a)
    if q.kind == "uniform":
        return float(q.a), float(q.b)
    if q.kind == "values":
        return float(min(q.values)), float(max(q.values))
    if q.kind == "lognormal":
        return 0.0, math.inf
    return -math.inf, math.inf


def _cut_words(mean: float, sd: float, floor: float, ceiling: float) -> str:
    """What the mean ± sd bar leaves out: ", cut at 0, the least possible value" and
    the like, or nothing when mean ± sd lies within the values possible."""
    low, high = mean - sd < floor, mean + sd > ceiling
    if low and high:
        return f", cut to the possible values {_num(floor)} to {_num(ceiling)}"
    if low:
        return f", cut at {_num(floor)}, the least possible value"
    if high:
        return f", cut at {_num(ceiling)}, the greatest possible value"
    return ""


def _summary_plot(res: ResultsLike, name: str, s: Any, ax: Axes | None,
                  heading: bool) -> Figure | Axes:
    """What a summary without a distribution has: the 10–90% range with its median
    and the mean (or the mean and one sd either side when there are no quantiles)."""
    own = ax is None
    fig, ax = _start(ax, (7.5, 2.6))
    q = s.quantiles
    if 0.1 in q and 0.9 in q:
        ax.plot([q[0.1], q[0.9]], [0.5, 0.5], color=LIGHT, linewidth=14,
                solid_capstyle="butt", label=f"80% interval: {number(q[0.1])} to {number(q[0.9])}")
        lo, hi = q[0.1], q[0.9]
        if 0.5 in q:
            ax.plot([q[0.5]], [0.5], marker="|", markersize=22, markeredgewidth=2.5,
                    color=DARK, linestyle="none", label=f"median {_num(q[0.5])}")
        note = "10%, 50% and 90% quantiles"
        floor, ceiling = -math.inf, math.inf
    else:  # mean and sd only: the bar is mean ± sd, cut to the values it can take
        sd = 0.0 if is_missing(s.sd) else float(s.sd)
        floor, ceiling = _support(res, name)
        lo, hi = max(s.mean - sd, floor), min(s.mean + sd, ceiling)
        ax.plot([lo, hi], [0.5, 0.5], color=LIGHT, linewidth=14, solid_capstyle="butt",
                label=f"mean ± sd ({number(sd)}){_cut_words(s.mean, sd, floor, ceiling)}")
        for bound, cut in ((floor, lo > s.mean - sd), (ceiling, hi < s.mean + sd)):
            if cut:
                ax.axvline(bound, color="#777777", linewidth=1.2, zorder=3)
        note = ("no quantiles kept (too many distinct values), so the bar is the mean ± 1 "
                "sd, not an interval of stated chance; keep_draws=True gives its histogram")
    pad = 0.15 * (hi - lo) if hi > lo else 1.0
    # no room shown past a value it cannot take: at most a sliver beyond a bound
    sliver = min(pad, 0.02 * (hi - lo)) if hi > lo else pad
    ax.set_xlim(lo - pad if lo - pad >= floor else floor - sliver,
                hi + pad if hi + pad <= ceiling else ceiling + sliver)
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    if not is_missing(s.mean):
        ax.plot([s.mean], [0.5], marker="^", markersize=10, color=ACCENT, linestyle="none",
                zorder=4, label=f"mean {_num(s.mean)}")
    what, sub = _numeric_title(res, name)
    ax.set_xlabel(plain(what), fontsize=10)
    _value_axis(ax.xaxis)
    _frame(ax, "x")
    ax.spines["left"].set_visible(False)
    ax.legend(loc="upper left", fontsize=8.5, frameon=False, ncols=3)
    sub += f"; {note}"
    if s.missing > 0:
        sub += f"; no value in {pct_short(s.missing)} of outcomes"
    _titles(ax, res, f"Distribution of {what}", sub, heading=heading)
    return fig if own else ax


def numeric(res: ResultsLike, name: str, ax: Axes | None = None, *,
            heading: bool = True) -> Figure | Axes:
    """The distribution of a numeric (or date) question or of a numeric attribute.

    A value with few distinct values (whole numbers, a ``values`` law, counts)
    gets a bar per value; dates are grouped by month; the triangle on the axis
    marks the mean. A value of more than :data:`~pactsim.views.display.MAX_BARS`
    distinct values, or a continuous attribute, gets a histogram of bins of equal,
    nice width (:func:`pactsim.views.display.histogram`: Freedman–Diaconis over
    the kept Monte Carlo draws, weighted under evidence; exact results take each
    bin from P(name < edge)) with its 80% interval shaded and its median and mean
    marked. Without either (a continuous attribute of a run that kept no draws)
    it draws what the summary has: the 10–90% range, median and mean; or, with
    mean and sd only, mean ± sd cut at the least and greatest values the
    attribute's law can take (a lognormal is never below 0), as its legend says.
    Draws without a value (a date question on an agreement never signed, an
    attribute whose gate is closed) are counted in the subtitle.
    ``heading=False`` leaves out the title and the run line.

    Raises
    ------
    PactsimError
        When the question is not numeric or has no value in any outcome.

    Examples
    --------
    >>> fig = numeric(res, "n_pillars")            # doctest: +SKIP
    """
    fn = getattr(res, "numeric", None)
    if not callable(fn):
        raise PactsimError("these results have no numeric question summaries (res.numeric)")
    s = fn(name)
    if s.missing >= 1 or (s.histogram is not None and float(s.histogram.sum()) <= 0):
        raise PactsimError(f"{name!r} has no value in any outcome (a date never reached?), "
                           "so it has no distribution to plot")
    bins = _d.histogram(res, name) if s.kind != "date" else None
    if bins is not None and len(bins):
        return _binned_plot(res, name, s, bins, ax, heading)
    if s.histogram is None:
        return _summary_plot(res, name, s, ax, heading)
    own = ax is None
    fig, ax = _start(ax, (7.5, 4.2))
    hist = s.histogram
    if s.kind == "date":
        dates = pd.to_datetime(np.round(hist.index.to_numpy(dtype=float)).astype(np.int64),
                               unit="D")
        hist = pd.Series(hist.to_numpy(), index=dates).resample("MS").sum()
        x: Any = hist.index + pd.Timedelta(days=14)
        width: Any = 24
        mean_day = day_of(s.mean)
        mean_x: Any = None if mean_day is None else pd.Timestamp(mean_day)
        mean_text = f"mean {mean_day}"
    else:
        x = hist.index.to_numpy(dtype=float)
        gaps = np.diff(np.sort(x))
        width = 0.7 * (float(gaps.min()) if len(gaps) else 1.0)
        if len(x) == 1:  # one value: a bar of usual width, not one filling the axes
            ax.set_xlim(x[0] - 2, x[0] + 2)
        mean_x, mean_text = s.mean, f"mean {number(s.mean)}"
    ax.bar(x, 100 * hist.to_numpy(), width=width, color=DARK)
    if len(hist) <= 16:
        for xi, v in zip(x, hist.to_numpy(), strict=True):
            ax.annotate(pct_short(v), (xi, 100 * v),
                        xytext=(0, 3), textcoords="offset points", ha="center", fontsize=8.5)
        if s.kind != "date":
            ax.set_xticks(x)
    if s.kind != "date":
        _value_axis(ax.xaxis, locate=len(hist) > 16)
    if not is_missing(s.mean):
        ax.plot([mean_x], [0], marker="^", markersize=10, color=ACCENT, clip_on=False,
                zorder=4, linestyle="none", label=mean_text)
        _outer_legend(fig, ax, own)
    if s.kind == "date":
        _month_axis(ax, hist.index[0], hist.index[-1])
    top = 100 * float(hist.max()) * 1.15
    ax.set_ylim(0, top)
    _share_axis(ax.yaxis, top)
    ax.set_ylabel("Share of all outcomes" + (" per month" if s.kind == "date" else ""),
                  fontsize=10)
    what, sub = _numeric_title(res, name)
    ax.set_xlabel(plain(what), fontsize=10)
    _frame(ax, "y")
    if s.kind != "date" and _interval_words(s):
        sub += f"; {_interval_words(s)}"
    if s.missing > 0:
        sub += f"; no value in {pct_short(s.missing)} of outcomes"
    _titles(ax, res, f"Distribution of {what}", sub, heading=heading)
    return fig if own else ax


def _month_axis(ax: Axes, first: Any, last: Any) -> None:
    """A date axis of whole months from a month before ``first`` to two after
    ``last`` (month starts), ticked at month starts (at most about eight), so a
    bar per month reads as its month, not as the days it covers."""
    import math

    import matplotlib.dates

    mdates: Any = matplotlib.dates  # its locators and formatters are untyped
    lo = pd.Timestamp(first) - pd.DateOffset(months=1)
    hi = pd.Timestamp(last) + pd.DateOffset(months=2)
    ax.set_xlim(mdates.date2num(lo), mdates.date2num(hi))
    months = (hi.year - lo.year) * 12 + hi.month - lo.month
    step = max(1, math.ceil(months / 8))
    step = next(k for k in (1, 2, 3, 4, 6, 12, 24, 36, 60, 120, 10**6) if k >= step)
    if step <= 12:
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=range(1, 13, step)))
    else:
        ax.xaxis.set_major_locator(mdates.YearLocator(step // 12))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))


def _date_axis(ax: Axes, res: ResultsLike, x0: Any, x1: Any) -> None:
    """Key dates as ticks (when few), else an automatic date axis."""
    import matplotlib.dates

    mdates: Any = matplotlib.dates  # its locators and formatters are untyped
    keys = key_dates(res)
    ax.set_xlim(x0, x1)
    if len(keys) <= 8:
        ax.set_xticks(np.array(_spaced(keys, x0, x1), dtype="datetime64[D]"))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%-d %b\n%Y"))
    else:
        loc = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(loc)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))


def _spread(ys: list[float], gap: float, low: float, high: float) -> list[float]:
    """Label heights near ``ys`` (sorted or not), at least ``gap`` apart, kept in
    [low, high] when they fit: pushed up in order, then back down from the top."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    out = [0.0] * len(ys)
    prev = low - gap
    for i in order:
        prev = max(ys[i], prev + gap)
        out[i] = prev
    top = high
    for i in reversed(order):
        out[i] = min(out[i], top)
        top = out[i] - gap
    return out


#: Where a timeline's leader lines bend and end, in axes fraction: level from the
#: curve's end (at 1) to the first, straight to the second, level to the third, where
#: the label starts.
_LEADER = (1.012, 1.04, 1.05)


def _end_labels(ax: Axes, ends: list[float], texts: list[str], colours: list[str],
                styles: list[str]) -> None:
    """Label each curve right of the axes at its end value ``ends`` (in percent):
    labels in the order of the values (ties in the order given), at least 6 points of
    the axis apart (:func:`_spread`), each joined to its curve's end by a leader line
    that runs level from the curve, then straight, then level into the label's left
    edge. Heights are in the order of the values at both ends, so no two leader lines
    cross, and every leader ends at its label's left edge, so none runs under a label."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path

    ys = _spread(ends, 6.0, 2.0, 98.0)
    trans = ax.get_yaxis_transform()  # x in axes fraction, y in data
    bend, straight, start = _LEADER
    for end, y, text, colour, style in zip(ends, ys, texts, colours, styles, strict=True):
        leader = Path([(1.0, end), (bend, end), (straight, y), (start, y)])
        ax.add_patch(PathPatch(leader, transform=trans, fill=False, edgecolor=colour,
                               linewidth=0.7, linestyle=style, joinstyle="round",
                               capstyle="butt", clip_on=False))
        ax.annotate(plain(text), xy=(1.0, end), xycoords=trans, xytext=(start + 0.004, y),
                    textcoords=trans, va="center", ha="left", fontsize=9, color=colour,
                    fontweight="bold", annotation_clip=False)


def timeline(res: ResultsLike, ax: Axes | None = None, *, nodes: str | Sequence[str] | None = None,
             band: bool = True, heading: bool = True) -> Figure | Axes:
    """Every dated node's P(happened on or before date) on one date axis.

    One curve per dated node (signing first, then dated events and milestones
    in file order; ``nodes`` picks some), each with its 95% Monte Carlo band
    (``band``; exact results have none) and a dot at its median date given it
    happens by the horizon. Each curve is labelled at its right end with its
    chance by the horizon; labels are moved apart so they never overlap, in the
    order of the curves' ends, and joined to them by leader lines that never cross.
    Without ``nodes``, at most :data:`TIMELINE_CURVES` curves are drawn (the first
    ones; the subtitle says how many are left out): more could not be told apart.
    ``heading=False`` leaves out the title and the run line.

    Examples
    --------
    >>> fig = timeline(res)        # doctest: +SKIP
    """
    nodes = _node_names(nodes)
    _check_ax(ax)
    names = nodes if nodes is not None else _d.dated_nodes(res)
    if not names:
        raise PactsimError("this scenario has no dated nodes (signing, dated events, "
                           "milestones), so no timeline")
    left_out = len(names) - TIMELINE_CURVES if nodes is None else 0
    if left_out > 0:
        names = names[:TIMELINE_CURVES]
    own = ax is None
    fig, ax = _start(ax, (9.5, 5.0))
    ends: list[float] = []
    texts: list[str] = []
    colours: list[str] = []
    styles: list[str] = []
    x: Any = None
    widest_half = 0.0  # the widest band (not every curve concatenated: 500 nodes x days)
    from pactsim.errors import ModelTooWideError
    from pactsim.views.refusals import refused

    for i, name in enumerate(names):
        colour = PALETTE[i % len(PALETTE)]
        try:
            cdf = _d.date_cdf(res, name)
        except ModelTooWideError as err:  # exact results of a wide scenario: left out
            refused(err)
            continue
        if len(cdf):
            widest_half = max(widest_half, float(np.nanmax(cdf.hi.to_numpy()
                                                           - cdf.lo.to_numpy(), initial=0.0)))
        x = cdf.index.to_numpy()
        if band and draws(res) is not None:
            ax.fill_between(x, 100 * cdf.lo, 100 * cdf.hi, step="post", color=colour,
                            alpha=0.22, linewidth=0)
        # past the palette a colour comes again, dashed (and so is its label's line)
        dashed = i >= len(PALETTE)
        ax.step(x, 100 * cdf.p, where="post", color=colour, linewidth=2,
                linestyle=(0, (5, 2)) if dashed else "-")
        med = _d.date_quantiles(res, name, (0.5,)).iloc[0]
        if not is_missing(med):
            at = cdf.p.to_numpy()[int(np.searchsorted(x, np.datetime64(med, "D")))]
            ax.plot([med], [100 * at], "o", color=colour, markersize=7,
                    markeredgecolor="white", markeredgewidth=1.2, zorder=4)
        final = float(cdf.p.iloc[-1])
        ends.append(100 * final)
        texts.append(f"{clip(label(res, name), 30)}  {pct_short(final)}")
        colours.append(colour)
        styles.append("--" if dashed else "-")
    if x is None:
        raise PactsimError("no dated node could be computed (too wide for exact inference); "
                           "pactsim.simulate dates them")
    ax.set_ylim(0, 100)
    _date_axis(ax, res, x[0], x[-1])
    _end_labels(ax, ends, texts, colours, styles)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = [Line2D([], [], marker="o", linestyle="none", color="#555555",
                                 markeredgecolor="white", markersize=7,
                                 label="median date, if it happens by the horizon")]
    if band and draws(res) is not None:
        handles.append(Patch(color="#555555", alpha=0.22, linewidth=0,
                             label=_band_label(pd.DataFrame({"lo": [0.0],
                                                             "hi": [widest_half]}))))
    ax.legend(handles=handles, loc="upper left", fontsize=8.5, frameon=False)
    _percent_axis(ax.yaxis)
    ax.set_ylabel("Chance it has happened by then", fontsize=10)
    ax.set_xlabel("Date (on or before)", fontsize=10)
    _frame(ax, "y")
    note = f"Right: chance by the horizon ({res.scenario.horizon})"
    if left_out > 0:
        note += (f". The first {TIMELINE_CURVES} of {TIMELINE_CURVES + left_out:,} dated "
                 "steps (nodes= picks others)")
    _titles(ax, res, "When will each step happen?", note, heading=heading)
    return fig if own else ax


def date_cdf(res: ResultsLike, node: str, ax: Axes | None = None, *, band: bool = True,
             annotate: bool = True, heading: bool = True) -> Figure | Axes:
    """One dated node's P(happened on or before date), with its 95% band, its
    values at the key dates (``annotate``) and a dot at its median date given
    it happens by the horizon. ``date_cdf(res, "signing")`` is the signing
    curve in the same style as the timeline; :func:`signing_cdf` is the
    signing's own chart."""
    if node not in _d.dated_nodes(res):  # (review-api27: as res.date_cdf says it)
        from pactsim.errors import ConditionError, did_you_mean

        dated = ", ".join(_d.dated_nodes(res)) or "none"
        raise ConditionError(f"unknown dated node {node!r} (dated nodes here: {dated})"
                             + did_you_mean(str(node), _d.dated_nodes(res)))
    own = ax is None
    fig, ax = _start(ax, (9, 4.6))
    cdf = _d.date_cdf(res, node)
    x = cdf.index.to_numpy()
    if band and draws(res) is not None:
        ax.fill_between(x, 100 * cdf.lo, 100 * cdf.hi, step="post", color=LIGHT, alpha=0.6,
                        linewidth=0, label=_band_label(cdf))
    ax.step(x, 100 * cdf.p, where="post", color=DARK, linewidth=2,
            label=plain(f"P({clip(label(res, node), 60)} on or before date)"))
    kd = _d.date_cdf(res, node, key_dates(res))
    if annotate:
        ax.plot(kd.index, 100 * kd.p, "o", color=DARK, markersize=5, markeredgecolor="white",
                zorder=3)
        _key_values(ax, kd, _spaced(list(kd.index), x[0], x[-1]))
    q = _d.date_quantiles(res, node, _d.DATE_LEVELS)
    if not is_missing(q.iloc[1]):
        at = cdf.p.to_numpy()[int(np.searchsorted(x, np.datetime64(q.iloc[1], "D")))]
        ax.plot([q.iloc[1]], [100 * at], "D", color=ACCENT, markersize=7, zorder=4,
                markeredgecolor="white", linestyle="none",
                label=f"median if it happens: {pd.Timestamp(q.iloc[1]).date()}")
    final = float(cdf.p.iloc[-1])
    ax.axhline(100 * final, color="#999999", linewidth=0.8, linestyle=":")
    _percent_ylim(ax, max([final, *kd.p.to_numpy(dtype=float)]) if annotate else final)
    _date_axis(ax, res, x[0], x[-1])
    _percent_axis(ax.yaxis)
    ax.set_ylabel("Chance it has happened by then", fontsize=10)
    ax.set_xlabel("Date (on or before)", fontsize=10)
    _frame(ax, "y")
    early = cdf.p.to_numpy(dtype=float)[x <= x[0] + (x[-1] - x[0]) * 0.45]
    # the curve rises from lower left; when it is high early, the lower right is free
    ax.legend(loc="upper left" if float(early.max()) < 0.55 else "lower right", fontsize=8.5,
              frameon=False)
    sub = _d.timing_words(res.scenario, node)
    if final > 0:
        when = (f"By {res.scenario.horizon}: {pct_short(final)}; if it happens, 80% between "
                f"{day(q.iloc[0])} and {day(q.iloc[2])}")
    else:  # a flat line at 0 says nothing by itself
        n, end = draws(res), res.scenario.horizon
        never = (f"It happens in none of the {n:,} draws by {end}" if n is not None
                 else f"It does not happen by {end} (exact)")
        when = f"By {end}: 0%. {never}"
        ax.text(0.5, 0.5, never,
                transform=ax.transAxes, ha="center", va="center", fontsize=11,
                color="#555555")
    sub = (sub + "\n" if sub else "") + when
    _titles(ax, res, f"When: {clip(label(res, node), 70)}", sub, heading=heading)
    return fig if own else ax


def diff(d: Any, target: str | None = None, ax: Axes | None = None, *,
         heading: bool = True) -> Figure | Axes:
    """Waterfall of a :func:`pactsim.diff`'s attribution of ``target``: A's value,
    each edit's Shapley value (in the order of the edits), B's value.

    Each edit is named ``path: before → after`` when that fits in
    :data:`_EDIT_WIDTH` characters, else as the text table names it
    (:func:`pactsim.views.diff.format_diff`: the edit's paths, a long group cut to
    its first paths and how many more). A value of 0 (or too small to show as a
    bar) gets a mark at 0 beside its label, so an end at 0% reads as 0, not as
    missing. Monte Carlo Shapley values carry 95% whiskers. Without ``ax`` returns
    a new :class:`~matplotlib.figure.Figure` (not kept by pyplot); with ``ax``
    draws there and returns it.

    Raises
    ------
    ArgumentError
        When the diff attributes no question, or not ``target``.

    Examples
    --------
    >>> fig = diff(pactsim.diff(a, b, "signed_by_2024"))   # doctest: +SKIP
    """
    from pactsim.errors import ArgumentError
    from pactsim.views.diff import _edit_label, _ends, _shapley_how

    if not len(d.totals):
        raise ArgumentError("this diff attributes no question (no edit changes a number)")
    targets = [str(t) for t in d.totals.target]
    if target is None:
        target = targets[0]
    if target not in targets:
        raise ArgumentError(f"{target!r} was not attributed; this diff attributes "
                            f"{', '.join(targets)} (pass questions= to pactsim.diff)")
    t = d.totals[d.totals.target == target].iloc[0]
    part = d.attribution[d.attribution.target == target]
    names = _ends(d)
    # what each edit did to the numbers ("(and its text)": in the table, not the label)
    said = {e.name: e.describe().replace(" -> ", " → ").removesuffix(" (and its text)")
            for e in d.edits}

    def label(edit: str) -> str:
        """``path: before → after`` when it fits, else the edit's name as the table gives it."""
        text = said.get(edit, "")
        return text if text and len(text) <= _EDIT_WIDTH else _edit_label(edit, _EDIT_WIDTH)

    labels = [names[0], *[label(str(e)) for e in part.edit], names[1]]
    k = len(labels)
    own = ax is None
    fig, ax = _start(ax, (9, 1.7 + 0.45 * k))
    base, new = 100 * float(t.a), 100 * float(t.b)
    ax.barh(0, base, color=GREY, height=0.6)
    ax.barh(k - 1, new, color=DARK, height=0.6)
    cum, right = base, max(base, new)
    for i, (_, r) in enumerate(part.iterrows(), start=1):
        v = 100 * float(r.shapley)
        ax.barh(i, v, left=cum, color="#3a8a4f" if v >= 0 else ACCENT, height=0.6)
        se = 100 * float(r.shapley_stderr) if not is_missing(r.shapley_stderr) else 0.0
        if se > 0:
            ax.errorbar(cum + v, i, xerr=_Z95 * se, color="#333333", capsize=2, linewidth=0.8)
        ax.plot([cum, cum], [i - 1.3, i + 0.3], color="#888888", linewidth=0.7, linestyle=":")
        end = max(cum, cum + v) + (_Z95 * se if v >= 0 else 0.0)
        ax.annotate(f"{v:+.1f} pp", xy=(end, i), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=9, color="#333333")
        cum += v
        right = max(right, end)
    ax.plot([cum, cum], [k - 2.3, k - 0.7], color="#888888", linewidth=0.7, linestyle=":")
    lo = min(0.0, base, new, cum)
    span = max(right - lo, 1e-9)
    # an end too small to see as a bar (under 0.6% of the axis, 0 above all): a mark at
    # its value, so that 0% reads as 0 and not as a bar left out
    thin = [(i, v, c) for i, v, c in ((0, base, GREY), (k - 1, new, DARK))
            if abs(v) < _THIN_BAR * span]
    for i, v, colour in thin:  # a bar seen edge on: as high as the bars, 3.5 points wide
        ax.plot([v, v], [i - 0.3, i + 0.3], color=colour, linewidth=3.5,
                solid_capstyle="butt", clip_on=False, zorder=3)
    marked = {i for i, _, _ in thin}
    for i, v in ((0, base), (k - 1, new)):
        ax.annotate(f"{v:.1f}%", xy=(v, i), xytext=(8 if i in marked else 4, 0),
                    textcoords="offset points", va="center", fontsize=10,
                    color=DARK if i else "#333333")
    ax.set_yticks(range(k), [plain(s) for s in labels])
    ax.invert_yaxis()
    # room left of 0 for a mark at 0, off the axis line
    left = lo - (0.015 * span if thin and lo == 0 else 0.0)
    ax.set_xlim(left, right + 0.12 * span + 1)
    _percent_axis(ax.xaxis)
    _frame(ax, "x")
    ax.tick_params(axis="y", length=0)
    if heading:
        how = "Shapley values, " + _shapley_how(t)
        ax.set_title(plain(f"What moved P({target}): {base:.1f}% → {new:.1f}%"), loc="left",
                     fontsize=12, fontweight="bold", pad=24)
        ax.annotate(plain(f"{how}; they sum to the change"
                          + ("" if t.method == "exact" else "; whiskers: 95% intervals")),
                    xy=(0, 1), xycoords="axes fraction", xytext=(0, 7),
                    textcoords="offset points", fontsize=9, color="#555555", va="bottom")
    return fig if own else ax


#: Narrowest end bar of :func:`diff`, as a share of its axis, drawn as a bar; a
#: narrower one (0%) gets a mark at its value instead.
_THIN_BAR = 0.006


def tornado(s: Any, top: int = 15, ax: Axes | None = None, *,
            heading: bool = True) -> Figure | Axes:
    """Tornado of a :func:`pactsim.sensitivity` (the same as ``s.plot_tornado(top)``)."""
    from pactsim.views.sensitivity import plot_tornado

    return plot_tornado(s, top, ax, heading=heading)


def value_of_information(s: Any, top: int = 15, ax: Axes | None = None, *,
                         heading: bool = True) -> Figure | Axes:
    """What to watch, from a :func:`pactsim.sensitivity` (the same as ``s.plot_voi(top)``)."""
    from pactsim.views.sensitivity import plot_voi

    return plot_voi(s, top, ax, heading=heading)


def history(df: pd.DataFrame, ax: Axes | None = None, *,
            labels: dict[str, str] | None = None, heading: bool = True) -> Figure | Axes:
    """A forecast history (:func:`pactsim.history`): each question's probability as a
    step line over time, from the priors (as of ``as_of``) through each observation
    date, where a numbered marker stands for what was learnt that day (the numbers
    are the ``step`` column; list the sources beside the figure, as the report
    does). Monte Carlo answers get a 95% band. ``labels`` maps question names to
    the text of the legend."""
    import datetime as dt

    import matplotlib.dates

    mdates: Any = matplotlib.dates  # its locators and formatters are untyped
    own = ax is None
    fig, ax = _start(ax, (9, 4.8))
    steps = df.drop_duplicates("step")
    dates = [pd.Timestamp(d) for d in steps["date"]]
    span = max((dates[-1] - dates[0]).days, 1)
    end = dates[-1] + pd.Timedelta(days=max(7, round(0.12 * span)))
    x = np.array([*dates, end], dtype="datetime64[D]")
    questions = list(dict.fromkeys(df["question"]))
    ends: list[tuple[float, str, str]] = []  # each line's last value, its label, colour
    for i, q in enumerate(questions):
        rows = df[df["question"] == q]
        p = 100 * rows["p"].to_numpy(dtype=float)
        se = 100 * rows["stderr"].to_numpy(dtype=float)
        colour = PALETTE[i % len(PALETTE)]
        y = np.append(p, p[-1])
        ax.step(x, y, where="post", color=colour, linewidth=2,
                label=plain(clip((labels or {}).get(q, q), 60)))
        ax.plot(x[:-1], p, "o", color=colour, markersize=5, markeredgecolor="white", zorder=3)
        if (se > 0).any():
            ax.fill_between(x, np.append(p - _Z95 * se, p[-1] - _Z95 * se[-1]),
                            np.append(p + _Z95 * se, p[-1] + _Z95 * se[-1]), step="post",
                            color=colour, alpha=0.15, linewidth=0)
        ends.append((float(y[-1]), pct_short(p[-1] / 100), colour))
    trans = ax.get_yaxis_transform()  # x in axes fraction, y in data
    heights = _spread([e[0] for e in ends], 4.5, 1.5, 98.5)  # 9-point labels kept apart
    for (_end, text, colour), at in zip(ends, heights, strict=True):
        ax.annotate(text, (1.0, at), xycoords=trans, xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=9, color=colour, fontweight="bold",
                    annotation_clip=False)
    for k, d in zip(steps["step"], dates, strict=True):
        if int(k) == 0:
            continue
        ax.axvline(mdates.date2num(d), color="#999999", linewidth=0.8, linestyle=":", zorder=1)
        ax.annotate(str(int(k)), (d, 1), xycoords=("data", "axes fraction"), xytext=(0, 3),
                    textcoords="offset points", ha="center", va="bottom", fontsize=9,
                    fontweight="bold", color="#333333",
                    bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": "#999999"})
    ax.set_ylim(0, 100)
    ax.set_xlim(x[0] - np.timedelta64(max(1, round(0.015 * span)), "D"), x[-1])
    _percent_axis(ax.yaxis)
    ax.set_ylabel("P(question | what was known then)", fontsize=10)
    _frame(ax, "y")
    locator = mdates.AutoDateLocator(maxticks=8)
    ax.xaxis.set_major_locator(locator)
    # every tick says its month and a month its year: no offset ("2025-Jan" under an
    # axis that starts in November) to read the ticks by
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(
        locator, formats=["%Y", "%b %Y", "%-d %b", "%H:%M", "%H:%M", "%S.%f"],
        zero_formats=["", "%Y", "%b %Y", "%-d %b %H:%M", "%H:%M", "%H:%M"],
        show_offset=False))
    ax.legend(loc="upper left", bbox_to_anchor=(1.06, 1), fontsize=8.5, frameon=False)
    note = (f"Step 0: the priors as of {dt.date.fromisoformat(day(dates[0]))}; each numbered "
            "line: the observations of that day (and all before)")
    if heading:
        ax.set_title("Forecast history", loc="left", fontsize=12, fontweight="bold", pad=34)
    ax.annotate(plain(note), xy=(0, 1), xycoords="axes fraction", xytext=(0, 20),
                textcoords="offset points", fontsize=9, color="#555555", va="bottom")
    return fig if own else ax


#: The names ``res.plot`` uses, so ``pactsim.plot.signing(res)`` is ``res.plot.signing()``.
signing = signing_cdf
pillars = inclusion


class PlotAccessor:
    """``res.plot``: the plots of this module bound to one results object.

    Examples
    --------
    >>> res.plot.signing()             # doctest: +SKIP
    >>> res.plot.numeric("n_pillars")  # doctest: +SKIP
    """

    def __init__(self, res: ResultsLike) -> None:
        self._res = res

    def __repr__(self) -> str:
        return ("<PlotAccessor: .signing() .timeline() .date_cdf(node) .pillars() .bundles() "
                ".outcomes() .numeric(name)>")

    @overload
    def signing(self, ax: None = None, *, band: bool = ..., annotate: bool = ...,
                heading: bool = ...) -> Figure: ...
    @overload
    def signing(self, ax: Axes, *, band: bool = ..., annotate: bool = ...,
                heading: bool = ...) -> Axes: ...

    def signing(self, ax: Axes | None = None, *, band: bool = True,
                annotate: bool = True, heading: bool = True) -> Figure | Axes:
        """:func:`signing_cdf`: P(signed by date) with its band and key dates."""
        return signing_cdf(self._res, ax, band=band, annotate=annotate, heading=heading)

    @overload
    def timeline(self, ax: None = None, *, nodes: str | Sequence[str] | None = ...,
                 band: bool = ..., heading: bool = ...) -> Figure: ...
    @overload
    def timeline(self, ax: Axes, *, nodes: str | Sequence[str] | None = ..., band: bool = ...,
                 heading: bool = ...) -> Axes: ...

    def timeline(self, ax: Axes | None = None, *, nodes: str | Sequence[str] | None = None,
                 band: bool = True, heading: bool = True) -> Figure | Axes:
        """:func:`timeline`: every dated node's curve on one date axis."""
        return timeline(self._res, ax, nodes=nodes, band=band, heading=heading)

    @overload
    def date_cdf(self, node: str, ax: None = None, *, band: bool = ..., annotate: bool = ...,
                 heading: bool = ...) -> Figure: ...
    @overload
    def date_cdf(self, node: str, ax: Axes, *, band: bool = ..., annotate: bool = ...,
                 heading: bool = ...) -> Axes: ...

    def date_cdf(self, node: str, ax: Axes | None = None, *, band: bool = True,
                 annotate: bool = True, heading: bool = True) -> Figure | Axes:
        """:func:`date_cdf`: one dated node's curve with its band and median."""
        return date_cdf(self._res, node, ax, band=band, annotate=annotate, heading=heading)

    @overload
    def pillars(self, ax: None = None, *, given_signed: bool = ...,
                heading: bool = ...) -> Figure: ...
    @overload
    def pillars(self, ax: Axes, *, given_signed: bool = ..., heading: bool = ...) -> Axes: ...

    def pillars(self, ax: Axes | None = None, *, given_signed: bool = True,
                heading: bool = True) -> Figure | Axes:
        """:func:`inclusion`: pillars and clauses, with 95% intervals."""
        return inclusion(self._res, ax, given_signed=given_signed, heading=heading)

    @overload
    def bundles(self, top: int = ..., ax: None = None, *,
                level: Literal["clause", "pillar"] = ..., include_empty: bool = ...,
                heading: bool = ..., of: str | None = ...) -> Figure: ...
    @overload
    def bundles(self, top: int, ax: Axes, *, level: Literal["clause", "pillar"] = ...,
                include_empty: bool = ..., heading: bool = ...,
                of: str | None = ...) -> Axes: ...
    @overload
    def bundles(self, top: int = ..., *, ax: Axes, level: Literal["clause", "pillar"] = ...,
                include_empty: bool = ..., heading: bool = ...,
                of: str | None = ...) -> Axes: ...

    def bundles(self, top: int = 10, ax: Axes | None = None, *,
                level: Literal["clause", "pillar"] = "clause",
                include_empty: bool = False, heading: bool = True,
                of: str | None = None) -> Figure | Axes:
        """:func:`bundles`: the most frequent texts, UpSet-style (``of`` as
        ``res.bundles`` takes it)."""
        return bundles(self._res, top, ax, level=level, include_empty=include_empty,
                       heading=heading, of=of)

    @overload
    def outcomes(self, nodes: str | Sequence[str] | None = ..., ax: None = None, *,
                 given_signed: bool = ..., heading: bool = ...) -> Figure: ...
    @overload
    def outcomes(self, nodes: str | Sequence[str] | None, ax: Axes, *, given_signed: bool = ...,
                 heading: bool = ...) -> Axes: ...
    @overload
    def outcomes(self, nodes: str | Sequence[str] | None = ..., *, ax: Axes,
                 given_signed: bool = ..., heading: bool = ...) -> Axes: ...

    def outcomes(self, nodes: str | Sequence[str] | None = None, ax: Axes | None = None, *,
                 given_signed: bool = True, heading: bool = True) -> Figure | Axes:
        """:func:`outcomes`: a stacked bar of each categorical node's outcomes."""
        return outcomes(self._res, nodes, ax, given_signed=given_signed, heading=heading)

    @overload
    def numeric(self, name: str, ax: None = None, *, heading: bool = ...) -> Figure: ...
    @overload
    def numeric(self, name: str, ax: Axes, *, heading: bool = ...) -> Axes: ...

    def numeric(self, name: str, ax: Axes | None = None, *,
                heading: bool = True) -> Figure | Axes:
        """:func:`numeric`: the distribution of a numeric question or attribute."""
        return numeric(self._res, name, ax, heading=heading)
