"""`sensitivity`: what drives a forecast — a tornado of the inputs and the value of information.

:func:`sensitivity` answers two questions about one *question* of a scenario.

1. **Tornado** (:attr:`Sensitivity.tornado`). Every number the analyst wrote
   is swung, one at a time, from a low to a high value, everything else held;
   the question's answer at each end and the swing (``|high - low|``) are
   reported, largest swing first. The range of each input:

   ======================================  ====================================================
   input                                   range
   ======================================  ====================================================
   ``p``, ``table`` cell, ``by`` point     uncertain (``between`` / ``beta``): its 5% and 95%
                                           quantiles; a fixed number: ±``logit_range`` (1) in
                                           log-odds (a ``by`` point stops half-way to the
                                           neighbouring ``by`` points, so the curve still
                                           rises on both sides, not to the 0 at as_of,
                                           which log-odds never reach; 0 and 1 are left
                                           out: no log-odds;
                                           a note names those feeding the question)
   ``odds`` factor, ``hazard_ratio``       ÷ and × ``factor`` (2), i.e. ±log 2 on the log factor,
                                           but not past 1 (no effect) for a factor on one
                                           side of 1: 1.3 swings from 1 to 2.6, 0.85 from
                                           0.425 to 1 (halving 1.3 would reverse its effect)
   driver ``mean`` (normal), ``low`` /     ± ``driver_shift`` (0.5) of the driver's sd
   ``high`` (uniform)
   driver ``sd``                           ÷ and × ``sd_factor`` (1.5)
   milestone ``delay``                     every day count of the delay × (1 ∓ ``delay_scale``)
                                           (0.2): its median −20% and +20%, shape kept
   ======================================  ====================================================

   ``ranges={"military.p": (0.8, 0.95)}`` sets an input's ends by hand (in
   its own unit: a probability, a factor, a delay's median in days).

   **Categorical nodes** (format 3, ``levels:``). Each outcome's probability
   is one input — ``instc.levels.named`` for ``levels: {absent: .., generic:
   .., named: ..}``, ``form.table.true.binding_treaty`` for one row of a
   table of ``{outcome: p}`` maps — swung by ±``logit_range`` log-odds like a
   fixed ``p`` (an outcome at 0 or 1 is left out). The other outcomes of the
   same map are **rescaled proportionally** so the map still sums to 1: with
   ``named`` set to ``q``, every other outcome ``x`` gets ``p_x (1 - q) / (1 -
   p_named)``, their ratios kept (column ``range`` says "others rescaled").
   This is the variant ``Scenario.with_changes`` gets, so a row's answers are
   those of ``pactsim.exact(sc.with_changes(input.changes(value)))``. Levels
   hold fixed numbers only (no ``between``/``beta``), so the spread and Sobol
   indices (:mod:`pactsim.analysis.spread`) have no categorical inputs.

2. **Value of information** (:attr:`Sensitivity.voi`), for a yes/no
   question Q and each binary node X not yet known (context events first,
   then signing, milestones, pillars, clauses): the two answers Q would get
   once X is known, P(Q | X) and P(Q | not X), with weights P(X), and what
   learning X is worth in expectation — the absolute move of the forecast
   ``Σ_x P(x)|P(Q|x) − P(Q)|``, the reduction of the expected Brier score
   ``Σ_x P(x)(P(Q|x) − P(Q))²`` (the variance of the updated forecast) and of
   the expected log loss, which is the mutual information I(Q; X) in nats.
   Within each group rows are ranked by the Brier reduction ("what to watch").
   Where the question reads nothing but dated nodes, a node that can only be
   learnt once it is settled (it follows each of them in time, as a milestone after them or the
   text after the signing: the text and the ratifications for a question on the
   signing date) is left out, and a note names it; ``requires`` orders nothing
   in time.
   An event drawn given the signing (e.g. ``requires: [signing]``) is part of
   the agreement, not context: it is ranked with the others.
   A categorical node X is learnt as present / absent (row ``X``), one
   row per outcome other than ``absent`` as "is its outcome l or not" (row
   ``X == l``, kind ``outcome``: P(X == l), P(Q | X == l), P(Q | X != l)),
   and as "which outcome" (row ``X: which outcome``, kind ``outcomes``): the
   same three measures over the partition into its outcomes,
   ``Σ_l P(l)|P(Q|l) − P(Q)|``, ``Σ_l P(l)(P(Q|l) − P(Q))²`` and I(Q; X), with
   P(X), P(Q | X), P(Q | not X) left empty.

   **Rows that are the question itself are left out**, with a note naming
   them. When the question reads nothing but one node X's outcome (``X``,
   ``not X``, ``X == l``, ``X != l``, ``in(X, ...)``, or named questions built
   only on those; no ``.date``), learning X's outcome settles it: the rows
   ``X: which outcome`` and any yes/no row of X whose two sides each give one
   answer (``X`` for a question ``X`` or ``not X``; ``X == named`` for ``X ==
   named``) would only show the largest value there is, ``Q(1 − Q)`` and the
   entropy of Q. Other rows of X stay (for ``instc == named``, ``instc`` and
   ``instc == generic``), and so does another node that equals the question
   only through the model's numbers (``signing`` for ``legal_form ==
   binding_treaty`` when the table makes them one).

Exact or Monte Carlo
--------------------
Each value is computed by exact inference where the model allows it (no
noise: a swing of 0 is 0); a variant exact inference refuses
(:class:`~pactsim.errors.ModelTooWideError`,
:class:`~pactsim.errors.ExactUnsupportedError`) is run by Monte Carlo with
the seed shared by the base and every variant (common random numbers, as in
:mod:`pactsim.analysis.diff`), so the standard error of a swing is that of
the paired per-draw difference. Column ``method`` says which, per row.
An exact variant is made by swapping the swung numbers into the compiled base
(:func:`~pactsim.inference.compile.recompile`, as the spread does: no new
scenario is validated and compiled); driver parameters, ends given in
``ranges`` and anything that path cannot set go through
:meth:`Scenario.with_changes`, which validates them. Both give the same answers.

Questions
---------
``question`` is a question's name, a binary node, any true/false expression
(``"in_force.date <= 2025-12-31"``), a categorical node's outcome row as the
marginals name it (``"instc=named"``, the same as ``"instc == named"``), or
``"NODE.median"`` for the median date of a dated node if it happens (the tornado
then reports dates and a swing in days; there is no value of information for a
date).
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import math
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from pactsim.analysis.diff import _REFUSED, _first_line, _median_change, _weights
from pactsim.errors import (
    ArgumentError,
    ArgumentTypeError,
    ConditionError,
    PactsimError,
    ScenarioError,
)
from pactsim.language.distributions import beta_params, p_mean
from pactsim.language.scenario import MAX_DELAY_DAYS, Between, Driver, Scenario
from pactsim.language.validate import MAX_DRIVER
from pactsim.montecarlo import MAX_N, SeedLike, resolve_seed

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["SENSITIVITY_N", "TORNADO_COLUMNS", "VOI_COLUMNS", "Input", "Sensitivity", "inputs",
           "sensitivity"]

#: Monte Carlo draws per variant when exact inference is refused (unless told).
SENSITIVITY_N = 20_000
#: Columns of :attr:`Sensitivity.tornado`.
TORNADO_COLUMNS = ("input", "kind", "base", "low", "high", "range", "q_low", "q_high", "swing",
                   "stderr", "method")
#: Columns of :attr:`Sensitivity.voi`.
VOI_COLUMNS = ("node", "kind", "group", "p_node", "q_if_true", "q_if_false", "move", "brier",
               "log_loss", "method", "p_node_se", "q_if_true_se", "q_if_false_se", "move_se",
               "brier_se", "log_loss_se")
#: Value-of-information rows exact inference may refuse before the rest go to Monte Carlo
#: untried (each refusal costs an attempt).
MAX_REFUSED_ROWS = 8
#: The standard errors of an exact row of :data:`VOI_COLUMNS` (no noise).
_EXACT_SE = (0.0,) * 6


# -- inputs -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Input:
    """One number of a scenario and the range it is swung over.

    ``changes(value)`` gives the :meth:`Scenario.with_changes` argument that
    sets it to ``value`` (in the input's unit; a delay's median in days).
    """

    name: str
    kind: Literal["p", "table", "by", "odds", "hazard_ratio", "driver", "delay", "levels"]
    base: float
    low: float
    high: float
    range: str
    changes: Callable[[float], dict[str, Any]] = field(repr=False, compare=False)


def _logit(p: float) -> float:
    return math.log(p) - math.log1p(-p)


def _expit(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def _spec(value: Any) -> Any:
    """A p spec as dumped (a float or ``{between: ...}`` / ``{beta: ...}``) as the model's."""
    from pactsim.language.scenario import Beta

    if isinstance(value, Mapping) and "between" in value:
        return Between(between=tuple(value["between"]))
    if isinstance(value, Mapping) and "beta" in value:
        return Beta(beta=tuple(value["beta"]))
    return float(value)


def _p_range(value: Any, logit_range: float) -> tuple[float, float, float, str] | None:
    """``(base, low, high, how)`` of a probability, or None (a fixed 0 or 1)."""
    spec = _spec(value)
    if isinstance(spec, Between):
        # the written bounds, which the fitted Beta's 5% and 95% quantiles match to 1e-9:
        # its ppf can fall 1e-16 short, and a neighbour capped there would then cross the
        # range the validator reads from the same written bounds (the variant refused)
        lo, hi = (float(x) for x in spec.between)
        return p_mean(spec), lo, hi, "90% interval"
    ab = beta_params(spec)
    if ab is not None:
        from scipy import special

        # betaincinv, as the validator's ranges are (scipy.stats.beta.ppf calls it)
        lo, hi = (float(special.betaincinv(*ab, x)) for x in (0.05, 0.95))
        return p_mean(spec), lo, hi, "beta 5-95%"
    p = float(spec)
    if not 0.0 < p < 1.0:
        return None
    return (p, _expit(_logit(p) - logit_range), _expit(_logit(p) + logit_range),
            f"±{logit_range:g} log-odds")


