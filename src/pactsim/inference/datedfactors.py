"""Dated nodes as factors for exact inference (private; see :mod:`pactsim.results.exact`).

Day states
----------
A date variable has ``W + 1`` states (``W = horizon - as_of``): state 0 is "no
date" (not by the horizon), state ``j`` the day ``as_of + j``. Every dated node
``X`` keeps its bit (binary variable ``X``, what its children see) and gets a
date variable ``D_X`` only where something needs its day (a milestone after
it, a condition, a question); ``D_X`` is a child of the bit, so children of
``X`` never pay for day states.

Curves (roots)
--------------
For a curve node with table row ``r`` and hazard ratio ``h`` (over its binary
hazard parents and drivers), ``G(j) = 1 - (1 - F_r(j))**h``; the bit's factor is
``P(X | r, h, gates) = G(W) * gates`` and ``P(D_X = j | X = 1, r, h) = (G(j) -
G(j-1)) / G(W)``.

Milestones
----------
Each milestone ``M`` has a law ``L_M``: the joint of its day (states >= 1) and of
the bits of the milestones before it (``PV``), given the *root* dates it descends
from (curve nodes) and its context (hazard parents, drivers, ever coins). The
anchor ``T`` is the ``need``-th earliest anchor day: from the anchors' CDFs
``P(A_i <= t)`` (cumulative sums of their laws),
``P(T <= t) = sum_{j >= need} [x^j] prod_i (P(A_i > t) + x P(A_i <= t))`` (for
``all``: the product of the CDFs), so no table over two anchors' days is ever
built; ``P(T = t)`` is its difference in ``t``. The day of ``M`` is ``T`` plus
the offset, ``P(offset <= k) = 1 - (1 - F_delay(k))**h``: a convolution in
``t`` (a shift for a fixed delay, an FFT otherwise), cut at the horizon. The
bit's factor is ``P(M | PV, roots, context)`` and the date's
``P(D_M | M = 1, ...)``. This is exact when milestones form a forest above
the roots (each milestone follows at most one later milestone... each dated
node that is a milestone anchors at most one milestone), which is checked.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from pactsim.errors import ExactUnsupportedError
from pactsim.inference.compile import BinaryPlan, CompiledModel
from pactsim.inference.dated import ConditionPlan, CurvePlan, MilestonePlan
from pactsim.language import expr as _expr

if TYPE_CHECKING:  # pragma: no cover
    from pactsim.inference.factors import Factor, Network

FloatArray = NDArray[np.float64]
TAX = 1 << 40  # temporary axis: the anchor day t (always the last axis)


def ever_needs_variable(plan: BinaryPlan) -> bool:
    """Whether a milestone's ever coin has parents, drivers, gates or a drawn p."""
    return bool(plan.parents or plan.drivers or plan.gates_true or plan.gates_false
                or plan.beta_given is not None)


class Layout:
    """Variable ids of the dated part: date variable of slot ``k`` is ``date_base + k``,
    ever coins after them."""

    def __init__(self, model: CompiledModel, n_drivers: int) -> None:
        self.model = model
        nb = model.n_binary
        self.W = model.horizon - model.as_of
        self.date_base = nb + n_drivers
        self.ever: dict[int, int] = {}
        nxt = self.date_base + len(model.dated)
        for i, t in sorted(model.timing.items()):
            if isinstance(t, MilestonePlan) and ever_needs_variable(model.plans[i]):
                self.ever[i] = nxt
                nxt += 1
        self.n_vars = nxt
        self.slot_index = {t.slot: i for i, t in model.timing.items()}
        # dated DAG over slots: milestone slot -> anchors
        self.children: dict[int, list[int]] = {k: [] for k in range(len(model.dated))}
        for t in model.timing.values():
            if isinstance(t, MilestonePlan):
                for a in t.anchors:
                    self.children[a].append(t.slot)

    def date_var(self, slot: int) -> int:
        return self.date_base + slot

    def is_root(self, slot: int) -> bool:
        return isinstance(self.model.timing[self.slot_index[slot]], CurvePlan)

    def descendants(self, slot: int) -> set[int]:
        out: set[int] = set()
        todo = list(self.children[slot])
        while todo:
            s = todo.pop()
            if s not in out:
                out.add(s)
                todo += self.children[s]
        return out

    def base_dates(self) -> frozenset[int]:
        """Date variables the whole network needs: roots that anchor milestones and
        every date a condition uses."""
        m = self.model
        out = {k for k in range(len(m.dated)) if self.is_root(k) and self.children[k]}
        for c in m.conditions.values():
            for node in _walk(c.tree):
                if isinstance(node, _expr.DateOf):
                    k = m.slot[node.name]
                    if not self.is_root(k) and self.children[k]:
                        raise ExactUnsupportedError(
                            f"exact inference cannot use the day of the milestone "
                            f"'{node.name}' in the condition '{c.name}' while other milestones "
                            "follow it; use pactsim.simulate")
                    out.add(k)
        return frozenset(out)

    def check_forest(self) -> None:
        """Each milestone anchors at most one milestone (so anchors never share one)."""
        m = self.model
        for slot, kids in self.children.items():
            if not self.is_root(slot) and len(kids) > 1:
                raise ExactUnsupportedError(
                    f"exact inference needs each milestone to be the anchor of at most one "
                    f"other milestone; '{m.dated[slot]}' anchors "
                    f"{', '.join(repr(m.dated[k]) for k in kids)}, whose days then depend on "
                    "each other through its day; use pactsim.simulate")


