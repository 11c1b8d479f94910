"""The forecast as plain text (what ``pactsim run`` prints and ``Results.summary()`` returns).

The JSON and CSV writers live in :mod:`pactsim.views.export` and carry every
section printed here.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from pactsim.errors import ModelTooWideError, printable
from pactsim.results.stats import MAX_VALUES
from pactsim.results.summary import level_label
from pactsim.views.display import (
    as_of_words,
    bundle_frame,
    bundle_note,
    content_rows,
    date_cdf,
    dated_nodes,
    evidence_chance,
    has_timeline,
    timeline_frame,
    undated_events,
)
from pactsim.views.export import TOP, effective_sizes
from pactsim.views.format import (
    LOWER_BOUND,
    count,
    day,
    interval,
    is_missing,
    pct,
    pct_in,
    spread,
    value,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from pactsim.analysis.spread import Spread
    from pactsim.results.montecarlo import Results

__all__ = ["format_results", "format_spreads", "spread_line"]


def _pct(p: float) -> str:
    return f"{pct(p):>7}"  # ">99.99%" is the widest


def _point(row: Any, ci: Callable[[float, float, float], str]) -> str:
    """A row's P in the column width, to its interval's decimals where one is shown."""
    if ci is _no_ci:
        return _pct(row.p)
    return f"{pct_in(row.p, row.lo, row.hi, row.stderr):>7}"


def _ci(lo: float, hi: float, stderr: float) -> str:
    return f"{'[' + interval(lo, hi, stderr) + ']':<12}"  # "[99.6–100.0]" fits


def _no_ci(lo: float, hi: float, stderr: float) -> str:
    """The interval column of exact results: as wide as :func:`_ci`'s, empty."""
    return " " * 12


def _few_signed(res: Any) -> str | None:
    """A line under P(· | signed) when a Monte Carlo run has few signed draws (below
    :data:`FEW_DATE_DRAWS`, effective): those numbers rest on them alone, and a count of 0
    of 2 is printed 0.0% with no error (review-numbers14)."""
    n = getattr(res, "n", None)
    if not isinstance(n, int) or res.model.signing_index < 0:
        return None
    size = float(getattr(res, "ess", n))
    # the signed draws' own effective size: P(signing) times the run's is not it when
    # the news weighs signed draws apart (a ratio of 1e-200 on the signing: "about 0",
    # though 50,000 equal signed draws answer; review-fuzz16)
    signed = effective_sizes(res)[1]
    k = signed if signed is not None else \
        float(res.marginals().p.get("signing", float("nan"))) * size
    if not 0 < k < FEW_DATE_DRAWS:
        return None
    return (f"  (P(· | signed) rests on about {k:,.0f} signed draws of {n:,}"
            f"{', effective' if size < n else ''}: more draws steady it)")


def _cond(p: float) -> str:
    """P(· | signed), or nothing when the run was never signed."""
    return "" if math.isnan(p) else _pct(p)


