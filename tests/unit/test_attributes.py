"""Numeric attributes (format 3): located errors, draws, exact answers, summaries.

Monte Carlo answers are compared with exact or closed-form ones within 4 standard
errors (fixed seeds); exact answers with hand-derived ones (the normal CDF through
math.erf) to rounding.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import pactsim
from pactsim.errors import ModelTooWideError, ScenarioError
from pactsim.language.attributes import parse_quantity

HEADER = "pactsim: 3\nid: t\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
EVENTS = "events:\n  rain: {p: 0.3}\n"  # lines 5-6; a body starts on line 7


def phi(x: float) -> float:
    """The standard normal CDF."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


Z90 = 1.2815515655446004

# -- located errors ---------------------------------------------------------------
ERRORS = [
    ("unknown_dist", "attributes:\n  n: {dist: {normel: {mean: 1, sd: 1}}}\n", 8, 14,
     "attributes.n.dist.normel", "unknown distribution 'normel'; did you mean 'normal'?"),
    ("sd_zero", "attributes:\n  n: {dist: {normal: {mean: 1, sd: 0}}}\n", 8, 36,
     "attributes.n.dist.normal.sd", "= 0 must be > 0 (the standard deviation"),
    ("sd_negative", "attributes:\n  n:\n    dist:\n      normal: {mean: 1, sd: -2}\n", 10, 29,
     "attributes.n.dist.normal.sd", "= -2 must be > 0"),
    ("uniform_order", "attributes:\n  n: {dist: {uniform: {low: 5, high: 5}}}\n", 8, 38,
     "attributes.n.dist.uniform.high", "= 5 must be above low (5)"),
    ("p90_below_median", "attributes:\n  n: {dist: {lognormal: {median: 40, p90: 30}}}\n",
     8, 43, "attributes.n.dist.lognormal.p90", "= 30 must be above the median (40)"),
    ("median_negative", "attributes:\n  n: {dist: {lognormal: {median: -1, p90: 3}}}\n",
     8, 34, "attributes.n.dist.lognormal.median", "must be > 0"),
    ("values_sum", "attributes:\n  n: {dist: {values: {20: 0.7, 10: 0.2}}}\n", 8, 22,
     "attributes.n.dist.values", "probabilities sum to 0.9, not 1"),
    ("values_key", "attributes:\n  n: {dist: {values: {ten: 0.5, 20: 0.5}}}\n", 8, 23,
     "attributes.n.dist.values.ten", "key 'ten' is not a number"),
    ("normal_missing_sd", "attributes:\n  n: {dist: {normal: {mean: 1}}}\n", 8, 14,
     "attributes.n.dist.normal", "normal needs mean and sd (missing sd)"),
    ("normal_unknown_param", "attributes:\n  n: {dist: {normal: {mean: 1, sd: 1, sdd: 2}}}\n",
     8, 39, "attributes.n.dist.normal.sdd", "unknown parameter 'sdd' of normal"),
    ("bool_quantity", "attributes:\n  n: {dist: true}\n", 8, 13, "attributes.n.dist",
     "is not a quantity (true/false is not a number)"),
    ("no_dist", "attributes:\n  n: {label: Articles}\n", 8, 3, "attributes.n",
     "needs a distribution: dist"),
    ("dist_and_table", "attributes:\n  n: {dist: 3, given: [rain], table: {true: 1, false: 2}}\n",
     8, 3, "attributes.n", "give either dist or given + table, not both"),
    ("given_unknown", "attributes:\n  n: {given: [rian], table: {true: 1, false: 2}}\n", 8, 15,
     "attributes.n.given[0]", "unknown name 'rian' (in given); did you mean 'rain'?"),
    ("table_leaf", "attributes:\n  n: {given: [rain], table: {true: {normal: {mean: 1, sd: -1}}, "
     "false: 2}}\n", 8, 59, "attributes.n.table.true.normal.sd", "= -1 must be > 0"),
    ("table_missing_row", "attributes:\n  n: {given: [rain], table: {true: 1}}\n", 8, 22,
     "attributes.n.table", "missing combinations: rain=false"),
    ("round_not_bool", "attributes:\n  n: {dist: 3, round: yes}\n", 8, 23, "attributes.n.round",
     "must be true or false"),
    ("unknown_field", "attributes:\n  n: {dist: 3, roud: true}\n", 8, 16, "attributes.n.roud",
     "unknown field 'roud'"),
    ("name_clash", "attributes:\n  rain: {dist: 3}\n", 8, 3, "attributes.rain",
     "name 'rain' is already used"),
    ("node_given_attribute", "attributes:\n  n: {dist: 3}\npillars:\n  p:\n    given: [n]\n"
     "    table: {true: 0.5, false: 0.1}\n", 11, 13, "pillars.p.given[0]",
     "'n' is a numeric attribute; attributes are outcomes that nodes cannot depend on"),
    ("node_requires_attribute", "attributes:\n  n: {dist: 3}\npillars:\n  p: {p: 0.5, "
     "requires: [n]}\n", 10, 26, "pillars.p.requires[0]",
     "attributes are outcomes that nodes cannot depend on"),
    ("node_condition_attribute", "attributes:\n  n: {dist: 3}\npillars:\n  p: {p: 0.5, "
     "odds: {\"n > 2\": 2}}\n", 10, 22, "pillars.p.odds.n > 2",
     "uses the numeric attribute 'n'; attributes are outcomes that nodes cannot depend on"),
    ("attribute_gated_by_attribute", "attributes:\n  n: {dist: 3}\n  m: {dist: 4, requires: [n]}\n",
     9, 27, "attributes.m.requires[0]", "'n' is a numeric attribute"),
    ("categorical_key", "pillars:\n  instc:\n    levels: {absent: 0.2, generic: 0.5, named: 0.3}\n"
     "attributes:\n  km:\n    given: [instc]\n    table: {absent: 0, generic: 1, nmed: 2}\n",
     13, 36, "attributes.km.table.nmed", "did you mean 'named'?"),
    ("question_typo", "attributes:\n  n_articles: {dist: 3}\nquestions:\n  q: n_artcles > 2\n",
     10, 6, "questions.q", "unknown name 'n_artcles'; did you mean 'n_articles'?"),
]


