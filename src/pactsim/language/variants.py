"""Variants of a scenario: change values by dotted path and validate again.

:func:`with_changes` backs :meth:`Scenario.with_changes
<pactsim.language.scenario.Scenario.with_changes>`. This module is the one
place that maps a dotted path to where it sits in a scenario (variants kept in
files, ``extends:``, are meant to reuse it).

Paths
-----
A key is a dotted path, either from the top (``"signing.by.2024-12-31"``,
``"pillars.military.clauses.su35_sale.p"``) or starting at a node's name
(``"su35_sale.p"``, ``"military.odds.alignment"``). Each part must name
something the scenario has: a field of the model (``p``, ``odds``, ``label``,
… even when not written in the file) or an existing key of a mapping (a node,
a source, a ``by`` date, a ``table`` row ``true`` / ``false``). Only the last
part may add a new key to a mapping: a new ``by`` date (inserted in date
order), a new ``odds`` factor, a new event or clause written whole. Setting a
node's ``p`` to a value drops its ``given`` / ``table`` (and ``levels``; ``p:
None`` only unsets ``p``), and setting either of those drops ``p``.
Categorical nodes (format 3): ``"instc.levels"`` takes a
whole ``{outcome: p}`` (dropping ``p``, ``given`` and ``table``) or a list of
outcomes, ``"instc.levels.named"`` one outcome's probability (change the others
in the same call so they still sum to 1), and table rows are reached by a
categorical parent's outcomes and the outcomes of a ``{outcome: p}`` row
(``"form.table.named.true.treaty"``). Rationales go with what they explain: a node's ``why`` and the
``why_by`` / ``why_table`` of single points and rows stay when their numbers
change (they are text; change ``"military.why"`` or ``"signing.why_by.DATE"``
too if the reason changed); setting ``p`` drops ``why_table`` along with the
table, and a new ``by`` curve keeps the ``why_by`` of the dates it still has.
Everything else — labels, sources, the order of keys — is kept, and the
result is validated like a file. A key that adds a node or a source one slip
of the hand from a name the scenario has (``military.clauses.su35_sael``
beside ``su35_sale``; :func:`~pactsim.errors.one_slip`) is applied with a
:class:`~pactsim.errors.PactsimWarning` naming the key.

Errors
------
Every message names the key of the argument in place of a file, one line per
problem, all problems at once: ``changes`` not a mapping or a key not text is
an :class:`~pactsim.errors.ArgumentTypeError` (a ``TypeError``); a key that
names nothing is an :class:`~pactsim.errors.ArgumentError` (a ``ValueError``);
a changed scenario that does not validate is a
:class:`~pactsim.errors.ScenarioError` (a ``ValueError``) whose problems have
``path == "with_changes"``, ``field`` the key as written (``value`` its new
value), e.g. ``with_changes: signing.by.2025-09-30: = 0.5 is below the
previous point (0.62); ...``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import types
import typing
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from pactsim.errors import (
    ArgumentError,
    ArgumentTypeError,
    PactsimWarning,
    Problem,
    ScenarioError,
    did_you_mean,
    one_slip,
    outside_pactsim,
    printable,
)
from pactsim.language.io import from_dict
from pactsim.language.scenario import Node, Scenario, Signing, flow, signing_form
from pactsim.language.validate import dotted_path

__all__ = ["resolve_path", "with_changes"]

#: The name problems of :func:`with_changes` carry in place of a file name.
WHERE = "with_changes"


# -- the shape of the scenario model, read from its annotations ---------------
@dataclass(frozen=True)
class _Map:
    """A mapping whose keys the author chooses (nodes, sources, ``by`` dates, odds)."""

    key: Any  # str or datetime.date
    value: _Shape


@dataclass(frozen=True)
class _Table:
    """A ``table``: nested mappings with keys ``true`` / ``false``."""


@dataclass(frozen=True)
class _Leaf:
    """A value changed only whole (a number, text, list, p spec, question)."""


_Shape = type[BaseModel] | _Map | _Table | _Leaf


def _shape(annotation: Any) -> _Shape:
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _shape(args[0]) if len(args) == 1 else _Leaf()
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if origin is dict:
        key, value = typing.get_args(annotation)
        return _Table() if key is Any else _Map(key, _shape(value))
    return _Leaf()


def _field_shape(model: type[BaseModel], name: str, value: Any = None) -> _Shape:
    """The shape of field ``name`` of ``model``; ``value`` (what the field holds, as
    ``model_dump`` writes it) chooses between the two forms of ``signing``: a milestone's
    (:class:`Node`) or a curve's (:class:`Signing`)."""
    if model is Scenario and name == "signing":
        return Node if signing_form(value) == "milestone" else Signing
    return _shape(model.model_fields[name].annotation)


