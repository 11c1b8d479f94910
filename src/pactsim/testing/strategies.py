"""Hypothesis strategies that generate valid pactsim scenarios and expressions.

Every scenario these strategies produce is built as plain data and passed
through :func:`pactsim.language.io.from_dict`, the same checks a scenario file goes
through, so a generated scenario is valid by construction of the real loader:
if the loader ever rejected one, that is a bug worth reporting.

Each node is one self-contained block of choices — its structure (kind, name,
parents, gates, the shape of its probability) first, its numbers after — and
parents are drawn as positions among the nodes drawn before it. So Hypothesis
shrinks a failing scenario like a list, deleting the nodes that do not
matter, and each remaining node towards simpler choices and numbers (a plain
``p`` where the failure allows it; a failure that needs a wide range may keep
an uncertain ``between``). Shrinking a failure on a large scenario can take a
minute or more: ``note(pactsim.dumps(sc))`` in the test prints the shrunk file,
which ``pactsim.loads`` reads back.
Expressions are drawn the same way: a tree of choices whose leaves are
positions among the names in scope.

Examples
--------
>>> import pactsim
>>> from hypothesis import given, settings
>>> @settings(max_examples=5, deadline=None)
... @given(scenarios(max_nodes=5))
... def test_probabilities_are_probabilities(sc):
...     res = pactsim.simulate(sc, n=1_000, seed=0)
...     assert res.marginals()["p"].between(0, 1).all()
>>> test_probabilities_are_probabilities()  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from pactsim.inference.attributes import AttributePlan
from pactsim.inference.compile import compile_scenario
from pactsim.language.io import from_dict
from pactsim.language.scenario import Scenario
from pactsim.language.validate import RESERVED_NAMES

__all__ = ["expressions", "from_scenario", "scenarios"]

_MAX_GIVEN = 3  # a table over k parents has 2**k leaves
_MAX_ODDS = 2
_MAX_DRIVERS = 2
_MAX_QUESTIONS = 4
_MAX_GATES = 2
_MAX_BY_POINTS = 4
_MAX_SPAN = 3 * 365  # days from as_of to horizon
_FIRST_AS_OF = dt.date(2020, 1, 1)
_CMP_OPS = ("<", "<=", ">", ">=", "==", "!=")


# -- argument validation (Hypothesis style: InvalidArgument naming the argument) --


def _check_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"{name}={value!r} must be an integer")
    if value < 0:
        raise InvalidArgument(f"{name}={value!r} must be at least 0")
    return value


def _check_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidArgument(f"{name}={value!r} must be True or False")
    return value


def _check_scenario(value: object) -> Scenario:
    if not isinstance(value, Scenario):
        raise InvalidArgument(
            f"scenario={value!r} must be a pactsim.Scenario (from pactsim.load or pactsim.loads)"
        )
    return value


# -- numbers: analyst-like values first, any valid value sometimes -------------
# Built once: Hypothesis validates a strategy the first time it is drawn from.

#: A fixed probability: hundredths (as analysts write them) or any float in [0, 1].
_PROBABILITIES = st.one_of(
    st.integers(0, 100).map(lambda k: k / 100),
    st.floats(0.0, 1.0, allow_subnormal=False),
)
_BETA_SHAPES = st.one_of(st.integers(1, 20).map(float), st.floats(0.1, 50.0))
#: Three-decimal bounds at least 0.01 apart: intervals an analyst would write.
_BETWEEN_BOUNDS = st.integers(1, 989).flatmap(
    lambda lo: st.integers(lo + 10, 999).map(lambda hi: [lo / 1000, hi / 1000])
)
_UNCERTAIN_P = st.one_of(
    _PROBABILITIES,
    st.builds(lambda a, b: {"beta": [a, b]}, _BETA_SHAPES, _BETA_SHAPES),
    _BETWEEN_BOUNDS.map(lambda bounds: {"between": bounds}),
)
_BINARY_FACTORS = st.one_of(st.sampled_from([2.0, 0.5, 1.0, 3.0]), st.floats(0.05, 20.0))
_DRIVER_FACTORS = st.one_of(st.sampled_from([1.5, 0.5, 2.0]), st.floats(0.2, 5.0))
_DRIVER_MEANS = st.floats(-2.0, 2.0)
_DRIVER_SDS = st.floats(0.1, 2.0)
_UNIFORM_BOUNDS = st.builds(lambda low, width: (low, low + width), st.floats(-3.0, 2.0),
                            st.floats(0.1, 4.0))
_DRIVER_SPECS = st.one_of(
    st.builds(
        lambda mean, sd: {"dist": "normal", "sd": sd} | ({} if mean is None else {"mean": mean}),
        st.none() | _DRIVER_MEANS, _DRIVER_SDS),
    _UNIFORM_BOUNDS.map(lambda b: {"dist": "uniform", "low": b[0], "high": b[1]}),
)
_TEXT = st.text(st.characters(codec="utf-8"), max_size=12)  # any text but lone surrogates
_LABELS = st.none() | _TEXT
_LOWER = "abcdefghijklmnopqrstuvwxyz"


@st.composite
def _identifiers(draw: st.DrawFn, first: str, rest: str, max_size: int) -> str:
    return draw(st.sampled_from(first)) + draw(st.text(rest, max_size=max_size))


#: ``[a-z][a-z0-9_]{0,9}``, not reserved by the expression language, not ``signing``.
_NAMES = _identifiers(_LOWER, _LOWER + "0123456789_", 9).filter(
    lambda s: s not in RESERVED_NAMES and s != "signing"
)
#: ``[a-z0-9][a-z0-9._-]{0,15}``
_IDS = _identifiers(_LOWER + "0123456789", _LOWER + "0123456789._-", 15)
_PICK = st.integers(0, 63)


@lru_cache(maxsize=64)
def _picks(max_size: int, min_size: int = 0) -> st.SearchStrategy[tuple[int, ...]]:
    return st.lists(_PICK, min_size=min(min_size, max_size), max_size=max_size).map(tuple)


# -- expressions: trees of choices, rendered against the names in scope --------


@dataclass(frozen=True)
class _Pools:
    """What an expression may mention, by type."""

    bools: tuple[str, ...]
    numbers: tuple[str, ...]
    dates: tuple[str, ...]  # date-valued terms: "signing.date", date questions
    first_day: dt.date
    span: int  # days from first_day to the horizon
    #: Categorical nodes (format 3) and their outcomes: a name leaf that picks one
    #: may test its outcome (``x == l``, ``x != l``, ``in(x, l, m)``).
    levels: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: Where the numbers compared with a numeric term lie, by term: ``(centre,
    #: scale)``, the number ``centre + scale * x`` for a drawn ``x`` in [-3, 3]
    #: (``(0, 1)`` for drivers; ``(0, span / 3)`` for days between dates; half the
    #: terms of a count and a sixth of them; an attribute's median and half the width
    #: of its 10-90% range, so comparisons go either way).
    scales: tuple[tuple[float, float], ...] = ()
    #: Whether each numeric term takes whole numbers only (days between dates, counts):
    #: it is compared with whole numbers (``-1.25`` days is never met; review-testing27).
    whole: tuple[bool, ...] = ()


# Leaves: ("name", i, t) | ("lit", b) | ("date", i, op, day) | ("num", i, op, x)
#         | ("count", (i, ...), op, k)
# Nodes:  ("not", e) | ("and" | "or", (e, ...)) | ("any" | "all", (e, ...))
#         | ("at_least" | "at_most" | "exactly", (e, ...), k) | ("==" | "!=", e, e)
_OPS = st.sampled_from(_CMP_OPS)
_EXPR_LEAVES = st.one_of(
    st.tuples(st.just("name"), _PICK, st.integers(0, 15)),  # (a name, its outcome test)
    st.tuples(st.just("date"), _PICK, _OPS, st.integers(-3, _MAX_SPAN + 3)),
    st.tuples(st.just("num"), _PICK, _OPS, st.integers(-300, 300)),
    st.tuples(st.just("count"), st.lists(_PICK, min_size=1, max_size=4).map(tuple), _OPS,
              st.integers(0, 4)),
    st.tuples(st.just("lit"), st.booleans()),
)


def _extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    several = st.lists(children, min_size=2, max_size=3).map(tuple)
    some = st.lists(children, min_size=1, max_size=3).map(tuple)
    return st.one_of(
        st.tuples(st.just("not"), children),
        st.tuples(st.sampled_from(["and", "or"]), several),
        st.tuples(st.sampled_from(["any", "all"]), some),
        st.tuples(st.sampled_from(["at_least", "at_most", "exactly"]), some, st.integers(0, 3)),
        st.tuples(st.sampled_from(["==", "!="]), children, children),
    )


_EXPR_TREES = st.recursive(_EXPR_LEAVES, _extend, max_leaves=6)
_COUNT_TREES = st.lists(_PICK, min_size=1, max_size=4).map(tuple)


def _pick(pool: Sequence[str], i: int) -> str:
    return pool[i % len(pool)]


def _render(tree: Any, pools: _Pools) -> str:
    """Text of a true/false expression; leaves whose pool is empty fall back to
    a name, and a name with no true/false names in scope to a literal."""
    kind = tree[0]
    if kind == "date" and pools.dates:
        # from 3 days before as_of to the horizon (a later date cannot be answered)
        day = pools.first_day + dt.timedelta(days=tree[3] % (pools.span + 4) - 3)
        return f"{_pick(pools.dates, tree[1])} {tree[2]} {day.isoformat()}"
    if kind == "num" and pools.numbers:
        i = tree[1] % len(pools.numbers)
        centre, scale = pools.scales[i] if i < len(pools.scales) else (0.0, 1.0)
        value = centre + scale * tree[3] / 100
        shown = f"{round(value)}" if i < len(pools.whole) and pools.whole[i] else f"{value:.6g}"
        return f"{pools.numbers[i]} {tree[2]} {shown}"
    if kind == "count" and pools.bools:
        return f"{_count(tree[1], pools)} {tree[2]} {tree[3]}"
    if kind in ("name", "date", "num", "count"):
        i = tree[1] if isinstance(tree[1], int) else tree[1][0]
        if pools.bools and pools.levels:
            # a name's own draw picks its outcome test (before, the test came from the pick
            # past the pool's length: with 50 names, never != or in(): review-tester17)
            j = tree[2] if kind == "name" and len(tree) > 2 else i // len(pools.bools)
            return _outcome_test(_pick(pools.bools, i), j, pools)
        return _pick(pools.bools, i) if pools.bools else ("true" if i % 2 else "false")
    if kind == "lit":
        return "true" if tree[1] else "false"
    if kind == "not":
        return f"not ({_render(tree[1], pools)})"
    if kind in ("and", "or"):
        return f" {kind} ".join(f"({_render(e, pools)})" for e in tree[1])
    if kind in ("any", "all"):
        return f"{kind}({', '.join(_render(e, pools) for e in tree[1])})"
    if kind in ("at_least", "at_most", "exactly"):
        args = [_render(e, pools) for e in tree[1]]
        k = tree[2] if kind == "at_most" else min(tree[2], len(args))  # k > len is an error
        return f"{kind}({k}, {', '.join(args)})"
    left, right = _render(tree[1], pools), _render(tree[2], pools)
    levels = dict(pools.levels)
    if left in levels or right in levels:  # 'x == y' with x categorical tests an outcome
        left, right = (f"{x} == {levels[x][-1]}" if x in levels else x for x in (left, right))
    return f"({left}) {kind} ({right})"


def _outcome_test(name: str, j: int, pools: _Pools) -> str:
    """``name``, or for a categorical node (the ``j``-th choice) a test of its outcome."""
    levels = dict(pools.levels).get(name)
    if levels is None or j % 4 == 0:
        return name
    a, b = levels[(j // 4) % len(levels)], levels[(j // 4 + 1) % len(levels)]
    return f"{name} == {a}" if j % 4 == 1 else f"{name} != {a}" if j % 4 == 2 else \
        f"in({name}, {a}, {b})" if a != b else f"in({name}, {a})"


def _count(picks: Sequence[int], pools: _Pools) -> str:
    return f"count({', '.join(_pick(pools.bools, i) for i in picks)})"


# -- scenarios -------------------------------------------------------------------
# A scenario is drawn as a list of independent node *seeds*. Parents are
# positions resolved against the nodes drawn before (modulo their number), so
# the scenario is acyclic and deleting any seed leaves the others valid.


@dataclass(frozen=True)
class _Config:
    min_nodes: int
    max_nodes: int
    allow_drivers: bool
    allow_timing: bool
    allow_uncertain: bool
    allow_gates: bool
    allow_questions: bool
    max_parents: int
    dated: bool = False
    categorical: bool = False
    attributes: bool = False


@dataclass(frozen=True)
class _NodeSeed:
    kind: str  # "event", "pillar" or "clause" (a clause with no pillar before is a pillar)
    name: str
    pillar: int  # position among the pillars drawn before (for a clause)
    given: tuple[int, ...]  # positions among the binary nodes drawn before
    odds: tuple[int, ...]  # binary odds parents, ditto
    driver_odds: tuple[int, ...]  # positions among the drivers
    requires: tuple[int, ...]
    excludes: tuple[int, ...]
    leaves: tuple[Any, ...]  # p specs: one for p, 2**len(given) for a table
    factors: tuple[float, ...]  # odds factors of the binary odds parents
    driver_factors: tuple[float, ...]
    label: str | None
    source: bool


@st.composite
def _node_seed(draw: st.DrawFn, cfg: _Config) -> _NodeSeed:
    # structure
    kind = draw(st.sampled_from(["event", "pillar", "clause"]))
    name = draw(_NAMES)
    pillar = draw(_PICK)
    table = cfg.max_parents > 0 and draw(st.booleans())
    given = draw(_picks(min(cfg.max_parents, _MAX_GIVEN), 1)) if table else ()
    odds = draw(_picks(min(cfg.max_parents, _MAX_ODDS)))
    driver_odds = draw(_picks(_MAX_ODDS)) if cfg.allow_drivers else ()
    requires = draw(_picks(_MAX_GATES)) if cfg.allow_gates else ()
    excludes = draw(_picks(_MAX_GATES)) if cfg.allow_gates else ()
    # numbers
    n_leaves = 1 << len(given)
    p_specs = _UNCERTAIN_P if cfg.allow_uncertain else _PROBABILITIES
    leaves = draw(st.lists(p_specs, min_size=n_leaves, max_size=n_leaves))
    factors = draw(st.lists(_BINARY_FACTORS, min_size=len(odds), max_size=len(odds)))
    driver_factors = draw(st.lists(_DRIVER_FACTORS, min_size=len(driver_odds),
                                   max_size=len(driver_odds)))
    label = draw(_LABELS)
    source = draw(st.booleans())
    return _NodeSeed(kind, name, pillar, given, odds, driver_odds, requires, excludes,
                     tuple(leaves), tuple(factors), tuple(driver_factors), label, source)


def _resolve(picks: Sequence[int], pool: Sequence[str]) -> list[str]:
    """Positions in ``pool`` (modulo its size), without repeats, in pick order."""
    if not pool:
        return []
    return list(dict.fromkeys(_pick(pool, i) for i in picks))


def _nest(given: Sequence[str], leaves: Sequence[Any]) -> Any:
    """Nested true/false table in the order of ``given``; ``leaves`` in the row
    order of ``itertools.product((False, True), repeat=len(given))``."""
    if not given:
        return leaves[0]
    half = len(leaves) // 2
    return {True: _nest(given[1:], leaves[half:]), False: _nest(given[1:], leaves[:half])}


class _Namer:
    """Keeps names unique across drivers, nodes and questions."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, name: str) -> str:
        out, k = name, 1
        while out in self.used:
            k += 1
            out = f"{name}_{k}"
        self.used.add(out)
        return out


