"""Whole-file validation of scenario data, reporting every problem at its line.

:func:`validate` takes the positioned tree from :mod:`pactsim.language._yaml` and returns
either a :class:`~pactsim.language.scenario.Scenario` or raises one
:class:`~pactsim.errors.ScenarioError` holding every :class:`Problem` found.

Sections are validated one node at a time, so a broken node does not hide the
problems of the others; cross-reference rules (names, cycles, tables, dates,
questions) run on every node whose structure is valid.
"""

from __future__ import annotations

import calendar
import collections
import datetime as dt
import functools
import itertools
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from pactsim.errors import Problem, ScenarioError, Suggestions
from pactsim.language import attributes as _attrs
from pactsim.language import expr as _expr
from pactsim.language._yaml import Key, Located
from pactsim.language.scenario import (
    MAX_LEVELS,
    MAX_OBSERVATIONS,
    NAME_PATTERN,
    Beta,
    Between,
    Driver,
    Node,
    Observation,
    Pillar,
    Question,
    Scenario,
    Signing,
    flow,
    is_condition,
)

__all__ = ["MAX_AFTER", "MAX_GIVEN", "MAX_OBSERVATIONS", "NAME_PATTERN", "RESERVED_NAMES",
           "NodeChecks", "position", "validate"]

#: Most parents one ``given`` may list: a full table over k parents has 2**k rows.
MAX_GIVEN = 16
#: Most dated nodes one milestone may follow (``after``): each draw orders them.
MAX_AFTER = 64

RESERVED_NAMES = frozenset(
    {"and", "or", "not", "true", "false", "count", "all", "any", "at_least", "at_most", "exactly"}
)
_SECTIONS = ("drivers", "events", "signing", "pillars", "questions")
#: Dates a scenario may use (as_of and horizon; ``by`` points lie between them).
FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2199, 12, 31)
#: Largest |mean| and sd of a normal driver (its draws stay finite floats).
MAX_DRIVER = 1e300
#: The longest span from as_of to horizon (per-day curves and tables stay small).
MAX_SPAN_YEARS = 50
MAX_SPAN_DAYS = 366 * MAX_SPAN_YEARS

_META = ("pactsim", "id", "title", "description", "as_of", "horizon", "sources")
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_MAX_SUGGESTIONS = 100  # "did you mean" look-ups per file: bounded work whatever the file
_EXAMPLES = 3  # missing table combinations spelled out; the rest are counted
_NUMBER_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {Driver: ("mean", "sd", "low", "high")}
_EXAMPLE = {Driver: "{dist: normal, mean: 0, sd: 1}", Signing: "{by: {2024-12-31: 0.4}}",
            Question: "{expr: signing, label: ...}", _attrs.Attribute: "{dist: 40}",
            Observation: "{date: 2024-12-01, source: ..., evidence: not signing}"}
_DATE_RULE = "dates are YYYY-MM-DD"
_WHY_FIELDS = frozenset({"why", "why_by", "why_table"})
_WHY_RULE = ("a rationale in words (in quotes, \"...\", if it reads as a number, a date or "
             "true/false, or holds ': ' or ' #')")

Path = tuple[Key, ...]
#: report()'s default value: the single value the file wrote where the problem is.
WRITTEN: Any = object()


def dotted_path(path: Sequence[Key]) -> str:
    parts = []
    for k in path:
        if isinstance(k, bool):
            parts.append("true" if k else "false")
        elif isinstance(k, dt.date):
            parts.append(k.isoformat())
        elif isinstance(k, int):
            parts.append(f"[{k}]")
        else:
            parts.append(str(k))
    return ".".join(parts).replace(".[", "[")


_FRIENDLY = {
    "missing": "is required",
    "string_type": "must be text",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "dict_type": "must be a mapping (key: value lines)",
    "list_type": "must be a list, e.g. [a, b]",
    "date_from_datetime_inexact": "must be a date without a time, YYYY-MM-DD",
    "literal_error": "is not allowed here",
}
# pydantic error kinds by prefix, in the user's terms (never pydantic's own text)
_FRIENDLY_PREFIX = (
    (("string", "str_"), "must be text"),
    (("float", "int", "finite", "greater", "less", "multiple", "decimal"), "must be a number"),
    (("dict", "model", "mapping"), "must be a mapping (key: value lines)"),
    (("list", "tuple", "set", "frozen_set", "iterable", "too_short", "too_long"),
     "must be a list, e.g. [a, b]"),
    (("bool",), "must be true or false"),
)


def _allowed_at(prefix: Path, allowed: Sequence[str]) -> list[str]:
    """The keys to list as allowed at ``prefix``: a pillar's or clause's without the
    dated ones (:data:`_DATED_KEYS`: a pillar or clause is never dated), and a clause's
    without ``clauses``."""
    if not prefix or prefix[0] != "pillars" or len(prefix) < 2:
        return list(allowed)
    drop = set(_DATED_KEYS) | ({"clauses"} if len(prefix) > 2 else set())
    return [k for k in allowed if k not in drop]


