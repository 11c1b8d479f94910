"""Exceptions and warnings raised by pactsim.

Every exception pactsim raises on purpose derives from :class:`PactsimError`.
Errors caused by what a user wrote also derive from the builtin a user would
naturally catch (``ValueError``), so ``except ValueError`` keeps working.

Scenario problems are collected, not raised one by one: a
:class:`ScenarioError` carries *every* :class:`Problem` found in a file, each
located at ``FILE:LINE:COLUMN`` with the dotted field path it concerns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "ConditionError",
    "ModelTooWideError",
    "PactsimError",
    "PactsimWarning",
    "Problem",
    "ScenarioError",
    "did_you_mean",
]


class PactsimError(Exception):
    """Root of every exception pactsim raises on purpose."""


class PactsimWarning(UserWarning):
    """Root of pactsim's warnings (tests turn these into errors)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One located problem in a scenario file.

    Attributes
    ----------
    message:
        What is wrong, the rule, and a fix, e.g.
        ``"= 1.3 must be in [0, 1] (a probability; write 1.0 or less)"``.
    field:
        Dotted path of the field concerned, e.g. ``"pillars.military.p"``;
        ``""`` for the document itself.
    path:
        The file name (or the ``name=`` given to :func:`pactsim.loads`).
    line, column:
        1-based position of the offending text, when known.
    value:
        The offending value, when there is one.
    """

    message: str
    field: str = ""
    path: str | None = None
    line: int | None = None
    column: int | None = None
    value: object = None

    def __str__(self) -> str:
        if self.path is None and self.line is None:  # not from a file: no location to give
            return f"{self.field}: {self.message}" if self.field else self.message
        where = self.path or "<scenario>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


class ScenarioError(PactsimError, ValueError):
    """A scenario file (or text, or expression) is invalid.

    Usual causes: a probability outside [0, 1]; an unknown or misspelt node
    name; a name used twice; a dependency cycle; an incomplete ``table``;
    malformed YAML; a bad expression in ``questions``.

    The error carries every problem found, in file order, as ``problems``; the
    attributes ``path``, ``line``, ``column`` and ``field`` are those of the
    first problem. ``str(err)`` is one ``FILE:LINE:COL: field: message`` line
    per problem.
    """

    problems: tuple[Problem, ...]

    def __init__(self, problems: Problem | Sequence[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        if not problems:
            raise ValueError("ScenarioError needs at least one problem")
        self.problems = tuple(_sorted(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def path(self) -> str | None:
        return self.problems[0].path

    @property
    def line(self) -> int | None:
        return self.problems[0].line

    @property
    def column(self) -> int | None:
        return self.problems[0].column

    @property
    def field(self) -> str:
        return self.problems[0].field

    @property
    def value(self) -> object:
        return self.problems[0].value


class ConditionError(PactsimError, ValueError):
    """A conditional probability was asked on a condition that never occurred.

    Usual causes: ``given=`` names an event the scenario makes impossible, or
    too few draws were made to see it. Simulate more draws, or check the
    condition with :meth:`Results.prob` first.
    """


class ModelTooWideError(PactsimError, ValueError):
    """Exact inference would need a table too large to hold in memory.

    Usual causes: many nodes that all depend on each other (a wide clique), or a
    question that mentions very many nodes at once. Use Monte Carlo
    (:func:`pactsim.simulate`) for this model, or simplify it.
    """

    def __init__(self, message: str, *, width: int) -> None:
        super().__init__(message)
        self.width = width


def _sorted(problems: Iterable[Problem]) -> list[Problem]:
    def key(p: Problem) -> tuple[str, int, int]:
        return (p.path or "", p.line or 0, p.column or 0)

    return sorted(problems, key=key)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest candidate, or ``""``."""
    import difflib

    matches = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return f"; did you mean '{matches[0]}'?" if matches else ""
