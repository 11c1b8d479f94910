"""Evidence for the Monte Carlo engine: likelihood weighting, with rejection for the rest.

:func:`plan_evidence` compiles findings (:class:`~pactsim.language.evidence.Finding`)
against a :class:`~pactsim.inference.compile.CompiledModel` into an
:class:`EvidencePlan`, and refuses evidence it can tell is impossible before a
single draw is made. The engine then draws each block with a weight per draw:

* **Clamped binary nodes** (an event, pillar or clause without a date, forced
  true or false by a hard finding): the node is set to its value and the draw's
  weight is multiplied by P(node = value | its parents, drivers and gates) in
  that draw — likelihood weighting.
* **Clamped dated nodes** timed by a curve (``signing``, events with ``by``):
  a hard finding that restricts the day to an interval — ``x`` (happened by the
  horizon), ``not x``, ``x.date == d``, ``x.date <= d`` (``<``, ``>=``, ``>``),
  ``not x.date <= d`` (``not <``: later *or never*), and ``and``-combinations of
  these, such as "between two dates" — draws the day from the node's curve
  *conditioned on that interval*, and multiplies the weight by the interval's
  probability in that draw (its row, hazard ratio and gates). Exact to 2**-32,
  like the unconditioned draw.
* **Clamped milestones** (``after``), with the same forms: when the interval
  excludes "not by the horizon" the "ever" bit is clamped true (weighted by its
  chance) and the delay is drawn conditioned on landing in the interval given
  the draw's anchor day (weighted by that chance; 0 where the anchor did not
  happen or is too late); when it includes "not by the horizon" (``not x``,
  ``not x.date <= d``) the ever bit keeps its own draw and only the delay is
  conditioned, in the draws where the milestone could still happen.
* **Outcomes of categorical nodes** (format 3): ``x == l`` clamps outcome row
  ``x=l`` true, ``x != l`` false, ``x == absent`` (``not x``) clamps ``x``;
  ``in(x, a, b)`` and ``not in(...)`` are clamped as "``x`` present (unless
  ``absent`` is allowed) and every other outcome row false". The engine draws
  a categorical node's outcomes together (one uniform per draw): where the node
  is present the weight is multiplied by the share of the outcomes allowed and
  the outcome is drawn among them, and a finding that sets an outcome row true
  clamps its node present as well (see :mod:`pactsim.inference.engine`).
* **Everything else** — conditions used as parents, curve nodes too large for
  per-day tables, questions, ``or``, ``not`` of a date equality or of ``>``,
  ``!=`` — is *rejected*: the
  weight becomes 0 where the expression is false. Findings are split at their
  top-level ``and`` first, so only the parts that cannot be weighted are
  rejected on, and rare evidence on clampable nodes still gives a usable
  estimate.
* **Soft findings** (a likelihood ratio ``r`` on an expression ``E``) multiply
  the weight by ``r`` where ``E`` holds and by 1 elsewhere — both divided by
  ``max(r, 1)``, a constant the estimates ignore, so that ratios as large as
  1e300 cannot overflow. The factors are added as logarithms and each block's
  weights are divided by their largest (:func:`apply_log_factors`, which returns
  the logarithm taken out): findings that pull against each other (1e300 on
  ``a``, 1e300 on ``not a``, several times over) leave every weight at most 1
  without letting them all underflow to 0. Blocks taken out by different
  amounts are brought to one scale when their sums are merged
  (:attr:`~pactsim.results.stats.WeightedStats.log_scale`).

Clamped findings of small chance can make a draw's likelihood underflow too
(sixty of chance 1e-6 make 1e-360): the engine multiplies a block's weights by
a power of 2 whenever the largest falls below 2**-100, which is exact, and
records the logarithm taken out in the same ``log_scale``.

The weighted estimate of P(A | evidence) is the self-normalised ratio
:math:`\\sum_i w_i 1[A_i] / \\sum_i w_i`. Pure numpy; no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pactsim.errors import ConditionError, printable
from pactsim.inference.compile import CompiledModel
from pactsim.inference.dated import (
    NAT,
    CurvePlan,
    MilestonePlan,
    _row_index,
    _transform,
    _uniform32,
    _unit,
    anchor_days,
    hazard_log,
)
from pactsim.language import expr as _expr
from pactsim.language.dates import from_day
from pactsim.language.evidence import Finding

__all__ = ["EvidencePlan", "add_log_ratio", "apply_log_factors", "findings_text",
           "finish_weights", "plan_evidence", "sample_curve_in", "sample_milestone_in"]

_TWO32 = float(1 << 32)
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


@dataclass(frozen=True, eq=False)
class EvidencePlan:
    """Compiled evidence (see the module docstring).

    Attributes
    ----------
    findings:
        The findings, as given.
    binary:
        Binary index -> value of each clamped undated node.
    dates:
        Binary index of each clamped curve node -> ``(lo, hi)`` day numbers of
        the days allowed, inclusive; ``horizon + 1`` stands for "did not happen
        by the horizon", so ``(d + 1, horizon + 1)`` is "not by ``d``".
    residual:
        Hard expressions rejected on (weight 0 where false).
    soft:
        ``(expression, likelihood ratio)`` pairs.
    """

    findings: tuple[Finding, ...]
    binary: dict[int, bool] = field(default_factory=dict)
    dates: dict[int, tuple[int, int]] = field(default_factory=dict)
    residual: tuple[_expr.Expr, ...] = ()
    soft: tuple[tuple[_expr.Expr, float], ...] = ()

    @property
    def text(self) -> str:
        """The findings as one line (see :func:`findings_text`)."""
        return findings_text(self.findings)


def _ratio_text(r: float) -> str:
    """A likelihood ratio in few digits when they are exact (``3``, ``0.25``), else in
    as many as it takes to read it back exactly (``0.3333333333333333``)."""
    short = f"{r:g}"
    return short if float(short) == r else repr(float(r))


def findings_text(findings: Sequence[Finding]) -> str:
    """Findings as one line: hard ones as written, soft ones with their ratio,
    ``;`` between them (``mutual_defence; drones_missiles (x3)``); a ratio reads back
    exactly from the text.

    >>> findings_text([Finding("a"), Finding("b", 3), Finding("c", 1 / 3)])
    'a; b (x3); c (x0.3333333333333333)'
    """
    return "; ".join(f.expr.strip() if f.likelihood_ratio is None else
                     f"{f.expr.strip()} (x{_ratio_text(f.likelihood_ratio)})"
                     for f in findings)


def _conjuncts(tree: _expr.Expr) -> list[_expr.Expr]:
    """The top-level ``and`` operands of ``tree`` (``tree`` itself otherwise), iteratively."""
    out, stack = [], [tree]
    while stack:
        t = stack.pop()
        if isinstance(t, _expr.BoolOp) and t.op == "and":
            stack.extend(reversed(t.operands))
        elif isinstance(t, _expr.Call) and t.func == "all":
            stack.extend(reversed(t.args))
        else:
            out.append(t)
    return out


def _date_interval(op: str, day: int, negated: bool, as_of: int, horizon: int
                   ) -> tuple[int, int] | None:
    """Days allowed by ``x.date OP day`` (negated: ``not``), as an interval of the
    extended line ``as_of + 1 .. horizon + 1`` (the last: never), or ``None`` when
    the set is not an interval."""
    never = horizon + 1
    if op in ("<", "<="):
        last = day if op == "<=" else day - 1
        return (last + 1, never) if negated else (as_of + 1, min(last, horizon))
    if op in (">", ">="):
        first = day if op == ">=" else day + 1
        return None if negated else (max(first, as_of + 1), horizon)
    if op == "==" and not negated:
        return (day, day) if as_of < day <= horizon else (never + 1, never)  # empty
    return None


def _weighable(timing: object) -> bool:
    """A milestone, or a curve node with per-day tables (one too large for them is
    rejected on)."""
    if isinstance(timing, MilestonePlan):
        return True
    return isinstance(timing, CurvePlan) and timing.tables.steps is not None


def _atom(t: _expr.Expr, model: CompiledModel) -> tuple[str, int, Any] | None:
    """A clampable conjunct: ``("bin", index, value)`` or ``("date", index, (lo, hi))``."""
    negated = False
    while isinstance(t, _expr.Not):
        negated, t = not negated, t.operand
    if isinstance(t, _expr.Name):
        i = model.index.get(t.name)
        if i is None or i in model.conditions:
            return None
        timing = model.timing.get(i)
        if timing is None:
            return ("bin", i, not negated)
        if _weighable(timing):
            never = model.horizon + 1
            return ("date", i, (never, never) if negated else (model.as_of + 1, model.horizon))
        return None
    if isinstance(t, _expr.Compare):
        left, right, op = t.left, t.right, t.op
        if isinstance(left, _expr.DateLit) and isinstance(right, _expr.DateOf):
            left, right, op = right, left, _FLIP[op]
        if isinstance(left, _expr.DateOf) and isinstance(right, _expr.DateLit):
            i = model.index.get(left.name)
            if i is None or not _weighable(model.timing.get(i)):
                return None
            day = (right.value - dt.date(1970, 1, 1)).days
            iv = _date_interval(op, day, negated, model.as_of, model.horizon)
            return None if iv is None else ("date", i, iv)
    return None


def _outcome_set(t: _expr.Expr, model: CompiledModel) -> list[tuple[str, int, Any]] | None:
    """An ``or`` of one categorical node's outcomes (``in(x, a, b)`` once resolved:
    ``x=a or x=b``, ``not x`` for ``absent``), or its negation, as clampable atoms:
    ``x`` present unless ``absent`` is allowed (see :func:`_atom`), and every outcome
    row not allowed false; ``None`` for anything else."""
    negated = False
    while isinstance(t, _expr.Not):
        negated, t = not negated, t.operand
    if not (isinstance(t, _expr.BoolOp) and t.op == "or"):
        return None
    node: str | None = None
    chosen: set[str] = set()
    for o in t.operands:
        if isinstance(o, _expr.Name) and "=" in o.name:
            x, level = o.name.split("=", 1)
        elif isinstance(o, _expr.Not) and isinstance(o.operand, _expr.Name):
            x, level = o.operand.name, _expr.ABSENT
        else:
            return None
        if x not in model.outcomes or node not in (None, x):
            return None
        node = x
        chosen.add(level)
    assert node is not None
    levels = model.outcomes[node]
    allowed = set(levels) - chosen if negated else chosen
    atoms: list[tuple[str, int, Any]] = []
    if _expr.ABSENT not in allowed:
        present = _atom(_expr.Name(node), model)
        if present is None:
            return None
        atoms.append(present)
    atoms += [("bin", model.index[_expr.outcome_name(node, x)], False) for x in levels
              if x != _expr.ABSENT and x not in allowed]
    return atoms


def _refuse(what: str, finds: Sequence[str]) -> ConditionError:
    shown = list(dict.fromkeys(finds))
    names = "; ".join(repr(f) for f in shown)
    return ConditionError(printable(f"evidence {names}: {what}, so nothing can be "
                                    "conditioned on it; check the finding"
                                    f"{'s' if len(shown) > 1 else ''}"))


def plan_evidence(model: CompiledModel, findings: Sequence[Finding]) -> EvidencePlan:
    """Compile ``findings`` against ``model`` and check them.

    Raises
    ------
    ScenarioError
        For an expression that does not compile (unknown name, with a
        did-you-mean; a date after the horizon…).
    ConditionError
        For evidence that cannot hold, found before sampling: contradictory
        findings on a node (``x`` and ``not x``; date ranges that do not meet),
        a date outside ``(as_of, horizon]``, a node forced true whose chance is
        0 (``p: 0``, a gate forced false: a clause with its pillar forced
        false), forced false when it is certain, or a date its curve gives no
        chance. A finding is blamed alone only when it is impossible alone;
        findings possible each alone but not together are named together
        ("cannot all hold together", as exact inference says). Impossibility
        hidden in rejected expressions is found after sampling (every weight 0).

    Examples
    --------
    >>> import pactsim
    >>> from pactsim.inference.compile import compile_scenario
    >>> sc = pactsim.loads("pactsim: 1\\nid: x\\nas_of: 2024-01-01\\nhorizon: 2024-12-31\\n"
    ...                    "events:\\n  rain: {p: 0.3}\\n  wet: {p: 0.9, requires: [rain]}\\n")
    >>> plan = plan_evidence(compile_scenario(sc), [Finding("wet and (rain or not rain)"),
    ...                                             Finding("rain", 2.0)])
    >>> plan.binary, len(plan.residual), plan.text      # wet clamped, the `or` rejected on
    ({1: True}, 1, 'wet and (rain or not rain); rain (x2)')
    >>> plan_evidence(compile_scenario(sc), [Finding("wet"), Finding("not rain")])
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pactsim.errors.ConditionError: evidence 'wet'; 'not rain': ... cannot all hold together ...
    """
    scope = model.scope()
    horizon = from_day(model.horizon)
    binary: dict[int, bool] = {}
    dates: dict[int, tuple[int, int]] = {}
    source: dict[int, list[str]] = {}
    residual: list[_expr.Expr] = []
    soft: list[tuple[_expr.Expr, float]] = []
    for f in findings:
        tree = _expr.compile_condition(f.expr, scope, what="evidence", horizon=horizon)
        if not f.hard:
            assert f.likelihood_ratio is not None
            soft.append((tree, float(f.likelihood_ratio)))
            continue
        for part in _conjuncts(tree):
            atom = _atom(part, model)
            atoms = [atom] if atom is not None else _outcome_set(part, model)
            if atoms is None:
                residual.append(part)
                continue
            for kind, i, v in atoms:
                source.setdefault(i, []).append(f.expr.strip())
                if kind == "bin":
                    if binary.get(i, v) != v:
                        raise _refuse(f"'{model.names[i]}' is asked to be both true and false",
                                      source[i])
                    binary[i] = v
                else:
                    lo, hi = dates.get(i, (model.as_of + 1, model.horizon + 1))
                    lo, hi = max(lo, v[0]), min(hi, v[1])
                    if lo > hi:
                        raise _refuse(f"no day of '{model.names[i]}' in ({from_day(model.as_of)}, "
                                      f"{horizon}] or 'not by the horizon' satisfies it", source[i])
                    dates[i] = (lo, hi)
    plan = EvidencePlan(tuple(findings), binary, dates, tuple(residual), tuple(soft))
    _check_possible(model, plan, source)
    return plan


def _row_possible(parents: Sequence[int], can: list[tuple[bool, bool]]) -> NDArray[np.bool_]:
    """``(2**k,)`` rows over ``parents`` whose every bit a value its parent can take."""
    rows = np.arange(1 << len(parents))
    ok = np.ones(rows.shape[0], dtype=bool)
    for j, p in enumerate(parents):
        bit = (rows >> j) & 1
        ok &= np.where(bit == 1, can[p][0], can[p][1])
    return ok


_NARROW = 16  # clamps before the failing node tried one by one to name the fewest


class _Impossible(Exception):
    """A clamp its node cannot take: ``node`` and what is wrong, as words."""

    def __init__(self, node: int, what: str) -> None:
        super().__init__(what)
        self.node, self.what = node, what


def _check_possible(model: CompiledModel, plan: EvidencePlan,
                    source: Mapping[int, list[str]]) -> None:
    """Refuse evidence :func:`_propagate` finds impossible (see :func:`plan_evidence`),
    blaming a node's findings only when they are impossible alone.

    When it is refused, one more pass judges each clamp on its own (every other
    node free): those impossible alone are named alone, with why. When every clamp
    is possible alone, the evidence is impossible only in combination: it says
    which findings cannot all hold together, in the words exact inference uses,
    naming the first node that fails and the clamps on the nodes it depends on
    that take part, each tried one by one (a pass that stops at the failing node)
    when there are at most ``_NARROW`` of them; with more, all are named. So it
    costs at most ``_NARROW + 3`` passes, whatever the number of findings, and no
    pass over subsets of them.
    """
    try:
        _propagate(model, plan.binary, plan.dates)
        return
    except _Impossible as err:
        bad = err
    alone: list[_Impossible] = []
    _propagate(model, plan.binary, plan.dates, alone=alone)
    if alone:  # findings impossible on their own: named alone, as exact inference does
        raise _refuse("; ".join(e.what for e in alone),
                      [t for e in alone for t in source[e.node]])
    i = bad.node
    up = _ancestors(model, i)
    keep = [j for j in source if j in up]  # source: every clamped node
    if not _fails(model, plan, [*keep, i], i):  # what the propagation reads: checked
        order = {p.index: k for k, p in enumerate(model.plans)}
        keep = [j for j in source if order[j] < order[i]]
    if len(keep) <= _NARROW:
        for j in list(keep):
            trial = [x for x in keep if x != j]
            if _fails(model, plan, [*trial, i], i):
                keep = trial
    nodes = [j for j in source if j in keep or j == i]  # in the order the findings clamp them
    names = [repr(" == ".join(model.names[j].split("=", 1))) for j in nodes]  # x=a: x == a
    shown = " and of ".join(names) if len(names) <= 2 else \
        ", of ".join(names[:-1]) + " and of " + names[-1]
    texts = {t for j in nodes for t in source[j]}
    finds = [t for t in (f.expr.strip() for f in plan.findings) if t in texts]
    if 1 < len(dict.fromkeys(finds)) <= _NARROW:
        # one of them impossible on its own ('x and not signing' where x requires the
        # signing) is named alone, not with findings that share a node with it
        for f in plan.findings:
            if f.expr.strip() in texts:
                plan_evidence(model, [f])  # raises what it says alone, if anything
    raise _refuse(f"what it says of {shown} cannot all hold together in this scenario "
                  "(probability 0 jointly, though each alone is possible)", finds)


def _fails(model: CompiledModel, plan: EvidencePlan, nodes: Sequence[int], stop: int) -> bool:
    """Whether the plan's clamps on ``nodes`` alone are refused up to node ``stop``."""
    try:
        _propagate(model, *_only(plan, nodes), stop=stop)
    except _Impossible:
        return True
    return False