def whole_at(path: Sequence[Any]) -> int:
    """How many parts of ``path`` (keys of a scenario's ``model_dump()``) lead to a value
    that is set only whole (:class:`_Leaf`: a ``delay``, a ``p`` spec such as ``{between:
    [...]}``, an ``after``): ``len(path)`` when the path may be set part by part.
    ``("events", "r", "delay", "median")`` gives 3: ``r.delay`` is one value. Paths
    inside a ``table`` are resolved key by key, so they are left whole, but for a p spec
    in a cell or in a row's curve (``...true.between``, ``...by.DATE.beta``): the cell
    or point is one value."""
    shape: _Shape = Scenario
    for i, k in enumerate(path):
        if isinstance(shape, _Leaf):
            return i
        if isinstance(shape, type):
            if not isinstance(k, str) or k not in shape.model_fields:
                return len(path)
            # (signing's two forms hold their common fields alike: a Node's shapes)
            shape = _Map(str, _Leaf()) if k == "levels" and i + 1 < len(path) \
                else Node if (shape is Scenario and k == "signing") \
                else _field_shape(shape, k)  # format 3: {outcome: p}, part by part
        elif isinstance(shape, _Map):
            shape = shape.value
        else:  # a table: keys one by one, but a p spec in it ({between: ...}) is one value
            return len(path) - 1 if path[-1] in ("between", "beta") else len(path)
    return len(path)


# -- resolving a key ---------------------------------------------------------------
class _PathError(Exception):
    """A key that names nothing in the scenario (one line of an ArgumentError)."""


def _show(value: Any) -> str:
    """A value as YAML writes it (``{by: {2025-12-31: 0.5}}``, ``[esc]``, ``null``), or
    text in quotes; cut to 60 characters."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    text = flow(value) if isinstance(value, Mapping | list | tuple) or value is None \
        else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _flow(value: Any) -> str:
    """A value in YAML's flow style (``{median: 240, p90: 420}``), cut to 60 characters."""
    out = flow(value)
    return out if len(out) <= 60 else out[:57] + "..."


_SCALAR_FIELDS = frozenset(
    name for name in Scenario.model_fields
    if isinstance(_field_shape(Scenario, name), _Leaf))


def resolve_path(sc: Scenario, key: str) -> tuple[tuple[Any, ...], bool]:
    """Where ``key`` points in ``sc``: ``(path from the top, is a new key)``.

    The path holds the keys as the model holds them (``datetime.date`` under
    ``by``, ``True`` / ``False`` in a ``table``). Raises
    :class:`~pactsim.errors.ArgumentError` (a ``ValueError``) saying which
    part names nothing.

    Examples
    --------
    >>> import pactsim
    >>> sc = pactsim.loads("pactsim: 1\\nid: x\\nas_of: 2024-01-01\\nhorizon: 2024-12-31\\n"
    ...                    "events:\\n  rain: {p: 0.3}\\n")
    >>> resolve_path(sc, "rain.odds.wind")
    (('events', 'rain', 'odds', 'wind'), True)
    """
    try:
        path, new, _container = _resolve(sc, key, sc.model_dump())
    except _PathError as err:
        raise ArgumentError(printable(f"{key}: {err}")) from None
    return path, new


