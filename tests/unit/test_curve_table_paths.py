"""Points of a table of curves as ``with_changes`` paths, the display of their uncertain
points, and the time limit of the default spread.

A table of curves (a dated event's or signing's ``given`` + ``table`` of ``{by: ...}``
rows) is where the spread and the tornado find uncertain points, and they name them
``NODE.table.ROW.by.DATE``; ``with_changes`` refused every such path (it read the date
as a row of the table), so ``pactsim run`` exited 2 on the README's time example. The
reference for a change is the same file written out with the new value.
"""

from __future__ import annotations

import datetime as dt

import pytest

import pactsim
from pactsim.analysis.spread import TooSlow, spreads, time_limit
from pactsim.errors import PactsimError

BASE = """\
pactsim: 2
id: curves
as_of: 2025-01-01
horizon: 2025-12-31
events:
  win: {p: 0.5}
  relief:
    given: [win]
    table:
      true: {by: {2025-06-30: 0.02, 2025-12-31: %s}}
      false: {by: {2025-12-31: 0.05}}
signing:
  given: [win]
  table:
    true: {by: {2025-03-31: %s, 2025-12-31: 0.8}}
    false: {by: {2025-06-30: 0.4, 2025-12-31: {between: [0.65, 0.85]}}}
questions:
  early: signing.date <= 2025-03-31
  relief_first: relief.date < signing.date
"""


def _file(relief_end: str = "{beta: [3, 12]}", signing_march: str = "0.5") -> str:
    return BASE % (relief_end, signing_march)


@pytest.mark.parametrize(("key", "value", "written"), [
    ("signing.table.true.by.2025-03-31", 0.45, _file(signing_march="0.45")),
    ("relief.table.true.by.2025-12-31", {"beta": [4, 12]}, _file(relief_end="{beta: [4, 12]}")),
    ("relief.table.true.by.2025-12-31", 0.3, _file(relief_end="0.3")),
])
def test_a_point_of_a_table_of_curves_changes_as_if_written(key: str, value: object,
                                                            written: str) -> None:
    sc = pactsim.loads(_file())
    changed = sc.with_changes({key: value})
    want = pactsim.loads(written)
    assert changed == want
    ex = pactsim.exact(sc)
    for q in ("early", "relief_first"):
        direct = float(pactsim.exact(want).prob(q).value)
        assert float(ex.with_changes({key: value}).prob(q).value) == pytest.approx(direct,
                                                                                 abs=1e-12)


def test_a_new_date_goes_where_it_belongs() -> None:
    sc = pactsim.loads(_file()).with_changes({"signing.table.true.by.2025-09-30": 0.7})
    row = sc.signing.table[True]["by"]
    assert list(row) == [dt.date(2025, 3, 31), dt.date(2025, 9, 30), dt.date(2025, 12, 31)]


@pytest.mark.parametrize(("key", "value", "fragment"), [
    ("signing.table.true.by.2025-13-01", 0.5, "is not a date written YYYY-MM-DD"),
    ("signing.table.true.by.2025-03-31", 0.9, "below the previous point"),
])
def test_a_bad_point_is_refused_at_its_key(key: str, value: float, fragment: str) -> None:
    # a path that names nothing is an ArgumentError, a value the scenario refuses a
    # ScenarioError; both are PactsimErrors naming the key
    with pytest.raises(PactsimError) as err:
        pactsim.loads(_file()).with_changes({key: value})
    assert key in str(err.value) and fragment in str(err.value)


def test_the_display_shows_an_uncertain_point_of_an_events_table_of_curves() -> None:
    html = pactsim.loads(_file())._repr_html_()  # raised TypeError on the Beta point
    assert "curve: 2% by 2025-06-30, 20% by 2025-12-31" in html  # Beta(3, 12): mean 0.2


def test_the_spread_stops_at_its_time_limit_and_runs_without_one() -> None:
    sc = pactsim.loads(_file())
    with pytest.raises(TooSlow) as slow, time_limit(0.0):
        spreads(sc, n=50)
    assert slow.value.seconds == 0.0
    found = spreads(sc, n=20)  # no limit outside the block
    assert {s.question for s in found} == {"early", "relief_first"}


def test_pactsim_run_says_when_its_default_spread_would_be_too_slow(
        tmp_path, capsys, monkeypatch) -> None:
    import pactsim.cli as cli
    from helpers import call

    path = tmp_path / "curves.yaml"
    path.write_text(_file(), encoding="utf-8")
    monkeypatch.setattr(cli, "RUN_SPREAD_SECONDS", 0.0)
    code, out, _ = call(capsys, "run", path, "-n", "2000", "--seed", "1")
    assert code == 0
    assert "Spread over the uncertain inputs: not computed by default" in out
    assert "--spread N computes it" in out
    code, out, _ = call(capsys, "run", path, "-n", "2000", "--seed", "1", "--spread", "20")
    assert code == 0 and "80% band" in out  # asked for: no limit


@pytest.mark.parametrize("node", ["signing", "relief"])
def test_exact_date_quantiles_are_named_after_their_node_as_monte_carlos(node: str) -> None:
    sc = pactsim.loads(_file())
    exact_q = pactsim.exact(sc).date_quantiles(node)
    mc_q = pactsim.simulate(sc, n=2000, seed=1).date_quantiles(node)
    assert exact_q.name == mc_q.name == f"{node}_date"  # exact said signing_date for all


def test_the_html_timeline_lists_its_first_rows_and_counts_the_rest(monkeypatch) -> None:
    """Each row of the timeline is a date law (exact inference builds one per node), so a
    scenario of 200 chained milestones made the notebook display take 2.8 s and 260 MB;
    the HTML lists the first TIMELINE_ROWS and says how many more there are."""
    import re

    import pactsim.views.display as display

    chain = "".join(f"  m{i}: {{after: m{i - 1}, delay: 10}}\n" for i in range(1, 6))
    sc = pactsim.loads("pactsim: 2\nid: chain\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                       "events:\n  m0: {by: {2025-06-30: 0.5}}\n" + chain)
    ex = pactsim.exact(sc)
    monkeypatch.setattr(display, "TIMELINE_ROWS", 3)
    html = display.timeline_table(ex)
    listed = re.findall(r"<code>(m\d)</code>", html)
    assert listed == ["m0", "m1", "m2"]
    assert "and 3 more dated nodes (the first 3 are listed)" in html
    monkeypatch.setattr(display, "TIMELINE_ROWS", 5)
    assert "and 1 more dated node (the first 5 are listed)" in display.timeline_table(ex)
    monkeypatch.setattr(display, "TIMELINE_ROWS", 40)
    assert re.findall(r"<code>(m\d)</code>", display.timeline_table(ex)) == [
        f"m{i}" for i in range(6)]
    assert "more dated nodes" not in display.timeline_table(ex)
