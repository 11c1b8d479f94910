"""Compiled models of a scenario under new numbers, without a new scenario.

:meth:`Scenario.with_changes <pactsim.language.scenario.Scenario.with_changes>`
validates and compiles the whole variant (about 5 ms on the flagship). A change
of the numbers already in some binary nodes — a ``p`` (a number or an uncertain
one), a ``table`` row, a ``by`` point, odds factors, hazard ratios, a delay —
needs far less: each changed node's spec is rebuilt from the base's and
validated on its own, and :func:`~pactsim.inference.compile.recompile` swaps its
plan into the compiled base, so every other node keeps its plan (the same
object: exact inference reuses its factor without comparing numbers).
:class:`Renumber` does that, and refuses (:class:`NotNumbers`, saying why)
anything else: a key outside a binary node (a driver's parameters, an
attribute, ``horizon``), a key that adds a field, a value the format refuses
(the validator's own checks of one node,
:class:`~pactsim.language.validate.NodeChecks`), or a change of structure
(``given``, ``after``, ``requires``, new odds or hazard-ratio parents, a ``p``
that would replace a ``table``: every node's parents, gates, anchors and
drivers are compared after recompiling). Callers then take the full path,
which validates the whole variant and reports any mistake at its key.

:func:`derived_model` does the same for a variant ``Scenario.with_changes`` has
already validated, when it is compiled.

The models are those of compiling ``scenario.with_changes(changes)``
(``tests/unit/test_renumber.py``, ``tests/unit/test_recompile.py``), except
their ``digest``, which the caller supplies (:func:`recompile`'s default is the
base's with ``+`` appended).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Mapping
from typing import Any

from pactsim.inference.compile import CompiledModel, compile_scenario, recompile
from pactsim.inference.dated import CurvePlan
from pactsim.language.scenario import Scenario

__all__ = ["NotNumbers", "Renumber", "derived_model"]


class NotNumbers(ValueError):
    """A change :class:`Renumber` does not make (the message says why); the caller
    builds the variant with ``Scenario.with_changes`` instead."""


#: Fields of a node that a number replaces together with others (``_set`` of
#: :mod:`pactsim.language.variants`): such a change is one of structure.
_REPLACES = ("given", "table", "levels")
#: Fields that are the node's structure (parents, outcomes, anchors, gates, its clauses),
#: that the compiled model holds beyond the node's plan (its label), or that other
#: sections check (a source must be declared under ``sources:``); ``levels`` is a
#: change of numbers when it keeps the outcomes.
_STRUCTURE = frozenset({"given", "levels", "after", "requires", "excludes", "clauses",
                        "label", "source"})
#: A change: a mapping of dotted keys to values, or ``(key, value)`` pairs in order.
Changes = Mapping[str, Any] | Iterable[tuple[str, Any]]


class Renumber:
    """Compiled models of ``scenario`` with new numbers in its binary nodes."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.model = compile_scenario(scenario)
        self._full: dict[str, Any] | None = None
        self._where: dict[str, tuple[str, tuple[Any, ...]]] = {}
        self._dumps: dict[str, dict[str, Any]] = {}
        self._checks: Any = None  # the validator's checks of one node, made on first use
        self._shape: tuple[Any, ...] | None = None  # _shape(self.model), on first use

    @property
    def shape(self) -> tuple[Any, ...]:
        """:func:`_shape` of the base model: what a recompiled model must keep."""
        if self._shape is None:
            self._shape = _shape(self.model)
        return self._shape

    @classmethod
    def of(cls, scenario: Scenario) -> Renumber:
        """The :class:`Renumber` of ``scenario``, kept on it (its caches serve every
        variant: the paths located, the nodes' dumps, the validator's context)."""
        found = scenario._renumber
        if not isinstance(found, Renumber):
            found = scenario._renumber = cls(scenario)
        return found

    def locate(self, key: str) -> tuple[str, tuple[Any, ...]]:
        """``(node, path inside the node)`` of an existing number's dotted ``key``
        (cached); :class:`NotNumbers` for anything else."""
        hit = self._where.get(key)
        if hit is not None:
            return hit
        from pactsim.language.variants import _PathError, _resolve

        if not isinstance(key, str):
            raise NotNumbers(f"{key!r} is not a dotted path")
        if self._full is None:
            self._full = self.scenario.model_dump()
        try:
            path, new, _shape = _resolve(self.scenario, key, self._full)
        except _PathError as err:
            raise NotNumbers(f"{key}: {err}") from None
        if new:
            raise NotNumbers(f"{key} adds a field")
        if any(tuple(path) == v.path for v in self.scenario.nodes.values()):
            raise NotNumbers(f"{key} names a node whole")
        inside = [v for v in self.scenario.nodes.values() if v.is_binary
                  and len(path) > len(v.path) and tuple(path[:len(v.path)]) == v.path]
        if not inside:
            raise NotNumbers(f"{key} is not a number of an event, pillar or clause")
        best = max(inside, key=lambda v: len(v.path))
        hit = self._where[key] = (best.name, tuple(path[len(best.path):]))
        return hit

    def specs(self, changes: Changes) -> dict[str, Any]:
        """The changed nodes' specs, each validated on its own with the checks a file's
        node gets (:class:`~pactsim.language.validate.NodeChecks`): :class:`NotNumbers`
        for a number the format refuses. ``changes``: a mapping, or ``(key, value)``
        pairs applied in order (changes of changes)."""
        touched: dict[str, dict[str, Any]] = {}
        for key, given in (changes.items() if isinstance(changes, Mapping) else changes):
            if isinstance(given, float) and not math.isfinite(given):
                raise NotNumbers(f"{key} = {given!r} is not finite")
            value = copy.deepcopy(given)  # never write into the caller's mappings
            name, inner = self.locate(key)
            if name not in self._dumps:
                self._dumps[name] = self.scenario.nodes[name].spec.model_dump(
                    exclude_defaults=True)
            part = _structural(inner)
            if part is not None or (inner == ("levels",) and not _same_keys(
                    self._dumps[name].get("levels"), value)):
                raise NotNumbers(f"{key} changes the node's {part or 'levels'}")
            if len(inner) == 1 and inner[0] == "p" and any(
                    k in self._dumps[name] for k in _REPLACES):
                raise NotNumbers(f"{key} replaces the node's table")
            if name not in touched:
                touched[name] = dict(self._dumps[name])
            # copy on write: each container on the path once (a shared one is copied
            # before it is changed), the rest of the cached dump shared, not deep-copied
            d: Any = touched[name]
            orig: Any = self._dumps[name]
            for step in inner[:-1]:
                child = d[step]
                was = orig.get(step) if isinstance(orig, dict) else None
                if child is was:
                    child = d[step] = copy.copy(child)
                d, orig = child, was
            d[inner[-1]] = value
        if self._checks is None:
            from pactsim.language.validate import NodeChecks

            self._checks = NodeChecks(self.scenario)
        out = {}
        for name, d in touched.items():
            spec, problems = self._checks.check(name, d)
            if problems:  # the full path says where and why
                raise NotNumbers(f"{name}: {problems[0].message}")
            out[name] = spec
        return out

    def drawn_specs(self, changes: Mapping[str, float]) -> dict[str, Any]:
        """The changed nodes' specs for numbers drawn from the scenario's own uncertain
        inputs (the spread of a forecast, Sobol indices): each a probability in [0, 1]
        put where the file has a number, an uncertain ``p``, a table row or a curve's
        point (a curve's draws kept non-decreasing by the caller). The numbers are not
        validated again (about half of a draw's exact answer on a small scenario): each
        node's spec is copied with the new values in place of the old
        (``model_copy``, which freezes them). :class:`NotNumbers` for a key that is not
        such a number, a value that is not a finite probability, or a change of
        structure."""
        updates: dict[str, dict[str, Any]] = {}  # node -> field -> its new value
        for key, value in changes.items():
            if isinstance(value, bool) or not isinstance(value, float | int) or \
                    not 0.0 <= value <= 1.0:
                raise NotNumbers(f"{key} = {value!r} is not a probability in [0, 1]")
            name, inner = self.locate(key)
            spec = self.scenario.nodes[name].spec
            refused = NotNumbers(f"{key} is not a probability the node draws (a p, a table "
                                 "row or a curve's point)")
            if not inner or inner[0] not in ("p", "table", "by") or \
                    getattr(spec, inner[0], None) is None or \
                    (inner == ("p",) and (getattr(spec, "table", None) is not None
                                          or getattr(spec, "levels", None) is not None)):
                raise refused
            fields = updates.setdefault(name, {})
            if len(inner) == 1:
                if inner[0] != "p":  # a whole table or curve
                    raise refused
                fields["p"] = float(value)
                continue
            # copy on write: each container on the path once, the rest shared
            top = fields.get(inner[0], getattr(spec, inner[0]))
            if not isinstance(top, Mapping):
                raise refused
            if top is getattr(spec, inner[0]):
                top = fields[inner[0]] = dict(top)
            d = top
            for step in inner[1:-1]:
                if step not in d or not isinstance(d[step], Mapping):
                    raise refused
                if type(d[step]) is not dict:  # the spec's own (frozen): copied
                    d[step] = dict(d[step])
                d = d[step]
            old = d.get(inner[-1])
            if inner[-1] not in d or isinstance(old, list) or (
                    isinstance(old, Mapping) and set(old) not in ({"beta"}, {"between"})):
                raise refused  # a new key, a nested row, a categorical row's outcomes
            d[inner[-1]] = float(value)
        return {name: self.scenario.nodes[name].spec.model_copy(update=fields)
                for name, fields in updates.items()}

    def model_for(self, changes: Changes, digest: Any = None, *,
                  drawn: bool = False) -> CompiledModel:
        """The compiled model with ``changes`` set (``digest``: the new model's digest,
        a string or an object whose ``digest`` attribute gives it on first read;
        default the base's with ``+``). :class:`NotNumbers` when the change is not
        one of numbers alone, or a number is refused (with pydantic's message).
        ``drawn=True``: the numbers are probabilities drawn from the scenario's own
        uncertain inputs, not validated again (:meth:`drawn_specs`)."""
        try:
            specs = self.drawn_specs(dict(changes)) if drawn else self.specs(changes)
        except NotNumbers:
            raise
        except Exception as err:  # anything the node checks do not name is a refusal too
            raise NotNumbers(str(err).splitlines()[0]) from None
        try:  # table leaves are checked as they are compiled (pydantic's own errors)
            model = recompile(self.scenario, self.model, specs, digest=digest)
        except Exception as err:
            raise NotNumbers(str(err).splitlines()[0]) from None
        if _shape(model) != self.shape:
            raise NotNumbers("the change alters the structure (parents, gates, anchors)")
        return model


