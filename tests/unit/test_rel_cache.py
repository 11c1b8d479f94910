"""The relative laws of milestones kept between exact queries stay within
REL_CACHE_BYTES (a chain conditioned on one milestone after another kept a table of
day pairs per pair: 3.6 GB for 50 links over two years), and answers are the same
whether the laws are kept or remade; a long chain is walked without recursion."""

from __future__ import annotations

import pytest

import pactsim
from pactsim.inference import datedfactors


def _chain(n: int) -> pactsim.Scenario:
    lines = ["pactsim: 2", "id: chain", "as_of: 2025-01-01", "horizon: 2025-03-01",
             "signing: {by: {2025-02-01: 0.6}}", "events:",
             "  a0: {after: signing, delay: {between: [1, 5]}}"]
    lines += [f"  a{i}: {{after: a{i - 1}, delay: {{between: [1, 3]}}}}" for i in range(1, n)]
    return pactsim.loads("\n".join(lines) + "\n")


def test_answers_do_not_depend_on_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    sc = _chain(12)
    q = "a11.date <= 2025-02-20"
    kept = [float(pactsim.exact(sc).prob(q, given=f"a{i}.date <= 2025-02-05").value)
            for i in range(0, 12, 3)]
    monkeypatch.setattr(datedfactors, "REL_CACHE_BYTES", 50_000)  # a few tables at most
    ex = pactsim.exact(sc)
    ex._net.dated._rel.clear()  # (the network, with its cache, is shared by structure)
    ex._net.dated._rel_bytes = 0
    small = [float(ex.prob(q, given=f"a{i}.date <= 2025-02-05").value)
             for i in range(0, 12, 3)]
    assert small == pytest.approx(kept, abs=1e-13)
    dated = ex._net.dated  # the laws the queries made, on the network's dated part
    assert isinstance(dated, datedfactors.Dated)
    assert dated._rel_bytes <= 50_000  # (laws larger than that are remade when asked)


def test_a_long_chain_is_walked_without_recursion(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    sc = _chain(300)
    monkeypatch.setattr(sys, "getrecursionlimit", sys.getrecursionlimit)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # below the chain's length: recursion per link would fail
    try:
        p = float(pactsim.exact(sc).prob("a299.date <= 2025-03-01", given="a0").value)
    finally:
        sys.setrecursionlimit(limit)
    assert 0.0 <= p <= 1.0
