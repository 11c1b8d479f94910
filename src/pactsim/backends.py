"""Where chunks and sweep items run: in this process, local processes, or Dask.

One small interface for every backend: an object with ``submit(fn, *args)``
returning a :class:`concurrent.futures.Future`. :func:`resolve_executor` turns
what a user passes as ``executor=`` into that interface and says how many tasks
it can run at once; :func:`ordered_results` runs a lazy stream of tasks on it
with a bounded number in flight and yields their results in submission order,
advancing a progress bar as each task completes (in whatever order).

A ``dask.distributed.Client`` (or its ``get_executor()``) is used through
Dask's own ``concurrent.futures`` adapter with ``pure=False``: every task
carries its seed as an argument and gets a fresh key, so nothing relies on
Dask's caching of pure tasks, and a task lost with a worker is recomputed by
Dask's scheduler from its arguments (up to its ``allowed-failures``). Dask is
never imported here: a client is recognised by its type's module, so the
``dask`` extra is needed only by those who pass one.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from concurrent.futures import TimeoutError as FuturesTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from pactsim.errors import ArgumentTypeError, ExecutionError, PactsimError

__all__ = ["DaskClientLike", "ExecutorLike", "ordered_results", "pool_abandoned",
           "resolve_executor", "stop_pool"]

T = TypeVar("T")


class DaskClientLike(Protocol):
    """What pactsim uses of a ``dask.distributed.Client``."""

    def get_executor(self, **kwargs: Any) -> Executor: ...

    def nthreads(self) -> dict[str, int]: ...


#: What ``executor=`` accepts.
ExecutorLike = Executor | DaskClientLike


def _is_dask(obj: object, cls: str) -> bool:
    t = type(obj)
    return any(k.__module__.split(".")[0] == "distributed" and k.__name__ == cls
               for k in t.__mro__)


def executor_argument(executor: object, workers: int) -> tuple[Executor, int]:
    """:func:`resolve_executor` for a user's ``executor=`` argument: anything that is
    neither an executor nor a Dask client is an :class:`ArgumentTypeError`."""
    try:
        return resolve_executor(executor, workers)  # type: ignore[arg-type]
    except TypeError:
        raise ArgumentTypeError(
            f"executor must be a concurrent.futures.Executor (with .submit) or a "
            f"dask.distributed Client, not {type(executor).__name__}") from None


def resolve_executor(executor: ExecutorLike, workers: int) -> tuple[Executor, int]:
    """``(executor, workers)`` for what the user passed as ``executor=``.

    A Dask ``Client`` becomes ``client.get_executor(pure=False)``; a Dask
    ``ClientExecutor`` is rebuilt with ``pure=False`` (its other options kept).
    For Dask, ``workers`` is the cluster's thread count when it is larger than
    the ``workers`` given (at least 1 even while no worker has joined yet); for
    any other executor it is ``workers`` as given.
    """
    client: Any = None
    if _is_dask(executor, "Client"):
        client = executor
        out: Executor = client.get_executor(pure=False)
    elif _is_dask(executor, "ClientExecutor"):
        client = executor._client  # type: ignore[union-attr]
        kwargs = {**getattr(executor, "_kwargs", {}), "pure": False}
        out = client.get_executor(**kwargs)
    elif callable(getattr(executor, "submit", None)):
        return executor, workers  # type: ignore[return-value]
    else:
        raise TypeError(type(executor).__name__)
    try:
        threads = int(sum(client.nthreads().values()))
    except Exception as exc:  # the scheduler is gone or unreachable
        raise ExecutionError(f"could not reach the Dask scheduler: {type(exc).__name__}: "
                             f"{exc}") from exc
    return out, max(workers, threads, 1)


def ordered_results(
    executor: Executor,
    fn: Callable[..., T],
    tasks: Iterable[tuple[tuple[Any, ...], int, str]],
    window: int,
    bar: Any = None,
) -> Iterator[T]:
    """``fn(*args)`` for each task, in task order, at most ``window`` in flight.

    ``tasks`` yields ``(args, weight, what)``: the arguments, the progress a
    task is worth (draws, items) and how a failure names it ("chunk of blocks
    0–3 (draws 0–262,143)"). Tasks are taken lazily, so memory holds at most
    ``window`` results. When a task is done its weight is added to ``bar`` at
    once, even if earlier tasks are still running; its result waits for its
    turn. A :class:`PactsimError` raised by a task is raised as is (the same
    error a run in this process gives); any other failure becomes an
    :class:`ExecutionError` naming the task, chained to the original. Tasks
    not yet finished are cancelled when the caller stops early or one fails.
    """
    pending: deque[_Task[T]] = deque()
    counted: set[int] = set()  # ids of futures whose progress is shown
    try:
        for args, weight, what in tasks:
            while len(pending) >= window:
                yield _next(pending, bar, counted, executor)
            try:
                fut = executor.submit(fn, *args)
            except Exception as exc:
                raise ExecutionError(f"could not submit {what} to the executor: "
                                     f"{type(exc).__name__}: {exc}") from exc
            pending.append(_Task(fut, weight, what))
        while pending:
            yield _next(pending, bar, counted, executor)
    finally:
        for task in pending:
            task.future.cancel()


@dataclass(frozen=True, slots=True)
class _Task(Generic[T]):
    future: Future[T]
    weight: int
    what: str


#: Seconds between checks that a process pool's workers are all alive while waiting.
_POLL = 0.5


def _dead_worker(executor: Executor | None) -> int | None:
    """The exit code of a dead worker of a local process pool, or ``None``.

    CPython's pool notices a worker killed mid-task by itself, but not always: a
    worker killed at some moments (under load, observed once in a few dozen runs)
    leaves the pool waiting for a result that never comes. Checking the workers
    while waiting turns that hang into the error the pool would have raised.
    """
    procs = getattr(executor, "_processes", None)
    if not isinstance(procs, dict):
        return None
    for proc in list(procs.values()):
        code = getattr(proc, "exitcode", None)
        if code is not None:
            return int(code)
    return None


#: Whether :func:`stop_pool` left a pool to wind down in this process.
_ABANDONED = False


def pool_abandoned() -> bool:
    """Whether this process stopped a pool without waiting (:func:`stop_pool`): its
    manager thread may then never end, and Python joins it at exit, so a program
    that owns the process (the console script) should end with ``os._exit``."""
    return _ABANDONED


def stop_pool(executor: Executor) -> None:
    """Stop a local process pool after an error, without waiting for it.

    ``shutdown(wait=True)`` after a worker died can wait forever: when the pool
    did not notice the death itself (see :func:`_dead_worker`), its manager
    thread still waits for that worker's result, and a live worker finishes its
    whole chunk first. So the workers are killed, pending work is cancelled and
    the pool is left to wind down (its manager thread sees every worker gone).
    """
    global _ABANDONED
    _ABANDONED = True
    procs = getattr(executor, "_processes", None)
    for proc in list(procs.values()) if isinstance(procs, dict) else []:
        kill = getattr(proc, "kill", None)
        if callable(kill) and getattr(proc, "exitcode", 0) is None:
            with contextlib.suppress(OSError, ValueError):  # already gone, or closed
                kill()
    executor.shutdown(wait=False, cancel_futures=True)


def _result(task: _Task[T], executor: Executor | None) -> T:
    while True:
        try:
            return task.future.result(timeout=_POLL)
        except FuturesTimeout:
            code = _dead_worker(executor)
            if code is not None and not task.future.done():
                raise BrokenProcessPool(f"a worker process of the pool exited (code {code}) "
                                        "while the task was pending") from None


def _next(pending: deque[_Task[T]], bar: Any, counted: set[int],
          executor: Executor | None = None) -> T:
    """The first pending task's result; progress for every task done meanwhile."""
    head = pending[0]
    if bar is not None:
        while True:
            for t in pending:
                if t.future.done() and id(t.future) not in counted:
                    counted.add(id(t.future))
                    if not t.future.cancelled() and t.future.exception() is None:
                        bar.update(t.weight)
            if head.future.done() or _dead_worker(executor) is not None:
                break
            wait([t.future for t in pending if not t.future.done()],
                 return_when=FIRST_COMPLETED, timeout=_POLL)
        counted.discard(id(head.future))
    pending.popleft()
    try:
        return _result(head, executor)
    except PactsimError:
        raise  # the same error the run would give in this process
    except Exception as exc:
        raise ExecutionError(f"{head.what} failed on the executor: "
                             f"{type(exc).__name__}: {exc}") from exc
