"""One progress bar for every long step (runs, sweeps, calibration).

``tqdm.auto`` draws a widget in a notebook, but where the notebook has no
``ipywidgets`` it warns (``TqdmWarning: IProgress not found``) on every bar;
there the plain text bar is used instead.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

__all__ = ["long_run_note", "progress_bar"]

#: Called once with a line of text when a Monte Carlo run without a progress bar will
#: take more than a minute more at the pace of its first seconds
#: (:class:`pactsim.montecarlo._Pace`). The command line sets it: ``-n 1e12`` typed for
#: ``1e6`` would otherwise run for days without a word. ``None`` (the default): no note;
#: a notebook shows a progress bar instead.
long_run_note: Callable[[str], None] | None = None


def progress_bar(**kwargs: Any) -> Any:
    """A ``tqdm`` bar: the notebook widget where it can be drawn, else the text one."""
    if "ipykernel" in sys.modules:
        import importlib.util

        if importlib.util.find_spec("ipywidgets") is None:
            from tqdm.std import tqdm as text_bar

            return text_bar(**kwargs)
    from tqdm.auto import tqdm

    return tqdm(**kwargs)
