"""Re-evaluating a scenario with new numbers reuses its structure, never stale numbers.

``pactsim.exact`` keeps the networks of the structures it evaluated last and the
elimination order and junction-tree shape per structure; a variant with the same
structure reuses every factor whose node did not change. Whatever was cached,
the answers must be those of a cold start, to the last bit.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import pactsim
import pactsim.results.exact as exact_mod
from pactsim.errors import ModelTooWideError

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"


def _cold(sc: pactsim.Scenario, **kw: int) -> pactsim.ExactResults:
    exact_mod._forget_structures()
    return pactsim.exact(sc, **kw)


CHANGES = [
    {"su35_sale.p": 0.5},                    # uncertain p with driver odds -> fixed
    {"su35_sale.p": {"between": [0.1, 0.4]}},
    {"drones_missiles.odds.alignment": 3.0},  # a driver slope: its rule may change
    {"military.p": 0.6},
    {"sanctions_coordination.odds.new_sanctions": 4.0},
    {"new_sanctions.p": 0.2},
    {"drivers.alignment.sd": 2.5},            # every driver node's rule changes
    {"signing.by.2024-12-31": 0.3},
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: next(iter(c)))
def test_a_variant_after_its_base_equals_a_cold_start(change):
    sc = pactsim.load(FLAGSHIP)
    variant = sc.with_changes(change)
    want = _cold(variant)
    pactsim.exact(sc)  # the base's networks are now cached
    got = pactsim.exact(variant)
    np.testing.assert_array_equal(got._p, want._p)
    assert got.quadrature_error == want.quadrature_error
    assert got._question_probs() == want._question_probs()
    if "drivers.alignment.sd" in change:
        # steep odds give alignment 192 quadrature states: the joint law of the signing
        # and entry-into-force days given them (422 x 422 x 192) is refused, by name
        for ex in (want, got):
            with pytest.raises(ModelTooWideError, match=r"in_force\.date.*signing\.date"):
                ex.prob("fast_entry")
        return
    pd_want, pd_got = want.questions(), got.questions()
    assert pd_want.equals(pd_got)


def test_chained_variants_and_other_quad_points_stay_exact():
    sc = pactsim.load(FLAGSHIP)
    pactsim.exact(sc)
    pactsim.exact(sc, quad_points=12)
    for v in (0.1, 0.3, 0.7):
        variant = sc.with_changes({"su35_sale.p": v})
        for qp in (24, 12):
            got = pactsim.exact(variant, quad_points=qp)
            want = _cold(variant, quad_points=qp)
            np.testing.assert_array_equal(got._p, want._p)
            assert got.quadrature_error == want.quadrature_error


def test_the_cache_is_bounded():
    for i in range(exact_mod._RECENT_SIZE + 3):
        data = {"pactsim": 1, "id": f"x{i}", "as_of": "2024-01-01", "horizon": "2024-12-31",
                "events": {f"e{j}": {"p": 0.5} for j in range(i + 1)}}
        pactsim.exact(pactsim.loads(json.dumps(data)))
    assert len(exact_mod._RECENT) <= exact_mod._RECENT_SIZE
