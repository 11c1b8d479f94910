"""The sensitivity charts: the value-of-information rows of a categorical node ("which
outcome") have no P(Q | X) to show and say nothing in its place (they printed "(— if
true, — if not)"); the tornado's axis says what it measures."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

import pactsim
from pactsim.views.sensitivity import plot_tornado, plot_voi

FLAGSHIP = Path(__file__).resolve().parents[2] / "scenarios" / "iran-russia-2024.yaml"


def test_voi_rows_and_tornado_axis() -> None:
    import matplotlib.pyplot as plt

    s = pactsim.sensitivity(pactsim.load(FLAGSHIP), "in_force_by_2025")
    fig = plot_voi(s, top=20)
    texts = [t.get_text() for t in fig.axes[0].texts]
    rows = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert any("which outcome" in r for r in rows)  # the case this is about is shown
    assert texts and not any("—" in t for t in texts)
    assert any("if true" in t for t in texts)
    plt.close(fig)
    fig = plot_tornado(s)
    assert fig.axes[0].get_xlabel() == "P(in_force_by_2025)"
    plt.close(fig)


def test_a_same_side_pair_shows_both_bars_and_both_values_beyond_the_outer_end() -> None:
    """ratified_ir.hazard_ratio.alignment lowers P(in_force_by_2025) at both ends (1,
    no effect of the driver, and 2.4: a factor on a driver spreads the timing either
    way). Its inner bar was hidden behind the outer one, and its value printed on the
    empty side of the base line, as if that end raised the answer."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    s = pactsim.sensitivity(pactsim.load(FLAGSHIP), "in_force_by_2025")
    fig = plot_tornado(s, top=20)
    ax = fig.axes[0]
    names = [t.get_text() for t in ax.get_yticklabels()]
    i = names.index("ratified_ir.hazard_ratio.alignment")
    row = s.tornado.set_index("input").loc["ratified_ir.hazard_ratio.alignment"]
    base = 100 * s.base
    assert 100 * row.q_low < base and 100 * row.q_high < base  # both below: the case
    bars = [p for p in ax.patches if abs(p.get_y() + p.get_height() / 2 - i) < 1e-9]
    heights = sorted({round(p.get_height(), 2) for p in bars})
    assert len(heights) == 2  # the inner bar is thinner, so both show
    labels = [t for t in ax.texts if getattr(t, "xy", (None, None))[1] == i]
    assert sorted(t.get_text() for t in labels) == ["1", "2.4"]
    outer = min(100 * row.q_low, 100 * row.q_high)
    for t in labels:  # both at the outer end, left of it: none on the empty side
        assert t.xy[0] == pytest.approx(outer) and t.get_position()[0] < 0
        want = "#4a78b5" if t.get_text() == "1" else None  # the low end is blue
        if want:
            assert to_hex(t.get_color()) == want
    plt.close(fig)
