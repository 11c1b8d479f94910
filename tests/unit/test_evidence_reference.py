"""Weighted Monte Carlo against the naive reference sampler, with rejection (issue 11).

The reference sampler (``tests/reference_sampler.py``) shares no code with the
engine, the compiler or the expression evaluator: it draws flagship agreements
one at a time in plain Python, and evidence is applied to its draws by its
own expression parser — rejection for hard findings, the likelihood ratio as a
weight for soft ones (the self-normalised mean and its delta-method standard
error written out here with numpy). ``pactsim.simulate(..., evidence=...)``
must agree within ``SIGMAS`` standard errors of the difference of the two
independent estimates.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import pactsim
from reference_sampler import ReferenceSampler, parse_question

FLAGSHIP = Path(__file__).resolve().parents[2] / "scenarios" / "iran-russia-2024.yaml"
N_REF = 40_000
SIGMAS = 4.5


@pytest.fixture(scope="module")
def reference() -> list[dict[str, object]]:
    return ReferenceSampler(pactsim.load(FLAGSHIP)).sample(N_REF, seed=2026).draws


def _holds(text: str, draws: list[dict[str, object]]) -> np.ndarray:
    f = parse_question(text).evaluate
    return np.array([bool(f(d)) for d in draws])


@pytest.mark.parametrize(("hard", "soft"), [
    (["mutual_defence", "not signing.date <= 2024-12-01"], None),
    (["military"], ("drones_missiles", 3.0)),
    (["signing.date >= 2025-01-10 and signing.date <= 2025-02-20"], ("us_trump_win", 0.5)),
    (["ratified_ru.date <= 2025-05-31", "not ratified_ir.date <= 2025-06-30", "not in_force"],
     None),
])
def test_weighted_run_matches_reference_rejection(reference: list[dict[str, object]],
                                                  hard: list[str],
                                                  soft: tuple[str, float] | None) -> None:
    keep = np.ones(len(reference), dtype=bool)
    for h in hard:
        keep &= _holds(h, reference)
    w = keep.astype(np.float64)
    evidence: list[object] = list(hard)
    if soft is not None:
        w *= np.where(_holds(soft[0], reference), soft[1], 1.0)
        evidence.append(pactsim.soft(*soft))
    assert keep.sum() > 2_000  # enough reference draws kept to compare
    res = pactsim.simulate(pactsim.load(FLAGSHIP), n=100_000, seed=17, evidence=evidence)
    for q in ["signed_by_q1_2025", "iran_israel_escalation", "in_force", "s400_sale",
              "mutual_defence"]:
        f = _holds(q, reference).astype(np.float64)
        p_ref = float(w @ f / w.sum())
        se_ref = float(np.sqrt((w * w) @ (f - p_ref) ** 2) / w.sum())
        est = res.prob(q)
        se = float(np.hypot(est.stderr, se_ref))
        if se == 0:  # certain under the evidence in both samples: equal
            assert est.value == p_ref, (q, est, p_ref)
            continue
        z = (est.value - p_ref) / se
        assert abs(z) <= SIGMAS, f"{q}: {est!r} vs reference {p_ref:.4f} ± {se_ref:.4f}"
