"""Findings of a new-user review: each test failed before its fix.

1. ``sensitivity``/``report -q instc=named`` (a marginals row name) ran, then failed on
   an expression built from the question text.
"""

from __future__ import annotations

import pandas as pd
import pytest

import pactsim
from helpers import call

CAT = """\
pactsim: 3
id: cat-test
as_of: 2024-11-05
horizon: 2025-12-31
events:
  war:
    p: 0.6
pillars:
  transport:
    p: 0.8
    clauses:
      instc:
        levels: {absent: 0.2, generic: 0.45, named: 0.35}
      legal:
        given: [instc]
        table: {absent: 0.1, generic: 0.5, named: 0.9}
signing:
  by: {2024-12-31: 0.4, 2025-12-31: 0.8}
questions:
  named: instc == named
"""


@pytest.fixture(scope="module")
def cat() -> pactsim.Scenario:
    return pactsim.loads(CAT)


# -- 1. an outcome row as the question ---------------------------------------------------------
@pytest.mark.parametrize("question", ["instc=named", " instc = named "])
def test_sensitivity_of_an_outcome_row_is_that_of_the_comparison(
        cat: pactsim.Scenario, question: str) -> None:
    row = pactsim.sensitivity(cat, question)
    ref = pactsim.sensitivity(cat, "instc == named")
    assert row.question == question.strip()
    # P(instc == named) = P(signed) P(transport | signed) 0.35, exactly
    assert row.base == pytest.approx(0.8 * 0.8 * 0.35, abs=1e-12)
    pd.testing.assert_frame_equal(row.tornado, ref.tornado)
    pd.testing.assert_frame_equal(row.voi, ref.voi)
    assert len(row.voi) > 0


def test_cli_sensitivity_of_an_outcome_row(tmp_path, capsys) -> None:
    f = tmp_path / "cat.yaml"
    f.write_text(CAT)
    code, out, err = call(capsys, "sensitivity", f, "-q", "instc=named")
    assert code == 0, err
    assert "is not an operator" not in out + err
    assert "What to watch" in out
