"""Rich HTML renderings of results, estimates and scenarios (Jupyter, reports).

The functions here are duck-typed over the *results surface* (:class:`ResultsLike`):
``scenario``, ``prob``, ``marginals``, ``questions`` and ``signing_cdf``, with
``info``, ``key_dates``, ``numeric``, ``bundles`` and ``signing_quantiles``
used when present. So they render Monte Carlo :class:`~pactsim.results.montecarlo.Results`
and exact results alike. All user text (names, labels, expressions, sources)
is escaped; the HTML needs no JavaScript and loads nothing from the network.

Examples
--------
>>> import pactsim
>>> sc = pactsim.loads("pactsim: 1\\nid: demo\\nas_of: 2024-01-01\\n"
...                    "horizon: 2024-12-31\\nevents:\\n  rain: {p: 0.3}\\n")
>>> html = results_html(pactsim.simulate(sc, n=1_000, seed=1))
>>> html.startswith('<div class="pactsim">')
True
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from html import escape as _html_escape
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd

from pactsim.errors import (
    ExactUnsupportedError,
    ModelTooWideError,
    PactsimError,
    PactsimWarning,
)
from pactsim.language.scenario import Node, Signing, is_condition
from pactsim.views.format import (
    EM_DASH,
    LOWER_BOUND,
    band_ends,
    band_point,
    bound_note,
    count,
    day,
    interval,
    is_missing,
    number,
    pct,
    pct_in,
    pct_short,
    spread,
    value,
)
from pactsim.views.refusals import refused

if TYPE_CHECKING:
    from pactsim.analysis.spread import Spread
    from pactsim.language.scenario import After, Delay, Driver, Scenario
    from pactsim.results.estimate import Estimate

__all__ = [
    "CSS",
    "OUTCOME_COLOURS",
    "ResultsLike",
    "escape",
    "estimate_html",
    "results_html",
    "scenario_html",
    "scenario_inputs",
    "spread_html",
]


class ResultsLike(Protocol):
    """What the views need of a results object (Monte Carlo or exact)."""

    @property
    def scenario(self) -> Scenario: ...

    def prob(self, expr: str, given: str | None = None) -> Estimate: ...

    def marginals(self) -> pd.DataFrame: ...

    def questions(self) -> pd.DataFrame: ...

    def signing_cdf(self, dates: Sequence[Any] | None = None) -> pd.DataFrame: ...


#: Style sheet scoped to ``.pactsim``; works on light and dark notebook themes.
CSS = """
.pactsim{font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:980px}
.pactsim .ps-title{font-size:15px;font-weight:600;margin:0 0 2px}
.pactsim .ps-muted{opacity:.68;font-size:12px}
.pactsim table{border-collapse:collapse;margin:6px 0 10px;font-size:12.5px}
.pactsim caption{text-align:left;font-weight:600;padding:2px 0 4px;caption-side:top}
.pactsim th{text-align:left;font-weight:600;border-bottom:1px solid rgba(128,128,128,.45);
 padding:3px 10px 3px 0;white-space:nowrap}
.pactsim td{padding:2px 10px 2px 0;border-bottom:1px solid rgba(128,128,128,.15);
 vertical-align:top;text-align:left;overflow-wrap:break-word}
.pactsim td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.pactsim td.ci{font-variant-numeric:tabular-nums;white-space:nowrap;opacity:.7}
.pactsim tr.pillar td{font-weight:600;border-top:1px solid rgba(128,128,128,.3)}
.pactsim tr.clause td:first-child{padding-left:1.6em}
.pactsim tr.outcome td{font-size:12px;border-bottom-style:dotted}
.pactsim tr.outcome td:first-child{padding-left:3.2em}
.pactsim tr.outcome.of-pillar td:first-child,.pactsim tr.outcome.of-event td:first-child{
 padding-left:1.6em}
.pactsim .ps-stack{display:inline-flex;width:220px;height:11px;border-radius:2px;
 overflow:hidden;vertical-align:middle;background:rgba(128,128,128,.12)}
.pactsim .ps-stack>span{display:block;height:11px}
.pactsim code{font-size:11.5px;background:rgba(128,128,128,.12);padding:0 3px;border-radius:3px}
.pactsim .ps-bar{display:inline-block;width:64px;height:9px;background:rgba(128,128,128,.18);
 border-radius:2px;vertical-align:middle}
.pactsim .ps-bar>span{display:block;height:9px;background:#3b6ea5;border-radius:2px}
.pactsim .ps-grid{display:flex;flex-wrap:wrap;gap:0 32px;align-items:flex-start}
.pactsim details{margin:2px 0}
.pactsim summary{cursor:pointer;font-weight:600;margin:4px 0}
.pactsim tr td.why{min-width:26ch;max-width:68ch;overflow-wrap:break-word;font-size:12px;
 font-weight:400}
.pactsim .ps-src{opacity:.6;font-size:11px;white-space:nowrap}
.pactsim tr.row td{font-size:12px;border-bottom-style:dotted}
.pactsim tr.row td:first-child{padding-left:1.6em;opacity:.8;font-style:italic}
.pactsim tr.clause.row td:first-child{padding-left:3.2em}
.pactsim tr.note td{font-style:italic}
.pactsim table.ps-inputs td:first-child{max-width:30ch}
.pactsim table.ps-timeline td:last-child{min-width:30ch;max-width:60ch}
.pactsim h2{font-size:15px;font-weight:600;margin:10px 0 4px}
.pactsim p{margin:4px 0 6px;max-width:110ch}
.pactsim p.empty{opacity:.7;font-style:italic}
.pactsim img{max-width:100%}
.pactsim pre{overflow-x:auto}
"""


def styled(html: str) -> str:
    """A section (``<h2>``, paragraphs, tables) in the notebook display's style, as the
    results' own display is: for the ``_repr_html_`` of the analysis objects."""
    return f'<div class="pactsim"><style>{CSS}</style>{html}</div>'


# -- formatting helpers ---------------------------------------------------------------
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def escape(text: str) -> str:
    """HTML-escape user text (quotes too) and drop control characters, which
    HTML does not allow.

    Examples
    --------
    >>> escape("<script>alert('x')</script>\x07")
    '&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;'
    """
    return _html_escape(_CONTROL.sub("", text))


def _point(r: Any) -> str:
    """A row's P, to as many decimals as its interval (:func:`pct_in`), escaped."""
    return escape(pct_in(r.p, r.lo, r.hi, r.stderr))


def _bar(p: float) -> str:
    w = 0.0 if is_missing(p) else max(0.0, min(1.0, p)) * 100
    return f'<span class="ps-bar"><span style="width:{w:.1f}%"></span></span>'


def _table(caption: str, head: Sequence[str], rows: Iterable[str], cls: str = "") -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(rows)
    return (f'<table class="{cls}"><caption>{escape(caption)}</caption>'
            f"<thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>")


# -- duck-typed access to the optional parts of the results surface ----------------------
def has_signing(res: ResultsLike) -> bool:
    """Whether the scenario models a signing date."""
    return res.scenario.signing is not None


def key_dates(res: ResultsLike) -> list[dt.date]:
    """``res.key_dates()`` when available, else the same rule from the scenario."""
    fn = getattr(res, "key_dates", None)
    if callable(fn):
        return list(fn())
    return res.scenario.key_dates()


def run_meta(res: ResultsLike) -> str:
    """One line of provenance: method, n, seed, digest, version, and the evidence the
    numbers are conditional on (Monte Carlo or exact)."""
    info = getattr(res, "info", None)
    if info is None:
        found = getattr(res, "evidence", None)
        if not found:
            return f"Exact inference · scenario {res.scenario.digest[:12]}"
        from pactsim.inference.weighting import findings_text

        chance = evidence_chance(res).rstrip("; ")
        return (f"Exact inference · scenario {res.scenario.digest[:12]} · under evidence "
                f"{findings_text(found)}{f' ({chance})' if chance else ''}: every number "
                "is conditional on it")
    given = "" if getattr(info, "given", None) is None else \
        f" · given {info.given} ({info.n:,} of {info.n_run:,} draws)"
    if getattr(info, "evidence", None) is not None:
        given += f" · under evidence {info.evidence}"
    if getattr(res, "weighted", False):
        given += f" · weighted: effective sample size {info.ess:,.0f}"
    seed = info.seed_text if hasattr(info, "seed_text") else info.seed
    return (f"Monte Carlo · n = {info.n:,} draw{'s' if info.n != 1 else ''} · seed {seed} · "
            f"scenario {info.digest[:12]} · pactsim {info.version}{given}")


def evidence_chance(res: ResultsLike) -> str:
    """``"P = 0.155; "``: the chance of exact results' hard evidence under the priors,
    ``"prior P(hard findings) = ...; "`` beside soft findings (a likelihood ratio has no
    probability; the chance is not given the soft news, so it says "prior"), ``""`` when
    every finding is soft or there is none."""
    found = getattr(res, "evidence", None) or []
    p = getattr(res, "p_evidence", None)
    hard = [f for f in found if getattr(f, "hard", False)]
    if p is None or not hard:
        return ""
    return (f"P = {number(p)}; " if len(hard) == len(found) else
            f"prior P(hard findings) = {number(p)}; ")


def numeric_questions(res: ResultsLike) -> list[str]:
    """Names of the scenario questions that are numbers or dates (not true/false)."""
    boolean = set(res.questions().index)
    return [q for q in res.scenario.questions if q not in boolean]


def label(res: ResultsLike, name: str) -> str:
    """The analyst's label of a node (or its name with spaces)."""
    view = res.scenario.nodes.get(name)
    return view.label if view is not None else name


def has_content(res: ResultsLike) -> bool:
    """Whether the scenario has pillars or clauses (something that can be in a text)."""
    return bool(res.scenario.pillars)


def draws(res: ResultsLike) -> int | None:
    """The number of Monte Carlo draws behind ``res`` (``None`` for exact results)."""
    info = getattr(res, "info", None)
    n = getattr(info, "n", None)
    return n if isinstance(n, int) else None


def bundle_frame(res: ResultsLike, top: int | None, of: str = "all") -> pd.DataFrame | None:
    """``res.bundles(top, of=of)`` ready to show, or ``None`` when ``res`` has
    no bundle counts (exact results may not) or the scenario no pillars.

    Under evidence (weighted draws) ``count``, a share of the weight in
    :meth:`~pactsim.results.montecarlo.Results.bundles`, becomes draws of average
    weight (the share times the draws of nonzero weight, rounded), the unit of
    ``bound``. Adds ``bound`` when the results do not report it (0: exact counts),
    ``bound_p`` (the bound as a share of all draws) and ``lower``: the bound
    exceeds the share's standard error, so the share shown is mostly a lower
    bound. The warning :meth:`~pactsim.results.montecarlo.Results.bundles`
    gives for pruned tables is not repeated: the views show the bound instead.
    """
    fn = getattr(res, "bundles", None)
    if not callable(fn) or not has_content(res):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PactsimWarning)
        found: pd.DataFrame = fn(top=top, of=of)
    b = found.copy()
    if "bound" not in b.columns:
        b["bound"] = 0
    b["bound"] = pd.to_numeric(b["bound"], errors="coerce").fillna(0).astype("int64")
    n = draws(res)
    if getattr(res, "weighted", False) and len(b):  # count: a share of the weight
        nonzero = getattr(getattr(res, "stats", None), "nonzero", None) or n or 0
        b["count"] = (b["p"].astype("float64") * nonzero).round().astype("int64")
    b["bound_p"] = b["bound"] / n if n else 0.0
    b["lower"] = (b["bound"] > 0) & (b["bound_p"] > b["stderr"])
    return b


