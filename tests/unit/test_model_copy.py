"""``Scenario.model_copy(update=...)`` reads the copy afresh.

pydantic copies a model's ``__dict__`` (with ``functools.cached_property`` values
such as the digest) and its private attributes (the compiled model, the base a
``with_changes`` variant is compiled from). A copy with other values must not keep
them: it would compare equal to the original and answer with the old numbers.
The reference is ``with_changes`` of the same value, which validates and compiles
from scratch.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

import pactsim
from pactsim.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"
ANALYTIC = ROOT / "scenarios" / "analytic-independent.yaml"


def _marginals(sc: pactsim.Scenario) -> dict[str, float]:
    return {str(k): float(v) for k, v in pactsim.exact(sc).marginals()["p"].items()}


@pytest.mark.parametrize("compiled", [False, True])
def test_copy_with_new_events_answers_with_them(compiled: bool) -> None:
    sc = pactsim.load(FLAGSHIP)
    if compiled:
        pactsim.exact(sc)  # compiles it and caches its digest
    target = sc.with_changes({"us_trump_win.p": 1.0})
    copy = sc.model_copy(update={"events": target.events})
    assert copy.digest == target.digest != sc.digest
    assert copy == target and copy != sc
    got, want = _marginals(copy), _marginals(target)
    assert got == want
    # the change reaches the answers (so the comparison above can fail)
    assert want["us_trump_win"] == 1.0 != _marginals(sc)["us_trump_win"]


def test_copy_of_an_uncompiled_variant_is_not_compiled_from_its_base() -> None:
    sc = pactsim.load(FLAGSHIP)
    pactsim.exact(sc)
    variant = sc.with_changes({"new_sanctions.p": 0.9})  # compiled from sc's model when used
    target = sc.with_changes({"us_trump_win.p": 1.0})
    copy = variant.model_copy(update={"events": target.events})
    assert _marginals(copy) == _marginals(target)


def test_copy_without_update_keeps_the_caches_and_the_answers() -> None:
    sc = pactsim.load(ANALYTIC)
    before = _marginals(sc)
    digest = sc.digest  # (cached from here)
    copy = sc.model_copy()
    # the caches are shared, not worked out again: the same compiled model and digest
    assert copy._compiled is sc._compiled is not None
    assert "digest" in copy.__dict__ and copy.__dict__["digest"] == digest
    assert copy == sc
    assert _marginals(copy) == before


def test_copy_with_a_new_title_has_a_new_digest_and_the_same_numbers() -> None:
    sc = pactsim.load(ANALYTIC)
    sc.digest  # noqa: B018  (cached)
    copy = sc.model_copy(update={"title": "another title"})
    assert copy.title == "another title"
    assert copy.digest != sc.digest
    assert copy.digest == sc.with_changes({"title": "another title"}).digest
    a, b = _marginals(sc), _marginals(copy)
    assert a.keys() == b.keys()
    assert np.allclose(list(a.values()), list(b.values()), rtol=0, atol=0)


@pytest.mark.parametrize("copy", ["model_copy", "copy"])
@pytest.mark.parametrize(("update", "said"), [
    ({"horizon": dt.date(2024, 1, 1)},
     "horizon: = 2024-01-01 must be after as_of (2024-11-05)"),
    ({"events": {"a": 5}}, "events.a: = 5 must be a mapping of fields"),
])
def test_a_copy_with_a_bad_value_is_refused_naming_the_field(copy, update, said) -> None:
    """review-api27: model_copy(update=...) made a scenario with a horizon before as_of,
    which simulate answered and exact met with a numpy error."""
    sc = pactsim.load(FLAGSHIP)
    with pytest.raises(ScenarioError) as err:
        getattr(sc, copy)(update=update)
    assert f"iran-russia-2024 (model_copy): {said}" in str(err.value)
