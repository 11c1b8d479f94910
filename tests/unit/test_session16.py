"""Fixes of the 2026-12-02 session's reviews (/work/notes/review-*16.md): each test
fails on the code before its fix."""

from __future__ import annotations

import re
from typing import Any

import pytest

import pactsim
from pactsim.errors import ModelTooWideError

WIDE = """\
pactsim: 1
id: wide
as_of: 2024-01-01
horizon: 2024-12-31
signing: {by: {2024-12-31: 0.5}}
pillars:
  a:
    p: 0.5
    clauses: {a1: {p: 0.5}, a2: {p: 0.5}}
  b:
    p: 0.5
    clauses: {b1: {p: 0.5}}
"""


def test_exact_bundles_too_wide_names_the_sets_and_the_smaller_asks() -> None:
    """review-python16 F2: ex.bundles() with its default said 'of this expression' and
    never named of='pillars' / of='clauses', which exact inference answers."""
    ex = pactsim.exact(pactsim.loads(WIDE), max_table=16)
    with pytest.raises(ModelTooWideError) as caught:
        ex.bundles()
    said = str(caught.value)
    assert "of the sets of 5 pillars and clauses needs a table of 32 entries" in said
    assert "bundles(of='pillars'), bundles(of='clauses') or bundles(of=<a pillar's name>)" \
        in said
    pillars = ex.bundles(of="pillars")  # 4 entries: answered, and each set's p by hand
    assert sorted(pillars.p.round(12)) == [0.125, 0.125, 0.125, 0.625]


FLAGSHIP = "scenarios/iran-russia-2024.yaml"


@pytest.fixture(scope="module")
def flagship_res() -> pactsim.Results:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    return pactsim.simulate(pactsim.load(root / FLAGSHIP), n=4_000, seed=1)


def test_plot_takes_one_node_name_and_refuses_swapped_arguments(
        flagship_res: pactsim.Results) -> None:
    """review-python16 F4: a name alone was read letter by letter ("unknown dated node
    'i'"); axes and names swapped gave raw AttributeError / TypeError; level='pillars'
    was silently the clause chart; level='pillar' with of='clauses' silently of's."""
    import matplotlib.pyplot as plt

    from pactsim.errors import ArgumentError, ArgumentTypeError

    def drawn(fig: object) -> tuple[int, int, list[str]]:
        ax = fig.axes[0]  # type: ignore[attr-defined]
        return (len(ax.get_lines()), len(ax.patches), [t.get_text() for t in ax.texts])

    one = flagship_res.plot.timeline(nodes="in_force")  # before: unknown dated node 'i'
    assert drawn(one) == drawn(flagship_res.plot.timeline(nodes=["in_force"]))
    bars = flagship_res.plot.outcomes("instc")
    assert drawn(bars) == drawn(flagship_res.plot.outcomes(["instc"]))
    plt.close("all")
    fig, ax = plt.subplots()
    try:
        with pytest.raises(ArgumentTypeError, match=r"ax must be a matplotlib Axes, not a list"):
            flagship_res.plot.timeline(["in_force"])  # type: ignore[arg-type]
        with pytest.raises(ArgumentTypeError, match=r"not an Axes; the axes go in ax="):
            flagship_res.plot.outcomes(ax)  # type: ignore[arg-type]
        with pytest.raises(ArgumentTypeError, match="list of node names"):
            flagship_res.plot.timeline(nodes=[1, 2])  # type: ignore[list-item]
        with pytest.raises(ArgumentTypeError, match=r"not a Figure; a figure's axes are"):
            flagship_res.plot.timeline(fig)  # type: ignore[arg-type]
        with pytest.raises(ArgumentError, match="did you mean 'pillar'"):
            flagship_res.plot.bundles(level="pillars")  # type: ignore[arg-type]
        with pytest.raises(ArgumentError, match="two kinds of text"):
            flagship_res.plot.bundles(level="pillar", of="clauses")
    finally:
        plt.close(fig)


