"""``pactsim check --ignore RULE``: a rule's findings left out, the exit status from
the rest, and a rule name that does not exist refused before any file is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import call
from pactsim.analysis.check import RULES

# two findings, each of one rule: a driver nothing uses, and an event whose every row is 0
FILE = """\
pactsim: 1
id: chk
as_of: 2025-01-01
horizon: 2025-12-31
drivers:
  mood: {dist: normal, mean: 0, sd: 1}
events:
  a: {p: 0.5}
  b:
    given: [a]
    table: {true: 0.0, false: 0.0}
"""


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "chk.yaml"
    p.write_text(FILE, encoding="utf-8")
    return p


def _rules(out: str) -> list[str]:
    return [line.rsplit("[", 1)[1].rstrip("]") for line in out.splitlines() if "[" in line]


def test_without_ignore_both_findings_and_status_1(capsys: pytest.CaptureFixture[str],
                                                   path: Path) -> None:
    code, out, _ = call(capsys, "check", path)
    assert (code, _rules(out)) == (1, ["unused-driver", "never-true"])


def test_one_rule_ignored_leaves_the_other(capsys: pytest.CaptureFixture[str],
                                           path: Path) -> None:
    code, out, _ = call(capsys, "check", "--ignore", "unused-driver", path)
    assert (code, _rules(out)) == (1, ["never-true"])
    assert "events.b" in out and "drivers.mood" not in out
    assert out.splitlines()[-1] == f"{path}: 1 more ignored"  # said, as when none is left


@pytest.mark.parametrize("args", [("--ignore", "never-true,unused-driver"),
                                  ("--ignore", "never-true", "--ignore", "unused-driver"),
                                  ("--ignore", " unused-driver , never-true ")])
def test_every_finding_ignored_is_status_0_and_says_how_many(
        capsys: pytest.CaptureFixture[str], path: Path, args: tuple[str, ...]) -> None:
    code, out, _ = call(capsys, "check", *args, path)
    assert (code, out) == (0, f"{path}: no findings (2 ignored)\n")


@pytest.mark.parametrize("bad", ["nope", "never-true,nope", ","])
def test_an_unknown_rule_is_refused_with_the_list(capsys: pytest.CaptureFixture[str],
                                                  path: Path, bad: str) -> None:
    code, out, err = call(capsys, "check", "--ignore", bad, path)
    assert (code, out) == (2, "")
    assert ("unknown rule 'nope'" if "nope" in bad else "no rule given") in err
    assert all(rule in err for rule in RULES)


def test_help_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "check", "--help")
    assert code == 0
    out = " ".join(out.split())  # (a rule name is never broken at its hyphen)
    assert all(rule in out for rule in RULES)