def _ancestors(model: CompiledModel, i: int) -> set[int]:
    """The binary nodes whose values :func:`_propagate` reads, directly or not, to
    judge node ``i``: gates, parents (``given``, a curve's rows) and a milestone's
    anchors (a condition reads nothing)."""
    plans = {p.index: p for p in model.plans}
    seen: set[int] = set()
    todo = [i]
    while todo:
        p = plans.get(todo.pop())
        if p is None or p.kind == "condition":
            continue
        timing = model.timing.get(p.index)
        ups = [*p.gates_true, *p.gates_false, *p.given]
        if isinstance(timing, CurvePlan):
            ups += timing.given
        elif isinstance(timing, MilestonePlan):
            ups += [model.index[model.dated[a]] for a in timing.anchors]
        for j in ups:
            if j not in seen:
                seen.add(j)
                todo.append(j)
    return seen


def _only(plan: EvidencePlan, nodes: Sequence[int]
          ) -> tuple[dict[int, bool], dict[int, tuple[int, int]]]:
    """The plan's clamps on ``nodes`` only."""
    keep = set(nodes)
    return ({j: v for j, v in plan.binary.items() if j in keep},
            {j: v for j, v in plan.dates.items() if j in keep})


def _propagate(model: CompiledModel, binary: Mapping[int, bool],
               dates: Mapping[int, tuple[int, int]], stop: int | None = None,
               alone: list[_Impossible] | None = None) -> None:
    """Propagate which values each binary node can take, in topological order, and
    raise :class:`_Impossible` at the first clamp (``binary``, ``dates``) asking for a
    value its node cannot take; ``stop``: end after that node. With ``alone``, apply
    no clamp and raise nothing: append each clamp its node cannot take where every
    other node is free, that is each clamp impossible on its own (one pass for all).

    Conservative: a node it cannot judge (milestones, conditions, wide tables)
    may take either value, so it never refuses possible evidence. Monotone: fewer
    clamps never make a node unable to take a value it could take.
    """
    can: list[tuple[bool, bool]] = [(True, True)] * model.n_binary
    for p in model.plans:
        try:
            _propagate_one(model, binary, dates, can, p, apply=alone is None)
        except _Impossible as err:
            if alone is None:
                raise
            alone.append(err)
        if p.index == stop:
            return


