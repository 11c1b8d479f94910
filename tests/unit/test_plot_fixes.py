"""Defects a visual review found in the figures, each pinned by geometry or text.

- The diff waterfall names each edit as the text table does (``_edit_label``), and
  an end at 0% is drawn (a bar seen edge on), not left as a bar of no width.
- The numeric chart of a run without kept draws (mean and sd only) never draws
  values the quantity cannot take: mean ± sd is cut at the law's range, and says so.
- The timeline's end labels keep the order of the curves' ends, and their leader
  lines neither cross each other nor run under another label.
"""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle

import pactsim
import pactsim.plot as plot
from pactsim.results.stats import MAX_VALUES
from pactsim.views.diff import _edit_label, format_diff

ROOT = Path(__file__).parents[2]

TWO = ("pactsim: 1\nid: two\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
       "events:\n  a: {p: 0.3}\n  b: {p: 0.5}\n"
       "questions:\n  both: a and b\n")


@pytest.fixture(scope="module")
def two() -> pactsim.Scenario:
    return pactsim.loads(TWO)


def _drawn(fig: Any) -> Any:
    """The figure drawn once on an Agg canvas (the plots leave pyplot's), so that its
    layout is done and its artists are where the page shows them."""
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    return fig


def _names(fig: Any) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_yticklabels()]


# -- the diff waterfall -------------------------------------------------------------------------
def test_diff_names_a_short_edit_with_its_values(two: pactsim.Scenario) -> None:
    """A single edit that fits reads ``path: before → after``, as the text's Edits list."""
    d = pactsim.diff(two, two.with_changes({"a.p": 0.6, "b.p": 0.7}), "both")
    assert _names(plot.diff(d, "both")) == [
        "A (before)", "a.p: 0.3 → 0.6", "b.p: 0.5 → 0.7", "B (after)"]
    said = {e.name: e.describe() for e in d.edits}
    assert said == {"a.p": "a.p: 0.3 -> 0.6", "b.p": "b.p: 0.5 -> 0.7"}


def test_diff_label_leaves_the_text_note_to_the_table() -> None:
    """An edit that changed a number and its text reads ``path: before → after`` (the
    "(and its text)" of the Edits table would push it past the label's width)."""
    a = pactsim.load(ROOT / "scenarios" / "iran-russia-2024.yaml")
    b = pactsim.load(ROOT / "scenarios" / "variants" / "iran-russia-2024-firm-december.yaml")
    d = pactsim.diff(a, b, "signed_by_2024")
    assert [e.describe() for e in d.edits] == [
        "signing.by.2024-12-31: 0.39 -> 0.6 (and its text)",
        "signing.by.2025-03-31: 0.62 -> 0.7 (and its text)"]
    assert _names(plot.diff(d, "signed_by_2024"))[1:3] == [
        "signing.by.2024-12-31: 0.39 → 0.6", "signing.by.2025-03-31: 0.62 → 0.7"]


def test_diff_names_a_long_edit_as_the_table_does(two: pactsim.Scenario) -> None:
    """A group of edits (no one ``before → after``) or a long description is named as
    the text table names it: its paths, a long group cut to its first and how many more."""
    d = pactsim.diff(two, two.with_changes({"a.p": 0.6, "b.p": 0.7}), "both")
    long = " + ".join(f"node_{i}.p" for i in range(30))
    att = d.attribution.copy()
    att.loc[att.index[0], "edit"] = long
    att.loc[att.index[1], "edit"] = "a.p + b.p"
    shown = _names(plot.diff(dataclasses.replace(d, attribution=att), "both"))[1:3]
    assert shown == [_edit_label(long, 46), "a.p + b.p"]
    assert len(shown[0]) <= 46 and shown[0].endswith(" more)")
    table = format_diff(d).split("Attribution of P(both)")[1]
    for e in ("a.p", "b.p"):  # the table names the same edits by their paths
        assert f"\n  {_edit_label(e)} " in table


