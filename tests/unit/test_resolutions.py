"""Resolution files: the format, and every mistake located with a fix."""

from __future__ import annotations

import datetime as dt

import pytest

import pactsim
from pactsim.errors import ScenarioError
from pactsim.language.resolutions import load_resolutions, loads_resolutions

SCENARIO = pactsim.loads("""\
pactsim: 1
id: demo
as_of: 2024-01-01
horizon: 2024-12-31
signing: {by: {2024-12-31: 0.5}}
events:
  rain: {p: 0.3}
pillars:
  military:
    p: 0.8
    clauses:
      jets: {p: 0.2}
questions:
  early: signing.date <= 2024-06-30
  count_it: count(military, jets)
""")

HEAD = "resolutions: 1\nscenario: demo\nsources: {s: a paper}\noutcomes:\n"


def test_a_valid_file_reads_into_outcomes() -> None:
    r = loads_resolutions(HEAD + (
        "  signing: {outcome: 2024-03-01, resolved: 2024-03-01, source: s}\n"
        "  military: {outcome: true, given: signing, resolved: 2024-03-01, source: [s]}\n"
        "  jets: {outcome: unresolvable, reason: text not published}\n"
        "  rain: {outcome: false, resolved: 2024-12-31, source: s, base_rate: 0.2}\n"),
        scenario=SCENARIO)
    o = r.outcomes
    assert o["signing"].value == dt.date(2024, 3, 1) and o["signing"].kind == "date"
    assert o["military"].given == "signing" and o["military"].source == ("s",)
    assert o["jets"].unresolvable and o["jets"].reason == "text not published"
    assert o["rain"].base_rate == 0.2 and o["rain"].value is False


CASES = [
    # (outcomes lines, expected message fragments: "LINE:COL: field: text")
    ("  jest: {outcome: true, resolved: 2024-03-01, source: s}\n",
     "5:3: outcomes.jest: unknown name 'jest'; did you mean 'jets'?"),
    ("  jets: {outcome: maybe, resolved: 2024-03-01, source: s}\n",
     "5:19: outcomes.jets.outcome: = 'maybe' is not an outcome"),
    ("  jets: {outcome: true, resolved: 03/01/2024, source: s}\n",
     "5:35: outcomes.jets.resolved: = '03/01/2024' is not a date"),
    ("  jets: {outcome: true, resolved: 2024-03-01, source: x}\n",
     "5:55: outcomes.jets.source: unknown source 'x'"),
    ("  jets: {outcome: true, resolved: 2024-03-01}\n",
     "5:3: outcomes.jets: missing required field 'source'"),
    ("  jets: {outcome: unresolvable}\n",
     "5:3: outcomes.jets: an unresolvable outcome needs a `reason`"),
    ("  jets: {outcome: true, given: signng, resolved: 2024-03-01, source: s}\n",
     "5:32: outcomes.jets.given: given = 'signng', column 1: unknown name 'signng'; did you "
     "mean 'signing'?"),
    ("  jets: {outcome: 2024-03-01, resolved: 2024-03-01, source: s}\n",
     "5:19: outcomes.jets.outcome: = 2024-03-01 is a date, but 'jets' has no date"),
    ("  count_it: {outcome: true, resolved: 2024-03-01, source: s}\n",
     "5:3: outcomes.count_it: 'count_it' is a number question"),
    ("  jets: {outcome: true, resolved: 2023-12-01, source: s}\n",
     "5:35: outcomes.jets.resolved: = 2023-12-01 is not after the scenario's as_of 2024-01-01"),
    ("  signing: {outcome: 2024-03-01, resolved: 2024-02-01, source: s}\n",
     "5:44: outcomes.signing.resolved: = 2024-02-01 is before the outcome 2024-03-01"),
    ("  jets: {outcome: true, resolved: 2024-03-01, source: s, base_rate: 1.5}\n",
     "5:69: outcomes.jets.base_rate: = 1.5 must be a probability in [0, 1]"),
    ("  jets: {outcome: true, resolved: 2024-03-01, source: s, reson: x}\n",
     "5:58: outcomes.jets.reson: unknown field 'reson'; did you mean 'reason'?"),
    ("  rain: {outcome: false, resolved: 2024-03-01, source: s}\n"
     "  jets: {outcome: true, given: rain, resolved: 2024-03-01, source: s}\n",
     "6:32: outcomes.jets.given: = 'rain', which resolved false: the item is void"),
    # signed after the horizon: `signing` (by the horizon) is false, so the item is void
    # (it was scored as P(jets | signing) against an outcome the condition did not meet)
    ("  signing: {outcome: 2025-02-01, resolved: 2025-02-01, source: s}\n"
     "  jets: {outcome: true, given: signing, resolved: 2025-02-01, source: s}\n",
     "6:32: outcomes.jets.given: = 'signing', which happened on 2025-02-01, after the horizon "
     "2024-12-31: in the scenario 'signing' means by the horizon, so it resolved false and "
     "the item is void"),
]