@pytest.mark.parametrize(("case", "body", "line", "column", "field", "fragment"), ERRORS,
                         ids=[c[0] for c in ERRORS])
def test_mistakes_are_located(case: str, body: str, line: int, column: int, field: str,
                              fragment: str) -> None:
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(HEADER + EVENTS + body, name="f.yaml")
    found = [p for p in err.value.problems if fragment in p.message]
    assert found, [str(p) for p in err.value.problems]
    p = found[0]
    assert (p.path, p.line, p.column, p.field) == ("f.yaml", line, column, field), str(p)


@pytest.mark.parametrize("version", [1, 2])
def test_older_formats_are_told_to_write_format_3(version: int) -> None:
    text = HEADER.replace("pactsim: 3", f"pactsim: {version}") + EVENTS + \
        "attributes:\n  n: {dist: 3}\n"
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(text, name="f.yaml")
    (p,) = err.value.problems
    assert (p.line, p.column, p.field) == (7, 1, "attributes")
    assert "write `pactsim: 3`" in p.message


def test_older_files_are_unchanged() -> None:
    text = HEADER.replace("pactsim: 3", "pactsim: 1") + EVENTS + "questions:\n  q: rain\n"
    sc = pactsim.loads(text)
    assert sc.attributes == {}
    assert "attributes" not in sc.model_dump_json(exclude_defaults=True)  # the digest's text
    res = pactsim.simulate(sc, n=1000, seed=1)
    assert res.model.attributes == ()
    assert res.draws is not None and res.draws.drivers.shape == (0, 1000)


# -- quantities -------------------------------------------------------------------
@pytest.mark.parametrize("spec", [
    {"normal": {"mean": 3, "sd": 2}}, {"uniform": {"low": -1, "high": 4}},
    {"lognormal": {"median": 40, "p90": 60}}, {"values": {20: 0.7, 10: 0.3}}, 7,
])
def test_ppf_inverts_cdf(spec: object) -> None:
    q = parse_quantity(spec)
    u = np.linspace(0.01, 0.99, 99)
    x = q.ppf(u)
    assert np.all(q.cdf(x) >= u - 1e-12)  # the smallest x with F(x) >= u (atoms included)
    if not q.discrete:
        np.testing.assert_allclose(q.cdf(x), u, atol=1e-12)


