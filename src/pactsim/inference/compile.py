"""Compile a validated :class:`~pactsim.language.scenario.Scenario` into array form.

The :class:`CompiledModel` is the canonical form the engine and exact inference
trust: binary nodes in topological order, integer parent indices, and for every
node a probability table over its ``given`` parents only; binary ``odds``
parents and drivers stay a list of log factors (see :class:`BinaryPlan`), so
what a node costs grows with what the file spells out, never as 2**k.

Conventions
-----------
* Binary node ``i`` is row ``i`` of the draws array ``bits`` of shape
  ``(n_binary, n_draws)``; drivers are rows of ``drivers`` ``(n_drivers, n_draws)``.
* Row ``r`` of a node's table has ``given`` parent ``j`` true when bit ``j`` of
  ``r`` is set (``r = sum(parent_j << j)``).
* Dates are integer day numbers since 1970-01-01 (``datetime64[D]``).

Uncertain probabilities (``beta``, ``between``) are replaced by their mean
where that is exact in distribution — a node without ``odds`` uses its p only
in one Bernoulli draw, so P(node | parents) = E[p]. Where ``odds`` apply, the
engine draws p afresh each draw and exact inference integrates over it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from pactsim.errors import ModelTooWideError
from pactsim.inference.attributes import AttributePlan
from pactsim.inference.dated import (
    ConditionPlan,
    CurvePlan,
    DelayPlan,
    Hazard,
    MilestonePlan,
)
from pactsim.language import expr as _expr
from pactsim.language.dates import day_number
from pactsim.language.distributions import beta_params as _beta_params
from pactsim.language.distributions import p_mean as _p_mean
from pactsim.language.scenario import (
    After,
    Beta,
    Between,
    Node,
    Question,
    Scenario,
    Signing,
    _validate_pspec,
    parent_entries,
)

__all__ = ["FOLD_LIMIT", "BinaryPlan", "CompiledModel", "DriverPlan", "compile_scenario",
           "recompile"]


@dataclass(frozen=True)
class DriverPlan:
    """A continuous driver: ``normal(mean, sd)`` or ``uniform(low, high)``.

    ``knots`` are ``(x, slope)`` pairs in the driver's units: some node's log
    odds cross zero at ``x`` with slope ``slope`` (``|log factor|`` per unit),
    so its probability changes fastest there. ``blind`` is the largest slope of
    a node whose crossing point moves (it has other drivers, or too many
    distinct crossing points to list). ``cuts`` are the numbers the driver is
    compared with in conditions used as parents (``"alignment > 0.5"``): exact
    inference cuts its quadrature there, so that each condition is constant on
    every piece. Exact inference places its quadrature by them; the engine
    ignores them.
    """

    name: str
    dist: str
    a: float  # mean or low
    b: float  # sd or high
    knots: tuple[tuple[float, float], ...] = ()
    blind: float = 0.0
    cuts: tuple[float, ...] = ()


#: Parents beyond which :class:`BinaryPlan`'s folded view (a plain table over
#: every parent) is refused: 2**20 rows is 8 MB per array.
FOLD_LIMIT = 20
#: Expressions a compiled model remembers compiled (:meth:`CompiledModel.compiled_condition`).
CONDITIONS_KEPT = 1024


@dataclass(frozen=True, eq=False)
class BinaryPlan:
    """How one binary node is drawn.

    Before its gates the node is true with probability

    .. math:: \\sigma\\big(\\operatorname{logit} p + \\textstyle\\sum_j \\ell_j b_j
              + \\sum_d \\lambda_d z_d\\big)

    where :math:`p` is ``p_given[row]`` (the row of the ``given`` parents) or,
    for rows with ``beta_given``, drawn from that Beta each draw; :math:`b_j`
    are the binary ``odds`` parents with log factors :math:`\\ell_j`
    (``odds_logf``) and :math:`z_d` the drivers with log factors
    :math:`\\lambda_d` (``driver_logf``). Binary odds parents are *not* folded
    into a table here: a node with 30 of them costs 30 numbers, not 2**30.

    Attributes
    ----------
    given:
        Binary indices of the ``given`` parents (bit ``j`` of a row is ``given[j]``).
    p_given:
        ``(2**g,)`` probability per row before odds (the mean of an uncertain p).
    beta_given:
        ``(2**g, 2)`` Beta parameters of rows whose p is uncertain *and* must be
        drawn (the node has odds); NaN elsewhere. ``None`` when no row needs it.
    odds_parents, odds_logf:
        Binary odds parents and their log odds factors ``(m,)``.
    drivers, driver_logf:
        Driver indices and log odds factors (odds × factor**value).
    gates_true, gates_false:
        Binary indices that must all be true / all be false (``requires``,
        ``excludes`` and the implicit pillar/clause gates), applied last.

    The *folded view* — ``parents``, ``p``, ``p0``, ``logodds``, ``beta`` — is
    the same node as a plain table over every binary parent (``given`` then
    odds parents, without repeats; bit ``j`` of a row is ``parents[j]``), for
    the engine's fast path of nodes with few parents, exact inference and
    cross-checks. It is built on first use, and refused with
    :class:`~pactsim.errors.ModelTooWideError` beyond :data:`FOLD_LIMIT`
    parents.
    """

    name: str
    index: int
    kind: str
    given: tuple[int, ...] = ()
    p_given: NDArray[np.float64] = field(default_factory=lambda: np.zeros(1))
    beta_given: NDArray[np.float64] | None = None
    odds_parents: tuple[int, ...] = ()
    odds_logf: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    drivers: tuple[int, ...] = ()
    driver_logf: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    gates_true: tuple[int, ...] = ()
    gates_false: tuple[int, ...] = ()

    # -- the folded view -------------------------------------------------------
    @cached_property
    def parents(self) -> tuple[int, ...]:
        """Every binary parent of the folded table: ``given``, then odds parents."""
        return tuple(dict.fromkeys(self.given + self.odds_parents))

    @cached_property
    def _folded(self) -> tuple[NDArray[np.float64], NDArray[np.float64],
                               NDArray[np.float64], NDArray[np.float64] | None]:
        parents = self.parents
        k = len(parents)
        if k > FOLD_LIMIT:
            raise ModelTooWideError(
                f"'{self.name}' has {k} binary parents ({len(self.given)} given, "
                f"{len(self.odds_parents)} in odds); a plain table over them would have "
                f"2**{k} rows, above the limit of 2**{FOLD_LIMIT}; use pactsim.simulate, "
                "which applies odds parents draw by draw", width=k + 1)
        beta0 = self.beta_given
        if not self.odds_parents and parents == self.given:  # the given table as it is
            p0 = np.array(self.p_given, dtype=np.float64)
            return p0.copy(), p0, np.zeros(1 << k), None if beta0 is None else beta0.copy()
        rows = np.arange(1 << k, dtype=np.int64)
        pos = {v: j for j, v in enumerate(parents)}
        grow = np.zeros(1 << k, dtype=np.int64)
        for j, v in enumerate(self.given):
            grow |= ((rows >> pos[v]) & 1) << j
        logodds = np.zeros(1 << k)
        for v, lf in zip(self.odds_parents, self.odds_logf, strict=True):
            logodds += np.where((rows >> pos[v]) & 1, float(lf), 0.0)
        p0 = np.asarray(self.p_given[grow], dtype=np.float64)
        if k <= 8:  # the engine's thresholds: the scalar form, as always
            p = np.array([_apply_odds(float(x), float(lf))
                          for x, lf in zip(p0, logodds, strict=True)])
        else:
            p = _apply_odds_array(p0, logodds)
        beta = None if self.beta_given is None else self.beta_given[grow]
        return p, p0, logodds, beta

    @property
    def p(self) -> NDArray[np.float64]:
        """``(2**k,)`` probability per folded row, binary odds applied (uncertain p at its mean)."""
        return self._folded[0]

    @property
    def p0(self) -> NDArray[np.float64]:
        """``(2**k,)`` probability per folded row before odds."""
        return self._folded[1]

    @property
    def logodds(self) -> NDArray[np.float64]:
        """``(2**k,)`` log of the binary odds factor per folded row."""
        return self._folded[2]

    @property
    def beta(self) -> NDArray[np.float64] | None:
        """``(2**k, 2)`` Beta parameters per folded row (NaN: fixed p), or ``None``."""
        return None if self.beta_given is None else self._folded[3]


@dataclass(frozen=True, eq=False)
class SigningPlan:
    """Signing-date CDF knots: day numbers and cumulative probabilities (first is as_of, 0)."""

    days: NDArray[np.int64]
    cum: NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class CompiledModel:
    """Array form of a scenario; see the module docstring for conventions.

    ``_digest`` is the scenario's :attr:`~pactsim.language.scenario.Scenario.digest`,
    or the scenario itself until :attr:`digest` is first read (hashing the
    scenario's canonical JSON is a good part of compiling a small one, and exact
    inference never reads it).
    """

    scenario_id: str
    _digest: str | Scenario | Any  # or anything with a ``digest`` (read on first use)
    as_of: int
    horizon: int
    names: tuple[str, ...]  # binary nodes, topological order
    kinds: tuple[str, ...]
    pillar_of: dict[str, str]
    plans: tuple[BinaryPlan, ...]
    drivers: tuple[DriverPlan, ...]
    signing: SigningPlan | None  # the format-1 signing curve (one row, no hazard, no gates)
    signing_index: int  # -1 when there is no signing node
    questions: dict[str, tuple[_expr.Expr, str]]  # name -> (AST, type) in evaluation order
    labels: dict[str, str]
    #: Dated nodes by slot (row of ``Draws.days``), file order.
    dated: tuple[str, ...] = ()
    #: Timing of dated nodes and conditions, by binary index (see :mod:`.dated`).
    timing: dict[int, CurvePlan | MilestonePlan] = field(default_factory=dict)
    conditions: dict[int, ConditionPlan] = field(default_factory=dict)
    #: Categorical nodes (format 3) -> their outcomes, ``absent`` first when possible.
    #: Each outcome but ``absent`` is a binary row of kind ``"outcome"`` named
    #: ``node=outcome``, true when the node has that outcome.
    outcomes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Numeric attributes (format 3), file order; attribute ``j`` is row
    #: ``len(drivers) + j`` of ``Draws.drivers`` (see :mod:`.attributes`).
    attributes: tuple[AttributePlan, ...] = ()
    index: dict[str, int] = field(init=False)
    slot: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {n: i for i, n in enumerate(self.names)})
        object.__setattr__(self, "slot", {n: i for i, n in enumerate(self.dated)})

    @property
    def digest(self) -> str:
        """The compiled scenario's digest (a recompiled model's ends with ``+``)."""
        d = self._digest
        if not isinstance(d, str):
            d = d.digest
            object.__setattr__(self, "_digest", d)
        return d

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with the digest, never with the scenario."""
        state = dict(self.__dict__)
        state["_digest"] = self.digest
        state.pop("_scope", None)  # made again on first use
        state.pop("_conditions", None)
        return state

    @property
    def signing_slot(self) -> int:
        """Row of ``signing`` in ``Draws.days`` (-1 without signing)."""
        return self.slot.get("signing", -1)

    @property
    def plain(self) -> bool:
        """No timing beyond a format-1 signing curve and no conditions as parents."""
        return not self.conditions and all(
            isinstance(t, CurvePlan) and t.plain and t.name == "signing"
            for t in self.timing.values())

    @property
    def n_binary(self) -> int:
        return len(self.names)

    @property
    def driver_names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.drivers)

    @property
    def content_names(self) -> tuple[str, ...]:
        """Pillars and clauses (the text of the agreement), in topological order."""
        return tuple(n for n, k in zip(self.names, self.kinds, strict=True)
                     if k in ("pillar", "clause"))

    def scope(self) -> dict[str, _expr.NameInfo]:
        """Names an expression over this model may use, with their types (a new dict
        each call, copied from :attr:`_scope`)."""
        return dict(self._scope)

    def compiled_condition(self, text: str, *, what: str = "expr",
                           horizon: dt.date | None = None) -> _expr.Expr:
        """:func:`~pactsim.language.expr.compile_condition` of ``text`` over this
        model's :meth:`scope`, remembered (at most :data:`CONDITIONS_KEPT` texts; a
        text that does not compile raises each time): an analysis asks the same
        questions of hundreds of recompiled models, which keep the memory."""
        key = (text, what, horizon)
        memo = self._conditions
        tree = memo.get(key)
        if tree is None:
            tree = _expr.compile_condition(text, self._scope, what=what, horizon=horizon)
            if len(memo) >= CONDITIONS_KEPT:
                memo.clear()
            memo[key] = tree
        return tree

    @cached_property
    def _conditions(self) -> dict[tuple[str, str, dt.date | None], _expr.Expr]:
        """The memory of :meth:`compiled_condition` (its trees are immutable)."""
        return {}

    @cached_property
    def _scope(self) -> dict[str, _expr.NameInfo]:
        """:meth:`scope`, made once per model and kept by :func:`recompile`, whose
        models have the same names: analyses that ask of hundreds of them pay it once."""
        out = {d.name: _expr.NameInfo("number") for d in self.drivers}
        out.update((a.name, _expr.NameInfo("number")) for a in self.attributes)
        for i, n in enumerate(self.names):
            if i not in self.conditions:
                out[n] = _expr.NameInfo("bool", has_date=n in self.slot,
                                        levels=self.outcomes.get(n))
        for q, (_, t) in self.questions.items():
            out[q] = _expr.NameInfo(t)  # type: ignore[arg-type]
        return out


