"""Hostile input through the Python API (review-fuzz findings 4, 10, 12 and 13).

Each test states the exact message or behaviour expected; each failed before its fix
(an OverflowError, MemoryError or RecursionError traceback, or a base file's content
quoted in an error).
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from pathlib import Path

import pytest

import pactsim
from pactsim.analysis import spread as spread_module
from pactsim.errors import ArgumentError, ScenarioError

SCENARIOS = Path(__file__).parents[2] / "scenarios"
BASE = {"pactsim": 2, "id": "x", "as_of": dt.date(2025, 1, 1), "horizon": dt.date(2025, 12, 31)}
BIG = 10**400  # past the float range: float(BIG) raises OverflowError
BIG_SHOWN = "1" + "0" * 55 + " ...0"  # repr() cut to 60 characters
HUGE = 10**5000  # past Python's 4,300 digits for int -> text: repr(HUGE) raises ValueError
PAST = "past the floating-point range, about 1.8e308"
DEEP = ("nesting deeper than 100 levels (limit MAX_DEPTH = 100 mappings and lists inside one "
        "another; flatten the structure)")


def _problems(data: dict) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as err:
        pactsim.from_dict(data)
    return [(p.field, p.message) for p in err.value.problems]


# -- 4. whole numbers past the float range ----------------------------------------------------
@pytest.mark.parametrize(("events", "field", "message"), [
    ({"a": {"p": BIG}}, "events.a.p",
     f"= {BIG_SHOWN} is not a finite number (a probability, in [0, 1]; {PAST})"),
    ({"a": {"p": {"beta": [BIG, 1]}}}, "events.a.p.beta",
     f"= {BIG_SHOWN} is not a finite number (Beta shape parameter; {PAST})"),
    ({"a": {"p": {"between": [0.1, BIG]}}}, "events.a.p.between",
     f"= {BIG_SHOWN} is not a finite number (interval bound; {PAST})"),
    ({"a": {"p": 0.5}, "b": {"p": 0.5, "odds": {"a": BIG}}}, "events.b.odds.a",
     f"= {BIG_SHOWN} is not a finite number (an odds factor; {PAST})"),
    ({"a": {"p": 0.5}, "b": {"given": ["a"], "table": {True: BIG, False: 0.1}}},
     "events.b.table.true",
     f"= {BIG_SHOWN} is not a finite number (a probability, in [0, 1]; {PAST})"),
])
def test_from_dict_refuses_a_whole_number_past_the_floats(events, field, message) -> None:
    assert _problems({**BASE, "events": events}) == [(field, message)]


def test_a_delay_by_key_past_the_floats_is_refused_not_compiled() -> None:
    # it passed validation and crashed compiling (float(key): OverflowError)
    data = {**BASE, "signing": {"by": {dt.date(2025, 6, 30): 0.5}},
            "events": {"r": {"after": "signing", "delay": {"by": {BIG: 0.5}}}}}
    assert _problems(data) == [(
        "events.r.delay", f"by: key {BIG_SHOWN} is not a finite number of days ({PAST}; write "
        "whole days > 0 after the anchor)")]


@pytest.mark.parametrize(("dist", "field", "message"), [
    (BIG, "attributes.n.dist", f"= {BIG_SHOWN} is not a quantity (not a finite number): "),
    ({"normal": {"mean": BIG, "sd": 1}}, "attributes.n.dist.normal.mean",
     f"= {BIG_SHOWN} must be a finite number"),
    ({"values": {1: BIG}}, "attributes.n.dist.values[1]",
     f"= {BIG_SHOWN} is not a probability (write a number in [0, 1])"),
])
def test_an_attribute_number_past_the_floats_is_refused(dist, field, message) -> None:
    [(got_field, got)] = _problems({**BASE, "pactsim": 3, "attributes": {"n": {"dist": dist}}})
    assert got_field == field
    assert got.startswith(message)


@pytest.mark.parametrize("where", ["events.a.p", "pactsim", "events", "drivers.d.sd"])
def test_from_dict_refuses_a_number_python_cannot_write(where) -> None:
    # more than 4,300 digits: repr() raises ValueError, so no message could quote it
    data = {**BASE, "events": {"a": {"p": 0.5}},
            "drivers": {"d": {"dist": "normal", "mean": 0, "sd": 1}}}
    if where == "events":
        data["events"] = {HUGE: {"p": 0.5}}
        expected = [("events", "a key is a number of more than 4,300 digits, not a finite "
                     "number (past the floating-point range, about 1.8e308; write a smaller "
                     "number)")]
    else:
        *head, last = where.split(".")
        functools.reduce(lambda d, k: d[k], head, data)[last] = HUGE
        expected = [(where, "= a number of more than 4,300 digits is not a finite number (past "
                     "the floating-point range, about 1.8e308; write a smaller number)")]
    assert _problems(data) == expected


def test_with_changes_refuses_a_whole_number_past_the_floats() -> None:
    sc = pactsim.load(SCENARIOS / "analytic-dated.yaml")
    expected = (f"with_changes: shock.p: = {BIG_SHOWN} is not a finite number (a probability, "
                f"in [0, 1]; {PAST})")
    with pytest.raises(ScenarioError) as err:
        sc.with_changes({"shock.p": BIG})
    assert str(err.value) == expected
    with pytest.raises(ScenarioError) as err:
        pactsim.exact(sc).with_changes({"shock.p": BIG})
    assert str(err.value) == expected


@pytest.mark.parametrize("ends", [(0, BIG), (0, float("inf")), (0, float("nan")), (0, 1, 2),
                                  (0, "x"), 5])
def test_sensitivity_ranges_must_be_two_finite_numbers(ends) -> None:
    sc = pactsim.load(SCENARIOS / "analytic-dated.yaml")
    with pytest.raises(ArgumentError) as err:
        pactsim.sensitivity(sc, "crisis_by_q1", ranges={"shock.p": ends}, method="exact")
    assert str(err.value) == ("ranges: 'shock.p' must be (low, high), two finite numbers such "
                              "as (0.1, 0.9)")


def test_a_yaml_number_of_more_than_4300_digits_is_named_so() -> None:
    text = "pactsim: 1\nid: x\nas_of: 2025-01-01\nhorizon: 2025-12-31\nevents:\n  a: {p: 1"
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(text + "0" * 5000 + "}\n", name="big.yaml")
    assert str(err.value) == (
        "big.yaml:6:10: events.a.p: invalid value '1" + "0" * 35 + "'... (5,001 characters) "
        "(a number of more than 4,300 digits; write a smaller number, or quote it to keep it "
        "as text)")


# -- 12. spread's outer draws are bounded -----------------------------------------------------
def test_spread_refuses_more_outer_draws_than_the_cli_takes(monkeypatch) -> None:
    sc = pactsim.load(SCENARIOS / "iran-russia-2024.yaml")
    seen: list[object] = []
    monkeypatch.setattr(spread_module, "_values", lambda *a: seen.append(a))  # never reached
    for func, args, low in ((pactsim.spread, ("signed_by_2024",), 1), (pactsim.spreads, (), 1),
                            (pactsim.sobol, ("signed_by_2024",), 2)):
        with pytest.raises(ArgumentError) as err:
            func(sc, *args, n=10**12)
        assert str(err.value) == f"n must be between {low} and 1,000,000, not 1,000,000,000,000"
    assert seen == []
    assert spread_module.MAX_OUTER_N == 10**6


def test_spread_takes_n_up_to_the_limit(monkeypatch) -> None:
    # the limit read at each call (lowered here: 10^6 draws take two minutes)
    monkeypatch.setattr(spread_module, "MAX_OUTER_N", 4000)
    sc = pactsim.loads("pactsim: 1\nid: x\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       "events:\n  a: {p: {beta: [2, 6]}}\n")
    s = pactsim.spread(sc, "a", n=4000, seed=1)
    # P(a) is the Beta(2, 6) draw itself: mean 2/8, 10% and 90% quantiles 0.07882 and
    # 0.45256 (scipy.stats.beta(2, 6).ppf); each within 4 standard errors at n = 4000
    # (the mean's is 0.144 / sqrt(4000) = 0.0023; the quantiles' about 0.0022 and 0.0051)
    assert s.n == 4000
    assert s.mean == pytest.approx(0.25, abs=0.01)
    assert s.lo == pytest.approx(0.07882, abs=0.008)
    assert s.hi == pytest.approx(0.45256, abs=0.02)
    with pytest.raises(ArgumentError) as err:
        pactsim.spread(sc, "a", n=4001, seed=1)
    assert str(err.value) == "n must be between 1 and 4,000, not 4,001"


# -- 13. from_dict nesting and dates ----------------------------------------------------------
def _nested(depth: int, inner: object, wrap) -> object:
    return functools.reduce(lambda acc, _: wrap(acc), range(depth), inner)


def test_from_dict_refuses_a_list_100000_deep_at_once() -> None:
    start = time.perf_counter()
    data = {**BASE, "description": _nested(100_000, [], lambda x: [x])}
    [(field, message)] = _problems(data)
    assert message == DEEP
    assert field == "description" + "[0]" * 99
    assert time.perf_counter() - start < 5  # was a RecursionError after 11 s


def test_from_dict_refuses_a_mapping_100000_deep_and_a_list_holding_itself() -> None:
    assert _problems({**BASE, "events": _nested(100_000, {}, lambda x: {"k": x})}) == [
        ("events" + ".k" * 99, DEEP)]
    loop: list[object] = []
    loop.append(loop)
    assert _problems({**BASE, "description": loop}) == [("description" + "[0]" * 99, DEEP)]


def test_from_dict_nesting_limit_is_the_yaml_readers() -> None:
    # the top mapping and 99 lists are 100 levels: allowed (then refused as not text);
    # one more is refused as too deep, as a file nested so deep is
    ok = _problems({**BASE, "description": _nested(98, [], lambda x: [x])})
    assert [f for f, _ in ok] == ["description"]
    assert ok[0][1].endswith("must be text")
    assert _problems({**BASE, "description": _nested(99, [], lambda x: [x])}) == [
        ("description" + "[0]" * 99, DEEP)]
    text = ("pactsim: 1\nid: x\nas_of: 2025-01-01\nhorizon: 2025-12-31\ndescription: "
            + "[" * 100 + "]" * 100 + "\n")
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(text)
    assert err.value.problems[0].message == DEEP


def test_shared_data_is_walked_once_per_depth() -> None:
    # 10^30 paths to one string: the walk checks each list at most MAX_DEPTH times, and
    # the strings of each list once (the innermost holds the string 10 times)
    shared: object = "\ud800"
    for _ in range(30):
        shared = [shared] * 10
    start = time.perf_counter()
    from pactsim.language.io import _unreadable

    problems = _unreadable({"description": shared}, "<dict>")
    assert [p.field for p in problems] == [
        *(f"description{'[0]' * 29}[{i}]" for i in range(10)), ""]  # "" : too many values
    assert time.perf_counter() - start < 1


@pytest.mark.parametrize("field", ["as_of", "horizon"])
def test_a_date_in_a_time_zone_is_refused(field) -> None:
    value = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    assert _problems({**BASE, field: value}) == [
        (field, "= 2025-06-01T00:00:00+00:00 must be a date without a time, YYYY-MM-DD")]
    text = ("pactsim: 1\nid: x\nas_of: 2025-01-01 00:00:00+05:00\nhorizon: 2025-12-31\n")
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(text, name="f.yaml")
    assert str(err.value) == ("f.yaml:3:8: as_of: = 2025-01-01T00:00:00+05:00 must be a date "
                              "without a time, YYYY-MM-DD")
    # a plain midnight datetime (a pandas Timestamp, say) is still its date
    sc = pactsim.from_dict({**BASE, "as_of": dt.datetime(2025, 1, 1)})
    assert sc.as_of == dt.date(2025, 1, 1)


# -- 10. extends: another file's keys are quoted only when they look like names --------------
def _variant(tmp_path: Path, base_text: str) -> str:
    (tmp_path / "base.yaml").write_text(base_text)
    (tmp_path / "v.yaml").write_text("pactsim: 2\nextends: base.yaml\nid: v\n")
    with pytest.raises(ScenarioError) as err:
        pactsim.load(tmp_path / "v.yaml")
    return str(err.value)


SECTIONS = ("id, as_of, horizon, sources, drivers, events, signing, pillars, attributes, "
            "questions, observations")


def test_extends_of_a_password_file_does_not_quote_it(tmp_path) -> None:
    got = _variant(tmp_path, "root:$6$saltsalt$hashhashhash:20228:0:99999:7:::\n"
                             "daemon:*:20228:0:99999:7:::\n")
    assert got == (f"{tmp_path / 'base.yaml'}:1:1: not a pactsim scenario (no `pactsim:` "
                   f"version and none of its sections: {SECTIONS})")
    assert "hash" not in got and "daemon" not in got


def test_extends_of_a_long_or_odd_key_does_not_quote_it(tmp_path) -> None:
    for keys in (["token_" + "a" * 40], ["Secret"], ["$schema", "title"]):
        got = _variant(tmp_path, "".join(f"{k!r}: 1\n" for k in keys))
        assert got.endswith(f"none of its sections: {SECTIONS})")


def test_extends_of_a_file_of_names_still_lists_them(tmp_path) -> None:
    got = _variant(tmp_path, "foo_bar: 1\nbaz: 2\n")
    assert got == (f"{tmp_path / 'base.yaml'}:1:1: not a pactsim scenario (no `pactsim:` "
                   f"version and none of its sections: {SECTIONS}); its top-level keys are "
                   "'foo_bar', 'baz'")


# -- 13 (more). shared lists and mappings: 'billion laughs' through from_dict ----------------
def test_from_dict_refuses_data_that_expands_past_a_million_values() -> None:
    # 10^60 leaves written out: validation quoted the value and ran out of memory
    shared: object = "leaf"
    for _ in range(60):
        shared = [shared] * 10
    start = time.perf_counter()
    assert _problems({**BASE, "description": shared}) == [("", (
        "the data expands to more than 1,000,000 values, counting a list or mapping used in "
        "several places at each (limit MAX_EXPANDED = 1,000,000, against 'billion laughs'; "
        "share fewer lists and mappings)"))]
    assert time.perf_counter() - start < 5


def test_from_dict_counts_each_use_of_a_shared_mapping() -> None:
    from pactsim.language.io import _expanded

    same = {"p": 0.5}  # one dict for 3,000 events: fine, and counted at each use
    data = {**BASE, "events": {f"e{i}": same for i in range(3000)}}
    # the top: 1 + 5 keys + 4 values; events: 1 + 3,000 keys; each event 1 + 1 key + 1 value
    assert _expanded(data) == 1 + 5 + 4 + 1 + 3000 + 3000 * 3
    assert len(pactsim.from_dict(data).events) == 3000
    nested = [[1, 2], {"a": [3]}]
    assert _expanded({"x": nested}) == 1 + 1 + 1 + (1 + 2) + (1 + 1 + (1 + 1))


@pytest.mark.parametrize("shared", [False, True])
def test_the_limit_of_values_falls_on_the_same_value_with_or_without_sharing(
        shared, monkeypatch) -> None:
    """Data with no list or mapping used twice (a tree) is counted as it is walked, not
    walked again: the limit falls on the same value as _expanded's count (the limit
    lowered to 100 here: a million values take seconds to build and walk)."""
    from pactsim.language import io

    monkeypatch.setattr(io, "MAX_EXPANDED", 100)

    def data(k: int) -> dict[str, object]:  # 1 + 3 keys + 2 (1 + 40) + (1 + k) values
        twice = list(range(40))
        return {"d": twice, "e": twice if shared else list(twice), "f": list(range(k))}

    assert io._expanded(data(13)) == 100
    assert not io._unreadable(data(13), "x")
    assert [p.message for p in io._unreadable(data(14), "x")] == [io._SHARED]
