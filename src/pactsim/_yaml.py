"""Parse one YAML document safely into plain Python data plus source positions.

This is the first step of reading a scenario: text in, a :class:`Located` tree
out. Nothing is ever constructed from a YAML tag (every explicit tag is
refused), aliases are expanded into copies under a node budget, nesting is
bounded, and every failure is a :class:`~pactsim.errors.ScenarioError` whose
problems are located at ``FILE:LINE:COLUMN``.

The round-trip (``rt``) ruamel.yaml pipeline with YAML 1.2 rules is used only
up to the node graph; scalars are read by its constructor and turned into
builtins (``yes`` stays a string, ``2024-12-31`` is a :class:`datetime.date`).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, ScalarEvent, SequenceStartEvent, StreamEndEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.scanner import RoundTripScanner

from pactsim.errors import Problem, ScenarioError

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "Key", "Located", "Path", "parse_yaml"]

Key = str | int | bool | float | datetime.date | None
Path = tuple[Key, ...]

MAX_BYTES: int = 1_000_000
"""Largest accepted source, in bytes (UTF-8)."""
MAX_NODES: int = 100_000
"""Most nodes visited while converting; an alias counts each time it is expanded."""
MAX_DEPTH: int = 100
"""Most collections (mappings, lists) nested inside one another."""

_CORE = "tag:yaml.org,2002:"
_EMPTY = "the file is empty (a scenario needs at least `pactsim`, `id`, `as_of` and `horizon`)"


@dataclass(frozen=True)
class Located:
    """Plain data parsed from YAML, with the source position of every node.

    Attributes
    ----------
    data:
        Plain Python only: ``dict`` (insertion ordered), ``list``, ``str``,
        ``int``, ``float``, ``bool``, ``None``, ``datetime.date`` and
        ``datetime.datetime``.
    name:
        File name used in messages.
    positions:
        Path -> 1-based ``(line, column)`` of the value at that path; ``()`` is
        the root. Mapping keys appear in paths as constructed, list items by index.
    key_positions:
        Path -> 1-based ``(line, column)`` of the mapping key whose value is at path.

    Examples
    --------
    >>> doc = parse_yaml("a:\\n  b: [1, 2]\\n")
    >>> doc.locate(("a", "b", 1)), doc.locate(("a", "b"), key=True)
    ((2, 10), (2, 3))
    """

    data: Any
    name: str
    positions: Mapping[Path, tuple[int, int]]
    key_positions: Mapping[Path, tuple[int, int]]

    def locate(self, path: Sequence[Key], *, key: bool = False) -> tuple[int | None, int | None]:
        """Position of `path` (its key if ``key=True`` and known, else its value).

        Falls back to the nearest ancestor that has a position; ``(None, None)``
        if nothing does.
        """
        p = tuple(path)
        if key and p in self.key_positions:
            return self.key_positions[p]
        for n in range(len(p), -1, -1):
            if p[:n] in self.positions:
                return self.positions[p[:n]]
        return None, None


class _Stop(Exception):
    """A fatal problem: parsing cannot go on."""

    def __init__(self, message: str, where: Any, field: str = "") -> None:
        super().__init__(message)
        self.message, self.field = message, field
        self.line, self.column = (1, 1) if where is None else _pos(where)


class _Alias:
    """An alias occurrence: where ``*name`` was written, and the node it names."""

    __slots__ = ("anchor", "start_mark", "target")

    def __init__(self, target: Any, start_mark: Any, anchor: str) -> None:
        self.target, self.start_mark, self.anchor = target, start_mark, anchor


def _pos(mark: Any) -> tuple[int, int]:
    return int(mark.line) + 1, int(mark.column) + 1


def _line_col(text: str, index: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - start + 1


def _dotted(path: Path) -> str:
    return ".".join(_show(k, quote=False) for k in path)


def _show(key: Key, *, quote: bool = True) -> str:
    if isinstance(key, str):
        return repr(key) if quote else key
    if isinstance(key, bool) or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    return key.isoformat() if isinstance(key, datetime.date) else repr(key)


def _tag_text(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def _kind(node: Any) -> str:
    return {MappingNode: "a mapping", SequenceNode: "a list"}.get(type(node), "a single value")


class _Scanner(RoundTripScanner):  # type: ignore[misc]
    """ruamel's scanner, stopping at MAX_DEPTH open brackets.

    Its simple-key bookkeeping is quadratic in the number of open brackets, so
    500 000 ``[`` would take minutes without this early stop.
    """

    def fetch_flow_collection_start(self, token_class: Any, to_push: str) -> None:
        if self.flow_level >= MAX_DEPTH:
            raise _Stop(_too_deep(), self.reader.get_mark())
        super().fetch_flow_collection_start(token_class, to_push)


class _Composer(Composer):  # type: ignore[misc]
    """ruamel's composer, plus limits, tag bookkeeping and explicit aliases."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self.depth = 0
        self.count = 0
        self.tagged: dict[int, str] = {}  # id(node) -> explicit tag

    def get_single_node(self) -> Any:
        self.parser.get_event()  # STREAM-START
        if self.parser.check_event(StreamEndEvent):
            return None
        start = self.parser.peek_event()
        if start.version not in (None, (1, 2)):
            found = ".".join(map(str, start.version))
            raise _Stop(
                f"only YAML 1.2 is supported (found `%YAML {found}`; delete the directive)",
                start.start_mark,
            )
        node = self.compose_document()
        if not self.parser.check_event(StreamEndEvent):
            raise _Stop(
                "a second YAML document starts here (a scenario file holds exactly one "
                "document; delete this `---` or move the rest to its own file)",
                self.parser.get_event().start_mark,
            )
        return node

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.parser.check_event(AliasEvent):
            event = self.parser.get_event()
            if event.anchor not in self.anchors:
                raise _Stop(
                    f"alias *{event.anchor} names no anchor (an alias must repeat a value "
                    f"marked `&{event.anchor}` earlier in the file; define it or fix the name)",
                    event.start_mark,
                )
            return _Alias(self.anchors[event.anchor], event.start_mark, event.anchor)
        event = self.parser.peek_event()
        self.count += 1
        if self.count > MAX_NODES:
            raise _Stop(_too_many(alias=False), event.start_mark)
        scalar = self.parser.check_event(ScalarEvent)
        if not scalar and self.depth >= MAX_DEPTH:
            raise _Stop(_too_deep(), event.start_mark)
        self.depth += 1
        self.resolver.descend_resolver(parent, index)
        if scalar:
            node = self.compose_scalar_node(event.anchor)
        elif self.parser.check_event(SequenceStartEvent):
            node = self.compose_sequence_node(event.anchor)
        else:
            node = self.compose_mapping_node(event.anchor)
        self.resolver.ascend_resolver()
        self.depth -= 1
        if event.ctag is not None:
            self.tagged[id(node)] = str(event.ctag)
        return node


def _too_many(*, alias: bool) -> str:
    what = "aliases here expand the document to" if alias else "the document has"
    return (
        f"{what} more than {MAX_NODES:,} nodes (limit MAX_NODES = {MAX_NODES:,}, "
        "which stops 'billion laughs' expansion; use fewer or smaller aliases)"
        if alias
        else f"{what} more than {MAX_NODES:,} nodes (limit {MAX_NODES:,}; split the scenario)"
    )


def _too_deep() -> str:
    return (
        f"nesting deeper than {MAX_DEPTH} levels (limit MAX_DEPTH = {MAX_DEPTH} mappings "
        "and lists inside one another; flatten the structure)"
    )


class _Converter:
    """Turn the node graph into plain data, recording positions and problems."""

    def __init__(self, yaml: YAML, tagged: dict[int, str]) -> None:
        self.constructor = yaml.constructor
        self.tagged = tagged
        self.positions: dict[Path, tuple[int, int]] = {}
        self.key_positions: dict[Path, tuple[int, int]] = {}
        self.problems: list[tuple[str, str, tuple[int, int]]] = []
        self.count = 0
        self.open: set[int] = set()  # ids of collection nodes being converted
        self.outer: _Alias | None = None  # outermost alias being expanded

    def problem(self, message: str, path: Path, mark: Any) -> None:
        item = (message, _dotted(path), _pos(mark))
        if item not in self.problems:
            self.problems.append(item)

    def convert(self, node: Any, path: Path) -> Any:
        alias = node if isinstance(node, _Alias) else None
        if alias is not None:
            node = alias.target
            if id(node) in self.open:
                raise _Stop(
                    f"alias *{alias.anchor} is used inside its own anchor &{alias.anchor} "
                    "(recursive structures are not allowed; write the value out instead)",
                    alias.start_mark,
                    _dotted(path),
                )
        self.positions[path] = _pos((alias or node).start_mark)
        if not self.visit(node, alias, path):
            return None
        if isinstance(node, ScalarNode):
            value = self.scalar(node, path)
            return None if value is _BAD else value
        if len(path) >= MAX_DEPTH:
            raise _Stop(_too_deep(), (alias or node).start_mark, _dotted(path))
        outer = self.outer
        if alias is not None and outer is None:
            self.outer = alias
        self.open.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
            return self.mapping(node, path)
        finally:
            self.open.discard(id(node))
            self.outer = outer

    def visit(self, node: Any, alias: _Alias | None, path: Path) -> bool:
        """Count `node` against MAX_NODES; refuse it (return False) if tagged."""
        self.count += 1
        if self.count > MAX_NODES:
            culprit = self.outer or alias
            mark = node.start_mark if culprit is None else culprit.start_mark
            raise _Stop(_too_many(alias=culprit is not None), mark, _dotted(path))
        if id(node) not in self.tagged:
            return True
        self.problem(
            f"tags are not allowed (found `{_tag_text(self.tagged[id(node)])}`; a scenario "
            "holds only plain values — remove the tag)",
            path,
            node.start_mark,
        )
        return False

    def scalar(self, node: Any, path: Path) -> Any:
        tag = str(node.tag)
        if tag not in {_CORE + t for t in ("null", "bool", "int", "float", "timestamp")}:
            return str(node.value)  # str, and `=` or `<<` written as values
        try:
            return _plain(self.constructor.construct_object(node, deep=True))
        except (ValueError, ArithmeticError, YAMLError) as exc:
            kind = "date" if tag.endswith("timestamp") else "value"
            self.problem(
                f"invalid {kind} {node.value[:40]!r} ({str(exc).splitlines()[0]}; "
                "write a real YYYY-MM-DD date or a plain number, or quote it to keep text)",
                path,
                node.start_mark,
            )
            return _BAD

    def mapping(self, node: Any, path: Path) -> dict[Key, Any]:
        own: dict[Key, Any] = {}
        first: dict[Key, tuple[Key, int]] = {}
        order: list[Any] = []
        merged: list[tuple[dict[Key, Any], dict[Path, Any], dict[Path, Any]]] = []
        for key_node, value_node in node.value:
            real = key_node.target if isinstance(key_node, _Alias) else key_node
            if str(real.tag) == _CORE + "merge" and id(real) not in self.tagged:
                self.count += 1
                merged += self.merge(value_node, path)
                order.append(_MERGE)
                continue
            if not self.visit(real, key_node if real is not key_node else None, path):
                continue
            if not isinstance(real, ScalarNode):
                self.problem(
                    f"a mapping key must be a single value — a string, number, date, true/"
                    f"false or null — not {_kind(real)} (quote it or restructure the entry)",
                    path,
                    key_node.start_mark,
                )
                continue
            key = self.scalar(real, path)
            if key is _BAD:
                continue
            if key in first:
                was, line = first[key]
                same = "" if _show(was) == _show(key) else f"; it equals key {_show(was)}"
                self.problem(
                    f"duplicate key {_show(key)} (first at line {line}{same}; each key may "
                    "appear once in a mapping — merge the two entries)",
                    (*path, key),
                    key_node.start_mark,
                )
                continue
            first[key] = (key, _pos(key_node.start_mark)[0])
            self.key_positions[(*path, key)] = _pos(key_node.start_mark)
            own[key] = self.convert(value_node, (*path, key))
            order.append(key)
        out: dict[Key, Any] = {}
        for item in order:
            if item is not _MERGE:
                out[item] = own[item]
                continue
            for data, positions, key_positions in merged:
                for key, value in data.items():
                    if key in own or key in out:
                        continue
                    out[key] = value
                    n = len(path) + 1
                    self.positions.update(
                        (p, v) for p, v in positions.items() if p[:n] == (*path, key)
                    )
                    self.key_positions.update(
                        (p, v) for p, v in key_positions.items() if p[:n] == (*path, key)
                    )
            merged = []
        return out

    def merge(self, value_node: Any, path: Path) -> list[tuple[dict[Key, Any], Any, Any]]:
        real = value_node.target if isinstance(value_node, _Alias) else value_node
        sources = real.value if isinstance(real, SequenceNode) else [value_node]
        if id(real) in self.tagged:
            sources = [value_node]
        found = []
        for source in sources:
            node = source.target if isinstance(source, _Alias) else source
            if not isinstance(node, MappingNode) and id(node) not in self.tagged:
                self.problem(
                    f"the merge key `<<` needs a mapping or a list of mappings (e.g. "
                    f"`<<: *base`), not {_kind(node)}",
                    path,
                    source.start_mark,
                )
                continue
            saved = self.positions, self.key_positions
            self.positions, self.key_positions = {}, {}
            try:
                data = self.convert(source, path)
            finally:
                positions, key_positions = self.positions, self.key_positions
                self.positions, self.key_positions = saved
            if isinstance(data, dict):
                found.append((data, positions, key_positions))
        return found


_BAD = object()
_MERGE = object()


def _plain(value: Any) -> Any:
    """Turn ruamel's scalar types (ScalarFloat, TimeStamp, …) into builtins."""
    if isinstance(value, ScalarBoolean | bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, datetime.datetime):
        v = value
        return datetime.datetime(
            v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond, v.tzinfo
        )
    if isinstance(value, datetime.date):
        return datetime.date(value.year, value.month, value.day)
    return None if value is None else str(value)


def _decode(source: str | bytes) -> str:
    if isinstance(source, str):
        size = len(source.encode("utf-8", "surrogatepass"))
    else:
        size = len(source)
    if size > MAX_BYTES:
        raise _Stop(
            f"the file is {size:,} bytes, over the limit of {MAX_BYTES:,} bytes (a scenario "
            "is a small text file; split it or remove bulk data)",
            None,
        )
    if isinstance(source, str):
        return source.removeprefix("\ufeff")
    data = source.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[start : exc.start].decode("utf-8")) + 1
        raise _Stop(
            f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x} cannot be decoded; "
            "save the file as UTF-8)",
            _Mark(data.count(b"\n", 0, exc.start), column - 1),
        ) from None


