"""The spread section of `pactsim run` (issue 12 item 3): shown by default when the
scenario has uncertain inputs and exact inference answers it; `--spread N`, `--spread 0`."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import pactsim
from helpers import call
from pactsim.analysis.spread import BAND, spreads, uncertain_inputs

ROOT = Path(__file__).parents[2]
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"
_LINE = re.compile(r"^  (\w+): ([\d.]+)% \((?:80% band ([\d.]+)–([\d.]+)%|no spread)")

# both = a and b with a ~ the Beta of between [0.2, 0.6] and b = 0.5 fixed:
# P(both | a) = a / 2, so its spread is that Beta halved (by hand, no pactsim code)
TWO = ("pactsim: 1\nid: two\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
       "events:\n  a: {p: {between: [0.2, 0.6]}}\n  b: {p: 0.5}\n  c: {p: 0.3}\n"
       "questions:\n  both: a and b\n  other: c\n")


def _lines(out: str) -> dict[str, tuple[float, float | None, float | None]]:
    """Each question's (mean %, band low %, band high %); a question on the "no spread"
    line gets (nan, None, None)."""
    section = out.split("Spread over the uncertain inputs", 1)[1]
    got: dict[str, tuple[float, float | None, float | None]] = {}
    for line in section.splitlines()[1:]:
        m = _LINE.match(line)
        if m:
            lo, hi = (None, None) if m.group(3) is None else (float(m.group(3)),
                                                              float(m.group(4)))
            got[m.group(1)] = (float(m.group(2)), lo, hi)
        elif line.startswith("  no spread (the band is under 0.05 point wide): "):
            for q in line.split(": ", 1)[1].split(", "):
                got[q] = (float("nan"), None, None)
    return got


def test_two_by_hand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(TWO)
    code, out, _ = call(capsys, "run", path, "-n", "2000", "--seed", "1")
    assert code == 0
    got = _lines(out)
    assert set(got) == {"both", "other"}
    # the Beta whose 5% and 95% quantiles are 0.2 and 0.6, found here by root finding
    from scipy.optimize import fsolve

    a, b = fsolve(lambda ab: [stats.beta.ppf(0.05, *ab) - 0.2, stats.beta.ppf(0.95, *ab) - 0.6],
                  [5.0, 7.0])
    mean, lo, hi = got["both"]
    # the point is the forecast above, by Monte Carlo (n = 2,000: standard error at most
    # 1.12 points), shown whole: within 4 standard errors and half a point of P(both)
    assert mean == pytest.approx(100 * 0.5 * a / (a + b), abs=4 * 1.12 + 0.5)
    # 200 draws: the sample 10% and 90% quantiles within ~3 pp of the Beta's (halved)
    assert lo == pytest.approx(50 * stats.beta.ppf(BAND[0], a, b), abs=3.0)
    assert hi == pytest.approx(50 * stats.beta.ppf(BAND[1], a, b), abs=3.0)
    assert got["other"][1:] == (None, None)  # c is fixed and no input feeds it
    assert "  no spread (the band is under 0.05 point wide): other" in out
    assert "200 parameter draws" in out


def test_flagship_lines_match_exact_and_their_inputs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "run", FLAGSHIP, "-n", "2000", "--seed", "7")
    assert code == 0
    got = _lines(out)
    sc = pactsim.load(FLAGSHIP)
    ex = pactsim.exact(sc)
    want = {s.question: s for s in spreads(sc, n=200)}
    assert set(got) == set(want) and len(got) >= 10
    for q, (mean, lo, hi) in got.items():
        s = want[q]
        # the mean of the spread is today's exact forecast up to its outer error
        assert abs(s.mean - ex.prob(q).value) <= 4 * s.stderr + 1e-12, q
        if lo is None:
            # "no spread": the band is under 0.05 point wide, so moving every
            # input together from its 10% to its 90% quantile moves the answer < 1 pp
            ends = [{p: float(v) for inp in uncertain_inputs(sc)
                     for p, v in zip(inp.paths, inp.values(np.array([u]))[0], strict=True)}
                    for u in BAND]
            lo_hi = [pactsim.exact(sc.with_changes(c)).prob(q).value for c in ends]
            assert abs(lo_hi[0] - lo_hi[1]) < 0.01, q
        else:  # the point is the forecast above, by Monte Carlo of 2,000 draws: within
            # 4 of its standard errors and the half unit shown of the exact answer
            p = ex.prob(q).value
            assert mean == pytest.approx(100 * p, abs=400 * (p * (1 - p) / 2000) ** 0.5 + 0.51)
            assert lo == pytest.approx(100 * s.lo, abs=0.51)
            assert hi == pytest.approx(100 * s.hi, abs=0.51)
    assert got["arms_package"][1] is not None  # su35_sale.p and drones_missiles.p feed it


def test_spread_options(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = call(capsys, "run", FLAGSHIP, "-n", "1000", "--seed", "1", "--spread", "0")
    assert code == 0 and "Spread over" not in out
    code, out, _ = call(capsys, "run", FLAGSHIP, "-n", "1000", "--seed", "1", "--spread", "50")
    assert code == 0 and "50 parameter draws" in out
    code, out, err = call(capsys, "run", FLAGSHIP, "--spread", "lots")
    assert code == 2 and "--spread takes a whole number" in err
    code, out, _ = call(capsys, "run", FLAGSHIP, "-n", "1000", "--seed", "1",
                        "--evidence", "mutual_defence")
    assert code == 0 and "not shown with --evidence" in out
    plain = tmp_path / "plain.yaml"
    plain.write_text(TWO.replace("{between: [0.2, 0.6]}", "0.4"))
    code, out, _ = call(capsys, "run", plain, "-n", "1000", "--seed", "1")
    assert code == 0 and "Spread over" not in out
    code, out, _ = call(capsys, "run", plain, "-n", "1000", "--seed", "1", "--spread")
    assert code == 0 and "none (no probability is written as between or beta" in out
    code, out, _ = call(capsys, "run", "--help")
    assert "--spread" in out and "--spread 0" in out


def test_file_with_observations_says_why_no_spread(capsys: pytest.CaptureFixture[str]) -> None:
    news = ROOT / "scenarios" / "variants" / "iran-russia-2024-news.yaml"
    code, out, _ = call(capsys, "run", news, "-n", "2000", "--seed", "1")
    assert code == 0
    assert "not computed by default for a file with observations" in out
    sc = pactsim.load(news)
    assert "Spread over" not in pactsim.exact(sc, observations=False)._repr_html_()
