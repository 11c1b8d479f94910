"""An independent review of what the views print and export.

Reviewed: ``pactsim run``'s text (:mod:`pactsim.views.text`), the JSON and CSV exports
(:mod:`pactsim.views.export`), the notebook HTML (:mod:`pactsim.views.display`) and the
report's headline cards (:mod:`pactsim.views.report`). Every number they show is compared
with the Results API of the same run (``questions``, ``marginals``, ``outcomes``,
``date_cdf``, ``date_quantiles``, ``numeric``, ``bundles``), or with ``pactsim.exact``, or
with answers derived by hand for small scenarios (all p = 0, all p = 1, a horizon one day
after ``as_of``, a uniform dated event, categorical outcomes, attributes with no value,
long names and unicode labels). The round trip JSON -> numbers and CSV -> numbers is
checked too, as is the alignment of the printed columns.

Found and fixed during the review (each has a test below that failed before the fix):

* the printed "On or before" grid, the Questions header and the Attributes header were
  out of line with their columns when every name was shorter than the heading
  ("On or before", "Questions", "Attributes");
* the report's headline cards dropped the 95% interval of a Monte Carlo estimate whose
  standard error is 0 (P = 0 or 1 in every draw), as if it were exact, while the text
  and the tables show its Wilson interval;
* a 95% interval reaching 100% ("[99.6–100.0]", a character wider than the column) pushed
  the printed columns after it (dates, P(· | signed)) one place right;
* under evidence (weighted draws) the JSON and CSV wrote ``count`` 0 for every set and
  the notebook HTML showed 0 draws for each (``int`` of a share of the weight);
* the notebook HTML and the report of exact results under evidence did not say the
  numbers were conditional on it (Monte Carlo ones did);
* the report's opening "P(q) = ..." and What drives it analyse the scenario as written,
  so under evidence given to the run they showed the unconditioned P(q) beside the
  conditioned cards without saying so; they now say which evidence they are without;
* the scorecard printed a score of -0.0 (-log 1) as "-0.000" and wrote -0.0 in its JSON;
* under evidence the share of draws without a value came out -2.2e-16 (from
  ``Results.numeric``; fixed there), printed "-0.0%" by the text and the notebook;
* under evidence the text's "Monte Carlo standard error ≤ 50/sqrt(ess) points" did not
  hold: a weighted share's delta-method error can pass it (1.31 against 0.76 below).
"""

from __future__ import annotations

import io
import json
import math
import re
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import pactsim
from pactsim.views import text
from pactsim.views.display import results_html
from pactsim.views.export import results_to_json, results_to_table
from pactsim.views.report import _headline

ROOT = Path(__file__).resolve().parents[2]
MERCOSUR = ROOT / "scenarios" / "eu-mercosur-2024.yaml"
GATES = ROOT / "scenarios" / "analytic-gates.yaml"

LEVELS = """\
pactsim: 3
id: levels-review
as_of: 2024-11-05
horizon: 2025-12-31
drivers:
  alignment: {dist: normal, mean: 0, sd: 1}
events:
  new_sanctions: {p: 0.85}
  legal_form:
    levels: {binding_treaty: 0.9, programme: 0.1}
    requires: [signing]
signing:
  by: {2024-12-31: 0.4, 2025-12-31: 0.82}
pillars:
  instc:
    levels: {absent: 0.2, generic: 0.3, named: 0.5}
    odds: {alignment: 1.2}
    clauses:
      rasht_astara:
        p: 0.55
        requires: ["instc == named"]
  payments:
    p: 0.8
    clauses:
      payment_link:
        levels: [absent, generic, named]
        given: [new_sanctions]
        table:
          true: {absent: 0.4, generic: 0.3, named: 0.3}
          false: {absent: 0.5, generic: 0.3, named: 0.2}
questions:
  instc_named: instc == named
  payments_mentioned: in(payment_link, generic, named)
"""

#: Everything impossible; the horizon is one day after as_of.
ZERO = """\
pactsim: 2
id: zero
as_of: 2024-01-01
horizon: 2024-01-02
events:
  ms:
    after: signing
    delay: 1
  rain: {p: 0}
  quake:
    by: {2024-01-02: 0}
signing:
  by: {2024-01-02: 0}
pillars:
  trade:
    p: 0
    clauses:
      tariffs: {p: 0}
questions:
  q1: rain
  d: ms.date - signing.date
  sd: signing.date
"""

