"""`make forecast` prints the right headline.

The test reads the command from the Makefile's ``forecast`` recipe (so it checks
the settings the README's first command uses), runs it in-process, and checks
every printed pillar set against exact inference within 3 standard errors, plus
every printed pillar and question against exact within 4.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import shlex
from pathlib import Path

import pytest

import pactsim
from pactsim.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _forecast_args() -> list[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^forecast:.*\n\t(.+)$", text, flags=re.M)
    assert recipe, "the Makefile has no forecast recipe"
    words = shlex.split(recipe.group(1))
    assert words[0].endswith("pactsim")
    return words[1:]


@pytest.fixture(scope="module")
def printed() -> tuple[str, list[str]]:
    args = _forecast_args()
    args[1] = str(ROOT / args[1])  # the recipe runs from the repository root
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(args)
    assert code == 0
    return out.getvalue(), args


def _section(text: str, heading: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    body = []
    for line in lines[start + 1:]:
        if not line.strip():
            break
        body.append(line)
    return body


def test_forecast_pillar_sets_match_exact(printed: tuple[str, list[str]]) -> None:
    text, args = printed
    n = int(float(args[args.index("-n") + 1]))
    assert n == 1_000_000  # the README's setting
    sc = pactsim.load(ROOT / args[1])
    pillars = list(sc.pillars)
    ex = pactsim.exact(sc)
    rows = _section(text, "Most frequent texts (exact sets of pillars)")
    assert len(rows) >= 3
    for line in rows:
        m = re.match(r"^\s+(\d+\.\d)%\s+(.+?)\s*$", line)
        assert m, line
        shown, bundle = float(m.group(1)) / 100, m.group(2)
        members = set() if bundle == "(nothing)" else set(bundle.split(" + "))
        # a categorical pillar is listed with its outcome, instc=named
        terms = {i.split("=")[0]: i.replace("=", " == ") for i in members}
        assert set(terms) <= set(pillars), bundle
        expr = " and ".join(terms.get(p, f"not {p}") for p in pillars)
        p = ex.prob(expr).value
        se = math.sqrt(p * (1 - p) / n)
        assert abs(shown - p) <= 3 * se + 0.0005, (bundle, shown, p, se)  # + rounding


def test_forecast_pillars_and_questions_match_exact(printed: tuple[str, list[str]]) -> None:
    text, args = printed
    n = int(float(args[args.index("-n") + 1]))
    sc = pactsim.load(ROOT / args[1])
    ex = pactsim.exact(sc)
    checked = 0
    grid = set(_section(text, "On or before"))  # rows of dates: checked below
    for line in text.splitlines():
        m = re.match(r"^\s+([a-z_][a-z0-9_]*)\s+(\d+\.\d)%", line)
        if not m or line in grid or (m.group(1) not in sc.nodes
                                     and m.group(1) not in sc.questions):
            continue
        name, shown = m.group(1), float(m.group(2)) / 100
        p = ex.prob(name).value
        se = math.sqrt(p * (1 - p) / n)
        assert abs(shown - p) <= 4 * se + 0.0005, (name, shown, p)
        checked += 1
    assert checked >= len(sc.binary_names) - 1


def _close(shown: float, p: float, n: int, what: object) -> None:
    se = math.sqrt(p * (1 - p) / n)
    assert abs(shown - p) <= 4 * se + 0.0005, (what, shown, p)


def test_forecast_dates_match_exact(printed: tuple[str, list[str]]) -> None:
    """The signing curve and the table of every dated node's chance by each date."""
    text, args = printed
    n = int(float(args[args.index("-n") + 1]))
    sc = pactsim.load(ROOT / args[1])
    ex = pactsim.exact(sc)
    checked = 0
    for line in _section(text, "Signed on or before"):
        m = re.match(r"^\s+(\d{4}-\d\d-\d\d)\s+(\d+\.\d+)%", line)
        if m:
            p = float(ex.date_cdf("signing", m.group(1))["p"].iloc[0])
            _close(float(m.group(2)) / 100, p, n, ("signing", m.group(1)))
            checked += 1
    lines = text.splitlines()
    head = next(line for line in lines if line.startswith("On or before"))
    dates = re.findall(r"\d{4}-\d\d-\d\d", head)
    for line in _section(text, "On or before"):
        name, *cells = line.split()
        assert name in ex.dated(), line
        probs = ex.date_cdf(name, dates)["p"].to_numpy()
        assert len(cells) == len(dates), line
        for d, cell, p in zip(dates, cells, probs, strict=True):
            if cell == "<0.01%":  # not nothing, but below 0.005 points
                assert 0 < float(p) < 0.00005 + 4 * (float(p) / n) ** 0.5, (name, d, p)
            else:
                _close(float(cell.rstrip("%")) / 100, float(p), n, (name, d))
            checked += 1
    assert checked >= 5 + 5 * len(ex.dated())
