"""Visual checks of the figures (Agg backend) on hostile but valid scenarios: long
labels, values in the millions, a signing curve that jumps on one day or reaches 100%.
Each test draws the figure and compares the window extents of its texts."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Annotation, Text  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

import pactsim  # noqa: E402
from pactsim.views import plot  # noqa: E402

LONG = ("Very long label " * 14)[:200]

#: Money in the millions, a count in the thousands, a dated event with a 200-character label.
BIG = f"""\
pactsim: 3
id: big
title: Big numbers
as_of: 2025-01-01
horizon: 2025-12-31
signing:
  by: {{2025-06-30: 0.5, 2025-12-31: 0.7}}
pillars:
  a:
    p: 0.6
    clauses:
      c1: {{p: 0.5, label: "{LONG}"}}
      c2:
        levels: {{absent: 0.3, generic: 0.4, named_with_an_extremely_long_outcome_name: 0.3}}
        label: "{LONG}"
events:
  ev:
    after: signing
    delay: {{median: 30, p90: 90}}
    label: "{LONG}"
attributes:
  money:
    label: Money (USD)
    dist: {{lognormal: {{median: 2000000, p90: 9000000}}}}
    requires: [signing]
  items:
    dist: {{values: {{1000000: 0.3, 2500000: 0.3, 5000000: 0.4}}}}
    requires: [signing]
"""

#: Every signing on 2 March: key dates 1 and 2 March, one day apart.
ONE_DAY = """\
pactsim: 1
id: oneday
as_of: 2025-01-01
horizon: 2025-12-31
signing:
  by: {2025-03-01: 0.0, 2025-03-02: 0.6, 2025-12-31: 0.6}
pillars:
  a: {p: 0.5}
questions:
  when: signing.date
