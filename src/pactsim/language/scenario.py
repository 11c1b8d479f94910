"""The scenario data model (formats 1 and 2), as frozen pydantic models.

A :class:`Scenario` mirrors the YAML file an analyst writes. Structural rules
(types, ranges, allowed keys) live on the models; rules that need the whole file
(unknown names, cycles, complete tables, date order) live in
:mod:`pactsim.language.validate`. Load scenarios with :func:`pactsim.load` /
:func:`pactsim.loads`, which run both and report every problem at its line.

Node kinds share one namespace of snake_case names:

==========  ==============================================================
kind        meaning
==========  ==============================================================
driver      continuous latent factor (``normal`` or ``uniform``)
event       binary context event outside the agreement text
signing     the agreement is signed on or before the horizon; has a date (a curve,
            or, format 2, a milestone after other dated nodes)
pillar      a pillar is in the text (implicitly requires ``signing``)
clause      a clause is in the text (implicitly requires its pillar)
attribute   a number of the agreement with a distribution (format 3; a leaf: questions
            may use it, nodes may not; see :mod:`pactsim.language.attributes`)
question    an expression over the other names
==========  ==============================================================
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import itertools
import math
import numbers
import re
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    PlainValidator,
    PrivateAttr,
    Tag,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from pactsim.errors import ArgumentError, did_you_mean
from pactsim.language._frozen import FrozenDict, FrozenModel, _refuse_edit
from pactsim.language.attributes import Attribute

if TYPE_CHECKING:
    from pactsim.language.evidence import Finding

__all__ = [
    "Beta",
    "Between",
    "Driver",
    "Node",
    "NodeKind",
    "NodeView",
    "Observation",
    "PSpec",
    "Pillar",
    "Question",
    "Scenario",
    "Signing",
]

NodeKind = Literal["driver", "event", "signing", "pillar", "clause", "question"]
BINARY_KINDS: frozenset[str] = frozenset({"event", "signing", "pillar", "clause"})


class _Model(FrozenModel):
    """The scenario's models: frozen, extra keys forbidden (:class:`FrozenModel`)."""


def _finite(x: float) -> bool:
    return math.isfinite(x)


def flow(value: object) -> str:
    """A value as YAML's flow style writes it: ``{between: [0.05, 0.35]}``, ``[a, b]``,
    ``0.3``, ``2024-12-31``, ``true``, ``null`` (whole; callers cut it to length)."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{flow(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def _shown(value: object) -> str:
    """A value as written in YAML (``true``, ``null``, ``{median: 60}``), short; for
    messages."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, dt.date):  # as written: 2025-01-01, not datetime.date(2025, 1, 1)
        return value.isoformat()
    try:
        text = flow(value) if isinstance(value, Mapping | list | tuple) else repr(value)
    except ValueError:  # a whole number past Python's limit for turning digits into text
        return "a number of more than 4,300 digits"
    return text if len(text) <= 60 else text[:56] + " ..." + text[-1]


def _too_big(value: object, what: str) -> PydanticCustomError:
    """The error for a whole number past the float range (10**400): no number of a
    scenario is that big."""
    return PydanticCustomError("not_finite", f"= {_shown(value)} is not a finite number "
                               f"({what}; past the floating-point range, about 1.8e308)")


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("not_a_number", f"= {_shown(value)} is not a number ({what})")
    try:
        x = float(value)
    except OverflowError:
        raise _too_big(value, what) from None
    if not _finite(x):
        raise PydanticCustomError(
            "not_finite", "= {value} is not a finite number ({what})", {"value": x, "what": what}
        )
    return x


class Beta(_Model):
    """An uncertain probability drawn from Beta(a, b) afresh for each draw."""

    beta: tuple[float, float]

    @field_validator("beta", mode="before")
    @classmethod
    def _check(cls, v: object) -> tuple[float, float]:
        if not isinstance(v, list | tuple) or len(v) != 2:
            raise PydanticCustomError(
                "beta_shape", "must be a list of two numbers [a, b] (the Beta shape parameters)"
            )
        a, b = (_number(x, "Beta shape parameter") for x in v)
        if a <= 0 or b <= 0:
            raise PydanticCustomError(
                "beta_positive",
                "= [{a}, {b}] has a parameter <= 0 (Beta parameters must be > 0; "
                "e.g. [2, 8] has mean 0.2)",
                {"a": a, "b": b},
            )
        return (a, b)

    @property
    def mean(self) -> float:
        a, b = self.beta
        return a / (a + b)


#: A 90% interval at least this far from 0, from 1 and wide is fitted when first used,
#: not when validated: every such interval fits (5,000 drawn across the zone, and the
#: extremes of tests/unit/test_extremes.py beyond it, do)
_ORDINARY = 1e-6


class Between(_Model):
    """An uncertain probability given as a 90% interval ``[lo, hi]``.

    It is turned into the Beta distribution whose 5% and 95% quantiles are
    ``lo`` and ``hi`` (see :func:`pactsim.language.distributions.between_to_beta`).
    """

    between: tuple[float, float]

    @field_validator("between", mode="before")
    @classmethod
    def _check(cls, v: object) -> tuple[float, float]:
        if not isinstance(v, list | tuple) or len(v) != 2:
            raise PydanticCustomError(
                "between_shape", "must be a list [lo, hi] (a 90% interval for the probability)"
            )
        lo, hi = (_number(x, "interval bound") for x in v)
        if not (0 < lo < hi < 1):
            percents = 1 < lo <= 100 and 1 < hi <= 100
            fix = ("swap them: [{hi}, {lo}]" if 0 < hi < lo < 1 else
                   "for a sure value write p: {lo} instead" if lo == hi and 0 < lo < 1 else
                   f"percentages? write fractions: [{lo / 100:g}, {hi / 100:g}]" if percents
                   else "a bound of 0 or 1 is certainty, which a 90% interval cannot reach: "
                   "write one a little inside, e.g. 0.01 or 0.99" if lo in (0, 1) or
                   hi in (0, 1) else "both bounds are probabilities, between 0 and 1")
            raise PydanticCustomError(
                "between_range",
                "= [{lo}, {hi}] must satisfy 0 < lo < hi < 1 (a 90% interval strictly "
                "inside (0, 1); " + fix + ")",
                {"lo": lo, "hi": hi},
            )
        if lo < 1e-300:
            raise PydanticCustomError(
                "between_tiny",
                "= [{lo}, {hi}] has lo below 1e-300, too small to fit a Beta distribution to "
                "(write p: 0, or a beta: [a, b] spec for such an extreme belief)",
                {"lo": lo, "hi": hi},
            )
        if lo >= _ORDINARY and hi <= 1 - _ORDINARY and hi - lo >= _ORDINARY:
            # fitted when first drawn or computed: such an interval always fits (the
            # check below imports scipy.optimize, half of a `pactsim validate`)
            return (lo, hi)
        from pactsim.language.distributions import between_to_beta  # imports this module

        try:
            between_to_beta(lo, hi)
        except ArithmeticError:
            raise PydanticCustomError(
                "between_fit",
                "= [{lo}, {hi}] is too extreme: no Beta distribution with these 5% and 95% "
                "quantiles could be fitted in floating point; narrow it (raise lo or lower "
                "hi), or write a beta: [a, b] spec",
                {"lo": lo, "hi": hi},
            ) from None
        return (lo, hi)


