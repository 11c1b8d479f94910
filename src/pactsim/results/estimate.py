"""Probability estimates with their standard error and interval."""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Estimate", "wilson"]

_Z95 = 1.959963984540054


def wilson(k: int, m: int, z: float = _Z95) -> tuple[float, float]:
    """Wilson score interval for ``k`` successes in ``m`` trials.

    .. math:: \\frac{\\hat p + z^2/2m \\pm z\\sqrt{\\hat p(1-\\hat p)/m + z^2/4m^2}}{1 + z^2/m}

    Unlike the normal interval it stays inside [0, 1] and is not empty when
    ``k`` is 0 or ``m``.

    Examples
    --------
    >>> lo, hi = wilson(0, 100)
    >>> (lo, round(hi, 4))
    (0.0, 0.037)
    """
    if m <= 0:
        return (0.0, 1.0)
    p = k / m
    z2 = z * z
    denom = 1 + z2 / m
    center = (p + z2 / (2 * m)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / m + z2 / (4 * m * m))
    lo = 0.0 if k == 0 else max(0.0, center - half)
    hi = 1.0 if k == m else min(1.0, center + half)
    return (lo, hi)


@dataclass(frozen=True)
class Estimate:
    """A probability with its Monte Carlo standard error and 95% interval.

    Usable as a float (``float(est)``, comparisons via ``est.value``).

    Attributes
    ----------
    value:
        The estimate, ``k / m``.
    stderr:
        ``sqrt(value * (1 - value) / m)``; for a conditional probability ``m``
        is the number of draws where the condition held, which is the delta-
        method standard error of the ratio ``P(A and B) / P(B)``.
    lo, hi:
        95% Wilson score interval.
    n:
        Draws the estimate rests on (``m``); ``None`` for an exact value.
    """

    value: float
    stderr: float
    lo: float
    hi: float
    n: int | None = None

    @classmethod
    def from_counts(cls, k: int, m: int) -> Estimate:
        p = k / m
        lo, hi = wilson(k, m)
        return cls(p, math.sqrt(p * (1 - p) / m), lo, hi, m)

    @classmethod
    def exact(cls, value: float) -> Estimate:
        return cls(value, 0.0, value, value, None)

    @property
    def interval(self) -> tuple[float, float]:
        return (self.lo, self.hi)

    def __float__(self) -> float:
        return float(self.value)

    def __format__(self, spec: str) -> str:
        return format(self.value, spec) if spec else str(self)

    def __str__(self) -> str:
        if self.n is None:
            return f"{self.value:.4g} (exact)"
        return f"{self.value:.4f} ± {self.stderr:.4f} (95% CI {self.lo:.4f}–{self.hi:.4f})"

    def __repr__(self) -> str:
        if self.n is None:
            return f"Estimate({self.value:.6g}, exact)"
        return (f"Estimate({self.value:.4f} ± {self.stderr:.4f}, 95% CI "
                f"[{self.lo:.4f}, {self.hi:.4f}], n={self.n:,})")

    def _repr_html_(self) -> str:
        from pactsim.views.display import estimate_html

        return estimate_html(self)
