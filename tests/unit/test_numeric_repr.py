"""``repr(res.numeric(q))`` is one line a person can read at the prompt (it printed
every value of the histogram)."""

from __future__ import annotations

import pactsim

TEXT = """\
pactsim: 1
id: x
as_of: 2025-01-01
horizon: 2025-12-31
events:
  a: {p: 0.5}
  b: {p: 0.25}
questions:
  n: count(a, b)
"""


def test_numeric_repr_is_one_line_with_the_numbers() -> None:
    sc = pactsim.loads(TEXT)
    ex = pactsim.exact(sc).numeric("n")
    # by hand: P(0) = 3/8, P(1) = 1/2, P(2) = 1/8; mean 0.75, sd sqrt(7)/4; P(<= 1) < 0.9
    assert repr(ex) == ("<NumericSummary 'n' (number): mean 0.75 (exact) (sd 0.66); "
                        "q10=0, q50=1, q90=2; histogram of 3 values>")
    mc = pactsim.simulate(sc, n=10_000, seed=1).numeric("n")
    text = repr(mc)
    assert "\n" not in text and text.startswith("<NumericSummary 'n' (number): mean 0.7")
    assert f"\u00b1 {mc.stderr:.2f}" in text and "histogram of 3 values" in text
