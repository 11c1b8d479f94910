"""The spread of a forecast over its uncertain inputs, and which inputs drive it.

Every uncertain number of a scenario — a ``p`` or ``table`` row written
``{between: [lo, hi]}`` or ``{beta: [a, b]}``, and an uncertain point of a
``by`` curve (format 2) — is read as uncertainty about the world's
*parameters*. :func:`spread` draws ``n`` parameter sets (the *outer* draws),
answers the question under each one (the *inner* answer, ``P(Q | params)``)
and reports the distribution of the answers; :func:`sobol` apportions its
variance to the inputs (first- and total-order Sobol indices, with SALib).

The inputs
----------
One *input* per uncertain ``p`` or ``table`` row (named by its dotted path,
``su35_sale.p``, ``ukraine_war_continues.table.true``), drawn from its Beta
distribution (a ``between`` interval is the Beta whose 5% and 95% quantiles
are its bounds, :func:`~pactsim.language.distributions.between_to_beta`).

One input per *curve* with uncertain points (``signing.by``,
``x.table.true.by``): its points are drawn **comonotonically** — one uniform
``u`` per curve, each uncertain point set to the ``u`` quantile of its own
Beta — so each point keeps exactly its Beta distribution (and its mean) and
the curve moves as a whole, early or late together. Successive points'
90% ranges may not cross (validation), so the quantiles at the same ``u``
increase except, possibly, far in the tails when two Betas of different
widths cross; there a point below the one before is raised to it (a running
maximum over the curve, fixed points included), the least change that keeps
the curve increasing. Sampling the points independently would need much more
of that repair and would make the curve implausibly jagged.

A categorical node's outcome probabilities (format 3 ``levels:``, or the
``{outcome: p}`` rows of its table) are never inputs: the format takes only
fixed numbers there (no ``between``/``beta``), so they are held at their
values. Questions over outcomes (``instc == named``) still get a spread from
the other uncertain inputs, and :func:`~pactsim.inference.compile.recompile`
rebuilds a categorical node's outcome rows when its numbers change
(``tests/unit/test_categorical_analysis.py``).

Outer draws use quantile functions of uniforms, ``u ~ U(0, 1)`` per input
(``numpy.random.default_rng(seed)``), so :func:`spread` and SALib's designs in
:func:`sobol` map samples to parameters the same way.

The inner answer
----------------
Exact inference (:func:`pactsim.exact`) of each variant
(:meth:`~pactsim.language.scenario.Scenario.with_changes` sets the drawn
numbers; the structure cache of ``exact`` keeps a variant at a few
milliseconds). When exact inference refuses the scenario
(:class:`~pactsim.errors.ModelTooWideError`,
:class:`~pactsim.errors.ExactUnsupportedError`) each variant is simulated with
:data:`INNER_N` draws and the *same* seed (common random numbers: the inner
noise is then nearly the same for every parameter set and moves the values
together rather than widening their spread); ``Spread.method`` says which.

The mean
--------
Today's forecast uses each uncertain input once per draw: a ``p`` is drawn
afresh on every draw (or its mean is used where that gives the same answer),
an uncertain curve point is used at its mean. So, by the law of total
probability, E over parameters of P(Q | params) = P(Q), and
``Spread.mean`` equals today's answer up to the outer Monte Carlo error,
``Spread.stderr``; this holds also for an uncertain ``p`` with ``odds`` (the
odds transform is nonlinear in p, but today's answer averages the transformed
probability over the Beta too). The exceptions, where the mean of the spread
differs from today's answer by more than that error:

* a curve with uncertain points and a ``hazard_ratio``: P(not by d) =
  (1 − F(d))^h is nonlinear in the curve, and today's answer uses the mean
  curve, not the mean over curves (the spread's mean is then the better
  average);
* a curve whose drawn points had to be repaired by the running maximum (tails
  of crossing Betas): the repair raises the curve slightly;
* Monte Carlo inner answers: the mean carries the inner error too (common to
  all draws, about ``sqrt(p (1 - p) / INNER_N)``).

Under observations
------------------
A file's ``observations`` condition every answer on the news, and the news
bears on the inputs too: a parameter set that made the news likely is more
credible after it. Each outer draw is then weighted by the likelihood of the
news under its numbers, P(news | params) (exact inference's
``log_evidence``; by Monte Carlo the mean likelihood weight of the inner
draws), so the draws stand for the inputs' distribution *given the news*
(importance sampling from the prior). ``Spread.weights`` holds them (summing
to 1); the mean, the band, the quantiles and the standard error are weighted
(the standard error by the delta method of a self-normalised mean), and the
mean again equals today's forecast up to that error. ``Spread.ess`` is the
weights' effective sample size (Kish). :func:`sobol` does not weight: its
indices are over the inputs' prior distribution, of answers conditioned on
the news.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from pactsim.errors import (
    ArgumentError,
    ArgumentTypeError,
    ExactUnsupportedError,
    ModelTooWideError,
    PactsimWarning,
)
from pactsim.language.scenario import Beta, Between, Scenario
from pactsim.montecarlo import SeedLike

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["INNER_N", "MAX_OUTER_N", "Input", "Spread", "plot_sobol", "sobol", "spread",
           "spreads", "uncertain_inputs"]

#: Monte Carlo draws per parameter set when exact inference refuses the scenario.
INNER_N = 4_000
#: Most outer draws (parameter sets) :func:`spread`, :func:`spreads` and :func:`sobol`
#: take, as the CLI's ``--spread``: they are held in memory together (10^12 of them
#: asked for 29 TiB at once).
MAX_OUTER_N = 1_000_000
#: Independently scrambled Sobol' designs whose spread gives :func:`sobol`'s intervals.
SOBOL_REPLICATES = 8
#: Quantiles reported as the band (an 80% band).
BAND = (0.10, 0.90)
_REFUSED = (ModelTooWideError, ExactUnsupportedError)
_INSTALL = "pip install 'pactsim[sensitivity]'"


# -- the uncertain inputs ---------------------------------------------------------------------
@dataclass(frozen=True)
class Input:
    """One uncertain input: an uncertain ``p`` / ``table`` row, or a curve.

    ``paths`` are the :meth:`~pactsim.language.scenario.Scenario.with_changes`
    keys the input sets (one for a ``p``; every point of a curve), ``betas``
    the Beta ``(a, b)`` of each (``None`` for a fixed curve point, whose value
    is in ``fixed``).
    """

    name: str
    kind: Literal["p", "curve"]
    paths: tuple[str, ...]
    betas: tuple[tuple[float, float] | None, ...]
    fixed: tuple[float, ...]

    def values(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        """The input's numbers at uniforms ``u`` (shape ``(m,)``): shape ``(m, len(paths))``.

        Each uncertain number is the ``u`` quantile of its Beta; a curve is
        then made non-decreasing by a running maximum (module docstring).
        """

        u = np.asarray(u, dtype=np.float64)
        out = np.empty((len(u), len(self.paths)))
        for j, (ab, x) in enumerate(zip(self.betas, self.fixed, strict=True)):
            out[:, j] = x if ab is None else _beta_ppf(u, *ab)
        if self.kind == "curve":
            np.maximum.accumulate(out, axis=1, out=out)
        return np.clip(out, 0.0, 1.0)

    @property
    def mean(self) -> tuple[float, ...]:
        """The mean of each number (what today's forecast uses)."""
        return tuple(x if ab is None else ab[0] / (ab[0] + ab[1])
                     for ab, x in zip(self.betas, self.fixed, strict=True))


def _beta_ppf(u: NDArray[np.float64], a: float, b: float) -> NDArray[np.float64]:
    """Quantiles of Beta(a, b) at ``u``. scipy's ``beta.ppf`` gives NaN for extreme
    parameters (``between: [1e-200, 2e-200]`` is Beta(23, 1.6e201)); there the Beta is
    a Gamma scaled by the large parameter (``x ~ Gamma(a) / b`` for ``b >> a``, and
    symmetrically), and failing that its mean."""
    from scipy import special  # what stats.beta.ppf and gamma.ppf call, without the
    # import of scipy.stats (about 0.4 s of every `pactsim run`)

    x = np.asarray(special.betaincinv(a, b, u), dtype=np.float64)
    bad = ~np.isfinite(x)
    if bad.any():
        with np.errstate(all="ignore"):
            if b >= a:
                x[bad] = special.gammaincinv(a, u[bad]) / b
            else:
                x[bad] = 1.0 - special.gammaincinv(b, 1.0 - u[bad]) / a
        x = np.where(np.isfinite(x), x, a / (a + b))
    return np.clip(x, 0.0, 1.0)


def _spec(value: Any) -> tuple[float, float] | None:
    """Beta (a, b) of an uncertain spec as dumped (``{"beta": ...}``, ``{"between": ...}``)."""
    from pactsim.language.distributions import beta_params

    if isinstance(value, dict) and set(value) == {"beta"}:
        return beta_params(Beta.model_validate(value))
    if isinstance(value, dict) and set(value) == {"between"}:
        return beta_params(Between.model_validate(value))
    return None


def uncertain_inputs(scenario: Scenario) -> list[Input]:
    """The scenario's uncertain inputs, in file order (see the module docstring).

    Examples
    --------
    >>> import pactsim
    >>> sc = pactsim.loads("pactsim: 1\\nid: x\\nas_of: 2024-01-01\\nhorizon: 2024-12-31\\n"
    ...                    "events:\\n  a: {p: {beta: [2, 6]}}\\n  b: {p: 0.5}\\n")
    >>> [(i.name, i.betas) for i in uncertain_inputs(sc)]
    [('a.p', ((2.0, 6.0),))]
    """
    from pactsim.analysis.diff import _field, _short

    out: list[Input] = []

    def walk(data: Any, path: tuple[Any, ...]) -> None:
        if not isinstance(data, dict):
            return
        for key, value in data.items():
            here = (*path, key)
            if key == "by" and isinstance(value, dict) and value and all(
                    isinstance(d, dt.date) for d in value) and _field(here) in ("by", "table"):
                betas = tuple(_spec(v) for v in value.values())
                if any(b is not None for b in betas):
                    paths = tuple(_short((*here, d)) for d in value)
                    out.append(Input(_short(here), "curve", paths, betas, tuple(
                        math.nan if b is not None else float(v)
                        for b, v in zip(betas, value.values(), strict=True))))
                continue
            if _field(here) not in (None, "p", "table", "by", "events", "pillars",
                                    "clauses", "signing"):
                continue  # delays (days, not probabilities), odds, text ...
            ab = _spec(value)
            if ab is not None:
                out.append(Input(_short(here), "p", (_short(here),), (ab,), (math.nan,)))
            else:
                walk(value, here)

    walk(scenario.model_dump(), ())
    return out


# -- the question and its answers -------------------------------------------------------------
def _target(scenario: Scenario, question: object) -> tuple[str, str]:
    """``(name, expression)``: the name shown and the expression exact inference is asked
    (a named question's own text, so that only its joint law is built)."""
    if not isinstance(question, str) or not question.strip():
        raise ArgumentTypeError(f"question must be a non-empty string (a true/false question, "
                                f"a node or an expression), not {question!r}")
    name = question.strip()
    q = scenario.questions.get(name)
    if q is None:
        return name, name
    return name, q if isinstance(q, str) else q.expr


class _Numbers:
    """Exact answers of a scenario under new numbers, without building a new scenario.

    :meth:`Scenario.with_changes` validates and compiles the whole variant (about
    3 ms on the flagship); an outer draw only changes numbers of a few nodes. Here
    each changed node's spec is rebuilt from the base's (one node validated; with
    ``drawn=True``, for numbers drawn from the file's own uncertain inputs by
    :meth:`Input.values`, the base's spec with the numbers in place, not validated
    again), and
    :func:`~pactsim.inference.compile.recompile` swaps its plan into the compiled
    base (:class:`~pactsim.inference.renumber.Renumber`); exact inference finds the
    structure cached. The answers equal those of
    ``exact(scenario.with_changes(changes))`` (``tests/unit/test_spread.py``).
    """

    def __init__(self, scenario: Scenario, *, drawn: bool = False) -> None:
        from pactsim.inference.renumber import Renumber

        self.scenario = scenario
        self.drawn = drawn
        self._renumber = Renumber(scenario)
        self.model = self._renumber.model

    def model_for(self, changes: dict[str, float]) -> Any:
        """The compiled model with ``changes`` set."""
        from pactsim.inference.renumber import NotNumbers

        try:
            return self._renumber.model_for(changes, drawn=self.drawn)
        except NotNumbers as err:  # a drawn number the format refuses: say which, no traceback
            raise ArgumentError(f"spread: the parameter set {changes} is not a valid "
                                f"scenario: {err}") from None

    def results(self, changes: dict[str, float]) -> Any:
        """Exact results of the scenario with ``changes`` (``exact()``'s defaults)."""
        from pactsim.results.exact import ExactResults

        return ExactResults(self.scenario, self.model_for(changes), quad_points=24,
                            max_table=2**24, progress=False)

    def prob(self, changes: dict[str, float], expr: str) -> float:
        return float(self.results(changes).prob(expr).value)


@dataclass
class _Answers:
    """Answers ``P(Q | params)`` for many parameter sets, exactly or by Monte Carlo."""

    scenario: Scenario
    name: str
    expr: str
    seed: int
    method: Literal["exact", "monte carlo"] = "exact"
    forecast: float = math.nan
    _inner: Any = field(default=None, repr=False)
    _fast: _Numbers | None = field(default=None, repr=False)
    _observed_base: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        from pactsim.errors import ScenarioError
        from pactsim.results.exact import exact

        self._check_kind()
        try:
            self.forecast = float(exact(self.scenario, progress=False).prob(self.expr).value)
        except _REFUSED:
            self.method = "monte carlo"
            self.forecast = self._mc(self.scenario)
        except ScenarioError as err:
            raise ArgumentError(f"spread: cannot ask {self.name!r} of scenario "
                                f"{self.scenario.id!r}: {str(err).strip()}") from None

    def _check_kind(self) -> None:
        from pactsim.inference.compile import compile_scenario

        qs = compile_scenario(self.scenario).questions
        if self.name in qs and qs[self.name][1] != "bool":
            raise ArgumentError(
                f"{self.name!r} is a numeric question; the spread is of a probability: ask a "
                f"true/false question, a node or an expression such as "
                f"'in_force.date <= 2025-12-31'")

    def _mc(self, sc: Scenario) -> float:
        return self._mc_weighted(sc)[0]

    def _mc_weighted(self, sc: Scenario) -> tuple[float, float]:
        """The inner Monte Carlo answer, and the log of the draws' mean likelihood
        weight under the file's observations (0.0 without)."""
        from pactsim.montecarlo import simulate
        from pactsim.results.stats import WeightedStats

        res = simulate(sc, INNER_N, seed=np.random.SeedSequence(self.seed, spawn_key=(1,)),
                       keep_draws=True, progress=False)
        st = res.stats
        log_like = (math.log(st.w / st.n) + st.log_scale
                    if isinstance(st, WeightedStats) and st.w > 0 else 0.0)
        return float(res.prob(self.expr).value), log_like

    def __call__(self, changes: dict[str, float]) -> float:
        return self.weighted(changes)[0]

    def weighted(self, changes: dict[str, float]) -> tuple[float, float]:
        """The answer under ``changes``, and the log likelihood of the file's
        observations under them (0.0 without observations; see the module notes)."""
        from pactsim.results.exact import exact
        from pactsim.results.exact_evidence import ConditionedExactResults

        if self.method == "exact":
            if self._fast is None and not _observed(self.scenario):
                # parameter sets drawn by Input.values: probabilities, curves monotone
                self._fast = _Numbers(self.scenario, drawn=True)
            if self._fast is not None:
                return self._fast.prob(changes, self.expr), 0.0
            # observations condition every answer: the base's exact results, renumbered
            # (ExactResults.with_changes: the same answers as exact() of the variant,
            # ~3x sooner, as only the changed nodes are checked and recompiled)
            if self._observed_base is None:
                self._observed_base = exact(self.scenario, progress=False)
            res = self._observed_base.with_changes(changes)
            log_like = res.log_evidence if isinstance(res, ConditionedExactResults) else 0.0
            return float(res.prob(self.expr).value), log_like
        return self._mc_weighted(self.scenario.with_changes(changes))

    def many(self, inputs: Sequence[Input], u: NDArray[np.float64]) -> NDArray[np.float64]:
        """The answer at each row of uniforms ``u`` (one column per input)."""
        return self.many_weighted(inputs, u)[0]

    def many_weighted(self, inputs: Sequence[Input], u: NDArray[np.float64]
                      ) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
        """:meth:`many`, and each row's weight (summing to 1) under the file's
        observations (``None`` without observations)."""
        sets = _parameter_sets(inputs, u)
        pairs = []
        for changes in sets:
            pairs.append(self.weighted(changes))
            _tick()
        values = np.array([v for v, _ in pairs], dtype=np.float64)
        if not _observed(self.scenario):
            return values, None
        return values, _normalised(np.array([lw for _, lw in pairs], dtype=np.float64))


class TooSlow(Exception):
    """Raised inside :func:`time_limit` when the parameter draws would take longer than
    its ``seconds`` (the limit, in ``seconds``)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"more than {seconds:g} s")
        self.seconds = seconds


#: The clock of :func:`time_limit`: the process's CPU time, so that a machine busy with
#: other work does not make the judgement flap (the spread's work is in this thread).
_clock = time.process_time


@dataclass
class _Limit:
    start: float
    seconds: float
    done: int = 0  # parameter draws answered so far (one question's pass counts one)
    total: int | None = None  # all the passes of the call, when it has said
    last: float | None = None  # when the last draw was answered; None before the first
    # draw of a pass (set-up before it, some of it lazy and inside that draw, is spent
    # once: the pace is that of the draws after)
    paces: list[float] = field(default_factory=list)  # this pass's draws but its first


_LIMIT: contextvars.ContextVar[_Limit | None] = contextvars.ContextVar(
    "pactsim_spread_limit", default=None)


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Within it, :func:`spread` and :func:`spreads` raise :class:`TooSlow` once the
    time they have spent passes ``seconds``, or once, past a second (or ``seconds``, if
    less), the pace of their parameter draws says that all of them would take more (for
    callers with a time budget, such as ``pactsim run``'s default spread: a few
    questions on several dates each take a tenth of a second to answer exactly). The
    estimate is the time spent so far plus the draws left at the median pace of the
    current pass's draws after its first (which may finish a lazy set-up; a pause in a
    few draws does not move a median), judged when :data:`PACE_DRAWS`, 2x, 4x, 8x ...
    as many are timed (a point that falls within the first second is skipped); the
    time spent is judged at every draw. CPU time of this process. :func:`spreads`
    times each pass on its own (its exact pass of every question, then one pass per
    question answered otherwise: their paces differ)."""
    token = _LIMIT.set(_Limit(_clock(), float(seconds)))
    try:
        yield
    finally:
        _LIMIT.reset(token)


def _plan(total: int) -> None:
    """Under :func:`time_limit`: the call will answer ``total`` parameter draws in all."""
    limit = _LIMIT.get()
    if limit is not None:
        limit.done, limit.total = 0, total
        _new_pass()


def _new_pass() -> None:
    """Under :func:`time_limit`: the draws that follow are another pass, of its own pace
    (its first draw is not timed)."""
    limit = _LIMIT.get()
    if limit is not None:
        limit.last = None
        limit.paces.clear()


#: Draws of a pass after its first that :func:`_tick` times before it judges their pace
#: (their median, again at 2x, 4x ... as many): the pace of the second draw alone made
#: a pause in it (a garbage collection, a busy machine) say "more than 10 s" for a
#: spread of 2 s, and ``pactsim run`` then left it out on one machine in several.
PACE_DRAWS = 10


def _tick() -> None:
    """One more parameter draw answered: :class:`TooSlow` once the time spent passes the
    limit, or once all of the draws, at the median pace of the :data:`PACE_DRAWS` or more
    of this pass answered after its first, would pass it (nothing is judged before a
    second, without a plan, or when the last draw is answered: the work is done)."""
    limit = _LIMIT.get()
    if limit is None or limit.total is None:
        return
    limit.done += 1
    now = _clock()
    if limit.last is not None:
        limit.paces.append(now - limit.last)
    limit.last = now
    spent = now - limit.start
    if spent <= min(1.0, limit.seconds) or limit.done >= limit.total:
        return
    if spent > limit.seconds:
        raise TooSlow(limit.seconds)
    timed = len(limit.paces)
    if timed < PACE_DRAWS or timed % PACE_DRAWS or (timed // PACE_DRAWS) & (
            timed // PACE_DRAWS - 1):
        return  # judged at 10, 20, 40, 80 ... timed draws: O(n) in all
    pace = float(np.median(limit.paces))
    if spent + pace * (limit.total - limit.done) > limit.seconds:
        raise TooSlow(limit.seconds)


def _parameter_sets(inputs: Sequence[Input], u: NDArray[np.float64]) -> list[dict[str, float]]:
    """The ``with_changes`` numbers of each row of uniforms ``u`` (one column per input)."""
    cols = [inp.values(u[:, j]) for j, inp in enumerate(inputs)]
    paths = [p for inp in inputs for p in inp.paths]
    table = np.concatenate(cols, axis=1) if cols else np.empty((len(u), 0))
    return [dict(zip(paths, map(float, row), strict=True)) for row in table]


def _seed(seed: object) -> int:
    """The whole number a spread's draws start from: ``seed`` itself (an int >= 0), fresh
    entropy for ``None``, or a number drawn from a numpy ``Generator`` / the entropy of
    an unspawned ``SeedSequence``, as :func:`pactsim.simulate` takes them (review-api27:
    they were refused here); the result's ``seed`` repeats it."""
    from pactsim.montecarlo import resolve_seed, seed_object

    if isinstance(seed, int | np.integer) and not isinstance(seed, bool):
        if seed < 0:
            raise ArgumentError(f"seed must be a whole number >= 0, not {seed!r}")
        return int(seed)
    if seed_object(seed):
        entropy, key = resolve_seed(seed)  # type: ignore[arg-type]
        if key:
            raise ArgumentError("seed: a spawned SeedSequence is not taken here (its spawn "
                                "key would be lost); pass an int")
        return entropy
    raise ArgumentTypeError(f"seed must be a whole number >= 0, None, or a numpy Generator "
                            f"or SeedSequence, not {seed!r}")


def _prepare(scenario: object, question: object, n: object, seed: object, what: str,
             low: int) -> tuple[list[Input], _Answers, int, int]:
    from pactsim.montecarlo import _whole

    if not isinstance(scenario, Scenario):
        raise ArgumentTypeError(f"scenario: {what}() needs a Scenario (from pactsim.load), "
                                f"not {type(scenario).__name__}")
    n = _whole(n, "n", low, MAX_OUTER_N)
    seed = _seed(seed)
    name, expr = _target(scenario, question)
    inputs = uncertain_inputs(scenario)
    if not inputs:
        raise ArgumentError(
            f"scenario {scenario.id!r} has no uncertain inputs, so its forecast of {name!r} "
            f"has no spread: write a probability as {{between: [lo, hi]}} (a 90% interval) or "
            f"{{beta: [a, b]}} where you are unsure of it")
    answers = _Answers(scenario, name, expr, int(seed))
    return inputs, answers, int(n), int(seed)


def _fed(scenario: Scenario, expr: str, inputs: Sequence[Input]) -> bool:
    """Whether any input's node is upstream of the question (else its answer is the
    same under every parameter set: no path leads from the input to it). Evidence
    (the file's observations) counts as part of the question."""
    from pactsim.analysis.sensitivity import _NAME, _upstream

    if _observed(scenario):
        return True
    up = _upstream(scenario, set(_NAME.findall(expr)))
    return any(i.name.split(".", 1)[0] in up for i in inputs)


def _values(answers: _Answers, inputs: Sequence[Input], u: NDArray[np.float64],
            fed: bool) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
    """The inner answers of one question, or its forecast ``n`` times when unfed, and
    the weights of the outer draws under the file's observations (``None`` without)."""
    if not fed:
        return np.full(len(u), answers.forecast), None
    return answers.many_weighted(inputs, u)


def _normalised(log_w: NDArray[np.float64]) -> NDArray[np.float64]:
    """Weights ``exp(log_w)`` scaled to sum to 1 (computed from the largest)."""
    w = np.exp(log_w - log_w.max())
    return np.asarray(w / w.sum(), dtype=np.float64)


def _weighted_quantile(values: NDArray[np.float64], weights: NDArray[np.float64],
                       q: Any) -> Any:
    """Quantiles of ``values`` under ``weights`` (summing to 1): the weighted form of
    numpy's default (linear interpolation between the order statistics, each placed
    at the middle of its weight); equal weights give ``numpy.quantile``'s answer up to
    that convention."""
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    at = np.cumsum(w) - w / 2  # each value at the middle of its weight
    return np.interp(q, at, v)


# -- spread -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Spread:
    """The distribution of a forecast over the uncertain inputs (:func:`spread`)."""

    question: str
    #: The mean of ``values``: today's forecast up to ``stderr`` (module docstring).
    mean: float
    #: The 10% and 90% quantiles of ``values`` (an 80% band).
    lo: float
    hi: float
    #: The ``n`` inner answers P(question | parameters), one per outer draw.
    values: NDArray[np.float64] = field(repr=False)
    method: Literal["exact", "monte carlo"]
    n: int
    seed: int
    #: Today's forecast (the same question without drawing the parameters).
    forecast: float = math.nan
    #: The names of the uncertain inputs drawn.
    inputs: tuple[str, ...] = ()
    #: Monte Carlo draws per inner answer (``None`` for exact answers).
    inner_n: int | None = None
    #: Under a file's observations, the weight of each outer draw (summing to 1: the
    #: likelihood of the news under its numbers); ``None`` without observations.
    weights: NDArray[np.float64] | None = field(default=None, repr=False)

    @property
    def stderr(self) -> float:
        """Outer Monte Carlo standard error of ``mean`` (weighted under observations: the
        delta method of a self-normalised mean)."""
        if self.n <= 1:
            return 0.0
        if self.weights is None:
            return float(np.std(self.values, ddof=1) / math.sqrt(self.n))
        w = self.weights
        return float(math.sqrt(float(np.sum(w * w * (self.values - self.mean) ** 2))))

    @property
    def ess(self) -> float:
        """Effective sample size of the outer draws (Kish; ``n`` without observations)."""
        if self.weights is None:
            return float(self.n)
        return float(1.0 / np.sum(self.weights ** 2))

    def quantile(self, q: float | Sequence[float]) -> Any:
        """Quantile(s) of the inner answers (weighted under observations) at a level or
        levels in [0, 1] (0 and 1: the smallest and largest answer)."""
        # (review-api27: 50 or "0.5" reached numpy's own errors)
        try:
            levels = np.asarray(q)
        except (TypeError, ValueError):
            levels = np.asarray(None)
        if levels.dtype.kind not in "iuf" or isinstance(q, bool):
            raise ArgumentTypeError(f"q must be a level in [0, 1] or a list of them, not {q!r}")
        if not np.all((levels >= 0) & (levels <= 1)):  # (NaN fails too)
            raise ArgumentError(f"q: {q!r}: each level must be in [0, 1] (0.5 is the median)")
        at: Any = float(levels) if levels.ndim == 0 else levels.astype(float)
        if self.weights is None:
            return np.quantile(self.values, at)
        return _weighted_quantile(self.values, self.weights, at)

    def __str__(self) -> str:
        from pactsim.views.text import spread_line

        return spread_line(self)

    def __repr__(self) -> str:
        """One line, as the other results say themselves (the fields are attributes)."""
        return (f"<Spread {self.question!r}: mean {self.mean:.4g}, 80% band "
                f"{self.lo:.4g}–{self.hi:.4g} over {self.n:,} parameter sets of "
                f"{len(self.inputs)} uncertain input{'' if len(self.inputs) == 1 else 's'} "
                f"({self.method}, seed {self.seed})>")

    def _repr_html_(self) -> str:
        from pactsim.views.display import spread_html

        return spread_html(self)


def spread(scenario: Scenario, question: str, n: int = 1000,
           seed: SeedLike = 0) -> Spread:
    """The spread of a forecast over the scenario's uncertain inputs.

    Draws ``n`` parameter sets (each uncertain ``p`` from its Beta, each curve
    with uncertain points comonotonically: see the module docstring), answers
    ``question`` under each — exactly, else by Monte Carlo with
    :data:`INNER_N` draws and common random numbers — and summarises the
    answers.

    Parameters
    ----------
    scenario:
        A scenario with at least one uncertain input.
    question:
        A true/false question's name, a node, or an expression
        (``"in_force.date <= 2025-12-31"``).
    n:
        Outer draws (parameter sets), at most :data:`MAX_OUTER_N` (10^6, as the
        CLI's ``--spread``): a larger ``n`` is refused, not capped.
    seed:
        Seed of the outer draws (and of the inner Monte Carlo, if used): the
        same seed gives the same spread. An int >= 0 (default 0), or, as
        :func:`pactsim.simulate` takes them, ``None`` (fresh entropy) or a numpy
        ``Generator`` / ``SeedSequence``; the result's ``seed`` is the int used.

    Returns
    -------
    Spread
        ``mean``, ``lo`` and ``hi`` (10% and 90% quantiles), ``values``,
        ``method``, ``n``, ``seed``; ``str(s)`` reads
        ``"signed_by_2024: 40% (80% band 31–49% over the uncertain inputs)"``.

    Raises
    ------
    ArgumentError
        No uncertain inputs; a numeric question; a question the scenario
        cannot answer (an unknown name ...); ``n`` above :data:`MAX_OUTER_N`.

    Examples
    --------
    >>> import pactsim
    >>> sc = pactsim.loads("pactsim: 1\\nid: x\\nas_of: 2024-01-01\\nhorizon: 2024-12-31\\n"
    ...                    "events:\\n  a: {p: {beta: [2, 6]}}\\n")
    >>> s = pactsim.spread(sc, "a", n=2000, seed=1)
    >>> round(s.mean, 2), s.method
    (0.25, 'exact')
    """
    inputs, answers, n, seed = _prepare(scenario, question, n, seed, "spread", 1)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,)))
    u = rng.random((n, len(inputs)))
    _plan(n)  # (for time_limit)
    values, weights = _values(answers, inputs, u, _fed(scenario, answers.expr, inputs))
    return _spread_of(answers, inputs, values, weights, n, seed)


