"""Pooling analysts: several scenario files for one agreement, one forecast per question.

Each analyst's file gives P(item) for every true/false name the files share
(questions, events, signing, pillars, clauses). With weights :math:`w_i`
(normalised to sum to 1):

* the **geometric mean of odds** (the default; Satopää et al. 2014, "Combining
  multiple probability predictions using a simple logit model"):
  :math:`\\mathrm{odds} = \\prod_i (p_i / (1 - p_i))^{w_i}`;
* the **linear pool** :math:`\\sum_i w_i p_i`;

then optionally **extremized**: the pooled odds raised to the power
``extremize`` (:math:`a > 1` pushes away from 1/2; :math:`a = 1` changes nothing).
A 0 and a 1 among the analysts (of weight above 0) make the geometric pool
undefined (NaN).
Every pooled number keeps its provenance: each analyst's own number and weight.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from pactsim.errors import ArgumentError, ExactUnsupportedError, ModelTooWideError
from pactsim.language.io import load
from pactsim.language.resolutions import scenario_scope
from pactsim.language.scenario import Scenario
from pactsim.montecarlo import simulate
from pactsim.results.exact import exact

__all__ = ["PooledForecast", "pool", "pool_probabilities"]

PoolMethod = Literal["geometric", "linear"]


def pool_probabilities(p: Any, *, weights: Any = None, method: PoolMethod = "geometric",
                       extremize: float = 1.0) -> float:
    """Pool one question's probabilities (see the module docstring).

    >>> round(pool_probabilities([0.6, 0.9]), 4)   # odds 1.5 and 9 -> sqrt(13.5)
    0.7861
    >>> round(pool_probabilities([0.6, 0.9], method="linear"), 4)
    0.75
    """
    pv = np.asarray(p, dtype=float).ravel()
    w = np.ones_like(pv) if weights is None else np.asarray(weights, dtype=float).ravel()
    if method not in ("geometric", "linear"):
        raise ArgumentError(f"pool_probabilities(): method = {method!r}; use 'geometric' or "
                            "'linear'")
    if pv.size == 0 or np.any((pv < 0) | (pv > 1)):
        raise ArgumentError(f"pool_probabilities(): p = {p!r}: give one or more "
                            "probabilities in [0, 1]")
    if (w.shape != pv.shape or not np.all(np.isfinite(w)) or np.any(w < 0)
            or not np.any(w > 0)):
        raise ArgumentError(f"pool_probabilities(): weights = {weights!r}: give one weight "
                            f">= 0 per probability ({pv.size}), not all 0")
    w = w / w.max()  # first, so that weights near the largest float do not sum to inf
    w = w / w.sum()
    if method == "linear":
        pooled = float(np.sum(w * pv))
        logit = _logit(pooled)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            logits = np.log(pv) - np.log1p(-pv)
        used = logits[w > 0]  # an analyst of weight 0 is left out
        if np.isposinf(used).any() and np.isneginf(used).any():
            return math.nan
        logit = float(np.sum(w[w > 0] * logits[w > 0]))
    if extremize != 1.0:
        logit *= extremize
    return _expit(logit)


def _logit(p: float) -> float:
    if p <= 0:
        return -math.inf
    if p >= 1:
        return math.inf
    return math.log(p) - math.log1p(-p)


def _expit(x: float) -> float:
    if math.isnan(x):
        return math.nan
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@dataclass(frozen=True)
class PooledForecast:
    """Pooled forecasts with provenance (made by :func:`pool`).

    Attributes
    ----------
    table:
        Indexed by item: ``pooled``, then one column per analyst with that
        analyst's P(item), ``spread`` (largest minus smallest).
    analysts:
        Analyst names, in order, with ``weights`` (normalised) and ``files``.
    method, extremize:
        How the numbers were pooled.
    """

    table: pd.DataFrame
    analysts: tuple[str, ...]
    weights: tuple[float, ...]
    files: tuple[str, ...]
    method: str
    extremize: float
    scenario: str

    def provenance(self, item: str) -> pd.DataFrame:
        """Who gave what for `item`: analyst, file, p, weight."""
        if item not in self.table.index:
            raise ArgumentError(f"provenance(): {item!r} is not a pooled item")
        return pd.DataFrame({"analyst": self.analysts, "file": self.files,
                             "p": [float(self.table.loc[item, a]) for a in self.analysts],  # type: ignore[arg-type]
                             "weight": self.weights})

    def to_json(self) -> str:
        from pactsim.views.scoring import pool_to_json

        return pool_to_json(self)

    def to_csv(self) -> str:
        from pactsim.views.scoring import pool_to_table

        return pool_to_table(self).to_csv(index=False)

    def __str__(self) -> str:
        from pactsim.views.scoring import format_pool

        return format_pool(self)


def pool(scenarios: Sequence[Scenario | str | os.PathLike[str]], *,
         method: PoolMethod = "geometric", extremize: float = 1.0,
         weights: Sequence[float] | None = None, names: Sequence[str] | None = None,
         n: int = 200_000, seed: int = 0) -> PooledForecast:
    """Pool several analysts' scenario files for the same agreement.

    Parameters
    ----------
    scenarios:
        Two or more scenarios (or files), one per analyst, with the same id.
    method:
        ``"geometric"`` (geometric mean of odds, the default) or ``"linear"``.
    extremize:
        Power applied to the pooled odds (1: none; the literature's values are 1.5–2.5).
    weights:
        One non-negative weight per analyst (default equal), normalised.
    names:
        Analyst names (default: each file's name without folder and ``.yaml``,
        or the scenario's id with its position).
    n, seed:
        Monte Carlo draws and seed, used only where exact inference cannot answer.

    Examples
    --------
    >>> pooled = pool(["a.yaml", "b.yaml"])     # doctest: +SKIP
    >>> pooled.table.loc["signed_by_2024"]      # doctest: +SKIP
    """
    items = list(scenarios)
    if len(items) < 2:
        raise ArgumentError(f"pool(): give two or more scenarios (got {len(items)})")
    if method not in ("geometric", "linear"):
        raise ArgumentError(f"pool(): method = {method!r}; use 'geometric' or 'linear'")
    if not (isinstance(extremize, int | float) and math.isfinite(extremize) and extremize > 0):
        raise ArgumentError(f"pool(): extremize = {extremize!r} must be a number > 0")
    w = [1.0] * len(items) if weights is None else [float(x) for x in weights]
    if len(w) != len(items) or any(not math.isfinite(x) or x < 0 for x in w) or sum(w) <= 0:
        raise ArgumentError(f"pool(): weights = {weights!r}: give one weight >= 0 per scenario "
                            f"({len(items)}), not all 0")
    top = max(w)  # scaled first: weights near the largest float must not sum to inf
    total = sum(x / top for x in w)
    w = [x / top / total for x in w]
    scs = [s if isinstance(s, Scenario) else load(s) for s in items]
    files = [str(s) if not isinstance(s, Scenario) else "" for s in items]
    if names is None:
        names = [os.path.basename(f).removesuffix(".yaml").removesuffix(".yml") if f
                 else f"{sc.id}#{i + 1}" for i, (f, sc) in enumerate(zip(files, scs, strict=True))]
    names = list(names)
    if len(names) != len(scs) or len(set(names)) != len(names):
        raise ArgumentError(f"pool(): names = {names!r}: give one distinct name per scenario")
    ids = {sc.id for sc in scs}
    if len(ids) > 1:
        raise ArgumentError(f"pool(): the scenarios forecast different agreements (ids "
                            f"{', '.join(sorted(ids))}); pool files with the same id")
    scopes = [scenario_scope(sc) for sc in scs]
    shared = [k for k, v in scopes[0].items()
              if v.type == "bool" and all(k in s and s[k].type == "bool" for s in scopes[1:])]
    if not shared:
        raise ArgumentError("pool(): the scenarios share no true/false question or node name")
    # a categorical node's outcome row (``instc=named``) is pooled as ``instc == named``
    shared = [k.replace("=", " == ", 1) if "=" in k else k for k in shared]
    cols: dict[str, list[float]] = {}
    for name, sc in zip(names, scs, strict=True):
        cols[name] = _probs(sc, shared, n=n, seed=seed)
    table = pd.DataFrame(cols, index=pd.Index(shared, name="item"))
    pooled = [pool_probabilities(table.loc[i].to_numpy(dtype=float), weights=w, method=method,
                                 extremize=extremize) for i in shared]
    table.insert(0, "pooled", pooled)
    table["spread"] = table[names].max(axis=1) - table[names].min(axis=1)
    return PooledForecast(table, tuple(names), tuple(w), tuple(files), method, float(extremize),
                          scs[0].id)


def _probs(sc: Scenario, names: Sequence[str], *, n: int, seed: int) -> list[float]:
    try:
        ex = exact(sc)
        return [float(ex.prob(x)) for x in names]
    except (ExactUnsupportedError, ModelTooWideError):
        res = simulate(sc, n=n, seed=seed, progress=False)
        return [float(res.prob(x)) for x in names]
