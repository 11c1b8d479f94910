"""Every kind of mistake in a scenario file, with where it is reported and what it says.

One table: (case, body, line, column or None, field, message fragment). ``body`` is
appended to a valid 4-line header unless it starts with ``pactsim:``.
"""

from __future__ import annotations

import os
import re
import threading

import pytest

import pactsim
from pactsim.errors import PactsimError, Problem, ScenarioError, Suggestions, printable

HEADER = "pactsim: 1\nid: t\nas_of: 2024-11-05\nhorizon: 2025-12-31\n"

CASES = [
    # a key or value YAML read as text or a number where true/false or a number was meant
    ("table_key_quoted_true", "events:\n  a: {p: 0.5}\n  b: {given: [a], table: {'true': 0.9, "
     "false: 0.1}}\n", 7, 27, "events.b.table.true", "key 'true' is not true or false (level 1 "
     "of the table is 'a'; extra combinations are not allowed): 'true' in quotes is text; "
     "write true without quotes"),
    ("table_key_yes", "events:\n  a: {p: 0.5}\n  b: {given: [a], table: {yes: 0.9, "
     "false: 0.1}}\n", 7, 27, "events.b.table.yes", "this YAML reads 'yes' as text; write true"),
    ("table_key_number_one", "events:\n  a: {p: 0.5}\n  b: {given: [a], table: {1: 0.9, "
     "false: 0.1}}\n", 7, 27, "events.b.table[1]", "1 is a number; write true"),
    ("version_quoted", "pactsim: '2'\nid: t\nas_of: 2024-11-05\nhorizon: 2025-12-31\n", 1, 10,
     "pactsim", "= '2' is text (quoted): the version is a number, write `pactsim: 2` without "
     "quotes"),
    ("between_tiny", "events:\n  a: {p: {between: [1e-305, 0.5]}}\n", 6, 20, "events.a.p.between", "has lo below 1e-300"),
    ("driver_mean_huge", "drivers:\n  d: {dist: normal, mean: 1e305, sd: 1}\n", 6, 27, "drivers.d.mean", "must be a number between -1e+300 and 1e+300"),
    ("driver_sd_huge", "drivers:\n  d: {dist: normal, mean: 0, sd: 1e301}\n", 6, 34, "drivers.d.sd", "at most 1e+300"),
    ("p_above_one", "events:\n  a: {p: 1.3}\n", 6, 10, "events.a.p", "= 1.3 must be in [0, 1]"),
    # YAML's unquoted true/false where text is meant: a name must change, other text be quoted
    ("odds_key_true", "events:\n  a: {p: 0.5, odds: {true: 2}}\n", 6, 22, "events.a.odds.true", "key true must be text (YAML reads an unquoted true or false as a truth value, and neither can be a name: rename it)"),
    ("requires_false", "events:\n  a: {p: 0.5, requires: [false]}\n", 6, 26, "events.a.requires[0]", "= false must be text (YAML reads an unquoted true or false as a truth value, and neither can be a name"),
    ("node_named_true", "events:\n  true: {p: 0.5}\n", 6, 3, "events.true", "name true is not snake_case"),
    ("label_true", "events:\n  a: {p: 0.5, label: true}\n", 6, 22, "events.a.label", "= true must be text (YAML reads an unquoted true as a truth value: write 'true' in quotes)"),
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
     "= 0 must be > 0 (an odds multiplier"),
    ("unknown_field", "events:\n  a: {p: 0.5, prob: 0.3}\n", 6, 15, "events.a.prob",
     "unknown field 'prob' (allowed here: label, source, why, p, given, table, why_table"),
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
     "false: 0.2}\n", 7, 3, "events.c", "give either p or given + table, not both"),
    ("no_probability", "events:\n  a: {label: x}\n", 6, 3, "events.a", "needs a probability"),
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
    ("format_version", "pactsim: 4\nid: t\nas_of: 2024-11-05\nhorizon: 2025-12-31\n", 1, 10,
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
     "must be a number > 0 and at most 1e+300"),
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
    # issue 8 item 5: every problem at once, at the right place, in the user's terms
    ("bad_p_hides_nothing", "events:\n  mood: {p: 0.5}\n  a: {p: 1.9, odds: {moood: 1.5}}\n", 7, 29,
     "events.a.odds.moood", "unknown name 'moood' (in odds); did you mean 'mood'?"),
    ("no_probability_block", "events:\n  a:\n    label: x\n", 6, 3, "events.a", "needs a probability"),
    ("did_you_mean_by_edits", "events:\n  a: {p: 0.5, lable: x}\n", 6, 15, "events.a.lable",
     "did you mean 'label'?"),
    ("clauses_under_clause", "signing:\n  by: {2024-12-31: 0.5}\npillars:\n  m:\n    p: 0.5\n    clauses:\n"
     "      c:\n        p: 0.5\n        clauses:\n          d: {p: 0.1}\n", 13, 9,
     "pillars.m.clauses.c.clauses", "clauses belong under pillars, not under a clause"),
    ("clauses_under_event", "events:\n  a:\n    p: 0.5\n    clauses: {d: {p: 0.1}}\n", 8, 5,
     "events.a.clauses", "clauses belong under pillars, not under an event"),
    ("date_day_first", "pactsim: 1\nid: t\nas_of: 15/01/2026\nhorizon: 2026-12-31\n", 3, 8, "as_of",
     "= '15/01/2026' is not a date (dates are YYYY-MM-DD: write 2026-01-15)"),
    ("date_as_number", "pactsim: 1\nid: t\nas_of: 0\nhorizon: 2026-12-31\n", 3, 8, "as_of",
     "= 0 is not a date (dates are YYYY-MM-DD"),
    ("by_key_number", "signing:\n  by: {0: 0.5}\n", 6, 8, "signing.by[0]", "key 0 is not a date"),
    ("by_key_text", "signing:\n  by: {31/12/2024: 0.5}\n", 6, 8, "signing.by.31/12/2024",
     "key '31/12/2024' is not a date (dates are YYYY-MM-DD: write 2024-12-31)"),
    ("node_fields_under_indented", "events:\n  a:\n  p: 0.5\n", 7, 3, "events.p",
     "'p' is a field, not a name: `a:` just above is empty — if 'p' belongs to it, indent it"),
    ("node_empty", "events:\n  a:\n  b: {p: 0.5}\n", 6, 3, "events.a",
     "is empty: it needs its fields, e.g. `a: {p: 0.3}`"),
    ("section_under_indented", "events:\na: {p: 0.5}\n", 6, 1, "a",
     "`events:` just above is empty — if 'a' belongs under it, indent it"),
    ("clauses_under_indented", "signing:\n  by: {2024-12-31: 0.5}\npillars:\n  m:\n    p: 0.5\n"
     "    clauses:\n    c: {p: 0.5}\n", 11, 5, "pillars.m.c", "`clauses:` just above is empty"),
    ("yaml_under_indented", "events:\n  a:\n    p: 0.5\n   odds: {}\n", 8, 4, "",
     "this line is indented 3 spaces, which lines up with no key above (line 7 is indented 4, "
     "line 6 2)"),
    ("driver_missing_dist", "drivers:\n  x: {mean: 0, sd: 1}\n", 6, 3, "drivers.x",
     "missing required field 'dist'"),
    ("question_empty", "questions:\n  q:\n", 6, 3, "questions.q", "is empty: write an expression"),
    # issue 8 item 4: a date the scenario cannot answer
    ("question_after_horizon", "signing:\n  by: {2024-12-31: 0.5}\nquestions:\n  q: signing.date <= "
     "2026-06-30\n", 8, 22, "questions.q", "date 2026-06-30 is after the horizon (2025-12-31)"),
    ("question_after_horizon_long", "signing:\n  by: {2024-12-31: 0.5}\nquestions:\n  q: {expr: "
     "\"signing and signing.date > 2027-01-01\"}\n", 8, 41, "questions.q.expr",
     "cannot be answered"),
    # issue 9 item 1: tables are bounded by what was written
    ("given_too_many", "events:\n" + "".join(f"  e{i}: {{p: 0.5}}\n" for i in range(17))
     + "  x:\n    given: [" + ", ".join(f"e{i}" for i in range(17)) + "]\n    table: {}\n", 24, 5,
     "events.x.given", "lists 17 parents; a table may condition on at most 16"),
    ("table_many_missing", "events:\n" + "".join(f"  e{i}: {{p: 0.5}}\n" for i in range(12))
     + "  x:\n    given: [" + ", ".join(f"e{i}" for i in range(12)) + "]\n    table: {}\n", 20, 5,
     "events.x.table", "e10=false, e11=true and 4,093 more (4,096 of 4,096 missing)"),
    ("table_key_one", "events:\n  a: {p: 0.5}\n  c:\n    given: [a]\n    table: {1: 0.1, false: 0.2}\n",
     9, 13, "events.c.table[1]", "key 1 is not true or false"),
    # issue 9 items 7 and 20: text that cannot be written out; booleans are not numbers
    ("lone_surrogate", 'title: "\\ud800"\n', 5, 8, "title",
     "the text holds \\ud800, half of a UTF-16 surrogate pair"),
    ("version_bool", "pactsim: true\nid: t\nas_of: 2024-11-05\nhorizon: 2025-12-31\n", 1, 10,
     "pactsim", "= true: the format version is a number"),
    ("driver_number_bool", "drivers:\n  x: {dist: normal, mean: true, sd: 1}\n", 6, 27,
     "drivers.x.mean", "= true must be a number"),
    ("p_bool", "events:\n  a: {p: true}\n", 6, 10, "events.a.p", "= true is not a probability"),
    ("odds_bool", "events:\n  b: {p: 0.5}\n  a: {p: 0.5, odds: {b: false}}\n", 7, 25,
     "events.a.odds.b", "= false is not a number (an odds factor)"),
    # issue 17 item 2: the rationale is text, next to what it explains
    ("why_number", "events:\n  a:\n    p: 0.5\n    why: 0.5\n", 8, 10, "events.a.why",
     "= 0.5 must be text: a rationale in words (in quotes"),
    ("why_date", "events:\n  a: {p: 0.5, why: 2024-12-31}\n", 6, 20, "events.a.why",
     "= 2024-12-31 must be text"),
    ("why_list_on_clause", "signing:\n  by: {2024-12-31: 0.5}\npillars:\n  m:\n    p: 0.5\n"
     "    clauses:\n      c: {p: 0.5, why: [a, b]}\n", 11, 24, "pillars.m.clauses.c.why",
     "= [a, b] must be text"),
    ("why_driver_bool", "drivers:\n  x: {dist: normal, sd: 1, why: true}\n", 6, 33, "drivers.x.why",
     "= true must be text"),
    ("why_signing", "signing:\n  why: {a: b}\n  by: {2024-12-31: 0.5}\n", 6, 8, "signing.why",
     "= {a: b} must be text"),
    ("why_question", "questions:\n  q: {expr: 'true', why: 1}\n", 6, 26, "questions.q.why",
     "= 1 must be text"),
    ("why_by_not_a_point", "signing:\n  by: {2024-12-31: 0.4, 2025-03-31: 0.6}\n  why_by:\n"
     "    2025-01-31: a slip\n", 8, 5, "signing.why_by.2025-01-31",
     "date 2025-01-31 is not a point of by (2024-12-31, 2025-03-31)"),
    ("why_by_number", "signing:\n  by: {2024-12-31: 0.4}\n  why_by: {2024-12-31: 40}\n", 7, 24,
     "signing.why_by.2024-12-31", "= 40 must be text"),
    ("why_by_key", "signing:\n  by: {2024-12-31: 0.4}\n  why_by: {31/12/2024: x}\n", 7, 12,
     "signing.why_by.31/12/2024", "key '31/12/2024' is not a date"),
    ("why_table_without_table", "events:\n  a: {p: 0.5, why_table: {true: x}}\n", 6, 15,
     "events.a.why_table", "explains single rows of a table, but this node has no given + table"),
    ("why_table_key", "events:\n  a: {p: 0.5}\n  b:\n    given: [a]\n    table: {true: 0.1, false: 0.2}\n"
     "    why_table: {maybe: x}\n", 10, 17, "events.b.why_table.maybe",
     "key 'maybe' is not true or false (level 1 of why_table, as of table, is 'a')"),
    ("why_table_leaf", "events:\n  a: {p: 0.5}\n  b:\n    given: [a]\n    table: {true: 0.1, false: 0.2}\n"
     "    why_table: {false: 0.2}\n", 10, 24, "events.b.why_table.false", "= 0.2 must be text"),
    ("why_table_too_shallow", "events:\n  a: {p: 0.5}\n  b: {p: 0.5}\n  c:\n    given: [a, b]\n"
     "    table: {true: {true: 0.1, false: 0.2}, false: {true: 0.3, false: 0.4}}\n"
     "    why_table: {true: x}\n", 11, 23, "events.c.why_table.true",
     "must be a mapping with keys true and false for 'b' (why_table is nested like table"),
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


