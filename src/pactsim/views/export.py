"""Machine-readable forecasts: nested JSON, and one tidy table (for CSV).

What ``pactsim run --format json|csv`` writes. Both carry every section of
the printed forecast (:mod:`pactsim.views.text`) and the run's provenance:
questions with P(· | signed), the signing curve at the key dates with its
band and the signing date if signed (median and 80% interval), every
dated node (signing, dated events, milestones) with its curve at the key
dates and its date if it happens, pillars and
clauses with P(· | signed), context events, numeric questions, the most
frequent sets of pillars (exact counts) and of pillars and clauses (with
``bound``), drivers when the run kept its draws, and each node's label and
rationale (``why``) when the scenario gives one; a categorical node (format 3
``levels``) also has its outcomes. Under evidence
(``simulate(..., evidence=)``, a file's ``observations:``, :meth:`Results.given
<pactsim.results.montecarlo.Results.given>`) the provenance says what the
forecast is conditioned on, and every estimate carries its effective sample
size.

Conventions, both formats: probabilities are fractions, not percents; ``lo``
and ``hi`` bound a 95% interval; dates are ISO text (``YYYY-MM-DD``); a
missing value is ``null`` (JSON) or empty (CSV); quantiles are ``q10``,
``q50`` (the median) and ``q90``; a date question's mean and quantiles are
dates (the mean to the nearest day), its ``sd`` and ``stderr`` in days.

JSON (:func:`results_to_json`) is one object: ``pactsim_forecast`` (the
format's version, :data:`FORMAT_VERSION`), ``run`` (provenance), ``questions``, ``signing``,
``dated``, ``pillars`` (each with its ``clauses``), ``events``, ``numeric``,
``drivers``, ``pillar_sets`` and ``texts``. Objects keyed by name keep file
order. A categorical pillar, clause or event has ``outcomes``: ``{outcome:
{p, stderr, lo, hi, ess}}`` (with ``p_given_signed`` and its companions for a
pillar or clause), ``absent`` first when the node can be absent, summing to 1;
other nodes have no ``outcomes`` key. In ``pillar_sets`` and ``texts`` a
categorical member is written with its outcome, ``instc=named`` (never the
bare ``instc``). These are additions: a forecast of a scenario without
categorical nodes is unchanged, so the format stays 3. A scenario with numeric
attributes (format 3) adds ``attributes`` (before ``drivers``): each one's
``label``, ``why``, ``kind`` (``number``), ``mean``, ``sd``, ``stderr``,
``quantiles`` and ``missing`` (the share of draws where a closed gate left it
without a value), as ``numeric`` has them; a scenario without attributes has no
such key. Its JSON Schema is
:func:`pactsim.views.forecast_schema.forecast_schema` (``pactsim schema --forecast``).

Evidence, in ``run``: ``evidence`` is ``null``, or what the run's draws were
weighted by — ``text`` (as :attr:`RunInfo.evidence
<pactsim.results.montecarlo.RunInfo.evidence>` has it) and ``findings``, each
``{expr, likelihood_ratio, date, source}`` (``likelihood_ratio`` ``null`` for
hard evidence; ``date`` and ``source`` those of a file's observation, else
``null``); ``given`` is the evidence :meth:`Results.given` applied afterwards
(text, or ``null``); ``n_run`` the draws before that (``null`` without it);
``news_to`` the latest date of the file's observations, the date the forecast
is as of (``null`` without dated news; an addition to format 3, so documents
written before it have no such key); ``ess``
Kish's effective sample size of the draws (``n`` when they are not weighted).
Every estimate (``p``, a curve point, a set) has ``ess``, and every
``p_given_signed`` has ``ess_given_signed``: the effective sample size it rests
on when the draws are weighted, else ``null`` (then it rests on ``n`` draws, or on
the signed ones).

CSV (:func:`results_to_table`) is one long table, one number per row, that
``pandas.read_csv`` reads without options; its columns are :data:`COLUMNS`:

``section``
    ``evidence``, ``questions``, ``signing``, ``dated``, ``pillars``, ``events``,
    ``numeric``, ``attributes``, ``drivers``, ``pillar_sets`` or ``texts``. ``evidence``
    has a row per finding the draws were weighted by: ``name`` and ``expr`` the expression,
    ``statistic`` ``likelihood_ratio`` (``value``: the ratio) or ``hard`` (no
    value), ``date`` and ``source`` an observation's. ``dated`` repeats the signing
    (as ``signing`` has it) beside every dated event and milestone.
``name``
    The node or question; a categorical node's outcome is ``node=outcome`` (kind
    ``outcome``, in the node's section, right after it); for a set, its members
    joined by `` + `` (``(nothing)``: not signed, or signed with none of them).
``statistic``
    ``p``, ``p_given_signed``, ``p_by`` (a date curve), ``mean``, ``sd``,
    ``q10``, ``q50``, ``q90`` (for a dated node: its date if it happens by the
    horizon), ``missing`` (share of draws with no value).
``value``, ``stderr``, ``lo``, ``hi``, ``ess``
    The number, its standard error and 95% interval (where there is one), and
    under weighted draws the effective sample size it rests on. A
    number that does not exist (P(· | signed) without a signing section or
    when never signed, the mean of a date never reached) has no row.
``date``
    The date of a ``p_by`` point, or the value of a date statistic (then
    ``value`` is empty).
``count``, ``bound``
    Draws in a set, and how many it may be low by (0: exact); under evidence both are
    in draws of average weight (a set's share of the weight times the draws of nonzero
    weight, rounded).
``kind``, ``pillar``, ``label``, ``expr``, ``why``
    What the row is about: the node's kind (in ``dated``: ``signing``,
    ``dated event`` or ``milestone``), a clause's pillar, its label, a
    question's expression, the analyst's rationale.
``source``
    Where an ``evidence`` row's observation was learnt.
``scenario_id``, ``scenario_title``, ``digest``, ``seed``, ``spawn_key``, ``n``, ``version``
    Provenance, the same on every row (``spawn_key``: space-separated, empty
    for a plain seed).
``evidence``, ``given``, ``n_run``
    Provenance under evidence, the same on every row: the run's evidence as
    text, and ``given`` and ``n_run`` as in the JSON (empty when there is none).
``method``
    ``monte carlo``, or ``exact`` (then ``seed``, ``n``, ``ess`` and ``count`` are
    empty, every ``stderr`` is 0 and ``lo`` = ``hi`` = ``value``); an addition to
    the format.
``as_of``, ``horizon``, ``news_to``
    The dates of the forecast, the same on every row, as in the JSON: ``as_of`` the
    priors' date (the file's), ``news_to`` the latest date of the file's news, which
    is the date the forecast is for when there is news (empty without dated news); an
    addition to the format, the last columns, so a CSV alone says what date its
    numbers are for.

Exact results (:func:`pactsim.exact`, ``pactsim run --method exact``) export
the same sections: ``run.method`` is ``"exact"``, ``n``, ``seed`` and ``ess``
are ``null``, ``run.quadrature_error`` bounds the error of the integral over the
drivers, every ``stderr`` is 0 with ``lo`` = ``hi`` = ``p``, a set's ``count`` is
``null`` (its ``p`` is exact), ``drivers`` is ``null``, and ``texts`` (and
``pillar_sets``) is ``null`` when exact inference cannot build the joint law of
every pillar and clause (of every pillar)
(:class:`~pactsim.errors.ModelTooWideError`). These are additions to format 3:
Monte Carlo exports are unchanged.

Examples
--------
>>> import json, pactsim
>>> sc = pactsim.loads("pactsim: 1\\nid: demo\\nas_of: 2024-01-01\\n"
...                    "horizon: 2024-12-31\\nevents:\\n  rain: {p: 0.3}\\n")
>>> res = pactsim.simulate(sc, n=1_000, seed=1)
>>> data = json.loads(results_to_json(res))
>>> data["events"]["rain"]["p"] == float(res.marginals().p["rain"]), data["run"]["seed"]
(True, 1)
>>> row = results_to_table(res).iloc[0]
>>> row.section, row["name"], row.statistic, float(row.value) == data["events"]["rain"]["p"]
('events', 'rain', 'p', True)
>>> wet = pactsim.simulate(sc, n=1_000, seed=1, evidence=pactsim.soft("rain", 3))
>>> run = forecast(wet)["run"]
>>> run["evidence"]["findings"], run["ess"] == wet.info.ess
([{'expr': 'rain', 'likelihood_ratio': 3.0, 'date': None, 'source': None}], True)
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pandas as pd

from pactsim.errors import ModelTooWideError
from pactsim.inference.weighting import findings_text
from pactsim.views.display import (
    DATE_LEVELS,
    bundle_frame,
    date_cdf,
    date_quantiles,
    dated_nodes,
    draws,
    news_to,
    timeline_frame,
)
from pactsim.views.format import day, day_of, is_missing

if TYPE_CHECKING:
    from pactsim.language.evidence import Finding
    from pactsim.results.montecarlo import Results
    from pactsim.results.summary import NumericSummary

__all__ = ["COLUMNS", "FORMAT_VERSION", "SECTIONS", "TOP", "csv_text", "effective_sizes",
           "forecast", "results_to_json", "results_to_table"]

#: Version of the export format (``pactsim_forecast`` in the JSON): 2 adds ``dated``;
#: 3 adds the evidence (``run.evidence``, ``given``, ``n_run``, ``ess``; ``ess`` on every
#: estimate; the CSV's ``evidence`` section and columns).
FORMAT_VERSION = 3
#: How many of the most frequent sets of pillars, and of whole texts, are exported.
TOP = 10
#: The sections, in the order of the JSON object and of the CSV rows.
SECTIONS = ("evidence", "questions", "signing", "dated", "pillars", "events", "numeric",
            "attributes", "drivers", "pillar_sets", "texts")
#: Columns of :func:`results_to_table`, in order.
COLUMNS = ["section", "name", "statistic", "value", "stderr", "lo", "hi", "ess", "date", "count",
           "bound", "kind", "pillar", "label", "expr", "why", "source", "scenario_id",
           "scenario_title", "digest", "seed", "spawn_key", "n", "version", "evidence", "given",
           "n_run", "method", "as_of", "horizon", "news_to"]
_QUANTILES = {0.1: "q10", 0.5: "q50", 0.9: "q90"}


def _num(x: Any) -> float | None:
    """A float for JSON: ``None`` when missing (NaN) or not finite (a sample sd of a
    driver whose values overflow: JSON has no infinity)."""
    return None if is_missing(x) or not math.isfinite(float(x)) else float(x)


def _text(res: Results, name: str) -> dict[str, str | None]:
    """The analyst's words about a node: its label and rationale (``why``)."""
    view = res.scenario.nodes.get(name)
    if view is None:
        return {"label": None, "why": None}
    why = getattr(view.spec, "why", None)
    return {"label": view.spec.label, "why": why if isinstance(why, str) else None}