def _node_spec(seed: _NodeSeed, earlier: Sequence[str], drivers: Sequence[str],
               max_parents: int, with_sources: bool) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    given = _resolve(seed.given, earlier)
    if given:
        spec["given"] = given
        spec["table"] = _nest(given, seed.leaves[: 1 << len(given)])
    else:
        spec["p"] = seed.leaves[0]
    odds: dict[str, float] = {}
    table_parents = list(given)
    for parent, factor in zip(_resolve(seed.odds, earlier), seed.factors, strict=False):
        if parent in table_parents or len(table_parents) < max_parents:
            odds[parent] = factor
            table_parents.append(parent)
    for driver, factor in zip(_resolve(seed.driver_odds, drivers), seed.driver_factors,
                              strict=False):
        odds[driver] = factor
    if odds:
        spec["odds"] = odds
    requires = _resolve(seed.requires, earlier)
    excludes = [x for x in _resolve(seed.excludes, earlier) if x not in requires]
    if requires:
        spec["requires"] = requires
    if excludes:
        spec["excludes"] = excludes
    if seed.label is not None:
        spec["label"] = seed.label
    if seed.source and with_sources:
        spec["source"] = "src"
    return spec


@st.composite
def _questions(draw: st.DrawFn, pools: _Pools, namer: _Namer,
               dated: Sequence[str] = ()) -> dict[str, Any]:
    """Up to four questions; with ``dated`` nodes (format 2) a date question is the date
    of one of them and a number question may be the days between two."""
    questions: dict[str, Any] = {}
    for _ in range(_MAX_QUESTIONS):
        if not draw(st.booleans()):
            break
        qtype = draw(st.sampled_from(["bool", "bool", "number", "date"]))
        qname = namer(draw(_NAMES))
        if qtype == "date" and pools.dates:
            text = f"{draw(st.sampled_from(list(dated)))}.date" if dated else "signing.date"
            pools = replace(pools, dates=(*pools.dates, qname))
        elif qtype == "number":
            if len(dated) >= 2 and draw(st.booleans()):
                a, b = draw(st.lists(st.sampled_from(list(dated)), min_size=2, max_size=2,
                                     unique=True))
                text = f"{a}.date - {b}.date"
            else:
                text = _count(draw(_COUNT_TREES), pools)
            pools = replace(pools, numbers=(*pools.numbers, qname))
        else:
            text = _render(draw(_EXPR_TREES), pools)
            pools = replace(pools, bools=(*pools.bools, qname))
        label = draw(_LABELS)
        questions[qname] = text if label is None else {"expr": text, "label": label}
    return questions


