"""``recompile``: new numbers swapped into a compiled model must equal compiling the
changed scenario (the fast path of the spread of a forecast and of Sobol indices)."""

from __future__ import annotations

import glob

import numpy as np
import pytest

import pactsim
from pactsim.analysis.spread import _Answers, _Numbers, uncertain_inputs
from pactsim.inference.compile import compile_scenario
from pactsim.inference.renumber import NotNumbers, Renumber

FILES = [f for f in sorted(glob.glob("scenarios/*.yaml"))
         if uncertain_inputs(pactsim.load(f))]


def _changes(sc: pactsim.Scenario, rng: np.random.Generator) -> dict[str, float]:
    out: dict[str, float] = {}
    for inp in uncertain_inputs(sc):
        out.update(zip(inp.paths, map(float, inp.values(rng.uniform(size=1))[0]), strict=True))
    return out


def _same_array(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is b
    x, y = np.asarray(a), np.asarray(b)
    return x.shape == y.shape and np.array_equal(x, y, equal_nan=True)


def test_some_scenarios_have_uncertain_inputs() -> None:
    assert "scenarios/iran-russia-2024.yaml" in FILES


@pytest.mark.parametrize("path", FILES)
def test_recompiled_model_equals_compiled_variant(path: str) -> None:
    sc = pactsim.load(path)
    rng = np.random.default_rng(7)
    fast = _Numbers(sc)
    for _ in range(3):
        ch = _changes(sc, rng)
        got = fast.model_for(ch)
        want = compile_scenario(sc.with_changes(ch))
        assert got.names == want.names
        for a, b in zip(got.plans, want.plans, strict=True):
            for f in ("p_given", "beta_given", "odds_logf", "driver_logf"):
                assert _same_array(getattr(a, f), getattr(b, f)), (a.name, f)
            assert (a.given, a.odds_parents, a.drivers, a.gates_true, a.gates_false) == \
                (b.given, b.odds_parents, b.drivers, b.gates_true, b.gates_false)
        assert [(d.knots, d.blind, d.a, d.b) for d in got.drivers] == \
            [(d.knots, d.blind, d.a, d.b) for d in want.drivers]
        assert sorted(got.timing) == sorted(want.timing)
        fast.model.scope()  # made on the base: the later rounds' models keep it
        assert got.scope() == want.scope()
        for i, t in got.timing.items():
            u = want.timing[i]
            for f in ("days", "cum"):
                if hasattr(t, f):
                    assert _same_array(getattr(t, f), getattr(u, f)), (t.name, f)


@pytest.mark.parametrize("path", FILES)
def test_fast_answers_equal_exact_of_the_variant(path: str) -> None:
    sc = pactsim.load(path)
    m = compile_scenario(sc)
    questions = [q for q, (_t, kind) in m.questions.items() if kind == "bool"][:3]
    questions += list(sc.binary_names)[:3]
    rng = np.random.default_rng(11)
    for q in questions:
        ans = _Answers(sc, q, q, 0)
        for _ in range(2):
            ch = _changes(sc, rng)
            want = pactsim.exact(sc.with_changes(ch)).prob(q).value
            assert ans(ch) == pytest.approx(want, abs=1e-13), (q, ch)


@pytest.mark.parametrize("drawn", [False, True], ids=["checked", "drawn"])
def test_a_parameter_set_leaves_the_next_one_untouched(drawn: bool) -> None:
    """``model_for`` copies only what it changes of a node (the rest of the cached dump,
    or of the spec for drawn numbers, is shared): one change of a node must not reach
    the next parameter set, which changes another number of the same node."""
    sc = pactsim.load("scenarios/iran-russia-2024.yaml")
    fast = Renumber(sc)
    first = {"ukraine_war_continues.table.true": 0.61}
    second = {"ukraine_war_continues.table.false": 0.42}
    spec = sc.nodes["ukraine_war_continues"].spec
    dump = spec.model_dump(exclude_defaults=True)
    fast.model_for(first, drawn=drawn)
    if not drawn:
        assert fast._dumps["ukraine_war_continues"] == dump  # the cache is as loaded
    assert spec.model_dump(exclude_defaults=True) == dump  # the scenario is as loaded
    got = fast.model_for(second, drawn=drawn)
    want = compile_scenario(sc.with_changes(second))
    other = compile_scenario(sc.with_changes({**first, **second}))
    i = got.index["ukraine_war_continues"]
    assert _same_array(got.plans[i].p_given, want.plans[i].p_given)
    assert not _same_array(got.plans[i].p_given, other.plans[i].p_given)


def test_a_models_scope_is_a_new_dict_each_call_and_not_pickled() -> None:
    """The scope is made once per model and kept by recompile: a caller that changes
    the dict it was given changes no later answer, and a pickled model (sent to a
    worker process) carries none."""
    import pickle

    sc = pactsim.load("scenarios/iran-russia-2024.yaml")
    model = compile_scenario(sc)
    first = model.scope()
    first["in_force"] = first["alignment"]  # a caller's own copy
    del first["signing"]
    again = model.scope()
    assert again["in_force"].type == "bool" and again["in_force"].has_date
    assert "signing" in again and again is not model.scope()
    copy = pickle.loads(pickle.dumps(model))
    assert "_scope" not in copy.__dict__ and copy.scope() == again
    res = pactsim.exact(sc)
    assert res.prob("in_force.date <= 2025-12-31").value == pytest.approx(
        res.prob("in_force_by_2025").value, abs=1e-12)


def test_compiled_conditions_are_remembered_by_a_model_and_its_recompiled_ones(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A condition is compiled once for a model and every model recompiled from it
    (the spread asks the same questions of each parameter draw); a text that does not
    compile raises every time, the memory is bounded, and a pickled model has none."""
    import pickle

    from pactsim.inference import compile as compile_mod
    from pactsim.language import expr as expr_mod

    sc = pactsim.load("scenarios/iran-russia-2024.yaml")
    model = compile_scenario(sc)
    calls = []
    real = expr_mod.compile_condition

    def counted(text: str, *args: object, **kwargs: object) -> object:
        calls.append(text)
        return real(text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(expr_mod, "compile_condition", counted)
    tree = model.compiled_condition("in_force and not mutual_defence")
    other = Renumber(sc)
    other.model = model
    changed = other.model_for({"ukraine_war_continues.table.true": 0.5}, drawn=True)
    assert changed.compiled_condition("in_force and not mutual_defence") is tree
    assert calls == ["in_force and not mutual_defence"]
    for _ in range(2):
        with pytest.raises(pactsim.errors.ScenarioError, match="column 13"):
            changed.compiled_condition("in_force and")
    assert calls.count("in_force and") == 2
    monkeypatch.setattr(compile_mod, "CONDITIONS_KEPT", 3)
    for k in range(7):
        model.compiled_condition(f"signing.date <= 2025-01-{k + 10}")
    assert len(model._conditions) <= 3
    assert "_conditions" not in pickle.loads(pickle.dumps(model)).__dict__
    # what each model answers with the remembered tree is its own
    assert pactsim.exact(sc.with_changes({"ukraine_war_continues.table.true": 0.5})).prob(
        "in_force and not mutual_defence").value == pytest.approx(
        pactsim.results.exact.ExactResults(sc, changed, quad_points=24, max_table=2**24,
                                           progress=False).prob(
            "in_force and not mutual_defence").value, abs=1e-12)


@pytest.mark.parametrize("path", FILES)
def test_drawn_specs_equal_the_validated_ones(path: str) -> None:
    """The specs made for drawn numbers without validation equal those the node checks
    make from the same numbers (field by field, frozen like a loaded scenario's)."""
    sc = pactsim.load(path)
    renumber = Renumber(sc)
    rng = np.random.default_rng(5)
    for _ in range(3):
        ch = _changes(sc, rng)
        drawn, checked = renumber.drawn_specs(ch), renumber.specs(ch)
        assert drawn.keys() == checked.keys()
        for name in drawn:
            # the node checks read a pillar without its clauses (nodes of their own)
            mine = drawn[name].model_dump(exclude={"clauses"})
            assert mine == checked[name].model_dump(exclude={"clauses"}), name
            assert type(drawn[name]) is type(checked[name])
            for field in ("table", "by"):
                mapping = getattr(drawn[name], field, None)
                if mapping is not None:
                    with pytest.raises(pactsim.errors.FrozenError):
                        mapping[next(iter(mapping))] = 0.5


@pytest.mark.parametrize(("changes", "message"), [
    ({"ukraine_war_continues.table.true": 1.5}, "not a probability in"),
    ({"ukraine_war_continues.table.true": float("nan")}, "not a probability in"),
    ({"ukraine_war_continues.table.true": True}, "not a probability in"),
    ({"ukraine_war_continues.table.true": "0.5"}, "not a probability in"),
    ({"ukraine_war_continues.p": 0.5}, "not a probability the node draws"),
    ({"ukraine_war_continues.given": 0.5}, "not a probability the node draws"),
    ({"ukraine_war_continues.table": 0.5}, "not a probability the node draws"),
    ({"signing.p": 0.5}, "a curve signing has no p"),
    ({"signing.by": 0.5}, "not a probability the node draws"),
    ({"alignment.mean": 0.5}, "not a number of an event"),
])
def test_drawn_numbers_that_are_not_probabilities_are_refused(changes: dict[str, object],
                                                              message: str) -> None:
    sc = pactsim.load("scenarios/iran-russia-2024.yaml")
    with pytest.raises(NotNumbers, match=message):
        Renumber(sc).model_for(changes, drawn=True)  # type: ignore[arg-type]
