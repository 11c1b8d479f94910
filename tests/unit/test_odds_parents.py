"""Binary ``odds`` parents are applied draw by draw, never expanded into a 2**k table.

Issue 9 item 2: a node with 30 binary odds parents (788 bytes of YAML) made
``run`` and ``check`` grow to 8.5 GB. The answers here are closed forms: with
``k`` independent parents, each true with probability 1/2 and with the same
odds factor ``f``, the number ``j`` of true parents is Binomial(k, 1/2) and

.. math:: P(x) = \\sum_j \\binom{k}{j} 2^{-k} \\sigma(\\operatorname{logit} p + j \\log f).

Monte Carlo is compared with them within 4 standard errors (fixed seeds).
"""

from __future__ import annotations

import datetime as dt
import math
import tracemalloc
from typing import Any

import pytest
from scipy import special

import pactsim
from pactsim.errors import ModelTooWideError
from pactsim.inference.compile import compile_scenario
from pactsim.language.io import from_dict

AS_OF, HORIZON = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


def _scenario(**sections: Any) -> pactsim.Scenario:
    return from_dict({"pactsim": 1, "id": "t", "as_of": AS_OF, "horizon": HORIZON, **sections})


def _wide(k: int, factor: float = 1.2, p: float = 0.2, **extra: Any) -> pactsim.Scenario:
    events: dict[str, Any] = {f"a{i:02d}": {"p": 0.5} for i in range(k)}
    events["x"] = {"p": p, "odds": {f"a{i:02d}": factor for i in range(k)}, **extra}
    return _scenario(events=events)


def _closed(k: int, factor: float = 1.2, p: float = 0.2) -> float:
    return sum(math.comb(k, j) / 2**k * float(special.expit(special.logit(p)
                                                             + j * math.log(factor)))
               for j in range(k + 1))


def _peak_bytes(f: Any) -> int:
    tracemalloc.start()
    try:
        f()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_compiling_odds_parents_does_not_grow_with_their_number() -> None:
    """Compile memory for 20 odds parents is about that for 8 (it was 2**20 rows)."""
    small, wide = _wide(8), _wide(20)
    peak_small = _peak_bytes(lambda: compile_scenario(small))
    peak_wide = _peak_bytes(lambda: compile_scenario(wide))
    assert peak_wide < 2 * peak_small + 200_000, (peak_small, peak_wide)
    plan = compile_scenario(wide).plans[-1]
    assert plan.given == () and len(plan.odds_parents) == 20 and plan.p_given.shape == (1,)


def test_thirty_odds_parents_are_applied_per_draw() -> None:
    sc = _wide(30)
    res = pactsim.simulate(sc, n=200_000, seed=3, keep_draws=False)
    est = res.prob("x")
    assert abs(est.value - _closed(30)) < 4 * est.stderr


def test_exact_refuses_thirty_odds_parents_before_allocating() -> None:
    sc = _wide(30)

    def refused() -> None:
        with pytest.raises(ModelTooWideError):
            pactsim.exact(sc)

    assert _peak_bytes(refused) < 20_000_000
    with pytest.raises(ModelTooWideError,
                       match=r"'x' \(30 parents: 0 given, 30 binary odds\)") as info:
        pactsim.exact(sc)
    assert info.value.width == 31


@pytest.mark.parametrize("k", [3, 12])
def test_odds_parents_match_the_closed_form(k: int) -> None:
    """3 parents: folded thresholds; 12: summed per draw. Both exact and Monte Carlo."""
    sc = _wide(k, factor=1.7, p=0.3)
    want = _closed(k, 1.7, 0.3)
    assert pactsim.exact(sc).prob("x").value == pytest.approx(want, abs=1e-12)
    est = pactsim.simulate(sc, n=200_000, seed=5).prob("x")
    assert abs(est.value - want) < 4 * est.stderr


def test_odds_parents_with_a_table_and_a_driver() -> None:
    """Twelve odds parents on top of a ``given`` table, uncertain p and a driver.

    Exact inference (which folds the 2**13-row table) against Monte Carlo,
    whose general path sums the odds per draw.
    """
    events: dict[str, Any] = {f"a{i:02d}": {"p": 0.2 + 0.05 * i} for i in range(12)}
    events["x"] = {"given": ["a00"], "table": {True: 0.3, False: {"beta": [2, 5]}},
                   "odds": {**{f"a{i:02d}": 0.7 + 0.1 * i for i in range(12)}, "mood": 1.4}}
    sc = _scenario(drivers={"mood": {"dist": "normal", "mean": 0.1, "sd": 1.0}}, events=events)
    want = pactsim.exact(sc).prob("x").value
    est = pactsim.simulate(sc, n=200_000, seed=9).prob("x")
    assert abs(est.value - want) < 4 * est.stderr
    # a parent both in `given` and in `odds`: its factor applies on its true row
    both = _scenario(events={"a": {"p": 0.4},
                             "y": {"given": ["a"], "table": {True: 0.5, False: 0.2},
                                   "odds": {"a": 3.0}}})
    assert pactsim.exact(both).prob("y").value == pytest.approx(0.4 * 0.75 + 0.6 * 0.2,
                                                                abs=1e-15)