def _propagate_one(model: CompiledModel, binary: Mapping[int, bool],
                   dates: Mapping[int, tuple[int, int]], can: list[tuple[bool, bool]],
                   p: Any, apply: bool = True) -> None:
    """One node of :func:`_propagate`: set ``can[p.index]``, with its clamp when
    ``apply`` (else as if free; :class:`_Impossible` is raised after setting it)."""
    i = p.index
    timing = model.timing.get(i)
    gates_t = all(can[g][0] for g in p.gates_true) and all(can[g][1] for g in p.gates_false)
    gate_fail = any(can[g][1] for g in p.gates_true) or any(can[g][0] for g in p.gates_false)
    if isinstance(timing, MilestonePlan):
        _check_milestone(model, dates, can, timing, gates_t, apply)
        return
    if p.kind == "condition":
        return
    if isinstance(timing, CurvePlan):
        cum = timing.cum  # (rows, K) on the curve's knots; positivity is all that matters
        rows = _row_possible(timing.given, can) if len(timing.given) <= 12 else \
            np.ones(cum.shape[0], dtype=bool)
        c = cum[rows]
        t = bool(c.size) and bool((c[:, -1] > 0).any()) and gates_t
        f = bool((c[:, -1] < 1).any()) or gate_fail or not c.size
        if i in dates:
            lo, hi = dates[i]
            never = model.horizon + 1
            grid = np.array([lo - 1, min(hi, model.horizon)], dtype=np.float64)
            inside = False
            if lo <= model.horizon:
                for row in c:
                    a, b = np.interp(grid, timing.days.astype(np.float64), row)
                    inside |= bool(b > a)
            t_in, f_in = inside and gates_t, f and hi == never
            if apply:
                t, f = t_in, f_in
            can[i] = (t, f)
            if not (t_in or f_in):
                raise _Impossible(i, f"'{model.names[i]}' cannot happen on a day allowed "
                                  "(its curve and gates give those days no chance)")
            return
        can[i] = (t, f)
        return
    if len(p.given) <= 12:
        rows = _row_possible(p.given, can)
    else:
        rows = np.ones(p.p_given.shape[0], dtype=bool)
    p0 = p.p_given[rows]
    beta = np.zeros(p0.shape[0], dtype=bool) if p.beta_given is None else \
        ~np.isnan(p.beta_given[rows, 0])
    t = bool(((p0 > 0) | beta).any()) and gates_t
    f = bool(((p0 < 1) | beta).any()) or gate_fail
    can[i] = (t, f)
    if i in binary:
        v = binary[i]
        if not (t if v else f):
            why = ("its chance is 0 where its parents and gates can be" if v else
                   "it is certain where its parents and gates can be")
            raise _Impossible(i, f"'{model.names[i]}' cannot be {'true' if v else 'false'} "
                              f"({why})")
        if apply:
            can[i] = (v, not v)


