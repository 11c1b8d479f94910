"""Soft findings applied in logarithms, each block on its own scale.

A run under soft evidence multiplies each draw's weight by ``r`` where a finding
holds (over ``max(r, 1)``). Those factors are now added as logarithms and each
block is divided by its largest weight (``apply_log_factors``), so that findings
pulling against each other cannot make every weight underflow to 0; blocks
divided by different amounts are brought to one scale when their sums merge
(``WeightedStats.log_scale``) and when their kept weights are joined. The
expected answers here are the plain products of the factors, computed from the
kept draws' bits with no pactsim code.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import pactsim
from pactsim.inference import weighting
from pactsim.results import chunk

#: Twenty independent events of chance 1/2; a ratio of 2 on each makes a draw's factor
#: 2**(true ones - 20): blocks of 65,536 draws reach different largest factors.
N_EVENTS = 20
COIN = ("pactsim: 1\nid: coins\nas_of: 2024-01-01\nhorizon: 2024-12-31\nevents:\n"
        + "".join(f"  x{i}: {{p: 0.5}}\n" for i in range(N_EVENTS)))
SOFT = [pactsim.soft(f"x{i}", 2.0) for i in range(N_EVENTS)]


def _by_hand(bits: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """The draws' weights as the plain product of every factor: 1 where x_i, 1/2 where not."""
    w = prior.astype(np.float64).copy()
    for i in range(N_EVENTS):
        w *= np.where(bits[i], 1.0, 0.5)
    return w


def test_apply_log_factors_by_hand() -> None:
    w = np.array([1.0, 0.5, 0.0, 0.25])
    log_f = np.log([1e-300, 1e-300, 1.0, 1e-310])
    top = weighting.apply_log_factors(w, log_f)
    # products 1e-300, 5e-301, 0, 2.5e-311: divided by the largest
    assert top == pytest.approx(math.log(1e-300), rel=1e-12)
    np.testing.assert_allclose(w, [1.0, 0.5, 0.0, 2.5e-11], rtol=1e-9)
    zero = np.zeros(3)
    assert weighting.apply_log_factors(zero, np.zeros(3)) == 0.0
    assert not zero.any()


def test_cancelling_findings_keep_every_weight() -> None:
    """1e300 on `a` and on `not a`, three times each: every product is 1e-900 (0 in
    floating point), and after the division every weight is 1."""
    hold = np.array([True, False, True, False])
    log_f = np.zeros(4)
    for i in range(6):
        weighting.add_log_ratio(log_f, hold if i % 2 else ~hold, 1e300)
    w = np.ones(4)
    assert weighting.apply_log_factors(w, log_f) == pytest.approx(3 * math.log(1e-300))
    np.testing.assert_allclose(w, 1.0, rtol=1e-12)


@pytest.fixture(scope="module")
def coins() -> pactsim.Scenario:
    return pactsim.loads(COIN, name="coins.yaml")


def test_blocks_on_different_scales_give_the_plain_weighted_answer(
        coins: pactsim.Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    scales: list[float] = []
    real = chunk.apply_log_factors

    def spy(w: np.ndarray, log_f: np.ndarray) -> float:
        scales.append(real(w, log_f))
        return scales[-1]

    monkeypatch.setattr(chunk, "apply_log_factors", spy)
    n = 5 * 65_536
    res = pactsim.simulate(coins, n=n, seed=11, evidence=SOFT)
    # the blocks' largest factors differ, so the merge and the kept weights are aligned
    assert len(scales) == 5 and len(set(scales)) > 1, scales
    assert res.draws is not None and res.draws.weight is not None
    bits = res.draws.bits
    w = _by_hand(bits, np.ones(n))
    # kept weights: the plain products up to one constant factor
    ratio = res.draws.weight / w
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-9)
    for i in (0, 7, 19):
        f = bits[i]
        want = float(w @ f / w.sum())
        var = float((w * w) @ (f - want) ** 2) / float(w.sum()) ** 2
        streamed = res.prob(f"x{i}")  # from the merged sums
        kept = res.prob(f"x{i} and x{i}")  # from the kept draws and their weights
        for est in (streamed, kept):
            assert est.value == pytest.approx(want, rel=1e-9)
            assert est.stderr == pytest.approx(math.sqrt(var), rel=1e-6)
        # and the weighted answer is the exact one, 2/3, within 4 standard errors
        assert abs(streamed.value - 2 / 3) < 4 * streamed.stderr
    assert res.ess == pytest.approx(float(w.sum()) ** 2 / float(w @ w), rel=1e-9)


