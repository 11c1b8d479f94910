"""``Diff.biggest`` leaves out exact changes that are only the rounding of exact sums.

Changing ``su35_sale.p`` in the flagship moves 8 probabilities; 7 more (instc,
drones_missiles, gas_pipeline, ...) came out as +1e-17 and filled "Biggest changes"
with "+0.0 pp" rows. Checked against exact inference on each file.
"""

from __future__ import annotations

from pathlib import Path

import pactsim
from pactsim.analysis.diff import EXACT_NOISE

FLAGSHIP = Path(__file__).parents[2] / "scenarios" / "iran-russia-2024.yaml"


def test_biggest_lists_exactly_the_probabilities_that_moved() -> None:
    a = pactsim.load(FLAGSHIP)
    b = a.with_changes({"su35_sale.p": 0.5})
    d = pactsim.diff(a, b, "arms_package")
    big = d.biggest(top=100)
    ea, eb = pactsim.exact(a), pactsim.exact(b)
    moved = set()
    for _, r in d.changes[d.changes.statistic == "p"].iterrows():
        if abs(eb.prob(r["name"]).value - ea.prob(r["name"]).value) > 1e-9:
            moved.add(r["name"])
    listed = set(big[big.statistic == "p"]["name"])
    assert listed == moved and {"su35_sale", "arms_package", "s400_sale"} <= moved
    assert (big.change.abs() > EXACT_NOISE).all()
    # rows left out are within the noise, and some exist (the case this is about)
    quiet = d.changes[(d.changes.change != 0) & (d.changes.change.abs() <= EXACT_NOISE)]
    assert len(quiet) and not set(quiet["name"]) & listed


def test_monte_carlo_changes_are_never_taken_for_noise() -> None:
    a = pactsim.load(FLAGSHIP)
    d = pactsim.diff(a, a.with_changes({"su35_sale.p": 0.5}), "arms_package", method="mc",
                     n=20_000, seed=1)
    big = d.biggest(top=1_000)
    nonzero = d.changes[(d.changes.change.abs() > 0)
                        & ~d.changes.statistic.isin(("median", "mean"))]
    assert len(big[~big.statistic.isin(("median", "mean"))]) == len(nonzero)
