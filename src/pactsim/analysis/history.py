"""The forecast history of a scenario file: its forecast as of each observation date.

A scenario file holds priors (as of ``as_of``) and, in ``observations:``, the
news learnt since, each dated. :func:`history` answers the file's questions
under the priors alone, then after each observation date under every
observation learnt on or before it:

=====  ==========  ==========================================================
step   date        conditioned on
=====  ==========  ==========================================================
0      ``as_of``   nothing (the priors)
1      d1          the observations dated d1
2      d2          those dated d1 or d2
…      …           …
=====  ==========  ==========================================================

Hard evidence restricts to the worlds where it holds; soft evidence with
likelihood ratio r weights a world where it holds by r, and 1 where not, and
several findings multiply (see :mod:`pactsim.language.evidence`):

.. math:: P(Q \\mid \\text{news}) =
          \\frac{\\sum_x P(x)\\,w(x)\\,[Q(x)]}{\\sum_x P(x)\\,w(x)},\\qquad
          w(x) = [H(x)] \\prod_i r_i^{[E_i(x)]}.

**Exactly** (``method="exact"``): ``exact(priors, evidence=findings)`` for
each date, the junction tree weighting each configuration by ``w``
(:mod:`pactsim.results.exact_evidence`).
**By Monte Carlo** (``method="montecarlo"``): ``simulate(priors, n, seed=seed,
evidence=findings)`` for each date, with the same seed every date (common random
numbers, so the changes from date to date are mostly not noise). The draws are
weighted as :mod:`pactsim.inference.weighting` says — likelihood weighting
where a finding clamps a node or a date, so rare evidence still gives a usable
answer, rejection on the rest, ``r`` for soft findings — and evidence shown
impossible is refused before sampling. The standard error is that of the
ratio estimator, ``sqrt(Σ w²(q − p)²) / Σ w``, and ``n_eff = (Σ w)² / Σ w²`` is
the effective number of draws (``Estimate.ess``). ``method="auto"`` is exact
where exact inference answers and Monte Carlo elsewhere.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from pactsim.errors import (
    ArgumentError,
    ArgumentTypeError,
    ConditionError,
    ExactUnsupportedError,
    ModelTooWideError,
    printable,
)
from pactsim.language.evidence import Finding, at_entry
from pactsim.language.scenario import Scenario
from pactsim.results.exact import exact

__all__ = ["COLUMNS", "HISTORY_N", "MAX_QUESTIONS", "Step", "history", "steps"]

#: Draws of each date's Monte Carlo run in a history (when exact inference cannot answer).
HISTORY_N = 200_000
#: Most questions one history follows.
MAX_QUESTIONS = 200
#: The columns of :func:`history`'s frame, in order.
COLUMNS = ("step", "date", "source", "evidence", "question", "p", "stderr", "n_eff", "method")

Method = Literal["auto", "exact", "montecarlo", "mc"]
_REFUSED = (ModelTooWideError, ExactUnsupportedError)


@dataclass(frozen=True)
class Step:
    """One row date of a history: the forecast as of ``date``.

    Attributes
    ----------
    date:
        ``as_of`` for the priors (step 0), else an observation date.
    new:
        The observations learnt that day (file order); ``()`` for the priors.
    findings:
        Every observation learnt on or before ``date``.
    """

    date: dt.date
    new: tuple[Finding, ...]
    findings: tuple[Finding, ...]

    @property
    def source(self) -> str:
        """The sources of the day's observations, joined by `` | `` (``""`` for the priors)."""
        return " | ".join(dict.fromkeys(f.source or "" for f in self.new))

    @property
    def evidence(self) -> str:
        """The day's evidence as written, soft evidence with its ratio (``x (×3)``)."""
        return "; ".join(f.expr if f.hard else f"{f.expr} (×{f.likelihood_ratio:g})"
                         for f in self.new)


def cited(scenario: Scenario, source: str | None) -> str:
    """An observation's ``source`` as shown: its text, or, when it is a key of the file's
    ``sources:``, that key with the source's text (the entry cites it)."""
    if source is None:
        return ""
    return f"{source}: {scenario.sources[source]}" if source in scenario.sources else source


