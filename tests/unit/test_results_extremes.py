"""Results at the edges of floating point: refuse clearly or answer right, never warn."""

from __future__ import annotations

import math
import warnings

import pytest

import pactsim
from pactsim.errors import ConditionError

HEAD = "pactsim: 1\nid: x\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"


def test_conditioning_on_a_denormal_probability_is_refused() -> None:
    """P(b) = 5e-324: P(a | b) = 0.7 by the table, but b's mass has no digits left."""
    sc = pactsim.loads(HEAD + "events:\n  b: {p: 5e-324}\n"
                       "  a: {given: [b], table: {true: 0.7, false: 0.2}}\n")
    with pytest.raises(ConditionError, match="too small to divide by"):
        pactsim.exact(sc).prob("a", given="b")


def test_uniform_driver_near_the_float_limit() -> None:
    """uniform(-1.7e308, 1.7e308): mean 0, sd 1.7e308 / sqrt(3), q10 = -0.8 · 1.7e308."""
    sc = pactsim.loads(HEAD + "drivers:\n  d: {dist: uniform, low: -1.7e308, high: 1.7e308}\n"
                       "questions:\n  v: d\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ex = pactsim.exact(sc).numeric("v")
        mc = pactsim.simulate(sc, n=100_000, seed=1, keep_draws=False).numeric("v")
    assert ex.mean == 0.0 and ex.sd == pytest.approx(1.7e308 / math.sqrt(3))
    assert ex.quantiles[0.1] == pytest.approx(-0.8 * 1.7e308)
    assert math.isfinite(mc.mean) and abs(mc.mean) < 4 * 1.7e308 / math.sqrt(3 * 100_000)
    assert "no value" not in str(mc)
