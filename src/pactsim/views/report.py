"""``pactsim report``: a forecast as one self-contained HTML page.

The page holds the forecast tables, the plots (embedded as base64 PNG), the
scenario's resolution text, stated inputs and sources, and the provenance of
the run (seed, n, scenario digest, pactsim version). CSS is inline; there is no
JavaScript and nothing is loaded from the network, so the file can be mailed,
archived or opened offline. The same ``(scenario, n, seed)`` gives the same page.

Examples
--------
Command line::

    pactsim report scenarios/iran-russia-2024.yaml --out report.html -n 200000 --seed 7

From Python:

>>> import pactsim
>>> from pactsim.views.report import report_html
>>> res = pactsim.simulate(pactsim.load("scenarios/iran-russia-2024.yaml"), n=10_000, seed=1)
>>> page = report_html(res)                               # doctest: +SKIP
"""

from __future__ import annotations

import base64
import io
import math
import re
import warnings
from typing import TYPE_CHECKING, Any, Literal

from pactsim.errors import (
    ConditionError,
    ModelTooWideError,
)
from pactsim.views import display as _d
from pactsim.views.display import escape
from pactsim.views.format import band_ends, band_point, day, interval, pct, pct_in
from pactsim.views.partial import NOT_EXACT, Partial, extra_evidence
from pactsim.views.refusals import refused as _refused

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from pactsim.views.display import ResultsLike

__all__ = ["report_html"]

_PAGE_CSS = """
html{background:#f4f5f7}
body{margin:0;color:#1d232b}
main.pactsim{max-width:1060px;margin:0 auto;padding:28px 40px 40px;background:#fff;
 font-size:14px;line-height:1.5;box-shadow:0 0 0 1px #e3e5e8}
main.pactsim h1{font-size:24px;line-height:1.25;margin:0 0 6px}
main.pactsim h2{font-size:18px;margin:30px 0 6px;padding-top:10px;border-top:2px solid #2f5d8a}
main.pactsim p{margin:6px 0;max-width:80ch}
main.pactsim table{font-size:13px}
main.pactsim h2+table>caption{display:none}
main.pactsim figure{margin:10px 0 4px}
main.pactsim table.ps-history td:nth-child(2){white-space:nowrap}
main.pactsim .ps-score td{white-space:nowrap;overflow-wrap:normal}
main.pactsim figure img{max-width:100%;height:auto;display:block}
main.pactsim .lead{font-size:15px;color:#333}
main.pactsim p.empty{color:#555;font-style:italic}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:12px;
 margin:16px 0 4px}
.card{border:1px solid #dde2e8;border-radius:6px;padding:10px 12px;
 background:#f8fafc}
.card .v{font-size:26px;font-weight:700;color:#2f5d8a;line-height:1.2}
.card .k{font-size:12.5px;color:#333}
.card .ci{font-size:11.5px;color:#667}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;font-size:13px;
 margin:10px 0}
dl.meta dt{color:#556}
dl.meta dd{margin:0;font-variant-numeric:tabular-nums}
dl.sources dt{font-weight:600;font-family:ui-monospace,monospace;font-size:12px}
dl.sources dd{margin:0 0 6px 0}
footer{margin-top:36px;font-size:12px;color:#667;border-top:1px solid #e3e5e8;padding-top:8px}
@media print{html{background:#fff}main.pactsim{box-shadow:none;padding:0}
 h2,figure,table{break-inside:avoid}}
"""


def _png(drawn: Figure | Axes, alt: str) -> str:
    """The figure as an ``<img>`` with a base64 PNG (1.5× pixels for sharp screens)."""
    from matplotlib.figure import Figure

    fig = drawn if isinstance(drawn, Figure) else drawn.get_figure(root=True)
    assert isinstance(fig, Figure)  # internal invariant, not user input
    data = base64.b64encode(_png_bytes(fig)).decode("ascii")
    width = round(fig.get_figwidth() * 96)
    return (f'<figure><img width="{width}" alt="{escape(alt)}" '
            f'src="data:image/png;base64,{data}"></figure>')


