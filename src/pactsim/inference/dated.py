"""Dated nodes: their plans, and how each samples itself (pure numpy and scipy).

A dated node happens on a day in ``(as_of, horizon]`` or not by the horizon.
Its true/false value (row ``index`` of the draws' ``bits``) is "happened by the
horizon", and its day is row ``slot`` of the draws' ``days`` (:data:`NAT` when
it did not happen). Three plans:

* :class:`CurvePlan` — ``signing`` and events with a ``by`` curve (or a table of
  curves over ``given`` parents). With ``F`` the row's piecewise-linear curve and
  ``h`` the hazard ratio of the draw (the product of each ``hazard_ratio``
  factor over true binary parents, times factor**value over drivers),
  P(day <= d) = 1 - (1 - F(d))**h for every day ``d``. One 32-bit uniform
  ``u`` per draw; the day is the first ``k`` with ``u < floor(C(k) * 2**32)``
  in a per-day table ``C`` of the row (binary hazard parents are folded into
  the rows; a driver's hazard moves ``u`` to ``1 - (1 - u)**(1/h)`` first).
* :class:`MilestonePlan` — an event ``after`` other dated nodes. Its "ever"
  chance is an ordinary binary node (drawn first, with its gates); then the
  anchor (the latest, earliest or k-th earliest anchor day) plus a whole-day
  offset with P(offset <= k) = 1 - (1 - F_delay(k))**h; it happens when the
  anchor exists, the ever bit is true and the day is on or before the horizon.
  One 32-bit uniform per draw (a step table as above) unless the delay is fixed.
* :class:`ConditionPlan` — a condition used as a parent (``given`` entry,
  ``odds``/``hazard_ratio`` key), evaluated per draw like a question.
"""

from __future__ import annotations

import hashlib
import math
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import ModuleType
from typing import Any, Literal, TypeVar

import numpy as np
from numpy.typing import NDArray
from scipy import special

from pactsim.errors import PactsimError
from pactsim.inference import kernels

__all__ = ["NAT", "ConditionPlan", "CurvePlan", "DelayPlan", "MilestonePlan", "hazard_log",
           "sample_curve", "sample_milestone"]

#: Integer value of NaT in ``datetime64[D]``: "no date" (e.g. not signed).
NAT = np.iinfo(np.int64).min
_NEVER = np.iinfo(np.int64).max
#: A day table's mark for a bin whose day is searched per key (no real day number).
_HARD = NAT + 1


@dataclass(frozen=True, eq=False)
class Hazard:
    """Log hazard-ratio factors: binary parents ``parents`` (log factors ``logf``) and
    drivers ``drivers`` (``driver_logf``, per unit of the driver)."""

    parents: tuple[int, ...] = ()
    logf: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    drivers: tuple[int, ...] = ()
    driver_logf: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))

    def __bool__(self) -> bool:
        return bool(self.parents or self.drivers)


@dataclass(frozen=True, eq=False)
class CurvePlan:
    """A node timed by a curve (see the module docstring).

    ``days`` ``(K,)`` are day numbers (``days[0]`` is as_of) and ``cum``
    ``(2**g, K)`` the cumulative probability of each row of the ``given``
    parents at them (``cum[:, 0] = 0``; rows with fewer points are
    interpolated onto the union of dates, which leaves each curve unchanged).
    Row ``r`` has ``given[j]`` true when bit ``j`` of ``r`` is set.
    """

    name: str
    index: int
    slot: int
    days: NDArray[np.int64]
    cum: NDArray[np.float64]
    given: tuple[int, ...] = ()
    hazard: Hazard = field(default_factory=Hazard)
    gates_true: tuple[int, ...] = ()
    gates_false: tuple[int, ...] = ()

    @cached_property
    def tables(self) -> _CurveTables:
        """Per-day tables for sampling (built on first use; never pickled: a task sent
        to a worker carries the plan, and the worker builds its own)."""
        return _CurveTables(self)

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "tables"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    @property
    def plain(self) -> bool:
        """One curve, no hazard ratio, no gates: the format-1 ``signing``."""
        return not self.given and not self.hazard and not self.gates_true \
            and not self.gates_false


