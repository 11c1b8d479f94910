"""Variants of a scenario: change values by dotted path and validate again.

:func:`with_changes` backs :meth:`Scenario.with_changes
<pactsim.language.scenario.Scenario.with_changes>`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pactsim.language.io import from_dict
from pactsim.language.scenario import Scenario

__all__ = ["with_changes"]


def with_changes(sc: Scenario, changes: Mapping[str, Any]) -> Scenario:
    """A new, validated scenario with the values at dotted paths changed."""
    data = sc.model_dump(exclude_defaults=True)
    for key, value in changes.items():
        _set_path(sc, data, key, value)
    return from_dict(data, name=f"{sc.id} (changed)")


def _set_path(sc: Scenario, data: dict[str, Any], dotted: str, value: Any) -> None:
    parts: list[Any] = dotted.split(".")
    head = parts[0]
    if head not in Scenario.model_fields and head in sc.nodes:
        parts = [*sc.nodes[head].path, *parts[1:]]
    node: Any = data
    for i, part in enumerate(parts[:-1]):
        key = _key(part, parts[i - 1] if i else None)
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    last = _key(parts[-1], parts[-2] if len(parts) > 1 else None)
    if last == "p":
        node.pop("given", None)
        node.pop("table", None)
    elif last in ("given", "table"):
        node.pop("p", None)
    node[last] = value


def _key(part: str, parent: Any) -> Any:
    if parent == "by":
        return dt.date.fromisoformat(part)
    if part in ("true", "false"):
        return part == "true"
    return part
