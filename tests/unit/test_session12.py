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
    # a command that takes -q, given a third file: no hint to pass the file as a question
    code, _, err = call(capsys, "diff", FLAGSHIP, FLAGSHIP, "other.yaml")
    assert code == 2 and err.splitlines()[-1] == (
        "pactsim diff: error: unrecognized arguments: other.yaml")
    code, _, err = call(capsys, "sensitivity", FLAGSHIP, "--bogus")
    assert code == 2 and "unrecognized arguments: --bogus" in err
    assert "a question is given" not in err
    code, _, err = call(capsys, "--bogus", "run", FLAGSHIP)  # before the command: top level's
    assert code == 2 and err.splitlines()[-1] == "pactsim: error: unrecognized arguments: --bogus"


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


RESOLVED = """resolutions: 1
scenario: demo
sources: {s: a paper}
outcomes:
  signing: {outcome: 2024-03-01, resolved: 2024-03-01, source: s}
  rain: {outcome: true, resolved: 2024-02-01, source: s}
  jets: {outcome: true, given: GIVEN, resolved: 2024-03-01, source: s}
"""
DEMO = """pactsim: 1
id: demo
as_of: 2024-01-01
horizon: 2024-12-31
signing: {by: {2024-12-31: 0.5}}
events:
  rain: {p: 0.3}
pillars:
  military:
    p: 0.8
    clauses:
      jets: {p: 0.2}
"""


@pytest.mark.parametrize(("given", "void"), [
    ("not signing", True), ("'signing.date <= 2024-02-01'", True), ("not rain", True),
    ("signing and not rain", True), ("signing or not rain", False),
    ("'signing.date <= 2024-06-30'", False), ("signing and rain", False),
    ("military", None),  # not resolved in the file: scored as before
])
def test_a_given_the_files_own_outcomes_make_false_voids_the_item(
        given: str, void: bool | None, tmp_path: Path) -> None:
    """A `given:` written as an expression was never checked against the file's outcomes:
    `given: not signing` with the signing resolved was scored (p 0, log score inf). Only a
    bare name that resolved false was refused."""
    import pactsim
    from pactsim.errors import ScenarioError
    from pactsim.language.resolutions import loads_resolutions

    sc = pactsim.loads(DEMO)
    text = RESOLVED.replace("GIVEN", given)
    if void:
        with pytest.raises(ScenarioError) as err:
            loads_resolutions(text, scenario=sc)
        assert "outcomes.jets.given" in str(err.value)
        assert "is false on this file's outcomes" in str(err.value)
        assert "the item is void" in str(err.value)
    else:
        assert loads_resolutions(text, scenario=sc).outcomes["jets"].given == given.strip("'")


def test_suggestions_find_a_name_cut_short_and_two_letters_off_in_large_sets() -> None:
    """'signed_by_mar' got no "did you mean" among the 30-odd names of a resolution file
    (the index of one-letter deletions misses two missing letters); 'explicit' none for
    the outcome 'explicit_guarantee'."""
    from pactsim.errors import Suggestions

    many = Suggestions(["signed_by_march", "signed_by_june", *(f"node_{i}" for i in range(40))])
    assert many("signed_by_mar") == "; did you mean 'signed_by_march'?"
    assert Suggestions(["explicit_guarantee", "general", "none"])("explicit") == \
        "; did you mean 'explicit_guarantee'?"
    # two candidates begin with it: no guess; too short a stem: no guess
    assert Suggestions(["signed_by_march", "signed_by_june", "x"])("signed_by") == ""
    assert Suggestions(["explicit_guarantee", "general"])("exp") == ""


def test_signing_quantiles_take_band_as_date_quantiles_do() -> None:
    """`signing_quantiles(band=True)` raised TypeError, though the README says the signing's
    functions are those of the node `signing` and `date_quantiles` takes `band=`."""
    import pactsim

    sc = pactsim.load(FLAGSHIP)
    res = pactsim.simulate(sc, n=20_000, seed=1)
    ex = pactsim.exact(sc)
    for r in (res, ex, pactsim.exact(sc, evidence="military")):
        got = r.signing_quantiles((0.25, 0.5), band=True)
        want = r.date_quantiles("signing", (0.25, 0.5), band=True)
        assert list(got.columns) == ["date", "lo", "hi"] and got.equals(want)
        assert (got["date"] == r.signing_quantiles((0.25, 0.5))).all()


