"""``loads`` keeps the last scenarios it read by text and name: reading the same file
again costs no parsing (~40 ms for the flagship), and each reading is a new scenario equal
to the first (frozen, so they share their mappings). A variant (``extends:``) is read
afresh, as its base may have changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import pactsim
from pactsim.errors import ScenarioError
from pactsim.language import io

TEXT = "pactsim: 1\nid: cache\nas_of: 2024-01-01\nhorizon: 2024-12-31\nevents:\n  a: {p: 0.3}\n"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the texts parsed from now on (the cache emptied first)."""
    seen: list[str] = []
    real = io.parse_yaml

    def spy(text: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["name"])
        return real(text, **kwargs)

    monkeypatch.setattr(io, "parse_yaml", spy)
    monkeypatch.setattr(io, "_LOADED", type(io._LOADED)())
    return seen


def test_the_same_text_and_name_is_parsed_once(parses: list[str]) -> None:
    first = pactsim.loads(TEXT, name="a.yaml")
    again = pactsim.loads(TEXT, name="a.yaml")
    assert parses == ["a.yaml"]
    # two readings, two scenarios (pool refuses one object given twice), equal
    assert again is not first and again == first
    assert again.digest == first.digest and again.events is first.events  # frozen: shared
    with pytest.raises(pactsim.errors.ArgumentError, match="same Scenario object"):
        pactsim.pool([first, first])
    assert pactsim.pool([first, again], names=["x", "y"]).table is not None
    # another name is another reading (messages name the file)
    other = pactsim.loads(TEXT, name="b.yaml")
    assert other == first and parses == ["a.yaml", "b.yaml"]
    # another text too, though only a comment differs
    pactsim.loads(TEXT + "# note\n", name="a.yaml")
    assert parses == ["a.yaml", "b.yaml", "a.yaml"]


def test_a_file_read_twice_is_parsed_once(parses: list[str], tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(TEXT)
    assert pactsim.load(path) == pactsim.load(path)
    assert len(parses) == 1
    path.write_text(TEXT.replace("0.3", "0.4"))  # an edited file is read again
    assert pactsim.load(path).events["a"].p == 0.4 and len(parses) == 2


def test_only_the_last_scenarios_are_kept(parses: list[str]) -> None:
    for i in range(io.LOADED + 1):
        pactsim.loads(TEXT, name=f"{i}.yaml")
    assert len(io._LOADED) == io.LOADED
    pactsim.loads(TEXT, name=f"{io.LOADED}.yaml")  # the newest: kept
    assert len(parses) == io.LOADED + 1
    pactsim.loads(TEXT, name="0.yaml")  # the oldest: dropped, so read again
    assert parses[-1] == "0.yaml" and len(parses) == io.LOADED + 2


def test_a_variant_is_read_afresh_with_its_base(parses: list[str], tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(TEXT)
    variant = tmp_path / "v.yaml"
    variant.write_text("pactsim: 2\nextends: base.yaml\nid: v\nset:\n  a.p: 0.5\n")
    assert pactsim.load(variant).events["a"].p == 0.5
    base.write_text(TEXT.replace("a: {p: 0.3}", "a: {p: 0.3}\n  b: {p: 0.9}"))
    assert set(pactsim.load(variant).events) == {"a", "b"}


def test_an_error_is_raised_each_time(parses: list[str]) -> None:
    for _ in range(2):
        with pytest.raises(ScenarioError, match=r"a\.p"):
            pactsim.loads(TEXT.replace("0.3", "1.3"), name="bad.yaml")
    assert parses == ["bad.yaml", "bad.yaml"]


def test_the_kept_copy_is_never_compiled(parses: list[str]) -> None:
    """Each reading compiles its own copy: the one kept holds no compiled model (nor its
    day tables) however often the text is simulated."""
    for _ in range(2):
        pactsim.simulate(pactsim.loads(TEXT, name="c.yaml"), 100, seed=1)
    assert len(parses) == 1
    assert io._LOADED[(TEXT, "c.yaml")]._compiled is None


def test_a_copy_dumps_with_pyyaml_imported_after_the_first_reading() -> None:
    """PyYAML learns frozen mappings when a scenario is built after it was imported; a
    reading from the cache is such a scenario too (in a fresh process: PyYAML must not be
    imported before the first reading)."""
    yaml = pytest.importorskip("yaml")
    import subprocess
    import sys

    text = TEXT + "signing: {by: {2024-06-30: 0.2, 2024-12-31: 0.5}}\n"
    code = (f"import sys, pactsim\nt = {text!r}\npactsim.loads(t)\n"
            "assert 'yaml' not in sys.modules\n"
            "import yaml\nprint(yaml.safe_dump(pactsim.loads(t).signing.by))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert yaml.safe_load(out.stdout) == dict(pactsim.loads(text).signing.by)
