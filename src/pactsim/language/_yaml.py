"""Parse one YAML document safely into plain Python data plus source positions.

ruamel.yaml's round-trip pipeline (YAML 1.2: ``yes`` stays a string, ``2024-12-31``
is a date) builds the node graph; this module turns it into builtins. Its scanner and
parser are pure Python (the flagship composes in ~0.11 s): where libyaml's
(ruamel.yaml.clib) read a file alike they feed the same composer instead (~22 ms), see
:func:`_fast_compose`; anything else, every error included, goes the pure-Python
way. Nothing is constructed from a tag (every explicit tag is refused), aliases expand
into copies under a node budget, nesting is bounded, and every failure is one located
:class:`~pactsim.errors.ScenarioError`.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, ScalarEvent, SequenceStartEvent, StreamEndEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.parser import Parser
from ruamel.yaml.reader import Reader, ReaderError
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.scanner import Scanner

from pactsim.errors import Problem, ScenarioError

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "Key", "Located", "Path", "parse_yaml"]

Key = str | int | bool | float | datetime.date | None
Path = tuple[Key, ...]

MAX_BYTES: int = 500_000  # largest accepted source, in UTF-8 bytes
MAX_NODES: int = 5_000  # nodes visited while converting; an alias counts at each expansion
MAX_DEPTH: int = 100  # mappings and lists nested inside one another

_CORE = "tag:yaml.org,2002:"
_TYPED = {_CORE + t for t in ("null", "bool", "int", "float", "timestamp")}
_MAX_PROBLEMS = 100
_EMPTY = "the file is empty (a scenario needs at least `pactsim`, `id`, `as_of` and `horizon`)"
_DEEP = (f"nesting deeper than {MAX_DEPTH} levels (limit MAX_DEPTH = {MAX_DEPTH} mappings and "
         "lists inside one another; flatten the structure)")
_BIG = f"the document has more than {MAX_NODES:,} nodes (limit {MAX_NODES:,}; split the scenario)"
_LAUGHS = (f"aliases here expand the document to more than {MAX_NODES:,} nodes (limit MAX_NODES"
           f" = {MAX_NODES:,}, against 'billion laughs'; use fewer or smaller aliases)")


@dataclass(frozen=True)
class Located:
    """Plain data parsed from YAML, with the source position of every node.

    Attributes
    ----------
    data:
        Plain Python only: ``dict`` (insertion ordered), ``list``, ``str``, ``int``,
        ``float``, ``bool``, ``None``, ``datetime.date``, ``datetime.datetime``.
    name:
        File name used in messages.
    positions, key_positions:
        Path -> 1-based ``(line, column)`` of the value at that path (``()`` is the
        root), resp. of the mapping key whose value it is. Paths hold keys as
        constructed and list items by index.

    Examples
    --------
    >>> doc = parse_yaml("a:\\n  b: [1, 2]\\n")
    >>> doc.locate(("a", "b", 1)), doc.locate(("a", "b"), key=True), doc.locate(("z",))
    ((2, 10), (2, 3), (1, 1))
    """

    data: Any
    name: str
    positions: Mapping[Path, tuple[int, int]]
    key_positions: Mapping[Path, tuple[int, int]]
    #: Problems of single values found while reading (``parse_yaml(soft=True)``): the
    #: data holds the value's text instead, so validation can report the rest too.
    problems: tuple[Problem, ...] = ()

    def locate(self, path: Sequence[Key], *, key: bool = False) -> tuple[int | None, int | None]:
        """Position of `path`: its key if ``key=True`` and known, else its value.

        Falls back to the nearest ancestor with a position; ``(None, None)`` if none.
        """
        p = tuple(path)
        if key and p in self.key_positions:
            return self.key_positions[p]
        for n in range(len(p), -1, -1):
            if p[:n] in self.positions:
                return self.positions[p[:n]]
        return None, None

    def written(self, path: Sequence[Key]) -> Any:
        """The single value (not a mapping or a list) at `path` of the data, as the file
        wrote it (a value YAML could not read: its text); None when there is none.

        Examples
        --------
        >>> doc = parse_yaml("a:\\n  b: [1, 2]\\n")
        >>> doc.written(("a", "b", 1)), doc.written(("a", "b")), doc.written(("z",))
        (2, None, None)
        """
        node: Any = self.data
        for k in path:
            found = k in node if isinstance(node, Mapping) else (
                isinstance(node, list | tuple) and isinstance(k, int)
                and not isinstance(k, bool) and 0 <= k < len(node))
            if not found:
                return None
            node = node[k]
        return None if isinstance(node, Mapping | list | tuple) else node


class _Stop(Exception):
    """A fatal problem: reading cannot go on."""

    def __init__(self, message: str, where: tuple[int, int] = (1, 1), field: str = "") -> None:
        super().__init__(message)
        self.problem = Problem(message, field, None, *where)


class _Enough(Exception):
    """Enough problems collected to report."""


class _Alias:
    """One occurrence of ``*name``: where it was written and the node it repeats."""

    __slots__ = ("anchor", "start_mark", "target")

    def __init__(self, target: Any, start_mark: Any, anchor: str) -> None:
        self.target, self.start_mark, self.anchor = target, start_mark, anchor


def _empty(node: Any) -> bool:
    """Whether ``node`` is a value written as nothing at all (``key:`` alone: null)."""
    return isinstance(node, ScalarNode) and node.value == "" and node.style is None and \
        node.tag == "tag:yaml.org,2002:null"


def _pos(mark: Any) -> tuple[int, int]:
    return int(mark.line) + 1, int(mark.column) + 1


def _dotted(path: Path) -> str:
    """A path as validation writes it (``observations[0].date``, ``delay.by[15]``; see
    :func:`pactsim.language.validate.dotted_path`, which reading cannot import: loads
    leaves out validation's problems at a reading problem's field, so the two must agree
    but for ``null`` keys)."""
    parts = [f"[{k}]" if isinstance(k, int) and not isinstance(k, bool) else
             k if isinstance(k, str) else _show(k) for k in path]
    return ".".join(parts).replace(".[", "[")


def _show(key: Key) -> str:
    if isinstance(key, bool) or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    return key.isoformat() if isinstance(key, datetime.date) else repr(key)


def _kind(node: Any) -> str:
    return {MappingNode: "a mapping", SequenceNode: "a list"}.get(type(node), "a single value")


def _real(node: Any) -> Any:
    return node.target if isinstance(node, _Alias) else node


class _Scanner(Scanner):
    """Stops at MAX_DEPTH open brackets: ruamel's simple-key bookkeeping is
    quadratic in them, so 500 000 ``[`` would otherwise take minutes."""

    def fetch_flow_collection_start(self, token_class: Any, to_push: str) -> None:
        if self.flow_level >= MAX_DEPTH:
            raise _Stop(_DEEP, _pos(self.reader.get_mark()))
        super().fetch_flow_collection_start(token_class, to_push)


class _Composer(Composer):
    """Adds limits, records explicit tags (never resolved), keeps aliases visible."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self.depth = self.count = 0
        self.tagged: dict[int, str] = {}  # id(node) -> explicit tag
        self.root: Any = None  # the document's node, when composed by _fast_compose
        self.empty = False  # whether a value is left empty (``key:``), placed differently

    def get_single_node(self) -> Any:
        self.parser.get_event()  # STREAM-START
        if self.parser.check_event(StreamEndEvent):
            return None
        start = self.parser.peek_event()
        if start.version not in (None, (1, 2)):
            found = ".".join(map(str, start.version))
            raise _Stop(f"only YAML 1.2 is supported (found `%YAML {found}`; delete the "
                        "directive)", _pos(start.start_mark))
        node = self.compose_document()
        if not self.parser.check_event(StreamEndEvent):
            raise _Stop("a second YAML document starts here (a scenario file holds exactly one "
                        "document; delete this `---` or move the rest to its own file)",
                        _pos(self.parser.get_event().start_mark))
        return node

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.parser.check_event(AliasEvent):
            event = self.parser.get_event()
            if event.anchor not in self.anchors:
                raise _Stop(f"alias *{event.anchor} names no anchor (an alias repeats a value "
                            f"marked `&{event.anchor}` earlier in the file; define it or fix the "
                            "name)", _pos(event.start_mark))
            return _Alias(self.anchors[event.anchor], event.start_mark, event.anchor)
        event = self.parser.peek_event()
        scalar = self.parser.check_event(ScalarEvent)
        self.count += 1
        if self.count > MAX_NODES or (not scalar and self.depth >= MAX_DEPTH):
            raise _Stop(_BIG if self.count > MAX_NODES else _DEEP, _pos(event.start_mark))
        self.depth += 1
        self.resolver.descend_resolver(parent, index)
        if scalar:
            self.empty = self.empty or (event.value == "" and not event.style)
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


try:  # libyaml's scanner and parser, in ruamel.yaml.clib (installed with ruamel.yaml)
    from _ruamel_yaml import CParser as _CParser  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - a platform without the C extension
    _CParser = None
#: Whether libyaml (ruamel.yaml.clib) is installed: not on CPython 3.14, where
#: ruamel.yaml does not pull it.
LIBYAML: bool = _CParser is not None


#: What YAML 1.1 (libyaml) and 1.2 (ruamel) read differently, or what a scenario file
#: rarely holds: anchors and aliases (1.2 allows more characters in their names), tags,
#: directives, tabs, a byte order mark past the start (libyaml skips one that starts a
#: line), explicit keys (``? key``: libyaml places their empty value elsewhere). A text
#: with any of them is read the pure-Python way only.
_SLOW_ONLY = re.compile(r"(?:^|[\s\[\]{},:?-])[&*!]\S|^%|[\t\ufeff]|(?:^|[\s\[{,])\?(?:\s|$)",
                        re.MULTILINE)


def _fast_compose(text: str) -> Any:
    """The node graph of `text` with libyaml's scanner and parser (the flagship composes
    in ~22 ms against ~0.11 s with ruamel's pure-Python ones) feeding the same
    composer, so the same limits, tags and aliases; ``None`` when they cannot read it.

    Only a file both read alike takes this way: anything libyaml refuses (a syntax
    error, a character it does not take) or that stops the composer (a limit, a second
    document) is read again by ruamel's pure-Python pipeline, whose located messages
    the user gets, and a file with YAML 1.1's extra line breaks never comes here (the
    caller checks). ``tests/unit/test_yaml_fast.py`` compares both ways on every file
    of the repository, on generated scenarios and on odd texts. The caller keeps what it
    gives only if it converts to a mapping without a problem."""
    if _CParser is None or _SLOW_ONLY.search(text):
        return None
    yaml = YAML(typ="rt")
    yaml.Reader, yaml.Composer, yaml.Scanner = Reader, _Composer, _Scanner
    yaml.Parser = lambda loader=None: _CParser(io.StringIO(text))
    try:
        yaml.reader.stream = text  # ruamel's check of the characters, as the slow way
        yaml.composer.root = yaml.composer.get_single_node()
    except Exception:  # read again the slow way, which says what is wrong
        return None
    # an empty value (`key:` then a comment or the next line): libyaml places it after
    # the colon, ruamel where the next token starts, which messages about it would show
    return None if yaml.composer.empty else yaml


class _Converter:
    """Turns the node graph into plain data, recording positions and problems."""

    def __init__(self, yaml: YAML, tagged: dict[int, str]) -> None:
        self.constructor, self.tagged = yaml.constructor, tagged
        self.positions: dict[Path, tuple[int, int]] = {}
        self.key_positions: dict[Path, tuple[int, int]] = {}
        # an ordered set of (message, field, position), each with its offending value
        self.problems: dict[tuple[str, str, tuple[int, int]], Any] = {}
        self.count = 0
        self.open: set[int] = set()  # ids of the collections being converted
        self.outer: tuple[_Alias, Path] | None = None  # outermost alias being expanded
        self.bad: dict[Path, str] = {}  # values that could not be read: their text
        self.failed: dict[int, str] = {}  # id of a scalar node that could not be read: why

    def problem(self, message: str, path: Path, mark: Any, value: Any = None) -> None:
        self.problems.setdefault((message, _dotted(path), _pos(mark)), value)
        if len(self.problems) >= _MAX_PROBLEMS:
            raise _Enough

    def visit(self, node: Any, alias: _Alias | None, path: Path) -> bool:
        """Count `node` against MAX_NODES; refuse it (False) if it carries a tag."""
        self.count += 1
        if self.count > MAX_NODES:
            culprit = self.outer if self.outer or alias is None else (alias, path)
            if culprit is None:
                raise _Stop(_BIG, _pos(node.start_mark), _dotted(path))
            raise _Stop(_LAUGHS, _pos(culprit[0].start_mark), _dotted(culprit[1]))
        if id(node) not in self.tagged:
            return True
        tag = self.tagged[id(node)]
        tag = "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag
        self.problem(f"tags are not allowed (found `{tag}`; a scenario holds only plain values "
                     "— remove the tag)", path, node.start_mark,
                     str(node.value) if isinstance(node, ScalarNode) else None)
        return False

    def convert(self, node: Any, path: Path, skip: frozenset[Key] | None = None) -> Any:
        """Plain data for `node`; with `skip` (merging), a dict of the other keys only."""
        alias, node = (node if isinstance(node, _Alias) else None), _real(node)
        if alias is not None and id(node) in self.open:
            raise _Stop(f"alias *{alias.anchor} is used inside its own anchor &{alias.anchor} "
                        "(recursive structures are not allowed; write the value out instead)",
                        _pos(alias.start_mark), _dotted(path))
        if skip is None:
            self.positions[path] = _pos((alias or node).start_mark)
        if not self.visit(node, alias, path):  # a tag: its text, when read softly
            return self.unread(node, path) if isinstance(node, ScalarNode) else None
        if isinstance(node, ScalarNode):
            value = self.scalar(node, path)
            return self.unread(node, path) if value is _BAD else value
        if len(path) >= MAX_DEPTH:
            where, at = self.outer or (alias or node, path)
            raise _Stop(_DEEP, _pos(where.start_mark), _dotted(at))
        outer = self.outer
        self.outer = (alias, path) if alias is not None and outer is None else outer
        self.open.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
            return self.mapping(node, path, skip or frozenset())
        finally:
            self.open.discard(id(node))
            self.outer = outer

    def unread(self, node: Any, path: Path) -> Any:
        """A value (not a key) that could not be read: its text is kept for ``soft``."""
        self.bad[path] = "" if _SURROGATE.search(str(node.value)) else str(node.value)
        return _BAD

    def scalar(self, node: Any, path: Path, *, key: bool = False) -> Any:
        if str(node.tag) not in _TYPED:
            return self.text(str(node.value), path, node)  # strings, `=` or `<<` as values
        if id(node) in self.failed:  # again, through an alias or a merge (ruamel would
            self.problem(self.failed[id(node)], path, node.start_mark,  # give None now)
                         str(node.value))
            return _BAD
        try:
            return _plain(self.constructor.construct_object(node, deep=True))
        except (ValueError, ArithmeticError, YAMLError) as exc:
            date = str(node.tag).endswith("timestamp")
            fix = "write a real date as YYYY-MM-DD" if date else "write a smaller number"
            why = str(exc).splitlines()[0]
            if "integer string conversion" in why:  # Python's limit, and its advice for code
                why = "a number of more than 4,300 digits"
            text = str(node.value)  # a long one cut, and said to be (review-fuzz16)
            shown = repr(text) if len(text) <= 40 else \
                f"{text[:36]!r}... ({len(text):,} characters)"
            # a date key (a curve's point) quoted is still read as a date: no quoting advice
            keep = "" if key and date else ", or quote it to keep it as text"
            message = f"invalid {'date' if date else 'value'} {shown} ({why}; {fix}{keep})"
            self.failed[id(node)] = message
            self.problem(message, path, node.start_mark, str(node.value))
            return _BAD

    def text(self, value: str, path: Path, node: Any) -> Any:
        """`value` with escaped surrogate pairs (``"\\ud83d\\ude00"``, as JSON writes 😀)
        joined into their character; a lone surrogate is a problem (no output could hold it)."""
        if _SURROGATE.search(value) is None:
            return value
        try:
            return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
        except UnicodeDecodeError as exc:
            lone = value.encode("utf-16-le", "surrogatepass")[exc.start:exc.start + 2]
            code = int.from_bytes(lone, "little")
            self.problem(f"the text holds \\u{code:04x}, half of a UTF-16 surrogate pair and not "
                         "a character (write the character itself, or its full escape such as "
                         "\\U0001F600)", path, node.start_mark,
                         _SURROGATE.sub(lambda x: f"\\u{ord(x[0]):04x}", value))  # printable
            return _BAD

    def mapping(self, node: Any, path: Path, skip: frozenset[Key]) -> dict[Key, Any]:
        """Explicit keys win over merged ones (``<<``); earlier merges win over later."""
        out: dict[Key, Any] = {}
        first: dict[Key, tuple[Key, int]] = {}
        merges: list[Any] = []
        for key_node, value_node in node.value:
            real = _real(key_node)
            if str(real.tag) == _CORE + "merge" and id(real) not in self.tagged:
                self.count += 1
                merges.append(value_node)
                out.setdefault(_MERGE, None)  # placeholder: merged keys go here
                continue
            if not self.visit(real, key_node if key_node is not real else None, path):
                continue
            if not isinstance(real, ScalarNode):
                self.problem("a mapping key must be a single value — a string, number, date, "
                             f"true/false or null — not {_kind(real)} (quote it or restructure "
                             "the entry)", path, key_node.start_mark)
                continue
            key = self.scalar(real, path, key=True)
            if key is _BAD:
                continue
            same_as = _as_date(key)  # '2025-06-30' quoted is the date 2025-06-30 of a curve
            if same_as in first:
                was, line = first[same_as]
                same = "" if _show(was) == _show(key) else f"; it equals key {_show(was)}"
                self.problem(f"duplicate key {_show(key)} (first at line {line}{same}; each key "
                             "may appear once in a mapping — merge the two entries)",
                             (*path, key), key_node.start_mark, key)
                continue
            first[same_as] = (key, _pos(key_node.start_mark)[0])
            if key not in skip:
                self.key_positions[(*path, key)] = _pos(key_node.start_mark)
                out[key] = self.convert(value_node, (*path, key))
                if _empty(value_node):  # `id:` with nothing after it: the parser puts
                    # the null where the next token starts (the next line); say the key's
                    self.positions[(*path, key)] = _pos(key_node.start_mark)
        if not merges:
            return out
        merged: dict[Key, Any] = {}
        for source in self.merge_sources(merges, path):
            merged |= self.convert(source, path, skip | out.keys() | merged.keys()) or {}
        return {k: v for key, value in out.items()
                for k, v in (merged.items() if key is _MERGE else [(key, value)])}

    def merge_sources(self, values: list[Any], path: Path) -> list[Any]:
        sources = []
        for value in values:
            real = _real(value)
            flat = isinstance(real, SequenceNode) and id(real) not in self.tagged
            for item in real.value if flat else [value]:
                if isinstance(_real(item), MappingNode) or id(_real(item)) in self.tagged:
                    sources.append(item)
                else:
                    self.problem("the merge key `<<` needs a mapping or a list of mappings (e.g. "
                                 f"`<<: *base`), not {_kind(_real(item))}", path, item.start_mark)
        return sources


_BAD = object()
_SURROGATE = re.compile("[\ud800-\udfff]")
_MERGE: Any = object()


def _as_date(key: Key) -> Key:
    """A key as duplicates are judged: an ISO date written as text is that date (the
    schema reads ``'2025-06-30'`` as a date key too, and would keep only the last)."""
    if isinstance(key, str) and len(key) == 10:
        try:
            return datetime.date.fromisoformat(key)
        except ValueError:
            return key
    return key


def _plain(value: Any) -> Any:
    """Turn ruamel's scalar types (ScalarFloat, TimeStamp, …) into builtins."""
    if isinstance(value, ScalarBoolean | bool):
        return bool(value)
    if isinstance(value, int):
        float(value)  # OverflowError past the float range: no number of the format is that big
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, datetime.datetime):
        v = value
        return datetime.datetime(v.year, v.month, v.day, v.hour, v.minute, v.second,
                                 v.microsecond, v.tzinfo)
    if isinstance(value, datetime.date):
        return datetime.date(value.year, value.month, value.day)
    return None if value is None else str(value)