def _row_marks(fig: Any, row: int, value: float) -> list[float]:
    """Widths in pixels of what is drawn at ``value`` on waterfall row ``row``
    (bars, and lines crossing the row's middle at that value)."""
    _drawn(fig)
    ax = fig.axes[0]
    px = ax.transData.transform([(1, 0)])[0, 0] - ax.transData.transform([(0, 0)])[0, 0]
    widths = [abs(b.get_width()) * px for b in ax.patches if isinstance(b, Rectangle)
              and b.get_y() < row < b.get_y() + b.get_height()
              and min(b.get_x(), b.get_x() + b.get_width()) <= value + 1e-9
              and max(b.get_x(), b.get_x() + b.get_width()) >= value - 1e-9]
    for ln in ax.get_lines():
        x = np.asarray(ln.get_xdata(), dtype=float)
        y = np.asarray(ln.get_ydata(), dtype=float)
        if len(x) >= 2 and np.allclose(x, value) and y.min() < row - 0.2 and y.max() > row + 0.2 \
                and ln.get_linestyle() == "-":
            widths.append(ln.get_linewidth() * fig.dpi / 72)
    return widths


@pytest.mark.parametrize("zero_end", ["B", "A"])
def test_diff_draws_an_end_at_zero(two: pactsim.Scenario, zero_end: str) -> None:
    """P(both) = 0 when b.p = 0: that end's row shows a mark at 0 at least 2 pixels wide
    (a bar of no width is nothing on the page) and its value label says 0.0%."""
    zero = two.with_changes({"a.p": 0.6, "b.p": 0.0})
    d = pactsim.diff(two, zero, "both") if zero_end == "B" else pactsim.diff(zero, two, "both")
    t = d.totals.iloc[0]
    assert (t.b if zero_end == "B" else t.a) == 0.0  # exact
    fig = plot.diff(d, "both")
    row = len(_names(fig)) - 1 if zero_end == "B" else 0
    assert max(_row_marks(fig, row, 0.0), default=0.0) >= 2.0
    ax = _drawn(fig).axes[0]
    assert any(t.get_text() == "0.0%" and t.xy[1] == row for t in ax.texts)
    left = ax.transData.transform([(0, 0)])[0, 0] - ax.bbox.x0
    assert left >= 2.0  # the mark at 0 stands off the axis line


def test_diff_ends_above_zero_stay_plain_bars(two: pactsim.Scenario) -> None:
    d = pactsim.diff(two, two.with_changes({"a.p": 0.6, "b.p": 0.7}), "both")
    fig = plot.diff(d, "both")
    lines = [ln for ln in fig.axes[0].get_lines() if ln.get_linestyle() == "-"]
    assert not lines  # only the dotted connectors
    assert fig.axes[0].get_xlim()[0] == 0.0


# -- numeric: mean and sd only --------------------------------------------------------------------
ATTRS = """pactsim: 3
id: attrs
as_of: 2024-11-05
horizon: 2025-12-31
signing:
  by: {2024-12-31: 0.4, 2025-12-31: 0.82}
pillars:
  military: {p: 0.9}
attributes:
  delay_days:
    dist: {lognormal: {median: 40, p90: 300}}
    requires: [signing]
  share:
    given: [military]
    table:
      true: {uniform: {low: 99, high: 100}}
      false: {uniform: {low: 0, high: 1}}
  shift: {dist: {normal: {mean: 1, sd: 5}}}
questions:
  delay: delay_days
"""


@pytest.fixture(scope="module")
def no_draws() -> pactsim.Results:
    # past MAX_VALUES distinct values no table of values (so no quantiles) is kept
    return pactsim.simulate(pactsim.loads(ATTRS), n=3 * MAX_VALUES, seed=1, keep_draws=False)


def _band(fig: Any) -> tuple[float, float, str]:
    """The mean ± sd bar's ends and its legend text."""
    ax = fig.axes[0]
    (bar,) = [ln for ln in ax.get_lines() if ln.get_linewidth() >= 10]
    x = np.asarray(bar.get_xdata(), dtype=float)
    return float(x.min()), float(x.max()), str(bar.get_label())


