"""Categorical outcomes in the views (issue 15, item 3): the printed forecast and
``pactsim run``, the JSON and CSV exports, the notebook HTML, the report and the
stacked-bar plot.

The scenario is written here; its hand-derived outcome probabilities are those of
``test_categorical_results.py`` (P(instc=named) = 0.8 * 0.8 * 0.35, and so on).
"""

from __future__ import annotations

import io
import itertools
import json
import re

import matplotlib
import pandas as pd
import pytest

import pactsim
from helpers import call
from pactsim.cli import main  # noqa: F401  (call runs it)
from pactsim.errors import PactsimError
from pactsim.views import plot
from pactsim.views.display import results_html, scenario_html
from pactsim.views.export import forecast, results_to_json, results_to_table
from pactsim.views.forecast_schema import forecast_schema
from pactsim.views.report import report_html
from pactsim.views.text import format_results

matplotlib.use("Agg")

CAT = """\
pactsim: 3
id: cat-views
as_of: 2024-11-05
horizon: 2025-12-31
events:
  war:
    p: 0.6
  mood:
    levels: {calm: 0.7, tense: 0.3}
pillars:
  transport:
    p: 0.8
    clauses:
      instc:
        levels: {absent: 0.2, generic: 0.45, named: 0.35}
      legal:
        given: [instc]
        table: {absent: 0.1, generic: 0.5, named: 0.9}
  form:
    given: [war]
    levels: [absent, binding_treaty, programme]
    table:
      true: {absent: 0.1, binding_treaty: 0.6, programme: 0.3}
      false: {absent: 0.3, binding_treaty: 0.2, programme: 0.5}
signing:
  by: {2024-12-31: 0.4, 2025-12-31: 0.8}
questions:
  named: instc == named
"""
NAMED = 0.8 * 0.8 * 0.35


@pytest.fixture(scope="module")
def sc() -> pactsim.Scenario:
    return pactsim.loads(CAT)


@pytest.fixture(scope="module")
def res(sc: pactsim.Scenario) -> pactsim.Results:
    return pactsim.simulate(sc, n=40_000, seed=7)


@pytest.fixture(scope="module")
def ex(sc: pactsim.Scenario) -> object:
    return pactsim.exact(sc)


def _pct(line: str) -> float:
    return float(re.search(r"(\d+\.\d)%", line).group(1)) / 100  # type: ignore[union-attr]


def test_text_lists_outcomes_under_their_node(res: pactsim.Results) -> None:
    text = format_results(res)
    lines = text.splitlines()
    i = next(k for k, x in enumerate(lines) if x.strip().startswith("instc "))
    assert [x.split()[0] for x in lines[i + 1:i + 4]] == [
        "instc=absent", "instc=generic", "instc=named"]
    assert lines[i + 1].index("instc=") > lines[i].index("instc")  # one step further in
    named = next(x for x in lines if x.strip().startswith("instc=named"))
    se = res.marginals().stderr["instc=named"]
    assert abs(_pct(named) - NAMED) < 4 * se + 0.0005  # printed to 0.1 point
    assert "    mood=tense" in text  # a categorical context event
    assert "transport + form=" in text  # the sets of pillars name the outcome


def test_cli_run_prints_outcome_rows_and_exports_them(tmp_path, capsys) -> None:
    f = tmp_path / "cat.yaml"
    f.write_text(CAT)
    code, out, err = call(capsys, "run", f, "-n", "20000", "--seed", "3")
    assert code == 0, err
    assert "instc=named" in out and "form=binding_treaty" in out and "mood=calm" in out
    code, out, err = call(capsys, "run", f, "-n", "20000", "--seed", "3", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert list(data["pillars"]["form"]["outcomes"]) == ["absent", "binding_treaty",
                                                          "programme"]
    code, out, err = call(capsys, "run", f, "-n", "20000", "--seed", "3", "--format", "csv")
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out))
    assert {"instc=absent", "instc=generic", "instc=named"} <= set(table.name)


def test_json_export_round_trips_and_validates(res: pactsim.Results) -> None:
    import jsonschema

    data = json.loads(results_to_json(res))
    jsonschema.validate(data, forecast_schema())
    assert data == forecast(res)  # the JSON reads back to the same data
    marg = res.marginals()
    inst = data["pillars"]["transport"]["clauses"]["instc"]["outcomes"]
    assert list(inst) == ["absent", "generic", "named"]
    for x, e in inst.items():
        row = marg.loc[f"instc={x}"]
        assert (e["p"], e["stderr"], e["p_given_signed"]) == (
            float(row.p), float(row.stderr), float(row.p_given_signed))
    assert sum(e["p"] for e in inst.values()) == pytest.approx(1.0, abs=1e-12)
    assert list(data["events"]["mood"]["outcomes"]) == ["calm", "tense"]
    assert "outcomes" not in data["events"]["war"]  # binary nodes are unchanged
    assert "outcomes" not in data["pillars"]["transport"]
    items = [i for s in data["texts"] for i in s["items"]]
    assert "form" not in items and any(i.startswith("form=") for i in items)


