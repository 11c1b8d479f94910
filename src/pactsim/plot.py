"""Briefing-ready figures (public alias of :mod:`pactsim.views.plot`).

``pactsim.plot.signing_cdf(res)``, ``pactsim.plot.inclusion(res)``,
``pactsim.plot.bundles(res)``, ``pactsim.plot.numeric(res, name)``,
``pactsim.plot.diff(d)`` (the attribution of a :func:`pactsim.diff`),
``pactsim.plot.tornado(s)`` and ``pactsim.plot.value_of_information(s)`` (of a
:func:`pactsim.sensitivity`), ``pactsim.plot.history(df)`` (the forecast as of
each observation date, of a :func:`pactsim.history`) and
``pactsim.plot.timeline(res)`` (every dated node on one axis),
``pactsim.plot.outcomes(res)`` (a stacked bar of each categorical node's
outcomes); the same
figures are reachable as ``res.plot.signing()``, ``res.plot.pillars()``,
``res.plot.bundles()`` and ``res.plot.numeric(name)``, and ``pactsim.plot.signing``
and ``pactsim.plot.pillars`` are the same functions as ``signing_cdf`` and
``inclusion``. Needs matplotlib (the ``plot`` extra).
"""

from pactsim.views.plot import *  # noqa: F403
from pactsim.views.plot import __all__  # noqa: F401