def _not_a_p(v: object) -> str:
    # Built here, not as a template: pydantic templates cannot show repr() or braces.
    comma = isinstance(v, str) and re.fullmatch(r"\s*[01]?,\d+\s*", v) is not None
    # a number of another type (numpy.float32, Decimal, from a frame or a calculator):
    # said with its type and the conversion (review-fuzz16)
    other = not isinstance(v, bool | int | float | str) and (
        isinstance(v, numbers.Real)  # numpy floats; not complex numbers, float() refuses
        or (isinstance(v, numbers.Number) and not isinstance(v, numbers.Complex)))  # Decimal
    return (f"= {_shown(v)} is not a probability (write a number in [0, 1], "
            "{beta: [a, b]} or {between: [lo, hi]})"
            + (f"; the decimal point is a dot: {v.strip().replace(',', '.')}"
               if comma and isinstance(v, str) else "")
            + (f"; it is a {type(v).__module__}.{type(v).__name__}: pass float(x)"
               if other else "")
            + (did_you_mean(next(iter(v)), ("beta", "between"))  # {betta: [2, 1]}
               if isinstance(v, dict) and len(v) == 1 and isinstance(next(iter(v)), str)
               else ""))


def _validate_pspec(v: object) -> float | Beta | Between:
    if type(v) is float and 0.0 <= v <= 1.0:  # the common case, as the checks below give it
        return v
    if isinstance(v, Beta | Between):
        return v
    if isinstance(v, Mapping):
        keys = set(v)
        if keys == {"beta"}:
            return Beta.model_validate(v)
        if keys == {"between"}:
            return Between.model_validate(v)
        raise PydanticCustomError("p_spec", _not_a_p(dict(v)))
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise PydanticCustomError("p_spec", _not_a_p(v))
    try:
        x = float(v)
    except OverflowError:
        raise _too_big(v, "a probability, in [0, 1]") from None
    if not (0.0 <= x <= 1.0):  # also catches NaN
        raise PydanticCustomError(
            "p_range",
            "= {value} must be in [0, 1] (a probability; e.g. 0.3 for 30%)",
            {"value": _shown(v)},
        )
    return x


_PSPEC_SCHEMA: dict[str, Any] = {
    "description": "A probability: a number in [0, 1], {beta: [a, b]} or {between: [lo, hi]}.",
    "anyOf": [
        {"type": "number", "minimum": 0, "maximum": 1},
        {
            "type": "object",
            "properties": {
                "beta": {
                    "type": "array",
                    "items": {"type": "number", "exclusiveMinimum": 0},
                    "minItems": 2,
                    "maxItems": 2,
                }
            },
            "required": ["beta"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {
                "between": {
                    "type": "array",
                    "items": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
                    "minItems": 2,
                    "maxItems": 2,
                }
            },
            "required": ["between"],
            "additionalProperties": False,
        },
    ],
}

#: A probability spec: a number in [0, 1], :class:`Beta` or :class:`Between`.
def _serialize_pspec(v: float | Beta | Between) -> object:
    return v.model_dump() if isinstance(v, BaseModel) else v


PSpec = Annotated[
    float | Beta | Between,
    PlainValidator(_validate_pspec),
    PlainSerializer(_serialize_pspec),
    WithJsonSchema(_PSPEC_SCHEMA),
]


def _validate_odds_factor(v: object) -> float:
    x = _number(v, "an odds factor")
    if x <= 0:
        raise PydanticCustomError(
            "odds_positive",
            "= {value} must be > 0 (an odds multiplier: 2 doubles the odds, 0.5 halves them)",
            {"value": _shown(v)},
        )
    return x


OddsFactor = Annotated[
    float,
    PlainValidator(_validate_odds_factor),
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0}),
]


def _validate_hazard_ratio(v: object) -> float:
    x = _number(v, "a hazard ratio")
    if x <= 0:
        raise PydanticCustomError(
            "odds_hazard",
            "= {value} must be > 0 (a hazard ratio: 2 doubles the daily chance of happening, "
            "so it comes sooner; 0.5 halves it)",
            {"value": _shown(v)},
        )
    return x


HazardRatio = Annotated[
    float,
    PlainValidator(_validate_hazard_ratio),
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0}),
]
_TABLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Nested table over `given` parents, keys true/false (a categorical parent: "
                   "its outcomes, format 3), leaves probabilities (a categorical node: "
                   "{outcome: probability} maps).",
    "propertyNames": {"pattern": "^[a-z][a-z0-9_]*$"},
}
SourceRef = Annotated[str | list[str], Field(description="A key of `sources`, or a list of keys.")]
#: The analyst's rationale for a number: free text, shown in the report and the notebook
#: display; it never changes a probability or a draw.
Why = Annotated[str | None, Field(
    description="Why the numbers are what they are, in the analyst's words (free text, shown "
                "in reports; never changes a probability).")]
_WHY_TABLE_SCHEMA: dict[str, Any] = {
    "anyOf": [{"type": "object", "propertyNames": {"pattern": "^[a-z][a-z0-9_]*$"}},
              {"type": "null"}],
    "description": "The rationale of single rows of `table`: nested true/false keys as in "
                   "`table`, text at the leaves; any rows may be left out.",
}
_WHY_BY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "propertyNames": {"pattern": r"^\d{4}-\d{2}-\d{2}$"},
    "additionalProperties": {"type": "string"},
    "description": "The rationale of single `by` points: a date of `by` -> text.",
}


_CURVE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "propertyNames": {"pattern": r"^\d{4}-\d{2}-\d{2}$"},
    "additionalProperties": _PSPEC_SCHEMA,
    "minProperties": 1,
    "description": "Cumulative P(happened on or before each date): linear in days between "
                   "as_of (0) and the points, flat after the last.",
}
#: A timing curve: date -> cumulative probability (a number, or an uncertain one used at its mean).
ByCurve = Annotated[dict[dt.date, PSpec], WithJsonSchema(_CURVE_SCHEMA)]


#: Most outcomes a categorical node may have (each non-absent one is a binary row).
MAX_LEVELS = 12

#: A node name: snake_case, starting with a lowercase letter (anything else in a
#: parent position is a condition expression).
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


def is_condition(entry: str) -> bool:
    """Whether a ``given`` entry or an ``odds``/``hazard_ratio`` key is a condition
    expression (``"signing.date <= 2024-12-31"``) rather than a node name (format 2)."""
    return not NAME_PATTERN.match(entry)


@dataclass(frozen=True, slots=True)
class After:
    """A milestone's anchor: it follows the ``k``-th earliest of ``names``.

    ``after: x`` is ``All((x,))``; ``{all: [...]}`` needs every one (the latest),
    ``{any: [...]}`` one (the earliest), ``{at_least: k, of: [...]}`` the k-th earliest.
    """

    mode: Literal["one", "all", "any", "at_least"]
    names: tuple[str, ...]
    k: int

    def written(self) -> object:
        """The form the file uses."""
        if self.mode == "one":
            return self.names[0]
        if self.mode == "at_least":
            return {"at_least": self.k, "of": list(self.names)}
        return {self.mode: list(self.names)}


_AFTER_HINT = ("write a dated node's name (after: signing), {all: [a, b]} (the latest), "
               "{any: [a, b]} (the earliest) or {at_least: k, of: [a, b, c]}")


