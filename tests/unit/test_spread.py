"""pactsim.spread and pactsim.sobol: analytic spreads, known Sobol indices, errors."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from scipy import stats

import pactsim
from pactsim.analysis.spread import Spread, sobol, spread, uncertain_inputs
from pactsim.errors import ArgumentError, ExactUnsupportedError

HEAD = "pactsim: 1\nid: x\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"


def _betas(sc: pactsim.Scenario) -> list[tuple[float, float]]:
    out = [i.betas[0] for i in uncertain_inputs(sc)]
    assert all(ab is not None for ab in out)
    return out  # type: ignore[return-value]


def _one(a: float = 2.0, b: float = 6.0) -> pactsim.Scenario:
    return pactsim.loads(HEAD + f"events:\n  e: {{p: {{beta: [{a}, {b}]}}}}\n"
                         "questions:\n  q: e\n")


def _two() -> pactsim.Scenario:
    return pactsim.loads(HEAD + "events:\n  a: {p: {beta: [2, 3]}}\n"
                         "  b: {p: {between: [0.5, 0.9]}}\n  c: {p: 0.5}\n"
                         "questions:\n  both: a and b\n")


def test_one_event_spread_is_its_beta() -> None:
    s = spread(_one(), "q", n=1000, seed=3)
    assert isinstance(s, Spread) and s.method == "exact" and s.n == 1000 and s.seed == 3
    assert len(s.values) == 1000 and s.inputs == ("e.p",)
    lo, hi = stats.beta.ppf([0.1, 0.9], 2, 6)
    # quantile standard error sqrt(q (1 - q) / n) / density: about 0.006 here
    for got, want, q in ((s.lo, lo, 0.1), (s.hi, hi, 0.9)):
        se = np.sqrt(q * (1 - q) / s.n) / stats.beta.pdf(want, 2, 6)
        assert abs(got - want) < 4 * se
    assert abs(s.mean - 0.25) < 4 * s.stderr
    assert s.forecast == pytest.approx(0.25)
    # the values are the Beta itself (Kolmogorov-Smirnov)
    assert stats.kstest(s.values, stats.beta(2, 6).cdf).pvalue > 1e-3


def test_and_of_independent_inputs_has_mean_product() -> None:
    sc = _two()
    ab_a, ab_b = _betas(sc)
    want = stats.beta.mean(*ab_a) * stats.beta.mean(*ab_b)
    s = spread(sc, "both", n=800, seed=1)
    assert s.forecast == pytest.approx(want)
    assert abs(s.mean - want) < 4 * s.stderr
    assert s.lo < want < s.hi
    # an expression works as a named question does
    t = spread(sc, "a and b", n=800, seed=1)
    np.testing.assert_array_equal(s.values, t.values)
    assert str(s).startswith("both: ") and "80% band" in str(s)
    assert "over the uncertain inputs" in str(s)
    assert "<div" in s._repr_html_()


def test_same_seed_same_spread_other_seed_other() -> None:
    sc = _two()
    a, b = spread(sc, "both", n=40, seed=7), spread(sc, "both", n=40, seed=7)
    np.testing.assert_array_equal(a.values, b.values)
    assert (a.mean, a.lo, a.hi) == (b.mean, b.lo, b.hi)
    assert not np.array_equal(a.values, spread(sc, "both", n=40, seed=8).values)


def test_dated_curve_point_spread_and_monotone_draws() -> None:
    sc = pactsim.loads(
        "pactsim: 2\nid: t\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
        "events:\n  deal:\n    by: {2024-03-31: {between: [0.1, 0.3]}, "
        "2024-06-30: {between: [0.3, 0.6]}, 2024-12-31: 0.7}\n")
    (inp,) = uncertain_inputs(sc)
    assert inp.kind == "curve" and inp.name == "deal.by" and len(inp.paths) == 3
    vals = inp.values(np.linspace(0, 1, 201))
    assert np.all(np.diff(vals, axis=1) >= 0)  # increasing in every draw
    s = spread(sc, "deal.date <= 2024-03-31", n=600, seed=2)
    ab = inp.betas[0]
    assert ab is not None
    lo, hi = stats.beta.ppf([0.1, 0.9], *ab)
    assert abs(s.lo - lo) < 0.02 and abs(s.hi - hi) < 0.02
    assert abs(s.mean - s.forecast) < 4 * s.stderr


def test_flagship_mean_is_todays_forecast() -> None:
    sc = pactsim.load("scenarios/iran-russia-2024.yaml")
    names = [i.name for i in uncertain_inputs(sc)]
    assert names == ["ukraine_war_continues.table.true", "ukraine_war_continues.table.false",
                     "drones_missiles.p", "su35_sale.p"]
    s = spread(sc, "arms_package", n=150, seed=0)  # odds with uncertain p: still unbiased
    assert abs(s.mean - s.forecast) < 4 * s.stderr
    assert s.lo < s.forecast < s.hi


def test_monte_carlo_inner_with_common_random_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    import pactsim.results.exact as ex

    def refuse(*args: object, **kwargs: object) -> None:
        raise ExactUnsupportedError("refused for the test")

    monkeypatch.setattr(ex, "exact", refuse)
    s = spread(_one(), "q", n=6, seed=0)
    assert s.method == "monte carlo" and s.inner_n == 4000
    assert np.all((s.values >= 0) & (s.values <= 1))
    np.testing.assert_array_equal(s.values, spread(_one(), "q", n=6, seed=0).values)


def test_errors() -> None:
    with pytest.raises(ArgumentError, match="no uncertain inputs"):
        spread(pactsim.loads(HEAD + "events:\n  e: {p: 0.3}\n"), "e", n=10)
    with pytest.raises(ArgumentError, match="nope"):
        spread(_one(), "nope", n=10)
    with pytest.raises(ArgumentError, match="numeric question"):
        spread(pactsim.loads(HEAD + "events:\n  e: {p: {beta: [1, 1]}}\n"
                             "questions:\n  k: count(e)\n"), "k", n=10)
    with pytest.raises(TypeError):
        spread(_one(), "", n=10)
    with pytest.raises(ArgumentError, match="power of 2"):
        sobol(_two(), "both", n=100)


def test_sobol_without_salib_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    for mod in [m for m in sys.modules if m == "SALib" or m.startswith("SALib.")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setitem(sys.modules, "SALib", None)
    with pytest.raises(ImportError, match=r"pip install 'pactsim\[sensitivity\]'"):
        sobol(_two(), "both", n=64)


def test_sobol_of_a_product_matches_closed_form() -> None:
    """P(a and b | p_a, p_b) = p_a p_b with independent X = p_a, Y = p_b:

    V = E[X²] E[Y²] − (E[X] E[Y])²; E[f | X] = X E[Y], so V_X = Var(X) E[Y]²,
    S1_X = V_X / V; Var(f | Y) averaged over Y = Var(X) E[Y²], so
    ST_X = Var(X) E[Y²] / V (and the same with X and Y swapped).
    """
    pytest.importorskip("SALib")
    sc = _two()
    ab_a, ab_b = _betas(sc)
    ex, vx = stats.beta.mean(*ab_a), stats.beta.var(*ab_a)
    ey, vy = stats.beta.mean(*ab_b), stats.beta.var(*ab_b)
    v = (vx + ex**2) * (vy + ey**2) - (ex * ey) ** 2
    want = {"a.p": (vx * ey**2 / v, vx * (vy + ey**2) / v),
            "b.p": (vy * ex**2 / v, vy * (vx + ex**2) / v)}
    df = sobol(sc, "both", n=512, seed=0)
    assert list(df.columns) == ["S1", "S1_conf", "ST", "ST_conf"]
    assert list(df.index) == ["a.p", "b.p"]
    assert df.attrs["evaluations"] == 512 * 4 and df.attrs["method"] == "exact"
    for name, (s1, st) in want.items():
        row = df.loc[name]
        # within SALib's 95% interval (with a floor for a lucky narrow interval)
        assert abs(row.S1 - s1) <= max(1.5 * row.S1_conf, 0.02), (name, row.S1, s1)
        assert abs(row.ST - st) <= max(1.5 * row.ST_conf, 0.02), (name, row.ST, st)
    again = sobol(sc, "both", n=512, seed=0)
    assert again.equals(df)


def test_plot_sobol(tmp_path: object) -> None:
    pytest.importorskip("SALib")
    pytest.importorskip("matplotlib")
    import matplotlib
    import matplotlib.figure

    matplotlib.use("Agg")
    from pactsim.analysis.spread import plot_sobol

    df = sobol(_two(), "both", n=64, seed=0)
    fig = plot_sobol(df)
    assert isinstance(fig, matplotlib.figure.Figure)
    assert fig.axes and fig.axes[0].get_title(loc="left") == "Sobol indices of both"


def test_extreme_between_draws_within_its_bounds() -> None:
    """between: [1e-200, 2e-200] is Beta(23, 1.6e201), where scipy's beta.ppf gives NaN:
    the quantiles come from the Gamma limit, so the 5% and 95% draws are the bounds."""
    import numpy as np

    from pactsim.analysis.spread import uncertain_inputs

    sc = pactsim.loads("pactsim: 1\nid: tiny\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       "events:\n  a: {p: {between: [1e-200, 2e-200]}}\n  b: {p: 0.5}\n"
                       "questions:\n  q: a or b\n")
    x = uncertain_inputs(sc)[0].values(np.array([0.05, 0.5, 0.95]))[:, 0]
    assert np.all(np.isfinite(x))
    assert x[0] == pytest.approx(1e-200, rel=1e-6) and x[2] == pytest.approx(2e-200, rel=1e-6)
    s = pactsim.spread(sc, "q", n=50)
    assert s.mean == pytest.approx(0.5, abs=1e-12)
