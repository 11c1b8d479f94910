"""Fixtures and Hypothesis profiles for the whole suite.

Hypothesis profiles: ``dev`` (the default) is quick for local runs; ``ci`` runs five
times more examples (Hypothesis's own default of 100), derandomised (the same examples
on every run, so CI is reproducible) and without deadlines (shared CI machines are
noisy). It ran 200 until 2026-12-03, when the suite took 13.5-15 min on CI's 2 cores
against an aim of well under 10; the statistical tests size their error rates by
the number of examples, so fewer examples keep their false-alarm rates. Select one with
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
    max_examples=100,
    derandomize=True,
    database=None,  # derandomized runs neither need nor should write an example database
    deadline=None,
    print_blob=True,
    suppress_health_check=_SLOW_DATA,
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


def _same_examples_whatever_was_imported() -> None:
    """Derandomised examples that depend on the test and its seed only.

    Hypothesis (6.13x and later) mixes into generation constants it reads from every
    local module imported so far (``providers._get_local_constants``; it skips test
    files, not pactsim's own modules), so a derandomised test drew other examples once
    other tests had imported more of pactsim, that is, in another xdist worker or order. A test
    counting how often a feature is drawn saw it 24 times in 300 examples alone and
    never after test_testing_strategies.py (a CI run's worker order). The constants
    Hypothesis ships (``GLOBAL_CONSTANTS``) are kept; only those read from the
    importing process are dropped. Hypothesis's internals: if they change, nothing
    is patched and the suite runs as before."""
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - another Hypothesis layout
        return
    constants = getattr(providers, "Constants", None)
    if constants is None or not callable(getattr(providers, "_get_local_constants", None)):
        return  # pragma: no cover - another Hypothesis layout
    none = constants()
    providers._get_local_constants = lambda: none


_same_examples_whatever_was_imported()


@pytest.fixture(autouse=True)
def _numpy_kernels_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dated nodes drawn by numpy, as a user's runs are by default: once a test has
    imported numba in a worker (tests/unit/test_kernels.py), ``PACTSIM_KERNELS=auto``
    would hand every later run in that worker to the compiled loops, and the numpy
    path would go untested. The tests of the loops set the variable themselves."""
    monkeypatch.setenv("PACTSIM_KERNELS", "numpy")


#: A valid PNG of one white pixel: what a page's figures hold in tests not marked
#: ``figures`` (see :func:`_figures_built_not_drawn`).
ONE_PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944"
    "4154789c63f8ffff3f0005fe02fe0def46b80000000049454e44ae426082")


@pytest.fixture(autouse=True)
def _figures_built_not_drawn(request: pytest.FixtureRequest,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The HTML pages (report, diff, sensitivity) build each figure in tests, but
    draw it as PNG only in tests marked ``figures``: drawing takes ~0.5 s a figure,
    about a tenth of the suite's time, and most tests of a page read its numbers and
    words. Every figure is still made by its plotting function (so one that fails
    fails its page); the ``<img>`` around it, with its alt text and width, is the real
    one, holding :data:`ONE_PIXEL`. The figures themselves are checked by the tests
    marked ``figures`` (the pages' images, the headless browser) and by the plot tests,
    which draw every figure."""
    if request.node.get_closest_marker("figures") is not None:
        return
    from pactsim.views import report

    monkeypatch.setattr(report, "_png_bytes", lambda fig: ONE_PIXEL)