def test_sensitivity_ranges_are_checked_as_ranges() -> None:
    """A bad end of `ranges=` was blamed on `with_changes`, which the user never called; a
    reversed pair was swung as given (low 0.8, high 0.2)."""
    import pactsim
    from pactsim.errors import ArgumentError

    sc = pactsim.load(FLAGSHIP)
    with pytest.raises(ArgumentError, match=r"ranges\['us_trump_win.p'\]: the high end 1.5 "
                                            r"cannot be set: must be in \[0, 1\]"):
        pactsim.sensitivity(sc, "signed_by_2024", ranges={"us_trump_win.p": (0.2, 1.5)})
    with pytest.raises(ArgumentError, match=r"the low end is above the high end; "
                                            r"write \(0.2, 0.8\)"):
        pactsim.sensitivity(sc, "signed_by_2024", ranges={"us_trump_win.p": (0.8, 0.2)})
    s = pactsim.sensitivity(sc, "signed_by_2024", ranges={"us_trump_win.p": (0.3, 0.7)},
                            only=["us_trump_win.p"], voi=False)
    row = s.tornado.iloc[0]
    assert (row["low"], row["high"]) == (0.3, 0.7)
    # by hand: P(Q) is linear in P(trump): Q(p) = p Q(trump) + (1 - p) Q(not trump)
    ex = pactsim.exact(sc)
    yes = ex.prob("signed_by_2024", given="us_trump_win").value
    no = ex.prob("signed_by_2024", given="not us_trump_win").value
    assert row["q_low"] == pytest.approx(0.3 * yes + 0.7 * no, abs=1e-9)
    assert row["q_high"] == pytest.approx(0.7 * yes + 0.3 * no, abs=1e-9)


def test_given_says_impossible_evidence_is_impossible_not_raise_n() -> None:
    """`res.given("not signing and military")` said "held in none of the draws ... raise n",
    though no n is enough: the scenario rules it out, as simulate(evidence=) and exact say."""
    import pactsim
    from pactsim.errors import ConditionError

    sc = pactsim.load(FLAGSHIP)
    res = pactsim.simulate(sc, n=5_000, seed=1, keep_draws=True)
    for evidence in ("not signing and military", [pactsim.soft("drones_missiles", 2),
                                                  pactsim.Finding("su35_sale and not training")]):
        with pytest.raises(ConditionError, match="cannot all hold together") as err:
            res.given(evidence)
        assert "raise n" not in str(err.value)
    assert pactsim.exact(sc).prob("su35_sale and not training").value == 0  # the premise
    with pytest.raises(ConditionError, match="no day of 'signing'") as err:  # with what
        res.given("signing").given("not signing")  # the results are already given
    assert "raise n" not in str(err.value)
    rare = "su35_sale and s400_sale and mutual_defence and lng and space and not new_sanctions"
    assert pactsim.exact(sc).prob(rare).value > 0
    with pytest.raises(ConditionError, match="raise n"):  # possible, just rare: more draws
        res.given(rare)


DRIVERS = """pactsim: 2
id: two-drivers
as_of: 2025-01-01
horizon: 2025-12-31
drivers:
  a: {dist: normal, mean: 0, sd: 1}
  b: {dist: normal, mean: 0, sd: 1}
events:
  rain: {p: 0.3, odds: {a: 2}}
questions:
  ahead: a > b
observations:
  - {date: 2025-02-01, source: radio, evidence: rain}
"""


