"""Scores, calibration and pooled forecasts as text, JSON, CSV, HTML and plots.

JSON of a scorecard: ``{"run": {n, seed, pactsim}, "summary": [...],
"items": [...], "unresolvable": [...], "track": [...]}``, each list one object
per row of the frame of the same name; a number that does not exist is
``null``, an infinite log score ``"inf"``. CSV: one long table with columns
``section`` (``item``, ``summary`` or ``track``) followed by the union of those
frames' columns.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from pactsim._version import __version__
from pactsim.errors import printable

if TYPE_CHECKING:
    from pactsim.analysis.calibration import Calibration
    from pactsim.analysis.pooling import PooledForecast
    from pactsim.analysis.scoring import Scorecard

__all__ = [
    "format_calibration",
    "format_pool",
    "format_scorecard",
    "pool_to_json",
    "pool_to_table",
    "reliability_diagram",
    "scorecard_html",
    "scorecard_to_json",
    "scorecard_to_table",
]


def _num(x: Any, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if isinstance(x, float) and math.isinf(x):
        return "inf"
    text = f"{x:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text  # no "-0.000"


def _chance(r: Any) -> str:
    """A date item's chance of the day it happened: four decimals, or two significant
    digits under 0.001; a Monte Carlo 0 says how its log score was taken."""
    p = float(r.p_day)
    if p == 0 and str(r.method) == "montecarlo":
        return "0 (no draw on it; its log score counts half a draw)"
    return _num(p, 4) if p >= 1e-3 or p == 0 or math.isnan(p) else f"{p:.2g}"


#: How each ``method`` of a scorecard's items is said in a heading.
_METHOD = {"exact": "exact inference", "montecarlo": "Monte Carlo"}


def _item(r: Any) -> str:
    given = r.given
    return str(r.item) + (f" | {given}" if isinstance(given, str) else "")


def _table(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(head)]
    line = "  ".join(h.ljust(w) if i == 0 else h.rjust(w)
                     for i, (h, w) in enumerate(zip(head, widths, strict=True)))
    out = [line.rstrip()]
    for r in rows:
        out.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                             for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip())
    return "\n".join(out)


def format_scorecard(card: Scorecard) -> str:
    """The scorecard as text: per-item tables, then the summary, then the track record."""
    out: list[str] = []
    it = card.items
    for (sid, as_of), g in it.groupby(["scenario", "as_of"], sort=False):
        b = g[g.kind == "binary"]
        methods = list(dict.fromkeys(str(m) for m in b.method))
        # one method for every p: said once in the heading, and the table has no method
        # column (it then fits 80 columns)
        how = f"; p by {_METHOD.get(methods[0], methods[0])}" if len(methods) == 1 else ""
        news = sorted({x for x in g.news_to if isinstance(x, dt.date)})
        if news:  # a file with observations: each item scored before it resolved
            how += (f"; each item with the news learnt before it resolved, up to "
                    f"{news[-1]}")
        out.append(f"{sid} (forecast as of {as_of}{how})")
        if len(b):
            head = ["item", "p", "outcome", "Brier", "base", "log", "base"]
            rows = [[_item(r), _num(r.p), str(r.outcome), _num(r.brier), _num(r.brier_base),
                     _num(r.log), _num(r.log_base)] for r in b.itertuples()]
            if len(methods) > 1:
                head.append("method")
                for row, r in zip(rows, b.itertuples(), strict=True):
                    row.append(str(r.method))
            out.append(_table(head, rows))
        settled: list[Any] = [r for r in b.itertuples() if bool(r.settled_by_news)]
        clash = [r for r in settled if (r.p >= 0.5) != (r.outcome == "true")]
        agree = [r for r in settled if r not in clash]
        if agree:  # the news before it resolved already said: hindsight, not foresight
            out.append("settled by the file's news before it resolved (check its resolved "
                       "date): " + ", ".join(f"{_item(r)} (news to {r.news_to})"
                                            for r in agree))
        if clash:  # the news ruled out what happened: one of the two files is wrong
            out.append("the file's news rules out the recorded outcome, or leaves it a "
                       "chance under 1e-12 (one of the two files is wrong): "
                       + ", ".join(f"{_item(r)} {r.outcome} (news to {r.news_to})"
                                   for r in clash))
        d = g[g.kind == "date"]
        for r in d.itertuples():
            q90 = r.q90 if isinstance(r.q90, dt.date) else "after the horizon"
            # a day after the horizon is scored as "not by the horizon": its chance is that
            which = "P(after the horizon)" if "after the horizon" in str(r.outcome) \
                else "P(not by then)" if str(r.outcome) == "not by the horizon" \
                else "P(that day)"
            # its method, unless the heading said it for every p (exact inference may
            # answer an item's p and refuse its law over days)
            by = f" (by {_METHOD.get(str(r.method), str(r.method))})" \
                if len(methods) != 1 or str(r.method) != methods[0] else ""
            out.append(f"{_item(r)}{by}: {r.outcome}; {which} {_chance(r)}, log "
                       f"{_num(r.log)}"
                       f" (uniform {_num(r.log_uniform)}); CRPS {_num(r.crps, 1)} days (uniform "
                       f"{_num(r.crps_uniform, 1)}); 80% interval "
                       + (f"{r.q10} to {q90}" if isinstance(r.q10, dt.date) else
                          "after the horizon, both ends")  # P(by the horizon) < 10%
                       + ": " + ("covered" if r.covered else "missed"))
        out.append("")
    s = card.summary()
    mc = "" if card.items.empty or not (card.items.method == "montecarlo").any() else \
        ("; a Monte Carlo item's outcome that no draw reached counts half a draw in its "
         "log score, 0.5/(m + 1) of m draws, so the score is finite")
    out.append("Mean scores (lower is better; baselines: 0.5 and the base rate, the file's "
               f"base_rate or else the share true among the items scored, in sample{mc})")
    out.append(_table(
        ["forecast", "items", "Brier", "0.5", "base", "log", "0.5", "base", "dates", "date log",
         "uniform", "CRPS d", "uniform", "80% cov"],
        [[str(i), str(r.n_binary), _num(r.brier), _num(r.brier_half), _num(r.brier_base),
          _num(r.log), _num(r.log_half), _num(r.log_base), str(r.n_dates), _num(r.date_log),
          _num(r.date_log_uniform), _num(r.crps, 1), _num(r.crps_uniform, 1),
          _num(r.coverage80, 2)] for i, r in zip(s.index, s.itertuples(), strict=True)]))
    if len(card.track):
        out.append("")
        out.append("Time-averaged over the days each item was open (latest version each day)")
        out.append(_table(["item", "days", "versions", "Brier", "log", "CRPS d", "forecasts"],
                          [[f"{r.scenario}: {r.item}", str(r.days), str(r.versions),
                            _num(r.brier), _num(r.log), _num(r.crps, 1), str(r.p_by_version)]
                           for r in card.track.itertuples()]))
    if card.notes:
        out.append("")
        out += [f"note: {n}" for n in card.notes]
    if len(card.unresolvable):
        out.append("")
        out.append("Not scored (unresolvable):")
        out += [f"  {r.scenario}: {r.item}: {r.reason}" for r in card.unresolvable.itertuples()]
    return "\n".join(out).rstrip() + "\n"


def _plain(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        f = float(v)
        if math.isnan(f):
            return None
        if math.isinf(f):
            return "inf" if f > 0 else "-inf"
        return int(v) if isinstance(v, int) else f + 0.0  # no -0.0
    if hasattr(v, "item"):  # numpy scalars
        return _plain(v.item())
    return v


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _plain(v) for k, v in row.items()} for row in df.to_dict(orient="records")]


def scorecard_to_json(card: Scorecard) -> str:
    """The scorecard as JSON (see the module docstring)."""
    data = {
        "run": {"n": card.n, "seed": card.seed, "pactsim": __version__,
                "scenarios": [{"id": i, "as_of": a.isoformat()} for i, a in card.scenarios]},
        "summary": _records(card.summary().reset_index()),
        "items": _records(card.items),
        "unresolvable": _records(card.unresolvable),
        "track": _records(card.track),
        "notes": list(card.notes),
    }
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def scorecard_to_table(card: Scorecard) -> pd.DataFrame:
    """The scorecard as one long table (``section`` first)."""
    parts = [card.items.assign(section="item"),
             card.summary().reset_index().assign(section="summary")]
    if len(card.track):
        parts.append(card.track.assign(section="track"))
    df = pd.concat([p.astype(object) for p in parts], ignore_index=True)
    return df[["section", *[c for c in df.columns if c != "section"]]]


def format_calibration(cal: Calibration) -> str:
    """The calibration table and the decompositions as text."""
    rows = [[_num(r.p, 2), str(r.count), _num(r.observed, 2), _num(r.recalibrated, 2),
             f"{_num(r.lo, 2)}–{_num(r.hi, 2)}"] for r in cal.table.itertuples()]
    head = f"Calibration of {cal.n} forecasts (base rate {cal.base_rate:.3f})"
    return "\n".join([
        head,
        _table(["p", "n", "observed", "CORP", f"{cal.level:.0%} band"], rows),
        f"Brier {cal.brier:.4f} = MCB {cal.mcb:.4f} - DSC {cal.dsc:.4f} + UNC {cal.unc:.4f} "
        "(CORP)",
        f"Brier {cal.brier:.4f} = REL {cal.rel:.4f} - RES {cal.res:.4f} + UNC {cal.unc:.4f} "
        "(Murphy, by forecast value)" + (
            "; the items of each forecast value all came out alike (a value held once, or "
            "all true or all false), so REL is the Brier score and RES the uncertainty: "
            "read the CORP split" if len(cal.table) and
            cal.table["observed"].isin([0.0, 1.0]).all() else ""),
        f"Sharpness (variance of the forecasts) {cal.sharpness:.4f}",
    ]) + "\n"


def reliability_diagram(cal: Calibration, ax: Any = None, *, title: str | None = None) -> Any:
    """CORP reliability diagram: the recalibrated (PAV) curve, the diagonal, the consistency band.

    The step curve is ``cal.table.recalibrated`` against ``cal.table.p`` (CORP,
    the isotonic regression of outcomes on forecasts); the dashed diagonal is
    perfect calibration; the shaded band, when ``cal`` has one, is where a
    calibrated forecaster's recalibrated curve falls with probability
    ``cal.level``; dots are the observed share of each forecast value, sized by
    its count. ``title`` (user text, escaped like the other plots' labels) goes
    above the decomposition. Like the other plots: without ``ax`` a new
    :class:`~matplotlib.figure.Figure` (not left open in pyplot) is returned,
    with ``ax`` it draws there and returns ``ax``.
    """
    from pactsim.views.format import plain
    from pactsim.views.plot import DARK, _start

    own = ax is None
    fig, ax = _start(ax, (5.5, 5.5))
    t = cal.table
    ax.plot([0, 1], [0, 1], color="#999", lw=1, ls="--", label="perfect calibration")
    if t.lo.notna().any():
        ax.fill_between(t.p, t.lo, t.hi, step="post", color=DARK, alpha=0.15, linewidth=0,
                        label=f"{cal.level:.0%} consistency band")
    # the curve and the dots reach 0 and 1: a margin keeps them off the frame
    ax.step(t.p, t.recalibrated, where="post", color=DARK, lw=2, label="CORP (PAV)",
            clip_on=False, zorder=4)
    ax.scatter(t.p, t.observed, s=12 + 8 * t["count"], color="#c0504d", alpha=0.7, zorder=5,
               label="observed share (size: count)", clip_on=False)
    ax.set_xlim(-0.03, 1.03)
    ax.set_ylim(-0.03, 1.03)
    ax.set_aspect("equal")
    ax.set_xlabel("forecast probability")
    ax.set_ylabel("conditional event probability (recalibrated)")
    stats = (f"{cal.n} forecasts: MCB {cal.mcb:.3f}, DSC {cal.dsc:.3f}, UNC {cal.unc:.3f}")
    ax.set_title(stats if title is None else f"{plain(title)}\n{stats}", fontsize=10, loc="left")
    # below the axes: inside, it hid observed shares of 1 at low forecasts (review-nb27)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncols=2, fontsize=8,
              frameon=False)
    return fig if own else ax


def scorecard_html(card: Scorecard) -> str:
    """A report section: mean scores with baselines, then each item's score."""
    from pactsim.views.display import escape

    s = card.summary()
    head = ["forecast", "items", "Brier", "Brier 0.5", "Brier base", "log", "log 0.5",
            "log base", "dates", "date log", "date log uniform", "CRPS days", "CRPS uniform",
            "80% covered"]
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in [
            i, r.n_binary, _num(r.brier), _num(r.brier_half), _num(r.brier_base), _num(r.log),
            _num(r.log_half), _num(r.log_base), r.n_dates, _num(r.date_log),
            _num(r.date_log_uniform), _num(r.crps, 1), _num(r.crps_uniform, 1),
            _num(r.coverage80, 2)]) + "</tr>" for i, r in zip(s.index, s.itertuples(),
                                                              strict=True))
    summary = ("<table><caption>Mean scores</caption><thead><tr>"
               + "".join(f"<th>{h}</th>" for h in head) + f"</tr></thead><tbody>{rows}"
               "</tbody></table>")
    # several forecasts: each item says whose it is (the text table heads each one)
    several = len(card.items.groupby(["scenario", "as_of"], sort=False)) > 1
    item_rows = "".join(
        "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in [
            *([f"{r.scenario} @ {r.as_of}"] if several else []),
            _item(r), _num(r.p), r.outcome, r.resolved, _num(r.brier), _num(r.brier_base),
            _num(r.log), _num(r.crps, 1), r.source]) + "</tr>" for r in card.items.itertuples())
    items = ("<table><caption>Each item</caption><thead><tr>"
             + ("<th>forecast</th>" if several else "") + "<th>item</th><th>p</th>"
             "<th>outcome</th><th>resolved</th><th>Brier</th><th>Brier base</th><th>log</th>"
             f"<th>CRPS days</th><th>source</th></tr></thead><tbody>{item_rows}</tbody></table>")
    note = ("<p>Lower is better. Brier (p − y)², log −ln P(outcome); baselines: 0.5, and the "
            "base rate. Dates: log score of the day (of \u201cafter the horizon\u201d for a "
            "day past it) and CRPS in days of the date's distribution, next to a uniform "
            "distribution over the same days.</p>")
    news = sorted({x for x in card.items.get("news_to", ()) if isinstance(x, dt.date)})
    if news:
        note += ("<p>The file has news (observations): each item is scored with the "
                 "forecast that stood before it resolved, the priors and the news learnt "
                 f"before that day (up to {news[-1]}), not with the news that may be its "
                 "outcome.</p>")
    unres = ""
    if len(card.unresolvable):
        unres = "<p>Not scored: " + "; ".join(
            f"{escape(str(r.item))} ({escape(str(r.reason))})"
            for r in card.unresolvable.itertuples()) + ".</p>"
    clashes = "".join(f"<p><b>Note:</b> {escape(n)}</p>" for n in card.notes)
    return f"<h2>How did it score?</h2>{note}{clashes}{summary}{items}{unres}"


