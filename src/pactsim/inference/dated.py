"""Dated nodes: their plans, and how each samples itself (pure numpy and scipy).

A dated node happens on a day in ``(as_of, horizon]`` or not by the horizon.
Its true/false value (row ``index`` of the draws' ``bits``) is "happened by the
horizon", and its day is row ``slot`` of the draws' ``days`` (:data:`NAT` when
it did not happen). Three plans:

* :class:`CurvePlan` — ``signing`` and events with a ``by`` curve (or a table of
  curves over ``given`` parents). With ``F`` the row's piecewise-linear curve and
  ``h`` the hazard ratio of the draw (the product of each ``hazard_ratio``
  factor over true binary parents, times factor**value over drivers),
  P(day <= d) = 1 - (1 - F(d))**h for every day ``d``. One float64 uniform
  ``u`` per draw: ``u' = 1 - (1 - u)**(1/h)`` is inverted through ``F``
  (``u' = u`` when ``h = 1``, so format-1 signing draws are unchanged).
* :class:`MilestonePlan` — an event ``after`` other dated nodes. Its "ever"
  chance is an ordinary binary node (drawn first, with its gates); then the
  anchor (the latest, earliest or k-th earliest anchor day) plus a whole-day
  offset with P(offset <= k) = 1 - (1 - F_delay(k))**h; it happens when the
  anchor exists, the ever bit is true and the day is on or before the horizon.
  One float64 uniform per draw unless the delay is fixed.
* :class:`ConditionPlan` — a condition used as a parent (``given`` entry,
  ``odds``/``hazard_ratio`` key), evaluated per draw like a question.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy import special

__all__ = ["NAT", "ConditionPlan", "CurvePlan", "DelayPlan", "MilestonePlan", "hazard_log",
           "sample_curve", "sample_milestone"]

#: Integer value of NaT in ``datetime64[D]``: "no date" (e.g. not signed).
NAT = np.iinfo(np.int64).min
_NEVER = np.iinfo(np.int64).max


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


@dataclass(frozen=True, eq=False)
class ConditionPlan:
    """A condition used as a parent: its text (the row's name) and parsed tree."""

    name: str
    index: int
    tree: Any


def hazard_log(hz: Hazard, bits: NDArray[np.bool_], drivers: NDArray[np.float64],
               n: int) -> NDArray[np.float64] | None:
    """``(n,)`` log hazard ratio of each draw, or ``None`` when there is none."""
    if not hz:
        return None
    acc = np.zeros(n)
    for v, lf in zip(hz.parents, hz.logf, strict=True):
        acc += lf * bits[v]
    for d, lf in zip(hz.drivers, hz.driver_logf, strict=True):
        acc += lf * drivers[d]
    return acc


def _transform(u: NDArray[np.float64], logh: NDArray[np.float64] | None) -> NDArray[np.float64]:
    """``u' = 1 - (1 - u)**(1/h)``: inverting ``F`` at ``u'`` draws from ``1 - (1 - F)**h``."""
    if logh is None:
        return u
    with np.errstate(over="ignore", under="ignore"):
        return np.asarray(-np.expm1(np.log1p(-u) * np.exp(-logh)), dtype=np.float64)


def _row_index(parents: tuple[int, ...], bits: NDArray[np.bool_]) -> NDArray[np.intp]:
    idx = np.zeros(bits.shape[1], dtype=np.intp)
    for j, par in enumerate(parents):
        idx |= bits[par].astype(np.intp) << j
    return idx


def _invert(days: NDArray[np.int64], cum: NDArray[np.float64], u: NDArray[np.float64]
            ) -> NDArray[np.int64]:
    """Day of each ``u`` through one curve (:data:`NAT` past its last point)."""
    seg = np.searchsorted(cum, u, side="right")
    hit = seg < cum.shape[0]
    i = seg[hit]
    lo_c, hi_c = cum[i - 1], cum[i]
    lo_d, hi_d = days[i - 1], days[i]
    t = lo_d + (u[hit] - lo_c) / (hi_c - lo_c) * (hi_d - lo_d)
    out = np.full(u.shape[0], NAT, dtype=np.int64)
    out[hit] = np.minimum(np.floor(t).astype(np.int64) + 1, hi_d)
    return out


def sample_curve(plan: CurvePlan, rng: np.random.Generator, bits: NDArray[np.bool_],
                 drivers: NDArray[np.float64], day: NDArray[np.int64]) -> None:
    """Draw ``plan``'s day into ``day`` ``(n,)`` and its bit into ``bits[plan.index]``."""
    n = day.shape[0]
    u = _transform(np.asarray(rng.random(n)), hazard_log(plan.hazard, bits, drivers, n))
    if not plan.given:
        day[:] = _invert(plan.days, plan.cum[0], u)
    else:
        rows = _row_index(plan.given, bits)
        day[:] = NAT
        for r in np.unique(rows):
            hit = rows == r
            day[hit] = _invert(plan.days, plan.cum[r], u[hit])
    out = bits[plan.index]
    np.not_equal(day, NAT, out=out)
    if plan.gates_true or plan.gates_false:
        for g in plan.gates_true:
            out &= bits[g]
        for g in plan.gates_false:
            np.greater(out, bits[g], out=out)
        day[~out] = NAT


def anchor_days(plan: MilestonePlan, days: NDArray[np.int64]) -> NDArray[np.int64]:
    """``(n,)`` anchor day of each draw (:data:`NAT` when too few anchors happened)."""
    if len(plan.anchors) == 1:
        return np.array(days[plan.anchors[0]], dtype=np.int64)
    a = np.where(days[list(plan.anchors)] == NAT, _NEVER, days[list(plan.anchors)])
    a.sort(axis=0)
    out = a[plan.need - 1]
    return np.where(out == _NEVER, NAT, out)


def sample_milestone(plan: MilestonePlan, rng: np.random.Generator, bits: NDArray[np.bool_],
                     drivers: NDArray[np.float64], days: NDArray[np.int64]) -> None:
    """Time ``plan`` (its ever bit, ``bits[plan.index]``, is drawn already): write its
    day into ``days[plan.slot]`` and clear the bit where it does not happen in time."""
    n = days.shape[1]
    anchor = anchor_days(plan, days)
    reach = plan.horizon - np.where(anchor == NAT, plan.horizon, anchor)  # days left
    d = plan.delay
    if d.kind == "fixed":
        offset = np.full(n, d.days, dtype=np.int64)
    else:
        u = _transform(np.asarray(rng.random(n)), hazard_log(plan.hazard, bits, drivers, n))
        if d.kind == "lognormal":
            with np.errstate(over="ignore"):
                x = np.exp(d.mu + d.sigma * special.ndtri(u))
        else:
            x = np.full(n, np.inf)
            hit = u < d.cum[-1]
            x[hit] = np.interp(u[hit], d.cum, d.points)
        offset = np.ceil(np.minimum(x, float(reach.max(initial=0) + 1))).astype(np.int64)
    out = bits[plan.index]
    out &= anchor != NAT
    out &= offset <= reach
    day = days[plan.slot]
    day[:] = NAT
    day[out] = anchor[out] + offset[out]
