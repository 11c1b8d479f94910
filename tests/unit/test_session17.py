"""Session 17: numeric(probs=), error messages, whole exact report pages, Sobol intervals."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import pactsim
from pactsim.errors import ArgumentError, ArgumentTypeError

ROOT = Path(__file__).resolve().parents[2]

#: count(a, b, c) in scenarios/analytic-independent.yaml (header): P(0) = .7(.5)(.75)
#: = .2625, P(1) = 37/80 = .4625, P(2) = 11/40 - 3/80 = .2375, P(3) = 3/80 = .0375,
#: so its CDF is .2625, .725, .9625, 1 and the smallest value whose CDF reaches each
#: level is:
COUNT_LEVELS = {0.25: 0.0, 0.3: 1.0, 0.75: 2.0, 0.95: 2.0, 0.97: 3.0}

DRIVER = """\
pactsim: 1
id: drv
as_of: 2025-01-01
horizon: 2025-12-31
drivers:
  z: {dist: normal, mean: 2, sd: 3}
  u: {dist: uniform, low: -1, high: 3}
events:
  a: {p: 0.5, odds: {z: 1.2}}
"""


def test_numeric_quantiles_at_asked_levels_exact_and_monte_carlo() -> None:
    """Hand-derived quantiles of a count; every CDF value is >= 5 standard errors
    (n = 40,000) from a level, so Monte Carlo gives the same values."""
    text = (ROOT / "scenarios" / "analytic-independent.yaml").read_text()
    sc = pactsim.loads(text.replace("questions:\n", "questions:\n  n_abc: count(a, b, c)\n"))
    levels = list(COUNT_LEVELS)
    ex = pactsim.exact(sc).numeric("count(a, b, c)", probs=levels)
    assert ex.quantiles == COUNT_LEVELS
    for keep in (False, True):  # the streaming histogram, and the kept draws
        res = pactsim.simulate(sc, n=40_000, seed=1, keep_draws=keep)
        assert res.numeric("n_abc", probs=levels).quantiles == COUNT_LEVELS
        if keep:
            assert res.numeric("count(a, b, c)", probs=levels).quantiles == COUNT_LEVELS
    # the default levels are unchanged
    assert list(pactsim.exact(sc).numeric("count(a, b, c)").quantiles) == [0.1, 0.5, 0.9]


def test_numeric_quantiles_of_drivers_at_asked_levels() -> None:
    """A normal driver's 2.5% and 97.5% quantiles are mean -/+ 1.959964 sd; a uniform's
    are low + q (high - low). Monte Carlo from the kept draws (n = 100,000) is within
    0.05 (the 2.5% quantile's standard error is about sd * sqrt(q(1-q)/n) / pdf(z_q)
    = 3 * 0.000494 / 0.0584 = 0.025)."""
    sc = pactsim.loads(DRIVER)
    ex = pactsim.exact(sc)
    z = ex.numeric("z", probs=(0.025, 0.975)).quantiles
    assert z[0.025] == pytest.approx(2 - 3 * 1.959963984540054, abs=1e-9)
    assert z[0.975] == pytest.approx(2 + 3 * 1.959963984540054, abs=1e-9)
    u = ex.numeric("u", probs=[0.2]).quantiles
    assert u == {0.2: pytest.approx(-1 + 0.2 * 4, abs=1e-12)}
    res = pactsim.simulate(sc, n=100_000, seed=3, keep_draws=True)
    mz = res.numeric("z", probs=(0.025, 0.975)).quantiles
    assert abs(mz[0.025] - z[0.025]) < 0.05 and abs(mz[0.975] - z[0.975]) < 0.05


def test_numeric_quantiles_under_evidence_at_asked_levels() -> None:
    """Given a (hard evidence), count(a, b, c) = 1 + b + c with b ~ Bern(1/2) and
    c ~ Bern(1/4) independent: CDF 1: .375, 2: .875, 3: 1. Exact given the evidence and
    likelihood-weighted Monte Carlo (n = 40,000; CDF values >= 9 SE from the levels)."""
    sc = pactsim.load(ROOT / "scenarios" / "analytic-independent.yaml")
    want = {0.3: 1.0, 0.4: 2.0, 0.9: 3.0}
    ex = pactsim.exact(sc).given({"a": True})
    assert ex.numeric("count(a, b, c)", probs=list(want)).quantiles == want
    res = pactsim.simulate(sc, n=40_000, seed=2, evidence={"a": True})
    assert res.numeric("count(a, b, c)", probs=list(want)).quantiles == want


@pytest.mark.parametrize(("probs", "error"), [
    ([1.5], ArgumentError), ([0.0], ArgumentError), ("median", ArgumentTypeError),
    ([True], ArgumentTypeError)])
def test_numeric_refuses_levels_outside_zero_one(probs: object, error: type) -> None:
    sc = pactsim.load(ROOT / "scenarios" / "analytic-independent.yaml")
    for res in (pactsim.exact(sc), pactsim.simulate(sc, n=1000, seed=1)):
        with pytest.raises(error, match="probs"):
            res.numeric("count(a, b)", probs=probs)  # type: ignore[arg-type]


def test_numeric_labels_levels_that_are_not_whole_percents() -> None:
    sc = pactsim.load(ROOT / "scenarios" / "analytic-independent.yaml")
    s = pactsim.exact(sc).numeric("count(a, b, c)", probs=(0.025, 0.975))
    assert "q2.5=0" in repr(s) and "q97.5=3" in repr(s)


# -- review-analyst17: error messages ------------------------------------------
def _problems(text: str) -> list[str]:
    from pactsim.errors import ScenarioError

    with pytest.raises(ScenarioError) as info:
        pactsim.loads(text, name="s.yaml")
    return str(info.value).splitlines()


HEAD2 = "pactsim: 2\nid: x\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"


def test_a_missing_header_names_the_format_the_keys_need() -> None:
    """review-analyst17 #2: a file with milestones and no `pactsim:` was told to start
    with `pactsim: 1`, and then got a "write pactsim: 2" error per dated key."""
    body = "id: x\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
    two = body + "signing: {by: {2025-06-30: 0.5}}\nevents:\n  m: {after: signing, delay: 9}\n"
    (line,) = _problems(two)
    assert "pactsim: 2, id" in line and "need format 2" in line
    three = body + "events:\n  f: {levels: {a: 0.5, b: 0.5}}\n"
    assert "pactsim: 3, id" in _problems(three)[0]
    one = body + "signing: {by: {2025-06-30: 0.5}}\nevents:\n  e: {p: 0.5}\n"
    assert "pactsim: 1, id" in _problems(one)[0] and "need format" not in _problems(one)[0]


def test_an_unknown_section_lists_and_suggests_extends_and_set() -> None:
    (line,) = _problems(HEAD2 + "sets: {}\nevents:\n  e: {p: 0.5}\n")
    assert "extends, set" in line and "did you mean 'set'?" in line


def test_a_delay_curve_point_out_of_range_names_its_day() -> None:
    """review-analyst17 #7: `= 1.2 must be in [0, 1]` did not say which day of the curve."""
    text = HEAD2 + ("signing: {by: {2025-06-30: 0.5}}\nevents:\n"
                    "  m: {after: signing, delay: {by: {7: 0.3, 30: 1.2}}}\n")
    (line,) = _problems(text)
    assert "by: 30: = 1.2 must be in [0, 1]" in line
    (line,) = _problems(text.replace("1.2", "{beta: [2, 3]}"))
    assert "by: 30: must be a plain number" in line


