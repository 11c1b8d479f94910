"""The CPU-time budget of the spread (`pactsim.analysis.spread.time_limit`), which
`pactsim run` and the report use to leave a slow default spread out: judged on a fake
clock, draw by draw, so that each case is exact and does not depend on this machine.
(The limit at work on a real scenario: tests/unit/test_curve_table_paths.py.)"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

import pactsim
from pactsim.analysis import spread as sp
from pactsim.analysis.spread import TooSlow, time_limit

START = 100.0


class _FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> _FakeClock:
    fake = _FakeClock()
    monkeypatch.setattr(sp, "_clock", fake)
    return fake


def _spend(clock: _FakeClock, passes: Sequence[Sequence[float]], set_up: float = 0.0) -> None:
    """A call under ``time_limit(10.0)`` as `spread` and `spreads` make it: ``set_up``
    seconds, a plan of every draw, then each pass (the seconds of each of its draws; a
    pass after the first starts with ``_new_pass``). The clock starts at START."""
    clock.now = START
    with time_limit(10.0):
        clock.now += set_up
        sp._plan(sum(len(p) for p in passes))
        for i, seconds in enumerate(passes):
            if i:
                sp._new_pass()
            for s in seconds:
                clock.now += s
                sp._tick()


def test_the_limit_counts_the_set_up_once_and_the_draws_at_their_pace(clock) -> None:
    """A slow start (5 s of set-up, 3 of them lazily inside the first draw) is spent
    once: 200 draws at 0.01 s more make 7 s in all, under a 10 s limit (the pace from
    the start, 5.01 s for the first draw, said 1,002 s and stopped it). Draws at 0.06 s
    each (5 + 12 s) are too slow: the call stops once the pace of 10 draws after the
    first says so."""
    _spend(clock, [[3.0 + 0.01] + [0.01] * 199], set_up=2.0)
    assert clock.now == pytest.approx(107.0)
    with pytest.raises(TooSlow):
        _spend(clock, [[0.06] * 200], set_up=5.0)
    assert clock.now == pytest.approx(105.66)  # the 11th draw: 5.66 + 189 * 0.06 > 10


def test_one_slow_draw_does_not_make_the_limit_stop_a_quick_spread(clock) -> None:
    """Pauses of 0.5 s in the second, fifth and twelfth draws (a garbage collection, a
    busy machine) among draws of 0.005 s after 1.4 s of set-up (the flagship's spread:
    2.4 s in all) do not stop it under 10 s; judged on the second draw alone, its pace
    said 1.9 + 198 * 0.5 s and `pactsim run` left the flagship's spread out on one
    machine. Draws of 3 s each stop as soon as the time spent passes the limit, before
    ten of them are timed."""
    _spend(clock, [[0.5 if i in (1, 4, 11) else 0.005 for i in range(200)]], set_up=1.4)
    assert clock.now == pytest.approx(101.4 + 3 * 0.5 + 197 * 0.005)
    with pytest.raises(TooSlow):
        _spend(clock, [[3.0] * 200])
    assert clock.now == pytest.approx(112.0)  # 12 s spent at the fourth draw: stopped there


def test_the_last_draw_is_kept_however_long_it_took(clock) -> None:
    """When the last draw is answered the work is done: the limit no longer stops it."""
    _spend(clock, [[4.0] * 3])
    assert clock.now == pytest.approx(112.0)


def test_each_pass_of_spreads_is_timed_at_its_own_pace(clock) -> None:
    """`spreads` answers every exact question in one pass, then each other question in a
    pass of its own, all under one plan. A quick pass (200 draws of 2 ms) followed by two
    slow ones (200 of 50 ms: 20.8 s in all) stops once ten draws of the first slow pass
    say so (1.35 s spent); timed together, the quick draws held the median down until the
    time spent passed the limit (10 s of CPU wasted before the line saying so)."""
    with pytest.raises(TooSlow):
        _spend(clock, [[0.002] * 200, [0.05] * 200, [0.05] * 200], set_up=0.4)
    assert clock.now == pytest.approx(100.4 + 200 * 0.002 + 11 * 0.05)


def test_spreads_starts_a_pass_for_each_question_it_answers_alone(monkeypatch) -> None:
    """Under a file's observations every question is a pass of its own (each parameter
    draw is conditioned on the news): `spreads` says so to the limit before each."""
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
