"""``ExactResults.with_changes``: the answers of ``exact(sc.with_changes(...))``, to the
last bit, whether the change took the fast path (numbers swapped into the compiled
model, :class:`pactsim.inference.renumber.Renumber`) or the full one; a mistake is
reported as ``Scenario.with_changes`` reports it."""

from __future__ import annotations

import glob
from typing import Any

import numpy as np
import pytest

import pactsim
from helpers import whole
from pactsim.errors import ArgumentError, ScenarioError
from pactsim.results.exact import _Variant

FILES = sorted(glob.glob("scenarios/*.yaml"))


def _numbers(sc: pactsim.Scenario) -> list[tuple[str, float]]:
    """Every number written in an event, pillar or clause, as ``(dotted key, value)``."""
    out: list[tuple[str, float]] = []
    for name, view in sc.nodes.items():
        if not view.is_binary:
            continue
        todo: list[tuple[str, Any]] = [(name, view.spec.model_dump(exclude_defaults=True))]
        while todo:
            key, d = todo.pop()
            if isinstance(d, dict):
                for k, v in d.items():
                    part = k.isoformat() if hasattr(k, "isoformat") else str(k).lower() \
                        if isinstance(k, bool) else str(k)
                    todo.append((f"{key}.{part}", v))
            elif isinstance(d, int | float) and not isinstance(d, bool):
                out.append((key, float(d)))
    return out