# -- format 2: dated events, milestones, per-row curves, hazard ratios, conditions -----


@dataclass
class _Time:
    """What a format-2 node may refer to: the nodes drawn before it."""

    as_of: dt.date
    span: int
    binary: list[str]  # binary nodes so far (generation order)
    dated: list[str]  # dated nodes so far
    drivers: list[str]
    uncertain: bool
    max_parents: int
    v2: bool = False  # a format-2 key has been written


@st.composite
def _curve(draw: st.DrawFn, t: _Time) -> dict[dt.date, Any]:
    """A ``by`` curve: 1 to 4 dates in (as_of, horizon], non-decreasing values. Where
    uncertain probabilities are allowed, about half the curves have uncertain points
    (:func:`_uncertain_points`; the curve uses their means)."""
    n = draw(st.integers(1, min(_MAX_BY_POINTS, t.span)))
    days = sorted(draw(st.lists(st.integers(1, t.span), min_size=n, max_size=n, unique=True)))
    dates = [t.as_of + dt.timedelta(days=d) for d in days]
    if t.uncertain and draw(st.booleans()):
        points = draw(_uncertain_points(n))
        t.v2 = t.v2 or any(isinstance(v, dict) for v in points)  # uncertain: format 2
        return dict(zip(dates, points, strict=False))
    values = sorted(draw(st.lists(_PROBABILITIES, min_size=n, max_size=n)))
    return dict(zip(dates, values, strict=True))


@st.composite
def _uncertain_points(draw: st.DrawFn, n: int) -> list[Any]:
    """Up to ``n`` points of a curve, each plain, a ``between`` or (the first) a
    ``beta``, whose 90% ranges do not cross and whose means do not decrease, as format 2
    requires: every draw of the points keeps the curve monotone. Fewer than ``n`` when a
    point's range reaches 1 (nothing can follow it); at least one."""
    from scipy import special

    points: list[Any] = []
    floor = 0  # thousandths: where the next point's range may start
    if draw(st.booleans()):
        a, b = draw(_BETA_SHAPES), draw(_BETA_SHAPES)
        points.append({"beta": [a, b]})
        top = max(float(special.betaincinv(a, b, 0.95)), a / (a + b))
        floor = math.floor(top * 1000) + 1  # strictly above, whatever the rounding
    while len(points) < n and floor <= 1000:
        if floor <= 989 and draw(st.booleans()):
            lo = draw(st.integers(max(floor, 1), 989))
            hi = draw(st.integers(lo + 10, 999))
            points.append({"between": [lo / 1000, hi / 1000]})
            floor = hi
        else:
            value = draw(st.integers(floor, 1000))
            points.append(value / 1000)
            floor = value
    return points


@st.composite
def _condition(draw: st.DrawFn, t: _Time) -> str | None:
    """A condition over earlier nodes, used as a parent: a date against a date, days
    between two dates, a driver against a number, or ``not`` a binary node."""
    kinds = (["date"] if t.dated else []) + (["diff"] if len(t.dated) >= 2 else []) \
        + (["driver"] if t.drivers else []) + (["not"] if t.binary else [])
    if not kinds or t.max_parents == 0:
        return None
    kind = draw(st.sampled_from(kinds))
    op = draw(_OPS)
    if kind == "date":
        day = t.as_of + dt.timedelta(days=draw(st.integers(-3, t.span)))
        return f"{draw(st.sampled_from(t.dated))}.date {op} {day.isoformat()}"
    if kind == "diff":
        a, b = draw(st.lists(st.sampled_from(t.dated), min_size=2, max_size=2, unique=True))
        return f"{a}.date - {b}.date {op} {draw(st.integers(-90, 90))}"
    if kind == "driver":
        return f"{draw(st.sampled_from(t.drivers))} {op} {draw(st.integers(-200, 200)) / 100:g}"
    return f"not {draw(st.sampled_from(t.binary))}"


@st.composite
def _hazard(draw: st.DrawFn, t: _Time, condition: str | None) -> dict[str, float]:
    """Hazard ratios on up to two earlier binary nodes, a driver and a condition."""
    out: dict[str, float] = {}
    if t.binary and t.max_parents > 0:
        for name in draw(st.lists(st.sampled_from(t.binary),
                                  max_size=min(_MAX_ODDS, t.max_parents), unique=True)):
            out[name] = draw(_BINARY_FACTORS)
    with_driver: bool = bool(t.drivers) and draw(st.booleans())
    if with_driver:
        out[draw(st.sampled_from(t.drivers))] = draw(_DRIVER_FACTORS)
    if condition is not None:
        out[condition] = draw(_BINARY_FACTORS)
    return out


@st.composite
def _timing(draw: st.DrawFn, t: _Time, *, events: bool = True) -> dict[str, Any]:
    """Curve timing: ``by``, or ``given`` + a table of ``{by: ...}`` curves (per-row
    curves over earlier binary nodes and perhaps a condition), and ``hazard_ratio``.
    ``events=False`` (the signing) keeps the parents to binary nodes and conditions."""
    cond = draw(_condition(t)) if draw(st.booleans()) else None
    cond_in_given = cond is not None and draw(st.booleans())
    given: list[str] = []
    if t.binary and t.max_parents > 0 and draw(st.booleans()):
        given = draw(st.lists(st.sampled_from(t.binary), min_size=1,
                              max_size=min(2, t.max_parents), unique=True))
    if cond_in_given and cond is not None:
        given = [cond, *given]
    spec: dict[str, Any] = {}
    if given:
        leaves = [{"by": draw(_curve(t))} for _ in range(1 << len(given))]
        spec["given"], spec["table"] = given, _nest(given, leaves)
    else:
        spec["by"] = draw(_curve(t))
    hazard = draw(_hazard(t, None if cond_in_given else cond))
    if hazard:
        spec["hazard_ratio"] = hazard
    t.v2 = t.v2 or bool(given or hazard) or events
    return spec


