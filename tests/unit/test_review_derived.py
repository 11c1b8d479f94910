"""Review of derived models (``Scenario.with_changes`` of a compiled scenario compiled
from its base's model, :func:`pactsim.inference.renumber.derived_model`): a variant
behaves exactly as the same scenario compiled whole (``helpers.whole``), draws bit
for bit and every summary, exact answers too; changes that are not of numbers of
binary nodes share no plan with the base; deriving never mutates the base's model."""

from __future__ import annotations

import datetime as dt
import pickle
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import pactsim
import pactsim.results.exact as exact_mod
from helpers import whole
from pactsim.errors import ExactUnsupportedError, ModelTooWideError
from pactsim.inference.compile import CompiledModel, compile_scenario
from pactsim.inference.renumber import derived_model
from pactsim.testing.strategies import from_scenario, scenarios

FLAGSHIP = "scenarios/iran-russia-2024.yaml"
_FIELDS = ("p", "table", "by", "delay", "odds", "hazard_ratio", "levels")
_ARRAYS = ("p_given", "beta_given", "odds_logf", "driver_logf")


def _key(part: Any) -> str:
    if isinstance(part, bool):
        return str(part).lower()
    if isinstance(part, dt.date):
        return part.isoformat()
    return str(part)


def _leaves(prefix: str, d: Any) -> list[tuple[str, Any]]:
    """Dotted keys of the leaves of a table / curve / mapping of factors."""
    if isinstance(d, dict) and not ({"beta", "between", "median"} & set(map(str, d))):
        return [kv for k, v in d.items() for kv in _leaves(f"{prefix}.{_key(k)}", v)]
    return [(prefix, d)]


def _changes(sc: pactsim.Scenario, new: pactsim.Scenario, fine: bool) -> dict[str, Any]:
    """Dotted-key changes taking ``sc``'s numbers of its nodes to ``new``'s: each field
    whole, or (``fine``) leaf by leaf."""
    out: dict[str, Any] = {}
    for name, view in sc.nodes.items():
        old = view.spec.model_dump(exclude_defaults=True)
        now = new.nodes[name].spec.model_dump(exclude_defaults=True)
        for f in _FIELDS:
            if f not in old or old[f] == now.get(f):
                continue
            if fine and isinstance(old[f], dict):
                was = dict(_leaves(f"{name}.{f}", old[f]))
                for k, v in _leaves(f"{name}.{f}", now[f]):
                    if was.get(k) != v:
                        out[k] = v
            else:
                out[f"{name}.{f}"] = now[f]
    return out


def _snapshot(model: CompiledModel) -> list[Any]:
    """Copies of every array of a model's plans and timing (to see it is never mutated)."""
    snap: list[Any] = [model.digest, dict(model.labels), list(model.questions)]
    for p in model.plans:
        snap.append([None if getattr(p, f) is None else np.array(getattr(p, f), copy=True)
                     for f in _ARRAYS])
    for i, t in sorted(model.timing.items()):
        snap.append((i, [np.array(getattr(t, f), copy=True) for f in ("days", "cum")
                         if hasattr(t, f)]))
    return snap


def _same_snapshot(a: list[Any], b: list[Any]) -> None:
    assert a[:3] == b[:3]
    for x, y in zip(a[3:], b[3:], strict=True):
        if isinstance(x, tuple):
            assert x[0] == y[0]
            x, y = x[1], y[1]
        for u, v in zip(x, y, strict=True):
            assert (u is None and v is None) or np.array_equal(u, v, equal_nan=True)


def _frames_equal(a: Any, b: Any) -> None:
    assert type(a) is type(b), (a, b)
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, check_exact=True)
    else:
        assert repr(a) == repr(b)


