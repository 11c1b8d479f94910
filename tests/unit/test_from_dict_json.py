"""``from_dict`` reads scenario data as JSON writes it (every key is text).

A table's ``true``/``false``, the dates of a table's curves and a delay curve's days
arrive from JSON as ``"true"``, ``"2025-06-30"``, ``"30"``; ``from_dict`` reads them as
meant, without touching the caller's data, and still reports what is wrong.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

import pactsim
from pactsim.errors import ScenarioError

HEAD = {"pactsim": 2, "id": "j", "as_of": "2024-01-01", "horizon": "2025-12-31"}


def _dated() -> dict[str, Any]:
    return {**HEAD, "events": {
        "rain": {"p": 0.4},
        "flood": {"given": ["rain"], "table": {"true": {"between": [0.2, 0.4]},
                                              "false": 0.05}},
        "launch": {"given": ["rain"], "table": {
            "true": {"by": {"2024-06-30": 0.2, "2025-06-30": 0.5}},
            "false": {"by": {"2024-06-30": 0.4, "2025-06-30": 0.8}}}},
        "review": {"after": "launch", "delay": {"by": {"30": 0.25, "90": 0.75}},
                   "p": 0.9}}}


def test_json_keys_read_as_meant() -> None:
    sc = pactsim.from_dict(_dated())
    assert sc.events["flood"].table == {True: {"between": [0.2, 0.4]}, False: 0.05}
    assert sc.events["launch"].table[False] == {"by": {dt.date(2024, 6, 30): 0.4,
                                                       dt.date(2025, 6, 30): 0.8}}
    assert sc.events["review"].delay.points == ((30, 0.25), (90, 0.75))
    # the same scenario written with Python's keys
    native = _dated()
    native["events"]["flood"]["table"] = {True: {"between": [0.2, 0.4]}, False: 0.05}
    native["events"]["launch"]["table"] = {
        True: {"by": {dt.date(2024, 6, 30): 0.2, dt.date(2025, 6, 30): 0.5}},
        False: {"by": {dt.date(2024, 6, 30): 0.4, dt.date(2025, 6, 30): 0.8}}}
    native["events"]["review"]["delay"] = {"by": {30: 0.25, 90: 0.75}}
    assert pactsim.from_dict(native) == sc
    assert pactsim.from_dict(native).digest == sc.digest


def test_the_callers_data_is_not_modified() -> None:
    data = _dated()
    shared = {"true": 0.3, "false": 0.1}  # one mapping used twice
    data["events"]["a"] = {"given": ["rain"], "table": shared}
    data["events"]["b"] = {"given": ["rain"], "table": shared, "label": "uses a's table"}
    before = json.dumps(data, sort_keys=True)
    sc = pactsim.from_dict(data)
    assert json.dumps(data, sort_keys=True) == before
    assert sc.events["a"].table == sc.events["b"].table == {True: 0.3, False: 0.1}


def test_a_key_written_both_ways_is_reported() -> None:
    data = _dated()
    data["events"]["flood"]["table"] = {"true": 0.3, True: 0.2, "false": 0.1}
    with pytest.raises(ScenarioError, match=r"events\.flood\.table\.true: key 'true' is not "
                       r"true or false .* 'true' in quotes is text"):
        pactsim.from_dict(data)


def test_text_other_than_true_false_stays_an_error() -> None:
    data = _dated()
    data["events"]["flood"]["table"] = {"yes": 0.3, "false": 0.1}
    with pytest.raises(ScenarioError, match=r"key 'yes' is not true or false"):
        pactsim.from_dict(data)
    data = _dated()
    data["events"]["review"]["delay"] = {"by": {"030": 0.25, "-5": 0.75}}
    with pytest.raises(ScenarioError, match=r"by: key '030' must be whole days > 0"):
        pactsim.from_dict(data)


def test_keys_elsewhere_are_not_converted() -> None:
    # "true" as a key outside a table stays text: an unknown field reported as written
    data = {**HEAD, "events": {"rain": {"p": 0.4, "odds": {"true": 2.0}}}}
    with pytest.raises(ScenarioError, match=r"events.rain.odds.true: .*'true'"):
        pactsim.from_dict(data)


def test_no_such_day_is_said_plainly() -> None:
    data = _dated()
    data["events"]["launch"]["table"]["true"] = {"by": {"2025-02-30": 0.5}}
    with pytest.raises(ScenarioError) as err:
        pactsim.from_dict(data)
    text = str(err.value)
    assert "key '2025-02-30' is not a date" in text
    assert "February 2025 has 28 days" in text
    assert "write 2025-02-30" not in text  # not told to write what was written


def test_a_quoted_date_in_a_yaml_table_of_curves_is_told_to_lose_its_quotes() -> None:
    # YAML reads a date in quotes as text: refused at its line, with the fix (a text key
    # kept in the table would be a second spelling of the day; review-20)
    text = ("pactsim: 2\nid: q\nas_of: 2024-01-01\nhorizon: 2025-12-31\nevents:\n"
            "  rain: {p: 0.4}\n  launch:\n    given: [rain]\n    table:\n"
            "      true: {by: {'2024-06-30': 0.2, 2025-06-30: 0.5}}\n"
            "      false: {by: {2024-06-30: 0.4, 2025-06-30: 0.8}}\n")
    with pytest.raises(ScenarioError, match=r"q.yaml:10:19: events.launch.table.true.by."
                       r"2024-06-30: key '2024-06-30' is not a date \(dates are YYYY-MM-DD: "
                       r"'2024-06-30' in quotes is text; write 2024-06-30 without quotes\)"):
        pactsim.loads(text, name="q.yaml")
    pactsim.loads(text.replace("'2024-06-30'", "2024-06-30"))


def test_a_day_written_two_ways_in_a_table_curve_is_reported() -> None:
    data = _dated()
    data["events"]["launch"]["table"]["true"] = {"by": {"2024-06-30": 0.2,
                                                        dt.date(2024, 6, 30): 0.3}}
    with pytest.raises(ScenarioError, match=r"key '2024-06-30' is not a date"):
        pactsim.from_dict(data)


def test_a_node_named_table_is_a_node() -> None:
    """A milestone named ``table`` (or ``delay``) with a delay curve round-trips: what
    is converted is found by its place in a node, not by a key's name anywhere."""
    text = ("pactsim: 2\nid: t\nas_of: 2024-01-01\nhorizon: 2025-12-31\nevents:\n"
            "  start: {by: {2024-06-01: 0.5}}\n"
            "  table: {after: start, delay: {by: {30: 0.25, 90: 0.75}}, p: 0.9}\n"
            "  delay: {after: table, delay: {by: {10: 0.5, 20: 1.0}}, p: 0.9}\n"
            "  why_table: {given: [start], table: {true: 0.3, false: 0.1}}\n")
    sc = pactsim.loads(text)
    assert pactsim.from_dict(json.loads(sc.model_dump_json())) == sc


def test_long_day_counts_round_trip() -> None:
    # days of more digits than an int64 holds are read as Python reads them
    data = _dated()
    data["events"]["review"]["delay"] = {"by": {"30": 0.25, str(10**19): 0.75}}
    sc = pactsim.from_dict(data)
    assert sc.events["review"].delay.points == ((30, 0.25), (10**19, 0.75))
    assert pactsim.from_dict(json.loads(sc.model_dump_json())) == sc