def steps(scenario: Scenario) -> list[Step]:
    """The priors, then one :class:`Step` per distinct observation date, in date order."""
    out = [Step(scenario.as_of, (), ())]
    everything = [dataclasses.replace(f, source=cited(scenario, f.source))
                  if f.source in scenario.sources else f for f in scenario.findings()]
    for day, group in itertools.groupby(everything, key=lambda f: f.date):
        new = tuple(group)
        out.append(Step(day or scenario.as_of, new, out[-1].findings + new))
    return out


def _impossible(day: dt.date, detail: str) -> ConditionError:
    # the engine's own advice ("so nothing can be conditioned on it; check ...") is
    # replaced by advice about observations
    detail = detail.split(", so nothing can be conditioned on it")[0].rstrip(" .;")
    return ConditionError(printable(
        f"as of {day}: the observations learnt by then cannot all hold in this scenario "
        f"({detail}); check their evidence against the priors (an observation the priors "
        "call impossible needs softer evidence, or a change of the priors)"))


def _located(scenario: Scenario, err: ConditionError) -> ConditionError:
    """``err`` (``as of DAY: ...``) at the file's first observation of that day:
    ``file:line:col: observations[i].evidence: ...``, as ``run`` says it."""
    text = str(err)
    if not text.startswith("as of "):
        return err
    day = text[len("as of "):].split(":", 1)[0]
    first = next((i for i, o in enumerate(scenario.observations) if str(o.date) == day), None)
    return (at_entry(scenario, first, text) or err) if first is not None else err


class _SomeRefused(Exception):
    """Exact inference refused some questions (or a day's news): ``refused`` maps each
    to the first line of its reason; ``first`` is the first refusal, raised as it is
    under ``method="exact"``."""

    def __init__(self, refused: dict[str, str], first: Exception) -> None:
        super().__init__(str(first))
        self.refused, self.first = refused, first


def _reason(err: Exception) -> str:
    return str(err).splitlines()[0] if str(err) else type(err).__name__


def _exact_answers(prior: Scenario, questions: Sequence[str], step: Step
                   ) -> tuple[list[float], dict[str, Exception]]:
    """P(q | the step's findings) for each question, exactly: ``exact(prior,
    evidence=step.findings)`` (junction tree, each configuration weighted by the
    findings; see :mod:`pactsim.results.exact_evidence`); with the questions exact
    inference refused and why (their answers NaN)."""
    try:
        ex = exact(prior, evidence=step.findings or None, observations=False)
        out: list[float] = []
        refused: dict[str, Exception] = {}
        for q in questions:
            try:
                out.append(float(ex.prob(q)))
            except _REFUSED as err:
                refused[q] = err
                out.append(math.nan)
        return out, refused
    except ConditionError as err:
        if not step.findings:
            raise
        raise _impossible(step.date, str(err)) from None


def _exact_rows(prior: Scenario, questions: Sequence[str], plan: Sequence[Step]
                ) -> list[dict[str, Any]]:
    """Every step's exact answers; raises :class:`_SomeRefused` naming the questions
    exact inference refused on the first step where it refused any (a later step's news
    may make others too wide as well), or the news of the first day that makes every
    question too wide."""
    rows = []
    for k, step in enumerate(plan):
        try:
            answers, refused = _exact_answers(prior, questions, step)
        except _REFUSED as err:  # the day's news itself is too wide for exact inference
            where = "the priors" if not step.findings else f"the news to {step.date}"
            refused = {where: err}
        if refused:  # the table goes to Monte Carlo: the rest of the steps are not needed
            raise _SomeRefused({q: _reason(e) for q, e in refused.items()},
                               next(iter(refused.values())))
        for q, p in zip(questions, answers, strict=True):
            rows.append(_row(k, step, q, p, 0.0, math.nan, "exact"))
    return rows


