"""Review findings on the streaming set tables (2026-11-30), fixed: a table of fewer than
8 draws with no empty set listed the empty set with count 0; a merge kept the other
table itself aside, so a later merge into that table leaked into this one.

Expected values come from the draws themselves, never from the code under test.
"""

from __future__ import annotations

import numpy as np
import pytest

import pactsim
from pactsim.results.stats import SparseSets

HEAD = "pactsim: 1\nid: x\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"


def _always_signed_text(clauses: int = 14) -> pactsim.Scenario:
    """One pillar that is always in the text: the empty set never comes up."""
    lines = ["pillars:", "  p0:", "    p: 1", "    clauses:"]
    lines += [f"      c{j}: {{p: 0.5}}" for j in range(clauses)]
    return pactsim.loads(HEAD + "\n".join(lines) + "\n")


@pytest.mark.parametrize("n", [5, 65_536 + 3])  # a whole run, or a run's short last block
def test_bundles_list_only_sets_that_came_up(n: int) -> None:
    res = pactsim.simulate(_always_signed_text(), n=n, seed=1)
    frame = res.to_frame()
    assert frame["p0"].all()  # so "(nothing)" never came up
    got = res.bundles(top=None)
    assert (got["count"] > 0).all(), got[got["count"] == 0][["bundle", "count"]]
    assert "(nothing)" not in set(got["bundle"])


def test_merge_adds_the_other_table_as_it_was() -> None:
    rng = np.random.default_rng(0)
    x, y, z = (SparseSets.of(rng.random((20, 100)) < 0.5, list(range(20))) for _ in range(3))
    x.merge(y)
    y.merge(z)
    _ = y.counts  # reading y sorts z into it
    assert int(x.counts.sum()) == 200  # x + y as y was when merged: 100 + 100 draws
