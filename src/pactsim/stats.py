"""Streaming statistics of draws: mergeable, exact counts, bounded memory.

:func:`summarize` turns one chunk of :class:`~pactsim.engine.Draws` into a
:class:`Stats`; :meth:`Stats.merge` adds chunks together in order. Memory does
not grow with the number of draws except through the bundle table, which is
capped at :data:`MAX_BUNDLES` distinct clause sets (beyond that the rarest sets
are dropped and the largest count a dropped set could have had is recorded in
``bundle_error``). Pure numpy; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from pactsim import expr as _expr
from pactsim.compile import CompiledModel
from pactsim.engine import NAT, Draws

__all__ = ["MAX_BUNDLES", "MAX_VALUES", "Stats", "evaluate_questions", "summarize"]

#: Distinct clause sets kept exactly in streaming statistics.
MAX_BUNDLES = 100_000
#: Distinct values of a numeric question kept for its distribution.
MAX_VALUES = 10_000


def environment(
    model: CompiledModel, draws: Draws
) -> tuple[dict[str, NDArray[np.generic]], dict[str, NDArray[np.generic]]]:
    """Values and dates of every node for expression evaluation."""
    values: dict[str, NDArray[np.generic]] = {n: draws.bits[i] for i, n in enumerate(model.names)}
    for k, d in enumerate(model.drivers):
        values[d.name] = draws.drivers[k]
    dates: dict[str, NDArray[np.generic]] = {}
    if model.signing_index >= 0:
        dates["signing"] = draws.signing_day.view("datetime64[D]")
    return values, dates


def evaluate_questions(model: CompiledModel, draws: Draws) -> dict[str, NDArray[np.generic]]:
    """Evaluate every scenario question over the draws, in dependency order."""
    values, dates = environment(model, draws)
    out: dict[str, NDArray[np.generic]] = {}
    for name, (tree, _t) in model.questions.items():
        out[name] = values[name] = _expr.evaluate(tree, values, dates)
    return out


@dataclass
class Stats:
    """Counts accumulated over draws.

    Attributes
    ----------
    n:
        Number of draws.
    node_counts:
        ``(n_binary,)`` times each binary node was true.
    signing_hist:
        ``(horizon - as_of + 1,)`` draws signed on each day (index 0 is as_of).
    bool_counts:
        Times each boolean question was true.
    num_moments:
        ``(sum, sum of squares)`` of each numeric question (dates as day numbers).
    num_count:
        Draws where each numeric question had a value (dates can be missing).
    num_values:
        Exact counts of each numeric question's values, or ``None`` once more
        than :data:`MAX_VALUES` distinct values were seen.
    bundles:
        Draw count of each set of pillars and clauses, keyed by packed bits of
        ``model.content_names``.
    """

    n: int
    node_counts: NDArray[np.int64]
    signing_hist: NDArray[np.int64]
    bool_counts: dict[str, int] = field(default_factory=dict)
    num_moments: dict[str, tuple[float, float]] = field(default_factory=dict)
    num_count: dict[str, int] = field(default_factory=dict)
    num_values: dict[str, dict[float, int] | None] = field(default_factory=dict)
    bundles: dict[bytes, int] = field(default_factory=dict)
    bundle_error: int = 0

    def merge(self, other: Stats) -> Stats:
        """Add another chunk's counts (in place) and return self."""
        self.n += other.n
        self.node_counts += other.node_counts
        self.signing_hist += other.signing_hist
        for k, v in other.bool_counts.items():
            self.bool_counts[k] = self.bool_counts.get(k, 0) + v
        for k, (s, ss) in other.num_moments.items():
            s0, ss0 = self.num_moments.get(k, (0.0, 0.0))
            self.num_moments[k] = (s0 + s, ss0 + ss)
            self.num_count[k] = self.num_count.get(k, 0) + other.num_count[k]
        for k, vals in other.num_values.items():
            mine = self.num_values.get(k, {})
            if mine is None or vals is None:
                self.num_values[k] = None
                continue
            for v, c in vals.items():
                mine[v] = mine.get(v, 0) + c
            self.num_values[k] = mine if len(mine) <= MAX_VALUES else None
        for key, c in other.bundles.items():
            self.bundles[key] = self.bundles.get(key, 0) + c
        self.bundle_error = max(self.bundle_error, other.bundle_error)
        if len(self.bundles) > 2 * MAX_BUNDLES:
            self._prune()
        return self

    def _prune(self) -> None:
        counts = np.fromiter(self.bundles.values(), dtype=np.int64, count=len(self.bundles))
        cut = int(np.partition(counts, len(counts) - MAX_BUNDLES)[len(counts) - MAX_BUNDLES])
        dropped = [k for k, c in self.bundles.items() if c < cut]
        for k in dropped:
            self.bundle_error = max(self.bundle_error, self.bundles.pop(k))


def _bundle_counts(bits: NDArray[np.bool_], rows: list[int]) -> dict[bytes, int]:
    if not rows:
        return {b"": int(bits.shape[1])}
    packed = np.packbits(bits[rows].T, axis=1)  # (n, ceil(k/8)) uint8
    flat = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1]))).ravel()
    keys, counts = np.unique(flat, return_counts=True)
    return {bytes(k): int(c) for k, c in zip(keys, counts, strict=True)}


def summarize(
    model: CompiledModel, draws: Draws, answers: dict[str, NDArray[np.generic]] | None = None
) -> Stats:
    """Statistics of one chunk of draws (``answers``: evaluated questions, if at hand)."""
    if answers is None:
        answers = evaluate_questions(model, draws)
    width = max(model.horizon - model.as_of + 1, 1)
    hist = np.zeros(width, dtype=np.int64)
    if model.signing_index >= 0:
        day = draws.signing_day[draws.signing_day != NAT] - model.as_of
        hist += np.bincount(day, minlength=width)[:width]
    stats = Stats(
        n=draws.n,
        node_counts=draws.bits.sum(axis=1, dtype=np.int64),
        signing_hist=hist,
    )
    for name, (_tree, t) in model.questions.items():
        a = answers[name]
        if t == "bool":
            stats.bool_counts[name] = int(np.count_nonzero(a))
            continue
        if t == "date":
            valid = a[~np.isnat(a)]
            x = valid.astype(np.int64).astype(np.float64)
        else:
            x = np.asarray(a, dtype=np.float64)
        stats.num_moments[name] = (float(x.sum()), float((x * x).sum()))
        stats.num_count[name] = int(x.shape[0])
        vals, counts = np.unique(x, return_counts=True)
        stats.num_values[name] = (
            {float(v): int(c) for v, c in zip(vals, counts, strict=True)}
            if len(vals) <= MAX_VALUES else None
        )
    rows = [model.index[n] for n in model.content_names]
    stats.bundles = _bundle_counts(draws.bits, rows)
    return stats