def _shown_ticks(fig: Any) -> list[float]:
    ax = _drawn(fig).axes[0]
    lo, hi = ax.get_xlim()
    return [float(v) for v in ax.get_xticks() if lo <= v <= hi]


@pytest.mark.parametrize("name", ["delay_days", "delay"])
def test_numeric_without_draws_never_drawn_below_zero(no_draws: pactsim.Results,
                                                      name: str) -> None:
    """A lognormal (sd 3x its mean here) is never below 0: the bar starts at 0, not at
    mean - sd, the axis shows no negative value, and the legend says it is cut. A
    question that is just the attribute is read the same way."""
    s = no_draws.numeric(name)
    assert not s.quantiles and s.histogram is None  # the mean-and-sd-only case
    assert s.mean - s.sd < 0
    fig = plot.numeric(no_draws, name)
    lo, hi, text = _band(fig)
    assert lo == 0.0 and hi == pytest.approx(s.mean + s.sd)
    assert min(_shown_ticks(fig)) >= 0
    assert fig.axes[0].get_xlim()[0] > -0.05 * (hi - lo)
    assert "cut at 0, the least possible value" in text
    words = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "not an interval of stated chance" in words


def test_numeric_without_draws_cut_at_the_top_of_a_table(no_draws: pactsim.Results) -> None:
    """A table of uniform laws on [0, 1] and [99, 100]: mean + sd passes 100, so the
    bar stops at 100 (the greatest value of any row) and starts at mean - sd."""
    s = no_draws.numeric("share")
    assert s.mean + s.sd > 100 and s.mean - s.sd > 0
    fig = plot.numeric(no_draws, "share")
    lo, hi, text = _band(fig)
    assert hi == 100.0 and lo == pytest.approx(s.mean - s.sd)
    assert max(_shown_ticks(fig)) <= 100
    assert "cut at 100, the greatest possible value" in text


def test_numeric_without_draws_of_an_unbounded_law_is_not_cut(no_draws: pactsim.Results) -> None:
    s = no_draws.numeric("shift")
    lo, hi, text = _band(plot.numeric(no_draws, "shift"))
    assert (lo, hi) == (pytest.approx(s.mean - s.sd), pytest.approx(s.mean + s.sd))
    assert lo < 0 and "cut" not in text


# -- the timeline's end labels ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def eu_timeline() -> Any:
    res = pactsim.simulate(pactsim.load(ROOT / "scenarios" / "eu-mercosur-2024.yaml"),
                           n=2_000, seed=1)
    return _drawn(plot.timeline(res))


def _labels(fig: Any) -> list[Any]:
    return [t for t in fig.axes[0].texts if "%" in t.get_text() and "  " in t.get_text()]


def _leaders(fig: Any) -> list[np.ndarray]:
    """Each leader line's vertices in display pixels: a patch right of the axes, or
    an annotation's arrow."""
    ax = fig.axes[0]
    right = ax.bbox.x1
    out = []
    renderer = fig.canvas.get_renderer()
    for t in ax.texts:
        if getattr(t, "arrow_patch", None) is not None:
            t.update_positions(renderer)  # an Annotation: its arrow where it is drawn
    for p in [*ax.patches, *(getattr(t, "arrow_patch", None) for t in ax.texts)]:
        if p is None:
            continue
        v = p.get_transform().transform_path(p.get_path()).vertices
        if v[:, 0].max() > right + 1:
            out.append(v)
    return out


def _points(v: np.ndarray, step: float = 1.0) -> np.ndarray:
    """Points every ``step`` pixels along a polyline."""
    pts = [v[0]]
    for a, b in itertools.pairwise(v):
        k = max(int(np.hypot(*(b - a)) / step), 1)
        pts += [a + (b - a) * i / k for i in range(1, k + 1)]
    return np.array(pts)