def _decode(source: str | bytes) -> str:
    """Check the size, then decode UTF-8 (dropping a BOM)."""
    size = len(source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source)
    if size > MAX_BYTES:
        raise _Stop(f"the file is {size:,} bytes, over the limit of {MAX_BYTES:,} bytes (a "
                    "scenario is a small text file; split it or remove bulk data)")
    if isinstance(source, str):
        return source.removeprefix("\ufeff")
    data = source.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1
        where = data.count(b"\n", 0, exc.start) + 1, len(data[start : exc.start].decode()) + 1
        raise _Stop(f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x} cannot be "
                    "decoded; save the file as UTF-8)", where) from None


#: Characters YAML reads as line breaks though editors show them as spaces, or nothing.
_ODD_BREAKS = {0x85: "NEXT LINE", 0x2028: "LINE SEPARATOR", 0x2029: "PARAGRAPH SEPARATOR"}
_ODD_BREAK = re.compile("[\x85\u2028\u2029]")


def _in_comment(before: str) -> bool:
    """Whether the end of ``before`` (a line up to a character) is inside a comment: a
    ``#`` at the start or after a space, outside quotes."""
    quote = ""
    for i, ch in enumerate(before):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or before[i - 1] in " \t"):
            return True
    return False


def _odd_break(text: str, m: re.Match[str]) -> _Stop:
    start = text.rfind("\n", 0, m.start()) + 1
    code = ord(m.group())
    return _Stop(f"character U+{code:04X} ({_ODD_BREAKS[code]}) here: YAML reads it as a line "
                 "break, which the file does not show; delete it, or replace it with a space",
                 (text.count("\n", 0, m.start()) + 1, m.start() - start + 1))