GATES = """\
pactsim: 1
id: gates
as_of: 2024-01-01
horizon: 2024-12-31
events:
  rain: {p: 0.3}
  wind: {p: 0.5}
  wet: {p: 0.9, requires: [rain]}
  cold: {given: [wind], table: {true: 0.8, false: 0.2}}
"""


def test_exact_results_condition_like_monte_carlo_ones() -> None:
    """review-python16 F3: ExactResults had no .given (a bare AttributeError) though the
    README promises the same surface. By hand: P(rain | wet) = 1; P(wind | cold) =
    .5(.8) / (.5(.8) + .5(.2)) = 0.8; chained and mapped forms agree; a soft finding
    (ratio 3 if wet): P(wet) = 3(.27) / (3(.27) + .73)."""
    from pactsim.errors import ArgumentTypeError
    from pactsim.language.evidence import soft

    ex = pactsim.exact(pactsim.loads(GATES))
    assert ex.given("wet").prob("rain").value == pytest.approx(1.0, abs=1e-12)
    assert ex.given({"cold": True}).prob("wind").value == pytest.approx(0.8, abs=1e-12)
    both = ex.given("cold").given({"wet": True}).prob("wind and rain").value
    assert both == pytest.approx(0.8, abs=1e-12)
    assert ex.given(soft("wet", 3.0)).prob("wet").value == pytest.approx(
        3 * 0.27 / (3 * 0.27 + 0.73), abs=1e-12)
    assert ex.given("cold").prob("wind").value == pytest.approx(
        ex.prob("wind", given="cold").value, abs=1e-12)
    with pytest.raises(ArgumentTypeError, match=r"res\.given\(\.\.\.\)\.prob\(x\)"):
        ex.prob("wind", given={"cold": True})  # type: ignore[arg-type]


def test_spread_repr_is_one_line_with_its_numbers() -> None:
    """review-python16 F10: the repr was a raw dataclass dump with 17-digit floats."""
    import numpy as np

    from pactsim.analysis.spread import Spread

    sp = Spread("q", 0.11155795390911237, 0.0623, 0.1701, np.array([0.1, 0.12]), "exact", 2,
                0, inputs=("a.p", "b.p"))
    assert repr(sp) == ("<Spread 'q': mean 0.1116, 80% band 0.0623–0.1701 over 2 parameter "
                        "sets of 2 uncertain inputs (exact, seed 0)>")


def test_rare_bundles_ticks_are_evenly_labelled_and_bars_keep_two_digits() -> None:
    """review-report16 L5: shares under 1% took ticks 0.0025 points apart, labelled at
    three decimals 0.000, 0.003, 0.005, 0.007% (uneven), and a bar of 0.0104% read 0.01%
    beside 0.011%. Thirteen independent clauses of p 0.5: each text has 1/8192."""
    import itertools
    import re

    import matplotlib.pyplot as plt

    clauses = "\n".join(f"      c{i}: {{p: 0.5}}" for i in range(13))
    sc = pactsim.loads("pactsim: 1\nid: rare\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       "signing: {by: {2024-12-31: 1.0}}\npillars:\n  a:\n    p: 1.0\n"
                       f"    clauses:\n{clauses}\n")
    fig = pactsim.simulate(sc, n=1_000_000, seed=2).plot.bundles(8)
    fig.canvas.draw()
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    values = [float(t.rstrip("%")) for t in ticks]
    steps = {round(b - a, 9) for a, b in itertools.pairwise(values)}
    assert len(values) >= 3 and len(steps) == 1, ticks  # evenly labelled
    bars = [t.get_text() for t in ax.texts if t.get_text().endswith("%")]
    assert bars and all(re.fullmatch(r"≥?0\.0\d\d%", b) for b in bars), bars
    plt.close(fig)