def test_a_bad_value_does_not_hide_the_nodes_other_mistakes():
    text = HEADER + "drivers:\n  mood: {dist: normal, mean: 0, sd: 1}\nevents:\n" \
        "  a: {p: 1.9, odds: {moood: 1.5}, requires: [zz]}\n"
    with pytest.raises(ScenarioError) as info:
        pactsim.loads(text, name="f.yaml")
    found = {p.field: p.message for p in info.value.problems}
    assert set(found) == {"events.a.p", "events.a.odds.moood", "events.a.requires[0]"}
    assert "did you mean 'mood'?" in found["events.a.odds.moood"]


def test_a_bad_p_is_not_reported_as_a_missing_one():
    with pytest.raises(ScenarioError) as info:
        pactsim.loads(HEADER + "events:\n  a: {p: 1.9}\n")
    assert [p.field for p in info.value.problems] == ["events.a.p"]


def test_control_characters_in_names_are_escaped_when_printed():
    text = HEADER + 'events:\n  a: {p: 0.5, "\\e]0;pwned\\a\\e[2J": 1}\n"\\e[31mx": 1\n'
    with pytest.raises(ScenarioError) as info:
        pactsim.loads(text, name="f.yaml")
    shown = str(info.value)
    assert "\x1b" not in shown and "\x07" not in shown
    assert "unknown field '\\x1b]0;pwned\\x07\\x1b[2J'" in shown
    assert "unknown section '\\x1b[31mx'" in shown
    assert all(p.isprintable() for p in shown.splitlines())