def parse_yaml(source: str | bytes, *, name: str = "<scenario>", soft: bool = False,
               what: str = "scenario") -> Located:
    """Parse one YAML document safely into plain data plus positions.

    Parameters
    ----------
    source:
        YAML text, or UTF-8 bytes (a leading BOM is accepted and dropped).
    name:
        File name used in messages and kept as ``Located.name``.
    what:
        ``"scenario"`` or ``"resolutions"``: what the file is, for the wording of an
        empty file and of one over :data:`MAX_NODES`.
    soft:
        Values that cannot be read (a date such as 2025-02-30, a number too large, a
        duplicate key, a tag) are kept as their text and listed in
        ``Located.problems`` instead of raised, so the caller can validate the rest and
        report every problem at once; a document that cannot be read as a whole still
        raises.

    Returns
    -------
    Located
        The top-level mapping as plain Python data, with value and key positions.

    Raises
    ------
    ScenarioError
        For anything wrong (never another exception): size, encoding, emptiness,
        several documents, syntax, tags, :data:`MAX_NODES`, :data:`MAX_DEPTH`, keys.

    Examples
    --------
    >>> parse_yaml("as_of: 2024-11-05\\nok: yes\\np: .5\\n").data
    {'as_of': datetime.date(2024, 11, 5), 'ok': 'yes', 'p': 0.5}
    """
    if _CParser is not None:
        try:
            located = _parse(source, name, soft, what, fast=True)
        except ScenarioError:
            located = None  # said by the pure-Python way below, in its words
        if located is not None:
            return located
    located = _parse(source, name, soft, what, fast=False)
    assert located is not None  # (the pure-Python way answers or raises)
    return located