def _resolve(sc: Scenario, key: str, full: dict[str, Any]) -> tuple[tuple[Any, ...], bool,
                                                                     _Shape]:
    """``(path, is a new key, shape of the mapping or model holding its last part)``.

    ``full`` is ``sc.model_dump()``: every field, defaults included.
    """
    parts: list[str] = key.split(".")
    if any(not p for p in parts):
        raise _PathError("is not a dotted path (an empty part between dots); write e.g. "
                         "'military.p' or 'signing.by.2024-12-31'")
    head = parts[0]
    is_field = head in Scenario.model_fields
    if head in sc.nodes and (not is_field or (head in _SCALAR_FIELDS and len(parts) > 1)):
        parts = [*sc.nodes[head].path, *parts[1:]]
    elif head in sc.attributes and not is_field:  # format 3: "n_articles.dist"
        parts = ["attributes", *parts]
    elif not is_field:
        raise _PathError(
            f"'{head}' is neither a section nor a node of scenario '{sc.id}'"
            + did_you_mean(head, [*Scenario.model_fields, *sc.nodes]))
    shape: _Shape = Scenario
    current: Any = full
    path: list[Any] = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        where = dotted_path(path) or "the scenario"
        if isinstance(shape, type):
            if part not in shape.model_fields:
                milestone = (shape is Signing and part in ("after", "delay", "p", "odds",
                                                           "requires", "excludes"))
                raise _PathError(
                    f"'{part}' is not a field of {where} (fields: "
                    f"{', '.join(shape.model_fields)})" + (
                        "; a curve signing has no " + part + ": to make it a milestone, "
                        "set 'signing' whole, e.g. {after: text_agreed, delay: 30}"
                        if milestone else did_you_mean(part, shape.model_fields)))
            typed: Any = part
            next_shape = _field_shape(shape, part, current.get(part) if isinstance(
                current, Mapping) else None)
        elif isinstance(shape, _Map) and shape.key is not dt.date and not last and \
                isinstance(current, Mapping) and (
                    (rest := ".".join(parts[i:])) in current
                    or (_CONDITION.search(rest) and not isinstance(current.get(part), Mapping))):
            # (review-session15: also where the first part is a key itself, 'war' beside
            # 'war.date <= ...'; the rest is one key unless the path goes into a mapping)
            # a key with dots in it, the rest of the path: a condition in hazard_ratio or
            # odds ('x.hazard_ratio.gaza_war.date <= 2024-06-30', as sensitivity's
            # tornado names it; review-python15: it was split at the dots)
            path.append(rest)
            return tuple(path), rest not in current, shape
        elif isinstance(shape, _Map):
            typed = _map_key(shape, part, where)
            next_shape = shape.value
        elif isinstance(shape, _Table) and part == "by" and isinstance(current, Mapping) \
                and list(current) == ["by"] and isinstance(current["by"], Mapping):
            # a row of a table of curves ({by: {date: P}}): its points are keyed by date
            typed, next_shape = part, _Map(dt.date, _Leaf())
        elif isinstance(shape, _Table) and part not in ("true", "false") and isinstance(
                current, Mapping) and (part in current or (last and current and all(
                    isinstance(k, str) for k in current))):
            # format 3: a categorical parent's outcome, or an outcome in a {outcome: p} row
            typed, next_shape = part, shape
        elif isinstance(shape, _Table):
            if part not in ("true", "false"):
                keys = list(current) if isinstance(current, Mapping) else []
                rows = ", ".join(f"'{k if isinstance(k, str) else _show(k)}'" for k in keys) \
                    or "'true' and 'false'"
                raise _PathError(f"'{part}' is not a row of the table {where} (rows are "
                                 f"{rows}, nested in the order of given)"
                                 + did_you_mean(part, [str(k).lower() if isinstance(k, bool)
                                                       else str(k) for k in keys]))
            typed, next_shape = part == "true", shape
        else:
            said = key.split(".")
            whole = ".".join(said[:len(said) - (len(parts) - i)]) or where
            if not (isinstance(current, Mapping) and part in map(str, current)):
                raise _PathError(f"{where} = {_flow(current)} has no part '{part}'; set "
                                 f"'{whole}' itself")
            raise _PathError(f"{where} = {_flow(current)} is set whole, not part by part: "
                             f"write '{whole}' with every part (e.g. {whole}: "
                             f"{_flow(current)}, with the {part} you want)")
        path.append(typed)
        exists = isinstance(current, Mapping) and typed in current
        if last:
            return tuple(path), not exists, shape
        if not exists:
            known = [str(dotted_path([k])) for k in current] if isinstance(current, Mapping) else []
            dotted = [k for k in current if isinstance(k, str) and k.startswith(part + ".")] \
                if isinstance(current, Mapping) else []
            hint = (f"; did you mean {dotted_path(path[:-1])}.{dotted[0]}?" if dotted
                    else did_you_mean(part, known))
            raise _PathError(f"{dotted_path(path)} does not exist" + hint
                             + " (only the last part of a path may add a new key)")
        current = current[typed]
        if current is None and path == ["signing", "by"] and shape is Node:
            raise _PathError("signing is a milestone (after + delay) here: it has no by curve, "
                             "its date comes from its anchors and delay; change signing.delay "
                             "(or signing.p), or set 'signing' whole to give it a curve")
        if current is None:
            raise _PathError(f"{dotted_path(path)} is not set in this scenario, so it has no "
                             f"part '{parts[i + 1]}'; set '{dotted_path(path)}' whole")
        shape = next_shape
        if typed == "levels" and isinstance(current, Mapping):  # format 3: {outcome: p}
            shape = _Map(str, _Leaf())
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns


