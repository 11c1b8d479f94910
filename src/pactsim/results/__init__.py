"""Results: streaming statistics, estimates, the summary layer, and the Monte Carlo
and exact result objects. Imports :mod:`pactsim.language` and :mod:`pactsim.inference`."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pactsim.results.estimate import Estimate
    from pactsim.results.exact import ExactResults
    from pactsim.results.montecarlo import Results

__all__ = ["Estimate", "ExactResults", "Results"]

_WHERE = {"Estimate": "estimate", "ExactResults": "exact", "Results": "montecarlo"}


def __getattr__(name: str) -> Any:
    """The result classes, for type hints (``from pactsim.results import Results``),
    imported on first use (as ``pactsim.Results``)."""
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(f"pactsim.results.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'pactsim.results' has no attribute {name!r}")
