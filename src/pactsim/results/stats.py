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
  any ``n`` in at most 512 kB.
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
import sys
import weakref
from dataclasses import dataclass, field, replace
from typing import Any, Literal

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
    "WeightedMoments",
    "WeightedSets",
    "WeightedStats",
    "bundle_groups",
    "evaluate_questions",
    "numeric_stats",
    "summarize",
    "summarize_weighted",
    "weighted_numeric",
]

#: Distinct sets a sparse table keeps after a cut (it is cut when it doubles this).
MAX_BUNDLES = 100_000
#: Distinct values of a numeric question kept for its distribution.
MAX_VALUES = 10_000
#: Sets of at most this many members are counted densely (one counter per set, 2**16
#: of them: 512 kB a table). A bincount over them costs less than sorting a block's
#: sets: the 15 pillars of a 200-node network took a sorted table, ~17% of a run.
DENSE_BITS = 16


def environment(
    model: CompiledModel, draws: Draws
) -> tuple[dict[str, NDArray[np.generic]], dict[str, NDArray[np.generic]]]:
    """Values and dates of every node for expression evaluation."""
    values: dict[str, NDArray[np.generic]] = {n: draws.bits[i] for i, n in enumerate(model.names)}
    for k, d in enumerate(model.drivers):
        values[d.name] = draws.drivers[k]
    for j, a in enumerate(model.attributes):  # format 3: rows after the drivers
        values[a.name] = draws.drivers[len(model.drivers) + j]
    dates: dict[str, NDArray[np.generic]] = {
        name: draws.days[k].view("datetime64[D]") for k, name in enumerate(model.dated)}
    return values, dates


def evaluate_questions(model: CompiledModel, draws: Draws) -> dict[str, NDArray[np.generic]]:
    """Evaluate every scenario question over the draws, in dependency order.

    A part of a question that is the whole of an earlier question (``fast_entry:
    "in_force.date - signing.date <= 180"`` after ``days_to_in_force: "in_force.date
    - signing.date"``) reads that question's answer instead of being evaluated again.
    """
    out: dict[str, NDArray[np.generic]] = {}
    if not model.questions:
        return out
    values, dates = environment(model, draws)
    for name, tree in _question_trees(model):
        out[name] = values[name] = _expr.evaluate(tree, values, dates)
    return out


_LEAVES = (_expr.Name, _expr.DateOf, _expr.DateLit, _expr.NumLit, _expr.BoolLit)
_QUESTION_TREES: weakref.WeakKeyDictionary[CompiledModel, list[tuple[str, _expr.Expr]]] = \
    weakref.WeakKeyDictionary()


def _question_trees(model: CompiledModel) -> list[tuple[str, _expr.Expr]]:
    """The questions in evaluation order, each part equal to an earlier question
    replaced by that question's name (built once per model)."""
    got = _QUESTION_TREES.get(model)
    if got is None:
        seen: dict[_expr.Expr, str] = {}
        got = []
        for name, (tree, _t) in model.questions.items():
            got.append((name, _reuse(tree, seen, top=True)))
            if not isinstance(tree, _LEAVES):
                seen.setdefault(tree, name)
        _QUESTION_TREES[model] = got
    return got


def _reuse(tree: _expr.Expr, seen: dict[_expr.Expr, str], top: bool = False) -> _expr.Expr:
    """``tree`` with every proper part found in ``seen`` replaced by a name."""
    if not top and tree in seen:
        return _expr.Name(seen[tree], start=getattr(tree, "start", 0))
    if isinstance(tree, _expr.Not):
        return replace(tree, operand=_reuse(tree.operand, seen))
    if isinstance(tree, _expr.BoolOp):
        return replace(tree, operands=tuple(_reuse(o, seen) for o in tree.operands))
    if isinstance(tree, _expr.Compare):
        return replace(tree, left=_reuse(tree.left, seen), right=_reuse(tree.right, seen))
    if isinstance(tree, _expr.Call):
        return replace(tree, args=tuple(_reuse(a, seen) for a in tree.args))
    return tree


def bundle_groups(model: CompiledModel, file_order: list[str]) -> dict[str, tuple[str, ...]]:
    """The set tables a run keeps: ``"all"`` (pillars and clauses), ``"pillars"``,
    ``"clauses"`` and, per pillar with clauses, ``"pillar:NAME"`` (its clauses).

    Members are listed in file order; empty groups are left out. A categorical
    pillar or clause is followed by its outcome rows (``instc=named``; ``absent``
    has none): a set says which outcome the text has, and
    :func:`~pactsim.results.summary.bundles_frame` lists the outcome instead of the
    node.
    """
    content = [r for n in file_order if n in model.index
               and model.kinds[model.index[n]] in ("pillar", "clause")
               for r in [n, *(_expr.outcome_name(n, x) for x in model.outcomes.get(n, ())
                              if x != _expr.ABSENT)] if r in model.index]
    kind = {n: model.kinds[model.index[n.split("=", 1)[0]]] for n in content}
    groups: dict[str, tuple[str, ...]] = {
        "all": tuple(content),
        "pillars": tuple(n for n in content if kind[n] == "pillar"),
        "clauses": tuple(n for n in content if kind[n] == "clause"),
    }
    clauses: dict[str, list[str]] = {}
    for n in content:
        owner = model.pillar_of.get(n.split("=", 1)[0])
        if owner is not None:
            clauses.setdefault(owner, []).append(n)
    for pillar in groups["pillars"]:
        groups[f"pillar:{pillar}"] = tuple(clauses.get(pillar, ()))
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


