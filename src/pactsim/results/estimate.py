"""Probability estimates with their standard error and interval."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from pactsim.errors import ArgumentError, ArgumentTypeError

__all__ = ["Estimate", "wilson", "wilson_many"]

_Z95 = 1.959963984540054


def wilson(k: float, m: float, z: float = _Z95) -> tuple[float, float]:
    """Wilson score interval for ``k`` successes in ``m`` trials.

    .. math:: \\frac{\\hat p + z^2/2m \\pm z\\sqrt{\\hat p(1-\\hat p)/m + z^2/4m^2}}{1 + z^2/m}

    Unlike the normal interval it stays inside [0, 1] and is not empty when
    ``k`` is 0 or ``m``. ``k`` and ``m`` may be fractional (an effective
    number of draws).

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


def wilson_many(k: Any, m: float, z: float = _Z95) -> tuple[Any, Any]:
    """:func:`wilson` of each count in ``k`` (an array) out of ``m``: the same numbers,
    in one numpy pass (a curve over every day of 50 years was 18,000 Python calls).

    Examples
    --------
    >>> lo, hi = wilson_many(np.array([0, 50, 100]), 100)
    >>> [wilson(k, 100) == (a, b) for k, a, b in zip((0, 50, 100), lo, hi)]
    [True, True, True]
    """
    k = np.asarray(k, dtype=np.float64)
    if m <= 0:
        return np.zeros(k.shape), np.ones(k.shape)
    p = k / m
    z2 = z * z
    denom = 1 + z2 / m
    center = (p + z2 / (2 * m)) / denom
    half = z / denom * np.sqrt(p * (1 - p) / m + z2 / (4 * m * m))
    lo = np.where(k == 0, 0.0, np.maximum(0.0, center - half))
    hi = np.where(k == m, 1.0, np.minimum(1.0, center + half))
    return lo, hi



#: Why two estimates are not added (``a + b``, ``sum([a, b])``).
_SUM = ("the sum of two estimates depends on whether they share draws: for two questions "
        "of one run, ask one question (prob of 'a or b' ...); for separate runs, a.value + "
        "b.value has the standard error hypot(a.stderr, b.stderr)")


def _whole(x: object) -> bool:
    """A whole number (an int or numpy integer, not a bool)."""
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)