def _same_mc(sc: pactsim.Scenario, ref: pactsim.Scenario, seed: int) -> None:
    a = pactsim.simulate(sc, n=2000, seed=seed)
    b = pactsim.simulate(ref, n=2000, seed=seed)
    _frames_equal(a.marginals(), b.marginals())
    _frames_equal(a.questions(), b.questions())
    _frames_equal(a.bundles(top=None), b.bundles(top=None))
    _frames_equal(a.to_frame(), b.to_frame())
    for node in a.dated():
        _frames_equal(a.date_cdf(node), b.date_cdf(node))
        _frames_equal(a.date_quantiles(node), b.date_quantiles(node))
    model = compile_scenario(sc)
    for node in model.outcomes:
        _frames_equal(a.outcomes(node), b.outcomes(node))
    for q, (_tree, kind) in model.questions.items():
        if kind == "number":
            assert repr(a.numeric(q)) == repr(b.numeric(q))
    assert a.summary() == b.summary()


def _answer(f: Any) -> Any:
    """``f()``, or the name of the error it raised (a too-wide question is refused alike)."""
    try:
        return f()
    except (ExactUnsupportedError, ModelTooWideError) as err:
        return type(err).__name__


def _same_exact(sc: pactsim.Scenario, ref: pactsim.Scenario,
                base: pactsim.Scenario | None = None) -> None:
    """Exact answers of ``sc`` (after ``base``'s, whose networks it may reuse) equal
    those of ``ref`` computed cold."""
    if base is not None:
        _answer(lambda: pactsim.exact(base))
    a = _answer(lambda: pactsim.exact(sc))
    exact_mod._forget_structures()
    b = _answer(lambda: pactsim.exact(ref))
    assert type(a) is type(b)
    if isinstance(a, str):
        assert a == b
        return
    assert np.array_equal(a._p, b._p)
    for what in ("marginals", "questions"):
        x, y = _answer(getattr(a, what)), _answer(getattr(b, what))
        _frames_equal(x, y)


def _same_models(got: CompiledModel, want: CompiledModel) -> None:
    assert got.digest == want.digest
    assert got.scenario_id == want.scenario_id
    assert got.names == want.names and got.kinds == want.kinds
    assert got.labels == want.labels
    assert got.outcomes == want.outcomes
    assert list(got.questions) == list(want.questions)
    assert [(d.name, d.knots, d.blind, d.cuts) for d in got.drivers] == \
        [(d.name, d.knots, d.blind, d.cuts) for d in want.drivers]
    _same_snapshot(_snapshot(got), _snapshot(want))


def _shared(got: CompiledModel, base: CompiledModel) -> int:
    return sum(a is b for a, b in zip(got.plans, base.plans, strict=False))


_KINDS = st.sampled_from([
    {}, {"dated": True}, {"categorical": True}, {"attributes": True},
    {"dated": True, "categorical": True, "attributes": True}])


@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data(), _KINDS, st.booleans(), st.integers(0, 2**31))
def test_generated_variants_behave_as_whole_compiles(data: st.DataObject, kind: dict[str, bool],
                                                     fine: bool, seed: int) -> None:
    sc = data.draw(scenarios(max_nodes=5, **kind))
    new = data.draw(from_scenario(sc))
    changes = _changes(sc, new, fine)
    assume(changes)
    keep = data.draw(st.sets(st.sampled_from(sorted(changes)), min_size=1))
    changes = {k: changes[k] for k in sorted(keep)}
    base = compile_scenario(sc)
    before = _snapshot(base)
    try:
        variant = sc.with_changes(changes)
    except Exception:  # a subset of a valid change may be refused (chances not summing to 1)
        assume(False)
        raise
    ref = whole(variant)
    direct = derived_model(variant, sc, tuple(changes))
    assert direct is not None  # a change of numbers of binary nodes is derived
    got = compile_scenario(variant)
    _same_models(got, compile_scenario(ref))  # type: ignore[arg-type]
    _same_models(direct, compile_scenario(ref))  # type: ignore[arg-type]
    _same_mc(variant, ref, seed)  # type: ignore[arg-type]
    _same_exact(variant, ref, sc)  # type: ignore[arg-type]
    _same_snapshot(_snapshot(base), before)
    assert variant._derived is None


