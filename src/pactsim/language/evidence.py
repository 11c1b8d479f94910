"""Evidence: what has been learnt since the priors were written (issue 11, item 1).

One shape for every way evidence arrives, so Monte Carlo
(``simulate(..., evidence=)``, ``res.given(...)``), exact inference
(``exact(..., evidence=)``) and the ``observations:`` section of a scenario
file all mean the same thing by it.

A :class:`Finding` is a true/false expression in the scenario language and,
optionally, a likelihood ratio:

=====================================================  ==========================================
finding                                                meaning
=====================================================  ==========================================
``Finding("mutual_defence")``                          hard: the text has a defence article
``Finding("not signing.date <= 2024-12-01")``          hard: not signed by 1 December 2024
                                                       (signed later, or not by the horizon)
``Finding("ratified_ru.date == 2025-04-21")``          hard: ratified on that day
``Finding("signing.date >= 2025-01-10 and``            hard: signed between two dates
``signing.date <= 2025-01-20")``
``Finding("drones_missiles", likelihood_ratio=3)``     soft: the news is 3 times as likely if
                                                       ``drones_missiles`` holds as if it does not
=====================================================  ==========================================

Hard evidence restricts the world to the draws (or configurations) where the
expression holds. Soft evidence reweights: a world where the expression holds
gets weight ``likelihood_ratio``, one where it does not gets 1, so

.. math:: P(Q \\mid \\text{news}) = \\frac{r\\,P(Q, E) + P(Q, \\neg E)}{r\\,P(E) + P(\\neg E)}.

Several findings combine as independent pieces of news: hard ones by ``and``,
soft ones by multiplying their weights.

:func:`as_findings` accepts what users naturally write::

    "not signing.date <= 2024-12-01"                 # one hard expression
    {"mutual_defence": True, "sanctions": False}       # node -> True/False
    {"ratified_ru": dt.date(2025, 4, 21)}              # dated node -> its day
    {"ratified_ru": "2025-04-21"}                      # (an ISO date as text too)
    {"instc": "named"}                                 # categorical node -> its outcome
    {"instc": {"generic", "named"}}                    # ... or one of these outcomes
    pactsim.soft("drones_missiles", 3.0)               # a soft finding
    ["mutual_defence", pactsim.soft("x", 0.5)]         # any list of the above
"""

from __future__ import annotations

import datetime as dt
import math
import re
import reprlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pactsim.errors import ArgumentError, ArgumentTypeError, ConditionError, printable
from pactsim.language.dates import iso_date

if TYPE_CHECKING:
    from pactsim.language.scenario import Scenario

__all__ = [
    "MAX_FINDINGS",
    "Finding",
    "as_findings",
    "at_entry",
    "at_observation",
    "evidence_for",
    "hard_text",
    "named_entry",
    "observation_date",
    "soft",
    "soft_findings",
]

