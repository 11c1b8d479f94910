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

**Categorical nodes** (format 3 ``levels:``). The outcome rows of one node
(``instc == generic``, ``instc == named``) and the node's own row (``instc``:
not absent) are pooled together, as one distribution over the node's levels
:math:`k`:

* geometric: :math:`q_k \\propto \\prod_i p_{ik}^{w_i}` (analysts of weight 0 left out),
* linear: :math:`q_k = \\sum_i w_i p_{ik}`,

extremized as :math:`q_k \\propto q_k^a`, normalised to sum to 1. A node with an
``absent`` level is pooled in two steps: first whether it is in the text at
all, :math:`P_i = 1 - p_{i,\\mathrm{absent}}` pooled as a true/false item (above)
to :math:`P`, then its levels given that it is, :math:`p_{ik} / P_i`, as one distribution
(analysts who never have it left out), and :math:`q_k = P \\cdot q_{k|P}`. The
linear pool of the levels given present is the mixture's,
:math:`q_{k|P} = \\sum_i w_i p_{ik} / \\sum_i w_i P_i` (each analyst weighted by
:math:`w_i P_i`, so without extremizing :math:`q_k = \\sum_i w_i p_{ik}` exactly);
the geometric pool takes the :math:`p_{ik} / P_i` with the weights :math:`w_i`. So the
node's row pools exactly as a true/false item would: a pillar that every file
has in the text exactly when the agreement is signed pools to P(signed), as
the normalised pool over all levels would not (it moves the absent level when
the analysts agree on it but not on the rest). The rows sum to the node's row.
For two levels this is exactly the binary pool above (the geometric mean of
odds, odds^a), so a true/false item and a two-level node get the same numbers;
the linear pool is the same either way, unless extremized. A level that some
analyst (of weight above 0) gives probability 0 pools to 0 by the geometric
mean; when that leaves every level at 0 (no level possible for all analysts at
once, as a 0 and a 1 for a true/false item) the node's rows are all undefined
(NaN). This is done only when every file gives the node the same levels and
all its rows are shared; otherwise each shared row is pooled on its own, as a
true/false item, and need not sum to 1 - P(absent). Column ``pooled_as`` of
the table and :attr:`PooledForecast.notes` say which rows were pooled how.

