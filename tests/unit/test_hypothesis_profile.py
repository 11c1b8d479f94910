"""The suite's Hypothesis profile (tests/conftest.py) reaches every test, also in a run
of a few files: ``ci`` (``CI`` set) derandomised with 100 examples, ``dev`` 20."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings


def test_the_profile_of_the_environment_is_loaded_for_a_unit_test() -> None:
    chosen = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
    if chosen not in ("ci", "dev"):
        pytest.skip(f"HYPOTHESIS_PROFILE={chosen!r} is not one of the suite's")
    want = settings.get_profile(chosen)
    got = settings.default
    assert (got.max_examples, got.derandomize, got.deadline) == \
        (want.max_examples, want.derandomize, want.deadline)
    assert got.max_examples == (100 if chosen == "ci" else 20)