#: Everything certain, all on the horizon, one day after as_of (the milestone a day
#: after the signing falls past the horizon: never).
ONE = ZERO.replace("id: zero", "id: one").replace("{p: 0}", "{p: 1}").replace(
    "2024-01-02: 0}", "2024-01-02: 1}").replace("    p: 0\n", "    p: 1\n")

#: A dated event whose date is uniform on the 10 days after as_of (the curve rises
#: linearly from 0 on as_of to 1 ten days later), and nothing else.
UNIFORM = """\
pactsim: 2
id: uniform
as_of: 2024-01-01
horizon: 2024-03-31
events:
  vote:
    by: {2024-01-11: 1}
"""

LONG = "a_very_long_event_name_that_goes_on_and_on_for_more_than_forty_characters_x"
UNICODE = f"""\
pactsim: 3
id: unicode-review
title: "Accord ☃ — 中文 <b>"
as_of: 2024-01-01
horizon: 2024-12-31
events:
  {LONG}: {{p: 0.3, label: "Éléphant ☃ 中文 <i>"}}
  x:
    levels: {{absent: 0.5, lo: 0.25, hi: 0.25}}
questions:
  q: x == hi
"""

ATTRS = """\
pactsim: 3
id: attributes-review
as_of: 2024-11-05
horizon: 2025-12-31
signing:
  by: {2024-12-31: 0.4, 2025-12-31: 0.82}
pillars:
  military: {p: 0.9}
attributes:
  n:
    dist: {lognormal: {median: 40, p90: 60}}
    round: true
    requires: [signing]
  never:
    dist: {normal: {mean: 5, sd: 1}}
    requires: [military]
    excludes: [signing]
questions:
  long_text: n >= 40
  articles: n
"""


def _day(d: Any) -> str | None:
    return None if pd.isna(d) else str(pd.Timestamp(d).date())


def _quiet_bundles(res: Any, top: int, of: str) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out: pd.DataFrame = res.bundles(top=top, of=of)
    return out


@pytest.fixture(scope="module")
def mercosur() -> pactsim.Results:
    return pactsim.simulate(pactsim.load(MERCOSUR), n=4_000, seed=5)


@pytest.fixture(scope="module")
def levels() -> pactsim.Results:
    return pactsim.simulate(pactsim.loads(LEVELS), n=6_000, seed=2)


# -- JSON and CSV against the Results API -------------------------------------------------
def test_json_numbers_are_the_results_api_numbers(mercosur: pactsim.Results) -> None:
    res = mercosur
    data = json.loads(results_to_json(res))
    for q, r in res.questions().iterrows():
        e = data["questions"][q]
        assert (e["p"], e["stderr"], e["lo"], e["hi"]) == (r.p, r.stderr, r.lo, r.hi)
        assert e["p_given_signed"] == r.p_given_signed
    marg = res.marginals()
    for name, e in data["events"].items():
        assert e["p"] == marg.p[name] and e["hi"] == marg.hi[name]
    for p, e in data["pillars"].items():
        assert e["p_given_signed"] == marg.p_given_signed[p]
        for c, ce in e["clauses"].items():
            assert ce["p"] == marg.p[c] and marg.pillar[c] == p
    keys = res.key_dates()
    assert list(data["dated"]) == ["signing", *(n for n in res.dated() if n != "signing")]
    for node, e in data["dated"].items():
        cdf = res.date_cdf(node, keys)
        assert [pt["date"] for pt in e["curve"]] == [str(d) for d in keys]
        assert [pt["p"] for pt in e["curve"]] == cdf.p.tolist()
        assert [pt["lo"] for pt in e["curve"]] == cdf.lo.tolist()
        qd = res.date_quantiles(node, (0.1, 0.5, 0.9))
        assert list(e["date_if_happens"].values()) == [_day(d) for d in qd]
        assert e["p"] == res.date_cdf(node, [res.scenario.horizon]).p.iloc[0]
    sq = res.signing_quantiles((0.1, 0.5, 0.9))
    assert list(data["signing"]["date_if_signed"].values()) == [_day(d) for d in sq]
    for q, e in data["numeric"].items():
        s = res.numeric(q)
        assert e["mean"] == s.mean and e["sd"] == s.sd and e["missing"] == pytest.approx(
            s.missing, abs=1e-15)
        assert list(e["quantiles"].values()) == list(s.quantiles.values())
    for section, of in (("pillar_sets", "pillars"), ("texts", "all")):
        b = _quiet_bundles(res, 10, of)
        assert [x["items"] for x in data[section]] == [list(i) for i in b["items"]]
        assert [x["count"] for x in data[section]] == b["count"].tolist()
        assert [x["p"] for x in data[section]] == b["p"].tolist()