def _check_milestone(model: CompiledModel, dates: Mapping[int, tuple[int, int]],
                     can: list[tuple[bool, bool]], timing: MilestonePlan,
                     gates_t: bool, apply: bool = True) -> None:
    """A milestone can happen when its ever chance is not 0, its gates can hold and
    enough anchors can happen; a finding that needs it to happen by day ``hi`` is
    refused when even the earliest anchor (the day after as_of) plus the shortest
    delay with any chance comes later."""
    p = model.plans[timing.index]
    i = timing.index
    ever = bool((p.p_given > 0).any()) or p.beta_given is not None
    anchors = sum(can[model.index[model.dated[a]]][0] for a in timing.anchors)
    t = ever and gates_t and anchors >= timing.need
    can[i] = (t, True)
    if i not in dates:
        return
    hi = dates[i][1]
    if hi > model.horizon:
        return  # "not by" something: never happening is allowed
    d = timing.delay
    if d.kind == "fixed":
        shortest = d.days
    else:
        pos = (timing.tables.cum > 0).any(axis=0)
        shortest = int(np.argmax(pos)) if pos.any() else model.horizon - model.as_of + 1
    first = model.as_of + 1 + shortest
    if not t or hi < first:
        why = (f"it cannot happen before {from_day(first)} (the day after as_of plus its "
               "shortest delay)" if t else "it cannot happen (its chance, gates or anchors)")
        raise _Impossible(i, f"'{model.names[i]}' is needed by {from_day(hi)}, but {why}")
    if apply:
        can[i] = (True, False)


