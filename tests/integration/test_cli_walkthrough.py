"""The command line as a demanding new user meets it: mistakes caught before any work,
files of the wrong kind named as such, analysts' files with the same name pooled,
and help that explains every option."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from helpers import call
from pactsim.cli import build_parser

ROOT = Path(__file__).parents[2]
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"
SMALL = ROOT / "scenarios" / "analytic-independent.yaml"
RESOLUTIONS = ROOT / "scenarios" / "backtest" / "iran-russia-2024.resolutions.yaml"


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail the test if a Monte Carlo run starts: the mistake must be caught before."""
    import pactsim.montecarlo

    def refuse(*args, **kwargs):
        raise AssertionError("simulate() ran before the mistake was reported")

    monkeypatch.setattr(pactsim.montecarlo, "simulate", refuse)


def test_report_refuses_a_bad_compare_file_before_simulating(tmp_path, capsys, no_simulation):
    bad = tmp_path / "old.yaml"
    bad.write_text("pactsim: 1\nid: t\nas_of: 2024-11-05\nhorizon: 2025-12-31\n"
                   "events:\n  a: {pp: 0.3}\n")
    out = tmp_path / "page.html"
    code, _, err = call(capsys, "report", SMALL, "--compare", bad, "-o", out, "-n", "1000")
    assert code == 2
    assert f"{bad}:6:" in err and "'pp'" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(("question", "words"), [
    ("nonsense_q", "unknown name 'nonsense_q'"),
    ("exactly_one_of", "unknown name"),
    ("a.median", "'a' is not a dated node"),
    ("  ", "--question is empty"),
])
def test_report_refuses_a_bad_question_before_simulating(tmp_path, capsys, no_simulation,
                                                         question, words):
    out = tmp_path / "page.html"
    code, _, err = call(capsys, "report", SMALL, "-q", question, "-o", out, "-n", "1000")
    assert code == 2
    assert words in err and "--question" in err and "Traceback" not in err
    assert not out.exists()


def test_report_question_check_lets_good_questions_through(tmp_path, capsys):
    out = tmp_path / "page.html"
    code, _, err = call(capsys, "report", SMALL, "-q", "d or e", "-o", out, "-n", "2000",
                        "--seed", "1")
    assert code == 0, err
    assert out.stat().st_size > 0


def test_pool_tells_apart_analysts_whose_files_have_one_name(tmp_path, capsys):
    for who in ("alice", "bob"):
        (tmp_path / who).mkdir()
        shutil.copy(SMALL, tmp_path / who / "scenario.yaml")
    code, out, err = call(capsys, "pool", tmp_path / "alice" / "scenario.yaml",
                          tmp_path / "bob" / "scenario.yaml")
    assert code == 0, err
    assert "alice/scenario" in out and "bob/scenario" in out


def test_pool_of_one_file_twice_is_refused(capsys):
    """One analyst's file twice would count twice (it was numbered and pooled)."""
    code, out, err = call(capsys, "pool", SMALL, SMALL, "--weights", "2,1")
    assert (code, out) == (2, "")
    assert "are the same file; give each analyst's file once" in err


@pytest.mark.parametrize(("weights", "words"), [
    ("1", "1 weight for 2 files"),
    ("1,2,3", "3 weights for 2 files"),
    ("1,-1", "numbers >= 0"),
    ("nan,1", "numbers >= 0"),
    ("1e400,1", "numbers >= 0"),
    ("0,0", "every weight is 0"),
    ("1,,2", "numbers >= 0"),
])
def test_pool_weights_are_checked_by_the_option_name(capsys, weights, words):
    code, out, err = call(capsys, "pool", SMALL, SMALL, "--weights", weights)
    assert code == 2 and out == ""
    assert err.startswith("--weights ") and words in err and "pool()" not in err


def test_pool_of_one_file_says_so_in_cli_terms(capsys):
    code, _, err = call(capsys, "pool", SMALL)
    assert code == 2
    assert "give two or more scenario files" in err and "pool()" not in err


def test_score_with_resolutions_first_explains_the_order(capsys):
    code, _, err = call(capsys, "score", "-r", RESOLUTIONS, FLAGSHIP)
    assert code == 2
    assert "give the scenario files first" in err and "--" in err


def test_score_with_resolutions_first_and_a_double_dash_works(capsys):
    code, out, err = call(capsys, "score", "-r", RESOLUTIONS, "--", FLAGSHIP)
    assert code == 0, err
    assert "signing" in out


@pytest.mark.parametrize("swap", ["resolution as scenario", "scenario as resolution"])
def test_score_names_a_file_of_the_wrong_kind(capsys, swap):
    args = ([RESOLUTIONS, "-r", RESOLUTIONS] if swap == "resolution as scenario"
            else [FLAGSHIP, "-r", FLAGSHIP])
    code, _, err = call(capsys, "score", *args)
    assert code == 2
    assert err.count("\n") == 1  # one line, not one per unknown key
    wrong = "is a resolution file" if swap == "resolution as scenario" else "is a scenario file"
    assert wrong in err