def test_csv_round_trip_is_the_json(mercosur: pactsim.Results) -> None:
    res = mercosur
    data = json.loads(results_to_json(res))
    csv = results_to_table(res).to_csv(index=False)
    assert csv.splitlines()[0].startswith("section,name,statistic,value,stderr,lo,hi")
    back = pd.read_csv(io.StringIO(csv))
    key = back.section + "|" + back["name"] + "|" + back.statistic + "|" + \
        back.date.fillna("")
    assert not key.duplicated().any()  # one row per number
    rows = back.set_index(key)
    for q, e in data["questions"].items():
        assert rows.value[f"questions|{q}|p|"] == e["p"]
        assert rows.value[f"questions|{q}|p_given_signed|"] == e["p_given_signed"]
    for node, e in data["dated"].items():
        for pt in e["curve"]:
            assert rows.value[f"dated|{node}|p_by|{pt['date']}"] == pt["p"]
        for q, d in e["date_if_happens"].items():
            if d is None:
                assert not key.str.startswith(f"dated|{node}|{q}|").any()
            else:
                assert f"dated|{node}|{q}|{d}" in rows.index
    for q, e in data["numeric"].items():
        assert rows.value[f"numeric|{q}|mean|"] == e["mean"]
        assert rows.value[f"numeric|{q}|q50|"] == e["quantiles"]["q50"]
    assert not (back.section == "texts").any()  # no pillars: no sets (as in the JSON)
    assert data["texts"] == [] and data["pillar_sets"] == []


def test_csv_sets_are_the_bundles(levels: pactsim.Results) -> None:
    back = pd.read_csv(io.StringIO(results_to_table(levels).to_csv(index=False)))
    for section, of in (("pillar_sets", "pillars"), ("texts", "all")):
        rows = back[back.section == section]
        b = _quiet_bundles(levels, 10, of)
        assert rows["name"].tolist() == [" + ".join(i) or "(nothing)" for i in b["items"]]
        assert rows["count"].tolist() == b["count"].tolist()
        assert rows.value.tolist() == b.p.tolist()


def test_categorical_outcomes_in_every_view(levels: pactsim.Results) -> None:
    res = levels
    data = json.loads(results_to_json(res))
    marg = res.marginals()
    instc = data["pillars"]["instc"]["outcomes"]
    want = res.outcomes("instc")
    assert list(instc) == ["absent", "generic", "named"] == list(want.index)
    assert [instc[x]["p"] for x in instc] == want.p.tolist()
    assert sum(instc[x]["p"] for x in instc) == pytest.approx(1.0, abs=1e-12)
    given = res.outcomes("instc", given="signing")
    assert [instc[x]["p_given_signed"] for x in instc] == pytest.approx(given.p.tolist(),
                                                                       abs=1e-12)
    link = data["pillars"]["payments"]["clauses"]["payment_link"]["outcomes"]
    assert [link[x]["p"] for x in link] == res.outcomes("payment_link").p.tolist()
    legal = data["events"]["legal_form"]["outcomes"]
    assert legal["absent"]["p"] == pytest.approx(1 - marg.p["signing"], abs=1e-12)
    # the sets name the outcome, never the bare node
    for b in data["pillar_sets"]:
        assert "instc" not in b["items"]
    named = [b for b in data["pillar_sets"] if "instc=named" in b["items"]]
    assert named
    assert sum(b["p"] for b in named) == pytest.approx(
        res.prob("instc == named").value, abs=1e-12)
    # CSV: node=outcome rows of kind outcome, right after the node
    table = results_to_table(res)
    p_rows = table[(table.section == "pillars") & (table.statistic == "p")]
    names = p_rows["name"].tolist()
    i = names.index("instc")
    assert names[i + 1:i + 4] == ["instc=absent", "instc=generic", "instc=named"]
    assert (p_rows.kind.iloc[i + 1:i + 4] == "outcome").all()
    # text: each outcome row with its own percentage and interval
    out = text.format_results(res)
    for outcome, r in want.iterrows():
        line = next(x for x in out.splitlines() if x.strip().startswith(f"instc={outcome} "))
        assert f"{100 * r.p:.1f}% [{100 * r.lo:.1f}–{100 * r.hi:.1f}]" in line
        assert line.rstrip().endswith(f"{100 * given.p[outcome]:.1f}%")


