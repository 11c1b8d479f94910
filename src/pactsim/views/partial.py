"""Exact results read part by part: what exact inference computes is shown, what it
refuses (a joint law too wide, most often under wide evidence) is said, with why and
what to run instead. The report (:mod:`pactsim.views.report`) and the notebook display
(:func:`pactsim.views.display.results_html`) both read exact results through
:class:`Partial` when asking everything at once fails.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from pactsim.errors import (
    ConditionError,
    ExactUnsupportedError,
    ModelTooWideError,
    PactsimError,
)
from pactsim.views import display as _d
from pactsim.views.display import escape
from pactsim.views.refusals import refused

if TYPE_CHECKING:
    import pandas as pd

    from pactsim.results.estimate import Estimate
    from pactsim.results.summary import NumericSummary
    from pactsim.views.display import ResultsLike

__all__ = ["NOT_EXACT", "Partial", "extra_evidence"]


#: What exact inference refuses for one answer while answering the rest: a joint law
#: too wide (under evidence whose variables enter every joint law, most often), or a
#: form it does not handle. The page then shows what it can and says what it cannot.
NOT_EXACT = (ModelTooWideError, ExactUnsupportedError)


class Partial:
    """The results as the page reads them, and what exact inference could not give.

    A question or numeric question that exact inference refuses (:data:`NOT_EXACT`)
    reads as missing (NaN: "—" in the tables) instead of failing the page; its reason
    is kept in ``missing``. ``gaps`` lists each part of the page not computed (in the
    order met) with its reason, for the note under the headline. Every other name is
    the results' own."""

    def __init__(self, res: ResultsLike) -> None:
        self.res = res
        self.gaps: dict[str, PactsimError] = {}
        self.missing: dict[str, PactsimError] = {}  # question -> why it is "—"
        self.missing_signed: dict[str, PactsimError] = {}  # P(question | signed) likewise
        self._questions: pd.DataFrame | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.res, name)

    @property
    def scenario(self) -> Any:
        return self.res.scenario

    def prob(self, expr: str, given: str | None = None) -> Estimate:
        return self.res.prob(expr, given)

    def marginals(self) -> pd.DataFrame:
        return self.res.marginals()

    def signing_cdf(self, dates: Sequence[Any] | None = None) -> pd.DataFrame:
        return self.res.signing_cdf(dates)

    def questions(self) -> pd.DataFrame:
        """``res.questions()``, or, where exact inference refuses some question, the
        same frame asked one question at a time, NaN for each it refuses."""
        if self._questions is None:
            try:
                self._questions = self.res.questions()
            except NOT_EXACT as err:
                refused(err)
                self._questions = self._one_by_one()
        return self._questions

    def _one_by_one(self) -> pd.DataFrame:
        from pactsim.results.estimate import Estimate
        from pactsim.results.summary import questions_frame

        res: Any = self.res
        none = Estimate(math.nan, math.nan, math.nan, math.nan)

        def question(name: str) -> Estimate:
            try:
                return res.prob(name)  # type: ignore[no-any-return]
            except NOT_EXACT as err:
                refused(err)
                self.missing[name] = err
                return none

        def given_signed(name: str) -> Estimate | None:
            if name in self.missing or not _d.has_signing(res):
                return None
            try:
                return res.prob(name, given="signing")  # type: ignore[no-any-return]
            except ConditionError:  # never signed: no P(yes | signed)
                return None
            except NOT_EXACT as err:
                refused(err)
                self.missing_signed[name] = err
                return None

        out = questions_frame(res.scenario, res.model, question, given_signed)
        if gone := [*self.missing.values(), *self.missing_signed.values()]:
            self.gaps.setdefault(_d._count_of(len(self.missing) + len(self.missing_signed),
                                        "question"), gone[0])
        return out

    def numeric(self, name: str) -> NumericSummary:
        """``res.numeric(name)``, or an empty summary (NaN) where exact inference refuses
        it, the reason kept in ``missing``."""
        from pactsim.results.summary import NumericSummary

        try:
            out: NumericSummary = self.res.numeric(name)  # type: ignore[attr-defined]
        except NOT_EXACT as err:
            refused(err)
            self.missing[name] = err
            kind = self.res.model.questions.get(name, (None, "number"))[1]  # type: ignore[attr-defined]
            return NumericSummary(name, kind, math.nan, math.nan, math.nan, {}, None, math.nan)
        return out

    def section(self, what: str, head: str, build: Callable[[], str]) -> str:
        """``build()``, or ``head`` and a note that ``what`` could not be computed exactly."""
        try:
            return build()
        except NOT_EXACT as err:
            refused(err)
            self.gaps.setdefault(what, err)
            return head + self.note(what, err)

    def _evidence(self) -> bool:
        return bool(getattr(self.res, "evidence", None))

    def monte_carlo_call(self) -> str:
        """The Monte Carlo call that answers what exact inference could not (the
        file's own observations need no ``evidence=``: simulate conditions on them)."""
        what = "scenario, evidence=..." if extra_evidence(self.res) else "scenario"
        return f"<code>pactsim.simulate({what})</code>"

    def note(self, what: str, *errors: PactsimError) -> str:
        """The note of a part (or parts) exact inference could not give: which, why
        (``errors``: each one's), what to do instead."""
        them = len(errors) > 1
        wide = [e.width for e in errors if isinstance(e, ModelTooWideError)]
        if wide:
            limit = getattr(self.res, "max_table", None)
            least = "" if min(wide) == max(wide) else "at least "
            why = (("Under this evidence " if self._evidence() else "")
                   + ("each" if them else "it") + f" needs a table over {least}{min(wide)} "
                   "variables at once, above max_table"
                   + (f" ({limit:,} entries)" if isinstance(limit, int) else ""))
        else:
            why = "Exact inference does not handle " + ("them" if them else "it")
        return (f'<p class="empty">Not computed exactly: {escape(what)}. {escape(why[0].upper())}'
                f"{escape(why[1:])}. Monte Carlo estimates {'them' if them else 'it'}: "
                f"{self.monte_carlo_call()}, whose report has every section.</p>")

    def summary(self) -> str:
        """The note under the headline: every part not computed exactly, or ""."""
        if not self.gaps:
            return ""
        return ('<p class="empty">Not computed exactly'
                + (" under this evidence" if self._evidence() else "")
                + f": {escape(', '.join(self.gaps))} (each section below says which and why)."
                f" Monte Carlo estimates them all: {self.monte_carlo_call()}.</p>")


def extra_evidence(res: ResultsLike) -> str | None:
    """The evidence the results are conditioned on beyond the file's observations
    (``simulate(..., evidence=)``, ``exact(..., evidence=)``, ``Results.given``), as
    text, or ``None``. What drives it analyses the scenario as written, without it."""
    from pactsim.inference.weighting import findings_text

    info = getattr(res, "info", None)
    found = getattr(res, "evidence", None) if info is None else None
    text = getattr(info, "evidence", None) if info is not None else (
        findings_text(found) if found else None)
    own = findings_text(res.scenario.findings())
    extra = [t for t in (text, getattr(info, "given", None)) if t]
    if extra and own and extra[0] == own:
        extra.pop(0)
    elif extra and own and extra[0].startswith(own + "; "):
        extra[0] = extra[0][len(own) + 2:]
    return "; ".join(extra) or None
