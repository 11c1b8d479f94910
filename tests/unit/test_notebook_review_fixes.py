"""Small fixes from the notebook review of 2026-12-01, each against an independent answer.

* ``round(estimate, k)`` works like ``round`` of its value.
* ``dir(pactsim)`` lists the public names and the sub-packages, not the module's helpers.
* The results' timeline gives a milestone's chance of ever happening (the scenario's
  display did; the forecast left it out).
* An estimate's HTML interval keeps both ends to the same precision below 0.1%.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import pactsim
from pactsim.results.estimate import Estimate
from pactsim.views.display import estimate_html, timing_words

ROOT = Path(__file__).parents[2]


def test_round_of_an_estimate_is_round_of_its_value() -> None:
    est = Estimate.from_counts(2_957, 10_000)
    assert round(est, 2) == 0.3 and round(est, 3) == 0.296 and round(est) == 0
    assert round(Estimate.exact(0.61803)) == 1 and round(Estimate.exact(0.61803), 1) == 0.6


def test_dir_lists_the_public_names_and_subpackages() -> None:
    names = dir(pactsim)
    assert set(pactsim.__all__) <= set(names)
    assert {"plot", "testing", "__version__"} <= set(names)
    assert not {"Any", "TYPE_CHECKING", "annotations", "importlib", "_LAZY",
                "_SUBMODULES"} & set(names)


def test_a_milestones_timing_says_its_chance_of_ever_happening() -> None:
    sc = pactsim.load(ROOT / "scenarios" / "iran-russia-2024.yaml")
    ru = sc.nodes["ratified_ru"].spec
    words = timing_words(sc, "ratified_ru")
    assert words.endswith(f"; p {ru.p:g} of ever happening once its anchor has")
    assert "of ever happening" not in timing_words(sc, "in_force")  # no p: always
    assert "of ever happening" not in timing_words(sc, "signing")
    text = pactsim.simulate(sc, n=2_000, seed=1).summary()
    assert f"p {sc.nodes['ratified_ir'].spec.p:g} of ever happening" in text


def test_estimate_html_keeps_the_precision_of_small_intervals() -> None:
    html = estimate_html(Estimate(0.0009, 0.0002, 0.0006, 0.0014, 20_000))
    assert "95% CI 0.06%–0.14%" in html
    assert "95% CI 24.4%–25.6%" in estimate_html(Estimate(0.25, 0.003, 0.244, 0.256, 20_000))
    tiny = estimate_html(Estimate(0.00002, 0.00002, 0.000003, 0.0003, 20_000))
    assert "<b>&lt;0.01%</b>" in tiny and "<0.01%<" not in tiny  # escaped


def test_a_variant_made_by_with_changes_forecasts_the_same_agreement() -> None:
    """Notebooks 01 and 03 name variants with ``with_changes(..., id=...)``; diff called
    them different agreements. Two files with unrelated ids still are."""
    text = ("pactsim: 1\nid: {id}\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
            "events:\n  a: {{p: 0.3}}\n  b: {{given: [a], table: {{true: 0.8, false: 0.1}}}}\n"
            "questions:\n  q: b\n")
    base = pactsim.loads(text.format(id="base"))
    variant = base.with_changes({"a.p": 0.6}, id="base-high")
    again = variant.with_changes({"a.p": 0.7}, id="base-higher")
    for a, b in ((base, variant), (variant, base), (base, again), (variant, again)):
        d = pactsim.diff(a, b, "q")
        assert not any("different agreements" in n for n in d.notes), (a.id, b.id)
    other = pactsim.loads(text.format(id="other").replace("0.3", "0.6"))
    d = pactsim.diff(base, other, "q")
    assert any("different agreements" in n for n in d.notes)
    # the answer is the same either way: 0.6 * 0.8 + 0.4 * 0.1 against 0.3 * 0.8 + 0.7 * 0.1
    assert d.changes.set_index("name").loc["q", "change"] == pytest.approx(0.52 - 0.31)


def test_scorecard_and_pool_have_short_reprs_and_html() -> None:
    """In a notebook they showed as dataclass dumps of truncated DataFrames."""
    sc = pactsim.load(ROOT / "scenarios" / "iran-russia-2024.yaml")
    card = pactsim.score(sc, str(ROOT / "scenarios" / "backtest"
                                 / "iran-russia-2024.resolutions.yaml"))
    b = card.items[card.items.kind == "binary"]
    brier = sum(float((p - (o == "true")) ** 2) for p, o in zip(b.p, b.outcome, strict=True))
    assert repr(card) == (f"<Scorecard: 1 scenario version, {len(b)} true/false items (mean "
                          f"Brier {brier / len(b):.3f}), {int((card.items.kind == 'date').sum())}"
                          " dates; print() for the table>")
    html = card._repr_html_()  # the report's tables, in the notebook style
    assert html.startswith('<div class="pactsim"><style>') and "<h2>How did it score?</h2>" in html
    assert f"<td>{brier / len(b):.3f}</td>" in html  # the mean Brier, as the repr gives it
    pooled = pactsim.pool([sc, sc.with_changes({"su35_sale.p": 0.5})], names=["a", "b"])
    assert repr(pooled) == (f"<PooledForecast of 'iran-russia-2024': {len(pooled.table)} items "
                            "from 2 analysts (a, b), geometric pool; print() for the table>")
    assert "<pre>iran-russia-2024: pooled by" in pooled._repr_html_()


def test_exact_results_have_the_plot_accessor_and_a_zero_band() -> None:
    """Swapping ``res`` for ``ex`` in a notebook cell raised AttributeError on ``.plot``
    and TypeError on ``band=True``."""
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    sc = pactsim.load(ROOT / "scenarios" / "iran-russia-2024.yaml")
    ex = pactsim.exact(sc)
    fig = ex.plot.timeline()
    assert fig.axes and not fig.axes[0].collections  # no Monte Carlo band to draw
    plt.close(fig)
    point = ex.date_quantiles("in_force")
    framed = ex.date_quantiles("in_force", band=True)
    mc = pactsim.simulate(sc, n=2_000, seed=1).date_quantiles("in_force", band=True)
    assert list(framed.columns) == list(mc.columns) and (framed.dtypes == mc.dtypes).all()
    assert list(framed.index) == list(point.index)
    for col in ("date", "lo", "hi"):
        assert list(framed[col]) == [x.to_datetime64().astype("datetime64[s]")
                                     for x in point]
    with pytest.raises(pactsim.errors.ArgumentTypeError, match="band must be True or False"):
        ex.date_quantiles("in_force", band="yes")  # type: ignore[call-overload]


def test_a_date_curve_on_or_before_as_of_is_a_structural_zero() -> None:
    """Dated nodes happen in (as_of, horizon]: on or before as_of the chance is 0 with no
    band (it showed a Wilson band up to 0.0002 at 20,000 draws), weighted runs too."""
    sc = pactsim.load(ROOT / "scenarios" / "iran-russia-2024.yaml")
    news = pactsim.load(ROOT / "scenarios" / "variants" / "iran-russia-2024-news.yaml")
    for res in (pactsim.simulate(sc, n=20_000, seed=1), pactsim.simulate(news, n=20_000, seed=1)):
        as_of = res.scenario.as_of
        cdf = res.date_cdf("in_force", ["2020-01-01", as_of])
        assert (cdf[["p", "stderr", "lo", "hi"]].to_numpy() == 0).all()
        after = res.date_cdf("signing", [as_of + dt.timedelta(days=200)])
        assert float(after.hi.iloc[0]) > float(after.p.iloc[0]) > 0  # a band where it can


def test_calibration_diagram_keeps_points_at_0_and_1_in_view_and_names_the_murphy_case() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from pactsim.analysis.calibration import calibration

    p = [0.1, 0.2, 0.35, 0.6, 0.8, 0.9]
    y = [0.0, 0.0, 1.0, 1.0, 1.0, 1.0]
    cal = calibration(p, y, bands=50, seed=1)
    fig = cal.plot()
    ax = fig.axes[0]
    lo, hi = ax.get_ylim()
    assert lo < 0 and hi > 1  # dots at 0 and 1 are not cut by the frame
    assert all(not c.get_clip_on() for c in ax.collections if c.get_label().startswith("obs"))
    plt.close(fig)
    text = str(cal)  # each value once: Murphy's REL is the Brier score, RES is UNC
    brier = sum((a - b) ** 2 for a, b in zip(p, y, strict=True)) / len(p)
    assert f"Brier {brier:.4f} = REL {brier:.4f}" in text and "read the CORP split" in text
    assert "read the CORP split" not in str(calibration([0.2, 0.2, 0.8, 0.8], [0, 1, 1, 1],
                                                        bands=50, seed=1))
    # tied values whose items all came out alike: REL is the Brier score all the same
    # (by hand: each of the four items (0.2 - 0)^2 or (0.8 - 1)^2 = 0.04), and it says so
    tied = calibration([0.2, 0.2, 0.8, 0.8, 0.2], [0, 0, 1, 1, 1], bands=50, seed=1)
    assert "read the CORP split" not in str(tied)  # 0.2 held thrice, its items mixed
    alike = calibration([0.2, 0.2, 0.8, 0.8], [0, 0, 1, 1], bands=50, seed=1)
    assert f"REL {0.04:.4f}" in str(alike) and "read the CORP split" in str(alike)


def test_conditioning_a_run_without_draws_says_so() -> None:
    """res.given(X) on a run with keep_draws=False read "'X' under a condition needs the
    draws", as if X were the thing asked, and raised the base class."""
    sc = pactsim.load(ROOT / "scenarios" / "analytic-independent.yaml")
    res = pactsim.simulate(sc, n=2_000, seed=2, keep_draws=False)
    for call in (lambda: res.given("a"), lambda: res.prob("b", given="a")):
        with pytest.raises(pactsim.errors.ArgumentError,
                           match=r"^conditioning on 'a' needs the draws"):
            call()


def test_the_plot_module_has_the_accessors_names() -> None:
    """``res.plot.signing()`` and ``res.plot.pillars()`` worked; ``pactsim.plot.signing``
    and ``pactsim.plot.pillars`` did not exist (the module calls them signing_cdf and
    inclusion)."""
    pytest.importorskip("matplotlib")
    from pactsim.views import plot

    assert pactsim.plot.signing is plot.signing_cdf and pactsim.plot.pillars is plot.inclusion
    accessor = {n for n in dir(plot.PlotAccessor) if not n.startswith("_")}
    assert accessor <= set(pactsim.plot.__all__)