@dataclass(frozen=True, eq=False)
class DelayPlan:
    """Whole-day offset after the anchor: ``fixed`` (``days``), ``lognormal``
    (``mu``, ``sigma`` of the log delay) or ``curve`` (``points`` days ``(K,)`` with
    cumulative ``cum`` ``(K,)``, starting at ``(0, 0)``)."""

    kind: Literal["fixed", "lognormal", "curve"]
    days: int = 0
    mu: float = 0.0
    sigma: float = 1.0
    points: NDArray[np.float64] = field(default_factory=lambda: np.zeros(1))
    cum: NDArray[np.float64] = field(default_factory=lambda: np.zeros(1))

    def cdf(self, k: NDArray[np.float64]) -> NDArray[np.float64]:
        """P(offset <= k) for whole days ``k`` >= 0 (before any hazard ratio)."""
        k = np.asarray(k, dtype=np.float64)
        if self.kind == "fixed":
            return (k >= self.days).astype(np.float64)
        if self.kind == "lognormal":
            with np.errstate(divide="ignore"):
                z = (np.log(np.maximum(k, 0.0)) - self.mu) / self.sigma
            return np.asarray(special.ndtr(z), dtype=np.float64)
        return np.interp(k, self.points, self.cum)

    def sf(self, k: NDArray[np.float64]) -> NDArray[np.float64]:
        """P(offset > k), ``1 - cdf(k)`` computed without cancelling: a lognormal's far
        tail (8e-19 beyond a few sigma) is kept, where ``1 - cdf`` gives 0, and a hazard
        ratio h below 1 raises it to the power h (review-tester17: (8e-19)**0.25 is
        3e-5, not 0)."""
        k = np.asarray(k, dtype=np.float64)
        if self.kind == "lognormal":
            with np.errstate(divide="ignore"):
                z = (np.log(np.maximum(k, 0.0)) - self.mu) / self.sigma
            return np.asarray(special.ndtr(-z), dtype=np.float64)
        return 1.0 - self.cdf(k)


@dataclass(frozen=True, eq=False)
class MilestonePlan:
    """An event that happens a delay after its anchor (see the module docstring).

    ``anchors`` are the slots of the dated nodes it follows and ``need`` how many
    must have happened (the anchor is the ``need``-th earliest of their days).
    """

    name: str
    index: int
    slot: int
    anchors: tuple[int, ...]
    need: int
    mode: Literal["one", "all", "any", "at_least"]
    delay: DelayPlan
    horizon: int
    hazard: Hazard = field(default_factory=Hazard)
    span: int = 0  # horizon - as_of: the longest offset that can still be in time

    @cached_property
    def tables(self) -> _DelayTables:
        """Per-day offset tables for sampling (built on first use; never pickled)."""
        return _DelayTables(self)

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "tables"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


@dataclass(frozen=True, eq=False)
class ConditionPlan:
    """A condition used as a parent: its text (the row's name) and parsed tree."""

    name: str
    index: int
    tree: Any


def needs_by_slot(timing: Mapping[int, CurvePlan | MilestonePlan]) -> dict[int, frozenset[int]]:
    """Per dated slot, the dated slots it cannot happen without (itself included): a
    curve node needs itself; a milestone, what at least ``len(anchors) - need + 1`` of
    its anchors need (every anchor's for one or all, those all its anchors need for
    any). ``timing`` is the compiled model's, keyed by binary index (topological)."""
    needs: dict[int, frozenset[int]] = {}
    for i in sorted(timing):
        t = timing[i]
        if isinstance(t, CurvePlan):
            needs[t.slot] = frozenset({t.slot})
            continue
        count: dict[int, int] = {}
        for a in t.anchors:
            for x in needs[a]:
                count[x] = count.get(x, 0) + 1
        needs[t.slot] = frozenset({t.slot, *(x for x, c in count.items()
                                             if len(t.anchors) - c < t.need)})
    return needs


def hazard_log(hz: Hazard, bits: NDArray[np.bool_], drivers: NDArray[np.float64],
               n: int, name: str = "a dated node") -> NDArray[np.float64] | None:
    """``(n,)`` log hazard ratio of each draw, or ``None`` when there is none."""
    if not hz:
        return None
    acc = np.zeros(n)
    for v, lf in zip(hz.parents, hz.logf, strict=True):
        acc += lf * bits[v]
    # a driver drawn past 1e306 times a log factor overflows to an infinite log ratio:
    # the node then happens at once or never, as exact inference says too (check flags
    # such factors; review-fuzz16 saw numpy's bare "overflow" become a note); two of
    # them in opposite directions make no number at all (inf - inf), refused by name
    with np.errstate(over="ignore", invalid="ignore"):
        for d, lf in zip(hz.drivers, hz.driver_logf, strict=True):
            acc += lf * drivers[d]
    if hz.drivers and np.isnan(acc).any():
        raise hazard_overflow(name)
    return acc


def hazard_overflow(name: str) -> PactsimError:
    """The refusal of hazard ratios on drivers whose product leaves the float range."""
    return PactsimError(
        f"the hazard ratios of '{name}' on its drivers leave the floating-point range: a "
        "factor far from 1 times a driver drawn far from 0 is infinite, and two such in "
        "opposite directions are no number at all; write factors nearer 1 or drivers of a "
        "narrower range (pactsim check flags such factors)")