def shown(value: object, limit: int = 60) -> str:
    """`value` as it reads in YAML: ``true``, ``null``, ``2024-12-31``, ``'text'``,
    ``{by: {2025-09-30: 0.5}}``; short."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, dt.date):
        return value.isoformat()
    text = flow(value) if isinstance(value, Mapping | list | tuple) else repr(value)
    return text if len(text) <= limit else text[: limit - 4] + " ..." + text[-1]


def _truth(value: object, name: bool = True) -> str:
    """A hint for text written as an unquoted true or false (YAML's truth values): a
    ``name`` must change, other text need only be quoted."""
    if not isinstance(value, bool):
        return ""
    word = "true" if value else "false"
    return (" (YAML reads an unquoted true or false as a truth value, and neither can be a "
            "name: rename it)") if name else f" (YAML reads an unquoted {word} as a truth " \
        f"value: write '{word}' in quotes)"


def _not_a_date(value: object) -> str:
    """``= '15/01/2026' is not a date (dates are YYYY-MM-DD: write 2026-01-15)``."""
    fix = "e.g. 2024-11-05"
    m = re.fullmatch(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*", value) if isinstance(
        value, str) else None
    short = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", value) if isinstance(
        value, str) else None
    if short and 1 <= int(short[2]) <= 12 and 1 <= int(short[3]) <= 31:
        y, mo, d = int(short[1]), int(short[2]), int(short[3])
        iso = f"{short[1]}-{mo:02d}-{d:02d}"
        if y == 0:
            fix = "there is no year 0"
        elif d > calendar.monthrange(y, mo)[1]:  # no such day
            fix = f"{calendar.month_name[mo]} {y} has {calendar.monthrange(y, mo)[1]} days"
        elif iso == str(value).strip():  # a real day, in quotes: YAML reads it as text
            fix = f"{iso!r} in quotes is text; write {iso} without quotes"
        else:
            fix = f"write {iso}, two digits each"
    elif m:
        a, b, year = int(m[1]), int(m[2]), m[3]
        if a > 12 >= b >= 1:  # day first
            fix = f"write {year}-{b:02d}-{a:02d}"
        elif b > 12 >= a >= 1:  # month first
            fix = f"write {year}-{a:02d}-{b:02d}"
        else:
            fix = f"write {year}-MM-DD"
    return f"= {shown(value)} is not a date ({_DATE_RULE}: {fix})"


def _friendly(kind: str, value: object) -> str | None:
    if kind.startswith(("date", "datetime")) and kind != "date_from_datetime_inexact":
        return _not_a_date(value)
    rule = _FRIENDLY.get(kind) or next(
        (text for prefixes, text in _FRIENDLY_PREFIX if kind.startswith(prefixes)), None)
    return None if rule is None else f"= {shown(value)} {rule}"


class _Checker:
    def __init__(self, located: Located, lines: Sequence[str], known: Known | None = None
                 ) -> None:
        self.loc = located
        self.known = known
        self.lines = lines
        self.problems: list[Problem] = []
        self.budget = _MAX_SUGGESTIONS
        # entries whose `after` or `by` was written but refused (reported once): meant as
        # dated, so the checks that follow do not also call them undated
        self.meant_dated: set[Path] = set()
        #: names the file defines that are not valid names, by the name they were
        #: likely meant as (``in-force`` as ``in_force``): uses of it point there
        self.misnamed: dict[str, str] = {}
        # per mapping seen by empty_above: (the mapping, key -> the key written before it)
        self._before: dict[int, tuple[Mapping[Any, Any], dict[tuple[type, Any], Any]]] = {}

    def empty_above(self, data: Mapping[Any, Any] | None, name: Key) -> Key | None:
        """The key just before `name` in `data` if its value is empty (null), else None.

        Each mapping is indexed once, so asking for every key of it is linear.
        """
        if data is None:
            return None
        before = self._before.get(id(data))
        if before is None or before[0] is not data:
            before = (data, {(type(k), k): p for p, k in itertools.pairwise(data)})
            self._before[id(data)] = before
        prev = before[1].get((type(name), name), _NOTHING)
        return prev if prev is not _NOTHING and data[prev] is None else None

    # -- reporting ----------------------------------------------------------
    def report(
        self, path: Sequence[Key], message: str, *, key: bool = False, value: object = WRITTEN
    ) -> None:
        """A problem at `path` (its key with ``key=True``). Its value is `value`, by default
        the single value the file wrote at `path` (none at a key: a site whose key is at
        fault gives it)."""
        name, line, col = position(self.loc, tuple(path), key=key)
        if value is WRITTEN:
            value = None if key else self.loc.written(path)
        self.problems.append(Problem(message, dotted_path(path), name, line, col, value))

    def line_text(self, name: str, line: int) -> str:
        """Line `line` of the file `name` (several files make a scenario that extends others)."""
        texts = getattr(self.loc, "texts", None)
        lines = texts.get(name, self.lines) if isinstance(texts, Mapping) else self.lines
        return str(lines[line - 1]) if 0 < line <= len(lines) else ""

    def suggest(self, name: object, candidates: Suggestions | Iterable[str]) -> str:
        """``"; did you mean 'x'?"`` or ``""``; after _MAX_SUGGESTIONS look-ups, always ``""``."""
        if not isinstance(name, str) or self.budget <= 0:
            return ""
        self.budget -= 1
        found = candidates if isinstance(candidates, Suggestions) else Suggestions(candidates)
        if name in self.misnamed:
            return (f"; the file defines {self.misnamed[name]!r}, which is not a valid name: "
                    f"rename it {name}")
        if name == "signing" and not found("signing"):  # (a file without the section)
            return ("; this file has no signing: section: add one, e.g. signing: {by: "
                    "{2025-12-31: 0.5}}, or a milestone, signing: {after: ..., delay: ...}")
        odd = next((ch for ch in name if ord(ch) > 127), None)
        if odd is not None:  # a look-alike pasted from a document (review-fuzz15: 'а' in
            # after was only "unknown name", where an expression names the character)
            import unicodedata

            return (f"; it has {odd!r} (U+{ord(odd):04X} {unicodedata.name(odd, '?')}, not "
                    "ASCII: names are ASCII snake_case)" + found(name))
        return found(name)

    def pydantic(self, prefix: Path, err: ValidationError, allowed: Sequence[str],
                 data: Mapping[Any, Any] | None = None) -> None:
        levels_seen: set[Path] = set()
        for e in err.errors():
            if self._levels_error(prefix, e, levels_seen):
                continue
            path = self._resolve(prefix, [x for x in e["loc"] if x != "[key]"])
            loc = path[len(prefix):]
            kind = e["type"]
            value = e.get("input")
            friendly = _friendly(kind, value)
            if kind in ("extra_forbidden", "invalid_key") and loc:
                self.report(path, self._unknown_field(loc[-1], _allowed_at(prefix, allowed),
                                                      prefix, data, len(loc)),
                            key=True, value=path[-1])
            elif kind == "missing":
                self.report(path[:-1], f"missing required field '{loc[-1]}'", key=True)
            elif kind == "literal_error" and path == ("pactsim",) and isinstance(value, str) \
                    and value.strip() in ("1", "2", "3"):
                self.report(path, f"= {shown(value)} is text (quoted): the version is a number, "
                            f"write `pactsim: {value.strip()}` without quotes", value=value)
            elif path == ("pactsim",) and (kind == "literal_error" or (
                    kind.startswith("int") and isinstance(value, int))):
                # (review-api27: a huge whole number was told it "must be a number")
                self.report(path, f"= {shown(value)}: unsupported format version (this pactsim "
                            "reads formats 1 to 3; write `pactsim: 1`, `pactsim: 2` for dated "
                            "events and milestones, or `pactsim: 3` for categorical outcomes "
                            "and numeric attributes)", value=value)
            elif kind == "literal_error":
                expected = e.get("ctx", {}).get("expected", "")
                self.report(path, f"= {shown(value)} is not allowed (expected {expected})",
                            value=value)
            elif kind.startswith(("p_", "beta", "between", "odds", "not_", "after", "delay")):
                # pactsim's own messages; `{alignment:2}`: one key 'alignment:2', no value
                hint = _run_in(path[-1]) if value is None and path else ""
                self.report(path, e["msg"] + hint, value=value)
            elif kind.startswith(("string", "str_")) and path[:1] == ("observations",) and \
                    loc[-1:] == ("evidence",):
                self.report(path, f"= {shown(value)} must be text: a true/false expression, "
                            "in quotes if YAML would read it otherwise (e.g. evidence: "
                            "\"not signing\", evidence: \"true\")", value=value)
            elif kind.startswith(("string", "str_")) and _WHY_FIELDS.intersection(
                    map(str, e["loc"])):
                self.report(path, f"= {shown(value)} must be text: {_WHY_RULE}", value=value)
            elif friendly is not None and "[key]" in e["loc"]:
                self.report(path, "key " + friendly.removeprefix("= ") + _truth(value),
                            key=True, value=value)
            elif friendly is not None:
                text = kind.startswith(("string", "str_"))  # a list's entry is a name
                self.report(path, friendly + (_truth(value, isinstance(loc[-1], int) if loc
                                                     else False) if text else ""), value=value)
            else:  # pragma: no cover - every kind a scenario can produce is mapped above
                self.report(path, f"= {shown(value)} is not valid here ({e['msg']})", value=value)

    def _levels_error(self, prefix: Path, e: Any, seen: set[Path]) -> bool:
        """A wrong ``levels`` (format 3), whose two forms pydantic reports as two union
        members (``dict[str,float]``, ``list[str]``): one message, at the value or at
        the outcome that is wrong, without the member names."""
        raw = [x for x in e["loc"] if x != "[key]"]
        if "levels" not in raw or raw.index("levels") + 1 >= len(raw) or \
                raw[raw.index("levels") + 1] not in ("dict[str,float]", "list[str]"):
            return False
        i = raw.index("levels")
        tag, rest = raw[i + 1], raw[i + 2:]
        path = self._resolve(prefix, raw[:i + 1] + rest)
        written: Any = self.loc.data
        for k in path[:len(prefix) + i + 1]:
            written = written.get(k) if isinstance(written, Mapping) else None
        value = e.get("input")
        if (tag == "dict[str,float]") != isinstance(written, Mapping) and (
                isinstance(written, Mapping | list)):
            return True  # the member of the other form says what is wrong
        if path in seen:
            return True
        seen.add(path)
        if rest and tag == "dict[str,float]" and "[key]" in e["loc"]:  # the outcome's name
            truth = "; YAML reads an unquoted true or false as a truth value, and both are " \
                "words of the expression language: rename it, e.g. agreed" \
                if isinstance(value, bool) else ""
            self.report(path, f"{shown(value)} is not an outcome name (outcomes are snake_case "
                        f"names, e.g. binding_treaty{truth})", key=True, value=value)
        elif rest and tag == "dict[str,float]":
            plain = "; an outcome's probability is a plain number, not uncertain" if \
                isinstance(value, Mapping) and {"beta", "between"} & set(value) else ""
            self.report(path, f"= {shown(value)} is not a probability (write a number in "
                        f"[0, 1]{plain})", value=value)
        elif rest:
            self.report(path, f"= {shown(value)} is not an outcome name (outcomes are "
                        "snake_case names, e.g. binding_treaty)" + _truth(value), value=value)
        else:
            self.report(path, f"= {shown(value)} must be {{outcome: probability}} (e.g. "
                        f"{_LEVELS_EXAMPLE}) or, with given + table, a list of outcome "
                        "names ([absent, generic, named])", value=value)
        return True

    def _unknown_field(self, name: Key, allowed: Sequence[str], prefix: Path,
                       data: Mapping[Any, Any] | None, depth: int) -> str:
        head = f"unknown field {shown(name)}" if not isinstance(name, str) else (
            f"unknown field '{name}'")
        if name == "clauses" and "clauses" not in allowed and depth == 1:
            where = "a clause" if "clauses" in prefix else "an event"
            return (f"{head}: clauses belong under pillars, not under {where} (move them to "
                    "`pillars: NAME: clauses:`, or make this a pillar)")
        run_in = _run_in(name)
        if run_in:  # `{p:0.5}`: YAML reads one key, 'p:0.5', with no value
            return head + run_in
        head += f" (allowed here: {', '.join(allowed)})"
        if _non_ascii(name):
            return head + _non_ascii(name)
        comma = _comma_split(data, name)
        if comma is not None:
            return f"{head}: {comma}"
        if name == "p" and "by" in allowed and "p" not in allowed:
            return (f"{head}: a node timed by a curve has no p; its chance by the horizon is "
                    "the last point of `by`, e.g. by: {2025-06-30: 0.4, 2025-12-31: 0.7}"
                    + ("; or write the signing as a milestone (after + delay), whose p is "
                       "its chance of ever happening" if prefix == ("signing",) else ""))
        if prefix == ("signing",) and name in ("odds", "requires", "excludes"):
            return (f"{head}: a signing timed by a curve takes no {name}; write it as a "
                    f"milestone (after: a dated node, delay: ...), which takes {name} as an "
                    "event does, or give the curve a parent with given + a table of curves")
        above = self.empty_above(data, name) if depth == 1 else None
        if above is not None:
            return head + _indent_hint(above, name)
        if (depth == 1 and len(prefix) == 2 and prefix[0] == "pillars"
                and isinstance(data, Mapping) and isinstance(data.get(name), Mapping)
                and set(map(str, data[name])) & {"p", "given", "table", "levels", "label"}):
            return (f"{head}: if '{name}' is a clause of this pillar, put it under its "
                    f"`clauses:` (`{prefix[1]}: {{clauses: {{{name}: ...}}}}`)")
        return head + self.suggest(name, allowed)

    def not_a_mapping(self, prefix: Path, data: Any, cls: type[BaseModel]) -> None:
        name = prefix[-1] if prefix else ""
        example = _EXAMPLE.get(cls, "{p: 0.3}")
        if isinstance(name, int):  # an entry of a list (observations)
            self.report(prefix, f"= {shown(data)} must be a mapping of fields, e.g. "
                        f"`- {example}`", value=data)
            return
        if data is None:
            self.report(prefix, f"is empty: it needs its fields, e.g. `{name}: {example}` (if "
                        f"the lines below belong to it, indent them further than '{name}')",
                        key=True)
            return
        above = self.empty_above(self._at(prefix[:-1]), name) if len(prefix) > 1 else None
        if above is not None and (name in cls.model_fields or name in Node.model_fields):
            self.report(prefix, f"'{name}' is a field, not a name: `{above}:` just above is "
                        f"empty — if '{name}' belongs to it, indent it further than "
                        f"'{above}'", key=True, value=data)
            return
        self.report(prefix, f"= {shown(data)} must be a mapping of fields, e.g. "
                    f"`{name}: {example}`" + _run_in(data), value=data)

    def at(self, path: Path) -> Any:
        """The value at `path` of the data, whatever it is (None when there is none)."""
        node: Any = self.loc.data
        for k in path:
            node = node.get(k) if isinstance(node, Mapping) else None
        return node

    def _at(self, path: Path) -> Mapping[Any, Any] | None:
        node = self.at(path)
        return node if isinstance(node, Mapping) else None

    def _resolve(self, prefix: Path, loc: Sequence[Any]) -> Path:
        """Map pydantic's string locations back to the real keys (dates, bools)."""
        node: Any = self.loc.data
        for k in prefix:
            node = node.get(k) if isinstance(node, Mapping) else None
        out = list(prefix)
        for item in loc:
            key: Any = item
            if isinstance(node, Mapping) and item not in node:
                key = next((k for k in node if str(k) == str(item) or repr(k) == item), item)
            elif isinstance(node, Mapping):  # the key as written (true, not the 1 equal to it)
                key = next((k for k in node if k == item), item)
            out.append(key)
            if isinstance(node, Mapping):
                node = node.get(key)
            elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
                node = node[key]
            else:
                node = None
        return tuple(out)

    def model(self, prefix: Path, cls: type[BaseModel], data: Any) -> BaseModel | None:
        """Validate one entry; on problems, report them all and return the entry without
        the offending fields (when that validates), so its other fields are checked too."""
        if not isinstance(data, Mapping):
            self.not_a_mapping(prefix, data, cls)
            return None
        if self.known is not None:
            hit = self.known.get(id(data))
            if hit is not None and hit[0] is data and hit[1] is cls:
                return hit[2]
        had = len(self.problems)
        clean = self._strict(prefix, cls, data)
        try:
            done = cls.model_validate(clean)
            if self.known is not None and len(self.problems) == had:
                self.known[id(data)] = (data, cls, done)
            return done
        except ValidationError as err:
            self.pydantic(prefix, err, list(cls.model_fields), self._at(prefix) or data)
            bad = {e["loc"][0] for e in err.errors() if e["loc"]}
            if cls is Node and bad & {"after", "by"}:
                self.meant_dated.add(tuple(prefix))
        keep = {k: v for k, v in clean.items() if k not in bad and k in cls.model_fields}
        try:
            return cls.model_validate(keep)
        except ValidationError:
            return None

    def _strict(self, prefix: Path, cls: type[BaseModel], data: Mapping[Any, Any]) -> dict[
            Any, Any]:
        """Report what pydantic would coerce (true as 1, 0 as 1970-01-01); drop it."""
        out = dict(data)
        for field in _NUMBER_FIELDS.get(cls, ()):
            v = data.get(field)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
                self.report((*prefix, field), f"= {shown(v)} must be a number"
                            + (" (true/false is not a number)" if isinstance(v, bool) else ""),
                            value=v)
                del out[field]
        for dated in ("by", "why_by"):
            if cls in (Signing, Node, Pillar) and isinstance(data.get(dated), Mapping):
                points = {}
                for d, v in data[dated].items():
                    if isinstance(d, bool | int | float):
                        self.report((*prefix, dated, d), f"key {_not_a_date(d)[2:]}", key=True,
                                    value=d)
                    else:
                        points[d] = v
                out[dated] = points
        return out


_NOTHING = object()


def _non_ascii(name: object) -> str:
    """``"; it holds 'а' (U+0430 CYRILLIC SMALL LETTER A), not an ASCII letter"`` for the
    first character of a name outside ASCII (a look-alike pasted from a document, an
    accent), else ``""``: the name may look right and still be refused."""
    if not isinstance(name, str):
        return ""
    ch = next((x for x in name if ord(x) > 127), None)
    if ch is None:
        return ""
    import unicodedata

    what = unicodedata.name(ch, "")
    letter = "an ASCII letter" if ch.isalpha() or unicodedata.category(ch).startswith("M") \
        else "ASCII"
    glyph = f"{ch!r} " if ch.isprintable() else ""  # (a line separator shows as nothing)
    return (f"; it holds {glyph}(U+{ord(ch):04X}{' ' + what if what else ''}), "
            f"not {letter}: retype it")


def _comma_split(data: Mapping[Any, Any] | None, name: Key) -> str | None:
    """The fix when YAML's flow style read a decimal comma as two fields: `{p: 0,3}`
    is `{p: 0, 3: null}`, so field ``3`` follows ``p: 0``."""
    if not isinstance(data, Mapping) or type(name) is not int or name < 0 or \
            data.get(name, 0) is not None:
        return None
    keys = list(data)
    at = keys.index(name)
    if not at:
        return None
    before = keys[at - 1]
    value = data[before]
    if type(value) is not int or not isinstance(before, str):
        return None
    return (f"in {{{before}: {value},{name}}} the comma separates two fields; the decimal "
            f"point is a dot: {before}: {value}.{name}")


def _indent_hint(above: Key, name: Key) -> str:
    return (f"; `{above}:` just above is empty — if '{name}' belongs under it, indent it "
            f"further than '{above}'")


def position(located: Located, path: Sequence[Key], *, key: bool = False) -> tuple[
        str, int | None, int | None]:
    """``(file, line, column)`` of `path`: a scenario read from several files (``extends:``,
    :mod:`pactsim.language.extends`) knows which file each part came from."""
    at = getattr(located, "where", None)
    if at is not None:
        found: tuple[str, int | None, int | None] = at(tuple(path), key=key)
        return found
    return (located.name, *located.locate(tuple(path), key=key))


def _stray_names(data: Mapping[Any, Any], allowed_top: Sequence[str]) -> dict[str, str]:
    """The names an unknown section defines (its keys, and its entries' ``clauses``), each
    with the section: ``pilars:`` for ``pillars:`` defines names the file uses elsewhere,
    and those uses are not more mistakes."""
    out: dict[str, str] = {}
    for k, v in data.items():
        if k in allowed_top or k in ("extends", "set") or not isinstance(v, Mapping):
            continue
        for name, body in v.items():
            if isinstance(name, str):
                out.setdefault(name, str(k))
            clauses = body.get("clauses") if isinstance(body, Mapping) else None
            if isinstance(clauses, Mapping):
                for cname in clauses:
                    if isinstance(cname, str):
                        out.setdefault(cname, str(k))
            if len(out) > 10_000:  # (a bound: the file is wrong already)
                return out
    return out


_UNKNOWN_NAME = re.compile(r"^unknown name '([^']+)'")


def _without_strays(problems: list[Problem], strays: Mapping[str, str]) -> list[Problem]:
    """``problems`` less "unknown name 'x'" where the file defines x in a section it
    misspelt (reported once, at the section), and when any are left out, a word on the
    section's own line."""
    if not strays:
        return problems
    out: list[Problem] = []
    left: dict[str, list[str]] = {}
    for p in problems:
        m = _UNKNOWN_NAME.match(p.message)
        if m and m.group(1) in strays:
            left.setdefault(strays[m.group(1)], []).append(m.group(1))
            continue
        out.append(p)
    for i, p in enumerate(out):
        sec = p.field
        if sec in left and p.message.startswith("unknown section"):
            names = list(dict.fromkeys(left[sec]))
            shown_names = ", ".join(names[:5]) + (f" and {len(names) - 5} more"
                                                  if len(names) > 5 else "")
            out[i] = replace(p, message=p.message + f" (the uses of the names it defines, "
                             f"{shown_names}, are not reported: fix the section first)")
    return out


#: Models validated from raw entries, by ``id`` of the entry: ``(entry, class, model)``
#: (the entry is kept, so its ``id`` is not reused). See :func:`validate`'s ``known``.
Known = dict[int, tuple[Any, type, BaseModel]]


def validate(located: Located, source_text: str = "", *, known: Known | None = None
             ) -> Scenario:
    """Validate positioned data into a :class:`Scenario`, or raise every problem.

    ``known``: entries (the same objects) validated before by a call given the same
    dictionary, and their models, which are used again instead of validating the
    entry afresh; the entries validated here without a problem are added to it. A
    chain of ``extends:`` validates each level's merged scenario, most of whose
    entries the level before already validated.
    """
    c = _Checker(located, source_text.splitlines(), known)
    data = located.data
    if not isinstance(data, Mapping):
        c.report((), "the top level must be a mapping of sections (pactsim, id, as_of, ...)")
        raise ScenarioError(c.problems)

    allowed_top = list(Scenario.model_fields)
    if _not_a_scenario(c, data, allowed_top):
        raise ScenarioError(c.problems)
    for k in data:
        if k in ("extends", "set"):
            c.report((k,), f"`{k}` makes a variant of another file: it is followed when a file "
                     "or text is read (pactsim.load, pactsim.loads), not by from_dict (pass the "
                     "whole scenario, or use Scenario.with_changes)", key=True, value=k)
        elif k not in allowed_top:
            above = c.empty_above(data, k)
            hint = _indent_hint(above, k) if above is not None else \
                c.suggest(k, [*allowed_top, "extends", "set"])
            c.report((k,), f"unknown section {shown(k)} (allowed: {', '.join(allowed_top)}; "
                     "and extends, set for a variant of another file)"
                     + (_non_ascii(k) or hint), key=True, value=k)
    meta = _check_meta(c, data)

    # -- structure, node by node -------------------------------------------
    nodes: dict[str, tuple[str, Path, Any]] = {}  # name -> (kind, path, validated spec or None)
    raws: dict[str, Any] = {}  # name -> what the file says, for checks on the node as a whole
    pillar_of: dict[str, str] = {}
    seen: dict[str, Path] = {}

    def declare(name: Key, kind: str, path: Path, spec: Any, raw: Any = None) -> None:
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            if isinstance(name, str):  # its uses, written as meant, are pointed to it
                meant = re.sub(r"[^a-z0-9_]", "_", name.strip().lower())
                c.misnamed.setdefault(meant, name)
            c.report(
                path,
                f"name {shown(name)} is not snake_case (names start with a lowercase letter, "
                "then lowercase letters, digits or _; e.g. su35_sale)" + _truth(name)
                + _non_ascii(name),
                key=True, value=name,
            )
            return
        if name == "signing" and kind != "signing":
            c.report(path, "name 'signing' is reserved for the `signing:` section (the date of "
                     "signing); rename this node", key=True, value=name)
            return
        if name in RESERVED_NAMES:
            c.report(path, f"name '{name}' is reserved by the expression language; rename it",
                     key=True, value=name)
            return
        if name in seen:
            file, first, _col = position(located, seen[name], key=True)
            at = f"line {first}" if file == position(located, path, key=True)[0] else \
                f"{file}:{first}"
            c.report(
                path,
                f"name '{name}' is already used at {at} ({dotted_path(seen[name])}); "
                "drivers, events, signing, pillars, clauses, attributes and questions share one "
                "namespace",
                key=True, value=name,
            )
            return
        seen[name] = path
        nodes[name] = (kind, path, spec)
        raws[name] = raw

    def section(name: str) -> Mapping[Any, Any]:
        value = data.get(name)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            c.report((name,), f"= {shown(value)} must be a mapping of names to definitions",
                     value=value)
            return {}
        return value

    for name, raw in section("drivers").items():
        path: Path = ("drivers", name)
        d = c.model(path, Driver, raw)
        if isinstance(d, Driver):
            _check_driver(c, path, d, raw)
        declare(name, "driver", path, d)
    for name, raw in section("events").items():
        path = ("events", name)
        declare(name, "event", path, c.model(path, Node, raw), raw)
    if "signing" in data and data["signing"] is not None:
        raw_signing = data["signing"]
        if isinstance(raw_signing, Mapping) and raw_signing.get("levels") is not None:
            c.report(("signing", "levels"), "signing is true or false, with a date: it has no "
                     "outcomes; drop levels (put outcomes on a clause or an event)", key=True,
                     value="levels")
            # the rest is checked as if levels were not there (no follow-on problems)
            raw_signing = {k: v for k, v in raw_signing.items() if k != "levels"}
        s = c.model(("signing",), _signing_model(raw_signing), raw_signing)
        declare("signing", "signing", ("signing",), s, raw_signing)
    for name, raw in section("pillars").items():
        path = ("pillars", name)
        clauses = raw.get("clauses") if isinstance(raw, Mapping) else None
        body = {k: v for k, v in raw.items() if k != "clauses"} if isinstance(raw, Mapping) else raw
        declare(name, "pillar", path, c.model(path, Pillar, body), body)
        if clauses is None:
            continue
        if not isinstance(clauses, Mapping):
            c.report((*path, "clauses"), f"= {shown(clauses)} must be a mapping of clause names "
                     "to definitions", value=clauses)
            continue
        for cname, craw in clauses.items():
            cpath = (*path, "clauses", cname)
            declare(cname, "clause", cpath, c.model(cpath, Node, craw), craw)
            if isinstance(cname, str):
                pillar_of[cname] = str(name)
    if section("attributes") and meta.get("pactsim") in (1, 2):
        c.report(("attributes",), _attrs.format3(meta["pactsim"]), key=True, value="attributes")
    for name, raw in section("attributes").items():
        path = ("attributes", name)
        declare(name, "attribute", path, _attrs.check_attribute(c, path, raw), raw)
    for name, raw in section("questions").items():
        path = ("questions", name)
        q: Any = raw
        if isinstance(raw, Mapping):
            q = c.model(path, Question, raw)
        elif raw is None:
            c.report(path, f"is empty: write an expression, e.g. `{name}: signing.date <= "
                     "2024-12-31`", key=True)
            q = None
        elif not isinstance(raw, str):
            c.report(path, f"= {shown(raw)} must be an expression (text) or {{expr: ..., "
                     "label: ...}", value=raw)
            q = None
        declare(name, "question", path, q)

    # -- cross references ---------------------------------------------------
    raw_sources = data.get("sources")
    sources: Mapping[Any, Any] = raw_sources if isinstance(raw_sources, Mapping) else {}
    source_names = Suggestions(s for s in sources if isinstance(s, str))
    names = Suggestions(nodes)
    binary = {n for n, (k, _, _) in nodes.items() if k in ("event", "signing", "pillar", "clause")}
    drivers = {n for n, (k, _, _) in nodes.items() if k == "driver"}
    dated = {n for n, (k, path, spec) in nodes.items()
             if k == "signing" or (k == "event" and isinstance(spec, Node) and spec.timing)
             or (k == "event" and tuple(path) in c.meant_dated)}
    conditions: dict[str, tuple[Path, Any]] = {}  # condition text -> (first place, tree)
    outcomes = _outcomes_of(nodes, "signing" in nodes, raws)
    graph: dict[str, list[str]] = {n: [] for n in nodes}
    for name, (kind, path, spec) in nodes.items():
        if kind == "pillar" and "signing" in nodes:
            graph[name].append("signing")
        if kind == "clause" and name in pillar_of:
            graph[name].append(pillar_of[name])
        if spec is None:
            continue
        src = getattr(spec, "source", None)
        if src is not None:
            for i, key in enumerate([src] if isinstance(src, str) else src):
                if key not in sources:
                    where: Path = (*path, "source") if isinstance(src, str) else (
                        *path, "source", i)
                    c.report(
                        where,
                        f"unknown source '{key}' (sources must be declared under `sources:`)"
                        + c.suggest(key, source_names),
                    )
        if isinstance(spec, Node):
            graph[name] += _check_node(c, name, path, spec, raws[name], binary, drivers, nodes,
                                       names, outcomes, meta)
        if isinstance(spec, _attrs.Attribute):
            graph[name] += _attrs.check_references(c, name, path, spec, nodes, binary, outcomes,
                                                   names, conditions, _check_table, MAX_GIVEN)
        if isinstance(spec, Node | Signing):
            graph[name] += _check_timing(c, name, kind, path, spec, raws[name], meta, binary,
                                         drivers, dated, nodes, names, conditions)

    # -- questions ----------------------------------------------------------
    q_exprs: dict[str, Any] = {}
    for name, (kind, qpath, spec) in nodes.items():
        if kind != "question" or spec is None:
            continue
        text = spec.expr if isinstance(spec, Question) else spec
        where = qpath if isinstance(spec, str) else (*qpath, "expr")
        try:
            tree = _expr.parse(text)
        except ScenarioError as err:
            _rebase(c, where, err)
            continue
        q_exprs[name] = tree
        graph[name] += [n.split("=", 1)[0] for n in _expr.names(_resolved(tree, outcomes))
                        if n.split("=", 1)[0] in nodes]
        if _usable_horizon(meta) is not None:
            late = _expr.check_dates(tree, horizon=meta["horizon"])
            if late:
                _rebase(c, where, ScenarioError(late))
    cycles = _cycles(graph)
    for cyc in cycles:
        first = cyc[0]
        c.report(
            nodes[first][1],
            "dependency cycle " + " → ".join([*cyc, first])
            + " (nodes may not depend on themselves, directly or through others; "
            "remove one of these dependencies)",
            key=True,
        )
    scope: dict[str, _expr.NameInfo] | None = None
    if not cycles:
        scope = _check_questions(c, nodes, q_exprs, names, dated, outcomes)
    # (with a cycle too: a condition's own mistake, an attribute or a number where a
    # true/false is needed, is often what made the cycle; review-cli, 2026-12-04)
    _check_conditions(c, nodes, conditions, names, dated, meta, outcomes)
    if data.get("observations") not in (None, [], ()):  # model_dump() writes () for none
        _check_observations(c, data, meta, scope, names, set(nodes))
    if meta.get("pactsim") == 1:
        _check_v1_questions(c, nodes, q_exprs)

    if c.problems:
        raise ScenarioError(_without_strays(c.problems, _stray_names(data, allowed_top)))
    try:
        scenario = Scenario.model_validate(_validated(data, nodes))
    except ValidationError as err:  # pragma: no cover - per-node checks should catch all
        c.pydantic((), err, allowed_top)
        raise ScenarioError(c.problems) from None
    scenario._origin = located
    return scenario


def _validated(data: Mapping[Any, Any], nodes: Mapping[str, tuple[str, Path, Any]]
               ) -> Mapping[Any, Any]:
    """`data` with each driver, event and clause replaced by the model already
    validated from it (pydantic takes a model instance as it is), so building the
    :class:`Scenario` does not validate every node a second time (half the time of a
    file of many nodes). Called once every check has passed."""
    out = dict(data)
    for key, kind in (("drivers", "driver"), ("events", "event")):
        section = data.get(key)
        if isinstance(section, Mapping):
            out[key] = {name: _spec(nodes, name, kind, raw) for name, raw in section.items()}
    pillars = data.get("pillars")
    if isinstance(pillars, Mapping):
        out["pillars"] = {name: _with_clauses(raw, nodes) for name, raw in pillars.items()}
    return out


def _spec(nodes: Mapping[str, tuple[str, Path, Any]], name: Any, kind: str, raw: Any) -> Any:
    """The model validated from `raw` as node `name` of `kind`, or `raw` itself."""
    got = nodes.get(name) if isinstance(name, str) else None
    if got is not None and got[0] == kind and isinstance(got[2], BaseModel):
        return got[2]
    return raw


def _with_clauses(raw: Any, nodes: Mapping[str, tuple[str, Path, Any]]) -> Any:
    """A pillar's raw data with its clauses replaced by their validated models."""
    clauses = raw.get("clauses") if isinstance(raw, Mapping) else None
    if not isinstance(clauses, Mapping):
        return raw
    return {**raw, "clauses": {c: _spec(nodes, c, "clause", v) for c, v in clauses.items()}}


#: Top-level keys that any document may have: alone they do not make a file a scenario.
_GENERIC_TOP = frozenset({"title", "description"})


def _not_a_scenario(c: _Checker, data: Mapping[Any, Any], allowed_top: Sequence[str]) -> bool:
    """Report one problem, and say so, when `data` has none of a scenario's own keys and
    some unknown one (a JSON schema, a config file): not a line per key. A mapping with
    a known section, or only ``title``/``description``, or nothing, is checked as usual."""
    if "pactsim_forecast" in data:  # pactsim run --format json: it has `questions` too
        run = data.get("run")
        made = run.get("scenario_id") if isinstance(run, Mapping) else None
        c.report((), "not a scenario: a forecast written by `pactsim run --format json` "
                 "(pactsim_forecast); give the scenario file it was made from"
                 + (f" (id {shown(made, 40)})" if isinstance(made, str) else ""))
        return True
    if "resolutions" in data and "pactsim" not in data:
        c.report((), "not a scenario: a resolution file (resolutions:); give it to `pactsim "
                 "score SCENARIO -r FILE` (pactsim.score in Python) with its scenario")
        return True
    own = [k for k in allowed_top if k not in _GENERIC_TOP]
    known = {*own, "extends", "set"}
    if any(k in known or (isinstance(k, str) and k.strip().lower().replace("-", "_") in known)
           for k in data) or all(k in allowed_top for k in data):
        return False  # a section, or one spelt in capitals or with '-' (each gets a hint)
    keys = list(itertools.islice(data, 5))
    listed = ", ".join(shown(k, 30) for k in keys) + (
        f", ... ({len(data)} in all)" if len(data) > len(keys) else "")
    # sections indented under one key (`pactsim: 1` there; not a JSON schema's properties)
    inside = next((k for k, v in data.items() if isinstance(v, Mapping) and "pactsim" in v
                   and not isinstance(v["pactsim"], Mapping | list)), None)
    hint = "" if inside is None else (f"; the sections are under {shown(inside, 30)}: move "
                                      "them to the top level, unindented")
    c.report((), f"not a pactsim scenario (no `pactsim:` version and none of its sections: "
             f"{', '.join(k for k in own if k != 'pactsim')}); its top-level keys are {listed}"
             + hint)
    return True


def _usable_horizon(meta: Mapping[str, Any]) -> dt.date | None:
    """The horizon dates are checked against: ``None`` when there is none, or when it is
    not after as_of (reported once, at the horizon; not again at every later date)."""
    horizon, as_of = meta.get("horizon"), meta.get("as_of")
    if not isinstance(horizon, dt.date):
        return None
    return None if isinstance(as_of, dt.date) and horizon <= as_of else horizon


def _lowest_format(data: Mapping[Any, Any]) -> int:
    """The lowest format whose keys a file with no ``pactsim:`` line uses: 3 with
    ``attributes`` or a node's ``levels``, 2 with ``observations``, ``extends``, ``set``
    or a node's dated keys (``by``, ``after``, ``delay``, ``hazard_ratio`` on an event;
    ``after``, ``delay``, ``given``, ``table``, ``hazard_ratio`` on the signing), else 1.
    Looks two levels down (sections, their nodes, pillars' clauses): no recursion."""
    def specs() -> Iterator[tuple[str, Mapping[Any, Any]]]:
        sig = data.get("signing")
        if isinstance(sig, Mapping):
            yield "signing", sig
        for sec in ("events", "pillars"):
            nodes = data.get(sec)
            if not isinstance(nodes, Mapping):
                continue
            for spec in nodes.values():
                if isinstance(spec, Mapping):
                    yield "event", spec
                    clauses = spec.get("clauses") if sec == "pillars" else None
                    if isinstance(clauses, Mapping):
                        yield from (("event", cl) for cl in clauses.values()
                                    if isinstance(cl, Mapping))
    version = 3 if "attributes" in data else \
        2 if any(k in data for k in ("observations", "extends", "set")) else 1
    for kind, spec in specs():
        if "levels" in spec:
            return 3
        if any(k in spec for k in _V2_KEYS[kind]):
            version = max(version, 2)
    return version


@functools.cache
def _meta_adapter(name: str) -> TypeAdapter[Any]:
    """The validator of one top-level field (built once: ~0.2 ms each time otherwise)."""
    annotation: Any = Scenario.model_fields[name].annotation
    return TypeAdapter(annotation)


def _check_meta(c: _Checker, data: Mapping[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    fields = Scenario.model_fields
    for name in _META:
        if name not in data:
            if fields[name].is_required():
                own = data.get("pactsim")
                written = type(own) is int and 1 <= own <= 3
                v: int = own if isinstance(own, int) and written else _lowest_format(data)
                c.report((), f"missing required field '{name}' (every scenario starts with "
                         f"pactsim: {v}, id, as_of and horizon" + (
                             f"; this file's keys need format {v}" if v > 1 and not written
                             else "") + ")")
            continue
        value = data[name]
        if name == "pactsim" and isinstance(value, bool):
            c.report((name,), f"= {shown(value)}: the format version is a number (this pactsim "
                     "reads formats 1, 2 and 3; write `pactsim: 1`, `2` or `3`)", value=value)
            continue
        if name in ("as_of", "horizon") and isinstance(value, int | float):  # bools too
            c.report((name,), _not_a_date(value), value=value)
            continue
        try:
            out[name] = _meta_adapter(name).validate_python(value)
        except ValidationError as err:
            c.pydantic((name,), err, [], data.get(name) if name == "sources" else None)
    if "id" in out and not _ID_PATTERN.match(out["id"]):
        c.report(("id",), f"= {out['id']!r} must be lowercase letters, digits, '.', '_' or '-', "
                 "starting with a letter or digit (e.g. iran-russia-2024)")
    if "as_of" in out and "horizon" in out and out["horizon"] <= out["as_of"]:
        c.report(("horizon",), f"= {out['horizon']} must be after as_of ({out['as_of']}); the "
                 "horizon is the last date modelled")
    for name in ("as_of", "horizon"):
        if name in out and not (FIRST_DATE <= out[name] <= LAST_DATE):
            c.report((name,), f"= {out[name]} is outside the dates pactsim models "
                     f"({FIRST_DATE} to {LAST_DATE})", value=out[name])
    if "as_of" in out and "horizon" in out and \
            (out["horizon"] - out["as_of"]).days > MAX_SPAN_DAYS:
        c.report(("horizon",), f"= {out['horizon']} is more than {MAX_SPAN_YEARS} years after "
                 f"as_of ({out['as_of']}); a scenario spans at most {MAX_SPAN_YEARS} years (dates "
                 "are counted by the day)", value=out["horizon"])
    return out


def _check_driver(c: _Checker, path: Path, d: Driver, raw: Mapping[Any, Any]) -> None:
    def given(field: str) -> bool:  # written in the file (perhaps wrongly, reported already)
        return raw.get(field) is not None

    if d.dist == "normal":
        for extra in ("low", "high"):
            if given(extra):
                c.report((*path, extra), f"'{extra}' belongs to uniform drivers (normal takes "
                         "mean and sd)", key=True, value=extra)
        if d.sd is None and not given("sd"):
            c.report(path, "a normal driver needs sd (e.g. {dist: normal, mean: 0, sd: 1})",
                     key=True)
        elif d.sd is not None and not (math.isfinite(d.sd) and 0 < d.sd <= MAX_DRIVER):
            c.report((*path, "sd"), f"= {d.sd} must be a number > 0 and at most {MAX_DRIVER:g} "
                     "(draws beyond the floating-point range would be infinite)")
        if d.mean is not None and not (math.isfinite(d.mean) and abs(d.mean) <= MAX_DRIVER):
            c.report((*path, "mean"), f"= {d.mean} must be a number between {-MAX_DRIVER:g} and "
                     f"{MAX_DRIVER:g} (draws beyond the floating-point range would be infinite)")
    else:
        for extra in ("mean", "sd"):
            if given(extra):
                c.report((*path, extra), f"'{extra}' belongs to normal drivers (uniform takes "
                         "low and high)", key=True, value=extra)
        if (d.low is None and not given("low")) or (d.high is None and not given("high")):
            c.report(path, "a uniform driver needs low and high (e.g. {dist: uniform, low: -1, "
                     "high: 1})", key=True)
        elif d.low is not None and d.high is not None and not (
                math.isfinite(d.low) and math.isfinite(d.high) and d.low < d.high):
            c.report((*path, "high"), f"= {d.high} must be finite and above low ({d.low})")


def _check_node(
    c: _Checker,
    name: str,
    path: Path,
    n: Node,
    raw: Any,
    binary: set[str],
    drivers: set[str],
    nodes: Mapping[str, tuple[str, Path, Any]],
    names: Suggestions,
    outcomes: Mapping[str, tuple[str, ...]] | None = None,
    meta: Mapping[str, Any] | None = None,
) -> list[str]:
    """Check one binary node's references and table; return its explicit parents.

    `n` may lack fields the file has but that were invalid (reported already);
    whether the node has ``p``, ``given`` or ``table`` is read from `raw`.
    """
    parents: list[str] = []
    # an empty by/hazard_ratio (as model_dump writes defaults) is not written
    written = {k for k, v in raw.items() if v is not None and not (
        k in _DATED_KEYS and isinstance(v, Mapping) and not v)} if isinstance(
            raw, Mapping) else set()
    has_p, has_given, has_table = ("p" in written, "given" in written, "table" in written)
    curve = n.timing == "curve" or "by" in written  # its chance comes from its curve(s)
    milestone = "after" in written  # p is optional: the chance of ever happening (default 1)

    def ref(where: Path, ref_name: str, what: str, *, allow_driver: bool = False) -> bool:
        # the name at fault (under odds, the position is that of its number)
        if ref_name == name:
            c.report(where, f"'{name}' cannot depend on itself", value=ref_name)
            return False
        if ref_name not in nodes:
            c.report(where, f"unknown name '{ref_name}' ({what})" + c.suggest(ref_name, names),
                     value=ref_name)
            return False
        ok = ref_name in binary or (allow_driver and ref_name in drivers)
        if not ok and nodes[ref_name][0] == "attribute":
            c.report(where, _attrs.refused(ref_name), value=ref_name)
            return False
        if not ok:
            kind = nodes[ref_name][0]
            c.report(where, f"'{ref_name}' is a {kind}; {what} must name "
                     + ("a binary node or a driver" if allow_driver else
                        "a binary node (event, signing, pillar or clause)"), value=ref_name)
            return False
        parents.append(ref_name)
        return True

    outcomes = outcomes or {}
    levels = "levels" in written
    if levels:
        _check_levels(c, name, path, n, written, (meta or {}).get("pactsim"), set(outcomes),
                      raw.get("levels") if isinstance(raw, Mapping) else None)
        if has_given and not has_table:
            c.report((*path, "given"), "given needs a table: nested keys in the order of "
                     "given, with {outcome: probability} at each leaf", key=True)
        elif has_table and not has_given and isinstance(n.levels, list):
            c.report((*path, "table"), "a table needs given: the parents whose values key its "
                     "rows, in order (e.g. given: [signing]); without parents write the "
                     f"chances ({_LEVELS_EXAMPLE})", key=True)
        if n.given and has_table and isinstance(n.levels, list):
            ok = all([ref((*path, "given", i), g, "in given")  # noqa: C419
                      for i, g in enumerate(n.given) if not is_condition(g)])
            counts = collections.Counter(n.given)
            for g in sorted(g for g, k in counts.items() if k > 1):
                c.report((*path, "given"), f"'{g}' is listed twice", value=g)
                ok = False
            if ok and not _too_wide(c, (*path, "given"), n.given, outcomes) and \
                    n.table is not None:
                _check_table(c, (*path, "table"), n.given, n.table, outcomes=outcomes,
                             leaf=lambda where, v: _check_level_leaf(c, where, v, n))
        has_p, has_given, has_table = True, False, False  # checked by _check_levels

    # problems of the node as a whole point at its name
    if levels or (curve and not milestone):
        pass  # checked with the levels, or a dated event's with its timing
    elif has_p and (has_given or has_table):
        c.report(path, "give either p or given + table, not both (p is the chance when nothing "
                 "is conditioned on)", key=True)
    elif not (has_p or has_given or has_table or milestone or n.delay is not None):
        # (a delay without after: a milestone missing its anchor, which the delay's own
        # message says; review-fuzz15: "needs a probability" came first and misled)
        c.report(path, "needs a probability: p (e.g. p: 0.4) or given + table", key=True)
    elif has_table and not has_given:
        c.report((*path, "table"), "a table needs given: [parents] naming what its keys refer to",
                 key=True)
    elif has_given and not has_table:
        c.report((*path, "given"), "given needs a table: nested true/false keys in the order of "
                 "given, with a probability at each leaf", key=True)
    if n.given is not None and not levels:
        if not n.given:
            c.report((*path, "given"), "must name at least one parent")
        dup = {g for g in n.given if n.given.count(g) > 1} if len(n.given) <= MAX_GIVEN else set()
        for g in sorted(dup):
            c.report((*path, "given"), f"'{g}' is listed twice", value=g)
        # a list, not a generator: every unknown parent is reported, not just the first
        ok = all([ref((*path, "given", i), g, "in given")  # noqa: C419
                  for i, g in enumerate(n.given) if not is_condition(g)])
        if len(n.given) > MAX_GIVEN:
            c.report((*path, "given"), f"lists {len(n.given)} parents; a table may condition on "
                     f"at most {MAX_GIVEN} (MAX_GIVEN; {len(n.given)} would need "
                     f"{2 ** len(n.given):,} rows): keep the parents that matter most in given "
                     "and move the others to odds", key=True)
        elif ok and not dup and n.table is not None and n.given and not (
                curve and not milestone) and not _too_wide(c, (*path, "given"), n.given,
                                                           outcomes):
            _check_table(c, (*path, "table"), n.given, n.table, outcomes=outcomes,
                         leaf=_milestone_leaf(c) if milestone else None)
        elif ok and curve and not milestone:
            for i, g in enumerate(n.given):
                if g in outcomes:
                    c.report((*path, "given", i), f"'{g}' is categorical; a table of curves "
                             f"conditions on true/false parents: write a condition such as "
                             f"\"{g} == {outcomes[g][-1]}\"")
    for parent in n.odds:
        if not is_condition(parent):
            ref((*path, "odds", parent), parent, "in odds", allow_driver=True)
    for field in ("requires", "excludes"):
        for i, r in enumerate(getattr(n, field)):
            if not is_condition(r):  # conditions (format 2) are checked with the others
                ref((*path, field, i), r, f"in {field}")
    if "why_table" in written:
        if levels and "given" in written and "table" in written:
            if n.given and len(n.given) <= MAX_GIVEN and n.why_table is not None:
                _check_why_table(c, (*path, "why_table"), n.given, n.why_table, outcomes)
        elif not (has_given and has_table):
            what = "of its levels" if levels else "of p"
            c.report((*path, "why_table"), "explains single rows of a table, but this node has "
                     f"no given + table (write the rationale {what} in why)", key=True,
                     value="why_table")
        elif n.given and len(n.given) <= MAX_GIVEN and n.why_table is not None:
            _check_why_table(c, (*path, "why_table"), n.given, n.why_table, outcomes)
    both = set(n.requires) & set(n.excludes)
    for r in sorted(both):
        c.report((*path, "excludes"), f"'{r}' is both required and excluded, so '{name}' "
                 "could never be true", value=r)
    return parents


def _check_pspec(c: _Checker, where: Path, node: Any) -> None:
    """Report a table leaf that is not a p spec (a number, ``beta`` or ``between``)."""
    from pactsim.language.scenario import _validate_pspec

    try:
        _validate_pspec(node)
    except Exception as err:  # PydanticCustomError / ValidationError
        msg = err.errors()[0]["msg"] if isinstance(err, ValidationError) else str(err)
        c.report(where, msg, value=node)


def _milestone_leaf(c: _Checker) -> Any:
    """The check of a leaf of a milestone's table: a chance, and a curve said to be
    none (a milestone's date comes from after + delay)."""
    def leaf(where: Path, node: Any) -> None:
        if isinstance(node, Mapping) and "by" in node:
            c.report(where, f"= {shown(node)} is a curve, but a milestone's table gives its "
                     "chance of ever happening once its anchor has: a number per row (its "
                     "date comes from after + delay; drop after and delay to time it by a "
                     "table of curves instead)", value=node)
            return
        _check_pspec(c, where, node)

    return leaf


def _check_table(c: _Checker, path: Path, given: list[str], table: Mapping[Any, Any], *,
                 leaf: Any = None, outcomes: Mapping[str, tuple[str, ...]] | None = None) -> None:
    """Check the nested table; missing combinations are counted, a few spelled out.

    Keys are true/false for a binary parent and its outcomes for a categorical one
    (format 3). Work is bounded by the size of the table written and
    ``len(given) <= MAX_GIVEN``, never by the combinations it should have.
    """
    outcomes = outcomes or {}
    keys_of: list[tuple[Any, ...]] = [outcomes.get(g, (True, False))
                                      for g in given]
    examples: list[str] = []
    missing = 0

    def word(v: Any) -> str:
        return ("true" if v else "false") if isinstance(v, bool) else str(v)

    def spell(full: Sequence[Any]) -> str:
        return ", ".join(f"{g}={word(v)}" for g, v in zip(given, full, strict=True))

    def walk(node: Any, depth: int, where: Path, combo: tuple[Any, ...]) -> None:
        nonlocal missing
        if depth == len(given) and leaf is not None:
            leaf(where, node)
            return
        if depth == len(given):
            _check_pspec(c, where, node)
            return
        parent = given[depth]
        cats = outcomes.get(parent)
        if not isinstance(node, Mapping):
            want = f"its outcomes ({', '.join(cats)})" if cats else "true and false"
            c.report(where, f"= {shown(node)} must be a mapping with keys {want} for "
                     f"'{parent}' (level {depth + 1} of the table follows given[{depth}])",
                     value=node)
            return
        for k in node:
            if cats is not None and k not in cats:
                hint = c.suggest(k, cats) if isinstance(k, str) else ""
                c.report((*where, k), f"key {shown(k)} is not an outcome of '{parent}' (level "
                         f"{depth + 1} of the table; its outcomes are {', '.join(cats)})"
                         + hint, key=True, value=k)
            elif cats is None and not isinstance(k, bool):
                c.report((*where, k), f"key {shown(k)} is not true or false (level {depth + 1} "
                         f"of the table is '{parent}'; extra combinations are not allowed)"
                         + _boolean_hint(k), key=True, value=k)
        for value in keys_of[depth]:
            if any(k is value if isinstance(value, bool) else k == value for k in node):
                walk(node[value], depth + 1, (*where, value), (*combo, value))
                continue
            rest = keys_of[depth + 1:]
            missing += math.prod(len(x) for x in rest)
            tails = itertools.product(*rest)
            for tail in itertools.islice(tails, max(0, _EXAMPLES - len(examples))):
                examples.append(spell((*combo, value, *tail)))

    walk(table, 0, path, ())
    if missing:
        total = math.prod(len(x) for x in keys_of)
        more = f" and {missing - len(examples):,} more ({missing:,} of " \
            f"{total:,} missing)" if missing > len(examples) else ""
        rule = "every combination of given" if outcomes else \
            "every true/false combination of given"
        c.report(path, "missing combinations: " + "; ".join(examples) + more
                 + f" (a table needs {rule})", key=True)


_LEVELS_EXAMPLE = "levels: {absent: 0.2, generic: 0.45, named: 0.35}"


def _too_wide(c: _Checker, where: Path, given: Sequence[str],
              outcomes: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether a table over ``given`` is too wide to compute (reported at ``where``): each
    categorical parent counts as one yes/no row per outcome but ``absent``, each other
    parent as one, and a table may take at most ``MAX_GIVEN`` of them (2**16 rows)."""
    widths = {g: len([x for x in outcomes[g] if x != _expr.ABSENT]) if g in outcomes else 1
              for g in given}
    bits = sum(widths[g] for g in given)
    if bits <= MAX_GIVEN:
        return False
    rows = math.prod(len(outcomes[g]) if g in outcomes else 2 for g in given)
    widest = max((g for g in given if g in outcomes), key=lambda g: widths[g], default=None)
    merge = f", merge outcomes of '{widest}'" if widest is not None else ""
    c.report(where, f"these {len(given)} parents have {rows:,} combinations, worked out as "
             f"{bits} yes/no rows (2**{bits} = {2 ** bits:,} cases); a table may take at most "
             f"{MAX_GIVEN} (MAX_GIVEN), a categorical parent counting one per outcome but "
             f"absent: keep fewer parents{merge}, or move a parent to odds", key=True)
    return True


def _check_levels(c: _Checker, name: str, path: Path, n: Node, written: set[str],
                  version: object, categorical: set[str] | frozenset[str] = frozenset(),
                  raw_levels: Any = None) -> None:
    """A categorical node (format 3): its ``levels`` and the keys it cannot have.

    An outcome may not be a reserved word (``x == true`` reads true as a constant)
    nor the name of a categorical node in `categorical` (``y == x`` compares nodes).
    """
    where: Path = (*path, "levels")
    if version in (1, 2):
        c.report(where, f"`levels` is format 3 (categorical outcomes); write `pactsim: 3` at "
                 f"the top of the file (format {version} files keep their meaning under "
                 "format 3)", key=True, value="levels")
    if "p" in written:
        c.report((*path, "p"), "a categorical node's chances are its levels; drop p (the "
                 "node is true unless its outcome is `absent`)", key=True, value="p")
    for key in ("by", "after", "delay", "hazard_ratio"):
        if key in written:
            c.report((*path, key), "a categorical node is not dated: put the timing on an "
                     "event and condition the outcomes on it", key=True, value=key)
    if n.levels is None:
        return  # the value itself was wrong (reported by the model check)
    names = list(n.levels)
    for x in names:
        if not isinstance(x, str) or not NAME_PATTERN.match(x):
            at = (*where, x) if isinstance(n.levels, dict) else where
            c.report(at, f"outcome {shown(x)} is not snake_case (outcomes are named like nodes: "
                     "lowercase letters, digits or _, e.g. binding_treaty)" + _non_ascii(x),
                     key=isinstance(n.levels, dict), value=x)
        elif x in RESERVED_NAMES:
            at = (*where, x) if isinstance(n.levels, dict) else where
            c.report(at, f"outcome '{x}' is a word of the expression language (`{name} == {x}` "
                     f"could not name it); rename the outcome, e.g. "
                     + {"true": "yes", "false": "no"}.get(x, f"{x}_"),
                     key=isinstance(n.levels, dict), value=x)
        elif x in categorical:
            at = (*where, x) if isinstance(n.levels, dict) else where
            c.report(at, f"outcome '{x}' is the name of a categorical node, so `{name} == {x}` "
                     f"would compare two nodes; rename the outcome (e.g. {x}_level) or the "
                     "node", key=isinstance(n.levels, dict), value=x)
    if len(set(names)) != len(names):
        twice = sorted({x for x in names if names.count(x) > 1})
        c.report(where, "lists an outcome twice: " + ", ".join(twice), value=twice[0])
    if len(names) < 2:
        c.report(where, f"needs at least two outcomes (e.g. {_LEVELS_EXAMPLE}); a node "
                 "with one outcome is a binary node: write p")
    if len(names) > MAX_LEVELS:
        c.report(where, f"lists {len(names)} outcomes; at most {MAX_LEVELS} (MAX_LEVELS): "
                 "group the rare ones into one outcome")
    has_table = "table" in written
    if isinstance(n.levels, dict):
        if "given" in written or has_table:
            c.report(where, "with given + table, write levels as a list of outcome names "
                     "([absent, generic, named]) and give {outcome: probability} in each row "
                     "of table", key=True)
        elif len(names) >= 2:  # (fewer outcomes: reported above; their sum says nothing)
            # as written: the model reads `true` as 1.0, which is not a probability here
            _check_level_map(c, where, raw_levels if isinstance(raw_levels, Mapping)
                             else n.levels, names)
    elif not has_table:
        c.report(where, "a list of outcomes needs given + table, with {outcome: probability} "
                 f"in each row; without parents write the chances ({_LEVELS_EXAMPLE})",
                 key=True)
    if n.odds and "absent" not in names:
        c.report((*path, "odds"), "odds on a categorical node multiply the odds of being "
                 "present against `absent`, but it has no absent outcome: add `absent` to its "
                 "levels, or condition the outcomes on the parent with given + table", key=True)


def _check_level_map(c: _Checker, where: Path, value: Any, levels: Sequence[Any]) -> None:
    """``{outcome: probability}``: known outcomes, numbers in [0, 1], summing to 1."""
    if not isinstance(value, Mapping):
        c.report(where, f"= {shown(value)} must be {{outcome: probability}} over "
                 f"{', '.join(map(str, levels))}", value=value)
        return
    total, ok = 0.0, True
    for k, v in value.items():
        if k not in levels:
            hint = (" (an outcome's probability is a plain number: {beta: ...} and {between: "
                    "...} are for p; write the mean)") if k in ("beta", "between") else \
                c.suggest(k, [x for x in levels if isinstance(x, str)]) if isinstance(k, str) \
                else ""
            c.report((*where, k), f"{shown(k)} is not one of the outcomes in levels "
                     f"({', '.join(map(str, levels))})" + hint, key=True, value=k)
            ok = False
        elif isinstance(v, bool) or not isinstance(v, int | float) or not 0.0 <= v <= 1.0:
            plain = " an outcome's probability is a plain number, not uncertain" if \
                isinstance(v, Mapping) and {"beta", "between"} & set(v) else ""
            c.report((*where, k), f"= {shown(v)} is not a probability (write a number in "
                     f"[0, 1]{';' + plain if plain else ''})", value=v)
            ok = False
        else:
            total += float(v)
    if ok and abs(total - 1.0) > 1e-6:
        c.report(where, f"outcome probabilities sum to {total:.6g}, not 1 (each outcome's "
                 "chance; outcomes left out have 0)")


def _check_level_leaf(c: _Checker, where: Path, value: Any, n: Node) -> None:
    _check_level_map(c, where, value, list(n.level_names))


def _check_why_table(c: _Checker, path: Path, given: list[str], why: Any,
                     outcomes: Mapping[str, tuple[str, ...]] | None = None) -> None:
    """Check ``why_table``: nested like ``table`` (true/false keys in the order of
    ``given``), text at the leaves; rows may be left out. Work is bounded by what was
    written, and the depth by ``len(given) <= MAX_GIVEN``."""
    def walk(node: Any, depth: int, where: Path) -> None:
        if depth == len(given):
            if not isinstance(node, str):
                c.report(where, f"= {shown(node)} must be text: {_WHY_RULE}", value=node)
            return
        if not isinstance(node, Mapping):
            c.report(where, f"= {shown(node)} must be a mapping with keys true and false for "
                     f"'{given[depth]}' (why_table is nested like table, level {depth + 1} "
                     f"following given[{depth}], with the rationale of a row at its leaf)",
                     value=node)
            return
        cats = (outcomes or {}).get(given[depth])
        for k, v in node.items():
            if (isinstance(k, bool) and cats is None) or (cats is not None and k in cats):
                walk(v, depth + 1, (*where, k))
            elif cats is not None:
                c.report((*where, k), f"key {shown(k)} is not an outcome of '{given[depth]}' "
                         f"(level {depth + 1} of why_table, as of table; its outcomes are "
                         f"{', '.join(cats)})" + c.suggest(k, cats), key=True, value=k)
            else:
                c.report((*where, k), f"key {shown(k)} is not true or false (level {depth + 1} "
                         f"of why_table, as of table, is '{given[depth]}')" + _boolean_hint(k),
                         key=True, value=k)

    walk(why, 0, path)


_V2_KEYS = {"event": ("by", "why_by", "hazard_ratio", "after", "delay"),
            "signing": ("given", "table", "why_table", "hazard_ratio", "after", "delay")}
_DATED_KEYS = ("by", "why_by", "hazard_ratio", "after", "delay")


def _signing_model(raw: Any) -> type[Node] | type[Signing]:
    """The model of a ``signing:`` section as written: a milestone's (:class:`Node`) when
    it has ``after`` or ``delay`` (a delay without after is then told it needs one), else
    a curve's (:class:`Signing`). The loaded scenario tells them apart by ``after`` alone
    (:func:`~pactsim.language.scenario.signing_form`): by then a delay has its anchor."""
    milestone = isinstance(raw, Mapping) and any(raw.get(k) is not None
                                                 for k in ("after", "delay"))
    return Node if milestone else Signing


def _v2(key: str, what: str) -> str:
    return (f"`{key}` is format 2 ({what}); write `pactsim: 2` at the top of the file "
            "(format 1 files keep their meaning under format 2)")


def _check_timing(
    c: _Checker,
    name: str,
    kind: str,
    path: Path,
    spec: Node | Signing,
    raw: Any,
    meta: Mapping[str, Any],
    binary: set[str],
    drivers: set[str],
    dated: set[str],
    nodes: Mapping[str, tuple[str, Path, Any]],
    names: Suggestions,
    conditions: dict[str, tuple[Path, Any]],
) -> list[str]:
    """Check the format-2 keys of one node (timing, milestones, conditions as parents);
    return the parents they add (anchors, hazard-ratio parents, names in conditions)."""
    parents: list[str] = []
    # an empty by/why_by/hazard_ratio (as model_dump writes defaults) is not written
    written = {k for k, v in raw.items() if v is not None and not (
        k in _DATED_KEYS and isinstance(v, Mapping) and not v)} if isinstance(
            raw, Mapping) else set()
    version = meta.get("pactsim")
    timing = spec.timing if kind in ("event", "signing") else None
    if version == 1:
        for key in _V2_KEYS.get(kind, ()):
            if key in written:
                what = {"by": "a dated event", "why_by": "a dated event",
                        "after": "a milestone", "delay": "a milestone",
                        "hazard_ratio": "timing that depends on parents"}.get(
                            key, "timing that depends on parents")
                c.report((*path, key), _v2(key, what), key=True, value=key)
    if kind in ("pillar", "clause"):
        for key in _DATED_KEYS:
            if key in written:
                c.report((*path, key), f"a {kind} is never dated (it is part of the text, signed "
                         "with it); put the timing on an event", key=True, value=key)
        timing = None
    elif kind == "event" and timing is None and "why_by" in written and version != 1 and \
            "by" not in written:  # (a by that failed its own checks is not "no by")
        c.report((*path, "why_by"), "explains points of a by curve, but this event has none (it "
                 "is undated: p is its chance by the horizon): give the reason in why, or "
                 "date the event with by", key=True, value="why_by")

    # -- conditions as parents --------------------------------------------------
    entries: list[tuple[Path, str]] = []
    entries += [((*path, "given", i), g) for i, g in enumerate(spec.given or [])]
    if isinstance(spec, Node):
        entries += [((*path, "odds", k), k) for k in spec.odds]
        entries += [((*path, f, i), r) for f in ("requires", "excludes")
                    for i, r in enumerate(getattr(spec, f))]
    entries += [((*path, "hazard_ratio", k), k) for k in spec.hazard_ratio]
    spelt: dict[tuple[Path, str], str] = {}  # (field, the condition's form): its first text
    for where, text in entries:
        if not is_condition(text):
            continue
        if version == 1:
            c.report(where, _v2(str(where[-2]), "a condition as a parent"),
                     key=not isinstance(where[-1], int), value=text)
            continue
        try:
            tree = _expr.parse(text)
        except ScenarioError as err:
            _rebase(c, where, err, key=not isinstance(where[-1], int))
            continue
        first = spelt.setdefault((where[:-1], _expr.unparse(tree)), text)
        if first != text:  # the same condition, spaced differently: two parents of one
            c.report(where, f"'{text}' is the condition '{first}' again, written differently; "
                     "list it once", key=not isinstance(where[-1], int), value=text)
            continue
        conditions.setdefault(text, (where, tree))
        parents += [n for n in _expr.ordered_names(tree) if n in nodes and n != name]
        if name in _expr.names(tree):
            c.report(where, f"'{name}' cannot depend on itself (the condition '{text}' uses it)",
                     key=not isinstance(where[-1], int), value=text)

    def ref(where: Path, ref_name: str, what: str, allowed: set[str], rule: str) -> None:
        if ref_name == name:
            c.report(where, f"'{name}' cannot depend on itself", key=True, value=ref_name)
        elif ref_name not in nodes:
            c.report(where, f"unknown name '{ref_name}' ({what})" + c.suggest(ref_name, names),
                     key=True, value=ref_name)
        elif ref_name not in allowed and nodes[ref_name][0] == "attribute":
            c.report(where, _attrs.refused(ref_name), key=True, value=ref_name)
        elif ref_name not in allowed:
            c.report(where, f"'{ref_name}' is a {nodes[ref_name][0]}; {what} must name {rule}",
                     key=True, value=ref_name)
        else:
            parents.append(ref_name)

    hr = spec.hazard_ratio
    delay = spec.delay if isinstance(spec, Node) else None
    if hr and timing is None and kind == "event" and not written & {"by", "after"}:
        # (a by or after written but refused is reported at its line: the event is dated)
        c.report((*path, "hazard_ratio"), "changes when a dated node happens, but this event has "
                 "no date: give it a by curve or after + delay, or use odds to change its "
                 "chance", key=True, value="hazard_ratio")
    elif hr and timing == "milestone" and delay is not None and delay.kind == "fixed":
        c.report((*path, "hazard_ratio"), "cannot change a fixed delay: give the delay a spread "
                 "({median: m, p90: q}, {between: [lo, hi]} or a {by: ...} curve) or drop the "
                 "hazard ratio", key=True, value="hazard_ratio")
    for k in hr:
        if not is_condition(k):
            ref((*path, "hazard_ratio", k), k, "in hazard_ratio", binary | drivers,
                "a binary node or a driver")

    if kind == "signing" and timing == "curve" and spec.given is not None:
        parents += _check_signing_given(c, path, spec.given, binary, nodes, names)
    if timing == "curve" and kind in ("event", "signing"):
        # a categorical parent of a table of curves is refused with the given: its table's
        # keys (the outcomes) are not checked as true/false on top of that
        categorical = any(g in nodes and isinstance(nodes[g][2], Node)
                          and nodes[g][2].levels is not None
                          for g in (spec.given or ()) if not is_condition(g))
        _check_curve_node(c, name, path, spec, written, meta, table=not categorical)
    if timing == "milestone" and isinstance(spec, Node) and spec.after is not None:
        if "delay" not in written:
            c.report(path, "a milestone needs delay: the days after its anchor, e.g. delay: 30, "
                     "{median: 120, p90: 300} or {between: [30, 200]}", key=True)
        if "by" in written:
            c.report((*path, "by"), "a milestone's date comes from after + delay; drop by (or "
                     f"drop after to give {'the signing' if kind == 'signing' else 'the event'} "
                     "its own curve)", key=True, value="by")
        elif "why_by" in written:
            c.report((*path, "why_by"), "explains points of a by curve, but a milestone has "
                     "none (its date comes from after + delay): give the reason in why",
                     key=True, value="why_by")
        if len(spec.after.names) > MAX_AFTER:
            c.report((*path, "after"), f"lists {len(spec.after.names)} dated nodes; a milestone "
                     f"may follow at most {MAX_AFTER} (MAX_AFTER): combine them in stages, e.g. "
                     "a milestone after each group, then one after those", key=True)
            return parents
        seen: set[str] = set()
        for i, a in enumerate(spec.after.names):
            where = (*path, "after") if spec.after.mode == "one" else (
                *path, "after", "of" if spec.after.mode == "at_least" else spec.after.mode, i)
            if a in seen:
                c.report(where, f"'{a}' is listed twice")
                continue
            seen.add(a)
            if a == name:
                c.report(where, f"'{name}' cannot happen after itself")
            elif a not in nodes:
                c.report(where, f"unknown name '{a}' (in after)" + c.suggest(a, names))
            elif a not in dated:
                c.report(where, f"'{a}' has no date, so nothing can happen after it: after must "
                         "name dated nodes (signing, an event with a by curve, or another "
                         f"milestone); '{a}' is an undated {nodes[a][0]}")
            else:
                parents.append(a)
    elif "delay" in written and kind in ("event", "signing") and \
            tuple(path) not in c.meant_dated:
        example = next((n for n in nodes if n in dated and n != name), None)
        c.report((*path, "delay"), "needs after: the dated node(s) the delay runs from, e.g. "
                 + (f"after: {example}" if example is not None else
                    "after: text_agreed (an event with a by curve)" if kind == "signing" else
                    "after: signing"), key=True)
    return parents


def _check_signing_given(c: _Checker, path: Path, given: list[str], binary: set[str],
                         nodes: Mapping[str, tuple[str, Path, Any]],
                         names: Suggestions) -> list[str]:
    """Check the plain names in signing's ``given`` (conditions are checked with the
    others) as an event's; return the parents they name."""
    parents: list[str] = []
    if not given:
        c.report((*path, "given"), "must name at least one parent")
    for g in sorted({g for g in given if given.count(g) > 1}):
        c.report((*path, "given"), f"'{g}' is listed twice", value=g)
    if len(given) > MAX_GIVEN:
        c.report((*path, "given"), f"lists {len(given)} parents; a table may condition on at "
                 f"most {MAX_GIVEN} (MAX_GIVEN): keep the parents that matter most", key=True)
    for i, g in enumerate(given):
        where = (*path, "given", i)
        if is_condition(g):
            continue
        if g == "signing":
            c.report(where, "'signing' cannot depend on itself")
        elif g not in nodes:
            c.report(where, f"unknown name '{g}' (in given)" + c.suggest(g, names))
        elif nodes[g][0] == "attribute":
            c.report(where, _attrs.refused(g))
        elif g not in binary:
            c.report(where, f"'{g}' is a {nodes[g][0]}; in given must name a binary node "
                     "(event, signing, pillar or clause)")
        elif isinstance(nodes[g][2], Node) and nodes[g][2].levels is not None:
            c.report(where, f"'{g}' is categorical; a table of curves conditions on true/false "
                     f"parents: write a condition such as \"{g} == ...\" naming one of its "
                     "outcomes")
            parents.append(g)
        else:
            parents.append(g)
    return parents


def _check_curve_node(c: _Checker, name: str, path: Path, spec: Node | Signing,
                      written: set[str], meta: Mapping[str, Any], *, table: bool = True) -> None:
    """A node timed by a curve: ``by``, or ``given`` + a table of ``{by: ...}`` curves
    (``table=False``: its given was refused, so its table is not checked against it)."""
    has_by, has_table = "by" in written, "given" in written or "table" in written
    what = "signed" if name == "signing" else "happened"
    if isinstance(spec, Node):
        if "p" in written:
            c.report((*path, "p"), "a dated event's chance by the horizon is the last point of "
                     "its curve; drop p " + ("(or drop by and write signing as a milestone, "
                                             "after + delay, with p its chance of ever "
                                             "happening)" if name == "signing" else
                                             "(or drop by to make it an undated event)"),
                     key=True, value="p")
        if spec.odds:
            c.report((*path, "odds"), "a dated event takes hazard_ratio, not odds: a hazard "
                     "ratio changes how soon it happens (and so its chance by the horizon)",
                     key=True, value="odds")
    if has_by and has_table:
        c.report(path, "give either by (one curve) or given + table with a {by: ...} curve at "
                 "each leaf, not both", key=True)
        return
    if has_by and spec.by is not None:
        _check_curve(c, (*path, "by"), spec.by, meta, what)
        for d in spec.why_by:
            if d not in spec.by:
                points = ", ".join(str(k) for k in itertools.islice(spec.by, _EXAMPLES))
                more = ", ..." if len(spec.by) > _EXAMPLES else ""
                c.report((*path, "why_by", d), f"date {d} is not a point of by ({points}"
                         f"{more}); why_by gives the rationale of single points of by, under "
                         "the same dates", key=True, value=d)
        return
    if spec.why_by and not has_by:  # (a by that failed its own checks is not "no by")
        c.report((*path, "why_by"), "explains points of by, but this node has no by (explain "
                 "the rows of a table of curves in why_table)", key=True, value="why_by")
    if not has_table:
        if not has_by:
            c.report((*path, "by") if "by" in (c._at(path) or {}) else path,
                     f"needs at least one date: cumulative P({what} on or before it), e.g. "
                     "by: {2024-12-31: 0.45}", key=True)
        return
    if "table" not in written:
        c.report((*path, "given"), "given needs a table with a {by: {date: p}} curve at each "
                 "leaf", key=True)
        return
    if not spec.given:
        c.report((*path, "table"), "a table of curves needs given: [parents] naming what its "
                 "keys refer to", key=True)
        return
    if len(spec.given) > MAX_GIVEN or len(set(spec.given)) != len(spec.given):
        return  # reported with the node's given

    def leaf(where: Path, value: Any) -> None:
        if not isinstance(value, Mapping) or set(value) != {"by"} or not isinstance(
                value["by"], Mapping) or not value["by"]:
            c.report(where, f"= {shown(value)} must be a curve {{by: {{date: p, ...}}}} (every "
                     "leaf of a table of curves is one)", value=value)
            return
        points: dict[dt.date, Any] = {}
        for d, v in value["by"].items():
            if not isinstance(d, dt.date):
                c.report((*where, "by", d), f"key {_not_a_date(d)[2:]}", key=True, value=d)
                continue
            try:
                from pactsim.language.scenario import _validate_pspec

                points[d] = _validate_pspec(v)
            except Exception as err:  # PydanticCustomError
                c.report((*where, "by", d), str(err), value=v)
        if points:
            _check_curve(c, (*where, "by"), points, meta, what)

    if table:
        _check_table(c, (*path, "table"), spec.given, spec.table or {}, leaf=leaf)


def _check_curve(c: _Checker, path: Path, by: Mapping[dt.date, Any], meta: Mapping[str, Any],
                 what: str = "happened") -> None:
    """A cumulative curve: dates in (as_of, horizon], increasing; values not decreasing.

    In format 2 a point may be uncertain (``between``/``beta``): the curve uses its
    mean, and the 90% ranges of successive points must not cross, so any draw of the
    points within them keeps the curve monotone.
    """
    as_of, horizon = meta.get("as_of"), meta.get("horizon")
    if as_of is not None and horizon is not None and horizon <= as_of:
        as_of = horizon = None  # reported once, at the horizon: not again at every point
    version = meta.get("pactsim")
    prev_d: dt.date | None = None
    prev_lo = prev_hi = prev_mean = 0.0
    prev_shown = "0 on as_of"
    top_d: dt.date | None = None  # the date of the highest point so far (prev_shown)
    for d, spec in by.items():
        where = (*path, d)
        if not isinstance(spec, float | int):
            if version == 1:
                c.report(where, "must be a plain number (cumulative probabilities cannot be "
                         "uncertain in format 1; `pactsim: 2` allows {between: [lo, hi]} and "
                         "{beta: [a, b]} points)", value=c.at(where))
                continue
            lo, hi, mean = _range90(spec)
        else:
            lo = hi = mean = float(spec)
        if as_of is not None and d <= as_of:
            c.report(where, f"date {d} is not after as_of ({as_of}); the curve starts at 0 on "
                     f"as_of, so give its points from {as_of + dt.timedelta(days=1)} on (or move "
                     "as_of earlier)", key=True, value=d)
        if horizon is not None and d > horizon:
            c.report(where, f"date {d} is after the horizon ({horizon}); move the horizon or "
                     "drop the point", key=True, value=d)
        if prev_d is not None and d <= prev_d:
            c.report(where, f"date {d} comes after {prev_d} in the file; list dates in "
                     "increasing order", key=True, value=d)
        if mean < prev_mean:
            c.report(where, f"= {_shown_spec(spec)} is below the previous point ({prev_shown});"
                     f" cumulative probabilities (P({what} on or before)) must not decrease"
                     if top_d == prev_d else
                     f"= {_shown_spec(spec)} is below an earlier point ({prev_shown} on "
                     f"{top_d}); cumulative probabilities (P({what} on or before)) must not "
                     "decrease")
        elif lo < prev_hi and (lo != hi or prev_lo != prev_hi):
            c.report(where, f"= {_shown_spec(spec)} has a 90% range [{lo:.3g}, {hi:.3g}] that "
                     f"reaches below the previous point's ({prev_shown}, up to {prev_hi:.3g}), "
                     "so a draw of the points could make the curve decrease; narrow the ranges "
                     "so that each starts where the previous ends", value=c.at(where))
        if mean >= prev_mean or top_d is None:  # the highest point so far: the one named
            top_d, prev_shown = d, _shown_spec(spec)
        prev_d = d
        prev_lo, prev_hi, prev_mean = max(prev_lo, lo), max(prev_hi, hi), max(prev_mean, mean)


def _range90(spec: Beta | Between) -> tuple[float, float, float]:
    """5% and 95% quantiles and mean of an uncertain probability."""
    if isinstance(spec, Between):
        from pactsim.language.distributions import p_mean

        return spec.between[0], spec.between[1], p_mean(spec)
    from scipy import special  # only for a beta point: keeps `validate` light

    a, b = spec.beta
    return (float(special.betaincinv(a, b, 0.05)), float(special.betaincinv(a, b, 0.95)),
            a / (a + b))


def _shown_spec(spec: Any) -> str:
    if isinstance(spec, Between):
        return f"{{between: [{spec.between[0]:g}, {spec.between[1]:g}]}}"
    if isinstance(spec, Beta):
        return f"{{beta: [{spec.beta[0]:g}, {spec.beta[1]:g}]}}"
    return f"{float(spec):g}"


def _node_scope(nodes: Mapping[str, tuple[str, Path, Any]], dated: set[str],
                outcomes: Mapping[str, tuple[str, ...]] | None = None,
                ) -> dict[str, _expr.NameInfo]:
    """The names an expression may use before any question: drivers (numbers) and the
    other nodes (true/false, with a date when dated, with their outcomes when categorical;
    each outcome row too, as :func:`~pactsim.language.expr.resolve` writes them)."""
    outcomes = outcomes or {}
    scope: dict[str, _expr.NameInfo] = {}
    for name, (kind, _path, _spec) in nodes.items():
        if kind in ("driver", "attribute"):
            scope[name] = _expr.NameInfo("number")
        elif kind != "question":
            scope[name] = _expr.NameInfo("bool", has_date=name in dated,
                                         levels=outcomes.get(name))
    for name, levels in outcomes.items():
        scope.update((_expr.outcome_name(name, x), _expr.NameInfo("bool")) for x in levels
                     if x != _expr.ABSENT)
    return scope


def _outcomes_of(nodes: Mapping[str, tuple[str, Path, Any]],
                 has_signing: bool, raws: Mapping[str, Any] | None = None
                 ) -> dict[str, tuple[str, ...]]:
    """Categorical nodes and their outcomes, as :attr:`Scenario.outcomes` (from the
    nodes that validated; ``absent`` first when the node can be absent). With ``raws``
    (each node as written), a node whose ``levels`` did not validate has the outcome
    names it writes, so that the questions naming them are not reported as well
    (its own problems say what is wrong)."""
    out: dict[str, tuple[str, ...]] = {}
    for name, (kind, _path, spec) in nodes.items():
        if isinstance(spec, Node) and spec.levels is not None:
            names: list[Any] = list(spec.level_names)
            gated = (kind == "clause" or (kind == "pillar" and has_signing)
                     or bool(spec.requires) or bool(spec.excludes))
        else:
            raw = (raws or {}).get(name)
            if not isinstance(raw, Mapping):
                continue
            written = raw.get("levels")
            if not isinstance(written, Mapping | list):  # (levels that failed: dropped)
                continue
            names = list(written)
            gated = kind in ("clause", "pillar") or bool(raw.get("requires")) \
                or bool(raw.get("excludes"))
        levels = [x for x in names if isinstance(x, str) and x != _expr.ABSENT]
        absent = _expr.ABSENT in names or gated
        out[name] = ((_expr.ABSENT,) if absent else ()) + tuple(dict.fromkeys(levels))
    return out


def _resolved(tree: Any, outcomes: Mapping[str, tuple[str, ...]]) -> Any:
    """`tree` with its outcome tests resolved, a test of an unknown outcome read as its
    node (the problems are reported when it is type-checked: `corridor == named` after
    the outcome `named` was removed is "not an outcome", not a cycle through a question
    called `named`)."""
    if not outcomes:
        return tree
    scope = {n: _expr.NameInfo("bool", levels=lv) for n, lv in outcomes.items()}
    return _expr.resolve(tree, scope, strict=False)  # (never raises)


def _check_conditions(c: _Checker, nodes: Mapping[str, tuple[str, Path, Any]],
                      conditions: Mapping[str, tuple[Path, Any]], names: Suggestions,
                      dated: set[str], meta: Mapping[str, Any],
                      outcomes: Mapping[str, tuple[str, ...]] | None = None) -> None:
    """Type-check the conditions used as parents: true/false over binary nodes, dates and
    drivers (not questions), with no date after the horizon."""
    scope = _node_scope(nodes, dated, outcomes)
    questions = {n for n, (k, _, _) in nodes.items() if k == "question"}
    for text, (where, tree) in conditions.items():
        key = not isinstance(where[-1], int)
        leaves = [q for q in _expr.ordered_names(tree) if nodes.get(q, ("",))[0] == "attribute"]
        if leaves:
            c.report(where, f"the condition '{text}' uses the numeric attribute '{leaves[0]}'; "
                     f"{_attrs.LEAF_RULE} (use it in questions and observations)", key=key,
                     value=text)
            continue
        used = [q for q in _expr.ordered_names(tree) if q in questions]
        if used:
            c.report(where, f"the condition '{text}' uses the question '{used[0]}'; conditions "
                     "that nodes depend on may use nodes, dates and drivers, not questions",
                     key=key, value=text)
            continue
        try:
            tree = _expr.resolve(tree, scope)
            typ = _expr.check(tree, scope, suggest=lambda x: c.suggest(x, names))
        except ScenarioError as err:
            _rebase(c, where, err, key=key)
            continue
        if typ != "bool":
            c.report(where, f"the condition '{text}' is a {typ}, not true/false; compare it "
                     f"(e.g. '{_compared(text, typ, meta.get('horizon'))}')", key=key,
                     value=text)
        if _usable_horizon(meta) is not None:
            late = _expr.check_dates(tree, horizon=meta["horizon"])
            if late:
                _rebase(c, where, ScenarioError(late), key=key)


def _check_v1_questions(c: _Checker, nodes: Mapping[str, tuple[str, Path, Any]],
                        q_exprs: Mapping[str, Any]) -> None:
    """Days between two dates is format 2."""
    for qname, tree in q_exprs.items():
        stack = [tree]
        while stack:
            node = stack.pop()
            if isinstance(node, _expr.DaysBetween):
                _kind, path, spec = nodes[qname]
                where = path if isinstance(spec, str) else (*path, "expr")
                c.report(where, _v2("a.date - b.date", "days between two dates"))
                break
            stack.extend(_expr.children(node))


def _rebase(c: _Checker, path: Path, err: ScenarioError, *, key: bool = False) -> None:
    """Re-locate expression problems (columns inside the text) into the file.

    ``key``: the expression is a mapping key (an ``odds`` or ``hazard_ratio`` condition).
    A problem with a value of its own (a date past the horizon) keeps it; the others
    take the expression's text."""
    name, line, col = position(c.loc, path, key=key)
    expression = path[-1] if key else c.loc.written(path)
    for p in err.problems:
        column = col
        if line is not None and col is not None and p.column is not None:
            text = c.line_text(name, line)
            quoted = col - 1 < len(text) and text[col - 1] in "'\""
            column = col + (p.column - 1) + (1 if quoted else 0)
        c.problems.append(Problem(p.message, dotted_path(path), name, line, column,
                                  expression if p.value is None else p.value))


def _check_questions(
    c: _Checker,
    nodes: Mapping[str, tuple[str, Path, Any]],
    q_exprs: Mapping[str, Any],
    names: Suggestions,
    dated: set[str],
    outcomes: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, _expr.NameInfo]:
    """Type-check questions, each after those it mentions (no recursion: chains of
    thousands of questions are fine). A question whose own question parents are
    broken is skipped: its problems would only echo theirs. Returns the scope of
    names with their types (nodes, and the questions that check)."""
    scope = _node_scope(nodes, dated, outcomes)
    broken = {n for n, (kind, _, _) in nodes.items() if kind == "question" and n not in q_exprs}

    def suggest(name: str) -> str:
        return c.suggest(name, names)

    for name in _expr.dependency_order(q_exprs):
        tree = q_exprs[name]
        if any(n in broken for n in _expr.names(tree)):
            broken.add(name)
            continue
        _kind, path, spec = nodes[name]
        where = path if isinstance(spec, str) else (*path, "expr")
        try:
            tree = _expr.resolve(tree, scope)
            scope[name] = _expr.NameInfo(_expr.check(tree, scope, suggest=suggest))
        except ScenarioError as err:
            broken.add(name)
            _rebase(c, where, err)
    return scope


def _check_observations(c: _Checker, data: Mapping[Any, Any], meta: Mapping[str, Any],
                        scope: Mapping[str, _expr.NameInfo] | None, names: Suggestions,
                        declared: set[str]) -> None:
    """``observations:`` (format 2): a list of at most MAX_OBSERVATIONS entries, each with a
    date in (as_of, horizon], a source, and a true/false ``evidence`` expression over the
    scenario's names (questions included). ``scope`` is ``None`` when the scenario has a
    dependency cycle: the expressions are then only parsed."""
    raw = data["observations"]
    if meta.get("pactsim") == 1:
        c.report(("observations",), _v2("observations", "dated news the forecast is updated "
                                        "on"), key=True, value="observations")
        return
    if not isinstance(raw, list | tuple):  # a tuple: Scenario.model_dump()
        c.report(("observations",), f"= {shown(raw)} must be a list of entries, each "
                 f"`- {_EXAMPLE[Observation]}`", value=raw)
        return
    if len(raw) > MAX_OBSERVATIONS:
        c.report(("observations",), f"has {len(raw):,} entries; at most {MAX_OBSERVATIONS:,} "
                 "(MAX_OBSERVATIONS): start a new file from the updated forecast, or keep the "
                 "observations that matter", key=True)
        return
    as_of, horizon = meta.get("as_of"), _usable_horizon(meta)
    known = set(scope) if scope is not None else set()
    for i, entry in enumerate(raw):
        path: Path = ("observations", i)
        obs = c.model(path, Observation, entry)
        if isinstance(obs, Observation):
            if isinstance(as_of, dt.date) and obs.date <= as_of:
                c.report((*path, "date"), f"= {obs.date} is not after as_of ({as_of}): what "
                         "was known by as_of belongs in the priors; an observation is news "
                         "learnt later", value=obs.date)
            elif isinstance(horizon, dt.date) and obs.date > horizon:
                c.report((*path, "date"), f"= {obs.date} is after the horizon ({horizon}): "
                         "news learnt then settles the forecast rather than updating it "
                         "(record it in a resolution file), or move the horizon",
                         value=obs.date)
        # the expression is checked even when another field of the entry is wrong
        text = entry.get("evidence") if isinstance(entry, Mapping) else None
        if not isinstance(text, str):
            continue
        where = (*path, "evidence")
        if not text.strip():
            c.report(where, "is empty: write a true/false expression, e.g. 'not signing.date "
                     "<= 2024-12-01'", value=text)
            continue
        try:
            tree = _expr.parse(text)
        except ScenarioError as err:
            _rebase(c, where, err)
            continue
        if scope is None:
            continue
        if any(n not in known and n in declared for n in _expr.names(tree)):
            continue  # a question that is itself broken (reported there)
        try:
            tree = _expr.resolve(tree, scope)
            typ = _expr.check(tree, scope, suggest=lambda x: c.suggest(x, names))
        except ScenarioError as err:
            _rebase(c, where, err)
            continue
        if typ != "bool":
            c.report(where, f"= {shown(text)} is a {typ}, not true/false: evidence says what "
                     f"the news shows (compare it, e.g. '{_compared(text, typ, horizon)}')",
                     value=text)
        elif isinstance(horizon, dt.date):
            late = _expr.check_dates(tree, horizon=horizon)
            if late:
                _rebase(c, where, ScenarioError(late))


def _cycles(graph: Mapping[str, list[str]]) -> list[list[str]]:
    """One cycle per strongly connected component that has one (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph.get(root, [])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in graph:
                    continue
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(graph.get(w, []))))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1 or v in graph.get(v, []):
                    out.append(_cycle_in(set(comp), graph))
    return out


def _cycle_in(comp: set[str], graph: Mapping[str, list[str]]) -> list[str]:
    start = min(comp)
    path = [start]
    seen = {start: 0}
    v = start
    while True:
        nxt = next(w for w in graph[v] if w in comp)
        if nxt in seen:
            return path[seen[nxt]:]
        seen[nxt] = len(path)
        path.append(nxt)
        v = nxt


# -- one node at a time --------------------------------------------------------------
class _Collector(_Checker):
    """A checker that only collects messages (no file, so no positions)."""

    def __init__(self) -> None:
        super().__init__(Located({}, "<changes>", {}, {}), [])

    def report(self, path: Sequence[Key], message: str, *, key: bool = False,
               value: object = WRITTEN) -> None:
        self.problems.append(Problem(message, dotted_path(path),
                                     value=None if value is WRITTEN else value))


class NodeChecks:
    """The checks :func:`validate` runs on one event, pillar, clause or signing, for a
    node of a valid scenario given new data of the same structure (a change of its
    numbers: :class:`~pactsim.inference.renumber.Renumber`). Checks between nodes
    (references, cycles, questions, conditions) are not rerun: a change of numbers
    leaves them as they were."""

    _MODELS: ClassVar[dict[str, type[BaseModel]]] = {
        "event": Node, "clause": Node, "pillar": Pillar, "signing": Signing}

    def __init__(self, scenario: Scenario) -> None:
        sections = {"drivers": "driver", "attributes": "attribute", "questions": "question"}
        nodes: dict[str, tuple[str, Path, Any]] = {}
        for name, view in scenario.nodes.items():
            nodes[name] = (view.kind, view.path, view.spec)
        for section, kind in sections.items():
            for name, spec in (getattr(scenario, section) or {}).items():
                nodes.setdefault(name, (kind, (section, name), spec))
        self.nodes = nodes
        self.meta = {"pactsim": scenario.pactsim, "id": scenario.id,
                     "as_of": scenario.as_of, "horizon": scenario.horizon}
        self.names = Suggestions(nodes)
        self.binary = {n for n, (k, _, _) in nodes.items()
                       if k in ("event", "signing", "pillar", "clause")}
        self.drivers = {n for n, (k, _, _) in nodes.items() if k == "driver"}
        self.dated = {n for n, (k, _, spec) in nodes.items()
                      if k == "signing" or (k == "event" and isinstance(spec, Node)
                                            and spec.timing)}
        self.outcomes = _outcomes_of(nodes, "signing" in nodes)

    def check(self, name: str, raw: Mapping[Any, Any]) -> tuple[Any, list[Problem]]:
        """``(the validated spec, or None; the problems)`` of node ``name`` written as
        ``raw`` (its ``model_dump``, a pillar without its clauses)."""
        kind, path, _ = self.nodes[name]
        if kind == "pillar":  # as validate reads a pillar: its clauses are nodes of their own
            raw = {k: v for k, v in raw.items() if k != "clauses"}
        c = _Collector()
        spec = c.model(path, _signing_model(raw) if kind == "signing" else self._MODELS[kind],
                       raw)
        if spec is None or c.problems:
            return None, c.problems or [Problem("does not validate", dotted_path(path))]
        nodes = {**self.nodes, name: (kind, path, spec)}
        if isinstance(spec, Node):
            _check_node(c, name, path, spec, raw, self.binary, self.drivers, nodes, self.names,
                        self.outcomes, self.meta)
        if isinstance(spec, Node | Signing):
            _check_timing(c, name, kind, path, spec, raw, self.meta, self.binary, self.drivers,
                          self.dated, nodes, self.names, {})
        return spec, c.problems


def _boolean_hint(key: object) -> str:
    """How to write a table key meant as true or false that YAML read otherwise."""
    if isinstance(key, str) and key.strip().lower() in ("true", "false"):
        return (f": {key.strip().lower()!r} in quotes is text; write {key.strip().lower()} "
                "without quotes")
    if isinstance(key, str) and key.strip().lower() in ("yes", "no", "on", "off", "y", "n"):
        word = "true" if key.strip().lower() in ("yes", "on", "y") else "false"
        return f": this YAML reads {key!r} as text; write {word}"
    if isinstance(key, int) and key in (0, 1):
        return f": {key} is a number; write {'true' if key else 'false'}"
    return ""


def _compared(text: str, kind: str, horizon: object) -> str:
    """An example that compares a number or a date ``text`` (as the expression compiler's
    message builds it): ``x.date <= HORIZON``, ``n >= 1``."""
    t = " ".join(text.split())
    t = t if len(t) <= 60 else "..."
    return f"{t} <= {horizon}" if kind == "date" and isinstance(horizon, dt.date) else \
        f"{t} >= 1"


#: A key run into its value, ``p:0.5``, which YAML reads as one text.
_RUN_IN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):([^\s:/].*)", re.S)


def _run_in(text: object) -> str:
    """The hint for a key typed without the space after its colon (``p:0.5``), or ""."""
    found = _RUN_IN.fullmatch(text) if isinstance(text, str) else None
    if found is None:
        return ""
    key, value = found.groups()
    return (f": a colon must be followed by a space, `{key}: {value}` (without it YAML reads "
            f"'{text}' as one text)")
