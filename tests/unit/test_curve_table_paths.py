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


class _FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_limit_counts_the_set_up_once_and_the_draws_at_their_pace(monkeypatch) -> None:
    """A slow start (5 s of set-up, 3 of them lazily inside the first draw) is spent
    once: 200 draws at 0.01 s more make 7 s in all, under a 10 s limit (the pace from
    the start, 5.01 s for the first draw, said 1,002 s and stopped it). Draws at 0.06 s
    each (5 + 12 s) are too slow: the call stops once the pace of 10 draws after the
    first says so."""
    from pactsim.analysis import spread as sp

    clock = _FakeClock()
    monkeypatch.setattr(sp, "_clock", clock)
    with time_limit(10.0):
        clock.now += 2.0  # set-up
        sp._plan(200)
        clock.now += 3.0  # lazy set-up, in the first draw
        for _ in range(200):
            clock.now += 0.01
            sp._tick()
    assert clock.now == pytest.approx(107.0)
    clock.now = 100.0

    def slow_draws() -> int:
        done = 0
        with time_limit(10.0):
            clock.now += 5.0
            sp._plan(200)
            for _ in range(200):
                clock.now += 0.06
                sp._tick()
                done += 1
        return done

    with pytest.raises(TooSlow):
        slow_draws()
    assert clock.now == pytest.approx(105.66)  # the 11th draw: 5.66 + 189 * 0.06 > 10


def test_one_slow_draw_does_not_make_the_limit_stop_a_quick_spread(monkeypatch) -> None:
    """Pauses of 0.5 s in the second, fifth and twelfth draws (a garbage collection, a
    busy machine) among draws of 0.005 s after 1.4 s of set-up (the flagship's spread:
    2.4 s in all) do not stop it under 10 s; judged on the second draw alone, its pace
    said 1.9 + 198 * 0.5 s and `pactsim run` left the flagship's spread out on one
    machine. Draws of 3 s each stop as soon as the time spent passes the limit, before
    ten of them are timed."""
    from pactsim.analysis import spread as sp

    clock = _FakeClock()
    monkeypatch.setattr(sp, "_clock", clock)
    with time_limit(10.0):
        clock.now += 1.4
        sp._plan(200)
        for i in range(200):
            clock.now += 0.5 if i in (1, 4, 11) else 0.005
            sp._tick()
    assert clock.now == pytest.approx(101.4 + 3 * 0.5 + 197 * 0.005)
    clock.now = 100.0

    def draws_of_3_s() -> int:
        done = 0
        with time_limit(10.0):
            sp._plan(200)
            for _ in range(200):
                clock.now += 3.0
                sp._tick()
                done += 1
        return done

    with pytest.raises(TooSlow):
        draws_of_3_s()
    assert clock.now == pytest.approx(112.0)  # 12 s spent at the fourth draw: stopped there


def test_the_last_draw_is_kept_however_long_it_took(monkeypatch) -> None:
    """When the last draw is answered the work is done: the limit no longer stops it."""
    from pactsim.analysis import spread as sp

    clock = _FakeClock()
    monkeypatch.setattr(sp, "_clock", clock)
    with time_limit(10.0):
        sp._plan(3)
        for _ in range(3):
            clock.now += 4.0
            sp._tick()
    assert clock.now == pytest.approx(112.0)


def test_each_pass_of_spreads_is_timed_at_its_own_pace(monkeypatch) -> None:
    """`spreads` answers every exact question in one pass, then each other question in a
    pass of its own, all under one plan. A quick pass (200 draws of 2 ms) followed by two
    slow ones (200 of 50 ms: 20.8 s in all) stops once ten draws of the first slow pass
    say so (1.35 s spent); timed together, the quick draws held the median down until the
    time spent passed the limit (10 s of CPU wasted before the line saying so)."""
    from pactsim.analysis import spread as sp

    clock = _FakeClock()
    monkeypatch.setattr(sp, "_clock", clock)

    def passes() -> None:
        with time_limit(10.0):
            clock.now += 0.4
            sp._plan(600)
            for _ in range(200):
                clock.now += 0.002
                sp._tick()
            for _ in range(2):
                sp._new_pass()
                for _ in range(200):
                    clock.now += 0.05
                    sp._tick()

    with pytest.raises(TooSlow):
        passes()
    assert clock.now == pytest.approx(100.4 + 200 * 0.002 + 11 * 0.05)


def test_spreads_starts_a_pass_for_each_question_it_answers_alone(monkeypatch) -> None:
    """Under a file's observations every question is a pass of its own (each parameter
    draw is conditioned on the news): `spreads` says so to the limit before each."""
    from pactsim.analysis import spread as sp

    sc = pactsim.loads(
        "pactsim: 2\nid: o\nas_of: 2024-01-01\nhorizon: 2024-12-31\nevents:\n"
        "  a: {p: {beta: [2, 6]}}\n  b: {given: [a], table: {true: 0.7, false: 0.2}}\n"
        "questions:\n  both: a and b\n  either: a or b\nobservations:\n"
        "  - {date: 2024-02-01, source: radio, evidence: a, likelihood_ratio: 4}\n")
    calls: list[int] = []
    real = sp._new_pass

    def counted() -> None:
        limit = sp._LIMIT.get()
        calls.append(-1 if limit is None else limit.done)
        real()

    monkeypatch.setattr(sp, "_new_pass", counted)
    with time_limit(1000.0):
        found = sp.spreads(sc, n=30)
    assert len(found) == 2
    assert calls == [0, 0, 30]  # the plan, then before each question's pass of 30 draws