def test_an_invalid_date_key_is_not_told_to_be_quoted() -> None:
    """A curve's date key quoted is still read as a date: quoting is no fix."""
    (line,) = _problems(HEAD2 + "signing: {by: {2025-06-31: 0.5}}\n")
    assert "invalid date '2025-06-31'" in line and "quote" not in line
    (line,) = _problems(HEAD2 + "title: 2025-06-31\nsigning: {by: {2025-06-30: 0.5}}\n")
    assert "quote it to keep it as text" in line


def test_a_horizon_before_as_of_is_reported_once() -> None:
    """review-analyst17 #7: every date of every expression was then 'after the horizon'."""
    text = ("pactsim: 2\nid: x\nas_of: 2025-03-01\nhorizon: 2025-01-31\n"
            "signing: {by: {2025-06-30: 0.5}}\nquestions:\n  q: signing.date <= 2025-06-30\n"
            "observations:\n  - {date: 2025-05-01, evidence: signing, source: s}\n"
            "sources: {s: x}\n")
    lines = _problems(text)
    assert len(lines) == 1 and "must be after as_of" in lines[0], lines


WIDE_QUESTION = """\
pactsim: 2
id: wide-q
as_of: 2025-01-01
horizon: 2025-12-31
signing:
  by: {2025-06-30: 0.5, 2025-12-31: 0.8}
events:
  m1: {after: signing, delay: {median: 60, p90: 150}}
  m2: {after: signing, delay: {median: 90, p90: 200}}
questions:
  early: signing.date <= 2025-03-31
  gap: m1.date - m2.date
"""