def _transform(u: NDArray[np.float64], logh: NDArray[np.float64] | None) -> NDArray[np.float64]:
    """``u' = 1 - (1 - u)**(1/h)``: inverting ``F`` at ``u'`` draws from ``1 - (1 - F)**h``."""
    if logh is None:
        return u
    # u = 1 (a key at the top of an interval under date evidence): log1p(-1) = -inf
    # gives u' = 1, the right answer, without a warning
    with np.errstate(over="ignore", under="ignore", divide="ignore"):
        return np.asarray(-np.expm1(np.log1p(-u) * np.exp(-logh)), dtype=np.float64)


def _row_index(parents: tuple[int, ...], bits: NDArray[np.bool_]) -> NDArray[np.intp]:
    idx = np.zeros(bits.shape[1], dtype=np.intp)
    for j, par in enumerate(parents):
        idx |= bits[par].astype(np.intp) << j
    return idx


_TWO32 = float(1 << 32)
#: Moved keys this close to 1 are placed by a delay's survival (:meth:`_DelayTables.tail`).
_TAIL_KEY = 1e-6
#: Bins of the 32-bit uniform per row of a step table (its top bits pick the bin).
_BIN_BITS = 16
#: Bins of a row of the compiled loops' guide tables (:attr:`_Steps.guide`).
_GUIDE_BITS = 14
#: Entries of all rows' bin tables together at most (beyond, fewer bins per row).
_MAX_BIN_ENTRIES = 1 << 22


class _Steps:
    """Inverse of cumulative step tables: for a key ``u`` and a row ``r``, the smallest
    ``k`` with ``u < thr[r, k]`` (``K`` when there is none).

    With 32-bit keys (a uniform integer), ``thr[r, k] = floor(C_r(k) * 2**32)``, so
    P(k <= j) = C_r(j) to within 2**-32, as for binary nodes. With float keys
    (``floats=True``: a uniform in (0, 1) moved by a per-draw hazard ratio) the
    thresholds are ``C_r`` itself, in double precision: a hazard ratio below 1
    raises small chances of not happening to a power, so they must not be rounded
    to 2**-32 first. The key's top bits pick a bin whose answer is tabulated; only
    keys in the few bins that straddle a step are searched.
    """

    def __init__(self, cum: NDArray[np.float64], *, floats: bool = False) -> None:
        rows, width = cum.shape
        self.floats = floats
        self.thr: NDArray[Any] = np.array(cum, dtype=np.float64) if floats else \
            np.clip(np.floor(cum * _TWO32), 0, _TWO32).astype(np.int64)
        bits = _BIN_BITS
        while bits > 8 and rows << bits > _MAX_BIN_ENTRIES:
            bits -= 1
        self.shift = np.uint32(32 - bits)
        self.bins = 1 << bits
        starts: NDArray[Any]
        ends: NDArray[Any]
        if floats:  # bin b holds [b / bins, (b + 1) / bins)
            edges = np.arange(self.bins + 1, dtype=np.float64) / self.bins
            starts, ends = edges[:-1], edges[1:]
            side_hi: Literal["left", "right"] = "left"  # keys stay below the bin's end
        else:
            starts_i = np.arange(self.bins, dtype=np.int64) << (32 - bits)
            starts, ends = starts_i, starts_i + (1 << (32 - bits)) - 1
            side_hi = "right"
        # the answer of each bin, or -1 where the bin straddles a step (searched per key)
        self.lo = np.empty((rows, self.bins), dtype=np.intp)
        for r in range(rows):
            lo = np.searchsorted(self.thr[r], starts, side="right")
            hi = np.searchsorted(self.thr[r], ends, side=side_hi)
            self.lo[r] = np.where(lo == hi, lo, -1)
        self.flat = self.lo.ravel()
        self.width = width
        self.cum = cum
        self.bin_bits = bits

    @cached_property
    def small(self) -> NDArray[np.signedinteger[Any]]:
        """:attr:`flat` in the narrowest type (a smaller table stays in cache; built on
        first use by :meth:`lookup`)."""
        return self.flat.astype(np.int16 if self.width < np.iinfo(np.int16).max else np.int32)

    @cached_property
    def guide(self) -> tuple[NDArray[np.signedinteger[Any]], int, int, NDArray[np.int64]]:
        """For the compiled loops (:mod:`pactsim.inference._loops`, 32-bit keys only):
        the answer at the start of each of ``2**g`` bins a row (rows one after
        another), the shift ``32 - g`` of a key to its bin, ``g``, and :attr:`thr`
        with a sentinel step above every key ending each row."""
        assert not self.floats
        rows = self.thr.shape[0]
        g = min(_GUIDE_BITS, self.bin_bits)
        starts = np.arange(1 << g, dtype=np.int64) << (32 - g)
        at = np.concatenate([np.searchsorted(self.thr[r], starts, side="right")
                             for r in range(rows)])
        small = np.int16 if self.width < np.iinfo(np.int16).max else np.int32
        thr = np.concatenate([self.thr, np.full((rows, 1), 1 << 40, dtype=np.int64)], axis=1)
        return at.astype(small), 32 - g, g, thr

    def bin_of(self, u: NDArray[np.uint32], parents: tuple[int, ...],
               bits: NDArray[np.bool_]) -> NDArray[np.uint32]:
        """``(n,)`` entry of each 32-bit key in :attr:`flat`: its bin, in its row over
        binary ``parents`` (bit ``j`` of the row is ``bits[parents[j]]``)."""
        b = np.right_shift(u, self.shift)
        for j, par in enumerate(parents):  # the row's offset, in the same uint32 word
            row = bits[par].astype(np.uint32)
            row <<= np.uint32(self.bin_bits + j)
            b |= row
        return b

    def search(self, u: NDArray[np.uint32], b: NDArray[np.uint32], hard: NDArray[np.intp],
               has_rows: bool) -> NDArray[np.intp]:
        """The answers of keys ``u[hard]`` (whose bins ``b[hard]`` straddle a step)."""
        if not has_rows:
            return np.asarray(np.searchsorted(self.thr[0], u[hard], side="right"))
        k = np.empty(hard.shape[0], dtype=np.intp)
        rh = b[hard] >> np.uint32(self.bin_bits)
        for r in np.unique(rh):
            sel = rh == r
            k[sel] = np.searchsorted(self.thr[int(r)], u[hard[sel]], side="right")
        return k

    def lookup(self, u: NDArray[np.uint32], parents: tuple[int, ...],
               bits: NDArray[np.bool_]) -> NDArray[np.signedinteger[Any]]:
        """``self(u, rows)`` for 32-bit keys, rows over binary ``parents`` (bit ``j`` of
        the row is ``bits[parents[j]]``): the same answers, in :attr:`small`'s type."""
        assert not self.floats
        b = self.bin_of(u, parents, bits)
        k: NDArray[np.signedinteger[Any]] = self.small.take(b)
        hard = np.flatnonzero(k < 0)
        if hard.shape[0]:
            k[hard] = self.search(u, b, hard, bool(parents))
        return k

    def __call__(self, u: NDArray[Any], rows: NDArray[np.intp] | None) -> NDArray[np.intp]:
        if self.floats:
            b = np.minimum((u * self.bins).astype(np.intp), self.bins - 1)
        else:
            b = np.right_shift(u, self.shift).astype(np.intp)
        if rows is not None:
            b += rows * self.bins
        k = self.flat.take(b)
        hard = np.flatnonzero(k < 0)
        if hard.shape[0]:
            if rows is None:
                k[hard] = np.searchsorted(self.thr[0], u[hard], side="right")
            else:
                rh = rows[hard]
                for r in np.unique(rh):
                    sel = hard[rh == r]
                    k[sel] = np.searchsorted(self.thr[r], u[sel], side="right")
        return k