def _curve_bounds(points: list[Any]) -> list[tuple[float, float]]:
    """Each point's own 5-95% range (a fixed point: itself), for keeping neighbours apart."""
    out = []
    for v in points:
        r = _p_range(v, 0.0)
        out.append((r[1], r[2]) if r is not None and not isinstance(_spec(v), float)
                   else (float(_spec(v)),) * 2)
    return out


def _top_path(sc: Scenario, name: str) -> str:
    return ".".join(sc.nodes[name].path)


def _setter(path: str, whole: Any, inner: tuple[Any, ...]) -> Callable[[float], dict[str, Any]]:
    """Set ``whole`` (the dumped value at ``path``) with the value at ``inner`` replaced."""
    def changes(value: float) -> dict[str, Any]:
        if not inner:
            return {path: value}
        new = copy.deepcopy(whole)
        target = new
        for k in inner[:-1]:
            target = target[k]
        target[inner[-1]] = value
        return {path: new}

    return changes


def _rescaled(levels: Mapping[str, float], outcome: str, value: float) -> dict[str, float]:
    """``levels`` with ``outcome`` set to ``value`` and the other outcomes scaled by
    ``(1 - value) / (1 - levels[outcome])`` (their ratios kept; the sum stays 1)."""
    rest = 1.0 - float(levels[outcome])
    scale = (1.0 - value) / rest
    return {k: value if k == outcome else float(v) * scale for k, v in levels.items()}


def _level_setter(path: str, whole: Any, inner: tuple[Any, ...],
                  outcome: str) -> Callable[[float], dict[str, Any]]:
    """Set one outcome of the ``{outcome: p}`` map at ``inner`` of ``whole`` (the dumped
    value at ``path``), the others rescaled (:func:`_rescaled`)."""
    def changes(value: float) -> dict[str, Any]:
        new = copy.deepcopy(whole)
        if not inner:
            return {path: _rescaled(new, outcome, value)}
        target = new
        for k in inner[:-1]:
            target = target[k]
        target[inner[-1]] = _rescaled(target[inner[-1]], outcome, value)
        return {path: new}

    return changes


def _level_inputs(out: list[Input], label: str, path: str, whole: Any, inner: tuple[Any, ...],
                  logit_range: float, kind: Literal["levels", "table"],
                  certain: list[str] | None = None) -> None:
    """One input per outcome of the ``{outcome: p}`` map at ``inner`` of ``whole`` (an
    outcome at 0 or 1 named in ``certain`` instead)."""
    levels: Any = whole
    for k in inner:
        levels = levels[k]
    for outcome, p in levels.items():
        r = _p_range(p, logit_range)
        if r is None:
            _note_certain(certain, f"{label}.{outcome}")
            continue
        out.append(Input(f"{label}.{outcome}", kind, r[0], r[1], r[2],
                         r[3] + ", others rescaled",
                         _level_setter(path, whole, inner, str(outcome))))


def _key(k: Any) -> str:
    if isinstance(k, bool):
        return "true" if k else "false"
    if isinstance(k, dt.date):
        return k.isoformat()
    return str(k)


def _delay_median(written: Any) -> float:
    from pactsim.language.scenario import _validate_delay

    d = _validate_delay(written)
    if d.kind == "fixed":
        return float(d.days)
    if d.kind == "lognormal":
        if isinstance(written, Mapping) and "median" in written:
            return float(written["median"])  # as written, not exp(log(median))
        return float(f"{math.exp(d.mu):.12g}")  # sqrt(lo * hi), without the noise of exp
    # a curve: its median, or where it never reaches 1/2 (a chance of never that large)
    # the median of the delays that happen; swung all the same (it was left out unsaid)
    top = max((float(p) for _k, p in d.points), default=0.0)
    half = 0.5 if top >= 0.5 else top / 2
    prev_d, prev_p = 0, 0.0
    for k, p in d.points:
        if p >= half and p > prev_p:
            return prev_d + (k - prev_d) * (half - prev_p) / (p - prev_p)
        prev_d, prev_p = k, p
    return math.nan


def _scale_delay(written: Any, s: float) -> Any:
    """The delay with every day count multiplied by ``s`` (whole days where whole days are
    written; a curve's days kept increasing). A fixed delay stays within MAX_DELAY_DAYS
    (longer than any horizon: the same forecast)."""
    if isinstance(written, int | float):
        return min(MAX_DELAY_DAYS, max(0, round(written * s)))
    if "between" in written:
        return {"between": [x * s for x in written["between"]]}
    if "median" in written:
        return {"median": written["median"] * s, "p90": written["p90"] * s}
    out: dict[int, float] = {}
    last = 0
    for k, p in written["by"].items():
        day = max(last + 1, round(int(k) * s))
        out[day] = p
        last = day
    return {"by": out}


def _note_certain(certain: list[str] | None, label: str) -> None:
    if certain is not None:
        certain.append(label)


def inputs(sc: Scenario, *, logit_range: float = 1.0, factor: float = 2.0,
           driver_shift: float = 0.5, sd_factor: float = 1.5, delay_scale: float = 0.2,
           certain: list[str] | None = None) -> list[Input]:
    """Every number of ``sc`` that a tornado swings, with its range (module docstring).

    ``certain``, a list, receives the name of each fixed 0 or 1 left out (no log-odds
    to swing), e.g. ``"war.p"``.
    """
    out: list[Input] = []
    full = sc.model_dump()
    for view in sc.iter_nodes():
        name, spec = view.name, view.spec
        if view.kind == "question":
            continue
        top = _top_path(sc, name)
        data: Any = full
        for k in sc.nodes[name].path:
            data = data[k]
        if isinstance(spec, Driver):
            _driver_inputs(out, name, top, data, driver_shift, sd_factor)
            continue
        if data.get("p") is not None:
            r = _p_range(data["p"], logit_range)
            if r is not None:
                out.append(Input(f"{name}.p", "p", *r, _setter(f"{top}.p", None, ())))
            else:
                _note_certain(certain, f"{name}.p")
        if data.get("by") is not None:
            _curve_inputs(out, f"{name}.by", f"{top}.by", data["by"], (), logit_range,
                          certain)
        if isinstance(data.get("levels"), Mapping):
            _level_inputs(out, f"{name}.levels", f"{top}.levels", data["levels"], (),
                          logit_range, "levels", certain)
        if data.get("table") is not None:
            _table_inputs(out, name, f"{top}.table", data["table"], data["table"], (),
                          logit_range, len(data.get("given") or [])
                          if isinstance(data.get("levels"), list) else None, certain)
        for fld in ("odds", "hazard_ratio"):
            for key, f in (data.get(fld) or {}).items():
                # kept finite and above 0 (a factor of 1e308 doubled is inf, which the
                # format refuses)
                lo_f = max(float(f) / factor, min(float(f), _TINY))
                hi_f = min(float(f) * factor, max(float(f), sys.float_info.max))
                how = f"÷/× {factor:g}" + ("" if (lo_f, hi_f) == (float(f) / factor,
                                                                   float(f) * factor)
                                           else " (kept to finite numbers above 0)")
                # a factor on one side of 1 is swung from no effect (1) at most: halving
                # 1.3 to 0.65 would reverse the effect, and make it stronger
                if float(f) > 1 and lo_f < 1:
                    lo_f, how = 1.0, f"÷/× {factor:g}, stopping at 1 (a factor of 1: no effect)"
                elif float(f) < 1 and hi_f > 1:
                    hi_f, how = 1.0, f"÷/× {factor:g}, stopping at 1 (a factor of 1: no effect)"
                out.append(Input(f"{name}.{fld}.{key}", fld, float(f), lo_f, hi_f, how,
                                 _setter(f"{top}.{fld}", data[fld], (key,))))
        if data.get("delay") is not None:
            written = data["delay"]
            med = _delay_median(written)
            if math.isfinite(med) and med > 0:
                lo_s, hi_s = 1 - delay_scale, 1 + delay_scale

                def changes(value: float, _w: Any = written, _m: float = med,
                            _p: str = f"{top}.delay") -> dict[str, Any]:
                    return {_p: _scale_delay(_w, value / _m)}

                out.append(Input(f"{name}.delay", "delay", med, _delay_median(
                    _scale_delay(written, lo_s)), _delay_median(_scale_delay(written, hi_s)),
                    f"×{lo_s:g}/×{hi_s:g} (days)", changes))
    return out


def _driver_inputs(out: list[Input], name: str, top: str, data: dict[str, Any], shift: float,
                   sd_factor: float) -> None:
    if data["dist"] == "normal":
        mean = float(data.get("mean") or 0.0)
        sd_given: Any = data.get("sd")
        sd = 1.0 if sd_given is None else float(sd_given)
        out.append(Input(f"{name}.mean", "driver", mean, _in_range(mean - shift * sd),
                         _in_range(mean + shift * sd), f"±{shift:g} sd",
                         _setter(f"{top}.mean", None, ())))
        out.append(Input(f"{name}.sd", "driver", sd, sd / sd_factor,
                         min(sd * sd_factor, MAX_DRIVER), f"÷/× {sd_factor:g}",
                         _setter(f"{top}.sd", None, ())))
        return
    low, high = float(data["low"]), float(data["high"])
    sd = (high - low) / math.sqrt(12.0)
    for key, v in (("low", low), ("high", high)):
        out.append(Input(f"{name}.{key}", "driver", v, _in_range(v - shift * sd),
                         _in_range(v + shift * sd), f"±{shift:g} sd",
                         _setter(f"{top}.{key}", None, ())))


def _in_range(v: float) -> float:
    """A driver's swung number kept within what a file may hold (a swing of a driver near
    the limit stops at it)."""
    return min(max(v, -MAX_DRIVER), MAX_DRIVER)