def test_history_says_why_it_is_monte_carlo(capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    """One question exact inference refuses sent the whole history to Monte Carlo with no
    word of why; it now names the question and the reason, and that the others alone are
    exact."""
    import pactsim

    sc = pactsim.loads(DRIVERS)
    with pytest.raises(pactsim.errors.ExactUnsupportedError):
        pactsim.exact(sc).prob("ahead")  # the premise: exact refuses a driver against a driver
    df = pactsim.history(sc, ["rain", "ahead"], n=20_000)
    assert set(df["method"]) == {"montecarlo"}
    why = df.attrs["exact_refused"]
    assert why.startswith("ahead; the others may be exact when asked without them")
    assert "compares a driver only with a number" in why
    alone = pactsim.history(sc, ["rain"])
    assert set(alone["method"]) == {"exact"} and alone.attrs["exact_refused"] is None
    f = tmp_path / "d.yaml"
    f.write_text(DRIVERS)
    code, out, _ = call(capsys, "history", f, "-q", "rain", "-q", "ahead")
    assert code == 0
    assert out.rstrip().splitlines()[-1].startswith(
        "Monte Carlo because exact inference refused ahead; the others may be exact")
    code, out, _ = call(capsys, "history", f)  # its only question: no "others"
    assert out.rstrip().splitlines()[-1] == (
        "Monte Carlo because exact inference refused ahead: exact inference compares a driver "
        "only with a number, as in 'a > 0.5'; 'a > b' needs Monte Carlo")


def test_no_false_follow_on_errors_after_a_bad_by_or_bad_levels(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Percentages in `by` were followed by "why_by: ... this node has no by"; a bad
    `levels` by "'legal_form' is a yes/no node with no outcomes" on the question that
    tests one of the outcomes it writes."""
    f = tmp_path / "f.yaml"
    text = ("pactsim: 3\nid: f\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
            "signing:\n  by: {2025-03-31: 35, 2025-12-31: 80}\n  why_by:\n    2025-03-31: early\n"
            "events:\n  legal_form:\n    levels: {true: 0.55, full_agreement: 0.45}\n"
            "questions:\n  full_text: legal_form == QUESTION\n")
    f.write_text(text.replace("QUESTION", "full_agreement"))
    code, _, err = call(capsys, "validate", f)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 3, err
    assert [x.split(": ")[1] for x in lines] == [
        "signing.by.2025-03-31", "signing.by.2025-12-31", "events.legal_form.levels.true"]
    f.write_text(text.replace("QUESTION", "full_agreemnt"))  # a real mistake is still said
    code, _, err = call(capsys, "validate", f)
    assert "questions.full_text: 'full_agreemnt' is not an outcome of 'legal_form'; did you " \
           "mean 'full_agreement'?" in err


def test_load_of_yaml_text_points_to_loads() -> None:
    import pactsim
    from pactsim.errors import ArgumentError, ScenarioError

    for text in ("pactsim: 3\nid: x\n", "pactsim: 3"):
        with pytest.raises(ArgumentError, match=r"is not a file name: it reads as scenario "
                                                r"text; to read text, use pactsim.loads\(text\)"):
            pactsim.load(text)
    with pytest.raises(ScenarioError, match="cannot read the file"):  # a plain missing file
        pactsim.load("no-such-file.yaml")


def test_score_given_a_scenario_as_the_resolutions_says_so() -> None:
    """From Python, a scenario file in the resolutions' place listed a dozen schema errors
    (unknown field 'pactsim', missing 'resolutions', ...); the CLI already said what it was."""
    import pactsim
    from pactsim.errors import ScenarioError

    other = FLAGSHIP.parent / "eu-mercosur-2024.yaml"
    with pytest.raises(ScenarioError) as err:
        pactsim.score(FLAGSHIP, other)
    assert str(err.value) == (
        f"{other}: is a scenario file (it has `pactsim:`), given where a resolution file goes "
        "(one that starts with `resolutions: 1`, `scenario: ID` and `outcomes:`): "
        "pactsim.score(SCENARIO, RESOLUTIONS) takes the scenario first")


CITES = """pactsim: 2
id: cites
as_of: 2025-01-01
horizon: 2025-12-31
sources:
  wire: "Wire report, Feb 1, 2025: it rained"
  paper: A paper
events:
  rain: {p: 0.3, source: paper}
observations:
  - {date: 2025-02-01, source: wire, evidence: rain}
"""


def test_an_observation_citing_a_source_key_shows_its_text(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`source: wire` (a key of sources:) was printed as the bare key, and check called
    the source unused."""
    import pactsim

    sc = pactsim.loads(CITES)
    assert pactsim.check(sc) == []
    df = pactsim.history(sc, ["rain"])
    assert df["source"].tolist() == ["", "wire: Wire report, Feb 1, 2025: it rained"]
    f = tmp_path / "c.yaml"
    f.write_text(CITES.replace("source: wire", "source: a phone call"))
    code, out, _ = call(capsys, "check", f)
    assert code == 1 and "source 'wire' is not cited by any node [unused-source]" in out


def test_check_of_a_path_names_check() -> None:
    import pactsim
    from pactsim.errors import ArgumentTypeError

    with pytest.raises(ArgumentTypeError, match=r"^scenario: check\(\) needs a Scenario "
                                                r"\(from pactsim.load\), not str$"):
        pactsim.check(str(FLAGSHIP))


def test_the_report_shows_a_cited_sources_text(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The report's table of what was learnt shows a source given by its key with the
    source's text, as history does."""
    f = tmp_path / "c.yaml"
    f.write_text(CITES.replace("rain: {p: 0.3, source: paper}",
                               "rain: {p: 0.3, source: paper}\n  wind: {p: 0.4}"))
    out = tmp_path / "c.html"
    code, _, err = call(capsys, "report", f, "-n", "2000", "-o", out)
    assert code == 0, err
    page = out.read_text()
    assert "<td>wire: Wire report, Feb 1, 2025: it rained</td>" in page


CATS = """pactsim: 3
id: cats
as_of: 2024-01-01
horizon: 2024-12-31
signing: {by: {2024-12-31: 0.5}}
events:
  who:
    levels: [absent, heads, ministers]
    given: [signing]
    table: {true: {heads: 0.7, ministers: 0.3}, false: {absent: 1}}
  rain: {p: 0.3}
"""


def test_given_on_a_categorical_resolved_true_is_left_to_the_forecast() -> None:
    """A categorical node resolved `true` (present, outcome unknown) counted as having every
    outcome, so `given: who != ministers` was refused as false."""
    import pactsim
    from pactsim.errors import ScenarioError
    from pactsim.language.resolutions import given_holds, loads_resolutions

    sc = pactsim.loads(CATS)
    head = ("resolutions: 1\nscenario: cats\nsources: {s: a paper}\noutcomes:\n"
            "  signing: {outcome: 2024-03-01, resolved: 2024-03-01, source: s}\n")
    present = loads_resolutions(head + "  who: {outcome: true, resolved: 2024-03-01, source: s}\n"
                                "  rain: {outcome: true, given: who != ministers, "
                                "resolved: 2024-03-01, source: s}\n", scenario=sc)
    assert given_holds(present, sc, "who != ministers") is None  # not decided by the file
    assert given_holds(present, sc, "who") is True
    known = head + ("  who: {outcome: ministers, resolved: 2024-03-01, source: s}\n"
                    "  rain: {outcome: true, given: who != ministers, resolved: 2024-03-01, "
                    "source: s}\n")
    with pytest.raises(ScenarioError, match=r"is false on this file's outcomes \(who == "
                                            r"ministers\)"):
        loads_resolutions(known, scenario=sc)


def test_a_given_date_after_the_horizon_says_so_and_a_series_skips_the_item(
        tmp_path: Path) -> None:
    import pactsim
    from pactsim.errors import ScenarioError
    from pactsim.language.resolutions import loads_resolutions

    sc = pactsim.loads(DEMO)
    text = (RESOLVED.replace("2024-03-01, resolved: 2024-03-01", "2025-01-20, resolved: 2025-01-20")
            .replace("GIVEN", "'signing.date > 2024-06-30'"))
    with pytest.raises(ScenarioError, match=r"\(signing on 2025-01-20, after the horizon "
                                            r"2024-12-31: not by it, in the scenario\)"):
        loads_resolutions(text, scenario=sc)
    # two versions scored together: the item is void in each (not scored with p 0, log inf)
    later = pactsim.loads(DEMO.replace("as_of: 2024-01-01", "as_of: 2024-01-15"))
    path = tmp_path / "void.yaml"
    path.write_text(RESOLVED.replace("GIVEN", "not signing"))
    card = pactsim.score([sc, later], path)
    assert "jets" not in set(card.items["item"])
    assert set(card.items["item"]) >= {"signing", "rain"}


def test_news_that_can_hold_costs_one_exact_inference(monkeypatch: pytest.MonkeyPatch) -> None:
    """`validate` ran one exact inference per day of news (36 s on 59 days, where `run` took
    1.6 s); news that can all hold needs one, since adding entries only removes cases."""
    import pactsim
    import pactsim.results.exact as ex_module
    from pactsim.analysis.check import impossible_news

    news = pactsim.load(FLAGSHIP.parent / "variants" / "iran-russia-2024-news.yaml")
    assert len({o.date for o in news.observations}) >= 3  # the premise: several days
    calls: list[int] = []
    real = ex_module.exact

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ex_module, "exact", counted)
    assert impossible_news(news) == []
    assert len(calls) == 1


@pytest.mark.parametrize(("value", "said"), [
    ("military:0", "the likelihood ratio 0 must be a finite number > 0"),
    ("military:-2", "the likelihood ratio -2 must be a finite number > 0"),
    ("military:\u0967", "'\u0967' is not a number"),  # a Devanagari one: float() reads it
])
def test_soft_ratio_is_echoed_as_written_and_in_ascii_digits(
        value: str, said: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`--soft 'x:0'` echoed `likelihood_ratio = 0.0`; a ratio in other scripts' digits
    was read, where --extremize refuses them."""
    code, out, err = call(capsys, "run", FLAGSHIP, "-n", "1000", "--soft", value)
    assert code == 2 and out == ""
    assert said in err.splitlines()[-1]
