"""`pactsim run --format json|csv`, `pactsim schema --forecast`, the seed an unseeded
run prints, and warnings printed once (issue 17, items 3 and 6)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

import pactsim
from helpers import call
from pactsim.cli import main
from pactsim.views.export import COLUMNS, results_to_json
from pactsim.views.forecast_schema import forecast_schema

ROOT = Path(__file__).parents[2]
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"
SMALL = ROOT / "scenarios" / "analytic-independent.yaml"



def test_schema_forecast_prints_the_export_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "schema", "--forecast")
    assert code == 0
    assert json.loads(out) == forecast_schema()
    code, scenario_schema, _ = call(capsys, "schema")
    assert json.loads(scenario_schema) != json.loads(out)


def test_run_json_is_the_library_export_and_valid(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call(capsys, "run", FLAGSHIP, "-n", "20000", "--seed", "5", "--format",
                          "json")
    assert code == 0, err
    res = pactsim.simulate(pactsim.load(FLAGSHIP), n=20_000, seed=5, keep_draws=False)
    assert out == results_to_json(res)  # byte for byte: no timings or worker counts in it
    jsonschema.validate(json.loads(out), forecast_schema())


def test_run_json_and_csv_under_evidence_record_it(capsys: pytest.CaptureFixture[str]) -> None:
    """--evidence and --soft on a file with observations: the export is the library's,
    validates, and names every finding (the file's with their dates and sources)."""
    news = ROOT / "scenarios" / "variants" / "iran-russia-2024-news.yaml"
    args = ("run", news, "-n", "20000", "--seed", "5", "--evidence", "mutual_defence",
            "--soft", "drones_missiles:3")
    code, out, err = call(capsys, *args, "--format", "json")
    assert code == 0, err
    res = pactsim.simulate(pactsim.load(news), n=20_000, seed=5, keep_draws=False,
                           evidence=["mutual_defence", pactsim.soft("drones_missiles", 3)])
    assert out == results_to_json(res)
    data = json.loads(out)
    jsonschema.validate(data, forecast_schema())
    findings = data["run"]["evidence"]["findings"]
    assert [f["expr"] for f in findings][-2:] == ["mutual_defence", "drones_missiles"]
    assert findings[-1]["likelihood_ratio"] == 3 and findings[0]["date"] == "2024-11-06"
    assert data["run"]["ess"] == res.info.ess < 20_000
    code, out, err = call(capsys, *args, "--format", "csv")
    assert code == 0, err
    df = pd.read_csv(io.StringIO(out))
    assert list(df.columns) == COLUMNS
    assert df[df.section == "evidence"].name.tolist() == [f["expr"] for f in findings]
    assert set(df.evidence) == {res.info.evidence}
    assert (df[df.statistic == "p"].ess == res.info.ess).all()


def test_run_csv_reads_back_with_pandas(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "forecast.csv"
    code, _, err = call(capsys, "run", FLAGSHIP, "-n", "20000", "--seed", "5", "--format",
                        "csv", "-o", f)
    assert code == 0, err
    df = pd.read_csv(f)
    assert list(df.columns) == COLUMNS
    assert set(df.seed) == {5} and set(df.n) == {20_000}
    res = pactsim.simulate(pactsim.load(FLAGSHIP), n=20_000, seed=5, keep_draws=False)
    med = df[(df.section == "signing") & (df.statistic == "q50")].date.tolist()
    assert med == [str(res.signing_quantiles((0.5,)).iloc[0].date())]
    given = df[(df.section == "questions") & (df.statistic == "p_given_signed")]
    assert given.set_index("name").value.to_dict() == pytest.approx(
        res.questions().p_given_signed.to_dict(), rel=1e-15)


DATED = ROOT / "scenarios" / "analytic-dated.yaml"


def test_run_exports_every_dated_node(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """JSON and CSV from the command line carry each dated node's curve and dates,
    recounted here from the same run's draws."""
    code, out, err = call(capsys, "run", DATED, "-n", "20000", "--seed", "3", "--format",
                          "json")
    assert code == 0, err
    data = json.loads(out)
    jsonschema.validate(data, forecast_schema())
    frame = pactsim.simulate(pactsim.load(DATED), n=20_000, seed=3).to_frame()
    assert list(data["dated"]) == ["signing", "crisis", "ratify_a", "notify", "ratify_b",
                                   "in_force"]
    for name, e in data["dated"].items():
        col = frame[f"{name}.date"]
        assert e["p"] == col.notna().sum() / 20_000
        assert [p["p"] for p in e["curve"]] == [
            (col <= pd.Timestamp(p["date"])).sum() / 20_000 for p in e["curve"]]
        days = col.dropna().sort_values().reset_index(drop=True)
        assert e["date_if_happens"]["q50"] == str(
            days[max(-(-len(days) // 2), 1) - 1].date())
    f = tmp_path / "dated.csv"
    code, _, err = call(capsys, "run", DATED, "-n", "20000", "--seed", "3", "--format",
                        "csv", "-o", f)
    assert code == 0, err
    df = pd.read_csv(f)
    rows = df[(df.section == "dated") & (df.statistic == "q50")].set_index("name").date
    assert rows.to_dict() == {n: e["date_if_happens"]["q50"] for n, e in data["dated"].items()}
    by = df[(df.section == "dated") & (df.statistic == "p_by") & (df.name == "in_force")]
    assert by.value.tolist() == [p["p"] for p in data["dated"]["in_force"]["curve"]]


def test_run_text_has_the_timeline(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call(capsys, "run", FLAGSHIP, "-n", "20000", "--seed", "5", "--spread", "0")
    assert code == 0, err
    res = pactsim.simulate(pactsim.load(FLAGSHIP), n=20_000, seed=5, keep_draws=False)
    assert out == res.summary()  # the spread section (off here) is the only addition
    block = out.split("\nTimeline")[1].split("\n\n")[0]
    for name in ("signing", "ratified_ru", "ratified_ir", "in_force"):
        q = res.date_quantiles(name)
        line = next(x for x in block.splitlines() if x.startswith(f"  {name} "))
        assert [str(d.date()) for d in q] == re.findall(r"\d{4}-\d{2}-\d{2}", line)[:3]
    context = out.split("\nContext events\n")[1].split("\n\n")[0]
    assert "ratified_ru" not in context and "in_force" not in context


# --- the seed of an unseeded run ---------------------------------------------------------


def _printed_seed(text: str) -> int:
    m = re.search(r"seed (\d+)", text)
    assert m, text
    return int(m.group(1))


def test_unseeded_run_prints_a_short_seed_that_reproduces_it(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, first, _ = call(capsys, "run", SMALL, "-n", "2000")
    assert code == 0
    seed = _printed_seed(first)
    assert 0 <= seed < 10**9  # nine digits at most: short enough to retype
    code, again, _ = call(capsys, "run", SMALL, "-n", "2000", "--seed", str(seed))
    assert again == first
    code, other, _ = call(capsys, "run", SMALL, "-n", "2000")
    assert _printed_seed(other) != seed  # fresh each time (a 1e-9 chance of a clash)


def test_unseeded_json_records_the_seed_it_used(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "run", SMALL, "-n", "2000", "--format", "json")
    assert code == 0
    data = json.loads(out)
    seed = data["run"]["seed"]
    assert 0 <= seed < 10**9
    _, again, _ = call(capsys, "run", SMALL, "-n", "2000", "--format", "json", "--seed",
                       str(seed))
    assert again == out


def test_unseeded_report_shows_a_seed_that_reproduces_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    assert main(["report", str(SMALL), "-n", "2000", "-o", str(first)]) == 0
    page = first.read_text(encoding="utf-8")
    seed = int(re.findall(r"<dt>seed</dt><dd>(\d+)</dd>", page)[0])
    assert seed < 10**9 and f"--seed {seed}" in page
    assert main(["report", str(SMALL), "-n", "2000", "--seed", str(seed), "-o",
                 str(second)]) == 0
    assert second.read_text(encoding="utf-8") == page


# --- warnings, once -----------------------------------------------------------------------


@pytest.fixture
def pruning(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep so few distinct texts that the flagship's table of them is pruned (when
    chunks are merged)."""
    from pactsim.results import stats

    monkeypatch.setattr(stats, "MAX_BUNDLES", 50)


@pytest.mark.parametrize("how", ["table", "json", "csv", "report"])
def test_each_warning_is_printed_at_most_once(pruning: None, tmp_path: Path, how: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    if how == "report":
        pytest.importorskip("matplotlib")
        args = ["report", FLAGSHIP, "-o", out]
    else:
        args = ["run", FLAGSHIP, "--format", how, "-o", out]
    code, _, err = call(capsys, *args, "-n", "200000", "--seed", "3")  # several chunks
    assert code == 0, err
    lines = [line for line in err.splitlines() if not line.startswith("wrote ")]
    assert len(lines) == len(set(lines)), err
    text = out.read_text(encoding="utf-8")
    if how == "json":  # the bound is in the output instead
        assert max(b["bound"] for b in json.loads(text)["texts"]) > 0
    elif how == "csv":
        df = pd.read_csv(io.StringIO(text))
        assert df[df.section == "texts"].bound.max() > 0
    elif how == "report":
        assert "may be low by up to" in text
    # the text table shows the exact pillar sets only: nothing to bound there
