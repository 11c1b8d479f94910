"""The exported surface is exactly what the docs promise."""

from __future__ import annotations

import subprocess
import sys

import pactsim

DOCUMENTED = {
    "Estimate", "ExactResults", "Results", "Scenario", "__version__", "dumps", "errors",
    "exact", "from_dict", "load", "loads", "simulate", "sweep",
    "load_resolutions", "pool", "score",  # keeping score (issue 13)
    "loads_resolutions",  # beside loads (review-python16: notebook 04 imported it deep)
    "diff",  # issue 11, item 7
    "history",  # issue 11, item 1: the forecast as of each observation date
    "spread", "spreads", "sobol",  # issue 12: the spread over the uncertain inputs
    "sensitivity",  # issue 12: what drives the forecast
    "soft", "Finding",  # issue 11, items 1 and 3: evidence for simulate, exact and given
    "check",  # `pactsim check` from Python
    # what the analyses return, for type hints (README, "Using it")
    "Diff", "Sensitivity", "Spread", "PooledForecast", "Scorecard",
}


def test_the_analyses_return_the_exported_types() -> None:
    """Each exported result type is what its function is annotated to return (so that
    ``def f(s: pactsim.Sensitivity)`` names the right class)."""
    import typing

    for func, cls in ((pactsim.diff, pactsim.Diff), (pactsim.sensitivity, pactsim.Sensitivity),
                      (pactsim.spread, pactsim.Spread), (pactsim.pool, pactsim.PooledForecast),
                      (pactsim.score, pactsim.Scorecard)):
        assert typing.get_type_hints(func)["return"] is cls, func.__name__
    assert pactsim.check.__module__ == "pactsim.analysis.check"


def test_all_is_the_documented_surface():
    assert set(pactsim.__all__) == DOCUMENTED
    for name in pactsim.__all__:
        assert hasattr(pactsim, name), name


def test_errors_hierarchy():
    from pactsim import errors

    assert issubclass(errors.ScenarioError, errors.PactsimError)
    assert issubclass(errors.ScenarioError, ValueError)
    assert issubclass(errors.ConditionError, ValueError)
    assert issubclass(errors.ModelTooWideError, errors.PactsimError)
    for cls in (errors.ScenarioError, errors.ConditionError, errors.ModelTooWideError):
        assert cls.__doc__ and "Usual causes" in cls.__doc__


def test_import_is_light():
    """`import pactsim` does not pull in pandas, scipy, pydantic, matplotlib or tqdm."""
    code = ("import sys, pactsim; bad = [m for m in ('pandas', 'scipy', 'pydantic', 'matplotlib',"
            " 'tqdm') if m in sys.modules]; print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_version_is_a_string():
    assert isinstance(pactsim.__version__, str) and pactsim.__version__.count(".") == 2


def test_public_names_resolve_lazily_to_their_modules():
    from pactsim.language.io import load
    from pactsim.montecarlo import simulate
    from pactsim.results.exact import exact

    assert pactsim.load is load and pactsim.simulate is simulate and pactsim.exact is exact
    assert set(pactsim.__all__) <= set(dir(pactsim))


def test_unknown_attribute_is_an_attribute_error():
    import pytest

    with pytest.raises(AttributeError, match="no attribute 'simulat'"):
        pactsim.simulat  # noqa: B018


def test_plot_alias_is_the_views_module():
    from pactsim import plot
    from pactsim.views import plot as views_plot

    assert plot.signing_cdf is views_plot.signing_cdf


def test_scenario_tab_completion_hides_deprecated_pydantic_methods() -> None:
    sc = pactsim.loads("pactsim: 1\nid: x\nas_of: 2024-01-01\nhorizon: 2024-12-31\n")
    names = dir(sc)
    assert "with_changes" in names and "model_dump" in names and "digest" in names
    assert not {"dict", "json", "parse_obj", "copy", "schema"} & set(names)


def test_plot_and_testing_are_reachable_as_attributes():
    """`pactsim.plot.history(df)` works after `import pactsim` alone (imported on first
    access, as the public names are); they are sub-packages, not names of __all__."""
    import subprocess
    import sys

    code = ("import sys, pactsim; assert 'pactsim.plot' not in sys.modules; "
            "f = pactsim.plot.timeline; t = pactsim.testing.strategies; "
            "assert 'pactsim.plot' in sys.modules; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "ok"
    assert "plot" not in pactsim.__all__
