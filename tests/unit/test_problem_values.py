"""Problem.value is the offending value as the file wrote it: the scalar, the key or the
expression text at the problem's position (None where nothing is written: a missing field).

Each case is a small bad file; field and line are those the problem had before values
were filled in (recorded from the previous release), so they are asserted unchanged.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import pactsim
from pactsim.errors import Problem, ScenarioError
from pactsim.language.resolutions import check_resolutions, loads_resolutions

V1 = "pactsim: 1\nid: x\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
V2 = "pactsim: 2\nid: x\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
V3 = "pactsim: 3\nid: x\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
SIGNING = "signing: {by: {2025-06-01: 0.5}}\n"
TABLE = "{true: 0.5, false: 0.2}"

# (case, text, field, line, value): the one problem at `field`, with its exact value
CASES: list[tuple[str, str, str, int, object]] = [
    # the seven of the report
    ("impossible date", "pactsim: 1\nid: x\nas_of: 2025-02-30\nhorizon: 2025-12-31\n"
     "events: {a: {p: 0.3}}\n", "as_of", 3, "2025-02-30"),
    ("unknown field", V2 + "events: {a: {p: 0.3, q: 1}}\n", "events.a.q", 5, "q"),
    ("unknown name in given", V2 + f"events:\n  a:\n    given: [zz]\n    table: {TABLE}\n",
     "events.a.given[0]", 7, "zz"),
    ("horizon before as_of", "pactsim: 1\nid: x\nas_of: 2025-01-01\nhorizon: 2024-12-31\n"
     "events: {a: {p: 0.3}}\n", "horizon", 4, dt.date(2024, 12, 31)),
    ("question does not parse", V2 + "events: {a: {p: 0.3}}\nquestions: {q: a and}\n",
     "questions.q", 6, "a and"),
    ("falling curve point", V2 + "signing: {by: {2025-03-01: 0.5, 2025-06-01: 0.3}}\n",
     "signing.by.2025-06-01", 5, 0.3),
    ("duplicate key", V2 + "events:\n  a: {p: 0.3}\n  a: {p: 0.4}\n", "events.a", 7, "a"),
    # controls: right before
    ("p above 1", V2 + "events: {a: {p: 1.3}}\n", "events.a.p", 5, 1.3),
    ("p as text", V2 + "events: {a: {p: high}}\n", "events.a.p", 5, "high"),
    ("negative delay", V2 + SIGNING + "events:\n  m: {after: signing, delay: -3}\n",
     "events.m.delay", 7, -3),
    ("unsupported version", "pactsim: 9\nid: x\nas_of: 2025-01-01\nhorizon: 2025-12-31\n",
     "pactsim", 1, 9),
    ("not a date", "pactsim: 1\nid: x\nas_of: 15/01/2026\nhorizon: 2025-12-31\n",
     "as_of", 3, "15/01/2026"),
    ("section not a mapping", V2 + "events: [a, b]\n", "events", 5, ["a", "b"]),
    ("node not a mapping", V2 + "events: {a: 3}\n", "events.a", 5, 3),
    ("dist not allowed", V2 + "drivers: {d: {dist: gamma, mean: 0, sd: 1}}\n",
     "drivers.d.dist", 5, "gamma"),
    ("evidence not bool", V2 + "events: {a: {p: 0.3}}\nobservations:\n"
     "  - {date: 2025-06-01, source: s, evidence: count(a)}\n",
     "observations[0].evidence", 7, "count(a)"),
    ("question date after horizon", V2 + SIGNING + "questions: {q: signing.date <= 2026-06-01}\n",
     "questions.q", 6, dt.date(2026, 6, 1)),
    ("date key not a date", V2 + "signing: {by: {5: 0.5}}\n", "signing.by[5]", 5, 5),
    # reading: values YAML cannot read, tags
    ("impossible date as a key", V2 + "signing: {by: {2025-02-30: 0.5}}\n",
     "signing.by", 5, "2025-02-30"),
    ("tag on a value", V2 + "events: {a: {p: !!float 0.3}}\n", "events.a.p", 5, "0.3"),
    ("tag on a key", V2 + "events: {a: {!!str p: 0.3}}\n", "events.a", 5, "p"),
    # the header
    ("unknown section", V2 + "eventz: {a: {p: 0.3}}\n", "eventz", 5, "eventz"),
    ("bad id", "pactsim: 1\nid: X Y\nas_of: 2025-01-01\nhorizon: 2025-12-31\n", "id", 2, "X Y"),
    # names
    ("reserved name", V2 + "events: {count: {p: 0.3}}\n", "events.count", 5, "count"),
    ("name not snake_case", V2 + "events: {Abc: {p: 0.3}}\n", "events.Abc", 5, "Abc"),
    ("name used twice", V2 + "drivers: {a: {dist: normal, mean: 0, sd: 1}}\n"
     "events: {a: {p: 0.3}}\n", "events.a", 6, "a"),
    ("unknown source", V2 + "sources: {s: text}\nevents:\n  a: {p: 0.3, source: zz}\n",
     "events.a.source", 7, "zz"),
    # drivers (the number as written: -1, not the -1.0 of the message)
    ("driver sd", V2 + "drivers: {d: {dist: normal, mean: 0, sd: -1}}\n", "drivers.d.sd", 5, -1),
    ("driver high", V2 + "drivers: {d: {dist: uniform, low: 1, high: 0}}\n",
     "drivers.d.high", 5, 0),
    ("driver field of the other law", V2 + "drivers: {d: {dist: normal, mean: 0, sd: 1, "
     "low: 0}}\n", "drivers.d.low", 5, "low"),
    # parents and tables
    ("parent listed twice", V2 + "events:\n  b: {p: 0.5}\n  a:\n    given: [b, b]\n"
     f"    table: {{true: {TABLE}, false: {TABLE}}}\n", "events.a.given", 8, "b"),
    ("depends on itself", V2 + f"events:\n  a:\n    given: [a]\n    table: {TABLE}\n",
     "events.a.given[0]", 7, "a"),
    ("required and excluded", V2 + "events:\n  b: {p: 0.5}\n  a: {p: 0.3, requires: [b], "
     "excludes: [b]}\n", "events.a.excludes", 7, "b"),
    ("unknown name in odds (the name, not its number)", V2 + "events:\n  a: {p: 0.3, odds: "
     "{zz: 2}}\n", "events.a.odds.zz", 6, "zz"),
    ("unknown name in hazard_ratio", V2 + "events:\n  a: {by: {2025-06-01: 0.3}, "
     "hazard_ratio: {zz: 2}}\n", "events.a.hazard_ratio.zz", 6, "zz"),
    ("table key not true/false", V2 + "events:\n  b: {p: 0.5}\n  a:\n    given: [b]\n"
     "    table: {true: 0.5, maybe: 0.2}\n", "events.a.table.maybe", 9, "maybe"),
    ("table leaf not a probability", V2 + "events:\n  b: {p: 0.5}\n  a:\n    given: [b]\n"
     "    table: {true: 1.5, false: 0.2}\n", "events.a.table.true", 9, 1.5),
    ("table row not a mapping", V2 + "events:\n  b: {p: 0.5}\n  c: {p: 0.5}\n  a:\n"
     "    given: [b, c]\n    table: {true: 0.5, false: {true: 0.1, false: 0.2}}\n",
     "events.a.table.true", 10, 0.5),
    # conditions as parents: their text
    ("condition in format 1", V1 + "events:\n  b: {p: 0.5}\n  a: {p: 0.3, odds: {'b and b': "
     "2}}\n", "events.a.odds.b and b", 7, "b and b"),
    ("condition with an unknown name", V2 + "events:\n  b: {p: 0.5}\n  a: {p: 0.3, odds: "
     "{'b and zz': 2}}\n", "events.a.odds.b and zz", 7, "b and zz"),
    ("condition on itself", V2 + "events:\n  b: {p: 0.5}\n  a: {p: 0.3, odds: {'b and a': "
     "2}}\n", "events.a.odds.b and a", 7, "b and a"),
    ("condition uses a question", V2 + "events:\n  b: {p: 0.5}\n  a: {p: 0.3, odds: {'qq and "
     "b': 2}}\nquestions: {qq: b}\n", "events.a.odds.qq and b", 7, "qq and b"),
    ("condition does not parse", V2 + "drivers: {d: {dist: normal, mean: 0, sd: 1}}\n"
     "events:\n  a: {p: 0.3, odds: {'d + 1': 2}}\n", "events.a.odds.d + 1", 7, "d + 1"),
    # questions and observations: the expression text
    ("unknown name in a question", V2 + "events: {a: {p: 0.3}}\nquestions: {q: a and zz}\n",
     "questions.q", 6, "a and zz"),
    ("days between in format 1", V1 + SIGNING + "events: {}\n"
     "questions: {q: signing.date - signing.date}\n", "questions.q", 7,
     "signing.date - signing.date"),
    ("evidence does not parse", V2 + "events: {a: {p: 0.3}}\nobservations:\n"
     "  - {date: 2025-06-01, source: s, evidence: a and}\n", "observations[0].evidence", 7,
     "a and"),
    # curves: the date key, or the point
    ("point before as_of", V2 + "signing: {by: {2024-03-01: 0.5}}\n",
     "signing.by.2024-03-01", 5, dt.date(2024, 3, 1)),
    ("point after the horizon", V2 + "signing: {by: {2026-03-01: 0.5}}\n",
     "signing.by.2026-03-01", 5, dt.date(2026, 3, 1)),
    ("points out of order", V2 + "signing: {by: {2025-06-01: 0.3, 2025-03-01: 0.5}}\n",
     "signing.by.2025-03-01", 5, dt.date(2025, 3, 1)),
    ("why_by date not a point", V2 + "signing: {by: {2025-06-01: 0.5}, why_by: "
     "{2025-07-01: x}}\n", "signing.why_by.2025-07-01", 5, dt.date(2025, 7, 1)),
    ("uncertain point in format 1", V1 + "signing: {by: {2025-06-01: {between: [0.1, 0.2]}}}\n",
     "signing.by.2025-06-01", 5, {"between": [0.1, 0.2]}),
    ("crossing ranges", V2 + "signing: {by: {2025-06-01: {between: [0.1, 0.5]}, "
     "2025-09-01: {between: [0.3, 0.6]}}}\n", "signing.by.2025-09-01", 5,
     {"between": [0.3, 0.6]}),
    # a key that does not belong: the key
    ("format 2 key in format 1", V1 + "events: {a: {by: {2025-06-01: 0.3}}}\n",
     "events.a.by", 5, "by"),
    ("p on a dated event", V2 + "events: {a: {p: 0.3, by: {2025-06-01: 0.3}}}\n",
     "events.a.p", 5, "p"),
    ("odds on a dated event", V2 + "events:\n  b: {p: 0.5}\n  a: {by: {2025-06-01: 0.3}, "
     "odds: {b: 2}}\n", "events.a.odds", 7, "odds"),
    ("hazard_ratio on an undated event", V2 + "events:\n  b: {p: 0.5}\n  a: {p: 0.3, "
     "hazard_ratio: {b: 2}}\n", "events.a.hazard_ratio", 7, "hazard_ratio"),
    ("hazard_ratio on a fixed delay", V2 + SIGNING + "events:\n  b: {p: 0.5}\n  m: {after: "
     "signing, delay: 3, hazard_ratio: {b: 2}}\n", "events.m.hazard_ratio", 8, "hazard_ratio"),
    ("by on a milestone", V2 + SIGNING + "events:\n  m: {after: signing, delay: 3, by: "
     "{2025-07-01: 0.3}}\n", "events.m.by", 7, "by"),
    ("why_table without a table", V2 + "events:\n  a: {p: 0.3, why_table: {true: x}}\n",
     "events.a.why_table", 6, "why_table"),
    ("attributes in format 2", V2 + "attributes: {t: {dist: 40}}\n", "attributes", 5,
     "attributes"),
    ("attribute parent listed twice", V3 + "events: {b: {p: 0.5}}\nattributes:\n  t:\n"
     "    given: [b, b]\n    table: {true: 20, false: 10}\n", "attributes.t.given", 8, "b"),
    ("attribute gate required and excluded", V3 + "events: {b: {p: 0.5}}\nattributes:\n"
     "  t:\n    dist: 40\n    requires: [b]\n    excludes: [b]\n", "attributes.t.excludes",
     10, "b"),
    ("observations in format 1", V1 + "events: {a: {p: 0.3}}\nobservations:\n"
     "  - {date: 2025-06-01, source: s, evidence: a}\n", "observations", 6, "observations"),
    # milestones
    ("unknown anchor", V2 + SIGNING + "events:\n  m: {after: zz, delay: 3}\n",
     "events.m.after", 7, "zz"),
    ("undated anchor", V2 + SIGNING + "events:\n  b: {p: 0.5}\n  m: {after: b, delay: 3}\n",
     "events.m.after", 8, "b"),
    ("anchor listed twice", V2 + SIGNING + "events:\n  m: {after: {all: [signing, signing]}, "
     "delay: 3}\n", "events.m.after.all[1]", 7, "signing"),
    # categorical nodes
    ("levels in format 2", V2 + "events:\n  a: {levels: {x: 0.5, y: 0.5}}\n",
     "events.a.levels", 6, "levels"),
    ("outcome not snake_case", V3 + "events:\n  a: {levels: {X: 0.5, y: 0.5}}\n",
     "events.a.levels.X", 6, "X"),
    ("outcome a reserved word", V3 + "events:\n  a: {levels: {count: 0.5, y: 0.5}}\n",
     "events.a.levels.count", 6, "count"),
    ("p on a categorical node", V3 + "events:\n  a: {p: 0.3, levels: {x: 0.5, y: 0.5}}\n",
     "events.a.p", 6, "p"),
    ("categorical node dated", V3 + "events:\n  a: {by: {2025-06-01: 0.3}, levels: {x: 0.5, "
     "y: 0.5}}\n", "events.a.by", 6, "by"),
    ("unknown outcome in a row", V3 + "events:\n  b: {p: 0.5}\n  a:\n    levels: [x, y]\n"
     "    given: [b]\n    table: {true: {x: 0.5, z: 0.5}, false: {x: 0.5, y: 0.5}}\n",
     "events.a.table.true.z", 10, "z"),
    ("table key not an outcome", V3 + "events:\n  b: {levels: {x: 0.5, y: 0.5}}\n  a:\n"
     "    given: [b]\n    table: {x: 0.5, y: 0.2, w: 0.1}\n", "events.a.table.w", 9, "w"),
    # nothing written there: no value
    ("missing required field", "pactsim: 1\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
     "events: {a: {p: 0.3}}\n", "", 1, None),
    ("missing probability", V2 + "events: {a: {why: x}}\n", "events.a", 5, None),
    ("missing table", V2 + "events:\n  b: {p: 0.5}\n  a: {given: [b]}\n", "events.a.given", 7,
     None),
    ("missing table row", V2 + "events:\n  b: {p: 0.5}\n  a:\n    given: [b]\n"
     "    table: {true: 0.5}\n", "events.a.table", 9, None),
    ("empty node", V2 + "events: {a: }\n", "events.a", 5, None),
    ("empty question", V2 + "events: {a: {p: 0.3}}\nquestions: {q: }\n", "questions.q", 6, None),
    ("p and given", V2 + f"events:\n  b: {{p: 0.5}}\n  a: {{p: 0.3, given: [b], table: {TABLE}}}"
     "\n", "events.a", 7, None),
    ("outcomes do not sum to 1", V3 + "events:\n  a: {levels: {x: 0.5, y: 0.4}}\n",
     "events.a.levels", 6, None),
]


def only(problems: tuple[Problem, ...], field: str) -> Problem:
    found = [p for p in problems if p.field == field]
    assert len(found) == 1, [(p.field, p.message) for p in problems]
    return found[0]


def same(value: object, expected: object) -> bool:
    """Equal and of the same type (-1 is not -1.0, a date is not its text)."""
    return value == expected and type(value) is type(expected)


@pytest.mark.parametrize(("text", "field", "line", "value"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_value_of_each_problem(text: str, field: str, line: int, value: object) -> None:
    with pytest.raises(ScenarioError) as info:
        pactsim.loads(text, name="x.yaml")
    p = only(info.value.problems, field)
    assert p.line == line
    assert p.path == "x.yaml"
    assert same(p.value, value), (p.value, value)


def test_missing_field_has_no_value() -> None:
    text = "pactsim: 1\nas_of: 2025-01-01\nhorizon: 2025-12-31\nevents: {a: {p: 0.3}}\n"
    with pytest.raises(ScenarioError) as info:
        pactsim.loads(text, name="x.yaml")
    (p,) = info.value.problems
    assert p.message.startswith("missing required field 'id'")
    assert p.value is None


def test_from_dict_values_without_lines() -> None:
    data = {"pactsim": 1, "id": "x", "as_of": dt.date(2025, 1, 1),
            "horizon": dt.date(2025, 12, 31), "events": {"a": {"p": 0.3, "q": 2},
                                                         "b": {"given": ["zz"], "table": {
                                                             True: 0.5, False: 0.2}}}}
    with pytest.raises(ScenarioError) as info:
        pactsim.from_dict(data)
    got = {p.field: (p.line, p.value) for p in info.value.problems}
    assert got == {"events.a.q": (None, "q"), "events.b.given[0]": (None, "zz")}


BASE = V2.replace("id: x", "id: base") + "events:\n  a: {p: 0.3}\n  b: {p: 0.4}\n"


def test_variant_set_key(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(BASE)
    (tmp_path / "v.yaml").write_text("pactsim: 2\nid: var\nextends: base.yaml\nset:\n"
                                     "  a.q: 0.5\n")
    with pytest.raises(ScenarioError) as info:
        pactsim.load(tmp_path / "v.yaml")
    p = only(info.value.problems, "set.a.q")
    assert (p.line, p.value) == (5, "a.q")


def test_variant_format_1(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(BASE)
    (tmp_path / "v.yaml").write_text("pactsim: 1\nid: var\nextends: base.yaml\n")
    with pytest.raises(ScenarioError) as info:
        pactsim.load(tmp_path / "v.yaml")
    p = only(info.value.problems, "extends")
    assert (p.line, p.value) == (3, "extends")


def test_resolution_file_values() -> None:
    text = ("resolutions: 1\nscenario: base\nsources: {s: text}\noutcomes:\n"
            "  b: {outcome: true, resolved: 2025-03-01, source: zz, extra: 1}\n"
            "  c: {resolved: 2025-03-01, source: s}\n")
    with pytest.raises(ScenarioError) as info:
        loads_resolutions(text, name="r.yaml")
    got = {p.field: (p.line, p.value) for p in info.value.problems}
    assert got == {"outcomes.b.source": (5, "zz"), "outcomes.b.extra": (5, "extra"),
                   "outcomes.c": (6, None)}  # missing 'outcome': no value


def test_resolutions_against_the_scenario() -> None:
    sc = pactsim.loads(BASE, name="base.yaml")
    text = ("resolutions: 1\nscenario: other\nsources: {s: text}\noutcomes:\n"
            "  zz: {outcome: true, resolved: 2025-03-01, source: s}\n"
            "  a: {outcome: true, resolved: 2024-03-01, source: s, given: b and}\n")
    with pytest.raises(ScenarioError) as info:
        check_resolutions(loads_resolutions(text, name="r.yaml"), sc)
    got = {p.field: (p.line, p.value) for p in info.value.problems}
    assert got == {"scenario": (2, "other"), "outcomes.zz": (5, "zz"),
                   "outcomes.a.resolved": (6, dt.date(2024, 3, 1)),
                   "outcomes.a.given": (6, "b and")}


def test_an_outcome_listed_twice_and_a_lone_surrogate() -> None:
    """The outcome written twice is the value; a lone surrogate (no output can hold it)
    is given escaped, so the value can be printed and encoded like any other."""
    text = V3 + "events:\n  x: {levels: {a: 0.5, b: 0.5}}\n  y: {levels: [a, a, b]}\n"
    with pytest.raises(ScenarioError) as info:
        pactsim.loads(text, name="x.yaml")
    twice = [p for p in info.value.problems if p.message.startswith("lists an outcome twice")]
    assert [(p.field, p.line, p.value) for p in twice] == [("events.y.levels", 7, "a")]
    text = V1 + 'events:\n  a: {p: 0.3, why: "x\\ud800y"}\n'
    with pytest.raises(ScenarioError) as info:
        pactsim.loads(text, name="x.yaml")
    p = only(info.value.problems, "events.a.why")
    assert p.value == "x\\ud800y"  # a backslash, u, d800: printable text
    assert p.value.encode("utf-8") == b"x\\ud800y"
