"""pactsim.diff: changes with paired standard errors, edits, one at a time and Shapley.

The small scenarios are analytic: two independent events a, b and the
question ``a and b``. With p_a -> p_a' and p_b -> p_b' the change is
p_a' p_b' - p_a p_b; edit ``a.p`` alone adds (p_a' - p_a) p_b, and its
Shapley value is (p_a' - p_a) (p_b + p_b') / 2 (the mean over the two orders).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import pactsim
import pactsim.plot
from pactsim.analysis.diff import CHANGE_COLUMNS, Diff, _Lumps, _median_change, edits_between
from pactsim.errors import ArgumentError

ROOT = Path(__file__).parents[2]
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"

TWO = ("pactsim: 1\nid: two\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
       "events:\n  a: {p: 0.3}\n  b: {p: 0.5}\n  c: {p: 0.4}\n"
       "questions:\n  both: a and b\n  either: a or b\n")
PA, PB, PA2, PB2 = 0.3, 0.5, 0.6, 0.7


@pytest.fixture(scope="module")
def two() -> pactsim.Scenario:
    return pactsim.loads(TWO)


@pytest.fixture(scope="module")
def two_b(two: pactsim.Scenario) -> pactsim.Scenario:
    return two.with_changes({"a.p": PA2, "b.p": PB2})


@pytest.fixture(scope="module")
def flagship() -> pactsim.Scenario:
    return pactsim.load(FLAGSHIP)


@pytest.fixture(scope="module")
def variant(flagship: pactsim.Scenario) -> pactsim.Scenario:
    return flagship.with_changes({"us_trump_win.p": 1.0, "signing.by.2024-12-31": 0.6})


def _row(d: Diff, name: str, statistic: str = "p") -> object:
    c = d.changes
    return c[(c.name == name) & (c.statistic == statistic)].iloc[0]


def _attr(d: Diff, target: str) -> dict[str, tuple[float, float]]:
    part = d.attribution[d.attribution.target == target]
    return {r.edit: (r.one_at_a_time, r.shapley) for _, r in part.iterrows()}


# -- exact, by hand -----------------------------------------------------------------------------
def test_exact_change_and_attribution_match_hand_values(two, two_b):
    d = pactsim.diff(two, two_b, "both")
    assert d.method == "exact" and d.n is None
    total = PA2 * PB2 - PA * PB
    row = _row(d, "both")
    assert row.change == pytest.approx(total, abs=1e-12) and row.stderr == 0
    t = d.totals.iloc[0]
    assert (t.target, t.method, t.shapley) == ("both", "exact", "exact")
    assert t.change == pytest.approx(total, abs=1e-12)
    got = _attr(d, "both")
    assert got["a.p"][0] == pytest.approx((PA2 - PA) * PB, abs=1e-12)
    assert got["b.p"][0] == pytest.approx((PB2 - PB) * PA, abs=1e-12)
    assert got["a.p"][1] == pytest.approx((PA2 - PA) * (PB + PB2) / 2, abs=1e-12)
    assert got["b.p"][1] == pytest.approx((PB2 - PB) * (PA + PA2) / 2, abs=1e-12)
    assert sum(s for _, s in got.values()) == pytest.approx(total, abs=1e-12)
    # the marginals move by the edit, and c not at all
    assert _row(d, "a").change == pytest.approx(PA2 - PA)
    assert _row(d, "c").change == 0


def test_several_questions_are_attributed_each(two, two_b):
    d = pactsim.diff(two, two_b, ["both", "either"])
    assert list(d.totals.target) == ["both", "either"]
    either = (1 - (1 - PA2) * (1 - PB2)) - (1 - (1 - PA) * (1 - PB))
    got = _attr(d, "either")
    assert sum(s for _, s in got.values()) == pytest.approx(either, abs=1e-12)
    # P(a or b) = 1 - (1-a)(1-b): a alone adds (a'-a)(1-b)
    assert got["a.p"][0] == pytest.approx((PA2 - PA) * (1 - PB), abs=1e-12)


def test_default_question_is_the_one_that_moves_most(two, two_b):
    d = pactsim.diff(two, two_b)
    assert list(d.totals.target) == ["both"]  # +0.27 against +0.23 for either


# -- Monte Carlo with common random numbers -----------------------------------------------------
def test_crn_standard_error_is_far_below_independent_and_covers_the_exact_change(two):
    small = two.with_changes({"a.p": 0.32})
    d = pactsim.diff(two, small, "both", method="mc", n=200_000, seed=11)
    assert d.method == "mc" and d.n == 200_000 and d.seed == 11
    row = _row(d, "both")
    exact = 0.32 * PB - PA * PB
    assert row.method == "mc"
    assert 0 < row.stderr < row.stderr_independent / 3
    assert abs(row.change - exact) < 4 * row.stderr
    # the share's change is the mean per-draw difference: P(a) moves by about 0.02
    a = _row(d, "a")
    assert abs(a.change - 0.02) < 4 * a.stderr and a.stderr < a.stderr_independent / 4


def test_mc_shapley_sums_to_the_total_and_covers_hand_values(two, two_b):
    d = pactsim.diff(two, two_b, "both", method="mc", n=100_000, seed=5)
    t = d.totals.iloc[0]
    part = d.attribution
    assert part.shapley.sum() == pytest.approx(t.change, abs=1e-12)
    assert t.change == pytest.approx(_row(d, "both").change, abs=1e-12)
    hand = {"a.p": (PA2 - PA) * (PB + PB2) / 2, "b.p": (PB2 - PB) * (PA + PA2) / 2}
    alone = {"a.p": (PA2 - PA) * PB, "b.p": (PB2 - PB) * PA}
    for _, r in part.iterrows():
        assert r.shapley_stderr > 0 and abs(r.shapley - hand[r.edit]) < 4 * r.shapley_stderr
        assert abs(r.one_at_a_time - alone[r.edit]) < 4 * r.one_at_a_time_stderr


def test_a_scenario_against_itself_is_all_zeros_with_se_zero(two):
    for method in ("exact", "mc"):
        d = pactsim.diff(two, two, method=method, n=20_000, seed=3)  # type: ignore[arg-type]
        assert not d.edits and not d.text_edits
        assert (d.changes.change == 0).all() and (d.changes.stderr == 0).all()
        assert not len(d.totals)  # nothing moved: nothing chosen to attribute
    d = pactsim.diff(two, two, "both", method="mc", n=20_000, seed=3)
    t = d.totals.iloc[0]
    assert (t.change, t.stderr) == (0, 0) and not len(d.attribution)
    assert "nothing changed" in str(d)


# -- edits and how they are grouped -------------------------------------------------------------
def test_edits_are_leaf_paths_and_text_is_apart(two):
    b = two.with_changes({"a.p": 0.4, "a.label": "rain", "c.odds.a": 2.0})
    edits, text = edits_between(two, b)
    assert [e.name for e in edits] == ["a.p", "c.odds.a"]
    assert edits[1].leaves[0].kind == "added"
    assert [e.name for e in text] == ["a.label"]
    d = pactsim.diff(two, b, "c")
    assert [e.name for e in d.text_edits] == ["a.label"]
    assert "a.label" not in set(d.attribution.edit)


def test_an_added_node_is_one_edit_and_needs_no_grouping(two):
    data = two.model_dump(exclude_defaults=True)
    data["events"]["d"] = {"p": 0.9}
    data["questions"]["with_d"] = "d and a"
    b = pactsim.from_dict(data)
    edits, _ = edits_between(two, b)
    assert sorted(e.name for e in edits) == ["d", "questions.with_d"]
    d = pactsim.diff(two, b, "a")
    assert d.totals.iloc[0].change == 0 and (d.attribution.shapley == 0).all()
    new = _row(d, "d")
    assert math.isnan(new.a) and new.b == pytest.approx(0.9) and math.isnan(new.change)
    with pytest.raises(ArgumentError, match="'d' cannot be attributed: A cannot answer it"):
        pactsim.diff(two, b, "d")


def test_a_change_of_form_is_one_edit(two):
    b = two.with_changes({"b.given": ["a"], "b.table": {True: 0.9, False: 0.2}})
    edits, _ = edits_between(two, b)
    assert len(edits) == 1 and set(edits[0].paths) == {"b.p", "b.given", "b.table"}
    d = pactsim.diff(two, b, "b")
    assert d.totals.iloc[0].change == pytest.approx(0.3 * 0.9 + 0.7 * 0.2 - 0.5)


def test_edits_only_valid_together_are_grouped_and_said(two):
    data = two.model_dump(exclude_defaults=True)
    data["events"]["d"] = {"p": 0.5}
    data["events"]["a"]["requires"] = ["d"]  # needs the new node
    b = pactsim.from_dict(data)
    d = pactsim.diff(two, b, "a")
    assert [e.name for e in d.edits] == ["d + a.requires"]
    assert any("applied together: d + a.requires (a.requires alone gives" in note
               for note in d.notes)
    assert d.totals.iloc[0].change == pytest.approx(0.3 * 0.5 - 0.3)
    assert d.attribution.shapley.sum() == pytest.approx(d.totals.iloc[0].change)


def test_curve_points_that_must_move_together_are_grouped():
    a = pactsim.loads("pactsim: 1\nid: t\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                      "signing:\n  by: {2024-06-30: 0.2, 2024-12-31: 0.4}\n"
                      "events:\n  x: {p: 0.5}\n"
                      "questions:\n  early: signing.date <= 2024-06-30\n")
    b = a.with_changes({"signing.by.2024-06-30": 0.5, "signing.by.2024-12-31": 0.7,
                        "x.p": 0.6})
    d = pactsim.diff(a, b, "early")
    names = [e.name for e in d.edits]
    assert "signing.by.2024-06-30 + signing.by.2024-12-31" in names and "x.p" in names
    got = _attr(d, "early")
    assert got["x.p"] == (0.0, 0.0)
    assert sum(s for _, s in got.values()) == pytest.approx(0.3)


def test_sampled_shapley_sums_to_the_total_and_is_reproducible(two):
    b = two.with_changes({"a.p": PA2, "b.p": PB2, "c.p": 0.9})
    q = "at_least(2, a, b, c)"
    exact = pactsim.diff(two, b, q)
    d1 = pactsim.diff(two, b, q, max_exact_edits=2, permutations=40, seed=4)
    d2 = pactsim.diff(two, b, q, max_exact_edits=2, permutations=40, seed=4)
    t = d1.totals.iloc[0]
    assert (t.shapley, t.permutations) == ("sampled", 40)
    assert d1.attribution.shapley.sum() == pytest.approx(t.change, abs=1e-12)
    assert d1.attribution.equals(d2.attribution)
    for (_, r), (_, e) in zip(d1.attribution.iterrows(), exact.attribution.iterrows(),
                              strict=True):
        assert r.edit == e.edit and r.one_at_a_time == pytest.approx(e.one_at_a_time)
        assert abs(r.shapley - e.shapley) <= 4 * r.shapley_stderr + 1e-12


def test_different_as_of_is_allowed_with_a_note(two):
    later = two.with_changes(as_of="2024-03-01")
    d = pactsim.diff(two, later)
    assert any("as of 2024-01-01 and B as of 2024-03-01" in n for n in d.notes)
    assert "note: A is as of" in str(d)


def test_bad_arguments_are_refused(two):
    with pytest.raises(ArgumentError, match="method"):
        pactsim.diff(two, two, method="bayes")  # type: ignore[arg-type]
    with pytest.raises(pactsim.errors.ArgumentTypeError, match="Scenario"):
        pactsim.diff(two, 3)  # type: ignore[arg-type]
    with pytest.raises(pactsim.errors.ArgumentTypeError, match="questions"):
        pactsim.diff(two, two, [""])


# -- output ----------------------------------------------------------------------------------
def test_json_has_every_section(two, two_b):
    d = pactsim.diff(two, two_b, "both", method="mc", n=10_000, seed=1)
    data = json.loads(d.to_json())
    assert set(data) == {"a", "b", "run", "notes", "edits", "text_edits", "changes",
                         "attribution"}
    assert data["run"] == {"method": "mc", "n": 10_000, "seed": 1,
                           "pactsim": pactsim.__version__}
    assert data["a"]["digest"] == two.digest and data["b"]["digest"] == two_b.digest
    assert [e["name"] for e in data["edits"]] == ["a.p", "b.p"]
    assert data["edits"][0]["leaves"] == [{"path": "a.p", "kind": "changed", "before": 0.3,
                                           "after": 0.6}]
    assert set(data["changes"][0]) == set(CHANGE_COLUMNS)
    (att,) = data["attribution"]
    assert att["target"] == "both" and len(att["edits"]) == 2
    assert set(att["edits"][0]) == {"edit", "one_at_a_time", "one_at_a_time_stderr",
                                    "shapley", "shapley_stderr"}
    assert math.isclose(sum(e["shapley"] for e in att["edits"]), att["change"],
                        abs_tol=1e-12)


@pytest.mark.figures  # the page's figure drawn: the attribution chart
def test_text_plot_and_html(two, two_b):
    d = pactsim.diff(two, two_b, "both")
    text = str(d)
    assert "Edits (2):" in text and "a.p: 0.3 -> 0.6" in text
    assert "Attribution of P(both): 15.0% -> 42.0% (+27.0 pp" in text
    fig = d.plot()
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "A (before)", "a.p: 0.3 → 0.6", "b.p: 0.5 → 0.7", "B (after)"]
    assert pactsim.plot.diff(d, "both").axes
    with pytest.raises(ArgumentError, match="was not attributed"):
        d.plot("either")
    from pactsim.views.diff import diff_html

    page = diff_html(d)
    assert page.startswith("<h2>What changed from A</h2>") and "data:image/png" in page


# -- the flagship ------------------------------------------------------------------------------
def test_flagship_variant_exact(flagship, variant):
    d = pactsim.diff(flagship, variant, ["signed_by_2024", "in_force_by_2025"])
    assert [e.name for e in d.edits] == ["us_trump_win.p", "signing.by.2024-12-31"]
    ea, eb = pactsim.exact(flagship), pactsim.exact(variant)
    for _, t in d.totals.iterrows():
        change = eb.prob(t.target).value - ea.prob(t.target).value
        assert t.change == pytest.approx(change, abs=1e-12) and t.method == "exact"
        part = d.attribution[d.attribution.target == t.target]
        assert part.shapley.sum() == pytest.approx(change, abs=1e-12)
    dates = d.changes[d.changes.statistic == "median"].set_index("name")
    assert dates.loc["signing", "change"] < 0  # a likelier early signing comes sooner
    assert _row(d, "us_trump_win").change == pytest.approx(0.5)


def test_flagship_variant_mc_is_within_4_se_of_exact(flagship, variant):
    exact = pactsim.diff(flagship, variant, "signed_by_2024")
    mc = pactsim.diff(flagship, variant, "signed_by_2024", method="mc", n=100_000, seed=7)
    e = exact.changes.set_index(["name", "statistic"])
    m = mc.changes.set_index(["name", "statistic"])
    probs = m[m.index.get_level_values(1) != "median"]
    assert (probs.stderr <= probs.stderr_independent + 1e-12).all()
    far = (probs.change - e.loc[probs.index, "change"]).abs() > 4 * probs.stderr + 1e-9
    assert far.sum() <= 2, probs[far]  # 4 SE over ~90 numbers: a stray one at most
    medians = m[m.index.get_level_values(1) == "median"]
    for key, r in medians.iterrows():
        assert abs(r.change - e.loc[key, "change"]) <= 4 * r.stderr + 2, key  # whole days
    sig = probs.loc[("signed_by_2024", "p")]
    assert sig.stderr < sig.stderr_independent / 1.5
    t = mc.totals.iloc[0]
    assert mc.attribution.shapley.sum() == pytest.approx(t.change, abs=1e-12)
    for (_, r), (_, x) in zip(mc.attribution.iterrows(), exact.attribution.iterrows(),
                              strict=True):
        assert abs(r.shapley - x.shapley) < 4 * r.shapley_stderr


# -- the bootstrap of a change of median date ------------------------------------------------
def _cells(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    """Paired days of A and B (B a day or two later, some never by the horizon), as the
    cells (day in A, day in B) with counts that pactsim.analysis.diff builds."""
    rng = np.random.default_rng(seed)
    width = 365
    da = np.minimum(rng.integers(0, width + 40, n), width)  # width: not by then
    db = np.minimum(da + rng.integers(0, 3, n), width)
    db[rng.random(n) < 0.05] = width
    uniq, counts = np.unique(da * (width + 1) + db, return_counts=True)
    ua, ub = np.divmod(uniq, width + 1)
    return ua, ub, counts, width, width


def _median_by_hand(days: np.ndarray, counts: np.ndarray, width: int) -> float:
    hist = np.bincount(days, counts, width + 1)[:width]
    cum = np.cumsum(hist)
    return float(np.flatnonzero(cum >= cum[-1] / 2)[0]) if cum[-1] > 0 else math.nan


@pytest.mark.parametrize("spread", [10.0, 0.05])
def test_grouped_bootstrap_replicates_read_the_medians_of_the_cells(spread: float) -> None:
    """A replicate drawn as group counts gives the medians of its cells: any cells that
    add up to the groups' counts (drawn here given them) have, by hand, the medians
    _Lumps reads from the groups when they fall inside its window; outside it, _Lumps
    reads them from cells it draws, which add up to the groups' counts. A narrow window
    (spread 0.05) sends many replicates the second way; the default none."""
    ua, ub, counts, wa, wb = _cells(3_000, 1)  # (the medians move by days)
    lumps = _Lumps(ua, ub, counts, (wa, wb), (100, 200), spread=spread)
    rng = np.random.default_rng(2)
    by_groups = by_cells = 0
    for _ in range(300):
        g = rng.multinomial(int(counts.sum()), lumps.probs)
        drawn: list[object] = []

        def from_cells(c: object, g: object = g, drawn: list[object] = drawn
                       ) -> tuple[float, float]:
            drawn.append(c)
            c = np.asarray(c).astype(np.int64)
            assert (np.bincount(lumps.group_of, c, len(lumps.probs)) == g).all()
            return _median_by_hand(ua, c, wa) + 100, _median_by_hand(ub, c, wb) + 200

        got = lumps.medians(g, rng, from_cells)
        if drawn:
            by_cells += 1
            continue
        by_groups += 1
        cells = lumps.cells(g, rng)
        assert got == (_median_by_hand(ua, cells, wa) + 100, _median_by_hand(ub, cells, wb) + 200)
    assert by_groups > 20
    assert (by_cells > 20 if spread < 1 else by_cells == 0), (by_groups, by_cells)


def test_grouped_bootstrap_has_the_spread_of_the_cells_bootstrap() -> None:
    """The paired and independent standard errors of a change of median by the grouped
    bootstrap (unweighted draws) match those of the bootstrap over every cell (the same
    draws, each of weight 1: the weighted way, which does not group) within 25% (each
    has ~5% error from 200 replicates)."""
    rng = np.random.default_rng(5)
    n = 20_000
    da = 100 + np.minimum(rng.gamma(4.0, 40.0, n).astype(np.int64), 365)
    db = np.minimum(da + rng.integers(-2, 6, n), 465)
    da[da >= 465], db[db >= 465] = -1, -1
    ones = np.ones(n)
    grouped = _median_change(da, db, 100, 100, 365, 365, np.random.default_rng(1))
    cells = _median_change(da, db, 100, 100, 365, 365, np.random.default_rng(1), (ones, ones))
    assert grouped[0] == cells[0]
    assert grouped[1] == pytest.approx(cells[1], rel=0.25)
    assert grouped[2] == pytest.approx(cells[2], rel=0.25)
    assert grouped[2] > 2 * grouped[1]  # (paired days: the paired error is the smaller)


def test_bootstrap_error_of_a_median_date_is_the_median_s_asymptotic_error() -> None:
    """An answer that shares no code with pactsim: a median of n draws uniform over W
    days has standard error W / (2 sqrt(n)) (1 / (2 f sqrt(n)), f = 1/W a day), so the
    independent error of a change between two such medians is sqrt(2) times that
    (5.8 and 8.2 days here, where whole days hardly matter). The bootstrap's estimate,
    from 200 replicates, is within 25% (its own spread is ~8%)."""
    n, width = 4_000, 730
    rng = np.random.default_rng(3)
    da = rng.integers(0, width, n)
    db = np.minimum(da + rng.integers(0, 3, n), width - 1)  # paired: B a day or two later
    change, _paired, independent = _median_change(da, db, 0, 0, width, width,
                                                  np.random.default_rng(4))
    assert change in (0.0, 1.0, 2.0)
    assert independent == pytest.approx(math.sqrt(2) * width / (2 * math.sqrt(n)), rel=0.25)