def non_empty(b: pd.DataFrame) -> pd.DataFrame:
    """The rows of a bundle frame whose set is not empty."""
    return b[b["items"].map(len) > 0]


# -- dated nodes (signing, dated events, milestones) ---------------------------------------
#: The date quantiles every view shows: 10%, the median and 90% (given it happens).
DATE_LEVELS = (0.1, 0.5, 0.9)


def dated_nodes(res: ResultsLike) -> list[str]:
    """The dated nodes the results can date: ``signing`` first, then the dated
    events and milestones in file order (``res.dated()``). Results without the
    general date API (``dated``/``date_cdf``) date only the signing."""
    fn = getattr(res, "dated", None)
    if callable(fn) and callable(getattr(res, "date_cdf", None)):
        names = [str(n) for n in fn()]
    else:
        names = ["signing"] if has_signing(res) else []
    return sorted(names, key=lambda n: n != "signing")  # stable: file order after signing


def has_timeline(res: ResultsLike) -> bool:
    """Whether there is a dated node besides the signing (a timeline to show)."""
    return any(n != "signing" for n in dated_nodes(res))


def date_cdf(res: ResultsLike, node: str, dates: Any = None) -> pd.DataFrame:
    """``res.date_cdf(node, dates)``, or the signing curve for results that only
    date the signing."""
    fn = getattr(res, "date_cdf", None)
    if callable(fn):
        out: pd.DataFrame = fn(node, dates)
        return out
    if node == "signing":
        return res.signing_cdf(dates)
    raise PactsimError(f"these results cannot date {node!r} (no date_cdf)")


def date_quantiles(res: ResultsLike, node: str,
                   probs: Sequence[float] = DATE_LEVELS) -> pd.Series:
    """Quantiles of ``node``'s date given it happens by the horizon (``NaT``
    where it never does)."""
    fn = getattr(res, "date_quantiles", None)
    if callable(fn):
        out: pd.Series = fn(node, probs)
        return out
    quant = getattr(res, "signing_quantiles", None)
    if node == "signing" and callable(quant):
        found: pd.Series = quant(probs)
        return found
    return pd.Series([pd.NaT] * len(probs), index=list(probs), dtype="datetime64[s]")


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def _ordinal(k: int) -> str:
    return {1: "first", 2: "second", 3: "third"}.get(k, f"{k}th")


def anchor_words(after: After) -> str:
    """A milestone's anchor in words: ``signing``, ``both a and b``, ``all of a, b
    and c`` (the latest), ``the first of a and b``, ``the second of a, b and c``."""
    names = list(after.names)
    if after.mode == "one" or len(names) == 1:
        return names[0]
    if after.mode == "all":
        return f"both {names[0]} and {names[1]}" if len(names) == 2 else f"all of {_and(names)}"
    if after.mode == "any":
        return f"the first of {_and(names)}"
    if after.k == len(names):
        return f"the last of {_and(names)}"
    return f"the {_ordinal(after.k)} of {_and(names)}"


def delay_words(delay: Delay) -> str:
    """A milestone's delay as written, in words: ``30 days``, ``90% between 7 and
    60 days``, ``median 140 days (90%: 300)``, ``50% within 10 days, 100% within 20``."""
    w = delay.written
    if delay.kind == "fixed":
        return "1 day" if delay.days == 1 else f"{delay.days} days"
    if isinstance(w, dict) and "between" in w:
        lo, hi = w["between"]
        return f"90% between {lo:g} and {hi:g} days"
    if isinstance(w, dict) and "median" in w:
        return f"median {w['median']:g} days (90%: {w['p90']:g})"
    if delay.kind == "curve" and delay.points:
        parts = [f"{pct_short(p)} within {d}" for d, p in delay.points]
        return ", ".join(parts) + " days"
    return f"lognormal, median {number(math.exp(delay.mu))} days"


def _factors(factors: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:g}" for k, v in factors.items())


def timing_words(sc: Scenario, name: str) -> str:
    """How a dated node is timed, in words (:func:`spec_timing_words`), and for a
    milestone with a ``p`` (or a table) its chance of ever happening, as the scenario's
    display says it; "" for a node that is not dated."""
    view = sc.nodes.get(name)
    if view is None or not view.is_dated or not isinstance(view.spec, Node | Signing):
        return ""
    out = spec_timing_words(view.spec)
    spec = view.spec
    if isinstance(spec, Node) and spec.after is not None:
        ever = (f"table on {', '.join(spec.given)}" if spec.given else
                _pspec(spec.p) if spec.p is not None else "")
        # the chance of ever happening is the p (or table) moved by the odds and gated:
        # a p of 0.2 with odds ally 20 is not "p 0.2 of ever happening"
        odds = _odds_words(spec.odds) if spec.odds else ""
        if ever or odds:
            said = f"p {ever} ({odds})" if ever and odds else f"p {ever}" if ever else odds
            out += f"; {said} of ever happening once its anchor has"
        if spec.requires:
            out += "; only if " + " and ".join(spec.requires)
        if spec.excludes:
            out += "; never with " + " or ".join(spec.excludes)
    return out


def curve_words(by: dict[Any, Any]) -> str:
    """A stated ``by`` curve: ``25% by 2025-01-31, 50% by 2025-03-31``."""
    return ", ".join(f"{pct_short(_p_mean(p))} by {d}" for d, p in by.items())


def spec_timing_words(spec: Node | Signing) -> str:
    """A milestone's delay and anchor (``30 days after signing``, ``median 140
    days (90%: 300) after signing``, ``90% between 7 and 60 days after both
    ratified_ru and ratified_ir``); a curve's stated points (``stated curve: 25%
    by 2025-01-31, 50% by 2025-03-31``; ``base curve (no hazard ratio applied): ...``
    when hazard ratios follow) or the parents of its table of curves; then any hazard
    ratios."""
    out = ""
    if isinstance(spec, Node) and spec.after is not None:
        anchor = anchor_words(spec.after)
        if spec.delay is None or (spec.delay.kind == "fixed" and spec.delay.days == 0):
            out = f"the same day as {anchor}"
        else:
            out = f"{delay_words(spec.delay)} after {anchor}"
    elif (by := spec.by) is not None:
        # with hazard ratios the points are the curve before them (every binary parent
        # false, every driver at 0), not the chance by each date
        out = ("base curve (no hazard ratio applied): " if spec.hazard_ratio else
               "stated curve: ") + curve_words(by)
    elif spec.given:
        out = f"a curve for each row of {', '.join(spec.given)}"
    if spec.hazard_ratio:
        out += f"; hazard ratio {_factors(spec.hazard_ratio)}"
    return out


def _p_mean(spec: Any) -> float:
    from pactsim.language.distributions import p_mean

    return float(p_mean(spec))


