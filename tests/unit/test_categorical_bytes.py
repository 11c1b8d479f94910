"""Categorical nodes draw their outcome byte first (engine._draw_outcomes).

A categorical node's outcome must be exactly the one a plain reference gives from
the 32-bit ``u`` it rebuilds from the same stream: the node draws ``ceil(n / 8) + S``
raw 64-bit words, ``S = min(B (n // 512 + 128), ceil(n / 2))`` for ``B = k - 1``
compared boundaries (none when ``k = 1``); one byte ``v`` per draw (the bytes of
the first ``ceil(n / 8)``), then, for each draw in order where the node is present
and ``v`` equals the top byte of a boundary ``T[j] < 2**32`` of its row (a tie),
one 32-bit ``w`` (halves of the other words, then of more words if they run out);
``u = v * 2**24 + (w >> 8)`` at a tie, ``v * 2**24`` elsewhere (the outcome is the
same for any low bits there), and the outcome is ``j`` where ``T[j-1] <= u <
T[j]``. ``v`` and ``w >> 8`` are independent uniform bits, so ``u`` is a uniform
32-bit integer: each outcome has probability ``(T[j] - T[j-1]) / 2**32``, as when
the node drew a 32-bit ``u`` for every draw. Checked here bit for bit (0 to 9 table
parents, exclusive parents, outcomes of probability 0 and 1, boundaries sharing a
top byte, all in one top byte, rows with p = 1 from some outcome on, every way the
engine finds the top bytes), the stream left as the reference leaves it, common
random numbers, the evidence path's stream, and the law (binomial tests).
"""

from __future__ import annotations

import sys
import weakref
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import pactsim
from pactsim.inference import engine
from pactsim.inference.compile import compile_scenario
from pactsim.inference.engine import block_generator, outcome_groups, sample_blocks

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))
from _generate import load_binary  # noqa: E402

from helpers import binomial_p_value  # noqa: E402

TWO32 = 1 << 32
PLAN = compile_scenario(load_binary(12)).plans[0]  # not read by the draw


