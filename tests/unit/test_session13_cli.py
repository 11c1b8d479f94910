"""Session 13, the command line: each test fails without the change it names."""

from __future__ import annotations

import json
import shlex
from html import unescape
from pathlib import Path
from typing import Any

import pytest

import pactsim
from helpers import call
from pactsim.errors import ModelTooWideError

ROOT = Path(__file__).resolve().parents[2]
FLAT = ROOT / "scenarios" / "analytic-independent.yaml"
RES = ROOT / "scenarios" / "backtest" / "iran-russia-2024.resolutions.yaml"


# --- -o: never over a file a person wrote; the format from the name -----------------------

@pytest.mark.parametrize(("name", "content", "said"), [
    ("colleague.yaml", FLAT, "is a scenario file (line "),
    ("scenario.txt", FLAT, "is a scenario file (line "),  # whatever its name
    ("outcomes.json", RES, "is a resolution file (line "),
    ("notes.yaml", "just: notes\n", "is a YAML file"),
    ("analysis.py", "print(1)\n", "is a Python file"),
    ("work.ipynb", "{}\n", "is a notebook"),
])
@pytest.mark.parametrize("command", [["run", str(FLAT), "-n", "500"], ["schema"]])
def test_out_never_writes_over_a_file_a_person_wrote(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, content: object,
        said: str, command: list[str]) -> None:
    target = tmp_path / name
    target.write_text(content.read_text() if isinstance(content, Path) else str(content))
    before = target.read_bytes()
    code, out, err = call(capsys, *command, "-o", target)
    assert code == 2 and out == ""
    assert said in err and "never writes over one" in err
    assert target.read_bytes() == before


