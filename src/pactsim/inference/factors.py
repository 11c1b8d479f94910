"""The numerical kernel of exact inference (private): factors, orders, junction trees,
quadrature, and a compiled model as factors.

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

:func:`driver_rule` and :func:`beta_rule` are the quadrature rules that make
drivers discrete variables and integrate uncertain p; :class:`Network` turns
a :class:`~pactsim.inference.compile.CompiledModel` into one factor per variable and
:func:`calibrate` builds its junction tree, refusing tables above
``max_table`` with :class:`~pactsim.errors.ModelTooWideError`. The semantics
are stated in :mod:`pactsim.exact`.

Pure numpy and scipy; no I/O, no pandas, no module state (beyond caches of
quadrature rules); an optional progress bar is the caller's choice.
"""

from __future__ import annotations

import heapq
import itertools
import math
import sys
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray
from scipy import special

from pactsim.errors import ModelTooWideError
from pactsim.inference.compile import BinaryPlan, CompiledModel, DriverPlan

__all__ = [
    "Factor",
    "JunctionTree",
    "Network",
    "beta_rule",
    "calibrate",
    "clique_entries",
    "driver_rule",
    "elimination_order",
    "interaction_graph",
    "multiply",
    "project",
    "sum_out",
    "too_wide",
    "variable_elimination",
]

FloatArray = NDArray[np.float64]


class Factor(NamedTuple):
    """A table over variables ``vars`` (strictly increasing), one axis per variable."""

    vars: tuple[int, ...]
    table: FloatArray


_UNIT = Factor((), np.ones(()))


def _expand(f: Factor, union: tuple[int, ...]) -> FloatArray:
    if f.vars == union:
        return f.table
    fv, shape, j = f.vars, [], 0
    for v in union:
        if j < len(fv) and fv[j] == v:
            shape.append(f.table.shape[j])
            j += 1
        else:
            shape.append(1)
    return f.table.reshape(shape)


def multiply(factors: Sequence[Factor]) -> Factor:
    """Pointwise product over the union of the factors' variables.

    An empty sequence gives the unit factor (no variables, value 1).
    """
    if not factors:
        return _UNIT
    if len(factors) == 1:
        return factors[0]
    union = tuple(sorted(set().union(*(f.vars for f in factors))))
    out = _expand(factors[0], union)
    for f in factors[1:]:
        out = out * _expand(f, union)
    return Factor(union, out)


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
                         tick: Callable[[int], None] | None = None) -> Factor:
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
            tick(1)
    return multiply(pool)


