"""Exact inference under evidence: :func:`pactsim.exact` with ``evidence=``.

:class:`ConditionedExactResults` is an :class:`~pactsim.results.exact.ExactResults`
whose every answer is conditioned on a list of
:class:`~pactsim.language.evidence.Finding` (issue 11, item 2). Each finding
:math:`i` is an expression :math:`E_i` of the scenario language; hard ones
must hold, a soft one with likelihood ratio :math:`r_i` weights the worlds
where it holds by :math:`r_i`. A configuration :math:`x` of the model gets the
weight

.. math:: w(x) = \\prod_{i\\ \\text{hard}} [E_i(x)] \\prod_{i\\ \\text{soft}} r_i^{[E_i(x)]},

and every probability becomes

.. math::

    P(Q \\mid \\text{evidence}) = \\frac{\\sum_x P(x)\\, w(x)\\, [Q(x)]}{\\sum_x P(x)\\, w(x)},

so with one soft finding :math:`P(Q \\mid \\text{news}) = (r P(Q, E) + P(Q, \\neg E)) /
(r P(E) + P(\\neg E))`, and with hard ones only :math:`P(Q \\mid E)`.

How
---
The findings are split in two.

*Atomic* findings are a binary node's name or ``not`` it (``x == level`` of a
categorical node is its outcome's row, so it counts), the node neither dated
nor a condition on dates; a finding on a date (``signing.date <= ...``) or any
other expression is not atomic. An atomic finding is a likelihood vector on
its node: hard ``[0, 1]`` (``not``: ``[1, 0]``), soft ``[1, r]`` (``[r, 1]``).
The vectors of each node's findings are multiplied (added in logs) and
scaled so that the larger entry is 1, the scale :math:`c_a` (the sum of
the nodes' largest log entries) kept aside; each node's factor is multiplied
by its vector and the junction tree is calibrated again, with the order and
shape of the prior tree (cached by structure, so re-evaluation with new
numbers stays cheap). Every marginal and every joint law
read from that tree is then conditioned on the atomic findings, and the
ratio of its total to the prior tree's, part by connected part (log totals
add, so thousands of findings on separate nodes do not underflow), is the
scaled normaliser :math:`Z_a = \\sum_x P(x) w_a(x) / e^{c_a}`. Joint laws that
one clique does not hold are eliminated over the ancestors of the query
*and* of the findings' nodes, the weighted factors included, part by
connected part (parts without a query variable only scale the law and are
left out), and so are counts over many nodes (the chain of count variables).
With hard atomic findings and soft ones, a second tree calibrated with the
hard ones alone gives their probability, :math:`P(\\text{hard}) = Z_h`.

The *other* findings take the general path: every joint law the answers build
(for an expression, a group of questions, a bundle table, a numeric question
or a date's law) is built over the variables of the query *and* those of
these findings (:meth:`ExactResults._joint
<pactsim.results.exact.ExactResults._joint>`: one clique of the tree above
when possible, else variable elimination, dated findings splitting the
signing states or using the days of dated nodes as any expression does), and
each configuration is weighted by their :math:`w_r(x)`. Their normaliser
:math:`Z_r = \\sum_x P(x \\mid \\text{atomic}) w_r(x) / e^{c_r}` is computed once from
their own joint law (again for a query whose joint law uses other quadrature
nodes, where a comparison splits a driver's range), and ``log_evidence`` is
:math:`\\log Z_a + c_a + \\log Z_r + c_r`; ``p_evidence`` is :math:`Z_h` times the
probability of the other hard findings under the tree of the hard ones. A
node's marginal is read from the tree when every finding is atomic, else
one joint law per node (about 0.5 ms each on the flagship).

Soft weights of the other findings are computed as :math:`\\exp(\\sum_i [E_i]
\\log r_i - c_r)` with :math:`c_r` the largest exponent of a possible
configuration, so a thousand findings with ratios of 1e300 neither overflow
nor lose the answer. Where the atomic scaling (by each node's largest
weight, not by the largest weight of a possible configuration) leaves a part
of the tree or :math:`Z_r` below :data:`~pactsim.results.exact.MIN_CONDITION` —
ratios far beyond 1e300 against each other — every finding takes the
general path instead.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from pactsim.errors import (
    ArgumentTypeError,
    ConditionError,
    ModelTooWideError,
    Problem,
    ScenarioError,
    printable,
)
from pactsim.inference import factors as fx
from pactsim.inference.compile import CompiledModel
from pactsim.language import expr as _expr
from pactsim.language.evidence import Finding
from pactsim.language.scenario import Scenario
from pactsim.results import summary as _s
from pactsim.results.estimate import Estimate
from pactsim.results.exact import MIN_CONDITION, ExactResults, weighted_factor
from pactsim.results.summary import NumericSummary

__all__ = ["ConditionedExactResults"]

FloatArray = NDArray[np.float64]


class _Vanished(Exception):
    """The atomic findings' scaled weights left a normaliser too small to divide by
    (ratios far beyond 1e300 against other findings): every finding goes into the
    joint laws instead, whose weights are scaled by what is possible."""


def _shown(findings: Sequence[Finding]) -> str:
    return ", ".join(repr(f.expr) if f.hard else f"{f.expr!r} (x{f.likelihood_ratio:g})"
                     for f in findings)


class ConditionedExactResults(ExactResults):
    """Exact answers given evidence, from :func:`pactsim.exact` with ``evidence=``.

    The surface of :class:`~pactsim.results.exact.ExactResults` (``prob``,
    ``marginals``, ``questions``, ``bundles``, ``numeric``, ``date_cdf``,
    ``date_quantiles``, ``signing_cdf``, ``signing_quantiles``…), every answer
    conditioned on the evidence (see the module notes for the maths);
    standard errors are 0.

    Attributes
    ----------
    evidence:
        The findings, as given (:class:`~pactsim.language.evidence.Finding`).
    p_evidence:
        The prior probability that every hard finding holds (1.0 with soft
        findings only).
    log_evidence:
        :math:`\\log \\sum_x P(x)\\, w(x)`: the log likelihood of the evidence under
        the scenario's numbers (soft ratios as given; up to a constant that does
        not depend on those numbers, the log probability of the news). Comparing
        it across variants weighs them by how well they predicted the news
        (:func:`pactsim.spread` does under a file's observations).
    quadrature_error:
        The unconditioned bound (see :class:`~pactsim.results.exact.ExactResults`)
        propagated through the division: twice the bound over the evidence's
        (scaled) normaliser. 0.0 where the model has no quadrature.
    """

    def __init__(self, scenario: Scenario, model: CompiledModel, *, quad_points: int,
                 max_table: int, progress: bool | None,
                 evidence: Sequence[Finding]) -> None:
        self._active = False  # answers are unconditioned until the evidence is checked
        self._cond_p: FloatArray | None = None
        super().__init__(scenario, model, quad_points=quad_points, max_table=max_table,
                         progress=progress)
        if not evidence:
            raise ArgumentTypeError("ConditionedExactResults needs at least one finding")
        self.evidence: tuple[Finding, ...] = tuple(evidence)
        trees: list[_expr.Expr] = []
        problems: list[Problem] = []
        for f in self.evidence:
            try:
                trees.append(self._compile(f.expr, "evidence"))
            except ScenarioError as err:  # report every bad finding, not only the first
                problems += err.problems
        if problems:
            raise ScenarioError(problems)
        self._ev_trees = trees
        self._prior_tree = self._tree
        self._components: list[int] | None = None
        self._evidence_dates: dict[int, FloatArray] = {}
        self._z_cache: dict[tuple[Any, ...], float] = {}
        try:
            self._condition(self._atomic())
        except _Vanished:  # scaled atomic weights left nothing: every finding in joint laws
            self._z_cache.clear()
            self._condition({})
        self._active = True

    # -- which findings are atomic ----------------------------------------------

    def _again(self, scenario: Any, model: CompiledModel) -> ConditionedExactResults:
        """Results of another model given the same evidence (:meth:`with_changes`)."""
        out = ConditionedExactResults(scenario, model, quad_points=self.quad_points,
                                      max_table=self.max_table, progress=None,
                                      evidence=self.evidence)
        out._recipe = self._recipe
        return out
    def _atomic(self) -> dict[int, tuple[int, int]]:
        """``{finding: (binary variable, state it says)}`` of the atomic findings: a
        binary node's name or ``not`` it (``x == level`` of a categorical node is its
        outcome's row), the node neither dated nor a condition on dates."""
        m = self.model
        out: dict[int, tuple[int, int]] = {}
        for i, tree in enumerate(self._ev_trees):
            state = 1
            if isinstance(tree, _expr.Not):
                tree, state = tree.operand, 0
            if isinstance(tree, _expr.Name) and tree.name in m.index:
                v = m.index[tree.name]
                if v not in m.timing and v not in m.conditions:
                    out[i] = (v, state)
        return out

    def _condition(self, atomic: dict[int, tuple[int, int]]) -> None:
        """Enter the atomic findings into calibrated trees, the rest into joint laws;
        set ``p_evidence``, ``log_evidence`` and the normalisers, or refuse the evidence.

        Raises :class:`_Vanished` when the scaled weights of the atomic findings
        leave a normaliser too small to divide by though the evidence is possible."""
        ev = self.evidence
        rest = [i for i in range(len(ev)) if i not in atomic]
        self._rest = [ev[i] for i in rest]
        self._rest_trees = [self._ev_trees[i] for i in rest]
        self._hard = [j for j, i in enumerate(rest) if ev[i].hard]
        self._soft = [(j, math.log(float(ev[i].likelihood_ratio or 1.0)))
                      for j, i in enumerate(rest)
                      if ev[i].likelihood_ratio is not None and ev[i].likelihood_ratio != 1]
        hard_ones = [f for f in ev if f.hard]
        # log likelihoods by node: hard ones alone, and every atomic finding
        log_hard: dict[int, FloatArray] = {}
        log_all: dict[int, FloatArray] = {}
        for i, (v, state) in atomic.items():
            f = ev[i]
            if f.hard:
                log_hard.setdefault(v, np.zeros(2))[1 - state] = -math.inf
                log_all.setdefault(v, np.zeros(2))[1 - state] = -math.inf
            elif f.likelihood_ratio != 1:
                log_all.setdefault(v, np.zeros(2))[state] += math.log(
                    float(f.likelihood_ratio or 1.0))
        # the hard atomic findings in a tree: their probability, and the other hard
        # findings' under them
        tree_h, lik_h, log_h = self._prior_tree, {}, 0.0
        if log_hard:
            lik_h = {v: np.exp(lw) for v, lw in log_hard.items()}
            tree_h, log_h, _ = self._calibrated(lik_h)
            if log_h == -math.inf:
                self._impossible(hard_ones)
        p_atomic = math.exp(log_h)
        self._tree, self._lik = tree_h, lik_h
        soft_atomic = any(not ev[i].hard and ev[i].likelihood_ratio != 1 for i in atomic)
        p_rest, shift, z, key = 1.0, 0.0, 1.0, ()
        if self._rest and (self._hard or not soft_atomic):
            p_rest, shift, z, key = self._rest_normaliser(z_too=not soft_atomic)
            if not self._hard:
                p_rest = 1.0
        p_hard = p_atomic * p_rest
        if hard_ones:
            if p_hard <= 0.0:
                self._impossible(hard_ones)
            if p_hard < MIN_CONDITION:
                self._too_unlikely(hard_ones, p_hard)
        # every atomic finding in a tree, each node's weights scaled to a largest of 1
        log_za, shift_a = log_h, 0.0
        if soft_atomic:
            lik_a: dict[int, FloatArray] = {}
            for v, lw in log_all.items():
                top = float(lw.max())
                shift_a += top
                if (lw != top).any():  # a vector [1, 1] changes nothing
                    lik_a[v] = np.exp(lw - top)
            tree_a, log_za, smallest = self._calibrated(lik_a)
            if not smallest >= MIN_CONDITION:
                raise _Vanished
            self._tree, self._lik = tree_a, lik_a
            if self._rest:
                _, shift, z, key = self._rest_normaliser()
        self._shift = shift
        if not z >= MIN_CONDITION:
            if self._lik:
                raise _Vanished
            raise ConditionError(printable(  # pragma: no cover - the top weight is 1
                f"the evidence {_shown(self.evidence)} leaves a normaliser of {z:.3g}, "
                f"below {MIN_CONDITION:g}; nothing can be given exactly under it"))
        self.p_evidence = min(p_hard, 1.0) if hard_ones else 1.0
        self._z, self._z_key = z, key
        #: the whole scaled normaliser, sum P(x) w(x) / exp(shift of both parts)
        self._z_all = z * math.exp(log_za) if log_za > -700 else 0.0
        self.log_evidence = log_za + shift_a + math.log(z) + self._shift

    def _calibrated(self, lik: dict[int, FloatArray]) -> tuple[fx.JunctionTree, float, float]:
        """The junction tree calibrated with each node's factor times its likelihood
        vector (the prior tree's order and shape), log of its total relative to the
        prior tree's, and the smallest such ratio of one connected part of the tree
        (each part's total is its own: log totals add, nothing underflows across parts)."""
        net = self._net
        factors = list(net.factors)
        for v, lw in lik.items():
            factors[v] = weighted_factor(factors[v], v, lw)
        order, cliques = self._plan
        tree = fx.JunctionTree(factors, order, cliques)
        log_z, smallest = 0.0, math.inf
        for c in self._parts():
            prior = float(self._prior_tree.beliefs[c].table.sum())
            total = float(tree.beliefs[c].table.sum())
            ratio = total / prior if prior > 0 else 1.0
            smallest = min(smallest, ratio)
            log_z += math.log(ratio) if ratio > 0 else -math.inf
        return tree, log_z, smallest

    def _parts(self) -> list[int]:
        """One clique of each connected part of the junction tree (cliques of one part
        share variables; a calibrated part's cliques all have its total)."""
        if self._components is None:
            beliefs = self._prior_tree.beliefs
            find = fx.connected(b.vars for b in beliefs.values())
            first: dict[int, int] = {}
            for c, b in beliefs.items():
                if b.vars:
                    first.setdefault(find(b.vars[0]), c)
            self._components = sorted(first.values())
        return self._components

    # -- the weights --------------------------------------------------------
    def _log_weights(self, values: Sequence[NDArray[Any]], size: int) -> FloatArray | None:
        if not self._soft:
            return None
        out = np.zeros(size)
        for i, lr in self._soft:
            out += np.where(np.broadcast_to(np.asarray(values[i], dtype=bool), (size,)), lr, 0.0)
        return out

    def _hard_mask(self, values: Sequence[NDArray[Any]], size: int) -> NDArray[np.bool_]:
        mask = np.ones(size, dtype=bool)
        for i in self._hard:
            mask &= np.broadcast_to(np.asarray(values[i], dtype=bool), (size,))
        return mask

    def _weights(self, values: Sequence[NDArray[Any]], size: int) -> FloatArray:
        """w(x) / exp(shift) of the non-atomic findings for each configuration of a
        chunk, shape ``(size,)``."""
        w = self._hard_mask(values, size).astype(np.float64)
        lw = self._log_weights(values, size)
        if lw is not None:
            w *= np.exp(np.minimum(lw - self._shift, 700.0))
        return w

    def _rules_key(self, joint: Any) -> tuple[Any, ...]:
        """The quadrature nodes of the joint law's drivers that differ from the
        network's (a comparison split a driver's range); () when none do."""
        nb = self.model.n_binary
        out = []
        for v, vals in sorted(joint.values.items()):
            base = self._net.rules[v - nb][0]
            if vals.shape != base.shape or not np.array_equal(vals, base):
                out.append((v, vals.tobytes()))
        return tuple(out)

    def _rest_normaliser(self, z_too: bool = True) -> tuple[float, float, float,
                                                             tuple[Any, ...]]:
        """Over the joint law of the non-atomic findings (given the atomic ones, as
        the current tree holds them): P(their hard ones), the shift of their soft
        weights, the scaled normaliser sum P(x) w(x) and its rules key."""
        trees = self._rest_trees
        joint, qs, _ = self._evidence_joint(trees)
        p_hard = 0.0
        shift = -math.inf
        chunks = []
        for p, values in ExactResults._configurations(self, joint, qs, trees):
            hard = self._hard_mask(values, p.size) & (p > 0)
            p_hard += float(p[hard].sum())
            lw = self._log_weights(values, p.size)
            if lw is not None and hard.any():
                shift = max(shift, float(lw[hard].max()))
            chunks.append((p, hard, lw))
        shift = 0.0 if shift == -math.inf else shift
        z = 0.0
        for p, hard, lw in chunks if z_too else ():
            w = hard.astype(np.float64)
            if lw is not None:
                w *= np.exp(np.minimum(lw - shift, 700.0))
            z += float(p @ w)
        return min(p_hard, 1.0), shift, z, self._rules_key(joint)

    def _too_unlikely(self, hard: Sequence[Finding], p_hard: float) -> None:
        raise ConditionError(printable(
            f"the evidence {_shown(hard)} has probability {p_hard:.3g}, below "
            f"{MIN_CONDITION:g}: too small to divide by in floating point without "
            "losing every digit, so nothing can be given exactly under it; check the "
            "evidence or the scenario"))

    def _evidence_joint(self, trees: Sequence[_expr.Expr], every_day: bool = False) -> Any:
        try:
            return ExactResults._joint(self, trees, every_day=every_day)
        except ModelTooWideError as err:
            shown = self._rest or self.evidence
            raise ModelTooWideError(printable(
                f"{err} (conditioning on the evidence {_shown(shown)} puts its "
                "variables into every joint law; drop findings, or use "
                "pactsim.simulate(..., evidence=...))"), width=err.width) from None

    @contextlib.contextmanager
    def _prior_law(self) -> Iterator[None]:
        """Joint laws of the prior (no atomic finding entered) inside the block."""
        saved = self._tree, self._lik
        self._tree, self._lik = self._prior_tree, {}
        try:
            yield
        finally:
            self._tree, self._lik = saved

    def _impossible(self, hard: Sequence[Finding]) -> None:
        """Raise the ConditionError for hard evidence of probability 0, naming the
        findings that are impossible alone, or else all of them together."""
        alone = []
        with self._prior_law():
            for f, tree in zip(self.evidence, self._ev_trees, strict=True):
                if not f.hard:
                    continue
                joint, qs, _ = self._evidence_joint([tree])
                mass = sum(float(p[np.broadcast_to(np.asarray(v, dtype=bool), p.shape)].sum())
                           for p, (v,) in ExactResults._configurations(self, joint, qs, [tree]))
                if mass <= 0.0:
                    alone.append(f)
        if alone:
            what = "is" if len(alone) == 1 else "are each"
            raise ConditionError(printable(
                f"the evidence {_shown(alone)} {what} impossible in this scenario "
                "(probability 0), so nothing can be conditioned on it; check the "
                "expression and the scenario"))
        raise ConditionError(printable(
            f"the evidence {_shown(hard)} cannot all hold together in this scenario "
            "(probability 0 jointly, though each alone is possible), so nothing can be "
            "conditioned on it; check the findings"))

    # -- hooks of ExactResults: every joint law carries the evidence -------------
    def _joint(self, trees: Sequence[_expr.Expr], *, every_day: bool = False) -> Any:
        if not self._active or not self._rest:  # the atomic findings are in the tree
            return super()._joint(trees, every_day=every_day)
        return self._evidence_joint([*trees, *self._rest_trees], every_day)

    def _configurations(self, joint: Any, questions: Sequence[str],
                        trees: Sequence[_expr.Expr], *, every: bool = False
                        ) -> Iterator[tuple[FloatArray, list[NDArray[Any]]]]:
        """As :meth:`ExactResults._configurations`, each configuration's probability
        times w(x) / sum P w: the law of the configurations given the evidence
        (``joint`` from :meth:`_joint`, which holds the evidence's variables)."""
        if not self._active or not self._rest:
            yield from super()._configurations(joint, questions, trees, every=every)
            return
        n = len(trees)
        z = self._normaliser_for(joint, questions)
        for p, values in super()._configurations(joint, questions,
                                                 [*trees, *self._rest_trees], every=every):
            yield p * self._weights(values[n:], p.size) / z, values[:n]

    def _normaliser_for(self, joint: Any, questions: Sequence[str]) -> float:
        key = self._rules_key(joint)
        if key == self._z_key:
            return self._z
        z = self._z_cache.get(key)
        if z is None:  # other quadrature nodes: sum P w over this joint law itself
            z = sum(float(p @ self._weights(values, p.size)) for p, values in
                    super()._configurations(joint, questions, self._rest_trees))
            if not z > 0:  # pragma: no cover - the same law as the evidence's own
                z = self._z
            self._z_cache[key] = z
        return z

    @property
    def quadrature_error(self) -> float:
        """The unconditioned bound propagated through the division by the evidence's
        normaliser: ``2 * bound / normaliser`` (at most 1; 0.0 without quadrature)."""
        active, self._active = self._active, False  # the check compares prior marginals
        try:
            prior = float(super().quadrature_error)  # a lazy property of ExactResults
        except AttributeError:  # pragma: no cover - an attribute set by ExactResults
            prior = self._prior_quadrature_error
        finally:
            self._active = active
        if prior <= 0 or not self._active:
            return prior
        if not self._z_all > 0:  # pragma: no cover - a normaliser below 1e-304
            return 1.0
        return min(2.0 * prior / self._z_all + 1e-14, 1.0)

    @quadrature_error.setter
    def quadrature_error(self, value: float) -> None:  # pragma: no cover - see above
        self._prior_quadrature_error = value

    @property
    def _p(self) -> FloatArray:
        """Marginals of the binary nodes: given the evidence once it is set."""
        if not self._active:
            return self._prior_p
        if self._cond_p is None:
            if self._rest:
                self._cond_p = np.array([self._node_prob(n) for n in self.model.names])
            else:  # the calibrated tree holds every finding
                self._cond_p = self._tree.p_true(range(self.model.n_binary))
        return self._cond_p

    @_p.setter
    def _p(self, value: FloatArray) -> None:
        self._prior_p = value

    def _count_form(self, tree: _expr.Expr) -> tuple[list[int], str, float] | None:
        """As :meth:`ExactResults._count_form`, but ``None`` (the joint law, which
        carries them) while non-atomic findings are in force: the chain of count
        variables holds the atomic findings only."""
        if self._active and self._rest:
            return None
        return super()._count_form(tree)

    def _node_prob(self, name: str) -> float:
        tree: _expr.Expr = _expr.Name(name)
        joint, qs, _ = self._joint([tree])
        total = sum(float(p[np.broadcast_to(np.asarray(v, dtype=bool), p.shape)].sum())
                    for p, (v,) in self._configurations(joint, qs, [tree]))
        return min(max(total, 0.0), 1.0)

    # -- answers --------------------------------------------------------------
    def prob(self, expr: str, given: str | None = None) -> Estimate:
        """P(expr | evidence), or P(expr | given, evidence), exactly (stderr 0).

        Raises
        ------
        ConditionError
            When ``given`` has probability 0 under the evidence.
        ScenarioError
            When an expression is malformed or names an unknown node.
        ModelTooWideError
            When the joint law of the expressions' and the evidence's variables
            is too large.

        Examples
        --------
        >>> import pactsim
        >>> sc = pactsim.loads("pactsim: 1\\nid: demo\\nas_of: 2024-01-01\\n"
        ...                    "horizon: 2024-12-31\\nevents:\\n  rain: {p: 0.3}\\n"
        ...                    "  wet: {p: 0.9, requires: [rain]}\\n")
        >>> round(pactsim.exact(sc, evidence="wet").prob("rain").value, 12)
        1.0
        >>> round(pactsim.exact(sc, evidence="not wet").prob("rain").value, 6)
        0.041096
        """
        if self._active and given is None and isinstance(expr, str):
            a = self._compile(expr, "expr")
            if isinstance(a, _expr.Name) and a.name in self.model.index \
                    and self._cond_p is None:
                return Estimate.exact(self._node_prob(a.name))  # one node: one joint law
        try:
            return super().prob(expr, given)
        except ConditionError as err:
            if given is None:
                raise
            raise ConditionError(printable(
                f"{err} (under the evidence {_shown(self.evidence)})")) from None

    def numeric(self, name: str, probs: Sequence[float] = _s.QUANTILE_LEVELS) -> NumericSummary:
        """As :meth:`ExactResults.numeric <pactsim.results.exact.ExactResults.numeric>`,
        given the evidence. A driver's law given the evidence has ``mean`` and
        ``sd`` exact up to quadrature, quantiles from its density reweighted by
        the evidence's likelihood interpolated between the quadrature nodes (see
        :meth:`_driver_given_evidence`), and no histogram."""
        levels = _s.quantile_levels(probs)
        tree, kind = self._numeric_tree(name)
        if self._driver_of(tree) is None:
            out = super().numeric(name, levels)
            if out.histogram is None:
                return out
            # values the evidence rules out are not in the law given it
            return dataclasses.replace(out, histogram=out.histogram[out.histogram > 0])
        return self._driver_given_evidence(name, kind, tree, self._driver_of(tree) or "",
                                           levels)

    def _driver_given_evidence(self, name: str, kind: str, tree: _expr.Expr,
                               driver: str, levels: Sequence[float]) -> NumericSummary:
        """A driver's law given the evidence, density f(z) λ(z) / Z with λ(z) = E[w | z].

        ``mean`` and ``sd`` are the quadrature sums (exact up to quadrature). The
        quantiles come from λ interpolated linearly between the quadrature nodes
        (constant beyond them) times the driver's density, integrated on a grid of
        20,001 points over its range (mean ± 10 sd for a normal driver): within
        about a node spacing's share of the change in λ, where quadrature nodes
        alone would be a whole spacing off.
        """
        m = self.model
        d = m.drivers[m.driver_names.index(driver)]
        trees = [tree, *self._rest_trees]
        joint, needed, _ = self._evidence_joint(trees)  # given the atomic findings
        xs_l, post_l = [], []
        # every configuration: the driver's nodes of the prior are looked up among them
        for p, values in ExactResults._configurations(self, joint, needed, trees, every=True):
            xs_l.append(np.broadcast_to(np.asarray(values[0], dtype=np.float64), p.shape))
            post_l.append(p * self._weights(values[1:], p.size))
        with self._prior_law():  # the driver's own law at the same nodes
            joint, needed, _ = ExactResults._joint(self, trees)
            px_l, prior_l = [], []
            for p, values in ExactResults._configurations(self, joint, needed, [tree],
                                                          every=True):
                px_l.append(np.broadcast_to(np.asarray(values[0], dtype=np.float64), p.shape))
                prior_l.append(p)
        nodes, inv = np.unique(np.concatenate(xs_l), return_inverse=True)
        at = np.searchsorted(nodes, np.concatenate(px_l))
        prior = np.bincount(at, weights=np.concatenate(prior_l), minlength=len(nodes))
        mass = np.bincount(inv, weights=np.concatenate(post_l), minlength=len(nodes))
        post = np.asarray(mass / float(mass.sum()), dtype=np.float64)
        mean = float(nodes @ post)
        sd = math.sqrt(max(float(((nodes - mean) ** 2) @ post), 0.0))
        from scipy import stats  # lazily: `import pactsim` stays light

        law = stats.norm(d.a, d.b) if d.dist == "normal" else stats.uniform(d.a, d.b - d.a)
        lo, hi = (d.a - 10 * d.b, d.a + 10 * d.b) if d.dist == "normal" else (d.a, d.b)
        grid = np.linspace(lo, hi, 20_001)
        seen = prior > 0
        lam = np.interp(grid, nodes[seen], post[seen] / prior[seen])
        dens = np.asarray(law.pdf(grid), dtype=np.float64) * lam
        cdf = np.concatenate([[0.0], np.cumsum((dens[1:] + dens[:-1]) / 2 * np.diff(grid))])
        quantiles: dict[float, float] = {}
        for q in levels:
            target = q * float(cdf[-1])
            i = min(max(int(np.searchsorted(cdf, target)), 1), len(grid) - 1)
            step = cdf[i] - cdf[i - 1]
            t = (target - cdf[i - 1]) / step if step > 0 else 0.0
            quantiles[q] = float(grid[i - 1] + t * (grid[i] - grid[i - 1]))
        return NumericSummary(name, kind, mean, sd, 0.0, quantiles, None, 0.0)

    def _date_cum(self, node: object) -> FloatArray:
        """P(``node``'s day <= as_of + i | evidence) for i = 0..W."""
        if not self._active:
            return super()._date_cum(node)
        m = self.model
        slot = _s.date_slot(m, node)
        cached = self._evidence_dates.get(slot)
        if cached is not None:
            return cached
        tree: _expr.Expr = _expr.DateOf(m.dated[slot])
        joint, qs, _ = self._joint([tree], every_day=True)
        width = m.horizon - m.as_of + 1
        pmf = np.zeros(width)
        for p, (v,) in self._configurations(joint, qs, [tree]):
            days = np.asarray(v, dtype="datetime64[D]")
            has = ~np.isnat(days)
            idx = days[has].astype(np.int64) - m.as_of
            pmf += np.bincount(np.clip(idx, 0, width - 1), weights=p[has], minlength=width)
        cum = np.asarray(np.minimum(np.maximum(np.cumsum(pmf), 0.0), 1.0), dtype=np.float64)
        self._evidence_dates[slot] = cum
        return cum

    def date_cdf(self, node: str, dates: Any = None) -> pd.DataFrame:
        """P(``node`` happened on or before each date | evidence), as
        :meth:`ExactResults.date_cdf <pactsim.results.exact.ExactResults.date_cdf>`."""
        m = self.model
        cum = self._date_cum(node)
        days = _s.day_numbers(dates, m)
        idx = np.clip(days - m.as_of, -1, len(cum) - 1)
        p = np.where(idx < 0, 0.0, cum[np.maximum(idx, 0)])
        return _s.cdf_frame(days, p, np.zeros_like(p), p, p)

    def __repr__(self) -> str:
        base = super().__repr__()
        return printable(f"{base[:-1]}, given {_shown(self.evidence)} "
                         f"(P = {self.p_evidence:.3g})>")