def _curve_inputs(out: list[Input], name: str, path: str, whole: Any, inner: tuple[Any, ...],
                  logit_range: float, certain: list[str] | None = None) -> None:
    """The points of a ``by`` curve (``whole`` holds it at ``inner``)."""
    curve: Any = whole
    for k in inner:
        curve = curve[k]
    dates = list(curve)
    bounds = _curve_bounds([curve[d] for d in dates])
    means = [p_mean(_spec(curve[d])) for d in dates]
    for i, d in enumerate(dates):
        r = _p_range(curve[d], logit_range)
        if r is None:
            _note_certain(certain, f"{name}.{_key(d)}")
            continue
        base, lo, hi, how = r
        if isinstance(_spec(curve[d]), float):
            # keep the curve rising on both sides: at a neighbour's value it would be
            # flat (no chance at all on those days), an extreme no analyst means
            if i:
                lo = max(lo, (bounds[i - 1][1] + base) / 2)
            if i + 1 < len(dates):
                hi = min(hi, (base + bounds[i + 1][0]) / 2)
            if (lo, hi) != (r[1], r[2]):
                how += " (at most half-way to its neighbours)"
        else:
            # an uncertain point's ends stay within what its neighbours allow (the ranges
            # and means of the points before and after): a very skewed beta's mean can lie
            # above its 95% quantile, and an end below it would make the curve decrease
            before = [x for j in range(i) for x in (bounds[j][1], means[j])]
            after = [x for j in range(i + 1, len(dates)) for x in (bounds[j][0], means[j])]
            lo = max([lo, *before])
            hi = min([hi, *after])
            if (lo, hi) != (r[1], r[2]):
                how += " (capped at its neighbours)"
        out.append(Input(f"{name}.{_key(d)}", "by", base, lo, hi, how,
                         _setter(path, whole, (*inner, d)) if inner else
                         _setter(f"{path}.{_key(d)}", None, ())))


def _table_inputs(out: list[Input], name: str, path: str, whole: Any, table: Any,
                  inner: tuple[Any, ...], logit_range: float,
                  depth: int | None = None, certain: list[str] | None = None) -> None:
    """The cells of a table (``depth``: a categorical node's number of parents, whose
    leaves at that depth are ``{outcome: p}`` maps)."""
    for k, v in table.items():
        here = (*inner, k)
        label = f"{name}.table." + ".".join(_key(x) for x in here)
        if depth is not None and len(here) == depth:
            _level_inputs(out, label, path, whole, here, logit_range, "table", certain)
        elif isinstance(v, Mapping) and "by" in v:
            _curve_inputs(out, f"{label}.by", path, whole, (*here, "by"), logit_range,
                          certain)
        elif isinstance(v, Mapping) and not ("between" in v or "beta" in v):
            _table_inputs(out, name, path, whole, v, here, logit_range, depth, certain)
        else:
            r = _p_range(v, logit_range)
            if r is not None:
                out.append(Input(label, "table", *r, _setter(path, whole, here)))
            else:
                _note_certain(certain, label)


# -- the question -----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Target:
    """What is evaluated: ``kind`` "p" (``expr``, a true/false expression) or "median"
    (``node``)."""

    text: str
    kind: Literal["p", "median"]
    expr: str = ""
    node: str = ""


def _target(sc: Scenario, question: object) -> _Target:
    if not isinstance(question, str) or not question.strip():
        raise ArgumentTypeError(f"question must be a non-empty string (a question, node or "
                                f"expression), not {question!r}")
    q = question.strip()
    if q.endswith(".median"):
        node = q[: -len(".median")]
        if node not in sc.dated_names:
            raise ArgumentError(f"{q!r}: '{node}' is not a dated node of scenario '{sc.id}' "
                                f"(dated: {', '.join(sc.dated_names) or 'none'})")
        return _Target(q, "median", node=node)
    if q in sc.questions:
        spec = sc.questions[q]
        expr = spec if isinstance(spec, str) else spec.expr
        return _Target(q, "p", expr=expr)
    if q in sc.nodes and sc.nodes[q].kind not in ("driver", "question"):
        # "x or x": the same event, asked as an expression, so exact inference computes
        # only this node's law instead of every marginal (tens of ms on the flagship)
        return _Target(q, "p", expr=f"{q} or {q}")
    node, eq, level = q.partition("=")
    if eq and not level.startswith("=") and level.strip() in sc.outcomes.get(node.strip(), ()):
        # a marginals row name, "instc=named", reads as "instc == named" (as in
        # compile_condition); the expression is built on in _voi, so it is spelled out here
        return _Target(q, "p", expr=f"{node.strip()} == {level.strip()}")
    return _Target(q, "p", expr=q)


def _default_question(sc: Scenario) -> str:
    """The headline question: the first true/false question (else signing, else the
    first binary node)."""
    from pactsim.inference.compile import compile_scenario

    model = compile_scenario(sc)
    for q, (_tree, kind) in model.questions.items():
        if kind == "bool":
            return q
    names = list(sc.binary_names)
    if "signing" in names:
        return "signing"
    if names:
        return names[0]
    raise ArgumentError(f"scenario '{sc.id}' has no true/false question or binary node to "
                        "analyse")


# -- which inputs can matter ------------------------------------------------------------------
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: The smallest factor a swing goes down to (the smallest normal float): a factor halved
#: to 0 would be refused
_TINY = sys.float_info.min


def _parents(sc: Scenario, name: str) -> set[str]:
    """Every node ``name``'s law reads (a superset: every name in its conditions); a
    numeric attribute (format 3) reads its ``given``, ``requires`` and ``excludes``."""
    attributes = getattr(sc, "attributes", None) or {}
    if name in attributes and name not in sc.nodes:
        a = attributes[name]
        return {x for k in [*(a.given or []), *a.requires, *a.excludes]
                for x in _NAME.findall(k)}
    view = sc.nodes[name]
    spec: Any = view.spec
    out: set[str] = set()
    if view.kind == "question":
        text = spec if isinstance(spec, str) else spec.expr
        return set(_NAME.findall(text))
    if view.kind == "driver":
        return out
    keys: list[str] = [*(getattr(spec, "given", None) or []), *getattr(spec, "odds", {}),
                       *getattr(spec, "hazard_ratio", {}), *getattr(spec, "requires", []),
                       *getattr(spec, "excludes", [])]
    after = getattr(spec, "after", None)
    if after is not None:
        keys += list(after.names)
    for k in keys:
        out |= set(_NAME.findall(k))
    if view.pillar is not None:
        out.add(view.pillar)
    if view.kind in ("pillar", "clause"):
        out.add("signing")
    return out


def _upstream(sc: Scenario, names: set[str]) -> set[str]:
    """``names`` and every node (or numeric attribute) they depend on, transitively."""
    known = set(sc.nodes) | set(getattr(sc, "attributes", None) or {})
    seen: set[str] = set()
    todo = [x for x in names if x in known]
    while todo:
        x = todo.pop()
        if x in seen:
            continue
        seen.add(x)
        todo += [p for p in _parents(sc, x) if p in known and p not in seen]
    return seen


def _level_blind(sc: Scenario, node: str, expr: str) -> bool:
    """Whether the question ``expr`` is independent of categorical ``node``'s outcome
    once its presence is known, by the structure of the model alone (d-separation), so
    that learning which outcome tells no more than whether it happens.

    The outcome, given presence, is drawn from the row of ``node``'s table its ``given``
    parents pick (``odds`` move present against absent only): a pseudo-node with those
    parents and ``node``. Every
    node (or numeric attribute) whose law reads ``node`` is taken to read the outcome
    too, as is the question when it names ``node`` (a superset of the reads: never blind
    where it is not). A file with news (``observations``) is never blind: the news may
    read the outcome.
    """
    if sc.findings():  # news on anything may tie the outcome to the question: not blind
        return False
    known = set(sc.nodes) | set(getattr(sc, "attributes", None) or {})
    asked = {x for x in _NAME.findall(expr) if x in known}
    if node in asked:
        return False
    spec: Any = sc.nodes[node].spec
    level = f"{node}#level"
    own = {x for k in getattr(spec, "given", None) or [] for x in _NAME.findall(k)
           if x in known}  # odds move present against absent only, not the split

    def parents(x: str) -> set[str]:
        if x == level:
            return own | {node}
        got = {p for p in _parents(sc, x) if p in known}
        return got | {level} if node in got else got

    ancestral: set[str] = set()
    todo = [level, node, *asked]
    while todo:
        x = todo.pop()
        if x not in ancestral:
            ancestral.add(x)
            todo += [p for p in parents(x) if p not in ancestral]
    links: dict[str, set[str]] = {x: set() for x in ancestral}
    for x in ancestral:  # moralise: each node to its parents, its parents to each other
        ps = sorted(parents(x))
        for i, p in enumerate(ps):
            links[x].add(p)
            links[p].add(x)
            for q in ps[i + 1:]:
                links[p].add(q)
                links[q].add(p)
    seen, todo = {level}, [level]
    while todo:  # reachable from the outcome without passing through the node's presence
        x = todo.pop()
        if x in asked:
            return False
        for y in links[x] - seen:
            if y != node:
                seen.add(y)
                todo.append(y)
    return True


def _some(names: Sequence[str], most: int = 6) -> str:
    """The first ``most`` names, then how many more: ``"a, b, c and 4 more"``."""
    return ", ".join(names[:most]) + (f" and {len(names) - most} more"
                                      if len(names) > most else "")


def _selected(name: str, wanted: Sequence[str]) -> bool:
    """Whether ``only=`` selects input ``name``: by name, or by a prefix ending in ``.``."""
    return any(name == w or (w.endswith(".") and name.startswith(w)) for w in wanted)


def _node_of(item: Input, sc: Scenario) -> str:
    return item.name.split(".", 1)[0]