def test_a_report_with_news_gives_one_as_of_date_and_names_the_priors_one() -> None:
    """review-report16 L11: the header said 'as of 2025-01-13 (the priors of 2024-11-05
    ...)' and the run table at the foot 'as of 2024-11-05'."""
    from pathlib import Path

    from pactsim.views.report import report_html

    root = Path(__file__).resolve().parents[2]
    sc = pactsim.load(root / "scenarios/variants/iran-russia-2024-news.yaml")
    res = pactsim.simulate(sc, n=2_000, seed=1)
    page = report_html(res)
    meta = page.split('<dl class="meta">')[1].split("</dl>")[0]
    news = max(str(o.date) for o in sc.observations)
    assert f"<dt>as of</dt><dd>{news} (the news to then)</dd>" in meta, meta
    assert f"<dt>priors as of</dt><dd>{sc.as_of}</dd>" in meta
    assert f"Forecast as of {news}" in page
    from pactsim.views.export import results_to_table  # and the CSV says both dates too

    table = results_to_table(res)
    assert set(table.news_to) == {news} and set(table.as_of) == {str(sc.as_of)}


REFUSED = """\
pactsim: 2
id: refused
as_of: 2025-01-01
horizon: 2025-12-31
events:
  a: {by: {2025-12-31: 0.9}}
  b: {by: {2025-12-31: 0.7}}
  both: {after: {all: [a, b]}, delay: 10}
questions:
  a_early: a.date <= 2025-06-30
"""


