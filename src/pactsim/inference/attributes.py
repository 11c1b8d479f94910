"""Numeric attributes (format 3) in array form: plans, draws and exact laws.

An attribute (:mod:`pactsim.language.attributes`) is a leaf: no node depends on
it, so it is drawn after every binary node and dated node of a block, with one
uniform ``u`` per draw (``Generator.random``, moved to the middle of its
``2**-53`` cell so that it lies in (0, 1)) turned into a value by the inverse
CDF of its row's distribution (:meth:`~pactsim.language.attributes.Quantity.ppf`),
rounded to whole numbers when it says ``round: true``, and missing (``NaN``)
where a gate is closed. Scenarios without attributes draw exactly what they drew
before (nothing is consumed from the stream).

Exact inference never tabulates the value: a question compares an attribute
with constants, so the line is cut at those constants (:func:`bins`) and each
piece gets its probability given the parents' row from the CDF
(:meth:`AttributePlan.bin_probs`); every comparison is constant on a piece, so
evaluating it at one representative value per piece is exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pactsim.language.attributes import Quantity

__all__ = ["AttributePlan", "bins", "sample_attributes"]


@dataclass(frozen=True, eq=False)
class AttributePlan:
    """How one attribute is drawn.

    Attributes
    ----------
    name:
        Its name.
    given:
        Binary rows of its table's parents (bit ``j`` of a row is ``given[j]``; a
        categorical parent stands for its outcome rows, a condition for its row).
    quantities:
        ``(2**len(given),)`` the distribution of each row (``None``: a row that
        cannot happen, two outcomes of one node at once).
    gates_true, gates_false:
        Binary rows that must all be true / all be false for it to have a value.
    whole:
        ``round: true``: values are rounded to the nearest whole number.
    """

    name: str
    given: tuple[int, ...]
    quantities: tuple[Quantity | None, ...]
    gates_true: tuple[int, ...] = ()
    gates_false: tuple[int, ...] = ()
    whole: bool = False

    @property
    def parents(self) -> tuple[int, ...]:
        """Every binary row its law depends on: ``given``, then the gates."""
        return tuple(dict.fromkeys(self.given + self.gates_true + self.gates_false))

    def values(self, bits: NDArray[np.bool_], u: NDArray[np.float64]) -> NDArray[np.float64]:
        """``(n,)`` values of draws with binary rows ``bits`` and uniforms ``u``."""
        n = u.shape[0]
        if self.given:
            rows = np.zeros(n, dtype=np.intp)
            for j, g in enumerate(self.given):
                rows |= bits[g].astype(np.intp) << j
            out = np.full(n, np.nan)
            for r in np.unique(rows).tolist():
                q = self.quantities[r]
                if q is not None:
                    sel = rows == r
                    out[sel] = q.ppf(u[sel])
        else:
            q0 = self.quantities[0]
            assert q0 is not None
            out = q0.ppf(u)
        if self.whole:
            np.rint(out, out=out)
        if self.gates_true or self.gates_false:
            open_ = np.ones(n, dtype=bool)
            for g in self.gates_true:
                open_ &= bits[g]
            for g in self.gates_false:
                open_ &= ~bits[g]
            out[~open_] = np.nan
        return out

    def row_of(self, state: dict[int, bool]) -> int:
        """The table row of a configuration of the binary rows (``state``: row -> value)."""
        return sum(int(state[g]) << j for j, g in enumerate(self.given))

    def is_open(self, state: dict[int, bool]) -> bool:
        """Whether the gates are open in a configuration of the binary rows."""
        return all(state[g] for g in self.gates_true) and not any(
            state[g] for g in self.gates_false)

    def law(self, q: Quantity) -> Quantity:
        """The law of the value (after rounding) of a row whose distribution is ``q``:
        ``q`` itself, or a discrete law on whole numbers when rounded and discrete."""
        if not self.whole or not q.discrete:
            return q
        vals, probs = q.support()
        r = np.rint(vals)
        u, inv = np.unique(r, return_inverse=True)
        p = np.bincount(inv.reshape(-1), probs, len(u))
        return Quantity("values", values=tuple(map(float, u)), probs=tuple(map(float, p)))

    def cdf(self, q: Quantity, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """P(value <= x) in a row with distribution ``q`` (rounding included: a rounded
        continuous value is <= x iff the unrounded one is below floor(x) + 1/2)."""
        x = np.asarray(x, dtype=np.float64)
        if self.whole and not q.discrete:
            return q.cdf(np.floor(x) + 0.5)
        return self.law(q).cdf(x)

    def cdf_below(self, q: Quantity, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """P(value < x) in a row with distribution ``q``."""
        x = np.asarray(x, dtype=np.float64)
        if self.whole and not q.discrete:
            return q.cdf(np.ceil(x) - 0.5)
        law = self.law(q)
        if not law.discrete:
            return law.cdf(x)
        vals, probs = law.support()
        cum = np.concatenate([[0.0], np.cumsum(probs)])
        return np.asarray(np.minimum(cum[np.searchsorted(vals, x, side="left")], 1.0),
                          dtype=np.float64)

    def bin_probs(self, q: Quantity, cuts: Sequence[float]) -> NDArray[np.float64]:
        """P(value in each piece of :func:`bins` ``(cuts)``) in a row with distribution ``q``
        (the pieces ``(-inf, c1), {c1}, (c1, c2), ..., {ck}, (ck, inf)``)."""
        c = np.asarray(cuts, dtype=np.float64)
        le = self.cdf(q, c)
        lt = self.cdf_below(q, c)
        out = np.empty(2 * len(c) + 1)
        prev = 0.0
        for k in range(len(c)):
            out[2 * k] = max(float(lt[k]) - prev, 0.0)
            out[2 * k + 1] = max(float(le[k] - lt[k]), 0.0)
            prev = float(le[k])
        out[-1] = max(1.0 - prev, 0.0)
        return out


def bins(cuts: Sequence[float]) -> NDArray[np.float64]:
    """One representative value per piece of the line cut at ``cuts`` (sorted, distinct):
    ``(-inf, c1), {c1}, (c1, c2), ..., {ck}, (ck, inf)``; every comparison of the value
    with a cut is the same anywhere in a piece."""
    c = sorted({float(x) for x in cuts})
    if not c:
        return np.array([0.0])
    out = [c[0] - max(1.0, abs(c[0]))]
    for k, x in enumerate(c):
        out.append(x)
        out.append((x + c[k + 1]) / 2 if k + 1 < len(c) else x + max(1.0, abs(x)))
    return np.array(out, dtype=np.float64)


def sample_attributes(plans: Sequence[AttributePlan], rng: np.random.Generator,
                      bits: NDArray[np.bool_], out: NDArray[np.float64]) -> None:
    """Draw every attribute of a block into ``out`` ``(n_attributes, n)``, one uniform
    each per draw, in file order, after the block's binary and dated nodes."""
    n = bits.shape[1]
    for j, plan in enumerate(plans):
        u: NDArray[np.float64] = np.asarray(rng.random(n), dtype=np.float64)
        u += 2.0**-54  # (k + 1/2) / 2**53: strictly inside (0, 1)
        out[j] = plan.values(bits, u)