def days_after_signing_question(res: ResultsLike, node: str,
                                texts: dict[str, str] | None = None) -> str | None:
    """The numeric question that is exactly ``node.date - signing.date``, if any
    (``texts``: the numeric questions' texts, when the caller has them), for a node
    that comes after the signing (a milestone that cannot happen without it): of any
    other, the difference may be negative, and "median N days after signing" would
    mislead (review-numbers16; the question keeps its own distribution)."""
    if not _after_signing(res, node):
        return None
    if texts is None:
        texts = {q: res.scenario.question_text(q) for q in numeric_questions(res)}
    pattern = re.compile(rf"\s*{re.escape(node)}\.date\s*-\s*signing\.date\s*")
    for q, text in texts.items():
        if pattern.fullmatch(text):
            return q
    return None


def _after_signing(res: ResultsLike, node: str) -> bool:
    """Whether dated ``node`` is a milestone that cannot happen without the signing."""
    from pactsim.inference.dated import needs_by_slot

    model = getattr(res, "model", None)
    dated = list(getattr(model, "dated", ()))
    if model is None or "signing" not in dated or node not in dated:
        return False
    return dated.index("signing") in needs_by_slot(model.timing)[dated.index(node)] and \
        node != "signing"


TIMELINE_COLUMNS = ["label", "kind", "timing", "p", "stderr", "lo", "hi", "q10", "q50", "q90",
                    "days_question", "days_q50"]


#: Dated nodes the HTML timeline lists at most (a page or a notebook cell; the rest are
#: counted, and each is at hand through ``res.date_cdf(node)``).
TIMELINE_ROWS = 40


def timeline_frame(res: ResultsLike, limit: int | None = None) -> pd.DataFrame:
    """One row per dated node (:func:`dated_nodes` order; the first ``limit`` of them
    when given): its label, kind
    (``signing``, ``dated event``, ``milestone``), timing in words, P(by the
    horizon) with its standard error and 95% interval, the 10/50/90% dates
    given it happens (``NaT`` when it never does), and, when a numeric question
    is exactly ``node.date - signing.date``, its name and median (days)."""
    sc = res.scenario
    rows = []
    numeric = getattr(res, "numeric", None)
    texts = {q: sc.question_text(q) for q in numeric_questions(res)}
    for name in dated_nodes(res)[:limit]:
        try:
            by = date_cdf(res, name, [sc.horizon]).iloc[0]
            q = date_quantiles(res, name, DATE_LEVELS)
        except ModelTooWideError as err:  # exact results of a wide scenario
            refused(err)
            by = pd.Series({"p": math.nan, "stderr": math.nan, "lo": math.nan, "hi": math.nan})
            q = pd.Series([pd.NaT] * 3, dtype="datetime64[s]")
            rows.append({"node": name, "label": label(res, name), "kind": "too wide",
                         "timing": f"too many nodes together for exact inference "
                                   f"({err.width} variables); pactsim.simulate dates it",
                         "p": math.nan, "stderr": math.nan, "lo": math.nan, "hi": math.nan,
                         "q10": pd.NaT, "q50": pd.NaT, "q90": pd.NaT, "days_question": None,
                         "days_q50": math.nan})
            continue
        timing = sc.nodes[name].timing if name in sc.nodes else None
        kind = ("signing" if name == "signing" else
                "milestone" if timing == "milestone" else "dated event")
        days_q = days_after_signing_question(res, name, texts) if name != "signing" else None
        days_med = math.nan
        if days_q is not None and callable(numeric):
            days_med = numeric(days_q).quantiles.get(0.5, math.nan)
        rows.append({"node": name, "label": label(res, name), "kind": kind,
                     "timing": timing_words(sc, name), "p": float(by.p),
                     "stderr": float(by.stderr), "lo": float(by.lo), "hi": float(by.hi),
                     "q10": q.iloc[0], "q50": q.iloc[1], "q90": q.iloc[2],
                     "days_question": days_q, "days_q50": days_med})
    return pd.DataFrame(rows, columns=["node", *TIMELINE_COLUMNS]).set_index("node")


def undated_events(res: ResultsLike) -> pd.DataFrame:
    """Rows of ``res.marginals()`` for context events: events the results do
    not date (results without the date API list dated events here too, with
    their chance by the horizon, rather than nowhere)."""
    marg = res.marginals()
    return with_outcomes(marg, marg[(marg.kind == "event")
                                    & ~marg.index.isin(dated_nodes(res))].index)


def with_outcomes(marg: pd.DataFrame, nodes: Iterable[Any]) -> pd.DataFrame:
    """The rows of ``marg`` for ``nodes``, each categorical node followed by its
    outcome rows (``of`` is the node), in the frame's order."""
    keep = marg.index.isin(list(nodes))
    if "of" in marg.columns:
        keep |= marg["of"].isin(list(marg.index[keep]))
    return marg[keep]


def content_rows(marg: pd.DataFrame) -> pd.DataFrame:
    """Pillars and clauses of a marginals frame, each categorical one followed by
    its outcome rows (kind ``"outcome"``)."""
    return with_outcomes(marg, marg.index[marg.kind.isin(["pillar", "clause"])])


#: Colours of a categorical node's outcomes in stacked bars: ``absent`` is grey,
#: the others take these in order (then repeat).
OUTCOME_COLOURS = ("#2f5d8a", "#c45a1b", "#3a8a4f", "#8a4fa0", "#b8860b", "#4aa3a8",
                   "#a0404a", "#9cbad8")
ABSENT_COLOUR = "#d0d0d0"


def outcome_colours(outcomes: Sequence[str]) -> list[str]:
    """A colour per outcome (``absent`` grey), the same in the HTML and the plots."""
    out, k = [], 0
    for x in outcomes:
        if x == "absent":
            out.append(ABSENT_COLOUR)
        else:
            out.append(OUTCOME_COLOURS[k % len(OUTCOME_COLOURS)])
            k += 1
    return out