def derived_model(scenario: Scenario, base: Scenario, keys: tuple[str, ...]
                  ) -> CompiledModel | None:
    """The compiled model of ``scenario``, made by ``base.with_changes`` at ``keys``,
    from ``base``'s compiled model when the change is one of numbers of binary nodes
    (the variant is validated: its specs are swapped in as they are); ``None`` when it
    must be compiled whole (another key, a label, outcomes, a change of structure)."""
    model = base._compiled
    if not isinstance(model, CompiledModel):
        return None
    renumber = Renumber.of(base)
    names: set[str] = set()
    try:
        for key in keys:
            name, inner = renumber.locate(key)
            if _structural(inner) is not None:  # levels: the outcomes are compared below
                return None
            names.add(name)
    except NotNumbers:
        return None
    if scenario.outcomes != model.outcomes or any(
            scenario.nodes[n].label != base.nodes[n].label for n in names):
        return None
    try:
        specs: dict[str, Any] = {n: scenario.nodes[n].spec for n in names}
        out = recompile(scenario, model, specs, digest=scenario)
    except Exception:  # whatever it is, compiling the variant whole reports it
        return None
    return out if _shape(out) == renumber.shape else None


def _structural(inner: tuple[Any, ...]) -> str | None:
    """The first field on a path inside a node that is its structure (``levels`` apart:
    a change of outcome chances is one of numbers when it keeps the outcomes)."""
    return next((p for p in inner if isinstance(p, str) and p in _STRUCTURE
                 and p != "levels"), None)


def _same_keys(old: Any, new: Any) -> bool:
    """Whether ``new`` gives chances to the same outcomes as ``old``, in the same order
    (a change of a categorical node's numbers, not of its outcomes)."""
    return isinstance(old, Mapping) and isinstance(new, Mapping) and list(old) == list(new)


def _shape(model: CompiledModel) -> tuple[Any, ...]:
    """Every node's parents, gates and drivers, and how its date is built: what a
    change of numbers leaves alone (which rows are uncertain may change)."""
    timing: list[tuple[Any, ...]] = []
    for i, t in sorted(model.timing.items()):
        if isinstance(t, CurvePlan):
            timing.append((i, t.slot, t.given, t.gates_true, t.gates_false,
                           t.hazard.parents, t.hazard.drivers, t.days.tobytes()))
        else:
            timing.append((i, t.slot, t.anchors, t.need, t.mode, t.delay.kind,
                           t.hazard.parents, t.hazard.drivers))
    return (tuple((p.kind, p.given, p.odds_parents, p.drivers, p.gates_true, p.gates_false)
                  for p in model.plans), tuple(timing))
