"""Every kind of mistake in a scenario file, with where it is reported and what it says.

One table: (case, body, line, column or None, field, message fragment). ``body`` is
appended to a valid 4-line header unless it starts with ``pactsim:``.
"""

from __future__ import annotations

import pytest

import pactsim
from pactsim.errors import PactsimError, ScenarioError

HEADER = "pactsim: 1\nid: t\nas_of: 2024-11-05\nhorizon: 2025-12-31\n"

CASES = [
    ("p_above_one", "events:\n  a: {p: 1.3}\n", 6, 10, "events.a.p", "= 1.3 must be in [0, 1]"),
    ("p_negative", "events:\n  a:\n    p: -0.1\n", 7, 8, "events.a.p", "= -0.1 must be in [0, 1]"),
    ("p_nan", "events:\n  a: {p: .nan}\n", 6, 10, "events.a.p", "= nan must be in [0, 1]"),
    ("p_inf", "events:\n  a: {p: .inf}\n", 6, 10, "events.a.p", "= inf must be in [0, 1]"),
    ("p_text", "events:\n  a: {p: high}\n", 6, 10, "events.a.p",
     "= 'high' is not a probability (write a number in [0, 1], {beta: [a, b]}"),
    ("beta_zero", "events:\n  a: {p: {beta: [0, 2]}}\n", 6, 17, "events.a.p.beta",
     "has a parameter <= 0 (Beta parameters must be > 0"),
    ("beta_shape", "events:\n  a: {p: {beta: [1]}}\n", 6, 17, "events.a.p.beta",
     "must be a list of two numbers [a, b]"),
    ("between_order", "events:\n  a: {p: {between: [0.6, 0.4]}}\n", 6, 20, "events.a.p.between",
     "must satisfy 0 < lo < hi < 1"),
    ("between_edge", "events:\n  a: {p: {between: [0, 0.4]}}\n", 6, 20, "events.a.p.between",
     "must satisfy 0 < lo < hi < 1"),
    ("odds_zero", "events:\n  a: {p: 0.5}\n  b: {p: 0.5, odds: {a: 0}}\n", 7, 25, "events.b.odds.a",
     "= 0.0 must be > 0 (an odds multiplier"),
    ("unknown_field", "events:\n  a: {p: 0.5, prob: 0.3}\n", 6, 15, "events.a.prob",
     "unknown field 'prob' (allowed here: label, source, p, given"),
    ("unknown_section", "event:\n  a: {p: 0.5}\n", 5, 1, "event", "did you mean 'events'?"),
    ("unknown_given", "events:\n  a: {p: 0.5}\n  b:\n    given: [aa]\n    table: {true: 0.1, false: 0.2}\n",
     8, 13, "events.b.given[0]", "unknown name 'aa' (in given); did you mean 'a'?"),
    ("unknown_requires", "events:\n  su35_sale: {p: 0.5}\n  b: {p: 0.3, requires: [su35_sal]}\n",
     7, 26, "events.b.requires[0]", "did you mean 'su35_sale'?"),
    ("name_twice", "events:\n  a: {p: 0.5}\npillars:\n  a: {p: 0.4}\n", 8, 3, "pillars.a",
     "name 'a' is already used at line 6 (events.a)"),
    ("duplicate_key", "events:\n  a: {p: 0.5}\n  a: {p: 0.4}\n", 7, 3, "events.a",
     "duplicate key 'a' (first at line 6"),
    ("cycle", "events:\n  a: {p: 0.5, requires: [b]}\n  b: {p: 0.5, requires: [a]}\n", 6, 3,
     "events.a", "dependency cycle a → b → a"),
    ("table_missing", "events:\n  a: {p: 0.5}\n  b: {p: 0.5}\n  c:\n    given: [a, b]\n    table:\n"
     "      true: {true: 0.1, false: 0.2}\n      false: {true: 0.3}\n", 10, 5, "events.c.table",
     "missing combinations: a=false, b=false"),
    ("table_extra", "events:\n  a: {p: 0.5}\n  c:\n    given: [a]\n    table: {true: 0.1, false: 0.2, "
     "maybe: 0.3}\n", 9, 36, "events.c.table.maybe", "key 'maybe' is not true or false"),
    ("table_leaf", "events:\n  a: {p: 0.5}\n  c:\n    given: [a]\n    table: {true: 0.1, false: 1.5}\n",
     9, 31, "events.c.table.false", "= 1.5 must be in [0, 1]"),
    ("p_and_table", "events:\n  a: {p: 0.5}\n  c:\n    p: 0.2\n    given: [a]\n    table: {true: 0.1, "
     "false: 0.2}\n", 8, 5, "events.c", "give either p or given + table, not both"),
    ("no_probability", "events:\n  a: {label: x}\n", 6, 6, "events.a", "needs a probability"),
    ("by_decreasing", "signing:\n  by:\n    2024-12-31: 0.5\n    2025-03-31: 0.4\n", 8, 17,
     "signing.by.2025-03-31", "is below the previous point (0.5)"),
    ("by_unordered", "signing:\n  by:\n    2025-03-31: 0.4\n    2024-12-31: 0.5\n", 8, 5,
     "signing.by.2024-12-31", "list dates in increasing order"),
    ("by_before_as_of", "signing:\n  by:\n    2024-10-01: 0.4\n", 7, 5, "signing.by.2024-10-01",
     "is not after as_of (2024-11-05)"),
    ("by_after_horizon", "signing:\n  by:\n    2026-03-01: 0.4\n", 7, 5, "signing.by.2026-03-01",
     "is after the horizon (2025-12-31)"),
    ("by_above_one", "signing:\n  by:\n    2024-12-31: 1.2\n", 7, 17, "signing.by.2024-12-31",
     "= 1.2 must be in [0, 1]"),
    ("horizon_before_as_of", "pactsim: 1\nid: t\nas_of: 2024-11-05\nhorizon: 2024-01-01\n", 4, 10,
     "horizon", "must be after as_of (2024-11-05)"),
    ("missing_id", "pactsim: 1\nas_of: 2024-11-05\nhorizon: 2025-12-31\n", 1, 1, "",
     "missing required field 'id'"),
    ("format_version", "pactsim: 2\nid: t\nas_of: 2024-11-05\nhorizon: 2025-12-31\n", 1, 10,
     "pactsim", "unsupported format version"),
    ("calendar_date", "pactsim: 1\nid: t\nas_of: 2024-13-05\nhorizon: 2025-12-31\n", 3, 8, "as_of",
     "invalid date '2024-13-05'"),
    ("question_syntax", "events:\n  a: {p: 0.5}\nquestions:\n  q: a and (a or\n", 8, 17, "questions.q",
     "after 'or', found end of expression"),
    ("question_unknown_name", "events:\n  su35_sale: {p: 0.5}\nquestions:\n  q: su35_sal or su35_sale\n",
     8, 6, "questions.q", "unknown name 'su35_sal'; did you mean 'su35_sale'?"),
    ("question_bad_date", "signing:\n  by: {2024-12-31: 0.5}\nquestions:\n  q: signing.date <= "
     "2024-13-01\n", 8, 22, "questions.q", "'2024-13-01' is not a calendar date"),
    ("question_quoted_column", "events:\n  a: {p: 0.5}\nquestions:\n  q: \"a and b\"\n", 8, 13,
     "questions.q", "unknown name 'b'"),
    ("not_snake_case", "events:\n  Bad-Name: {p: 0.5}\n", 6, 3, "events.Bad-Name", "is not snake_case"),
    ("reserved_name", "events:\n  and: {p: 0.5}\n", 6, 3, "events.and", "is reserved"),
    ("driver_sd", "drivers:\n  x: {dist: normal, mean: 0, sd: -1}\n", 6, 34, "drivers.x.sd",
     "must be a finite number > 0"),
    ("driver_dist", "drivers:\n  x: {dist: lognormal, mean: 0, sd: 1}\n", 6, 13, "drivers.x.dist",
     "expected 'normal' or 'uniform'"),
    ("unknown_source", "events:\n  a: {p: 0.5, source: edn}\nsources:\n  edm: x\n", 6, 23,
     "events.a.source", "unknown source 'edn'"),
    ("odds_on_question", "events:\n  a: {p: 0.5, odds: {q: 2}}\nquestions:\n  q: a\n", 6, 25,
     "events.a.odds.q", "'q' is a question"),
    ("yaml_tag", "events:\n  a: !!python/object:os.system {p: 0.5}\n", 6, 6, "events.a",
     "tags are not allowed"),
    ("requires_and_excludes", "events:\n  a: {p: 0.5}\n  b: {p: 0.5, requires: [a], excludes: [a]}\n",
     7, 40, "events.b.excludes", "both required and excluded"),
    ("section_not_mapping", "events: [a, b]\n", 5, 9, "events", "must be a mapping"),
    ("clauses_not_mapping", "signing:\n  by: {2024-12-31: 0.5}\npillars:\n  m:\n    p: 0.5\n"
     "    clauses: [x]\n", 10, 14, "pillars.m.clauses", "must be a mapping"),
    ("signing_name_elsewhere", "events:\n  signing: {p: 0.5}\n", 6, 3, "events.signing",
     "reserved for the `signing:` section"),
    ("self_dependency", "events:\n  a: {p: 0.5, odds: {a: 2}}\n", 6, 25, "events.a.odds.a",
     "cannot depend on itself"),
]


