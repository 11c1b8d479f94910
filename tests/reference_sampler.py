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
* questions: a small parser and evaluator of the expression language written
  here (``and``/``or``/``not``, comparisons, ISO dates, ``.date``,
  ``count``/``all``/``any``/``at_least``/``at_most``/``exactly``), where a
  comparison with a missing date is false except ``!=``.

Nothing here imports pactsim's compiler, engine, statistics, factors or
expression evaluator; it only reads the ``Scenario``'s public fields (duck
typed, so it does not care which module the model classes live in). Speed is
not a goal: a few thousand draws of a ten-node scenario take a fraction of a
second.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
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


def _table_leaf(table: Any, values: tuple[bool, ...]) -> Any:
    leaf = table
    for v in values:
        leaf = leaf[v] if v in leaf else leaf["true" if v else "false"]
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

    def __init__(self, text: str) -> None:
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

    def comparison(self) -> tuple[Evaluator, str]:
        left, kind = self.primary()
        if self.peek() not in _COMPARE:
            return left, kind
        op = _COMPARE[self.take()]
        ne = self.toks[self.i - 1][0] == "!="
        right = self.primary()[0]

        def compare(env: Env) -> bool:
            a, b = left(env), right(env)
            if a is None or b is None:  # a missing date: only != holds
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
            return (lambda env: env[key]), "date"
        self.names.add(name)
        return (lambda env: env[name]), "name:" + name

    def call(self, func: str) -> tuple[Evaluator, str]:
        self.take("(")
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


def parse_question(text: str) -> ParsedQuestion:
    """Compile expression text to a function of one draw (a dict of values).

    Binary nodes are bools, drivers and counts numbers, dates day ordinals
    (:meth:`datetime.date.toordinal`) under ``"<name>.date"``, ``None`` when
    missing.
    """
    parser = _Parser(text)
    evaluate, kind = parser.or_()
    parser.take("end")
    return ParsedQuestion(evaluate, parser.names, kind)


# -- the sampler ---------------------------------------------------------------------


@dataclass
class ReferenceSample:
    """Draws of a scenario, one dict per draw.

    Each draw maps binary node names to bools, drivers to floats, questions to
    their values, and ``"signing.date"`` to the signing day's ordinal or
    ``None``. ``question_kinds`` gives each question's type (``"bool"``,
    ``"number"`` or ``"date"``).
    """

    draws: list[Env]
    question_kinds: dict[str, str]
    as_of: dt.date
    horizon: dt.date

    @property
    def n(self) -> int:
        return len(self.draws)

    def column(self, name: str) -> list[Any]:
        """The values of one name (or ``"signing.date"``) over the draws."""
        return [d[name] for d in self.draws]


