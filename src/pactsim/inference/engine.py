"""The Monte Carlo kernel: pure numpy, arrays and a Generator in, arrays out.

Nothing here reads files, touches pandas or logs; its only module state is a
cache of constants derived from each compiled model (:func:`prepared`), keyed
weakly by the model, so a model's kernels are built once, not once per call.

Random streams
--------------
Draws come in *blocks* of :data:`BLOCK` draws. Block ``b`` of a run with seed
entropy ``e`` uses its own generator, ``PCG64(SeedSequence(e, spawn_key=(b,)))``
— the ``b``-th child that ``SeedSequence(e).spawn`` would give — so a run's
draws do not depend on how blocks are grouped into chunks or spread over
workers. Within a block the generator is consumed in a fixed order: drivers,
then binary nodes in topological order, then the numeric attributes (format 3)
in file order, one float64 uniform each per draw (:mod:`pactsim.inference.attributes`;
a scenario without attributes draws nothing more).

Dated nodes (:mod:`pactsim.inference.dated`) draw one 32-bit uniform each (none
for a milestone with a fixed delay, and none for the "ever" bit of a milestone
that always follows its anchor); the day is the first step of a per-day table
of thresholds that ``u`` falls under, so each day's probability is exact to
2**-32 as for binary nodes. Until 2026-11-30 ``signing`` drew a float64 and
inverted its curve: the law of the dates is the same, the draws for a seed
are not.

Categorical nodes (format 3) are compiled into their present row and one
stick-breaking row of kind ``"outcome"`` per outcome other than ``absent``
(:mod:`pactsim.inference.compile`). The engine does not draw those rows one by
one: at the first outcome row of a node it draws **one** 32-bit uniform ``u``
per draw and sets outcome row ``j`` where the node is present and
``T[j-1] <= u < T[j]``, with ``T[j] = round(2**32 (s_1 + ... + s_j))`` the
cumulative shares ``s_j = p_j prod_{i<j} (1 - p_i)`` of the stick-breaking
chances ``p_j`` of the draw's row (``T = 2**32`` from a row with ``p_j = 1``
on), so each outcome has its stick-breaking probability to 2**-32
(:class:`_Outcomes`, built once per model by :func:`outcome_groups`; the
compiled plans keep their meaning for exact inference). The last outcome takes
the rest ("present and none before": no comparison).

That ``u`` is drawn byte first, as a fixed-p node's (:func:`_draw_outcomes`):
one uniform byte ``v`` per draw (the bytes of ``ceil(n / 8)`` raw 64-bit
draws) decides the outcome alone unless the node is present and ``v`` equals
the top byte of one of the ``B = k - 1`` compared boundaries ``T[j] < 2**32``
of the draw's row (a tie: about ``B / 256`` of the draws); there ``u = v *
2**24`` plus the top 24 bits of one 32-bit uniform per tie, taken in draw
order from ``min(B (n // 512 + 128), ceil(n / 2))`` words the node draws after
its bytes (``B`` times a fixed-p node's spare words; beyond, more are drawn),
and those bits decide between every boundary in that top byte. A boundary of
``2**32`` ("always") is never a tie. ``u`` is a 32-bit uniform, so each
outcome keeps its probability ``(T[j] - T[j-1]) / 2**32``, and a node draws
as many words whatever its chances (common random numbers; a node with one
outcome besides ``absent`` draws none). Evidence on outcomes
(:func:`_clamp_outcomes`) draws the same way from as many words, against the
boundaries of the allowed outcomes. Until 2026-11-30 a categorical node drew
all 32 bits of every ``u``: the law of the draws is the same, the draws for a
seed are not. Where a node's thresholds are gathered by row it reads the row
index its present row left in the work arrays. Where a node's parents include
outcome rows of another categorical node (at most one of them is true), its
top-byte polynomials drop the terms of table rows that never occur, for its
outcomes as for any fixed-p row given them (its present row, binary children:
:attr:`_Kernel.sparse`), which changes no draw. A scenario without categorical nodes
draws exactly what it drew before.

Where a categorical node's present row is a fixed-p row (a :class:`_Kernel`:
no drivers, no per-draw odds) over the same parents as its outcome rows, it is
not dated and no finding names it or its outcomes, the node draws present and
outcome together at its present row's turn, from **one** byte stream
(:func:`_draw_merged`, :func:`merged_groups`), and its outcome rows' turn draws
nothing. Per table row, ``P = floor(p_present 2**32)`` (``2**32`` where
``p_present = 1``) is the present row's threshold and ``M[j] = floor((P T[j] +
2**31) / 2**32)`` the outcome boundaries scaled into ``[0, P)`` (``T[j]`` as
above, ``M[k-1] = P``): for one 32-bit ``u`` per draw the node is present where
``u < P`` and outcome ``j`` where ``M[j-1] <= u < M[j]``; closed gates then make
it absent and every outcome row false. ``u`` is drawn byte first as above over
the ``k`` compared boundaries ``M[0], ..., M[k-2], P`` (ties wherever ``v`` equals
one of their top bytes, present or not), from ``ceil(n / 8) + min(k (n // 512 +
128), ceil(n / 2))`` words whatever its chances (common random numbers). So
P(present | row) is exactly ``P / 2**32`` as before, and P(outcome ``j`` | row)
``= (M[j] - M[j-1]) / 2**32`` is within 2**-32 of the two-stream law's
``(P / 2**32) (T[j] - T[j-1]) / 2**32`` (given present, within ``1 / P``).
Until 2026-11-30 such a node drew its present row and its outcome from two
byte streams: the law is the same to 2**-32 per outcome (P(present) exactly),
the draws for a seed are not. A node with a finding on it or its outcomes keeps
the two streams, drawn from a generator seeded by the words the one-stream draw
would take (:func:`_child_stream`): it draws other numbers than without the
finding, but it takes the same words from the block's stream, so every other
node draws the same words with or without findings elsewhere. A node of 4 outcomes
costs about 2.0 (given a categorical) to 2.1 (fixed levels) fixed-p binary
nodes (``benchmarks/bench_categorical.py``; 2.4 and 2.8 with two streams).

A Bernoulli node compares a 32-bit uniform integer ``u`` with
``floor(p * 2**32)`` (rows with p = 1 are always true), so its probability is
exact to 2**-32; nodes with driver odds or uncertain p with odds compare ``u``
with ``p' * 2**32`` in float64.

A fixed-p node (the fast path, :func:`_draw_bytes`) draws ``u`` byte first:
one uniform byte ``u8`` per draw (the bytes of ``ceil(n / 8)`` raw 64-bit
draws) is compared with the top byte ``t8`` of its row's threshold ``thr``:
``u8 < t8`` is true, ``u8 > t8`` false; only where ``u8 == t8`` (1/256 of the
draws) do 24 more bits count, the top 24 bits of one 32-bit uniform per such
draw, taken in draw order from a fixed number of words the node draws after
its bytes (``n // 512 + 128``, room for 16 standard deviations more ties than
expected; beyond, more are drawn), and compared with ``thr mod 2**24``. That is
``u < thr`` for ``u = u8 * 2**24 + those bits``, a 32-bit uniform: the
probability is ``thr / 2**32`` as before, from about a quarter of the random
bits, and every node still draws the same amount whatever its chances, so
variants of a scenario keep common random numbers. Until 2026-11-30 such
nodes drew all 32 bits of every ``u``: the law of the draws is the same, the
draws for a seed are not. Other nodes (drivers, brackets, Beta tables, dated
nodes) draw as described here; categorical outcomes draw byte first too (above).

An uncertain p with odds is not drawn: it is used by its node alone, so the
node is true with probability ``E[sigma(logit T + s)]`` given its row and log
odds ``s``, which :mod:`pactsim.inference.betatable` tabulates once per
process (error below 1e-9 per probability; every node costs one 32-bit
uniform per draw). Until 2026-11-30 such nodes drew a Beta per draw: the law
of the draws is the same, the draws for a seed are not.

Speed
-----
The blocks of a chunk are drawn straight into the chunk's arrays, and a
fixed-p node costs its byte draws plus a handful of in-place ufunc calls on
preallocated work arrays: with ``k <= 3`` table parents (2 or 3 only in blocks
of :data:`_BYTE_MUX_FROM` draws or more), each draw's threshold byte is the
node's table as a polynomial in the parents' bits, evaluated in ``uint8``
(``2**(k+1) - 2`` ufunc calls; :attr:`_Kernel.terms`); otherwise the row index
is built in ``uint8`` and the bytes gathered with ``np.take``.
A tie's bound is looked up by its byte where the table's rows have distinct
top bytes (:attr:`_Kernel.by_top`), else by its row. A categorical node finds
each boundary's top byte the same way (polynomials of at most
:data:`_POLY_PASSES` ufunc calls, else gathered) and its ties' bounds from
tables by row and byte (:attr:`_Outcomes.by_byte`, up to :data:`_BYTE_ROWS`
rows). Which of these a node takes never changes its draws. Binary odds
parents are folded into that table only for nodes with at most 8 binary
parents; beyond, they are summed draw by draw (``k`` multiply-adds), so a node
with 30 odds parents costs 30 arrays of work, not a 2**30 table.

A node whose odds move with one driver (no uncertain p) is decided from
bracket tables (:class:`_Brackets`): per row of its binary parents and per cell
of the driver's range, 32-bit bounds below which ``u`` is certainly under the
node's chance and above which it is certainly not, whatever the rounding of the
per-draw formula; the ~0.1% of draws in between (and any outside the range) are
computed by that formula. Every draw is the one the formula gives: no ``exp``
or division for the rest.

Since 2026-11-30 a model's kernels, Beta tables and brackets are built once per
compiled model (:func:`prepared`, :func:`brackets_of`; brackets only for runs of
:data:`BRACKETS_FROM` draws or more), not once per call; none of these changes
alters a draw.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass, replace
from functools import cached_property
from types import ModuleType

import numpy as np
from numpy.typing import NDArray

from pactsim.inference import betatable
from pactsim.inference.attributes import sample_attributes
from pactsim.inference.betatable import BetaTable
from pactsim.inference.compile import BinaryPlan, CompiledModel
from pactsim.inference.dated import NAT, CurvePlan, sample_curve, sample_milestone
from pactsim.inference.kernels import loops as compiled_loops
from pactsim.inference.weighting import EvidencePlan, sample_curve_in, sample_milestone_in
from pactsim.language import expr as _expr

__all__ = ["BLOCK", "NAT", "Draws", "block_generator", "block_size", "n_blocks", "sample_blocks"]

#: Draws per random-stream block (the unit of reproducibility).
BLOCK = 1 << 16
_TWO32 = float(1 << 32)


@dataclass(frozen=True, eq=False)
class Draws:
    """Samples of whole agreements.

    Attributes
    ----------
    bits:
        ``(n_binary, n)`` bool, row ``i`` is binary node ``model.names[i]``.
    drivers:
        ``(n_drivers + n_attributes, n)`` float64: the drivers, then the numeric
        attributes (format 3; ``NaN`` where missing), row ``len(model.drivers) + j``
        for ``model.attributes[j]``.
    days:
        ``(n_dated, n)`` int64 day numbers of the dated nodes (view as
        ``datetime64[D]``), row ``model.slot[name]``; :data:`NAT` where the node
        did not happen by the horizon.
    signing_slot:
        Row of ``signing`` in ``days`` (-1 without signing).
    weight:
        ``(n,)`` float64 likelihood weights of draws made under evidence
        (:mod:`pactsim.inference.weighting`), or ``None``: every draw weighs 1.
    """

    bits: NDArray[np.bool_]
    drivers: NDArray[np.float64]
    days: NDArray[np.int64]
    signing_slot: int = -1
    weight: NDArray[np.float64] | None = None

    @property
    def n(self) -> int:
        return int(self.bits.shape[1])

    @property
    def signing_day(self) -> NDArray[np.int64]:
        """``(n,)`` signing days (all :data:`NAT` without signing)."""
        if self.signing_slot < 0:
            return np.full(self.n, NAT, dtype=np.int64)
        return np.asarray(self.days[self.signing_slot], dtype=np.int64)

    def take(self, sel: slice | NDArray[np.bool_] | NDArray[np.intp]) -> Draws:
        """The draws ``sel`` picks (a slice, a boolean mask or indices), weights included."""
        return Draws(self.bits[:, sel], self.drivers[:, sel], self.days[:, sel],
                     self.signing_slot, None if self.weight is None else self.weight[sel])

    @staticmethod
    def concat(parts: list[Draws]) -> Draws:
        if len(parts) == 1:
            return parts[0]
        weights = [p.weight for p in parts]
        return Draws(
            np.concatenate([p.bits for p in parts], axis=1),
            np.concatenate([p.drivers for p in parts], axis=1),
            np.concatenate([p.days for p in parts], axis=1),
            parts[0].signing_slot,
            None if any(w is None for w in weights) else
            np.concatenate([w for w in weights if w is not None]),
        )


def block_generator(entropy: int, block: int, spawn_key: tuple[int, ...] = ()
                    ) -> np.random.Generator:
    """The generator of block ``block`` of a run seeded with ``entropy``.

    ``spawn_key`` is the spawn key of the run's own ``SeedSequence`` (empty for
    an integer seed), so runs seeded with sibling sequences differ.
    """
    seq = np.random.SeedSequence(entropy, spawn_key=(*spawn_key, block))
    return np.random.Generator(np.random.PCG64(seq))


#: Binary parents (``given`` and ``odds``) up to which a fixed-p node is drawn
#: from its folded table of ``2**k`` thresholds; beyond, odds parents are
#: summed draw by draw (the general path).
_FOLD_PARENTS = 8


@dataclass(frozen=True, eq=False)
class _Kernel:
    """Per-node constants of the fast path (fixed p, no drivers), prepared once per call.

    ``thr[r]`` is ``floor(p[r] * 2**32)`` clipped to ``2**32 - 1`` for row ``r``
    over ``parents``; ``sure[r]`` marks rows with p = 1, which are true
    whatever ``u``.
    """

    plan: BinaryPlan
    parents: tuple[int, ...]
    thr: NDArray[np.uint32]
    sure: NDArray[np.bool_]
    #: Positions in ``parents`` of which at most one is true in any draw (the outcome
    #: rows of a categorical node drawn as a group; see :class:`_Outcomes`).
    exclusive: tuple[tuple[int, ...], ...] = ()

    @cached_property
    def sparse(self) -> _Top | None:
        """``top`` as a polynomial without the terms of rows that never occur (by
        :attr:`exclusive`), when that costs at most :data:`_POLY_PASSES` ufunc calls."""
        if not self.exclusive:
            return None
        got = _top_plan(replace(self, sure=np.zeros_like(self.sure)), self.exclusive)
        return got if got.passes is not None and got.passes <= _POLY_PASSES else None

    @cached_property
    def top(self) -> NDArray[np.uint8]:
        """``thr >> 24`` per row: the byte a draw's first byte is compared with."""
        return (self.thr >> 24).astype(np.uint8)

    @cached_property
    def low8(self) -> NDArray[np.uint32]:
        """``(thr mod 2**24) * 2**8`` per row: a tie's 32-bit uniform ``w`` is under it
        exactly when ``w >> 8`` (its top 24 bits) is under ``thr mod 2**24``."""
        return np.asarray((self.thr & np.uint32(_LOW24)) << np.uint32(8), dtype=np.uint32)

    @cached_property
    def terms(self) -> tuple[np.uint8, ...]:
        """``top`` as a polynomial in the parents' bits, mod 256: ``top[row] = sum over
        rows r inside row (as bit sets) of terms[r] * prod of the bits of r`` (its
        Moebius transform; :func:`_top_of` evaluates it)."""
        c = [int(t) for t in self.top]
        for j in range(len(self.parents)):
            for r in range(len(c)):
                if r >> j & 1:
                    c[r] = (c[r] - c[r ^ (1 << j)]) % 256
        return tuple(np.uint8(t) for t in c)

    @cached_property
    def by_top(self) -> NDArray[np.uint64] | None:
        """``(256,)``: for each byte ``t``, the bound a tie's 32-bit uniform ``w`` must be
        under when ``top[row] = t`` (:attr:`low8`, ``2**32`` for rows with p = 1), or
        ``None`` when rows with the same top byte have different bounds (then a
        tie's row is computed)."""
        bound = np.where(self.sure, np.uint64(1 << 32), self.low8.astype(np.uint64))
        out = np.zeros(256, dtype=np.uint64)
        seen: dict[int, int] = {}
        for t, x in zip(self.top.tolist(), bound.tolist(), strict=True):
            if seen.setdefault(t, x) != x:
                return None
            out[t] = x
        return out


