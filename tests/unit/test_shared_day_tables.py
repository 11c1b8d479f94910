"""Dated nodes with the same curve (or the same delay) share one set of per-day tables.

Before, each curve node built its own per-day tables: 500 events with one ``by`` curve
over 50 years held about 750 MB at ``pactsim run -n 1``. Sharing changes no draw: the
tables are the same numbers, looked up by content. The answers are checked against
exact inference, which builds no sampling tables at all.
"""

from __future__ import annotations

import gc
import weakref

import numpy as np

import pactsim
from pactsim.inference import dated
from pactsim.inference.compile import compile_scenario
from pactsim.inference.dated import CurvePlan, MilestonePlan

FILE = """\
pactsim: 2
id: shared
as_of: 2025-01-01
horizon: 2034-12-31
events:
  a: {by: {2029-12-31: 0.3, 2034-12-31: 0.5}}
  b: {by: {2029-12-31: 0.3, 2034-12-31: 0.5}}
  c: {by: {2029-12-31: 0.3, 2034-12-31: 0.6}}
  ma: {after: a, delay: {median: 200, p90: 600}}
  mb: {after: b, delay: {median: 200, p90: 600}}
  mc: {after: c, delay: {median: 90, p90: 300}}
questions:
  a_then_mb: a.date < mb.date
"""


def _plans(sc: pactsim.Scenario) -> dict[str, CurvePlan | MilestonePlan]:
    model = compile_scenario(sc)
    return {model.names[i]: t for i, t in model.timing.items()}


def test_equal_curves_and_delays_share_tables_and_different_ones_do_not() -> None:
    p = _plans(pactsim.loads(FILE))
    a, b, c = (p[k].tables for k in "abc")
    assert isinstance(a, dated._CurveTables) and a.steps is not None
    assert a.steps is b.steps and a.day_flat is b.day_flat
    assert c.steps is not a.steps
    ma, mb, mc = (p[k].tables for k in ("ma", "mb", "mc"))
    assert ma.steps is mb.steps and mc.steps is not ma.steps


def test_tables_are_held_only_while_a_plan_uses_them() -> None:
    sc = pactsim.loads(FILE.replace("0.3", "0.31"))  # its own curves, not shared
    table = _plans(sc)["a"].tables.steps
    assert any(getattr(v, "steps", None) is table for v in dated._SHARED.values())
    gone = weakref.ref(table)
    del sc, table
    gc.collect()
    assert gone() is None  # this very table is freed, not just any entry of the store


def test_shared_tables_draw_the_exact_answers() -> None:
    sc = pactsim.loads(FILE)
    mc = pactsim.simulate(sc, n=200_000, seed=11)
    ex = pactsim.exact(sc)
    for name in ("a", "b", "c", "ma", "mb", "mc", "a_then_mb"):
        got, want = mc.prob(name).value, ex.prob(name).value
        se = np.sqrt(want * (1 - want) / mc.n)
        assert abs(got - want) <= 4 * se, (name, got, want)
    # the two events with one curve are drawn independently (their own uniforms)
    both = mc.prob("a and b").value
    indep = ex.prob("a").value * ex.prob("b").value
    assert abs(both - indep) <= 4 * np.sqrt(indep * (1 - indep) / mc.n)