@dataclass
class _BinaryNode:
    name: str
    kind: str
    pillar: str | None
    spec: Any
    parents: list[str] = field(default_factory=list)


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
        self.drivers: dict[str, Any] = dict(scenario.drivers)
        nodes: dict[str, _BinaryNode] = {}
        for name, spec in scenario.events.items():
            nodes[name] = _BinaryNode(name, "event", None, spec)
        self.has_signing = scenario.signing is not None
        for pname, pillar in scenario.pillars.items():
            nodes[pname] = _BinaryNode(pname, "pillar", None, pillar)
            for cname, clause in pillar.clauses.items():
                nodes[cname] = _BinaryNode(cname, "clause", pname, clause)
        for node in nodes.values():
            spec = node.spec
            deps = list(spec.given or []) + [k for k in spec.odds if k not in self.drivers]
            deps += list(spec.requires) + list(spec.excludes)
            if node.kind == "pillar" and self.has_signing:
                deps.append("signing")
            if node.kind == "clause":
                deps.append(str(node.pillar))
            node.parents = list(dict.fromkeys(deps))
        self.nodes = nodes
        self.order = self._order()
        self.steps = [self._step(nodes[n]) for n in self.order]
        self.cdf = self._signing_cdf() if self.has_signing else []
        self.questions, self.question_kinds = self._questions()

    # -- structure -------------------------------------------------------------------
    def _order(self) -> list[str]:
        """Binary nodes with every parent before its children (depth-first)."""
        out: list[str] = []
        done: set[str] = set()

        def visit(name: str, path: tuple[str, ...]) -> None:
            if name in done or name == "signing":
                return
            if name in path:
                raise ValueError(f"cycle through {name}")
            for parent in self.nodes[name].parents:
                visit(parent, (*path, name))
            done.add(name)
            out.append(name)

        for name in self.nodes:
            visit(name, ())
        return out

    def _step(self, node: _BinaryNode) -> Callable[[Env, random.Random], bool]:
        """A function drawing one node given the values drawn before it."""
        spec = node.spec
        given = list(spec.given or [])
        if spec.p is not None:
            fixed = _p_spec(spec.p)

            def base(env: Env, rng: random.Random) -> float:
                return fixed(rng)
        else:
            rows = {combo: _p_spec(_table_leaf(spec.table, combo))
                    for combo in itertools.product((False, True), repeat=len(given))}

            def base(env: Env, rng: random.Random) -> float:
                return rows[tuple(bool(env[g]) for g in given)](rng)

        binary_odds = [(k, math.log(f)) for k, f in spec.odds.items() if k not in self.drivers]
        driver_odds = [(k, math.log(f)) for k, f in spec.odds.items() if k in self.drivers]
        must = list(spec.requires)
        if node.kind == "pillar" and self.has_signing:
            must.append("signing")
        if node.kind == "clause":
            must.append(str(node.pillar))
        never = list(spec.excludes)

        def step(env: Env, rng: random.Random) -> bool:
            p = base(env, rng)
            s = 0.0
            for parent, logf in binary_odds:
                if env[parent]:
                    s += logf
            for driver, logf in driver_odds:
                s += logf * env[driver]
            drawn = rng.random() < _with_odds(p, s)
            return (drawn and all(env[m] for m in must)
                    and not any(env[x] for x in never))

        return step

    def _signing_cdf(self) -> list[float]:
        """P(signed on or before as_of + d) for d = 0 .. last by point, linear between points."""
        knots = [(0, 0.0)] + [((d - self.as_of).days, float(v))
                              for d, v in self.scenario.signing.by.items()]
        cdf = []
        for day in range(knots[-1][0] + 1):
            for (d0, c0), (d1, c1) in itertools.pairwise(knots):
                if d0 <= day <= d1:
                    cdf.append(c0 + (c1 - c0) * (day - d0) / (d1 - d0))
                    break
        return cdf

    def _questions(self) -> tuple[list[tuple[str, Evaluator]], dict[str, str]]:
        parsed = {name: parse_question(q if isinstance(q, str) else q.expr)
                  for name, q in self.scenario.questions.items()}
        kinds: dict[str, str] = {}

        def kind_of(name: str) -> str:
            if name in kinds:
                return kinds[name]
            if name in self.drivers:
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
        if self.has_signing:
            u = rng.random()
            if u < self.cdf[-1]:
                day = bisect.bisect_right(self.cdf, u)  # the first day whose F exceeds u
                env["signing"] = True
                env["signing.date"] = self.as_of.toordinal() + day
            else:
                env["signing"] = False
                env["signing.date"] = None
        for name, step in zip(self.order, self.steps, strict=True):
            env[name] = step(env, rng)
        for name, evaluate in self.questions:
            env[name] = evaluate(env)
        return env

    def sample(self, n: int, *, seed: int) -> ReferenceSample:
        """``n`` independent draws from ``random.Random(seed)``."""
        rng = random.Random(seed)
        return ReferenceSample([self.draw(rng) for _ in range(n)], dict(self.question_kinds),
                               self.as_of, self.horizon)
