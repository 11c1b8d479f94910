"""`pactsim sensitivity FILE [-q Q]` and the report's "What drives it", called in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import call

ROOT = Path(__file__).parents[2]
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"
TWO = ("pactsim: 1\nid: two\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
       "events:\n  a: {p: {between: [0.2, 0.6]}}\n  b: {p: 0.5}\n"
       "questions:\n  both: a and b\n  n: count(a, b)\n")


@pytest.fixture
def two(tmp_path: Path) -> Path:
    path = tmp_path / "two.yaml"
    path.write_text(TWO)
    return path


def test_help(capsys):
    code, out, _err = call(capsys, "sensitivity", "--help")
    assert code == 0
    for word in ("--question", "--top", "--format", "-n N", "--seed", "examples:",
                 "log-odds", "Exit status"):
        assert word in out


def test_text_output(two, capsys):
    code, out, err = call(capsys, "sensitivity", two, "-q", "both")
    assert code == 0, err
    assert "question: P(both) = " in out and "method: exact inference (no noise)" in out
    rows = [line.split() for line in out.splitlines() if line.startswith(("  a.p", "  b.p"))]
    assert [r[0] for r in rows] == ["a.p", "b.p"]
    assert rows[0][1:4] == ["0.2", "..", "0.6"] and rows[0][-4:] == ["10.0%", "30.0%", "20.0",
                                                                      "pp"]
    assert "What to watch" in out


def test_json_to_a_file_with_monte_carlo(two, tmp_path, capsys):
    dest = tmp_path / "s.json"
    code, out, err = call(capsys, "sensitivity", two, "-q", "both", "--method", "mc", "-n",
                          "4000", "--seed", "3", "--format", "json", "-o", dest)
    assert code == 0 and out == "" and err.strip() == f"wrote {dest}"
    data = json.loads(dest.read_text())
    assert data["run"] == {**data["run"], "method": "mc", "n": 4000, "seed": 3}
    assert all(r["method"] == "mc" and r["stderr"] > 0 for r in data["tornado"])
    code, _out, _err = call(capsys, "sensitivity", two, "-q", "both", "--method", "mc", "-n",
                            "4000", "--seed", "3", "--format", "json", "-o", tmp_path / "t.json")
    assert (tmp_path / "t.json").read_text() == dest.read_text()  # same seed, same answer


def test_errors_are_one_line_and_exit_2(two, tmp_path, capsys):
    before = two.read_text()
    code, _out, err = call(capsys, "sensitivity", two, "-q", "both", "-o", two)
    assert code == 2 and "input" in err and two.read_text() == before
    code, _out, err = call(capsys, "sensitivity", two, "-q", "nowhere")
    assert code == 2 and "unknown name 'nowhere'" in err and len(err.strip().splitlines()) == 1
    code, _out, err = call(capsys, "sensitivity", two, "-q", "n")
    assert code == 2 and "true/false" in err and len(err.strip().splitlines()) == 1
    code, _out, err = call(capsys, "sensitivity", tmp_path / "missing.yaml", "-q", "both")
    assert code == 2 and len(err.strip().splitlines()) == 1
    code, _out, err = call(capsys, "sensitivity", two, "-q", "both", "-q", "both")
    assert code == 2 and "given twice" in err.strip().splitlines()[-1]
    code, _out, err = call(capsys, "sensitivity", two, "-q", "both", "--top", "0")
    assert code == 2 and "at least 1" in err


def test_flagship_end_to_end(capsys):
    code, out, err = call(capsys, "sensitivity", FLAGSHIP, "-q", "signed_by_2024", "--top", "3")
    assert code == 0, err
    first = next(line for line in out.splitlines() if line.startswith("  signing."))
    assert first.split()[0] == "signing.by.2024-12-31"  # the December point drives it
    assert "us_trump_win" in out.split("What to watch")[1].splitlines()[2]  # context first
    code, out, err = call(capsys, "sensitivity", FLAGSHIP, "-q", "in_force.median",
                          "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["statistic"] == "median" and data["voi"] == []
    assert data["value"] == "2025-08-19" and data["tornado"][0]["swing"] > 0


def test_report_has_what_drives_it(two, tmp_path, capsys):
    dest = tmp_path / "r.html"
    code, _out, err = call(capsys, "report", two, "-n", "2000", "--seed", "1", "-o", dest,
                           "-q", "both")
    assert code == 0, err
    page = dest.read_text()
    questions, drives = page.index("<h2>Questions</h2>"), page.index("<h2>What drives it</h2>")
    assert questions < drives
    assert page.index("<h2>", questions + 1) == drives  # right after the questions
    assert "tornado of both" in page and "What to watch" in page


def test_without_a_question_the_first_true_false_one(two, tmp_path, capsys):
    """Without -q, the first true/false question (as the report and the Python API take
    it): the same output as -q naming it. A file whose first question is a count takes
    the first true/false one after it."""
    code, out, err = call(capsys, "sensitivity", two)
    assert code == 0, err
    _, named, _ = call(capsys, "sensitivity", two, "-q", "both")
    assert out == named and "question: P(both) = " in out
    counted_first = tmp_path / "counted.yaml"
    counted_first.write_text(TWO.replace("  both: a and b\n  n: count(a, b)\n",
                                         "  n: count(a, b)\n  only_b: b and not a\n"))
    code, out, err = call(capsys, "sensitivity", counted_first)
    assert code == 0, err
    assert "question: P(only_b) = " in out