@pytest.mark.parametrize(("case", "body", "line", "column", "field", "fragment"), CASES,
                         ids=[c[0] for c in CASES])
def test_invalid_file_is_reported_at_its_line(case, body, line, column, field, fragment):
    text = body if body.startswith("pactsim:") else HEADER + body
    with pytest.raises(ScenarioError) as info:
        pactsim.loads(text, name="bad.yaml")
    err = info.value
    assert isinstance(err, PactsimError)
    assert isinstance(err, ValueError)
    matching = [p for p in err.problems if p.field == field]
    assert matching, f"no problem on field {field!r}: {err}"
    p = matching[0]
    assert (p.line, p.column) == (line, column), str(err)
    assert p.path == "bad.yaml"
    assert fragment in p.message, str(err)
    prefix = f"bad.yaml:{line}:{column}: " + (f"{field}: " if field else "")
    assert str(p).startswith(prefix)


def test_table_has_at_least_30_distinct_cases():
    assert len({c[0] for c in CASES}) == len(CASES) >= 30


def test_every_problem_in_a_file_is_reported():
    text = HEADER + (
        "events:\n"
        "  a: {p: 1.3}\n"                    # line 6
        "  b: {p: 0.5, requires: [zz]}\n"    # line 7
        "  c: {p: {beta: [0, 1]}}\n"         # line 8
        "questions:\n"
        "  q: a and\n"                       # line 10
    )
    with pytest.raises(ScenarioError) as info:
        pactsim.loads(text, name="many.yaml")
    lines = [p.line for p in info.value.problems]
    assert lines == [6, 7, 8, 10]
    assert str(info.value).count("\n") == 3


def test_error_attributes_are_those_of_the_first_problem():
    with pytest.raises(ScenarioError) as info:
        pactsim.loads(HEADER + "events:\n  a: {p: 2}\n  b: {p: 3}\n", name="f.yaml")
    err = info.value
    assert (err.path, err.line, err.column, err.field) == ("f.yaml", 6, 10, "events.a.p")
    assert err.value == 2.0


def test_load_reports_the_file_name(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text(HEADER + "events:\n  a: {p: 1.5}\n")
    with pytest.raises(ScenarioError, match=r"bad\.yaml:6:10: events\.a\.p: = 1\.5"):
        pactsim.load(f)


def test_missing_file_is_a_scenario_error(tmp_path):
    with pytest.raises(ScenarioError, match="cannot read the file"):
        pactsim.load(tmp_path / "nope.yaml")
