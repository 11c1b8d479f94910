"""The expression language of scenario ``questions`` and ``Results.prob``.

An expression is a condition, count or date over a scenario's nodes, e.g.
``signing.date <= 2024-12-31``, ``su35_sale or s400_sale`` or
``count(military, energy) >= 2 and not new_sanctions``. Grammar, lowest
precedence first (the only arithmetic is days between two dates, format 2)::

    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | primary [CMP primary]        CMP: < <= > >= == !=
    primary := NAME | NAME ".date" ["-" NAME ".date"] | FUNC "(" [K ","] or ("," or)* ")"
             | NUMBER | "-" NUMBER | DATE | "true" | "false" | "(" or ")"

Names are snake_case; ``2024-12-31`` is a date, never a subtraction.
``a.date - b.date`` is the number of days from ``b`` to ``a`` (a number; missing,
``NaN``, when either date is missing, so every comparison with it but ``!=`` is
false).
Comparisons take two numbers, two dates or two true/false values (``==``,
``!=`` only) and do not chain. ``count`` gives the number of true arguments;
``all``, ``any``, ``at_least(k, ...)``, ``at_most(k, ...)`` and
``exactly(k, ...)`` are conditions, ``k`` a whole-number literal.

**Missing dates.** Where a dated node has no date in a draw (``signing`` when
not signed) its ``.date`` is ``NaT``, and comparisons follow numpy: ``<``,
``<=``, ``>``, ``>=`` and ``==`` with ``NaT`` are false, ``!=`` is true. So
``signing.date <= 2024-12-31`` is false in draws without a signing.

:func:`parse` makes an AST of frozen dataclasses (each keeps its 0-based
``start`` offset, ignored by ``==``), :func:`check` types it against a scope,
:func:`evaluate` computes it on arrays of draws, :func:`unparse` writes
canonical text. Errors are :class:`~pactsim.errors.ScenarioError` with the
1-based ``column`` inside the expression text (``line=None``, ``field=""``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NoReturn, TypeAlias

from pactsim.errors import Problem, ScenarioError, did_you_mean

if TYPE_CHECKING:  # numpy is imported where an expression is evaluated: parsing needs none
    import numpy as np
    import numpy.typing as npt

# fmt: off
__all__ = [
    "ABSENT",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "BoolLit",
    "BoolOp",
    "Call",
    "Compare",
    "DateLit",
    "DateOf",
    "DaysBetween",
    "Expr",
    "ExprType",
    "Name",
    "NameInfo",
    "Not",
    "NumLit",
    "check",
    "check_dates",
    "children",
    "compile_condition",
    "compile_expr",
    "dependency_order",
    "evaluate",
    "names",
    "ordered_names",
    "outcome_name",
    "parse",
    "resolve",
    "unparse",
]
# fmt: on

ExprType = Literal["bool", "number", "date"]
MAX_LENGTH = 10_000  #: longest expression text accepted, in characters
MAX_DEPTH = 100  #: deepest nesting of parentheses, ``not`` and calls accepted


@dataclass(frozen=True, slots=True)
class Name:
    """A node name, e.g. ``su35_sale``."""

    name: str
    start: int = field(default=0, kw_only=True, compare=False)


@dataclass(frozen=True, slots=True)
class DateOf:
    """The date of a dated node, ``name.date`` (``NaT`` in draws without one)."""

    name: str
    start: int = field(default=0, kw_only=True, compare=False)


@dataclass(frozen=True, slots=True)
class DaysBetween:
    """``a.date - b.date``: days from ``b`` to ``a`` (missing when either date is missing)."""

    left: DateOf
    right: DateOf
    start: int = field(default=0, kw_only=True, compare=False)


@dataclass(frozen=True, slots=True)
class DateLit:
    """An ISO date literal, e.g. ``2024-12-31``."""

    value: dt.date
    start: int = field(default=0, kw_only=True, compare=False)


@dataclass(frozen=True, slots=True)
class NumLit:
    """A number literal, e.g. ``3``, ``0.5`` or ``-1.5``."""

    value: float
    start: int = field(default=0, kw_only=True, compare=False)


@dataclass(frozen=True, slots=True)
class BoolLit:
    """``true`` or ``false``."""

    value: bool
    start: int = field(default=0, kw_only=True, compare=False)


@dataclass(frozen=True, slots=True)
class Not:
    """``not operand``."""

    operand: Expr
    start: int = field(default=0, kw_only=True, compare=False)


@dataclass(frozen=True, slots=True)
class BoolOp:
    """``a and b and ...`` or ``a or b or ...`` (two operands or more)."""

    op: Literal["and", "or"]
    operands: tuple[Expr, ...]
    start: int = field(default=0, kw_only=True, compare=False)


@dataclass(frozen=True, slots=True)
class Compare:
    """``left op right`` with ``op`` one of ``< <= > >= == !=``."""

    op: str
    left: Expr
    right: Expr
    start: int = field(default=0, kw_only=True, compare=False)


@dataclass(frozen=True, slots=True)
class Call:
    """``func(args)``, or ``func(k, args)`` for ``at_least``/``at_most``/``exactly``."""

    func: str
    args: tuple[Expr, ...]
    k: int | None = None
    start: int = field(default=0, kw_only=True, compare=False)


Expr: TypeAlias = (Name | DateOf | DaysBetween | DateLit | NumLit | BoolLit | Not | BoolOp
                   | Compare | Call)


@dataclass(frozen=True, slots=True)
class NameInfo:
    """What :func:`check` knows of a name in scope.

    Attributes
    ----------
    type:
        ``"bool"`` for binary nodes, ``"number"`` for drivers, a question's own type.
    has_date:
        Whether ``name.date`` exists (``signing`` in v1).
    levels:
        The outcomes of a categorical node (format 3), in file order, ``absent``
        included when the node can be absent; ``None`` for other names. The
        name alone is the condition "not absent"; ``name == level`` and
        ``in(name, level, ...)`` test its outcome (see :func:`resolve`).
    """

    type: ExprType
    has_date: bool = False
    levels: tuple[str, ...] | None = None


#: The outcome of a categorical node whose gates are closed or that drew its
#: ``absent`` level: the node is then false (not in the text).
ABSENT = "absent"


def outcome_name(node: str, level: str) -> str:
    """The binary row that is true when categorical `node` has outcome `level`
    (``"instc=named"``); not a valid node name, so it never clashes with one."""
    return f"{node}={level}"


_FUNCS = ("count", "all", "any", "at_least", "at_most", "exactly", "in")
_K_CMP = {"at_least": ">=", "at_most": "<=", "exactly": "=="}
#: The comparisons, by the name of their numpy ufunc.
_CMP: dict[str, str] = {
    "<": "less", "<=": "less_equal", ">": "greater",
    ">=": "greater_equal", "==": "equal", "!=": "not_equal",
}  # fmt: skip
_KEYWORDS = frozenset({"and", "or", "not", "true", "false"})
_KIND = {"bool": "true/false value", "number": "number", "date": "date"}
_TOKEN = re.compile(
    r"(?P<ws>\s+)|(?P<date>\d+(?:-\d+)+)|(?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_]\w*)|(?P<op>==|!=|<=|>=|=<|=>|&&|\|\||[-<>=!&|(),.])",
    re.ASCII,
)
# fmt: off
_BAD_OPS = {
    "=": "use == to compare", "=<": "write '<='", "=>": "write '>='", "!": "use 'not' (or !=)",
    "&": "use 'and'", "&&": "use 'and'", "|": "use 'or'", "||": "use 'or'",
}
# fmt: on


def _fail(message: str, offset: int) -> NoReturn:
    raise ScenarioError(Problem(message, column=offset + 1))


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # "name", "num", "date", "end", or the text of an operator or keyword
    text: str
    start: int


def _desc(tok: _Tok) -> str:
    label = {"name": "name ", "num": "number ", "date": "date "}.get(tok.kind, "")
    return "end of expression" if tok.kind == "end" else f"{label}'{tok.text}'"


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        if (m := _TOKEN.match(text, pos)) is None:
            what = "names, numbers, dates, and/or/not, comparisons and functions"
            ch = text[pos]
            named = ""
            if ord(ch) > 127:  # a look-alike pasted from a document: say which it is
                import unicodedata

                named = f" (U+{ord(ch):04X} {unicodedata.name(ch, '?')}, not ASCII)"
            fix = {"'": "; dates and numbers are written without quotes: 2026-12-31, 90",
                   '"': "; dates and numbers are written without quotes: 2026-12-31, 90",
                   "+": "; to count what holds, write count(a, b) >= 2; to compare two "
                        "dates, write the days between them: a.date - b.date <= 30",
                   }.get(ch, "")
            _fail(f"unexpected character {ch!r}{named} (expressions use {what}){fix}", pos)
        kind, tok, low = m.lastgroup or "", m.group(), m.group().lower()
        if kind == "name" and tok != low and low in _KEYWORDS:
            _fail(f"'{tok}' must be written '{low}' (keywords are lower-case)", pos)
        if kind == "name" and tok[0] == "T" and \
                (iso := re.search(r"\d{4}-\d{2}-\d{2}$", text[:pos])):
            # 2024-12-31T00:00: a date and time pasted whole (review-python15)
            _fail(f"a date has no time of day here: write {iso.group()}, without "
                  f"'{tok}...'", pos)
        if kind == "name" and tok != low:
            _fail(f"'{tok}' is not a valid name (names are snake_case); write '{low}'", pos)
        if tok in _BAD_OPS:
            _fail(f"'{tok}' is not an operator; {_BAD_OPS[tok]}", pos)
        if kind != "ws":
            keep = kind == "op" or tok in _KEYWORDS
            out.append(_Tok(tok if keep else kind, tok, pos))
        pos = m.end()
    return [*out, _Tok("end", "", len(text))]


def _number(tok: _Tok) -> float:
    if not math.isfinite(value := float(tok.text)):
        _fail(f"'{tok.text}' is too large for a number", tok.start)
    return value


def _date(tok: _Tok) -> dt.date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", tok.text, re.ASCII):
        rule = "dates are YYYY-MM-DD, e.g. 2024-01-05; the only arithmetic is a.date - b.date"
        _fail(f"'{tok.text}' is not a date ({rule})", tok.start)
    try:
        return dt.date.fromisoformat(tok.text)
    except ValueError:
        _fail(f"'{tok.text}' is not a calendar date (dates are YYYY-MM-DD)", tok.start)


class _Parser:
    """Recursive descent over a token list; nesting is capped at :data:`MAX_DEPTH`."""

    def __init__(self, tokens: list[_Tok]) -> None:
        self.toks, self.i, self.depth = tokens, 0, 0

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i = min(self.i + 1, len(self.toks) - 1)
        return tok

    def nest(self, tok: _Tok) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            what = "parentheses, 'not', function calls"
            _fail(
                f"expression nests more than {MAX_DEPTH} levels deep ({what}); simplify it",
                tok.start,
            )

    def or_(self, op: Literal["and", "or"] = "or") -> Expr:
        operands = [self.not_() if op == "and" else self.or_("and")]
        while self.peek().kind == op:
            self.take()
            operands.append(self.not_() if op == "and" else self.or_("and"))
        return (
            operands[0] if len(operands) == 1 else BoolOp(op, (*operands,), start=operands[0].start)
        )

    def not_(self) -> Expr:
        if (tok := self.peek()).kind != "not":
            return self.comparison()
        self.take()
        self.nest(tok)
        operand = self.not_()
        self.depth -= 1
        return Not(operand, start=tok.start)

    def comparison(self) -> Expr:
        left = self.primary()
        if (op := self.peek()).kind not in _CMP:
            return left
        self.take()
        right = self.primary()
        if (op2 := self.peek()).kind in _CMP:
            self.take()
            a, b, c = unparse(left), unparse(right), unparse(self.primary())
            fix = f"{a} {op.kind} {b} and {b} {op2.kind} {c}"
            # (review-api27: 'x == outcome == true' wants the brackets, not the 'and')
            _fail(f"comparisons cannot be chained; write '{fix}', or bracket one: "
                  f"'({a} {op.kind} {b}) {op2.kind} {c}'", op2.start)
        return Compare(op.kind, left, right, start=left.start)

    def primary(self) -> Expr:
        prev = self.toks[self.i - 1] if self.i > 0 else None
        tok = self.take()
        kind, start = tok.kind, tok.start
        if kind == "name" and self.peek().kind == "(":
            return self.call(tok)
        if kind == "name" and self.peek().kind == ".":
            self.take()
            if (attr := self.take()).text != "date" or attr.kind != "name":
                rule = "the only attribute is '.date', as in 'signing.date'"
                _fail(f"expected 'date' after '.', found {_desc(attr)} ({rule})", attr.start)
            left = DateOf(tok.text, start=start)
            if self.peek().kind == "-" and self.toks[self.i + 1].kind == "name":
                minus = self.take()
                other = self.take()
                if self.peek().kind != "." or self.toks[self.i + 1].text != "date":
                    _fail(f"'-' between dates needs a date on both sides, as in "
                          f"'{tok.text}.date - {other.text}.date'", minus.start)
                self.take()
                self.take()
                return DaysBetween(left, DateOf(other.text, start=other.start), start=start)
            return left
        if kind == "name":
            return Name(tok.text, start=start)
        if kind == "num":
            return NumLit(_number(tok), start=start)
        if kind == "-" and self.peek().kind == "num":
            return NumLit(-_number(self.take()), start=start)
        if kind == "-":
            _fail("'-' is only allowed before a number or between two dates "
                  "('a.date - b.date')", start)
        if kind == "date":
            return DateLit(_date(tok), start=start)
        if kind in ("true", "false"):
            return BoolLit(kind == "true", start=start)
        if kind == "(":
            self.nest(tok)
            inner = self.or_()
            self.close(tok, "')'")
            return inner
        if kind == ")" and prev is not None and prev.kind == "(":
            _fail("empty parentheses '()' (put a condition inside, or remove them)", start)
        where = "at the start" if prev is None else f"after '{prev.text}'"
        _fail(
            f"expected a name, number, date, true/false or '(' {where}, found {_desc(tok)}", start
        )

    def close(self, opening: _Tok, expected: str) -> None:
        """Consume the ')' matching `opening` and leave its nesting level."""
        self.depth -= 1
        if (tok := self.take()).kind == ")":
            return
        col = opening.start + 1
        if tok.kind == "end":
            rule = "every '(' needs its ')'; add ')'"
            _fail(f"missing ')' for the '(' at character {col} of the expression ({rule})",
                  opening.start)
        _fail(
            f"unexpected {_desc(tok)}; expected {expected} to close the '(' at character "
            f"{col} of the expression",
            tok.start,
        )

    def call(self, name: _Tok) -> Expr:
        if (func := name.text) not in _FUNCS:
            hint = did_you_mean(func, _FUNCS) or f" (functions are {', '.join(_FUNCS)})"
            _fail(f"unknown function '{func}'{hint}", name.start)
        self.nest(paren := self.take())
        k = None
        if func in _K_CMP:
            tok = self.take()
            if tok.kind == "num" and tok.text.isdigit() and len(tok.text) > 9:
                _fail(f"{func}(): k = {tok.text[:20]}{'…' * (len(tok.text) > 20)} is larger "
                      "than any number of arguments (at most 999,999,999)", tok.start)
            if tok.kind != "num" or not tok.text.isdigit() or len(tok.text) > 9:
                fix = f"as in {func}(2, a, b, c); found {_desc(tok)}"
                _fail(f"{func}() needs a whole number k >= 0 first, {fix}", tok.start)
            k = int(tok.text)
            if (sep := self.take()).kind != ",":
                fix = f"as in {func}({k}, a, b); found {_desc(sep)}"
                _fail(f"expected ',' and conditions after k, {fix}", sep.start)
        elif self.peek().kind == ")":
            _fail(f"{func}() needs at least one condition, as in {func}(a, b)", self.peek().start)
        args = [self.or_()]
        while self.peek().kind == ",":
            self.take()
            args.append(self.or_())
        self.close(paren, "',' or ')'")
        return Call(func, (*args,), k, start=name.start)


def parse(text: str) -> Expr:
    """Parse expression text into an AST.

    Parameters
    ----------
    text:
        The expression, at most :data:`MAX_LENGTH` characters.

    Returns
    -------
    Expr
        The AST; each ``start`` is a 0-based offset in `text`.

    Raises
    ------
    ScenarioError
        With one problem whose ``column`` is the 1-based column of the offending
        character. No other exception escapes, whatever the string.

    Examples
    --------
    >>> parse("a or not b") == BoolOp("or", (Name("a"), Not(Name("b"))))
    True
    """
    if len(text) > MAX_LENGTH:
        rule = f"the limit is {MAX_LENGTH}; split it into several questions"
        _fail(f"expression is {len(text)} characters long ({rule})", MAX_LENGTH)
    try:
        parser = _Parser(_tokens(text))
        if parser.peek().kind == "end":
            _fail("empty expression (write a condition, e.g. 'signing' or 'count(a, b) >= 2')", 0)
        expr = parser.or_()
    except RecursionError:
        _fail("expression nests too deeply; simplify it", 0)
    if (tok := parser.peek()).kind == ")":
        _fail("unexpected ')' (every '(' needs its ')'; remove it or add '(' before)", tok.start)
    if tok.kind == "-":
        _fail("unexpected '-' (the only arithmetic is days between two dates, "
              "'a.date - b.date'; dates are YYYY-MM-DD)", tok.start)
    if tok.kind == "name" and tok.text.lower() in ("day", "days", "d", "weeks", "months"):
        _fail(f"unexpected {_desc(tok)}: numbers have no units (days between two dates are "
              "a number of days: write a.date - b.date <= 90)", tok.start)
    if tok.kind != "end":
        _fail(f"unexpected {_desc(tok)} (expected 'and', 'or', a comparison or the end)", tok.start)
    return expr


def _children(expr: Expr) -> tuple[Expr, ...]:
    if isinstance(expr, Not):
        return (expr.operand,)
    if isinstance(expr, Compare):
        return (expr.left, expr.right)
    if isinstance(expr, BoolOp):
        return expr.operands
    if isinstance(expr, DaysBetween):
        return (expr.left, expr.right)
    return expr.args if isinstance(expr, Call) else ()


def children(expr: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of `expr`."""
    return _children(expr)