def _attribute_text(res: Results, name: str) -> dict[str, str | None]:
    """A numeric attribute's label and rationale (format 3)."""
    spec = res.scenario.attributes[name]
    return {"label": spec.label, "why": spec.why}


def _why_by(res: Results, date: str, node: str = "signing") -> str | None:
    """The rationale the scenario gives for ``node``'s ``by`` point on ``date``, if any."""
    view = res.scenario.nodes.get(node)
    by = getattr(view.spec if view is not None else None, "why_by", None) or {}
    why = next((text for d, text in by.items() if str(d) == date), None)
    return why if isinstance(why, str) else None


def effective_sizes(res: Results) -> tuple[float | None, float | None]:
    """The effective sample sizes of a weighted run's estimates: of every draw, and of
    the signed draws (for P(· | signed)); ``(None, None)`` when the draws are not
    weighted (an estimate then rests on ``n`` draws, or on the signed ones)."""
    from pactsim.results.stats import WeightedStats

    st = getattr(res, "stats", None)  # (exact results have none)
    if not isinstance(st, WeightedStats):
        return None, None
    signed = None
    s = res.model.signing_index
    if s >= 0 and float(st.node_w[s]) > 0:
        w, w2 = float(st.node_w[s]), float(st.node_w2[s])
        # weights whose squares underflow (a ratio of 1e-200 on the signing) count as
        # equal, as Estimate.weighted takes them: the signed draws themselves
        signed = w * w / w2 if w * w > 0 and w2 > 0 else float(st.node_n[s])
    return float(st.ess), signed


