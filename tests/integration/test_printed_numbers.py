"""Every number the CLI and the report print for the flagship, against an independent answer.

`pactsim run` is the Makefile's ``forecast`` recipe (the README's first command: 10^6
draws, seed 7), once as a table and once as JSON (module-scoped); the CSV export and
the report run at their default 10^5 draws; `score`, `history`, `sensitivity` and
`diff` on the shipped files as the README shows them. Each number is compared with
exact inference (``pactsim.exact``: junction tree, no sampling) or a formula written
out here by hand:

* a Monte Carlo probability within ``K`` standard errors of the exact answer
  (the standard error of the *exact* p at the run's n, floored at 1/n), plus half
  the last printed digit for a rounded table value;
* a Monte Carlo quantile (a date, a number of days, a count) by the exact CDF: the
  printed value q of level a must have G(q) >= a - K se and G(q - 1) <= a + K se,
  se = sqrt(a (1 - a) / m) over the m draws with a value (the quantile's error
  read on the probability scale, where it is binomial);
* a standard error, interval, count, share, score or effective sample size that is a
  formula of the run's own numbers or of exact ones, to 1e-9 by the formula (Wilson's
  interval, sqrt(p (1 - p) / m), sd / sqrt(m), (p - o)^2, the CRPS sum, Bayes's rule,
  (1 + 2q)^2 / (1 + 8q) ...).

``K = 5``: two-sided 5.7e-7 per comparison, so over the ~1,500 Monte Carlo comparisons
here the family-wise false alarm is below 1e-3 for a random seed; the seeds are fixed,
so the file is deterministic. Numbers covered elsewhere at these settings (the first
percentage of each named row, the "On or before" grid and the five printed pillar
sets: tests/integration/test_forecast_headline.py) are not repeated.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import math
import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import pactsim
from pactsim.cli import main

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"
K = 5.0
Z95 = 1.959963984540054
#: Categorical pillars and clauses of the flagship (a text lists them as name=outcome).
CATEGORICAL = {"instc", "common_payment_system", "legal_form", "signatories"}


def _recipe() -> list[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^forecast:.*\n\t(.+)$", text, flags=re.M)
    assert recipe, "the Makefile has no forecast recipe"
    words = shlex.split(recipe.group(1))
    assert words[0].endswith("pactsim") and words[1] == "run"
    assert words[2] == "scenarios/iran-russia-2024.yaml"
    args = words[1:]
    args[1] = str(ROOT / args[1])
    return args


def _run(args: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(args)
    assert code == 0, args
    return out.getvalue()


@pytest.fixture(scope="module")
def args() -> list[str]:
    a = _recipe()
    assert int(float(a[a.index("-n") + 1])) == 1_000_000  # the README's settings
    assert a[a.index("--seed") + 1] == "7"
    return a


@pytest.fixture(scope="module")
def text(args: list[str]) -> str:
    return _run(args)


@pytest.fixture(scope="module")
def doc(args: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_run([*args, "--format", "json"]))
    return data


@pytest.fixture(scope="module")
def sc() -> pactsim.Scenario:
    return pactsim.load(FLAGSHIP)


@pytest.fixture(scope="module")
def ex(sc: pactsim.Scenario) -> Any:
    e = pactsim.exact(sc)
    assert e.quadrature_error < 1e-9  # "exact" to far below any Monte Carlo error here
    return e


@pytest.fixture(scope="module")
def n(doc: dict[str, Any]) -> int:
    value = int(doc["run"]["n"])
    assert value == 1_000_000 and doc["run"]["seed"] == 7
    return value


# -- independent formulas ------------------------------------------------------------------

def wilson(p: float, m: float) -> tuple[float, float]:
    """Wilson's 95% score interval for a share ``p`` of ``m`` draws (written out here)."""
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * m)) / (1 + z2 / m)
    half = Z95 / (1 + z2 / m) * math.sqrt(p * (1 - p) / m + z2 / (4 * m * m))
    lo = 0.0 if p == 0 else max(0.0, centre - half)
    hi = 1.0 if p == 1 else min(1.0, centre + half)
    return lo, hi


def assert_mc(shown: float, exact: float, m: float, what: object, rounding: float = 0.0) -> None:
    """A Monte Carlo share of ``m`` draws within K standard errors of the exact value."""
    se = max(math.sqrt(exact * (1 - exact) / m), 1.0 / m)
    assert abs(shown - exact) <= K * se + rounding, (what, shown, exact, se)


def assert_quantile(cdf: Callable[[float], float], q: float, level: float, m: float,
                    step: float, what: object) -> None:
    """``q`` is the Monte Carlo ``level`` quantile of a law with exact CDF ``cdf`` on a
    grid of ``step``: within K binomial standard errors on the probability scale."""
    se = math.sqrt(level * (1 - level) / m)
    above, below = cdf(q), cdf(q - step)
    assert above >= level - K * se, (what, q, level, above, se)
    assert below <= level + K * se, (what, q, level, below, se)


def _day(d: str | dt.date) -> dt.date:
    return d if isinstance(d, dt.date) else dt.date.fromisoformat(d)


def date_cdf_given(ex: Any, node: str) -> Callable[[float], float]:
    """Exact P(node on or before day number x | it happened by the horizon), x in ordinals."""
    horizon = ex.scenario.horizon
    total = float(ex.date_cdf(node, horizon)["p"].iloc[0])

    def cdf(x: float) -> float:
        d = dt.date.fromordinal(int(x))
        return float(ex.date_cdf(node, d)["p"].iloc[0]) / total
    return cdf


def numeric_cdf(ex: Any, name: str) -> Callable[[float], float]:
    hist = ex.numeric(name).histogram
    xs, ps = hist.index.to_numpy(dtype=float), hist.to_numpy() / float(hist.sum())

    def cdf(x: float) -> float:
        return float(ps[xs <= x + 1e-9].sum())
    return cdf


def sd_stderr(law: Any, m: float) -> float:
    """Standard error of a sample sd of m draws from the exact law (its histogram):
    sqrt((mu4 - sd^4) / (4 sd^2 m)), the delta method on the second moment."""
    xs = law.histogram.index.to_numpy(dtype=float)
    ps = law.histogram.to_numpy() / float(law.histogram.sum())
    mu4 = float(((xs - law.mean) ** 4) @ ps)
    return math.sqrt(max(mu4 - law.sd ** 4, 0.0) / (4 * law.sd ** 2 * m))


def text_findings(items: list[str], members: list[str]) -> dict[str, Any]:
    """Evidence that a text is exactly ``items`` (``instc=named`` a categorical member's
    outcome): every member listed is in (with its outcome), every other one is out."""
    on: dict[str, Any] = {}
    for item in items:
        name, _, outcome = item.partition("=")
        on[name] = outcome or True
    return {m: on.get(m, "absent" if m in CATEGORICAL else False) for m in members}


def exact_p(ex: Any, row: str, given: str | None = None) -> float:
    """Exact P of a printed row: a node, a question or ``node=outcome``."""
    expr = row.replace("=", " == ") if "=" in row else row
    return float(ex.prob(expr, given=given).value)


# -- JSON: probabilities, their standard errors and intervals ------------------------------

