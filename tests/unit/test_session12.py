"""Fixes of the twelfth session, each with a test that fails without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import call

FLAGSHIP = Path(__file__).resolve().parents[2] / "scenarios" / "iran-russia-2024.yaml"


def test_a_stray_question_gets_the_commands_usage_and_the_q_hint(
        capsys: pytest.CaptureFixture[str]) -> None:
    """`pactsim sensitivity FILE QUESTION` (the question without -q) was refused with the
    top-level usage, which does not show the command's options."""
    code, out, err = call(capsys, "sensitivity", FLAGSHIP, "in_force_by_2025")
    assert code == 2 and out == ""
    assert err.startswith("usage: pactsim sensitivity")
    assert "pactsim sensitivity: error: unrecognized arguments: in_force_by_2025" in err
    assert "-q in_force_by_2025" in err


def test_a_stray_argument_of_a_command_without_q_gets_no_q_hint(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = call(capsys, "run", FLAGSHIP, "other.yaml")
    assert code == 2
    assert "pactsim run: error: unrecognized arguments: other.yaml" in err
    assert "-q" not in err.splitlines()[-1]
    code, _, err = call(capsys, "sensitivity", FLAGSHIP, "--bogus")
    assert code == 2 and "unrecognized arguments: --bogus" in err
    assert "a question is given" not in err


NEWS = """pactsim: 2
id: news-bad
as_of: 2025-01-01
horizon: 2025-12-31
events:
  a: {p: 0.5}
  b: {p: 0.5, requires: [a]}
observations:
  - date: 2025-02-01
    evidence: a
    source: a report
  - date: 2025-03-01
    evidence: b and not a
    source: a second report
"""


def test_validate_reports_news_that_run_refuses(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """`validate` said "ok" for a file whose news cannot all hold, which `run` refuses:
    it now says so, at the first entry of the day the news became impossible."""
    f = tmp_path / "news.yaml"
    f.write_text(NEWS)
    code, _, _ = call(capsys, "run", f, "-n", "1000")
    assert code == 2  # the premise: run refuses it
    code, out, err = call(capsys, "validate", f)
    assert code == 2 and out == ""
    assert err.startswith(f"{f}:13:5: observations[1].evidence: the news to 2025-03-01 "
                          "cannot all hold")
    assert err.rstrip().endswith("run and report refuse such a file")
    good = tmp_path / "good.yaml"
    good.write_text(NEWS.replace("b and not a", "b"))
    code, out, _ = call(capsys, "validate", good)
    assert code == 0 and out == f"{good}: ok\n"


@pytest.mark.parametrize(("option", "value", "shown"), [
    ("--evidence", "militray", "--evidence = 'militray', column 1: unknown name 'militray'"),
    ("--soft", "militray:2", "--soft = 'militray', column 1: unknown name 'militray'"),
])
def test_a_bad_evidence_option_is_named_as_the_option(
        option: str, value: str, shown: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`run --soft 'x:2'` with an unknown name was refused as `evidence = 'x'` (the Python
    argument's name), which the shell user never wrote."""
    code, out, err = call(capsys, "run", FLAGSHIP, "-n", "1000", option, value)
    assert code == 2 and out == ""
    assert err.startswith(shown) and "did you mean 'military'" in err


@pytest.mark.parametrize(("a", "b"), [(2.0, 6.0), (0.5, 0.5), (2.79, 13.05), (300.0, 2.0),
                                      (1e-3, 5.0), (23.0, 1.6e201), (1.6e201, 23.0)])
def test_spread_beta_quantiles_are_scipy_stats(a: float, b: float) -> None:
    """The spread's Beta quantiles come from scipy.special (scipy.stats took 0.4 s to import
    in every `pactsim run`): the same numbers as scipy.stats' beta.ppf, and where that gives
    NaN (extreme parameters) its Gamma limit, as before."""
    import numpy as np
    from scipy import stats

    from pactsim.analysis.spread import _beta_ppf

    u = np.random.default_rng(3).random(2000)
    got = _beta_ppf(u, a, b)
    want = stats.beta.ppf(u, a, b)
    limit = (stats.gamma.ppf(u, a) / b if b >= a else 1.0 - stats.gamma.ppf(1.0 - u, b) / a)
    want = np.clip(np.where(np.isfinite(want), want, limit), 0.0, 1.0)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)
