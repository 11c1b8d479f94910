"""Laws of the model that hold in every draw of every generated scenario.

* the implicit and explicit gates: a clause implies its pillar, a pillar
  implies signing, ``requires`` / ``excludes`` hold — draw by draw;
* conditional probabilities are ratios of counts on the same draws:
  P(A | B) · P(B) = P(A and B) to floating precision;
* common random numbers: raising a node's own fixed p, with the same seed,
  turns draws of that node on and never off, and leaves every node before it
  (in topological order) untouched;
* reproducibility: the same seed gives the same frame; the chunk size and
  ``keep_draws`` change nothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, note, settings
from hypothesis import strategies as st

import pactsim
from pactsim.errors import ConditionError
from pactsim.inference.engine import BLOCK
from pactsim.language.io import from_dict
from pactsim.language.scenario import Node, Scenario
from pactsim.testing import strategies

N = 20_000
SEED = 20241105
FEWER = settings(max_examples=max(5, settings.default.max_examples // 4))
HALF = settings(max_examples=max(10, settings.default.max_examples // 2))


def simulate(sc: Scenario, n: int = N, **kwargs: Any) -> pactsim.Results:
    return pactsim.simulate(sc, n=n, seed=SEED, **kwargs)


def binary_specs(sc: Scenario) -> dict[str, Node]:
    out: dict[str, Node] = dict(sc.events)
    for name, pillar in sc.pillars.items():
        out[name] = pillar
        out.update(pillar.clauses)
    return out


# -- gates, draw by draw -------------------------------------------------------


@given(strategies.scenarios(max_nodes=8))
def test_gates_hold_in_every_draw(sc: Scenario) -> None:
    res = simulate(sc)
    frame = res.to_frame()
    p = res.marginals()["p"]
    signing = frame["signing"] if sc.signing is not None else None
    for name, pillar in sc.pillars.items():
        if signing is not None:
            assert not (frame[name] & ~signing).any(), f"pillar {name} without signing"
            assert p[name] <= p["signing"]
        for clause in pillar.clauses:
            assert not (frame[clause] & ~frame[name]).any(), f"clause {clause} without {name}"
            assert p[clause] <= p[name]
    for name, node in binary_specs(sc).items():
        for r in node.requires:
            assert not (frame[name] & ~frame[r]).any(), f"{name} true with {r} false"
        for x in node.excludes:
            assert not (frame[name] & frame[x]).any(), f"{name} true with {x} true"
    if sc.signing is not None:
        signed = frame["signing.date"].notna()
        assert (signed == frame["signing"]).all()
        dates = frame.loc[signed, "signing.date"]
        assert (dates > pd.Timestamp(sc.as_of)).all()
        assert (dates <= pd.Timestamp(max(sc.signing.by))).all()


# -- conditionals are ratios on the same draws -------------------------------------


@given(st.data())
def test_conditional_times_condition_is_conjunction(data: st.DataObject) -> None:
    sc = data.draw(strategies.scenarios(max_nodes=8), label="scenario")
    res = simulate(sc)
    a = data.draw(strategies.expressions(sc), label="A")
    b = data.draw(strategies.expressions(sc), label="B")
    pb = res.prob(b).value
    both = res.prob(f"({a}) and ({b})").value
    if pb == 0.0:
        with pytest.raises(ConditionError):
            res.prob(a, given=b)
        return
    assert res.prob(a, given=b).value * pb == pytest.approx(both, rel=1e-12, abs=1e-15)


@FEWER
@given(strategies.scenarios(max_nodes=8).filter(lambda sc: sc.signing is not None
                                                and bool(sc.pillars)))
def test_content_given_signing_shortcut_matches_draws(sc: Scenario) -> None:
    # Results.prob(x, given="signing") counts instead of evaluating: same answer.
    res = simulate(sc)
    frame = res.to_frame()
    m = int(frame["signing"].sum())
    assume(m > 0)
    given_signed = res.marginals()["p_given_signed"]
    for name in [*sc.pillars, *(c for p in sc.pillars.values() for c in p.clauses)]:
        expected = int((frame[name] & frame["signing"]).sum()) / m
        assert res.prob(name, given="signing").value == pytest.approx(expected, rel=1e-12)
        assert given_signed[name] == pytest.approx(expected, rel=1e-12)


# -- common random numbers: raising p is monotone draw by draw --------------------------


def _raise_p(sc: Scenario, name: str, new_p: float) -> Scenario:
    data = sc.model_dump(exclude_defaults=True)
    view = sc.nodes[name]
    if view.kind == "event":
        data["events"][name]["p"] = new_p
    elif view.kind == "pillar":
        data["pillars"][name]["p"] = new_p
    else:
        assert view.pillar is not None
        data["pillars"][view.pillar]["clauses"][name]["p"] = new_p
    return from_dict(data)


@HALF
@given(st.data())
def test_raising_own_p_never_lowers_the_node(data: st.DataObject) -> None:
    sc = data.draw(strategies.scenarios(max_nodes=8), label="scenario")
    fixed = [n for n, spec in binary_specs(sc).items()
             if isinstance(spec.p, float) and not spec.odds]
    assume(fixed)
    name = data.draw(st.sampled_from(fixed), label="node")
    old_p = binary_specs(sc)[name].p
    assert isinstance(old_p, float)
    new_p = old_p + (1.0 - old_p) * data.draw(st.floats(0.0, 1.0), label="fraction")
    higher = _raise_p(sc, name, new_p)
    before, after = simulate(sc), simulate(higher)
    assert before.draws is not None
    assert after.draws is not None
    i = before.model.index[name]
    assert after.model.names == before.model.names
    # draw by draw: the node can only turn on ...
    assert (after.draws.bits[i] >= before.draws.bits[i]).all()
    # ... and nothing drawn before it changes (same uniforms, same parents)
    np.testing.assert_array_equal(after.draws.bits[:i], before.draws.bits[:i])
    np.testing.assert_array_equal(after.draws.drivers, before.draws.drivers)
    np.testing.assert_array_equal(after.draws.signing_day, before.draws.signing_day)
    assert after.prob(name).value >= before.prob(name).value
    lo, hi = pactsim.exact(sc).prob(name).value, pactsim.exact(higher).prob(name).value
    note(f"exact P({name}): {lo} -> {hi}")
    assert hi >= lo - 1e-12


# -- reproducibility --------------------------------------------------------------------


@HALF
@given(strategies.scenarios(max_nodes=8))
def test_same_seed_same_frame(sc: Scenario) -> None:
    first, second = simulate(sc), simulate(sc)
    pd.testing.assert_frame_equal(first.to_frame(), second.to_frame())
    pd.testing.assert_frame_equal(first.marginals(), second.marginals())


@FEWER
@given(strategies.scenarios(max_nodes=6))
def test_chunk_size_does_not_change_draws(sc: Scenario) -> None:
    n = 2 * BLOCK + 1_234  # three random-stream blocks, the last one partial
    whole = simulate(sc, n=n)
    one_block = simulate(sc, n=n, chunk_size=1)  # rounded up to one block per chunk
    streamed = simulate(sc, n=n, chunk_size=BLOCK, keep_draws=False)
    pd.testing.assert_frame_equal(whole.to_frame(), one_block.to_frame())
    pd.testing.assert_frame_equal(whole.marginals(), streamed.marginals())
    pd.testing.assert_frame_equal(whole.questions(), streamed.questions())
    # a prefix of blocks is the same whatever n is
    short = simulate(sc, n=BLOCK)
    pd.testing.assert_frame_equal(short.to_frame(), whole.to_frame().iloc[:BLOCK])


# -- edge cases ------------------------------------------------------------------------------


@FEWER
@given(strategies.scenarios(min_nodes=0, max_nodes=0))
def test_scenarios_without_binary_nodes_simulate(sc: Scenario) -> None:
    res = simulate(sc, n=100)
    assert res.marginals().empty
    assert res.questions().empty


def test_to_frame_keeps_a_node_named_signing_date() -> None:
    sc = pactsim.loads("pactsim: 1\nid: x\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       "events:\n  signing_date: {p: 0.5}\nsigning:\n  by: {2024-06-30: 0.5}\n")
    frame = pactsim.simulate(sc, n=100, seed=0).to_frame()
    assert frame["signing_date"].dtype == bool
    assert frame["signing.date"].dtype.kind == "M"
