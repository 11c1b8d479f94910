"""`pactsim diff A B` and `pactsim report B --compare A`, called in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import pactsim
from helpers import call

ROOT = Path(__file__).parents[2]
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"
TWO = ("pactsim: 1\nid: two\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
       "events:\n  a: {p: 0.3}\n  b: {p: 0.5}\n"
       "questions:\n  both: a and b\n")


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(TWO)
    b.write_text(TWO.replace("{p: 0.3}", "{p: 0.6}").replace("{p: 0.5}", "{p: 0.7}"))
    return a, b


def test_text_output(pair, capsys):
    code, out, err = call(capsys, "diff", *pair, "-q", "both")
    assert code == 0, err
    assert out.startswith(f"A: {pair[0]} (two, as of 2024-01-01")
    assert "method: exact inference (standard errors 0)" in out
    assert "Attribution of P(both): 15.0% -> 42.0% (+27.0 pp; exact" in out
    lines = {line.split()[0]: line.split() for line in out.splitlines()
             if line.startswith(("  a.p ", "  b.p "))}
    assert lines["a.p"][1:] == ["+15.0", "pp", "+18.0", "pp"]  # alone, Shapley
    assert lines["b.p"][1:] == ["+6.0", "pp", "+9.0", "pp"]


def test_json_to_a_file_with_monte_carlo(pair, tmp_path, capsys):
    out_file = tmp_path / "d.json"
    code, out, err = call(capsys, "diff", *pair, "--method", "mc", "-n", "20000", "--seed",
                          "4", "--format", "json", "-o", out_file)
    assert code == 0 and out == "" and err.strip() == f"wrote {out_file}"
    data = json.loads(out_file.read_text())
    assert data["run"]["n"] == 20_000 and data["run"]["seed"] == 4
    assert data["a"]["file"] == str(pair[0])
    (att,) = data["attribution"]
    assert att["target"] == "both" and att["method"] == "mc"
    assert sum(e["shapley"] for e in att["edits"]) == pytest.approx(att["change"], abs=1e-12)


def test_itself_is_all_zeros(pair, capsys):
    code, out, _ = call(capsys, "diff", pair[0], pair[0], "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["edits"] == [] and data["attribution"] == []
    assert all(c["change"] == 0 and c["stderr"] == 0 for c in data["changes"])


def test_errors_are_one_line_and_exit_2(pair, tmp_path, capsys):
    code, out, err = call(capsys, "diff", pair[0], tmp_path / "missing.yaml")
    assert (code, out) == (2, "") and len(err.strip().splitlines()) == 1
    assert "missing.yaml" in err
    before = pair[0].read_text()
    code, out, err = call(capsys, "diff", *pair, "-o", pair[0])
    assert code == 2 and "input" in err and pair[0].read_text() == before
    code, out, err = call(capsys, "diff", *pair, "-q", "nowhere")
    assert code == 2 and "unknown name 'nowhere'" in err and len(err.strip().splitlines()) == 1
    code, out, err = call(capsys, "diff", *pair, "-n", "0")
    assert code == 2 and "at least 1" in err


def test_different_as_of_is_compared_with_a_note(pair, tmp_path, capsys):
    later = tmp_path / "later.yaml"
    later.write_text(TWO.replace("as_of: 2024-01-01", "as_of: 2024-06-01"))
    code, out, err = call(capsys, "diff", pair[0], later)
    assert code == 0, err
    assert "note: A is as of 2024-01-01 and B as of 2024-06-01" in out


def test_help_says_what_it_does(capsys):
    code, out, _ = call(capsys, "diff", "--help")
    assert code == 0
    for words in ("Shapley values, which sum to the change", "common random numbers",
                  "--question", "--format {text,json}", "applied together"):
        assert words in out.replace("\n", " ").replace("  ", " ") or words in out


def test_flagship_variant_and_report_compare(tmp_path, capsys):
    sc = pactsim.load(FLAGSHIP)
    variant = tmp_path / "variant.yaml"
    variant.write_text(pactsim.dumps(sc.with_changes(
        {"us_trump_win.p": 1.0, "signing.by.2024-12-31": 0.6})))
    code, out, err = call(capsys, "diff", FLAGSHIP, variant, "-q", "signed_by_2024")
    assert code == 0, err
    assert "us_trump_win.p: 0.5 -> 1.0" in out and "signing.by.2024-12-31: 0.39 -> 0.6" in out
    page = tmp_path / "report.html"
    code, _, err = call(capsys, "report", variant, "--compare", FLAGSHIP, "-n", "5000",
                        "--seed", "1", "-o", page)
    assert code == 0, err
    html = page.read_text()
    assert "<h2>What changed from A</h2>" in html and "us_trump_win.p" in html
    assert f"--compare {FLAGSHIP}" in html
    # the comparison is exact, the page Monte Carlo: the page says a digit may differ
    assert "the rest of this page is by Monte Carlo, so a number here may differ" in html


def test_a_file_with_news_is_named_as_of_its_news(capsys: pytest.CaptureFixture[str]) -> None:
    """The diff's numbers for a file with observations are conditioned on them (as
    run's are), so its header says as of the latest, as run's does."""
    root = Path(__file__).resolve().parents[2] / "scenarios"
    code, out, _ = call(capsys, "diff", root / "iran-russia-2024.yaml",
                        root / "variants" / "iran-russia-2024-news.yaml")
    assert code == 0
    b = out.splitlines()[1]
    assert "as of 2025-01-13 (the priors of 2024-11-05 and the news to then)" in b
    assert "as of 2024-11-05, digest" in out.splitlines()[0]
    code, out, _ = call(capsys, "diff", root / "iran-russia-2024.yaml",
                        root / "variants" / "iran-russia-2024-news.yaml", "--json")
    data = json.loads(out)
    assert (data["a"]["news_to"], data["b"]["news_to"]) == (None, "2025-01-13")
