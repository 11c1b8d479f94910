"""Exceptions and warnings raised by pactsim.

Every exception pactsim raises on purpose derives from :class:`PactsimError`.
Errors caused by what a user wrote also derive from the builtin a user would
naturally catch (``ValueError``), so ``except ValueError`` keeps working.

Scenario problems are collected, not raised one by one: a
:class:`ScenarioError` carries *every* :class:`Problem` found in a file, each
located at ``FILE:LINE:COLUMN`` with the dotted field path it concerns.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "ArgumentError",
    "ArgumentTypeError",
    "ConditionError",
    "ExactUnsupportedError",
    "ExecutionError",
    "FrozenError",
    "ModelTooWideError",
    "PactsimError",
    "PactsimWarning",
    "Problem",
    "ScenarioError",
    "Suggestions",
    "did_you_mean",
    "one_slip",
    "outside_pactsim",
    "printable",
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
        The offending value as the file wrote it: the value at the problem (a
        scalar, or a list or mapping where a value of another kind was expected),
        the key at fault (an unknown field, a bad name), or an expression's text;
        ``None`` where nothing is written (a missing field) or the problem is about
        a whole node or section (a cycle, a table's missing rows).
    """

    message: str
    field: str = ""
    path: str | None = None
    line: int | None = None
    column: int | None = None
    value: object = None

    def __str__(self) -> str:
        # printable(): names from the file may hold terminal escapes; never echo them raw
        if self.path is None and self.line is None:  # not from a file: no location to give
            return elided(printable(f"{self.field}: {self.message}" if self.field
                                    else self.message))
        where = self.path or "<scenario>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.field:
            return elided(printable(f"{where}: {self.field}: {self.message}"))
        return elided(printable(f"{where}: {self.message}"))


#: Characters of one problem's line shown at most; a longer one (a 10,000-character
#: expression or name echoed back) keeps its start and end around a count of what is
#: left out.
MAX_SHOWN = 600


def elided(text: str, limit: int = MAX_SHOWN) -> str:
    """`text`, or when longer than `limit` its first two thirds and last third of
    `limit` around ``… [N characters left out] …``.

    Examples
    --------
    >>> elided("short")
    'short'
    >>> elided("a" * 50 + "b" * 50, limit=30)
    'aaaaaaaaaaaaaaaaaaaa … [70 characters left out] … bbbbbbbbbb'
    """
    if len(text) <= limit:
        return text
    head, tail = 2 * limit // 3, limit // 3
    return f"{text[:head]} … [{len(text) - head - tail:,} characters left out] … {text[-tail:]}"


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

    def __reduce__(self) -> tuple[object, ...]:
        # pickled with its problems (the worker of an executor sends it back whole)
        return (type(self), (list(self.problems),), self.__dict__)

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

    def __reduce__(self) -> tuple[object, ...]:
        # pickled with its width (the worker of an executor sends it back whole)
        return (_rebuild_too_wide, (type(self), self.args[0], self.width), self.__dict__)


class ExactUnsupportedError(PactsimError, ValueError):
    """Exact inference cannot answer this question (Monte Carlo can).

    Usual causes: milestones exact inference cannot combine (anchors timed by
    different curves, a milestone that reads a milestone after the same
    curve-timed node that it follows or shares an anchor with, anchors that
    share milestones along separate chains with no one milestone whose day makes
    them independent; the message names them), an
    expression that compares two drivers (``d1 > d2``), or a driver with
    something other than a number. Use :func:`pactsim.simulate`.
    """


class ArgumentError(PactsimError, ValueError):
    """A function was called with a value it cannot use.

    Usual causes: ``n=0`` draws, a negative ``top=``, a probability level outside
    (0, 1), a date after the scenario's horizon. The message names the argument,
    the value and the accepted range.
    """


class ArgumentTypeError(PactsimError, TypeError):
    """A function was called with an argument of the wrong type.

    Usual causes: ``seed="7"`` (a string for an integer), ``n=1.5``,
    ``prob(None)``. The message names the argument and the types accepted.
    """


class FrozenError(PactsimError, TypeError):
    """A scenario, or a part of one, was changed in place.

    Scenarios are frozen: a forecast, its digest and its compiled model are worked
    out from the values once, and an edit in place would reach some of them and not
    others. The message names what was changed; make a changed copy with
    ``sc.with_changes({"name.field": value})``, which is validated.
    """


class ExecutionError(PactsimError, RuntimeError):
    """A chunk of a run failed on an executor or a worker process.

    Usual causes: a worker process was killed (out of memory, or by a signal),
    or the executor refused the task. The message names the chunk; the
    original exception is chained as ``__cause__``. The run was cancelled.
    """


