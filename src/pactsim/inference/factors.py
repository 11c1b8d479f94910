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

:func:`driver_rule` and :func:`beta_logistic_mean` are the quadrature that makes
drivers discrete variables and integrates uncertain p; :class:`Network` turns
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
import re
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
    "beta_logistic_mean",
    "calibrate",
    "clique_entries",
    "driver_rule",
    "elimination_order",
    "interaction_graph",
    "multiply",
    "project",
    "query_order",
    "sum_out",
    "too_wide",
    "unresolved",
    "variable_elimination",
]

FloatArray = NDArray[np.float64]


class Factor(NamedTuple):
    """A table over variables ``vars`` (strictly increasing), one axis per variable."""

    vars: tuple[int, ...]
    table: FloatArray


_UNIT = Factor((), np.ones(()))
#: ``np.einsum`` in its interleaved form (operand, labels, ..., output labels), typed loosely.
try:  # the C function behind np.einsum(..., optimize=False), without its Python wrapper
    from numpy._core.multiarray import c_einsum as _c_einsum

    _einsum: Callable[..., FloatArray] = _c_einsum
except ImportError:  # pragma: no cover - other numpy layouts
    _einsum = np.einsum


#: Operands one einsum call takes at most (numpy refuses more than 32); larger
#: products are taken in steps, each folded into the result so far.
_EINSUM_OPERANDS = 30
#: Letters of subscripts one einsum call takes at most: numpy writes the interleaved
#: form as one subscripts string and refuses it past about 255 characters ("subscripts
#: list is too long": 30 factors over 13 variables), each operand's letters and a comma
_EINSUM_LETTERS = 240
#: Distinct axis labels one einsum call takes (numpy's interleaved form: 0..51).
_EINSUM_LABELS = 52


def _product(args: Sequence[Any], out: Any) -> FloatArray:
    """``einsum(*args, out)`` for interleaved (operand, subscripts) ``args``, in steps of
    at most :data:`_EINSUM_OPERANDS` operands and :data:`_EINSUM_LETTERS` letters (a
    clique can hold hundreds of factors)."""
    pairs = [(args[k], args[k + 1]) for k in range(0, len(args), 2)]

    def letters(subs: Sequence[Any]) -> int:
        return sum(len(s) + 1 for s in subs) + len(out) + 2

    if len(pairs) <= _EINSUM_OPERANDS and letters([s for _, s in pairs]) <= _EINSUM_LETTERS:
        return _einsum(*args, out)
    # the first step starts from ones over the output: a step's operands need not hold
    # every output variable, and einsum refuses an output label no input has
    sizes: dict[Any, int] = {}
    for op, subs_k in pairs:
        sizes.update(zip(subs_k, np.shape(op), strict=True))
    acc: FloatArray = np.ones(tuple(sizes[v] for v in out))
    k = 0
    while k < len(pairs):
        flat: list[Any] = [acc, out]
        subs: list[Any] = [out]
        # each step takes one operand at least (so that it ends), more while they fit
        while k < len(pairs) and len(subs) < _EINSUM_OPERANDS and \
                (len(subs) == 1 or letters([*subs, pairs[k][1]]) <= _EINSUM_LETTERS):
            flat += [pairs[k][0], pairs[k][1]]
            subs.append(pairs[k][1])
            k += 1
        acc = _einsum(*flat, out)
    return acc


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


def _contract(bucket: Sequence[Factor], x: int) -> Factor:
    """``sum_out(multiply(bucket), (x,))`` without the product's table: one einsum
    contraction (the product is summed over ``x`` as it is formed), where one call can
    take the bucket; otherwise the product, then the sum."""
    union = sorted(set().union(*(f.vars for f in bucket)))
    by_matmul = _contract_matmul(bucket, x)
    if by_matmul is not None:
        return by_matmul
    letters = sum(len(f.vars) + 1 for f in bucket) + len(union) + 1
    # one call only: _product's steps would sum x out of each step on its own
    if len(bucket) == 1 or len(bucket) > _EINSUM_OPERANDS or len(union) > _EINSUM_LABELS \
            or letters > _EINSUM_LETTERS:
        return sum_out(multiply(bucket), (x,))
    label = {v: i for i, v in enumerate(union)}  # einsum takes labels 0..51 only
    args: list[Any] = []
    for f in bucket:
        args += [f.table, [label[v] for v in f.vars]]
    keep = tuple(v for v in union if v != x)
    return Factor(keep, np.asarray(_einsum(*args, [label[v] for v in keep]),
                                   dtype=np.float64))


#: A bucket whose largest table has at least this many entries may be summed by
#: :func:`_contract_matmul`.
_MATMUL_FROM = 1 << 16


def _contract_matmul(bucket: Sequence[Factor], x: int) -> Factor | None:
    r""":func:`_contract` by BLAS where it is a batch of vector-matrix products: a
    large table over ``x``, one variable ``r`` the rest of the bucket does not hold,
    and at most one more ``b``; the other factors over some of ``(x, b)``. Then

    .. math:: \phi(b, r) = \sum_x w(x, b)\, L(x, b, r), \quad w = \prod_{k} f_k

    is, for each ``b``, the row ``w(\cdot, b)`` times the matrix ``L(\cdot, b,
    \cdot)``: one ``matmul`` over views of ``L`` (no copy), about three times faster
    than ``einsum``'s loop on a day-by-day law (a driver's nodes times two dates).
    ``None`` where the bucket has another shape."""
    if len(bucket) < 2:
        return None
    big = max(bucket, key=lambda f: f.table.size)
    if big.table.size < _MATMUL_FROM or big.table.ndim > 3:
        return None
    rest = [f for f in bucket if f is not big]
    inner = set().union(*(f.vars for f in rest))
    if not inner <= set(big.vars):
        return None
    r_vars = [v for v in big.vars if v not in inner]
    b_vars = [v for v in big.vars if v in inner and v != x]
    if len(r_vars) != 1 or len(b_vars) > 1:
        return None
    w = multiply(rest)
    w_table = _expand(w, tuple(sorted({*w.vars, *b_vars})))  # every variable of (x, b)
    w_vars = tuple(sorted({*w.vars, *b_vars}))
    pos = {v: i for i, v in enumerate(big.vars)}
    if b_vars:
        (b,) = b_vars
        wb = np.broadcast_to(w_table, [big.table.shape[pos[v]] for v in w_vars])
        wb = wb if w_vars.index(b) == 0 else wb.T  # (b, x)
        mat = big.table.transpose(pos[b], pos[x], pos[r_vars[0]])  # (b, x, r): a view
        out = np.matmul(wb[:, None, :], mat)[:, 0, :]  # (b, r)
        keep: tuple[int, ...] = (b, r_vars[0])
    else:
        mat = big.table.transpose(pos[x], pos[r_vars[0]])  # (x, r)
        out = np.asarray(w_table, dtype=np.float64).reshape(-1) @ mat
        keep = (r_vars[0],)
    if list(keep) != sorted(keep):
        out = out.T
    return Factor(tuple(sorted(keep)), np.ascontiguousarray(out, dtype=np.float64))


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


def connected(scopes: Iterable[Sequence[int]]) -> Callable[[int], int]:
    """The connected parts of the graph in which each scope's variables are joined: a
    function giving each variable its part's representative (union-find, paths halved;
    a variable in no scope is a part of its own)."""
    root: dict[int, int] = {}

    def find(v: int) -> int:
        root.setdefault(v, v)
        while root[v] != v:
            root[v] = root[root[v]]
            v = root[v]
        return v

    for vars_ in scopes:
        for u in vars_[1:]:
            a, b = find(vars_[0]), find(u)
            if a != b:
                root[a] = b
    return find