def _name_list(v: object, key: str) -> tuple[str, ...]:
    if not isinstance(v, list | tuple) or not v or not all(isinstance(x, str) for x in v):
        raise PydanticCustomError("after_list", f"{key}: must be a non-empty list of names of "
                                  "dated nodes, e.g. [ratified_a, ratified_b]")
    return tuple(v)


def _validate_after(v: object) -> After:
    if isinstance(v, After):
        return v
    if isinstance(v, str):
        return After("one", (v,), 1)
    if isinstance(v, Mapping):
        keys = set(v)
        if keys in ({"all"}, {"any"}):
            (mode,) = keys
            names = _name_list(v[mode], mode)
            return After("all", names, len(names)) if mode == "all" else After("any", names, 1)
        if keys == {"at_least", "of"}:
            names = _name_list(v["of"], "of")
            k = v["at_least"]
            if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= len(names):
                raise PydanticCustomError(
                    "after_k", f"at_least: = {_shown(k)} must be a whole number from 1 to "
                    f"{len(names)} (the number of names in of)")
            return After("at_least", names, k)
    raise PydanticCustomError("after_spec", f"= {_shown(v)} is not an anchor: {_AFTER_HINT}")


AfterSpec = Annotated[
    After,
    PlainValidator(_validate_after),
    PlainSerializer(lambda a: a.written()),
    WithJsonSchema({
        "description": "The dated node(s) a milestone follows: a name, {all: [...]}, "
                       "{any: [...]} or {at_least: k, of: [...]}.",
        "anyOf": [
            {"type": "string"},
            {"type": "object", "properties": {"all": {"type": "array", "items": {
                "type": "string"}, "minItems": 1}}, "required": ["all"],
             "additionalProperties": False},
            {"type": "object", "properties": {"any": {"type": "array", "items": {
                "type": "string"}, "minItems": 1}}, "required": ["any"],
             "additionalProperties": False},
            {"type": "object", "properties": {
                "at_least": {"type": "integer", "minimum": 1},
                "of": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
             "required": ["at_least", "of"], "additionalProperties": False},
        ]}),
]

#: z such that Phi(z) = 0.95 and 0.90: a 90% interval spans 2 * 1.645 sd, a p90 is 1.2816 sd
#: above the median.
Z95 = 1.6448536269514722
Z90 = 1.2815515655446004


@dataclass(frozen=True, slots=True)
class Delay:
    """A milestone's delay in days after its anchor.

    ``kind`` is ``"fixed"`` (``days``), ``"lognormal"`` (``mu``, ``sigma`` of the log
    of the delay in days) or ``"curve"`` (``points``: whole days -> cumulative
    probability). ``written`` keeps the form the file used.
    """

    kind: Literal["fixed", "lognormal", "curve"]
    days: int = 0
    mu: float = 0.0
    sigma: float = 0.0
    points: tuple[tuple[int, float], ...] = ()
    written: Any = None

    def cdf(self, k: float) -> float:
        """P(offset <= k) for whole days ``k`` >= 0 (before any hazard ratio)."""
        if self.kind == "fixed":
            return 1.0 if k >= self.days else 0.0
        if k <= 0:
            return 0.0
        if self.kind == "lognormal":
            return 0.5 * math.erfc(-(math.log(k) - self.mu) / (self.sigma * math.sqrt(2.0)))
        prev_d, prev_p = 0, 0.0
        for d, p in self.points:
            if k <= d:
                return prev_p + (p - prev_p) * (k - prev_d) / (d - prev_d)
            prev_d, prev_p = d, p
        return prev_p


#: Longest fixed delay in days (100 years): as_of and horizon are at most 50 years
#: apart, so a longer delay never ends by the horizon (and a date that far on
#: overflows).
MAX_DELAY_DAYS = 36_525

_DELAY_HINT = ("write whole days (delay: 30), a 90% interval {between: [30, 200]}, "
               "{median: 120, p90: 300}, or a curve {by: {30: 0.2, 90: 0.6}} "
               "(P(within that many days))")


def _days(v: object, what: str, *, positive: bool = False) -> float:
    x = _number(v, what)
    if x < 0 or (positive and x == 0):
        raise PydanticCustomError("delay_negative", f"= {_shown(v)}: {what} must be "
                                  + ("> 0" if positive else ">= 0")
                                  + " days (a delay runs forward from its anchor)")
    return x


def _validate_delay(v: object) -> Delay:
    if isinstance(v, Delay):
        return v
    if isinstance(v, bool):
        raise PydanticCustomError("delay_spec", f"= {_shown(v)} is not a delay: {_DELAY_HINT}")
    if isinstance(v, int | float):
        x = _days(v, "a fixed delay")
        if x > MAX_DELAY_DAYS:
            raise PydanticCustomError("delay_long", f"= {_shown(v)}: a fixed delay is at most "
                                      f"{MAX_DELAY_DAYS:,} days (100 years; as_of and horizon "
                                      "are at most 50 years apart, so a longer delay never "
                                      "ends by the horizon)")
        if x != int(x):
            raise PydanticCustomError("delay_whole", f"= {_shown(v)}: a fixed delay is whole "
                                      "days (write 30, or an interval {between: [lo, hi]})")
        return Delay("fixed", days=int(x), written=int(x))
    if isinstance(v, Mapping):
        keys = set(v)
        if keys == {"between"}:
            b = v["between"]
            if not isinstance(b, list | tuple) or len(b) != 2:
                raise PydanticCustomError("delay_between", "between: must be [lo, hi], a 90% "
                                          "interval of the delay in days")
            lo, hi = (_days(x, "an interval bound", positive=True) for x in b)
            if not lo < hi:
                raise PydanticCustomError("delay_between", f"between: [{lo:g}, {hi:g}] needs "
                                          "lo < hi (a 90% interval of the delay in days)")
            mu = (math.log(lo) + math.log(hi)) / 2
            return Delay("lognormal", mu=mu, sigma=(math.log(hi) - math.log(lo)) / (2 * Z95),
                         written={"between": [b[0], b[1]]})
        if keys == {"median", "p90"}:
            m = _days(v["median"], "median", positive=True)
            q = _days(v["p90"], "p90", positive=True)
            if not m < q:
                raise PydanticCustomError("delay_median", f"median {m:g} must be below p90 "
                                          f"{q:g} (the 90th percentile of the delay)")
            return Delay("lognormal", mu=math.log(m), sigma=(math.log(q) - math.log(m)) / Z90,
                         written={"median": v["median"], "p90": v["p90"]})
        if keys == {"by"}:
            pts = v["by"]
            if not isinstance(pts, Mapping) or not pts:
                raise PydanticCustomError("delay_by", "by: must map whole days to cumulative "
                                          "probabilities, e.g. {30: 0.2, 90: 0.6}")
            out: list[tuple[int, float]] = []
            for d, p in pts.items():
                if isinstance(d, bool) or not isinstance(d, int) or d <= 0:
                    raise PydanticCustomError("delay_by", f"by: key {_shown(d)} must be whole "
                                              "days > 0 after the anchor")
                try:
                    float(d)  # compiling turns the days into floats
                except OverflowError:
                    raise PydanticCustomError(
                        "delay_by", f"by: key {_shown(d)} is not a finite number of days (past "
                        "the floating-point range, about 1.8e308; write whole days > 0 after "
                        "the anchor)") from None
                try:
                    x_spec = _validate_pspec(p)
                except PydanticCustomError as err:  # name the day whose value it is
                    what = err.message() if err.type == "p_range" else \
                        f"= {_shown(p)} must be a plain number in [0, 1] (a cumulative probability)"
                    raise PydanticCustomError("delay_by", f"by: {d}: {what}") from None
                if not isinstance(x_spec, float):
                    raise PydanticCustomError("delay_by", f"by: {d}: must be a plain number in "
                                              "[0, 1] (a cumulative probability)")
                if out and d <= out[-1][0]:
                    raise PydanticCustomError("delay_by", f"by: day {d} comes after day "
                                              f"{out[-1][0]}; list days in increasing order")
                if out and x_spec < out[-1][1]:
                    raise PydanticCustomError("delay_by", f"by: {d}: = {x_spec:g} is below the "
                                              f"previous point ({out[-1][1]:g}); cumulative "
                                              "probabilities must not decrease")
                out.append((d, x_spec))
            return Delay("curve", points=tuple(out), written={"by": dict(pts)})
    if isinstance(v, Mapping) and len({"median", "p90"} & set(v)) == 1:
        has, lacks = ("median", "p90") if "median" in v else ("p90", "median")
        raise PydanticCustomError(
            "delay_spec", f"= {_shown(v)} gives {has} without {lacks}: a lognormal delay "
            "needs both, in days, e.g. {median: 60, p90: 150} (90% of delays are within "
            "p90)")
    raise PydanticCustomError("delay_spec", f"= {_shown(v)} is not a delay: {_DELAY_HINT}")


DelaySpec = Annotated[
    Delay,
    PlainValidator(_validate_delay),
    PlainSerializer(lambda d: d.written),
    WithJsonSchema({
        "description": "Delay in days after the anchor: whole days, {between: [lo, hi]} (90% "
                       "interval), {median: m, p90: q}, or {by: {days: cumulative p}}.",
        "anyOf": [
            {"type": "integer", "minimum": 0, "maximum": MAX_DELAY_DAYS},
            {"type": "object", "properties": {"between": {
                "type": "array", "items": {"type": "number", "exclusiveMinimum": 0},
                "minItems": 2, "maxItems": 2}}, "required": ["between"],
             "additionalProperties": False},
            {"type": "object", "properties": {
                "median": {"type": "number", "exclusiveMinimum": 0},
                "p90": {"type": "number", "exclusiveMinimum": 0}},
             "required": ["median", "p90"], "additionalProperties": False},
            {"type": "object", "properties": {"by": {
                "type": "object", "propertyNames": {"pattern": "^[1-9][0-9]*$"},
                "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1}}},
             "required": ["by"], "additionalProperties": False},
        ]}),
]


class Node(_Model):
    """An event, pillar or clause: a binary node of the agreement model.

    Exactly one of ``p`` or ``given`` + ``table`` says how likely it is; ``odds``
    multiplies the odds by a factor when a binary parent is true (or by
    factor**value for a driver); ``requires`` / ``excludes`` are hard gates.
    ``why`` holds the analyst's rationale and ``why_table`` that of single rows
    of ``table`` (same nesting, text at the leaves); neither changes a number.
    """

    label: str | None = None
    source: SourceRef | None = None
    why: Why = None
    p: PSpec | None = None
    given: Annotated[list[str] | None, WithJsonSchema({
        "anyOf": [{"type": "array", "items": {"type": "string"}, "maxItems": 16},
                  {"type": "null"}],
        "description": "Parents of `table` (at most 16: the table has 2^k rows)."})] = None
    table: Annotated[dict[Any, Any] | None, WithJsonSchema(_TABLE_SCHEMA)] = None
    why_table: Annotated[dict[Any, Any] | None, WithJsonSchema(_WHY_TABLE_SCHEMA)] = None
    odds: dict[str, OddsFactor] = Field(default_factory=dict)
    requires: list[str] = Field(default_factory=list)
    excludes: list[str] = Field(default_factory=list)
    # format 2: dated events (events only; pillars and clauses are never dated)
    by: ByCurve | None = None
    why_by: Annotated[dict[dt.date, str], WithJsonSchema(_WHY_BY_SCHEMA)] = Field(
        default_factory=dict)
    hazard_ratio: dict[str, HazardRatio] = Field(default_factory=dict)
    after: AfterSpec | None = None
    delay: DelaySpec | None = None
    # format 3: categorical outcomes
    levels: Annotated[dict[str, float] | list[str] | None, WithJsonSchema({
        "anyOf": [
            {"type": "object", "propertyNames": {"pattern": "^[a-z][a-z0-9_]*$"},
             "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1},
             "minProperties": 2, "maxProperties": MAX_LEVELS},
            {"type": "array", "items": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
             "minItems": 2, "maxItems": MAX_LEVELS, "uniqueItems": True},
            {"type": "null"}],
        "description": "Named outcomes (format 3): {outcome: probability, ...} summing to 1, "
                       "or a list of outcome names when `table` gives {outcome: probability} "
                       "per row. The node is true (in the text) unless its outcome is "
                       "`absent`; closed gates make it `absent`."})] = None

    @property
    def level_names(self) -> tuple[str, ...]:
        """The outcomes written in ``levels`` (file order); ``()`` for a binary node."""
        if self.levels is None:
            return ()
        return tuple(self.levels)

    def level_rows(self) -> list[tuple[tuple[Any, ...], dict[str, float]]]:
        """A categorical node's outcome probabilities per row of its parents, as
        ``(keys in given order, {outcome: p})``; one row ``((), levels)`` without a
        table. Keys are true/false for binary parents and outcome names for
        categorical ones, rows in the order the table is written. Outcomes a row
        leaves out have probability 0. Only valid on a validated scenario."""
        if isinstance(self.levels, dict):
            return [((), {k: float(v) for k, v in self.levels.items()})]
        out: list[tuple[tuple[Any, ...], dict[str, float]]] = []
        stack: list[tuple[tuple[Any, ...], Any]] = [((), self.table)]
        depth = len(self.given or [])
        while stack:
            keys, node = stack.pop()
            if len(keys) == depth:
                out.append((keys, {str(k): float(v) for k, v in node.items()}))
                continue
            stack.extend((( *keys, k), v) for k, v in reversed(list(node.items())))
        return out

    @property
    def timing(self) -> Literal["curve", "milestone"] | None:
        """``"curve"`` for a ``by`` curve (or a table of them), ``"milestone"`` for
        ``after``, ``None`` for an undated node."""
        if self.after is not None:
            return "milestone"
        if self.by is not None or _curve_table(self.table):
            return "curve"
        return None

    def curve_entries(self) -> list[tuple[tuple[bool, ...], dict[dt.date, float | Beta | Between]]]:
        """Rows of a table of curves as ``(parent values in given order, by curve)``,
        in the order of :meth:`table_entries`; one row ``((), by)`` for a plain ``by``;
        none for a node not timed by a curve."""
        return _curve_entries(self)

    def table_entries(self) -> list[tuple[tuple[bool, ...], float | Beta | Between]]:
        """Rows of ``table`` as ``(parent values in given order, p spec)``.

        Rows come in the order of ``itertools.product((False, True), repeat=k)``,
        so row ``i`` has parent ``j`` true when bit ``k-1-j`` of ``i`` is set.
        Only valid on a validated scenario.
        """
        return [(combo, _validate_pspec(leaf)) for combo, leaf in _leaves(self.given, self.table)]

    def row_why(self, combo: tuple[bool, ...]) -> str | None:
        """The rationale ``why_table`` gives for one row of ``table`` (``None`` if none).

        ``combo`` holds the parents' values in ``given`` order, as in :meth:`table_entries`.
        """
        return _row_why(self.why_table, combo)


def _row_why(why_table: Any, combo: tuple[bool, ...]) -> str | None:
    leaf: Any = why_table
    for value in combo:
        if not isinstance(leaf, Mapping) or value not in leaf:
            return None
        leaf = leaf[value]
    return leaf if isinstance(leaf, str) else None


def _leaves(given: list[str] | None, table: Any) -> list[tuple[tuple[bool, ...], Any]]:
    """``(parent values in given order, leaf)`` of a nested table, rows in
    ``itertools.product((False, True), ...)`` order."""
    rows = []
    for combo in itertools.product((False, True), repeat=len(given or [])):
        leaf: Any = table
        for value in combo:
            leaf = leaf[value]
        rows.append((combo, leaf))
    return rows


def _curve_entries(spec: Node | Signing) -> list[tuple[tuple[bool, ...],
                                                        dict[dt.date, float | Beta | Between]]]:
    if spec.by is not None:
        return [((), dict(spec.by))]
    if spec.timing != "curve":  # a milestone (its table, if any, holds chances, not curves)
        return []
    return [(combo, curve_points(leaf)) for combo, leaf in _leaves(spec.given, spec.table)]


def _curve_table(table: Any) -> bool:
    """Whether a (nested) table's first leaf is a ``{by: ...}`` curve."""
    leaf = table
    for _ in range(64):
        if not isinstance(leaf, Mapping) or not leaf:
            return False
        if "by" in leaf:
            return True
        leaf = next(iter(leaf.values()))
    return False


def curve_points(leaf: Any) -> dict[dt.date, float | Beta | Between]:
    """The points of a row ``{by: {date: P}}`` of a table of curves, dates and uncertain
    points read into their types."""
    by = leaf["by"]
    return {(d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d))): _validate_pspec(v)
            for d, v in by.items()}


class Pillar(Node):
    """A pillar of the agreement, holding its clauses."""

    clauses: dict[str, Node] = Field(default_factory=dict)


class Driver(_Model):
    """A continuous latent factor shared by many nodes."""

    label: str | None = None
    source: SourceRef | None = None
    why: Why = None
    dist: Literal["normal", "uniform"]
    mean: float | None = None
    sd: float | None = None
    low: float | None = None
    high: float | None = None


class Signing(_Model):
    """Timing of signing: cumulative P(signed on or before each date).

    ``why`` holds the rationale of the curve, ``why_by`` that of single points
    (a date of ``by`` -> text); neither changes a number.
    """

    label: str | None = None
    source: SourceRef | None = None
    why: Why = None
    by: ByCurve | None = None
    why_by: Annotated[dict[dt.date, str], WithJsonSchema(_WHY_BY_SCHEMA)] = Field(
        default_factory=dict)
    # format 2: timing that depends on parents
    given: Annotated[list[str] | None, WithJsonSchema({
        "anyOf": [{"type": "array", "items": {"type": "string"}, "maxItems": 16},
                  {"type": "null"}],
        "description": "Parents of a `table` of curves (format 2)."})] = None
    table: Annotated[dict[Any, Any] | None, WithJsonSchema({
        "type": "object", "description": "Nested table over `given`, keys true/false, "
        "leaves {by: {date: p}} curves (format 2).",
        "propertyNames": {"enum": ["true", "false"]}})] = None
    why_table: Annotated[dict[Any, Any] | None, WithJsonSchema(_WHY_TABLE_SCHEMA)] = None
    hazard_ratio: dict[str, HazardRatio] = Field(default_factory=dict)


    @property
    def timing(self) -> Literal["curve"]:
        """Signing always has curve timing (``by``, or a table of curves)."""
        return "curve"

    def curve_entries(self) -> list[tuple[tuple[bool, ...], dict[dt.date, float | Beta | Between]]]:
        """Rows of curves as :meth:`Node.curve_entries`."""
        return _curve_entries(self)

    def row_why(self, combo: tuple[bool, ...]) -> str | None:
        """The rationale ``why_table`` gives for one row of ``table`` (``None`` if none)."""
        return _row_why(self.why_table, combo)


def signing_form(v: Any) -> str:
    """Which model reads a ``signing:`` section: a milestone (``after:`` another dated
    node, format 2) is a :class:`Node`; a curve (``by``, or a table of curves) is a
    :class:`Signing`."""
    if isinstance(v, Signing):
        return "curve"
    if isinstance(v, Node):
        return "milestone"
    return "milestone" if isinstance(v, Mapping) and v.get("after") is not None else "curve"


#: The ``signing:`` section: its curve (:class:`Signing`), or (format 2) a milestone after
#: other dated nodes, written as an event's (:class:`Node` with ``after`` + ``delay``).
SigningSpec = Annotated[Annotated[Signing, Tag("curve")] | Annotated[Node, Tag("milestone")],
                        Discriminator(signing_form)]


def parent_entries(spec: object) -> list[str]:
    """``given``, ``odds``, ``requires``, ``excludes``, ``hazard_ratio`` and ``after``
    entries of a node, in that order (names or condition texts)."""
    if not isinstance(spec, Node | Signing):
        return []
    out = list(spec.given or [])
    if isinstance(spec, Node):
        out += list(spec.odds) + spec.requires + spec.excludes
    out += list(spec.hazard_ratio)
    if isinstance(spec, Node) and spec.after is not None:
        out += list(spec.after.names)
    return out


class Question(_Model):
    """A question in long form: ``{expr: ..., label: ..., why: ...}``."""

    expr: str
    label: str | None = None
    why: Why = None


#: Most entries of ``observations:`` (the same bound as findings passed at once).
MAX_OBSERVATIONS = 1_000


def _validate_likelihood_ratio(v: object) -> float:
    x = _number(v, "a likelihood ratio")
    if x <= 0:
        raise PydanticCustomError(
            "odds_likelihood",
            "= {value} must be > 0 (a likelihood ratio: how many times likelier the news is if "
            "the evidence holds than if it does not; 3 favours it, 0.5 counts against it; for "
            "news that rules a case out, drop likelihood_ratio to make the evidence hard)",
            {"value": _shown(v)},
        )
    return x


LikelihoodRatio = Annotated[
    float,
    PlainValidator(_validate_likelihood_ratio),
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0,
                    "description": "Soft evidence: the news is this many times as likely if "
                                   "`evidence` holds as if it does not (a finite number > 0)."}),
]