class JunctionTree:
    """Elimination tree of a full order, calibrated for every single-variable marginal.

    Clique ``i`` is ``cliques[i]`` of :func:`elimination_order` (variable
    ``order[i]`` and its neighbours when eliminated); its parent is the clique
    of the first-eliminated variable among the neighbours, and a parent equal
    to its child's separator is merged into the child (only maximal cliques
    stay). Each factor is assigned to the clique of its first-eliminated
    variable, which contains its whole scope.

    Calibration is Hugin-style on that tree: the upward pass computes
    :math:`\\psi_i = \\prod(\\text{local}_i) \\prod_{c} m_{c \\to i}` and
    :math:`m_{i \\to p} = \\sum_{C_i \\setminus C_p} \\psi_i`; the downward pass sets
    :math:`\\beta_i = \\psi_i \\, m_{p \\to i}` and
    :math:`m_{i \\to c} = (\\sum_{C_i \\setminus S_c} \\beta_i) / m_{c \\to i}`
    with :math:`0/0 = 0` (where :math:`m_{c \\to i} = 0` the child's table is
    zero too, so the value sent does not matter).
    """

    def __init__(self, factors: Sequence[Factor], order: Sequence[int],
                 cliques: Sequence[tuple[int, ...]],
                 tick: Callable[[int], None] | None = None) -> None:
        pos = {v: i for i, v in enumerate(order)}
        n = len(order)
        first_parent = [min((pos[u] for u in c[1:]), default=-1) for c in cliques]
        # a parent clique equal to the child's separator is absorbed by the child
        alias = list(range(n))
        for i, clique in enumerate(cliques):
            p = first_parent[i]
            if p >= 0 and alias[p] == p and len(cliques[p]) == len(clique) - 1 \
                    and set(cliques[p]) == set(clique[1:]):
                alias[p] = i

        def find(j: int) -> int:
            while alias[j] != j:
                j = alias[j]
            return j

        home = [find(i) for i in range(n)]
        merged = Counter(home)
        kept = [i for i in range(n) if home[i] == i]
        parent: dict[int, int] = {}
        children: dict[int, list[int]] = {i: [] for i in kept}
        for i in kept:
            q = first_parent[i]
            while q >= 0 and home[q] == i:
                q = first_parent[q]
            parent[i] = home[q] if q >= 0 else -1
            if parent[i] >= 0:
                children[parent[i]].append(i)
        post: list[int] = []  # children before parents
        for root in (i for i in kept if parent[i] < 0):
            stack = [(root, False)]
            while stack:
                j, done = stack.pop()
                if done:
                    post.append(j)
                    continue
                stack.append((j, True))
                stack += [(k, False) for k in children[j]]
        local: dict[int, list[Factor]] = {i: [] for i in kept}
        for f in factors:
            if f.vars:
                local[home[min(pos[v] for v in f.vars)]].append(f)
        scope = {i: set(cliques[i]) for i in kept}
        up: dict[int, Factor] = {}
        msg_up: dict[int, Factor] = {}
        for i in post:
            psi = multiply(local[i] + [msg_up[c] for c in children[i]])
            up[i] = psi
            if parent[i] >= 0:
                msg_up[i] = project(psi, scope[parent[i]])
            if tick is not None:
                tick(merged[i])
        belief: dict[int, Factor] = {}
        for i in reversed(post):
            if parent[i] < 0:
                belief[i] = up[i]
            for c in children[i]:
                m = msg_up[c]
                mu = project(belief[i], m.vars)
                down = np.divide(mu.table, m.table, out=np.zeros_like(mu.table),
                                 where=m.table != 0)
                belief[c] = multiply([up[c], Factor(m.vars, down)])
        self.order = list(order)
        self.home = {v: home[pos[v]] for v in order}
        self.beliefs = belief

    def marginal(self, v: int) -> FloatArray:
        """Normalised marginal of variable ``v`` (from its own clique)."""
        b = project(self.beliefs[self.home[v]], (v,))
        total = float(b.table.sum())
        return np.asarray(b.table / total if total > 0 else b.table, dtype=np.float64)

    def joint(self, query: Collection[int]) -> FloatArray | None:
        """Normalised joint of ``query`` if one clique holds it all, else ``None``.

        Axes follow the sorted variable ids.
        """
        qs = set(query)
        for b in self.beliefs.values():
            if qs <= set(b.vars):
                t = project(b, qs).table
                total = float(t.sum())
                return np.asarray(t / total if total > 0 else t, dtype=np.float64)
        return None


_Rule = tuple[FloatArray, FloatArray]  # (values, weights)
_TRUE, _FALSE = np.array([0.0, 1.0]), np.array([1.0, 0.0])  # gate indicators
_TAIL = 10.0  # split normal drivers are integrated over mean ± 10 sd (tail mass 1.5e-23)


# -- quadrature rules ----------------------------------------------------------
def driver_rule(d: DriverPlan, n: int, cuts: Sequence[float] = ()) -> _Rule:
    """``n``-point quadrature ``(values, weights)`` for driver ``d``, split at ``cuts``.

    The same arguments give the same (cached) arrays, which callers must not modify.
    """
    return _cached_rule(d.dist, d.a, d.b, n, tuple(sorted(set(cuts))))


@lru_cache(maxsize=256)
def _cached_rule(dist: str, mean_or_low: float, sd_or_high: float, n: int,
                 cuts: tuple[float, ...]) -> _Rule:
    """Nodes and weights (summing to 1) of ``n``-point quadrature for a driver.

    Without ``cuts``: Gauss–Hermite (normal) or Gauss–Legendre (uniform). With
    ``cuts``: the range is split at the cuts (and a normal one, over mean ± 10
    sd, into pieces at most 4 sd wide); each piece gets ``n`` Gauss–Legendre
    nodes weighted by the density and rescaled to the piece's exact mass, so
    that a comparison with a cut is constant on every piece.
    """
    normal = dist == "normal"
    if not cuts:
        if normal:
            t, w = np.polynomial.hermite_e.hermegauss(n)
            return mean_or_low + sd_or_high * t, w / w.sum()
        t, w = np.polynomial.legendre.leggauss(n)
        return mean_or_low + (sd_or_high - mean_or_low) * (t + 1) / 2, w / 2
    if normal:  # work in standard units z
        z = sorted({(c - mean_or_low) / sd_or_high for c in cuts})
        edges = [-_TAIL, *(c for c in z if -_TAIL < c < _TAIL), _TAIL]
    else:
        edges = [mean_or_low, *(c for c in cuts if mean_or_low < c < sd_or_high), sd_or_high]
    pieces: list[float] = [edges[0]]
    for a, b in itertools.pairwise(edges):
        k = max(1, math.ceil((b - a) / 4.0)) if normal else 1
        pieces += [float(x) for x in np.linspace(a, b, k + 1)[1:]]
    t, w = np.polynomial.legendre.leggauss(n)
    values, weights = [], []
    for a, b in itertools.pairwise(pieces):
        x = a + (b - a) * (t + 1) / 2
        if normal:
            wx = w * np.exp(-0.5 * x * x)
            mass = float(special.ndtr(b) - special.ndtr(a))
        else:
            wx, mass = w, (b - a) / (sd_or_high - mean_or_low)
        values.append(mean_or_low + sd_or_high * x if normal else x)
        weights.append(wx / wx.sum() * mass)
    v, ws = np.concatenate(values), np.concatenate(weights)
    return v, ws / ws.sum()