def test_report_method_exact_auto_and_a_news_file_at_few_draws(
        capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    """review-report16 M3: `report` had no --method, so a file with news got a page of
    about 1,000 effective draws though exact inference answers it. --method exact gives
    exact numbers (P(a by 2025-06-30) by hand: the curve is linear from as_of, 180 of
    364 days of 0.9), auto falls back with a note where exact inference refuses
    (a milestone after two curve-timed nodes), and -n with exact is refused."""
    from helpers import call

    path = tmp_path / "r.yaml"
    path.write_text(REFUSED.replace("  both: {after: {all: [a, b]}, delay: 10}\n", ""))
    page = tmp_path / "r.html"
    code, _, err = call(capsys, "report", path, "--method", "exact", "-o", page)
    assert code == 0, err
    html = page.read_text()
    assert "<dt>method</dt><dd>exact inference" in html
    assert f"P(a_early) = {100 * 0.9 * 180 / 364:.1f}%" in html
    path.write_text(REFUSED)
    code, _, err = call(capsys, "report", path, "--method", "auto", "-n", "2000", "--seed",
                        "1", "-o", page)
    assert code == 0, err
    assert "exact inference does not answer all of this page" in err
    assert "<dt>method</dt><dd>Monte Carlo" in page.read_text()
    code, _, err = call(capsys, "report", path, "--method", "exact", "-o", tmp_path / "x.html")
    assert code == 2 and "both" in err and not (tmp_path / "x.html").exists()
    assert "--method mc, the default, always does" in err  # report's default (fuzz16b #6)
    code, _, err = call(capsys, "report", path, "--method", "exact", "-n", "10")
    assert code == 2 and "-n is for Monte Carlo" in err
    # a Monte Carlo page of a file with news, at few effective draws, says so
    from pathlib import Path

    news = Path(__file__).resolve().parents[2] / "scenarios/variants/iran-russia-2024-news.yaml"
    code, _, err = call(capsys, "report", news, "-n", "2000", "--seed", "1", "-o", page)
    assert code == 0, err
    assert "the page's numbers rest on an effective sample size of" in err
    assert "try --method auto" in err


def test_days_after_signing_is_said_only_of_what_follows_the_signing(
        capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    """review-numbers16 N4: 'ev: median 7 days after signing' was printed for a question
    ev.date - signing.date of an event on its own curve, negative in 40% of draws. A
    milestone 30 days after the signing keeps the line (its median: 30, by hand)."""
    from helpers import call

    path = tmp_path / "d.yaml"
    path.write_text("pactsim: 2\nid: d\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                    "signing: {by: {2025-12-31: 0.8}}\nevents:\n"
                    "  ev: {by: {2025-12-31: 0.7}}\n"
                    "  later: {after: signing, delay: 30}\n"
                    "questions:\n  gap: ev.date - signing.date\n"
                    "  wait: later.date - signing.date\n")
    code, out, err = call(capsys, "run", path, "-n", "4000", "--seed", "1")
    assert code == 0, err
    assert "ev: median" not in out and "Distribution of gap" in out
    assert "later: median 30 days after signing, if it happens by the horizon (wait)" in out


def test_diff_prints_a_mean_change_to_the_decimals_of_its_values() -> None:
    """review-report16 L13: 'days_to_in_force (mean) +7.992' beside 222.1 -> 230.1."""
    import pandas as pd

    from pactsim.views.diff import _change

    row = pd.Series({"statistic": "mean", "change": 7.9921, "stderr": 0.0, "a": 222.113,
                     "b": 230.105})
    assert _change(row) == "+8.0"
    row["stderr"] = 0.1412
    assert _change(row) == "+8.0 ± 0.14"
    row["a"], row["b"], row["change"] = 0.51234, 0.52987, 0.01753
    assert _change(row) == "+0.0175 ± 0.14"
    row["a"], row["b"], row["change"], row["stderr"] = 222.11, 222.10, -0.01, 0.0
    assert _change(row) == "+0.0"  # review-session16: not "-0.0"
    row["a"], row["b"], row["change"] = 1.2e-05, 3.4e-05, 2.2e-05
    assert _change(row) == "+2.2e-05"  # not "+0"


def test_the_timeline_says_how_far_its_dates_may_be_and_exact_dates_lie_within() -> None:
    """review-report16 M4: the 10/50/90% dates had no uncertainty. The heading gives the
    widest half of their 95% bands in days; every exact date (the model's) lies within
    that of the printed one."""
    import datetime as dt
    import re
    from pathlib import Path

    from pactsim.views.text import format_results

    root = Path(__file__).resolve().parents[2]
    sc = pactsim.load(root / FLAGSHIP)
    text = format_results(pactsim.simulate(sc, n=100_000, seed=3))
    m = re.search(r"Timeline: .* \(each date ±(\d+) days? at 95%\)", text)
    assert m, text
    days = int(m.group(1))
    ex = pactsim.exact(sc)
    block = text.split("Timeline:")[1].split("\n\n")[0].splitlines()[2:]
    checked = 0
    for line in block:
        parts = line.split()
        if not parts or parts[0] not in sc.dated_names:
            continue
        printed = [dt.date.fromisoformat(x) for x in parts if re.fullmatch(r"\d{4}-\d\d-\d\d", x)]
        want = ex.date_quantiles(parts[0])
        for got, exact in zip(printed[:3], want.to_numpy(), strict=False):
            assert abs((got - exact.astype("datetime64[D]").item()).days) <= days, (line, days)
            checked += 1
    assert checked >= 12
    assert "each date ±" not in format_results(ex)  # exact: no noise to state


def test_check_findings_are_not_named_like_evidence() -> None:
    """review-python16 F10: check() returned analysis.check.Finding beside the exported
    pactsim.Finding (evidence); list[pactsim.Finding] was the wrong hint for it."""
    import typing

    from pactsim.analysis import check as check_module

    hint = typing.get_type_hints(pactsim.check)["return"]
    assert typing.get_args(hint) == (check_module.CheckFinding,)
    assert check_module.CheckFinding is not pactsim.Finding
    assert check_module.Finding is check_module.CheckFinding  # the old name still works


SOFT_TINY = """\
pactsim: 2
id: soft-tiny
as_of: 2025-01-01
horizon: 2025-12-31
signing:
  by: {2025-06-30: 0.5}
pillars:
  trade: {p: 0.5}
questions:
  q: signing.date <= 2025-03-01
observations:
  - date: 2025-01-10
    source: a rumour
    evidence: signing
    likelihood_ratio: 1.0e-200
"""


def test_a_likelihood_ratio_whose_square_underflows_is_answered_as_exact_is(
        capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    """review-fuzz16 #1: soft news of ratio 1e-200 on the signing crashed Monte Carlo
    (ZeroDivisionError: the signed draws' weights squared underflow to 0). Every signed
    draw has the same weight, so P(· | signed) is their plain share: within 4 standard
    errors of exact inference; the text no longer says it rests on 'about 0' draws."""
    from helpers import call

    sc = pactsim.loads(SOFT_TINY)
    res = pactsim.simulate(sc, n=40_000, seed=1)
    ex = pactsim.exact(sc)
    marg, exm = res.marginals(), ex.marginals()
    for name in ("trade",):
        got, se = marg.p_given_signed[name], marg.stderr_given_signed[name]
        assert abs(got - exm.p_given_signed[name]) <= 4 * se, (got, se)
    q, exq = res.questions(), ex.questions()
    assert abs(q.p_given_signed["q"] - exq.p_given_signed["q"]) <= 4 * q.stderr_given_signed["q"]
    path = tmp_path / "soft.yaml"
    path.write_text(SOFT_TINY)
    code, out, err = call(capsys, "run", path, "-n", "40000", "--seed", "1")
    assert code == 0, err
    assert "rests on about 0" not in out


def test_a_node_view_refuses_changes_as_its_scenario_does() -> None:
    """review-fuzz16 #2: sc.nodes[x].p = ... raised a bare TypeError about super() (a
    slotted frozen dataclass), del a FrozenInstanceError; both are FrozenError now."""
    import copy
    import pickle

    from pactsim.errors import FrozenError

    node = pactsim.loads(GATES).nodes["rain"]
    with pytest.raises(FrozenError, match=r"cannot set NodeView\.p of 'rain'.*with_changes"):
        node.p = 0.1  # type: ignore[attr-defined]
    with pytest.raises(FrozenError, match=r"cannot delete NodeView\.spec of 'rain'"):
        del node.spec  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(node)) == node == copy.deepcopy(node)


def test_score_text_of_a_date_unlikely_by_the_horizon(capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Any) -> None:
    """review-fuzz16 #3: with P(by the horizon) under 10% the 80% interval's first end
    printed 'nan'; a false dated outcome's chance read 'P(that day)'. By hand: the
    signing curve is linear to 5% on 2025-06-30 and flat after, so P(not by the
    horizon) = 0.95; m, 10 days after it, is not by the horizon with 0.95 + the signings
    of the last 10 days (none: the curve is flat after June)."""
    from helpers import call

    (tmp_path / "s.yaml").write_text(
        "pactsim: 2\nid: lowp\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
        "signing:\n  by: {2025-06-30: 0.05}\nevents:\n  m: {after: signing, delay: 10}\n")
    (tmp_path / "r.yaml").write_text(
        "resolutions: 1\nscenario: lowp\nsources: {k: x}\noutcomes:\n"
        "  signing: {outcome: 2025-02-01, resolved: 2025-02-01, source: k}\n"
        "  m: {outcome: false, resolved: 2025-12-31, source: k}\n")
    code, out, err = call(capsys, "score", tmp_path / "s.yaml", "-r", tmp_path / "r.yaml")
    assert code == 0, err
    assert "nan" not in out
    line = next(x for x in out.splitlines() if x.startswith("m.date:"))
    assert "P(not by then) 0.9500" in line and "after the horizon, both ends: covered" in line


CAT = """\
pactsim: 3
id: {id}
as_of: 2024-01-01
horizon: 2024-12-31
events:
  form:
    levels: {{absent: 0.1, treaty: 0.6, memo: 0.3}}
"""


def test_extremizing_is_not_blamed_on_a_certain_analyst_and_warns_nothing() -> None:
    """review-fuzz16 #4: --extremize 50 rounded categorical rows to 0 or 1 and the note
    said 'because one analyst is certain' (both gave 0.6 and 0.3); --extremize 1e308
    leaked numpy's overflow warning."""
    import warnings

    a, b = (pactsim.loads(CAT.format(id="x"), name=f"{who}.yaml") for who in ("a", "b"))
    for k in (50.0, 1e308):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a RuntimeWarning fails the test
            pooled = pactsim.pool([a, b], extremize=k)
        assert not any("one analyst is certain" in n for n in pooled.notes), pooled.notes


def test_out_keeps_a_scenario_draft_that_lost_its_pactsim_line(
        capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    """review-fuzz16 #7: -o replaced a draft scenario whose `pactsim:` line was missing
    (the likeliest such file in practice); pactsim's own outputs have no top-level
    as_of and horizon, so they are still replaced."""
    from pathlib import Path

    from helpers import call

    root = Path(__file__).resolve().parents[2]
    text = "".join(line for line in (root / "scenarios/analytic-dated.yaml").read_text()
                   .splitlines(keepends=True) if not line.startswith("pactsim:"))
    draft = tmp_path / "draft.txt"
    draft.write_text(text)
    code, _, err = call(capsys, "run", root / "scenarios/analytic-dated.yaml", "-n", "100",
                        "-o", draft)
    assert code == 2 and "looks like a scenario file" in err
    assert draft.read_text() == text
    out = tmp_path / "f.json"
    for _ in range(2):  # an earlier output of its own is replaced
        code, _, err = call(capsys, "run", root / "scenarios/analytic-dated.yaml", "-n", "100",
                            "-o", out)
        assert code == 0, err


def test_a_probability_of_another_number_type_is_refused_naming_the_conversion() -> None:
    """review-fuzz16 #8: numpy.float32 and Decimal were 'not a probability' with no word
    on why 0.5 is not one."""
    import decimal

    import numpy as np

    from pactsim.errors import ScenarioError

    for value, kind in ((np.float32(0.5), "numpy.float32"), (decimal.Decimal("0.5"),
                                                              "decimal.Decimal")):
        data = {"pactsim": 1, "id": "x", "as_of": "2024-01-01", "horizon": "2024-12-31",
                "events": {"a": {"p": value}}}
        with pytest.raises(ScenarioError, match=rf"it is a {kind}: pass float\(x\)"):
            pactsim.from_dict(data)


def test_a_driver_drawn_past_the_float_range_in_a_hazard_warns_nothing() -> None:
    """review-fuzz16 #6: a uniform driver over ±1e308 in a hazard ratio leaked numpy's
    'overflow encountered in multiply' (a note on the command line, naming nothing). The
    log ratio is then infinite or huge: the answer within 4 standard errors of exact
    inference, with no warning."""
    import warnings

    sc = pactsim.loads("pactsim: 2\nid: hr\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                       "drivers:\n  u: {dist: uniform, low: -1.0e308, high: 1.0e308}\n"
                       "events:\n  z: {by: {2025-06-30: 0.3}, hazard_ratio: {u: 1.0e300}}\n"
                       "questions:\n  early: z.date <= 2025-03-01\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = pactsim.simulate(sc, n=20_000, seed=1).prob("early")
    want = pactsim.exact(sc).prob("early").value
    assert abs(est.value - want) <= 4 * max(est.stderr, 1e-4), (est, want)


def test_results_export_themselves_as_the_command_line_writes_them(
        capsys: pytest.CaptureFixture[str]) -> None:
    """review-python16 F10: Results had no to_json/to_csv (Diff, Sensitivity, Scorecard
    and PooledForecast have); the route was a function of pactsim.views.export. Each
    equals what `pactsim run` writes for the same file, seed and method."""
    import json
    from pathlib import Path

    from helpers import call

    root = Path(__file__).resolve().parents[2]
    path = root / "scenarios/analytic-gates.yaml"
    sc = pactsim.load(path)
    res = pactsim.simulate(sc, n=2_000, seed=5)
    code, out, _ = call(capsys, "run", path, "-n", "2000", "--seed", "5", "--json")
    mine, theirs = json.loads(res.to_json()), json.loads(out)
    for doc in (mine, theirs):
        doc["run"].pop("seconds", None)
    assert code == 0 and mine["questions"] == theirs["questions"] and mine.keys() == theirs.keys()
    code, out, _ = call(capsys, "run", path, "-n", "2000", "--seed", "5", "--csv")
    assert code == 0 and res.to_csv().splitlines()[:20] == out.splitlines()[:20]
    code, out, _ = call(capsys, "run", path, "--method", "exact", "--json")
    assert json.loads(pactsim.exact(sc).to_json())["questions"] == json.loads(out)["questions"]


def test_hazard_ratios_on_drivers_that_make_no_number_are_refused_by_name(
        capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    """review-session16: two drivers over ±1e308 with hazard ratios of 1e300 give
    inf - inf: Monte Carlo crashed (IndexError) and exact inference answered nan. Both
    refuse it, naming the node; the command line exits 2."""
    from helpers import call
    from pactsim.errors import PactsimError

    text = ("pactsim: 2\nid: hr\nas_of: 2025-01-01\nhorizon: 2025-12-31\ndrivers:\n"
            "  u: {dist: uniform, low: -1.0e308, high: 1.0e308}\n"
            "  v: {dist: uniform, low: -1.0e308, high: 1.0e308}\n"
            "events:\n  z: {by: {2025-06-30: 0.3}, hazard_ratio: {u: 1.0e300, v: 1.0e300}}\n"
            "questions:\n  early: z.date <= 2025-03-01\n")
    sc = pactsim.loads(text)
    with pytest.raises(PactsimError, match=r"hazard ratios of 'z' on its drivers leave"):
        pactsim.simulate(sc, n=2_000, seed=1)
    with pytest.raises(PactsimError, match=r"hazard ratios of 'z' on its drivers leave"):
        pactsim.exact(sc).prob("early")
    (tmp_path / "hr.yaml").write_text(text)
    code, _, err = call(capsys, "run", tmp_path / "hr.yaml", "-n", "1000")
    assert code == 2 and "'z'" in err and "Traceback" not in err
    import decimal

    with pytest.raises(PactsimError) as caught:  # complex: float() would refuse it too
        pactsim.from_dict({"pactsim": 1, "id": "x", "as_of": "2024-01-01",
                           "horizon": "2024-12-31", "events": {"a": {"p": 1j}}})
    assert "pass float(x)" not in str(caught.value)
    with pytest.raises(PactsimError, match=r"decimal\.Decimal: pass float"):
        pactsim.from_dict({"pactsim": 1, "id": "x", "as_of": "2024-01-01",
                           "horizon": "2024-12-31", "events": {"a": {"p": decimal.Decimal(1)}}})


def test_the_timeline_note_says_when_a_band_is_open_and_nothing_without_dates() -> None:
    """review-session16: the note left out dates whose 95% band is open (too few draws)
    and claimed a bound for them; with no date printed it said '±0 days'."""
    from pactsim.views.text import format_results

    def heading(text: str) -> str:
        return next(line for line in format_results(pactsim.simulate(
            pactsim.loads(text), n=4_000, seed=2)).splitlines() if line.startswith("Timeline"))

    base = "pactsim: 2\nid: t\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
    rare = heading(base + "signing: {by: {2025-12-31: 0.9}}\nevents:\n"
                   "  z: {by: {2025-12-31: 0.001}}\n")
    assert rare.endswith("at 95%; some rest on too few draws to bound)"), rare
    never = heading(base + "events:\n  z: {by: {2025-12-31: 0.00001}}\n")
    assert never == "Timeline: chance by the horizon, and the date if it happens by then"


def test_monte_carlo_log_scores_under_tiny_soft_news_match_exact() -> None:
    """review-fuzz16b #1: the half-draw rule was applied to weighted estimates that draws
    did reach (2.3e-200 from a ratio of 1e-200), scoring 9.4 where exact scores 460. Half
    a draw is for an outcome no draw reached; otherwise the estimate's own -ln p."""
    from pactsim.analysis.scoring import score
    from pactsim.language.resolutions import loads_resolutions

    sc = pactsim.loads(SOFT_TINY)
    res = loads_resolutions("resolutions: 1\nscenario: soft-tiny\nsources: {k: x}\n"
                            "outcomes:\n  signing: {outcome: 2025-07-04, resolved: "
                            "2025-07-04, source: k}\n", scenario=sc)
    mc = score(sc, res, method="montecarlo", n=20_000, seed=1).items.set_index("item")
    ex = score(sc, res, method="exact").items.set_index("item")
    assert ex.loc["signing", "log"] > 400
    assert abs(mc.loc["signing", "log"] - ex.loc["signing", "log"]) < 1.0


def test_a_tiny_weighted_estimate_lies_in_its_interval_and_plot_top_is_checked(
        flagship_res: pactsim.Results) -> None:
    """review-fuzz16b #2: a weighted p of 6.7e-201 had CI [2.2e-19, 0.0033] (Wilson's
    floor); #3: plot.bundles took any top (quadratic time past thousands of bars) and
    quoted top + 1 in its errors."""
    from pactsim.errors import ArgumentError, ArgumentTypeError
    from pactsim.results.estimate import Estimate

    est = Estimate.weighted(6.7e-201, 0.0, 1.0, 1e-4, 20_000)
    assert est.lo <= est.value <= est.hi
    for top, error, said in ((-1, ArgumentError, "not -1"), (0, ArgumentError, "not 0"),
                             (1.5, ArgumentTypeError, "not 1.5"),
                             (10**9, ArgumentError, "from 1 to 1,000"),
                             ("pillars", ArgumentTypeError, "go in of= (of='pillars')")):
        with pytest.raises(error, match=re.escape(said)):
            flagship_res.plot.bundles(top)  # type: ignore[arg-type]


def test_a_report_lead_from_its_own_monte_carlo_run_says_so_and_takes_the_seed(
        capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    """review-fuzz16b #5: where exact inference refuses the question, the lead's P came
    from the analysis' run at seed 0 (22.9% beside the card's 23.0% at --seed 7) with no
    word; it now runs at the page's seed, and says it is its own run."""
    import re as _re
    from html import unescape

    from helpers import call

    path = tmp_path / "r.yaml"
    path.write_text(REFUSED + "  both_by_sep: both.date <= 2025-09-30\n")
    page = tmp_path / "r.html"
    code, _, err = call(capsys, "report", path, "-n", "20000", "--seed", "7", "-q",
                        "both_by_sep", "-o", page)
    assert code == 0, err
    html = unescape(page.read_text())
    lead = _re.search(r"P\(both_by_sep\) = ([\d.]+%)</b> by the analysis' own Monte Carlo "
                      r"run of 20,000 draws", html)
    assert lead, html[:2000]
    card = _re.search(r'<div class="v">([\d.]+%)</div><div class="k">both by sep', html)
    assert card and card.group(1) == lead.group(1)  # the same seed and n: the same draws


def test_sensitivity_under_tiny_soft_news_warns_nothing() -> None:
    """review-fuzz16b #7: the Hessian steps of a chance of 1e-200 squared to 0, and numpy's
    divide-by-zero warnings reached the command line."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = pactsim.sensitivity(pactsim.loads(SOFT_TINY), "signing", method="mc", n=5_000,
                                seed=1)
    assert len(s.tornado)


def test_a_tornado_of_a_rare_question_labels_its_ticks_apart() -> None:
    """review-fuzz16b #8: a chance of 1e-6 read '0.000%' on every tick."""
    import matplotlib.pyplot as plt

    sc = pactsim.loads("pactsim: 2\nid: m\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                       "signing:\n  by: {2025-12-31: 0.000001}\n")
    fig = pactsim.sensitivity(sc, "signing").plot_tornado()
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    plt.close(fig)
    assert len(ticks) >= 3 and len(set(ticks)) == len(ticks), ticks


def test_small_misuses_get_pointed_answers(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Any) -> None:
    """review-fuzz16b #9: score given a resolution file's text said it could not read a
    633-character file name; ex.given(None) spoke of an empty list; the note of
    --format text -o x.json named --format table, which was not typed."""
    from pathlib import Path

    from helpers import call
    from pactsim.analysis.scoring import score
    from pactsim.errors import ArgumentError, ArgumentTypeError

    sc = pactsim.loads(SOFT_TINY)
    text = "resolutions: 1\nscenario: soft-tiny\noutcomes: {}\n"
    with pytest.raises(ArgumentTypeError, match=r"pactsim\.loads_resolutions\(text\)"):
        score(sc, text)
    with pytest.raises(ArgumentError, match=r"no evidence \(None\)"):
        pactsim.exact(sc).given(None)
    root = Path(__file__).resolve().parents[2]
    code, _, err = call(capsys, "run", root / "scenarios/analytic-gates.yaml", "-n", "100",
                        "--format", "text", "-o", tmp_path / "x.json")
    assert code == 0 and "as --format asks" in err and "--format table" not in err