def test_missing_combinations_are_counted_not_listed():
    given = [f"e{i}" for i in range(24)]
    data = {"pactsim": 1, "id": "t", "as_of": "2024-11-05", "horizon": "2025-12-31",
            "events": {**{g: {"p": 0.5} for g in given[:16]},
                       "x": {"given": given[:16], "table": {True: {}}}}}
    with pytest.raises(ScenarioError) as info:
        pactsim.from_dict(data)
    (problem,) = info.value.problems
    assert "and 65,533 more (65,536 of 65,536 missing)" in problem.message
    assert len(problem.message) < 1000
    # the 573-byte file of issue 9: refused at `given`, the table is never expanded
    text = HEADER + "events:\n" + "".join(f"  {g}: {{p: 0.5}}\n" for g in given) \
        + f"  x:\n    given: [{', '.join(given)}]\n    table: {{}}\n"
    with pytest.raises(ScenarioError) as info:
        pactsim.loads(text)
    (problem,) = info.value.problems
    assert "at most 16" in problem.message and "16,777,216 rows" in problem.message


@pytest.mark.parametrize(("call", "kind", "fragment"), [
    (lambda: pactsim.load("a\0b"), ValueError, "load(): path = 'a\\x00b' holds a NUL character"),
    (lambda: pactsim.load(12), TypeError, "load(): path = 12 is an int"),
    (lambda: pactsim.load(b"x.yaml"), TypeError, "load(): path = b'x.yaml' is bytes"),
    (lambda: pactsim.loads(None), TypeError, "loads(): text = None is None"),
    (lambda: pactsim.loads(["pactsim: 1"]), TypeError, "loads(): text = ['pactsim: 1'] is a list"),
    (lambda: pactsim.loads(HEADER, name=3), TypeError, "loads(): name = 3 is an int"),
    (lambda: pactsim.from_dict([1]), TypeError, "from_dict(): data = [1] is a list"),
    (lambda: pactsim.from_dict({}, name=None), TypeError, "from_dict(): name = None is None"),
], ids=["nul", "int-path", "bytes-path", "none-text", "list-text", "int-name", "list-data",
        "none-name"])
