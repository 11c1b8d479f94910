"""The reference sampler's numeric attributes against answers derived by hand.

The oracle of ``tests/property/test_attribute_oracle.py`` must be right on its
own: here its draws are compared with closed-form probabilities (the normal CDF
through :func:`math.erf`, no pactsim inference involved) within 4.5 standard
errors, seeds fixed.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

import pactsim
from reference_sampler import ReferenceSampler, parse_question

Z90 = 1.2815515655446004
N = 20_000


def phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


TEXT = """\
pactsim: 3
id: ref-attr
as_of: 2024-01-01
horizon: 2024-12-31
events:
  rain: {p: 0.3}
  military: {p: 0.6}
pillars:
  instc:
    levels: {absent: 0.2, generic: 0.45, named: 0.35}
attributes:
  x: {dist: {normal: {mean: 10, sd: 4}}, requires: [rain]}
  n_articles: {dist: {lognormal: {median: 40, p90: 60}}, round: true}
  term:
    given: [military]
    table:
      true: {values: {20: 0.7, 10: 0.3}}
      false: {uniform: {low: 5, high: 25}}
    excludes: ["instc == named"]
  km:
    given: [instc]
    table: {absent: 0, generic: {uniform: {low: 0, high: 100}}, named: 300}
  halves: {dist: {values: {1.5: 0.5, 2.5: 0.5}}, round: true}
questions:
  n: n_articles
"""

s = (math.log(60) - math.log(40)) / Z90
CASES = [
    ("x > 13", 0.3 * (1 - phi(3 / 4))),
    ("x != 10", 1.0),  # missing where rain is false: != holds
    ("x <= 100 or x > 100", 0.3),  # missing: every other comparison is false
    ("not (x < 10)", 1 - 0.3 * 0.5),
    ("n_articles == 40", phi(math.log(40.5 / 40) / s) - phi(math.log(39.5 / 40) / s)),
    ("n_articles >= 50", 1 - phi(math.log(49.5 / 40) / s)),
    ("term == 20", 0.65 * 0.6 * 0.7),
    ("term > 12 and not military", 0.65 * 0.4 * 13 / 20),
    ("km == 0", 0.2),
    ("km < 25", 0.2 + 0.45 * 0.25),
    ("km == 300", 0.35),
    ("halves == 2", 1.0),  # 1.5 and 2.5 both round to 2 (half to even)
]


@pytest.mark.parametrize(("expr", "p"), CASES, ids=[c[0] for c in CASES])
def test_reference_draws_match_hand_derived_answers(expr: str, p: float) -> None:
    sc = pactsim.loads(TEXT)
    sample = ReferenceSampler(sc).sample(N, seed=5)
    q = parse_question(expr, sample.outcomes)
    k = sum(1 for d in sample.draws if q.evaluate(d))
    se = math.sqrt(max(p * (1 - p), 1e-12) / N)
    assert abs(k / N - p) <= 4.5 * se + 1e-12, (expr, k / N, p)


def test_missing_values_are_none_and_whole_questions_are_numbers() -> None:
    sc = pactsim.loads(TEXT)
    sample = ReferenceSampler(sc).sample(2_000, seed=1)
    assert sample.question_kinds["n"] == "number"
    xs = sample.column("x")
    assert all((x is None) == (not d["rain"]) for x, d in zip(xs, sample.draws, strict=True))
    assert all(float(v).is_integer() for v in sample.column("n_articles"))
    assert sample.column("n") == sample.column("n_articles")


def test_a_date_condition_as_a_gate() -> None:
    """term has a value only when signed by June (0.4): P(term > 12) = 0.4 x 13/20."""
    sc = pactsim.loads("""\
pactsim: 3
id: ref-attr-date
as_of: 2024-01-01
horizon: 2024-12-31
signing:
  by: {2024-06-30: 0.4, 2024-12-31: 0.8}
attributes:
  term:
    dist: {uniform: {low: 5, high: 25}}
    requires: ["signing.date <= 2024-06-30"]
questions:
  long: term > 12
""")
    sample = ReferenceSampler(sc).sample(N, seed=2)
    p = 0.4 * 13 / 20
    k = sum(1 for d in sample.draws if d["long"])
    assert abs(k / N - p) <= 4.5 * math.sqrt(p * (1 - p) / N)
    assert sum(1 for d in sample.draws if d["term"] is not None) == sum(
        1 for d in sample.draws if d["signing.date"] is not None
        and d["signing.date"] <= dt.date(2024, 6, 30).toordinal())
