"""The reliability diagram (Agg backend): what it plots is the CORP calibration, by hand."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import PathCollection, PolyCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from pactsim.analysis.calibration import Calibration, calibration  # noqa: E402
from pactsim.views.scoring import reliability_diagram  # noqa: E402

# Five distinct forecasts; 0.3 twice (one true, one false). Observed shares by forecast value:
# 0.1 -> 0, 0.3 -> 1/2, 0.6 -> 0, 0.8 -> 1, 0.9 -> 1. The 1/2 then 0 violate monotonicity, so
# PAV pools them, weighted by count: (2 * 1/2 + 1 * 0) / 3 = 1/3 for both.
P = [0.1, 0.3, 0.3, 0.6, 0.8, 0.9]
Y = [0, 1, 0, 0, 1, 1]
CORP = [0.0, 1 / 3, 1 / 3, 1.0, 1.0]
OBSERVED = [0.0, 0.5, 0.0, 1.0, 1.0]


@pytest.fixture(scope="module")
def cal() -> Calibration:
    return calibration(P, Y, bands=400, seed=3)


def _line(ax: Axes, label: str) -> Line2D:
    [line] = [ln for ln in ax.get_lines() if ln.get_label() == label]
    return line


def test_the_hand_example_is_what_the_table_says(cal: Calibration) -> None:
    assert cal.table.p.tolist() == [0.1, 0.3, 0.6, 0.8, 0.9]
    assert cal.table.recalibrated.to_numpy() == pytest.approx(CORP)
    assert cal.table.observed.to_numpy() == pytest.approx(OBSERVED)


def test_the_curve_is_the_corp_recalibration(cal: Calibration) -> None:
    fig = cal.plot()
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == []  # not left open in pyplot, like the other plots
    [ax] = fig.axes
    curve = _line(ax, "CORP (PAV)")
    assert np.asarray(curve.get_xdata(), dtype=float) == pytest.approx(P[:1] + P[2:])
    assert np.asarray(curve.get_ydata(), dtype=float) == pytest.approx(CORP)
    assert curve.get_drawstyle() == "steps-post"
    # the dots: the observed share at each forecast value, sized by how many there were
    [dots] = [c for c in ax.collections if isinstance(c, PathCollection)]
    offsets = np.asarray(dots.get_offsets(), dtype=float)
    assert offsets[:, 0] == pytest.approx(cal.table.p.to_numpy())
    assert offsets[:, 1] == pytest.approx(OBSERVED)
    sizes = dots.get_sizes().tolist()
    assert sizes[1] > sizes[0] == sizes[2]  # 0.3 was forecast twice


def test_the_diagonal_is_drawn(cal: Calibration) -> None:
    ax = cal.plot().axes[0]
    diagonal = _line(ax, "perfect calibration")
    xy = np.asarray(diagonal.get_xydata(), dtype=float)
    assert xy.tolist() == [[0, 0], [1, 1]]
    # the unit square with a small margin, so dots and the curve at 0 and 1 stay in view
    assert ax.get_xlim() == (-0.03, 1.03) and ax.get_ylim() == (-0.03, 1.03)


def test_the_consistency_band_is_drawn_from_the_table(cal: Calibration) -> None:
    ax = cal.plot().axes[0]
    [band] = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert band.get_label() == "90% consistency band"
    lo, hi = cal.table.lo.to_numpy(), cal.table.hi.to_numpy()
    assert np.all(lo <= hi) and np.any(lo < hi)
    # a calibrated forecaster of 0.9 is right nine times in ten: the band at 0.9 reaches 1
    assert hi[-1] == 1.0
    ys = np.asarray(band.get_paths()[0].vertices, dtype=float)[:, 1]
    assert ys.min() == pytest.approx(lo.min()) and ys.max() == pytest.approx(hi.max())
    box = ax.get_legend()
    assert box is not None
    legend = [t.get_text() for t in box.get_texts()]
    assert "90% consistency band" in legend and "CORP (PAV)" in legend


def test_no_band_without_resamples() -> None:
    ax = calibration(P, Y, bands=0).plot().axes[0]
    assert not [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert _line(ax, "CORP (PAV)")


def test_into_given_axes_and_the_title() -> None:
    fig, ax = plt.subplots()
    try:
        cal = calibration(P, Y, bands=0)
        assert reliability_diagram(cal, ax=ax) is ax
        assert cal.plot(ax=ax) is ax
        assert "6 forecasts: MCB" in ax.get_title(loc="left")
    finally:
        plt.close(fig)


def test_a_title_with_dollars_is_text_not_mathematics() -> None:
    fig = calibration(P, Y, bands=50).plot(title="Cost $5 and $10 $x^$")
    fig.canvas.draw()  # raises if any text fails to parse as mathtext
    texts = [t.get_text() for t in fig.findobj(Text) if t.get_text()]
    unescaped = [t for t in texts if re.search(r"(?<!\\)\$", t)]
    assert not unescaped, f"matplotlib would typeset these as mathematics: {unescaped}"
    assert any(t.replace(r"\$", "$").startswith("Cost $5 and $10 $x^$\n6 forecasts")
               for t in texts)
    fig.savefig(io.BytesIO(), format="png")
