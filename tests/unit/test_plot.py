"""Unit tests of pactsim.plot (Agg backend): what each figure holds, and ``ax=``."""

from __future__ import annotations

import io
import itertools
import math
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.container import BarContainer  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import pactsim  # noqa: E402
from fakes import ExactLike  # noqa: E402
from pactsim.errors import PactsimError  # noqa: E402
from pactsim.views import plot  # noqa: E402
from pactsim.views.format import clip as fmt_clip  # noqa: E402
from pactsim.views.format import pct_short  # noqa: E402
from view_fakes import DOLLAR_LABELS, DOLLARS, NO_PILLARS, NOTHING_SIGNED, Pruned  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"
DATES = """\
pactsim: 1
id: dates
as_of: 2025-01-01
horizon: 2026-06-30
signing:
  by: {2025-06-30: 0.5, 2026-06-30: 0.8}
pillars:
  a: {p: 0.5, clauses: {b: {p: 0.5}}}
questions:
  when: signing.date
  k: count(a, b)
"""


@pytest.fixture(scope="module")
def res() -> pactsim.Results:
    return pactsim.simulate(pactsim.load(FLAGSHIP), n=20_000, seed=1, keep_draws=False)


@pytest.fixture(scope="module")
def small() -> pactsim.Results:
    return pactsim.simulate(pactsim.loads(DATES), n=5_000, seed=3)


def _bars(ax: Axes) -> list[Rectangle]:
    return [p for c in ax.containers if isinstance(c, BarContainer) for p in c
            if isinstance(p, Rectangle)]


