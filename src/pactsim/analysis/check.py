"""Consistency lint beyond validity: `pactsim check`.

A scenario can be valid and still say something its author did not mean: a
clause whose ``requires`` and ``excludes`` can never hold together, a table
row no draw can reach, a question that is always true. :func:`check` finds
these with exact inference (so "never" means probability exactly 0, not "not
seen in the draws") plus a few structural rules.

Rules
-----
``never-true``        a binary node has probability 0 (a dated node that ``never-in-time``
                      reports is not reported again here)
``always-true``       a binary node has probability 1
``unreachable-row``   a ``table`` row whose parent combination has probability 0, or
                      that is never used: it has a parent false that the node cannot
                      happen without (``requires``, its pillar or the signing, the
                      anchor a milestone follows), or true that it excludes
``constant-question`` a question with one possible answer
``unused-driver``     a driver no ``odds`` and no question uses
``unused-source``     a source no node cites
``never-outcome``     an outcome of a categorical node (format 3) has probability 0: 0 in
                      every row of its levels or table, or only in rows never reached
``never-in-time``     a dated node that cannot happen by the horizon: its curve is 0
                      throughout, or a milestone whose earliest anchor day plus its
                      shortest delay falls after the horizon
``unused-attribute``  a numeric attribute (format 3) that no question and no observation uses
``constant-comparison`` a question compares an attribute with a number outside what it can
                      take (``n_articles > 500`` with a lognormal of p90 60 is possible;
                      ``term == 15`` with values 10 and 20, ``x == 2.5`` with a continuous
                      law or ``n > 80`` with ``uniform: {low: 10, high: 60}`` are not), so
                      the comparison is never true, or true whenever the attribute has a
                      value; located at the question
``never-value``       an attribute whose gates never open: it is always missing
``open-past``         the observations of a day speak of a dated node (its date or its
                      name, themselves or through the questions they name) but leave open
                      whether it had already happened before that day (0 < P < 1 given the
                      news to then), so soft news such as "to be signed this month" also
                      raises days already past; news of that day usually settles it (add
                      ``not x.date < DAY``, or ``x.date < DAY``); located at the entry
``look-ahead``        a dated node's timing (``hazard_ratio``, or the ``given`` of a table
                      of curves), or a milestone's chance of happening (its ``given``,
                      ``odds``, ``requires``, ``excludes``), reads another dated node that
                      can happen after it: the key counts as "happened by the horizon"
                      (or its condition on the date) on every day, so news after the
                      event still moves its date, or whether it happened (effects are
                      not time-varying); ``x.date < a.date`` with ``a`` an anchor (or
                      one before it) is settled on a's day and not flagged; located at
                      the key
``impossible-news``   the observations learnt by a day cannot all hold in the scenario
                      (P = 0: ``signing.date <= 2025-01-15``, then ``signing.date >
                      2025-02-01``), so no forecast can be made from the file (``run``
                      refuses it); located at the latest entry the refusal names
                      (an entry impossible by itself is named alone), else at the first
                      entry of that day
``extreme-factor``    an ``odds`` or ``hazard_ratio`` factor above 1000 or below 1/1000
                      (for a driver, per standard deviation): it makes the chance 0 or 1,
                      or the date the first or no day, wherever its parent is true or the
                      driver a little above its mean, which is rarely meant (a typo:
                      ``1e300``, ``1000`` for ``1.000``); located at the factor
``exact-skipped``     exact inference cannot answer (the model or a question is too
                      wide, or a question compares a driver with another driver), so
                      the rules above that need it were not checked there
"""

from __future__ import annotations

import collections
import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pactsim.analysis.rules import RULES
from pactsim.errors import (
    ConditionError,
    ExactUnsupportedError,
    ModelTooWideError,
    ScenarioError,
    elided,
)
from pactsim.language import expr as _expr
from pactsim.language.evidence import named_entry
from pactsim.language.scenario import Node, Scenario, Signing, is_condition
from pactsim.language.validate import dotted_path

__all__ = ["RULES", "CheckFinding", "Finding", "check", "impossible_news"]

_TOL = 1e-12


@dataclass(frozen=True)
class CheckFinding:
    """One consistency finding of :func:`check`, located like a
    :class:`~pactsim.errors.Problem` (not :class:`pactsim.Finding`, a piece of evidence)."""

    rule: str
    message: str
    field: str
    path: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.path or "<scenario>"
        if self.line is not None:
            where += f":{self.line}:{self.column}"
        field = f"{self.field}: " if self.field else ""  # the whole file: no field
        return f"{where}: {field}{self.message} [{self.rule}]"


#: The name :class:`CheckFinding` had before (review-python16: beside ``pactsim.Finding``,
#: the evidence class, ``list[pactsim.Finding]`` read as check's type and was not).
Finding = CheckFinding


class _Report:
    def __init__(self, sc: Scenario) -> None:
        self.sc = sc
        self.findings: list[CheckFinding] = []

    def add(self, rule: str, path: tuple[Any, ...], message: str) -> None:
        file, line, col = self.sc.locate(path, key=True)
        self.findings.append(CheckFinding(rule, message, dotted_path(path), file, line, col))


