"""The analysis layer on categorical nodes (format 3 ``levels:``): tornado, value of
information, diff, spread/recompile, history, scoring and the CLI's --method."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pactsim
from pactsim.analysis.sensitivity import inputs
from pactsim.errors import ScenarioError

CAT = """\
pactsim: 3
id: cat-test
as_of: 2024-11-05
horizon: 2025-12-31
events:
  war:
    p: 0.6
pillars:
  transport:
    p: 0.8
    clauses:
      instc:
        levels: {absent: 0.2, generic: 0.45, named: 0.35}
      legal:
        given: [instc]
        table: {absent: 0.1, generic: 0.5, named: 0.9}
  form:
    given: [war]
    levels: [absent, binding_treaty, programme]
    table:
      true: {absent: 0.1, binding_treaty: 0.6, programme: 0.3}
      false: {absent: 0.3, binding_treaty: 0.2, programme: 0.5}
signing:
  by: {2024-12-31: 0.4, 2025-12-31: 0.8}
questions:
  named: instc == named
  either: in(instc, generic, named)
  treaty_named: form == binding_treaty and instc == named
"""

#: P(signed) and P(transport | signed): instc and form are gated by both.
SIGNED, TRANSPORT = 0.8, 0.8
#: P(form == binding_treaty | signed) = 0.6 * 0.6 + 0.4 * 0.2.
BINDING = 0.44


@pytest.fixture(scope="module")
def cat() -> pactsim.Scenario:
    return pactsim.loads(CAT)


def _row(frame: pd.DataFrame, col: str, name: str) -> pd.Series:
    hit = frame[frame[col] == name]
    assert len(hit) == 1, (name, list(frame[col]))
    return hit.iloc[0]


def test_a_dumped_categorical_scenario_validates_again(cat: pactsim.Scenario) -> None:
    from pactsim.language.io import from_dict

    # diff builds its variants from model_dump(), which writes hazard_ratio: {} and by: None
    again = from_dict(cat.model_dump(), name="again")
    assert again.outcomes == cat.outcomes


# -- tornado ----------------------------------------------------------------------------------
def test_each_outcome_is_an_input_and_the_others_are_rescaled(cat: pactsim.Scenario) -> None:
    items = {i.name: i for i in inputs(cat)}
    for name in ("instc.levels.absent", "instc.levels.generic", "instc.levels.named",
                 "form.table.true.binding_treaty", "form.table.false.absent"):
        assert name in items
    assert items["instc.levels.named"].kind == "levels"
    assert items["form.table.true.programme"].kind == "table"
    assert "others rescaled" in items["instc.levels.named"].range
    # no input swings a bare cell of an outcome map (it would break the sum)
    assert not any(n.startswith("form.table.true") and n.count(".") != 3 for n in items)
    v = cat.with_changes(items["instc.levels.named"].changes(0.5))
    lv = v.nodes["instc"].spec.levels
    assert lv == pytest.approx({"absent": 0.2 * 0.5 / 0.65, "generic": 0.45 * 0.5 / 0.65,
                                "named": 0.5}, abs=1e-15)
    v = cat.with_changes(items["form.table.false.programme"].changes(0.8))
    table = v.nodes["form"].spec.table
    assert table[False] == pytest.approx({"absent": 0.3 * 0.2 / 0.5,
                                          "binding_treaty": 0.2 * 0.2 / 0.5,
                                          "programme": 0.8}, abs=1e-15)
    assert table[True] == {"absent": 0.1, "binding_treaty": 0.6, "programme": 0.3}


def test_tornado_of_outcomes_is_exact_and_matches_hand_values(cat: pactsim.Scenario) -> None:
    s = pactsim.sensitivity(cat, "treaty_named")
    assert s.method == "exact"
    assert s.base == pytest.approx(SIGNED * TRANSPORT * 0.35 * BINDING, abs=1e-12)
    named = _row(s.tornado, "input", "instc.levels.named")
    lo, hi = 1 / (1 + math.exp(1) * 0.65 / 0.35), 1 / (1 + math.exp(-1) * 0.65 / 0.35)
    assert (named.low, named.high) == pytest.approx((lo, hi), abs=1e-12)
    # P(treaty_named) is linear in P(instc == named) (the others do not enter)
    assert (named.q_low, named.q_high) == pytest.approx(
        (SIGNED * TRANSPORT * lo * BINDING, SIGNED * TRANSPORT * hi * BINDING), abs=1e-12)
    # P(binding | war) swung: the other outcomes of that row rescale; war's row is 0.6
    bt = _row(s.tornado, "input", "form.table.true.binding_treaty")
    for end, q in ((bt.low, bt.q_low), (bt.high, bt.q_high)):
        assert q == pytest.approx(SIGNED * TRANSPORT * 0.35 * (0.6 * end + 0.4 * 0.2),
                                  abs=1e-12)
    # every categorical row equals exact inference of the changed scenario
    items = {i.name: i for i in inputs(cat)}
    for _, r in s.tornado.iterrows():
        if r.kind not in ("levels", "table"):
            continue
        for end, q in ((r.low, r.q_low), (r.high, r.q_high)):
            want = pactsim.exact(cat.with_changes(items[r.input].changes(end)))
            assert q == pytest.approx(want.prob("treaty_named").value, abs=1e-12), r.input
    # generic's swing moves named the other way (rescaled), absent's both ways
    gen = _row(s.tornado, "input", "instc.levels.generic")
    assert gen.q_high < s.base < gen.q_low


def test_tornado_by_monte_carlo_agrees_with_exact(cat: pactsim.Scenario) -> None:
    ex = pactsim.sensitivity(cat, "named", only=["instc."], voi=False)
    mc = pactsim.sensitivity(cat, "named", only=["instc."], voi=False, method="mc",
                             n=40_000, seed=3)
    assert set(mc.tornado.method) == {"mc"}
    for _, r in mc.tornado.iterrows():
        e = _row(ex.tornado, "input", r.input)
        assert abs(r.swing - e.swing) < 5 * r.stderr + 1e-9, r.input


def test_value_of_information_per_outcome(cat: pactsim.Scenario) -> None:
    s = pactsim.sensitivity(cat, "treaty_named")
    row = _row(s.voi, "node", "instc == named")
    assert row.kind == "outcome"
    p = SIGNED * TRANSPORT * 0.35
    # learning instc == named: signed, so Q = P(binding | signed); else Q = 0
    assert (row.p_node, row.q_if_true, row.q_if_false) == pytest.approx((p, BINDING, 0.0),
                                                                        abs=1e-12)
    q = p * BINDING
    assert row.brier == pytest.approx(p * (BINDING - q) ** 2 + (1 - p) * q ** 2, abs=1e-12)
    gen = _row(s.voi, "node", "instc == generic")
    assert (gen.p_node, gen.q_if_true) == pytest.approx((SIGNED * TRANSPORT * 0.45, 0.0),
                                                        abs=1e-12)
    assert "form == programme" in set(s.voi.node) and "instc == absent" not in set(s.voi.node)
    mc = pactsim.sensitivity(cat, "treaty_named", method="mc", n=40_000, seed=5)
    m = _row(mc.voi, "node", "instc == named")
    se = math.sqrt(p * (1 - p) / 40_000)
    assert abs(m.p_node - p) < 5 * se and m.method == "mc"
    assert abs(m.q_if_true - BINDING) < 5 * math.sqrt(BINDING * (1 - BINDING) / (p * 40_000))


def test_learning_which_outcome(cat: pactsim.Scenario) -> None:
    s = pactsim.sensitivity(cat, "legal")
    row = _row(s.voi, "node", "instc: which outcome")
    assert row.kind == "outcomes" and math.isnan(row.p_node)
    # legal's row is 0.1 / 0.5 / 0.9 by instc's outcome; absent also when the gates close
    parts = [(0.488, 0.64 * 0.2 * 0.1 / 0.488), (0.288, 0.5), (0.224, 0.9)]
    q = sum(w * x for w, x in parts)
    assert q == pytest.approx(s.base, abs=1e-12)
    assert row.move == pytest.approx(sum(w * abs(x - q) for w, x in parts), abs=1e-12)
    assert row.brier == pytest.approx(sum(w * (x - q) ** 2 for w, x in parts), abs=1e-12)
    mi = sum(w * (x * math.log(x / q) + (1 - x) * math.log((1 - x) / (1 - q)))
             for w, x in parts)
    assert row.log_loss == pytest.approx(mi, abs=1e-12)
    # a finer partition is worth at least as much as any coarser one
    for name in ("instc", "instc == generic", "instc == named"):
        assert row.brier >= _row(s.voi, "node", name).brier - 1e-15
    mc = pactsim.sensitivity(cat, "legal", method="mc", n=40_000, seed=2)
    m = _row(mc.voi, "node", "instc: which outcome")
    node = _row(mc.voi, "node", "instc")
    parts = [(1 - node.p_node, node.q_if_false)] + [
        (r.p_node, r.q_if_true) for r in (_row(mc.voi, "node", f"instc == {x}")
                                          for x in ("generic", "named"))]
    q = sum(w * x for w, x in parts)  # the same draws: the same partition
    assert m.method == "mc"
    assert m.brier == pytest.approx(sum(w * (x - q) ** 2 for w, x in parts), abs=1e-12)


def test_an_event_drawn_given_the_signing_is_not_context(cat: pactsim.Scenario) -> None:
    sc = pactsim.loads(CAT.replace("events:\n", "events:\n  kind:\n    levels: {binding: 0.9, "
                                   "loose: 0.1}\n    requires: [signing]\n"))
    s = pactsim.sensitivity(sc, "treaty_named")
    groups = s.voi.set_index("node").group
    assert groups["war"] == "context" and groups["kind == binding"] == "other"
    # kind is present exactly when signed (it requires the signing, never absent then):
    # one row, the signing's, which is not context either
    assert "kind" not in groups and groups["signing"] == "other"
    assert any(n.startswith("in what to watch once, as signing: kind") for n in s.notes)
    assert s.voi.node.iloc[0] == "war"  # context first


@pytest.mark.parametrize(("path", "question"), [
    (None, "treaty_named"), ("scenarios/iran-russia-2024.yaml", "signed_by_2024"),
    ("scenarios/iran-russia-2024.yaml", "in_force.median")])
def test_the_fast_tornado_equals_the_validated_one(cat: pactsim.Scenario, path: str | None,
                                                   question: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from pactsim.analysis import sensitivity as mod

    sc = cat if path is None else pactsim.load(path)
    fast = pactsim.sensitivity(sc, question, voi=False)
    monkeypatch.setattr(mod._Engine, "fast_pair", lambda self, item: None)
    slow = pactsim.sensitivity(sc, question, voi=False)
    a, b = fast.tornado.set_index("input"), slow.tornado.set_index("input")
    assert list(a.index) == list(b.index) and (a.method == "exact").all()
    for col in ("q_low", "q_high"):
        if question.endswith(".median"):
            assert (a[col] == b[col]).all(), col
        else:
            np.testing.assert_allclose(a[col], b[col], rtol=0, atol=1e-12)


ATTR = """\
pactsim: 3
id: attr
as_of: 2024-11-05
horizon: 2025-12-31
events:
  rain: {p: {between: [0.1, 0.5]}}
