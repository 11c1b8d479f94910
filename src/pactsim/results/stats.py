"""Streaming statistics of draws: mergeable, exact counts, bounded memory.

:func:`summarize` turns one random-stream block of :class:`~pactsim.inference.engine.Draws`
into a :class:`Stats`; :meth:`Stats.merge` adds blocks together. Every part merges
exactly: integer counts by addition, means and variances by the pairwise update
of Chan, Golub and LeVeque (1979), and set tables as described below. A run folds
its blocks **in block order**, whatever the chunk size, the number of workers or
the executor, so the same ``(scenario, n, seed)`` gives identical summaries —
floating-point moments and pruned tables included.

Set tables ("which exact texts came up") come in two kinds:

* :class:`DenseSets` for at most :data:`DENSE_BITS` members (the pillars of a
  scenario, the clauses of one pillar): one counter per possible set, exact at
  any ``n`` in a few kB.
* :class:`SparseSets` for longer sets (every pillar and clause): the distinct
  sets seen, with their counts. When the table passes ``2 * MAX_BUNDLES`` sets
  it is cut back to the :data:`MAX_BUNDLES` most frequent. Each cut adds the
  largest count it dropped to :attr:`SparseSets.bound`, so every reported count
  is low by at most ``bound`` draws (a set dropped several times loses at most
  the sum of the cuts), and a set missing from the table came up at most
  ``bound`` times.

Sparse sets are counted in array form: each draw's set is packed into bytes (as
:func:`numpy.packbits` over the member rows), zero-padded and read as ``uint64``
words. Sets of up to 64 members are one word and are counted exactly by sorting
it; longer sets are sorted by a 64-bit mix of their words and every pair of
draws that mix to the same value is checked word for word, so the counts stay
exact (a collision only switches to a full lexicographic sort). Pure numpy; no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from pactsim.inference.compile import CompiledModel
from pactsim.inference.engine import Draws
from pactsim.language import expr as _expr

__all__ = [
    "DENSE_BITS",
    "MAX_BUNDLES",
    "MAX_VALUES",
    "DenseSets",
    "Moments",
    "SparseSets",
    "Stats",
    "bundle_groups",
    "evaluate_questions",
    "numeric_stats",
    "summarize",
]

#: Distinct sets a sparse table keeps after a cut (it is cut when it doubles this).
MAX_BUNDLES = 100_000
#: Distinct values of a numeric question kept for its distribution.
MAX_VALUES = 10_000
#: Sets of at most this many members are counted densely (one counter per set).
DENSE_BITS = 12


def environment(
    model: CompiledModel, draws: Draws
) -> tuple[dict[str, NDArray[np.generic]], dict[str, NDArray[np.generic]]]:
    """Values and dates of every node for expression evaluation."""
    values: dict[str, NDArray[np.generic]] = {n: draws.bits[i] for i, n in enumerate(model.names)}
    for k, d in enumerate(model.drivers):
        values[d.name] = draws.drivers[k]
    dates: dict[str, NDArray[np.generic]] = {
        name: draws.days[k].view("datetime64[D]") for k, name in enumerate(model.dated)}
    return values, dates


def evaluate_questions(model: CompiledModel, draws: Draws) -> dict[str, NDArray[np.generic]]:
    """Evaluate every scenario question over the draws, in dependency order."""
    values, dates = environment(model, draws)
    out: dict[str, NDArray[np.generic]] = {}
    for name, (tree, _t) in model.questions.items():
        out[name] = values[name] = _expr.evaluate(tree, values, dates)
    return out


def bundle_groups(model: CompiledModel, file_order: list[str]) -> dict[str, tuple[str, ...]]:
    """The set tables a run keeps: ``"all"`` (pillars and clauses), ``"pillars"``,
    ``"clauses"`` and, per pillar with clauses, ``"pillar:NAME"`` (its clauses).

    Members are listed in file order; empty groups are left out.
    """
    content = [n for n in file_order if n in model.index
               and model.kinds[model.index[n]] in ("pillar", "clause")]
    kind = {n: model.kinds[model.index[n]] for n in content}
    groups: dict[str, tuple[str, ...]] = {
        "all": tuple(content),
        "pillars": tuple(n for n in content if kind[n] == "pillar"),
        "clauses": tuple(n for n in content if kind[n] == "clause"),
    }
    for pillar in groups["pillars"]:
        groups[f"pillar:{pillar}"] = tuple(n for n in content if model.pillar_of.get(n) == pillar)
    return {k: v for k, v in groups.items() if v}


@dataclass
class Moments:
    """Count, mean and sum of squared deviations (``m2``) of some values.

    Merging uses the pairwise update of Chan, Golub and LeVeque, which stays
    accurate when the mean is large next to the spread (a value of 1e8 with
    sd 1 keeps sd 1, where sum and sum of squares would give 0).
    """

    count: int = 0
    mean: float = 0.0
    m2: float = 0.0

    @classmethod
    def of(cls, x: NDArray[np.float64]) -> Moments:
        """Moments of an array (two passes: mean, then squared deviations)."""
        n = int(x.shape[0])
        if n == 0:
            return cls()
        top = float(np.max(np.abs(x)))
        scale = top if math.isfinite(top) and top > 1e150 else 1.0  # huge values: scale first
        xs = x / scale if scale != 1.0 else x
        mean = float(xs.mean())
        d = xs - mean
        d *= d  # no BLAS: its threads cost more than they save on one block
        with np.errstate(over="ignore"):  # a spread beyond the float range is inf
            return cls(n, mean * scale, float(d.sum()) * scale * scale)

    def merge(self, other: Moments) -> Moments:
        """Add another part's moments (in place) and return self."""
        if other.count == 0:
            return self
        if self.count == 0:
            self.count, self.mean, self.m2 = other.count, other.mean, other.m2
            return self
        n = self.count + other.count
        delta = other.mean - self.mean
        self.mean += delta * (other.count / n)
        self.m2 += other.m2 + delta * delta * (self.count * (other.count / n))
        self.count = n
        return self

    @property
    def sd(self) -> float:
        """Sample standard deviation (``n - 1`` in the denominator); NaN below 2 values."""
        return math.sqrt(max(self.m2, 0.0) / (self.count - 1)) if self.count > 1 else math.nan


