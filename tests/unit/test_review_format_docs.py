"""Review of the README's format section ("The scenario format, in brief" and its
subsections) against what the loader accepts and does.

tests/integration/test_readme_yaml.py already loads every YAML block of the README
and checks that each pydantic field name appears somewhere in the section. This file
checks what that does not:

* every key of the JSON Schema, nested ones included (delay and ``after`` forms,
  ``beta``/``between``, quantity laws and their parameters), is named in the section;
* every key the loader accepts is in the key table, as the README says it is;
* every key and every form of a value has a YAML example in the section;
* the defaults the section states (driver ``mean``, a milestone's ``p``, ``label``)
  are what the code does, read from the README text and compared with a scenario
  that writes the value out;
* the meanings it states (hazard ratios, curve interpolation, delay forms, ``after``
  forms, categorical odds, missing dates, observations, attributes) hold, against
  hand-derived answers from ``pactsim.exact`` or per-draw identities;
* each documented error is located (file, line, column, field) and says how to fix it;
* the limits it states are the code's.

The gaps this review found (keys missing from the table, forms without an example,
the merge rule, rounding ties, the limits) were fixed in the README; the tests now
keep them fixed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

import pactsim
from pactsim.errors import Problem, ScenarioError
from pactsim.language.jsonschema import json_schema

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
_START = README.index("## The scenario format, in brief")
SECTION = README[_START: README.index("\n## ", _START + 1)]
_TSTART = SECTION.index("| where | keys |")
TABLE = SECTION[_TSTART: SECTION.index("\n\n", _TSTART)]
YAML_BLOCKS = re.findall(r"```yaml\n(.*?)^```", SECTION, re.S | re.M)
#: inline code spans of the section's prose (they may run over a line break)
CODE_SPANS = re.findall(r"`([^`]+)`", re.sub(r"```yaml\n.*?^```", "", SECTION, flags=re.S | re.M))
HEADER = "pactsim: {v}\nid: t\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"


def _load(body: str, v: int = 2, **meta: str) -> pactsim.Scenario:
    head = HEADER.format(v=v)
    for k, value in meta.items():
        head = re.sub(rf"^{k}: .*$", f"{k}: {value}", head, flags=re.M)
    return pactsim.loads(head + textwrap.dedent(body), name="t.yaml")


def _problems(body: str, v: int = 2, **meta: str) -> list[Problem]:
    with pytest.raises(ScenarioError) as err:
        _load(body, v, **meta)
    return list(err.value.problems)


def _p(sc: pactsim.Scenario, expr: str, **kw: Any) -> float:
    return float(pactsim.exact(sc, **kw).prob(expr))


# -- 1. every key is named ---------------------------------------------------------------
def _schema_keys() -> dict[str, set[str]]:
    """Every property name of the JSON Schema, nested ones included -> where it occurs."""
    out: dict[str, set[str]] = {}

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, sub in node.get("properties", {}).items():
                out.setdefault(key, set()).add(where)
                walk(sub, f"{where}.{key}")
            for k in ("anyOf", "allOf", "oneOf", "items", "additionalProperties", "then",
                      "else"):
                for sub in node.get(k, []) if isinstance(node.get(k), list) else [node.get(k)]:
                    walk(sub, where)
        elif isinstance(node, list):
            for sub in node:
                walk(sub, where)

    schema = json_schema()
    walk(schema, "top")
    for name, model in schema.get("$defs", {}).items():
        walk(model, name)
    return out


SCHEMA_KEYS = _schema_keys()


def _named(key: str) -> bool:
    """Whether the section names ``key``: alone in backticks, or as a key (``key:``) in
    a code span or a YAML block (comments of YAML blocks excluded)."""
    as_key = re.compile(rf"(?<![\w.]){re.escape(key)}\s*:")
    if any(span.strip() == key or as_key.search(span) for span in CODE_SPANS):
        return True
    code = "\n".join(re.sub(r"(^|\s)#.*$", "", b, flags=re.M) for b in YAML_BLOCKS)
    return bool(as_key.search(code))


def test_the_schema_has_the_nested_keys_this_review_relies_on() -> None:
    # so that the parametrisation below covers the nested forms, not only model fields
    assert {"at_least", "of", "any", "all", "median", "p90", "between", "beta", "lognormal",
            "values", "round", "likelihood_ratio", "extends", "set"} <= set(SCHEMA_KEYS)


def test_named_can_fail() -> None:
    assert not _named("bogus_key_never_documented")
    assert not _named("ext")  # a prefix of `extends` is not the key


@pytest.mark.parametrize("key", sorted(SCHEMA_KEYS))
def test_every_schema_key_is_named_in_the_format_section(key: str) -> None:
    assert _named(key), f"`{key}` ({sorted(SCHEMA_KEYS[key])}) is not named in the section"


# -- 2. the key table ---------------------------------------------------------------------
TOP_KEYS = sorted(json_schema()["properties"])


@pytest.mark.parametrize("key", TOP_KEYS)
def test_every_top_level_key_is_in_the_key_table(key: str) -> None:
    assert f"`{key}`" in _row("top")


def _row(where: str) -> str:
    return next(x for x in TABLE.splitlines() if x.startswith(f"| {where} |"))


@pytest.mark.parametrize(("where", "model"), [
    ("an observation (format 2)", "Observation"), ("a driver", "Driver"),
    ("`signing`", "Signing"), ("a question", "Question"),
    ("an attribute, under top-level `attributes` (format 3)", "Attribute")])
def test_every_field_is_in_its_table_row(where: str, model: str) -> None:
    fields = json_schema()["$defs"][model]["properties"]
    row = _row(where)
    assert [k for k in fields if f"`{k}`" not in row] == []


def test_every_node_field_is_in_the_node_rows() -> None:
    rows = "\n".join(x for x in TABLE.splitlines() if x.startswith("| an event"))
    fields = json_schema()["$defs"]["Pillar"]["properties"]
    assert [k for k in fields if f"`{k}`" not in rows] == []


def test_required_keys_are_bold_in_the_table() -> None:
    top = _row("top")
    for key in json_schema()["else"]["required"]:
        assert f"**`{key}`**" in top
    obs = json_schema()["$defs"]["Observation"]["required"]
    row = _row("an observation (format 2)")
    assert all(f"**`{k}`**" in row for k in obs)


def test_a_drivers_required_parameters_are_marked() -> None:
    row = _row("a driver")
    assert "**`sd`**" in row and "**`low`**" in row and "**`high`**" in row
    # and they are required: a normal driver without sd, a uniform one without high
    uses = "events:\n  e: {p: 0.5, odds: {d: 2}}\n"
    assert _problems("drivers:\n  d: {dist: normal, mean: 0}\n" + uses)
    assert _problems("drivers:\n  d: {dist: uniform, low: 0}\n" + uses)


# -- 3. an example for every key and form --------------------------------------------------
_QUANTITIES = ("normal", "uniform", "lognormal", "values")


def _examples() -> set[tuple[str, str]]:
    """``(where, key or form)`` used by the section's YAML blocks (not in comments)."""
    used: set[tuple[str, str]] = set()

    def p_form(where: str, value: Any) -> None:
        used.add((where, "number" if isinstance(value, int | float) else next(iter(value))))

    def node(where: str, spec: Any) -> None:
        for key, value in spec.items():
            used.add((where, key))
            if where != "signing":
                used.add(("node", key))
            if key == "p":
                p_form("p", value)
            elif key == "by":
                for point in value.values():
                    p_form("curve point", point)
            elif key == "after":
                used.add(("after", "name" if isinstance(value, str) else
                          "+".join(sorted(value))))
            elif key == "delay":
                used.add(("delay", "days" if isinstance(value, int) else
                          "+".join(sorted(value))))
            elif key == "levels":
                used.add(("levels", type(value).__name__))
            elif key == "table":
                for leaf in _leaves(value, ("by",)):
                    if isinstance(leaf, dict) and "by" in leaf:
                        used.add((where, "table of curves"))
                        for point in leaf["by"].values():
                            p_form("curve point", point)

    for block in YAML_BLOCKS:
        data = YAML(typ="safe", pure=True).load(block)
        used.update(("top", k) for k in data)
        for spec in (data.get("drivers") or {}).values():
            used.update((f"driver {spec['dist']}", k) for k in spec)
        for spec in (data.get("events") or {}).values():
            node("event", spec)
        if data.get("signing"):
            node("signing", data["signing"])
        for spec in (data.get("pillars") or {}).values():
            node("pillar", spec)
            for clause in (spec.get("clauses") or {}).values():
                node("clause", clause)
        for q in (data.get("questions") or {}).values():
            if isinstance(q, dict):
                used.update(("question", k) for k in q)
        for o in data.get("observations") or []:
            used.update(("observation", k) for k in o)
        for spec in (data.get("attributes") or {}).values():
            used.update(("attribute", k) for k in spec)
            laws = [spec.get("dist"), *_leaves(spec.get("table"), _QUANTITIES)]
            for law in laws:
                if isinstance(law, dict):
                    used.update(("quantity", k) for k in law)
                elif law is not None:
                    used.add(("quantity", "number"))
    return used