def _outcome_rows(scenario: Scenario, name: str) -> list[str]:
    """The binary rows of categorical `name`'s outcomes other than ``absent``."""
    return [_expr.outcome_name(name, x) for x in scenario.outcomes[name] if x != _expr.ABSENT]


def _given_rows(scenario: Scenario, given: Sequence[str]) -> list[str]:
    """``given`` as binary rows: a categorical parent stands for its outcome rows."""
    out: list[str] = []
    for g in given:
        out += _outcome_rows(scenario, g) if g in scenario.outcomes else [g]
    return out


def _direct(scenario: Scenario, name: str) -> list[str]:
    """Binary rows a row depends on: a node's parents with each condition as one row
    (its text), a condition's names, a categorical's outcome rows for it as a parent."""
    if name in scenario.conditions:
        return _expr.ordered_names(scenario.conditions[name])
    if name not in scenario.nodes:  # an outcome row: its node, the node's given, the rows before
        node = name.split("=", 1)[0]
        rows = _outcome_rows(scenario, node)
        spec = scenario.nodes[node].spec
        assert isinstance(spec, Node)
        return [node, *_given_rows(scenario, spec.given or []), *rows[:rows.index(name)]]
    view = scenario.nodes[name]
    kind = view.kind
    out = ["signing"] if kind == "pillar" and scenario.signing is not None else []
    if kind == "clause" and view.pillar is not None:
        out.append(view.pillar)
    spec = view.spec
    if isinstance(spec, Node | Signing):
        given = spec.given or []
        out += _given_rows(scenario, given) if scenario.outcomes else given
        out += parent_entries(spec)[len(given):]
    return list(dict.fromkeys(out))


