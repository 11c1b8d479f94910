"""Dated nodes as factors for exact inference (private; see :mod:`pactsim.results.exact`).

Day states
----------
A day variable has ``S = W + 1`` states (``W = horizon - as_of``): state 0 is
"no date" (not by the horizon), state ``j`` the day ``as_of + j``. Every dated
node ``X`` keeps its bit (binary variable ``X``, what its children see); its day
variable ``D_X`` has ``S`` states only where a condition or an expression needs
the day (else one state and a factor of ones).

Groups and relative laws
------------------------
Each curve node (a *root*) heads a group: itself and the milestones that
descend from it alone. Given the root's day ``s`` and the group's inputs (the
root's and the milestones' table and hazard parents, drivers and ever coins),
a milestone's day is ``s + R`` where the law of the relative day ``R`` does
not depend on ``s``: it is built once per input state, on ``0..W``, from the
anchors' relative laws (the anchor is the ``need``-th earliest:
``P(T <= t) = sum_{j >= need} [x^j] prod_i (1 - C_i(t) + x C_i(t))``, the
product of the CDFs for ``all``; this needs the anchors to be independent
given ``s``, which is checked), then shifted by a fixed delay or convolved with
the offset law ``P(offset <= k) = 1 - (1 - F_delay(k))**h`` (FFT) and scaled by
the ever chance. The milestone happens iff ``s + R <= W``.

The network then holds, per milestone, one small factor: ``P(M | root bit,
root inputs, inputs) = sum_s f(s) P(R <= W - s) / P(root)`` (``f`` the root's
day law), or ``P(M | D_root, inputs) = P(R <= W - s)`` when the root's day is
in the network. Milestones that do not follow one another are independent
given ``s``, so with ``D_root`` in the network any set of them has its exact
joint law; a milestone and one that follows it (or two that share an anchor
chain) get one joint factor, with ``s`` summed out by a two-dimensional
convolution: ``J(d, e) = sum_s f(s) K(d - s, e - s)`` with ``K`` the joint
relative law, from the conditional laws given the day of their last common
milestone (refused unless that milestone is one of the two, or both cannot happen
without it: where it never happens, the law given its day has nothing).
Anchors that share a chain of milestones are independent given the
day ``x`` of its last milestone ``c`` (ratifications by each side after a
signing that is itself a milestone): ``P(T <= t) = sum_x P(R_c = x) prod_i
P(R_i <= t | R_c = x)`` (:attr:`Layout.split`); its law given the day of one of
those anchors is summed over ``x`` as a product of two day-by-day matrices
(:meth:`Dated._cdf_given_anchor`); given another milestone than ``c`` or an
anchor it would need three days at once, and is refused. Milestones after
dated nodes of different roots, anchors that are not independent given the
root's day or one such ``c`` (compiling has already left out an anchor another
anchor follows: it never sets the latest or the earliest day),
and inputs that depend on a milestone of the group that the reader follows or
shares an anchor with are refused with
:class:`~pactsim.errors.ExactUnsupportedError`. A milestone that reads (through
its ever coin's parents and gates, or a hazard ratio) a milestone of its group
it neither follows nor shares an anchor with is answered: given the root's day
their relative days are independent, so the network holds ``D_root`` and what
it reads enters as any other input (:attr:`Layout.readers`).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from pactsim.errors import ExactUnsupportedError
from pactsim.inference.compile import BinaryPlan, CompiledModel
from pactsim.inference.dated import ConditionPlan, CurvePlan, MilestonePlan, needs_by_slot
from pactsim.language import expr as _expr

if TYPE_CHECKING:  # pragma: no cover
    from pactsim.inference.factors import Factor, Network

FloatArray = NDArray[np.float64]
TAX = 1 << 40  # temporary axis: a relative or absolute day (always the last axis)
CAX = TAX - 1  # temporary axis: the day of a milestone conditioned on


def ever_needs_variable(plan: BinaryPlan) -> bool:
    """Whether a milestone's ever coin has parents, drivers, gates or a drawn p."""
    return bool(plan.parents or plan.drivers or plan.gates_true or plan.gates_false
                or plan.beta_given is not None)


def _listed(names: Iterable[str], most: int = 6) -> str:
    """``'a', 'b', 'c'``; past ``most`` names, the first ones and how many more (a
    message stays a line however long the chain)."""
    out = [repr(x) for x in names]
    if len(out) <= most:
        return ", ".join(out)
    return ", ".join(out[:most - 1]) + f" and {len(out) - most + 1:,} more"


@dataclass(frozen=True)
class Plan:
    """Which dated quantities a network holds: ``days`` (slots whose day variable has
    every state; a milestone's is given its root's day when the root's day is there,
    else given the root's bit) and ``pairs`` ``(a, b)`` of milestones of one group,
    one following the other or sharing anchors, whose joint law is one factor (``b``
    given ``a``, the root's day summed out); ``pair_days`` are the pair members whose
    day (not only their bit) is needed."""

    days: frozenset[int]
    pairs: tuple[tuple[int, int], ...] = ()
    pair_days: frozenset[int] = frozenset()


