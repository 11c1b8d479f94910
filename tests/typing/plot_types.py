"""Checked by mypy (``make lint``), never run: what the plot methods return is
typed by whether an ``ax`` is given, so ``res.plot.signing().savefig(...)`` type-checks."""

from __future__ import annotations

from typing import assert_type

from matplotlib.axes import Axes
from matplotlib.figure import Figure

import pactsim


def _check(res: pactsim.Results, ex: pactsim.ExactResults, ax: Axes) -> None:
    assert_type(res.plot.signing(), Figure)
    res.plot.signing().savefig("signing.png")
    assert_type(res.plot.signing(ax), Axes)
    assert_type(ex.plot.signing(ax=ax), Axes)
    assert_type(res.plot.timeline(), Figure)
    assert_type(res.plot.date_cdf("in_force"), Figure)
    assert_type(res.plot.date_cdf("in_force", ax), Axes)
    assert_type(res.plot.pillars(ax), Axes)
    assert_type(res.plot.bundles(), Figure)
    assert_type(res.plot.bundles(5, ax), Axes)
    assert_type(res.plot.bundles(ax=ax), Axes)
    assert_type(res.plot.outcomes(["instc"]), Figure)
    assert_type(res.plot.outcomes(ax=ax), Axes)
    assert_type(res.plot.numeric("n_pillars"), Figure)
    assert_type(res.plot.numeric("n_pillars", ax=ax), Axes)


def _quantiles(res: pactsim.Results, ex: pactsim.ExactResults) -> None:
    """review-python16 F7: Monte Carlo date quantiles are typed by ``band`` as exact's are."""
    import pandas as pd

    assert_type(res.date_quantiles("in_force"), pd.Series)
    assert_type(res.date_quantiles("in_force", band=True), pd.DataFrame)
    assert_type(res.signing_quantiles(band=True), pd.DataFrame)
    assert_type(ex.date_quantiles("in_force", band=True), pd.DataFrame)