def _topological(scenario: Scenario, names: list[str]) -> list[str]:
    """Kahn's algorithm, ties broken by file order (stable, deterministic)."""
    pos = {n: i for i, n in enumerate(names)}
    deps = {n: [p for p in _direct(scenario, n) if p in pos] for n in names}
    children: dict[str, list[str]] = {n: [] for n in names}
    for n, ps in deps.items():
        for p in ps:
            children[p].append(n)
    indeg = {n: len(ps) for n, ps in deps.items()}
    import heapq

    ready = [pos[n] for n in names if indeg[n] == 0]
    heapq.heapify(ready)
    out: list[str] = []
    while ready:
        n = names[heapq.heappop(ready)]
        out.append(n)
        for c in children[n]:
            indeg[c] -= 1
            if indeg[c] == 0:
                heapq.heappush(ready, pos[c])
    if len(out) != len(names):  # pragma: no cover - validation rejects cycles
        raise ValueError("the scenario has a dependency cycle; load it with pactsim.load")
    return out


def _plan_leaves(table: Any, k: int) -> list[Any]:
    """The leaves of a nested table over ``k`` parents by plan row: leaf ``r`` is
    ``table[bit 0 of r][bit 1 of r]...`` (row ``r`` of :meth:`Node.table_entries`
    is the leaf whose parent ``j`` is bit ``k - 1 - j`` of ``r``)."""
    rows = [table]
    for _ in range(k):  # rows[r] for the parents so far; the next parent is the next bit
        rows = [t[False] for t in rows] + [t[True] for t in rows]
    return rows


