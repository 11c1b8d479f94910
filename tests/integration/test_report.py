"""`pactsim report`: a self-contained HTML page, written atomically, exit codes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

import pactsim
from pactsim.cli import main
from pactsim.views.report import report_html
from view_fakes import DOLLARS, NO_PILLARS, NOTHING_SIGNED, PILLAR_NEVER, Pruned

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"

# Anything that would make a browser fetch something: remote URLs, protocol-relative
# URLs, stylesheets, scripts, frames, CSS imports and url(...) references.
_LOADS = re.compile(
    r"""(?:src|href|srcset|action|poster|data)\s*=\s*["']?\s*(?!data:)[a-z]*:?//"""
    r"""|<link\b|<script\b|<iframe\b|<object\b|<embed\b|@import|url\(""",
    re.IGNORECASE,
)


def _report(tmp_path: Path, scenario: Path, *extra: str) -> tuple[int, Path]:
    out = tmp_path / "report.html"
    code = main(["report", str(scenario), "--out", str(out), "-n", "4000", "--seed", "5",
                 *extra])
    return code, out


@pytest.fixture(scope="module")
def flagship(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("flagship")
    code, out = _report(folder, FLAGSHIP)
    assert code == 0
    return folder, out.read_text(encoding="utf-8")


def test_flagship_report_is_self_contained(flagship: tuple[Path, str]) -> None:
    folder, page = flagship
    assert page.startswith("<!DOCTYPE html>")
    assert page.rstrip().endswith("</html>")
    assert page.count("<img") >= 5
    assert "data:image/png;base64," in page
    assert "http://" not in page
    assert "https://" not in page
    assert not _LOADS.search(page)
    sc = pactsim.load(FLAGSHIP)
    for text in ("seed</dt><dd>5", "4,000", sc.digest, pactsim.__version__,
                 "Eurasia Daily Monitor 21/160", "signed_by_2024", "Military cooperation",
                 "pactsim report", "--seed 5"):
        assert text in page, text
    assert [p.name for p in folder.iterdir()] == ["report.html"]  # no temp files left


def test_report_numbers_match_the_run(flagship: tuple[Path, str]) -> None:
    page = flagship[1]
    res = pactsim.simulate(pactsim.load(FLAGSHIP), n=4000, seed=5, keep_draws=False)
    for _, row in res.questions().iterrows():
        assert f"{100 * row.p:.1f}%" in page
    for _, row in res.signing_cdf(res.key_dates()).iterrows():
        assert f"{100 * row.p:.1f}%" in page


@pytest.mark.figures  # compared with the module's page, drawn before the suite's stub
def test_same_seed_same_page(tmp_path: Path, flagship: tuple[Path, str],
                             capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _report(tmp_path, FLAGSHIP)
    assert code == 0
    assert f"wrote {out}" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == flagship[1]


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if s != FLAGSHIP],
                         ids=lambda p: p.stem)
def test_every_scenario_reports(tmp_path: Path, scenario: Path) -> None:
    code, out = _report(tmp_path, scenario, "--top", "3")
    assert code == 0
    page = out.read_text(encoding="utf-8")
    assert "<h2>Questions</h2>" in page
    assert not _LOADS.search(page)
    # the signing chart is there exactly when the scenario has a signing; "What drives it"
    # draws its own charts for any scenario with a true/false question
    parts = page.split("<h2>")
    rest = "<h2>".join(p for p in parts if not p.startswith("What drives it</h2>"))
    assert ("<img" in rest) == (pactsim.load(scenario).signing is not None)


def test_invalid_scenario_exits_2_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("pactsim: 1\nid: bad\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                   "events:\n  rain: {p: 1.3}\n")
    code, out = _report(tmp_path, bad)
    assert code == 2
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]
    err = capsys.readouterr().err
    assert f"{bad}:6:" in err
    assert "must be in [0, 1]" in err
    assert "Traceback" not in err