# -- text against the API ------------------------------------------------------------------
def test_text_numbers_are_the_results_api_numbers(mercosur: pactsim.Results) -> None:
    res = mercosur
    out = text.format_results(res)
    lines = out.splitlines()
    for q, r in res.questions().iterrows():
        line = next(x for x in lines if x.startswith(f"  {q} "))
        nums = re.findall(r"\d+\.\d+%?", line)
        assert nums[:4] == [f"{100 * r.p:.1f}%", f"{100 * r.lo:.1f}", f"{100 * r.hi:.1f}",
                            f"{100 * r.p_given_signed:.1f}%"]
    start = next(i for i, line in enumerate(lines) if line.startswith(
        "Timeline: chance by the horizon, and the date if it happens by then"))
    for node in res.dated():
        line = next(x for x in lines[start:] if x.startswith(f"  {node} "))
        dates = re.findall(r"\d{4}-\d{2}-\d{2}", line)
        assert dates[:3] == [_day(d) for d in res.date_quantiles(node)]
        p = res.date_cdf(node, [res.scenario.horizon]).p.iloc[0]
        assert f"{100 * p:.1f}%" in line.split("[")[0]
    # the on-or-before grid: each node's row is its curve at the key dates
    keys = res.key_dates()
    grid = "\n".join(lines[lines.index(next(x for x in lines if x.startswith("On or before"))):])
    for node in res.dated():
        shown = [p for row in re.findall(rf"^  {node} +(.*)$", grid, re.M) for p in row.split()]
        want = [f"{100 * p:.2f}%" if 0 < p < 0.001 else f"{100 * p:.1f}%"
                for p in res.date_cdf(node, keys).p]
        assert shown == want
    s = res.numeric("days_sign_to_first")
    line = next(x for x in lines if x.startswith("Distribution of days_sign_to_first"))
    assert f"q50={s.quantiles[0.5]:.3g}" in line and f"no value in {100 * s.missing:.1f}%" in line


def _columns_end(header: str, row: str) -> tuple[list[int], list[int]]:
    """Where each cell of a header and of a row ends (right-aligned columns)."""
    ends = [m.end() for m in re.finditer(r"\S+", header)]
    cells = [m.end() for m in re.finditer(r"\S+", row)]
    return ends, cells


def test_text_columns_line_up_with_short_names() -> None:
    res = pactsim.simulate(pactsim.loads(ONE), n=1_000, seed=1)
    lines = text.format_results(res).splitlines()
    head = next(x for x in lines if x.startswith("On or before"))
    row = lines[lines.index(head) + 1]
    assert row.startswith("  signing")
    assert _columns_end(head, row)[0][-1] == _columns_end(head, row)[1][-1]
    title = next(x for x in lines if x.startswith("Questions"))
    q1 = lines[lines.index(title) + 1]
    assert title.index("P(yes)") + len("P(yes)") == q1.index("%") + 1
    attrs = pactsim.simulate(pactsim.loads(ATTRS), n=2_000, seed=1)
    lines = text.format_results(attrs).splitlines()
    title = next(x for x in lines if x.startswith("Attributes"))
    n_row = lines[lines.index(title) + 1]
    assert n_row.startswith("  n ")
    mean = title.index("mean") + len("mean")
    assert n_row[mean - 1] != " " and n_row[mean] == " "  # the mean ends under "mean"


# -- certain, impossible, and one-day horizons --------------------------------------------
def test_everything_certain_on_a_one_day_horizon() -> None:
    res = pactsim.simulate(pactsim.loads(ONE), n=1_000, seed=3)
    data = json.loads(results_to_json(res))
    horizon = "2024-01-02"
    for node in ("signing", "quake"):
        e = data["dated"][node]
        assert e["p"] == 1.0 and e["stderr"] == 0.0
        assert e["hi"] == 1.0 and e["lo"] == pytest.approx(1000 / (1000 + 1.959964 ** 2),
                                                           abs=1e-6)  # Wilson at 1000/1000
        assert [pt["date"] for pt in e["curve"]] == [horizon]
        assert list(e["date_if_happens"].values()) == [horizon] * 3
    ms = data["dated"]["ms"]  # signed on the horizon, so a day later is past it
    assert ms["p"] == 0.0 and list(ms["date_if_happens"].values()) == [None] * 3
    assert data["numeric"]["sd"]["mean"] == horizon and data["numeric"]["sd"]["sd"] == 0.0
    assert data["numeric"]["d"]["mean"] is None and data["numeric"]["d"]["missing"] == 1.0
    assert data["pillar_sets"][0]["items"] == ["trade"] and data["pillar_sets"][0]["p"] == 1.0
    out = text.format_results(res)
    assert f"if signed: median {horizon}, 80% between {horizon} and {horizon}" in out
    assert re.search(r"^  ms +0\.0% \[0\.0–0\.4\] +— +— +—", out, re.M)
    assert "Distribution of d: no value in any draw" in out


