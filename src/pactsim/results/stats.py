"""Streaming statistics of draws: mergeable, exact counts, bounded memory.

:func:`summarize` turns one chunk of :class:`~pactsim.inference.engine.Draws` into a
:class:`Stats`; :meth:`Stats.merge` adds chunks together in order. Memory does
not grow with the number of draws except through the bundle table, which is
capped at :data:`MAX_BUNDLES` distinct clause sets (beyond that the rarest sets
are dropped and the largest count a dropped set could have had is recorded in
``bundle_error``). Pure numpy; no I/O.

Bundles are counted in array form: each draw's clause set is packed into bytes
(as :func:`numpy.packbits` over ``model.content_names``), zero-padded and read
as ``uint64`` words. Sets of up to 64 pillars and clauses are one word and are
counted exactly by sorting it; longer sets are sorted by a 64-bit mix of their
words and every pair of draws that mix to the same value is checked word for
word, so the counts stay exact (a collision only switches to a full
lexicographic sort).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from pactsim.inference.compile import CompiledModel
from pactsim.inference.engine import NAT, Draws
from pactsim.language import expr as _expr

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
    bundle_keys, bundle_counts:
        ``(n_sets, n_words)`` distinct clause sets (packed bits of
        ``model.content_names``, zero-padded, as ``uint64`` words) and
        ``(n_sets,)`` their draw counts, in an internal sort order; see
        :attr:`bundles` for the same as a dict.
    bundle_width:
        Bytes of packed bits per clause set (``ceil(len(content_names) / 8)``).
    bundle_error:
        The largest count of a clause set dropped to respect :data:`MAX_BUNDLES`
        (0 while nothing was dropped).
    """

    n: int
    node_counts: NDArray[np.int64]
    signing_hist: NDArray[np.int64]
    bool_counts: dict[str, int] = field(default_factory=dict)
    num_moments: dict[str, tuple[float, float]] = field(default_factory=dict)
    num_count: dict[str, int] = field(default_factory=dict)
    num_values: dict[str, dict[float, int] | None] = field(default_factory=dict)
    bundle_keys: NDArray[np.uint64] = field(
        default_factory=lambda: np.zeros((0, 1), dtype=np.uint64))
    bundle_counts: NDArray[np.int64] = field(
        default_factory=lambda: np.zeros(0, dtype=np.int64))
    bundle_width: int = 0
    bundle_error: int = 0

    @property
    def bundles(self) -> dict[bytes, int]:
        """Draw count of each set of pillars and clauses, keyed by the
        :func:`numpy.packbits` bytes of ``model.content_names`` (built on access)."""
        raw = self.bundle_keys.view(np.uint8)[:, : self.bundle_width]
        return {bytes(k): int(c) for k, c in zip(raw, self.bundle_counts.tolist(), strict=True)}

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
            for value, c in vals.items():
                mine[value] = mine.get(value, 0) + c
            self.num_values[k] = mine if len(mine) <= MAX_VALUES else None
        if other.bundle_counts.shape[0]:
            if self.bundle_counts.shape[0]:
                self.bundle_width = max(self.bundle_width, other.bundle_width)
                keys = np.concatenate([self.bundle_keys, other.bundle_keys])
                counts = np.concatenate([self.bundle_counts, other.bundle_counts])
                # both halves are (nearly) sorted by their mix: a stable sort (timsort)
                # merges the two runs in close to linear time
                self.bundle_keys, self.bundle_counts = _reduce(keys, counts, kind="stable")
            else:
                self.bundle_keys, self.bundle_counts = other.bundle_keys, other.bundle_counts
                self.bundle_width = other.bundle_width
        self.bundle_error = max(self.bundle_error, other.bundle_error)
        if self.bundle_counts.shape[0] > 2 * MAX_BUNDLES:
            self._prune()
        return self

    def _prune(self) -> None:
        """Keep the :data:`MAX_BUNDLES` most frequent sets (ties: first in sort order)."""
        counts = self.bundle_counts
        m = counts.shape[0]
        top = int(counts.max())
        if top <= 8 * m:  # a histogram of the counts finds the cut in O(m)
            at_least = np.cumsum(np.bincount(counts)[::-1])[::-1]  # sets with count >= c
            cut = int(np.flatnonzero(at_least >= MAX_BUNDLES)[-1])
        else:
            cut = int(np.partition(counts, m - MAX_BUNDLES)[m - MAX_BUNDLES])
        keep = counts > cut
        ties = np.flatnonzero(counts == cut)[: MAX_BUNDLES - int(np.count_nonzero(keep))]
        keep[ties] = True
        self.bundle_error = max(self.bundle_error, int(counts[~keep].max()))
        self.bundle_keys = np.compress(keep, self.bundle_keys, axis=0)
        self.bundle_counts = counts[keep]