@st.composite
def _milestone(draw: st.DrawFn, t: _Time) -> dict[str, Any]:
    """``after`` (one name, all, any or at_least k of up to three earlier dated nodes) and
    ``delay`` (fixed, a ``between`` or ``median``/``p90`` lognormal, or a ``by`` curve of
    days), with ``hazard_ratio`` on a delay that is not fixed."""
    mode = draw(st.sampled_from(["one", "all", "any", "at_least"]))
    names = draw(st.lists(st.sampled_from(t.dated), min_size=1 if mode == "one" else min(
        2, len(t.dated)), max_size=1 if mode == "one" else 3, unique=True))
    # at_least k of n names with k < n where n >= 2 (k = n is `all`, drawn as such)
    after: Any = names[0] if mode == "one" else (
        {"at_least": draw(st.integers(1, max(len(names) - 1, 1))), "of": names}
        if mode == "at_least" else {mode: names})
    kind = draw(st.sampled_from(["fixed", "between", "median", "by"]))
    delay: Any
    if kind == "fixed":
        delay = draw(st.integers(0, min(t.span, 200)))
    elif kind == "between":
        lo = draw(st.integers(1, 200))
        delay = {"between": [lo, lo + draw(st.integers(1, 300))]}
    elif kind == "median":
        m = draw(st.integers(1, 200))
        delay = {"median": m, "p90": m + draw(st.integers(1, 300))}
    else:
        n = draw(st.integers(1, 3))
        days = sorted(draw(st.lists(st.integers(1, 400), min_size=n, max_size=n, unique=True)))
        values = sorted(draw(st.lists(_PROBABILITIES, min_size=n, max_size=n)))
        delay = {"by": dict(zip(days, values, strict=True))}
    spec: dict[str, Any] = {"after": after, "delay": delay}
    if kind != "fixed":
        cond = draw(_condition(t)) if draw(st.booleans()) else None
        hazard = draw(_hazard(t, cond))
        if hazard:
            spec["hazard_ratio"] = hazard
    t.v2 = True
    return spec


@st.composite
def _with_condition(draw: st.DrawFn, spec: dict[str, Any], t: _Time,
                    p_specs: st.SearchStrategy[Any]) -> dict[str, Any]:
    """Perhaps make a condition a parent of a node's chance: the first ``given`` of its
    table (new rows for it true) or an ``odds`` key."""
    if not draw(st.booleans()):
        return spec
    cond = draw(_condition(t))
    if cond is None:
        return spec
    if draw(st.booleans()):
        spec["odds"] = {**spec.get("odds", {}), cond: draw(_BINARY_FACTORS)}
    else:
        given = spec.pop("given", [])
        old = spec.pop("table") if given else spec.pop("p", 1.0)
        rows = draw(st.lists(p_specs, min_size=1 << len(given), max_size=1 << len(given)))
        spec["given"] = [cond, *given]
        spec["table"] = {False: old, True: _nest(given, rows)}
    t.v2 = True
    return spec


_UNDATED_KEYS = ("p", "given", "table", "odds")


# -- format 3: categorical nodes -------------------------------------------------

_OUTCOME_NAMES = ("generic", "named", "treaty", "programme", "statement", "high")
#: Most parents of a table that has a categorical parent or is categorical (each
#: categorical parent multiplies its rows by its number of outcomes).
_MAX_CAT_GIVEN = 2


@st.composite
def _level_probs(draw: st.DrawFn, levels: Sequence[str]) -> dict[str, float]:
    """Hundredths summing to 1 over ``levels`` (some may be 0)."""
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=len(levels) - 1,
                                max_size=len(levels) - 1)))
    bounds = [0, *cuts, 100]
    return {x: (hi - lo) / 100 for x, lo, hi in zip(levels, bounds, bounds[1:], strict=False)}


def _nest_keys(keys: Sequence[Sequence[Any]], leaves: Any) -> Any:
    """A nested table with ``keys[i]`` at depth i, leaves taken in order from an iterator."""
    if not keys:
        return next(leaves)
    return {k: _nest_keys(keys[1:], leaves) for k in keys[0]}


@st.composite
def _outcome_condition(draw: st.DrawFn, name: str, levels: Sequence[str]) -> str:
    """A condition on a categorical node's outcome: ``==``, ``!=`` or ``in(...)``."""
    op = draw(st.sampled_from(["==", "!=", "in"]))
    if op == "in":
        some = draw(st.lists(st.sampled_from(list(levels)), min_size=1, max_size=2, unique=True))
        return f"in({name}, {', '.join(some)})"
    return f"{name} {op} {draw(st.sampled_from(list(levels)))}"


@st.composite
def _categorical(draw: st.DrawFn, spec: dict[str, Any], gated: bool,
                 cats: dict[str, tuple[str, ...]], p_specs: st.SearchStrategy[Any]
                 ) -> tuple[dict[str, Any], tuple[str, ...] | None]:
    """Format 3 for one node drawn as binary: perhaps make it categorical (levels as
    ``{outcome: p}``, or a list and a table of them over its parents), give its table
    outcome keys for categorical parents, and turn gates on categorical nodes into tests
    of their outcomes. A dated node stays binary: a milestone's chance may have outcome
    keys, a table of curves tests an outcome where it had a categorical parent. Returns
    the spec and, when categorical, its outcomes (``absent`` first when written or
    ``gated``)."""
    for key in ("requires", "excludes"):
        if key in spec:
            spec[key] = [draw(_outcome_condition(g, cats[g])) if g in cats and draw(
                st.booleans()) else g for g in spec[key]]
    gated = gated or bool(spec.get("requires") or spec.get("excludes"))
    given = list(spec.get("given", []))
    milestone = "after" in spec
    if not milestone and (any(k in spec for k in ("by", "hazard_ratio")) or (
            "table" in spec and _curve_leaf(spec["table"], len(given)))):
        # a dated event stays binary; a table of curves takes true/false parents only
        if any(g in cats for g in given):
            spec["given"] = [f"{g} == {cats[g][-1]}" if g in cats else g for g in given]
        return spec, None
    # a milestone stays binary too, but its chance may be a table over outcomes
    make = not milestone and draw(st.booleans())
    if not make and not any(g in cats for g in given):
        return spec, None
    given = given[:_MAX_CAT_GIVEN]
    keys: list[tuple[Any, ...]] = [cats.get(g, (True, False)) for g in given]
    rows = 1
    for k in keys:
        rows *= len(k)
    if not make:  # a binary node over a categorical parent: outcome keys
        spec["given"] = given
        spec["table"] = _nest_keys(keys, iter(draw(st.lists(p_specs, min_size=rows,
                                                            max_size=rows))))
        return spec, None
    named = draw(st.lists(st.sampled_from(_OUTCOME_NAMES), min_size=1, max_size=3, unique=True))
    absent = "odds" in spec or len(named) == 1 or draw(st.booleans())
    levels = (["absent"] if absent else []) + named
    spec.pop("p", None)
    if given:
        leaves = [{k: v for k, v in draw(_level_probs(levels)).items() if v > 0}
                  for _ in range(rows)]
        spec["levels"], spec["given"] = levels, given
        spec["table"] = _nest_keys(keys, iter(leaves))
    else:
        spec.pop("given", None)
        spec.pop("table", None)
        spec["levels"] = draw(_level_probs(levels))
    return spec, (("absent",) if absent or gated else ()) + tuple(named)


# -- format 3: numeric attributes ------------------------------------------------

_MAX_ATTRIBUTES = 2
_MAX_ATTRIBUTE_QUESTIONS = 3
#: Halves from 0 to 50: whole numbers and ties of ``round: true`` (half to even).
_HALVES = st.integers(0, 100).map(lambda k: k / 2)


