"""Review of the engine's byte-first and merged draws (2026-11-30).

Common random numbers under evidence. ``engine._fill_block`` promises that "every
node still consumes the random numbers it would without evidence", and the engine
docstring that nodes without findings "draw the same words with or without
findings elsewhere"; ``pactsim.history`` relies on it (the same seed every date, so
the moves from date to date are mostly not noise). A categorical node drawn in
one stream with its present row (``merged_groups``) draws ``ceil(n / 8) + min(k
(n // 512 + 128), ceil(n / 2))`` words without a finding on it; with one it is
drawn in two streams, which used to take other words from the block's stream
(the review found every later node's draws changed). Now the two streams come
from a generator seeded by the words the one stream would take
(``engine._child_stream``), so an independent root after it keeps its draws, and
the law under the finding still matches exact inference.
"""

from __future__ import annotations

import numpy as np
import pytest

import pactsim
from pactsim.inference import engine
from pactsim.inference.compile import compile_scenario
from pactsim.inference.weighting import Finding, plan_evidence

TEXT = """\
pactsim: 3
id: review-crn
as_of: 2024-01-01
horizon: 2024-12-31
events:
  x:
    levels: {absent: 0.2, generic: 0.45, named: 0.35}
  later: {p: 0.4}
"""


def _later(evidence: str | None) -> np.ndarray:
    model = compile_scenario(pactsim.loads(TEXT))
    plan = None if evidence is None else plan_evidence(model, [Finding(evidence)])
    bits = engine.sample_blocks(model, 1, 10_000, range(1), evidence=plan).bits
    return np.asarray(bits[model.index["later"]])


def test_control_two_streams_keep_common_random_numbers(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    # the property as it held before the merged draw: 'later' is drawn from the same words
    monkeypatch.setattr(engine, "MERGED", False)
    assert np.array_equal(_later(None), _later("x == named"))


@pytest.mark.parametrize("evidence", ["x == named", "x", "not x", "x != generic"])
def test_a_finding_on_a_merged_categorical_leaves_other_nodes_draws(evidence: str) -> None:
    model = compile_scenario(pactsim.loads(TEXT))
    assert model.index["x"] in engine.merged_groups(model)
    assert np.array_equal(_later(None), _later(evidence))


@pytest.mark.parametrize("evidence", ["x == named", "not x", "x != generic"])
def test_a_finding_on_a_merged_categorical_keeps_the_law(evidence: str) -> None:
    """Its two streams from the seeded generator: P(x == l | finding) and P(later) within
    4 standard errors of exact inference (n = 200,000, seed 5)."""
    sc = pactsim.loads(TEXT)
    res = pactsim.simulate(sc, 200_000, seed=5, evidence=[evidence])
    ex = pactsim.exact(sc, evidence=[evidence])
    for q in ("x == named", "x == generic", "later"):
        got, want = res.prob(q), ex.prob(q).value
        assert abs(got.value - want) <= 4 * max(got.stderr, 1e-12), (q, got, want)