def _draw_within(tab: Any, hazard: Any, klo: Any, khi: Any, u32: NDArray[np.uint32],
                 rows: NDArray[np.intp] | None, bits: NDArray[np.bool_],
                 drivers: NDArray[np.float64]) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """A step (day or offset) ``k`` drawn from a per-day step table ``tab`` within
    ``[klo, khi]`` (numbers, or one per draw; ``khi = width``: later than any step in
    time, ``khi < 0``: nothing allowed), and the chance ``p_in`` of that range per
    draw. ``u`` is drawn in ``[T(klo - 1), T(khi))`` of the 32-bit thresholds, or with
    a per-draw hazard ratio ``h`` on ``G = 1 - (1 - C)**h`` in double precision."""
    steps = tab.steps
    width = steps.width
    n = u32.shape[0]
    r = np.zeros(n, dtype=np.intp) if rows is None else rows
    below = np.maximum(np.asarray(klo) - 1, 0)  # T(klo - 1), read only where klo >= 1
    top = np.clip(khi, 0, width - 1)  # T(khi), read only where 0 <= khi < width
    if not tab.per_draw:
        thr = steps.thr  # (rows, width) int64
        a = np.where(klo >= 1, thr[r, below], 0)
        b = np.where(khi < 0, 0, np.where(khi < width, thr[r, top], 1 << 32))
        span = np.maximum(b - a, 0)
        u = a + ((u32.astype(np.int64) * span) >> 32)
        k = steps(np.minimum(u, (1 << 32) - 1).astype(np.uint32), rows)
        return k, span / _TWO32
    logh = hazard_log(hazard, bits, drivers, n)
    assert logh is not None
    h = np.exp(logh)
    neg_log_sf = getattr(tab, "neg_log_sf", None)  # a lognormal delay: its survival
    with np.errstate(divide="ignore"):
        log_s = np.log1p(-np.minimum(tab.cum, 1.0)) if neg_log_sf is None else \
            -neg_log_sf[None, :]

    def g(ls: NDArray[np.float64]) -> NDArray[np.float64]:
        """``1 - S**h`` from ``log S`` (a far tail keeps its digits; review-commits17)."""
        with np.errstate(divide="ignore", over="ignore", under="ignore", invalid="ignore"):
            return np.asarray(np.where(np.isneginf(ls), 1.0, -np.expm1(ls * h)),
                              dtype=np.float64)

    ga = np.where(klo >= 1, g(log_s[r, below]), 0.0)
    gb = np.where(khi < 0, 0.0, np.where(khi < width, g(log_s[r, top]), 1.0))
    p_in = np.maximum(gb - ga, 0.0)
    w = ga + _unit(u32) * p_in
    key = _transform(w, logh)
    k = steps(key, rows)
    tail = getattr(tab, "tail", None)
    return (tail(k, key, w, logh) if tail is not None else k), p_in


