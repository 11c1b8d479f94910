"""Numeric attributes in the views: histograms, the run's Attributes block, the
report's section, the notebook and scenario displays, the JSON/CSV export.

Every number printed is checked against a closed form (the normal CDF and
quantiles, a lognormal's, a rounded law's atoms) or exact inference: Monte Carlo
numbers within 4 standard errors (seeded), exact ones to rounding.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

import pactsim
from pactsim.views import display as d
from pactsim.views import export, plot, text

N = 200_000
SEED = 11
#: P(signed by the horizon): every attribute below has no value without a signing.
P_SIGNED = 0.8
MU, SIGMA = 120.0, 30.0
MEDIAN, P90 = 40.0, 60.0

SCENARIO = f"""\
pactsim: 3
id: attribute-views
title: Attribute views
as_of: 2024-11-05
horizon: 2025-12-31
signing:
  by: {{2025-12-31: {P_SIGNED}}}
pillars:
  military: {{p: 0.5}}
attributes:
  days_to_force:
    label: Days to entry into force
    dist: {{normal: {{mean: {MU:g}, sd: {SIGMA:g}}}}}
    requires: [signing]
  n_articles:
    dist: {{lognormal: {{median: {MEDIAN:g}, p90: {P90:g}}}}}
    round: true
    requires: [signing]
  term_years:
    given: [military]
    table:
      true: {{values: {{20: 0.7, 10: 0.3}}}}
      false: 20
    requires: [signing]
questions:
  quick: days_to_force <= 90
