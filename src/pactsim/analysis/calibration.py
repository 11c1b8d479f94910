"""Calibration of many probability forecasts: CORP reliability and the Murphy decomposition.

CORP (Dimitriadis, Gneiting & Jordan 2021, "Stable reliability diagrams for
probabilistic classifiers", PNAS): the recalibrated probability of each
forecast is the isotonic (non-decreasing) regression of the outcomes on the
forecasts, found by the pool-adjacent-violators algorithm (PAV). With
:math:`\\hat p` the recalibrated forecasts and :math:`\\bar y` the base rate,
the mean Brier score splits exactly as

.. math:: \\bar S = \\mathrm{MCB} - \\mathrm{DSC} + \\mathrm{UNC},

:math:`\\mathrm{MCB} = \\bar S(p) - \\bar S(\\hat p)` (miscalibration),
:math:`\\mathrm{DSC} = \\bar S(\\bar y) - \\bar S(\\hat p)` (discrimination),
:math:`\\mathrm{UNC} = \\bar S(\\bar y) = \\bar y (1 - \\bar y)`. The classic
Murphy decomposition, binned by distinct forecast values, is
:math:`\\bar S = \\mathrm{REL} - \\mathrm{RES} + \\mathrm{UNC}`. Consistency
bands: outcomes redrawn as Bernoulli(p) (calibrated by construction),
recalibrated again, and the pointwise quantiles of those curves.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pactsim.errors import ArgumentError, ArgumentTypeError

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["Calibration", "calibration", "pav"]


def pav(y: Any, weights: Any = None) -> NDArray[np.float64]:
    """Non-decreasing least-squares fit to `y` (in the given order), by pool-adjacent-violators.

    >>> pav([0.0, 1.0, 0.0, 1.0]).tolist()
    [0.0, 0.5, 0.5, 1.0]
    """
    yv = np.asarray(y, dtype=float)
    wv = np.ones_like(yv) if weights is None else np.asarray(weights, dtype=float)
    means: list[float] = []
    wsum: list[float] = []
    sizes: list[int] = []
    for v, w in zip(yv.tolist(), wv.tolist(), strict=True):
        means.append(v)
        wsum.append(w)
        sizes.append(1)
        while len(means) > 1 and means[-2] > means[-1]:
            w2 = wsum[-2] + wsum[-1]
            m2 = (means[-2] * wsum[-2] + means[-1] * wsum[-1]) / w2
            s2 = sizes[-2] + sizes[-1]
            del means[-1], wsum[-1], sizes[-1]
            means[-1], wsum[-1], sizes[-1] = m2, w2, s2
    return np.repeat(np.array(means, dtype=float), sizes)


def _recalibrate(p: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    """CORP: isotonic regression of y on p; ties in p share one value (pooled first)."""
    order = np.argsort(p, kind="stable")
    ps, ys = p[order], y[order]
    _uniq, start, counts = np.unique(ps, return_index=True, return_counts=True)
    sums = np.add.reduceat(ys, start)
    fitted = pav(sums / counts, counts)
    out = np.empty_like(p)
    out[order] = np.repeat(fitted, counts)
    return out


@dataclass(frozen=True)
class Calibration:
    """Reliability of probability forecasts (made by :func:`calibration`).

    Attributes
    ----------
    table:
        One row per distinct forecast value ``p``: ``count``, ``observed``
        (share true), ``recalibrated`` (CORP, PAV), ``lo``, ``hi`` (the
        consistency band at ``level``).
    brier, mcb, dsc, unc:
        Mean Brier score and its CORP decomposition (``brier = mcb - dsc + unc``).
    rel, res:
        Murphy's reliability and resolution, binned by distinct forecast
        values (``brier = rel - res + unc``).
    sharpness:
        Variance of the forecasts (their spread; 0 for a forecaster who
        always says the same number).
    n, base_rate, level:
        Number of forecasts, share of outcomes true, the band's level.
    """

    table: pd.DataFrame
    brier: float
    mcb: float
    dsc: float
    unc: float
    rel: float
    res: float
    sharpness: float
    n: int
    base_rate: float
    level: float

    def decomposition(self) -> pd.Series:
        """The numbers above as one Series."""
        return pd.Series({"n": self.n, "base_rate": self.base_rate, "brier": self.brier,
                          "mcb": self.mcb, "dsc": self.dsc, "unc": self.unc,
                          "rel": self.rel, "res": self.res, "sharpness": self.sharpness})

    def plot(self, ax: Any = None, *, title: str | None = None) -> Any:
        """Reliability diagram (matplotlib, the ``plot`` extra): a new Figure, or `ax` drawn on.

        See :func:`pactsim.views.scoring.reliability_diagram`.
        """
        from pactsim.views.scoring import reliability_diagram

        return reliability_diagram(self, ax=ax, title=title)

    def __str__(self) -> str:
        from pactsim.views.scoring import format_calibration

        return format_calibration(self)


#: The most resamples :func:`calibration` draws for its bands (each is a regression).
MAX_BANDS = 100_000


def _count(name: str, value: object, rule: str, most: int | None = None) -> None:
    """Refuse ``value`` unless a whole number from 0 to ``most`` (``rule`` says so)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ArgumentTypeError(f"calibration(): {name} = {value!r} must be a whole "
                                "number (an int)")
    if int(value) < 0 or (most is not None and int(value) > most):
        raise ArgumentError(f"calibration(): {name} = {value!r} must be {rule}"
                            + (f" {most:,}" if most is not None else ""))


