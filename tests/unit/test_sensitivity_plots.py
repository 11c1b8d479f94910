"""The sensitivity charts: the value-of-information rows of a categorical node ("which
outcome") have no P(Q | X) to show and say nothing in its place (they printed "(— if
true, — if not)"); the tornado's axis says what it measures."""

from __future__ import annotations

from pathlib import Path

import matplotlib

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
