"""`observations:` in scenario files, Scenario.findings, evidence_for and pactsim.history.

Hand-derived answers use scenarios/analytic-independent.yaml (see its header):
a ~ Bern(3/10), b ~ Bern(1/2) independent, d | a, b with table TT 9/10, TF 6/10,
FT 4/10, FF 1/10. So P(a ∧ d ∧ b) = 27/200, P(a ∧ d ∧ ¬b) = 18/200,
P(¬a ∧ d ∧ b) = 28/200, P(¬a ∧ d ∧ ¬b) = 7/200, P(d) = 80/200.

* Given d (hard):           P(a | d) = 45/80 = 9/16;   P(b | d) = 55/80 = 11/16.
* Then b ×3 (soft) as well: weights 3 where b holds, 1 elsewhere:
  P(a | ·) = (3·27 + 18) / (3·55 + 25) = 99/190;  P(b | ·) = 3·55 / 190 = 33/38.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from fractions import Fraction as Fr
from pathlib import Path

import numpy as np
import pytest

import pactsim
from pactsim.analysis.history import COLUMNS, history, steps
from pactsim.errors import (
    ArgumentError,
    ConditionError,
    ScenarioError,
)
from pactsim.language.evidence import Finding, evidence_for, soft

ROOT = Path(__file__).parents[2]
ANALYTIC = ROOT / "scenarios" / "analytic-independent.yaml"
NEWS = ROOT / "scenarios" / "variants" / "iran-russia-2024-news.yaml"

HEAD = """\
pactsim: 2
id: obs
as_of: 2024-01-01
horizon: 2024-12-31
events:
  rain: {p: 0.3}
  wind: {p: 0.5}
signing:
  by: {2024-12-31: 0.6}
questions:
  wet: rain or wind
  n_weather: count(rain, wind)