@dataclass
class _Mark:
    line: int
    column: int


def parse_yaml(source: str | bytes, *, name: str = "<scenario>") -> Located:
    """Parse one YAML document safely into plain data plus positions.

    Parameters
    ----------
    source:
        YAML text, or UTF-8 bytes (a leading BOM is accepted and dropped).
    name:
        File name used in messages and stored as ``Located.name``.

    Returns
    -------
    Located
        The top-level mapping as plain Python data, with value and key positions.

    Raises
    ------
    ScenarioError
        For anything wrong, never another exception: over :data:`MAX_BYTES`,
        not UTF-8, empty, several documents, a top level that is not a mapping,
        a syntax error, any explicit tag, aliases expanding past
        :data:`MAX_NODES` nodes, nesting past :data:`MAX_DEPTH`, a non-scalar
        or duplicate key, an invalid date.

    Examples
    --------
    >>> parse_yaml("as_of: 2024-11-05\\nok: yes\\n").data
    {'as_of': datetime.date(2024, 11, 5), 'ok': 'yes'}
    """
    data: Any = None
    try:
        text = _decode(source)
        yaml = YAML(typ="rt")
        yaml.Composer, yaml.Scanner = _Composer, _Scanner
        try:
            root = yaml.compose(text)
        except ReaderError as exc:
            line, column = _line_col(text, exc.position)
            raise _Stop(
                f"character #x{exc.character:04x} is not allowed in YAML ({exc.reason}; "
                "delete it, or write it as an escape in a double-quoted string)",
                _Mark(line - 1, column - 1),
            ) from None
        except RecursionError:
            raise _Stop(_too_deep(), None) from None
        if root is None or (
            isinstance(root, ScalarNode) and root.value == "" and root.style is None
        ):
            raise _Stop(_EMPTY, None)
        converter = _Converter(yaml, yaml.composer.tagged)
        if isinstance(root, MappingNode) or id(root) in converter.tagged:
            data = converter.convert(root, ())
        else:
            converter.problem(
                f"the top level is {_kind(root)}, not a mapping (a scenario is a mapping of "
                "`key: value` lines such as `pactsim: 1`; remove the list dashes or brackets)",
                (),
                root.start_mark,
            )
    except _Stop as stop:
        problem = Problem(stop.message, stop.field, name, stop.line, stop.column)
        raise ScenarioError(problem) from None
    except MarkedYAMLError as exc:
        raise ScenarioError(_syntax_problem(exc, name)) from None
    except (YAMLError, RecursionError) as exc:
        raise ScenarioError(Problem(f"invalid YAML: {exc}", "", name, 1, 1)) from None
    if converter.problems:
        raise ScenarioError([Problem(m, f, name, *lc) for m, f, lc in converter.problems])
    return Located(data, name, MappingProxyType(converter.positions),
                   MappingProxyType(converter.key_positions))


def _syntax_problem(exc: MarkedYAMLError, name: str) -> Problem:
    """One readable line from ruamel's multi-line error, at the problem mark."""
    mark = exc.problem_mark or exc.context_mark
    problem = " ".join(str(exc.problem or exc.context or "syntax error").split())
    context = " ".join(str(exc.context or "").split())
    where = ""
    if context and exc.problem and exc.context_mark is not None:
        line, column = _pos(exc.context_mark)
        where = f"{context} at line {line}, column {column}; "
    line, column = _pos(mark) if mark is not None else (1, 1)
    return Problem(
        f"invalid YAML: {problem} ({where}check indentation, quotes, brackets and `: ` here)",
        "",
        name,
        line,
        column,
    )
