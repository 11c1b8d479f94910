"""simulate(target_se=...): stop at the first block where every reported probability's
standard error is at most the target, reproducibly, with n as the cap (issue 11, item 4)."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import pytest

import pactsim
from pactsim.cli import main
from pactsim.errors import ArgumentError, ArgumentTypeError, PactsimWarning
from pactsim.inference.engine import BLOCK

FLAGSHIP = Path(__file__).resolve().parents[2] / "scenarios" / "iran-russia-2024.yaml"


@pytest.fixture(scope="module")
def sc() -> pactsim.Scenario:
    return pactsim.load(FLAGSHIP)


def _smoothed_max_se(res: pactsim.Results) -> float:
    """The largest standard error the rule watches, recomputed from the frames the user
    sees: (c + 1)(n - c + 1)/(n + 2)**3 of each P, P(. | signed) and P(by key date)."""
    n = res.n
    m = res.marginals()
    signed = round(float(res.prob("signing").value) * n)
    out = []
    for _, row in m.iterrows():
        c = round(row["p"] * n)
        out.append((c + 1) * (n - c + 1) / (n + 2) ** 3)
        if row["kind"] in ("pillar", "clause"):
            k = round(row["p_given_signed"] * signed)
            out.append((k + 1) * (signed - k + 1) / (signed + 2) ** 3)
    q = res.questions()
    for name, row in q.iterrows():
        if res.model.questions[str(name)][1] != "bool":
            continue
        c = round(row["p"] * n)
        out.append((c + 1) * (n - c + 1) / (n + 2) ** 3)
        k = round(row["p_given_signed"] * signed)
        out.append((k + 1) * (signed - k + 1) / (signed + 2) ** 3)
    for node in res.dated():
        for p in res.date_cdf(node, res.key_dates())["p"]:
            c = round(p * n)
            out.append((c + 1) * (n - c + 1) / (n + 2) ** 3)
    return math.sqrt(max(out))


@pytest.mark.parametrize("target", [0.004, 0.0015])
def test_it_stops_at_the_first_block_that_reaches_the_target(sc, target):
    res = pactsim.simulate(sc, n=10_000_000, seed=3, target_se=target, keep_draws=False)
    assert res.info.target_reached is True and res.info.target_se == target
    assert res.n % BLOCK == 0
    assert _smoothed_max_se(res) <= target
    assert res.questions()["stderr"].max() <= target
    assert res.marginals()["stderr_given_signed"].max() <= target
    if res.n > BLOCK:  # one block fewer (the same draws, a seed's blocks are fixed) is short
        fewer = pactsim.simulate(sc, n=res.n - BLOCK, seed=3, keep_draws=False)
        assert _smoothed_max_se(fewer) > target


def test_the_stopping_point_does_not_depend_on_chunks_or_workers(sc):
    runs = [pactsim.simulate(sc, n=5_000_000, seed=9, target_se=0.002, **kw)
            for kw in ({}, {"chunk_size": BLOCK}, {"workers": 2, "keep_draws": False})]
    assert len({r.n for r in runs}) == 1
    for r in runs[1:]:
        assert r.marginals()["p"].equals(runs[0].marginals()["p"])
    assert runs[0].to_frame().shape[0] == runs[0].n  # kept draws cut at the same block


def test_the_cap_is_n_and_says_so(sc):
    with pytest.warns(PactsimWarning, match=r"stopped at the cap n = 70,000 .* raise n"):
        res = pactsim.simulate(sc, n=70_000, seed=1, target_se=0.0005)
    assert res.n == 70_000 and res.info.target_reached is False


def test_target_of_watches_only_the_named(sc):
    one = pactsim.simulate(sc, n=10_000_000, seed=2, target_se=0.001,
                           target_of=["brics_payments"], keep_draws=False)
    every = pactsim.simulate(sc, n=10_000_000, seed=2, target_se=0.001, keep_draws=False)
    # P = 0.1: (0.1)(0.9)/n <= 1e-6 needs n >= 90,000, i.e. two blocks
    assert one.n == 2 * BLOCK < every.n
    assert one.prob("brics_payments").stderr <= 0.001


@pytest.mark.parametrize(("kw", "err", "match"), [
    ({"target_se": 0}, ArgumentError, "target_se must be a number in"),
    ({"target_se": 0.7}, ArgumentError, "target_se must be a number in"),
    ({"target_se": True}, ArgumentError, "target_se must be a number in"),
    ({"target_of": ["signing"]}, ArgumentError, "target_of needs target_se"),
    ({"target_se": 0.01, "target_of": "signing"}, ArgumentTypeError, "list of names"),
    ({"target_se": 0.01, "target_of": ["signng"]}, ArgumentError, "did you mean 'signing'"),
    ({"target_se": 0.01, "target_of": ["n_pillars"]}, ArgumentError, "not true/false"),
])
def test_bad_targets_are_refused_before_drawing(sc, kw, err, match):
    with pytest.raises(err, match=match):
        pactsim.simulate(sc, n=1000, seed=1, **kw)


def test_the_cli_stops_at_the_target_and_says_so(capsys, tmp_path):
    assert main(["run", str(FLAGSHIP), "--target-se", "0.004", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "drawn until every standard error was ≤ 0.4 points" in out
    res = pactsim.simulate(pactsim.load(FLAGSHIP), n=10**8, seed=3, target_se=0.004,
                           keep_draws=False)
    assert f"n = {res.n:,} draws" in out
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the CLI turns the cap warning into a clean line
        assert main(["run", str(FLAGSHIP), "-n", "1000", "--target-se", "0.0001",
                     "--seed", "1"]) == 0
    captured = capsys.readouterr()
    assert captured.err.strip().splitlines() == [
        "pactsim: note: the Monte Carlo run stopped at the cap n = 1,000 draws before every "
        "watched standard error reached the target of 0.0001 (0.01 percentage points): the "
        "largest is 0.017 (1.7 points); raise n"]
    assert "NOT reached within n = 1,000" in captured.out
    assert main(["run", str(FLAGSHIP), "--target-se", "1"]) == 2