def _leaves(table: Any, stop: tuple[str, ...]) -> list[Any]:
    if not isinstance(table, dict) or (len(table) == 1 and next(iter(table)) in stop):
        return [table] if table is not None else []
    return [leaf for sub in table.values() for leaf in _leaves(sub, stop)]


EXAMPLES = _examples()
_WANTED = sorted({
    *(("top", k) for k in TOP_KEYS),
    *(("driver normal", k) for k in ("dist", "mean", "sd", "label", "why", "source")),
    *(("driver uniform", k) for k in ("dist", "low", "high")),
    *(("node", k) for k in json_schema()["$defs"]["Pillar"]["properties"]),
    *(("signing", k) for k in json_schema()["$defs"]["Signing"]["properties"]),
    ("signing", "table of curves"), ("event", "table of curves"),
    *(("p", f) for f in ("number", "between", "beta")),
    *(("curve point", f) for f in ("number", "between", "beta")),
    *(("after", f) for f in ("name", "all", "any", "at_least+of")),
    *(("delay", f) for f in ("days", "between", "median+p90", "by")),
    ("levels", "dict"), ("levels", "list"),
    *(("question", k) for k in ("expr", "label", "why")),
    *(("observation", k) for k in json_schema()["$defs"]["Observation"]["properties"]),
    *(("attribute", k) for k in json_schema()["$defs"]["Attribute"]["properties"]),
    *(("quantity", f) for f in ("number", *_QUANTITIES)),
})


