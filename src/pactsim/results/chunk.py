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
from pactsim.results.stats import Stats, evaluate_questions, summarize

__all__ = ["Chunk", "init_worker", "run_chunk"]

#: Per-block statistics of a chunk, and its draws and answers when they are kept.
Chunk = tuple[list[Stats], Draws | None, dict[str, NDArray[Any]] | None]


def run_chunk(model: CompiledModel, entropy: int, spawn_key: tuple[int, ...], n: int,
              start: int, stop: int, keep: bool, groups: dict[str, tuple[str, ...]]) -> Chunk:
    """Draw blocks ``start:stop`` of an ``n``-draw run and summarise each block on its own
    (the run merges them in block order, so summaries do not depend on chunking)."""
    draws = sample_blocks(model, entropy, n, range(start, stop), spawn_key)
    answers = evaluate_questions(model, draws)
    parts: list[Stats] = []
    a = 0
    for b in range(start, stop):
        z = a + block_size(n, b)
        block = Draws(draws.bits[:, a:z], draws.drivers[:, a:z], draws.days[:, a:z],
                      draws.signing_slot)
        parts.append(summarize(model, block, {k: v[a:z] for k, v in answers.items()}, groups))
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