def _parse(source: str | bytes, name: str, soft: bool, what: str, *,
           fast: bool) -> Located | None:
    """:func:`parse_yaml`; with `fast`, libyaml's way (:func:`_fast_compose`), or
    ``None`` unless it reads a clean mapping (no problem, no error)."""
    data: Any = None
    text = ""
    try:
        text = _decode(source)
        if all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
            # before ruamel, which rejects e.g. a lone tab
            raise _Stop(_EMPTY.replace("is empty", "is empty: it has only comments", 1)
                        if text.strip() else _EMPTY)
        # YAML takes these for line breaks, which an editor may not show: in a comment the
        # rest of the line would become YAML (refused here); in a value it is read as a
        # space, unless the file then fails to parse (named below, where it happened)
        odd = list(_ODD_BREAK.finditer(text))
        for m in odd:
            if _in_comment(text[text.rfind("\n", 0, m.start()) + 1:m.start()]):
                raise _odd_break(text, m)
        if fast:  # composed already, or not this way
            yaml = None if odd else _fast_compose(text)
            if yaml is None:
                return None
        else:
            yaml = YAML(typ="rt")
            # the plain (not round-trip) scanner and parser: no comment bookkeeping
            yaml.Composer, yaml.Scanner, yaml.Parser = _Composer, _Scanner, Parser
        try:
            root = yaml.composer.root if fast else yaml.compose(text)
        except ReaderError as exc:
            start = text.rfind("\n", 0, exc.position) + 1
            where = text.count("\n", 0, exc.position) + 1, exc.position - start + 1
            raise _Stop(f"character #x{exc.character:04x} is not allowed in YAML ({exc.reason};"
                        " delete it, or write it as an escape in a double-quoted string)",
                        where) from None
        except RecursionError:
            raise _Stop(_DEEP) from None
        except YAMLError:
            if odd:
                raise _odd_break(text, odd[0]) from None
            raise
        except _Stop:
            raise
        except Exception as exc:  # a ruamel bug must still surface as a located error
            raise _Stop(f"cannot read this YAML ({type(exc).__name__}: {exc})") from exc
        if root is None or (isinstance(root, ScalarNode) and root.value == "" and not root.style):
            raise _Stop(_EMPTY)
        converter = _Converter(yaml, yaml.composer.tagged)
        if isinstance(root, MappingNode) or id(root) in converter.tagged:
            data = converter.convert(root, ())
        else:
            fix = "" if isinstance(root, ScalarNode) else ", without dashes or brackets"
            converter.problem(f"the top level is {_kind(root)}, not a mapping (write `key: "
                              f"value` lines{fix})", (), root.start_mark)
    except _Enough:
        pass
    except _Stop as stop:
        problem = stop.problem
        if what == "resolutions":  # the scenario's wording, for a resolution file
            message = problem.message.replace(
                "(a scenario needs at least `pactsim`, `id`, `as_of` and `horizon`)",
                "(a resolution file needs `resolutions`, `scenario` and `outcomes`)").replace(
                "; split the scenario)", ": a resolution file of one-line outcomes holds about "
                "600 of them; keep those to be scored)")
            problem = replace(problem, message=message)
        raise ScenarioError(replace(problem, path=name)) from None
    except MarkedYAMLError as exc:
        raise ScenarioError(_syntax_problem(exc, name, text)) from None
    except (YAMLError, RecursionError) as exc:
        message = "invalid YAML: " + " ".join(str(exc).split())
        raise ScenarioError(Problem(message, "", name, 1, 1)) from None
    problems = tuple(Problem(m, f, name, *lc, value)
                     for (m, f, lc), value in converter.problems.items())
    if fast and (problems or not isinstance(data, dict)):
        return None
    if problems and not (soft and isinstance(data, dict)
                         and len(problems) < _MAX_PROBLEMS):
        raise ScenarioError(list(problems))
    for path, raw in converter.bad.items():  # soft: the text of each unreadable value
        holder: Any = data
        try:
            for key in path[:-1]:
                holder = holder[key]
            if holder[path[-1]] is _BAD:
                holder[path[-1]] = raw
        except (KeyError, IndexError, TypeError):  # not kept (a merged-over key): nothing
            continue
    positions, key_positions = converter.positions, converter.key_positions
    return Located(data, name, positions, key_positions, problems)