def test_bad_arguments_name_the_argument(call, kind, fragment):
    with pytest.raises(kind) as info:
        call()
    assert isinstance(info.value, PactsimError)
    assert not isinstance(info.value, ScenarioError)
    assert fragment in str(info.value)


def test_printable_escapes_only_what_a_terminal_would_obey():
    assert printable("su35 → s400, é") == "su35 → s400, é"
    assert printable("a\x1b[2J\x07\u202e\x00b") == "a\\x1b[2J\\x07\\u202e\\x00b"
    assert str(Problem("bad \x1b[31m", "x\ny", "f.yaml", 1, 2)) == \
        "f.yaml:1:2: x\\x0ay: bad \\x1b[31m"


def test_swapped_words_are_looked_up_not_searched() -> None:
    """The swapped-words suggestion is found through an index built once, not by a scan
    of every name on each look-up (a review found 1,000 failed look-ups over 100,000
    names 5x slower with the scan)."""
    s = Suggestions([f"w{i}_x{i}" for i in range(100_000)])
    assert s.closest("x77_w77") == "w77_x77"
    assert s._by_words is not None and len(s._by_words) == 100_000
    assert s.closest("x78_w78") == "w78_x78" and len(s._by_words) == 100_000


@pytest.mark.parametrize(("name", "candidates", "expected"), [
    ("x_y", ["y_x", "y_x"], "y_x"),  # one name twice is one name
    ("a_b", ["b_a", "ba_"], "b_a"),
])
def test_swapped_words_suggest_one_name(name, candidates, expected):
    assert Suggestions(candidates).closest(name) == expected


