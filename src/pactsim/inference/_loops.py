"""The compiled loops of :mod:`pactsim.inference.kernels` (imports numba: load it
through that module only, never at ``import pactsim``).

Each loop does for one node and one block what the numpy path of
:mod:`pactsim.inference.dated` does in several passes over the block, from the
same 32-bit keys (drawn before the loop with numpy, so the random stream is the
same), and counts the node's days into its per-day histogram as it goes
(:func:`count` counts a day row on its own, for a node whose gates clear days
after its loop).

How they are written, and why (each measured on the 2-core machine):

* A key's answer is found from a guide table (the answer at the start of the
  key's bin, 2**14 bins a row) and a scan of the steps after it, which stops at
  a sentinel: 2.6 ns a key, against 4.3 ns for a 2**16-bin table of answers
  with a binary search where a bin straddles a step.
* A node's table row (its parents' bits) is folded into its keys' guide
  entries by numpy before the loop (a few passes of 0.2 ns); read in the loop,
  three rows of parents doubled its time.
* A milestone's anchors are combined by numpy before the loop (their bits
  and'ed into its own, the latest of their days, into an array of its own: a
  loop that read and wrote the same array ran ten times slower); a loop over a
  run-time list of rows cost seven times as much as one row.
* No branch on random data (a select, not an ``if``) and no call per draw (a
  helper called with the tables ran five times slower): hence each case (keys or
  a fixed delay, rows or none) has its loop written out, not a shared helper.
  Bits are read and written as ``uint8``: a loop that read a ``bool`` array ran
  at a third of the speed.
* The histogram is counted into an array the loop allocates (so numba knows
  that no other array is it) and added to the caller's at the end: counted
  into the caller's array in the same loop, it cost twice the draw.
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
def curve(u, rk, guide, gshift, gbits, thr, width, day0, hist0, day, out, hist):
    """A curve node's day (``day0 + k``, :data:`NAT` when ``k >= width``) and bit:
    ``k`` is the number of steps ``thr[r]`` at or below the key ``u`` in its row
    ``r`` (``np.searchsorted(thr[r], u, side="right")``; ``thr[r, -1]`` is a
    sentinel above every key). ``rk`` is each draw's guide entry ``(u >> gshift)
    | (r << gbits)`` when the node has rows, else empty (row 0). ``out`` is the
    node's bits viewed as ``uint8``. Each day ``d`` written is counted in
    ``hist[d - hist0]`` (days outside the histogram, and :data:`NAT`, in its last
    column: no index is ever out of bounds)."""
    h = np.zeros(hist.shape[0], dtype=np.int64)
    last = hist.shape[0] - 1
    shift = day0 - hist0
    if rk.shape[0] == 0:
        for i in range(u.shape[0]):
            x = np.int64(u[i])
            k = np.int64(guide[x >> gshift])
            while thr[0, k] <= x:
                k += 1
            ok = k < width
            day[i] = day0 + k if ok else NAT
            out[i] = ok
            j = k + shift
            h[j if ok & (j >= 0) & (j < last) else last] += 1
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
            j = k + shift
            h[j if ok & (j >= 0) & (j < last) else last] += 1
    hist += h


@_compiled
def milestone(u, rk, fixed, anchor, guide, gshift, gbits, thr, horizon, hist0, day, out,
              hist):
    """A milestone's day ``anchor + offset`` and bit: the bit stays set where it was
    (every anchor happened) and the day is at most ``horizon``; the offset is
    ``fixed`` without keys ``u``, else the key's answer in the delay table, as in
    :func:`curve` (``rk`` likewise). Days :data:`NAT` where the bit is clear;
    ``out`` is the bits viewed as ``uint8``; ``hist`` as in :func:`curve`.
    (``anchor`` may be ``day`` itself, but that ran ten times slower.)"""
    h = np.zeros(hist.shape[0], dtype=np.int64)
    last = hist.shape[0] - 1
    if u.shape[0] == 0:
        for i in range(out.shape[0]):
            d = anchor[i] + fixed
            ok = out[i] & np.uint8(d <= horizon)
            day[i] = d if ok else NAT
            out[i] = ok
            j = d - hist0
            h[j if ok & (j >= 0) & (j < last) else last] += 1
        hist += h
        return
    if rk.shape[0] == 0:
        for i in range(out.shape[0]):
            x = np.int64(u[i])
            k = np.int64(guide[x >> gshift])
            while thr[0, k] <= x:
                k += 1
            d = anchor[i] + k
            ok = out[i] & np.uint8(d <= horizon)
            day[i] = d if ok else NAT
            out[i] = ok
            j = d - hist0
            h[j if ok & (j >= 0) & (j < last) else last] += 1
        hist += h
        return
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
        j = d - hist0
        h[j if ok & (j >= 0) & (j < last) else last] += 1
    hist += h


@_compiled
def count(day, day0, hist):
    """``hist[d - day0] += 1`` for each day ``d``; :data:`NAT` (and any day past the
    histogram) in its last column."""
    last = hist.shape[0] - 1
    for i in range(day.shape[0]):
        j = day[i] - day0
        hist[j if (j >= 0) & (j < last) else last] += 1
