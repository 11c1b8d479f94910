"""`simulate`: run the engine over chunks, in-process or on workers.

The run is cut into random-stream blocks of :data:`pactsim.inference.engine.BLOCK` draws
(the unit of reproducibility) grouped into chunks (the unit of work and
memory). ``(scenario, n, seed)`` fixes every draw, whatever ``chunk_size``,
``workers`` or ``executor``.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pactsim._version import __version__
from pactsim.inference.compile import CompiledModel, compile_scenario
from pactsim.inference.engine import BLOCK, Draws, block_sizes, sample_blocks
from pactsim.language.scenario import Scenario
from pactsim.results.montecarlo import Results, RunInfo
from pactsim.results.stats import Stats, evaluate_questions, summarize

__all__ = ["RunConfig", "resolve_seed", "simulate"]

DEFAULT_CHUNK = 4 * BLOCK


@dataclass(frozen=True)
class RunConfig:
    """How a run is carried out (never what it computes).

    ``chunk_size`` draws are held in memory per worker at a time (rounded up to
    a multiple of :data:`~pactsim.inference.engine.BLOCK`).
    """

    chunk_size: int = DEFAULT_CHUNK
    workers: int = 1
    keep_draws: bool = True
    progress: bool | None = None

    def blocks_per_chunk(self) -> int:
        return max(1, math.ceil(self.chunk_size / BLOCK))


def resolve_seed(seed: int | np.random.Generator | np.random.SeedSequence | None) -> int:
    """Turn ``seed`` into the integer entropy recorded in results.

    ``None`` draws fresh entropy from the OS (recorded, so the run can be
    repeated); a ``Generator`` gives up 128 bits of its stream.
    """
    if seed is None:
        return int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    if isinstance(seed, np.random.SeedSequence):
        return int(seed.entropy)  # type: ignore[arg-type]
    if isinstance(seed, np.random.Generator):
        hi, lo = seed.integers(0, 2**63, size=2, dtype=np.int64)
        return (int(hi) << 63) | int(lo)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"seed must be an int, a numpy Generator or None, not {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, not {seed}")
    return int(seed)


def _run_chunk(model: CompiledModel, entropy: int, n: int, start: int, stop: int,
               keep: bool) -> tuple[Stats, Draws | None, dict[str, NDArray[Any]] | None]:
    draws = sample_blocks(model, entropy, n, range(start, stop))
    answers = evaluate_questions(model, draws)
    stats = summarize(model, draws, answers)
    return stats, (draws if keep else None), (answers if keep else None)


def _show_progress(progress: bool | None, n: int) -> bool:
    if progress is not None:
        return progress
    if n < 2_000_000 or "pytest" in sys.modules:
        return False
    return sys.stderr.isatty() or "ipykernel" in sys.modules


def simulate(
    scenario: Scenario,
    n: int = 100_000,
    *,
    seed: int | np.random.Generator | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    workers: int = 1,
    executor: Executor | None = None,
    keep_draws: bool = True,
    progress: bool | None = None,
) -> Results:
    """Sample ``n`` whole agreements from a scenario.

    Parameters
    ----------
    scenario:
        A validated scenario (:func:`pactsim.load`).
    n:
        Number of draws. Standard errors shrink as ``1/sqrt(n)``.
    seed:
        Integer, ``numpy.random.Generator`` or ``None`` (fresh entropy, recorded
        in ``results.seed``). The same ``(scenario, n, seed)`` gives the same
        draws whatever ``chunk_size``, ``workers`` or ``executor``.
    chunk_size:
        Draws generated at a time per worker (memory ≈ ``chunk_size × (nodes +
        8 × (drivers + questions) + 8)`` bytes per worker); rounded up to a
        multiple of 65 536.
    workers:
        Local worker processes (1 = in this process).
    executor:
        Any :class:`concurrent.futures.Executor` to run chunks on (e.g. a Dask
        ``distributed`` client's executor); overrides ``workers``.
    keep_draws:
        Keep every draw (needed for arbitrary expressions and ``to_frame``).
        With ``False`` memory does not grow with ``n``: one chunk per worker
        plus a table of distinct clause sets pruned to the most frequent
        :data:`pactsim.results.stats.MAX_BUNDLES` whenever it doubles that.
    progress:
        Show a progress bar (``None``: only for long interactive runs).

    Returns
    -------
    Results

    Examples
    --------
    >>> import pactsim
    >>> sc = pactsim.loads("pactsim: 1\\nid: demo\\nas_of: 2024-01-01\\n"
    ...                    "horizon: 2024-12-31\\nevents:\\n  rain: {p: 0.3}\\n")
    >>> res = pactsim.simulate(sc, n=10_000, seed=1)
    >>> round(res.prob("rain").value, 2)
    0.3
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f"simulate() needs a Scenario (from pactsim.load), not {type(scenario)}")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a positive integer number of draws, not {n!r}")
    if workers < 1:
        raise ValueError(f"workers must be >= 1, not {workers}")
    n = int(n)
    entropy = resolve_seed(seed)
    config = RunConfig(chunk_size=max(int(chunk_size), 1), workers=workers,
                       keep_draws=keep_draws, progress=progress)
    model = compile_scenario(scenario)
    n_blocks = len(block_sizes(n))
    per = config.blocks_per_chunk()
    chunks = [(s, min(s + per, n_blocks)) for s in range(0, n_blocks, per)]
    t0 = time.perf_counter()

    own: Executor | None = None
    if executor is None and workers > 1 and len(chunks) > 1:
        own = executor = ProcessPoolExecutor(max_workers=min(workers, os.cpu_count() or 1))
    try:
        parts = _execute(model, entropy, n, chunks, keep_draws, executor,
                         _show_progress(progress, n))
        stats: Stats | None = None
        kept: list[Draws] = []
        answers: list[dict[str, NDArray[Any]]] = []
        for st, dr, an in parts:
            stats = st if stats is None else stats.merge(st)
            if dr is not None and an is not None:
                kept.append(dr)
                answers.append(an)
    finally:
        if own is not None:
            own.shutdown(cancel_futures=True)
    assert stats is not None
    draws = Draws.concat(kept) if kept else None
    merged = ({k: np.concatenate([a[k] for a in answers]) for k in answers[0]}
              if answers else None)
    info = RunInfo(scenario.id, scenario.digest, n, entropy, __version__,
                   per * BLOCK, 1 if executor is None else workers,
                   time.perf_counter() - t0)
    return Results(scenario, model, stats, draws, merged, info)


def _execute(model: CompiledModel, entropy: int, n: int, chunks: list[tuple[int, int]],
             keep: bool, executor: Executor | None, show: bool,
             ) -> Iterator[tuple[Stats, Draws | None, dict[str, NDArray[Any]] | None]]:
    bar = None
    if show:
        from tqdm.auto import tqdm

        bar = tqdm(total=n, unit="draw", unit_scale=True, desc=model.scenario_id)
    sizes = block_sizes(n)
    try:
        if executor is None:
            for s, e in chunks:
                yield _run_chunk(model, entropy, n, s, e, keep)
                if bar is not None:
                    bar.update(sum(sizes[s:e]))
        else:
            futures = [executor.submit(_run_chunk, model, entropy, n, s, e, keep)
                       for s, e in chunks]
            for (s, e), fut in zip(chunks, futures, strict=True):
                yield fut.result()
                if bar is not None:
                    bar.update(sum(sizes[s:e]))
    finally:
        if bar is not None:
            bar.close()