def test_out_writes_over_an_earlier_output(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    for name in ("f.json", "f.csv", "f.txt"):
        target = tmp_path / name
        for seed in ("1", "2"):
            code, _, err = call(capsys, "run", FLAT, "-n", "500", "--seed", seed, "-o", target)
            assert code == 0, err


@pytest.mark.parametrize(("name", "check"), [
    ("f.json", lambda t: json.loads(t)["run"]["n"] == 500),
    ("f.CSV", lambda t: t.startswith("section,name,statistic,value")),
    ("f.txt", lambda t: "as of 2025-01-01" in t.splitlines()[1]),
])
def test_out_takes_its_format_from_the_name(capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path, name: str, check: Any) -> None:
    target = tmp_path / name
    code, _, err = call(capsys, "run", FLAT, "-n", "500", "-o", target)
    assert code == 0, err
    assert check(target.read_text())


def test_an_explicit_format_wins_over_the_name(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    code, _, err = call(capsys, "run", FLAT, "-n", "500", "--format", "text", "-o", target)
    assert code == 0, err
    assert not target.read_text().startswith("{")
    assert "writing the text table to" in err and "the name says JSON" in err
    other = tmp_path / "f.csv"
    code, _, err = call(capsys, "run", FLAT, "-n", "500", "--json", "-o", other)
    assert code == 0 and other.read_text().startswith("{")
    assert "writing JSON to" in err and "as --json asks" in err and "the name says CSV" in err
    code, _, err = call(capsys, "run", FLAT, "-n", "500", "--csv", "-o", tmp_path / "g.csv")
    assert code == 0 and "note" not in err


@pytest.mark.parametrize(("args", "said"), [
    (["diff", str(FLAT), str(FLAT), "-o", "{}/d.csv"], "diff writes text or json, not csv"),
    (["report", str(FLAT), "-n", "500", "-o", "{}/r.pdf"], "a report is an HTML page, not PDF"),
])
def test_a_name_asking_for_a_format_the_command_lacks_is_refused(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], said: str
        ) -> None:
    code, _, err = call(capsys, *[a.replace("{}", str(tmp_path)) for a in args])
    assert code == 2 and said in err
    assert list(tmp_path.iterdir()) == []


# --- the report: its line to reproduce it, and -q for what changed --------------------------

def test_the_report_says_how_to_make_it_again_with_its_question(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "my files"
    folder.mkdir()
    base = folder / "a.yaml"
    base.write_text(FLAT.read_text())
    new = folder / "b.yaml"
    new.write_text(FLAT.read_text().replace("p: 0.3", "p: 0.5", 1))
    page = tmp_path / "r.html"
    code, _, err = call(capsys, "report", new, "-n", "2000", "--seed", "4", "--compare", base,
                        "-q", "a and not b", "--top", "3", "-o", page)
    assert code == 0, err
    html = page.read_text()
    again = html.split("Reproduce with <code>")[1].split("</code>")[0]
    words = shlex.split(unescape(again))
    assert words == ["pactsim", "report", str(new), "-n", "2000", "--seed", "4",
                     "--compare", str(base), "-q", "a and not b", "--top", "3"]
    # what changed explains the question asked, not the one that changed most
    assert "Which edit moved P(a and not b)" in unescape(html)


# --- a refusal of exact inference names the question -----------------------------------

def test_a_refused_question_is_named(capsys: pytest.CaptureFixture[str],
                                     tmp_path: Path) -> None:
    text = (ROOT / "scenarios" / "analytic-dated.yaml").read_text(encoding="utf-8")
    text += ("  three_dates: crisis.date <= signing.date and signing.date <= ratify_a.date\n"
             "  gap_days: ratify_a.date - crisis.date\n")
    ex = pactsim.exact(pactsim.loads(text))
    narrow = pactsim.exact(pactsim.loads(text), max_table=50_000)  # 365 x 365 days: too wide
    with pytest.raises(ModelTooWideError, match="of question 'three_dates' needs"):
        ex.prob("three_dates")
    with pytest.raises(ModelTooWideError, match="question 'gap_days'"):
        narrow.numeric("gap_days")
    with pytest.raises(ModelTooWideError, match="of this expression needs"):
        ex.prob("crisis.date <= signing.date and signing.date <= ratify_a.date")
    path = tmp_path / "wide.yaml"
    path.write_text(text, encoding="utf-8")
    for method, n in (("exact", []), ("auto", ["-n", "2000"])):
        code, _, err = call(capsys, "run", path, "--method", method, *n, "--spread", "0")
        assert code == (2 if method == "exact" else 0)
        assert "of question 'three_dates' needs" in err


# --- a long run without a progress bar says how long it will take ---------------------------

def test_a_long_run_says_how_long_it_will_take(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fake clock: each reading 10 s later. After the first chunk (the first reading past
    2 s), the run says once how long the rest takes at that pace: (n - k) / k chunks' time."""
    from pactsim import _progress
    from pactsim import montecarlo as mc
    from pactsim.errors import PactsimWarning

    ticks = iter(range(0, 10**6, 10))
    monkeypatch.setattr(mc, "_clock", lambda: float(next(ticks)))
    said: list[str] = []
    monkeypatch.setattr(_progress, "long_run_note", said.append)
    sc = pactsim.load(FLAT)
    n = 3_000_000
    pactsim.simulate(sc, n=n, seed=1, keep_draws=False, progress=False)
    assert len(said) == 1
    k = int(said[0].split("(")[1].split(" in ")[0].replace(",", ""))
    assert 0 < k < n
    left = 10 * (n - k) / k  # seconds: one chunk took 10 s
    assert f"take about {max(1, round(left / 60))} min more" in said[0] or \
        f"take about {int(left // 3600)} h" in said[0]
    said.clear()
    # in Python (no note set): a warning, once (review-python15: n=10**12 ran silently)
    monkeypatch.setattr(_progress, "long_run_note", None)
    ticks = iter(range(0, 10**6, 10))
    with pytest.warns(PactsimWarning) as caught:
        pactsim.simulate(sc, n=n, seed=1, keep_draws=False, progress=False)
    assert said == []
    longs = [w for w in caught if "will take" in str(w.message)]
    assert len(longs) == 1 and f"simulate(n={n:,}) will take about" in str(longs[0].message)
    assert longs[0].filename == __file__  # the caller's line, not pactsim's


def test_a_short_run_says_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from pactsim import _progress
    from pactsim import montecarlo as mc

    ticks = iter(range(10**6))  # a second a chunk: the rest takes under a minute
    monkeypatch.setattr(mc, "_clock", lambda: float(next(ticks)))
    said: list[str] = []
    monkeypatch.setattr(_progress, "long_run_note", said.append)
    pactsim.simulate(pactsim.load(FLAT), n=3_000_000, seed=1, keep_draws=False, progress=False)
    assert said == []


# --- smaller things a new analyst ran into ----------------------------------------------------

def test_history_gives_each_reason_once_with_its_questions() -> None:
    from pactsim.analysis.history import _why_refused

    why = _why_refused(["a", "b", "c", "d"], {
        "a": "exact inference of question 'a' needs a table of 9 entries",
        "b": "exact inference of question 'b' needs a table of 9 entries",
        "c": "exact inference cannot give the joint law of 'x' and 'y'"})
    assert why == ("a, b, c; the others may be exact when asked without them (questions=, or "
                   "-q): a, b: exact inference of this question needs a table of 9 entries; "
                   "c: exact inference cannot give the joint law of 'x' and 'y'")
    one = _why_refused(["a", "b"], {"a": "too wide", "b": "too wide"})
    assert one == "a, b: too wide"
    assert _why_refused(["a"], {"a": "question 'a': no"}) == "a: no"


def test_the_command_line_quotes_refusals_without_python_advice() -> None:
    from pactsim.cli import _cli_words

    text = ("x.yaml:3:3: questions.q: not checked for being constant: exact inference of "
            "question 'q' needs a table of 9 entries, above max_table=8; use "
            "pactsim.simulate for this model or expression, simplify it, or raise max_table "
            "[exact-skipped]\nMonte Carlo because exact inference refused q: it needs a "
            "table (conditioning on the evidence 'e' puts its variables into every joint "
            "law; drop findings, or use pactsim.simulate(..., evidence=...))")
    said = _cli_words(text)
    assert "pactsim.simulate" not in said and "max_table" not in said
    assert "above the limit of 8; simplify the scenario or the question [exact-skipped]" in said
    assert "drop findings, or use Monte Carlo)" in said


def test_one_draw_is_one_draw(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "run", FLAT, "-n", "1", "--seed", "1")
    assert code == 0 and "; n = 1 draw, seed 1" in out


def test_python_m_pactsim_is_the_command() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "pactsim", "validate", str(FLAT)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and done.stdout.strip().endswith(": ok")


def test_pool_says_how_each_file_was_answered(capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    head = ("pactsim: 2\nid: deal\nas_of: 2025-01-01\nhorizon: 2025-12-31\nevents:\n"
            "  a: {by: {2025-12-31: 0.5}}\n  b: {by: {2025-12-31: 0.4}}\n")
    # a milestone after two curve-timed events: exact inference refuses this file
    (tmp_path / "alice.yaml").write_text(head + "  both: {after: {all: [a, b]}, delay: 5}\n")
    (tmp_path / "bob.yaml").write_text(head)
    code, out, err = call(capsys, "pool", tmp_path / "alice.yaml", tmp_path / "bob.yaml",
                          "-n", "20000", "--seed", "3")
    assert code == 0, err
    assert ("numbers by alice Monte Carlo (20,000 draws, seed 3), bob exact inference"
            in out.splitlines()[0])
    code, out, err = call(capsys, "pool", tmp_path / "alice.yaml", tmp_path / "bob.yaml",
                          "-n", "20000", "--seed", "3", "--format", "json")
    got = {a["name"]: (a["method"], a["n"], a["seed"]) for a in json.loads(out)["pool"]["analysts"]}
    assert got == {"alice": ("montecarlo", 20000, 3), "bob": ("exact", None, None)}


@pytest.mark.parametrize(("args", "said"), [
    (["pool", str(FLAT), str(FLAT), "--weights", "-1,2"], "give numbers >= 0"),
    (["run", str(FLAT), "-n", "-5"], "must be at least 1, not '-5'"),
    (["run", str(FLAT), "--seed", "-1"], "seeds are whole numbers >= 0, not '-1'"),
])
def test_a_negative_number_reaches_its_option(capsys: pytest.CaptureFixture[str],
                                              args: list[str], said: str) -> None:
    """argparse read ``--weights -1,2`` as two options ("expected one argument")."""
    code, _, err = call(capsys, *args)
    assert code == 2 and said in err and "expected one argument" not in err


@pytest.mark.parametrize(("name", "text"), [
    ("bom.txt", "\ufeffpactsim: 2\nid: x\n"),
    ("quoted.txt", '"pactsim": 2\nid: x\n'),
    ("as.json", '{"pactsim": 2, "id": "x"}\n'),
    ("res.txt", "'resolutions': 1\nscenario: x\n"),
])
def test_out_knows_a_scenario_however_it_is_written(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, text: str) -> None:
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    code, _, err = call(capsys, "run", FLAT, "-n", "500", "-o", target)
    assert code == 2 and "never writes over one" in err
    assert target.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("name", ["out.yaml", "out.YML", "notes.py", "a.ipynb"])
def test_out_never_names_a_file_of_a_person(capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path, name: str) -> None:
    """Written once, a .yaml output would be refused the next time as a person's file."""
    code, _, err = call(capsys, "run", FLAT, "-n", "500", "-o", tmp_path / name)
    assert code == 2 and "which pactsim never writes" in err
    assert list(tmp_path.iterdir()) == []


def test_a_run_to_a_target_says_nothing_of_its_pace(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cap n is not what a run to --target-se draws: no estimate from it."""
    from pactsim import _progress
    from pactsim import montecarlo as mc

    ticks = iter(range(0, 10**6, 10))
    monkeypatch.setattr(mc, "_clock", lambda: float(next(ticks)))
    said: list[str] = []
    monkeypatch.setattr(_progress, "long_run_note", said.append)
    pactsim.simulate(pactsim.load(FLAT), n=3_000_000, seed=1, keep_draws=False,
                     progress=False, target_se=0.05)
    assert said == []


def test_report_compare_with_a_question_only_the_new_file_has(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """-q chooses the question of 'What changed' only when A can ask it too."""
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(FLAT.read_text())
    b.write_text(FLAT.read_text().replace("questions:\n", "questions:\n  qb: a and b\n", 1))
    page = tmp_path / "r.html"
    code, _, err = call(capsys, "report", b, "--compare", a, "-q", "qb", "-n", "2000",
                        "-o", page)
    assert code == 0, err
    assert "What changed from A" in page.read_text()
    # another question is explained there, and the page and the terminal say so (it did
    # silently; review-cli, 2026-12-04)
    said = f"-q qb is not the question explained here: {a} cannot ask it"
    assert said in err and said in unescape(page.read_text())
    timing = ROOT / "scenarios" / "analytic-timing.yaml"
    ta, tb = tmp_path / "ta.yaml", tmp_path / "tb.yaml"
    ta.write_text(timing.read_text())
    tb.write_text(timing.read_text().replace("p: 0.5", "p: 0.6", 1))
    code, _, err = call(capsys, "report", tb, "--compare", ta, "-q", "signing.median", "-n",
                        "2000", "-o", page)
    assert code == 0, err
    said = "-q signing.median is not the question explained here: a date's median is not " \
           "attributed to edits"
    assert said in err and said in unescape(page.read_text())
    code, _, err = call(capsys, "report", b, "--compare", a, "-q", "a and b", "-n",
                        "2000", "-o", page)  # one A can ask: no note
    assert code == 0 and "is not the question explained" not in err + page.read_text()


def test_a_refusal_says_what_raising_max_table_costs_and_the_command_line_drops_it() -> None:
    from pactsim.cli import _cli_words
    from pactsim.inference.factors import too_wide, too_wide_in_all

    big = too_wide(400_000_000, ["a.date", "b.date", "c"], 10_000_000, "of question 'q'")
    assert str(big).endswith("or raise max_table (to 400,000,000 or more: 3.0 GiB for that "
                             "table alone, and the time grows with it)")
    assert str(too_wide(20_000, ["a"], 1_000, "of question 'q'")).endswith("raise max_table")
    assert "(to 100,000,000 or more: 3.0 GiB for the tables in all" in str(
        too_wide_in_all(400_000_000, "tables", 10_000_000, 9))
    # rounded up: 4 x 100,000,000 would still be refused for 400,000,001 entries
    assert "(to 100,000,001 or more" in str(too_wide_in_all(400_000_001, "t", 10_000_000, 9))
    for err in (big, too_wide_in_all(400_000_000, "tables", 10_000_000, 9)):
        said = _cli_words(f"x.yaml:3:3: questions.q: {err} [exact-skipped]")
        assert "max_table" not in said and "GiB" not in said and "MiB" not in said, said
        assert said.endswith(("; simplify the scenario [exact-skipped]",
                              "; simplify the scenario or the question [exact-skipped]")), said