def test_a_binary_scenario_exports_as_before() -> None:
    sc = pactsim.loads("pactsim: 1\nid: b\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       "events:\n  rain: {p: 0.3}\n")
    r = pactsim.simulate(sc, n=1_000, seed=1)
    data = forecast(r)
    assert data["pactsim_forecast"] == 3
    assert set(data["events"]["rain"]) == {"label", "why", "p", "stderr", "lo", "hi", "ess"}
    assert list(r.marginals().columns[-2:]) == ["of", "outcome"]


def test_csv_round_trip(res: pactsim.Results) -> None:
    table = results_to_table(res)
    back = pd.read_csv(io.StringIO(table.to_csv(index=False)))
    out = back[back.kind == "outcome"]
    marg = res.marginals()
    want = marg[marg.kind == "outcome"]
    got = out[out.statistic == "p"].set_index("name")
    assert sorted(got.index) == sorted(want.index)
    assert got.value[list(want.index)].to_numpy() == pytest.approx(want.p.to_numpy(),
                                                                   rel=1e-12)
    assert got.loc["instc=named", "pillar"] == "transport"
    assert got.loc["mood=calm", "section"] == "events"
    assert set(out.statistic) == {"p", "p_given_signed"}
    names = list(back.name)
    assert names.index("instc=absent") == names.index("instc") + 2  # after p, p | signed


def test_results_html_shows_outcome_rows_and_stacks(res: pactsim.Results, ex: object) -> None:
    for r in (res, ex):
        html = results_html(r)  # type: ignore[arg-type]
        assert html.count("class='outcome of-clause'") == 3  # instc
        assert html.count("class='outcome of-pillar'") == 3  # form
        assert html.count("class='outcome of-event'") == 2  # mood
        assert html.count('class="ps-stack"') == 3  # one stacked bar per categorical node
        assert "instc=named" in html
        assert "Context events (2)" in html  # events, not their outcome rows


def test_scenario_html_shows_levels_and_tables_of_outcomes(sc: pactsim.Scenario) -> None:
    html = scenario_html(sc)
    assert "outcomes: absent 20% · generic 45% · named 35%" in html
    assert "outcomes absent / binding_treaty / programme, table on war" in html
    assert "absent 10% · binding_treaty 60% · programme 30%" in html
    assert "if instc == generic" in html  # a categorical parent's key


def _segments(ax: object) -> list[tuple[float, float, float]]:
    from matplotlib.patches import Rectangle

    return [(round(p.get_y() + p.get_height() / 2, 6), p.get_x(), p.get_width())
            for p in ax.patches if isinstance(p, Rectangle)]  # type: ignore[attr-defined]


def test_outcomes_plot_has_a_segment_per_outcome(res: pactsim.Results, ex: object) -> None:
    fig = plot.outcomes(ex)  # type: ignore[arg-type]
    ax = fig.axes[0]  # type: ignore[union-attr]
    segs = _segments(ax)
    assert len(segs) == 3 + 3 + 2  # instc, form, mood
    by_bar: dict[float, list[tuple[float, float]]] = {}
    for y, x, w in segs:
        by_bar.setdefault(y, []).append((x, w))
    assert sorted(len(v) for v in by_bar.values()) == [2, 3, 3]
    for parts in by_bar.values():  # each bar fills 0-100%, segments end to end
        assert parts[0][0] == 0
        assert sum(w for _, w in parts) == pytest.approx(100.0, abs=1e-9)
        for (x0, w0), (x1, _) in itertools.pairwise(parts):
            assert x1 == pytest.approx(x0 + w0)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["mood", "instc (if signed)", "form (if signed)"]  # file order
    # instc's bar is P(outcome | signed): 0.8 * (0.2, 0.45, 0.35) plus 0.2 absent
    instc = by_bar[1.0]
    assert [w for _, w in instc] == pytest.approx([36.0, 36.0, 28.0], abs=1e-9)
    assert [w for _, w in by_bar[0.0]] == pytest.approx([70.0, 30.0], abs=1e-9)
    texts = [t.get_text() for t in ax.texts]
    assert "named 28%" in texts and "absent 36%" in texts
    # only pillars and clauses: the subtitle says "if signed", the labels need not
    ax = plot.outcomes(ex, ["instc", "form"]).axes[0]  # type: ignore[arg-type, union-attr]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["instc", "form"]
    assert any("; if signed." in t.get_text() for t in ax.texts)
    # Monte Carlo, one node, unconditional
    fig = res.plot.outcomes(["instc"], given_signed=False)
    segs = _segments(fig.axes[0])  # type: ignore[union-attr]
    assert len(segs) == 3
    assert segs[2][2] == pytest.approx(100 * NAMED, abs=4 * 100 * res.marginals().stderr[
        "instc=named"])
    with pytest.raises(PactsimError, match="did you mean 'instc'"):
        plot.outcomes(res, ["insct"])


def test_bundles_plot_rows_are_outcomes(res: pactsim.Results) -> None:
    fig = plot.bundles(res, top=6)
    mat = fig.axes[1]  # type: ignore[union-attr]
    labels = [t.get_text() for t in mat.get_yticklabels()]
    assert "form: binding treaty" in labels and "form" not in labels


def test_report_draws_the_stacked_bars(res: pactsim.Results) -> None:
    html = report_html(res, sensitivity=None)
    assert 'alt="outcomes of the categorical pillars and clauses"' in html
    assert 'alt="outcomes of the categorical events"' in html
    assert "instc=named" in html


def test_outcomes_plot_refuses_a_scenario_without_categories() -> None:
    sc = pactsim.loads("pactsim: 1\nid: b\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       "events:\n  rain: {p: 0.3}\n")
    with pytest.raises(PactsimError, match="no categorical node"):
        plot.outcomes(pactsim.exact(sc))
