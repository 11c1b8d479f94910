"""The signing as a milestone (format 2): ``signing: {after: ..., delay: ...}``.

An analyst could not write "signed only after the text is agreed": the signing took
only a curve, and the days from the text to the signing came out negative in some
draws, unflagged. The signing may now follow other dated nodes like any milestone.
Answers are checked against a closed form, exact inference, and the naive reference
sampler (tests/reference_sampler.py, which shares no code with the engine).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pytest

import pactsim
from helpers import call
from pactsim.errors import ArgumentError, ScenarioError
from pactsim.results.exact import _forget_structures, exact
from reference_sampler import ReferenceSampler

SIGMAS = 4.0

# signing after all of (the text, a legal review that follows the text), its chance of
# ever happening from a table and a driver's odds, a hazard ratio on its delay, and a
# ratification after it
RICH = """\
pactsim: 2
id: signing-after
as_of: 2025-01-01
horizon: 2026-06-30
drivers:
  will: {dist: normal, mean: 0, sd: 1}
events:
  escalation: {p: 0.3}
  text_agreed:
    by: {2025-06-30: 0.3, 2025-12-31: 0.6, 2026-06-30: 0.75}
    hazard_ratio: {escalation: 1.5}
  legal_review: {after: text_agreed, delay: {between: [10, 90]}}
  ratified: {after: signing, delay: {median: 100, p90: 250}, p: 0.9}
signing:
  after: {all: [text_agreed, legal_review]}
  delay: {median: 45, p90: 150}
  given: [escalation]
  table: {true: 0.95, false: 0.8}
  odds: {will: 1.3}
  hazard_ratio: {escalation: 1.4}
pillars:
  defence: {p: 0.5, odds: {escalation: 2}}
  energy:
    p: 0.6
    clauses:
      gas: {p: 0.5}
questions:
  signed_2025: signing.date <= 2025-12-31
  gap_short: signing.date - text_agreed.date <= 60
  defence_2025: defence and signing.date <= 2025-12-31
"""

# closed form: the text's day is uniform over the first 100 days with chance 1/2
# (P(text by day k) = k/200 for k <= 100), the signing 30 days later with chance 0.6
SIMPLE = """\
pactsim: 2
id: simple
as_of: 2025-01-01
horizon: 2025-12-31
events:
  text_agreed: {by: {2025-04-11: 0.5}}
signing:
  after: text_agreed
  delay: 30
  p: 0.6
pillars:
  defence: {p: 0.4}
questions:
  early: signing.date <= 2025-03-22
  gap: signing.date - text_agreed.date
