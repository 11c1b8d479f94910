"""Which implementation draws dated nodes from their tables: numpy, or compiled loops.

The numpy path of :mod:`pactsim.inference.dated` makes several passes over a
block for each dated node (the key's bin, a gather, the keys whose bin straddles
a step, the bit, the horizon, the missing days), and the statistics one more for
its per-day histogram. With numba installed (the ``fast`` extra:
``pip install 'pactsim[fast]'``), :mod:`pactsim.inference._loops` draws each
such node in one loop and counts its histogram in another: the same keys from
the same generator, so the same days, bits and counts (the tests compare them
draw for draw), in under half the time of the whole run on the benchmark's
five dated nodes. Nodes whose hazard ratio is set per draw (by a driver, or by more
binary parents than fold into tables) and runs under evidence stay with numpy.

Which one runs is the environment variable :data:`ENV` (``PACTSIM_KERNELS``):

``numpy``
    always numpy;
``numba``
    the compiled loops wherever they apply (an error if numba cannot be imported);
``auto`` (the default, also when unset or empty)
    the loops where they pay for themselves: numba is installed and either
    already imported in this process, or the run draws at least
    :data:`AUTO_WORK` dated days (draws times dated nodes). The first use in a
    process costs about 0.7 s (importing numba and loading the compiled loops;
    on a machine's first use, compiling them, a few seconds more, cached in
    ``__pycache__``), which only a long run wins back; in a session that
    calls :func:`pactsim.simulate` many times, set ``PACTSIM_KERNELS=numba``.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from types import ModuleType

from pactsim.errors import ArgumentError

__all__ = ["AUTO_WORK", "ENV", "FROM", "loops", "mode"]

#: The environment variable that chooses the implementation.
ENV = "PACTSIM_KERNELS"
#: Under ``auto``, dated days in a run (draws times dated nodes) from which the loops
#: are used even when numba is not imported yet, to win back the 0.7 s of their first
#: use. They save 4-5 ns of numpy's ~9 ns a dated day on the 2-core machine (dated-5
#: at 10^6 draws), so the first run wins it back from about 1.5e8 dated days; set at
#: 1e8 when they saved 9 ns, and kept: a run that size loses at most ~0.25 s once, and
#: every later run in the process gains.
AUTO_WORK = 100_000_000
#: Draws of a block from which the loops are used (below, numpy's passes cost less
#: than calling in).
FROM = 1024
MODES = ("numpy", "numba", "auto")

_LOADED: ModuleType | None = None


def mode() -> str:
    """``numpy``, ``numba`` or ``auto``, from :data:`ENV` (``auto`` when unset).

    Raises :class:`~pactsim.errors.ArgumentError` for any other value.
    """
    raw = os.environ.get(ENV, "")
    value = raw.strip().lower() or "auto"
    if value not in MODES:
        raise ArgumentError(f"environment variable {ENV}={raw!r}: use one of "
                            f"{', '.join(MODES)} (or leave it unset: auto)")
    return value


def loops(work: int) -> ModuleType | None:
    """The compiled loops for a run that draws ``work`` dated days, or ``None`` where
    numpy draws them (see the module docstring).

    Raises :class:`~pactsim.errors.ArgumentError` when :data:`ENV` asks for numba
    and it cannot be imported.
    """
    global _LOADED
    m = mode()
    if m == "numpy":
        return None
    if _LOADED is not None:
        return _LOADED
    if m == "auto" and not ("numba" in sys.modules or work >= AUTO_WORK):
        return None
    if m == "auto" and importlib.util.find_spec("numba") is None:
        return None
    try:
        compiled = importlib.import_module("pactsim.inference._loops")
    except Exception as exc:  # not installed, built for another numpy, or broken
        if m == "numba":
            raise ArgumentError(
                f"environment variable {ENV}=numba: numba cannot be imported ({exc}); "
                "install it with pip install 'pactsim[fast]', or unset "
                f"{ENV}") from exc
        return None
    _LOADED = compiled
    return _LOADED