# -- labelled arrays (Factors with any sorted vars) ---------------------------------
def _expand(f: Factor, union: Sequence[int]) -> FloatArray:
    from pactsim.inference.factors import _expand as ex

    return ex(f, tuple(union))


def _union(*fs: Factor) -> tuple[int, ...]:
    return tuple(sorted(set().union(*(f.vars for f in fs))))


def add(a: Factor, b: Factor, sign: float = 1.0) -> Factor:
    from pactsim.inference.factors import Factor

    u = _union(a, b)
    return Factor(u, np.asarray(_expand(a, u) + sign * _expand(b, u), dtype=np.float64))


def mul(*fs: Factor) -> Factor:
    from pactsim.inference.factors import multiply

    return multiply(list(fs))


def take(f: Factor, v: int, state: int) -> Factor:
    from pactsim.inference.factors import Factor

    ax = f.vars.index(v)
    return Factor(f.vars[:ax] + f.vars[ax + 1:], np.take(f.table, state, axis=ax))


def sum_over(f: Factor, v: int) -> Factor:
    from pactsim.inference.factors import sum_out

    return sum_out(f, (v,))


def relabel(f: Factor, old: int, new: int) -> Factor:
    """Rename variable ``old`` to ``new`` (axes re-sorted)."""
    from pactsim.inference.factors import Factor

    names = [new if v == old else v for v in f.vars]
    order = sorted(range(len(names)), key=lambda i: names[i])
    return Factor(tuple(names[i] for i in order), np.transpose(f.table, order))


def stack_bit(v: int, f0: Factor, f1: Factor) -> Factor:
    """A factor over ``v`` (two states) and the union of ``f0``'s and ``f1``'s variables."""
    from pactsim.inference.factors import Factor

    u = _union(f0, f1)
    shape = np.broadcast_shapes(_expand(f0, u).shape, _expand(f1, u).shape)
    a0 = np.broadcast_to(_expand(f0, u), shape)
    a1 = np.broadcast_to(_expand(f1, u), shape)
    vars_ = tuple(sorted((*u, v)))
    ax = vars_.index(v)
    return Factor(vars_, np.ascontiguousarray(np.stack([a0, a1], axis=ax), dtype=np.float64))


def safe_div(a: Factor, b: Factor) -> Factor:
    from pactsim.inference.factors import Factor

    u = _union(a, b)
    x, y = _expand(a, u), _expand(b, u)
    shape = np.broadcast_shapes(x.shape, y.shape)
    x, y = np.broadcast_to(x, shape), np.broadcast_to(y, shape)
    return Factor(u, np.divide(x, y, out=np.zeros(shape), where=y > 0))


def full_shape(f: Factor, card: dict[int, int]) -> Factor:
    """``f`` broadcast to the full shape of its variables."""
    from pactsim.inference.factors import Factor

    shape = tuple(card[v] for v in f.vars)
    return Factor(f.vars, np.ascontiguousarray(np.broadcast_to(f.table, shape)))