def test_validate_and_check_take_a_resolution_file(capsys):
    for command in ("validate", "check"):
        code, out, err = call(capsys, command, RESOLUTIONS)
        assert code == 0, err
        assert out == f"{RESOLUTIONS}: ok (a resolution file; `pactsim score` checks its " \
                      "names against the scenario)\n"


def test_validate_reports_a_broken_resolution_file_located(tmp_path, capsys):
    bad = tmp_path / "r.yaml"
    bad.write_text("resolutions: 1\nscenario: x\noutcomes:\n  a: {outcom: true}\n")
    code, out, err = call(capsys, "validate", bad)
    assert code == 2 and out == ""
    assert err.startswith(f"{bad}:4:") and "outcom" in err


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_option_and_argument_is_explained_with_examples(name):
    p = _subcommands()[name]
    unexplained = [a.option_strings or a.dest for a in p._actions
                   if not a.help or a.help == argparse.SUPPRESS]
    assert unexplained == []
    assert "examples:\n  pactsim " + name in (p.description or "")


@pytest.mark.parametrize(("command", "spelling"), [("run", "text"), ("score", "text"),
                                                   ("diff", "table")])
def test_the_text_output_takes_either_name(capsys, command, spelling):
    args = {"run": [SMALL, "-n", "1000", "--seed", "1"],
            "score": [FLAGSHIP, "-r", RESOLUTIONS],
            "diff": [SMALL, SMALL]}[command]
    code, out, err = call(capsys, command, *args, "--format", spelling)
    assert code == 0, err
    code2, out2, _ = call(capsys, command, *args)
    assert code2 == 0 and out == out2


def test_history_takes_format_json_like_json(capsys):
    news = ROOT / "scenarios" / "variants" / "iran-russia-2024-news.yaml"
    code, out, err = call(capsys, "history", news, "--format", "json", "-q", "signed_by_2024")
    assert code == 0, err
    code2, out2, _ = call(capsys, "history", news, "--json", "-q", "signed_by_2024")
    assert code2 == 0 and json.loads(out) == json.loads(out2)


def test_spread_with_a_machine_format_says_it_is_not_there(capsys):
    code, out, err = call(capsys, "run", FLAGSHIP, "-n", "1000", "--seed", "1",
                          "--format", "json", "--spread", "20")
    assert code == 0
    assert "--spread is shown in the table format only" in err
    assert json.loads(out)["run"]["n"] == 1000


def test_a_bad_spread_names_the_option_once(capsys):
    code, _, err = call(capsys, "run", SMALL, "--spread", "-1")
    assert code == 2
    assert "argument --spread: must be from 0 to 1,000,000, not '-1'" in err


@pytest.mark.parametrize("command", [["run", str(SMALL)], ["schema"], ["diff", str(SMALL),
                                                                       str(SMALL)]])
def test_an_empty_out_names_the_option(capsys, command):
    code, out, err = call(capsys, *command, "-o", "")
    assert code == 2 and out == ""
    assert err.startswith("--out is empty")


def test_calibration_with_a_machine_format_says_it_is_not_there(capsys):
    code, out, err = call(capsys, "score", FLAGSHIP, "-r", RESOLUTIONS, "--format", "json",
                          "--calibration")
    assert code == 0, err
    assert "--calibration is shown in the table format only" in err
    assert json.loads(out)["run"]["n"] > 0


def test_check_shows_an_unprintable_file_name_escaped(tmp_path, capsys):
    odd = tmp_path / "odd\x1b[31mname.yaml"
    shutil.copy(SMALL, odd)
    code, out, err = call(capsys, "check", odd)
    assert code == 0, err
    assert out.endswith(": no findings\n") and "\x1b" not in out


@pytest.mark.parametrize("name", ["", *sorted(_subcommands())])
def test_help_fits_an_80_column_terminal(capsys, monkeypatch, name):
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = call(capsys, *([name] if name else []), "--help")
    assert code == 0 and "usage: pactsim" in out
    assert [line for line in out.splitlines() if len(line) > 80] == []


def test_pool_of_different_agreements_names_each_file_and_id(capsys):
    other = ROOT / "scenarios" / "analytic-gates.yaml"
    code, out, err = call(capsys, "pool", SMALL, other)
    assert code == 2 and out == ""
    assert f"{SMALL} is 'analytic-independent'" in err and f"{other} is 'analytic-gates'" in err
    assert "pool()" not in err


@pytest.mark.parametrize("command", ["report", "sensitivity"])
def test_a_single_question_given_twice_is_refused(capsys, command):
    code, _, err = call(capsys, command, SMALL, "-q", "a", "-q", "b")
    assert code == 2
    assert "argument -q/--question: takes one question; given twice" in err