#: A key that is a condition (an operator or a space): a map key with dots in it.
_CONDITION = re.compile(r"[\s<>=!]")


def _map_key(shape: _Map, part: str, where: str) -> Any:
    if shape.key is dt.date:
        try:
            return dt.date.fromisoformat(part)
        except ValueError:
            raise _PathError(f"'{part}' is not a date written YYYY-MM-DD (the keys of {where} "
                             "are dates)") from None
    return part


# -- applying changes -------------------------------------------------------------
_EXCLUSIVE = frozenset({"p", "given", "table"})  # fields of a node: p, or given + table


def with_changes(sc: Scenario, changes: object, more: Mapping[str, Any] | None = None) -> Scenario:
    """A new, validated scenario with the values at dotted paths changed.

    ``changes`` maps dotted paths to new values (see the module docstring);
    ``more`` holds keyword arguments, which take precedence.

    Raises
    ------
    ArgumentTypeError
        ``changes`` is not a mapping, or a key is not text.
    ArgumentError
        A key names nothing in the scenario (every such key, one line each).
    ScenarioError
        The changed scenario is invalid; each problem is named by the key that
        caused it, ``with_changes: KEY: ...``.
    """
    if changes is None:
        changes = {}
    if not isinstance(changes, Mapping):
        raise ArgumentTypeError(
            f"{WHERE}: changes must be a mapping of dotted paths to new values, e.g. "
            f"{{'military.p': 0.5}}, not {type(changes).__name__} {_show(changes)}")
    items = {**changes, **(more or {})}
    not_text = [k for k in items if not isinstance(k, str)]
    if not_text:
        raise ArgumentTypeError("\n".join(
            f"{WHERE}: {_show(k)} = {_show(items[k])}: a key must be a dotted path (text) such "
            f"as 'military.p' or 'signing.by.2024-12-31', not {type(k).__name__} {_show(k)}"
            for k in not_text))
    nowhere: list[str] = []
    data, targets = apply_paths(
        sc, items, lambda key, err: nowhere.append(printable(f"{WHERE}: {key}: {err}")))
    if nowhere:
        raise ArgumentError("\n".join(nowhere))
    _sort_dates(data)
    try:
        out = from_dict(data, name=f"{sc.id} (changed)")
    except ScenarioError as err:
        places = definitions(sc)
        raise ScenarioError([_blame(p, targets, places) for p in err.problems]) from None
    for key, message in slips(sc, targets):
        warnings.warn(PactsimWarning(printable(f"{WHERE}: {key}: {message}")),
                      stacklevel=outside_pactsim())
    if sc._compiled is not None:  # compiling the variant may start from sc's model
        out._derived = (sc, tuple(items))
    out._made_from = tuple(dict.fromkeys((sc.id, *sc._made_from)))
    return out


Target = tuple[str, tuple[Any, ...], Any]  # (key as written, path from the top, new value)


def apply_paths(sc: Scenario, items: Mapping[str, Any],
                fail: Callable[[str, _PathError], None]) -> tuple[dict[str, Any], list[Target]]:
    """``sc``'s data (defaults left out) with every dotted path of ``items`` set, and the
    targets set; a key that names nothing (or leads nowhere) goes to ``fail`` instead.
    Shared by :func:`with_changes` and the ``set:`` of a file that ``extends`` another."""
    targets: list[Target] = []
    in_node: set[str] = set()  # keys naming a field of an event, pillar or clause
    full = sc.model_dump()
    for key, value in items.items():
        try:
            path, _new, container = _resolve(sc, key, full)
        except _PathError as err:
            fail(key, err)
            continue
        clash = next(((k, other) for k, other, _v in targets
                      if other[:len(path)] == path or path[:len(other)] == other), None)
        if clash is not None:  # (review-api27: the last of two spellings won silently)
            fail(key, _PathError(
                f"sets {dotted_path(path)}, which {clash[0]!r} sets too ("
                + ("two spellings of one path" if len(clash[1]) == len(path)
                   else "one holds the other") + "); give it once"))
            continue
        targets.append((key, path, value))
        if isinstance(container, type) and set(container.model_fields) >= _EXCLUSIVE:
            in_node.add(key)
    data = sc.model_dump(exclude_defaults=True)
    for key, path, value in targets:
        if path[:1] == ("attributes",) and len(path) == 3 and path[-1] in ("dist", "table"):
            # format 3: an attribute's dist and given + table replace each other
            attr = data.get("attributes", {}).get(path[1], {})
            for other in (("given", "table") if path[-1] == "dist" else ("dist",)):
                attr.pop(other, None)
        try:
            _set(data, path, value, exclusive=key in in_node)
        except _PathError as err:
            fail(key, err)
    return data, targets


