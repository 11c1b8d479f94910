"""Exact inference over numeric attributes (format 3), for :mod:`pactsim.results.exact`.

An attribute is a leaf whose law given its parents' row is a quantity
distribution. An expression compares it only with constants (``n_articles >=
40``, ``term_years == 20``), so for the expressions at hand the line is cut at
every constant the attribute is compared with, into the pieces
``(-inf, c1), {c1}, (c1, c2), ..., {ck}, (ck, inf)``, plus a "missing" state
for a closed gate. The attribute becomes a variable of ``2k + 2`` states whose
law given the configuration of its parent rows is
``P(piece | row) = F(b) - F(a)`` from the row's CDF (on the whole-number grid
when rounded, with atoms for discrete laws); it is appended to the joint law of
the other variables (:func:`expand`) and evaluated at one representative value
per piece (:func:`~pactsim.inference.attributes.bins`), which every comparison
treats like any other value of the piece. So probabilities are exact to
rounding. An attribute compared with anything but a number (another attribute,
a driver, a count) is refused with :class:`~pactsim.errors.ModelTooWideError`
naming it: Monte Carlo answers it.

:func:`summary` gives an attribute's whole distribution (``ex.numeric``): the
mixture over its parents' rows of their laws, weighted by the rows'
probabilities (exact marginals); mean and variance in closed form, quantiles by
bisection of the mixture's CDF, a histogram where the law is discrete.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from pactsim.errors import ModelTooWideError
from pactsim.inference.attributes import AttributePlan, bins
from pactsim.inference.compile import CompiledModel
from pactsim.language import expr as _expr
from pactsim.language.attributes import Quantity
from pactsim.results.summary import NumericSummary

__all__ = ["ATTR_BASE", "attribute_cuts", "attribute_of", "expand", "summary"]

#: Variable ids of attributes in an exact joint law: ``ATTR_BASE + j`` for attribute
#: ``j`` (above every id of the network, so they sort last).
ATTR_BASE = 1 << 40
#: Most whole numbers a rounded continuous law is tabulated over by :func:`summary`.
MAX_GRID = 1 << 20

FloatArray = NDArray[np.float64]


def attribute_of(model: CompiledModel, e: _expr.Expr) -> AttributePlan | None:
    """The attribute an expression is, directly or through a chain of questions."""
    plans = {a.name: a for a in model.attributes}
    seen: set[str] = set()
    while isinstance(e, _expr.Name) and e.name not in seen:
        if e.name in plans:
            return plans[e.name]
        if e.name not in model.questions:
            return None
        seen.add(e.name)
        e = model.questions[e.name][0]
    return None


def compared(trees: Iterable[_expr.Expr], name_of: Callable[[_expr.Expr], str | None]
             ) -> Iterator[tuple[str, _expr.Compare, _expr.Expr]]:
    """``(name, comparison, other side)`` for every side of a comparison in ``trees``
    that ``name_of`` names (a driver, an attribute): where exact inference cuts the
    line of a continuous value."""
    for tree in trees:
        for node in _expr.walk(tree):
            if not isinstance(node, _expr.Compare):
                continue
            for side, other in ((node.left, node.right), (node.right, node.left)):
                name = name_of(side)
                if name is not None:
                    yield name, node, other


def attribute_cuts(model: CompiledModel, trees: Iterable[_expr.Expr],
                   base: Sequence[str]) -> dict[str, list[float]]:
    """The constants each attribute in ``base`` is compared with in ``trees``."""
    names = {a.name for a in model.attributes}
    cuts: dict[str, list[float]] = {a: [] for a in base if a in names}
    if not cuts:
        return cuts

    def name_of(e: _expr.Expr) -> str | None:
        plan = attribute_of(model, e)
        return None if plan is None else plan.name

    for name, node, other in compared(trees, name_of):
        if not isinstance(other, _expr.NumLit):
            raise ModelTooWideError(
                f"exact inference compares a numeric attribute only with a number, "
                f"as in '{name} >= 40'; '{_expr.unparse(node)}' would need the "
                "joint law of two continuous values: use pactsim.simulate",
                width=2)
        cuts.setdefault(name, []).append(other.value)
    return cuts


def parent_names(model: CompiledModel, attrs: Iterable[str]) -> list[str]:
    """The binary rows the laws of ``attrs`` depend on (names, as in ``model.names``)."""
    plans = {a.name: a for a in model.attributes}
    return list(dict.fromkeys(model.names[p] for a in attrs for p in plans[a].parents))


def _law_table(plan: AttributePlan, cuts: Sequence[float]) -> FloatArray:
    """``(2,) * len(parents) + (pieces + 1,)``: P(piece | the parents' bits), the last
    state "missing" (a closed gate, or a row that cannot happen)."""
    parents = plan.parents
    cs = sorted(set(cuts))
    width = 2 * len(cs) + 2
    out = np.zeros((2,) * len(parents) + (width,))
    cache: dict[int, FloatArray] = {}
    for combo in itertools.product((0, 1), repeat=len(parents)):
        state = {p: bool(b) for p, b in zip(parents, combo, strict=True)}
        q = plan.quantities[plan.row_of(state)] if plan.is_open(state) else None
        if q is None:
            out[combo][-1] = 1.0
            continue
        r = plan.row_of(state)
        if r not in cache:
            cache[r] = plan.bin_probs(q, cs) if cs else np.array([1.0])
        out[combo][:-1] = cache[r]
    return out


def expand(table: FloatArray, query: Sequence[int], model: CompiledModel,
           cuts: Mapping[str, Sequence[float]], axis_of: Callable[[int], int],
           max_table: int) -> tuple[FloatArray, list[int], dict[int, FloatArray]]:
    """The joint ``table`` over ``query`` with one axis per attribute of ``cuts`` appended
    (ids :data:`ATTR_BASE` + j): ``table[..., piece] = table[...] P(piece | parents)``.

    ``axis_of(row)`` is the axis of ``table`` that holds a parent row (its state
    ``!= 0`` is the row's bit: a binary axis, or a day axis whose state 0 is "none").
    Returns the table, the new variable ids and each one's value per state.
    """
    order = {a.name: j for j, a in enumerate(model.attributes)}
    ids: list[int] = []
    values: dict[int, FloatArray] = {}
    for name in sorted(cuts, key=order.__getitem__):
        plan = model.attributes[order[name]]
        law = _law_table(plan, cuts[name])
        width = law.shape[-1]
        size = table.size * width
        if size > max_table:
            raise ModelTooWideError(
                f"exact inference of this expression needs a table of {size:,} entries "
                f"(the numeric attribute '{name}' cut into {width} pieces, over "
                f"{table.ndim} other variables), above max_table={max_table:,}; use "
                "pactsim.simulate, or raise max_table", width=table.ndim + 1)
        index: list[NDArray[np.intp]] = []
        for p in plan.parents:
            ax = axis_of(p)
            shape = [1] * table.ndim
            shape[ax] = table.shape[ax]
            index.append((np.arange(table.shape[ax]) != 0).astype(np.intp).reshape(shape))
        cond = law[tuple(index)] if index else law.reshape((1,) * table.ndim + (width,))
        table = table[..., None] * cond
        ids.append(ATTR_BASE + order[name])
        cs = sorted(set(cuts[name]))
        values[ATTR_BASE + order[name]] = np.append(bins(cs) if cs else np.array([0.0]), np.nan)
    return table, ids, values


def _discrete(plan: AttributePlan, q: Quantity) -> tuple[FloatArray, FloatArray] | None:
    """Atoms and probabilities of a row's value when it is discrete (a rounded continuous
    law is tabulated on its whole numbers), else ``None``."""
    if q.discrete:
        law = plan.law(q)
        return law.support()
    if not plan.whole:
        return None
    lo, hi = (float(x) for x in q.ppf(np.array([1e-15, 1.0 - 1e-15])))
    k0, k1 = math.floor(lo) - 1, math.ceil(hi) + 1
    if not (math.isfinite(lo) and math.isfinite(hi)) or k1 - k0 > MAX_GRID:
        raise ModelTooWideError(
            f"the rounded numeric attribute '{plan.name}' spreads over {k1 - k0:,} whole "
            f"numbers (more than {MAX_GRID:,} to tabulate exactly); use pactsim.simulate",
            width=1)
    ks = np.arange(k0, k1 + 1, dtype=np.float64)
    cdf = q.cdf(ks + 0.5)
    p = np.diff(np.concatenate([[0.0], cdf]))
    p[-1] += 1.0 - cdf[-1]
    p[0] += 0.0
    keep = p > 0
    return ks[keep], p[keep]


def summary(name: str, kind: str, plan: AttributePlan, rows: Mapping[int, float],
            missing: float, levels: Sequence[float] = (0.1, 0.5, 0.9)) -> NumericSummary:
    """The exact distribution of an attribute from its rows' probabilities (gates open)
    ``rows`` (row -> P) and P(missing), with its quantiles at ``levels``."""
    total = math.fsum(rows.values())
    if total <= 0:
        return NumericSummary(name, kind, math.nan, math.nan, 0.0, {}, None, 1.0)
    parts: list[tuple[float, Quantity, tuple[FloatArray, FloatArray] | None]] = []
    for r, w in rows.items():
        q = plan.quantities[r]
        if q is None or w <= 0:
            continue
        parts.append((w / total, q, _discrete(plan, q)))
    mean = math.fsum(w * (float(d[0] @ d[1]) if d is not None else q.moments()[0])
                     for w, q, d in parts)
    var = 0.0
    for w, q, d in parts:
        if d is not None:
            var += w * float(((d[0] - mean) ** 2) @ d[1])
        else:
            m, v = q.moments()
            var += w * (v + (m - mean) ** 2)
    hist = None
    if all(d is not None for _, _, d in parts):
        acc: dict[float, float] = {}
        for w, _q, d in parts:
            assert d is not None
            for x, p in zip(d[0].tolist(), d[1].tolist(), strict=True):
                acc[x] = acc.get(x, 0.0) + w * p
        ser = pd.Series(acc, dtype=float).sort_index()
        xs, ps = ser.index.to_numpy(dtype=float), ser.to_numpy()
        cum = np.cumsum(ps)
        quantiles = {lv: float(xs[min(int(np.searchsorted(cum, lv - 1e-12)), len(xs) - 1)])
                     for lv in levels}
        hist = ser * total  # shares of every configuration, as other exact histograms
    else:
        quantiles = {lv: _mixture_quantile(parts, plan, lv) for lv in levels}
    return NumericSummary(name, kind, mean, math.sqrt(max(var, 0.0)), 0.0, quantiles, hist,
                          min(max(missing, 0.0), 1.0))


def _mixture_quantile(parts: Sequence[tuple[float, Quantity, object]], plan: AttributePlan,
                      level: float) -> float:
    """The smallest x whose mixture CDF reaches ``level`` (bisection to the last bit)."""
    def cdf(x: float) -> float:
        return math.fsum(w * float(plan.cdf(q, np.array([x]))[0]) for w, q, _ in parts)

    atoms = sorted({float(x) for _, q, d in parts if isinstance(d, tuple) for x in d[0]})
    ends = [float(v) for _, q, _ in parts for v in q.ppf(np.array([1e-12, 1 - 1e-12]))]
    lo, hi = min(ends), max(ends)
    lo -= abs(lo) + 1.0
    hi += abs(hi) + 1.0
    for _ in range(200):
        mid = lo / 2 + hi / 2
        if mid in (lo, hi):
            break
        if cdf(mid) >= level - 1e-15:
            hi = mid
        else:
            lo = mid
    for a in atoms:  # the answer is an atom: bisection only gets close to it from above
        if abs(a - hi) <= 1e-9 * max(1.0, abs(a)) and cdf(a) >= level - 1e-15:
            return a
    return hi
