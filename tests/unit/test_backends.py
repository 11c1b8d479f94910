"""The backend interface: ordered results, a bounded window, progress as tasks
complete, and errors that survive the trip back from a worker (pickling)."""

from __future__ import annotations

import pickle
import threading
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from pactsim.backends import ordered_results, resolve_executor
from pactsim.errors import (
    ArgumentError,
    ArgumentTypeError,
    ConditionError,
    ExactUnsupportedError,
    ExecutionError,
    ModelTooWideError,
    PactsimError,
    Problem,
    ScenarioError,
)

ERRORS = [
    ScenarioError([Problem("= 1.3 must be in [0, 1]", field="events.a.p", path="x.yaml",
                           line=6, column=10, value=1.3),
                   Problem("unknown name 'su35_sal'", field="events.b.requires[0]",
                           path="x.yaml", line=7, column=26, value="su35_sal")]),
    ScenarioError("one line, no file"),
    ModelTooWideError("a table of 2**40 rows", width=40),
    ConditionError("never held"),
    ExactUnsupportedError("d1 > d2"),
    ArgumentError("n must be >= 1"),
    ArgumentTypeError("seed must be an int"),
    ExecutionError("chunk failed"),
]


@pytest.mark.parametrize("err", ERRORS, ids=lambda e: type(e).__name__)
def test_errors_round_trip_through_pickle(err: PactsimError) -> None:
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is type(err)
    assert str(back) == str(err) and back.args == err.args
    if isinstance(err, ScenarioError):
        assert isinstance(back, ScenarioError)
        assert back.problems == err.problems
        assert (back.path, back.line, back.column, back.field, back.value) == (
            err.path, err.line, err.column, err.field, err.value)
    if isinstance(err, ModelTooWideError):
        assert isinstance(back, ModelTooWideError)
        assert back.width == err.width


def _square(x: int) -> int:
    return x * x


def _fail(x: int) -> int:
    if x == 3:
        raise ModelTooWideError("too wide", width=x)
    if x == 4:
        raise KeyError("boom")
    return x


class _Bar:
    def __init__(self) -> None:
        self.updates: list[int] = []

    def update(self, k: int) -> None:
        self.updates.append(k)


def test_results_come_in_task_order_with_a_bounded_window() -> None:
    taken = []

    def tasks():
        for i in range(20):
            taken.append(i)
            yield (i,), i + 1, f"task {i}"

    bar = _Bar()
    with ThreadPoolExecutor(4) as ex:
        out = []
        for r in ordered_results(ex, _square, tasks(), window=3, bar=bar):
            out.append(r)
            assert len(taken) - len(out) <= 3  # never more than the window in flight
    assert out == [i * i for i in range(20)]
    assert sorted(bar.updates) == list(range(1, 21))


def test_progress_counts_a_task_that_finishes_before_the_one_ahead_of_it() -> None:
    """The second task completes while the first is still blocked: the bar shows it."""
    gate = threading.Event()

    def work(i: int) -> int:
        if i == 0:
            gate.wait(10)
        return i

    seen: list[int] = []

    class Bar(_Bar):
        def update(self, k: int) -> None:
            super().update(k)
            seen.append(k)
            if k == 20:  # the second task's weight: now let the first one finish
                gate.set()

    bar = Bar()
    with ThreadPoolExecutor(2) as ex:
        out = list(ordered_results(ex, work, [((0,), 10, "a"), ((1,), 20, "b")], 2, bar))
    assert out == [0, 1]
    assert seen == [20, 10]


def test_a_pactsim_error_is_raised_as_is_and_others_are_named() -> None:
    with ThreadPoolExecutor(2) as ex:
        with pytest.raises(ModelTooWideError) as info:
            list(ordered_results(ex, _fail, [((i,), 1, f"task {i}") for i in range(6)], 2))
        assert info.value.width == 3
        with pytest.raises(ExecutionError, match=r"task 4 failed on the executor: KeyError"):
            list(ordered_results(ex, _fail, [((i,), 1, f"task {i}") for i in (4, 5)], 2))


def test_resolve_executor_keeps_plain_executors_and_refuses_others() -> None:
    with ThreadPoolExecutor(1) as ex:
        assert resolve_executor(ex, 3) == (ex, 3)
    with pytest.raises(TypeError):
        resolve_executor("pool", 1)  # type: ignore[arg-type]


def test_cancelled_when_the_caller_stops_early() -> None:
    futures: list[Future[int]] = []

    class Recording(ThreadPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
            fut = super().submit(fn, *args, **kwargs)
            futures.append(fut)
            return fut

    gate = threading.Event()

    def slow(i: int) -> int:
        if i > 0:
            gate.wait(10)
        return i

    with Recording(1) as ex:
        gen = ordered_results(ex, slow, [((i,), 1, "t") for i in range(5)], 3)
        assert next(gen) == 0
        gen.close()
        gate.set()
    assert len(futures) == 3  # the window, not all five
    assert futures[-1].cancelled()


def test_a_dead_worker_ends_the_wait_even_when_the_pool_misses_it():
    """CPython's pool sometimes misses a worker killed at an unlucky moment and waits for
    ever; ordered_results checks the workers while it waits and raises instead."""
    from concurrent.futures import Future

    from pactsim.backends import ordered_results
    from pactsim.errors import ExecutionError

    class Dead:
        exitcode = -9

    class Stuck:
        """An executor whose futures never finish, with one dead worker."""

        _processes = {1: Dead()}  # noqa: RUF012 - the shape of ProcessPoolExecutor's

        def submit(self, fn, *args):
            return Future()

    with pytest.raises(ExecutionError, match=r"a worker process of the pool exited \(code -9\)"):
        list(ordered_results(Stuck(), print, [((1,), 1, "task one")], window=2))


def test_the_progress_bar_is_plain_text_in_a_notebook_without_widgets(monkeypatch):
    """tqdm.auto warns on every bar in a notebook without ipywidgets; the text bar does not."""
    import sys
    import warnings

    from pactsim._progress import progress_bar

    monkeypatch.setitem(sys.modules, "ipykernel", object())
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import fails
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bar = progress_bar(total=3, disable=True)
    from tqdm.std import tqdm as text_bar

    assert type(bar) is text_bar
