"""Assertions that compare Monte Carlo estimates with known or exact values.

A Monte Carlo proportion :math:`\\hat p = k/n` has standard error
:math:`\\sqrt{p(1-p)/n}`. The assertions here turn a difference into a
z-score with a deliberately robust standard error,

.. math:: s = \\max\\left(\\sqrt{\\frac{p(1-p)}{n}},\\ \\sqrt{\\frac{\\hat p(1-\\hat p)}{n}},\\
          \\ \\frac{1}{n}\\right),

where :math:`p` is the exact value. Taking the larger of the two binomial
errors keeps the test honest when either value is near 0 or 1, and the floor
of :math:`1/n` (one draw) keeps an exact 0 or 1 — or a p so small that a
single hit is a many-sigma event — from being flagged for a draw or two.

Comparing many probabilities at once, the largest of :math:`m` z-scores is
compared with a family-wise threshold: with :math:`\\alpha = 2(1-\\Phi(\\sigma))`
the two-sided tail of one :math:`\\sigma`-sigma test, the Šidák correction
gives each comparison the tail :math:`\\alpha_m = 1-(1-\\alpha)^{1/m}`
(:math:`\\approx \\alpha/m`, Bonferroni), i.e. the threshold
:math:`z_m = \\Phi^{-1}(1-\\alpha_m/2)`. The chance of a false alarm over the
whole family is then the same as for one :math:`\\sigma`-sigma test (about
6e-5 for 4 sigma) if the comparisons were independent, and at most that
(Bonferroni) whatever their dependence.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist
from typing import Protocol

import pandas as pd

from pactsim.results.estimate import Estimate
from pactsim.results.montecarlo import Results

__all__ = ["assert_matches_exact", "assert_prob_close", "family_wise_threshold"]

_MAX_ROWS = 40


class ExactLike(Protocol):
    """What :func:`assert_matches_exact` needs of exact results: frames with a
    ``p`` column, indexed by binary node (``marginals``) and by true/false
    question (``questions``), like :class:`~pactsim.results.montecarlo.Results`."""

    def marginals(self) -> pd.DataFrame: ...

    def questions(self) -> pd.DataFrame: ...


def _check_sigmas(sigmas: float) -> float:
    if isinstance(sigmas, bool) or not isinstance(sigmas, int | float) or not sigmas > 0:
        raise ValueError(f"sigmas={sigmas!r} must be a positive number of standard errors")
    return float(sigmas)


def family_wise_threshold(sigmas: float, m: int) -> float:
    """The z threshold that gives ``m`` comparisons the false-alarm rate of one.

    Šidák: each comparison gets the two-sided tail
    ``alpha_m = 1 - (1 - alpha)**(1/m)`` with ``alpha = 2 * (1 - Phi(sigmas))``,
    and the threshold is ``Phi^-1(1 - alpha_m / 2)``.

    Examples
    --------
    >>> family_wise_threshold(4.0, 1)
    4.0
    >>> round(family_wise_threshold(4.0, 20), 2)
    4.66
    """
    sigmas = _check_sigmas(sigmas)
    if isinstance(m, bool) or not isinstance(m, numbers.Integral) or m < 0:
        raise ValueError(f"m={m!r} must be a whole number of comparisons (an int >= 0)")
    if m <= 1:
        return sigmas
    alpha = math.erfc(sigmas / math.sqrt(2.0))
    alpha_m = -math.expm1(math.log1p(-alpha) / m)
    if not alpha_m / 2.0 > 1e-300:  # beyond about 37 sigmas the tail underflows: there
        # 1 - Phi(z) ~ exp(-z^2/2), so dividing it by m adds 2 ln m to z^2 (a hair high)
        return math.sqrt(sigmas * sigmas + 2.0 * math.log(m))
    return -NormalDist().inv_cdf(alpha_m / 2.0)


def _stderr(mc: float, exact: float, n: int) -> float:
    binom = max(exact * (1.0 - exact), mc * (1.0 - mc), 0.0)
    return max(math.sqrt(binom / n), 1.0 / n)


@dataclass(frozen=True)
class _Row:
    name: str
    kind: str
    mc: float
    se: float
    exact: float
    z: float

    def failed(self, threshold: float) -> bool:
        return not abs(self.z) <= threshold  # NaN fails


def _table(rows: list[_Row], threshold: float) -> str:
    rows = sorted(rows, key=lambda r: -abs(r.z) if not math.isnan(r.z) else -math.inf)
    width = max([4, *(len(r.name) for r in rows)])
    lines = [f"  {'name':<{width}}  {'kind':<8}  {'MC ± se':>17}  {'exact':>8}  {'z':>7}"]
    for r in rows[:_MAX_ROWS]:
        mark = "✗" if r.failed(threshold) else " "
        mc = f"{r.mc:.4f} ± {r.se:.4f}"
        lines.append(f"{mark} {r.name:<{width}}  {r.kind:<8}  {mc:>17}  {r.exact:>8.4f}  "
                     f"{r.z:>+7.2f}")
    if len(rows) > _MAX_ROWS:
        lines.append(f"  … and {len(rows) - _MAX_ROWS} more within the threshold")
    return "\n".join(lines)


def _column(frame: pd.DataFrame, what: str) -> Mapping[str, float]:
    if "p" not in frame.columns:
        raise TypeError(f"{what} has no 'p' column (columns: {list(frame.columns)})")
    return {str(k): float(v) for k, v in frame["p"].items()}


def assert_matches_exact(
    results: Results,
    exact: ExactLike,
    *,
    sigmas: float = 4.0,
    family_wise: bool = True,
) -> None:
    """Assert that a Monte Carlo run agrees with exact inference.

    Compares every binary node (``marginals()``) and every true/false question
    (``questions()``) of ``results`` with the same row of ``exact``: the
    z-score ``(mc - exact) / se`` must stay within the threshold, where ``se``
    is the robust standard error of the module docstring (never below
    ``1/n``).

    Parameters
    ----------
    results:
        A Monte Carlo run, :func:`pactsim.simulate`.
    exact:
        Exact results of the same scenario (e.g. ``pactsim.results.exact.exact(sc)``),
        or anything with ``marginals()`` and ``questions()`` frames holding a
        ``p`` column.
    sigmas:
        The threshold for one comparison, in standard errors.
    family_wise:
        Widen the threshold for the number ``m`` of comparisons so that the
        whole family has the false-alarm rate of one ``sigmas`` test
        (:func:`family_wise_threshold`, Šidák). With ``False`` every
        comparison uses ``sigmas`` as is.

    Raises
    ------
    AssertionError
        When any comparison is beyond the threshold, or a node or question of
        ``results`` is missing from ``exact``; the message holds a table of
        name, Monte Carlo estimate ± standard error, exact value and z,
        largest |z| first, failures marked ✗.

    Examples
    --------
    >>> import pactsim
    >>> from pactsim.results.exact import exact  # doctest: +SKIP
    >>> sc = pactsim.load("scenarios/analytic-gates.yaml")  # doctest: +SKIP
    >>> assert_matches_exact(pactsim.simulate(sc, n=50_000, seed=1), exact(sc))  # doctest: +SKIP
    """
    sigmas = _check_sigmas(sigmas)
    for name, obj, source in (("results", results, "pactsim.simulate"),
                              ("exact", exact, "pactsim.exact")):
        if not (callable(getattr(obj, "marginals", None))
                and callable(getattr(obj, "questions", None))):
            raise TypeError(f"{name} must be results (from {source}), with marginals() and "
                            f"questions(), not {type(obj).__name__}")
    n = getattr(results, "n", None)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise TypeError(f"results.n must be the number of draws (an int >= 1), not {n!r}")
    n = int(n)
    mc_nodes = _column(results.marginals(), "results.marginals()")
    mc_questions = _column(results.questions(), "results.questions()")
    ex_nodes = _column(exact.marginals(), "exact.marginals()")
    ex_questions = _column(exact.questions(), "exact.questions()")
    rows: list[_Row] = []
    missing: list[str] = []
    for kind, mc_map, ex_map in (("node", mc_nodes, ex_nodes),
                                 ("question", mc_questions, ex_questions)):
        for name, mc in mc_map.items():
            if name not in ex_map:
                missing.append(f"{kind} '{name}'")
                continue
            ex = ex_map[name]
            se = _stderr(mc, ex, n)
            rows.append(_Row(name, kind, mc, se, ex, (mc - ex) / se))
    threshold = family_wise_threshold(sigmas, len(rows)) if family_wise else sigmas
    failed = [r for r in rows if r.failed(threshold)]
    if not failed and not missing:
        return
    how = (f"family-wise over {len(rows)} comparisons (Šidák)" if family_wise and len(rows) > 1
           else "per comparison")
    head = (f"Monte Carlo disagrees with exact inference on {len(failed)} of {len(rows)} "
            f"probabilities (scenario {results.scenario.id!r}, n={n:,}, seed={results.seed}; "
            f"threshold |z| <= {threshold:.2f}: {sigmas:g} sigma {how})")
    parts = [head]
    if missing:
        parts.append("missing from the exact results: " + ", ".join(missing))
    parts.append(_table(rows, threshold))
    raise AssertionError("\n".join(parts))


def assert_prob_close(estimate: Estimate, value: float, *, sigmas: float = 4.0) -> None:
    """Assert that an estimate agrees with a known probability.

    For a Monte Carlo estimate (``estimate.n`` set) the z-score
    ``(estimate - value) / se`` must be within ``sigmas``, with the robust
    standard error of the module docstring (never below ``1/n``). An exact
    estimate (``estimate.n is None``) must equal ``value`` to 1e-9.

    Parameters
    ----------
    estimate:
        From ``Results.prob`` (or exact inference).
    value:
        The known probability.
    sigmas:
        Threshold in standard errors.

    Raises
    ------
    AssertionError
        With the estimate, the value and the z-score.

    Examples
    --------
    >>> from pactsim.results.estimate import Estimate
    >>> assert_prob_close(Estimate.from_counts(2_950, 10_000), 0.3)
    >>> assert_prob_close(Estimate.from_counts(3_500, 10_000), 0.3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: 0.3500 ± 0.0048 (...) is 10.48 standard errors from 0.3 (n=10,000, allowed 4)
    """
    sigmas = _check_sigmas(sigmas)
    if not isinstance(estimate, Estimate):
        raise TypeError(f"estimate must be an Estimate (from Results.prob), not "
                        f"{type(estimate).__name__}")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"value={value!r} must be a probability (a number in [0, 1])")
    value = float(value)
    if value < 0.0 or value > 1.0:  # NaN goes on, and fails the assertion below
        raise ValueError(f"value={value!r} must be a probability (a number in [0, 1])")
    if estimate.n is None:
        if not abs(estimate.value - value) <= 1e-9:
            raise AssertionError(f"exact value {estimate.value!r} != {value!r} (tolerance 1e-9)")
        return
    se = _stderr(estimate.value, value, estimate.n)
    z = (estimate.value - value) / se
    if not abs(z) <= sigmas:
        raise AssertionError(f"{estimate} is {abs(z):.2f} standard errors from {value:g} "
                             f"(n={estimate.n:,}, allowed {sigmas:g})")
