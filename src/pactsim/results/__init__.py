"""Results: streaming statistics, estimates, the summary layer, and the Monte Carlo
and exact result objects. Imports :mod:`pactsim.language` and :mod:`pactsim.inference`."""
