"""Frozen containers for scenarios (private): a scenario's mappings and lists, and the
base of its models, refuse changes in place, naming ``with_changes``."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any, Self

from pydantic import BaseModel, ConfigDict

from pactsim.errors import FrozenError

__all__ = ["FrozenDict", "FrozenList", "FrozenModel", "freeze"]

_FROZEN_HINT = ("scenarios are frozen; make a changed copy with "
                "sc.with_changes({'name.field': value}), which is validated")


def _refuse_edit(what: str) -> FrozenError:
    return FrozenError(f"cannot {what}: {_FROZEN_HINT}")


class FrozenDict(dict):  # type: ignore[type-arg]
    """A ``dict`` that refuses changes in place (:class:`~pactsim.errors.FrozenError`):
    the mappings of a scenario (``sc.events``, a node's ``by`` or ``table``), which
    the forecast, the digest and the compiled model are worked out from once
    (review-python15: ``sc.events[x] = ...`` was taken, and ``simulate`` still used
    the old value while ``dumps`` wrote the new one)."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise _refuse_edit("change a scenario's mapping in place")

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))

    def __copy__(self) -> FrozenDict:
        return self


class FrozenList(list):  # type: ignore[type-arg]
    """A ``list`` that refuses changes in place (see :class:`FrozenDict`)."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise _refuse_edit("change a scenario's list in place")

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenList, (list(self),))

    def __copy__(self) -> FrozenList:
        return self


def freeze(value: Any) -> Any:
    """``value`` with every plain ``dict`` and ``list`` in it (not inside a model, which
    freezes its own) made a :class:`FrozenDict` or :class:`FrozenList`; by an explicit
    stack, not recursion (a table nests as deep as its parents)."""
    if not isinstance(value, dict | list) or isinstance(value, FrozenDict | FrozenList):
        return value
    # most are leaves (a curve, a table row, a list of names): no walk
    if isinstance(value, dict):
        if not any(isinstance(x, dict | list) for x in value.values()):
            return FrozenDict(value)
    elif not any(isinstance(x, dict | list) for x in value):
        return FrozenList(value)
    done: dict[int, Any] = {}
    order: list[Any] = []
    todo = [value]
    while todo:  # children before parents: collect, then build in reverse
        v = todo.pop()
        if id(v) in done:
            continue
        done[id(v)] = None
        order.append(v)
        items = v.values() if isinstance(v, dict) else v
        todo.extend(x for x in items if isinstance(x, dict | list)
                    and not isinstance(x, FrozenDict | FrozenList))

    def get(x: Any) -> Any:
        return done[id(x)] if isinstance(x, dict | list) and id(x) in done else x

    for v in reversed(order):
        if isinstance(v, dict):
            done[id(v)] = FrozenDict({k: get(x) for k, x in v.items()})
        else:
            done[id(v)] = FrozenList(get(x) for x in v)
    return done[id(value)]


#: Types of field values :meth:`FrozenModel.model_post_init` has nothing to freeze in.
_PLAIN = frozenset({type(None), bool, int, float, str})


class FrozenModel(BaseModel):
    """A pydantic model whose fields, mappings and lists refuse changes in place
    (:class:`~pactsim.errors.FrozenError`): the scenario's models and format 3's
    attributes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def model_post_init(self, context: Any, /) -> None:
        """Freeze the model's mappings and lists (:class:`FrozenDict`)."""
        if not _YAML_TAUGHT:
            _teach_pyyaml()
        # the fields are the instance's __dict__ (pydantic keeps private attributes
        # apart); most are None, numbers or text, skipped by their type first: a loop
        # over ``model_fields`` with ``isinstance`` took ~4 us of a node's ~10 us
        fields = self.__dict__
        for name, v in fields.items():
            if type(v) in _PLAIN:
                continue
            if isinstance(v, dict | list) and not isinstance(v, FrozenDict | FrozenList):
                fields[name] = freeze(v)  # (a new value for a key: the dict keeps its size)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):  # pydantic's private attributes (caches)
            super().__setattr__(name, value)
            return
        raise _refuse_edit(f"set {type(self).__name__}.{name}")

    def __delattr__(self, name: str) -> None:
        if name.startswith("_"):
            super().__delattr__(name)
            return
        raise _refuse_edit(f"delete {type(self).__name__}.{name}")

    def model_copy(self, *, update: Mapping[str, Any] | None = None,
                   deep: bool = False) -> Self:
        """pydantic's copy, its new values frozen too (``update`` is not validated)."""
        copy = super().model_copy(update=update, deep=deep)
        if update:
            copy.model_post_init(None)
        else:  # (a copy of a scenario made before PyYAML was imported: loads' cache)
            _teach_pyyaml()
        return copy


def _teach_pyyaml() -> None:
    """Teach PyYAML frozen mappings and lists if it was imported since the last time."""
    if not _YAML_TAUGHT and "yaml" in sys.modules:
        _yaml_representers(sys.modules["yaml"])


def _yaml_representers(yaml: Any) -> None:
    """Let PyYAML dump a frozen mapping or list as a plain one (review-session15:
    ``yaml.safe_dump(sc.signing.by)`` raised after scenarios were frozen). Done when a
    scenario is built after PyYAML was imported: importing it here would cost every
    start-up ~0.08 s; ``dict(...)`` and ``list(...)`` give plain copies otherwise."""
    global _YAML_TAUGHT
    _YAML_TAUGHT = True
    try:
        for dumper in (yaml.SafeDumper, yaml.Dumper):
            dumper.add_representer(FrozenDict, dumper.represent_dict)
            dumper.add_representer(FrozenList, dumper.represent_list)
    except AttributeError:  # pragma: no cover - a module named yaml that is not PyYAML
        pass


#: Whether PyYAML's dumpers know the frozen containers (see :func:`_yaml_representers`).
_YAML_TAUGHT = False
