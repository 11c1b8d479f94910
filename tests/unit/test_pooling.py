"""Pooling analysts: hand-derived pools, and who gave what."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import pactsim
from pactsim.analysis.pooling import pool, pool_probabilities
from pactsim.errors import ArgumentError


def test_pools_by_hand() -> None:
    assert pool_probabilities([0.6, 0.9]) == pytest.approx(math.sqrt(13.5) / (1 + math.sqrt(13.5)))
    assert pool_probabilities([0.6, 0.9], method="linear") == pytest.approx(0.75)
    odds = 1.5**0.75 * 9**0.25
    assert pool_probabilities([0.6, 0.9], weights=[3, 1]) == pytest.approx(odds / (1 + odds))
    assert pool_probabilities([0.6, 0.9], extremize=2) == pytest.approx(13.5 / 14.5)
    assert pool_probabilities([0.75, 0.75], method="linear", extremize=2) == pytest.approx(0.9)
    assert pool_probabilities([0.0, 0.5]) == 0.0
    assert math.isnan(pool_probabilities([0.0, 1.0]))


def _analyst(rain: float, extra: str = "") -> pactsim.Scenario:
    return pactsim.loads("pactsim: 1\nid: demo\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                         f"events:\n  rain: {{p: {rain}}}\n  wind: {{p: 0.5}}\n{extra}"
                         "questions:\n  both: rain and wind\n")


def test_pool_scenarios_keeps_provenance() -> None:
    a, b = _analyst(0.2), _analyst(0.8, "  hail: {p: 0.1}\n")
    pooled = pool([a, b], names=["ann", "bob"])
    t = pooled.table
    assert list(t.index) == ["rain", "wind", "both"]  # shared names only (no hail)
    assert t.loc["rain", "pooled"] == pytest.approx(0.5)
    assert t.loc["both", "ann"] == pytest.approx(0.1) and t.loc["both", "bob"] == pytest.approx(0.4)
    odds = math.sqrt((0.1 / 0.9) * (0.4 / 0.6))
    assert t.loc["both", "pooled"] == pytest.approx(odds / (1 + odds))
    assert t.loc["rain", "spread"] == pytest.approx(0.6)
    prov = pooled.provenance("rain")
    assert list(prov.analyst) == ["ann", "bob"] and list(prov.p) == pytest.approx([0.2, 0.8])
    assert list(prov.weight) == [0.5, 0.5]
    lin = pool([a, b], method="linear", weights=[3, 1], names=["ann", "bob"])
    assert lin.table.loc["rain", "pooled"] == pytest.approx(0.35)
    assert "geometric mean of odds" in str(pooled) and '"analysts"' in pooled.to_json()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"weights": [1]}, "one weight >= 0 per scenario"),
    ({"extremize": 0}, "extremize = 0 must be a number > 0"),
    ({"method": "median"}, "use 'geometric' or 'linear'"),
    ({"names": ["x", "x"]}, "one distinct name per scenario"),
])
def test_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ArgumentError, match=message):
        pool([_analyst(0.2), _analyst(0.3)], **kwargs)  # type: ignore[arg-type]


def test_different_agreements_are_refused() -> None:
    other = pactsim.loads("pactsim: 1\nid: other\nas_of: 2024-01-01\nhorizon: 2024-12-31\n")
    with pytest.raises(ArgumentError, match="different agreements"):
        pool([_analyst(0.2), other])


def test_certainty_is_named_in_the_notes(tmp_path: Path) -> None:
    """The geometric pool follows any analyst's 0 or 1 (odds 0 or infinite), and a 0
    with a 1 is undefined: the notes name those items; the others get no note."""
    text = ("pactsim: 1\nid: sure\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
            "events:\n  a: {{p: {a}}}\n  b: {{p: {b}}}\n  c: {{p: 0.3}}\n")
    one, two = tmp_path / "one.yaml", tmp_path / "two.yaml"
    one.write_text(text.format(a=1.0, b=0.25))
    two.write_text(text.format(a=0.0, b=0.0))
    pooled = pool([one, two], weights=[9, 1])
    t = pooled.table
    assert math.isnan(t.loc["a", "pooled"]) and t.loc["b", "pooled"] == 0.0
    assert t.loc["c", "pooled"] == pytest.approx(0.3)
    assert pooled.notes == (
        "undefined (–) by the geometric pool, one analyst giving 0 and another 1: a; the "
        "linear pool (method linear) is defined",
        "pooled to 0 or 1 because one analyst is certain (the geometric pool follows any "
        "analyst's 0 or 1, whatever the weights): b (0)")
    assert pool([one, two], method="linear").notes == ()
    assert pool([one, two], weights=[1, 0]).notes == ()  # weight 0: not heard
