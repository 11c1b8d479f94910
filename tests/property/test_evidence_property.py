"""Monte Carlo under evidence against exact inference on generated scenarios (issue 11).

For a generated scenario and generated evidence — a node forced true or false,
a dated node's day bounded (``x.date <= d`` or ``not x.date <= d``), plus a
soft finding on another node — ``pactsim.simulate(sc, evidence=...)`` must
give every binary node's probability within ``SIGMAS`` standard errors
(family-wise over the nodes, Šidák) of the exact answer: ``exact(sc).prob(q,
given=E)`` for hard evidence, and with a soft finding ``S`` of ratio ``r``

    (r P(Q, S, E) + P(Q, not S, E)) / (r P(S, E) + P(not S, E)).

Evidence exact inference calls impossible (P = 0) must raise
:class:`~pactsim.errors.ConditionError` (before or after sampling), never
hang; evidence of chance above 1e-3 must not raise. Comparisons are made only
when the run's effective sample size is at least ``MIN_ESS`` (the delta-method
standard error needs a few hundred effective draws), with the standard error
at least the binomial one at the exact value and at least ``1 / ess``.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import assume, event, given, note, settings
from hypothesis import strategies as st

import pactsim
from pactsim.errors import ConditionError, ExactUnsupportedError, ModelTooWideError
from pactsim.language.scenario import Scenario
from pactsim.testing import strategies
from pactsim.testing.assertions import family_wise_threshold

N = 20_000
SEED = 5
SIGMAS = 4.5
MIN_ESS = 500
# Derandomized under every profile (``ci`` already is): drawn afresh under ``dev``, about
# 2% of the compared examples hold a node whose expected count under the evidence is 4 to
# 60, where the check failed a correct pactsim up to 7 times in 1,000 before its standard
# error took the exact value into account (see _check): a few runs in 10,000.
FEWER = settings(max_examples=max(5, settings.default.max_examples // 4), derandomize=True,
                 database=None)


def _exact_answers(sc: Scenario, hard: str, soft: tuple[str, float] | None
                   ) -> tuple[float, dict[str, float]]:
    """Exact P(hard) and each binary node's exact answer under the evidence."""
    try:
        ex = pactsim.exact(sc)

        def p(x: str) -> float:
            return float(ex.prob(f"({x}) and ({hard})").value)

        p_e = p("true")
        want: dict[str, float] = {}
        if p_e > 0:
            for q in sc.binary_names:
                if soft is None:
                    want[q] = p(q) / p_e
                else:
                    s, r = soft
                    num = r * p(f"({q}) and ({s})") + p(f"({q}) and not ({s})")
                    want[q] = num / (r * p(s) + p(f"not ({s})"))
        return p_e, want
    except (ModelTooWideError, ExactUnsupportedError):
        assume(False)
        raise  # pragma: no cover


def _check(sc: Scenario, hard: str, soft: tuple[str, float] | None) -> None:
    p_e, want = _exact_answers(sc, hard, soft)
    evidence: list[object] = [hard]
    if soft is not None:
        evidence.append(pactsim.soft(*soft))
    note(f"evidence {evidence}, exact P(hard) = {p_e:.3g}")
    if p_e == 0.0:
        event("impossible evidence")
        with pytest.raises(ConditionError):
            pactsim.simulate(sc, n=N, seed=SEED, evidence=evidence, keep_draws=False)
        return
    if p_e < 1e-3:
        event("rare evidence, not compared")
        return  # possible but rare: either answer or "no draw met it" is right
    res = pactsim.simulate(sc, n=N, seed=SEED, evidence=evidence, keep_draws=False)
    note(f"ess {res.info.ess:,.0f}")
    if res.info.ess is None or res.info.ess < MIN_ESS:
        event("small effective sample size, not compared")
        return
    event("compared with exact")
    z_max = family_wise_threshold(SIGMAS, len(want))
    for q, value in want.items():
        est = res.prob(q)
        # the binomial error at the exact value too, as assert_matches_exact takes it: the
        # estimate's own error alone shrinks when a rare node's count falls low by chance
        # (no hit: an error of 1 / ess), and a node expected 5 to 20 times then failed at
        # 4.9 sigma up to 7 times in 1,000 (the normal tail: 1 in a million)
        # (a ratio of two exact answers may pass 1 by a rounding: 1 + 2e-16 has no error)
        inside = min(max(value, 0.0), 1.0)
        se = max(est.stderr, math.sqrt(inside * (1.0 - inside) / res.info.ess),
                 1.0 / res.info.ess)
        z = (est.value - value) / se
        assert abs(z) <= z_max, f"{q}: {est!r} vs exact {value:.6g} (z = {z:+.2f})"


@FEWER
@given(sc=strategies.scenarios(max_nodes=8, allow_drivers=True), data=st.data())
def test_node_evidence_matches_exact(sc: Scenario, data: st.DataObject) -> None:
    names = list(sc.binary_names)
    node = data.draw(st.sampled_from(names), label="node")
    value = data.draw(st.booleans(), label="value")
    soft = None
    others = [n for n in names if n != node]
    if others and data.draw(st.booleans(), label="soft"):
        soft = (data.draw(st.sampled_from(others), label="soft node"),
                data.draw(st.sampled_from([0.2, 3.0]), label="ratio"))
    _check(sc, node if value else f"not {node}", soft)


@FEWER
@given(sc=strategies.scenarios(max_nodes=6, allow_drivers=True, dated=True), data=st.data())
def test_date_evidence_matches_exact(sc: Scenario, data: st.DataObject) -> None:
    dated = list(sc.dated_names)
    assume(dated)
    node = data.draw(st.sampled_from(dated), label="dated node")
    span = (sc.horizon - sc.as_of).days
    day = sc.as_of + dt.timedelta(days=data.draw(st.integers(1, max(1, span)), label="day"))
    form = data.draw(st.sampled_from(["{x}.date <= {d}", "not {x}.date <= {d}",
                                      "{x}.date == {d}", "{x}.date > {d}"]), label="form")
    _check(sc, form.format(x=node, d=day.isoformat()), None)


def test_thresholds_are_sane() -> None:
    assert 4.5 <= family_wise_threshold(SIGMAS, 10) < 6
    assert math.isfinite(family_wise_threshold(SIGMAS, 40))
