"""Every mistake with the keys of categorical nodes (format 3), located and with a fix.

The same table as ``test_error_messages.py``: (case, body, line, column, field,
message fragment); ``body`` is appended to a valid format-3 header unless it starts
with ``pactsim:``. Every case must be a :class:`ScenarioError` (never a traceback)
with a problem on ``field`` at ``line``:``column`` whose message holds the fragment.
"""

from __future__ import annotations

import pytest

import pactsim
from pactsim.errors import ScenarioError
from pactsim.language.scenario import MAX_LEVELS

HEADER = "pactsim: 3\nid: t\nas_of: 2024-11-05\nhorizon: 2025-12-31\n"
V1 = HEADER.replace("pactsim: 3", "pactsim: 1")
X = "events:\n  x:\n    levels: {absent: 0.5, named: 0.5}\n"  # a categorical node, lines 5-7
A = "events:\n  a: {p: 0.5}\n"  # a binary node, lines 5-6

CASES = [
    # probabilities
    ("sum_not_one", "events:\n  x:\n    levels: {absent: 0.2, generic: 0.45, named: 0.3}\n",
     7, 13, "events.x.levels", "outcome probabilities sum to 0.95, not 1"),
    ("leaf_sum_not_one", A + "  x:\n    levels: [absent, named]\n    given: [a]\n    table:\n"
     "      true: {absent: 0.5, named: 0.4}\n      false: {absent: 1.0}\n",
     11, 13, "events.x.table.true", "outcome probabilities sum to 0.9, not 1"),
    ("level_p_above_one", "events:\n  x:\n    levels: {absent: 1.5, named: -0.5}\n",
     7, 22, "events.x.levels.absent", "= 1.5 is not a probability (write a number in [0, 1])"),
    ("level_p_text", "events:\n  x:\n    levels: {absent: lots, named: 0.5}\n",
     7, 22, "events.x.levels.absent", "= 'lots' is not a probability"),
    # true is not 1.0 here, as for p (the model alone would read it as 1.0)
    ("level_p_bool", "events:\n  x:\n    levels: {absent: true, named: 0.0}\n",
     7, 22, "events.x.levels.absent", "= true is not a probability"),
    # an outcome named by an unquoted true (YAML's truth value) or a number: the name is
    # wrong, not a probability (it read "levels[1]: = true is not a probability")
    ("level_named_true", "events:\n  x:\n    levels: {true: 0.5, named: 0.5}\n",
     7, 14, "events.x.levels.true", "true is not an outcome name (outcomes are snake_case names"),
    ("level_named_false_fix", "events:\n  x:\n    levels: {absent: 0.5, false: 0.5}\n",
     7, 27, "events.x.levels.false", "rename it, e.g. agreed"),
    ("level_named_by_number", "events:\n  x:\n    levels: {1: 0.5, named: 0.5}\n",
     7, 14, "events.x.levels[1]", "1 is not an outcome name"),
    ("leaf_not_a_map", A + "  x:\n    levels: [absent, named]\n    given: [a]\n"
     "    table: {true: 0.5, false: {absent: 1.0}}\n",
     10, 19, "events.x.table.true", "= 0.5 must be {outcome: probability} over absent, named"),
    ("uncertain_level_in_levels", "events:\n  x:\n    levels: {absent: {between: [0.1, 0.3]}, "
     "named: 0.8}\n", 7, 22, "events.x.levels.absent",
     "is not a probability (write a number in [0, 1]; an outcome's probability is a plain "
     "number, not uncertain)"),
    ("uncertain_row_of_levels", A + "  x:\n    levels: [absent, named]\n    given: [a]\n"
     "    table:\n      true: {beta: [1, 2]}\n      false: {absent: 1.0}\n", 11, 14,
     "events.x.table.true.beta", "{beta: ...} and {between: ...} are for p; write the mean"),
    # unknown outcome names, with did-you-mean
    ("leaf_unknown_outcome", A + "  x:\n    levels: [absent, named]\n    given: [a]\n    table:\n"
     "      true: {absent: 0.5, nmed: 0.5}\n      false: {absent: 1.0}\n",
     11, 27, "events.x.table.true.nmed",
     "'nmed' is not one of the outcomes in levels (absent, named); did you mean 'named'?"),
    ("table_key_unknown_outcome", X + "  b:\n    given: [x]\n    table: {absent: 0.1, nmed: 0.5}\n",
     10, 26, "events.b.table.nmed",
     "key 'nmed' is not an outcome of 'x' (level 1 of the table; its outcomes are absent, "
     "named); did you mean 'named'?"),
    ("why_table_key_unknown_outcome", X + "  b:\n    given: [x]\n    table: {absent: 0.1, "
     "named: 0.5}\n    why_table: {absent: ok, nmed: x}\n",
     11, 29, "events.b.why_table.nmed", "did you mean 'named'?"),
    ("question_unknown_outcome", X + "questions:\n  q: x == nmed\n", 9, 11, "questions.q",
     "'nmed' is not an outcome of 'x'; did you mean 'named'? (its outcomes are absent, named)"),
    ("requires_unknown_outcome", X + "  b: {p: 0.5, requires: [x == nmed]}\n", 8, 31,
     "events.b.requires[0]", "'nmed' is not an outcome of 'x'; did you mean 'named'?"),
    ("given_unknown_outcome", X + "  b:\n    given: [x == nmed]\n    table: {true: 0.1, "
     "false: 0.5}\n", 9, 18, "events.b.given[0]", "did you mean 'named'?"),
    ("odds_unknown_outcome", X + "  b:\n    p: 0.3\n    odds: {x == nmed: 2}\n", 10, 17,
     "events.b.odds.x == nmed", "did you mean 'named'?"),
    ("in_unknown_outcome", X + "questions:\n  q: in(x, absent, nmed)\n", 9, 20, "questions.q",
     "did you mean 'named'?"),
    ("observation_unknown_outcome", X + "observations:\n  - {date: 2024-11-06, source: s, "
     "evidence: x == nmed}\nsources:\n  s: a source\n", 9, 50, "observations[0].evidence",
     "did you mean 'named'?"),
    ("absent_not_possible", "events:\n  x:\n    levels: {generic: 0.5, named: 0.5}\n"
     "questions:\n  q: x == absent\n", 9, 11, "questions.q",
     "'absent' is not an outcome of 'x' (its outcomes are generic, named)"),
    # levels where they do not belong, or with keys that do not go with them
    ("levels_in_format_1", V1 + X, 7, 5, "events.x.levels",
     "`levels` is format 3 (categorical outcomes); write `pactsim: 3`"),
    ("levels_in_format_2", V1.replace("pactsim: 1", "pactsim: 2") + X, 7, 5, "events.x.levels",
     "write `pactsim: 3` at the top of the file"),
    ("levels_with_p", "events:\n  x:\n    p: 0.3\n    levels: {absent: 0.5, named: 0.5}\n",
     7, 5, "events.x.p", "a categorical node's chances are its levels; drop p"),
    ("list_without_table", "events:\n  x:\n    levels: [absent, named]\n", 7, 5,
     "events.x.levels", "a list of outcomes needs given + table, with {outcome: probability}"),
    ("list_given_without_table", A + "  x:\n    levels: [absent, named]\n    given: [a]\n", 9, 5,
     "events.x.given", "given needs a table: nested keys in the order of given"),
    ("list_table_without_given", "events:\n  x:\n    levels: [absent, named]\n"
     "    table: {true: {absent: 1.0}, false: {absent: 1.0}}\n", 8, 5, "events.x.table",
     "a table needs given: the parents whose values key its rows"),
    ("dict_with_given_and_table", A + "  x:\n    levels: {absent: 0.5, named: 0.5}\n"
     "    given: [a]\n    table: {true: {absent: 1.0}, false: {absent: 1.0}}\n", 8, 5,
     "events.x.levels", "with given + table, write levels as a list of outcome names"),
    ("odds_without_absent", A + "  x:\n    levels: {generic: 0.5, named: 0.5}\n"
     "    odds: {a: 2}\n", 9, 5, "events.x.odds",
     "has no absent outcome: add `absent` to its levels"),
    ("levels_not_a_map_or_list", "events:\n  x:\n    levels: many\n", 7, 13, "events.x.levels",
     "= 'many' must be {outcome: probability} (e.g. levels: {absent: 0.2"),
    ("levels_item_not_a_name", A + "  x:\n    levels: [absent, 3]\n    given: [a]\n"
     "    table: {true: {absent: 1.0}, false: {absent: 1.0}}\n", 8, 22, "events.x.levels[1]",
     "= 3 is not an outcome name (outcomes are snake_case names"),
    # how many outcomes, and their names
    ("one_outcome", "events:\n  x:\n    levels: {named: 1.0}\n", 7, 13, "events.x.levels",
     "needs at least two outcomes (e.g. levels: {absent: 0.2, generic: 0.45, named: 0.35}); "
     "a node with one outcome is a binary node: write p"),
    ("no_outcome", "events:\n  x:\n    levels: {}\n", 7, 13, "events.x.levels",
     "needs at least two outcomes"),
    ("too_many_outcomes", "events:\n  x:\n    levels: {"
     + ", ".join(f"l{i}: 0" for i in range(MAX_LEVELS)) + f", l{MAX_LEVELS}: 1}}\n",
     7, 13, "events.x.levels",
     f"lists {MAX_LEVELS + 1} outcomes; at most {MAX_LEVELS} (MAX_LEVELS): group the rare ones"),
    ("outcome_not_snake_case", "events:\n  x:\n    levels: {Absent: 0.5, named: 0.5}\n", 7, 14,
     "events.x.levels.Absent", "outcome 'Absent' is not snake_case"),
    ("listed_outcome_not_snake_case", A + "  x:\n    levels: [absent, Named]\n    given: [a]\n"
     "    table: {true: {absent: 1.0}, false: {absent: 1.0}}\n", 8, 13, "events.x.levels",
     "outcome 'Named' is not snake_case (outcomes are named like nodes"),
    ("outcome_twice_in_list", A + "  x:\n    levels: [absent, named, named]\n    given: [a]\n"
     "    table: {true: {absent: 1.0}, false: {absent: 1.0}}\n", 8, 13, "events.x.levels",
     "lists an outcome twice: named"),
    ("outcome_twice_in_map", "events:\n  x:\n    levels: {absent: 0.5, named: 0.5, named: 0}\n",
     7, 39, "events.x.levels.named", "duplicate key 'named' (first at line 7"),
    # tables over a categorical parent
    ("missing_outcome_row", "events:\n  x:\n    levels: {absent: 0.2, generic: 0.3, named: 0.5}\n"
     "  b:\n    given: [x]\n    table: {absent: 0.1, named: 0.5}\n", 10, 5, "events.b.table",
     "missing combinations: x=generic (a table needs every combination of given)"),
    ("missing_absent_row_of_a_gated_clause", "pillars:\n  p:\n    p: 0.5\n    clauses:\n      c:\n"
     "        levels: {generic: 0.5, named: 0.5}\n  q:\n    given: [c]\n"
     "    table: {generic: 0.2, named: 0.4}\n", 13, 5, "pillars.q.table",
     "missing combinations: c=absent"),
    ("true_false_keys_for_a_categorical_parent", X + "  b:\n    given: [x]\n"
     "    table: {true: 0.1, false: 0.5}\n", 10, 5, "events.b.table",
     "missing combinations: x=absent; x=named"),
    ("too_wide_over_categorical_parents", "events:\n" + "".join(
        f"  p{j}:\n    levels: {{{', '.join(f'l{i}: 0.125' for i in range(8))}}}\n"
        for j in range(3)) + "  b:\n    given: [p0, p1, p2]\n    table: {}\n", 13, 5,
     "events.b.given", "these 3 parents have 512 combinations, worked out as 24 yes/no rows "
     "(2**24 = 16,777,216 cases); a table may take at most 16 (MAX_GIVEN)"),
    ("parent_twice", A + "  x:\n    levels: [absent, named]\n    given: [a, a]\n"
     "    table: {true: {absent: 1.0}, false: {absent: 1.0}}\n", 9, 12, "events.x.given",
     "'a' is listed twice"),
    # expressions
    ("outcome_of_a_binary_node", A + "questions:\n  q: a == named\n", 8, 11, "questions.q",
     "'a' is a yes/no node with no outcomes, so 'a == named' has no meaning; write 'a' or "
     "'not a'"),
    ("in_without_a_categorical", A + "questions:\n  q: in(a, named)\n", 8, 6, "questions.q",
     "in() takes a categorical node and its outcomes, as in 'in(instc, generic, named)'; "
     "'a' is not a categorical node"),
    ("in_without_outcomes", X + "questions:\n  q: in(x)\n", 9, 6, "questions.q",
     "in(x) needs at least one outcome after the node"),
    ("two_categoricals_compared", X + "  y:\n    levels: {absent: 0.5, named: 0.5}\n"
     "questions:\n  q: x == y\n", 11, 6, "questions.q",
     "cannot compare two categorical nodes in 'x == y'; compare each with an outcome, "
     "e.g. 'x == named and y == named'"),
    ("categorical_compared_with_a_binary_node", X + "  a: {p: 0.5}\nquestions:\n  q: x == a\n",
     10, 11, "questions.q", "to compare whether 'x' is present, write '(x != absent)'"),
    # dated keys
    ("categorical_with_by", X + "    by: {2025-06-01: 0.5}\n", 8, 5, "events.x.by",
     "a categorical node is not dated: put the timing on an event and condition the outcomes"),
    ("categorical_with_after", "signing:\n  by: {2025-06-01: 0.5}\n" + X
     + "    after: signing\n    delay: 10\n", 10, 5, "events.x.after",
     "a categorical node is not dated"),
    ("categorical_with_hazard_ratio", "signing:\n  by: {2025-06-01: 0.5}\n" + X
     + "    hazard_ratio: {signing: 2}\n", 10, 5, "events.x.hazard_ratio",
     "a categorical node is not dated"),
    ("categorical_parent_of_curves", X + "  d:\n    given: [x]\n    table:\n"
     "      true: {by: {2025-06-01: 0.5}}\n      false: {by: {2025-06-01: 0.7}}\n", 9, 13,
     "events.d.given[0]", "'x' is categorical; a table of curves conditions on true/false "
     "parents: write a condition such as \"x == named\""),
    ("levels_on_signing", "signing:\n  by: {2025-06-01: 0.5}\n  levels: {absent: 0.5, "
     "named: 0.5}\n", 7, 3, "signing.levels", "signing is true or false, with a date: it "
     "has no outcomes; drop levels"),
]


