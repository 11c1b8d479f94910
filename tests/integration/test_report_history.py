"""The report's "Forecast history" section: there with observations, absent without."""

from __future__ import annotations

import re
from pathlib import Path

import pactsim
from pactsim.views.display import escape
from pactsim.views.report import report_html

ROOT = Path(__file__).parents[2]
NEWS = ROOT / "scenarios" / "variants" / "iran-russia-2024-news.yaml"
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"


def _section(page: str) -> str:
    m = re.search(r"<h2>Forecast history</h2>(.*?)(<h2>|$)", page, flags=re.S)
    assert m is not None
    return m.group(1)


def test_a_file_with_observations_gets_the_section():
    sc = pactsim.load(NEWS)
    page = report_html(pactsim.exact(sc), sensitivity=None)
    assert page.count("<h2>Forecast history</h2>") == 1
    body = _section(page)
    assert body.count("<img") == 1 and "data:image/png;base64," in body
    df = pactsim.history(sc)
    for o in sc.observations:
        assert escape(o.source) in body
        assert f"<td>{o.date}</td>" in body
    last = df[df["step"] == df["step"].max()].set_index("question")["p"]
    for q, p in last.items():  # the table's last column is the latest forecast
        assert f"{100 * p:.1f}%" in body, q
    assert f"{len(sc.observations)} observations learnt since" in page


def test_a_file_without_observations_has_no_section():
    page = report_html(pactsim.exact(pactsim.load(FLAGSHIP)), sensitivity=None)
    assert "Forecast history" not in page
    assert "observations learnt since" not in page


def test_the_plot_draws_one_step_line_per_question_and_a_marker_per_date():
    from pactsim.views import plot

    df = pactsim.history(pactsim.load(NEWS), ["signed_by_2024", "in_force_by_2025"])
    fig = plot.history(df, labels={"signed_by_2024": "Signed in 2024"})
    (ax,) = fig.axes
    steps = df["step"].nunique()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Signed in 2024", "in_force_by_2025"]
    numbered = sorted(t.get_text() for t in ax.texts if t.get_text().isdigit())
    assert numbered == [str(k) for k in range(1, steps)]
    line = ax.get_lines()[0]  # the first question's step line: one point per date, then on
    assert list(line.get_ydata())[:steps] == [100 * p for p in df[
        df["question"] == "signed_by_2024"]["p"]]
