"""Machine-readable forecasts: JSON and one flat table (for CSV).

What ``pactsim run --format json|csv`` writes. Dates are ISO text, missing
values ``null`` (JSON) or empty (CSV); probabilities are fractions, not
percents.

Examples
--------
>>> import json, pactsim
>>> sc = pactsim.loads("pactsim: 1\\nid: demo\\nas_of: 2024-01-01\\n"
...                    "horizon: 2024-12-31\\nevents:\\n  rain: {p: 0.3}\\n")
>>> res = pactsim.simulate(sc, n=1_000, seed=1)
>>> sorted(json.loads(results_to_json(res)))
['bundles', 'nodes', 'numeric', 'questions', 'run']
>>> list(results_to_table(res).columns)
['kind', 'name', 'p', 'stderr', 'lo', 'hi']
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from pactsim.views.format import day

if TYPE_CHECKING:
    from pactsim.results.montecarlo import Results

__all__ = ["results_to_json", "results_to_table"]


def _jsonable(x: Any) -> Any:
    if isinstance(x, float) and math.isnan(x):
        return None
    if isinstance(x, dt.date | pd.Timestamp):
        return day(x)
    return x


def results_to_json(res: Results) -> str:
    """Forecast as JSON: run info, questions, numeric questions, marginals,
    the signing curve at key dates and the ten most frequent texts (with
    ``count``, and ``bound``, the most draws a count may be low by, when the
    results report it)."""
    out: dict[str, Any] = {"run": {k: _jsonable(v) for k, v in vars(res.info).items()}}
    out["questions"] = {
        q: {k: _jsonable(v) for k, v in row.items()} for q, row in res.questions().iterrows()
    }
    out["numeric"] = {}
    for q, (_, t) in res.model.questions.items():
        if t != "bool":
            s = res.numeric(q)
            out["numeric"][q] = {"kind": t, "mean": _jsonable(s.mean), "sd": _jsonable(s.sd),
                                 "quantiles": {str(k): v for k, v in s.quantiles.items()}}
    out["nodes"] = {
        n: {k: _jsonable(v) for k, v in row.items()} for n, row in res.marginals().iterrows()
    }
    if res.model.signing_index >= 0:
        cdf = res.signing_cdf(res.key_dates())
        out["signing_cdf"] = [
            {"date": day(d), **{k: float(v) for k, v in row.items()}}
            for d, row in cdf.iterrows()
        ]
    b = res.bundles(top=10)
    has_bound = "bound" in b.columns
    out["bundles"] = [
        {"items": list(r["items"]), "p": r.p, "stderr": r.stderr, "count": int(r["count"]),
         **({"bound": int(r["bound"])} if has_bound else {})}
        for _, r in b.iterrows()]
    return json.dumps(out, indent=2, default=str) + "\n"


def results_to_table(res: Results) -> pd.DataFrame:
    """One flat table of every reported probability (for CSV): questions,
    nodes and P(signed by) at the key dates, with standard errors and 95%
    intervals."""
    rows = []
    for q, row in res.questions().iterrows():
        rows.append({"kind": "question", "name": q, "p": row.p, "stderr": row.stderr,
                     "lo": row.lo, "hi": row.hi})
    for n, row in res.marginals().iterrows():
        rows.append({"kind": row.kind, "name": n, "p": row.p, "stderr": row.stderr,
                     "lo": row.lo, "hi": row.hi})
    if res.model.signing_index >= 0:
        for d, row in res.signing_cdf(res.key_dates()).iterrows():
            rows.append({"kind": "signed_by", "name": day(d), "p": row.p,
                         "stderr": row.stderr, "lo": row.lo, "hi": row.hi})
    return pd.DataFrame(rows, columns=["kind", "name", "p", "stderr", "lo", "hi"])