def _png_bytes(fig: Figure) -> bytes:
    """The figure drawn as PNG (most of a page's time: ~0.5 s a figure)."""
    buf = io.BytesIO()
    with warnings.catch_warnings():  # (review-fuzz15: "constrained_layout not applied"
        # on a figure whose labels do not fit reached the terminal with its source line;
        # the figure is drawn all the same)
        warnings.filterwarnings("ignore", message=".*constrained_layout", category=UserWarning)
        fig.savefig(buf, format="png", dpi=144, metadata={"Software": None})
    return buf.getvalue()


#: How the page names the signing date's law where exact inference could not compute it.
SIGNING_DATE = "the signing date"


#: Longest text under a headline number; a longer label is cut (its whole text in the tooltip).
CARD_TEXT = 70


def _card(value: str, what: str, ci: str = "") -> str:
    tail = f'<div class="ci">{escape(ci)}</div>' if ci else ""
    short = what if len(what) <= CARD_TEXT else what[: CARD_TEXT - 1].rstrip() + "\u2026"
    title = f' title="{escape(what)}"' if short != what else ""
    return (f'<div class="card"><div class="v">{escape(value)}</div>'
            f'<div class="k"{title}>{escape(short)}</div>{tail}</div>')


def _card_interval(r: Any) -> str:
    """A card's 95% interval, as the tables write it; nothing for an exact answer (a
    Monte Carlo share of 0 or 1 has standard error 0 but a Wilson interval)."""
    ci = interval(r.lo, r.hi, r.stderr)
    return "" if ci == "exact" else f"95%: {ci}"


def _headline(page: Partial) -> str:
    """Big numbers: P(signed) by the first year end among the key dates (the question
    forecasters are asked; the first key date when the only year end is the last) and by
    the last, then the first questions that do not just repeat them (none that could
    not be computed). Under a file's news the key dates before it are settled: the first
    is from the news on, and a question on the signing date before the news is not a
    headline."""
    cards, shown = [], set()
    news = _d.news_to(page)
    if _d.has_signing(page):
        dates = _d.key_dates(page)
        if news is not None:
            dates = [d for d in dates if d.isoformat() >= news] or dates[-1:]
        first = next((d for d in dates[:-1] if (d.month, d.day) == (12, 31)), dates[0])
        try:
            cdf = page.signing_cdf(sorted({first, dates[-1]}))
        except NOT_EXACT as err:  # said under the cards and in its section
            _refused(err)
            page.gaps.setdefault(SIGNING_DATE, err)
        else:
            for d, r in cdf.iterrows():
                shown.add(day(d))
                cards.append(_card(pct_in(r.p, r.lo, r.hi, r.stderr), f"signed by {day(d)}",
                                   _card_interval(r)))
    for name, r in page.questions().iterrows():
        m = re.fullmatch(r"\s*signing\.date\s*<=\s*(\S+)\s*", str(r.expr))
        if len(cards) >= 6 or (m and m.group(1) in shown) or math.isnan(float(r.p)) or (
                m and news is not None and m.group(1) < news):
            continue
        cards.append(_card(pct_in(r.p, r.lo, r.hi, r.stderr), _d.label(page, str(name)),
                           _card_interval(r)))
    return f'<div class="cards">{"".join(cards)}</div>'


def _empty(text: str) -> str:
    return f'<p class="empty">{escape(text)}</p>'


def _questions_note(page: Partial, qs: pd.DataFrame) -> str:
    """The note under the questions: those exact inference could not answer ("—"),
    and those whose P(yes | signed) it could not (the column may be left out), or ""."""
    gone = [q for q in qs.index if q in page.missing]
    said = [", ".join(gone) + " (\u2014 in the table)"] if gone else []
    if page.missing_signed:
        shown = bool(qs.p_given_signed.notna().any())  # else the table has no such column
        said.append("P(yes | signed) of " + ", ".join(page.missing_signed)
                    + (" (\u2014 in the table)" if shown else ""))
    errors = [*(page.missing[q] for q in gone), *page.missing_signed.values()]
    return page.note("; ".join(said), *errors) if errors else ""