observations:
"""
# HEAD has 13 lines: the first entry is on line 14


def _problems(body: str, head: str = HEAD) -> list[tuple[int | None, int | None, str, str]]:
    with pytest.raises(ScenarioError) as info:
        pactsim.loads(head + body, name="t.yaml")
    return [(p.line, p.column, p.field, p.message) for p in info.value.problems]


E = "  - {date: 2024-03-01, source: r, evidence: "  # an entry, up to its evidence


@pytest.mark.parametrize(("body", "at", "field", "message"), [
    (E + "rain, sourse: x}", "sourse", "observations[0].sourse",
     "unknown field 'sourse' (allowed here: date, source, evidence, likelihood_ratio, why); "
     "did you mean 'source'?"),
    ("  - {date: 2024-03-01, evidence: rain}", "{", "observations[0]",
     "missing required field 'source'"),
    ("  - {source: r, evidence: rain}", "{", "observations[0]", "missing required field 'date'"),
    ("  - {date: 2024-03-01, source: r}", "{", "observations[0]",
     "missing required field 'evidence'"),
    ("  - {date: 5, source: r, evidence: rain}", "5", "observations[0].date",
     "= 5 is not a date (dates are YYYY-MM-DD"),
    ("  - {date: 'March 3', source: r, evidence: rain}", "'March", "observations[0].date",
     "= 'March 3' is not a date"),
    ("  - {date: 2024-01-01, source: r, evidence: rain}", "2024", "observations[0].date",
     "= 2024-01-01 is not after as_of (2024-01-01)"),
    ("  - {date: 2025-01-02, source: r, evidence: rain}", "2025", "observations[0].date",
     "= 2025-01-02 is after the horizon (2024-12-31)"),
    (E + "rian}", "rian", "observations[0].evidence", "unknown name 'rian'; did you mean 'rain'?"),
    (E + "'rain and'}", "'}", "observations[0].evidence", "after 'and', found end of expression"),
    (E + "n_weather}", "n_weather", "observations[0].evidence",
     "= 'n_weather' is a number, not true/false"),
    (E + "'signing.date <= 2025-06-01'}", "2025-06", "observations[0].evidence",
     "2025-06-01 is after the horizon"),
    (E + "true}", "true", "observations[0].evidence",
     "= true must be text: a true/false expression"),
    (E + "' '}", "' '", "observations[0].evidence", "is empty: write a true/false expression"),
    (E + "rain, likelihood_ratio: 0}", "0}", "observations[0].likelihood_ratio",
     "= 0 must be > 0 (a likelihood ratio"),
    (E + "rain, likelihood_ratio: -2}", "-2", "observations[0].likelihood_ratio",
     "= -2 must be > 0"),
    (E + "rain, likelihood_ratio: .inf}", ".inf", "observations[0].likelihood_ratio",
     "= inf is not a finite number (a likelihood ratio)"),
    (E + "rain, likelihood_ratio: .nan}", ".nan", "observations[0].likelihood_ratio",
     "= nan is not a finite number"),
    (E + "rain, likelihood_ratio: lots}", "lots", "observations[0].likelihood_ratio",
     "= 'lots' is not a number (a likelihood ratio)"),
    (E + "rain, likelihood_ratio: true}", "true", "observations[0].likelihood_ratio",
     "= true is not a number"),
    ("  - 3", "3", "observations[0]", "= 3 must be a mapping of fields"),
    ("  {date: 2024-03-01}", "{", "observations", "must be a list of entries"),
])
def test_each_mistake_is_located(body, at, field, message):
    """Each at line 14 (the entry's), at the column of ``at`` in it."""
    found = _problems(body + "\n")
    column = body.index(at) + 1
    assert any(ln == 14 and col == column and f == field and message in m
               for ln, col, f, m in found), (column, found)


def test_every_entry_is_checked_and_the_second_entry_points_at_its_line():
    found = _problems("  - {date: 2024-03-01, source: r, evidence: rain}\n"
                      "  - {date: 2024-03-02, source: r, evidence: rian, why: 3}\n"
                      "  - {date: 2024-03-03, source: r, evidence: wind, likelihood_ratio: 0}\n")
    fields = {(ln, f) for ln, _c, f, _m in found}
    assert (15, "observations[1].evidence") in fields
    assert (15, "observations[1].why") in fields
    assert (16, "observations[2].likelihood_ratio") in fields
    assert not any(f.startswith("observations[0]") for _l, _c, f, _m in found)


def test_format_1_is_told_at_the_key_to_declare_format_2():
    head = HEAD.replace("pactsim: 2", "pactsim: 1").replace(
        "signing:\n  by: {2024-12-31: 0.6}\n", "")
    found = _problems("  - {date: 2024-03-01, source: r, evidence: rain}\n", head)
    assert found == [(11, 1, "observations", "`observations` is format 2 (dated news the "
                      "forecast is updated on); write `pactsim: 2` at the top of the file "
                      "(format 1 files keep their meaning under format 2)")]


def test_at_most_max_observations_entries():
    base = pactsim.loads(HEAD.removesuffix("observations:\n"))
    entry = {"date": dt.date(2024, 3, 1), "source": "r", "evidence": "rain"}
    data = base.model_dump(exclude_defaults=True)
    pactsim.from_dict({**data, "observations": [entry] * 1000})
    with pytest.raises(ScenarioError, match=r"has 1,001 entries; at most 1,000"):
        pactsim.from_dict({**data, "observations": [entry] * 1001})


def test_findings_are_in_date_order_same_day_in_file_order():
    sc = pactsim.loads(HEAD + "  - {date: 2024-05-01, source: late, evidence: wind}\n"
                       "  - {date: 2024-03-01, source: first, evidence: rain}\n"
                       "  - {date: 2024-03-01, source: second, evidence: signing, "
                       "likelihood_ratio: 2}\n")
    assert [o.source for o in sc.observations] == ["late", "first", "second"]  # as written
    assert sc.findings() == (
        Finding("rain", None, dt.date(2024, 3, 1), "first"),
        Finding("signing", 2.0, dt.date(2024, 3, 1), "second"),
        Finding("wind", None, dt.date(2024, 5, 1), "late"))
    assert [f.source for f in sc.findings("2024-04-30")] == ["first", "second"]
    assert sc.findings(dt.date(2024, 2, 1)) == ()
    assert [f.expr for f in evidence_for(sc, soft("wet", 3))] == ["rain", "signing", "wind",
                                                                  "wet"]
    assert evidence_for(sc, "wet", observations=False) == (Finding("wet"),)
    with pytest.raises(ArgumentError, match="not a date"):
        sc.findings("soon")


def test_observations_round_trip_and_change_equality():
    text = HEAD + ("  - date: 2024-03-01\n    source: 'Radio, 1 Mar: rain'\n"
                   "    evidence: not signing.date <= 2024-02-28\n    likelihood_ratio: 2.5\n"
                   "    why: a reason\n")
    sc = pactsim.loads(text)
    again = pactsim.loads(pactsim.dumps(sc))
    assert again == sc and again.observations == sc.observations
    bare = pactsim.loads(HEAD.removesuffix("observations:\n"))
    assert sc != bare and sc.digest != bare.digest
    assert sc.with_changes(observations=[]) == bare  # no observations: the priors' digest
    assert pactsim.loads(HEAD + "  []\n") == bare
    changed = sc.with_changes({"rain.p": 0.4})  # observations go through model_dump again
    assert changed.observations == sc.observations and changed != sc


def _variant(tmp_path: Path, base_name: str, body: str) -> Path:
    path = tmp_path / "variant.yaml"
    path.write_text(f"pactsim: 2\nextends: {base_name}\nid: variant\n" + body)
    return path


def test_a_variant_adds_its_observations_after_the_base_s(tmp_path):
    (tmp_path / "base.yaml").write_text(
        HEAD + "  - {date: 2024-05-01, source: base, evidence: rain}\n")
    path = _variant(tmp_path, "base.yaml", "observations:\n"
                    "  - {date: 2024-04-01, source: variant, evidence: wind}\n")
    sc = pactsim.load(path)
    assert [o.source for o in sc.observations] == ["base", "variant"]
    assert [f.source for f in sc.findings()] == ["variant", "base"]
    bad = _variant(tmp_path, "base.yaml", "observations:\n"
                   "  - {date: 2024-04-01, source: variant, evidence: wnd}\n")
    with pytest.raises(ScenarioError) as info:
        pactsim.load(bad)
    (p,) = info.value.problems
    assert (Path(p.path).name, p.line, p.field) == ("variant.yaml", 5,
                                                    "observations[1].evidence")
    assert "did you mean 'wind'?" in p.message


def test_the_news_variant_loads_and_its_history_runs():
    sc = pactsim.load(NEWS)
    assert sc.extends and sc.id == "iran-russia-2024-news"
    assert 2 <= len(sc.observations) <= 4
    assert all(sc.as_of < o.date <= sc.horizon and o.source for o in sc.observations)
    df = history(sc, ["signed_by_2024", "signed_by_q1_2025"])
    assert list(df.columns) == list(COLUMNS)
    assert df["step"].nunique() == len({o.date for o in sc.observations}) + 1
    p = df.set_index(["step", "question"])["p"]
    assert p[(0, "signed_by_2024")] > 0.3  # the priors
    last = int(df["step"].max())
    assert p[(last, "signed_by_2024")] == 0.0  # not signed in 2024 was observed
    assert p[(last, "signed_by_q1_2025")] > p[(0, "signed_by_q1_2025")]


# -- history against independent answers -----------------------------------------------
def _analytic_news(tmp_path: Path, extra: str = "") -> pactsim.Scenario:
    path = _variant(tmp_path, str(ANALYTIC), "observations:\n"
                    "  - {date: 2025-02-01, source: first report, evidence: d}\n"
                    "  - {date: 2025-03-01, source: second report, evidence: b, "
                    "likelihood_ratio: 3}\n" + extra)
    return pactsim.load(path)


def test_history_equals_the_hand_derived_answers(tmp_path):
    sc = _analytic_news(tmp_path)
    df = history(sc, ["a", "b"])
    p = df.set_index(["step", "question"])["p"]
    expected = {(0, "a"): Fr(3, 10), (0, "b"): Fr(1, 2),
                (1, "a"): Fr(9, 16), (1, "b"): Fr(11, 16),
                (2, "a"): Fr(99, 190), (2, "b"): Fr(33, 38)}
    for key, value in expected.items():
        assert p[key] == pytest.approx(float(value), abs=1e-12), key
    assert list(df["date"].drop_duplicates()) == [dt.date(2025, 1, 1), dt.date(2025, 2, 1),
                                                  dt.date(2025, 3, 1)]
    assert list(df["source"].drop_duplicates()) == ["", "first report", "second report"]
    assert list(df["evidence"].drop_duplicates()) == ["", "d", "b (×3)"]
    assert (df["stderr"] == 0).all() and (df["method"] == "exact").all()


def test_history_equals_exact_conditioning_and_the_soft_formula_on_the_flagship():
    sc = pactsim.load(NEWS)
    qs = ["signed_by_q1_2025", "in_force_by_2025", "mutual_defence"]
    df = history(sc, qs).set_index(["step", "question"])
    ex = pactsim.exact(sc.with_changes(observations=[]))
    (soft_f,) = [f for f in sc.findings() if not f.hard]
    # the step before the soft news: the hard findings of the days before it; the soft
    # news's step also has the hard finding of its own day (nothing signed since Jan 1)
    before = " and ".join(f"({f.expr})" for f in sc.findings() if f.hard and f.date < soft_f.date)
    given = " and ".join(f"({f.expr})" for f in sc.findings() if f.hard)
    assert given != before
    r, e = float(soft_f.likelihood_ratio or 0), soft_f.expr
    last = int(df.index.get_level_values("step").max())
    for q in qs:
        # hard findings only, before the soft one: exact conditioning
        assert df.loc[(last - 1, q), "p"] == pytest.approx(
            float(ex.prob(q, given=before)), abs=1e-12)
        # then (r P(Q, E | H) + P(Q, not E | H)) / (r P(E | H) + P(not E | H))
        pe = float(ex.prob(e, given=given))
        pqe = float(ex.prob(f"({q}) and ({e})", given=given))
        pqne = float(ex.prob(f"({q}) and not ({e})", given=given))
        assert df.loc[(last, q), "p"] == pytest.approx(
            (r * pqe + pqne) / (r * pe + (1 - pe)), abs=1e-9)


def test_monte_carlo_history_is_within_its_standard_errors_of_exact(tmp_path):
    sc = _analytic_news(tmp_path)
    exact_df = history(sc, ["a", "b", "e"], method="exact")
    mc = history(sc, ["a", "b", "e"], method="montecarlo", n=40_000, seed=11)
    assert (mc["method"] == "montecarlo").all() and mc.attrs["seed"] == 11
    z = (mc["p"] - exact_df["p"]) / mc["stderr"]
    assert (z.abs() < 4.5).all(), z.tolist()
    # the prior step uses every draw; the soft step has fewer effective draws
    n_eff = mc.drop_duplicates("step")["n_eff"].tolist()
    assert n_eff[0] == 40_000 and n_eff[2] < n_eff[1] < n_eff[0]
    again = history(sc, ["a", "b", "e"], method="montecarlo", n=40_000, seed=11)
    assert np.array_equal(again["p"].to_numpy(), mc["p"].to_numpy())


RARE = """\
pactsim: 2
id: rare-news
as_of: 2024-01-01
horizon: 2024-12-31
events:
  leak: {p: 1.0e-6}
  scandal: {given: [leak], table: {true: 0.8, false: 0.05}}
observations:
  - {date: 2024-02-01, source: a newspaper, evidence: leak}
"""


def test_monte_carlo_history_weights_rare_evidence_instead_of_rejecting_it():
    """An observation of chance 1e-6: no draw of 20,000 from the priors meets it, so
    reweighting the priors' draws would refuse it; likelihood weighting (simulate with
    evidence=) clamps it and answers P(scandal | leak) = 0.8 with every draw effective.
    The same seed twice gives the same history, and a Generator seed is read once."""
    sc = pactsim.loads(RARE)
    mc = history(sc, ["scandal"], method="montecarlo", n=20_000, seed=4)
    after = mc.iloc[1]
    assert abs(after["p"] - 0.8) < 4.5 * after["stderr"]
    assert after["n_eff"] == pytest.approx(20_000, rel=1e-9)
    assert history(sc, ["scandal"], method="exact")["p"].iloc[1] == pytest.approx(0.8)
    # news that says nothing (ratio 1) leaves the forecast exactly as it was: the same
    # draws every date, also from a Generator (read once, not once per date)
    quiet = pactsim.loads(RARE + "  - {date: 2024-01-15, source: rumour, evidence: scandal, "
                                 "likelihood_ratio: 1}\n")
    gen = history(quiet, ["scandal", "scandal and leak"], method="montecarlo", n=20_000,
                  seed=np.random.default_rng(1))
    assert list(gen["p"].iloc[:2]) == list(gen["p"].iloc[2:4])
    assert gen["p"].iloc[4] == gen["p"].iloc[5]  # the two questions agree given leak


def test_soft_ratios_of_one_expression_multiply_and_ratio_one_says_nothing(tmp_path):
    twice = _analytic_news(tmp_path, "  - {date: 2025-03-01, source: x, evidence: b, "
                                     "likelihood_ratio: 2}\n"
                                     "  - {date: 2025-04-01, source: y, evidence: a, "
                                     "likelihood_ratio: 1}\n")
    df = history(twice, ["a"]).set_index(["step", "question"])["p"]
    # b x 6 given d: (6 * 27 + 18) / (6 * 55 + 25) = 180/355
    assert df[(2, "a")] == pytest.approx(180 / 355, abs=1e-12)
    assert df[(3, "a")] == pytest.approx(180 / 355, abs=1e-12)


def _enumerated(ex: pactsim.ExactResults, q: str, findings: tuple[Finding, ...]) -> float:
    """P(q | findings) by the definition: a sum over the 2**k truth assignments of the
    k soft expressions of weight * P(q and H and the assignment), normalised; an oracle
    built only on unconditional ``prob`` of conjunctions (small k only)."""
    hard = [f.expr for f in findings if f.hard]
    soft_ones = [(f.expr, float(f.likelihood_ratio or 1)) for f in findings if not f.hard]
    num = den = 0.0
    for pattern in itertools.product((True, False), repeat=len(soft_ones)):
        weight = math.prod(r for (_e, r), holds in zip(soft_ones, pattern, strict=True) if holds)
        parts = [f"({h})" for h in hard] + [
            f"({e})" if holds else f"not ({e})"
            for (e, _r), holds in zip(soft_ones, pattern, strict=True)]
        cond = " and ".join(parts) or "true"
        den += weight * float(ex.prob(cond))
        num += weight * float(ex.prob(f"({q}) and {cond}"))
    return num / den


def test_several_soft_findings_match_the_sum_over_their_truth_values(tmp_path):
    sc = _analytic_news(tmp_path, "  - {date: 2025-04-01, source: x, evidence: 'e or c', "
                                  "likelihood_ratio: 0.25}\n"
                                  "  - {date: 2025-05-01, source: y, evidence: 'not f', "
                                  "likelihood_ratio: 5}\n"
                                  "  - {date: 2025-05-01, source: z, evidence: 'd and e'}\n")
    df = history(sc, ["a", "b", "two_of_three"]).set_index(["step", "question"])["p"]
    ex = pactsim.exact(sc, observations=False)
    for k, step in enumerate(steps(sc)):
        for q in ("a", "b", "two_of_three"):
            assert df[(k, q)] == pytest.approx(_enumerated(ex, q, step.findings), abs=1e-12)


def test_impossible_observations_are_named_with_their_date(tmp_path):
    sc = _analytic_news(tmp_path, "  - {date: 2025-06-01, source: s, evidence: 'f and b'}\n")
    with pytest.raises(ConditionError, match="as of 2025-06-01: the observations"):
        history(sc, ["a"], method="exact")
    with pytest.raises(ConditionError, match="as of 2025-06-01: the observations"):
        history(sc, ["a"], method="montecarlo", n=5_000, seed=0)


def test_history_without_observations_is_the_priors_and_arguments_are_checked():
    sc = pactsim.load(ANALYTIC)
    df = history(sc)
    assert set(df["step"]) == {0}
    assert math.isclose(df.set_index("question").loc["both_ab", "p"], 0.15)
    assert steps(sc)[0].date == sc.as_of
    with pytest.raises(ArgumentError, match="method"):
        history(sc, method="fast")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="question"):
        history(sc, [3])  # type: ignore[list-item]
    with pytest.raises(ScenarioError, match="unknown name 'zz'"):
        history(sc, ["zz"])
    with pytest.raises(ScenarioError) as err:  # every bad question, each named a question
        history(sc, ["zz", "count(a, b)", "a"])
    text = str(err.value)
    assert "question = 'zz'" in text and "question = 'count(a, b)' is a number" in text
