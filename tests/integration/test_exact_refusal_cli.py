"""What a command-line user reads when exact inference refuses a scenario: the reason
(naming the nodes), and with ``--method exact`` how to get an answer anyway;
``--method auto`` answers by Monte Carlo, and ``check`` notes the skipped checks
without an empty field."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import call

# two anchors, each timed by its own curve: exact inference refuses the milestone
FILE = """\
pactsim: 2
id: twocurves
as_of: 2025-01-01
horizon: 2025-12-31
events:
  a: {by: {2025-06-30: 0.5}}
  b: {by: {2025-06-30: 0.5}}
  m: {after: {all: [a, b]}, delay: 30}
"""


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "twocurves.yaml"
    p.write_text(FILE, encoding="utf-8")
    return p


def test_method_exact_says_why_and_what_to_use(capsys: pytest.CaptureFixture[str],
                                               path: Path) -> None:
    code, out, err = call(capsys, "history", path, "-q", "m", "--method", "exact")
    assert (code, out) == (2, "")
    assert "'m' follows 'a', 'b', each timed by its own curve" in err
    assert "--method auto, the default, answers by Monte Carlo" in err
    assert err.count("\n") == 1  # one line


def test_method_auto_answers_by_monte_carlo(capsys: pytest.CaptureFixture[str],
                                            path: Path) -> None:
    code, out, err = call(capsys, "history", path, "-q", "m")
    assert code == 0 and "--method auto" not in err  # the hint is for --method exact only
    # by hand: m happens when both a and b do (0.5 each, independent), and 30 days after
    # the later of them (by 2025-06-30) is before the horizon: P(m) = 0.25
    assert "Monte Carlo" in out
    row = next(line for line in out.splitlines() if line.split()[:1] == ["m"])
    # 200,000 draws: standard error 0.097 points; within 4 of them
    assert abs(float(row.split()[1].rstrip("%")) - 25.0) <= 4 * 0.097


def test_check_notes_the_skip_for_the_whole_file(capsys: pytest.CaptureFixture[str],
                                                 path: Path) -> None:
    code, out, _ = call(capsys, "check", path)
    assert code == 0  # a skipped check is a note
    line, = out.splitlines()
    assert line.startswith(f"{path}:1:1: exact checks skipped: exact inference handles")
    assert line.endswith("[exact-skipped]") and ": :" not in line


def test_too_wide_over_several_dates_says_why(tmp_path: Path) -> None:
    """Three conditions over pairs of three dates put the three day variables of a
    two-year horizon (730 states each) in one table: 730**3 entries, named, with why."""
    import pactsim
    from pactsim.errors import ModelTooWideError

    text = ("pactsim: 2\nid: wide\nas_of: 2026-01-01\nhorizon: 2027-12-31\nevents:\n"
            "  a: {by: {2026-06-30: 0.5}}\n  b: {by: {2026-06-30: 0.5}}\n"
            "  c: {by: {2026-06-30: 0.5}}\n"
            "  x: {given: [a.date < b.date], table: {true: 0.8, false: 0.1}}\n"
            "  y: {given: [b.date < c.date], table: {true: 0.8, false: 0.1}}\n"
            "  z: {given: [a.date < c.date], table: {true: 0.8, false: 0.1}}\n")
    with pytest.raises(ModelTooWideError) as err:
        pactsim.exact(pactsim.loads(text))
    states = (pactsim.loads(text).horizon - pactsim.loads(text).as_of).days + 1
    assert f"needs a table of {states ** 3:,} entries over 3 variables (a.date, b.date, " \
           "c.date)" in str(err.value)
    assert "(each of the 3 dates has a state per day from as_of to the horizon; a nearer " \
           "horizon also helps)" in str(err.value)


def test_run_method_exact_refused_says_why_and_auto_answers_by_monte_carlo(
        capsys: pytest.CaptureFixture[str], path: Path) -> None:
    code, out, err = call(capsys, "run", path, "--method", "exact")
    assert (code, out) == (2, "")
    assert "each timed by its own curve" in err and "--method auto answers by Monte " \
        "Carlo" in err and "--method mc, the default, always does" in err
    code, out, err = call(capsys, "run", path, "--method", "auto", "-n", "200000",
                          "--seed", "5")
    assert code == 0 and "pactsim: note: exact inference does not answer" in err
    assert "n = 200,000 draws" in out
    # P(m) = 0.25 by hand (above); 200,000 draws: se 0.097 points, within 4 of them plus
    # the printed rounding
    row = next(line for line in out.splitlines() if line.split()[:1] == ["m"])
    assert abs(float(row.split()[1].rstrip("%")) - 25.0) <= 4 * 0.097 + 0.05


RESOLUTIONS = """\
resolutions: 1
scenario: twocurves
recorded: 2026-01-01
sources:
  s: "a source"
outcomes:
  m: {outcome: 2025-08-15, resolved: 2025-08-15, source: s}