def _texts_section(res: ResultsLike, top: int) -> str:
    """Most likely texts: sets of pillars, then exact sets of pillars and
    clauses, each as a chart and a table; what cannot be shown is said."""
    from pactsim.views import plot

    if not callable(getattr(res, "bundles", None)):
        return ""
    out = ["<h2>Which texts are most likely?</h2>"
           "<p>Whole texts are spread thin: an exact set of pillars and clauses is rare, so "
           "the first chart groups texts by their pillars only.</p>"]
    levels: tuple[tuple[str, Literal["pillar", "clause"], str], ...] = (
        ("pillars", "pillar", "pillars"), ("all", "clause", "pillars and clauses"))
    for of, level, what in levels:
        try:
            b = _d.bundle_frame(res, top + 1, of)
        except ModelTooWideError as err:
            if of != "all":  # whole texts: beyond exact inference by design, as in run
                _refused(err)
            out.append(_empty(f"Exact sets of {what}: too many nodes together for exact "
                              f"inference ({err.width} variables); pactsim.simulate "
                              "estimates them."))
            continue
        if b is None:
            continue
        if not len(_d.non_empty(b)):
            one = "pillar" if of == "pillars" else "pillar or clause"
            out.append(_empty(f"No outcome has any {one} in its text (never signed, or "
                              "signed with none of them), so there are no texts to compare."))
            break  # a clause needs its pillar: no pillar, no clause either
        out.append(_png(plot.bundles(res, top, level=level, heading=False),
                        f"most likely sets of {what}"))
        table = _d.bundles_table(res, top, of)
        fold = "<details open>" if (b["bound"] > 0).any() else "<details>"
        out.append(table if of == "pillars" else
                   f"{fold}<summary>These texts as a table</summary>{table}</details>")
    return "".join(out)


def _numeric_section(page: Partial) -> str:
    """Numeric and date questions: a table, then a chart for each that has a
    distribution; a question with no value in any outcome is said to be so, one
    exact inference could not compute ("—" in the table) too."""
    from pactsim.views import plot

    if not callable(getattr(page.res, "numeric", None)) or not (nums := _d.numeric_questions(page)):
        return ""
    out = ["<h2>Numeric questions</h2>", _d.numeric_table(page)]
    if gone := [q for q in nums if q in page.missing]:
        page.gaps.setdefault(_d._count_of(len(gone), "numeric question"), page.missing[gone[0]])
        out.append(page.note(", ".join(gone) + " (\u2014 in the table)",
                             *(page.missing[q] for q in gone)))
    for q in nums:
        if q in page.missing:
            continue
        s = page.numeric(q)
        if s.missing >= 1 or (s.histogram is not None and not len(s.histogram)):
            out.append(_empty(f"{q} has no value in any outcome, so it has no distribution."))
            continue
        if s.histogram is None and _d.histogram(page.res, q) is None:
            continue  # too many distinct values and no draws: the table has its quantiles
        if page.scenario.question_text(q).strip() in _d.attribute_names(page):
            continue  # just an attribute: drawn under Numeric attributes
        out.append(_png(plot.numeric(page.res, q, heading=False), f"distribution of {q}"))
    return "".join(out)


def _attributes_section(res: ResultsLike) -> str:
    """The scenario's numeric attributes (format 3): a table of each one's mean,
    median and 80% interval, then its distribution (a histogram, or a bar per value
    for few values); an attribute with no value in any outcome is said to be so."""
    from pactsim.views import plot

    names = _d.attribute_names(res)
    summary = getattr(res, "numeric", None)
    if not names or not callable(summary):
        return ""
    out = ["<h2>Numeric attributes</h2>", _d.attributes_table(res),
           "<p>Numbers of the text (format 3 <code>attributes</code>). Each has no value "
           "where its gate is closed (not signed, say); the mean and quantiles are over the "
           "outcomes where it has one, while the bars are shares of all outcomes, so they add "
           "up to the share with a value (the share without one is given). Shaded: the "
           "80% interval (10% to 90%); dashed: the median; triangle: the mean.</p>"]
    for a in names:
        if summary(a).missing >= 1:
            out.append(_empty(f"{a} has no value in any outcome, so it has no distribution."))
            continue
        out.append(_png(plot.numeric(res, a, heading=False), f"distribution of {a}"))
    return "".join(out)


