"""Compile a validated :class:`~pactsim.language.scenario.Scenario` into array form.

The :class:`CompiledModel` is the canonical form the engine and exact inference
trust: binary nodes in topological order, integer parent indices, and for every
node a conditional probability table over its *table parents* (``given`` plus
binary ``odds`` parents), with binary odds already folded in.

Conventions
-----------
* Binary node ``i`` is row ``i`` of the draws array ``bits`` of shape
  ``(n_binary, n_draws)``; drivers are rows of ``drivers`` ``(n_drivers, n_draws)``.
* Row ``r`` of a node's table has table parent ``j`` true when bit ``j`` of ``r``
  is set (``r = sum(parent_j << j)``).
* Dates are integer day numbers since 1970-01-01 (``datetime64[D]``).

Uncertain probabilities (``beta``, ``between``) are replaced by their mean
where that is exact in distribution — a node without ``odds`` uses its p only
in one Bernoulli draw, so P(node | parents) = E[p]. Where ``odds`` apply, the
engine draws p afresh each draw and exact inference integrates over it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from pactsim.language import expr as _expr
from pactsim.language.dates import day_number
from pactsim.language.distributions import beta_params as _beta_params
from pactsim.language.scenario import Beta, Between, Node, Question, Scenario

__all__ = ["BinaryPlan", "CompiledModel", "DriverPlan", "compile_scenario"]

@dataclass(frozen=True)
class DriverPlan:
    """A continuous driver: ``normal(mean, sd)`` or ``uniform(low, high)``."""

    name: str
    dist: str
    a: float  # mean or low
    b: float  # sd or high


@dataclass(frozen=True, eq=False)
class BinaryPlan:
    """How one binary node is drawn.

    Attributes
    ----------
    parents:
        Binary indices of the table parents (bit ``j`` of a row is parent ``j``).
    p:
        ``(2**k,)`` probability per row, binary odds folded in; for uncertain
        rows with odds, the value used when p is fixed at its mean.
    p0:
        ``(2**k,)`` probability per row before odds (mean of uncertain p).
    beta:
        ``(2**k, 2)`` Beta parameters of rows whose p is uncertain *and* must be
        drawn (the node has odds); NaN elsewhere. ``None`` when no row needs it.
    logodds:
        ``(2**k,)`` log of the binary odds factor per row (needed with ``beta``).
    drivers, driver_logf:
        Driver indices and log odds factors (odds × factor**value).
    gates_true, gates_false:
        Binary indices that must all be true / all be false (``requires``,
        ``excludes`` and the implicit pillar/clause gates), applied last.
    """

    name: str
    index: int
    kind: str
    parents: tuple[int, ...] = ()
    p: NDArray[np.float64] = field(default_factory=lambda: np.zeros(1))
    p0: NDArray[np.float64] = field(default_factory=lambda: np.zeros(1))
    beta: NDArray[np.float64] | None = None
    logodds: NDArray[np.float64] = field(default_factory=lambda: np.zeros(1))
    drivers: tuple[int, ...] = ()
    driver_logf: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    gates_true: tuple[int, ...] = ()
    gates_false: tuple[int, ...] = ()


@dataclass(frozen=True, eq=False)
class SigningPlan:
    """Signing-date CDF knots: day numbers and cumulative probabilities (first is as_of, 0)."""

    days: NDArray[np.int64]
    cum: NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class CompiledModel:
    """Array form of a scenario; see the module docstring for conventions."""

    scenario_id: str
    digest: str
    as_of: int
    horizon: int
    names: tuple[str, ...]  # binary nodes, topological order
    kinds: tuple[str, ...]
    pillar_of: dict[str, str]
    plans: tuple[BinaryPlan, ...]
    drivers: tuple[DriverPlan, ...]
    signing: SigningPlan | None
    signing_index: int  # -1 when there is no signing node
    questions: dict[str, tuple[_expr.Expr, str]]  # name -> (AST, type) in evaluation order
    labels: dict[str, str]
    index: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {n: i for i, n in enumerate(self.names)})

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
        """Names an expression over this model may use, with their types."""
        out = {d.name: _expr.NameInfo("number") for d in self.drivers}
        for n in self.names:
            out[n] = _expr.NameInfo("bool", has_date=(n == "signing"))
        for q, (_, t) in self.questions.items():
            out[q] = _expr.NameInfo(t)  # type: ignore[arg-type]
        return out


def _topological(scenario: Scenario, names: list[str]) -> list[str]:
    """Kahn's algorithm, ties broken by file order (stable, deterministic)."""
    pos = {n: i for i, n in enumerate(names)}
    deps = {n: [p for p in scenario.parents(n) if p in pos] for n in names}
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