def test_missing_file_and_missing_folder_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path / "nope.yaml"), "--out",
                 str(tmp_path / "r.html")]) == 2
    assert "cannot read the file" in capsys.readouterr().err
    assert main(["report", str(FLAGSHIP), "--out", str(tmp_path / "no" / "r.html"),
                 "-n", "100"]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_console_script_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    exe = Path(sys.executable).with_name("pactsim")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "pactsim.cli"]
    timing = ROOT / "scenarios" / "analytic-timing.yaml"
    ok = subprocess.run([*cmd, "report", str(timing), "--out", str(out), "-n", "2000",
                         "--seed", "1"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "<img" in out.read_text(encoding="utf-8")
    bad = subprocess.run([*cmd, "report", str(tmp_path / "nope.yaml"), "--out",
                          str(tmp_path / "x.html")], capture_output=True, text=True)
    assert bad.returncode == 2
    assert not (tmp_path / "x.html").exists()
    assert "Traceback" not in bad.stderr


def test_headings_are_not_repeated(flagship: tuple[Path, str]) -> None:
    page = flagship[1]
    headings = re.findall(r"<h2>(.*?)</h2>", page)
    assert len(headings) == len(set(headings))
    assert "When will the agreement be signed?" in headings
    assert "When will it be signed?" not in page  # one heading, over a figure without a title
    assert "Which texts are most likely?" in headings


@pytest.mark.parametrize(("scenario", "says", "absent"), [
    (NOTHING_SIGNED, ["No outcome has any pillar in its text",
                      "when has no value in any outcome",
                      "Not signed by the horizon in any outcome."], ["(nothing)</td>"]),
    (PILLAR_NEVER, ["No outcome has any pillar in its text"], []),
    (NO_PILLARS, [], ["(nothing)", "Which texts are most likely?", "What will the text"]),
    (DOLLARS, ["Price $x^$", r"$\frac{1}$", "Count $n$ items"], []),
], ids=["never-signed", "pillar-never", "no-pillars", "dollar-labels"])
def test_awkward_but_valid_scenarios_report(tmp_path: Path, scenario: str, says: list[str],
                                            absent: list[str]) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(scenario, encoding="utf-8")
    code, out = _report(tmp_path, path)
    assert code == 0
    page = out.read_text(encoding="utf-8")
    assert not _LOADS.search(page)
    for text in says:
        assert text in page, text
    for text in absent:
        assert text not in page, text


@pytest.mark.parametrize("scenario", [NOTHING_SIGNED, PILLAR_NEVER, NO_PILLARS, DOLLARS],
                         ids=["never-signed", "pillar-never", "no-pillars", "dollar-labels"])
def test_exact_results_report(scenario: str) -> None:
    page = report_html(pactsim.exact(pactsim.loads(scenario)))
    assert page.rstrip().endswith("</html>")
    assert "exact inference" in page
    body = re.sub(r"<style>.*?</style>|base64,[^\"]*", "", page)
    assert not re.search(r"\bnan\b", body, re.IGNORECASE)
    if scenario == NOTHING_SIGNED:
        assert "when has no value in any outcome" in page  # the date question is all NaN


def test_exact_flagship_report_says_what_exact_inference_cannot_list() -> None:
    page = report_html(pactsim.exact(pactsim.load(FLAGSHIP)))
    assert "Exact sets of pillars and clauses: too many nodes together" in page
    assert page.count("<img") >= 4  # signing, content, pillar sets, numeric


def test_report_shows_how_low_bundle_counts_may_be() -> None:
    res = pactsim.simulate(pactsim.load(FLAGSHIP), n=4000, seed=5, keep_draws=False)
    page = report_html(Pruned(res, 30, warn=True))  # type: ignore[arg-type]
    assert "+≤30</td>" in page
    assert "≥ counts may be low by up to 30 draws (more than their standard error)" in page
    assert "<details open><summary>These texts as a table" in page
    plain = report_html(res)
    assert "+≤" not in plain
    assert "<details><summary>These texts as a table" in plain


def test_flagship_report_has_the_timeline(flagship: tuple[Path, str]) -> None:
    """The timeline section: chart and table, each number against the same run
    (n = 4000, seed 5) recounted from its draws."""
    _, page = flagship
    assert "<h2>When will each step happen?</h2>" in page
    section = page.split("<h2>When will each step happen?</h2>")[1].split("<h2>")[0]
    assert 'alt="chance each dated step has happened by each date"' in section
    res = pactsim.simulate(pactsim.load(FLAGSHIP), n=4000, seed=5, keep_draws=True)
    frame = res.to_frame()
    body = section.split("<tbody>")[1].split("</tbody>")[0]
    rows = [[" ".join(re.sub(r"<[^>]+>", " ", c).split())
             for c in re.findall(r"<td[^>]*>(.*?)</td>", r)]
            for r in re.findall(r"<tr[^>]*>(.*?)</tr>", body)]
    names = [r[0].split()[-1] for r in rows]
    assert names == ["signing", "ratified_ru", "ratified_ir", "in_force"]
    for name, r in zip(names, rows, strict=True):
        col = frame[f"{name}.date"]
        # shown to one decimal: within half a unit of the last digit of the recount
        assert r[1].endswith("%")
        assert abs(float(r[1][:-1]) - 100 * col.notna().sum() / len(col)) <= 0.05 + 1e-9
        days = col.dropna().sort_values().reset_index(drop=True)
        assert r[4] == str(days[max(-(-len(days) // 2), 1) - 1].date()), name
    gap = (frame["in_force.date"] - frame["signing.date"]).dt.days.dropna().sort_values()
    assert rows[-1][6] == f"{gap.iloc[-(-len(gap) // 2) - 1]:.0f}"  # median days after signing
    assert rows[-1][-1] == "90% between 7 and 60 days after both ratified_ru and ratified_ir"
    context = page.split("<h2>Context events</h2>")[1].split("</table>")[0]
    assert "ratified_ru" not in context and "us_trump_win" in context


def test_what_drives_it_says_when_nothing_uncertain_moves_the_question(
        flagship: tuple[Path, str]) -> None:
    """The flagship's first question (signed_by_2024) depends on none of its uncertain
    inputs (the Ukraine-war table, drones_missiles.p, su35_sale.p), so it has no spread."""
    _, page = flagship
    section = page.split("<h2>What drives it</h2>")[1].split("<h2>")[0]
    assert "P(signed_by_2024)" in section
    assert "no spread over the uncertain inputs" in section
    assert "80% band" not in section
