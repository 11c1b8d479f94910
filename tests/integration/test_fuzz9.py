"""What the hostile-input review of 2026-12-01 (round 9) found, each as a test."""

from __future__ import annotations

from pathlib import Path

import pytest

import pactsim
from helpers import call

ROOT = Path(__file__).resolve().parents[2]


def _readme_block(start: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text[text.index(start):]
    return block[:block.index("```")]


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """The README's attributes-demo file (format 3), with a resolution file."""
    path = tmp_path / "demo.yaml"
    path.write_text(_readme_block("pactsim: 3\nid: attributes-demo"), encoding="utf-8")
    (tmp_path / "demo.res.yaml").write_text(
        "resolutions: 1\nscenario: attributes-demo\nsources: {s: a wire}\noutcomes:\n"
        "  signing: {outcome: 2024-12-20, resolved: 2024-12-20, source: s}\n"
        "  military: {outcome: true, resolved: 2024-12-20, source: s}\n"
        "  long_text: {outcome: false, resolved: 2024-12-20, source: s}\n", encoding="utf-8")
    return path


def test_a_file_with_numeric_attributes_is_scored_pooled_and_reported(
        demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A question over an attribute (long_text: n_articles >= 40) was refused by score,
    pool and report -q/-r as an "unknown name"."""
    res = tmp_path / "demo.res.yaml"
    code, out, err = call(capsys, "score", demo, "-r", res)
    assert code == 0, err
    # by exact inference: P(long_text) is P(signed) x P(lognormal median 40 rounds >= 40)
    ex = pactsim.exact(pactsim.load(demo))
    line = next(x for x in out.splitlines() if x.startswith("long_text"))
    assert float(line.split()[1]) == pytest.approx(ex.prob("long_text").value, abs=5e-4)
    copy = tmp_path / "demo2.yaml"
    copy.write_text(demo.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = call(capsys, "pool", demo, copy)
    assert code == 0 and "long_text" in out, err
    code, _, err = call(capsys, "report", demo, "-q", "long_text", "-r", res, "-n", "2000",
                        "--seed", "1", "-o", tmp_path / "demo.html")
    assert code == 0, err


MIN_A = """\
pactsim: 2
id: m
as_of: 2025-01-01
horizon: 2025-12-31
signing: {by: {2025-12-31: 0.6}}
events:
  e0: {p: 0.5}
  e1: {p: 0.5}
  e2: {p: 0.5}
  e3: {p: 0.5}
  e4: {p: 0.5}
  e5: {p: 0.5}
  e6: {p: 0.5}
questions:
  q: signing and e0
"""
#: A year more, a point on the new horizon (which needs it: the two are merged into one
#: edit), and seven p raised: 9 leaf edits, grouped to 8.
MIN_B = (MIN_A.replace("horizon: 2025-12-31", "horizon: 2026-12-31")
         .replace("{2025-12-31: 0.6}", "{2025-12-31: 0.6, 2026-12-31: 0.8}")
         .replace("p: 0.5", "p: 0.6"))


def test_diff_of_nine_edits_grouped_to_eight_is_attributed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """More than 8 edits take the sampled Shapley values; grouping then left 8, and the
    exact branch read values never computed (KeyError, exit 4)."""
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(MIN_A, encoding="utf-8")
    b.write_text(MIN_B, encoding="utf-8")
    code, out, err = call(capsys, "diff", a, b)
    assert "Edits (8):" in out
    assert code == 0, err
    d = pactsim.diff(pactsim.load(a), pactsim.load(b))
    att = d.attribution.set_index("edit")
    # by hand: q = signing and e0 goes from 0.6 x 0.5 to 0.8 x 0.6; the Shapley values of
    # s e are 0.2 (0.5 + 0.6) / 2 = 0.11 and 0.1 (0.6 + 0.8) / 2 = 0.07, e1..e6 nothing
    assert d.totals.change.iloc[0] == pytest.approx(0.18, abs=1e-12)
    assert att.shapley.sum() == pytest.approx(0.18, abs=1e-12)
    # grouped to 8 edits, every order is taken: the exact Shapley values
    assert d.totals.shapley.iloc[0] == "exact"
    assert att.loc["horizon + signing.by.2026-12-31"].shapley == pytest.approx(0.11, abs=1e-12)
    assert att.loc["e0.p"].shapley == pytest.approx(0.07, abs=1e-12)
    assert (att.loc[[f"e{i}.p" for i in range(1, 7)]].shapley.abs() < 1e-12).all()


def test_sampled_shapley_keeps_few_per_draw_arrays(monkeypatch: pytest.MonkeyPatch) -> None:
    """By Monte Carlo each variant's value is an array of n draws: the sampled Shapley
    values used to keep one per variant (64 orders x k edits: 2 GB for 40 edits); they
    are now reduced to means a batch at a time."""
    from pactsim.analysis import diff as diff_module

    batches: list[int] = []
    real = diff_module._target_values

    def spy(variants: object, masks: object, target: str, runs: object, use_exact: bool
            ) -> dict[int, object]:
        out = real(variants, masks, target, runs, use_exact)  # type: ignore[arg-type]
        batches.append(len(out))
        return out

    monkeypatch.setattr(diff_module, "_target_values", spy)
    k = 12
    head = "pactsim: 1\nid: w\nas_of: 2025-01-01\nhorizon: 2025-12-31\nevents:\n"
    a = head + "".join(f"  e{i}: {{p: 0.5}}\n" for i in range(k)) + \
        "questions:\n  q: " + " or ".join(f"e{i}" for i in range(k)) + "\n"
    b = a.replace("p: 0.5", "p: 0.6")
    d = pactsim.diff(pactsim.loads(a), pactsim.loads(b), "q", method="mc", n=2_000, seed=1)
    assert d.totals.shapley.iloc[0] == "sampled"
    assert max(batches) <= max(diff_module._MEAN_BATCH, k + 2)  # the first: 0, all, singles
    assert sum(batches) > 3 * k  # many variants, in batches
    att = d.attribution  # the sampled values still sum to the change
    assert att.shapley.sum() == pytest.approx(d.totals.change.iloc[0], abs=1e-12)


DPRK = ROOT / "scenarios" / "backtest" / "russia-dprk-2024.yaml"


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"),
                    reason="file names as bytes")
@pytest.mark.parametrize("command", ["report", "diff", "pool"])
def test_a_file_name_that_is_not_utf8_is_written_escaped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    """r\\xe9union.yaml (Latin-1 bytes) crashed every command that writes the file name
    into a UTF-8 output file (exit 4, after the work)."""
    import os

    name = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"r\xe9union.yaml"))
    Path(name).write_bytes(DPRK.read_bytes())
    out = tmp_path / "out.txt"
    args = {"report": ["report", name, "-n", "1000", "--seed", "1"],
            "diff": ["diff", name, str(DPRK)], "pool": ["pool", name, str(DPRK)]}[command]
    code, _, err = call(capsys, *args, "-o", out)
    assert code == 0, err
    assert "r\\xe9union" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["diff", "pool"])
def test_escapes_in_a_file_name_are_shown_not_obeyed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    evil = tmp_path / "\x1b[2J\x1b]0;PWNED\x07.yaml"
    evil.write_bytes(DPRK.read_bytes())
    code, out, err = call(capsys, command, evil, DPRK)
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b[2J\\x1b]0;PWNED\\x07" in out


POOL = """\
pactsim: 2
id: pp
as_of: 2025-01-01
horizon: {horizon}
signing: {{by: {{{horizon}: 0.6}}}}
events:
  x: {x}
  only_{who}: {{p: 0.5}}
questions:
  q: {q}
  r: {r}
"""


def test_pool_says_what_it_pooled_by_name_only_and_what_it_left_out(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Items that share a name but not a meaning (other horizons, other expressions),
    and names left out, were pooled or dropped without a word."""
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(POOL.format(horizon="2025-12-31", who="a", q="signing.date <= 2025-06-30",
                             r="x", x="{p: 0.2}"), encoding="utf-8")
    b.write_text(POOL.format(horizon="2026-12-31", who="b", q="signing.date <= 2026-06-30",
                             r="not x", x="{after: signing, delay: 30}"), encoding="utf-8")
    pooled = pactsim.pool([a, b])
    assert pooled.notes[:3] == (
        "the files have different horizons (a: 2025-12-31, b: 2026-12-31): signing and other "
        "nodes 'by the horizon' are pooled as one item though each file means its own horizon",
        "pooled by name, though the files define them differently: q (a: signing.date <= "
        "2025-06-30; b: signing.date <= 2026-06-30), r (a: x; b: not x), x (dated in b; not "
        "in a)",
        "not pooled (not a true/false item of every file): only_a (not in b), only_b (not in a)")
    code, out, _ = call(capsys, "pool", a, b)
    assert code == 0 and "Note: pooled by name, though the files define them differently" in out
    code, out, err = call(capsys, "pool", a, tmp_path / "." / "a.yaml", b)
    assert (code, out) == (2, "")
    assert err.startswith("pactsim pool: ") and "are the same file" in err


def test_csv_cells_that_would_start_a_formula_are_text(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A shared file's title =HYPERLINK(...) reached every row of run --csv as a formula
    a spreadsheet would run; such a cell now starts with ', and numbers stay numbers."""
    import csv
    import io

    text = DPRK.read_text(encoding="utf-8")
    start = text.index("\ntitle:") + 1
    end = text.index("\n", start)
    evil = tmp_path / "evil.yaml"
    evil.write_text(text[:start] + 'title: "=HYPERLINK(\\"http://evil\\",\\"x\\")"'
                    + text[end:], encoding="utf-8")
    code, out, err = call(capsys, "run", evil, "--csv", "-n", "1000", "--seed", "1")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["scenario_title"] for r in rows} == {"'=HYPERLINK(\"http://evil\",\"x\")"}
    assert all(float(r["value"]) >= 0 for r in rows if r["value"])  # numbers untouched



def test_a_carriage_return_in_a_text_keeps_the_csv_rows_whole(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A title with a bare carriage return ("\\r" in a quoted YAML string, pasted from an
    export) was written unquoted: every row broke in two for pandas.read_csv (review-cli,
    2026-12-04). It is written as a line break inside quotes."""
    import io

    import pandas as pd

    text = DPRK.read_text(encoding="utf-8")
    start = text.index("\ntitle:") + 1
    end = text.index("\n", start)
    plain = tmp_path / "plain.yaml"
    plain.write_text(text[:start] + 'title: "Russia DPRK treaty"' + text[end:], encoding="utf-8")
    cr = tmp_path / "cr.yaml"
    cr.write_text(text[:start] + 'title: "Russia\\rDPRK\\r\\ntreaty"' + text[end:],
                  encoding="utf-8")
    tables = []
    for path in (plain, cr):
        code, out, err = call(capsys, "run", path, "--csv", "-n", "1000", "--seed", "1")
        assert code == 0, err
        tables.append(pd.read_csv(io.StringIO(out)))
    assert len(tables[1]) == len(tables[0])
    assert set(tables[1].scenario_title) == {"Russia\nDPRK\ntreaty"}
    same = [c for c in tables[0].columns if c != "scenario_title" and "digest" not in c]
    assert tables[1][same].equals(tables[0][same])

@pytest.mark.parametrize("command", ["sensitivity", "score", "diff"])
def test_too_many_draws_to_keep_is_said_in_command_line_words(
        capsys: pytest.CaptureFixture[str], command: str) -> None:
    """-n 1e12 where the command keeps the draws: "use keep_draws=False" is Python, and
    sensitivity blamed the question for it."""
    res = DPRK.with_name("russia-dprk-2024.resolutions.yaml")
    args = {"sensitivity": ["sensitivity", DPRK, "--no-voi"], "diff": ["diff", DPRK, DPRK],
            "score": ["score", DPRK, "-r", res]}[command]
    code, out, err = call(capsys, *args, "--method", "mc", "-n", "1e12")
    assert (code, out) == (2, "")
    assert err.startswith("keeping 1,000,000,000,000 draws would take about ")
    assert err.rstrip().endswith("; give a smaller -n (this command keeps the draws)")
    assert "keep_draws" not in err and "question" not in err


def test_an_oversized_file_is_said_over_the_limit_when_its_size_is_unknown(
        tmp_path: Path) -> None:
    """A file read only to one byte past the limit (its size unknown to the system, as
    /proc/kallsyms) was said to be 500,001 bytes."""
    from pactsim.errors import ScenarioError
    from pactsim.language.io import MAX_BYTES

    big = tmp_path / "big.yaml"
    big.write_text("#" * (MAX_BYTES + 99_999), encoding="utf-8")
    with pytest.raises(ScenarioError, match=f"the file is {MAX_BYTES + 99_999:,} bytes;"):
        pactsim.load(big)
    just = tmp_path / "just.yaml"
    just.write_text("#" * (MAX_BYTES + 1), encoding="utf-8")
    with pytest.raises(ScenarioError, match=f"the file is over {MAX_BYTES:,} bytes;"):
        pactsim.load(just)


def test_a_version_made_after_every_outcome_is_named_not_blamed(tmp_path: Path) -> None:
    """A version of the backtest as of 2024-07-15 (after the signing on 2024-06-19) was
    left out silently, and its model's "no signing before as_of" was reported as the
    outcome being impossible, under the id alone."""
    from pactsim.analysis.scoring import score

    late = tmp_path / "late.yaml"
    late.write_text(DPRK.read_text(encoding="utf-8").replace("as_of: 2024-06-01",
                                                            "as_of: 2024-07-15"),
                    encoding="utf-8")
    card = score([DPRK, late], DPRK.with_name("russia-dprk-2024.resolutions.yaml"))
    assert not [n for n in card.notes if "cannot happen" in n or "cannot both" in n]
    assert ("russia-dprk-2024 as of 2024-07-15: not scored, every outcome had happened or "
            "resolved by then (a forecast made knowing them)") in card.notes
    assert set(card.items.as_of.astype(str)) == {"2024-06-01"}


def test_too_many_findings_are_refused_before_they_are_read(
        capsys: pytest.CaptureFixture[str]) -> None:
    """20,000 --evidence options took 12 s to refuse (argparse reads options in quadratic
    time); the count is now checked first, against the API's own limit."""
    from pactsim.cli import _MAX_FINDINGS_ARGS
    from pactsim.language.evidence import MAX_FINDINGS

    assert _MAX_FINDINGS_ARGS == MAX_FINDINGS
    small = ROOT / "scenarios" / "analytic-independent.yaml"
    code, out, err = call(capsys, "run", small, *["--evidence", "a"] * 1_001,
                          *["--soft=a:2"] * 5)
    assert (code, out) == (2, "")
    assert err.strip() == "evidence: 1,006 findings; at most 1,000"


def test_a_forecast_or_resolution_file_given_as_a_scenario_is_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """run's JSON given back as a scenario got a line per missing field (it has sections
    such as questions), and so did a resolution file given to run."""
    small = ROOT / "scenarios" / "analytic-independent.yaml"
    out = tmp_path / "f.json"
    assert call(capsys, "run", small, "--json", "-n", "1000", "-o", out)[0] == 0
    code, _, err = call(capsys, "run", out)
    assert code == 2 and err.count("\n") == 1
    assert "not a scenario: a forecast written by `pactsim run --format json`" in err
    assert "(id 'analytic-independent')" in err
    code, _, err = call(capsys, "run", DPRK.with_name("russia-dprk-2024.resolutions.yaml"))
    assert code == 2 and err.count("\n") == 1 and "not a scenario: a resolution file" in err


@pytest.mark.parametrize(("body", "said"), [
    ("events:\n  s\u0430nctions: {p: 0.5}\n",
     "it holds '\u0430' (U+0430 CYRILLIC SMALL LETTER A), not an ASCII letter: retype it"),
    ("events:\n  cafe\u0301: {p: 0.5}\n",
     "it holds '\u0301' (U+0301 COMBINING ACUTE ACCENT), not an ASCII letter"),
    ("events:\n  a: {p: 0.5}\nquestions:\n  q: \u0430\n",
     "unexpected character '\u0430' (U+0430 CYRILLIC SMALL LETTER A, not ASCII)"),
])
def test_a_look_alike_letter_is_named(body: str, said: str) -> None:
    """A Cyrillic a looks like a Latin one: the message said the name was not snake_case
    (or suggested the same-looking word) without saying which character is wrong."""
    from pactsim.errors import ScenarioError

    head = "pactsim: 1\nid: t\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(head + body)
    assert said in str(err.value)


@pytest.mark.parametrize(("char", "name"), [("\u2028", "LINE SEPARATOR"),
                                            ("\u2029", "PARAGRAPH SEPARATOR"),
                                            ("\x85", "NEXT LINE")])
def test_a_line_separator_is_named_at_its_place(char: str, name: str) -> None:
    """U+2028 in a comment read as a line break: "this line is indented 8 spaces"."""
    from pactsim.errors import ScenarioError

    text = f"pactsim: 1\n# Paris{char}Berlin\nid: t\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(text, name="ls.yaml")
    (problem,) = err.value.problems
    assert (problem.line, problem.column) == (2, 8)
    assert problem.message.startswith(f"character U+{ord(char):04X} ({name}) here: YAML reads "
                                      "it as a line break")


@pytest.mark.parametrize("command", ["sensitivity", "diff"])
def test_a_long_expression_is_not_echoed_whole(capsys: pytest.CaptureFixture[str],
                                               command: str) -> None:
    """A 12,500-character -q was quoted almost whole in its error (13 kB of stderr)."""
    small = ROOT / "scenarios" / "analytic-independent.yaml"
    q = " or ".join(["a"] * 2500) + " and nosuch"
    args = [small] if command == "sensitivity" else [small, small]
    code, out, err = call(capsys, command, *args, "-q", q)
    assert (code, out) == (2, "")
    assert len(err) < 2_100 and "characters left out" in err
    assert "split it into several questions" in err  # the end, with its advice, is kept


def test_history_of_a_file_without_questions_says_so(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "nq.yaml"
    path.write_text("pactsim: 1\nid: nq\nas_of: 2025-01-01\nhorizon: 2025-12-31\n",
                    encoding="utf-8")
    code, out, _ = call(capsys, "history", path)
    assert code == 0
    assert out == ("Forecast history of nq: no true/false question to follow (the file asks "
                   "none); name the questions to follow\n")


def test_a_huge_k_is_said_to_be_too_large() -> None:
    from pactsim.errors import ScenarioError

    head = "pactsim: 1\nid: t\nas_of: 2025-01-01\nhorizon: 2025-12-31\nevents:\n  a: {p: 0.5}\n"
    with pytest.raises(ScenarioError, match=r"at_least\(\): k = 99999999999999999999… is "
                                            "larger than any number of arguments"):
        pactsim.loads(head + "questions:\n  q: at_least(99999999999999999999999, a)\n")


@pytest.mark.parametrize("char", ["\u2028", "\x85"])
def test_a_line_separator_inside_a_value_still_loads(char: str) -> None:
    """Refusing them everywhere refused files that loaded (text pasted from the web)."""
    text = ("pactsim: 1\nid: x\nas_of: 2025-01-01\nhorizon: 2025-12-31\nevents:\n"
            f'  e1: {{p: 0.3, why: "pasted from a web page{char}second line"}}\n'
            f"  e2: {{p: 0.3, why: plain{char}text}}\n")
    sc = pactsim.loads(text)
    assert sc.nodes["e1"].spec.why.startswith("pasted from a web page")


def test_abbreviated_evidence_options_are_counted_too(capsys: pytest.CaptureFixture[str]) -> None:
    small = ROOT / "scenarios" / "analytic-independent.yaml"
    code, _, err = call(capsys, "run", small, *["--evid", "a"] * 1_001)
    assert code == 2 and err.strip() == "evidence: 1,001 findings; at most 1,000"


def test_a_spread_point_stays_inside_its_band(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A Monte Carlo forecast of 1,000 draws (29.3%) as the point of a band 25-28% read
    "29% (80% band 25–28%)": outside its own band the draws' mean is shown instead."""
    import re

    path = tmp_path / "spread.yaml"
    path.write_text("pactsim: 1\nid: s\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                    "events:\n  e: {p: {between: [0.25, 0.28]}}\nquestions:\n  q: e\n",
                    encoding="utf-8")
    for seed in range(1, 8):
        code, out, _ = call(capsys, "run", path, "--method", "mc", "-n", "1000", "--seed",
                            str(seed), "--spread", "200")
        assert code == 0
        m = re.search(r"^  q: (\d+)% \(80% band (\d+)–(\d+)% over", out, flags=re.M)
        assert m is not None, out
        point, lo, hi = (int(g) for g in m.groups())
        assert lo <= point <= hi, (seed, point, lo, hi)


NEWS = """\
pactsim: 2
id: news
as_of: 2025-01-01
horizon: 2025-12-31
signing: {by: {2025-12-31: 0.6}}
events:
  e1: {p: 0.5}
questions:
  q: e1
observations:
  - {date: 2025-01-25, source: s, evidence: e1}
  - {date: 2025-01-26, source: s, evidence: not e1}
"""


@pytest.mark.parametrize("command", ["run", "score", "history", "check"])
def test_news_that_cannot_all_hold_is_located_at_the_entry_that_broke_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    """run pointed at the first entry (fine on its own), check and history at the second,
    and score named no file at all."""
    path = tmp_path / "news.yaml"
    path.write_text(NEWS, encoding="utf-8")
    res = tmp_path / "news.res.yaml"
    res.write_text("resolutions: 1\nscenario: news\nsources: {s: a wire}\noutcomes:\n"
                   "  q: {outcome: false, resolved: 2025-06-01, source: s}\n", encoding="utf-8")
    args = {"run": ["run", path], "history": ["history", path], "check": ["check", path],
            "score": ["score", path, "-r", res]}[command]
    code, out, err = call(capsys, *args)
    text = out if command == "check" else err
    assert code == (1 if command == "check" else 2)
    assert f"{path}:12:" in text and "observations[1].evidence" in text, text