@pytest.mark.parametrize(("case", "body", "line", "column", "field", "fragment"), CASES,
                         ids=[c[0] for c in CASES])
def test_categorical_mistake_is_located_with_a_fix(case: str, body: str, line: int,
                                                   column: int, field: str,
                                                   fragment: str) -> None:
    text = body if body.startswith("pactsim:") else HEADER + body
    with pytest.raises(ScenarioError) as info:
        pactsim.loads(text, name="bad.yaml")
    matching = [p for p in info.value.problems if p.field == field]
    assert matching, f"no problem on field {field!r}: {info.value}"
    p = matching[0]
    assert (p.line, p.column) == (line, column), str(info.value)
    assert p.path == "bad.yaml"
    assert fragment in p.message, str(info.value)


def test_cases_are_distinct() -> None:
    assert len({c[0] for c in CASES}) == len(CASES) >= 40


def test_a_wrong_levels_value_is_one_problem_without_pydantic_names() -> None:
    with pytest.raises(ScenarioError) as info:
        pactsim.loads(HEADER + "events:\n  x:\n    levels: many\n")
    (problem,) = info.value.problems
    assert "dict[" not in str(problem) and "list[" not in str(problem)


def test_each_fixed_file_loads() -> None:
    """The fixes the messages suggest give files that load."""
    fixed = [
        X + "  a: {p: 0.5}\nquestions:\n  q: x == named\n  r: in(x, absent, named)\n"
        "  s: (x != absent) == a\n  t: x != named\n",
        A + "  x:\n    levels: [absent, named]\n    given: [a]\n"
        "    table: {true: {absent: 0.5, named: 0.5}, false: {absent: 1.0}}\n    odds: {a: 2}\n",
        X + "  d:\n    given: [x == named]\n    table:\n"
        "      true: {by: {2025-06-01: 0.5}}\n      false: {by: {2025-06-01: 0.7}}\n",
        "pillars:\n  p:\n    p: 0.5\n    clauses:\n      c:\n        levels: {generic: 0.5, "
        "named: 0.5}\n  q:\n    given: [c]\n    table: {absent: 0.1, generic: 0.2, named: 0.4}\n",
    ]
    for body in fixed:
        pactsim.loads(HEADER + body)