def _dense_keys(bits: NDArray[np.bool_], rows: list[int]) -> NDArray[Any]:
    """``(n,)`` row number of each draw's set in a dense table of ``rows`` (1 to
    :data:`DENSE_BITS`; the first row in the top bit), in the narrowest unsigned
    type, built on ``uint8`` views (no bool casts)."""
    key = np.empty(bits.shape[1], dtype=np.uint8 if len(rows) <= 8 else np.uint16)
    np.copyto(key, bits[rows[0]].view(np.uint8))
    for r in rows[1:]:
        np.add(key, key, out=key)  # shift left by one
        np.bitwise_or(key, bits[r].view(np.uint8), out=key)
    return key


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
        n = bits.shape[1]
        if not rows:
            return cls(0, np.array([n], dtype=np.int64))
        # (no copy where the count is int64 already: a copy of 2**16 counters took
        # ~0.4 ms, most of a table of one draw)
        return cls(len(rows), np.bincount(_dense_keys(bits, rows), minlength=1 << len(rows))
                   .astype(np.int64, copy=False))

    @classmethod
    def of_table(cls, flags: NDArray[np.bool_], counts: NDArray[np.int64]) -> DenseSets:
        """The dense table of sets ``flags`` ``(m, width)`` seen ``counts`` times."""
        width = flags.shape[1]
        key = np.zeros(flags.shape[0], dtype=np.intp)
        for j in range(width):
            key <<= 1
            key |= flags[:, j]
        total = np.zeros(1 << width, dtype=np.int64)
        np.add.at(total, key, counts)
        return cls(width, total)

    def merge(self, other: DenseSets | SparseSets) -> DenseSets:
        assert isinstance(other, DenseSets)
        self.counts += other.counts
        return self

    def table(self) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
        """``(m, width)`` member flags of every set seen, and their counts."""
        seen = np.flatnonzero(self.counts)
        shifts = np.arange(self.width - 1, -1, -1)
        return ((seen[:, None] >> shifts) & 1).astype(bool), self.counts[seen]