def _scaled(value: Any, factor: float) -> Any:
    """``value`` with every number in it times ``factor`` (containers copied)."""
    if isinstance(value, dict):
        return {k: _scaled(v, factor) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scaled(v, factor) for v in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value * factor
    return value


def _containers(sc: pactsim.Scenario) -> list[tuple[str, Any]]:
    """Every field of an event, pillar or clause that holds numbers in a mapping
    (``odds``, ``hazard_ratio``, ``delay``, ``by``, ``table``, an uncertain ``p``)."""
    out = []
    for name, view in sc.nodes.items():
        if view.is_binary:
            dump = view.spec.model_dump(exclude_defaults=True)
            out += [(f"{name}.{k}", v) for k, v in dump.items()
                    if isinstance(v, dict) and k not in ("why_by", "why_table", "clauses")]
    return out


def _outcome(f: Any) -> tuple[str, Any]:
    try:
        res = f()
    except Exception as err:  # both paths must fail alike
        return type(err).__name__, str(err)
    return "ok", res


def _same(fast: pactsim.ExactResults, full: pactsim.ExactResults, *,
          questions: bool = True) -> None:
    np.testing.assert_array_equal(fast._p, full._p)
    if questions:  # each question a joint law: the costly part of a comparison
        assert fast._question_probs() == full._question_probs()
    assert fast.model.digest == full.model.digest


def _compare(ex: pactsim.ExactResults, sc: pactsim.Scenario, key: str, new: Any, *,
             questions: bool = True) -> bool:
    """``ex.with_changes({key: new})`` against a whole compile of the changed scenario:
    the same answers (every node's; the questions' too if ``questions``), digest and
    scenario, or the same error; whether it took the fast path."""
    kind, fast = _outcome(lambda: ex.with_changes({key: new}))
    want_kind, full = _outcome(lambda: pactsim.exact(whole(sc.with_changes({key: new}))))
    assert (kind, kind == "ok" or fast) == (want_kind, want_kind == "ok" or full), (key, new)
    if kind != "ok":
        return False
    taken = isinstance(fast._scenario, _Variant)  # before .scenario builds the variant
    _same(fast, full, questions=questions)
    assert fast.scenario.digest == full.scenario.digest
    return taken


@pytest.mark.parametrize("path", FILES)
def test_every_number_changed_gives_the_answers_of_the_changed_scenario(path: str) -> None:
    sc = pactsim.load(path)
    ex = pactsim.exact(sc)
    numbers = _numbers(sc)
    assert numbers
    taken = 0
    for i, (key, value) in enumerate(numbers):
        # a value the node allows (most of the time), the ends of [0, 1], values out of
        # range, and one that breaks a curve or a sum of outcomes here and there
        far = (1.5 if value <= 1 else -3.0, 0.0, 1.0, 1e6, -1e-9)[i % 5]
        for new in (value * 0.9 if i % 2 else value * 0.8 + 0.1, far):
            taken += _compare(ex, sc, key, new, questions=i % 4 == 0)
    assert taken >= len(numbers) // 2  # the fast path is the usual one


@pytest.mark.parametrize("path", FILES)
def test_every_mapping_of_numbers_changed_whole_gives_the_answers_of_the_changed_scenario(
        path: str) -> None:
    sc = pactsim.load(path)
    ex = pactsim.exact(sc)
    taken = 0
    for i, (key, value) in enumerate(_containers(sc)):
        for factor in ((0.9, 1.2) if i % 2 else (1.1, 0.5)):
            taken += _compare(ex, sc, key, _scaled(value, factor), questions=i % 2 == 0)
    assert taken or not _containers(sc)


def test_outcome_chances_changed_together_take_the_fast_path() -> None:
    sc = pactsim.load("scenarios/iran-russia-2024.yaml")
    ex = pactsim.exact(sc)
    levels = sc.nodes["instc"].spec.levels
    assert isinstance(levels, dict)
    (a, pa), (b, pb) = list(levels.items())[:2]
    change = {f"instc.levels.{a}": pa + 0.05, f"instc.levels.{b}": pb - 0.05}
    got = ex.with_changes(change)
    assert isinstance(got._scenario, _Variant)
    _same(got, pactsim.exact(whole(sc.with_changes(change))))
    one = {f"instc.levels.{a}": pa + 0.05}  # alone, the chances no longer sum to 1
    with pytest.raises(ScenarioError, match="sum to"):
        ex.with_changes(one)


def test_changes_of_changes_accumulate_and_the_scenario_is_built_only_when_read() -> None:
    sc = pactsim.load("scenarios/iran-russia-2024.yaml")
    ex = pactsim.exact(sc)
    once = ex.with_changes({"su35_sale.p": 0.3})
    twice = once.with_changes({"military.p": 0.5, "su35_sale.p": 0.35})
    assert isinstance(twice._scenario, _Variant)
    assert twice._scenario.steps == ({"su35_sale.p": 0.3},
                                     {"military.p": 0.5, "su35_sale.p": 0.35})
    assert twice._scenario._scenario is None  # nothing validated yet
    want = pactsim.exact(whole(sc.with_changes({"su35_sale.p": 0.35, "military.p": 0.5})))
    _same(twice, want)
    assert twice.scenario.nodes["military"].spec.p == 0.5
    assert isinstance(twice._scenario, pactsim.Scenario)
    # questions, marginals and dates read the structure only, and agree
    assert twice.marginals().equals(want.marginals())
    assert twice.questions().equals(want.questions())
    assert twice.date_cdf("in_force").equals(want.date_cdf("in_force"))


@pytest.mark.parametrize(("changes", "more", "fast"), [
    ({"su35_sale.p": {"between": [0.1, 0.4]}}, {}, True),     # an uncertain p
    ({"ratified_ru.delay": {"median": 112.0, "p90": 240.0}}, {}, True),
    ({"signing.hazard_ratio": {"alignment": 0.7, "us_trump_win": 1.2,
                               "iran_israel_escalation": 0.85}}, {}, True),
    ({"military.why": "a new reason"}, {}, True),             # not in the model
    ({"instc.levels": {"absent": 0.1, "generic": 0.4, "named": 0.5}}, {}, True),
    ({"instc.levels": {"absent": 0.1, "named": 0.5, "generic": 0.4}}, {}, False),  # order
    ({"instc.levels": {"absent": 0.5, "named": 0.5}}, {}, False),  # outcomes
    ({"signing.hazard_ratio": {"alignment": 0.7}}, {}, False),   # fewer parents
    ({"ratified_ru.delay": {"median": 300.0, "p90": 200.0}}, {}, False),  # refused
    ({"military.p": True}, {}, False),                        # refused
    ({"military.label": "Arms"}, {}, False),                  # the model holds labels
    ({"drivers.alignment.sd": 1.5}, {}, False),              # a driver: not a node's
    ({"signing.by.2025-06-30": 0.5}, {}, False),             # adds a point
    ({"ratified_ir.after.k": 1}, {}, False),                 # absent field / structure
    ({}, {"horizon": "2026-06-30"}, False),                  # a top-level field
])
def test_which_changes_take_the_fast_path(changes: dict[str, Any], more: dict[str, Any],
                                           fast: bool) -> None:
    sc = pactsim.load("scenarios/iran-russia-2024.yaml")
    ex = pactsim.exact(sc)
    kind, got = _outcome(lambda: ex.with_changes(changes, **more))
    want_kind, want = _outcome(lambda: pactsim.exact(whole(sc.with_changes(changes, **more))))
    assert kind == want_kind
    if kind != "ok":
        assert got == want
        assert not fast
        return
    assert isinstance(got._scenario, _Variant) == fast
    _same(got, want)
    assert got.scenario == want.scenario


def test_evidence_is_kept() -> None:
    sc = pactsim.load("scenarios/iran-russia-2024.yaml")
    ex = pactsim.exact(sc, evidence={"military": True})
    got = ex.with_changes({"su35_sale.p": 0.2})
    want = pactsim.exact(whole(sc.with_changes({"su35_sale.p": 0.2})),
                         evidence={"military": True})
    assert type(got) is type(want)
    assert isinstance(got._scenario, _Variant)
    assert got.prob("signing").value == want.prob("signing").value
    assert got.prob("military").value == 1.0


@pytest.mark.parametrize("path", FILES)
def test_a_variant_is_compiled_from_its_base_as_a_whole_compile_would(path: str) -> None:
    """``compile_scenario`` of a ``with_changes`` variant of a compiled scenario starts
    from the base's model when the change is one of numbers: the model equals compiling
    the variant whole (plan by plan), and only the changed nodes have new plans."""
    from pactsim.inference.compile import compile_scenario
    from pactsim.inference.renumber import Renumber

    sc = pactsim.load(path)
    base = compile_scenario(sc)
    derived = 0
    for i, (key, value) in enumerate(_numbers(sc)[:16]):
        try:
            variant = sc.with_changes({key: value * 0.9 if i % 2 else value * 0.8 + 0.1})
        except (ScenarioError, ArgumentError):
            continue  # refused (a fixed delay of 24.1 days; a number inside a delay)
        got, want = compile_scenario(variant), compile_scenario(whole(variant))
        assert got.digest == want.digest == variant.digest
        assert got.names == want.names
        node = Renumber.of(sc).locate(key)[0]  # "military.clauses.defence.p": defence
        shared = {a.name for a, c in zip(got.plans, base.plans, strict=True) if a is c}
        if shared:  # compiled from the base: every plan but the changed node's is shared
            derived += 1
            assert shared == {a.name for a in got.plans if a.name != node
                              and not a.name.startswith(node + "=")}, key
        for a, b in zip(got.plans, want.plans, strict=True):
            for f in ("p_given", "beta_given", "odds_logf", "driver_logf", "gates_true",
                      "gates_false", "given", "odds_parents", "drivers"):
                x, y = getattr(a, f), getattr(b, f)
                assert (x is None and y is None) or np.array_equal(x, y, equal_nan=True), \
                    (key, a.name, f)
        assert sorted(got.timing) == sorted(want.timing)
        for k, t in got.timing.items():
            for f in ("days", "cum"):
                if hasattr(t, f):
                    assert np.array_equal(getattr(t, f), getattr(want.timing[k], f))
        assert variant._derived is None  # the variant let its base go
    assert derived >= 1


def test_a_change_of_structure_is_compiled_whole() -> None:
    from pactsim.inference.compile import compile_scenario

    sc = pactsim.load("scenarios/iran-russia-2024.yaml")
    base = compile_scenario(sc)
    for change in ({"military.label": "Arms"}, {"horizon": "2026-06-30"},
                   {"signing.hazard_ratio": {"alignment": 0.7}}):
        model = compile_scenario(sc.with_changes(change))
        assert not any(a is b for a, b in zip(model.plans, base.plans, strict=False)), change


def test_a_pickled_variant_leaves_its_base_behind() -> None:
    import pickle

    from pactsim.inference.compile import compile_scenario

    sc = pactsim.load("scenarios/iran-russia-2024.yaml")
    compile_scenario(sc)
    pactsim.exact(sc).with_changes({"military.p": 0.4})  # sc now holds its Renumber
    variant = sc.with_changes({"military.p": 0.5})
    assert variant._derived is not None and sc._renumber is not None
    alone = pickle.loads(pickle.dumps(variant))
    assert alone._derived is None and alone == variant
    assert pickle.loads(pickle.dumps(sc))._renumber is None
    assert len(pickle.dumps(variant)) < 1.5 * len(pickle.dumps(whole(variant)))
    _same(pactsim.exact(alone), pactsim.exact(whole(variant)))
    assert variant._derived is not None  # pickling took nothing from the original
