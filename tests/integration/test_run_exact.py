"""Exact results as text, JSON and CSV: ``ExactResults.summary()`` and ``pactsim run
--method exact|auto``.

The printed numbers are checked against the hand-derived answers of the analytic
scenarios (``tests/reference_answers.py``, which shares no code with the engine), and
on the flagship against the naive reference sampler; the JSON against its schema.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import numpy as np
import pytest

import pactsim
from helpers import call
from pactsim.errors import ModelTooWideError
from pactsim.views.export import COLUMNS
from pactsim.views.forecast_schema import forecast_schema
from reference_answers import ANSWERS
from reference_sampler import ReferenceSampler

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
FLAGSHIP = SCENARIOS / "iran-russia-2024.yaml"
_PCT = re.compile(r"^\d+(\.\d+)?%$")


def _section(text: str, title: str) -> list[str]:
    """The lines of the text's section whose first line starts with ``title``."""
    for block in text.split("\n\n"):
        lines = block.splitlines()
        if lines and lines[0].startswith(title):
            return lines[1:]
    raise AssertionError(f"no section {title!r} in\n{text}")


def _printed(line: str) -> tuple[str, float | None]:
    """A row's name and its first percentage (``None`` for ``<0.01%`` and the like)."""
    name, first = line.split()[:2]
    return name, float(first[:-1]) / 100 if _PCT.match(first) else None


def _half_digit(line: str) -> float:
    """Half a unit of the last digit the row's first percentage shows."""
    first = line.split()[1]
    decimals = len(first[:-1].partition(".")[2])
    return 0.5 * 10.0 ** -(decimals + 2)


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_summary_prints_the_hand_derived_answers(name: str) -> None:
    res = pactsim.exact(pactsim.load(SCENARIOS / name))
    text = res.summary()
    answers = ANSWERS[name]
    checked = 0
    for title in ("Questions", "In the text", "Context events", "Timeline"):
        if f"\n{title}" not in text:
            continue
        for line in _section(text, title):
            if line.startswith("  ") and not line.startswith("   ") and len(line.split()) > 1:
                row, p = _printed(line)
                if row in answers and p is not None:
                    # printed to its last digit (a dated node's row is P(by the horizon))
                    assert abs(p - answers[row]) <= _half_digit(line) + 1e-12, (name, line)
                    checked += 1
    assert checked >= 8, (name, checked)
    assert "exact inference" in text and "[" not in _section(text, "Questions")[1]


def test_flagship_summary_against_the_reference_sampler() -> None:
    """Every question of the flagship as the exact summary prints it, against a naive
    sampler that shares no code with the engine: 20,000 draws, within 4.5 standard
    errors plus the printed rounding."""
    sc = pactsim.load(FLAGSHIP)
    text = pactsim.exact(sc).summary()
    n = 20_000
    ref_draws = ReferenceSampler(sc).sample(n, seed=11)
    rows = [line for line in _section(text, "Questions") if line.startswith("  ")]
    assert len(rows) == len(sc.questions) - 2  # two of its questions are numbers
    for line in rows:
        name, p = _printed(line)
        assert p is not None
        ref = float(np.mean(ref_draws.column(name)))
        se = max(np.sqrt(ref * (1 - ref) / n), 1 / n)
        assert abs(p - ref) <= 4.5 * se + _half_digit(line), (line, ref, se)


def test_summary_without_intervals_and_with_the_quadrature_error() -> None:
    sc = pactsim.load(FLAGSHIP)
    res = pactsim.exact(sc)
    text = res.summary()
    head = text.splitlines()[:3]
    assert "exact inference" in head[1] and sc.digest[:12] in head[1]
    assert f"off by at most {res.quadrature_error:.1e}" in head[2]
    for title in ("Questions", "Signed on or before", "In the text"):
        assert all("[" not in line for line in _section(text, title)), title
    # the pillar sets' probabilities, exactly as res.bundles gives them
    sets = _section(text, "Most frequent texts")
    top = res.bundles(len(sets), of="pillars")
    assert [float(x.split()[0][:-1]) for x in sets] == \
        [round(100 * p, 1) for p in top.p]


def test_summary_under_evidence_says_so() -> None:
    sc = pactsim.load(FLAGSHIP)
    res = pactsim.exact(sc, evidence="mutual_defence")
    text = res.summary()
    assert f"under evidence mutual_defence (P = {res.p_evidence:.3g}" in text
    _, p = _printed(next(x for x in _section(text, "Questions")
                            if x.split()[0] == "defence_pact"))
    assert p == 1.0  # P(mutual_defence | mutual_defence)