def test_the_example_collector_sees_the_forms() -> None:
    # hand-checked against the README: these are used in its blocks
    assert {("after", "all"), ("delay", "median+p90"), ("curve point", "between"),
            ("levels", "list"), ("quantity", "lognormal"), ("observation", "likelihood_ratio"),
            ("top", "extends"), ("p", "between")} <= EXAMPLES
    assert ("after", "bogus") not in EXAMPLES


@pytest.mark.parametrize("item", _WANTED, ids=lambda w: f"{w[0]}:{w[1]}")
def test_every_key_and_form_has_a_yaml_example(item: tuple[str, str]) -> None:
    assert item in EXAMPLES


# -- 4. documented defaults ---------------------------------------------------------------
def test_a_normal_drivers_mean_defaults_as_documented() -> None:
    (default,) = re.findall(r"normal: mean \(default (-?[0-9.]+)\)", SECTION)
    body = ("drivers:\n  a: {{dist: normal, {mean}sd: 1}}\n"
            "events:\n  x: {{p: 0.3, odds: {{a: 2}}}}\n")
    omitted = _p(_load(body.format(mean="")), "x")
    assert omitted == pytest.approx(_p(_load(body.format(mean=f"mean: {default}, ")), "x"),
                                    abs=1e-12)
    assert omitted != pytest.approx(_p(_load(body.format(mean="mean: 1, ")), "x"), abs=1e-3)


def test_a_milestones_p_defaults_as_documented() -> None:
    defaults = re.findall(r"\(default ([0-9.]+)\)", SECTION[SECTION.index("### Time"):
                                                             SECTION.index("### Categories")])
    assert len(defaults) == 2 and len(set(defaults)) == 1
    body = "signing: {by: {2025-06-30: 0.4}}\nevents:\n  m: {after: signing, delay: 0%s}\n"
    # delay 0: the milestone happens on signing day whenever it happens at all
    assert _p(_load(body % ""), "m") == pytest.approx(float(defaults[0]) * 0.4, abs=1e-12)
    assert _p(_load(body % ", p: 0.5"), "m") == pytest.approx(0.2, abs=1e-12)


def test_a_label_defaults_to_the_name_with_spaces() -> None:
    assert "else its name with spaces for `_`" in SECTION
    sc = _load("events:\n  my_big_event: {p: 0.5}\n  e2: {p: 0.5, label: Given}\n")
    assert sc.nodes["my_big_event"].label == "my big event"
    assert sc.nodes["e2"].label == "Given"


# -- 5. meanings --------------------------------------------------------------------------
def test_the_hazard_ratio_example_numbers() -> None:
    m = re.search(r"\((\d+)% not yet by June becomes (\d+)%\); 0\.5 takes the square root "
                  r"\((\d+)%\s+becomes (\d+)%\)", SECTION)
    assert m is not None
    not_yet, doubled, again, halved = (int(x) / 100 for x in m.groups())
    body = "events:\n  e: {p: 1}\nsigning:\n  by: {2025-06-30: %s}\n  hazard_ratio: {e: %s}\n"
    assert 1 - _p(_load(body % (1 - not_yet, 2)), "signing.date <= 2025-06-30") == \
        pytest.approx(doubled, abs=0.005)
    assert 1 - _p(_load(body % (1 - again, 0.5)), "signing.date <= 2025-06-30") == \
        pytest.approx(halved, abs=0.005)


def test_a_drivers_hazard_ratio_is_factor_to_the_value() -> None:
    # P(signed by d) = E[1 - 0.3^(2^Z)], Z ~ N(0, 1): Gauss-Hermite, 80 nodes
    z, w = [list(x) for x in __import__("numpy").polynomial.hermite_e.hermegauss(80)]
    ref = sum(wi * (1 - 0.3 ** (2 ** zi)) for zi, wi in zip(z, w, strict=True)) / math.sqrt(
        2 * math.pi)
    sc = _load("drivers:\n  a: {dist: normal, sd: 1}\nsigning:\n  by: {2025-06-30: 0.7}\n"
               "  hazard_ratio: {a: 2}\n")
    assert _p(sc, "signing.date <= 2025-06-30") == pytest.approx(ref, abs=2e-4)


def test_odds_multiply_per_unit_of_a_driver_and_when_a_parent_is_true() -> None:
    sc = _load("events:\n  b: {p: 1}\n  x: {p: 0.3, odds: {b: 1.5}}\n")
    assert _p(sc, "x") == pytest.approx(0.45 / (0.7 + 0.45), abs=1e-12)
    sc = _load("drivers:\n  a: {dist: uniform, low: 1, high: 1.000000001}\n"
               "events:\n  x: {p: 0.3, odds: {a: 1.5}}\n")
    assert _p(sc, "x") == pytest.approx(0.45 / (0.7 + 0.45), abs=1e-6)


