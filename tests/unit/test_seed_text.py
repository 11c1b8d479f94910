"""A run seeded with a spawned stream shows its spawn key wherever it shows its seed.

``simulate(sc, seed=SeedSequence(3, spawn_key=(2,)))`` (a row of ``pactsim.sweep``)
said only "seed 3", and ``seed=3`` gives other numbers. What is shown must reproduce
the run.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

import pactsim

SC = Path(__file__).parents[2] / "scenarios" / "analytic-independent.yaml"


def test_the_spawn_key_is_shown_and_what_is_shown_reproduces_the_run() -> None:
    sc = pactsim.load(SC)
    res = pactsim.simulate(sc, n=5_000, seed=np.random.SeedSequence(3, spawn_key=(2,)))
    shown = [repr(res), res.summary(), res._repr_html_()]
    assert "seed=3, spawn_key=(2,)" in shown[0]
    assert "seed 3, spawn key (2,)" in shown[1] and "seed 3, spawn key (2,)" in shown[2]
    key = re.search(r"spawn_key=\(([\d, ]+)\)", shown[0])
    assert key is not None
    again = pactsim.simulate(sc, n=5_000, seed=np.random.SeedSequence(
        3, spawn_key=tuple(int(k) for k in key.group(1).split(",") if k.strip())))
    assert np.array_equal(again.draws.bits, res.draws.bits)
    plain = pactsim.simulate(sc, n=5_000, seed=3)
    assert not np.array_equal(plain.draws.bits, res.draws.bits)
    assert "spawn" not in repr(plain) and "spawn" not in plain.summary()
