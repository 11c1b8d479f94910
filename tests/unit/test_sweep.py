"""pactsim.sweep: one tidy table over items, the same on any executor, seeded per item."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import pactsim
from pactsim.analysis.sweep import COLUMNS
from pactsim.errors import ArgumentError, ArgumentTypeError, ModelTooWideError, ScenarioError

SC = pactsim.loads(
    "pactsim: 1\nid: demo\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
    "events:\n  rain: {p: 0.3}\n  wind: {given: [rain], table: {true: 0.8, false: 0.2}}\n"
    "questions:\n  storm: rain and wind\n")
VARIANTS = {"dry": {"rain.p": 0.1}, "wet": {"rain.p": 0.9}, "calm": {"wind.table.true": 0.1}}


def test_one_row_per_item_and_target_in_order() -> None:
    df = pactsim.sweep(VARIANTS, base=SC, n=20_000, seed=4)
    assert tuple(df.columns) == COLUMNS
    assert list(df.item) == [k for k in VARIANTS for _ in range(3)]
    assert list(df.target[:3]) == ["storm", "rain", "wind"]
    assert list(df.kind[:3]) == ["question", "event", "event"]
    assert list(df.changes[:3]) == ["rain.p=0.1"] * 3
    dry = df[(df.item == "dry") & (df.target == "rain")].iloc[0]
    assert abs(dry.p - 0.1) < 4 * dry.stderr and dry.lo < dry.p < dry.hi
    wet = df[(df.item == "wet") & (df.target == "storm")].iloc[0]
    assert abs(wet.p - 0.9 * 0.8) < 4 * wet.stderr


def test_each_item_has_its_own_recorded_child_seed() -> None:
    df = pactsim.sweep([SC, SC], n=10_000, seed=11)
    a, b = df[df.item == 0], df[df.item == 1]
    assert set(a.spawn_key) == {(0,)} and set(b.spawn_key) == {(1,)}
    assert set(df.seed) == {11}
    assert not np.array_equal(a.p.to_numpy(), b.p.to_numpy())  # different streams
    again = pactsim.simulate(SC, 10_000, seed=np.random.SeedSequence(11, spawn_key=(1,)))
    assert b.p.tolist() == [again.prob("storm").value, again.prob("rain").value,
                            again.prob("wind").value]


def test_a_seed_sequence_sweep_nests_its_spawn_key() -> None:
    df = pactsim.sweep([SC], n=1_000, seed=np.random.SeedSequence(5, spawn_key=(2,)))
    assert set(df.spawn_key) == {(2, 0)}


def test_the_same_table_in_process_on_threads_and_on_processes() -> None:
    here = pactsim.sweep(VARIANTS, base=SC, n=30_000, seed=2)
    with ThreadPoolExecutor(2) as ex:
        threads = pactsim.sweep(VARIANTS, base=SC, n=30_000, seed=2, executor=ex)
    procs = pactsim.sweep(VARIANTS, base=SC, n=30_000, seed=2, workers=2)
    pd.testing.assert_frame_equal(here, threads)
    pd.testing.assert_frame_equal(here, procs)


def test_questions_and_expressions_and_exact() -> None:
    df = pactsim.sweep([SC], ["storm", "rain or wind", "wind"], method="exact")
    assert list(df.kind) == ["question", "expr", "event"]
    assert df.p.tolist() == pytest.approx([0.24, 1 - 0.7 * 0.8, 0.24 + 0.14])
    assert (df.stderr == 0).all() and df.seed.isna().all() and df.n.isna().all()


def test_a_design_frame_is_one_item_per_row() -> None:
    design = pd.DataFrame({"rain.p": [0.2, 0.4, 0.6]}, index=["a", "b", "c"])
    df = pactsim.sweep(design, ["rain"], base=SC, method="exact")
    assert list(df.item) == ["a", "b", "c"]
    assert df.p.tolist() == pytest.approx([0.2, 0.4, 0.6])
    assert list(df.changes) == ["rain.p=0.2", "rain.p=0.4", "rain.p=0.6"]


def test_a_bad_variant_raises_the_same_error_on_a_worker_process() -> None:
    bad = {"ok": {"rain.p": 0.5}, "bad": {"rain.p": 1.5}}
    with pytest.raises(ScenarioError) as here:
        pactsim.sweep(bad, base=SC, n=1_000, seed=1)
    with ProcessPoolExecutor(1) as ex, pytest.raises(ScenarioError) as there:
        pactsim.sweep(bad, base=SC, n=1_000, seed=1, executor=ex)
    assert str(there.value) == str(here.value)
    assert there.value.problems == here.value.problems
    assert "rain.p" in str(here.value)


def test_too_wide_for_exact_keeps_its_width_through_a_worker_process() -> None:
    events = "".join(f"  e{i:02d}: {{p: 0.1}}\n" for i in range(40))
    wide = pactsim.loads("pactsim: 1\nid: w\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                         "events:\n" + events)
    q = "any(" + ", ".join(f"e{i:02d}" for i in range(40)) + ")"
    with ProcessPoolExecutor(1) as ex, pytest.raises(ModelTooWideError) as info:
        pactsim.sweep([wide], [q], method="exact", executor=ex)
    assert info.value.width == 40


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"items": [{"rain.p": 0.5}]}, ArgumentError, "pass the scenario they change as base="),
    ({"items": 3}, ArgumentTypeError, "sweep\\(\\) needs scenarios"),
    ({"items": [3]}, ArgumentTypeError, "sweep item 0 must be a Scenario"),
    ({"items": [SC], "method": "mcmc"}, ArgumentError,
     r"method must be 'mc' \(or 'montecarlo'\) or 'exact'"),
    ({"items": [SC], "method": "auto"}, ArgumentError, "one method, so that its rows compare"),
    ({"items": [SC], "method": "exact", "n": 1000}, ArgumentError, "n is for Monte Carlo"),
    ({"items": [SC], "n": 0}, ArgumentError, "n must be between 1"),
    ({"items": [SC], "questions": [""]}, ArgumentTypeError, "questions must be non-empty"),
    ({"items": [SC], "base": "x"}, ArgumentTypeError, "base must be a Scenario"),
    ({"items": [SC], "executor": "pool"}, ArgumentTypeError, "executor must be"),
])
def test_arguments_are_checked(kwargs: dict[str, object], error: type[Exception],
                               match: str) -> None:
    with pytest.raises(error, match=match):
        pactsim.sweep(**kwargs)  # type: ignore[arg-type]


def test_montecarlo_is_mc_as_in_the_other_analyses() -> None:
    """review-python16 F9: sweep refused the spelling diff and score take."""
    a = pactsim.sweep([SC], n=2_000, seed=1, method="montecarlo")
    b = pactsim.sweep([SC], n=2_000, seed=1, method="mc")
    assert a.p.tolist() == b.p.tolist() and set(a.method) == set(b.method)
