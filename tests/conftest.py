"""Fixtures for the whole suite."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _numpy_kernels_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dated nodes drawn by numpy, as a user's runs are by default: once a test has
    imported numba in a worker (tests/unit/test_kernels.py), ``PACTSIM_KERNELS=auto``
    would hand every later run in that worker to the compiled loops, and the numpy
    path would go untested. The tests of the loops set the variable themselves."""
    monkeypatch.setenv("PACTSIM_KERNELS", "numpy")