def interaction_graph(scopes: Iterable[Sequence[int]],
                      variables: Iterable[int] = ()) -> dict[int, set[int]]:
    """Undirected graph joining every two variables that share a factor (the moral graph)."""
    adj: dict[int, set[int]] = {v: set() for v in variables}
    for scope in scopes:
        for v in scope:
            nb = adj.setdefault(v, set())
            nb.update(scope)  # every variable of the scope but v itself
            nb.discard(v)
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
    # the same graph as bit masks (bit u of mask[v]: u is a neighbour of v), to count fill
    mask: dict[int, int] = {}
    for v, nb in g.items():
        m = 0
        for u in nb:
            m |= 1 << u
        mask[v] = m
    todo = set(eliminate)

    def key(v: int) -> tuple[int, int, int]:
        # (fill, size, v): _fill and the table's entries in one pass over the neighbours
        nb = g[v]
        m = mask[v]
        size = card[v]
        missing = -len(nb)  # each u is in nb but not in its own neighbours
        for u in nb:
            size *= card[u]
            missing += (m & ~mask[u]).bit_count()
        return (missing // 2, size, v)

    current = {v: key(v) for v in todo}  # the key of every variable left to eliminate
    # a few variables: the smallest key by a scan; many: by a heap of keys (stale ones skipped)
    scan = len(current) <= _SCAN_LIMIT
    heap = [] if scan else list(current.values())
    heapq.heapify(heap)
    order: list[int] = []
    cliques: list[tuple[int, ...]] = []
    while current:
        if scan:
            k = min(current.values())
        else:
            k = heapq.heappop(heap)
            if current.get(k[2]) != k:
                continue
        x = k[2]
        del current[x]
        nb = g.pop(x)
        del mask[x]
        todo.discard(x)
        order.append(x)
        cliques.append((x, *sorted(nb)))
        nbl = sorted(nb)
        xbit = ~(1 << x)
        for i, a in enumerate(nbl):
            ga = g[a]
            ga.discard(x)
            mask[a] &= xbit
            for b in nbl[i + 1:]:
                if b in ga:
                    continue
                for c in ga & g[b]:
                    if c in todo and c not in nb:
                        f, s, _ = current[c]
                        current[c] = (f - 1, s, c)
                        if not scan:
                            heapq.heappush(heap, current[c])
                ga.add(b)
                g[b].add(a)
                mask[a] |= 1 << b
                mask[b] |= 1 << a
        for a in nbl:
            if a in todo:
                current[a] = key(a)
                if not scan:
                    heapq.heappush(heap, current[a])
    return order, cliques


#: Up to this many variables :func:`elimination_order` finds each step's variable by a scan.
_SCAN_LIMIT = 64


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
        pool.append(_contract(bucket, x))
        if tick is not None:
            tick(1)
    return multiply(pool)


class _TreeStructure(NamedTuple):
    """The shape of a :class:`JunctionTree`: which cliques stay, their tree, and
    which factors each holds (by index); no numbers."""

    post: tuple[int, ...]  # kept cliques, children before parents
    parent: dict[int, int]
    children: dict[int, list[int]]
    scope: dict[int, frozenset[int]]
    local: dict[int, list[int]]  # factor indices per kept clique
    merged: Counter[int]
    home: dict[int, int]  # variable -> kept clique holding it
    # the arithmetic, as einsum subscripts (axis labels 0, 1, ... of each clique's table)
    vars: dict[int, tuple[int, ...]]  # variables of clique i's table, increasing
    full_sub: dict[int, list[int]]  # [0, 1, ..., len(vars[i]) - 1]
    local_sub: dict[int, list[list[int]]]  # each local factor in clique i's labels
    child_sub: dict[int, list[list[int]]]  # each child's message in clique i's labels
    msg_sub: dict[int, list[int]]  # clique i's message to its parent, in i's labels
    marginal_axes: dict[int, tuple[int, ...]]  # axes summed out for a variable's marginal
    factor_home: tuple[int, ...]  # kept clique holding each factor (-1: empty scope)
    root_of: dict[int, int]  # kept clique -> the root of its tree (the model may be a forest)


@lru_cache(maxsize=32)
def _tree_structure(order: tuple[int, ...], cliques: tuple[tuple[int, ...], ...],
                    scopes: tuple[tuple[int, ...], ...]) -> _TreeStructure:
    """The structure of the junction tree of ``order`` (see :class:`JunctionTree`),
    cached: re-evaluating a model with new numbers only redoes the arithmetic."""
    pos = {v: i for i, v in enumerate(order)}
    n = len(order)
    at = pos.__getitem__
    first_parent = [min(map(at, c[1:]), default=-1) for c in cliques]
    # a parent clique equal to the child's separator is absorbed by the child
    alias = list(range(n))
    for i, clique in enumerate(cliques):
        p = first_parent[i]
        if p >= 0 and alias[p] == p and len(cliques[p]) == len(clique) - 1 \
                and set(cliques[p]) == set(clique[1:]):
            alias[p] = i

    home = list(range(n))
    for j in range(n):  # alias[j] < j: the clique j is merged into comes first
        if alias[j] != j:
            home[j] = home[alias[j]]
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
    local: dict[int, list[int]] = {i: [] for i in kept}
    factor_home = [-1] * len(scopes)
    for k, vars_ in enumerate(scopes):
        if vars_:
            factor_home[k] = home[min(map(at, vars_))]
            local[factor_home[k]].append(k)
    root_of: dict[int, int] = {}
    for i in reversed(post):  # parents before children
        root_of[i] = i if parent[i] < 0 else root_of[parent[i]]
    scope = {i: frozenset(cliques[i]) for i in kept}
    # the variables each table holds: a clique's table is over the union of its
    # factors and its children's messages; a message over that and the parent's scope
    tvars: dict[int, tuple[int, ...]] = {}
    mvars: dict[int, tuple[int, ...]] = {}
    for i in post:
        u: set[int] = set()
        for k in local[i]:
            u.update(scopes[k])
        for c in children[i]:
            u.update(mvars[c])
        tvars[i] = tuple(sorted(u))
        if parent[i] >= 0:
            mvars[i] = tuple(v for v in tvars[i] if v in scope[parent[i]])
    full_sub: dict[int, list[int]] = {}
    local_sub: dict[int, list[list[int]]] = {}
    child_sub: dict[int, list[list[int]]] = {}
    msg_sub: dict[int, list[int]] = {}
    lab: dict[int, dict[int, int]] = {}
    for i in post:
        tv = tvars[i]
        li = lab[i] = {v: j for j, v in enumerate(tv)}
        get = li.__getitem__
        full_sub[i] = list(range(len(tv)))
        local_sub[i] = [list(map(get, scopes[k])) for k in local[i]]
        child_sub[i] = [list(map(get, mvars[c])) for c in children[i]]
        if parent[i] >= 0:
            msg_sub[i] = list(map(get, mvars[i]))
    homes = {v: home[pos[v]] for v in order}
    marginal_axes: dict[int, tuple[int, ...]] = {}
    for v, h in homes.items():
        j, k = lab[h].get(v, -1), len(tvars[h])
        marginal_axes[v] = tuple(range(k)) if j < 0 else (*range(j), *range(j + 1, k))
    return _TreeStructure(tuple(post), parent, children, scope, local, merged, homes,
                          tvars, full_sub, local_sub, child_sub, msg_sub, marginal_axes,
                          tuple(factor_home), root_of)


@lru_cache(maxsize=32)
def _clique_sizes(cliques: tuple[tuple[int, ...], ...], cards: tuple[int, ...]) -> list[int]:
    """Entries of each clique's table (cached by structure; never modify the result)."""
    at = cards.__getitem__
    return [math.prod(map(at, c)) for c in cliques]


@lru_cache(maxsize=256)
def query_order(scopes: tuple[tuple[int, ...], ...], keep: tuple[int, ...],
                cards: tuple[int, ...], eliminate: tuple[int, ...]
                ) -> tuple[list[int], list[tuple[int, ...]]]:
    """:func:`elimination_order` of ``eliminate`` in the graph of factor ``scopes`` over
    the variables ``keep`` (``cards[i]`` states for ``keep[i]``), cached by that
    structure: exact inference asks the same joint laws of many models that differ
    only in their numbers (the result is shared: never modify it)."""
    adj = interaction_graph(scopes, keep)
    return elimination_order(adj, dict(zip(keep, cards, strict=True)), eliminate)


@lru_cache(maxsize=32)
def _min_fill_plan(scopes: tuple[tuple[int, ...], ...], cards: tuple[int, ...]
                   ) -> tuple[list[int], list[tuple[int, ...]]]:
    """:func:`elimination_order` of every variable of a network with factor
    ``scopes`` and cardinalities ``cards`` (variable ``v`` has ``cards[v]``),
    cached by that structure (the result is shared: never modify it)."""
    variables = list(range(len(cards)))
    adj = interaction_graph(scopes, variables)
    return elimination_order(adj, dict(enumerate(cards)), variables)


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

    Given a calibrated ``base`` tree of the same structure (the same order, cliques
    and factor scopes), only the cliques on the path from a changed factor (a table
    that is not the same array as in ``base``) to its root redo the upward pass, and
    only the trees of the forest holding a change redo the downward pass: after a
    change of one node's numbers, about half the arithmetic (issue 16 item 3).
    """

    beliefs: dict[int, Factor]  # calibrated table of each kept clique

    def __init__(self, factors: Sequence[Factor], order: Sequence[int],
                 cliques: Sequence[tuple[int, ...]],
                 tick: Callable[[int], None] | None = None,
                 base: JunctionTree | None = None) -> None:
        st = _tree_structure(tuple(order), tuple(cliques), tuple(f.vars for f in factors))
        tables = [f.table for f in factors]
        up: dict[int, FloatArray] = {}
        msg_up: dict[int, FloatArray] = {}
        # with a ``base`` tree of the same structure, a clique none of whose subtree's
        # tables changed (the same arrays) keeps base's upward table and message, and
        # a tree of the forest with no change at all keeps its beliefs: the same
        # arithmetic on the same arrays, so the same numbers
        state = None if base is None else base._state
        dirty: set[int] = set()
        dirty_roots: set[int] = set()
        if state is not None and state[0] is st:
            _, base_tables, base_up, base_msg = state
            for k, (a, b) in enumerate(zip(tables, base_tables, strict=True)):
                c = st.factor_home[k]
                if a is not b:
                    while c >= 0 and c not in dirty:  # the clique and its ancestors
                        dirty.add(c)
                        c = st.parent[c]
            dirty_roots = {st.root_of[c] for c in dirty}
        else:
            state = None
            base_up = base_msg = {}
        local, local_sub, children, child_sub = st.local, st.local_sub, st.children, st.child_sub
        parent, full_sub, msg_sub, einsum = st.parent, st.full_sub, st.msg_sub, _einsum
        for i in st.post:
            if state is not None and i not in dirty:
                up[i] = base_up[i]
                if parent[i] >= 0:
                    msg_up[i] = base_msg[i]
            else:
                args: list[Any] = []
                for k, sub in zip(local[i], local_sub[i], strict=True):
                    args += (tables[k], sub)
                for c, sub in zip(children[i], child_sub[i], strict=True):
                    args += (msg_up[c], sub)
                psi = _product(args, full_sub[i]) if args else np.ones(())
                up[i] = psi
                if parent[i] >= 0:
                    msg_up[i] = einsum(psi, full_sub[i], msg_sub[i])
            if tick is not None:
                tick(st.merged[i])
        belief: dict[int, FloatArray] = {}
        root_of = st.root_of
        for i in reversed(st.post):
            if state is not None and root_of[i] not in dirty_roots:
                assert base is not None
                belief[i] = base.beliefs[i].table
                continue
            if parent[i] < 0:
                belief[i] = up[i]
            for c, sub in zip(children[i], child_sub[i], strict=True):
                m = msg_up[c]
                mu = einsum(belief[i], full_sub[i], sub)
                # no zero in m (the usual case): the same quotients without the mask
                down = mu / m if m.all() else np.divide(mu, m, out=np.zeros_like(mu),
                                                        where=m != 0)
                belief[c] = einsum(up[c], full_sub[c], down, msg_sub[c], full_sub[c])
        self.order = list(order)
        self.home = st.home
        self._axes = st.marginal_axes
        self.beliefs = {i: Factor(st.vars[i], t) for i, t in belief.items()}
        #: what a later tree of the same structure reuses (:meth:`release` drops it)
        self._state: tuple[_TreeStructure, list[FloatArray], dict[int, FloatArray],
                           dict[int, FloatArray]] | None = (st, tables, up, msg_up)

    def release(self) -> None:
        """Drop the upward tables kept for a later tree to reuse (their memory)."""
        self._state = None

    def marginal(self, v: int) -> FloatArray:
        """Normalised marginal of variable ``v`` (from its own clique)."""
        b = self.beliefs[self.home[v]]
        t = b.table
        axes = self._axes[v]
        if axes and len(axes) == t.ndim - 1:  # one einsum call sums the other axes out
            t = _einsum(t, list(range(t.ndim)), [b.vars.index(v)])
        elif axes:
            t = t.sum(axis=axes)
        total = float(t.sum())
        return np.asarray(t / total if total > 0 else t, dtype=np.float64)

    def p_true(self, variables: Iterable[int]) -> FloatArray:
        """``marginal(v)[1]`` of each binary variable ``v`` of ``variables``, as one array
        (the same quotients, without an array per variable)."""
        beliefs, home, axes_of, einsum = self.beliefs, self.home, self._axes, _einsum
        out = []
        for v in variables:
            b = beliefs[home[v]]
            t = b.table
            axes = axes_of[v]
            if axes and len(axes) == t.ndim - 1:
                t = einsum(t, list(range(t.ndim)), [b.vars.index(v)])
            elif axes:
                t = t.sum(axis=axes)
            no, yes = t.tolist()
            total = no + yes  # what t.sum() gives for two entries
            out.append(yes / total if total > 0 else yes)
        return np.array(out, dtype=np.float64)

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
_GRADES = 5  # pieces double away from a knot 4 times: pi 2**4 / L > 36 / L, flat to e**-36
_WIDEST = {"normal": 4.0, "uniform": 2.0}  # widest piece, in standard units
_BLIND_PIECES = 64  # at most this many pieces refine a driver for nodes whose knots move


# -- quadrature rules ----------------------------------------------------------
def driver_rule(d: DriverPlan, n: int, cuts: Sequence[float] = ()) -> _Rule:
    """Quadrature ``(values, weights)`` for driver ``d`` (``n`` points per piece), cut at ``cuts``
    and at the numbers conditions compare it with (``d.cuts``).

    The same arguments give the same (cached) arrays, which callers must not modify.
    Knots no steeper than a plain rule integrates (:func:`_smooth_limit`) do not
    shape the rule and are left out of its cache key, so variants of a scenario
    whose gentle knots moved share the rule (and the factors built on it).
    """
    _, scale = _standard(d.dist, d.a, d.b)
    limit = _smooth_limit(d.dist, n)
    with np.errstate(over="ignore"):
        knots = tuple(k for k in d.knots if float(np.float64(k[1]) * scale) > limit)
    return _cached_rule(d.dist, d.a, d.b, n, tuple(sorted({*cuts, *d.cuts})), knots, d.blind)


def unresolved(d: DriverPlan) -> bool:
    """Whether some node's logistic in ``d`` is steeper than its rule's pieces resolve.

    Only a ``blind`` slope (a node with several drivers) can be: above
    ``pi * 64 / 12`` per sd (normal) or ``pi * 32`` per half-range (uniform)
    the pieces stop shrinking, and the rule converges algebraically, not
    geometrically, as its points double.
    """
    _, scale = _standard(d.dist, d.a, d.b)
    with np.errstate(over="ignore"):
        tblind = float(np.float64(d.blind) * scale)
    core = 12.0 if d.dist == "normal" else 2.0
    return tblind > math.pi * _BLIND_PIECES / core


def _standard(dist: str, a: float, b: float) -> tuple[float, float]:
    """``(loc, scale)`` with value = loc + scale * t: t ~ N(0, 1), or t ~ U(-1, 1).

    For a uniform driver ``loc`` and ``scale`` are formed without ``b - a``, which
    overflows for bounds near ±1.8e308.
    """
    return (a, b) if dist == "normal" else (a / 2 + b / 2, b / 2 - a / 2)


def _values(loc: float, scale: float, t: FloatArray) -> FloatArray:
    """Driver values ``loc + scale * t``; beyond the float range they are ±inf (the
    logistic of ±inf is still exact)."""
    with np.errstate(over="ignore"):
        return np.asarray(loc + scale * t, dtype=np.float64)


def _smooth_limit(dist: str, n: int) -> float:
    """Largest slope (log odds per standard unit) a plain ``n``-point Gauss rule integrates
    to about 1e-14, whatever the offset: Gauss–Hermite error behaves like
    ``exp(-5.3 sqrt(n) / L)``, Gauss–Legendre like ``rho**(-2n)`` with ``rho`` set by
    the logistic's poles at distance ``pi / L``."""
    if dist == "normal":
        return 0.17 * math.sqrt(n)
    return math.pi / math.sinh(17.3 / n)


def _piece_points(n: int) -> int:
    """Gauss–Legendre points per piece of a composite rule built for ``n`` points."""
    return max(1, (n + 1) // 2)


@lru_cache(maxsize=256)
def _cached_rule(dist: str, mean_or_low: float, sd_or_high: float, n: int,
                 cuts: tuple[float, ...], knots: tuple[tuple[float, float], ...],
                 blind: float) -> _Rule:
    """Nodes and weights (summing to 1) of quadrature for a driver.

    In standard units t (value = loc + scale * t; t normal, or uniform on [-1, 1]):

    * Without ``cuts`` and with every slope (log odds per unit of t) at most
      :func:`_smooth_limit`: plain ``n``-point Gauss–Hermite (normal) or
      Gauss–Legendre (uniform).
    * Otherwise a composite rule over [-10, 10] (normal) or [-1, 1]: the range
      is cut at ``cuts`` (so that a comparison with a cut is constant on every
      piece); around each knot ``c`` with slope ``L`` at ``c`` and
      ``c ± 2**j pi / L`` for ``j < 5`` (the logistic's poles lie ``pi / L`` off
      the axis above ``c``, so every piece is at most as wide as its distance
      to them, and beyond ``16 pi / L`` the logistic is flat to e**-36); knots
      closer than half that distance are merged; for ``blind`` slopes the centre
      (±6 sd) is cut into pieces of width ``pi / blind`` (at most 64 of them);
      and no piece is wider than 4 sd (normal) or the whole range (uniform).
      Each piece gets ``ceil(n / 2)`` Gauss–Legendre nodes weighted by the
      density and rescaled to the piece's exact mass.
    """
    loc, scale = _standard(dist, mean_or_low, sd_or_high)
    normal = dist == "normal"
    with np.errstate(over="ignore"):
        tknots = [((c - loc) / scale, float(np.float64(sl) * scale)) for c, sl in knots]
        tblind = float(np.float64(blind) * scale)
    limit = _smooth_limit(dist, n)
    steep = max([sl for _, sl in tknots] + [tblind]) > limit
    if not cuts and not steep:
        if normal:
            with np.errstate(all="ignore"):
                t, w = np.polynomial.hermite_e.hermegauss(n)
            if not np.all(np.isfinite(w)):  # numpy's weights overflow past ~300 points
                t, w = special.roots_hermitenorm(n)
            return _values(loc, scale, t), w / w.sum()
        t, w = np.polynomial.legendre.leggauss(n)
        return _values(loc, scale, t), w / 2
    lo, hi = (-_TAIL, _TAIL) if normal else (-1.0, 1.0)
    widest = _WIDEST[dist]
    edges = {lo, hi}
    edges.update(x for x in ((c - loc) / scale for c in cuts) if lo < x < hi)
    kept: list[tuple[float, float]] = []  # knots closer than half a pole distance merge
    for c, sl in sorted(k for k in tknots if k[1] > limit and math.isfinite(k[0])):
        if kept and c - kept[-1][0] < math.pi / (2 * max(sl, kept[-1][1])):
            kept[-1] = (kept[-1][0], max(sl, kept[-1][1]))
        else:
            kept.append((c, sl))
    for c, sl in kept:
        # the logistic's poles are pi / sl off the axis above c: pieces pi / sl wide
        # there, doubling away from c until it is flat (to e**-36 at 36 / sl)
        width = math.pi / sl if math.isfinite(sl) else 0.0
        steps = [width * 2**j for j in range(_GRADES) if width * 2**j <= widest]
        edges.update(x for x in (c, *(c + sg * r for r in steps for sg in (-1.0, 1.0)))
                     if lo < x < hi)
    if tblind > limit:  # the centre of the range, where the mass is, in pieces of pi/blind
        core = (-6.0, 6.0) if normal else (lo, hi)
        fine = max(math.pi / tblind, (core[1] - core[0]) / _BLIND_PIECES)
        edges.update(float(x) for x in np.arange(core[0], core[1], fine)[1:] if lo < x < hi)
    ordered = sorted(edges)
    pieces: list[float] = [ordered[0]]
    for a, b in itertools.pairwise(ordered):
        k = max(1, math.ceil((b - a) / widest))
        pieces += [float(x) for x in np.linspace(a, b, k + 1)[1:]]
    pieces[-1] = ordered[-1]
    t, w = np.polynomial.legendre.leggauss(_piece_points(n))
    values, weights = [], []
    for a, b in itertools.pairwise(pieces):
        x = a + (b - a) * (t + 1) / 2
        if normal:
            wx = w * np.exp(-0.5 * x * x)
            # the mass of [a, b], from the tail nearer to it (no cancellation)
            mass = float(special.ndtr(b) - special.ndtr(a)) if a + b < 0 \
                else float(special.ndtr(-a) - special.ndtr(-b))
        else:
            wx, mass = w, (b - a) / 2
        total = float(wx.sum())
        if total <= 0.0 or mass <= 0.0:
            continue
        values.append(_values(loc, scale, x))
        weights.append(wx / total * mass)
    v, ws = np.concatenate(values), np.concatenate(weights)
    return v, ws / ws.sum()


# -- uncertain p with odds: E[sigma(logit T + s)] for T ~ Beta(a, b) --------------
def beta_logistic_mean(a: float, b: float, s: FloatArray, n: int) -> FloatArray:
    """``E[sigma(logit T + s)]`` for ``T ~ Beta(a, b)``, elementwise over ``s`` (any shape).

    With :math:`Y = \\operatorname{logit} T` (log density
    :math:`-a \\log(1 + e^{-y}) - b \\log(1 + e^{y})`, concave) this is
    :math:`E[\\sigma(Y + s)] = P(L \\le Y + s) = E_L[S_Y(L - s)]` for a standard
    logistic :math:`L` independent of :math:`Y`, :math:`S_Y` the survival
    function of :math:`Y`. Both integrands are smooth on the scale of 1 in
    their variable; the one over the narrower law is used:

    * ``min(a, b) >= 1/2``: composite Gauss–Legendre over :math:`Y` in log space
      (:func:`_logit_beta_rule`), pieces no wider than 1 or Y's own scale; for
      ``min(a, b) >= 1e8``, where Y's sd is below 1.5e-4 and its log density
      cannot be evaluated without cancellation, Gauss–Hermite on the normal law
      with Y's exact mean :math:`\\psi(a) - \\psi(b)` and variance
      :math:`\\psi_1(a) + \\psi_1(b)` (error of order skewness × sd³ < 1e-15);
    * otherwise (Y's tails decay like :math:`e^{-\\min(a,b)|y|}`, far wider than
      the logistic): composite Gauss–Legendre over :math:`L`
      (:func:`_logistic_rule`) with :math:`S_Y` from the regularised
      incomplete Beta function, in log space where it underflows.

    ``n`` sets the points: ``ceil(n / 8)`` per piece (``exact`` passes four
    times its ``quad_points``, so ``n`` and ``2 n`` compare like the driver
    rules). Everything is in log or logit space: any
    a, b > 0 and any ``s`` (±inf included) give a value in [0, 1].
    """
    s = np.asarray(s, dtype=np.float64)
    m = max(1, -(-n // 8))
    if min(a, b) >= 0.5:
        rule = _logit_beta_rule if min(a, b) < _NORMAL_BETA else _logit_normal_rule
        y, w = rule(a, b, m)

        def g(x: FloatArray) -> FloatArray:
            return _in_blocks(x, y, w, lambda v, nodes: special.expit(v[:, None] + nodes))

        # saturated beyond: |sigma(y + s) - 0 or 1| < e**-40 at every node
        return _interpolated(g, s, (-float(y.max()) - 40.0, -float(y.min()) + 40.0))
    lv, lw = _logistic_rule(m)

    def g_wide(x: FloatArray) -> FloatArray:
        return _in_blocks(x, lv, lw, lambda v, nodes: _logit_beta_sf(a, b, nodes - v[:, None]))

    return _interpolated(g_wide, s, (-math.inf, math.inf))


#: Chebyshev points per unit piece of :func:`_interpolated`.
_CHEB = 16
_CHEB_T = np.cos(np.pi * (2 * np.arange(_CHEB) + 1) / (2 * _CHEB))  # first kind, on [-1, 1]
_CHEB_W = (-1.0) ** np.arange(_CHEB) * np.sin(np.pi * (2 * np.arange(_CHEB) + 1) / (2 * _CHEB))


def _interpolated(g: Callable[[FloatArray], FloatArray], s: FloatArray,
                  live: tuple[float, float]) -> FloatArray:
    """``g(s)`` for a smooth monotone ``g`` from 0 to 1 (a CDF in ``s``), cheaply.

    ``g(s) = E[sigma(Y + s)]`` is analytic in the strip ``|Im s| < pi`` (the
    logistic's poles), so on unit pieces a 16-point Chebyshev interpolant is
    exact to about 1e-18 (Bernstein ellipse parameter 12.6). When ``s`` has
    more values than the pieces covering its range inside ``live`` have
    points, ``g`` is computed at those points and interpolated (barycentric
    form); outside ``live`` it is 0 below and 1 above; ±inf give 0 and 1.
    Otherwise ``g`` is computed at every value.
    """
    flat = s.reshape(-1)
    out = np.empty(flat.shape)
    finite = np.isfinite(flat)
    out[~finite] = np.where(flat[~finite] > 0, 1.0, 0.0)
    out[np.isnan(flat)] = np.nan
    x = flat[finite]
    if x.size == 0:
        return out.reshape(s.shape)
    lo, hi = max(float(x.min()), live[0]), min(float(x.max()), live[1])
    pieces = max(0, math.ceil(hi - lo)) + 1 if hi >= lo else 0
    if pieces * _CHEB * 4 >= x.size:  # few values: compute them all
        out[finite] = g(x)
        return out.reshape(s.shape)
    start = math.floor(lo)
    grid = (start + np.arange(pieces)[:, None] + (_CHEB_T[None, :] + 1.0) / 2).reshape(-1)
    at = g(grid).reshape(pieces, _CHEB)
    res = np.where(x < live[0], 0.0, 1.0)
    inside = (x >= live[0]) & (x <= live[1])
    xs = x[inside]
    vals = np.empty(xs.shape)
    step = max(1, _BLOCK_ENTRIES // _CHEB)
    for i in range(0, xs.size, step):
        xb = xs[i:i + step]
        j = np.clip(np.floor(xb - start).astype(np.int64), 0, pieces - 1)
        t = 2.0 * (xb - start - j) - 1.0
        d = t[:, None] - _CHEB_T[None, :]
        hit = d == 0.0
        d[hit] = 1.0
        c = _CHEB_W / d
        v = (c * at[j]).sum(axis=1) / c.sum(axis=1)
        rows, cols = np.nonzero(hit)
        v[rows] = at[j[rows], cols]
        vals[i:i + step] = v
    res[inside] = vals
    out[finite] = res
    return out.reshape(s.shape)


#: Entries of the (values of s) × (quadrature nodes) block evaluated at a time.
_BLOCK_ENTRIES = 1 << 20


def _in_blocks(s: FloatArray, nodes: FloatArray, weights: FloatArray,
               f: Callable[[FloatArray, FloatArray], Any]) -> FloatArray:
    """``f(s, nodes) @ weights`` over the flattened ``s``, a block of rows at a time,
    so that memory is bounded by the output, not by output × nodes."""
    flat = s.reshape(-1)
    out = np.empty(flat.shape)
    step = max(1, _BLOCK_ENTRIES // max(1, len(nodes)))
    with np.errstate(invalid="ignore"):
        for i in range(0, flat.size, step):
            out[i:i + step] = np.asarray(f(flat[i:i + step], nodes)) @ weights
    return out.reshape(s.shape)


#: Both Beta parameters at least this: logit(T) is normal to within 1e-15 in E[sigma(Y + s)].
_NORMAL_BETA = 1e8


@lru_cache(maxsize=256)
def _logit_normal_rule(a: float, b: float, m: int) -> _Rule:
    """Gauss–Hermite rule for logit(T), T ~ Beta(a, b), as a normal law with its exact
    mean and variance (for ``min(a, b) >= 1e8``)."""
    mean = float(special.digamma(a) - special.digamma(b))
    sd = math.sqrt(float(special.polygamma(1, a) + special.polygamma(1, b)))
    t, w = np.polynomial.hermite_e.hermegauss(max(m, 2))
    return mean + sd * t, w / w.sum()


def _logit_beta_logpdf(a: float, b: float, y: FloatArray) -> FloatArray:
    """Log density of logit(T), T ~ Beta(a, b), up to a constant (never overflows)."""
    with np.errstate(over="ignore", invalid="ignore"):
        out = -a * np.logaddexp(0.0, -y) - b * np.logaddexp(0.0, y)
    return np.asarray(np.nan_to_num(out, nan=-np.inf), dtype=np.float64)


@lru_cache(maxsize=256)
def _logit_beta_rule(a: float, b: float, m: int) -> _Rule:
    """Composite Gauss–Legendre rule against the law of logit(T), T ~ Beta(a, b), a, b >= 1/2.

    Over the interval where the log density is within 40 of its peak (the mass
    outside is below 1e-16 for tails decaying at rate >= 1/2), in pieces no
    wider than ``h = min(2, 2 sd)`` where the density is within 20 of its peak
    and ``3 h`` beyond: the logistic's poles lie pi off the axis and the
    density's scale is sd, so 12 points per piece give about 1e-14.
    """
    mode = math.log(a) - math.log(b)
    sd = math.sqrt(1.0 / a + 1.0 / b)
    top = float(_logit_beta_logpdf(a, b, np.array([mode]))[0])
    logaddexp = np.logaddexp

    def logpdf(y: float) -> float:
        """:func:`_logit_beta_logpdf` at one point (the same float operations, no array)."""
        v = float(-a * logaddexp(0.0, -y) - b * logaddexp(0.0, y))
        return -math.inf if v != v else v

    def reach(drop: float, sign: float) -> float:
        """The point on side ``sign`` where the log density is ``drop`` below its peak."""
        step = sd
        while top - logpdf(mode + sign * step) < drop:
            step *= 2.0  # tails decay at rate >= 1/2: a drop of 40 within 80 + a few sd
            if step > 1e4 * (1.0 + sd):  # pragma: no cover - cannot happen for a, b >= 1/2
                raise ArithmeticError(f"cannot bound the law of logit Beta({a}, {b})")
        lo, hi = 0.0, step
        for _ in range(80):
            mid = (lo + hi) / 2
            if top - logpdf(mode + sign * mid) < drop:
                lo = mid
            else:
                hi = mid
        return mode + sign * hi

    with np.errstate(over="ignore", invalid="ignore"):
        outer = (reach(40.0, -1.0), reach(40.0, 1.0))
        inner = (reach(20.0, -1.0), reach(20.0, 1.0))
    h = min(2.0, 2.0 * sd)

    def cut(lo: float, hi: float, width: float) -> list[float]:
        k = min(max(1, math.ceil((hi - lo) / width)), 1000)  # at most ~300 in fact
        return [float(x) for x in np.linspace(lo, hi, k + 1)]

    edges = sorted({*cut(outer[0], inner[0], 3 * h), *cut(*inner, h),
                    *cut(inner[1], outer[1], 3 * h)})
    t, w = np.polynomial.legendre.leggauss(m)
    values, weights = [], []
    for lo, hi in itertools.pairwise(edges):
        if hi <= lo:
            continue
        x = lo + (hi - lo) * (t + 1) / 2
        values.append(x)
        weights.append(w * (hi - lo) / 2 * np.exp(_logit_beta_logpdf(a, b, x) - top))
    v, ws = np.concatenate(values), np.concatenate(weights)
    return v, ws / ws.sum()


@lru_cache(maxsize=16)
def _logistic_rule(m: int) -> _Rule:
    """Composite Gauss–Legendre rule against the standard logistic law on [-40, 40]
    (tail mass 4e-18): pieces 2 wide on [-10, 10], then 4, 6, 8, 12 wide."""
    right = [0, 2, 4, 6, 8, 10, 14, 20, 28, 40]
    edges = sorted({-float(x) for x in right} | {float(x) for x in right})
    t, w = np.polynomial.legendre.leggauss(m)
    values, weights = [], []
    for lo, hi in itertools.pairwise(edges):
        x = lo + (hi - lo) * (t + 1) / 2
        dens = np.exp(-np.abs(x)) / (1.0 + np.exp(-np.abs(x))) ** 2
        wx = w * dens
        mass = float(special.expit(hi) - special.expit(lo)) if hi <= 0 \
            else float(special.expit(-lo) - special.expit(-hi))
        values.append(x)
        weights.append(wx / wx.sum() * mass)
    v, ws = np.concatenate(values), np.concatenate(weights)
    return v, ws / ws.sum()


def _logit_beta_sf(a: float, b: float, y: FloatArray) -> FloatArray:
    """``P(logit T >= y)`` for T ~ Beta(a, b), accurate in both tails, for any a, b > 0.

    ``P(T >= sigma(y)) = I_{sigma(-y)}(b, a)``; for y < 0 it is computed as
    ``1 - I_{sigma(y)}(a, b)``, so the incomplete Beta function is only ever
    called at ``x <= 1/2`` (:func:`_inc_beta_small`).
    """
    y = np.asarray(y, dtype=np.float64)
    pos = y >= 0
    out = np.empty_like(y)
    out[pos] = _inc_beta_small(b, a, y[pos])
    out[~pos] = 1.0 - _inc_beta_small(a, b, -y[~pos])
    return out


def _inc_beta_small(p: float, q: float, y: FloatArray) -> FloatArray:
    """``I_x(p, q)`` at ``x = sigma(-y)`` for ``y >= 0`` (so ``x <= 1/2``), in log space.

    scipy's ``betainc`` where ``x`` is a normal float; below 1e-290, or where
    it fails, the leading term of the series :math:`x^p / (p B(p, q))` (relative
    error :math:`O((p + q) x)`), or for ``q > 1e20`` the Gamma limit
    :math:`P(p, q x)` (relative error :math:`O(p / \\sqrt{q})`).
    """
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        x = special.expit(-y)
        logx = special.log_expit(-y)
        if q > 1e20:
            return np.asarray(special.gammainc(p, np.exp(logx + math.log(q))),
                              dtype=np.float64)
        out = special.betainc(p, q, x)
        bad = ~np.isfinite(out) | (x < 1e-290)
        if bad.any():
            lead = p * logx[bad] - math.log(p) - float(special.betaln(p, q))
            out[bad] = np.exp(np.minimum(lead, 0.0))
    return np.asarray(np.clip(out, 0.0, 1.0), dtype=np.float64)


# -- the model as factors ------------------------------------------------------
def too_wide(entries: int, variables: Sequence[str], max_table: int,
              what: str) -> ModelTooWideError:
    """The error for a table of ``entries`` over ``variables`` above ``max_table``."""
    shown = ", ".join(variables[:12]) + (", …" if len(variables) > 12 else "")
    days = sum(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*\.date", v) is not None for v in variables)
    why = "" if days < 2 else (f" (each of the {days} dates has a state per day from as_of "
                               "to the horizon; a nearer horizon also helps)")
    return ModelTooWideError(
        f"exact inference {what} needs a table of {entries:,} entries over {len(variables)} "
        f"variables ({shown}), above max_table={max_table:,}{why}; use pactsim.simulate for "
        f"this model or expression, simplify it, or raise max_table{_cost(entries)}",
        width=len(variables))


def _cost(entries: int, in_all: int | None = None) -> str:
    """What raising ``max_table`` to ``entries`` costs, said after the advice to; with
    ``in_all``, the entries of every table together (the limit on all of them)."""
    size = (entries if in_all is None else in_all) * 8
    shown = (f"{size / 2**30:.1f} GiB" if size >= 2**30 else f"{size / 2**20:.0f} MiB"
             if size >= 2**20 else "")
    what = "that table alone" if in_all is None else "the tables in all"
    return (f" (to {entries:,} or more: {shown} for {what}, and the time grows "
            "with it)") if shown else ""


#: The tables of one network together (its factors, and its junction tree's cliques)
#: hold at most this many times ``max_table`` entries: each table within ``max_table``
#: is not enough when a model has dozens of them over two dates each.
TOTAL_TABLES = 4


def too_wide_in_all(entries: int, what: str, max_table: int, width: int) -> ModelTooWideError:
    """The error for tables of ``entries`` in all, above ``TOTAL_TABLES * max_table``
    (``width``: the variables of the network)."""
    return ModelTooWideError(
        f"exact inference of this model needs {what} of {entries:,} entries in all, above "
        f"{TOTAL_TABLES} × max_table = {TOTAL_TABLES * max_table:,} (each within max_table, "
        "but many: conditions comparing two dates hold a state per pair of days); use "
        "pactsim.simulate for this model, simplify it, or raise max_table"
        f"{_cost(-(-entries // TOTAL_TABLES), entries)}", width=width)


def same_plan(a: BinaryPlan, b: BinaryPlan) -> bool:
    """Whether two plans are the same node, numbers included (so the same factor
    given the same quadrature rules)."""
    return a is b or _numbers(a) == _numbers(b)


def _numbers(p: BinaryPlan) -> tuple[Any, ...]:
    """What :func:`same_plan` compares: the node's parents, gates and drivers and its
    numbers as bytes (kept on the plan, which is frozen: a plan compared as the base
    of one variant is compared again as the base of the next)."""
    key: tuple[Any, ...] | None = p.__dict__.get("_numbers")
    if key is None:
        arrays = [p.p_given, p.odds_logf, p.driver_logf]
        if p.beta_given is not None:
            arrays.append(p.beta_given)
        key = (p.index, p.kind, p.given, p.odds_parents, p.drivers, p.gates_true,
               p.gates_false, p.beta_given is None,
               tuple(x.shape for x in arrays), tuple(x.dtype.str for x in arrays),
               b"".join(x.tobytes() for x in arrays))
        p.__dict__["_numbers"] = key
    return key


class Network:
    """A compiled model as one factor per variable, with quadrature ``rules``.

    Binary node ``i`` is variable ``i`` (its table over itself, its table
    parents, gates and drivers); driver ``k`` is variable ``n_binary + k`` (its
    quadrature weights); ``signing`` has the prior ``[1 - c, c]``. Given a
    ``base`` network (of this model or of another with the same structure),
    the factors of nodes that are the same, numbers included
    (:func:`same_plan`, or ``same[i]`` when the caller has compared them), and
    do not depend on a changed rule are shared; ``same_structure`` (the caller
    has checked that every node has the same parents, gates and drivers as in
    ``base``) shares the parent lists too.
    """

    def __init__(self, model: CompiledModel, rules: Sequence[_Rule], beta_points: int,
                 max_table: int, base: Network | None = None,
                 same: Sequence[bool] | None = None, same_structure: bool = False,
                 dates: Collection[int] = (), bits: Collection[int] = (),
                 within: Collection[int] | None = None) -> None:
        self.model = model
        self.max_table = max_table
        self.rules = list(rules)
        #: the junction tree last calibrated on this network (:func:`calibrate`)
        self.tree: JunctionTree | None = None
        nb = model.n_binary
        self.card: dict[int, int] = dict.fromkeys(range(nb), 2)
        for k, r in enumerate(self.rules):
            self.card[nb + k] = len(r[0])
        self.beta_points = beta_points
        if base is not None and (len(base.rules) != len(self.rules)
                                 or base.model.n_binary != nb):
            base = None
        if base is None:
            same = None
        elif same is None or len(same) != nb:
            bp = base.model.plans
            same = [same_plan(p, bp[p.index]) for p in model.plans]
        #: whether each node is the same as in ``base``, numbers included
        self.same = same
        self.parents: list[tuple[int, ...]]
        #: the dated part (format 2), or ``None`` for a plain model
        self.dated: Any = None
        if not model.plain:
            self._init_dated(model, base, dates, bits, within)
        #: whether every factor has the scope it has in ``base`` (same structure, and for
        #: a dated model the same plan of dated quantities): parents and the size checks
        #: of the dated part are then ``base``'s
        self._base_shape = base is not None and (base.model is model or same_structure) \
            and (self.dated is None or (base.dated is not None and base.dplan == self.dplan
                                        and base.card == self.card))
        if self._base_shape:
            assert base is not None
            self.parents = base.parents  # same nodes, parents, gates and drivers
        else:
            self.parents = self._parents(model)
        changed = set() if base is None else {
            k for k in range(len(self.rules)) if self.rules[k] is not base.rules[k]}
        self.factors: list[Factor] = []
        self._conditions_total = 0  # entries of the conditions' tables (their budget)
        for plan in model.plans:
            if self.dated is not None and (plan.index in model.timing
                                           or plan.index in model.conditions):
                self.factors.append(self._dated_factor(plan, beta_points, max_table))
            elif (base is not None and same is not None and same[plan.index]
                    and not changed & set(plan.drivers)
                    and (plan.beta_given is None or base.beta_points == beta_points)):
                self.factors.append(base.factors[plan.index])
            elif plan.kind == "signing":
                c = float(plan.p[0])
                self.factors.append(Factor((plan.index,), np.array([1.0 - c, c])))
            else:
                self.factors.append(self._node(plan, beta_points, max_table))
        for k, (_, w) in enumerate(self.rules):
            self.factors.append(Factor((nb + k,), w))
        if self.dated is not None:
            self._add_dated(beta_points, max_table)

    def _init_dated(self, model: CompiledModel, base: Network | None,
                    dates: Collection[int], bits: Collection[int],
                    within: Collection[int] | None) -> None:
        from pactsim.inference import datedfactors as dfx

        # the dated factors depend on the dated nodes' numbers and the rules alone: a
        # variant that changes other numbers (a tornado swing, a parameter draw) reuses them
        reuse = base is not None and base.dated is not None \
            and base.max_table == self.max_table \
            and len(base.rules) == len(self.rules) \
            and all(a is b for a, b in zip(base.rules, self.rules, strict=True)) \
            and (base.model is model or dfx.dated_signature(base.model)
                 == dfx.dated_signature(model))
        self.dated = base.dated if reuse and base is not None else dfx.Dated(self)
        lay = self.dated.lay
        #: which dated quantities this network holds (:class:`~.datedfactors.Plan`)
        self.dplan = lay.plan(dates, bits, within)
        self.date_slots = self.dplan.days
        for v in range(lay.date_base, lay.n_vars):
            self.card[v] = 2
        for k in range(len(model.dated)):
            self.card[lay.date_var(k)] = self.dated.S if k in self.date_slots else 1

    def _dated_factor(self, plan: BinaryPlan, beta_points: int, max_table: int) -> Factor:
        d = self.dated
        if plan.index in self.model.conditions:
            cond = self.model.conditions[plan.index]
            over = d.condition_vars(cond)
            if any(self.card[v] != d.card(v) for v in over):
                # a day it reads is not held: outside this network's question (never used)
                return Factor((plan.index,), np.array([0.5, 0.5]))
            # before it is built: one table over two dates, or dozens of them, would fill
            # the memory
            entries = 2 * clique_entries(over, self.card)
            if entries > max_table:
                raise too_wide(entries, [self.name(v) for v in over] + [cond.name], max_table,
                               f"of the condition '{cond.name}'")
            self._conditions_total += entries
            if self._conditions_total > TOTAL_TABLES * max_table:
                raise too_wide_in_all(self._conditions_total, "the tables of its conditions",
                                      max_table, len(self.card))
            return d.condition(cond)  # type: ignore[no-any-return]
        return d.bit_factor(plan.index, self.dplan)  # type: ignore[no-any-return]

    def _add_dated(self, beta_points: int, max_table: int) -> None:
        d = self.dated
        lay = d.lay
        for k in range(len(self.model.dated)):
            self.factors.append(d.day_factor(k, self.dplan))
        for i, _v in sorted(lay.ever.items(), key=lambda x: x[1]):
            # the coin's parents are its plan's: with base's shape ``self.parents[i]`` is
            # the scope of the milestone's dated factor instead
            coin = self.model.plans[i]
            self.factors.append(d.ever(i, self._node(coin, beta_points, max_table,
                                                     self._parents_of(coin))))
        if self._base_shape:
            return  # the scopes of base's factors, already checked against max_table
        self.parents = [tuple(u for u in f.vars if u != v) for v, f in enumerate(self.factors)]
        for v, f in enumerate(self.factors):
            entries = clique_entries(f.vars, self.card)
            if entries > max_table:
                raise too_wide(entries, [self.name(u) for u in f.vars], max_table,
                               f"of the factor of {self.name(v)!r}")

    def _parents(self, model: CompiledModel) -> list[tuple[int, ...]]:
        return [self._parents_of(p) for p in model.plans] + [()] * len(self.rules)

    def _parents_of(self, p: BinaryPlan) -> tuple[int, ...]:
        found = {*p.given, *p.odds_parents, *p.gates_true, *p.gates_false}
        if p.drivers:
            nb = self.model.n_binary
            found.update(nb + d for d in p.drivers)
        return tuple(sorted(found))

    def name(self, v: int) -> str:
        nb = self.model.n_binary
        if v < nb:
            return self.model.names[v]
        if v < nb + len(self.rules):
            return self.model.drivers[v - nb].name
        lay = self.dated.lay
        if v < lay.date_base + len(self.model.dated):
            return str(self.model.dated[v - lay.date_base]) + ".date"
        return str(next(self.model.names[i] for i, e in lay.ever.items() if e == v)) + " (ever)"

    def _node(self, plan: BinaryPlan, beta_points: int, max_table: int,
              parents: tuple[int, ...] | None = None) -> Factor:
        nb = self.model.n_binary
        union = sorted({plan.index, *(self.parents[plan.index] if parents is None
                                      else parents)})
        entries = math.prod(map(self.card.__getitem__, union))
        if entries > max_table:  # before anything is folded or allocated
            k = len(plan.parents)
            raise too_wide(entries, [self.name(v) for v in union], max_table,
                            f"of the table of '{plan.name}' ({k} parents: {len(plan.given)} "
                            f"given, {len(plan.odds_parents)} binary odds)"
                            if plan.odds_parents else f"of the table of '{plan.name}'")
        table: FloatArray
        given = plan.given
        if not (plan.odds_parents or plan.drivers or plan.beta_given is not None) \
                and len(set(given)) == len(given):
            # a plain table over its given parents: the folded view is that table as it is
            k = len(given)
            axes = list(reversed(given))
            table = np.asarray(plan.p_given, dtype=np.float64).reshape((2,) * k)
        elif plan.drivers or plan.beta_given is not None:
            k = len(plan.parents)
            axes = list(reversed(plan.parents))  # p.reshape((2,)*k) puts bit k-1 first
            dims = [len(self.rules[d][0]) for d in plan.drivers]
            s = plan.logodds.reshape((-1,) + (1,) * len(dims))
            for j, (d, lf) in enumerate(zip(plan.drivers, plan.driver_logf, strict=True)):
                shape = [1] * (1 + len(dims))
                shape[1 + j] = dims[j]
                s = s + float(lf) * self.rules[d][0].reshape(shape)
            s = np.broadcast_to(s, (1 << k, *dims))
            p0 = plan.p0.reshape((-1,) + (1,) * len(dims))
            with np.errstate(divide="ignore", invalid="ignore"):
                p = np.array(special.expit(special.logit(p0) + s), dtype=np.float64)
            # p0 = 0 or 1 is a certainty no odds factor moves (also at infinite odds)
            p = np.where(p0 <= 0.0, 0.0, np.where(p0 >= 1.0, 1.0, p))
            beta = plan.beta
            if beta is not None:
                for r in np.flatnonzero(~np.isnan(beta[:, 0])):
                    p[r] = beta_logistic_mean(float(beta[r, 0]), float(beta[r, 1]), s[r],
                                              beta_points)
            table = p.reshape((2,) * k + tuple(dims))
            axes += [nb + d for d in plan.drivers]
        else:
            k = len(plan.parents)
            axes = list(reversed(plan.parents))
            table = plan.p.reshape((2,) * k)
        pos = union.index(plan.index)
        rest = union[:pos] + union[pos + 1:]
        where = {v: i for i, v in enumerate(rest)}
        # one einsum puts the table's axes in variable order and multiplies in the
        # gate indicators (every variable of `rest` is a table axis or a gate)
        args: list[Any] = [table, [where[a] for a in axes]]
        for g in plan.gates_true:
            args += (_TRUE, [where[g]])
        for g in plan.gates_false:
            args += (_FALSE, [where[g]])
        q = _product(args, list(range(len(rest))))
        out = np.empty((*q.shape[:pos], 2, *q.shape[pos:]))
        false: tuple[Any, ...] = (*(slice(None),) * pos, 0)
        true: tuple[Any, ...] = (*(slice(None),) * pos, 1)
        out[false] = 1.0 - q
        out[true] = q
        return Factor(tuple(union), out)

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
            from pactsim._progress import progress_bar

            self._bar = progress_bar(total=self.total, desc=self.desc, unit="table")

    def tick(self, steps: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(steps)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def calibrate(net: Network, max_table: int, progress: bool | None, desc: str,
               plan: tuple[list[int], list[tuple[int, ...]]] | None = None,
               base: Network | None = None,
               ) -> tuple[JunctionTree, int, tuple[list[int], list[tuple[int, ...]]]]:
    """Calibrate a junction tree over the whole network (``plan``: a min-fill order to reuse).

    The tree is kept as ``net.tree``; with ``base`` (a network of the same structure
    calibrated before), the arithmetic its tree did on unchanged factors is reused
    (:class:`JunctionTree`), and ``base`` gives its kept tables up: only the latest
    network of a structure holds them.
    """
    if plan is None:  # cached per structure (scopes and cardinalities), not numbers
        plan = _min_fill_plan(tuple(f.vars for f in net.factors),
                              tuple(net.card[v] for v in range(len(net.card))))
    order, cliques = plan
    sizes = _clique_sizes(tuple(cliques), tuple(net.card[v] for v in range(len(net.card))))
    biggest = max(sizes, default=1)
    if biggest > max_table:
        c = cliques[sizes.index(biggest)]
        raise too_wide(biggest, [net.name(v) for v in c], max_table, "of this model")
    if sum(sizes) > TOTAL_TABLES * max_table:
        raise too_wide_in_all(sum(sizes), f"a junction tree of {len(sizes):,} cliques",
                              max_table, len(net.card))
    bar = _Bar(len(order), desc, _show_progress(progress, sum(sizes)))
    base_tree = None if base is None or base is net else base.tree
    try:
        tree = JunctionTree(net.factors, order, cliques, bar.tick if bar.show else None,
                            base=base_tree)
    finally:
        bar.close()
    if base_tree is not None:
        base_tree.release()
    if sum(sizes) > KEEP_TREE_ENTRIES:
        tree.release()
    net.tree = tree
    return tree, biggest, plan


#: A calibrated tree whose cliques hold more entries than this does not keep its
#: upward tables for reuse (they would double its memory): 2 MiB of float64.
KEEP_TREE_ENTRIES = 1 << 18
