"""Resolution files: what happened, for scoring a scenario's forecasts.

A resolution file records, for one scenario id, the outcome of each node or
question that has resolved::

    resolutions: 1                  # format version, required
    scenario: iran-russia-2024      # the scenario id it resolves (or a base's), required
    recorded: 2025-10-10            # when this record was written (optional; no outcome
                                    #   resolved after it)
    description: what counted as the text (optional)
    sources:                        # keys that outcomes cite with `source:`
      kremlin: "Kremlin.ru, Jan 17, 2025: the treaty's text"
    outcomes:
      signing:                      # a dated node: a date, or false (not by the horizon)
        outcome: 2025-01-17
        resolved: 2025-01-17        # the day the outcome became known, required
        source: kremlin             # a key of sources, or a list of them, required
      mutual_defence:
        outcome: false
        given: signing              # scored as P(mutual_defence | signing); the condition
        resolved: 2025-01-17        #   must have come true
        source: kremlin
      su35_sale:
        outcome: unresolvable       # with a reason, required; nothing is scored
        reason: no official announcement either way

Outcomes are ``true``, ``false``, a date (for a dated node: ``signing``, a dated
event or a milestone), an outcome name for a categorical node (format 3:
``instc: {outcome: named, ...}``; ``absent`` when it is not in the text) or
``unresolvable``. A categorical node may also be resolved ``true``/``false``
(present or absent) like any binary node. An optional ``base_rate`` (a reference-class frequency in
[0, 1]) is the baseline the item is compared with; ``why`` is free text.

:func:`load_resolutions` / :func:`loads_resolutions` check the structure;
:func:`check_resolutions` checks the file against its scenario (names, with
"did you mean"; condition expressions; dates after the scenario's ``as_of``).
Every problem is reported at ``FILE:LINE:COL`` in one
:class:`~pactsim.errors.ScenarioError`.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pactsim.errors import ArgumentTypeError, Problem, ScenarioError, Suggestions
from pactsim.language import expr as _expr
from pactsim.language._yaml import MAX_BYTES, Key, Located, parse_yaml
from pactsim.language.files import read_regular
from pactsim.language.scenario import Question, Scenario
from pactsim.language.validate import WRITTEN, dotted_path, shown

__all__ = [
    "Outcome",
    "Resolutions",
    "check_resolutions",
    "extended_ids",
    "given_holds",
    "load_resolutions",
    "loads_resolutions",
    "scenario_scope",
]

_TOP = ("resolutions", "scenario", "recorded", "description", "sources", "outcomes")
_REQUIRED_TOP = ("resolutions", "scenario", "outcomes")
_FIELDS = ("outcome", "resolved", "source", "given", "reason", "base_rate", "why")
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
UNRESOLVABLE = "unresolvable"
#: An outcome name of a categorical node (as NAME_PATTERN in the scenario format).
_OUTCOME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Outcome:
    """What happened to one node or question.

    Attributes
    ----------
    name:
        The node or question (a name of the scenario).
    value:
        ``True``, ``False``, a ``datetime.date`` (a dated node's date), the name
        of a categorical node's outcome (a ``str``), or ``None`` when the item is
        unresolvable.
    resolved:
        The day the outcome became known (``None`` when unresolvable).
    source:
        Keys of the file's ``sources``.
    given:
        The condition the item is scored on (an expression), or ``None``.
    reason, why:
        Why it is unresolvable; a free note.
    base_rate:
        A reference-class frequency used as the item's baseline, or ``None``.
    """

    name: str
    value: bool | dt.date | str | None
    resolved: dt.date | None = None
    source: tuple[str, ...] = ()
    given: str | None = None
    reason: str | None = None
    base_rate: float | None = None
    why: str | None = None

    @property
    def unresolvable(self) -> bool:
        return self.value is None

    @property
    def kind(self) -> Literal["binary", "date", "outcome", "unresolvable"]:
        if self.value is None:
            return "unresolvable"
        if isinstance(self.value, str):
            return "outcome"
        return "binary" if isinstance(self.value, bool) else "date"


@dataclass(frozen=True)
class Resolutions:
    """A validated resolution file (see the module docstring for the format)."""

    scenario: str
    outcomes: dict[str, Outcome]
    sources: dict[str, str] = field(default_factory=dict)
    recorded: dt.date | None = None
    description: str | None = None
    name: str = "<resolutions>"
    located: Located | None = field(default=None, compare=False, repr=False)
    #: Problems of its sources and outcomes found on reading, not yet raised: read
    #: leniently (:func:`score` pairs it with its scenario first), they are raised by
    #: :func:`check_resolutions` with the problems against the scenario, all at once.
    pending: tuple[Problem, ...] = field(default=(), compare=False, repr=False)

    def problem(self, path: tuple[Key, ...], message: str, *, key: bool = False,
                value: object = WRITTEN) -> Problem:
        """A :class:`Problem` located at `path` of this file; its value is `value`, by
        default the single value the file wrote at `path` (none at a key)."""
        line, col = self.located.locate(path, key=key) if self.located else (None, None)
        if value is WRITTEN:
            value = None if key or self.located is None else self.located.written(path)
        return Problem(message, dotted_path(path), self.name, line, col, value)


class _Problems:
    def __init__(self, located: Located) -> None:
        self.loc = located
        self.items: list[Problem] = []

    def add(self, path: tuple[Key, ...], message: str, *, key: bool = False,
            value: object = WRITTEN) -> None:
        line, col = self.loc.locate(path, key=key)
        if value is WRITTEN:
            value = None if key else self.loc.written(path)
        self.items.append(Problem(message, dotted_path(path), self.loc.name, line, col, value))


def _text(p: _Problems, path: tuple[Key, ...], value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        p.add(path, f"= {shown(value)} must be text (quote it if it reads as a number, date or "
                    "true/false)", value=value)
        return None
    return value


def _date(p: _Problems, path: tuple[Key, ...], value: object) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    p.add(path, f"= {shown(value)} is not a date (dates are YYYY-MM-DD, e.g. 2025-01-17)",
          value=value)
    return None


def _unknown(p: _Problems, path: tuple[Key, ...], key: object, allowed: tuple[str, ...]) -> None:
    hint = Suggestions(allowed)(str(key)) if isinstance(key, str) else ""
    p.add(path, f"unknown field {shown(key)}{hint} (allowed: {', '.join(allowed)})", key=True,
          value=key)


def _outcome(p: _Problems, name: str, spec: object, sources: Mapping[str, str]) -> Outcome | None:
    path: tuple[Key, ...] = ("outcomes", name)
    if not isinstance(spec, Mapping):
        p.add(path, f"= {shown(spec)} must be a mapping with `outcome`, `resolved` and `source` "
                    "(e.g. {outcome: true, resolved: 2025-01-17, source: kremlin})", value=spec)
        return None
    for k in spec:
        if k not in _FIELDS:
            _unknown(p, (*path, k), k, _FIELDS)
    if "outcome" not in spec:
        p.add(path, "missing required field 'outcome' (true, false, a date, or unresolvable)",
              key=True)
        return None
    raw = spec["outcome"]
    value: bool | dt.date | str | None = None
    bad = False
    if isinstance(raw, bool) or (isinstance(raw, dt.date) and not isinstance(raw, dt.datetime)):
        value = raw
    elif raw == UNRESOLVABLE:
        value = None
    elif isinstance(raw, str) and _OUTCOME.match(raw):
        value = raw  # a categorical node's outcome: checked against the scenario
    else:
        hint = Suggestions([UNRESOLVABLE, "true", "false"])(raw) if isinstance(raw, str) else ""
        if isinstance(raw, int | float) and not isinstance(raw, bool) and raw in (0, 1):
            hint = f"; for yes or no write {'true' if raw == 1 else 'false'}, not {raw}"
        elif isinstance(raw, int | float) and not isinstance(raw, bool):  # a count, a number
            hint = (f"; a number is not scored: resolve a true/false question about it "
                    f"instead, e.g. `{name} >= {raw}` as a question of the scenario")
        p.add((*path, "outcome"), f"= {shown(raw)} is not an outcome{hint} (write true, false, a "
                                  "date YYYY-MM-DD, or unresolvable)", value=raw)
        bad = True
    reason = _text(p, (*path, "reason"), spec.get("reason"))
    why = _text(p, (*path, "why"), spec.get("why"))
    given = _text(p, (*path, "given"), spec.get("given"))
    resolved = None
    keys: tuple[str, ...] = ()
    if value is None and not bad:
        if not reason:
            p.add(path, "an unresolvable outcome needs a `reason` (what is unknown, and why)",
                  key=True)
        if "resolved" in spec:
            resolved = _date(p, (*path, "resolved"), spec["resolved"])
    else:
        for req in ("resolved", "source"):
            if req not in spec:
                p.add(path, f"missing required field '{req}' (a resolved outcome states "
                            "the day it became known and a key of `sources`)", key=True)
        if "resolved" in spec:
            resolved = _date(p, (*path, "resolved"), spec["resolved"])
        if isinstance(value, dt.date) and resolved is not None and resolved < value:
            p.add((*path, "resolved"), f"= {resolved} is before the outcome {value} (an "
                                       "outcome cannot be known before it happens)")
    if "source" in spec:
        src = spec["source"]
        listed = src if isinstance(src, list) else [src]
        if not listed or not all(isinstance(s, str) for s in listed):
            p.add((*path, "source"), f"= {shown(src)} must be a key of `sources`, or a list of "
                                     "them", value=src)
        else:
            keys = tuple(listed)
            known = Suggestions(sources)
            for i, s in enumerate(listed):
                if s not in sources:
                    where = (*path, "source", i) if isinstance(src, list) else (*path, "source")
                    p.add(where, f"unknown source {s!r}{known(s)} (add it under `sources:`)",
                          value=s)
    base_rate = spec.get("base_rate")
    if base_rate is not None and (isinstance(base_rate, bool)
                                  or not isinstance(base_rate, int | float)
                                  or not 0 <= base_rate <= 1 or math.isnan(base_rate)):
        p.add((*path, "base_rate"), f"= {shown(base_rate)} must be a probability in [0, 1] (the "
                                    "reference-class frequency, e.g. 0.3)", value=base_rate)
        base_rate = None
    if bad:
        return None
    return Outcome(name, value, resolved, keys, given, reason,
                   None if base_rate is None else float(base_rate), why)


def _build(located: Located, *, strict: bool = True) -> Resolutions:
    """The resolutions of a parsed file; raise its problems, or with ``strict=False``
    keep those of its sources and outcomes in ``pending`` (a problem at the top of the
    file, which pairing with a scenario needs, is raised either way)."""
    p = _Problems(located)
    data = located.data
    if not isinstance(data, Mapping):
        raise ScenarioError(Problem("a resolution file is a mapping (resolutions: 1, scenario: "
                                    "ID, outcomes: ...)", "", located.name, 1, 1))
    if "pactsim" in data and "resolutions" not in data:  # a scenario file, in the wrong place
        raise ScenarioError(Problem(
            "is a scenario file (it has `pactsim:`), given where a resolution file goes (one "
            "that starts with `resolutions: 1`, `scenario: ID` and `outcomes:`): "
            "pactsim.score(SCENARIO, RESOLUTIONS) takes the scenario first", "", located.name))
    for k in data:
        if k not in _TOP:
            _unknown(p, (k,), k, _TOP)
    for k in _REQUIRED_TOP:
        if k not in data:
            p.add((), f"missing required field '{k}' (a resolution file starts with "
                      "`resolutions: 1`, `scenario: ID` and `outcomes:`)")
    if "resolutions" in data and data["resolutions"] != 1:
        p.add(("resolutions",), f"= {shown(data['resolutions'])}: unsupported format version "
                                "(write `resolutions: 1`)")
    sid = data.get("scenario")
    if "scenario" in data and (not isinstance(sid, str) or not _ID.match(sid)):
        p.add(("scenario",), f"= {shown(sid)} must be a scenario id (lowercase letters, digits, "
                             ". _ -)", value=sid)
    top = len(p.items)  # problems so far: of the file's top (id, version, fields)
    recorded = _date(p, ("recorded",), data["recorded"]) if "recorded" in data else None
    description = _text(p, ("description",), data.get("description"))
    sources: dict[str, str] = {}
    raw_sources = data.get("sources", {}) or {}
    if not isinstance(raw_sources, Mapping):
        p.add(("sources",), "must be a mapping of key: text", value=raw_sources)
    else:
        for k, v in raw_sources.items():
            text = _text(p, ("sources", k), v)
            if text is not None:
                sources[str(k)] = text
    outcomes: dict[str, Outcome] = {}
    raw = data.get("outcomes", {})
    if not isinstance(raw, Mapping) or ("outcomes" in data and not raw):
        p.add(("outcomes",), "must be a mapping of name: {outcome: ...}, with at least one item",
              value=raw)
    else:
        for name, spec in raw.items():
            if not isinstance(name, str):
                p.add(("outcomes", name), f"key {shown(name)} must be a node or question name",
                      key=True, value=name)
                continue
            got = _outcome(p, name, spec, sources)
            if got is not None:
                outcomes[name] = got
    if recorded is not None:  # a record cannot know what became known after it was written
        for name, o in outcomes.items():
            if o.resolved is not None and o.resolved > recorded:
                p.add(("outcomes", name, "resolved"),
                      f"= {o.resolved} is after the file's recorded date {recorded} (a record "
                      f"written on {recorded} cannot know an outcome that became known "
                      "later): correct one of the two dates", value=o.resolved)
    if p.items and (strict or top or not isinstance(raw, Mapping) or not raw):
        raise ScenarioError(p.items)
    return Resolutions(str(sid), outcomes, sources, recorded, description, located.name, located,
                       tuple(p.items))


def loads_resolutions(text: str | bytes, *, name: str = "<resolutions>",
                      scenario: Scenario | None = None) -> Resolutions:
    """Parse and validate resolution text; with `scenario`, also check it against it.

    Examples
    --------
    >>> r = loads_resolutions("resolutions: 1\\nscenario: demo\\nsources: {s: a paper}\\n"
    ...                       "outcomes:\\n  rain: {outcome: true, resolved: 2024-05-01, "
    ...                       "source: s}\\n")
    >>> r.outcomes["rain"].value, r.outcomes["rain"].kind
    (True, 'binary')
    """
    if not isinstance(text, str | bytes):
        raise ArgumentTypeError(f"loads_resolutions(): text is a {type(text).__name__}; pass "
                                "the YAML text as a str")
    res = _build(parse_yaml(text, name=name, what="resolutions"), strict=scenario is None)
    if scenario is not None:  # every problem of the file, read alone and against it, at once
        check_resolutions(res, scenario)
    return res


def load_resolutions(path: str | os.PathLike[str], *,
                     scenario: Scenario | None = None) -> Resolutions:
    """Read a resolution file (see :func:`loads_resolutions`)."""
    return _load(path, scenario, strict=True)


def read_pending(path: str | os.PathLike[str]) -> Resolutions:
    """Read a resolution file to pair it with its scenario: the problems of its sources
    and outcomes are kept in ``pending`` for :func:`check_resolutions` to raise with the
    problems against the scenario, all at once (those at the top of the file are raised
    here)."""
    return _load(path, None, strict=False)


def _load(path: str | os.PathLike[str], scenario: Scenario | None, *,
          strict: bool) -> Resolutions:
    if not isinstance(path, str | os.PathLike):  # (review-api27: fspath's own TypeError)
        raise ArgumentTypeError(f"a resolution file's path (text or a Path) is needed, not "
                                f"{type(path).__name__}")
    if scenario is not None and not isinstance(scenario, Scenario):
        raise ArgumentTypeError(f"scenario= must be a Scenario (from pactsim.load), not "
                                f"{type(scenario).__name__}")
    name = os.fspath(path)
    if isinstance(name, str) and "\n" in name and "resolutions" in name:
        # the file's text given where its path goes (review-fuzz16b: the message quoted
        # 633 characters of YAML as a file name)
        raise ArgumentTypeError("this is the text of a resolution file, not its path: read "
                                "text with pactsim.loads_resolutions(text)")
    try:
        data = read_regular(name, MAX_BYTES)
    except OSError as err:
        raise ScenarioError(Problem(f"cannot read the file: {err.strerror or err}",
                                    path=name)) from None
    if len(data) > MAX_BYTES:
        raise ScenarioError(Problem(f"the file is over {MAX_BYTES:,} bytes", path=name, line=1,
                                    column=1))
    if scenario is None and not strict:
        return _build(parse_yaml(data, name=name, what="resolutions"), strict=False)
    return loads_resolutions(data, name=name, scenario=scenario)


def extended_ids(sc: Scenario) -> tuple[str, ...]:
    """The ids of the files ``sc`` extends (:attr:`Scenario.extends
    <pactsim.language.scenario.Scenario.extends>`), its base first, then the base's
    base, ...; ``()`` for a scenario not read through ``extends:``.

    Each base is read from the text kept when ``sc`` was loaded, else from its file; a
    base that cannot be read (moved since) or has no id is left out.
    """
    texts = getattr(getattr(sc, "_origin", None), "texts", None) or {}
    ids: list[str] = []
    for name in sc.extends:
        lines = texts.get(name)
        try:
            data = parse_yaml("\n".join(lines) if lines is not None else
                              read_regular(name, MAX_BYTES), name=name, soft=True).data
        except (ScenarioError, OSError, ValueError):
            continue
        sid = data.get("id") if isinstance(data, Mapping) else None
        if isinstance(sid, str) and sid not in ids:
            ids.append(sid)
    return tuple(ids)


def scenario_scope(sc: Scenario) -> dict[str, _expr.NameInfo]:
    """Each name of `sc` with its expression type (questions type-checked in order)."""
    scope: dict[str, _expr.NameInfo] = {}
    trees: dict[str, _expr.Expr] = {}
    for v in sc.iter_nodes():
        if v.kind == "driver":
            scope[v.name] = _expr.NameInfo("number")
        elif v.kind == "question":
            spec = v.spec
            assert isinstance(spec, Question)  # internal: iter_nodes wraps questions
            trees[v.name] = _expr.parse(spec.expr)
        else:
            scope[v.name] = _expr.NameInfo("bool", has_date=v.is_dated,
                                           levels=sc.outcomes.get(v.name))
    for node, levels in sc.outcomes.items():  # the outcome rows that resolve() names
        scope.update((_expr.outcome_name(node, x), _expr.NameInfo("bool")) for x in levels
                     if x != _expr.ABSENT)
    for name in getattr(sc, "attributes", None) or {}:  # format 3: numbers
        scope[name] = _expr.NameInfo("number")
    for name in _expr.dependency_order(trees):
        scope[name] = _expr.NameInfo(_expr.check(_expr.resolve(trees[name], scope), scope))
    return scope


def check_resolutions(res: Resolutions, sc: Scenario, *, dates: bool = True) -> None:
    """Check `res` against its scenario; raise one located ScenarioError listing every problem.

    Rules: the ids match (the resolution file's ``scenario:`` is the scenario's id or
    that of a file it extends, :func:`extended_ids`: a variant is scored by its base's
    resolutions); every name is a binary node, ``signing`` or a true/false
    question of the scenario (did you mean ...?); dates only for dated nodes; a
    ``given`` is a true/false expression over the scenario's names, and when it
    is one resolved name, that outcome came true (a date: on or before the
    horizon); outcomes resolved and dated on after the scenario's ``as_of`` (a
    forecast made after the fact scores nothing;
    ``dates=False`` skips this rule, for later versions of a forecast).
    """
    problems: list[Problem] = list(res.pending)
    bases = extended_ids(sc) if res.scenario != sc.id else ()
    if res.scenario != sc.id and res.scenario not in bases:
        also = ("" if not bases else f", and that of the file it extends {bases[0]!r}"
                if len(bases) == 1 else
                f", and those of the files it extends {', '.join(map(repr, bases))}")
        problems.append(res.problem(("scenario",), f"= {res.scenario!r} but the scenario's id is "
                                                   f"{sc.id!r}{also} (pair each file with its "
                                                   "scenario; the id of a file it extends, "
                                                   "through extends:, is accepted too)"))
    scope = scenario_scope(sc)
    names = Suggestions(n for n, info in scope.items() if info.type == "bool" and "=" not in n)
    for name, o in res.outcomes.items():
        path: tuple[Key, ...] = ("outcomes", name)
        info = scope.get(name) if "=" not in name else None  # not an outcome row
        if info is None:
            problems.append(res.problem(path, f"unknown name {name!r}{names(name)} (not a node or "
                                              f"question of scenario {sc.id!r})", key=True,
                                        value=name))
            continue
        if info.type != "bool":
            what = ("a driver (latent; never observed)" if name in sc.drivers else
                    f"a {info.type} question (resolve a true/false question instead, e.g. "
                    f"`{name} >= 6`)")
            problems.append(res.problem(path, f"{name!r} is {what}", key=True, value=name))
            continue
        levels = sc.outcomes.get(name)
        if isinstance(o.value, str) and o.value not in (levels or ()):
            hint = Suggestions(levels)(o.value) if levels else Suggestions(
                [UNRESOLVABLE, "true", "false"])(o.value)
            problems.append(res.problem((*path, "outcome"), (
                f"= {o.value!r} is not an outcome of {name!r}{hint} (its outcomes are "
                f"{', '.join(levels)}; or write true, false or unresolvable)") if levels else (
                f"= {o.value!r} is not an outcome{hint} (write true, false, a date "
                "YYYY-MM-DD, or unresolvable; outcome names are for categorical nodes)"
                + (f"; this YAML reads {o.value!r} as text: write "
                   f"{'true' if o.value.lower() in ('yes', 'on') else 'false'}"
                   if o.value.lower() in ("yes", "no", "on", "off") else ""))))
        if isinstance(o.value, dt.date) and not info.has_date:
            problems.append(res.problem((*path, "outcome"), f"= {o.value} is a date, but {name!r} "
                                        "has no date (write true or false)"))
        if o.given is not None:
            problems += _check_given(res, sc, scope, (*path, "given"), o.given, dates)
        for what, when in (("resolved", o.resolved),
                           ("outcome", o.value if isinstance(o.value, dt.date) else None)):
            if dates and when is not None and when <= sc.as_of:
                problems.append(res.problem((*path, what), f"= {when} is not after the "
                                            f"scenario's as_of {sc.as_of} (the forecast was made "
                                            "knowing the outcome; it cannot be scored)"))
    if problems:  # in the file's order (those found on reading came first)
        raise ScenarioError(sorted(problems, key=lambda x: (x.line or 0, x.column or 0)))


def _check_given(res: Resolutions, sc: Scenario, scope: Mapping[str, _expr.NameInfo],
                 path: tuple[Key, ...], text: str, dates: bool) -> list[Problem]:
    try:
        tree = _expr.compile_condition(text, scope, what="given", horizon=sc.horizon)
    except ScenarioError as err:
        return [res.problem(path, p.message) for p in err.problems]
    cond = res.outcomes.get(text.strip())
    if cond is not None and (cond.value is False or cond.value == _expr.ABSENT):
        how = "absent" if cond.value == _expr.ABSENT else "false"
        return [res.problem(path, f"= {text!r}, which resolved {how}: the item is void (remove "
                                  "it, or mark it unresolvable)")]
    # (in a series, versions' horizons differ: the scorer skips the item in the versions
    # whose horizon comes before the date)
    if dates and cond is not None and isinstance(cond.value, dt.date) \
            and cond.value > sc.horizon:
        return [res.problem(path, f"= {text!r}, which happened on {cond.value}, after the "
                                  f"horizon {sc.horizon}: in the scenario {text.strip()!r} means "
                                  "by the horizon, so it resolved false and the item is void "
                                  "(remove it, or mark it unresolvable)")]
    if cond is not None and cond.value is None:
        return [res.problem(path, f"= {text!r}, which is unresolvable: the item cannot be scored "
                                  "(mark it unresolvable too)")]
    decided = _given_value(res, sc, tree, dates)
    if decided is not None and not decided[0]:
        return [res.problem(path, f"= {text!r} is false on this file's outcomes ({decided[1]}): "
                                  "the condition did not come true, so the item is void (remove "
                                  "it, or mark it unresolvable)")]
    return []


def given_holds(res: Resolutions, sc: Scenario, text: str) -> bool | None:
    """Whether an item's ``given`` holds on the file's own outcomes, read against ``sc``'s
    horizon (a date after it: not by the horizon); ``None`` when they do not decide it.
    The scorer asks it per version of a series, whose horizons differ."""
    tree = _expr.compile_condition(text, scenario_scope(sc), what="given", horizon=sc.horizon)
    decided = _given_value(res, sc, tree, True)
    return None if decided is None else decided[0]


def _given_value(res: Resolutions, sc: Scenario, tree: _expr.Expr, dates: bool
                 ) -> tuple[bool, str] | None:
    """A compiled ``given`` evaluated on the file's own resolved outcomes, with a phrase
    saying what they were; ``None`` when the file does not decide every name it uses (a
    name not resolved, unresolvable, a driver, a date it does not give, or, in a series
    of versions, a date, whose meaning depends on each version's horizon)."""
    import numpy as np

    values: dict[str, Any] = {}
    days: dict[str, Any] = {}
    said: dict[str, str] = {}
    wants_date = {x.name for x in _expr.walk(tree) if isinstance(x, _expr.DateOf)}
    for name in _expr.names(tree):
        node, _, level = name.partition("=")
        o = res.outcomes.get(node)
        if o is None or o.value is None:
            return None
        v = o.value
        if isinstance(v, dt.date):
            if not dates:
                return None
            happened = v <= sc.horizon
            values[name] = np.array([happened])
            days[name] = np.array([np.datetime64(v, "D") if happened else np.datetime64("NaT")],
                                  dtype="datetime64[D]")
            said[node] = f"{node} on {v}" if happened else \
                f"{node} on {v}, after the horizon {sc.horizon}: not by it, in the scenario"
        elif isinstance(v, bool):
            if name in wants_date and v:  # happened, on a day the file does not give
                return None
            if level and v:  # a categorical node present, its outcome not given
                return None
            values[name] = np.array([v])
            days[name] = np.array([np.datetime64("NaT")], dtype="datetime64[D]")
            said[node] = f"{node} {'true' if v else 'false'}"
        else:  # a categorical node's outcome; `name` is its outcome row or the node itself
            values[name] = np.array([v == level if level else v != _expr.ABSENT])
            said[node] = f"{node} == {v}"
    return bool(_expr.evaluate(tree, values, days)[0]), ", ".join(said.values())

