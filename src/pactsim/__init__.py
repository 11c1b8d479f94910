"""pactsim: forecast international agreements by Monte Carlo and exact inference.

>>> import pactsim
>>> sc = pactsim.load("scenarios/iran-russia-2024.yaml")   # doctest: +SKIP
>>> res = pactsim.simulate(sc, n=200_000, seed=7)          # doctest: +SKIP
>>> res.prob("signed_by_2024")                             # doctest: +SKIP
"""

from pactsim import errors
from pactsim._version import __version__
from pactsim.estimate import Estimate
from pactsim.exact import ExactResults, exact
from pactsim.io import dumps, load, loads
from pactsim.montecarlo import simulate
from pactsim.results import Results
from pactsim.scenario import Scenario

__all__ = [
    "Estimate",
    "ExactResults",
    "Results",
    "Scenario",
    "__version__",
    "dumps",
    "errors",
    "exact",
    "load",
    "loads",
    "simulate",
]