def _gates_text(requires: Any, excludes: Any) -> str:
    """``requires`` true and ``excludes`` false, as one expression (conditions in
    brackets)."""
    def term(g: str) -> str:
        return f"({g})" if is_condition(g) else g

    return " and ".join([*map(term, requires), *(f"not {term(g)}" for g in excludes)])


def _can_hold(ex: Any, text: str) -> bool | None:
    """Whether ``text`` has probability > 0 by exact inference; ``None`` when it cannot
    say (no exact results, a model too wide)."""
    if ex is None:
        return None
    try:
        return float(ex.prob(text).value) > _TOL
    except (ModelTooWideError, ExactUnsupportedError):
        return None


def _and(*texts: str) -> str:
    return " and ".join(f"({t})" for t in texts if t)


def _why_gates(sc: Scenario, name: str, spec: Node, ex: Any) -> str:
    """Why a node with ``requires``/``excludes`` can never be true: its own gates never
    all hold; or they can, and those it inherits (a clause: its pillar's, and signing
    through it; a pillar: signing) make them fail, named; or they all can hold together,
    and the pillar or its own chance is 0 there."""
    own = _gates_text(spec.requires, spec.excludes)
    said = (f"requires: {', '.join(spec.requires) or '-'}; "
            f"excludes: {', '.join(spec.excludes) or '-'}")
    view = sc.nodes[name]
    signing = ["signing"] if sc.signing is not None else []
    tiers: list[tuple[list[str], list[str], str]] = []  # requires, excludes, words
    pillar = view.pillar if view.kind == "clause" else None
    if pillar is not None:
        pspec = sc.nodes[pillar].spec
        req = list(getattr(pspec, "requires", ()))
        exc = list(getattr(pspec, "excludes", ()))
        options = [(req, exc)] if req or exc else []  # the fewest gates that explain it
        options += [(signing, []), ([*signing, *req], exc)] if signing and options else \
            [(signing, [])] if signing else []
        for r, x in options:
            words = " and ".join(w for w in (f"requires {', '.join(r)}" if r else "",
                                             f"excludes {', '.join(x)}" if x else "") if w)
            tiers.append((r, x, f"its pillar '{pillar}' {words}"))
    elif view.kind == "pillar" and signing:
        tiers.append((signing, [], "as a pillar it requires signing"))
    held = _can_hold(ex, own)
    if held is False or (held is None and not tiers):
        return f"its requires/excludes can never all hold at once ({said})"
    for req, exc, words in tiers:
        held = _can_hold(ex, _and(own, _gates_text(req, exc)))
        if held is not True:  # unsure: every gate it inherits is named
            return ("its requires/excludes and those it inherits can never all hold at "
                    f"once ({said}; {words if held is False else tiers[-1][2]})")
    if pillar is not None and _can_hold(ex, _and(own, pillar)) is False:
        return (f"its pillar '{pillar}' can never be true where its requires/excludes hold "
                f"({said})")
    return "its probability is 0 wherever it can be drawn"


def _why_never(sc: Scenario, name: str, p: dict[str, float], ex: Any = None) -> str:
    spec = sc.nodes[name].spec
    if not isinstance(spec, Node):
        return "signing has no chance before the horizon"
    gates = sc.parents(name)
    dead = [g for g in gates if g in p and p[g] <= _TOL and
            (g in spec.requires or g == sc.nodes[name].pillar or
             (g == "signing" and sc.nodes[name].kind == "pillar"))]
    if dead:
        return f"it requires '{dead[0]}', which can never be true"
    after = getattr(spec, "after", None)
    if after is not None:  # a milestone: too few of its anchors can happen
        can = [a for a in after.names if p.get(a, 1.0) > _TOL]
        if len(can) < after.k:
            never = [a for a in after.names if a not in can]
            return (f"it follows {', '.join(repr(a) for a in never)}, which can never "
                    "happen" if after.k == len(after.names) else
                    f"it needs {after.k} of its anchors and only {len(can)} can happen")
    sure = [g for g in spec.excludes if p.get(g, 0.0) >= 1 - _TOL]
    if sure:
        return f"it excludes '{sure[0]}', which is always true"
    if spec.requires or spec.excludes:
        return _why_gates(sc, name, spec, ex)
    return "its probability is 0 wherever it can be drawn"


def _first_day(by: dict[Any, Any], as_of: Any) -> Any:
    """The first day a curve can reach (its value is > 0 just after), or None."""
    from pactsim.language.distributions import p_mean

    prev = as_of
    for d, v in by.items():
        if p_mean(v) > 0:
            return prev + dt.timedelta(days=1)
        prev = d
    return None


