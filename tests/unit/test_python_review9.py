"""What a forecaster working from Python met (review of 2026-12-01): result classes
importable for type hints, a Sensitivity that plots as a Diff does, reprs that count."""

from __future__ import annotations

from pathlib import Path

import pytest

import pactsim
from pactsim.errors import ArgumentError

ROOT = Path(__file__).resolve().parents[2]


def test_result_classes_import_from_results() -> None:
    from pactsim.results import Estimate, ExactResults, Results

    assert Results is pactsim.Results and ExactResults is pactsim.ExactResults
    sc = pactsim.load(ROOT / "scenarios" / "analytic-independent.yaml")
    assert isinstance(pactsim.simulate(sc, 100, seed=1).prob("a"), Estimate)
    import pactsim.results as r

    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        r.Nope  # noqa: B018


def test_sensitivity_plots_as_a_diff_does() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    s = pactsim.sensitivity(ROOT / "scenarios" / "analytic-independent.yaml", "both_ab")
    tornado, voi = s.plot(), s.plot("voi")
    assert isinstance(tornado, Figure) and isinstance(voi, Figure)
    # the same bars as the named methods draw
    assert [t.get_text() for t in tornado.axes[0].get_yticklabels()] == \
        [t.get_text() for t in s.plot_tornado().axes[0].get_yticklabels()]
    with pytest.raises(ArgumentError, match="use 'tornado'"):
        s.plot("bars")  # type: ignore[arg-type]
    import re

    m = re.search(r": (\d+) input(s?), (\d+) node(s?) to watch, method", repr(s))
    assert m is not None, repr(s)
    assert (m.group(2) == "s") == (int(m.group(1)) != 1) and int(m.group(1)) == len(s.tornado)
    assert (m.group(4) == "s") == (int(m.group(3)) != 1) and int(m.group(3)) == len(s.voi)
