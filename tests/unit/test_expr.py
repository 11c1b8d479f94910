"""Unit tests of pactsim.language.expr: parsing, checking, evaluation and error messages."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from pactsim.errors import ScenarioError
from pactsim.language.expr import (
    MAX_DEPTH,
    MAX_LENGTH,
    BoolLit,
    BoolOp,
    Call,
    Compare,
    DateLit,
    DateOf,
    Name,
    NameInfo,
    Not,
    NumLit,
    check,
    check_dates,
    compile_condition,
    compile_expr,
    dependency_order,
    evaluate,
    names,
    parse,
    unparse,
)

A, B, C = Name("a"), Name("b"), Name("c")

SCOPE = {
    "a": NameInfo("bool"),
    "b": NameInfo("bool"),
    "c": NameInfo("bool"),
    "x": NameInfo("number"),
    "signing": NameInfo("bool", has_date=True),
    "su35_sale": NameInfo("bool"),
    "when": NameInfo("date"),
}


# ---------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a", A),
        ("a or b and c", BoolOp("or", (A, BoolOp("and", (B, C))))),
        ("a and b or c", BoolOp("or", (BoolOp("and", (A, B)), C))),
        ("(a or b) and c", BoolOp("and", (BoolOp("or", (A, B)), C))),
        ("a and b and c", BoolOp("and", (A, B, C))),
        ("a or b or c", BoolOp("or", (A, B, C))),
        ("not a and b", BoolOp("and", (Not(A), B))),
        ("not not a", Not(Not(A))),
        ("not a == b", Not(Compare("==", A, B))),
        ("not (a or b)", Not(BoolOp("or", (A, B)))),
        ("x >= 0.5", Compare(">=", Name("x"), NumLit(0.5))),
        ("x < -1.5", Compare("<", Name("x"), NumLit(-1.5))),
        ("-3 != x", Compare("!=", NumLit(-3.0), Name("x"))),
        ("x <= 2e3", Compare("<=", Name("x"), NumLit(2000.0))),
        ("a == true", Compare("==", A, BoolLit(True))),
        ("false", BoolLit(False)),
        ("((a))", A),
        ("signing.date", DateOf("signing")),
        ("signing . date", DateOf("signing")),
        (
            "signing.date <= 2024-12-31",
            Compare("<=", DateOf("signing"), DateLit(dt.date(2024, 12, 31))),
        ),
        (
            "2024-02-29 > signing.date",
            Compare(">", DateLit(dt.date(2024, 2, 29)), DateOf("signing")),
        ),
        ("count(a, b, c)", Call("count", (A, B, C))),
        ("count(a)", Call("count", (A,))),
        ("all(a, b)", Call("all", (A, B))),
        ("any(a, b or c)", Call("any", (A, BoolOp("or", (B, C))))),
        ("at_least(2, a, b, c)", Call("at_least", (A, B, C), 2)),
        ("at_most(0, a)", Call("at_most", (A,), 0)),
        ("exactly(1, a, b)", Call("exactly", (A, B), 1)),
        ("count(a, b) >= 2", Compare(">=", Call("count", (A, B)), NumLit(2.0))),
        ("count", Name("count")),  # a function name without '(' is a plain name
        ("a_1 or _b", BoolOp("or", (Name("a_1"), Name("_b")))),
        ("\ta\n and\r\nb ", BoolOp("and", (A, B))),
    ],
)
def test_parse(text: str, expected: object) -> None:
    assert parse(text) == expected


def test_start_offsets() -> None:
    e = parse("a or not count(b, c) < 2")
    assert isinstance(e, BoolOp)
    assert e.start == 0
    right = e.operands[1]
    assert isinstance(right, Not)
    assert right.start == 5
    assert isinstance(right.operand, Compare)
    assert right.operand.start == 9
    call = right.operand.left
    assert isinstance(call, Call)
    assert [arg.start for arg in call.args] == [15, 18]
    assert right.operand.right.start == 23
    assert parse("x < -1").right.start == 4  # type: ignore[union-attr]


def test_equality_ignores_offsets() -> None:
    assert Name("a", start=3) == Name("a")
    assert hash(Name("a", start=3)) == hash(Name("a"))


def test_names() -> None:
    e = parse("signing.date < 2025-01-01 or at_least(1, a, not b) and x > 1 or a")
    assert names(e) == frozenset({"signing", "a", "b", "x"})
    assert names(parse("true")) == frozenset()


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("(a  and(b)) or not (c)", "a and b or not c"),
        ("(a or b) and c", "(a or b) and c"),
        ("(a and b) and c", "(a and b) and c"),
        ("not (a and b)", "not (a and b)"),
        ("not(a == b)", "not a == b"),
        ("(a == b) == c", "(a == b) == c"),
        ("x<=3.0", "x <= 3"),
        ("x > -0.25", "x > -0.25"),
        ("signing.date<2024-01-05", "signing.date < 2024-01-05"),
        ("at_least( 2 ,a,b )", "at_least(2, a, b)"),
        ("count((a), b or c)", "count(a, b or c)"),
        ("x > 1e20", "x > 1e+20"),
    ],
)
def test_unparse(text: str, canonical: str) -> None:
    assert unparse(parse(text)) == canonical
    assert parse(canonical) == parse(text)


# ---------------------------------------------------------------- type checking


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a", "bool"),
        ("x", "number"),
        ("when", "date"),
        ("signing.date", "date"),
        ("2024-01-01", "date"),
        ("3", "number"),
        ("count(a, b)", "number"),
        ("count(a, b) > x", "bool"),
        ("all(a, b) == any(c)", "bool"),
        ("when <= signing.date", "bool"),
        ("at_most(5, a, b)", "bool"),
        ("exactly(0, a) or not signing", "bool"),
        ("su35_sale", "bool"),
    ],
)
def test_check_types(text: str, expected: str) -> None:
    assert check(parse(text), SCOPE) == expected
    assert compile_expr(text, SCOPE) == (parse(text), expected)


# ---------------------------------------------------------------- error messages

PARSE_ERRORS = [
    # (text, 1-based column, message fragment)
    ("", 1, "empty expression"),
    ("   ", 1, "empty expression"),
    ("a)", 2, "unexpected ')' (every '(' needs its ')'; remove it or add '(' before)"),
    ("(a or b))", 9, "unexpected ')'"),
    ("(a", 1, "missing ')' for the '(' at character 1 of the expression"),
    ("a and (b or (c)", 7, "missing ')' for the '(' at character 7 of the expression"),
    ("count(a, b", 6, "missing ')'"),
    ("(a b)", 4, "unexpected name 'b'; expected ')'"),
    ("count(a b)", 9, "expected ',' or ')'"),
    ("a b", 3, "unexpected name 'b'"),
    ("a and", 6, "after 'and', found end of expression"),
    ("or a", 1, "at the start, found 'or'"),
    ("a == not b", 6, "after '==', found 'not'"),
    ("count(a,)", 9, "after ',', found ')'"),
    ("()", 2, "empty parentheses"),
    ("a = b", 3, "use == to compare"),
    ("a =< b", 3, "write '<='"),
    ("a => b", 3, "write '>='"),
    ("a && b", 3, "use 'and'"),
    ("a & b", 3, "use 'and'"),
    ("a || b", 3, "use 'or'"),
    ("!a", 1, "use 'not'"),
    ("a AND b", 3, "'AND' must be written 'and'"),
    ("a Or b", 3, "'Or' must be written 'or'"),
    ("NOT a", 1, "'NOT' must be written 'not'"),
    ("True", 1, "'True' must be written 'true'"),
    ("Signing", 1, "names are snake_case); write 'signing'"),
    ("a < b < c", 7, "comparisons cannot be chained; write 'a < b and b < c'"),
    ("x <= 1 > 0", 8, "cannot be chained"),
    ("2024-13-01 < signing.date", 1, "'2024-13-01' is not a calendar date (dates are YYYY-MM-DD)"),
    ("signing.date < 2024-02-30", 16, "'2024-02-30' is not a calendar date"),
    ("signing.date < 2024-1-5", 16, "'2024-1-5' is not a date (dates are YYYY-MM-DD"),
    ("x > 3-1", 5, "only arithmetic"),
    ("x > 1.5-2", 8, "only arithmetic"),
    ("- a", 1, "'-' is only allowed before a number"),
    ("x > 1e999", 5, "too large"),
    ("cnt(a, b)", 1, "unknown function 'cnt'; did you mean 'count'?"),
    ("at_lest(1, a)", 1, "did you mean 'at_least'?"),
    ("foo(a)", 1, "unknown function 'foo' (functions are count, all, any"),
    ("count()", 7, "count() needs at least one condition"),
    ("at_least(a, b)", 10, "needs a whole number k >= 0 first"),
    ("at_most(1.5, a)", 9, "needs a whole number k >= 0 first"),
    ("exactly(-1, a)", 9, "needs a whole number k >= 0 first"),
    ("at_least(2)", 11, "expected ',' and conditions after k"),
    ("signing.year", 9, "the only attribute is '.date'"),
    ("signing.", 9, "found end of expression"),
    ("signing.date.date", 13, "unexpected '.'"),
    ("x $ 1", 3, "unexpected character '$'"),
    ("a\x00", 2, "unexpected character '\\x00'"),
    ("é", 1, "unexpected character 'é'"),
    ("a\u00a0and b", 2, "unexpected character"),
    ("'a'", 1, "unexpected character"),
    ("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1), MAX_DEPTH + 1, "levels deep"),
    ("not " * (MAX_DEPTH + 1) + "a", 4 * MAX_DEPTH + 1, "levels deep"),
    ("count(" * (MAX_DEPTH + 1) + "a", MAX_DEPTH * 6 + 6, "levels deep"),
    ("a" * (MAX_LENGTH + 1), MAX_LENGTH + 1, "the limit is 10000"),
]


@pytest.mark.parametrize(("text", "column", "fragment"), PARSE_ERRORS)
def test_parse_errors(text: str, column: int, fragment: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse(text)
    (problem,) = info.value.problems
    assert fragment in problem.message
    assert (problem.column, problem.line, problem.field) == (column, None, "")


def test_huge_nesting_is_a_scenario_error() -> None:
    for text in ("(" * 5000 + "a" + ")" * 5000, "(" * 10_000, "not " * 2500, "-" * 10_000):
        with pytest.raises(ScenarioError):
            parse(text)


CHECK_ERRORS = [
    # (text, [(column, message fragment), ...])
    ("su35_sal", [(1, "unknown name 'su35_sal'; did you mean 'su35_sale'?")]),
    ("a and zzz", [(7, "unknown name 'zzz' (names are the scenario's")]),
    ("sigining.date < 2025-01-01", [(1, "did you mean 'signing'?")]),
    ("a.date < 2025-01-01", [(1, "'a' has no date (only dated nodes such as 'signing'")]),
    ("x and a", [(1, "'and' needs true/false conditions, but 'x' is a number; compare it")]),
    ("a or signing.date", [(6, "but 'signing.date' is a date")]),
    ("not x", [(5, "'not' needs true/false conditions")]),
    ("x < signing.date", [(1, "cannot compare a number with a date in 'x < signing.date'")]),
    ("when == 3", [(1, "cannot compare a date with a number")]),
    ("a == x", [(1, "cannot compare a true/false value with a number")]),
    ("a < b", [(1, "'<' cannot order true/false values in 'a < b'; use == or !=")]),
    ("count(a, x)", [(10, "count() needs true/false conditions, but 'x' is a number")]),
    ("any(a, 2024-01-01)", [(8, "any() needs true/false conditions, but '2024-01-01' is a date")]),
    ("all(1)", [(5, "all() needs true/false conditions")]),
    ("at_least(3, a, b)", [(1, "at_least(3, ...) lists only 2 conditions, so it is never true")]),
    ("exactly(2, a)", [(1, "lists only 1 conditions")]),
    ("count(a, b) and c", [(1, "'and' needs true/false conditions, but 'count(a, b)' is a")]),
    (
        "zzz and x < 2024-01-01 or a.date",
        [(1, "unknown name 'zzz'"), (9, "cannot compare a number"), (27, "'a' has no date")],
    ),
    ("nope < 3 and nope", [(1, "unknown name"), (14, "unknown name")]),  # no cascade
]


@pytest.mark.parametrize(("text", "expected"), CHECK_ERRORS)
def test_check_errors(text: str, expected: list[tuple[int, str]]) -> None:
    with pytest.raises(ScenarioError) as info:
        compile_expr(text, SCOPE)
    problems = info.value.problems
    assert [p.column for p in problems] == [column for column, _ in expected]
    for problem, (_, fragment) in zip(problems, expected, strict=True):
        assert fragment in problem.message
        assert (problem.line, problem.field) == (None, "")


def test_scenario_error_is_value_error() -> None:
    with pytest.raises(ValueError, match="did you mean 'count'"):
        parse("cont(a)")


# ---------------------------------------------------------------- evaluation

T, F = True, False
NAT = np.datetime64("NaT")


@pytest.fixture
def arrays() -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    values = {
        "a": np.array([T, T, F, F]),
        "b": np.array([T, F, T, F]),
        "c": np.array([F, F, F, T]),
        "x": np.array([-1.0, 0.0, 0.5, 2.0]),
        "signing": np.array([T, T, T, F]),
    }
    dates = {
        "signing": np.array(["2024-12-01", "2024-12-31", "2025-06-30", NAT], dtype="datetime64[D]")
    }
    return values, dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a", [T, T, F, F]),
        ("not a", [F, F, T, T]),
        ("a and b", [T, F, F, F]),
        ("a or b", [T, T, T, F]),
        ("a and b or c", [T, F, F, T]),
        ("a and (b or c)", [T, F, F, F]),
        ("a and b and not c", [T, F, F, F]),
        ("a == b", [T, F, F, T]),
        ("a != true", [F, F, T, T]),
        ("x > 0", [F, F, T, T]),
        ("x <= 0.5", [T, T, T, F]),
        ("x == -1", [T, F, F, F]),
        ("true", [T, T, T, T]),
        ("false or a", [T, T, F, F]),
        ("all(a, b)", [T, F, F, F]),
        ("any(a, b, c)", [T, T, T, T]),
        ("any(c, false)", [F, F, F, T]),
        ("at_least(2, a, b, c)", [T, F, F, F]),
        ("at_least(0, a)", [T, T, T, T]),
        ("at_most(1, a, b, c)", [F, T, T, T]),
        ("exactly(1, a, b, c)", [F, T, T, T]),
        ("exactly(0, a, b)", [F, F, F, T]),
        ("count(a, b, c) >= x", [T, T, T, F]),
        # NaT: <, <=, >, >=, == are false; != is true
        ("signing.date <= 2024-12-31", [T, T, F, F]),
        ("signing.date > 2024-12-31", [F, F, T, F]),
        ("signing.date >= 2024-12-01", [T, T, T, F]),
        ("signing.date < 2100-01-01", [T, T, T, F]),
        ("signing.date == 2024-12-31", [F, T, F, F]),
        ("signing.date != 2024-12-31", [T, F, T, T]),
        ("not signing.date <= 2024-12-31", [F, F, T, T]),
        ("2024-12-15 < signing.date", [F, T, T, F]),
    ],
)
def test_evaluate_bool(
    text: str,
    expected: list[bool],
    arrays: tuple[dict[str, np.ndarray], dict[str, np.ndarray]],
) -> None:
    values, dates = arrays
    expr, typ = compile_expr(text, SCOPE)
    assert typ == "bool"
    out = evaluate(expr, values, dates)
    assert out.dtype == np.bool_
    np.testing.assert_array_equal(out, np.array(expected))


def test_evaluate_numbers_and_dates(
    arrays: tuple[dict[str, np.ndarray], dict[str, np.ndarray]],
) -> None:
    values, dates = arrays
    count = evaluate(parse("count(a, b, c, true)"), values, dates)
    assert count.dtype == np.int64
    np.testing.assert_array_equal(count, [3, 2, 2, 2])
    x = evaluate(parse("x"), values)
    assert x.dtype == np.float64
    np.testing.assert_array_equal(x, values["x"])
    assert x is not values["x"]  # a copy: callers may mutate it
    np.testing.assert_array_equal(evaluate(parse("-2.5"), values), [-2.5] * 4)
    when = evaluate(parse("signing.date"), values, dates)
    assert when.dtype == np.dtype("datetime64[D]")
    np.testing.assert_array_equal(when, dates["signing"])
    lit = evaluate(parse("2024-03-01"), values)
    assert lit.dtype == np.dtype("datetime64[D]")
    assert lit.shape == (4,)
    assert (lit == np.datetime64("2024-03-01")).all()


def test_evaluate_literal_only_and_empty() -> None:
    np.testing.assert_array_equal(evaluate(parse("true"), {}), [True])
    out = evaluate(parse("a and b"), {"a": np.zeros(0, bool), "b": np.zeros(0, bool)})
    assert out.shape == (0,)
    assert out.dtype == np.bool_


def test_evaluate_missing_array_is_key_error() -> None:
    with pytest.raises(KeyError, match="no values for 'a'"):
        evaluate(parse("a"), {"b": np.ones(2, bool)})
    with pytest.raises(KeyError, match="no dates for 'signing'"):
        evaluate(parse("signing.date < 2024-01-01"), {"signing": np.ones(2, bool)})


def test_evaluate_large_is_vectorised() -> None:
    rng = np.random.default_rng(7)
    n = 200_000
    values = {k: rng.random(n) < 0.5 for k in "abc"}
    out = evaluate(parse("at_least(2, a, b, c)"), values)
    expected = values["a"].astype(int) + values["b"] + values["c"] >= 2
    np.testing.assert_array_equal(out, expected)


# ---------------------------------------------------------------- dates beyond the horizon

HORIZON = dt.date(2026, 12, 31)


@pytest.mark.parametrize(
    ("text", "columns"),
    [
        ("signing.date <= 2027-06-30", [17]),
        ("signing.date <= 2026-12-31", []),  # the horizon itself is answerable
        ("signing.date <= 2020-01-01", []),  # before as_of: well defined (never signed yet)
        ("2027-01-01 > signing.date or not (signing.date != 2028-02-29)", [1, 51]),
        ("any(a, signing.date < 2030-01-01)", [23]),
        ("a and b", []),
    ],
)
def test_check_dates(text: str, columns: list[int]) -> None:
    problems = check_dates(parse(text), horizon=HORIZON)
    assert [p.column for p in problems] == columns
    for p in problems:
        assert "is after the horizon (2026-12-31)" in p.message
        assert "cannot be answered" in p.message
        assert isinstance(p.value, dt.date) and p.value > HORIZON


def test_compile_condition_refuses_dates_after_the_horizon() -> None:
    text = "signing.date <= 2027-06-30"
    assert compile_condition(text, SCOPE) == parse(text)  # no horizon given: no check
    with pytest.raises(ScenarioError) as info:
        compile_condition(text, SCOPE, what="given", horizon=HORIZON)
    assert str(info.value).startswith(
        "given = 'signing.date <= 2027-06-30', column 17: date 2027-06-30 is after the horizon")
    assert compile_condition("signing.date <= 2026-06-30", SCOPE, horizon=HORIZON)


# ---------------------------------------------------------------- long chains, many names


def test_dependency_order_puts_each_question_after_those_it_mentions() -> None:
    trees = {"a": parse("b or c"), "b": parse("c and x"), "c": parse("x"), "d": parse("x")}
    assert dependency_order(trees) == ["c", "b", "a", "d"]


def test_dependency_order_of_a_long_chain_needs_no_recursion() -> None:
    n = 20_000  # far deeper than Python's recursion limit
    trees = {f"q{i}": parse(f"q{i + 1}" if i < n else "x") for i in range(n + 1)}
    order = dependency_order(trees)
    assert order == [f"q{i}" for i in range(n, -1, -1)]


def test_check_uses_the_suggestions_given() -> None:
    asked: list[str] = []

    def suggest(name: str) -> str:
        asked.append(name)
        return "; did you mean 'b'?"

    with pytest.raises(ScenarioError, match="unknown name 'zz'; did you mean 'b'"):
        check(parse("a and zz"), SCOPE, suggest=suggest)
    assert asked == ["zz"]


def test_did_you_mean_counts_edits_not_shared_letters() -> None:
    with pytest.raises(ScenarioError, match="did you mean 'label'"):
        check(parse("lable"), {"table": NameInfo("bool"), "label": NameInfo("bool")})


def test_checking_a_valid_expression_searches_no_suggestions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pactsim.errors

    built: list[int] = []
    init = pactsim.errors.Suggestions.__init__

    def counting(self: pactsim.errors.Suggestions, candidates: object) -> None:
        built.append(1)
        init(self, candidates)  # type: ignore[arg-type]

    monkeypatch.setattr(pactsim.errors.Suggestions, "__init__", counting)
    big = {f"n{i}": NameInfo("bool") for i in range(1000)}  # O(scope) per check adds up
    assert check(parse("n1 and n2"), big) == "bool"
    assert built == []
    with pytest.raises(ScenarioError, match="did you mean 'n10'"):
        check(parse("n1x"), big)
    assert built == [1]


# -- categorical outcomes (format 3): resolve --------------------------------------------

CAT_SCOPE = {
    "instc": NameInfo("bool", levels=("absent", "generic", "named")),
    "form": NameInfo("bool", levels=("treaty", "programme")),  # never absent
    "a": NameInfo("bool"),
    "n": NameInfo("number"),
}
#: ... with the binary rows resolve writes (as a compiled model's scope has them)
CAT_ROWS = {**CAT_SCOPE, **{f"{n}={lv}": NameInfo("bool") for n in ("instc", "form")
                             for lv in CAT_SCOPE[n].levels or () if lv != "absent"}}


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("instc == named", "instc == named"),
        ("named == instc", "instc == named"),
        ("instc != generic", "not instc == generic"),
        ("instc == absent", "not instc"),
        ("instc != absent", "not not instc"),
        ("in(instc, generic, named)", "instc == generic or instc == named"),
        ("in(form, treaty)", "form == treaty"),
        ("(instc == named) == a", "(instc == named) == a"),
        ("not instc == named and a", "not instc == named and a"),
        ("count(instc == named, form == treaty) >= 1",
         "count(instc == named, form == treaty) >= 1"),
        ("instc and a", "instc and a"),  # the name alone: present
    ],
)
def test_resolve_outcome_tests(text: str, canonical: str) -> None:
    from pactsim.language.expr import resolve

    tree = resolve(parse(text), CAT_SCOPE)
    assert unparse(tree) == canonical
    # the canonical text reads back to the same conditions, and resolving is idempotent
    assert resolve(parse(unparse(tree)), CAT_SCOPE) == tree
    assert resolve(tree, CAT_SCOPE) == tree
    assert check(tree, CAT_ROWS) == "bool"


def test_resolve_leaves_binary_expressions_alone() -> None:
    from pactsim.language.expr import resolve

    tree = parse("a == a and n > 2")
    assert resolve(tree, CAT_SCOPE) is tree or resolve(tree, CAT_SCOPE) == tree
    assert resolve(tree, {"a": NameInfo("bool"), "n": NameInfo("number")}) is tree


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("instc == nmed", 10, "'nmed' is not an outcome of 'instc'; did you mean 'named'?"),
        ("instc == a", 10, "to compare whether 'instc' is present, write '(instc != absent)'"),
        ("form == absent", 9, "its outcomes are treaty, programme"),
        ("instc == form", 1, "cannot compare two categorical nodes"),
        ("in(a, b)", 1, "'a' is not a categorical node"),
        ("in(instc)", 1, "needs at least one outcome"),
        ("in(instc, generic, nmed)", 20, "did you mean 'named'?"),
        ("instc == 3", 10, "'3' is not an outcome of 'instc'"),
    ],
)
def test_resolve_errors_are_located(text: str, column: int, fragment: str) -> None:
    from pactsim.language.expr import resolve

    with pytest.raises(ScenarioError) as info:
        resolve(parse(text), CAT_SCOPE)
    (problem,) = info.value.problems
    assert problem.column == column
    assert fragment in problem.message


def test_check_refuses_an_unresolved_in() -> None:
    with pytest.raises(ScenarioError, match="in\\(\\) takes a categorical node"):
        check(parse("in(instc, named)"), CAT_SCOPE)