def _leaf(table: Any, keys: Sequence[object]) -> Any:
    for k in keys:
        table = table[k]
    return table


def _row_leaves(spec: Node, outcomes: Mapping[str, tuple[str, ...]]) -> list[Any]:
    """The table leaf of every row of a plan whose ``given`` has categorical parents
    (each one bits of its outcome rows, ``absent`` when none is set); ``None`` for
    rows that cannot happen (two outcomes of one node at once)."""
    given = list(spec.given or [])
    widths = [len([x for x in outcomes[g] if x != _expr.ABSENT]) if g in outcomes else 1
              for g in given]
    leaves: list[Any] = []
    for r in range(1 << sum(widths)):
        keys: list[object] = []
        pos = 0
        for g, w in zip(given, widths, strict=True):
            bits = (r >> pos) & ((1 << w) - 1)
            pos += w
            if g not in outcomes:
                keys.append(bool(bits))
                continue
            named = [x for x in outcomes[g] if x != _expr.ABSENT]
            if bits & (bits - 1) or (bits == 0 and _expr.ABSENT not in outcomes[g]):
                break  # two outcomes at once, or absent where it cannot be
            keys.append(_expr.ABSENT if bits == 0 else named[bits.bit_length() - 1])
        leaves.append(_leaf(spec.table, keys) if len(keys) == len(given) else None)
    return leaves


def _level_probs(spec: Node, outcomes: Mapping[str, tuple[str, ...]]) -> list[dict[str, float]]:
    """A categorical node's {outcome: p} per plan row (``{}`` for rows that cannot happen)."""
    if isinstance(spec.levels, dict):
        return [{k: float(v) for k, v in spec.levels.items()}]
    return [{} if leaf is None else {str(k): float(v) for k, v in leaf.items()}
            for leaf in _row_leaves(spec, outcomes)]


def _outcome_plans(name: str, spec: Node, index: dict[str, int], scenario: Scenario
                   ) -> list[BinaryPlan]:
    """Stick-breaking rows of a categorical node's outcomes: row ``name=l_j`` is true
    with P(l_j | row) / P(l_j or a later outcome | row) when the node is present and
    no earlier outcome row is true. Their product gives each outcome its probability;
    the engine draws them with one uniform (see :mod:`.engine`)."""
    outcomes = scenario.outcomes
    rows = _outcome_rows(scenario, name)
    named = [x for x in outcomes[name] if x != _expr.ABSENT]
    probs = _level_probs(spec, outcomes)
    given = tuple(index[g] for g in _given_rows(scenario, spec.given or []))
    plans = []
    for j, row in enumerate(rows):
        p = np.zeros(len(probs))
        for r, lv in enumerate(probs):
            rest = sum(lv.get(x, 0.0) for x in named[j:])
            p[r] = min(1.0, lv.get(named[j], 0.0) / rest) if rest > 0 else 0.0
        plans.append(BinaryPlan(name=row, index=index[row], kind="outcome", given=given,
                                p_given=p, gates_true=(index[name],),
                                gates_false=tuple(index[x] for x in rows[:j])))
    return plans


