"""`pactsim score` and `pactsim pool`: every number printed, checked by hand."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from pactsim.cli import main

SCENARIO = """\
pactsim: 1
id: demo
as_of: 2024-01-01
horizon: 2024-01-11
signing: {by: {2024-01-11: 0.5}}
events:
  rain: {p: RAIN}
pillars:
  military: {p: 0.8, clauses: {jets: {p: 0.2}}}
"""
RESOLUTIONS = """\
resolutions: 1
scenario: demo
sources: {s: a paper}
outcomes:
  signing: {outcome: 2024-01-04, resolved: 2024-01-04, source: s}
  rain: {outcome: false, resolved: 2024-01-11, source: s}
  military: {outcome: true, given: signing, resolved: 2024-01-04, source: s}
  jets: {outcome: unresolvable, reason: text not published}
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str, str]:
    a, b, r = tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "r.yaml"
    a.write_text(SCENARIO.replace("RAIN", "0.3"))
    b.write_text(SCENARIO.replace("RAIN", "0.7"))
    r.write_text(RESOLUTIONS)
    return str(a), str(b), str(r)


def test_score_prints_every_number(files, capsys) -> None:
    a, _b, r = files
    r_text = Path(r).read_text().replace("  jets: {outcome: unresolvable, reason: text not "
                                         "published}\n", "")
    Path(r).write_text(r_text)
    assert main(["score", a, "--resolutions", r, "--calibration"]) == 0
    out = capsys.readouterr().out
    lines = {ln.split()[0]: ln.split() for ln in out.splitlines() if ln.strip()}
    # item  p  outcome  Brier  base  log  base; base rate 2/3; one method, in the heading
    assert lines["signing"][1:7] == ["0.500", "true", "0.250", "0.111", "0.693", "0.405"]
    assert lines["rain"][1:7] == ["0.300", "false", "0.090", "0.444", "0.357", "1.099"]
    assert "military | signing" in out
    assert "demo (forecast as of 2024-01-01; p by exact inference)\n" in out
    assert " 0.800     true  0.040  0.111  0.223  0.405\n" in out
    assert ("signing.date: 2024-01-04; P(that day) 0.0500, log 2.996 (uniform 2.398); CRPS 3.8"
            " days (uniform 1.7); 80% interval 2024-01-03 to after the horizon: covered") in out
    # all  items Brier 0.5 base log 0.5 base dates date-log uniform CRPS uniform cov
    mean_log = (math.log(2) - math.log(0.7) - math.log(0.8)) / 3
    base_log = (-2 * math.log(2 / 3) - math.log(1 / 3)) / 3
    assert lines["all"] == ["all", "3", "0.127", "0.250", "0.222", f"{mean_log:.3f}", "0.693",
                            f"{base_log:.3f}", "1", "2.996", "2.398", "3.8", "1.7", "1.00"]
    assert "Calibration of 3 forecasts (base rate 0.667)" in out
    # the outcomes sort with p, so PAV recalibrates to 0, 1, 1: MCB is the whole Brier score
    assert "Brier 0.1267 = MCB 0.1267 - DSC 0.2222 + UNC 0.2222 (CORP)" in out


