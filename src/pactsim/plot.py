"""Briefing-ready figures (public alias of :mod:`pactsim.views.plot`).

``pactsim.plot.signing(res)``, ``pactsim.plot.pillars(res)``, … ; the same
functions are reachable as ``res.plot.signing()`` and so on. Needs matplotlib
(the ``plot`` extra).
"""

from pactsim.views.plot import *  # noqa: F403
from pactsim.views.plot import __all__  # noqa: F401
