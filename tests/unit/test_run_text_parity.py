"""`pactsim run` prints what its JSON export carries: as many of the most frequent
sets of pillars (``pillar_sets``), and each numeric attribute's sd beside its mean.

The text and the JSON of one run (same file, n and seed) are compared number by
number; the attribute's sd is also checked against its closed form.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
from typing import Any

import pytest

from pactsim.cli import main
from pactsim.views.export import TOP

N, SEED = 20_000, 5
P_SIGNED = 0.9
#: term: 20 or 10 with probability 1/2 each (given a signing): sd 5.
TERM_SD = 5.0

#: Six independent pillars at 1/2: 64 sets of pillars, far more than TOP.
SCENARIO = f"""\
pactsim: 3
id: run-text-parity
as_of: 2024-11-05
horizon: 2025-12-31
signing:
  by: {{2025-12-31: {P_SIGNED}}}
pillars:
  ma: {{p: 0.5}}
  mb: {{p: 0.5}}
  mc: {{p: 0.5}}
  md: {{p: 0.5}}
  me: {{p: 0.5}}
  mf: {{p: 0.5}}
attributes:
  days_to_entry_into_force:   # a long name: the block still fits 80 columns
    dist: {{normal: {{mean: 120, sd: 30}}}}
    requires: [signing]
  term_years:
    dist: {{values: {{20: 0.5, 10: 0.5}}}}
    requires: [signing]
"""


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    """The text and the JSON of one run (same file, n and seed), through the CLI."""
    path = tmp_path_factory.mktemp("parity") / "parity.yaml"
    path.write_text(SCENARIO)
    got: list[str] = []
    for fmt in ("table", "json"):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = main(["run", str(path), "-n", str(N), "--seed", str(SEED), "--format", fmt,
                         "--no-progress"])
        assert code == 0
        got.append(out.getvalue())
    return got[0], json.loads(got[1])


def _block(text: str, title: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith(title))
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def test_the_text_lists_as_many_pillar_sets_as_the_json(
        runs: tuple[str, dict[str, Any]]) -> None:
    text, data = runs
    sets = data["pillar_sets"]
    assert len(sets) == TOP == 10
    rows = _block(text, "Most frequent texts (exact sets of pillars)")[1:]
    assert len(rows) == len(sets)
    for line, entry in zip(rows, sets, strict=True):
        m = re.match(r"^\s+(\d+\.\d)%\s+(.+?)\s*$", line)
        assert m, line
        shown = m.group(2)
        assert shown == (" + ".join(entry["items"]) or "(nothing)")
        assert float(m.group(1)) == pytest.approx(100 * entry["p"], abs=0.05 + 1e-9)


def test_the_attributes_block_shows_the_sd_the_json_has(
        runs: tuple[str, dict[str, Any]]) -> None:
    text, data = runs
    block = _block(text, "Attributes")
    assert block[0].split() == ["Attributes", "mean", "sd", "10%", "50%", "90%", "no", "value"]
    attrs = data["attributes"]
    for line in block[1:]:
        name, mean, sd = line.split()[:3]
        d = attrs[name]
        for shown, want in ((mean, d["mean"]), (sd, d["sd"])):  # three significant digits
            half = 0.5 * 10 ** (math.floor(math.log10(abs(want))) - 2)
            assert abs(float(shown) - want) <= half + 1e-9, (name, shown, want)
    # the sd against its closed form: 10 or 20 at 1/2 each has sd 10 sqrt(p(1 - p)) = 5;
    # with p drawn within 4 standard errors of 1/2 in about P_SIGNED * N = 18,000 draws
    # the sample sd is 5 to within 5 * 8 / 18,000 < 0.003, printed to 3 digits (±0.005)
    sd = float(next(x for x in block if x.split()[0] == "term_years").split()[2])
    assert abs(sd - TERM_SD) < 0.003 + 0.005


def test_the_changed_blocks_fit_80_columns(runs: tuple[str, dict[str, Any]]) -> None:
    text, _data = runs
    for title in ("Attributes", "Most frequent texts"):
        block = _block(text, title)
        assert [x for x in block if len(x) > 80] == [], title


def test_format_results_prints_exact_results_and_refuses_anything_else() -> None:
    import pactsim
    from pactsim.errors import ArgumentTypeError
    from pactsim.views.text import format_results

    sc = pactsim.loads(SCENARIO)
    text = format_results(pactsim.exact(sc))  # type: ignore[arg-type]
    assert "exact inference" in text and "n = " not in text
    with pytest.raises(ArgumentTypeError, match=r"not dict$"):
        format_results({})  # type: ignore[arg-type]
    assert "run-text-parity" in format_results(pactsim.simulate(sc, n=100, seed=1))
