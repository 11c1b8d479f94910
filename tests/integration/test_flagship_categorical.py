"""The flagship's categorical nodes (format 3; issue 15's done-when).

The two resolution questions, "P(binding treaty signed by heads of state)" and
"P(INSTC named, given signed)", are answered exactly and by Monte Carlo at the
settings of `make forecast` (the Makefile's recipe: 10^6 draws, seed 7), and agree
within 4 standard errors. Each categorical node's outcomes are exclusive and add up
to P(present); outcome probabilities are checked against values derived by hand from
the numbers written in the file.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

import pactsim

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"
#: The file's categorical nodes and their outcomes (``absent`` first: each is gated).
OUTCOMES = {
    "legal_form": ("absent", "binding_treaty", "programme"),
    "signatories": ("absent", "heads_of_state", "foreign_ministers", "other"),
    "common_payment_system": ("absent", "generic", "named"),
    "instc": ("absent", "generic", "named"),
}


def _forecast_settings() -> tuple[int, int]:
    """``(n, seed)`` of the Makefile's ``forecast`` recipe (the README's first command)."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^forecast:.*\n\t(.+)$", text, flags=re.M)
    assert recipe, "the Makefile has no forecast recipe"
    words = shlex.split(recipe.group(1))
    assert words[2] == "scenarios/iran-russia-2024.yaml"
    return int(float(words[words.index("-n") + 1])), int(words[words.index("--seed") + 1])


@pytest.fixture(scope="module")
def sc() -> pactsim.Scenario:
    return pactsim.load(FLAGSHIP)


@pytest.fixture(scope="module")
def ex(sc: pactsim.Scenario) -> object:
    return pactsim.exact(sc)


@pytest.fixture(scope="module")
def res(sc: pactsim.Scenario) -> pactsim.Results:
    n, seed = _forecast_settings()
    assert n == 1_000_000
    return pactsim.simulate(sc, n=n, seed=seed)


def test_the_flagship_is_format_3_with_its_categorical_nodes(sc: pactsim.Scenario) -> None:
    assert sc.pactsim == 3
    assert sc.outcomes == OUTCOMES


@pytest.mark.parametrize(("question", "given"), [
    ("binding_by_heads", None),
    ("legal_form == binding_treaty and signatories == heads_of_state", None),
    ("instc_named", "signing"),
    ("instc == named", "signing"),
])
def test_done_when_questions_exact_and_monte_carlo_agree(ex: object, res: pactsim.Results,
                                                         question: str, given: str | None
                                                         ) -> None:
    want = ex.prob(question, given=given).value  # type: ignore[attr-defined]
    got = res.prob(question, given=given)
    assert got.stderr > 0
    z = (got.value - want) / got.stderr
    assert abs(z) <= 4, (question, given, got, want, z)


def test_done_when_questions_by_hand(ex: object) -> None:
    """P(binding treaty by heads of state) = P(signed) x 0.9: signing is the binding
    treaty (legal_form's row true), and heads_of_state has 0.9 in the binding_treaty row
    of signatories. P(INSTC named | signed) = 0.5 at alignment 0, and the odds of instc
    on alignment (1.2 per sd, symmetric around 0) move it by less than a point."""
    signed = ex.prob("signing").value  # type: ignore[attr-defined]
    assert ex.prob("binding_by_heads").value == pytest.approx(  # type: ignore[attr-defined]
        signed * 0.9, abs=1e-9)
    named = ex.prob("instc_named", given="signing").value  # type: ignore[attr-defined]
    assert named == pytest.approx(0.5, abs=0.01)
    # the numbers the report gives (regression values; change them with the file)
    assert signed == pytest.approx(0.8238, abs=5e-5)
    assert ex.prob("binding_by_heads").value == pytest.approx(  # type: ignore[attr-defined]
        0.7415, abs=5e-5)
    assert named == pytest.approx(0.5011, abs=5e-5)


@pytest.mark.parametrize("node", list(OUTCOMES))
def test_outcomes_are_exclusive_and_sum_to_present(ex: object, res: pactsim.Results,
                                                   node: str) -> None:
    named = [x for x in OUTCOMES[node] if x != "absent"]
    present = ex.prob(node).value  # type: ignore[attr-defined]
    parts = [ex.prob(f"{node} == {x}").value for x in named]  # type: ignore[attr-defined]
    assert sum(parts) == pytest.approx(present, abs=1e-12)
    assert ex.prob(f"{node} == absent").value == pytest.approx(  # type: ignore[attr-defined]
        1 - present, abs=1e-12)
    assert ex.prob(f"in({node}, {', '.join(named)})").value == pytest.approx(  # type: ignore[attr-defined]
        present, abs=1e-12)
    for a in named:
        for b in named:
            if a < b:
                assert ex.prob(f"{node} == {a} and {node} == {b}").value == 0  # type: ignore[attr-defined]
    # in the draws each present draw has exactly one outcome: the shares add up exactly
    mc = [res.prob(f"{node} == {x}").value for x in named]
    assert sum(mc) == pytest.approx(res.prob(node).value, abs=1e-12)
    assert res.prob(f"{node} != {named[0]}").value == pytest.approx(
        1 - mc[0], abs=1e-12)


def test_outcome_probabilities_by_hand(ex: object) -> None:
    """From the numbers written in the file (P(signed) taken from exact inference: it
    averages the signing curve over the hazard ratios, not a hand calculation)."""
    p = ex.prob  # type: ignore[attr-defined]
    signed = p("signing").value
    # legal_form: binding_treaty when signed; else programme 0.25, absent 0.75
    assert p("legal_form == binding_treaty").value == pytest.approx(signed, abs=1e-9)
    assert p("legal_form == programme").value == pytest.approx(0.25 * (1 - signed), abs=1e-9)
    assert p("legal_form == absent").value == pytest.approx(0.75 * (1 - signed), abs=1e-9)
    assert p("legal_form == programme and signing").value == 0
    # signatories: rows binding_treaty (0.9, 0.08, 0.02), programme (0.4, 0.5, 0.1), absent
    programme = 0.25 * (1 - signed)
    for level, (b, g) in {"heads_of_state": (0.9, 0.4), "foreign_ministers": (0.08, 0.5),
                          "other": (0.02, 0.1)}.items():
        assert p(f"signatories == {level}").value == pytest.approx(
            signed * b + programme * g, abs=1e-9), level
    assert p("signatories == absent").value == pytest.approx(0.75 * (1 - signed), abs=1e-9)
    assert p("signatories == heads_of_state", given="legal_form == programme").value == \
        pytest.approx(0.4, abs=1e-9)
    # odds on a categorical node move present against absent, never the split of the
    # present outcomes: named : generic stays 0.5 : 0.3 (instc) and 0.25 : 0.3 (payments)
    assert p("instc == named").value / p("instc == generic").value == pytest.approx(
        0.5 / 0.3, rel=1e-9)
    assert p("common_payment_system == named").value / \
        p("common_payment_system == generic").value == pytest.approx(0.25 / 0.3, rel=1e-9)
    # a clause gated on an outcome: rasht_astara has p 0.55 when instc == named, else absent
    assert p("rasht_astara").value == pytest.approx(0.55 * p("instc == named").value,
                                                    abs=1e-9)
    assert p("rasht_astara and not instc == named").value == 0
    # only a binding treaty is ratified
    assert p("ratified_ru and legal_form == programme").value == 0
    assert p("ratified_ru", given="legal_form == binding_treaty").value == pytest.approx(
        p("ratified_ru").value / signed, rel=1e-9)