def _syntax_problem(exc: MarkedYAMLError, name: str, text: str) -> Problem:
    """One readable line from ruamel's multi-line message, at the problem mark;
    indentation and tab mistakes are explained in the file's own terms."""
    problem = " ".join(str(exc.problem or exc.context or "syntax error").split())
    line, column = _pos(mark) if (mark := exc.problem_mark or exc.context_mark) else (1, 1)
    long_key = _long_key(text, line, column)
    if long_key is not None:
        start, size = long_key
        return Problem(f"invalid YAML: this key is {size:,} characters long, longer than YAML's "
                       f"{_MAX_KEY}-character limit for a key written `key: value` (use a "
                       "shorter key)", "", name, line, start)
    context = _pos(exc.context_mark)[0] if exc.context_mark is not None else None
    flow = context if context is not None and "flow" in str(exc.context or "") else None
    slip = _slip(text, problem, context, flow, line, column)
    if slip is not None:
        message, line, column = slip
        return Problem(f"invalid YAML: {message}", "", name, line, column)
    plain = _plain_syntax(problem, text, line, column)
    if plain is not None:
        return Problem(f"invalid YAML: {plain}", "", name, line, column)
    where = ""
    if exc.problem and exc.context and exc.context_mark is not None:
        cline, ccolumn = _pos(exc.context_mark)
        where = f"{' '.join(str(exc.context).split())} at line {cline}, column {ccolumn}; "
    return Problem(f"invalid YAML: {problem} ({where}check indentation, quotes, brackets and "
                   "`: ` here)", "", name, line, column)