Every pooled number keeps its provenance: each analyst's own number and weight.
"""

from __future__ import annotations

import itertools
import math
import numbers
import os
import reprlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from pactsim.errors import (
    ArgumentError,
    ArgumentTypeError,
    ExactUnsupportedError,
    ModelTooWideError,
    printable,
)
from pactsim.language import expr as _expr
from pactsim.language.expr import ABSENT, outcome_name
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
        analyst's P(item), ``spread`` (largest minus smallest), ``pooled_as``:
        ``"item"`` (pooled on its own), ``"distribution of X"`` (a row of
        categorical node ``X``, pooled with its other levels as one
        distribution) or ``"item: X's levels differ between files"`` (a row
        of ``X`` pooled on its own, because the files disagree on its levels).
    analysts:
        Analyst names, in order, with ``weights`` (normalised) and ``files``.
    method, extremize:
        How the numbers were pooled.
    notes:
        One sentence per categorical node with shared rows: how they were pooled.
    answered_by:
        How each analyst's numbers were computed: ``"exact"``, or ``"montecarlo"``
        (``n`` draws, ``seed``) where exact inference refused that file.
    """

    table: pd.DataFrame
    analysts: tuple[str, ...]
    weights: tuple[float, ...]
    files: tuple[str, ...]
    method: str
    extremize: float
    scenario: str
    notes: tuple[str, ...] = ()
    answered_by: tuple[str, ...] = ()
    n: int = 0
    seed: int = 0

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
        from pactsim.views.export import csv_text
        from pactsim.views.scoring import pool_to_table

        return csv_text(pool_to_table(self))

    def __str__(self) -> str:
        from pactsim.views.scoring import format_pool

        return format_pool(self)

    def __repr__(self) -> str:
        return (f"<PooledForecast of {self.scenario!r}: {len(self.table)} items from "
                f"{len(self.analysts)} analysts ({', '.join(self.analysts)}), {self.method} "
                "pool; print() for the table>")

    def _repr_html_(self) -> str:
        from html import escape

        from pactsim.views.display import styled

        return styled(f"<pre>{escape(str(self))}</pre>")


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
        The rows of a categorical node are pooled together, when every file gives
        the node the same levels: a node with an ``absent`` level first as a
        true/false item (in the text at all), then its levels given present as one
        distribution, :math:`q_{k|P} \\propto \\prod_i (p_{ik} / P_i)^{w_i}` (geometric) or
        the mixture :math:`q_{k|P} = \\sum_i w_i p_{ik} / \\sum_i w_i P_i` (linear); a node
        without one as that one
        distribution (see the module docstring); for two levels this is the
        binary pool.
    extremize:
        Power applied to the pooled odds (1: none; the literature's values are 1.5–2.5);
        for a categorical node :math:`q_k \\propto q_k^a`, normalised.
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
    if isinstance(scenarios, str | bytes | os.PathLike | Scenario) or \
            not isinstance(scenarios, Iterable):  # (review-api27: a path's characters)
        raise ArgumentTypeError(f"pool(): give a list of two or more scenarios or files, not "
                                f"one {type(scenarios).__name__}")
    items = list(scenarios)
    if len(items) < 2:
        raise ArgumentError(f"pool(): give two or more scenarios (got {len(items)})")
    from pactsim.montecarlo import MAX_N, _whole, seed_object

    # checked whether or not Monte Carlo is needed (review-api27: n="100" passed silently
    # where exact inference answered)
    n = _whole(n, "pool(): n", 1, MAX_N)
    if not seed_object(seed):  # (the seeds simulate takes; review-change27)
        seed = _whole(seed, "pool(): seed", 0)
    if method not in ("geometric", "linear"):
        raise ArgumentError(f"pool(): method = {method!r}; use 'geometric' or 'linear'")
    if not (isinstance(extremize, int | float) and math.isfinite(extremize) and extremize > 0):
        raise ArgumentError(f"pool(): extremize = {extremize!r} must be a number > 0")
    if weights is not None:  # (review-api27: "2,1" met float()'s own error)
        listed = None if isinstance(weights, str | bytes | Mapping) or \
            not isinstance(weights, Iterable) else list(weights)
        if listed is None or not all(isinstance(x, numbers.Real) and not isinstance(x, bool)
                                     for x in listed):
            raise ArgumentTypeError(f"pool(): weights = {reprlib.repr(weights)}: give a list of "
                                    f"numbers, one per scenario ({len(items)}), e.g. [2, 1]")
        weights = listed
    w = [1.0] * len(items) if weights is None else [float(x) for x in weights]
    if len(w) != len(items) or any(not math.isfinite(x) or x < 0 for x in w) or sum(w) <= 0:
        raise ArgumentError(f"pool(): weights = {weights!r}: give one weight >= 0 per scenario "
                            f"({len(items)}), not all 0")
    top = max(w)  # scaled first: weights near the largest float must not sum to inf
    total = sum(x / top for x in w)
    w = [x / top / total for x in w]
    files = [str(s) if not isinstance(s, Scenario) else "" for s in items]
    _same_files(files)
    scs = [s if isinstance(s, Scenario) else load(s) for s in items]
    if names is None:
        names = [os.path.basename(f).removesuffix(".yaml").removesuffix(".yml") if f
                 else f"{sc.id}#{i + 1}" for i, (f, sc) in enumerate(zip(files, scs, strict=True))]
    if isinstance(names, str | bytes) or not isinstance(names, Iterable):
        raise ArgumentTypeError(f"pool(): names must be a list of strings, one per scenario, "
                                f"not {type(names).__name__}")
    names = [str(x) if isinstance(x, str) else x
             for x in itertools.islice(names, len(scs) + 1)]
    odd = next((x for x in names if not isinstance(x, str) or not x.strip()), None)
    if any(not isinstance(x, str) or not x.strip() for x in names):
        raise ArgumentTypeError(f"pool(): names must be non-empty strings (the analysts' "
                                f"names), not {reprlib.repr(odd)}")
    if len(names) != len(scs) or len(set(names)) != len(names):
        raise ArgumentError(f"pool(): names = {reprlib.repr(names)}: give one distinct name per "
                            "scenario")
    for k, sc in enumerate(scs):  # one object twice (review-python15: pool([sc, sc]))
        j = next(i for i, x in enumerate(scs) if x is sc)
        if j != k:
            raise ArgumentError(f"pool(): {names[j]} and {names[k]} are the same Scenario "
                                "object; give each analyst's scenario once (it would count "
                                "twice)")
    ids = {sc.id for sc in scs}
    if len(ids) > 1:
        raise ArgumentError(f"pool(): the scenarios forecast different agreements (ids "
                            f"{', '.join(sorted(ids))}); pool files with the same id")
    scopes = [scenario_scope(sc) for sc in scs]
    keys = [k for k, v in scopes[0].items()
            if v.type == "bool" and all(k in s and s[k].type == "bool" for s in scopes[1:])]
    if not keys:
        raise ArgumentError("pool(): the scenarios share no true/false question or node name")
    notes: list[str] = _meaning_notes(scs, names, scopes, keys)
    # a categorical node's outcome row (``instc=named``) is pooled as ``instc == named``
    shown = {k: k.replace("=", " == ", 1) if "=" in k else k for k in keys}
    shared = [shown[k] for k in keys]
    cols: dict[str, list[float]] = {}
    answered: list[str] = []
    for name, sc in zip(names, scs, strict=True):
        cols[name], by = _probs(sc, shared, n=n, seed=seed)
        answered.append(by)
    table = pd.DataFrame(cols, index=pd.Index(shared, name="item"))
    pooled = {i: pool_probabilities(table.loc[i].to_numpy(dtype=float), weights=w,
                                    method=method, extremize=extremize) for i in shared}
    how = dict.fromkeys(shared, "item")
    in_table = set(keys)
    routine: list[tuple[str, Sequence[str]]] = []
    for node, levels in scs[0].outcomes.items():
        rows = {x: outcome_name(node, x) for x in levels if x != ABSENT}
        mine = [shown[r] for r in rows.values() if r in in_table]
        if not mine:
            continue
        files_levels = [sc.outcomes.get(node, ()) for sc in scs]
        if (any(set(lv) != set(levels) for lv in files_levels) or node not in in_table
                or any(r not in in_table for r in rows.values())):
            reason = f"item: {node}'s levels differ between files"
            for i in mine:
                how[i] = reason
            given = "; ".join(f"{a}: {', '.join(lv) if lv else 'not categorical'}"
                              for a, lv in zip(names, files_levels, strict=True))
            notes.append(f"{node}: its rows pooled one by one, as true/false items (they need "
                         f"not sum to P({node})): the files give it different levels ({given}).")
            continue
        per = np.clip(table.loc[[shown[r] for r in rows.values()], names]
                      .to_numpy(dtype=float).T, 0.0, 1.0)  # (n_analysts, n_levels)
        if ABSENT in levels:  # in the text at all, then which way given it is
            present, q = _pool_present(per, np.asarray(w), method=method,
                                       extremize=extremize)
        else:
            q = _pool_distribution(per, np.asarray(w), method=method, extremize=extremize)
            present = float(q.sum())
        for r, qk in zip(rows.values(), q, strict=True):
            pooled[shown[r]] = float(qk)
            how[shown[r]] = f"distribution of {node}"
        pooled[node] = present  # 1 - pooled P(absent): the node is in the text
        how[node] = f"distribution of {node}"
        what = f"{node}: its rows pooled as one distribution over {', '.join(levels)}"
        if np.isnan(q).any() and ABSENT in levels and not math.isnan(present):
            notes.append(f"{what}; P({node}) pools as a true/false item, but its levels "
                         "given that it is in the text are undefined (NaN): no level is "
                         "possible in every analyst's file at once.")
        elif np.isnan(q).any():
            notes.append(f"{what}; undefined (NaN): no level is possible in every analyst's "
                         "file at once.")
        else:  # the usual case: one note for all of them (review-fuzz16: four lines on
            # every pool of the flagship hid the notes that matter)
            routine.append((node, levels))
    if routine:
        absent = any(ABSENT in lv for _, lv in routine)
        notes.append(", ".join(f"{node} (over {', '.join(lv)})" for node, lv in routine)
                     + ": each pooled as one distribution over its levels (each node's "
                     + ("levels sum to P(node); 1 - P(absent) for one that can be absent)."
                        if absent else "levels sum to 1)."))
    if method == "geometric":
        notes += _certainty_notes(table, names, np.asarray(w), pooled, how)
    table.insert(0, "pooled", [pooled[i] for i in shared])
    table["spread"] = table[names].max(axis=1) - table[names].min(axis=1)
    table["pooled_as"] = [how[i] for i in shared]
    return PooledForecast(table, tuple(names), tuple(w), tuple(files), method, float(extremize),
                          scs[0].id, tuple(notes), tuple(answered), n, seed)


def _same_files(files: Sequence[str]) -> None:
    """Refuse one file given twice (by any name: a link, another path): its analyst would
    count twice."""
    for i, a in enumerate(files):
        for b in files[i + 1:]:
            if not a or not b:
                continue
            try:
                same = os.path.samefile(a, b)
            except OSError:
                continue  # load() says what is wrong with it
            if same:
                raise ArgumentError(f"pool(): {printable(a)} and {printable(b)} are the same "
                                    "file; give each analyst's file once (it would count "
                                    "twice)")


def _meaning_notes(scs: Sequence[Scenario], names: Sequence[str],
                   scopes: Sequence[dict[str, Any]], keys: Sequence[str]) -> list[str]:
    """What a reader of the pooled table must know: items pooled by name that mean
    different things in the files (other horizons, other expressions), and names left
    out because they are not a true/false item of every file."""
    notes = []
    first: dict[str, str] = {}
    twins = []
    for n, sc in zip(names, scs, strict=True):
        if first.setdefault(sc.digest, n) != n:
            twins.append(f"{first[sc.digest]} and {n}")
    if twins:  # review-python15: the same forecast twice, pooled without a word
        notes.append("the same forecast (equal digest) in " + ", ".join(twins) + ": pooled "
                     "as analysts who agree, each counting; if one file was given twice, "
                     "give it once")
    news = [f"{n} to {max(o.date for o in sc.observations)}" for n, sc in
            zip(names, scs, strict=True) if sc.observations]
    if news:  # review-analyst14: a node pooled to 1.000 with no word of why
        notes.append("each file's numbers are given its own news (observations: "
                     + ", ".join(news) + ")")
    horizons = {sc.horizon for sc in scs}
    if len(horizons) > 1:
        notes.append("the files have different horizons ("
                     + ", ".join(f"{n}: {sc.horizon}" for n, sc in zip(names, scs, strict=True))
                     + "): signing and other nodes 'by the horizon' are pooled as one item "
                     "though each file means its own horizon")
    differ = []
    for k in keys:
        texts = [_expr.unparse(_expr.parse(sc.question_text(k))) if k in sc.questions else None
                 for sc in scs]
        if any(t is not None for t in texts) and len(set(texts)) > 1:
            differ.append(f"{k} ("
                          + "; ".join(f"{n}: {t if t is not None else 'a node'}"
                                      for n, t in zip(names, texts, strict=True)) + ")")
    for k in keys:  # a node with a date in one file and none in another
        dated = [bool(getattr(scope[k], "has_date", False)) for scope in scopes]
        if any(dated) and not all(dated):
            differ.append(f"{k} (dated in "
                          + ", ".join(n for n, d in zip(names, dated, strict=True) if d)
                          + "; not in "
                          + ", ".join(n for n, d in zip(names, dated, strict=True) if not d)
                          + ")")
    forms = [None if sc.signing is None else "a milestone" if getattr(
        sc.signing, "after", None) is not None else "a curve" for sc in scs]
    if len({f for f in forms if f is not None}) > 1:  # review-fuzz15: pooled without a word
        differ.append("signing (" + "; ".join(f"{f} in {n}" for n, f in
                                              zip(names, forms, strict=True) if f) + ")")
    if differ:
        notes.append("pooled by name, though the files define them differently: "
                     + ", ".join(differ))
    left = []
    pooled_keys = set(keys)
    for k in dict.fromkeys(k for scope in scopes for k in scope):
        if k in pooled_keys:
            continue
        why = []
        for n, scope in zip(names, scopes, strict=True):
            if k not in scope:
                why.append(f"not in {n}")
            elif scope[k].type != "bool":
                why.append(f"a {scope[k].type} in {n}")
        if why and any(k in scope and scope[k].type == "bool" for scope in scopes):
            left.append(f"{k.replace('=', ' == ', 1)} ({', '.join(why)})")
    if left:
        notes.append("not pooled (not a true/false item of every file): " + ", ".join(left))
    return notes


def _certainty_notes(table: pd.DataFrame, names: Sequence[str], w: np.ndarray,
                     pooled: dict[str, float], how: dict[str, str]) -> list[str]:
    """What the geometric pool does with certainty, said where it happens: a 0 and a 1
    leave an item undefined; one analyst's 0 or 1 (of weight above 0) decides it,
    whatever the weights and the others' numbers."""
    undefined, decided = [], []
    for item in table.index:
        p = table.loc[item, list(names)].to_numpy(dtype=float)[w > 0]
        if how.get(item, "item") != "item":  # a categorical node's row: its own note says
            # how it was pooled; a level one analyst rules out pools to 0 all the same
            # (an analyst at that end: extremizing alone can round a pool to 0 or 1,
            # with no analyst certain; review-fuzz16)
            if pooled[item] == 0.0 and (p > 0).any() and (p == 0).any():
                decided.append(f"{item} (0)")
            elif pooled[item] == 1.0 and (p < 1).any() and (p == 1).any():
                decided.append(f"{item} (1)")
            continue
        sure = (p == 0.0) | (p == 1.0)
        if math.isnan(pooled[item]):
            undefined.append(str(item))
        elif sure.any() and not sure.all():
            decided.append(f"{item} ({pooled[item]:.0f})")
    notes = []
    if undefined:
        notes.append(f"undefined (–) by the geometric pool, one analyst giving 0 and another 1: "
                     f"{', '.join(undefined)}; the linear pool (method linear) is defined")
    if decided:
        notes.append("pooled to 0 or 1 because one analyst is certain (the geometric pool "
                     "follows any analyst's 0 or 1, whatever the weights): "
                     + ", ".join(decided))
    return notes


def _pool_present(p: np.ndarray, w: np.ndarray, *, method: PoolMethod,
                  extremize: float) -> tuple[float, np.ndarray]:
    """Pool a node with an ``absent`` level in two steps: P(present) as a true/false item
    (so a node every file ties to an event, such as signing, pools as that event
    does), then its levels given present as one distribution. `p` (n_analysts,
    n_levels) holds the levels other than absent. Returns the pooled P(present) and
    the pooled rows (NaN where the levels given present are undefined)."""
    present = np.clip(p.sum(axis=1), 0.0, 1.0)
    top = pool_probabilities(present, weights=w, method=method, extremize=extremize)
    used = (w > 0) & (present > 0)  # an analyst who never has it says nothing of how
    if math.isnan(top) or top == 0.0 or not used.any():
        return top, np.full(p.shape[1], math.nan if math.isnan(top) else 0.0)
    if method == "linear":  # the levels of the linear pool, given present
        cond = (w[used] @ p[used]) / float(w[used] @ present[used])
        if extremize != 1.0:
            cond = _pool_distribution(cond[None, :], np.ones(1), method="linear",
                                      extremize=extremize)
    else:
        cond = _pool_distribution(p[used] / present[used][:, None],
                                  w[used] / w[used].sum(), method=method, extremize=extremize)
    return top, np.asarray(top * cond, dtype=float)


def _pool_distribution(p: np.ndarray, w: np.ndarray, *, method: PoolMethod,
                       extremize: float) -> np.ndarray:
    """Pool one categorical node: `p` (n_analysts, n_levels), each row a distribution;
    `w` (n_analysts,) summing to 1. Returns (n_levels,) summing to 1, or all NaN when
    the geometric pool leaves no level (every level 0 for some analyst of weight > 0)."""
    used = w > 0  # an analyst of weight 0 is left out
    with np.errstate(divide="ignore"):
        if method == "linear":
            q = w[used] @ p[used]
            if extremize == 1.0:
                return np.asarray(q / q.sum(), dtype=float)
            logq = np.log(q)
        else:
            # elementwise, not a matrix product: a level 0 for someone gives -inf, never NaN
            logq = (w[used][:, None] * np.log(p[used])).sum(axis=0)
    with np.errstate(over="ignore"):  # a huge extremize: -inf, the level pooled to 0
        logq = logq * extremize
    top = float(np.max(logq))
    if top == -math.inf:
        return np.full(p.shape[1], math.nan)
    q = np.exp(logq - top)
    return np.asarray(q / q.sum(), dtype=float)


def _probs(sc: Scenario, names: Sequence[str], *, n: int, seed: int
           ) -> tuple[list[float], str]:
    """P(each of ``names``) in ``sc``, and how: ``"exact"``, or ``"montecarlo"`` where
    exact inference refuses the file or one of the items."""
    try:
        ex = exact(sc)
        return [float(ex.prob(x)) for x in names], "exact"
    except (ExactUnsupportedError, ModelTooWideError):
        res = simulate(sc, n=n, seed=seed, progress=False)
        return [float(res.prob(x)) for x in names], "montecarlo"
