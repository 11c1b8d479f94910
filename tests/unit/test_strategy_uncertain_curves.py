"""pactsim.testing.strategies draws uncertain curve points and ``at_least k of n``
milestones often enough for a property test to meet them, and the points it draws mean
what format 2 says: the curve uses each point's mean (a Beta's a / (a + b); a
``between``'s fitted Beta, whose 5% and 95% quantiles are its bounds)."""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, stats

import pactsim
from pactsim.language.scenario import Beta, Between
from samples import drawn

#: The examples looked at: 300 derandomized dated scenarios (the same on every run),
#: drawn once per process and shared with other tests of the strategies.
EXAMPLES = 300


def _between_mean(lo: float, hi: float) -> float:
    """The mean of the Beta with 5% and 95% quantiles lo and hi, solved here with
    scipy.stats (not pactsim's fit)."""
    def gap(x: np.ndarray) -> np.ndarray:
        a, b = np.exp(x)
        return np.array([stats.beta.ppf(0.05, a, b) - lo, stats.beta.ppf(0.95, a, b) - hi])

    sol = optimize.least_squares(gap, x0=np.zeros(2), xtol=1e-14, ftol=1e-14, gtol=1e-14)
    a, b = np.exp(sol.x)
    assert np.max(np.abs(gap(sol.x))) < 1e-9
    return float(a / (a + b))


def _mean(point: object) -> float:
    if isinstance(point, Beta):
        a, b = point.beta
        return a / (a + b)
    if isinstance(point, Between):
        return _between_mean(*point.between)
    return float(point)  # type: ignore[arg-type]


def test_uncertain_points_and_at_least_k_of_n_are_common() -> None:
    seen = {"uncertain curve": 0, "two or more uncertain points": 0, "beta point": 0,
            "between point": 0, "at_least k < n": 0}

    for sc in drawn(EXAMPLES, dated=True):
        found = set()
        for node in [*sc.events.values(), *([sc.signing] if sc.signing else [])]:
            for by in _curves(node):
                uncertain = [v for v in by.values() if isinstance(v, Beta | Between)]
                if uncertain:
                    found.add("uncertain curve")
                if len(uncertain) >= 2:
                    found.add("two or more uncertain points")
                if any(isinstance(v, Beta) for v in uncertain):
                    found.add("beta point")
                if any(isinstance(v, Between) for v in uncertain):
                    found.add("between point")
            after = getattr(node, "after", None)
            if after is not None and after.mode == "at_least" and after.k < len(after.names):
                found.add("at_least k < n")
        for f in found:
            seen[f] += 1
    # Before 2026-12-02 only a one-point curve could be uncertain (none of 200 such
    # examples had two uncertain points), and at_least k of n drew k = n (an `all`) as
    # often as any other k. (300 examples since the signing may be a milestone, which
    # shifted the derandomized examples: the first 200 then held no at_least k < n.)
    assert seen["uncertain curve"] >= 10, seen
    assert seen["two or more uncertain points"] >= 3, seen
    assert seen["beta point"] >= 3 and seen["between point"] >= 3, seen
    assert seen["at_least k < n"] >= 2, seen


def _curves(node: object) -> list[dict[object, object]]:
    """Every ``by`` curve of a dated node: its own, or each leaf of its table."""
    out = []
    if getattr(node, "by", None):
        out.append(node.by)  # type: ignore[attr-defined]
    stack = [getattr(node, "table", None)]
    while stack:
        t = stack.pop()
        if isinstance(t, dict):
            if "by" in t and isinstance(t["by"], dict):
                out.append(t["by"])
            else:
                stack.extend(t.values())
        elif t is not None and getattr(t, "by", None):
            out.append(t.by)
    return out


def _plain(point: object) -> object:
    if isinstance(point, Beta):
        return {"beta": list(point.beta)}
    if isinstance(point, Between):
        return {"between": list(point.between)}
    return point


def test_a_generated_uncertain_curve_is_used_at_its_means() -> None:
    """Every curve with uncertain points that the strategy draws (on any dated node or
    table row), put on an event of its own: exact inference's P(date <= d) at each
    point d is that point's mean."""
    checked = [0]

    for sc in drawn(EXAMPLES, dated=True):
        for node in [*sc.events.values(), *([sc.signing] if sc.signing else [])]:
            for by in _curves(node):
                if not any(isinstance(v, Beta | Between) for v in by.values()):
                    continue
                alone = pactsim.from_dict({
                    "pactsim": 2, "id": "alone", "as_of": sc.as_of, "horizon": sc.horizon,
                    "events": {"e": {"by": {d: _plain(v) for d, v in by.items()}}}})
                ex = pactsim.exact(alone)
                for day, point in by.items():
                    got = ex.prob(f"e.date <= {day.isoformat()}").value
                    assert math.isclose(got, _mean(point), abs_tol=1e-6), (day, point)
                    checked[0] += isinstance(point, Beta | Between)
    assert checked[0] >= 10, checked