_MAX_KEY = 1024  # YAML's limit on a key written `key: value` (an implicit key), in characters


def _long_key(text: str, line: int, column: int) -> tuple[int, int] | None:
    """``(column where it starts, length)`` of the key ending at the ``:`` at `line`,
    `column` when it is longer than YAML allows (ruamel then reports the ``:``, in
    words that depend on where the key is), else None."""
    lines = text.splitlines()
    row = lines[line - 1] if 0 < line <= len(lines) else ""
    if row[column - 1: column] != ":":
        return None
    head = row[: column - 1]
    start = 0
    if "{" in head or "[" in head:  # in a flow collection: after its last separator
        start = max(head.rfind(c) for c in "{[,") + 1
    while True:  # past indentation and list or explicit-key markers
        rest = head[start:]
        start += len(rest) - len(rest.lstrip(" "))
        if not head.startswith(("- ", "? "), start):
            break
        start += 2
    size = len(head[start:].rstrip(" "))
    return (start + 1, size) if size > _MAX_KEY else None


_LOOK_BACK = 200  # lines searched above an indentation mistake for the levels around it
#: A key run into its value, ``p:0.5`` (a colon must be followed by a space): a plain key
#: of letters, digits and ``_.-``, then a colon and a character that is not a space, a
#: colon or a slash (``http://`` is a text).
_NO_SPACE = re.compile(r"^[ ]*(?:- )?([A-Za-z_][\w.-]*):([^\s:/][^#]*)")


