"""Views of a :class:`~pactsim.analysis.sensitivity.Sensitivity`: text, JSON, HTML, plots.

``format_sensitivity(s)`` is what ``pactsim sensitivity`` prints (the
tornado's largest swings, then the value of information); ``sensitivity_to_json``
carries every row; ``sensitivity_html`` is the report's "What drives it"
section; ``plot_tornado`` and ``plot_voi`` draw the two charts (matplotlib,
imported when called).
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from pactsim.views.display import escape
from pactsim.views.format import day, is_missing, json_value, number, pct, plain

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from pactsim.analysis.sensitivity import Sensitivity

__all__ = ["format_sensitivity", "plot_tornado", "plot_voi", "sensitivity_html",
           "sensitivity_to_dict", "sensitivity_to_json"]

#: Rows shown unless told otherwise.
TOP = 15


def _q(s: Sensitivity, x: Any) -> str:
    """A value of the question: a percentage, or a date."""
    return day(x) if s.statistic == "median" else pct(x)


def _swing(s: Sensitivity, x: float, se: float = 0.0) -> str:
    if is_missing(x):
        return "—"
    if s.statistic == "median":
        text = f"{x:.0f} day" + ("" if round(x) == 1 else "s")
    else:
        text = f"{100 * x:.1f} pp"
    if se and not is_missing(se) and se > 0:
        text += f" ± {se:.1f}" if s.statistic == "median" else f" ± {100 * se:.2f}"
    return text


def _num(x: float, kind: str) -> str:
    if is_missing(x):
        return "—"
    if kind == "delay":
        return f"{x:.0f}d"
    return number(x)


def _method(s: Sensitivity) -> str:
    if s.n is None:
        return "exact inference (no noise)"
    what = (f"Monte Carlo, n={s.n:,} per variant, seed={s.seed}, the same draws for every "
            "variant (common random numbers)")
    if s.method == "mixed":
        what = "exact inference where it works; elsewhere " + what
    return what


def _columns(rows: list[list[str]], left: int = 1) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.ljust(w) if i < left else c.rjust(w)
                             for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()
            for r in rows]


def _tornado_rows(s: Sensitivity, top: int) -> list[list[str]]:
    return [[str(r.input), f"{_num(r.low, r.kind)} .. {_num(r.high, r.kind)}", str(r.range),
             _q(s, r.q_low), _q(s, r.q_high), _swing(s, r.swing, r.stderr)]
            for _, r in s.tornado.head(top).iterrows()]


def _brier(r: Any) -> str:
    """The Brier reduction, with its standard error under Monte Carlo."""
    se = getattr(r, "brier_se", math.nan)
    if r.method == "exact" or is_missing(se):
        return f"{r.brier:.4f}"
    return f"{r.brier:.4f} ± {se:.4f}"


def _voi_rows(s: Sensitivity, top: int) -> list[list[str]]:
    return [[str(r.node), str(r.group), pct(r.p_node), pct(r.q_if_true), pct(r.q_if_false),
             f"{100 * r.move:.1f} pp", _brier(r), f"{r.log_loss:.4f}"]
            for _, r in s.voi.head(top).iterrows()]


def _voi_noise(s: Sensitivity) -> str:
    """What the text says of the value of information's noise (empty when exact)."""
    methods = set(s.voi.method)
    if methods <= {"exact"}:
        return ""
    if "exact" in methods:  # some rows exact, the others Monte Carlo (a mixed analysis)
        return ("; the rows whose Brier column shows ± its standard error are Monte Carlo, "
                "the others exact, and the JSON gives the standard error of every column")
    return ("; under Monte Carlo the Brier column shows ± its standard error, and the JSON "
            "one for every column")


_T_HEAD = ["input", "low .. high", "range", "Q at low", "Q at high", "swing"]
_V_HEAD = ["node X", "group", "P(X)", "Q if X", "Q if not X", "E|move|", "Brier -", "log loss -"]


def _heading(s: Sensitivity) -> str:
    what = (f"median date of {s.question[:-len('.median')]} (if it happens)"
            if s.statistic == "median" else f"P({s.question})")
    return f"{what} = {_q(s, s.base)}"


