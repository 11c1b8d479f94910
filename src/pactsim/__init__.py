"""pactsim: forecast international agreements by Monte Carlo and exact inference.

>>> import pactsim
>>> sc = pactsim.load("scenarios/iran-russia-2024.yaml")   # doctest: +SKIP
>>> res = pactsim.simulate(sc, n=200_000, seed=7)          # doctest: +SKIP
>>> res.prob("signed_by_2024")                             # doctest: +SKIP

The package is layered (each sub-package imports only those before it)::

    errors ← language ← inference ← results ← montecarlo (simulate) ← analysis ← views ← cli

Public names are imported on first use (module ``__getattr__``), so ``import
pactsim`` stays fast: pandas and scipy load only when a result needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pactsim import errors
from pactsim._version import __version__

if TYPE_CHECKING:
    from pactsim.analysis.check import check
    from pactsim.analysis.diff import Diff, diff
    from pactsim.analysis.history import history
    from pactsim.analysis.pooling import PooledForecast, pool
    from pactsim.analysis.scoring import Scorecard, score
    from pactsim.analysis.sensitivity import Sensitivity, sensitivity
    from pactsim.analysis.spread import Spread, sobol, spread
    from pactsim.analysis.sweep import sweep
    from pactsim.language.evidence import Finding, soft
    from pactsim.language.io import dumps, from_dict, load, loads
    from pactsim.language.resolutions import load_resolutions, loads_resolutions
    from pactsim.language.scenario import Scenario
    from pactsim.montecarlo import simulate
    from pactsim.results.estimate import Estimate
    from pactsim.results.exact import ExactResults, exact
    from pactsim.results.montecarlo import Results

__all__ = [
    "Diff",
    "Estimate",
    "ExactResults",
    "Finding",
    "PooledForecast",
    "Results",
    "Scenario",
    "Scorecard",
    "Sensitivity",
    "Spread",
    "__version__",
    "check",
    "diff",
    "dumps",
    "errors",
    "exact",
    "from_dict",
    "history",
    "load",
    "load_resolutions",
    "loads",
    "loads_resolutions",
    "pool",
    "score",
    "sensitivity",
    "simulate",
    "sobol",
    "soft",
    "spread",
    "spreads",
    "sweep",
]

#: Where each public name lives; imported on first access.
_LAZY = {
    "Diff": "pactsim.analysis.diff",
    "PooledForecast": "pactsim.analysis.pooling",
    "Scorecard": "pactsim.analysis.scoring",
    "Sensitivity": "pactsim.analysis.sensitivity",
    "Spread": "pactsim.analysis.spread",
    "check": "pactsim.analysis.check",
    "Estimate": "pactsim.results.estimate",
    "ExactResults": "pactsim.results.exact",
    "Finding": "pactsim.language.evidence",
    "Results": "pactsim.results.montecarlo",
    "Scenario": "pactsim.language.scenario",
    "diff": "pactsim.analysis.diff",
    "dumps": "pactsim.language.io",
    "exact": "pactsim.results.exact",
    "from_dict": "pactsim.language.io",
    "history": "pactsim.analysis.history",
    "load": "pactsim.language.io",
    "load_resolutions": "pactsim.language.resolutions",
    "loads": "pactsim.language.io",
    "loads_resolutions": "pactsim.language.resolutions",
    "pool": "pactsim.analysis.pooling",
    "score": "pactsim.analysis.scoring",
    "sensitivity": "pactsim.analysis.sensitivity",
    "simulate": "pactsim.montecarlo",
    "sobol": "pactsim.analysis.spread",
    "soft": "pactsim.language.evidence",
    "spread": "pactsim.analysis.spread",
    "spreads": "pactsim.analysis.spread",
    "sweep": "pactsim.analysis.sweep",
}


#: Sub-packages reachable as attributes (``pactsim.plot.timeline(res)``), imported on
#: first access like the names above (they need optional dependencies such as matplotlib).
_SUBMODULES = frozenset({"plot", "testing"})


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        sub = importlib.import_module(f"pactsim.{name}")
        globals()[name] = sub
        return sub
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pactsim' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    """The public names (tab completion): ``__all__``, the sub-packages reachable as
    attributes, and the modules already imported; not this module's own helpers."""
    loaded = {k for k, v in globals().items()
              if not k.startswith("_") and getattr(v, "__name__", "").startswith("pactsim.")
              and type(v).__name__ == "module"}
    return sorted(set(__all__) | _SUBMODULES | loaded | {"__version__"})