class Layout:
    """Variable ids of the dated part (day variable of slot ``k`` is ``date_base + k``,
    ever coins after them) and the groups of dated nodes."""

    def __init__(self, model: CompiledModel, n_drivers: int) -> None:
        self.model = model
        self._plans: dict[tuple[Any, ...], Plan] = {}
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
        self.children: dict[int, list[int]] = {k: [] for k in range(len(model.dated))}
        for t in model.timing.values():
            if isinstance(t, MilestonePlan):
                for a in t.anchors:
                    self.children[a].append(t.slot)
        # milestone ancestors (slots, the milestone itself included) and the root of each
        self.anc: dict[int, frozenset[int]] = {}
        self.root: dict[int, int] = {}
        #: milestones whose anchors share a chain, and the last milestone of it: given
        #: that milestone's day the anchors are independent (ratifications by each side
        #: after a signing that is itself a milestone, then entry into force after both)
        self.split: dict[int, int] = {}
        #: per slot, the dated nodes it cannot happen without (itself included)
        self.needs = needs_by_slot(model.timing)
        for k in self._slot_order():
            t = self.timing(k)
            if isinstance(t, CurvePlan):
                self.root[k] = k
                self.anc[k] = frozenset()
                continue
            roots = {self.root[a] for a in t.anchors}
            if len(roots) > 1:
                follows = _listed(model.dated[a] for a in t.anchors)
                timed = "each timed by its own curve" if set(t.anchors) == roots else \
                    "which go back to different curve-timed nodes (" + \
                    _listed(model.dated[r] for r in sorted(roots)) + ")"
                raise ExactUnsupportedError(
                    f"exact inference handles a milestone whose anchors all descend from one "
                    f"curve-timed node; '{t.name}' follows {follows}, {timed}; "
                    "use pactsim.simulate")
            self.root[k] = roots.pop()
            seen: set[int] = set()
            shared: set[int] = set()
            for a in t.anchors:
                shared |= self.anc[a] & seen
                seen |= self.anc[a]
            if shared:
                self.split[k] = self._split_at(t, shared)
            self.anc[k] = frozenset(seen | {k})
        self.groups: dict[int, list[int]] = {}
        for k in self._slot_order():
            if self.root[k] != k:
                self.groups.setdefault(self.root[k], []).append(k)
        self.reads: dict[int, set[int]] = {}  # a reader -> the milestones it reads
        self._check_inputs()
        self._check_readers_joined()

    def timing(self, slot: int) -> CurvePlan | MilestonePlan:
        return self.model.timing[self.slot_index[slot]]

    def _split_at(self, t: MilestonePlan, shared: set[int]) -> int:
        """The milestone ``c`` whose day makes the anchors of ``t`` independent: the last
        one they share (its ancestors are all they share), with every anchor after it
        or apart from its chain. Refused otherwise (two anchors sharing milestones
        along separate chains)."""
        model = self.model
        for c in shared:
            # every anchor after c cannot happen without it (where c never happens they
            # never do: the law given c's day, and nothing where it has none), and the
            # others are apart from its chain
            if self.anc[c] == shared and all(c in self.needs[a] if c in self.anc[a]
                                             else not self.anc[a] & shared
                                             for a in t.anchors):
                # an anchor that is itself independent only given another milestone's day
                # would need its law given c: three days at once
                for a in t.anchors:
                    if a != c and self.split.get(a, c) != c:
                        raise ExactUnsupportedError(
                            f"exact inference cannot give the law of '{t.name}': it follows "
                            f"'{model.dated[a]}', whose anchors are independent only given "
                            f"the day of '{model.dated[self.split[a]]}', and "
                            f"'{model.dated[c]}', which '{model.dated[a]}' also depends on "
                            "(three days at once); use pactsim.simulate")
                return c
        last = [c for c in shared if self.anc[c] == shared]
        loose = [a for a in t.anchors for c in last
                 if c in self.anc[a] and c not in self.needs[a]]
        if last and loose:
            raise ExactUnsupportedError(
                f"exact inference cannot give the law of '{t.name}': it follows "
                f"'{model.dated[loose[0]]}', which depends on '{model.dated[last[0]]}' but "
                f"can happen without it, and its other anchors depend on "
                f"'{model.dated[last[0]]}' too (its law where '{model.dated[last[0]]}' never "
                "happens would be needed); use pactsim.simulate")
        raise ExactUnsupportedError(
            f"exact inference needs the anchors of a milestone to be independent given "
            f"their root's day or the day of one milestone they all follow; the anchors of "
            f"'{t.name}' share {_listed(model.dated[c] for c in sorted(shared))} along "
            "separate chains; use pactsim.simulate")

    def _slot_order(self) -> list[int]:
        """Slots with anchors first (binary indices are topological)."""
        return [self.model.timing[i].slot for i in sorted(self.model.timing)]

    def date_var(self, slot: int) -> int:
        return self.date_base + slot

    def is_root(self, slot: int) -> bool:
        return self.root[slot] == slot

    def inputs(self, slot: int) -> list[int]:
        """Binary variables and drivers (``n_binary + d``) a dated node's own timing reads
        (a milestone's ever coin counts as its variable, or not at all when constant)."""
        m = self.model
        nb = m.n_binary
        t = self.timing(slot)
        out = [*t.hazard.parents, *(nb + d for d in t.hazard.drivers)]
        if isinstance(t, CurvePlan):
            out += [*t.given, *t.gates_true, *t.gates_false]
        elif t.index in self.ever:
            out.append(self.ever[t.index])
        return out

    def _check_inputs(self) -> None:
        """Refuse a milestone whose timing or ever coin depends on a milestone of its group."""
        m = self.model
        nb = m.n_binary
        dep: dict[int, set[int]] = {}  # binary index -> milestone slots it depends on
        for i, plan in enumerate(m.plans):
            parents: list[int] = [*plan.parents, *plan.gates_true, *plan.gates_false]
            own: set[int] = set()
            if i in m.timing:
                t = m.timing[i]
                parents += [v for v in self.inputs(t.slot) if v < nb]
                if isinstance(t, MilestonePlan):
                    own.add(t.slot)
                    for a in t.anchors:
                        own |= dep.get(self.slot_index[a], set())
            if i in m.conditions:
                for node in _walk(m.conditions[i].tree):
                    if isinstance(node, _expr.DateOf | _expr.Name) and node.name in m.index:
                        j = m.index[node.name]
                        parents.append(j)
            for p in parents:
                own |= dep.get(p, set())
            dep[i] = own
        #: per group, its milestones that read a milestone of the group they neither
        #: follow nor share an anchor with: answered given the root's day, which the
        #: network then holds
        self.readers: dict[int, set[int]] = {}
        for root, members in self.groups.items():
            for k in members:
                t = self.timing(k)
                plan = m.plans[t.index]
                for field, reads in (("hazard_ratio", t.hazard.parents),
                                     ("given", plan.given), ("odds", plan.odds_parents),
                                     ("requires", plan.gates_true),
                                     ("excludes", plan.gates_false)):
                    for v in reads:
                        bad = dep.get(v, set()) & set(members)
                        if not bad:
                            continue
                        if not any(self.dependent(k, b) for b in bad):
                            # given the root's day, k's relative day is independent of
                            # theirs: what k reads enters as a bit or a day like any input
                            self.readers.setdefault(root, set()).add(k)
                            self.reads.setdefault(k, set()).update(bad)
                            continue
                        # an outcome row ('x=lo') is its node's, as written; a
                        # condition ('m.date <= 2025-08-01') is its own text
                        name = m.names[v] if v in m.conditions else \
                            m.names[v].partition("=")[0]
                        via = "" if m.slot.get(name) in members else \
                            f", which depends on {_listed(m.dated[b] for b in sorted(bad))}"
                        raise ExactUnsupportedError(
                            f"exact inference needs a milestone's chance, gates and delay not "
                            f"to depend on a milestone after '{m.dated[root]}' that it follows "
                            f"or shares an anchor with; '{t.name}' reads '{name}' in "
                            f"{field}{via}; use pactsim.simulate")

    def _check_readers_joined(self) -> None:
        """Refuse a milestone after two anchors one of which (or a milestone before it)
        reads the other's chain: given the root's day they are not independent
        (review-session14b: after all of m0 and m1, where m1 excludes m0, got 0.106 where
        it cannot happen)."""
        if not self.reads:
            return
        m = self.model
        readers = set(self.reads)
        for k in self._slot_order():
            t = self.timing(k)
            if not isinstance(t, MilestonePlan):
                continue
            for a in t.anchors:
                for b in t.anchors:
                    if a == b:
                        continue
                    chain_b = self.anc[b] | {b}
                    for r in (self.anc[a] | {a}) & readers:
                        if self.reads[r] & chain_b:
                            raise ExactUnsupportedError(
                                f"exact inference cannot give the law of '{t.name}': it "
                                f"follows '{m.dated[a]}' and '{m.dated[b]}', and "
                                f"'{m.dated[r]}' reads "
                                f"{_listed(m.dated[x] for x in sorted(self.reads[r] & chain_b))}"
                                " (its chance, gates or delay): the two are not independent; "
                                "use pactsim.simulate")

    def dependent(self, a: int, b: int) -> bool:
        """Whether two milestones of one group are dependent given the root's day."""
        return bool(self.anc[a] & self.anc[b])

    def meet(self, a: int, b: int) -> int:
        """The last milestone both depend on (each shared milestone comes before it)."""
        common = self.anc[a] & self.anc[b]
        m = self.model
        for c in common:
            if self.anc[c] >= common:
                if c not in (a, b) and (c not in self.needs[a] or c not in self.needs[b]):
                    # where c never happens one of them still can: the law given c's day
                    # leaves that out (review-session14b: P(x and y) 0.22 for 0.58)
                    loose = m.dated[a] if c not in self.needs[a] else m.dated[b]
                    raise ExactUnsupportedError(
                        f"exact inference cannot give the joint law of '{m.dated[a]}' and "
                        f"'{m.dated[b]}': both depend on '{m.dated[c]}', and '{loose}' can "
                        "happen without it; use pactsim.simulate")
                return c
        raise ExactUnsupportedError(
            f"exact inference cannot give the joint law of '{m.dated[a]}' and '{m.dated[b]}': "
            f"they share {_listed(m.dated[c] for c in sorted(common))} along "
            "separate chains; use pactsim.simulate")

    def upstream(self, indices: Collection[int]) -> set[int]:
        """Binary indices ``indices`` and every binary node they depend on."""
        m = self.model
        seen = set(indices)
        todo = list(seen)
        while todo:
            i = todo.pop()
            plan = m.plans[i]
            nxt = [*plan.parents, *plan.gates_true, *plan.gates_false]
            if i in m.timing:
                t = m.timing[i]
                nxt += [v for v in self.inputs(t.slot) if v < m.n_binary]
                if isinstance(t, MilestonePlan):
                    nxt += [self.slot_index[a] for a in t.anchors]
            if i in m.conditions:
                nxt += [m.index[x.name] for x in _walk(m.conditions[i].tree)
                        if isinstance(x, _expr.DateOf | _expr.Name) and x.name in m.index]
            for j in nxt:
                if j not in seen:
                    seen.add(j)
                    todo.append(j)
        return seen

    def base_needs(self, within: Collection[int] | None = None) -> tuple[set[int], set[int]]:
        """``(days, bits)``: slots whose day a condition reads, and milestone slots whose
        bit another node reads (parents, gates, hazard ratios, conditions); only of the
        nodes ``within`` (binary indices) when given."""
        m = self.model
        days: set[int] = set()
        bits: set[int] = set()
        milestones = {i for i, t in m.timing.items() if isinstance(t, MilestonePlan)}
        keep = set(range(m.n_binary)) if within is None else set(within)
        for ci, c in m.conditions.items():
            if ci not in keep:
                continue
            for node in _walk(c.tree):
                if isinstance(node, _expr.DateOf):
                    days.add(m.slot[node.name])
                elif isinstance(node, _expr.Name) and node.name in m.index \
                        and m.index[node.name] in milestones:
                    bits.add(m.timing[m.index[node.name]].slot)
        for i, plan in enumerate(m.plans):
            if i not in keep:
                continue
            reads = {*plan.parents, *plan.gates_true, *plan.gates_false}
            if i in m.timing:
                reads |= set(m.timing[i].hazard.parents)
                t = m.timing[i]
                if isinstance(t, CurvePlan):
                    reads |= {*t.given, *t.gates_true, *t.gates_false}
            bits |= {m.timing[v].slot for v in reads & milestones}
        return days, bits

    def plan(self, days: Collection[int], bits: Collection[int],
             within: Collection[int] | None = None) -> Plan:
        """The :class:`Plan` for a network that must hold the days ``days`` and the joint
        law of the bits of slots ``bits``, plus what the model's own nodes need (only
        the nodes ``within``, binary indices, when given: a network for an expression
        over them). Kept per arguments: it depends on the model's structure alone."""
        key = (frozenset(days), frozenset(bits), None if within is None else frozenset(within))
        found = self._plans.get(key)
        if found is None:
            found = self._plans[key] = self._plan(days, bits, within)
        return found

    def _plan(self, days: Collection[int], bits: Collection[int],
              within: Collection[int] | None) -> Plan:
        m = self.model
        bdays, bbits = self.base_needs(within)
        want_days = set(days) | bdays
        want_bits = {k for k in set(bits) | bbits if not self.is_root(k)}
        out_days: set[int] = set()
        pairs: list[tuple[int, int]] = []
        pair_days: set[int] = set()
        keep = set(range(m.n_binary)) if within is None else set(within)
        for root, members in self.groups.items():
            need = sorted(k for k in members if k in want_days or k in want_bits)
            reads = sorted(k for k in self.readers.get(root, ())
                           if self.slot_index[k] in keep)
            if reads:  # a milestone reads another of the group: given the root's day
                want_days.add(root)
            dep = [(a, b) for j, a in enumerate(need) for b in need[j + 1:]
                   if self.dependent(a, b)]
            if dep:
                if len(need) > 2 or root in want_days:
                    a, b = dep[0]
                    others = [m.dated[k] for k in need if k not in (a, b)]
                    if root in want_days:
                        others.insert(0, m.dated[root])
                    raise ExactUnsupportedError(
                        f"exact inference gives the joint law of a milestone and one that "
                        f"follows it or shares its anchors ('{m.dated[a]}', '{m.dated[b]}') "
                        f"only on their own; this needs it with "
                        f"{_listed(others)} too (a table over three days); "
                        "use pactsim.simulate")
                a, b = dep[0]
                pairs.append((a, b))
                pair_days |= {k for k in (a, b) if k in want_days}
                out_days |= {k for k in (a, b) if k in want_days}
                continue
            if root in want_days or len(need) >= 2:
                out_days.add(root)
            out_days |= {k for k in need if k in want_days}
        for k in want_days:
            if self.is_root(k) and k not in self.groups:
                out_days.add(k)
        return Plan(frozenset(out_days), tuple(pairs), frozenset(pair_days))


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
    """A factor over ``v`` (two states) and the union of ``f0``'s and ``f1``'s variables:
    ``f0`` where ``v`` is 0 and ``f1`` where it is 1 (a factor that has ``v`` itself, such
    as a milestone's law with its root's bit as a hazard parent, is read at that state)."""
    from pactsim.inference.factors import Factor

    if v in f0.vars:
        f0 = take(f0, v, 0)
    if v in f1.vars:
        f1 = take(f1, v, 1)
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
def _arr(a: NDArray[Any]) -> tuple[Any, ...]:
    return (a.dtype.str, a.shape, a.tobytes())


