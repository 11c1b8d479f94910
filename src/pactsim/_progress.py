"""One progress bar for every long step (runs, sweeps, calibration).

``tqdm.auto`` draws a widget in a notebook, but where the notebook has no
``ipywidgets`` it warns (``TqdmWarning: IProgress not found``) on every bar;
there the plain text bar is used instead.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["progress_bar"]


def progress_bar(**kwargs: Any) -> Any:
    """A ``tqdm`` bar: the notebook widget where it can be drawn, else the text one."""
    if "ipykernel" in sys.modules:
        import importlib.util

        if importlib.util.find_spec("ipywidgets") is None:
            from tqdm.std import tqdm as text_bar

            return text_bar(**kwargs)
    from tqdm.auto import tqdm

    return tqdm(**kwargs)
