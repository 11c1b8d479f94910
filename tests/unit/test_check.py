"""`pactsim check`: findings beyond validity, each located and explained."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import pactsim
from pactsim.analysis.check import check

HEADER = "pactsim: 1\nid: t\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"

CASES = [
    ("requires_and_excludes_transitively",
     "events:\n  a: {p: 0.5}\n  b: {p: 0.5, requires: [a]}\n  c: {p: 0.5, requires: [b], excludes: [a]}\n",
     "never-true", 8, "events.c", "can never be true"),
    ("requires_a_dead_node",
     "events:\n  a: {p: 0}\n  b: {p: 0.5, requires: [a]}\n", "never-true", 7, "events.b",
     "requires 'a', which can never be true"),
    ("excludes_a_sure_node",
     "events:\n  a: {p: 1}\n  b: {p: 0.5, excludes: [a]}\n", "never-true", 7, "events.b",
     "excludes 'a', which is always true"),
    ("always_true", "events:\n  a: {p: 1}\n", "always-true", 6, "events.a", "always true"),
    ("unreachable_row",
     "events:\n  a: {p: 0.5}\n  b: {p: 0.5, requires: [a]}\n  c:\n    given: [a, b]\n    table:\n"
     "      true: {true: 0.1, false: 0.2}\n      false: {true: 0.3, false: 0.4}\n",
     "unreachable-row", 12, "events.c.table.false.true", "a=false, b=true can never be reached"),
    ("constant_question", "events:\n  a: {p: 0.5}\nquestions:\n  q: a or not a\n",
     "constant-question", 8, "questions.q", "always true"),
    ("constant_count", "events:\n  a: {p: 1}\nquestions:\n  q: count(a)\n",
     "constant-question", 8, "questions.q", "always equals 1"),
    ("unused_driver", "drivers:\n  d: {dist: normal, mean: 0, sd: 1}\nevents:\n  a: {p: 0.5}\n",
     "unused-driver", 6, "drivers.d", "not used by any odds or question"),
    ("unused_source", "sources:\n  edm: x\nevents:\n  a: {p: 0.5}\n", "unused-source", 6,
     "sources.edm", "not cited"),
]


@pytest.mark.parametrize(("case", "body", "rule", "line", "field", "fragment"), CASES,
                         ids=[c[0] for c in CASES])
def test_finding(case, body, rule, line, field, fragment):
    sc = pactsim.loads(HEADER + body, name="c.yaml")
    found = [f for f in check(sc) if f.rule == rule and f.field == field]
    assert found, check(sc)
    f = found[0]
    assert (f.path, f.line, f.field) == ("c.yaml", line, field), str(f)
    assert fragment in f.message
    assert str(f).startswith(f"c.yaml:{line}:") and str(f).endswith(f"[{rule}]")


def test_clean_scenario_has_no_findings():
    sc = pactsim.loads(HEADER + "sources:\n  s: x\nevents:\n  a: {p: 0.5, source: s}\n"
                       "  b: {p: 0.5, requires: [a]}\nquestions:\n  q: a and b\n")
    assert check(sc) == []


ROOT = Path(__file__).parents[2]


def test_cli_exit_codes(tmp_path):
    def run(*files):
        return subprocess.run([sys.executable, "-m", "pactsim.cli", "check", *map(str, files)],
                              capture_output=True, text=True, timeout=120)

    clean = run(*sorted((ROOT / "scenarios").glob("*.yaml")))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    f = tmp_path / "lint.yaml"
    f.write_text(HEADER + "events:\n  a: {p: 1}\n")
    found = run(f)
    assert found.returncode == 1
    assert found.stdout.startswith(f"{f}:6:3: events.a: 'a' is always true")
    bad = tmp_path / "bad.yaml"
    bad.write_text("pactsim: 1\n")
    assert run(bad).returncode == 2


def test_question_too_wide_for_exact_is_skipped_not_fatal():
    roots = "\n".join(f"  r{i}: {{p: 0.5}}" for i in range(30))
    names = ", ".join(f"r{i}" for i in range(30))
    # any() of 30 nodes needs their joint law (2**30 configurations): too wide
    sc = pactsim.loads(HEADER + f"events:\n{roots}\n  z: {{p: 1}}\nquestions:\n"
                       f"  q: any({names})\n", name="w.yaml")
    found = check(sc)
    assert [(f.rule, f.field) for f in found] == [("always-true", "events.z"),
                                                   ("exact-skipped", "questions.q")]
    assert "not checked for being constant" in found[1].message
    # a count of the same 30 nodes is answered exactly (a chain of count variables), so
    # it is checked, and nothing is found: it is neither constant nor too wide
    sc = pactsim.loads(HEADER + f"events:\n{roots}\n  z: {{p: 1}}\nquestions:\n"
                       f"  q: at_least(15, {names})\n", name="w.yaml")
    assert [(f.rule, f.field) for f in check(sc)] == [("always-true", "events.z")]


DRIVERS = ("drivers:\n  a: {dist: normal, mean: 0, sd: 1}\n  b: {dist: uniform, low: -1, high: 1}\n"
           "events:\n  e: {p: 0.5, odds: {a: 2, b: 3}}\n")


def test_question_comparing_two_drivers_is_skipped_not_fatal():
    """Exact inference compares a driver only with a number; the lint goes on."""
    sc = pactsim.loads(HEADER + DRIVERS + "questions:\n  q: a > b\n  k: count(e, a < b)\n"
                       "  z: e or not e\n", name="d.yaml")
    found = [(f.rule, f.field) for f in check(sc)]
    assert found == [("exact-skipped", "questions.q"), ("exact-skipped", "questions.k"),
                     ("constant-question", "questions.z")]
    skipped = check(sc)[0]
    assert "not checked for being constant" in skipped.message
    assert "'a > b' needs Monte Carlo" in skipped.message
    assert str(skipped).startswith("d.yaml:11:3: questions.q: ")


def test_a_row_too_wide_for_exact_is_skipped_not_fatal(monkeypatch):
    from pactsim.errors import ModelTooWideError
    from pactsim.results.exact import ExactResults

    real = ExactResults.prob

    def prob(self, expr, *args, **kwargs):
        if expr.startswith(("a and", "not a and")):  # the rows of c's table
            raise ModelTooWideError("too wide (stand-in)", width=40)
        return real(self, expr, *args, **kwargs)

    monkeypatch.setattr(ExactResults, "prob", prob)
    sc = pactsim.loads(HEADER + "events:\n  a: {p: 0.5}\n  b: {p: 0.5}\n  c:\n    given: [a, b]\n"
                       "    table:\n      true: {true: 0.1, false: 0.2}\n"
                       "      false: {true: 0.3, false: 0.4}\n  d: {p: 1}\n", name="r.yaml")
    found = check(sc)
    assert [(f.rule, f.field) for f in found] == [("exact-skipped", "events.c.table"),
                                                   ("always-true", "events.d")]
    assert "table rows not checked for being reachable: too wide (stand-in)" in found[0].message


def test_cli_goes_on_after_a_question_exact_inference_cannot_answer(tmp_path):
    first = tmp_path / "drivers.yaml"
    first.write_text(HEADER + DRIVERS + "questions:\n  q: a > b\n")
    second = tmp_path / "lint.yaml"
    second.write_text(HEADER + "events:\n  a: {p: 1}\n")
    out = subprocess.run([sys.executable, "-m", "pactsim.cli", "check", str(first), str(second)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1, out.stdout + out.stderr
    assert f"{first}:11:3: questions.q: not checked for being constant" in out.stdout
    assert f"{second}:6:3: events.a: 'a' is always true" in out.stdout
    assert "Traceback" not in out.stderr


def test_observations_are_not_linted_as_modelling_mistakes():
    """A file's news settles nodes (us_trump_win is observed true): check lints the
    model as written, so it does not call them constant."""
    from pathlib import Path

    news = Path(__file__).parents[2] / "scenarios" / "variants" / "iran-russia-2024-news.yaml"
    sc = pactsim.load(news)
    rules = {(f.rule, f.field) for f in check(sc)}
    base = {(f.rule, f.field) for f in check(sc.with_changes(observations=[]))}
    assert rules == base
    assert not any("us_trump_win" in field for _rule, field in rules)


# -- categorical nodes (format 3) -------------------------------------------------------

HEADER3 = HEADER.replace("pactsim: 1", "pactsim: 3")


@pytest.mark.parametrize(
    ("body", "line", "field", "fragment"),
    [
        ("events:\n  z:\n    levels: {absent: 0.5, named: 0.5, generic: 0}\n", 7,
         "events.z.levels.generic",
         "outcome 'generic' of 'z' can never happen (P = 0): its probability is 0; remove it"),
        ("events:\n  a: {p: 0.5}\n  w:\n    levels: [absent, treaty, programme]\n"
         "    given: [a]\n    table:\n      true: {absent: 0.5, treaty: 0.5}\n"
         "      false: {absent: 0.5, treaty: 0.5}\n", 8, "events.w.levels[2]",
         "outcome 'programme' of 'w' can never happen (P = 0): its probability is 0 in every row"),
        ("events:\n  a: {p: 0.5}\n  b: {p: 0.5, excludes: [a]}\n  w:\n"
         "    levels: [absent, treaty, programme]\n    given: [a, b]\n    table:\n"
         "      true: {true: {treaty: 1.0}, false: {absent: 0.5, programme: 0.5}}\n"
         "      false: {true: {programme: 1.0}, false: {absent: 1.0}}\n", 9,
         "events.w.levels[1]", "the rows that give it a chance can never be reached"),
    ],
)
def test_an_outcome_that_can_never_happen(body: str, line: int, field: str,
                                          fragment: str) -> None:
    findings = [f for f in check(pactsim.loads(HEADER3 + body)) if f.rule == "never-outcome"]
    assert [(f.line, f.field) for f in findings] == [(line, field)]
    assert fragment in findings[0].message


def test_outcomes_that_can_happen_and_rows_over_outcomes_are_not_findings() -> None:
    body = ("events:\n  x:\n    levels: {absent: 0.2, generic: 0.45, named: 0.35}\n"
            "  b:\n    given: [x]\n    table: {absent: 0.1, generic: 0.3, named: 0.9}\n")
    assert check(pactsim.loads(HEADER3 + body)) == []


def test_an_unreachable_outcome_row_is_located_at_its_key() -> None:
    body = ("events:\n  x:\n    levels: {absent: 0.5, named: 0.5, generic: 0}\n"
            "  b:\n    given: [x]\n    table: {absent: 0.1, generic: 0.3, named: 0.9}\n")
    rows = [f for f in check(pactsim.loads(HEADER3 + body)) if f.rule == "unreachable-row"]
    assert [(f.field, f.line) for f in rows] == [("events.b.table.generic", 10)]
    assert "x=generic can never be reached" in rows[0].message


def test_a_categorical_node_that_cannot_be_absent_is_not_always_true() -> None:
    body = ("events:\n  x:\n    levels: {generic: 0.5, named: 0.5}\n"
            "  y:\n    levels: {absent: 0, generic: 0.5, named: 0.5}\n")
    found = [(f.rule, f.field) for f in check(pactsim.loads(HEADER3 + body))]
    # x has no absent outcome (its outcomes vary: nothing to say); y lists one it never takes
    assert found == [("never-outcome", "events.y.levels.absent")]


@pytest.mark.parametrize(("after", "why"), [
    ("r", "it follows 'r', which can never happen"),
    ("{all: [r, signing]}", "it follows 'r', which can never happen"),
    ("{at_least: 2, of: [r, s, signing]}", "it needs 2 of its anchors and only 1 can happen"),
])
def test_a_milestone_that_cannot_happen_says_which_anchor(after: str, why: str) -> None:
    """A milestone without p after an anchor that can never happen: the cause is the
    anchor (it said 'its probability is 0 wherever it can be drawn', though its own
    chance is 1)."""
    text = ("pactsim: 2\nid: t\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
            "signing:\n  by: {2025-06-30: 0.5}\nevents:\n"
            "  r: {after: signing, delay: 10, p: 0}\n  s: {after: signing, delay: 10, p: 0}\n"
            f"  f: {{after: {after}, delay: 30}}\n")
    (found,) = [f for f in check(pactsim.loads(text)) if f.field == "events.f"]
    assert found.rule == "never-true"
    assert found.message == f"'f' can never be true (P = 0): {why}"
