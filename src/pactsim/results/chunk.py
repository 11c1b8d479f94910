"""The unit of work of a run: draw some blocks and summarise each block.

This module is what a worker process needs, so it stays light: numpy, the
engine and the streaming statistics — no pandas, no views (a worker of another
start method, or of a Dask cluster, imports only this).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from numpy.typing import NDArray

from pactsim.inference.compile import CompiledModel
from pactsim.inference.engine import Draws, block_size, sample_blocks
from pactsim.inference.weighting import EvidencePlan, apply_log_factors, finish_weights
from pactsim.results.stats import (
    Stats,
    WeightedStats,
    environment,
    evaluate_questions,
    summarize,
    summarize_weighted,
)

__all__ = ["Chunk", "init_worker", "run_chunk"]

#: Per-block statistics of a chunk (weighted under evidence), and its draws and
#: answers when they are kept.
Chunk = tuple[list[Stats] | list[WeightedStats], Draws | None, dict[str, NDArray[Any]] | None]


def run_chunk(model: CompiledModel, entropy: int, spawn_key: tuple[int, ...], n: int,
              start: int, stop: int, keep: bool, groups: dict[str, tuple[str, ...]],
              evidence: EvidencePlan | None = None) -> Chunk:
    """Draw blocks ``start:stop`` of an ``n``-draw run and summarise each block on its own
    (the run merges them in block order, so summaries do not depend on chunking).

    With ``evidence`` the draws are weighted (clamped nodes in the engine, then
    the rejected and soft findings over nodes and questions) and each block
    gives a :class:`~pactsim.results.stats.WeightedStats`.
    """
    engine_scales: list[float] = []
    hists: list[tuple[NDArray[Any], set[int]] | None] = []
    draws = sample_blocks(model, entropy, n, range(start, stop), spawn_key, evidence,
                          engine_scales, hists)
    answers = evaluate_questions(model, draws)
    if evidence is not None:
        assert draws.weight is not None
        log_f = None
        if evidence.residual or evidence.soft:
            values, dates = environment(model, draws)
            values.update(answers)
            log_f = finish_weights(evidence, values, dates, draws.weight)
        wparts: list[WeightedStats] = []
        a = 0
        for b in range(start, stop):
            z = a + block_size(n, b)
            # each block on its own scale (the engine's renormalisation, then the soft
            # findings' division by the largest weight), so the sums do not depend on
            # chunking; merging aligns the scales
            scale = engine_scales[b - start] if log_f is None else \
                engine_scales[b - start] + apply_log_factors(draws.weight[a:z], log_f[a:z])
            wparts.append(summarize_weighted(model, draws.take(slice(a, z)), draws.weight[a:z],
                                             {k: v[a:z] for k, v in answers.items()}, groups,
                                             scale))
            a = z
        return wparts, (draws if keep else None), (answers if keep else None)
    parts: list[Stats] = []
    a = 0
    for b in range(start, stop):
        z = a + block_size(n, b)
        block = Draws(draws.bits[:, a:z], draws.drivers[:, a:z], draws.days[:, a:z],
                      draws.signing_slot)
        parts.append(summarize(model, block, {k: v[a:z] for k, v in answers.items()}, groups,
                               hists[b - start]))
        a = z
    return parts, (draws if keep else None), (answers if keep else None)


def init_worker(parent: int) -> None:  # pragma: no cover - runs in the worker process
    """Make a worker process die with its parent and leave Ctrl-C to the parent.

    On Linux the worker asks the kernel for SIGKILL when its parent dies.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
