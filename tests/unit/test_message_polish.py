"""Error messages a new user met on 2026-12-01 (review of that day): each names the
fix, in the file's own format, once."""

from __future__ import annotations

import pytest

import pactsim
from pactsim.errors import ScenarioError

HEAD = "as_of: 2025-01-15\nhorizon: 2025-12-31\n"


def _problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        pactsim.loads(text, name="f.yaml")
    return [str(p) for p in info.value.problems]


def test_missing_id_names_the_files_own_format() -> None:
    (msg,) = _problems("pactsim: 2\n" + HEAD + "events:\n  a: {p: 0.5}\n")
    assert "every scenario starts with pactsim: 2, id, as_of and horizon" in msg


def test_p_on_a_curve_timed_node_says_where_its_chance_goes() -> None:
    msgs = _problems("pactsim: 1\nid: x\n" + HEAD + "signing:\n  p: 0.7\n")
    (unknown,) = [m for m in msgs if "unknown field 'p'" in m]
    assert "its chance by the horizon is the last point of `by`" in unknown
    # an ordinary event takes p: no such hint where p is not the mistake
    msgs = _problems("pactsim: 1\nid: x\n" + HEAD + "events:\n  a: {p: 0.5, pp: 1}\n")
    assert not any("last point of `by`" in m for m in msgs)


def test_a_point_before_as_of_gives_the_first_day_it_may_take() -> None:
    (msg,) = _problems("pactsim: 1\nid: x\n" + HEAD +
                       "signing:\n  by: {2025-01-10: 0.1, 2025-06-30: 0.5}\n")
    assert msg.startswith("f.yaml:6:8: signing.by.2025-01-10: date 2025-01-10 is not after")
    assert "give its points from 2025-01-16 on (or move as_of earlier)" in msg


def test_a_horizon_before_as_of_is_reported_once_not_at_every_point() -> None:
    msgs = _problems("pactsim: 2\nid: x\nas_of: 2026-01-15\nhorizon: 2025-12-31\n"
                     "signing:\n  by: {2025-03-10: 0.1, 2025-06-30: 0.5, 2025-09-30: 0.6}\n"
                     "events:\n  e: {by: {2025-03-01: 0.2}}\n")
    assert len(msgs) == 1 and "horizon: = 2025-12-31 must be after as_of" in msgs[0], msgs


def test_sensitivity_header_says_the_news_it_is_conditioned_on() -> None:
    """Under a file's observations the answers are conditioned on them (the question's
    P below is the news's, checked against exact with the same findings); the header
    says so as `run` does, not the priors' date alone."""
    from pathlib import Path

    from pactsim.views.sensitivity import format_sensitivity

    root = Path(__file__).resolve().parents[2]
    sc = pactsim.load(root / "scenarios/variants/iran-russia-2024-news.yaml")
    s = pactsim.sensitivity(sc, "signed_by_q1_2025", voi=False, only=["alignment.mean"])
    head = format_sensitivity(s).splitlines()[0]
    last = max(f.date for f in sc.findings())
    assert head == (f"scenario: {sc.id} (digest {sc.digest[:12]}), as of {last} (the priors "
                    f"of {sc.as_of} and the news to then)")
    ex = pactsim.exact(sc, evidence=list(sc.findings()), observations=False)
    assert s.base == pytest.approx(ex.prob("signed_by_q1_2025").value, abs=1e-9)
    plain = pactsim.sensitivity(pactsim.load(root / "scenarios/iran-russia-2024.yaml"),
                                "signed_by_q1_2025", voi=False, only=["alignment.mean"])
    assert format_sensitivity(plain).splitlines()[0].endswith(", as of 2024-11-05")
