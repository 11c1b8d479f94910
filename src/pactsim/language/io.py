"""Reading and writing scenario files.

:func:`load` / :func:`loads` run the whole boundary: safe YAML parsing with
positions (:mod:`pactsim.language._yaml`), then structural and cross-reference checks
(:mod:`pactsim.language.validate`). Whatever is wrong comes back as one
:class:`~pactsim.errors.ScenarioError` listing every problem at its line.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

from pactsim.errors import ArgumentError, ArgumentTypeError, Problem, ScenarioError
from pactsim.language._yaml import _DEEP, LIBYAML, MAX_BYTES, MAX_DEPTH, Located, parse_yaml
from pactsim.language.files import read_regular
from pactsim.language.scenario import Scenario
from pactsim.language.validate import dotted_path, validate

__all__ = ["dumps", "from_dict", "load", "loads"]

SCHEMA_COMMENT = "# yaml-language-server: $schema=./pactsim.schema.json"


def loads(text: str | bytes, *, name: str = "<scenario>") -> Scenario:
    """Parse and validate scenario text.

    Parameters
    ----------
    text:
        YAML text (``str``, or UTF-8 ``bytes``).
    name:
        Shown as the file name in error messages. Text that says ``extends:``
        (a variant, :mod:`pactsim.language.extends`) names its base relative
        to the folder of `name`: the current directory for the default name
        (so loading such text reads that file).

    Returns
    -------
    Scenario
        Frozen. The same `text` under the same `name` read again (one of the last
        :data:`LOADED` read) gives an equal scenario, a new object, without reading it
        again (about 40 ms for the flagship); text that says ``extends:`` is read
        afresh each time, as its base may have changed.

    Raises
    ------
    ScenarioError
        Listing every problem as ``NAME:LINE:COL: field: message``.
    ArgumentTypeError
        If `text` is not text or bytes, or `name` not a string (also a ``TypeError``).

    Examples
    --------
    >>> sc = loads("pactsim: 1\\nid: demo\\nas_of: 2024-01-01\\nhorizon: 2024-12-31\\n"
    ...            "events:\\n  rain: {p: 0.3}\\n")
    >>> sc.events["rain"].p
    0.3
    """
    if isinstance(text, bytearray | memoryview):
        text = bytes(text)
    if not isinstance(text, str | bytes):
        raise ArgumentTypeError(f"loads(): text = {_short(text)} is {_a(text)}; pass the YAML "
                                "text as a str (or UTF-8 bytes); to read a file, use load(path)")
    _check_name("loads", name)
    key = (text, name)
    with _LOADED_LOCK:
        if key in _LOADED:
            _LOADED.move_to_end(key)
            return _LOADED[key].model_copy()
    scenario = _loads(text, name)
    if not scenario.extends:
        with _LOADED_LOCK:
            _LOADED[key] = scenario
            while len(_LOADED) > LOADED:
                _LOADED.popitem(last=False)
        return scenario.model_copy()
    return scenario


#: How many scenarios :func:`loads` (and :func:`load`) keep, by their text and name,
#: so that reading the same file again costs no parsing. Each reading gets its own copy
#: (a shallow one: scenarios are frozen), as two readings of one file are two
#: scenarios (``pool`` refuses one object given twice); the copy kept here is never
#: compiled, so it holds no compiled model or day tables.
LOADED = 16
_LOADED: OrderedDict[tuple[str | bytes, str], Scenario] = OrderedDict()
_LOADED_LOCK = threading.Lock()


def _loads(text: str | bytes, name: str) -> Scenario:
    located = parse_yaml(text, name=name, soft=True)
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    variant = isinstance(located.data, Mapping) and (
        "extends" in located.data or "set" in located.data)
    if located.problems and not variant:
        # values YAML could not read, with every other problem of the file (those at or
        # under the same keys only repeat them)
        try:
            validate(located, text)
        except ScenarioError as err:
            raise ScenarioError(_with_reading(located.problems, err.problems)) from None
    if located.problems:
        raise ScenarioError(list(located.problems))
    if variant:
        from pactsim.language.extends import resolve  # it builds on variants, which uses io

        return resolve(located, text)
    return validate(located, text)


def _with_reading(reading: Sequence[Problem], rest: Sequence[Problem]) -> list[Problem]:
    """The problems of reading, and those of validation not at or under their fields, in
    the order of the file."""
    fields = [p.field for p in reading if p.field]
    kept = [p for p in rest if not any(p.field == f or p.field.startswith((f + ".", f + "["))
                                       for f in fields)]
    return sorted([*reading, *kept], key=lambda p: (p.line or 0, p.column or 0))


def from_dict(data: Mapping[str, Any], *, name: str = "<dict>") -> Scenario:
    """Validate plain Python data (as a YAML file would give) into a :class:`Scenario`.

    Runs every check :func:`loads` runs; problems carry field paths but no
    line numbers. Dates may be ``datetime.date`` objects or ISO text. Keys are read
    as Python or as JSON (whose keys are text) writes them: a table's ``True`` /
    ``"true"``, its curves' ``datetime.date`` / ``"2025-06-30"``, a delay curve's
    ``30`` / ``"30"``; so ``from_dict(json.loads(sc.model_dump_json()))`` gives
    `sc` back. A `data` that is not a mapping raises
    :class:`~pactsim.errors.ArgumentTypeError` (a ``TypeError``).

    Examples
    --------
    >>> import json
    >>> sc = from_dict({"pactsim": 1, "id": "demo", "as_of": "2024-01-01",
    ...                 "horizon": "2024-12-31", "events": {
    ...                     "rain": {"p": 0.3},
    ...                     "flood": {"given": ["rain"], "table": {True: 0.2, False: 0.01}}}})
    >>> from_dict(json.loads(sc.model_dump_json())) == sc
    True
    """
    if not isinstance(data, Mapping):
        raise ArgumentTypeError(f"from_dict(): data = {_short(data)} is {_a(data)}; pass a "
                                "mapping such as {'pactsim': 1, 'id': ..., 'as_of': ..., "
                                "'horizon': ...}")
    _check_name("from_dict", name)
    broken = _unreadable(data, name)
    if broken:
        raise ScenarioError(broken)
    return validate(Located(_json_keys(data), name, {}, {}))


_TRUTH = {"true": True, "false": False}
_WHOLE = re.compile(r"[1-9][0-9]*")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _within(context: str, key: Any) -> str:
    """The context of the value under `key` of a mapping in `context`, for
    :func:`_keys_of`: inside a table (``"table"``, keys true/false) the curve of a row
    is ``"dates"`` (keys dates); a date's or day's value is a probability (``""``,
    nothing converted)."""
    if context == "table":
        return "dates" if key == "by" else "table"
    return ""


def _json_key(context: str, key: Any) -> Any:
    if not isinstance(key, str):
        return key
    if context == "table":
        return _TRUTH.get(key, key)
    if context == "days" and _WHOLE.fullmatch(key):
        try:
            return int(key)
        except ValueError:  # more digits than Python reads: validation says so
            return key
    if context == "dates" and _ISO_DATE.fullmatch(key):
        try:
            return dt.date.fromisoformat(key)
        except ValueError:  # no such day: validation says so
            return key
    return key


def _keys_of(value: Any, context: str) -> Any:
    """`value` (a table, in context ``"table"``; a delay's curve, ``"days"``) with the
    keys of its mappings as JSON writes them read as meant (:func:`_json_key`); a
    mapping is copied only where something in it changes, anything else is kept as it
    is; without recursion. A mapping that would then hold a key twice is left as
    written, for validation to report."""
    if not isinstance(value, Mapping):
        return value
    done: dict[tuple[int, str], Any] = {}  # (id, context) -> the mapping to use
    stack: list[tuple[Mapping[Any, Any], str, bool]] = [(value, context, False)]
    while stack:
        item, ctx, expanded = stack.pop()
        if (id(item), ctx) in done:
            continue
        pairs = [(k, v, _within(ctx, k)) for k, v in item.items()]
        if not expanded:
            stack.append((item, ctx, True))
            stack.extend((v, c, False) for _, v, c in pairs
                         if isinstance(v, Mapping) and (id(v), c) not in done)
            continue
        new = [(k, done[(id(v), c)] if isinstance(v, Mapping) else v) for k, v, c in pairs]
        if ctx:
            keys = [_json_key(ctx, k) for k, _ in new]
            if len(set(keys)) == len(keys):  # no key written two ways
                new = [(k2, v) for k2, (_, v) in zip(keys, new, strict=True)]
        same = all(k2 is k and v2 is v for (k2, v2), (k, v, _) in zip(new, pairs, strict=True))
        done[(id(item), ctx)] = item if same else dict(new)
    return done[(id(value), context)]


def _spec_keys(spec: Any) -> Any:
    """A node's or attribute's spec with the keys of its ``table``, ``why_table`` and
    ``delay`` curve read as meant (:func:`_keys_of`), and a pillar's clauses' too."""
    if not isinstance(spec, Mapping):
        return spec
    changed: dict[Any, Any] = {}
    for field in ("table", "why_table"):
        if field in spec:
            changed[field] = _keys_of(spec[field], "table")
    delay = spec.get("delay")
    if isinstance(delay, Mapping) and isinstance(delay.get("by"), Mapping):
        by = _keys_of(delay["by"], "days")
        if by is not delay["by"]:
            changed["delay"] = {**delay, "by": by}
    clauses = spec.get("clauses")
    if isinstance(clauses, Mapping):
        changed["clauses"] = _each(clauses, _spec_keys)
    changed = {k: v for k, v in changed.items() if v is not spec[k]}
    return {**spec, **changed} if changed else spec


def _each(mapping: Mapping[Any, Any], f: Any) -> Mapping[Any, Any]:
    """`mapping` with `f` applied to each value; itself when nothing changes."""
    new = {k: f(v) for k, v in mapping.items()}
    return new if any(new[k] is not v for k, v in mapping.items()) else mapping


def _json_keys(data: Mapping[Any, Any]) -> dict[Any, Any]:
    """`data` with the keys JSON (whose keys are text) writes for a table's true and
    false, the dates of a table's curves and a delay curve's days, ``"true"``,
    ``"false"``, ``"2025-06-30"``, ``"30"``, read as ``True``, ``False``, a date,
    ``30``: in the tables and delays of events, pillars, clauses, the signing and
    attributes, nowhere else (a node named ``table`` is a node). `data` is not
    modified; a mapping that would then hold a key twice is left for validation to
    report. `data` holds no cycle and is not too deep (:func:`_unreadable`)."""
    out = dict(data)
    for section in ("events", "pillars", "attributes"):
        if isinstance(out.get(section), Mapping):
            out[section] = _each(out[section], _spec_keys)
    if "signing" in out:
        out["signing"] = _spec_keys(out["signing"])
    return out


_SURROGATE = re.compile("[\ud800-\udfff]")
#: Bits of the largest whole number Python writes as text (4,300 digits, its default
#: ``sys.get_int_max_str_digits()``); past it no message can quote the number.
_TEXT_BITS = 14_280
_BIGNUM = "a number of more than 4,300 digits"
_PAST = "past the floating-point range, about 1.8e308; write a smaller number"


def _huge(value: object) -> bool:
    """A whole number Python refuses to write as text (more than 4,300 digits)."""
    if isinstance(value, bool) or not isinstance(value, int) or value.bit_length() <= _TEXT_BITS:
        return False
    try:
        repr(value)
    except ValueError:
        return True
    return False


def _field(path: tuple[Any, ...]) -> str:
    return dotted_path([f"({_BIGNUM})" if _huge(k) else k for k in path])


def _unreadable(data: Mapping[Any, Any], name: str) -> list[Problem]:
    """Problems of data no file could hold, found without recursion: nesting deeper than
    MAX_DEPTH (the YAML reader's limit, with its message; only the first), strings holding
    surrogate code points (text decoded wrongly, which no file, terminal or page can
    hold), and whole numbers of more than 4,300 digits, which no message can quote.

    A container shared by several places is walked again only when reached deeper than
    before (so a list holding itself is too deep, and shared data costs at most MAX_DEPTH
    walks); its strings, numbers and keys are checked the first time only."""
    problems: list[Problem] = []
    walked: dict[int, int] = {}  # id of a container -> the deepest path length walked at
    stack: list[tuple[tuple[Any, ...], Any, bool]] = [((), data, True)]
    tree = True  # no container reached twice: then `count` is what _expanded would give
    count = 0  # values and keys walked
    while stack:
        path, value, first = stack.pop()
        count += 1
        # (plain values first: the Mapping check is an ABC's, slow on every number)
        if isinstance(value, str):
            if first and not value.isascii() and (bad := _SURROGATE.search(value)) is not None:
                problems.append(Problem(
                    f"the text holds \\u{ord(bad.group()):04x}, half of a UTF-16 surrogate pair "
                    "and not a character (decode the text properly, or write the character "
                    "itself)", _field(path), name, value=value))
        elif value is None or isinstance(value, float | int):
            if first and _huge(value):
                problems.append(Problem(f"= {_BIGNUM} is not a finite number ({_PAST})",
                                        _field(path), name))
        elif isinstance(value, dict | list | tuple | Mapping):
            if len(path) >= MAX_DEPTH:
                return [Problem(_DEEP, _field(path), name)]
            if walked.get(id(value), -1) >= len(path):
                tree = False
                continue
            fresh = id(value) not in walked  # its strings and numbers not checked yet
            tree = tree and fresh
            walked[id(value)] = len(path)
            items = list(value.items() if isinstance(value, Mapping) else enumerate(value))
            if isinstance(value, Mapping):
                count += len(items)  # its keys
            for key, item in reversed(items):  # popped in the order written
                stack.append(((*path, key), item, fresh))
                if fresh and isinstance(key, str) and not key.isascii() and \
                        _SURROGATE.search(key):
                    stack.append(((*path, key), key, True))
                    count -= 1  # the key, counted above, walked to be checked
                elif fresh and _huge(key):
                    problems.append(Problem(f"a key is {_BIGNUM}, not a finite number "
                                            f"({_PAST})", _field(path), name))
    # no cycle is left (each would have been too deep); a tree was counted as it was walked
    if (count if tree else _expanded(data)) > MAX_EXPANDED:
        problems.append(Problem(_SHARED, "", name))
    return problems


#: Most values ``from_dict`` data may hold, a list or mapping used in several places
#: counted at each (a file holds at most MAX_NODES = 5,000).
MAX_EXPANDED = 1_000_000
_SHARED = (f"the data expands to more than {MAX_EXPANDED:,} values, counting a list or mapping "
           f"used in several places at each (limit MAX_EXPANDED = {MAX_EXPANDED:,}, against "
           "'billion laughs'; share fewer lists and mappings)")
_CONTAINERS = (Mapping, list, tuple)


def _expanded(data: Mapping[Any, Any]) -> int:
    """How many values and keys `data` holds written out as a tree (at most MAX_EXPANDED
    + 1), each shared container counted once per use; without recursion. `data` holds
    no cycle."""
    size: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        value, done = stack.pop()
        if id(value) in size:
            continue
        items = list(value.values()) if isinstance(value, Mapping) else list(value)
        if not done:
            stack.append((value, True))
            stack.extend((v, False) for v in items if isinstance(v, _CONTAINERS))
            continue
        total = 1 + (len(value) if isinstance(value, Mapping) else 0) + sum(
            size[id(v)] if isinstance(v, _CONTAINERS) else 1 for v in items)
        size[id(value)] = min(total, MAX_EXPANDED + 1)
    return size[id(data)]


def load(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a scenario file (see :func:`loads`).

    A file that says ``extends: BASE.yaml`` is read as a variant of that file
    (a path relative to it), see :mod:`pactsim.language.extends`.

    A `path` that is not a file name (``str`` or ``os.PathLike``) raises
    :class:`~pactsim.errors.ArgumentTypeError` (a ``TypeError``); one no file
    can have, such as one holding a NUL character,
    :class:`~pactsim.errors.ArgumentError` (a ``ValueError``).
    """
    raw = os.fspath(path) if isinstance(path, os.PathLike) else path
    if not isinstance(raw, str):
        raise ArgumentTypeError(f"load(): path = {_short(path)} is {_a(path)}; pass a file name "
                                "as a str or pathlib.Path (to parse text, use loads(text))")
    if "\0" in raw:
        raise ArgumentError(f"load(): path = {_short(raw)} holds a NUL character (\\0), which no "
                            "file name can contain; check how the name was built")
    name = raw
    try:
        # only a regular file, never more than MAX_BYTES + 1 bytes, never blocking (a FIFO or
        # /dev/zero named on the command line is refused, not read forever)
        data = read_regular(raw, MAX_BYTES)
        size = max(len(data), os.stat(raw).st_size) if len(data) > MAX_BYTES else len(data)
    except OSError as err:
        text_like = "\n" in raw or raw.lstrip().startswith(("pactsim:", "resolutions:"))
        if text_like and not os.path.exists(raw):  # YAML text passed as a file name
            raise ArgumentError(f"load(): path = {_short(raw)} is not a file name: it reads "
                                "as scenario text; to read text, use pactsim.loads(text)") from None
        raise ScenarioError(Problem(f"cannot read the file: {err.strerror or err}", path=name)) \
            from None
    except ValueError as err:  # a name the operating system refuses outright
        raise ArgumentError(f"load(): path = {_short(raw)} cannot be a file name ({err})") \
            from None
    if size > MAX_BYTES:
        # (a file whose size the system does not say, such as /proc/kallsyms, was read only
        # to one byte past the limit: its size is not known, only that it is over)
        said = f"is {size:,} bytes" if size > MAX_BYTES + 1 else f"is over {MAX_BYTES:,} bytes"
        raise ScenarioError(Problem(
            f"the file {said}; scenario files are limited to {MAX_BYTES:,} bytes "
            "(split it, or check you opened the right file)", path=name, line=1, column=1))
    return loads(data, name=name)


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + " ..." + text[-1]


def _a(value: object) -> str:
    kind = type(value).__name__
    if value is None or kind == "bytes":
        return "None" if value is None else "bytes"
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def _check_name(func: str, name: object) -> None:
    if not isinstance(name, str):
        raise ArgumentTypeError(f"{func}(): name = {_short(name)} is {_a(name)}; name is the "
                                "file name shown in messages, a str")


def _plain(value: Any) -> Any:
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return {k: _plain(v) for k, v in value.model_dump(exclude_defaults=True).items()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


#: dumps emits with libyaml where the reader found it (a test sets this to try both ways)
_LIBYAML = LIBYAML


# Characters YAML treats as line breaks inside plain or single-quoted scalars:
# strings holding them are written double-quoted, where they are escaped.
_BREAKS = frozenset("\x85\u2028\u2029")


def _represent_str(representer: Any, data: str) -> Any:
    if _BREAKS.intersection(data):
        return representer.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return representer.represent_str(data)


def dumps(scenario: Scenario) -> str:
    """Write a scenario back to YAML text that :func:`loads` reads as an equal scenario.

    Comments of the original file are not kept (the model does not hold them). The
    text is emitted by libyaml (ruamel.yaml.clib) where it is installed (~13 ms for the
    flagship), else by ruamel's pure-Python emitter (~90 ms); the two may quote or fold
    a string differently, never with another meaning. Anything but a
    :class:`Scenario` is an :class:`~pactsim.errors.ArgumentTypeError` (a path is
    not read: ``dumps(load(path))``).
    """
    if not isinstance(scenario, Scenario):  # (review-api27: a path came back as YAML text)
        hint = " (load it first: pactsim.dumps(pactsim.load(path)))" \
            if isinstance(scenario, str | os.PathLike) else ""
        raise ArgumentTypeError(f"dumps() needs a Scenario (from pactsim.load), not "
                                f"{type(scenario).__name__}{hint}")
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=not _LIBYAML)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    # after the line above: touching .representer builds it with the settings so far
    yaml.representer.add_representer(str, _represent_str)
    buf = io.StringIO()
    buf.write(SCHEMA_COMMENT + "\n")
    yaml.dump(_plain(scenario), buf)
    return buf.getvalue()