def format_pool(pooled: PooledForecast) -> str:
    """Pooled forecast per item, each analyst's number beside it."""
    how = ("geometric mean of odds" if pooled.method == "geometric" else "linear pool")
    ext = f", extremized x{pooled.extremize:g}" if pooled.extremize != 1.0 else ""
    names = [printable(a) for a in pooled.analysts]  # file names: escapes shown, not obeyed
    # two decimals, or two significant digits where those would show 0.00 (review-fuzz15:
    # 300 files were each weighted "0.00")
    weights = ", ".join(f"{a} {w:.2f}" if w == 0 or w >= 0.005 else f"{a} {w:.2g}"
                        for a, w in zip(names, pooled.weights, strict=True))
    rows = [[str(i), _num(r["pooled"]), *(_num(r[a]) for a in pooled.analysts),
             _num(r["spread"])] for i, r in pooled.table.iterrows()]
    notes = "".join(f"Note: {printable(x)}\n" for x in pooled.notes)
    by = list(pooled.answered_by)
    answered = ""
    if by:
        mc = f"Monte Carlo ({pooled.n:,} draws, seed {pooled.seed})"
        if len(set(by)) == 1:
            answered = "; each file's numbers by " + ("exact inference" if by[0] == "exact"
                                                       else mc)
        else:
            answered = "; numbers by " + ", ".join(
                f"{a} {'exact inference' if b == 'exact' else mc}"
                for a, b in zip(names, by, strict=True))
    return (f"{pooled.scenario}: pooled by {how}{ext}; weights {weights}{answered}\n"
            + _table(["item", "pooled", *names, "spread"], rows) + "\n" + notes)


