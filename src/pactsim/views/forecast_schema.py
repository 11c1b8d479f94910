"""JSON Schema (draft 2020-12) of the JSON forecast, ``pactsim run --format json``.

Written by hand beside :mod:`pactsim.views.export`, which writes the JSON;
the tests validate real exports against it, so the two cannot drift apart
unnoticed. ``pactsim schema --forecast`` prints it.

Examples
--------
>>> schema = forecast_schema()
>>> schema["properties"]["pactsim_forecast"]
{'const': 3, 'description': 'Version of this export format.'}
"""

from __future__ import annotations

from typing import Any

__all__ = ["FORECAST_SCHEMA_ID", "forecast_schema"]

FORECAST_SCHEMA_ID = "https://pactsim.invalid/schema/pactsim-forecast-v3.schema.json"
_NAME = r"^[a-z][a-z0-9_]*$"
#: A set's member: a node, or a categorical node with its outcome (``instc=named``).
_MEMBER = r"^[a-z][a-z0-9_]*(=[a-z][a-z0-9_]*)?$"
_DATE = r"^\d{4}-\d{2}-\d{2}$"


def _prob(description: str, *, nullable: bool = False) -> dict[str, Any]:
    return {"type": ["number", "null"] if nullable else "number", "minimum": 0, "maximum": 1,
            "description": description}


def _stderr(description: str, *, nullable: bool = False) -> dict[str, Any]:
    return {"type": ["number", "null"] if nullable else "number", "minimum": 0,
            "description": description}


def _text(what: str) -> dict[str, Any]:
    return {"type": ["string", "null"], "description": what}


def _ess(description: str) -> dict[str, Any]:
    return {"type": ["number", "null"], "minimum": 0, "description": description}


_ESS = _ess("Effective sample size the estimate rests on, (sum w)^2 / sum w^2, when the "
            "draws are weighted (evidence); null when they are not (then it rests on n draws).")


_DATE_OR_NULL = {"type": ["string", "null"], "pattern": _DATE}
_WORDS = {
    "label": _text("The analyst's label (null: none given)."),
    "why": _text("The analyst's rationale for the stated numbers (null: none given)."),
}


def _estimate(*, given_signed: bool) -> dict[str, Any]:
    props: dict[str, Any] = {
        **_WORDS,
        "p": _prob("Probability."),
        "stderr": _stderr("Monte Carlo standard error of p."),
        "lo": _prob("Lower end of the 95% interval of p."),
        "hi": _prob("Upper end of the 95% interval of p."),
        "ess": _ESS,
    }
    if given_signed:
        props["p_given_signed"] = _prob(
            "P(· | signed by the horizon); null when the scenario has no signing section or "
            "no draw was signed.", nullable=True)
        props["stderr_given_signed"] = _stderr("Standard error of p_given_signed.",
                                               nullable=True)
        props["ess_given_signed"] = _ess(
            "Effective sample size of the signed draws p_given_signed rests on, when the "
            "draws are weighted; null when they are not, or p_given_signed is null.")
    return {"type": "object", "required": list(props), "properties": props,
            "additionalProperties": False}


def _distribution(*, expr: bool) -> dict[str, Any]:
    value = {"type": ["number", "string", "null"],
             "description": "A number; for kind date an ISO date. null: no value in any draw."}
    props: dict[str, Any] = {
        **_WORDS,
        **({"expr": {"type": "string", "description": "The question's expression."}}
           if expr else {}),
        "kind": {"enum": ["number", "date"]},
        "mean": {**value, "description": "Mean (a date: to the nearest day)."},
        "sd": _stderr("Standard deviation (days, for a date).", nullable=True),
        "stderr": _stderr("Standard error of the mean (days, for a date).", nullable=True),
        "quantiles": {"type": "object", "description": "q10, q50 (the median) and q90.",
                      "propertyNames": {"pattern": r"^q[0-9]{1,3}$"},
                      "additionalProperties": value},
        "missing": _prob("Share of draws with no value (a date never reached)."),
    }
    return {"type": "object", "required": list(props), "properties": props,
            "additionalProperties": False}


def _named(item: dict[str, Any], description: str) -> dict[str, Any]:
    return {"type": "object", "description": description,
            "propertyNames": {"pattern": _NAME}, "additionalProperties": item}


def _with_outcomes(node: dict[str, Any], *, given_signed: bool) -> dict[str, Any]:
    """A node's estimate with the optional ``outcomes`` of a categorical node."""
    one = _estimate(given_signed=given_signed)
    for word in _WORDS:
        del one["properties"][word]
    one["required"] = [k for k in one["required"] if k not in _WORDS]
    node["properties"]["outcomes"] = _named(
        one, "A categorical node's outcomes (absent first when it can be absent), summing "
             "to 1; only categorical nodes have this key.")
    return node