def test_an_outcome_resolved_after_the_record_was_written_is_refused() -> None:
    """``recorded:`` is when the file was written: an outcome that became known later
    cannot be in it (review-cli, 2026-12-04: accepted, and scored)."""
    lines = "  jets: {outcome: true, resolved: 2024-03-10, source: s}\n"
    text = HEAD.replace("sources:", "recorded: 2024-03-01\nsources:") + lines
    with pytest.raises(ScenarioError) as err:
        loads_resolutions(text, name="r.yaml", scenario=SCENARIO)
    assert ("r.yaml:6:35: outcomes.jets.resolved: = 2024-03-10 is after the file's recorded "
            "date 2024-03-01") in str(err.value)
    same_day = loads_resolutions(text.replace("2024-03-10", "2024-03-01"), name="r.yaml",
                                 scenario=SCENARIO)
    assert same_day.recorded == dt.date(2024, 3, 1)


def test_a_number_as_an_outcome_says_what_is_scored_instead() -> None:
    """`count_it: {outcome: 2}` said only "is not an outcome" (review-cli, 2026-12-04)."""
    with pytest.raises(ScenarioError) as err:
        loads_resolutions(HEAD + "  count_it: {outcome: 2, resolved: 2024-03-01, source: s}\n",
                          name="r.yaml", scenario=SCENARIO)
    assert ("r.yaml:5:23: outcomes.count_it.outcome: = 2 is not an outcome; a number is not "
            "scored: resolve a true/false question about it instead, e.g. `count_it >= 2`"
            ) in str(err.value)
    for number, word in ((0, "false"), (1, "true")):  # a yes/no written as 0 or 1
        with pytest.raises(ScenarioError) as err:
            loads_resolutions(HEAD + f"  jets: {{outcome: {number}, resolved: 2024-03-01, "
                              "source: s}\n", name="r.yaml", scenario=SCENARIO)
        assert f"= {number} is not an outcome; for yes or no write {word}, not {number}" in \
            str(err.value)


@pytest.mark.parametrize(("lines", "expected"), CASES)
def test_each_mistake_is_located(lines: str, expected: str) -> None:
    with pytest.raises(ScenarioError) as err:
        loads_resolutions(HEAD + lines, name="r.yaml", scenario=SCENARIO)
    assert f"r.yaml:{expected}" in str(err.value), str(err.value)


def test_every_problem_is_reported_at_once_and_the_id_must_match() -> None:
    text = HEAD.replace("demo", "other") + (
        "  jest: {outcome: true, resolved: 2024-03-01, source: s}\n"
        "  rain: {outcome: true, resolved: 2023-03-01, source: s}\n")
    with pytest.raises(ScenarioError) as err:
        loads_resolutions(text, name="r.yaml", scenario=SCENARIO)
    assert len(err.value.problems) == 3
    assert "r.yaml:2:11: scenario: = 'other' but the scenario's id is 'demo'" in str(err.value)


def test_top_level_mistakes() -> None:
    with pytest.raises(ScenarioError) as err:
        loads_resolutions("resolutions: 2\nscenaro: demo\n", name="r.yaml")
    text = str(err.value)
    assert "r.yaml:1:14: resolutions: = 2: unsupported format version" in text
    assert "r.yaml:2:1: scenaro: unknown field 'scenaro'; did you mean 'scenario'?" in text
    assert "missing required field 'outcomes'" in text


