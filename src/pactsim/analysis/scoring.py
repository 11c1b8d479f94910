"""Keeping score: proper scores of a scenario's forecasts against what happened.

:func:`score` pairs scenarios with resolution files (by scenario id) and scores
every resolved item:

* **true/false items** (binary nodes and questions, conditional ones on their
  condition, P(item | given)): the Brier score :math:`(p - y)^2` and the log
  score :math:`-\\ln(p \\text{ if } y \\text{ else } 1 - p)` (natural log;
  both negatively oriented, lower is better, as in ``scoringrules``), next to
  two baselines: 0.5, and the base rate (the item's ``base_rate`` from the
  resolution file, else the share of true outcomes among all true/false items
  scored together, an in-sample climatology);
* **dates** (any dated node: ``signing``, a dated event, a milestone): the
  node's date distribution, one atom per day
  from ``as_of`` to the horizon and one for "not by the horizon", scored by the
  log score of the observed day, :math:`-\\ln f(y)`, and the CRPS in days,
  :math:`\\sum_d (F(d) - 1\\{y \\le d\\})^2` (a date after the horizon, or an
  outcome ``false``, "not by the horizon", counts as the day after it); whether
  the 80% interval (10% to 90% quantiles) covered it; the baseline is a uniform
  distribution over the same atoms. A dated item is also scored as a true/false
  item, P(happened by the horizon);
* **outcomes of a categorical node** (format 3, resolved by an outcome name,
  ``instc: {outcome: named}``): one true/false item per outcome of the node,
  ``instc == absent``, ``instc == generic``, ``instc == named``, true for the
  observed one (one-vs-rest). Their Brier scores add up to the multi-category
  Brier score :math:`\\sum_k (p_k - y_k)^2`; a file's ``base_rate`` is for a
  true/false item, so these take the in-sample base rate.

Probabilities come from exact inference when it can answer (no noise), else
from a seeded Monte Carlo run (``method`` and ``stderr`` say which).

Several versions of one scenario (the same id, different ``as_of``) form a
track record: :attr:`Scorecard.track` gives time-averaged scores as
forecasting platforms report them — the mean over the days an item was open
(from the first version's ``as_of`` to the day it resolved) of the score of
the forecast standing that day (the latest version as of that day). Two
scenarios with the same id and the same ``as_of`` are refused (:func:`score`).

A scenario file with news (``observations:``) is scored item by item with the
forecast that stood before the item resolved (the priors and the news dated
before its ``resolved`` day), and is its own series of versions for the track
record: the priors as of ``as_of``, then the forecast after each day of news.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from pactsim.errors import (
    ArgumentError,
    ArgumentTypeError,
    ConditionError,
    ExactUnsupportedError,
    ModelTooWideError,
    ScenarioError,
    refused_in,
)
from pactsim.language import expr as _expr
from pactsim.language.evidence import Finding, at_observation
from pactsim.language.io import load
from pactsim.language.resolutions import (
    Outcome,
    Resolutions,
    check_resolutions,
    extended_ids,
    given_holds,
    read_pending,
)
from pactsim.language.scenario import Scenario
from pactsim.montecarlo import simulate
from pactsim.results.exact import ExactResults, exact

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from pactsim.analysis.calibration import Calibration
    from pactsim.results.montecarlo import Results

__all__ = ["Scorecard", "brier", "crps_days", "log_score", "score"]

Method = Literal["auto", "exact", "montecarlo", "mc"]
_EPOCH = dt.date(1970, 1, 1)


# -- the kernels (arrays in, arrays out) -------------------------------------------------------

def brier(p: Any, y: Any) -> NDArray[np.float64]:
    """Brier score :math:`(p - y)^2` of probabilities `p` for outcomes `y` (0/1).

    >>> round(float(brier(0.7, 1)), 12)
    0.09
    """
    p_, y_ = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    return np.asarray((p_ - y_) ** 2, dtype=np.float64)


def log_score(p: Any, y: Any) -> NDArray[np.float64]:
    """Log score :math:`-\\ln|p + y - 1|` (natural log; ``inf`` for a certain miss).

    >>> round(float(log_score(0.8, 0)), 4)
    1.6094
    """
    p_, y_ = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        # -ln p for a yes, -ln(1 - p) for a no, each without cancelling: |p + y - 1| was 0
        # for a yes of p = 1e-17 (review-fuzz16), an infinite score of a finite chance
        out = np.where(y_ >= 0.5, -np.log(p_), -np.log1p(-p_))
    return np.asarray(out, dtype=np.float64)


def crps_days(cdf: Any, y: int) -> float:
    """CRPS (in days) of a distribution on days 0..m-1, plus an atom at day m.

    `cdf` holds :math:`F(0), ..., F(m-1)`; the rest of the mass sits at day
    ``m``; `y` is the observed day (clipped to 0..m). The score is
    :math:`\\sum_{d=0}^{m-1} (F(d) - 1\\{y \\le d\\})^2`.

    >>> crps_days([0.5], 0), crps_days([0.5], 1)
    (0.25, 0.25)
    """
    f = np.asarray(cdf, dtype=float)
    y = min(max(int(y), 0), len(f))
    step = (np.arange(len(f)) >= y).astype(float)
    return float(np.sum((f - step) ** 2))


def _interval(cdf: NDArray[np.float64], level: float) -> int:
    """First day whose F reaches `level` (len(cdf) when not by the horizon)."""
    return int(np.searchsorted(cdf, level - 1e-12))


# -- forecasts from a scenario ------------------------------------------------------------------

class _Forecast:
    """Exact answers where possible, a Monte Carlo run (made once, on demand) otherwise;
    of the scenario's priors conditioned on ``findings`` (its observations learnt
    before a day), not on the rest of its observations."""

    def __init__(self, sc: Scenario, *, method: Method, n: int, seed: int,
                 findings: tuple[Finding, ...] = ()) -> None:
        self.sc, self.method, self.n, self.seed = sc, method, n, seed
        self.findings = findings
        self.ex: ExactResults | None = None
        self._mc: Results | None = None
        self._given: dict[str, ExactResults] = {}
        if method != "montecarlo":
            try:
                self.ex = exact(sc, evidence=list(findings) or None, observations=False)
            except ConditionError as err:  # the file's news cannot all hold: said at its line
                raise at_observation(sc, err) from None
            except (ExactUnsupportedError, ModelTooWideError) as err:
                if method == "exact":
                    raise refused_in(err, f"scenario {sc.id} (as of {sc.as_of})") from None

    def mc(self) -> Results:
        if self._mc is None:
            try:
                self._mc = simulate(self.sc, n=self.n, seed=self.seed, keep_draws=True,
                                    progress=False, evidence=list(self.findings) or None,
                                    observations=False)
            except ConditionError as err:
                raise at_observation(self.sc, err) from None
        return self._mc

    def prob(self, expr: str, given: str | None) -> tuple[float, float, str, float | None]:
        """``(p, stderr, method, m)``: ``m`` the (effective) Monte Carlo draws the estimate
        rests on, ``None`` for an exact value."""
        if self.ex is not None:
            try:
                return float(self.ex.prob(expr, given=given)), 0.0, "exact", None
            except (ExactUnsupportedError, ModelTooWideError) as err:  # this item: MC
                if self.method == "exact":
                    raise refused_in(err, f"scenario {self.sc.id} (as of {self.sc.as_of})") \
                        from None
        est = self.mc().prob(expr, given=given)
        m = est.ess if est.ess is not None else est.n
        return float(est.value), float(est.stderr), "montecarlo", m

    def cdf(self, node: str, given: str | None = None
            ) -> tuple[NDArray[np.float64], str, float | None]:
        """F(d) of dated node ``node`` for every day from as_of to the horizon; with
        ``given``, P(date <= d | given), as the item's yes/no part is scored; the method
        and the (effective) Monte Carlo draws it rests on (``None``: exact)."""
        if self.ex is not None:
            try:
                ex = self.ex if given is None else self._exact_given(given)
                return ex.date_cdf(node)["p"].to_numpy(dtype=float), "exact", None
            except (ExactUnsupportedError, ModelTooWideError) as err:
                if self.method == "exact":
                    raise refused_in(err, f"scenario {self.sc.id} (as of {self.sc.as_of})") \
                        from None
        res = self.mc() if given is None else self.mc().given(given)
        m = res.info.ess if res.info.ess is not None else res.info.n
        return res.date_cdf(node)["p"].to_numpy(dtype=float), "montecarlo", float(m)

    def _exact_given(self, given: str) -> ExactResults:
        """Exact results conditioned on the news and ``given`` (made once per condition)."""
        if given not in self._given:
            self._given[given] = exact(self.sc, evidence=[*self.findings, Finding(given)],
                                       observations=False)
        return self._given[given]


class _Forecasts:
    """The forecasts a scenario file stood for: its priors, then the priors with the
    observations learnt by each observation date (made on demand, once each).

    An item is scored with the forecast that stood before it resolved: the
    observations dated before its ``resolved`` day (and, for a date, before the
    day itself), so news that is the outcome, or came with it, is not scored as
    foresight.
    """

    def __init__(self, sc: Scenario, *, method: Method, n: int, seed: int) -> None:
        self.sc, self.method, self.n, self.seed = sc, method, n, seed
        self._made: dict[int, _Forecast] = {}

    def before(self, day: dt.date | None) -> _Forecast:
        """The forecast standing before ``day`` (``None``: after every observation)."""
        found = self.sc.findings(None if day is None else day - dt.timedelta(days=1))
        k = len(found)  # in date order: the findings before a day are a prefix
        if k not in self._made:
            self._made[k] = _Forecast(self.sc, method=self.method, n=self.n, seed=self.seed,
                                      findings=found)
        return self._made[k]


# -- the scorecard ------------------------------------------------------------------------------

_ITEM_COLUMNS = [
    "scenario", "as_of", "item", "kind", "given", "outcome", "resolved", "p", "stderr",
    "method", "brier", "log", "brier_half", "log_half", "base_rate", "brier_base", "log_base",
    "p_day", "crps", "log_uniform", "crps_uniform", "q10", "q90", "covered", "source",
    "news_to", "settled_by_news",
]


@dataclass(frozen=True)
class Scorecard:
    """Scores of scenarios against resolutions (made by :func:`score`).

    Attributes
    ----------
    items:
        One row per scored item and scenario version; columns ``scenario``,
        ``as_of``, ``item``, ``kind`` (``binary`` or ``date``), ``given``,
        ``outcome``, ``resolved``, ``p`` (the forecast P(true), or of the date
        item P(signed by the horizon)), ``stderr`` and ``method`` (``exact`` or
        ``montecarlo``); for true/false items ``brier``, ``log`` and the
        baselines ``brier_half``, ``log_half`` (0.5) and ``base_rate``,
        ``brier_base``, ``log_base``; for dates ``p_day`` (probability of the
        observed day, or of "after the horizon" for a day past it), ``log`` (its log
        score), ``crps`` (days), the uniform
        baseline ``log_uniform``, ``crps_uniform``, the 80% interval ``q10``,
        ``q90`` (``None`` past the horizon) and ``covered``; ``source``, and
        ``news_to``: the date of the latest of the file's observations the forecast
        scored was conditioned on (``None``: the priors); ``settled_by_news``: that
        forecast gave a true/false item P 0 or 1 where the priors did not (the news
        before its resolved day already told the outcome: check that day). Each item is scored with
        the forecast that stood before it resolved: the priors and the observations
        dated before its ``resolved`` day (for a date, also before that date).
    unresolvable:
        Items marked unresolvable, with their reasons (not scored).
    track:
        Time-averaged scores per item over versions of one scenario (empty
        unless some id has several versions, or a file has news: its priors and
        the forecast after each day of news are its versions): ``days`` open, ``versions``,
        ``brier``, ``log``, ``crps`` averaged over those days, ``p_by_version``.
    scenarios:
        ``(id, as_of)`` of each scenario scored, in order.
    """

    items: pd.DataFrame
    unresolvable: pd.DataFrame
    track: pd.DataFrame
    scenarios: tuple[tuple[str, dt.date], ...] = field(default=())
    n: int = 0
    seed: int = 0
    #: What the scores should be read with: resolved outcomes the scenario says cannot
    #: all hold (one file or the other is wrong), or why that was not checked.
    notes: tuple[str, ...] = ()

    def summary(self) -> pd.DataFrame:
        """Mean scores per scenario version and overall (row ``all``), with the baselines.

        Columns: ``n_binary``, ``brier``, ``brier_half``, ``brier_base``, ``log``,
        ``log_half``, ``log_base``, ``n_dates``, ``date_log``, ``date_log_uniform``,
        ``crps``, ``crps_uniform``, ``coverage80`` (share of dates in their 80% interval).
        """
        rows = []
        groups: list[tuple[str, pd.DataFrame]] = [
            (f"{sid} @ {as_of}", g) for (sid, as_of), g in self.items.groupby(
                ["scenario", "as_of"], sort=False)]
        if len(groups) != 1:
            groups.append(("all", self.items))
        elif groups:
            groups = [("all", groups[0][1])]
        for name, g in groups:
            b, d = g[g.kind == "binary"], g[g.kind == "date"]
            rows.append({
                "forecast": name, "n_binary": len(b),
                "brier": _mean(b.brier), "brier_half": _mean(b.brier_half),
                "brier_base": _mean(b.brier_base), "log": _mean(b.log),
                "log_half": _mean(b.log_half), "log_base": _mean(b.log_base),
                "n_dates": len(d), "date_log": _mean(d.log),
                "date_log_uniform": _mean(d.log_uniform), "crps": _mean(d.crps),
                "crps_uniform": _mean(d.crps_uniform),
                "coverage80": _mean(d.covered.astype(float)) if len(d) else math.nan,
            })
        return pd.DataFrame(rows).set_index("forecast")

    def calibration(self, *, bands: int = 1000, level: float = 0.9,
                    seed: int = 0) -> Calibration:
        """Calibration of the true/false forecasts (see :func:`pactsim.analysis.calibration
        .calibration`)."""
        from pactsim.analysis.calibration import calibration

        b = self.items[self.items.kind == "binary"]
        y = (b.outcome == "true").to_numpy(dtype=float)
        return calibration(b.p.to_numpy(dtype=float), y, bands=bands, level=level, seed=seed)

    def to_json(self) -> str:
        """Items, summary and track record as JSON (see :mod:`pactsim.views.scoring`)."""
        from pactsim.views.scoring import scorecard_to_json

        return scorecard_to_json(self)

    def to_csv(self) -> str:
        """One long CSV table (see :mod:`pactsim.views.scoring`)."""
        from pactsim.views.export import csv_text
        from pactsim.views.scoring import scorecard_to_table

        return csv_text(scorecard_to_table(self))

    def __str__(self) -> str:
        from pactsim.views.scoring import format_scorecard

        return format_scorecard(self)

    def __repr__(self) -> str:
        b = self.items[self.items.kind == "binary"] if len(self.items) else self.items
        dates = int((self.items.kind == "date").sum()) if len(self.items) else 0
        brier = f" (mean Brier {_mean(b.brier):.3f})" if len(b) else ""
        return (f"<Scorecard: {len(self.scenarios)} scenario version"
                f"{'s' if len(self.scenarios) != 1 else ''}, {len(b)} true/false items"
                f"{brier}, {dates} dates; print() for the table>")

    def _repr_html_(self) -> str:
        from pactsim.views.display import styled
        from pactsim.views.scoring import scorecard_html

        return styled(scorecard_html(self))


def _mean(s: pd.Series) -> float:
    s = s.dropna()
    return float(s.mean()) if len(s) else math.nan


def _outcome_text(o: Outcome) -> str:
    if isinstance(o.value, bool):
        return "true" if o.value else "false"
    return str(o.value)


def _score_one(forecasts: _Forecasts, res: Resolutions, *, skip_known: bool,
               at: dt.date | None = None) -> list[dict[str, Any]]:
    """The rows of one scenario's items: each with the forecast that stood before it
    resolved; with ``at`` (a day of the file's news), each item still open after that
    day with the forecast as of that day (the priors and the news to then), as a
    version dated ``at`` for the track record."""
    sc = forecasts.sc
    start = sc.as_of if at is None else at
    rows: list[dict[str, Any]] = []
    for o in res.outcomes.values():
        if o.value is None or ((skip_known or at is not None) and any(
                d is not None and d <= start for d in (
                    o.resolved, o.value if isinstance(o.value, dt.date) else None))):
            continue  # known, or dated on or before this version's as_of (its days start there)
        cond = res.outcomes.get(o.given.strip()) if o.given is not None else None
        if cond is not None and isinstance(cond.value, dt.date) and cond.value > sc.horizon:
            continue  # void in this version: its condition (by the horizon) did not hold
        if o.given is not None and given_holds(res, sc, o.given) is False:
            continue  # void in this version: the file's outcomes make its condition false
        known = min((d for d in (o.resolved, o.value if isinstance(o.value, dt.date) else None)
                     if d is not None), default=None)
        fc = forecasts.before(known if at is None else at + dt.timedelta(days=1))
        prior = forecasts.before(sc.as_of)
        base = {"scenario": sc.id, "as_of": start, "item": o.name, "given": o.given,
                "resolved": o.resolved, "source": ",".join(o.source), "base_rate": o.base_rate,
                "news_to": fc.findings[-1].date if fc.findings else None}
        try:
            rows += _item_rows(fc, o, base, sc, prior)
        except ConditionError as err:  # its given: cannot hold here; said at its line
            if o.given is None:
                raise
            raise ScenarioError(res.problem(
                ("outcomes", o.name, "given"),
                f"{err} (scenario {sc.id}, as of {sc.as_of})")) from None
    return rows


def _item_rows(fc: _Forecast, o: Outcome, base: dict[str, Any], sc: Scenario,
               prior: _Forecast) -> list[dict[str, Any]]:
    """The rows of one resolved outcome (a date, an outcome of a categorical node, or
    true/false)."""
    rows: list[dict[str, Any]] = []
    assert o.value is not None  # (outcomes still open are not scored)
    if isinstance(o.value, dt.date):
        y_bin = o.value <= sc.horizon
        rows.append(_binary(fc, o, y_bin, base, prior=prior))
        rows.append(_date(fc, o.name, o.value, base, o.given))
    elif isinstance(o.value, str):  # a categorical node's outcome: one item per outcome
        for x in sc.outcomes.get(o.name, ()):
            item = f"{o.name} == {x}"
            rows.append(_binary(fc, o, x == o.value, {**base, "item": item,
                                                      "base_rate": None}, item, prior))
    else:
        rows.append(_binary(fc, o, o.value, base, prior=prior))
        if o.value is False and o.name in sc.dated_names:
            # not by the horizon: the date distribution's last atom (review-python15:
            # only the true/false item was scored, though the docs count it an outcome)
            rows.append(_date(fc, o.name, sc.horizon + dt.timedelta(days=1), base,
                              o.given, missed=True))
    return rows


def _binary(fc: _Forecast, o: Outcome, y: bool, base: dict[str, Any],
            expr: str | None = None, prior: _Forecast | None = None) -> dict[str, Any]:
    p, se, method, m = fc.prob(o.name if expr is None else expr, o.given)
    settled = False
    if prior is not None and prior is not fc and (p <= 1e-12 or p >= 1 - 1e-12):
        p0 = prior.prob(o.name if expr is None else expr, o.given)[0]
        settled = 1e-12 < p0 < 1 - 1e-12
    return {**base, "kind": "binary", "settled_by_news": settled,
            "outcome": "true" if y else "false", "p": p,
            "stderr": se, "method": method, "brier": float(brier(p, y)),
            "log": float(log_score(_smoothed(p, m, y), y)), "brier_half": 0.25,
            "log_half": math.log(2.0)}


def _smoothed(p: float, m: float | None, y: bool = True) -> float:
    """The chance a log score takes: ``p``, unless a Monte Carlo estimate (of ``m``
    draws, effective) gives the outcome that happened exactly 0 — no draw reached it —
    when it counts half a draw, ``0.5 / (m + 1)``, so the score is about ln 2m, not
    infinity. A chance of 2e-203 from weighted draws that did reach it is kept
    (review-fuzz16b: smoothing it by the effective size scored 9.4 where exact inference
    scores 466). ``y``: the outcome the chance is of (for a yes/no item ``p`` is of yes)."""
    q = p if y else 1.0 - p
    if m is None or m <= 0 or q > 0:
        return p
    q = 0.5 / (m + 1.0)
    return q if y else 1.0 - q


def _date(fc: _Forecast, name: str, when: dt.date, base: dict[str, Any],
          given: str | None = None, missed: bool = False) -> dict[str, Any]:
    """The date item; ``missed``: resolved false, not by the horizon (``when`` is the day
    after it)."""
    sc = fc.sc
    cdf, method, draws = fc.cdf(name, given)
    m = len(cdf)  # days as_of .. horizon
    y = min((when - sc.as_of).days, m)
    pmf = np.diff(np.concatenate([[0.0], cdf, [1.0]]))
    p_day = float(pmf[y])
    uniform = np.concatenate([[0.0], np.arange(1, m) / m])  # mass 1/m on days 1..m
    q10, q90 = _interval(cdf, 0.1), _interval(cdf, 0.9)

    def day(k: int) -> dt.date | None:
        return None if k >= m else sc.as_of + dt.timedelta(days=k)

    return {**base, "item": f"{base['item']}.date", "kind": "date", "settled_by_news": False,
            "outcome": "not by the horizon" if missed else when.isoformat() if y < m
            else f"{when} (after the horizon)",
            "p": float(cdf[-1]), "stderr": math.nan, "method": method, "p_day": p_day,
            "log": -math.log(q) if (q := _smoothed(p_day, draws)) > 0 else math.inf,
            "crps": crps_days(cdf, y),
            "log_uniform": math.log(m), "crps_uniform": crps_days(uniform, y),
            "q10": day(q10), "q90": day(q90), "covered": q10 <= y <= q90}


def _track(items: pd.DataFrame) -> pd.DataFrame:
    """The time-averaged scores of the items of each scenario scored as a series (two
    versions or more of some item): every item of it, one resolved before the second
    version too (its one version over its days; review-analyst14 found it left out while
    the mean scores counted it)."""
    rows = []
    groups = list(items.groupby(["scenario", "item"], sort=False))
    series = {sid for (sid, _item), g in groups if g.as_of.nunique() >= 2}
    for (sid, item), g in groups:
        g = g.sort_values("as_of")
        if sid not in series:
            continue
        resolved = g.resolved.iloc[0]
        starts = [*list(g.as_of), resolved]
        days = np.array([(b - a).days for a, b in itertools.pairwise(starts)])
        days = np.maximum(days, 0)
        total = int(days.sum())
        if total <= 0:
            continue
        w = days / total

        def avg(col: str, g: pd.DataFrame = g, w: NDArray[np.float64] = w) -> float:
            v = g[col].to_numpy(dtype=float)[w > 0]
            if np.isnan(v).any():  # a score this kind of item does not have (CRPS of a yes/no)
                return math.nan
            return float(np.sum(w[w > 0] * v)) if np.all(np.isfinite(v)) else math.inf

        rows.append({
            "scenario": sid, "item": item, "kind": g.kind.iloc[0], "outcome": g.outcome.iloc[0],
            "opened": g.as_of.iloc[0], "resolved": resolved, "days": total,
            "versions": len(g), "brier": avg("brier"), "log": avg("log"), "crps": avg("crps"),
            "brier_latest": float(g.brier.iloc[-1]), "log_latest": float(g.log.iloc[-1]),
            "p_by_version": "; ".join(f"{a}: {p:.3f} ({d} d)" for a, p, d in zip(
                g.as_of, g.p, days, strict=True)),
        })
    cols = ["scenario", "item", "kind", "outcome", "opened", "resolved", "days", "versions",
            "brier", "log", "crps", "brier_latest", "log_latest", "p_by_version"]
    return pd.DataFrame(rows, columns=cols)


def score(
    scenarios: Scenario | str | os.PathLike[str] | Sequence[Scenario | str | os.PathLike[str]],
    resolutions: Resolutions | str | os.PathLike[str]
    | Sequence[Resolutions | str | os.PathLike[str]],
    *,
    method: Method = "auto",
    n: int = 200_000,
    seed: int = 0,
) -> Scorecard:
    """Score scenarios against resolution files, matched by scenario id.

    Parameters
    ----------
    scenarios:
        Scenarios or their files. Several with the same id and different
        ``as_of`` are versions of one forecast: each is scored, and
        :attr:`Scorecard.track` gives the time-averaged scores. Two with the
        same id and the same ``as_of`` are refused, whether their content is
        the same (a file given twice, or a copy: scoring both would count
        every item twice) or differs (two forecasts for one day: which one
        stood is not said).
    resolutions:
        Resolution files (:func:`pactsim.language.resolutions.load_resolutions`)
        or loaded :class:`Resolutions`; one per scenario id. A variant (a file that
        ``extends:`` another) without a file of its own id is scored by that of the
        nearest file it extends.
    method:
        ``"auto"`` (exact where it can answer, Monte Carlo otherwise),
        ``"exact"`` or ``"montecarlo"`` (also spelt ``"mc"``).
    n, seed:
        Draws and seed of the Monte Carlo runs, when one is needed.

    Raises
    ------
    ScenarioError
        Located problems of a resolution file against its scenario; a scenario
        without resolutions, or resolutions without a scenario.
    ArgumentError
        Two scenarios with the same id and ``as_of`` (named in the message).

    Examples
    --------
    >>> card = score("scenarios/backtest/russia-dprk-2024.yaml",
    ...              "scenarios/backtest/russia-dprk-2024.resolutions.yaml")  # doctest: +SKIP
    >>> card.summary().loc["all", ["brier", "brier_half", "brier_base"]]    # doctest: +SKIP
    """
    method = "montecarlo" if method == "mc" else method  # either spelling
    if method not in ("auto", "exact", "montecarlo"):
        raise ArgumentError(f"score(): method = {method!r}; use 'auto', 'exact' or 'montecarlo'")
    given = _many(scenarios)
    scs = [s if isinstance(s, Scenario) else load(s) for s in given]
    _refuse_twins(given, scs)
    # read leniently: a file's problems are raised with those against its scenario, at once
    files = _many(resolutions)
    odd = [r for r in files if not isinstance(r, Resolutions | str | os.PathLike)]
    if odd or isinstance(resolutions, Mapping):  # (review-api27)
        what = type(resolutions if isinstance(resolutions, Mapping) else odd[0]).__name__
        raise ArgumentTypeError(f"score(): resolutions must be resolution files (paths) or "
                                f"Resolutions (pactsim.load_resolutions, or "
                                f"pactsim.loads_resolutions(text)), not {what}")
    loaded = [r if isinstance(r, Resolutions) else read_pending(r) for r in files]
    if not scs:
        raise ArgumentError("score(): give at least one scenario")
    by_id: dict[str, Resolutions] = {}
    for r in loaded:
        if r.scenario in by_id:
            raise ScenarioError(r.problem(("scenario",), f"= {r.scenario!r} is resolved by "
                                          f"{by_id[r.scenario].name} too (one file per id)"))
        by_id[r.scenario] = r
    ids = {s.id for s in scs}
    # a variant is resolved by its own id's file, else by that of the nearest file it extends
    lineage = [(s.id, *extended_ids(s)) for s in scs]
    paired = {i for line in lineage for i in line}
    for r in loaded:
        if r.scenario not in paired:
            bases = sorted(paired - ids)
            also = f" nor the files they extend ({', '.join(bases)})" if bases else ""
            raise ScenarioError(r.problem(("scenario",), f"= {r.scenario!r} matches none of the "
                                          f"scenarios given ({', '.join(sorted(ids))}){also}"))
    versions = {i: sum(s.id == i for s in scs) for i in ids}
    notes: list[str] = []
    # every file given is read for what scores use: one shadowed by a nearer file (a
    # variant's own beside its base's) has its problems raised, and scores nothing
    used = {next((i for i in line if i in by_id), None) for line in lineage}
    for r in loaded:  # a file shadowed by a nearer one: checked against a scenario it fits
        if r.scenario not in used:
            sc = next(s for s, line in zip(scs, lineage, strict=True) if r.scenario in line)
            check_resolutions(r, sc, dates=versions[sc.id] == 1)
    rows: list[dict[str, Any]] = []
    # each scenario's forecasts, made once: its items and (a file with news) its versions
    forecasts_of = [_Forecasts(sc, method=method, n=n, seed=seed) for sc in scs]
    for sc, line, forecasts in zip(scs, lineage, forecasts_of, strict=True):
        found = next((by_id[i] for i in line if i in by_id), None)
        if found is None:
            raise ScenarioError(f"scenario {sc.id!r} (as of {sc.as_of}) has no resolution file; "
                                "give one with --resolutions (resolutions: 1, scenario: "
                                f"{sc.id}, ...)")
        r = found
        several = versions[sc.id] > 1
        # in a series, a later version may postdate some outcomes: those items are skipped
        check_resolutions(r, sc, dates=not several)
        rows += _score_one(forecasts, r, skip_known=several)
        who = f"{sc.id} (as of {sc.as_of})" if several else sc.id
        notes += _early_false(sc, r, who)
        if method != "montecarlo":
            notes += _clashes(sc, r, who)
        if several and not any(row["scenario"] == sc.id and row["as_of"] == sc.as_of
                               for row in rows):
            notes.append(f"{sc.id} as of {sc.as_of}: not scored, every outcome had "
                         "happened or resolved by then (a forecast made knowing them)")
    items = pd.DataFrame(rows, columns=_ITEM_COLUMNS)
    # a file with news is a series of forecasts: its priors, then one after each day of
    # news; the track record averages them over the days each item was open
    steps: list[dict[str, Any]] = []
    for sc, line, forecasts in zip(scs, lineage, forecasts_of, strict=True):
        days = sorted({o.date for o in sc.observations})
        if not days or versions[sc.id] > 1:
            continue
        r = next(by_id[i] for i in line if i in by_id)
        for day in [sc.as_of, *days]:
            steps += _score_one(forecasts, r, skip_known=True, at=day)
    notes += _fill_base_rates(items)
    unres = pd.DataFrame(
        [{"scenario": r.scenario, "item": o.name, "reason": o.reason}
         for r in loaded if r.scenario in used for o in r.outcomes.values()
         if o.value is None],
        columns=["scenario", "item", "reason"])
    track = _track(items)
    if steps:
        news = pd.DataFrame(steps, columns=_ITEM_COLUMNS)
        track = pd.concat([track, _track(news)], ignore_index=True) if len(track) else \
            _track(news)
    return Scorecard(items, unres, track, tuple((s.id, s.as_of) for s in scs), n, seed,
                     tuple(dict.fromkeys(notes)))


def _known_false_on(sc: Scenario, name: str) -> dt.date | None:
    """The first day on which item ``name`` being false can be known without a ruling
    out: the horizon for a dated node (false is "not by the horizon"), the date ``D`` of
    a question ``x.date <= D`` (``D - 1`` for ``<``); ``None`` for other items."""
    if name in sc.nodes and sc.nodes[name].is_dated:
        return sc.horizon
    if name not in sc.questions:  # (questions are in sc.nodes too, never dated)
        return None
    tree = _expr.parse(sc.question_text(name))
    if isinstance(tree, _expr.Compare) and isinstance(tree.left, _expr.DateOf) \
            and isinstance(tree.right, _expr.DateLit) and tree.op in ("<", "<="):
        day = tree.right.value
        return min(day - dt.timedelta(days=1) if tree.op == "<" else day, sc.horizon)
    return None


def _early_false(sc: Scenario, res: Resolutions, who: str) -> list[str]:
    """Notes on items resolved false before that could be known: a dated node resolved
    false before the horizon, ``x.date <= D`` before D (review-analyst14: a claim
    nobody could check yet was scored without a word)."""
    out = []
    for o in res.outcomes.values():
        if o.value is not False or o.resolved is None or o.given is not None:
            continue
        known = _known_false_on(sc, o.name)
        if known is not None and o.resolved < known:
            what = (f"before the horizon {known}: false means not by the horizon, known "
                    "only then" if o.name not in sc.questions else
                    f"before {known}: that {sc.question_text(o.name)} is false is known only "
                    "then")
            out.append(f"{who}: {o.name} resolved false on {o.resolved}, {what}; unless it "
                       f"was ruled out that day (say so in its why), resolve it on {known} or "
                       f"later (it is scored with the forecast that stood before "
                       f"{o.resolved})")
    return out


#: Resolved outcomes :func:`_clashes` tests together at most (each added one is tested
#: against those before it, then, where the set cannot hold, against each of them).
MAX_CLASH_ITEMS = 200


def _clashes(sc: Scenario, res: Resolutions, who: str | None = None) -> list[str]:
    """Resolved outcomes that cannot all hold in the scenario (exact P = 0): each one that
    cannot hold with those before it, named with one it cannot hold with. A file is
    wrong, or the model is (a clause resolved true whose pillar is resolved false, a
    question's answer that contradicts the nodes it reads). Exact inference only; a
    scenario it refuses is said to be unchecked. Outcomes resolved by the scenario's
    ``as_of`` are left out (a later version was written knowing them: they are not
    scored with it). ``who`` names the scenario in the notes (default: its id)."""
    who = who or sc.id
    facts: list[tuple[str, str]] = []  # (item, expression that it came out so)
    for o in list(res.outcomes.values())[:MAX_CLASH_ITEMS]:
        known = o.name in sc.nodes or o.name in sc.questions
        if o.value is None or o.given is not None or not known:
            continue
        if o.resolved is not None and o.resolved <= sc.as_of:
            continue
        if isinstance(o.value, bool):
            # a name (a node's or a question's): "not signing", not "not (signing)"
            facts.append((o.name, o.name if o.value else f"not {o.name}"))
        elif isinstance(o.value, dt.date):
            facts.append((o.name, f"{o.name}.date == {o.value}" if o.value <= sc.horizon
                          else f"not {o.name}"))
        elif isinstance(o.value, str):
            facts.append((o.name, f"{o.name} == {o.value}"))
    if len(facts) < 2:
        return []
    refused = (ExactUnsupportedError, ModelTooWideError, ConditionError)
    try:
        ex = exact(sc, observations=False)
    except refused as err:
        return [f"{who}: resolved outcomes not checked together (exact inference: "
                f"{str(err).split(';')[0]})"]

    why: dict[str, None] = {}  # the reasons exact inference gave for what it refused

    def never(expr: str) -> bool | None:  # P(expr) = 0; None: exact inference refuses it
        try:
            return float(ex.prob(expr).value) <= 1e-15
        except refused as err:
            text = str(err).split(";")[0]
            why.setdefault(text[text.find("exact inference"):] if "exact inference" in text
                           else text, None)
            return None

    held: list[tuple[str, str]] = []
    out: list[str] = []
    unchecked: list[str] = []  # items exact inference could not test with some before
    budget = MAX_CLASH_QUERIES
    for name, expr in facts:
        if never(expr):
            out.append(f"{who}: {name} ({expr}) cannot happen in the scenario at all")
            continue
        joint = never(" and ".join(f"({e})" for _, e in [*held, (name, expr)])) \
            if held else False
        if joint is False:
            held.append((name, expr))
            continue
        # the set cannot hold (or is too wide to say): name one it cannot hold with
        other = None
        untested: list[str] = []  # those exact inference could not test it with
        for n, e in held:
            if budget <= 0:
                break
            budget -= 1
            pair = never(f"({e}) and ({expr})")
            if pair is None:
                untested.append(n)
            if pair:
                other = n
                break
        if other is not None:
            out.append(f"{who}: the resolved outcomes of {name} ({expr}) and {other} "
                       "cannot both hold in the scenario: one of the files is wrong, or the "
                       "model")
        elif joint:
            out.append(f"{who}: the resolved outcome of {name} ({expr}) cannot hold with "
                       "those before it: one of the files is wrong, or the model")
        else:  # too wide to say, and no pair is impossible: kept among those tested with
            if untested:  # said, not passed over
                unchecked.append(f"{name} with {', '.join(untested)}")
            held.append((name, expr))
    if unchecked:
        only_wide = all("needs a table of" in w for w in why)
        reason = ("too wide for exact inference; a nearer horizon helps" if only_wide else
                  "; ".join(why) or "exact inference refused them")
        out.append(f"{who}: resolved outcomes not all checked together: "
                   f"{'; '.join(unchecked)} ({reason})")
    return out


#: Pairs of resolved outcomes :func:`_clashes` tests one by one at most.
MAX_CLASH_QUERIES = 2_000


def _label(x: object, sc: Scenario, k: int) -> str:
    """How the message names the `k`-th scenario given: its path, else its file, else
    its place in the list."""
    if isinstance(x, str | os.PathLike):
        return os.fspath(x)
    file = sc.locate(())[0]
    return file if file and not file.startswith("<") else f"scenarios[{k}]"


def _refuse_twins(given: Sequence[object], scs: Sequence[Scenario]) -> None:
    """Refuse two scenarios with the same id and ``as_of`` (see :func:`score`)."""
    first: dict[tuple[str, dt.date], int] = {}
    for k, sc in enumerate(scs):
        j = first.setdefault((sc.id, sc.as_of), k)
        if j == k:
            continue
        a, b = _label(given[j], scs[j], j), _label(given[k], sc, k)
        why = ("the same forecast: scoring both would count every item twice"
               if scs[j].digest == sc.digest else
               "they differ, and which one stood that day is not said; versions of one "
               "forecast need different as_of dates")
        raise ArgumentError(f"score(): two versions of {sc.id!r} as of {sc.as_of}: {a} and "
                            f"{b}; give one ({why})")


def _fill_base_rates(items: pd.DataFrame) -> list[str]:
    """Each true/false item's base rate (its file's ``base_rate``, else the in-sample
    share of true outcomes) and the baseline scores; a note when the in-sample rate
    is 0 or 1 (then the baseline is perfect, and no forecast can beat it)."""
    binary = items.kind == "binary"
    if not binary.any():
        return []
    y = (items.loc[binary, "outcome"] == "true").astype(float)
    climate = float(y.mean())
    given = items.loc[binary, "base_rate"].astype(float)
    rate = given.fillna(climate)
    notes = []
    if given.isna().any() and climate in (0.0, 1.0):
        notes.append(
            f"the base rate of {int(given.isna().sum())} item(s) is the share of true outcomes "
            "among the items scored together, known only afterwards (in sample); here every "
            f"outcome is {'true' if climate else 'false'}, so that baseline scores 0 and no "
            "forecast can beat it: give a base_rate in the resolution file for a baseline "
            "known beforehand, or score more files together")
    items.loc[binary, "base_rate"] = rate
    items.loc[binary, "brier_base"] = brier(rate, y)
    items.loc[binary, "log_base"] = log_score(rate, y)
    return notes


def _many(x: Any) -> list[Any]:
    if isinstance(x, str | os.PathLike | Scenario | Resolutions):
        return [x]
    if isinstance(x, Iterable):
        return list(x)
    return [x]
