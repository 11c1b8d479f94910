"""Hypothesis strategies that generate valid pactsim scenarios and expressions.

Every scenario these strategies produce is built as plain data and passed
through :func:`pactsim.io.from_dict`, the same checks a scenario file goes
through, so a generated scenario is valid by construction of the real loader:
if the loader ever rejected one, that is a bug worth reporting.

Strategies draw the *structure* of a scenario first (how many nodes, their
kinds, names, parents and gates, the shape of each probability, the
questions) and the *numbers* afterwards (probabilities, table leaves, odds
factors, the signing curve, driver parameters), so Hypothesis shrinks a failing
example towards few nodes, few dependencies and simple numbers.

Examples
--------
>>> from hypothesis import given
>>> from pactsim.testing import strategies
>>> @given(strategies.scenarios(max_nodes=5))
... def test_probabilities_are_probabilities(sc):
...     res = pactsim.simulate(sc, n=1_000, seed=0)
...     assert res.marginals()["p"].between(0, 1).all()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from pactsim.compile import compile_scenario
from pactsim.io import from_dict
from pactsim.scenario import Scenario
from pactsim.validate import RESERVED_NAMES

__all__ = ["expressions", "from_scenario", "scenarios"]

#: Most binary parents a table may have, whatever ``max_parents`` says
#: (a table over k parents has 2**k leaves).
_MAX_PARENTS_LIMIT = 8
_MAX_DRIVERS = 2
_MAX_QUESTIONS = 4
_MAX_GATES = 2
_MAX_BY_POINTS = 4
_FIRST_AS_OF = dt.date(2020, 1, 1)
_NAME_REGEX = r"[a-z][a-z0-9_]{0,9}"
_ID_REGEX = r"[a-z0-9][a-z0-9._-]{0,15}"
_CMP_OPS = ("<", "<=", ">", ">=", "==", "!=")


# -- argument validation (Hypothesis style: InvalidArgument, named arguments) --


def _check_int(name: str, value: object, *, min_value: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"{name}={value!r} must be an integer")
    if value < min_value:
        raise InvalidArgument(f"{name}={value!r} must be at least {min_value}")
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


# -- numbers: small, analyst-like values first, any valid value sometimes -------


def _probabilities() -> st.SearchStrategy[float]:
    """A fixed probability in [0, 1]: hundredths (as analysts write them) or any float."""
    return st.one_of(
        st.integers(0, 100).map(lambda k: k / 100),
        st.floats(0.0, 1.0, allow_subnormal=False),
    )


def _beta_shapes() -> st.SearchStrategy[float]:
    return st.one_of(st.integers(1, 20).map(float), st.floats(0.1, 50.0))


@st.composite
def _between_bounds(draw: st.DrawFn) -> list[float]:
    # Three-decimal bounds at least 0.01 apart: intervals an analyst would write.
    lo = draw(st.integers(1, 989))
    hi = draw(st.integers(lo + 10, 999))
    return [lo / 1000, hi / 1000]


def _binary_odds_factors() -> st.SearchStrategy[float]:
    return st.one_of(st.sampled_from([2.0, 0.5, 1.0, 3.0]), st.floats(0.05, 20.0))


def _driver_odds_factors() -> st.SearchStrategy[float]:
    return st.one_of(st.sampled_from([1.5, 0.5, 2.0]), st.floats(0.2, 5.0))


def _labels() -> st.SearchStrategy[str]:
    return st.text(st.characters(exclude_categories=("Cs",)), max_size=12)


def _names() -> st.SearchStrategy[str]:
    return st.from_regex(_NAME_REGEX, fullmatch=True).filter(
        lambda s: s not in RESERVED_NAMES and s != "signing"
    )


# -- skeleton: the structure drawn before any number ---------------------------


@dataclass
class _NodeSkel:
    name: str
    kind: str  # "event", "pillar", "clause"
    pillar: str | None = None
    given: list[str] = field(default_factory=list)
    leaf_kinds: list[str] = field(default_factory=list)  # one per table row, or one for p
    odds_binary: list[str] = field(default_factory=list)
    odds_drivers: list[str] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)
    excludes: list[str] = field(default_factory=list)
    label: bool = False
    source: bool = False


@dataclass
class _Config:
    min_nodes: int
    max_nodes: int
    allow_drivers: bool
    allow_timing: bool
    allow_uncertain: bool
    allow_gates: bool
    allow_questions: bool
    max_parents: int


def _subset(draw: st.DrawFn, pool: Sequence[str], *, min_size: int = 0,
            max_size: int) -> list[str]:
    max_size = min(max_size, len(pool))
    if max_size <= 0 or not pool:
        return []
    return draw(st.lists(st.sampled_from(list(pool)), min_size=min(min_size, max_size),
                         max_size=max_size, unique=True))


def _leaf_kinds(draw: st.DrawFn, count: int, allow_uncertain: bool) -> list[str]:
    kinds = ["fixed", "beta", "between"] if allow_uncertain else ["fixed"]
    return draw(st.lists(st.sampled_from(kinds), min_size=count, max_size=count))


def _draw_leaf(draw: st.DrawFn, kind: str) -> Any:
    if kind == "beta":
        return {"beta": [draw(_beta_shapes()), draw(_beta_shapes())]}
    if kind == "between":
        return {"between": draw(_between_bounds())}
    return draw(_probabilities())


def _nest(given: Sequence[str], leaves: list[Any]) -> Any:
    """Nested true/false table in the order of ``given`` (row bits as in ``product``)."""
    if not given:
        return leaves[0]
    half = len(leaves) // 2
    # itertools.product((False, True), ...) order: first half has given[0] false.
    return {False: _nest(given[1:], leaves[:half]), True: _nest(given[1:], leaves[half:])}


# -- expressions ---------------------------------------------------------------


@dataclass(frozen=True)
class _Pools:
    """What an expression may mention, by type."""

    bools: tuple[str, ...]
    numbers: tuple[str, ...]
    dates: tuple[str, ...]  # date-valued terms: "signing.date", date questions
    first_day: dt.date
    last_day: dt.date


def _date_literals(pools: _Pools) -> st.SearchStrategy[str]:
    span = (pools.last_day - pools.first_day).days
    return st.integers(-3, span + 3).map(
        lambda d: (pools.first_day + dt.timedelta(days=d)).isoformat()
    )


def _number_literals() -> st.SearchStrategy[str]:
    return st.integers(-300, 300).map(lambda k: f"{k / 100:g}")


def _bool_exprs(pools: _Pools) -> st.SearchStrategy[str]:
    atoms: list[st.SearchStrategy[str]] = []
    if pools.bools:
        atoms.append(st.sampled_from(pools.bools))
    if pools.dates:
        atoms.append(st.builds(lambda t, op, d: f"{t} {op} {d}", st.sampled_from(pools.dates),
                               st.sampled_from(_CMP_OPS), _date_literals(pools)))
    if pools.numbers:
        atoms.append(st.builds(lambda t, op, x: f"{t} {op} {x}", st.sampled_from(pools.numbers),
                               st.sampled_from(_CMP_OPS), _number_literals()))
    if pools.bools:
        args = st.lists(st.sampled_from(pools.bools), min_size=1, max_size=4)
        atoms.append(st.builds(lambda xs, op, k: f"count({', '.join(xs)}) {op} {k}", args,
                               st.sampled_from(_CMP_OPS), st.integers(0, 4)))
    atoms.append(st.sampled_from(["true", "false"]))
    base = st.one_of(atoms)

    def extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        several = st.lists(children, min_size=2, max_size=3)
        some = st.lists(children, min_size=1, max_size=3)
        return st.one_of(
            children.map(lambda x: f"not ({x})"),
            several.map(lambda xs: " and ".join(f"({x})" for x in xs)),
            several.map(lambda xs: " or ".join(f"({x})" for x in xs)),
            st.builds(lambda f, xs: f"{f}({', '.join(xs)})", st.sampled_from(["any", "all"]),
                      some),
            st.builds(_k_call, st.sampled_from(["at_least", "at_most", "exactly"]), some,
                      st.integers(0, 3)),
            st.builds(lambda a, op, b: f"({a}) {op} ({b})", children,
                      st.sampled_from(["==", "!="]), children),
        )

    return st.recursive(base, extend, max_leaves=6)


def _k_call(func: str, args: list[str], k: int) -> str:
    if func != "at_most":
        k = min(k, len(args))  # at_least/exactly with k > len(args) is rejected
    return f"{func}({k}, {', '.join(args)})"


def _number_exprs(pools: _Pools) -> st.SearchStrategy[str]:
    args = st.lists(st.sampled_from(pools.bools), min_size=1, max_size=4)
    return args.map(lambda xs: f"count({', '.join(xs)})")


# -- scenarios -----------------------------------------------------------------


@st.composite
def _scenario_data(draw: st.DrawFn, cfg: _Config) -> dict[str, Any]:
    # ---- structure -----------------------------------------------------------
    n = draw(st.integers(cfg.min_nodes, cfg.max_nodes))
    has_signing = n >= 1 and cfg.allow_timing and draw(st.booleans())
    n_drivers = draw(st.integers(0, _MAX_DRIVERS)) if cfg.allow_drivers else 0
    n_questions = draw(st.integers(0, _MAX_QUESTIONS)) if cfg.allow_questions and n else 0
    others = n - int(has_signing)
    # Generation order is a topological order: a node may only depend on nodes
    # drawn before it, so the scenario is acyclic. Signing precedes every pillar
    # (pillars implicitly require it) and a clause follows its pillar.
    kinds = draw(st.lists(st.sampled_from(["event", "pillar", "clause"]),
                          min_size=others, max_size=others))
    first_pillar = next((i for i, k in enumerate(kinds) if k != "event"), others)
    signing_at = draw(st.integers(0, first_pillar)) if has_signing else -1
    names = draw(st.lists(_names(), min_size=others + n_drivers + n_questions,
                          max_size=others + n_drivers + n_questions, unique=True))
    node_names, names = names[:others], names[others:]
    driver_names, question_names = names[:n_drivers], names[n_drivers:]

    order: list[str] = []  # binary names in generation order
    skels: list[_NodeSkel] = []
    pillars: list[str] = []
    for i, (kind, name) in enumerate(zip(kinds, node_names, strict=True)):
        if i == signing_at:
            order.append("signing")
        if kind == "clause" and not pillars:
            kind = "pillar"
        skel = _NodeSkel(name, kind)
        if kind == "clause":
            skel.pillar = draw(st.sampled_from(pillars))
        earlier = list(order)
        form = "table" if earlier and cfg.max_parents and draw(st.booleans()) else "p"
        if form == "table":
            skel.given = _subset(draw, earlier, min_size=1, max_size=min(cfg.max_parents, 3))
        table_parents = list(skel.given)
        for parent in _subset(draw, earlier, max_size=2):  # binary odds parents
            if parent in table_parents or len(table_parents) < cfg.max_parents:
                skel.odds_binary.append(parent)
                table_parents = list(dict.fromkeys([*table_parents, parent]))
        skel.odds_drivers = _subset(draw, driver_names, max_size=2)
        if cfg.allow_gates and earlier:
            skel.requires = _subset(draw, earlier, max_size=_MAX_GATES)
            rest = [x for x in earlier if x not in skel.requires]
            skel.excludes = _subset(draw, rest, max_size=_MAX_GATES)
        skel.leaf_kinds = _leaf_kinds(draw, 1 << len(skel.given), cfg.allow_uncertain)
        skel.label = draw(st.booleans())
        skel.source = draw(st.booleans())
        skels.append(skel)
        order.append(name)
        if kind == "pillar":
            pillars.append(name)
    if has_signing and "signing" not in order:
        order.append("signing")

    span = draw(st.integers(1, 3 * 365))
    as_of = _FIRST_AS_OF + dt.timedelta(days=draw(st.integers(0, 10 * 365)))
    horizon = as_of + dt.timedelta(days=span)
    by_days: list[int] = []
    if has_signing:
        by_days = sorted(draw(st.lists(st.integers(1, span), min_size=1,
                                       max_size=min(_MAX_BY_POINTS, span), unique=True)))

    pools = _Pools(bools=tuple(order), numbers=tuple(driver_names),
                   dates=("signing.date",) if has_signing else (), first_day=as_of,
                   last_day=horizon)
    questions: dict[str, Any] = {}
    for qname in question_names:
        qtype = draw(st.sampled_from(["bool", "bool", "number", "date"]))
        if qtype == "date" and not pools.dates:
            qtype = "bool"
        if qtype == "bool":
            text = draw(_bool_exprs(pools))
            pools = _Pools(pools.bools + (qname,), pools.numbers, pools.dates,
                           pools.first_day, pools.last_day)
        elif qtype == "number":
            text = draw(_number_exprs(pools))
            pools = _Pools(pools.bools, pools.numbers + (qname,), pools.dates,
                           pools.first_day, pools.last_day)
        else:
            text = "signing.date"
            pools = _Pools(pools.bools, pools.numbers, pools.dates + (qname,),
                           pools.first_day, pools.last_day)
        long_form = draw(st.booleans())
        questions[qname] = {"expr": text, "label": draw(_labels())} if long_form else text

    with_metadata = draw(st.booleans())

    # ---- numbers ---------------------------------------------------------------
    data: dict[str, Any] = {
        "pactsim": 1,
        "id": draw(st.from_regex(_ID_REGEX, fullmatch=True)),
        "as_of": as_of,
        "horizon": horizon,
    }
    if with_metadata:
        data["title"] = draw(_labels())
        data["description"] = draw(_labels())
        data["sources"] = {"src": draw(_labels())}
    if driver_names:
        data["drivers"] = {d: draw(_driver_specs()) for d in driver_names}
    events: dict[str, Any] = {}
    pillar_specs: dict[str, Any] = {}
    for skel in skels:
        spec = _node_spec(draw, skel, with_metadata)
        if skel.kind == "event":
            events[skel.name] = spec
        elif skel.kind == "pillar":
            pillar_specs[skel.name] = spec
        else:
            assert skel.pillar is not None
            pillar_specs[skel.pillar].setdefault("clauses", {})[skel.name] = spec
    if events:
        data["events"] = events
    if has_signing:
        values = sorted(draw(st.lists(_probabilities(), min_size=len(by_days),
                                      max_size=len(by_days))))
        data["signing"] = {"by": {as_of + dt.timedelta(days=d): v
                                  for d, v in zip(by_days, values, strict=True)}}
    if pillar_specs:
        data["pillars"] = pillar_specs
    if questions:
        data["questions"] = questions
    return data


def _driver_means() -> st.SearchStrategy[float]:
    return st.floats(-2.0, 2.0)


def _driver_sds() -> st.SearchStrategy[float]:
    return st.floats(0.1, 2.0)


def _uniform_bounds() -> st.SearchStrategy[tuple[float, float]]:
    return st.builds(lambda low, width: (low, low + width), st.floats(-3.0, 2.0),
                     st.floats(0.1, 4.0))


def _driver_specs() -> st.SearchStrategy[dict[str, Any]]:
    normal = st.builds(
        lambda mean, sd: {"dist": "normal", "sd": sd} | ({} if mean is None else {"mean": mean}),
        st.none() | _driver_means(), _driver_sds())
    uniform = _uniform_bounds().map(lambda b: {"dist": "uniform", "low": b[0], "high": b[1]})
    return normal | uniform


def _node_spec(draw: st.DrawFn, skel: _NodeSkel, with_metadata: bool) -> dict[str, Any]:
    leaves = [_draw_leaf(draw, kind) for kind in skel.leaf_kinds]
    spec: dict[str, Any] = {}
    if skel.given:
        spec["given"] = list(skel.given)
        spec["table"] = _nest(skel.given, leaves)
    else:
        spec["p"] = leaves[0]
    odds = {o: draw(_binary_odds_factors()) for o in skel.odds_binary}
    odds |= {d: draw(_driver_odds_factors()) for d in skel.odds_drivers}
    if odds:
        spec["odds"] = odds
    if skel.requires:
        spec["requires"] = list(skel.requires)
    if skel.excludes:
        spec["excludes"] = list(skel.excludes)
    if skel.label:
        spec["label"] = draw(_labels())
    if skel.source and with_metadata:
        spec["source"] = "src"
    return spec


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
) -> st.SearchStrategy[Scenario]:
    """Generate valid scenarios of format v1.

    Each example is built as plain data and validated by
    :func:`pactsim.io.from_dict`, so it passes every check a scenario file
    passes. It is acyclic by construction: nodes are drawn in a topological
    order and depend only on nodes drawn before them.

    Parameters
    ----------
    min_nodes, max_nodes:
        Bounds on the number of *binary* nodes (events, ``signing``, pillars
        and clauses). Drivers (up to 2) and questions (up to 4) come on top.
    allow_drivers:
        Whether to generate continuous drivers (and ``odds`` on them, and
        comparisons of drivers in questions).
    allow_timing:
        Whether a ``signing`` node with ``by`` points may appear (and
        ``signing.date`` comparisons in questions). With ``False`` no example
        has a signing section.
    allow_uncertain:
        Whether probabilities may be ``{beta: [a, b]}`` or
        ``{between: [lo, hi]}`` rather than plain numbers.
    allow_gates:
        Whether nodes may have ``requires`` / ``excludes`` (never naming the
        same node in both, which validation rejects). The implicit gates
        (a pillar requires ``signing``, a clause its pillar) are always there.
    allow_questions:
        Whether to generate ``questions``: true/false expressions (``and``,
        ``or``, ``not``, ``count``, ``any``, ``all``, ``at_least``,
        ``at_most``, ``exactly``, ``==``/``!=`` between conditions, date and
        driver comparisons), ``count(...)`` numbers and ``signing.date``
        dates; later questions may use earlier ones.
    max_parents:
        Most binary parents of one node's table: its ``given`` nodes (at most
        3) plus the binary nodes named in its ``odds``. Gates are not counted.

    Returns
    -------
    SearchStrategy[Scenario]

    Raises
    ------
    hypothesis.errors.InvalidArgument
        For a non-integer or negative bound, ``min_nodes > max_nodes``, a
        non-bool flag, or ``max_parents`` above 8.

    Notes
    -----
    Numbers are drawn after the structure: fixed probabilities are hundredths
    or any float in [0, 1]; Beta shapes lie in [0.1, 50]; ``between`` bounds
    are three-decimal values at least 0.01 apart; odds factors lie in
    [0.05, 20] (binary parents) or [0.2, 5] (drivers); ``normal`` drivers have
    sd in [0.1, 2] and ``uniform`` drivers a width in [0.1, 4]. Names match
    ``[a-z][a-z0-9_]{0,9}``, never a reserved word or ``signing``. Labels,
    titles and descriptions are arbitrary Unicode text.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(scenarios(max_nodes=4, allow_timing=False))
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
    )
    if cfg.min_nodes > cfg.max_nodes:
        raise InvalidArgument(
            f"min_nodes={min_nodes!r} must be less than or equal to max_nodes={max_nodes!r}"
        )
    if cfg.max_parents > _MAX_PARENTS_LIMIT:
        raise InvalidArgument(
            f"max_parents={max_parents!r} must be at most {_MAX_PARENTS_LIMIT} (a table "
            f"over k parents has 2**k leaves)"
        )
    return _scenario_data(cfg).map(_load)