def _set(data: dict[str, Any], path: tuple[Any, ...], value: Any, *, exclusive: bool) -> None:
    """Set ``path`` to ``value``; in a node (``exclusive``), ``p`` and ``given`` + ``table``
    replace each other."""
    node: Any = data
    for i, k in enumerate(path[:-1]):
        child = node.get(k) if isinstance(node, dict) else None
        if child is None and isinstance(node, dict):
            child = node[k] = {}  # a field left at its default (an empty mapping)
        if not isinstance(child, dict):
            raise _PathError(f"{dotted_path(path[:i + 1])} was replaced by an earlier key of "
                             "the same call, so this path leads nowhere; give one or the other")
        node = child
    last = path[-1]
    if exclusive and last == "p" and value is None:
        pass  # p unset (a milestone's default, or given + table set in the same call)
    elif exclusive and last == "p":
        node.pop("given", None)
        node.pop("table", None)
        node.pop("why_table", None)  # the reasons of rows that are gone
        node.pop("levels", None)  # a categorical node becomes binary
    elif exclusive and last == "levels" and isinstance(value, Mapping):
        for other in ("p", "given", "table", "why_table"):  # {outcome: p}: no parents
            node.pop(other, None)
    elif exclusive and last in ("given", "table", "levels"):
        node.pop("p", None)
    elif path[-1:] == ("by",) and isinstance(value, Mapping) and isinstance(
            node.get("why_by"), dict):
        # a new curve keeps the reasons of the points it still has
        node["why_by"] = {d: w for d, w in node["why_by"].items() if d in _dates(value)}
        if not node["why_by"]:
            del node["why_by"]
    node[last] = value


def _dates(by: Mapping[Any, Any]) -> set[Any]:
    """The keys of a ``by`` mapping as dates where they read as one (as validation will)."""
    out: set[Any] = set()
    for d in by:
        out.add(d)
        if isinstance(d, str):
            with contextlib.suppress(ValueError):
                out.add(dt.date.fromisoformat(d))
    return out


def _sort_dates(data: dict[str, Any]) -> None:
    """Put the ``by`` points of signing and of dated events, and those of each row of
    their tables of curves, in date order (a new date goes where it belongs)."""
    events = data.get("events")
    timed = [data.get("signing"), *(events.values() if isinstance(events, dict) else ())]
    for node in timed:
        if not isinstance(node, dict):
            continue
        curves = [node]  # its own curve, and each row of a table of curves
        todo = [node.get("table")]
        while todo:  # nested rows, one level per given parent (no recursion)
            row = todo.pop()
            if isinstance(row, dict) and list(row) == ["by"]:
                curves.append(row)
            elif isinstance(row, dict):
                todo.extend(row.values())
        for curve in curves:
            by = curve.get("by")
            if isinstance(by, dict) and all(isinstance(d, dt.date) for d in by):
                curve["by"] = dict(sorted(by.items()))


#: Top-level fields that hold nodes or entries by name.
_SECTIONS = frozenset({"events", "pillars", "drivers", "attributes", "questions",
                       "observations", "sources"})


def _nearest(field: str, targets: Sequence[tuple[str, tuple[Any, ...], Any]]
             ) -> list[tuple[str, tuple[Any, ...], Any]]:
    """The keys whose paths share the longest start with ``field`` (at least its first
    part, and in a section such as ``events`` its node too): a later curve point found
    too low blames the changed point of the same curve (``signing.by.…``), not every key
    of the call."""
    parts = field.replace("[", ".[").split(".")

    def shared(path: tuple[Any, ...]) -> int:
        mine = dotted_path(path).replace("[", ".[").split(".")
        k = 0
        while k < min(len(mine), len(parts)) and mine[k] == parts[k]:
            k += 1
        return k

    least = 2 if parts[0] in _SECTIONS else 1
    best = max((shared(t[1]) for t in targets), default=0)
    return [t for t in targets if shared(t[1]) == best] if best >= least else []


