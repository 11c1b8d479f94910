"""Generated binary scenarios for the benchmarks, and the same networks for pgmpy / pyAgrum.

:func:`binary_scenario` builds the plain-dict form of a scenario with only
binary nodes and fixed probabilities: no drivers, no ``signing`` section, no
``beta``/``between``, no questions. About 40% of the nodes are events; the rest
are pillars, each followed by up to seven clauses (a clause is implicitly gated
by its pillar). Every node draws up to three ``given`` parents from the eight
binary nodes before it in file order (so the graph is acyclic by construction),
and about a third of the pillars and clauses also ``requires`` or ``excludes``
a node from the same window. Probabilities are uniform on [0.05, 0.95],
rounded to 3 decimals. The result is deterministic in ``(n_nodes, seed)``.

:func:`bn_tables` turns the *compiled* model into plain conditional probability
tables (gates folded in as extra parents), so pgmpy and pyAgrum sample exactly
the network pactsim samples.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

import pactsim
from pactsim.inference.compile import compile_scenario
from pactsim.language.io import from_dict

__all__ = ["BNNode", "binary_scenario", "bn_tables", "load_binary"]

WINDOW = 8
MAX_GIVEN = 3
CLAUSES_PER_PILLAR = 7
EVENT_SHARE = 0.4


def _p(rng: np.random.Generator) -> float:
    return round(float(rng.uniform(0.05, 0.95)), 3)


def _table(rng: np.random.Generator, depth: int) -> Any:
    if depth == 0:
        return _p(rng)
    return {True: _table(rng, depth - 1), False: _table(rng, depth - 1)}


def binary_scenario(n_nodes: int, *, seed: int = 0) -> dict[str, Any]:
    """Plain data for a generated binary scenario of ``n_nodes`` nodes.

    Examples
    --------
    >>> data = binary_scenario(20)
    >>> sc = from_dict(data)
    >>> len(sc.binary_names)
    20
    """
    if n_nodes < 2:
        raise ValueError(f"n_nodes must be >= 2, not {n_nodes}")
    rng = np.random.default_rng(seed)
    n_events = max(1, round(EVENT_SHARE * n_nodes))
    # (name, kind, pillar) in file order
    layout: list[tuple[str, str, str | None]] = [(f"e{i:03d}", "event", None)
                                                 for i in range(n_events)]
    pillar: str | None = None
    left = n_nodes - n_events
    k = 0
    while left > 0:
        pillar = f"p{k:02d}"
        layout.append((pillar, "pillar", None))
        left -= 1
        for j in range(min(CLAUSES_PER_PILLAR, left)):
            layout.append((f"p{k:02d}_c{j}", "clause", pillar))
            left -= 1
        k += 1

    events: dict[str, Any] = {}
    pillars: dict[str, Any] = {}
    for i, (name, kind, owner) in enumerate(layout):
        window = [n for n, _, _ in layout[max(0, i - WINDOW):i] if n != owner]
        n_given = int(rng.integers(0, MAX_GIVEN + 1)) if window else 0
        picks = [str(x) for x in rng.permutation(window)]
        given, rest = picks[:n_given], picks[n_given:]
        spec: dict[str, Any] = {}
        if given:
            spec["given"] = given
            spec["table"] = _table(rng, len(given))
        else:
            spec["p"] = _p(rng)
        if kind != "event" and rest:
            r = rng.random()
            if r < 0.2:
                spec["requires"] = [rest[0]]
            elif r < 0.35:
                spec["excludes"] = [rest[0]]
        if kind == "event":
            events[name] = spec
        elif kind == "pillar":
            pillars[name] = {**spec, "clauses": {}}
        else:
            assert owner is not None
            pillars[owner]["clauses"][name] = spec
    return {
        "pactsim": 1,
        "id": f"binary-{n_nodes}",
        "title": f"Generated binary scenario, {n_nodes} nodes (seed {seed})",
        "as_of": dt.date(2025, 1, 1),
        "horizon": dt.date(2025, 12, 31),
        "events": events,
        "pillars": pillars,
    }


#: Five dated nodes (issue 10's benchmark): a dated event, signing with a hazard ratio on
#: it, two milestones after signing (a lognormal delay; a curve delay with a hazard
#: ratio) and entry into force 30 days after both.
DATED_5 = """\
pactsim: 2
id: dated-5
as_of: 2025-01-01
horizon: 2026-12-31
events:
  crisis:
    by: {2025-06-30: 0.3, 2026-12-31: 0.6}
  ratified_a: {after: signing, delay: {median: 120, p90: 300}}
  ratified_b: {after: signing, delay: {by: {60: 0.3, 365: 0.9}}, hazard_ratio: {crisis: 0.7}}
  in_force: {after: {all: [ratified_a, ratified_b]}, delay: 30}
signing:
  by: {2025-03-31: 0.3, 2025-12-31: 0.7, 2026-12-31: 0.85}
  hazard_ratio: {crisis: 1.5}
"""


def load_dated() -> pactsim.Scenario:
    """The five-dated-node scenario :data:`DATED_5`."""
    return pactsim.loads(DATED_5, name="<dated-5>")


def load_binary(n_nodes: int, *, seed: int = 0) -> pactsim.Scenario:
    """The validated scenario of :func:`binary_scenario`."""
    return from_dict(binary_scenario(n_nodes, seed=seed), name=f"<binary-{n_nodes}>")


@dataclass(frozen=True)
class BNNode:
    """One node as a plain CPT: ``p_true[r]`` is P(node | parents), parent ``j``
    true when bit ``j`` of ``r`` is set."""

    name: str
    parents: tuple[str, ...]
    p_true: np.ndarray[Any, np.dtype[np.float64]]


def bn_tables(scenario: pactsim.Scenario) -> list[BNNode]:
    """The compiled network as plain CPTs, in topological order.

    Gates (``requires``, ``excludes``, clause ← pillar) become extra parents:
    the node is false unless every required parent is true and every excluded
    one false. Only for scenarios without drivers, signing dates or drawn p.
    """
    model = compile_scenario(scenario)
    if model.drivers or model.signing_index >= 0:
        raise ValueError("bn_tables needs a binary-only scenario (no drivers, no signing)")
    out = []
    for plan in model.plans:
        if plan.beta is not None:
            raise ValueError(f"{plan.name}: drawn uncertain p has no plain CPT")
        parents = list(dict.fromkeys(plan.parents + plan.gates_true + plan.gates_false))
        k = len(parents)
        rows = np.arange(1 << k)
        bit = {par: (rows >> j) & 1 for j, par in enumerate(parents)}
        table_row = np.zeros(1 << k, dtype=np.int64)
        for j, par in enumerate(plan.parents):
            table_row |= bit[par] << j
        p = plan.p[table_row].astype(np.float64)
        for g in plan.gates_true:
            p = np.where(bit[g] == 1, p, 0.0)
        for g in plan.gates_false:
            p = np.where(bit[g] == 0, p, 0.0)
        out.append(BNNode(plan.name, tuple(model.names[x] for x in parents), p))
    return out