#: What a quoted text may follow ("": the start of its line).
_BEFORE_QUOTE = ("", ":", "[", "{", ",", "-", "?")
#: Content after an indentation that a key or an item starts (not the text of a block):
#: ``key:``, ``- ``, or nothing at all.
_KEY_LIKE = re.compile(r"(?:[^\s:#][^:#]*:(?:\s|$)|-(?:\s|$)|$)")


def _open_brackets(lines: Sequence[str], first: int, line: int, column: int
                   ) -> list[tuple[str, int, int]]:
    """The ``{`` and ``[`` left open from the start of line ``first`` to just before
    ``line``, ``column`` (1-based), quoted texts skipped, each with its line and column,
    innermost last."""
    stack: list[tuple[str, int, int]] = []
    quote = ""
    for n in range(max(1, first), line + 1):
        row = lines[n - 1] if n <= len(lines) else ""
        if n == line:
            row = row[: column - 1]
        escaped = False
        for i, c in enumerate(row):
            if quote:
                if escaped:
                    escaped = False
                elif quote == '"' and c == "\\":
                    escaped = True
                elif c == quote:
                    quote = ""
            elif c == "#" and (i == 0 or row[i - 1] in " \t"):
                break  # a comment, to the end of the line
            elif c in "'\"" and row[:i].rstrip(" \t")[-1:] in _BEFORE_QUOTE:
                quote = c  # (where a quoted text can start: not the ' of "Russia's")
            elif c in "{[":
                stack.append((c, n, i + 1))
            elif c in "}]" and stack:
                stack.pop()
    return stack