def _cross(p: np.ndarray, q: np.ndarray) -> bool:
    """Whether two polylines cross (touching at shared ends does not count)."""
    def side(a: Any, b: Any, c: Any) -> float:
        return float((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))

    for a, b in itertools.pairwise(p):
        for c, d in itertools.pairwise(q):
            if (side(a, b, c) * side(a, b, d) < -1e-6
                    and side(c, d, a) * side(c, d, b) < -1e-6):
                return True
    return False


def test_timeline_labels_in_the_order_of_the_curves_ends(eu_timeline: Any) -> None:
    ax = eu_timeline.axes[0]
    curves = [ln for ln in ax.get_lines() if len(ln.get_xdata()) > 2]
    labels = _labels(eu_timeline)
    assert len(curves) == len(labels) >= 10
    ends = [float(c.get_ydata()[-1]) for c in curves]
    heights = [float(t.xyann[1]) for t in labels]
    for i, j in itertools.permutations(range(len(ends)), 2):
        if ends[i] < ends[j]:
            assert heights[i] < heights[j], (labels[i].get_text(), labels[j].get_text())


def test_timeline_leader_lines_neither_cross_nor_run_under_labels(eu_timeline: Any) -> None:
    leaders = _leaders(eu_timeline)
    labels = _labels(eu_timeline)
    assert len(leaders) == len(labels) >= 10
    boxes = [t.get_window_extent().padded(-1) for t in labels]
    for i, v in enumerate(leaders):
        pts = _points(v)
        for j, box in enumerate(boxes):
            inside = ((pts[:, 0] > box.x0) & (pts[:, 0] < box.x1)
                      & (pts[:, 1] > box.y0) & (pts[:, 1] < box.y1))
            assert not inside.any(), (i, labels[j].get_text())
    for i, j in itertools.combinations(range(len(leaders)), 2):
        assert not _cross(leaders[i], leaders[j]), (labels[i].get_text(), labels[j].get_text())


def test_the_bundle_chart_heading_spans_the_figure_not_the_bars() -> None:
    """The upset chart's bars start far right of the member labels; its title and
    subtitle start at the figure's left and wrap at its right edge, so the scenario's
    title and the run line each stay on one line (they broke after a word or two)."""
    sc = pactsim.load(ROOT / "scenarios" / "iran-russia-2024.yaml")
    res = pactsim.simulate(sc, n=20_000, seed=7)
    fig = plot.bundles(res, level="pillar")
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    bars = fig.axes[0]
    sub = next(t for t in bars.texts if "Monte Carlo" in t.get_text())
    box, axes_box = sub.get_window_extent(renderer), bars.get_window_extent(renderer)
    assert box.x0 < axes_box.x0 - 100  # starts well left of the bars
    wrapped = sub._get_wrapped_text().split("\n")  # what is drawn, line by line
    run = next(line for line in wrapped if line.startswith("Monte Carlo"))
    assert run.endswith(f"pactsim {pactsim.__version__}")
    assert sc.title is not None and any(sc.title in line for line in wrapped)


def test_bundles_plot_takes_of_as_res_bundles_does() -> None:
    """``res.plot.bundles(of=...)`` draws the sets ``res.bundles(of=...)`` counts (a
    review found the plot took only ``level``)."""
    import matplotlib

    matplotlib.use("Agg")
    import pactsim
    from pactsim.errors import ArgumentError

    sc = pactsim.load("scenarios/iran-russia-2024.yaml")
    res = pactsim.simulate(sc, n=20_000, seed=1)
    fig = res.plot.bundles(of="security", top=4)
    bars = [p.get_height() for p in fig.axes[0].patches]
    want = res.bundles(top=5, of="security")
    want = want[want["items"].map(len) > 0].head(4)
    assert bars == pytest.approx(list(100 * want.p))
    assert any("sets of clauses of security" in t.get_text() for t in fig.axes[0].texts)
    with pytest.raises(ArgumentError, match="not 'nope'"):
        res.plot.bundles(of="nope")