@st.composite
def _quantity(draw: st.DrawFn) -> Any:
    """A quantity distribution as a file writes it, over numbers from about 0 to 100."""
    kind = draw(st.sampled_from(["fixed", "normal", "uniform", "lognormal", "values"]))
    return draw(_law(kind))


@st.composite
def _law(draw: st.DrawFn, kind: str) -> Any:
    """A quantity distribution of one kind (``fixed``, ``normal``, ``uniform``,
    ``lognormal`` or ``values``)."""
    if kind == "fixed":
        return draw(_HALVES)
    if kind == "normal":
        return {"normal": {"mean": draw(_HALVES), "sd": draw(st.integers(1, 15))}}
    if kind == "uniform":
        low = draw(_HALVES)
        return {"uniform": {"low": low, "high": low + draw(st.integers(1, 30))}}
    if kind == "lognormal":
        median = draw(st.integers(1, 50))
        return {"lognormal": {"median": median, "p90": median + draw(st.integers(1, 40))}}
    vals = draw(st.lists(_HALVES, min_size=1, max_size=3, unique=True))
    probs = draw(_level_probs([str(v) for v in vals]))
    return {"values": {v: probs[str(v)] for v in vals}}


@st.composite
def _attribute(draw: st.DrawFn, order: Sequence[str], cats: dict[str, tuple[str, ...]],
               gates: bool) -> dict[str, Any]:
    """One attribute: ``dist``, or ``given`` (one or two earlier nodes, binary or
    categorical) + a table of distributions; perhaps ``round``; perhaps gates (names,
    or tests of a categorical node's outcome)."""
    spec: dict[str, Any] = {}
    given: list[str] = []
    if len(order) > 0 and draw(st.booleans()):
        given = draw(st.lists(st.sampled_from(list(order)), min_size=1, max_size=2,
                              unique=True))
    if given:
        keys: list[tuple[Any, ...]] = [cats.get(g, (True, False)) for g in given]
        rows = 1
        for k in keys:
            rows *= len(k)
        spec["given"] = given
        spec["table"] = _nest_keys(keys, iter(draw(st.lists(_quantity(), min_size=rows,
                                                            max_size=rows))))
    else:
        spec["dist"] = draw(_quantity())
    if draw(st.booleans()):
        spec["round"] = True
    if gates and order:
        required: str | None = None  # the node a requires names (perhaps as an outcome test)
        for key in ("requires", "excludes"):
            if not draw(st.booleans()):
                continue
            g = draw(st.sampled_from(list(order)))
            if key == "excludes" and g == required:
                continue  # never the same node both ways: "x == a" both would never hold
            if key == "requires":
                required = g
            spec[key] = [draw(_outcome_condition(g, cats[g])) if g in cats and draw(
                st.booleans()) else g]
    return spec


@st.composite
def _attribute_question(draw: st.DrawFn, attrs: Sequence[str], bools: Sequence[str]) -> str:
    """A question about an attribute: the attribute itself (a number), a comparison with
    a constant, or such a comparison combined with a node (``and``, ``or``, ``not``)."""
    a = draw(st.sampled_from(list(attrs)))
    form = draw(st.sampled_from(["cmp", "cmp", "not", "and", "or", "value"]))
    if form == "value":
        return a
    const = draw(_HALVES)
    cmp = f"{a} {draw(_OPS)} {const:g}" if draw(st.integers(0, 3)) else \
        f"{const:g} {draw(_OPS)} {a}"
    if form == "not":
        return f"not ({cmp})"
    if form in ("and", "or") and bools:
        return f"({cmp}) {form} {draw(st.sampled_from(list(bools)))}"
    return cmp


@st.composite
def _scenario_data(draw: st.DrawFn, cfg: _Config) -> dict[str, Any]:
    has_signing = cfg.allow_timing and cfg.max_nodes >= 1 and draw(st.booleans())
    n_signing = int(has_signing)
    driver_seeds = (draw(st.lists(st.tuples(_NAMES, _DRIVER_SPECS), max_size=_MAX_DRIVERS))
                    if cfg.allow_drivers else [])
    seeds = draw(st.lists(_node_seed(cfg), min_size=max(cfg.min_nodes - n_signing, 0),
                          max_size=cfg.max_nodes - n_signing))
    span = draw(st.integers(1, _MAX_SPAN))
    as_of = _FIRST_AS_OF + dt.timedelta(days=draw(st.integers(0, 10 * 365)))
    horizon = as_of + dt.timedelta(days=span)
    with_sources = draw(st.booleans())

    namer = _Namer()
    data: dict[str, Any] = {"pactsim": 1, "id": draw(_IDS), "as_of": as_of, "horizon": horizon}
    if with_sources:
        data["title"] = draw(_TEXT)
        data["description"] = draw(_TEXT)
        data["sources"] = {"src": draw(_TEXT)}
    drivers = [namer(name) for name, _ in driver_seeds]
    if drivers:
        data["drivers"] = {name: spec for name, (_, spec) in zip(drivers, driver_seeds,
                                                                  strict=True)}
    # Nodes in generation order, a topological order: each depends only on
    # nodes before it. Signing has no parents in format 1, so it goes first; in
    # format 2 it may come after some events (which its curves depend on).
    order: list[str] = []
    t = _Time(as_of, span, order, [], drivers, cfg.allow_uncertain, cfg.max_parents)
    # (last half the time, after every event: a milestone signing needs dated nodes before
    # it, and at a uniform place 300 examples could hold none; review-tester17)
    signing_at = draw(st.one_of(st.just(len(seeds)), st.integers(0, len(seeds)))) \
        if cfg.dated and has_signing else 0

    def add_signing() -> None:
        if cfg.dated and t.dated and draw(st.booleans()):
            # a milestone after earlier dated nodes, with a chance of ever happening
            spec: dict[str, Any] = {"p": draw(p_specs)} if draw(st.booleans()) else {}
            data["signing"] = draw(_with_condition(spec, t, p_specs)) | draw(_milestone(t))
        elif cfg.dated:
            data["signing"] = draw(_timing(t, events=False))
            given = data["signing"].get("given", [])
            if any(g in cats for g in given):  # curves take true/false parents: an outcome
                data["signing"]["given"] = [f"{g} == {cats[g][-1]}" if g in cats else g
                                            for g in given]
        else:
            days = sorted(draw(st.lists(st.integers(1, span), min_size=1,
                                        max_size=min(_MAX_BY_POINTS, span), unique=True)))
            values = sorted(draw(st.lists(_PROBABILITIES, min_size=len(days),
                                          max_size=len(days))))
            data["signing"] = {"by": {as_of + dt.timedelta(days=d): v
                                      for d, v in zip(days, values, strict=True)}}
        order.append("signing")
        t.dated.append("signing")

    events: dict[str, Any] = {}
    pillars: dict[str, dict[str, Any]] = {}
    clauses: dict[str, dict[str, Any]] = {}
    cats: dict[str, tuple[str, ...]] = {}  # categorical nodes so far -> their outcomes
    p_specs = _UNCERTAIN_P if cfg.allow_uncertain else _PROBABILITIES
    for i, seed in enumerate(seeds):
        if has_signing and i == signing_at:
            add_signing()
        name = namer(seed.name)
        spec = _node_spec(seed, order, drivers, cfg.max_parents, with_sources)
        # before the signing (format 2) every node is an event: a pillar there would
        # depend on the signing that depends on it
        kind = "event" if has_signing and i < signing_at else seed.kind
        if cfg.dated and kind == "event":
            timing = draw(st.sampled_from(["plain", "curve", "milestone", "milestone"]))
            if timing == "curve":
                spec = {k: v for k, v in spec.items() if k not in _UNDATED_KEYS}
                spec |= draw(_timing(t))
                t.dated.append(name)
            elif timing == "milestone" and t.dated:
                if draw(st.booleans()):  # p: 1, the default
                    spec.pop("p", None)
                spec = draw(_with_condition(spec, t, p_specs)) | draw(_milestone(t))
                t.dated.append(name)
            else:
                spec = draw(_with_condition(spec, t, p_specs))
        elif cfg.dated:
            spec = draw(_with_condition(spec, t, p_specs))
        if cfg.categorical:
            real = kind if kind == "event" or (kind == "clause" and pillars) else "pillar"
            spec, levels = draw(_categorical(
                spec, real == "clause" or (real == "pillar" and has_signing), cats, p_specs))
            if levels is not None:
                cats[name] = levels
        if kind == "event":
            events[name] = spec
        elif kind == "clause" and pillars:
            clauses[_pick(list(pillars), seed.pillar)][name] = spec
        else:
            pillars[name], clauses[name] = spec, {}
        order.append(name)
    if has_signing and signing_at >= len(seeds):
        add_signing()
    if t.v2:
        data["pactsim"] = 2
    if cats:
        data["pactsim"] = 3
    if events:
        data["events"] = events
    if pillars:
        data["pillars"] = {name: spec | ({"clauses": clauses[name]} if clauses[name] else {})
                           for name, spec in pillars.items()}
    attributes: dict[str, Any] = {}
    if cfg.attributes:  # drawn only when asked: other examples stay as they were
        for _ in range(draw(st.integers(0 if cats else 1, _MAX_ATTRIBUTES))):
            attributes[namer(draw(_NAMES))] = draw(_attribute(order, cats, cfg.allow_gates))
        if attributes:
            data["pactsim"] = 3
            data["attributes"] = attributes
    if cfg.allow_questions and order:
        dated = t.dated if t.v2 else []
        diffs = tuple(f"{a}.date - {b}.date" for a, b in itertools.pairwise(dated))
        numbers = tuple(drivers) + diffs[:2]
        pools = _Pools(bools=tuple(order), numbers=numbers,
                       dates=tuple(f"{d}.date" for d in dated) if dated
                       else ("signing.date",) if has_signing else (),
                       first_day=as_of, span=span, levels=tuple(cats.items()))
        questions = draw(_questions(pools, namer, dated))
        if questions:
            data["questions"] = questions
    if attributes and cfg.allow_questions:
        extra = draw(st.lists(_attribute_question(list(attributes), order), min_size=1,
                              max_size=_MAX_ATTRIBUTE_QUESTIONS))
        questions = data.setdefault("questions", {})
        for text in extra:
            questions[namer(draw(_NAMES))] = text
    return data