#: The heading of the signing section (also above its note when it cannot be computed).
SIGNING_HEAD = "<h2>When will the agreement be signed?</h2>"


def _signing_section(res: ResultsLike) -> str:
    """The signing curve, drawn and tabled (the table first: where exact inference
    cannot give the curve, it fails before a figure is drawn)."""
    from pactsim.views import plot

    table = _d.signing_table(res)
    return (SIGNING_HEAD + _png(plot.signing_cdf(res, heading=False),
                                "chance signed by each date") + table)


def _timeline_section(page: Partial) -> str:
    """Dated events and milestones: the timeline chart, then a table of every
    dated node (P by the horizon, median date and 80% interval if it happens,
    median days after signing where a question asks it, timing in words). Exact
    inference may date some and not others (the table says which); where it can
    date none, the first one's error is raised (the chart would be empty)."""
    from pactsim.views import plot

    res = page.res
    if _d.draws(res) is None:
        refused = None
        for name in _d.dated_nodes(res):
            try:
                _d.date_cdf(res, name, [page.scenario.horizon])
                break
            except NOT_EXACT as err:
                refused = refused or err
        else:
            if refused is not None:
                raise refused
    return ("<h2>When will each step happen?</h2>"
            "<p>Each curve is the chance that the step has happened by that date; the dot "
            "is its median date among the outcomes where it happens by the horizon. Dates "
            "in the table are given it happens by the horizon.</p>"
            + _png(plot.timeline(res, heading=False), "chance each dated step has happened "
                   "by each date")
            + _d.timeline_table(page, days=True))


def _meta(res: ResultsLike, source: str | None) -> str:
    sc = res.scenario
    info = getattr(res, "info", None)
    news = _d.news_to(res)  # under observations: the forecast's date, then the priors'
    rows = [("scenario", sc.id), ("file", source or "—")]
    rows += ([("as of", str(sc.as_of))] if news is None else
             [("as of", f"{news} (the news to then)"), ("priors as of", str(sc.as_of))])
    rows.append(("horizon", str(sc.horizon)))
    if info is not None:
        rows += [("method", "Monte Carlo"), ("draws (n)", f"{info.n:,}"), ("seed", str(info.seed))]
    else:
        rows.append(("method", "exact inference"))
    version = getattr(info, "version", None) or _version()
    rows += [("scenario digest", sc.digest), ("pactsim", version)]
    body = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    return f'<dl class="meta">{body}</dl>'


def _version() -> str:
    from pactsim._version import __version__

    return __version__


#: Parameter sets drawn for the band of "What drives it" (about 13 ms each on the flagship).
SPREAD_N = 200
#: Seconds the report's spread may take; beyond, the page goes without it.
SPREAD_SECONDS = 10.0


#: A forecast this close to 0 or 1 is settled: "What drives it" analyses another question.
SETTLED = 0.005


def _open_question(res: ResultsLike) -> str | None:
    """The first true/false question whose forecast is not settled (news may have
    settled the first: "signed by 2024-12-31" after 1 January; one not computed, NaN,
    is skipped); ``None`` (the analysis's own default) when every one is."""
    qs = res.questions()
    for name, r in qs.iterrows():
        if SETTLED < float(r.p) < 1.0 - SETTLED:
            return str(name)
    return None