attributes:
  n:
    given: [rain]
    table: {true: {normal: {mean: 40, sd: 5}}, false: {normal: {mean: 30, sd: 5}}}
questions:
  long: n >= 35
"""


def test_inputs_feed_a_question_through_a_numeric_attribute() -> None:
    sc = pactsim.loads(ATTR)
    hi, lo = 0.5 * (1 + math.erf(1 / math.sqrt(2))), 0.5 * (1 - math.erf(1 / math.sqrt(2)))
    s = pactsim.sensitivity(sc, "long", voi=False)
    r = _row(s.tornado, "input", "rain.p")  # p P(N(40,5) >= 35) + (1-p) P(N(30,5) >= 35)
    assert (r.q_low, r.q_high) == pytest.approx((r.low * hi + (1 - r.low) * lo,
                                                  r.high * hi + (1 - r.high) * lo), abs=1e-9)
    assert r.swing > 0.1
    (sp,) = pactsim.spreads(sc, ["long"], n=200, seed=1)
    assert sp.hi - sp.lo > 0.05  # the spread of rain's p reaches the attribute's question


# -- diff -------------------------------------------------------------------------------------
def _b(cat: pactsim.Scenario) -> pactsim.Scenario:
    return cat.with_changes({
        "instc.levels": {"absent": 0.2, "generic": 0.35, "named": 0.45},
        "form.table": {True: {"absent": 0.1, "binding_treaty": 0.7, "programme": 0.2},
                       False: {"absent": 0.3, "binding_treaty": 0.2, "programme": 0.5}}})


def test_diff_lists_outcome_edits_per_map_and_outcome_changes(cat: pactsim.Scenario) -> None:
    b = _b(cat)
    d = pactsim.diff(cat, b, ["named", "treaty_named"])
    assert [e.name for e in d.edits] == [
        "instc.levels.generic + instc.levels.named",
        "form.table.true.binding_treaty + form.table.true.programme"]
    assert d.edits[0].describe() == ("instc.levels.generic: 0.45 -> 0.35; "
                                     "instc.levels.named: 0.35 -> 0.45")
    assert d.edits[0].reason == "the outcome probabilities of one map sum to 1"
    assert not any("applied together" in n for n in d.notes)
    c = d.changes[d.changes.kind == "outcome"]
    assert set(c.name) == {"instc == absent", "instc == generic", "instc == named",
                           "form == absent", "form == binding_treaty", "form == programme"}
    r = c[(c.name == "instc == named") & (c.statistic == "p")].iloc[0]
    assert (r.a, r.b) == pytest.approx((0.224, SIGNED * TRANSPORT * 0.45), abs=1e-12)
    r = c[(c.name == "form == binding_treaty") & (c.statistic == "p_given_signed")].iloc[0]
    assert (r.a, r.b) == pytest.approx((BINDING, 0.6 * 0.7 + 0.08), abs=1e-12)
    r = c[(c.name == "instc == absent") & (c.statistic == "p")].iloc[0]
    assert r.change == pytest.approx(0.0, abs=1e-12)
    # attribution: named moves with instc's levels only; treaty_named with both
    att = d.attribution.set_index(["target", "edit"]).shapley
    assert att["named", d.edits[1].name] == pytest.approx(0.0, abs=1e-12)
    assert att["named", d.edits[0].name] == pytest.approx(0.64 * 0.1, abs=1e-12)
    tot = d.totals.set_index("target")
    assert tot.at["treaty_named", "change"] == pytest.approx(
        0.64 * (0.45 * 0.5 - 0.35 * BINDING), abs=1e-12)
    assert "instc == named" in str(d)


def test_diff_outcomes_by_monte_carlo_cover_exact(cat: pactsim.Scenario) -> None:
    b = _b(cat)
    ex = pactsim.diff(cat, b, "named")
    mc = pactsim.diff(cat, b, "named", method="mc", n=20_000, seed=2)
    for stat in ("p", "p_given_signed"):
        want = ex.changes[(ex.changes.name == "instc == named") & (ex.changes.statistic == stat)]
        got = mc.changes[(mc.changes.name == "instc == named") & (mc.changes.statistic == stat)]
        w, g = want.iloc[0], got.iloc[0]
        assert g.method == "mc" and 0 < g.stderr < g.stderr_independent
        assert abs(g.change - w.change) < 5 * g.stderr


# -- spread and recompile ---------------------------------------------------------------------
def test_spread_has_no_categorical_inputs_and_recompile_rebuilds_outcomes(
        cat: pactsim.Scenario) -> None:
    from pactsim.analysis.spread import _Answers, _Numbers, uncertain_inputs
    from pactsim.inference.compile import compile_scenario

    unc = cat.with_changes({"war.p": {"between": [0.4, 0.8]}})
    assert [i.name for i in uncertain_inputs(unc)] == ["war.p"]  # levels are never uncertain
    fast = _Numbers(unc)
    for ch in ({"war.p": 0.3},
               {"war.p": 0.7, "instc.levels": {"absent": 0.2, "generic": 0.55, "named": 0.25}},
               {"form.table.true": {"absent": 0.1, "binding_treaty": 0.2, "programme": 0.7}}):
        got = fast.model_for(ch)
        want = compile_scenario(unc.with_changes(ch))
        assert got.names == want.names and got.outcomes == want.outcomes
        for x, y in zip(got.plans, want.plans, strict=True):
            assert x.kind == y.kind and np.array_equal(x.p_given, y.p_given), x.name
            assert (x.given, x.gates_true, x.gates_false) == (y.given, y.gates_true,
                                                              y.gates_false)
        for q in ("treaty_named", "either"):
            assert fast.prob(ch, q) == pytest.approx(
                pactsim.exact(unc.with_changes(ch)).prob(q).value, abs=1e-13)
    ans = _Answers(unc, "treaty_named", "form == binding_treaty and instc == named", 0)
    assert ans({"war.p": 1.0}) == pytest.approx(0.224 * 0.6, abs=1e-13)
    s = pactsim.spread(unc, "treaty_named", n=200, seed=1)
    assert abs(s.mean - s.forecast) < 4 * s.stderr + 1e-12


# -- history, scoring -------------------------------------------------------------------------
def test_history_follows_outcome_questions(cat: pactsim.Scenario) -> None:
    news = pactsim.loads(CAT + """\