def test_lognormal_goes_through_median_and_p90() -> None:
    q = parse_quantity({"lognormal": {"median": 40, "p90": 60}})
    np.testing.assert_allclose(q.ppf(np.array([0.5, 0.9])), [40.0, 60.0], rtol=1e-12)


# -- Monte Carlo and exact answers -------------------------------------------------
FLAT = HEADER + EVENTS + """attributes:
  x:
    dist: {normal: {mean: 10, sd: 4}}
    requires: [rain]
questions:
  big: x > 13
  small: x <= 7
  xq: x
"""


def test_normal_attribute_against_the_normal_cdf() -> None:
    sc = pactsim.loads(FLAT)
    big = 0.3 * (1 - phi((13 - 10) / 4))
    small = 0.3 * phi((7 - 10) / 4)
    ex = pactsim.exact(sc)
    assert ex.prob("big").value == pytest.approx(big, abs=1e-12)
    assert ex.prob("small").value == pytest.approx(small, abs=1e-12)
    res = pactsim.simulate(sc, n=200_000, seed=7)
    for q, p in (("big", big), ("small", small)):
        est = res.prob(q)
        assert abs(est.value - p) < 4 * est.stderr, (q, est, p)
    num = ex.numeric("xq")
    assert num.mean == pytest.approx(10.0, abs=1e-12)
    assert num.sd == pytest.approx(4.0, abs=1e-12)
    assert num.missing == pytest.approx(0.7, abs=1e-12)
    assert num.quantiles[0.9] == pytest.approx(10 + 4 * Z90, abs=1e-9)
    mc = res.numeric("x")
    assert abs(mc.mean - 10.0) < 4 * mc.stderr
    assert abs(mc.missing - 0.7) < 4 * math.sqrt(0.21 / 200_000)


def test_missing_values_compare_like_missing_dates() -> None:
    sc = pactsim.loads(FLAT)
    ex = pactsim.exact(sc)
    # where rain is false x is missing (NaN): every comparison is false except !=
    assert ex.prob("x > -1e9 or x <= -1e9").value == pytest.approx(0.3, abs=1e-12)
    assert ex.prob("x != 10").value == pytest.approx(1.0, abs=1e-12)
    res = pactsim.simulate(sc, n=10_000, seed=1)
    assert res.prob("x > -1e9 or x <= -1e9").value == res.prob("rain").value


RICH = HEADER + """events:
  military: {p: 0.6}
signing:
  by: {2024-06-30: 0.4, 2024-12-31: 0.8}
pillars:
  instc:
    levels: {absent: 0.2, generic: 0.45, named: 0.35}
attributes:
  n_articles:
    dist: {lognormal: {median: 40, p90: 60}}
    round: true
    requires: [signing]
  term_years:
    given: [military]
    table:
      true: {values: {20: 0.7, 10: 0.3}}
      false: {uniform: {low: 5, high: 25}}
    requires: ["signing.date <= 2024-06-30"]
  corridor_km:
    given: [instc, military]
    table:
      absent: {true: 0, false: 0}
      generic: {true: {normal: {mean: 100, sd: 30}}, false: 50}
      named: {true: {normal: {mean: 300, sd: 50}}, false: {values: {250: 0.5, 350: 0.5}}}
questions:
  long_text: n_articles >= 40
  forty: n_articles == 40
  twenty_mil: term_years == 20 and military
  long_corridor: corridor_km > 150
  corridor_none: corridor_km == 0
  n: n_articles
"""
CHECKS = ["long_text", "forty", "twenty_mil", "long_corridor", "corridor_none",
          "term_years > 12 and signing", "corridor_km >= 250 and n_articles < 35",
          "instc == named and corridor_km <= 300"]


def test_monte_carlo_agrees_with_exact() -> None:
    sc = pactsim.loads(RICH)
    ex = pactsim.exact(sc)
    res = pactsim.simulate(sc, n=200_000, seed=11)
    for q in CHECKS:
        a, b = ex.prob(q).value, res.prob(q)
        assert abs(b.value - a) < 4 * max(b.stderr, 1e-4), (q, a, b)
    for q in ("term_years > 12", "long_text"):
        a, b = ex.prob(q, given="military").value, res.prob(q, given="military")
        assert abs(b.value - a) < 4 * b.stderr, (q, a, b)
    for name in ("n_articles", "term_years", "corridor_km", "n"):
        e, m = ex.numeric(name), res.numeric(name)
        assert abs(m.mean - e.mean) < 4 * m.stderr, (name, e, m)
        assert abs(m.missing - e.missing) < 4 * math.sqrt(0.25 / 200_000), (name, e, m)