@pytest.mark.parametrize(("name", "candidates", "expected"), [
    ("lable", ["label", "table", "source"], "label"),  # a swap is one edit; same first letter
    ("militray", ["military", "energy"], "military"),
    ("cnt", ["count", "all", "any"], "count"),
    ("aa", ["a", "b"], "a"),
    ("x", ["a", "b"], None),  # nothing in common
    ("completely_different", ["military"], None),
    ("x" * 41, ["x" * 40], None),  # too long to be worth a search
    # words swapped in a compound name (review-cli, 2026-12-04: no suggestion)
    ("by_why", ["why_by", "why_table", "by"], "why_by"),
    ("ratio_hazard", ["hazard_ratio", "odds"], "hazard_ratio"),
    ("a_bc", ["bc_a", "a_bcd"], "a_bcd"),  # a near name first, then swapped words
])
def test_suggestions(name, candidates, expected):
    assert Suggestions(candidates).closest(name) == expected
    many = [f"zz{i:04d}q" for i in range(1000)] + candidates  # the indexed path
    assert Suggestions(many).closest(name) in (expected, None)
    if expected is not None and len(name) == len(expected):
        assert Suggestions(many).closest(name) == expected


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_load_refuses_a_fifo_without_blocking(tmp_path):
    fifo = tmp_path / "s.yaml"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []
    reader = threading.Thread(target=lambda: _catch(outcome, pactsim.load, fifo), daemon=True)
    reader.start()
    reader.join(timeout=60)  # guards against a hang (the bug), not a speed requirement
    assert outcome, "load() blocked on a FIFO with no writer"
    assert isinstance(outcome[0], ScenarioError)
    assert "cannot read the file: it is a named pipe (FIFO), not a regular file" in str(outcome[0])


def test_load_reads_no_more_than_the_size_limit(tmp_path, monkeypatch):
    from pactsim.language import io as pio

    asked: list[int] = []
    real = pio.read_regular

    def spy(path, limit):
        asked.append(limit)
        return real(path, limit)

    monkeypatch.setattr(pio, "read_regular", spy)
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * 600_000)
    with pytest.raises(ScenarioError, match=r"the file is 600,003 bytes; scenario files are "
                       r"limited to 500,000 bytes"):
        pactsim.load(big)
    assert asked == [500_000]