def test_everything_impossible_is_missing_not_zero() -> None:
    res = pactsim.simulate(pactsim.loads(ZERO), n=1_000, seed=3)
    data = json.loads(results_to_json(res))
    for e in data["dated"].values():
        assert e["p"] == 0.0 and list(e["date_if_happens"].values()) == [None] * 3
    assert list(data["signing"]["date_if_signed"].values()) == [None] * 3
    assert data["questions"]["q1"]["p_given_signed"] is None  # never signed: no number
    assert data["pillars"]["trade"]["p_given_signed"] is None
    assert data["pillar_sets"] == [{"items": [], "count": 1000, "bound": 0, "p": 1.0,
                                    "stderr": 0.0, "lo": pytest.approx(0.99617, abs=1e-5),
                                    "hi": 1.0, "ess": None}]
    table = results_to_table(res)
    assert not table.statistic.isin(["q10", "q50", "q90", "p_given_signed"]).any()
    assert table.value.notna().all()  # a number that does not exist has no row
    out = text.format_results(res)
    assert "not signed by the horizon in any draw" in out and "if signed" not in out
    assert "P(yes | signed)" not in out
    assert "Distribution of sd: no value in any draw" in out


def test_uniform_dated_event_dates_by_hand() -> None:
    """The date is as_of + k, k uniform on 1..10: quantiles 1, 5 and 9 days after."""
    sc = pactsim.loads(UNIFORM)
    ex = pactsim.exact(sc)
    html = results_html(ex)
    assert "<td class='num'>2024-01-06</td><td class='ci'>2024-01-02 – 2024-01-10</td>" in html
    res = pactsim.simulate(sc, n=20_000, seed=4)
    data = json.loads(results_to_json(res))
    curve = {pt["date"]: pt for pt in data["dated"]["vote"]["curve"]}
    assert curve["2024-03-31"]["p"] == 1.0
    # P(on or before Jan 6) = 5/10 exactly, so the median is Jan 6 or, by chance, the
    # day after; the curve is within 4 standard errors of 1/2
    on = float(res.date_cdf("vote", ["2024-01-06"]).p.iloc[0])
    assert abs(on - 0.5) < 4 * math.sqrt(0.25 / 20_000)
    assert data["dated"]["vote"]["date_if_happens"]["q50"] in ("2024-01-06", "2024-01-07")


# -- names, labels, attributes, exact ------------------------------------------------------
def test_long_names_and_unicode_labels_survive_every_view() -> None:
    res = pactsim.simulate(pactsim.loads(UNICODE), n=2_000, seed=1)
    out = text.format_results(res)
    line = next(x for x in out.splitlines() if LONG in x)
    p = res.marginals().p[LONG]
    assert line.startswith(f"  {LONG} ") and f"{100 * p:.1f}%" in line
    assert out.splitlines()[0] == "Accord ☃ — 中文 <b>"
    raw = results_to_json(res)
    assert "Éléphant ☃ 中文 <i>" in raw  # written as is (ensure_ascii=False)
    assert json.loads(raw)["events"][LONG]["label"] == "Éléphant ☃ 中文 <i>"
    back = pd.read_csv(io.StringIO(results_to_table(res).to_csv(index=False)))
    assert (back[back["name"] == LONG].label == "Éléphant ☃ 中文 <i>").all()
    html = results_html(res)
    assert "Éléphant ☃ 中文 &lt;i&gt;" in html and "<i>" not in html
    assert LONG in html