_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


_UNMIX1 = np.uint64(pow(0xBF58476D1CE4E5B9, -1, 1 << 64))
_UNMIX2 = np.uint64(pow(0x94D049BB133111EB, -1, 1 << 64))


def _mix(x: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """The SplitMix64 finalizer (a bijection of ``uint64``), elementwise, in place."""
    x ^= x >> np.uint64(30)
    x *= _MIX1
    x ^= x >> np.uint64(27)
    x *= _MIX2
    x ^= x >> np.uint64(31)
    return x


def _unmix(x: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """The inverse of :func:`_mix`, elementwise, in place."""
    x ^= (x >> np.uint64(31)) ^ (x >> np.uint64(62))
    x *= _UNMIX2
    x ^= (x >> np.uint64(27)) ^ (x >> np.uint64(54))
    x *= _UNMIX1
    x ^= (x >> np.uint64(30)) ^ (x >> np.uint64(60))
    return x


def _sort_key(keys: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """``(m,)`` sort key of ``(m, n_words)`` keys: a 64-bit mix of the words.

    Equal keys have equal mixes; with one word the mix is a bijection (exact),
    with more, different keys may (very rarely) share one. Mixed values are
    spread uniformly, which :func:`_sort_spread` relies on for speed.
    """
    h = _mix(keys[:, 0].copy())
    for j in range(1, keys.shape[1]):
        h ^= keys[:, j]
        _mix(h)
    return h


def _sort_spread(v: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """``np.sort(v)`` for values spread uniformly over ``uint64``, about twice as fast.

    A counting sort on the top 16 bits (numpy's stable sort of ``uint16`` is a
    radix sort) leaves short unsorted runs, which a stable sort (timsort) then
    finishes in close to linear time.
    """
    if v.shape[0] < 1 << 14:
        return np.sort(v)
    out = v[np.argsort((v >> np.uint64(48)).astype(np.uint16), kind="stable")]
    out.sort(kind="stable")
    return out


def _reduce(keys: NDArray[np.uint64], counts: NDArray[np.int64] | None,
            kind: Literal["quicksort", "stable"] = "quicksort",
            ) -> tuple[NDArray[np.uint64], NDArray[np.int64]]:
    """Distinct rows of ``keys`` ``(m, n_words)`` with their summed ``counts``
    (``None``: one each), in the order of their :func:`_sort_key`.

    ``kind="stable"`` suits input made of already sorted runs (a merge).
    """
    h = _sort_key(keys)
    m = h.shape[0]
    if counts is None and keys.shape[1] == 1:
        # one word: the mix is a bijection, so sort the mixes and invert the distinct ones
        srt = _sort_spread(h)
        starts = np.flatnonzero(np.concatenate(([True], srt[1:] != srt[:-1])))
        return _unmix(srt[starts])[:, None], np.diff(np.append(starts, m)).astype(np.int64)
    if counts is None and m > 1:
        # sort (top bits of the mix, row number) packed in one uint64: a plain
        # sort, much faster than an argsort; rows with equal tops are checked below
        shift = np.uint64((m - 1).bit_length())
        packed = _sort_spread((h >> shift << shift) | np.arange(m, dtype=np.uint64))
        order = (packed & ((np.uint64(1) << shift) - np.uint64(1))).astype(np.intp)
        top = packed >> shift
        same = top[1:] == top[:-1]
    else:
        order = np.argsort(h, kind=kind)
        hs = h[order]
        same = hs[1:] == hs[:-1]
    if same.any():
        i = np.flatnonzero(same)
        if (np.take(keys, order[i], axis=0) != np.take(keys, order[i + 1], axis=0)).any():
            # different sets share a sort key: sort by (mix, words) instead
            order = np.lexsort((*(keys[:, j] for j in range(keys.shape[1] - 1, -1, -1)), h))
            hs, ks = h[order], np.take(keys, order, axis=0)
            same = (hs[1:] == hs[:-1]) & (ks[1:] == ks[:-1]).all(axis=1)
    starts = np.flatnonzero(np.concatenate(([True], ~same)))
    if counts is None:
        total = np.diff(np.append(starts, m)).astype(np.int64)
    else:
        total = np.add.reduceat(counts[order], starts)
    # np.take(axis=0) is ~15x faster than keys[idx] on 2-D rows
    return np.take(keys, order[starts], axis=0), total


def _bundle_keys(bits: NDArray[np.bool_], rows: list[int]) -> NDArray[np.uint64]:
    """``(n, n_words)`` packed clause sets of each draw (bytes as :func:`numpy.packbits`
    over ``rows``, the first row in the top bit, zero-padded to whole words)."""
    n = bits.shape[1]
    width = (len(rows) + 7) // 8
    n_words = max(1, (width + 7) // 8)
    planes = np.zeros((width, n), dtype=np.uint8)
    for j in range(width):
        plane = planes[j]
        group = rows[8 * j: 8 * j + 8]
        for r in group:
            np.add(plane, plane, out=plane)  # shift left by one
            plane |= bits[r].view(np.uint8)
        if len(group) < 8:
            np.left_shift(plane, np.uint8(8 - len(group)), out=plane)
    out = np.zeros((n, 8 * n_words), dtype=np.uint8)
    out[:, :width] = planes.T
    return out.view(np.uint64)


def _bundle_counts(bits: NDArray[np.bool_], rows: list[int],
                   ) -> tuple[NDArray[np.uint64], NDArray[np.int64]]:
    if not rows:
        return np.zeros((1, 1), dtype=np.uint64), np.array([bits.shape[1]], dtype=np.int64)
    return _reduce(_bundle_keys(bits, rows), None)


def _value_counts(x: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """``np.unique(x, return_counts=True)``; by a histogram when every value is a
    whole number in a narrow range (counts, day numbers), which is much faster."""
    if x.shape[0]:
        lo, hi = float(x.min()), float(x.max())
        if math.isfinite(lo) and math.isfinite(hi) and hi - lo < 1 << 16 and \
                max(-lo, hi) < 2.0**52:
            xi = x.astype(np.int64)
            if np.array_equal(xi, x):
                counts = np.bincount(xi - int(lo))
                seen = np.flatnonzero(counts)
                return (seen + int(lo)).astype(np.float64), counts[seen].astype(np.int64)
    vals, cnt = np.unique(x, return_counts=True)
    return vals, cnt.astype(np.int64)


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
        node_counts=np.array([np.count_nonzero(row) for row in draws.bits], dtype=np.int64),
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
        vals, counts = _value_counts(x)
        stats.num_values[name] = (
            dict(zip(vals.tolist(), counts.tolist(), strict=True))
            if len(vals) <= MAX_VALUES else None
        )
    rows = [model.index[n] for n in model.content_names]
    stats.bundle_keys, stats.bundle_counts = _bundle_counts(draws.bits, rows)
    stats.bundle_width = (len(rows) + 7) // 8
    return stats