def test_the_signing_curve_is_linear_in_days_and_its_complement_is_no_signing() -> None:
    assert "linear in calendar days between\n`as_of` (0) and each point" in SECTION
    sc = _load("signing: {by: {2025-04-11: 0.4, 2025-12-31: 0.8}}\n")  # day 100 of as_of
    assert _p(sc, "signing.date <= 2025-02-20") == pytest.approx(0.2, abs=1e-12)  # day 50
    assert _p(sc, "signing.date <= 2025-08-21") == pytest.approx(0.6, abs=1e-3)
    assert _p(sc, "not signing") == pytest.approx(1 - 0.8, abs=1e-12)


def test_a_comparison_with_a_missing_date_is_false_except_not_equal() -> None:
    sc = _load("signing: {by: {2025-06-30: 0.5}}\n")
    assert _p(sc, "signing.date <= 2025-12-31") == pytest.approx(0.5, abs=1e-12)
    assert _p(sc, "signing.date > 2025-01-01") == pytest.approx(0.5, abs=1e-12)
    # != is true when not signed: 0.5, plus the signed days other than that one
    assert _p(sc, "signing.date != 2025-03-01") > 0.99


def test_an_uncertain_curve_point_is_used_at_its_mean() -> None:
    from pactsim.language.distributions import between_to_beta

    a, b = between_to_beta(0.2, 0.4)
    sc = _load("signing: {by: {2025-06-30: {between: [0.2, 0.4]}}}\n")
    assert _p(sc, "signing") == pytest.approx(a / (a + b), abs=1e-9)


def test_between_is_a_90_percent_interval() -> None:
    from scipy import stats

    from pactsim.language.distributions import between_to_beta

    a, b = between_to_beta(0.1, 0.35)
    assert stats.beta.ppf([0.05, 0.95], a, b) == pytest.approx([0.1, 0.35], abs=1e-6)


def _fixed_signing(delays: str) -> pactsim.Scenario:
    sc = _load("signing: {by: {2025-06-30: 0.5}}\nevents:\n" + delays)
    return sc.do({"signing": "2025-03-01"})


def test_the_delay_forms_mean_what_the_readme_says() -> None:
    sc = _fixed_signing(
        "  curve: {after: signing, delay: {by: {10: 0.5, 20: 1}}}\n"
        "  never: {after: signing, delay: {by: {10: 0.6}}}\n"
        "  ln: {after: signing, delay: {median: 10, p90: 30}}\n"
        "  bt: {after: signing, delay: {between: [5, 50]}}\n"
        "  same_day: {after: signing, delay: 0}\n")
    ex = pactsim.exact(sc)
    # {by: ...}: linear from 0 on the anchor day; one minus the last value: never
    assert float(ex.prob("curve.date <= 2025-03-06")) == pytest.approx(0.25, abs=1e-12)
    assert float(ex.prob("curve.date <= 2025-03-11")) == pytest.approx(0.5, abs=1e-12)
    assert float(ex.prob("never")) == pytest.approx(0.6, abs=1e-12)
    # median/p90 and between: rounded up to whole days, so P(offset <= k) = F(k)
    assert float(ex.prob("ln.date <= 2025-03-11")) == pytest.approx(0.5, abs=1e-9)
    assert float(ex.prob("ln.date <= 2025-03-31")) == pytest.approx(0.9, abs=1e-9)
    assert float(ex.prob("bt.date <= 2025-03-06")) == pytest.approx(0.05, abs=1e-9)
    assert float(ex.prob("bt.date <= 2025-04-20")) == pytest.approx(0.95, abs=1e-9)
    assert float(ex.prob("same_day.date == 2025-03-01")) == pytest.approx(1.0, abs=1e-12)


def test_a_hazard_ratio_on_a_milestone_applies_to_its_delay() -> None:
    sc = _fixed_signing("  b: {p: 1}\n  m: {after: signing, delay: {by: {10: 0.7}}, "
                        "hazard_ratio: {b: 2}}\n")
    assert _p(sc, "m.date <= 2025-03-11") == pytest.approx(1 - 0.3 ** 2, abs=1e-12)


def test_the_after_forms_latest_earliest_and_kth() -> None:
    sc = _load("events:\n"
               "  a: {by: {2025-06-30: 0.5}}\n  b: {by: {2025-06-30: 0.5}}\n"
               "  c: {by: {2025-06-30: 0.5}}\n"
               "  m_all: {after: {all: [a, b]}, delay: 0}\n"
               "  m_any: {after: {any: [a, b]}, delay: 0}\n"
               "  m_2: {after: {at_least: 2, of: [a, b, c]}, delay: 0}\n")
    res = pactsim.simulate(sc, n=20_000, seed=5)  # exact inference refuses several anchors
    # per-draw identities: exactly 1 in every run, whatever the seed
    for identity in (
            "m_all == (a and b)", "m_any == (a or b)",
            "m_2 == at_least(2, a, b, c)",
            "not m_all or (m_all.date >= a.date and m_all.date >= b.date "
            "and (m_all.date == a.date or m_all.date == b.date))",
            "not m_any or ((not a or m_any.date <= a.date) and (not b or m_any.date <= b.date))",
            "not m_2 or (count(a.date <= m_2.date, b.date <= m_2.date, c.date <= m_2.date) >= 2"
            " and count(a.date < m_2.date, b.date < m_2.date, c.date < m_2.date) < 2)"):
        assert float(res.prob(identity)) == 1.0, identity