def _mc_rows(prior: Scenario, questions: Sequence[str], plan: Sequence[Step], n: int,
             seed: Any) -> list[dict[str, Any]]:
    """P(q | the step's findings) for each question by ``simulate(prior, n, seed=...,
    evidence=step.findings)``, one run per step with the same seed."""
    from pactsim.inference.compile import compile_scenario
    from pactsim.montecarlo import resolve_seed, simulate

    entropy, key = resolve_seed(seed)  # once: a Generator would give each date new draws
    same: Any = np.random.SeedSequence(entropy, spawn_key=key) if key else entropy
    model = compile_scenario(prior)
    counted = {*model.index, *(q for q, (_, t) in model.questions.items() if t == "bool")}
    keep = any(q not in counted for q in questions)  # expressions are read from the draws
    rows = []
    for k, step in enumerate(plan):
        try:
            res = simulate(prior, n=n, seed=same, keep_draws=keep, progress=False,
                           evidence=step.findings or None, observations=False)
        except ConditionError as err:
            if not step.findings:
                raise
            raise _impossible(step.date, str(err)) from None
        for q in questions:
            est = res.prob(q)
            n_eff = float(est.ess if est.ess is not None else est.n or res.n)
            rows.append(_row(k, step, q, est.value, est.stderr, n_eff, "montecarlo"))
    return rows


def _why_refused(questions: Sequence[str], refused: Mapping[str, str]) -> str:
    """Why the history is Monte Carlo: the questions (or the day's news) exact inference
    refused, each reason once with the questions it is given for; the whole table goes
    to Monte Carlo so that its rows share one method and one seed."""
    names = list(refused)
    others = ("" if not set(questions) - set(names) or
              any(n not in questions for n in names) else
              "; the others may be exact when asked without them (questions=, or -q)")
    reasons: dict[str, list[str]] = {}
    for name, why in refused.items():  # one reason said once, whichever question it names
        why = why.removeprefix(f"question '{name}': ")  # (named already)
        reasons.setdefault(why.replace(f"question '{name}'", "this question"), []).append(name)
    if len(reasons) == 1:
        return f"{', '.join(names)}{others}: {next(iter(reasons))}"
    return f"{', '.join(names)}{others}: " + "; ".join(
        f"{', '.join(group)}: {why}" for why, group in reasons.items())


def _row(k: int, step: Step, q: str, p: float, se: float, n_eff: float,
         method: str) -> dict[str, Any]:
    return {"step": k, "date": step.date, "source": step.source, "evidence": step.evidence,
            "question": q, "p": p, "stderr": se, "n_eff": n_eff, "method": method}


def _questions(scenario: Scenario, questions: Sequence[str] | str | None) -> list[str]:
    if questions is None:
        from pactsim.inference.compile import compile_scenario

        found = [q for q, (_, t) in compile_scenario(scenario).questions.items() if t == "bool"]
        return found or scenario.binary_names[:MAX_QUESTIONS]
    if isinstance(questions, str):
        questions = [questions]
    if not isinstance(questions, Sequence):
        raise ArgumentTypeError(printable(
            f"history(): questions = {questions!r} must be a list of question names or "
            "true/false expressions"))
    out = []
    for q in questions:
        if not isinstance(q, str) or not q.strip():
            raise ArgumentTypeError(printable(
                f"history(): question {q!r} is not a question name or expression (text)"))
        out.append(q.strip())
    if not out or len(out) > MAX_QUESTIONS:
        raise ArgumentError(f"history(): {len(out)} questions; give 1 to {MAX_QUESTIONS}")
    return list(dict.fromkeys(out))


def _check_questions(scenario: Scenario, questions: Sequence[str]) -> None:
    """Compile every question before any answer, so that a mistake is named as a
    question (``question = 'zz', column 1: unknown name ...``), all of them at once."""
    from pactsim.errors import Problem, ScenarioError
    from pactsim.inference.compile import compile_scenario
    from pactsim.language.expr import compile_condition

    scope = compile_scenario(scenario).scope()
    problems: list[Problem] = []
    for q in questions:
        try:
            compile_condition(q, scope, what="question", horizon=scenario.horizon)
        except ScenarioError as err:
            problems += err.problems
    if problems:
        raise ScenarioError(problems)