def test_score_reports_every_problem_of_a_resolution_file_at_once(tmp_path) -> None:
    """An unknown source (found on reading), an outcome 'yes' and an unknown name (found
    against the scenario) come in one error, in file order, not in three rounds."""
    from pactsim.analysis.scoring import score
    from pactsim.errors import ScenarioError

    sc = pactsim.loads("pactsim: 1\nid: demo\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       "events:\n  rain: {p: 0.3}\n  wind: {p: 0.5}\n")
    path = tmp_path / "res.yaml"
    path.write_text("resolutions: 1\nscenario: demo\nsources: {reuters: a wire}\noutcomes:\n"
                    "  rain: {outcome: true, resolved: 2024-05-01, source: reuter}\n"
                    "  wind: {outcome: yes, resolved: 2024-05-01, source: reuters}\n"
                    "  hail: {outcome: true, resolved: 2024-05-01, source: reuters}\n",
                    encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        score(sc, path)
    problems = caught.value.problems
    assert [p.line for p in problems] == [5, 6, 7]
    assert "unknown source 'reuter'; did you mean 'reuters'?" in problems[0].message
    assert "this YAML reads 'yes' as text: write true" in problems[1].message
    assert "unknown name 'hail'" in problems[2].message
    # read alone (validate), the file's own problem is still reported
    with pytest.raises(ScenarioError, match="unknown source 'reuter'"):
        load_resolutions(path)


def test_a_shadowed_resolution_file_is_still_checked_and_scores_nothing(tmp_path) -> None:
    """A variant's own resolution file shadows its base's: the base's file is not used,
    but its problems are still reported, and its unresolvable items are not listed."""
    from pactsim.analysis.scoring import score
    from pactsim.errors import ScenarioError

    base = tmp_path / "base.yaml"
    base.write_text("pactsim: 2\nid: demo\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                    "events:\n  rain: {p: 0.3}\n  wind: {p: 0.5}\n", encoding="utf-8")
    variant = tmp_path / "variant.yaml"
    variant.write_text("pactsim: 2\nextends: base.yaml\nid: demo-v\nset:\n  rain.p: 0.4\n",
                       encoding="utf-8")
    own = tmp_path / "own.yaml"
    own.write_text("resolutions: 1\nscenario: demo-v\nsources: {s: a wire}\noutcomes:\n"
                   "  rain: {outcome: true, resolved: 2024-05-01, source: s}\n",
                   encoding="utf-8")
    text = ("resolutions: 1\nscenario: demo\nsources: {s: a wire}\noutcomes:\n"
            "  rain: {outcome: true, resolved: 2024-05-01, source: {src}}\n"
            "  wind: {outcome: unresolvable, reason: no data}\n")
    shadowed = tmp_path / "shadowed.yaml"
    shadowed.write_text(text.replace("{src}", "sx"), encoding="utf-8")
    with pytest.raises(ScenarioError, match="unknown source 'sx'"):
        score(variant, [own, shadowed])
    # its outcomes and names are checked too, against the variant (which extends its id)
    shadowed.write_text(text.replace("{src}", "s").replace("outcome: true", "outcome: maybe"),
                        encoding="utf-8")
    with pytest.raises(ScenarioError, match="'maybe' is not an outcome"):
        score(variant, [own, shadowed])
    shadowed.write_text(text.replace("{src}", "s"), encoding="utf-8")
    card = score(variant, [own, shadowed])
    assert list(card.items["item"]) == ["rain"]
    assert card.items["p"].iloc[0] == pytest.approx(0.4)  # the variant's, by its own file
    assert card.unresolvable.empty  # wind is of the shadowed file: not listed


def test_an_empty_resolution_file_names_what_a_resolution_file_needs() -> None:
    from pactsim.errors import ScenarioError

    for text in ("", "# only a comment\n"):
        with pytest.raises(ScenarioError) as caught:
            loads_resolutions(text)
        message = str(caught.value)
        assert "a resolution file needs `resolutions`, `scenario` and `outcomes`" in message
        assert "a scenario needs" not in message