# -- evaluation -------------------------------------------------------------------------------
class _Engine:
    """Exact answers where possible, else Monte Carlo runs sharing one seed."""

    def __init__(self, sc: Scenario, target: _Target, method: str, n: int,
                 seed: SeedLike) -> None:
        self.sc, self.target, self.method, self.n = sc, target, method, n
        self.entropy, self.spawn_key = resolve_seed(seed)
        self.notes: list[str] = []
        self.used_mc = False
        #: (rows refused, rows not tried, the first refusal) of what to watch (_voi_rows)
        self.voi_refused: tuple[int, int, str] = (0, 0, "")
        self.base_exact: Any = None
        if method != "mc":
            try:
                self.base_exact = self._exact(sc)
                self.base_value = self._read_exact(self.base_exact)
            except _REFUSED as err:
                if method == "exact":
                    raise
                self.notes.append(f"exact inference refused ({_first_line(err)}): Monte "
                                  f"Carlo with common random numbers, n={n:,}, "
                                  f"seed={self.entropy}")
                self.base_exact = None
        self._base_mc: Any = None
        self._fast: Any = None
        if self.base_exact is None:
            self.base_value = self._read_mc(self.mc(sc))

    @staticmethod
    def _exact(sc: Scenario) -> Any:
        from pactsim.results.exact import exact

        return exact(sc, progress=False)

    def _read_exact(self, res: Any) -> float:
        t = self.target
        if t.kind == "p":
            return float(res.prob(t.expr).value)
        return _day_number(res.date_quantiles(t.node, (0.5,)).iloc[0], self.sc)

    def mc(self, sc: Scenario) -> Any:
        from pactsim.montecarlo import simulate

        self.used_mc = True
        if sc is self.sc and self._base_mc is not None:
            return self._base_mc
        res = simulate(sc, self.n, seed=np.random.SeedSequence(self.entropy,
                                                               spawn_key=self.spawn_key),
                       keep_draws=True, progress=False)
        if sc is self.sc:
            self._base_mc = res
        return res

    def _read_mc(self, res: Any) -> float:
        t = self.target
        if t.kind == "p":
            x = np.asarray(res._evaluate(t.expr, "expr"), dtype=np.float64)
            w = _weights(res)
            return float(x.mean()) if w is None else float(np.dot(w, x) / w.sum())
        return _day_number(res.date_quantiles(t.node, (0.5,)).iloc[0], self.sc)

    def draws(self, res: Any) -> NDArray[Any]:
        t = self.target
        if t.kind == "p":
            return np.asarray(res._evaluate(t.expr, "expr"), dtype=np.float64)
        from pactsim.analysis.diff import _days

        return _days(res.to_frame()[f"{t.node}.date"])

    def fast_pair(self, item: Input) -> tuple[float, float, float, float, str] | None:
        """``pair`` of an input's two ends by swapping its numbers into the compiled base
        (:class:`pactsim.analysis.spread._Numbers`: no new scenario is validated and
        compiled, about a third of the time); ``None`` where that path does not apply
        (Monte Carlo, a driver, ends chosen by hand — those are validated — or anything
        it cannot set), and the caller takes :meth:`pair`. The answers are those of
        ``exact(with_changes(...))`` (``tests/unit/test_categorical_analysis.py``)."""
        if (self.base_exact is None or item.kind == "driver" or item.range == "given"
                or self.sc.observations):  # _Numbers answers without the file's news
            return None
        from pactsim.analysis.spread import _Numbers

        try:
            if self._fast is None:
                self._fast = _Numbers(self.sc)
            a = self._read_exact(self._fast.results(item.changes(item.low)))
            b = self._read_exact(self._fast.results(item.changes(item.high)))
        except (PactsimError, KeyError, TypeError, ValueError):
            return None  # the validated path says what is wrong, or refuses
        return a, b, abs(b - a), 0.0, "exact"

    def pair(self, low: Scenario, high: Scenario) -> tuple[float, float, float, float, str]:
        """``(q_low, q_high, swing, stderr, method)`` of two variants."""
        if self.base_exact is not None:
            try:
                a = self._read_exact(self._exact(low))
                b = self._read_exact(self._exact(high))
                return a, b, abs(b - a), 0.0, "exact"
            except _REFUSED as err:
                if self.method == "exact":
                    raise
                self.notes.append(f"exact inference refused a variant ({_first_line(err)}); "
                                  "it is estimated by Monte Carlo")
        ra, rb = self.mc(low), self.mc(high)
        a, b = self._read_mc(ra), self._read_mc(rb)
        da, db = self.draws(ra), self.draws(rb)
        wa, wb = _weights(ra), _weights(rb)
        if self.target.kind == "p":
            # paired influence of each draw on the (weighted) share: w (x - p) / mean(w)
            ia = da - a if wa is None else wa * (da - a) / wa.mean()
            ib = db - b if wb is None else wb * (db - b) / wb.mean()
            d = ib - ia
            se = float(math.sqrt(max(float(d.var()), 0.0) / len(d)))
            return a, b, abs(b - a), se, "mc"
        if wa is not None or wb is not None:  # the paired bootstrap is of unweighted draws
            self.notes.append("no standard error for a change of median date by Monte Carlo "
                              "under the file's observations (weighted draws)")
            return a, b, abs(b - a) if not math.isnan(b - a) else math.nan, math.nan, "mc"
        as_of = int(np.datetime64(self.sc.as_of, "D").astype(np.int64))
        width = (self.sc.horizon - self.sc.as_of).days + 1
        rng = np.random.default_rng(np.random.SeedSequence(self.entropy,
                                                           spawn_key=(*self.spawn_key, 2)))
        ch, se, _si = _median_change(da, db, as_of, as_of, width, width, rng)
        return a, b, abs(ch) if not math.isnan(ch) else math.nan, se, "mc"


def _unchanged(item: Input) -> bool:
    """Both ends of ``item``'s range write the file's own value (``delay: 1`` ×0.8/×1.2
    is 1 day at both ends): its variants are the file itself, and it moves nothing."""
    if item.range == "given":
        return False
    try:
        base = item.changes(item.base)
        return item.changes(item.low) == base and item.changes(item.high) == base
    except (PactsimError, KeyError, TypeError, ValueError):
        return False  # the evaluation says what is wrong


def _day_number(value: Any, sc: Scenario) -> float:
    """Days from ``as_of`` of a date (NaN for NaT: it never happens)."""
    import pandas as pd

    if value is None or pd.isna(value):
        return math.nan
    return float((pd.Timestamp(value).date() - sc.as_of).days)


def _as_date(days: float, sc: Scenario) -> Any:
    import pandas as pd

    if math.isnan(days):
        return pd.NaT
    return pd.Timestamp(sc.as_of + dt.timedelta(days=round(days)))


# -- value of information ---------------------------------------------------------------------
def _xlogy_ratio(p: float, q: float) -> float:
    return 0.0 if p <= 0 else p * math.log(p / q)


def _kl(p: float, q: float) -> float:
    """KL(Bernoulli(p) || Bernoulli(q)) in nats."""
    if q <= 0 or q >= 1:
        return 0.0
    return _xlogy_ratio(p, q) + _xlogy_ratio(1 - p, 1 - q)


def _clean(p: float) -> float:
    """A probability from exact sums, clipped to [0, 1] and its rounding noise at the ends
    removed."""
    p = min(max(p, 0.0), 1.0)
    return 0.0 if p < 1e-12 else 1.0 if p > 1 - 1e-12 else p


def _split(parts: Sequence[tuple[float, float]]) -> tuple[float, float, float, float]:
    """``(P(Q), expected |move|, Brier reduction, mutual information in nats)`` of
    learning which part holds, from each part's ``(P(part), P(Q | part))``; the mutual
    information as summed (a rounding below 0 is the caller's to clip)."""
    q = sum(w * qx for w, qx in parts)
    move = sum(w * abs(qx - q) for w, qx in parts)
    brier = sum(w * (qx - q) ** 2 for w, qx in parts)
    mi = sum(w * _kl(qx, q) for w, qx in parts)
    return q, move, brier, mi


def voi_row(px: float, q1: float, q0: float) -> tuple[float, float, float, float]:
    """``(P(Q), expected |move|, Brier reduction, mutual information in nats)`` from
    P(X), P(Q | X), P(Q | not X)."""
    q, move, brier, mi = _split([(px, q1), (1 - px, q0)])
    return q, move, brier, max(mi, 0.0)


def _partition_measures(joint: NDArray[np.float64]) -> NDArray[np.float64]:
    """``(P(X), P(Q | X), P(Q | not X), move, Brier, I(Q; X))`` of a joint table
    ``joint[l, q]`` (row ``l``: X's answer, ``1`` = true for a yes/no X; column ``q``: the
    question false / true), normalised here; the first three NaN past two rows."""
    p = joint / joint.sum()
    wl = p.sum(axis=1)
    ql = np.divide(p[:, 1], wl, out=np.full(len(wl), float(p[:, 1].sum())), where=wl > 0)
    _q, move, brier, mi = _split([(float(w), float(x)) for w, x in zip(wl, ql, strict=True)])
    if len(wl) == 2:
        return np.array([wl[1], ql[1], ql[0], move, brier, mi])
    return np.array([math.nan, math.nan, math.nan, move, brier, mi])