def sample_curve_in(plan: CurvePlan, interval: tuple[int, int], horizon: int,
                    rng: np.random.Generator, bits: NDArray[np.bool_],
                    drivers: NDArray[np.float64], day: NDArray[np.int64],
                    weight: NDArray[np.float64]) -> None:
    """Draw ``plan``'s day conditioned on ``interval`` (see :class:`EvidencePlan`) and
    multiply ``weight`` ``(n,)`` by the interval's probability in each draw.

    One 32-bit uniform per draw, as :func:`~pactsim.inference.dated.sample_curve`.
    With per-day tables of 32-bit thresholds ``T`` (``T(k) = floor(C(k) 2**32)``),
    ``u`` is drawn uniformly in ``[T(lo - 1), T(hi))`` and the weight is
    ``(T(hi) - T(lo - 1)) / 2**32``; with a per-draw hazard ratio ``h`` the same
    is done on ``G = 1 - (1 - C)**h`` in double precision. A plan without
    per-day tables is never passed here (its findings are rejected on).
    """
    n = day.shape[0]
    tab = plan.tables
    steps = tab.steps
    assert steps is not None
    u32 = _uniform32(rng, n)
    rows = _row_index(tab.parents, bits) if tab.parents else None
    width = steps.width  # k = width: not by the curve's last point (nor the horizon)
    lo, hi = interval
    never_ok = hi > horizon
    klo = min(lo - tab.as_of, width)
    khi = width if never_ok else min(hi - tab.as_of, width - 1)
    k, p_in = _draw_within(tab, plan.hazard, klo, khi, u32, rows, bits, drivers)
    k = np.clip(k, klo, khi)  # rounding at the interval's ends stays inside it
    out = bits[plan.index]
    np.less(k, width, out=out)
    np.add(k, tab.as_of, out=day)
    day[~out] = NAT
    gate = np.ones(n, dtype=bool)
    for gi in plan.gates_true:
        gate &= bits[gi]
    for gi in plan.gates_false:
        gate &= ~bits[gi]
    weight *= np.where(gate, p_in, 1.0 if never_ok else 0.0)
    out &= gate
    day[~out] = NAT