def format_results(res: Results) -> str:
    """The forecast as readable text: headline questions (with P(yes | signed)
    when the scenario has a signing date), the signing curve at key dates,
    the timeline of dated events and milestones (when there are any besides
    the signing), pillars with their clauses, context events (undated), numeric
    questions (mean, sd, quantiles), numeric attributes (mean, sd, 10/50/90%
    and the share with no value) and the most frequent sets of pillars (as
    many as the JSON and CSV's ``pillar_sets``, :data:`~pactsim.views.export.TOP`).
    A categorical node's outcomes (``instc=named``) are listed under it, one
    step further in.

    Sections with nothing to show are left out (no pillars: no texts); a
    bundle count that may be low (a pruned table) is shown with its bound.

    Exact results (:func:`pactsim.exact`, also under evidence) print the same
    sections without intervals (there is no sampling error); the most frequent
    texts are left out, with a line saying so, when exact inference refuses
    their joint law (:class:`~pactsim.errors.ModelTooWideError`). Anything else
    is refused with an :class:`~pactsim.errors.ArgumentTypeError`.
    """
    exact = not hasattr(res, "info") and hasattr(res, "quadrature_error")
    if not hasattr(res, "info") and not exact:  # Results, ExactResults, or their surface
        from pactsim.errors import ArgumentTypeError

        raise ArgumentTypeError(
            "format_results takes Monte Carlo or exact results (pactsim.simulate, "
            f"pactsim.exact), not {type(res).__name__}")
    sc = res.scenario
    head = [f"{sc.title or sc.id}"] + (_exact_head(res) if exact else _mc_head(res))
    ci = _no_ci if exact else _ci
    sections: list[list[str]] = [head]
    qs = res.questions()
    if len(qs):
        width = max(len("Questions") - 2, *(len(str(q)) for q in qs.index))
        signed = bool(qs.p_given_signed.notna().any())
        title = f"{'Questions':<{width + 2}}   P(yes)" + ("                 P(yes | signed)"
                                                       if signed else "")
        rows = [title]
        for name, row in qs.iterrows():
            cond = f"{_cond(row.p_given_signed):<18}" if signed else ""
            rows.append(f"  {name!s:<{width}}  {_point(row, ci)} {ci(row.lo, row.hi, row.stderr)}"
                        f"   {cond}{row.expr}")
        few = _few_signed(res) if signed else None
        blank = getattr(res, "unanswered_given_signed", {})
        if blank:  # exact: the question answered alone, not with the signing
            names = ", ".join(blank)
            rows.append(f"  (P(yes | signed) of {names} left blank: "
                        f"{next(iter(blank.values()))}; --method mc gives it)")
        sections.append(rows + ([few] if few else []))
    if res.model.signing_index >= 0:
        cdf = res.signing_cdf(res.key_dates())
        lines = ["Signed on or before"] + [
            f"  {day(d)}  {_point(row, ci)} {ci(row.lo, row.hi, row.stderr)}"
            for d, row in cdf.iterrows()]
        qd = res.signing_quantiles((0.1, 0.5, 0.9))
        if not qd.isna().all():
            lines.append(f"  if signed: median {day(qd[0.5])}, 80% between {day(qd[0.1])} "
                         f"and {day(qd[0.9])}")
        elif len(cdf) and float(cdf.p.iloc[-1]) == 0:
            lines.append("  never signed by the horizon" if exact else
                         "  not signed by the horizon in any draw")
        sections.append(lines)
    marg = res.marginals()
    content = content_rows(marg)
    if len(content):
        labels = []
        for name, row in content.iterrows():
            indent = "  " if row.kind == "pillar" else "      "
            if row.kind == "outcome":  # under its node, one step further in
                indent = "    " if marg.kind.get(row["of"]) == "pillar" else "        "
            # an absent outcome's chance is of the node NOT being in the text
            absent = row.kind == "outcome" and str(name).endswith("=absent")
            labels.append(f"{indent}{name}" + (" (not in it)" if absent else ""))
        width = max(32, *(len(x) + 1 for x in labels))  # long outcome names widen it
        lines = [f"{'In the text':<{width + 2}}P(in text)             P(in text | signed)"]
        for label, (_, row) in zip(labels, content.iterrows(), strict=True):
            lines.append(f"{label:<{width}} {_point(row, ci)} {ci(row.lo, row.hi, row.stderr)}   "
                         f"{_cond(row.p_given_signed)}")
        few = _few_signed(res)
        sections.append(lines + ([few] if few else []))
    if has_timeline(res):
        sections += _timeline(res, ci)
    events = undated_events(res)
    if len(events):
        shown = [("    " if row.kind == "outcome" else "  ") + str(name)
                 for name, row in events.iterrows()]
        width = max(32, *(len(x) + 1 for x in shown))
        sections.append(["Context events"] + [
            f"{x:<{width}} {_point(row, ci)} {ci(row.lo, row.hi, row.stderr)}"
            for x, (_, row) in zip(shown, events.iterrows(), strict=True)])
    numeric = [_numeric_line(res, q) for q, (_, t) in res.model.questions.items()
               if t != "bool"]
    if numeric:
        sections.append(numeric)
    attributes = _attributes(res)
    if attributes:
        sections.append(attributes)
    try:
        b = bundle_frame(res, TOP, "pillars")  # as many as the export's pillar_sets
    except ModelTooWideError as e:  # exact only: the pillars' joint law is too wide
        sections.append(["Most frequent texts (exact sets of pillars): not computed "
                         f"exactly ({e}); pactsim.simulate counts them"])
        b = None
    if b is not None and len(b):
        lines = ["Most frequent texts (exact sets of pillars)"]
        for _, row in b.iterrows():
            mark = LOWER_BOUND if row["lower"] else " "
            low = (f"   ({count(int(row['count']), int(row['bound']))} draws)"
                   if row["bound"] else "")
            lines.append(f" {mark}{_pct(row.p)}  {row.bundle}{low}")
        note = bundle_note(b)
        if note:
            lines.append(f"  {note}")
        sections.append(lines)
    # the file's own words (title, sources) reach a terminal: its escapes are shown, not obeyed
    return "\n\n".join("\n".join(printable(line.rstrip()) for line in lines)
                       for lines in sections) + "\n"