def _catch(out: list[BaseException], func, *args):
    try:
        func(*args)
    except BaseException as err:  # handed to the test thread
        out.append(err)


def test_from_dict_refuses_surrogates_in_text_and_names():
    data = {"pactsim": 1, "id": "t", "as_of": "2024-11-05", "horizon": "2025-12-31",
            "title": "\ud83d\ude00", "events": {"a\udc00": {"p": 0.5}}}
    with pytest.raises(ScenarioError) as info:
        pactsim.from_dict(data)
    found = {p.field: p.message for p in info.value.problems}
    assert set(found) == {"title", "events.a\udc00"}
    assert "the text holds \\ud83d, half of a UTF-16 surrogate pair" in found["title"]
    str(info.value).encode("utf-8")  # the message itself can be printed anywhere


def test_a_long_expression_or_name_is_not_echoed_whole() -> None:
    # a 5,000-character unknown name and a 10,000-character condition used to come back
    # whole: each problem's line keeps its location, start and end within a screen or so
    name = "nosuch_" + "x" * 5000
    text = ("pactsim: 1\nid: t\ntitle: t\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
            f"signing:\n  by: {{2024-12-31: 0.5}}\nquestions:\n  q: 'signing and {name}'\n")
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(text, name="long.yaml")
    line = str(err.value).splitlines()[0]
    assert len(line) < 700
    assert line.startswith("long.yaml:9:")
    assert "questions.q: unknown name 'nosuch_xxx" in line
    assert re.search(r" … \[4,\d{3} characters left out\] … x", line)  # 5,000-odd less shown
    assert line.endswith("(names are the scenario's events, drivers, pillars, clauses, questions)")
    sc = pactsim.loads(text.replace(f" and {name}", ""), name="ok.yaml")
    long_condition = " or ".join(["signing"] * 850) + " and nosuch"
    with pytest.raises(ScenarioError) as err2:
        pactsim.exact(sc).prob("signing", given=long_condition)
    shown = str(err2.value)
    assert len(shown) < 700 and "unknown name 'nosuch'" in shown and "left out" in shown


@pytest.mark.parametrize(("body", "said"), [
    ('events:\n  a: {p: "0,3"}\n', "the decimal point is a dot: 0.3"),
    ("events:\n  a: {p: 0,3}\n", "the comma separates two fields; the decimal point is a dot: p: 0.3"),
    ("events:\n  a: {p: {between: [0.9, 0.6]}}\n", "swap them: [0.6, 0.9]"),
    ("events:\n  a: {p: {between: [0.6, 1.0]}}\n", "a bound of 0 or 1 is certainty"),
    ("events:\n  a: {p: {between: [30, 60]}}\n", "percentages? write fractions: [0.3, 0.6]"),
    ("events:\n  a: {p: {between: [0.5, 1.5]}}\n", "both bounds are probabilities, between"),
    ("pactsim: 2\nid: t\nas_of: 2024-11-05\nhorizon: 2025-12-31\n"
     "events:\n  a: {by: {2025-6-30: 0.5}}\n", "write 2025-06-30, two digits each"),
])
def test_fix_hints_for_near_misses(body: str, said: str) -> None:
    text = body if body.startswith("pactsim:") else HEADER + body
    with pytest.raises(ScenarioError) as caught:
        pactsim.loads(text)
    assert said in str(caught.value)


def test_a_number_asked_as_a_question_gets_an_example_built_from_it() -> None:
    sc = pactsim.loads(HEADER.replace("pactsim: 1", "pactsim: 2")
                       + "signing: {by: {2025-06-30: 0.5}}\nevents:\n"
                       "  r: {after: signing, delay: 30}\n")
    res = pactsim.simulate(sc, n=100, seed=1)
    with pytest.raises(ScenarioError, match=r"compare it, e\.g\. `r\.date - signing\.date >= 1`"):
        res.prob("r.date - signing.date")
    with pytest.raises(ScenarioError, match=r"compare it, e\.g\. `r\.date <= 2025-12-31`"):
        res.prob("r.date")