def reference(t: np.ndarray, rows: np.ndarray, present: np.ndarray,  # type: ignore[type-arg]
              bg: Any, n: int) -> np.ndarray:  # type: ignore[type-arg]
    """``(k, n)`` outcome rows drawn plainly from ``t`` ``(k, R)`` (Python ints, the
    last row ``2**32``), each draw's table row ``rows`` and ``present``."""
    k = t.shape[0]
    out = np.zeros((k, n), dtype=bool)
    if k == 1:
        out[0] = present
        return out
    b = k - 1
    nb = -(-n // 8)
    spare = min(b * (n // 512 + 128), (n + 1) // 2)
    raw = bg.random_raw(nb + spare)
    v = raw[:nb].view(np.uint8)[:n].astype(np.int64)
    tr = t[:b].astype(np.int64)[:, rows]  # (B, n)
    tie = present & ((tr < TWO32) & (tr >> 24 == v)).any(axis=0)
    m = int(tie.sum())
    w = raw[nb:].view(np.uint32).astype(np.int64)
    if m > w.shape[0]:
        more = bg.random_raw(-(-(m - w.shape[0]) // 2)).view(np.uint32).astype(np.int64)
        w = np.concatenate([w, more])
    u = v << 24
    u[tie] |= w[:m] >> 8
    j = (u[None, :] >= tr).sum(axis=0)  # T[j-1] <= u < T[j]
    out[j, np.arange(n)] = True
    out &= present
    return out


def make_group(t: np.ndarray, g: int,  # type: ignore[type-arg]
               exclusive: tuple[tuple[int, ...], ...] = ()) -> engine._Outcomes:
    """Outcomes over parents ``0..g-1`` (bits rows), present row ``g``, outcome rows
    ``g+1..g+k``, with cumulative thresholds ``t`` ``(k, 2**g)``."""
    k = t.shape[0]
    given = tuple(range(g))
    cum = tuple(engine._Kernel(PLAN, given, np.minimum(x, TWO32 - 1).astype(np.uint32),
                               np.asarray(x >= TWO32)) for x in t)
    width = np.diff(t, axis=0, prepend=0).astype(np.int64)
    return engine._Outcomes(g, tuple(range(g + 1, g + 1 + k)), given, cum, width, exclusive)


def thresholds(k: int, rows: int, seed: int, case: str) -> np.ndarray:  # type: ignore[type-arg]
    """``(k, rows)`` cumulative thresholds (int64, last ``2**32``) of a kind ``case``."""
    rng = np.random.default_rng(seed)
    t = np.sort(rng.integers(0, TWO32 + 1, (k, rows), dtype=np.int64), axis=0)
    t[-1] = TWO32
    if case == "shared" and k >= 3:  # two boundaries share a top byte in every row
        t[1] = (t[0] & 0xFF000000) | np.maximum(t[0] & 0xFFFFFF, 0x800000)
        t[0] = (t[0] & 0xFF000000) | 0x400000
    if case == "one-byte":  # every boundary within one top byte
        top = rng.integers(0, 256, rows, dtype=np.int64) << 24
        t[:-1] = top + np.sort(rng.integers(0, 1 << 24, (k - 1, rows)), axis=0)
    if case == "special":
        t[:-1] = np.sort(t[:-1], axis=0)
        t[0, 0] = 0  # outcome 0 impossible in row 0
        if k >= 3:
            t[1, 0] = 0  # and outcome 1
        if rows > 1:
            t[:, 1] = TWO32  # outcome 0 certain in row 1 (p = 1 at j = 0)
        if rows > 2 and k >= 3:
            t[1:, 2] = TWO32  # p = 1 at j = 1
            t[0, 2] = 0xFF000000  # and a top byte of 255 below it
        if rows > 3:
            t[:-1, 3] = TWO32 - 1  # just under 2**32: top byte 255, not always
        if rows > 4 and k >= 3:
            t[0, 4] = t[1, 4] = 0x7F000000  # zero width, no low bits
    t = np.minimum(t, TWO32)
    t[:-1] = np.maximum.accumulate(t[:-1], axis=0)
    return t


def draw_bits(g: int, k: int, n: int, seed: int, exclusive: tuple[tuple[int, ...], ...] = ()
              ) -> np.ndarray:  # type: ignore[type-arg]
    rng = np.random.default_rng(seed)
    bits = np.zeros((g + 1 + k, n), dtype=bool)
    bits[:g] = rng.random((g, n)) < 0.5
    for grp in exclusive:  # one-hot (or none) among the set
        pick = rng.integers(0, len(grp) + 1, n)
        for i, p in enumerate(grp):
            bits[p] = pick == i + 1
    bits[g] = rng.random(n) < 0.8
    return bits


def table_rows(g: int, bits: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
    rows = np.zeros(bits.shape[1], dtype=np.int64)
    for j in range(g):
        rows += bits[j].astype(np.int64) << j
    return rows


def check(t: np.ndarray, g: int, n: int, seed: int,  # type: ignore[type-arg]
          exclusive: tuple[tuple[int, ...], ...] = (), have_index: bool = False) -> None:
    k = t.shape[0]
    grp = make_group(t, g, exclusive)
    bits = draw_bits(g, k, n, seed, exclusive)
    s = engine._Scratch(n)
    if have_index:
        engine._index8(grp.given, bits, s)
    got_rng = block_generator(seed, 1)
    engine._draw_outcomes(grp, bits, got_rng, n, s, have_index)
    want_rng = block_generator(seed, 1)
    want = reference(t, table_rows(g, bits), bits[g], want_rng.bit_generator, n)
    assert np.array_equal(bits[g + 1:], want)
    assert np.array_equal(bits[g + 1:].sum(axis=0), bits[g].astype(int))  # one when present
    # the stream is consumed the same way: the next numbers agree
    assert np.array_equal(got_rng.bit_generator.random_raw(4),
                          want_rng.bit_generator.random_raw(4))


@pytest.mark.parametrize("g", [0, 1, 2, 3, 4, 5, 9])
@pytest.mark.parametrize("n", [1, 7, 999, 5000])
@pytest.mark.parametrize("case", ["random", "shared", "one-byte", "special"])
@pytest.mark.parametrize("k", [2, 3, 5])
def test_outcomes_equal_the_rebuilt_32_bit_draw(g: int, n: int, case: str, k: int) -> None:
    t = thresholds(k, 1 << g, 10 * g + k, case)
    check(t, g, n, 1000 * g + n + k)


@pytest.mark.parametrize("g", [1, 2, 3, 4])
@pytest.mark.parametrize("k", [3, 4])
def test_outcomes_equal_the_reference_in_a_full_block(g: int, k: int) -> None:
    """Blocks of 2**16 draws (top bytes by polynomial where it is cheap), with and
    without the row index left by the present row."""
    for case in ("random", "special", "shared"):
        t = thresholds(k, 1 << g, g + 7 * k, case)
        check(t, g, 1 << 16, g, have_index=False)
        check(t, g, 1 << 16, g + 1, have_index=True)


@pytest.mark.parametrize("sets", [((0, 1, 2),), ((0, 1), (2, 3)), ((1, 2, 3),)])
def test_exclusive_parents_drop_the_terms_of_rows_that_never_occur(
        sets: tuple[tuple[int, ...], ...]) -> None:
    g = 4
    for case in ("random", "special"):
        t = thresholds(4, 1 << g, 3, case)
        grp = make_group(t, g, sets)
        assert sum(len(x.terms) for x in grp.tops) < sum(
            len(x.terms) for x in make_group(t, g).tops)
        for n in (5000, 1 << 16):
            check(t, g, n, n, exclusive=sets)


@pytest.mark.parametrize("how", ["gather", "solve"])
def test_every_way_to_the_top_bytes_and_ties_gives_the_same_draws(
        monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """Gathering every top byte by row (no polynomial), and resolving ties without
    the tables by byte, give the reference's draws too."""
    if how == "gather":
        monkeypatch.setattr(engine, "_POLY_PASSES", -1)
    else:
        monkeypatch.setattr(engine, "_BYTE_ROWS", 0)
    for g in (0, 1, 2, 3):
        for case in ("random", "special", "shared", "one-byte"):
            t = thresholds(4, 1 << g, g, case)
            check(t, g, 1 << 16, 5 + g)
            check(t, g, 999, 6 + g, have_index=g > 0)


def test_more_ties_than_spare_words_draw_more_after_them() -> None:
    """Every draw ties (all bytes 0, a boundary with top byte 0): the first ``2 S``
    ties take the node's spare words, the rest more words drawn after them."""
    n = 2048
    t = np.array([[0x00800000], [TWO32]], dtype=np.int64)
    grp = make_group(t, 0)
    nb, spare = n // 8, n // 512 + 128
    words = [0] * nb + [0x00000100_00000100] * spare + [0xFFFFFFFF_FFFFFFFF] * (n // 2)

    class Stream:
        def __init__(self) -> None:
            self.bit_generator = self
            self.at = 0

        def random_raw(self, size: int) -> np.ndarray:  # type: ignore[type-arg]
            got = np.array(words[self.at:self.at + size], dtype=np.uint64)
            assert got.shape[0] == size
            self.at += size
            return got

    bits = np.zeros((3, n), dtype=bool)
    bits[0] = True
    stream = Stream()
    engine._draw_outcomes(grp, bits, stream, n, engine._Scratch(n))  # type: ignore[arg-type]
    assert stream.at == nb + spare + (n - 2 * spare + 1) // 2
    assert bits[1, :2 * spare].all() and not bits[1, 2 * spare:].any()
    assert np.array_equal(bits[2], ~bits[1])
    assert np.array_equal(bits[1:], reference(t, np.zeros(n, dtype=np.int64), bits[0],
                                              Stream(), n))


@pytest.mark.parametrize("n", [3, 4099, 1 << 16])
def test_a_categorical_draws_as_many_numbers_whatever_its_chances(n: int) -> None:
    """Common random numbers: other thresholds (other ties) and another presence leave
    the generator in the same state; so does the evidence path."""
    states = []
    for seed in range(4):
        t = thresholds(4, 4, seed, "random" if seed % 2 else "special")
        grp = make_group(t, 2)
        bits = draw_bits(2, 4, n, seed)
        rng = block_generator(8, 0)
        engine._draw_outcomes(grp, bits, rng, n, engine._Scratch(n))
        states.append(rng.bit_generator.state)
        rng = block_generator(8, 0)
        engine._clamp_outcomes(grp, {grp.rows[1]: True}, bits, rng, np.ones(n))
        states.append(rng.bit_generator.state)
    assert all(st == states[0] for st in states)


@pytest.mark.parametrize("seed", [0, 1])
def test_outcomes_have_their_widths_as_chances(seed: int) -> None:
    """Each outcome's share per row is ``width / 2**32`` (exact binomial test,
    p-value above 1e-6), over all draws and over the draws whose byte ties a
    boundary (there the 24 more bits decide)."""
    g, k, n = 1, 4, 1 << 16
    t = np.array([[0x41200000, 0x00000000], [0x41C00000, 0x90000000],  # shared top byte
                  [0x41E00000, 0x90800000], [TWO32, TWO32]], dtype=np.int64)
    grp = make_group(t, g)
    width = np.diff(t, axis=0, prepend=0)
    count = np.zeros((k, 2), dtype=np.int64)
    total = np.zeros(2, dtype=np.int64)
    tie_count = np.zeros((k, 2), dtype=np.int64)
    tie_total = np.zeros(2, dtype=np.int64)
    for block in range(16):
        bits = draw_bits(g, k, n, 100 * seed + block)
        bits[g] = True
        rng = block_generator(seed, block)
        peek = np.random.Generator(type(rng.bit_generator)())
        peek.bit_generator.state = rng.bit_generator.state
        v = peek.bit_generator.random_raw(n // 8).view(np.uint8).astype(np.int64)
        engine._draw_outcomes(grp, bits, rng, n, engine._Scratch(n))
        rows = table_rows(g, bits)
        tie = (t[:-1, rows] >> 24 == v).any(axis=0)
        for r in range(2):
            at = rows == r
            total[r] += at.sum()
            tie_total[r] += (at & tie).sum()
            count[:, r] += bits[g + 1:, at].sum(axis=1)
            tie_count[:, r] += bits[g + 1:, at & tie].sum(axis=1)
    for r in range(2):
        for j in range(k):
            p = width[j, r] / TWO32
            assert binomial_p_value(int(count[j, r]), int(total[r]), p) > 1e-6, (j, r)
        assert tie_total[r] > 1000
    # row 0, byte 0x41 ties: u - 0x41000000 uniform in 2**24, cut at 0x20.., 0xC0.., 0xE0..
    cuts = np.array([0x200000, 0xC00000, 0xE00000, 1 << 24])
    share = np.diff(cuts, prepend=0) / (1 << 24)
    for j in range(k):
        assert binomial_p_value(int(tie_count[j, 0]), int(tie_total[0]), share[j]) > 1e-6, j


FLAT = """\
pactsim: 3
id: flat-bytes
as_of: 2024-01-01
horizon: 2024-12-31
events:
  a: {p: 0.4}
  x:
    levels: {absent: 0.2, one: 0.3, two: 0.0, three: 0.4, four: 0.1}
  y:
    levels: [absent, p, q, r]
    given: [x, a]
    table:
      absent: {true: {absent: 0.5, p: 0.5}, false: {q: 1.0}}
      one: {true: {p: 0.2, q: 0.3, r: 0.5}, false: {absent: 0.1, r: 0.9}}
      two: {true: {p: 1.0}, false: {q: 1.0}}
      three: {true: {absent: 0.25, p: 0.25, q: 0.25, r: 0.25}, false: {r: 1.0}}
      four: {true: {p: 0.5, q: 0.5}, false: {absent: 1.0}}
  z: {given: [y], table: {absent: 0.1, p: 0.2, q: 0.3, r: 0.4}}
"""


def test_exclusive_sets_are_the_outcome_rows_of_one_categorical() -> None:
    model = compile_scenario(pactsim.loads(FLAT))
    groups = {model.names[g.node]: g for g in outcome_groups(model).values() if g is not None}
    y = groups["y"]
    x_rows = {model.index[f"x={level}"] for level in ("one", "two", "three", "four")}
    assert [{y.given[j] for j in s} for s in y.exclusive] == [x_rows]
    assert groups["x"].exclusive == ()
    # the draws keep x's outcome rows exclusive, as the dropped terms need
    bits = sample_blocks(model, 3, 1 << 16, range(1)).bits
    assert (bits[sorted(x_rows)].sum(axis=0) <= 1).all()


def test_exclusive_polynomials_give_the_table_on_every_row_that_occurs(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A whole scenario: the draws are the same with the polynomials over exclusive
    parents (outcome rows and binary nodes given a categorical), with the full ones
    and with every top byte gathered."""
    sc = pactsim.loads(FLAT)
    model = compile_scenario(sc)
    kernels, _ = engine.prepared(model)
    for name in ("y", "z"):  # y's present row and z: given x's / y's outcome rows
        kern = kernels[model.index[name]]
        assert kern is not None and kern.exclusive, name
    assert kernels[model.index["z"]].sparse is not None  # type: ignore[union-attr]
    base = sample_blocks(model, 9, 70_000, range(2)).bits
    with monkeypatch.context() as m:
        m.setattr(engine, "_POLY_PASSES", -1)
        assert np.array_equal(sample_blocks(compile_scenario(sc), 9, 70_000, range(2)).bits,
                              base)
    with monkeypatch.context() as m:
        m.setattr(engine, "_exclusive", lambda parents, owner: ())
        m.setattr(engine, "_PREPARED", weakref.WeakKeyDictionary())  # built anew
        m.setattr(engine, "_GROUPS", weakref.WeakKeyDictionary())
        plain = compile_scenario(sc)
        assert all(k is None or not k.exclusive for k in engine.prepared(plain)[0])
        assert np.array_equal(sample_blocks(plain, 9, 70_000, range(2)).bits, base)