def _plan(name: str, spec: Node, index: dict[str, int], driver_index: dict[str, int],
          kind: str, pillar: str | None,
          outcomes: Mapping[str, tuple[str, ...]] | None = None) -> BinaryPlan:
    outcomes = outcomes or {}
    given = list(spec.given or [])
    categorical_given = bool(outcomes) and any(g in outcomes for g in given)
    if categorical_given:
        given = [r for g in given for r in (
            [_expr.outcome_name(g, x) for x in outcomes[g] if x != _expr.ABSENT]
            if g in outcomes else [g])]
    odds = spec.odds
    odds_bin = [(p, f) for p, f in odds.items() if p in index] if odds else []
    odds_drv = [(p, f) for p, f in odds.items() if p in driver_index] if odds else []
    rows = 1 << len(given)  # the table the file spells out, leaf by leaf
    base: list[float | Beta | Between]
    if spec.levels is not None:  # categorical: present unless absent
        base = [1.0 - lv.get(_expr.ABSENT, 0.0) if lv else 0.0
                for lv in _level_probs(spec, outcomes)]
        base = base * rows if len(base) == 1 else base
    elif spec.p is None and spec.table is None:  # a milestone without p: it always follows
        base = [1.0] * rows
    elif spec.p is not None:
        base = [spec.p] * rows
    elif categorical_given:
        base = [0.0 if leaf is None else _validate_pspec(leaf)
                for leaf in _row_leaves(spec, outcomes)]
    else:  # the leaves of Node.table_entries, in the plan's row order
        base = [_validate_pspec(leaf) for leaf in _plan_leaves(spec.table, len(given))]
    has_odds = bool(spec.odds)
    need_beta = False
    beta: NDArray[np.float64] | None = None
    if all(type(x) is float for x in base):  # fixed numbers: no Beta to look at
        p0 = np.array(base, dtype=np.float64)
    else:
        p0 = np.empty(rows)
        beta = np.full((rows, 2), np.nan)
        for r, s in enumerate(base):
            ab = _beta_params(s)
            p0[r] = ab[0] / (ab[0] + ab[1]) if ab is not None else float(s)  # type: ignore[arg-type]
            if ab is not None and has_odds:
                beta[r] = ab
                need_beta = True
    gates_true = [index[x] for x in spec.requires]
    after = getattr(spec, "after", None)
    if after is not None and after.k >= len(after.names):
        # a milestone after all of its anchors happens only where they did: requiring
        # one of them says it again (left out, so exact inference need not read it)
        gates_true = [g for g in gates_true if g not in {index[a] for a in after.names}]
    if kind == "pillar" and "signing" in index:
        gates_true.insert(0, index["signing"])
    if kind == "clause" and pillar is not None:
        gates_true.insert(0, index[pillar])
    at = index.__getitem__
    return BinaryPlan(
        name=name,
        index=index[name],
        kind=kind,
        given=tuple(map(at, given)),
        p_given=p0,
        beta_given=beta if need_beta else None,
        odds_parents=tuple(index[x] for x, _ in odds_bin),
        odds_logf=np.array([math.log(f) for _, f in odds_bin]) if odds_bin else np.zeros(0),
        drivers=tuple(driver_index[d] for d, _ in odds_drv),
        driver_logf=np.array([math.log(f) for _, f in odds_drv]) if odds_drv else np.zeros(0),
        gates_true=tuple(dict.fromkeys(gates_true)),
        gates_false=tuple(map(at, spec.excludes)),
    )


#: Knots listed per driver at most; a node whose crossing points would pass
#: this counts as ``blind`` (its slope alone shapes the quadrature).
_MAX_KNOTS = 64


def _knots(plans: Sequence[BinaryPlan], n_drivers: int) -> tuple[
        list[list[tuple[float, float]]], list[float]]:
    """Where each driver's nodes change fastest: ``(knots, blind)`` per driver.

    A node with one driver ``d`` (log factor :math:`\\lambda`) has log odds
    :math:`\\operatorname{logit} p_r + \\ell + \\lambda x`; it crosses zero at
    :math:`x = -(\\operatorname{logit} p_r + \\ell) / \\lambda` for each row
    :math:`r` and each sum :math:`\\ell` of its binary odds factors. These are
    listed when there are few; otherwise, and for nodes with several drivers,
    only the slope is kept (``blind``).
    """
    knots: list[list[tuple[float, float]]] = [[] for _ in range(n_drivers)]
    blind = [0.0] * n_drivers
    for plan in plans:
        if not plan.drivers:
            continue
        slopes = [abs(float(x)) for x in plan.driver_logf]
        if len(plan.drivers) > 1:
            for d, s in zip(plan.drivers, slopes, strict=True):
                blind[d] = max(blind[d], s)
            continue
        d, lam = plan.drivers[0], float(plan.driver_logf[0])
        if lam == 0.0:
            continue
        offsets = {math.log(x) - math.log1p(-x) for x in map(float, plan.p_given) if 0.0 < x < 1.0}
        sums = {0.0}
        for lf in plan.odds_logf:
            sums |= {s + float(lf) for s in sums}
            if len(sums) * len(offsets) > _MAX_KNOTS:
                break
        if len(sums) * len(offsets) > _MAX_KNOTS:
            blind[d] = max(blind[d], abs(lam))
            continue
        knots[d] += [(-(o + s) / lam, abs(lam)) for o in offsets for s in sums]
    for d in range(n_drivers):
        if len(set(knots[d])) > _MAX_KNOTS:
            blind[d] = max([blind[d], *(s for _, s in knots[d])])
            knots[d] = []
        knots[d] = sorted(set(knots[d]))
    return knots, blind


def _apply_odds(p: float, logf: float) -> float:
    """``p`` with its odds multiplied by ``exp(logf)``, without overflow."""
    if logf == 0.0 or p <= 0.0 or p >= 1.0:
        return p
    e = math.exp(logf) if logf < 700 else math.inf
    if math.isfinite(e):
        return p * e / (1.0 - p + p * e)
    x = math.log(p) - math.log1p(-p) + logf  # odds beyond floating range: logistic form
    return 1.0 / (1.0 + math.exp(-x)) if x < 700 else 1.0