def test_a_condition_over_a_driver_is_a_parent() -> None:
    sc = _load('drivers:\n  a: {dist: normal, sd: 1}\nevents:\n'
               '  m: {given: ["a > 0"], table: {true: 0.9, false: 0.1}}\n')
    assert _p(sc, "m") == pytest.approx(0.5, abs=1e-9)


def test_a_format_1_file_keeps_its_draws_under_formats_2_and_3() -> None:
    main = next(b for b in YAML_BLOCKS if b.lstrip().startswith("# yaml-language-server"))
    assert "\npactsim: 1 " in main
    frames = [pactsim.simulate(pactsim.loads(main.replace("pactsim: 1 ", f"pactsim: {v} ", 1)),
                               n=2_000, seed=11).to_frame() for v in (1, 2, 3)]
    assert frames[0].equals(frames[1]) and frames[0].equals(frames[2])
    other = pactsim.simulate(pactsim.loads(main), n=2_000, seed=12).to_frame()
    assert not frames[0].equals(other)  # the comparison can fail


def _levels_demo() -> pactsim.Scenario:
    return pactsim.loads(next(b for b in YAML_BLOCKS if "id: levels-demo" in b))


def test_the_categories_example_numbers() -> None:
    ex = pactsim.exact(_levels_demo())
    assert "P(binding_treaty) = 0.9 × P(signed)" in SECTION
    assert float(ex.prob("legal_form == binding_treaty")) == pytest.approx(
        0.9 * float(ex.prob("signing")), abs=1e-12)
    assert "generic : named stays 3 : 5" in SECTION
    ratio = float(ex.prob("instc == generic")) / float(ex.prob("instc == named"))
    assert ratio == pytest.approx(3 / 5, abs=1e-12)
    assert float(ex.prob("instc == absent")) == pytest.approx(float(ex.prob("not instc")),
                                                              abs=1e-12)
    assert float(ex.prob("instc=named")) == pytest.approx(float(ex.prob("instc == named")),
                                                          abs=1e-12)
    assert _levels_demo().outcomes["instc"][0] == "absent"


def test_categorical_odds_move_present_against_absent() -> None:
    sc = _load("events:\n  b: {p: 0.5}\n  e:\n    levels: {absent: 0.2, generic: 0.3, "
               "named: 0.5}\n    odds: {b: 2}\n", v=3)
    ex = pactsim.exact(sc)
    assert float(ex.prob("e", given="b")) == pytest.approx(8 / 9, abs=1e-12)  # 4:1 -> 8:1
    assert float(ex.prob("e == generic", given="b and e")) == pytest.approx(3 / 8, abs=1e-12)


def test_an_outcome_a_row_leaves_out_has_probability_zero() -> None:
    sc = _load("events:\n  b: {p: 0.5}\n  f:\n    levels: [x, y, z]\n    given: [b]\n"
               "    table: {true: {x: 0.5, y: 0.5}, false: {z: 1}}\n", v=3)
    assert _p(sc, "f == z and b") == 0.0
    assert _p(sc, "in(f, x, y)") == pytest.approx(0.5, abs=1e-12)


@pytest.mark.parametrize(("n", "ok"), [(1, False), (2, True), (12, True), (13, False)])
def test_a_categorical_node_has_2_to_12_outcomes(n: int, ok: bool) -> None:
    assert "2 to 12 of them" in SECTION
    levels = ", ".join(f"l{i}: {1 / n!r}" for i in range(n - 1)) + f", l{n - 1}: " \
        f"{1 - (n - 1) * (1 / n)!r}" if n > 1 else "l0: 1"
    body = f"events:\n  e: {{levels: {{{levels}}}}}\n"
    if ok:
        assert _load(body, v=3).outcomes["e"][-1] == f"l{n - 1}"
    else:
        assert any("outcome" in p.message for p in _problems(body, v=3))


def test_soft_and_hard_observations_combine_as_documented() -> None:
    sc = _load("events:\n  e: {p: 0.5}\n  f: {p: 0.5}\nobservations:\n"
               "  - {date: 2025-02-01, source: x, evidence: e, likelihood_ratio: 3}\n"
               "  - {date: 2025-02-01, source: x, evidence: e, likelihood_ratio: 3}\n"
               "  - {date: 2025-02-02, source: y, evidence: f}\n")
    assert _p(sc, "e") == pytest.approx(9 / 10, abs=1e-12)  # weights multiply: 9 : 1
    assert _p(sc, "f") == pytest.approx(1.0, abs=1e-12)
    assert _p(sc, "f", observations=False) == pytest.approx(0.5, abs=1e-12)


def test_an_observation_is_dated_after_as_of_and_on_or_before_the_horizon() -> None:
    obs = "events:\n  e: {p: 0.5}\nobservations:\n  - {date: %s, source: x, evidence: e}\n"
    assert _load(obs % "2025-12-31").observations
    for day in ("2025-01-01", "2026-01-01"):
        (problem,) = _problems(obs % day)
        assert problem.field == "observations[0].date" and problem.line == 8