def format_sensitivity(s: Sensitivity, top: int = TOP) -> str:
    """The analysis as plain text (what ``pactsim sensitivity`` prints)."""
    sc = s.scenario
    news = max((f.date for f in sc.findings() if f.date is not None), default=None)
    as_of = sc.as_of if news is None else \
        f"{news} (the priors of {sc.as_of} and the news to then)"  # as `run` says it
    out = [f"scenario: {sc.id} (digest {sc.digest[:12]}), as of {as_of}",
           f"question: {_heading(s)}", f"method: {_method(s)}"]
    out += [f"note: {note}" for note in s.notes]
    moved = s.tornado[s.tornado.swing.fillna(1) > 0]
    out += ["", f"Tornado: each input swung over its range, the rest held "
                f"({min(top, len(moved))} largest of {len(s.tornado)} inputs; "
                f"{len(s.tornado) - len(moved)} move nothing):"]
    if len(moved):
        out += _columns([_T_HEAD, *_tornado_rows(s, min(top, len(moved)))], left=3)
    if s.statistic == "p" and len(s.voi):
        out += ["", "What to watch: the value of learning each node X before the question "
                    "resolves (context events first; Brier - and log loss - are the expected "
                    f"reductions of the score, log loss in nats = I(Q; X){_voi_noise(s)}):"]
        out += _columns([_V_HEAD, *_voi_rows(s, top)], left=2)
    return "\n".join(out) + "\n"


# -- JSON -------------------------------------------------------------------------------------
def sensitivity_to_dict(s: Sensitivity) -> dict[str, Any]:
    """The analysis as JSON-ready data (dates ISO, missing numbers ``None``)."""
    from pactsim._version import __version__

    sc = s.scenario
    return {
        "scenario": {"id": sc.id, "as_of": sc.as_of.isoformat(),
                     "horizon": sc.horizon.isoformat(), "digest": sc.digest},
        "question": s.question, "statistic": s.statistic, "value": json_value(s.base),
        "run": {"method": s.method, "n": s.n, "seed": s.seed, "pactsim": __version__},
        "settings": dict(s.settings), "notes": list(s.notes),
        "tornado": [{k: json_value(r[k]) for k in s.tornado.columns}
                    for _, r in s.tornado.iterrows()],
        "voi": [{k: json_value(r[k]) for k in s.voi.columns} for _, r in s.voi.iterrows()],
    }


def sensitivity_to_json(s: Sensitivity) -> str:
    """:func:`sensitivity_to_dict` as indented JSON text (ends with a newline)."""
    return json.dumps(sensitivity_to_dict(s), indent=2, ensure_ascii=False,
                      allow_nan=False) + "\n"


# -- HTML -------------------------------------------------------------------------------------
def _table(head: list[str], rows: list[list[str]], caption: str) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return (f"<table><caption>{escape(caption)}</caption><thead><tr>{th}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def sensitivity_html(s: Sensitivity, *, heading: str = "What drives it", top: int = 10,
                     plots: bool = True, band: str | None = None) -> str:
    """An HTML section: the tornado (chart and table) and the "what to watch" ranking.

    ``band`` is a line of text shown under the heading (the report puts the
    spread of the question there when :mod:`pactsim.analysis.spread` exists).
    """
    out = [f"<h2>{escape(heading)}</h2>",
           f"<p>{escape(_heading(s))}. Each input of the scenario is swung over its stated "
           "90% range (or, for a fixed number, a default range: ±1 in log-odds for a "
           "probability, ÷/× 2 for an odds factor or hazard ratio, ±0.5 sd for a driver's "
           f"mean, ÷/× 1.5 for its sd, ±20% for a delay), the rest held. "
           f"Method: {escape(_method(s))}.</p>"]
    if band:
        out.append(f"<p>{escape(band)}</p>")
    out += [f'<p class="empty">{escape(note)}</p>' for note in s.notes]
    moved = s.tornado[s.tornado.swing.fillna(1) > 0]
    if len(moved):
        if plots:
            from pactsim.views.report import _png

            out.append(_png(plot_tornado(s, top), f"tornado of {s.question}"))
        out.append(_table(_T_HEAD, _tornado_rows(s, min(top, len(moved))),
                          "Largest swings"))
    else:
        out.append('<p class="empty">No input moves this question.</p>')
    if s.statistic == "p" and len(s.voi):
        out.append("<p>What to watch: the answer once each event is known, and what "
                   "knowing it is worth in expectation (the move of the forecast; the "
                   "reduction of the Brier score and of the log loss, which is the mutual "
                   f"information in nats{escape(_voi_noise(s))}). Context events first.</p>")
        if plots:
            from pactsim.views.report import _png

            out.append(_png(plot_voi(s, top), f"value of information for {s.question}"))
        out.append(_table(_V_HEAD, _voi_rows(s, top), "What to watch"))
    return "".join(out)