def _spread_of(answers: _Answers, inputs: Sequence[Input], values: NDArray[np.float64],
               weights: NDArray[np.float64] | None, n: int, seed: int) -> Spread:
    if weights is None:
        mean = float(values.mean())
        lo, hi = (float(x) for x in np.quantile(values, BAND))
    else:
        mean = float(weights @ values)
        lo, hi = (float(x) for x in _weighted_quantile(values, weights, BAND))
    return Spread(question=answers.name, mean=mean, lo=lo, hi=hi,
                  values=values, method=answers.method, n=n, seed=seed,
                  forecast=answers.forecast, inputs=tuple(i.name for i in inputs),
                  inner_n=INNER_N if answers.method == "monte carlo" else None,
                  weights=weights)


def spreads(scenario: Scenario, questions: Sequence[str] | None = None, n: int = 1000,
            seed: SeedLike = 0) -> list[Spread]:
    """:func:`spread` of several questions from the same parameter draws.

    ``questions`` defaults to every true/false question of the scenario (file
    order). Each result equals ``spread(scenario, q, n, seed)`` — the same
    draws, the same answers — but each parameter set is evaluated once for all
    the questions, so the cost is about that of one question. A scenario
    without uncertain inputs gives ``[]``.

    Examples
    --------
    >>> import pactsim
    >>> sc = pactsim.loads("pactsim: 1\\nid: x\\nas_of: 2024-01-01\\nhorizon: 2024-12-31\\n"
    ...                    "events:\\n  a: {p: {beta: [2, 6]}}\\n  b: {p: 0.5}\\n"
    ...                    "questions:\\n  both: a and b\\n  either: a or b\\n")
    >>> [round(s.mean, 2) for s in spreads(sc, n=2000, seed=1)]
    [0.12, 0.62]
    """
    from pactsim.inference.compile import compile_scenario

    if not isinstance(scenario, Scenario):
        raise ArgumentTypeError(f"scenario: spreads() needs a Scenario (from pactsim.load), "
                                f"not {type(scenario).__name__}")
    if questions is None:
        questions = [q for q, (_, t) in compile_scenario(scenario).questions.items()
                     if t == "bool"]
    elif isinstance(questions, str) or not isinstance(questions, Sequence):
        raise ArgumentTypeError(f"questions must be a list of question names or expressions, "
                                f"not {questions!r}")
    if not questions or not uncertain_inputs(scenario):
        return []
    seed = _seed(seed)  # once: None draws one seed for every question
    prepared = [_prepare(scenario, q, n, seed, "spreads", 1) for q in questions]
    inputs, _, n, seed = prepared[0]
    answers = [a for _, a, _, _ in prepared]
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,)))
    u = rng.random((n, len(inputs)))
    values = np.empty((len(answers), n))
    weights: list[NDArray[np.float64] | None] = [None] * len(answers)
    fed = [_fed(scenario, a.expr, inputs) for a in answers]
    fast = [j for j, a in enumerate(answers) if a.method == "exact" and fed[j]]
    numbers = _Numbers(scenario, drawn=True) if fast and not _observed(scenario) else None
    slow = [j for j in range(len(answers)) if fed[j] and (numbers is None or j not in fast)]
    _plan(n * ((numbers is not None) + len(slow)))  # the passes below, for time_limit
    if numbers is not None:
        for i, changes in enumerate(_parameter_sets(inputs, u)):
            res = numbers.results(changes)
            for j in fast:
                values[j, i] = res.prob(answers[j].expr).value
            _tick()
    for j, a in enumerate(answers):
        if numbers is None or j not in fast:
            _new_pass()  # (for time_limit: a question answered otherwise has its own pace)
            values[j], weights[j] = _values(a, inputs, u, fed[j])
    return [_spread_of(a, inputs, values[j].copy(), weights[j], n, seed)
            for j, a in enumerate(answers)]


