"""A categorical node whose present row is a fixed-p row over the same parents as
its outcome rows draws present and outcome from one byte stream
(engine._draw_merged, engine.merged_groups).

The law, per table row ``r``: ``P = floor((1 - p_absent) 2**32)`` (``2**32`` where
``p_absent = 0``), ``T[j]`` the outcome boundaries of ``_draw_outcomes``
(``round(2**32 (s_1 + ... + s_j))``) and ``M[j] = floor((P T[j] + 2**31) /
2**32)``; one 32-bit ``u`` per draw; the node is present where ``u < P`` and its
gates are open, outcome ``j`` where it is present and ``M[j-1] <= u < M[j]``
(``M[-1] = 0``, ``M[k-1] = P``). ``u`` is drawn byte first from ``ceil(n / 8) + S``
raw words, ``S = min(k (n // 512 + 128), ceil(n / 2))`` for the ``k`` compared
boundaries ``M[0], ..., M[k-2], P`` (one byte ``v`` a draw; 24 more bits, in draw
order from the spare words, where ``v`` is the top byte of one of them below
``2**32``). Checked here bit for bit against that plain reference (0 to 3
parents, p_absent 0 and 1, outcomes of probability 0, boundaries sharing a top
byte, gates), the stream left as the reference leaves it, and the law.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import pactsim
from pactsim.inference import engine
from pactsim.inference.compile import compile_scenario
from pactsim.inference.engine import block_generator, merged_groups, sample_blocks

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from helpers import binomial_p_value  # noqa: E402

TWO32 = 1 << 32
ROOTS = {"a": 0.3, "b": 0.55, "c": 0.7, "d": 0.45, "g": 0.6}
LEVELS = ("l1", "l2", "l3")


def _scenario(given: list[str], rows: dict[tuple[bool, ...], dict[str, float]],
              gate: bool) -> str:
    lines = ["pactsim: 3", "id: merged", "as_of: 2024-01-01", "horizon: 2024-12-31",
             "events:"]
    lines += [f"  {k}: {{p: {p}}}" for k, p in ROOTS.items()]
    lines.append("  x:")
    lines.append("    levels: [absent, l1, l2, l3]")
    if given:
        lines.append(f"    given: [{', '.join(given)}]")
        lines.append("    table:")

        def nest(prefix: tuple[bool, ...], depth: int) -> None:
            if len(prefix) == len(given):
                leaf = ", ".join(f"{k}: {v}" for k, v in rows[prefix].items())
                lines.append("  " * depth + "  {" + leaf + "}")
                return
            for val in (True, False):
                key = "true" if val else "false"
                if len(prefix) + 1 == len(given):
                    leaf = ", ".join(f"{k}: {v}" for k, v in rows[(*prefix, val)].items())
                    lines.append("  " * depth + f"  {key}: {{{leaf}}}")
                else:
                    lines.append("  " * depth + f"  {key}:")
                    nest((*prefix, val), depth + 1)
        nest((), 2)
    else:
        leaf = ", ".join(f"{k}: {v}" for k, v in rows[()].items())
        lines[-1] = f"    levels: {{{leaf}}}"
    if gate:
        lines.append("    requires: [g]")
    lines.append("  after: {p: 0.4}")
    return "\n".join(lines) + "\n"


def _row_maps(g: int, seed: int, special: str) -> dict[tuple[bool, ...], dict[str, float]]:
    rng = np.random.default_rng(seed)
    out = {}
    for r in range(1 << g):
        key = tuple(bool(r >> (g - 1 - j) & 1) for j in range(g))
        w = rng.integers(1, 20, size=4).astype(float)
        if special == "absent0":
            w[0] = 0.0
        elif special == "absent1" and r == 0:
            w[1:] = 0.0
        elif special == "zero":
            w[2] = 0.0
        elif special == "shared":  # outcome boundaries in one top byte
            w = np.array([30.0, 1.0, 0.0001, 0.0001]) if r % 2 else w
        w /= w.sum()
        w[0] = 1.0 - w[1:].sum() if special != "absent0" else 0.0
        out[key] = {"absent": float(w[0]), **{lv: float(x) for lv, x in zip(LEVELS, w[1:],
                                                                          strict=True)}}
    return out


def _reference(maps: dict[tuple[bool, ...], dict[str, float]], given: list[str],
               bits: dict[str, np.ndarray], gate: np.ndarray, bg: Any, n: int
               ) -> dict[str, np.ndarray]:
    """x's present row and outcome rows drawn plainly (Python ints per table row)."""
    keys = list(maps)
    bounds = []  # per table row: [M0, M1, P]
    for key in keys:
        m = maps[key]
        p = 1.0 - m["absent"]
        big = TWO32 if p >= 1.0 else min(int(np.floor(p * float(TWO32))), TWO32 - 1)
        tot = sum(m[lv] for lv in LEVELS)
        t = [min(round(sum(m[lv] for lv in LEVELS[:j + 1]) / tot * TWO32), TWO32)
             if tot > 0 else TWO32 for j in range(2)]
        bounds.append([(big * tj + (1 << 31)) >> 32 for tj in t] + [big])
    row = np.zeros(n, dtype=np.int64)
    for name in given:
        row = row * 2 + bits[name].astype(np.int64)  # keys: the first parent highest
    bnd = np.array(bounds, dtype=np.int64)[row].T  # (3, n)
    nb = -(-n // 8)
    raw = bg.random_raw(nb + min(3 * (n // 512 + 128), (n + 1) // 2))
    v = raw[:nb].view(np.uint8)[:n].astype(np.int64)
    tie = ((bnd < TWO32) & ((bnd >> 24) == v)).any(axis=0)
    u = v << 24
    m = int(tie.sum())
    w = raw[nb:].view(np.uint32)
    if m > w.shape[0]:
        w = np.concatenate([w, bg.random_raw((m - w.shape[0] + 1) // 2).view(np.uint32)])
    u[tie] |= w[:m].astype(np.int64) >> 8
    present = (u < bnd[2]) & gate
    out = {"x": present}
    lo = np.zeros(n, dtype=np.int64)
    for j, lv in enumerate(LEVELS):
        out[f"x={lv}"] = (u >= lo) & (u < bnd[j]) & present
        lo = bnd[j]
    return out


CASES = [(g, special, gate) for g in (0, 1, 2, 3)
         for special in ("plain", "absent0", "absent1", "zero", "shared")
         for gate in (False, True) if not (g == 0 and special == "absent1")]


@pytest.mark.parametrize(("g", "special", "gate"), CASES)
@pytest.mark.parametrize("n", [20_001, 3000])
def test_merged_draw_equals_a_plain_reference(g: int, special: str, gate: bool, n: int) -> None:
    given = ["a", "b", "c"][:g]
    maps = _row_maps(g, 10 * g + len(special), special)
    model = compile_scenario(pactsim.loads(_scenario(given, maps, gate)))
    assert model.index["x"] in merged_groups(model)
    bits = sample_blocks(model, 7, n, range(1)).bits
    got = {name: bits[model.index[name]] for name in model.names}
    bg = block_generator(7, 0).bit_generator
    for _ in ROOTS:  # the roots: a byte per draw and their spare words each
        bg.random_raw(-(-n // 8) + n // 512 + 128)
    gate_bits = got["g"] if gate else np.ones(n, dtype=bool)
    want = _reference(maps, given, got, gate_bits, bg, n)
    for name, w in want.items():
        assert np.array_equal(got[name], w), name
    # the stream is left where the reference leaves it: the next node agrees
    after = bg.random_raw(-(-n // 8) + n // 512 + 128)
    u8 = after[:-(-n // 8)].view(np.uint8)[:n].astype(np.int64)
    top = int(np.floor(0.4 * TWO32)) >> 24
    assert np.array_equal(got["after"][u8 != top], (u8 < top)[u8 != top])


def test_merged_nodes_draw_the_same_words_whatever_their_chances() -> None:
    # common random numbers: the node after x draws the same whatever x's levels
    afters = []
    for special in ("plain", "absent0", "zero", "shared"):
        maps = _row_maps(2, 3, special)
        model = compile_scenario(pactsim.loads(_scenario(["a", "b"], maps, True)))
        afters.append(sample_blocks(model, 5, 10_000, range(1)).bits[model.index["after"]])
    assert all(np.array_equal(afters[0], x) for x in afters[1:])


def test_the_law_of_the_merged_draw() -> None:
    # outcome shares of x given its parents' rows, against their exact chances: a
    # two-sided binomial test per (row, outcome), p > 1e-4 (20 tests)
    maps = _row_maps(2, 11, "plain")
    model = compile_scenario(pactsim.loads(_scenario(["a", "b"], maps, True)))
    n = 400_000
    bits = sample_blocks(model, 3, n, range(n // engine.BLOCK + 1)).bits
    row = {name: bits[model.index[name]] for name in model.names}
    for key, m in maps.items():
        sel = row["g"] & (row["a"] == key[0]) & (row["b"] == key[1])
        tot = int(sel.sum())
        for name, p in [("x", 1.0 - m["absent"])] + [(f"x={lv}", m[lv]) for lv in LEVELS]:
            k = int(row[name][sel].sum())
            assert binomial_p_value(k, tot, p) > 1e-4, (key, name, k, tot, p)
    # closed gate: absent, every outcome row false
    closed = ~row["g"]
    assert not any(row[name][closed].any() for name in ["x", *(f"x={lv}" for lv in LEVELS)])


def test_nodes_with_odds_or_evidence_keep_the_two_stream_path() -> None:
    text = _scenario(["a"], _row_maps(1, 1, "plain"), False)
    model = compile_scenario(pactsim.loads(text.replace(
        "    given: [a]", "    odds: {b: 2.0}\n    given: [a]")))
    assert model.index["x"] not in merged_groups(model)  # present row over a and b
    model = compile_scenario(pactsim.loads(text))
    assert model.index["x"] in merged_groups(model)
    # evidence on x's outcome: the evidence path, which still answers exactly
    res = pactsim.simulate(pactsim.loads(text), n=40_000, seed=2, evidence="x == l2")
    assert res.prob("x == l2").value == 1.0
