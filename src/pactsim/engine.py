"""The Monte Carlo kernel: pure numpy, arrays and a Generator in, arrays out.

Nothing here reads files, touches pandas, logs, or keeps module state.

Random streams
--------------
Draws come in *blocks* of :data:`BLOCK` draws. Block ``b`` of a run with seed
entropy ``e`` uses its own generator, ``PCG64(SeedSequence(e, spawn_key=(b,)))``
— the ``b``-th child that ``SeedSequence(e).spawn`` would give — so a run's
draws do not depend on how blocks are grouped into chunks or spread over
workers. Within a block the generator is consumed in a fixed order: drivers,
then binary nodes in topological order.

A Bernoulli node compares a 32-bit uniform integer ``u`` with
``floor(p * 2**32)`` (rows with p = 1 are always true), so its probability is
exact to 2**-32; nodes with driver odds or drawn uncertain p compare ``u``
with ``p' * 2**32`` in float64.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pactsim.compile import BinaryPlan, CompiledModel

__all__ = ["BLOCK", "NAT", "Draws", "block_generator", "sample_block", "sample_blocks"]

#: Draws per random-stream block (the unit of reproducibility).
BLOCK = 1 << 16
#: Integer value of NaT in ``datetime64[D]``: "no date" (e.g. not signed).
NAT = np.iinfo(np.int64).min
_TWO32 = float(1 << 32)


@dataclass(frozen=True, eq=False)
class Draws:
    """Samples of whole agreements.

    Attributes
    ----------
    bits:
        ``(n_binary, n)`` bool, row ``i`` is binary node ``model.names[i]``.
    drivers:
        ``(n_drivers, n)`` float64.
    signing_day:
        ``(n,)`` int64 day numbers (view as ``datetime64[D]``); :data:`NAT` when
        not signed by the horizon.
    """

    bits: NDArray[np.bool_]
    drivers: NDArray[np.float64]
    signing_day: NDArray[np.int64]

    @property
    def n(self) -> int:
        return int(self.signing_day.shape[0])

    @staticmethod
    def concat(parts: list[Draws]) -> Draws:
        if len(parts) == 1:
            return parts[0]
        return Draws(
            np.concatenate([p.bits for p in parts], axis=1),
            np.concatenate([p.drivers for p in parts], axis=1),
            np.concatenate([p.signing_day for p in parts]),
        )


def block_generator(entropy: int, block: int) -> np.random.Generator:
    """The generator of block ``block`` of a run seeded with ``entropy``."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy, spawn_key=(block,))))


def _thresholds(p: NDArray[np.float64]) -> tuple[NDArray[np.uint32], NDArray[np.bool_] | None]:
    thr = np.minimum(np.floor(p * _TWO32), _TWO32 - 1).astype(np.uint32)
    sure = p >= 1.0
    return thr, (sure if sure.any() else None)


def _row_index(plan: BinaryPlan, bits: NDArray[np.bool_]) -> NDArray[np.intp] | None:
    if not plan.parents:
        return None
    dtype = np.uint8 if len(plan.parents) <= 8 else np.intp
    idx = bits[plan.parents[0]].astype(dtype)
    for j, par in enumerate(plan.parents[1:], start=1):
        idx |= bits[par].astype(dtype) << dtype(j)
    return idx.astype(np.intp, copy=False)


def _draw_node(plan: BinaryPlan, bits: NDArray[np.bool_], drivers: NDArray[np.float64],
               rng: np.random.Generator, n: int, out: NDArray[np.bool_]) -> None:
    u = rng.bit_generator.random_raw((n + 1) // 2).view(np.uint32)[:n]
    idx = _row_index(plan, bits)
    if plan.beta is None and not plan.drivers:
        thr, sure = _thresholds(plan.p)
        if idx is None:
            if sure is not None:
                out[:] = True
            else:
                np.less(u, thr[0], out=out)
        else:
            np.less(u, thr[idx], out=out)
            if sure is not None:
                out |= sure[idx]
    else:
        rows = np.zeros(n, dtype=np.intp) if idx is None else idx
        p0 = plan.p0[rows]
        if plan.beta is not None:
            ab = plan.beta[rows]
            drawn = ~np.isnan(ab[:, 0])
            if drawn.any():
                p0[drawn] = rng.beta(ab[drawn, 0], ab[drawn, 1])
        s = plan.logodds[rows]
        for d, logf in zip(plan.drivers, plan.driver_logf, strict=True):
            s = s + logf * drivers[d]
        e = np.exp(s)
        p = p0 * e / (1.0 - p0 + p0 * e)
        np.less(u.astype(np.float64), p * _TWO32, out=out)
    for g in plan.gates_true:
        out &= bits[g]
    for g in plan.gates_false:
        np.greater(out, bits[g], out=out)  # out and not g


def _draw_signing(model: CompiledModel, rng: np.random.Generator, n: int) -> NDArray[np.int64]:
    sp = model.signing
    assert sp is not None
    u = rng.random(n)
    seg = np.searchsorted(sp.cum, u, side="right")
    signed = seg < sp.cum.shape[0]
    i = seg[signed]
    lo_c, hi_c = sp.cum[i - 1], sp.cum[i]
    lo_d, hi_d = sp.days[i - 1], sp.days[i]
    t = lo_d + (u[signed] - lo_c) / (hi_c - lo_c) * (hi_d - lo_d)
    day = np.full(n, NAT, dtype=np.int64)
    day[signed] = np.minimum(np.floor(t).astype(np.int64) + 1, hi_d)
    return day


def sample_block(model: CompiledModel, n: int, rng: np.random.Generator) -> Draws:
    """Draw ``n`` whole agreements (``n <= BLOCK``) with one generator."""
    drivers = np.empty((len(model.drivers), n))
    for k, d in enumerate(model.drivers):
        if d.dist == "normal":
            drivers[k] = rng.normal(d.a, d.b, n)
        else:
            drivers[k] = rng.uniform(d.a, d.b, n)
    bits = np.empty((model.n_binary, n), dtype=bool)
    signing_day = np.full(n, NAT, dtype=np.int64)
    for plan in model.plans:
        if plan.kind == "signing":
            signing_day = _draw_signing(model, rng, n)
            np.not_equal(signing_day, NAT, out=bits[plan.index])
        else:
            _draw_node(plan, bits, drivers, rng, n, bits[plan.index])
    return Draws(bits, drivers, signing_day)


def block_sizes(n: int) -> list[int]:
    """Sizes of the blocks of an ``n``-draw run (all :data:`BLOCK` but the last)."""
    full, rest = divmod(n, BLOCK)
    return [BLOCK] * full + ([rest] if rest else [])


def sample_blocks(model: CompiledModel, entropy: int, n: int, blocks: range) -> Draws:
    """Draws of blocks ``blocks`` of an ``n``-draw run seeded with ``entropy``."""
    sizes = block_sizes(n)
    parts = [sample_block(model, sizes[b], block_generator(entropy, b)) for b in blocks]
    return Draws.concat(parts)
