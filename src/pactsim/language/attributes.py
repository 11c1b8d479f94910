"""Numeric attributes of an agreement (format 3): quantities with a distribution.

An attribute is a number the text will have — its term in years, its number of
articles, a delay — whose law may depend on binary or categorical parents
through a table of distributions::

    attributes:
      n_articles:
        label: Number of articles
        dist: {lognormal: {median: 40, p90: 60}}
        round: true
        requires: [signing]
      term_years:
        given: [military]
        table:
          true: {values: {20: 0.7, 10: 0.3}}
          false: 20

Attributes are *leaves*: nodes (events, pillars, clauses, signing) may not
depend on them, but questions and observations may (``n_articles >= 40``,
``term_years == 20 and military``; a question may be just ``n_articles``).
When a gate (``requires``/``excludes``) is closed the attribute is missing
(``NaN``) in that draw, like a missing date: every comparison with it is false
but ``!=``, and numeric summaries leave the draw out and report the share.

Quantity distributions (:class:`Quantity`):

====================================  =========================================
written                               law
====================================  =========================================
``20``                                the fixed value 20
``{normal: {mean: m, sd: s}}``        normal, ``s > 0``
``{uniform: {low: a, high: b}}``      uniform on ``[a, b]``, ``a < b``
``{lognormal: {median: m, p90: q}}``  lognormal through its median and 90th
                                      percentile, ``q > m > 0``
``{values: {20: 0.7, 10: 0.3}}``      discrete, probabilities summing to 1
====================================  =========================================

``round: true`` rounds each value to the nearest whole number (half to even,
which has probability 0 for the continuous laws).

This module holds the data model and the located checks; the engine draws an
attribute with one uniform per draw by the inverse CDF (:meth:`Quantity.ppf`),
and exact inference uses :meth:`Quantity.cdf` (see
:mod:`pactsim.inference.attributes`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StrictBool,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from pactsim.language._frozen import FrozenModel

if TYPE_CHECKING:  # numpy is imported where a quantity is drawn: reading a file needs none
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["DISTRIBUTIONS", "Attribute", "Quantity", "parse_quantity", "quantity_problems"]

#: z such that Phi(z) = 0.9 (a p90 is this many sd above the median, in logs).
_Z90 = 1.2815515655446004
#: Distribution names, with their parameters in the order they are written.
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "normal": ("mean", "sd"),
    "uniform": ("low", "high"),
    "lognormal": ("median", "p90"),
    "values": (),
}
_HINT = ("write a number (a fixed value), {normal: {mean: m, sd: s}}, {uniform: {low: a, "
         "high: b}}, {lognormal: {median: m, p90: q}} or {values: {20: 0.7, 10: 0.3}}")
#: Most values a ``values`` distribution may list.
MAX_VALUES = 1_000

#: Largest size of an attribute's value, parameter, mean or sd: so that draws,
#: means, variances and the report's axes stay finite.
MAX_QUANTITY = 1e100
_TOO_BIG = (f"at most {MAX_QUANTITY:g} in size (an attribute's values, mean and sd stay "
            f"within ±{MAX_QUANTITY:g}, so that means and variances are finite; rescale the "
            "unit, e.g. millions)")


@dataclass(frozen=True, eq=False)
class Quantity:
    """A validated quantity distribution.

    ``kind`` is ``"fixed"`` (``a``), ``"normal"`` (mean ``a``, sd ``b``),
    ``"uniform"`` (``[a, b]``), ``"lognormal"`` (``a``, ``b``: mean and sd of the
    log) or ``"values"`` (``values`` with ``probs``, sorted by value); ``written``
    keeps the form the file used.
    """

    kind: Literal["fixed", "normal", "uniform", "lognormal", "values"]
    a: float = 0.0
    b: float = 0.0
    values: tuple[float, ...] = ()
    probs: tuple[float, ...] = ()
    written: Any = None

    def _key(self) -> tuple[object, ...]:
        return (self.kind, self.a, self.b, self.values, self.probs)

    def __eq__(self, other: object) -> bool:
        """Equal laws are equal, however written (``20`` and ``20.0``)."""
        return isinstance(other, Quantity) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    @property
    def discrete(self) -> bool:
        """Whether the law has atoms (fixed or ``values``)."""
        return self.kind in ("fixed", "values")

    def support(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Atoms and their probabilities of a discrete law (``fixed``: one atom)."""
        import numpy as np

        if self.kind == "fixed":
            return np.array([self.a]), np.array([1.0])
        return np.array(self.values, dtype=np.float64), np.array(self.probs, dtype=np.float64)

    def ppf(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        """The inverse CDF at ``u`` in (0, 1): the value of a draw with uniform ``u``."""
        import numpy as np

        u = np.asarray(u, dtype=np.float64)
        if self.kind == "fixed":
            return np.full(u.shape, self.a)
        if self.kind == "uniform":
            return np.asarray(self.a + (self.b - self.a) * u, dtype=np.float64)
        if self.kind == "values":
            cum = np.cumsum(self.probs)
            idx = np.searchsorted(cum, u, side="right")
            return np.asarray(np.array(self.values)[np.minimum(idx, len(self.values) - 1)],
                              dtype=np.float64)
        from scipy import special  # lazily: `import pactsim` stays light

        z = special.ndtri(u)
        if self.kind == "normal":
            return np.asarray(self.a + self.b * z, dtype=np.float64)
        return np.asarray(np.exp(self.a + self.b * z), dtype=np.float64)

    def cdf(self, x: NDArray[np.float64] | float) -> NDArray[np.float64]:
        """P(X <= x), elementwise (``-inf`` gives 0, ``inf`` gives 1)."""
        import numpy as np

        x = np.asarray(x, dtype=np.float64)
        if self.discrete:
            vals, probs = self.support()
            cum = np.concatenate([[0.0], np.cumsum(probs)])
            return np.asarray(np.minimum(cum[np.searchsorted(vals, x, side="right")], 1.0),
                              dtype=np.float64)
        if self.kind == "uniform":
            return np.asarray(np.clip((x - self.a) / (self.b - self.a), 0.0, 1.0),
                              dtype=np.float64)
        from scipy import special

        if self.kind == "normal":
            return np.asarray(special.ndtr((x - self.a) / self.b), dtype=np.float64)
        with np.errstate(divide="ignore"):
            logx = np.where(x > 0, np.log(np.maximum(x, 1e-300)), -np.inf)
        return np.asarray(np.where(x > 0, special.ndtr((logx - self.a) / self.b), 0.0),
                          dtype=np.float64)

    def moments(self) -> tuple[float, float]:
        """Mean and variance."""
        if self.discrete:
            vals, probs = self.support()
            mean = float(vals @ probs)
            return mean, float(((vals - mean) ** 2) @ probs)
        if self.kind == "normal":
            return self.a, self.b * self.b
        if self.kind == "uniform":
            return (self.a + self.b) / 2, (self.b - self.a) ** 2 / 12
        s2 = self.b * self.b
        return math.exp(self.a + s2 / 2), math.expm1(s2) * math.exp(2 * self.a + s2)


Problems = list[tuple[tuple[Any, ...], str, bool]]  # (path below the spec, message, at the key)


def _shown(value: object) -> str:
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    try:
        text = repr(value)
    except ValueError:  # a whole number past Python's limit for turning digits into text
        return "a number of more than 4,300 digits"
    return text if len(text) <= 60 else text[:56] + " ..." + text[-1]


def _is_number(v: object) -> bool:
    """A finite int or float; not a whole number past the float range (10**400)."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        return False
    try:
        return math.isfinite(float(v))
    except OverflowError:
        return False


def _nearest(name: str, candidates: Sequence[str]) -> str:
    from pactsim.errors import did_you_mean

    return did_you_mean(name, candidates)


def quantity_problems(v: object) -> tuple[Quantity | None, Problems]:
    """Parse a quantity distribution: ``(Quantity, [])``, or ``(None, problems)``, each
    problem ``(path below the spec, message, whether it points at a key)``."""
    out: Problems = []
    if _is_number(v):
        x = float(v)  # type: ignore[arg-type]
        if abs(x) > MAX_QUANTITY:
            return None, [((), f"= {_shown(v)} must be {_TOO_BIG}", False)]
        return Quantity("fixed", a=x, written=v), out
    if isinstance(v, bool | int | float):
        what = "true/false is not a number" if isinstance(v, bool) else "not a finite number"
        return None, [((), f"= {_shown(v)} is not a quantity ({what}): {_HINT}", False)]
    if not isinstance(v, Mapping) or len(v) != 1:
        if isinstance(v, Mapping) and len(v) > 1:
            keys = ", ".join(map(str, v))
            return None, [((), f"names {len(v)} distributions ({keys}); give one: {_HINT}",
                           False)]
        return None, [((), f"= {_shown(v)} is not a quantity: {_HINT}", False)]
    ((dist, params),) = v.items()
    if dist not in DISTRIBUTIONS:
        hint = _nearest(dist, list(DISTRIBUTIONS)) if isinstance(dist, str) else ""
        return None, [((dist,), f"unknown distribution {_shown(dist)}{hint} ({_HINT})", True)]
    if dist == "values":
        return _values(params, v)
    names = DISTRIBUTIONS[dist]
    example = {"normal": "{mean: 40, sd: 5}", "uniform": "{low: 10, high: 30}",
               "lognormal": "{median: 40, p90: 60}"}[dist]
    if not isinstance(params, Mapping):
        return None, [((dist,), f"= {_shown(params)} must be a mapping of {' and '.join(names)}"
                       f", e.g. {dist}: {example}", False)]
    got: dict[str, float] = {}
    for k, x in params.items():
        if k not in names:
            hint = _nearest(k, list(names)) if isinstance(k, str) else ""
            out.append(((dist, k), f"unknown parameter {_shown(k)} of {dist} (it takes "
                        f"{' and '.join(names)}){hint}", True))
        elif not _is_number(x):
            out.append(((dist, k), f"= {_shown(x)} must be a finite number", False))
        elif abs(float(x)) > MAX_QUANTITY:
            out.append(((dist, k), f"= {_shown(x)} must be {_TOO_BIG}", False))
        else:
            got[str(k)] = float(x)
    missing = [n for n in names if n not in params]
    if missing:
        out.append(((dist,), f"{dist} needs {' and '.join(names)} (missing "
                    f"{' and '.join(missing)}), e.g. {dist}: {example}", True))
    if out:
        return None, out
    a, b = got[names[0]], got[names[1]]
    if dist == "normal":
        if b <= 0:
            return None, [((dist, "sd"), f"= {_shown(params['sd'])} must be > 0 (the standard "
                           "deviation; for a value known exactly write the number itself)",
                           False)]
        return Quantity("normal", a=a, b=b, written=_plain(v)), out
    if dist == "uniform":
        if not a < b:
            return None, [((dist, "high"), f"= {_shown(params['high'])} must be above low "
                           f"({_shown(params['low'])}); for a value known exactly write the "
                           "number itself", False)]
        return Quantity("uniform", a=a, b=b, written=_plain(v)), out
    if a <= 0:
        return None, [((dist, "median"), f"= {_shown(params['median'])} must be > 0 (a "
                       "lognormal quantity is positive)", False)]
    if not b > a:
        return None, [((dist, "p90"), f"= {_shown(params['p90'])} must be above the median "
                       f"({_shown(params['median'])}): the 90th percentile of a spread-out "
                       "quantity", False)]
    q = Quantity("lognormal", a=math.log(a), b=(math.log(b) - math.log(a)) / _Z90,
                 written=_plain(v))
    # log of its sd: a + s^2 + log(1 - exp(-s^2)) / 2, above log of its mean (a + s^2 / 2)
    s2 = q.b * q.b
    if q.a + s2 + 0.5 * math.log(-math.expm1(-s2)) > math.log(MAX_QUANTITY):
        return None, [((dist, "p90"), f"= {_shown(params['p90'])} is too far above the median "
                       f"({_shown(params['median'])}): the law's sd would pass "
                       f"{MAX_QUANTITY:g} (an attribute's values, mean and sd stay within "
                       f"±{MAX_QUANTITY:g}, so that means and variances are finite); lower p90, "
                       "or rescale the unit", False)]
    return q, out


def _plain(v: Mapping[Any, Any]) -> dict[str, Any]:
    return {str(k): (dict(x) if isinstance(x, Mapping) else x) for k, x in v.items()}


_NUMBER_TEXT = re.compile(r"^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$")


def _number_text(key: object) -> object:  # a number, or the key as it was
    """A key of ``values`` as a number: JSON (and quoted YAML) keys are text."""
    if isinstance(key, str) and _NUMBER_TEXT.match(key.strip()):
        return float(key)
    return key


def _values(params: object, v: Mapping[Any, Any]) -> tuple[Quantity | None, Problems]:
    out: Problems = []
    if not isinstance(params, Mapping) or not params:
        return None, [(("values",), f"= {_shown(params)} must map values to their "
                       "probabilities, e.g. values: {20: 0.7, 10: 0.3}", False)]
    if len(params) > MAX_VALUES:
        return None, [(("values",), f"lists {len(params):,} values; at most {MAX_VALUES:,} "
                       "(use a continuous distribution with round: true)", True)]
    pairs: list[tuple[float, float]] = []
    for key, p in params.items():
        k = _number_text(key)
        if not _is_number(k):
            out.append((("values", key), f"key {_shown(key)} is not a number (keys are the "
                        "values the quantity may take)", True))
        elif abs(float(k)) > MAX_QUANTITY:  # type: ignore[arg-type]
            out.append((("values", key), f"key {_shown(key)} must be {_TOO_BIG}", True))
        elif not _is_number(p) or not 0.0 <= float(p) <= 1.0:
            out.append((("values", key), f"= {_shown(p)} is not a probability (write a number "
                        "in [0, 1])", False))
        else:
            pairs.append((float(k), float(p)))  # type: ignore[arg-type]
    if out:
        return None, out
    total = math.fsum(p for _, p in pairs)
    if abs(total - 1.0) > 1e-6:
        return None, [(("values",), f"probabilities sum to {total:.6g}, not 1 (each value's "
                       "chance; values left out have 0)", False)]
    pairs.sort()
    vals = tuple(x for x, _ in pairs)
    if len(set(vals)) != len(vals):
        return None, [(("values",), "lists a value twice (20 and 20.0 are the same value)",
                       False)]
    probs = tuple(p / total for _, p in pairs)
    return Quantity("values", values=vals, probs=probs,
                    written={"values": dict(params)}), out


def parse_quantity(v: object) -> Quantity:
    """A :class:`Quantity` from what a file writes, or a pydantic error (the first problem)."""
    if isinstance(v, Quantity):
        return v
    q, problems = quantity_problems(v)
    if q is None:
        path, msg, _key = problems[0]
        where = ".".join(map(str, path))
        raise PydanticCustomError("not_a_quantity", (where + ": " if where else "") + msg)
    return q


_NUMBER = {"type": "number", "minimum": -MAX_QUANTITY, "maximum": MAX_QUANTITY}
_POSITIVE = {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_QUANTITY}
QUANTITY_SCHEMA: dict[str, Any] = {
    "description": "A quantity: a number (fixed), {normal: {mean, sd}}, {uniform: {low, "
                   "high}}, {lognormal: {median, p90}} or {values: {value: probability}}.",
    "anyOf": [
        _NUMBER,
        {"type": "object", "properties": {"normal": {
            "type": "object", "properties": {"mean": _NUMBER, "sd": _POSITIVE},
            "required": ["mean", "sd"], "additionalProperties": False}},
         "required": ["normal"], "additionalProperties": False},
        {"type": "object", "properties": {"uniform": {
            "type": "object", "properties": {"low": _NUMBER, "high": _NUMBER},
            "required": ["low", "high"], "additionalProperties": False}},
         "required": ["uniform"], "additionalProperties": False},
        {"type": "object", "properties": {"lognormal": {
            "type": "object", "properties": {
                "median": _POSITIVE, "p90": _POSITIVE},
            "required": ["median", "p90"], "additionalProperties": False}},
         "required": ["lognormal"], "additionalProperties": False},
        {"type": "object", "properties": {"values": {
            "type": "object", "minProperties": 1,
            "propertyNames": {"pattern": _NUMBER_TEXT.pattern},
            "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1}}},
         "required": ["values"], "additionalProperties": False},
    ],
}

QuantitySpec = Annotated[
    Quantity,
    PlainValidator(parse_quantity),
    PlainSerializer(lambda q: q.written),
    WithJsonSchema(QUANTITY_SCHEMA),
]


class Attribute(FrozenModel):
    """A numeric attribute (format 3): ``dist``, or ``given`` + a ``table`` of
    distributions; ``requires``/``excludes`` gate it (missing when closed);
    ``round`` makes its values whole numbers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str | None = None
    source: Annotated[str | list[str] | None, Field(
        description="A key of `sources`, or a list of keys.")] = None
    why: Annotated[str | None, Field(
        description="Why the numbers are what they are, in the analyst's words (free text, "
                    "shown in reports; never changes a value).")] = None
    dist: QuantitySpec | None = None
    given: Annotated[list[str] | None, WithJsonSchema({
        "anyOf": [{"type": "array", "items": {"type": "string"}, "maxItems": 16},
                  {"type": "null"}],
        "description": "Parents of `table`: binary or categorical nodes, or conditions."})] = None
    table: Annotated[dict[Any, Any] | None, WithJsonSchema({
        "anyOf": [{"type": "object"}, {"type": "null"}],
        "description": "Nested table over `given` (keys true/false, or the outcomes of a "
                       "categorical parent), a quantity distribution at each leaf."})] = None
    requires: list[str] = Field(default_factory=list)
    excludes: list[str] = Field(default_factory=list)
    round: StrictBool = False

    def row_quantity(self, leaf: Any) -> Quantity:
        """The distribution of a table leaf (or of ``dist`` for ``None``)."""
        if leaf is None:
            assert self.dist is not None
            return self.dist
        return parse_quantity(leaf)


# -- located checks (run by pactsim.language.validate) ---------------------------
_EXAMPLE = "{dist: {normal: {mean: 40, sd: 5}}}"


def check_quantity(c: Any, where: tuple[Any, ...], value: object) -> bool:
    """Report every problem of a quantity at its place (``c`` is the validator's checker)."""
    q, problems = quantity_problems(value)
    for sub, msg, key in problems:
        c.report((*where, *sub), msg, key=key, value=None if key else value)
    return q is not None


def format3(version: object) -> str:
    """The message for ``attributes:`` in a file of format 1 or 2."""
    return (f"`attributes` is format 3 (numeric attributes); write `pactsim: 3` at the top of "
            f"the file (format {version} files keep their meaning under format 3)")


def check_attribute(c: Any, path: tuple[Any, ...], raw: Any) -> Attribute | None:
    """The structure of one attribute; its references and table are checked by
    :func:`check_references` once every name is known."""
    if not isinstance(raw, Mapping):
        c.not_a_mapping(path, raw, Attribute)
        return None
    written = {k for k, v in raw.items() if v is not None}
    body = {k: v for k, v in raw.items() if k not in ("dist", "table")}
    base = c.model(path, Attribute, body)
    ok = True
    if "dist" in written:
        ok = check_quantity(c, (*path, "dist"), raw["dist"])
        if "given" in written or "table" in written:
            c.report(path, "give either dist or given + table, not both (dist is the law "
                     "when nothing is conditioned on)", key=True)
            ok = False
    elif "given" in written and "table" not in written:
        c.report((*path, "given"), "given needs a table: nested keys in the order of given, "
                 "with a distribution at each leaf", key=True)
        ok = False
    elif "table" in written and "given" not in written:
        c.report((*path, "table"), "a table needs given: [parents] naming what its keys "
                 "refer to", key=True)
        ok = False
    elif "table" not in written:
        c.report(path, f"needs a distribution: dist (e.g. {_EXAMPLE}) or given + table",
                 key=True)
        ok = False
    if "table" in written and not isinstance(raw["table"], Mapping):
        c.report((*path, "table"), f"= {_shown(raw['table'])} must be a mapping with keys "
                 "for the first parent in given", value=raw["table"])
        ok = False
    if not isinstance(base, Attribute) or not ok:
        return None
    dist = parse_quantity(raw["dist"]) if "dist" in written else None
    return base.model_copy(update={"dist": dist, "table": raw.get("table")})


LEAF_RULE = "attributes are outcomes that nodes cannot depend on"


def refused(name: str) -> str:
    """The message for a node that names attribute ``name`` as a parent."""
    return (f"'{name}' is a numeric attribute; {LEAF_RULE} (use it in questions and "
            "observations, e.g. 'n_articles >= 40')")


def check_references(c: Any, name: str, path: tuple[Any, ...], spec: Attribute,
                     nodes: Mapping[str, tuple[str, tuple[Any, ...], Any]],
                     binary: set[str], outcomes: Mapping[str, tuple[str, ...]],
                     names: Any, conditions: dict[str, tuple[tuple[Any, ...], Any]],
                     check_table: Callable[..., None], max_given: int) -> list[str]:
    """An attribute's parents (``given``, ``requires``, ``excludes``) and its table;
    returns the names it depends on."""
    from pactsim.errors import ScenarioError
    from pactsim.language import expr as _expr
    from pactsim.language.scenario import is_condition

    parents: list[str] = []

    def ref(where: tuple[Any, ...], entry: str, what: str) -> bool:
        if is_condition(entry):
            try:
                tree = _expr.parse(entry)
            except ScenarioError as err:
                from pactsim.language.validate import _rebase

                _rebase(c, where, err)
                return False
            conditions.setdefault(entry, (where, tree))
            parents.extend(n for n in _expr.ordered_names(tree) if n in nodes)
            return True
        if entry == name:
            c.report(where, f"'{name}' cannot depend on itself")
        elif entry not in nodes:
            c.report(where, f"unknown name '{entry}' ({what})" + c.suggest(entry, names))
        elif nodes[entry][0] == "attribute":
            c.report(where, refused(entry))
        elif entry not in binary:
            c.report(where, f"'{entry}' is a {nodes[entry][0]}; {what} must name a binary "
                     "node (event, signing, pillar or clause) or a condition")
        else:
            parents.append(entry)
            return True
        return False

    given = list(spec.given or [])
    if spec.given is not None and not given:
        c.report((*path, "given"), "must name at least one parent")
    dup = sorted({g for g in given if given.count(g) > 1})
    for g in dup:
        c.report((*path, "given"), f"'{g}' is listed twice", value=g)
    ok = all([ref((*path, "given", i), g, "in given") for i, g in enumerate(given)])  # noqa: C419
    if len(given) > max_given:
        c.report((*path, "given"), f"lists {len(given)} parents; a table may condition on at "
                 f"most {max_given}", key=True)
    elif ok and not dup and given and spec.table is not None:
        check_table(c, (*path, "table"), given, spec.table, outcomes=outcomes,
                    leaf=lambda where, v: check_quantity(c, where, v))
    for field in ("requires", "excludes"):
        for i, r in enumerate(getattr(spec, field)):
            ref((*path, field, i), r, f"in {field}")
    for r in sorted(set(spec.requires) & set(spec.excludes)):
        c.report((*path, "excludes"), f"'{r}' is both required and excluded, so '{name}' "
                 "would always be missing", value=r)
    return parents