def _corridor(levels: str, questions: str) -> str:
    """A scenario of one categorical pillar, ``corridor``, and ``questions`` (lines)."""
    return ("pactsim: 3\nid: x\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
            "signing: {by: {2025-06-30: 0.5}}\npillars:\n  corridor:\n"
            f"    levels: {levels}\nquestions:\n{questions}")


def test_an_outcome_removed_under_a_question_of_its_name_is_not_a_cycle() -> None:
    """`named: corridor == named` once the outcome `named` is gone read `named` as the
    question itself: "dependency cycle named → named" (review-cli, 2026-12-04). It is the
    unknown outcome, as any other name there is."""
    text = _corridor("{absent: 0.2, generic: 0.8}",
                     "  named: corridor == named\n  other: corridor == nmed\n")
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(text, name="c.yaml")
    said = [str(p) for p in err.value.problems]
    assert said == [
        "c.yaml:10:22: questions.named: 'named' is not an outcome of 'corridor' (its outcomes "
        "are absent, generic)",
        "c.yaml:11:22: questions.other: 'nmed' is not an outcome of 'corridor' (its outcomes "
        "are absent, generic)"]
    # a true cycle through a question is still one
    with pytest.raises(ScenarioError, match="dependency cycle a → b → a"):
        pactsim.loads(text.replace("  other: corridor == nmed\n", "  a: b\n  b: a\n"))