def _drivers(sc: Any, sensitivity: object, question: str | None, seed: int = 0
             ) -> tuple[Any, Any]:
    """The sensitivity analysis of "What drives it" and the question's spread over the
    uncertain inputs (``None`` for either that does not apply)."""
    from pactsim.errors import ArgumentError

    if sensitivity is None:
        return None, None
    s: Any = sensitivity
    if isinstance(sensitivity, str):
        from pactsim.analysis.sensitivity import sensitivity as analyse

        try:
            s = analyse(sc, question, seed=seed)  # where Monte Carlo: the page's seed
        except (ArgumentError, ConditionError):
            if question is not None:
                raise
            return None, None  # no true/false question or node: nothing to rank
    sp = None
    if s.statistic == "p":
        from pactsim.analysis.spread import TooSlow, spread, time_limit

        try:
            with time_limit(SPREAD_SECONDS):
                sp = spread(sc, s.question, n=SPREAD_N, seed=0)
        except (ArgumentError, ConditionError, ValueError, TooSlow):
            sp = None  # (too slow: a question on several dates, answered exactly per draw)
    return s, sp


def _band(s: Any, sp: Any) -> str | None:
    if sp is None:
        return None
    ends = band_ends(sp.lo, sp.hi)  # the rule and digits of `pactsim run`'s spread
    if ends is None:  # no uncertain input moves this question
        return (f"P({s.question}) {pct(sp.mean)}: no spread over the uncertain "
                f"inputs ({sp.n} parameter sets, {sp.method}).")
    return (f"P({s.question}) {band_point(sp.mean, ends)} (80% band {ends[0]}–{ends[1]}), over "
            f"the uncertain inputs drawn together ({sp.n} parameter sets, {sp.method}).")


#: Inputs named in the report's opening summary of what moves the forecast.
LEAD_INPUTS = 5


def _drivers_lead(s: Any, sp: Any, extra: str | None = None, *,
                  monte_carlo: bool = False) -> str:
    """The opening summary: the analysed question's forecast, its spread and the
    inputs that move it most (details in "What drives it"); ``extra``: evidence of the
    run that the analysis is without. ``monte_carlo``: the page's numbers are Monte
    Carlo estimates, so an exact analysis says it is exact (its 42.6% next to the
    cards' 42.4% is then no contradiction)."""
    if s is None:
        return ""
    from pactsim.views.sensitivity import _heading, _num, _q

    head = f"<b>{escape(_heading(s))}</b>"
    said = []  # one parenthesis, its parts joined by semicolons
    if monte_carlo and getattr(s, "n", 0) is None:
        head += " by exact inference"
        said.append("the cards and tables are Monte Carlo estimates: theirs may differ from "
                    "it within their intervals")
    elif monte_carlo:  # the analysis' own run (review-fuzz16b: 22.9% beside the card's 23.0%)
        head += f" by the analysis' own Monte Carlo run of {s.n:,} draws"
        said.append("the cards' may differ from it within their intervals")
    if extra:
        said.append(f"the scenario as written, without the evidence {escape(extra)}")
    ends = None if sp is None else band_ends(sp.lo, sp.hi)
    if ends is not None:
        said.append(f"80% band {escape(ends[0])}–{escape(ends[1])} over the uncertain inputs")
    elif sp is not None:
        said.append("no spread over the uncertain inputs")
    if said:
        head += f" ({'; '.join(said)})"
    moved = s.tornado[s.tornado.swing.fillna(1) > 0].head(LEAD_INPUTS)
    if not len(moved):
        return f'<p class="lead">{head}. No input of the file moves it.</p>'
    items = "".join(
        f"<li><code>{escape(str(r.input))}</code> from {escape(_num(r.low, r.kind))} to "
        f"{escape(_num(r.high, r.kind))} \u2192 {escape(_q(s, r.q_low))} to "
        f"{escape(_q(s, r.q_high))}</li>" for _, r in moved.iterrows())
    one = len(moved) == 1
    return (f'<div class="lead">{head}. The {len(moved)} input{"" if one else "s"}'
            f" that move{'s' if one else ''} it most (each swung over its range, the rest "
            f"held; see What drives it):<ol>{items}</ol></div>")