@lru_cache(maxsize=256)
def beta_rule(a: float, b: float, n: int) -> _Rule:
    """Nodes in (0, 1) and weights of ``n``-point quadrature against Beta(a, b)."""
    if a + b <= 500:
        x, w = special.roots_jacobi(n, b - 1.0, a - 1.0)
        if np.all(np.isfinite(w)) and w.sum() > 0:
            return (1 + x) / 2, w / w.sum()
    from scipy import stats  # lazily: `import pactsim` stays light

    lo, hi = stats.beta.ppf([1e-16, 1 - 1e-16], a, b)
    t, w = np.polynomial.legendre.leggauss(n)
    p = lo + (hi - lo) * (t + 1) / 2
    w = w * stats.beta.pdf(p, a, b)
    return p, w / w.sum()


# -- the model as factors ------------------------------------------------------
def too_wide(entries: int, variables: Sequence[str], max_table: int,
              what: str) -> ModelTooWideError:
    """The error for a table of ``entries`` over ``variables`` above ``max_table``."""
    shown = ", ".join(variables[:12]) + (", …" if len(variables) > 12 else "")
    return ModelTooWideError(
        f"exact inference {what} needs a table of {entries:,} entries over {len(variables)} "
        f"variables ({shown}), above max_table={max_table:,}; use pactsim.simulate for this "
        "model or expression, simplify it, or raise max_table", width=len(variables))