def _hazard_key(hz: Any) -> tuple[Any, ...]:
    return (hz.parents, _arr(np.asarray(hz.logf)), hz.drivers, _arr(np.asarray(hz.driver_logf)))


def dated_signature(model: CompiledModel) -> tuple[Any, ...]:
    """:func:`_dated_signature` of ``model``, kept on it (a compiled model is frozen)."""
    sig: tuple[Any, ...] | None = model.__dict__.get("_dated_signature")
    if sig is None:
        sig = _dated_signature(model)
        model.__dict__["_dated_signature"] = sig
    return sig


def _dated_signature(model: CompiledModel) -> tuple[Any, ...]:
    """Everything :class:`Dated` reads from ``model``, numbers included: two models
    with equal signatures (and the same driver rules) have the same dated factors, so
    a variant that changes only other nodes' numbers reuses them (issue 16 item 3)."""
    items: list[tuple[Any, ...]] = []
    for i, t in sorted(model.timing.items()):
        p = model.plans[i]
        structure = (p.kind, p.parents, p.gates_true, p.gates_false, p.drivers,
                     p.beta_given is None)
        if isinstance(t, CurvePlan):
            items.append(("curve", i, t.name, t.slot, _arr(t.days), _arr(t.cum), t.given,
                          _hazard_key(t.hazard), t.gates_true, t.gates_false, structure))
        else:
            d = t.delay
            ever = None if ever_needs_variable(p) else float(p.p_given[0])
            items.append(("milestone", i, t.name, t.slot, t.anchors, t.need, t.mode,
                          (d.kind, d.days, d.mu, d.sigma, _arr(d.points), _arr(d.cum)),
                          t.horizon, t.span, _hazard_key(t.hazard), structure, ever))
    conditions = tuple((i, c.name) for i, c in sorted(model.conditions.items()))
    return (model.as_of, model.horizon, model.n_binary, model.names, model.dated,
            tuple(items), conditions)


def _need_of(cdfs: Sequence[Factor], need: int) -> Factor:
    """``P(at least need of the anchors by t)`` from their CDFs, independent given the
    factors' variables: the product for all of them, else the coefficient of ``x^need``
    and above in ``prod_i (1 - C_i + x C_i)``."""
    from pactsim.inference.factors import Factor

    if need == len(cdfs):
        return mul(*cdfs)
    coeffs: list[Factor] = [Factor((), np.ones(()))]
    for P in cdfs:
        x0 = Factor(P.vars, 1.0 - P.table)
        new: list[Factor] = []
        for j in range(min(len(coeffs) + 1, need + 1)):
            parts = []
            if j < len(coeffs):
                parts.append(mul(coeffs[j], x0))
            if j >= 1:
                parts.append(mul(coeffs[j - 1], P))
            acc = parts[0]
            for p in parts[1:]:
                acc = add(acc, p)
            new.append(acc)
        if len(new) == need + 1 and len(coeffs) == need + 1:
            new[need] = add(new[need], mul(coeffs[need], P))  # "need or more"
        coeffs = new
    return coeffs[need]