def test_an_attribute_missing_behind_a_gate_compares_false_except_not_equal() -> None:
    sc = _load("signing: {by: {2025-06-30: 0.5}}\nattributes:\n"
               "  n: {dist: {values: {1.4: 0.5, 2.6: 0.5}}, round: true, requires: [signing]}\n"
               "questions:\n  whole: n\n", v=3)
    assert _p(sc, "n == 1") == pytest.approx(0.25, abs=1e-12)  # rounded to 1 and 3
    assert _p(sc, "n < 100") == pytest.approx(0.5, abs=1e-12)  # missing when not signed
    assert _p(sc, "n != 1") == pytest.approx(0.75, abs=1e-12)


def test_round_says_how_it_breaks_ties() -> None:
    sc = _load("attributes:\n  n: {dist: {values: {2.5: 0.5, 3.5: 0.5}}, round: true}\n", v=3)
    assert _p(sc, "n == 2") == 0.5 and _p(sc, "n == 4") == 0.5  # half to even: the code
    nearby = SECTION[SECTION.index("`round: true` rounds"):][:200]
    assert "even" in nearby


def test_the_lognormal_sd_bound_example() -> None:
    assert "for a median of 1, a p90 up to about 2.8e8" in SECTION
    law = "attributes:\n  n: {dist: {lognormal: {median: 1, p90: %s}}}\n"
    assert _load(law % "2.7e8", v=3).attributes["n"]
    (problem,) = _problems(law % "2.9e8", v=3)
    assert problem.field == "attributes.n.dist.lognormal.p90"


def test_the_quoted_error_messages_are_what_the_loader_says() -> None:
    quoted = re.search(r"`(observations\[2\]\.evidence: [^`]+)`", SECTION.replace("\n  ", " "))
    assert quoted is not None
    problems = _problems("signing: {by: {2025-06-30: 0.5}}\nevents:\n  e: {p: 0.5}\n"
                         "observations:\n" + "  - {date: 2025-02-01, source: x, evidence: e}\n"
                         * 2 + "  - {date: 2025-02-01, source: x, evidence: signin}\n")
    assert [p for p in problems if quoted.group(1) in str(p)]
    quoted = re.search(r"`(attributes\.n\.dist\.normal\.sd:\s+= 0 must be > 0)`", SECTION)
    assert quoted is not None
    (problem,) = _problems("attributes:\n  n: {dist: {normal: {mean: 1, sd: 0}}}\n", v=3)
    assert re.sub(r"\s+", " ", quoted.group(1)) in str(problem)


@pytest.mark.parametrize(("name", "body"), [
    ("given", "events:\n  e: {given: [n], table: {true: 0.5, false: 0.2}}\n"),
    ("odds", "events:\n  e: {p: 0.4, odds: {n: 2}}\n"),
    ("requires", "events:\n  e: {p: 0.4, requires: [n]}\n"),
    ("excludes", "events:\n  e: {p: 0.4, excludes: [n]}\n"),
    ("a condition", "events:\n  e: {p: 0.4, odds: {'n > 0': 2}}\n")])
def test_no_node_may_depend_on_an_attribute(name: str, body: str) -> None:
    (problem,) = _problems(body + "attributes:\n  n: {dist: 1}\n", v=3)
    assert problem.line == 6 and "numeric attribute" in problem.message


# -- 6. documented errors are located, with a fix -----------------------------------------
_SIGNING = "signing: {by: {2025-06-30: 0.5}}\n"
ERRORS = [
    # (documented rule, body, field, the text the column points at, words of the fix)
    ("a negative delay", _SIGNING + "events:\n  m: {after: signing, delay: -3}\n",
     "events.m.delay", "-3", ">= 0 days"),
    ("a negative median", _SIGNING + "events:\n  m: {after: signing, delay: {median: -3, "
     "p90: 5}}\n", "events.m.delay", "{median", "> 0 days"),
    ("after naming an undated node", "events:\n  x: {p: 0.5}\n  m: {after: x, delay: 3}\n",
     "events.m.after", "x, delay", "after must name dated nodes"),
    ("a cycle through dates", "events:\n  a: {after: b, delay: 3}\n  b: {after: a, delay: 3}\n",
     "events.a", "a: {after: b", "remove one of these dependencies"),
    ("a cycle through a condition", "events:\n  a: {by: {2025-06-30: 0.5}, hazard_ratio: "
     "{\"b.date <= 2025-03-01\": 2}}\n  b: {after: a, delay: 3}\n", "events.a", "a: {by",
     "remove one of these dependencies"),
    ("a decreasing curve", "signing: {by: {2025-03-31: 0.5, 2025-06-30: 0.4}}\n",
     "signing.by.2025-06-30", "0.4", "must not decrease"),
    ("a decreasing delay curve", _SIGNING + "events:\n  m: {after: signing, delay: {by: "
     "{30: 0.5, 60: 0.4}}}\n", "events.m.delay", "{by", "must not decrease"),
    ("a point on as_of", "signing: {by: {2025-01-01: 0.1, 2025-06-30: 0.4}}\n",
     "signing.by.2025-01-01", "2025-01-01: 0.1", "the curve starts at 0 on as_of"),
    ("a point after the horizon", "signing: {by: {2025-06-30: 0.4, 2026-01-01: 0.5}}\n",
     "signing.by.2026-01-01", "2026-01-01", "move the horizon or drop the point"),
    ("crossing 90% ranges", "signing: {by: {2025-03-31: {between: [0.1, 0.5]}, 2025-06-30: "
     "{between: [0.4, 0.7]}}}\n", "signing.by.2025-06-30", "{between: [0.4",
     "narrow the ranges"),
    ("p on a dated event", "events:\n  e: {by: {2025-06-30: 0.5}, p: 0.3}\n", "events.e.p",
     "p: 0.3", "drop p"),
    ("odds on a dated event", "events:\n  b: {p: 0.5}\n  e: {by: {2025-06-30: 0.5}, odds: "
     "{b: 2}}\n", "events.e.odds", "odds", "hazard_ratio"),
    ("a dated pillar", _SIGNING + "pillars:\n  x: {p: 0.5, by: {2025-06-30: 0.5}}\n",
     "pillars.x.by", "by:", "put the timing on an event"),
    ("a hazard ratio on a fixed delay", _SIGNING + "events:\n  b: {p: 0.5}\n  m: {after: "
     "signing, delay: 3, hazard_ratio: {b: 2}}\n", "events.m.hazard_ratio", "hazard_ratio",
     "give the delay a spread"),
    ("a fixed delay over 36,525 days", _SIGNING + "events:\n  m: {after: signing, delay: "
     "36526}\n", "events.m.delay", "36526", "at most 36,525 days"),
]


