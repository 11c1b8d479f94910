"""Unit tests of pactsim.plot (Agg backend): what each figure holds, and ``ax=``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.container import BarContainer  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

import pactsim  # noqa: E402
from fakes import ExactLike  # noqa: E402
from pactsim.errors import PactsimError  # noqa: E402
from pactsim.views import plot  # noqa: E402

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
    assert any(t.startswith("not signed by 2025-12-31: 18%") for t in texts)
    assert len(ax.get_xticks()) == len(keys)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "95% Monte Carlo interval", "P(signed on or before date)"]
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
    assert len(ax.get_legend().get_texts()) == 2
    assert ax.get_xlim() == (0, 100)
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
    assert any("Not shown: no text (not signed)" in t for t in _texts(bars))
    if level == "pillar":
        names = {t.get_text() for t in mat.get_yticklabels()}
        assert names <= {p.label or n for n, p in res.scenario.pillars.items()}
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
    with pytest.raises(PactsimError, match="not a numeric question"):
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
