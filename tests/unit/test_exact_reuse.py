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
from helpers import whole
from pactsim.errors import ModelTooWideError

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"


def _cold(sc: pactsim.Scenario, **kw: int) -> pactsim.ExactResults:
    exact_mod._forget_structures()
    return pactsim.exact(whole(sc), **kw)  # type: ignore[arg-type]


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


def _state(res: pactsim.ExactResults):
    state = res._tree._state
    assert state is not None
    return state


def test_a_change_redoes_only_the_arithmetic_it_reaches():
    """After a change of one node's numbers, the cliques off its path to the root keep
    the upward tables of the last tree of the structure (the same arrays), the trees
    of the forest without the change keep their beliefs, and the answers are a cold
    start's to the last bit."""
    import pactsim.inference.factors as fx

    sc = pactsim.load(FLAGSHIP)
    first = pactsim.exact(sc.with_changes({"military.p": 0.5}))
    st, tables, up, _ = _state(first)
    up = dict(up)
    second = pactsim.exact(sc.with_changes({"military.p": 0.6}))
    st2, tables2, up2, _ = _state(second)
    assert st2 is st
    assert first._tree._state is None  # the base gave its tables up
    changed = [k for k, (a, b) in enumerate(zip(tables, tables2, strict=True)) if a is not b]
    assert changed == [second.model.index["military"]]
    path = set()
    c = st.factor_home[changed[0]]
    while c >= 0:
        path.add(c)
        c = st.parent[c]
    kept = {i for i in st.post if up2[i] is up[i]}
    assert kept == set(st.post) - path and kept  # everything else was reused
    roots = {st.root_of[c] for c in path}
    for i in st.post:
        same = second._tree.beliefs[i].table is first._tree.beliefs[i].table
        assert same == (st.root_of[i] not in roots)
    assert any(st.root_of[i] not in roots for i in st.post)  # the flagship is a forest
    want = _cold(sc.with_changes({"military.p": 0.6}))
    np.testing.assert_array_equal(second._p, want._p)
    for i in st.post:
        np.testing.assert_array_equal(second._tree.beliefs[i].table,
                                      want._tree.beliefs[i].table)
    assert fx.KEEP_TREE_ENTRIES > 0


def test_trees_keep_their_tables_only_while_a_later_evaluation_may_use_them(monkeypatch):
    import pactsim.inference.factors as fx

    sc = pactsim.load(FLAGSHIP)
    monkeypatch.setattr(fx, "KEEP_TREE_ENTRIES", 0)
    assert pactsim.exact(sc)._tree._state is None  # too big to keep
    monkeypatch.undo()
    kept = pactsim.exact(sc.with_changes({"military.p": 0.3}))
    assert kept._tree._state is not None
    for i in range(exact_mod._RECENT_SIZE):  # other structures push it out of the cache
        data = {"pactsim": 1, "id": f"y{i}", "as_of": "2024-01-01", "horizon": "2024-12-31",
                "events": {f"e{j}": {"p": 0.5} for j in range(i + 1)}}
        pactsim.exact(pactsim.loads(json.dumps(data)))
    assert kept._tree._state is None


def test_quadrature_error_is_infinite_when_no_other_rule_fits() -> None:
    """The bound compares with twice the points, or half when twice do not fit; half the
    points can need a larger table too (other pieces). Then there is no bound: inf, not
    a ModelTooWideError from reading a property (or from repr)."""
    sc = pactsim.loads(
        "pactsim: 1\nid: q\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
        "drivers:\n  d: {dist: normal, sd: 1}\nevents:\n"
        "  a: {p: 0.3, odds: {d: 1.5}}\n"
        "  b: {given: [a], table: {true: 0.6, false: 0.2}, odds: {d: 1.2}}\n"
        "  c: {given: [b], table: {true: 0.5, false: 0.1}, odds: {d: 2}}\n")
    ex = pactsim.exact(sc, max_table=96)
    for qp in (48, 12):  # neither fits in 96 entries
        with pytest.raises(ModelTooWideError):
            pactsim.exact(sc, quad_points=qp, max_table=96)
    assert ex.quadrature_error == float("inf")
    assert "quadrature error inf" in repr(ex)
    roomy = pactsim.exact(sc)
    assert roomy.quadrature_error < 1e-6
    np.testing.assert_allclose(ex._p, roomy._p, atol=1e-6)