@dataclass
class DenseSets:
    """Exact counts of every set of ``width`` members (``width <= DENSE_BITS``).

    ``counts[k]`` counts draws whose set has member ``j`` exactly when bit
    ``width - 1 - j`` of ``k`` is set (the first member is the top bit).
    """

    width: int
    counts: NDArray[np.int64]
    bound: int = 0  # always 0: dense tables are never cut

    @classmethod
    def of(cls, bits: NDArray[np.bool_], rows: list[int]) -> DenseSets:
        key = np.zeros(bits.shape[1], dtype=np.uint16)  # DENSE_BITS <= 16
        for r in rows:
            key <<= 1
            key |= bits[r]
        return cls(len(rows), np.bincount(key, minlength=1 << len(rows)).astype(np.int64))

    def merge(self, other: DenseSets | SparseSets) -> DenseSets:
        assert isinstance(other, DenseSets)
        self.counts += other.counts
        return self

    def table(self) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
        """``(m, width)`` member flags of every set seen, and their counts."""
        seen = np.flatnonzero(self.counts)
        shifts = np.arange(self.width - 1, -1, -1)
        return ((seen[:, None] >> shifts) & 1).astype(bool), self.counts[seen]


@dataclass
class SparseSets:
    """Counts of the distinct sets seen, cut back to the most frequent when large.

    Attributes
    ----------
    width:
        Members per set.
    keys, counts:
        ``(m, n_words)`` packed sets (``uint64`` words of :func:`numpy.packbits`
        bytes, zero-padded) and ``(m,)`` their counts, in an internal order.
    bound:
        Sum over the cuts so far of the largest count each dropped: every count
        is low by at most this many draws.
    cuts:
        How many times the table was cut.
    """

    width: int
    keys: NDArray[np.uint64]
    counts: NDArray[np.int64]
    bound: int = 0
    cuts: int = 0

    @classmethod
    def of(cls, bits: NDArray[np.bool_], rows: list[int]) -> SparseSets:
        keys, counts = _reduce(_bundle_keys(bits, rows), None)
        return cls(len(rows), keys, counts)

    def merge(self, other: DenseSets | SparseSets) -> SparseSets:
        """Add another table (in place), cut back if it grew past twice the cap."""
        assert isinstance(other, SparseSets)
        if other.counts.shape[0]:
            if self.counts.shape[0]:
                keys = np.concatenate([self.keys, other.keys])
                counts = np.concatenate([self.counts, other.counts])
                # both halves are sorted by their mix: a stable sort (timsort)
                # merges the two runs in close to linear time
                self.keys, self.counts = _reduce(keys, counts, kind="stable")
            else:
                self.keys, self.counts = other.keys, other.counts
        self.bound += other.bound
        self.cuts += other.cuts
        if self.counts.shape[0] > 2 * MAX_BUNDLES:
            self._cut()
        return self

    def _cut(self) -> None:
        """Keep the :data:`MAX_BUNDLES` most frequent sets (ties: first in sort order)."""
        counts = self.counts
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
        self.bound += int(counts[~keep].max())
        self.cuts += 1
        self.keys = np.compress(keep, self.keys, axis=0)
        self.counts = counts[keep]

    def table(self) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
        """``(m, width)`` member flags of every set kept, and their counts."""
        raw = self.keys.view(np.uint8)[:, : (self.width + 7) // 8]
        return np.unpackbits(raw, axis=1)[:, : self.width].astype(bool), self.counts


def _sets_of(bits: NDArray[np.bool_], rows: list[int]) -> DenseSets | SparseSets:
    if len(rows) <= DENSE_BITS:
        return DenseSets.of(bits, rows)
    return SparseSets.of(bits, rows)


@dataclass
class Stats:
    """Counts accumulated over draws.

    Attributes
    ----------
    n:
        Number of draws.
    node_counts:
        ``(n_binary,)`` times each binary node was true.
    date_hist:
        ``(n_dated, horizon - as_of + 1)`` draws in which each dated node (row
        ``model.slot[name]``) happened on each day (index 0 is as_of).
    bool_counts:
        Times each boolean question was true.
    bool_signed:
        Times each boolean question was true in a signed draw (empty when the
        scenario has no ``signing``).
    moments:
        :class:`Moments` of each numeric question over the draws where it has a
        value (dates as day numbers).
    num_values:
        Exact counts of each numeric question's values, or ``None`` once more
        than :data:`MAX_VALUES` distinct values were seen.
    sets:
        Set tables by group (see :func:`bundle_groups`): :class:`DenseSets` or
        :class:`SparseSets`.
    """

    n: int
    node_counts: NDArray[np.int64]
    date_hist: NDArray[np.int64]
    signing_slot: int = -1
    bool_counts: dict[str, int] = field(default_factory=dict)
    bool_signed: dict[str, int] = field(default_factory=dict)
    moments: dict[str, Moments] = field(default_factory=dict)
    num_values: dict[str, dict[float, int] | None] = field(default_factory=dict)
    sets: dict[str, DenseSets | SparseSets] = field(default_factory=dict)

    @property
    def signing_hist(self) -> NDArray[np.int64]:
        """``(horizon - as_of + 1,)`` draws signed on each day (zeros without signing)."""
        if self.signing_slot < 0:
            return np.zeros(self.date_hist.shape[1], dtype=np.int64)
        return np.asarray(self.date_hist[self.signing_slot], dtype=np.int64)

    def merge(self, other: Stats) -> Stats:
        """Add the next block's statistics (in place) and return self.

        Counts add exactly; moments and cut set tables depend on the order of
        merges, so a run always merges its blocks in block order.
        """
        self.n += other.n
        self.node_counts += other.node_counts
        self.date_hist += other.date_hist
        for k, v in other.bool_counts.items():
            self.bool_counts[k] = self.bool_counts.get(k, 0) + v
        for k, v in other.bool_signed.items():
            self.bool_signed[k] = self.bool_signed.get(k, 0) + v
        for k, mo in other.moments.items():
            self.moments.setdefault(k, Moments()).merge(mo)
        for k, vals in other.num_values.items():
            mine = self.num_values.get(k, {})
            if mine is None or vals is None:
                self.num_values[k] = None
                continue
            for value, c in vals.items():
                mine[value] = mine.get(value, 0) + c
            self.num_values[k] = mine if len(mine) <= MAX_VALUES else None
        for k, table in other.sets.items():
            if k in self.sets:
                self.sets[k].merge(table)
            else:
                self.sets[k] = table
        return self


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


def numeric_stats(a: NDArray[np.generic], kind: str
                  ) -> tuple[Moments, dict[float, int] | None]:
    """Moments and value counts of a numeric or date answer (dates as day
    numbers; missing dates and numbers left out; ``None`` past :data:`MAX_VALUES`
    values)."""
    if kind == "date":
        x = a[~np.isnat(a)].astype(np.int64).astype(np.float64)
    else:  # days between two dates are missing (NaN) where either date is
        x = np.asarray(a, dtype=np.float64)
        x = x[~np.isnan(x)]
    vals, counts = _value_counts(x)
    values = (dict(zip(vals.tolist(), counts.tolist(), strict=True))
              if len(vals) <= MAX_VALUES else None)
    return Moments.of(x), values


def summarize(
    model: CompiledModel, draws: Draws, answers: dict[str, NDArray[np.generic]] | None = None,
    groups: dict[str, tuple[str, ...]] | None = None,
) -> Stats:
    """Statistics of one block of draws.

    ``answers`` are the evaluated questions, if at hand; ``groups`` the set
    tables to keep (default: :func:`bundle_groups` in the model's order).
    """
    if answers is None:
        answers = evaluate_questions(model, draws)
    if groups is None:
        groups = bundle_groups(model, list(model.names))
    width = max(model.horizon - model.as_of + 1, 1)
    hist = np.zeros((len(model.dated), width), dtype=np.int64)
    for k in range(len(model.dated)):
        # days after as_of; NaT (and nothing else) lands past the end once viewed unsigned
        x = draws.days[k] - model.as_of
        xu = x.view(np.uint64)
        np.minimum(xu, np.uint64(width), out=xu)
        hist[k] += np.bincount(x, minlength=width + 1)[:width]
    stats = Stats(
        n=draws.n,
        node_counts=np.array([np.count_nonzero(row) for row in draws.bits], dtype=np.int64),
        date_hist=hist,
        signing_slot=model.signing_slot,
    )
    for name, (_tree, t) in model.questions.items():
        a = answers[name]
        if t == "bool":
            stats.bool_counts[name] = int(np.count_nonzero(a))
            if model.signing_index >= 0:
                signed = draws.bits[model.signing_index]
                stats.bool_signed[name] = int(np.count_nonzero(a & signed))
            continue
        stats.moments[name], stats.num_values[name] = numeric_stats(a, t)
    for key, members in groups.items():
        stats.sets[key] = _sets_of(draws.bits, [model.index[n] for n in members])
    return stats
