"""JSON Schema of scenario formats 1 to 3, for editor completion and checking.

Generated from the pydantic models, so it cannot drift from what the loader
accepts structurally; cross-reference rules (names, cycles, tables) are only
checked by ``pactsim validate``.
"""

from __future__ import annotations

from typing import Any

from pactsim.language.scenario import Scenario

__all__ = ["SCHEMA_ID", "json_schema"]

SCHEMA_ID = "https://pactsim.invalid/schema/pactsim.schema.json"
_NAME = r"^[a-z][a-z0-9_]*$"


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "pactsim scenario (formats 1 to 3)"
    schema["description"] = (
        "A pactsim scenario: what an agreement will probably contain, with probabilities. "
        "Validate with `pactsim validate FILE`."
    )
    props = schema["properties"]
    props["pactsim"] = {"enum": [1, 2, 3], "description": "Format version: 1, 2 for dated "
                        "events, milestones, hazard ratios and conditions as parents, or 3 for "
                        "categorical outcomes and numeric attributes."}
    props["as_of"] = {"type": "string", "format": "date",
                      "description": "Knowledge cutoff: nothing learned later goes in."}
    props["horizon"] = {"type": "string", "format": "date", "description": "Last date modelled."}
    # a variant (extends:) gives only what differs from its base: pactsim: 2 and its own id
    props["extends"] = {"type": "string", "minLength": 1, "description": "Format 2: this file "
                        "is a variant of that scenario file (a path relative to this file); "
                        "it gives only what differs."}
    props["set"] = {"type": "object", "description": "Format 2, with extends: new values by "
                    "dotted path, as Scenario.with_changes (e.g. signing.by.2024-12-31: 0.6)."}
    required = schema.pop("required", [])
    schema["if"] = {"required": ["extends"]}
    schema["then"] = {"required": ["pactsim", "id"],
                      "properties": {"pactsim": {"enum": [2, 3]}}}
    schema["else"] = {"required": required, "not": {"required": ["set"]}}
    # observations (news learnt after as_of) are format 2 or later, as the loader says at
    # that key; numeric attributes are format 3
    schema["allOf"] = [{"if": {"required": ["observations"],
                               "properties": {"observations": {"minItems": 1}}},
                        "then": {"properties": {"pactsim": {"enum": [2, 3]}}}},
                       {"if": {"required": ["attributes"],
                               "properties": {"attributes": {"minProperties": 1}}},
                        "then": {"properties": {"pactsim": {"const": 3}}}}]
    # signing is a curve (Signing), or (format 2) a milestone written as an event's
    # (Node) with after: a curve also fits Node's fields, so the forms are told apart by
    # `after`, not by oneOf
    props["signing"] = {
        "anyOf": [{"allOf": [{"$ref": "#/$defs/Signing"}, {"not": {"required": ["after"]}}]},
                  {"allOf": [{"$ref": "#/$defs/Node"}, {"required": ["after"]}]},
                  {"type": "null"}],
        "default": None,
        "description": "When the agreement is signed: cumulative P by date (by, or a table "
                       "of curves), or (format 2) a milestone after other dated nodes "
                       "(after + delay, with p, given/table, odds, requires, excludes and "
                       "hazard_ratio as an event's)."}
    for section in ("drivers", "events", "pillars", "attributes", "questions"):
        props[section]["propertyNames"] = {"pattern": _NAME}
    for model in schema.get("$defs", {}).values():
        for field in ("clauses",):
            if field in model.get("properties", {}):
                model["properties"][field]["propertyNames"] = {"pattern": _NAME}
    return schema
