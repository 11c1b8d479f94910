"""Plain-text and machine-readable renderings of a forecast (used by the CLI)."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from pactsim.results.montecarlo import Results

__all__ = ["format_results", "results_to_json", "results_to_table"]


def _pct(p: float) -> str:
    return f"{100 * p:5.1f}%"


def _ci(lo: float, hi: float) -> str:
    return f"[{100 * lo:4.1f}–{100 * hi:4.1f}]"


def _day(d: Any) -> str:
    return str(pd.Timestamp(d).date())


def format_results(res: Results) -> str:
    """The forecast as readable text: headline questions, the signing curve at
    key dates, pillars with their clauses, numeric questions and bundles."""
    sc, info = res.scenario, res.info
    lines = [f"{sc.title or sc.id}",
             f"  as of {sc.as_of}, horizon {sc.horizon}; n = {info.n:,} draws, seed {info.seed}"
             f", pactsim {info.version}, scenario {info.digest[:12]}",
             "  (percentages with 95% intervals; Monte Carlo standard error ≤ "
             f"{50 / math.sqrt(info.n):.2f} points)", ""]
    qs = res.questions()
    if len(qs):
        lines.append("Questions")
        width = max(len(q) for q in qs.index)
        for name, row in qs.iterrows():
            lines.append(f"  {name:<{width}}  {_pct(row.p)} {_ci(row.lo, row.hi)}   {row.expr}")
        lines.append("")
    if res.model.signing_index >= 0:
        cdf = res.signing_cdf(res.key_dates())
        lines.append("Signed on or before")
        for d, row in cdf.iterrows():
            lines.append(f"  {_day(d)}  {_pct(row.p)} {_ci(row.lo, row.hi)}")
        qd = res.signing_quantiles((0.1, 0.5, 0.9))
        if not qd.isna().all():
            def show(x: Any) -> str:
                return "—" if pd.isna(x) else str(pd.Timestamp(x).date())
            lines.append(f"  if signed: median {show(qd[0.5])}, 80% between {show(qd[0.1])} "
                         f"and {show(qd[0.9])}")
        lines.append("")
    marg = res.marginals()
    content = marg[marg.kind.isin(["pillar", "clause"])]
    if len(content):
        lines.append("In the text                      P(in text)           P(in text | signed)")
        for name, row in content.iterrows():
            indent = "  " if row.kind == "pillar" else "      "
            label = f"{indent}{name}"
            cond = "" if math.isnan(row.p_given_signed) else _pct(row.p_given_signed)
            lines.append(f"{label:<32} {_pct(row.p)} {_ci(row.lo, row.hi)}   {cond}")
        lines.append("")
    events = marg[marg.kind == "event"]
    if len(events):
        lines.append("Context events")
        for name, row in events.iterrows():
            lines.append(f"  {name:<30} {_pct(row.p)} {_ci(row.lo, row.hi)}")
        lines.append("")
    for q, (_, t) in res.model.questions.items():
        if t != "bool":
            lines.append(f"Distribution of {res.numeric(q)}")
    b = res.bundles(top=5, of="pillars")
    if len(b):
        lines.append("")
        lines.append("Most frequent texts (exact sets of pillars)")
        for _, row in b.iterrows():
            lines.append(f"  {_pct(row.p)}  {row.bundle}")
    return "\n".join(lines).rstrip() + "\n"


def _jsonable(x: Any) -> Any:
    if isinstance(x, float) and math.isnan(x):
        return None
    if isinstance(x, dt.date | pd.Timestamp):
        return str(x)[:10]
    return x


def results_to_json(res: Results) -> str:
    """Forecast as JSON: run info, questions, marginals, signing curve, bundles."""
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
            {"date": str(_day(d)), **{k: float(v) for k, v in row.items()}}
            for d, row in cdf.iterrows()
        ]
    b = res.bundles(top=10)
    out["bundles"] = [{"items": list(r["items"]), "p": r.p, "stderr": r.stderr}
                      for _, r in b.iterrows()]
    return json.dumps(out, indent=2, default=str) + "\n"


def results_to_table(res: Results) -> pd.DataFrame:
    """One flat table of every reported probability (for CSV)."""
    rows = []
    for q, row in res.questions().iterrows():
        rows.append({"kind": "question", "name": q, "p": row.p, "stderr": row.stderr,
                     "lo": row.lo, "hi": row.hi})
    for n, row in res.marginals().iterrows():
        rows.append({"kind": row.kind, "name": n, "p": row.p, "stderr": row.stderr,
                     "lo": row.lo, "hi": row.hi})
    if res.model.signing_index >= 0:
        for d, row in res.signing_cdf(res.key_dates()).iterrows():
            rows.append({"kind": "signed_by", "name": str(_day(d)), "p": row.p,
                         "stderr": row.stderr, "lo": row.lo, "hi": row.hi})
    return pd.DataFrame(rows)
