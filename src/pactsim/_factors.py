"""Discrete factors, elimination orders and junction trees (private kernel of exact inference).

A :class:`Factor` is a non-negative table over discrete variables named by
integers. Its ``vars`` are strictly increasing and its ``table`` has one axis
per variable in that order, so two factors align by inserting length-1 axes,
never by transposing:

.. math:: (\\phi \\cdot \\psi)(x_{U}) = \\phi(x_{V}) \\, \\psi(x_{W}), \\qquad U = V \\cup W.

:func:`elimination_order` picks a greedy min-fill order (ties broken by the
size of the table the step would create, then by variable id) and reports the
clique each step creates; :func:`clique_entries` turns those into table sizes
so that callers can refuse a model *before* allocating anything.
:class:`JunctionTree` is the elimination tree of a full order, calibrated by
one upward (collect) and one downward (distribute) pass: every variable's
marginal then comes from its own clique without re-running elimination.

Pure numpy; no I/O, no pandas, no module state.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "Factor",
    "JunctionTree",
    "clique_entries",
    "elimination_order",
    "interaction_graph",
    "multiply",
    "project",
    "sum_out",
    "variable_elimination",
]

FloatArray = NDArray[np.float64]


class Factor(NamedTuple):
    """A table over variables ``vars`` (strictly increasing), one axis per variable."""

    vars: tuple[int, ...]
    table: FloatArray


_UNIT = Factor((), np.ones(()))


def _expand(f: Factor, union: Sequence[int], where: Mapping[int, int]) -> FloatArray:
    if f.vars == tuple(union):
        return f.table
    shape = [1] * len(union)
    for v, n in zip(f.vars, f.table.shape, strict=True):
        shape[where[v]] = n
    return f.table.reshape(shape)


def multiply(factors: Sequence[Factor]) -> Factor:
    """Pointwise product over the union of the factors' variables.

    An empty sequence gives the unit factor (no variables, value 1).
    """
    if not factors:
        return _UNIT
    if len(factors) == 1:
        return factors[0]
    union = sorted(set().union(*(f.vars for f in factors)))
    where = {v: i for i, v in enumerate(union)}
    out = _expand(factors[0], union, where)
    for f in factors[1:]:
        out = out * _expand(f, union, where)
    shape = tuple(max(a, 1) for a in out.shape)
    if out.shape != shape:  # pragma: no cover - every axis is covered by some factor
        out = np.broadcast_to(out, shape).copy()
    return Factor(tuple(union), out)


def sum_out(f: Factor, drop: Collection[int]) -> Factor:
    """Sum the variables ``drop`` out of ``f``: :math:`\\sum_{x_D} f(x)`."""
    axes = tuple(i for i, v in enumerate(f.vars) if v in drop)
    if not axes:
        return f
    keep = tuple(v for v in f.vars if v not in drop)
    return Factor(keep, np.asarray(f.table.sum(axis=axes), dtype=np.float64))


def project(f: Factor, keep: Collection[int]) -> Factor:
    """Marginal of ``f`` on ``keep ∩ f.vars`` (sums every other variable out)."""
    return sum_out(f, [v for v in f.vars if v not in keep])


def interaction_graph(scopes: Iterable[Sequence[int]],
                      variables: Iterable[int] = ()) -> dict[int, set[int]]:
    """Undirected graph joining every two variables that share a factor (the moral graph)."""
    adj: dict[int, set[int]] = {v: set() for v in variables}
    for scope in scopes:
        for v in scope:
            adj.setdefault(v, set()).update(u for u in scope if u != v)
    return adj


def _fill(adj: Mapping[int, set[int]], v: int) -> int:
    nb = adj[v]
    missing = 0
    for u in nb:
        missing += len(nb - adj[u]) - 1  # u itself is in nb but not in adj[u]
    return missing // 2


def elimination_order(adj: Mapping[int, set[int]], card: Mapping[int, int],
                      eliminate: Collection[int]) -> tuple[list[int], list[tuple[int, ...]]]:
    """Greedy min-fill order over the variables ``eliminate``.

    Parameters
    ----------
    adj:
        Interaction graph (not modified).
    card:
        Number of states of each variable.
    eliminate:
        Variables to eliminate; the others stay (they are kept for a query).

    Returns
    -------
    order, cliques
        ``cliques[i]`` is ``order[i]`` with its neighbours at the moment it is
        eliminated: the scope of the table that step multiplies together.

    Notes
    -----
    The fill of ``v`` is the number of missing edges among its neighbours.
    Eliminating ``x`` only changes the fill of its neighbours (recomputed) and
    of vertices adjacent to both ends of a new fill edge (decremented), so each
    step costs about (degree² + new edges × common neighbours).
    """
    g = {v: set(nb) for v, nb in adj.items()}
    todo = set(eliminate)

    def key(v: int) -> tuple[int, int, int]:
        size = card[v]
        for u in g[v]:
            size *= card[u]
        return (_fill(g, v), size, v)

    current = {v: key(v) for v in todo}
    heap = list(current.values())
    heapq.heapify(heap)
    order: list[int] = []
    cliques: list[tuple[int, ...]] = []
    while heap:
        k = heapq.heappop(heap)
        x = k[2]
        if x not in todo or current[x] != k:
            continue
        nb = g.pop(x)
        todo.discard(x)
        order.append(x)
        cliques.append((x, *sorted(nb)))
        nbl = sorted(nb)
        for i, a in enumerate(nbl):
            ga = g[a]
            ga.discard(x)
            for b in nbl[i + 1:]:
                if b in ga:
                    continue
                for c in ga & g[b]:
                    if c in todo and c not in nb:
                        f, s, _ = current[c]
                        current[c] = (f - 1, s, c)
                        heapq.heappush(heap, current[c])
                ga.add(b)
                g[b].add(a)
        for a in nbl:
            if a in todo:
                current[a] = key(a)
                heapq.heappush(heap, current[a])
    return order, cliques


def clique_entries(clique: Iterable[int], card: Mapping[int, int]) -> int:
    """Number of entries of a table over ``clique``."""
    return math.prod(card[v] for v in clique)


def variable_elimination(factors: Sequence[Factor], order: Sequence[int],
                         tick: Callable[[], None] | None = None) -> Factor:
    """Eliminate ``order`` from the product of ``factors``; return the product of what is left.

    .. math:: \\phi(x_Q) = \\sum_{x_{order}} \\prod_k f_k

    Each step multiplies only the factors that mention the variable (the bucket).
    """
    pool = list(factors)
    for x in order:
        bucket = [f for f in pool if x in f.vars]
        if not bucket:
            continue
        pool = [f for f in pool if x not in f.vars]
        pool.append(sum_out(multiply(bucket), (x,)))
        if tick is not None:
            tick()
    return multiply(pool)


class JunctionTree:
    """Elimination tree of a full order, calibrated for every single-variable marginal.

    Clique ``i`` is ``cliques[i]`` of :func:`elimination_order` (variable
    ``order[i]`` and its neighbours when eliminated); its parent is the clique
    of the first-eliminated variable among the neighbours. Each factor is
    assigned to the clique of its first-eliminated variable, which contains
    its whole scope.

    Calibration is Hugin-style on that tree: the upward pass computes
    :math:`\\psi_i = \\prod(\\text{local}_i) \\prod_{c} m_{c \\to i}` and
    :math:`m_{i \\to p} = \\sum_{x_i} \\psi_i`; the downward pass sets
    :math:`\\beta_i = \\psi_i \\, m_{p \\to i}` and
    :math:`m_{i \\to c} = (\\sum_{C_i \\setminus S_c} \\beta_i) / m_{c \\to i}`
    with :math:`0/0 = 0` (where :math:`m_{c \\to i} = 0` the child's table is
    zero too, so the value sent does not matter).
    """

    def __init__(self, factors: Sequence[Factor], order: Sequence[int],
                 cliques: Sequence[tuple[int, ...]],
                 tick: Callable[[], None] | None = None) -> None:
        pos = {v: i for i, v in enumerate(order)}
        n = len(order)
        parent = [-1] * n
        children: list[list[int]] = [[] for _ in range(n)]
        for i, c in enumerate(cliques):
            rest = [pos[u] for u in c[1:]]
            if rest:
                parent[i] = min(rest)
                children[parent[i]].append(i)
        local: list[list[Factor]] = [[] for _ in range(n)]
        for f in factors:
            if f.vars:
                local[min(pos[v] for v in f.vars)].append(f)
        up: list[Factor] = [_UNIT] * n
        msg_up: list[Factor] = [_UNIT] * n
        for i in range(n):
            psi = multiply(local[i] + [msg_up[c] for c in children[i]])
            up[i] = psi
            msg_up[i] = sum_out(psi, (order[i],))
            if tick is not None:
                tick()
        belief: list[Factor] = [_UNIT] * n
        for i in reversed(range(n)):
            if parent[i] < 0:
                belief[i] = up[i]
            for c in children[i]:
                m = msg_up[c]
                mu = project(belief[i], m.vars)
                down = np.divide(mu.table, m.table, out=np.zeros_like(mu.table),
                                 where=m.table != 0)
                belief[c] = multiply([up[c], Factor(m.vars, down)])
        self.order = list(order)
        self.position = pos
        self.beliefs = belief

    def marginal(self, v: int) -> FloatArray:
        """Normalised marginal of variable ``v`` (from its own clique)."""
        b = project(self.beliefs[self.position[v]], (v,))
        total = float(b.table.sum())
        return np.asarray(b.table / total if total > 0 else b.table, dtype=np.float64)

    def joint(self, query: Collection[int]) -> FloatArray | None:
        """Normalised joint of ``query`` if one clique holds it all, else ``None``.

        Axes follow the sorted variable ids.
        """
        qs = set(query)
        for b in self.beliefs:
            if qs <= set(b.vars):
                t = project(b, qs).table
                total = float(t.sum())
                return np.asarray(t / total if total > 0 else t, dtype=np.float64)
        return None