def _partition_se(labels: NDArray[np.intp], qd: NDArray[np.bool_],
                  w: NDArray[np.float64]) -> tuple[float, ...]:
    """Standard errors of :func:`_partition_measures` estimated from weighted draws
    (``labels``: X's answer per draw, ``qd``: the question's), by the delta method.

    The cells' shares ``p_c = Σ w 1[c] / Σ w`` have, to first order, the covariance
    ``Σ_i w_i² (1[c_i] − p_c)(1[c'_i] − p_c') / (Σ w)²`` (plain draws: the multinomial
    one). A measure ``f`` of the shares gets ``gᵀ Σ g`` from its gradient ``g`` (central
    differences). The Brier and log-loss reductions are squares of the effect, whose
    gradient vanishes with it: an effect near 0 would get a standard error near 0 while
    the estimate is biased up by about its own size. They also get the second-order term
    of a quadratic form of normal shares, ``½ tr((H Σ)²)`` with ``H`` their Hessian, the
    whole of the spread when the effect is 0 (the estimate is then a scaled chi-square).
    With the effect estimated, the first-order term does not vanish either, so at a true
    effect of 0 the error is overstated (by up to √3), never understated.

    A cell without draws contributes no variance, as a share estimated at 0 has a binomial
    standard error of 0 elsewhere in pactsim (``Estimate``): where a cell's chance is
    below about one in the run's number of draws, the stated error of a measure that rests
    on it is too small (replicate runs spread about 1.8× it in a test with 0.4 expected
    draws in the cell): a Monte Carlo row whose ``q_if_true`` or ``q_if_false`` is exactly
    0 or 1 has a stated error that is too small; more draws, or exact inference, settle it.
    """
    k = max(int(labels.max()) + 1 if len(labels) else 1, 2)
    cell = labels * 2 + qd.astype(np.intp)
    total = np.bincount(cell, weights=w, minlength=2 * k)
    big = float(total.sum())
    if big <= 0:
        return (math.nan,) * 6
    p = total / big
    s2 = np.bincount(cell, weights=w * w, minlength=2 * k) / big ** 2
    cov = np.diag(s2) - np.outer(s2, p) - np.outer(p, s2) + np.outer(p, p) * float(s2.sum())

    def f(x: NDArray[np.float64]) -> NDArray[np.float64]:
        return _partition_measures(x.reshape(k, 2))

    base = f(p)
    live = np.flatnonzero(p > 0)  # a cell without draws has no variance
    grad = np.zeros((6, 2 * k))
    for c in live:
        h = min(1e-6, float(p[c]) / 2)
        e = np.zeros(2 * k)
        e[c] = h
        grad[:, c] = (f(p + e) - f(p - e)) / (2 * h)
    var = np.einsum("mi,ij,mj->m", grad, cov, grad)
    steps = {int(c): min(1e-4, float(p[c]) / 4) for c in live}
    hess = np.zeros((2, len(live), len(live)))  # Brier (4) and log loss (5)
    for i, a in enumerate(live):
        for j in range(i, len(live)):
            b = live[j]
            ea, eb = np.zeros(2 * k), np.zeros(2 * k)
            ea[a], eb[b] = steps[int(a)], steps[int(b)]
            denom = 4 * steps[int(a)] * steps[int(b)]
            if denom == 0.0:  # steps of p ~ 1e-200 square to 0 (review-fuzz16b): the
                continue  # second-order term of so small a chance is left at 0
            val = (f(p + ea + eb) - f(p + ea - eb) - f(p - ea + eb) + f(p - ea - eb))[4:6] / (
                denom)
            hess[:, i, j] = hess[:, j, i] = val
    sub = cov[np.ix_(live, live)]
    for m in (4, 5):
        hs = hess[m - 4] @ sub
        var[m] += 0.5 * float(np.trace(hs @ hs))
    return tuple(math.sqrt(max(float(v), 0.0)) if math.isfinite(float(b)) else math.nan
                 for v, b in zip(var, base, strict=True))


def _self_rows(sc: Scenario, expr: str) -> set[str]:
    """The value-of-information rows whose observation *is* the question ``expr``.

    When ``expr`` reads nothing but one node X's outcome (X itself, ``X == l``,
    ``X != l``, ``not X``, ``in(X, ...)``, or questions built only on those; no
    driver or attribute; X's date only where it does not matter, as in
    ``X.date <= horizon``, which is X), the question is a function f of X's outcome,
    found by evaluating ``expr`` once per outcome (for a dated X, on every day where a
    comparison with a date literal could turn, and at ``as_of`` and the horizon).
    Then learning which outcome X has settles the question (row ``X: which
    outcome``), and so does a yes/no row of X (``X``, ``X == l``) whose two sides
    each give one answer of f. These rows are
    the question itself; any other row, including another node that equals the
    question only through the model's numbers, is not. Empty when f is constant.
    """
    from pactsim.inference.compile import compile_scenario
    from pactsim.language import expr as _expr

    model = compile_scenario(sc)
    scope = model.scope()
    try:
        tree = _expr.compile_condition(expr, scope)
    except PactsimError:  # pragma: no cover - the engine has answered this question
        return set()
    rows = {_expr.outcome_name(x, lv): x for x, levels in sc.outcomes.items()
            for lv in levels if lv != _expr.ABSENT}
    nodes: set[str] = set()
    seen: set[str] = set()
    dated: set[str] = set()
    literals: set[dt.date] = set()
    stack = [tree]
    while stack:  # the question and the questions it reads (each once: no recursion)
        for e in _expr.walk(stack.pop()):
            if isinstance(e, _expr.DaysBetween):
                return set()  # days between two dates: X's outcome does not tell them
            if isinstance(e, _expr.DateOf):
                dated.add(e.name)
                nodes.add(e.name)
                continue
            if isinstance(e, _expr.DateLit):
                literals.add(e.value)
                continue
            if not isinstance(e, _expr.Name):
                continue
            if e.name in model.questions:
                if e.name not in seen:
                    seen.add(e.name)
                    stack.append(model.questions[e.name][0])
            elif e.name in rows:
                nodes.add(rows[e.name])
            elif e.name in scope and scope[e.name].type == "bool":
                nodes.add(e.name)
            else:
                return set()  # a driver or numeric attribute
    if len(nodes) != 1:
        return set()
    (x,) = nodes
    levels = sc.outcomes.get(x)
    if levels is None:  # binary: its two outcomes
        splits = {x: np.array([True, False])}
        values: dict[str, NDArray[Any]] = {x: splits[x]}
    else:
        out = np.array(levels)
        splits = {x: out != _expr.ABSENT}
        splits.update((f"{x} == {lv}", out == lv) for lv in levels if lv != _expr.ABSENT)
        values = {x: splits[x]}
        values.update((_expr.outcome_name(x, lv), out == lv) for lv in levels
                      if lv != _expr.ABSENT)
    dates: dict[str, NDArray[Any]] | None = None
    if dated and levels is not None:  # pragma: no cover - a categorical node has no date
        return set()
    if dated:  # X happened on each day where the answer could turn, or did not happen
        lo, hi, one = sc.as_of, sc.horizon, dt.timedelta(days=1)
        # clamped first: a literal may be 0001-01-01 or 9999-12-31, where a day more overflows
        days = sorted({lo, hi, *(min(max(min(max(d, lo - one), hi + one) + k * one, lo), hi)
                                 for d in literals for k in (-1, 0, 1))})
        dates = {x: np.array([None, *days], dtype="datetime64[D]")}
        values = {x: np.arange(len(days) + 1) > 0}
        splits = {x: values[x]}
    for q, (qtree, _kind) in model.questions.items():  # in evaluation order
        if q in seen:
            values[q] = _expr.evaluate(qtree, values, dates)
    f = _expr.evaluate(tree, values, dates).astype(bool)
    if dated and len(set(f[1:])) > 1:
        return set()  # the day X happened on matters: its outcome does not settle it
    if f.all() or not f.any():
        return set()  # the wording settles the question: no row is it
    found = {name for name, side in splits.items()
             if side.any() and not side.all() and len(set(f[side])) == 1
             and len(set(f[~side])) == 1}
    if levels is not None:
        found.add(f"{x}: which outcome")
    return found


def _settled_first(sc: Scenario, expr: str) -> tuple[set[str], list[str]]:
    """``(nodes, after)``: the nodes that cannot be learnt before the question ``expr``
    resolves, and the dated nodes they wait for.

    Only where the question is settled by dated nodes alone: every node it reads (itself
    or through the questions it names) is a dated node (its date or whether it
    happened). The question then resolves once those dated nodes have happened, or
    cannot any more. (A question on the text is not: its pillars and clauses are all
    known at the signing, and learning one of them is learning the text.) A node that
    follows *each* of them in time (a milestone after them, through anchors after one
    or all of theirs; a pillar or clause after the signing) happens only later:
    learning it first is not possible, so it has no value of information in the sense
    of "what to watch". So is one of the dated nodes read that follows all the others
    (or is the only one, as ``signing`` is for ``signing.date <= 2024-12-31``), when
    nothing can make it impossible before its day (no ``requires``, ``excludes`` or
    ``given`` table, which could hold a 0): whether it happens by the horizon is then
    known on its day, when all of them have happened, or at the horizon, and the
    question is settled by then. When the question reads that node alone, its gates and
    tables do not matter: whether it happens can be learnt before its day only through
    what it is drawn from (an event its table or gate reads, which has a row of its own;
    not through the node itself), and otherwise on its day, when the question is settled
    too (a signing drawn from a table of curves over an event is left out of a question
    on its date; the event is kept).
    An undated node drawn given the signing is kept: a ``given`` orders nothing in time
    (a programme signed instead of the treaty, drawn given the signing, may be seen
    first). ``requires`` orders nothing in time
    (a gated node keeps its own date), and a question reading anything else (an event
    without a date, a driver, an attribute) leaves out nothing.
    """
    from pactsim.language import expr as _expr

    views = sc.nodes
    nexts: dict[str, list[str]] = {}
    # a milestone after the first (or k) of several anchors follows x only when every
    # anchor does (or is x): checked as the anchors are reached
    partial: dict[str, list[str]] = {}  # anchor -> such milestones
    anchors: dict[str, set[str]] = {}
    for name, view in views.items():
        after = getattr(view.spec, "after", None) if view.timing == "milestone" else None
        if after is not None and after.k >= len(after.names):
            for a in after.names:
                nexts.setdefault(a, []).append(name)
        elif after is not None:
            anchors[name] = set(after.names)
            for a in after.names:
                partial.setdefault(a, []).append(name)
        if view.kind == "pillar" and "signing" in views:
            nexts.setdefault("signing", []).append(name)
        if view.kind == "clause" and view.pillar is not None:
            nexts.setdefault(view.pillar, []).append(name)

    def later(x: str) -> set[str]:
        seen: set[str] = set()
        todo = list(nexts.get(x, ()))
        todo += [m for m in partial.get(x, ()) if anchors[m] <= {x}]
        while todo:  # a worklist: no recursion on the length of a chain
            j = todo.pop()
            if j not in seen:
                seen.add(j)
                todo += nexts.get(j, ())
                todo += [m for m in partial.get(j, ()) if m not in seen
                         and anchors[m] <= seen | {x}]
        return seen

    dated = set(sc.dated_names)
    read: set[str] = set()
    seen_q: set[str] = set()
    try:
        todo = [_expr.parse(expr)]
    except PactsimError:  # pragma: no cover - the engine has answered this question
        return set(), []
    while todo:  # the question and the questions it names (each once: no recursion)
        for e in _expr.walk(todo.pop()):
            if isinstance(e, _expr.DateOf | _expr.Name) and e.name in sc.questions:
                if e.name not in seen_q:
                    seen_q.add(e.name)
                    todo.append(_expr.parse(sc.question_text(e.name)))
            elif isinstance(e, _expr.DateOf | _expr.Name):
                read.add(e.name)
    if not read or any(x not in dated for x in read):
        return set(), []  # something it reads is not settled by a date
    waits = read
    common: set[str] | None = None
    for x in waits:
        common = later(x) if common is None else common & later(x)

    def ungated(x: str) -> bool:  # nothing can make x impossible before its day
        spec = views[x].spec
        return not (getattr(spec, "requires", None) or getattr(spec, "excludes", None)
                    or getattr(spec, "given", None))

    # a question on one dated node alone: whatever its timing reads, the node itself is
    # learnt only on its day (or at the horizon), when the question is settled too;
    # what it is drawn from is learnt earlier, in rows of its own (docstring)
    last = {x for x in read if (ungated(x) or read == {x})
            and all(x in later(y) for y in read - {x})}
    return ((common or set()) - read) | last, sorted(waits)