def _estimate(row: Any, given_signed: bool,
              ess: tuple[float | None, float | None] = (None, None)) -> dict[str, float | None]:
    out = {"p": _num(row.p), "stderr": _num(row.stderr), "lo": _num(row.lo), "hi": _num(row.hi),
           "ess": ess[0]}
    if given_signed:  # null: no signing section, or never signed
        p = _num(row.p_given_signed)
        out |= {"p_given_signed": p, "stderr_given_signed": _num(row.stderr_given_signed),
                "ess_given_signed": None if p is None else ess[1]}
    return out


_RATIO = re.compile(r"(.+) \(x([^\s()]+)\)", re.S)


def _finding(f: Finding) -> dict[str, Any]:
    r = f.likelihood_ratio
    return {"expr": f.expr.strip(), "likelihood_ratio": None if r is None else float(r),
            "date": None if f.date is None else str(f.date), "source": f.source}


def _evidence(res: Results) -> dict[str, Any] | None:
    """What the run's draws were weighted by (``run.evidence``), or ``None``.

    The findings are the results' own when they keep them (``info.findings``);
    otherwise they are read back from ``info.evidence``: the file's observations
    (with their dates and sources) when the text starts with them, then the
    findings passed (the text gives a soft one's ratio exactly).
    """
    info = res.info
    text = info.evidence
    if not text:
        return None
    kept = getattr(info, "findings", None)
    if kept is not None:
        return {"text": text, "findings": [_finding(f) for f in kept]}
    own = res.scenario.findings()
    lead = findings_text(own)
    found: list[dict[str, Any]] = []
    rest = text
    if own and (text == lead or text.startswith(lead + "; ")):
        found = [_finding(f) for f in own]
        rest = text[len(lead):].removeprefix("; ")
    for part in (p for p in rest.split("; ") if p.strip()):
        m = _RATIO.fullmatch(part)
        ratio = None
        if m is not None:
            try:
                ratio = float(m.group(2))
            except ValueError:
                ratio = None
        found.append({"expr": (m.group(1) if ratio is not None and m else part).strip(),
                      "likelihood_ratio": ratio, "date": None, "source": None})
    return {"text": text, "findings": found}