def refused_in(err: ModelTooWideError | ExactUnsupportedError, where: str
               ) -> ModelTooWideError | ExactUnsupportedError:
    """The refusal ``err`` saying where it happened: ``"{where}: {err}"`` (e.g. the
    scenario among several that exact inference refused), of the same class."""
    message = f"{where}: {err}"
    if isinstance(err, ModelTooWideError):
        return type(err)(message, width=err.width)
    return type(err)(message)


def _rebuild_too_wide(cls: type[ModelTooWideError], message: str, width: int
                      ) -> ModelTooWideError:
    return cls(message, width=width)


def _sorted(problems: Iterable[Problem]) -> list[Problem]:
    def key(p: Problem) -> tuple[str, int, int]:
        return (p.path or "", p.line or 0, p.column or 0)

    return sorted(problems, key=key)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for the closest candidate, or ``""``.

    Closest by edit distance (see :class:`Suggestions`, which also serves many
    look-ups over one large set without rebuilding anything).

    Examples
    --------
    >>> did_you_mean("lable", ["label", "table", "p"])
    "; did you mean 'label'?"
    """
    return Suggestions(candidates)(name)


def one_slip(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one slip of the hand: a letter changed, added
    or dropped, or two neighbours swapped, in names of five letters or more.

    A name that extends the other by a part or a number (``su35_sale_2``,
    ``su35_sale2``) or differs from it in a digit (``s300_sale`` and ``s400_sale``)
    is not a slip: such names are chosen.

    Examples
    --------
    >>> one_slip("su35_sael", "su35_sale"), one_slip("su35_sal", "su35_sale")
    (True, True)
    >>> one_slip("su35_sale_2", "su35_sale"), one_slip("s300_sale", "s400_sale")
    (False, False)
    """
    short, long_ = sorted((a, b), key=len)
    if a == b or len(short) < 5 or (long_.startswith(short) and (
            long_[len(short)] == "_" or long_[len(short):].isdigit())):
        return False
    if a.translate(_NO_DIGITS) == b.translate(_NO_DIGITS):
        return False
    return _edits(a, b, 1) <= 1


_NO_DIGITS = str.maketrans("", "", "0123456789")


def outside_pactsim() -> int:
    """The ``stacklevel`` for :func:`warnings.warn` that names the first caller outside
    pactsim (a warning raised deep inside names the user's line, not pactsim's)."""
    here = os.path.dirname(os.path.abspath(__file__))
    level = 1
    seen = sys._getframe(1)
    while seen is not None and os.path.abspath(seen.f_code.co_filename).startswith(here):
        seen, level = seen.f_back, level + 1  # type: ignore[assignment]
    return level


