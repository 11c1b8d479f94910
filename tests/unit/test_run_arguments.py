"""The Python surface refuses bad arguments with a PactsimError that is also the
builtin a user would catch, naming the argument; runs fail cleanly on executors."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import pytest

import pactsim
from pactsim.errors import ArgumentError, ArgumentTypeError, ExecutionError, PactsimError
from pactsim.inference.engine import BLOCK

SC = pactsim.loads(
    "pactsim: 1\nid: x\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
    "events:\n  rain: {p: 0.3}\n"
    "signing:\n  by: {2024-06-30: 0.5, 2024-12-31: 0.8}\n"
    "pillars:\n  trade:\n    p: 0.5\n    clauses:\n      tariffs: {p: 0.5}\n"
    "questions:\n  early: signing.date <= 2024-03-31\n")


@pytest.fixture(scope="module")
def res() -> pactsim.Results:
    return pactsim.simulate(SC, n=20_000, seed=1)


@pytest.mark.parametrize(("kwargs", "cls", "match"), [
    ({"n": 0}, ValueError, "n must be between 1 and"),
    ({"n": -5}, ValueError, "n must be between 1 and"),
    ({"n": 1.5}, TypeError, "n must be a whole number"),
    ({"n": 10**32}, ValueError, "n must be between 1 and 1,000,000,000,000,000"),
    ({"n": True}, TypeError, "n must be a whole number"),
    ({"seed": "7"}, TypeError, "seed must be an int"),
    ({"seed": -1}, ValueError, "seed must be >= 0"),
    ({"chunk_size": "x"}, TypeError, "chunk_size must be a whole number"),
    ({"chunk_size": None}, TypeError, "chunk_size must be a whole number"),
    ({"chunk_size": float("inf")}, TypeError, "chunk_size must be a whole number"),
    ({"chunk_size": 0}, ValueError, "chunk_size must be >= 1"),
    ({"workers": "2"}, TypeError, "workers must be a whole number"),
    ({"workers": 1.5}, TypeError, "workers must be a whole number"),
    ({"workers": 0}, ValueError, "workers must be >= 1"),
    ({"keep_draws": "no"}, TypeError, "keep_draws must be True or False"),
    ({"executor": "pool"}, TypeError, "executor must be a concurrent.futures.Executor"),
])
def test_simulate_refuses_bad_arguments(kwargs: dict[str, Any], cls: type[Exception],
                                        match: str) -> None:
    with pytest.raises(cls, match=match) as info:
        pactsim.simulate(SC, **{"n": 100, **kwargs})
    assert isinstance(info.value, PactsimError)


def test_kept_draws_that_cannot_fit_are_refused_up_front() -> None:
    with pytest.raises(ArgumentError, match="keep_draws=False"):
        pactsim.simulate(SC, n=10**12, seed=1)


def test_large_n_without_kept_draws_plans_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    """n = 10^15 with keep_draws=False builds no list of blocks: the first chunk is
    drawn straight away (stopped here by a sentinel, not by memory)."""
    import pactsim.montecarlo as mc

    calls: list[tuple[int, int]] = []

    def stop(model: Any, entropy: int, spawn_key: Any, n: int, s: int, e: int, *a: Any) -> Any:
        calls.append((s, e))
        raise KeyboardInterrupt

    monkeypatch.setattr(mc, "_run_chunk", stop)
    with pytest.raises(KeyboardInterrupt):
        pactsim.simulate(SC, n=mc.MAX_N, seed=1, keep_draws=False)
    assert calls == [(0, mc.DEFAULT_CHUNK // BLOCK)]


def test_sibling_seed_sequences_give_different_runs() -> None:
    a, b = np.random.SeedSequence(42).spawn(2)
    ra = pactsim.simulate(SC, n=5_000, seed=a).to_frame()
    rb = pactsim.simulate(SC, n=5_000, seed=b).to_frame()
    assert not ra.equals(rb)
    again = pactsim.simulate(SC, n=5_000, seed=np.random.SeedSequence(42).spawn(2)[0])
    pd.testing.assert_frame_equal(again.to_frame(), ra)
    assert again.info.spawn_key == (0,)


def test_integer_seed_equals_its_seed_sequence() -> None:
    a = pactsim.simulate(SC, n=5_000, seed=9).to_frame()
    b = pactsim.simulate(SC, n=5_000, seed=np.random.SeedSequence(9)).to_frame()
    pd.testing.assert_frame_equal(a, b)


class _BrokenSubmit(Executor):
    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        raise RuntimeError("cluster is gone")


class _FailSecond(ThreadPoolExecutor):
    """Runs chunks in threads; the second chunk fails."""

    def __init__(self) -> None:
        super().__init__(1)
        self.futures: list[Future[Any]] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        if len(self.futures) == 1:
            fut: Future[Any] = Future()
            fut.set_exception(MemoryError("worker ran out of memory"))
        else:
            fut = super().submit(fn, *args, **kwargs)
        self.futures.append(fut)
        return fut


def test_executor_that_cannot_submit() -> None:
    with pytest.raises(ExecutionError, match="could not submit chunk of blocks 0–0") as info:
        pactsim.simulate(SC, n=3 * BLOCK, seed=1, chunk_size=BLOCK, executor=_BrokenSubmit())
    assert isinstance(info.value.__cause__, RuntimeError)


def test_failed_chunk_names_itself_and_cancels_the_rest() -> None:
    ex = _FailSecond()
    with pytest.raises(ExecutionError, match=r"chunk of blocks 1–1 .* MemoryError") as info:
        pactsim.simulate(SC, n=8 * BLOCK, seed=1, chunk_size=BLOCK, executor=ex)
    ex.shutdown()
    assert isinstance(info.value.__cause__, MemoryError)
    # a bounded window: never more than 2 x workers chunks were submitted
    assert len(ex.futures) <= 3
    assert all(f.done() for f in ex.futures)


@pytest.mark.parametrize("dates", ["2024-06-30", dt.date(2024, 6, 30),
                                   np.datetime64("2024-06-30"), pd.Timestamp("2024-06-30"),
                                   ["2024-06-30"]])
def test_signing_cdf_takes_one_date_or_many(res: pactsim.Results, dates: Any) -> None:
    cdf = res.signing_cdf(dates)
    assert list(cdf.index) == [pd.Timestamp("2024-06-30")]
    ex = pactsim.exact(SC).signing_cdf(dates)
    assert ex["p"].iloc[0] == pytest.approx(0.5)
    assert abs(cdf["p"].iloc[0] - 0.5) < 4 * cdf["stderr"].iloc[0]


@pytest.mark.parametrize(("dates", "cls", "match"), [
    ("2025-06-30", ArgumentError, "after the scenario's horizon 2024-12-31"),
    ([np.datetime64("NaT")], ArgumentError, "NaT is not a date"),
    ("31/12/2024", ArgumentError, "is not a date"),
    (3.5, ArgumentTypeError, "dates must be a date or a sequence"),
    ([None], ArgumentTypeError, "is not a date"),
])
def test_signing_cdf_refuses_what_it_cannot_answer(res: pactsim.Results, dates: Any,
                                                   cls: type[Exception], match: str) -> None:
    for r in (res, pactsim.exact(SC)):
        with pytest.raises(cls, match=match):
            r.signing_cdf(dates)


@pytest.mark.parametrize("probs", [[1.5], [-1], [float("nan")], [0.0], ["0.5"]])
def test_signing_quantiles_refuses_bad_levels(res: pactsim.Results, probs: Any) -> None:
    with pytest.raises(PactsimError, match="probs"):
        res.signing_quantiles(probs)


def test_quantiles_given_signed_differ_from_unconditional() -> None:
    """P(signed by 2024-06-30) = 0.5 and by the horizon 0.8 (linear in between): the
    median given signed is where F = 0.4, before 2024-06-30; the unconditional
    median is where F = 0.5, on 2024-06-30 itself."""
    for r in (pactsim.simulate(SC, n=200_000, seed=3, keep_draws=False), pactsim.exact(SC)):
        cond = r.signing_quantiles([0.5])[0.5]
        uncond = r.signing_quantiles([0.5], given_signed=False)[0.5]
        # F(d) = 0.5 * days / 181 up to 2024-06-30 (day 181): F = 0.4 at day 144.8
        assert abs((cond - pd.Timestamp("2024-05-24")).days) <= 2
        assert abs((uncond - pd.Timestamp("2024-06-30")).days) <= 2


@pytest.mark.parametrize(("call", "cls"), [
    (lambda r: r.prob(None), TypeError),
    (lambda r: r.prob(b"rain"), TypeError),
    (lambda r: r.prob("rain", given=3), TypeError),
    (lambda r: r.bundles(top=-1), ValueError),
    (lambda r: r.bundles(top="3"), TypeError),
    (lambda r: r.bundles(of="nosuch"), ValueError),
    (lambda r: r.numeric(None), TypeError),
])
def test_results_methods_name_their_argument(res: pactsim.Results, call: Any,
                                             cls: type[Exception]) -> None:
    with pytest.raises(cls) as info:
        call(res)
    assert isinstance(info.value, PactsimError)


@pytest.mark.parametrize("expr", ["signing.date <= 2025-06-30",
                                  "rain and signing.date > 2026-01-01"])
def test_expressions_about_dates_after_the_horizon_are_refused(res: pactsim.Results,
                                                               expr: str) -> None:
    """P(signed by a date after the horizon) would silently be P(signed by the horizon)."""
    for r in (res, pactsim.exact(SC)):
        with pytest.raises(ValueError, match="after the horizon"):
            r.prob(expr)
        with pytest.raises(ValueError, match="after the horizon"):
            r.prob("rain", given=expr)
    assert res.prob("signing.date <= 2024-12-31").value == pytest.approx(
        res.prob("signing").value)