def _conv(a: FloatArray, b: FloatArray, n_out: int) -> FloatArray:
    """Linear convolution of the last axes of ``a`` and ``b`` (broadcast), first ``n_out``.

    By FFT, whose rounding error on an entry is at most about
    ``eps * log2(n) * sum(a) * sum(b)`` and shows as noise (about 1e-17 of the mass)
    where the true convolution is 0: a day that cannot happen would get a probability
    like 3e-19, and evidence that it happened would be conditioned on noise. Entries
    below :data:`CONV_RESOLUTION` times that bound are set to 0: they are below what
    the FFT resolves (so the error stays within the FFT's own), and a day whose true
    chance is that small is treated as impossible."""
    from scipy import fft as _fft  # when first needed: ~0.1 s of every `pactsim check`

    n = _fft.next_fast_len(a.shape[-1] + b.shape[-1] - 1, real=True)
    out = _fft.irfft(_fft.rfft(a, n, axis=-1) * _fft.rfft(b, n, axis=-1), n, axis=-1)
    scale = np.abs(a).sum(axis=-1, keepdims=True) * np.abs(b).sum(axis=-1, keepdims=True)
    floor = CONV_RESOLUTION * np.finfo(np.float64).eps * math.log2(n) * scale
    out = out[..., :n_out]
    return np.asarray(np.where(out > floor, out, 0.0), dtype=np.float64)


def _diagonal_conv(K: FloatArray, f: FloatArray, block: int = 256) -> FloatArray:
    """``J(d, e) = sum_s f(s) K(d - s, e - s)`` for ``d, e < S`` (``K`` over ``(..., S, S)``,
    ``f`` over ``(..., S)``, broadcast): along each diagonal ``e - d = g`` a convolution in
    ``d``, taken a block of diagonals at a time. A two-dimensional FFT of the whole table
    with ``f`` spread on its diagonal (before review-fuzz15) held five arrays of
    ``(2S)^2`` complex numbers at once: 1.3 GB a question on a six-year horizon."""
    from scipy import fft as _fft

    S = K.shape[-1]
    n = _fft.next_fast_len(2 * S - 1, real=True)
    fh = _fft.rfft(f, n, axis=-1)[..., None]  # (..., n // 2 + 1, 1)
    shape = np.broadcast_shapes(K.shape[:-2], f.shape[:-1])
    out = np.zeros((*shape, S, S))
    x = np.arange(S)
    for g0 in range(-(S - 1), S, block):
        g = np.arange(g0, min(g0 + block, S))  # the diagonals e - d = g of this block
        y = x[:, None] + g[None, :]  # K(x, x + g), 0 where x + g is outside the table
        ok = (y >= 0) & (y < S)
        kg = np.where(ok, np.take_along_axis(
            K, np.broadcast_to(np.clip(y, 0, S - 1), (*K.shape[:-2], S, len(g))), axis=-1),
            0.0)
        jg = _fft.irfft(_fft.rfft(kg, n, axis=-2) * fh, n, axis=-2)[..., :S, :]
        out[..., x[:, None].repeat(len(g), 1)[ok], y[ok]] = jg[..., ok]
    return out


#: Multiple of the FFT's rounding bound below which a convolved probability is 0.
CONV_RESOLUTION = 8.0
#: Bytes of relative laws (:meth:`Dated.rel`) kept between queries; past it the
#: cache is emptied (the laws are remade when asked again: the same numbers).
REL_CACHE_BYTES = 256 * 2**20