def _validate_observation_date(v: object) -> dt.date:
    if isinstance(v, dt.datetime):
        raise PydanticCustomError(
            "not_a_day", f"= {v.isoformat(sep=' ')} must be a date without a time, YYYY-MM-DD")
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(v.strip())
    raise PydanticCustomError(
        "not_a_date", f"= {_shown(v)} is not a date (dates are YYYY-MM-DD, e.g. 2024-12-01)")


def _validate_day(v: object) -> object:
    """A date in a time zone is refused: which day it is depends on the zone (pydantic would
    keep its date quietly). Other values are left to pydantic's date checks."""
    if isinstance(v, dt.datetime) and v.tzinfo is not None:
        raise PydanticCustomError(
            "not_a_day", f"= {v.isoformat()} must be a date without a time, YYYY-MM-DD")
    return v


#: ``as_of`` and ``horizon``: a date, or a datetime at midnight without a time zone.
Day = Annotated[dt.date, BeforeValidator(_validate_day)]

ObservationDate = Annotated[
    dt.date,
    BeforeValidator(_validate_observation_date),
    WithJsonSchema({"type": "string", "format": "date",
                    "description": "When the news was learnt: a date after as_of and on or "
                                   "before the horizon."}),
]


class Observation(_Model):
    """One entry of ``observations:`` (format 2): news learnt on ``date``.

    ``evidence`` is a true/false expression in the scenario language. Without
    ``likelihood_ratio`` it is hard evidence (it holds); with one it is soft
    evidence (the news is that many times as likely if it holds as if it does
    not). ``source`` says where it was learnt; ``why`` is the analyst's reading.
    """

    date: ObservationDate
    source: Annotated[str, Field(description="Where it was learnt (free text: outlet, date, "
                                             "what it said).")]
    evidence: Annotated[str, Field(description="What it shows: a true/false expression, e.g. "
                                               "'not signing.date <= 2024-12-01'.")]
    likelihood_ratio: LikelihoodRatio | None = None
    why: Why = None

    def finding(self) -> Finding:
        """This observation as a :class:`~pactsim.language.evidence.Finding`."""
        from pactsim.language.evidence import Finding

        return Finding(self.evidence, self.likelihood_ratio, self.date, self.source)