def _slip(text: str, problem: str, context: int | None, flow: int | None, line: int,
          column: int) -> tuple[str, int, int] | None:
    """The typing slips an error at ``line``, ``column`` (1-based) comes from, with their
    own place, or None: a no-break space among the spaces that indent a key (it looks like
    one) on the error's line, the one above or the one the parser began the construct
    on (``context``); a bracket that closes nothing open, or while another is open; a
    key run into its value (``p:0.5``) on the error's line, or on the line above at the
    same indentation, which the parser read as the start of a longer text. Brackets are
    counted from the line a flow collection the parser was in began on (``flow``), else
    on the error's line alone."""
    lines = text.splitlines()
    for n in sorted({*(() if context is None else (context,)), line - 1, line}):
        if not 0 < n <= len(lines):
            continue
        row = lines[n - 1]
        rest = row.lstrip(" \t\u00a0\u2007\u202f")
        lead = row[: len(row) - len(rest)]
        odd = next((i for i, c in enumerate(lead) if c not in " \t"), None)
        if odd is not None and _KEY_LIKE.match(rest):  # (in a block's text it may be meant)
            return (f"a no-break space (U+{ord(lead[odd]):04X}) among the spaces that indent "
                    "this line: it looks like a space but is not one; retype the indentation "
                    "with plain spaces", n, odd + 1)
    row = lines[line - 1] if 0 < line <= len(lines) else ""
    closer = row[column - 1: column]
    if closer in ("}", "]"):
        opener = "{" if closer == "}" else "["
        open_ = _open_brackets(lines, min(line, flow or line), line, column)
        if not open_:
            return (f"a `{closer}` that closes nothing open: delete it (or add the "
                    f"`{opener}` it belongs with before it)", line, column)
        if open_[-1][0] != opener:  # `{a: [1, 2}`: the list is still open
            other, at_line, at = open_[-1]
            where = f"column {at}" if at_line == line else f"line {at_line}, column {at}"
            return (f"a `{closer}` while the `{other}` at {where} is still open: close that "
                    f"first (`{']' if other == '[' else '}'}`)", line, column)
        return None
    if problem != "mapping values are not allowed here":
        return None
    indent = len(row) - len(row.lstrip(" "))
    for n in (line, line - 1):
        above = lines[n - 1] if 0 < n <= len(lines) else ""
        if n != line and len(above) - len(above.lstrip(" ")) != indent:
            continue  # not the start of a text this line continues
        found = _NO_SPACE.match(above)
        if found and not above.lstrip().startswith(("#", "- ")):
            key, rest = found.group(1), found.group(2).rstrip()
            return (f"`{key}:{rest}` runs the key into its value: a colon must be followed "
                    f"by a space (`{key}: {rest}`)", n, found.start(1) + len(key) + 1)
    return None


def _plain_syntax(problem: str, text: str, line: int, column: int) -> str | None:
    """The common mistakes behind ruamel's wording, or None."""
    if "that cannot start any token" in problem and "\\t" in problem:
        lines = text.splitlines()
        head = lines[line - 1][: column - 1] if 0 < line <= len(lines) else ""
        if head.strip(" \t"):  # text before it on the line: a separator, not an indent
            return ("a tab character here: this reader takes spaces only, also between a "
                    "value and its comment or after a colon (replace the tab with a space)")
        return ("a tab character here: YAML indents with spaces only (replace the tab with "
                "spaces)")
    if problem == "mapping values are not allowed here":
        return ("a `key: value` cannot start here: if this line belongs under the key above, "
                "that key already has a value on its own line (put this line level with that "
                "key, or move the value under it); if ': ' is part of a text, quote the text")
    if not problem.startswith("expected <block end>"):
        return None
    what = "this list item" if problem.endswith("'-'") else "this line"
    lines = text.splitlines()
    indent = column - 1
    above: list[tuple[int, int]] = []  # (line number, indentation) of content lines above
    for i in range(line - 2, max(-1, line - 2 - _LOOK_BACK), -1):
        stripped = lines[i].lstrip(" ") if 0 <= i < len(lines) else ""
        if stripped and not stripped.startswith("#"):
            above.append((i + 1, len(lines[i]) - len(stripped)))
    if not above:
        return None
    near_line, near = above[0]
    if what == "this list item":
        item = next(((n, k) for n, k in above if lines[n - 1][k:].startswith("-")), None)
        like = f" (item of line {item[0]}: {item[1]} spaces)" if item is not None else ""
        return (f"this list item is indented {indent} spaces, where a key is expected: indent it"
                f" like the other items of its list{like}")
    spaces = f"{indent} space{'' if indent == 1 else 's'}"
    if indent > near:
        return (f"{what} is indented {spaces}, more than line {near_line} ({near}), "
                "whose key already has a value: put it level with the key it belongs with")
    # every level between the line above and the first key left of this one, each named
    # by its nearest line: the level meant is among them
    levels: list[tuple[int, int]] = []
    for n, k in above:
        if (k >= near and levels) or any(k == seen for _, seen in levels):
            continue
        if levels and k > levels[-1][1]:
            continue  # deeper than a level already named: inside another key
        levels.append((n, k))
        if k < indent:
            break
    named = ", ".join(f"line {n} is indented {k}" if i == 0 else f"line {n} {k}"
                      for i, (n, k) in enumerate(levels))
    return (f"{what} is indented {spaces}, which lines up with no key above ({named}):"
            " indent it exactly like the keys it belongs with")
