"""Fixed-p nodes draw a byte first, and 24 more bits only where it ties (engine._draw_bytes).

The engine's draw of a fixed-p node must be exactly ``u < thr[row]`` for the 32-bit
``u = u8 * 2**24 + (w >> 8)`` rebuilt from the same stream by a plain reference:
the node draws ``ceil(n / 8) + n // 512 + 128`` raw 64-bit words; one byte ``u8``
per draw (the bytes of the first ``ceil(n / 8)``), then one 32-bit ``w`` (halves
of the other words, then of more words if they run out) for each of the ``m``
draws, in order, whose byte equals the top byte of their row's threshold. Rows
with p = 1 are always true. A node draws as many words whatever its chances
(common random numbers for variants). Since ``u8`` and ``w >> 8`` are independent uniform bits,
``u`` is uniform on 0..2**32 - 1: the law is that of a 32-bit uniform, as before.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pactsim.inference import engine
from pactsim.inference.compile import CompiledModel, compile_scenario
from pactsim.inference.engine import block_generator, prepared, sample_blocks
from pactsim.language.io import from_dict

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))
from _generate import load_binary  # noqa: E402

from helpers import binomial_p_value  # noqa: E402

TWO32 = 1 << 32


def _rows(parents: tuple[int, ...], bits: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
    """Row of each draw, bit ``j`` for ``parents[j]``, in plain Python integers."""
    rows = np.zeros(bits.shape[1], dtype=np.int64)
    for j, p in enumerate(parents):
        rows += bits[p].astype(np.int64) * (1 << j)
    return rows


def _reference(thr: np.ndarray, sure: np.ndarray, rows: np.ndarray,  # type: ignore[type-arg]
               bg: Any, n: int) -> np.ndarray:  # type: ignore[type-arg]
    """The byte-first draw written plainly: rebuild the 32-bit ``u`` and compare."""
    nb, spare = -(-n // 8), n // 512 + 128
    raw = bg.random_raw(nb + spare)
    u8 = raw[:nb].view(np.uint8)[:n].astype(np.int64)
    t = thr.astype(np.int64)[rows]
    tie = u8 == t >> 24
    m = int(tie.sum())
    w = raw[nb:].view(np.uint32).astype(np.int64)
    if m > w.shape[0]:  # more ties than the node's spare words hold
        more = bg.random_raw(-(-(m - w.shape[0]) // 2)).view(np.uint32).astype(np.int64)
        w = np.concatenate([w, more])
    u = u8 << 24
    u[tie] |= w[:m] >> 8
    return (u < t) | sure[rows]


def _kernel_for(k: int, seed: int, *, shared_top: bool = False) -> engine._Kernel:
    """A kernel over parents ``0..k-1`` with random thresholds, rows with p = 0 and
    p = 1, a threshold just under 2**32 that is not sure, one with no low bits, and
    (``shared_top``) rows sharing a top byte with different low bits."""
    rng = np.random.default_rng(seed)
    rows = 1 << k
    thr = rng.integers(0, TWO32, rows, dtype=np.uint64)
    sure = np.zeros(rows, dtype=bool)
    if rows >= 4:
        thr[1] = 0                      # p = 0
        thr[2], sure[2] = TWO32 - 1, True  # p = 1
        thr[3] = 0x7F000000             # no low bits: a tie is false
    if rows >= 8:
        thr[5] = TWO32 - 1              # p just under 1: not sure
    if shared_top and rows >= 2:
        thr[rows - 1] = (thr[0] & 0xFF000000) | 0x00800000
        thr[0] = (thr[0] & 0xFF000000) | 0x00000001
    plan = compile_scenario(load_binary(12)).plans[0]  # not read by the draw
    kern = engine._Kernel(plan, tuple(range(k)), thr.astype(np.uint32), sure)
    if (shared_top and rows >= 2) or rows >= 8:
        assert kern.by_top is None  # ties find their row from the parents
    return kern


@pytest.mark.parametrize("k", [0, 1, 2, 3, 4, 8, 9])
@pytest.mark.parametrize("n", [1, 7, 8, 999, 1 << 16])
@pytest.mark.parametrize("shared_top", [False, True])
def test_byte_first_draws_equal_the_rebuilt_32_bit_comparison(k: int, n: int,
                                                              shared_top: bool) -> None:
    kern = _kernel_for(k, 100 * k + n, shared_top=shared_top)
    bits = np.random.default_rng(n).random((max(k, 1), n)) < 0.5
    out = np.empty(n, dtype=bool)
    got_rng = block_generator(3, k)
    engine._draw_bytes(kern, bits, got_rng, n, out, engine._Scratch(n))
    want_rng = block_generator(3, k)
    want = _reference(kern.thr, kern.sure, _rows(kern.parents, bits), want_rng.bit_generator, n)
    assert np.array_equal(out, want)
    # the stream is consumed the same way: the next numbers agree
    assert np.array_equal(got_rng.bit_generator.random_raw(4),
                          want_rng.bit_generator.random_raw(4))


def _wide_scenario() -> dict[str, Any]:
    """Fixed-p nodes with 0, 1, 2, 3, 8 (given and folded odds) and 9 given parents,
    rows with p = 0 and p = 1, requires/excludes and pillar gates."""
    rng = np.random.default_rng(1)

    def table(depth: int) -> Any:
        if depth == 0:
            return float(rng.choice([0.0, 1.0, round(float(rng.uniform(0.01, 0.99)), 4)],
                                    p=[0.15, 0.15, 0.7]))
        return {True: table(depth - 1), False: table(depth - 1)}

    events: dict[str, Any] = {f"a{i}": {"p": round(float(rng.uniform(0.2, 0.8)), 3)}
                              for i in range(9)}
    events["z0"] = {"p": 0.0}
    events["z1"] = {"p": 1.0}
    names = list(events)
    for k in (1, 2, 3, 8, 9):
        given = [str(x) for x in rng.choice(names[:9], size=k, replace=False)]
        events[f"g{k}"] = {"given": given, "table": table(k)}
    events["odds8"] = {"given": ["a0", "a1", "a2"], "table": table(3),
                       "odds": {"a3": 2, "a4": 0.5, "a5": 3, "a6": 0.2, "g9": 4}}
    events["gated"] = {"given": ["a7", "a8"], "table": table(2), "requires": ["g3"],
                       "excludes": ["g2"]}
    pillars = {"pil": {"given": ["a0", "g1"], "table": table(2), "requires": ["a2"],
                       "clauses": {"c0": {"p": 0.6}, "c1": {"given": ["a1"], "table": table(1),
                                                           "excludes": ["z1"]},
                                   "c2": {"p": 1.0}}}}
    return {"pactsim": 1, "id": "bytes", "title": "byte draws",
            "as_of": dt.date(2025, 1, 1), "horizon": dt.date(2025, 12, 31),
            "events": events, "pillars": pillars}


def _block_by_hand(model: CompiledModel, entropy: int, n: int) -> np.ndarray:  # type: ignore[type-arg]
    """One block of a model of fixed-p nodes only, drawn by :func:`_reference` node by
    node in plan order, gates applied plainly."""
    bg = block_generator(entropy, 0).bit_generator
    bits = np.zeros((model.n_binary, n), dtype=bool)
    kernels, _ = prepared(model)
    for plan, kern in zip(model.plans, kernels, strict=True):
        assert kern is not None
        out = _reference(kern.thr, kern.sure, _rows(kern.parents, bits), bg, n)
        for g in plan.gates_true:
            out &= bits[g]
        for g in plan.gates_false:
            out &= ~bits[g]
        bits[plan.index] = out
    return bits


@pytest.mark.parametrize("which", ["wide", "binary-50", "binary-200"])
def test_blocks_equal_a_plain_byte_first_sampler(which: str) -> None:
    scen = from_dict(_wide_scenario()) if which == "wide" else load_binary(int(which[7:]))
    model = compile_scenario(scen)
    kernels, _ = prepared(model)
    ks = {len(k.parents) for k in kernels if k is not None}
    if which == "wide":
        assert {0, 1, 2, 3, 8, 9} <= ks
        assert any(p.gates_true for p in model.plans) and any(p.gates_false for p in model.plans)
    for n in (5, 4099, 1 << 16):
        got = sample_blocks(model, 21, n, range(1)).bits
        assert np.array_equal(got, _block_by_hand(model, 21, n))


@pytest.mark.parametrize("seed", [0, 1])
def test_ties_resolve_with_the_chance_of_the_low_bits(seed: int) -> None:
    """Among draws whose byte ties the row's top byte, the share of true ones is the
    low 24 bits / 2**24 (exact binomial test, p-value above 1e-6); overall each row's
    share is thr / 2**32."""
    n = 1 << 16
    low = {0: 0x200000, 1: 0xC00000, 2: 0x000000, 3: 0xFFFFFF}  # 1/8, 3/4, 0, ~1
    thr = np.array([(0x41 << 24) | low[0], (0x90 << 24) | low[1], (0x20 << 24) | low[2],
                    (0xD3 << 24) | low[3]], dtype=np.uint32)
    plan = compile_scenario(load_binary(12)).plans[0]
    kern = engine._Kernel(plan, (0, 1), thr, np.zeros(4, dtype=bool))
    tie_true = np.zeros(4, dtype=np.int64)
    tie_all = np.zeros(4, dtype=np.int64)
    true = np.zeros(4, dtype=np.int64)
    total = np.zeros(4, dtype=np.int64)
    for block in range(16):
        rng = block_generator(seed, block)
        bits = np.random.default_rng((seed, block)).random((2, n)) < 0.5
        peek = np.random.Generator(type(rng.bit_generator)())
        peek.bit_generator.state = rng.bit_generator.state
        u8 = peek.bit_generator.random_raw(n // 8).view(np.uint8)
        out = np.empty(n, dtype=bool)
        engine._draw_bytes(kern, bits, rng, n, out, engine._Scratch(n))
        rows = _rows((0, 1), bits)
        tie = u8 == (thr[rows] >> 24)
        for r in range(4):
            at = rows == r
            tie_all[r] += np.count_nonzero(tie & at)
            tie_true[r] += np.count_nonzero(out & tie & at)
            total[r] += np.count_nonzero(at)
            true[r] += np.count_nonzero(out & at)
    for r in range(4):
        assert tie_all[r] > 800  # about 2**20 / 4 rows / 256
        assert binomial_p_value(int(tie_true[r]), int(tie_all[r]), low[r] / 2**24) > 1e-6, r
        assert binomial_p_value(int(true[r]), int(total[r]), int(thr[r]) / 2**32) > 1e-6, r


class _Stream:
    """A stand-in bit generator handing out given 64-bit raw draws in order."""

    def __init__(self, words: list[int]) -> None:
        self.bit_generator = self
        self._w = np.array(words, dtype=np.uint64)
        self._at = 0

    def random_raw(self, size: int) -> np.ndarray:  # type: ignore[type-arg]
        got = self._w[self._at:self._at + size]
        assert got.shape[0] == size, "the draw asked for more words than given"
        self._at += size
        return got.copy()


def test_ties_at_the_very_top_of_the_range() -> None:
    """Streams chosen so that ties meet ``w >> 8`` at its largest: a row with p = 1 is
    true, a row with ``thr = 2**32 - 1`` (p just under 1) is false, ``thr = 0``
    false, and ``thr = 2**24 - 1`` is true exactly when ``w >> 8 < 2**24 - 1``."""
    plan = compile_scenario(load_binary(12)).plans[0]
    top = TWO32 - 1
    cases = [  # (thr, sure) per row
        ([top, top, 0, (1 << 24) - 1], [True, False, False, False]),  # rows: parents
        ([top, 0x12345678], [True, False]),  # by_top: one bound per top byte
        ([top], [True]),
    ]
    for thr, sure in cases:
        k = (len(thr) - 1).bit_length()
        kern = engine._Kernel(plan, tuple(range(k)), np.array(thr, dtype=np.uint32),
                              np.array(sure, dtype=bool))
        n = 16
        bits = np.array([[(i >> j) & 1 for i in range(n)] for j in range(max(k, 1))],
                        dtype=bool)
        for first, w in ((0xFF, 0xFFFFFFFF), (0x00, 0xFFFFFFFF), (0x00, 0xFFFFFEFF),
                         (0x12, 0x345677FF), (0x12, 0x345678FF)):
            words = [int.from_bytes(bytes([first] * 8), "little")] * 2 + [w | w << 32] * 128
            out = np.empty(n, dtype=bool)
            engine._draw_bytes(kern, bits, _Stream(words), n, out,  # type: ignore[arg-type]
                               engine._Scratch(n))
            want = _reference(kern.thr, kern.sure, _rows(kern.parents, bits), _Stream(words), n)
            assert np.array_equal(out, want), (thr, first, hex(w))
            rows = _rows(kern.parents, bits)
            u = (first << 24) | (w >> 8)
            assert np.array_equal(out, np.array([sure[r] or u < thr[r] for r in rows])), (thr, w)


def test_more_ties_than_spare_words_draw_more_after_them() -> None:
    """Every draw ties (first bytes 0, top byte 0): the first ``2 S`` ties take the
    node's spare words (here bits under the bound), the rest more words drawn after
    them (bits above it)."""
    plan = compile_scenario(load_binary(12)).plans[0]
    kern = engine._Kernel(plan, (), np.array([0x00800000], dtype=np.uint32),
                          np.zeros(1, dtype=bool))
    n = 2048
    nb, spare = n // 8, n // 512 + 128
    words = [0] * nb + [0x00000100_00000100] * spare + [0xFFFFFFFF_FFFFFFFF] * (n // 2)
    out = np.empty(n, dtype=bool)
    stream = _Stream(words)
    engine._draw_bytes(kern, np.zeros((1, n), dtype=bool), stream, n, out,  # type: ignore[arg-type]
                       engine._Scratch(n))
    assert stream._at == nb + spare + (n - 2 * spare + 1) // 2
    assert out[:2 * spare].all() and not out[2 * spare:].any()
    want = _reference(kern.thr, kern.sure, np.zeros(n, dtype=np.int64), _Stream(words), n)
    assert np.array_equal(out, want)


@pytest.mark.parametrize("n", [3, 4099, 1 << 16])
def test_a_node_draws_as_many_numbers_whatever_its_chances(n: int) -> None:
    """Common random numbers: two kernels with different thresholds (so different
    ties) leave the generator in the same state."""
    bits = np.random.default_rng(n).random((3, n)) < 0.5
    states = []
    for seed in range(4):
        kern = _kernel_for(3, seed)
        rng = block_generator(8, 0)
        engine._draw_bytes(kern, bits, rng, n, np.empty(n, dtype=bool), engine._Scratch(n))
        states.append(rng.bit_generator.state)
    assert all(st == states[0] for st in states)