def _texts(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_signing_cdf(res: pactsim.Results) -> None:
    fig = plot.signing_cdf(res)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    keys = res.key_dates()
    kd = res.signing_cdf(keys)
    texts = _texts(ax)
    for p in kd.p:
        assert f"{100 * p:.0f}%" in texts
    # the share never signed, against exact inference (whole percent, within 4 SE)
    label = [m for t in texts if (m := re.match(r"not signed by 2025-12-31: (\d+)%", t))]
    assert len(label) == 1
    exact = pactsim.exact(res.scenario).prob("not signing").value
    se = math.sqrt(exact * (1 - exact) / res.n)
    assert abs(int(label[0].group(1)) / 100 - exact) <= 4 * se + 0.005
    assert len(ax.get_xticks()) == len(keys)
    band, line = (t.get_text() for t in ax.get_legend().get_texts())
    assert line == "P(signed on or before date)"
    # at n = 20,000 the band (±0.7 points at most) hides behind the line: the legend says so
    half = 50 * float((res.signing_cdf().hi - res.signing_cdf().lo).max())
    assert band == f"95% Monte Carlo interval: ±{half:.2g} points or less, within the line"
    assert len(ax.collections) == 1  # the band
    assert "When will the agreement be signed?" in texts
    assert ax.get_ylabel()
    assert ax.get_xlabel()
    assert ax.get_ylim() == (0, 100)


def test_signing_cdf_into_given_axes(res: pactsim.Results) -> None:
    fig, (a1, a2) = plt.subplots(1, 2)
    assert plot.signing_cdf(res, ax=a2, annotate=False, band=False) is a2
    assert not a1.lines
    assert len(a2.lines) >= 2
    assert not a2.collections
    plt.close(fig)


def test_figures_are_not_left_open_in_pyplot(res: pactsim.Results) -> None:
    before = plt.get_fignums()
    res.plot.signing()
    res.plot.numeric("n_pillars")
    assert plt.get_fignums() == before


def test_inclusion(res: pactsim.Results) -> None:
    marg = res.marginals()
    content = marg[marg.kind.isin(["pillar", "clause"])]
    fig = plot.inclusion(res)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(_bars(ax)) == 2 * len(content)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == list(content.label)
    weights = [t.get_fontweight() for t in ax.get_yticklabels()]
    assert weights == ["bold" if k == "pillar" else "normal" for k in content.kind]
    (legend,) = fig.legends  # below the axes, inside the figure
    assert [t.get_text() for t in legend.get_texts()] == [
        "in the text, if signed", "in the text, all cases (no signing counts as not)"]
    assert ax.get_xlim() == (0, 100)
    # every bar carries its value
    values = _texts(ax)
    for p in (*content.p, *content.p_given_signed):
        assert pct_short(p) in values
    assert len([t for t in values if t.endswith("%")]) == 2 * len(content)
    # bar lengths are the marginals in percent, dark = given signed
    light, dark = (c for c in ax.containers if isinstance(c, BarContainer))
    assert dark.patches[0].get_width() == pytest.approx(100 * content.p_given_signed.iloc[0])
    assert light.patches[0].get_width() == pytest.approx(100 * content.p.iloc[0])


def test_inclusion_unconditional_only_into_ax(res: pactsim.Results) -> None:
    fig, ax = plt.subplots()
    assert plot.inclusion(res, ax, given_signed=False) is ax
    assert len(_bars(ax)) == len(res.marginals().query("kind in ['pillar', 'clause']"))
    plt.close(fig)


@pytest.mark.parametrize("level", ["clause", "pillar"])
def test_bundles(res: pactsim.Results, level: str) -> None:
    fig = plot.bundles(res, top=6, level=level)  # type: ignore[arg-type]
    assert isinstance(fig, Figure)
    bars, mat = fig.axes
    assert len(_bars(bars)) == 6
    assert len([t for t in _texts(bars) if t.endswith("%")]) == 6
    assert mat.get_yticklabels()
    assert any("Not shown: no pillar" in t and "(not signed, or none of them)" in t
               for t in _texts(bars))
    if level == "pillar":
        names = {t.get_text() for t in mat.get_yticklabels()}
        marg = res.marginals()  # a categorical pillar is listed by its outcomes
        outcomes = set(marg.label[(marg.kind == "outcome") & marg["of"].isin(
            list(res.scenario.pillars))])
        assert names <= {p.label or n for n, p in res.scenario.pillars.items()} | outcomes
        heights = [b.get_height() for b in _bars(bars)]
        assert heights == sorted(heights, reverse=True)
        assert heights[0] > 20  # pillar sets are far more concentrated than exact texts


def test_bundles_into_ax_draws_matrix_below(small: pactsim.Results) -> None:
    fig, ax = plt.subplots()
    assert plot.bundles(small, ax=ax, include_empty=True) is ax
    assert len(ax.child_axes) == 1
    assert len(_bars(ax)) == 3  # {a, b}, {a}, {}
    plt.close(fig)


def test_numeric(res: pactsim.Results) -> None:
    s = res.numeric("n_pillars")
    assert s.histogram is not None
    fig = plot.numeric(res, "n_pillars")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(_bars(ax)) == len(s.histogram)
    assert ax.get_xlabel() == "n pillars"
    assert "Distribution of n pillars" in _texts(ax)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [f"mean {s.mean:.3g}"]


def test_numeric_dates_by_month(small: pactsim.Results) -> None:
    fig, ax = plt.subplots()
    assert plot.numeric(small, "when", ax=ax) is ax
    assert 10 <= len(_bars(ax)) <= 19  # months from Jan 2025 to Jun 2026
    assert any("no value in" in t for t in _texts(ax))
    plt.close(fig)


def test_plot_errors(res: pactsim.Results) -> None:
    bare = pactsim.simulate(pactsim.loads(
        "pactsim: 1\nid: bare\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
        "events:\n  rain: {p: 0.3}\n"), n=1000, seed=1)
    with pytest.raises(PactsimError, match="no `signing` section"):
        plot.signing_cdf(bare)
    with pytest.raises(PactsimError, match="no pillars or clauses"):
        plot.inclusion(bare)
    with pytest.raises(PactsimError, match="signed_by_2024"):  # true/false, not numeric
        plot.numeric(res, "signed_by_2024")


def test_exact_results_plot_without_band(res: pactsim.Results) -> None:
    exact = ExactLike(res)
    fig = plot.signing_cdf(exact)
    assert not fig.axes[0].collections  # no Monte Carlo band for exact answers
    assert isinstance(plot.inclusion(exact), Figure)
    with pytest.raises(PactsimError, match="no bundle counts"):
        plot.bundles(exact)


def test_accessor(res: pactsim.Results) -> None:
    acc = res.plot
    assert isinstance(acc, plot.PlotAccessor)
    assert ".signing()" in repr(acc)
    for fig in (acc.signing(), acc.pillars(), acc.bundles(top=3), acc.numeric("n_pillars")):
        assert isinstance(fig, Figure)


def test_import_pactsim_does_not_import_matplotlib() -> None:
    code = ("import sys, pactsim, pactsim.plot\n"
            "print(any(m.split('.')[0] == 'matplotlib' for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def _all_texts(fig: Figure) -> list[str]:
    """Every string matplotlib draws in ``fig``: titles, tick labels, legends, annotations."""
    fig.canvas.draw()  # fixes tick labels; raises if any text fails to parse as mathtext
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


@pytest.fixture(scope="module")
def dollars() -> pactsim.Results:
    return pactsim.simulate(pactsim.loads(DOLLARS), n=4_000, seed=2)


@pytest.mark.parametrize("draw", ["signing", "pillars", "bundles", "pillar-bundles", "numeric"])
def test_labels_with_dollars_are_text_not_mathematics(dollars: pactsim.Results,
                                                      draw: str) -> None:
    fig = {"signing": lambda: dollars.plot.signing(),
           "pillars": lambda: dollars.plot.pillars(),
           "bundles": lambda: dollars.plot.bundles(),
           "pillar-bundles": lambda: dollars.plot.bundles(level="pillar"),
           "numeric": lambda: dollars.plot.numeric("k")}[draw]()
    assert isinstance(fig, Figure)
    texts = _all_texts(fig)
    unescaped = [t for t in texts if re.search(r"(?<!\\)\$", t)]
    assert not unescaped, f"matplotlib would typeset these as mathematics: {unescaped}"
    shown = [t.replace(r"\$", "$") for t in texts]  # what is displayed
    assert any("Price $x^$ and cost $5 and $10" in t for t in shown)  # the title
    if draw == "pillars":
        assert {"Price $x^$", r"$\frac{1}$", "cost $5 and $10"} <= set(shown)
        assert fmt_clip(DOLLAR_LABELS[2]) in shown  # long labels are cut, still literal
    if draw == "numeric":
        assert "Count $n$ items" in shown  # the x label
    fig.savefig(io.BytesIO(), format="png")


def test_heading_false_leaves_out_title_and_run_line(res: pactsim.Results) -> None:
    for fig in (res.plot.signing(heading=False), res.plot.pillars(heading=False),
                res.plot.bundles(heading=False), res.plot.numeric("n_pillars", heading=False)):
        assert isinstance(fig, Figure)
        texts = _all_texts(fig)
        assert not [t for t in texts if res.info.digest[:12] in t]
        assert not [t for t in texts if t.startswith(("When will", "What will", "Most likely",
                                                      "Distribution of"))]
    with_heading = _all_texts(res.plot.pillars())
    assert "What will the text contain?" in with_heading
    assert any(res.info.digest[:12] in t for t in with_heading)


def test_bundles_show_how_low_counts_may_be(res: pactsim.Results) -> None:
    pruned = Pruned(res, bound=50)  # 50 of 20,000 draws: far above a 0.04% share's stderr
    fig = plot.bundles(pruned, top=5)
    assert isinstance(fig, Figure)
    bars = fig.axes[0]
    drawn = [c for c in bars.containers if isinstance(c, BarContainer)]
    assert len(drawn) == 2
    caps = drawn[1].patches
    assert all(c.get_hatch() for c in caps)
    assert caps[0].get_height() == pytest.approx(100 * 50 / res.n)
    labels = [t for t in _texts(bars) if t.endswith("%")]
    assert len(labels) == 5
    assert all(t.startswith("≥") for t in labels)
    assert any("counts may be low by up to 50 draws" in t for t in _texts(bars))
    # a bound below every standard error is drawn and told, without the "≥" marker
    fig = plot.bundles(Pruned(res, bound=1), top=3, level="pillar")
    assert isinstance(fig, Figure)
    labels = [t for t in _texts(fig.axes[0]) if t.endswith("%")]
    assert labels and not any(t.startswith("≥") for t in labels)
    assert any("may be low by up to 1 draws" in t for t in _texts(fig.axes[0]))


def test_exact_bundles_have_no_bound_and_no_caps(res: pactsim.Results) -> None:
    fig = plot.bundles(res, top=4)
    assert isinstance(fig, Figure)
    assert len([c for c in fig.axes[0].containers if isinstance(c, BarContainer)]) == 1
    assert not any("may be low" in t for t in _texts(fig.axes[0]))


def test_nothing_in_the_text_is_said_not_plotted() -> None:
    never = pactsim.simulate(pactsim.loads(NOTHING_SIGNED), n=2_000, seed=1)
    with pytest.raises(PactsimError, match="no outcome has any pillar or clause in its text"):
        plot.bundles(never)
    with pytest.raises(PactsimError, match="no outcome has any pillar in its text"):
        plot.bundles(never, level="pillar")
    fig = plot.bundles(never, include_empty=True)  # the empty text, 100%
    assert isinstance(fig, Figure)
    assert [b.get_height() for b in _bars(fig.axes[0])] == [100.0]
    with pytest.raises(PactsimError, match="'when' has no value in any outcome"):
        plot.numeric(never, "when")
    for fig in (plot.signing_cdf(never), plot.inclusion(never), plot.numeric(never, "k")):
        assert isinstance(fig, Figure)
        fig.savefig(io.BytesIO(), format="png")
    bare = pactsim.simulate(pactsim.loads(NO_PILLARS), n=1_000, seed=1)
    with pytest.raises(PactsimError, match="no pillars or clauses"):
        plot.bundles(bare)


def test_real_exact_results() -> None:
    from pactsim.errors import ExactUnsupportedError

    try:
        ex = pactsim.exact(pactsim.load(FLAGSHIP))
    except ExactUnsupportedError:
        pytest.skip("exact inference does not handle the flagship's format-2 timing yet")
    fig = plot.signing_cdf(ex)
    assert isinstance(fig, Figure)
    assert not fig.axes[0].collections  # no band
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
        "P(signed on or before date)"]
    fig = plot.bundles(ex, top=5, level="pillar")  # exact pillar sets
    assert isinstance(fig, Figure)
    heights = [b.get_height() for b in _bars(fig.axes[0])]
    expected = ex.bundles(top=6, of="pillars")
    expected = expected[expected["size"] > 0].head(5)
    assert heights == pytest.approx(list(100 * expected.p))


# -- the timeline of dated nodes -----------------------------------------------------------------
DATED = ROOT / "scenarios" / "analytic-dated.yaml"


@pytest.fixture(scope="module")
def dated() -> pactsim.Results:
    return pactsim.simulate(pactsim.load(DATED), n=20_000, seed=4, keep_draws=True)


def _recount(res: pactsim.Results, name: str) -> tuple[Any, Any, Any]:
    """Every day's P(date <= day) and the median date given it happens, recounted
    from the draws (not from res.date_cdf)."""
    import numpy as np
    import pandas as pd

    col = res.to_frame()[f"{name}.date"]
    days = pd.date_range(str(res.scenario.as_of), str(res.scenario.horizon), freq="D")
    happened = np.sort(col.dropna().to_numpy())
    p = np.searchsorted(happened, days.to_numpy(), side="right") / len(col)
    med = happened[max(-(-len(happened) // 2), 1) - 1] if len(happened) else None
    return days, p, med


def test_timeline_curves_bands_and_medians(dated: pactsim.Results) -> None:
    import numpy as np

    fig = plot.timeline(dated)
    ax = fig.axes[0]
    names = ["signing", "crisis", "ratify_a", "notify", "ratify_b", "in_force"]
    curves = [ln for ln in ax.get_lines() if len(ln.get_xdata()) > 2]
    dots = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == 1]
    assert len(curves) == len(dots) == len(names)
    assert len(ax.collections) == len(names)  # one band per curve
    for name, curve, dot in zip(names, curves, dots, strict=True):
        _, p, med = _recount(dated, name)
        assert np.allclose(np.asarray(curve.get_ydata(), dtype=float), 100 * p), name
        got = matplotlib.dates.num2date(matplotlib.dates.date2num(dot.get_xdata()[0]))
        assert got.date() == med.astype("datetime64[D]").item(), name
        assert dot.get_color() == curve.get_color()
    ends = {t.get_text(): t for t in ax.texts if "%" in t.get_text() and "  " in t.get_text()}
    assert len(ends) == len(names)
    for name in names:  # each end label: the label and the chance by the horizon
        _, p, _ = _recount(dated, name)
        text = f"{dated.scenario.nodes[name].label}  {pct_short(p[-1])}"
        assert text in ends, (text, list(ends))
    fig.canvas.draw()
    ys = sorted(t.xyann[1] for t in ends.values())  # label heights, in percent
    px = ax.get_window_extent().height / 100  # pixels per percentage point
    tall = 9 * fig.dpi / 72  # a 9-point label
    assert min(b - a for a, b in itertools.pairwise(ys)) * px > tall  # labels apart
    legend = ax.get_legend().get_window_extent()
    for curve in curves:  # the legend covers no curve
        pts = ax.transData.transform(np.column_stack([
            matplotlib.dates.date2num(curve.get_xdata()), curve.get_ydata()]))
        inside = ((pts[:, 0] > legend.x0) & (pts[:, 0] < legend.x1)
                  & (pts[:, 1] > legend.y0) & (pts[:, 1] < legend.y1))
        assert not inside.any()
    assert fig.get_size_inches()[0] > 9
    fig.savefig(io.BytesIO(), format="png")


def test_date_cdf_of_a_milestone(dated: pactsim.Results) -> None:
    fig = plot.date_cdf(dated, "in_force")
    ax = fig.axes[0]
    days, p, med = _recount(dated, "in_force")
    shown = [t.get_text() for t in ax.texts if t.get_text().endswith("%")]
    keys = [str(d) for d in dated.key_dates()]
    want = [pct_short(p[list(days.strftime("%Y-%m-%d")).index(k)]) for k in keys]
    assert shown == want
    labels = ax.get_legend_handles_labels()[1]
    assert f"median if it happens: {med.astype('datetime64[D]')}" in labels
    assert "10 days after both ratify_a and notify" in "".join(_all_texts(fig))
    with pytest.raises(PactsimError, match=r"unknown dated node 'shock'"):
        plot.date_cdf(dated, "shock")


def test_accessor_timeline_and_date_cdf(dated: pactsim.Results, res: pactsim.Results) -> None:
    assert isinstance(dated.plot.timeline(), Figure)
    assert isinstance(dated.plot.date_cdf("crisis"), Figure)
    fig, ax = plt.subplots()
    assert dated.plot.timeline(ax=ax, nodes=["signing", "in_force"], heading=False) is ax
    plt.close(fig)
    assert "timeline()" in repr(res.plot)
    flag = plot.timeline(res)  # the flagship: signing and its three milestones
    texts = [t.get_text() for t in flag.axes[0].texts]
    for label in ("Treaty signed", "Ratified by Russia", "Ratified by Iran", "Treaty in force"):
        assert any(t.startswith(label) for t in texts)
