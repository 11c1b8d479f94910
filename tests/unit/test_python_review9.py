"""What a forecaster working from Python met (review of 2026-12-01): result classes
importable for type hints, a Sensitivity that plots as a Diff does, reprs that count."""

from __future__ import annotations

from pathlib import Path

import pytest

import pactsim
from pactsim.errors import ArgumentError, ScenarioError

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


RARE = """\
pactsim: 2
id: rare
as_of: 2025-01-01
horizon: 2026-12-31
signing:
  by: {2025-06-30: 0.5, 2026-12-31: 0.8}
events:
  opens: {after: signing, delay: {median: 900, p90: 1200}}
"""


def test_summary_says_when_a_nodes_dates_rest_on_few_draws() -> None:
    """opens happens in ~4% of draws: at n = 5,000 its 10/50/90% dates come from ~200
    draws, and the summary says how many (the count of draws where it happens)."""
    sc = pactsim.loads(RARE)
    res = pactsim.simulate(sc, 5_000, seed=1)
    k = round(res.prob("opens").value * 5_000)
    assert 100 < k < 400
    assert f"  opens: its dates rest on about {k:,} draws (of 5,000); more draws steady " \
           "them" in res.summary()
    assert "signing: its dates rest on" not in res.summary()
    assert "rest on" not in pactsim.simulate(sc, 50_000, seed=1).summary()  # ~2,000 draws
    assert "rest on" not in pactsim.exact(sc).summary()


def test_with_changes_blames_the_key_of_the_same_curve() -> None:
    """A point raised above a later one: the later point is reported, under the key that
    changed the same curve, not under every key of the call."""
    sc = pactsim.load(ROOT / "scenarios" / "iran-russia-2024.yaml")
    with pytest.raises(ScenarioError) as err:
        sc.with_changes({"signing.by.2025-03-31": 0.9, "mutual_defence.p": 0.2,
                         "culture.p": 0.5})
    text = str(err.value)
    assert text.startswith("with_changes: signing.by.2025-03-31: = 0.9: signing.by.")
    assert "mutual_defence.p" not in text and "culture.p" not in text


def test_diff_html_edits_name_the_path_once() -> None:
    """The Edits table of a diff's HTML: the path in the first column, the change in the
    second ("culture.p | culture.p: 0.9 -> 0.5" said the path twice)."""
    sc = pactsim.load(ROOT / "scenarios" / "iran-russia-2024.yaml")
    html = pactsim.diff(sc, sc.with_changes({"culture.p": 0.5}))._repr_html_()
    assert "<tr><td>culture.p</td><td>0.9 -&gt; 0.5</td></tr>" in html


def test_analysis_displays_carry_the_notebook_style() -> None:
    """Sensitivity and Diff show in a notebook in the style of the results' display (they
    were bare HTML in the browser's default serif)."""
    path = ROOT / "scenarios" / "analytic-independent.yaml"
    sc = pactsim.load(path)
    for html in (pactsim.sensitivity(path, "both_ab")._repr_html_(),
                 pactsim.diff(sc, sc.with_changes({"a.p": 0.3}))._repr_html_()):
        assert html.startswith('<div class="pactsim"><style>') and html.endswith("</div>")
        assert ".pactsim h2{" in html and "<h2>" in html


def test_sweep_of_named_items_gives_p_given_signed() -> None:
    """Named items had p_given_signed NaN; now as the full table gives it: by Monte Carlo
    within 4 standard errors of exact inference (n = 20,000 draws, seed 3)."""
    sc = pactsim.load(ROOT / "scenarios" / "iran-russia-2024.yaml")
    items = ["defence_pact", "military", "instc == named", "military and energy"]
    mc = pactsim.sweep([{}], items, base=sc, n=20_000, seed=3)
    ex = pactsim.exact(sc)
    signed = ex.prob("signing").value
    for q, got in zip(items, mc.p_given_signed, strict=True):
        want = ex.prob(q, given="signing").value
        se = (want * (1 - want) / (20_000 * signed)) ** 0.5
        assert abs(got - want) <= 4 * se, (q, got, want)
    exact_rows = pactsim.sweep([{}], items, base=sc, method="exact")
    assert exact_rows.p_given_signed.tolist() == pytest.approx(
        [ex.prob(q, given="signing").value for q in items], abs=1e-12)


def test_a_point_below_an_earlier_one_names_that_one() -> None:
    """0.95, 0.62, 0.73: the third is checked against the highest point so far (0.95),
    and the message named the previous point (0.62), which it is above."""
    text = ("pactsim: 1\nid: t\nas_of: 2025-01-01\nhorizon: 2025-12-31\nsigning:\n"
            "  by: {2025-03-31: 0.95, 2025-06-30: 0.62, 2025-09-30: 0.73}\n")
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(text)
    second, third = err.value.problems
    assert "= 0.62 is below the previous point (0.95)" in second.message
    assert "= 0.73 is below an earlier point (0.95 on 2025-03-31)" in third.message


def test_with_changes_blames_a_moved_horizon_not_the_other_keys() -> None:
    sc = pactsim.load(ROOT / "scenarios" / "iran-russia-2024.yaml")
    with pytest.raises(ScenarioError) as err:
        sc.with_changes({"horizon": "2025-06-30", "su35_sale.p": 0.3})
    text = str(err.value)
    assert "with_changes: horizon: = '2025-06-30': signing.by.2025-12-31: date 2025-12-31 is " \
           "after the horizon" in text
    assert "su35_sale.p" not in text


def test_scorecard_displays_as_html_tables_naming_each_forecast() -> None:
    """A notebook showed the scorecard as preformatted text running past the page; as
    tables, with several forecasts each item says whose it is."""
    bt = ROOT / "scenarios" / "backtest"
    two = pactsim.score([ROOT / "scenarios" / "iran-russia-2024.yaml",
                         bt / "russia-dprk-2024.yaml"],
                        [bt / "iran-russia-2024.resolutions.yaml",
                         bt / "russia-dprk-2024.resolutions.yaml"])._repr_html_()
    assert two.startswith('<div class="pactsim"><style>') and "<pre>" not in two
    assert ("<caption>Each item</caption><thead><tr><th>forecast</th><th>item</th>" in two)
    assert "<td>russia-dprk-2024 @ 2024-06-01</td><td>signing</td>" in two
    one = pactsim.score(bt / "russia-dprk-2024.yaml",
                        bt / "russia-dprk-2024.resolutions.yaml")._repr_html_()
    assert "<caption>Each item</caption><thead><tr><th>item</th>" in one
