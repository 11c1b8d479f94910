"""``assert_matches_exact`` compares date curves, counts what it hides, and fails when
there is nothing to compare or an exact 0 is missed whatever ``sigmas`` (review-testing27).
"""

from __future__ import annotations

import re

import pytest

import pactsim
from pactsim.results.estimate import Estimate
from pactsim.testing import assert_matches_exact, assert_prob_close

ARMS = """\
pactsim: 2
id: arms-deal
as_of: 2024-11-01
horizon: 2025-12-31
events:
  war: {p: 0.3}
  ratified: {after: signing, delay: {median: 60, p90: 150}}
signing:
  by: {2024-12-31: 0.4, 2025-06-30: 0.6, 2025-12-31: 0.8}
pillars:
  jets: {p: 0.5}
"""


def test_a_wrong_signing_curve_is_caught_without_any_date_question():
    """No question reads a date, and P(signed by the horizon) is right: only the curve
    before it is wrong (0.55 for 0.4 by New Year), which the date rows catch."""
    sc = pactsim.loads(ARMS)
    broken = sc.with_changes({"signing.by.2024-12-31": 0.55})
    ex = pactsim.exact(sc)
    assert_matches_exact(pactsim.simulate(sc, n=50_000, seed=1), ex)  # the right one passes
    with pytest.raises(AssertionError) as err:
        assert_matches_exact(pactsim.simulate(broken, n=50_000, seed=1), ex)
    rows = {line.split()[1]: line for line in str(err.value).splitlines()
            if line.startswith("✗")}
    assert "signing.date" in rows  # 'signing.date <= 2024-12-31' splits at its spaces
    assert re.search(r"✗ signing\.date <= 2024-12-31\s+date\s+0\.5\d+ ± 0\.00\d+\s+0\.4000",
                     str(err.value))


def _many() -> tuple[pactsim.Results, pactsim.ExactResults]:
    events = "".join(f"  e{i}: {{p: 0.5}}\n" for i in range(60))
    sc = pactsim.loads("pactsim: 1\nid: many\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                       "events:\n" + events)
    wrong = sc.with_changes({f"e{i}.p": 0.8 for i in range(50)})
    return pactsim.simulate(wrong, n=20_000, seed=2), pactsim.exact(sc)


def test_the_rows_left_out_of_the_table_are_counted_with_their_failures():
    res, ex = _many()
    with pytest.raises(AssertionError) as err:
        assert_matches_exact(res, ex)
    text = str(err.value)
    assert "on 50 of 60 probabilities" in text
    shown = sum(line.startswith("✗") for line in text.splitlines())
    assert shown == 40
    assert "  … and 20 more, 10 of them beyond the threshold" in text


def test_nothing_to_compare_fails():
    only_drivers = pactsim.loads("pactsim: 1\nid: d\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                                 "drivers:\n  mood: {dist: normal, mean: 0, sd: 1}\n")
    res = pactsim.simulate(only_drivers, n=1_000, seed=1)
    with pytest.raises(AssertionError, match="nothing to compare: no node, question or date "
                       "is in both"):
        assert_matches_exact(res, pactsim.exact(only_drivers))


def test_rows_exact_has_and_the_run_lacks_are_reported():
    arms = pactsim.loads(ARMS)
    part = arms.with_changes({"pillars": {}, "events": {"war": {"p": 0.3}}})
    with pytest.raises(AssertionError) as err:
        assert_matches_exact(pactsim.simulate(part, n=20_000, seed=1), pactsim.exact(arms))
    assert "missing from the Monte Carlo results: node 'ratified', node 'jets'" in str(err.value)


def test_a_missed_exact_zero_fails_even_with_sigmas_inf():
    sc = pactsim.loads("pactsim: 1\nid: z\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                       "events:\n  sale: {p: 0.2}\n")
    res = pactsim.simulate(sc, n=5_000, seed=1)
    zero = pactsim.exact(sc.with_changes({"sale.p": 0.0}))
    with pytest.raises(AssertionError, match="z = ±inf"):
        assert_matches_exact(res, zero, sigmas=float("inf"))
    assert_matches_exact(res, pactsim.exact(sc), sigmas=float("inf"))  # the right one passes
    with pytest.raises(AssertionError, match="must hold in every draw"):
        assert_prob_close(Estimate.from_counts(1, 5_000), 0.0, sigmas=float("inf"))


def test_skip_refused_compares_every_row_but_what_exact_refuses():
    from pathlib import Path

    from pactsim.errors import ModelTooWideError

    text = (Path(__file__).resolve().parents[2] / "scenarios" / "analytic-dated.yaml"
            ).read_text(encoding="utf-8")
    sc = pactsim.loads(text + "  three_dates: crisis.date <= signing.date and "
                       "signing.date <= ratify_a.date\n")
    ex = pactsim.exact(sc)
    res = pactsim.simulate(sc, n=50_000, seed=3)
    with pytest.raises(ModelTooWideError):  # the default: one refusal stops it all
        assert_matches_exact(res, ex)
    assert_matches_exact(res, ex, skip_refused=True)  # every other row agrees
    # and the rows it compares can fail: a run with another crisis curve
    other = sc.with_changes({"crisis.by": {"2025-01-16": 0.6, "2025-03-01": 0.8}})
    with pytest.raises(AssertionError) as err:
        assert_matches_exact(pactsim.simulate(other, n=50_000, seed=3), ex, skip_refused=True)
    assert "not compared (exact inference refused them; skip_refused=True): question " \
           "'three_dates'" in str(err.value)
    assert "✗ crisis" in str(err.value)