_SECTION = {"driver": "drivers", "event": "events", "pillar": "pillars",
            "question": "questions"}


@dataclass(frozen=True, slots=True)
class NodeView:
    """One named node of a scenario, whatever section it sits in."""

    name: str
    kind: NodeKind
    spec: Node | Driver | Signing | Question
    pillar: str | None = None

    @property
    def label(self) -> str:
        return self.spec.label or self.name.replace("_", " ")

    @property
    def why(self) -> str | None:
        """The analyst's rationale for this node (``why:`` in the file), or ``None``."""
        return self.spec.why

    @property
    def is_binary(self) -> bool:
        return self.kind in BINARY_KINDS

    @property
    def timing(self) -> Literal["curve", "milestone"] | None:
        """How the node is dated: ``"curve"`` (signing, or an event with a ``by``
        curve), ``"milestone"`` (an event, or signing, ``after`` others), ``None``
        (not dated)."""
        if self.kind == "signing" and isinstance(self.spec, Signing):
            return "curve"
        if self.kind in ("event", "signing") and isinstance(self.spec, Node):
            return self.spec.timing
        return None

    @property
    def is_dated(self) -> bool:
        """Whether the node has a date (``name.date`` in expressions)."""
        return self.timing is not None

    @property
    def path(self) -> tuple[str, ...]:
        """Where the node sits in the file: ``("pillars", "military", "clauses", name)``…"""
        if self.kind == "signing":
            return ("signing",)
        if self.kind == "clause":
            return ("pillars", self.pillar or "", "clauses", self.name)
        return (_SECTION[self.kind], self.name)