def sample_milestone_in(plan: MilestonePlan, interval: tuple[int, int], horizon: int,
                        rng: np.random.Generator, bits: NDArray[np.bool_],
                        drivers: NDArray[np.float64], days: NDArray[np.int64],
                        weight: NDArray[np.float64]) -> None:
    """Time milestone ``plan`` (its ever bit drawn, or clamped true when ``interval``
    excludes "not by the horizon") with its day conditioned on ``interval``, and
    multiply ``weight`` by the chance of the interval in each draw.

    As :func:`~pactsim.inference.dated.sample_milestone`, one 32-bit uniform per
    draw unless the delay is fixed. In a draw whose ever bit is set and whose
    anchor happened, the offset allowed is ``[lo - anchor, hi - anchor]`` (or
    from ``lo - anchor`` on, past the horizon included, when "not by the
    horizon" is allowed) and the offset is drawn within it from the delay's step
    table (``u`` in ``[T(a - 1), T(b))``; with a per-draw hazard ratio on
    ``G = 1 - (1 - C)**h``); elsewhere the milestone does not happen, which the
    interval allows (weight unchanged) or not (weight 0).
    """
    n = days.shape[1]
    anchor = anchor_days(plan, days)
    out = bits[plan.index]
    live = out & (anchor != NAT)
    lo, hi = interval
    never_ok = hi > horizon
    safe = np.where(live, anchor, horizon)  # an anchor day for every draw (unused if not live)
    d = plan.delay
    if d.kind == "fixed":
        offset: NDArray[np.int64] = np.full(n, d.days, dtype=np.int64)
        day = safe + offset
        inside = (day >= lo) & ((day <= hi) | (never_ok & (day > horizon)))
        p_in = inside.astype(np.float64)
    else:
        tab = plan.tables
        steps = tab.steps
        width = steps.width  # offsets 0..width-1; k = width: later than any day in time
        u32 = _uniform32(rng, n)
        rows = _row_index(tab.parents, bits) if tab.parents else None
        klo = np.clip(lo - safe, 0, width)
        khi = np.full(n, width, dtype=np.int64) if never_ok else \
            np.clip(min(hi, horizon) - safe, -1, width - 1)
        k, p_in = _draw_within(tab, plan.hazard, klo, khi, u32, rows, bits, drivers)
        offset = np.clip(k, klo, np.maximum(khi, klo)).astype(np.int64)
    weight *= np.where(live, p_in, 1.0 if never_ok else 0.0)
    day = days[plan.slot]
    np.add(safe, offset, out=day)
    out &= live
    out &= day <= plan.horizon
    day[~out] = NAT


