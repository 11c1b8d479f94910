"""Counts over many nodes in exact inference: a chain of count variables.

``at_least(k, ...)``, ``at_most``, ``exactly`` and ``count(...) <op> k`` over
:data:`~pactsim.results.exact.COUNT_CHAIN_FROM` nodes or more are computed by
variable elimination with count variables instead of the nodes' joint law.
Checked against the enumeration of the joint law (the other path, forced by
raising the threshold), against a Poisson-binomial recursion written here for
independent events, and on counts too wide to enumerate.
"""

from __future__ import annotations

import glob
import random

import numpy as np
import pytest

import pactsim
import pactsim.results.exact as exact_mod
from pactsim.errors import PactsimError


def _independent(ps: list[float], extra: str = "") -> pactsim.Scenario:
    events = "".join(f"  e{i}: {{p: {p}}}\n" for i, p in enumerate(ps))
    return pactsim.loads("pactsim: 1\nid: count\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                         f"events:\n{events}{extra}")


def _poisson_binomial(ps: list[float]) -> np.ndarray:
    """P(count = c), c = 0..len(ps), by the textbook recursion (shares no code with pactsim)."""
    law = np.zeros(len(ps) + 1)
    law[0] = 1.0
    for p in ps:
        law[1:] = law[1:] * (1 - p) + law[:-1] * p
        law[0] *= 1 - p
    return law


def _both(sc: pactsim.Scenario, expr: str,
          monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    def value(threshold: int) -> object:
        monkeypatch.setattr(exact_mod, "COUNT_CHAIN_FROM", threshold)
        try:
            return pactsim.exact(sc).prob(expr).value
        except PactsimError as e:  # both paths must refuse alike
            return type(e).__name__

    return value(8), value(10**6)


@pytest.mark.parametrize("k", [0, 1, 4, 7, 12, 20])
def test_at_least_matches_poisson_binomial(k: int) -> None:
    rng = np.random.default_rng(k)
    ps = [round(float(x), 3) for x in rng.uniform(0.02, 0.98, 20)]
    names = ", ".join(f"e{i}" for i in range(20))
    sc = _independent(ps, f"questions:\n  q: at_least({k}, {names})\n")
    law = _poisson_binomial(ps)
    want = float(law[k:].sum())
    res = pactsim.exact(sc)
    assert res.prob("q").value == pytest.approx(want, abs=1e-12)
    assert res.questions().loc["q", "p"] == pytest.approx(want, abs=1e-12)
    assert res.prob(f"count({names}) == {k}").value == pytest.approx(
        float(law[k]), abs=1e-12)
    assert res.prob(f"{k} > count({names})").value == pytest.approx(
        float(law[:k].sum()), abs=1e-12)


def test_count_too_wide_to_enumerate() -> None:
    # 40 nodes: their joint law has 2**40 configurations, far above max_table
    ps = [0.05 + 0.02 * i for i in range(40)]
    names = ", ".join(f"e{i}" for i in range(40))
    sc = _independent(ps)
    got = pactsim.exact(sc).prob(f"at_most(10, {names})").value
    assert got == pytest.approx(float(_poisson_binomial(ps)[:11].sum()), abs=1e-12)


def test_chain_equals_enumeration_on_the_scenarios(monkeypatch: pytest.MonkeyPatch) -> None:
    rnd = random.Random(3)
    files = sorted(glob.glob("scenarios/*.yaml"))
    tried = 0
    for f in files:
        sc = pactsim.load(f)
        names = list(sc.binary_names)
        if len(names) < 8:
            continue
        for _ in range(3):
            sub = rnd.sample(names, rnd.choice([8, 9, min(11, len(names))]))
            k = rnd.choice([0, 1, 2, 3, 4.5, -1, 20])
            joined = ", ".join(sub)
            for expr in (f"at_least({max(0, int(k))}, {joined})", f"count({joined}) > {k}",
                         f"{k} >= count({joined})", f"exactly({max(0, int(k))}, {joined})"):
                a, b = _both(sc, expr, monkeypatch)
                if isinstance(a, float) and isinstance(b, float):
                    assert a == pytest.approx(b, abs=1e-12), (f, expr)
                else:
                    assert a == b, (f, expr)
                tried += 1
    assert tried >= 24


_SIGNED = """\
pactsim: 1
id: signed-count
as_of: 2024-01-01
horizon: 2024-12-31
drivers:
  alignment: {dist: normal, mean: 0, sd: 1}
events:
  war: {p: 0.6}
signing:
  by: {2024-06-30: 0.3, 2024-12-31: 0.7}
pillars:
  military:
    p: 0.8
    odds: {alignment: 1.5}
    clauses:
      jets: {given: [war], table: {true: 0.6, false: 0.2}}
      air: {p: 0.5, odds: {jets: 3}}
      drills: {p: 0.7}
  energy:
    given: [war]
    table: {true: 0.5, false: 0.8}
    clauses:
      gas: {p: 0.6}
      nuclear: {p: 0.3, requires: [gas]}
  payments:
    p: 0.9
    clauses:
      mir: {p: 0.5}
      swift: {p: 0.4, excludes: [mir]}
questions:
  broad: at_least(4, military, jets, air, drills, energy, gas, nuclear, payments, mir, swift)
  narrow: count(military, jets, air, drills, energy, gas, nuclear, payments, mir, swift) <= 2
"""


@pytest.mark.parametrize("q", ["broad", "narrow"])
def test_count_questions_and_given_signed(q: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sc = pactsim.loads(_SIGNED)
    monkeypatch.setattr(exact_mod, "COUNT_CHAIN_FROM", 8)
    chain = pactsim.exact(sc).questions()
    monkeypatch.setattr(exact_mod, "COUNT_CHAIN_FROM", 10**6)
    plain = pactsim.exact(sc).questions()
    for col in ("p", "p_given_signed"):
        assert chain.loc[q, col] == pytest.approx(plain.loc[q, col], abs=1e-12)
    assert 0.0 < chain.loc[q, "p"] < 1.0
