"""Test doubles shared by several test modules."""

from __future__ import annotations

from typing import Any

import pandas as pd

import pactsim
from pactsim.results.estimate import Estimate

__all__ = ["ExactLike"]


class ExactLike:
    """The exact-results surface (prob/marginals/questions/signing_cdf, stderr 0),
    with no info, bundles, numeric, key_dates or signing_quantiles."""

    def __init__(self, res: pactsim.Results) -> None:
        self._res = res
        self.scenario = res.scenario

    @staticmethod
    def _exact(df: pd.DataFrame) -> pd.DataFrame:
        out = df.copy()
        out["stderr"], out["lo"], out["hi"] = 0.0, out["p"], out["p"]
        return out

    def prob(self, expr: str, given: str | None = None) -> Estimate:
        return Estimate.exact(self._res.prob(expr, given).value)

    def marginals(self) -> pd.DataFrame:
        return self._exact(self._res.marginals())

    def questions(self) -> pd.DataFrame:
        return self._exact(self._res.questions())

    def signing_cdf(self, dates: Any = None) -> pd.DataFrame:
        return self._exact(self._res.signing_cdf(dates))
