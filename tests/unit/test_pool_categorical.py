"""Pooling a categorical node's outcome rows as one distribution over its levels.

Each expected number is computed here from the analysts' hand-set probabilities
(p_k proportional to prod_i p_ik^w_i, or sum_i w_i p_ik, then p_k^a, normalised),
not by the code under test.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from pactsim.analysis.pooling import pool, pool_probabilities

TEMPLATE = """\
pactsim: 3
id: pc
as_of: 2024-01-01
horizon: 2024-12-31
events:
  rain: {{p: {rain}}}
pillars:
  transport:
    levels: {{absent: {t[0]}, generic: {t[1]}, named: {t[2]}}}
  form:
    levels: {{bilateral: {f[0]}, trilateral: {f[1]}, multilateral: {f[2]}}}
  duo:
    levels: {{absent: {d0}, named: {d1}}}
"""

class Analyst(NamedTuple):
    rain: float
    t: tuple[float, float, float]  # transport: absent, generic, named
    f: tuple[float, float, float]  # form (no absent): bilateral, trilateral, multilateral
    duo: float  # P(duo == named); duo is absent otherwise


ANALYSTS = {
    "a": Analyst(0.3, (0.2, 0.5, 0.3), (0.5, 0.3, 0.2), 0.3),
    "b": Analyst(0.6, (0.1, 0.3, 0.6), (0.2, 0.2, 0.6), 0.6),
    "c": Analyst(0.8, (0.4, 0.4, 0.2), (0.1, 0.7, 0.2), 0.8),
}
WEIGHTS = (1.0, 2.0, 3.0)  # normalised: 1/6, 2/6, 3/6


def _text(rain: float, t: tuple[float, ...], f: tuple[float, ...], duo: float) -> str:
    return TEMPLATE.format(rain=rain, t=t, f=f, d0=round(1 - duo, 10), d1=duo)


@pytest.fixture
def files(tmp_path: Path) -> list[str]:
    out = []
    for name, x in ANALYSTS.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(_text(*x))
        out.append(str(path))
    return out


def _by_hand(dists: list[tuple[float, ...]], weights: tuple[float, ...], method: str,
             a: float) -> list[float]:
    """The pooled distribution, written out level by level."""
    w = [x / sum(weights) for x in weights]
    n = len(dists[0])
    if method == "geometric":
        q = [math.prod(d[k] ** wi for d, wi in zip(dists, w, strict=True)) for k in range(n)]
    else:
        q = [sum(d[k] * wi for d, wi in zip(dists, w, strict=True)) for k in range(n)]
    q = [x ** a for x in q]
    return [x / sum(q) for x in q]


def _by_hand_absent(dists: list[tuple[float, ...]], weights: tuple[float, ...], method: str,
                   a: float) -> list[float]:
    """The pool of a node whose first level is absent, in its two steps: P(present) as a
    true/false item (odds pooled, then ^a), then the levels given present as one
    distribution, each written out."""
    w = [x / sum(weights) for x in weights]
    present = [1 - d[0] for d in dists]
    if method == "geometric":
        odds = math.prod((p / (1 - p)) ** wi for p, wi in zip(present, w, strict=True))
        cond = _by_hand([tuple(x / p for x in d[1:]) for d, p in zip(dists, present,
                                                                      strict=True)],
                        weights, "geometric", a)
    else:
        lin = sum(p * wi for p, wi in zip(present, w, strict=True))
        odds = lin / (1 - lin)
        rows = [sum(d[k] * wi for d, wi in zip(dists, w, strict=True)) / lin
                for k in range(1, len(dists[0]))]
        cond = [x ** a / sum(y ** a for y in rows) for x in rows]
    top = odds ** a / (1 + odds ** a)
    return [1 - top, *(top * c for c in cond)]


@pytest.mark.parametrize("method", ["geometric", "linear"])
@pytest.mark.parametrize("a", [1.0, 2.5, 0.7])
def test_outcome_rows_are_one_pooled_distribution(files: list[str], method: Any,
                                                  a: float) -> None:
    pooled = pool(files, method=method, extremize=a, weights=WEIGHTS)
    t = pooled.table
    want = _by_hand_absent([x.t for x in ANALYSTS.values()], WEIGHTS, method, a)
    absent = 1 - t.loc["transport", "pooled"]
    assert absent == pytest.approx(want[0], abs=1e-12)
    assert t.loc["transport == generic", "pooled"] == pytest.approx(want[1], abs=1e-12)
    assert t.loc["transport == named", "pooled"] == pytest.approx(want[2], abs=1e-12)
    rows = t.loc["transport == generic", "pooled"] + t.loc["transport == named", "pooled"]
    assert abs(rows - (1 - absent)) <= 1e-12
    assert abs(rows + want[0] - 1) <= 1e-12
    # a node without an absent level: its rows sum to 1, and it is always in the text
    form = _by_hand([x.f for x in ANALYSTS.values()], WEIGHTS, method, a)
    got = [t.loc[f"form == {k}", "pooled"] for k in ("bilateral", "trilateral", "multilateral")]
    assert got == pytest.approx(form, abs=1e-12)
    assert abs(sum(got) - 1) <= 1e-12 and t.loc["form", "pooled"] == pytest.approx(1.0)
    # provenance keeps each analyst's own number
    prov = pooled.provenance("transport == named")
    assert list(prov.p) == pytest.approx([x.t[2] for x in ANALYSTS.values()],
                                         abs=1e-12)
    assert list(prov.weight) == pytest.approx([1 / 6, 2 / 6, 3 / 6])
    assert set(t.loc[["transport", "transport == generic", "transport == named"],
                     "pooled_as"]) == {"distribution of transport"}


def test_the_numbers_by_hand() -> None:
    """One case with the arithmetic spelled out: equal weights, a and b only."""
    # a: absent 0.2, generic 0.5, named 0.3; b: 0.1, 0.3, 0.6
    # present: 0.8 and 0.9, odds 4 and 9: pooled odds sqrt(36) = 6, P = 6/7
    # given present: a (0.625, 0.375), b (1/3, 2/3): sqrt(0.625/3) and sqrt(0.25),
    # normalised 0.477226 and 0.522774; times 6/7: 0.409050 and 0.448092
    g, n = math.sqrt(0.625 / 3), math.sqrt(0.25)
    want = [1 / 7, 6 / 7 * g / (g + n), 6 / 7 * n / (g + n)]
    assert _by_hand_absent([(0.2, 0.5, 0.3), (0.1, 0.3, 0.6)], (1, 1), "geometric", 1.0) == (
        pytest.approx(want, abs=1e-12))
    assert [round(x, 6) for x in want] == [0.142857, 0.40905, 0.448092]


def test_geometric_pool_of_two_files_by_hand(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(_text(0.3, (0.2, 0.5, 0.3), (0.5, 0.3, 0.2), 0.3))
    b.write_text(_text(0.6, (0.1, 0.3, 0.6), (0.2, 0.2, 0.6), 0.6))
    t = pool([a, b]).table
    assert t.loc["transport == generic", "pooled"] == pytest.approx(0.409050, abs=1e-6)
    assert t.loc["transport == named", "pooled"] == pytest.approx(0.448092, abs=1e-6)
    assert t.loc["transport", "pooled"] == pytest.approx(6 / 7, abs=1e-12)


def test_a_node_every_file_ties_to_signing_pools_as_signing(tmp_path: Path) -> None:
    """Both analysts: the pillar is in the text exactly when signed (P = 0.7), and they
    differ only in how. The pooled pillar stays at P(signed); pooled over all its
    levels at once it moved to 0.689 (absent 0.3, full sqrt(.35 * .14), annex
    sqrt(.35 * .56), normalised), so the pooled forecast contradicted itself."""
    text = ("pactsim: 3\nid: tie\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
            "signing: {{by: {{2025-12-31: 0.7}}}}\npillars:\n"
            "  pabs: {{levels: [absent, full, annex], given: [signing], table: "
            "{{true: {{full: {f}, annex: {x}}}, false: {{absent: 1}}}}}}\n")
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(text.format(f=0.5, x=0.5))
    b.write_text(text.format(f=0.2, x=0.8))
    t = pool([a, b]).table
    assert t.loc["signing", "pooled"] == pytest.approx(0.7, abs=1e-12)  # exact inference
    assert t.loc["pabs", "pooled"] == pytest.approx(0.7, abs=1e-12)
    # given present: sqrt(.5 .2) = .316228, sqrt(.5 .8) = .632456, normalised 1/3, 2/3
    assert t.loc["pabs == full", "pooled"] == pytest.approx(0.7 / 3, abs=1e-12)
    assert t.loc["pabs == annex", "pooled"] == pytest.approx(0.7 * 2 / 3, abs=1e-12)


@pytest.mark.parametrize("method", ["geometric", "linear"])
@pytest.mark.parametrize("a", [1.0, 2.0])
def test_two_levels_and_binary_items_keep_their_numbers(files: list[str], method: Any,
                                                        a: float) -> None:
    pooled = pool(files, method=method, extremize=a, weights=WEIGHTS)
    t = pooled.table
    rain = [x.rain for x in ANALYSTS.values()]
    # a true/false item: exactly as before (the same function on the same numbers)
    own = t.loc["rain", list(pooled.analysts)].to_numpy(dtype=float)
    assert own == pytest.approx(rain, abs=1e-12)
    assert t.loc["rain", "pooled"] == pool_probabilities(own, weights=WEIGHTS, method=method,
                                                         extremize=a)
    assert t.loc["rain", "pooled_as"] == "item"
    # a two-level node: the binary pool of its one row (here the same numbers as rain)
    binary = pool_probabilities([x.duo for x in ANALYSTS.values()], weights=WEIGHTS,
                                method=method, extremize=a)
    assert t.loc["duo == named", "pooled"] == pytest.approx(binary, abs=1e-12)
    assert t.loc["duo", "pooled"] == pytest.approx(binary, abs=1e-12)
    assert t.loc["duo == named", "pooled"] == pytest.approx(t.loc["rain", "pooled"], abs=1e-12)


def test_zeros(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(_text(0.3, (0.2, 0.0, 0.8), (0.5, 0.5, 0.0), 0.3))
    b.write_text(_text(0.6, (0.1, 0.3, 0.6), (0.2, 0.8, 0.0), 0.6))
    t = pool([a, b]).table
    # generic is 0 for a: its pool is 0; named has all of P(present) = 6/7 (odds
    # sqrt(4 * 9))
    assert t.loc["transport == generic", "pooled"] == 0.0
    assert t.loc["transport == named", "pooled"] == pytest.approx(6 / 7, abs=1e-12)
    assert t.loc["transport", "pooled"] == pytest.approx(6 / 7, abs=1e-12)
    # multilateral is 0 for everyone: 0, in both pools
    assert t.loc["form == multilateral", "pooled"] == 0.0
    lin = pool([a, b], method="linear", extremize=2).table
    assert lin.loc["form == multilateral", "pooled"] == 0.0
    assert lin.loc["form == trilateral", "pooled"] == pytest.approx(0.65**2 / (0.65**2 + 0.35**2))


def test_no_level_left_is_undefined(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    # a: absent 0, generic 0; b: named 0 -> every level is 0 for someone
    a.write_text(_text(0.3, (0.0, 0.0, 1.0), (0.5, 0.3, 0.2), 0.3))
    b.write_text(_text(0.6, (0.5, 0.5, 0.0), (0.2, 0.2, 0.6), 0.6))
    pooled = pool([a, b])
    for row in ("transport == generic", "transport == named"):
        assert math.isnan(pooled.table.loc[row, "pooled"]), row
    # in the text at all: a true/false item, which a's certainty (present 1) decides
    assert pooled.table.loc["transport", "pooled"] == 1.0
    assert "transport: its rows pooled as one distribution" in str(pooled)
    assert "undefined (NaN)" in str(pooled)
    items = {i["item"]: i["pooled"] for i in json.loads(pooled.to_json())["items"]}
    assert items["transport == generic"] is None and items["transport"] == 1.0
    # an analyst of weight 0 does not count; the linear pool is always defined
    only_a = pool([a, b], weights=[1, 0]).table
    assert only_a.loc["transport == named", "pooled"] == 1.0
    lin = pool([a, b], method="linear").table
    assert lin.loc["transport == named", "pooled"] == pytest.approx(0.5)
    assert lin.loc["transport", "pooled"] == pytest.approx(0.75)


def test_different_levels_keep_the_per_row_pool(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(_text(0.3, (0.2, 0.5, 0.3), (0.5, 0.3, 0.2), 0.3))
    b.write_text(_text(0.6, (0.1, 0.3, 0.6), (0.2, 0.2, 0.6), 0.6)
                 .replace("{absent: 0.1, generic: 0.3, named: 0.6}", "{absent: 0.4, named: 0.6}"))
    pooled = pool([a, b], extremize=2)
    t = pooled.table
    for row, p in (("transport == named", [0.3, 0.6]), ("transport", [0.8, 0.6])):
        assert t.loc[row, "pooled"] == pool_probabilities(
            t.loc[row, ["a", "b"]].to_numpy(dtype=float), extremize=2)
        assert t.loc[row, "pooled"] == pytest.approx(pool_probabilities(p, extremize=2),
                                                     abs=1e-12)
    assert "transport == generic" not in t.index  # not shared
    assert t.loc["transport == named", "pooled_as"] == ("item: transport's levels differ "
                                                        "between files")
    text = str(pooled)
    assert "transport: its rows pooled one by one" in text
    assert "(a: absent, generic, named; b: absent, named)" in text
    # form is still pooled as a distribution
    assert t.loc["form == bilateral", "pooled_as"] == "distribution of form"
    data = json.loads(pooled.to_json())
    assert len(data["pool"]["notes"]) == 3  # not pooled; transport; form and duo in one
    assert data["pool"]["notes"][2].startswith("form (over bilateral, trilateral, multilateral), "
                                               "duo (over ")
    assert data["pool"]["notes"][0] == ("not pooled (not a true/false item of every file): "
                                        "transport == generic (not in b)")
    assert {i["item"]: i["pooled_as"] for i in data["items"]}["rain"] == "item"
    assert "pooled_as" in pooled.to_csv().splitlines()[0]


def test_the_cli_prints_the_notes(files: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from pactsim.cli import main

    assert main(["pool", *files, "--extremize", "2"]) == 0
    out = capsys.readouterr().out
    # one note for every node pooled the usual way (review-fuzz16: one each was noise)
    note = next(ln for ln in out.splitlines() if "each pooled as one distribution" in ln)
    assert note.startswith("Note: transport (over absent, generic, named), form (over "
                           "bilateral, trilateral, ")
    assert note.endswith("(each node's levels sum to P(node); 1 - P(absent) for one that can "
                         "be absent).")
    row = next(ln.split() for ln in out.splitlines() if ln.startswith("transport == named"))
    want = _by_hand_absent([x.t for x in ANALYSTS.values()], (1, 1, 1), "geometric", 2.0)
    assert row[3] == f"{want[2]:.3f}"  # "transport", "==", "named", pooled


def test_levels_undefined_given_present_leave_the_node_defined(tmp_path: Path) -> None:
    """Both tie the pillar to signing (P 0.6 and 0.8) and are certain of opposite levels:
    P(instc) pools as signing does, sqrt(1.5 x 4) = odds 2.449, 0.710; its levels are
    undefined. The node was undefined too, with a note blaming "every level 0"."""
    text = ("pactsim: 3\nid: tie\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
            "signing: {{by: {{2025-12-31: {s}}}}}\npillars:\n"
            "  instc: {{levels: {{absent: 0, generic: {g}, named: {n}}}}}\n")
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(text.format(s=0.6, g=1.0, n=0.0))
    b.write_text(text.format(s=0.8, g=0.0, n=1.0))
    pooled = pool([a, b])
    t = pooled.table
    odds = math.sqrt(1.5 * 4.0)
    assert t.loc["instc", "pooled"] == pytest.approx(odds / (1 + odds), abs=1e-12)
    assert t.loc["instc", "pooled"] == pytest.approx(t.loc["signing", "pooled"], abs=1e-12)
    assert math.isnan(t.loc["instc == generic", "pooled"])
    assert any("levels given that it is in the text are undefined" in n for n in pooled.notes)


def test_a_level_one_analyst_rules_out_is_noted(tmp_path: Path) -> None:
    text = ("pactsim: 3\nid: one\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
            "signing: {{by: {{2025-12-31: 0.8}}}}\npillars:\n"
            "  instc: {{levels: {{absent: 0, generic: {g}, named: {n}}}}}\n")
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(text.format(g=1.0, n=0.0))
    b.write_text(text.format(g=0.2, n=0.8))
    pooled = pool([a, b])
    assert pooled.table.loc["instc == named", "pooled"] == 0.0
    assert any(n.startswith("pooled to 0 or 1 because one analyst is certain") and
               n.endswith("instc == named (0)") for n in pooled.notes)


def test_a_node_one_analyst_is_sure_of_is_noted(tmp_path: Path) -> None:
    """One analyst puts the node in the text for sure (no absent), the other at 0.4: the
    geometric pool makes it 1, and the certainty note names it (it named only 0s)."""
    text = ("pactsim: 3\nid: sure\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
            "events:\n  tn: {{levels: {{absent: {a}, generic: {g}, named: {n}}}}}\n")
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(text.format(a=0.0, g=0.5, n=0.5))
    b.write_text(text.format(a=0.6, g=0.2, n=0.2))
    pooled = pool([a, b])
    assert pooled.table.loc["tn", "pooled"] == 1.0
    note = next(n for n in pooled.notes if n.startswith("pooled to 0 or 1"))
    assert note.endswith("tn (1)")