observations:
  - date: 2025-01-10
    source: test
    evidence: signing
  - date: 2025-02-01
    source: test
    evidence: instc != generic
""")
    h = pactsim.history(news, ["named", "instc == generic"])
    at = {step: g.set_index("question").p for step, g in h.groupby("step")}
    assert at[0]["named"] == pytest.approx(0.224, abs=1e-12)
    assert at[1]["named"] == pytest.approx(TRANSPORT * 0.35, abs=1e-12)
    assert at[1]["instc == generic"] == pytest.approx(TRANSPORT * 0.45, abs=1e-12)
    # then instc is not generic: P(named | signed, not generic) = 0.28 / (1 - 0.36)
    assert at[2]["named"] == pytest.approx(0.28 / 0.64, abs=1e-12)
    assert at[2]["instc == generic"] == pytest.approx(0.0, abs=1e-12)
    mc = pactsim.history(news, ["named"], method="montecarlo", n=40_000, seed=1)
    got = mc[mc.step == mc.step.max()].iloc[0]
    assert got.method != "exact" and abs(got.p - 0.28 / 0.64) < 5 * got.stderr


def test_sweep_over_levels_equals_exact_of_each_variant(cat: pactsim.Scenario) -> None:
    variants = [{"instc.levels": {"absent": 0.2, "generic": 0.8 - q, "named": q}}
                for q in (0.1, 0.35, 0.6)]
    t = pactsim.sweep(variants, base=cat, questions=["instc == named", "treaty_named"],
                      method="exact")
    assert list(t.kind[t.target == "instc == named"]) == ["outcome"] * 3
    for i, ch in enumerate(variants):
        want = pactsim.exact(cat.with_changes(ch))
        for q in ("instc == named", "treaty_named"):
            got = t[(t.item == i) & (t.target == q)].p.iloc[0]
            assert got == pytest.approx(want.prob(q).value, abs=1e-12)
    mc = pactsim.sweep(variants[:1], base=cat, questions=["instc == named"], n=20_000,
                       seed=4)
    r = mc.iloc[0]
    assert abs(r.p - 0.64 * 0.1) < 5 * r.stderr


def test_pool_has_one_item_per_outcome(cat: pactsim.Scenario) -> None:
    b = _b(cat)
    pooled = pactsim.pool([cat, b], names=["a", "b"], method="linear")
    row = pooled.table.loc["instc == named"]
    assert (row.a, row.b) == pytest.approx((0.224, 0.64 * 0.45), abs=1e-12)
    assert row.pooled == pytest.approx((0.224 + 0.64 * 0.45) / 2, abs=1e-12)
    assert "form == programme" in pooled.table.index and "named" in pooled.table.index


RES = "resolutions: 1\nscenario: cat-test\nsources: {s: the text}\noutcomes:\n"


def test_score_resolves_a_categorical_node_by_its_outcome(cat: pactsim.Scenario,
                                                          tmp_path: Path) -> None:
    res = tmp_path / "r.yaml"
    res.write_text(RES + "  named: {outcome: true, resolved: 2025-06-01, source: s}\n"
                   "  instc: {outcome: named, resolved: 2025-06-01, source: s}\n"
                   "  form: {outcome: programme, resolved: 2025-06-01, source: s,\n"
                   "         given: signing}\n"
                   "  legal: {outcome: true, resolved: 2025-06-01, source: s,\n"
                   "          given: instc == named}\n")
    card = pactsim.score(cat, str(res))
    items = card.items.set_index("item")
    assert set(items.index) == {"named", "instc == absent", "instc == generic",
                                "instc == named", "form == absent", "form == binding_treaty",
                                "form == programme", "legal"}
    assert items.at["named", "p"] == pytest.approx(0.224, abs=1e-12)
    p = {"absent": 1 - 0.64 * 0.8, "generic": 0.64 * 0.45, "named": 0.64 * 0.35}
    for x, px in p.items():
        row = items.loc[f"instc == {x}"]
        assert row.p == pytest.approx(px, abs=1e-12) and row.kind == "binary"
        assert row.outcome == ("true" if x == "named" else "false")
    # one-vs-rest Brier scores add up to the multi-category Brier score
    multi = sum((px - (x == "named")) ** 2 for x, px in p.items())
    assert sum(items.loc[f"instc == {x}", "brier"] for x in p) == pytest.approx(multi,
                                                                                 abs=1e-12)
    assert items.at["form == programme", "p"] == pytest.approx(0.6 * 0.3 + 0.4 * 0.5,
                                                               abs=1e-12)
    assert items.at["legal", "p"] == pytest.approx(0.9, abs=1e-12)  # given instc == named
    mc = pactsim.score(cat, str(res), method="montecarlo", n=40_000, seed=1)
    row = mc.items.set_index("item").loc["instc == named"]
    assert abs(row.p - p["named"]) < 5 * row.stderr and row.method == "montecarlo"


@pytest.mark.parametrize(("item", "fragment"), [
    ("  instc: {outcome: namd, resolved: 2025-06-01, source: s}\n",
     "r.yaml:5:20: outcomes.instc.outcome: = 'namd' is not an outcome of 'instc'; did you "
     "mean 'named'? (its outcomes are absent, generic, named"),
    ("  legal: {outcome: named, resolved: 2025-06-01, source: s}\n",
     "r.yaml:5:20: outcomes.legal.outcome: = 'named' is not an outcome (write true, false"),
    ("  legal: {outcome: true, resolved: 2025-06-01, source: s, given: instc == nmed}\n",
     "r.yaml:5:"),
])
def test_resolutions_refuse_unknown_outcomes_at_their_place(cat: pactsim.Scenario,
                                                            item: str, fragment: str) -> None:
    from pactsim.language.resolutions import loads_resolutions

    with pytest.raises(ScenarioError) as err:
        loads_resolutions(RES + item, name="r.yaml", scenario=cat)
    assert fragment in str(err.value), str(err.value)


# -- CLI --------------------------------------------------------------------------------------
@pytest.mark.parametrize("spelling", ["mc", "montecarlo"])
def test_cli_takes_either_spelling_of_monte_carlo(spelling: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from pactsim.cli import main

    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(CAT)
    b.write_text(CAT.replace("generic: 0.45, named: 0.35", "generic: 0.35, named: 0.45"))
    res = tmp_path / "r.yaml"
    res.write_text(RES + "  named: {outcome: true, resolved: 2025-06-01, source: s}\n")
    for argv in (["diff", str(a), str(b), "-q", "named", "-n", "2000", "--format", "json"],
                 ["sensitivity", str(a), "-q", "named", "-n", "2000", "--no-voi",
                  "--format", "json"],
                 ["history", str(a), "-q", "named", "-n", "2000", "--json"],
                 ["score", str(a), "-r", str(res), "-n", "2000", "--format", "json"]):
        assert main([*argv, "--method", spelling]) == 0, argv
        out = capsys.readouterr().out
        assert "monte" in out.lower() or '"mc"' in out, argv


def test_the_functions_take_either_spelling_too(cat: pactsim.Scenario, tmp_path: Path) -> None:
    res = tmp_path / "r.yaml"
    res.write_text(RES + "  named: {outcome: true, resolved: 2025-06-01, source: s}\n")
    b = _b(cat)
    for spelling in ("mc", "montecarlo"):
        assert pactsim.sensitivity(cat, "named", voi=False, method=spelling,
                                   n=1000).method == "mc"
        assert pactsim.diff(cat, b, "named", method=spelling, n=1000).method == "mc"
        h = pactsim.history(cat, ["named"], method=spelling, n=1000)
        assert h.method.iloc[0] != "exact"
        card = pactsim.score(cat, str(res), method=spelling, n=1000)
        assert set(card.items.method) == {"montecarlo"}


def test_a_condition_resolved_absent_voids_the_item(cat: pactsim.Scenario) -> None:
    from pactsim.language.resolutions import loads_resolutions

    with pytest.raises(ScenarioError) as err:
        loads_resolutions(RES + "  instc: {outcome: absent, resolved: 2025-06-01, source: s}\n"
                          "  legal: {outcome: true, resolved: 2025-06-01, source: s, "
                          "given: instc}\n", name="r.yaml", scenario=cat)
    assert "r.yaml:6:" in str(err.value) and "which resolved absent" in str(err.value)
