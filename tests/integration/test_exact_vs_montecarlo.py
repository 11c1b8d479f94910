"""Monte Carlo (pactsim.simulate) against exact inference (pactsim.exact) on every scenario file.

Every binary node, every true/false question and the mean of every numeric
question must agree within ``SIGMAS`` standard errors of the Monte Carlo
estimate (floored at 1/n, so that an estimate of exactly 0 or 1 is not given
zero width). There are about 100 comparisons over ``scenarios/*.yaml``; at
4.5 SE a two-sided false alarm has probability 6.8e-6 each, so with a
Bonferroni bound the whole file has a false-alarm chance of about 100 × 6.8e-6
≈ 7e-4 for a random seed. The seed is fixed, so the test is deterministic; a
failure means a real disagreement of the engine and exact inference.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import pactsim
from pactsim.results.exact import ExactResults, exact
from pactsim.results.montecarlo import Results

SCENARIOS = Path(__file__).parents[2] / "scenarios"
FILES = sorted(p.name for p in SCENARIOS.glob("*.yaml"))
N = 200_000
SEED = 20241105
SIGMAS = 4.5  # Bonferroni over ~100 comparisons: family-wise false alarm ≈ 7e-4


@pytest.fixture(scope="module", params=FILES)
def pair(request: pytest.FixtureRequest) -> tuple[str, Results, ExactResults]:
    sc = pactsim.load(SCENARIOS / request.param)
    return request.param, pactsim.simulate(sc, n=N, seed=SEED), exact(sc)


def _z(mc: float, se: float, value: float, n: int) -> float:
    return abs(mc - value) / max(se, 1.0 / n)


def test_every_file_is_covered() -> None:
    assert "iran-russia-2024.yaml" in FILES
    assert len(FILES) >= 4


def test_binary_nodes_agree(pair: tuple[str, Results, ExactResults]) -> None:
    name, mc, ex = pair
    a, b = mc.marginals(), ex.marginals()
    assert list(a.index) == list(b.index)
    z = {node: _z(a.loc[node, "p"], a.loc[node, "stderr"], b.loc[node, "p"], mc.n)
         for node in a.index}
    bad = {k: round(v, 2) for k, v in z.items() if v > SIGMAS}
    assert not bad, f"{name}: |z| > {SIGMAS} for {bad}"


def test_questions_agree(pair: tuple[str, Results, ExactResults]) -> None:
    name, mc, ex = pair
    a, b = mc.questions(), ex.questions()
    assert list(a.index) == list(b.index)
    z = {q: _z(a.loc[q, "p"], a.loc[q, "stderr"], b.loc[q, "p"], mc.n) for q in a.index}
    bad = {k: round(v, 2) for k, v in z.items() if v > SIGMAS}
    assert not bad, f"{name}: |z| > {SIGMAS} for {bad}"


def test_numeric_questions_agree(pair: tuple[str, Results, ExactResults]) -> None:
    name, mc, ex = pair
    for q, (_tree, kind) in ex.model.questions.items():
        if kind == "bool":
            continue
        a, b = mc.numeric(q), ex.numeric(q)
        assert _z(a.mean, a.stderr, b.mean, mc.n) <= SIGMAS, f"{name}: {q} mean {a} vs {b}"
        assert a.missing == pytest.approx(b.missing, abs=SIGMAS * np.sqrt(0.25 / mc.n))


def test_signing_curve_agrees(pair: tuple[str, Results, ExactResults]) -> None:
    name, mc, ex = pair
    if ex.model.signing_index < 0:
        pytest.skip(f"{name} has no signing section")
    dates = ex.key_dates()
    a, b = mc.signing_cdf(dates), ex.signing_cdf(dates)
    z = np.abs(a["p"] - b["p"]) / np.maximum(a["stderr"], 1.0 / mc.n)
    assert (z <= SIGMAS).all(), f"{name}: signing curve off by {z.max():.2f} SE"


def test_every_date_curve_agrees(pair: tuple[str, Results, ExactResults]) -> None:
    name, mc, ex = pair
    dates = ex.key_dates()
    for node in ex.dated():
        a, b = mc.date_cdf(node, dates), ex.date_cdf(node, dates)
        z = np.abs(a["p"] - b["p"]) / np.maximum(a["stderr"], 1.0 / mc.n)
        assert (z <= SIGMAS).all(), f"{name}: {node}'s date curve off by {z.max():.2f} SE"


def test_quadrature_is_negligible(pair: tuple[str, Results, ExactResults]) -> None:
    _name, _mc, ex = pair
    assert ex.quadrature_error < 1e-9