def ones_over(v: int, n: int) -> Factor:
    from pactsim.inference.factors import Factor

    return Factor((v,), np.ones(n))


def indicator_true(vs: Sequence[int]) -> Factor:
    from pactsim.inference.factors import Factor, multiply

    return multiply([Factor((v,), np.array([0.0, 1.0])) for v in sorted(set(vs))])


# -- the builder ---------------------------------------------------------------------
class Dated:
    """Factors of dated nodes and conditions for one model and one set of driver rules."""

    def __init__(self, net: Network) -> None:
        self.net = net
        self.model = net.model
        self.lay = Layout(net.model, len(net.rules))
        self.lay.check_forest()
        self.S = self.lay.W + 1
        self._bits: dict[int, Factor] = {}
        self._dates: dict[int, Factor] = {}
        self._laws: dict[int, tuple[Factor, Factor, frozenset[int]]] = {}
        self._curve: dict[int, Factor] = {}

    # context grids
    def card(self, v: int) -> int:
        nb = self.model.n_binary
        if v < nb:
            return 2
        if v < self.lay.date_base:
            return len(self.net.rules[v - nb][0])
        if v < self.lay.date_base + len(self.model.dated):
            return self.S
        return 2

    def _grid(self, vars_: Sequence[int], v: int) -> FloatArray:
        """Values of ``v`` broadcast over axes ``vars_`` (bits 0/1, drivers their nodes)."""
        nb = self.model.n_binary
        shape = [1] * len(vars_)
        ax = list(vars_).index(v)
        shape[ax] = self.card(v)
        vals = np.arange(2, dtype=np.float64) if v < nb else self.net.rules[v - nb][0]
        return np.asarray(vals, dtype=np.float64).reshape(shape)

    def _logh(self, hz: Any, vars_: Sequence[int]) -> FloatArray | None:
        if not hz:
            return None
        nb = self.model.n_binary
        acc = np.zeros([1] * len(vars_))
        for v, lf in zip(hz.parents, hz.logf, strict=True):
            acc = acc + float(lf) * self._grid(vars_, v)
        for d, lf in zip(hz.drivers, hz.driver_logf, strict=True):
            with np.errstate(over="ignore", invalid="ignore"):
                acc = acc + float(lf) * self._grid(vars_, nb + d)
        return np.asarray(acc, dtype=np.float64)

    @staticmethod
    def _power(F: FloatArray, logh: FloatArray | None) -> FloatArray:
        """``1 - (1 - F)**h`` (``F`` on the last axis)."""
        if logh is None:
            return F
        with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
            h = np.exp(logh)[..., None]
            out = -np.expm1(h * np.log1p(-F))
        return np.asarray(np.where(F >= 1.0, 1.0, np.where(F <= 0.0, 0.0, out)),
                          dtype=np.float64)

    def _gates(self, gt: Sequence[int], gf: Sequence[int]) -> Factor:
        from pactsim.inference.factors import Factor, multiply

        fs = [Factor((g,), np.array([0.0, 1.0])) for g in gt]
        fs += [Factor((g,), np.array([1.0, 0.0])) for g in gf]
        return multiply(fs)

    # curves
    def curve_G(self, plan: CurvePlan) -> Factor:
        """``G(j)`` over the curve's context and day axis :data:`TAX` (``j = 0..W``)."""
        if plan.index in self._curve:
            return self._curve[plan.index]
        from pactsim.inference.factors import Factor

        nb = self.model.n_binary
        ctx = sorted({*plan.given, *plan.hazard.parents,
                      *(nb + d for d in plan.hazard.drivers)})
        days = self.model.as_of + np.arange(self.S)
        rows = np.array([np.interp(days, plan.days, c) for c in plan.cum])
        shape = [self.card(v) for v in ctx]
        row = np.zeros([1] * len(ctx), dtype=np.int64)
        for j, g in enumerate(plan.given):
            row = row + (self._grid(ctx, g).astype(np.int64) << j)
        row = np.broadcast_to(row, shape) if ctx else row.reshape(())
        F = rows[row]
        G = self._power(F, self._logh(plan.hazard, ctx))
        G = np.ascontiguousarray(np.broadcast_to(G, (*shape, self.S)))
        out = Factor((*ctx, TAX), G)
        self._curve[plan.index] = out
        return out

    def curve_bit(self, plan: CurvePlan) -> Factor:
        G = self.curve_G(plan)
        q = mul(take(G, TAX, self.S - 1), self._gates(plan.gates_true, plan.gates_false))
        return stack_bit(plan.index, add(ones_over_like(q), q, -1.0), q)

    def curve_date(self, plan: CurvePlan) -> Factor:
        from pactsim.inference.factors import Factor

        G = self.curve_G(plan)
        f = np.diff(G.table, axis=-1, prepend=0.0)
        f[..., 0] = 0.0
        tot = G.table[..., -1:]
        f = np.divide(f, tot, out=np.zeros_like(f), where=tot > 0)
        dv = self.lay.date_var(plan.slot)
        one = relabel(Factor(G.vars, f), TAX, dv)
        none = np.zeros(self.S)
        none[0] = 1.0
        return stack_bit(plan.index, Factor((dv,), none), one)

    # milestones
    def _offset(self, plan: MilestonePlan) -> Factor:
        """``g(k) = P(offset = k)`` over the hazard context and axis :data:`TAX`."""
        from pactsim.inference.factors import Factor

        nb = self.model.n_binary
        ctx = sorted({*plan.hazard.parents, *(nb + d for d in plan.hazard.drivers)})
        k = np.arange(self.S, dtype=np.float64)
        F = np.clip(plan.delay.cdf(k), 0.0, 1.0)
        G = self._power(F.reshape([1] * len(ctx) + [self.S]), self._logh(plan.hazard, ctx))
        G = np.broadcast_to(G, (*[self.card(v) for v in ctx], self.S))
        g = np.diff(G, axis=-1, prepend=0.0)
        return Factor((*ctx, TAX), np.ascontiguousarray(g))

    def _root_cdf(self, slot: int) -> Factor:
        """``1[1 <= a <= t]`` over (root date, t)."""
        from pactsim.inference.factors import Factor

        a = np.arange(self.S)
        tab = ((a[:, None] >= 1) & (a[:, None] <= a[None, :])).astype(np.float64)
        return Factor((self.lay.date_var(slot), TAX), tab)

    def law(self, index: int) -> tuple[Factor, Factor, frozenset[int]]:
        """``(L, bitjoint, PV)`` of milestone ``index``: ``L`` over the day (its date
        variable; state 0 zero) and context; ``bitjoint`` = P(M, PV | roots, context)."""
        if index in self._laws:
            return self._laws[index]
        from pactsim.inference.factors import Factor

        m, lay = self.model, self.lay
        plan = m.timing[index]
        assert isinstance(plan, MilestonePlan)
        mil = [a for a in plan.anchors if not lay.is_root(a)]
        sub = {a: self.law(lay.slot_index[a]) for a in mil}
        pv: frozenset[int] = frozenset().union(
            *({lay.slot_index[a]} | sub[a][2] for a in mil))
        denom = mul(*(sub[a][1] for a in mil)) if mil else Factor((), np.ones(()))

        def cdf(a: int) -> Factor:
            if lay.is_root(a):
                return self._root_cdf(a)
            L = relabel(sub[a][0], lay.date_var(a), TAX)
            ax = L.vars.index(TAX)
            return Factor(L.vars, np.cumsum(L.table, axis=ax))

        if plan.mode in ("one", "all"):
            C = mul(*(cdf(a) for a in plan.anchors))
        else:
            coeffs: list[Factor] = [Factor((), np.ones(()))]
            for a in plan.anchors:
                P = cdf(a)
                if lay.is_root(a):
                    x0 = add(Factor((lay.date_var(a), TAX),
                                    np.ones((self.S, self.S))), P, -1.0)
                    x1 = P
                else:
                    i_a = lay.slot_index[a]
                    bj = sub[a][1]
                    P = mul(P, indicator_true(sorted(sub[a][2] - set(P.vars))))
                    tot1, none = take(bj, i_a, 1), take(bj, i_a, 0)
                    x0 = stack_bit(i_a, none, add(tot1, P, -1.0))
                    x1 = stack_bit(i_a, Factor((), np.zeros(())), P)
                new: list[Factor] = []
                for j in range(len(coeffs) + 1):
                    parts = []
                    if j < len(coeffs):
                        parts.append(mul(coeffs[j], x0))
                    if j >= 1:
                        parts.append(mul(coeffs[j - 1], x1))
                    acc = parts[0]
                    for p in parts[1:]:
                        acc = add(acc, p)
                    new.append(acc)
                coeffs = new
            C = coeffs[plan.need]
            for c in coeffs[plan.need + 1:]:
                C = add(C, c)
        C = full_shape(C, {**{v: self.card(v) for v in C.vars}, TAX: self.S})
        T = np.diff(C.table, axis=-1, prepend=0.0)
        T[..., 0] = 0.0  # no anchor: no day
        L = self._shift(Factor(C.vars, T), plan)
        ever_plan = m.plans[index]
        if index in lay.ever:
            e = lay.ever[index]
            L = stack_bit(e, Factor((), np.zeros(())), L)
        elif float(ever_plan.p_given[0]) != 1.0:
            L = Factor(L.vars, L.table * float(ever_plan.p_given[0]))
        L = relabel(L, TAX, lay.date_var(plan.slot))
        mass1 = sum_over(L, lay.date_var(plan.slot))
        mass1 = mul(mass1, indicator_true(sorted(pv - set(mass1.vars))))
        bitjoint = stack_bit(index, add(denom, mass1, -1.0), mass1)
        self._laws[index] = (L, bitjoint, pv)
        return self._laws[index]

    def _shift(self, T: Factor, plan: MilestonePlan) -> Factor:
        """``L(d) = sum_t T(t) g(d - t)`` for ``d <= W`` (the last axis)."""
        from pactsim.inference.factors import Factor

        d = plan.delay
        if d.kind == "fixed":
            out = np.zeros_like(T.table)
            k = d.days
            if k < self.S:
                out[..., k:] = T.table[..., :self.S - k]
            return Factor(T.vars, out)
        g = self._offset(plan)
        u = _union(T, g)
        a, b = _expand(T, u), _expand(g, u)
        n = 1 << math.ceil(math.log2(2 * self.S))
        res = np.fft.irfft(np.fft.rfft(a, n, axis=-1) * np.fft.rfft(b, n, axis=-1), n,
                           axis=-1)[..., :self.S]
        res[..., 0] = 0.0
        return Factor(u, np.ascontiguousarray(np.maximum(res, 0.0)))

    def milestone_bit(self, index: int) -> Factor:
        _L, bitjoint, _pv = self.law(index)
        denom = sum_over(bitjoint, index)
        q = safe_div(take(bitjoint, index, 1), denom)
        return stack_bit(index, add(ones_over_like(q), q, -1.0), q)

    def milestone_date(self, index: int) -> Factor:
        from pactsim.inference.factors import Factor

        L, _bj, _pv = self.law(index)
        plan = self.model.timing[index]
        dv = self.lay.date_var(plan.slot)
        one = safe_div(L, sum_over(L, dv))
        none = np.zeros(self.S)
        none[0] = 1.0
        return stack_bit(index, Factor((dv,), none), one)

    def date_full(self, slot: int) -> Factor:
        """``P(D_X | parents)`` with the "no date" state: used when the day variable
        is in the network, the bit then being ``D_X != 0`` (:meth:`bit_of_date`)."""
        from pactsim.inference.factors import Factor

        i = self.lay.slot_index[slot]
        t = self.model.timing[i]
        dv = self.lay.date_var(slot)
        if isinstance(t, CurvePlan):
            G = self.curve_G(t)
            f = np.diff(G.table, axis=-1, prepend=0.0)
            f[..., 0] = 0.0
            one = mul(relabel(Factor(G.vars, f), TAX, dv),
                      self._gates(t.gates_true, t.gates_false))
        else:
            L, bitjoint, pv = self.law(i)
            L = mul(L, indicator_true(sorted(pv - set(L.vars))))
            one = safe_div(L, sum_over(bitjoint, i))
        one = full_shape(one, {v: self.card(v) for v in one.vars})
        ax = one.vars.index(dv)
        tab = np.array(one.table)
        idx: list[Any] = [slice(None)] * tab.ndim
        idx[ax] = 0
        tab[tuple(idx)] = 1.0 - tab.sum(axis=ax)
        return Factor(one.vars, tab)

    def date_is_child(self, slot: int) -> bool:
        """Whether the day variable is a child of the bit (milestones after one or all:
        given the bit, the day does not depend on the bits before it), rather than
        the bit a function of the day (curves; any / at_least)."""
        t = self.model.timing[self.lay.slot_index[slot]]
        return isinstance(t, MilestonePlan) and t.mode in ("one", "all")

    def bit_of_date(self, slot: int) -> Factor:
        """The bit of a dated node as ``D_X != 0``."""
        from pactsim.inference.factors import Factor

        i = self.lay.slot_index[slot]
        dv = self.lay.date_var(slot)
        q = (np.arange(self.S) != 0).astype(np.float64)
        return stack_bit(i, Factor((dv,), 1.0 - q), Factor((dv,), q))

    def bit(self, index: int) -> Factor:
        if index not in self._bits:
            t = self.model.timing[index]
            self._bits[index] = self.curve_bit(t) if isinstance(t, CurvePlan) \
                else self.milestone_bit(index)
        return self._bits[index]

    def date(self, slot: int) -> Factor:
        if slot not in self._dates:
            i = self.lay.slot_index[slot]
            t = self.model.timing[i]
            self._dates[slot] = self.curve_date(t) if isinstance(t, CurvePlan) \
                else self.milestone_date(i)
        return self._dates[slot]

    def ever(self, index: int, node: Factor) -> Factor:
        """The ever coin's factor: ``node`` (built for the plan at ``index``) with the
        bit renamed to the coin's variable."""
        return relabel(node, index, self.lay.ever[index])

    # conditions
    def condition_vars(self, plan: ConditionPlan) -> list[int]:
        m = self.model
        out: set[int] = set()
        for node in _walk(plan.tree):
            if isinstance(node, _expr.DateOf):
                out.add(self.lay.date_var(m.slot[node.name]))
            elif isinstance(node, _expr.Name):
                if node.name in m.index:
                    out.add(m.index[node.name])
                else:
                    raise ExactUnsupportedError(
                        f"exact inference handles conditions on dates and true/false nodes; "
                        f"'{plan.name}' uses the driver '{node.name}'; use pactsim.simulate")
        return sorted(out)

    def condition(self, plan: ConditionPlan) -> Factor:
        from pactsim.inference.factors import Factor

        m = self.model
        vars_ = self.condition_vars(plan)
        shape = [self.card(v) for v in vars_]
        n = math.prod(shape)
        idx = np.arange(n)
        values: dict[str, NDArray[Any]] = {}
        dates: dict[str, NDArray[Any]] = {}
        stride = n
        for v, c in zip(vars_, shape, strict=True):
            stride //= c
            state = (idx // stride) % c
            if v < m.n_binary:
                values[m.names[v]] = state != 0
            else:
                dates[m.dated[v - self.lay.date_base]] = day_values(state, m.as_of)
        q = np.asarray(_expr.evaluate(plan.tree, values, dates), dtype=np.float64)
        q = np.broadcast_to(q, (n,)).reshape(shape)
        return stack_bit(plan.index, Factor(tuple(vars_), 1.0 - q), Factor(tuple(vars_), q))


def ones_over_like(q: Factor) -> Factor:
    from pactsim.inference.factors import Factor

    return Factor(q.vars, np.ones_like(q.table))


def day_values(state: NDArray[np.int64], as_of: int) -> NDArray[Any]:
    """``datetime64[D]`` of day states (state 0: NaT)."""
    out = (np.asarray(state, dtype=np.int64) + as_of).astype("datetime64[D]")
    out[np.asarray(state) == 0] = np.datetime64("NaT")
    return out


def _walk(e: _expr.Expr) -> list[_expr.Expr]:
    out, stack = [], [e]
    while stack:
        node = stack.pop()
        out.append(node)
        if isinstance(node, _expr.Not):
            stack.append(node.operand)
        elif isinstance(node, _expr.Compare):
            stack += [node.left, node.right]
        elif isinstance(node, _expr.BoolOp):
            stack += list(node.operands)
        elif isinstance(node, _expr.Call):
            stack += list(node.args)
        elif isinstance(node, _expr.DaysBetween):
            stack += [node.left, node.right]
    return out
