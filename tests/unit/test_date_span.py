"""The span of dates is bounded (state the bound): per-day curves and tables stay small."""

from __future__ import annotations

import pytest

import pactsim
from pactsim.errors import ScenarioError


@pytest.mark.parametrize(("as_of", "horizon", "line", "col", "message"), [
    ("0001-01-01", "2000-01-01", 3, 8, "outside the dates pactsim models (1900-01-01 to"),
    ("2000-01-01", "9999-12-31", 4, 10, "outside the dates pactsim models"),
    ("2000-01-01", "2060-01-01", 4, 10, "more than 50 years after as_of"),
])
def test_dates_out_of_range_are_located_errors(as_of: str, horizon: str, line: int, col: int,
                                               message: str) -> None:
    text = (f"pactsim: 1\nid: x\nas_of: {as_of}\nhorizon: {horizon}\n"
            "signing:\n  by: {2030-01-01: 0.5}\n")
    with pytest.raises(ScenarioError) as info:
        pactsim.loads(text, name="span.yaml")
    hits = [p for p in info.value.problems if message in p.message]
    assert hits, str(info.value)
    assert (hits[0].line, hits[0].column) == (line, col)


def test_fifty_years_is_accepted_and_summarised() -> None:
    sc = pactsim.loads("pactsim: 1\nid: x\nas_of: 2000-01-01\nhorizon: 2049-12-31\n"
                       "signing:\n  by: {2049-12-31: 0.5}\n")
    res = pactsim.simulate(sc, n=1000, seed=1)
    assert len(res.summary().splitlines()) < 80