def _rows(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every probability row of the JSON: questions, pillars, clauses, events, the
    outcomes of categorical nodes."""
    rows: list[tuple[str, dict[str, Any]]] = list(doc["questions"].items())
    for pillar, body in doc["pillars"].items():
        rows.append((pillar, body))
        rows += [(f"{pillar}={o}", v) for o, v in (body.get("outcomes") or {}).items()]
        for clause, cb in body["clauses"].items():
            rows.append((clause, cb))
            rows += [(f"{clause}={o}", v) for o, v in (cb.get("outcomes") or {}).items()]
    for event, body in doc["events"].items():
        rows.append((event, body))
        rows += [(f"{event}={o}", v) for o, v in (body.get("outcomes") or {}).items()]
    return rows


def test_json_lists_every_node_and_question(doc: dict[str, Any], sc: pactsim.Scenario) -> None:
    names = {r for r, _ in _rows(doc)}
    assert set(sc.questions) - {"n_pillars", "days_to_in_force"} <= names
    assert set(sc.binary_names) - {"signing"} <= names
    for node, outcomes in sc.outcomes.items():
        assert {f"{node}={o}" for o in outcomes} <= names, node


def test_every_probability_matches_exact(doc: dict[str, Any], ex: Any, n: int) -> None:
    rows = _rows(doc)
    assert len(rows) >= 65
    for name, row in rows:
        assert_mc(row["p"], exact_p(ex, name), n, name)


def test_every_probability_given_signed_matches_exact(doc: dict[str, Any], ex: Any,
                                                      n: int) -> None:
    signed = doc["signing"]["p"] * n  # the draws that are signed
    checked = 0
    for name, row in _rows(doc):
        if "p_given_signed" not in row:
            continue  # context events are printed without it
        assert_mc(row["p_given_signed"], exact_p(ex, name, given="signing"), signed, name)
        checked += 1
    assert checked >= 45


def test_standard_errors_and_intervals_by_formula(doc: dict[str, Any], n: int) -> None:
    """stderr = sqrt(p (1 - p) / n); given signed, over the signed draws; lo and hi are
    Wilson's 95% interval; the header's bound on the standard error holds."""
    signed = doc["signing"]["p"] * n
    ses = []
    for name, row in _rows(doc):
        p = row["p"]
        assert row["stderr"] == pytest.approx(math.sqrt(p * (1 - p) / n), rel=1e-9, abs=1e-15), name
        assert (row["lo"], row["hi"]) == pytest.approx(wilson(p, n), rel=1e-9, abs=1e-12), name
        ses.append(row["stderr"])
        if "p_given_signed" in row:
            g = row["p_given_signed"]
            assert row["stderr_given_signed"] == pytest.approx(
                math.sqrt(g * (1 - g) / signed), rel=1e-9, abs=1e-15), name
        assert row["ess"] is None  # no evidence: every draw has weight 1
    assert doc["run"]["ess"] == n
    # the header: "Monte Carlo standard error <= 0.05 points" = sqrt(1/4 / n) at n = 10^6
    assert max(ses) <= math.sqrt(0.25 / n) + 1e-15


def test_header_bound_is_printed(text: str, n: int) -> None:
    m = re.search(r"Monte Carlo standard error ≤ ([\d.]+) points", text)
    assert m, text[:400]
    assert float(m.group(1)) == pytest.approx(100 * math.sqrt(0.25 / n), abs=1e-9)


def test_header_bound_given_signed_is_the_largest_conditional_error(
        text: str, n: int, doc: dict[str, Any]) -> None:
    """The P(· | signed) column has no intervals: the header bounds its standard errors,
    sqrt(g (1 - g) / m) with m the draws where the treaty is signed, rounded up."""
    m = re.search(r"≤ ([\d.]+) for P\(· \| signed\)", text)
    assert m, text[:400]
    signed = doc["signing"]["p"] * n
    worst = max(math.sqrt(row["p_given_signed"] * (1 - row["p_given_signed"]) / signed)
                for _, row in _rows(doc) if row.get("p_given_signed") is not None)
    assert float(m.group(1)) == pytest.approx(math.ceil(worst * 1e4 - 1e-9) / 100, abs=1e-9)
    assert float(m.group(1)) <= 100 * math.sqrt(0.25 / signed) + 0.01


# -- the table: the columns the headline test leaves out ------------------------------------

_ROW = re.compile(r"^\s+([a-z_][a-z0-9_]*(?:=[a-z_][a-z0-9_]*)?)(?: \(not in it\))?\s+"
                  r"(\d+\.\d+)% "
                  r"\[(\d+\.\d+)–(\d+\.\d+)\](?:\s+(\d+\.\d+)%)?")


def _half_digit(s: str) -> float:
    """Half the last printed digit of ``s`` ("222" -> 0.5, "73.2" -> 0.05)."""
    return 0.5 * 10.0 ** -len(s.split(".")[1]) if "." in s else 0.5


def _decimals(s: str) -> float:
    return _half_digit(s) / 100  # a percentage: half its last digit, as a fraction


def test_table_rows_outcomes_intervals_and_given_signed(text: str, ex: Any, n: int,
                                                        doc: dict[str, Any]) -> None:
    """Each printed row with an interval: its P (the outcome rows, name=outcome, that the
    headline test skips), its interval against Wilson's at the exact p, and its
    P(· | signed) column, all against exact inference."""
    signed = doc["signing"]["p"] * n
    seen = set()
    for line in text.splitlines():
        m = _ROW.match(line)
        if not m:
            continue
        name, p_s, lo_s, hi_s, g_s = m.groups()
        seen.add(name)
        p = exact_p(ex, name)
        assert_mc(float(p_s) / 100, p, n, name, _decimals(p_s))
        # the interval is Wilson's at the estimate: at the exact p it moves by < K se
        lo, hi = wilson(p, n)
        se = max(math.sqrt(p * (1 - p) / n), 1.0 / n)
        assert abs(float(lo_s) / 100 - lo) <= K * se + _decimals(lo_s), (name, lo_s, lo)
        assert abs(float(hi_s) / 100 - hi) <= K * se + _decimals(hi_s), (name, hi_s, hi)
        if g_s is not None:
            assert_mc(float(g_s) / 100, exact_p(ex, name, given="signing"), signed,
                      (name, "| signed"), _decimals(g_s))
    outcome_rows = {f"{node}={o}" for node, os in ex.scenario.outcomes.items() for o in os}
    assert outcome_rows <= seen
    assert {"signed_by_2024", "instc", "rasht_astara", "signing", "in_force"} <= seen


# -- dates: curves and quantiles -------------------------------------------------------------

def test_json_date_curves_match_exact(doc: dict[str, Any], ex: Any, n: int) -> None:
    curves = {"signing": doc["signing"]["curve"]}
    curves.update({k: v["curve"] for k, v in doc["dated"].items()})
    assert set(curves) == set(ex.dated())
    for node, curve in curves.items():
        assert len(curve) >= 5
        for point in curve:
            want = float(ex.date_cdf(node, point["date"])["p"].iloc[0])
            assert_mc(point["p"], want, n, (node, point["date"]))
            assert (point["lo"], point["hi"]) == pytest.approx(wilson(point["p"], n),
                                                               rel=1e-9, abs=1e-12)
        assert doc["dated"][node]["p"] == curve[-1]["p"]  # by the horizon, the last point


def test_json_date_quantiles_match_exact(doc: dict[str, Any], ex: Any, n: int) -> None:
    """The signing date if signed (median, 80% interval) and every dated node's 10/50/90%
    dates if it happens."""
    quantiles = [("signing", doc["signing"]["date_if_signed"])]
    quantiles += [(k, v.get("date_if_happens") or v.get("date_if_signed"))
                  for k, v in doc["dated"].items()]
    assert len(quantiles) == 5  # signing twice: its own section and the dated nodes'
    for node, qs in quantiles:
        m = doc["dated"][node]["p"] * n
        cdf = date_cdf_given(ex, node)
        for key, level in (("q10", 0.1), ("q50", 0.5), ("q90", 0.9)):
            assert_quantile(cdf, _day(qs[key]).toordinal(), level, m, 1, (node, key))


def test_table_date_quantiles_match_exact(text: str, ex: Any, doc: dict[str, Any],
                                          n: int) -> None:
    m = re.search(r"if signed: median (\S+), 80% between (\S+) and (\S+)\n", text)
    assert m, text
    got = {"signing": (m.group(2), m.group(1), m.group(3))}
    lines = text.split("Timeline:", 1)[1].splitlines()[2:]
    for line in lines:
        t = re.match(r"^\s+([a-z_]+)\s+\d+\.\d+% \[[^]]+\]\s+(\S+)\s+(\S+)\s+(\S+)", line)
        if not t:
            break
        got.setdefault(t.group(1), (t.group(2), t.group(3), t.group(4)))
        if t.group(1) == "signing":
            assert got["signing"] == (t.group(2), t.group(3), t.group(4))
    assert set(got) == set(ex.dated())
    for node, dates in got.items():
        count = doc["dated"][node]["p"] * n
        cdf = date_cdf_given(ex, node)
        for d, level in zip(dates, (0.1, 0.5, 0.9), strict=True):
            assert_quantile(cdf, _day(d).toordinal(), level, count, 1, (node, level))


# -- numeric questions -------------------------------------------------------------------------

def test_json_numeric_questions_match_exact(doc: dict[str, Any], ex: Any, n: int) -> None:
    """Mean within K of its standard error; sd within K of the sd's own standard error,
    sqrt((mu4 - sd^4) / (4 sd^2 m)), from the exact law; quantiles by the exact CDF;
    the share with no value; stderr = sd / sqrt(m)."""
    assert set(doc["numeric"]) == {"n_pillars", "days_to_in_force"}
    for name, row in doc["numeric"].items():
        law = ex.numeric(name)
        m = n * (1 - row["missing"])
        assert row["stderr"] == pytest.approx(row["sd"] / math.sqrt(m), rel=1e-4), name
        se_mean = law.sd / math.sqrt(m)
        assert abs(row["mean"] - law.mean) <= K * se_mean, (name, row["mean"], law.mean)
        se_sd = sd_stderr(law, m)
        assert abs(row["sd"] - law.sd) <= K * se_sd, (name, row["sd"], law.sd, se_sd)
        assert_mc(row["missing"], law.missing, n, (name, "missing"))
        cdf = numeric_cdf(ex, name)
        for key, level in (("q10", 0.1), ("q50", 0.5), ("q90", 0.9)):
            assert_quantile(cdf, row["quantiles"][key], level, m, 1, (name, key))


def test_table_numeric_lines_match_exact(text: str, ex: Any, doc: dict[str, Any],
                                         n: int) -> None:
    """The "Distribution of" lines and the Timeline's "in_force: median ... days after
    signing" line, read from the table."""
    seen = 0
    for m in re.finditer(r"^Distribution of (\w+): mean ([\d.]+) \(sd ([\d.]+)\); "
                         r"q10=([\d.]+), q50=([\d.]+), q90=([\d.]+)(?:; no value in ([\d.]+)%)?$",
                         text, flags=re.M):
        name = m.group(1)
        law = ex.numeric(name)
        missing = float(m.group(7)) / 100 if m.group(7) else 0.0
        count = n * (1 - missing)
        mean, sd = m.group(2), m.group(3)
        # printed with 2 decimals or 3 significant digits: allow half the last digit
        assert abs(float(mean) - law.mean) <= K * law.sd / math.sqrt(count) + \
            _half_digit(mean), (name, mean, law.mean)
        assert abs(float(sd) - law.sd) <= K * sd_stderr(law, count) + _half_digit(sd), \
            (name, sd, law.sd)
        cdf = numeric_cdf(ex, name)
        for g, level in ((4, 0.1), (5, 0.5), (6, 0.9)):
            assert_quantile(cdf, float(m.group(g)), level, count, 1, (name, level))
        if m.group(7):
            assert_mc(missing, law.missing, n, (name, "missing"), 0.0005)
        seen += 1
    assert seen == 2
    m2 = re.search(r"^  in_force: median (\d+) days after signing, if it happens by the "
                   r"horizon \(days_to_in_force\)$", text, flags=re.M)
    assert m2, text
    count = doc["dated"]["in_force"]["p"] * n
    assert_quantile(numeric_cdf(ex, "days_to_in_force"), float(m2.group(1)), 0.5, count, 1,
                    "in_force median days")


# -- sets of pillars and whole texts ------------------------------------------------------------

def test_json_pillar_sets_match_exact(doc: dict[str, Any], ex: Any, n: int) -> None:
    """All ten sets of pillars in the JSON (the table prints five): count and p against
    exact inference, count = p n, bound 0 (exact counting), and no set missing from the
    top ten whose exact chance clearly beats the tenth's."""
    exact_sets = ex.bundles(top=None, of="pillars")
    pillars = list(doc["pillars"])
    by_items = {}
    for _, row in exact_sets.iterrows():
        items = [] if row["bundle"] == "(nothing)" else row["bundle"].split(" + ")
        by_items[tuple(items)] = float(row["p"])
    assert sum(by_items.values()) == pytest.approx(1.0, abs=1e-9)
    listed = doc["pillar_sets"]
    assert len(listed) == 10
    for s in listed:
        key = tuple(s["items"])
        assert {i.split("=")[0] for i in key} <= set(pillars), key
        assert s["bound"] == 0 and s["p"] == s["count"] / n
        assert s["stderr"] == pytest.approx(math.sqrt(s["p"] * (1 - s["p"]) / n), rel=1e-9)
        assert_mc(s["p"], by_items[key], n, key)
    tenth = min(by_items[tuple(s["items"])] for s in listed)
    se = math.sqrt(tenth / n)
    missing = {k: v for k, v in by_items.items()
               if v > tenth + 2 * K * se and k not in {tuple(s["items"]) for s in listed}}
    assert not missing, missing


def test_json_texts_match_exact(doc: dict[str, Any], sc: pactsim.Scenario, n: int) -> None:
    """The ten most frequent whole texts (pillars and clauses): each count against the
    exact probability of that text (evidence fixing all 26 pillars and clauses), allowing
    ``bound`` draws the count may be low by."""
    members = []
    for pillar, body in doc["pillars"].items():
        members += [pillar, *body["clauses"]]
    texts = doc["texts"]
    assert len(texts) == 10
    for t in texts:
        assert {i.split("=")[0] for i in t["items"]} <= set(members), t["items"]
        evidence = text_findings(t["items"], members)
        given: Any = pactsim.exact(sc, evidence=evidence)
        p = float(given.p_evidence)  # P(every finding): the exact chance of this text
        sd = math.sqrt(max(n * p * (1 - p), 1.0))
        assert -K * sd <= t["count"] - n * p <= t["bound"] + K * sd, (t["items"], t["count"],
                                                                       n * p, t["bound"])
        assert t["p"] == t["count"] / n


# -- weighted runs: the effective sample size by hand ------------------------------------------

def test_soft_evidence_run_and_its_ess_by_hand(sc: pactsim.Scenario, ex: Any) -> None:
    """`run --soft drones_missiles:3`: weights 3 where drones_missiles holds, else 1. With
    q = P(drones_missiles), P(drones_missiles | news) = 3q / (1 + 2q), and the effective
    sample size (sum w)^2 / sum w^2 is n (1 + 2q)^2 / (1 + 8q) up to its sampling error
    (delta method on the two means: relative sd below 0.004 at n = 10^5, q ~ 0.19)."""
    n = 100_000
    doc = json.loads(_run(["run", str(FLAGSHIP), "-n", str(n), "--seed", "7", "--soft",
                           "drones_missiles:3", "--format", "json"]))
    q = float(ex.prob("drones_missiles").value)
    ess = doc["run"]["ess"]
    assert ess == pytest.approx(n * (1 + 2 * q) ** 2 / (1 + 8 * q), rel=0.02)
    post = 3 * q / (1 + 2 * q)
    row = doc["pillars"]["military"]["clauses"]["drones_missiles"]
    assert abs(row["p"] - post) <= K * math.sqrt(post * (1 - post) / ess), (row["p"], post)
    # every other number against exact inference under the same soft finding
    cond = pactsim.exact(sc, evidence=pactsim.soft("drones_missiles", 3))
    for name, r in _rows(doc):
        want = exact_p(cond, name)
        se = max(math.sqrt(want * (1 - want) / r["ess"]), 1.0 / n) if r["ess"] else 1.0 / n
        assert abs(r["p"] - want) <= K * se, (name, r["p"], want)


# -- pactsim score (the README's backtest command) ---------------------------------------------

BACKTEST = ROOT / "scenarios" / "backtest"


@pytest.fixture(scope="module")
def scored() -> tuple[str, dict[str, Any]]:
    files = [str(FLAGSHIP), str(BACKTEST / "russia-dprk-2024.yaml")]
    res = sorted(str(p) for p in BACKTEST.glob("*.resolutions.yaml"))
    table = _run(["score", *files, "--resolutions", *res])
    data: dict[str, Any] = json.loads(_run(["score", *files, "--resolutions", *res,
                                            "--format", "json"]))
    return table, data


def _resolved(sid: str) -> dict[str, Any]:
    from ruamel.yaml import YAML

    data: dict[str, Any] = YAML(typ="safe").load(
        (BACKTEST / f"{sid}.resolutions.yaml").read_text(encoding="utf-8"))
    return dict(data["outcomes"])


def _days(sc: pactsim.Scenario) -> list[dt.date]:
    return [sc.as_of + dt.timedelta(i) for i in range(1, (sc.horizon - sc.as_of).days + 1)]


def test_score_items_by_hand(scored: tuple[str, dict[str, Any]]) -> None:
    """Each scored item against exact inference and the scores' definitions: Brier
    (p - o)^2, log -ln P(outcome), the 0.5 baseline, the base rate (the share of true
    outcomes among all items scored together, unless the item gives one); a date by the
    exact day-by-day curve: P(that day), its log score, ln(days + 1) for the uniform over
    the days and "not by the horizon", CRPS = sum over days of (F(d) - 1[d >= day])^2,
    the 80% interval's ends (unconditional 10% and 90% dates)."""
    table, data = scored
    scenarios = {"iran-russia-2024": pactsim.load(FLAGSHIP),
                 "russia-dprk-2024": pactsim.load(BACKTEST / "russia-dprk-2024.yaml")}
    exacts = {k: pactsim.exact(v) for k, v in scenarios.items()}
    binary = [i for i in data["items"] if i["kind"] == "binary"]
    base = sum(i["outcome"] == "true" for i in binary) / len(binary)
    assert len(binary) == 28  # 22 + 6
    for it in data["items"]:
        sid, ex, sc = it["scenario"], exacts[it["scenario"]], scenarios[it["scenario"]]
        assert it["method"] == "exact"
        name = it["item"].removesuffix(".date")
        want = _resolved(sid)[name]["outcome"]
        if it["kind"] == "binary":
            assert it["outcome"] == ("true" if want not in (False, "false") else "false"), it
            p = float(ex.prob(name, given=it["given"]).value)
            o = it["outcome"] == "true"
            assert it["p"] == pytest.approx(p, abs=1e-9), it["item"]
            assert it["brier"] == pytest.approx((p - o) ** 2, abs=1e-9)
            assert it["log"] == pytest.approx(-math.log(p if o else 1 - p), abs=1e-9)
            assert (it["brier_half"], it["log_half"]) == pytest.approx((0.25, math.log(2)))
            b = _resolved(sid)[name].get("base_rate", base)
            assert it["base_rate"] == pytest.approx(b, abs=1e-12)
            assert it["brier_base"] == pytest.approx((b - o) ** 2, abs=1e-12)
            assert it["log_base"] == pytest.approx(-math.log(b if o else 1 - b), abs=1e-12)
            # the table prints the same to 3 decimals
            label = it["item"] + (f" | {it['given']}" if it["given"] else "")
            cells = next(line[len(label):].split() for line in table.split(
                f"{sid} (forecast as of", 1)[1].splitlines() if line.startswith(label + " "))
            assert [float(c) for c in (cells[0], cells[2], cells[4])] == pytest.approx(
                [p, (p - o) ** 2, -math.log(p if o else 1 - p)], abs=0.0005 + 1e-12), label
            continue
        day = _day(it["outcome"])
        assert day == _day(want)
        days = _days(sc)
        f = ex.date_cdf(name, days)["p"].to_numpy()
        i = days.index(day)
        p_day = float(f[i] - (f[i - 1] if i else 0.0))
        assert it["p_day"] == pytest.approx(p_day, rel=1e-9)
        assert it["log"] == pytest.approx(-math.log(p_day), rel=1e-9)
        assert it["log_uniform"] == pytest.approx(math.log(len(days) + 1), rel=1e-12)
        step = np.array([d >= day for d in days], dtype=float)
        assert it["crps"] == pytest.approx(float(((f - step) ** 2).sum()), rel=1e-9)
        uniform = np.arange(1, len(days) + 1) / (len(days) + 1)
        assert it["crps_uniform"] == pytest.approx(float(((uniform - step) ** 2).sum()),
                                                   rel=1e-9)
        q10 = next(d for d, v in zip(days, f, strict=True) if v >= 0.1 - 1e-12)
        q90 = next((d for d, v in zip(days, f, strict=True) if v >= 0.9 - 1e-12), None)
        assert it["q10"] == q10.isoformat()
        assert it["q90"] == (q90.isoformat() if q90 else None)
        assert it["covered"] is (q10 <= day and (q90 is None or day <= q90))
        line = next(x for x in table.splitlines() if x.startswith(f"{it['item']}: {day}"))
        assert f"P(that day) {p_day:.4f}, log {-math.log(p_day):.3f}" in line
        assert f"CRPS {float(((f - step) ** 2).sum()):.1f} days" in line


def test_score_means_by_hand(scored: tuple[str, dict[str, Any]]) -> None:
    """The "Mean scores" rows are the means of the items' scores, per forecast and over all."""
    table, data = scored
    cols = ("brier", "brier_half", "brier_base", "log", "log_half", "log_base")
    dcols = ("log", "log_uniform", "crps", "crps_uniform")
    for row in data["summary"]:
        items = [i for i in data["items"]
                 if row["forecast"] in ("all", f"{i['scenario']} @ {i['as_of']}")]
        binary = [i for i in items if i["kind"] == "binary"]
        dates = [i for i in items if i["kind"] == "date"]
        assert (row["n_binary"], row["n_dates"]) == (len(binary), len(dates))
        for c in cols:
            assert row[c] == pytest.approx(float(np.mean([i[c] for i in binary])), rel=1e-9), c
        for c, s in zip(dcols, ("date_log", "date_log_uniform", "crps", "crps_uniform"),
                        strict=True):
            assert row[s] == pytest.approx(float(np.mean([i[c] for i in dates])), rel=1e-9), c
        assert row["coverage80"] == pytest.approx(float(np.mean([i["covered"] for i in dates])))
        printed = next(x for x in table.splitlines() if x.startswith(row["forecast"] + " "))
        cells = printed[len(row["forecast"]):].split()
        assert cells[:7] == [str(len(binary)), *(f"{row[c]:.3f}" for c in
                                                 ("brier", "brier_half", "brier_base", "log",
                                                  "log_half", "log_base"))], printed


# -- pactsim history (the shipped news variant) --------------------------------------------------

def test_history_by_bayes_rule() -> None:
    """Each printed step against Bayes's rule done here on the priors' exact joint
    probabilities (not through the evidence code): hard findings H by P(q and H) / P(H);
    the soft one, a signing on Jan 17-18 x2000 (with the hard findings of its date),
    as (r P(q, A, H) + P(q, not A, H)) / (r P(A, H) + P(not A, H)), r = 2000."""
    news = ROOT / "scenarios" / "variants" / "iran-russia-2024-news.yaml"
    sc = pactsim.load(news)
    table = _run(["history", str(news)])
    doc = json.loads(_run(["history", str(news), "--json"]))
    prior = pactsim.exact(sc, observations=False)
    obs = list(sc.observations)
    # the election, no signing in 2024, none by Jan 12 (learnt Jan 13) and the soft news
    # of Jan 13: three dates, so steps 1 and 2 take one hard finding each, step 3 the rest
    assert [o.likelihood_ratio for o in obs] == [None, None, None, 2000]
    r = 2000
    assert obs[2].date == obs[3].date > obs[1].date > obs[0].date
    hard = [f"({o.evidence})" for o in obs[:3]]
    soft = f"({obs[3].evidence})"

    def joint(expr: str) -> float:
        return float(prior.prob(expr).value)

    lines = {ln.split()[0]: ln.split()[1:] for ln in table.splitlines()[3:]
             if ln and not ln.startswith(" ") and len(ln.split()) == 5}
    assert set(lines) == {q for q, (_, k) in prior.model.questions.items() if k == "bool"}
    for row in doc["rows"]:
        q, step = f"({row['question']})", row["step"]
        if step == 0:
            want = joint(q)
        elif step <= 2:
            h = " and ".join(hard[:step])
            want = joint(f"{q} and {h}") / joint(h)
        else:
            h = " and ".join(hard)
            want = (r * joint(f"{q} and {soft} and {h}") + joint(f"{q} and not {soft} and {h}")) \
                / (r * joint(f"{soft} and {h}") + joint(f"not {soft} and {h}"))
        assert row["p"] == pytest.approx(want, abs=1e-9), (row["question"], step)
        assert float(lines[row["question"]][step].rstrip("%")) == pytest.approx(
            100 * want, abs=0.05 + 1e-9), (row["question"], step)


# -- pactsim sensitivity (the flagship) ------------------------------------------------------------

def test_sensitivity_by_hand(sc: pactsim.Scenario, ex: Any) -> None:
    """The tornado's Q at low and high by exact inference on the changed scenario
    (`with_changes`, not the tornado's own re-evaluation), and each value-of-information
    column by its definition from exact P(Q | X): E|move| = sum_x P(x) |P(Q | x) - P(Q)|,
    Brier reduction sum_x P(x) (P(Q | x) - P(Q))^2, log-loss reduction I(Q; X) in nats."""
    q = "signed_by_2024"
    doc = json.loads(_run(["sensitivity", str(FLAGSHIP), "-q", q, "--top", "5",
                           "--format", "json"]))
    pq = float(ex.prob(q).value)
    assert doc["value"] == pytest.approx(pq, abs=1e-9)
    assert len(doc["tornado"]) == 77  # every input (the table prints the five largest)
    checked = 0
    for row in doc["tornado"]:
        path = row["input"]
        # a delay's range scales its whole law, and a categorical row's range renormalises
        # its row: not one with_changes value; every other input that moves Q, and every
        # p, odds and hazard ratio (zero swings included) is checked
        if not (row["swing"] > 0 or row["kind"] in ("p", "odds", "hazard_ratio")):
            continue
        checked += 1
        lo = float(pactsim.exact(sc.with_changes({path: row["low"]})).prob(q).value)
        hi = float(pactsim.exact(sc.with_changes({path: row["high"]})).prob(q).value)
        assert (row["q_low"], row["q_high"]) == pytest.approx((lo, hi), abs=1e-9), path
        assert row["swing"] == pytest.approx(abs(hi - lo), abs=1e-9), path
    assert checked >= 45
    # for a question on the signing date the text, the milestones after the signing and
    # the signing itself are known only once it is settled: left out of what to watch,
    # with a note; what is drawn given the signing (legal_form, signatories) is kept
    kinds = _voi_by_hand(doc, sc, ex, q)
    assert kinds == {"event", "outcome", "outcomes"}
    assert {"legal_form", "us_trump_win"} <= {r["node"] for r in doc["voi"]}
    # signatories is present in exactly the draws where legal_form is: shown once
    assert "signatories" not in {r["node"] for r in doc["voi"]}
    assert any("in what to watch once, as legal_form: signatories" in n for n in doc["notes"])
    p_diff = float(ex.prob("(legal_form and not signatories) or "
                           "(signatories and not legal_form)").value)
    assert p_diff == pytest.approx(0.0, abs=1e-12)
    note = next(n for n in doc["notes"] if "known only once signing has happened" in n)
    for name in ("ratified_ru", "in_force"):
        assert name in note
    assert "not in what to watch: signing (the question's own event" in " ".join(doc["notes"])
    # a question on entry into force: the text and the ratifications are learnt first
    q = "in_force_by_2025"
    doc = json.loads(_run(["sensitivity", str(FLAGSHIP), "-q", q, "--top", "5",
                           "--format", "json"]))
    kinds = _voi_by_hand(doc, sc, ex, q)
    assert {"event", "outcome", "outcomes", "signing", "pillar", "clause", "milestone"} <= kinds


def _voi_by_hand(doc: Any, sc: pactsim.Scenario, ex: Any, q: str) -> set[str]:
    """Each value-of-information row of ``doc`` against its definition from exact
    P(Q | X); the kinds of rows seen."""
    pq = float(ex.prob(q).value)
    assert len(doc["voi"]) >= 5
    kinds = set()
    for row in doc["voi"]:
        x = row["node"]
        kinds.add(row["kind"])
        if row["kind"] == "outcomes":  # "legal_form: which outcome": every outcome at once
            node = x.removesuffix(": which outcome")
            cells = [f"{node} == {o}" for o in sc.outcomes[node]]
        else:
            cells = [x, f"not ({x})"]
            px = float(ex.prob(x).value)
            assert (row["p_node"], row["q_if_true"], row["q_if_false"]) == pytest.approx(
                (px, float(ex.prob(q, given=x).value), float(ex.prob(q, given=cells[1]).value)),
                abs=1e-9), x
        ws = [float(ex.prob(c).value) for c in cells]
        assert sum(ws) == pytest.approx(1.0, abs=1e-9)
        qs = [float(ex.prob(q, given=c).value) if w > 0 else pq
              for c, w in zip(cells, ws, strict=True)]
        assert row["move"] == pytest.approx(
            sum(w * abs(qx - pq) for w, qx in zip(ws, qs, strict=True)), abs=1e-9), x
        assert row["brier"] == pytest.approx(
            sum(w * (qx - pq) ** 2 for w, qx in zip(ws, qs, strict=True)), abs=1e-9), x
        mi = 0.0
        for wx, qx in zip(ws, qs, strict=True):
            for a, b in ((qx, pq), (1 - qx, 1 - pq)):
                if wx > 0 and a > 0:
                    mi += wx * a * math.log(a / b)
        assert row["log_loss"] == pytest.approx(mi, abs=1e-9), x
        assert row["method"] == "exact", x
    return kinds


# -- pactsim diff (the flagship and its shipped variant) ----------------------------------------

VARIANT = ROOT / "scenarios" / "variants" / "iran-russia-2024-firm-december.yaml"


def _statistic(ex: Any, row: dict[str, Any]) -> Any:
    """A diff row's statistic from an exact result computed here."""
    if row["statistic"] == "median":
        return str(ex.date_quantiles(row["name"])[0.5].date())
    if row["statistic"] == "mean":  # a numeric question's (or attribute's) mean
        return float(ex.numeric(row["name"]).mean)
    given = "signing" if row["statistic"] == "p_given_signed" else None
    return float(ex.prob(row["name"], given=given).value)


def test_diff_exact_by_hand(sc: pactsim.Scenario, ex: Any) -> None:
    """Every change against exact inference on each file loaded here; the attribution of
    the two edits by its definitions: one at a time v({i}) - v({}), Shapley
    (v({i}) - v({}) + v({i, j}) - v({j})) / 2, from exact answers on `with_changes`."""
    q = "signed_by_2024"
    doc = json.loads(_run(["diff", str(FLAGSHIP), str(VARIANT), "-q", q, "--format", "json"]))
    exb = pactsim.exact(pactsim.load(VARIANT))
    assert len(doc["changes"]) >= 100
    for row in doc["changes"]:
        a, b = _statistic(ex, row), _statistic(exb, row)
        if row["statistic"] == "median":
            assert (row["a"], row["b"]) == (a, b), row
            assert row["change"] == (_day(b) - _day(a)).days
        else:
            assert (row["a"], row["b"], row["change"]) == pytest.approx((a, b, b - a),
                                                                        abs=1e-9), row
        assert row["stderr"] == 0
    (att,) = doc["attribution"]
    edits = {e["edit"]: e for e in att["edits"]}
    values = {path: (sc.with_changes({path: leaf["after"]}), leaf["after"])
              for e in doc["edits"] for leaf in e["leaves"] for path in [leaf["path"]]
              if not path.startswith("signing.why")}
    assert set(values) == set(edits) == {"signing.by.2024-12-31", "signing.by.2025-03-31"}

    def v(paths: list[str]) -> float:
        return float(pactsim.exact(sc.with_changes({p: values[p][1] for p in paths}))
                     .prob(q).value)
    none, both = v([]), v(list(values))
    assert att["change"] == pytest.approx(both - none, abs=1e-9)
    for i, j in (list(values), list(values)[::-1]):
        alone = v([i]) - none
        assert edits[i]["one_at_a_time"] == pytest.approx(alone, abs=1e-9), i
        assert edits[i]["shapley"] == pytest.approx((alone + both - v([j])) / 2, abs=1e-9), i


def test_diff_monte_carlo_against_exact(ex: Any) -> None:
    """`diff --method mc` (one seed for both files): each change within K of its paired
    standard error of the exact change (floored at 1/n; a median date within K standard
    errors plus a day). For signed_by_2024 the coupling is monotone (the variant's curve
    is above the base's up to 2024-12-31, and each draw's date comes from the same uniform),
    so the draws differ exactly where only B is signed by then: paired stderr
    sqrt(c (1 - c) / n) for the change c, by hand."""
    n = 50_000
    doc = json.loads(_run(["diff", str(FLAGSHIP), str(VARIANT), "-q", "signed_by_2024",
                           "--method", "mc", "-n", str(n), "--seed", "3", "--format", "json"]))
    exb = pactsim.exact(pactsim.load(VARIANT))
    for row in doc["changes"]:
        a, b = _statistic(ex, row), _statistic(exb, row)
        if row["statistic"] == "median":
            want = (_day(b) - _day(a)).days
            assert abs(row["change"] - want) <= K * row["stderr"] + 1, row
            continue
        floor = 1e-9 if row["statistic"] == "mean" else 1 / n  # a mean is in its units
        assert abs(row["change"] - (b - a)) <= K * max(row["stderr"], floor), (row, b - a)
        assert row["stderr"] <= row["stderr_independent"] + 1e-12, row  # pairing helps
    first = doc["changes"][0]
    assert (first["name"], first["statistic"]) == ("signed_by_2024", "p")
    c = first["change"]
    assert first["stderr"] == pytest.approx(math.sqrt(c * (1 - c) / n), rel=1e-9)


# -- the spread section of `pactsim run` -----------------------------------------------------------

def test_spread_bands_against_parameter_draws_made_here(text: str, sc: pactsim.Scenario) -> None:
    """Each printed 80% band (the 10% and 90% quantiles of P(Q) over 200 parameter draws,
    whole percents, or 0.1% or 0.01% for a band under a point wide) against 200 parameter draws
    made here: each uncertain input from its Beta (a 'between' interval as the Beta with
    those 5% and 95% quantiles, found by root finding; 'beta: [2, 6]' as is), the answer
    by exact inference on `with_changes`. The printed quantile q of level a must have
    H(q + h) >= a - K s and H(q - h) <= a + K s, h half the last digit shown, H the share
    of these draws below, s = sqrt(a (1 - a) (1/200 + 1/200)): coarse (200 draws make a
    coarse band), but independent of pactsim.analysis.spread. The questions with no
    spread have their 10% and 90% quantiles here within 0.1 point."""
    from scipy import optimize, stats

    section = text.split("Spread over the uncertain inputs (", 1)[1]
    head, body = section.split("\n", 1)
    assert head.startswith("ukraine_war_continues.table.true, ukraine_war_continues.table.false, "
                           "drones_missiles.p, su35_sale.p; 200 parameter draws"), head
    bands = {m.group(1): (float(m.group(2)), float(m.group(3)), float(m.group(4)),
                          0.5 * 10.0 ** -len((m.group(3) + ".").split(".")[1]))
             for m in re.finditer(r"^  (\w+): ([\d.]+)% \(80% band ([\d.]+)–([\d.]+)% over",
                                  body, flags=re.M)}
    for q, (mean, lo, hi, half) in bands.items():  # the point, to the band's digits,
        assert lo - half <= mean <= hi + half, (q, mean, lo, hi)  # reads inside its band
    # a band 1 point wide or more is shown in whole percents, a narrower one to 0.1% (0.01%
    # where 0.1% would show one number), one under 0.05 point not at all
    assert set(bands) == {"arms_package", "any_weapons_named", "military_without_alliance",
                          "comprehensive", "defence_pact"}
    flat = re.search(r"^  no spread \(the band is under 0\.05 point wide\): (.+)$", body,
                     flags=re.M)
    assert flat is not None
    still = flat.group(1).split(", ")
    assert {"in_force_without_alliance", "signed_by_2024", "in_force_by_2025"} <= set(still)

    def between(lo: float, hi: float) -> Any:
        a, b = optimize.fsolve(lambda ab: [stats.beta.ppf(0.05, *ab) - lo,
                                           stats.beta.ppf(0.95, *ab) - hi], [5.0, 5.0])
        return stats.beta(a, b)
    laws = {"ukraine_war_continues.table.true": between(0.5, 0.85),
            "ukraine_war_continues.table.false": between(0.7, 0.92),
            "drones_missiles.p": stats.beta(2, 6), "su35_sale.p": between(0.05, 0.35)}
    m = 200
    u = np.random.default_rng(20241105).random((m, len(laws)))
    answers = {q: np.empty(m) for q in [*bands, *still]}
    for i in range(m):
        changes = {path: float(law.ppf(u[i, j])) for j, (path, law) in enumerate(laws.items())}
        e = pactsim.exact(sc.with_changes(changes))
        for q in answers:
            answers[q][i] = float(e.prob(q).value)
    for q, (mean, lo, hi, half) in bands.items():  # half: half the last digit shown
        xs = 100 * answers[q]
        assert abs(mean - xs.mean()) <= K * xs.std() / math.sqrt(m) + 0.5, (q, mean, xs.mean())
        for shown, level in ((lo, 0.1), (hi, 0.9)):
            s = math.sqrt(level * (1 - level) * (1 / 200 + 1 / m))
            assert float((xs <= shown + half).mean()) >= level - K * s, (q, shown, level)
            assert float((xs < shown - half).mean()) <= level + K * s, (q, shown, level)
    for q in still:  # no spread: the 10% and 90% quantiles within about 0.05 point
        q10, q90 = np.quantile(100 * answers[q], [0.1, 0.9])
        assert q90 - q10 < 0.1, (q, q10, q90)


# -- `run --format csv` at the default n (the README's `--format json -o ... # or csv`) ---------

def test_csv_export_against_exact(sc: pactsim.Scenario, ex: Any) -> None:
    """Every number of the CSV export (default 10^5 draws, seed 7) against exact
    inference: probabilities within K standard errors, P(. | signed) over the signed
    draws, the curves' points, the dates' and numbers' quantiles by the exact CDF, the
    numeric means, sds and missing shares, the counts of the sets of pillars and of the
    whole texts."""
    import pandas as pd

    df = pd.read_csv(io.StringIO(_run(["run", str(FLAGSHIP), "--seed", "7", "--format",
                                       "csv"])))
    n = int(df.n.iloc[0])
    assert n == 100_000 and set(df.seed) == {7}
    signed = float(df[(df.section == "signing") & (df.statistic == "p")].value.iloc[0]) * n
    counts: dict[str, int] = {}
    for _, r in df.iterrows():
        sec, name, stat = r.section, r["name"], r.statistic
        counts[sec] = counts.get(sec, 0) + 1
        if sec in ("questions", "pillars", "events") and stat in ("p", "p_given_signed"):
            given = "signing" if stat == "p_given_signed" else None
            assert_mc(r.value, exact_p(ex, name, given), signed if given else n, (name, stat))
        elif sec in ("signing", "dated") and stat in ("p", "p_by"):
            want = float(ex.date_cdf(name, r.date if stat == "p_by" else sc.horizon)["p"]
                         .iloc[0])
            assert_mc(r.value, want, n, (name, r.date))
        elif sec in ("signing", "dated"):
            level = int(stat[1:]) / 100
            m = float(ex.date_cdf(name, sc.horizon)["p"].iloc[0]) * n
            assert_quantile(date_cdf_given(ex, name), _day(r.date).toordinal(), level, m, 1,
                            (name, stat))
        elif sec == "numeric":
            law = ex.numeric(name)
            m = n * (1 - law.missing)
            if stat == "mean":
                assert abs(r.value - law.mean) <= K * law.sd / math.sqrt(m), (name, r.value)
            elif stat == "sd":
                assert abs(r.value - law.sd) <= K * sd_stderr(law, m), (name, r.value, law.sd)
            elif stat == "missing":
                assert_mc(r.value, law.missing, n, (name, stat))
            else:
                assert_quantile(numeric_cdf(ex, name), r.value, int(stat[1:]) / 100, m, 1,
                                (name, stat))
        elif sec in ("pillar_sets", "texts"):
            items = [] if name == "(nothing)" else name.split(" + ")
            members = list(sc.pillars) if sec == "pillar_sets" else \
                [x for p in sc.pillars for x in (p, *sc.pillars[p].clauses)]
            evidence = text_findings(items, members)
            cond: Any = pactsim.exact(sc, evidence=evidence)
            p = float(cond.p_evidence)
            sd = math.sqrt(max(n * p * (1 - p), 1.0))
            assert -K * sd <= r["count"] - n * p <= r.bound + K * sd, (sec, name, r["count"], p)
            assert r.value == r["count"] / n
        else:
            counts[sec] -= 1  # not a number section
    assert counts["questions"] == 36 and counts["pillars"] == 64 and counts["events"] == 17
    assert counts["signing"] == 9 and counts["dated"] == 36 and counts["numeric"] == 12
    assert counts["pillar_sets"] == 10 and counts["texts"] == 10


# -- weighted runs: hard evidence -----------------------------------------------------------------

def test_hard_evidence_run_against_exact(sc: pactsim.Scenario) -> None:
    """`run --evidence mutual_defence` (likelihood weighting): every probability of the
    JSON within K standard errors (at each row's effective sample size) of exact inference
    given the same finding; the run's effective sample size between 1 and n."""
    n = 100_000
    doc = json.loads(_run(["run", str(FLAGSHIP), "-n", str(n), "--seed", "7", "--evidence",
                           "mutual_defence", "--format", "json"]))
    cond = pactsim.exact(sc, evidence="mutual_defence")
    ess = doc["run"]["ess"]
    assert 1_000 < ess < n
    for name, r in _rows(doc):
        want = exact_p(cond, name)
        m = r["ess"] or ess
        assert abs(r["p"] - want) <= K * max(math.sqrt(want * (1 - want) / m), 1.0 / n), \
            (name, r["p"], want, m)
    assert doc["pillars"]["military"]["clauses"]["mutual_defence"]["p"] == 1.0


# -- the Timeline's "timing" column: the file's own numbers, echoed -----------------------------

def test_timeline_timing_echoes_the_file(text: str) -> None:
    """The timing column restates inputs: they must be the file's (read here with a YAML
    reader, not through pactsim): the stated curve's points and hazard ratios, each
    milestone's delay and chance of ever happening."""
    from ruamel.yaml import YAML

    raw = YAML(typ="safe").load(FLAGSHIP.read_text(encoding="utf-8"))
    rows = {}
    for line in text.split("Timeline:", 1)[1].splitlines()[2:6]:
        name = line.split()[0]
        rows[name] = line.split("   ")[-1].strip()
    sig = raw["signing"]
    curve = ", ".join(f"{round(100 * p)}% by {d}" for d, p in sig["by"].items())
    ratios = ", ".join(f"{k} {v:g}" for k, v in sig["hazard_ratio"].items())
    assert rows["signing"] == (f"base curve (no hazard ratio applied): {curve}; "
                               f"hazard ratio {ratios}")
    for node in ("ratified_ru", "ratified_ir"):
        spec = raw["events"][node]
        want = f"median {spec['delay']['median']} days (90%: {spec['delay']['p90']}) after " \
               f"{spec['after']}"
        if "hazard_ratio" in spec:
            want += "; hazard ratio " + ", ".join(f"{k} {v:g}"
                                                  for k, v in spec["hazard_ratio"].items())
        want += f"; p {spec['p']:g} of ever happening once its anchor has"
        assert rows[node] == want
    spec = raw["events"]["in_force"]
    lo, hi = spec["delay"]["between"]
    assert rows["in_force"] == (f"90% between {lo} and {hi} days after both "
                                f"{' and '.join(spec['after']['all'])}")


def test_readme_backtest_sentence_matches_score(scored: tuple[str, dict[str, Any]]) -> None:
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    m = re.search(r"mean Brier score of ([\d.]+) for the flagship \((\d+) items; ([\d.]+) for "
                  r"always saying 0\.5, ([\d.]+) for the base rate of the items of both files "
                  r"scored together, as `pactsim score` does with the two\) and ([\d.]+) for the "
                  r"Russia–DPRK file \((\d+) items; its base-rate baseline, ([\d.]+),", readme)
    assert m, "the README's backtest sentence moved"
    date_log = re.search(r"only just \(log ([\d.]+) against ([\d.]+)\)", readme)
    assert date_log
    _, data = scored
    flag, dprk = data["summary"][0], data["summary"][1]
    signing = next(i for i in data["items"] if i["item"] == "signing.date"
                   and i["scenario"] == "iran-russia-2024")
    assert [float(m.group(1)), int(m.group(2)), float(m.group(3)), float(m.group(4))] == [
        round(flag["brier"], 3), flag["n_binary"], round(flag["brier_half"], 3),
        round(flag["brier_base"], 3)]
    assert [float(m.group(5)), int(m.group(6)), float(m.group(7))] == [
        round(dprk["brier"], 3), dprk["n_binary"], round(dprk["brier_base"], 3)]
    assert [float(date_log.group(1)), float(date_log.group(2))] == [
        round(signing["log"], 2), round(signing["log_uniform"], 2)]


# -- pactsim report (the README's `pactsim report FILE --out report.html`: default n) ------------

@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("report") / "report.html"
    _run(["report", str(FLAGSHIP), "--seed", "7", "--out", str(out)])
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", out.read_text(encoding="utf-8"))


def _table(page: str, caption: str) -> list[tuple[str, list[str]]]:
    """Rows of the first table whose caption starts with `caption`: (the row's name, its
    cells as text). The name is the first cell's <code> (a node), else its text."""
    import html

    start = page.index(f"<caption>{caption}")
    body = page[page.index("<tbody>", start): page.index("</tbody>", start)]
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", tr, flags=re.S)
        code = re.search(r"<code>(.*?)</code>", cells[0])
        text = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]
        rows.append((html.unescape(code.group(1)) if code else text[0], text))
    return rows