def categorical_nodes(marg: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each categorical node of a marginals frame and its outcome rows, in order
    (``{}`` for a frame without outcome rows)."""
    if "of" not in marg.columns:
        return {}
    out = marg[marg.kind == "outcome"]
    return {str(n): out[out["of"] == n] for n in dict.fromkeys(out["of"].dropna())}


def _stack(rows: pd.DataFrame, column: str = "p") -> str:
    """A categorical node's outcomes as one stacked HTML bar (each segment titled)."""
    colours = outcome_colours([str(x) for x in rows.outcome])
    segs = "".join(
        f'<span style="width:{max(0.0, min(1.0, float(p))) * 100:.1f}%;background:{c}" '
        f'title="{escape(str(x))}: {escape(pct(p))}"></span>'
        for x, p, c in zip(rows.outcome, rows[column].fillna(0.0), colours, strict=True))
    return f'<span class="ps-stack">{segs}</span>'


def _swatches(marg: pd.DataFrame) -> dict[str, str]:
    """The colour of every outcome row of a marginals frame (as in its stacked bar)."""
    out: dict[str, str] = {}
    for rows in categorical_nodes(marg).values():
        out.update(zip(map(str, rows.index), outcome_colours([str(x) for x in rows.outcome]),
                       strict=True))
    return out


def _outcome_row(name: Any, r: Any, parent_kind: str, signed: bool, colour: str) -> str:
    """A row of a table of probabilities for one outcome of a categorical node (a
    swatch of its colour in the node's stacked bar first)."""
    dot = (f'<span style="display:inline-block;width:8px;height:8px;margin-right:4px;'
           f'background:{colour}"></span>')
    cond = f"<td class='num'>{escape(pct(r.p_given_signed))}</td>" if signed else ""
    return (f"<tr class='outcome of-{parent_kind}'><td>{dot}{escape(str(r.outcome))} "
            f"<code>{escape(str(name))}</code></td>"
            f"<td class='num'>{_point(r)}</td><td>{_bar(r.p)}</td>"
            f"<td class='ci'>{interval(r.lo, r.hi, r.stderr)}</td>{cond}</tr>")


# -- sections (shared with the HTML report) ------------------------------------------------
def _question_name(res: ResultsLike, name: str) -> str:
    """A question's name, after its label when the analyst gave one."""
    view = res.scenario.nodes.get(name)
    if view is not None and view.spec.label:
        return f"{escape(view.spec.label)} <code>{escape(name)}</code>"
    return escape(name)


def questions_table(res: ResultsLike) -> str:
    """Boolean questions with P, a bar, the 95% interval, P(yes | signed)
    (when the scenario has a signing date and some outcome is signed) and
    the expression."""
    qs = res.questions()
    signed = "p_given_signed" in qs.columns and bool(qs.p_given_signed.notna().any())
    rows = []
    for name, r in qs.iterrows():
        cond = f"<td class='num'>{escape(pct(r.p_given_signed))}</td>" if signed else ""
        rows.append(f"<tr><td>{_question_name(res, str(name))}</td>"
                    f"<td class='num'>{_point(r)}</td><td>{_bar(r.p)}</td>"
                    f"<td class='ci'>{interval(r.lo, r.hi, r.stderr)}</td>{cond}"
                    f"<td><code>{escape(str(r.expr))}</code></td></tr>")
    head = ["question", "P", "", "95% interval", *(["P(yes | signed)"] if signed else []),
            "expression"]
    return _table("Questions", head, rows)


def signing_table(res: ResultsLike) -> str:
    """P(signed on or before) at the key dates, plus "if signed, when"."""
    cdf = res.signing_cdf(key_dates(res))
    rows = [f"<tr><td>{day(d)}</td><td class='num'>{_point(r)}</td><td>{_bar(r.p)}</td>"
            f"<td class='ci'>{interval(r.lo, r.hi, r.stderr)}</td></tr>" for d, r in cdf.iterrows()]
    out = "<div>" + _table("Signed on or before", ["date", "P", "", "95% interval"], rows)
    quant = getattr(res, "signing_quantiles", None)
    if callable(quant):
        q = quant((0.1, 0.5, 0.9))
        if not q.isna().all():
            out += (f'<div class="ps-muted">If signed: median {day(q[0.5])}; 80% between '
                    f"{day(q[0.1])} and {day(q[0.9])}.</div>")
    if len(cdf) and float(cdf.p.iloc[-1]) == 0:
        out += '<div class="ps-muted">Not signed by the horizon in any outcome.</div>'
    return out + "</div>"


def content_table(res: ResultsLike) -> str:
    """Pillars with their clauses nested: P(in text) and P(in text | signed)."""
    marg = res.marginals()
    content = content_rows(marg)
    stacks = categorical_nodes(content)
    colours = _swatches(content)
    rows = []
    for name, r in content.iterrows():
        if r.kind == "outcome":
            rows.append(_outcome_row(name, r, str(marg.kind.get(r["of"], "")), True,
                                     colours[str(name)]))
            continue
        text = escape(str(r.get("label", name)))
        stack = ""
        if str(name) in stacks:  # the outcomes, if signed, as one stacked bar
            stack = f"<br>{_stack(stacks[str(name)], 'p_given_signed')}"
        rows.append(f"<tr class='{r.kind}'><td>{text} <code>{escape(str(name))}</code>"
                    f"{stack}</td>"
                    f"<td class='num'>{_point(r)}</td><td>{_bar(r.p)}</td>"
                    f"<td class='ci'>{interval(r.lo, r.hi, r.stderr)}</td>"
                    f"<td class='num'>{escape(pct(r.p_given_signed))}</td></tr>")
    head = ["pillar / clause (outcome)", "P(in text)", "", "95% interval",
            "P(in text | signed)"]
    caption = "In the text" + (" (a categorical pillar or clause: its outcomes below it, "
                               "the bar shows them if signed)" if stacks else "")
    return _table(caption, head, rows, "ps-content")


def timeline_table(res: ResultsLike, *, days: bool = False) -> str:
    """Each dated node (signing first, then file order): P(by the horizon) with
    a bar and its 95% interval, the median date and 80% interval given it
    happens by the horizon, and how it is timed. With ``days``, also the
    median days after signing where a question is exactly ``x.date -
    signing.date``."""
    tl = timeline_frame(res, TIMELINE_ROWS)
    more = len(dated_nodes(res)) - len(tl)
    show_days = days and tl.days_question.notna().any()
    rows = []
    for name, r in tl.iterrows():
        extra = ""
        if show_days:
            extra = ("<td class='num'>" + ("" if math.isnan(r.days_q50) else
                                            f"{r.days_q50:.0f}") + "</td>")
        rows.append(f"<tr><td>{escape(str(r.label))} <code>{escape(str(name))}</code></td>"
                    f"<td class='num'>{_point(r)}</td><td>{_bar(r.p)}</td>"
                    f"<td class='ci'>{interval(r.lo, r.hi, r.stderr)}</td>"
                    f"<td class='num'>{day(r.q50)}</td>"
                    f"<td class='ci'>{day(r.q10)} – {day(r.q90)}</td>{extra}"
                    f"<td>{escape(str(r.timing))}</td></tr>")
    head = ["dated node", f"P(by {res.scenario.horizon})", "", "95% interval",
            "median date", "80% between", *(["days after signing"] if show_days else []),
            "timing"]
    caption = "Timeline (dates if it happens by the horizon" + (
        "; days after signing: the median, where a question asks it)" if show_days else ")")
    if more > 0:  # each row is an exact or Monte Carlo date law: the rest on request
        rows.append(f"<tr><td colspan='{len(head)}' class='ps-muted'>and {more:,} more dated "
                    f"node{'s' if more != 1 else ''} (the first {len(tl)} are listed); the "
                    "results' <code>date_cdf(node)</code> and <code>date_quantiles(node)</code> "
                    "give any of them</td></tr>")
    return _table(caption, head, rows, "ps-timeline")


def events_table(res: ResultsLike) -> str:
    """Context events outside the agreement text that have no date (dated
    events are in the timeline)."""
    events = undated_events(res)
    colours = _swatches(events)
    stacks = categorical_nodes(events)
    rows = [_outcome_row(name, r, "event", False, colours[str(name)]) if r.kind == "outcome"
            else f"<tr><td>{escape(str(r.get('label', name)))} <code>{escape(str(name))}</code>"
            + (f"<br>{_stack(stacks[str(name)])}" if str(name) in stacks else "") + "</td>"
            f"<td class='num'>{_point(r)}</td><td>{_bar(r.p)}</td>"
            f"<td class='ci'>{interval(r.lo, r.hi, r.stderr)}</td></tr>"
            for name, r in events.iterrows()]
    return _table("Context events", ["event (outcome)", "P", "", "95% interval"], rows)


def numeric_table(res: ResultsLike) -> str:
    """Mean, sd and 10/50/90% quantiles of numeric and date questions, and the
    share of outcomes where a question has no value (a date never reached)."""
    fn = getattr(res, "numeric", None)
    if not callable(fn):
        return ""
    rows = []
    for q in numeric_questions(res):
        s = fn(q)
        qs = " / ".join(value(v, s.kind) for v in s.quantiles.values()) or "—"
        rows.append(f"<tr><td>{_question_name(res, q)}</td>"
                    f"<td class='num'>{value(s.mean, s.kind)}</td>"
                    f"<td class='num'>{spread(s.sd, s.kind)}</td><td class='num'>{qs}</td>"
                    f"<td class='num'>{escape(pct(s.missing)) if s.missing else ''}</td>"
                    f"<td><code>{escape(res.scenario.question_text(q))}</code></td></tr>")
    head = ["question", "mean", "sd", "10% / 50% / 90%", "no value", "expression"]
    return _table("Numeric questions", head, rows) if rows else ""


# -- numeric attributes (format 3) and histograms --------------------------------------
#: Fewest and most bins of a binned histogram.
MIN_BINS, MAX_BINS = 8, 40
#: A numeric value with more distinct values than this is drawn binned, not a bar per value.
MAX_BARS = 60
#: Whole numbers spanning at most this many values get a bar per value, binned or not.
WHOLE_BARS = 100
#: Share of each tail left beyond the axes when it would stretch them (said on the plot).
TAIL = 0.005


def attribute_names(res: ResultsLike) -> list[str]:
    """The scenario's numeric attributes (format 3), file order."""
    return list(getattr(res.scenario, "attributes", None) or {})


def attribute_label(sc: Scenario, name: str) -> str:
    """An attribute's label, or its name."""
    spec = (getattr(sc, "attributes", None) or {}).get(name)
    return str(getattr(spec, "label", None) or name)


def nice_step(width: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least ``width``.

    Examples
    --------
    >>> nice_step(3.7), nice_step(0.12), nice_step(23.0)
    (5.0, 0.2, 25.0)
    """
    if not width > 0 or not math.isfinite(width):
        return 1.0
    p = 10.0 ** math.floor(math.log10(width))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * p >= width * (1 - 1e-12):
            return float(m * p)
    return float(10 * p)  # pragma: no cover - the loop ends at 10


def nice_edges(lo: float, hi: float, width: float, *, whole: bool = False) -> Any:
    """Edges at multiples of a nice step (:func:`nice_step`) of at least ``width``,
    covering ``[lo, hi]``; with ``whole`` the step is a whole number and the edges
    sit half-way between whole numbers (each bin holds whole numbers only)."""
    import numpy as np

    step = nice_step(width)
    if whole:
        step = max(1.0, float(round(step)))
        start = math.floor(lo - 0.5) + 0.5
        start = math.floor((start - 0.5) / step) * step + 0.5
    else:
        start = math.floor(lo / step) * step
    n = max(1, math.ceil((hi - start) / step - 1e-9))
    if start + n * step <= hi:  # hi must fall inside the last bin
        n += 1
    return start + step * np.arange(n + 1, dtype=np.float64)


def _wquantile(x: Any, w: Any, q: Sequence[float]) -> Any:
    import numpy as np

    order = np.argsort(x, kind="stable")
    xs, cw = x[order], np.cumsum(w[order])
    return xs[np.minimum(np.searchsorted(cw, np.asarray(q) * cw[-1]), len(xs) - 1)]


def binned(x: Any, w: Any = None, *, total: float | None = None, whole: bool = False,
           n: float | None = None) -> pd.DataFrame:
    """A histogram of the values ``x`` (NaN: missing), weighted by ``w``.

    Bins of equal, nice width (:func:`nice_edges`): the Freedman–Diaconis width
    ``2 IQR / n^(1/3)`` over the values present (``n``: their number, or the
    effective sample size of the weights, unless given), kept to :data:`MIN_BINS` to
    :data:`MAX_BINS` bins (whole numbers over at most :data:`WHOLE_BARS` values: a
    bin each). When the outer :data:`TAIL` of either side would stretch the axis to
    more than 1.5 times the width of the rest, the bins cover only the rest
    and the shares beyond are in ``attrs["below"]``/``attrs["above"]``.

    Returns
    -------
    DataFrame
        ``left``, ``right`` (bins ``[left, right)``, the last one closed) and
        ``share``: the share of all draws (``total`` weight, default all of ``w``)
        in the bin. ``attrs``: ``below``, ``above``, ``missing`` (shares), so
        ``share.sum() + below + above + missing == 1``.
    """
    import numpy as np

    x = np.asarray(x, dtype=np.float64)
    w = np.ones(len(x)) if w is None else np.asarray(w, dtype=np.float64)
    whole_w = float(w.sum()) if total is None else float(total)
    has = ~np.isnan(x)
    xv, wv = x[has], w[has]
    keep = wv > 0
    xv, wv = xv[keep], wv[keep]
    frame = pd.DataFrame({"left": [], "right": [], "share": []}, dtype=np.float64)
    frame.attrs.update(below=0.0, above=0.0, missing=1.0 - float(wv.sum()) / whole_w
                       if whole_w > 0 else 1.0)
    if not len(xv):
        return frame
    q = _wquantile(xv, wv, [0.0, TAIL, 0.25, 0.75, 1 - TAIL, 1.0])
    lo, hi = float(q[0]), float(q[5])
    if (q[4] - q[1]) > 0 and (hi - lo) > 1.5 * (q[4] - q[1]):
        lo, hi = float(q[1]), float(q[4])
    span = hi - lo
    if span <= 0:
        width = 1.0
    else:
        n_eff = float(wv.sum()) ** 2 / float((wv ** 2).sum()) if n is None else n
        fd = 2 * float(q[3] - q[2]) / n_eff ** (1 / 3)
        width = min(max(fd, span / MAX_BINS), span / MIN_BINS)
        if whole and span <= WHOLE_BARS:  # whole numbers over a short range: a bar each
            width = 1.0
    edges = nice_edges(lo, hi, width, whole=whole)
    inside = (xv >= edges[0]) & (xv <= edges[-1])
    counts, _ = np.histogram(xv[inside], bins=edges, weights=wv[inside])
    frame = pd.DataFrame({"left": edges[:-1], "right": edges[1:], "share": counts / whole_w})
    frame.attrs.update(below=float(wv[xv < edges[0]].sum()) / whole_w,
                       above=float(wv[xv > edges[-1]].sum()) / whole_w,
                       missing=1.0 - float(wv.sum()) / whole_w)
    return frame


def _binned_values(hist: pd.Series, missing: float, n: int | None) -> pd.DataFrame:
    """A histogram of many distinct values (value -> share; ``n`` draws, ``None``:
    exact) gathered into bins."""
    import numpy as np

    x = hist.index.to_numpy(dtype=np.float64)
    whole = bool(np.all(x == np.round(x)))
    out = binned(x, hist.to_numpy(dtype=np.float64), whole=whole,
                 total=float(hist.sum()) / max(1.0 - missing, 1e-300),
                 n=float(n) if n is not None else 1e12)
    out.attrs["missing"] = missing
    return out


def attribute_draws(res: ResultsLike, name: str) -> tuple[Any, Any] | None:
    """The kept Monte Carlo draws of a numeric attribute (NaN: missing) and their
    weights (``None`` unweighted), or ``None`` (exact results, or no kept draws)."""
    d = getattr(res, "draws", None)
    model = getattr(res, "model", None)
    if d is None or model is None:
        return None
    names = [a.name for a in model.attributes]
    if name not in names:
        return None
    return d.drivers[len(model.drivers) + names.index(name)], d.weight


#: Grid of the exact CDF of a continuous attribute: about this many bins before trimming.
EXACT_BINS = 60


def _exact_binned(res: ResultsLike, name: str, s: Any) -> pd.DataFrame | None:
    """Bins of a continuous attribute from exact P(name < edge) at nice edges
    spanning its 10–90% range three times over, trimmed of tails below :data:`TAIL`."""
    import numpy as np

    q10, q90 = s.quantiles.get(0.1), s.quantiles.get(0.9)
    if q10 is None or q90 is None or is_missing(q10) or is_missing(q90):
        return None
    spread_ = max(float(q90) - float(q10), 4 * float(s.sd) if not is_missing(s.sd) else 0.0)
    if not spread_ > 0:
        return None
    lo, hi = float(q10) - 1.2 * spread_, float(q90) + 1.2 * spread_
    edges = nice_edges(lo, hi, (hi - lo) / EXACT_BINS)
    try:
        cdf = np.array([res.prob(f"{name} < {float(e)!r}").value for e in edges]
                       + [res.prob(f"{name} <= {float(edges[-1])!r}").value])
    except PactsimError:
        return None
    present = 1.0 - float(s.missing)
    cdf[-2] = cdf[-1]  # the last bin is closed
    share = np.diff(cdf[:-1])
    below, above = float(cdf[0]), present - float(cdf[-1])
    i, j = 0, len(share)
    while i < j - MIN_BINS and below + share[i] < TAIL:
        below += float(share[i])
        i += 1
    while j > i + MIN_BINS and above + share[j - 1] < TAIL:
        above += float(share[j - 1])
        j -= 1
    frame = pd.DataFrame({"left": edges[i:j], "right": edges[i + 1:j + 1],
                          "share": share[i:j]})
    frame.attrs.update(below=max(below, 0.0), above=max(above, 0.0), missing=float(s.missing))
    return frame


def histogram(res: ResultsLike, name: str) -> pd.DataFrame | None:
    """The binned histogram of a numeric question or attribute that takes many values,
    or ``None`` when it has a bar per value (``res.numeric(name).histogram`` with at
    most :data:`MAX_BARS` values) or nothing to bin (no draws kept, no value).

    Monte Carlo: the kept draws of an attribute (weighted under evidence), else the
    values' shares gathered into bins. Exact: P(name < edge) at each edge. See
    :func:`binned` for the frame.
    """
    fn = getattr(res, "numeric", None)
    if not callable(fn):
        return None
    s = fn(name)
    if s.missing >= 1 or s.kind == "date":
        return None
    if s.histogram is not None:
        if len(s.histogram) <= MAX_BARS:
            return None
        return _binned_values(s.histogram, float(s.missing), draws(res))
    kept = attribute_draws(res, name)
    if kept is not None:
        return binned(kept[0], kept[1])
    if draws(res) is None:
        return _exact_binned(res, name, s)
    return None


def attributes_table(res: ResultsLike) -> str:
    """The scenario's numeric attributes: mean, median, 80% interval (10% to 90%)
    and the share of outcomes where the attribute has no value (a closed gate)."""
    fn = getattr(res, "numeric", None)
    names = attribute_names(res)
    if not callable(fn) or not names:
        return ""
    rows = []
    for a in names:
        s = fn(a)
        q = s.quantiles
        mid = value(q[0.5], "number") if 0.5 in q else EM_DASH
        band = (f"{value(q[0.1], 'number')} – {value(q[0.9], 'number')}"
                if 0.1 in q and 0.9 in q else EM_DASH)
        label = attribute_label(res.scenario, a)
        who = (f"{escape(label)} <code>{escape(a)}</code>" if label != a
               else f"<code>{escape(a)}</code>")
        rows.append(f"<tr><td>{who}</td><td class='num'>{value(s.mean, 'number')}</td>"
                    f"<td class='num'>{mid}</td><td class='num'>{band}</td>"
                    f"<td class='num'>{escape(pct(s.missing)) if s.missing else ''}</td></tr>")
    return _table("Numeric attributes", ["attribute", "mean", "median", "80% interval",
                                         "no value"], rows)


def bundle_note(b: pd.DataFrame) -> str:
    """The footnote of a bundle table as text: "" when every count is exact,
    else how many draws the counts may be low by (:func:`format.bound_note
    <pactsim.views.format.bound_note>` when some share is marked)."""
    if not len(b) or not (b["bound"] > 0).any():
        return ""
    worst = int(b["bound"].max())
    if b["lower"].any():
        return bound_note(worst)
    return (f"counts may be low by up to {worst:,} draws (less than their standard "
            "error), from pruning the table of distinct texts")


def _bundle_rows(b: pd.DataFrame, counts: bool) -> list[str]:
    rows = []
    for _, r in b.iterrows():
        mark = LOWER_BOUND if r["lower"] else ""
        cnt = (f"<td class='num'>{count(int(r['count']), int(r['bound']))}</td>"
               if counts else "")
        rows.append(f"<tr><td class='num'>{mark}{escape(pct(r.p))}</td>{cnt}"
                    f"<td>{escape(str(r.bundle))}</td></tr>")
    return rows


def bundles_table(res: ResultsLike, top: int = 10, of: str = "all") -> str:
    """The most frequent exact texts (sets of pillars and clauses, or of
    ``of``): share, count of draws (Monte Carlo), and the set. A count that
    may be low (a pruned table) shows by how much, "+≤N"; a share whose bound
    exceeds its standard error is marked "≥" and footnoted."""
    what = {"all": "pillars and clauses", "pillars": "pillars",
            "clauses": "clauses"}.get(of, f"clauses of {of}")
    try:
        b = bundle_frame(res, top, of)
    except ModelTooWideError as err:  # exact results of a wide scenario
        if of != "all":  # whole texts: beyond exact inference by design (run omits them)
            refused(err)
        return (f'<div class="ps-muted">Most frequent texts (exact sets of {escape(what)}): '
                f"too many nodes together for exact inference ({err.width} variables); "
                "pactsim.simulate estimates them.</div>")
    if b is None or not len(b):
        return ""
    counts = draws(res) is not None and "count" in b.columns
    head = ["P", *(["draws"] if counts else []), f"{what} in the text"]
    out = _table(f"Most frequent texts (exact sets of {what})", head, _bundle_rows(b, counts))
    note = bundle_note(b)
    return out + (f'<div class="ps-muted">{escape(note)}</div>' if note else "")


# -- public renderers ------------------------------------------------------------------
def news_to(res: ResultsLike) -> str | None:
    """The latest date (ISO) of the dated findings the results are conditioned on (a
    file's ``observations:``), or ``None`` when there are none; Monte Carlo or exact."""
    info = getattr(res, "info", None)
    if info is None:  # exact results keep their findings
        kept = [f.date for f in getattr(res, "evidence", None) or () if f.date is not None]
        return max(kept).isoformat() if kept else None
    latest = getattr(info, "news_to", None)  # set by simulate from the findings
    return latest.isoformat() if latest is not None else None


def as_of_words(sc: Scenario, res: ResultsLike) -> str:
    """The date a forecast is as of, as headers write it: the file's ``as_of``, or under
    its observations ``2025-01-13 (the priors of 2024-11-05 and the news to then)``."""
    news = news_to(res)
    return f"{sc.as_of}" if news is None else \
        f"{news} (the priors of {sc.as_of} and the news to then)"


def _count_of(k: int, noun: str) -> str:
    return f"{k} {noun}{'' if k == 1 else 's'}"


def _header(sc: Scenario, meta: str, as_of: str | None = None) -> str:
    title = escape(sc.title or sc.id)
    return (f'<div class="ps-title">{title}</div><div class="ps-muted"><code>{escape(sc.id)}'
            f"</code> · as of {as_of or sc.as_of} · horizon {sc.horizon}</div>"
            f'<div class="ps-muted">{escape(meta)}</div>')


def results_html(res: ResultsLike) -> str:
    """Compact HTML for a results object (what Jupyter shows for ``res``).

    Headline questions with 95% intervals and the signing curve at key dates
    side by side; the timeline of dated events and milestones (each one's
    median date and P by the horizon); pillars with their clauses nested; context events;
    numeric attributes (mean, median, 80% interval, share with no value); numeric
    questions and the most frequent texts folded in ``<details>``.

    Examples
    --------
    >>> from IPython.display import HTML  # doctest: +SKIP
    >>> HTML(results_html(res))           # doctest: +SKIP
    """
    try:
        return _results_html(res, None)
    except (ModelTooWideError, ExactUnsupportedError):
        # exact results that refuse some parts (most often under evidence too wide for
        # them): each part that can be computed, a note for each that cannot
        from pactsim.views.partial import Partial

        page = Partial(res)
        return _results_html(page, page)


def _results_html(res: ResultsLike, page: Any) -> str:
    """:func:`results_html`; with ``page`` (a :class:`pactsim.views.partial.Partial` over
    ``res``) a part exact inference refuses is a note, not an error."""

    def part(what: str, build: Callable[[], str]) -> str:
        if page is None:
            return build()
        try:
            return build()
        except (ModelTooWideError, ExactUnsupportedError) as err:
            refused(err)
            page.gaps.setdefault(what, err)
            return ""

    sc = res.scenario
    parts = ['<div class="pactsim">', f"<style>{CSS}</style>",
             _header(sc, run_meta(res), as_of_words(sc, res))]
    top = part("the questions", lambda: questions_table(res) if len(res.questions()) else "")
    if has_signing(res):
        top += part("the signing date", lambda: signing_table(res))
    parts.append(f'<div class="ps-grid">{top}</div>')
    if has_timeline(res):
        parts.append(part("the timeline", lambda: timeline_table(res)))
    try:
        marg = res.marginals()
    except (ModelTooWideError, ExactUnsupportedError) as err:
        if page is None:
            raise
        refused(err)
        page.gaps.setdefault("the pillars, clauses and events", err)  # no node's chance
        marg = None
    n_p, n_c = ((0, 0) if marg is None else
                (int((marg.kind == "pillar").sum()), int((marg.kind == "clause").sum())))
    if n_p:
        parts.append(f"<details open><summary>In the text: {_count_of(n_p, 'pillar')}, "
                     f"{_count_of(n_c, 'clause')}"
                     f"</summary>{part('the pillars and clauses', lambda: content_table(res))}"
                     "</details>")
    events = None if marg is None else undated_events(res)
    n_e = 0 if events is None else int((events.kind != "outcome").sum())
    if n_e:
        parts.append(f"<details><summary>Context events ({n_e})</summary>"
                     f"{part('the context events', lambda: events_table(res))}</details>")
    attributes = part("the numeric attributes", lambda: attributes_table(res))
    if attributes:
        parts.append(f"<details open><summary>Numeric attributes "
                     f"({len(attribute_names(res))})</summary>{attributes}</details>")
    parts.append(part("the spread", lambda: spread_table(res)))
    extra = part("the numeric questions", lambda: numeric_table(res)) + bundles_table(res, top=5)
    if extra:
        parts.append(f"<details><summary>Distributions and frequent texts</summary>{extra}"
                     "</details>")
    if page is not None:
        # the questions by name (the page counts them: "6 questions"), then the parts
        gone = [k for k in page.gaps if not k.endswith(("question", "questions"))]
        if page.missing_signed:  # its column may be left out: said here
            gone.insert(0, "P(yes | signed) of " + ", ".join(page.missing_signed))
        if page.missing:
            gone.insert(0, ", ".join(page.missing) + " (\u2014 in the tables)")
        if gone:
            parts.insert(3, f'<div class="ps-muted">Not computed exactly: '
                            f"{escape('; '.join(dict.fromkeys(gone)))}. Monte Carlo estimates "
                            f"{'them' if len(gone) > 1 else 'it'}: "
                            f"{page.monte_carlo_call()}.</div>")
    parts.append("</div>")
    return "".join(parts)


#: Parameter draws of the spread the results display shows (as ``pactsim run``).
DISPLAY_SPREAD_N = 200
_SPREADS: dict[str, list[Spread]] = {}  # by scenario digest: the last few computed


def _conditioned(res: ResultsLike) -> bool:
    info = getattr(res, "info", None)
    return bool(getattr(res, "evidence", None) or getattr(info, "given", None)
                or getattr(info, "evidence", None))


def spread_table(res: ResultsLike) -> str:
    """The questions' 80% bands over the scenario's uncertain inputs (issue 12): a
    folded section, shown when the scenario has ``between``/``beta`` numbers,
    exact inference answers it, and neither the results nor the file are
    conditioned on evidence (the spread is of the file's forecast; under
    observations :func:`pactsim.spread` computes it, slowly). Computed once per scenario
    (:data:`DISPLAY_SPREAD_N` parameter draws, seed 0: about a second on the
    flagship) and kept for later displays."""
    from pactsim.analysis.spread import spreads, uncertain_inputs
    from pactsim.errors import PactsimError

    sc = res.scenario
    if _conditioned(res) or sc.observations or not uncertain_inputs(sc):
        return ""  # with observations every draw is conditioned on the news: too slow here
    found = _SPREADS.get(sc.digest)
    if found is None:
        try:
            from pactsim.results.exact import exact

            exact(sc, progress=False)
            found = spreads(sc, n=DISPLAY_SPREAD_N)
        except PactsimError:
            return ""  # exact inference refuses: pactsim.spread does it by Monte Carlo
        while len(_SPREADS) >= 8:
            _SPREADS.pop(next(iter(_SPREADS)))
        _SPREADS[sc.digest] = found
    if not found:
        return ""
    ends = [band_ends(x.lo, x.hi) for x in found]
    moved = [x for x, e in zip(found, ends, strict=True) if e is not None]
    rows = [f"<tr><td>{escape(x.question)}</td><td class='num'>"
            f"{escape(band_point(x.mean, e))}</td>"
            f"<td class='num'>{escape(e[0])}–{escape(e[1])}</td></tr>"
            for x, e in zip(found, ends, strict=True) if e is not None]
    still = [x.question for x, e in zip(found, ends, strict=True) if e is None]
    first = found[0]
    note = (f"{first.n:,} parameter draws (seed {first.seed}, "
            f"{'exact answers' if first.method == 'exact' else 'Monte Carlo'}) of "
            f"{', '.join(first.inputs)}"
            + (f"; no spread: {', '.join(still)}" if still else "") + ".")
    table = _table("80% band of each forecast over the uncertain inputs",
                   ["question", "mean", "80% band"], rows) if rows else ""
    return (f"<details><summary>Spread over the uncertain inputs ({len(moved)} of "
            f"{len(found)} questions move)</summary>{table}"
            f'<div class="ps-muted">{escape(note)}</div></details>')


def estimate_html(est: Estimate) -> str:
    """One estimate as a line of HTML: the value, ± its standard error, the interval.

    Examples
    --------
    >>> from pactsim.results.estimate import Estimate
    >>> estimate_html(Estimate.exact(0.25))
    '<span class="pactsim"><b>25.0%</b> <span style="opacity:.7">(exact)</span></span>'
    """
    if est.n is None:
        tail = "(exact)"
    else:
        ess = "" if getattr(est, "ess", None) is None else f", effective {est.ess:,.0f}"
        lo, hi = pct(est.lo), pct(est.hi)
        if any(0 < v < 0.001 for v in (est.value, est.lo)):  # both ends to 0.01 points
            lo, hi = (x if x.startswith("<") else f"{100 * v:.2f}%"
                      for x, v in ((lo, est.lo), (hi, est.hi)))
        tail = (f"± {100 * est.stderr:.2f} pts (95% CI {lo}–{hi}, "
                f"n = {est.n:,}{ess})")
    return (f'<span class="pactsim"><b>{escape(pct(est.value))}</b> '
            f'<span style="opacity:.7">{escape(tail)}</span></span>')


def spread_html(s: Spread) -> str:
    """A spread (:func:`pactsim.spread`) as HTML: the mean, the 80% band drawn on a
    0–100% bar (the band shaded, the mean marked), and how it was computed."""
    lo, hi, mean = (max(0.0, min(1.0, x)) * 100 for x in (s.lo, s.hi, s.mean))
    q05, q95 = (max(0.0, min(1.0, float(x))) * 100 for x in s.quantile((0.05, 0.95)))
    bar = ('<span style="position:relative;display:inline-block;width:220px;height:12px;'
           'background:rgba(128,128,128,.15);border-radius:2px;vertical-align:middle">'
           f'<span style="position:absolute;left:{q05:.1f}%;width:{q95 - q05:.1f}%;top:4px;'
           'height:4px;background:rgba(59,110,165,.35)"></span>'
           f'<span style="position:absolute;left:{lo:.1f}%;width:{hi - lo:.1f}%;top:1px;'
           'height:10px;background:rgba(59,110,165,.6);border-radius:2px"></span>'
           f'<span style="position:absolute;left:{mean:.1f}%;top:0;width:2px;height:12px;'
           'background:#1f3f66"></span></span>')
    how = ("exact answers" if s.method == "exact"
           else f"Monte Carlo answers of {s.inner_n:,} draws, common random numbers")
    if s.weights is not None:
        how += (f"; weighted by the likelihood of the file's observations, effective "
                f"{s.ess:,.0f} draws")
    ends = band_ends(s.lo, s.hi)
    band_words = ("no spread" if ends is None else
                  f"80% band {escape(ends[0])}–{escape(ends[1])}")
    inputs = ", ".join(s.inputs)
    return (f'<div class="pactsim"><style>{CSS}</style><b>{escape(s.question)}</b>: '
            f'<b>{escape(band_point(s.mean, ends))}</b> ({band_words} over '
            f'the uncertain inputs) {bar}'
            f'<div class="ps-muted">{s.n:,} parameter draws (seed {s.seed}, {escape(how)}) '
            f'of {escape(inputs)}; today\'s forecast {escape(pct(s.forecast))}, mean of the '
            f'draws {escape(pct(s.mean))} ± {100 * s.stderr:.2f} pts; bar: 0–100%, 80% band '
            'dark, 90% '
            'light</div></div>')


def _pspec(spec: Any) -> str:
    from pactsim.language.distributions import p_mean
    from pactsim.language.scenario import Beta, Between

    if isinstance(spec, dict) and "by" in spec:  # a row's curve (a table of curves)
        from pactsim.language.scenario import curve_points

        return "curve: " + curve_words(curve_points(spec))  # uncertain points validated
    if isinstance(spec, dict) and spec and "beta" not in spec and "between" not in spec:
        return levels_words(spec)  # a categorical node's {outcome: p}
    if isinstance(spec, dict):  # a leaf of a table, as written
        spec = Beta.model_validate(spec) if "beta" in spec else Between.model_validate(spec)
    if isinstance(spec, Beta):
        a, b = spec.beta
        return f"β({a:g}, {b:g}) ≈ {p_mean(spec):.2f}"
    if isinstance(spec, Between):
        lo, hi = spec.between
        return f"90% in [{lo:g}, {hi:g}]"
    return f"{float(spec):g}"


def levels_words(levels: Any) -> str:
    """A categorical node's outcomes as written: ``absent 20% · generic 45% · named
    35%`` for ``{outcome: p}``, the names for a list (the table gives the numbers)."""
    if isinstance(levels, dict):
        return " · ".join(f"{k} {pct_short(float(v))}" for k, v in levels.items())
    return " / ".join(str(x) for x in levels)


#: Rows of one ``table`` shown in the inputs; the rest are counted (a table may have 2^16).
TABLE_ROWS_SHOWN = 8


def _odds_words(odds: dict[str, float]) -> str:
    """``odds × ally 20, mood 1.5``."""
    return "odds × " + ", ".join(f"{k} {v:g}" for k, v in odds.items())


def _notes(node: Node) -> str:
    notes = []
    if node.odds:
        notes.append(_odds_words(node.odds))
    if node.requires:
        notes.append("requires " + ", ".join(node.requires))
    if node.excludes:
        notes.append("excludes " + ", ".join(node.excludes))
    return "".join(f' <span class="ps-muted">· {escape(n)}</span>' for n in notes)


def _node_p(node: Node) -> str:
    """The stated probability (``table on a, b`` for a table) and the odds and
    gates; for a dated event, its timing in words first (a milestone's p is its
    chance of ever happening once its anchor has)."""
    out = _pspec(node.p) if node.p is not None else ""
    if node.given:
        out = f"table on {', '.join(node.given)}"
    levels = getattr(node, "levels", None)
    if isinstance(levels, dict):
        out = f"outcomes: {levels_words(levels)}"
    elif levels is not None:
        out = f"outcomes {levels_words(levels)}, table on {', '.join(node.given or [])}"
    if node.timing == "milestone":
        when = spec_timing_words(node)
        ever = f"; p {out} of ever happening once its anchor has" if out else ""
        return f"<b>{escape(when)}</b>{escape(ever)}" + _notes(node)
    if node.timing == "curve":
        when = spec_timing_words(node)
        if node.given:
            when += f" (table on {', '.join(node.given)})"
        return f"<b>{escape(when)}</b>" + _notes(node)
    return escape(out) + _notes(node)


def _why(why: str | None, source: str | list[str] | None = None) -> str:
    """A ``why`` cell: the analyst's rationale, then the source keys, muted."""
    out = escape(why) if why else ""
    if source:
        keys = [source] if isinstance(source, str) else source
        out += f' <span class="ps-src">[{escape(", ".join(keys))}]</span>'
    return f"<td class='why'>{out}</td>"


def _condition(given: Sequence[str], combo: Sequence[bool | str]) -> str:
    """``if a and not b``: a row of a table, as the condition it stands for (a
    categorical parent's key as ``x == outcome``; a condition as a parent in brackets
    where it is negated or joined to others: ``if not (a and not b)``)."""
    def part(g: str, v: bool | str) -> str:
        if isinstance(v, str):
            return f"{g} == {v}"
        if is_condition(g) and (not v or len(given) > 1):
            g = f"({g})"
        return g if v else f"not {g}"

    return "if " + " and ".join(part(g, v) for g, v in zip(given, combo, strict=False))


def table_rows(node: Node, most: int = TABLE_ROWS_SHOWN) -> tuple[
        list[tuple[tuple[Any, ...], Any, str | None]], int]:
    """The first ``most`` rows of ``node.table`` in the order written, each as
    ``(parent values in given order, p spec, why or None)``, and how many rows
    the table has in all (``2 ** len(given)``; a categorical parent's keys are its
    outcome names, and it counts its keys). Work is bounded by ``most`` and
    the number of parents, not by the size of the table."""
    given = list(node.given or [])
    if node.table is None or not given:
        return [], 0
    rows: list[tuple[tuple[Any, ...], Any, str | None]] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(node.table, ())]
    while stack and len(rows) < most:
        leaf, combo = stack.pop()
        if len(combo) == len(given):
            rows.append((combo, leaf, node.row_why(combo)))
            continue
        if isinstance(leaf, dict):  # in file order: push the last key first
            stack += [(v, (*combo, k if isinstance(k, str) else bool(k)))
                      for k, v in reversed(leaf.items())]
    total = 1
    level: Any = node.table
    for _ in given:  # each parent's keys, along the first branch
        total *= len(level) if isinstance(level, dict) and level else 2
        level = next(iter(level.values())) if isinstance(level, dict) and level else None
    return rows, total


def _node_rows(name: str, view_label: str | None, node: Node, cls: str) -> list[str]:
    """One node of the inputs, then one row per row of its table (the first few)."""
    who = f"{escape(view_label)} <code>{escape(name)}</code>" if view_label else (
        f"<code>{escape(name)}</code>")
    out = [f"<tr class='{cls}'><td>{who}</td><td>{_node_p(node)}</td>"
           f"{_why(node.why, node.source)}</tr>"]
    rows, total = table_rows(node)
    sub = f"{cls} row" if cls == "clause" else "row"
    for combo, spec, why in rows:
        out.append(f"<tr class='{sub}'><td>{escape(_condition(node.given or [], combo))}</td>"
                   f"<td>{escape(_pspec(spec))}</td>{_why(why)}</tr>")
    if total > len(rows):
        out.append(f"<tr class='{sub}'><td colspan='3' class='ps-muted'>… and "
                   f"{total - len(rows):,} more rows of {total:,} (see the file)</td></tr>")
    return out


def quantity_words(q: Any) -> str:
    """A numeric attribute's distribution in words (a :class:`~pactsim.language.
    attributes.Quantity`): ``normal, mean 120, sd 30``, ``20 (70%) or 10 (30%)``.

    Examples
    --------
    >>> from pactsim.language.attributes import parse_quantity
    >>> quantity_words(parse_quantity({"lognormal": {"median": 40, "p90": 60}}))
    'lognormal, median 40, 90th percentile 60'
    >>> quantity_words(parse_quantity({"values": {20: 0.7, 10: 0.3}}))
    '10 (30%) or 20 (70%)'
    """
    if q.kind == "fixed":
        return f"{q.a:g}"
    if q.kind == "normal":
        return f"normal, mean {q.a:g}, sd {q.b:g}"
    if q.kind == "uniform":
        return f"uniform on [{q.a:g}, {q.b:g}]"
    if q.kind == "lognormal":
        from statistics import NormalDist

        p90 = math.exp(q.a + NormalDist().inv_cdf(0.9) * q.b)
        return f"lognormal, median {math.exp(q.a):.6g}, 90th percentile {p90:.6g}"
    shown = [f"{v:g} ({pct_short(p)})" for v, p in zip(q.values, q.probs, strict=True)]
    if len(shown) > 8:
        shown = [*shown[:8], f"… {len(q.values) - 8} more"]
    return " or ".join(shown)


def _attribute_rows(sc: Scenario, name: str, spec: Any) -> list[str]:
    """An attribute of the inputs: its law (or ``given`` the parents), its gates and
    rounding, then one row per row of its table (the first :data:`TABLE_ROWS_SHOWN`)."""
    who = (f"{escape(spec.label)} <code>{escape(name)}</code>" if spec.label
           else f"<code>{escape(name)}</code>")
    notes = []
    if spec.round:
        notes.append("rounded to whole numbers")
    if spec.requires:
        notes.append("requires " + ", ".join(spec.requires))
    if spec.excludes:
        notes.append("excludes " + ", ".join(spec.excludes))
    head = quantity_words(spec.dist) if spec.dist is not None else (
        "given " + ", ".join(spec.given or []) + " (rows below)")
    tail = f" <span class='ps-muted'>({escape('; '.join(notes))})</span>" if notes else ""
    out = [f"<tr class='attribute'><td>{who}</td><td>{escape(head)}{tail}</td>"
           f"{_why(spec.why, spec.source)}</tr>"]
    given = list(spec.given or [])
    if spec.table is None or not given:
        return out
    rows: list[tuple[tuple[Any, ...], Any]] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(spec.table, ())]
    while stack and len(rows) < TABLE_ROWS_SHOWN:
        leaf, combo = stack.pop()
        if len(combo) == len(given):
            rows.append((combo, leaf))
        elif isinstance(leaf, dict):  # in file order: push the last key first
            stack += [(v, (*combo, k if isinstance(k, str) and k not in ("true", "false")
                           else k in (True, "true")))
                      for k, v in reversed(leaf.items())]
    for combo, leaf in rows:
        try:
            words = quantity_words(spec.row_quantity(leaf))
        except (ValueError, TypeError, KeyError):  # a validated file's leaves parse
            words = str(leaf)
        out.append(f"<tr class='row'><td>{escape(_condition(given, combo))}</td>"
                   f"<td>{escape(words)}</td><td></td></tr>")
    return out


def _driver_dist(d: Driver) -> str:
    if d.dist == "normal":
        return f"normal, mean {d.mean or 0:g}, sd {d.sd:g}" if d.sd is not None else "normal"
    return f"uniform on [{d.low:g}, {d.high:g}]" if d.low is not None and d.high is not None \
        else "uniform"


def scenario_html(sc: Scenario) -> str:
    """Compact HTML overview of a scenario: counts, signing points, pillars with
    clauses and their stated probabilities, numeric attributes with their stated
    distributions (format 3), questions.

    A pillar's stated p is P(pillar | signed); a clause's is P(clause | its pillar).

    Examples
    --------
    >>> import pactsim
    >>> sc = pactsim.loads("pactsim: 1\\nid: demo\\nas_of: 2024-01-01\\n"
    ...                    "horizon: 2024-12-31\\nevents:\\n  rain: {p: 0.3}\\n")
    >>> "1 event" in scenario_html(sc)
    True
    """
    kinds = [v.kind for v in sc.iter_nodes()]
    counts = []
    for kind in ("driver", "event", "signing", "pillar", "clause", "question"):
        k = kinds.count(kind)
        if k:
            counts.append(kind if kind == "signing" else f"{k} {kind}{'s' if k > 1 else ''}")
        if kind == "event" and k:
            timing = [v.timing for v in sc.iter_nodes() if v.kind == "event"]
            dated = [f"{timing.count('curve')} dated"] if "curve" in timing else []
            m = timing.count("milestone")
            dated += [f"{m} milestone{'s' if m > 1 else ''}"] if m else []
            if dated:
                counts[-1] += f" ({', '.join(dated)})"
    k = len(getattr(sc, "attributes", None) or {})
    if k:  # format 3
        counts.insert(len(counts) - (kinds.count("question") > 0),
                      f"{k} attribute{'s' if k > 1 else ''}")
    meta = " · ".join(counts) + f" · {len(sc.sources)} sources · digest {sc.digest[:12]}"
    return ('<div class="pactsim">' f"<style>{CSS}</style>{_header(sc, meta)}"
            f"{scenario_inputs(sc)}</div>")


def scenario_inputs(sc: Scenario, *, fold_questions: bool = True) -> str:
    """Tables of what the analyst stated, each number with its rationale (``why``)
    and sources: drivers, the signing points, events, pillars with clauses, the
    rows of every ``table`` (the first :data:`TABLE_ROWS_SHOWN`), numeric
    attributes with their distributions (format 3), and questions
    (folded in ``<details>`` by default)."""
    head = ["name", "stated", "why [sources]"]
    parts = ['<div class="ps-grid">']
    if sc.drivers:
        rows = [f"<tr><td>{_who(sc, name)}</td><td>{escape(_driver_dist(d))}</td>"
                f"{_why(d.why, d.source)}</tr>" for name, d in sc.drivers.items()]
        parts.append(_table("Drivers (odds factors apply per unit)", head, rows, "ps-inputs"))
    if isinstance(sc.signing, Node):  # a milestone: after + delay, as an event's
        parts.append(_table("Signing: a milestone", head,
                            _node_rows("signing", sc.signing.label, sc.signing, "event"),
                            "ps-inputs"))
    elif sc.signing is not None:
        s = sc.signing
        rows = [f"<tr><td>{d}</td><td class='num'>{escape(_pspec(p))}</td>"
                f"{_why(s.why_by.get(d))}</tr>" for d, p in (s.by or {}).items()]
        if s.by is None and s.given:  # a table of curves: one row per row of the table
            curves: Any = s  # Signing borrows Node.curve_entries
            rows += [f"<tr class='row'><td>{escape(_condition(s.given, combo))}</td>"
                     f"<td>{escape(curve_words(by))}</td>{_why(curves.row_why(combo))}</tr>"
                     for combo, by in curves.curve_entries()[:TABLE_ROWS_SHOWN]]
        if s.hazard_ratio:
            rows.append(f"<tr class='note'><td>hazard ratio</td><td colspan='2'>"
                        f"{escape(_factors(s.hazard_ratio))} <span class='ps-muted'>(a ratio "
                        "r multiplies the daily chance of signing by r)</span></td></tr>")
        if s.why or s.source:
            rows.insert(0, f"<tr class='note'><td>{escape(s.label or 'signing')}</td><td></td>"
                        f"{_why(s.why, s.source)}</tr>")
        parts.append(_table("Signing: stated P(signed on or before)", ["date", "P", "why"],
                            rows, "ps-inputs"))
    parts.append("</div>")
    if sc.events:
        rows = [r for name, e in sc.events.items()
                for r in _node_rows(name, e.label, e, "event")]
        parts.append(_table("Events", head, rows, "ps-inputs"))
    if sc.pillars:
        rows = []
        for name, pil in sc.pillars.items():
            rows += _node_rows(name, pil.label, pil, "pillar")
            for c, cl in pil.clauses.items():
                rows += _node_rows(c, cl.label, cl, "clause")
        parts.append(_table("Pillars and clauses (pillar p given signed; clause p given "
                            "its pillar)", head, rows, "ps-content ps-inputs"))
    attributes = getattr(sc, "attributes", None) or {}
    if attributes:
        rows = [r for name, spec in attributes.items() for r in _attribute_rows(sc, name, spec)]
        parts.append(_table("Numeric attributes (no value where a gate is closed)", head, rows,
                            "ps-inputs"))
    if sc.questions:
        whys = any(sc.nodes[q].why for q in sc.questions)
        rows = [f"<tr><td>{_who(sc, q)}</td><td><code>{escape(sc.question_text(q))}</code>"
                "</td>" + (_why(sc.nodes[q].why) if whys else "") + "</tr>"
                for q in sc.questions]
        table = _table("Questions", ["name", "expression", *(["why"] if whys else [])], rows,
                       "ps-inputs")
        parts.append(f"<details><summary>Questions ({len(rows)})</summary>{table}</details>"
                     if fold_questions else table)
    return "".join(parts)


def _who(sc: Scenario, name: str) -> str:
    """A node's label (when it has one) and its name."""
    label = sc.nodes[name].spec.label
    code = f"<code>{escape(name)}</code>"
    return f"{escape(label)} {code}" if label else code
