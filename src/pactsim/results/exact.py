"""Exact inference: the probabilities the Monte Carlo engine estimates, computed.

:func:`exact` turns a scenario's :class:`~pactsim.inference.compile.CompiledModel` into
discrete factors and answers with :class:`ExactResults`, which has the surface
of :class:`~pactsim.results.montecarlo.Results` (``prob``, ``marginals``, ``questions``,
``numeric``, ``signing_cdf``, ``key_dates``) with standard errors of zero.

The model (the semantics of :mod:`pactsim.inference.engine`)
--------------------------------------------------
Binary node :math:`i` with table parents :math:`\\pi_i` (row :math:`r`),
drivers :math:`z` and gates is true with probability

.. math::

    P(x_i = 1 \\mid \\pi_i = r, z, g) = \\Big[\\int_0^1 \\sigma\\big(\\operatorname{logit} p_0
    + \\ell_r + \\textstyle\\sum_d \\lambda_d z_d\\big)\\, dB_r(p_0)\\Big]
    \\prod_{j \\in T_i} g_j \\prod_{j \\in F_i} (1 - g_j),

where :math:`\\sigma` is the logistic function (so :math:`\\sigma(\\operatorname{logit}
p_0 + s) = p_0 e^s / (1 - p_0 + p_0 e^s)`), :math:`\\ell_r` the log binary odds
of the row, :math:`\\lambda_d` the log odds factor of driver :math:`d`, and
:math:`B_r` the point mass at ``plan.p0[r]`` or, for rows with ``plan.beta``,
the Beta(a, b) law of an uncertain p drawn each draw. Without drivers or beta
the bracket is ``plan.p[r]``. The joint law is the product of these tables,
the driver densities and :math:`P(\\text{signing}) = c_{\\text{last}}`.

Quadrature
----------
Each driver becomes a discrete variable. Where every node's log odds change
slowly in it (slope :math:`|\\lambda| \\sigma` below about
:math:`0.17 \\sqrt{n}` per sd), a normal driver takes the ``quad_points``
(:math:`n`) Gauss–Hermite nodes :math:`\\mu + \\sigma t_k` with weights
:math:`w_k / \\sqrt{2\\pi}` (probabilists' Hermite), a uniform driver the
Gauss–Legendre nodes of :math:`[\\text{low}, \\text{high}]`. Steeper odds get a
composite Gauss–Legendre rule (:math:`\\lceil n/2 \\rceil` nodes per piece) whose
pieces are graded towards the points where a node's log odds cross zero, so
that even step-like odds (a factor of 1e308 per unit) are integrated to
rounding; see :func:`pactsim.inference.factors.driver_rule`. An uncertain p
with odds is integrated in logit space, over its own law or over the
logistic's, whichever is narrower (:func:`pactsim.inference.factors.beta_logistic_mean`),
so any Beta(a, b) and any odds give a value in [0, 1].

Every marginal is recomputed with twice the points (same pieces);
``ExactResults.quadrature_error`` is twice the largest change plus 1e-14 for
rounding: a bound on the error of the reported marginals wherever doubling
the points at least halves the error, which these rules reach by
construction. (When twice the points would need a table above ``max_table``,
the marginals are recomputed with half the points instead, and the change
itself is the bound.) (A node with several drivers and odds steeper than about 16 per
sd is not resolved: its rule converges only algebraically, and the factor is
4.) Everything else is exact up to rounding.

Signing date
------------
The date enters no table (children see only the bit ``signing``), so given
``signing`` it is independent of every other node. For an expression comparing
``signing.date`` with dates :math:`D`, the signed state is split into day
intervals :math:`(c_k, c_{k+1}]` cut at the ``by`` knots and at :math:`D - 1`
and :math:`D`; every comparison is constant on each interval, whose
probability is :math:`F(c_{k+1}) - F(c_k)` with :math:`F` the piecewise-linear
CDF. Expressions comparing a driver with number literals split the driver's
range at those numbers the same way (Gauss–Legendre on each piece).

Dated nodes (format 2)
----------------------
Every dated node keeps its bit; its day variable (``W + 1`` states: "no date"
and each day of ``(as_of, horizon]``) enters the network only where a
condition or an expression needs it. Each curve-timed node (a *root*) heads a
group of the milestones that descend from it alone. Given the root's day
:math:`s`, a milestone's day is :math:`s + R` with a *relative* law of
:math:`R` that does not depend on :math:`s`: built once per state of the
group's inputs (table and hazard parents, drivers, ever coins) from its
anchors' laws (:math:`P(T \\le t)`, the ``need``-th earliest, from the
anchors' CDFs), shifted by a fixed delay or convolved (FFT) with the offset
law :math:`1 - (1 - F_\\text{delay}(k))^h`, times the ever chance; it
happens iff :math:`s + R \\le W`. A milestone's bit is then one small factor,
:math:`P(M \\mid \\text{root}, \\ldots) = \\sum_s f(s) P(R \\le W - s) / P(\\text{root})`
(or given the root's day when that is in the network, which makes any set of
milestones not following one another exact). A milestone and one that follows
it or shares its anchors get one joint factor, the root's day summed out by a
two-dimensional convolution (:math:`J(d, e) = \\sum_s f(s) K(d - s, e - s)`, with
:math:`K` from the conditional laws given the day of their last shared
milestone). Refused with :class:`~pactsim.errors.ExactUnsupportedError`, naming
the nodes: a milestone after dated nodes of different roots, anchors of one
milestone that share milestones with no one of them whose day makes them
independent (anchors that share one are answered given its day; an anchor that another
anchor follows cannot change the latest or the earliest day, and is left out
when compiling), a milestone whose chance, gates or delay read
a milestone of its own group that it follows or shares an anchor with (one it
does not is answered with the root's day in the network; a ``requires`` of an
anchor it needs anyway is dropped when compiling), and the joint law of three or more
days (or bits) of one group that depend on each other; a
joint law above ``max_table`` raises :class:`~pactsim.errors.ModelTooWideError`.
See :mod:`pactsim.inference.datedfactors`.

Algorithm
---------
Marginals come from a junction tree (the elimination tree of a min-fill
order) calibrated once; an expression is evaluated, vectorised with
:func:`pactsim.language.expr.evaluate`, over every configuration of the joint law of
the variables it uses, obtained from one clique when possible and otherwise
by variable elimination over their ancestors. The largest table is computed
before anything is allocated; beyond ``max_table`` entries
:class:`~pactsim.errors.ModelTooWideError` is raised.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import functools
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast, overload

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from pactsim.errors import (
    ArgumentError,
    ArgumentTypeError,
    ConditionError,
    ExactUnsupportedError,
    ModelTooWideError,
    PactsimError,
)
from pactsim.inference import datedfactors as dfx
from pactsim.inference import factors as fx
from pactsim.inference.compile import CompiledModel, compile_scenario
from pactsim.language import expr as _expr
from pactsim.language.dates import to_day
from pactsim.language.evidence import at_observation, evidence_for
from pactsim.language.scenario import Scenario
from pactsim.results import exact_attributes as _xa
from pactsim.results import summary as _s
from pactsim.results.estimate import Estimate
from pactsim.results.stats import bundle_groups
from pactsim.results.summary import NumericSummary

if TYPE_CHECKING:
    from pactsim.views.plot import PlotAccessor

__all__ = ["ExactResults", "exact"]

FloatArray = NDArray[np.float64]
_CHUNK = 1 << 18  # configurations evaluated at a time
#: Joint laws of at least this many configurations are evaluated on those of
#: probability > 0 only (when they are at most 3/4 of them).
_SPARSE_FROM = 1 << 12
#: Counts over this many nodes or more (``at_least(k, ...)``, ``count(...) >= k``) are
#: computed with a chain of count variables rather than over the nodes' joint law.
COUNT_CHAIN_FROM = 8
_COUNT_OPS = {"at_least": ">=", "at_most": "<=", "exactly": "=="}
#: Elimination orders of count chains, by the network's shape (a few dozen kept).
_COUNT_ORDERS: dict[tuple[Any, ...], list[int]] = {}


# -- expressions ---------------------------------------------------------------
def _walk(e: _expr.Expr) -> Iterator[_expr.Expr]:
    return _expr.walk(e)


@dataclass
class _Joint:
    """Joint law of some variables, one axis per variable (sorted ids)."""

    vars: tuple[int, ...]
    table: FloatArray
    signing_days: NDArray[np.int64] | None  # representative day per state (state 0: none)
    values: dict[int, FloatArray]  # driver variable -> value per state
    #: numeric attribute variable (format 3) -> representative value per piece (NaN: missing)
    pieces: dict[int, FloatArray] = field(default_factory=dict)


def weighted_factor(f: fx.Factor, v: int, lik: FloatArray) -> fx.Factor:
    """``f`` times the likelihood vector ``lik`` (one entry per state) of its variable ``v``."""
    shape = [1] * f.table.ndim
    shape[f.vars.index(v)] = len(lik)
    return fx.Factor(f.vars, np.asarray(f.table * lik.reshape(shape), dtype=np.float64))


#: Smallest P(given) exact inference divides by (below it, float division has no digits left).
MIN_CONDITION = 1e-280


_F = TypeVar("_F", bound=Callable[..., Any])


def _names_question(method: _F) -> _F:
    """A refusal of exact inference while answering one of the scenario's questions by
    its name names the question ("of question 'gap'", not "of this expression"): a
    command that prints every question says which one exact inference refused."""
    @functools.wraps(method)
    def answer(self: ExactResults, expr: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, expr, *args, **kwargs)
        except (ModelTooWideError, ExactUnsupportedError) as err:
            name = expr.strip() if isinstance(expr, str) else None
            given = kwargs.get("given", args[0] if args else None)
            text = str(err)
            if given is None and name in self.scenario.questions and \
                    f"question '{name}'" not in text:  # (with a given, either may be to blame)
                named = text.replace("of this expression", f"of question '{name}'", 1)
                err.args = (named if named != text else f"question '{name}': {text}",
                            *err.args[1:])
            raise
    return cast(_F, answer)


class ExactResults:
    """Exact answers for a scenario, from :func:`exact`; the surface of
    :class:`~pactsim.results.montecarlo.Results` with standard errors of zero.

    Attributes
    ----------
    scenario:
        The scenario.
    model:
        Its :class:`~pactsim.inference.compile.CompiledModel`.
    quadrature_error:
        A bound on the quadrature error of every marginal: twice (four times
        for unresolved steep odds, see the module notes) the largest absolute
        change of any marginal when every quadrature rule is recomputed with
        twice the points, plus 1e-14 for rounding (0.0 when there is no driver
        and no uncertain p with odds; compared with half the points when twice
        do not fit in ``max_table``, and ``inf`` when neither does).
    largest_table:
        Entries of the largest table of the calibrated junction tree.
    quad_points, max_table:
        The arguments of :func:`exact`.
    """

    def __init__(self, scenario: Scenario | _Variant, model: CompiledModel, *, quad_points: int,
                 max_table: int, progress: bool | None) -> None:
        #: the scenario, or the changes that make it from a base (built when read)
        self._scenario = scenario
        #: a scenario of the same structure, names, labels and dates (read for them)
        self._shape = scenario if isinstance(scenario, Scenario) else scenario.base
        self.model = model
        self.quad_points = quad_points
        self.max_table = max_table
        nb = model.n_binary
        rules = [fx.driver_rule(d, quad_points) for d in model.drivers]
        key = (_structure_key(model), quad_points, max_table)
        recent = _RECENT.pop(key, {})  # networks of this structure, last used
        main_base = recent.get(quad_points)
        self._net = fx.Network(model, rules, 4 * quad_points, max_table,
                               base=main_base, same_structure=True)
        self._tree, self.largest_table, plan = fx.calibrate(self._net, max_table, progress,
                                                            model.scenario_id, base=main_base)
        #: the min-fill plan of the junction tree (order, cliques), by structure
        self._plan = plan
        #: likelihood vectors ``[l(false), l(true)]`` (largest entry 1) of atomic
        #: findings, by binary variable: multiplied into every variable elimination
        #: (set by :class:`~pactsim.results.exact_evidence.ConditionedExactResults`,
        #: whose calibrated tree holds them too); empty for prior answers
        self._lik: dict[int, FloatArray] = {}
        self._p = self._tree.p_true(range(nb))
        self._quad_error: float | None = 0.0
        self._qprobs: dict[str, tuple[float, float | None]] | None = None
        #: questions answered alone whose P(yes | signed) exact inference refused, with
        #: the reason (their column is left blank: :meth:`questions`)
        self.unanswered_given_signed: dict[str, str] = {}
        self._date_cache: dict[int, FloatArray] = {}
        self._check: tuple[Any, ...] | None = None
        #: how exact() made this result (None: made directly)
        self._recipe: _Recipe | None = None
        if model.drivers or any(p.beta_given is not None for p in model.plans):
            # the check (every marginal with twice the points) costs as much as the
            # answer itself; it runs when quadrature_error is first read, so analyses
            # that re-evaluate a scenario hundreds of times do not pay it each time
            self._quad_error = None
            self._check = (progress, plan, recent,
                           None if main_base is None else main_base.model)
        recent[quad_points] = self._net
        _remember(key, recent)

    @property
    def scenario(self) -> Scenario:
        """The scenario (of :meth:`with_changes`'s fast path: validated when first read)."""
        s = self._scenario
        if not isinstance(s, Scenario):
            s = self._scenario = s.scenario
        return s

    def with_changes(self, changes: Mapping[str, Any] | None = None, /,
                     **more: Any) -> ExactResults:
        """Exact results of the scenario with ``changes`` (as
        :meth:`Scenario.with_changes <pactsim.language.scenario.Scenario.with_changes>`),
        asked as this result was: the same ``quad_points``, ``max_table``, ``evidence``
        and ``observations`` (the changed file's observations are read), and an
        intervention (``do=``) made again on the changed scenario. What-ifs and
        sensitivity from a notebook, at a fraction of a millisecond each on the
        flagship.

        When every change sets numbers already written in an event, pillar or clause
        (a ``p``, plain or uncertain, a ``table`` row, a ``by`` point, odds factors,
        hazard ratios, a delay) or its rationale, only the changed nodes are
        validated (with the checks a file gets) and recompiled
        (:class:`~pactsim.inference.renumber.Renumber`) and the junction tree redoes
        only the arithmetic the change reaches; ``scenario`` and ``model.digest`` are
        then built when first read. Any other change (a driver's parameters, a new
        key, parents, gates or anchors, ``horizon=``, a value the format refuses)
        takes the full path, which
        validates the whole variant and names a mistake by its key. Either way the
        answers are those of ``exact(sc.with_changes(...), do=..., evidence=...)``, to
        the last bit, and a change of changes applies its steps in order
        (``tests/unit/test_renumber.py``, ``test_review_renumber.py``).

        Examples
        --------
        >>> import pactsim
        >>> sc = pactsim.loads("pactsim: 1\\nid: demo\\nas_of: 2024-01-01\\n"
        ...                    "horizon: 2024-12-31\\nevents:\\n  rain: {p: 0.3}\\n"
        ...                    "  wet: {p: 0.9, requires: [rain]}\\n")
        >>> ex = pactsim.exact(sc)
        >>> [round(ex.with_changes({"rain.p": p}).prob("wet").value, 12) for p in (0.2, 0.5)]
        [0.18, 0.45]
        """
        from pactsim.inference.renumber import NotNumbers, Renumber

        recipe = self._recipe
        if recipe is not None and recipe.do is not None and recipe.undone is not None:
            # an intervention is made again on the changed scenario, as exact(..., do=) does
            return exact(recipe.undone.with_changes(changes, **more), do=recipe.do,
                         evidence=recipe.evidence, observations=recipe.observations,
                         quad_points=self.quad_points, max_table=self.max_table)
        if not more and isinstance(changes, Mapping) and changes:
            step = copy.deepcopy(dict(changes))  # the caller's values, as they are now
            base = self._scenario
            if isinstance(base, _Variant):  # changes of changes: the steps in order
                renumber, steps = base.renumber, (*base.steps, step)
            else:
                renumber, steps = Renumber.of(base), (step,)
            variant = _Variant(renumber, steps)
            try:
                model = renumber.model_for([kv for s in steps for kv in s.items()],
                                           digest=variant)
            except NotNumbers:
                pass
            else:
                return self._again(variant, model)
        scenario = self.scenario.with_changes(changes, **more)
        if recipe is not None:  # the findings are read again: observations may have changed
            return exact(scenario, evidence=recipe.evidence, observations=recipe.observations,
                         quad_points=self.quad_points, max_table=self.max_table)
        return self._again(scenario, compile_scenario(scenario))

    def given(self, evidence: object) -> ExactResults:
        """These results conditioned on ``evidence`` too, exactly: what
        :meth:`Results.given <pactsim.results.montecarlo.Results.given>` is to a Monte
        Carlo run. ``evidence`` is what ``exact(..., evidence=)`` takes (an expression,
        ``{"su35_sale": True}``, ``pactsim.soft(...)``, a list); the answers are those of
        ``exact(sc, do=..., evidence=[what these were given, evidence])`` with the same
        ``quad_points``, ``max_table`` and ``observations``, a new calibration (the
        structure's cache makes it quick). Chaining ``.given(a).given(b)`` is
        ``given([a, b])``.

        Examples
        --------
        >>> import pactsim
        >>> sc = pactsim.loads("pactsim: 1\\nid: demo\\nas_of: 2024-01-01\\n"
        ...                    "horizon: 2024-12-31\\nevents:\\n  rain: {p: 0.3}\\n"
        ...                    "  wet: {p: 0.9, requires: [rain]}\\n")
        >>> round(pactsim.exact(sc).given("wet").prob("rain").value, 12)
        1.0
        >>> round(pactsim.exact(sc).given({"rain": True}).prob("wet").value, 12)
        0.9
        """
        from pactsim.language.evidence import as_findings

        if evidence is None:
            raise ArgumentError("given: no evidence (None); give an expression, a mapping, "
                                "pactsim.soft(...) or a list of these")
        findings = as_findings(evidence)
        if not findings:
            raise ArgumentError("given: no evidence (an empty list or mapping)")
        recipe = self._recipe or _Recipe(None, None, None, True)
        before = [] if recipe.evidence is None else list(as_findings(recipe.evidence))
        base = recipe.undone if recipe.do is not None and recipe.undone is not None \
            else self.scenario
        return exact(base, do=recipe.do, evidence=[*before, *findings],
                     observations=recipe.observations, quad_points=self.quad_points,
                     max_table=self.max_table)

    def _again(self, scenario: Scenario | _Variant, model: CompiledModel) -> ExactResults:
        """Results of another model of the same question (:meth:`with_changes`)."""
        out = ExactResults(scenario, model, quad_points=self.quad_points,
                           max_table=self.max_table, progress=None)
        out._recipe = self._recipe
        return out

    @property
    def quadrature_error(self) -> float:
        """A bound on the quadrature error of every marginal (see the class docstring);
        computed on first access."""
        if self._quad_error is None:
            assert self._check is not None
            progress, plan, recent, main_base_model = self._check
            # the rules converge geometrically (their pieces resolve every node's
            # logistic), so doubling the points at least halves the error:
            # |p - p(2n)| >= err / 2. Where a node with several drivers is steeper
            # than the pieces resolve, convergence is only algebraic: 4. 1e-14
            # covers rounding in the two trees.
            model = self.model
            safety = 4.0 if any(fx.unresolved(d) for d in model.drivers) else 2.0
            try:
                p2 = self._marginals_with(2 * self.quad_points, progress, plan, recent,
                                          main_base_model)
            except ModelTooWideError:
                # twice the points do not fit in max_table: compare with half as
                # many; err(n/2) >= 2 err(n) gives |p - p(n/2)| >= err(n)
                safety /= 2.0
                p2 = np.full(model.n_binary, np.inf)  # no bound: neither fits
                if self.quad_points >= 4:
                    # half the points can need a larger table too (other pieces)
                    with contextlib.suppress(ModelTooWideError):
                        p2 = self._marginals_with(self.quad_points // 2, progress, plan,
                                                  recent, main_base_model)
            change = float(np.max(np.abs(p2 - self._p), initial=0.0))
            self._quad_error = safety * change + 1e-14
            self._check = None
        return self._quad_error

    def _marginals_with(self, quad_points: int, progress: bool | None,
                        plan: tuple[list[int], list[tuple[int, ...]]],
                        recent: dict[int, fx.Network],
                        main_base_model: CompiledModel | None) -> FloatArray:
        """Every marginal recomputed with rules of ``quad_points`` (for ``quadrature_error``);
        the network is kept in ``recent`` (the last networks of this structure)."""
        m = self.model
        rules = [fx.driver_rule(d, quad_points) for d in m.drivers]
        base = recent.get(quad_points)
        main = self._net
        # a previous check network is of another model (compare its nodes as the
        # main network did, when both bases are of the same model); else this model's.
        # (The check runs lazily, after other evaluations may have replaced the
        # networks in ``recent``: ``main.same`` is against the main network's base then.)
        same = main.same if base is not None and main.same is not None \
            and main_base_model is base.model else None
        net = fx.Network(m, rules, 4 * quad_points, self.max_table,
                         base=main if base is None else base, same=same,
                         same_structure=True)
        tree, _, _ = fx.calibrate(net, self.max_table, progress, m.scenario_id + " (check)",
                                  plan, base=base)
        recent[quad_points] = net
        return tree.p_true(range(m.n_binary))

    def summary(self) -> str:
        """The forecast as plain text, as :meth:`Results.summary
        <pactsim.results.montecarlo.Results.summary>` prints it, with exact
        percentages and no intervals."""
        from pactsim.views.text import format_results

        return format_results(self)  # type: ignore[arg-type]

    def _repr_html_(self) -> str:
        from pactsim.views.display import results_html

        return results_html(self)

    def to_json(self) -> str:
        """The forecast as ``pactsim run --method exact --format json`` writes it."""
        from pactsim.views.export import results_to_json

        return results_to_json(self)  # type: ignore[arg-type]

    def to_csv(self) -> str:
        """The forecast as ``pactsim run --method exact --format csv`` writes it."""
        from pactsim.views.export import csv_text, results_to_table

        return csv_text(results_to_table(self))  # type: ignore[arg-type]

    def __repr__(self) -> str:
        m = self.model
        return (f"<ExactResults {m.scenario_id!r}: {m.n_binary} binary nodes, "
                f"{len(m.drivers)} driver{'' if len(m.drivers) == 1 else 's'}, "
                f"largest table {self.largest_table:,} entries, "
                f"quadrature error {self.quadrature_error:.1e}, digest={m.digest[:12]}>")

    # -- expressions ----------------------------------------------------------
    def _compile(self, text: str, what: str) -> _expr.Expr:
        if not isinstance(text, str):
            raise ArgumentTypeError(f"{what} must be an expression (a str), not {text!r}")
        return self.model.compiled_condition(text, what=what, horizon=self._shape.horizon)

    def _closure(self, trees: Sequence[_expr.Expr]) -> tuple[list[str], list[str],
                                                              list[_expr.Expr]]:
        """Base names, questions needed (evaluation order) and every tree involved."""
        qs = self.model.questions
        needed: set[str] = set()
        base: set[str] = set()
        todo = [n for t in trees for n in _expr.names(t)]
        while todo:
            n = todo.pop()
            if n in qs:
                if n not in needed:
                    needed.add(n)
                    todo += list(_expr.names(qs[n][0]))
            else:
                base.add(n)
        order = [q for q in qs if q in needed]
        return sorted(base), order, [*trees, *(qs[q][0] for q in order)]

    def _driver_of(self, e: _expr.Expr) -> str | None:
        """The driver an expression is, directly or through a chain of questions
        (a loop: the chain's length is the user's)."""
        seen: set[str] = set()
        while isinstance(e, _expr.Name) and e.name not in seen:
            if e.name in self.model.driver_names:
                return e.name
            if e.name not in self.model.questions:
                return None
            seen.add(e.name)
            e = self.model.questions[e.name][0]
        return None

    def _driver_cuts(self, trees: Sequence[_expr.Expr],
                     base: Sequence[str]) -> dict[str, list[float]]:
        cuts: dict[str, list[float]] = {d: [] for d in base if d in self.model.driver_names}
        for d, node, other in _xa.compared(trees, self._driver_of):
            if not isinstance(other, _expr.NumLit):
                raise ExactUnsupportedError(
                    f"exact inference compares a driver only with a number, as in "
                    f"'{d} > 0.5'; '{_expr.unparse(node)}' needs Monte Carlo")
            cuts[d].append(other.value)
        return cuts

    def _joint(self, trees: Sequence[_expr.Expr], *, every_day: bool = False) -> tuple[
            _Joint, list[str], list[_expr.Expr]]:
        m, net = self.model, self._net
        base, questions, all_trees = self._closure(trees)
        acuts = _xa.attribute_cuts(m, all_trees, base)  # format 3: numeric attributes
        if acuts:  # each stands for its parent rows; its pieces are appended below
            base = sorted({*(b for b in base if b not in acuts), *_xa.parent_names(m, acuts)})
        cuts = self._driver_cuts(all_trees, base)
        nb = m.n_binary
        query = sorted(m.index[n] if n in m.index else nb + m.driver_names.index(n)
                       for n in base)
        slots = sorted({m.slot[x.name] for t in all_trees for x in _walk(t)
                        if isinstance(x, _expr.DateOf)})
        fresh = bool(cuts)
        dbits: set[int] = set()
        within: set[int] | None = None
        if not m.plain:
            # a dated node's bit is its day variable's state != 0: keep the day only
            bits = {m.index[m.dated[k]] for k in slots}
            dbits = {m.timing[v].slot for v in query if v in m.timing}
            query = sorted({*(v for v in query if v not in bits),
                            *(net.dated.lay.date_var(k) for k in slots)})
            lay = net.dated.lay
            within = lay.upstream({*(v for v in query if v < nb),
                                   *(lay.slot_index[k] for k in slots), *self._lik})
            fresh = fresh or lay.plan(slots, dbits, within) != net.dplan
        if fresh:
            rules = list(net.rules)
            for d, cs in cuts.items():
                k = m.driver_names.index(d)
                rules[k] = fx.driver_rule(m.drivers[k], self.quad_points, cs)
            net = fx.Network(m, rules, 4 * self.quad_points, self.max_table, base=net,
                             dates=slots, bits=dbits, within=within)
        days = None
        dated = bool(slots) and m.plain
        card = dict(net.card)
        if dated and m.signing is not None:
            lits = [to_day(x.value) for t in all_trees for x in _walk(t)
                    if isinstance(x, _expr.DateLit)]
            days, probs = self._signing_states(lits, every_day)
            card[m.signing_index] = len(days) + 1
        final = fx.clique_entries(query, card)
        if final > self.max_table:
            raise fx.too_wide(final, [net.name(v) for v in query], self.max_table,
                              "of this expression")
        table = None if fresh else self._tree.joint(query)
        if table is None:
            table = self._eliminate(net, query)
        if days is not None:
            ax = query.index(m.signing_index)
            c = float(m.signing.cum[-1]) if m.signing is not None else 0.0
            pi = probs / c if c > 0 else np.zeros_like(probs)
            shape = [1] * table.ndim
            shape[ax] = len(pi)
            signed = np.take(table, [1], axis=ax) * pi.reshape(shape)
            table = np.concatenate([np.take(table, [0], axis=ax), signed], axis=ax)
        nd = len(m.drivers)
        values = {v: net.rules[v - nb][0] for v in query if nb <= v < nb + nd}
        pieces: dict[int, FloatArray] = {}
        if acuts:
            lay = net.dated.lay if not m.plain else None

            def axis_of(row: int) -> int:  # a dated parent's bit may be its day's axis
                if row in query or lay is None:
                    return query.index(row)
                return query.index(lay.date_var(m.slot[m.names[row]]))

            table, ids, more = _xa.expand(np.asarray(table, dtype=np.float64), query, m, acuts,
                                          axis_of, self.max_table)
            query = [*query, *ids]
            pieces.update(more)
        return _Joint(tuple(query), np.asarray(table, dtype=np.float64), days, values,
                      pieces), questions, all_trees

    def _kept_factors(self, net: fx.Network, query: Sequence[int]
                      ) -> list[tuple[list[int], list[fx.Factor]]]:
        """The variables and factors a joint law of ``query`` needs, in independent parts.

        Without atomic findings: one part, the ancestors of ``query`` (every other
        factor sums to 1). With them (``_lik``): the ancestors of ``query`` and of the
        findings' nodes, each such node's factor times its likelihood vector, split
        into the connected parts of their interaction graph; parts without a query
        variable only scale the law and are left out.
        """
        lik = self._lik
        if not lik:
            keep = net.ancestors(query)
            return [(keep, [net.factors[v] for v in keep])]
        keep = net.ancestors(sorted({*query, *lik}))
        factors = [weighted_factor(net.factors[v], v, lik[v]) if v in lik else net.factors[v]
                   for v in keep]
        find = fx.connected(f.vars for f in factors)
        wanted = {find(v) for v in query}
        parts: dict[int, tuple[list[int], list[fx.Factor]]] = {}
        for v, f in zip(keep, factors, strict=True):
            r = find(v)
            if r in wanted:
                part = parts.setdefault(r, ([], []))
                part[0].append(v)
                part[1].append(f)
        return list(parts.values())

    def _eliminate(self, net: fx.Network, query: Sequence[int]) -> FloatArray:
        """The normalised joint law of ``query`` (sorted ids; axes in that order) by
        variable elimination, part by part (:meth:`_kept_factors`), each part
        normalised on its own (so that strong evidence in several parts cannot
        underflow their product); refuses a table above ``max_table``."""
        qset = set(query)
        tables: list[fx.Factor] = []
        for keep, factors in self._kept_factors(net, query):
            eliminate = tuple(v for v in keep if v not in qset)
            order, cliques = fx.query_order(tuple(f.vars for f in factors), tuple(keep),
                                            tuple(net.card[v] for v in keep), eliminate)
            biggest = max((fx.clique_entries(c, net.card) for c in cliques), default=1)
            if biggest > self.max_table:
                widest = max(cliques, key=lambda c: fx.clique_entries(c, net.card))
                raise fx.too_wide(biggest, [net.name(v) for v in widest], self.max_table,
                                  "of this expression")
            f = fx.variable_elimination(factors, order)
            total = float(f.table.sum())
            tables.append(fx.Factor(f.vars, f.table / total if total > 0 else f.table))
        return np.asarray(fx.multiply(tables).table, dtype=np.float64)

    def _signing_states(self, lits: Sequence[int], every_day: bool) -> tuple[
            NDArray[np.int64], FloatArray]:
        sp = self.model.signing
        assert sp is not None
        first, last = int(sp.days[0]), int(sp.days[-1])
        cuts = {int(d) for d in sp.days}
        if every_day:
            cuts.update(range(first, last + 1))
        for d in lits:
            cuts.update(c for c in (d - 1, d) if first < c < last)
        grid = np.array(sorted(cuts), dtype=np.int64)
        cdf = np.interp(grid, sp.days, sp.cum)
        return grid[1:], np.diff(cdf)

    def _configurations(self, joint: _Joint, questions: Sequence[str],
                        trees: Sequence[_expr.Expr], *, every: bool = False
                        ) -> Iterator[tuple[FloatArray, list[NDArray[Any]]]]:
        """The configurations of ``joint``'s variables, in chunks: their probabilities
        and the value of each of ``trees`` (and ``questions`` they name) in each.

        Configurations of probability 0 are left out where they are many (a law over
        two dates that follow each other is 0 on about half its pairs of days): they
        add nothing to a sum of probabilities. ``every=True`` keeps them."""
        m = self.model
        nb = m.n_binary
        flat = joint.table.reshape(-1)
        shape = joint.table.shape
        strides = [math.prod(shape[a + 1:]) for a in range(len(shape))]
        dates_of = None
        if joint.signing_days is not None:
            dates_of = np.concatenate([[np.datetime64("NaT", "D")],
                                       joint.signing_days.astype("datetime64[D]")])
        kept = None if every or flat.size < _SPARSE_FROM else np.flatnonzero(flat)
        if kept is not None and not 0 < kept.size <= 0.75 * flat.size:
            kept = None
        total = flat.size if kept is None else kept.size
        for start in range(0, total, _CHUNK):
            idx = np.arange(start, min(total, start + _CHUNK)) if kept is None else \
                kept[start:start + _CHUNK]
            values: dict[str, NDArray[Any]] = {}
            dates: dict[str, NDArray[Any]] = {}
            for a, v in enumerate(joint.vars):
                state = (idx // strides[a]) % shape[a]
                if v >= _xa.ATTR_BASE:  # a numeric attribute: a value per piece
                    values[m.attributes[v - _xa.ATTR_BASE].name] = joint.pieces[v][state]
                    continue
                if v >= nb + len(m.drivers):
                    name = m.dated[v - nb - len(m.drivers)]
                    dates[name] = dfx.day_values(state, m.as_of)
                    values[name] = state != 0
                    continue
                if v >= nb:
                    values[m.drivers[v - nb].name] = joint.values[v][state]
                    continue
                values[m.names[v]] = state != 0
                if v == m.signing_index and dates_of is not None:
                    dates["signing"] = dates_of[state]
            for q in questions:
                values[q] = _expr.evaluate(m.questions[q][0], values, dates)
            yield flat[idx], [_expr.evaluate(t, values, dates) for t in trees]

    # -- counts over many nodes ----------------------------------------------
    def _count_form(self, tree: _expr.Expr) -> tuple[list[int], str, float] | None:
        """``(binary indices, op, k)`` when ``tree`` (through question names) is a count
        of true/false nodes compared with a number — ``at_least(k, ...)``,
        ``at_most``, ``exactly``, ``count(...) >= k`` — over at least
        :data:`COUNT_CHAIN_FROM` nodes; else ``None``."""
        m = self.model
        seen: set[str] = set()
        while isinstance(tree, _expr.Name) and tree.name in m.questions \
                and tree.name not in seen:  # a chain of questions: the user's length, a loop
            seen.add(tree.name)
            tree = m.questions[tree.name][0]
        flip = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "==", "!=": "!="}
        if isinstance(tree, _expr.Call) and tree.func in _COUNT_OPS and tree.k is not None:
            call, op, k = tree, _COUNT_OPS[tree.func], float(tree.k)
        elif isinstance(tree, _expr.Compare) and isinstance(tree.left, _expr.Call) \
                and tree.left.func == "count" and isinstance(tree.right, _expr.NumLit):
            call, op, k = tree.left, tree.op, float(tree.right.value)
        elif isinstance(tree, _expr.Compare) and isinstance(tree.right, _expr.Call) \
                and tree.right.func == "count" and isinstance(tree.left, _expr.NumLit):
            call, op, k = tree.right, flip[tree.op], float(tree.left.value)
        else:
            return None
        if len(call.args) < COUNT_CHAIN_FROM:
            return None
        xs: list[int] = []
        for a in call.args:
            if not isinstance(a, _expr.Name) or a.name not in m.index \
                    or m.index[a.name] in m.conditions:
                return None
            xs.append(m.index[a.name])
        return xs, op, k

    def _count_prob(self, xs: Sequence[int], op: str, k: float,
                    also: int = -1) -> tuple[float, float | None]:
        """P(count of true among ``xs`` ``op`` ``k``) by variable elimination with a chain
        of count variables ``S_j = min(S_{j-1} + x_j, cap)``: tables of ``cap + 1``
        states instead of the ``2**len(xs)`` configurations of the nodes' joint law.
        With ``also`` (a binary index), P(that and ``also``) too, else ``None``."""
        m, net = self.model, self._net
        cap = int(min(len(xs), max(0.0, math.floor(k) + 1.0)))  # counts above cap: same answer
        if not m.plain:  # as _joint: milestones' bits may need their joint factors
            lay = net.dated.lay
            dbits = {m.timing[v].slot for v in [*xs, also] if v in m.timing}
            within = lay.upstream({*xs, also, *self._lik} - {-1})
            if lay.plan((), dbits, within) != net.dplan:
                net = fx.Network(m, list(net.rules), 4 * self.quad_points, self.max_table,
                                 base=net, dates=(), bits=dbits, within=within)
        # with atomic findings, their nodes' weighted factors too (one part: the chain
        # joins the counted nodes)
        parts = self._kept_factors(net, sorted({*xs, also} - {-1}))
        keep = sorted(v for part in parts for v in part[0])
        factors = [f for part in parts for f in part[1]]
        card = dict(net.card)
        first = max(card) + 1
        c = np.arange(cap + 1)
        prev = -1
        for j, x in enumerate(xs):
            s = first + j
            card[s] = cap + 1
            if prev < 0:
                t = (c[None, :] == np.minimum(np.arange(2), cap)[:, None]).astype(np.float64)
                factors.append(fx.Factor((x, s), t))
            else:  # axes (x, S_{j-1}, S_j): the chain's ids are above every other
                t = (c[None, None, :] == np.minimum(np.arange(2)[:, None] + c[None, :],
                                                     cap)[:, :, None]).astype(np.float64)
                factors.append(fx.Factor((x, prev, s), t))
            prev = s
        query = {prev, also} - {-1}
        key = (tuple(sorted(card.items())), tuple(f.vars for f in factors), prev, also)
        order = _COUNT_ORDERS.get(key)
        if order is None:
            scopes = [f.vars for f in factors]
            adj = fx.interaction_graph(scopes, [*keep, *range(first, prev + 1)])
            order, cliques = fx.elimination_order(adj, card, [v for v in adj
                                                              if v not in query])
            widest = max(cliques, key=lambda q: fx.clique_entries(q, card), default=())
            biggest = fx.clique_entries(widest, card)
            if biggest > self.max_table:
                raise fx.too_wide(biggest, [net.name(v) if v < first else "a count"
                                            for v in widest], self.max_table,
                                  "of this count")
            if len(_COUNT_ORDERS) >= 64:
                _COUNT_ORDERS.pop(next(iter(_COUNT_ORDERS)))
            _COUNT_ORDERS[key] = order
        f = fx.variable_elimination(factors, order)
        total = float(f.table.sum())
        law = f.table / total if total > 0 else f.table
        hit = np.asarray(_expr.evaluate(_expr.Compare(op, _expr.Name("c"), _expr.NumLit(k)),
                                        {"c": c.astype(np.float64)}), dtype=bool)
        law = law.reshape(-1, cap + 1)  # (also's 2 states or 1, S_m): also < the chain's ids
        p = min(max(float(law[:, hit].sum()), 0.0), 1.0)
        return p, (min(max(float(law[1, hit].sum()), 0.0), 1.0) if also >= 0 else None)

    # -- probabilities --------------------------------------------------------
    @_names_question
    def prob(self, expr: str, given: str | None = None) -> Estimate:
        """P(expr), or P(expr | given), exactly (``Estimate.exact``: stderr 0).

        .. math:: P(A \\mid B) = \\frac{\\sum_x P(x)\\,[A(x) \\wedge B(x)]}{\\sum_x P(x)\\,[B(x)]}

        over the configurations :math:`x` of the variables the expressions use.

        Raises
        ------
        ConditionError
            When P(given) is 0.
        ScenarioError
            When an expression is malformed or names an unknown node.
        ModelTooWideError
            When the joint law of the expression's variables is too large.

        Examples
        --------
        >>> import pactsim
        >>> from pactsim.results.exact import exact
        >>> sc = pactsim.loads("pactsim: 1\\nid: demo\\nas_of: 2024-01-01\\n"
        ...                    "horizon: 2024-12-31\\nevents:\\n  rain: {p: 0.3}\\n")
        >>> exact(sc).prob("not rain")
        Estimate(0.7, exact)
        """
        a = self._compile(expr, "expr")
        if given is not None and not isinstance(given, str):
            raise _s.given_not_text(given, "prob")
        # the answers of every question, when questions() has computed them; one question
        # asked alone is computed alone (all of them at once cost 100+ ms on the flagship)
        cached = self._qprobs.get(a.name) if isinstance(a, _expr.Name) and \
            self._qprobs is not None else None
        if cached is not None and (given is None or (given.strip() == "signing"
                                                     and cached[1] is not None)):
            if given is None:
                return Estimate.exact(cached[0])
            p_signed = self._p_signed()
            if not p_signed:
                raise ConditionError(
                    f"the condition {given!r} has probability 0 in this scenario, so P({expr} | "
                    f"{given}) is undefined; check the condition")
            return Estimate.exact(min(max(cached[1] / p_signed, 0.0), 1.0))  # type: ignore[operator]
        if given is None:
            if isinstance(a, _expr.Name) and a.name in self.model.index:
                return Estimate.exact(float(self._p[self.model.index[a.name]]))
            form = self._count_form(a)
            if form is not None:
                return Estimate.exact(self._count_prob(*form)[0])
            joint, qs, _ = self._joint([a])
            total = sum(float(p[v].sum()) for p, (v,) in self._configurations(joint, qs, [a]))
            return Estimate.exact(min(max(total, 0.0), 1.0))
        b = self._compile(given, "given")
        joint, qs, _ = self._joint([a, b])
        both = cond = 0.0
        for p, (va, vb) in self._configurations(joint, qs, [a, b]):
            cond += float(p[vb].sum())
            both += float(p[va & vb].sum())
        if cond <= 0.0:
            raise ConditionError(
                f"the condition {given!r} has probability 0 in this scenario, so P({expr} | "
                f"{given}) is undefined; check the condition")
        if cond < MIN_CONDITION:
            raise ConditionError(
                f"the condition {given!r} has probability {cond:.3g}, below {MIN_CONDITION:g}: "
                "too small to divide by in floating point without losing every digit, so "
                f"P({expr} | {given}) cannot be given exactly; condition on something likelier")
        return Estimate.exact(min(max(both / cond, 0.0), 1.0))

    # -- frames ---------------------------------------------------------------
    def _p_signed(self) -> float | None:
        m = self.model
        return float(self._p[m.signing_index]) if m.signing_index >= 0 else None

    def marginals(self) -> pd.DataFrame:
        """One row per binary node (file order): ``p`` and, for pillars and
        clauses, ``p_given_signed`` = P(node) / P(signing) (content implies
        signing); ``stderr`` is 0 and ``lo`` = ``hi`` = ``p``. A categorical
        node's outcome rows follow it, as in :meth:`Results.marginals
        <pactsim.results.montecarlo.Results.marginals>`."""
        m = self.model
        signed = self._p_signed()

        def node(name: str) -> Estimate:
            return Estimate.exact(float(self._p[m.index[name]]))

        def given_signed(name: str) -> Estimate | None:
            if not signed:
                return None
            return Estimate.exact(min(float(self._p[m.index[name]]) / signed, 1.0))

        return _s.marginals_frame(self._shape, m, node, given_signed)

    def outcomes(self, node: str, given: str | None = None) -> pd.DataFrame:
        """The outcomes of categorical ``node``, exactly: as :meth:`Results.outcomes
        <pactsim.results.montecarlo.Results.outcomes>` with standard errors of 0."""
        return _s.outcomes_frame(self.model, node, given, self.marginals, self.prob)

    def questions(self) -> pd.DataFrame:
        """Boolean questions: exact ``p`` (``stderr`` 0, ``lo`` = ``hi`` = ``p``), the
        text, and ``p_given_signed`` = P(question | signed)."""
        signed = self._p_signed()
        probs = self._question_probs()

        def given_signed(name: str) -> Estimate | None:
            if not signed:
                return None
            joint = probs[name][1] if name in probs else None
            if joint is None:
                # a question answered alone whose joint law with the signing is beyond
                # exact inference: its P(yes | signed) is left blank, and the reason kept
                # (review-numbers14: the whole run was refused for that one column)
                try:
                    return self.prob(name, given="signing")
                except (ModelTooWideError, ExactUnsupportedError) as err:
                    self.unanswered_given_signed[name] = str(err).split(";")[0]
                    return None
            return Estimate.exact(min(max(joint / signed, 0.0), 1.0))

        def question(name: str) -> Estimate:
            return Estimate.exact(probs[name][0]) if name in probs else self.prob(name)

        return _s.questions_frame(self._shape, self.model, question, given_signed)

    def _question_probs(self) -> dict[str, tuple[float, float | None]]:
        """P(q) and P(q and signed) (``None`` without signing) of every true/false
        question exact inference can answer, computed once (a question it cannot
        answer is left out; :meth:`prob` then raises why).

        Questions that need the same base variables share one joint law and one
        pass over its configurations, so a chain of thousands of questions costs
        one evaluation of each, not one of each per question.
        """
        if self._qprobs is not None:
            return self._qprobs
        m = self.model
        trees = {q: tree for q, (tree, _t) in m.questions.items()}
        base: dict[str, frozenset[str]] = {}
        for q in _expr.dependency_order(trees):  # children first: no recursion
            found: set[str] = set()
            for n in _expr.names(trees[q]):
                found |= base.get(n, frozenset()) if n in trees else {n}
            base[q] = frozenset(found)
        signed = m.signing_index >= 0
        groups: dict[frozenset[str], list[str]] = {}
        out: dict[str, tuple[float, float | None]] = {}
        for q, (_tree, t) in m.questions.items():
            form = self._count_form(_expr.Name(q)) if t == "bool" else None
            if form is not None:  # a count over many nodes: its own chain
                # left out when refused: prob() raises the error on its own
                with contextlib.suppress(ModelTooWideError, ExactUnsupportedError):
                    out[q] = self._count_prob(*form, also=m.signing_index)
            elif t == "bool":
                groups.setdefault(base[q] | ({"signing"} if signed else set()), []).append(q)
        for group in groups.values():
            exprs: list[_expr.Expr] = [_expr.Name(q) for q in group]
            if signed:
                exprs.append(_expr.Name("signing"))
            try:
                joint, needed, _ = self._joint(exprs)
            except (ModelTooWideError, ExactUnsupportedError):
                continue  # left out: prob() of each raises the error on its own
            acc = np.zeros(len(group))
            acc_signed = np.zeros(len(group))
            for p, values in self._configurations(joint, needed, exprs):
                s = np.asarray(values[-1], dtype=bool) if signed else None
                for i in range(len(group)):
                    v = np.asarray(values[i], dtype=bool)
                    acc[i] += float(p[v].sum())
                    if s is not None:
                        acc_signed[i] += float(p[v & s].sum())
            for i, q in enumerate(group):
                out[q] = (min(max(float(acc[i]), 0.0), 1.0),
                          min(max(float(acc_signed[i]), 0.0), 1.0) if signed else None)
        self._qprobs = out
        return out

    def bundles(self, top: int | None = 10, *, of: str = "all") -> pd.DataFrame:
        """The most likely texts, exactly: as :meth:`Results.bundles
        <pactsim.results.montecarlo.Results.bundles>` with probabilities in
        ``p`` and ``count`` (standard error 0, ``bound`` 0).

        The joint law of the set's members is built, so a long set (every
        pillar and clause of a large scenario) may raise
        :class:`~pactsim.errors.ModelTooWideError`; ``of="pillars"`` or a
        pillar's name stays small.
        """
        top = _s.top_count(top)
        order = _s.file_order(self._shape, self.model)
        groups = bundle_groups(self.model, order)
        pillars = list(groups.get("pillars", ()))
        key = _s.bundle_group(of, groups, pillars)
        members = groups.get(key, ())
        if not members:
            return pd.DataFrame([], columns=_s.BUNDLE_COLUMNS)
        trees: list[_expr.Expr] = [_expr.Name(n) for n in members]
        try:
            joint, qs, _ = self._joint(trees)
        except ModelTooWideError as err:  # the set was not written as an expression
            smaller = [f"bundles(of={x!r})" for x in ("pillars", "clauses")
                       if x != key and groups.get(x)] + ["bundles(of=<a pillar's name>)"]
            said = str(err).replace("of this expression ", f"of the sets of {len(members)} "
                                    f"{'pillars and clauses' if key == 'all' else key} ", 1)
            raise ModelTooWideError(
                f"{said}; {', '.join(smaller[:-1])} or {smaller[-1]} take fewer at once",
                width=err.width) from None
        mass: dict[int, float] = {}
        weights = 1 << np.arange(len(members) - 1, -1, -1, dtype=np.int64)
        for p, values in self._configurations(joint, qs, trees):
            keys = np.stack([np.asarray(v, dtype=np.int64) for v in values], axis=1) @ weights
            uniq, inv = np.unique(keys, return_inverse=True)
            for k, w in zip(uniq.tolist(), np.bincount(inv.ravel(), weights=p).tolist(),
                            strict=True):
                mass[k] = mass.get(k, 0.0) + w
        seen = [k for k, w in mass.items() if w > 0]
        flags = ((np.array(seen, dtype=np.int64)[:, None] >> np.arange(len(members) - 1, -1, -1))
                 & 1).astype(bool).reshape(len(seen), len(members))
        probs = np.array([mass[k] for k in seen], dtype=np.float64)
        return _s.bundles_frame(members, flags, probs, lambda x: Estimate.exact(float(x)), 0,
                                top)

    def _numeric_tree(self, name: object) -> tuple[_expr.Expr, str]:
        """The tree and kind (``number``/``date``) of a numeric question's name or of a
        numeric expression; refuses what is not one."""
        if not isinstance(name, str):
            raise ArgumentTypeError(f"name must be an expression (a str), not {name!r}")
        m = self.model
        if name in m.questions and m.questions[name][1] != "bool":
            return m.questions[name]
        return _s.numeric_expression(name, m, self._shape.horizon)

    @_names_question
    def numeric(self, name: str, probs: Sequence[float] = _s.QUANTILE_LEVELS) -> NumericSummary:
        """Exact distribution of a numeric or date question, or of any numeric
        expression (``"count(military, energy)"``, a driver's name, ``"signing.date"``).

        ``mean`` and ``sd`` (population) are over configurations with a value,
        ``missing`` is P(no value), ``histogram`` maps each value to its
        probability and quantiles are the smallest values whose conditional CDF
        reaches each level of ``probs`` (default 0.1, 0.5, 0.9). A question that
        is a driver gets the driver's own moments and quantiles (no histogram).
        """
        levels = _s.quantile_levels(probs)
        m = self.model
        tree, kind = self._numeric_tree(name)
        att = _xa.attribute_of(m, tree)
        if att is not None:
            return self._attribute_summary(name, kind, att, levels)
        drv = self._driver_of(tree)
        if drv is not None:
            d = m.drivers[m.driver_names.index(drv)]
            from scipy import stats  # lazily: `import pactsim` stays light

            if d.dist == "normal":
                law = stats.norm(d.a, d.b)
                qs = {q: float(law.ppf(q)) for q in levels}
                return NumericSummary(name, kind, float(law.mean()), float(law.std()), 0.0,
                                      qs, None, 0.0)
            # uniform(low, high), written so that bounds near the float limit do not overflow
            half = d.b / 2 - d.a / 2
            qs = {q: d.a * (1 - q) + d.b * q for q in levels}
            return NumericSummary(name, kind, d.a / 2 + d.b / 2, half / math.sqrt(3), 0.0, qs,
                                  None, 0.0)
        joint, needed, _ = self._joint([tree], every_day=(kind == "date"))
        acc: dict[float, float] = {}
        missing = 0.0
        for p, (v,) in self._configurations(joint, needed, [tree]):
            if kind == "date":
                nat = np.isnat(v)
                missing += float(p[nat].sum())
                p, x = p[~nat], v[~nat].astype(np.int64).astype(np.float64)
            else:
                x = np.asarray(v, dtype=np.float64)
                nan = np.isnan(x)
                if nan.any():
                    missing += float(p[nan].sum())
                    p, x = p[~nan], x[~nan]
            vals, inv = np.unique(x, return_inverse=True)
            for val, w in zip(vals, np.bincount(inv, weights=p, minlength=len(vals)),
                              strict=True):
                acc[float(val)] = acc.get(float(val), 0.0) + float(w)
        hist = pd.Series(acc, dtype=float).sort_index()
        # the values the scenario can take (configurations of probability 0 are not
        # evaluated on large joint laws: listed nowhere, whatever the law's size)
        hist = hist[hist > 0]
        total = float(hist.sum())
        if total <= 0:
            return NumericSummary(name, kind, math.nan, math.nan, 0.0, {}, hist, 1.0)
        xs, ps = hist.index.to_numpy(dtype=float), hist.to_numpy() / total
        mean = float(xs @ ps)
        sd = math.sqrt(max(float(((xs - mean) ** 2) @ ps), 0.0))
        cum = np.cumsum(ps)
        quantiles = {q: float(xs[min(int(np.searchsorted(cum, q - 1e-12)), len(xs) - 1)])
                     for q in levels}
        return NumericSummary(name, kind, mean, sd, 0.0, quantiles, hist,
                              min(max(missing, 0.0), 1.0))

    def _attribute_summary(self, name: str, kind: str, plan: Any,
                           levels: Sequence[float] = _s.QUANTILE_LEVELS) -> NumericSummary:
        """A numeric attribute's law: the mixture of its rows' laws, weighted by the
        (exact) probabilities of its parents' rows (see :mod:`.exact_attributes`)."""
        m = self.model
        evidence = list(getattr(self, "_ev_trees", ())) if getattr(self, "_active", False) \
            else []
        # conditioned results (exact_evidence) reweight the parents' rows, which is exact
        # unless the evidence is on the attribute itself
        if evidence and plan.name in self._closure(evidence)[0]:
            raise ModelTooWideError(
                f"exact inference gives the law of the numeric attribute '{plan.name}' as a "
                "mixture over its parents' rows, which evidence on the attribute itself "
                "changes; use pactsim.simulate(..., evidence=...)", width=1)
        if not plan.parents:
            return _xa.summary(name, kind, plan, {0: 1.0}, 0.0, levels)
        trees: list[_expr.Expr] = [_expr.Name(m.names[p]) for p in plan.parents]
        pos = {p: j for j, p in enumerate(plan.parents)}
        width = 1 << len(plan.given)
        rows = np.zeros(width)
        missing = 0.0
        joint, qs, _ = self._joint(trees)
        for p, vals in self._configurations(joint, qs, trees):
            bits = [np.broadcast_to(np.asarray(v, dtype=bool), p.shape) for v in vals]
            row = np.zeros(p.shape, dtype=np.intp)
            for j, g in enumerate(plan.given):
                row |= bits[pos[g]].astype(np.intp) << j
            ok = np.ones(p.shape, dtype=bool)
            for g in plan.gates_true:
                ok &= bits[pos[g]]
            for g in plan.gates_false:
                ok &= ~bits[pos[g]]
            rows += np.bincount(row[ok], weights=p[ok], minlength=width)
            missing += float(p[~ok].sum())
        probs = {r: float(w) for r, w in enumerate(rows)
                 if w > 0 and plan.quantities[r] is not None}
        missing += float(sum(w for r, w in enumerate(rows) if plan.quantities[r] is None))
        return _xa.summary(name, kind, plan, probs, missing, levels)

    # -- signing date ---------------------------------------------------------
    def key_dates(self) -> list[dt.date]:
        """The scenario's ``by`` dates plus quarter ends up to the horizon."""
        return self.scenario.key_dates()

    def dated(self) -> list[str]:
        """Names of the dated nodes (signing, dated events, milestones), file order."""
        return list(self.model.dated)

    def _cdf(self, days: NDArray[np.int64]) -> FloatArray:
        sp = self.model.signing
        if sp is None:
            raise PactsimError("this scenario has no `signing` section, so no signing date")
        return np.interp(days, sp.days, sp.cum, left=0.0, right=float(sp.cum[-1]))

    def _date_cum(self, node: object) -> FloatArray:
        """P(``node``'s day <= as_of + i) for i = 0..W (exact, from its day variable)."""
        m = self.model
        slot = _s.date_slot(m, node)
        if m.plain:  # the format-1 signing curve itself
            return self._cdf(np.arange(m.as_of, m.horizon + 1))
        cached = self._date_cache.get(slot)
        if cached is not None:
            return cached
        net = self._net
        var = net.dated.lay.date_var(slot)
        if slot in net.date_slots:
            pmf = self._tree.marginal(var)
        else:
            tree: _expr.Expr = _expr.DateOf(m.dated[slot])
            joint, _, _ = self._joint([tree])
            ax = joint.vars.index(var)
            pmf = joint.table.sum(axis=tuple(a for a in range(joint.table.ndim) if a != ax))
        cum = np.concatenate([[0.0], np.cumsum(pmf[1:])])
        cum = np.asarray(np.minimum(np.maximum(cum, 0.0), 1.0), dtype=np.float64)
        self._date_cache[slot] = cum
        return cum

    def date_cdf(self, node: str, dates: Any = None) -> pd.DataFrame:
        """Exact P(``node`` happened on or before each date), as :meth:`Results.date_cdf
        <pactsim.results.montecarlo.Results.date_cdf>`: columns ``p``, ``stderr`` (0),
        ``lo`` = ``hi`` = ``p``, indexed by date. For the format-1 signing this is
        :math:`F(d)`, linear between the ``by`` points from 0 at ``as_of``."""
        m = self.model
        if m.plain and _s.date_slot(m, node) >= 0:
            days = _s.day_numbers(dates, m)
            p = self._cdf(days)
            return _s.cdf_frame(days, p, np.zeros_like(p), p, p)
        cum = self._date_cum(node)
        days = _s.day_numbers(dates, m)
        idx = np.clip(days - m.as_of, -1, len(cum) - 1)
        p = np.where(idx < 0, 0.0, cum[np.maximum(idx, 0)])
        return _s.cdf_frame(days, p, np.zeros_like(p), p, p)

    @overload
    def date_quantiles(self, node: str, probs: Sequence[float] = ..., *,
                       given_happened: bool = ..., band: Literal[False] = ...) -> pd.Series: ...

    @overload
    def date_quantiles(self, node: str, probs: Sequence[float] = ..., *,
                       given_happened: bool = ..., band: Literal[True]) -> pd.DataFrame: ...

    def date_quantiles(self, node: str, probs: Sequence[float] = (0.1, 0.5, 0.9), *,
                       given_happened: bool = True, band: bool = False
                       ) -> pd.Series | pd.DataFrame:
        """Quantiles of ``node``'s date, as :meth:`Results.date_quantiles
        <pactsim.results.montecarlo.Results.date_quantiles>` (``NaT`` beyond its chance by
        the horizon; ``given_happened``: among outcomes where it happened). With
        ``band=True`` the same frame as Monte Carlo's, its band of width 0 (``lo`` and
        ``hi`` are the date: an exact answer has no sampling error)."""
        levels = _s.quantile_levels(probs)
        if not isinstance(band, bool):
            raise ArgumentTypeError(f"band must be True or False, not {band!r}")
        cum = self._date_cum(node)
        total = float(cum[-1]) if given_happened else 1.0
        q = _s.date_quantiles(cum, self.model.as_of, levels, total, f"{node}_date")
        if not band:
            return q
        return pd.DataFrame({"date": q.to_numpy(), "lo": q.to_numpy(), "hi": q.to_numpy()},
                            index=pd.Index(list(q.index), name="level")
                            ).astype("datetime64[s]")

    @property
    def plot(self) -> PlotAccessor:
        """Plots of these exact answers, as :attr:`Results.plot
        <pactsim.results.montecarlo.Results.plot>` (no Monte Carlo bands; needs
        matplotlib)."""
        from pactsim.views.plot import PlotAccessor

        return PlotAccessor(self)

    def signing_cdf(self, dates: Any = None) -> pd.DataFrame:
        """Exact P(signed on or before each date): :meth:`date_cdf` of ``signing``.

        ``dates`` as in :meth:`Results.signing_cdf
        <pactsim.results.montecarlo.Results.signing_cdf>` (one date or a
        sequence; default every day from ``as_of`` to the horizon). Columns
        ``p``, ``stderr`` (0), ``lo`` = ``hi`` = ``p``, indexed by date.
        """
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
        (``band=True``: the same frame as Monte Carlo's, its band of width 0)."""
        if self.model.signing_index < 0:
            raise PactsimError("this scenario has no `signing` section, so no signing date")
        if band:
            return self.date_quantiles("signing", probs, given_happened=given_signed, band=True)
        return self.date_quantiles("signing", probs, given_happened=given_signed)


#: Networks (by quadrature points) of the structures evaluated last, most recent
#: last: a model with the same structure reuses the factors of every node whose
#: numbers did not change (see :class:`~pactsim.inference.factors.Network`), and
#: the elimination order and junction tree shape are cached by structure in
#: :mod:`pactsim.inference.factors`. Only networks of at most
#: :data:`_RECENT_ENTRIES` table entries are kept.
_RECENT: dict[tuple[Any, ...], dict[int, fx.Network]] = {}
_RECENT_SIZE = 8
_RECENT_ENTRIES = 1 << 18  # 2 MiB of float64 per structure, 16 MiB in all


class _Variant:
    """A scenario with changes of numbers (:meth:`ExactResults.with_changes`), one step
    per call, validated when first read: ``digest`` (a compiled model's) and
    ``scenario``."""

    def __init__(self, renumber: Any, steps: tuple[dict[str, Any], ...]) -> None:
        self.renumber = renumber
        self.base: Scenario = renumber.scenario
        self.steps = steps
        self._scenario: Scenario | None = None

    @property
    def scenario(self) -> Scenario:
        if self._scenario is None:
            s = self.base
            for step in self.steps:
                s = s.with_changes(step)
            self._scenario = s
        return self._scenario

    @property
    def digest(self) -> str:
        return self.scenario.digest


@dataclass(frozen=True)
class _Recipe:
    """How :func:`exact` made a result, for :meth:`ExactResults.with_changes`: the
    intervention (and the scenario before it), the evidence passed and whether the
    file's observations were read."""

    undone: Scenario | None
    do: Mapping[str, Any] | None
    evidence: object
    observations: bool


def _structure_key(model: CompiledModel) -> tuple[Any, ...]:
    """The scenario's structure without its numbers: nodes, parents, gates, drivers,
    which rows have an uncertain p with odds."""
    timing = tuple((i, t.slot, getattr(t, "anchors", None), getattr(t, "mode", None),
                    getattr(t, "given", None), t.hazard.parents, t.hazard.drivers,
                    getattr(t, "gates_true", None), getattr(t, "gates_false", None))
                   for i, t in sorted(model.timing.items()))
    return (model.names, model.dated, timing,
            tuple(d.name + ":" + d.dist for d in model.drivers),
            tuple((p.kind, p.given, p.odds_parents, p.drivers, p.gates_true, p.gates_false,
                   None if p.beta_given is None else tuple(np.isnan(p.beta_given[:, 0])))
                  for p in model.plans))


def _forget_structures() -> None:
    """Clear every cache of structure exact inference keeps (for cold-start
    benchmarks and tests): recent networks, orders, tree shapes, clique sizes,
    parsed question texts."""
    from pactsim.inference import compile as _compile

    _compile._parse.cache_clear()
    _RECENT.clear()
    fx._min_fill_plan.cache_clear()
    fx.query_order.cache_clear()
    fx._tree_structure.cache_clear()
    fx._clique_sizes.cache_clear()


def _remember(key: tuple[Any, ...], nets: dict[int, fx.Network]) -> None:
    """Keep ``nets`` for ``key`` (if small), dropping the least recently used beyond
    :data:`_RECENT_SIZE` structures."""
    if sum(f.table.size for net in nets.values() for f in net.factors) > _RECENT_ENTRIES:
        _release(nets)
        return
    _RECENT.pop(key, None)
    _RECENT[key] = nets
    for old in list(_RECENT)[:-_RECENT_SIZE]:
        _release(_RECENT.pop(old))


def _release(nets: dict[int, fx.Network]) -> None:
    """Drop the tables the networks' trees keep for reuse (no later evaluation finds them)."""
    for net in nets.values():
        if net.tree is not None:
            net.tree.release()


#: Accepted ``quad_points`` of :func:`exact`: with 200, a steep driver's rule
#: has a few thousand nodes and its check twice that; far more only costs time.
QUAD_POINTS = (2, 200)
#: Accepted ``max_table`` of :func:`exact`: 2**31 entries is 16 GiB per table.
MAX_TABLE = (1, 2**31)


def _whole_arg(value: object, name: str, bounds: tuple[int, int], what: str) -> int:
    """``value`` as an int within ``bounds``, or an argument error naming ``name``."""
    lo, hi = bounds
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ArgumentTypeError(f"{name} must be a positive integer (an int; {what}), "
                                f"not {value!r}")
    if not lo <= int(value) <= hi:
        raise ArgumentError(f"{name} must be a positive integer from {lo:,} to {hi:,} "
                            f"({what}), not {int(value):,}")
    return int(value)


def exact(scenario: Scenario, *, quad_points: int = 24, max_table: int = 2**24,
          progress: bool | None = None, do: Mapping[str, Any] | None = None,
          evidence: object = None, observations: bool = True) -> ExactResults:
    """Exact inference on a scenario: every probability :func:`pactsim.simulate` estimates.

    Parameters
    ----------
    scenario:
        A validated scenario (:func:`pactsim.load`).
    quad_points:
        Gauss nodes per driver (Hermite for normal, Legendre for uniform);
        where steep odds or a comparison split a driver's range, and for
        uncertain probabilities with odds, ``quad_points / 2`` Gauss–Legendre
        nodes per piece. From 2 to 200 (:data:`QUAD_POINTS`). The error is
        bounded in ``quadrature_error``.
    max_table:
        Largest table (entries) exact inference may build, from 1 to 2**31
        (:data:`MAX_TABLE`); a model or an expression that needs more raises
        :class:`~pactsim.errors.ModelTooWideError` before allocating it.
    progress:
        Show a progress bar while calibrating (``True``/``False``; ``None``:
        only for long, interactive runs).
    do:
        An intervention, as in :func:`pactsim.simulate`: the answers are those of
        ``scenario.do(do)`` (nodes set, their causes cut).
    evidence:
        What has been learnt (applied after ``do``): an expression that holds
        (``"not signing.date <= 2024-12-01"``), a mapping of node names to
        True/False or to the day a dated node happened, ``pactsim.soft(expr,
        ratio)`` (:func:`pactsim.language.evidence.soft`) for a likelihood ratio, or
        a list of these (:func:`pactsim.language.evidence.as_findings`). Every answer is then
        conditioned on it (:class:`~pactsim.results.exact_evidence.ConditionedExactResults`).
    observations:
        Condition also on the scenario file's ``observations:`` (the default, as
        :func:`pactsim.simulate`; see :func:`pactsim.language.evidence.evidence_for`);
        ``False``: on ``evidence`` alone.

    Returns
    -------
    ExactResults

    Raises
    ------
    ArgumentTypeError, ArgumentError
        An argument of the wrong type or outside its range; the message names it.
    ModelTooWideError
        A table above ``max_table`` would be needed.
    ExactUnsupportedError
        A dated model (format 2) whose timing exact inference does not handle,
        named in the message (use :func:`pactsim.simulate` for it): a milestone
        that follows dated nodes descending from different curve-timed nodes, a
        milestone whose anchors share milestones along separate chains (no one
        milestone whose day makes them independent), a
        milestone whose chance or delay depends on a milestone of its own group
        that it follows or shares an anchor with (other than through its
        anchors), a condition that reads a driver, or conditions (or evidence)
        that need the joint law of three or more days or bits of one group that
        depend on each other; also evidence that compares a driver with anything
        but a number.
    ConditionError
        The evidence is impossible (or below :data:`MIN_CONDITION`); the message
        names the findings.
    ScenarioError
        A finding names an unknown node or is malformed.

    Notes
    -----
    Re-evaluation with new numbers is cheap: the structure of the last few
    scenarios evaluated (nodes, parents, gates, drivers; not their numbers) is
    remembered with its elimination order, junction-tree shape and factors, so
    ``exact(sc.with_changes({"su35_sale.p": 0.5}))`` after ``exact(sc)``
    rebuilds only the changed node's factor and redoes the arithmetic the change
    reaches (about 1 ms on the flagship, ``benchmarks/bench_reeval.py``), and
    ``exact(sc).with_changes({"su35_sale.p": 0.5})``
    (:meth:`ExactResults.with_changes`) also skips validating and compiling the
    whole variant (under 1 ms in all, against about 6 ms). The answers are those
    of a cold start, to the last bit.

    Examples
    --------
    >>> import pactsim
    >>> sc = pactsim.loads("pactsim: 1\\nid: demo\\nas_of: 2024-01-01\\nhorizon: 2024-12-31\\n"
    ...                    "events:\\n  rain: {p: 0.3}\\n  wet: {p: 0.9, requires: [rain]}\\n")
    >>> round(exact(sc).prob("wet").value, 12)
    0.27
    >>> round(exact(sc, evidence="wet").prob("rain").value, 12)   # wet needs rain
    1.0
    >>> from pactsim.language.evidence import soft
    >>> ex = exact(sc, evidence=soft("wet", 3.0))                 # news 3x as likely if wet
    >>> round(ex.prob("wet").value, 6)                            # 3(.27) / (3(.27) + .73)
    0.525974
    """
    if not isinstance(scenario, Scenario):
        raise ArgumentTypeError(f"scenario: exact() needs a Scenario (from pactsim.load), "
                                f"not {type(scenario).__name__}")
    undone = scenario
    if do is not None:
        scenario = scenario.do(do)  # checks do first (review-api27: dict(do) met a string)
    recipe = _Recipe(undone if do is not None else None,
                     None if do is None else dict(do), evidence, observations)
    quad_points = _whole_arg(quad_points, "quad_points", QUAD_POINTS,
                             "Gauss points per driver; 24 by default")
    max_table = _whole_arg(max_table, "max_table", MAX_TABLE,
                           "entries of the largest table; 2**24 by default")
    if progress is not None and not isinstance(progress, bool):
        raise ArgumentTypeError(f"progress must be True, False or None, not {progress!r}")
    if not isinstance(observations, bool):
        raise ArgumentTypeError(f"observations must be True or False, not {observations!r}")
    findings = evidence_for(scenario, evidence, observations=observations)
    model = compile_scenario(scenario)
    if findings:
        from pactsim.results.exact_evidence import ConditionedExactResults

        try:
            res: ExactResults = ConditionedExactResults(
                scenario, model, quad_points=quad_points, max_table=max_table,
                progress=progress, evidence=findings)
        except ConditionError as err:  # an observation in the file: said at its line
            raise at_observation(scenario, err, observations) from None
    else:
        res = ExactResults(scenario, model, quad_points=quad_points, max_table=max_table,
                           progress=progress)
    res._recipe = recipe
    return res