def _voi(engine: _Engine) -> list[tuple[Any, ...]]:
    """The value-of-information rows of every node (module docstring), less those whose
    observation is the question itself (:func:`_self_rows`) and those known only after
    the question is settled (:func:`_settled_first`), each named in a note."""
    rows = _voi_rows(engine)
    itself = _self_rows(engine.sc, engine.target.expr)
    left_out = [r[0] for r in rows if r[0] in itself]
    if left_out:
        engine.notes.append(f"not in what to watch: {', '.join(left_out)} (the question "
                            f"itself: learning {'it' if len(left_out) == 1 else 'any'} "
                            "settles it)")
    later, waits = _settled_first(engine.sc, engine.target.expr)

    # a yes/no row true in exactly the draws where one of those happens (a legal form
    # `binding_treaty` that is the signing under another name) is known at the same time
    same = _same_as(engine, [r[0] for r in rows if r[0] not in itself and r[1] != "outcomes"
                             and _row_node(r[0]) not in later], later)
    late = list(dict.fromkeys([*(_row_node(r[0]) for r in rows
                                 if r[0] not in itself and _row_node(r[0]) in later),
                               *(r[0] for r in rows if r[0] in same)]))
    own = [x for x in late if x in waits]  # the dated node the question is about
    late = [x for x in late if x not in waits]
    if own:
        engine.notes.append(
            f"not in what to watch: {', '.join(own)} (the question's own "
            + ("event: learnt on its day" if len(own) == 1 else "events: learnt on their day")
            + ", or at the horizon, when the question is settled)")
    if late:
        engine.notes.append(
            f"not in what to watch: {_some(late)} (known only once {' and '.join(waits)} "
            f"{'has' if len(waits) == 1 else 'have'} happened or no longer can, when the "
            "question is settled)")
    kept = _merge_same(engine, [r for r in rows if r[0] not in itself
                                and _row_node(r[0]) not in later and r[0] not in same])
    _note_refused(engine, kept)
    return kept


def _note_refused(engine: _Engine, shown: list[tuple[Any, ...]]) -> None:
    """The note on the rows exact inference refused (tried one by one, at most
    :data:`MAX_REFUSED_ROWS`), naming the rows shown that came from Monte Carlo."""
    refused, untried, why = engine.voi_refused
    mc_rows = [str(r[0]) for r in shown if r[9] != "exact"]
    if not refused or not mc_rows:
        return  # (a refused row left out of what to watch after all changes nothing shown)
    every = len(mc_rows) == len(shown)
    engine.notes.append(f"what to watch: exact inference refused {refused} row"
                        f"{'s' if refused > 1 else ''} ({why})"
                        + (f" and was not tried on {untried} more" if untried else "")
                        + f"; Monte Carlo for {'every row' if every else _some(mc_rows)}"
                        + ("" if every else ", exact for the rest"))