def test_scales_do_not_depend_on_chunking(coins: pactsim.Scenario) -> None:
    n = 3 * 65_536 + 500
    a = pactsim.simulate(coins, n=n, seed=4, evidence=SOFT, chunk_size=65_536)
    b = pactsim.simulate(coins, n=n, seed=4, evidence=SOFT, chunk_size=4 * 65_536,
                         keep_draws=False)
    assert a.stats.w == b.stats.w and a.stats.log_scale == b.stats.log_scale
    assert a.marginals().equals(b.marginals())


def test_given_soft_on_kept_draws_is_the_plain_product(coins: pactsim.Scenario) -> None:
    """Results.given with soft findings: the same weights, in logarithms, from the kept
    draws (unweighted, then weighted by a first finding)."""
    res = pactsim.simulate(coins, n=2 * 65_536, seed=5)
    assert res.draws is not None
    bits = res.draws.bits
    g = res.given(SOFT)
    w = _by_hand(bits, np.ones(res.n))
    assert g.prob("x3").value == pytest.approx(float(w @ bits[3] / w.sum()), rel=1e-9)
    first = pactsim.simulate(coins, n=2 * 65_536, seed=5, evidence=SOFT[:1])
    assert first.draws is not None and first.draws.weight is not None
    g2 = first.given(SOFT[1:])
    w2 = _by_hand(first.draws.bits, np.ones(first.n))
    assert g2.prob("x3").value == pytest.approx(
        float(w2 @ first.draws.bits[3] / w2.sum()), rel=1e-9)


def test_cancelling_observations_over_many_blocks_leave_the_prior() -> None:
    text = ("pactsim: 1\nid: t\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
            "events:\n  a: {p: 0.3}\n  b: {p: 0.6}\n")
    sc = pactsim.loads(text)
    ev = [pactsim.soft("a", 1e300), pactsim.soft("not a", 1e300)] * 3
    res = pactsim.simulate(sc, n=3 * 65_536, seed=2, evidence=ev)
    for name, p in (("a", 0.3), ("b", 0.6)):
        est = res.prob(name)
        assert abs(est.value - p) < 4 * est.stderr
    assert res.ess == pytest.approx(res.n, rel=1e-9)  # every weight equal


# -- the engine's likelihood weights ------------------------------------------------------
# Sixty findings, each clamping an event of chance 1e-6, make every draw's likelihood
# (1e-6)**60 = 1e-360: 0 in floating point, and simulate refused "held in none of the
# draws". The engine now multiplies a block's weights by a power of 2 when the largest
# falls below 2**-100 (exact), and the block carries the logarithm taken out.

def test_renormalize_is_an_exact_power_of_two() -> None:
    from pactsim.inference.engine import _renormalize

    w = np.array([3e-200, 1e-250, 0.0, 7e-201])
    before = w.copy()
    s = _renormalize(w)
    assert 0.5 <= w.max() < 1.0
    k = round(s / math.log(2.0))  # the divisor is 2**k
    assert s == k * math.log(2.0)
    np.testing.assert_array_equal(w, np.ldexp(before, -k))  # bit for bit
    big = np.array([0.5, 2.0**-99])
    assert _renormalize(big) == 0.0 and big[1] == 2.0**-99
    assert _renormalize(np.zeros(3)) == 0.0


def test_many_unlikely_clamped_findings_still_weigh() -> None:
    k = 60
    text = ("pactsim: 1\nid: many\nas_of: 2024-01-01\nhorizon: 2024-12-31\nevents:\n"
            + "".join(f"  x{i}: {{p: 0.000001}}\n" for i in range(k))
            + "  y:\n    given: [x0]\n    table: {true: 0.8, false: 0.1}\n")
    sc = pactsim.loads(text)
    evidence = {f"x{i}": True for i in range(k)}
    res = pactsim.simulate(sc, n=3 * 65_536, seed=1, evidence=evidence)
    # every draw has every x true and the same likelihood: equal weights, and y given x0
    assert res.ess == pytest.approx(res.n, rel=1e-9)
    assert res.draws is not None and res.draws.weight is not None
    np.testing.assert_allclose(res.draws.weight, res.draws.weight[0], rtol=1e-12)
    est = res.prob("y")
    assert abs(est.value - 0.8) < 4 * est.stderr
    assert res.prob("x7").value == 1.0
