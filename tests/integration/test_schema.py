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
    {"pactsim": 4, "id": "x", "as_of": "2024-01-01", "horizon": "2024-12-31"},
    # format 3: attributes in a format-2 file, a distribution of an unknown kind, sd <= 0
    {"pactsim": 2, "id": "x", "as_of": "2024-01-01", "horizon": "2024-12-31",
     "attributes": {"n": {"dist": 3}}},
    {"pactsim": 3, "id": "x", "as_of": "2024-01-01", "horizon": "2024-12-31",
     "attributes": {"n": {"dist": {"normel": {"mean": 1, "sd": 1}}}}},
    {"pactsim": 3, "id": "x", "as_of": "2024-01-01", "horizon": "2024-12-31",
     "attributes": {"n": {"dist": {"normal": {"mean": 1, "sd": 0}}}}},
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


def test_schema_accepts_numeric_attributes():
    from ruamel.yaml import YAML

    text = """pactsim: 3
id: x
as_of: 2024-01-01
horizon: 2024-12-31
events:
  military: {p: 0.6}
attributes:
  n_articles:
    label: Number of articles
    dist: {lognormal: {median: 40, p90: 60}}
    round: true
    requires: [military]
  term_years:
    given: [military]
    table: {true: {values: {20: 0.7, 10.5: 0.3}}, false: {uniform: {low: 5, high: 25}}}
  width: {dist: {normal: {mean: 3, sd: 1}}, excludes: ["not military"]}
  fixed: {dist: 12}
questions:
  long_text: n_articles >= 40
"""
    import pactsim

    pactsim.loads(text)  # the loader accepts it too
    jsonschema.validate(json_ready(YAML(typ="safe", pure=True).load(text)), json_schema())