def _apply_odds_array(p: NDArray[np.float64], logf: NDArray[np.float64]) -> NDArray[np.float64]:
    """:func:`_apply_odds` elementwise, in the logistic form (no overflow)."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        x = np.log(p) - np.log1p(-p) + logf
        ex = np.exp(-np.abs(x))
        out = np.where(x >= 0, 1.0 / (1.0 + ex), ex / (1.0 + ex))
    out = np.where(logf == 0.0, p, out)
    return np.asarray(np.where(p <= 0.0, 0.0, np.where(p >= 1.0, 1.0, out)), dtype=np.float64)


#: Question texts parsed (the trees are immutable), so that variants of a
#: scenario, which share its questions, do not parse them again.
_parse = lru_cache(maxsize=1024)(_expr.parse)


def compile_scenario(scenario: Scenario) -> CompiledModel:
    """Compile a validated scenario; the result is kept on the (frozen) scenario.

    A variant from ``Scenario.with_changes`` of a compiled scenario that changes only
    numbers of binary nodes is compiled from the base's model: the changed nodes'
    plans are rebuilt and every other plan is the base's own
    (:func:`~pactsim.inference.renumber.derived_model`), the same model as compiling
    it whole, made in a tenth of the time, and exact inference reuses the unchanged
    nodes' factors without comparing their numbers.
    """
    cached = scenario._compiled
    if isinstance(cached, CompiledModel):
        return cached
    model = None
    if scenario._derived is not None:  # a variant: perhaps its base's model, renumbered
        from pactsim.inference.renumber import derived_model

        base, keys = scenario._derived
        scenario._derived = None  # the variant no longer holds its base
        model = derived_model(scenario, base, keys)
    if model is None:
        model = _compile(scenario)
    scenario._compiled = model
    return model


def _condition_cuts(trees: Iterable[_expr.Expr], driver_index: Mapping[str, int]
                    ) -> list[tuple[float, ...]]:
    """Per driver, the numbers it is compared with in conditions (``"alignment > 0.5"``,
    ``"1 <= alignment"``), sorted and distinct (:attr:`DriverPlan.cuts`)."""
    cuts: list[set[float]] = [set() for _ in driver_index]
    for tree in trees:
        for node in _expr.walk(tree):
            if not isinstance(node, _expr.Compare):
                continue
            for side, other in ((node.left, node.right), (node.right, node.left)):
                if isinstance(side, _expr.Name) and side.name in driver_index \
                        and isinstance(other, _expr.NumLit):
                    cuts[driver_index[side.name]].add(float(other.value))
    return [tuple(sorted(c)) for c in cuts]


def _compile(scenario: Scenario) -> CompiledModel:
    views = scenario.nodes
    outcomes = scenario.outcomes
    rows = [r for n in scenario.binary_names
            for r in [n, *(_outcome_rows(scenario, n) if n in outcomes else [])]]
    binary = _topological(scenario, rows + list(scenario.conditions))
    index = {n: i for i, n in enumerate(binary)}
    driver_index = {name: i for i, name in enumerate(scenario.drivers)}
    # how each node is dated, asked once (Scenario.dated_names: those with a timing)
    timing_of = {v.name: v.timing for v in views.values()}
    dated = tuple(n for n, t in timing_of.items() if t is not None)
    slot = {n: i for i, n in enumerate(dated)}
    as_of, horizon = day_number(scenario.as_of), day_number(scenario.horizon)
    plans = []
    signing = None
    timing: dict[int, CurvePlan | MilestonePlan] = {}
    conditions: dict[int, ConditionPlan] = {}
    outcome_plans: dict[str, BinaryPlan] = {}
    follows = _Follows(views)
    for name in binary:
        i = index[name]
        if name in scenario.conditions:
            conditions[i] = ConditionPlan(name, i, scenario.conditions[name])
            plans.append(BinaryPlan(name=name, index=i, kind="condition"))
            continue
        if name in outcome_plans:
            plans.append(outcome_plans.pop(name))
            continue
        view = views[name]
        spec = view.spec
        assert isinstance(spec, Node | Signing)
        when = timing_of[name]
        if when == "curve":
            cp = _curve_plan(name, spec, i, slot[name], index, driver_index, as_of)
            timing[i] = cp
            if name == "signing" and cp.plain:
                signing = SigningPlan(cp.days, cp.cum[0])
            plans.append(BinaryPlan(name=name, index=i, kind=view.kind,
                                    p_given=np.array(cp.cum[:, -1]),
                                    gates_true=cp.gates_true, gates_false=cp.gates_false))
            continue
        assert isinstance(spec, Node)
        # a milestone signing's chance is drawn as an event's (plan kind "signing" is the
        # curve's: one chance, no uncertain p to tabulate)
        kind = "event" if view.kind == "signing" else view.kind
        plans.append(_plan(name, spec, index, driver_index, kind, view.pillar, outcomes))
        if name in outcomes:
            outcome_plans.update((op.name, op) for op in _outcome_plans(name, spec, index,
                                                                         scenario))
        if when == "milestone":
            timing[i] = _milestone_plan(name, spec, i, slot, index, driver_index, horizon, as_of,
                                        follows)
    knots, blind = _knots(plans, len(driver_index))
    cuts = _condition_cuts(scenario.conditions.values(), driver_index)
    drivers = []
    for k, (name, d) in enumerate(scenario.drivers.items()):
        # `is None`, never `or`: 0.0 is a mean, a low or a high like any other
        if d.dist == "normal":
            a = 0.0 if d.mean is None else float(d.mean)
            b = 1.0 if d.sd is None else float(d.sd)
        else:
            a = 0.0 if d.low is None else float(d.low)
            b = 1.0 if d.high is None else float(d.high)
        drivers.append(DriverPlan(name, d.dist, a, b, tuple(knots[k]), blind[k], cuts[k]))
    # questions in dependency order (the names in scope only matter when there are some)
    scope: dict[str, _expr.NameInfo] = {}
    if scenario.questions:
        scope.update((d.name, _expr.NameInfo("number")) for d in drivers)
        scope.update((a, _expr.NameInfo("number")) for a in scenario.attributes)
        scope.update({n: _expr.NameInfo("bool", has_date=n in slot, levels=outcomes.get(n))
                      for n in binary if n not in scenario.conditions})
    questions: dict[str, tuple[_expr.Expr, str]] = {}
    # parse each question once, then type-check in dependency order (no recursion,
    # linear in the questions' size however long a chain of questions is)
    trees = {qname: _expr.resolve(_parse(q.expr if isinstance(q, Question) else q), scope)
             for qname, q in scenario.questions.items()}
    for qname in _expr.dependency_order(trees):
        t = _expr.check(trees[qname], scope)
        scope[qname] = _expr.NameInfo(t)
        questions[qname] = (trees[qname], t)
    labels = {v.name: v.label for v in scenario.nodes.values()}
    labels.update((a, spec.label or a.replace("_", " ")) for a, spec in scenario.attributes.items())
    for n, lv in outcomes.items():
        labels.update((_expr.outcome_name(n, x), f"{labels[n]}: {x.replace('_', ' ')}")
                      for x in lv if x != _expr.ABSENT)
    return CompiledModel(
        scenario_id=scenario.id,
        _digest=scenario,
        as_of=day_number(scenario.as_of),
        horizon=day_number(scenario.horizon),
        names=tuple(binary),
        kinds=tuple("condition" if n in scenario.conditions else
                    "outcome" if n not in views else views[n].kind for n in binary),
        pillar_of={v.name: v.pillar for v in views.values() if v.pillar is not None},
        plans=tuple(plans),
        drivers=tuple(drivers),
        signing=signing,
        signing_index=index.get("signing", -1),
        questions=questions,
        labels=labels,
        dated=dated,
        timing=timing,
        conditions=conditions,
        outcomes=dict(outcomes),
        attributes=tuple(_attribute_plan(a, scenario, index) for a in scenario.attributes),
    )


def _attribute_plan(name: str, scenario: Scenario, index: dict[str, int]) -> AttributePlan:
    """An attribute's rows of distributions over its ``given`` rows, and its gates."""
    spec = scenario.attributes[name]
    given = _given_rows(scenario, spec.given or [])
    if spec.given:
        leaves = _row_leaves(spec, scenario.outcomes)  # type: ignore[arg-type]
        quantities = tuple(None if leaf is None else spec.row_quantity(leaf) for leaf in leaves)
    else:
        quantities = (spec.row_quantity(None),)
    return AttributePlan(name, tuple(index[g] for g in given), quantities,
                         tuple(index[x] for x in spec.requires),
                         tuple(index[x] for x in spec.excludes), spec.round)


