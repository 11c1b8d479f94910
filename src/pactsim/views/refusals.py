"""What exact inference refused while a view was drawn (for ``--method exact|auto``).

The views show exact results part by part: a part exact inference refuses
(:class:`~pactsim.errors.ModelTooWideError`,
:class:`~pactsim.errors.ExactUnsupportedError`) reads "—" or is a note, and the rest
is drawn. The command line's ``--method exact`` and ``auto`` promise a whole
forecast, or none: inside :func:`watching`, each such refusal a view makes is
recorded (:func:`refused`), so the caller can refuse the page (``exact``) or draw
it by Monte Carlo instead (``auto``). The sets of every pillar and clause at once
(whole texts) are not recorded: for a scenario of 30 of them they are beyond exact
inference by design, ``pactsim run`` does not print them, and the page says
Monte Carlo estimates them.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from pactsim.errors import PactsimError

_SEEN: ContextVar[list[PactsimError] | None] = ContextVar("pactsim_refusals", default=None)


@contextmanager
def watching() -> Iterator[list[PactsimError]]:
    """Record, in the list yielded, each part a view leaves out because exact inference
    refused it (in the order met)."""
    seen: list[PactsimError] = []
    token = _SEEN.set(seen)
    try:
        yield seen
    finally:
        _SEEN.reset(token)


def refused(err: PactsimError) -> None:
    """A view left a part out because exact inference refused it with ``err``."""
    seen = _SEEN.get()
    if seen is not None:
        seen.append(err)