def test_report_numbers_against_exact(report: str, sc: pactsim.Scenario, ex: Any) -> None:
    """The report's tables at its default 10^5 draws (seed 7): each P, its 95% interval
    and P(. | signed) (questions, pillars and clauses with their outcomes, context events),
    the signing curve, each dated node's chance, median, 80% interval and days after
    signing, the numeric questions, the frequent sets and texts, and the value-of-
    information table, against exact inference as the run's numbers are above."""
    n = 100_000
    assert "<dt>draws</dt><dd>100,000" in report or "100,000" in report
    signed = float(ex.prob("signing").value) * n  # the draws signed, to within 0.2%
    seen = 0
    for caption in ("Questions", "In the text", "Context events"):
        for name, cells in _table(report, caption):
            p = exact_p(ex, name)
            assert_mc(float(cells[1].rstrip("%")) / 100, p, n, name, _decimals(cells[1][:-1]))
            lo_s, hi_s = cells[3].split("–")
            lo, hi = wilson(p, n)
            se = max(math.sqrt(p * (1 - p) / n), 1.0 / n)
            assert abs(float(lo_s) / 100 - lo) <= K * se + _decimals(lo_s), (name, lo_s)
            assert abs(float(hi_s) / 100 - hi) <= K * se + _decimals(hi_s), (name, hi_s)
            if len(cells) > 4 and cells[4].endswith("%"):  # P(. | signed)
                g = exact_p(ex, name, given="signing")
                assert_mc(float(cells[4].rstrip("%")) / 100, g, signed * 0.998, (name, "|"),
                          _decimals(cells[4][:-1]))
            seen += 1
    assert seen == 18 + 32 + 14  # the milestones are in the Timeline, not the events
    for day, cells in _table(report, "Signed on or before"):
        assert_mc(float(cells[1].rstrip("%")) / 100,
                  float(ex.date_cdf("signing", day)["p"].iloc[0]), n, day, 0.0005)
    days_law = numeric_cdf(ex, "days_to_in_force")
    for name, cells in _table(report, "Timeline"):
        total = float(ex.date_cdf(name, sc.horizon)["p"].iloc[0])
        assert_mc(float(cells[1].rstrip("%")) / 100, total, n, name, 0.0005)
        cdf = date_cdf_given(ex, name)
        q10, q90 = (x.strip() for x in cells[5].split(" – "))
        for d, level in ((q10, 0.1), (cells[4], 0.5), (q90, 0.9)):
            assert_quantile(cdf, _day(d).toordinal(), level, total * n, 1, (name, level))
        if cells[6]:
            assert name == "in_force"
            assert_quantile(days_law, float(cells[6]), 0.5, total * n, 1, "days after signing")
    for name, cells in _table(report, "Numeric questions"):
        law = ex.numeric(name)
        m = n * (1 - law.missing)
        assert abs(float(cells[1]) - law.mean) <= K * law.sd / math.sqrt(m) + \
            _half_digit(cells[1]), name
        assert abs(float(cells[2]) - law.sd) <= K * sd_stderr(law, m) + _half_digit(cells[2])
        for v, level in zip(cells[3].split(" / "), (0.1, 0.5, 0.9), strict=True):
            assert_quantile(numeric_cdf(ex, name), float(v), level, m, 1, (name, level))
        if cells[4]:
            assert_mc(float(cells[4].rstrip("%")) / 100, law.missing, n, name, 0.0005)
    members_of = {"pillars": list(sc.pillars),
                  "pillars and clauses": [x for p in sc.pillars
                                          for x in (p, *sc.pillars[p].clauses)]}
    for which, members in members_of.items():
        rows = _table(report, f"Most frequent texts (exact sets of {which})")
        assert len(rows) >= 5
        for _, cells in rows:
            items = [] if cells[2] == "(nothing)" else cells[2].split(" + ")
            evidence = text_findings(items, members)
            cond: Any = pactsim.exact(sc, evidence=evidence)
            p = float(cond.p_evidence)
            count = int(cells[1].replace(",", "").lstrip("≥ "))
            sd = math.sqrt(max(n * p * (1 - p), 1.0))
            assert abs(count - n * p) <= K * sd + 2, (which, cells)  # + a cut's bound
    q = "signed_by_2024"
    pq = float(ex.prob(q).value)
    for x, cells in _table(report, "What to watch"):
        if x.endswith(": which outcome"):  # every outcome of a categorical node at once
            node = x.removesuffix(": which outcome")
            move = 0.0
            for o in sc.outcomes[node]:
                w = float(ex.prob(f"{node} == {o}").value)
                if w > 0:
                    move += w * abs(float(ex.prob(q, given=f"{node} == {o}").value) - pq)
            assert float(cells[5].removesuffix(" pp")) == pytest.approx(100 * move,
                                                                        abs=0.05 + 1e-9)
            continue
        px = float(ex.prob(x).value)
        want = [px, float(ex.prob(q, given=x).value), float(ex.prob(q, given=f"not ({x})").value)]
        got = [float(c.rstrip("%")) / 100 for c in cells[2:5]]
        assert got == pytest.approx(want, abs=0.0005 + 1e-12), x
        move = px * abs(want[1] - pq) + (1 - px) * abs(want[2] - pq)
        assert float(cells[5].removesuffix(" pp")) == pytest.approx(100 * move, abs=0.05 + 1e-9)


def test_spread_points_are_the_forecast_printed_above(text: str) -> None:
    """A spread line whose band is in whole percents has the question's forecast as its
    point, not the mean of the 200 parameter draws ("26%" was printed under a
    forecast of 26.8%); a narrower band keeps the draws' mean, inside it."""
    p = {m.group(1): float(m.group(2)) for m in re.finditer(
        r"^  (\w+) +([\d.]+)% \[", text.split("Signed on or before", 1)[0], flags=re.M)}
    section = text.split("Spread over the uncertain inputs (", 1)[1]
    lines = re.findall(r"^  (\w+): ([\d.]+)% \(80% band ([\d.]+)–", section, flags=re.M)
    whole = [(q, point) for q, point, lo in lines if "." not in lo]
    assert len(whole) >= 2
    for q, point in whole:  # the forecast printed to 0.1 point, then whole
        assert float(point) == round(p[q]) or abs(float(point) - p[q]) <= 0.55, (q, point)