def scenarios(
    *,
    min_nodes: int = 1,
    max_nodes: int = 10,
    allow_drivers: bool = True,
    allow_timing: bool = True,
    allow_uncertain: bool = True,
    allow_gates: bool = True,
    allow_questions: bool = True,
    max_parents: int = 3,
    dated: bool = False,
    categorical: bool = False,
    attributes: bool = False,
) -> st.SearchStrategy[Scenario]:
    """Generate valid scenarios: format 1, with ``dated=True`` format 2 (time), with
    ``categorical=True`` format 3 (categorical outcomes) when a node has levels, with
    ``attributes=True`` format 3 (numeric attributes) when one is drawn.

    Each example is built as plain data and validated by
    :func:`pactsim.language.io.from_dict`, so it passes every check a scenario file
    passes. It is acyclic by construction: nodes are drawn in a topological
    order and depend only on nodes drawn before them, in any section — an
    event may depend on a clause, a pillar on an event. In format 1
    ``signing`` comes first; in format 2 it may come after some events (its
    possible parents), which are then events whatever their seed said.

    Parameters
    ----------
    min_nodes, max_nodes:
        Bounds on the number of *binary* nodes (events, ``signing``, pillars
        and clauses). Up to 2 drivers and up to 4 questions come on top.
    allow_drivers:
        Whether to generate continuous drivers (``normal`` or ``uniform``),
        ``odds`` on them, and comparisons of drivers in questions.
    allow_timing:
        Whether a ``signing`` node with ``by`` points may appear (and
        ``signing.date`` in questions). With ``False`` no example has one.
    allow_uncertain:
        Whether probabilities may be ``{beta: [a, b]}`` or
        ``{between: [lo, hi]}`` rather than plain numbers.
    allow_gates:
        Whether nodes may have ``requires`` / ``excludes`` (never naming the
        same node in both, which validation rejects). The implicit gates
        (a pillar requires ``signing``, a clause its pillar) are always there.
    allow_questions:
        Whether to generate ``questions``: true/false expressions (``and``,
        ``or``, ``not``, ``any``, ``all``, ``at_least``, ``at_most``,
        ``exactly``, ``count(...)`` comparisons, ``==``/``!=`` between
        conditions, date and driver comparisons), ``count(...)`` numbers and
        ``signing.date`` dates. Later questions may use earlier ones.
    max_parents:
        Most binary parents in each list that holds them, counted list by
        list: a node's ``given`` nodes (at most 3) and the binary nodes named
        in its ``odds`` (at most 2); with ``dated``, also a curve table's
        binary ``given`` (at most 2) and the binary nodes of a
        ``hazard_ratio`` (at most 2). A condition used as a parent (a
        ``given`` entry or an ``odds``/``hazard_ratio`` key) may come on top
        of either list. Gates are not counted. With 0 there are no tables,
        no binary odds, no per-row curves, no binary hazard ratios and no
        conditions as parents.
    dated:
        Whether format-2 constructs may appear (default ``False``: format 1
        only, the examples of earlier versions). Then each event is one of
        an undated event, a *dated event* (a ``by`` curve, or ``given`` +
        a table of ``{by: ...}`` curves over up to two earlier binary nodes
        and perhaps a condition, with ``hazard_ratio`` on earlier binary
        nodes, a driver or a condition, and its gates), or a *milestone*
        (``after`` one earlier dated node, ``{all: [...]}``, ``{any: [...]}``
        or ``{at_least: k, of: [...]}`` (``k`` below their number where there
        are two or more) of up to three; ``delay`` fixed,
        ``{between: [lo, hi]}``, ``{median: m, p90: q}`` or a ``{by: {days:
        p}}`` curve; a chance of ever happening from ``p`` (or the default
        1), ``given`` + ``table`` and ``odds``; ``hazard_ratio`` on a delay
        that is not fixed). ``signing`` gets a curve or per-row curves over
        earlier events, and hazard ratios, or (when an earlier node is dated)
        is a milestone itself. Any node's chance may take a
        *condition* as a parent (the first ``given`` of its table or an
        ``odds`` key): a dated node's ``.date`` against a date, the days
        between two dates against a number, a driver against a number, or
        ``not`` a binary node. Questions may then use every dated node's
        ``.date`` and ``a.date - b.date``. The file says ``pactsim: 2``
        exactly when it uses a format-2 key. :func:`pactsim.exact` refuses
        some of these examples with
        :class:`~pactsim.errors.ExactUnsupportedError` (Monte Carlo answers
        all): of 700 derandomized examples (2026-12-04), about one in
        nine (9-14% by which examples are drawn), counting what ``exact`` and
        the questions refuse —
        milestones whose anchors do not descend from one curve-timed node,
        that read a milestone of their group they follow or share an
        anchor with, or whose anchors share milestones along separate
        chains — and some too wide
        (:class:`~pactsim.errors.ModelTooWideError`: several day variables
        in one table); how many depends on the examples drawn.
        A test against exact should catch these errors and skip the example
        (``hypothesis.assume``); pactsim's own tests check those examples
        against a naive reference sampler (``tests/reference_sampler.py`` in
        the repository, not part of the installed package).
    categorical:
        Whether categorical nodes (format 3) may appear (default ``False``:
        the examples of earlier versions, drawn exactly as before). Then an
        undated node may get ``levels``: 1 to 3 named outcomes, with
        ``absent`` (always when it has ``odds``), as ``{outcome: p}`` in
        hundredths summing to 1, or as a list with ``given`` (at most two
        parents) + a table of ``{outcome: p}`` rows (outcomes of probability 0
        left out). A table with a categorical parent has its outcomes as keys
        (``absent`` included when the parent can be absent; a milestone's
        chance too); a gate on a
        categorical node may become a test of its outcome (``"x == named"``,
        ``"x != generic"``, ``"in(x, generic, named)"``); a table of curves
        (format 2) takes ``"x == <its last outcome>"`` instead of ``x``; and
        questions may test outcomes with ``==``, ``!=`` and ``in(...)``. The
        file says ``pactsim: 3`` exactly when some node has levels.
    attributes:
        Whether numeric attributes (format 3) may appear (default ``False``:
        nothing more is drawn, so the examples are those of earlier versions).
        Then up to two attributes come after the nodes (at least one unless
        some node is categorical), each with a ``dist`` — a fixed number,
        ``normal``, ``uniform``, ``lognormal`` (median and p90) or ``values`` (1
        to 3 values in halves from 0 to 50, probabilities in hundredths) — or
        ``given`` one or two earlier nodes (binary: keys true/false;
        categorical: its outcomes) + a table of such laws; perhaps ``round:
        true``; with ``allow_gates`` perhaps a ``requires`` and an ``excludes``
        (a node, or a test of a categorical node's outcome). With
        ``allow_questions`` one to three questions use them: the attribute
        itself (a number), or a comparison with a constant in halves from 0 to
        50 (on either side), perhaps negated or joined to a node with ``and``
        / ``or``. The file says ``pactsim: 3``.

    Returns
    -------
    SearchStrategy[Scenario]

    Raises
    ------
    hypothesis.errors.InvalidArgument
        For a bound that is not an integer >= 0, ``min_nodes > max_nodes`` or
        a flag that is not a bool.

    Notes
    -----
    Fixed probabilities are hundredths or any float in [0, 1]; Beta shapes
    lie in [0.1, 50]; ``between`` bounds are three-decimal values at least
    0.01 apart; odds factors lie in [0.05, 20] (binary parents) or [0.2, 5]
    (drivers); ``normal`` drivers have mean in [-2, 2] and sd in [0.1, 2],
    ``uniform`` drivers a width in [0.1, 4]. ``signing.by`` (and every
    format-2 curve) has 1 to 4 points between ``as_of`` and the horizon (at
    most three years apart); with ``allow_uncertain`` about half the format-2
    curves have uncertain points, a ``between`` anywhere or a ``beta`` first,
    whose 90% ranges do not cross (so any draw keeps the curve monotone);
    hazard ratios lie in the ranges of odds factors;
    milestone delays are 0 to 200 days (fixed), lognormal with a median or
    lower bound of 1 to 200 days and an upper one up to 300 days above, or
    curves of 1 to 3 points within 400 days.
    Names match ``[a-z][a-z0-9_]{0,9}`` (with ``_2``, ``_3``, … added to
    keep them unique), never a reserved word or ``signing``. Labels, titles
    and descriptions are arbitrary Unicode text.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, deadline=None)
    ... @given(scenarios(max_nodes=4, allow_timing=False))
    ... def test_no_signing(sc):
    ...     assert sc.signing is None
    >>> test_no_signing()
    """
    cfg = _Config(
        min_nodes=_check_int("min_nodes", min_nodes),
        max_nodes=_check_int("max_nodes", max_nodes),
        allow_drivers=_check_bool("allow_drivers", allow_drivers),
        allow_timing=_check_bool("allow_timing", allow_timing),
        allow_uncertain=_check_bool("allow_uncertain", allow_uncertain),
        allow_gates=_check_bool("allow_gates", allow_gates),
        allow_questions=_check_bool("allow_questions", allow_questions),
        max_parents=_check_int("max_parents", max_parents),
        dated=_check_bool("dated", dated),
        categorical=_check_bool("categorical", categorical),
        attributes=_check_bool("attributes", attributes),
    )
    if cfg.min_nodes > cfg.max_nodes:
        raise InvalidArgument(
            f"min_nodes={min_nodes!r} must be less than or equal to max_nodes={max_nodes!r}"
        )
    return _scenario_data(cfg).map(from_dict)  # a failure prints from_dict({...}): pasteable