def _load(data: dict[str, Any]) -> Scenario:
    return from_dict(data, name="<generated>")


# -- same structure, new numbers ---------------------------------------------------


@st.composite
def _renumbered(draw: st.DrawFn, scenario: Scenario, vary_timing: bool) -> Scenario:
    data = scenario.model_dump(exclude_defaults=True)
    drivers = set(scenario.drivers)

    def leaf(value: Any) -> Any:
        if isinstance(value, dict) and "beta" in value:
            return {"beta": [draw(_beta_shapes()), draw(_beta_shapes())]}
        if isinstance(value, dict) and "between" in value:
            return {"between": draw(_between_bounds())}
        return draw(_probabilities())

    def table(value: Any, depth: int) -> Any:
        if depth == 0:
            return leaf(value)
        return {k: table(v, depth - 1) for k, v in value.items()}

    def node(spec: dict[str, Any]) -> None:
        if "p" in spec:
            spec["p"] = leaf(spec["p"])
        if "table" in spec:
            spec["table"] = table(spec["table"], len(spec["given"]))
        if "odds" in spec:
            spec["odds"] = {
                k: draw(_driver_odds_factors() if k in drivers else _binary_odds_factors())
                for k in spec["odds"]
            }

    for d in data.get("drivers", {}).values():
        if d["dist"] == "normal":
            if "mean" in d:
                d["mean"] = draw(_driver_means())
            d["sd"] = draw(_driver_sds())
        else:
            d["low"], d["high"] = draw(_uniform_bounds())
    for spec in data.get("events", {}).values():
        node(spec)
    for pspec in data.get("pillars", {}).values():
        node(pspec)
        for cspec in pspec.get("clauses", {}).values():
            node(cspec)
    if vary_timing and "signing" in data:
        by = data["signing"]["by"]
        values = sorted(draw(st.lists(_probabilities(), min_size=len(by), max_size=len(by))))
        data["signing"]["by"] = dict(zip(by, values, strict=True))
    return _load(data)