def _distribution(s: NumericSummary) -> dict[str, Any]:
    """Mean, sd, standard error of the mean, quantiles and share missing; a
    date question's mean and quantiles as dates, its spread in days."""
    date = s.kind == "date"

    def at(v: float) -> Any:
        if is_missing(v) or not math.isfinite(float(v)):
            return None
        return str(day_of(v)) if date else float(v)

    return {"kind": s.kind, "mean": at(s.mean), "sd": _num(s.sd), "stderr": _num(s.stderr),
            "quantiles": {_QUANTILES.get(q, f"q{round(100 * q)}"): at(v)
                          for q, v in s.quantiles.items()},
            "missing": min(max(float(s.missing), 0.0), 1.0)}  # a share: no -2e-16


def _sets(res: Results, of: str, top: int, ess: float | None) -> list[dict[str, Any]]:
    """The ``top`` most frequent sets; the views show the bound of a pruned
    count instead of repeating :meth:`Results.bundles`'s warning."""
    b = bundle_frame(res, top, of)  # under evidence: count in draws of average weight
    if b is None:
        return []
    exact = draws(res) is None  # exact results: no draws to count
    return [{"items": list(r["items"]), "count": None if exact else int(r["count"]),
             "bound": int(r["bound"]),
             "p": float(r.p), "stderr": float(r.stderr), "lo": float(r.lo), "hi": float(r.hi),
             "ess": ess}
            for _, r in b.iterrows()]


