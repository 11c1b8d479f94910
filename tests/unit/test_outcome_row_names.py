"""A marginals row name of an outcome (``instc=named``) reads as ``instc == named`` in
``prob`` and ``given``, in Monte Carlo and exact results alike (issue 15)."""

from __future__ import annotations

import pytest

import pactsim
from pactsim.errors import ScenarioError
from pactsim.language import expr as _expr

TEXT = """\
pactsim: 3
id: rows
as_of: 2024-01-01
horizon: 2024-12-31
events:
  rain: {p: 0.3}
  instc:
    requires: [rain]
    levels: {absent: 0.2, generic: 0.45, named: 0.35}
"""


@pytest.fixture(scope="module")
def sc() -> pactsim.Scenario:
    return pactsim.loads(TEXT)


def test_row_names_resolve_like_the_comparison() -> None:
    scope = {"instc": _expr.NameInfo("bool", levels=("absent", "generic", "named")),
             "instc=generic": _expr.NameInfo("bool"), "instc=named": _expr.NameInfo("bool")}
    assert _expr.compile_condition("instc=named", scope) == _expr.Name("instc=named")
    assert _expr.compile_condition(" instc = absent ", scope) == _expr.Not(_expr.Name("instc"))
    with pytest.raises(ScenarioError, match="use == to compare"):
        _expr.compile_condition("instc=nmed", scope)


def test_exact_and_monte_carlo_read_row_names(sc: pactsim.Scenario) -> None:
    ex = pactsim.exact(sc)
    # by hand: present needs rain (0.3) and not absent (0.8)
    assert ex.prob("instc=named").value == pytest.approx(0.3 * 0.35)
    assert ex.prob("instc=absent").value == pytest.approx(1 - 0.3 * 0.8)
    assert ex.prob("instc=generic", given="rain").value == pytest.approx(0.45)
    res = pactsim.simulate(sc, n=40_000, seed=3)
    for text in ("instc=named", "instc=absent"):
        est, want = res.prob(text), ex.prob(text).value
        assert abs(est.value - want) < 4 * est.stderr, text
