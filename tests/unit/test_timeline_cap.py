"""The timeline chart draws at most ``TIMELINE_CURVES`` curves unless told which.

A file of 500 dated events made ``pactsim report`` draw 500 curves with their bands
(21 s for the one chart, 1.8 GB, and a matplotlib warning on stderr that the layout
had collapsed). The chart now draws the first 16 and says how many it left out.
"""

from __future__ import annotations

import pytest

import pactsim

pytest.importorskip("matplotlib")

from matplotlib.collections import PolyCollection

from pactsim.views import plot


def _scenario(k: int) -> pactsim.Scenario:
    events = "\n".join(f"  e{i}: {{by: {{2026-12-31: 0.{i % 9 + 1}}}}}" for i in range(k))
    return pactsim.loads(f"pactsim: 2\nid: many\nas_of: 2025-01-01\nhorizon: 2026-12-31\n"
                         f"events:\n{events}\n")


def _bands(ax: object) -> int:
    return sum(isinstance(c, PolyCollection) for c in ax.collections)  # type: ignore[attr-defined]


def _texts(fig: object) -> str:
    return " ".join(t.get_text() for ax in fig.axes for t in ax.texts)  # type: ignore[attr-defined]


def test_many_dated_nodes_draw_the_first_curves_and_say_so() -> None:
    import matplotlib.pyplot as plt

    res = pactsim.simulate(_scenario(20), n=2000, seed=1)
    fig = plot.timeline(res)
    assert _bands(fig.axes[0]) == plot.TIMELINE_CURVES == 16
    words = _texts(fig)
    assert "The first 16 of 20 dated steps" in words
    assert "e15 " in words and "e16 " not in words  # file order, the first ones
    plt.close(fig)


def test_named_nodes_are_all_drawn_and_few_nodes_say_nothing() -> None:
    import matplotlib.pyplot as plt

    res = pactsim.simulate(_scenario(20), n=2000, seed=1)
    names = [f"e{i}" for i in range(18)]
    fig = plot.timeline(res, nodes=names)
    assert _bands(fig.axes[0]) == 18 and "dated steps" not in _texts(fig)
    plt.close(fig)
    small = plot.timeline(pactsim.simulate(_scenario(3), n=2000, seed=1))
    assert _bands(small.axes[0]) == 3 and "dated steps" not in _texts(small)
    plt.close(small)


def test_report_of_many_dated_nodes_writes_no_warning() -> None:
    import warnings

    from pactsim.views.report import report_html

    res = pactsim.simulate(_scenario(40), n=1000, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the collapsed layout warned before
        html = report_html(res)
    assert "The first 16 of 40 dated steps" not in html  # in the image, not the text
    assert html.count("<code>e") >= 40  # the table still lists every node it can (40)