def _mc_head(res: Results) -> list[str]:
    """The header lines of Monte Carlo results after the title: provenance, the
    size of the standard errors, and what the numbers are conditional on."""
    sc, info = res.scenario, res.info
    draws = f"{info.n:,} draw{'s' if info.n != 1 else ''}"
    head = [f"  as of {as_of_words(sc, res)}, horizon {sc.horizon}; n = {draws}, "
            f"seed {info.seed_text if hasattr(info, 'seed_text') else info.seed}"
            f", pactsim {info.version}, scenario {info.digest[:12]}",
            "  (percentages with 95% intervals; Monte Carlo standard error ≤ "
            f"{_se_bound(res):.2f} points{_se_bound_given_signed(res)})"
            if info.target_se is None else
            "  (percentages with 95% intervals; drawn until every standard error was ≤ "
            f"{_points(info.target_se)})" if info.target_reached else
            f"  (percentages with 95% intervals; the target standard error of "
            f"{_points(info.target_se)} was NOT reached within n = {info.n:,})"]
    if info.evidence is not None:
        head.append(f"  under evidence {info.evidence} (every number below is conditional "
                    "on it)")
    if info.given is not None:
        head.append(f"  given {info.given} (in {info.n:,} of {info.n_run:,} draws: "
                    "every number below is conditional on it)")
    if getattr(res, "weighted", False):
        head.append(f"  weighted draws: effective sample size {res.ess:,.0f} of {res.n:,}")
    return head


def _exact_head(res: Any) -> list[str]:
    """The header lines of exact results after the title: provenance, the
    quadrature error when drivers are integrated, and the evidence."""
    from pactsim._version import __version__

    sc = res.scenario
    drivers = len(res.model.drivers)
    head = [f"  as of {as_of_words(sc, res)}, horizon {sc.horizon}; exact inference, "
            f"pactsim {__version__}, scenario {res.model.digest[:12]}",
            "  (exact percentages: no sampling error"
            + (f"; the integral over {'its driver' if drivers == 1 else 'its drivers'} is "
               f"off by at most {res.quadrature_error:.1e})" if drivers else ")")]
    found = getattr(res, "evidence", None)
    if found:
        from pactsim.inference.weighting import findings_text

        head.append(f"  under evidence {findings_text(found)} ({evidence_chance(res)}"
                    "every number below is conditional on it)")
    return head


def _points(share: float) -> str:
    """A standard error given as a fraction, in points of a percentage: ``"0.4 points"``,
    ``"1 point"``."""
    text = f"{100 * share:.2g}"
    return f"{text} point{'' if text == '1' else 's'}"


def _se_bound(res: Results) -> float:
    """The standard error, in points, that no probability printed with an interval
    passes: 50/sqrt(n) unweighted; under evidence delta-method errors can pass
    50/sqrt(ess) (heavy draws on the rare side), so then the largest of them, rounded up."""
    bound = 50 / math.sqrt(res.info.ess or res.info.n)
    if not getattr(res, "weighted", False):
        return bound
    dates = res.key_dates()
    return max(bound, _largest_points([res.marginals().stderr, res.questions().stderr,
                                       *(date_cdf(res, n, dates).stderr
                                         for n in dated_nodes(res))]))


def _largest_points(columns: Iterable[Any]) -> float:
    """The largest standard error of ``columns`` (fractions), in points rounded up to
    the hundredth the header prints (0 when there is none)."""
    worst = max((100 * float(x) for c in columns for x in c.dropna()), default=0.0)
    return math.ceil(worst * 100 - 1e-9) / 100


def _se_bound_given_signed(res: Results) -> str:
    """``", ≤ X for P(· | signed)"``: the largest standard error of the P(· | signed)
    columns (printed without intervals), rounded up to the printed hundredth of a
    point, where it passes the bound said for the rest; else ``""``."""
    shown = _largest_points(f["stderr_given_signed"] for f in (res.marginals(), res.questions())
                            if "stderr_given_signed" in f)
    return f", ≤ {shown:.2f} for P(· | signed)" if shown > round(_se_bound(res), 2) else ""