def test_attributes_match_numeric_and_a_never_valued_one_is_missing() -> None:
    res = pactsim.simulate(pactsim.loads(ATTRS), n=3_000, seed=1)
    data = json.loads(results_to_json(res))
    s = res.numeric("n")
    a = data["attributes"]["n"]
    assert (a["mean"], a["sd"]) == (s.mean, s.sd)
    assert [a["quantiles"][k] for k in ("q10", "q50", "q90")] == [s.quantiles[q]
                                                                  for q in (0.1, 0.5, 0.9)]
    assert a["missing"] == pytest.approx(1 - res.marginals().p["signing"], abs=1e-12)
    never = data["attributes"]["never"]
    assert never["mean"] is None and never["sd"] is None and never["missing"] == 1.0
    out = text.format_results(res)
    row = next(x for x in out.splitlines() if x.startswith("  never "))
    assert row.split() == ["never", "—", "—", "—", "—", "—", "100.0%"]
    row = next(x for x in out.splitlines() if x.startswith("  n "))
    assert row.split() == ["n", f"{s.mean:.3g}", f"{s.sd:.3g}", *(f"{s.quantiles[q]:.3g}"
                                                  for q in (0.1, 0.5, 0.9)),
                           f"{100 * s.missing:.1f}%"]


def test_exact_html_shows_the_exact_numbers() -> None:
    ex = pactsim.exact(pactsim.load(GATES))
    html = results_html(ex)
    qs = ex.questions()
    assert len(qs)
    for q, r in qs.iterrows():
        cells = re.search(rf"<tr><td>[^<]*(?:<code>)?{q}(?:</code>)?</td>"
                          r"<td class='num'>([^<]*)</td>.*?<td class='ci'>([^<]*)</td>", html)
        assert cells is not None
        want = f"{100 * r.p:.2f}%" if 0 < r.p < 0.001 else f"{100 * r.p:.1f}%"
        assert cells.groups() == (want, "exact")


def test_no_signing_no_pillars_only_categorical() -> None:
    res = pactsim.simulate(pactsim.loads(UNICODE), n=2_000, seed=2)
    data = json.loads(results_to_json(res))
    assert data["signing"] is None and data["pillars"] == {} and data["dated"] == {}
    assert data["pillar_sets"] == [] and data["texts"] == []
    assert "p_given_signed" in data["questions"]["q"]
    assert data["questions"]["q"]["p_given_signed"] is None
    x = data["events"]["x"]["outcomes"]
    assert [x[k]["p"] for k in x] == res.outcomes("x").p.tolist()
    assert x["hi"]["p"] == data["questions"]["q"]["p"]  # the same draws, the same count
    table = results_to_table(res)
    assert set(table.section) == {"questions", "events"}


# -- the report's headline cards ---------------------------------------------------------------
def test_report_cards_keep_the_interval_of_a_certain_monte_carlo_estimate() -> None:
    res = pactsim.simulate(pactsim.loads(ONE), n=1_000, seed=1)
    cards = _headline(res)
    lo = 100 * res.signing_cdf(["2024-01-02"]).lo.iloc[0]
    assert f"95%: {lo:.1f}–100.0" in cards  # as the text and the tables show it
    ex = _headline(pactsim.exact(pactsim.loads(ONE)))
    assert "95%" not in ex  # exact: no interval


def test_an_interval_up_to_100_keeps_the_columns_after_it_in_line() -> None:
    """"[99.6–100.0]" is one character wider than "[39.7–40.2]"; the columns after the
    interval (dates, P(· | signed)) stay under their headings either way."""
    res = pactsim.simulate(pactsim.loads(ONE.replace("rain: {p: 1}", "rain: {p: 0.4}")),
                           n=1_000, seed=1)
    lines = text.format_results(res).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(
        "Timeline: chance by the horizon, and the date if it happens by then"))
    head = lines[start + 1]
    signing = next(x for x in lines[start:] if x.startswith("  signing "))
    ms = next(x for x in lines[start:] if x.startswith("  ms "))
    assert "[99.6–100.0]" in signing and "[0.0–0.4]" in ms
    for col in ("10%", "median", "90%"):
        end = head.index(col) + len(col)
        assert signing[end - 10:end] == "2024-01-02" and ms[end - 1:end] == "—"
    cond = next(x for x in lines if x.startswith("Questions")).index("P(yes | signed)")
    q1 = next(x for x in lines if x.startswith("  q1 "))
    p = res.questions().p_given_signed["q1"]
    assert "[99.6–100.0]" not in q1 and q1[cond:cond + 6] == f"{100 * p:>5.1f}%"
    trade = next(x for x in lines if x.startswith("  trade "))
    cond = next(x for x in lines if x.startswith("In the text")).index("P(in text | signed)")
    assert "[99.6–100.0]" in trade and trade[cond - 1] == " " and trade[cond:] == "100.0%"


