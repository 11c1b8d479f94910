"""Scenario files are read by libyaml's scanner and parser where both ways read them
alike (``pactsim.language._yaml._fast_compose``), else by ruamel's pure-Python ones,
whose messages the user gets. Both ways must give the same data, positions and
problems, or the same error: compared here on every YAML file of the repository, on
every YAML block of the README, on generated scenarios and on texts broken at random
by Hypothesis."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactsim.errors import ScenarioError
from pactsim.language import _yaml
from pactsim.language.io import dumps
from pactsim.testing import strategies

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(p for p in ROOT.glob("**/*.yaml")
               if not any(part.startswith(".") for part in p.relative_to(ROOT).parts))
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"
README_BLOCKS = re.findall(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text("utf-8"),
                           flags=re.DOTALL)


def _read(text: str | bytes) -> Any:
    """What parse_yaml gives (its Located), or the text of the error it raises."""
    try:
        return _yaml.parse_yaml(text, name="s.yaml", soft=True)
    except ScenarioError as err:
        return f"ScenarioError: {err}"


def both_ways(text: str | bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    fast = _read(text)
    with monkeypatch.context() as m:
        m.setattr(_yaml, "_CParser", None)  # the pure-Python way only
        slow = _read(text)
    return fast, slow


def test_the_scenarios_take_the_fast_way() -> None:
    assert _yaml._CParser is not None, "ruamel.yaml.clib is installed with ruamel.yaml"
    for path in (ROOT / "scenarios").glob("*.yaml"):
        assert _yaml._fast_compose(path.read_text("utf-8")) is not None, path


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_file_of_the_repository_reads_alike(path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = both_ways(path.read_bytes(), monkeypatch)
    assert fast == slow


@pytest.mark.parametrize("block", range(len(README_BLOCKS)))
def test_every_readme_block_reads_alike(block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = both_ways(README_BLOCKS[block], monkeypatch)
    assert fast == slow


@settings(max_examples=max(10, settings.default.max_examples // 2), deadline=None)
@given(strategies.scenarios(dated=True))
def test_generated_scenarios_read_alike(sc: Any) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow = both_ways(dumps(sc), monkeypatch)
    assert fast == slow and not isinstance(fast, str)


#: What a hand slips into a file: YAML's indicators, spaces and tabs, quotes, breaks
#: (YAML 1.1's too), an accent, a control character, a byte order mark.
ODD = [":", "-", " ", "\t", "\n", "#", "'", '"', "[", "]", "{", "}", ",", "&a", "*a", "!",
       "!!str ", "%YAML 1.1\n", "---\n", "...\n", "|", ">", "?", "@", "`", "\\", "é", "\x85",
       "\u2028", "\u2029", "\x00", "\x07", "\x7f", "\ufeff", "\r", "\r\n", "\u00a0", "\U0001F600",
       "\ud83d", "  ", "\n  ", "- ", ": ", " #", "<<: *a\n", "&a ", "? x\n", ": |\n  a\n",
       '"\\/"', '"\\x41"', '"\\q"', "'a''b'", "2024-02-30", "0x1F", ".inf", "~", "= ",
       ": # note", ":\n"]
BASE = FLAGSHIP.read_text("utf-8")[:3000]  # its head: meta, drivers, events


@settings(max_examples=settings.default.max_examples * 2, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(BASE)), st.sampled_from(ODD),
                          st.integers(0, 3)), min_size=1, max_size=4))
def test_texts_broken_at_random_read_alike(edits: list[tuple[int, str, int]]) -> None:
    """Each edit deletes up to 3 characters at a place and writes an odd one there."""
    text = BASE
    for at, odd, cut in sorted(edits, reverse=True):
        text = text[:at] + odd + text[at + cut:]
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow = both_ways(text, monkeypatch)
    assert fast == slow