def recompile(scenario: Scenario, model: CompiledModel,
              specs: Mapping[str, Node | Signing], digest: Any = None) -> CompiledModel:
    """``model`` (compiled from ``scenario``) with the nodes of ``specs`` given new specs
    of the same structure: only numbers may differ — ``p``, ``table`` rows, ``by``
    points, odds and hazard factors, delays — never parents, gates, anchors, the kind
    of timing or which rows are uncertain.

    A fast path for analyses that evaluate one scenario under many sets of numbers
    (the spread of a forecast, Sobol indices): the other nodes' plans, the questions
    and the layout are reused and nothing is validated, so the caller must pass
    specs it has made valid (``tests/unit/test_recompile.py`` checks the result
    equals compiling the changed scenario). The model's ``digest`` is ``digest``
    (a string, or an object whose ``digest`` gives it when first read), by default
    the base's with ``+`` appended: not the digest of any file.
    """
    views = scenario.nodes
    index = model.index
    driver_index = {d.name: k for k, d in enumerate(model.drivers)}
    plans = list(model.plans)
    timing = dict(model.timing)
    signing = model.signing
    follows: _Follows | None = None  # built for the first milestone changed
    for name, spec in specs.items():
        i = index[name]
        view = views[name]
        if view.timing == "curve":
            cp = _curve_plan(name, spec, i, model.slot[name], index, driver_index, model.as_of)
            timing[i] = cp
            if name == "signing" and cp.plain:
                signing = SigningPlan(cp.days, cp.cum[0])
            plans[i] = BinaryPlan(name=name, index=i, kind=view.kind,
                                  p_given=np.array(cp.cum[:, -1]),
                                  gates_true=cp.gates_true, gates_false=cp.gates_false)
            continue
        assert isinstance(spec, Node)
        plans[i] = _plan(name, spec, index, driver_index,
                         "event" if view.kind == "signing" else view.kind, view.pillar,
                         model.outcomes)
        if name in model.outcomes:
            for op in _outcome_plans(name, spec, index, scenario):  # same outcomes
                plans[op.index] = op
        if view.timing == "milestone":
            follows = follows or _Follows(views)
            timing[i] = _milestone_plan(name, spec, i, model.slot, index, driver_index,
                                        model.horizon, model.as_of, follows)
    knots, blind = _knots(plans, len(model.drivers))
    drivers = tuple(replace(d, knots=tuple(knots[k]), blind=blind[k])
                    for k, d in enumerate(model.drivers))
    out = replace(model, _digest=model.digest + "+" if digest is None else digest,
                  plans=tuple(plans), drivers=drivers, signing=signing, timing=timing)
    for kept in ("_scope", "_conditions"):  # the same names, questions, dates, outcomes
        if kept in model.__dict__:
            out.__dict__[kept] = model.__dict__[kept]
    return out