def _check_timing(sc: Scenario, rep: _Report) -> set[str]:
    """``never-in-time``: the earliest day each dated node can happen, in file order of
    dependencies (anchors first); a node with none is reported. Returns the nodes
    reported (never-true need not say it again)."""
    earliest: dict[str, int | None] = {}  # day ordinals: a chain may pass 9999-12-31
    views = sc.nodes
    order = list(sc.dated_names)
    for _ in range(len(order)):  # anchors settle in at most len(order) passes (no cycles)
        for name in order:
            if name in earliest:
                continue
            spec = views[name].spec
            if views[name].timing == "curve":
                assert isinstance(spec, Node | Signing)
                days = [_first_day(by, sc.as_of) for _, by in spec.curve_entries()]
                known = [d.toordinal() for d in days if d is not None]
                earliest[name] = min(known) if known else None
                continue
            assert isinstance(spec, Node)
            assert spec.after is not None
            assert spec.delay is not None
            if any(a not in earliest for a in spec.after.names):
                continue
            anchors = sorted(e for a in spec.after.names if (e := earliest[a]) is not None)
            k = spec.after.k
            if len(anchors) < k:
                earliest[name] = None
                continue
            d = spec.delay
            if d.kind == "curve" and all(p <= 0 for _, p in d.points):
                earliest[name] = None
                continue
            earliest[name] = anchors[k - 1] + _shortest(spec)
    late: set[str] = set()
    for name in order:
        when = earliest.get(name)
        if when is None or when > sc.horizon.toordinal():
            late.add(name)
            why = ("its curve is 0 up to the horizon" if views[name].timing == "curve" else
                   "what it follows cannot happen in time" if when is None else
                   f"its anchor is on {_on(when - _shortest(views[name].spec))} "
                   f"at the earliest and its delay is at least "
                   f"{_days(_shortest(views[name].spec))}, so it is {_on(when)} at the earliest")
            rep.add("never-in-time", views[name].path,
                    f"'{name}' can never happen by the horizon ({sc.horizon}): {why}")
    return late


def _on(day: int) -> str:
    """A day ordinal as a date, or "after 9999-12-31" past the calendar."""
    return str(dt.date.fromordinal(day)) if day <= dt.date.max.toordinal() else \
        f"after {dt.date.max}"


def _days(k: int) -> str:
    """``1 day``, ``30 days``."""
    return f"{k} day" if k == 1 else f"{k} days"


def _shortest(spec: Any) -> int:
    d = spec.delay
    if d.kind == "fixed":
        return int(d.days)
    if d.kind == "curve":
        prev = 0
        for day, p in d.points:
            if p > 0:
                return prev + 1
            prev = day
    return 1


def _check_outcomes(sc: Scenario, ex: Any, p: dict[str, float], rep: _Report) -> None:
    """``never-outcome``: an outcome of a categorical node that has probability 0 though
    the node can happen (``absent`` only when written in its levels); located at the
    outcome in ``levels``."""
    for name, outcomes in sc.outcomes.items():
        spec = sc.nodes[name].spec
        if not isinstance(spec, Node) or p.get(name, 0.0) <= _TOL:
            continue  # never-true says it: no outcome but absent can happen
        rows = spec.level_rows()
        for level in outcomes:
            written = list(spec.level_names)
            if (level == _expr.ABSENT and level not in written) or float(
                    ex.prob(f"{name} == {level}").value) > _TOL:
                continue
            at = (*sc.nodes[name].path, "levels",
                  level if isinstance(spec.levels, dict) else written.index(level))
            why = ("its probability is 0 in every row" if len(rows) > 1 else
                   "its probability is 0") if all(lv.get(level, 0.0) <= 0.0
                                                   for _, lv in rows) else \
                "the rows that give it a chance can never be reached"
            rep.add("never-outcome", at, f"outcome '{level}' of '{name}' can never happen "
                    f"(P = 0): {why}; remove it from levels or give it a chance")