def forecast(res: Results, *, top: int = TOP) -> dict[str, Any]:
    """The forecast as plain Python data: what :func:`results_to_json` writes.

    ``top`` is how many of the most frequent sets of pillars (``pillar_sets``)
    and of pillars and clauses (``texts``) to include.
    """
    sc = res.scenario
    out: dict[str, Any] = {"pactsim_forecast": FORMAT_VERSION}
    out["run"] = _run(res)
    ess = effective_sizes(res)
    signing = res.model.signing_index >= 0
    out["questions"] = {
        str(q): {**_text(res, str(q)), "expr": str(r.expr), **_estimate(r, True, ess)}
        for q, r in res.questions().iterrows()}
    marg = res.marginals()
    out["signing"] = None
    if signing:
        cdf = res.signing_cdf(res.key_dates())
        qd = res.signing_quantiles(tuple(_QUANTILES))
        out["signing"] = {
            **_text(res, "signing"), **_estimate(marg.loc["signing"], False, ess),
            "curve": [{"date": day(d), **_estimate(r, False, ess), "why": _why_by(res, day(d))}
                      for d, r in cdf.iterrows()],
            "date_if_signed": {_QUANTILES[level]: None if is_missing(d) else day(d)
                               for level, d in zip(_QUANTILES, qd, strict=True)}}
    out["dated"] = _dated(res, ess[0])
    pillars: dict[str, Any] = {}
    for name, r in marg[marg.kind.isin(["pillar", "clause"])].iterrows():
        entry = {**_text(res, str(name)), **_estimate(r, True, ess), **_outcomes(marg, name,
                                                                                True, ess)}
        if r.kind == "pillar":
            pillars[str(name)] = {**entry, "clauses": {}}
        else:
            pillars[str(r.pillar)]["clauses"][str(name)] = entry
    out["pillars"] = pillars
    out["events"] = {str(name): {**_text(res, str(name)), **_estimate(r, False, ess),
                                 **_outcomes(marg, name, False, ess)}
                     for name, r in marg[marg.kind == "event"].iterrows()}
    out["numeric"] = {
        q: {**_text(res, q), "expr": sc.question_text(q), **_distribution(res.numeric(q))}
        for q, (_, t) in res.model.questions.items() if t != "bool"}
    if getattr(sc, "attributes", None):  # format 3; no key without attributes
        out["attributes"] = {a: {**_attribute_text(res, a), **_distribution(res.numeric(a))}
                             for a in sc.attributes}
    out["drivers"] = None
    if getattr(res, "draws", None) is not None:  # drivers are summarised from the draws
        out["drivers"] = {d: {**_text(res, d), **_distribution(res.numeric(d))}
                          for d in sc.drivers}
    for key, of in (("pillar_sets", "pillars"), ("texts", "all")):
        try:
            out[key] = _sets(res, of, top, ess[0])
        except ModelTooWideError:  # exact only: the joint law of the sets' members
            out[key] = None
    return out


def _run(res: Results) -> dict[str, Any]:
    """Provenance (the JSON's ``run``): of a Monte Carlo run, or of exact inference
    (``method`` ``"exact"``: no ``n``, ``seed`` or ``ess``, and its ``quadrature_error``)."""
    sc = res.scenario
    info = getattr(res, "info", None)
    if info is None:  # exact results
        from pactsim._version import __version__

        found = getattr(res, "evidence", None) or []
        return {
            "scenario_id": sc.id, "scenario_title": sc.title, "digest": res.model.digest,
            "as_of": str(sc.as_of), "news_to": news_to(res), "horizon": str(sc.horizon),
            "method": "exact", "n": None, "seed": None, "spawn_key": [],
            "version": __version__,
            "evidence": {"text": findings_text(found), "findings": [_finding(f) for f in found]}
            if found else None,
            "given": None, "n_run": None, "ess": None,
            "quadrature_error": float(res.quadrature_error)}  # type: ignore[attr-defined]
    return {
        "scenario_id": info.scenario_id, "scenario_title": sc.title, "digest": info.digest,
        "as_of": str(sc.as_of), "news_to": news_to(res), "horizon": str(sc.horizon),
        "method": "monte carlo",
        "n": info.n, "seed": info.seed, "spawn_key": list(info.spawn_key),
        "version": info.version, "evidence": _evidence(res), "given": info.given,
        "n_run": info.n_run, "ess": float(info.ess if info.ess is not None else info.n)}


def _outcomes(marg: pd.DataFrame, name: Any, given_signed: bool,
              ess: tuple[float | None, float | None]) -> dict[str, Any]:
    """``{"outcomes": {outcome: estimate}}`` for a categorical node (its outcome rows
    of the marginals, ``absent`` first when possible), ``{}`` for any other node."""
    if "of" not in marg.columns:
        return {}
    rows = marg[marg["of"] == name]
    if not len(rows):
        return {}
    return {"outcomes": {str(r.outcome): _estimate(r, given_signed, ess)
                         for _, r in rows.iterrows()}}


