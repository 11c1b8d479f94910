"""`pactsim history FILE`: the forecast as of each observation date, called in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import pactsim
from helpers import call

ROOT = Path(__file__).parents[2]
NEWS = ROOT / "scenarios" / "variants" / "iran-russia-2024-news.yaml"
SMALL = ("pactsim: 2\nid: small\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
         "events:\n  rain: {p: 0.3}\n  wet: {given: [rain], table: {true: 0.9, false: 0.1}}\n"
         "questions:\n  dry: not wet\n"
         "observations:\n"
         "  - {date: 2024-03-01, source: 'Radio, 1 Mar', evidence: rain}\n")


def test_table_of_the_news_variant(capsys):
    code, out, err = call(capsys, "history", NEWS, "-q", "signed_by_2024",
                          "--question", "signed_by_q1_2025")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Forecast history of iran-russia-2024-news (exact)"
    dates = lines[2].split()[1:]
    sc = pactsim.load(NEWS)
    assert dates == [str(sc.as_of), *sorted({str(o.date) for o in sc.observations})]
    row = dict(line.split(maxsplit=1) for line in lines[3:5])
    assert row["signed_by_2024"].split()[-1] == "0.0%"  # not signed in 2024 was observed
    assert "What was learnt:" in out
    for o in sc.observations:
        assert f"source: {o.source}" in out


def test_json_with_monte_carlo_to_a_file(tmp_path, capsys):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    target = tmp_path / "h.json"
    code, out, err = call(capsys, "history", path, "--json", "--method", "montecarlo",
                          "-n", "20000", "--seed", "3", "-o", target)
    assert code == 0 and out == "" and f"wrote {target}" in err
    doc = json.loads(target.read_text())
    assert (doc["scenario"], doc["method"], doc["n"], doc["seed"]) == ("small", "montecarlo",
                                                                      20_000, 3)
    assert [(r["step"], r["date"], r["question"]) for r in doc["rows"]] == [
        (0, "2024-01-01", "dry"), (1, "2024-03-01", "dry")]
    prior, after = doc["rows"]
    assert prior["source"] == "" and after["source"] == "Radio, 1 Mar"
    assert doc["observations"] == [{"step": 1, "date": "2024-03-01", "expr": "rain",
                                    "likelihood_ratio": None, "source": "Radio, 1 Mar"}]
    # P(dry) = 0.3 * 0.1 + 0.7 * 0.9 = 0.66 before, 0.1 after learning rain
    assert abs(prior["p"] - 0.66) < 4 * prior["stderr"]
    assert abs(after["p"] - 0.1) < 4 * after["stderr"]
    # learning rain clamps it (likelihood weighting): every draw keeps the same weight,
    # P(rain), so no effective draw is lost, where rejection would keep 30% of them
    assert prior["n_eff"] == 20_000
    assert after["n_eff"] == pytest.approx(20_000, rel=1e-9)


def test_exact_json_has_no_draws(tmp_path, capsys):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    code, out, _err = call(capsys, "history", path, "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["method"] == "exact" and doc["n"] is None and doc["seed"] is None
    assert [round(r["p"], 12) for r in doc["rows"]] == [0.66, 0.1]
    assert all(r["stderr"] == 0 and r["n_eff"] is None for r in doc["rows"])


def test_json_gives_each_observation_s_ratio_as_a_number(tmp_path, capsys):
    path = tmp_path / "soft.yaml"
    path.write_text(SMALL.replace("evidence: rain}", "evidence: rain, likelihood_ratio: 0.3}"))
    code, out, _err = call(capsys, "history", path, "--json")
    assert code == 0
    (obs,) = json.loads(out)["observations"]
    assert obs["likelihood_ratio"] == 0.3 and obs["expr"] == "rain" and obs["step"] == 1


def test_an_invalid_file_exits_2_with_located_problems(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.replace("evidence: rain}", "evidence: rian, likelihood_ratio: 0}"))
    code, out, err = call(capsys, "history", bad)
    assert code == 2 and out == ""
    assert f"{bad}:11:" in err and "observations[0].evidence: unknown name 'rian'" in err
    assert "observations[0].likelihood_ratio: = 0 must be > 0" in err
    assert "Traceback" not in err


def test_an_unknown_question_exits_2(tmp_path, capsys):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    code, _out, err = call(capsys, "history", path, "-q", "wte")
    assert code == 2 and "unknown name 'wte'" in err and "Traceback" not in err


def test_help_explains_the_command(capsys):
    code, out, _err = call(capsys, "history", "--help")
    assert code == 0
    assert "observations:" in out and "--json" in out and "--question" in out


def test_a_source_shared_by_a_days_observations_is_shown_once(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text("pactsim: 2\nid: w\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                    "events:\n  rain: {p: 0.3}\n  wind: {p: 0.5}\nobservations:\n"
                    "  - {date: 2024-03-01, source: 'Radio, 1 Mar', evidence: rain}\n"
                    "  - {date: 2024-03-01, source: 'Radio, 1 Mar', evidence: wind}\n"
                    "  - {date: 2024-03-01, source: 'Paper, 1 Mar', evidence: wind}\n",
                    encoding="utf-8")
    code, out, _ = call(capsys, "history", path)
    assert code == 0
    assert out.count("source: Radio, 1 Mar") == 1 and out.count("source: Paper, 1 Mar") == 1


def test_news_that_cannot_all_hold_is_located_at_its_day(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """history named no file and no line for news that cannot all hold (run does)."""
    path = tmp_path / "h.yaml"
    path.write_text("pactsim: 2\nid: h\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                    "events:\n  a: {p: 0.5}\nobservations:\n"
                    "  - {date: 2025-02-01, source: x, evidence: a}\n"
                    "  - {date: 2025-03-01, source: y, evidence: not a}\n", encoding="utf-8")
    for method in ("exact", "montecarlo"):
        code, out, err = call(capsys, "history", path, "--method", method)
        assert (code, out) == (2, "")
        assert err.startswith(f"{path}:9:") and "observations[1].evidence: as of 2025-03-01" \
            in err, err