def _hazard(spec: Node | Signing, index: dict[str, int], driver_index: dict[str, int]) -> Hazard:
    hb = [(index[k], math.log(f)) for k, f in spec.hazard_ratio.items() if k in index]
    hd = [(driver_index[k], math.log(f)) for k, f in spec.hazard_ratio.items()
          if k in driver_index]
    return Hazard(tuple(v for v, _ in hb), np.array([f for _, f in hb]),
                  tuple(v for v, _ in hd), np.array([f for _, f in hd]))


def _curve_plan(name: str, spec: Node | Signing, i: int, slot: int, index: dict[str, int],
                driver_index: dict[str, int], as_of: int) -> CurvePlan:
    """Rows of curves on the union of their dates (each curve keeps its shape)."""
    given = list(spec.given or []) if spec.by is None else []
    rows = dict(spec.curve_entries())
    curves = []
    for r in range(1 << len(given)):
        combo = tuple(bool(r >> j & 1) for j in range(len(given)))
        by = rows[combo]
        curves.append(([day_number(d) for d in by], [_p_mean(v) for v in by.values()]))
    grid = sorted({as_of} | {d for days, _ in curves for d in days})
    days = np.array(grid, dtype=np.int64)
    cum = np.array([np.interp(days, [as_of, *ds], [0.0, *cs]) for ds, cs in curves])
    cum[:, 0] = 0.0
    cum = np.maximum.accumulate(cum, axis=1)  # means of uncertain points never decrease
    gates_true = tuple(index[x] for x in getattr(spec, "requires", ()))
    gates_false = tuple(index[x] for x in getattr(spec, "excludes", ()))
    return CurvePlan(name, i, slot, days, cum, tuple(index[g] for g in given),
                     _hazard(spec, index, driver_index), gates_true, gates_false)


AfterMode = Literal["one", "all", "any", "at_least"]  # MilestonePlan.mode, After.mode

#: Steps the search for anchors that follow one another may take in one compile; past
#: it, anchors are kept as written (the same draws; exact inference may then refuse).
_FOLLOW_BUDGET = 1 << 18


class _Follows:
    """Which dated nodes a milestone can never happen without nor before: the anchors
    of a milestone after one or all of them, and theirs in turn (delays are never
    negative). Searched per anchor, within :data:`_FOLLOW_BUDGET` steps a compile."""

    def __init__(self, views: Mapping[str, Any]) -> None:
        self.links: dict[str, tuple[str, ...]] = {}
        for name, v in views.items():
            after = getattr(v.spec, "after", None) if v.timing == "milestone" else None
            if after is not None and after.k >= len(after.names):
                self.links[name] = after.names
        self.budget = _FOLLOW_BUDGET

    def before(self, name: str) -> set[str] | None:
        """The nodes ``name`` follows (``None``: past the budget)."""
        seen: set[str] = set()
        todo = list(self.links.get(name, ()))
        while todo:  # a worklist: no recursion on the length of a chain
            x = todo.pop()
            self.budget -= 1
            if self.budget < 0:
                return None
            if x not in seen:
                seen.add(x)
                todo.extend(self.links.get(x, ()))
        return seen

    def anchors(self, after: After) -> tuple[tuple[str, ...], int, AfterMode]:
        """``after``'s anchors, need and mode with those that cannot change its anchor
        day left out: after all, an anchor another anchor follows (the latest is never
        it); after any, an anchor that follows another (the earliest is never it). The
        same day in every draw; a k-of-n anchor (1 < k < n) is kept as written."""
        names = after.names
        if len(names) < 2 or 1 < after.k < len(names):
            return names, after.k, after.mode
        before: dict[str, set[str]] = {}
        for a in names:
            b = self.before(a)
            if b is None:
                return names, after.k, after.mode
            before[a] = b
        if after.k >= len(names):  # all: drop what another anchor comes after
            keep = tuple(a for a in names if not any(a in before[b] for b in names if b != a))
        else:  # any: drop what comes after another anchor
            keep = tuple(a for a in names if not before[a] & (set(names) - {a}))
        if len(keep) == len(names):
            return names, after.k, after.mode
        if len(keep) == 1:
            return keep, 1, "one"
        return keep, len(keep) if after.k >= len(names) else 1, after.mode


def _milestone_plan(name: str, spec: Node, i: int, slot: dict[str, int], index: dict[str, int],
                    driver_index: dict[str, int], horizon: int, as_of: int,
                    follows: _Follows) -> MilestonePlan:
    after, d = spec.after, spec.delay
    assert after is not None
    assert d is not None
    names, need, mode = follows.anchors(after)
    if d.kind == "fixed":
        delay = DelayPlan("fixed", days=d.days)
    elif d.kind == "lognormal":
        delay = DelayPlan("lognormal", mu=d.mu, sigma=d.sigma)
    else:
        delay = DelayPlan("curve", points=np.array([0.0, *(float(k) for k, _ in d.points)]),
                          cum=np.array([0.0, *(p for _, p in d.points)]))
    return MilestonePlan(name, i, slot[name], tuple(slot[a] for a in names), need,
                         mode, delay, horizon, _hazard(spec, index, driver_index),
                         span=horizon - as_of)