@settings(max_examples=15, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data(), _KINDS, st.booleans())
def test_chains_of_variants(data: st.DataObject, kind: dict[str, bool], compile_mid: bool
                            ) -> None:
    sc = data.draw(scenarios(max_nodes=4, **kind))
    one = _changes(sc, data.draw(from_scenario(sc)), True)
    two = _changes(sc, data.draw(from_scenario(sc)), False)
    assume(one and two)
    compile_scenario(sc)
    try:
        mid = sc.with_changes(one)
        if compile_mid:
            compile_scenario(mid)
        last = mid.with_changes(two)
    except Exception:
        assume(False)
        raise
    ref = whole(last)
    _same_models(compile_scenario(last), compile_scenario(ref))  # type: ignore[arg-type]
    _same_mc(last, ref, 7)  # type: ignore[arg-type]
    _same_exact(last, ref, mid)  # type: ignore[arg-type]


def test_flagship_variant_do_diff_sensitivity_and_pickle() -> None:
    sc = pactsim.load(FLAGSHIP)
    base = compile_scenario(sc)
    before = _snapshot(base)
    v = sc.with_changes({"military.p": 0.42})
    got = compile_scenario(v)
    assert _shared(got, base) == len(base.plans) - 1  # really derived
    ref = whole(v)
    _same_models(got, compile_scenario(ref))  # type: ignore[arg-type]
    _same_mc(v, ref, 3)  # type: ignore[arg-type]
    _same_exact(v, ref, sc)  # type: ignore[arg-type]
    # an intervention on the derived variant
    a = pactsim.simulate(v, n=2000, seed=5, do={"military": True})
    b = pactsim.simulate(ref, n=2000, seed=5, do={"military": True})  # type: ignore[arg-type]
    _frames_equal(a.marginals(), b.marginals())
    d1, d2 = pactsim.diff(sc, v, n=2000), pactsim.diff(sc, ref, n=2000)  # type: ignore[arg-type]
    for f in ("changes", "totals", "attribution"):
        _frames_equal(getattr(d1, f), getattr(d2, f))
    assert str(d1) == str(d2)
    s1 = pactsim.sensitivity(v, "signing", n=2000, voi=False)
    s2 = pactsim.sensitivity(ref, "signing", n=2000, voi=False)  # type: ignore[arg-type]
    assert str(s1) == str(s2)
    # a pickled derived variant is the same scenario, its model the same
    back = pickle.loads(pickle.dumps(v))
    assert back.digest == v.digest
    _same_models(compile_scenario(back), got)
    _same_snapshot(_snapshot(base), before)


_WHOLE = [
    {"military.label": "Arms"},
    {"military.source": "arms"},
    {"sources.edm": "x"},
    {"questions.defence_pact": "military"},
    {"drivers.alignment.sd": 2.0},
    {"s400_sale.p": 0.2},  # a p replacing a table
    {"military.odds": {"alignment > 0.5": 2.0, "ukraine_war_continues": 1.3}},
    {"instc.levels": {"absent": 0.2, "named": 0.5, "generic": 0.3}},
    {"legal_form.levels": ["absent", "programme", "binding_treaty"]},
    {"rasht_astara.requires": ["instc == generic"]},
    {"ratified_ru.delay": 30},
    {"military.label": "Arms", "military.p": 0.4},
    {"signing.by": {"2024-11-30": 0.39, "2025-03-31": 0.62, "2025-06-30": 0.73,
                    "2025-12-31": 0.84}},
    {"horizon": "2026-06-30"},
    {"signing.hazard_ratio": {"alignment": 0.7}},
    {"id": "other"},
]


@pytest.mark.parametrize("change", _WHOLE, ids=str)
def test_changes_not_of_numbers_share_no_plan(change: dict[str, Any]) -> None:
    sc = pactsim.load(FLAGSHIP)
    base = compile_scenario(sc)
    v = sc.with_changes(change)
    got = compile_scenario(v)
    assert _shared(got, base) == 0
    _same_models(got, compile_scenario(whole(v)))  # type: ignore[arg-type]


