"""Round trips: a scenario written by ``pactsim.dumps`` loads back equal.

``dumps`` promises YAML text that ``loads`` reads as an equal scenario, with
the same digest; the plain-data path (``model_dump`` → ``from_dict``) must
agree too. Generated scenarios carry arbitrary Unicode labels, titles and
descriptions, so these tests also exercise YAML quoting.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given, settings

import pactsim
from pactsim.io import from_dict
from pactsim.scenario import Scenario
from pactsim.testing import strategies

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SHIPPED = sorted(SCENARIOS.glob("*.yaml"))
# Known bug (see test_next_line_character_round_trips): U+0085 NEXT LINE in any
# text field does not survive dumps -> loads. Drop once that test passes.
KNOWN_BAD_TEXT = "\x85"


@given(strategies.scenarios())
def test_dump_load_round_trip(sc: Scenario) -> None:
    text = pactsim.dumps(sc)
    assume(KNOWN_BAD_TEXT not in text)
    again = pactsim.loads(text)
    assert again == sc
    assert again.digest == sc.digest
    assert pactsim.dumps(again) == text  # writing is deterministic and idempotent


@given(strategies.scenarios())
def test_plain_data_round_trip(sc: Scenario) -> None:
    again = from_dict(sc.model_dump(exclude_defaults=True))
    assert again == sc
    assert again.digest == sc.digest


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


@pytest.mark.xfail(strict=True, reason="pactsim.dumps writes U+0085 raw inside a quoted "
                   "scalar and the loader reads it as a line break (folded to a space)")
def test_next_line_character_round_trips() -> None:
    sc = pactsim.loads("pactsim: 1\nid: x\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       'title: "a\\Nb"\n')  # \N is the YAML escape of U+0085
    assert sc.title == "a\x85b"
    assert pactsim.loads(pactsim.dumps(sc)) == sc
