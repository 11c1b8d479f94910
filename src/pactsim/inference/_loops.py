"""The compiled loops of :mod:`pactsim.inference.kernels` (imports numba: load it
through that module only, never at ``import pactsim``).

Each loop does for one node and one block what the numpy path of
:mod:`pactsim.inference.dated` does in several passes over the block, from the
same 32-bit keys (drawn before the loop with numpy, so the random stream is the
same); :func:`count` then counts the node's days into its per-day histogram in
a pass of its own.

How they are written, and why (each measured on the 2-core machine):

* A key's answer is found from a guide table (the answer at the start of the
  key's bin, 2**14 bins a row) and a scan of the steps after it, which stops at
  a sentinel: 2.6 ns a key, against 4.3 ns for a 2**16-bin table of answers
  with a binary search where a bin straddles a step (2**12, 2**13 and 2**15
  bins a row: all slower on dated-5).
* A node's table row (its parents' bits) is folded into its keys' guide
  entries before the loop (:func:`guide_index` for the first parent, numpy for
  the others); read in the loop, three rows of parents doubled its time, and
  even one row code read there cost 0.3 ns a draw more than the pass.
* A milestone's anchors are combined by numpy before the loop (their bits
  and'ed into its own, the latest of their days, into an array of its own: a
  loop that read and wrote the same array ran ten times slower, and one that
  took the later of two anchors itself ran slower than numpy's pass and the
  loop); a loop over a run-time list of rows cost seven times as much as one row.
* No branch on random data (a select, not an ``if``) and no call per draw (a
  helper called with the tables ran five times slower): hence each case (keys or
  a fixed delay, rows or none) has its loop written out, not a shared helper.
  Bits are read and written as ``uint8``: a loop that read a ``bool`` array ran
  at a third of the speed.
* The days are counted after the loop, by :func:`count` (0.55-0.6 ns a draw),
  not in it: counted in the loop that draws them, into an array of its own, a
  curve node cost 2.8 ns a draw against 1.4 + 0.6 (2026-12-03; dated-5 at 10^6
  from 21.4 to 19.4 ns a draw with the histograms' other changes). Counted into
  the caller's array in the same loop as the stores of days and bits (which
  numba cannot prove apart) it cost twice the draw.
"""

from __future__ import annotations

import numba
import numpy as np

NAT = np.iinfo(np.int64).min


def _compiled(f):
    """``numba.njit(cache=True)``: compiled once per machine, cached in ``__pycache__``
    (or numba's user cache directory). Where numba finds no writable directory for
    the cache (a read-only install, a service account without a home), numba refuses
    to decorate; the loop is then compiled without it, once per process."""
    try:
        return numba.njit(cache=True, nogil=True)(f)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return numba.njit(nogil=True)(f)


@_compiled
def curve(u, rk, guide, gshift, gbits, thr, width, day0, day, out):
    """A curve node's day (``day0 + k``, :data:`NAT` when ``k >= width``) and bit:
    ``k`` is the number of steps ``thr[r]`` at or below the key ``u`` in its row
    ``r`` (``np.searchsorted(thr[r], u, side="right")``; ``thr[r, -1]`` is a
    sentinel above every key). ``rk`` is each draw's guide entry ``(u >> gshift)
    | (r << gbits)`` when the node has rows, else empty (row 0). ``out`` is the
    node's bits viewed as ``uint8``."""
    if rk.shape[0] == 0:
        for i in range(u.shape[0]):
            x = np.int64(u[i])
            k = np.int64(guide[x >> gshift])
            while thr[0, k] <= x:
                k += 1
            ok = k < width
            day[i] = day0 + k if ok else NAT
            out[i] = ok
    else:
        for i in range(u.shape[0]):
            x = np.int64(u[i])
            idx = np.int64(rk[i])
            r = idx >> gbits
            k = np.int64(guide[idx])
            while thr[r, k] <= x:
                k += 1
            ok = k < width
            day[i] = day0 + k if ok else NAT
            out[i] = ok


@_compiled
def milestone(u, rk, fixed, anchor, guide, gshift, gbits, thr, horizon, day, out):
    """A milestone's day ``anchor + offset`` and bit: the bit stays set where it was
    (every anchor happened) and the day is at most ``horizon``; the offset is
    ``fixed`` without keys ``u``, else the key's answer in the delay table, as in
    :func:`curve` (``rk`` likewise). Days :data:`NAT` where the bit is clear;
    ``out`` is the bits viewed as ``uint8``. (``anchor`` may be ``day`` itself,
    but that ran ten times slower.)"""
    if u.shape[0] == 0:
        for i in range(out.shape[0]):
            d = anchor[i] + fixed
            ok = out[i] & np.uint8(d <= horizon)
            day[i] = d if ok else NAT
            out[i] = ok
    elif rk.shape[0] == 0:
        for i in range(out.shape[0]):
            x = np.int64(u[i])
            k = np.int64(guide[x >> gshift])
            while thr[0, k] <= x:
                k += 1
            d = anchor[i] + k
            ok = out[i] & np.uint8(d <= horizon)
            day[i] = d if ok else NAT
            out[i] = ok
    else:
        for i in range(out.shape[0]):
            x = np.int64(u[i])
            idx = np.int64(rk[i])
            r = idx >> gbits
            k = np.int64(guide[idx])
            while thr[r, k] <= x:
                k += 1
            d = anchor[i] + k
            ok = out[i] & np.uint8(d <= horizon)
            day[i] = d if ok else NAT
            out[i] = ok


@_compiled
def guide_index(u, gshift, gbits, row):
    """Each key's guide entry ``(u >> gshift) | (row << gbits)`` (``row``: its first
    parent's bits as ``uint8``): one pass, where numpy takes four."""
    out = np.empty(u.shape[0], dtype=np.uint32)
    s = np.uint32(gshift)
    g = np.uint32(gbits)
    for i in range(u.shape[0]):
        out[i] = (u[i] >> s) | (np.uint32(row[i]) << g)
    return out


@_compiled
def count(day, day0, hist):
    """``hist[d - day0] += 1`` for each day ``d``; :data:`NAT` (and any day outside
    the histogram) in its last column, as the draws less those counted in the
    others. The loop counts into an array of its own, added to ``hist`` at the
    end; ``d - day0`` is read as unsigned (a day before ``day0``, and :data:`NAT`,
    are past the last column: one comparison for both ends), and a day not counted
    adds 0 to a column that changes from draw to draw (added to one column, each
    waited for the one before: with 70% of the days not counted, twice the time).
    ``hist`` has at least one column (the engine's have ``horizon - as_of + 2``), and
    ``day0`` is a day number, far from the ends of ``int64``."""
    h = np.zeros(hist.shape[0], dtype=np.int64)
    last = np.uint64(hist.shape[0] - 1)
    top = 1  # columns 0 ... top - 1 (never past the last) take the days not counted
    while top * 2 <= hist.shape[0] - 1:
        top *= 2
    spare = np.uint64(top - 1)
    for i in range(day.shape[0]):
        j = np.uint64(day[i] - day0)
        inside = j < last
        h[j if inside else np.uint64(i) & spare] += inside
    counted = 0
    for j in range(hist.shape[0] - 1):
        hist[j] += h[j]
        counted += h[j]
    hist[-1] += day.shape[0] - counted