def _load(data: dict[str, Any]) -> Scenario:
    return from_dict(data, name="<generated>")


# -- same structure, new numbers -------------------------------------------------


@st.composite
def _renumbered(draw: st.DrawFn, scenario: Scenario, vary_timing: bool) -> Scenario:
    data = scenario.model_dump(exclude_defaults=True)
    drivers = set(scenario.drivers)

    def leaf(value: Any) -> Any:
        if isinstance(value, dict) and "beta" in value:
            return {"beta": [draw(_BETA_SHAPES), draw(_BETA_SHAPES)]}
        if isinstance(value, dict) and "between" in value:
            return {"between": draw(_BETWEEN_BOUNDS)}
        return draw(_PROBABILITIES)

    def table(value: Any, depth: int) -> Any:
        if depth == 0:
            return leaf(value)
        return {key: table(sub, depth - 1) for key, sub in value.items()}

    def factors(values: dict[str, Any]) -> dict[str, float]:
        return {k: draw(_DRIVER_FACTORS if k in drivers else _BINARY_FACTORS) for k in values}

    def curve(by: dict[Any, Any]) -> dict[Any, Any]:
        """Same dates, new non-decreasing values (a curve with an uncertain point is kept:
        its 90% ranges must not cross)."""
        if not vary_timing or any(isinstance(v, dict) for v in by.values()):
            return by
        values = sorted(draw(st.lists(_PROBABILITIES, min_size=len(by), max_size=len(by))))
        return dict(zip(by, values, strict=True))

    def curves(value: Any, depth: int) -> Any:
        if depth == 0:
            return {"by": curve(value["by"])}
        return {key: curves(sub, depth - 1) for key, sub in value.items()}

    def delay(value: Any) -> Any:
        if isinstance(value, int):
            return draw(st.integers(0, 200))
        if "between" in value:
            lo = draw(st.integers(1, 200))
            return {"between": [lo, lo + draw(st.integers(1, 300))]}
        if "median" in value:
            m = draw(st.integers(1, 200))
            return {"median": m, "p90": m + draw(st.integers(1, 300))}
        return {"by": curve(value["by"])}

    def outcomes(value: Any, depth: int) -> Any:
        """New {outcome: p} rows over the same outcomes (format 3)."""
        if depth == 0:
            return draw(_level_probs(list(value)))
        return {key: outcomes(sub, depth - 1) for key, sub in value.items()}

    def node(spec: dict[str, Any]) -> None:
        if "levels" in spec:
            if isinstance(spec["levels"], dict):
                spec["levels"] = outcomes(spec["levels"], 0)
            else:
                spec["table"] = outcomes(spec["table"], len(spec["given"]))
        elif "p" in spec:
            spec["p"] = leaf(spec["p"])
        if "table" in spec and "levels" not in spec:
            if _curve_leaf(spec["table"], len(spec["given"])):
                spec["table"] = curves(spec["table"], len(spec["given"]))
            else:
                spec["table"] = table(spec["table"], len(spec["given"]))
        if "by" in spec:
            spec["by"] = curve(spec["by"])
        if "delay" in spec:
            spec["delay"] = delay(spec["delay"])
        for key in ("odds", "hazard_ratio"):
            if key in spec:
                spec[key] = factors(spec[key])

    for d in data.get("drivers", {}).values():
        if d["dist"] == "normal":
            if "mean" in d:
                d["mean"] = draw(_DRIVER_MEANS)
            d["sd"] = draw(_DRIVER_SDS)
        else:
            d["low"], d["high"] = draw(_UNIFORM_BOUNDS)
    for spec in data.get("events", {}).values():
        node(spec)
    for pillar in data.get("pillars", {}).values():
        node(pillar)
        for clause in pillar.get("clauses", {}).values():
            node(clause)
    if "signing" in data:
        node(data["signing"])
    for attr in data.get("attributes", {}).values():  # format 3: each law of the same kind
        if "dist" in attr:
            attr["dist"] = draw(_same_law(attr["dist"]))
        elif "table" in attr:
            attr["table"] = _map_leaves(attr["table"], len(attr["given"]),
                                        lambda law: draw(_same_law(law)))
    return _load(data)


def _map_leaves(table: Any, depth: int, f: Any) -> Any:
    """A nested table with ``f`` applied to each leaf ``depth`` levels deep."""
    if depth == 0:
        return f(table)
    return {key: _map_leaves(sub, depth - 1, f) for key, sub in table.items()}