def _drivers_section(s: Any, sp: Any, extra: str | None = None) -> str:
    """The "What drives it" section, or "" (no yes/no question to analyse); ``extra``
    as for :func:`_drivers_lead`."""
    if s is None:
        return ""
    from pactsim.views.sensitivity import sensitivity_html

    html = sensitivity_html(s, band=_band(s, sp))
    if extra and "</h2>" in html:
        note = (f'<p class="empty">Of the scenario as written, without the evidence '
                f"{escape(extra)} that the forecast above is conditioned on.</p>")
        html = html.replace("</h2>", "</h2>" + note, 1)
    return html


#: Questions drawn in the forecast history: those that moved most (the table has them all).
HISTORY_PLOTTED = 6


def _history_section(res: ResultsLike) -> str:
    """"Forecast history": the forecast as of each observation date (only for a
    scenario with ``observations:``), drawn and tabled, with what was learnt."""
    sc = res.scenario
    if not sc.observations:
        return ""
    from pactsim.analysis.history import cited, history
    from pactsim.views import plot

    head = "<h2>Forecast history</h2>"
    try:
        df = history(sc)
    except ConditionError as err:
        return head + _empty(str(err))
    steps = df.drop_duplicates("step")
    questions = list(dict.fromkeys(df["question"]))
    p = {(int(k), str(q)): float(v) for k, q, v in zip(df["step"], df["question"], df["p"],
                                                       strict=True)}
    moved = sorted(questions, key=lambda q: -max(abs(p[(int(k), q)] - p[(0, q)])
                                                 for k in steps["step"]))
    shown = [q for q in questions if q in moved[:HISTORY_PLOTTED]]
    mc = df.attrs.get("method") == "montecarlo"
    intro = ("<p>Each true/false question's probability under the priors (step 0, as of "
             f"{sc.as_of}), then after each date of the file's observations, given everything "
             "learnt by then"
             + (f" (Monte Carlo, n={df.attrs.get('n', 0):,}, seed {df.attrs.get('seed')}; "
                "bands: 95%)" if mc else " (exact)")
             + (f". The figure shows the {len(shown)} that moved most; the table has all."
                if len(shown) < len(questions) else ".") + "</p>")
    figure = _png(plot.history(df[df["question"].isin(shown)],
                               labels={q: _d.label(res, q) for q in shown}, heading=False),
                  "each question's probability after each observation date")
    day_step = {d: int(k) for k, d in zip(steps["step"], steps["date"], strict=True)}
    learnt = []
    for o in sorted(sc.observations, key=lambda o: o.date):
        ratio = "" if o.likelihood_ratio is None else f" (×{o.likelihood_ratio:g}, soft)"
        learnt.append(f"<tr><td>{day_step[o.date]}</td><td>{day(o.date)}</td>"
                      f"<td><code>{escape(o.evidence)}</code>{escape(ratio)}</td>"
                      f"<td>{escape(cited(sc, o.source))}</td>"
                      f"<td class=\"why\">{escape(o.why or '')}</td>"
                      "</tr>")
    th = "".join(f'<th title="{escape(str(src) or "the priors")}">{int(k)}<br>{day(d)}</th>'
                 for k, d, src in zip(steps["step"], steps["date"], steps["source"],
                                      strict=True))
    body = "".join(
        f"<tr><td>{escape(_d.label(res, q))}</td>"
        + "".join(f'<td class="num">{escape(pct(p[(int(k), q)]))}</td>' for k in steps["step"])
        + "</tr>" for q in questions)
    return (head + intro + figure
            + '<table class="ps-history"><caption>What was learnt</caption><thead><tr>'
              "<th>#</th><th>date</th><th>evidence</th><th>source</th><th>why</th></tr>"
              f"</thead><tbody>{''.join(learnt)}</tbody></table>"
            + '<table class="ps-history"><caption>P(question) as of each date (hover a date '
              f"for its source)</caption><thead><tr><th>question</th>{th}</tr></thead>"
              f"<tbody>{body}</tbody></table>")


def _shell(word: str) -> str:
    """``word`` as a shell reads it back (quoted when it has spaces or quotes)."""
    import shlex

    return shlex.quote(word)