WIDE = "pactsim: 1\nid: wide\nas_of: 2025-01-01\nhorizon: 2025-12-31\npillars:\n" + "".join(
    f"  p{i}: {{p: 0.5}}\n" for i in range(26))


def test_summary_notes_pillar_sets_too_wide_for_exact_inference() -> None:
    res = pactsim.exact(pactsim.loads(WIDE))
    with pytest.raises(ModelTooWideError):
        res.bundles(10, of="pillars")
    text = res.summary()
    line = next(x for x in text.splitlines() if x.startswith("Most frequent texts"))
    assert "not computed exactly" in line and "pactsim.simulate counts them" in line
    _, p = _printed(_section(text, "In the text")[0])
    assert p == 0.5


def test_run_method_exact_json_validates_and_carries_the_exact_numbers(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call(capsys, "run", FLAGSHIP, "--method", "exact", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    jsonschema.validate(data, forecast_schema())
    run = data["run"]
    assert (run["method"], run["n"], run["seed"], run["ess"]) == ("exact", None, None, None)
    ref = pactsim.exact(pactsim.load(FLAGSHIP))
    assert run["quadrature_error"] == ref.quadrature_error
    for q, e in data["questions"].items():
        assert e["p"] == pytest.approx(ref.prob(q).value, abs=1e-12)
        assert (e["stderr"], e["lo"], e["hi"]) == (0.0, e["p"], e["p"])
    assert data["texts"] is None  # the joint law of all 30 pillars and clauses: too wide
    assert data["pillar_sets"] and all(s["count"] is None for s in data["pillar_sets"])
    assert data["drivers"] is None


def test_run_method_exact_csv(capsys: pytest.CaptureFixture[str]) -> None:
    import io

    import pandas as pd

    code, out, _ = call(capsys, "run", SCENARIOS / "analytic-gates.yaml", "--method", "exact",
                        "--format", "csv")
    assert code == 0
    df = pd.read_csv(io.StringIO(out))
    assert list(df.columns) == COLUMNS and set(df.method) == {"exact"}
    assert df.n.isna().all() and df.seed.isna().all() and (df.stderr.dropna() == 0).all()
    answers = ANSWERS["analytic-gates.yaml"]
    rows = df[(df.statistic == "p") & df.name.isin(list(answers))
              & df.section.isin(["questions", "pillars", "events", "signing"])]
    assert len(rows) >= 10
    for _, r in rows.iterrows():
        assert r.value == pytest.approx(answers[r["name"]], abs=1e-12), r["name"]


def test_monte_carlo_exports_say_monte_carlo(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "run", SCENARIOS / "analytic-gates.yaml", "-n", "1000",
                        "--seed", "1", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["run"]["method"] == "monte carlo"
    assert "quadrature_error" not in data["run"]
    assert all(isinstance(s["count"], int) for s in data["pillar_sets"])


@pytest.mark.parametrize("extra", [["-n", "1000"], ["--seed", "3"], ["--target-se", "0.01"],
                                   ["--workers", "2"]])
def test_run_method_exact_refuses_monte_carlo_options(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, extra: list[str]) -> None:
    out_file = tmp_path / "f.json"
    code, out, err = call(capsys, "run", FLAGSHIP, "--method", "exact", *extra,
                          "-o", out_file)
    assert (code, out) == (2, "") and not out_file.exists()
    assert f"{extra[0]} is for Monte Carlo; --method exact draws nothing" in err


def test_run_method_auto_is_exact_where_it_answers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call(capsys, "run", SCENARIOS / "analytic-independent.yaml", "--method",
                          "auto", "--spread", "0")
    assert (code, err) == (0, "")
    assert "exact inference" in out.splitlines()[1]
    _, p = _printed(next(x for x in _section(out, "Questions") if x.split()[0] == "both_ab"))
    assert p == pytest.approx(ANSWERS["analytic-independent.yaml"]["both_ab"], abs=5e-4)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_exact_exports_of_pillar_sets_too_wide(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path, fmt: str) -> None:
    """The text view notes pillar sets too wide for exact inference; JSON and CSV did
    not cope (exit 2): their pillar_sets are null (no rows), the rest is exported."""
    path = tmp_path / "wide.yaml"
    path.write_text(WIDE, encoding="utf-8")
    code, out, err = call(capsys, "run", path, "--method", "exact", "--format", fmt)
    assert (code, err) == (0, "")
    if fmt == "json":
        data = json.loads(out)
        jsonschema.validate(data, forecast_schema())
        assert data["pillar_sets"] is None and data["texts"] is None
        assert data["pillars"]["p0"]["p"] == pytest.approx(0.5)
    else:
        assert "pillar_sets" not in out and "\npillars,p0,p,0.5," in out


def test_run_method_auto_falls_back_when_a_question_is_refused_later(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Exact results answer a question only when it is asked: a question over three dates
    is refused then, after exact() has run. auto must still fall back (it exited 2)."""
    text = (SCENARIOS / "analytic-dated.yaml").read_text(encoding="utf-8")
    path = tmp_path / "wide_question.yaml"
    path.write_text(text + "  three_dates: crisis.date <= signing.date and "
                    "signing.date <= ratify_a.date\n", encoding="utf-8")
    code, out, err = call(capsys, "run", path, "--method", "exact", "--spread", "0")
    assert code == 2 and "above the limit of" in err and "max_table" not in err
    code, out, err = call(capsys, "run", path, "--method", "auto", "-n", "20000", "--seed",
                          "1", "--spread", "0")
    assert code == 0 and "exact inference does not answer all of this run" in err
    assert "n = 20,000 draws" in out and "three_dates" in out


def test_run_method_auto_falls_back_when_p_given_signed_would_be_left_blank(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """README: auto is exact when exact inference answers everything the run prints. A
    question answered alone but not with the signing left its column blank under auto
    (review-readme27); Monte Carlo answers it, and its numbers agree with exact's."""
    path = tmp_path / "blank.yaml"
    path.write_text(
        "pactsim: 2\nid: blank\nas_of: 2025-01-01\nhorizon: 2025-12-31\nevents:\n"
        "  text: {by: {2025-06-30: 0.5, 2025-12-31: 0.8}}\n"
        "  ratified_am: {after: signing, delay: {median: 60, p90: 200}}\n"
        "  ratified_az: {after: signing, delay: {median: 60, p90: 200}}\n"
        "  in_force: {after: {all: [ratified_am, ratified_az]}, delay: 10}\n"
        "signing: {after: text, delay: {median: 20, p90: 60}}\n"
        "questions:\n  q1: in_force.date - ratified_am.date <= 100\n", encoding="utf-8")
    code, out, err = call(capsys, "run", path, "--method", "exact", "--spread", "0")
    assert code == 0 and "(P(yes | signed) of q1 left blank: " in out
    code, out, err = call(capsys, "run", path, "--method", "auto", "-n", "200000", "--seed",
                          "3", "--spread", "0", "--format", "json")
    assert code == 0
    assert "exact inference does not answer all of this run (it leaves P(yes | signed) of " \
           "q1 blank: " in err
    q1 = json.loads(out)["questions"]["q1"]
    ex = pactsim.exact(pactsim.load(path)).prob("q1")  # P(yes) itself exact inference gives
    assert abs(q1["p"] - ex.value) <= 4.5 * q1["stderr"] and q1["p_given_signed"] is not None


def test_the_exact_header_gives_the_chance_of_hard_evidence_only() -> None:
    sc = pactsim.load(FLAGSHIP)
    soft = pactsim.exact(sc, evidence=pactsim.soft("drones_missiles", 3)).summary()
    assert "under evidence drones_missiles (x3) (every number below" in soft  # no "P = 1"
    news = pactsim.exact(pactsim.load(SCENARIOS / "variants" / "iran-russia-2024-news.yaml"))
    head = news.summary().splitlines()[3]
    # review-analyst11 C8: the chance is under the priors (not given the soft news), and
    # says so; by hand here: P(the hard news) from the priors alone
    assert f"(prior P(hard findings) = {news.p_evidence:.3g};" in head
    priors = pactsim.load(SCENARIOS / "variants" / "iran-russia-2024-news.yaml")
    hard = [f for f in priors.findings() if f.hard]
    alone = pactsim.exact(priors.with_changes(observations=[]))
    assert news.p_evidence == pytest.approx(
        alone.prob(" and ".join(f"({f.expr})" for f in hard)).value, rel=1e-9)