class Dated:
    """Factors of dated nodes and conditions for one model and one set of driver rules."""

    def __init__(self, net: Network) -> None:
        self.net = net
        self.model = net.model
        self.lay = Layout(net.model, len(net.rules))
        self.S = self.lay.W + 1
        self._curve: dict[int, Factor] = {}
        self._rel: dict[tuple[int, int], Factor] = {}
        self._rel_bytes = 0
        self._shifted: dict[tuple[int, int], bool] = {}
        self._cache: dict[tuple[Any, ...], Factor] = {}

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the day-by-day laws kept between queries (remade when asked:
        the same numbers); review-python15: a pickle of exact results grew from 0.9 MB to
        24 MB once its marginals and questions had been asked."""
        state = dict(self.__dict__)
        state.update(_rel={}, _rel_bytes=0, _cache={}, _curve={})
        return state

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

    def _logh(self, hz: Any, vars_: Sequence[int], name: str = "a dated node"
              ) -> FloatArray | None:
        if not hz:
            return None
        nb = self.model.n_binary
        acc = np.zeros([1] * len(vars_))
        for v, lf in zip(hz.parents, hz.logf, strict=True):
            acc = acc + float(lf) * self._grid(vars_, v)
        for d, lf in zip(hz.drivers, hz.driver_logf, strict=True):
            with np.errstate(over="ignore", invalid="ignore"):
                acc = acc + float(lf) * self._grid(vars_, nb + d)
        if hz.drivers and np.isnan(acc).any():  # inf - inf: as Monte Carlo refuses it
            from pactsim.inference.dated import hazard_overflow

            raise hazard_overflow(name)
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

    # roots
    def curve_G(self, plan: CurvePlan) -> Factor:
        """``G(j)`` over the curve's context and day axis :data:`TAX` (``j = 0..W``)."""
        if plan.index in self._curve:
            return self._curve[plan.index]
        from pactsim.inference.factors import Factor

        nb = self.model.n_binary
        ctx = sorted({*plan.given, *plan.hazard.parents,
                      *(nb + d for d in plan.hazard.drivers)})
        shape = [self.card(v) for v in ctx]
        entries = math.prod(shape) * self.S
        if entries > self.net.max_table:  # before anything is allocated
            from pactsim.inference.factors import too_wide

            raise too_wide(entries, [self.net.name(v) for v in ctx] + [f"{plan.name}.date"],
                           self.net.max_table, f"of the timing of '{plan.name}'")
        days = self.model.as_of + np.arange(self.S)
        rows = np.array([np.interp(days, plan.days, c) for c in plan.cum])
        row = np.zeros([1] * len(ctx), dtype=np.int64)
        for j, g in enumerate(plan.given):
            row = row + (self._grid(ctx, g).astype(np.int64) << j)
        row = np.broadcast_to(row, shape) if ctx else row.reshape(())
        F = rows[row]
        G = self._power(F, self._logh(plan.hazard, ctx, plan.name))
        G = np.ascontiguousarray(np.broadcast_to(G, (*shape, self.S)))
        out = Factor((*ctx, TAX), G)
        self._curve[plan.index] = out
        return out

    def root_law(self, slot: int) -> Factor:
        """``f(j)`` = P(root day = j) over its context and :data:`TAX` (j = 0: no day)."""
        key = ("root", slot)
        if key not in self._cache:
            from pactsim.inference.factors import Factor

            t = self.lay.timing(slot)
            assert isinstance(t, CurvePlan)
            G = self.curve_G(t)
            f = np.diff(G.table, axis=-1, prepend=0.0)
            f[..., 0] = 0.0
            one = mul(Factor(G.vars, f), self._gates(t.gates_true, t.gates_false))
            one = full_shape(one, {**{v: self.card(v) for v in one.vars}, TAX: self.S})
            tab = np.array(one.table)
            tab[..., 0] = np.maximum(1.0 - tab.sum(axis=-1), 0.0)
            self._cache[key] = Factor(one.vars, tab)
        return self._cache[key]

    def curve_bit(self, plan: CurvePlan) -> Factor:
        key = ("curve_bit", plan.index)
        if key not in self._cache:
            G = self.curve_G(plan)
            q = mul(take(G, TAX, self.S - 1), self._gates(plan.gates_true, plan.gates_false))
            self._cache[key] = stack_bit(plan.index, add(ones_over_like(q), q, -1.0), q)
        return self._cache[key]

    # relative laws
    def _offset(self, plan: MilestonePlan) -> Factor:
        """``g(k) = P(offset = k)`` over the hazard context and axis :data:`TAX`."""
        from pactsim.inference.factors import Factor

        nb = self.model.n_binary
        ctx = sorted({*plan.hazard.parents, *(nb + d for d in plan.hazard.drivers)})
        self._within((*ctx, TAX), f"of the delay of '{plan.name}'", [f"{plan.name}.date"])
        k = np.arange(self.S, dtype=np.float64)
        F = np.clip(plan.delay.cdf(k), 0.0, 1.0)
        logh = self._logh(plan.hazard, ctx, plan.name)
        shape = [1] * len(ctx) + [self.S]
        if logh is None:
            G = F.reshape(shape)
        else:  # 1 - S**h from the survival S itself: a far tail (8e-19) keeps its digits
            S = np.clip(plan.delay.sf(k), 0.0, 1.0).reshape(shape)
            with np.errstate(over="ignore", under="ignore", divide="ignore",
                             invalid="ignore"):
                out = -np.expm1(np.exp(logh)[..., None] * np.log(S))
            G = np.asarray(np.where(S <= 0.0, 1.0, np.where(S >= 1.0, 0.0, out)),
                           dtype=np.float64)
        G = np.broadcast_to(G, (*[self.card(v) for v in ctx], self.S))
        g = np.diff(G, axis=-1, prepend=0.0)
        return Factor((*ctx, TAX), np.ascontiguousarray(g))

    def rel(self, slot: int, given: int = -1) -> Factor:
        """The relative law of ``slot``'s day: ``P(R = r)`` (sub-probability: the rest is
        "never"), ``r = 0..W`` on :data:`TAX`, over its inputs; with ``given`` (a milestone
        it depends on) conditional on that milestone's relative day on :data:`CAX`.

        Internally ``given <= -2`` stands for milestone ``-given - 2`` taken as the start
        (day 0) of the law, which is then over :data:`TAX` alone (:meth:`_shifts`)."""
        lay = self.lay
        if given >= 0 and given not in lay.anc[slot]:
            given = -1
        key = (slot, given)
        if key in self._rel:
            return self._rel[key]
        # the anchors' laws first, deepest first, on an explicit stack: no recursion on
        # the length of a chain of milestones. A law is dropped once every law that reads
        # it is made, so a chain holds a few day-by-day tables at a time, not one a link.
        users: dict[tuple[int, int], int] = {}
        todo, seen = [key], {key}
        while todo:
            for k in self._anchor_keys(*todo.pop()):
                if k in self._rel:
                    continue
                users[k] = users.get(k, 0) + 1
                if k not in seen:
                    seen.add(k)
                    todo.append(k)
        made: dict[tuple[int, int], Factor] = {}
        done: set[tuple[int, int]] = set()  # made (and perhaps dropped since): never again
        stack = [key]
        while stack:
            k = stack[-1]
            need = [a for a in self._anchor_keys(*k) if a not in done and a not in self._rel]
            if need:
                stack.extend(need)
                continue
            stack.pop()
            if k in done:
                continue
            done.add(k)
            made[k] = self._rel_one(*k, made)
            for a in self._anchor_keys(*k):
                if a in users:
                    users[a] -= 1
                    if users[a] == 0:
                        del made[a]
        self._keep({key: made[key]})
        return made[key]

    def _anchor_keys(self, slot: int, given: int) -> list[tuple[int, int]]:
        """The keys of the relative laws :meth:`_rel_one` of ``(slot, given)`` reads."""
        lay = self.lay
        if lay.is_root(slot) or slot == given or slot == -given - 2:
            return []
        if given >= 0 and self._shifts(slot, given):
            return [(slot, -given - 2)]  # read as a table of differences (_rel_one)
        plan = lay.timing(slot)
        assert isinstance(plan, MilestonePlan)
        c = lay.split.get(slot)
        if c is not None and given < 0:
            # the law of the milestone they share, then each anchor's given its day
            return [(c, given), *((a, c) if c in lay.anc[a] else (a, given)
                                  for a in plan.anchors)]
        if c is not None and given >= 0 and given != c and given in plan.anchors \
                and c in lay.anc[given]:
            # its law given one of its anchors, through the milestone they share
            # (_cdf_given_anchor): c's law, the anchor's given c, the others' given c
            return [(c, -1), (given, c), *((a, c) if c in lay.anc[a] else (a, -1)
                                            for a in plan.anchors if a != given)]
        if c is not None and given != c:
            m = self.model
            raise ExactUnsupportedError(
                f"exact inference cannot give the law of '{m.dated[slot]}' given "
                f"'{m.dated[given]}': its anchors ({_listed(m.dated[a] for a in plan.anchors)}) "
                f"are independent only given the day of '{m.dated[c]}'; use pactsim.simulate")
        if given <= -2:
            return [(a, given) for a in plan.anchors]
        return [(a, given if given >= 0 and given in lay.anc[a] else -1)
                for a in plan.anchors]

    def _shifts(self, slot: int, given: int) -> bool:
        """Whether ``slot``'s relative day given milestone ``given``'s is that day plus a
        law of its own: every anchor of ``slot``, and of each milestone between, is
        ``given`` or drawn after it. The law given ``given`` is then a table of
        differences, ``L(x, y) = d(y - x)``, made from ``d`` (the law with ``given`` on
        day 0) in one pass: no convolution of a day-by-day table per link (what to
        watch on a chain of 30 milestones rebuilt hundreds of those)."""
        key = (slot, given)
        if key not in self._shifted:
            lay = self.lay
            ok, todo, seen = True, [slot], {slot}
            while todo and ok:
                x = todo.pop()
                if x == given:
                    continue
                plan = lay.timing(x)
                if not isinstance(plan, MilestonePlan):
                    ok = False
                    break
                for a in plan.anchors:
                    if a != given and given not in lay.anc[a]:
                        ok = False
                        break
                    if a not in seen:
                        seen.add(a)
                        todo.append(a)
            self._shifted[key] = ok
        return self._shifted[key]

    def _keep(self, made: dict[tuple[int, int], Factor]) -> None:
        """Cache the laws just made, within :data:`REL_CACHE_BYTES` (a chain of milestones
        conditioned on one after another made a day-by-day table per pair, and kept them
        all: gigabytes on a 50-link chain over two years)."""
        size = sum(f.table.nbytes for f in made.values())
        if self._rel_bytes + size > REL_CACHE_BYTES:
            self._rel.clear()
            self._rel_bytes = 0
        if size <= REL_CACHE_BYTES:
            self._rel.update(made)
            self._rel_bytes += size

    def _rel_one(self, slot: int, given: int, made: Mapping[tuple[int, int], Factor]
                 ) -> Factor:
        """One relative law (see :meth:`rel`), its anchors' in ``made`` or the cache."""
        lay = self.lay
        from pactsim.inference.factors import Factor, too_wide

        S = self.S
        if given >= 0 and self.net.max_table < S * S:  # a table over two days: not built
            raise too_wide(S * S, [f"{self.model.dated[x]}.date"
                                   for x in (given, slot)], self.net.max_table,
                           f"for the law of '{self.model.dated[slot]}' given "
                           f"'{self.model.dated[given]}'")
        if lay.is_root(slot) or slot == -given - 2:
            d = np.zeros(S)
            d[0] = 1.0
            out = Factor((TAX,), d)
        elif slot == given:
            out = Factor((CAX, TAX), np.eye(S))
        elif given >= 0 and self._shifts(slot, given):
            k = (slot, -given - 2)
            d_ = made[k] if k in made else self._rel[k]
            # L(x, y) = d(y - x), 0 for y < x: row x of the table reads the vector
            # (S - 1 zeros, then d) from position S - 1 - x
            z = np.concatenate([np.zeros((*d_.table.shape[:-1], S - 1)), d_.table], axis=-1)
            rows = np.lib.stride_tricks.sliding_window_view(z, S, axis=-1)
            out = Factor((*d_.vars[:-1], CAX, TAX), np.ascontiguousarray(rows[..., ::-1, :]))
        else:
            plan = lay.timing(slot)
            assert isinstance(plan, MilestonePlan)
            keys = self._anchor_keys(slot, given)
            split = slot in lay.split and given < 0
            through = slot in lay.split and given >= 0 and given != lay.split[slot]
            if split:
                if self.net.max_table < S * S:  # the anchors' laws given a day: two days
                    c = lay.split[slot]
                    raise too_wide(S * S, [f"{self.model.dated[x]}.date" for x in (c, slot)],
                                   self.net.max_table, f"for the law of "
                                   f"'{self.model.dated[slot]}' through '{self.model.dated[c]}'")
                first, keys = keys[0], keys[1:]
                shared = made[first] if first in made else self._rel[first]
            cdfs = []
            for k in keys:
                L = made[k] if k in made else self._rel[k]
                cdfs.append(Factor(L.vars, np.cumsum(L.table, axis=-1)))
            need = plan.need if plan.mode not in ("one", "all") else len(plan.anchors)
            C = (self._cdf_given_anchor(slot, given, cdfs, need) if through
                 else _need_of(cdfs, need))
            if split:
                # P(T <= t) = sum_x P(R_c = x) P(T <= t | R_c = x), plus, when c never
                # happens (by the horizon), the anchors that do not follow it alone: those
                # after c never happen then (review-session14: under any or at_least they
                # can still set T, and that case was left out)
                C = sum_over(mul(C, relabel(shared, TAX, CAX)), CAX)
                after_c = [k[1] == lay.split[slot] for k in keys]
                if not all(after_c):
                    zero = Factor((), np.zeros(()))
                    C0 = _need_of([zero if a else P for P, a in zip(cdfs, after_c, strict=True)],
                                  need)
                    never = Factor(shared.vars[:-1], 1.0 - shared.table.sum(axis=-1))
                    C = add(C, mul(C0, never))
            C = full_shape(C, {**{v: self.card(v) for v in C.vars}, TAX: S, CAX: S})
            T = np.diff(C.table, axis=-1, prepend=0.0)
            out = self._shift(Factor(C.vars, T), plan)
            i = plan.index
            if i in lay.ever:
                out = stack_bit(lay.ever[i], Factor((), np.zeros(())), out)
            else:
                p_ever = float(self.model.plans[i].p_given[0])
                if p_ever != 1.0:
                    out = Factor(out.vars, out.table * p_ever)
        return out

    def _cdf_given_anchor(self, slot: int, given: int, cdfs: Sequence[Factor],
                          need: int) -> Factor:
        """``P(T <= t | R_g = x)`` on (:data:`CAX` = ``x``, :data:`TAX` = ``t``) for a
        milestone whose anchors are independent given the day ``z`` of the milestone
        ``c`` they share (:attr:`Layout.split`), given the day of ``g``, one of its
        anchors after ``c`` (so ``g`` needs ``c``: given ``g``'s day, ``c`` happened)::

            P(T <= t, R_g = x) = sum_z P(R_c = z) P(R_g = x | z)
                                 [B(t | z) + 1[x <= t] (A(t | z) - B(t | z))]

        with ``A`` and ``B`` the chances that ``need - 1`` and ``need`` of the other
        anchors are by ``t`` given ``z``. The sum over ``z`` is a product of two day-by-day
        matrices: two days at a time, never three. ``cdfs`` are the cumulative laws of
        :meth:`_anchor_keys`' keys, in order (``c``'s, ``g``'s given ``c``, the others')."""
        from pactsim.inference.factors import Factor

        S = self.S
        zax = TAX - 2
        m = self.model
        Pc = relabel(Factor(cdfs[0].vars, np.diff(cdfs[0].table, axis=-1, prepend=0.0)),
                     TAX, zax)
        Pg = cdfs[1]
        Pg = relabel(relabel(Factor(Pg.vars, np.diff(Pg.table, axis=-1, prepend=0.0)),
                             CAX, zax), TAX, CAX)
        others = [relabel(f, CAX, zax) if CAX in f.vars else f for f in cdfs[2:]]
        one = Factor((), np.ones(()))
        A = _need_of(others, need - 1) if need > 1 else one
        B = _need_of(others, need) if need <= len(others) else Factor((), np.zeros(()))
        P = mul(Pc, Pg)                                  # P(R_c = z, R_g = x): over z, x
        ctx = sorted({*P.vars, *A.vars, *B.vars} - {zax, CAX, TAX})
        self._within((*ctx, CAX, TAX), f"for the law of '{m.dated[slot]}' given "
                     f"'{m.dated[given]}'", [f"{m.dated[x]}.date" for x in (given, slot)])
        card = [self.card(v) for v in ctx]
        zx = np.broadcast_to(_expand(P, (*ctx, zax, CAX)), (*card, S, S))
        joint_x = zx.sum(axis=-2)                        # P(R_g = x)

        def through_z(Q: Factor) -> FloatArray:
            """``sum_z P(R_c = z, R_g = x) Q(t | z)`` over (x, t): a matrix product."""
            q = np.broadcast_to(_expand(Q, (*ctx, zax, TAX)), (*card, S, S))
            return np.asarray(np.matmul(np.swapaxes(zx, -1, -2), q), dtype=np.float64)

        out = through_z(B)
        out += np.triu(through_z(add(A, B, -1.0)))  # where x <= t: the upper triangle
        out = np.divide(out, joint_x[..., None], out=np.zeros_like(out),
                        where=joint_x[..., None] > 0)
        return Factor((*ctx, CAX, TAX), out)

    def _shift(self, T: Factor, plan: MilestonePlan) -> Factor:
        """``L(r) = sum_t T(t) g(r - t)`` for ``r <= W`` (the last axis)."""
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
        self._within(u, f"of the timing of '{plan.name}'",
                     [f"{plan.name}.date"] * max(1, sum(v >= CAX for v in u)))
        return Factor(u, _conv(_expand(T, u), _expand(g, u), self.S))

    def _within(self, vars_: Sequence[int], what: str, dates: Sequence[str]) -> None:
        """Refuse a table over ``vars_`` (:data:`TAX` and :data:`CAX`, and a temporary
        axis below them, are days, named ``dates`` in the message) above ``max_table``
        before it is allocated (review-fuzz15: a milestone's hazard ratio on four drivers
        built a table of 24^4 x 730 entries, 9.8 GB, unchecked)."""
        rest = [v for v in vars_ if v < CAX - 1]
        entries = math.prod(self.card(v) for v in rest) * self.S ** (len(vars_) - len(rest))
        if entries > self.net.max_table:
            from pactsim.inference.factors import too_wide

            raise too_wide(entries, [self.net.name(v) for v in rest] + list(dates),
                           self.net.max_table, what)

    def _cdf_at_rest(self, slot: int) -> Factor:
        """``P(R <= W - s)`` over the inputs and :data:`TAX` = ``s`` (0 at s = 0)."""
        from pactsim.inference.factors import Factor

        L = self.rel(slot)
        c = np.cumsum(L.table, axis=-1)
        rev = np.zeros_like(c)
        rev[..., 1:] = c[..., ::-1][..., 1:]  # rev[s] = c[W - s]
        return Factor(L.vars, rev)

    def _root_of(self, slot: int) -> tuple[int, int]:
        r = self.lay.root[slot]
        return r, self.lay.slot_index[r]

    # milestone factors
    def leaf_bit(self, slot: int, by_day: bool) -> Factor:
        """``P(M | D_root, inputs)`` (``by_day``) or ``P(M | root bit, root inputs, inputs)``."""
        key = ("bit", slot, by_day)
        if key in self._cache:
            return self._cache[key]
        lay = self.lay
        i = lay.slot_index[slot]
        r, ri = self._root_of(slot)
        q = self._cdf_at_rest(slot)
        if by_day:
            q = relabel(q, TAX, lay.date_var(r))
        else:
            q = self._given_root(mul(self.root_law(r), q), r, ri)
        out = stack_bit(i, add(ones_over_like(q), q, -1.0), q)
        self._cache[key] = out
        return out

    def _given_root(self, joint: Factor, r: int, ri: int) -> Factor:
        """``sum_{s >= 1} joint(s) / P(root)`` stacked on the root's bit (0 when not)."""
        from pactsim.inference.factors import Factor

        f = self.root_law(r)
        ax = joint.vars.index(TAX)
        tot = np.sum(np.delete(joint.table, 0, axis=ax) if joint.table.shape[ax] > 1
                     else joint.table, axis=ax)
        pr = Factor(f.vars[:-1], 1.0 - f.table[..., 0])
        q = safe_div(Factor(joint.vars[:ax] + joint.vars[ax + 1:], tot), pr)
        return stack_bit(ri, Factor((), np.zeros(())), q)

    def _day_given_root(self, slot: int) -> Factor:
        """``P(D_M = d | root happened, inputs)`` for d = 1..W on :data:`TAX` (d = 0: 0)."""
        r, _ri = self._root_of(slot)
        f = self.root_law(r)
        L = self.rel(slot)
        u = _union(f, L)
        fs = np.array(_expand(f, u))
        fs[..., 0] = 0.0
        den = 1.0 - _expand(f, u)[..., :1]
        joint = _conv(fs, _expand(L, u), self.S)
        from pactsim.inference.factors import Factor

        out = np.divide(joint, den, out=np.zeros(np.broadcast_shapes(joint.shape, den.shape)),
                        where=den > 0)
        out[..., 0] = 0.0
        return Factor(u, out)

    def leaf_day(self, slot: int, by_day: bool) -> Factor:
        """``P(D_M | D_root, inputs)`` (``by_day``) or ``P(D_M | root bit, inputs)``."""
        key = ("day", slot, by_day)
        if key in self._cache:
            return self._cache[key]
        from pactsim.inference.factors import Factor

        lay = self.lay
        dv = lay.date_var(slot)
        r, ri = self._root_of(slot)
        rv = lay.date_var(r)
        S = self.S
        if by_day:
            L = self.rel(slot)
            entries = math.prod(self.card(v) for v in L.vars[:-1]) * S * S
            if entries > self.net.max_table:  # before anything is allocated
                from pactsim.inference.factors import too_wide

                raise too_wide(entries, [self.net.name(v) for v in (*L.vars[:-1], rv, dv)],
                               self.net.max_table, f"of the factor of '{self.net.name(dv)}'")
            # tab[..., s, d] = L[..., d - s] for 1 <= s <= d (row s: the root on day s),
            # each row a slice of L (no index table over S x S); day 0 ("not by the
            # horizon") takes the rest of each row, whose sum is a running sum of L
            tab = np.zeros((*L.table.shape[:-1], S, S))
            for s in range(1, S):
                tab[..., s, s:] = L.table[..., :S - s]
            rows = np.zeros((*L.table.shape[:-1], S))
            rows[..., 1:] = np.cumsum(L.table, axis=-1)[..., S - 2::-1]  # row s: L[:S - s]
            tab[..., 0] = np.maximum(1.0 - rows, 0.0)
            out = relabel(relabel(Factor((*L.vars[:-1], CAX, TAX), tab), CAX, rv), TAX, dv)
        else:
            one = self._day_given_root(slot)
            tab = np.array(one.table)
            tab[..., 0] = np.maximum(1.0 - tab.sum(axis=-1), 0.0)
            none = np.zeros(S)
            none[0] = 1.0
            out = relabel(stack_bit(ri, Factor((TAX,), none), Factor(one.vars, tab)), TAX, dv)
        self._cache[key] = out
        return out

    def pair(self, a: int, b: int, days: frozenset[int]) -> tuple[Factor, Factor]:
        """``(P(vA | root bit, inputs), P(vB | vA, root bit, inputs))`` for dependent
        milestones ``a``, ``b``; ``vX`` is ``X``'s day variable if ``X in days``, else its bit."""
        key = ("pair", a, b, days)
        if key in self._cache:
            return self._cache[key], self._cache[(*key, "b")]
        from pactsim.inference.factors import Factor, too_wide

        lay, S, W = self.lay, self.S, self.lay.W
        r, ri = self._root_of(a)
        c = lay.meet(a, b)
        da, db = a in days, b in days
        na, nb_ = (S if da else 2), (S if db else 2)
        names = [self.model.dated[x] + (".date" if x in days else "") for x in (a, b)]
        least = max(S * S, 2 * na * nb_)  # the laws over two days; the joint law made here
        if self.net.max_table < least:  # before any of them is built
            over = [self.net.name(ri), *names] if least > S * S else \
                [f"{self.model.dated[x]}.date" for x in (a, b)]
            raise too_wide(least, over, self.net.max_table,
                           f"for the joint law of '{self.model.dated[a]}' "
                           f"and '{self.model.dated[b]}'")
        La, Lb = self.rel(a, c), self.rel(b, c)
        Lc = self.rel(c)
        f = self.root_law(r)
        kvars = sorted({*La.vars, *Lb.vars, *Lc.vars} - {TAX, CAX})
        vars_ = sorted({*f.vars[:-1], *kvars})

        def check(entries: int, over: list[int], what: str) -> None:
            if entries > self.net.max_table:
                raise too_wide(entries, [self.net.name(v) for v in over] + names,
                               self.net.max_table, f"{what} of '{self.model.dated[a]}' "
                               f"and '{self.model.dated[b]}'")

        kshape = [self.card(v) for v in kvars]
        check(math.prod(kshape) * S * S, kvars, "for the joint law of the relative days")
        shape = [self.card(v) for v in vars_]
        # the laws made here are over the root's bit too (twice the entries): refused now,
        # not after the convolutions that fill them (gigabytes on a ten-year horizon)
        check(2 * math.prod(shape) * na * nb_, [ri, *vars_], "for the joint law")
        ku = (*kvars, CAX, TAX)
        if c == a:  # K(x, y) = P(R_a = x) P(R_b = y | R_a = x)
            pa = _expand(Lc, (*kvars, TAX))
            K = np.asarray(pa[..., :, None] * _expand(Lb, ku), dtype=np.float64)
        elif c == b:
            pb = _expand(Lc, (*kvars, TAX))
            K = np.swapaxes(np.asarray(pb[..., :, None] * _expand(La, ku), dtype=np.float64),
                            -1, -2)
        else:
            pc = np.broadcast_to(_expand(Lc, (*kvars, TAX)), (*kshape, S))
            A = np.broadcast_to(_expand(La, ku), (*kshape, S, S))
            B = np.broadcast_to(_expand(Lb, ku), (*kshape, S, S))
            K = np.einsum("...c,...cx,...cy->...xy", pc, A, B)
        K = np.broadcast_to(K, (*kshape, S, S))
        fs = np.array(np.broadcast_to(_expand(f, (*vars_, TAX)), (*shape, S)))
        pr = 1.0 - fs[..., 0]
        fs[..., 0] = 0.0
        fs = np.divide(fs, pr[..., None], out=np.zeros_like(fs), where=pr[..., None] > 0)
        kx = _expand(Factor((*kvars, CAX, TAX), np.ascontiguousarray(K)), (*vars_, CAX, TAX))
        J = np.zeros((*shape, na, nb_))
        if da and db:
            J[...] = _diagonal_conv(kx, fs)
        else:
            # a bit is "day <= W": cumulative sums of K along the bit's axis
            kc = np.cumsum(kx, axis=-1) if not db else kx
            kc = np.cumsum(kc, axis=-2) if not da else kc
            for day in range(1, S):
                w = fs[..., day]
                if not da and not db:
                    J[..., 1, 1] += w * kc[..., W - day, W - day]
                elif da:
                    J[..., day:, 1] += w[..., None] * kc[..., :S - day, W - day]
                else:
                    J[..., 1, day:] += w[..., None] * kc[..., W - day, :S - day]
        J = np.maximum(J, 0.0)
        J[..., 0, :] = 0.0
        J[..., :, 0] = 0.0

        def marginal(x: int, day: bool) -> FloatArray:
            mx = np.broadcast_to(_expand(self._day_given_root(x), (*vars_, TAX)), (*shape, S))
            if day:
                return np.asarray(mx[..., 1:], dtype=np.float64)
            return np.asarray(mx[..., 1:].sum(axis=-1, keepdims=True), dtype=np.float64)

        J[..., 0, 1:] = np.maximum(marginal(b, db) - J[..., 1:, 1:].sum(axis=-2), 0.0)
        J[..., 1:, 0] = np.maximum(marginal(a, da) - J[..., 1:, 1:].sum(axis=-1), 0.0)
        J[..., 0, 0] = np.maximum(1.0 - J.sum(axis=(-2, -1)), 0.0)
        va = lay.date_var(a) if a in days else lay.slot_index[a]
        vb = lay.date_var(b) if b in days else lay.slot_index[b]
        ja = Factor((*vars_, CAX, TAX), J)
        pa_ = Factor((*vars_, CAX), J.sum(axis=-1))
        cond = safe_div(ja, pa_)
        none_a = np.zeros(J.shape[-2])
        none_a[0] = 1.0
        none_b = np.zeros(J.shape[-1])
        none_b[0] = 1.0
        fa = relabel(stack_bit(ri, Factor((CAX,), none_a), pa_), CAX, va)
        fb = stack_bit(ri, Factor((TAX,), none_b), cond)
        fb = relabel(relabel(fb, CAX, va), TAX, vb)
        self._cache[key] = fa
        self._cache[(*key, "b")] = fb
        return fa, fb

    # network factors
    def bit_factor(self, index: int, plan: Plan) -> Factor:
        """The factor of a dated node's bit."""
        t = self.model.timing[index]
        k = t.slot
        lay = self.lay
        if k in plan.days:
            return self.bit_of_date(k)
        if isinstance(t, CurvePlan):
            return self.curve_bit(t)
        for a, b in plan.pairs:
            if k == a:
                return self.pair(a, b, plan.pair_days)[0]
            if k == b:
                return self.pair(a, b, plan.pair_days)[1]
        return self.leaf_bit(k, lay.root[k] in plan.days)

    def day_factor(self, slot: int, plan: Plan) -> Factor:
        """The factor of a dated node's day variable (ones over one state when absent)."""
        from pactsim.inference.factors import Factor

        lay = self.lay
        if slot not in plan.days:  # one per slot, shared by every network (read-only)
            key = ("absent", slot)
            if key not in self._cache:
                self._cache[key] = Factor((lay.date_var(slot),), np.ones(1))
            return self._cache[key]
        if lay.is_root(slot):
            return relabel(self.root_law(slot), TAX, lay.date_var(slot))
        for a, b in plan.pairs:
            if slot == a:
                return self.pair(a, b, plan.pair_days)[0]
            if slot == b:
                return self.pair(a, b, plan.pair_days)[1]
        return self.leaf_day(slot, lay.root[slot] in plan.days)

    def bit_of_date(self, slot: int) -> Factor:
        """The bit of a dated node as ``D_X != 0``."""
        from pactsim.inference.factors import Factor

        key = ("bit of date", slot)
        if key not in self._cache:
            i = self.lay.slot_index[slot]
            dv = self.lay.date_var(slot)
            q = (np.arange(self.S) != 0).astype(np.float64)
            self._cache[key] = stack_bit(i, Factor((dv,), 1.0 - q), Factor((dv,), q))
        return self._cache[key]

    def ever(self, index: int, node: Factor) -> Factor:
        """The ever coin's factor: ``node`` (built for the plan at ``index``) with the
        bit renamed to the coin's variable."""
        return relabel(node, index, self.lay.ever[index])

    # conditions
    def condition_vars(self, plan: ConditionPlan) -> list[int]:
        """The variables a condition reads: bits, days, and drivers compared with a
        number (their quadrature is cut there: :attr:`DriverPlan.cuts
        <pactsim.inference.compile.DriverPlan.cuts>`, so the condition is constant on
        every piece)."""
        m = self.model
        nb = m.n_binary
        drivers = {d.name: k for k, d in enumerate(m.drivers)}
        cut = {id(side) for node in _walk(plan.tree) if isinstance(node, _expr.Compare)
               for side, other in ((node.left, node.right), (node.right, node.left))
               if isinstance(side, _expr.Name) and isinstance(other, _expr.NumLit)}
        out: set[int] = set()
        for node in _walk(plan.tree):
            if isinstance(node, _expr.DateOf):
                out.add(self.lay.date_var(m.slot[node.name]))
            elif isinstance(node, _expr.Name):
                if node.name in m.index:
                    out.add(m.index[node.name])
                elif node.name in drivers and id(node) in cut:
                    out.add(nb + drivers[node.name])
                else:
                    raise ExactUnsupportedError(
                        f"exact inference compares a driver in a condition only with a "
                        f"number, as in '{node.name} > 0.5'; '{plan.name}' needs Monte Carlo")
        return sorted(out)

    def condition(self, plan: ConditionPlan) -> Factor:
        """The factor of a condition's bit over the variables it reads (cached: a
        network reusing this :class:`Dated` shares it, so a junction tree calibrated
        on a variant does not redo the arithmetic over it)."""
        # models sharing this Dated have equal dated signatures: the same conditions
        # (text, hence tree) at the same rows
        key = ("condition", plan.index, plan.name)
        if key not in self._cache:
            self._cache[key] = self._condition(plan)
        return self._cache[key]

    def _condition(self, plan: ConditionPlan) -> Factor:
        from pactsim.inference.factors import Factor, too_wide

        m = self.model
        vars_ = self.condition_vars(plan)
        shape = [self.card(v) for v in vars_]
        n = math.prod(shape)
        if 2 * n > self.net.max_table:  # before its states are listed
            raise too_wide(2 * n, [self.net.name(v) for v in vars_] + [plan.name],
                           self.net.max_table, f"of the condition '{plan.name}'")
        idx = np.arange(n)
        values: dict[str, NDArray[Any]] = {}
        dates: dict[str, NDArray[Any]] = {}
        stride = n
        for v, c in zip(vars_, shape, strict=True):
            stride //= c
            state = (idx // stride) % c
            if v < m.n_binary:
                values[m.names[v]] = state != 0
            elif v < self.lay.date_base:  # a driver: its quadrature nodes
                values[m.drivers[v - m.n_binary].name] = self.net.rules[v - m.n_binary][0][state]
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
    return list(_expr.walk(e))