# -- plots ------------------------------------------------------------------------------------
def _clip(text: str, width: int = 44) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def plot_tornado(s: Sensitivity, top: int = TOP, ax: Axes | None = None, *,
                 heading: bool = True) -> Figure | Axes:
    """Horizontal bars from the question's value at each input's low end to its high
    end, around the base value, largest swing on top. Without ``ax`` returns a new
    :class:`~matplotlib.figure.Figure` (not kept by pyplot)."""
    import pandas as pd

    from pactsim.results.summary import top_count
    from pactsim.views.plot import ACCENT, DARK, _frame, _percent_axis, _start, _text_width

    median = s.statistic == "median"
    t = s.tornado[s.tornado.swing.fillna(0) > 0]
    t = t.head(top_count(top) or len(t))  # (review-api27: "5" reached pandas, 0 drew nothing)
    k = max(len(t), 1)
    own = ax is None
    fig, ax = _start(ax, (9.5, 1.6 + 0.42 * k))

    def x(v: Any) -> float:
        if median:
            return math.nan if pd.isna(v) else float((pd.Timestamp(v).date()
                                                      - s.scenario.as_of).days)
        return 100 * float(v)

    base = x(s.base)
    low_c, high_c = "#4a78b5", ACCENT
    for i, (_, r) in enumerate(t.iterrows()):
        lo, hi = x(r.q_low), x(r.q_high)
        for end, color in ((lo, low_c), (hi, high_c)):
            if not math.isnan(end):
                ax.barh(i, end - base, left=base, color=color, height=0.62, zorder=2)
        ends = [(e, v) for e, v in ((lo, r.low), (hi, r.high)) if not math.isnan(e)]
        if len(ends) == 2 and (ends[0][0] - base) * (ends[1][0] - base) > 0:
            # both ends move the answer the same way: the outer bar behind, the inner one
            # thinner in front (both stay visible), and both values beyond the outer end,
            # each in its bar's colour (outer first): nothing on the empty side
            ends.sort(key=lambda ev: abs(ev[0] - base))
            inner, outer = ends
            for (e, v), height in ((outer, 0.62), (inner, 0.34)):
                color = high_c if v == r.high else low_c
                ax.barh(i, e - base, left=base, color=color, height=height, zorder=2)
            side = 1 if outer[0] > base else -1
            first = _num(outer[1], r.kind)
            for (_e, v), shift in ((outer, 4.0), (inner, 4.0 + _text_width(first, 8) + 5)):
                color = high_c if v == r.high else low_c
                ax.annotate(_num(v, r.kind), xy=(outer[0], i), xytext=(shift * side, 0),
                            textcoords="offset points", va="center", fontsize=8,
                            fontweight="bold", ha="left" if side > 0 else "right",
                            color=color)
            continue
        for e, v in ends:
            side = 1 if e >= base else -1
            ax.annotate(_num(v, r.kind), xy=(e, i), xytext=(4 * side, 0),
                        textcoords="offset points", va="center", fontsize=8,
                        ha="left" if side > 0 else "right", color="#444444")
    ax.axvline(base, color=DARK, linewidth=1.0)
    ax.set_yticks(range(len(t)), [plain(_clip(str(n))) for n in t.input])
    ax.set_ylim(k - 0.5, -0.5)
    vals = [x(v) for v in (*t.q_low, *t.q_high)] + [base]
    vals = [v for v in vals if not math.isnan(v)]
    lo_all, hi_all = min(vals), max(vals)
    pad = 0.22 * max(hi_all - lo_all, 1e-9)
    ax.set_xlim(lo_all - pad, hi_all + pad)  # room for the values at the bars' ends
    if not median:  # but no tick of a probability below 0% or above 100%
        ax.set_xticks([v for v in ax.get_xticks() if -1e-9 <= v <= 100 + 1e-9])
        ax.set_xlim(lo_all - pad, hi_all + pad)
    if median:
        import matplotlib.ticker as mticker

        as_of = s.scenario.as_of
        ax.xaxis.set_major_formatter(mticker.FuncFormatter(
            lambda v, _pos: day(pd.Timestamp(as_of) + pd.Timedelta(days=round(v)))))
    else:
        _percent_axis(ax.xaxis)
    ax.set_xlabel(plain(f"median date of {s.question[:-len('.median')]}" if median
                        else f"P({_clip(s.question)})"), fontsize=9)
    _frame(ax, "x")
    ax.tick_params(axis="y", length=0)
    if heading:
        what = (f"the median date of {s.question[:-len('.median')]}" if median
                else f"P({s.question})")
        ax.set_title(plain(f"What drives {what}: {_q(s, s.base)}"), loc="left", fontsize=12,
                     fontweight="bold", pad=24)
        ax.annotate(plain("each input at the low (blue) and high (red) end of its range, "
                          "the rest held" + ("" if s.method == "exact" else
                                             "; Monte Carlo, common random numbers")),
                    xy=(0, 1), xycoords="axes fraction", xytext=(0, 7),
                    textcoords="offset points", fontsize=9, color="#555555", va="bottom")
    return fig if own else ax