def report_html(res: ResultsLike, *, source: str | None = None, top: int = 10,
                resolutions: object = None, compare: object = None,
                sensitivity: object = "auto", question: str | None = None) -> str:
    """A complete, self-contained HTML page for a forecast.

    Parameters
    ----------
    res:
        Monte Carlo or exact results (anything with the results surface).
    source:
        The scenario file's path, shown in the provenance table.
    top:
        How many of the most frequent texts to plot and list.
    resolutions:
        A resolution file (path or :class:`~pactsim.language.resolutions.Resolutions`)
        of this scenario: adds a section scoring the forecast against it.
    compare:
        A :class:`~pactsim.analysis.diff.Diff` from another scenario A to this
        one (``pactsim.diff(A, res.scenario)``): adds a section "What changed
        from A" after the questions.
    sensitivity, question:
        The section "What drives it" (after the questions): a
        :class:`~pactsim.analysis.sensitivity.Sensitivity`, or ``"auto"`` (the
        default) to compute one for ``question`` (default: the first true/false
        question whose forecast is not settled, within :data:`SETTLED` of 0 or 1;
        none, no section), or ``None`` for no section. With
        :mod:`pactsim.analysis.spread` it also shows the question's 80% band
        over the uncertain inputs.

    Returns
    -------
    str
        The page; no external resources, no JavaScript. Of exact results, a part that
        exact inference refuses (:class:`~pactsim.errors.ModelTooWideError`: under
        evidence whose variables enter every joint law, most often; or
        :class:`~pactsim.errors.ExactUnsupportedError`) reads "—" in its table or is a
        note in its section, saying why and what to run instead; so does a line under
        the headline. Everything else is shown as usual.
    """
    sc = res.scenario
    page = Partial(res)  # what exact inference refuses is said, the rest shown
    title = escape(sc.title or sc.id)
    asked = question  # (for the line that reproduces the page)
    if question is None and isinstance(sensitivity, str):
        question = _open_question(page)
    seed = getattr(getattr(res, "info", None), "seed", 0)
    drivers, sp = _drivers(sc, sensitivity, question,
                           seed if isinstance(seed, int) and not isinstance(seed, bool) else 0)
    out = [f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
           f'<meta name="viewport" content="width=device-width, initial-scale=1">'
           f"<title>{title}</title><style>{_d.CSS}{_PAGE_CSS}</style></head><body>"
           f'<main class="pactsim"><h1>{title}</h1>'
           f'<div class="lead">Forecast as of {_d.as_of_words(sc, res)}, horizon {sc.horizon}. '
           + (f"The file records {len(sc.observations)} observation"
              f"{'s' if len(sc.observations) != 1 else ''} learnt since, to "
              f"{max(o.date for o in sc.observations)} (see Forecast history). "
              if sc.observations else "")
           + ("Percentages with 95% intervals. " if hasattr(res, "info") else "")
           + f"{escape(_d.run_meta(res))}.</div>",
           _headline(page), "", _drivers_lead(drivers, sp, extra := extra_evidence(res),
                                              monte_carlo=hasattr(res, "info"))]
    gaps_at = len(out) - 2  # the note of what was not computed, once the page is built
    if sc.description:
        out.append(f"<h2>What is forecast</h2><p>{escape(sc.description)}</p>")
    if resolutions is not None:
        from pactsim.analysis.scoring import score
        from pactsim.views.scoring import scorecard_html

        out.append('<div class="ps-score">'  # its numbers never break across lines
                   + scorecard_html(score(sc, resolutions))  # type: ignore[arg-type]
                   + "</div>")
    if len(qs := page.questions()):
        out.append(f"<h2>Questions</h2>{_d.questions_table(page)}")
        out.append(_questions_note(page, qs))
    out.append(_history_section(res))
    out.append(_drivers_section(drivers, sp, extra))
    if compare is not None:
        from pactsim.views.diff import diff_html

        section = diff_html(compare)  # type: ignore[arg-type]
        if getattr(res, "info", None) is not None and getattr(compare, "n", 0) is None:
            # the page's other numbers are Monte Carlo: a last digit may differ
            section = section.replace(
                "exact inference (standard errors 0).</p>",
                "exact inference (standard errors 0); the rest of this page is by Monte "
                "Carlo, so a number here may differ from it in the last digit shown.</p>", 1)
        out.append(section)
    if _d.has_signing(res):
        out.append(page.section(SIGNING_DATE, SIGNING_HEAD, lambda: _signing_section(res)))
    if _d.has_timeline(res):
        out.append(page.section("the timeline of the dated steps",
                                "<h2>When will each step happen?</h2>",
                                lambda: _timeline_section(page)))
    content, events = _content_sections(page, top)
    out += content
    out.append(_numeric_section(page))
    out.append(page.section("the numeric attributes", "<h2>Numeric attributes</h2>",
                            lambda: _attributes_section(res)))
    out += events
    note = ("<p>As stated by the analyst, each number with its reason (<code>why</code> in "
            "the file) and the keys of its sources"
            + (": a pillar's p is P(pillar | signed), a clause's p is P(clause | its pillar "
               "is in the text)." if sc.pillars else ".") + "</p>")
    out.append(f"<h2>Scenario inputs</h2>{note}{_d.scenario_inputs(sc, fold_questions=False)}")
    if sc.sources:
        items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in sc.sources.items())
        out.append(f'<h2>Sources</h2><dl class="sources">{items}</dl>')
    out.append(f"<h2>Run</h2>{_meta(res, source)}")
    info = getattr(res, "info", None)
    again = (f"pactsim report {_shell(source) if source else 'FILE'} -n {info.n} "
             f"--seed {info.seed}" if info is not None else "")
    if again and resolutions is not None:
        again += f" --resolutions {_shell(str(getattr(resolutions, 'name', resolutions)))}"
    if again and compare is not None:
        again += f" --compare {_shell(getattr(compare, 'sources', ('A',))[0] or 'A')}"
    if again and asked is not None:
        again += f" -q {_shell(asked)}"
    if again and top != 10:
        again += f" --top {top}"
    out.append(f"<footer>Made with pactsim {escape(_version())}."
               + (f" Reproduce with <code>{escape(again)}</code>." if again else "")
               + "</footer></main></body></html>\n")
    out[gaps_at] = page.summary()
    return "".join(out)