def _observed(scenario: Scenario) -> bool:
    """Whether the scenario's answers are conditioned on its observations."""
    from pactsim.language.evidence import evidence_for

    return bool(evidence_for(scenario))


# -- Sobol indices ----------------------------------------------------------------------------
def _salib() -> Any:
    try:
        from SALib.analyze import sobol as analyze  # type: ignore[import-untyped]
        from SALib.sample import sobol as sample  # type: ignore[import-untyped]
    except ImportError:
        raise ImportError(f"pactsim.sobol needs SALib, an optional dependency: {_INSTALL}"
                          ) from None
    return sample, analyze


def sobol(scenario: Scenario, question: str, n: int = 1024, seed: SeedLike = 0, *,
          conf_level: float = 0.95, num_resamples: int | None = None) -> pd.DataFrame:
    """First- and total-order Sobol indices of a question over the uncertain inputs.

    SALib's Sobol design (:func:`SALib.sample.sobol.sample`, scrambled Sobol'
    sequence, no second-order indices) gives uniforms on ``[0, 1]^k``; each is
    mapped through its input's quantile function (the Beta of a ``p``; the
    comonotone draw of a curve, as in :func:`spread`) and the question is
    answered at each point as :func:`spread` does: ``n * (k + 2)`` evaluations
    for ``k`` inputs. The ``n`` base samples are :data:`SOBOL_REPLICATES`
    independently scrambled designs of ``n / R`` each (fewer, at least 2, for
    ``n`` under ``16 R``). SALib's analyser (:func:`SALib.analyze.sobol.analyze`)
    estimates the indices from all of them together; their intervals come from
    the spread of the ``R`` designs' own estimates (randomised quasi-Monte Carlo:
    ``t`` quantile of ``R - 1`` degrees of freedom times their standard deviation
    over ``sqrt(R)``). SALib's own bootstrap treats the design's points as
    independent draws and overstated the error 5-7 fold (review-numbers17).

    ``S1`` is the share of the variance of P(Q | params) due to the input
    alone, ``ST`` its share counting its interactions; ``S1_conf`` and
    ``ST_conf`` are the half-widths of their ``conf_level`` intervals.

    Parameters
    ----------
    n:
        Base samples (a power of 2), at most :data:`MAX_OUTER_N` (so 2^19).
    seed:
        Seed of the designs' scrambles (and of the inner Monte Carlo). The same
        seed gives the same indices and intervals.
    num_resamples:
        No longer used (the intervals come from the replicate designs, not a
        bootstrap); giving it warns.

    Returns
    -------
    pandas.DataFrame
        Index ``input`` (file order); columns ``S1, S1_conf, ST, ST_conf``;
        ``attrs`` holds ``question``, ``method``, ``n``, ``evaluations``,
        ``seed`` and ``variance`` (of the answers). Plot it with
        :func:`plot_sobol`.

    Raises
    ------
    ImportError
        SALib is missing (``pip install 'pactsim[sensitivity]'``).
    ArgumentError
        As :func:`spread`; ``n`` not a power of 2.
    """
    import warnings

    import pandas as pd
    from scipy import stats

    sample, analyze = _salib()
    if num_resamples is not None:
        warnings.warn("sobol(num_resamples=...) is no longer used: the intervals come from "
                      f"{SOBOL_REPLICATES} independently scrambled designs, not a bootstrap",
                      PactsimWarning, stacklevel=2)
    if isinstance(conf_level, bool) or not isinstance(conf_level, int | float) or \
            not 0.0 < float(conf_level) < 1.0:
        raise ArgumentError(f"conf_level = {conf_level!r} must be a number strictly between "
                            "0 and 1 (e.g. 0.95)")
    inputs, answers, n, seed = _prepare(scenario, question, n, seed, "sobol", 2)
    if n & (n - 1):
        raise ArgumentError(f"n = {n} base samples: Sobol' designs need a power of 2 "
                            f"(e.g. {1 << (n.bit_length() - 1)} or {1 << n.bit_length()})")
    names = [i.name for i in inputs]
    k = len(inputs)
    problem = {"num_vars": k, "names": names, "bounds": [[0.0, 1.0]] * k}
    reps = min(SOBOL_REPLICATES, max(2, n // 16))
    m = n // reps
    seeds = np.random.SeedSequence(seed).generate_state(reps)
    u = np.concatenate([np.asarray(sample.sample(problem, m, calc_second_order=False,
                                                 scramble=True, seed=int(s)),
                                   dtype=np.float64) for s in seeds])
    y = answers.many(inputs, u)
    cols = ("S1", "ST")

    def indices(ys: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
        with np.errstate(all="ignore"):
            res = analyze.analyze(problem, ys, calc_second_order=False, num_resamples=2,
                                  print_to_console=False, seed=1)  # (its bootstrap unused)
        return {c: np.asarray(res[c], dtype=np.float64) for c in cols}

    whole = indices(y)
    each = [indices(part) for part in np.split(y, reps)]
    t = float(stats.t.ppf((1.0 + float(conf_level)) / 2.0, reps - 1))
    data: dict[str, NDArray[np.float64]] = {}
    for c in cols:
        data[c] = whole[c]
        spread_ = np.std(np.stack([e[c] for e in each]), axis=0, ddof=1)
        data[f"{c}_conf"] = t * spread_ / math.sqrt(reps)
    frame = pd.DataFrame({c: data[c] for c in ("S1", "S1_conf", "ST", "ST_conf")},
                         index=pd.Index(names, name="input"))
    frame.attrs.update(question=answers.name, method=answers.method, n=n,
                       evaluations=len(y), seed=seed, variance=float(np.var(y)),
                       conf_level=conf_level, replicates=reps)
    return frame


def plot_sobol(indices: pd.DataFrame, ax: Axes | None = None) -> Figure | Axes:
    """Horizontal bars of ``S1`` and ``ST`` per input (largest ``ST`` on top), with
    their confidence intervals; returns the new figure, or ``ax`` when given."""
    import matplotlib.pyplot as plt

    df = indices.sort_values("ST", ascending=True)
    own = ax is None
    if ax is None:
        _fig, ax = plt.subplots(figsize=(7.0, 1.0 + 0.45 * max(len(df), 2)),
                                layout="constrained")
        plt.close(_fig)  # not kept by pyplot, like pactsim.plot's figures
    y = np.arange(len(df))
    h = 0.38
    ax.barh(y + h / 2, df["ST"].clip(lower=0), h, xerr=df["ST_conf"], color="#4c72b0",
            ecolor="#333333", capsize=2, label="total order (ST)")
    ax.barh(y - h / 2, df["S1"].clip(lower=0), h, xerr=df["S1_conf"], color="#dd8452",
            ecolor="#333333", capsize=2, label="first order (S1)")
    ax.set_yticks(y, [str(i) for i in df.index])
    top = max(float((df["ST"] + df["ST_conf"]).max()), float((df["S1"] + df["S1_conf"]).max()))
    ax.set_xlim(0, max(1.0, top * 1.05) if math.isfinite(top) else 1.0)
    ax.set_xlabel("share of the variance of P(question | inputs)")
    q = indices.attrs.get("question")
    conf = indices.attrs.get("conf_level", 0.95)
    ax.set_title(f"Sobol indices of {q}" if q else "Sobol indices", loc="left")
    ax.legend(loc="lower right", frameon=False, fontsize="small",
              title=f"bars: {conf:.0%} intervals", title_fontsize="small")
    ax.grid(axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    return ax.figure if own else ax  # type: ignore[return-value]