_LOW24 = (1 << 24) - 1


def _kernel(plan: BinaryPlan) -> _Kernel | None:
    """The fast-path constants of ``plan``, or ``None`` for the general path.

    A fixed-p node with at most :data:`_FOLD_PARENTS` binary parents uses its
    folded table (binary odds applied per row); one with more uses its
    ``given`` table when it has no odds parents, and the general path otherwise.
    """
    if plan.kind in ("signing", "condition") or plan.beta_given is not None or plan.drivers:
        return None
    if len(plan.parents) <= _FOLD_PARENTS:
        p, parents = plan.p, plan.parents
    elif not plan.odds_parents:
        p, parents = plan.p_given, plan.given
    else:
        return None
    thr = np.minimum(np.floor(p * _TWO32), _TWO32 - 1).astype(np.uint32)
    return _Kernel(plan, parents, thr, np.asarray(p >= 1.0))


class _Scratch:
    """Work arrays of one block, reused node after node (no per-node allocation)."""

    def __init__(self, n: int) -> None:
        self.cmp = np.empty((2, n), dtype=bool)
        self.idx8 = np.empty(n, dtype=np.uint8)
        self.idx = np.empty(n, dtype=np.intp)
        self.top = np.empty((4, n), dtype=np.uint8)  # a polynomial's terms over 3 parents
        self.tie = np.empty(n, dtype=bool)


#: Table parents up to which :func:`_draw_bytes` selects a draw's threshold byte by
#: arithmetic in ``uint8`` (``2**(k+1) - 2`` ufunc calls, :func:`_top_of`) rather than by a gather.
_BYTE_MUX_PARENTS = 3
#: Draws of a block from which a node with 2 or 3 table parents uses that arithmetic
#: (fewer ufunc calls than a gather, but each costs its overhead on small blocks).
_BYTE_MUX_FROM = 1 << 12


def _top_of(kern: _Kernel, bits: NDArray[np.bool_], s: _Scratch) -> NDArray[np.uint8]:
    """``top[row]`` of each draw for ``1 <= k <= 3`` table parents, from its polynomial
    (:attr:`_Kernel.terms`) nested by parent, ``P = P0 + b_j P1``, in ``uint8`` (mod
    256): ``2**k - 1`` multiplications and as many additions; ``s.top`` holds it."""
    par = kern.parents
    c = kern.terms
    b = bits[par[0]].view(np.uint8)
    level: list[NDArray[np.uint8]] = []
    for i in range(0, len(c), 2):  # c[i] + b0 c[i + 1]
        a = s.top[i >> 1]
        np.multiply(b, c[i + 1], out=a)
        a += c[i]
        level.append(a)
    for j in par[1:]:  # then by parents 1, 2: P0 + b_j P1 of the level before
        b = bits[j].view(np.uint8)
        for y, x in zip(level[0::2], level[1::2], strict=True):
            x *= b
            y += x
        level = level[0::2]
    return level[0]