def _dated(res: Results, ess: float | None) -> dict[str, Any]:
    """Every dated node (signing first, then file order): its chance by the
    horizon, the curve at the key dates with bands, and its date if it happens."""
    dates = res.key_dates()
    tl = timeline_frame(res)
    out: dict[str, Any] = {}
    for name in dated_nodes(res):
        row = tl.loc[name]
        view = res.scenario.nodes.get(name)
        after = getattr(view.spec, "after", None) if view is not None else None
        qd = date_quantiles(res, name, DATE_LEVELS)
        out[name] = {
            **_text(res, name), "kind": str(row.kind), "timing": str(row.timing),
            "after": None if after is None else list(after.names),
            **_estimate(row, False, (ess, None)),
            "curve": [{"date": day(d), **_estimate(r, False, (ess, None)),
                       "why": _why_by(res, day(d), name)}
                      for d, r in date_cdf(res, name, dates).iterrows()],
            "date_if_happens": {_QUANTILES[level]: None if is_missing(d) else day(d)
                                for level, d in zip(DATE_LEVELS, qd, strict=True)}}
    return out


def results_to_json(res: Results, *, top: int = TOP) -> str:
    """The forecast as JSON (see the module's description and
    :func:`~pactsim.views.forecast_schema.forecast_schema`). Floats are
    written so that they read back exactly."""
    return json.dumps(forecast(res, top=top), indent=2, ensure_ascii=False,
                      allow_nan=False) + "\n"


