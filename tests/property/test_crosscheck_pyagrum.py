"""pactsim.exact against an independent engine: pyAgrum's LazyPropagation.

Random binary scenarios (events, signing, pillars, clauses; tables, binary
odds, requires/excludes, uncertain p) are translated into a pyAgrum BayesNet
from the CompiledModel plans, with the gates as deterministic AND / AND NOT
in the CPTs and every uncertain p with odds integrated by
scipy.integrate.quad (not by pactsim's Gauss–Jacobi rule). Every marginal,
and one posterior under evidence, must agree to 1e-9.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st
from scipy import integrate, special, stats

from pactsim.inference.compile import BinaryPlan, CompiledModel
from pactsim.language.io import from_dict
from pactsim.language.scenario import Scenario
from pactsim.results.exact import exact

try:  # pyAgrum >= 2 names its module `pyagrum`
    import pyagrum as gum
except ImportError:  # pragma: no cover - older releases
    gum = pytest.importorskip("pyAgrum")

TOL = 1e-9


# -- a small local strategy: plain data through the real loader -----------------
_PROBS = st.one_of(st.sampled_from([0.0, 0.05, 0.5, 0.9, 1.0]),
                   st.floats(0.0, 1.0, allow_subnormal=False))


@st.composite
def _pspecs(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["fixed", "fixed", "fixed", "beta", "between"]))
    if kind == "beta":
        return {"beta": [draw(st.floats(0.3, 6.0)), draw(st.floats(0.3, 6.0))]}
    if kind == "between":
        lo = draw(st.floats(0.02, 0.8))
        return {"between": [lo, draw(st.floats(lo + 0.05, 0.97))]}
    return draw(_PROBS)


def _table(draw: st.DrawFn, depth: int) -> Any:
    if depth == 0:
        return draw(_pspecs())
    return {True: _table(draw, depth - 1), False: _table(draw, depth - 1)}


@st.composite
def networks(draw: st.DrawFn) -> Scenario:
    """Binary scenarios of up to 9 nodes; each node draws up to 3 earlier nodes as parents."""
    data: dict[str, Any] = {"pactsim": 1, "id": "random", "as_of": dt.date(2025, 1, 1),
                            "horizon": dt.date(2025, 12, 31)}
    earlier: list[str] = []
    if draw(st.booleans()):
        data["signing"] = {"by": {dt.date(2025, 6, 30): draw(_PROBS)}}
        earlier.append("signing")
    events: dict[str, Any] = {}
    pillars: dict[str, Any] = {}
    for i in range(draw(st.integers(1, 9))):
        kind = draw(st.sampled_from(["event", "pillar", "clause"] if pillars
                                    else ["event", "pillar"]))
        name = f"{kind[0]}{i}"
        parents = draw(st.lists(st.sampled_from(earlier), unique=True,
                                max_size=min(3, len(earlier)))) if earlier else []
        roles = [draw(st.sampled_from(["given", "odds", "requires", "excludes"]))
                 for _ in parents]
        spec: dict[str, Any] = {}
        given_ = [p for p, r in zip(parents, roles, strict=True) if r == "given"]
        if given_:
            spec["given"], spec["table"] = given_, _table(draw, len(given_))
        else:
            spec["p"] = draw(_pspecs())
        odds = {p: draw(st.floats(0.2, 5.0)) for p, r in zip(parents, roles, strict=True)
                if r == "odds"}
        if odds:
            spec["odds"] = odds
        for gate in ("requires", "excludes"):
            gates = [p for p, r in zip(parents, roles, strict=True) if r == gate]
            if gates:
                spec[gate] = gates
        if kind == "event":
            events[name] = spec
        elif kind == "pillar":
            pillars[name] = {**spec, "clauses": {}}
        else:
            pillars[draw(st.sampled_from(sorted(pillars)))]["clauses"][name] = spec
        earlier.append(name)
    data["events"], data["pillars"] = events, pillars
    return from_dict(data)


# -- translation to pyAgrum ---------------------------------------------------------
def _row_probability(plan: BinaryPlan, r: int) -> float:
    """P(node | table row r) before gates; uncertain p with odds integrated by quad."""
    if plan.beta is None or math.isnan(plan.beta[r, 0]):
        return float(plan.p[r])
    a, b = (float(x) for x in plan.beta[r])
    lf = float(plan.logodds[r])

    def g(p: float) -> float:
        return float(special.expit(special.logit(p) + lf))

    opts: dict[str, Any] = {"epsabs": 1e-14, "epsrel": 1e-12, "limit": 200}
    if a + b <= 50:  # endpoint powers as the quad weight: exact for p**(a-1) singularities
        value, err = integrate.quad(g, 0.0, 1.0, weight="alg", wvar=(a - 1, b - 1), **opts)
        value /= special.beta(a, b)
    else:  # concentrated: integrate against the density over its bulk
        lo, hi = stats.beta.ppf([1e-15, 1 - 1e-15], a, b)
        value, err = integrate.quad(lambda p: g(p) * stats.beta.pdf(p, a, b), lo, hi,
                                    points=[a / (a + b)], **opts)
    assert err < 1e-10
    return float(value)


def to_pyagrum(model: CompiledModel) -> Any:
    bn = gum.BayesNet(model.scenario_id)
    for name in model.names:
        bn.add(gum.LabelizedVariable(name, name, 2))
    for plan in model.plans:
        for u in sorted({*plan.parents, *plan.gates_true, *plan.gates_false}):
            bn.addArc(model.names[u], plan.name)
    for plan in model.plans:
        cpt = bn.cpt(plan.name)
        if plan.kind == "signing":
            c = float(plan.p[0])
            cpt.fillWith([1.0 - c, c])
            continue
        assert not plan.drivers  # the strategy makes no drivers
        rows = [_row_probability(plan, r) for r in range(1 << len(plan.parents))]
        scope = sorted({*plan.parents, *plan.gates_true, *plan.gates_false})
        for values in itertools.product((0, 1), repeat=len(scope)):
            x = dict(zip(scope, values, strict=True))
            r = sum(x[u] << j for j, u in enumerate(plan.parents))
            q = rows[r] * math.prod(x[g] for g in plan.gates_true) \
                * math.prod(1 - x[g] for g in plan.gates_false)
            cpt[{model.names[u]: v for u, v in x.items()}] = [1.0 - q, q]
    return bn


def _check(sc: Scenario) -> None:
    ex = exact(sc)
    model = ex.model
    bn = to_pyagrum(model)
    ie = gum.LazyPropagation(bn)
    ie.makeInference()
    mine = ex.marginals()["p"]
    for name in model.names:
        theirs = float(ie.posterior(name)[1])
        assert mine[name] == pytest.approx(theirs, abs=TOL), name
    # one posterior under evidence, when the evidence is possible
    first, last = model.names[0], model.names[-1]
    if mine[first] > 1e-6:
        ie2 = gum.LazyPropagation(bn)
        ie2.setEvidence({first: 1})
        ie2.makeInference()
        theirs = float(ie2.posterior(last)[1])
        assert ex.prob(last, given=first).value == pytest.approx(theirs, abs=TOL)


@seed(20241105)
@settings(max_examples=150, deadline=None)
@given(networks())
def test_marginals_match_pyagrum(sc: Scenario) -> None:
    _check(sc)


def test_marginals_match_pyagrum_on_shared_strategy() -> None:
    """The same check over pactsim.testing.strategies (no drivers, no timing)."""
    from pactsim.testing import strategies

    @seed(20241106)
    @settings(max_examples=60, deadline=None)
    @given(strategies.scenarios(allow_drivers=False, allow_timing=False))
    def run(sc: Scenario) -> None:
        _check(sc)

    run()


def test_translation_catches_a_wrong_cpt() -> None:
    """The cross-check can fail: perturb one CPT entry and pyAgrum disagrees."""
    sc = from_dict({"pactsim": 1, "id": "t", "as_of": dt.date(2025, 1, 1),
                    "horizon": dt.date(2025, 12, 31),
                    "events": {"a": {"p": 0.3},
                               "b": {"given": ["a"], "table": {True: 0.8, False: 0.1}}}})
    ex = exact(sc)
    bn = to_pyagrum(ex.model)
    bn.cpt("b")[{"a": 1}] = [0.3, 0.7]
    ie = gum.LazyPropagation(bn)
    ie.makeInference()
    assert abs(float(ie.posterior("b")[1]) - ex.prob("b").value) > 1e-3
    assert np.isclose(ex.prob("b").value, 0.3 * 0.8 + 0.7 * 0.1)
