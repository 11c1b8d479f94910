""""What to watch" shows one fact once: a row true in exactly the draws of another is
merged into it, a row true exactly when a node known only with the question is left
out, and ``X: which outcome`` is left out when it tells no more than whether X
happens. Rows that only share numbers are kept."""

from __future__ import annotations

import pytest

import pactsim

HEAD = "pactsim: 3\nid: t\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"

# form is present exactly when signed (requires signing, no absent level): the same fact;
# which form it is does not touch in_force
SAME = HEAD + """\
signing: {by: {2025-06-30: 0.5, 2025-12-31: 0.8}}
events:
  talks: {p: 0.4}
  form: {levels: {treaty: 0.7, memo: 0.3}, requires: [signing]}
  in_force: {after: signing, delay: 30, p: 0.9}
questions:
  q: in_force.date <= 2025-12-31
"""


def test_a_row_true_in_the_same_draws_is_shown_once() -> None:
    s = pactsim.sensitivity(pactsim.loads(SAME), "q")
    shown = list(s.voi.node)
    assert "signing" in shown and "form" not in shown and "form: which outcome" not in shown
    assert any("in what to watch once, as signing: form" in n for n in s.notes)
    assert any("form: which outcome (which outcome tells no more" in n for n in s.notes)
    # the row kept is the signing's, by hand: P(q | signed) = 0.9 * P(signed by Dec 1 |
    # signed by Dec 31), and 0 when not signed
    row = s.voi.set_index("node").loc["signing"]
    p_dec1 = 0.5 + 0.3 * (154 / 184)  # the curve on 2025-12-01: 154 of the 184 days after Jun 30
    assert row.p_node == pytest.approx(0.8)
    assert row.q_if_true == pytest.approx(0.9 * p_dec1 / 0.8)
    assert row.q_if_false == pytest.approx(0.0)


def test_rows_that_only_share_numbers_are_kept() -> None:
    sc = pactsim.loads(HEAD + "events:\n  a: {p: 0.5}\n  b: {p: 0.5}\n"
                       "questions:\n  q: a or b\n")
    s = pactsim.sensitivity(sc, "q")
    rows = s.voi.set_index("node")
    assert {"a", "b"} <= set(rows.index)  # the same numbers, different draws
    assert rows.loc["a", "move"] == pytest.approx(rows.loc["b", "move"])
    assert not any("once, as" in n for n in s.notes)


def test_the_flagship_leaves_out_the_signing_under_another_name() -> None:
    s = pactsim.sensitivity(pactsim.load("scenarios/iran-russia-2024.yaml"), "signed_by_2024")
    shown = set(s.voi.node)
    # legal_form == binding_treaty happens exactly when the signing does (a review found
    # it listed as worth 14 points while the signing itself was left out)
    assert "legal_form == binding_treaty" not in shown and "signing" not in shown
    assert "legal_form == programme" in shown  # a programme can be seen first


def test_which_outcome_that_tells_no_more_than_a_row_shown_is_left_out() -> None:
    """For in_force_by_2025 legal_form == binding_treaty is the signing, and which legal
    form it is tells no more than whether it was signed: one row, the signing's."""
    s = pactsim.sensitivity(pactsim.load("scenarios/iran-russia-2024.yaml"),
                            "in_force_by_2025")
    rows = s.voi.set_index("node")
    assert "signing" in rows.index and "legal_form: which outcome" not in rows.index
    assert any("legal_form: which outcome (which outcome tells no more about the question "
               "than signing)" in n for n in s.notes)
    # the claim, checked by exact inference: given the signing, the legal form's outcome
    # says nothing more about the question
    ex = pactsim.exact(pactsim.load("scenarios/iran-russia-2024.yaml"))
    q = "in_force_by_2025"
    for form in ("binding_treaty", "programme"):
        given = f"legal_form == {form}"
        if ex.prob(given).value > 0:
            want = ex.prob(q, given="signing").value if form == "binding_treaty" else \
                ex.prob(q, given="not signing").value
            assert ex.prob(q, given=given).value == pytest.approx(want, abs=1e-12)


def test_monte_carlo_merges_rows_by_their_draws() -> None:
    """Under Monte Carlo two rows are one fact when they agree in every draw (form is
    present exactly when signed); 'which outcome' rows stay (their estimates differ by
    sampling noise), as documented."""
    s = pactsim.sensitivity(pactsim.loads(SAME), "q", method="mc", n=20_000, seed=1)
    shown = set(s.voi.node)
    assert set(s.voi.method) == {"mc"}
    assert "signing" in shown and "form" not in shown
    assert any("in what to watch once, as signing: form" in n for n in s.notes)
    row = s.voi.set_index("node").loc["signing"]
    # P(signed by the horizon) = 0.8: within 5 standard errors of 20,000 draws
    assert abs(row.p_node - 0.8) < 5 * (0.8 * 0.2 / 20_000) ** 0.5


def test_a_long_list_of_rows_shown_once_is_cut() -> None:
    body = "".join(f"      c{i}: {{p: 1}}\n" for i in range(10))
    sc = pactsim.loads(HEAD + "events:\n  w: {p: 0.5}\npillars:\n  main:\n"
                       "    given: [w]\n    table: {true: 0.8, false: 0.3}\n    clauses:\n"
                       + body + "questions:\n  q: main and w\n")
    note = next(n for n in pactsim.sensitivity(sc, "q").notes if "once, as main" in n)
    assert note == ("in what to watch once, as main: c0, c1, c2, c3, c4, c5 and 4 more (true "
                    "in exactly the same draws as main)")