def _rows(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One row per number of :func:`forecast`'s data, without provenance; a
    number that does not exist (``null`` in the JSON) has no row."""

    def estimate(section: str, name: str, kind: str, e: dict[str, Any],
                 **about: Any) -> Iterator[dict[str, Any]]:
        base = {"section": section, "name": name, "kind": kind, "label": e.get("label"),
                "why": e.get("why"), **about}
        yield {**base, "statistic": "p", "value": e["p"], "stderr": e["stderr"],
               "lo": e["lo"], "hi": e["hi"], "ess": e["ess"]}
        if "p_given_signed" in e:
            yield {**base, "statistic": "p_given_signed", "value": e["p_given_signed"],
                   "stderr": e["stderr_given_signed"], "ess": e["ess_given_signed"]}

    def distribution(section: str, name: str, kind: str, d: dict[str, Any],
                     **about: Any) -> Iterator[dict[str, Any]]:
        base = {"section": section, "name": name, "kind": kind, "label": d.get("label"),
                "why": d.get("why"), **about}
        where = "date" if d["kind"] == "date" else "value"
        yield {**base, "statistic": "mean", where: d["mean"], "stderr": d["stderr"]}
        yield {**base, "statistic": "sd", "value": d["sd"]}
        for q, v in d["quantiles"].items():
            yield {**base, "statistic": q, where: v}
        yield {**base, "statistic": "missing", "value": d["missing"]}

    for f in (data["run"]["evidence"] or {}).get("findings", []):
        r = f["likelihood_ratio"]
        yield {"section": "evidence", "name": f["expr"], "expr": f["expr"],
               "statistic": "hard" if r is None else "likelihood_ratio", "value": r,
               "date": f["date"], "source": f["source"]}
    for q, e in data["questions"].items():
        yield from estimate("questions", q, "question", e, expr=e["expr"])
    if data["signing"] is not None:
        s = data["signing"]
        yield from estimate("signing", "signing", "signing", s)
        for point in s["curve"]:
            yield {"section": "signing", "name": "signing", "kind": "signing",
                   "statistic": "p_by", "date": point["date"], "value": point["p"],
                   "stderr": point["stderr"], "lo": point["lo"], "hi": point["hi"],
                   "ess": point["ess"], "label": s["label"], "why": point["why"]}
        for q, d in s["date_if_signed"].items():
            yield {"section": "signing", "name": "signing", "kind": "signing",
                   "statistic": q, "date": d}
    for name, e in data["dated"].items():
        yield from estimate("dated", name, e["kind"], e)
        for point in e["curve"]:
            yield {"section": "dated", "name": name, "kind": e["kind"], "statistic": "p_by",
                   "date": point["date"], "value": point["p"], "stderr": point["stderr"],
                   "lo": point["lo"], "hi": point["hi"], "ess": point["ess"],
                   "label": e["label"], "why": point["why"]}
        for q, d in e["date_if_happens"].items():
            yield {"section": "dated", "name": name, "kind": e["kind"], "statistic": q,
                   "date": d, "label": e["label"]}
    def outcomes(section: str, name: str, e: dict[str, Any],
                 **about: Any) -> Iterator[dict[str, Any]]:
        for x, oe in e.get("outcomes", {}).items():
            yield from estimate(section, f"{name}={x}", "outcome", oe, **about)

    for p, e in data["pillars"].items():
        yield from estimate("pillars", p, "pillar", e)
        yield from outcomes("pillars", p, e)
        for c, ce in e["clauses"].items():
            yield from estimate("pillars", c, "clause", ce, pillar=p)
            yield from outcomes("pillars", c, ce, pillar=p)
    for name, e in data["events"].items():
        yield from estimate("events", name, "event", e)
        yield from outcomes("events", name, e)
    for q, d in data["numeric"].items():
        yield from distribution("numeric", q, "question", d, expr=d["expr"])
    for name, d in data.get("attributes", {}).items():
        yield from distribution("attributes", name, "attribute", d)
    for name, d in (data["drivers"] or {}).items():
        yield from distribution("drivers", name, "driver", d)
    for section in ("pillar_sets", "texts"):
        for b in data[section] or ():
            yield {"section": section, "name": " + ".join(b["items"]) or "(nothing)",
                   "statistic": "p", "value": b["p"], "stderr": b["stderr"], "lo": b["lo"],
                   "hi": b["hi"], "ess": b["ess"], "count": b["count"], "bound": b["bound"]}


#: First characters that make a spreadsheet read a cell as a formula (CWE-1236).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(table: pd.DataFrame) -> str:
    """``table`` as CSV for a spreadsheet: a text cell that would start a formula (``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return: a title such as
    ``=HYPERLINK(...)`` from a shared scenario file) gets a leading ``'``, which
    spreadsheets show as text; numbers are written as they are. A carriage return in a
    text (``"Iran\\rRussia"`` in a title) is written as a line break, inside quotes as
    any line break is: left bare it ended the row for ``pandas.read_csv``."""
    safe = table.copy()
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col].dtype):
            safe[col] = [_cell(v) if isinstance(v, str) else v for v in safe[col]]
    return str(safe.to_csv(index=False))


def _cell(v: str) -> str:
    if v.startswith(_FORMULA_START):
        v = "'" + v
    return v.replace("\r\n", "\n").replace("\r", "\n") if "\r" in v else v


def results_to_table(res: Results, *, top: int = TOP) -> pd.DataFrame:
    """The forecast as one long table, one number per row (what ``--format
    csv`` writes, through :func:`csv_text`); columns :data:`COLUMNS`, described
    in the module's description."""
    data = forecast(res, top=top)
    run = data["run"]
    rows = [r for r in _rows(data) if r.get("value") is not None or r.get("date") is not None
            or r["section"] == "evidence"]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["scenario_id"] = run["scenario_id"]
    frame["scenario_title"] = run["scenario_title"]
    frame["digest"] = run["digest"]
    frame["seed"] = pd.Series([run["seed"]] * len(frame), dtype=object)
    frame["spawn_key"] = " ".join(map(str, run["spawn_key"]))
    frame["n"] = run["n"]
    frame["version"] = run["version"]
    frame["evidence"] = (run["evidence"] or {}).get("text")
    frame["given"] = run["given"]
    frame["n_run"] = pd.Series([run["n_run"]] * len(frame), dtype="Int64")
    frame["method"] = run["method"]
    for col in ("as_of", "horizon", "news_to"):
        frame[col] = pd.Series([run[col]] * len(frame), dtype=object)
    for col in ("count", "bound"):
        frame[col] = frame[col].astype("Int64")
    for col in ("value", "stderr", "lo", "hi", "ess"):
        frame[col] = pd.to_numeric(frame[col]).astype("float64")
    return frame
