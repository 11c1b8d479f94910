"""Fixes of the tenth session (2026-12-01/02): each test pins one behaviour."""
from __future__ import annotations

import pactsim
from pactsim.analysis.sensitivity import inputs

CERTAIN = """\
pactsim: 3
id: cert
as_of: 2024-01-01
horizon: 2024-12-31
events:
  war: {p: 0}
  peace: {p: 1}
  far: {p: 0}
  a: {p: 0.4, odds: {war: 3}}
  b:
    given: [a]
    table: {true: 1, false: 0.5}
  c:
    levels: {absent: 0.5, one: 0.5, two: 0}
questions:
  q: a and b and c == one
"""


def test_tornado_names_the_certain_numbers_it_leaves_out() -> None:
    sc = pactsim.loads(CERTAIN)
    got: list[str] = []
    names = {i.name for i in inputs(sc, certain=got)}
    assert set(got) == {"war.p", "peace.p", "far.p", "b.table.true", "c.levels.two"}
    assert not names & set(got)  # a certain number is not an input
    s = pactsim.sensitivity(sc, "q")
    note = next(x for x in s.notes if "certain (0 or 1)" in x)
    # only the certain numbers upstream of the question: war (a's odds), b's cell, c's level
    assert note.startswith("3 numbers feeding the question are certain")
    for name in ("war.p", "b.table.true", "c.levels.two"):
        assert name in note
    assert "peace.p" not in note and "far.p" not in note
    # `only` narrows the note with the inputs
    s = pactsim.sensitivity(sc, "q", only="b.")
    assert any(x.startswith("1 number feeding the question is certain") and "b.table.true"
               in x for x in s.notes)
    s = pactsim.sensitivity(sc, "q", only="a.")
    assert not any("certain (0 or 1)" in x for x in s.notes)
