"""score says when resolved outcomes cannot all hold in the scenario (exact P = 0): a
clause resolved true while the signing is resolved false, a question's answer that
contradicts the nodes it reads. Scores are still given; one file is wrong, or the model."""

from __future__ import annotations

import json

import pytest

import pactsim
from pactsim.analysis.scoring import score
from pactsim.language.resolutions import loads_resolutions

SCENARIO = """\
pactsim: 2
id: clash
as_of: 2025-01-01
horizon: 2025-12-31
signing: {by: {2025-12-31: 0.6}}
events:
  talks: {p: 0.5}
pillars:
  security:
    p: 0.8
    clauses:
      defence: {p: 0.3}
questions:
  signed_by_june: signing.date <= 2025-06-30
"""
HEAD = "resolutions: 1\nscenario: clash\nsources: {s: a wire}\noutcomes:\n"


def _res(lines: str) -> pactsim.language.resolutions.Resolutions:
    return loads_resolutions(HEAD + lines)


def test_outcomes_that_cannot_hold_together_are_named() -> None:
    card = score(pactsim.loads(SCENARIO), _res(
        "  signing: {outcome: false, resolved: 2025-12-31, source: s}\n"
        "  security: {outcome: true, resolved: 2025-12-31, source: s}\n"
        "  signed_by_june: {outcome: true, resolved: 2025-06-30, source: s}\n"
        "  talks: {outcome: true, resolved: 2025-03-01, source: s}\n"))
    # by hand: a pillar needs the signing, and so does a signing by June
    assert card.notes == (
        "clash: the resolved outcomes of security (security) and signing cannot both hold "
        "in the scenario: one of the files is wrong, or the model",
        "clash: the resolved outcomes of signed_by_june (signed_by_june) and signing cannot "
        "both hold in the scenario: one of the files is wrong, or the model")
    assert len(card.items) >= 4  # still scored
    assert "note: clash: the resolved outcomes of security" in str(card)
    assert json.loads(card.to_json())["notes"] == list(card.notes)


def test_outcomes_that_can_hold_together_say_nothing() -> None:
    card = score(pactsim.loads(SCENARIO), _res(
        "  signing: {outcome: 2025-05-01, resolved: 2025-05-01, source: s}\n"
        "  security: {outcome: true, resolved: 2025-05-01, source: s}\n"
        "  defence: {outcome: false, resolved: 2025-05-01, source: s}\n"
        "  signed_by_june: {outcome: true, resolved: 2025-05-01, source: s}\n"))
    assert card.notes == ()


def test_the_real_backtests_are_consistent() -> None:
    for name in ("russia-dprk-2024", "iran-russia-2024"):
        sc = (f"scenarios/backtest/{name}.yaml" if name == "russia-dprk-2024"
              else "scenarios/iran-russia-2024.yaml")
        card = score(sc, f"scenarios/backtest/{name}.resolutions.yaml")
        assert not [n for n in card.notes if n.startswith("clash")], name


@pytest.mark.parametrize("method", ["montecarlo"])
def test_monte_carlo_scoring_does_not_check(method: str) -> None:
    card = score(pactsim.loads(SCENARIO), _res(
        "  signing: {outcome: false, resolved: 2025-12-31, source: s}\n"
        "  security: {outcome: true, resolved: 2025-12-31, source: s}\n"),
        method=method, n=2_000)
    assert card.notes == ()


def test_an_in_sample_base_rate_of_0_or_1_is_said_to_be_unbeatable() -> None:
    """Every outcome true: the in-sample base rate is 1 and its baseline scores 0 (by
    hand: (1 - 1)**2); a note says so, and a file's own base_rate takes its place."""
    lines = ("  signing: {outcome: 2025-05-01, resolved: 2025-05-01, source: s}\n"
             "  security: {outcome: true, resolved: 2025-05-01, source: s}\n")
    card = score(pactsim.loads(SCENARIO), _res(lines))
    binary = card.items[card.items.kind == "binary"]
    assert len(binary) == 2 and (binary.brier_base == 0.0).all()
    note, = card.notes
    assert note.startswith("the base rate of 2 item(s) is the share of true outcomes among "
                           "the items scored together, known only afterwards (in sample); "
                           "here every outcome is true, so that baseline scores 0")
    assert f"note: {note}" in str(card)
    given = lines.replace("source: s}", "source: s, base_rate: 0.4}")
    card = score(pactsim.loads(SCENARIO), _res(given))
    assert card.notes == ()
    binary = card.items[card.items.kind == "binary"]
    assert binary.brier_base.tolist() == pytest.approx([0.36, 0.36])  # (1 - 0.4)**2
