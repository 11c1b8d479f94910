"""Review (new user) item 3: the Monte Carlo pre-check blames a finding alone only when
it is impossible alone; findings each possible but not together are named together,
as exact inference says ("cannot all hold together ... though each alone is possible").

The scenario is the reviewer's /tmp/nu/my/good.yaml (pillar `services` excludes
`visa_row`), plus `dead` and clause `closed` (p: 0); forty unrelated events are added
for the bound on passes.
"""

from __future__ import annotations

from typing import Any

import pytest

import pactsim
import pactsim.inference.weighting as weighting
import pactsim.montecarlo
from pactsim.errors import ConditionError

GOOD = """\
pactsim: 2
id: uk-india-fta
title: UK–India free trade agreement
as_of: 2025-01-15
horizon: 2026-06-30
events:
  uk_election_shock: {p: 0.05, label: Snap UK election}
  visa_row: {p: 0.3, label: Row over visas}
  dead: {p: 0}
  ratified_uk:
    after: signing
    delay: {median: 120, p90: 250}
    p: 0.9
signing:
  label: FTA signed
  by: {2025-06-30: 0.3, 2025-12-31: 0.6, 2026-06-30: 0.75}
pillars:
  goods:
    p: 0.95
    clauses:
      whisky_tariffs: {p: 0.8}
      car_tariffs:
        given: [visa_row]
        table: {true: 0.4, false: 0.7}
  services:
    p: 0.6
    excludes: [visa_row]
    clauses:
      mobility: {p: 0.5}
      closed: {p: 0}
questions:
  big_deal: goods and services
"""
TOGETHER = "what it says of 'services' and of 'visa_row' cannot all hold together"


@pytest.fixture(scope="module")
def sc() -> pactsim.Scenario:
    return pactsim.loads(GOOD)


@pytest.fixture
def no_sampling(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> object:
        raise AssertionError("sampled despite impossible evidence")

    monkeypatch.setattr(pactsim.montecarlo, "_run_chunk", refuse)


def test_the_independent_answer_each_alone_possible_together_not(sc: pactsim.Scenario) -> None:
    """Exact inference (and the gate, by hand: services excludes visa_row) says each
    finding alone has a chance and both together none: the sampler must not call
    one of them impossible."""
    ex = pactsim.exact(sc)
    assert ex.prob("services").value > 0.1 and ex.prob("visa_row").value == pytest.approx(0.3)
    assert ex.prob("services and visa_row").value == 0.0
    with pytest.raises(ConditionError, match="cannot all hold together"):
        pactsim.exact(sc, evidence={"services": True, "visa_row": True})
    # the sampler takes services alone: every weighted draw has visa_row false (its gate)
    res = pactsim.simulate(sc, n=2000, seed=1, evidence="services")
    assert res.prob("visa_row").value == 0.0 and res.prob("services").value == 1.0


@pytest.mark.parametrize("evidence", [
    {"services": True, "visa_row": True},
    ["services", "visa_row"],
    "services and visa_row",
    ["visa_row", "goods", "services"],  # goods takes no part: not named
])
def test_a_combination_is_named_together_before_sampling(sc: pactsim.Scenario, no_sampling: None,
                                                         evidence: Any) -> None:
    with pytest.raises(ConditionError) as err:
        pactsim.simulate(sc, n=1000, seed=1, evidence=evidence)
    text = str(err.value)
    named = "services", "visa_row"  # in the order the findings name them
    if isinstance(evidence, list) and evidence[0] == "visa_row":
        named = named[::-1]
    assert f"what it says of '{named[0]}' and of '{named[1]}' cannot all hold together" in text
    assert "though each alone is possible" in text
    assert "cannot be true" not in text and "'goods'" not in text


def test_the_cli_names_the_combination(tmp_path: Any,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    from pactsim.cli import main

    path = tmp_path / "good.yaml"
    path.write_text(GOOD, encoding="utf-8")
    code = main(["run", str(path), "-n", "1000", "--seed", "1",
                 "--evidence", "services", "--evidence", "visa_row"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("evidence 'services'; 'visa_row': " + TOGETHER), err


@pytest.mark.parametrize(("evidence", "start"), [
    (["visa_row", "dead"], "evidence 'dead': 'dead' cannot be true ("),
    # the combination fails first in the file's order; closed is still the one to blame
    (["services", "visa_row", "closed"], "evidence 'closed': 'closed' cannot be true ("),
])
def test_a_finding_impossible_alone_is_blamed_alone(sc: pactsim.Scenario, no_sampling: None,
                                                    evidence: list[str], start: str) -> None:
    with pytest.raises(ConditionError, match="is impossible"):  # exact: the same finding
        pactsim.exact(sc, evidence=evidence)
    with pytest.raises(ConditionError) as err:
        pactsim.simulate(sc, n=1000, seed=1, evidence=evidence)
    assert str(err.value).startswith(start), str(err.value)
    assert "together" not in str(err.value)


def test_the_pre_check_takes_a_bounded_number_of_passes(sc: pactsim.Scenario,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Forty findings, the last two not together: a few passes of the propagation, not
    one per subset (nor per finding); only the two are named."""
    extra = "".join(f"  e{k}: {{p: 0.5}}\n" for k in range(40))
    big = pactsim.loads(GOOD.replace("events:\n", "events:\n" + extra, 1))
    calls = []
    real = weighting._propagate

    def counted(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        real(*args, **kwargs)

    monkeypatch.setattr(weighting, "_propagate", counted)
    evidence = [f"e{k}" for k in range(40)] + ["services", "visa_row"]
    with pytest.raises(ConditionError) as err:
        pactsim.simulate(big, n=1000, seed=1, evidence=evidence)
    assert str(err.value).startswith("evidence 'services'; 'visa_row': " + TOGETHER)
    assert len(calls) <= weighting._NARROW + 3, len(calls)