MAX_FINDINGS = 1_000  #: most findings accepted at once (observations included)


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of evidence.

    Attributes
    ----------
    expr:
        A true/false expression in the scenario language (node names,
        ``x.date`` comparisons, ``and``/``or``/``not``, questions' names).
    likelihood_ratio:
        ``None`` for hard evidence (``expr`` holds). Otherwise soft evidence:
        how many times likelier the news is if ``expr`` holds than if it does
        not; a finite number > 0 (1 means the news says nothing).
    date:
        When it was learnt (``observations:`` entries; ``None`` otherwise).
    source:
        Where it was learnt (free text; ``None`` when not given).
    """

    expr: str
    likelihood_ratio: float | None = None
    date: dt.date | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.expr, str) or not self.expr.strip():
            raise ArgumentError(printable(
                f"evidence: {self.expr!r} is not an expression (write e.g. "
                "'mutual_defence' or 'not signing.date <= 2024-12-01')"))
        r = self.likelihood_ratio
        if r is not None:
            if isinstance(r, bool) or not isinstance(r, (int, float)):
                raise ArgumentTypeError(printable(
                    f"evidence {self.expr!r}: likelihood_ratio = {r!r} is not a number"))
            if not (math.isfinite(r) and r > 0):
                raise ArgumentError(printable(
                    f"evidence {self.expr!r}: likelihood_ratio = {r!r} must be a finite "
                    "number > 0 (for evidence that rules a case out, use hard evidence)"))

    @property
    def hard(self) -> bool:
        """True for hard evidence (no likelihood ratio)."""
        return self.likelihood_ratio is None


def soft(expr: str, likelihood_ratio: float) -> Finding:
    """Soft evidence: news ``likelihood_ratio`` times as likely if ``expr`` holds.

    >>> soft("drones_missiles", 3)
    Finding(expr='drones_missiles', likelihood_ratio=3, date=None, source=None)
    """
    return Finding(expr, likelihood_ratio)


#: A node's name (a mapping key) or an outcome's (format 3: a mapping value); the
#: pattern of ``NAME_PATTERN`` in :mod:`pactsim.language.scenario`.
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _outcomes(v: object) -> list[str] | None:
    """``v`` as outcome names: one name, or a set/list/tuple of them; else ``None``."""
    items = [v] if isinstance(v, str) else sorted(v) if isinstance(v, set | frozenset) \
        else list(v) if isinstance(v, list | tuple) else None
    if not items or not all(isinstance(x, str) and _NAME.match(x.strip()) for x in items):
        return None
    return [str(x).strip() for x in items]


def _from_mapping(value: Mapping[object, object]) -> list[Finding]:
    out: list[Finding] = []
    for name, v in value.items():
        if not isinstance(name, str):
            raise ArgumentTypeError(printable(
                f"evidence: key {name!r} is not a node name (a string)"))
        if not _NAME.match(name.strip()):
            # (review-api27: {"military or energy": False} read as 'not military or energy')
            dated = re.fullmatch(r"\s*([a-z][a-z0-9_]*)\.date\s*", name)
            hint = (f"write {{'{dated.group(1)}': ...}} with a date, or the expression "
                    f"'{dated.group(1)}.date == YYYY-MM-DD'" if dated else
                    "write the expression itself, e.g. 'not (military or energy)'")
            raise ArgumentError(printable(
                f"evidence: key {name!r} is not a node name: a mapping takes node names to "
                f"True/False, outcomes or dates; {hint}"))
        name = name.strip()
        if isinstance(v, bool | np.bool_):  # (numpy's too: a column's value; review-api27)
            out.append(Finding(name if v else f"not {name}"))
        elif (day := iso_date(v.strip() if isinstance(v, str) else v)) is not None:
            out.append(Finding(f"{name}.date == {day.isoformat()}"))
        elif (levels := _outcomes(v)) is not None:  # a categorical node's outcome(s)
            out.append(Finding(f"{name} == {levels[0]}" if len(levels) == 1 else
                               f"in({name}, {', '.join(levels)})"))
        else:
            raise ArgumentTypeError(printable(
                f"evidence: {name} = {v!r}: give True/False for a node, an outcome (or a "
                "set of outcomes) for a categorical node, or a date "
                "(datetime.date or 'YYYY-MM-DD') for the day a dated node happened; for "
                "anything else "
                "write an expression, or pactsim.soft(expr, ratio) for soft evidence"))
    return out


def as_findings(value: object) -> tuple[Finding, ...]:
    """Normalise evidence as users write it (see the module docstring) into findings.

    ``None`` gives no findings. Names are not checked here: the engine that
    uses the findings compiles each expression against its scenario, so an
    unknown name is reported with a did-you-mean there.

    Raises
    ------
    ArgumentTypeError
        For a value of a kind evidence cannot be (a number, a set…).
    ArgumentError
        For an empty expression, a bad likelihood ratio, or more than
        :data:`MAX_FINDINGS` findings.
    """
    if value is None:
        return ()
    if isinstance(value, (str, Finding)):
        items: list[object] = [value]
    elif isinstance(value, Mapping):
        items = [value]
    elif isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        if len(value) > MAX_FINDINGS:
            raise ArgumentError(f"evidence: {len(value):,} findings; at most {MAX_FINDINGS:,}")
        items = list(value)
    else:
        raise ArgumentTypeError(printable(
            f"evidence = {value!r} ({type(value).__name__}): give an expression, a mapping "
            "of node names to True/False or dates, pactsim.soft(expr, ratio), or a list "
            "of these"))
    out: list[Finding] = []
    for item in items:
        if isinstance(item, Finding):
            out.append(item)
        elif isinstance(item, str):
            out.append(Finding(item))
        elif isinstance(item, Mapping):
            out.extend(_from_mapping(item))
        else:
            raise ArgumentTypeError(printable(
                f"evidence item {reprlib.repr(item)} ({type(item).__name__}): give an "
                "expression, a "
                "mapping of node names to True/False or dates, or pactsim.soft(expr, ratio)"))
        if len(out) > MAX_FINDINGS:
            raise ArgumentError(f"evidence: more than {MAX_FINDINGS:,} findings")
    return tuple(out)


def hard_text(findings: Sequence[Finding]) -> str | None:
    """The hard findings as one expression (``(a) and (b)``), or ``None`` if none."""
    hard = [f.expr.strip() for f in findings if f.hard]
    if not hard:
        return None
    if len(hard) == 1:
        return hard[0]
    return " and ".join(f"({h})" for h in hard)


def soft_findings(findings: Sequence[Finding]) -> list[tuple[str, float]]:
    """The soft findings as ``(expr, likelihood_ratio)`` pairs, those with ratio 1 dropped."""
    return [(f.expr.strip(), float(f.likelihood_ratio)) for f in findings
            if f.likelihood_ratio is not None and f.likelihood_ratio != 1]


def observation_date(value: object, name: str = "as_of") -> dt.date:
    """A date given as ``datetime.date`` or ISO text (``"2024-12-01"``), for arguments."""
    day = iso_date(value.strip() if isinstance(value, str) else value)
    if day is not None:
        return day
    if isinstance(value, str):
        raise ArgumentError(printable(f"{name} = {value!r} is not a date (YYYY-MM-DD)"))
    raise ArgumentTypeError(printable(
        f"{name} = {value!r} ({type(value).__name__}) is not a date; give a datetime.date "
        "or text such as '2024-12-01'"))


def at_observation(scenario: Scenario, err: ConditionError, observations: bool = True
                   ) -> ConditionError:
    """``err`` (evidence refused as impossible or unusable, naming its findings as
    ``evidence 'expr'``) located at the latest of the file's ``observations:`` entries
    it names (in date order: with those before it, the one that made it impossible):
    ``file:line:col: observations[i].evidence: ...``; ``err`` itself when it names
    none of them (evidence passed in code), or with ``observations=False`` (the
    run did not read them). It reads the ``evidence 'expr'`` head that the refusals
    of :mod:`pactsim.inference.weighting` and :mod:`pactsim.results.exact_evidence`
    write; a message of another form is returned as it is."""
    if not observations:
        return err
    text = str(err)
    i = named_entry(scenario, text)
    return at_entry(scenario, i, text) or err if i is not None else err


def named_entry(scenario: Scenario, text: str, upto: dt.date | None = None) -> int | None:
    """The index of the latest of the file's ``observations:`` entries (dated on or
    before ``upto``, if given) that the refusal ``text`` names in its ``evidence 'expr'``
    head: with those before it, the one that made the news impossible (``run``,
    ``check``'s impossible-news and history point at it); ``None`` when it names none."""
    head = text.split(":", 1)[0]
    named = [i for i, o in enumerate(scenario.observations)
             if (upto is None or o.date <= upto) and repr(o.evidence) in head]
    return max(named, key=lambda i: (scenario.observations[i].date, i)) if named else None


def at_entry(scenario: Scenario, i: int, text: str) -> ConditionError | None:
    """``text`` located at the file's ``observations[i]`` entry: ``file:line:col:
    observations[i].evidence: text`` (``None`` when the scenario has no positions, as
    one built in code)."""
    name, line, col = scenario.locate(("observations", i, "evidence"))
    if name is None or line is None:
        return None
    where = f"{name}:{line}:{col}:" if col is not None else f"{name}:{line}:"
    return ConditionError(f"{where} observations[{i}].evidence: {text}")


def evidence_for(scenario: Scenario, evidence: object = None, *,
                 observations: bool = True) -> tuple[Finding, ...]:
    """Everything a forecast of ``scenario`` is conditioned on: the file's
    ``observations:`` (all of them, in date order), then ``evidence`` as
    :func:`as_findings` reads it.

    A scenario file's forecast is its forecast *as of its latest observation*:
    ``simulate(sc, ...)`` and ``exact(sc)`` condition on the observations by
    default, and ``evidence=`` adds to them. ``observations=False`` gives
    ``evidence`` alone (the priors, updated only on what is passed);
    :func:`pactsim.history` gives the forecast as of every observation date.

    Raises
    ------
    ArgumentError
        When the two together exceed :data:`MAX_FINDINGS`, or as :func:`as_findings`.

    Examples
    --------
    >>> import pactsim
    >>> sc = pactsim.loads("pactsim: 2\\nid: x\\nas_of: 2024-01-01\\nhorizon: 2024-12-31\\n"
    ...                    "events:\\n  rain: {p: 0.3}\\n  wind: {p: 0.5}\\nobservations:\\n"
    ...                    "  - {date: 2024-03-01, source: radio, evidence: rain}\\n")
    >>> [f.expr for f in evidence_for(sc, soft("wind", 2))]
    ['rain', 'wind']
    >>> evidence_for(sc, observations=False)
    ()
    """
    extra = as_findings(evidence)
    own = scenario.findings() if observations else ()
    if len(own) + len(extra) > MAX_FINDINGS:
        raise ArgumentError(f"evidence: {len(own):,} observations and {len(extra):,} findings "
                            f"passed; at most {MAX_FINDINGS:,} in all")
    return (*own, *extra)