"""
AS_OF = dt.date(2025, 1, 1)


def _signed_by(day: dt.date) -> float:
    """P(signed on or before ``day``) in SIMPLE, by hand."""
    k = (day - AS_OF).days - 30  # the text must be on or before day k
    return 0.6 * min(max(k, 0), 100) / 200


def test_simple_answers_equal_the_closed_form() -> None:
    sc = pactsim.loads(SIMPLE)
    _forget_structures()
    ex = exact(sc)
    assert ex.prob("signing").value == pytest.approx(0.3, abs=1e-12)
    assert ex.prob("early").value == pytest.approx(_signed_by(dt.date(2025, 3, 22)), abs=1e-12)
    assert ex.prob("defence").value == pytest.approx(0.3 * 0.4, abs=1e-12)  # requires signing
    days = [dt.date(2025, 2, 15), dt.date(2025, 3, 1), dt.date(2025, 4, 30), dt.date(2025, 6, 1)]
    cdf = ex.date_cdf("signing", days)
    np.testing.assert_allclose(cdf["p"].to_numpy(), [_signed_by(d) for d in days], atol=1e-12)
    # Monte Carlo, n = 200,000, seed 4: within 4 standard errors of the closed form
    n = 200_000
    mc = pactsim.simulate(sc, n=n, seed=4)
    for d in days:
        p = _signed_by(d)
        got = float(mc.date_cdf("signing", [d])["p"].iloc[0])
        assert abs(got - p) <= SIGMAS * math.sqrt(p * (1 - p) / n), (d, got, p)


def test_the_signing_never_comes_before_its_anchor() -> None:
    """The point of it: the days from the text to the signing are the delay, 30, in every
    draw where both happen; before, a curve signing could precede the text."""
    res = pactsim.simulate(pactsim.loads(SIMPLE), n=20_000, seed=1)
    gap = res.numeric("gap")
    assert set(gap.quantiles.values()) == {30} and gap.mean == 30 and gap.sd == 0
    assert gap.missing == pytest.approx(0.7, abs=SIGMAS * math.sqrt(0.21 / 20_000))
    ex = exact(pactsim.loads(SIMPLE)).numeric("gap")
    assert ex.mean == pytest.approx(30, abs=1e-9) and ex.missing == pytest.approx(0.7)


def test_rich_scenario_agrees_with_exact_and_the_reference_sampler() -> None:
    sc = pactsim.loads(RICH)
    assert sc.nodes["signing"].timing == "milestone"
    _forget_structures()
    ex = exact(sc)
    n_mc, n_ref = 200_000, 40_000
    mc = pactsim.simulate(sc, n=n_mc, seed=3)
    ref = ReferenceSampler(sc).sample(n_ref, seed=2)
    for q in [*sc.questions, "signing", "ratified", "defence", "energy", "gas"]:
        p = ex.prob(q).value
        assert 0.05 < p < 0.95, q  # informative, not a corner
        assert abs(mc.prob(q).value - p) <= SIGMAS * math.sqrt(p * (1 - p) / n_mc), q
        freq = sum(bool(v) for v in ref.column(q)) / ref.n
        assert abs(freq - p) <= SIGMAS * math.sqrt(p * (1 - p) / n_ref), q
    days = [dt.date(2025, 6, 30), dt.date(2025, 12, 31), dt.date(2026, 3, 31)]
    ex_cdf = ex.date_cdf("signing", days)["p"].to_numpy()
    ref_days = [d for d in ref.column("signing.date") if d is not None]
    for d, p in zip(days, ex_cdf, strict=True):
        freq = sum(x <= d.toordinal() for x in ref_days) / n_ref
        assert abs(freq - p) <= SIGMAS * math.sqrt(p * (1 - p) / n_ref), d


def test_a_change_of_the_signing_milestones_numbers() -> None:
    """``with_changes`` reaches the milestone's fields, and gives what the changed file
    gives; a curve signing's paths work as before, and one it lacks is named."""
    sc = pactsim.loads(SIMPLE)
    changed = sc.with_changes({"signing.delay": 10, "signing.p": 0.3})
    by_hand = pactsim.loads(SIMPLE.replace("delay: 30", "delay: 10")
                            .replace("p: 0.6", "p: 0.3"))
    assert changed.digest == by_hand.digest
    # by hand: the text by day 80 - 10 = 70 of its 100, with chance 0.3 of a signing
    assert exact(changed).prob("early").value == pytest.approx(0.3 * 70 / 200, abs=1e-12)
    curve = pactsim.loads(SIMPLE.replace(
        "signing:\n  after: text_agreed\n  delay: 30\n  p: 0.6\n",
        "signing:\n  by: {2025-06-30: 0.5}\n"))
    assert curve.with_changes({"signing.by.2025-06-30": 0.7}).signing.by[
        dt.date(2025, 6, 30)] == 0.7
    with pytest.raises(ArgumentError, match=r"'p' is not a field of signing .*; a curve "
                       r"signing has no p: to make it a milestone, set 'signing' whole"):
        curve.with_changes({"signing.p": 0.5})
    # set whole, a curve signing becomes a milestone: P = 0.6 * P(text by day 100) = 0.3
    made = curve.with_changes({"signing": {"after": "text_agreed", "delay": 30, "p": 0.6}})
    assert made.nodes["signing"].timing == "milestone"
    assert exact(made).prob("signing").value == pytest.approx(0.3, abs=1e-12)


def test_do_a_day_of_the_signing_milestone() -> None:
    ex = exact(pactsim.loads(SIMPLE))
    res = pactsim.simulate(pactsim.loads(SIMPLE), n=10_000, seed=2,
                           do={"signing": "2025-02-01"})
    assert res.prob("early").value == 1.0
    assert abs(res.prob("defence").value - 0.4) <= SIGMAS * math.sqrt(0.24 / 10_000)
    assert ex.prob("defence", given="signing").value == pytest.approx(0.4, abs=1e-12)


