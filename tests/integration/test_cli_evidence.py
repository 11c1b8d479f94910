"""`pactsim run --evidence/--soft`: weighted runs from the command line (issue 11)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import pactsim
from helpers import call

FLAGSHIP = Path(__file__).resolve().parents[2] / "scenarios" / "iran-russia-2024.yaml"


def _pct(text: str, question: str) -> float:
    m = re.search(rf"^  {question}\s+([0-9.]+)% \[", text, re.M)
    assert m is not None, text
    return float(m[1]) / 100


def test_run_with_evidence_prints_the_weighted_forecast_and_ess(capsys: pytest.CaptureFixture[str]
                                                                 ) -> None:
    code, out, err = call(capsys, "run", FLAGSHIP, "-n", "100000", "--seed", "3",
                          "--evidence", "mutual_defence", "--soft", "drones_missiles:3")
    assert code == 0, err
    assert "under evidence mutual_defence; drones_missiles (x3)" in out
    m = re.search(r"effective sample size ([0-9,]+) of 100,000", out)
    assert m is not None and 1_000 < int(m[1].replace(",", "")) <= 100_000
    # the same numbers as the Python API (same seed)
    res = pactsim.simulate(pactsim.load(FLAGSHIP), n=100_000, seed=3, keep_draws=False,
                           evidence=["mutual_defence", pactsim.soft("drones_missiles", 3)])
    assert _pct(out, "signed_by_2024") == pytest.approx(res.prob("signed_by_2024").value,
                                                       abs=0.0006)
    # and far from the prior (0.40): the evidence did something
    assert _pct(out, "signed_by_2024") > 0.45


@pytest.mark.parametrize(("args", "message"), [
    (["--soft", "drones_missiles"], "EXPR:RATIO"),
    (["--soft", "drones_missiles:x"], "not a number"),
    (["--soft", "drones_missiles:0"], "finite number > 0"),
    (["--evidence", "mutual_defence and not military"], "mutual_defence"),
    (["--evidence", "mutual_defense"], "did you mean"),
    (["--evidence", "mutual_defence", "--target-se", "0.01"],
     "--target-se cannot be used with --evidence/--soft"),
])
def test_bad_evidence_exits_2_with_one_message(capsys: pytest.CaptureFixture[str],
                                               args: list[str], message: str) -> None:
    code, _out, err = call(capsys, "run", FLAGSHIP, "-n", "1000", "--seed", "1", *args)
    assert code == 2
    assert message in err and "Traceback" not in err