def _sets(description: str) -> dict[str, Any]:
    props = {
        "items": {"type": "array", "items": {"type": "string", "pattern": _MEMBER},
                  "description": "Members in the text, in file order (empty: not signed, or "
                                 "signed with none of them); a categorical member with its "
                                 "outcome, node=outcome."},
        "count": {"type": ["integer", "null"], "minimum": 0,
                  "description": "Draws with exactly this set (under evidence, draws of "
                                 "average weight: the set's share of the weight times the "
                                 "draws of nonzero weight, rounded; null: exact inference, "
                                 "which has p alone)."},
        "bound": {"type": "integer", "minimum": 0,
                  "description": "Draws the count may be low by (0: exact)."},
        "p": _prob("Share of all draws."),
        "stderr": _stderr("Standard error of p."),
        "lo": _prob("Lower end of the 95% interval of p."),
        "hi": _prob("Upper end of the 95% interval of p."),
        "ess": _ESS,
    }
    return {"type": "array", "description": description,
            "items": {"type": "object", "required": list(props), "properties": props,
                      "additionalProperties": False}}


def forecast_schema() -> dict[str, Any]:
    """The JSON Schema of :func:`pactsim.views.export.results_to_json`'s output."""
    finding_props: dict[str, Any] = {
        "expr": {"type": "string", "description": "A true/false expression."},
        "likelihood_ratio": {"type": ["number", "null"], "exclusiveMinimum": 0,
                             "description": "Soft evidence: how many times likelier the news "
                                            "is if expr holds; null: hard (expr holds)."},
        "date": {**_DATE_OR_NULL, "description": "When it was learnt (a file's observation)."},
        "source": _text("Where it was learnt (a file's observation)."),
    }
    finding = {"type": "object", "required": list(finding_props), "properties": finding_props,
               "additionalProperties": False}
    run_props: dict[str, Any] = {
        "scenario_id": {"type": "string"},
        "scenario_title": _text("The scenario's title."),
        "digest": {"type": "string", "pattern": "^[0-9a-f]{64}$",
                   "description": "SHA-256 of the scenario's content (Scenario.digest)."},
        "as_of": {"type": "string", "pattern": _DATE,
                  "description": "The date of the scenario's priors (its as_of)."},
        "news_to": {**_DATE_OR_NULL,
                    "description": "The latest date of the file's observations the forecast "
                                   "is conditioned on: the forecast is as of this date, from "
                                   "the priors of as_of and the news to then (null: none)."},
        "horizon": {"type": "string", "pattern": _DATE},
        "method": {"enum": ["monte carlo", "exact"],
                   "description": "How the numbers were found: Monte Carlo draws, or exact "
                                  "inference (pactsim run --method exact; then every stderr "
                                  "is 0, lo = hi = p, and n, seed and ess are null)."},
        "n": {"type": ["integer", "null"], "minimum": 1,
              "description": "Draws (null: exact inference)."},
        "seed": {"type": ["integer", "null"], "minimum": 0,
                 "description": "Random seed (null: exact inference)."},
        "spawn_key": {"type": "array", "items": {"type": "integer", "minimum": 0},
                      "description": "SeedSequence spawn key (empty for a plain seed)."},
        "version": {"type": "string", "description": "pactsim version."},
        "evidence": {
            "anyOf": [{"type": "object", "required": ["text", "findings"],
                       "properties": {"text": {"type": "string"},
                                      "findings": {"type": "array", "items": finding}},
                       "additionalProperties": False},
                      {"type": "null"}],
            "description": "What the draws were weighted by (simulate(evidence=...) and the "
                           "file's observations): the findings as one line, and each "
                           "finding; null: no evidence."},
        "given": _text("Evidence Results.given applied after the run (null: none)."),
        "n_run": {"type": ["integer", "null"], "minimum": 1,
                  "description": "Draws of the run before Results.given (null: not given)."},
        "ess": {"type": ["number", "null"], "minimum": 0,
                "description": "Effective sample size of the draws, (sum w)^2 / sum w^2 "
                               "(n when they are not weighted; null: exact inference)."},
        "quadrature_error": {"type": "number", "minimum": 0,
                             "description": "Exact inference only: a bound on the error of "
                                            "its integral over the drivers (0 without "
                                            "drivers). Absent from Monte Carlo runs."},
    }
    question = _estimate(given_signed=True)
    question["properties"]["expr"] = {"type": "string"}
    question["required"].append("expr")
    clause = _with_outcomes(_estimate(given_signed=True), given_signed=True)
    pillar = _with_outcomes(_estimate(given_signed=True), given_signed=True)
    pillar["properties"]["clauses"] = _named(clause, "The pillar's clauses, in file order.")
    pillar["required"].append("clauses")
    point = _estimate(given_signed=False)
    for word in _WORDS:
        del point["properties"][word]
    point["properties"]["date"] = {"type": "string", "pattern": _DATE}
    point["properties"]["why"] = _text("The rationale of the stated `by` point on this date "
                                       "(null: none, or not a `by` date).")
    point["required"] = ["date", "p", "stderr", "lo", "hi", "ess", "why"]
    signing = _estimate(given_signed=False)
    signing["description"] = "p: signed by the horizon."
    signing["properties"]["curve"] = {
        "type": "array", "items": point,
        "description": "P(signed on or before each key date), with 95% bands."}
    signing["properties"]["date_if_signed"] = {
        "type": "object", "required": ["q10", "q50", "q90"],
        "properties": {"q10": _DATE_OR_NULL, "q50": _DATE_OR_NULL, "q90": _DATE_OR_NULL},
        "additionalProperties": False,
        "description": "The signing date if signed: median (q50) and 80% interval "
                       "(q10 to q90); null when never signed."}
    signing["required"] += ["curve", "date_if_signed"]
    dated = _estimate(given_signed=False)
    dated["description"] = "p: happened by the horizon."
    dated["properties"] |= {
        "kind": {"enum": ["signing", "dated event", "milestone"]},
        "timing": {"type": "string", "description": "How the node is timed, in words "
                   "(a milestone's delay and anchor, a curve's stated points, hazard ratios)."},
        "after": {"type": ["array", "null"], "items": {"type": "string", "pattern": _NAME},
                  "description": "A milestone's anchors (null: not a milestone)."},
        "curve": {"type": "array", "items": point,
                  "description": "P(happened on or before each key date), with 95% bands."},
        "date_if_happens": {
            "type": "object", "required": ["q10", "q50", "q90"],
            "properties": {"q10": _DATE_OR_NULL, "q50": _DATE_OR_NULL, "q90": _DATE_OR_NULL},
            "additionalProperties": False,
            "description": "The date if it happens by the horizon: median (q50) and 80% "
                           "interval (q10 to q90); null when it never does."}}
    dated["required"] += ["kind", "timing", "after", "curve", "date_if_happens"]
    props: dict[str, Any] = {
        "pactsim_forecast": {"const": 3, "description": "Version of this export format."},
        # news_to is an addition to format 3: documents written before it lack it
        "run": {"type": "object",
                "required": [k for k in run_props if k not in ("news_to", "quadrature_error")],
                "properties": run_props,
                "additionalProperties": False, "description": "Provenance: enough to repeat "
                "the run (pactsim run FILE -n N --seed SEED, with --evidence and --soft for "
                "findings that are not the file's observations)."},
        "questions": _named(question, "True/false questions, in file order."),
        "signing": {"anyOf": [signing, {"type": "null"}],
                    "description": "null: the scenario has no signing section."},
        "dated": _named(dated, "Every dated node: signing first, then dated events and "
                        "milestones in file order."),
        "pillars": _named(pillar, "Pillars in file order: P(in text) and P(in text | signed)."),
        "events": _named(_with_outcomes(_estimate(given_signed=False), given_signed=False),
                         "Events, in file order (dated ones "
                         "also in `dated`, with their dates)."),
        "numeric": _named(_distribution(expr=True), "Numeric and date questions."),
        "attributes": _named(_distribution(expr=False),
                             "Numeric attributes (format 3), in file order; the key is "
                             "there only when the scenario has attributes."),
        "drivers": {"anyOf": [_named(_distribution(expr=False), "Drivers."),
                              {"type": "null"}],
                    "description": "null: not summarised (the run kept no draws)."},
        "pillar_sets": {"anyOf": [_sets("The most frequent exact sets of pillars (exact "
                                        "counts)."), {"type": "null"}],
                        "description": "null: exact inference could not build the joint law "
                                       "of every pillar (too wide; Monte Carlo counts them)."},
        "texts": {"anyOf": [_sets("The most frequent exact texts: sets of pillars and "
                                  "clauses."), {"type": "null"}],
                  "description": "null: exact inference could not build the joint law of "
                                 "every pillar and clause (too wide; Monte Carlo counts "
                                 "them)."},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": FORECAST_SCHEMA_ID,
        "title": "pactsim forecast (export format 3)",
        "description": "What `pactsim run --format json` writes. Probabilities are fractions; "
                       "lo and hi bound 95% intervals; dates are ISO; null is missing.",
        "type": "object",
        "required": [k for k in props if k != "attributes"],
        "properties": props,
        "additionalProperties": False,
    }