def test_hand_derived_answers() -> None:
    sc = pactsim.loads(RICH)
    ex = pactsim.exact(sc)
    s = (math.log(60) - math.log(40)) / Z90
    # rounded lognormal: n = 40 iff the value lies in [39.5, 40.5), given signed (0.8)
    forty = 0.8 * (phi(math.log(40.5 / 40) / s) - phi(math.log(39.5 / 40) / s))
    assert ex.prob("forty").value == pytest.approx(forty, abs=1e-12)
    assert ex.prob("long_text").value == pytest.approx(0.8 * (1 - phi(math.log(39.5 / 40) / s)),
                                                       abs=1e-12)
    # term: only when signed by June (0.4): military (0.6) x 20 years (0.7)
    assert ex.prob("twenty_mil").value == pytest.approx(0.4 * 0.6 * 0.7, abs=1e-12)
    # uniform(5, 25) above 12 when not military, a sure value above 12 with 20 years
    assert ex.prob("term_years > 12").value == pytest.approx(
        0.4 * (0.6 * 0.7 + 0.4 * 13 / 20), abs=1e-12)
    # corridor: instc is a pillar, absent unless signed (0.8) and present (0.8)
    present = 0.8 * 0.8
    p_long = 0.6 * (0.8 * 0.45 * (1 - phi(50 / 30)) + 0.8 * 0.35 * (1 - phi(-3))) + \
        0.4 * 0.8 * 0.35
    assert ex.prob("long_corridor").value == pytest.approx(p_long, abs=1e-12)
    assert ex.prob("corridor_none").value == pytest.approx(1 - present, abs=1e-12)
    # the exact mean of the rounded lognormal is the mean of its whole-number law
    num = ex.numeric("n_articles")
    assert num.missing == pytest.approx(0.2, abs=1e-12)
    assert num.mean == pytest.approx(40 * math.exp(s * s / 2), rel=1e-3)
    assert num.histogram is not None and num.histogram.sum() == pytest.approx(0.8, abs=1e-9)
    assert num.quantiles[0.5] == 40.0
    term = ex.numeric("term_years")
    assert term.mean == pytest.approx(0.6 * 17 + 0.4 * 15, abs=1e-12)


def test_attribute_against_attribute_is_refused_exactly_and_simulated() -> None:
    sc = pactsim.loads(RICH)
    with pytest.raises(ModelTooWideError, match="compares a numeric attribute only with a number"):
        pactsim.exact(sc).prob("n_articles > term_years")
    res = pactsim.simulate(sc, n=20_000, seed=1)
    # by hand: both exist when signed by 2024-06-30 (0.4); the rounded lognormal N
    # exceeds a whole number k iff its value is at least k + 1/2, and exceeds
    # U ~ uniform(5, 25) iff it is at least floor(U) + 1/2
    s = (math.log(60) - math.log(40)) / Z90

    def above(x: float) -> float:
        return 1 - phi(math.log(x / 40) / s)

    want = 0.4 * (0.6 * (0.7 * above(20.5) + 0.3 * above(10.5))
                  + 0.4 * sum(above(k + 0.5) for k in range(5, 25)) / 20)
    got = res.prob("n_articles > term_years")
    assert abs(got.value - want) < 4 * got.stderr, (got, want)


def test_nodes_draw_the_same_with_and_without_attributes() -> None:
    """Attributes are drawn after every node: the nodes' draws for a seed do not change."""
    with_attrs = pactsim.loads(RICH)
    without = pactsim.loads(RICH.split("attributes:")[0] + "questions:\n  q: military\n")
    a = pactsim.simulate(with_attrs, n=70_000, seed=3)
    b = pactsim.simulate(without, n=70_000, seed=3)
    assert a.draws is not None and b.draws is not None
    for name in b.model.names:  # the condition gating term_years is a row of its own
        assert np.array_equal(a.draws.bits[a.model.index[name]], b.draws.bits[b.model.index[name]])
    assert np.array_equal(a.draws.days, b.draws.days)
    assert a.draws.drivers.shape == (3, 70_000)


