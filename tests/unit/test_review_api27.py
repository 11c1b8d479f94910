"""A review of the Python API as a notebook user makes mistakes (review-api27): each
wrong argument is refused naming it, where it raised numpy's, pandas', dict()'s or
os.fspath()'s own error, took a path's characters, or was silently ignored."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import pactsim
from pactsim.errors import ArgumentError, ArgumentTypeError
from pactsim.results.estimate import Estimate

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"
RESOLUTIONS = ROOT / "scenarios" / "backtest" / "iran-russia-2024.resolutions.yaml"


@pytest.fixture(scope="module")
def sc() -> pactsim.Scenario:
    return pactsim.load(FLAGSHIP)


@pytest.mark.parametrize(("arg", "said"), [
    (str(FLAGSHIP), "dumps() needs a Scenario (from pactsim.load), not str (load it first"),
    (None, "dumps() needs a Scenario (from pactsim.load), not NoneType"),
    ({"pactsim": 1}, "dumps() needs a Scenario (from pactsim.load), not dict"),
])
def test_dumps_takes_a_scenario_only(arg, said):
    with pytest.raises(ArgumentTypeError) as err:
        pactsim.dumps(arg)
    assert str(err.value).startswith(said)


@pytest.mark.parametrize(("kwargs", "error", "said"), [
    ({"only": ["su35_sale.p", "su35_sal.p"]}, ArgumentError,
     "only: 'su35_sal.p' is not an input of scenario 'iran-russia-2024'; did you mean "
     "'su35_sale.p'?"),
    ({"only": ["military.p"], "ranges": {"alignment.mean": (0.1, 0.2)}}, ArgumentError,
     "ranges: 'alignment.mean' is left out by only=['military.p']: add it to only, or drop "
     "it from ranges"),
    ({"ranges": [("military.p", (0.8, 0.9))]}, ArgumentTypeError,
     "ranges must be a mapping of input names to (low, high)"),
    ({"ranges": {"legal_form.table.true.binding_treaty": (0.5, 0.9)}}, ArgumentError,
     "ranges: 'legal_form.table.true.binding_treaty' is fixed at 0 or 1"),
])
def test_sensitivity_refuses_what_it_would_ignore(sc, kwargs, error, said):
    with pytest.raises(error) as err:
        pactsim.sensitivity(sc, "arms_package", **kwargs)
    assert str(err.value).startswith(said)


def test_sensitivity_only_by_prefix_still_selects(sc):
    got = pactsim.sensitivity(sc, "arms_package", only=["su35_sale."]).tornado
    assert len(got) and all(str(k).startswith("su35_sale.") for k in got.input)


@pytest.mark.parametrize(("call", "error", "said"), [
    (lambda sc, two: pactsim.pool(two, weights="2,1"), ArgumentTypeError,
     "pool(): weights = '2,1': give a list of numbers, one per scenario (2)"),
    (lambda sc, two: pactsim.pool(two, weights={"a": 1, "b": 2}), ArgumentTypeError,
     "pool(): weights = {'a': 1, 'b': 2}: give a list of numbers"),
    (lambda sc, two: pactsim.pool(str(FLAGSHIP)), ArgumentTypeError,
     "pool(): give a list of two or more scenarios or files, not one str"),
    (lambda sc, two: pactsim.score(str(FLAGSHIP), None), ArgumentTypeError,
     "score(): resolutions must be resolution files (paths) or Resolutions"),
    (lambda sc, two: pactsim.score(str(FLAGSHIP), {"signing": "2025-01-17"}),
     ArgumentTypeError, "score(): resolutions must be resolution files"),
    (lambda sc, two: pactsim.load_resolutions(RESOLUTIONS, scenario=str(FLAGSHIP)),
     ArgumentTypeError, "scenario= must be a Scenario (from pactsim.load), not str"),
    (lambda sc, two: pactsim.load_resolutions(None), ArgumentTypeError,
     "a resolution file's path (text or a Path) is needed, not NoneType"),
    (lambda sc, two: sc.key_dates(0), ArgumentError,
     "key_dates: most = 0 must be a whole number >= 1"),
    (lambda sc, two: sc.question_text("signd_by_2024"), ArgumentError,
     "'signd_by_2024' is not a question of scenario 'iran-russia-2024'; did you mean "
     "'signed_by_2024'?"),
    (lambda sc, two: sc.parents("militry"), ArgumentError,
     "'militry' is not a node of scenario 'iran-russia-2024'; did you mean 'military'?"),
])
def test_wrong_arguments_are_named(sc, call, error, said):
    two = [sc, sc.with_changes({"su35_sale.p": 0.5})]
    with pytest.raises(error) as err:
        call(sc, two)
    assert str(err.value).startswith(said)


def test_pool_takes_numpy_weights(sc):
    two = [sc, sc.with_changes({"su35_sale.p": 0.5})]
    a = pactsim.pool(two, weights=np.array([2.0, 1.0])).table
    b = pactsim.pool(two, weights=[2, 1]).table
    assert a.equals(b)


@pytest.mark.parametrize(("kwargs", "error", "said"), [
    ({"bands": "200"}, ArgumentTypeError, "calibration(): bands = '200' must be a whole number"),
    ({"bands": 10**9}, ArgumentError,
     "calibration(): bands = 1000000000 must be from 0 (no band) to 100,000"),
    ({"seed": -1}, ArgumentError, "calibration(): seed = -1 must be >= 0"),
    ({"level": "0.9"}, ArgumentError, "calibration(): level = '0.9' must be in (0, 1)"),
])
def test_calibration_checks_its_arguments_before_allocating(kwargs, error, said):
    card = pactsim.score(FLAGSHIP, RESOLUTIONS)
    with pytest.raises(error) as err:
        card.calibration(**kwargs)
    assert str(err.value).startswith(said)


def test_spread_quantile_and_tornado_top_are_checked(sc):
    sp = pactsim.spread(sc, "arms_package", n=30)
    assert sp.quantile(0.5) == pytest.approx(float(np.quantile(sp.values, 0.5)))
    assert list(sp.quantile([0.1, 0.9])) == pytest.approx(list(np.quantile(sp.values, [0.1, 0.9])))
    with pytest.raises(ArgumentError, match=r"^q: 50: each level must be in \[0, 1\]"):
        sp.quantile(50)
    with pytest.raises(ArgumentTypeError, match=r"^q must be a level in \[0, 1\]"):
        sp.quantile("0.5")
    # review-change27: 0, 1 and numpy scalars are levels, as numpy takes them
    assert sp.quantile(0.0) == sp.values.min() and sp.quantile(1) == sp.values.max()
    assert sp.quantile(np.float32(0.5)) == sp.quantile(np.array(0.5)) == sp.quantile(0.5)
    s = pactsim.sensitivity(sc, "signed_by_2024", only=["military.", "signing."])
    with pytest.raises(ArgumentTypeError, match=r"^top must be a whole number or None"):
        s.plot_tornado(top="5")
    with pytest.raises(ArgumentError, match=r"^top must be >= 1"):
        s.plot_tornado(top=0)


@pytest.mark.parametrize(("call", "said"), [
    (lambda: Estimate.from_counts(5, 0), "Estimate.from_counts(5, 0): give k hits of m draws"),
    (lambda: Estimate.from_counts(5, 3), "Estimate.from_counts(5, 3): give k hits of m draws"),
    (lambda: Estimate.exact("0.5"), "Estimate.exact('0.5'): give a probability"),
    (lambda: Estimate.exact(1.5), "Estimate.exact(1.5): give a probability"),
    (lambda: Estimate.weighted(0, 0, 0, 0, 0), "Estimate.weighted: the weights concerned sum"),
])
def test_estimate_constructors_refuse_what_is_no_probability(call, said):
    with pytest.raises(ArgumentError) as err:
        call()
    assert str(err.value).startswith(said)


def test_two_exact_estimates_subtract_either_way():
    a, b = Estimate.exact(0.2), Estimate.exact(0.5)
    for independent in (True, False):
        d = a.minus(b, independent=independent)
        assert (d.value, d.stderr, d.n) == (pytest.approx(-0.3), 0.0, None)


def test_dates_as_numpy_and_pandas_give_them_and_nat_is_no_date(sc):
    import pandas as pd

    ex = pactsim.exact(sc)
    want = ex.given({"signing": "2025-01-17"}).prob("in_force_by_2025").value
    for day in (np.datetime64("2025-01-17"), pd.Timestamp("2025-01-17")):
        assert ex.given({"signing": day}).prob("in_force_by_2025").value == want
    with pytest.raises(ArgumentTypeError, match=r"^evidence: signing = NaT: give True/False"):
        ex.given({"signing": pd.NaT})


def test_a_misspelt_table_row_is_told_the_row_as_written(sc):
    with pytest.raises(ArgumentError, match=r"'ture' is not a row .*; did you mean 'true'\?$"):
        sc.with_changes({"s400_sale.table.ture": 0.5})


def test_a_huge_format_number_is_an_unsupported_version():
    with pytest.raises(pactsim.errors.ScenarioError,
                       match=r"pactsim: = 99999999999999999999: unsupported format version"):
        pactsim.loads("pactsim: 99999999999999999999\nid: x\nas_of: 2024-01-01\n"
                      "horizon: 2024-12-31\n")


def test_diff_says_a_number_is_not_attributed_because_it_is_a_number(sc):
    with pytest.raises(ArgumentError) as err:
        pactsim.diff(sc, sc.with_changes({"su35_sale.p": 0.5}), "n_pillars")
    assert str(err.value).startswith("'n_pillars' cannot be attributed: it is a number, not "
                                     "true/false")


@pytest.mark.parametrize(("evidence", "said"), [
    (None, "given: no evidence (None); give an expression, a mapping"),
    ("", "evidence: '' is not an expression (write e.g. 'mutual_defence'"),
    ("  ", "evidence: '  ' is not an expression"),
])
def test_monte_carlo_and_exact_results_refuse_no_evidence_alike(sc, evidence, said):
    res = pactsim.simulate(sc, n=500, seed=1)
    for r in (res, pactsim.exact(sc)):
        with pytest.raises(ArgumentError) as err:
            r.given(evidence)
        assert str(err.value).startswith(said)


def test_numpy_booleans_are_true_and_false_in_evidence(sc):
    ex = pactsim.exact(sc)
    for value, want in ((np.bool_(True), 1.0), (np.bool_(False), 0.0)):
        assert ex.given({"su35_sale": value}).prob("su35_sale").value == want


def test_plot_date_cdf_names_an_unknown_node_as_date_cdf_does(sc):
    res = pactsim.simulate(sc, n=500, seed=1)
    said = []
    for draw in (res.date_cdf, res.plot.date_cdf):
        with pytest.raises(pactsim.errors.ConditionError) as err:
            draw("in_forc")
        said.append(str(err.value))
    for text in said:
        assert text.startswith("unknown dated node 'in_forc' (dated nodes here: ")
        assert text.endswith("did you mean 'in_force'?")


def test_sensitivity_voi_takes_true_or_false(sc):
    with pytest.raises(ArgumentError, match=r"^voi must be True or False, not 'no'"):
        pactsim.sensitivity(sc, "arms_package", voi="no")


def test_sum_of_estimates_is_told_as_a_sum():
    a, b = Estimate.from_counts(3, 10), Estimate.from_counts(4, 10)
    for add in (lambda: sum([a, b]), lambda: a + b):
        with pytest.raises(ArgumentTypeError, match=r"^the sum of two estimates depends"):
            add()
    with pytest.raises(ArgumentTypeError, match=r"^an Estimate is a probability"):
        _ = 0.5 + a


def test_expression_hints_point_to_what_works(sc):
    res = pactsim.simulate(sc, n=2_000, seed=1)
    with pytest.raises(pactsim.errors.ScenarioError) as err:
        res.prob("legal_form == binding_treaty == true")
    assert "or bracket one: '(legal_form == binding_treaty) == true'" in str(err.value)
    # the bracketed form is the question meant, and is answered
    assert res.prob("(legal_form == binding_treaty) == true").value == \
        res.prob("legal_form == binding_treaty").value
    with pytest.raises(pactsim.errors.ScenarioError) as err:
        res.prob("military + energy >= 2")
    assert "to count what holds, write count(a, b) >= 2" in str(err.value)
    assert res.prob("count(military, energy) >= 2").value == res.prob("military and energy").value


def test_do_reads_a_date_with_spaces_around_it_as_evidence_does(sc):
    want = pactsim.exact(sc, do={"signing": "2025-01-17"}).prob("in_force_by_2025").value
    got = pactsim.exact(sc, do={"signing": " 2025-01-17 "}).prob("in_force_by_2025").value
    assert got == want


@pytest.mark.parametrize(("kwargs", "error", "said"), [
    ({"n": "100"}, ArgumentTypeError, "pool(): n must be a whole number (an int), not '100'"),
    ({"n": 0}, ArgumentError, "pool(): n must be between 1 and"),
    ({"seed": -1}, ArgumentError, "pool(): seed must be >= 0, not -1"),
])
def test_pool_checks_n_and_seed_even_where_exact_answers(sc, kwargs, error, said):
    two = [sc, sc.with_changes({"su35_sale.p": 0.5})]
    with pytest.raises(error) as err:
        pactsim.pool(two, **kwargs)
    assert str(err.value).startswith(said)


def test_spread_takes_the_seeds_simulate_takes_and_records_the_int(sc):
    fresh = pactsim.spread(sc, "arms_package", n=40, seed=None)
    again = pactsim.spread(sc, "arms_package", n=40, seed=fresh.seed)  # repeatable
    assert list(again.values) == list(fresh.values)
    a = pactsim.spread(sc, "arms_package", n=40, seed=np.random.default_rng(5))
    b = pactsim.spread(sc, "arms_package", n=40, seed=np.random.default_rng(5))
    assert a.seed == b.seed and list(a.values) == list(b.values)
    both = pactsim.spreads(sc, ["arms_package", "signed_by_2024"], n=40, seed=None)
    assert both[0].seed == both[1].seed  # one seed for every question
    with pytest.raises(ArgumentError, match=r"^seed must be a whole number >= 0, not -1"):
        pactsim.spread(sc, "arms_package", n=40, seed=-1)


def test_review_change27_regressions_of_the_new_checks(sc):
    """What a review of this session's checks found them refusing or letting through."""
    import datetime as dt

    # model_copy returns the values as validated: a horizon given as text is a date
    c = sc.model_copy(update={"horizon": "2026-06-30"})
    assert c.horizon == dt.date(2026, 6, 30) and isinstance(c.horizon, dt.date)
    assert pactsim.exact(c).prob("signing").value == pytest.approx(
        pactsim.exact(sc.with_changes(horizon=dt.date(2026, 6, 30))).prob("signing").value)
    # pool takes the seeds simulate takes; voi a numpy boolean; calibration seed None
    two = [sc, sc.with_changes({"su35_sale.p": 0.5})]
    assert pactsim.pool(two, seed=None).table.equals(pactsim.pool(two, seed=0).table)  # exact
    pactsim.pool(two, seed=np.random.default_rng(5))
    assert len(pactsim.sensitivity(sc, "arms_package", voi=np.True_, only=["su35_sale."]).voi)
    card = pactsim.score(FLAGSHIP, RESOLUTIONS)
    assert card.calibration(seed=None).n == card.calibration().n


def test_assert_matches_exact_with_another_horizon_is_an_assertion():
    from pactsim.testing import assert_matches_exact

    dated = pactsim.load(ROOT / "scenarios" / "analytic-dated.yaml")
    later = dated.with_changes({"horizon": dated.horizon.replace(year=dated.horizon.year + 1)})
    with pytest.raises(AssertionError, match="Monte Carlo disagrees with exact inference"):
        assert_matches_exact(pactsim.simulate(later, n=20_000, seed=1), pactsim.exact(dated))
