"""What a command-line user reads when exact inference refuses a scenario: the reason
(naming the nodes), and with ``--method exact`` how to get an answer anyway;
``--method auto`` answers by Monte Carlo, and ``check`` notes the skipped checks
without an empty field."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import call

# two anchors, each timed by its own curve: exact inference refuses the milestone
FILE = """\
pactsim: 2
id: twocurves
as_of: 2025-01-01
horizon: 2025-12-31
events:
  a: {by: {2025-06-30: 0.5}}
  b: {by: {2025-06-30: 0.5}}
  m: {after: {all: [a, b]}, delay: 30}
"""


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "twocurves.yaml"
    p.write_text(FILE, encoding="utf-8")
    return p


def test_method_exact_says_why_and_what_to_use(capsys: pytest.CaptureFixture[str],
                                               path: Path) -> None:
    code, out, err = call(capsys, "history", path, "-q", "m", "--method", "exact")
    assert (code, out) == (2, "")
    assert "'m' follows 'a', 'b', each timed by its own curve" in err
    assert "--method auto, the default, answers by Monte Carlo" in err
    assert err.count("\n") == 1  # one line


def test_method_auto_answers_by_monte_carlo(capsys: pytest.CaptureFixture[str],
                                            path: Path) -> None:
    code, out, err = call(capsys, "history", path, "-q", "m")
    assert code == 0 and "m" in out
    assert "--method auto" not in err  # the hint is for --method exact only


def test_check_notes_the_skip_for_the_whole_file(capsys: pytest.CaptureFixture[str],
                                                 path: Path) -> None:
    code, out, _ = call(capsys, "check", path)
    assert code == 0  # a skipped check is a note
    line, = out.splitlines()
    assert line.startswith(f"{path}:1:1: exact checks skipped: exact inference handles")
    assert line.endswith("[exact-skipped]") and ": :" not in line