def plot_voi(s: Sensitivity, top: int = TOP, ax: Axes | None = None, *,
             heading: bool = True) -> Figure | Axes:
    """Bars of the expected absolute move of P(question) once each node is known,
    context events in a darker colour, with P(Q | X) and P(Q | not X) beside."""
    from pactsim.errors import ArgumentError
    from pactsim.results.summary import top_count
    from pactsim.views.plot import DARK, GREY, _frame, _start

    if s.statistic != "p":
        raise ArgumentError("no value of information for a date question")
    v = s.voi.head(top_count(top) or len(s.voi))
    k = max(len(v), 1)
    own = ax is None
    fig, ax = _start(ax, (9.5, 1.6 + 0.38 * k))
    moves = [100 * float(m) for m in v.move]
    colors = [DARK if g == "context" else GREY for g in v.group]
    ax.barh(range(len(v)), moves, color=colors, height=0.62)
    right = max(moves, default=1.0) or 1.0
    for i, (_, r) in enumerate(v.iterrows()):
        beside = "" if is_missing(r.q_if_true) or is_missing(r.q_if_false) else \
            f"   ({pct(r.q_if_true)} if true, {pct(r.q_if_false)} if not)"  # not an outcome row
        ax.annotate(plain(f"{100 * r.move:.1f} pp{beside}"), xy=(100 * r.move, i),
                    xytext=(4, 0), textcoords="offset points", va="center", fontsize=8,
                    color="#444444")
    ax.set_yticks(range(len(v)), [plain(_clip(str(n), 32)) for n in v.node])
    ax.set_ylim(k - 0.5, -0.5)
    ax.set_xlim(0, right * 1.75)
    ax.set_xlabel("expected move of the forecast once known (percentage points)", fontsize=9)
    _frame(ax, "x")
    ax.tick_params(axis="y", length=0)
    if heading:
        ax.set_title(plain(f"What to watch for P({s.question}) = {pct(s.base)}"), loc="left",
                     fontsize=12, fontweight="bold", pad=36)
        ax.annotate(plain("dark: context events; grey: the signing, milestones, the text and "
                          "what is drawn given the signing;\neach group in order of the Brier "
                          "score's expected drop once known"),
                    xy=(0, 1), xycoords="axes fraction", xytext=(0, 7),
                    textcoords="offset points", fontsize=9, color="#555555", va="bottom")
    return fig if own else ax