def walk(expr: Expr) -> Iterator[Expr]:
    """Every sub-expression of `expr`, itself first (iteratively: no recursion on depth)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(_children(node))


def names(expr: Expr) -> frozenset[str]:
    """Return the node names `expr` mentions, including those under ``.date``.

    Examples
    --------
    >>> sorted(names(parse("signing.date < 2025-01-01 or count(a, b) > 1")))
    ['a', 'b', 'signing']
    """
    found: set[str] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Name | DateOf):
            found.add(node.name)
        stack.extend(_children(node))
    return frozenset(found)


def ordered_names(expr: Expr) -> list[str]:
    """The node names an expression uses, in order of first use (``x.date`` counts as ``x``)."""
    return _ordered_names(expr)


def _ordered_names(expr: Expr) -> list[str]:
    """Names `expr` mentions, each once, in the order they are written."""
    found: dict[str, None] = {}
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Name | DateOf):
            found[node.name] = None
        stack.extend(reversed(_children(node)))
    return list(found)


def dependency_order(trees: Mapping[str, Expr]) -> list[str]:
    """Order named expressions (questions) so each comes after those it mentions.

    Parameters
    ----------
    trees:
        Question name -> its AST. Names an AST mentions that are not keys of
        `trees` (nodes, drivers) are ignored.

    Returns
    -------
    list of str
        Every key of `trees` once. Independent questions keep the order of
        `trees`. No recursion (a chain of thousands of questions is fine) and
        time linear in the total size of the ASTs. Questions in a cycle come
        in some order that cannot satisfy them all; validation refuses cycles.

    Examples
    --------
    >>> dependency_order({"a": parse("b or c"), "b": parse("c"), "c": parse("x")})
    ['c', 'b', 'a']
    """
    order: list[str] = []
    seen: set[str] = set()
    for root in trees:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(_ordered_names(trees[root])))]
        while stack:
            name, pending = stack[-1]
            for dep in pending:
                if dep in trees and dep not in seen:
                    seen.add(dep)
                    stack.append((dep, iter(_ordered_names(trees[dep]))))
                    break
            else:
                stack.pop()
                order.append(name)
    return order


def check_dates(expr: Expr, *, horizon: dt.date) -> list[Problem]:
    """Problems for the date literals of `expr` that a scenario cannot answer.

    A scenario models nothing after its ``horizon``: ``signing.date <=
    2027-06-30`` with horizon 2026-12-31 would silently be P(signed by the
    horizon). Such literals are problems, each with the 1-based ``column`` of
    the date in the expression text and the date as ``value``. Dates on or
    before the horizon are fine, those before ``as_of`` included (comparing
    with them is well defined: nothing is signed before ``as_of``).

    Examples
    --------
    >>> [p.column for p in check_dates(parse("signing.date <= 2027-06-30"),
    ...                                horizon=dt.date(2026, 12, 31))]
    [17]
    """
    problems: list[Problem] = []
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, DateLit) and node.value > horizon:
            problems.append(Problem(
                f"date {node.value} is after the horizon ({horizon}): the scenario models "
                "nothing later, so this cannot be answered (use a date on or before the "
                "horizon, or move the horizon)", column=node.start + 1, value=node.value))
        stack.extend(_children(node))
    return sorted(problems, key=lambda p: p.column or 0)


_Report = Callable[[Expr, str], None]
_Scope = Mapping[str, NameInfo]
_Suggest = Callable[[str], str]


def _outcome(node: str, level: Expr, scope: Mapping[str, NameInfo], bad: _Report) -> Expr:
    """``node == level`` as a condition over binary rows (``level`` a bare name)."""
    levels = scope[node].levels or ()
    if not isinstance(level, Name) or level.name not in levels:
        shown = unparse(level)
        hint = did_you_mean(shown, levels) if isinstance(level, Name) else ""
        if not hint and isinstance(level, Name) and level.name in scope and ABSENT in levels:
            hint = f"; to compare whether '{node}' is present, write '({node} != absent)'"
        bad(level, f"'{shown}' is not an outcome of '{node}'{hint} (its outcomes are "
            f"{', '.join(levels)})")
        return Name(node, start=level.start)
    if level.name == ABSENT:
        return Not(Name(node, start=level.start), start=level.start)
    return Name(outcome_name(node, level.name), start=level.start)


def _categorical(e: Expr, scope: Mapping[str, NameInfo]) -> str | None:
    if isinstance(e, Name) and e.name in scope and scope[e.name].levels is not None:
        return e.name
    return None


def _resolve(expr: Expr, scope: Mapping[str, NameInfo], bad: _Report) -> Expr:
    match expr:
        case Compare(op="==" | "!=" as op, left=left, right=right) if (
                (node := _categorical(left, scope)) is not None
                or (node := _categorical(right, scope)) is not None):
            level = right if _categorical(left, scope) == node else left
            if _categorical(level, scope) is not None:
                text = unparse(expr)
                other = _categorical(level, scope) or ""
                ex = [f"{x} == {(scope[x].levels or ('l',))[-1]}" for x in (node, other)]
                bad(expr, f"cannot compare two categorical nodes in '{text}'; compare each "
                    f"with an outcome, e.g. '{ex[0]} and {ex[1]}'")
                return expr
            out = _outcome(node, level, scope, bad)
            return out if op == "==" else Not(out, start=expr.start)
        case Call(func="in", args=args, start=start):
            node = _categorical(args[0], scope) if args else None
            if node is None or len(args) < 2:
                what = unparse(args[0]) if args else ""
                bad(expr, f"in() takes a categorical node and its outcomes, as in "
                    f"'in(instc, generic, named)'; '{what}' is not a categorical node"
                    if node is None else f"in({node}) needs at least one outcome after the "
                    f"node, as in 'in({node}, {(scope[node].levels or ('x',))[-1]})'")
                return expr
            parts = [_outcome(node, a, scope, bad) for a in args[1:]]
            return parts[0] if len(parts) == 1 else BoolOp("or", tuple(parts), start=start)
        case Not(operand=operand, start=start):
            return Not(_resolve(operand, scope, bad), start=start)
        case BoolOp(op=op, operands=operands, start=start):
            return BoolOp(op, tuple(_resolve(o, scope, bad) for o in operands), start=start)
        case Compare(op=op, left=left, right=right, start=start):
            return Compare(op, _resolve(left, scope, bad), _resolve(right, scope, bad),
                           start=start)
        case Call(func=func, args=args, k=k, start=start):
            return Call(func, tuple(_resolve(a, scope, bad) for a in args), k, start=start)
    return expr


def resolve(expr: Expr, scope: Mapping[str, NameInfo], *, strict: bool = True) -> Expr:
    """Rewrite tests of categorical outcomes (format 3) into conditions over binary rows.

    ``x == level`` becomes the outcome row ``x=level`` (see :func:`outcome_name`),
    ``x != level`` its negation, ``x == absent`` is ``not x``, and
    ``in(x, a, b)`` is ``x == a or x == b``. Names without ``levels`` in
    `scope` are left alone, so an expression with no categorical node comes back
    equal to itself. Call it before :func:`check`, which refuses what is left.
    With ``strict=False`` nothing is raised: a test of an unknown outcome reads as
    the node itself (what the expression depends on, for a check of cycles).

    Raises
    ------
    ScenarioError
        With the 1-based ``column`` of each unknown outcome (with did-you-mean),
        ``in()`` without a categorical node, or two categorical nodes compared.

    Examples
    --------
    >>> scope = {"instc": NameInfo("bool", levels=("absent", "generic", "named"))}
    >>> unparse(resolve(parse("in(instc, generic, named)"), scope))
    'instc == generic or instc == named'
    """
    if not any(i.levels is not None for i in scope.values()) and not any(
            isinstance(e, Call) and e.func == "in" for e in walk(expr)):
        return expr
    problems: list[Problem] = []
    out = _resolve(expr, scope, lambda at, msg: problems.append(Problem(msg, column=at.start + 1)))
    if problems and strict:
        raise ScenarioError(problems)
    return out


def _need_bool(what: str, items: Sequence[Expr], scope: _Scope, bad: _Report,
               suggest: _Suggest) -> None:
    for item in items:
        if (typ := _check(item, scope, bad, suggest)) in ("number", "date"):
            text = unparse(item)
            fix = f"{text} > 0" if typ == "number" else f"{text} <= 2024-12-31"
            bad(item, f"{what} needs true/false conditions, but '{text}' is a {typ}; "
                f"compare it, e.g. '{fix}'")  # fmt: skip


def _check(expr: Expr, scope: _Scope, bad: _Report, suggest: _Suggest) -> ExprType | None:
    match expr:
        case Name(name=name) | DateOf(name=name) if name not in scope:
            rule = " (names are the scenario's events, drivers, pillars, clauses, questions)"
            owners = [n for n, i in scope.items() if i.levels is not None and name in i.levels]
            if owners:  # `corridor > generic`: an outcome outside == / != / in()
                rule = (f": '{name}' is an outcome of '{owners[0]}', named only in "
                        f"'{owners[0]} == {name}', '{owners[0]} != {name}' or "
                        f"'in({owners[0]}, {name}, ...)'")
            bad(expr, f"unknown name '{name}'{rule if owners else suggest(name) or rule}")
            return None
        case Name(name=name):
            return scope[name].type
        case DateOf(name=name) if not scope[name].has_date:
            rule = "only dated nodes such as 'signing' have '.date'"
            bad(expr, f"'{name}' has no date ({rule}); write '{name}' to test whether it happened")
            return None
        case DaysBetween(left=left, right=right):
            ok = [_check(side, scope, bad, suggest) for side in (left, right)]
            return "number" if None not in ok else None
        case DateOf() | DateLit():
            return "date"
        case NumLit():
            return "number"
        case BoolLit():
            return "bool"
        case Not(operand=operand):
            _need_bool("'not'", [operand], scope, bad, suggest)
        case BoolOp(op=op, operands=operands):
            _need_bool(f"'{op}'", operands, scope, bad, suggest)
        case Compare(op=op, left=Name(name=node), right=Name(name=other, start=at)) if \
                op in ("==", "!=") and node in scope and scope[node].type == "bool" and \
                scope[node].levels is None and other not in scope and not suggest(other):
            # 'military == named': an outcome test on a node that has no outcomes
            kind = "a dated node (it happens or not, on a day)" if scope[node].has_date \
                else "a yes/no node"
            day = f", or '{node}.date == YYYY-MM-DD' for the day it happened (in a mapping " \
                "of evidence: True/False, or the day)" if scope[node].has_date else ""
            bad(Name(other, start=at), f"'{node}' is {kind} with no outcomes, so "
                f"'{node} {op} {other}' has no meaning; write '{node}' or 'not {node}'{day} "
                "(only nodes with levels: have outcomes)")
            return None
        case Compare(op=op, left=left, right=right):
            lt, rt = _check(left, scope, bad, suggest), _check(right, scope, bad, suggest)
            text = unparse(expr)
            if lt is not None and rt is not None and lt != rt:
                rule = "compare two numbers, two dates, or two true/false values"
                # 'signing <= 2026-12-31': a dated node's name where its .date was meant
                dated = [side.name for side, other in ((left, rt), (right, lt))
                         if isinstance(side, Name) and other == "date"
                         and side.name in scope and scope[side.name].has_date]
                hint = f"; did you mean '{dated[0]}.date'?" if dated else ""
                bad(expr, f"cannot compare a {_KIND[lt]} with a {_KIND[rt]} in '{text}' "
                    f"({rule}){hint}")
            elif lt == rt == "bool" and op not in ("==", "!="):
                bad(expr, f"'{op}' cannot order true/false values in '{text}'; use == or !=")
        case Call(func="in"):
            bad(expr, "in() takes a categorical node and its outcomes, as in "
                "'in(instc, generic, named)'")
            return None
        case Call(func=func, args=args, k=k):
            _need_bool(f"{func}()", args, scope, bad, suggest)
            if k is not None and func in ("at_least", "exactly") and k > len(args):
                fix = "so it is never true; lower k or add conditions"
                bad(expr, f"{func}({k}, ...) lists only {len(args)} conditions, {fix}")
            return "number" if func == "count" else "bool"
        case _:
            raise TypeError(f"not an expression: {expr!r}")
    return "bool"


def check(expr: Expr, scope: Mapping[str, NameInfo], *,
          suggest: Callable[[str], str] | None = None) -> ExprType:
    """Type-check `expr` against the names in `scope` and return its type.

    `suggest` turns an unknown name into ``"; did you mean 'x'?"`` or ``""``;
    by default the names of `scope` are searched (pass a shared
    :class:`~pactsim.errors.Suggestions` when checking many expressions
    against one large scope).

    Raises
    ------
    ScenarioError
        With one problem per error (unknown name, ``.date`` on an undated node,
        ``and``/``or``/``not``/functions applied to non-conditions, mismatched
        or ordered true/false comparisons, impossible ``at_least``/``exactly``),
        each with the 1-based ``column`` of the offending sub-expression.

    Examples
    --------
    >>> check(parse("count(a, b) >= 1"), {"a": NameInfo("bool"), "b": NameInfo("bool")})
    'bool'
    """
    problems: list[Problem] = []
    if suggest is None:  # searched only when a name is unknown: checking stays O(len(expr))

        def suggest(name: str) -> str:
            return did_you_mean(name, scope)

    typ = _check(expr, scope, lambda at, msg: problems.append(Problem(msg, column=at.start + 1)),
                 suggest)
    if problems or typ is None:
        raise ScenarioError(problems)
    return typ


def compile_expr(text: str, scope: Mapping[str, NameInfo]) -> tuple[Expr, ExprType]:
    """Parse, :func:`resolve` and type-check `text`; return the AST and its type
    (see :func:`check`)."""
    expr = resolve(parse(text), scope)
    return expr, check(expr, scope)


def compile_condition(text: str, scope: Mapping[str, NameInfo], *, what: str = "expr",
                      horizon: dt.date | None = None) -> Expr:
    """Compile a true/false expression given in Python (``Results.prob(text)``).

    Problems name the argument and the column: ``expr = 'a and': column 6:
    expected a name ...``. A row name of the marginals, ``instc=named`` (or
    ``instc=absent``), reads as ``instc == named``. A numeric or date expression is
    an error, and so, when `horizon` is given, is a date literal after it (see
    :func:`check_dates`).
    """
    node, eq, level = text.partition("=")
    info = scope.get(node.strip()) if eq and not level.startswith("=") else None
    if info is not None and info.levels is not None and level.strip() in info.levels:
        # a marginals row name, "instc=named": the same as "instc == named"
        return resolve(Compare("==", Name(node.strip()), Name(level.strip())), scope)
    try:
        tree, kind = compile_expr(text, scope)
        late = [] if horizon is None else check_dates(tree, horizon=horizon)
        if late:
            raise ScenarioError(late)
    except ScenarioError as err:
        raise ScenarioError([
            Problem(f"{what} = {text!r}, column {p.column}: {p.message}", value=text)
            for p in err.problems]) from None
    if kind != "bool":
        t = " ".join(text.split())
        t = t if len(t) <= 60 else "..."
        example = (f"{t} <= {horizon}" if kind == "date" and horizon is not None else
                   f"{t} >= 1")
        raise ScenarioError(Problem(
            f"{what} = {text!r} is a {kind}, not a true/false expression (compare it, e.g. "
            f"`{example}`)", value=text))
    return tree


_Env: TypeAlias = "tuple[Mapping[str, npt.NDArray[Any]], Mapping[str, npt.NDArray[Any]], int]"


def _fold(ufunc: Callable[..., Any], items: Sequence[Expr], env: _Env) -> npt.NDArray[np.bool_]:
    import numpy as np

    acc = np.empty(env[2], dtype=bool)
    acc[...] = _eval(items[0], env)
    for item in items[1:]:
        ufunc(acc, _eval(item, env), out=acc)
    return acc


def _lookup(arrays: Mapping[str, npt.NDArray[Any]], name: str, what: str) -> npt.NDArray[Any]:
    import numpy as np

    if name not in arrays:
        raise KeyError(f"evaluate() got no {what} for {name!r}")
    return np.asarray(arrays[name])


def _eval(expr: Expr, env: _Env) -> Any:
    import numpy as np

    match expr:
        case Name(name=name):
            return _lookup(env[0], name, "values")
        case DateOf(name=name):
            return _lookup(env[1], name, "dates")
        case DaysBetween(left=left, right=right):
            a, b = _eval(left, env), _eval(right, env)
            diff = (a - b).astype(np.float64)
            return np.where(np.isnat(a) | np.isnat(b), np.nan, diff)
        case DateLit(value=value):
            return np.datetime64(value, "D")
        case NumLit(value=value):
            return np.float64(value)
        case BoolLit(value=value):
            return np.bool_(value)
        case Not(operand=operand):
            return np.logical_not(_eval(operand, env))
        case BoolOp(op=op, operands=operands):
            return _fold(np.logical_and if op == "and" else np.logical_or, operands, env)
        case Compare(op=op, left=left, right=right):
            return getattr(np, _CMP[op])(_eval(left, env), _eval(right, env))
        case Call(func="all" | "any" as func, args=args):
            return _fold(np.logical_and if func == "all" else np.logical_or, args, env)
        case Call(func=func, args=args, k=k):
            total = np.zeros(env[2], dtype=np.int64)
            for arg in args:  # one running total, no (n, len(args)) temporary
                np.add(total, _eval(arg, env), out=total)
            return total if func == "count" else getattr(np, _CMP[_K_CMP[func]])(total, k)
    raise TypeError(f"not an expression: {expr!r}")


def evaluate(
    expr: Expr,
    values: Mapping[str, npt.NDArray[Any]],
    dates: Mapping[str, npt.NDArray[Any]] | None = None,
) -> npt.NDArray[Any]:
    """Evaluate a checked expression on every draw at once.

    Parameters
    ----------
    expr:
        An expression that passed :func:`check`.
    values:
        Per name, shape ``(n,)``: bool for binary nodes, float for drivers and
        number questions.
    dates:
        Per dated name, shape ``(n,)``, ``datetime64[D]`` with ``NaT`` in draws
        without a date; comparisons with ``NaT`` follow numpy (see the module).

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``: bool for conditions, int64 (``count``) or float64 for
        numbers, ``datetime64[D]`` for dates. Literals broadcast to ``n``, the
        length of the arrays given (1 when none is given).

    Examples
    --------
    >>> import numpy as np
    >>> a, b = np.array([True, True, False]), np.array([True, False, False])
    >>> evaluate(parse("count(a, b, true)"), {"a": a, "b": b})
    array([3, 2, 1])
    """
    import numpy as np

    dates = {} if dates is None else dates
    n = next((len(a) for a in itertools.chain(values.values(), dates.values())), 1)
    out = np.asarray(_eval(expr, (values, dates, n)))
    if out.ndim == 0:
        return np.full(n, out)
    return out.copy() if isinstance(expr, Name | DateOf) else out


def _wrap(expr: Expr, minimum: int) -> str:
    """Unparse `expr`, in parentheses if it binds less tightly than `minimum`."""
    if isinstance(expr, BoolOp):
        precedence = 1 if expr.op == "or" else 2
    elif isinstance(expr, Name) and "=" in expr.name:  # an outcome row reads 'x == l'
        precedence = 4
    else:
        precedence = 3 if isinstance(expr, Not) else 4 if isinstance(expr, Compare) else 5
    return f"({unparse(expr)})" if precedence < minimum else unparse(expr)


def unparse(expr: Expr) -> str:
    """Return the canonical text of `expr`; ``parse(unparse(e)) == e``.

    Examples
    --------
    >>> unparse(parse("(a  and(b)) or not (c)"))
    'a and b or not c'
    """
    match expr:
        case Name(name=name) if "=" in name:  # an outcome row made by resolve()
            node, level = name.split("=", 1)
            return f"{node} == {level}"
        case Name(name=name):
            return name
        case DateOf(name=name):
            return f"{name}.date"
        case DaysBetween(left=left, right=right):
            return f"{left.name}.date - {right.name}.date"
        case DateLit(value=value):
            return value.isoformat()
        case NumLit(value=value):
            text = repr(float(value))
            return text[:-2] if text.endswith(".0") else text
        case BoolLit(value=value):
            return "true" if value else "false"
        case Not(operand=operand):
            return "not " + _wrap(operand, 3)
        case BoolOp(op=op, operands=operands):
            return f" {op} ".join(_wrap(o, 2 if op == "or" else 3) for o in operands)
        case Compare(op=op, left=left, right=right):
            return f"{_wrap(left, 5)} {op} {_wrap(right, 5)}"
        case Call(func=func, args=args, k=k):
            parts = ([] if k is None else [str(k)]) + [unparse(a) for a in args]
            return f"{func}({', '.join(parts)})"
    raise TypeError(f"not an expression: {expr!r}")