def calibration(p: Any, y: Any, *, bands: int = 1000, level: float = 0.9,
                seed: int = 0) -> Calibration:
    """CORP reliability, the Murphy and CORP decompositions, and sharpness.

    Parameters
    ----------
    p, y:
        Forecast probabilities and outcomes (0/1, or booleans), same length.
    bands:
        Resamples for the consistency bands (0: none; at most :data:`MAX_BANDS`).
    level:
        Coverage of the bands (0.9: 5% to 95%).
    seed:
        Seed of the resampling.

    Examples
    --------
    >>> cal = calibration([0.2, 0.2, 0.8, 0.8], [0, 1, 1, 1], bands=0)
    >>> round(cal.brier, 4), round(cal.mcb, 4), round(cal.dsc, 4), round(cal.unc, 4)
    (0.19, 0.065, 0.0625, 0.1875)
    """
    pv = np.asarray(p, dtype=float).ravel()
    yv = np.asarray(y, dtype=float).ravel()
    if pv.shape != yv.shape or pv.size == 0:
        raise ArgumentError(f"calibration(): p and y need the same, non-zero length (got "
                            f"{pv.size} and {yv.size})")
    if not np.all((pv >= 0) & (pv <= 1)) or not np.all((yv == 0) | (yv == 1)):
        raise ArgumentError("calibration(): p must be probabilities in [0, 1] and y 0 or 1")
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:
        raise ArgumentError(f"calibration(): level = {level!r} must be in (0, 1)")
    # (review-api27: bands=10**9 asked numpy for 164 GiB; "200" met '>' of str and int)
    _count("bands", bands, "from 0 (no band) to", MAX_BANDS)
    from pactsim.montecarlo import seed_object

    if not seed_object(seed):  # None, a Generator or a SeedSequence go to numpy as they are
        _count("seed", seed, ">= 0")
    n = pv.size
    ybar = float(yv.mean())
    hat = _recalibrate(pv, yv)
    s = float(np.mean((pv - yv) ** 2))
    s_hat = float(np.mean((hat - yv) ** 2))
    unc = ybar * (1 - ybar)
    uniq, inv, counts = np.unique(pv, return_inverse=True, return_counts=True)
    obs = np.bincount(inv, weights=yv) / counts
    rel = float(np.sum(counts * (uniq - obs) ** 2) / n)
    res = float(np.sum(counts * (obs - ybar) ** 2) / n)
    hat_u = np.bincount(inv, weights=hat) / counts
    lo = hi = np.full(uniq.size, np.nan)
    if bands > 0:
        rng = np.random.default_rng(seed)
        sims = np.empty((bands, uniq.size))
        for b in range(bands):
            ysim = (rng.random(n) < pv).astype(float)
            sims[b] = np.bincount(inv, weights=_recalibrate(pv, ysim)) / counts
        a = (1 - level) / 2
        lo, hi = np.quantile(sims, a, axis=0), np.quantile(sims, 1 - a, axis=0)
    table = pd.DataFrame({"p": uniq, "count": counts, "observed": obs, "recalibrated": hat_u,
                          "lo": lo, "hi": hi})
    return Calibration(table, s, s - s_hat, unc - s_hat, unc, rel, res, float(np.var(pv)), n,
                       ybar, level)