def _answered_by(pooled: PooledForecast) -> tuple[str, ...]:
    """How each analyst's numbers were computed (``exact`` where not recorded)."""
    return pooled.answered_by or ("exact",) * len(pooled.analysts)


def pool_to_json(pooled: PooledForecast) -> str:
    """``{"pool": {method, extremize, analysts: [{name, file, weight, method, n, seed}],
    notes}, "items":
    [{item, pooled, spread, pooled_as, analysts: {name: p}}]}``."""
    data = {
        "pool": {"scenario": pooled.scenario, "method": pooled.method,
                 "extremize": pooled.extremize, "pactsim": __version__,
                 "analysts": [{"name": a, "file": f, "weight": w, "method": b,
                               "n": pooled.n if b == "montecarlo" else None,
                               "seed": pooled.seed if b == "montecarlo" else None}
                              for a, f, w, b in zip(
                                  pooled.analysts, pooled.files, pooled.weights,
                                  _answered_by(pooled), strict=True)],
                 "notes": list(pooled.notes)},
        "items": [{"item": str(i), "pooled": _plain(r["pooled"]), "spread": _plain(r["spread"]),
                   "pooled_as": str(r["pooled_as"]),
                   "analysts": {a: _plain(r[a]) for a in pooled.analysts}}
                  for i, r in pooled.table.iterrows()],
    }
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def pool_to_table(pooled: PooledForecast) -> pd.DataFrame:
    """Long table: one row per item and source (``pooled`` or an analyst)."""
    rows = []
    for i, r in pooled.table.iterrows():
        rows.append({"item": i, "source": "pooled", "p": r["pooled"], "weight": None,
                     "file": None, "method": pooled.method, "extremize": pooled.extremize,
                     "pooled_as": r["pooled_as"]})
        for a, f, w, b in zip(pooled.analysts, pooled.files, pooled.weights,
                              _answered_by(pooled), strict=True):
            rows.append({"item": i, "source": a, "p": r[a], "weight": w, "file": f,
                         "method": pooled.method, "extremize": pooled.extremize,
                         "pooled_as": r["pooled_as"], "answered_by": b})
    return pd.DataFrame(rows)