def _date_band_note(res: Results, nodes: list[str]) -> str:
    """Of Monte Carlo results, how far the printed 10/50/90% dates may be from the model's:
    the widest half of their 95% bands (:meth:`Results.date_quantiles`), in days
    (review-report16: the dates were printed with no uncertainty); ``""`` otherwise."""
    if not isinstance(getattr(res, "n", None), int):
        return ""
    import pandas as pd

    widest, shown, open_ = 0, False, False
    for node in nodes:
        q = res.date_quantiles(node, band=True)
        for _, r in q.iterrows():
            if pd.isna(r.date):
                continue  # not printed ("—")
            shown = True
            if pd.isna(r.lo) or pd.isna(r.hi):  # too few draws to bound it on one side
                open_ = True
                continue
            widest = max(widest, (r.date - r.lo).days, (r.hi - r.date).days)
    if not shown:
        return ""
    text = f"each date ±{widest} day{'' if widest == 1 else 's'} at 95%"
    return f" ({text}; some rest on too few draws to bound)" if open_ else f" ({text})"


#: Key dates per block of the "on or before" table (each column is 12 characters).
DATES_PER_BLOCK = 6


def _timeline(res: Results, ci: Callable[[float, float, float], str] = _ci
              ) -> list[list[str]]:
    """Two sections: each dated node (signing first, then file order) with
    P(by the horizon) (its interval by ``ci``), its 10/50/90% dates if it
    happens by then, and how it is timed; then P(on or before) each key date,
    a column per date."""
    tl = timeline_frame(res)
    horizon = res.scenario.horizon
    width = max(len(str(n)) for n in tl.index)
    lines = ["Timeline: chance by the horizon, and the date if it happens by then"
             + _date_band_note(res, list(tl.index)),
             f"  {'':<{width}}   {f'P(by {horizon})':<19}   {'10%':>10}  {'median':>10}"
             f"  {'90%':>10}   timing"]
    for name, r in tl.iterrows():
        when = "  ".join(f"{day(r[c]):>10}" for c in ("q10", "q50", "q90"))
        lines.append(f"  {name!s:<{width}}  {_point(r, ci)} {ci(r.lo, r.hi, r.stderr)}"
                     f"   {when}   {r.timing}")
    for name, r in tl.iterrows():
        if r.days_question is not None and not math.isnan(r.days_q50):
            lines.append(f"  {name}: median {r.days_q50:.0f} days after signing, if it "
                         f"happens by the horizon ({r.days_question})")
    n = getattr(res, "n", None)  # Monte Carlo: dates from the draws where the node happens
    if isinstance(n, int):
        size = float(getattr(res, "ess", n))
        few = [(name, r.p * size) for name, r in tl.iterrows()
               if 0 < r.p * size < FEW_DATE_DRAWS and not is_missing(r.q50)]
        for name, k in few:
            lines.append(f"  {name}: its dates rest on about {k:,.0f} draws (of {n:,}"
                         f"{', effective' if size < n else ''}); more draws steady them")
    dates = res.key_dates()
    curves = {n: date_cdf(res, n, dates) for n in dated_nodes(res)}
    width = max(width, len("On or before") - 2)  # the grid's heading fits its column
    grid: list[str] = []
    blocks = -(-len(dates) // DATES_PER_BLOCK)  # as few blocks as fit, of near-equal width
    # (no key date at all, a horizon before the first quarter end: no grid)
    size = max(1, -(-len(dates) // max(blocks, 1)))
    for start in range(0, len(dates), size):
        block = dates[start:start + size]
        if grid:
            grid.append("")
        grid.append(f"{'On or before':<{width + 2}}" + "".join(f"{d!s:>12}" for d in block))
        for name, cdf in curves.items():
            ps = cdf.p.to_numpy()[start:start + size]
            grid.append(f"  {name:<{width}}" + "".join(f"{pct(p):>12}" for p in ps))
    return [lines, grid]


#: Draws under which a node's 10/50/90% dates get a note that they rest on few draws.
FEW_DATE_DRAWS = 400


def _numeric_line(res: Results, name: str) -> str:
    s = res.numeric(name)
    if s.missing >= 1:
        return f"Distribution of {name}: no value in any draw"
    qs = ", ".join(f"{level_label(q)}={value(v, s.kind)}" for q, v in s.quantiles.items())
    tail = f"; no value in {pct(s.missing)}" if s.missing > 0 else ""
    qs = f"; {qs}" if qs else (f"; no quantiles (more than {MAX_VALUES:,} distinct values, "
                                  "and no draws kept)")
    return (f"Distribution of {name}: mean {value(s.mean, s.kind)} "
            f"(sd {spread(s.sd, s.kind)}){qs}{tail}")


def _attributes(res: Results) -> list[str]:
    """The "Attributes" block: each numeric attribute's mean, sd, 10/50/90% quantiles
    and the share of draws where it has no value (a closed gate), as the export's
    ``attributes`` has them. Each column is as wide as its widest entry, so the
    block fits 80 columns unless a name is long."""
    names = list(getattr(res.scenario, "attributes", None) or {})
    if not names:
        return []
    head = ["mean", "sd", "10%", "50%", "90%", "no value"]
    cells = []
    for name in names:
        s = res.numeric(name)
        cells.append([value(s.mean, s.kind), spread(s.sd, s.kind),
                      *(value(s.quantiles.get(q, math.nan), s.kind) for q in (0.1, 0.5, 0.9)),
                      pct(s.missing)])
    wide = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(head)]
    width = max(len("Attributes") - 2, *(len(n) for n in names))
    lines = [f"{'Attributes':<{width + 2}}" + "".join(f"  {h:>{w}}"
                                                     for h, w in zip(head, wide, strict=True))]
    lines += [f"  {name:<{width}}" + "".join(f"  {c:>{w}}" for c, w in zip(row, wide,
                                                                           strict=True))
              for name, row in zip(names, cells, strict=True)]
    return lines


def spread_line(s: Spread, point: float | None = None) -> str:
    """One spread as a line: ``"q: 40% (80% band 31–49% over the uncertain inputs)"``.

    The percentages are whole for a band at least a point wide (one decimal under
    1%): the band is a judgement's spread, not a precise number; a narrower band has
    one or two decimals (:func:`~pactsim.views.format.band_ends`), and the point as
    many (:func:`~pactsim.views.format.band_point`). The point is the mean of the
    parameter draws (the forecast up to its standard error); under a band shown in
    whole percents it is ``point`` when given and it falls inside the band as shown
    (the forecast itself, so the line never reads 26% under a forecast of 26.8%).
    Otherwise the draws' mean, which lies inside the band, where a Monte Carlo
    forecast's noise may not.
    """
    from pactsim.views.format import band_ends, band_point

    ends = band_ends(s.lo, s.hi)
    whole = ends is not None and "." not in ends[0] + ends[1]
    at = s.mean
    if point is not None and whole and ends is not None:
        lo, hi = (float(e.rstrip("%")) for e in ends)
        if lo <= round(100 * point) <= hi:  # a Monte Carlo forecast's noise may fall outside
            at = point
    if ends is None:
        return f"{s.question}: {band_point(at, None)} (no spread over the uncertain inputs)"
    return (f"{s.question}: {band_point(at, ends)} (80% band {ends[0].rstrip('%')}–"
            f"{ends[1]} over the uncertain inputs)")


def format_spreads(spreads: Sequence[Spread], points: Mapping[str, float] | None = None
                   ) -> str:
    """The section ``pactsim run --spread`` adds: a line per true/false question.

    ``points``: the forecast of each question, the point of a line whose band is
    shown in whole percents (see :func:`spread_line`)."""
    if not spreads:
        return ""
    first = spreads[0]
    how = ("exact answers" if first.method == "exact" else
           f"Monte Carlo answers of {first.inner_n:,} draws each, common random numbers")
    from pactsim.views.format import band_ends

    if first.weights is not None:  # (every spread of a file weighs its draws alike)
        how += (f"; draws weighted by the likelihood of the file's observations, effective "
                f"{first.ess:,.0f}")
    lines = [f"Spread over the uncertain inputs ({', '.join(first.inputs)}; {first.n:,} "
             f"parameter draws, seed {first.seed}, {how})"]
    flat = [s for s in spreads if band_ends(s.lo, s.hi) is None]
    points = points or {}
    lines += [f"  {spread_line(s, points.get(s.question))}" for s in spreads
              if all(s is not f for f in flat)]
    if flat:  # one line for the questions no uncertain input moves
        lines.append(f"  no spread (the band is under 0.05 point wide): "
                     f"{', '.join(s.question for s in flat)}")
    return "\n".join(lines) + "\n"