@pytest.mark.parametrize(("rule", "body", "field", "at", "fix"), ERRORS,
                         ids=[e[0] for e in ERRORS])
def test_each_documented_error_is_located_with_a_fix(rule: str, body: str, field: str, at: str,
                                                     fix: str) -> None:
    text = HEADER.format(v=2) + body
    (problem,) = _problems(body)
    # hand-derived position: the last line holding `at` (each is chosen to be unique there)
    lines = text.splitlines()
    line = max(i for i, x in enumerate(lines, 1) if at in x)
    assert (problem.path, problem.field) == ("t.yaml", field)
    assert problem.line == line and problem.column == lines[line - 1].index(at) + 1
    assert fix in problem.message


def test_what_users_see_from_pactsim_check(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           ) -> None:
    from pactsim.cli import main

    path = tmp_path / "bad.yaml"
    path.write_text(HEADER.format(v=2) + "signing: {by: {2025-06-30: 0.5, 2025-03-31: 0.6, "
                    "2026-02-01: 0.7}}\nevents:\n  x: {p: 0.5}\n  m: {after: x, delay: -3}\n")
    assert main(["check", str(path)]) == 2
    seen = capsys.readouterr()
    err = seen.err + seen.out
    for expected in (f"{path}:5:33: signing.by.2025-03-31: ", f"{path}:5:50: signing.by.2026-02-01",
                     f"{path}:8:14: events.m.after: ", f"{path}:8:24: events.m.delay: "):
        assert expected in err


@pytest.mark.parametrize(("key", "body", "field", "v"), [
    ("by", "events:\n  e: {by: {2025-06-30: 0.5}}\n", "events.e.by", 2),
    ("why_by", "events:\n  e: {p: 0.5, why_by: {2025-06-30: x}}\n", "events.e.why_by", 2),
    ("after", _SIGNING + "events:\n  e: {after: signing, delay: 3}\n", "events.e.after", 2),
    ("hazard_ratio", "events:\n  b: {p: 0.5}\nsigning: {by: {2025-06-30: 0.5}, hazard_ratio: "
     "{b: 2}}\n", "signing.hazard_ratio", 2),
    ("given", "events:\n  b: {p: 0.5}\nsigning:\n  given: [b]\n  table: {true: {by: "
     "{2025-06-30: 0.5}}, false: {by: {2025-06-30: 0.2}}}\n", "signing.given", 2),
    ("observations", "events:\n  e: {p: 0.4}\nobservations:\n  - {date: 2025-02-01, source: x,"
     " evidence: e}\n", "observations", 2),
    ("levels", "events:\n  e: {levels: {a: 0.5, b: 0.5}}\n", "events.e.levels", 3),
    ("attributes", "attributes:\n  n: {dist: 3}\n", "attributes", 3),
])
def test_a_newer_key_in_an_older_file_is_told_the_format(key: str, body: str, field: str,
                                                         v: int) -> None:
    for older in range(1, v):
        problems = [p for p in _problems(body, v=older) if p.field == field]
        assert problems and f"pactsim: {v}" in problems[0].message, (older, problems)


# -- 7. limits ----------------------------------------------------------------------------
def test_the_stated_limits_are_the_codes() -> None:
    from pactsim.language import _yaml, expr, extends, validate
    from pactsim.language.scenario import MAX_DELAY_DAYS, MAX_LEVELS, MAX_OBSERVATIONS

    said = re.sub(r"\s+", " ", SECTION)
    assert f"at most {validate.MAX_GIVEN} `given` parents (2^{validate.MAX_GIVEN} rows" in said
    assert f"follows at most {validate.MAX_AFTER} dated nodes" in said
    assert f"at most {MAX_DELAY_DAYS:,} days" in said
    assert f"lie in {validate.FIRST_DATE.year}–{validate.LAST_DATE.year}" in said
    assert (f"at most {validate.MAX_SPAN_YEARS * 366:,} days (about "
            f"{validate.MAX_SPAN_YEARS} years) apart") in said
    assert f"at most {_yaml.MAX_BYTES // 1000} kB and {_yaml.MAX_NODES:,} YAML nodes" in said
    assert f"nest at most {expr.MAX_DEPTH} deep" in said
    assert f"At most {MAX_OBSERVATIONS:,} entries" in said
    assert f"at most {extends.MAX_EXTENDS} `extends`" in said
    assert f"2 to {MAX_LEVELS} of them" in said


