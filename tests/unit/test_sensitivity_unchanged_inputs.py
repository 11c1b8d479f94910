"""Inputs whose two ends write the file's own value are not evaluated.

``delay: 1`` swung ×0.8/×1.2 is still 1 day at both ends (whole days), so its variants
are the file itself. A chain of 780 such milestones made ``pactsim sensitivity``
evaluate 1,560 identical variants (56 s); they now get swing 0 and a note. The tests
check the skipped rows against exact inference on the written variants.
"""

from __future__ import annotations

import pactsim
from pactsim.analysis.sensitivity import inputs

CHAIN = ["pactsim: 2", "id: chain", "as_of: 2025-01-01", "horizon: 2025-12-31", "events:",
         "  m0: {by: {2025-06-30: 0.4, 2025-12-31: 0.8}}",
         "  m1: {after: m0, delay: 1}", "  m2: {after: m1, delay: 1}",
         "  m3: {after: m2, delay: 30}", "  m4: {after: m3, delay: 1}",
         "questions:", "  q: m4.date <= 2025-09-30"]


def test_same_at_both_ends_gives_swing_zero_with_a_note_and_the_rest_is_evaluated() -> None:
    sc = pactsim.loads("\n".join(CHAIN) + "\n")
    s = pactsim.sensitivity(sc, "q", voi=False)
    rows = s.tornado.set_index("input")
    base = pactsim.exact(sc).prob("q").value
    for name in ("m1.delay", "m2.delay", "m4.delay"):
        r = rows.loc[name]
        assert r.swing == 0.0 and r.q_low == r.q_high == base
    note = [n for n in s.notes if "same at both ends" in n]
    assert note and note[0].startswith("3 of ")
    # the 30-day delay (24 .. 36 days) moves the question: evaluated, and right
    item = next(i for i in inputs(sc) if i.name == "m3.delay")
    want = [pactsim.exact(sc.with_changes(item.changes(v))).prob("q").value
            for v in (item.low, item.high)]
    got = rows.loc["m3.delay"]
    assert abs(got.q_low - want[0]) < 1e-12 and abs(got.q_high - want[1]) < 1e-12
    assert got.swing > 0.01


def test_the_skipped_variants_are_the_file_itself() -> None:
    """What the skip assumes: both ends of a 1-day delay write 1 day again, and exact
    inference on those variants gives the file's answer."""
    sc = pactsim.loads("\n".join(CHAIN) + "\n")
    item = next(i for i in inputs(sc) if i.name == "m1.delay")
    assert item.low == item.high == item.base == 1
    base = pactsim.exact(sc).prob("q").value
    for v in (item.low, item.high):
        assert pactsim.exact(sc.with_changes(item.changes(v))).prob("q").value == base
