"""Monte Carlo under evidence: likelihood weighting, rejection, soft findings (issue 11).

Every estimate is checked against an answer that does not come from the
weighted engine: exact inference conditioned with ``prob(q, given=E)`` (hard
evidence), the hand formula ``(r P(Q,E) + P(Q,~E)) / (r P(E) + P(~E))`` from
exact probabilities (soft evidence), or the naive reference sampler with
rejection. Tolerances are stated in standard errors of the estimate; seeds
are fixed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import numpy as np
import pytest

import pactsim
import pactsim.montecarlo  # the test below patches it as an attribute
from pactsim.errors import ArgumentError, ConditionError
from pactsim.results.estimate import Estimate

ROOT = Path(__file__).resolve().parents[2]
SIGMAS = 4.5  # with ~60 comparisons, a false alarm at 4.5 sigma is ~1 in 2,000 runs


def _load(name: str) -> pactsim.Scenario:
    return pactsim.load(ROOT / "scenarios" / name)


@pytest.fixture(scope="module")
def flagship() -> pactsim.Scenario:
    return _load("iran-russia-2024.yaml")


@pytest.fixture(scope="module")
def flag_exact(flagship: pactsim.Scenario) -> object:
    return pactsim.exact(flagship)


def _close(est: Estimate, exact: float, sigmas: float = SIGMAS) -> None:
    assert est.stderr > 0 or est.value == exact, est
    z = (est.value - exact) / est.stderr if est.stderr > 0 else 0.0
    assert abs(z) <= sigmas, f"{est!r} is {z:+.2f} SE from the exact {exact:.6g}"


# -- hard evidence: nodes, dates, expressions --------------------------------------
CASES = [
    # (scenario, evidence, questions) — weighting on nodes ...
    ("iran-russia-2024.yaml", "mutual_defence",
     ["signed_by_2024", "iran_israel_escalation", "s400_sale", "in_force"]),
    ("iran-russia-2024.yaml", {"su35_sale": True, "new_sanctions": False},
     ["mutual_defence", "signing.date <= 2025-03-31", "us_trump_win", "payments"]),
    # ... on dates of curve nodes ...
    ("iran-russia-2024.yaml", "not signing.date <= 2024-12-01",
     ["mutual_defence", "in_force", "us_trump_win", "signing.date <= 2025-02-01"]),
    ("iran-russia-2024.yaml", "signing.date == 2025-01-17",
     ["mutual_defence", "ratified_ru.date <= 2025-06-30", "iran_israel_escalation"]),
    ("iran-russia-2024.yaml", "signing.date >= 2025-01-10 and signing.date <= 2025-01-20",
     ["signing.date <= 2025-01-15", "us_trump_win", "in_force"]),
    # ... on milestones (the ever bit, the delay given the anchor) ...
    ("iran-russia-2024.yaml", "ratified_ru.date <= 2025-06-30",
     ["mutual_defence", "signed_by_2024", "ratified_ir"]),
    ("iran-russia-2024.yaml", {"ratified_ru": dt.date(2025, 4, 21)},
     ["signed_by_2024", "in_force", "ratified_ir", "mutual_defence"]),
    ("iran-russia-2024.yaml", "not ratified_ir.date <= 2025-06-30",
     ["signed_by_2024", "in_force", "ratified_ir"]),
    ("iran-russia-2024.yaml", "not ratified_ir", ["signed_by_2024", "mutual_defence"]),
    ("iran-russia-2024.yaml", "in_force.date <= 2025-05-31", ["signed_by_2024", "mutual_defence"]),
    ("analytic-dated.yaml", "ratify_a.date <= 2025-03-02", ["shock", "signed_by_jan31"]),
    ("analytic-dated.yaml", "ratify_b.date <= 2025-02-20", ["shock", "signed_by_jan31"]),
    ("analytic-dated.yaml", "not in_force", ["shock", "signed_by_jan31", "crisis_by_q1"]),
    # ... rejection on the rest (or, questions) and a mix
    ("iran-russia-2024.yaml", ["su35_sale or mutual_defence", "not us_trump_win"],
     ["drones_missiles", "signed_by_2024", "iran_israel_escalation"]),
    ("analytic-gates.yaml", "jets", ["drones", "war", "energy", "backlash"]),
    ("analytic-gates.yaml", "not military", ["backlash", "signing", "payments"]),
    ("analytic-dated.yaml", "crisis.date <= 2025-01-31", ["shock", "signed_by_jan31"]),
    ("analytic-dated.yaml", {"signing": False, "crisis": True}, ["shock", "early_bonus"]),
    ("analytic-dated.yaml", "in_force_by_apr11", ["shock", "crisis_by_q1"]),
    ("analytic-timing.yaml", "not signing.date <= 2025-03-31", ["by_may15", "extra", "core"]),
    ("analytic-timing.yaml", "signing.date > 2025-05-01", ["by_may15", "ratified"]),
    ("analytic-independent.yaml", "d", ["a", "b", "both_ab"]),
]


@pytest.mark.parametrize(("file", "evidence", "questions"), CASES,
                         ids=[f"{c[0].split('.')[0]}:{c[1]}" for c in CASES])
def test_hard_evidence_matches_exact(file: str, evidence: object, questions: list[str]) -> None:
    sc = _load(file)
    res = pactsim.simulate(sc, n=150_000, seed=11, evidence=evidence)
    ex = pactsim.exact(sc)
    text = pactsim.language.evidence.hard_text(pactsim.language.evidence.as_findings(evidence))
    assert res.weighted and res.info.evidence is not None
    assert 0 < res.info.ess <= res.n
    for q in questions:
        est = res.prob(q)
        assert est.ess is not None and est.ess <= res.n
        _close(est, ex.prob(q, given=text).value)


def test_every_marginal_under_evidence(flagship: pactsim.Scenario, flag_exact: object) -> None:
    """The whole marginals frame (and P(· | signed)) under date evidence vs exact."""
    e = "signing.date <= 2025-02-28 and not signing.date <= 2024-12-31"
    res = pactsim.simulate(flagship, n=150_000, seed=3, evidence=e, keep_draws=False)
    m = res.marginals()
    for node, row in m.iterrows():
        # a categorical node's outcome row instc=named is the expression instc == named
        text = f"{row['of']} == {row.outcome}" if row.kind == "outcome" else str(node)
        exact = flag_exact.prob(text, given=e).value  # type: ignore[attr-defined]
        assert abs(row.p - exact) <= SIGMAS * row.stderr + 1e-12, (node, row.p, exact)
        if not math.isnan(row.p_given_signed):
            ex_s = flag_exact.prob(text, given=f"({e}) and signing").value  # type: ignore[attr-defined]
            assert abs(row.p_given_signed - ex_s) <= SIGMAS * row.stderr_given_signed + 1e-12


def test_questions_dates_bundles_numeric_under_evidence(flagship: pactsim.Scenario,
                                                        flag_exact: object) -> None:
    e = "mutual_defence"
    ex = flag_exact
    res = pactsim.simulate(flagship, n=150_000, seed=5, evidence=e)
    qs = res.questions()
    for q, row in qs.iterrows():
        _close(Estimate(row.p, row.stderr, row.lo, row.hi, 1), ex.prob(str(q), given=e).value)  # type: ignore[attr-defined]
    cdf = res.date_cdf("in_force", ["2025-06-30", "2025-09-30"])
    for day, row in cdf.iterrows():
        d = str(day.date())  # type: ignore[attr-defined]
        _close(Estimate(row.p, row.stderr, row.lo, row.hi, 1),
               ex.prob(f"in_force.date <= {d}", given=e).value)  # type: ignore[attr-defined]
    top = res.bundles(top=3, of="pillars")
    pillars = list(flagship.pillars)
    for _, row in top.iterrows():  # a categorical pillar is listed as instc=named
        shown = {i.split("=")[0]: i.replace("=", " == ") for i in row["items"]}
        expr = " and ".join(shown.get(p, f"not {p}") for p in pillars)
        _close(Estimate(row.p, row.stderr, row.lo, row.hi, 1), ex.prob(expr, given=e).value)  # type: ignore[attr-defined]
    # E[n_pillars | e] is the sum of the pillars' conditional chances (linearity)
    mean = sum(ex.prob(p, given=e).value for p in pillars)  # type: ignore[attr-defined]
    s = res.numeric("n_pillars")
    assert abs(s.mean - mean) <= SIGMAS * s.stderr, (s.mean, mean, s.stderr)
    q = res.date_quantiles("in_force", band=True)
    assert q["lo"].iloc[1] <= q["date"].iloc[1] <= q["hi"].iloc[1]


# -- soft evidence -------------------------------------------------------------------
def _soft_exact(ex: object, q: str, e: str, r: float, hard: str | None = None) -> float:
    def p(x: str) -> float:
        return float(ex.prob(x if hard is None else f"({x}) and ({hard})").value)  # type: ignore[attr-defined]

    qe, q_not_e, pe, not_e = p(f"({q}) and ({e})"), p(f"({q}) and not ({e})"), p(e), p(f"not ({e})")
    return (r * qe + q_not_e) / (r * pe + not_e)


@pytest.mark.parametrize(("e", "r"), [("drones_missiles", 3.0),
                                      ("signing.date <= 2024-12-31", 0.25),
                                      ("su35_sale or s400_sale", 10.0)])
def test_soft_evidence_matches_hand_formula(flagship: pactsim.Scenario, flag_exact: object,
                                            e: str, r: float) -> None:
    res = pactsim.simulate(flagship, n=150_000, seed=7, evidence=pactsim.soft(e, r))
    for q in ["mutual_defence", "signed_by_2024", "iran_israel_escalation", "drones_missiles"]:
        _close(res.prob(q), _soft_exact(flag_exact, q, e, r))


def test_soft_and_hard_together(flagship: pactsim.Scenario, flag_exact: object) -> None:
    hard = "not signing.date <= 2024-12-01"
    res = pactsim.simulate(flagship, n=150_000, seed=8,
                           evidence=[hard, pactsim.soft("military", 4)])
    for q in ["mutual_defence", "in_force", "us_trump_win"]:
        want = _soft_exact(flag_exact, q, "military", 4.0, hard)
        _close(res.prob(q), want)


# -- rare evidence -------------------------------------------------------------------
RARE = ("brics_payments and su35_sale and s400_sale and mutual_defence and not new_sanctions "
        "and lng and rasht_astara and eaeu_fta and not ukraine_war_continues")


def test_rare_evidence_gives_a_usable_estimate(flagship: pactsim.Scenario,
                                               flag_exact: object) -> None:
    p_e = flag_exact.prob(RARE).value  # type: ignore[attr-defined]
    assert 1e-7 < p_e < 2e-6  # rejection would keep ~0.1 of 150,000 draws
    res = pactsim.simulate(flagship, n=150_000, seed=2, evidence=RARE, keep_draws=False)
    assert res.info.ess > 5_000
    for q in ["signed_by_2024", "in_force", "iran_israel_escalation", "us_trump_win"]:
        est = res.prob(q)
        assert est.stderr / est.value < 0.02
        _close(est, flag_exact.prob(q, given=RARE).value)  # type: ignore[attr-defined]


# -- impossible evidence -------------------------------------------------------------
TINY = ("pactsim: 1\nid: tiny\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
        "events:\n  never: {p: 0}\n  always: {p: 1}\n  rain: {p: 0.3}\n")


@pytest.mark.parametrize(("file", "evidence", "named"), [
    (None, "never", "never"),
    (None, "rain and not always", "always"),
    (None, {"rain": True, "never": True}, "never"),
    (None, "rain and not rain", "rain"),
    ("iran-russia-2024.yaml", {"mutual_defence": True, "military": False}, "mutual_defence"),
    ("iran-russia-2024.yaml", "signing.date == 2024-11-05", "signing"),
    ("iran-russia-2024.yaml", "signing.date <= 2024-12-01 and signing.date >= 2025-01-01",
     "signing"),
    ("iran-russia-2024.yaml", "mutual_defence and not signing", "mutual_defence"),
    ("analytic-timing.yaml", "signing.date >= 2025-07-01 and signing", "signing"),
    ("iran-russia-2024.yaml", "ratified_ru.date == 2024-11-06", "ratified_ru"),
    ("iran-russia-2024.yaml", "in_force and not signing", "in_force"),
])
def test_impossible_evidence_is_named_before_sampling(monkeypatch: pytest.MonkeyPatch,
                                                      file: str | None, evidence: object,
                                                      named: str) -> None:
    sc = pactsim.loads(TINY) if file is None else _load(file)

    def no_sampling(*args: object) -> object:
        raise AssertionError("sampled despite impossible evidence")

    monkeypatch.setattr(pactsim.montecarlo, "_run_chunk", no_sampling)
    with pytest.raises(ConditionError, match=named):
        pactsim.simulate(sc, n=10_000, seed=1, evidence=evidence)


def test_all_zero_weights_are_refused_with_the_count() -> None:
    # possible (0.3^12 = 5e-7) but held in none of 5,000 draws: the count is said
    sc = pactsim.loads(TINY.replace("  rain: {p: 0.3}\n", "".join(
        f"  rain{i}: {{p: 0.3}}\n" for i in range(12))))
    with pytest.raises(ConditionError, match="none of the 5,000 draws"):
        pactsim.simulate(sc, n=5_000, seed=1,
                         evidence="count(" + ", ".join(f"rain{i}" for i in range(12))
                         + ") == 12")
    # impossible (a count of one node twice is 0 or 2): said so, whatever n
    # (exact inference is asked where no draw holds it; session 15)
    with pytest.raises(ConditionError, match="is impossible in this scenario"):
        pactsim.simulate(pactsim.loads(TINY), n=5_000, seed=1,
                         evidence="count(rain, rain) == 1")


def test_target_se_with_evidence_is_refused() -> None:
    with pytest.raises(ArgumentError, match="target_se"):
        pactsim.simulate(pactsim.loads(TINY), n=10_000, seed=1, evidence="rain",
                         target_se=0.01)


# -- reproducibility and bounded memory ----------------------------------------------
def _fingerprint(res: pactsim.Results) -> list[object]:
    st = res.stats
    return [st.w, st.w2, st.node_w.tobytes(), st.node_w2.tobytes(),  # type: ignore[union-attr]
            st.date_w.tobytes(), st.date_w2.tobytes(), sorted(st.bool_w.items()),  # type: ignore[union-attr]
            {k: (m.mean, m.m2, m.w) for k, m in st.moments.items()},
            {k: (t.w.tobytes(), t.w2.tobytes()) for k, t in st.sets.items()}]  # type: ignore[union-attr]


def test_same_seed_same_weighted_summaries_whatever_chunking(flagship: pactsim.Scenario) -> None:
    ev = ["mutual_defence or su35_sale", "not signing.date <= 2024-12-01",
          pactsim.soft("drones_missiles", 2)]
    n = 3 * 65_536 + 1_000
    a = pactsim.simulate(flagship, n=n, seed=9, evidence=ev, chunk_size=65_536)
    b = pactsim.simulate(flagship, n=n, seed=9, evidence=ev, chunk_size=4 * 65_536,
                         keep_draws=False)
    c = pactsim.simulate(flagship, n=n, seed=9, evidence=ev, chunk_size=65_536, workers=2)
    assert _fingerprint(a) == _fingerprint(b) == _fingerprint(c)
    assert a.prob("in_force") == b.prob("in_force") == c.prob("in_force")
    assert a.marginals().equals(b.marginals())
    assert a.draws is not None and b.draws is None
    assert a.draws.weight is not None and a.draws.weight.shape == (n,)
    d = pactsim.simulate(flagship, n=n, seed=10, evidence=ev, keep_draws=False)
    assert _fingerprint(d) != _fingerprint(b)


def test_expression_from_kept_draws_agrees_with_streaming(flagship: pactsim.Scenario) -> None:
    """A question asked as an expression over the kept weighted draws equals its
    streaming estimate (same sums, other code path)."""
    res = pactsim.simulate(flagship, n=100_000, seed=4, evidence="su35_sale")
    a = res.prob("arms_package")  # streaming (a scenario question)
    b = res.prob("su35_sale or s400_sale")  # from the draws and their weights
    assert a.value == pytest.approx(b.value, rel=1e-12)
    assert a.stderr == pytest.approx(b.stderr, rel=1e-9)


def test_ess_is_n_without_evidence_and_with_flat_weights() -> None:
    sc = pactsim.loads(TINY)
    res = pactsim.simulate(sc, n=20_000, seed=1)
    assert res.info.ess == res.ess == 20_000
    assert res.prob("rain").ess is None
    flat = pactsim.simulate(sc, n=20_000, seed=1, evidence=pactsim.soft("rain or not rain", 5))
    assert flat.info.ess == pytest.approx(20_000, rel=1e-12)
    est, plain = flat.prob("rain"), res.prob("rain")
    assert est.value == pytest.approx(plain.value, rel=1e-12)  # the same draws, equal weights
    assert est.stderr == pytest.approx(plain.stderr, rel=1e-9)


def test_weighted_estimate_by_hand() -> None:
    # weights 1, 1, 2, 4 with f = 1, 0, 1, 0: p = 3/8; var = sum w^2 (f - p)^2 / 8^2
    w = np.array([1.0, 1.0, 2.0, 4.0])
    f = np.array([1.0, 0.0, 1.0, 0.0])
    est = Estimate.weighted(float(w @ f), float((w * w) @ f), float(w.sum()), float(w @ w), 4)
    p = 3 / 8
    assert est.value == p
    assert est.stderr == pytest.approx(math.sqrt(float((w * w) @ (f - p) ** 2)) / 8)
    assert est.ess == pytest.approx(64 / 22)
    assert "ess=3" in repr(est) and "ess" not in repr(Estimate.from_counts(3, 8))


# -- Results.given ---------------------------------------------------------------------
def test_given_with_soft_reweights_kept_draws(flagship: pactsim.Scenario,
                                              flag_exact: object) -> None:
    res = pactsim.simulate(flagship, n=150_000, seed=12)
    g = res.given(pactsim.soft("drones_missiles", 3))
    assert g.weighted and g.info.given == "drones_missiles (x3)"
    for q in ["mutual_defence", "signed_by_2024"]:
        _close(g.prob(q), _soft_exact(flag_exact, q, "drones_missiles", 3.0))
    plain = res.given("mutual_defence")  # a str: rejection, as before
    assert not plain.weighted and plain.prob("signed_by_2024").ess is None
    assert plain.n == res.prob("mutual_defence").value * res.n


def test_given_on_weighted_results(flagship: pactsim.Scenario, flag_exact: object) -> None:
    res = pactsim.simulate(flagship, n=150_000, seed=13, evidence="mutual_defence")
    g = res.given("not signing.date <= 2024-12-01")
    both = "mutual_defence and not signing.date <= 2024-12-01"
    assert g.weighted and g.info.n_run == 150_000
    for q in ["iran_israel_escalation", "in_force", "s400_sale"]:
        _close(g.prob(q), flag_exact.prob(q, given=both).value)  # type: ignore[attr-defined]
    with pytest.raises(ConditionError, match=r"no day of 'signing' in .* satisfies it"):
        res.given("signing.date <= 2024-11-06 and not signing")  # impossible: no n is enough
    rare = ("brics_payments and su35_sale and s400_sale and not new_sanctions and lng and space "
            "and gas_pipeline and not us_trump_win and not trade and not security")
    assert 0 < flag_exact.prob(rare).value < 1e-7  # type: ignore[attr-defined]
    with pytest.raises(ConditionError, match="held in none of the 150,000 draws .* raise n, "
                                             r"or pass it to simulate\(\.\.\., evidence=\)"):
        res.given(rare)  # possible, only rare: more draws, or weights


def test_views_work_under_evidence(flagship: pactsim.Scenario) -> None:
    res = pactsim.simulate(flagship, n=70_000, seed=1, evidence=["mutual_defence",
                                                                 pactsim.soft("lng", 2)])
    text = res.summary()
    assert "effective sample size" in text and "mutual_defence" in text
    assert "<" in res._repr_html_()
    frame = res.to_frame()
    assert "weight" in frame and frame["weight"].sum() > 0
    assert "ess=" in repr(res) and "ess=" in repr(res.prob("lng"))
    from pactsim.views.export import results_to_json

    assert "mutual_defence" in results_to_json(res)


def test_curve_without_day_tables_falls_back_to_rejection(monkeypatch: pytest.MonkeyPatch) -> None:
    """A curve node too large for per-day tables is drawn from its points; a finding on
    its date is then rejected on (not clamped), and the answer is still right."""
    import pactsim.inference.dated as dated

    monkeypatch.setattr(dated, "_TABLE_BUDGET", 0)
    sc = _load("analytic-timing.yaml")  # a fresh load: plans and tables built anew
    from pactsim.inference.compile import compile_scenario
    from pactsim.inference.weighting import plan_evidence
    from pactsim.language.evidence import as_findings

    e = "not signing.date <= 2025-03-31"
    plan = plan_evidence(compile_scenario(sc), as_findings(e))
    assert not plan.dates and len(plan.residual) == 1
    res = pactsim.simulate(sc, n=100_000, seed=3, evidence=e)
    ex = pactsim.exact(_load("analytic-timing.yaml"))
    for q in ["by_may15", "extra", "core"]:
        _close(res.prob(q), ex.prob(q, given=e).value)


def test_estimates_show_their_effective_sample_size_in_html() -> None:
    res = pactsim.simulate(pactsim.loads(TINY), n=10_000, seed=1,
                           evidence=pactsim.soft("rain", 2))
    assert "effective" in res.prob("rain")._repr_html_()
    assert "effective sample size" in res._repr_html_()
    assert "effective" not in Estimate.from_counts(3, 10)._repr_html_()


def test_huge_and_tiny_soft_ratios_neither_overflow_nor_lose_the_answer(
        flagship: pactsim.Scenario) -> None:
    """Ratios of 1e300 (three findings on one expression: 1e900 in all) and 1e-200 give
    the exact answers: the soft weights are scaled to at most 1, a constant factor."""
    import warnings

    cases = [[pactsim.soft("drones_missiles", 1e300)] * 3 + [pactsim.soft("su35_sale", 1e200)],
             [pactsim.soft("su35_sale", 1e-200), pactsim.soft("lng", 5.0)]]
    for evidence in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)  # no overflow on the way
            res = pactsim.simulate(flagship, n=40_000, seed=2, evidence=evidence,
                                   keep_draws=False)
        ex = pactsim.exact(flagship, evidence=evidence)
        assert res.info.ess is not None and math.isfinite(res.info.ess) and res.info.ess > 100
        for q in ("drones_missiles", "su35_sale", "lng", "mutual_defence"):
            want = float(ex.prob(q))
            if want < 1e-100:  # 1e-200 times the prior: no standard error to compare with
                assert res.prob(q).value == pytest.approx(want, rel=0.1)
            else:
                _close(res.prob(q), want)
        weights = res.draws.weight if res.draws is not None else None
        assert weights is None or float(weights.max()) <= 1.0


def test_given_with_a_huge_soft_ratio_is_hard_evidence_not_nan() -> None:
    """res.given(soft(x, 1e300)) weights draws by r / max(r, 1): no overflow, and the
    answer is that of hard evidence x over the same kept draws (a ratio that large leaves
    the draws without x a weight of 1e-300: nothing)."""
    import math

    sc = pactsim.load(ROOT / "scenarios" / "iran-russia-2024.yaml")
    res = pactsim.simulate(sc, 20_000, seed=3)
    soft = res.given(pactsim.soft("drones_missiles", 1e300)).prob("arms_package")
    hard = res.given("drones_missiles").prob("arms_package")
    assert math.isfinite(soft.stderr) and soft.stderr > 0
    assert soft.value == pytest.approx(hard.value, abs=1e-9)


@pytest.mark.parametrize("of", ["clauses", "pillars"])
def test_weighted_bundles_are_the_weighted_share_of_their_draws(flagship: pactsim.Scenario,
                                                                of: str) -> None:
    """Each bundle's P and standard error under soft and hard evidence equal the weighted
    estimate of its expression over the kept draws (another code path: expressions on
    the draws and their weights), across blocks merged and draws of weight 0. The
    clause sets are too many for a dense table (their sums are grouped and merged),
    the pillar sets are tabulated densely."""
    ev = ["su35_sale or s400_sale", pactsim.soft("drones_missiles", 3)]  # (an "or": weight 0)
    res = pactsim.simulate(flagship, n=3 * 65_536 + 1_000, seed=21, evidence=ev,
                           chunk_size=65_536)
    assert res.draws is not None and res.draws.weight is not None
    assert (res.draws.weight == 0).any() and len(set(res.draws.weight.tolist())) > 2
    table = res.bundles(top=None, of=of)
    assert (table["bound"] == 0).all()
    members = sorted({i.split("=")[0] for items in table["items"] for i in items})
    for _, row in table.head(8).iterrows():
        shown = {i.split("=")[0]: i.replace("=", " == ") for i in row["items"]}
        est = res.prob(" and ".join(shown.get(m, f"not {m}") for m in members))
        assert row.p == pytest.approx(est.value, rel=1e-9), (row.bundle, row.p, est)
        assert row.stderr == pytest.approx(est.stderr, rel=1e-9), (row.bundle, row.stderr, est)


@pytest.mark.parametrize(("key", "value", "hint"), [
    ("military or energy", False, "write the expression itself"),
    ("signing.date", "2025-01-17", "write {'signing': ...} with a date"),
])
def test_a_mapping_key_must_be_a_node_name(flagship, flag_exact, key, value, hint):
    """review-api27: {"military or energy": False} was read 'not military or energy'
    (P(energy) 0.78 where the evidence makes it 0)."""
    res = pactsim.simulate(flagship, n=2_000, seed=1)
    for given in (res.given, flag_exact.given,
                  lambda ev: pactsim.simulate(flagship, n=100, seed=1, evidence=ev)):
        with pytest.raises(ArgumentError, match=rf"^evidence: key '{key}' is not a node name: "
                           rf".*; {re.escape(hint)}"):
            given({key: value})
    # the expression written out is the way: it rules energy out
    assert flag_exact.given("not (military or energy)").prob("energy").value == 0
    # a name with spaces around it is still the name
    assert flag_exact.given({" military ": True}).prob("military").value == 1
