"""The `pactsim` command line, called in-process (`pactsim.cli.main`) except where a
real process is the point (the console script, tracebacks, exit at interpreter level).

Files and signals have their own modules: test_cli_files.py, test_cli_signals.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from helpers import call
from pactsim.cli import main

ROOT = Path(__file__).parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"
SMALL = ROOT / "scenarios" / "analytic-independent.yaml"



def test_every_shipped_scenario_validates(capsys):
    code, out, err = call(capsys, "validate", *SCENARIOS)
    assert code == 0, err
    assert out.count(": ok") == len(SCENARIOS) >= 4


def test_invalid_file_gives_one_line_per_problem_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("pactsim: 1\nid: t\nas_of: 2024-11-05\nhorizon: 2025-12-31\n"
                   "events:\n  a: {p: 1.3}\n  b: {p: 0.5, requires: [zz]}\n")
    code, out, err = call(capsys, "validate", bad, FLAGSHIP)
    assert code == 2
    assert err.strip().splitlines() == [
        f"{bad}:6:10: events.a.p: = 1.3 must be in [0, 1] (a probability; e.g. 0.3 for 30%)",
        f"{bad}:7:26: events.b.requires[0]: unknown name 'zz' (in requires)",
    ]
    assert out.strip() == f"{FLAGSHIP}: ok"


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00bad", b"- a\n- b\n", b"a: [\n",
                                     b"a: &x [*x]\n"])
def test_hostile_or_broken_input_is_a_located_message(tmp_path, capsys, content):
    f = tmp_path / "x.yaml"
    f.write_bytes(content)
    code, _, err = call(capsys, "validate", f)
    assert code == 2
    assert err.startswith(f"{f}:")


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_shows_the_traceback_and_keeps_the_exit_status(tmp_path, capsys, where):
    """--debug re-raised, so every failure exited 1, which is check's "something to look
    at": the traceback now comes before the usual line, with the usual status (2 here)."""
    f = tmp_path / "x.yaml"
    f.write_text("pactsim: 1\n")
    args = ["run", str(f)]
    code = main(["--debug", *args] if where == "before" else [*args, "--debug"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" in err and "ScenarioError" in err
    assert err.rstrip().splitlines()[-1].startswith(f"{f}:")


def test_run_prints_a_readable_forecast(capsys):
    code, text, err = call(capsys, "run", FLAGSHIP, "-n", "50000", "--seed", "7")
    assert code == 0, err
    for heading in ("Questions", "Signed on or before", "In the text", "seed 7"):
        assert heading in text
    assert "signed_by" in text


def test_run_json_and_csv(tmp_path, capsys):
    code, out, _ = call(capsys, "run", FLAGSHIP, "-n", "20000", "--seed", "1",
                        "--format", "json")
    data = json.loads(out)
    assert data["run"]["seed"] == 1 and data["run"]["n"] == 20000
    assert 0 < data["signing"]["p"] < 1
    f = tmp_path / "f.csv"
    code, out, _ = call(capsys, "run", FLAGSHIP, "-n", "20000", "--seed", "1", "--format", "csv",
                        "--out", f)
    assert code == 0 and out == ""
    assert f.read_text().startswith("section,name,statistic,value,stderr,lo,hi,")
    assert [p.name for p in tmp_path.iterdir()] == ["f.csv"]  # no temporary left behind


def test_run_same_seed_same_output(capsys):
    def once() -> dict[str, Any]:
        code, out, _ = call(capsys, "run", FLAGSHIP, "-n", "20000", "--seed", "3",
                            "--format", "json")
        assert code == 0
        return {k: v for k, v in json.loads(out).items() if k != "run"}

    assert once() == once()


def test_bad_file_for_run_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("pactsim: 1\n")
    out_file = tmp_path / "out.json"
    code, _, _ = call(capsys, "run", bad, "--out", out_file)
    assert code == 2
    assert not out_file.exists()


@pytest.mark.parametrize("command", ["run", "schema", "report"])
def test_short_o_is_out(tmp_path, capsys, command):
    out = tmp_path / "o.txt"
    args = ["schema"] if command == "schema" else [command, SMALL, "-n", "1000", "--seed", "1"]
    code, _, err = call(capsys, *args, "-o", out)
    assert code == 0, err
    assert out.stat().st_size > 0


# --- counts: -n, --workers, --top, and --seed ------------------------------------------


class Stop(BaseException):
    """Raised by the fake simulation: the run got as far as simulating (not an
    ``Exception``, which the command line would report as a bug, status 4)."""


@pytest.fixture
def draws(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The n each simulation was asked for (the simulation itself is skipped)."""
    asked: list[int] = []

    def fake(scenario: object, n: int, **kwargs: object) -> object:
        asked.append(n)
        raise Stop

    monkeypatch.setattr("pactsim.montecarlo.simulate", fake)
    return asked


@pytest.mark.parametrize(("text", "n"), [
    ("100", 100), ("1_000_000", 10**6), ("1e6", 10**6), ("1E6", 10**6), ("2.5e5", 250_000),
    ("1e+3", 1000), ("007", 7), ("1500e-2", 15), (" 42 ", 42), ("1e15", 10**15),
])
def test_n_accepts_digits_underscores_and_exponents(draws, text, n):
    with pytest.raises(Stop):
        main(["run", str(SMALL), "-n", text])
    assert draws == [n]


@pytest.mark.parametrize(("text", "message"), [
    ("١٠٠", "is not a whole number"),           # Arabic-Indic digits
    ("𝟏𝟎𝟎", "is not a whole number"),            # mathematical bold digits
    ("1,000", "is not a whole number"),
    ("1.5", "is not a whole number"),
    ("1e-3", "is not a whole number"),
    ("0x10", "is not a whole number"),
    ("1__000", "is not a whole number"),
    ("_100", "is not a whole number"),
    ("100_", "is not a whole number"),
    ("1e", "is not a whole number"),
    ("inf", "is not a whole number"),
    ("", "is not a whole number"),
    ("0", "must be at least 1"),
    ("0e5", "must be at least 1"),
    ("-5", "must be at least 1"),
    ("1e16", "at most 1,000,000,000,000,000"),
    ("1000000000000001", "at most 1,000,000,000,000,000"),
    ("9" * 5000, "at most 1,000,000,000,000,000"),
    ("1e999999999999999999", "at most 1,000,000,000,000,000"),
])
def test_n_refuses_anything_else_with_a_reason(draws, capsys, text, message):
    assert main(["run", str(SMALL), "-n", text]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err) < 1000, "the message repeats a huge argument"
    assert draws == []


def test_the_maximum_n_is_the_engines(capsys):
    from pactsim import montecarlo

    maximum = getattr(montecarlo, "MAX_N", 10**15)
    assert main(["run", str(SMALL), "-n", str(maximum + 1)]) == 2
    assert f"at most {maximum:,}" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "message"), [
    (["run", str(SMALL), "--workers", "٢"], "is not a whole number"),
    (["run", str(SMALL), "--workers", "0"], "must be at least 1"),
    (["run", str(SMALL), "--seed", "٧"], "is not a whole number"),
    (["run", str(SMALL), "--seed", "-1"], "seeds are whole numbers >= 0"),
    (["run", str(SMALL), "--seed", "1e3"], "is not a whole number"),
    (["run", str(SMALL), "--seed", "9" * 5000], "at most"),
    (["report", str(SMALL), "--top", "0"], "must be at least 1"),
    (["run", str(SMALL), "-n", "zero"], "is not a whole number"),
    (["nosuchcommand"], "invalid choice"),
])
def test_bad_arguments_exit_2(draws, capsys, args, message):
    assert main(args) == 2
    assert message in capsys.readouterr().err
    assert draws == []


def test_seeds_up_to_128_bits_are_accepted(draws):
    with pytest.raises(Stop):
        main(["run", str(SMALL), "--seed", str(2**128 - 1), "-n", "10"])
    assert draws == [10]


# --- help, version, exit codes -------------------------------------------------------------


def test_help_lists_the_commands_and_the_exit_codes(capsys):
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    for cmd in ("validate", "run", "check", "report", "schema"):
        assert cmd in text
    codes = dict(re.findall(r"^\s+(\d+)\s+(\S.*)$", text.split("exit status")[1], re.MULTILINE))
    assert set(codes) == {"0", "1", "2", "3", "4", "130", "143"}, text


def test_readme_documents_the_same_exit_codes():
    readme = (ROOT / "README.md").read_text()
    for code in ("0", "1", "2", "3", "130", "143"):
        assert re.search(rf"^\| {code} \|", readme, re.MULTILINE), code


def test_version(capsys):
    from pactsim import __version__

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"pactsim {__version__}"


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: pactsim" in capsys.readouterr().out


def test_console_script_end_to_end(tmp_path):
    """The installed script, a real process: version, an error without and with --debug."""
    from pactsim import __version__

    exe = Path(sys.executable).with_name("pactsim")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "pactsim.cli"]
    ok = subprocess.run([*cmd, "--version"], capture_output=True, text=True, timeout=120)
    assert ok.stdout.strip() == f"pactsim {__version__}"
    bad = tmp_path / "x.yaml"
    bad.write_text("pactsim: 1\n")
    quiet = subprocess.run([*cmd, "run", str(bad)], capture_output=True, text=True, timeout=120)
    assert quiet.returncode == 2 and "Traceback" not in quiet.stderr
    loud = subprocess.run([*cmd, "run", str(bad), "--debug"], capture_output=True, text=True,
                          timeout=120)
    assert loud.returncode == 2 and "Traceback" in loud.stderr


def test_the_version_needs_no_heavy_import():
    code = ("import sys; from pactsim.cli import main; main(['--version']); "
            "print(sorted(m for m in ('numpy', 'pandas', 'scipy', 'pydantic', 'ruamel', "
            "'matplotlib', 'pactsim.language.io', 'pactsim.analysis.check', "
            "'pactsim.views.report') if m in sys.modules), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.stderr.strip() == "[]"


# --- schema, warnings ----------------------------------------------------------------------


def test_schema_matches_the_shipped_schema_file(capsys):
    code, out, _ = call(capsys, "schema")
    assert code == 0
    shipped = (ROOT / "scenarios" / "pactsim.schema.json").read_text()
    assert json.loads(out) == json.loads(shipped), (
        "scenarios/pactsim.schema.json is stale: run `pactsim schema --out "
        "scenarios/pactsim.schema.json`")


def test_shipped_scenarios_declare_the_schema():
    for f in SCENARIOS:
        first = f.read_text().splitlines()[0]
        assert first == "# yaml-language-server: $schema=./pactsim.schema.json", f


def test_pactsim_warnings_are_one_plain_line(capsys, monkeypatch):
    import warnings

    from pactsim.errors import PactsimWarning
    from pactsim.views import text

    real = text.format_results

    def warned(res: Any) -> str:
        warnings.warn("counts may be low by 3 draws", PactsimWarning, stacklevel=2)
        return real(res)

    monkeypatch.setattr(text, "format_results", warned)
    code, out, err = call(capsys, "run", SMALL, "-n", "1000", "--seed", "7")
    assert code == 0
    assert "Questions" in out
    assert err == "pactsim: warning: counts may be low by 3 draws\n"


def test_file_names_with_terminal_escapes_are_printed_escaped(tmp_path, capsys):
    """A file name can carry ESC sequences that retitle or clear the terminal."""
    path = tmp_path / "a\x1b[2Jb.yaml"
    path.write_text("pactsim: 1\nid: x\nas_of: 2024-01-01\nhorizon: 2024-12-31\n")
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "a\\x1b[2Jb.yaml: ok" in out