def from_scenario(scenario: Scenario, *, vary_timing: bool = True) -> st.SearchStrategy[Scenario]:
    """Generate scenarios with the structure of ``scenario`` and new numbers.

    Names, kinds, ``given``, ``odds`` parents, gates, questions, dates and the
    kind of every probability (plain, ``beta`` or ``between``) are kept; every
    plain probability, Beta shape, ``between`` interval, table leaf, odds
    factor and driver parameter is drawn afresh (see :func:`scenarios` for the
    ranges). With ``vary_timing`` the cumulative values of ``signing.by`` are
    redrawn too (same dates, still non-decreasing).

    Parameters
    ----------
    scenario:
        A validated scenario, e.g. ``pactsim.load("scenarios/x.yaml")``.
    vary_timing:
        Whether to redraw the signing curve.

    Returns
    -------
    SearchStrategy[Scenario]

    Examples
    --------
    >>> import pactsim
    >>> sc = pactsim.loads("pactsim: 1\\nid: d\\nas_of: 2024-01-01\\nhorizon: 2024-12-31\\n"
    ...                    "events:\\n  a: {p: 0.3}\\n  b: {p: 0.5, requires: [a]}\\n")
    >>> other = from_scenario(sc).example()  # doctest: +SKIP
    >>> other.events["b"].requires
    ['a']
    """
    _check_scenario(scenario)
    _check_bool("vary_timing", vary_timing)
    return _renumbered(scenario, vary_timing)


def expressions(scenario: Scenario) -> st.SearchStrategy[str]:
    """Generate valid true/false expressions over the names of ``scenario``.

    Expressions combine its binary nodes and true/false questions with
    ``and``, ``or``, ``not``, ``any``, ``all``, ``at_least``, ``at_most``,
    ``exactly``, ``count(...)`` comparisons and ``==``/``!=``; they compare
    drivers and numeric questions with numbers, and ``signing.date`` (and
    date questions) with dates around the modelled period. Every example
    type-checks as a condition, so ``Results.prob(expr)`` accepts it.

    Parameters
    ----------
    scenario:
        A validated scenario.

    Returns
    -------
    SearchStrategy[str]

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
    by_type: dict[str, list[str]] = {"bool": list(model.names), "number": [], "date": []}
    by_type["number"] += model.driver_names
    if model.signing_index >= 0:
        by_type["date"].append("signing.date")
    for qname, (_tree, qtype) in model.questions.items():
        by_type[qtype].append(qname)
    pools = _Pools(tuple(by_type["bool"]), tuple(by_type["number"]), tuple(by_type["date"]),
                   scenario.as_of, scenario.horizon)
    return _bool_exprs(pools)