@pytest.mark.parametrize(("edit", "where", "words"), [
    (lambda t: t.replace("pactsim: 2", "pactsim: 1"), ":8:3: signing.after",
     "`after` is format 2"),
    (lambda t: t.replace("  p: 0.6\n", "  p: 0.6\n  levels: {a: 0.5, b: 0.5}\n"),
     ":11:3: signing.levels", "signing is true or false"),
    (lambda t: t.replace("  after: text_agreed\n", ""), ":8:3: signing.delay",
     "needs after: the dated node(s) the delay runs from, e.g. after: text_agreed"),
    (lambda t: t.replace("after: text_agreed", "after: signing"), ":8:10: signing.after",
     "'signing' cannot happen after itself"),
    (lambda t: t.replace("  text_agreed: {by: {2025-04-11: 0.5}}",
                         "  text_agreed: {p: 0.5}"), ":8:10: signing.after",
     "'text_agreed' has no date"),
    (lambda t: t.replace("  text_agreed: {by: {2025-04-11: 0.5}}",
                         "  text_agreed: {after: signing, delay: 5}"), "dependency cycle",
     "signing"),
    (lambda t: t.replace("  p: 0.6\n", "  p: 0.6\n  by: {2025-06-30: 0.5}\n"),
     ":11:3: signing.by", "a milestone's date comes from after + delay; drop by"),
    (lambda t: t.replace("  after: text_agreed\n", "  by: {2025-06-30: 0.5}\n"),
     ":10:3: signing.p", "write signing as a milestone, after + delay"),
    (lambda t: t.replace("  delay: 30\n", ""), ":7:1: signing", "a milestone needs delay"),
], ids=["format-1", "levels", "delay-without-after", "after-itself", "after-undated",
        "cycle", "by-and-after", "p-with-a-curve", "no-delay"])
def test_mistakes_are_located(edit, where, words) -> None:  # type: ignore[no-untyped-def]
    text = edit(SIMPLE)
    assert text != SIMPLE
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(text, name="s.yaml")
    lines = [x for x in str(err.value).splitlines() if where in x]
    assert any(words in x for x in lines), str(err.value)


def test_the_schema_tells_the_two_forms_apart() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from pactsim.language.jsonschema import json_schema

    schema = json_schema()
    milestone = {"pactsim": 2, "id": "x", "as_of": "2025-01-01", "horizon": "2025-12-31",
                 "events": {"t": {"by": {"2025-06-30": 0.5}}},
                 "signing": {"after": "t", "delay": 30, "p": 0.6}}
    jsonschema.validate(milestone, schema)
    curve = {**milestone, "signing": {"by": {"2025-06-30": 0.5}}}
    jsonschema.validate(curve, schema)  # a curve fits Node's fields too: not a oneOf clash
    for bad in ({"by": {"2025-06-30": 0.5}, "p": 0.6},  # p only on a milestone
                {"delay": 30},  # a delay needs after
                {"after": "t", "delay": 30, "bogus": 1}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**milestone, "signing": bad}, schema)


