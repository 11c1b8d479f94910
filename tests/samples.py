"""Generated scenarios drawn once per test process and shared by the tests that look at
what :func:`pactsim.testing.strategies.scenarios` draws (how often it reaches a feature,
what its uncertain points mean). Drawing is the dear part of those tests (~25 ms a dated
scenario, most of it Hypothesis's own work), and several of them looked at the same
examples, each drawing them again.

Each sample is derandomized: the same scenarios on every run, whatever test asks first,
so a count a test asserts cannot flap. Scenarios are frozen; share them freely.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, Phase, find, settings

from pactsim import Scenario
from pactsim.testing import strategies

_DRAWN: dict[tuple[int, tuple[tuple[str, Any], ...]], tuple[Scenario, ...]] = {}


def drawn(n: int, **kwargs: Any) -> tuple[Scenario, ...]:
    """The first `n` scenarios a derandomized ``strategies.scenarios(**kwargs)`` draws
    (generation only: nothing is shrunk), drawn on the first call in this process."""
    key = (n, tuple(sorted(kwargs.items())))
    if key not in _DRAWN:
        out: list[Scenario] = []

        def collect(sc: Scenario) -> bool:
            if len(out) < n:  # find() calls it once more with the example that ended it
                out.append(sc)
            return len(out) >= n

        find(strategies.scenarios(**kwargs), collect,
             settings=settings(max_examples=2 * n, derandomize=True, database=None,
                               deadline=None, phases=[Phase.generate],
                               suppress_health_check=list(HealthCheck)))
        _DRAWN[key] = tuple(out)
    return _DRAWN[key]
