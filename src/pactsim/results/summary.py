"""The summary layer: frames and estimates built once for Monte Carlo and exact results.

:class:`~pactsim.results.montecarlo.Results` and
:class:`~pactsim.results.exact.ExactResults` compute numbers in their own way
(counts with standard errors, or exact probabilities) and hand them here to
become the frames users see, so the columns, their order and the argument
checks are written once.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from pactsim.errors import (
    ArgumentError,
    ArgumentTypeError,
    ConditionError,
    Problem,
    ScenarioError,
    did_you_mean,
)
from pactsim.inference.compile import CompiledModel
from pactsim.inference.dated import needs_by_slot
from pactsim.language import expr as _expr
from pactsim.language.dates import from_day, to_day
from pactsim.language.scenario import Scenario
from pactsim.results.estimate import Estimate
from pactsim.results.stats import Moments

__all__ = [
    "BUNDLE_COLUMNS",
    "CDF_COLUMNS",
    "MARGINAL_COLUMNS",
    "OUTCOME_COLUMNS",
    "QUESTION_COLUMNS",
    "NumericSummary",
    "bundle_group",
    "bundles_frame",
    "cdf_frame",
    "date_quantiles",
    "day_numbers",
    "given_not_text",
    "marginals_frame",
    "outcome_rows",
    "outcomes_frame",
    "quantile_levels",
    "questions_frame",
    "top_count",
]

#: ``of`` and ``outcome``: for a row of a categorical node's outcome (``kind``
#: ``"outcome"``, index ``node=outcome``), the node and the outcome; empty elsewhere.
MARGINAL_COLUMNS = ["node", "kind", "pillar", "label", "p", "stderr", "lo", "hi",
                    "p_given_signed", "stderr_given_signed", "of", "outcome"]
#: Columns of ``outcomes(node)``, indexed by outcome.
OUTCOME_COLUMNS = ["outcome", "p", "stderr", "lo", "hi"]
QUESTION_COLUMNS = ["question", "expr", "p", "stderr", "lo", "hi", "p_given_signed",
                    "stderr_given_signed"]
CDF_COLUMNS = ["p", "stderr", "lo", "hi"]
#: ``bound``: draws a count may be low by (0 when exact; see pactsim.results.stats).
BUNDLE_COLUMNS = ["bundle", "items", "size", "count", "p", "stderr", "lo", "hi", "bound"]


def file_order(scenario: Scenario, model: CompiledModel) -> list[str]:
    """Binary nodes in file order (those the model kept)."""
    return [n for n in scenario.binary_names if n in model.index]


def outcome_rows(model: CompiledModel, name: str) -> list[tuple[str, str]]:
    """``(outcome, row)`` of categorical node ``name``'s outcomes in order (``absent``
    first when it can be absent): ``row`` is the binary row ``name=outcome`` (for
    ``absent`` too, though no binary row has that name: it is ``not name``);
    ``[]`` for a node that is not categorical."""
    return [(x, _expr.outcome_name(name, x)) for x in model.outcomes.get(name, ())]


def implies_signing(model: CompiledModel) -> frozenset[str]:
    """Binary nodes that cannot be true unless the agreement is signed: pillars and
    clauses, a node that ``requires`` one of them (or the signing), and a milestone
    that cannot happen without one (after the signing, or after all of several
    milestones one of which is). For them P(x | signed) = P(x) / P(signed)."""
    if model.signing_index < 0:
        return frozenset()
    index_of = {t.slot: i for i, t in model.timing.items()}
    needs = needs_by_slot(model.timing)
    out: set[int] = set()
    for i, plan in enumerate(model.plans):  # binary indices are topological
        t = model.timing.get(i)
        own = {index_of[x] for x in needs[t.slot]} - {i} if t is not None else set()
        if (model.kinds[i] in ("pillar", "clause")
                or any(g == model.signing_index or g in out for g in plan.gates_true)
                or any(x == model.signing_index or x in out for x in own)):
            out.add(i)
    return frozenset(model.names[i] for i in out)


def marginals_frame(scenario: Scenario, model: CompiledModel,
                    node: Callable[[str], Estimate],
                    given_signed: Callable[[str], Estimate | None]) -> pd.DataFrame:
    """One row per binary node in file order; ``given_signed`` answers for
    the nodes that cannot be true unless signed (:func:`implies_signing`: pillars,
    clauses, milestones after the signing; ``None``: no signing, or never signed).

    A categorical node's row (present: any outcome but ``absent``) is followed
    by one row per outcome, ``absent`` included when the node can be absent
    (its estimate is the complement of the node's), indexed ``node=outcome``,
    of kind ``"outcome"``, with ``of`` (the node) and ``outcome`` set, the
    node's ``pillar`` and P(outcome | signed) when the node is a pillar or a
    clause. The outcome rows of a node sum to 1.
    """
    rows = []

    def row(name: str, kind: str, content: bool, est: Estimate, cond: Estimate | None,
            pillar: str | None, label: str, of: str | None, outcome: str | None) -> None:
        rows.append({
            "node": name, "kind": kind, "pillar": pillar, "label": label,
            "p": est.value, "stderr": est.stderr, "lo": est.lo, "hi": est.hi,
            "p_given_signed": np.nan if cond is None or not content else cond.value,
            "stderr_given_signed": np.nan if cond is None or not content else cond.stderr,
            "of": of, "outcome": outcome,
        })

    signed_only = implies_signing(model)
    for name in file_order(scenario, model):
        est = node(name)
        kind = model.kinds[model.index[name]]
        content = name in signed_only
        cond = given_signed(name) if content else None
        label = model.labels.get(name, name)
        pillar = model.pillar_of.get(name)
        row(name, kind, content, est, cond, pillar, label, None, None)
        for x, r in outcome_rows(model, name):
            if x == _expr.ABSENT:  # not name: the complement of the node's row
                row(r, "outcome", content, 1 - est, None if cond is None else 1 - cond,
                    pillar, f"{label}: {x}", name, x)
                continue
            row(r, "outcome", content, node(r), given_signed(r) if content else None,
                pillar, model.labels.get(r, r), name, x)
    return pd.DataFrame(rows, columns=MARGINAL_COLUMNS).set_index("node")


def categorical(model: CompiledModel, node: object) -> str:
    """Check that ``node`` names a categorical node of ``model`` (did-you-mean)."""
    if not isinstance(node, str):
        raise ArgumentTypeError(f"node must be the name of a categorical node (a str), "
                                f"not {node!r}")
    if node in model.outcomes:
        return node
    known = ", ".join(model.outcomes) or "none"
    if node in model.index:
        raise ArgumentError(f"'{node}' is not categorical (it has no levels; categorical "
                            f"nodes here: {known}); its chance is in marginals()")
    raise ArgumentError(f"unknown categorical node {node!r} (categorical nodes here: {known})"
                        + did_you_mean(node, list(model.outcomes)))


def given_not_text(given: object, method: str) -> ArgumentTypeError:
    """The refusal of a ``given=`` that is not an expression (``method``: what was asked,
    ``prob`` or ``outcomes``), pointing to the results' own ``given``."""
    return ArgumentTypeError(
        f"given must be an expression (a str), not {given!r}; for findings as a mapping, a "
        f"soft finding or a list, condition the results first: res.given(...).{method}(x)")


def outcomes_frame(model: CompiledModel, node: object, given: object,
                   marginals: Callable[[], pd.DataFrame],
                   prob: Callable[[str, str], Estimate]) -> pd.DataFrame:
    """The outcomes of categorical ``node`` (``absent`` first when possible): ``p``,
    ``stderr``, ``lo``, ``hi`` indexed by outcome, from ``marginals()`` without
    ``given`` (or with ``given="signing"`` for a pillar or clause), else from
    ``prob("node == outcome", given)`` (``not node`` for ``absent``)."""
    name = categorical(model, node)
    if given is not None and not isinstance(given, str):
        raise given_not_text(given, "outcomes")
    kind = model.kinds[model.index[name]]
    rows = []
    if given is None or (given.strip() == "signing" and kind in ("pillar", "clause")):
        marg = marginals()
        part = marg[marg["of"] == name]
        col, se = ("p", "stderr") if given is None else ("p_given_signed",
                                                         "stderr_given_signed")
        if given is not None and part[col].isna().any():
            raise ConditionError(f"the condition {given!r} never held, so P({name} | "
                                 f"{given}) cannot be estimated")
        for _, r in part.iterrows():
            lo, hi = (r.lo, r.hi) if given is None else _band(float(r[col]), float(r[se]))
            rows.append({"outcome": r.outcome, "p": r[col], "stderr": r[se], "lo": lo,
                         "hi": hi})
    else:
        for x, _ in outcome_rows(model, name):
            text = f"not {name}" if x == _expr.ABSENT else f"{name} == {x}"
            est = prob(text, given)
            rows.append({"outcome": x, "p": est.value, "stderr": est.stderr, "lo": est.lo,
                         "hi": est.hi})
    return pd.DataFrame(rows, columns=OUTCOME_COLUMNS).set_index("outcome")


def _band(p: float, se: float) -> tuple[float, float]:
    """A 95% band of a P(· | signed) from the marginals frame (which keeps only its
    standard error): exact when the error is 0 (exact results, or a Monte Carlo
    share of 0 or 1, where the point is all the frame tells), else Wilson's at the
    number of draws the error implies, p (1 - p) / se², as the estimate's own."""
    if se == 0 or math.isnan(se):
        return float(p), float(p)
    from pactsim.results.estimate import wilson

    m = p * (1 - p) / (se * se) if 0 < p < 1 else 1.0 / max(se * se, 1e-300)
    return wilson(p * m, m)


def questions_frame(scenario: Scenario, model: CompiledModel,
                    question: Callable[[str], Estimate],
                    given_signed: Callable[[str], Estimate | None]) -> pd.DataFrame:
    """One row per true/false question: its estimate, P(question | signed)
    (``None``: no signing, or never signed) and its text."""
    rows = []
    for name in scenario.questions:  # file order (the model's is evaluation order)
        if model.questions[name][1] != "bool":
            continue
        est = question(name)
        cond = given_signed(name)
        rows.append({"question": name, "expr": scenario.question_text(name),
                     "p": est.value, "stderr": est.stderr, "lo": est.lo, "hi": est.hi,
                     "p_given_signed": np.nan if cond is None else cond.value,
                     "stderr_given_signed": np.nan if cond is None else cond.stderr})
    return pd.DataFrame(rows, columns=QUESTION_COLUMNS).set_index("question")


def numeric_expression(text: str, model: CompiledModel, horizon: dt.date,
                       ) -> tuple[_expr.Expr, str]:
    """Compile a numeric or date expression given in Python (``res.numeric(text)``)."""
    try:
        tree, kind = _expr.compile_expr(text, model.scope())
        late = _expr.check_dates(tree, horizon=horizon)
        if late:
            raise ScenarioError(late)
    except ScenarioError as err:
        raise ScenarioError([Problem(f"name = {text!r}, column {p.column}: {p.message}",
                                     value=text) for p in err.problems]) from None
    if kind == "bool":
        raise ArgumentError(f"name = {text!r} is a true/false expression; use prob({text!r})")
    return tree, kind


#: The quantile levels :meth:`~pactsim.Results.numeric` reports unless asked for others.
QUANTILE_LEVELS = (0.1, 0.5, 0.9)


def level_label(q: float) -> str:
    """``"q10"`` for the level 0.1, ``"q2.5"`` for 0.025: a quantile's short name."""
    return f"q{100 * q:.6g}"


def numeric_summary(name: str, kind: str, mo: Moments, values: dict[float, int] | None,
                    n: int, levels: Sequence[float] = QUANTILE_LEVELS) -> NumericSummary:
    """A :class:`NumericSummary` from streaming moments and value counts over ``n`` draws
    (quantiles at ``levels``)."""
    cnt = mo.count
    hist = None
    quantiles: dict[float, float] = {}
    if values is not None and cnt:
        ser = pd.Series(values, dtype=float).sort_index()
        hist = ser / n
        cum = np.cumsum(ser.to_numpy()) / cnt
        xs = ser.index.to_numpy()
        for q in levels:
            quantiles[q] = float(xs[min(int(np.searchsorted(cum, q - 1e-12)), len(xs) - 1)])
    sd = mo.sd
    return NumericSummary(name, kind, mo.mean if cnt else math.nan, sd,
                          sd / math.sqrt(cnt) if cnt else math.nan, quantiles, hist, 1 - cnt / n)


@dataclass(frozen=True)
class NumericSummary:
    """Distribution of a numeric (or date) question.

    ``histogram`` maps each value to its share of draws (``None`` when the
    question took too many distinct values to keep); ``missing`` is the share
    of draws with no value (a date question on an agreement never signed).
    """

    name: str
    kind: str
    mean: float
    sd: float
    stderr: float
    quantiles: dict[float, float]
    histogram: pd.Series | None
    missing: float

    def __str__(self) -> str:
        if math.isnan(self.mean):
            return f"{self.name}: no value in any draw"
        qs = ", ".join(f"{level_label(q)}={_fmt(v, self.kind)}"
                       for q, v in self.quantiles.items())
        mean = _fmt(self.mean, self.kind) if self.kind == "date" else _num(self.mean)
        sd = "" if math.isnan(self.sd) else f" (sd {_num(self.sd)})"
        return f"{self.name}: mean {mean}{sd}" + (f"; {qs}" if qs else "")

    def __repr__(self) -> str:
        """One line (the dataclass's own repr printed every histogram value)."""
        if math.isnan(self.mean):
            body = "no value in any draw"
        else:
            qs = ", ".join(f"{level_label(q)}={_fmt(v, self.kind)}"
                           for q, v in self.quantiles.items())
            mean = _fmt(self.mean, self.kind) if self.kind == "date" else _num(self.mean)
            se = "" if math.isnan(self.stderr) or self.kind == "date" else \
                " (exact)" if self.stderr == 0 else f" \u00b1 {_num(self.stderr)}"
            sd = "" if math.isnan(self.sd) else f" (sd {_num(self.sd)})"
            body = f"mean {mean}{se}{sd}" + (f"; {qs}" if qs else "")
        if self.missing > 0:
            body += f"; missing {100 * self.missing:.1f}%"
        hist = ("no histogram (too many values)" if self.histogram is None else
                f"histogram of {len(self.histogram):,} value"
                f"{'' if len(self.histogram) == 1 else 's'}")
        return f"<NumericSummary {self.name!r} ({self.kind}): {body}; {hist}>"


def _num(x: float) -> str:
    """A mean or sd: two decimals below 1,000, whole and grouped from 1,000 to 1e15
    (``3,961,456``, as ``pactsim run`` prints it), else four significant figures."""
    if math.isfinite(x) and 999.995 <= abs(x) < 1e15:
        return f"{x:,.0f}"
    return f"{x:.2f}" if abs(x) < 1e6 else f"{x:.4g}"


def _fmt(v: float, kind: str) -> str:
    if kind == "date":
        return "—" if math.isnan(v) else str(from_day(round(v)))
    if math.isfinite(v) and 999.5 <= abs(v) < 1e15:  # 1,234, not 1.23e+03
        return f"{v:,.0f}"
    return f"{v:.3g}"



# -- dates -------------------------------------------------------------------
def _one_day(d: object, model: CompiledModel) -> int:
    if isinstance(d, str):
        try:
            day = to_day(dt.date.fromisoformat(d.strip()))
        except ValueError:
            raise ArgumentError(f"dates: {d!r} is not a date (write YYYY-MM-DD)") from None
    elif isinstance(d, dt.date | np.datetime64):
        if isinstance(d, np.datetime64) and np.isnat(d):
            raise ArgumentError("dates: NaT is not a date")
        if isinstance(d, dt.datetime) and pd.isna(d):
            raise ArgumentError("dates: NaT is not a date")
        day = to_day(d)
    else:
        raise ArgumentTypeError(
            f"dates: {d!r} ({type(d).__name__}) is not a date; give 'YYYY-MM-DD' strings, "
            "datetime.date, numpy.datetime64 or pandas.Timestamp")
    if day > model.horizon:
        raise ArgumentError(
            f"dates: {from_day(day)} is after the scenario's horizon {from_day(model.horizon)}, "
            "which is as far as it models; ask about dates up to the horizon or extend it")
    return day


def date_slot(model: CompiledModel, node: object) -> int:
    """Row of dated node ``node`` in the draws' ``days`` and the date statistics; a
    clear error for anything else (did-you-mean over the dated nodes)."""
    if not isinstance(node, str):
        raise ArgumentTypeError(f"node must be the name of a dated node (a str), not {node!r}")
    if node in model.slot:
        return model.slot[node]
    dated = ", ".join(model.dated) or "none"
    if node in model.index:
        raise ConditionError(f"'{node}' has no date (dated nodes here: {dated}); its chance by "
                             "the horizon is in marginals()")
    if node in model.questions:
        raise ConditionError(f"'{node}' is a question, not a dated node (dated nodes here: "
                             f"{dated}); ask prob({node!r}) for its chance, or "
                             f"numeric({node!r}) for a number's law")
    raise ConditionError(f"unknown dated node {node!r} (dated nodes here: {dated})"
                         + did_you_mean(node, model.dated))


def day_numbers(dates: object, model: CompiledModel) -> NDArray[np.int64]:
    """Day numbers of ``dates``: ``None`` (every day from ``as_of`` to the horizon),
    one date (``str``, ``datetime.date``, ``datetime64``, ``Timestamp``) or a
    sequence of them. Dates after the horizon are refused (nothing is modelled
    there); dates before ``as_of`` are fine (nothing happened yet)."""
    if dates is None:
        return np.arange(model.as_of, model.horizon + 1, dtype=np.int64)
    if isinstance(dates, str | dt.date | np.datetime64):
        return np.array([_one_day(dates, model)], dtype=np.int64)
    if isinstance(dates, bytes) or not isinstance(dates, Iterable):
        raise ArgumentTypeError(f"dates must be a date or a sequence of dates, not {dates!r}")
    return np.array([_one_day(d, model) for d in dates], dtype=np.int64)


def cdf_frame(days: NDArray[np.int64], p: NDArray[np.float64], stderr: NDArray[np.float64],
              lo: NDArray[np.float64], hi: NDArray[np.float64]) -> pd.DataFrame:
    """A date curve: ``p``, ``stderr``, ``lo``, ``hi`` indexed by date."""
    return pd.DataFrame({"p": p, "stderr": stderr, "lo": lo, "hi": hi},
                        index=pd.Index(days.astype("datetime64[D]"), name="date"))


def quantile_levels(probs: object) -> list[float]:
    """Check quantile levels: real numbers strictly between 0 and 1."""
    if isinstance(probs, int | float):
        probs = [probs]
    if isinstance(probs, str | bytes) or not isinstance(probs, Iterable):
        raise ArgumentTypeError(f"probs must be a sequence of levels in (0, 1), not {probs!r}")
    out = []
    for q in probs:
        if isinstance(q, bool) or not isinstance(q, int | float | np.floating | np.integer):
            raise ArgumentTypeError(f"probs: {q!r} is not a number")
        if not (0.0 < float(q) < 1.0):  # also refuses NaN
            raise ArgumentError(f"probs: {q!r} must be strictly between 0 and 1 (e.g. 0.5 "
                                "for the median)")
        out.append(float(q))
    return out


def date_quantiles(cum: NDArray[np.float64], as_of: int, probs: Sequence[float],
                   total: float, name: str = "signing_date") -> pd.Series:
    """Quantiles of a date from its cumulative mass ``cum`` (day ``as_of + i``).

    ``total`` is the mass the levels refer to: the mass that has a date (given
    it happens) or the whole (not happening counts as after the horizon); a
    level beyond the mass that has a date gives ``NaT``.
    """
    out: dict[float, np.datetime64] = {}
    last = float(cum[-1]) if len(cum) else 0.0
    for q in probs:
        target = q * total
        if total <= 0 or target > last * (1 + 1e-12) + 1e-300:
            out[q] = np.datetime64("NaT", "D")
            continue
        i = int(np.searchsorted(cum, target * (1 - 1e-12)))
        out[q] = np.datetime64(as_of + min(i, len(cum) - 1), "D")
    return pd.Series(out, name=name, dtype="datetime64[s]")


def date_quantile_band(counts: NDArray[np.float64], as_of: int, probs: Sequence[float],
                       total: float, name: str = "date") -> pd.DataFrame:
    """Quantiles of a date with 95% bands, from Monte Carlo counts.

    ``counts[i]`` is the number of draws dated on or before day ``as_of + i``
    and ``total`` the draws the levels refer to (as :func:`date_quantiles`).
    The band of level ``q`` runs from the first day whose pointwise Wilson
    upper bound of the CDF reaches ``q`` to the first whose lower bound does
    (``NaT`` where the band never reaches it): the dates the data cannot tell
    apart from the quantile at 95% pointwise.
    """
    z = 1.959963984540054
    t = max(float(total), 1.0)
    p = np.asarray(counts, dtype=np.float64) / t
    denom = 1.0 + z * z / t
    center = (p + z * z / (2 * t)) / denom
    half = z / denom * np.sqrt(np.maximum(p * (1 - p) / t + z * z / (4 * t * t), 0.0))
    lo, hi = center - half, center + half
    point = date_quantiles(np.asarray(counts, dtype=np.float64), as_of, probs, total, name)

    def first(curve: NDArray[np.float64], q: float) -> np.datetime64:
        i = int(np.searchsorted(np.maximum.accumulate(curve), q * (1 - 1e-12)))
        return np.datetime64("NaT", "D") if total <= 0 or i >= len(curve) else \
            np.datetime64(as_of + i, "D")

    frame = pd.DataFrame({"date": point.to_numpy(),
                          "lo": [first(hi, q) for q in probs],
                          "hi": [first(lo, q) for q in probs]},
                         index=pd.Index(list(probs), name="level"))
    return frame.astype("datetime64[s]")


# -- bundles -----------------------------------------------------------------
def top_count(top: object) -> int | None:
    """Check ``top``: a positive whole number, or ``None`` for every row."""
    if top is None:
        return None
    if isinstance(top, bool) or not isinstance(top, int | np.integer):
        raise ArgumentTypeError(f"top must be a whole number or None, not {top!r}")
    if top < 1:
        raise ArgumentError(f"top must be >= 1 (rows to show), not {top}")
    return int(top)


def bundle_group(of: object, groups: Iterable[str], pillars: Sequence[str]) -> str:
    """The set-table key for ``of``: ``"all"``, ``"pillars"``, ``"clauses"`` or a
    pillar's name (its clauses)."""
    if not isinstance(of, str):
        raise ArgumentTypeError(f"of must be a string, not {of!r}")
    key = of if of in ("all", "pillars", "clauses") else f"pillar:{of}"
    if key not in set(groups):
        if of in ("all", "pillars", "clauses"):
            return key  # an empty group: no such content in this scenario
        choices = ["'all'", "'pillars'", "'clauses'", *(repr(p) for p in pillars)]
        raise ArgumentError(f"of must be one of {', '.join(choices)} (a pillar's name gives "
                            f"the sets of its clauses), not {of!r}")
    return key


def bundles_frame(members: Sequence[str], flags: NDArray[np.bool_], mass: NDArray[Any],
                  estimate: Callable[[float], Estimate], bound: int, top: int | None,
                  ) -> pd.DataFrame:
    """The ``top`` most likely sets: ``flags`` ``(m, len(members))`` with their
    ``mass`` (counts or probabilities); ties by member pattern, file order.

    A categorical node whose outcome row is in a set (``instc=named``) is listed
    by that outcome alone: ``items`` and ``size`` count it once."""
    if not len(mass):
        return pd.DataFrame([], columns=BUNDLE_COLUMNS)
    # most likely first, ties by member pattern (False before True, in file order):
    # np.lexsort sorts by its last key first, and is stable like sorted()
    pattern = np.asarray(flags, dtype=bool)
    keys = [pattern[:, j] for j in range(pattern.shape[1] - 1, -1, -1)]
    order = np.lexsort([*keys, -np.asarray(mass, dtype=float)])
    rows = []
    for i in order[:top].tolist():
        items = tuple(n for n, b in zip(members, flags[i], strict=True) if b)
        outcome_of = {n.split("=", 1)[0] for n in items if "=" in n}
        items = tuple(n for n in items if n not in outcome_of)
        est = estimate(mass[i])
        rows.append({"bundle": " + ".join(items) or "(nothing)", "items": items,
                     "size": len(items), "count": mass[i], "p": est.value,
                     "stderr": est.stderr, "lo": est.lo, "hi": est.hi, "bound": bound})
    return pd.DataFrame(rows, columns=BUNDLE_COLUMNS)