_DERIVED = [
    {"instc.levels.named": 0.45, "instc.levels.generic": 0.35},
    {"instc.levels.absent": 0.0, "instc.levels.named": 0.7},
    {"legal_form.table.false": {"programme": 1.0}},
    {"legal_form.table.true": {"absent": 0.5, "binding_treaty": 0.5}},
    {"signatories.table.absent": {"heads_of_state": 1.0}},
    {"signing.by.2024-12-31": 0.3},
    {"ratified_ir.hazard_ratio.alignment": 1.5},
    {"ratified_ru.delay": {"between": [100, 200]}},
    {"ukraine_war_continues.table.true.between": [0.4, 0.8]},
    {"su35_sale.p": {"beta": [2, 5]}},
    {"common_payment_system.odds.brics_payments": 3.0},
    {"us_trump_win.p": 1.0},
    {"mutual_defence.odds.alignment": 5},
    {"military.why": "x"},  # text only: derived, and still the same model
]


@pytest.mark.parametrize("change", _DERIVED, ids=str)
def test_flagship_changes_of_numbers_are_derived_and_behave_as_whole(change: dict[str, Any]
                                                                     ) -> None:
    sc = pactsim.load(FLAGSHIP)
    base = compile_scenario(sc)
    before = _snapshot(base)
    v = sc.with_changes(change)
    got = compile_scenario(v)
    assert _shared(got, base) > 0
    ref = whole(v)
    _same_models(got, compile_scenario(ref))  # type: ignore[arg-type]
    _same_mc(v, ref, 11)  # type: ignore[arg-type]
    _same_exact(v, ref, sc)  # type: ignore[arg-type]
    _same_snapshot(_snapshot(base), before)


def test_do_and_exact_what_ifs_of_a_derived_variant() -> None:
    sc = pactsim.load(FLAGSHIP)
    compile_scenario(sc)
    v = sc.with_changes({"military.p": 0.3})
    compile_scenario(v)
    ref = whole(v)
    for do in ({"military": True}, {"signing": "2025-01-17"}):
        _same_mc(v.do(do), ref.do(do), 2)  # type: ignore[attr-defined]
    got = pactsim.exact(v).with_changes({"training.p": 0.3})
    exact_mod._forget_structures()
    want = pactsim.exact(whole(ref.with_changes({"training.p": 0.3})))  # type: ignore[attr-defined]
    assert np.array_equal(got._p, want._p)


def test_summary_of_a_dated_scenario_without_key_dates() -> None:
    sc = pactsim.from_dict({"pactsim": 2, "id": "short", "as_of": "2024-01-01",
                            "horizon": "2024-03-15",
                            "events": {"x": {"by": {"2024-03-01": 0.4}}}})
    res = pactsim.simulate(sc, n=1000, seed=0)
    assert res.key_dates() == []
    text = res.summary()  # it raised ValueError (a block of 0 dates) before 12-01
    assert "Timeline" in text and "On or before" not in text
    assert "x" in text


def test_analyses_give_the_same_answers_without_derived_models(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Sensitivity (whose Monte Carlo swings are with_changes variants of a compiled
    scenario) and diff print the same with derivation turned off."""
    import pactsim.inference.renumber as renumber_mod

    def answers() -> list[str]:
        exact_mod._forget_structures()
        sc = pactsim.load(FLAGSHIP)
        v = sc.with_changes({"military.p": 0.4, "instc.levels.named": 0.45,
                             "instc.levels.generic": 0.35})
        return [str(pactsim.sensitivity(sc, "signing", method="mc", n=2000, voi=False)),
                str(pactsim.diff(sc, v, method="mc", n=2000)),
                str(pactsim.diff(v, sc, "arms_package"))]

    made: list[bool] = []
    real = renumber_mod.derived_model

    def counted(*args: Any) -> CompiledModel | None:
        out = real(*args)
        made.append(out is not None)
        return out

    monkeypatch.setattr(renumber_mod, "derived_model", counted)
    fast = answers()
    assert any(made)  # some variants were derived
    monkeypatch.setattr(renumber_mod, "derived_model", lambda *_a, **_k: None)
    assert answers() == fast