def _node_view_refuses(self: NodeView, name: str, value: Any = None) -> None:
    """A node view is frozen like its scenario: FrozenError naming with_changes (the
    slotted frozen dataclass raised a bare TypeError about super(); review-fuzz16)."""
    raise _refuse_edit(f"set NodeView.{name} of '{self.name}'")


def _node_view_refuses_del(self: NodeView, name: str) -> None:
    raise _refuse_edit(f"delete NodeView.{name} of '{self.name}'")


# after the dataclass is made: its __init__ sets the fields with object.__setattr__
NodeView.__setattr__ = _node_view_refuses  # type: ignore[method-assign,assignment]
NodeView.__delattr__ = _node_view_refuses_del  # type: ignore[method-assign,assignment]


#: pydantic v1 methods, deprecated in v2 (``model_dump`` and friends replace them).
_PYDANTIC_V1 = frozenset({
    "dict", "json", "parse_obj", "parse_raw", "parse_file", "from_orm", "construct", "copy",
    "schema", "schema_json", "validate", "update_forward_refs", "_iter", "_copy_and_set_values",
    "_get_value", "_calculate_keys"})


class Scenario(_Model):
    """A validated, frozen scenario (format 1, 2 or 3).

    Build one with :func:`pactsim.load` or :func:`pactsim.loads`; constructing
    it directly skips the cross-reference checks.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra={"title": "pactsim"})

    pactsim: Literal[1, 2, 3]
    id: str
    title: str | None = None
    description: str | None = None
    as_of: Day
    horizon: Day
    sources: dict[str, str] = Field(default_factory=dict)
    drivers: dict[str, Driver] = Field(default_factory=dict)
    events: dict[str, Node] = Field(default_factory=dict)
    signing: SigningSpec | None = None
    pillars: dict[str, Pillar] = Field(default_factory=dict)
    attributes: Annotated[dict[str, Attribute], Field(
        description="Format 3: numeric attributes of the agreement (a quantity with a "
                    "distribution, or a table of them over parents); questions may use them, "
                    "nodes may not.")] = Field(default_factory=dict)
    questions: dict[str, str | Question] = Field(default_factory=dict)
    observations: Annotated[tuple[Observation, ...], Field(
        max_length=MAX_OBSERVATIONS,
        description="Format 2: news as it arrives, each entry dated, with its source and "
                    "the evidence it gives (any order; read in date order).")] = ()
    _origin: Any = PrivateAttr(default=None)  # the source's pactsim.language._yaml.Located
    _compiled: Any = PrivateAttr(default=None)  # its CompiledModel, once built
    #: ``(base, keys)`` when made by ``base.with_changes`` (until compiled): a change of
    #: numbers is compiled from the base's model (pactsim.inference.renumber)
    _derived: Any = PrivateAttr(default=None)
    _renumber: Any = PrivateAttr(default=None)  # its pactsim.inference.renumber.Renumber
    _extends: tuple[str, ...] = PrivateAttr(default=())  # the files `extends:` followed
    #: the ids of the scenarios it was made from by ``with_changes`` (its base first):
    #: a variant given a new id still forecasts its base's agreement (pactsim.diff)
    _made_from: tuple[str, ...] = PrivateAttr(default=())

    @property
    def extends(self) -> tuple[str, ...]:
        """The files this scenario varies, read through ``extends:``: its base first, then
        the base's base, and so on (``()`` when it was not read from such a file).

        Information only: like the file name, it takes no part in equality or the
        :attr:`digest` (a variant equals the same scenario written out whole).
        """
        return self._extends

    def findings(self, as_of: dt.date | str | None = None) -> tuple[Finding, ...]:
        """The ``observations:`` learnt on or before ``as_of`` (all of them for ``None``),
        as :class:`~pactsim.language.evidence.Finding` objects in date order (entries of
        one day in file order).

        These are what the forecast of this file is conditioned on (see
        :func:`pactsim.language.evidence.evidence_for`); ``as_of`` before the
        first observation gives ``()``, the priors alone.

        Examples
        --------
        >>> import pactsim
        >>> sc = pactsim.loads("pactsim: 2\\nid: x\\nas_of: 2024-01-01\\nhorizon: 2024-12-31\\n"
        ...                    "events:\\n  rain: {p: 0.3}\\nobservations:\\n"
        ...                    "  - {date: 2024-03-01, source: radio, evidence: rain}\\n")
        >>> [(f.expr, f.date.isoformat(), f.source) for f in sc.findings()]
        [('rain', '2024-03-01', 'radio')]
        >>> sc.findings("2024-02-01")
        ()
        """
        from pactsim.language.evidence import observation_date

        cutoff = None if as_of is None else observation_date(as_of, "as_of")
        ordered = sorted(self.observations, key=lambda o: o.date)  # stable: file order in a day
        return tuple(o.finding() for o in ordered if cutoff is None or o.date <= cutoff)

    def __eq__(self, other: object) -> bool:
        """Equal when the canonical JSON is the same (so the :attr:`digest` is too).

        The order of keys is part of a scenario: drivers and binary nodes draw
        their random numbers in file order (ties of the dependency order are
        broken by it), so two scenarios that list the same nodes in another
        order give other draws for the same seed, and are not equal. Equal
        scenarios have the same digest and hash and give the same draws for
        the same ``(n, seed)``. Where the scenario was read from (file name,
        positions, comments) is ignored.
        """
        if not isinstance(other, Scenario):
            return NotImplemented
        return self is other or self.digest == other.digest

    def __hash__(self) -> int:
        """Hash of the :attr:`digest`: equal scenarios hash equal."""
        return hash(self.digest)

    def __getstate__(self) -> dict[Any, Any]:
        """Pickled without the caches that hold other objects: the scenario a variant
        was made from (``_derived``) and the what-if helper (``_renumber``)."""
        state: dict[Any, Any] = super().__getstate__()
        private = state.get("__pydantic_private__")
        if private:
            state["__pydantic_private__"] = {**private, "_derived": None, "_renumber": None}
        return state

    def model_copy(self, *, update: Mapping[str, Any] | None = None,
                   deep: bool = False) -> Self:
        """pydantic's copy; with ``update``, also without what was worked out from the
        old values (the :attr:`digest`, the node views, the compiled model and the
        scenario a variant was made from), so the copy is read afresh.

        Unlike pydantic's, a copy with ``update`` is **validated** as a file is (a
        scenario is always valid): a bad value raises
        :class:`~pactsim.errors.ScenarioError` naming the field (review-api27: a
        horizon before ``as_of`` reached numpy). :meth:`with_changes` does the same
        by dotted path.
        """
        copy = super().model_copy(update=update, deep=deep)
        if update:
            for name in _caches(type(self)):
                copy.__dict__.pop(name, None)
            copy._compiled = copy._derived = copy._renumber = None
            from pactsim.language.io import from_dict  # (io imports this module)

            with warnings.catch_warnings():  # pydantic warns of values of another type
                warnings.simplefilter("ignore")
                data = copy.model_dump(exclude_defaults=True, warnings=False)
            valid = from_dict(data, name=f"{self.id} (model_copy)")  # raises if not valid
            # the copy keeps its class and private state, with the values as validated
            # (typed and frozen: a horizon given as text is a date; review-change27)
            for name in type(valid).model_fields:
                copy.__dict__[name] = valid.__dict__[name]
        return copy

    def copy(self, *, include: Any = None, exclude: Any = None,
             update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """pydantic v1's spelling of :meth:`model_copy` (validated too; review-api27: it
        made a scenario with a horizon before ``as_of``)."""
        if include is not None or exclude is not None:
            raise ArgumentError("Scenario.copy: include= and exclude= are not taken (a "
                                "scenario keeps every section); use model_copy(update=...) "
                                "or with_changes")
        return self.model_copy(update=update, deep=deep)

    def __dir__(self) -> list[str]:
        """Names for tab completion, without pydantic's deprecated v1 methods."""
        return sorted(n for n in super().__dir__() if n not in _PYDANTIC_V1)

    def with_changes(self, changes: Mapping[str, Any] | None = None, /,
                     **more: Any) -> Scenario:
        """A new, validated scenario with some values changed.

        Keys are dotted paths, either from the top (``"signing.by.2024-12-31"``,
        ``"pillars.military.p"``) or starting at a node's name
        (``"military.p"``, ``"su35_sale.odds.alignment"``). Every part of a path
        must exist (fields count even when not written), no two keys may set the
        same value (nor one a part of what the other sets); only the last part may add
        a key, such as a new ``by`` date, which goes in date order. Setting a
        node's ``p`` drops its ``given``/``table`` and the reverse. Everything
        else (labels, sources, the order of keys) is kept. Keyword arguments
        are shorthand for top-level fields (``horizon=...``) and win over
        ``changes``. See :mod:`pactsim.language.variants`.

        Raises
        ------
        ArgumentTypeError
            ``changes`` is not a mapping, or a key is not text.
        ArgumentError
            A key names nothing in the scenario (each such key on a line).
        ScenarioError
            The changed scenario is invalid: every problem, each named by the
            key that caused it, ``with_changes: military.p: = 1.5 must be in
            [0, 1] ...``.

        Warns
        -----
        PactsimWarning
            A key adds a node or source whose name is one slip of the hand from
            a name the scenario has (``military.clauses.su35_sael`` beside
            ``su35_sale``); the node is added all the same.

        Examples
        --------
        >>> import pactsim
        >>> sc = pactsim.loads("pactsim: 1\\nid: x\\nas_of: 2024-01-01\\nhorizon: 2024-12-31\\n"
        ...                    "events:\\n  rain: {p: 0.3}\\n")
        >>> sc.with_changes({"rain.p": 0.5}).events["rain"].p
        0.5
        """
        from pactsim.language.variants import with_changes

        return with_changes(self, changes, more)

    def do(self, settings: Mapping[str, Any], /) -> Scenario:
        """The scenario under an intervention: each node in ``settings`` set, its
        causes cut (``{"mutual_defence": True}``, ``{"signing": "2025-01-17"}``,
        ``{"ratified_ir": False}``). Unlike conditioning, what the node depends on
        does not change. See :mod:`pactsim.language.interventions`.

        Examples
        --------
        >>> import pactsim
        >>> sc = pactsim.loads("pactsim: 1\\nid: x\\nas_of: 2024-01-01\\nhorizon: 2024-12-31\\n"
        ...                    "events:\\n  rain: {p: 0.3}\\n  wet: {given: [rain], table: "
        ...                    "{true: 0.9, false: 0.1}}\\n")
        >>> sc.do({"wet": True}).events["wet"].p
        1.0
        """
        from pactsim.language.interventions import intervene

        return intervene(self, settings)

    def __repr__(self) -> str:
        kinds = [v.kind for v in self.iter_nodes()]
        parts = [f"{kinds.count(k)} {k}{'s' if kinds.count(k) != 1 else ''}"
                 for k in ("driver", "event", "pillar", "clause", "question") if k in kinds]
        if self.attributes:  # format 3
            n = len(self.attributes)
            parts.insert(len(parts) - ("question" in kinds),
                         f"{n} attribute{'s' if n != 1 else ''}")
        timing = ", signing" if self.signing is not None else ""
        return (f"<Scenario {self.id!r}: {', '.join(parts) or 'no nodes'}{timing}; "
                f"as_of {self.as_of}, horizon {self.horizon}>")

    __str__ = __repr__

    def locate(self, path: tuple[Any, ...], *, key: bool = False) -> tuple[str | None, int | None,
                                                                         int | None]:
        """``(file, line, column)`` of a field path in the file this came from (or Nones)."""
        if self._origin is None:
            return (None, None, None)
        at = getattr(self._origin, "where", None)  # read from several files (extends:)
        if at is not None:
            found: tuple[str, int | None, int | None] = at(tuple(path), key=key)
            return found
        line, col = self._origin.locate(path, key=key)
        return (self._origin.name, line, col)

    # -- navigation ---------------------------------------------------------
    def iter_nodes(self) -> Iterator[NodeView]:
        """Every named node in file order: drivers, events, signing, pillars
        (each followed by its clauses), questions."""
        for name, d in self.drivers.items():
            yield NodeView(name, "driver", d)
        for name, e in self.events.items():
            yield NodeView(name, "event", e)
        if self.signing is not None:
            yield NodeView("signing", "signing", self.signing)
        for name, p in self.pillars.items():
            yield NodeView(name, "pillar", p)
            for cname, c in p.clauses.items():
                yield NodeView(cname, "clause", c, pillar=name)
        for name, q in self.questions.items():
            yield NodeView(name, "question", q if isinstance(q, Question) else Question(expr=q))

    @cached_property
    def nodes(self) -> dict[str, NodeView]:
        """All nodes by name, in file order (read-only: :class:`FrozenDict`)."""
        return FrozenDict({v.name: v for v in self.iter_nodes()})

    @property
    def binary_names(self) -> list[str]:
        """Names of the binary nodes (events, signing, pillars, clauses), file order."""
        return [v.name for v in self.nodes.values() if v.is_binary]

    @property
    def dated_names(self) -> list[str]:
        """Names of the dated nodes (signing, dated events, milestones), file order."""
        return [v.name for v in self.nodes.values() if v.is_dated]

    @cached_property
    def outcomes(self) -> dict[str, tuple[str, ...]]:
        """Categorical nodes (format 3) and their possible outcomes, file order:
        ``absent`` comes first when the node can be absent — it lists ``absent``,
        or it has gates (``requires``/``excludes``, a clause's pillar, a pillar's
        signing) that make it absent when closed — then the other levels as written."""
        out: dict[str, tuple[str, ...]] = {}
        for view in self.nodes.values():
            spec = view.spec
            if not isinstance(spec, Node) or spec.levels is None:
                continue
            levels = [x for x in spec.level_names if x != "absent"]
            gated = (view.kind == "clause" or (view.kind == "pillar" and self.signing is not None)
                     or bool(spec.requires) or bool(spec.excludes))
            absent = "absent" in spec.level_names or gated
            out[view.name] = (("absent",) if absent else ()) + tuple(levels)
        return FrozenDict(out)

    @cached_property
    def conditions(self) -> dict[str, Any]:
        """Conditions used as parents (format 2): the text of every ``given`` entry and
        ``odds``/``hazard_ratio`` key that is an expression, not a name, mapped to its
        parsed tree (:mod:`pactsim.language.expr`), in file order. Tests of categorical
        outcomes are resolved (``instc == named`` is the outcome row ``instc=named``)."""
        from pactsim.language import expr as _expr

        scope = {n: _expr.NameInfo("bool", levels=lv) for n, lv in self.outcomes.items()}
        out: dict[str, Any] = {}
        for view in self.nodes.values():
            for text in parent_entries(view.spec):
                if is_condition(text) and text not in out:
                    out[text] = _expr.resolve(_expr.parse(text), scope)
        for spec in self.attributes.values():  # format 3: conditions gating attributes
            for text in [*(spec.given or []), *spec.requires, *spec.excludes]:
                if is_condition(text) and text not in out:
                    out[text] = _expr.resolve(_expr.parse(text), scope)
        return FrozenDict(out)

    def key_dates(self, most: int = 12) -> list[dt.date]:
        """Dates worth reporting, at most about ``2 * most`` whatever the span.

        The ``by`` points (evenly thinned to ``most`` when there are more, the
        last kept), and period ends in (as_of, horizon]: quarter ends when there
        are at most ``most`` of them, else year ends, else every k-th year end.
        ``most`` is a whole number >= 1.
        """
        if isinstance(most, bool) or not isinstance(most, numbers.Integral) or most < 1:
            # (review-api27: 0 divided by zero, "3" met '>' of int and str)
            raise ArgumentError(f"key_dates: most = {most!r} must be a whole number >= 1")
        most = int(most)
        signing = self.signing  # a milestone signing has no points of its own
        by = sorted({d for _, curve in signing.curve_entries() for d in curve}
                    if signing is not None and signing.timing == "curve"
                    else [])  # a table of curves: every row's dates
        if len(by) > most:
            step = len(by) / most
            by = sorted({by[int(i * step)] for i in range(most)} | {by[-1]})
        first, last = self.as_of.year, self.horizon.year
        quarters = [dt.date(y, m, 31 if m in (3, 12) else 30)
                    for y in range(first, last + 1) if last - first <= most
                    for m in (3, 6, 9, 12)]
        ends = [d for d in quarters if self.as_of < d <= self.horizon]
        if not ends or len(ends) > most:
            years = [dt.date(y, 12, 31) for y in range(first, last + 1)
                     if self.as_of < dt.date(y, 12, 31) <= self.horizon]
            k = -(-len(years) // most)  # ceil: at most `most` year ends
            ends = years[k - 1::k] if len(years) > most else years
        return sorted(set(by) | set(ends))

    def question_text(self, name: str) -> str:
        """The expression of question ``name``."""
        if name not in self.questions:  # (review-api27: a bare KeyError)
            raise ArgumentError(f"{name!r} is not a question of scenario '{self.id}'"
                                + did_you_mean(str(name), list(self.questions)))
        q = self.questions[name]
        return q.expr if isinstance(q, Question) else q

    def parents(self, name: str) -> list[str]:
        """Direct dependencies of a node: ``given``, ``odds``, ``requires``,
        ``excludes`` and the implicit gates (pillar ← signing, clause ← pillar)."""
        if name not in self.nodes:  # (review-api27: a bare KeyError)
            raise ArgumentError(f"{name!r} is not a node of scenario '{self.id}'"
                                + did_you_mean(str(name), list(self.nodes)))
        view = self.nodes[name]
        out: list[str] = []
        if view.kind == "pillar" and self.signing is not None:
            out.append("signing")
        if view.kind == "clause" and view.pillar is not None:
            out.append(view.pillar)
        if isinstance(view.spec, Node | Signing):
            for entry in parent_entries(view.spec):
                if is_condition(entry):  # a condition: the names it uses
                    from pactsim.language import expr as _expr

                    out += [n.split("=", 1)[0]
                            for n in _expr.ordered_names(self.conditions[entry])]
                else:
                    out.append(entry)
        return list(dict.fromkeys(out))

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the scenario's canonical JSON: equal scenarios, equal digests."""
        text = self.model_dump_json(exclude_defaults=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def _repr_html_(self) -> str:
        from pactsim.views.display import scenario_html

        return scenario_html(self)


@functools.cache
def _caches(cls: type) -> tuple[str, ...]:
    """The values a Scenario (or a subclass) works out once from its fields: the names
    of its ``functools.cached_property`` attributes."""
    return tuple(name for c in cls.__mro__ for name, value in vars(c).items()
                 if isinstance(value, cached_property))