def _with_hazard(cum: NDArray[np.float64], logf: NDArray[np.float64],
                 surv: NDArray[np.float64] | None = None) -> NDArray[np.float64]:
    """Rows ``1 - (1 - C)**h`` for every combination of the binary hazard parents
    (row ``g + (c << bits of cum's rows)``: ``cum``'s row ``g``, parents ``c``);
    ``surv``, when given, is ``1 - C`` computed without cancelling (a delay's tail)."""
    m = logf.shape[0]
    out = []
    with np.errstate(divide="ignore"):
        log_s = np.log1p(-np.minimum(cum, 1.0)) if surv is None else \
            np.log(np.maximum(surv, 0.0))
    for c in range(1 << m):
        # (a product of ratios past the largest float is inf: every day's chance 1)
        h = math.exp(min(sum(float(lf) for j, lf in enumerate(logf) if c >> j & 1), 709.0))
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            out.append(np.where(np.isneginf(log_s), 1.0, -np.expm1(log_s * h)))
    return np.concatenate(out, axis=0)


def _uniform32(rng: np.random.Generator, n: int) -> NDArray[np.uint32]:
    """``n`` uniform 32-bit integers: the low then high half of each 64-bit raw draw."""
    return rng.bit_generator.random_raw((n + 1) // 2).view(np.uint32)[:n]


def _unit(u: NDArray[np.uint32]) -> NDArray[np.float64]:
    """32-bit uniforms as doubles in (0, 1): ``(u + 1/2) / 2**32``."""
    return (u.astype(np.float64) + 0.5) * (1.0 / _TWO32)




#: Entries a node's per-day tables may hold (rows x days): beyond, the node is drawn
#: from its curves' points instead (memory bounded by the file, not by 2**parents x days).
_TABLE_BUDGET = 1 << 22
#: Rows (table parents and binary hazard parents together) up to which binary hazard
#: parents are folded into per-row tables; beyond, the hazard is applied per draw.
_FOLD_ROWS = 256


def _invert(days: NDArray[np.int64], cum: NDArray[np.float64], u: NDArray[np.float64]
            ) -> NDArray[np.int64]:
    """Day of each ``u`` in (0, 1) through one piecewise-linear curve given at its
    points (:data:`NAT` past its last point): the first day ``d`` with ``u < F(d)``."""
    seg = np.searchsorted(cum, u, side="right")
    hit = seg < cum.shape[0]
    i = seg[hit]
    lo_c, hi_c = cum[i - 1], cum[i]
    lo_d, hi_d = days[i - 1], days[i]
    t = lo_d + (u[hit] - lo_c) / (hi_c - lo_c) * (hi_d - lo_d)
    out = np.full(u.shape[0], NAT, dtype=np.int64)
    out[hit] = np.minimum(np.floor(t).astype(np.int64) + 1, hi_d)
    return out


class _CurveDays:
    """The per-day part of a curve's tables, shared by every curve node with the same
    points, rows and folded hazard (see :func:`_shared`)."""

    def __init__(self, plan: CurvePlan, fold: bool, per_draw: bool, tabled: bool) -> None:
        as_of = int(plan.days[0])
        width = int(plan.days[-1]) - as_of + 1
        hz = plan.hazard
        self.steps: _Steps | None = None
        self.cum = np.zeros((0, width))
        if tabled:
            grid = np.arange(as_of, as_of + width, dtype=np.float64)
            base = np.array([np.interp(grid, plan.days, row) for row in plan.cum])
            self.cum = _with_hazard(base, hz.logf) if fold else base
            self.steps = _Steps(self.cum, floats=per_draw)
        #: ``steps``' answers as day numbers (NAT: not by the horizon; a bin that
        #: straddles a step: :data:`_HARD`, searched per key)
        self.day_flat = np.zeros(0, dtype=np.int64)
        if self.steps is not None and not per_draw:
            k = self.steps.flat
            self.day_flat = np.where(k < 0, _HARD, np.where(k < width, k + as_of, NAT))


class _CurveTables:
    """How a curve node is drawn. ``steps``: per-day step tables over ``parents`` (its
    table parents and, folded in, its binary hazard parents), ``cum[r, k]`` = P(happened
    by ``as_of + k``); ``None`` when they would pass :data:`_TABLE_BUDGET`, and the day
    is then found from the curve's points. ``per_draw``: a hazard left to each draw
    (a driver's, or binary parents too many to fold). Nodes with the same curves
    share one set of per-day tables (500 events with one ``by`` curve cost one)."""

    def __init__(self, plan: CurvePlan) -> None:
        given_rows = plan.cum.shape[0]
        width = int(plan.days[-1]) - int(plan.days[0]) + 1
        hz = plan.hazard
        fold = bool(hz.parents) and not hz.drivers and \
            given_rows << len(hz.parents) <= _FOLD_ROWS and \
            (given_rows << len(hz.parents)) * width <= _TABLE_BUDGET
        self.as_of = int(plan.days[0])
        self.per_draw = bool(hz) and not fold
        self.parents = plan.given + (hz.parents if fold else ())
        tabled = (given_rows << (len(hz.parents) if fold else 0)) * width <= _TABLE_BUDGET
        key = ("curve", _digest(plan.days, plan.cum, hz.logf if fold else np.zeros(0)),
               fold, self.per_draw, tabled)
        self._days = _shared(key, lambda: _CurveDays(plan, fold, self.per_draw, tabled))
        self.steps = self._days.steps
        self.cum = self._days.cum
        self.day_flat = self._days.day_flat


_T = TypeVar("_T")
#: Tables in use, by what defines them: plans with equal curves or delays share one
#: (held weakly: a table lives as long as a plan uses it, never longer).
_SHARED: weakref.WeakValueDictionary[tuple[Any, ...], Any] = weakref.WeakValueDictionary()


def _digest(*arrays: NDArray[Any]) -> bytes:
    """A content key of ``arrays`` (their shapes and bytes)."""
    h = hashlib.blake2b(digest_size=32)
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(repr((a.dtype.str, a.shape)).encode())
        h.update(a.tobytes())
    return h.digest()


def _shared(key: tuple[Any, ...], build: Callable[[], _T]) -> _T:
    """The table ``key`` names, built by ``build`` unless a live plan already holds it."""
    found = _SHARED.get(key)
    if found is None:
        found = build()
        _SHARED[key] = found
    return found


def sample_curve(plan: CurvePlan, rng: np.random.Generator, bits: NDArray[np.bool_],
                 drivers: NDArray[np.float64], day: NDArray[np.int64],
                 loops: ModuleType | None = None, hist: NDArray[np.int64] | None = None,
                 hist0: int = 0) -> bool:
    """Draw ``plan``'s day into ``day`` ``(n,)`` and its bit into ``bits[plan.index]``.

    One 32-bit uniform per draw; with few binary hazard parents (and no driver
    among them), the hazard is folded into per-row tables (no per-draw transform).
    With compiled ``loops`` (:mod:`pactsim.inference.kernels`) and a histogram row
    ``hist`` (day ``hist0 + j`` counted in ``hist[j]``, days not drawn in the last
    column), a node drawn from its tables is drawn in one compiled loop and its days
    counted into ``hist`` by another: returns whether it was (the same days and bits
    either way).
    """
    n = day.shape[0]
    tab = plan.tables
    u = _uniform32(rng, n)
    logh = hazard_log(plan.hazard, bits, drivers, n, plan.name) if tab.per_draw else None
    searched = logh is not None or tab.steps is None  # rows as an index array
    rows = _row_index(tab.parents, bits) if tab.parents and searched else None
    out = bits[plan.index]
    if tab.steps is not None and logh is None and loops is not None and hist is not None \
            and n >= kernels.FROM:
        steps = tab.steps
        guide, gshift, gbits, thr = steps.guide
        rk = _guide_index(u, gshift, gbits, tab.parents, bits, loops)
        loops.curve(u, rk, guide, gshift, gbits, thr, steps.width, tab.as_of, day,
                    out.view(np.uint8))
        if plan.gates_true or plan.gates_false:
            for g in plan.gates_true:
                out &= bits[g]
            for g in plan.gates_false:
                np.greater(out, bits[g], out=out)
            _keep_days(day, out)
        loops.count(day, hist0, hist)
        return True
    if tab.steps is not None and logh is None:
        # the day straight from a table of day numbers (NAT: not by the horizon)
        steps = tab.steps
        b = steps.bin_of(u, tab.parents, bits)
        np.take(tab.day_flat, b, out=day, mode="clip")
        hard = np.flatnonzero(day == _HARD)
        if hard.shape[0]:
            k = steps.search(u, b, hard, bool(tab.parents))
            day[hard] = np.where(k < steps.width, k + tab.as_of, NAT)
        np.not_equal(day, NAT, out=out)
    elif tab.steps is not None:
        k = tab.steps(_transform(_unit(u), logh), rows)
        np.less(k, tab.steps.width, out=out)
        np.add(k, tab.as_of, out=day)
        _keep_days(day, out)
    else:  # tables too large: invert each row's curve at its points
        x = _transform(_unit(u), logh)
        if rows is None:
            day[:] = _invert(plan.days, plan.cum[0], x)
        else:
            for r in np.unique(rows):
                hit = rows == r
                day[hit] = _invert(plan.days, plan.cum[r], x[hit])
        np.not_equal(day, NAT, out=out)
    if plan.gates_true or plan.gates_false:
        for g in plan.gates_true:
            out &= bits[g]
        for g in plan.gates_false:
            np.greater(out, bits[g], out=out)
        _keep_days(day, out)
    return False


def _guide_index(u: NDArray[np.uint32], shift: int, gbits: int, parents: tuple[int, ...],
                 bits: NDArray[np.bool_], loops: ModuleType) -> NDArray[np.uint32]:
    """Each key's entry in a guide table over rows of ``parents`` (see
    :attr:`_Steps.guide`): the first parent's row by the compiled ``loops``
    (``guide_index``, one pass), the others by numpy; an empty array without
    parents (the loops take the key's top bits themselves)."""
    if not parents:
        return _NO_KEYS
    b: NDArray[np.uint32] = loops.guide_index(u, shift, gbits, bits[parents[0]].view(np.uint8))
    for j, par in enumerate(parents[1:], 1):
        row = bits[par].astype(np.uint32)
        row <<= np.uint32(gbits + j)
        b |= row
    return b


def anchor_days(plan: MilestonePlan, days: NDArray[np.int64]) -> NDArray[np.int64]:
    """``(n,)`` anchor day of each draw (:data:`NAT` when too few anchors happened)."""
    rows = [days[a] for a in plan.anchors]
    if len(rows) == 1:
        return np.array(rows[0], dtype=np.int64)
    if plan.mode == "all" or plan.need == len(rows):  # the latest, missing if any is
        out: NDArray[np.int64] = np.maximum(rows[0], rows[1])
        # NaT is the smallest int64: it survives a min
        low: NDArray[np.int64] = np.minimum(rows[0], rows[1])
        for r in rows[2:]:
            np.maximum(out, r, out=out)
            np.minimum(low, r, out=low)
        out[low == NAT] = NAT
        return out
    if plan.need == 1:  # the earliest of those that happened
        out = np.where(rows[0] == NAT, _NEVER, rows[0])
        for r in rows[1:]:
            np.minimum(out, np.where(r == NAT, _NEVER, r), out=out)
        out[out == _NEVER] = NAT
        return out
    a = np.where(days[list(plan.anchors)] == NAT, _NEVER, days[list(plan.anchors)])
    a.sort(axis=0)
    out = a[plan.need - 1]
    return np.where(out == _NEVER, NAT, out)


class _DelayTables:
    """A milestone's offset tables: ``cum[r, k]`` = P(offset <= k days), ``k = 0..span``,
    per row of its binary hazard parents (unless a driver sets the hazard)."""

    def __init__(self, plan: MilestonePlan) -> None:
        hz = plan.hazard
        fold = not hz.drivers and 1 << len(hz.parents) <= _FOLD_ROWS
        self.per_draw = bool(hz) and not fold  # a driver's hazard, or too many parents
        self.parents: tuple[int, ...] = hz.parents if fold else ()
        d = plan.delay
        # milestones with the same delay share one table (a chain of 200 costs one)
        logf = hz.logf if fold else np.zeros(0)
        key = ("delay", d.kind, d.days, d.mu, d.sigma, _digest(d.points, d.cum, logf),
               plan.span, self.per_draw)
        self.steps = _shared(key, lambda: _delay_steps(d, plan.span, logf, self.per_draw))
        self.cum = self.steps.cum
        # -log P(offset > k), k = 0..span: a per-draw hazard places the keys in the far
        # tail by it (see tail); a lognormal's tail is where 1 - cdf cancels
        self.neg_log_sf: NDArray[np.float64] | None = None
        if self.per_draw and d.kind == "lognormal":
            with np.errstate(divide="ignore"):
                self.neg_log_sf = -np.log(d.sf(np.arange(plan.span + 1, dtype=np.float64)))

    def tail(self, k: NDArray[Any], key: NDArray[np.float64], u: NDArray[np.float64],
             logh: NDArray[np.float64]) -> NDArray[Any]:
        """``k`` with the draws whose moved key ``key`` is within :data:`_TAIL_KEY` of 1
        placed again, in survival terms: the smallest day with P(offset > day) below
        ``v = (1 - u)**(1/h)``. Near 1 the key (and the table's 1 - P(offset > day))
        has lost the digits that P(offset > day)**h needs when h is small (a
        tail of 8e-19 is 3e-5 at h = 1/4); ``u`` is the draw's uniform before the
        hazard moved it. The other draws keep their day."""
        if self.neg_log_sf is None:
            return k
        idx = np.flatnonzero(key >= 1.0 - _TAIL_KEY)
        if idx.size:
            with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
                log_v = np.log1p(-u[idx]) * np.exp(-logh[idx])
            k[idx] = np.searchsorted(self.neg_log_sf, -log_v, side="right")
        return k


def _delay_steps(delay: DelayPlan, span: int, logf: NDArray[np.float64],
                 floats: bool) -> _Steps:
    k = np.arange(span + 1, dtype=np.float64)
    base = delay.cdf(k)[None, :]
    return _Steps(_with_hazard(base, logf, delay.sf(k)[None, :]) if logf.shape[0] else base,
                  floats=floats)


def sample_milestone(plan: MilestonePlan, rng: np.random.Generator, bits: NDArray[np.bool_],
                     drivers: NDArray[np.float64], days: NDArray[np.int64],
                     anchor_bits: tuple[int, ...] | None = None,
                     loops: ModuleType | None = None, hist: NDArray[np.int64] | None = None,
                     hist0: int = 0) -> bool:
    """Time ``plan`` (its ever bit, ``bits[plan.index]``, is drawn already): write its
    day into ``days[plan.slot]`` and clear the bit where it does not happen in time.

    A fixed delay draws nothing; another draws one 32-bit uniform per draw.
    ``anchor_bits``, the binary rows of the anchors (a dated node's bit is set
    exactly where its day is not :data:`NAT`), lets a milestone after one anchor
    or after all of them test its anchors on their bits and skip the search for
    missing days: the same days and bits. ``loops``, ``hist``, ``hist0`` and the
    value returned: as :func:`sample_curve`'s.
    """
    n = days.shape[1]
    if anchor_bits is not None and (len(plan.anchors) == 1 or plan.mode == "all"
                                    or plan.need == len(plan.anchors)):
        if loops is not None and hist is not None and n >= kernels.FROM and \
                (plan.delay.kind == "fixed" or not plan.tables.per_draw):
            _milestone_loop(plan, rng, bits, days, anchor_bits, loops, hist, hist0)
            return True
        _milestone_fast(plan, rng, bits, drivers, days, anchor_bits)
        return False
    anchor = anchor_days(plan, days)
    out = bits[plan.index]
    out &= anchor != NAT
    d = plan.delay
    if d.kind == "fixed":
        offset: NDArray[np.int64] | NDArray[np.intp] = np.full(n, d.days, dtype=np.int64)
    else:
        tab = plan.tables
        u = _uniform32(rng, n)
        rows = _row_index(tab.parents, bits) if tab.parents else None
        if tab.per_draw:
            logh = hazard_log(plan.hazard, bits, drivers, n, plan.name)
            assert logh is not None
            u01 = _unit(u)
            key = _transform(u01, logh)
            offset = tab.tail(tab.steps(key, rows), key, u01, logh)
        else:
            offset = tab.steps(u, rows)
    day = days[plan.slot]
    np.add(anchor, offset, out=day)
    out &= day <= plan.horizon
    _keep_days(day, out)
    return False


_NO_KEYS = np.zeros(0, dtype=np.uint32)
_NO_GUIDE = (np.zeros(1, dtype=np.int16), 0, 0, np.zeros((1, 1), dtype=np.int64))


def _milestone_loop(plan: MilestonePlan, rng: np.random.Generator, bits: NDArray[np.bool_],
                    days: NDArray[np.int64], anchor_bits: tuple[int, ...], loops: ModuleType,
                    hist: NDArray[np.int64], hist0: int) -> None:
    """:func:`_milestone_fast` (without a per-draw hazard) as one compiled loop."""
    n = days.shape[1]
    out = bits[plan.index]
    for a in anchor_bits:
        out &= bits[a]
    day = days[plan.slot]
    anchor = days[plan.anchors[0]]
    if len(plan.anchors) > 1:  # where any anchor is missing the bit is clear: its day is not read
        # (into an array of its own: a loop reading and writing one array ran 10x slower)
        anchor = np.maximum(anchor, days[plan.anchors[1]])
        for r in plan.anchors[2:]:
            np.maximum(anchor, days[r], out=anchor)
    if plan.delay.kind == "fixed":
        u, rk, guide = _NO_KEYS, _NO_KEYS, _NO_GUIDE
    else:
        tab = plan.tables
        u = _uniform32(rng, n)
        guide = tab.steps.guide
        rk = _guide_index(u, guide[1], guide[2], tab.parents, bits, loops)
    loops.milestone(u, rk, plan.delay.days, anchor, *guide, plan.horizon, day,
                    out.view(np.uint8))
    loops.count(day, hist0, hist)


def _milestone_fast(plan: MilestonePlan, rng: np.random.Generator, bits: NDArray[np.bool_],
                    drivers: NDArray[np.float64], days: NDArray[np.int64],
                    anchor_bits: tuple[int, ...]) -> None:
    """:func:`sample_milestone` for an anchor that is the latest of its anchors (or the
    only one): the same draws, fewer passes."""
    out = bits[plan.index]
    for a in anchor_bits:
        out &= bits[a]
    day = days[plan.slot]
    rows = [days[a] for a in plan.anchors]
    anchor = rows[0]
    if len(rows) > 1:  # where any anchor is missing the bit is clear: its day is not read
        np.maximum(rows[0], rows[1], out=day)
        for r in rows[2:]:
            np.maximum(day, r, out=day)
        anchor = day
    d = plan.delay
    if d.kind == "fixed":
        np.add(anchor, d.days, out=day)
    else:
        tab = plan.tables
        n = day.shape[0]
        u = _uniform32(rng, n)
        k: NDArray[Any]
        if tab.per_draw:
            logh = hazard_log(plan.hazard, bits, drivers, n, plan.name)
            assert logh is not None
            u01 = _unit(u)
            key = _transform(u01, logh)
            k = tab.tail(tab.steps(key, _row_index(tab.parents, bits) if tab.parents else None),
                         key, u01, logh)
        else:
            k = tab.steps.lookup(u, tab.parents, bits)
        np.add(anchor, k, out=day, dtype=np.int64)
    out &= day <= plan.horizon
    _keep_days(day, out)


def _keep_days(day: NDArray[np.int64], keep: NDArray[np.bool_]) -> None:
    """``day[~keep] = NAT`` in place, without branches (a masked store mispredicts on
    random masks): ``(day - NAT) * keep + NAT`` in wrapping int64 arithmetic."""
    np.subtract(day, NAT, out=day)
    np.multiply(day, keep, out=day)
    np.add(day, NAT, out=day)