def test_report_method_exact_and_auto_need_the_whole_page(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """review-analyst17 #1: exact inference refuses one numeric question (its table over
    three dates is 48.6M entries); `run --method exact` refused, but `report --method
    exact` wrote a page with that question blank (its help says refused) and `--method
    auto` gave that page too (its help: exact where it answers the whole page). Now both
    commands follow one rule: exact refuses, auto draws the page by Monte Carlo."""
    from helpers import call

    path = tmp_path / "w.yaml"
    path.write_text(WIDE_QUESTION)
    page = tmp_path / "w.html"
    code, _, err = call(capsys, "report", path, "--method", "exact", "-o", page)
    assert code == 2 and "question 'gap' needs a table" in err and not page.exists()
    code, _, err = call(capsys, "report", path, "--method", "auto", "-n", "2000", "-o", page)
    assert code == 0, err
    assert "does not answer all of this page" in err
    html = page.read_text()
    assert "<dt>method</dt><dd>Monte Carlo" in html
    # without that question, exact answers the page, and auto gives it
    path.write_text(WIDE_QUESTION.replace("  gap: m1.date - m2.date\n", ""))
    code, _, err = call(capsys, "report", path, "--method", "auto", "-o", page)
    assert code == 0 and "does not answer" not in err
    assert "<dt>method</dt><dd>exact inference" in page.read_text()


def test_sobol_intervals_match_the_error_of_the_indices() -> None:
    """review-numbers17 A1: SALib's bootstrap intervals were 5-7 times too wide (it takes a
    scrambled Sobol' design for independent draws). P(x and y) = X Y with X ~ Beta(2, 3),
    Y ~ Beta(6, 9): S1_X = Var X (EY)^2 / V, ST_X = Var X E[Y^2] / V, V = E[X^2] E[Y^2]
    - (EX EY)^2 (and swapped). Over 12 seeds the errors divided by each interval's
    standard error (half-width / t quantile) are t-distributed with R - 1 = 7 degrees of
    freedom, median |t| 0.71: the median of the 48 is between 0.35 and 1.4 here (the
    bootstrap's gave about 0.15), and none is beyond 6."""
    pytest.importorskip("SALib")
    from scipy import stats

    sc = pactsim.loads("pactsim: 1\nid: xy\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                       "events:\n  x: {p: {beta: [2, 3]}}\n  y: {p: {beta: [6, 9]}}\n"
                       "questions:\n  both: x and y\n")
    ex, vx = stats.beta.mean(2, 3), stats.beta.var(2, 3)
    ey, vy = stats.beta.mean(6, 9), stats.beta.var(6, 9)
    v = (vx + ex**2) * (vy + ey**2) - (ex * ey) ** 2
    want = {("x.p", "S1"): vx * ey**2 / v, ("x.p", "ST"): vx * (vy + ey**2) / v,
            ("y.p", "S1"): vy * ex**2 / v, ("y.p", "ST"): vy * (vx + ex**2) / v}
    z: dict[tuple[str, str], list[float]] = {k: [] for k in want}
    for seed in range(12):
        df = pactsim.sobol(sc, "both", n=256, seed=seed)
        reps = df.attrs["replicates"]
        t = stats.t.ppf(0.975, reps - 1)
        for (name, col), w in want.items():
            z[(name, col)].append((df.loc[name, col] - w) / (df.loc[name, f"{col}_conf"] / t))
    every = np.abs(np.concatenate(list(z.values())))
    assert 0.35 <= float(np.median(every)) <= 1.4 and every.max() < 6, z


def test_sobol_warns_that_num_resamples_is_unused_and_checks_conf_level() -> None:
    pytest.importorskip("SALib")
    from pactsim.errors import PactsimWarning

    sc = pactsim.loads("pactsim: 1\nid: xy\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                       "events:\n  x: {p: {beta: [2, 3]}}\n  y: {p: {beta: [6, 9]}}\n"
                       "questions:\n  both: x and y\n")
    with pytest.warns(PactsimWarning, match="num_resamples"):
        pactsim.sobol(sc, "both", n=32, num_resamples=50)
    with pytest.raises(ArgumentError, match="conf_level"):
        pactsim.sobol(sc, "both", n=32, conf_level=95)


def test_the_text_table_says_an_absent_outcome_is_not_in_the_text(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """review-analyst17 #6: `pabs=absent 27.6%` under "P(in text)" read backwards."""
    from helpers import call

    path = tmp_path / "c.yaml"
    path.write_text("pactsim: 3\nid: c\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                    "pillars:\n  t:\n    levels: {absent: 0.25, generic: 0.75}\n")
    code, out, err = call(capsys, "run", path, "--method", "exact")
    assert code == 0, err
    line = next(x for x in out.splitlines() if "t=absent" in x)
    assert "t=absent (not in it)" in line and "25.0%" in line


# -- review-fuzz17 ----------------------------------------------------------------
def test_diff_of_a_file_with_signing_and_one_without(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """review-fuzz17 #1: the text view crashed (AttributeError on None) when only one of
    the two files had a signing: section; report --compare too."""
    from helpers import call

    base = "pactsim: 2\nid: s\nas_of: 2025-01-01\nhorizon: 2025-12-31\nevents:\n  e: {p: 0.5}\n"
    (tmp_path / "a.yaml").write_text(base)
    (tmp_path / "b.yaml").write_text(base + "signing: {by: {2025-12-31: 0.5}}\n")
    for a, b, edit in (("a", "b", "signing: no signing -> a curve"),
                       ("b", "a", "signing: a curve ({2025-12-31: 0.5}) -> no signing")):
        code, out, err = call(capsys, "diff", tmp_path / f"{a}.yaml", tmp_path / f"{b}.yaml")
        assert code == 0, err
        assert edit in out


def test_diff_asks_each_question_once_and_at_most_200(tmp_path: Path) -> None:
    """review-fuzz17 #4: `-q q -q q` printed each attribution twice (300 of them: 91,510
    lines); history caps its questions at 200, diff had no cap."""
    from pactsim.errors import ArgumentError

    a = pactsim.loads("pactsim: 1\nid: s\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                      "events:\n  e: {p: 0.5}\n  f: {p: 0.5}\nquestions:\n  q: e and f\n")
    b = a.with_changes({"e.p": 0.6})
    d = pactsim.diff(a, b, ["q", " q", "q"])
    assert list(d.attribution.target) == ["q"]
    assert len(d.attribution) == len(pactsim.diff(a, b, "q").attribution)
    with pytest.raises(ArgumentError, match="more than 200 questions"):
        pactsim.diff(a, b, ["e" + " and e" * i for i in range(201)])  # 201 distinct


def test_pool_names_must_be_strings(tmp_path: Path) -> None:
    """review-fuzz17 #7: names=[None, 5] raised a bare KeyError, [1, 2] an AttributeError
    when printed."""
    a = pactsim.loads("pactsim: 1\nid: s\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                      "events:\n  e: {p: 0.5}\n")
    b = a.with_changes({"e.p": 0.6})
    for names in ([None, 5], [1, 2], ["x", ""]):
        with pytest.raises(ArgumentTypeError, match="names must be non-empty strings"):
            pactsim.pool([a, b], names=names)  # type: ignore[list-item]
    assert "ann" in str(pactsim.pool([a, b], names=["ann", "ben"]))


def test_hostile_arguments_are_shown_short() -> None:
    """review-fuzz17 #7: an evidence item nested 5,000 lists deep hit RecursionError in
    its own error message; a seed of a million numbers was echoed whole (7.9 MB)."""
    sc = pactsim.loads("pactsim: 1\nid: s\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                       "events:\n  a: {p: 0.5}\n")
    deep: list[object] = ["a"]
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(ArgumentTypeError, match="evidence item") as info:
        pactsim.simulate(sc, 100, evidence=deep)
    assert len(str(info.value)) < 300
    with pytest.raises(ArgumentTypeError, match="seed must be") as info:
        pactsim.simulate(sc, 100, seed=list(range(10**6)))  # type: ignore[arg-type]
    assert len(str(info.value)) < 300


def test_set_cannot_change_a_variants_id_or_format(tmp_path: Path) -> None:
    """review-fuzz17 #6: `set: {id: <the base's id>, pactsim: 1}` passed, though a variant
    written with the base's id or a lower format is refused."""
    from pactsim.errors import ScenarioError

    (tmp_path / "base.yaml").write_text(
        "pactsim: 2\nid: small\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
        "events:\n  e: {p: 0.5}\n")
    (tmp_path / "v.yaml").write_text("pactsim: 2\nextends: base.yaml\nid: v\n"
                                     "set:\n  id: small\n  pactsim: 1\n  e.p: 0.4\n")
    with pytest.raises(ScenarioError) as info:
        pactsim.load(tmp_path / "v.yaml")
    lines = str(info.value).splitlines()
    assert len(lines) == 2, lines
    assert "v.yaml:5:3: set.id: `set:` cannot change id" in lines[0]
    assert "v.yaml:6:3: set.pactsim: `set:` cannot change pactsim" in lines[1]


def test_expressions_of_a_format_3_scenario_reach_its_constructs() -> None:
    """review-tester17 1c: on the flagship (format 3) expressions() never wrote days
    between two dates (only for format 2) nor `x != outcome` (the test's kind came from
    a pick past 47 names, which a pick of at most 63 seldom is)."""
    import re

    from hypothesis import HealthCheck, Phase, given, seed, settings

    from pactsim.testing import strategies as pst

    flag = pactsim.load(ROOT / "scenarios" / "iran-russia-2024.yaml")
    seen: list[str] = []

    # `x != outcome` is rare (about 1.5 in 400 examples): 400 examples drawn afresh missed
    # it about one run in five (a CI run of 2026-12-03 failed so). 1,200 examples from a
    # fixed seed: the same every run, and a miss would take odds of about 1 in 100.
    @seed(20261203)
    @settings(max_examples=1200, phases=[Phase.generate], database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(pst.expressions(flag))
    def collect(e: str) -> None:
        seen.append(e)

    collect()
    levels = "|".join(flag.outcomes)
    assert any(re.search(r"\.date - ", e) for e in seen)
    assert any(re.search(rf"\b({levels}) != ", e) for e in seen)


def test_score_locates_a_given_that_cannot_hold(capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    """review-fuzz17 #5: an item `given: z` with P(z) = 0 stopped the score card with no
    file, line or field; it is now at the resolution file's `given`, both methods."""
    from helpers import call

    (tmp_path / "s.yaml").write_text("pactsim: 1\nid: zero\nas_of: 2025-01-01\n"
                                     "horizon: 2025-12-31\nevents:\n  z: {p: 0}\n"
                                     "  q: {p: 0.5}\n")
    (tmp_path / "r.yaml").write_text(
        "resolutions: 1\nscenario: zero\nsources: {s: x}\noutcomes:\n"
        "  z: {outcome: true, resolved: 2025-06-01, source: s}\n"
        "  q: {outcome: true, given: z, resolved: 2025-06-01, source: s}\n")
    for method in ("exact", "mc"):
        code, _, err = call(capsys, "score", tmp_path / "s.yaml", "-r", tmp_path / "r.yaml",
                            "--method", method)
        assert code == 2
        assert "r.yaml:6:29: outcomes.q.given: the condition 'z'" in err, err


TAIL = """\
pactsim: 2
id: tail
as_of: 2020-01-01
horizon: 2020-01-12
drivers:
  a: {dist: normal, mean: -2.0, sd: 1.0}
signing:
  by: {2020-01-02: 0.0, 2020-01-03: 0.92}
events:
  slow: {p: 1.0}
  m:
    after: signing
    delay: {between: [1, 2]}
    hazard_ratio: {slow: 0.05}
  d:
    after: signing
    delay: {between: [1, 2]}
    hazard_ratio: {a: 2.0}
"""


def test_a_hazard_ratio_below_1_keeps_a_delays_far_tail() -> None:
    """review-tester17 1a: P(a lognormal delay with 90% in [1, 2] days > 9 days) is about
    8e-19; 1 - cdf gave 0, and 0**h = 0, though 8e-19**0.05 = 0.12: exact and Monte
    Carlo said P(m) = 0.92 (signed on day 2, 9 days left). By hand (scipy): m by the
    horizon = 0.92 (1 - S(9)**0.05); d, with h = 2**a, a ~ N(-2, 1), integrates
    S(9)**h over a. Exact to 1e-9; Monte Carlo within 4 standard errors."""
    from scipy import integrate, stats

    mu = math.log(math.sqrt(2.0))
    sigma = math.log(2.0) / (2 * stats.norm.ppf(0.95))
    log_s9 = stats.norm.logsf((math.log(9.0) - mu) / sigma)
    want_m = 0.92 * -math.expm1(0.05 * log_s9)
    never = integrate.quad(lambda a: math.exp(2.0 ** a * log_s9) * stats.norm.pdf(a, -2, 1),
                           -12, 8, points=[-6, -4, -2], limit=200)[0]
    want_d = 0.92 * (1 - never)
    assert want_m < 0.81 and want_d < 0.915  # far from the 0.92 of a tail set to 0
    sc = pactsim.loads(TAIL)
    ex = pactsim.exact(sc)
    assert ex.prob("m").value == pytest.approx(want_m, abs=1e-9)
    assert ex.prob("d").value == pytest.approx(want_d, abs=1e-7)
    res = pactsim.simulate(sc, n=400_000, seed=1)
    for name, want in (("m", want_m), ("d", want_d)):
        est = res.prob(name)
        assert abs(est.value - want) <= 4 * est.stderr, (name, est, want)
    # under evidence the drawn days go through likelihood weighting's own path
    # (review-commits17: it still lost the tail, 13 standard errors off)
    for ev, q in (("not d", "signing"), ("d.date > 2020-01-05", "d.date <= 2020-01-07")):
        want = ex.given(ev).prob(q).value
        est = pactsim.simulate(sc, n=200_000, seed=1, evidence=ev).prob(q)
        assert abs(est.value - want) <= 4 * est.stderr, (ev, est, want)


def test_report_method_auto_on_the_flagship_is_exact_but_for_whole_texts(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The sets of all 30 pillars and clauses at once are beyond exact inference by design
    (run does not print them; the page says Monte Carlo estimates them): they do not
    send the flagship's `report --method auto` to Monte Carlo."""
    from helpers import call

    page = tmp_path / "f.html"
    code, _, err = call(capsys, "report", ROOT / "scenarios" / "iran-russia-2024.yaml",
                        "--method", "auto", "-o", page)
    assert code == 0 and "does not answer" not in err, err
    html = page.read_text()
    assert "<dt>method</dt><dd>exact inference" in html
    assert "Exact sets of pillars and clauses: too many nodes together" in html


def test_review_commits17_follow_ups() -> None:
    """review-commits17: names as a numpy array or a generator pooled before and must
    still; 500 copies of one question are one question; a seed of 16,610 bits is refused
    without Python's 4,300-digit ValueError; the format-need phrase is said only when
    the format was guessed from the keys."""
    import numpy as np

    from pactsim.errors import ScenarioError

    a = pactsim.loads("pactsim: 1\nid: s\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                      "events:\n  e: {p: 0.5}\nquestions:\n  q: e\n")
    b = a.with_changes({"e.p": 0.6})
    for names in (np.array(["x", "y"]), (n for n in ["x", "y"])):
        assert "weights x 0.50, y 0.50" in str(pactsim.pool([a, b], names=names))
    assert list(pactsim.diff(a, b, ["q"] * 500).attribution.target) == ["q"]
    with pytest.raises(ArgumentError, match="a negative number of 16,610 bits"):
        pactsim.simulate(a, 10, seed=-10**5000)
    with pytest.raises(ScenarioError) as info:
        pactsim.loads("pactsim: 2\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                      "events:\n  e: {p: 0.5}\n")
    assert "pactsim: 2, id" in str(info.value) and "need format" not in str(info.value)