def _spare_words(n: int) -> int:
    """64-bit words a fixed-p node draws after its ``n`` bytes for its ties' 24 more
    bits (two ties a word): ``n // 512 + 128``, so ``n / 256 + 256`` ties fit, 16
    standard deviations above their mean ``n / 256`` for ``n <= 2**16``."""
    return n // 512 + 128


def _draw_bytes(kern: _Kernel, bits: NDArray[np.bool_], rng: np.random.Generator, n: int,
                out: NDArray[np.bool_], s: _Scratch) -> bool:
    r"""A node with fixed p per table row, drawn byte first: ``out = u < thr[row]``
    (before gates) for ``u = u8 * 2**24 + v``, with the 24 more bits ``v`` drawn only
    where the first byte ``u8`` ties ``top[row]`` (see the module docstring).

    The node draws ``ceil(n / 8) + S`` 64-bit raw words, ``S =``
    :func:`_spare_words`\ ``(n)``, whatever its ties, so a change of ``p`` does not
    shift the numbers of the nodes after it (common random numbers): ``u8`` is
    the bytes of the first ``ceil(n / 8)``; for the ``m`` draws ``i`` (in order)
    where ``u8[i] == top[row]``, ``v`` is the top 24 bits of the ``j``-th 32-bit
    uniform of the other ``S`` words (the low then high half of each, as
    :func:`_uniform32`) for the ``j``-th tie; if ``m > 2 S`` (chance below 1e-40)
    the ties after the ``2 S``-th take theirs from ``ceil((m - 2 S) / 2)`` more
    words. Rows with p = 1 have ``top = 255``: true where ``u8 < 255``, and a tie
    is true too. Returns whether ``s.idx`` holds the row index over the node's
    parents afterwards (gathered with at most 8 parents, as :func:`_index8`
    builds it).
    """
    nb = (n + 7) // 8
    spare = _spare_words(n)
    raw = rng.bit_generator.random_raw(nb + spare)
    u8 = raw[:nb].view(np.uint8)[:n]
    par = kern.parents
    k = len(par)
    built = False
    top: NDArray[np.uint8] | np.uint8
    idx: NDArray[np.intp] | None = None
    sparse = kern.sparse if n >= _BYTE_MUX_FROM else None
    if k == 0:
        top = kern.top[0]
    elif sparse is not None:  # exclusive parents: fewer terms
        top = _eval_top(sparse, bits, s) if sparse.passes else sparse.const
    elif k <= _BYTE_MUX_PARENTS and (k == 1 or n >= _BYTE_MUX_FROM):
        top = _top_of(kern, bits, s)
    else:
        if k <= 8:
            idx8, idx = s.idx8, s.idx
            np.copyto(idx8, bits[par[-1]].view(np.uint8))
            for j in par[-2::-1]:
                np.add(idx8, idx8, out=idx8)
                idx8 |= bits[j].view(np.uint8)
            np.copyto(idx, idx8)
            built = True
        else:
            idx = _row_index(par, bits)
        gathered = s.top[0]
        np.take(kern.top, idx, mode="clip", out=gathered)
        top = gathered
    np.less(u8, top, out=out)
    np.equal(u8, top, out=s.tie)
    pos = s.tie.nonzero()[0]
    m = pos.shape[0]
    if m:
        w = raw[nb:].view(np.uint32)[:m]
        if m > 2 * spare:  # chance below 1e-40: more words, after the node's own
            more = rng.bit_generator.random_raw((m - 2 * spare + 1) // 2)
            w = np.concatenate([w, more.view(np.uint32)[:m - 2 * spare]])
        by_top = kern.by_top
        if by_top is not None:  # a tie's first byte is its row's top byte: its bound
            hit = w < by_top[u8[pos]]
        else:
            rows: NDArray[np.intp] | NDArray[np.uint8]
            if idx is not None:
                rows = idx[pos]
            else:
                rows = bits[par[0], pos].view(np.uint8)
                for j, p in enumerate(par[1:], 1):
                    b = bits[p, pos].view(np.uint8)
                    b <<= j
                    rows |= b
            hit = w < kern.low8[rows]
            if kern.sure.any():
                hit |= kern.sure[rows]
        out[pos] = hit
    return built


def _row_index(parents: tuple[int, ...], bits: NDArray[np.bool_]) -> NDArray[np.intp]:
    """``(n,)`` row of each draw in a table over ``parents`` (bit ``j`` is ``parents[j]``)."""
    idx = np.zeros(bits.shape[1], dtype=np.intp)
    for j, par in enumerate(parents):
        idx |= bits[par].astype(np.intp) << j
    return idx


def _apply_gates(plan: BinaryPlan, bits: NDArray[np.bool_], out: NDArray[np.bool_]) -> None:
    for g in plan.gates_true:
        out &= bits[g]
    for g in plan.gates_false:
        np.greater(out, bits[g], out=out)  # out and not g


def _uniform32(rng: np.random.Generator, n: int) -> NDArray[np.uint32]:
    """``n`` uniform 32-bit integers: the low then high half of each 64-bit raw draw."""
    return rng.bit_generator.random_raw((n + 1) // 2).view(np.uint32)[:n]


def _log_odds(plan: BinaryPlan, bits: NDArray[np.bool_], drivers: NDArray[np.float64],
              n: int) -> NDArray[np.float64] | float:
    """``(n,)`` log odds added to ``logit p`` by binary odds parents and drivers (or 0.0).

    Binary parents are summed draw by draw, in the order of the file:
    :math:`\\sum_j \\ell_j b_j + \\sum_d \\lambda_d z_d`.
    """
    s: NDArray[np.float64] | float = 0.0
    if plan.odds_parents:
        acc = np.zeros(n)
        for v, lf in zip(plan.odds_parents, plan.odds_logf, strict=True):
            acc += lf * bits[v]
        s = acc
    if not plan.drivers:
        return s
    t: NDArray[np.float64] = np.multiply(drivers[plan.drivers[0]], plan.driver_logf[0])
    if not isinstance(s, float):  # 0.0 + x is x (and -0.0 only changes to 0.0: same exp)
        np.add(s, t, out=t)  # same operand order as s + logf * driver
    for d, logf in zip(plan.drivers[1:], plan.driver_logf[1:], strict=True):
        t += logf * drivers[d]
    return t


#: Cells of a driver's range in a :class:`_Brackets` table (per row of binary parents).
_CELLS = 1 << 12
#: Normal drivers are bracketed over mean ± this many sd (beyond, every draw is computed).
_SPAN_SD = 10.0


@dataclass(frozen=True, eq=False)
class _Brackets:
    """Exact shortcuts for a general-path node whose odds move with one driver ``z``.

    Its chance ``p(z)`` in a row of its binary parents (``parents``: ``given``
    then odds parents) is monotone in ``z``. Over cell ``j`` of ``[lo, lo + cells
    / inv_h)`` it lies between the chances at the cell's ends, so a draw with
    ``u < low[r, j] <= min p * 2**32 - 1`` is true whatever rounding the per-draw
    formula makes (its error is below 1e-12 * 2**32 < 1), and one with ``u >=
    low + width[r, j] >= max p * 2**32 + 1`` is false; only the draws in between
    (about ``|lambda| / (4 inv_h)`` of them, ~0.1%) and those outside the range
    are computed by the per-draw formula (:func:`_node_p`). The same draws as
    computing every one.
    """

    driver: int
    lo: float
    inv_h: float
    parents: tuple[int, ...]
    low: NDArray[np.uint32]  # (rows * (cells + 1),): cell ``cells`` is "outside"
    width: NDArray[np.uint32]


def _brackets(plan: BinaryPlan, model: CompiledModel,
              tables: dict[int, BetaTable] | None = None) -> _Brackets | None:
    """The :class:`_Brackets` of ``plan``, or ``None`` when it does not qualify
    (not one driver, a range that is not finite, too many rows).

    Rows with an uncertain p take their chance from their Beta table (``tables``,
    within :data:`~pactsim.inference.betatable.ERROR_BOUND` of ``E[sigma(logit T +
    s)]``, which increases with ``s``): their bounds are widened by twice that.
    """
    if len(plan.drivers) != 1 or plan.kind in ("signing", "condition") or \
            (plan.beta_given is not None and not tables):
        return None
    lam = float(plan.driver_logf[0])
    d = model.drivers[plan.drivers[0]]
    lo, hi = (d.a - _SPAN_SD * d.b, d.a + _SPAN_SD * d.b) if d.dist == "normal" else (d.a, d.b)
    parents = tuple(plan.given) + tuple(plan.odds_parents)
    if not (lam != 0.0 and math.isfinite(lam) and math.isfinite(hi - lo) and hi > lo
            and len(parents) <= 6):
        return None
    h = (hi - lo) / _CELLS
    # cell edges, each widened a little (a draw's cell is found in floating point)
    edges = lo + h * np.arange(_CELLS + 1)
    z_lo, z_hi = edges[:-1] - 1e-6 * h, edges[1:] + 1e-6 * h
    g = len(plan.given)
    lows, widths = [], []
    for r in range(1 << len(parents)):
        p0 = np.full(_CELLS, float(plan.p_given[r & ((1 << g) - 1)]))
        c = 0.0
        for j, lf in enumerate(plan.odds_logf):
            if r >> (g + j) & 1:
                c += float(lf)
        sa = np.asarray(c + lam * z_lo, dtype=np.float64)
        sb = np.asarray(c + lam * z_hi, dtype=np.float64)
        beta = None if tables is None else tables.get(r & ((1 << g) - 1))
        if beta is None:
            with np.errstate(over="ignore", invalid="ignore"):
                pa, pb = _logistic(p0, sa), _logistic(p0, sb)
            slack = 1.0  # the per-draw formula is within 1e-12 of the logistic
        else:
            assert plan.beta_given is not None
            a, b = plan.beta_given[r & ((1 << g) - 1)]
            pa = betatable.evaluate(beta, float(a), float(b), sa)
            pb = betatable.evaluate(beta, float(a), float(b), sb)
            slack = 2.0 * betatable.ERROR_BOUND * _TWO32 + 1.0
        pmin, pmax = np.minimum(pa, pb) * _TWO32, np.maximum(pa, pb) * _TWO32
        low = np.clip(np.floor(pmin - slack), 0.0, _TWO32 - 1)
        top = np.ceil(pmax + slack)
        if (top - low > _TWO32 - 1).any():
            return None
        lows.append(np.append(low, 0.0))
        widths.append(np.append(top - low, 0.0))  # outside the range: computed (see below)
    return _Brackets(plan.drivers[0], lo, 1.0 / h, parents,
                     np.concatenate(lows).astype(np.uint32),
                     np.concatenate(widths).astype(np.uint32))


def _cells(br: _Brackets, z: NDArray[np.float64]) -> tuple[NDArray[np.intp], bool]:
    """``(n,)`` cell of each driver value (``_CELLS`` outside the range), and whether any is."""
    t = np.subtract(z, br.lo)
    t *= br.inv_h
    np.floor(t, out=t)
    outside = bool(((t < 0) | (t >= _CELLS)).any())
    if outside:
        t[(t < 0) | (t >= _CELLS)] = _CELLS
    return t.astype(np.intp), outside


def _draw_bracketed(plan: BinaryPlan, br: _Brackets, cells: tuple[NDArray[np.intp], bool],
                    bits: NDArray[np.bool_], drivers: NDArray[np.float64],
                    rng: np.random.Generator, n: int, out: NDArray[np.bool_],
                    tables: dict[int, BetaTable] | None = None) -> None:
    """:func:`_draw_node` through ``br`` (see :class:`_Brackets`): the same draws."""
    u = _uniform32(rng, n)
    cell, outside = cells
    idx = cell
    if br.parents:
        idx = cell.copy()
        for j, par in enumerate(br.parents):
            idx += bits[par] * ((_CELLS + 1) << j)
    low = br.low.take(idx)
    np.less(u, low, out=out)
    u -= low  # wraps below low: those read as large, hence not "in between"
    amb = u < br.width.take(idx)
    if outside:
        amb |= cell == _CELLS
    sel = np.flatnonzero(amb)
    if sel.shape[0]:
        uu = _uniform_at(u, low, sel)
        p = _node_p(plan, bits[:, sel], drivers[:, sel], sel.shape[0], tables)
        p *= _TWO32
        out[sel] = uu.astype(np.float64) < p
    _apply_gates(plan, bits, out)


def _uniform_at(shifted: NDArray[np.uint32], low: NDArray[np.uint32],
                sel: NDArray[np.intp]) -> NDArray[np.uint32]:
    """The uniforms ``u[sel]`` back from ``u - low`` (uint32, wrapping)."""
    v = shifted[sel]
    v += low[sel]
    return v


def _draw_node(plan: BinaryPlan, bits: NDArray[np.bool_], drivers: NDArray[np.float64],
               rng: np.random.Generator, n: int, out: NDArray[np.bool_],
               tables: dict[int, BetaTable] | None = None) -> None:
    """A node with driver odds, uncertain p with odds, or many odds parents (the general path).

    ``p = p0 e / (1 - p0 + p0 e)`` with ``e = exp(s)``, ``s`` the log odds of
    the draw (:func:`_log_odds`); ``out = u < p * 2**32``. Without ``given``
    parents every row lookup is a scalar. Rows whose p is uncertain take
    ``p = E[sigma(logit T + s)]`` from their table in ``tables`` (row ->
    :data:`~pactsim.inference.betatable.BetaTable`, see :func:`_beta_tables`):
    one uniform per draw, no Beta draw.
    """
    u = _uniform32(rng, n)
    p = _node_p(plan, bits, drivers, n, tables)
    p *= _TWO32
    np.less(u.astype(np.float64), p, out=out)
    _apply_gates(plan, bits, out)


def _node_p(plan: BinaryPlan, bits: NDArray[np.bool_], drivers: NDArray[np.float64], n: int,
            tables: dict[int, BetaTable] | None) -> NDArray[np.float64]:
    """``(n,)`` chance of a general-path node in each draw, before its gates (see
    :func:`_draw_node`)."""
    p0: NDArray[np.float64] | float
    rows: NDArray[np.intp] | None = None
    if plan.given:
        rows = _row_index(plan.given, bits)
        p0 = plan.p_given[rows]
    else:
        p0 = float(plan.p_given[0])
    s = np.broadcast_to(_log_odds(plan, bits, drivers, n), (n,))
    if tables and rows is None:  # one row, uncertain p: the table alone
        ((r, tab),) = tables.items()
        assert plan.beta_given is not None
        p = betatable.evaluate(tab, float(plan.beta_given[r, 0]), float(plan.beta_given[r, 1]), s)
    else:
        with np.errstate(over="ignore"):
            e = np.exp(s)
        with np.errstate(over="ignore", invalid="ignore"):
            pe = np.multiply(p0, e, out=e)
            p = np.add(np.subtract(1.0, p0), pe)
            np.divide(pe, p, out=p)
        if np.isnan(np.add.reduce(p)):  # odds beyond floating range (exp overflowed: 0/0)
            bad = np.isnan(p)
            p[bad] = _logistic(np.broadcast_to(p0, (n,))[bad], s[bad])
        if tables and rows is not None:
            assert plan.beta_given is not None
            for r, tab in tables.items():
                hit = rows == r
                if hit.any():
                    p[hit] = betatable.evaluate(tab, float(plan.beta_given[r, 0]),
                                                float(plan.beta_given[r, 1]), s[hit])
    return np.asarray(p, dtype=np.float64)


def _clamp(plan: BinaryPlan, kern: _Kernel | None, tables: dict[int, BetaTable] | None,
           value: bool, bits: NDArray[np.bool_], drivers: NDArray[np.float64],
           weight: NDArray[np.float64]) -> None:
    """Likelihood weighting of a clamped undated node (drawn already): set it to
    ``value`` and multiply ``weight`` by P(node = value | parents, drivers, gates).

    The chance is the one the draw used: ``floor(p * 2**32) / 2**32`` on the
    fast path (1 where p = 1), ``p * 2**32`` compared in float64 otherwise.
    """
    n = bits.shape[1]
    if kern is not None:
        rows = _row_index(kern.parents, bits)
        p = kern.thr[rows] / _TWO32
        p[kern.sure[rows]] = 1.0
    else:
        p = _node_p(plan, bits, drivers, n, tables)
        p = np.minimum(np.ceil(p * _TWO32) / _TWO32, 1.0)  # P(u < x) for u uniform in 0..2**32-1
    gate = np.ones(n, dtype=bool)
    _apply_gates(plan, bits, gate)
    p *= gate
    weight *= p if value else 1.0 - p
    bits[plan.index] = value


@dataclass(frozen=True, eq=False)
class _Outcomes:
    """A categorical node's outcome rows, drawn together, byte first (see the module
    docstring).

    ``rows`` are the binary indices of its outcome rows in stick-breaking order
    (the node's outcomes other than ``absent``), ``node`` that of its present
    row. ``cum[j]`` is a :class:`_Kernel` over the rows' common ``given``
    parents whose thresholds are ``T[j]`` (see the module docstring): ``u <
    T[j][row]`` means "one of the first ``j + 1`` outcomes". ``width`` ``(k,
    2**g)`` int64 holds ``T[j] - T[j-1]``, each outcome's chance in units of
    2**-32 given the node is present (for likelihood weighting). ``exclusive``
    lists sets of positions in ``given`` of which at most one is true in any
    draw (the outcome rows of another categorical node drawn as a group): table
    rows with two of them never occur, so the thresholds' polynomials drop
    their terms (:attr:`tops`).
    """

    node: int
    rows: tuple[int, ...]
    given: tuple[int, ...]
    cum: tuple[_Kernel, ...]
    width: NDArray[np.int64]
    exclusive: tuple[tuple[int, ...], ...] = ()

    @cached_property
    def bound(self) -> NDArray[np.uint64]:
        """``(B, 2**g)`` uint64: ``T[j]`` of each row for the ``B = k - 1`` compared
        boundaries (``2**32`` where ``u < T[j]`` always holds)."""
        return np.array([np.where(c.sure, np.uint64(1 << 32), c.thr.astype(np.uint64))
                         for c in self.cum[:-1]], dtype=np.uint64).reshape(-1, len(self.cum[0].thr))

    @cached_property
    def by_byte(self) -> tuple[NDArray[np.uint64], NDArray[np.bool_] | None] | None:
        """Tables by ``key = row * 256 + v`` for the ties of tables of at most
        :data:`_BYTE_ROWS` rows (else ``None``): ``(B, 256 R)`` bounds a tie's 32-bit
        word ``w`` must be under for ``u < T[j]`` (``2**32`` where ``T[j]``'s top
        byte is above ``v``, 0 where below, ``(T[j] mod 2**24) * 2**8`` where equal),
        and which keys are ties, or ``None`` when every draw that
        :func:`_draw_outcomes` finds tying a top byte is one (no "always" row
        besides boundaries that are always)."""
        t = self.bound
        if t.shape[1] > _BYTE_ROWS:
            return None
        vv = np.arange(256, dtype=np.uint64)
        top = (t >> np.uint64(24))[:, :, None]  # 256 for "always"
        low8 = ((t & np.uint64(_LOW24)) << np.uint64(8))[:, :, None]
        bnd = np.where(top > vv, np.uint64(1 << 32), np.where(top < vv, np.uint64(0), low8))
        real = (top == vv).any(axis=0).reshape(-1)
        drawn = [j for j, x in enumerate(self.tops) if not x.always]
        seen = (np.minimum(t[drawn], np.uint64((1 << 32) - 1)) >> np.uint64(24))[:, :, None]
        cand = (seen == vv).any(axis=0).reshape(-1)
        return (np.ascontiguousarray(bnd.reshape(t.shape[0], -1)),
                None if np.array_equal(cand, real) else real)

    @cached_property
    def tops(self) -> tuple[_Top, ...]:
        """How each compared boundary's top byte is found per draw (:class:`_Top`)."""
        return tuple(_top_plan(c, self.exclusive) for c in self.cum[:-1])


def _outcome_group(model: CompiledModel, node: str,
                   by_index: dict[int, BinaryPlan]) -> _Outcomes | None:
    """The :class:`_Outcomes` of categorical ``node``, or ``None`` when its outcome
    rows are not plain stick-breaking rows over one ``given`` (then they are drawn
    row by row, as any binary node)."""
    levels = [x for x in model.outcomes[node] if x != _expr.ABSENT]
    rows = tuple(model.index[_expr.outcome_name(node, x)] for x in levels)
    plans = [by_index[r] for r in rows]
    given = plans[0].given
    if any(p.kind != "outcome" or p.given != given or p.odds_parents or p.drivers
           or p.beta_given is not None for p in plans):
        return None
    p = np.clip(np.stack([np.asarray(q.p_given, dtype=np.float64) for q in plans]), 0.0, 1.0)
    left = np.cumprod(np.vstack([np.ones((1, p.shape[1])), 1.0 - p[:-1]]), axis=0)
    cum = np.cumsum(p * left, axis=0)  # P(one of the first j + 1 outcomes | row, present)
    t = np.minimum(np.rint(cum * _TWO32), _TWO32)
    t[np.maximum.accumulate(p >= 1.0, axis=0)] = _TWO32  # p_j = 1: the rest is outcome j's
    t = np.maximum.accumulate(t, axis=0)
    # the last outcome takes the rest: a row whose shares do not reach 1 has no outcome
    # but absent (every p_j is 0), where the node is never present (its chance is 0,
    # which no odds move), so the last outcome row needs no comparison
    t[-1] = _TWO32
    kernels = tuple(_Kernel(q, given, np.minimum(tj, _TWO32 - 1).astype(np.uint32),
                            np.asarray(tj >= _TWO32)) for q, tj in zip(plans, t, strict=True))
    width = np.diff(t, axis=0, prepend=0.0).astype(np.int64)
    return _Outcomes(model.index[node], rows, given, kernels, width)


@dataclass(frozen=True)
class _Top:
    """How :func:`_draw_outcomes` finds one boundary's top byte ``T[j] >> 24`` per draw.

    ``always``: ``u < T[j]`` in every row (``T[j] = 2**32``); else the byte is
    ``const`` plus, mod 256, ``coef * (product of the bits of parents)`` for each
    of ``terms`` (the table as a polynomial in the parents' bits, its Moebius
    transform, without the terms of rows that never occur), which costs
    ``passes`` ufunc calls; ``passes`` is ``None`` when the table has more than
    :data:`_FOLD_PARENTS` parents (then the byte is gathered by row).
    """

    always: bool
    const: np.uint8
    terms: tuple[tuple[tuple[int, ...], np.uint8], ...]
    passes: int | None


def _top_plan(kern: _Kernel, exclusive: tuple[tuple[int, ...], ...]) -> _Top:
    """The :class:`_Top` of ``kern``'s thresholds (``exclusive``: see :class:`_Outcomes`)."""
    if kern.sure.all():
        return _Top(True, np.uint8(0), (), 0)
    g = len(kern.parents)
    if g > _FOLD_PARENTS:
        return _Top(False, np.uint8(0), (), None)
    c = [int(t) for t in kern.top]
    for j in range(g):
        for r in range(len(c)):
            if r >> j & 1:
                c[r] = (c[r] - c[r ^ (1 << j)]) % 256
    never = [sum(1 << j for j in grp) for grp in exclusive]
    terms = []
    for r in range(1, len(c)):
        if c[r] and not any((r & m) & ((r & m) - 1) for m in never):  # two of one set: never
            terms.append((tuple(kern.parents[j] for j in range(g) if r >> j & 1), np.uint8(c[r])))
    passes = sum(len(par) + 1 for par, _ in terms)
    return _Top(False, np.uint8(c[0]), tuple(terms), passes)


#: Table rows up to which a categorical node resolves its ties from tables by byte
#: (:attr:`_Outcomes.by_byte`, ``2**(g+8)`` entries per boundary).
_BYTE_ROWS = 16
#: Ufunc calls above which :func:`_draw_outcomes` gathers a boundary's top byte by
#: row rather than evaluating its polynomial (a gather costs about as many calls).
_POLY_PASSES = 16


def _eval_top(top: _Top, bits: NDArray[np.bool_], s: _Scratch) -> NDArray[np.uint8]:
    """The top byte of each draw from ``top``'s polynomial, in ``uint8`` (mod 256),
    into ``s.top[0]`` (``s.top[1]`` and ``s.cmp[0]`` are work arrays)."""
    out: NDArray[np.uint8] = s.top[0]
    tmp, prod = s.top[1], s.cmp[0]
    for i, (par, coef) in enumerate(top.terms):
        b = bits[par[0]]
        if len(par) > 1:
            np.logical_and(b, bits[par[1]], out=prod)
            for p in par[2:]:
                prod &= bits[p]
            b = prod
        np.multiply(b.view(np.uint8), coef, out=tmp if i else out)
        if i:
            out += tmp
    if top.const:
        out += top.const
    return out


def _outcome_spare(n: int, b: int) -> int:
    """64-bit words a categorical node of ``b`` compared boundaries draws after its
    ``n`` bytes for its ties' 24 more bits: ``b`` times a fixed-p node's
    (:func:`_spare_words`: 16 standard deviations above the mean ``b n / 256``
    ties, and more), at most the ``ceil(n / 2)`` that give every draw its own."""
    return min(b * _spare_words(n), (n + 1) // 2)


def _tie_words(rng: np.random.Generator, spare: NDArray[np.uint64], m: int
               ) -> NDArray[np.uint32]:
    """The ``m`` 32-bit uniforms of ``m`` ties: the halves of the node's ``spare``
    words, then (chance below 1e-40) of more words drawn after them."""
    w = spare.view(np.uint32)[:m]
    have = 2 * spare.shape[0]
    if m > have:
        more = rng.bit_generator.random_raw((m - have + 1) // 2)
        w = np.concatenate([w, more.view(np.uint32)[:m - have]])
    return w


def _resolve(v: NDArray[np.uint8], bound: NDArray[np.uint64], rng: np.random.Generator,
             spare: NDArray[np.uint64]) -> NDArray[np.bool_]:
    """``(B, m)``: ``u < T[j]`` for ``m`` draws whose byte ``v`` may tie a boundary
    (``bound`` ``(B, m)`` or ``(B, 1)``, their ``T``, ``2**32`` for "always"): ``u =
    v * 2**24`` plus, where ``v`` is the top byte of one of the draw's boundaries
    (a tie), the top 24 bits of the next tie word (:func:`_tie_words`)."""
    u = v.astype(np.uint64) << np.uint64(24)
    tie = ((bound >> np.uint64(24)) == u >> np.uint64(24)).any(axis=0)
    m = int(np.count_nonzero(tie))
    if m:
        u[tie] |= _tie_words(rng, spare, m).astype(np.uint64) >> np.uint64(8)
    return np.asarray(u < bound)


def _index8(given: tuple[int, ...], bits: NDArray[np.bool_], s: _Scratch) -> NDArray[np.intp]:
    """The row index over ``given`` (at most 8 parents) into ``s.idx``, built in ``uint8``."""
    idx8 = s.idx8
    np.copyto(idx8, bits[given[-1]].view(np.uint8))
    for j in given[-2::-1]:  # Horner: ((b[k-1]) * 2 + b[k-2]) * 2 + ... + b[0]
        np.add(idx8, idx8, out=idx8)
        idx8 |= bits[j].view(np.uint8)
    np.copyto(s.idx, idx8)
    return s.idx


def _rows_at(given: tuple[int, ...], bits: NDArray[np.bool_], pos: NDArray[np.intp]
             ) -> NDArray[np.intp]:
    """The row over ``given`` of the draws at ``pos``."""
    if len(given) > 8:
        at = np.zeros(pos.shape[0], dtype=np.intp)
        for j, par in enumerate(given):
            at |= bits[par, pos].astype(np.intp) << j
        return at
    at8: NDArray[np.uint8] = bits[given[0]][pos].view(np.uint8)
    for j, par in enumerate(given[1:], 1):
        b = bits[par][pos].view(np.uint8)
        b <<= j
        at8 |= b
    return np.asarray(at8, dtype=np.intp)


def _draw_outcomes(grp: _Outcomes, bits: NDArray[np.bool_], rng: np.random.Generator,
                   n: int, s: _Scratch, have_index: bool = False) -> bool:
    r"""Set ``grp``'s outcome rows, byte first: row ``j`` where the node is present
    and ``T[j-1] <= u < T[j]`` for the 32-bit ``u`` rebuilt from one byte ``v`` per
    draw and, where ``v`` ties the top byte of a boundary, 24 more bits (see the
    module docstring). The node draws ``ceil(n / 8) + S`` raw 64-bit words, ``S
    =`` :func:`_outcome_spare`\ ``(n, B)`` for ``B = k - 1`` compared boundaries,
    whatever its chances (none when ``k = 1``). ``have_index``: ``s.idx`` holds
    the row index over ``grp.given`` already (left there by the node's present
    row). Returns whether ``s.idx`` holds it afterwards."""
    rows = grp.rows
    present = bits[grp.node]
    b = len(rows) - 1
    if b == 0:
        np.copyto(bits[rows[0]], present)
        return have_index
    built = _below(grp, bits, rng, n, s, have_index, present)
    np.greater(present, bits[rows[-2]], out=bits[rows[-1]])  # the last: T[k-1] = 2**32
    for j in range(b - 1, 0, -1):  # u < T[j] and not u < T[j-1]
        np.greater(bits[rows[j]], bits[rows[j - 1]], out=bits[rows[j]])
    for r in rows[:-1]:
        bits[r] &= present
    return built


def _below(grp: _Outcomes, bits: NDArray[np.bool_], rng: np.random.Generator, n: int,
           s: _Scratch, have_index: bool, present: NDArray[np.bool_] | None) -> bool:
    r"""Draw ``ceil(n / 8) + S`` raw words (``S =`` :func:`_outcome_spare`\ ``(n, B)``)
    and set ``bits[rows[j]] = u < T[j]`` for the ``B = len(rows) - 1`` compared
    boundaries, byte first, taking tie words only where ``present`` (``None``:
    everywhere). Returns whether ``s.idx`` holds the row index over ``grp.given``."""
    rows = grp.rows
    b = len(rows) - 1
    nb = (n + 7) >> 3
    raw = rng.bit_generator.random_raw(nb + _outcome_spare(n, b))
    v = raw[:nb].view(np.uint8)[:n]
    given = grp.given
    g = len(given)
    idx: NDArray[np.intp] | None = s.idx if have_index else None
    built = have_index
    poly = g == 1 or n >= _BYTE_MUX_FROM
    tie, eq = s.tie, s.cmp[1]
    first = True
    for j, top in enumerate(grp.tops):  # bits[rows[j]] = u < T[j] by the byte; ties below
        c = bits[rows[j]]
        if top.always:
            c.fill(True)
            continue
        if top.passes == 0:  # the same byte in every row
            np.greater(top.const, v, out=c)
            np.equal(v, top.const, out=tie if first else eq)
        else:
            if poly and top.passes is not None and top.passes <= _POLY_PASSES:
                t = _eval_top(top, bits, s)
            else:
                if idx is None:
                    if g <= 8:
                        idx = _index8(given, bits, s)
                        built = True
                    else:
                        idx = _row_index(given, bits)
                t = s.top[0]
                np.take(grp.cum[j].top, idx, mode="clip", out=t)
            np.less(v, t, out=c)
            np.equal(v, t, out=tie if first else eq)
        if first:
            first = False
        else:
            tie |= eq
    if not first:
        if present is not None:
            tie &= present  # ties count where the node is present
        pos = tie.nonzero()[0]
        if pos.shape[0]:
            _ties(grp, bits, v, pos, idx, rng, raw[nb:])
    return built


def _child_stream(rng: np.random.Generator, n: int, b: int) -> np.random.Generator:
    r"""A generator for a merged categorical node that a finding names (its present row
    and its outcome rows are then drawn in two streams, from it), seeded by the
    ``ceil(n / 8) + S`` words (``S =`` :func:`_outcome_spare`\ ``(n, b)``) that its
    one-stream draw (:func:`_below` over ``b`` compared boundaries) takes from ``rng``:
    the nodes after it draw what they would without the finding."""
    raw = rng.bit_generator.random_raw(((n + 7) >> 3) + _outcome_spare(n, b))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(
        [int(w) for w in raw[:4]])))


def _draw_merged(grp: _Outcomes, plan: BinaryPlan, bits: NDArray[np.bool_],
                 rng: np.random.Generator, n: int, s: _Scratch, have_index: bool) -> bool:
    r"""A categorical node's present row and outcome rows from one byte stream
    (:func:`merged_groups`; see the module docstring): ``grp.rows`` are its outcome
    rows then its present row, ``grp.cum`` the boundaries ``M[0] <= ... <=
    M[k-2] <= P`` then "always". ``u < P`` is present (before gates), outcome
    ``j`` is ``M[j-1] <= u < M[j]`` (``M[k-1] = P``), drawn as :func:`_below`
    draws ``k`` compared boundaries; closed gates make the node absent and every
    outcome row false. Returns whether ``s.idx`` holds the row index over
    ``grp.given``."""
    rows = grp.rows
    built = _below(grp, bits, rng, n, s, have_index, None)
    node = bits[rows[-1]]
    np.copyto(node, bits[rows[-2]])  # u < P
    _apply_gates(plan, bits, node)
    for j in range(len(rows) - 2, 0, -1):  # u < M[j] and not u < M[j-1]
        np.greater(bits[rows[j]], bits[rows[j - 1]], out=bits[rows[j]])
    for r in rows[:-1]:
        bits[r] &= node
    return built


def _ties(grp: _Outcomes, bits: NDArray[np.bool_], v: NDArray[np.uint8],
          pos: NDArray[np.intp], idx: NDArray[np.intp] | None, rng: np.random.Generator,
          spare: NDArray[np.uint64]) -> None:
    """Set ``u < T[j]`` (``bits[rows[j]]``) at the draws ``pos`` whose byte ``v``
    equals the top byte of one of their row's boundaries as :func:`_draw_outcomes`
    finds it, taking the tie words in order for those that are ties."""
    vp = v[pos]
    at = None
    if grp.given:
        at = idx[pos] if idx is not None else _rows_at(grp.given, bits, pos)
    lut = grp.by_byte
    if lut is not None:
        bnd, real = lut
        key = vp.astype(np.intp)
        if at is not None:
            key += at << 8
        m = pos.shape[0]
        if real is None:  # every one a tie: the words in order
            w = _tie_words(rng, spare, m).astype(np.uint64)
        else:
            is_tie = real[key]
            w = np.zeros(m, dtype=np.uint64)
            w[is_tie] = _tie_words(rng, spare, int(np.count_nonzero(is_tie)))
        hit = bnd.take(key, axis=1) > w
    else:
        hit = _resolve(vp, grp.bound if at is None else grp.bound[:, at], rng, spare)
    for j, r in enumerate(grp.rows[:-1]):
        bits[r][pos] = hit[j]


def _clamp_outcomes(grp: _Outcomes, clamps: dict[int, bool], bits: NDArray[np.bool_],
                    rng: np.random.Generator, weight: NDArray[np.float64]) -> None:
    """Likelihood weighting of a categorical node's outcome rows named by findings
    (``clamps``: row -> value, from ``x == l`` and ``x != l``).

    Where the node is present, the outcomes the findings allow (the one set
    true, or all but those set false) have chance ``W = sum of their widths /
    2**32``: the weight is multiplied by ``W`` and the outcome is drawn among
    them as ``v = floor(u W)`` located in their cumulative widths ``E``, i.e.
    ``u < ceil(E 2**32 / (W 2**32))``: the draw of :func:`_draw_outcomes` with
    those boundaries, byte first from as many words. Where it is absent every
    outcome row is false, so the weight becomes 0 if a row is asked to be true.
    """
    n = bits.shape[1]
    k = len(grp.rows)
    want = [clamps.get(r) for r in grp.rows]
    allowed = np.array([v is not False for v in want], dtype=bool)
    if any(v is True for v in want):
        allowed &= np.array([v is True for v in want], dtype=bool)
    if grp.given:
        width = grp.width[:, _row_index(grp.given, bits)]  # (k, n)
    else:
        width = np.broadcast_to(grp.width, (k, n))
    width = width * allowed[:, None]
    ends = np.cumsum(width, axis=0)  # (k, n) int64, at most 2**32
    total = ends[-1]
    present = bits[grp.node]
    hit = np.ones((k, n), dtype=bool)  # u < bound of outcome j (the last: always)
    if k > 1:
        nb = (n + 7) // 8
        raw = rng.bit_generator.random_raw(nb + _outcome_spare(n, k - 1))
        e = ends[:-1].astype(np.uint64)
        t = total.astype(np.uint64)
        safe = np.maximum(t, np.uint64(1))
        # ceil(E 2**32 / t) without overflow: E < t <= 2**32, so E 2**32 + t - 1 < 2**64
        bound = np.where(e >= t, np.uint64(1 << 32),
                         ((e << np.uint64(32)) + safe - np.uint64(1)) // safe)
        hit[:-1] = _resolve(raw[:nb].view(np.uint8)[:n], bound, rng, raw[nb:])
    hit &= total > 0  # no outcome allowed in this row
    below = np.zeros(n, dtype=bool)
    for j, r in enumerate(grp.rows):
        out = bits[r]
        np.greater(hit[j], below, out=out)
        below |= hit[j]
        out &= present
    p = total / _TWO32
    weight *= np.where(present, p, 0.0 if any(v is True for v in want) else 1.0)


def _beta_tables(plan: BinaryPlan, model: CompiledModel) -> dict[int, BetaTable] | None:
    """The tables of ``E[sigma(logit T + s)]`` of ``plan``'s uncertain-p rows (row -> table),
    or ``None`` when it has none (built once per process for each Beta and range)."""
    if plan.beta_given is None or plan.kind in ("signing", "condition"):
        return None
    lo, hi = betatable.s_range(plan, model.drivers)
    return {r: betatable.table(float(a), float(b), lo, hi)
            for r, (a, b) in enumerate(plan.beta_given) if not np.isnan(a)} or None


def _logistic(p0: NDArray[np.float64], s: NDArray[np.float64]) -> NDArray[np.float64]:
    """``logistic(logit(p0) + s)`` for odds beyond floating range, without overflow.

    p0 = 0 stays 0 and p0 = 1 stays 1 (no finite odds factor moves a certainty).
    """
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        x = np.log(p0) - np.log1p(-p0) + s
        ex = np.exp(-np.abs(x))  # in (0, 1]: never overflows
        out = np.where(x >= 0, 1.0 / (1.0 + ex), ex / (1.0 + ex))
    out[p0 <= 0.0] = 0.0
    out[p0 >= 1.0] = 1.0
    return np.asarray(out, dtype=np.float64)


def _condition(model: CompiledModel, tree: _expr.Expr, bits: NDArray[np.bool_],
               drivers: NDArray[np.float64], days: NDArray[np.int64],
               out: NDArray[np.bool_]) -> None:
    """A condition used as a parent, evaluated on the draws so far."""
    names = _expr.names(tree)
    values = {n: bits[model.index[n]] for n in names if n in model.index}
    values.update({d.name: drivers[k] for k, d in enumerate(model.drivers) if d.name in names})
    dates = {n: days[model.slot[n]].view("datetime64[D]") for n in names if n in model.slot}
    out[:] = _expr.evaluate(tree, values, dates)


def _fill_block(model: CompiledModel, kernels: list[_Kernel | None],
                tables: list[dict[int, BetaTable] | None], rng: np.random.Generator,
                bits: NDArray[np.bool_], drivers: NDArray[np.float64],
                days: NDArray[np.int64], ev: EvidencePlan | None = None,
                weight: NDArray[np.float64] | None = None,
                brackets: list[_Brackets | None] | None = None,
                groups: dict[int, _Outcomes | None] | None = None,
                loops: ModuleType | None = None,
                hist: tuple[NDArray[np.int64], set[int]] | None = None) -> float:
    """Draw one block into ``bits`` ``(n_binary, n)``, ``drivers`` ``(n_drivers, n)``
    and ``days`` ``(n_dated, n)`` (views into the chunk's arrays).

    With compiled ``loops`` (:func:`pactsim.inference.kernels.loops`) and ``hist``
    ``(counts, filled)``, the dated nodes the loops draw count their days into
    row ``slot`` of ``counts`` ``(n_dated, horizon - as_of + 2)`` (day ``as_of + j``
    in column ``j``, the days not drawn in the last) and their slots are added to
    ``filled``.

    With evidence ``ev``, clamped nodes are set and ``weight`` ``(n,)`` is
    multiplied by their likelihood (:mod:`pactsim.inference.weighting`); every
    node still consumes the random numbers it would without evidence. Returns the
    logarithm of what the weights were divided by to keep them from underflowing
    (:func:`_renormalize`; 0.0 almost always).
    ``groups`` (:func:`outcome_groups`) draws categorical nodes' outcome rows
    with one uniform each (with their present row where :func:`merged_groups`
    allows and no finding names the node or its outcomes); a finding that sets an
    outcome row true also clamps its node present (the finding implies it).
    """
    n = bits.shape[1]
    for k, d in enumerate(model.drivers):
        if d.dist == "normal":
            drivers[k] = rng.normal(d.a, d.b, n)
        elif np.isfinite(d.b - d.a):
            drivers[k] = rng.uniform(d.a, d.b, n)
        else:  # high - low overflows (bounds near ±1.8e308): low (1 - u) + high u
            u = rng.random(n)
            drivers[k] = d.a * (1.0 - u) + d.b * u
    scratch = _Scratch(n)
    cells: dict[int, tuple[NDArray[np.intp], bool]] = {}  # driver -> cells, once a block
    brackets = brackets or [None] * len(model.plans)
    clamps_since = False  # a node was clamped since the weights were last renormalised
    clamps = ev.binary if ev is not None else {}
    if groups and ev is not None:
        clamps = _with_presence(groups, ev)
    index_over: tuple[int, ...] = ()  # parents of the row index in scratch.idx
    merged = merged_groups(model) if groups else {}
    done: set[int] = set()  # nodes whose outcome rows were drawn with their present row
    # merged nodes named by findings: their two streams' generator (see _child_stream)
    child: dict[int, np.random.Generator] = {}
    log_scale = 0.0  # the weights are the likelihoods divided by exp(log_scale)
    for plan, kern, tab, br in zip(model.plans, kernels, tables, brackets, strict=True):
        if weight is not None and clamps_since:
            log_scale += _renormalize(weight)
            clamps_since = False
        if plan.index in merged:
            mg = merged[plan.index]
            if plan.index not in clamps and not any(r in clamps for r in mg.rows):
                if _draw_merged(mg, plan, bits, rng, n, scratch, index_over == mg.given):
                    index_over = mg.given
                done.add(plan.index)
                continue
            child[plan.index] = _child_stream(rng, n, len(mg.rows) - 1)
        if groups and plan.index in groups:  # a categorical node's outcome rows
            grp = groups[plan.index]
            if grp is not None and grp.node not in done:  # the first row: all of them
                g_rng = child.get(grp.node, rng)
                if weight is not None and any(r in clamps for r in grp.rows):
                    _clamp_outcomes(grp, clamps, bits, g_rng, weight)
                    clamps_since = True
                elif _draw_outcomes(grp, bits, g_rng, n, scratch, index_over == grp.given):
                    index_over = grp.given
            continue
        out = bits[plan.index]
        timing = model.timing.get(plan.index)
        if isinstance(timing, CurvePlan):
            if ev is not None and plan.index in ev.dates and weight is not None:
                sample_curve_in(timing, ev.dates[plan.index], model.horizon, rng, bits,
                                drivers, days[timing.slot], weight)
                clamps_since = True
            elif sample_curve(timing, rng, bits, drivers, days[timing.slot], loops,
                              None if hist is None else hist[0][timing.slot], model.as_of):
                assert hist is not None
                hist[1].add(timing.slot)
            continue
        if plan.kind == "condition":
            _condition(model, model.conditions[plan.index].tree, bits, drivers, days, out)
            continue
        if timing is not None and kern is not None and not kern.parents and kern.sure[0] \
                and not plan.gates_true and not plan.gates_false:
            out[:] = True  # a milestone that always follows its anchor: no draw
        elif br is not None:
            if br.driver not in cells:
                cells[br.driver] = _cells(br, drivers[br.driver])
            _draw_bracketed(plan, br, cells[br.driver], bits, drivers, rng, n, out, tab)
        elif kern is None:
            _draw_node(plan, bits, drivers, rng, n, out, tab)
        else:  # (a merged node named by a finding: from its own generator)
            if _draw_bytes(kern, bits, child.get(plan.index, rng), n, out, scratch):
                index_over = kern.parents  # scratch.idx: its rows
            _apply_gates(plan, bits, out)
        if plan.index in clamps and weight is not None:
            _clamp(plan, kern, tab, clamps[plan.index], bits, drivers, weight)
            clamps_since = True
        if timing is None:
            continue
        # a milestone: its ever bit is drawn; now its day
        if ev is not None and plan.index in ev.dates and weight is not None:
            interval = ev.dates[plan.index]
            if interval[1] <= model.horizon:  # it must happen: its ever bit is clamped true
                _clamp(plan, kern, tab, True, bits, drivers, weight)
            sample_milestone_in(timing, interval, model.horizon, rng, bits, drivers, days,
                                weight)
            clamps_since = True
        elif sample_milestone(timing, rng, bits, drivers, days,
                              tuple(model.index[model.dated[a]] for a in timing.anchors),
                              loops, None if hist is None else hist[0][timing.slot],
                              model.as_of):
            assert hist is not None
            hist[1].add(timing.slot)
    if weight is not None and clamps_since:
        log_scale += _renormalize(weight)
    return log_scale


#: Weights whose largest falls below this are renormalised (see :func:`_renormalize`).
_RENORMALIZE_BELOW = 2.0 ** -100


def _renormalize(weight: NDArray[np.float64]) -> float:
    """Keep a block's likelihood weights from underflowing: when the largest is below
    :data:`_RENORMALIZE_BELOW` (and not 0), multiply them all by the power of 2 that
    brings it into [1/2, 1) — exact, no rounding — and return the logarithm of the
    divisor taken out (else 0.0). Many clamped findings of small chance (200 of
    chance 0.02 make 1e-340) then still leave weights to compare."""
    if not weight.shape[0]:
        return 0.0
    top = float(weight.max())
    if top == 0.0 or top >= _RENORMALIZE_BELOW:
        return 0.0
    e = math.frexp(top)[1]
    np.ldexp(weight, -e, out=weight)
    return e * math.log(2.0)


def _with_presence(groups: dict[int, _Outcomes | None], ev: EvidencePlan) -> dict[int, bool]:
    """``ev``'s clamps, plus "present" for each undated categorical node one of whose
    outcome rows is clamped true and which is not clamped itself."""
    out = dict(ev.binary)
    for grp in groups.values():
        if grp is not None and grp.node not in out and grp.node not in ev.dates and \
                any(out.get(r) is True for r in grp.rows):
            out[grp.node] = True
    return out


_Prepared = tuple[list[_Kernel | None], list[dict[int, BetaTable] | None]]
_PREPARED: weakref.WeakKeyDictionary[CompiledModel, _Prepared] = weakref.WeakKeyDictionary()
_BRACKETS: weakref.WeakKeyDictionary[CompiledModel, list[_Brackets | None]] = \
    weakref.WeakKeyDictionary()
#: Draws of a run from which driver brackets are used (building them costs about
#: 0.2 ms per node, what they save on ~2**17 draws; a sweep of small runs skips them).
BRACKETS_FROM = 1 << 17


def prepared(model: CompiledModel) -> _Prepared:
    """The fast-path kernels and Beta tables of every plan of ``model`` (built on
    the first call for a model and kept while the model lives; a compiled model
    never changes)."""
    got = _PREPARED.get(model)
    if got is None:
        kernels = [_kernel(p) for p in model.plans]
        owner = {r: g.node for g in outcome_groups(model).values() if g is not None
                 for r in g.rows}
        if owner:  # parents among a categorical node's outcome rows: fewer terms
            kernels = [k if k is None or not (ex := _exclusive(k.parents, owner))
                       else replace(k, exclusive=ex) for k in kernels]
        got = (kernels, [_beta_tables(p, model) for p in model.plans])
        _PREPARED[model] = got
    return got


def _exclusive(parents: tuple[int, ...], owner: dict[int, int]) -> tuple[tuple[int, ...], ...]:
    """Sets (two or more) of positions in ``parents`` that are outcome rows of one
    categorical node drawn as a group (``owner``: outcome row -> its node): at most
    one of each set is true in any draw (:func:`_draw_outcomes`, :func:`_clamp_outcomes`)."""
    sets: dict[int, list[int]] = {}
    for j, par in enumerate(parents):
        if par in owner:
            sets.setdefault(owner[par], []).append(j)
    return tuple(tuple(x) for x in sets.values() if len(x) > 1)


_GROUPS: weakref.WeakKeyDictionary[CompiledModel, dict[int, _Outcomes | None]] = \
    weakref.WeakKeyDictionary()
#: Draw categorical nodes' outcome rows with one uniform each (``False``: row by
#: row, as the stick-breaking plans read; for benchmarks and tests).
ONE_UNIFORM = True


def outcome_groups(model: CompiledModel) -> dict[int, _Outcomes | None]:
    """Binary index of every outcome row drawn as part of a categorical node's
    group -> the :class:`_Outcomes` for the node's first row in plan order,
    ``None`` for its other rows (drawn with the first). Empty for a model without
    categorical nodes (or with :data:`ONE_UNIFORM` off); built once per model."""
    if not model.outcomes or not ONE_UNIFORM:
        return {}
    got = _GROUPS.get(model)
    if got is None:
        got = {}
        by_index = {p.index: p for p in model.plans}
        firsts = [g for g in (_outcome_group(model, node, by_index) for node in model.outcomes)
                  if g is not None]
        owner = {r: g.node for g in firsts for r in g.rows}
        for grp in firsts:
            exclusive = _exclusive(grp.given, owner)
            if exclusive:
                grp = replace(grp, exclusive=exclusive)
            got.update(dict.fromkeys(grp.rows))
            got[min(grp.rows)] = grp  # plans run in index order
        _GROUPS[model] = got
    return got


_MERGED: weakref.WeakKeyDictionary[CompiledModel, dict[int, _Outcomes]] = \
    weakref.WeakKeyDictionary()
#: Draw a categorical node's present row and outcome rows from one byte stream where
#: :func:`merged_groups` allows (``False``: present row, then outcome rows; for tests).
MERGED = True


def merged_groups(model: CompiledModel) -> dict[int, _Outcomes]:
    """Binary index of the present row of each categorical node drawn in one stream
    with its outcome rows -> its :class:`_Outcomes` of ``k + 1`` rows (outcome rows,
    then the present row): the node's outcome rows form a group
    (:func:`outcome_groups`), its present row is on the fixed-p fast path
    (:class:`_Kernel`) over the same parents as the outcome rows, and it is not
    dated. Its boundaries are ``P[r] = thr[r]`` (``2**32`` where ``p = 1``) and
    ``M[j][r] = floor((P[r] T[j][r] + 2**31) / 2**32)`` for the outcome group's
    ``T[j]``; built once per model."""
    if not MERGED:
        return {}
    got = _MERGED.get(model)
    if got is None:
        got = {}
        kernels = prepared(model)[0]
        for grp in outcome_groups(model).values():
            kern = kernels[grp.node] if grp is not None else None
            if grp is None or kern is None or kern.parents != grp.given \
                    or grp.node in model.timing:
                continue
            pt = [1 << 32 if sure else int(t)
                  for t, sure in zip(kern.thr.tolist(), kern.sure.tolist(), strict=True)]
            cum: list[_Kernel] = []
            for c in grp.cum[:-1]:
                tj = [1 << 32 if sure else int(t)
                      for t, sure in zip(c.thr.tolist(), c.sure.tolist(), strict=True)]
                m = np.array([(a * b + (1 << 31)) >> 32 for a, b in zip(pt, tj, strict=True)],
                             dtype=np.uint64)
                cum.append(_Kernel(c.plan, grp.given,
                                   np.minimum(m, np.uint64((1 << 32) - 1)).astype(np.uint32),
                                   np.asarray(m >= np.uint64(1 << 32))))
            cum.append(kern)
            cum.append(grp.cum[-1])  # "always" (T[k-1] = 2**32)
            got[grp.node] = _Outcomes(grp.node, (*grp.rows, grp.node), grp.given, tuple(cum),
                                      grp.width, grp.exclusive)
        _MERGED[model] = got
    return got


def brackets_of(model: CompiledModel) -> list[_Brackets | None]:
    """The driver brackets of every plan of ``model`` (``None`` where a plan has
    none), built once per model like :func:`prepared`."""
    got = _BRACKETS.get(model)
    if got is None:
        kernels, tables = prepared(model)
        got = [None if k is not None else _brackets(p, model, t)
               for p, k, t in zip(model.plans, kernels, tables, strict=True)]
        _BRACKETS[model] = got
    return got


def _empty_draws(model: CompiledModel, n: int) -> Draws:
    return Draws(np.empty((model.n_binary, n), dtype=bool),
                 np.empty((len(model.drivers) + len(model.attributes), n)),
                 np.empty((len(model.dated), n), dtype=np.int64), model.signing_slot)


def n_blocks(n: int) -> int:
    """Number of blocks of an ``n``-draw run."""
    return -(-n // BLOCK)


def block_size(n: int, block: int) -> int:
    """Draws in block ``block`` of an ``n``-draw run (all :data:`BLOCK` but the last)."""
    return min(BLOCK, n - block * BLOCK)


def sample_blocks(model: CompiledModel, entropy: int, n: int, blocks: range,
                  spawn_key: tuple[int, ...] = (), evidence: EvidencePlan | None = None,
                  scales: list[float] | None = None,
                  hists: list[tuple[NDArray[np.int64], set[int]] | None] | None = None
                  ) -> Draws:
    """Draws of blocks ``blocks`` of an ``n``-draw run seeded with ``entropy``
    (and ``spawn_key``, see :func:`block_generator`).

    The blocks are drawn straight into one ``(n_binary, sum of block sizes)``
    array (no per-block arrays to concatenate). With ``evidence`` the clamped
    nodes are set and the draws carry their likelihood weights (``weight``;
    rejected and soft findings are applied later, over the questions too: see
    :func:`~pactsim.inference.weighting.finish_weights`); each block's weights are
    its likelihoods divided by ``exp(s)``, ``s`` appended to ``scales`` when given
    (see :func:`_fill_block`). Without evidence, ``hists`` (when given) gets each
    block's per-day counts of the dated nodes drawn by compiled loops, and their
    slots (see :func:`_fill_block`), or ``None`` where numpy draws them all.
    """
    kernels, tables = prepared(model)
    brackets = brackets_of(model) if n >= BRACKETS_FROM else None
    groups = outcome_groups(model)
    total = sum(block_size(n, b) for b in blocks)
    draws = _empty_draws(model, total)
    weight = None
    if evidence is not None:
        weight = np.ones(total)
        draws = replace(draws, weight=weight)
    loops = None
    if evidence is None and hists is not None and model.timing:
        loops = compiled_loops(n * len(model.timing))  # (checks PACTSIM_KERNELS)
    width = max(model.horizon - model.as_of + 1, 1)
    a = 0
    for b in blocks:
        z = a + block_size(n, b)
        rng = block_generator(entropy, b, spawn_key)
        hist = None
        if loops is not None:
            hist = (np.zeros((len(model.dated), width + 1), dtype=np.int64), set[int]())
        scale = _fill_block(model, kernels, tables, rng,
                            draws.bits[:, a:z], draws.drivers[:, a:z], draws.days[:, a:z],
                            evidence, None if weight is None else weight[a:z], brackets,
                            groups, loops, hist)
        if scales is not None:
            scales.append(scale)
        if hists is not None:
            hists.append(hist)
        if model.attributes:  # format 3: after every node of the block (leaves)
            sample_attributes(model.attributes, rng, draws.bits[:, a:z],
                              draws.drivers[len(model.drivers):, a:z])
        a = z
    return draws
