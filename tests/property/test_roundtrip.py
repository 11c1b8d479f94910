"""Round trips: a scenario written by ``pactsim.dumps`` loads back equal.

``dumps`` promises YAML text that ``loads`` reads as an equal scenario, with
the same digest; the plain-data paths (``model_dump`` and JSON →
``from_dict``) must agree too. Generated scenarios carry arbitrary Unicode labels, titles and
descriptions, so these tests also exercise YAML quoting.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings

import pactsim
from pactsim.language.io import from_dict
from pactsim.language.scenario import Scenario
from pactsim.testing import strategies

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SHIPPED = sorted(SCENARIOS.glob("*.yaml"))


@given(strategies.scenarios())
def test_dump_load_round_trip(sc: Scenario) -> None:
    text = pactsim.dumps(sc)
    again = pactsim.loads(text)
    assert again == sc
    assert again.digest == sc.digest
    assert pactsim.dumps(again) == text  # writing is deterministic and idempotent


@settings(max_examples=max(10, settings.default.max_examples // 2))
@given(strategies.scenarios())
def test_plain_data_round_trip(sc: Scenario) -> None:
    again = from_dict(sc.model_dump(exclude_defaults=True))
    assert again == sc
    assert again.digest == sc.digest


@settings(max_examples=max(10, settings.default.max_examples // 2))
@given(strategies.scenarios())
def test_json_round_trip(sc: Scenario) -> None:
    # JSON keys are text: a table's true/false, its curves' dates and a delay curve's days
    # come back as "true", "2025-06-30", "30", which from_dict reads as they were meant
    again = from_dict(json.loads(sc.model_dump_json(exclude_defaults=True)))
    assert again == sc
    assert again.digest == sc.digest


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenarios_json_round_trip(path: Path) -> None:
    sc = pactsim.load(path)
    data = json.loads(sc.model_dump_json())
    again = from_dict(data)
    assert again == sc
    assert again.digest == sc.digest
    assert json.loads(sc.model_dump_json()) == data  # the caller's data is left as it was


@settings(max_examples=max(5, settings.default.max_examples // 4))
@given(strategies.from_scenario(pactsim.load(SCENARIOS / "iran-russia-2024.yaml")))
def test_flagship_variants_round_trip(sc: Scenario) -> None:
    again = pactsim.loads(pactsim.dumps(sc))
    assert again == sc
    assert again.digest == sc.digest


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenarios_round_trip(path: Path) -> None:
    sc = pactsim.load(path)
    again = pactsim.loads(pactsim.dumps(sc))
    assert again == sc
    assert again.digest == sc.digest


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029"])
def test_line_break_characters_round_trip(char: str) -> None:
    sc = pactsim.loads("pactsim: 1\nid: x\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       'title: "a\\Nb\\Lc\\Pd"\n')  # YAML escapes of U+0085, U+2028, U+2029
    assert sc.title == "a\x85b\u2028c\u2029d"
    assert pactsim.loads(pactsim.dumps(sc)) == sc
    assert pactsim.loads(pactsim.dumps(sc.with_changes(title=f"x{char}y"))).title == f"x{char}y"


@pytest.mark.parametrize("libyaml", [True, False], ids=["libyaml", "pure-python"])
def test_both_emitters_write_what_loads_reads_back(monkeypatch: pytest.MonkeyPatch,
                                                   libyaml: bool) -> None:
    """``dumps`` emits with libyaml where ruamel.yaml.clib is installed, else in pure
    Python (CPython 3.14): each way, every shipped scenario and the line-break
    characters come back equal."""
    from pactsim.language import io as pio

    if libyaml and not pio._LIBYAML:
        pytest.skip("ruamel.yaml.clib is not installed")
    monkeypatch.setattr(pio, "_LIBYAML", libyaml)
    for path in SHIPPED:
        sc = pactsim.load(path)
        assert pactsim.loads(pactsim.dumps(sc)) == sc, path.name
    odd = pactsim.loads("pactsim: 1\nid: x\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                        'title: "a\\Nb\\Lc\\Pd\\te\\u00e9 \\"f\\" \'g\'"\n')
    assert pactsim.loads(pactsim.dumps(odd)) == odd
