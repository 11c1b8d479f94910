"""Equality of scenarios: equal ⇒ same digest ⇒ same hash ⇒ same draws for a seed.

The order of keys is part of a scenario (nodes draw their random numbers in
file order), so a reordered copy is equal only when nothing moved.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import pactsim
from pactsim.language.io import from_dict
from pactsim.language.scenario import Scenario
from pactsim.testing import strategies

FEWER = settings(max_examples=max(5, settings.default.max_examples // 2))


def _draws(sc: Scenario) -> pd.DataFrame:
    return pactsim.simulate(sc, n=2_000, seed=1).to_frame()


def _shuffled(draw: st.DrawFn, mapping: dict[str, Any]) -> dict[str, Any]:
    keys = draw(st.permutations(list(mapping)))
    return {k: mapping[k] for k in keys}


@st.composite
def reordered(draw: st.DrawFn) -> tuple[Scenario, Scenario]:
    """A scenario and a copy whose drivers, events, pillars and clauses may be reordered."""
    sc = draw(strategies.scenarios(max_nodes=6))
    data = sc.model_dump(exclude_defaults=True)
    for section in ("drivers", "events", "pillars"):
        if section in data:
            data[section] = _shuffled(draw, data[section])
    for pillar in data.get("pillars", {}).values():
        if "clauses" in pillar:
            pillar["clauses"] = _shuffled(draw, pillar["clauses"])
    return sc, from_dict(data)


@FEWER
@given(reordered())
def test_equal_means_same_digest_hash_and_draws(pair: tuple[Scenario, Scenario]) -> None:
    a, b = pair
    assert (a == b) == (a.digest == b.digest)
    if a == b:
        assert hash(a) == hash(b)
        pd.testing.assert_frame_equal(_draws(a), _draws(b))
    else:
        assert list(a.nodes) != list(b.nodes)  # only the order differs