"""


@pytest.mark.parametrize("command", ["run", "history", "sensitivity", "diff", "score"])
def test_method_exact_refusal_names_the_file_and_no_python(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, path: Path, command: str) -> None:
    """The command line names the file refused (of several, the one; for score, by the
    scenario's id) and gives no Python advice (pactsim.simulate, max_table)."""
    other = tmp_path / "fine.yaml"
    other.write_text(FILE.replace("all: [a, b]", "all: [a]").replace("id: twocurves", "id: one"),
                     encoding="utf-8")
    res = tmp_path / "twocurves.res.yaml"
    res.write_text(RESOLUTIONS, encoding="utf-8")
    other_res = tmp_path / "one.res.yaml"
    other_res.write_text(RESOLUTIONS.replace("scenario: twocurves", "scenario: one"),
                         encoding="utf-8")
    args = {"run": ["run", path], "history": ["history", path],
            "sensitivity": ["sensitivity", path, "-q", "m"],
            "diff": ["diff", other, path],  # B is refused, A is not
            "score": ["score", other, path, "-r", res, other_res]}[command]
    code, out, err = call(capsys, *args, "--method", "exact")
    assert (code, out) == (2, "")
    assert err.startswith(f"{path}: exact inference handles a milestone"), err
    assert "pactsim.simulate" not in err and "max_table" not in err
    assert "'m' follows 'a', 'b', each timed by its own curve" in err


def test_too_wide_says_the_limit_in_the_command_line_words(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A model too wide for exact inference: the limit as a number, and the count of
    dates left without the condition over them (it was counted as a third date)."""
    wide = tmp_path / "wide.yaml"
    wide.write_text("pactsim: 2\nid: wide\nas_of: 2025-01-01\nhorizon: 2045-12-31\nevents:\n"
                    "  a: {by: {2035-06-30: 0.4}}\n  b: {by: {2035-06-30: 0.3}}\n"
                    "  c: {given: [a.date < b.date], table: {true: 0.5, false: 0.1}}\n",
                    encoding="utf-8")
    code, out, err = call(capsys, "run", wide, "--method", "exact")
    assert (code, out) == (2, "")
    assert err.startswith(f"{wide}: exact inference of the condition 'a.date < b.date' needs")
    assert "above the limit of 16,777,216 (each of the 2 dates has a state per day" in err
    assert "simplify the scenario or the question (here: --method auto" in err
    assert "pactsim.simulate" not in err and "max_table" not in err


@pytest.mark.parametrize("command", ["history", "sensitivity", "diff", "score"])
def test_method_exact_refuses_monte_carlo_options(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str) -> None:
    """As ``run`` does: ``-n`` and ``--seed`` with ``--method exact`` would go unused."""
    flagship = Path(__file__).resolve().parents[2] / "scenarios" / "backtest"
    sc, res = flagship / "russia-dprk-2024.yaml", flagship / "russia-dprk-2024.resolutions.yaml"
    args = {"history": ["history", sc], "sensitivity": ["sensitivity", sc, "-q", "signing"],
            "diff": ["diff", sc, sc], "score": ["score", sc, "-r", res]}[command]
    code, out, err = call(capsys, *args, "--method", "exact", "-n", "500", "--seed", "5")
    assert (code, out) == (2, "")
    assert "-n, --seed are for Monte Carlo; --method exact draws nothing" in err


def test_run_warns_when_the_evidence_leaves_few_draws(capsys: pytest.CaptureFixture[str],
                                                      path: Path) -> None:
    """Rare evidence: the weights fall on a handful of draws, and stderr says so."""
    code, out, err = call(capsys, "run", path, "--evidence",
                          "m.date == 2025-07-15 or b.date == 2025-12-31", "-n", "2000",
                          "--seed", "1", "--spread", "0")
    assert code == 0 and out
    assert "warning: under the evidence, the numbers rest on an effective sample size" in err
    code, out, err = call(capsys, "run", path, "--evidence", "a", "-n", "2000", "--seed", "1",
                          "--spread", "0")
    assert code == 0 and "effective sample size" not in err  # half the draws: no warning


def test_refusals_name_the_version_and_the_side_refused(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """score with two versions of one id named the last file; diff named no side when a
    question (not the model) was refused; and "needs Monte Carlo (Monte Carlo)"."""
    text = ("pactsim: 1\nid: d\nas_of: {as_of}\nhorizon: 2025-12-31\n"
            "drivers:\n  x: {{dist: normal, mean: 0, sd: 1}}\n  y: {{dist: normal, mean: 0, "
            "sd: 1}}\nevents:\n  a: {{p: 0.5, odds: {{x: 1.2, y: 1.2}}}}\n"
            "questions:\n  q: {q}\n")
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(text.format(as_of="2025-01-01", q="x > y"), encoding="utf-8")
    new.write_text(text.format(as_of="2025-02-01", q="x > 0.3"), encoding="utf-8")
    res = tmp_path / "d.res.yaml"
    res.write_text("resolutions: 1\nscenario: d\nsources: {s: a wire}\noutcomes:\n"
                   "  q: {outcome: true, resolved: 2025-06-01, source: s}\n", encoding="utf-8")
    for order in ([old, new], [new, old]):
        code, _, err = call(capsys, "score", *order, "-r", res, "--method", "exact")
        assert code == 2 and err.startswith(f"{old}: question 'q': exact inference compares "
                                            "a driver"), err
    code, _, err = call(capsys, "diff", new, old, "-q", "q", "--method", "exact")
    assert code == 2 and err.startswith(f"{old}: question 'q': exact inference compares a "
                                        "driver"), err
    assert "(Monte Carlo)" not in err and "needs Monte Carlo (here:" in err