def history(scenario: Scenario, questions: Sequence[str] | str | None = None, *,
            method: Method = "auto", n: int = HISTORY_N, seed: Any = 0) -> pd.DataFrame:
    """The forecast as of ``as_of`` (the priors) and after each observation date.

    Parameters
    ----------
    scenario:
        A scenario, usually read from a file with ``observations:``; without
        any, the history is the priors alone (step 0).
    questions:
        Question names or true/false expressions (default: every true/false
        question of the scenario; without any, every binary node).
    method:
        ``"exact"``, ``"montecarlo"`` (also spelt ``"mc"``), or ``"auto"``
        (the default): exact where exact inference answers, else Monte Carlo.
    n, seed:
        Draws and seed of the Monte Carlo run of each date (the same seed every
        date; not used when exact).

    Returns
    -------
    pandas.DataFrame
        Tidy: one row per (step, question), columns :data:`COLUMNS`: ``step``
        (0 for the priors), ``date`` (``as_of``, then each observation date),
        ``source`` and ``evidence`` of that day's observations (``""`` for the
        priors), ``question``, ``p`` = P(question | every observation up to
        ``date``), its ``stderr`` (0 when exact), ``n_eff`` (the effective
        number of Monte Carlo draws; NaN when exact) and ``method``.
        ``df.attrs`` holds the scenario id, ``n``, ``seed``, ``method`` and
        ``observations``: each observation as ``{step, date, expr,
        likelihood_ratio, source}`` (``likelihood_ratio`` ``None`` when hard).

    Raises
    ------
    ConditionError
        When the observations up to a date are impossible under the priors.
    ExactUnsupportedError, ModelTooWideError
        With ``method="exact"``, when exact inference cannot answer.
    ScenarioError
        When a question is not a valid expression of the scenario.

    Examples
    --------
    >>> import pactsim
    >>> sc = pactsim.loads("pactsim: 2\\nid: x\\nas_of: 2024-01-01\\nhorizon: 2024-12-31\\n"
    ...                    "events:\\n  rain: {p: 0.3}\\n  wet: {given: [rain], table: "
    ...                    "{true: 0.9, false: 0.1}}\\nobservations:\\n"
    ...                    "  - {date: 2024-03-01, source: radio, evidence: rain}\\n")
    >>> df = history(sc, ["wet"])
    >>> [(str(d), round(p, 4)) for d, p in zip(df["date"], df["p"])]
    [('2024-01-01', 0.34), ('2024-03-01', 0.9)]
    """
    if not isinstance(scenario, Scenario):
        raise ArgumentTypeError(printable(
            f"history(): scenario = {scenario!r} is not a Scenario (read one with "
            "pactsim.load)"))
    method = "montecarlo" if method == "mc" else method  # either spelling
    if method not in ("auto", "exact", "montecarlo"):
        raise ArgumentError(printable(
            f"history(): method = {method!r}; use 'auto', 'exact' or 'montecarlo'"))
    qs = _questions(scenario, questions)
    _check_questions(scenario, qs)
    plan = steps(scenario)
    # the priors: the scenario without its observations (whatever simulate and exact
    # do with a scenario's observations, step 0 is the file's priors)
    prior = scenario.with_changes(observations=[]) if scenario.observations else scenario
    rows: list[dict[str, Any]] | None = None
    refused: str | None = None  # why exact inference gave way to Monte Carlo
    try:
        if method in ("auto", "exact"):
            try:
                rows = _exact_rows(prior, qs, plan)
            except _SomeRefused as err:
                if method == "exact":
                    raise err.first from None
                refused = _why_refused(qs, err.refused)
        if rows is None:
            rows = _mc_rows(prior, qs, plan, n, seed)
    except ConditionError as err:  # news that cannot all hold: said at its day's first entry
        raise _located(scenario, err) from None
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    df.attrs.update({"scenario": scenario.id, "n": n, "seed": seed,
                     "method": df["method"].iloc[0] if len(df) else method,
                     "exact_refused": refused,
                     "observations": [
                         {"step": k, "date": str(f.date), "expr": f.expr.strip(),
                          "likelihood_ratio": None if f.hard else float(f.likelihood_ratio or 1),
                          "source": f.source}
                         for k, step in enumerate(plan) for f in step.new]})
    return df
