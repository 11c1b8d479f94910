"""A failure nothing explains (a bug in pactsim) exits 4 with its traceback and a request
to report it, with ``--debug`` too; the help and the README list status 4."""

from __future__ import annotations

from pathlib import Path

import pytest

from pactsim import __version__
from pactsim.cli import EXIT_STATUS, main
from pactsim.language import jsonschema

ROOT = Path(__file__).resolve().parents[2]


def _broken(*_: object) -> object:
    raise RuntimeError("a planted bug")


def test_a_bug_exits_4_with_its_traceback(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(jsonschema, "json_schema", _broken)
    assert main(["schema"]) == 4
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" in err and "RuntimeError: a planted bug" in err
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"pactsim {__version__}: internal error") and "report" in last


def test_debug_shows_the_bug_once_and_exits_4(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """--debug re-raised, so a bug exited 1 (check's status for findings)."""
    monkeypatch.setattr(jsonschema, "json_schema", _broken)
    assert main(["schema", "--debug"]) == 4
    err = capsys.readouterr().err
    assert err.count("Traceback") == 1 and "RuntimeError: a planted bug" in err


def test_a_users_mistake_is_still_one_line_and_2(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("pactsim: 1\n")
    assert main(["run", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err


def test_status_4_is_documented() -> None:
    assert any(line.split()[:1] == ["4"] for line in EXIT_STATUS.splitlines())
    assert "| 4 | a bug in pactsim" in (ROOT / "README.md").read_text()