def _named(message: str, targets: Sequence[tuple[str, tuple[Any, ...], Any]],
           places: Mapping[str, tuple[str, ...]] | None = None
           ) -> list[tuple[str, tuple[Any, ...], Any]]:
    """The keys of the scenario's own fields the message speaks of: a curve point after a
    moved ``horizon`` (or before a moved ``as_of``) blames that key. With ``places``, where
    each node was defined before the change (:func:`definitions`), also the keys that
    replaced or changed a node the message names in quotes (``military.clauses: {}`` for
    "unknown name 'jets'", a clause it held; ``corridor.levels`` for "'named' is not an
    outcome of 'corridor'")."""
    own = [t for t in targets if len(t[1]) == 1 and isinstance(t[1][0], str)
           and re.search(rf"\b{re.escape(t[1][0])}\b", message)]
    if own or places is None:
        return own
    quoted = [places[q] for q in dict.fromkeys(_QUOTED.findall(message)) if q in places]

    def touches(path: tuple[Any, ...], at: tuple[str, ...]) -> bool:
        n = min(len(path), len(at))
        return tuple(path[:n]) == at[:n]  # it holds the node, or is inside it

    return [t for t in targets if any(touches(t[1], at) for at in quoted)]


#: A name in quotes in a message ('jets').
_QUOTED = re.compile(r"'([A-Za-z_][A-Za-z0-9_]*)'")


#: What a path of two parts (or four, a clause) adds, by its section.
_KINDS = {"events": "event", "pillars": "pillar", "drivers": "driver",
          "attributes": "attribute", "questions": "question", "sources": "source"}


def slips(sc: Scenario, targets: Sequence[tuple[str, tuple[Any, ...], Any]]
          ) -> list[tuple[str, str]]:
    """``(key, message)`` for each key that adds a node (or a source) whose name is one
    slip of the hand from a name ``sc`` has (:func:`~pactsim.errors.one_slip`):
    ``military.clauses.su35_sael`` beside ``su35_sale``. Adding a node whole is
    allowed, so a misspelt name would add one silently; this is said as a warning."""
    names = list(definitions(sc))
    sources = [str(k) for k in (sc.sources or {})]
    out: list[tuple[str, str]] = []
    for key, path, _value in targets:
        if len(path) == 2 and path[0] in _KINDS:
            kind = _KINDS[path[0]]
        elif len(path) == 4 and path[0] == "pillars" and path[2] == "clauses":
            kind = "clause"
        else:
            continue
        new = str(path[-1])
        known = sources if kind == "source" else names
        if new in known:
            continue
        near = next((k for k in known if one_slip(new, k)), None)
        if near is not None:
            out.append((key, f"adds a new {kind} '{new}'; did you mean '{near}'? (a name "
                             f"that is not found adds a {kind}, so a slip of the hand would "
                             "go unnoticed)"))
    return out


def definitions(sc: Scenario) -> dict[str, tuple[str, ...]]:
    """Where each node of ``sc`` is defined, as a path of its data."""
    out: dict[str, tuple[str, ...]] = {}
    for section in ("drivers", "events", "attributes", "questions"):
        for name in getattr(sc, section, None) or {}:
            out[name] = (section, name)
    for name, pillar in (sc.pillars or {}).items():
        out[name] = ("pillars", name)
        for clause in pillar.clauses or {}:
            out[clause] = ("pillars", name, "clauses", clause)
    if sc.signing is not None:
        out["signing"] = ("signing",)
    return out


def _blame(problem: Problem, targets: Sequence[tuple[str, tuple[Any, ...], Any]],
           places: Mapping[str, tuple[str, ...]] | None = None) -> Problem:
    """A validation problem of the changed scenario, named by the key that caused it."""
    message = problem.message.replace(" in the file", "").replace(" at line None (", " (")
    field = problem.field

    def under(a: str, b: str) -> bool:  # b is a or inside a
        return b == a or b.startswith((a + ".", a + "["))

    for key, path, value in targets:
        full = dotted_path(path)
        if under(full, field):  # the key's own value, or inside it
            if field == full and not message.startswith("="):
                message = f"= {_show(value)}: {message}"
            return Problem(message, key + field[len(full):], WHERE, value=problem.value)
    culprits = [t for t in targets if under(field, dotted_path(t[1]))] or \
        _nearest(field, targets) or _named(message, targets, places) or list(targets)
    if len(culprits) == 1:
        key, _path, value = culprits[0]
        return Problem(f"= {_show(value)}: {field}: {message}", key, WHERE, value=value)
    keys = ", ".join(k for k, _p, _v in culprits)
    return Problem(f"{field}: {message}", keys, WHERE, value=problem.value)