#: Tables a sparse table keeps aside at most before it sorts them in.
_MAX_PENDING = 64


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
    mix:
        ``(m,)`` the :func:`_sort_key` of each row when the table is in that order
        with no two rows sharing one (as tables built here are, but for a collision),
        so :meth:`merge` can insert another table's rows without sorting again;
        ``None``: unknown.

    Notes
    -----
    :meth:`merge` does not sort each table into this one as it comes: it keeps
    them aside until they hold as many rows as this table and at least twice
    :data:`MAX_BUNDLES`, or until 64 tables wait, then sorts them all in at
    once, and cuts the table if it has grown past twice :data:`MAX_BUNDLES`.
    Merging a run's blocks costs about one sort of their rows instead of one
    sort of the whole table per block. Reading any attribute settles the
    tables kept aside first, so what is read is always the merged table. Which
    tables go in at once depends only on the order and sizes of the merges (a
    run merges its blocks in block order), so cut tables do not depend on
    chunking or workers.
    """

    __slots__ = ("_bound", "_counts", "_cuts", "_keys", "_mix", "_pending", "_pending_rows",
                 "width")

    def __init__(self, width: int, keys: NDArray[np.uint64], counts: NDArray[np.int64],
                 bound: int = 0, cuts: int = 0, mix: NDArray[np.uint64] | None = None) -> None:
        self.width = width
        self._keys, self._counts, self._mix = keys, counts, mix
        self._bound, self._cuts = bound, cuts
        self._pending: list[SparseSets] = []
        self._pending_rows = 0

    def __getstate__(self) -> tuple[Any, ...]:
        self._settle()
        return (self.width, self._keys, self._counts, self._bound, self._cuts, self._mix)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.__init__(*state)  # type: ignore[misc]

    def __repr__(self) -> str:
        self._settle()
        return (f"SparseSets(width={self.width}, sets={self._counts.shape[0]}, "
                f"bound={self._bound}, cuts={self._cuts})")

    @property
    def keys(self) -> NDArray[np.uint64]:
        self._settle()
        return self._keys

    @property
    def counts(self) -> NDArray[np.int64]:
        self._settle()
        return self._counts

    @property
    def bound(self) -> int:
        self._settle()
        return self._bound

    @property
    def cuts(self) -> int:
        self._settle()
        return self._cuts

    @property
    def mix(self) -> NDArray[np.uint64] | None:
        self._settle()
        return self._mix

    @classmethod
    def of(cls, bits: NDArray[np.bool_], rows: list[int]) -> SparseSets:
        keys = _bundle_keys(bits, rows)
        n = keys.shape[0]
        empty = _empty_keys(keys)
        zeros = int(np.count_nonzero(empty))
        if not zeros or zeros < n >> 3:  # (not zeros: n < 8 draws, none empty)
            keys, counts, mix = _reduce(keys, None)
            return cls(len(rows), keys, counts, mix=mix)
        # many empty sets (draws without a text): sort only the others; the empty set
        # mixes to 0, so it comes first in the table's order, as a full sort puts it
        if zeros == n:
            return cls(len(rows), keys[:1], np.array([n], dtype=np.int64))
        rest, counts, mix = _reduce(keys[~empty], None)
        if mix is not None:  # the empty set's mix is 0: first, unless another's is 0 too
            mix = None if mix.shape[0] and mix[0] == 0 else \
                np.concatenate([np.zeros(1, dtype=np.uint64), mix])
        return cls(len(rows), np.concatenate([np.zeros_like(keys[:1]), rest]),
                   np.concatenate([np.array([zeros], dtype=np.int64), counts]), mix=mix)

    @classmethod
    def of_table(cls, flags: NDArray[np.bool_], counts: NDArray[np.int64]) -> SparseSets:
        """The table of sets ``flags`` ``(m, width)`` seen ``counts`` times (rows of
        ``flags`` need not be distinct): the same table :meth:`of` builds from the draws."""
        width = flags.shape[1]
        n_words = max(1, (width + 63) // 64)
        raw = np.zeros((flags.shape[0], 8 * n_words), dtype=np.uint8)
        packed = np.packbits(flags, axis=1)
        raw[:, :packed.shape[1]] = packed
        keys, total, mix = _reduce(raw.view(np.uint64), counts)
        return cls(width, keys, total, mix=mix)

    def merge(self, other: DenseSets | SparseSets) -> SparseSets:
        """Add another table (in place; see the notes on when it is sorted in and cut)."""
        assert isinstance(other, SparseSets)
        other._settle()
        rows = other._counts.shape[0]
        if rows:  # a copy: a later merge into ``other`` must not reach this table
            self._pending.append(SparseSets(other.width, other._keys, other._counts,
                                            mix=other._mix))
            self._pending_rows += rows
        self._bound += other._bound
        self._cuts += other._cuts
        if self._pending_rows >= max(self._counts.shape[0], 2 * MAX_BUNDLES) or \
                len(self._pending) >= _MAX_PENDING:
            self._settle()
        return self

    def _settle(self) -> None:
        """Sort the tables kept aside into this one; cut it if it grew past twice the cap."""
        if not self._pending:
            return
        parts = ([self] if self._counts.shape[0] else []) + self._pending
        self._pending, self._pending_rows = [], 0
        if len(parts) == 1:
            self._keys, self._counts, self._mix = parts[0]._keys, parts[0]._counts, parts[0]._mix
        else:
            mixes = [p._mix for p in parts if p._mix is not None]
            known = np.concatenate(mixes) if len(mixes) == len(parts) else None
            # every part is sorted by its mix: a stable sort (timsort) merges the
            # runs in close to linear time
            self._keys, self._counts, self._mix = _reduce(
                np.concatenate([p._keys for p in parts]),
                np.concatenate([p._counts for p in parts]), "stable", known)
        if self._counts.shape[0] > 2 * MAX_BUNDLES:
            self._cut()

    def _cut(self) -> None:
        """Keep the :data:`MAX_BUNDLES` most frequent sets (ties: first in sort order)."""
        counts = self._counts
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
        self._bound += int(counts[~keep].max())
        self._cuts += 1
        self._keys = np.compress(keep, self._keys, axis=0)
        self._counts = counts[keep]
        if self._mix is not None:
            self._mix = self._mix[keep]

    def table(self) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
        """``(m, width)`` member flags of every set kept, and their counts."""
        raw = self.keys.view(np.uint8)[:, : (self.width + 7) // 8]
        return np.unpackbits(raw, axis=1)[:, : self.width].astype(bool), self.counts


def _sets_of(bits: NDArray[np.bool_], rows: list[int]) -> DenseSets | SparseSets:
    if len(rows) <= DENSE_BITS:
        return DenseSets.of(bits, rows)
    return SparseSets.of(bits, rows)


def _group_sets(bits: NDArray[np.bool_], groups: dict[str, list[int]]
                ) -> dict[str, DenseSets | SparseSets]:
    """The set table of every group (rows of ``bits``).

    When the first group holds every member of the others (``"all"``) and its
    block shows few distinct sets, the other tables are counted from its table
    (distinct sets with their counts) instead of from the draws: the same
    tables, built in the table's size rather than the block's.
    """
    out: dict[str, DenseSets | SparseSets] = {}
    items = list(groups.items())
    if not items:
        return out
    first, base_rows = items[0]
    base = _sets_of(bits, base_rows)
    out[first] = base
    pos = {r: j for j, r in enumerate(base_rows)}
    flags: NDArray[np.bool_] | None = None
    counts: NDArray[np.int64] = np.zeros(0, dtype=np.int64)
    # from the table where it is smaller than the block (a few draws: from the draws)
    seen = base.counts.shape[0] if isinstance(base, SparseSets) \
        else int(np.count_nonzero(base.counts))
    derive = seen * 4 <= bits.shape[1]
    for key, rows in items[1:]:
        if not derive or any(r not in pos for r in rows):
            out[key] = _sets_of(bits, rows)
            continue
        if flags is None:
            flags, counts = base.table()
        sub = flags[:, [pos[r] for r in rows]]
        out[key] = DenseSets.of_table(sub, counts) if len(rows) <= DENSE_BITS \
            else SparseSets.of_table(sub, counts)
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
        _merge_values(self.num_values, other.num_values)
        _merge_sets(self.sets, other.sets)
        return self


def _merge_values(mine: dict[str, Any], theirs: dict[str, Any]) -> None:
    """Add ``theirs`` (each numeric question's count or weight per value, or ``None``
    past :data:`MAX_VALUES` values) into ``mine``."""
    for k, vals in theirs.items():
        have = mine.get(k, {})
        if have is None or vals is None:
            mine[k] = None
            continue
        for value, c in vals.items():
            have[value] = have.get(value, 0) + c
        mine[k] = have if len(have) <= MAX_VALUES else None


def _merge_sets(mine: dict[str, Any], theirs: dict[str, Any]) -> None:
    """Merge ``theirs`` (set tables by group) into ``mine``, in this order."""
    for k, table in theirs.items():
        if k in mine:
            mine[k].merge(table)
        else:
            mine[k] = table


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
    """``np.sort(v)`` (values spread uniformly over ``uint64``).

    numpy's own sort of 64-bit integers is a SIMD quicksort on AVX-512 and AVX2
    machines, 2-6x faster there than the counting sort on the top 16 bits plus
    timsort used before 2026-11-30 (the same sorted values either way).
    """
    return np.sort(v)


def _reduce(keys: NDArray[np.uint64], counts: NDArray[np.int64] | None,
            kind: Literal["quicksort", "stable"] = "quicksort",
            mixes: NDArray[np.uint64] | None = None,
            ) -> tuple[NDArray[np.uint64], NDArray[np.int64], NDArray[np.uint64] | None]:
    """Distinct rows of ``keys`` ``(m, n_words)`` with their summed ``counts``
    (``None``: one each), in the order of their :func:`_sort_key`, and those sort
    keys (``None`` when two different rows share one: they are then ordered by
    their words too).

    ``kind="stable"`` suits input made of already sorted runs (a merge);
    ``mixes``: the rows' :func:`_sort_key`, when known (a merge of tables that
    keep theirs).
    """
    h = _sort_key(keys) if mixes is None else mixes
    m = h.shape[0]
    if counts is None and keys.shape[1] == 1:
        # one word: the mix is a bijection, so sort the mixes and invert the distinct ones
        srt = _sort_spread(h)
        starts = np.flatnonzero(np.concatenate(([True], srt[1:] != srt[:-1])))
        distinct = srt[starts]
        return (_unmix(distinct.copy())[:, None],
                np.diff(np.append(starts, m)).astype(np.int64), distinct)
    order, starts, kept = _groups(keys, h, kind, packed=counts is None)
    if counts is None:
        total = np.diff(np.append(starts, m)).astype(np.int64)
    else:
        total = np.add.reduceat(counts[order], starts)
    # np.take(axis=0) is ~15x faster than keys[idx] on 2-D rows
    return np.take(keys, order[starts], axis=0), total, kept


def _groups(keys: NDArray[np.uint64], h: NDArray[np.uint64],
            kind: Literal["quicksort", "stable"] = "quicksort", packed: bool = False,
            ) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.uint64] | None]:
    """The rows of ``keys`` ``(m, n_words)`` (``m >= 1``) grouped by set: ``order``, a
    permutation putting equal rows together in the order of their sort keys ``h``,
    ``starts``, where each group begins in it, and the sort key of each group
    (``None`` when two different rows share one; they are then ordered by their
    words too). ``packed``: sort (top bits of ``h``, row number) in one ``uint64``
    array, faster than an argsort when ``h`` is spread (``kind`` is then not used: for
    runs already sorted, as in a merge, leave it False)."""
    m = h.shape[0]
    if packed and m > 1:
        # sort (top bits of the mix, row number) packed in one uint64: a plain
        # sort, much faster than an argsort; rows with equal tops are checked below
        shift = np.uint64((m - 1).bit_length())
        both = _sort_spread((h >> shift << shift) | np.arange(m, dtype=np.uint64))
        order = (both & ((np.uint64(1) << shift) - np.uint64(1))).astype(np.intp)
        top = both >> shift
        same = top[1:] == top[:-1]
    else:
        order = np.argsort(h, kind=kind)
        hs = h[order]
        same = hs[1:] == hs[:-1]
    checked = True  # rows that share a sort key (or its top bits) are one set
    if same.any():
        i = np.flatnonzero(same)
        if (np.take(keys, order[i], axis=0) != np.take(keys, order[i + 1], axis=0)).any():
            # different sets share a sort key: sort by (mix, words) instead
            order = np.lexsort((*(keys[:, j] for j in range(keys.shape[1] - 1, -1, -1)), h))
            hs, ks = h[order], np.take(keys, order, axis=0)
            same = (hs[1:] == hs[:-1]) & (ks[1:] == ks[:-1]).all(axis=1)
            checked = False
    starts = np.flatnonzero(np.concatenate(([True], ~same)))
    kept: NDArray[np.uint64] | None = h[order[starts]]
    if not checked and not bool(np.all(kept[1:] > kept[:-1])):  # type: ignore[index]
        kept = None
    return order, starts, kept


def _empty_keys(keys: NDArray[np.uint64]) -> NDArray[np.bool_]:
    """``(m,)`` which rows of ``keys`` ``(m, n_words)`` are the empty set (all words 0);
    word by word, as ``~keys.any(axis=1)`` is ~20x slower on a few words."""
    if keys.shape[1] == 1:
        return np.asarray(keys[:, 0] == 0)
    acc = keys[:, 0] | keys[:, 1]
    for j in range(2, keys.shape[1]):
        acc |= keys[:, j]
    return np.asarray(acc == 0)


def _bundle_keys(bits: NDArray[np.bool_], rows: list[int]) -> NDArray[np.uint64]:
    """``(n, n_words)`` packed clause sets of each draw (bytes as :func:`numpy.packbits`
    over ``rows``, the first row in the top bit, zero-padded to whole words)."""
    n = bits.shape[1]
    width = (len(rows) + 7) // 8
    n_words = max(1, (width + 7) // 8)
    if sys.byteorder == "little" and n >= 4096:  # (fewer calls below for a few draws)
        # each byte straight into its place in its word (the word's uint64 view of
        # the bytes has byte b at bits 8b..8b+7): no transpose of byte planes
        words = np.zeros((n_words, n), dtype=np.uint64)
        plane = np.empty(n, dtype=np.uint8)
        wide = np.empty(n, dtype=np.uint64)
        for j in range(width):
            group = rows[8 * j: 8 * j + 8]
            np.copyto(plane, bits[group[0]].view(np.uint8))
            for r in group[1:]:
                np.add(plane, plane, out=plane)  # shift left by one
                plane |= bits[r].view(np.uint8)
            np.copyto(wide, plane)
            wide <<= np.uint64(8 * (j % 8) + 8 - len(group))
            words[j // 8] |= wide
        return np.ascontiguousarray(words.T)
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
    hist: tuple[NDArray[np.int64], set[int]] | None = None,
) -> Stats:
    """Statistics of one block of draws.

    ``answers`` are the evaluated questions, if at hand; ``groups`` the set
    tables to keep (default: :func:`bundle_groups` in the model's order);
    ``hist`` the per-day counts the engine made as it drew the block, and the
    rows it filled (see :func:`pactsim.inference.engine.sample_blocks`): the
    other rows are counted here.
    """
    if answers is None:
        answers = evaluate_questions(model, draws)
    if groups is None:
        groups = bundle_groups(model, list(model.names))
    width = max(model.horizon - model.as_of + 1, 1)
    counts = np.zeros((len(model.dated), width), dtype=np.int64)
    filled: set[int] = set()
    if hist is not None and hist[1]:
        counts, filled = hist[0][:, :width], hist[1]
    for k in range(len(model.dated)):
        if k in filled:
            continue
        # days after as_of; NaT (and nothing else) lands past the end once viewed unsigned
        x = draws.days[k] - model.as_of
        xu = x.view(np.uint64)
        np.minimum(xu, np.uint64(width), out=xu)
        counts[k] = np.bincount(x, minlength=width + 1)[:width]
    stats = Stats(
        n=draws.n,
        node_counts=np.array([np.count_nonzero(row) for row in draws.bits], dtype=np.int64),
        date_hist=counts,
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
    nd = len(model.drivers)
    for j, att in enumerate(model.attributes):  # format 3: summarised as numeric questions
        stats.moments[att.name], stats.num_values[att.name] = numeric_stats(
            draws.drivers[nd + j], "number")
    stats.sets = _group_sets(draws.bits, {key: [model.index[n] for n in members]
                                          for key, members in groups.items()})
    return stats


# -- weighted statistics (runs under evidence) ---------------------------------
@dataclass
class WeightedMoments:
    """Weighted moments of some values: draws with a value (``count``), the sum of
    their weights ``w`` and squared weights ``w2``, the weighted ``mean`` and
    ``m2`` = :math:`\\sum_i w_i (x_i - \\bar x)^2`.

    Merged by the weighted form of Chan, Golub and LeVeque's update.
    """

    count: int = 0
    w: float = 0.0
    w2: float = 0.0
    mean: float = 0.0
    m2: float = 0.0

    @classmethod
    def of(cls, x: NDArray[np.float64], w: NDArray[np.float64]) -> WeightedMoments:
        keep = w > 0
        x, w = x[keep], w[keep]
        tw = float(w.sum())
        if not x.shape[0] or tw <= 0:
            return cls()
        mean = float((w * x).sum() / tw)  # no BLAS (as Moments.of)
        d = x - mean
        return cls(int(x.shape[0]), tw, float((w * w).sum()), mean, float((w * d * d).sum()))

    def merge(self, other: WeightedMoments) -> WeightedMoments:
        """Add another part's moments (in place) and return self."""
        if other.w <= 0:
            return self
        if self.w <= 0:
            self.count, self.w, self.w2 = other.count, other.w, other.w2
            self.mean, self.m2 = other.mean, other.m2
            return self
        tw = self.w + other.w
        delta = other.mean - self.mean
        self.mean += delta * (other.w / tw)
        self.m2 += other.m2 + delta * delta * (self.w * (other.w / tw))
        self.count += other.count
        self.w, self.w2 = tw, self.w2 + other.w2
        return self

    def scale(self, f: float) -> None:
        """Multiply every weight by ``f`` (in place; the mean is unchanged)."""
        self.w *= f
        self.w2 *= f * f
        self.m2 *= f

    @property
    def ess(self) -> float:
        """Kish's effective sample size of these values, :math:`(\\sum w)^2 / \\sum w^2`."""
        return self.w * self.w / self.w2 if self.w2 > 0 else 0.0

    @property
    def sd(self) -> float:
        """Weighted standard deviation, with the reliability-weights correction
        :math:`1 / (1 - \\sum w^2 / (\\sum w)^2)`; NaN below two effective values."""
        if self.w <= 0 or self.ess <= 1.0:
            return math.nan
        return math.sqrt(max(self.m2, 0.0) / self.w / (1.0 - 1.0 / self.ess))


@dataclass
class WeightedSets:
    """Weight sums of the sets seen (draws of weight 0 are left out).

    Sets of at most :data:`DENSE_BITS` members are tabulated densely (row ``k`` is
    the set whose member ``j`` is bit ``width - 1 - j`` of ``k``); longer ones
    keep the distinct sets seen, cut back to the :data:`MAX_BUNDLES` heaviest
    when the table passes twice that, each cut adding the largest weight it
    dropped to ``bound`` (a weight every reported sum may be low by).

    Attributes
    ----------
    width:
        Members per set.
    keys:
        ``(m, n_words)`` packed sets (see :class:`SparseSets`), or ``None`` when dense.
    w, w2, counts:
        ``(m,)`` sums of weights and squared weights, and draws, per set.
    """

    width: int
    keys: NDArray[np.uint64] | None
    w: NDArray[np.float64]
    w2: NDArray[np.float64]
    counts: NDArray[np.int64]
    bound: float = 0.0
    cuts: int = 0

    @classmethod
    def of(cls, bits: NDArray[np.bool_], rows: list[int],
           weight: NDArray[np.float64]) -> WeightedSets:
        if len(rows) <= DENSE_BITS:
            size = 1 << len(rows)
            if not rows:
                return cls(0, None, np.array([weight.sum()]), np.array([(weight * weight).sum()]),
                           np.array([np.count_nonzero(weight)], dtype=np.int64))
            key = _dense_keys(bits, rows)
            return cls(len(rows), None,
                       np.bincount(key, weight, size).astype(np.float64, copy=False),
                       np.bincount(key, weight * weight, size).astype(np.float64, copy=False),
                       np.bincount(key[weight > 0], minlength=size).astype(np.int64,
                                                                          copy=False))
        keep = weight > 0
        if keep.all():
            keys = _bundle_keys(bits, rows)
        elif keep.any():  # only the set's rows, of the draws kept
            keys = _bundle_keys(np.compress(keep, np.take(bits, rows, axis=0), axis=1),
                                list(range(len(rows))))
        else:
            keys = np.zeros((0, max(1, (len(rows) + 63) // 64)), dtype=np.uint64)
        w = weight[keep]
        return cls._reduced(len(rows), keys, w, w * w, np.ones(w.shape[0], dtype=np.int64))

    @classmethod
    def _reduced(cls, width: int, keys: NDArray[np.uint64], w: NDArray[np.float64],
                 w2: NDArray[np.float64], counts: NDArray[np.int64]) -> WeightedSets:
        if not keys.shape[0]:
            return cls(width, keys, w, w2, counts)
        # grouped by a mix of each set's words (as SparseSets are): np.unique(axis=0)
        # sorts the rows as opaque bytes, ~10x slower on a block of the flagship
        order, starts, _ = _groups(keys, _sort_key(keys), packed=True)
        return cls(width, np.take(keys, order[starts], axis=0),
                   np.add.reduceat(w[order], starts), np.add.reduceat(w2[order], starts),
                   np.add.reduceat(counts[order], starts))

    def merge(self, other: WeightedSets) -> WeightedSets:
        """Add another block's table (in place) and return self."""
        if self.keys is None or other.keys is None:
            self.w += other.w
            self.w2 += other.w2
            self.counts += other.counts
            return self
        both = WeightedSets._reduced(
            self.width, np.concatenate([self.keys, other.keys]),
            np.concatenate([self.w, other.w]), np.concatenate([self.w2, other.w2]),
            np.concatenate([self.counts, other.counts]))
        self.keys, self.w, self.w2, self.counts = both.keys, both.w, both.w2, both.counts
        self.bound += other.bound
        self.cuts += other.cuts
        if self.w.shape[0] > 2 * MAX_BUNDLES:
            order = np.argsort(-self.w, kind="stable")
            drop = order[MAX_BUNDLES:]
            self.bound += float(self.w[drop].max())
            self.cuts += 1
            keep = np.sort(order[:MAX_BUNDLES])
            assert self.keys is not None
            self.keys = np.take(self.keys, keep, axis=0)
            self.w, self.w2, self.counts = self.w[keep], self.w2[keep], self.counts[keep]
        return self

    def scale(self, f: float) -> None:
        """Multiply every weight by ``f`` (in place)."""
        self.w *= f
        self.w2 *= f * f
        self.bound *= f

    def table(self) -> tuple[NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]]:
        """``(m, width)`` member flags of every set seen, their weights and squared weights."""
        if self.keys is None:
            seen = np.flatnonzero(self.counts)
            shifts = np.arange(self.width - 1, -1, -1)
            return ((seen[:, None] >> shifts) & 1).astype(bool), self.w[seen], self.w2[seen]
        raw = self.keys.view(np.uint8)[:, : (self.width + 7) // 8]
        flags = np.unpackbits(raw, axis=1)[:, : self.width].astype(bool)
        return flags, self.w, self.w2


@dataclass
class WeightedStats:
    """Weighted sums over draws made under evidence (the counterpart of :class:`Stats`).

    Each indicator ``f`` (a node true, a day, a question true, a set) keeps
    :math:`\\sum_i w_i f_i` and :math:`\\sum_i w_i^2 f_i`, from which the
    self-normalised estimate :math:`\\hat p = \\sum w f / \\sum w` and its
    delta-method variance
    :math:`\\sum w^2 (f - \\hat p)^2 / (\\sum w)^2
    = (\\sum w^2 f\\,(1 - 2\\hat p) + \\hat p^2 \\sum w^2) / (\\sum w)^2`
    follow (:meth:`pactsim.results.estimate.Estimate.weighted`). Sums are
    floating point: a run merges its blocks in block order, so they do not
    depend on chunking or workers.

    Attributes
    ----------
    n:
        Draws made.
    nonzero:
        Draws whose weight is not 0 (those that meet the hard evidence).
    w, w2:
        Sums of the weights and of their squares.
    node_w, node_w2:
        ``(n_binary,)`` sums over the draws where each binary node is true.
    node_n:
        ``(n_binary,)`` draws of nonzero weight where each binary node is true.
    date_w, date_w2:
        ``(n_dated, horizon - as_of + 1)`` sums over the draws in which each dated
        node happened on each day.
    bool_w, bool_w2, bool_signed_w, bool_signed_w2:
        Per true/false question, sums over the draws where it is true (and signed).
    moments, num_values:
        :class:`WeightedMoments` and weight per value of each numeric question
        (``None`` past :data:`MAX_VALUES` values).
    sets:
        :class:`WeightedSets` by group (see :func:`bundle_groups`).
    log_scale:
        Every weight here is the draw's weight divided by ``exp(log_scale)``
        (soft findings are applied in logarithms and each block divided by its
        largest weight; see :func:`~pactsim.inference.weighting.apply_log_factors`).
        :meth:`merge` brings two parts to the larger scale first; the
        self-normalised estimates do not depend on it.
    """

    n: int
    nonzero: int
    w: float
    w2: float
    node_w: NDArray[np.float64]
    node_w2: NDArray[np.float64]
    node_n: NDArray[np.int64]
    date_w: NDArray[np.float64]
    date_w2: NDArray[np.float64]
    signing_slot: int = -1
    bool_w: dict[str, float] = field(default_factory=dict)
    bool_w2: dict[str, float] = field(default_factory=dict)
    bool_signed_w: dict[str, float] = field(default_factory=dict)
    bool_signed_w2: dict[str, float] = field(default_factory=dict)
    moments: dict[str, WeightedMoments] = field(default_factory=dict)
    num_values: dict[str, dict[float, float] | None] = field(default_factory=dict)
    sets: dict[str, WeightedSets] = field(default_factory=dict)
    log_scale: float = 0.0

    @property
    def ess(self) -> float:
        """Kish's effective sample size, :math:`(\\sum w)^2 / \\sum w^2` (0 when no weight)."""
        return self.w * self.w / self.w2 if self.w2 > 0 else 0.0

    def scale(self, f: float) -> None:
        """Multiply every weight by ``f`` (in place; counts are unchanged)."""
        f2 = f * f
        self.w *= f
        self.w2 *= f2
        for arr, g in ((self.node_w, f), (self.node_w2, f2), (self.date_w, f),
                       (self.date_w2, f2)):
            arr *= g
        for sums, g in ((self.bool_w, f), (self.bool_w2, f2), (self.bool_signed_w, f),
                        (self.bool_signed_w2, f2)):
            for k in sums:
                sums[k] *= g
        for mo in self.moments.values():
            mo.scale(f)
        for vals in self.num_values.values():
            if vals is not None:
                for value in vals:
                    vals[value] *= f
        for table in self.sets.values():
            table.scale(f)

    def _align(self, other: WeightedStats) -> None:
        """Bring ``self`` and ``other`` to one :attr:`log_scale` (the larger; a part with
        no weight takes the other's), rescaling their weights in place."""
        if other.log_scale == self.log_scale or other.w <= 0:
            return
        if self.w <= 0:
            self.log_scale = other.log_scale
            return
        top = max(self.log_scale, other.log_scale)
        for part in (self, other):
            if part.log_scale != top:
                part.scale(math.exp(part.log_scale - top))
                part.log_scale = top

    def merge(self, other: WeightedStats) -> WeightedStats:
        """Add the next block's sums (in place) and return self (merge in block order).
        Parts on different :attr:`log_scale` are brought to the larger first (``other``'s
        weights are rescaled in place)."""
        self._align(other)
        self.n += other.n
        self.nonzero += other.nonzero
        self.w += other.w
        self.w2 += other.w2
        self.node_w += other.node_w
        self.node_w2 += other.node_w2
        self.node_n += other.node_n
        self.date_w += other.date_w
        self.date_w2 += other.date_w2
        for mine, theirs in ((self.bool_w, other.bool_w), (self.bool_w2, other.bool_w2),
                             (self.bool_signed_w, other.bool_signed_w),
                             (self.bool_signed_w2, other.bool_signed_w2)):
            for k, v in theirs.items():
                mine[k] = mine.get(k, 0.0) + v
        for k, mo in other.moments.items():
            self.moments.setdefault(k, WeightedMoments()).merge(mo)
        _merge_values(self.num_values, other.num_values)
        _merge_sets(self.sets, other.sets)
        return self


def _weighted_values(x: NDArray[np.float64], w: NDArray[np.float64]) -> dict[float, float] | None:
    keep = w > 0
    vals, inv = np.unique(x[keep], return_inverse=True)
    if len(vals) > MAX_VALUES:
        return None
    sums = np.bincount(inv.reshape(-1), w[keep], len(vals))
    return dict(zip(vals.tolist(), sums.tolist(), strict=True))


def weighted_numeric(a: NDArray[np.generic], kind: str, w: NDArray[np.float64]
                     ) -> tuple[WeightedMoments, dict[float, float] | None]:
    """Weighted moments and weight per value of a numeric or date answer (as
    :func:`numeric_stats`; draws without a value are left out)."""
    if kind == "date":
        has = ~np.isnat(a)
        x = a[has].astype(np.int64).astype(np.float64)
    else:
        x = np.asarray(a, dtype=np.float64)
        has = ~np.isnan(x)
        x = x[has]
    wx = w[has]
    return WeightedMoments.of(x, wx), _weighted_values(x, wx)


def summarize_weighted(
    model: CompiledModel, draws: Draws, weight: NDArray[np.float64],
    answers: dict[str, NDArray[np.generic]] | None = None,
    groups: dict[str, tuple[str, ...]] | None = None, log_scale: float = 0.0,
) -> WeightedStats:
    """Weighted sums of one block of draws with weights ``weight`` ``(n,)`` (each the
    draw's weight divided by ``exp(log_scale)``)."""
    if answers is None:
        answers = evaluate_questions(model, draws)
    if groups is None:
        groups = bundle_groups(model, list(model.names))
    w = np.asarray(weight, dtype=np.float64)
    w2 = w * w
    width = max(model.horizon - model.as_of + 1, 1)
    date_w = np.zeros((len(model.dated), width))
    date_w2 = np.zeros((len(model.dated), width))
    for k in range(len(model.dated)):
        x = draws.days[k] - model.as_of
        xu = x.view(np.uint64)  # NaT lands past the end once viewed unsigned
        day = np.minimum(xu, np.uint64(width)).astype(np.intp)
        date_w[k] = np.bincount(day, w, width + 1)[:width]
        date_w2[k] = np.bincount(day, w2, width + 1)[:width]
    bits = draws.bits
    scratch = np.empty_like(w)

    def masked(v: NDArray[np.float64], row: NDArray[np.bool_]) -> float:
        # the sum of v where row holds, as v * row (v is finite): ~6x faster than
        # np.sum(v, where=row) or v[row].sum()
        return float(np.multiply(v, row, out=scratch).sum())

    positive = w > 0
    st = WeightedStats(
        n=draws.n, nonzero=int(np.count_nonzero(w)), w=float(w.sum()), w2=float(w2.sum()),
        node_w=np.array([masked(w, row) for row in bits], dtype=np.float64),
        node_w2=np.array([masked(w2, row) for row in bits], dtype=np.float64),
        node_n=np.array([np.count_nonzero(row & positive) for row in bits], dtype=np.int64),
        date_w=date_w, date_w2=date_w2, signing_slot=model.signing_slot, log_scale=log_scale)
    signed = bits[model.signing_index] if model.signing_index >= 0 else None
    for name, (_tree, t) in model.questions.items():
        a = answers[name]
        if t == "bool":
            q = np.asarray(a, dtype=bool)
            st.bool_w[name], st.bool_w2[name] = masked(w, q), masked(w2, q)
            if signed is not None:
                qs = q & signed
                st.bool_signed_w[name], st.bool_signed_w2[name] = masked(w, qs), masked(w2, qs)
            continue
        st.moments[name], st.num_values[name] = weighted_numeric(a, t, w)
    nd = len(model.drivers)
    for j, att in enumerate(model.attributes):  # format 3: summarised as numeric questions
        st.moments[att.name], st.num_values[att.name] = weighted_numeric(
            draws.drivers[nd + j], "number", w)
    for key, members in groups.items():
        st.sets[key] = WeightedSets.of(bits, [model.index[n] for n in members], w)
    return st