"""

Z = NormalDist()
SDLOG = math.log(P90 / MEDIAN) / Z.inv_cdf(0.9)


def normal_cdf(x: float) -> float:
    return Z.cdf((x - MU) / SIGMA)


def rounded_lognormal(k: float) -> float:
    """P(round(X) == k) for the lognormal attribute, given a value."""
    def cdf(x: float) -> float:
        return 0.0 if x <= 0 else Z.cdf((math.log(x) - math.log(MEDIAN)) / SDLOG)
    return cdf(k + 0.5) - cdf(k - 0.5)


@pytest.fixture(scope="module")
def sc() -> pactsim.Scenario:
    return pactsim.loads(SCENARIO)


@pytest.fixture(scope="module")
def res(sc: pactsim.Scenario) -> pactsim.Results:
    return pactsim.simulate(sc, n=N, seed=SEED, keep_draws=True)


@pytest.fixture(scope="module")
def ex(sc: pactsim.Scenario) -> object:
    return pactsim.exact(sc)


@pytest.fixture
def yaml_file(tmp_path: Path) -> Path:
    path = tmp_path / "attributes.yaml"
    path.write_text(SCENARIO)
    return path


def _quantile_se(p: float, n: float) -> float:
    """Standard error of the sample p-quantile of the normal attribute over n values."""
    x = MU + SIGMA * Z.inv_cdf(p)
    density = math.exp(-0.5 * ((x - MU) / SIGMA) ** 2) / (SIGMA * math.sqrt(2 * math.pi))
    return math.sqrt(p * (1 - p) / n) / density


# -- nice edges and bins ------------------------------------------------------------------
@pytest.mark.parametrize(("width", "step"), [(3.7, 5.0), (0.12, 0.2), (23.0, 25.0), (1.0, 1.0),
                                             (0.0101, 0.02), (7.5, 10.0)])
def test_nice_step_is_the_next_1_2_2_5_5(width: float, step: float) -> None:
    assert d.nice_step(width) == pytest.approx(step)


def test_nice_edges_cover_the_range_at_multiples_of_the_step() -> None:
    e = d.nice_edges(-13.0, 247.0, 9.0)
    assert e[0] <= -13.0 < e[1] and e[-2] < 247.0 <= e[-1]
    assert np.diff(e) == pytest.approx(np.full(len(e) - 1, 10.0))
    assert e[0] % 10 == 0
    w = d.nice_edges(3.0, 17.0, 1.3, whole=True)  # whole numbers: edges half-way between
    assert np.diff(w) == pytest.approx(np.full(len(w) - 1, 2.0))
    assert all(x % 1 == 0.5 for x in w) and w[0] < 3 and w[-1] > 17


def test_binned_shares_add_up_with_what_is_off_the_axis_and_missing() -> None:
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.standard_normal(9_000), np.full(1_000, np.nan),
                        [500.0] * 10])  # far outliers: beyond the axis, said as "above"
    b = d.binned(x)
    assert d.MIN_BINS <= len(b) <= d.MAX_BINS
    assert np.diff(b.left.to_numpy()) == pytest.approx(np.diff(b.right.to_numpy()))
    assert (b.right.to_numpy()[:-1] == b.left.to_numpy()[1:]).all()
    assert b.attrs["missing"] == pytest.approx(1_000 / len(x))
    v = x[~np.isnan(x)]
    assert b.right.iloc[-1] < 500.0  # the outliers do not stretch the axis
    assert b.attrs["above"] == pytest.approx((v > b.right.iloc[-1]).sum() / len(x))
    assert b.attrs["below"] == pytest.approx((v < b.left.iloc[0]).sum() / len(x))
    total = b.share.sum() + b.attrs["below"] + b.attrs["above"] + b.attrs["missing"]
    assert total == pytest.approx(1.0, abs=1e-12)
    # the counts themselves: each bin's share is the share of values in [left, right)
    for left, right, share in b.itertuples(index=False):
        assert share == pytest.approx(((v >= left) & (v < right)).sum() / len(x), abs=1e-12) \
            or right == b.right.iloc[-1]


def test_weighted_bins_are_weighted_shares() -> None:
    x = np.array([0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0, 5.0, 6.0, 7.0, 8.0, 9.0])
    w = np.array([1.0] * 8 + [3.0] * 8)
    b = d.binned(x, w)
    assert b.share.sum() == pytest.approx(1.0)
    assert float(b[b.left <= 0.0].iloc[-1].share) == pytest.approx(
        float(w[(x >= b[b.left <= 0].iloc[-1].left) & (x < b[b.left <= 0].iloc[-1].right)]
              .sum()) / w.sum())


# -- histograms of attributes ---------------------------------------------------------------
def test_monte_carlo_histogram_of_a_normal_attribute_matches_the_cdf(res: pactsim.Results,
                                                                    ) -> None:
    b = d.histogram(res, "days_to_force")
    assert b is not None and len(b) >= d.MIN_BINS
    assert b.attrs["missing"] == pytest.approx(1 - P_SIGNED, abs=4 * math.sqrt(0.16 / N))
    total = b.share.sum() + b.attrs["below"] + b.attrs["above"] + b.attrs["missing"]
    assert total == pytest.approx(1.0, abs=1e-9)
    for left, right, share in b.itertuples(index=False):
        p = P_SIGNED * (normal_cdf(right) - normal_cdf(left))
        assert share == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / N) + 1e-12), (left, right)


def test_weighted_histogram_follows_the_posterior(sc: pactsim.Scenario) -> None:
    """Soft evidence (likelihood ratio 3 for days_to_force > 150): the posterior of a
    bin is 0.8 (F(b) - F(a)) w / Z with w = 3 above 150, Z = 0.2 + 0.8 (1 + 2 P(X > 150));
    tolerances of 4 standard errors over the effective sample size."""
    r = pactsim.simulate(sc, n=N, seed=5, keep_draws=True,
                         evidence=pactsim.soft("days_to_force > 150", 3))
    b = d.histogram(r, "days_to_force")
    assert b is not None
    total = b.share.sum() + b.attrs["below"] + b.attrs["above"] + b.attrs["missing"]
    assert total == pytest.approx(1.0, abs=1e-9)
    z = 1 - P_SIGNED + P_SIGNED * (1 + 2 * (1 - normal_cdf(150)))
    ess = r.ess
    assert b.attrs["missing"] == pytest.approx((1 - P_SIGNED) / z, abs=4 * math.sqrt(0.2 / ess))
    assert (b.left == 150).any()  # edges at multiples of 10: no bin straddles the cut
    for left, right, share in b.itertuples(index=False):
        w = 3.0 if left >= 150 else 1.0
        p = P_SIGNED * (normal_cdf(right) - normal_cdf(left)) * w / z
        assert share == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / ess) * w + 1e-12), left


def test_exact_histogram_of_a_normal_attribute_is_the_cdf(ex: object) -> None:
    b = d.histogram(ex, "days_to_force")  # type: ignore[arg-type]
    assert b is not None and len(b) >= d.MIN_BINS
    assert b.attrs["missing"] == pytest.approx(1 - P_SIGNED, abs=1e-12)
    for left, right, share in b.itertuples(index=False):
        assert share == pytest.approx(P_SIGNED * (normal_cdf(right) - normal_cdf(left)), abs=1e-9)
    assert b.attrs["below"] == pytest.approx(P_SIGNED * normal_cdf(b.left.iloc[0]), abs=1e-9)
    assert b.attrs["above"] == pytest.approx(P_SIGNED * (1 - normal_cdf(b.right.iloc[-1])),
                                             abs=1e-9)
    assert b.attrs["below"] < d.TAIL and b.attrs["above"] < d.TAIL  # only thin tails cut off


def test_a_rounded_attribute_gets_a_bar_per_whole_number(res: pactsim.Results,
                                                         ex: object) -> None:
    for r, se in ((res, True), (ex, False)):
        b = d.histogram(r, "n_articles")  # type: ignore[arg-type]
        assert b is not None
        assert (b.right - b.left).to_numpy() == pytest.approx(np.ones(len(b)))
        assert all(x % 1 == 0.5 for x in b.left)  # each bin holds one whole number
        for left, _, share in b.itertuples(index=False):
            p = P_SIGNED * rounded_lognormal(left + 0.5)
            tol = 4 * math.sqrt(p * (1 - p) / N) + 1e-12 if se else 1e-9
            assert share == pytest.approx(p, abs=tol), left


def test_a_discrete_attribute_of_few_values_keeps_its_bars(res: pactsim.Results) -> None:
    assert d.histogram(res, "term_years") is None  # a bar per value: the plain histogram
    s = res.numeric("term_years")
    assert s.histogram is not None and list(s.histogram.index) == [10.0, 20.0]


# -- plots --------------------------------------------------------------------------------
def _texts(fig: object) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(  # type: ignore[attr-defined]
        lambda a: hasattr(a, "get_text")))


def test_plot_numeric_draws_the_bins_of_a_continuous_attribute(res: pactsim.Results) -> None:
    from matplotlib.patches import Rectangle

    fig = plot.numeric(res, "days_to_force")
    [ax] = fig.axes
    b = d.histogram(res, "days_to_force")
    assert b is not None
    bars = [p for p in ax.containers[0] if isinstance(p, Rectangle) and p.get_height() > 0]
    assert len(bars) == int((b.share > 0).sum())
    assert sorted(p.get_height() for p in bars) == pytest.approx(
        sorted(100 * b.share[b.share > 0]))
    assert sorted(p.get_x() for p in bars) == pytest.approx(sorted(b.left[b.share > 0]))
    words = _texts(fig)
    assert "Distribution of Days to entry into force" in words
    s = res.numeric("days_to_force")
    assert f"no value in {round(100 * s.missing)}% of outcomes" in words
    assert f"median {s.quantiles[0.5]:.4g}" in words
    assert f"80% interval: {s.quantiles[0.1]:.3g} to {s.quantiles[0.9]:.3g}" in words


def test_small_shares_get_tick_labels_that_differ(res: pactsim.Results) -> None:
    """Every bar of n_articles is under 3%: whole-percent ticks read 0%, 0%, 1%, ..."""
    fig = plot.numeric(res, "n_articles")
    [ax] = fig.axes
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert len(labels) >= 3 and len(set(labels)) == len(labels), labels
    lo, hi = ax.get_ylim()
    for t in ax.get_yticklabels():
        if t.get_text() and lo <= t.get_position()[1] <= hi:
            assert float(t.get_text().rstrip("%")) == pytest.approx(t.get_position()[1])


def test_an_exact_continuous_attribute_is_drawn_from_its_cdf(ex: object) -> None:
    fig = plot.numeric(ex, "days_to_force")  # type: ignore[arg-type]
    assert "Exact inference" in _texts(fig)


def test_without_draws_or_values_the_summary_is_drawn(sc: pactsim.Scenario) -> None:
    """Past MAX_VALUES values and with no kept draws, no distribution is known:
    the plot shows the mean and sd it has, and says how to get the histogram."""
    from pactsim.results.stats import MAX_VALUES

    lean = pactsim.simulate(sc, n=3 * MAX_VALUES, seed=1, keep_draws=False)
    s = lean.numeric("days_to_force")
    assert s.histogram is None and d.histogram(lean, "days_to_force") is None
    fig = plot.numeric(lean, "days_to_force")
    words = _texts(fig)
    assert "keep_draws=True" in words and f"mean {s.mean:.4g}" in words


# -- text, HTML, export -------------------------------------------------------------------
def _block(out: str, title: str) -> list[str]:
    lines = out.splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith(title))
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def test_run_prints_the_attributes_block_with_the_right_numbers(res: pactsim.Results) -> None:
    block = _block(text.format_results(res), "Attributes")
    assert block[0].split() == ["Attributes", "mean", "sd", "10%", "50%", "90%", "no", "value"]
    row = block[1].split()
    assert row[0] == "days_to_force"
    mean, sd, q10, q50, q90 = map(float, row[1:6])
    n_value = P_SIGNED * N
    half = 0.5 * 10 ** (math.floor(math.log10(MU)) - 2)  # printed to 3 significant digits
    assert mean == pytest.approx(MU, abs=4 * SIGMA / math.sqrt(n_value) + half)
    for got, p in ((q10, 0.1), (q50, 0.5), (q90, 0.9)):
        x = MU + SIGMA * Z.inv_cdf(p)
        rounding = 0.5 * 10 ** (math.floor(math.log10(x)) - 2)
        assert got == pytest.approx(x, abs=4 * _quantile_se(p, n_value) + rounding), p
    assert sd == pytest.approx(SIGMA, rel=4 / math.sqrt(2 * n_value) + 0.005)  # + rounding
    missing = float(row[6].rstrip("%")) / 100
    assert missing == pytest.approx(1 - P_SIGNED, abs=4 * math.sqrt(0.16 / N) + 0.0005)
    names = [x.split()[0] for x in block[1:]]
    assert names == ["days_to_force", "n_articles", "term_years"]
    term = block[3].split()  # 20 (0.7 if military: 0.5) or 10: mean 20 - 10 * 0.3 * 0.5
    assert float(term[1]) == pytest.approx(18.5, abs=4 * 10 * math.sqrt(0.15 * 0.85 / N) + 0.05)
    assert term[3:6] == ["10", "20", "20"]  # P(10 | a value) = 0.15: q10 is 10


def test_no_attributes_no_block(tmp_path: Path) -> None:
    flat = pactsim.loads(SCENARIO.split("attributes:")[0] + "questions:\n  q: military\n")
    out = text.format_results(pactsim.simulate(flat, n=2_000, seed=1))
    assert "Attributes" not in out


def test_in_the_text_rows_keep_their_numbers_in_one_column() -> None:
    """A long outcome row (common_payment_system=generic) widens the column."""
    res = pactsim.simulate(pactsim.load("scenarios/iran-russia-2024.yaml"), n=5_000, seed=1)
    block = _block(text.format_results(res), "In the text")
    assert any("common_payment_system=generic" in x for x in block)
    ends = {m.end() for x in block[1:] if (m := re.search(r"\d%", x))}
    assert len(ends) == 1, block  # every P(in text) ends in the same column
    title = block[0]
    assert all(x.index("[") > title.index("P(in text)") for x in block[1:])


def test_notebook_display_lists_attributes(res: pactsim.Results) -> None:
    html = d.results_html(res)
    assert "Numeric attributes (3)" in html
    s = res.numeric("days_to_force")
    row = html[html.index("<code>days_to_force</code>"):]
    row = row[:row.index("</tr>")]
    cells = re.findall(r"<td class='num'>([^<]*)</td>", row)
    from pactsim.views.format import pct, value

    assert cells == [value(s.mean, "number"), value(s.quantiles[0.5], "number"),
                     f"{value(s.quantiles[0.1], 'number')} – {value(s.quantiles[0.9], 'number')}",
                     pct(s.missing)]


def test_scenario_display_shows_each_attribute_with_its_law(sc: pactsim.Scenario) -> None:
    html = sc._repr_html_()
    assert "3 attributes" in html
    assert f"normal, mean {MU:g}, sd {SIGMA:g}" in html
    assert f"lognormal, median {MEDIAN:g}, 90th percentile {P90:g}" in html
    assert "rounded to whole numbers" in html and "requires signing" in html
    assert "if military</td><td>10 (30%) or 20 (70%)" in html
    assert "if not military</td><td>20</td>" in html


def test_export_has_attribute_summaries(res: pactsim.Results) -> None:
    from pactsim.views.forecast_schema import forecast_schema

    data = export.forecast(res)
    assert list(data["attributes"]) == ["days_to_force", "n_articles", "term_years"]
    a = data["attributes"]["days_to_force"]
    s = res.numeric("days_to_force")
    assert a["label"] == "Days to entry into force"
    assert (a["mean"], a["sd"], a["missing"]) == (s.mean, s.sd, s.missing)
    assert a["quantiles"] == {"q10": s.quantiles[0.1], "q50": s.quantiles[0.5],
                              "q90": s.quantiles[0.9]}
    assert a["mean"] == pytest.approx(MU, abs=4 * a["stderr"])
    assert list(data).index("attributes") == list(data).index("numeric") + 1
    import jsonschema

    jsonschema.validate(json.loads(export.results_to_json(res)), forecast_schema())
    table = export.results_to_table(res)
    rows = table[table.section == "attributes"]
    assert set(rows.kind) == {"attribute"}
    got = rows[rows.name == "days_to_force"].set_index("statistic").value
    assert got["mean"] == s.mean and got["q50"] == s.quantiles[0.5]
    assert got["missing"] == pytest.approx(s.missing)


def test_export_without_attributes_has_no_key() -> None:
    res = pactsim.simulate(pactsim.load("scenarios/iran-russia-2024.yaml"), n=2_000, seed=1)
    assert "attributes" not in export.forecast(res)


# -- the report and the command line ------------------------------------------------------
def test_report_has_an_attributes_section(res: pactsim.Results) -> None:
    from pactsim.views.report import report_html

    page = report_html(res, sensitivity=None)
    section = page[page.index("<h2>Numeric attributes</h2>"):]
    section = section[:section.index("<h2>", 5)]
    assert section.count("<img") == 3  # a chart each
    for a in ("days_to_force", "n_articles", "term_years"):
        assert f'alt="distribution of {a}"' in section
    s = res.numeric("n_articles")
    from pactsim.views.format import value

    assert f"{value(s.quantiles[0.1], 'number')} – {value(s.quantiles[0.9], 'number')}" \
        in section


def test_exact_report_has_the_section_too(ex: object) -> None:
    from pactsim.views.report import report_html

    page = report_html(ex, sensitivity=None)  # type: ignore[arg-type]
    assert page.count('alt="distribution of days_to_force"') == 1


def test_cli_run_prints_attributes_and_keeps_their_draws(yaml_file: Path,
                                                        capsys: pytest.CaptureFixture[str],
                                                        ) -> None:
    from pactsim.cli import main

    assert main(["run", str(yaml_file), "-n", "20000", "--seed", "3"]) == 0
    block = _block(capsys.readouterr().out, "Attributes")
    row = block[1].split()
    assert row[0] == "days_to_force" and "—" not in row  # quantiles from the kept draws
    assert float(row[4]) == pytest.approx(MU, abs=4 * _quantile_se(0.5, 16_000) + 0.5)
    assert main(["run", str(yaml_file), "-n", "20000", "--seed", "3", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["attributes"]["days_to_force"]["quantiles"]["q50"] == pytest.approx(
        MU, abs=4 * _quantile_se(0.5, 16_000))
    assert main(["run", str(yaml_file), "-n", "20000", "--seed", "3", "--format", "csv"]) == 0
    import io

    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert set(frame[frame.section == "attributes"].name) == {"days_to_force", "n_articles",
                                                              "term_years"}


def test_schema_help_names_formats_1_to_3(capsys: pytest.CaptureFixture[str]) -> None:
    from pactsim.cli import main

    with contextlib.suppress(SystemExit):
        main(["--help"])
    assert "formats 1 to 3" in capsys.readouterr().out


def test_no_plot_leaves_a_figure_open_in_pyplot(res: pactsim.Results, ex: object) -> None:
    """A figure left in pyplot made later tests that count open figures fail
    (test_calibration_plot after test_spread's plot_sobol)."""
    pytest.importorskip("SALib")
    import matplotlib.pyplot as plt

    from pactsim.analysis.spread import plot_sobol, sobol

    plt.close("all")
    two = pactsim.loads("pactsim: 1\nid: two\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                        "events:\n  a: {p: {beta: [2, 3]}}\n  b: {p: {between: [0.5, 0.9]}}\n"
                        "questions:\n  both: a and b\n")
    plot_sobol(sobol(two, "both", n=64, seed=0))
    for r in (res, ex):
        for a in ("days_to_force", "n_articles", "term_years"):
            plot.numeric(r, a)  # type: ignore[arg-type]
    assert plt.get_fignums() == []