@dataclass(frozen=True)
class Estimate:
    r"""A probability with its Monte Carlo standard error and 95% interval.

    Usable as a float (``float(est)``). Comparisons (``est < 0.5``, ``a > b``)
    compare the values and ignore the error. ``1 - est`` is the estimate of the
    complement, with the same standard error; the difference of two estimates is
    :meth:`minus`, which has to be told whether they come from independent runs.
    Other arithmetic (``100 * est``, ``est + 0.5``, ``est - 0.1``) raises, naming
    ``est.value``: its result would be no probability.

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
        Draws the estimate rests on (``m``); ``None`` for an exact value. Under
        evidence: the draws of nonzero weight it rests on.
    ess:
        Under evidence (:meth:`weighted`), Kish's effective sample size of the
        draws it rests on, :math:`(\sum w)^2 / \sum w^2`; ``None`` otherwise
        (then it is ``n``).
    """

    value: float
    stderr: float
    lo: float
    hi: float
    n: int | None = None
    ess: float | None = None

    @classmethod
    def from_counts(cls, k: int, m: int) -> Estimate:
        """``k`` draws of ``m`` (whole numbers, ``0 <= k <= m``, ``m >= 1``): ``k / m`` with
        its binomial standard error and Wilson's 95% interval."""
        if not (_whole(k) and _whole(m)) or not 0 <= k <= m or m < 1:
            # (review-api27: (5, 0) divided by zero, (5, 3) met a math domain error)
            raise ArgumentError(f"Estimate.from_counts({k!r}, {m!r}): give k hits of m draws, "
                                "whole numbers with 0 <= k <= m and m >= 1")
        p = k / m
        lo, hi = wilson(k, m)
        return cls(p, math.sqrt(p * (1 - p) / m), lo, hi, m)

    @classmethod
    def weighted(cls, wf: float, w2f: float, w: float, w2: float, n: int) -> Estimate:
        """A self-normalised importance-sampling estimate from weight sums.

        With weights :math:`w_i` and an indicator :math:`f_i`, ``wf`` is
        :math:`\\sum w_i f_i`, ``w2f`` :math:`\\sum w_i^2 f_i`, ``w`` and ``w2``
        the sums over every draw concerned, ``n`` those draws of nonzero weight.

        .. math::
            \\hat p = \\frac{\\sum w f}{\\sum w}, \\qquad
            \\widehat{\\mathrm{Var}}(\\hat p) = \\frac{\\sum w^2 (f - \\hat p)^2}{(\\sum w)^2},

        the delta-method variance of the ratio; ``ess`` is
        :math:`(\\sum w)^2 / \\sum w^2`. The 95% interval is Wilson's at the
        effective number of draws :math:`\\hat p (1 - \\hat p) / \\widehat{\\mathrm{Var}}`
        (``ess`` where the variance is 0). With equal weights this is
        :meth:`from_counts`.

        Examples
        --------
        >>> Estimate.weighted(30.0, 30.0, 100.0, 100.0, 100)
        Estimate(0.3000 ± 0.0458, 95% CI [0.2189, 0.3958], n=100, ess=100)
        """
        if not w > 0:  # (review-api27: a ZeroDivisionError)
            raise ArgumentError(f"Estimate.weighted: the weights concerned sum to {w!r}; an "
                                "estimate needs draws of positive weight")
        p = min(max(wf / w, 0.0), 1.0)
        if w * w == 0.0 or w2 == 0.0:
            # weights so small (a likelihood ratio of 1e-200 on every draw concerned) that
            # their squares underflow: their sums of squares are lost, and the draws count
            # as equal (as they are when one ratio weighs them all; review-fuzz16)
            m = float(n)
            lo, hi = wilson(p * m, m) if m > 0 else (0.0, 1.0)
            return cls(p, math.sqrt(p * (1.0 - p) / m) if m > 0 else math.nan, lo, hi, n, m)
        var = max(w2f * (1.0 - 2.0 * p) + p * p * w2, 0.0) / (w * w)
        ess = w * w / w2
        m = p * (1.0 - p) / var if var > 0 and 0.0 < p < 1.0 else ess
        lo, hi = wilson(p * m, m)
        # the interval holds its point: Wilson's ends at a p of 1e-200 are floored far above
        # it (review-fuzz16b: "6.7e-201, CI [2.2e-19, 0.0033]")
        return cls(p, math.sqrt(var), min(lo, p), max(hi, p), n, ess)

    @classmethod
    def exact(cls, value: float) -> Estimate:
        """A probability known exactly (standard error 0): a number in [0, 1] (rounding a
        hair outside is kept as it is)."""
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or \
                not -1e-9 <= value <= 1 + 1e-9:  # (review-api27: "0.5", 1.5 and NaN taken)
            raise ArgumentError(f"Estimate.exact({value!r}): give a probability, a number in "
                                "[0, 1]")
        return cls(value, 0.0, value, value, None)

    @property
    def interval(self) -> tuple[float, float]:
        return (self.lo, self.hi)

    def __float__(self) -> float:
        return float(self.value)

    def __round__(self, ndigits: int | None = None) -> float | int:
        """``round(est, 3)``: the value rounded, as :func:`round` does a float."""
        return round(float(self.value), ndigits)

    # -- arithmetic and comparisons ------------------------------------------
    def _shifted(self, value: float, lo: float, hi: float) -> Estimate:
        return Estimate(value, self.stderr, lo, hi, self.n, self.ess)

    def __sub__(self, other: object) -> Estimate:
        if isinstance(other, Estimate):
            raise ArgumentTypeError(
                "the difference of two estimates depends on whether they share draws: use "
                "a.minus(b, independent=True) for separate runs or exact values; for two "
                "questions of one run, ask one question (prob of 'a and not b' ...)")
        return self._refuse_arithmetic(other)  # type: ignore[no-any-return]

    def __rsub__(self, other: object) -> Estimate:
        if isinstance(other, bool) or not isinstance(other, int | float):
            return NotImplemented
        if float(other) != 1.0:  # 2 - e, like e + 0.1, is no probability (review-fuzz16b)
            return self._refuse_arithmetic(other)  # type: ignore[no-any-return]
        return self._shifted(1.0 - self.value, 1.0 - self.hi, 1.0 - self.lo)

    def __add__(self, other: object) -> Estimate:
        if isinstance(other, Estimate):
            raise ArgumentTypeError(_SUM)
        return self._refuse_arithmetic(other)  # type: ignore[no-any-return]

    def __radd__(self, other: object) -> Estimate:
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            # sum([a, b]) starts from 0 + a: it is a sum of estimates (review-api27)
            raise ArgumentTypeError(_SUM)
        return self.__add__(other)

    def _refuse_arithmetic(self, other: object) -> Any:
        """Every arithmetic with a number but ``1 - e`` (NotImplemented for other types)."""
        if isinstance(other, bool) or not isinstance(other, int | float | Estimate):
            return NotImplemented
        raise ArgumentTypeError(
            "an Estimate is a probability with its standard error: 1 - e is its "
            "complement, and other arithmetic would leave a number that is not one; use "
            "its value (e.value, or float(e)), e.g. 100 * e.value, or format it as a "
            "percentage: f'{e:.1%}'")

    __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _refuse_arithmetic

    def minus(self, other: Estimate, *, independent: bool) -> Estimate:
        r"""``self - other`` with the standard error of the difference.

        Only independent estimates (separate runs, or exact values) combine
        simply: the standard error is :math:`\sqrt{s_1^2 + s_2^2}` and the
        interval is the normal 95% interval. Estimates from the same draws are
        correlated; say ``independent=False`` and this raises, pointing to a
        single question instead (two exact values have no draws: their
        difference is exact either way).
        """
        if not isinstance(other, Estimate):
            raise ArgumentTypeError(f"minus() takes an Estimate, not {type(other).__name__}")
        value = self.value - other.value
        if self.n is None and other.n is None:  # exact: no draws to share (review-api27)
            return Estimate(value, 0.0, value, value, None)  # (a difference may be < 0)
        if not independent:
            raise ArgumentError("estimates from the same draws are correlated: ask one question "
                             "that expresses the difference instead (e.g. prob('a and not b'))")
        se = math.hypot(self.stderr, other.stderr)
        n = min(x for x in (self.n, other.n) if x is not None)
        ess = [x for x in (self.ess, other.ess) if x is not None]
        return Estimate(value, se, value - _Z95 * se, value + _Z95 * se, n,
                        min(ess) if ess else None)

    def _cmp_value(self, other: object) -> float | None:
        if isinstance(other, Estimate):
            return other.value
        if isinstance(other, int | float) and not isinstance(other, bool):
            return float(other)
        return None

    def __lt__(self, other: object) -> bool:
        v = self._cmp_value(other)
        return NotImplemented if v is None else self.value < v

    def __le__(self, other: object) -> bool:
        v = self._cmp_value(other)
        return NotImplemented if v is None else self.value <= v

    def __gt__(self, other: object) -> bool:
        v = self._cmp_value(other)
        return NotImplemented if v is None else self.value > v

    def __ge__(self, other: object) -> bool:
        v = self._cmp_value(other)
        return NotImplemented if v is None else self.value >= v

    def __format__(self, spec: str) -> str:
        return format(self.value, spec) if spec else str(self)

    def __str__(self) -> str:
        if self.n is None:
            return f"{self.value:.4g} (exact)"
        v, se, lo, hi = map(_four, (self.value, self.stderr, self.lo, self.hi))
        return f"{v} ± {se} (95% CI {lo}–{hi})"

    def __repr__(self) -> str:
        if self.n is None:
            return f"Estimate({self.value:.6g}, exact)"
        ess = "" if self.ess is None else f", ess={self.ess:,.0f}"
        v, se, lo, hi = map(_four, (self.value, self.stderr, self.lo, self.hi))
        return f"Estimate({v} ± {se}, 95% CI [{lo}, {hi}], n={self.n:,}{ess})"

    def _repr_html_(self) -> str:
        from pactsim.views.display import estimate_html

        return estimate_html(self)


def _four(x: float) -> str:
    """Four decimals, or two significant digits where those would show a nonzero
    number as 0.0000 (an upper bound of 3.8e-05 is not 0), or a number short of 1 as
    1.0000 (a lower bound of 0.99996 is not 1)."""
    if 0 < abs(x) < 1e-3:
        return f"{x:.2g}"
    if 0 < 1 - x < 1e-3:  # two significant digits of the distance to 1
        return f"{x:.{1 - math.floor(math.log10(1 - x))}f}"
    return f"{x:.4f}"
