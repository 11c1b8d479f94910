"""The JSON Schema accepts every shipped scenario and rejects structural mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import json_ready
from pactsim.language.jsonschema import json_schema

jsonschema = pytest.importorskip("jsonschema")
ROOT = Path(__file__).parents[2]




@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_scenarios_satisfy_the_schema(path):
    from ruamel.yaml import YAML

    data = json_ready(YAML(typ="safe", pure=True).load(path.read_text()))
    jsonschema.validate(data, json_schema())


@pytest.mark.parametrize("bad", [
    {"pactsim": 1, "id": "x", "as_of": "2024-01-01", "horizon": "2024-12-31", "events": {"a": {"p": 2}}},
    {"pactsim": 1, "id": "x", "as_of": "2024-01-01", "horizon": "2024-12-31", "event": {}},
    {"pactsim": 1, "id": "x", "as_of": "2024-01-01", "horizon": "2024-12-31",
     "events": {"Bad": {"p": 0.1}}},
    {"pactsim": 3, "id": "x", "as_of": "2024-01-01", "horizon": "2024-12-31"},
    # format 2: a delay of an unknown form, an anchor of an unknown mode, a hazard ratio <= 0
    {"pactsim": 2, "id": "x", "as_of": "2024-01-01", "horizon": "2024-12-31",
     "events": {"r": {"after": "signing", "delay": {"mean": 3}}}},
    {"pactsim": 2, "id": "x", "as_of": "2024-01-01", "horizon": "2024-12-31",
     "events": {"r": {"after": {"every": ["a", "b"]}, "delay": 3}}},
    {"pactsim": 2, "id": "x", "as_of": "2024-01-01", "horizon": "2024-12-31",
     "events": {"e": {"by": {"2024-06-30": 0.5}, "hazard_ratio": {"a": 0}}}},
])
def test_schema_rejects_structural_mistakes(bad):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, json_schema())
