"""Assertions that compare Monte Carlo estimates with known or exact values.

A Monte Carlo proportion :math:`\\hat p = k/n` has standard error
:math:`\\sqrt{p(1-p)/n}`. The assertions here turn a difference into a
z-score with a deliberately robust standard error,

.. math:: s = \\max\\left(\\sqrt{\\frac{p(1-p)}{n}},\\ \\sqrt{\\frac{\\hat p(1-\\hat p)}{n}},\\
          \\ \\frac{1}{n}\\right),

where :math:`p` is the exact value. Taking the larger of the two binomial
errors keeps the test honest when either value is near 0 or 1, and the floor
of :math:`1/n` (one draw) keeps a p so small that a single hit is a
many-sigma event from being flagged for a draw or two. An exact value of
exactly 0 or 1 (a closed gate, a structural zero) is different: one draw on
the wrong side is proof of disagreement, and fails at once.

Under evidence or ``observations:`` the draws are weighted: :math:`n` is then
Kish's effective sample size (``ess``) and :math:`s` is at least the
estimate's own (delta-method) standard error. Compared with another Monte
Carlo run instead of exact answers, the two errors add:
:math:`\\sqrt{s^2 + s_\\text{ref}^2}`.

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
from typing import Any, Protocol

import pandas as pd

from pactsim.errors import ExactUnsupportedError, ModelTooWideError
from pactsim.results.estimate import Estimate
from pactsim.results.montecarlo import Results

__all__ = ["ExactLike", "assert_matches_exact", "assert_prob_close", "family_wise_threshold"]

_MAX_ROWS = 40


class ExactLike(Protocol):
    """What :func:`assert_matches_exact` needs of exact results: frames with a
    ``p`` column, indexed by binary node (``marginals``) and by true/false
    question (``questions``), like :class:`~pactsim.results.montecarlo.Results`."""

    def marginals(self) -> pd.DataFrame: ...

    def questions(self) -> pd.DataFrame: ...


def _check_sigmas(sigmas: float) -> float:
    if isinstance(sigmas, bool) or not isinstance(sigmas, numbers.Real):
        raise TypeError(f"sigmas={sigmas!r} must be a positive number of standard errors "
                        "(e.g. 4)")
    if not sigmas > 0:  # inf is allowed: then only a missed exact 0 or 1 fails
        raise ValueError(f"sigmas={sigmas!r} must be a positive number of standard errors "
                         "(e.g. 4)")
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


def _stderr(mc: float, exact: float, n: float, own: float = 0.0, other: float = 0.0
            ) -> float:
    """The robust standard error of the module docstring: ``n`` draws (effective, under
    weights), at least ``own`` (the estimate's own error, under weights), combined with
    ``other`` (the reference's error, when it is a Monte Carlo run too)."""
    binom = max(exact * (1.0 - exact), mc * (1.0 - mc), 0.0)
    se = max(math.sqrt(binom / n), 1.0 / n, own if math.isfinite(own) else 0.0)
    return math.hypot(se, other)


def _z(mc: float, exact: float, se: float, structural: bool) -> float:
    """``(mc - exact) / se``; infinite when an exact 0 or 1 (``structural``) is missed."""
    if structural and exact in (0.0, 1.0) and mc != exact:
        return math.copysign(math.inf, mc - exact)
    return (mc - exact) / se


@dataclass(frozen=True)
class _Row:
    name: str
    kind: str
    mc: float
    se: float
    exact: float
    z: float

    def failed(self, threshold: float) -> bool:
        # NaN fails, and so does a missed exact 0 or 1 (z infinite) whatever the
        # threshold, sigmas=inf included (review-testing27: inf <= inf passed it)
        return not abs(self.z) <= threshold or math.isinf(self.z)


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
        hidden = rows[_MAX_ROWS:]
        beyond = sum(r.failed(threshold) for r in hidden)
        lines.append(f"  … and {len(hidden)} more, " + (
            f"{beyond} of them beyond the threshold" if beyond else "all within the threshold"))
    return "\n".join(lines)


def _column(frame: pd.DataFrame, what: str, column: str = "p") -> Mapping[str, float]:
    if column not in frame.columns:
        if column != "p":
            return {}
        raise TypeError(f"{what} has no 'p' column (columns: {list(frame.columns)})")
    return {str(k): float(v) for k, v in frame[column].items()}


#: What exact inference raises for what it cannot answer.
_REFUSED = (ModelTooWideError, ExactUnsupportedError)


def _questions(exact: Any, mc: pd.DataFrame, skip: bool, skipped: set[tuple[str, str]]
               ) -> pd.DataFrame:
    """``exact.questions()``; when it refuses and ``skip``, each of ``mc``'s questions
    asked alone (``exact.prob``), those refused left out and put in ``skipped``
    (``("question", name)``)."""
    try:
        return exact.questions()  # type: ignore[no-any-return]
    except _REFUSED:
        if not skip or not callable(getattr(exact, "prob", None)):
            raise
    p: dict[str, float] = {}
    for name in mc.index:
        try:
            p[str(name)] = float(exact.prob(str(name)).value)
        except _REFUSED:
            skipped.add(("question", str(name)))
    return pd.DataFrame({"p": p}, dtype=float)


def _date_frames(results: Any, exact: Any, skip: bool, skipped: set[tuple[str, str]]
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """P(``x`` by each key date) of every dated node, as ``marginals()``-like frames
    indexed ``"x.date <= YYYY-MM-DD"``, from each side; empty frames when either side
    has no dated nodes (``dated()`` and ``date_cdf()``), as reference objects may not.
    The horizon is left out: it is the node's row of ``marginals()`` already. With
    ``skip``, a node whose curve ``exact`` refuses is left out of both (put in
    ``skipped``, ``("dates", name)``)."""
    empty = pd.DataFrame({"p": []})
    days = None
    scenario = getattr(results, "scenario", None)
    if scenario is not None and callable(getattr(scenario, "key_dates", None)):
        # before both horizons: a reference of a nearer horizon has no curve past it
        # (review-change27: its date_cdf raised an ArgumentError)
        last = getattr(getattr(exact, "scenario", None), "horizon", scenario.horizon)
        days = [d for d in scenario.key_dates() if d < min(scenario.horizon, last)]
    if not days or not all(callable(getattr(obj, "dated", None))
                           and callable(getattr(obj, "date_cdf", None))
                           for obj in (results, exact)):
        return empty, empty

    def frame(obj: Any) -> pd.DataFrame:
        parts = []
        for name in obj.dated():
            if ("dates", name) in skipped:
                continue
            try:
                cdf = obj.date_cdf(name, days)
            except _REFUSED:
                if not skip or obj is results:
                    raise
                skipped.add(("dates", name))
                continue
            cdf.index = [f"{name}.date <= {pd.Timestamp(d).date().isoformat()}"
                         for d in cdf.index]
            parts.append(cdf)
        return pd.concat(parts) if parts else empty

    theirs = frame(exact)  # first: what it refuses is left out of the run's frame too
    return frame(results), theirs


def _draws(obj: object) -> int | None:
    n = getattr(obj, "n", None)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        return None
    return int(n)


def assert_matches_exact(
    results: Results,
    exact: ExactLike,
    *,
    sigmas: float = 4.0,
    family_wise: bool = True,
    skip_refused: bool = False,
) -> None:
    """Assert that a Monte Carlo run agrees with exact inference.

    Compares every binary node (``marginals()``), every true/false question
    (``questions()``) and, for every dated node, P(it happens by each of the
    scenario's key dates before the horizon) (``date_cdf()``) of ``results``
    with the same row of ``exact``: the
    z-score ``(mc - exact) / se`` must stay within the threshold, where ``se``
    is the robust standard error of the module docstring (never below
    ``1/n``).

    Parameters
    ----------
    results:
        A Monte Carlo run, :func:`pactsim.simulate`.
    exact:
        Exact results of the same scenario (``pactsim.exact(sc)``), or anything
        with ``marginals()`` and ``questions()`` frames holding a ``p`` column.
        Another Monte Carlo run works too: its ``stderr`` column is added to
        the comparison's error (a probability of 0 or 1 is then not taken as
        structural).
    sigmas:
        The threshold for one comparison, in standard errors.
    family_wise:
        Widen the threshold for the number ``m`` of comparisons so that the
        whole family has the false-alarm rate of one ``sigmas`` test
        (:func:`family_wise_threshold`, Šidák). With ``False`` every
        comparison uses ``sigmas`` as is.
    skip_refused:
        With ``True``, a question or date curve exact inference refuses
        (``ModelTooWideError``, ``ExactUnsupportedError``) is left out and
        every other row is compared (a failure's message names what was left
        out); with ``False`` (the default) the refusal is raised, so that one
        refused question stops the whole comparison.

    Raises
    ------
    AssertionError
        When any comparison is beyond the threshold, an exact 0 or 1 is missed
        in a draw (whatever ``sigmas``, ``inf`` included), a node, question or
        date of one side is missing from the other, or nothing is compared;
        the message holds a table of name, Monte Carlo estimate ±
        standard error, exact value and z, largest |z| first, failures marked ✗.
    pactsim.errors.ModelTooWideError, pactsim.errors.ExactUnsupportedError
        From ``exact``'s frames, where exact inference refuses the scenario
        (``pactsim.exact(sc)`` may refuse at once or only when its answers are
        read here): catch them to skip such a scenario.

    Examples
    --------
    >>> import pactsim
    >>> sc = pactsim.load("scenarios/analytic-gates.yaml")  # doctest: +SKIP
    >>> assert_matches_exact(pactsim.simulate(sc, n=50_000, seed=1),  # doctest: +SKIP
    ...                      pactsim.exact(sc))
    """
    sigmas = _check_sigmas(sigmas)
    if not isinstance(family_wise, bool):
        raise TypeError(f"family_wise={family_wise!r} must be True or False")
    if not isinstance(skip_refused, bool):
        raise TypeError(f"skip_refused={skip_refused!r} must be True or False")
    for name, obj, source in (("results", results, "pactsim.simulate"),
                              ("exact", exact, "pactsim.exact")):
        if not (callable(getattr(obj, "marginals", None))
                and callable(getattr(obj, "questions", None))):
            raise TypeError(f"{name} must be results (from {source}), with marginals() and "
                            f"questions(), not {type(obj).__name__}")
    n = _draws(results)
    if n is None:
        swapped = " (did you pass (exact, results)? Monte Carlo results come first)" \
            if _draws(exact) is not None else ""
        raise TypeError("results.n must be the number of draws (an int >= 1), not "
                        f"{getattr(results, 'n', None)!r}{swapped}")
    weighted = bool(getattr(results, "weighted", False))
    n_eff = float(getattr(results, "ess", n)) if weighted else float(n)
    ref_n = _draws(exact)  # another Monte Carlo run's draws, None for exact answers
    reference_mc = ref_n is not None
    rows: list[_Row] = []
    missing: list[str] = []  # in results, not in exact
    unmatched: list[str] = []  # in exact, not in results
    skipped: set[tuple[str, str]] = set()  # refused by exact inference (skip_refused)
    mc_questions = results.questions()
    for kind, mc_frame, ex_frame, what in (
            ("node", results.marginals(), exact.marginals(), "marginals()"),
            ("question", mc_questions, _questions(exact, mc_questions, skip_refused, skipped),
             "questions()"),
            ("date", *_date_frames(results, exact, skip_refused, skipped), "date_cdf()")):
        mc_map = _column(mc_frame, f"results.{what}")
        ex_map = _column(ex_frame, f"exact.{what}")
        own = _column(mc_frame, f"results.{what}", "stderr") if weighted else {}
        ref = _column(ex_frame, f"exact.{what}", "stderr") if reference_mc else {}
        unmatched += [f"{kind} '{name}'" for name in ex_map if name not in mc_map]
        for name, mc in mc_map.items():
            if name not in ex_map:
                if (kind, name) not in skipped:
                    missing.append(f"{kind} '{name}'")
                continue
            ex = ex_map[name]
            other = max(ref.get(name, 0.0), 1.0 / ref_n) if ref_n is not None else 0.0
            se = _stderr(mc, ex, n_eff, own.get(name, 0.0), other)
            rows.append(_Row(name, kind, mc, se, ex, _z(mc, ex, se, not reference_mc)))
    threshold = family_wise_threshold(sigmas, len(rows)) if family_wise else sigmas
    failed = [r for r in rows if r.failed(threshold)]
    if rows and not failed and not missing and not unmatched:
        return
    how = (f"family-wise over {len(rows)} comparisons (Šidák)" if family_wise and len(rows) > 1
           else "per comparison")
    against = "the reference run" if reference_mc else "exact inference"
    size = f"n={n:,}" + (f", ess={n_eff:,.0f} (weighted draws)" if weighted else "")
    head = (f"Monte Carlo disagrees with {against} on {len(failed)} of {len(rows)} "
            f"probabilities (scenario {results.scenario.id!r}, {size}, seed={results.seed}; "
            f"threshold |z| <= {threshold:.2f}: {sigmas:g} sigma {how})")
    parts = [head]
    if any(math.isinf(r.z) for r in failed):
        parts.append("z = ±inf: exact inference gives exactly 0 or 1, and some draws say "
                     "otherwise (one such draw is proof of disagreement)")
    if not rows:  # (review-testing27: nothing compared passed)
        parts.append("nothing to compare: no node, question or date is in both"
                     + (" (are these the same scenario?)" if missing or unmatched else ""))
    if missing:
        parts.append(f"missing from the {'reference' if reference_mc else 'exact'} results: "
                     + ", ".join(missing))
    if unmatched:
        parts.append("missing from the Monte Carlo results: " + ", ".join(unmatched))
    if skipped:
        parts.append("not compared (exact inference refused them; skip_refused=True): "
                     + ", ".join(f"question '{name}'" if kind == "question"
                                 else f"the dates of '{name}'" for kind, name in
                                 sorted(skipped, key=lambda s: (s[0] != "question", s[1]))))
    if rows:
        parts.append(_table(rows, threshold))
    raise AssertionError("\n".join(parts))


def assert_prob_close(estimate: Estimate, value: float, *, sigmas: float = 4.0) -> None:
    """Assert that an estimate agrees with a known probability.

    For a Monte Carlo estimate (``estimate.n`` set) the z-score
    ``(estimate - value) / se`` must be within ``sigmas``, with the robust
    standard error of the module docstring (never below ``1/n``; under
    evidence, from the effective sample size ``estimate.ess`` and at least the
    estimate's own error). A value of exactly 0 or 1 must be met exactly: one
    draw on the other side fails. An exact estimate (``estimate.n is None``)
    must equal ``value`` to 1e-9.

    Parameters
    ----------
    estimate:
        From ``Results.prob`` (or exact inference).
    value:
        The known probability, or an exact :class:`Estimate` (from
        ``pactsim.exact(sc).prob(...)``).
    sigmas:
        Threshold in standard errors.

    Raises
    ------
    AssertionError
        With the estimate, the value, the z-score and the standard error used.

    Examples
    --------
    >>> from pactsim.results.estimate import Estimate
    >>> assert_prob_close(Estimate.from_counts(2_950, 10_000), 0.3)
    >>> assert_prob_close(Estimate.from_counts(3_500, 10_000), 0.3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: 0.3500 ± 0.0048 (...) is 10.48 standard errors from 0.3 (n=10,000, ...)
    """
    sigmas = _check_sigmas(sigmas)
    if not isinstance(estimate, Estimate):
        raise TypeError(f"estimate must be an Estimate (from Results.prob), not "
                        f"{type(estimate).__name__}")
    if isinstance(value, Estimate):
        if value.n is not None:
            raise TypeError(f"value={value!r} is a Monte Carlo estimate: give a known "
                            "probability or an exact one (pactsim.exact(sc).prob(...))")
        value = value.value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"value={value!r} must be a probability (a number in [0, 1])")
    value = float(value)
    if value < 0.0 or value > 1.0:  # NaN goes on, and fails the assertion below
        raise ValueError(f"value={value!r} must be a probability (a number in [0, 1])")
    if estimate.n is None:
        if not abs(estimate.value - value) <= 1e-9:
            raise AssertionError(f"exact value {estimate.value!r} != {value!r} (tolerance 1e-9)")
        return
    if estimate.n < 1:
        raise ValueError(f"estimate rests on no draw (n={estimate.n}): nothing to compare")
    weighted = estimate.ess is not None
    n_eff = float(estimate.ess) if estimate.ess is not None else float(estimate.n)
    se = _stderr(estimate.value, value, n_eff, estimate.stderr if weighted else 0.0)
    z = _z(estimate.value, value, se, True)
    if not abs(z) <= sigmas or math.isinf(z):
        size = f"n={estimate.n:,}" + (f", ess={n_eff:,.0f}" if weighted else "")
        if math.isinf(z):
            raise AssertionError(f"{estimate} is not {value:g}: a probability of exactly "
                                 f"{value:g} must hold in every draw ({size})")
        raise AssertionError(f"{estimate} is {abs(z):.2f} standard errors from {value:g} "
                             f"({size}, se {se:.2g}, allowed {sigmas:g})")