def test_sets_under_evidence_count_draws_not_zero() -> None:
    """Under evidence (weighted draws) ``bundles`` gives each set's share of the weight
    as ``count``; the exports and the HTML wrote int(share) = 0 draws for every set.
    They now write it in draws of average weight (as ``bound`` is): share x the draws
    of nonzero weight, rounded. Kept draws of ``given`` are not weighted: there each
    count is the number of kept draws with exactly that set (checked by hand)."""
    sc = pactsim.loads(LEVELS)
    full = pactsim.simulate(sc, n=6_000, seed=2, keep_draws=True)
    kept = full.given("new_sanctions")
    rows = full.to_frame().loc[lambda f: f["new_sanctions"]]
    data = json.loads(results_to_json(kept))
    top = data["pillar_sets"][0]["items"]
    exact = pd.Series(True, index=rows.index)
    for p in ("instc", "payments"):
        member = next((i for i in top if i.split("=")[0] == p), None)
        exact &= rows[p] == (member is not None)
        if member is not None and "=" in member:
            exact &= rows[f"{p}.outcome"].astype(str) == member.split("=")[1]
    assert data["pillar_sets"][0]["count"] == int(exact.sum()) > 0
    soft = pactsim.simulate(sc, n=6_000, seed=2, evidence=pactsim.soft("new_sanctions", 2))
    assert soft.weighted
    data = json.loads(results_to_json(soft))
    assert data["pillar_sets"] and data["texts"]
    for b in data["pillar_sets"] + data["texts"]:
        assert b["count"] == round(b["p"] * 6_000) > 0  # every draw has nonzero weight
    table = results_to_table(soft)
    counts = table[table.section == "pillar_sets"]["count"].tolist()
    assert counts == [b["count"] for b in data["pillar_sets"]]
    html = results_html(soft)
    shown = re.findall(r"<tr><td class='num'>([^<]*)</td><td class='num'>([^<]*)</td><td>",
                       html)
    b = _quiet_bundles(soft, 10, "all")
    assert len(shown) >= 5  # the notebook shows the first few
    assert shown == [(f"{100 * p:.1f}%", f"{round(p * 6_000):,}") for p in b.p[:len(shown)]]


def test_exact_results_under_evidence_say_so() -> None:
    """A Monte Carlo run under evidence says in its header that every number is
    conditional on it; exact results under evidence said only "Exact inference"."""
    sc = pactsim.loads(LEVELS)
    ex = pactsim.exact(sc, evidence=["new_sanctions", pactsim.soft("instc == named", 3)])
    assert ex.prob("new_sanctions").value == pytest.approx(1.0)  # conditioned indeed
    html = results_html(ex)
    assert "under evidence new_sanctions; instc == named (x3)" in html
    from pactsim.views.report import report_html

    page = report_html(ex)
    head = page[page.index("Forecast as of"):][:400]
    assert "under evidence new_sanctions; instc == named (x3)" in head
    plain = pactsim.exact(sc)
    assert "evidence" not in results_html(plain).split("</div>")[1]


def _lead(page: str) -> str:
    return re.sub(r"<[^>]+>", "", page[page.index('<div class="cards">'):
                                       page.index("<h2>", page.index('<div class="cards">'))])


def test_report_lead_says_when_it_is_not_under_the_runs_evidence() -> None:
    """The report's opening "P(q) = ..." and What drives it analyse the scenario as
    written (its file's observations included); under evidence given to the run it
    printed the unconditioned P(q) beside the conditioned cards and table, silently."""
    from pactsim.views.report import report_html

    sc = pactsim.loads(LEVELS)
    ex = pactsim.exact(sc, evidence=pactsim.soft("instc == named", 3))
    q = float(ex.questions().p["instc_named"])
    prior = float(pactsim.exact(sc).questions().p["instc_named"])
    assert abs(q - prior) > 0.1
    lead = _lead(report_html(ex, question="instc_named"))
    assert f"P(instc_named) = {100 * prior:.1f}%" in lead  # the analysis's own number...
    assert "without the evidence instc == named (x3)" in lead  # ...said to be so
    plain = _lead(report_html(pactsim.exact(sc), question="instc_named"))
    assert f"P(instc_named) = {100 * prior:.1f}%" in plain and "without the evidence" not in plain