class Network:
    """A compiled model as one factor per variable, with quadrature ``rules``.

    Binary node ``i`` is variable ``i`` (its table over itself, its table
    parents, gates and drivers); driver ``k`` is variable ``n_binary + k`` (its
    quadrature weights); ``signing`` has the prior ``[1 - c, c]``. Given a
    ``base`` network, factors that do not depend on a changed rule are shared.
    """

    def __init__(self, model: CompiledModel, rules: Sequence[_Rule], beta_points: int,
                 max_table: int, base: Network | None = None) -> None:
        self.model = model
        self.rules = list(rules)
        nb = model.n_binary
        self.card: dict[int, int] = dict.fromkeys(range(nb), 2)
        for k, r in enumerate(self.rules):
            self.card[nb + k] = len(r[0])
        self.parents: list[tuple[int, ...]] = [
            tuple(sorted({*p.parents, *p.gates_true, *p.gates_false,
                          *(nb + d for d in p.drivers)})) for p in model.plans
        ] + [()] * len(self.rules)
        self.beta_points = beta_points
        changed = set() if base is None else {
            k for k in range(len(self.rules)) if self.rules[k] is not base.rules[k]}
        self.factors: list[Factor] = []
        for plan in model.plans:
            if (base is not None and not changed & set(plan.drivers)
                    and (plan.beta_given is None or base.beta_points == beta_points)):
                self.factors.append(base.factors[plan.index])
            elif plan.kind == "signing":
                c = float(plan.p[0])
                self.factors.append(Factor((plan.index,), np.array([1.0 - c, c])))
            else:
                self.factors.append(self._node(plan, beta_points, max_table))
        for k, (_, w) in enumerate(self.rules):
            self.factors.append(Factor((nb + k,), w))

    def name(self, v: int) -> str:
        nb = self.model.n_binary
        return self.model.names[v] if v < nb else self.model.drivers[v - nb].name

    def _node(self, plan: BinaryPlan, beta_points: int, max_table: int) -> Factor:
        nb = self.model.n_binary
        union = sorted({plan.index, *self.parents[plan.index]})
        entries = clique_entries(union, self.card)
        if entries > max_table:  # before anything is folded or allocated
            k = len(plan.parents)
            raise too_wide(entries, [self.name(v) for v in union], max_table,
                            f"of the table of '{plan.name}', which has {k} parents "
                            f"({len(plan.given)} given, {len(plan.odds_parents)} binary odds)"
                            if plan.odds_parents else f"of the table of '{plan.name}'")
        k = len(plan.parents)
        axes = list(reversed(plan.parents))  # p.reshape((2,)*k) puts bit k-1 first
        table: FloatArray
        if plan.drivers or plan.beta_given is not None:
            dims = [len(self.rules[d][0]) for d in plan.drivers]
            s = plan.logodds.reshape((-1,) + (1,) * len(dims))
            for j, (d, lf) in enumerate(zip(plan.drivers, plan.driver_logf, strict=True)):
                shape = [1] * (1 + len(dims))
                shape[1 + j] = dims[j]
                s = s + float(lf) * self.rules[d][0].reshape(shape)
            s = np.broadcast_to(s, (1 << k, *dims))
            p0 = plan.p0.reshape((-1,) + (1,) * len(dims))
            p = np.array(special.expit(special.logit(p0) + s), dtype=np.float64)
            if plan.beta is not None:
                for r in np.flatnonzero(~np.isnan(plan.beta[:, 0])):
                    t, w = beta_rule(float(plan.beta[r, 0]), float(plan.beta[r, 1]),
                                      beta_points)
                    p[r] = special.expit(special.logit(t) + s[r][..., None]) @ w
            table = p.reshape((2,) * k + tuple(dims))
            axes += [nb + d for d in plan.drivers]
        else:
            table = plan.p.reshape((2,) * k)
        rest = [v for v in union if v != plan.index]
        where = {v: i for i, v in enumerate(rest)}
        perm = sorted(range(len(axes)), key=axes.__getitem__)
        shape = [1] * len(rest)
        for a in perm:
            shape[where[axes[a]]] = table.shape[a]
        q = table.transpose(perm).reshape(shape)
        for gates, gate in ((plan.gates_true, _TRUE), (plan.gates_false, _FALSE)):
            for g in gates:
                gshape = [1] * len(rest)
                gshape[where[g]] = 2
                q = q * gate.reshape(gshape)
        full = tuple(self.card[v] for v in rest)
        if q.shape != full:
            q = np.broadcast_to(q, full)
        return Factor(tuple(union), np.stack([1.0 - q, q], axis=union.index(plan.index)))

    def ancestors(self, query: Sequence[int]) -> list[int]:
        seen = set(query)
        stack = list(query)
        while stack:
            for u in self.parents[stack.pop()]:
                if u not in seen:
                    seen.add(u)
                    stack.append(u)
        return sorted(seen)


def _show_progress(progress: bool | None, work: int) -> bool:
    if progress is not None:
        return progress
    if work < 50_000_000 or "pytest" in sys.modules:
        return False
    return sys.stderr.isatty() or "ipykernel" in sys.modules


@dataclass
class _Bar:
    """A tqdm bar behind a plain callback, or nothing."""

    total: int
    desc: str
    show: bool

    def __post_init__(self) -> None:
        self._bar: Any = None
        if self.show:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=self.total, desc=self.desc, unit="table")

    def tick(self, steps: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(steps)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def calibrate(net: Network, max_table: int, progress: bool | None, desc: str,
               plan: tuple[list[int], list[tuple[int, ...]]] | None = None,
               ) -> tuple[JunctionTree, int, tuple[list[int], list[tuple[int, ...]]]]:
    """Calibrate a junction tree over the whole network (``plan``: a min-fill order to reuse)."""
    if plan is None:
        variables = list(net.card)
        adj = interaction_graph((f.vars for f in net.factors), variables)
        plan = elimination_order(adj, net.card, variables)
    order, cliques = plan
    sizes = [clique_entries(c, net.card) for c in cliques]
    biggest = max(sizes, default=1)
    if biggest > max_table:
        c = cliques[sizes.index(biggest)]
        raise too_wide(biggest, [net.name(v) for v in c], max_table, "of this model")
    bar = _Bar(len(order), desc, _show_progress(progress, sum(sizes)))
    try:
        return JunctionTree(net.factors, order, cliques, bar.tick), biggest, plan
    finally:
        bar.close()