def test_the_cli_runs_reports_and_checks_it(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "s.yaml"
    f.write_text(SIMPLE)
    code, out, err = call(capsys, "run", str(f), "-n", "20000", "--seed", "1", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["signing"]["p"] == pytest.approx(0.3, abs=SIGMAS * math.sqrt(0.21 / 20_000))
    code, out, err = call(capsys, "report", str(f), "-n", "20000", "-o", str(tmp_path / "r.html"))
    assert code == 0, err
    assert "When will the agreement be signed?" in (tmp_path / "r.html").read_text()
    late = tmp_path / "late.yaml"
    late.write_text(SIMPLE.replace("delay: 30", "delay: 400"))
    code, out, err = call(capsys, "check", str(late))
    assert "signing: 'signing' can never happen by the horizon" in out, out


def test_dumped_and_read_back_it_is_the_same_scenario() -> None:
    sc = pactsim.loads(RICH)
    again = pactsim.loads(pactsim.dumps(sc))
    assert again.digest == sc.digest and again.nodes["signing"].timing == "milestone"


def test_diff_from_a_curve_signing_is_one_edit() -> None:
    """A curve signing made a milestone is one edit (its fields differ: a field at a time
    is no scenario), and the changes are exact's answers of A and B; two numbers of a
    milestone signing are two edits."""
    curve = pactsim.loads(SIMPLE.replace(
        "signing:\n  after: text_agreed\n  delay: 30\n  p: 0.6\n",
        "signing:\n  by: {2025-06-30: 0.5}\n"))
    milestone = pactsim.loads(SIMPLE)
    d = pactsim.diff(curve, milestone)
    assert [e.name for e in d.edits] == ["signing"]
    assert str(d.edits[0]) == ("signing: a curve ({2025-06-30: 0.5}) -> after text_agreed, "
                               "delay 30")
    ch = d.changes
    change = ch[(ch.name == "early") & (ch.statistic == "p")].iloc[0]
    assert change["b"] == pytest.approx(_signed_by(dt.date(2025, 3, 22)), abs=1e-12)
    a_early = 0.5 * (dt.date(2025, 3, 22) - AS_OF).days / (dt.date(2025, 6, 30) - AS_OF).days
    assert change["a"] == pytest.approx(a_early, abs=1e-12)
    two = pactsim.diff(milestone, milestone.with_changes({"signing.delay": 10,
                                                          "signing.p": 0.3}))
    assert sorted(e.name for e in two.edits) == ["signing.delay", "signing.p"]


def test_the_notebook_shows_the_milestone_signing() -> None:
    html = pactsim.loads(SIMPLE)._repr_html_()
    assert "Signing: a milestone" in html
    assert "30 days after text_agreed" in html and "p 0.6 of ever happening" in html


TREATY = """\
pactsim: 2
id: treaty
as_of: 2025-04-01
horizon: 2026-12-31
events:
  constitution_changed: {by: {2025-12-31: 0.2, 2026-12-31: 0.5}}
  ratified_am: {after: signing, delay: {median: 60, p90: 150}}
  ratified_az: {after: signing, delay: {median: 30, p90: 90}, p: 0.9}
  in_force: {after: {all: [ratified_am, ratified_az]}, delay: 30}
signing:
  after: constitution_changed
  delay: {median: 60, p90: 200}
  p: 0.85
questions:
  in_force_2026: in_force.date <= 2026-06-30
  quick: in_force.date - signing.date <= 120
  days_to_force: in_force.date - signing.date
"""


def test_the_usual_treaty_after_a_milestone_signing_is_answered_exactly() -> None:
    """A milestone signing, a ratification by each side after it, entry into force after
    both: the ratifications share the signing, a milestone, and are independent given its
    day, which exact inference now uses (it refused the file). The reference sampler
    (n = 40,000, seed 6) and Monte Carlo (n = 200,000, seed 2) agree within 4 standard
    errors, and the days from signing to entry into force within 4 of their own."""
    sc = pactsim.loads(TREATY)
    _forget_structures()
    ex = exact(sc)
    mc = pactsim.simulate(sc, n=200_000, seed=2)
    ref = ReferenceSampler(sc).sample(40_000, seed=6)
    for q in ["in_force", "in_force_2026", "quick", "ratified_az"]:
        p = ex.prob(q).value
        assert 0.02 < p < 0.98, q
        assert abs(mc.prob(q).value - p) <= SIGMAS * math.sqrt(p * (1 - p) / 200_000), q
        freq = sum(bool(v) for v in ref.column(q)) / ref.n
        assert abs(freq - p) <= SIGMAS * math.sqrt(p * (1 - p) / ref.n), q
    days = [v for v in ref.column("days_to_force") if v is not None]
    e = ex.numeric("days_to_force")
    assert abs(float(np.mean(days)) - e.mean) <= SIGMAS * e.sd / math.sqrt(len(days))
    m = mc.numeric("days_to_force")
    assert abs(m.mean - e.mean) <= SIGMAS * m.stderr


def test_an_uncertain_chance_with_odds_is_averaged_by_monte_carlo_too() -> None:
    """review-numbers14: Monte Carlo drew a milestone signing's chance with odds from its
    Beta's mean (its plan was taken for a curve signing's), 0.2742 where the chance
    averaged over the Beta is 0.2767 (exact inference, and the same keys on an event):
    12 standard errors low at n = 4e6. Now within 4 at n = 1e6, seed 1; the bias was
    about 5.7 there."""
    text = ("pactsim: 2\nid: bo\nas_of: 2025-01-01\nhorizon: 2025-12-31\nevents:\n"
            "  esc: {p: 0.3}\n  text: {by: {2025-12-31: 0.5}}\n"
            "signing:\n  after: text\n  delay: 0\n  p: {beta: [6, 4]}\n  odds: {esc: 0.5}\n")
    sc = pactsim.loads(text)
    p = exact(sc).prob("signing").value
    # by hand: 0.5 * (0.7 E[T] + 0.3 E[T / (2 - T)]) with T ~ Beta(6, 4)
    from scipy import integrate, stats

    beta = stats.beta(6, 4)
    halved = integrate.quad(lambda t: t / (2 - t) * beta.pdf(t), 0, 1, epsabs=1e-13)[0]
    assert p == pytest.approx(0.5 * (0.7 * 0.6 + 0.3 * halved), abs=1e-9)
    n = 1_000_000
    got = pactsim.simulate(sc, n=n, seed=1).prob("signing").value
    assert abs(got - p) <= SIGMAS * math.sqrt(p * (1 - p) / n), (got, p)


def test_diff_shows_the_mean_of_a_numeric_question() -> None:
    """review-numbers14: from a curve signing to a milestone, the days from the text to
    the signing change most (they can no longer be negative), and diff said nothing of
    numeric questions. Exact: the row is each side's exact mean; Monte Carlo (n = 40,000,
    seed 5): the change within 4 of its standard errors of exact's."""
    curve = pactsim.loads(SIMPLE.replace(
        "signing:\n  after: text_agreed\n  delay: 30\n  p: 0.6\n",
        "signing:\n  by: {2025-06-30: 0.5}\n"))
    milestone = pactsim.loads(SIMPLE)
    ea, eb = exact(curve).numeric("gap").mean, exact(milestone).numeric("gap").mean
    assert eb == pytest.approx(30, abs=1e-9)
    for method in ("exact", "mc"):
        d = pactsim.diff(curve, milestone, method=method, n=40_000, seed=5)
        ch = d.changes
        row = ch[(ch.name == "gap") & (ch.statistic == "mean")].iloc[0]
        assert row.kind == "question"
        if method == "exact":
            assert (row.a, row.b) == (pytest.approx(ea, abs=1e-9), pytest.approx(eb, abs=1e-9))
        else:
            assert abs(row.change - (eb - ea)) <= SIGMAS * row.stderr
        assert "gap (mean)" in str(d)


def test_diff_means_fall_back_one_by_one_and_unmoved_means_are_not_listed() -> None:
    """review-session14: a mean that did not move was listed as moved (+1.4e-14), and one
    numeric question exact inference refused sent every mean to Monte Carlo."""
    # am_to_force: a milestone after any of the signing and another milestone: exact
    # inference refuses its joint law with ratified_az (both depend on the signing, and
    # it can happen without it)
    sc = pactsim.loads(TREATY.replace(
        "  days_to_force: in_force.date - signing.date\n",
        "  days_to_force: in_force.date - signing.date\n"
        "  am_to_force: early_am.date - ratified_az.date\n").replace(
        "  in_force:", "  other: {after: constitution_changed, delay: 10}\n"
        "  early_am: {after: {any: [signing, other]}, delay: 40}\n  in_force:"))
    b = sc.with_changes({"ratified_az.delay": {"median": 20, "p90": 60}})
    d = pactsim.diff(sc, b, n=40_000, seed=3)
    ch = d.changes[d.changes.statistic == "mean"].set_index("name")
    assert ch.loc["days_to_force", "method"] == "exact"
    assert ch.loc["am_to_force", "method"] == "mc"
    want = exact(b).numeric("days_to_force").mean - exact(sc).numeric("days_to_force").mean
    assert ch.loc["days_to_force", "change"] == pytest.approx(want, abs=1e-9)
    same = pactsim.diff(milestone := pactsim.loads(SIMPLE),
                        milestone.with_changes({"defence.p": 0.5}))
    assert "gap" in set(same.changes.name)  # computed, unchanged ...
    assert "gap" not in set(same.biggest().name)  # ... so not among what moved