def test_a_zero_score_is_written_without_a_minus_sign() -> None:
    """Every scored item of the DPRK backtest resolved true, so the base rate is 1 and its
    Brier and log scores are 0 (by hand: (1 - 1)^2 and -log 1); -log 1 is -0.0 in floats,
    which the scorecard printed as "-0.000" and wrote as -0.0."""
    from pactsim.analysis.scoring import score
    from pactsim.views.scoring import format_scorecard, scorecard_to_json

    back = ROOT / "scenarios" / "backtest"
    card = score(pactsim.load(back / "russia-dprk-2024.yaml"),
                 back / "russia-dprk-2024.resolutions.yaml")
    binary = card.items[card.items.kind == "binary"]
    assert len(binary) and (binary.outcome.astype(str).str.lower() == "true").all()
    out = format_scorecard(card)
    assert "-0.000" not in out
    rows = [x.split() for x in out.splitlines() if x.startswith("signing ")]
    assert rows and rows[0][4] == rows[0][6] == "0.000"  # Brier base, log base
    assert float(rows[0][5]) == pytest.approx(-math.log(float(rows[0][1])), abs=1e-3)
    raw = scorecard_to_json(card)
    assert '"log_base": -0.0' not in raw and '"log_base": 0.0' in raw


def test_weighted_share_without_a_value_is_never_negative() -> None:
    """An attribute with no gate has a value in every draw: no value in 0% (by hand).
    Under evidence the share was 1 - (weight with a value) / (all weight), two sums in
    other orders: -2.2e-16 here, printed "-0.0%" by run's text and the notebook."""
    sc = pactsim.loads("pactsim: 3\nid: w\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       "events:\n  rain: {p: 0.3}\n"
                       "attributes:\n  days: {dist: {normal: {mean: 120, sd: 30}}}\n")
    res = pactsim.simulate(sc, n=600_000, seed=1, evidence=pactsim.soft("rain", 3.3),
                           chunk_size=50_000)
    assert res.numeric("days").missing == 0.0
    out = text.format_results(res)
    assert "-0.0%" not in out
    row = next(x for x in out.splitlines() if x.startswith("  days "))
    assert row.split()[-1] == "0.0%"
    assert "-0.0%" not in results_html(res)


def test_the_stated_standard_error_bound_holds_under_evidence() -> None:
    """Unweighted, every share's standard error is at most 0.5/sqrt(n); weighted, the
    delta-method error can pass 0.5/sqrt(ess) (heavy draws on the rare side): here
    1.31 points against a stated "≤ 0.76". The header's bound must hold for every
    probability printed with an interval."""
    sc = pactsim.loads("pactsim: 1\nid: w\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       "events:\n  rare: {p: 0.0005}\nquestions:\n  qr: rare\n")
    res = pactsim.simulate(sc, n=20_000, seed=2, evidence=pactsim.soft("rare", 100))
    worst = 100 * float(res.marginals().stderr.max())
    assert worst > 50 / math.sqrt(res.info.ess)  # the case at hand
    line = text.format_results(res).splitlines()[2]
    stated = float(re.search(r"standard error ≤ ([\d.]+) points", line).group(1))  # type: ignore[union-attr]
    assert stated >= worst
    plain = pactsim.simulate(sc, n=20_000, seed=2)
    line = text.format_results(plain).splitlines()[2]
    assert f"≤ {50 / math.sqrt(20_000):.2f} points" in line


def test_history_last_column_is_the_forecast_with_every_observation() -> None:
    from pactsim.views.history import format_history, history_to_json

    sc = pactsim.load(ROOT / "scenarios" / "variants" / "iran-russia-2024-news.yaml")
    frame = pactsim.history(sc)
    out = format_history(frame)
    want = pactsim.exact(sc).questions().p
    lines = out.splitlines()
    dates = lines[2].split()[1:]
    assert dates[-1] == str(max(o.date for o in sc.observations))
    for q, p in want.items():
        row = next(x for x in lines if x.startswith(f"{q} ")).split()
        assert row[-1] == (f"{100 * p:.2f}%" if 0 < p < 0.001 else f"{100 * p:.1f}%")
    data = json.loads(history_to_json(frame))
    last = max(r["step"] for r in data["rows"])
    got = {r["question"]: r["p"] for r in data["rows"] if r["step"] == last}
    assert got == pytest.approx(want.to_dict(), abs=1e-12)