def test_round_trip_keeps_the_digest() -> None:
    sc = pactsim.loads(RICH)
    again = pactsim.loads(pactsim.dumps(sc))
    assert again.digest == sc.digest
    assert again.attributes["n_articles"].round is True


def test_observations_on_attributes() -> None:
    text = RICH + """observations:
  - {date: 2024-02-01, source: a draft seen, evidence: "n_articles > 30", likelihood_ratio: 3}
"""
    sc = pactsim.loads(text)
    ex = pactsim.exact(sc)
    res = pactsim.simulate(sc, n=200_000, seed=5)
    for q in ("long_text", "twenty_mil", "long_corridor"):
        a, b = ex.prob(q).value, res.prob(q)
        assert abs(b.value - a) < 4 * b.stderr, (q, a, b)
    with pytest.raises(ModelTooWideError, match="evidence on the attribute itself"):
        ex.numeric("n_articles")
    e, m = ex.numeric("term_years"), res.numeric("term_years")
    assert abs(m.mean - e.mean) < 4 * m.stderr


def test_streaming_summary_of_a_continuous_question() -> None:
    sc = pactsim.loads(FLAT)
    kept = pactsim.simulate(sc, n=50_000, seed=2)
    lean = pactsim.simulate(sc, n=50_000, seed=2, keep_draws=False)
    # a question's summary is its streaming one, kept draws or not (no quantiles past
    # MAX_VALUES values); the attribute's own name is evaluated over the kept draws
    assert lean.numeric("xq").mean == kept.numeric("xq").mean
    assert kept.numeric("x").quantiles[0.5] == pytest.approx(10.0, abs=0.1)
    assert kept.numeric("x").missing == kept.numeric("xq").missing
    frame = kept.to_frame()
    assert np.isnan(frame["x"][~frame["rain"]]).all()


def test_with_changes_and_variants(tmp_path) -> None:
    sc = pactsim.loads(RICH)
    fixed = sc.with_changes({"term_years.dist": 7}).attributes["term_years"]
    assert (fixed.dist is not None and fixed.dist.a == 7.0, fixed.given, fixed.table) == \
        (True, None, None)  # dist replaces given + table
    with pytest.raises(ScenarioError, match=r"n_articles\.dist\.normal\.sd: = 0 must be > 0"):
        sc.with_changes({"n_articles.dist": {"normal": {"mean": 1, "sd": 0}}})
    (tmp_path / "base.yaml").write_text(RICH)
    (tmp_path / "var.yaml").write_text(
        "pactsim: 3\nextends: base.yaml\nid: variant\nattributes:\n  extra: {dist: 5}\n"
        "set:\n  n_articles.dist: {normal: {mean: 30, sd: 5}}\n")
    var = pactsim.load(tmp_path / "var.yaml")
    assert list(var.attributes) == ["n_articles", "term_years", "corridor_km", "extra"]
    dist = var.attributes["n_articles"].dist
    assert dist is not None and (dist.kind, dist.a, dist.b) == ("normal", 30.0, 5.0)


DATED = """pactsim: 3
id: x
as_of: 2024-01-01
horizon: 2025-12-31
events:
  rain: {p: 0.3}
  in_force: {after: signing, delay: {median: 100, p90: 200}}
signing:
  by: {2024-06-30: 0.4, 2025-12-31: 0.8}
  hazard_ratio: {rain: 1.5}
attributes:
  n:
    given: ["signing.date <= 2024-09-30"]
    table: {true: {normal: {mean: 10, sd: 2}}, false: {values: {3: 0.5, 12: 0.5}}}
    requires: [in_force]
"""


def test_attributes_of_dated_parents_agree() -> None:
    """A condition on a date as a parent, a milestone as a gate, whose date the question
    also asks about (the gate's bit is then its day's state in the exact joint law)."""
    sc = pactsim.loads(DATED)
    ex = pactsim.exact(sc)
    res = pactsim.simulate(sc, n=200_000, seed=4)
    for q in ("n > 11 and in_force.date <= 2025-06-30", "n > 11 and not rain", "n == 12",
              "n < 5 or signing.date <= 2024-03-31"):
        a, b = ex.prob(q).value, res.prob(q)
        assert abs(b.value - a) < 4 * b.stderr, (q, a, b)
    e, m = ex.numeric("n"), res.numeric("n")
    assert abs(m.mean - e.mean) < 4 * m.stderr
    assert e.quantiles[0.1] == 3.0  # an atom of the mixture, exactly