def printable(text: str) -> str:
    r"""`text` with every non-printable character written as an escape.

    Control characters (a terminal would obey ``\x1b]0;...\x07``), format
    characters such as bidirectional overrides, separators other than the
    space, and lone surrogates become ``\xNN``, ``\uNNNN`` or ``\UNNNNNNNN``;
    everything else, accented letters and arrows included, is kept.

    Examples
    --------
    >>> printable("a\x1b[2Jb → c")
    'a\\x1b[2Jb → c'
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else escape_char(ch) for ch in text)


def escape_char(ch: str) -> str:
    r"""One character as an escape: ``\xNN``, ``\uNNNN`` or ``\UNNNNNNNN``; a lone
    surrogate that stands for a byte of a file name (``\udce9``) as that byte (``\xe9``)."""
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8, as Python reads
        return f"\\x{code - 0xDC00:02x}"  # it (surrogateescape): the byte itself
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


_SUGGEST_MAX_LEN = 40  # longer names get no suggestion: bounds the work per look-up
_EXHAUSTIVE = 16  # sets up to this size are compared in full; larger ones go through an index
_SCAN_ALL = 256  # ... and, when the index finds nothing, in full up to this size (~5 ms)
_PREFIX_MIN = 4  # a name this long that begins exactly one candidate suggests it
_BUCKET = 16  # candidates kept per index entry, and compared per look-up


class Suggestions:
    """"Did you mean" over a fixed set of names, fast for thousands of them.

    The suggestion is the candidate fewest edits away (inserting, deleting or
    changing a character, or swapping two neighbours, each count one), within
    ``min(3, 1 + len // 4)`` edits of the longer of the two names and sharing
    at least one character; ties go to the candidate with the same first letter,
    then the nearer length, then alphabetical order. Failing that, a name of at
    least 4 characters that begins exactly one candidate suggests it (a name cut
    short: ``explicit`` for ``explicit_guarantee``). Sets of more than 16 names
    are searched through an index of one-character deletions (candidates within
    about two edits), built on the first look-up, so each look-up costs about
    the length of the name, not the size of the set; when the index finds
    nothing, sets of up to 256 names are compared in full (two letters left
    off a name are two deletions, which the index does not hold). A name whose
    words (between ``_``) are one candidate's in another order suggests it
    (``by_why`` for ``why_by``). Names longer than 40 characters get no suggestion.

    Examples
    --------
    >>> s = Suggestions(["label", "table", "source"])
    >>> s("lable"), s("xyz")
    ("; did you mean 'label'?", '')
    """

    def __init__(self, candidates: Iterable[str]) -> None:
        self._names = list(dict.fromkeys(c for c in candidates if isinstance(c, str)))
        self._index: dict[str, list[str]] | None = None
        self._by_words: dict[tuple[str, ...], list[str]] | None = None

    def closest(self, name: str) -> str | None:
        """The suggested candidate for `name`, or ``None``."""
        if not isinstance(name, str) or not name or len(name) > _SUGGEST_MAX_LEN:
            return None
        best = self._nearest(name, self._shortlist(name))
        if best is None and _EXHAUSTIVE < len(self._names) <= _SCAN_ALL:
            best = self._nearest(name, self._names)  # the index misses some 3-edit matches
        if best is None and "_" in name:  # words swapped: by_why for why_by
            if self._by_words is None:  # (built on the first such look-up)
                self._by_words = {}
                for c in self._names:
                    if "_" in c:
                        self._by_words.setdefault(tuple(sorted(c.split("_"))), []).append(c)
            swapped = self._by_words.get(tuple(sorted(name.split("_"))), [])
            if len(swapped) == 1:
                return swapped[0]
        if best is None and len(name) >= _PREFIX_MIN:  # a name cut short: instc == explicit
            longer = [c for c in self._names if c.startswith(name)]
            return longer[0] if len(longer) == 1 else None
        return best

    @staticmethod
    def _nearest(name: str, candidates: Iterable[str]) -> str | None:
        best: tuple[int, bool, int, str] | None = None
        for cand in candidates:
            limit = min(3, 1 + max(len(name), len(cand)) // 4)
            dist = _edits(name, cand, limit)
            if dist > limit or dist >= max(len(name), len(cand)):
                continue
            score = (dist, name[0] != cand[0], abs(len(name) - len(cand)), cand)
            best = score if best is None or score < best else best
        return None if best is None else best[3]

    def __call__(self, name: str) -> str:
        """``"; did you mean 'x'?"``, or ``""`` when nothing is close."""
        match = self.closest(name)
        return f"; did you mean '{match}'?" if match is not None else ""

    def _shortlist(self, name: str) -> list[str]:
        if len(self._names) <= _EXHAUSTIVE:
            return self._names
        if self._index is None:
            self._index = {}
            for cand in self._names:
                if len(cand) <= _SUGGEST_MAX_LEN:
                    for key in _deletions(cand):
                        bucket = self._index.setdefault(key, [])
                        if len(bucket) < _BUCKET:
                            bucket.append(cand)
        found: dict[str, None] = {}
        for key in _deletions(name):
            for cand in self._index.get(key, ()):
                found[cand] = None
                if len(found) >= _BUCKET:
                    return list(found)
        return list(found)


def _deletions(name: str) -> dict[str, None]:
    """`name` and every string made by deleting one of its characters, in order."""
    return dict.fromkeys([name, *(name[:i] + name[i + 1:] for i in range(len(name)))])


def _edits(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance of `a` and `b`, or ``limit + 1`` if above `limit`.

    Only cells within `limit` of the diagonal are computed: O(len(a) * limit).
    """
    la, lb = len(a), len(b)
    big = limit + 1
    if abs(la - lb) > limit:
        return big
    before: list[int] | None = None
    prev = [j if j <= limit else big for j in range(lb + 1)]
    for i in range(1, la + 1):
        cur = [big] * (lb + 1)
        cur[0] = i if i <= limit else big
        row_best = cur[0]
        ai = a[i - 1]
        for j in range(max(1, i - limit), min(lb, i + limit) + 1):
            v = prev[j - 1] + (ai != b[j - 1])
            v = min(v, prev[j] + 1, cur[j - 1] + 1)
            if before is not None and j > 1 and ai == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, before[j - 2] + 1)
            cur[j] = min(v, big)
            row_best = min(row_best, cur[j])
        if row_best > limit:
            return big
        before, prev = prev, cur
    return prev[lb]
