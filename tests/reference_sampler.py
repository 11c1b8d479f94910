"""A deliberately naive reference sampler: the oracle that shares no code with the engine.

It reads a validated :class:`pactsim.Scenario` field by field and draws whole
agreements one at a time in plain Python (:class:`random.Random`), following
the semantics of ``docs/design.md`` ("Semantics, per draw"), written again
from scratch:

* drivers: ``normal(mean, sd)`` (mean 0 when absent) or ``uniform(low, high)``;
* a binary node (event, pillar, clause) takes its ``p`` — a number, or drawn
  afresh from ``Beta(a, b)`` for ``{beta: [a, b]}`` and from the Beta whose 5%
  and 95% quantiles are ``lo`` and ``hi`` for ``{between: [lo, hi]}`` — or the
  leaf of ``table`` picked by its ``given`` parents; multiplies the odds by
  each ``odds`` factor whose binary parent is true and by ``factor**value`` for
  each driver; is true with that probability; and is then forced false unless
  every ``requires`` node is true, no ``excludes`` node is true, its pillar is
  true (a clause) and ``signing`` is true (a pillar, when there is a signing);
* ``signing``: the date is drawn from the piecewise-linear cumulative curve
  through 0 on ``as_of`` and the ``by`` points, so that P(signed on or before
  day d) is the curve at d (a discrete inverse CDF over whole days); no date
  with probability one minus the last point;
* format 2: a dated event or the signing takes the row's curve F (linear in
  days from 0 on ``as_of``; uncertain points at their mean) and the hazard
  ratio h (factors of true binary parents and conditions, factor**value of
  drivers), and its day is the first t with (1 - F(t))**h < 1 - u; a
  milestone draws its chance of ever happening like a binary node, takes the
  k-th earliest anchor day and adds the first whole k with
  (1 - F_delay(k))**h < 1 - u (lognormal delays through
  :class:`statistics.NormalDist`, mu and sigma recomputed from the written
  ``between`` or ``median``/``p90``), on or before the horizon; the signing
  too, when written as a milestone (``after``); a condition used as a parent
  is evaluated per draw like a question;
* format 3: a categorical node (``levels``) reads its outcome probabilities
  ``{outcome: p}`` from ``levels`` (a dict) or from the leaf of ``table``
  picked by its ``given`` parents (keys true/false for a binary parent, the
  outcome drawn for a categorical one); ``odds`` multiply the odds of being
  present (not ``absent``) and scale the other outcomes in proportion; ONE
  uniform then picks the outcome from the cumulative probabilities in the
  order written (no chain of yes/no draws), and a closed gate (``requires``,
  ``excludes``, the pillar of a clause, the signing of a pillar) makes it
  ``absent``. The node itself is true unless its outcome is ``absent``; the
  outcome is kept under ``"<name>.outcome"``;
* questions: a small parser and evaluator of the expression language written
  here (``and``/``or``/``not``, comparisons, ISO dates, ``.date``,
  ``count``/``all``/``any``/``at_least``/``at_most``/``exactly``, ``a.date - b.date``,
  and for categorical nodes ``x == level``, ``x != level`` and ``in(x, a, b)``),
  where a comparison with a missing date is false except ``!=``. Requires,
  excludes, given and odds entries that are conditions (``"instc == named"``)
  are read by the same parser;
* format 3, numeric attributes (``attributes:``): each draw takes the
  attribute's law — ``dist``, or the leaf of ``table`` picked by its ``given``
  parents (keys true/false, or a categorical parent's outcome) — read again
  here from the form the file wrote: a number (fixed), ``normal`` (mean, sd:
  :meth:`random.Random.gauss`), ``uniform`` (low, high), ``lognormal``
  (``exp`` of a normal with mu = log median and sigma = log(p90 / median) /
  z90, z90 from :class:`statistics.NormalDist`) or ``values`` (one uniform
  against the cumulative probabilities, values sorted); ``round: true`` rounds
  with Python's :func:`round` (half to even, as pactsim's ``numpy.rint``). A
  closed gate (``requires``/``excludes``, names or conditions) makes the
  value missing (``None``). Questions use an attribute as a number; a
  comparison with a missing value is false except ``!=``, exactly as pactsim
  treats its ``NaN`` (and as a missing date). An attribute as a whole question
  is a number (``None`` where missing).

Nothing here imports pactsim's compiler, engine, statistics, factors or
expression evaluator; it only reads the ``Scenario``'s public fields (duck
typed, so it does not care which module the model classes live in). Speed is
not a goal: a few thousand draws of a ten-node scenario take a fraction of a
second.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from statistics import NormalDist
from typing import Any

__all__ = ["ReferenceSample", "ReferenceSampler", "beta_for_interval", "parse_question"]

Env = dict[str, Any]
Value = Any  # bool, int, float, a day number (int) or None for a missing date
Evaluator = Callable[[Env], Value]


# -- uncertain probabilities ------------------------------------------------------


@lru_cache(maxsize=4096)
def beta_for_interval(lo: float, hi: float) -> tuple[float, float]:
    """Shapes (a, b) of the Beta law whose 5% and 95% quantiles are ``lo`` and ``hi``.

    Solved here by least squares on the log shapes, from a start of our own
    (the normal approximation of the interval), and checked on the quantiles.
    """
    from scipy import optimize, stats

    mid = (lo + hi) / 2
    sd = (hi - lo) / (2 * 1.6448536269514722)
    conc = max(mid * (1 - mid) / (sd * sd) - 1.0, 0.2)

    def residual(x: Any) -> Any:
        a, b = math.exp(x[0]), math.exp(x[1])
        return stats.beta.ppf([0.05, 0.95], a, b) - [lo, hi]

    best: tuple[float, float] | None = None
    for start in ([math.log(mid * conc), math.log((1 - mid) * conc)], [0.0, 0.0],
                  [math.log(mid * 2), math.log((1 - mid) * 2)]):
        sol = optimize.least_squares(residual, start, xtol=1e-15, ftol=1e-15, gtol=1e-15)
        if max(abs(r) for r in residual(sol.x)) < 1e-8:
            best = (math.exp(sol.x[0]), math.exp(sol.x[1]))
            break
    if best is None:  # pragma: no cover - every interval tried so far is solved
        raise ArithmeticError(f"no Beta law has 5%/95% quantiles {lo}, {hi}")
    return best


PDraw = Callable[[random.Random], float]


def _p_spec(spec: Any) -> PDraw:
    """A function drawing the probability of one p spec (number, beta, between)."""
    if isinstance(spec, Mapping):
        shape = spec.get("beta")
        bounds = spec.get("between")
    else:
        shape = getattr(spec, "beta", None)
        bounds = getattr(spec, "between", None)
    if shape is not None:
        a, b = float(shape[0]), float(shape[1])
        return lambda rng: rng.betavariate(a, b)
    if bounds is not None:
        a, b = beta_for_interval(float(bounds[0]), float(bounds[1]))
        return lambda rng: rng.betavariate(a, b)
    if isinstance(spec, bool) or not isinstance(spec, int | float):
        raise TypeError(f"not a probability spec: {spec!r}")
    p = float(spec)
    return lambda rng: p


def _with_odds(p: float, log_factor: float) -> float:
    """``p`` with its odds multiplied by ``exp(log_factor)`` (0 and 1 stay put)."""
    if log_factor == 0.0 or p <= 0.0 or p >= 1.0:
        return p
    x = math.log(p) - math.log1p(-p) + log_factor
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _table_leaf(table: Any, values: tuple[Any, ...]) -> Any:
    """The leaf of a nested table: keys true/false, or outcome names (format 3)."""
    leaf = table
    for v in values:
        leaf = leaf[v] if isinstance(v, str) or v in leaf else leaf["true" if v else "false"]
    return leaf


# -- the expression language, again --------------------------------------------------

_TOKENS = re.compile(
    r"\s*(?:(?P<date>\d{4}-\d{2}-\d{2})(?![\d-])|(?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[a-z_][a-z0-9_]*)|(?P<op><=|>=|==|!=|[<>(),.-]))"
)
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
}
_K_FUNCS: dict[str, Callable[[int, int], bool]] = {
    "at_least": lambda c, k: c >= k, "at_most": lambda c, k: c <= k,
    "exactly": lambda c, k: c == k,
}


@dataclass
class ParsedQuestion:
    """A question compiled to a Python function of one draw, with what it names."""

    evaluate: Evaluator
    names: set[str]
    kind: str  # "bool", "number", "date", or "name:<x>" (the type of name x)


class _Parser:
    """Recursive descent over ``or > and > not > comparison > primary``."""

    def __init__(self, text: str, levels: Mapping[str, tuple[str, ...]] | None = None) -> None:
        self.levels: Mapping[str, tuple[str, ...]] = levels or {}
        self.toks: list[tuple[str, str]] = []
        pos = 0
        text = text.rstrip()
        while pos < len(text):
            m = _TOKENS.match(text, pos)
            if m is None or m.end() == pos:
                raise ValueError(f"cannot read {text[pos:]!r}")
            kind = m.lastgroup or ""
            tok = m.group(kind)
            if kind == "op" or tok in ("and", "or", "not", "true", "false"):
                kind = tok  # operators and keywords are their own kind
            self.toks.append((kind, tok))
            pos = m.end()
        self.toks.append(("end", ""))
        self.i = 0
        self.names: set[str] = set()

    def peek(self) -> str:
        return self.toks[self.i][0]

    def take(self, kind: str | None = None) -> str:
        k, text = self.toks[self.i]
        if kind is not None and k != kind:
            raise ValueError(f"expected {kind!r}, found {text!r}")
        self.i += 1
        return text

    def or_(self) -> tuple[Evaluator, str]:
        first, kind = self.and_()
        parts = [first]
        while self.peek() == "or":
            self.take()
            parts.append(self.and_()[0])
        if len(parts) == 1:
            return first, kind
        return (lambda env: any(bool(p(env)) for p in parts)), "bool"

    def and_(self) -> tuple[Evaluator, str]:
        first, kind = self.not_()
        parts = [first]
        while self.peek() == "and":
            self.take()
            parts.append(self.not_()[0])
        if len(parts) == 1:
            return first, kind
        return (lambda env: all(bool(p(env)) for p in parts)), "bool"

    def not_(self) -> tuple[Evaluator, str]:
        if self.peek() == "not":
            self.take()
            inner = self.not_()[0]
            return (lambda env: not inner(env)), "bool"
        return self.comparison()

    def outcome_test(self) -> tuple[Evaluator, str] | None:
        """``x == level`` / ``x != level`` (either side) for a categorical ``x``."""
        toks, i = self.toks, self.i
        if not (i + 3 < len(toks) and toks[i][0] == "name" and toks[i + 1][0] in ("==", "!=")
                and toks[i + 2][0] == "name" and toks[i + 3][0] not in (".", "(")):
            return None
        a, b = toks[i][1], toks[i + 2][1]
        if a in self.levels:
            node, level = a, b
        elif b in self.levels:
            node, level = b, a
        else:
            return None
        if level not in self.levels[node]:
            raise ValueError(f"{level!r} is not an outcome of {node!r}")
        self.i += 3
        self.names.add(node)
        key, equal = node + ".outcome", toks[i + 1][0] == "=="
        return (lambda env: (env[key] == level) == equal), "bool"

    def comparison(self) -> tuple[Evaluator, str]:
        test = self.outcome_test()
        if test is not None:
            return test
        left, kind = self.primary()
        if self.peek() not in _COMPARE:
            return left, kind
        op = _COMPARE[self.take()]
        ne = self.toks[self.i - 1][0] == "!="
        right = self.primary()[0]

        def compare(env: Env) -> bool:
            a, b = left(env), right(env)
            if a is None or b is None:  # a missing date or attribute: only != holds
                return ne
            return bool(op(a, b))

        return compare, "bool"

    def primary(self) -> tuple[Evaluator, str]:
        kind = self.peek()
        if kind == "(":
            self.take()
            inner = self.or_()
            self.take(")")
            return inner
        if kind == "true" or kind == "false":
            self.take()
            value = kind == "true"
            return (lambda env: value), "bool"
        if kind == "num":
            x = float(self.take())
            return (lambda env: x), "number"
        if kind == "-":
            self.take()
            x = -float(self.take("num"))
            return (lambda env: x), "number"
        if kind == "date":
            day = dt.date.fromisoformat(self.take()).toordinal()
            return (lambda env: day), "date"
        name = self.take("name")
        if self.peek() == "(":
            return self.call(name)
        if self.peek() == ".":
            self.take()
            if self.take("name") != "date":
                raise ValueError("only .date is an attribute")
            self.names.add(name)
            key = name + ".date"
            if self.peek() == "-" and self.toks[self.i + 1][0] == "name":
                self.take()  # a.date - b.date: days from b to a, missing with either
                other = self.take("name")
                self.take(".")
                if self.take("name") != "date":
                    raise ValueError("only .date - .date is arithmetic")
                self.names.add(other)
                key2 = other + ".date"

                def days_between(env: Env) -> Value:
                    a, b = env[key], env[key2]
                    return None if a is None or b is None else a - b

                return days_between, "number"
            return (lambda env: env[key]), "date"
        self.names.add(name)
        return (lambda env: env[name]), "name:" + name

    def call(self, func: str) -> tuple[Evaluator, str]:
        self.take("(")
        if func == "in":  # in(x, a, b): the outcome of categorical x is one of a, b
            node = self.take("name")
            if node not in self.levels:
                raise ValueError(f"in() needs a categorical node, not {node!r}")
            wanted: set[str] = set()
            while self.peek() == ",":
                self.take()
                level = self.take("name")
                if level not in self.levels[node]:
                    raise ValueError(f"{level!r} is not an outcome of {node!r}")
                wanted.add(level)
            self.take(")")
            self.names.add(node)
            key = node + ".outcome"
            return (lambda env: env[key] in wanted), "bool"
        k = None
        if func in _K_FUNCS:
            k = int(self.take("num"))
            self.take(",")
        args = [self.or_()[0]]
        while self.peek() == ",":
            self.take()
            args.append(self.or_()[0])
        self.take(")")
        if func == "count":
            return (lambda env: sum(1 for a in args if a(env))), "number"
        if func == "all":
            return (lambda env: all(bool(a(env)) for a in args)), "bool"
        if func == "any":
            return (lambda env: any(bool(a(env)) for a in args)), "bool"
        if func in _K_FUNCS:
            test, kk = _K_FUNCS[func], int(k or 0)
            return (lambda env: test(sum(1 for a in args if a(env)), kk)), "bool"
        raise ValueError(f"unknown function {func!r}")


def parse_question(text: str,
                   levels: Mapping[str, tuple[str, ...]] | None = None) -> ParsedQuestion:
    """Compile expression text to a function of one draw (a dict of values).

    Binary nodes are bools, drivers and counts numbers, dates day ordinals
    (:meth:`datetime.date.toordinal`) under ``"<name>.date"``, ``None`` when
    missing. ``levels`` maps categorical nodes to their outcomes: ``x == l``,
    ``x != l`` and ``in(x, l, ...)`` read the outcome under ``"<x>.outcome"``.
    """
    parser = _Parser(text, levels)
    evaluate, kind = parser.or_()
    parser.take("end")
    return ParsedQuestion(evaluate, parser.names, kind)


# -- timing: curves, hazard ratios and delays, from the spec ------------------------------

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_STD_NORMAL = NormalDist()
#: z of the 95% and 90% standard normal quantiles, computed here (not imported)
_Z95 = _STD_NORMAL.inv_cdf(0.95)
_Z90 = _STD_NORMAL.inv_cdf(0.90)


def _is_name(entry: str) -> bool:
    """A node name, not a condition expression such as ``"signing.date <= 2025-01-31"``."""
    return bool(_NAME_RE.match(entry))


def _p_mean(spec: Any) -> float:
    """The mean of a p spec: the number, ``a / (a + b)`` of a Beta, or of the Beta fitted to
    a ``between`` interval (a curve point that is uncertain is used at its mean)."""
    if isinstance(spec, Mapping):
        shape, bounds = spec.get("beta"), spec.get("between")
    else:
        shape, bounds = getattr(spec, "beta", None), getattr(spec, "between", None)
    if bounds is not None:
        shape = beta_for_interval(float(bounds[0]), float(bounds[1]))
    if shape is not None:
        return float(shape[0]) / (float(shape[0]) + float(shape[1]))
    return float(spec)


def _as_date(key: Any) -> dt.date:
    return key if isinstance(key, dt.date) else dt.date.fromisoformat(str(key))


def _curve_by_day(as_of: dt.date, points: Mapping[Any, Any], span: int) -> list[float]:
    """F(t) for whole days t = 0 .. span after ``as_of``: 0 at t = 0, the points' means at
    their days, linear in days between, flat after the last point."""
    knots = [(0, 0.0), *sorted(((_as_date(d) - as_of).days, _p_mean(v))
                               for d, v in points.items())]
    out: list[float] = []
    j = 0
    for t in range(span + 1):
        while j + 1 < len(knots) and knots[j + 1][0] < t:
            j += 1
        if j + 1 < len(knots):
            (d0, c0), (d1, c1) = knots[j], knots[j + 1]
            out.append(c0 + (c1 - c0) * (t - d0) / (d1 - d0))
        else:
            out.append(knots[-1][1])
    return out


def _first(survival: Callable[[int], float], lo: int, hi: int, target: float) -> int | None:
    """The smallest whole t in [lo, hi] with ``survival(t) < target`` (survival is
    non-increasing), or ``None``: the day on which a draw ``u = 1 - target`` falls."""
    if hi < lo or not survival(hi) < target:
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if survival(mid) < target:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _delay_cdf(delay: Any) -> tuple[str, int, Callable[[int], float]]:
    """``(kind, fixed days, F)`` of a milestone delay, read from the form the file wrote:
    F(k) = P(offset <= k) for whole k >= 0 before any hazard ratio."""
    w = delay.written
    if isinstance(w, int) and not isinstance(w, bool):
        return "fixed", int(w), lambda k: 1.0 if k >= w else 0.0
    if isinstance(w, Mapping) and "by" in w:
        knots = [(0, 0.0), *sorted((int(k), float(p)) for k, p in w["by"].items())]

        def curve(k: int) -> float:
            for (d0, c0), (d1, c1) in itertools.pairwise(knots):
                if k <= d1:
                    return c0 + (c1 - c0) * (k - d0) / (d1 - d0)
            return knots[-1][1]

        return "curve", 0, curve
    if isinstance(w, Mapping) and "between" in w:
        lo, hi = (math.log(float(x)) for x in w["between"])
        mu, sigma = (lo + hi) / 2, (hi - lo) / (2 * _Z95)
    elif isinstance(w, Mapping) and "median" in w:
        mu = math.log(float(w["median"]))
        sigma = (math.log(float(w["p90"])) - mu) / _Z90
    else:  # pragma: no cover - every validated delay is one of the four forms
        raise TypeError(f"not a delay: {w!r}")
    law = NormalDist(mu, sigma)
    return "lognormal", 0, lambda k: law.cdf(math.log(k)) if k > 0 else 0.0


def _quantity_draw(written: Any) -> Callable[[random.Random], float]:
    """A function drawing one value of a quantity distribution as a file writes it: a
    number, ``{normal: {mean, sd}}``, ``{uniform: {low, high}}``, ``{lognormal: {median,
    p90}}`` or ``{values: {value: p}}`` (keys may be text, as in JSON)."""
    if isinstance(written, int | float) and not isinstance(written, bool):
        x = float(written)
        return lambda rng: x
    ((dist, params),) = dict(written).items()
    if dist == "normal":
        mean, sd = float(params["mean"]), float(params["sd"])
        return lambda rng: rng.gauss(mean, sd)
    if dist == "uniform":
        low, high = float(params["low"]), float(params["high"])
        return lambda rng: low + (high - low) * rng.random()
    if dist == "lognormal":
        mu = math.log(float(params["median"]))
        sigma = (math.log(float(params["p90"])) - mu) / _Z90
        return lambda rng: math.exp(rng.gauss(mu, sigma))
    if dist == "values":
        pairs = sorted((float(k), float(p)) for k, p in params.items())
        total = sum(p for _, p in pairs)

        def pick(rng: random.Random) -> float:
            u, acc = rng.random() * total, 0.0
            for value, p in pairs:
                acc += p
                if u < acc:
                    return value
            return next(v for v, p in reversed(pairs) if p > 0)

        return pick
    raise TypeError(f"not a quantity: {written!r}")


# -- the sampler ---------------------------------------------------------------------


@dataclass
class ReferenceSample:
    """Draws of a scenario, one dict per draw.

    Each draw maps binary node names to bools (a dated node: happened by the
    horizon), drivers to floats, questions to their values, conditions used as
    parents (their text) to bools, and ``"<name>.date"`` of every dated node to
    that day's ordinal or ``None``. ``question_kinds`` gives each question's
    type (``"bool"``, ``"number"`` or ``"date"``); ``dated`` the dated nodes;
    ``outcomes`` each categorical node's possible outcomes (``absent`` first
    when it can be absent), whose drawn outcome is under ``"<name>.outcome"``.
    Numeric attributes (format 3) are floats under their names, ``None`` where
    missing.
    """

    draws: list[Env]
    question_kinds: dict[str, str]
    as_of: dt.date
    horizon: dt.date
    dated: list[str] = field(default_factory=list)
    outcomes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.draws)

    def column(self, name: str) -> list[Any]:
        """The values of one name (or ``"<dated node>.date"``) over the draws."""
        return [d[name] for d in self.draws]


Step = Callable[[Env, random.Random], None]


@dataclass
class _Unit:
    """One thing drawn or computed per draw, after the units it depends on."""

    deps: list[str]
    step: Step


class ReferenceSampler:
    """Draw agreements from a validated scenario, naively, one at a time.

    Examples
    --------
    >>> import pactsim
    >>> sc = pactsim.loads("pactsim: 1\\nid: x\\nas_of: 2024-01-01\\nhorizon: 2024-12-31\\n"
    ...                    "events:\\n  a: {p: 0.3}\\n")
    >>> sample = ReferenceSampler(sc).sample(1000, seed=1)
    >>> 0.2 < sum(sample.column("a")) / 1000 < 0.4
    True
    """

    def __init__(self, scenario: Any) -> None:
        self.scenario = scenario
        self.as_of: dt.date = scenario.as_of
        self.horizon: dt.date = scenario.horizon
        self.span = (self.horizon - self.as_of).days
        self.drivers: dict[str, Any] = dict(scenario.drivers)
        self.has_signing = scenario.signing is not None
        self.units: dict[str, _Unit] = {}
        self.dated: list[str] = []
        self.levels = self._levels(scenario)
        for name, spec in scenario.events.items():
            if name in self.levels:
                self._categorical(name, spec, "event", None)
            elif getattr(spec, "after", None) is not None:
                self._milestone(name, spec)
            elif getattr(spec, "by", None) is not None or self._curve_table(spec.table):
                self._curve(name, spec)
            else:
                self._binary(name, spec, "event", None)
        if self.has_signing and getattr(scenario.signing, "after", None) is not None:
            self._milestone("signing", scenario.signing)  # format 2: signing after others
        elif self.has_signing:
            self._curve("signing", scenario.signing)
        for pname, pillar in scenario.pillars.items():
            (self._categorical if pname in self.levels else self._binary)(
                pname, pillar, "pillar", None)
            for cname, clause in pillar.clauses.items():
                (self._categorical if cname in self.levels else self._binary)(
                    cname, clause, "clause", pname)
        self.attributes: list[str] = []
        for aname, attr in getattr(scenario, "attributes", {}).items():
            self._attribute(aname, attr)
        self.order = self._order()
        self.questions, self.question_kinds = self._questions()

    # -- structure -------------------------------------------------------------------
    def _levels(self, scenario: Any) -> dict[str, tuple[str, ...]]:
        """Categorical nodes (``levels`` written) and the outcomes they can have: those
        written, with ``absent`` first when written or when a gate can close (its own
        requires/excludes, a clause's pillar, a pillar's signing)."""
        out: dict[str, tuple[str, ...]] = {}
        specs = [(n, s, "event") for n, s in scenario.events.items()]
        for pname, pillar in scenario.pillars.items():
            specs.append((pname, pillar, "pillar"))
            specs += [(c, s, "clause") for c, s in pillar.clauses.items()]
        for name, spec, kind in specs:
            written = getattr(spec, "levels", None)
            if written is None:
                continue
            listed = [str(x) for x in written]  # a dict's keys or the list, in file order
            gated = (kind == "clause" or (kind == "pillar" and self.has_signing)
                     or bool(spec.requires) or bool(spec.excludes))
            head = ("absent",) if gated or "absent" in listed else ()
            out[name] = head + tuple(x for x in listed if x != "absent")
        return out

    def _entry(self, entry: str) -> str:
        """A parent entry: a name, or a condition, which becomes a unit of its own."""
        if _is_name(entry) or entry in self.units:
            return entry
        parsed = parse_question(entry, self.levels)
        evaluate = parsed.evaluate

        def condition(env: Env, rng: random.Random) -> None:
            env[entry] = bool(evaluate(env))

        self.units[entry] = _Unit(sorted(parsed.names), condition)
        return entry

    def _order(self) -> list[str]:
        """Units with every dependency before them (depth-first; drivers come first)."""
        out: list[str] = []
        done: set[str] = set()

        def visit(key: str, path: tuple[str, ...]) -> None:
            if key in done or key not in self.units:
                return
            if key in path:
                raise ValueError(f"cycle through {key}")
            for dep in self.units[key].deps:
                visit(dep, (*path, key))
            done.add(key)
            out.append(key)

        for key in list(self.units):
            visit(key, ())
        return out

    @staticmethod
    def _curve_table(table: Any) -> bool:
        """Whether a table's leaves are ``{by: ...}`` curves."""
        leaf = table
        while isinstance(leaf, Mapping) and leaf:
            if "by" in leaf:
                return True
            leaf = next(iter(leaf.values()))
        return False

    def _gates(self, spec: Any, kind: str, pillar: str | None) -> tuple[list[str], list[str]]:
        must = [self._entry(m) for m in getattr(spec, "requires", [])]
        if kind == "pillar" and self.has_signing:
            must.append("signing")
        if kind == "clause":
            must.append(str(pillar))
        never = [self._entry(x) for x in getattr(spec, "excludes", [])]
        return must, never

    def _log_factors(self, factors: Mapping[str, float]) -> tuple[
            list[tuple[str, float]], list[tuple[str, float]]]:
        """``(binary or condition key, log factor)`` and ``(driver, log factor)`` lists."""
        binary = [(self._entry(k), math.log(f)) for k, f in factors.items()
                  if k not in self.drivers]
        driver = [(k, math.log(f)) for k, f in factors.items() if k in self.drivers]
        return binary, driver

    @staticmethod
    def _log_sum(env: Env, binary: list[tuple[str, float]],
                 driver: list[tuple[str, float]]) -> float:
        s = 0.0
        for key, logf in binary:
            if env[key]:
                s += logf
        for key, logf in driver:
            s += logf * env[key]
        return s

    def _chance(self, spec: Any) -> tuple[list[str], Callable[[Env, random.Random], bool]]:
        """Deps and a Bernoulli draw from ``p`` or ``given`` + ``table`` (``p: 1`` when
        neither, as for a milestone's chance of ever happening) and ``odds``."""
        given = [self._entry(g) for g in (spec.given or [])]
        if spec.p is not None or spec.table is None:
            fixed = _p_spec(1.0 if spec.p is None else spec.p)

            def base(env: Env, rng: random.Random) -> float:
                return fixed(rng)
        else:
            rows: dict[tuple[Any, ...], PDraw] = {}
            row_of, table = self._row_key(given), spec.table

            def base(env: Env, rng: random.Random) -> float:
                combo = row_of(env)
                if combo not in rows:
                    rows[combo] = _p_spec(_table_leaf(table, combo))
                return rows[combo](rng)

        binary, driver = self._log_factors(spec.odds)
        log_sum = self._log_sum

        def chance(env: Env, rng: random.Random) -> bool:
            p = base(env, rng)
            return rng.random() < _with_odds(p, log_sum(env, binary, driver))

        return given + [k for k, _ in binary], chance

    def _row_key(self, given: list[str]) -> Callable[[Env], tuple[Any, ...]]:
        """The table keys of one draw: a categorical parent's outcome, else true/false."""
        keys = [(g + ".outcome", True) if g in self.levels else (g, False) for g in given]
        return lambda env: tuple(env[k] if cat else bool(env[k]) for k, cat in keys)

    def _categorical(self, name: str, spec: Any, kind: str, pillar: str | None) -> None:
        """A categorical node: one uniform picks its outcome from ``{outcome: p}`` (after
        odds on present-vs-absent); closed gates make it ``absent``."""
        given = [self._entry(g) for g in (spec.given or [])]
        if isinstance(spec.levels, Mapping):
            fixed = {str(k): float(v) for k, v in spec.levels.items()}

            def probs_of(env: Env) -> dict[str, float]:
                return fixed
        else:
            row_of, table = self._row_key(given), spec.table

            def probs_of(env: Env) -> dict[str, float]:
                return {str(k): float(v) for k, v in _table_leaf(table, row_of(env)).items()}

        binary, driver = self._log_factors(spec.odds)
        must, never = self._gates(spec, kind, pillar)
        log_sum, key = self._log_sum, name + ".outcome"

        def step(env: Env, rng: random.Random) -> None:
            probs = probs_of(env)
            absent = probs.get("absent", 0.0)
            shift = log_sum(env, binary, driver)
            if shift != 0.0 and 0.0 < absent < 1.0:  # odds of present against absent
                present = _with_odds(1.0 - absent, shift)
                scale = present / (1.0 - absent)
                probs = {k: (1.0 - present if k == "absent" else v * scale)
                         for k, v in probs.items()}
            u = rng.random()
            outcome, total = "absent", 0.0
            for level, p in probs.items():  # one draw, cumulative in the order written
                if p <= 0.0:
                    continue
                outcome = level  # the last possible outcome takes any rounding remainder
                total += p
                if u < total:
                    break
            if not (all(env[m] for m in must) and not any(env[x] for x in never)):
                outcome = "absent"
            env[key] = outcome
            env[name] = outcome != "absent"

        self.units[name] = _Unit(given + [k for k, _ in binary] + must + never, step)

    def _binary(self, name: str, spec: Any, kind: str, pillar: str | None) -> None:
        deps, chance = self._chance(spec)
        must, never = self._gates(spec, kind, pillar)

        def step(env: Env, rng: random.Random) -> None:
            drawn = chance(env, rng)
            env[name] = (drawn and all(env[m] for m in must)
                         and not any(env[x] for x in never))

        self.units[name] = _Unit(deps + must + never, step)

    def _curve(self, name: str, spec: Any) -> None:
        """Signing or a dated event: P(date <= t) = 1 - (1 - F_row(t))**h for each day t."""
        self.dated.append(name)
        given = [self._entry(g) for g in (getattr(spec, "given", None) or [])]
        span = self.span
        if spec.by is not None:
            rows = {(): _curve_by_day(self.as_of, spec.by, span)}
        else:
            rows = {combo: _curve_by_day(self.as_of, _table_leaf(spec.table, combo)["by"], span)
                    for combo in itertools.product((False, True), repeat=len(given))}
        binary, driver = self._log_factors(getattr(spec, "hazard_ratio", {}))
        must, never = self._gates(spec, "event", None)
        log_sum, first, as_of = self._log_sum, _first, self.as_of.toordinal()
        key = name + ".date"

        def step(env: Env, rng: random.Random) -> None:
            curve = rows[tuple(bool(env[g]) for g in given)]
            h = math.exp(log_sum(env, binary, driver))
            target = 1.0 - rng.random()  # the day t is the first with P(date <= t) > u
            day = first(lambda t: max(0.0, 1.0 - curve[t]) ** h, 1, span, target)
            ok = day is not None and all(env[m] for m in must) and not any(env[x] for x in never)
            env[name] = ok
            env[key] = as_of + day if ok and day is not None else None

        self.units[name] = _Unit(given + [k for k, _ in binary] + must + never, step)

    def _milestone(self, name: str, spec: Any) -> None:
        """An event ``after`` dated nodes: its chance of ever happening and gates, then the
        k-th earliest anchor day plus a whole-day offset, on or before the horizon."""
        self.dated.append(name)
        deps, chance = self._chance(spec)
        must, never = self._gates(spec, "event", None)
        anchors = [a + ".date" for a in spec.after.names]
        k = int(spec.after.k)
        kind, fixed_days, cdf = _delay_cdf(spec.delay)
        binary, driver = self._log_factors(getattr(spec, "hazard_ratio", {}))
        log_sum, first, horizon = self._log_sum, _first, self.horizon.toordinal()
        key = name + ".date"

        def step(env: Env, rng: random.Random) -> None:
            ever = chance(env, rng)
            days = sorted(d for d in (env[a] for a in anchors) if d is not None)
            anchor = days[k - 1] if len(days) >= k else None
            offset: int | None = None
            if anchor is not None:
                if kind == "fixed":
                    offset = fixed_days if anchor + fixed_days <= horizon else None
                else:
                    h = math.exp(log_sum(env, binary, driver))
                    target = 1.0 - rng.random()
                    offset = first(lambda j: max(0.0, 1.0 - cdf(j)) ** h, 0,
                                   horizon - anchor, target)
            ok = (ever and offset is not None and anchor is not None
                  and all(env[m] for m in must) and not any(env[x] for x in never))
            env[name] = ok
            env[key] = anchor + offset if ok and anchor is not None and offset is not None \
                else None

        self.units[name] = _Unit(deps + must + never + [k for k, _ in binary]
                                 + list(spec.after.names), step)

    def _attribute(self, name: str, spec: Any) -> None:
        """A numeric attribute: its row's law (``dist`` or a ``table`` leaf over ``given``)
        drawn with this module's own readers, rounded when ``round: true``, ``None``
        where a gate is closed."""
        self.attributes.append(name)
        given = [self._entry(g) for g in (spec.given or [])]
        if spec.dist is not None:
            written = spec.dist.written if hasattr(spec.dist, "written") else spec.dist
            fixed = _quantity_draw(written)

            def law(env: Env) -> Callable[[random.Random], float]:
                return fixed
        else:
            row_of, table = self._row_key(given), spec.table
            rows: dict[tuple[Any, ...], Callable[[random.Random], float]] = {}

            def law(env: Env) -> Callable[[random.Random], float]:
                combo = row_of(env)
                if combo not in rows:
                    rows[combo] = _quantity_draw(_table_leaf(table, combo))
                return rows[combo]

        must = [self._entry(m) for m in spec.requires]
        never = [self._entry(x) for x in spec.excludes]
        whole = bool(spec.round)

        def step(env: Env, rng: random.Random) -> None:
            x = law(env)(rng)
            if whole:
                x = float(round(x))  # half to even
            ok = all(env[m] for m in must) and not any(env[k] for k in never)
            env[name] = x if ok else None

        self.units[name] = _Unit(given + must + never, step)

    def _questions(self) -> tuple[list[tuple[str, Evaluator]], dict[str, str]]:
        parsed = {name: parse_question(q if isinstance(q, str) else q.expr, self.levels)
                  for name, q in self.scenario.questions.items()}
        kinds: dict[str, str] = {}

        def kind_of(name: str) -> str:
            if name in kinds:
                return kinds[name]
            if name in self.drivers or name in self.attributes:
                return "number"
            if name in parsed:
                k = parsed[name].kind
                kinds[name] = kind_of(k[5:]) if k.startswith("name:") else k
                return kinds[name]
            return "bool"  # a binary node

        order: list[tuple[str, Evaluator]] = []
        pending = dict(parsed)
        while pending:
            for name, q in list(pending.items()):
                if not q.names & set(pending):
                    order.append((name, q.evaluate))
                    del pending[name]
        for name in parsed:
            kind_of(name)
        return order, kinds

    # -- drawing -----------------------------------------------------------------------
    def draw(self, rng: random.Random) -> Env:
        """One whole agreement."""
        env: Env = {}
        for name, d in self.drivers.items():
            if d.dist == "normal":
                env[name] = rng.gauss(d.mean if d.mean is not None else 0.0, d.sd)
            else:
                env[name] = rng.uniform(d.low, d.high)
        for key in self.order:
            self.units[key].step(env, rng)
        for name, evaluate in self.questions:
            env[name] = evaluate(env)
        return env

    def sample(self, n: int, *, seed: int) -> ReferenceSample:
        """``n`` independent draws from ``random.Random(seed)``."""
        rng = random.Random(seed)
        return ReferenceSample([self.draw(rng) for _ in range(n)], dict(self.question_kinds),
                               self.as_of, self.horizon, list(self.dated), dict(self.levels))