"""

FLAGSHIP = "scenarios/iran-russia-2024.yaml"


@pytest.fixture(scope="module")
def big() -> pactsim.Results:
    return pactsim.simulate(pactsim.loads(BIG), n=4_000, seed=1)


@pytest.fixture(scope="module")
def one_day() -> pactsim.Results:
    return pactsim.simulate(pactsim.loads(ONE_DAY), n=4_000, seed=1)


def _drawn(fig: Any) -> Figure:
    """The figure drawn once on an Agg canvas (the plots leave pyplot's)."""
    assert isinstance(fig, Figure)
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    return fig


def _box(t: Any, fig: Figure) -> Bbox:
    canvas = fig.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    return t.get_window_extent(renderer=canvas.get_renderer())


def _overlap(a: Bbox, b: Bbox, slack: float = 0.5) -> bool:
    return (a.x0 < b.x1 - slack and b.x0 < a.x1 - slack
            and a.y0 < b.y1 - slack and b.y0 < a.y1 - slack)


def _tick_texts(axis: Any) -> list[Text]:
    return [t for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]


def _assert_apart(texts: list[Text], fig: Figure) -> None:
    for a, b in itertools.combinations(texts, 2):
        assert not _overlap(_box(a, fig), _box(b, fig)), (a.get_text(), b.get_text())


def _all_texts(fig: Figure) -> list[str]:
    out = [t.get_text() for t in fig.findobj(Text)]
    return [t for t in out if t]


def _after_bar(t: Text) -> bool:
    """What :func:`plot.outcomes` writes after a bar's end (an annotation)."""
    return isinstance(t, Annotation)


def _inside_figure(texts: list[Text], fig: Figure) -> None:
    frame = fig.bbox
    for t in texts:
        b = _box(t, fig)
        assert b.x0 >= frame.x0 - 1 and b.x1 <= frame.x1 + 1, t.get_text()
        assert b.y0 >= frame.y0 - 1 and b.y1 <= frame.y1 + 1, t.get_text()


# -- numeric plots: values in the millions ---------------------------------------------------


@pytest.mark.parametrize("name", ["money", "items"])
def test_numeric_in_the_millions_has_no_exponent(big: pactsim.Results, name: str) -> None:
    """Ticks read 10M or 2,500,000 (never 1e7 in the corner or 2.5e+06), the legend
    and the subtitle 3,961,320, and the tick labels stay apart."""
    fig = _drawn(plot.numeric(big, name))
    ax = fig.axes[0]
    assert ax.xaxis.get_offset_text().get_text() == ""
    ticks = _tick_texts(ax.xaxis)
    assert ticks and all("e+" not in t.get_text() and "e0" not in t.get_text() for t in ticks)
    assert not [t for t in _all_texts(fig) if "e+0" in t]
    _assert_apart(ticks, fig)


def test_numeric_legend_covers_no_bar() -> None:
    """A histogram whose bars are tall at the right (where the legend used to be)."""
    sc = pactsim.load(FLAGSHIP)
    res = pactsim.simulate(sc, n=4_000, seed=1, evidence={"signing": date(2025, 1, 17)})
    fig = _drawn(plot.numeric(res, "days_to_in_force"))
    ax = fig.axes[0]
    legend = ax.get_legend()
    assert legend is not None
    box = _box(legend, fig)
    for bar in ax.patches:
        if bar.get_height() > 0:
            assert not _overlap(bar.get_window_extent(), box)


def test_numeric_legend_covers_no_bar_of_few_values() -> None:
    """A bar per value (a count): the mean's legend sits under the axes, not on the
    tallest bar at the left."""
    sc = pactsim.loads(ONE_DAY.replace("a: {p: 0.5}", "a: {p: 0.3}\n  b: {p: 0.3}\n  c: {p: 0.3}")
                       .replace("when: signing.date", "k: count(a, b, c)"))
    res = pactsim.simulate(sc, n=4_000, seed=2)
    fig = _drawn(plot.numeric(res, "k"))
    ax = fig.axes[0]
    box = _box(ax.get_legend(), fig)
    for bar in ax.patches:
        assert not _overlap(bar.get_window_extent(), box)
    for t in ax.texts:
        assert not _overlap(_box(t, fig), box), t.get_text()


def test_date_histogram_is_by_month(one_day: pactsim.Results) -> None:
    """Every signing on 2 March: one bar for March on a month axis, not a bar
    labelled with the days 5 to 25 March."""
    fig = _drawn(plot.numeric(one_day, "when"))
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Share of all outcomes per month"
    labels = [t.get_text() for t in _tick_texts(ax.xaxis)]
    assert "Mar\n2025" in labels
    assert not [x for x in labels if "-" in x]  # no 2025-03-05 style days


# -- date curves -----------------------------------------------------------------------------


def test_signing_key_dates_a_day_apart_do_not_overlap(one_day: pactsim.Results) -> None:
    fig = _drawn(plot.signing_cdf(one_day))
    ax = fig.axes[0]
    _assert_apart(_tick_texts(ax.xaxis), fig)
    labels = [t for t in ax.texts if t.get_text()]
    _assert_apart(labels, fig)  # key values and the not-signed note


def test_signing_at_100_percent_stays_below_the_subtitle() -> None:
    sc = pactsim.load(FLAGSHIP)
    res = pactsim.simulate(sc, n=3_000, seed=1, evidence={"signing": date(2025, 1, 17)})
    fig = _drawn(plot.signing_cdf(res))
    ax = fig.axes[0]
    values = [t for t in ax.texts if t.get_text() == "100%"]
    assert values
    heading = [t for t in ax.texts if "Monte Carlo" in t.get_text()
               or t.get_text().startswith("When will")]
    assert heading
    for v in values:
        for h in heading:
            assert not _overlap(_box(v, fig), _box(h, fig)), h.get_text()
    assert ax.get_yticks().max() == 100  # the axis still stops at 100%


def test_date_cdf_long_label_fits(big: pactsim.Results) -> None:
    fig = _drawn(plot.date_cdf(big, "ev"))
    ax = fig.axes[0]
    _inside_figure([t for t in ax.texts if t.get_text()], fig)
    _inside_figure(list(ax.get_legend().get_texts()), fig)


# -- stacked outcome bars, the UpSet chart, the pillar bars, the timeline --------------------


def test_outcome_segment_labels_fit_their_segments() -> None:
    """Each label inside a segment stays inside it (before, "absent 13%" spilled over
    the bar's start and "generic 25%" over its neighbour); a row cut to fit keeps
    its "(if signed)"."""
    res = pactsim.simulate(pactsim.load(FLAGSHIP), n=3_000, seed=1)
    fig = _drawn(plot.outcomes(res))
    ax = fig.axes[0]
    segments = [b for b in ax.patches if b.get_width() > 0]
    for t in ax.texts:
        if _after_bar(t) or not t.get_text():
            continue  # what is written after a bar's end
        box = _box(t, fig)
        x, y = t.get_position()
        seg = next(b for b in segments if b.get_x() <= x <= b.get_x() + b.get_width()
                   and b.get_y() <= y <= b.get_y() + b.get_height())
        s = seg.get_window_extent()
        assert s.x0 <= box.x0 and box.x1 <= s.x1, t.get_text()
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert [r for r in rows if r.startswith("North")] == [
        "North–South Transport Corridor (INS… (if signed)"]


def test_outcome_segment_labels_long_outcome_names(big: pactsim.Results) -> None:
    fig = _drawn(plot.outcomes(big))
    ax = fig.axes[0]
    inside = [t for t in ax.texts if not _after_bar(t) and t.get_text()]
    _assert_apart(inside, fig)
    after = " ".join(t.get_text() for t in ax.texts if _after_bar(t))
    assert "named with an extremely lon…" in after  # said after the bar, cut to 28


def test_bundle_rows_of_one_node_keep_their_outcomes(big: pactsim.Results) -> None:
    """Long labels are cut in the label, not in the outcome: generic and named rows
    stay apart; the title fits inside the figure however few bars there are."""
    fig = _drawn(plot.bundles(big, top=2))
    mat = fig.axes[1]
    rows = [t.get_text() for t in mat.get_yticklabels()]
    assert len(set(rows)) == len(rows), rows
    assert any(r.endswith(": generic") for r in rows), rows
    assert all(len(r) <= 48 for r in rows)
    _inside_figure([t for t in fig.axes[0].texts if t.get_text()], fig)


def test_inclusion_values_inside_light_bars_are_dark() -> None:
    """A light bar that reaches the right edge carries its value in a dark colour
    (white on light blue could not be read)."""
    res = pactsim.simulate(pactsim.load(FLAGSHIP), n=3_000, seed=1,
                           evidence={"su35_sale": True, "signing": date(2025, 1, 17)})
    fig = _drawn(plot.inclusion(res))
    colours = {(t.get_fontweight(), t.get_color()) for t in fig.axes[0].texts
               if t.get_text() == "100%"}
    assert ("normal", "#1d2b3a") in colours and ("bold", "white") in colours
    assert ("normal", "white") not in colours


def test_timeline_past_the_palette_is_dashed() -> None:
    events = "\n".join(f"  e{i}: {{after: signing, delay: {{median: {10 + 5 * i}, p90: 200}}}}"
                       for i in range(9))
    sc = pactsim.loads(ONE_DAY.replace("questions:", f"events:\n{events}\nquestions:")
                       .replace("pactsim: 1", "pactsim: 2"))
    fig = _drawn(plot.timeline(pactsim.simulate(sc, n=2_000, seed=1)))
    styles = [line.get_linestyle() for line in fig.axes[0].get_lines()
              if len(line.get_xdata()) > 2]
    assert len(styles) == 10
    assert styles[:8] == ["-"] * 8 and all(s == "--" for s in styles[8:])


def test_bundles_say_when_the_texts_are_too_rare_to_rank() -> None:
    """Exact sets of twenty clauses, each seen a handful of times in 3,000 draws:
    the subtitle says the order is chance; the sets of pillars (hundreds of draws
    each) do not."""
    res = pactsim.simulate(pactsim.load(FLAGSHIP), n=3_000, seed=1)
    texts = " ".join(t.get_text() for t in _drawn(plot.bundles(res)).axes[0].texts)
    assert "of 3,000 draws: their order is mostly chance" in texts
    texts = " ".join(t.get_text() for t in
                     _drawn(plot.bundles(res, level="pillar")).axes[0].texts)
    assert "mostly chance" not in texts


# -- the HTML report -------------------------------------------------------------------------


def test_report_cards_cut_long_labels(big: pactsim.Results) -> None:
    """A question of a 200-character label: its card says the first 70 characters
    and keeps the whole label as its tooltip."""
    from pactsim.views.report import CARD_TEXT, report_html

    sc = pactsim.loads(BIG + f'questions:\n  q: {{expr: "a and c1", label: "{LONG}"}}\n')
    page = report_html(pactsim.simulate(sc, n=2_000, seed=1), sensitivity=None)
    cards = page.split('<div class="cards">', 1)[1].split("</div></div></div>", 1)[0]
    assert f'title="{LONG}"' in cards
    assert f">{LONG[: CARD_TEXT - 1].rstrip()}\u2026</div>" in cards
    assert f">{LONG}<" not in cards


def test_history_end_labels_apart_and_ticks_say_the_month() -> None:
    """Two questions ending at 0% and 3% (the news variant): their end labels do not
    touch; the date ticks carry their month (no "2025-Jan" offset to read them by)."""
    df = pactsim.history(pactsim.load("scenarios/variants/iran-russia-2024-news.yaml"))
    shown = list(dict.fromkeys(df["question"]))[:6]
    fig = _drawn(plot.history(df[df["question"].isin(shown)]))
    ax = fig.axes[0]
    ends = [t for t in ax.texts if t.get_text().endswith("%")]
    assert len(ends) == len(shown)
    _assert_apart(ends, fig)
    assert ax.xaxis.get_offset_text().get_text() == ""
    ticks = [t.get_text() for t in _tick_texts(ax.xaxis)]
    assert ticks and all(any(m in t for m in ("Nov", "Dec", "Jan")) for t in ticks), ticks


def test_report_lead_says_its_number_is_exact() -> None:
    """The lead's P comes from the exact analysis, the cards' from the Monte Carlo
    run: the lead says which, so 42.6% beside 42.4% is no contradiction."""
    from pactsim.views.report import report_html

    sc = pactsim.loads(ONE_DAY.replace("when: signing.date", "early: signing.date <= 2025-06-30"))
    page = report_html(pactsim.simulate(sc, n=2_000, seed=1))
    assert "</b> by exact inference" in page and "within their intervals" in page
    assert "</b> by exact inference" not in report_html(pactsim.exact(sc))


def test_report_score_numbers_do_not_break() -> None:
    """The scorecard's cells keep each number on one line (0.24 / 6 was seen)."""
    from pactsim.views.report import report_html

    sc = pactsim.load("scenarios/backtest/russia-dprk-2024.yaml")
    page = report_html(pactsim.simulate(sc, n=2_000, seed=1), sensitivity=None,
                       resolutions="scenarios/backtest/russia-dprk-2024.resolutions.yaml")
    assert ".ps-score td{white-space:nowrap" in page
    start = page.index('<div class="ps-score">')
    assert start < page.index("<caption>Mean scores") < page.index("<caption>Each item")


def test_exact_bars_have_no_whiskers() -> None:
    """Exact answers have no interval: no error bar caps at the bars' ends."""
    ex = pactsim.exact(pactsim.loads(ONE_DAY.replace("a: {p: 0.5}",
                                                     "a: {p: 0.5, clauses: {b: {p: 0.5}}}")))
    for fig in (_drawn(plot.inclusion(ex)), _drawn(plot.bundles(ex))):
        assert not [c for c in fig.axes[0].containers if type(c).__name__ == "ErrorbarContainer"]
        assert not fig.axes[0].collections  # no whisker lines


NEVER = """\
pactsim: 2
id: zero
as_of: 2025-01-01
horizon: 2025-12-31
signing:
  by: {2025-06-30: 0.4, 2025-12-31: 0.5}
pillars:
  a: {p: 0.5}
events:
  never:
    after: signing
    delay: {median: 30, p90: 90}
    p: 0
"""


def test_date_cdf_of_a_step_that_never_happens_says_so() -> None:
    """A flat line at 0% gets a message, and no "80% between — and —"."""
    sc = pactsim.loads(NEVER)
    fig = _drawn(plot.date_cdf(pactsim.simulate(sc, n=2_000, seed=1), "never"))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "It happens in none of the 2,000 draws by 2025-12-31" in texts
    assert not [t for t in texts if "— and —" in t]
    texts = [t.get_text() for t in _drawn(plot.date_cdf(pactsim.exact(sc), "never")).axes[0].texts]
    assert "It does not happen by 2025-12-31 (exact)" in texts


def test_report_a_lone_card_is_not_stretched() -> None:
    """One headline number is a card of the usual width, not a bar across the page:
    the grid keeps its empty tracks (auto-fill)."""
    from pactsim.views.report import report_html

    sc = pactsim.loads("pactsim: 1\nid: e\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                       "events:\n  rain: {p: 0.3}\nquestions:\n  q: rain\n")
    page = report_html(pactsim.exact(sc), sensitivity=None)
    assert page.count('<div class="card">') == 1
    assert ".cards{display:grid;grid-template-columns:repeat(auto-fill," in page


def test_table_cells_do_not_break_names_mid_word() -> None:
    # `overflow-wrap: anywhere` lets a table shrink a column below its longest word, so
    # node names broke mid-word (ukraine_war_continue|s); break-word keeps words whole
    # unless one alone is wider than the page
    from pactsim.views.display import CSS

    rule = next(r for r in CSS.split("}") if r.strip().startswith(".pactsim td{"))
    assert "overflow-wrap:break-word" in rule and "anywhere" not in rule


def test_tornado_axis_has_no_tick_below_0_or_above_100_percent() -> None:
    """An input swung from 0 to 1 takes the question from 0.1% to 99.9%: the axis keeps
    room for the values at the bars' ends, but labels no tick below 0% or above 100%."""
    sc = pactsim.loads("pactsim: 1\nid: t\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                       "events:\n  a: {p: 0.5}\n"
                       "  e: {given: [a], table: {true: 0.999, false: 0.001}}\n")
    s = pactsim.sensitivity(sc, "e", ranges={"a.p": (0.0, 1.0)}, voi=False)
    fig = s.plot_tornado()
    FigureCanvasAgg(fig).draw()
    ax = fig.axes[0]
    left, right = ax.get_xlim()
    assert left < 0 and right > 100  # the room is kept
    ticks = [float(t) for t in ax.get_xticks()]
    assert ticks and min(ticks) >= 0 and max(ticks) <= 100, ticks
    assert {"0%", "100%"} <= {t.get_text() for t in ax.get_xticklabels()}


def test_signing_figure_labels_the_dates_the_analyst_stated_first() -> None:
    """A `by` point a month before a quarter end keeps its tick and its percentage; the
    quarter end, too close to it, gives way (the quarter end's label used to sit over
    the stated date's dot, and the stated date had none)."""
    sc = pactsim.loads("pactsim: 1\nid: wha\nas_of: 2024-12-01\nhorizon: 2026-06-30\n"
                       "signing:\n  by: {2024-12-31: 0.03, 2025-05-31: 0.55, "
                       "2025-12-31: 0.62, 2026-06-30: 0.77}\n")
    res = pactsim.exact(sc)
    fig = _drawn(plot.signing_cdf(res))
    ax = fig.axes[0]
    ticks = {matplotlib.dates.num2date(x).date() for x in ax.get_xticks()}
    assert date(2025, 5, 31) in ticks and date(2025, 6, 30) not in ticks
    labels = {a.xy[0]: a.get_text() for a in ax.texts if isinstance(a, Annotation)}
    at_may = next(t for x, t in labels.items()
                  if matplotlib.dates.date2num(date(2025, 5, 31)) == pytest.approx(
                      x if isinstance(x, float) else matplotlib.dates.date2num(x)))
    assert at_may == "55%"  # by hand: the curve's point, exact
    _assert_apart([a for a in ax.texts if isinstance(a, Annotation)], fig)
