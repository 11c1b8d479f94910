"""A numeric question of too many distinct values for the streaming statistics gets its
quantiles from the kept draws, as a numeric attribute does; without draws, the text
says there are none (it used to print "(sd ...); ; no value in ...")."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from scipy.stats import norm

import pactsim
from pactsim.views.text import format_results

TEXT = """\
pactsim: 3
id: numeric-quantiles
as_of: 2024-11-05
horizon: 2025-12-31
signing:
  by: {2024-12-31: 0.4, 2025-12-31: 0.82}
attributes:
  cost:
    dist: {lognormal: {median: 2400, p90: 6000}}
    requires: [signing]
questions:
  cost_q: cost
"""
N = 200_000


@pytest.fixture(scope="module")
def sc() -> pactsim.Scenario:
    return pactsim.loads(TEXT, name="numeric-quantiles.yaml")


def test_a_continuous_numeric_question_has_the_quantiles_of_its_draws(sc: pactsim.Scenario
                                                                      ) -> None:
    res = pactsim.simulate(sc, n=N, seed=3, progress=False)
    q = res.numeric("cost_q").quantiles
    assert set(q) == {0.1, 0.5, 0.9}
    assert q == res.numeric("cost").quantiles  # the same draws, the same answer
    # closed form: ln(cost) ~ N(ln 2400, s) with s = ln(6000 / 2400) / z(0.9), given signing
    # (0.82); each sample quantile's CDF value is within 5 standard errors of its level
    s = math.log(6000 / 2400) / norm.ppf(0.9)
    present = 0.82 * N
    for level, x in q.items():
        f = norm.cdf((math.log(x) - math.log(2400)) / s)
        assert abs(f - level) < 5 * math.sqrt(level * (1 - level) / present), (level, x, f)


def test_without_draws_the_text_says_there_are_no_quantiles(sc: pactsim.Scenario) -> None:
    res = pactsim.simulate(sc, n=N, seed=3, progress=False, keep_draws=False)
    assert res.numeric("cost_q").quantiles == {}
    text = format_results(res)
    line = next(x for x in text.splitlines() if x.startswith("Distribution of cost_q"))
    assert "; ;" not in line
    assert "no quantiles (more than 10,000 distinct values, and no draws kept)" in line


def test_the_cli_keeps_draws_for_a_numeric_question_over_a_driver(tmp_path: Path) -> None:
    # `pactsim run` keeps no draws unless a value can be continuous: a numeric question
    # over a driver printed "no quantiles" past 10,000 distinct values
    import contextlib
    import io
    import json

    from pactsim.cli import main

    f = tmp_path / "driver.yaml"
    f.write_text("pactsim: 1\nid: d\nas_of: 2024-11-05\nhorizon: 2025-12-31\n"
                 "drivers:\n  alignment: {dist: normal, mean: 0, sd: 1}\n"
                 "events:\n  e: {p: 0.5, odds: {alignment: 2}}\n"
                 "questions:\n  al: alignment\n", encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["run", str(f), "-n", "100000", "--seed", "5", "--format", "json"]) == 0
    q = json.loads(out.getvalue())["numeric"]["al"]["quantiles"]
    assert set(q) == {"q10", "q50", "q90"}
    for level, key in ((0.1, "q10"), (0.5, "q50"), (0.9, "q90")):  # within 5 binomial SE
        assert abs(norm.cdf(q[key]) - level) < 5 * math.sqrt(level * (1 - level) / 100_000)
