r"""Results of a Monte Carlo run: estimates with standard errors, frames, curves.

Every number a :class:`Results` reports comes with its Monte Carlo
uncertainty. Summaries (marginals, the signing curve, bundles, questions) come
from exact streaming counts, so they work with ``keep_draws=False``; arbitrary
expressions (``prob("a and not b")``) and :meth:`Results.to_frame` need the
draws (``keep_draws=True``, the default).

Under evidence (``simulate(..., evidence=)``, or :meth:`Results.given` with
soft findings) the draws carry weights and every summary is the weighted
one, from :class:`~pactsim.results.stats.WeightedStats`: a probability is
:math:`\sum w 1[A] / \sum w` with the delta-method standard error of that
ratio and the effective sample size :math:`(\sum w)^2 / \sum w^2`
(``Estimate.ess``); a date quantile's band and a numeric question's standard
error use the effective sample size of the draws concerned.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from pactsim.errors import ArgumentError, ArgumentTypeError, ConditionError, PactsimError
from pactsim.inference.compile import CompiledModel
from pactsim.inference.engine import Draws
from pactsim.inference.weighting import add_log_ratio, apply_log_factors, findings_text
from pactsim.language import expr as _expr
from pactsim.language.evidence import Finding, as_findings, hard_text
from pactsim.language.scenario import Scenario
from pactsim.results import stats as _stats
from pactsim.results import summary as _s
from pactsim.results.estimate import Estimate, wilson_many
from pactsim.results.stats import (
    Stats,
    WeightedMoments,
    WeightedStats,
    bundle_groups,
    environment,
    numeric_stats,
    summarize,
    summarize_weighted,
    weighted_numeric,
)
from pactsim.results.summary import NumericSummary

if TYPE_CHECKING:
    from pactsim.views.plot import PlotAccessor

__all__ = ["NumericSummary", "Results", "RunInfo"]


@dataclass(frozen=True)
class RunInfo:
    """Provenance of a run: enough to reproduce it exactly."""

    scenario_id: str
    digest: str
    n: int
    seed: int
    version: str
    chunk_size: int
    workers: int
    seconds: float
    spawn_key: tuple[int, ...] = ()
    #: The standard error the run stopped at (``simulate(target_se=...)``), or ``None``.
    target_se: float | None = None
    #: Whether every probability watched reached ``target_se`` (``None`` without a target).
    target_reached: bool | None = None
    #: The evidence these results are conditioned on (:meth:`Results.given`), or ``None``.
    given: str | None = None
    #: Draws of the run before conditioning (``n`` is those the evidence kept).
    n_run: int | None = None
    #: The evidence the run was weighted by (``simulate(evidence=...)``, observations
    #: included), as text (``a; b (x3)``), or ``None``.
    evidence: str | None = None
    #: Kish's effective sample size of the draws, :math:`(\sum w)^2 / \sum w^2`
    #: (``n`` when the draws are not weighted).
    ess: float | None = None
    #: The latest date of the dated findings the run was weighted by (a file's
    #: ``observations:``, or :class:`~pactsim.language.evidence.Finding` objects with a
    #: date), or ``None``: the forecast is as of ``as_of`` with news to that date.
    news_to: dt.date | None = None

    @property
    def seed_text(self) -> str:
        """The seed as outputs show it: ``3``, or ``3, spawn key (2,)`` for a spawned
        stream (``SeedSequence(3, spawn_key=(2,))``: ``seed=3`` alone draws others)."""
        return str(self.seed) + (f", spawn key {self.spawn_key}" if self.spawn_key else "")


#: An exact probability at or below this is 0 (the FFT's rounding noise of a day law).
_NEVER = 1e-15


class Results:
    """Forecast distributions from :func:`pactsim.simulate`.

    Attributes
    ----------
    scenario:
        The scenario simulated.
    info:
        :class:`RunInfo` (seed, n, scenario digest, pactsim version, …).
    stats:
        The streaming counts behind every summary
        (:class:`~pactsim.results.stats.WeightedStats` under evidence).
    draws:
        The draws, or ``None`` when run with ``keep_draws=False``; under
        evidence ``draws.weight`` holds their weights.
    """

    def __init__(self, scenario: Scenario, model: CompiledModel,
                 stats: Stats | WeightedStats, draws: Draws | None,
                 answers: dict[str, NDArray[Any]] | None, info: RunInfo) -> None:
        self.scenario = scenario
        self.model = model
        self.stats = stats
        self.draws = draws
        self._answers = answers
        self.info = info
        self._w = stats if isinstance(stats, WeightedStats) else None

    # -- basic facts --------------------------------------------------------
    @property
    def n(self) -> int:
        return self.stats.n

    @property
    def seed(self) -> int:
        return self.info.seed

    @property
    def weighted(self) -> bool:
        """Whether the draws are weighted (the run was made under evidence)."""
        return self._w is not None

    @property
    def ess(self) -> float:
        r"""Kish's effective sample size, :math:`(\sum w)^2 / \sum w^2` (``n`` unweighted)."""
        return self._w.ess if self._w is not None else float(self.n)

    @property
    def _counts(self) -> Stats:
        assert isinstance(self.stats, Stats)
        return self.stats

    def __repr__(self) -> str:
        given = "" if self.info.given is None else \
            f", given {self.info.given!r} ({self.n:,} of {self.info.n_run:,} draws)"
        if self._w is not None:
            given += (f", evidence {self.info.evidence!r}" if self.info.evidence else "") + \
                f", ess={self.ess:,.0f}"
        spawned = f", spawn_key={self.info.spawn_key}" if self.info.spawn_key else ""
        return (f"<Results {self.info.scenario_id!r}: n={self.n:,}, seed={self.seed}{spawned}, "
                f"digest={self.info.digest[:12]}, draws {'kept' if self.draws else 'not kept'}"
                f"{given}>")

    def _repr_html_(self) -> str:
        from pactsim.views.display import results_html

        return results_html(self)

    def to_json(self) -> str:
        """The forecast as ``pactsim run --format json`` writes it (its JSON Schema:
        ``pactsim schema --forecast``), as :class:`~pactsim.Diff` and the other results
        export themselves."""
        from pactsim.views.export import results_to_json

        return results_to_json(self)

    def to_csv(self) -> str:
        """The forecast as ``pactsim run --format csv`` writes it: one number a row
        (:func:`pactsim.views.export.results_to_table` gives the frame)."""
        from pactsim.views.export import csv_text, results_to_table

        return csv_text(results_to_table(self))

    @property
    def plot(self) -> PlotAccessor:
        """Plots of this forecast: ``.signing()``, ``.pillars()``, ``.bundles()``,
        ``.numeric(name)`` (see :mod:`pactsim.views.plot`; needs matplotlib)."""
        from pactsim.views.plot import PlotAccessor

        return PlotAccessor(self)

    # -- probabilities ------------------------------------------------------
    def _count(self, name: str) -> int | None:
        st = self._counts
        if name in self.model.index:
            return int(st.node_counts[self.model.index[name]])
        if name in st.bool_counts:
            return st.bool_counts[name]
        return None

    def _sums(self, name: str) -> tuple[float, float] | None:
        """Under evidence: the weight sums (w, w²) over the draws where ``name`` (a
        binary node or a true/false question) is true, or ``None``."""
        w = self._w
        assert w is not None
        if name in self.model.index:
            i = self.model.index[name]
            return float(w.node_w[i]), float(w.node_w2[i])
        if name in w.bool_w:
            return w.bool_w[name], w.bool_w2[name]
        return None

    def _whole(self, wf: float, w2f: float) -> Estimate:
        """A weighted estimate over every draw."""
        w = self._w
        assert w is not None
        return Estimate.weighted(wf, w2f, w.w, w.w2, w.nonzero)

    def _signed(self) -> tuple[float, float] | None:
        """Weight sums of the signed draws, or ``None`` (no signing, or never signed)."""
        if self.model.signing_index < 0:
            return None
        s = self._sums("signing")
        return s if s is not None and s[0] > 0 else None

    def _weights(self, text: str, what: str) -> NDArray[np.float64]:
        """The kept draws' weights (ones when unweighted)."""
        self._kept(text, what)
        assert self.draws is not None
        if self.draws.weight is None:
            return np.ones(self.draws.n)
        return self.draws.weight

    def _kept(self, text: str, what: str, role: str = "") -> tuple[
            dict[str, NDArray[Any]], dict[str, NDArray[Any]]]:
        """Values and dates of every node and question over the kept draws (``role``:
        the argument ``text`` came as, for the message when there are none)."""
        if self.draws is None or self._answers is None:
            name = text.strip()
            if name in self.model.index or name in self.model.questions:
                # a node or question, summarised on its own, but here in a condition
                # or with one: that needs the draws themselves
                how = f"conditioning on {name!r}" if role in ("given", "evidence") or \
                    what == "evidence" else f"{name!r} under a condition"
                raise ArgumentError(
                    f"{how} needs the draws, and this run kept none (keep_draws=False): "
                    "without them a run answers each node and question on its own, not "
                    "one given another; re-run with keep_draws=True, or add the "
                    "combination to the scenario's questions")
            raise PactsimError(
                f"{text!r} is not {what} of this scenario, and this run kept no draws "
                "(keep_draws=False); add it to the scenario's questions or re-run with "
                "keep_draws=True")
        values, dates = environment(self.model, self.draws)
        values.update(self._answers)
        return values, dates

    def _evaluate(self, text: str, what: str) -> NDArray[Any]:
        tree = _expr.compile_condition(text, self.model.scope(), what=what,
                                       horizon=self.scenario.horizon)
        values, dates = self._kept(text, "a node or a question", what)
        return np.asarray(_expr.evaluate(tree, values, dates), dtype=bool)

    def given(self, evidence: object) -> Results:
        """These results conditioned on ``evidence``: the same surface (``prob``,
        ``questions``, ``marginals``, ``date_cdf``, ``bundles``, plots, views) over
        the kept draws in which it holds.

        ``evidence`` is any true/false expression: ``"not signing.date <=
        2024-12-01"``, ``"ratified_ru.date == 2025-04-21"``, ``"mutual_defence and
        new_sanctions"``; or anything :func:`~pactsim.language.evidence.as_findings`
        accepts (``{"mutual_defence": True}``, ``pactsim.soft("x", 3)``, a list).
        Chaining ``.given(a).given(b)`` is ``given(a and b)``.
        Hard evidence conditions by rejection over the kept draws: ``n`` becomes
        the number of draws kept and every standard error is over those, so rare
        evidence gives wide errors, never a hang; evidence that no draw met is
        refused with its count. Soft evidence, or any evidence on results that
        are weighted already (``simulate(..., evidence=)``), reweights the kept
        draws (a draw where a soft finding's expression holds is multiplied by
        its ratio) and gives weighted results (``ess``: their effective sample
        size). For rare evidence prefer ``simulate(..., evidence=)``, which
        weights instead of rejecting. Needs a run with ``keep_draws=True``.

        Examples
        --------
        >>> res.given("not signing.date <= 2024-12-01").prob("mutual_defence")  # doctest: +SKIP
        >>> res.given(pactsim.soft("drones_missiles", 3)).info.ess              # doctest: +SKIP
        """
        if evidence is None:  # the words of exact results' given (review-api27)
            raise ArgumentError("given: no evidence (None); give an expression, a mapping, "
                                "pactsim.soft(...) or a list of these")
        if isinstance(evidence, str) and not evidence.strip():
            Finding(evidence)  # raises: "evidence: '' is not an expression ...", as exact's
        if not isinstance(evidence, str):
            findings = as_findings(evidence)
            if not findings:
                raise ArgumentError("given: no evidence (an empty list or mapping)")
            if self._w is not None or any(not f.hard for f in findings):
                return self._reweighted(findings)
            text = hard_text(findings)
            assert text is not None
            return self.given(text)
        if self._w is not None:
            return self._reweighted(as_findings(evidence))
        _check_text(evidence, "evidence")
        hold = self._evaluate(evidence, "evidence")
        k = int(np.count_nonzero(hold))
        if k == 0:
            self._refuse_impossible([Finding(evidence)])
            self._refuse_never(evidence, "evidence")
            raise ConditionError(
                f"evidence {evidence!r} held in none of the {self.n:,} draws (its chance is "
                f"below about {3 / self.n:.1g}); nothing to condition on: raise n")
        assert self.draws is not None  # _evaluate checked both
        assert self._answers is not None
        d = self.draws
        sub = Draws(d.bits[:, hold], d.drivers[:, hold], d.days[:, hold], d.signing_slot)
        answers = {q: a[hold] for q, a in self._answers.items()}
        stats = summarize(self.model, sub, answers,
                          bundle_groups(self.model, self.scenario.binary_names))
        both = evidence if self.info.given is None else f"({self.info.given}) and ({evidence})"
        info = replace(self.info, n=k, given=both, n_run=self.info.n_run or self.info.n,
                       ess=float(k))
        return Results(self.scenario, self.model, stats, sub, answers, info)

    def _refuse_impossible(self, findings: Sequence[Finding]) -> None:
        """Where no draw held the evidence: raise what ``simulate(..., evidence=)`` says
        when the scenario rules it out (no n is enough), with what the results are already
        given when that is an expression, before the caller says "raise n"."""
        from pactsim.errors import ScenarioError
        from pactsim.inference.weighting import plan_evidence

        if self.info.given is not None:  # with what these results are already given
            # (a soft given is text, not one expression: then the findings alone)
            with contextlib.suppress(ScenarioError):
                plan_evidence(self.model, [Finding(self.info.given), *findings])
        plan_evidence(self.model, findings)  # raises ConditionError when it cannot hold

    def _refuse_never(self, text: str, what: str) -> None:
        """Where no draw held the condition ``text``: raise that it cannot hold at all when
        exact inference gives it probability 0 (review-python15: ``signing.date <
        text_agreed.date`` with the signing after the text was met with "simulate more
        draws"). Quiet where exact inference cannot answer, or answers above 0."""
        from pactsim.results.exact import exact

        whole = text if self.info.given is None else f"({self.info.given}) and ({text})"
        try:
            # under the priors (review-session15: with the file's news, a condition the
            # news rules out was called impossible for a run made without it); P = 0
            # there is P = 0 under any evidence
            p = exact(self.scenario, max_table=2**20, observations=False).prob(whole).value
        except PactsimError:
            return
        if p <= _NEVER:
            raise ConditionError(
                f"{what} {text!r} cannot hold in this scenario"
                + ("" if whole == text else f" given {self.info.given!r}")
                + " (exact inference gives it probability 0), so no number of draws is "
                "enough; check the condition")

    def _reweighted(self, findings: Sequence[Finding]) -> Results:
        """:meth:`given` by weights: hard findings zero the draws where they fail,
        soft ones multiply those where they hold by their ratio."""
        text = findings_text(findings)
        w = self._weights(text, "evidence").copy()
        values, dates = self._kept(text, "evidence")
        horizon = self.scenario.horizon
        log_f = None
        for f in findings:
            tree = _expr.compile_condition(f.expr, self.model.scope(), what="evidence",
                                           horizon=horizon)
            hold = np.asarray(_expr.evaluate(tree, values, dates), dtype=bool)
            if f.likelihood_ratio is None:
                w *= hold
            else:  # in logarithms, divided by the largest weight at the end: findings
                # that pull against each other cannot make every weight underflow
                if log_f is None:
                    log_f = np.zeros(w.shape[0])
                add_log_ratio(log_f, hold, float(f.likelihood_ratio))
        scale = self.stats.log_scale if isinstance(self.stats, WeightedStats) else 0.0
        if log_f is not None:
            scale += apply_log_factors(w, log_f)
        keep = w > 0
        k = int(np.count_nonzero(keep))
        if k == 0:
            self._refuse_impossible(findings)
            raise ConditionError(
                f"evidence {text!r} held in none of the {self.n:,} draws (its chance is "
                f"below about {3 / self.n:.1g}); nothing to condition on: raise n, or pass "
                "it to simulate(..., evidence=), which weights rather than rejects")
        assert self.draws is not None
        assert self._answers is not None
        sub = replace(self.draws.take(keep), weight=w[keep])
        answers = {q: a[keep] for q, a in self._answers.items()}
        stats = summarize_weighted(self.model, sub, w[keep], answers,
                                   bundle_groups(self.model, self.scenario.binary_names), scale)
        both = text if self.info.given is None else f"({self.info.given}) and ({text})"
        info = replace(self.info, n=k, given=both, n_run=self.info.n_run or self.info.n,
                       ess=stats.ess)
        return Results(self.scenario, self.model, stats, sub, answers, info)

    def prob(self, expr: str, given: str | None = None) -> Estimate:
        """P(expr), or P(expr | given), with its standard error and interval.

        Parameters
        ----------
        expr, given:
            Expressions in the scenario language: node or question names,
            ``and``/``or``/``not``, comparisons, ``signing.date <= 2024-12-31``…

        Raises
        ------
        ConditionError
            When ``given`` never held in the draws.
        ScenarioError
            When an expression is malformed or names an unknown node.

        Examples
        --------
        >>> res.prob("s400_sale", given="signing")  # doctest: +SKIP
        Estimate(0.2112 ± 0.0012, 95% CI [0.2088, 0.2136], n=170,123)
        """
        _check_text(expr, "expr")
        if given is not None:
            _check_text(given, "given")
        if self._w is not None:
            return self._weighted_prob(expr, given)
        if given is None:
            k = self._count(expr.strip())
            if k is None:
                k = int(np.count_nonzero(self._evaluate(expr, "expr")))
            return Estimate.from_counts(k, self.n)
        a, b = expr.strip(), given.strip()
        if (b == "signing" and self._count(b) is not None and a in self.model.index
                and a in _s.implies_signing(self.model)):
            k, m = self._count(a), self._count(b)  # content implies signing
        elif b == "signing" and self._count(b) is not None and a in self._counts.bool_signed:
            k, m = self._counts.bool_signed[a], self._count(b)  # a question: counted
        else:
            cond = self._evaluate(given, "given")
            m = int(np.count_nonzero(cond))
            k = int(np.count_nonzero(self._evaluate(expr, "expr") & cond))
        assert k is not None
        assert m is not None
        if m == 0:
            self._refuse_never(given, "the condition")
            raise ConditionError(
                f"the condition {given!r} never held in {self.n:,} draws, so P({expr} | "
                f"{given}) cannot be estimated; simulate more draws or check the condition")
        return Estimate.from_counts(k, m)

    def _weighted_prob(self, expr: str, given: str | None) -> Estimate:
        """:meth:`prob` under evidence: weighted sums, from the statistics when they
        have them, else over the kept draws."""
        a = expr.strip()
        if given is None:
            known = self._sums(a)
            if known is not None:
                return self._whole(*known)
            w = self._weights(expr, "a node or a question")
            f = self._evaluate(expr, "expr")
            return Estimate.weighted(float(np.sum(w, where=f)), float(np.sum(w * w, where=f)),
                                     float(w.sum()), float((w * w).sum()),
                                     int(np.count_nonzero(w)))
        b = given.strip()
        wst = self._w
        assert wst is not None
        question = a in wst.bool_signed_w
        if b == "signing" and self.model.signing_index >= 0 and (
                question or (a in self.model.index and a in _s.implies_signing(self.model))):
            bottom = self._signed()
            if bottom is None:
                raise ConditionError(f"the condition {given!r} never held in {self.n:,} "
                                     f"draws, so P({expr} | {given}) cannot be estimated")
            top = (wst.bool_signed_w[a], wst.bool_signed_w2[a]) if question else self._sums(a)
            assert top is not None
            s = self.model.signing_index
            return Estimate.weighted(*top, *bottom, int(wst.node_n[s]))
        w = self._weights(given, "a node or a question")
        cond = self._evaluate(given, "given")
        wc = np.where(cond, w, 0.0)
        m = float(wc.sum())
        if m <= 0:
            self._refuse_never(given, "the condition")
            raise ConditionError(
                f"the condition {given!r} never held in the {self.n:,} draws of nonzero "
                f"weight, so P({expr} | {given}) cannot be estimated; simulate more draws or "
                "check the condition")
        f = self._evaluate(expr, "expr")
        return Estimate.weighted(float(np.sum(wc, where=f)), float(np.sum(wc * wc, where=f)),
                                 m, float((wc * wc).sum()), int(np.count_nonzero(wc)))

    # -- frames -------------------------------------------------------------
    def marginals(self) -> pd.DataFrame:
        """One row per binary node: ``p``, ``stderr``, ``lo``, ``hi``, and
        ``p_given_signed`` (with its ``stderr``) for pillars and clauses.

        A categorical node's row (P(present): any outcome but ``absent``) is
        followed by one row per outcome, ``absent`` included when possible,
        indexed ``node=outcome``, of kind ``"outcome"``, with columns ``of`` (the
        node) and ``outcome`` (see :func:`~pactsim.results.summary.marginals_frame`
        and :meth:`outcomes`)."""
        m = self.model
        if self._w is not None:
            wst, sig = self._w, self._signed()

            def wnode(name: str) -> Estimate:
                i = m.index[name]
                return self._whole(float(wst.node_w[i]), float(wst.node_w2[i]))

            def wsigned(name: str) -> Estimate | None:
                if sig is None:
                    return None
                i = m.index[name]
                return Estimate.weighted(float(wst.node_w[i]), float(wst.node_w2[i]), *sig,
                                         int(wst.node_n[m.signing_index]))

            return _s.marginals_frame(self.scenario, m, wnode, wsigned)
        signed = self._count("signing") if m.signing_index >= 0 else None

        def node(name: str) -> Estimate:
            return Estimate.from_counts(int(self._counts.node_counts[m.index[name]]), self.n)

        def given_signed(name: str) -> Estimate | None:
            if not signed:
                return None
            return Estimate.from_counts(int(self._counts.node_counts[m.index[name]]), signed)

        return _s.marginals_frame(self.scenario, m, node, given_signed)

    def outcomes(self, node: str, given: str | None = None) -> pd.DataFrame:
        """The outcomes of categorical ``node`` (format 3 ``levels``), ``absent`` first
        when it can be absent: ``p``, ``stderr``, ``lo``, ``hi`` indexed by outcome,
        summing to 1 — the node's outcome rows of :meth:`marginals`; with ``given``
        (an expression) P(outcome | given) (``given="signing"`` for a pillar or
        clause comes from the counts; other conditions need the kept draws).

        Examples
        --------
        >>> res.outcomes("instc", given="signing")  # doctest: +SKIP
        """
        return _s.outcomes_frame(self.model, node, given, self.marginals, self.prob)

    def _file_order(self) -> list[str]:
        return _s.file_order(self.scenario, self.model)

    def questions(self) -> pd.DataFrame:
        """Boolean questions: ``p``, ``stderr``, ``lo``, ``hi``, the expression, and
        ``p_given_signed`` (with its ``stderr``): P(question | signed by the horizon)."""
        if self._w is not None:
            wst, sig = self._w, self._signed()

            def wsigned(name: str) -> Estimate | None:
                if sig is None:
                    return None
                return Estimate.weighted(wst.bool_signed_w[name], wst.bool_signed_w2[name],
                                         *sig, int(wst.node_n[self.model.signing_index]))

            return _s.questions_frame(
                self.scenario, self.model,
                lambda name: self._whole(wst.bool_w[name], wst.bool_w2[name]), wsigned)
        signed = self._count("signing") if self.model.signing_index >= 0 else None

        def given_signed(name: str) -> Estimate | None:
            if not signed:
                return None
            return Estimate.from_counts(self._counts.bool_signed[name], signed)

        return _s.questions_frame(
            self.scenario, self.model,
            lambda name: Estimate.from_counts(self._counts.bool_counts[name], self.n),
            given_signed)

    def numeric(self, name: str, probs: Sequence[float] = _s.QUANTILE_LEVELS) -> NumericSummary:
        """Distribution of a numeric or date question, or of any numeric expression.

        ``name`` is a numeric question of the scenario (kept in streaming
        statistics), or an expression such as ``"count(military, energy)"``,
        a driver's name or ``"signing.date"`` (evaluated over the kept draws,
        so it needs ``keep_draws=True``). Returns mean, sd (with the standard
        error of the mean), the quantiles at ``probs`` (default 10/50/90%: the
        smallest value whose share among the draws with a value reaches the
        level), the histogram as shares of draws (``None`` past
        :data:`~pactsim.results.stats.MAX_VALUES` values) and the share of draws
        with no value. Past that many values, the quantiles need the kept draws.
        """
        _check_text(name, "name")
        levels = _s.quantile_levels(probs)
        if self._w is not None:
            return self._weighted_numeric(name, levels)
        st = self._counts
        if name.strip() in st.moments and not self._from_draws(name.strip()):
            name = name.strip()
            kind = self.model.questions[name][1] if name in self.model.questions else "number"
            mo, values = st.moments[name], st.num_values.get(name)
        else:
            tree, kind = _s.numeric_expression(name, self.model, self.scenario.horizon)
            env, dates = self._kept(name, "a numeric question")
            answer = np.asarray(_expr.evaluate(tree, env, dates))
            mo, values = numeric_stats(answer, kind)
            if values is None:  # too many values to tabulate: quantiles from the draws
                x = answer[~np.isnat(answer)].astype(np.int64) if kind == "date" else \
                    answer[~np.isnan(answer.astype(np.float64))]
                # the smallest value whose share reaches the level, as from a histogram
                qs = np.quantile(x.astype(np.float64), levels, method="inverted_cdf") \
                    if len(x) else []
                if name.strip() in st.moments:  # a question: the streaming mean and sd, to
                    mo = st.moments[name.strip()]  # the last bit whatever the blocks
                    name = name.strip()
                return replace(_s.numeric_summary(name, kind, mo, values, self.n, levels),
                               quantiles=dict(zip(levels, map(float, qs), strict=False)))
        return _s.numeric_summary(name, kind, mo, values, self.n, levels)

    def _from_draws(self, name: str) -> bool:
        """Whether a numeric attribute's or question's summary is read from the kept
        draws: it took too many values to tabulate in the streaming statistics, and the
        draws give its quantiles (without them, the streaming summary has none)."""
        return self.stats.num_values.get(name) is None \
            and self.draws is not None and self._answers is not None

    def _weighted_numeric(self, name: str, levels: Sequence[float]) -> NumericSummary:
        """:meth:`numeric` under evidence: weighted mean, sd, quantiles and shares; the
        standard error of the mean is ``sd / sqrt(ess)`` over the draws with a value."""
        wst = self._w
        assert wst is not None
        x: NDArray[np.float64] | None = None
        w: NDArray[np.float64] | None = None
        if name.strip() in wst.moments and not self._from_draws(name.strip()):
            name = name.strip()
            kind = self.model.questions[name][1] if name in self.model.questions else "number"
            mo, values = wst.moments[name], wst.num_values.get(name)
        else:
            tree, kind = _s.numeric_expression(name, self.model, self.scenario.horizon)
            env, dates = self._kept(name, "a numeric question")
            answer = np.asarray(_expr.evaluate(tree, env, dates))
            weights = self._weights(name, "a numeric question")
            mo, values = weighted_numeric(answer, kind, weights)
            has = ~np.isnat(answer) if kind == "date" else ~np.isnan(answer.astype(np.float64))
            x = (answer[has].astype(np.int64) if kind == "date" else answer[has]).astype(
                np.float64)
            w = weights[has]
        return _weighted_summary(name, kind, mo, values, wst.w, x, w, levels)

    # -- signing date -------------------------------------------------------
    def key_dates(self) -> list[dt.date]:
        """The scenario's ``by`` dates plus quarter ends up to the horizon."""
        return self.scenario.key_dates()

    def dated(self) -> list[str]:
        """Names of the dated nodes (signing, dated events, milestones), file order."""
        return list(self.model.dated)

    def _hist(self, node: object) -> NDArray[np.int64]:
        return np.asarray(self._counts.date_hist[_s.date_slot(self.model, node)],
                          dtype=np.int64)

    def date_cdf(self, node: str, dates: Any = None) -> pd.DataFrame:
        """P(``node`` happened on or before each date), with standard errors and 95% bands.

        ``node``: a dated node (``"signing"``, a dated event, a milestone).
        ``dates``: one date (``"2024-12-31"``, ``datetime.date``, ``datetime64``,
        ``Timestamp``) or a sequence of them; default every day from ``as_of``
        to the horizon. Dates after the horizon are refused. Returns a frame
        indexed by date (``datetime64``) with ``p``, ``stderr``, ``lo``, ``hi`` —
        a pointwise Wilson band.
        """
        m = self.model
        if self._w is not None:
            slot = _s.date_slot(m, node)
            wst = self._w
            cw, cw2 = np.cumsum(wst.date_w[slot]), np.cumsum(wst.date_w2[slot])
            days = _s.day_numbers(dates, m)
            idx = np.clip(days - m.as_of, -1, len(cw) - 1)
            ests = [self._whole(0.0, 0.0) if i < 0 else self._whole(float(cw[i]), float(cw2[i]))
                    for i in idx]
            # nothing happens on or before as_of (dates are in (as_of, horizon]): a
            # structural 0, with no band
            closed = idx <= 0
            return _s.cdf_frame(days, np.array([e.value for e in ests]),
                                np.array([e.stderr for e in ests]),
                                np.where(closed, 0.0, np.array([e.lo for e in ests])),
                                np.where(closed, 0.0, np.array([e.hi for e in ests])))
        cum = np.cumsum(self._hist(node))
        days = _s.day_numbers(dates, m)
        idx = np.clip(days - m.as_of, -1, len(cum) - 1)
        k = np.where(idx < 0, 0, cum[np.maximum(idx, 0)])
        p = k / self.n
        lo, hi = wilson_many(k, self.n)  # one pass: a curve of 50 years is 18,262 days
        closed = idx <= 0  # on or before as_of nothing happens: a structural 0, no band
        return _s.cdf_frame(days, p, np.sqrt(p * (1 - p) / self.n), np.where(closed, 0.0, lo),
                            np.where(closed, 0.0, hi))

    @overload
    def date_quantiles(self, node: str, probs: Sequence[float] = ..., *,
                       given_happened: bool = ..., band: Literal[False] = ...) -> pd.Series: ...

    @overload
    def date_quantiles(self, node: str, probs: Sequence[float] = ..., *,
                       given_happened: bool = ..., band: Literal[True]) -> pd.DataFrame: ...

    def date_quantiles(self, node: str, probs: Sequence[float] = (0.1, 0.5, 0.9), *,
                       given_happened: bool = True, band: bool = False
                       ) -> pd.Series | pd.DataFrame:
        """Quantiles of ``node``'s date (``NaT`` when beyond its chance by the horizon).

        With ``given_happened`` (default) these are quantiles among the draws in
        which it happened by the horizon: the median is "if it happens, when".
        Otherwise quantiles of the unconditional date, where not happening counts
        as after the horizon. A Series indexed by level; with ``band=True`` a
        frame with the date and its 95% band (``lo``, ``hi``: the days where the
        pointwise Wilson band of the curve reaches the level; see
        :func:`pactsim.results.summary.date_quantile_band`).
        """
        levels = _s.quantile_levels(probs)
        if not isinstance(band, bool):
            raise ArgumentTypeError(f"band must be True or False, not {band!r}")
        if self._w is not None:
            wst = self._w
            slot = _s.date_slot(self.model, node)
            cw = np.cumsum(wst.date_w[slot])
            cw2 = np.cumsum(wst.date_w2[slot])
            total_w = float(cw[-1]) if given_happened else wst.w
            if band:  # Wilson bands at the effective number of draws of the total
                total_w2 = float(cw2[-1]) if given_happened else wst.w2
                ess = total_w * total_w / total_w2 if total_w2 > 0 else 0.0
                scaled = cw * (ess / total_w) if total_w > 0 else cw * 0.0
                return _s.date_quantile_band(scaled, self.model.as_of, levels, ess,
                                             f"{node}_date")
            return _s.date_quantiles(cw, self.model.as_of, levels, total_w, f"{node}_date")
        cum = np.cumsum(self._hist(node)).astype(np.float64)
        total = float(cum[-1]) if given_happened else float(self.n)
        if band:
            return _s.date_quantile_band(cum, self.model.as_of, levels, total, f"{node}_date")
        return _s.date_quantiles(cum, self.model.as_of, levels, total, f"{node}_date")

    def signing_cdf(self, dates: Any = None) -> pd.DataFrame:
        """P(signed on or before each date): :meth:`date_cdf` of ``signing``."""
        if self.model.signing_index < 0:
            raise PactsimError("this scenario has no `signing` section, so no signing date")
        return self.date_cdf("signing", dates)

    @overload
    def signing_quantiles(self, probs: Sequence[float] = ..., *, given_signed: bool = ...,
                          band: Literal[False] = ...) -> pd.Series: ...

    @overload
    def signing_quantiles(self, probs: Sequence[float] = ..., *, given_signed: bool = ...,
                          band: Literal[True]) -> pd.DataFrame: ...

    def signing_quantiles(self, probs: Sequence[float] = (0.1, 0.5, 0.9), *,
                          given_signed: bool = True, band: bool = False
                          ) -> pd.Series | pd.DataFrame:
        """Quantiles of the signing date: :meth:`date_quantiles` of ``signing``
        (``given_signed`` as its ``given_happened``; ``band=True``: each with its 95%
        band, a frame)."""
        if self.model.signing_index < 0:
            raise PactsimError("this scenario has no `signing` section, so no signing date")
        if band:
            return self.date_quantiles("signing", probs, given_happened=given_signed, band=True)
        return self.date_quantiles("signing", probs, given_happened=given_signed)

    # -- bundles ------------------------------------------------------------
    def bundles(self, top: int | None = 10, *, of: str = "all") -> pd.DataFrame:
        """The most frequent texts: exact sets of pillars and clauses.

        Each row is one exact set (what is in the text, everything else out),
        with its count, share of draws, standard error and 95% interval. The
        empty set means "not signed, or signed with none of these".

        Parameters
        ----------
        top:
            Rows to return (``None``: every set seen).
        of:
            What a set is made of: ``"all"`` (pillars and clauses), ``"pillars"``,
            ``"clauses"``, or a pillar's name (the clauses of that pillar).
            Members are listed in file order; a categorical pillar or clause
            (format 3 ``levels``) is listed with its outcome, ``instc=named``
            (``absent``: not listed), so sets differ by outcome.

        Notes
        -----
        Tables of up to :data:`~pactsim.results.stats.DENSE_BITS` members
        (usually the pillars, and the clauses of one pillar) are exact at any
        ``n``. Longer sets are counted in a table cut back to the most frequent
        :data:`~pactsim.results.stats.MAX_BUNDLES` sets when it grows past
        twice that; column ``bound`` then says by how many draws each count
        may be low (0 when exact), and a :class:`~pactsim.errors.PactsimWarning`
        says so. Under evidence (weighted draws) ``count`` is each set's share
        of the weight (as ``p``) and ``bound`` is in draws of average weight.
        """
        top = _s.top_count(top)
        order = self._file_order()
        pillars = [n for n in order if self.model.kinds[self.model.index[n]] == "pillar"]
        key = _s.bundle_group(of, self.stats.sets, pillars)
        if self._w is not None:
            return self._weighted_bundles(key, order, top)
        table = self._counts.sets.get(key)
        if table is None:
            return pd.DataFrame([], columns=_s.BUNDLE_COLUMNS)
        members = bundle_groups(self.model, order)[key]
        if table.bound:
            import warnings

            from pactsim.errors import PactsimWarning

            warnings.warn(
                f"this run saw more distinct sets of {of} than pactsim keeps "
                f"({_stats.MAX_BUNDLES:,}); their counts may be low by up to {table.bound:,} draws "
                f"({table.bound / self.n:.2%} of the draws; column 'bound')",
                PactsimWarning, stacklevel=2)
        flags, counts = table.table()
        exact_empty = self._empty_text_count() if table.bound and key == "all" else None
        if exact_empty is not None:  # (see _empty_text_count)
            empty = ~flags.any(axis=1)
            if empty.any():
                counts = counts.copy()
                counts[empty] = exact_empty
            else:  # cut from the table: put back, with its exact count
                flags = np.vstack([flags, np.zeros((1, flags.shape[1]), dtype=bool)])
                counts = np.append(counts, exact_empty)
        frame = _s.bundles_frame(members, flags, counts,
                                 lambda k: Estimate.from_counts(int(k), self.n), table.bound,
                                 top)
        if exact_empty is not None:
            frame.loc[frame["size"] == 0, "bound"] = 0
        return frame

    def _empty_text_count(self) -> int | None:
        """The exact count of the empty text (no pillar and no clause), for a pruned
        table of pillars and clauses: a clause is drawn only with its pillar, so it is
        the empty set of pillars, whose table is exact; ``None`` when that one is pruned
        too (then the empty text keeps the table's bound)."""
        pillars = self._counts.sets.get("pillars")
        if pillars is None or pillars.bound:
            return None
        flags, counts = pillars.table()
        empty = counts[~flags.any(axis=1)]
        return int(empty[0]) if len(empty) else 0


    def _weighted_bundles(self, key: str, order: list[str], top: int | None) -> pd.DataFrame:
        """:meth:`bundles` under evidence: ``count`` is each set's share of the weight."""
        wst = self._w
        assert wst is not None
        wtable = wst.sets.get(key)
        if wtable is None:
            return pd.DataFrame([], columns=_s.BUNDLE_COLUMNS)
        members = bundle_groups(self.model, order)[key]
        flags, sw, sw2 = wtable.table()
        share = sw / wst.w
        by_share: dict[float, float] = {}
        for p, x in zip(share.tolist(), sw2.tolist(), strict=True):
            by_share[p] = max(by_share.get(p, 0.0), x)  # ties: the larger spread

        def estimate(p: float) -> Estimate:
            return self._whole(p * wst.w, by_share[float(p)])

        bound = math.ceil(wtable.bound / wst.w * wst.nonzero) if wtable.bound else 0
        return _s.bundles_frame(members, flags, share, estimate, bound, top)

    # -- draws --------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """The draws: one row per draw, bool columns per binary node, float
        columns per driver, ``NAME.date`` of every dated node as ``datetime64``
        (NaT = did not happen; the dot keeps it apart from any node name), and a
        column per question. A categorical node's bool column (present) is
        followed by ``NAME.outcome``, its outcome as a ``pandas.Categorical``
        (categories in the node's order, ``absent`` first when possible)."""
        if self.draws is None:
            raise PactsimError("this run kept no draws (keep_draws=False); re-run with "
                               "keep_draws=True to get them")
        d = self.draws
        cols: dict[str, Any] = {}
        for name in self._file_order():
            cols[name] = d.bits[self.model.index[name]]
            if name in self.model.outcomes:
                cols[f"{name}.outcome"] = _outcome_column(self.model, name, d.bits)
        for k, drv in enumerate(self.model.drivers):
            cols[drv.name] = d.drivers[k]
        for j, att in enumerate(self.model.attributes):  # format 3: NaN where missing
            cols[att.name] = d.drivers[len(self.model.drivers) + j]
        for k, name in enumerate(self.model.dated):
            cols[f"{name}.date"] = d.days[k].view("datetime64[D]").astype("datetime64[s]")
        if self._answers:
            cols.update(self._answers)
        if d.weight is not None:
            cols["weight" if "weight" not in cols else "_weight"] = d.weight
        return pd.DataFrame(cols)

    def summary(self) -> str:
        """A plain-text forecast (what ``pactsim run`` prints)."""
        from pactsim.views.text import format_results

        return format_results(self)


def _outcome_column(model: CompiledModel, name: str, bits: NDArray[np.bool_]) -> pd.Categorical:
    """Categorical ``name``'s outcome in each draw, from its binary rows (``absent``
    where the node is not present; missing where present with no outcome row set,
    which only ``do`` can make)."""
    levels = model.outcomes[name]
    codes = np.full(bits.shape[1], -1, dtype=np.int64)
    if _expr.ABSENT in levels:
        codes[~bits[model.index[name]]] = levels.index(_expr.ABSENT)
    for j, x in enumerate(levels):
        if x != _expr.ABSENT:
            codes[bits[model.index[_expr.outcome_name(name, x)]]] = j
    dtype = pd.CategoricalDtype(list(levels))
    return pd.Categorical.from_codes(codes, dtype=dtype)


def _weighted_summary(name: str, kind: str, mo: WeightedMoments,
                      values: dict[float, float] | None, total: float,
                      x: NDArray[np.float64] | None, w: NDArray[np.float64] | None,
                      levels: Sequence[float] = _s.QUANTILE_LEVELS) -> NumericSummary:
    """A :class:`NumericSummary` from weighted moments and weight per value (``total``:
    the weight of every draw; ``x``, ``w``: the values and weights, for quantiles when
    there were too many values to tabulate)."""
    quantiles: dict[float, float] = {}
    hist = None
    xs: NDArray[np.float64] | None = None
    ws: NDArray[np.float64] | None = None
    if values is not None and mo.w > 0:
        ser = pd.Series(values, dtype=float).sort_index()
        hist = ser / total
        xs = np.asarray(ser.index, dtype=np.float64)
        ws = np.asarray(ser, dtype=np.float64)
    elif x is not None and w is not None and x.shape[0]:
        order = np.argsort(x, kind="stable")
        xs, ws = x[order], w[order]
    if xs is not None and ws is not None and ws.sum() > 0:
        cum = np.cumsum(ws) / ws.sum()
        for q in levels:
            quantiles[q] = float(xs[min(int(np.searchsorted(cum, q - 1e-12)), len(xs) - 1)])
    sd = mo.sd
    has = mo.w > 0
    return NumericSummary(name, kind, mo.mean if has else math.nan, sd,
                          sd / math.sqrt(mo.ess) if has and mo.ess > 0 else math.nan,
                          quantiles, hist,  # a share: the sums' rounding gave -2e-16
                          min(max(1 - mo.w / total, 0.0), 1.0) if total > 0 else math.nan)


def _check_text(value: object, name: str) -> None:
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{name} must be an expression (a str), not {value!r}")