def _typical(sc: Scenario, ex: Any, name: str) -> str:
    """A value attribute ``name`` can take, for an example question: its median by exact
    inference, else the middle of what its laws allow, else 0; to two digits."""
    import math

    value = math.nan
    if ex is not None:
        try:
            value = float(ex.numeric(name).quantiles.get(0.5, math.nan))
        except (ModelTooWideError, ExactUnsupportedError):
            value = math.nan
    if not math.isfinite(value):
        s = _support(sc.attributes[name])
        if s.atoms:
            atoms = sorted(s.atoms)
            value = atoms[len(atoms) // 2]
        elif math.isfinite(s.low) and math.isfinite(s.high):
            value = (s.low + s.high) / 2
        else:
            value = 0.0
    value = float(f"{value:.2g}")  # two significant digits, written out in full
    return f"{value:.10f}".rstrip("0").rstrip(".") if 1e-3 <= abs(value) < 1e15 else \
        f"{value:g}"


@dataclass(frozen=True)
class _Support:
    """What values an attribute can take, over every law of its ``dist`` or table
    (a superset: rows never reached count too)."""

    low: float
    high: float
    atoms: frozenset[float] | None  # every value it can take, when all laws are discrete
    whole: bool  # rounded: whole numbers only
    continuous: bool  # every law continuous and not rounded: P(value == c) = 0

    def describe(self) -> str:
        if self.atoms is not None:
            vals = sorted(self.atoms)
            shown = ", ".join(f"{v:g}" for v in vals[:6]) + (", ..." if len(vals) > 6 else "")
            return f"takes only the value{'s' if len(vals) > 1 else ''} {shown}"
        span = f"[{self.low:g}, {self.high:g}]"
        return f"is a whole number in {span}" if self.whole else f"lies in {span}"


def _table_leaves(table: Any, depth: int) -> list[Any]:
    if depth == 0:
        return [table]
    return [x for sub in table.values() for x in _table_leaves(sub, depth - 1)]


def _support(spec: Any) -> _Support:
    import math

    import numpy as np

    laws = [spec.dist] if spec.dist is not None else [
        spec.row_quantity(leaf) for leaf in _table_leaves(spec.table, len(spec.given or []))]
    low, high = math.inf, -math.inf
    atoms: set[float] | None = set()
    continuous = True
    for q in laws:
        if q.discrete:
            vals = q.support()[0]
            vals = np.rint(vals) if spec.round else vals
            lo, hi = float(vals.min()), float(vals.max())
            if atoms is not None:
                atoms.update(float(v) for v in vals)
            continuous = False
            low, high = min(low, lo), max(high, hi)
            continue
        atoms = None
        continuous = continuous and not spec.round
        lo, hi = {"normal": (-math.inf, math.inf), "lognormal": (0.0, math.inf),
                  "uniform": (q.a, q.b)}[q.kind]
        if spec.round:
            lo, hi = (float(np.rint(x)) if math.isfinite(x) else x for x in (lo, hi))
        low, high = min(low, lo), max(high, hi)
    return _Support(low, high, None if atoms is None else frozenset(atoms), bool(spec.round),
                    continuous)


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def _verdict(op: str, c: float, s: _Support) -> str | None:
    """``"never"`` (false in every draw), ``"always"`` (true whenever the attribute has a
    value) or ``None`` for ``attribute op c``."""
    never_eq = (c < s.low or c > s.high or s.continuous
                or (s.atoms is not None and c not in s.atoms)
                or (s.whole and not float(c).is_integer()))
    sure_eq = s.low == s.high == c
    table = {
        "<": (c <= s.low, c > s.high), "<=": (c < s.low, c >= s.high),
        ">": (c >= s.high, c < s.low), ">=": (c > s.high, c <= s.low),
        "==": (never_eq, sure_eq), "!=": (sure_eq, never_eq),
    }
    never, always = table[op]
    return "never" if never else "always" if always else None


def _check_attributes(sc: Scenario, ex: Any, used: set[str], rep: _Report) -> None:
    """``unused-attribute``, ``constant-comparison`` and ``never-value`` (format 3)."""
    if not sc.attributes:
        return
    supports = {a: _support(spec) for a, spec in sc.attributes.items()}
    for q in sc.questions:
        tree = _expr.parse(sc.question_text(q))
        for node in _expr.walk(tree):
            if not isinstance(node, _expr.Compare):
                continue
            for side, other, op in ((node.left, node.right, node.op),
                                    (node.right, node.left, _FLIP[node.op])):
                if not (isinstance(side, _expr.Name) and side.name in supports
                        and isinstance(other, _expr.NumLit)):
                    continue
                s = supports[side.name]
                verdict = _verdict(op, other.value, s)
                if verdict is None:
                    continue
                why = ("a continuous value equals a given number with probability 0"
                       if s.continuous and op in ("==", "!=") else f"'{side.name}' "
                       f"{s.describe()}")
                said = ("is never true" if verdict == "never" else
                        "is true in every draw" if op == "!=" else  # missing: != holds
                        f"is true whenever '{side.name}' has a value")
                rep.add("constant-comparison", ("questions", q),
                        f"in question '{q}', '{_expr.unparse(node)}' {said}: {why}")
    observed: set[str] = set()
    for obs in sc.observations:
        try:
            observed.update(_expr.names(_expr.parse(obs.evidence)))
        except ScenarioError:  # validation has read it; a lint never fails on it
            continue
    for a in sc.attributes:
        if a not in used and a not in observed:
            rep.add("unused-attribute", ("attributes", a),
                    f"attribute '{a}' is not used by any question or observation; ask about "
                    f"it (e.g. '{a} >= {_typical(sc, ex, a)}') or remove it")
        if ex is None:
            continue
        try:
            missing = float(ex.numeric(a).missing)
        except (ModelTooWideError, ExactUnsupportedError):
            continue
        if missing >= 1 - _TOL:
            rep.add("never-value", ("attributes", a),
                    f"attribute '{a}' never has a value (always missing): its requires/"
                    "excludes can never all hold")


def _dates_used(sc: Scenario, text: str) -> list[str]:
    """The dated nodes an expression speaks of (their ``.date``, or their name: "it has
    happened by the horizon"), itself or through the questions it names (their
    expressions, and theirs in turn), in order of first use."""
    out: list[str] = []
    seen: set[str] = set()
    dated = set(sc.dated_names)
    todo = [_expr.parse(text)]
    while todo:  # a worklist: questions may name questions (no recursion on their depth)
        for e in _expr.walk(todo.pop()):
            if isinstance(e, _expr.DateOf) or (isinstance(e, _expr.Name) and e.name in dated):
                out.append(e.name)
            elif isinstance(e, _expr.Name) and e.name in sc.questions and e.name not in seen:
                seen.add(e.name)
                todo.append(_expr.parse(sc.question_text(e.name)))
    return list(dict.fromkeys(out))


def _check_news(sc: Scenario, rep: _Report) -> dt.date | None:
    """``impossible-news``: the first observation day whose news, with the news before it,
    cannot all hold in the scenario (by Monte Carlo's evidence plan, else P = 0 by exact
    inference): ``run`` and ``report`` refuse such a file. Returns that day (``None``:
    every day's news can hold, or exact inference does not answer)."""
    from pactsim.inference.compile import compile_scenario
    from pactsim.inference.weighting import plan_evidence
    from pactsim.results.exact import exact

    first: dict[dt.date, int] = {}
    for i, obs in enumerate(sc.observations):
        first.setdefault(obs.date, i)
    days = sorted(first)
    model = compile_scenario(sc)

    def by_plan(day: dt.date) -> None:  # what Monte Carlo's evidence plan sees before drawing
        plan_evidence(model, list(sc.findings(day)))

    def by_exact(day: dt.date) -> None:
        exact(sc, observations=False, evidence=list(sc.findings(day)))

    try:
        # the plan first (cheap, and it needs no exact inference): contradictions on a
        # node, dates no curve reaches, gates; then exact inference
        found = _first_failing(days, by_plan) or _first_failing(days, by_exact)
    except (ModelTooWideError, ExactUnsupportedError):
        return None  # open-past notes the check it skipped
    if found is None:
        return None
    day, err = found
    # at the latest entry to then that the refusal names (as run and report locate it),
    # else at the day's first entry
    at = named_entry(sc, str(err), day)
    at = first[day] if at is None else at
    rep.add("impossible-news", ("observations", at, "evidence"),
            f"the news to {day} cannot all hold in this scenario: {elided(str(err))} "
            "(one entry is wrong, or the model rules out what happened)")
    return day


def _first_failing(days: list[dt.date], check_day: Callable[[dt.date], None]
                   ) -> tuple[dt.date, ConditionError] | None:
    """The first of ``days`` whose news ``check_day`` refuses (ConditionError), with its
    refusal. News only removes or reweighs cases as entries are added, so once a day's
    news fails every later day's does: the last day is tried, then the first failing
    day is found by bisection (a few checks, not one per day)."""
    def fails(day: dt.date) -> ConditionError | None:
        try:
            check_day(day)
        except ConditionError as err:
            return err
        return None

    err = fails(days[-1])
    if err is None:
        return None
    lo, hi = 0, len(days) - 1  # days[hi] fails, with err
    while lo < hi:
        mid = (lo + hi) // 2
        e = fails(days[mid])
        if e is None:
            lo = mid + 1
        else:
            hi, err = mid, e
    return days[hi], err


def impossible_news(scenario: Scenario) -> list[CheckFinding]:
    """The ``impossible-news`` finding of :func:`check` alone: the first observation
    day whose news cannot all hold in ``scenario``, located at its first entry (empty
    when every day's news can hold, when the file has no news, or when exact inference
    cannot answer). ``pactsim validate`` reports it, since ``run`` refuses such a file.

    Examples
    --------
    >>> import pactsim
    >>> sc = pactsim.loads("pactsim: 2\\nid: x\\nas_of: 2024-01-01\\nhorizon: 2024-12-31\\n"
    ...                    "events:\\n  a: {p: 0.5}\\n  b: {p: 0.5, requires: [a]}\\n"
    ...                    "observations:\\n  - {date: 2024-02-01, evidence: b and not a, "
    ...                    "source: wire}\\n")
    >>> [f.rule for f in impossible_news(sc)]
    ['impossible-news']
    """
    rep = _Report(scenario)
    if scenario.observations:
        _check_news(scenario, rep)
    return rep.findings


def _check_open_past(sc: Scenario, rep: _Report, until: dt.date | None = None) -> None:
    """``open-past``: per observation day, each dated node the day's entries speak of, by
    exact inference given every observation learnt by that day (days before ``until``,
    the day the news stopped being possible, when there is one)."""
    from pactsim.results.exact import exact

    days: dict[dt.date, list[tuple[int, list[str]]]] = {}
    for i, obs in enumerate(sc.observations):
        dated = _dates_used(sc, obs.evidence)
        if dated and obs.date > sc.as_of + dt.timedelta(days=1) and \
                (until is None or obs.date < until):
            days.setdefault(obs.date, []).append((i, dated))
    for day in sorted(days):
        try:
            ex = exact(sc, observations=False, evidence=list(sc.findings(day)))
        except (ModelTooWideError, ExactUnsupportedError, ConditionError) as err:
            # too wide for exact inference, or news that cannot all hold: said, not checked
            rep.add("exact-skipped", ("observations", days[day][0][0], "evidence"),
                    f"the news to {day} was not checked for open-past: {err}")
            continue
        done: set[str] = set()
        for i, dated in days[day]:
            for name in dated:
                if name in done:
                    continue
                done.add(name)
                try:
                    p = float(ex.prob(f"{name}.date < {day}").value)
                except (ModelTooWideError, ExactUnsupportedError):
                    continue
                if _TOL < p < 1 - _TOL:
                    rep.add("open-past", ("observations", i, "evidence"),
                            f"the news of {day} speaks of {name} but leaves open "
                            f"whether {name} had already happened before that day "
                            f"(P({name} before {day}) = {p:.3g} given the news to then); "
                            f"if it had not, add an observation of {day} with evidence: "
                            f"not {name}.date < {day} (if it had: {name}.date < {day}; if "
                            "the news really does not tell, leave it)")


def _curve_ends(sc: Scenario, text: str) -> str:
    """Why a question about dates may be constant: it asks whether a curve-timed node
    happens after (or on or after) a day past its curve's last date, which it never does.
    Empty when the question has no such comparison."""
    ends: dict[str, Any] = {}
    for x in _dates_used(sc, text):
        spec = sc.nodes[x].spec
        if sc.nodes[x].timing == "curve" and isinstance(spec, Node | Signing):
            ends[x] = max((d for _, by in spec.curve_entries() for d in by), default=None)
    flip = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
    said = []
    for e in _expr.walk(_expr.parse(text)):
        if not isinstance(e, _expr.Compare):
            continue
        pair = ((e.left, e.op, e.right) if isinstance(e.left, _expr.DateOf) else
                (e.right, flip.get(e.op, e.op), e.left))
        date_of, op, lit = pair
        if not (isinstance(date_of, _expr.DateOf) and isinstance(lit, _expr.DateLit)):
            continue
        last = ends.get(date_of.name)
        if last is not None and last < sc.horizon and (
                (op == ">" and lit.value >= last) or (op == ">=" and lit.value > last)):
            said.append(f"the curve of {date_of.name} ends at {last}")
    if not said:
        return ""
    return (f" ({'; '.join(dict.fromkeys(said))}: it cannot happen after that, and one minus "
            "the last value is the chance it does not happen by the horizon)")


def _befores(sc: Scenario) -> dict[str, set[str]]:
    """For every dated node, the dated nodes that always happen before it: a milestone's
    anchors and theirs (after one or all of them); after any / at least k of them, what
    comes before every one of them (an anchor included where the others follow it). A
    curve-timed node has none. Anchors are settled first, pass by pass (no recursion on
    the length of a chain)."""
    out: dict[str, set[str]] = {}
    order = list(sc.dated_names)
    for _ in range(len(order) + 1):
        for name in order:
            if name in out:
                continue
            after = getattr(sc.nodes[name].spec, "after", None)
            if after is None:
                out[name] = set()
                continue
            if any(a not in out for a in after.names):
                continue  # an anchor not settled yet: next pass
            sets = [out[a] | {a} for a in after.names]
            every = after.mode in ("one", "all") or after.k >= len(after.names)
            out[name] = set.union(*sets) if every else set.intersection(*sets)
    return out


def _settled_at_start(sc: Scenario, text: str) -> bool:
    """Whether a condition compares dates only with dates on or before ``as_of`` (and
    reads no difference of dates): settled before any day a node can happen on."""
    tree = _expr.parse(text)
    nodes = list(_expr.walk(tree))
    literals = [e.value for e in nodes if isinstance(e, _expr.DateLit)]
    return bool(literals) and all(d <= sc.as_of for d in literals) and not any(
        isinstance(e, _expr.DaysBetween) for e in nodes)


#: Factors beyond this (or below its inverse) are ``extreme-factor`` findings.
EXTREME_FACTOR = 1000.0


def _check_factors(sc: Scenario, rep: _Report) -> None:
    """``extreme-factor``: an odds or hazard-ratio factor beyond 1000 or 1/1000."""
    for view in sc.iter_nodes():
        for field in ("odds", "hazard_ratio"):
            factors = getattr(view.spec, field, None)
            if not isinstance(factors, dict):
                continue
            for parent, f in factors.items():
                try:
                    v = float(f)
                except (TypeError, ValueError):
                    continue
                if not EXTREME_FACTOR ** -1 <= v <= EXTREME_FACTOR:
                    per = " per standard deviation" if parent in sc.drivers else ""
                    what = ("odds" if field == "odds" else "hazard ratio")
                    rep.add("extreme-factor", (*view.path, field, parent),
                            f"a {what} of {v:g}{per} on {parent}: beyond "
                            f"{EXTREME_FACTOR:g}× either way it makes '{view.name}' "
                            + ("all but certain or impossible" if field == "odds" else
                               "happen at once or all but never")
                            + " wherever it applies; check for a typo (1.000 written "
                            "1000?), or state the effect with a table instead")


def _needs(sc: Scenario, at: tuple[Any, ...], spec: Any) -> tuple[dict[str, str], set[str]]:
    """What a node (or attribute) at ``at`` cannot be true without, each with how (its
    ``requires``, a clause's pillar, a pillar's signing, a milestone's anchors when it
    follows all of them), and what it excludes."""
    needs = {str(r): "requires" for r in getattr(spec, "requires", ())}
    name = at[-1]
    view = sc.nodes.get(name) if at[0] != "attributes" else None
    if view is not None and view.kind == "clause" and view.pillar is not None:
        needs.setdefault(view.pillar, "its pillar")
    if view is not None and view.kind == "pillar" and sc.signing is not None:
        needs.setdefault("signing", "a pillar is in a signed text")
    after = getattr(spec, "after", None)
    if after is not None and (after.mode in ("one", "all") or after.k >= len(after.names)):
        for a in after.names:
            needs.setdefault(a, "it happens after it")
    return needs, {str(x) for x in getattr(spec, "excludes", ())}


def _check_look_ahead(sc: Scenario, rep: _Report) -> None:
    """``look-ahead``: a dated node's timing that reads a dated node which can happen
    after it (see the module's rules)."""
    dated = set(sc.dated_names)
    befores = _befores(sc)
    for name in sc.dated_names:
        view = sc.nodes[name]
        spec = view.spec
        keys: list[tuple[tuple[Any, ...], str, bool]] = [
            ((*view.path, "hazard_ratio", k), k, True) for k in getattr(spec, "hazard_ratio", {})]
        given = list(enumerate(getattr(spec, "given", None) or []))
        if view.timing == "curve":
            keys += [((*view.path, "given", i), g, True) for i, g in given]
        else:  # a milestone: whether it ever happens reads its given, odds and gates
            keys += [((*view.path, "given", i), g, False) for i, g in given]
            keys += [((*view.path, "odds", k), k, False) for k in getattr(spec, "odds", {})
                     if k not in sc.drivers]
            keys += [((*view.path, f, i), g, False) for f in ("requires", "excludes")
                     for i, g in enumerate(getattr(spec, f, ()))]
        first = befores.get(name, set())
        after = getattr(spec, "after", None)
        anchor = after.names[0] if after is not None and after.mode in ("one", "all") else None
        for at, key, timing in keys:
            if is_condition(key) and _settled_at_start(sc, key):
                continue  # its dates are all on or before as_of: no day reads ahead
            for x in _read_ahead(key, name, dated, first):
                how = (f"'{key}' depends on when {x} happens" if is_condition(key) else
                       f"'{x}' counts as whether it happens by the horizon")
                what = (f"so {x} happening later still moves the date of {name}" if timing
                        else f"so {x} happening later still changes whether {name} happened "
                        "before it")
                rep.add("look-ahead", at,
                        f"the {'timing' if timing else 'chance'} of '{name}' reads the dated "
                        f"node '{x}', which can happen after it: {how}, on every day, {what} "
                        f"(effects are not time-varying); if that is not meant, read an "
                        f"undated event instead (news known early)"
                        + ("" if timing or anchor is None or anchor in befores.get(x, ()) else
                           f", or '{x}.date < {anchor}.date' (settled on that day)")
                        + ", or keep it as an approximation")


def _read_ahead(key: str, name: str, dated: set[str], first: set[str]) -> list[str]:
    """The dated nodes a parent entry of ``name`` reads that can happen after it: those it
    names (a name, or the names of a condition), but ``name``, the nodes known to come
    before it (``first``) and those a condition reads only as ``x.date < a.date`` (or
    ``<=``) with ``a`` known to come first (settled on ``a``'s day: whether x came
    before it)."""
    if not is_condition(key):
        return [key] if key in dated and key != name and key not in first else []
    uses: collections.Counter[str] = collections.Counter()
    settled: collections.Counter[str] = collections.Counter()
    for e in _expr.walk(_expr.parse(key)):
        if isinstance(e, _expr.DateOf) or (isinstance(e, _expr.Name) and e.name in dated):
            uses[e.name] += 1
        if isinstance(e, _expr.Compare) and isinstance(e.left, _expr.DateOf) \
                and isinstance(e.right, _expr.DateOf):
            if e.op in ("<", "<=") and e.right.name in first:
                settled[e.left.name] += 1
            elif e.op in (">", ">=") and e.left.name in first:
                settled[e.right.name] += 1
    return [x for x in uses if x in dated and x != name and x not in first
            and settled[x] < uses[x]]


def check(scenario: Scenario) -> list[CheckFinding]:
    """Consistency findings for a validated scenario (empty when all is well).

    Examples
    --------
    >>> import pactsim
    >>> sc = pactsim.loads("pactsim: 1\\nid: x\\nas_of: 2024-01-01\\nhorizon: 2024-12-31\\n"
    ...                    "events:\\n  a: {p: 0.5}\\n"
    ...                    "  b: {p: 0.5, requires: [a], excludes: [c]}\\n  c: {p: 1}\\n")
    >>> [f.rule for f in check(sc)]
    ['never-true', 'always-true']
    """
    from pactsim.errors import ArgumentTypeError
    from pactsim.results.exact import exact

    if not isinstance(scenario, Scenario):
        raise ArgumentTypeError(f"scenario: check() needs a Scenario (from pactsim.load), "
                                f"not {type(scenario).__name__}")
    sc = scenario
    rep = _Report(sc)
    try:
        # the model as written: a file's observations are news, not modelling mistakes
        # (a node the news settles is not "always true, need not be modelled")
        ex = exact(sc, observations=False)
        marg = ex.marginals()
    except (ModelTooWideError, ExactUnsupportedError) as err:
        rep.add("exact-skipped", (), f"exact checks skipped: {err}")
        ex = None
    late = _check_timing(sc, rep)
    if ex is not None:
        p = {str(k): float(v) for k, v in marg["p"].items()}
        for name in sc.binary_names:
            if p[name] <= _TOL and name in late:
                pass  # never-in-time says why
            elif p[name] <= _TOL:
                rep.add("never-true", sc.nodes[name].path,
                        f"'{name}' can never be true (P = 0): {_why_never(sc, name, p, ex)}")
            elif p[name] >= 1 - _TOL and name in sc.outcomes:
                pass  # a categorical node never absent: its outcomes still vary (and an
                # absent outcome it lists is a never-outcome, below)
            elif p[name] >= 1 - _TOL:
                rep.add("always-true", sc.nodes[name].path,
                        f"'{name}' is always true (P = 1); if that is meant, it need not be "
                        "modelled")
        tables: list[tuple[tuple[Any, ...], Any]] = [
            (tuple(sc.nodes[name].path), sc.nodes[name].spec) for name in sc.binary_names
            if isinstance(sc.nodes[name].spec, Node) and p[name] > _TOL]
        tables += [(("attributes", a), spec) for a, spec in sc.attributes.items()]
        for at, spec in tables:
            if not spec.given:
                continue
            keys = [sc.outcomes.get(g, (True, False)) for g in spec.given]
            for combo in itertools.product(*keys):
                cond = " and ".join(f"{g} == {v}" if isinstance(v, str) else
                                    (f"({g})" if is_condition(g) else g) if v else
                                    f"not ({g})"
                                    for g, v in zip(spec.given, combo, strict=True))
                try:
                    reach = float(ex.prob(cond).value)
                except ModelTooWideError as err:  # one wide table does not stop the rest
                    rep.add("exact-skipped", (*at, "table"),
                            f"table rows not checked for being reachable: {err}")
                    break
                row = ", ".join(f"{g}={v if isinstance(v, str) else str(v).lower()}"
                                for g, v in zip(spec.given, combo, strict=True))
                if reach <= _TOL:
                    rep.add("unreachable-row", (*at, "table", *combo),
                            f"table row {row} can never be reached (P = 0), so its "
                            f"{'law' if at[0] == 'attributes' else 'probability'} is never "
                            "used")
                    continue
                # reached, but it says a parent is false that the node needs true (or
                # true one it excludes): its own gate closes there
                needs, bars = _needs(sc, at, spec)
                clash = [g for g, v in zip(spec.given, combo, strict=True)
                         if (v is False and g in needs) or (v is True and g in bars)]
                if clash:
                    what = "law" if at[0] == "attributes" else "probability"
                    g = clash[0]
                    how = (f"cannot happen without {g}" if g in needs else
                           f"never happens with {g}")
                    rep.add("unreachable-row", (*at, "table", *combo),
                            f"table row {row} is never used: '{at[-1]}' {how} "
                            f"({needs.get(g, 'excludes')}), so its {what} "
                            f"there never applies; drop {g} from given (or keep the row as "
                            "the format asks, knowing it is not read)")
        _check_outcomes(sc, ex, p, rep)
        for q, (_tree, t) in ex.model.questions.items():
            try:
                if t == "bool":
                    v = float(ex.prob(q).value)
                    if v <= _TOL or v >= 1 - _TOL:
                        rep.add("constant-question", ("questions", q),
                                f"question '{q}' is always {'true' if v > 0.5 else 'false'}"
                                + _curve_ends(sc, sc.question_text(q)))
                elif t == "number":
                    s = ex.numeric(q)
                    if s.histogram is not None and (s.histogram > _TOL).sum() == 1:
                        rep.add("constant-question", ("questions", q),
                                f"question '{q}' always equals {s.mean:g}")
            # Exact inference refuses some questions Monte Carlo answers: too wide
            # (ModelTooWideError), or comparing a driver with another driver
            # (ExactUnsupportedError). Neither stops the lint of the rest.
            except (ModelTooWideError, ExactUnsupportedError) as err:
                rep.add("exact-skipped", ("questions", q), f"not checked for being constant: {err}")
    used: set[str] = set()
    for view in sc.iter_nodes():
        if isinstance(view.spec, Node | Signing):
            used.update(view.spec.hazard_ratio)
        if isinstance(view.spec, Node):
            used.update(view.spec.odds)
    for tree in sc.conditions.values():
        used.update(_expr.names(tree))
    for q in sc.questions:
        used.update(_expr.names(_expr.parse(sc.question_text(q))))
    for d in sc.drivers:
        if d not in used:
            rep.add("unused-driver", ("drivers", d),
                    f"driver '{d}' is not used by any odds or question; remove it or add odds")
    cited: set[str] = set()
    for view in sc.iter_nodes():
        src = getattr(view.spec, "source", None)
        if src is not None:
            cited.update([src] if isinstance(src, str) else src)
    for spec in sc.attributes.values():
        src = spec.source
        if src is not None:
            cited.update([src] if isinstance(src, str) else src)
    cited.update(o.source for o in sc.observations)  # a source's key given as the text
    for key in sc.sources:
        if key not in cited:
            rep.add("unused-source", ("sources", key), f"source '{key}' is not cited by any node")
    _check_attributes(sc, ex, used, rep)
    _check_open_past(sc, rep, _check_news(sc, rep) if sc.observations else None)
    _check_look_ahead(sc, rep)
    _check_factors(sc, rep)
    return sorted(rep.findings, key=lambda f: (f.line or 0, f.column or 0, f.rule))