def _content_sections(page: Partial, top: int) -> tuple[list[str], list[str]]:
    """"What will the text contain?" and the likeliest texts, then the context events
    (two lists: the numeric sections go between), from the marginals; a note for each
    instead where exact inference could not give them."""
    from pactsim.views import plot

    res, sc = page.res, page.scenario
    try:
        marg = res.marginals()
    except NOT_EXACT as err:  # no chance of any node: say so where each would be
        _refused(err)
        page.gaps.setdefault("the pillars, clauses and events", err)
        dated = set(_d.dated_nodes(res))
        return (["<h2>What will the text contain?</h2>"
                 + page.note("the chance of each pillar and clause", err)]
                if sc.pillars else [],
                ["<h2>Context events</h2>" + page.note("the chance of each context event", err)]
                if any(e not in dated for e in sc.events) else [])
    out, after = [], []
    categorical = _d.categorical_nodes(marg)
    if marg.kind.isin(["pillar", "clause"]).any():
        which = [n for n in categorical if marg.kind.get(n) in ("pillar", "clause")]
        out.append("<h2>What will the text contain?</h2>"
                   + _png(plot.inclusion(res, heading=False), "pillars and clauses")
                   + (_png(plot.outcomes(res, which, heading=False),
                           "outcomes of the categorical pillars and clauses") if which else "")
                   + _d.content_table(res))
        out.append(_texts_section(res, top))
    events = _d.undated_events(res)
    if len(events):
        which = [n for n in categorical if n in events.index]
        after.append("<h2>Context events</h2>"
                     + (_png(plot.outcomes(res, which, heading=False),
                             "outcomes of the categorical events") if which else "")
                     + _d.events_table(res))
    return out, after

