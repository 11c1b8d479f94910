"""Fixtures and Hypothesis profiles for the whole suite.

Hypothesis profiles: ``dev`` (the default) is quick for local runs; ``ci`` runs ten
times more examples, derandomised (the same examples on every run, so CI is
reproducible) and without deadlines (shared CI machines are noisy). Select one with
``HYPOTHESIS_PROFILE=dev|ci``; with the environment variable ``CI`` set (as CI services
do) the default is ``ci``. They are loaded here, for every test, so that a run of a few
files uses the profile the whole suite does (loaded in tests/property/ before, they
reached other tests only when that folder was collected too).

Tests whose check is statistical (Monte Carlo against exact or the reference sampler,
within stated standard errors) are derandomised under both profiles: drawn afresh, a
correct engine would fail one now and then; only the invariant properties draw new
examples each ``dev`` run. Tests that are costlier per example scale their own
``max_examples`` from ``settings.default.max_examples`` so that both profiles keep their
budget.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from hypothesis import HealthCheck, settings

# Scenario generation validates each example through the real loader, which is
# slower than Hypothesis expects of a data generator; that is by design.
_SLOW_DATA = [HealthCheck.too_slow]

settings.register_profile(
    "dev",
    max_examples=20,
    deadline=dt.timedelta(seconds=5),
    suppress_health_check=_SLOW_DATA,
)
settings.register_profile(
    "ci",
    max_examples=200,
    derandomize=True,
    database=None,  # derandomized runs neither need nor should write an example database
    deadline=None,
    print_blob=True,
    suppress_health_check=_SLOW_DATA,
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


@pytest.fixture(autouse=True)
def _numpy_kernels_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dated nodes drawn by numpy, as a user's runs are by default: once a test has
    imported numba in a worker (tests/unit/test_kernels.py), ``PACTSIM_KERNELS=auto``
    would hand every later run in that worker to the compiled loops, and the numpy
    path would go untested. The tests of the loops set the variable themselves."""
    monkeypatch.setenv("PACTSIM_KERNELS", "numpy")
