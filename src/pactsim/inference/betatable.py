"""Tabulated ``E[sigma(logit T + s)]`` for the sampler's uncertain-p nodes with odds.

A node whose p is uncertain (``beta``/``between``) *and* has odds draws a fresh
p for every draw and uses it alone, so given its row and its log odds ``s``
(binary odds parents and drivers) the node is true with probability

.. math::

    G(s) = E\\big[\\sigma(\\operatorname{logit} T + s)\\big],
    \\qquad T \\sim \\mathrm{Beta}(a, b),

a fixed function of ``s``. The engine draws such a node with one uniform,
``u < G(s)``, instead of a Beta draw and a uniform: the same law of the draws,
not the same draws.

:func:`table` samples ``G`` (:func:`pactsim.inference.factors.beta_logistic_mean`,
the quadrature of exact inference, at :data:`POINTS` points: error about
1e-14) on a grid of step :data:`STEP` over the range ``s`` takes with
probability above 1 - 1e-23, and :func:`evaluate` interpolates it with the
cubic through the four nearest grid points. ``G`` is a mixture of shifted
logistics, so :math:`|G^{(4)}| \\le \\max|\\sigma^{(4)}| < 0.13` and the
interpolation error is at most :math:`\\tfrac{9}{16} \\cdot \\tfrac{h^4}{24}
\\cdot 0.13 < 2\\cdot 10^{-11}` for :math:`h = 1/128`: far below 1e-9 per
probability (:data:`ERROR_BOUND`, checked in ``tests/unit/test_betatable.py``).
Values of ``s`` outside the grid are computed directly by the quadrature.

Pure numpy (scipy through the quadrature); the tables are cached by their
arguments (module state: a memo of a pure function only). A table costs about
3 ms to build (the flagship's two: 1,038 and 672 intervals), paid once per
process for each Beta and range: a sweep over an uncertain p with odds pays it
per value, which at small n can exceed the Beta draws it replaces.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from pactsim.inference.compile import BinaryPlan, DriverPlan

__all__ = ["ERROR_BOUND", "POINTS", "STEP", "BetaTable", "evaluate", "s_range", "table"]

FloatArray = NDArray[np.float64]

#: Grid step of the table in ``s`` (log odds).
STEP = 1.0 / 128
#: Quadrature points per value (:func:`~pactsim.inference.factors.beta_logistic_mean`'s ``n``).
POINTS = 192
#: Documented bound on ``|evaluate(...) - G(s)|`` per probability.
ERROR_BOUND = 1e-9
#: Most grid intervals of one table (8 MiB of coefficients); wider ranges are
#: narrowed to the middle and the rest computed directly.
MAX_INTERVALS = 1 << 18
#: Normal drivers are covered over mean ± this many sd (mass outside 1.5e-23).
_TAIL = 10.0

#: ``(lo, intervals, coef)``: interval ``j`` covers ``[lo + j h, lo + (j + 1) h]``;
#: ``coef[j]`` are the cubic's coefficients in ``t = (s - lo) / h - j``.
BetaTable = tuple[float, int, FloatArray]


def s_range(plan: BinaryPlan, drivers: tuple[DriverPlan, ...]) -> tuple[float, float]:
    """The range of ``plan``'s log odds ``s`` over binary odds parents and drivers
    (normal drivers over mean ± 10 sd)."""
    lf = np.asarray(plan.odds_logf, dtype=np.float64)
    lo, hi = float(lf[lf < 0].sum()), float(lf[lf > 0].sum())
    for d, logf in zip(plan.drivers, plan.driver_logf, strict=True):
        dp = drivers[d]
        zlo, zhi = (dp.a - _TAIL * dp.b, dp.a + _TAIL * dp.b) if dp.dist == "normal" \
            else (dp.a, dp.b)
        with np.errstate(over="ignore", invalid="ignore"):
            ends = (float(logf) * zlo, float(logf) * zhi)
        lo += min(ends)
        hi += max(ends)
    return lo, hi


@lru_cache(maxsize=64)
def table(a: float, b: float, lo: float, hi: float) -> BetaTable:
    """The cubic interpolation table of ``G`` for ``Beta(a, b)`` over ``[lo, hi]``."""
    from pactsim.inference.factors import beta_logistic_mean

    if not (math.isfinite(lo) and math.isfinite(hi)):
        mid = 0.0 if not (math.isfinite(lo) or math.isfinite(hi)) else \
            (lo if math.isfinite(lo) else hi)
        lo, hi = mid - 64.0, mid + 64.0
    lo, hi = math.floor(lo / STEP) * STEP, math.ceil(hi / STEP) * STEP
    intervals = max(1, round((hi - lo) / STEP))
    if intervals > MAX_INTERVALS:
        lo += (intervals - MAX_INTERVALS) // 2 * STEP
        intervals = MAX_INTERVALS
    x = lo + STEP * np.arange(-1, intervals + 2, dtype=np.float64)
    f = beta_logistic_mean(a, b, x, POINTS)
    fm, f0, f1, f2 = f[:-3], f[1:-2], f[2:-1], f[3:]
    coef = np.empty((intervals, 4))
    coef[:, 0] = f0
    coef[:, 1] = -fm / 3 - f0 / 2 + f1 - f2 / 6
    coef[:, 2] = fm / 2 - f0 + f1 / 2
    coef[:, 3] = (f2 - fm) / 6 + (f0 - f1) / 2
    coef.setflags(write=False)
    return lo, intervals, coef


def evaluate(tab: BetaTable, a: float, b: float, s: FloatArray) -> FloatArray:
    """``(n,)`` ``G(s)`` from ``tab`` (built for ``Beta(a, b)``), in [0, 1];
    ``s`` outside the table, ±inf and NaN computed directly."""
    lo, intervals, coef = tab
    x = np.subtract(s, lo)
    x *= 1.0 / STEP
    with np.errstate(invalid="ignore"):
        outside = ~((x >= 0.0) & (x < intervals))
    j = np.floor(x)
    if outside.any():
        j[outside] = 0.0
    t = np.subtract(x, j, out=x)
    c = np.take(coef, j.astype(np.intp), axis=0)
    p = c[:, 3] * t
    p += c[:, 2]
    p *= t
    p += c[:, 1]
    p *= t
    p += c[:, 0]
    np.clip(p, 0.0, 1.0, out=p)
    if outside.any():
        from pactsim.inference.factors import beta_logistic_mean

        p[outside] = beta_logistic_mean(a, b, np.asarray(s)[outside], POINTS)
    return p