@st.composite
def _same_law(draw: st.DrawFn, law: Any) -> Any:
    """A quantity distribution of the same kind as ``law`` (as written) with new numbers
    (ranges as in :func:`scenarios`); a ``values`` law keeps its values."""
    if not isinstance(law, dict):
        return draw(_HALVES)
    ((kind, params),) = law.items()
    if kind == "values":
        keys = list(params)
        probs = draw(_level_probs([str(k) for k in keys]))
        return {"values": {k: probs[str(k)] for k in keys}}
    return draw(_law(kind))


def _curve_leaf(table: Any, depth: int) -> bool:
    """Whether the leaves of a table ``depth`` levels deep are ``{by: ...}`` curves."""
    for _ in range(depth):
        table = next(iter(table.values()))
    return isinstance(table, dict) and "by" in table


def from_scenario(scenario: Scenario, *, vary_timing: bool = True) -> st.SearchStrategy[Scenario]:
    """Generate scenarios with the structure of ``scenario`` and new numbers.

    Names, kinds, ``given``, ``odds`` parents, gates, questions, dates, the
    outcomes of categorical nodes (format 3: each row's probabilities redrawn
    in hundredths over the outcomes it lists), the kind of each law of a numeric
    attribute (format 3: its numbers redrawn, a ``values`` law's values kept and
    their probabilities redrawn),
    labels, the kind of every probability (plain, ``beta`` or ``between``)
    and, in format 2, ``after``, the kind of every ``delay`` and the keys of
    every ``hazard_ratio`` are kept; every plain probability, Beta shape,
    ``between`` interval, table leaf, odds factor, hazard ratio, delay and
    driver parameter is drawn afresh (ranges as in :func:`scenarios`). With
    ``vary_timing`` the cumulative values of every curve (``signing.by``,
    each row of a table of curves, a dated event's ``by``, a delay's ``by``)
    are redrawn too (same dates, non-decreasing; a curve with an uncertain
    point is kept, so that its ranges still do not cross).

    A file's ``observations`` are kept as written, and new numbers may make them
    impossible (an observed event drawn with p = 0): ``simulate`` and ``exact``
    then raise :class:`~pactsim.errors.ConditionError`. Test the priors with
    ``observations=False``, or ``hypothesis.assume`` that the news can hold
    (catch the error).

    Parameters
    ----------
    scenario:
        A validated scenario, e.g. ``pactsim.load("scenarios/x.yaml")``.
    vary_timing:
        Whether to redraw the values of the curves (the signing's and, in
        format 2, those of dated events and delays).

    Returns
    -------
    SearchStrategy[Scenario]

    Raises
    ------
    hypothesis.errors.InvalidArgument
        If ``scenario`` is not a :class:`~pactsim.language.scenario.Scenario` or
        ``vary_timing`` not a bool.

    Examples
    --------
    >>> import pactsim
    >>> sc = pactsim.loads("pactsim: 1\\nid: d\\nas_of: 2024-01-01\\nhorizon: 2024-12-31\\n"
    ...                    "events:\\n  a: {p: 0.3}\\n  b: {p: 0.5, requires: [a]}\\n")
    >>> from_scenario(sc).example().events["b"].requires  # doctest: +SKIP
    ['a']
    """
    _check_scenario(scenario)
    _check_bool("vary_timing", vary_timing)
    return _renumbered(scenario, vary_timing)


def _attribute_scale(att: AttributePlan) -> tuple[float, float]:
    """``(median, half the 10-90% width)`` of an attribute's values over its rows'
    laws (a width of 0, a fixed value, gives a scale of 1)."""
    laws = [q for q in att.quantities if q is not None]
    if not laws:
        return 0.0, 1.0
    qs = np.concatenate([q.ppf(np.array([0.1, 0.5, 0.9])) for q in laws])
    lo, mid, hi = float(np.min(qs)), float(np.median(qs[1::3])), float(np.max(qs))
    scale = (hi - lo) / 2
    return (mid, scale) if math.isfinite(scale) and scale > 0 and math.isfinite(mid) \
        else (mid if math.isfinite(mid) else 0.0, 1.0)


def expressions(scenario: Scenario) -> st.SearchStrategy[str]:
    """Generate valid true/false expressions over the names of ``scenario``.

    Expressions combine its binary nodes and true/false questions with
    ``and``, ``or``, ``not``, ``any``, ``all``, ``at_least``, ``at_most``,
    ``exactly``, ``count(...)`` comparisons and ``==``/``!=``, test the outcomes
    of categorical nodes (format 3: ``x == l``, ``x != l``, ``in(x, l, m)``); they compare
    drivers, numeric questions, (format 2) days between two dated nodes'
    dates and (format 3) numeric attributes with numbers (days and counts with
    whole numbers, days up to the span from ``as_of`` to the horizon either way,
    a count around half its terms; an attribute's around its median, within its
    10-90% range and beyond), and ``signing.date``, every
    dated node's ``.date`` and date questions with dates from just before
    ``as_of`` to the horizon (later dates are refused: nothing is modelled after it). Every example
    type-checks as a condition, so
    :meth:`Results.prob <pactsim.results.montecarlo.Results.prob>` accepts it. A
    scenario without names gets ``true`` and ``false``.

    Parameters
    ----------
    scenario:
        A validated scenario.

    Returns
    -------
    SearchStrategy[str]

    Raises
    ------
    hypothesis.errors.InvalidArgument
        If ``scenario`` is not a :class:`~pactsim.language.scenario.Scenario`.

    Examples
    --------
    >>> import pactsim
    >>> sc = pactsim.loads("pactsim: 1\\nid: d\\nas_of: 2024-01-01\\nhorizon: 2024-12-31\\n"
    ...                    "events:\\n  a: {p: 0.3}\\n  b: {p: 0.5}\\n")
    >>> expressions(sc).example()  # doctest: +SKIP
    '(a) and (not (b))'
    """
    _check_scenario(scenario)
    model = compile_scenario(scenario)
    # an outcome row x=l is written x == l (format 3)
    bools = [n.replace("=", " == ", 1) if n in model.index and "=" in n
             and model.kinds[model.index[n]] == "outcome" else n for n in model.names]
    by_type: dict[str, list[str]] = {"bool": bools, "number": [], "date": []}
    by_type["number"] += model.driver_names
    span = (scenario.horizon - scenario.as_of).days
    scales = [(0.0, 1.0)] * len(by_type["number"])  # drivers: around 0, in units of 1
    whole = [False] * len(by_type["number"])
    days = (0.0, max(span / 3.0, 1.0))  # days between two dates: either sign, to the span
    dated = scenario.dated_names
    by_type["date"] += [f"{name}.date" for name in dated]
    if scenario.pactsim >= 2:  # days between two dates is format 2 (and 3)
        gaps = [f"{a}.date - {b}.date" for a, b in itertools.pairwise(dated)][:2]
        by_type["number"] += gaps
        scales += [days] * len(gaps)
        whole += [True] * len(gaps)
    for qname, (_tree, qtype) in model.questions.items():
        by_type[qtype].append(qname)
        if qtype == "number":  # a count (around half its terms), days, or else as a driver
            text = scenario.question_text(qname).strip()
            terms = text.count(",") + 1
            scale, is_whole = ((terms / 2.0, max(terms / 6.0, 0.5)), True) \
                if text.startswith("count(") else (days, True) if ".date" in text \
                else ((0.0, 1.0), False)
            scales.append(scale)
            whole.append(is_whole)
    for att in model.attributes:  # format 3: compared with numbers where its values lie
        by_type["number"].append(att.name)
        scales.append(_attribute_scale(att))
        whole.append(False)
    pools = _Pools(tuple(by_type["bool"]), tuple(by_type["number"]), tuple(by_type["date"]),
                   scenario.as_of, (scenario.horizon - scenario.as_of).days,
                   tuple(model.outcomes.items()), tuple(scales), tuple(whole))
    return _EXPR_TREES.map(lambda tree: _render(tree, pools))