def test_a_date_used_as_a_condition_gets_an_example_within_the_file() -> None:
    """The example was 'signing.date <= 2024-12-31' whatever the file's dates."""
    text = ("pactsim: 2\nid: t\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
            "signing: {by: {2025-06-30: 0.5}}\nevents:\n"
            "  c: {given: [signing.date], table: {true: 0.5, false: 0.2}}\n")
    with pytest.raises(ScenarioError, match=r"compare it \(e\.g\. 'signing\.date <= "
                                            r"2025-12-31'\)"):
        pactsim.loads(text)


def test_a_date_where_a_number_is_meant_is_shown_as_written() -> None:
    with pytest.raises(ScenarioError) as caught:
        pactsim.loads(HEADER + "events:\n  a: {p: {between: [0.1, 2025-01-01]}}\n")
    assert "= 2025-01-01 is not a number" in str(caught.value)
    assert "datetime" not in str(caught.value)


@pytest.mark.parametrize(("event", "field", "hint"), [
    ("{p:0.5}", "events.shock.p:0.5", "unknown field 'p:0.5': a colon must be followed by a "
                                      "space, `p: 0.5`"),
    ("\n    p:0.5", "events.shock", "must be a mapping of fields, e.g. `shock: {p: 0.3}`: a "
                                    "colon must be followed by a space, `p: 0.5`"),
    ("{p: 0.5, odds: {alignment:2}}", "events.shock.odds.alignment:2",
     "is not a number (an odds factor): a colon must be followed by a space, `alignment: 2`"),
])
def test_a_key_run_into_its_value_gets_the_missing_space(event: str, field: str,
                                                        hint: str) -> None:
    """`p:0.5` is one YAML text; the message says what was meant (review-cli, 2026-12-04)."""
    text = ("pactsim: 1\nid: x\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
            "drivers:\n  alignment: {dist: normal, mean: 0, sd: 1}\n"
            f"events:\n  shock: {event}\nsigning: {{by: {{2025-06-30: 0.5}}}}\n")
    with pytest.raises(ScenarioError) as info:
        pactsim.loads(text)
    found = [p for p in info.value.problems if p.field == field]
    assert found and hint in found[0].message, str(info.value)


def test_a_misspelt_distribution_and_command_get_a_suggestion(capsys) -> None:
    """`p: {betta: [2, 1]}` and `pactsim valdate` named nothing (review-cli, 2026-12-04)."""
    from pactsim.cli import main

    with pytest.raises(ScenarioError, match=r"or \{between: \[lo, hi\]\}\); did you mean "
                                            r"'beta'\?"):
        pactsim.loads(HEADER + "events:\n  a: {p: {betta: [2, 1]}}\n"
                      "signing: {by: {2025-06-30: 0.5}}\n")
    assert main(["valdate", "x.yaml"]) == 2
    assert "invalid choice: 'valdate'; did you mean 'validate'?" in capsys.readouterr().err


@pytest.mark.parametrize("field", ["given", "hazard_ratio"])
def test_one_condition_written_twice_is_one_parent_listed_twice(field: str) -> None:
    """`crisis.date <= 2025-03-01` and `crisis.date<=2025-03-01` were accepted as two
    parents (the same text was refused as listed twice; review-cli, 2026-12-04)."""
    a, b = "c.date <= 2025-03-01", "c.date<=2025-03-01"
    spec = (f'given: ["{a}", "{b}"], table: {{true: {{true: 0.5, false: 0.4}}, '
            f'false: {{true: 0.3, false: 0.2}}}}' if field == "given"
            else f'by: {{2025-06-30: 0.5}}, hazard_ratio: {{"{a}": 2, "{b}": 3}}')
    text = ("pactsim: 2\nid: t\nas_of: 2025-01-01\nhorizon: 2025-12-31\nevents:\n"
            f"  c: {{by: {{2025-06-30: 0.5}}}}\n  x: {{{spec}}}\n"
            "signing: {by: {2025-06-30: 0.5}}\n")
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(text)
    (p,) = err.value.problems
    assert p.message == f"'{b}' is the condition '{a}' again, written differently; list it once"
    assert p.field.startswith(f"events.x.{field}")
    pactsim.loads(text.replace(b, "c.date <= 2025-04-01"))  # another condition is fine