@pytest.mark.parametrize(("as_of", "horizon", "ok"), [
    ("1900-01-01", "1900-12-31", True), ("1899-12-31", "1900-06-30", False),
    ("2199-01-01", "2199-12-31", True), ("2199-01-01", "2200-01-01", False),
    ("2000-01-01", "2050-01-01", True), ("2000-01-01", "2051-01-02", False)])
def test_the_date_limits(as_of: str, horizon: str, ok: bool) -> None:
    body = "events:\n  e: {p: 0.5}\n"
    if ok:
        assert _load(body, as_of=as_of, horizon=horizon).horizon == dt.date.fromisoformat(
            horizon)
    else:
        assert _problems(body, as_of=as_of, horizon=horizon)


def test_fifty_years_is_counted_as_fifty_times_366_days() -> None:
    # the README says "at most 18,300 days (about 50 years) apart": 50 x 366 days, so a
    # horizon 50 years and a month after as_of is accepted, a day more is not
    assert "at most 18,300 days (about 50 years) apart" in re.sub(r"\s+", " ", SECTION)
    assert _load("events:\n  e: {p: 0.5}\n", as_of="2000-01-01", horizon="2050-02-07")
    assert _problems("events:\n  e: {p: 0.5}\n", as_of="2000-01-01", horizon="2050-02-08")


def test_a_file_meets_the_node_limit_before_1000_observations() -> None:
    # the README says "At most 1,000 entries" and that in a file the 5,000-node limit
    # comes first (each short entry is 7 YAML nodes), so only from_dict reaches 1,000
    assert "the limit of 5,000 YAML nodes comes first, at about 700 entries" in \
        re.sub(r"\s+", " ", SECTION)
    entry = "  - {date: 2025-02-01, source: x, evidence: e}\n"
    assert len(_load("events:\n  e: {p: 0.5}\nobservations:\n" + entry * 700).observations) \
        == 700
    (problem,) = _problems("events:\n  e: {p: 0.5}\nobservations:\n" + entry * 1000)
    assert "5,000 nodes" in problem.message
    entries = [{"date": "2025-02-01", "source": "x", "evidence": "e"}] * 1000
    data: dict[str, Any] = {"pactsim": 2, "id": "t", "as_of": "2025-01-01", "horizon": "2025-12-31",
            "events": {"e": {"p": 0.5}},
            "observations": entries}
    assert len(pactsim.from_dict(data).observations) == 1000
    with pytest.raises(ScenarioError, match="at most 1,000"):
        pactsim.from_dict({**data, "observations": entries * 2})


# -- 8. variants --------------------------------------------------------------------------
def _merge_sentence() -> tuple[set[str], set[str]]:
    """The sections the README says merge by name, and those it says replace whole."""
    said = re.sub(r"\s+", " ", SECTION)
    m = re.search(r"sections merge into it: in (.*?), a name the variant gives.*?every other "
                  r"key \((.*?)\) replaces", said)
    assert m is not None
    return set(re.findall(r"`(\w+)`", m.group(1))), set(re.findall(r"`(\w+)`", m.group(2)))


def test_attributes_merge_by_name_in_a_variant(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(
        HEADER.format(v=3) + "attributes:\n  n: {dist: 10}\n  m: {dist: 5}\n")
    (tmp_path / "v.yaml").write_text(
        "pactsim: 3\nextends: base.yaml\nid: v\nattributes:\n  n: {dist: 20}\n  k: {dist: 1}\n")
    sc = pactsim.load(tmp_path / "v.yaml")
    laws = {k: a.row_quantity(None).written for k, a in sc.attributes.items()}
    assert list(laws.items()) == [("n", 20), ("m", 5), ("k", 1)]  # n in place, k at the end


def test_the_merged_sections_are_those_of_the_code() -> None:
    from pactsim.language.extends import _BY_NAME

    by_name, _whole = _merge_sentence()
    assert by_name == set(_BY_NAME)


def test_every_top_level_key_has_a_merge_rule() -> None:
    by_name, whole = _merge_sentence()
    said = by_name | whole | {"observations", "extends", "set"}  # observations: appended
    assert "adds its observations after the base's" in re.sub(r"\s+", " ", SECTION)
    assert set(TOP_KEYS) - said == set()


@pytest.mark.parametrize(("id_", "ok"), [("a", True), ("9-b.c_d", True), ("-a", False),
                                         (".a", False), ("_a", False), ("A", False)])
def test_the_id_rule_is_the_readmes(id_: str, ok: bool) -> None:
    assert "lowercase letters, digits, . _ - (a letter or digit first)" in SECTION
    body = "pactsim: 2\nid: '%s'\nas_of: 2025-01-01\nhorizon: 2025-12-31\nevents:\n  e: {p: 0.5}\n"
    if ok:
        assert pactsim.loads(body % id_).id == id_
        return
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(body % id_)
    (problem,) = err.value.problems
    assert problem.field == "id" and "starting with a letter or digit" in problem.message