def test_score_json_and_errors(files, capsys, tmp_path) -> None:
    a, _b, r = files
    assert main(["score", a, "-r", r, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"][0]["brier"] == pytest.approx((0.25 + 0.09 + 0.04) / 3)
    assert data["unresolvable"] == [{"scenario": "demo", "item": "jets",
                                     "reason": "text not published"}]
    bad = tmp_path / "bad.yaml"
    bad.write_text(RESOLUTIONS.replace("rain: {outcome", "rian: {outcome"))
    assert main(["score", a, "-r", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:6:3: outcomes.rian: unknown name 'rian'; did you mean 'rain'?" in err


def test_score_track_record(files, capsys, tmp_path) -> None:
    a, _b, r = files
    later = tmp_path / "later.yaml"
    later.write_text(SCENARIO.replace("RAIN", "0.6").replace("as_of: 2024-01-01",
                                                             "as_of: 2024-01-06"))
    assert main(["score", a, str(later), "-r", r]) == 0
    out = capsys.readouterr().out
    assert "Time-averaged over the days each item was open" in out
    row = next(ln for ln in out.splitlines() if ln.startswith("demo: rain"))
    assert row.split()[2:6] == ["10", "2", "0.225", "0.636"]  # (0.09+0.36)/2, (-ln .7 - ln .4)/2
    assert row.split()[6] == "–"  # a true/false item has no CRPS (not an infinite one)


def test_pool_prints_pooled_and_each_analyst(files, capsys) -> None:
    a, b, _r = files
    assert main(["pool", a, b]) == 0
    out = capsys.readouterr().out
    assert "demo: pooled by geometric mean of odds; weights a 0.50, b 0.50" in out
    assert [ln.split() for ln in out.splitlines() if ln.startswith("rain")] == [
        ["rain", "0.500", "0.300", "0.700", "0.400"]]
    assert main(["pool", a, b, "--method", "linear", "--weights", "3,1", "--format", "csv"]) == 0
    csv = capsys.readouterr().out
    assert "rain,pooled,0.4" in csv and "rain,a,0.3,0.75" in csv


def test_the_backtest_corpus_scores(capsys) -> None:
    root = Path(__file__).resolve().parents[2] / "scenarios"
    files = [str(root / "iran-russia-2024.yaml"), str(root / "backtest" / "russia-dprk-2024.yaml")]
    res = sorted(str(p) for p in (root / "backtest").glob("*.resolutions.yaml"))
    assert main(["score", *files, "-r", *res]) == 0
    out = capsys.readouterr().out
    # flagship: P(signed by 2024) is near the forecaster's 0.40 target (the hazard ratios
    # spread it around the base curve's 0.39), and it was not signed: Brier p**2, log -ln(1-p)
    row = next(ln.split() for ln in out.splitlines() if ln.startswith("signed_by_2024 "))
    p = float(row[1])
    assert abs(p - 0.40) < 0.01 and row[2] == "false"
    assert abs(float(row[3]) - p * p) <= 0.0015  # p is printed to 3 decimals
    assert abs(float(row[5]) + math.log(1 - p)) <= 0.0015
    # the dated milestones are scored as dates too
    assert any(ln.startswith("in_force.date: 2025-10-02") for ln in out.splitlines())
    assert "russia-dprk-2024 @ 2024-06-01" in out and "iran-russia-2024 @ 2024-11-05" in out


def _cells(html: str, caption: str) -> list[list[str]]:
    """The body cells of the table with `caption`, row by row (tags stripped)."""
    import re

    table = html[html.index(f"<caption>{caption}</caption>"):]
    body = table[table.index("<tbody>"): table.index("</tbody>")]
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body)]


def test_report_with_resolutions_scores_as_score_does(files, tmp_path, capsys) -> None:
    import html as html_lib

    import pactsim
    from pactsim.views.scoring import _num

    a, _b, r = files
    page, plain = tmp_path / "scored.html", tmp_path / "plain.html"
    assert main(["report", a, "-n", "2000", "--seed", "1", "-o", str(plain)]) == 0
    assert main(["report", a, "-n", "2000", "--seed", "1", "--resolutions", r,
                 "-o", str(page)]) == 0
    capsys.readouterr()
    assert "How did it score?" not in plain.read_text()
    html = page.read_text()
    assert "<h2>How did it score?</h2>" in html
    assert f"--seed 1 --resolutions {r}</code>" in html  # the reproduce line keeps the file
    card = pactsim.score(a, r)
    s = card.summary().loc["all"]
    [mean] = _cells(html, "Mean scores")
    assert mean == ["all", "3", _num(s.brier), _num(s.brier_half), _num(s.brier_base),
                    _num(s.log), _num(s.log_half), _num(s.log_base), "1", _num(s.date_log),
                    _num(s.date_log_uniform), _num(s.crps, 1), _num(s.crps_uniform, 1), "1.00"]
    # and by hand (as in test_score_prints_every_number): Brier (0.25 + 0.09 + 0.04) / 3
    assert mean[2:5] == ["0.127", "0.250", "0.222"] and mean[9:11] == ["2.996", "2.398"]
    rows = {html_lib.unescape(row[0]): row for row in _cells(html, "Each item")}
    assert set(rows) == {"signing", "signing.date", "rain", "military | signing"}
    for it in card.items.itertuples():
        name = it.item + (f" | {it.given}" if isinstance(it.given, str) else "")
        assert rows[name][1] == _num(it.p) and rows[name][4] == _num(it.brier), name
    assert rows["rain"][1:5] == ["0.300", "false", "2024-01-11", "0.090"]
    assert "jets (text not published)" in html  # unresolvable: named, not scored


def test_report_checks_the_resolutions_before_the_run(files, tmp_path, capsys) -> None:
    a, _b, _r = files
    bad = tmp_path / "bad.yaml"
    bad.write_text(RESOLUTIONS.replace("rain: {outcome", "rian: {outcome"))
    out = tmp_path / "never.html"
    assert main(["report", a, "-r", str(bad), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:6:3: outcomes.rian: unknown name 'rian'; did you mean 'rain'?" in err
    assert not out.exists()
    # a resolution file is an input: the page may not overwrite it
    assert main(["report", a, "-r", str(bad), "-o", str(bad)]) == 2
    assert "rian" in bad.read_text()
