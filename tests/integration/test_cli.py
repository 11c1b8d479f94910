"""The `pactsim` command line, run as a user would (in a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pactsim.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_every_shipped_scenario_validates():
    out = cli("validate", *map(str, SCENARIOS))
    assert out.returncode == 0, out.stderr
    assert out.stdout.count(": ok") == len(SCENARIOS) >= 4


def test_invalid_file_gives_one_line_per_problem_and_exit_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("pactsim: 1\nid: t\nas_of: 2024-11-05\nhorizon: 2025-12-31\n"
                   "events:\n  a: {p: 1.3}\n  b: {p: 0.5, requires: [zz]}\n")
    out = cli("validate", str(bad), str(FLAGSHIP))
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert lines == [
        f"{bad}:6:10: events.a.p: = 1.3 must be in [0, 1] (a probability; e.g. 0.3 for 30%)",
        f"{bad}:7:26: events.b.requires[0]: unknown name 'zz' (in requires)",
    ]
    assert "Traceback" not in out.stderr
    assert out.stdout.strip() == f"{FLAGSHIP}: ok"


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00bad", b"- a\n- b\n", b"a: [\n",
                                     b"a: &x [*x]\n"])
def test_hostile_or_broken_input_never_shows_a_traceback(tmp_path, content):
    f = tmp_path / "x.yaml"
    f.write_bytes(content)
    out = cli("validate", str(f))
    assert out.returncode == 2
    assert out.stderr.startswith(f"{f}:")
    assert "Traceback" not in out.stderr


def test_debug_flag_shows_the_traceback(tmp_path):
    f = tmp_path / "x.yaml"
    f.write_text("pactsim: 1\n")
    out = cli("--debug", "run", str(f))
    assert out.returncode != 0
    assert "Traceback" in out.stderr


def test_run_prints_a_readable_forecast():
    out = cli("run", str(FLAGSHIP), "-n", "50000", "--seed", "7")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    for heading in ("Questions", "Signed on or before", "In the text", "seed 7"):
        assert heading in text
    assert "signed_by_2024" in text or "signed_by" in text


def test_run_json_and_csv(tmp_path):
    js = cli("run", str(FLAGSHIP), "-n", "20000", "--seed", "1", "--format", "json")
    data = json.loads(js.stdout)
    assert data["run"]["seed"] == 1 and data["run"]["n"] == 20000
    assert 0 < data["nodes"]["signing"]["p"] < 1
    out = tmp_path / "f.csv"
    csv = cli("run", str(FLAGSHIP), "-n", "20000", "--seed", "1", "--format", "csv",
              "--out", str(out))
    assert csv.returncode == 0
    assert out.read_text().startswith("kind,name,p,stderr,lo,hi")
    assert [p.name for p in tmp_path.iterdir()] == ["f.csv"]  # no temporary left behind


def test_run_same_seed_same_output():
    a = cli("run", str(FLAGSHIP), "-n", "20000", "--seed", "3", "--format", "json")
    b = cli("run", str(FLAGSHIP), "-n", "20000", "--seed", "3", "--format", "json")
    strip = lambda s: {k: v for k, v in json.loads(s).items() if k != "run"}  # noqa: E731
    assert strip(a.stdout) == strip(b.stdout)


def test_bad_file_for_run_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("pactsim: 1\n")
    out_file = tmp_path / "out.json"
    out = cli("run", str(bad), "--out", str(out_file))
    assert out.returncode == 2
    assert not out_file.exists()


def test_bad_arguments_exit_2():
    assert cli("run", str(FLAGSHIP), "-n", "zero").returncode == 2
    assert cli("run", str(FLAGSHIP), "-n", "0").returncode == 2
    assert cli("nosuchcommand").returncode == 2


def test_help_and_version():
    from pactsim import __version__

    assert cli("--version").stdout.strip() == f"pactsim {__version__}"
    helptext = cli("--help").stdout
    for cmd in ("validate", "run", "schema"):
        assert cmd in helptext


def test_schema_matches_the_shipped_schema_file():
    out = cli("schema")
    shipped = (ROOT / "scenarios" / "pactsim-v1.schema.json").read_text()
    assert json.loads(out.stdout) == json.loads(shipped), (
        "scenarios/pactsim-v1.schema.json is stale: run `pactsim schema --out "
        "scenarios/pactsim-v1.schema.json`")


def test_shipped_scenarios_declare_the_schema():
    for f in SCENARIOS:
        first = f.read_text().splitlines()[0]
        assert first == "# yaml-language-server: $schema=./pactsim-v1.schema.json", f


def test_pactsim_warnings_are_one_plain_line():
    # a million flagship draws see more distinct clause sets than the streaming table keeps
    out = cli("run", str(FLAGSHIP), "-n", "1000000", "--seed", "7")
    assert out.returncode == 0
    warnings = [line for line in out.stderr.splitlines() if line.strip()]
    assert warnings, "expected the bundle-pruning warning"
    assert all(line.startswith("warning: ") for line in warnings), out.stderr