def _plan(scenario: Scenario, name: str, spec: Node, index: dict[str, int],
          driver_index: dict[str, int], kind: str, pillar: str | None) -> BinaryPlan:
    given = list(spec.given or [])
    odds_bin = [(p, f) for p, f in spec.odds.items() if p in index]
    odds_drv = [(p, f) for p, f in spec.odds.items() if p in driver_index]
    tparents = list(dict.fromkeys(given + [p for p, _ in odds_bin]))
    k = len(tparents)
    rows = 1 << k
    base: list[float | Beta | Between]
    if spec.p is not None:
        base = [spec.p] * rows
    else:
        lookup = dict(spec.table_entries())
        base = []
        for r in range(rows):
            combo = tuple(bool(r >> tparents.index(g) & 1) for g in given)
            base.append(lookup[combo])
    logodds = np.zeros(rows)
    for parent, f in odds_bin:
        j = tparents.index(parent)
        logodds += np.array([math.log(f) if r >> j & 1 else 0.0 for r in range(rows)])
    has_odds = bool(spec.odds)
    p = np.empty(rows)
    p0 = np.empty(rows)
    beta = np.full((rows, 2), np.nan)
    need_beta = False
    for r, s in enumerate(base):
        ab = _beta_params(s)
        mean = ab[0] / (ab[0] + ab[1]) if ab is not None else float(s)  # type: ignore[arg-type]
        p0[r] = mean
        p[r] = _apply_odds(mean, logodds[r])
        if ab is not None and has_odds:
            beta[r] = ab
            need_beta = True
    gates_true = [index[x] for x in spec.requires]
    if kind == "pillar" and "signing" in index:
        gates_true.insert(0, index["signing"])
    if kind == "clause" and pillar is not None:
        gates_true.insert(0, index[pillar])
    return BinaryPlan(
        name=name,
        index=index[name],
        kind=kind,
        parents=tuple(index[x] for x in tparents),
        p=p,
        p0=p0,
        beta=beta if need_beta else None,
        logodds=logodds,
        drivers=tuple(driver_index[d] for d, _ in odds_drv),
        driver_logf=np.array([math.log(f) for _, f in odds_drv]),
        gates_true=tuple(dict.fromkeys(gates_true)),
        gates_false=tuple(index[x] for x in spec.excludes),
    )


def _apply_odds(p: float, logf: float) -> float:
    """``p`` with its odds multiplied by ``exp(logf)``, without overflow."""
    if logf == 0.0 or p <= 0.0 or p >= 1.0:
        return p
    e = math.exp(logf) if logf < 700 else math.inf
    if math.isfinite(e):
        return p * e / (1.0 - p + p * e)
    x = math.log(p) - math.log1p(-p) + logf  # odds beyond floating range: logistic form
    return 1.0 / (1.0 + math.exp(-x)) if x < 700 else 1.0


def compile_scenario(scenario: Scenario) -> CompiledModel:
    """Compile a validated scenario; the result is kept on the (frozen) scenario."""
    cached = scenario._compiled
    if isinstance(cached, CompiledModel):
        return cached
    model = _compile(scenario)
    scenario._compiled = model
    return model


def _compile(scenario: Scenario) -> CompiledModel:
    views = scenario.nodes
    binary = _topological(scenario, scenario.binary_names)
    index = {n: i for i, n in enumerate(binary)}
    drivers = []
    for name, d in scenario.drivers.items():
        if d.dist == "normal":
            drivers.append(DriverPlan(name, "normal", d.mean or 0.0, float(d.sd or 1.0)))
        else:
            drivers.append(DriverPlan(name, "uniform", float(d.low or 0.0), float(d.high or 1.0)))
    driver_index = {d.name: i for i, d in enumerate(drivers)}
    plans = []
    signing = None
    for name in binary:
        view = views[name]
        if view.kind == "signing":
            assert scenario.signing is not None
            days = [day_number(scenario.as_of)] + [day_number(d) for d in scenario.signing.by]
            cum = [0.0] + [float(v) for v in scenario.signing.by.values()]  # type: ignore[arg-type]
            signing = SigningPlan(np.array(days, dtype=np.int64), np.array(cum))
            plans.append(BinaryPlan(name=name, index=index[name], kind="signing",
                                    p=np.array([cum[-1]]), p0=np.array([cum[-1]])))
        else:
            assert isinstance(view.spec, Node)
            plans.append(_plan(scenario, name, view.spec, index, driver_index, view.kind,
                               view.pillar))
    # questions in dependency order
    scope = {d.name: _expr.NameInfo("number") for d in drivers}
    scope.update({n: _expr.NameInfo("bool", has_date=(n == "signing")) for n in binary})
    questions: dict[str, tuple[_expr.Expr, str]] = {}
    pending = dict(scenario.questions)
    while pending:
        progressed = False
        for qname, q in list(pending.items()):
            text = q.expr if isinstance(q, Question) else q
            tree = _expr.parse(text)
            if any(n in pending for n in _expr.names(tree)):
                continue
            t = _expr.check(tree, scope)
            scope[qname] = _expr.NameInfo(t)
            questions[qname] = (tree, t)
            del pending[qname]
            progressed = True
        if not progressed:  # pragma: no cover - validation rejects cycles
            raise ValueError("questions depend on each other in a cycle")
    labels = {v.name: v.label for v in scenario.iter_nodes()}
    return CompiledModel(
        scenario_id=scenario.id,
        digest=scenario.digest,
        as_of=day_number(scenario.as_of),
        horizon=day_number(scenario.horizon),
        names=tuple(binary),
        kinds=tuple(views[n].kind for n in binary),
        pillar_of={v.name: v.pillar for v in views.values() if v.pillar is not None},
        plans=tuple(plans),
        drivers=tuple(drivers),
        signing=signing,
        signing_index=index.get("signing", -1),
        questions=questions,
        labels=labels,
    )