def finish_weights(plan: EvidencePlan, values: Mapping[str, NDArray[Any]],
                   dates: Mapping[str, NDArray[Any]], weight: NDArray[np.float64]
                   ) -> NDArray[np.float64] | None:
    """Apply the rejected (hard) findings to ``weight`` ``(n,)`` in place, given every
    node's and question's values and dates over the draws, and return the soft
    findings' log factors ``(n,)`` (``None`` without soft findings), for
    :func:`apply_log_factors` block by block."""
    for tree in plan.residual:
        weight *= np.asarray(_expr.evaluate(tree, values, dates), dtype=bool)
    if not plan.soft:
        return None
    log_f = np.zeros(weight.shape[0])
    for tree, ratio in plan.soft:
        add_log_ratio(log_f, np.asarray(_expr.evaluate(tree, values, dates), dtype=bool),
                      ratio)
    return log_f


def add_log_ratio(log_f: NDArray[np.float64], hold: NDArray[np.bool_], ratio: float) -> None:
    """Add a soft finding's log factor to ``log_f`` in place: ``log r`` where ``hold``,
    0 elsewhere, less ``log max(r, 1)`` (a constant the self-normalised estimates
    ignore; every factor is at most 1)."""
    if ratio > 1.0:
        log_f -= np.where(hold, 0.0, np.log(ratio))
    else:
        log_f += np.where(hold, np.log(ratio), 0.0)


def apply_log_factors(weight: NDArray[np.float64], log_f: NDArray[np.float64]) -> float:
    """``weight *= exp(log_f)`` in place, computed in logarithms and divided by the
    largest product so that the largest weight is 1; returns the logarithm of that
    divisor (0.0 when every weight is 0). Factors whose product would underflow
    (weights below about 1e-308 before the division) keep their ratios."""
    if not weight.shape[0]:
        return 0.0
    with np.errstate(divide="ignore"):
        lw = np.log(weight)
    lw += log_f
    top = float(lw.max())
    if not np.isfinite(top):  # every weight 0 (no factor is +inf)
        weight[:] = 0.0
        return 0.0
    lw -= top
    np.exp(lw, out=weight)
    return top
