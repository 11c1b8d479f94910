"""The suite's Hypothesis profile (tests/conftest.py) reaches every test, also in a run
of a few files: ``ci`` (``CI`` set) derandomised with 100 examples, ``dev`` 20."""

from __future__ import annotations

import os
import sys

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


def test_derandomised_examples_do_not_depend_on_what_was_imported(tmp_path, monkeypatch) -> None:
    """tests/conftest.py drops the constants Hypothesis reads from every local module
    imported so far: with them, a derandomised test drew other examples once another
    module had been imported (another xdist worker, another order of files). Here a
    module of unusual numbers is imported between two runs of the same test."""
    import importlib

    from hypothesis import Phase, given
    from hypothesis import strategies as st

    def draws() -> list[int]:
        seen: list[int] = []

        @settings(max_examples=300, derandomize=True, database=None, deadline=None,
                  phases=[Phase.generate])
        @given(st.integers(0, 10**9))
        def look(x: int) -> None:
            seen.append(x)

        look()
        return seen

    before = draws()
    numbers = ", ".join(str(123_456_789 + 7 * i) for i in range(64))
    (tmp_path / "pactsim_probe_constants.py").write_text(f"VALUES = [{numbers}]\n",
                                                          encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module("pactsim_probe_constants")
    try:
        after = draws()
    finally:
        sys.modules.pop("pactsim_probe_constants", None)
    assert len(before) == 300
    assert after == before
