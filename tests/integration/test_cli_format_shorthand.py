"""``--json`` and ``--csv`` are ``--format json`` and ``--format csv`` on every command
that writes them (only ``history`` took ``--json`` before, and ``run --json`` was an
error naming neither)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import call

GATES = Path(__file__).resolve().parents[2] / "scenarios" / "analytic-gates.yaml"


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_run_shorthand_is_the_same_output(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    args = ["run", GATES, "-n", "2000", "--seed", "3", "--spread", "0"]
    long = call(capsys, *args, "--format", fmt)
    short = call(capsys, *args, f"--{fmt}")
    assert long[0] == 0 and short == long


def test_every_command_with_json_takes_the_shorthand(capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    from pactsim.cli import build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    with_json = [name for name, sub in commands.items()
                 if any("json" in (a.choices or ()) for a in sub._actions
                        if a.dest == "format")]
    assert {"run", "diff", "history"} <= set(with_json)
    for name in with_json:
        flags = {o for a in commands[name]._actions for o in a.option_strings}
        assert "--json" in flags, name


@pytest.mark.parametrize(("flags", "said"), [
    (["--json", "--csv"], "--json and --csv ask for two output formats; give one"),
    (["--csv", "--format", "json"], "--csv and --format json ask for two output formats"),
])
def test_two_formats_are_refused(capsys: pytest.CaptureFixture[str], flags: list[str],
                                 said: str) -> None:
    code, out, err = call(capsys, "run", GATES, "-n", "100", *flags)
    assert (code, out) == (2, "") and said in err


def test_the_same_format_twice_is_fine(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "run", GATES, "-n", "100", "--seed", "1", "--json",
                        "--format", "json")
    assert code == 0 and out.startswith("{")


@pytest.mark.parametrize("n", ["1", "19"])
def test_spread_of_too_few_draws_is_refused(capsys: pytest.CaptureFixture[str], n: str
                                           ) -> None:
    """One parameter draw has no band, and was printed as "no spread" (a fuzz review)."""
    code, out, err = call(capsys, "run", GATES, "-n", "100", "--spread", n)
    assert (code, out) == (2, "")
    assert f"{n} parameter draws are too few for an 80% band: give at least 20" in err
