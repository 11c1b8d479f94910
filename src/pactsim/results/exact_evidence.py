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
Nothing of the junction tree changes. Every joint law the unconditioned
results build (for an expression, a group of questions, a bundle table, a
numeric question or a date's law) is built over the variables of the query
*and* those of the evidence (:meth:`ExactResults._joint
<pactsim.results.exact.ExactResults._joint>`: one clique when possible,
else variable elimination over their ancestors, dated evidence splitting the
signing states or using the days of dated nodes as any expression does), and
each configuration is weighted by :math:`w(x)`. The normaliser
:math:`\\sum_x P(x) w(x)` is computed once from the evidence's own joint law
(again for a query whose joint law uses other quadrature nodes, where a
comparison splits a driver's range). A node's marginal given the evidence
is one such joint law per node (about 0.5 ms each on the flagship).

Soft weights are computed as :math:`\\exp(\\sum_i [E_i] \\log r_i - c)` with
:math:`c` the largest exponent of a possible configuration, so a thousand
findings with ratios of 1e300 neither overflow nor lose the answer.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator, Sequence
from typing import Any, Literal, overload

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
from pactsim.inference.compile import CompiledModel
from pactsim.language import expr as _expr
from pactsim.language.evidence import Finding
from pactsim.language.scenario import Scenario
from pactsim.results import summary as _s
from pactsim.results.estimate import Estimate
from pactsim.results.exact import MIN_CONDITION, ExactResults
from pactsim.results.summary import NumericSummary

__all__ = ["ConditionedExactResults"]

FloatArray = NDArray[np.float64]


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
        self._hard = [i for i, f in enumerate(self.evidence) if f.hard]
        self._soft = [(i, math.log(float(f.likelihood_ratio)))
                      for i, f in enumerate(self.evidence)
                      if f.likelihood_ratio is not None and f.likelihood_ratio != 1]
        self._shift = 0.0
        self._evidence_dates: dict[int, FloatArray] = {}
        self._z_cache: dict[tuple[Any, ...], float] = {}
        self.p_evidence, self._z, self._z_key = self._normaliser()
        self.log_evidence = math.log(self._z) + self._shift
        self._active = True

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
        """w(x) / exp(shift) for each configuration of a chunk, shape ``(size,)``."""
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

    def _normaliser(self) -> tuple[float, float, tuple[Any, ...]]:
        """P(hard findings), the scaled normaliser sum P(x) w(x) and its rules key;
        refuses impossible or vanishing evidence, naming the findings."""
        trees = self._ev_trees
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
        hard_ones = [self.evidence[i] for i in self._hard]
        if p_hard <= 0.0:
            self._impossible(hard_ones)
        if p_hard < MIN_CONDITION:
            raise ConditionError(printable(
                f"the evidence {_shown(hard_ones)} has probability {p_hard:.3g}, below "
                f"{MIN_CONDITION:g}: too small to divide by in floating point without "
                "losing every digit, so nothing can be given exactly under it; check the "
                "evidence or the scenario"))
        self._shift = 0.0 if shift == -math.inf else shift
        z = 0.0
        for p, hard, lw in chunks:
            w = hard.astype(np.float64)
            if lw is not None:
                w *= np.exp(np.minimum(lw - self._shift, 700.0))
            z += float(p @ w)
        if not z >= MIN_CONDITION:  # pragma: no cover - the top configuration has weight 1
            raise ConditionError(printable(
                f"the evidence {_shown(self.evidence)} leaves a normaliser of {z:.3g}, "
                f"below {MIN_CONDITION:g}; nothing can be given exactly under it"))
        return (min(p_hard, 1.0) if self._hard else 1.0), z, self._rules_key(joint)

    def _evidence_joint(self, trees: Sequence[_expr.Expr], every_day: bool = False) -> Any:
        try:
            return ExactResults._joint(self, trees, every_day=every_day)
        except ModelTooWideError as err:
            raise ModelTooWideError(printable(
                f"{err} (conditioning on the evidence {_shown(self.evidence)} puts its "
                "variables into every joint law; drop findings, or use "
                "pactsim.simulate(..., evidence=...))"), width=err.width) from None

    def _impossible(self, hard: Sequence[Finding]) -> None:
        """Raise the ConditionError for hard evidence of probability 0, naming the
        findings that are impossible alone, or else all of them together."""
        alone = []
        for i in self._hard:
            tree = self._ev_trees[i]
            joint, qs, _ = self._evidence_joint([tree])
            mass = sum(float(p[np.broadcast_to(np.asarray(v, dtype=bool), p.shape)].sum())
                       for p, (v,) in ExactResults._configurations(self, joint, qs, [tree]))
            if mass <= 0.0:
                alone.append(self.evidence[i])
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
        if not self._active:
            return super()._joint(trees, every_day=every_day)
        return self._evidence_joint([*trees, *self._ev_trees], every_day)

    def _configurations(self, joint: Any, questions: Sequence[str],
                        trees: Sequence[_expr.Expr]) -> Iterator[tuple[FloatArray,
                                                                       list[NDArray[Any]]]]:
        """As :meth:`ExactResults._configurations`, each configuration's probability
        times w(x) / sum P w: the law of the configurations given the evidence
        (``joint`` from :meth:`_joint`, which holds the evidence's variables)."""
        if not self._active:
            yield from super()._configurations(joint, questions, trees)
            return
        n = len(trees)
        z = self._normaliser_for(joint, questions)
        for p, values in super()._configurations(joint, questions,
                                                 [*trees, *self._ev_trees]):
            yield p * self._weights(values[n:], p.size) / z, values[:n]

    def _normaliser_for(self, joint: Any, questions: Sequence[str]) -> float:
        key = self._rules_key(joint)
        if key == self._z_key:
            return self._z
        z = self._z_cache.get(key)
        if z is None:  # other quadrature nodes: sum P w over this joint law itself
            z = sum(float(p @ self._weights(values, p.size)) for p, values in
                    super()._configurations(joint, questions, self._ev_trees))
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
        return min(2.0 * prior / self._z + 1e-14, 1.0)

    @quadrature_error.setter
    def quadrature_error(self, value: float) -> None:  # pragma: no cover - see above
        self._prior_quadrature_error = value

    @property
    def _p(self) -> FloatArray:
        """Marginals of the binary nodes: given the evidence once it is set."""
        if not self._active:
            return self._prior_p
        if self._cond_p is None:
            self._cond_p = np.array([self._node_prob(n) for n in self.model.names])
        return self._cond_p

    @_p.setter
    def _p(self, value: FloatArray) -> None:
        self._prior_p = value

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

    def numeric(self, name: str) -> NumericSummary:
        """As :meth:`ExactResults.numeric <pactsim.results.exact.ExactResults.numeric>`,
        given the evidence. A driver's law given the evidence has ``mean`` and
        ``sd`` exact up to quadrature, quantiles from its density reweighted by
        the evidence's likelihood interpolated between the quadrature nodes (see
        :meth:`_driver_given_evidence`), and no histogram."""
        tree, kind = self._numeric_tree(name)
        if self._driver_of(tree) is None:
            out = super().numeric(name)
            if out.histogram is None:
                return out
            # values the evidence rules out are not in the law given it
            return dataclasses.replace(out, histogram=out.histogram[out.histogram > 0])
        return self._driver_given_evidence(name, kind, tree, self._driver_of(tree) or "")

    def _driver_given_evidence(self, name: str, kind: str, tree: _expr.Expr,
                               driver: str) -> NumericSummary:
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
        joint, needed, _ = self._joint([tree])
        xs_l, prior_l, post_l = [], [], []
        for p, values in ExactResults._configurations(self, joint, needed,
                                                      [tree, *self._ev_trees]):
            xs_l.append(np.broadcast_to(np.asarray(values[0], dtype=np.float64), p.shape))
            prior_l.append(p)
            post_l.append(p * self._weights(values[1:], p.size))
        nodes, inv = np.unique(np.concatenate(xs_l), return_inverse=True)
        prior = np.bincount(inv, weights=np.concatenate(prior_l), minlength=len(nodes))
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
        for q in (0.1, 0.5, 0.9):
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

    @overload
    def date_quantiles(self, node: str, probs: Sequence[float] = ..., *,
                       given_happened: bool = ..., band: Literal[False] = ...) -> pd.Series: ...

    @overload
    def date_quantiles(self, node: str, probs: Sequence[float] = ..., *,
                       given_happened: bool = ..., band: Literal[True]) -> pd.DataFrame: ...

    def date_quantiles(self, node: str, probs: Sequence[float] = (0.1, 0.5, 0.9), *,
                       given_happened: bool = True, band: bool = False
                       ) -> pd.Series | pd.DataFrame:
        """Quantiles of ``node``'s date given the evidence, as :meth:`ExactResults.date_quantiles
        <pactsim.results.exact.ExactResults.date_quantiles>`; ``band=True`` gives the
        frame of :meth:`Results.date_quantiles
        <pactsim.results.montecarlo.Results.date_quantiles>` with ``lo`` = ``hi`` =
        ``date`` (an exact answer has no band)."""
        if not isinstance(band, bool):
            raise ArgumentTypeError(f"band must be True or False, not {band!r}")
        point = super().date_quantiles(node, probs, given_happened=given_happened)
        if not band:
            return point
        frame = pd.DataFrame({"date": point.to_numpy(), "lo": point.to_numpy(),
                              "hi": point.to_numpy()},
                             index=pd.Index(list(point.index), name="level"))
        return frame.astype("datetime64[s]")

    def __repr__(self) -> str:
        base = super().__repr__()
        return printable(f"{base[:-1]}, given {_shown(self.evidence)} "
                         f"(P = {self.p_evidence:.3g})>")