def _merge_same(engine: _Engine, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """``rows`` less repeats, each named in a note: a yes/no row true in exactly the
    draws of another one (:func:`_equivalent`; ``signing`` first, then nodes, then
    outcomes, in file order) is shown once; a row ``X: which outcome`` that tells no
    more about the question than a row shown (the same mutual information and Brier
    reduction as X's own row, or as the row one of X's outcomes was shown as) is left
    out. Exact numbers decide the second; under Monte Carlo, where estimates of the two
    differ by sampling noise, the model's structure decides (:func:`_level_blind`)."""
    def same_numbers(a: tuple[Any, ...], b: tuple[Any, ...], cols: range) -> bool:
        return all(abs(float(a[i]) - float(b[i])) <= 1e-12 for i in cols)

    ranked = sorted((r for r in rows if r[1] != "outcomes"),
                    key=lambda r: (r[0] != "signing", r[1] == "outcome"))
    kept: list[tuple[Any, ...]] = []
    also: dict[str, list[str]] = {}
    budget = SAME_AS_PAIRS
    for r in ranked:
        for k in kept:
            if budget > 0 and same_numbers(r, k, range(3, 6)):
                budget -= 1
                if _equivalent(engine, r[0], k[0]):
                    also.setdefault(k[0], []).append(r[0])
                    break
        else:
            kept.append(r)
    merged = {x for xs in also.values() for x in xs}
    by_name = {r[0]: r for r in kept}
    idle: dict[str, str] = {}  # "X: which outcome" -> the row it tells no more than
    for r in rows:
        if r[1] != "outcomes":
            continue
        x = _row_node(r[0])
        shown = [x] if x in by_name else []
        shown += [k for k, xs in also.items() if any(_row_node(m) == x for m in xs)]
        same = next((k for k in shown if same_numbers(r, by_name[k], range(7, 9))), None)
        if same is not None and float(r[8]) > 1e-12:  # (a row worth nothing stays)
            idle[r[0]] = same
        elif r[9] != "exact" and x in by_name and _level_blind(engine.sc, x,
                                                                engine.target.expr):
            idle[r[0]] = x  # the same by the model's structure; estimates differ by noise
    for first, xs in also.items():
        engine.notes.append(f"in what to watch once, as {first}: {_some(xs)} (true in exactly "
                            f"the same draws as {first})")
    if idle:
        engine.notes.append("not in what to watch: " + ", ".join(
            f"{r} (which outcome tells no more about the question than "
            + (f"whether {r.split(':')[0]} happens)" if r.startswith(k + ":") else f"{k})")
            for r, k in idle.items()))
    return [r for r in rows if r[0] not in merged and r[0] not in idle]


def _equivalent(engine: _Engine, x: str, y: str) -> bool:
    """Whether yes/no observations ``x`` and ``y`` (a node, or ``X == l``) are true in
    exactly the same draws: P(x and not y) + P(y and not x) = 0 by exact inference,
    else in every draw of the base Monte Carlo run."""
    if engine.base_exact is not None:
        try:
            differ = f"(({x}) and not ({y})) or (({y}) and not ({x}))"
            return float(engine.base_exact.prob(differ).value) <= 1e-12
        except _REFUSED:
            pass
    res = engine.mc(engine.sc)
    a = np.asarray(res._evaluate(x, "expr"), dtype=bool)
    b = np.asarray(res._evaluate(y, "expr"), dtype=bool)
    return bool((a == b).all())


def _same_as(engine: _Engine, rows: list[str], known: set[str]) -> set[str]:
    """Those of the yes/no observations ``rows`` (a node, or ``X == l``) true in exactly
    the draws where a node of ``known`` happens (:func:`_equivalent`), and drawn given it
    (the node is upstream of theirs: a legal form that requires the signing is the
    signing under another name, known when it is). A cause the node always follows (an
    event whose table makes the signing certain or impossible, an anchor a milestone
    always follows) can be learnt first, and is kept. At most :data:`SAME_AS_PAIRS` pairs
    are compared."""
    out: set[str] = set()
    sc = engine.sc
    nodes = [y for y in sorted(known) if y in sc.nodes]
    above: dict[str, set[str]] = {}

    def drawn_given(x: str, y: str) -> bool:
        node = _row_node(x)
        if node not in above:
            above[node] = _upstream(sc, {node}) - {node}
        return y in above[node]

    pairs = ((x, y) for x in dict.fromkeys(rows) for y in nodes)  # (not a list: rows x nodes)
    for x, y in itertools.islice(pairs, SAME_AS_PAIRS):
        if x not in out and drawn_given(x, y) and _equivalent(engine, x, y):
            out.add(x)
    return out


def _row_node(row: str) -> str:
    """The node a what-to-watch row is about: ``X`` of ``X``, ``X == l`` and ``X: which
    outcome``."""
    return row.split(" == ", 1)[0].split(": which outcome", 1)[0]


#: Pairs of rows :func:`_same_as` and :func:`_merge_same` compare at most (each an exact
#: query or a comparison of two columns of draws).
SAME_AS_PAIRS = 2_000


def _voi_rows(engine: _Engine) -> list[tuple[Any, ...]]:
    sc, target = engine.sc, engine.target
    rows: list[tuple[Any, ...]] = []
    candidates: list[tuple[str, str, str]] = []
    for view in sc.iter_nodes():
        if view.kind in ("driver", "question"):
            continue
        spec: Any = view.spec
        # context: an event of the world, not a milestone and not drawn given the signing
        # (a categorical event such as the legal form, `requires: [signing]`, is the text)
        group = "context" if (view.kind == "event" and getattr(spec, "after", None) is None
                              and "signing" not in _upstream(sc, {view.name})) else "other"
        candidates.append((view.name, view.kind if getattr(spec, "after", None) is None
                           else "milestone", group))
        candidates += [(f"{view.name} == {x}", "outcome", group)
                       for x in sc.outcomes.get(view.name, ()) if x != "absent"]
    use_exact = engine.base_exact is not None
    frame = None
    qd: NDArray[Any] | None = None
    w: NDArray[np.float64] | None = None
    seen: dict[str, NDArray[np.bool_]] = {}  # a categorical node's answers, per draw
    refused = untried = 0  # rows exact inference refused; rows not tried after that many
    first_refusal = ""
    for name, kind, group in candidates:
        x = f"({name}) or ({name})" if kind == "outcome" else f"{name} or {name}"  # _target
        if use_exact and refused < MAX_REFUSED_ROWS:
            try:
                ex = engine.base_exact
                px = float(ex.prob(x).value)
                if px <= 1e-12 or px >= 1 - 1e-12:
                    continue
                both = float(ex.prob(f"({target.expr}) and ({x})").value)
                q = engine.base_value
                q1 = _clean(both / px)
                q0 = _clean((q - both) / (1 - px))
                if abs(q1 - q) < 1e-12 and abs(q0 - q) < 1e-12:
                    q1 = q0 = q  # rounding of exact sums: X tells nothing of Q (as tornado)
                rows.append((name, kind, group, px, q1, q0, *voi_row(px, q1, q0)[1:], "exact",
                             *_EXACT_SE))
                continue
            except _REFUSED as err:
                if engine.method == "exact":
                    raise
                first_refusal = first_refusal or _first_line(err)
                refused += 1
        elif use_exact:
            untried += 1  # past MAX_REFUSED_ROWS: no more tries
        if frame is None:
            res = engine.mc(sc)
            frame = res.to_frame()
            qd = engine.draws(res).astype(bool)
        assert qd is not None
        xd = (np.asarray(res._evaluate(name, "expr")) if kind == "outcome" else
              frame[name].to_numpy()).astype(bool)
        w = _weights(res)  # under the file's observations the draws are weighted
        w = np.ones(len(xd)) if w is None else w
        wx, wn = float(w[xd].sum()), float(w[~xd].sum())
        if wx <= 0 or wn <= 0:
            continue
        px = wx / (wx + wn)
        q1, q0 = float(np.dot(w[xd], qd[xd]) / wx), float(np.dot(w[~xd], qd[~xd]) / wn)
        rows.append((name, kind, group, px, q1, q0, *voi_row(px, q1, q0)[1:], "mc",
                     *_partition_se(xd.astype(np.intp), qd, w)))
        if kind == "outcome":
            seen[name] = xd
    # named once the rows to show are known (a refused row may be left out after all)
    engine.voi_refused = (refused, untried, first_refusal)
    return rows + _outcome_voi(sc, rows, seen, qd, w)


def _outcome_voi(sc: Scenario, rows: list[tuple[Any, ...]],
                 seen: dict[str, NDArray[np.bool_]] | None = None,
                 qd: NDArray[Any] | None = None,
                 w: NDArray[np.float64] | None = None) -> list[tuple[Any, ...]]:
    """One row per categorical node X for learning *which* outcome it has (kind
    ``outcomes``, node ``X: which outcome``), from the rows of X (absent: P(not X),
    P(Q | not X)) and of each ``X == l``: the expected move, Brier reduction and mutual
    information over the partition into outcomes (``p_node``, ``q_if_true``,
    ``q_if_false`` are left empty: there are more than two answers). Under Monte Carlo
    (``seen``: the per-draw answers of those rows, ``qd``, ``w``: the question's draws
    and their weights) with standard errors from the draws."""
    seen = seen or {}
    by_name = {r[0]: r for r in rows}
    out: list[tuple[Any, ...]] = []
    for node, levels in sc.outcomes.items():
        parts = [(by_name[f"{node} == {x}"][3], by_name[f"{node} == {x}"][4])
                 for x in levels if f"{node} == {x}" in by_name]
        if node in by_name:  # absent: P(not X), P(Q | not X)
            parts.append((1.0 - by_name[node][3], by_name[node][5]))
        if len(parts) < 2:
            continue  # one outcome is certain: nothing to learn
        first = by_name.get(node) or by_name[f"{node} == {levels[-1]}"]
        _q, move, brier, mi = _split(parts)
        mi = max(mi, 0.0)
        se: tuple[float, ...] = _EXACT_SE
        keys = [f"{node} == {x}" for x in levels if f"{node} == {x}" in by_name]
        methods = {by_name[k][9] for k in [*keys, *([node] if node in by_name else [])]}
        method = "exact" if methods == {"exact"} else "mc"
        if method != "exact":
            se = (math.nan,) * 6
            if qd is not None and w is not None and all(k in seen for k in keys):
                labels = np.zeros(len(qd), dtype=np.intp)
                for i, k in enumerate(keys):
                    labels[seen[k]] = i + 1  # 0: absent (or an outcome at no draw)
                se = _partition_se(labels, qd, w)
                if methods != {"mc"}:  # some rows exact, some not: all from the draws
                    cell = labels * 2 + np.asarray(qd, dtype=np.intp)
                    joint = np.bincount(cell, weights=w, minlength=2 * (len(keys) + 1)
                                        ).astype(np.float64)
                    move, brier, mi = (float(v) for v in _partition_measures(
                        joint.reshape(-1, 2))[3:6])
        out.append((f"{node}: which outcome", "outcomes", first[2], math.nan, math.nan,
                    math.nan, move, brier, mi, method, *se))
    return out


# -- the result -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sensitivity:
    """What drives one question of a scenario (:func:`sensitivity`).

    Attributes
    ----------
    tornado:
        One row per input (columns :data:`TORNADO_COLUMNS`), largest swing
        first: ``input`` (a dotted path as :meth:`Scenario.with_changes` takes
        it, from the node's name), ``kind``, ``base`` / ``low`` / ``high`` (the
        input's value, in its unit: a probability, a factor, a driver
        parameter, a delay's median in days), ``range`` (how the ends were
        chosen), ``q_low`` / ``q_high`` (the question at each end: a
        probability, or a date for ``NODE.median``), ``swing`` (``|q_high −
        q_low|``: probability, or days), its ``stderr`` (0 when exact) and
        ``method`` (``exact`` or ``mc``).
    voi:
        One row per binary node (columns :data:`VOI_COLUMNS`): ``p_node`` =
        P(X), ``q_if_true`` = P(Q | X), ``q_if_false`` = P(Q | not X), ``move``
        (expected absolute change of P(Q) once X is known), ``brier`` (expected
        reduction of the Brier score) and ``log_loss`` (of the log loss: the
        mutual information, nats); context events first, each group by
        ``brier``. A categorical node adds rows ``X == l`` (kind ``outcome``)
        and ``X: which outcome`` (kind ``outcomes``, its first three numbers
        empty; module docstring). Rows whose observation is the question
        itself (``instc == named`` and ``instc: which outcome`` for the
        question ``instc == named``; ``x`` for the question ``x``) are left
        out and named in :attr:`notes`. Empty for a median question. Each
        number has its standard error in the column of its name and ``_se``
        (``brier_se`` ...): 0 for an exact row; for a Monte Carlo row, from
        the (weighted) draws by the delta method.
    base:
        The question's answer (probability, or the median date).
    """

    scenario: Scenario
    question: str
    statistic: Literal["p", "median"]
    base: Any
    tornado: pd.DataFrame
    voi: pd.DataFrame
    method: str
    n: int | None
    seed: int | None
    notes: tuple[str, ...] = ()
    settings: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    def __str__(self) -> str:
        from pactsim.views.sensitivity import format_sensitivity

        return format_sensitivity(self)

    def __repr__(self) -> str:
        inputs, nodes = len(self.tornado), len(self.voi)
        return (f"<Sensitivity of {self.question!r} in {self.scenario.id!r}: "
                f"{inputs} input{'s' * (inputs != 1)}, {nodes} node{'s' * (nodes != 1)} to "
                f"watch, method {self.method}>")

    def to_dict(self) -> dict[str, Any]:
        from pactsim.views.sensitivity import sensitivity_to_dict

        return sensitivity_to_dict(self)

    def to_json(self) -> str:
        from pactsim.views.sensitivity import sensitivity_to_json

        return sensitivity_to_json(self)

    def plot_tornado(self, top: int = 15, ax: Axes | None = None) -> Figure | Axes:
        """The tornado of the ``top`` largest swings (matplotlib)."""
        from pactsim.views.sensitivity import plot_tornado

        return plot_tornado(self, top, ax)

    def plot(self, kind: Literal["tornado", "voi"] = "tornado", top: int = 15,
             ax: Axes | None = None) -> Figure | Axes:
        """The tornado (``kind="tornado"``, :meth:`plot_tornado`) or what to watch
        (``kind="voi"``, :meth:`plot_voi`), as ``Diff.plot()`` draws a diff."""
        if kind == "tornado":
            return self.plot_tornado(top, ax)
        if kind == "voi":
            return self.plot_voi(top, ax)
        raise ArgumentError(f"plot(kind={kind!r}): use 'tornado' (what drives it) or 'voi' "
                            "(what to watch)")

    def plot_voi(self, top: int = 15, ax: Axes | None = None) -> Figure | Axes:
        """Bars of the expected move of P(question) per node learnt (matplotlib)."""
        from pactsim.views.sensitivity import plot_voi

        return plot_voi(self, top, ax)

    def _repr_html_(self) -> str:
        from pactsim.views.display import styled
        from pactsim.views.sensitivity import sensitivity_html

        return styled(sensitivity_html(self, plots=False))


def _positive(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
            value) or value <= 0:
        raise ArgumentError(f"{name} must be a positive number, not {value!r}")
    return float(value)


def sensitivity(
    scenario: Scenario | str,
    question: str | None = None,
    *,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    only: Sequence[str] | None = None,
    voi: bool = True,
    logit_range: float = 1.0,
    factor: float = 2.0,
    driver_shift: float = 0.5,
    sd_factor: float = 1.5,
    delay_scale: float = 0.2,
    method: Literal["auto", "exact", "mc", "montecarlo"] = "auto",
    n: int = SENSITIVITY_N,
    seed: SeedLike = 0,
) -> Sensitivity:
    """What drives ``question``: a tornado of every input and the value of information.

    Parameters
    ----------
    scenario:
        A scenario, or the path of a scenario file.
    question:
        A question's name, a binary node, a true/false expression, an outcome
        row (``"instc=named"``: ``instc == named``), or ``"NODE.median"`` (a
        dated node's median date if it happens); ``None``:
        the first true/false question.
    ranges:
        Ends chosen by hand for some inputs, ``{"military.p": (0.8, 0.95)}``,
        in the input's unit (a delay: its median in days).
    only:
        Swing only these inputs (names as in the ``input`` column; a name
        ending in ``.`` selects every input under it, e.g. ``"signing."``).
    voi:
        Compute the value of information (yes/no questions only), leaving out
        the rows whose observation is the question itself (the node ``x`` for
        the question ``x``; ``instc == named`` and ``instc: which outcome`` for
        ``instc == named``), which :attr:`Sensitivity.notes` names.
    logit_range, factor, driver_shift, sd_factor, delay_scale:
        The default ranges of inputs without a stated uncertainty (module
        docstring): ±1 log-odds, ÷/× 2, ±0.5 sd, ÷/× 1.5, ±20%.
    method, n, seed:
        ``"auto"`` (exact where it works, Monte Carlo per item elsewhere),
        ``"exact"`` or ``"mc"`` (also ``"montecarlo"``); the Monte Carlo
        draws per variant (20,000 unless told) and the seed shared by every
        variant (common random numbers; 0 unless told, so an analysis repeats).

    Examples
    --------
    >>> import pactsim
    >>> sc = pactsim.loads("pactsim: 1\\nid: x\\nas_of: 2024-01-01\\nhorizon: 2024-12-31\\n"
    ...                    "events:\\n  a: {p: {between: [0.2, 0.6]}}\\n  b: {p: 0.5}\\n"
    ...                    "questions:\\n  both: a and b\\n")
    >>> s = pactsim.sensitivity(sc, "both")
    >>> s.tornado[["input", "low", "high", "q_low", "q_high"]].round(3)
      input    low   high  q_low  q_high
    0   a.p  0.200  0.600  0.100   0.300
    1   b.p  0.269  0.731  0.105   0.286
    >>> s.voi[["node", "p_node", "q_if_true", "q_if_false"]].round(3)
      node  p_node  q_if_true  q_if_false
    0    a   0.392      0.500         0.0
    1    b   0.500      0.392         0.0
    """
    import time

    import pandas as pd

    from pactsim.analysis.diff import _scenario
    from pactsim.montecarlo import _whole

    if not isinstance(voi, bool | np.bool_):  # (review-api27: "no" was true)
        raise ArgumentError(f"voi must be True or False, not {voi!r}")
    started = time.perf_counter()
    sc, _path = _scenario(scenario, "scenario")
    method = "mc" if method == "montecarlo" else method  # either spelling
    if method not in ("auto", "exact", "mc"):
        raise ArgumentError(f"method must be 'auto', 'exact' or 'mc', not {method!r}")
    n = _whole(n, "n", 1, MAX_N)
    settings = {"logit_range": _positive(logit_range, "logit_range"),
                "factor": _positive(factor, "factor"),
                "driver_shift": _positive(driver_shift, "driver_shift"),
                "sd_factor": _positive(sd_factor, "sd_factor"),
                "delay_scale": _positive(delay_scale, "delay_scale")}
    if settings["delay_scale"] >= 1:
        raise ArgumentError(f"delay_scale must be below 1 (a share of the delay), not "
                            f"{delay_scale!r}")
    if question is None:
        question = _default_question(sc)
    target = _target(sc, question)
    certain: list[str] = []
    items = inputs(sc, **settings, certain=certain)
    by_name = {i.name: i for i in items}
    from pactsim.errors import ArgumentTypeError, did_you_mean

    if ranges is not None and not isinstance(ranges, Mapping):  # (review-api27)
        raise ArgumentTypeError(f"ranges must be a mapping of input names to (low, high), "
                                f"e.g. {{'military.p': (0.4, 0.9)}}, not "
                                f"{type(ranges).__name__}")
    wanted = None if only is None else [only] if isinstance(only, str) else list(only)
    for w in wanted or []:
        if not isinstance(w, str):
            raise ArgumentTypeError(f"only: {w!r} is not an input name (text such as "
                                    "'military.p', or a prefix such as 'military.')")
        if not any(_selected(name, [w]) for name in (*by_name, *certain)):
            # (review-api27: a misspelt entry beside a good one was dropped silently)
            raise ArgumentError(f"only: {w!r} is not an input of scenario '{sc.id}'"
                                + did_you_mean(w, list(by_name)))
    for key, ends in (ranges or {}).items():
        if key in certain:
            raise ArgumentError(f"ranges: {key!r} is fixed at 0 or 1 in scenario '{sc.id}', "
                                "which is not an input: a certain entry has no log-odds to "
                                "swing (change it with with_changes, then ask again)")
        if key not in by_name:
            raise ArgumentError(f"ranges: {key!r} is not an input of scenario '{sc.id}'"
                                + did_you_mean(key, list(by_name)))
        if wanted is not None and not _selected(key, wanted):
            raise ArgumentError(f"ranges: {key!r} is left out by only={wanted!r}: add it to "
                                "only, or drop it from ranges")
        try:  # 10**400 is past the floats: OverflowError
            lo, hi = (float(x) for x in ends)
        except (TypeError, ValueError, OverflowError):
            lo = hi = math.nan
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise ArgumentError(f"ranges: {key!r} must be (low, high), two finite numbers such "
                                "as (0.1, 0.9)")
        if lo > hi:
            raise ArgumentError(f"ranges[{key!r}] = ({lo:g}, {hi:g}): the low end is above the "
                                f"high end; write ({hi:g}, {lo:g})")
        for end, value in (("low", lo), ("high", hi)):  # each end a value the input can take
            try:
                sc.with_changes(by_name[key].changes(value))
            except ScenarioError as err:
                reason = err.problems[0].message if err.problems else str(err)
                reason = re.sub(r"^= [^\s:]+:? ", "", reason)  # the value, already said
                raise ArgumentError(f"ranges[{key!r}]: the {end} end {value:g} cannot be set: "
                                    f"{reason}") from None
        by_name[key] = Input(key, by_name[key].kind, by_name[key].base, lo, hi, "given",
                             by_name[key].changes)
    items = list(by_name.values())
    if wanted is not None:
        items = [i for i in items if _selected(i.name, wanted)]
        certain = [c for c in certain if _selected(c, wanted)]
        if not items:
            raise ArgumentError(f"only: {wanted!r} selects no input of scenario '{sc.id}' "
                                f"(inputs: {', '.join(list(by_name)[:8])}, ...)")
    try:
        engine = _Engine(sc, target, method, n, seed)
    except PactsimError as err:
        if isinstance(err, (*_REFUSED, ConditionError)) or type(err) is ArgumentError:
            raise  # not the question's fault (ConditionError: the file's news cannot hold)
        said = _first_line(err)
        # the kinds a question may be, where the question is of another kind or names
        # nothing (review-fuzz15: it was added to every error, a date out of range too)
        kind = any(w in said for w in ("true/false", "median", "unknown", "did you mean"))
        raise ArgumentError(f"question {target.text!r}: {said}" + (
            " (ask a true/false question, a binary node, an expression or NODE.median)"
            if kind else "")) from None
    rows: list[tuple[Any, ...]] = []
    # P(Q | news) reads the laws of the ancestors of Q and of the file's observations
    feeding = _upstream(sc, ({target.node} if target.kind == "median" else
                             set(_NAME.findall(target.expr)))
                        | {x for f in sc.findings() for x in _NAME.findall(f.expr)})
    idle = still = 0
    for item in items:
        feeds = _node_of(item, sc) in feeding
        if not feeds or _unchanged(item):  # the question's answer as it is: swing 0
            still, idle = (still + 1, idle) if feeds else (still, idle + 1)
            rows.append((item.name, item.kind, item.base, item.low, item.high, item.range,
                         engine.base_value, engine.base_value, 0.0, 0.0,
                         "exact" if engine.base_exact is not None else "mc"))
            continue
        got = engine.fast_pair(item)
        if got is None:
            low = sc.with_changes(item.changes(item.low))
            high = sc.with_changes(item.changes(item.high))
            got = engine.pair(low, high)
        q_lo, q_hi, swing, se, how = got
        if how == "exact" and swing < 1e-12:
            swing = 0.0  # rounding of exact sums
        rows.append((item.name, item.kind, item.base, item.low, item.high, item.range,
                     q_lo, q_hi, swing, se, how))
    if idle:
        engine.notes.append(f"{idle} of {len(items)} inputs do not feed the question (no "
                            "path leads from them to it): swing 0, not evaluated")
    certain = [c for c in certain if c.split(".", 1)[0] in feeding]
    if certain:
        engine.notes.append(f"{len(certain)} number{'s' if len(certain) > 1 else ''} feeding "
                            f"the question {'are' if len(certain) > 1 else 'is'} certain "
                            f"(0 or 1) and not swung, having no log-odds to swing: "
                            f"{_some(certain)} "
                            "(see a change of one with diff)")
    if still:
        engine.notes.append(f"{still} of {len(items)} inputs are the same at both ends of "
                            "their range (e.g. a delay of a few days, scaled, rounds back "
                            "to the same whole days): swing 0, not evaluated")
    tornado = pd.DataFrame(rows, columns=list(TORNADO_COLUMNS))
    tornado = tornado.sort_values("swing", ascending=False, kind="stable",
                                  na_position="last").reset_index(drop=True)
    base: Any = engine.base_value
    if target.kind == "median":
        for col in ("q_low", "q_high"):
            tornado[col] = [_as_date(x, sc) for x in tornado[col]]
        base = _as_date(base, sc)
    voi_rows: list[tuple[Any, ...]] = []
    if voi and target.kind == "p":
        voi_rows = _voi(engine)
    elif voi:
        engine.notes.append("no value of information for a date (it needs a yes/no question)")
    table = pd.DataFrame(voi_rows, columns=list(VOI_COLUMNS))
    if len(table):
        table["_g"] = table.group != "context"
        table = table.sort_values(["_g", "brier"], ascending=[True, False], kind="stable")
        table = table.drop(columns="_g").reset_index(drop=True)
    methods = set(tornado.method) | set(table.method)
    used = "exact" if methods <= {"exact"} else "mc" if methods <= {"mc"} else "mixed"
    return Sensitivity(
        scenario=sc, question=target.text, statistic=target.kind, base=base, tornado=tornado,
        voi=table, method=used, n=n if engine.used_mc else None,
        seed=engine.entropy if engine.used_mc else None,
        notes=tuple(dict.fromkeys(engine.notes)), settings=settings,
        seconds=time.perf_counter() - started)
