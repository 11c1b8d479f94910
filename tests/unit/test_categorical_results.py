"""Categorical outcomes on every result surface (issue 15, item 3): marginals with one
row per outcome, ``outcomes(node)``, bundles that name the outcome, for Monte Carlo
and exact results alike.

Reference values are derived by hand from the scenario below (``CAT``); Monte
Carlo is compared with them and with exact inference within 4 standard errors,
with fixed seeds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pactsim
from pactsim.errors import ArgumentError

CAT = """\
pactsim: 3
id: cat-results
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
"""

# Hand derivations. P(signed) = 0.8; the transport pillar is in 0.8 of signed texts.
S, T = 0.8, 0.8
INSTC = {"absent": 1 - S * T * 0.8, "generic": S * T * 0.45, "named": S * T * 0.35}
INSTC_SIGNED = {"absent": 1 - T * 0.8, "generic": T * 0.45, "named": T * 0.35}
# form | signed: war (0.6) {absent .1, treaty .6, programme .3}, else {.3, .2, .5}
FORM_SIGNED = {"absent": 0.6 * 0.1 + 0.4 * 0.3, "binding_treaty": 0.6 * 0.6 + 0.4 * 0.2,
               "programme": 0.6 * 0.3 + 0.4 * 0.5}
FORM = {"absent": 1 - S * (1 - FORM_SIGNED["absent"]),
        "binding_treaty": S * FORM_SIGNED["binding_treaty"],
        "programme": S * FORM_SIGNED["programme"]}
FORM_GIVEN_WAR = {"absent": 1 - S * 0.9, "binding_treaty": S * 0.6, "programme": S * 0.3}
# sets of pillars
PILLAR_SETS = {
    "transport + form=binding_treaty": S * T * FORM_SIGNED["binding_treaty"],
    "transport + form=programme": S * T * FORM_SIGNED["programme"],
    "(nothing)": 1 - S + S * (1 - T) * FORM_SIGNED["absent"],
    "transport": S * T * FORM_SIGNED["absent"],
    "form=binding_treaty": S * (1 - T) * FORM_SIGNED["binding_treaty"],
    "form=programme": S * (1 - T) * FORM_SIGNED["programme"],
}
# sets of the transport pillar's clauses
CLAUSE_SETS = {
    "(nothing)": 1 - S * T + S * T * 0.2 * 0.9,
    "instc=named + legal": S * T * 0.35 * 0.9,
    "instc=named": S * T * 0.35 * 0.1,
    "instc=generic + legal": S * T * 0.45 * 0.5,
    "instc=generic": S * T * 0.45 * 0.5,
    "legal": S * T * 0.2 * 0.1,
}


@pytest.fixture(scope="module")
def scenario() -> pactsim.Scenario:
    return pactsim.loads(CAT)


@pytest.fixture(scope="module")
def mc(scenario: pactsim.Scenario) -> pactsim.Results:
    return pactsim.simulate(scenario, n=200_000, seed=15)


@pytest.fixture(scope="module")
def ex(scenario: pactsim.Scenario) -> object:
    return pactsim.exact(scenario)


def test_marginals_have_a_row_per_outcome_after_the_node(mc: pactsim.Results,
                                                         ex: object) -> None:
    for res in (mc, ex):
        marg = res.marginals()  # type: ignore[attr-defined]
        names = list(marg.index)
        i = names.index("instc")
        assert names[i + 1:i + 4] == ["instc=absent", "instc=generic", "instc=named"]
        j = names.index("form")
        assert names[j + 1:j + 4] == ["form=absent", "form=binding_treaty", "form=programme"]
        out = marg[marg.kind == "outcome"]
        assert list(out.of.unique()) == ["instc", "form"]
        assert list(out.loc["instc=absent", ["of", "outcome", "pillar"]]) == [
            "instc", "absent", "transport"]
        assert out.loc["form=binding_treaty", "label"] == "form: binding treaty"
        assert marg.loc["instc", ["of", "outcome"]].isna().all()
        # the outcomes of a node sum to 1, signed or not
        for node in ("instc", "form"):
            part = marg[marg.of == node]
            assert part.p.sum() == pytest.approx(1.0, abs=1e-12)
            assert part.p_given_signed.sum() == pytest.approx(1.0, abs=1e-12)
    assert list(mc.marginals().columns) == list(ex.marginals().columns)  # type: ignore[attr-defined]
    assert list(mc.marginals().index) == list(ex.marginals().index)  # type: ignore[attr-defined]


def test_exact_outcomes_match_the_hand_derivation(ex: object) -> None:
    marg = ex.marginals()  # type: ignore[attr-defined]
    for x, p in INSTC.items():
        assert marg.loc[f"instc={x}", "p"] == pytest.approx(p, abs=1e-12)
        assert marg.loc[f"instc={x}", "p_given_signed"] == pytest.approx(INSTC_SIGNED[x],
                                                                         abs=1e-12)
    for x, p in FORM.items():
        assert marg.loc[f"form={x}", "p"] == pytest.approx(p, abs=1e-12)
    got = ex.outcomes("form", given="war")  # type: ignore[attr-defined]
    assert list(got.index) == list(FORM_GIVEN_WAR)
    assert got.p.to_numpy() == pytest.approx(list(FORM_GIVEN_WAR.values()), abs=1e-12)
    got = ex.outcomes("form", given="signing")  # type: ignore[attr-defined]
    assert got.p.to_numpy() == pytest.approx(list(FORM_SIGNED.values()), abs=1e-12)
    assert (got.stderr == 0).all() and (got.lo == got.p).all()


def test_monte_carlo_outcomes_agree_with_exact_within_4_se(mc: pactsim.Results,
                                                           ex: object) -> None:
    a, b = mc.marginals(), ex.marginals()  # type: ignore[attr-defined]
    z = (a.p - b.p).abs() / a.stderr.where(a.stderr > 0, 1e-12)
    assert (z < 4).all(), z[z >= 4]
    cond = a.p_given_signed.notna()
    z = (a.p_given_signed[cond] - b.p_given_signed[cond]).abs() / a.stderr_given_signed[cond]
    assert (z < 4).all(), z[z >= 4]
    for node, given in (("instc", None), ("form", "signing"), ("form", "war")):
        m = mc.outcomes(node, given=given)
        e = ex.outcomes(node, given=given)  # type: ignore[attr-defined]
        assert list(m.columns) == list(e.columns) == ["p", "stderr", "lo", "hi"]
        assert list(m.index) == list(e.index)
        assert ((m.p - e.p).abs() < 4 * m.stderr).all(), (node, given, m, e)
        assert (m.lo <= m.p).all() and (m.p <= m.hi).all() and (m.hi - m.lo > 0).all()


def test_a_wrong_flip_is_caught(mc: pactsim.Results) -> None:
    """The 4-SE comparisons can fail: generic and named swapped are far apart."""
    m = mc.outcomes("instc")
    assert abs(m.p["named"] - INSTC["generic"]) > 4 * m.stderr["named"]


def test_outcomes_refuses_what_is_not_categorical(mc: pactsim.Results, ex: object) -> None:
    for res in (mc, ex):
        with pytest.raises(ArgumentError, match="not categorical"):
            res.outcomes("legal")  # type: ignore[attr-defined]
        with pytest.raises(ArgumentError, match="did you mean 'instc'"):
            res.outcomes("insct")  # type: ignore[attr-defined]


def _sets(frame: pd.DataFrame) -> dict[str, float]:
    return dict(zip(frame.bundle, frame.p, strict=True))


def test_bundles_name_the_outcome(mc: pactsim.Results, ex: object) -> None:
    for of, want in (("pillars", PILLAR_SETS), ("transport", CLAUSE_SETS)):
        e = ex.bundles(top=None, of=of)  # type: ignore[attr-defined]
        got = _sets(e)
        assert set(got) == set(want)
        for k, p in want.items():
            assert got[k] == pytest.approx(p, abs=1e-12), k
        m = mc.bundles(top=None, of=of)
        assert set(m.bundle) == set(want)
        for _, r in m.iterrows():
            assert abs(r.p - want[r.bundle]) < 4 * r.stderr, (of, r.bundle)
    row = ex.bundles(top=None, of="all")  # type: ignore[attr-defined]
    full = row[row.bundle == "transport + instc=named + legal + form=binding_treaty"].iloc[0]
    assert full["items"] == ("transport", "instc=named", "legal", "form=binding_treaty")
    assert full["size"] == 4
    assert full.p == pytest.approx(S * T * 0.35 * 0.9 * FORM_SIGNED["binding_treaty"],
                                   abs=1e-12)
    # every set of the whole text has a probability, and they sum to 1
    assert row.p.sum() == pytest.approx(1.0, abs=1e-12)
    assert mc.bundles(top=None, of="all")["count"].sum() == mc.n


def test_weighted_and_conditioned_results_keep_the_layout(scenario: pactsim.Scenario,
                                                          ex: object) -> None:
    soft = pactsim.soft("instc == named", 3)
    w = pactsim.simulate(scenario, n=100_000, seed=3, evidence=soft)
    e = pactsim.exact(scenario, evidence=soft)
    a, b = w.marginals(), e.marginals()
    assert list(a.index) == list(b.index) == list(ex.marginals().index)  # type: ignore[attr-defined]
    assert ((a.p - b.p).abs() < 4 * a.stderr.where(a.stderr > 0, 1e-12)).all()
    # P(named | evidence) by the likelihood-ratio formula
    p = INSTC["named"]
    assert b.loc["instc=named", "p"] == pytest.approx(3 * p / (3 * p + 1 - p), abs=1e-12)
    # P(outcome | signed, evidence): the signed shares (0.36, 0.36, 0.28), named times 3
    got = e.outcomes("instc", given="signing")
    assert got.p.to_numpy() == pytest.approx(np.array([0.36, 0.36, 0.84]) / 1.56, abs=1e-12)
    eb = _sets(e.bundles(top=None, of="transport"))
    wb = w.bundles(top=None, of="transport")
    assert set(wb.bundle) == set(eb)
    for _, r in wb.iterrows():
        assert abs(r.p - eb[r.bundle]) < 4 * r.stderr, r.bundle
    hard = mc_given = pactsim.simulate(scenario, n=100_000, seed=4).given("war")
    got = mc_given.outcomes("form")
    assert list(got.index) == list(FORM_GIVEN_WAR)
    want = np.array(list(FORM_GIVEN_WAR.values()))
    assert (np.abs(got.p.to_numpy() - want) < 4 * got.stderr.to_numpy()).all()
    assert hard.bundles(of="pillars").bundle.str.contains("form=").any()


def test_to_frame_has_each_categorical_outcome(mc: pactsim.Results) -> None:
    frame = mc.to_frame()
    cols = list(frame.columns)
    assert cols[cols.index("instc") + 1] == "instc.outcome"
    out = frame["instc.outcome"]
    assert list(out.cat.categories) == ["absent", "generic", "named"]
    assert not out.isna().any()
    assert ((out != "absent") == frame["instc"]).all()  # present = not absent
    marg = mc.marginals()
    shares = out.value_counts(normalize=True)
    for x in ("absent", "generic", "named"):
        assert shares[x] == pytest.approx(marg.loc[f"instc={x}", "p"], abs=1e-12)