@pytest.mark.parametrize(("condition", "words"), [
    ('odds: {"n > 3": 2}', "the condition 'n > 3' uses the numeric attribute 'n'"),
    ('given: ["c.date - signing.date"]\n    table: {true: 0.5, false: 0.2}',
     "the condition 'c.date - signing.date' is a number, not true/false"),
])
def test_a_conditions_own_mistake_is_said_beside_the_cycle_it_makes(condition: str,
                                                                    words: str) -> None:
    """Only the dependency cycle was reported, not the mistake in the condition the
    analyst had just written (review-cli, 2026-12-04)."""
    text = ("pactsim: 3\nid: x\nas_of: 2025-01-01\nhorizon: 2025-12-31\nevents:\n"
            "  c: {by: {2025-06-30: 0.5}}\n"
            f"  shock:\n    p: 0.5\n    {condition}\n"
            "signing:\n  by: {2025-06-30: 0.5}\n  hazard_ratio: {shock: 1.2}\n"
            "attributes:\n  n: {dist: {lognormal: {median: 40, p90: 60}}, requires: [signing]}\n")
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(text, name="c.yaml")
    said = [p.message for p in err.value.problems]
    assert any(words in m for m in said), said
    assert any(m.startswith("dependency cycle") for m in said), said


def test_an_outcome_outside_a_test_of_its_node_says_how_outcomes_are_named() -> None:
    """`corridor > generic` said only "unknown name 'generic'" (review-cli, 2026-12-04)."""
    text = _corridor("{absent: 0.2, generic: 0.5, named: 0.3}", "  q: corridor > generic\n")
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(text, name="c.yaml")
    assert str(err.value.problems[0]) == (
        "c.yaml:10:17: questions.q: unknown name 'generic': 'generic' is an outcome of "
        "'corridor', named only in 'corridor == generic', 'corridor != generic' or "
        "'in(corridor, generic, ...)'")


def test_why_table_without_a_table_on_a_categorical_node_speaks_of_its_levels() -> None:
    """It said "write the rationale of p in why" of a node that has levels, not p."""
    text = ("pactsim: 3\nid: x\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
            "signing: {by: {2025-06-30: 0.5}}\npillars:\n  corridor:\n"
            "    levels: {absent: 0.2, generic: 0.8}\n    why_table: {generic: x}\n")
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(text, name="c.yaml")
    assert err.value.problems[0].message.endswith(
        "this node has no given + table (write the rationale of its levels in why)")