def test_pieces_of_a_rounded_law() -> None:
    """P(piece | row) on the whole-number grid: uniform(5, 25) rounded is 10 with
    P = 1/20 (values in [9.5, 10.5)), below 10 with 4.5/20, and so on."""
    from pactsim.inference.attributes import AttributePlan, bins

    q = parse_quantity({"uniform": {"low": 5, "high": 25}})
    plan = AttributePlan("t", (), (q,), whole=True)
    probs = plan.bin_probs(q, [10.0, 12.5])
    np.testing.assert_allclose(probs, [4.5 / 20, 1 / 20, 2 / 20, 0.0, 12.5 / 20], atol=1e-15)
    values = bins([10.0, 12.5])
    assert list(values[1::2]) == [10.0, 12.5]  # the cuts themselves, then points between
    assert values[0] < 10 < values[2] < 12.5 < values[4]
    unrounded = AttributePlan("t", (), (q,))
    np.testing.assert_allclose(unrounded.bin_probs(q, [10.0]), [0.25, 0.0, 0.75], atol=1e-15)
    discrete = parse_quantity({"values": {1.4: 0.5, 1.6: 0.5}})
    assert AttributePlan("t", (), (discrete,), whole=True).law(discrete).support()[0].tolist() \
        == [1.0, 2.0]


def test_a_categorical_outcome_as_a_gate() -> None:
    sc = pactsim.loads(HEADER + """pillars:
  instc:
    levels: {absent: 0.2, generic: 0.45, named: 0.35}
attributes:
  km: {dist: {uniform: {low: 0, high: 100}}, requires: ["instc == named"]}
questions:
  far: km > 80
""")
    ex = pactsim.exact(sc)
    assert ex.prob("far").value == pytest.approx(0.35 * 0.2, abs=1e-12)
    assert ex.numeric("km").missing == pytest.approx(0.65, abs=1e-12)
    res = pactsim.simulate(sc, n=100_000, seed=9)
    est = res.prob("far")
    assert abs(est.value - 0.07) < 4 * est.stderr


def test_values_keys_may_be_text_as_in_json() -> None:
    q = parse_quantity({"values": {"20": 0.7, "1e1": 0.3}})  # JSON keys, or quoted YAML ones
    assert (q.values, q.probs) == ((10.0, 20.0), (0.3, 0.7))
    with pytest.raises(ValueError, match="key 'ten' is not a number"):
        parse_quantity({"values": {"ten": 1}})


def test_draws_do_not_depend_on_chunking() -> None:
    sc = pactsim.loads(RICH)
    a = pactsim.simulate(sc, n=140_000, seed=8)
    b = pactsim.simulate(sc, n=140_000, seed=8, chunk_size=65_536)
    assert a.draws is not None and b.draws is not None
    np.testing.assert_array_equal(a.draws.drivers, b.draws.drivers)  # NaN where missing
    sa, sb = a.numeric("n"), b.numeric("n")
    assert (sa.mean, sa.sd, sa.quantiles, sa.missing) == (sb.mean, sb.sd, sb.quantiles, sb.missing)


def test_streaming_summaries_without_kept_draws() -> None:
    sc = pactsim.loads(RICH)
    lean = pactsim.simulate(sc, n=100_000, seed=6, keep_draws=False)
    kept = pactsim.simulate(sc, n=100_000, seed=6)
    for name in ("n_articles", "term_years", "corridor_km"):
        a, b = lean.numeric(name), kept.numeric(name)
        assert (a.mean, a.missing) == pytest.approx((b.mean, b.missing), rel=1e-12), name
    assert lean.numeric("n_articles").quantiles == kept.numeric("n_articles").quantiles
    assert not lean.numeric("term_years").quantiles  # too many values: the draws give them
    assert kept.numeric("term_years").quantiles[0.5] == 20.0
    weighted = pactsim.simulate(sc, n=100_000, seed=6, keep_draws=False,
                                evidence="n_articles > 30")
    exact = pactsim.exact(sc, evidence="n_articles > 30").numeric("term_years")
    got = weighted.numeric("term_years")
    assert abs(got.mean - exact.mean) < 4 * got.stderr
