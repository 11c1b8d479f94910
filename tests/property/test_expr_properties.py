"""Property tests of pactsim.language.expr: robustness, round trips, and boolean laws."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pactsim.errors import ScenarioError
from pactsim.language.expr import (
    BoolLit,
    BoolOp,
    Call,
    Compare,
    DateLit,
    DateOf,
    Expr,
    Name,
    NameInfo,
    Not,
    NumLit,
    check,
    evaluate,
    parse,
    unparse,
)

BOOL_NAMES = ("a", "b", "c", "signing", "su35_sale", "count", "_x1")
NUMBER_NAMES = ("alignment", "n_pillars")
SCOPE = {
    **{name: NameInfo("bool") for name in BOOL_NAMES},
    **{name: NameInfo("number") for name in NUMBER_NAMES},
    "signing": NameInfo("bool", has_date=True),
}

TOKENS = [
    "a", "b", "signing", "x_1", ".date", ".", "date", "and", "or", "not", "AND", "Or",
    "true", "false", "True", "(", ")", "(", ")", ",", "<", "<=", ">", ">=", "==", "!=",
    "=", "!", "&&", "|", "-", "0", "3", "0.5", "1e5", "1e999", "2024-12-31", "2024-02-30",
    "2024-1-5", "count", "all", "any", "at_least", "at_most", "exactly", "cnt", " ", "\t",
    "\x00", "é", "'", "\n",
]  # fmt: skip


def _parse_or_scenario_error(text: str) -> None:
    try:
        expr = parse(text)
    except ScenarioError as err:
        (problem,) = err.problems
        assert problem.column is not None
        assert 1 <= problem.column <= len(text) + 1
        return
    assert parse(unparse(expr)) == expr


@settings(deadline=None)
@given(st.text())
def test_any_text_parses_or_raises_scenario_error(text: str) -> None:
    _parse_or_scenario_error(text)


@settings(deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=30), st.sampled_from([" ", ""]))
def test_token_soup_parses_or_raises_scenario_error(tokens: list[str], sep: str) -> None:
    _parse_or_scenario_error(sep.join(tokens))


# ---- well-typed ASTs (offsets are ignored by ==)

bool_names = st.sampled_from(BOOL_NAMES).map(Name)
numbers = st.floats(allow_nan=False, allow_infinity=False).map(NumLit)
dates = st.one_of(st.dates().map(DateLit), st.just(DateOf("signing")))
cmp_ops = st.sampled_from(["<", "<=", ">", ">=", "==", "!="])


def _number_exprs(bools: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    counts = st.lists(bools, min_size=1, max_size=4).map(lambda xs: Call("count", tuple(xs)))
    return st.one_of(st.sampled_from(NUMBER_NAMES).map(Name), numbers, counts)


def _extend(bools: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    some = st.lists(bools, min_size=1, max_size=4).map(tuple)
    return st.one_of(
        bools.map(Not),
        st.builds(
            BoolOp,
            st.sampled_from(["and", "or"]),
            st.lists(bools, min_size=2, max_size=4).map(tuple),
        ),
        st.builds(Compare, st.sampled_from(["==", "!="]), bools, bools),
        st.builds(Compare, cmp_ops, _number_exprs(bools), _number_exprs(bools)),
        st.builds(Call, st.sampled_from(["all", "any"]), some),
        st.builds(
            lambda f, args, k: Call(f, args, min(k, len(args))),
            st.sampled_from(["at_least", "at_most", "exactly"]),
            some,
            st.integers(0, 4),
        ),
    )


bool_leaves = st.one_of(
    bool_names,
    st.booleans().map(BoolLit),
    st.builds(Compare, cmp_ops, dates, dates),
    st.builds(Compare, cmp_ops, _number_exprs(bool_names), _number_exprs(bool_names)),
)
bool_exprs = st.recursive(bool_leaves, _extend, max_leaves=25)


@settings(deadline=None)
@given(bool_exprs)
def test_unparse_round_trips(expr: Expr) -> None:
    assert check(expr, SCOPE) == "bool"
    text = unparse(expr)
    assert parse(text) == expr
    assert unparse(parse(text)) == text


# ---- evaluation laws on random draws


@st.composite
def bool_arrays(draw: st.DrawFn, k: int = 3) -> dict[str, np.ndarray]:
    n = draw(st.integers(0, 40))
    rows = [draw(st.lists(st.booleans(), min_size=n, max_size=n)) for _ in range(k)]
    return {name: np.array(row, dtype=bool) for name, row in zip("abc", rows, strict=False)}


@settings(deadline=None)
@given(bool_arrays())
def test_de_morgan(values: dict[str, np.ndarray]) -> None:
    lhs = evaluate(parse("not (a and b)"), values)
    rhs = evaluate(parse("not a or not b"), values)
    np.testing.assert_array_equal(lhs, rhs)
    np.testing.assert_array_equal(
        evaluate(parse("not (a or b or c)"), values),
        evaluate(parse("not a and not b and not c"), values),
    )


@settings(deadline=None)
@given(bool_arrays(), st.integers(0, 4))
def test_count_equals_sum(values: dict[str, np.ndarray], k: int) -> None:
    total = values["a"].astype(np.int64) + values["b"] + values["c"]
    np.testing.assert_array_equal(evaluate(parse("count(a, b, c)"), values), total)
    np.testing.assert_array_equal(evaluate(parse(f"at_least({k}, a, b, c)"), values), total >= k)
    np.testing.assert_array_equal(evaluate(parse(f"at_most({k}, a, b, c)"), values), total <= k)
    np.testing.assert_array_equal(evaluate(parse(f"exactly({k}, a, b, c)"), values), total == k)
    np.testing.assert_array_equal(evaluate(parse("all(a, b, c)"), values), total == 3)
    np.testing.assert_array_equal(evaluate(parse("any(a, b, c)"), values), total > 0)
