"""The ``pactsim`` command line: a thin adapter over the public API.

Each subcommand is one library call; all argument parsing lives here. A
:class:`~pactsim.errors.PactsimError` becomes its message on stderr and exit
status 2; every other failure the user can meet (a file that cannot be
written, a worker process that died, Ctrl-C, SIGTERM) becomes one line and the
status in :data:`EXIT_STATUS`. The traceback is shown only with ``--debug``,
or for a failure none of those explain (a bug: status 4, with a request to
report it).

Modules that are slow to import (numpy, pandas, pydantic, matplotlib) load
inside the subcommand that needs them, so ``pactsim --version`` and
``--help`` need none of them.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shlex
import signal
import sys
import textwrap
import warnings
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any, TextIO

from pactsim._version import __version__
from pactsim.analysis.rules import RULES as CHECK_RULES  # names only: light
from pactsim.errors import PactsimError, PactsimWarning, elided, printable

__all__ = ["EXIT_STATUS", "build_parser", "main"]

#: Shown by ``pactsim --help``; the README's table says the same.
EXIT_STATUS = """\
exit status:
  0    success (also when a reader of standard output stops early, as `| head`
       does)
  1    `check` found something to look at
  2    nothing was done: an invalid scenario or argument, or an output the
       command refuses (a missing folder, a folder, a device, FIFO or socket,
       the input scenario, a read-only file or folder, a scenario or
       resolution file, any .yaml, .yml, .py or .ipynb name), all checked
       before simulating
  3    the work failed: the output could not be written (disk full, I/O error,
       standard output closed or full), a worker process died, out of memory
  4    a bug in pactsim: the traceback is printed; please report it
  130  interrupted (Ctrl-C)
  143  terminated (SIGTERM)

An output file is written whole or not at all: after any failure or signal an
existing file is as it was and no temporary file is left. --out never replaces
the input scenario, a file a person wrote (a scenario, variant or resolution
file; it writes no .yaml, .yml, .py or .ipynb name at all) or anything but a
regular file; a symlink is written through to its target, and an existing file
keeps its permissions. Without --format, -o FILE.json writes JSON and -o
FILE.csv CSV."""

_FALLBACK_DEFAULT_N = 100_000
_FALLBACK_MAX_N = 10**15
_MAX_SEED = 2**128 - 1  # any seed the API records (up to 128 bits) can be given back
#: An unseeded run draws its seed below this (from the OS's entropy) and prints it:
#: nine digits at most, short enough to retype, and it reproduces the run.
_FRESH_SEEDS = 10**9
_MAX_WORKERS = 1024
_MAX_TOP = 1000


# --- output -----------------------------------------------------------------------------


class _OutputFailed(Exception):
    """Standard output or an output file could not be written (exit status 3)."""

    def __init__(self, message: str, *, stdout: bool = False) -> None:
        super().__init__(message)
        self.stdout = stdout


def _say(text: str) -> None:
    """One line on stderr; silently nothing when stderr itself is gone."""
    stream = sys.stderr
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError):
        print(text, file=stream, flush=True)


def _stdout(text: str) -> None:
    stream = sys.stdout
    if stream is None:
        raise _OutputFailed("standard output is closed; give --out FILE or leave it open",
                            stdout=True)
    try:
        if stream.isatty():  # a file's own words never drive the terminal (titles, sources)
            text = "\n".join(printable(line) for line in text.split("\n"))
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        raise
    except ValueError:  # written after close
        raise _OutputFailed("standard output is closed", stdout=True) from None
    except OSError as err:
        raise _OutputFailed(f"cannot write to standard output: {err.strerror or err}",
                            stdout=True) from err


#: What a file name's extension says its content is, for ``-o`` without ``--format``.
_BY_SUFFIX = {".json": "json", ".csv": "csv"}
#: Extensions of files `pactsim report` does not write (it writes HTML).
_NOT_HTML = (".pdf", ".png", ".svg", ".jpg", ".jpeg", ".json", ".csv", ".docx", ".doc",
             ".odt")


def _format_from_name(args: argparse.Namespace) -> None:
    """``-o forecast.json`` without ``--format`` writes JSON (and ``.csv`` CSV): the text
    table under a ``.json`` name was never what was meant. A name whose extension is a
    format the command does not write is refused, as is `report -o x.pdf` (a report is
    HTML), before any work. An explicit ``--format`` wins over the name, with a note
    when the two disagree (``--format json -o x.csv``)."""
    out = getattr(args, "out", None)
    if not out:
        return
    from pathlib import PurePath

    from pactsim.errors import ArgumentError

    suffix = PurePath(out).suffix.lower()
    formats = getattr(args, "_formats", None)
    if formats is None:
        if args.command == "report" and suffix in _NOT_HTML:
            raise ArgumentError(
                f"-o {printable(out)}: a report is an HTML page, not {suffix[1:].upper()}; "
                "name the file .html (for a PDF, open the page in a browser and print it)")
        if args.command == "schema" and suffix != ".json" and suffix in (*_NOT_HTML, ".html",
                                                                        ".htm"):
            raise ArgumentError(
                f"-o {printable(out)}: a schema is JSON, not {suffix[1:].upper()}; name the "
                "file .json")
        return
    wanted = _BY_SUFFIX.get(suffix)
    given = getattr(args, "_format_given", None)
    if given is not None and wanted is not None and given[1] != wanted:
        asked = given[1].upper() if given[1] in _BY_SUFFIX.values() else "the text table"
        # (--format text reaches here as "table": say the option, not a spelling not typed)
        option = given[0] if given[1] in _BY_SUFFIX.values() else "--format"
        _say(f"pactsim: note: writing {asked} to {printable(out)} as {option} asks, though "
             f"the name says {wanted.upper()} (leave out {option} to write {wanted.upper()})")
    if given is not None or wanted is None:
        return  # an explicit --format is kept under any other name (none: the text)
    if wanted not in formats:
        shown = " or ".join(f"--format {f}" for f in formats)
        raise ArgumentError(
            f"-o {printable(out)}: {args.command} writes {' or '.join(formats)}, not "
            f"{wanted}; give {shown} (a .{wanted} name alone asks for {wanted})")
    args.format = wanted


def _check_destination(out: str | None, inputs: Sequence[str]) -> None:
    """Refuse an unusable destination before any work (see pactsim.views.files)."""
    if out is None:
        if sys.stdout is None:
            raise _OutputFailed("standard output is closed; give --out FILE or leave it open",
                                stdout=True)
        return
    if not out.strip():
        from pactsim.errors import ArgumentError

        raise ArgumentError("--out is empty: give the name of a file to write (e.g. "
                            "-o forecast.json), or leave --out out for standard output")
    from pactsim.views.files import check_target

    check_target(out, inputs=inputs)


def _with_bases(out: str | None, inputs: Sequence[str], *scenarios: Any) -> list[str]:
    """``inputs`` and every file the loaded ``scenarios`` extend (``extends:``), checked
    as a destination again: ``--out`` never replaces the base of a variant either."""
    every = [*inputs, *(f for sc in scenarios for f in sc.extends)]
    _check_destination(out, every)
    return every


def _terminal_width() -> int | None:
    """Columns of the terminal standard output is, or ``None`` when it is not one (piped,
    redirected, captured): then every row of a table stays on one line, for tools."""
    stream = sys.stdout
    try:
        if stream is None or not stream.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    import shutil

    return shutil.get_terminal_size().columns


def _deliver(text: str, out: str | None, inputs: Sequence[str], *, table: bool = False
             ) -> None:
    """``text`` to ``--out`` or standard output; a ``table`` (the text format) on a
    terminal has its long lines folded to the terminal's width."""
    if out is None:
        width = _terminal_width() if table else None
        if width is not None:
            from pactsim.views.terminal import fold

            text = fold(text, width)
        _stdout(text)
        return
    from pactsim.views.files import write_atomic

    try:
        write_atomic(out, text, inputs=inputs)
    except OSError as err:
        raise _OutputFailed(f"{printable(out)}: cannot write: {err.strerror or err}") from err
    _say(f"wrote {printable(out)}")


def _silence_stdout() -> None:
    """Point a failed stdout at the null device, so the interpreter's last flush is quiet."""
    stream = sys.stdout
    if stream is not sys.__stdout__ or stream is None:
        return
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


# --- subcommands ----------------------------------------------------------------------------


def _engine_limits() -> tuple[int, int]:
    """``(default n, largest n)`` of :mod:`pactsim.montecarlo` (which imports numpy)."""
    from pactsim import montecarlo

    return (int(getattr(montecarlo, "DEFAULT_N", _FALLBACK_DEFAULT_N)),
            int(getattr(montecarlo, "MAX_N", _FALLBACK_MAX_N)))


#: A resolution file's first key (a scenario's is ``pactsim:``), at the start of a line.
_TOP_KEY = re.compile(rb"^(resolutions|pactsim)[ \t]*:", re.MULTILINE)


def _file_kind(path: str) -> str | None:
    """``"resolutions"`` or ``"scenario"`` by the first top-level key that tells them apart,
    or ``None`` (unreadable, or neither key): only to say which kind of file was expected."""
    from pactsim.language.files import read_regular

    try:
        head = read_regular(path, 1 << 20)
    except (OSError, ValueError):
        return None
    m = _TOP_KEY.search(head)
    return None if m is None else ("resolutions" if m[1] == b"resolutions" else "scenario")


def _validate_resolutions(f: str) -> bool:
    """Validate a resolution file met by ``validate`` or ``check`` on its own (its names
    are checked against the scenario by ``score``); report it; whether it is valid."""
    from pactsim.errors import ScenarioError
    from pactsim.language.resolutions import load_resolutions

    try:
        load_resolutions(f)
    except ScenarioError as err:
        _say(str(err))
        return False
    _stdout(f"{printable(f)}: ok (a resolution file; `pactsim score` checks its names against "
            "the scenario)\n")
    return True


def _cmd_validate(args: argparse.Namespace) -> int:
    from pactsim.errors import ScenarioError
    from pactsim.language.io import load

    status = 0
    for f in args.files:
        if _file_kind(f) == "resolutions":
            status = status if _validate_resolutions(f) else 2
            continue
        try:
            sc = load(f)
        except ScenarioError as err:
            _say(str(err))
            status = 2
            continue
        if sc.observations:  # run and report refuse news that cannot all hold: say so here
            from pactsim.analysis.check import impossible_news

            news = impossible_news(sc)
            if news:
                _say("\n".join(str(x).removesuffix(f" [{x.rule}]") + "; run and report "
                               "refuse such a file" for x in news))
                status = 2
                continue
        _stdout(f"{printable(f)}: ok\n")
    return status


def _cmd_check(args: argparse.Namespace) -> int:
    from pactsim.analysis.check import check
    from pactsim.errors import ScenarioError
    from pactsim.language.io import load

    status = 0
    for f in args.files:
        if _file_kind(f) == "resolutions":
            status = status if _validate_resolutions(f) else 2
            continue
        try:
            sc = load(f)
        except ScenarioError as err:
            _say(str(err))
            status = 2
            continue
        every = check(sc)
        ignored = {rule for group in args.ignore for rule in group}
        findings = [x for x in every if x.rule not in ignored]
        quiet = len(every) - len(findings)
        if findings:
            _stdout("".join(f"{_cli_words(str(finding))}\n" for finding in findings)
                    + (f"{printable(f)}: {quiet} more ignored\n" if quiet else ""))
        else:
            _stdout(f"{printable(f)}: no findings{f' ({quiet} ignored)' if quiet else ''}\n")
        if any(x.rule != "exact-skipped" for x in findings):  # a skipped check is a note
            status = max(status, 1)
    return status


def _rules(text: str) -> list[str]:
    """``--ignore``'s value: rule names, comma-separated."""
    names = [t.strip() for t in text.split(",") if t.strip()]
    unknown = [t for t in names if t not in CHECK_RULES]
    if unknown or not names:
        what = f"unknown rule '{printable(unknown[0])}'" if unknown else "no rule given"
        raise argparse.ArgumentTypeError(f"{what}; the rules are {', '.join(CHECK_RULES)}")
    return names


def _fresh_seed(seed: int | None) -> int:
    """``seed``, or a new one below ``_FRESH_SEEDS`` when none was given."""
    import secrets

    return secrets.randbelow(_FRESH_SEEDS) if seed is None else seed


def _cmd_run(args: argparse.Namespace) -> int:
    _check_destination(args.out, [args.file])
    _check_run_method(args)
    from pactsim.language.io import load
    from pactsim.views.export import csv_text, results_to_json, results_to_table
    from pactsim.views.text import format_results

    sc = load(args.file)
    inputs = _with_bases(args.out, [args.file], sc)
    evidence = [*(args.evidence or []), *(args.soft or [])] or None
    _check_evidence(sc, args)

    def render(res: Any) -> str:
        if args.format == "json":
            return results_to_json(res)
        if args.format == "csv":
            return csv_text(results_to_table(res))
        return format_results(res) + _spreads(sc, args.spread, evidence is not None, res)

    text = _run_exact(sc, args, evidence, render) if args.method in ("exact", "auto") \
        else None
    if text is None:
        from pactsim.montecarlo import simulate

        _check_target_se(sc, args, evidence)  # before any draw (also where auto fell back)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = simulate(sc, n=_n(args), seed=_fresh_seed(args.seed), workers=args.workers,
                           keep_draws=_keep_draws(sc, args), progress=args.progress,
                           target_se=args.target_se,
                           evidence=evidence)
        for w in caught:  # one clean line each (the cap reached before --target-se)
            _say(f"pactsim: note: {w.message}")
        if res.weighted and res.ess < LOW_ESS:
            _say(f"pactsim: warning: under the evidence, the numbers rest on an effective "
                 f"sample size of {res.ess:,.1f} of {res.n:,} draws: their intervals may be "
                 "too narrow; raise -n" + ("" if args.method == "auto" else
                                           ", or try --method auto"))
        text = render(res)
    if args.spread and args.format != "table":
        _say(f"pactsim: note: --spread is shown in the table format only, not in "
             f"{args.format}; pactsim.spreads() computes it from Python")
    _deliver(text, args.out, inputs, table=args.format == "table")
    return 0


#: Effective sample size under which ``run`` warns that its numbers rest on few draws.
LOW_ESS = 100

#: ``--method`` of ``run``: Monte Carlo (the default), exact inference, or exact where it
#: answers and Monte Carlo elsewhere.
_RUN_METHODS = ["mc", "montecarlo", "exact", "auto"]


def _check_run_method(args: argparse.Namespace) -> None:
    """Refuse, before any work, Monte Carlo options given with ``--method exact``
    (exact inference draws nothing: they would be ignored without a word); in
    ``run``, ``diff``, ``history``, ``sensitivity`` and ``score``."""
    if args.method != "exact":
        return
    given = _mc_flags(args)
    if given:
        from pactsim.errors import ArgumentError

        raise ArgumentError(f"{', '.join(given)} {'is' if len(given) == 1 else 'are'} for "
                            "Monte Carlo; --method exact draws nothing (drop "
                            f"{'it' if len(given) == 1 else 'them'}, or use --method auto "
                            "to fall back to Monte Carlo where exact inference refuses)")


def _check_target_se(sc: Any, args: argparse.Namespace, evidence: Any) -> None:
    """Refuse ``--target-se`` under news before any draw, in the shell's words (the
    library's refusal names ``observations=False`` and ``results.info.ess``)."""
    if getattr(args, "target_se", None) is None or not (sc.observations or evidence):
        return
    from pactsim.errors import ArgumentError

    whence = " and ".join([*([f"the observations of {args.file}"] if sc.observations else []),
                           *(["--evidence/--soft"] if evidence else [])])
    raise ArgumentError(f"--target-se cannot be used with {whence}: under news the standard "
                        "errors depend on the weights of the draws; give -n instead (the "
                        "output prints the effective sample size)")


def _mc_flags(args: argparse.Namespace) -> list[str]:
    """The Monte Carlo options given on the command line (``-n``, ``--seed``,
    ``--target-se``, ``--workers`` other than 1)."""
    given = [flag for flag, value in (("-n", args.n), ("--seed", args.seed),
                                      ("--target-se", getattr(args, "target_se", None)))
             if value is not None]
    return given + (["--workers"] if getattr(args, "workers", None) not in (None, 1) else [])


def _run_exact(sc: Any, args: argparse.Namespace, evidence: Any,
               render: Callable[[Any], str], what: str = "run") -> str | None:
    """The output of ``pactsim run --method exact|auto`` by exact inference; ``None``
    under ``auto`` when exact inference refuses the scenario, a question or the
    evidence (some only when asked, so the whole output is made here), and then
    Monte Carlo answers, with a note."""
    from pactsim.errors import ExactUnsupportedError, ModelTooWideError
    from pactsim.results.exact import exact

    try:
        res = exact(sc, progress=getattr(args, "progress", None), evidence=evidence)
        text = render(res)
    except (ModelTooWideError, ExactUnsupportedError) as e:
        if args.method == "exact":
            raise
        _say(f"pactsim: note: exact inference does not answer all of this {what} "
             f"({_refusal(str(e), e, argparse.Namespace())}); Monte Carlo answers all of "
             "it")
        return None
    blank = getattr(res, "unanswered_given_signed", {})
    if blank and args.method == "auto":
        # (review-readme27: auto stayed exact with the column left blank)
        _say(f"pactsim: note: exact inference does not answer all of this {what} (it "
             f"leaves P(yes | signed) of {', '.join(blank)} blank: "
             f"{printable(next(iter(blank.values())))}); Monte Carlo answers all of it")
        return None
    unused = _mc_flags(args)
    if unused:
        _say(f"pactsim: note: exact inference answered, so {', '.join(unused)} (for Monte "
             "Carlo) went unused")
    return text


#: Parameter draws of the spread ``pactsim run`` shows unless told (``--spread N``).
RUN_SPREAD_N = 200
#: Seconds the default spread may take; beyond, ``run`` says so instead (``--spread N``).
RUN_SPREAD_SECONDS = 10.0


def _spreads(sc: Any, n: int | None, evidence: bool, res: Any = None) -> str:
    """The spread section of ``pactsim run`` (table format): a line per true/false
    question with its 80% band over the uncertain inputs, from ``n`` parameter
    draws (``None``: :data:`RUN_SPREAD_N`, and only where exact inference answers,
    so that it stays a second or two; ``0``: none)."""
    from pactsim.analysis.spread import spreads, uncertain_inputs
    from pactsim.errors import ExactUnsupportedError, ModelTooWideError
    from pactsim.views.text import format_spreads

    if n == 0 or not uncertain_inputs(sc):
        return "" if n is None or n == 0 else \
            ("\nSpread over the uncertain inputs: none (no probability is written as between "
             "or beta; a delay's between is its spread, not an uncertain input)\n")
    if evidence:
        return ("\nSpread over the uncertain inputs: not shown with --evidence/--soft (it is "
                "of the file's forecast; see pactsim.spread)\n")
    if n is None and sc.observations:
        return ("\nSpread over the uncertain inputs: not computed by default for a file with "
                "observations (each parameter draw is conditioned on the news: slow); "
                "--spread N computes it\n")
    if n is None:
        from pactsim.results.exact import exact

        try:
            exact(sc, progress=False)
        except (ModelTooWideError, ExactUnsupportedError):
            return ("\nSpread over the uncertain inputs: exact inference does not answer this "
                    "scenario; --spread N computes it by Monte Carlo (slow)\n")
    if n is not None:
        return "\n" + format_spreads(spreads(sc, n=n), _points(res))
    from pactsim.analysis.spread import TooSlow, time_limit

    try:
        with time_limit(RUN_SPREAD_SECONDS):
            found = spreads(sc, n=RUN_SPREAD_N)
    except TooSlow as slow:
        return (f"\nSpread over the uncertain inputs: not computed by default: its "
                f"{RUN_SPREAD_N} parameter draws would take {slow} here (each answers the "
                "questions exactly, and here that is slow); --spread N computes it\n")
    return "\n" + format_spreads(found, _points(res))


def _points(res: Any) -> dict[str, float]:
    """The forecast of each true/false question of ``res`` (exact or Monte Carlo): the
    points of the spread lines under it."""
    if res is None:
        return {}
    table = res.questions()
    return {str(q): float(p) for q, p in table["p"].items() if not _is_nan(p)}


def _is_nan(x: Any) -> bool:
    try:
        return bool(x != x)
    except (TypeError, ValueError):
        return True


def _spread_n(text: str) -> int:
    """``--spread N``: a whole number of parameter draws, 0 (none) to 10^6, written as
    ``-n`` takes it (ASCII digits: ``int()`` also reads '١٠' and '+5')."""
    m = _NUMBER.fullmatch(text.strip())
    if m is None:
        raise argparse.ArgumentTypeError(f"--spread takes a whole number of parameter draws "
                                         f"(digits 0-9, e.g. 1000), not {_shown(text)}")
    if m[1]:
        raise argparse.ArgumentTypeError(f"must be from 0 to 1,000,000, not {_shown(text)}")
    if not (m[2] + (m[3] or "")).replace("_", "").strip("0"):
        return 0  # --spread 0 turns it off
    n = _whole(text, 10**6)
    if n < MIN_SPREAD_N:
        raise argparse.ArgumentTypeError(
            f"{n} parameter draws are too few for an 80% band: give at least "
            f"{MIN_SPREAD_N} (e.g. 1000), or 0 for none")
    return n


#: Fewest parameter draws ``--spread N`` takes: an 80% band of fewer says nothing (one
#: draw has no band and read as "no spread").
MIN_SPREAD_N = 20


#: ``run`` and ``report`` keep the draws of a scenario with numeric attributes, or with a
#: numeric question that reads a driver, up to this many draws, so that a value of too
#: many distinct values for the streaming statistics still gets its quantiles (and the
#: report its histogram) from them.
KEEP_ATTRIBUTE_DRAWS = 2_000_000


def _keep_draws(sc: Any, args: argparse.Namespace) -> bool:
    """Whether a run keeps its draws: only for continuous values (numeric attributes, a
    numeric question that reads a driver), at most :data:`KEEP_ATTRIBUTE_DRAWS` draws
    and without --target-se (whose n is a cap)."""
    return _continuous(sc) and args.target_se is None and _n(args) <= KEEP_ATTRIBUTE_DRAWS


def _continuous(sc: Any) -> bool:
    """Whether a scenario has numeric attributes or a numeric question over a driver."""
    if getattr(sc, "attributes", None):
        return True
    if not getattr(sc, "drivers", None):
        return False
    from pactsim.inference.compile import compile_scenario
    from pactsim.language import expr as _expr

    model = compile_scenario(sc)
    drivers = set(model.driver_names)
    return any(kind == "number" and any(isinstance(x, _expr.Name) and x.name in drivers
                                        for x in _expr.walk(tree))
               for tree, kind in model.questions.values())


def _n(args: argparse.Namespace) -> int:
    """Draws of a run: -n, else the cap under --target-se, else the default."""
    if args.n is not None:
        return int(args.n)
    return _TARGET_CAP if args.target_se is not None else _engine_limits()[0]


def _cmd_report(args: argparse.Namespace) -> int:
    out = args.out or os.path.splitext(os.path.basename(args.file))[0] + ".html"
    inputs = [args.file, *([args.resolutions] if args.resolutions else []),
              *([args.compare] if args.compare else [])]
    _check_destination(out, inputs)
    from pactsim.language.io import load
    from pactsim.montecarlo import simulate
    from pactsim.views.report import report_html

    sc = load(args.file)
    inputs = _with_bases(out, inputs, sc)
    _check_target_se(sc, args, None)
    resolutions = None
    if args.resolutions:
        from pactsim.language.resolutions import load_resolutions

        # checked against the scenario before the run: located errors, no wasted draws
        resolutions = load_resolutions(args.resolutions, scenario=sc)
    base = None
    if args.compare:  # likewise the other version, and the question, before any draw
        base = load(args.compare)
        inputs = _with_bases(out, inputs, base)
    if args.question is not None:
        _check_question(sc, args.question)
    _check_run_method(args)

    def page(res: Any, seed: int) -> str:
        compare = None
        if base is not None:
            from pactsim.analysis.diff import diff

            # the question of the page, when one is asked, is the one the changes explain
            # (when A can ask it too; else the one that changes most, as without -q)
            asked = None if args.question is None or \
                args.question.strip().endswith(".median") or \
                not _askable(base, args.question) else args.question
            compare = _with_sources(diff(base, sc, asked, n=_n(args), seed=seed),
                                    args.compare, args.file)
            if asked is None and args.question is not None:  # said, not silently another
                import dataclasses

                why = ("a date's median is not attributed to edits (diff explains a "
                       "yes/no question)" if args.question.strip().endswith(".median")
                       else f"{args.compare} cannot ask it")
                shown = ", ".join(str(t) for t in compare.totals["target"])
                note = (f"-q {args.question.strip()} is not the question explained here: "
                        f"{why}" + (f"; this section explains {shown} instead" if shown
                                    else ""))
                compare = dataclasses.replace(compare, notes=(note, *compare.notes))
                _say(f"pactsim: note: {note}")
        return report_html(res, source=str(args.file), top=args.top, resolutions=resolutions,
                           compare=compare, question=args.question)

    def whole(ex: Any) -> str:
        """The page of exact results ``ex``, or the first refusal of a part of its
        forecast (--method exact refuses the page, auto draws it by Monte Carlo); its
        sections on what drives it, its history and what changed fall back part by part."""
        from pactsim.views.refusals import watching

        with watching() as seen:
            out = page(ex, _fresh_seed(args.seed))
        if seen:
            raise seen[0]
        return out

    html = None
    if args.method in ("exact", "auto"):  # the page made whole here: refusals come when asked
        html = _run_exact(sc, args, None, whole, "page")
    if html is None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = simulate(sc, n=_n(args), seed=_fresh_seed(args.seed), workers=args.workers,
                           keep_draws=_keep_draws(sc, args), target_se=args.target_se)
        for w in caught:
            _say(f"pactsim: note: {w.message}")
        if res.weighted and res.ess < LOW_REPORT_ESS:
            _say(f"pactsim: note: under the file's news the page's numbers rest on an "
                 f"effective sample size of {res.ess:,.0f} of {res.n:,} draws; raise -n, or "
                 "try --method auto")
        html = page(res, res.info.seed)
    _deliver(html, out, inputs)
    return 0


#: Effective sample size under which ``report`` says its Monte Carlo page rests on few
#: draws (the news variant of the flagship: about 1,000 of the default 100,000).
LOW_REPORT_ESS = 10_000


def _askable(sc: Any, question: str) -> bool:
    """Whether scenario ``sc`` takes ``question`` (:func:`_check_question` refuses it not)."""
    from pactsim.errors import ArgumentError, ScenarioError

    try:
        _check_question(sc, question)
    except (ArgumentError, ScenarioError):
        return False
    return True


def _check_evidence(sc: Any, args: argparse.Namespace) -> None:
    """Refuse an ``--evidence`` or ``--soft`` expression that is not a true/false
    expression of ``sc`` before any work, naming the option (the engine would name it
    ``evidence``, its Python argument)."""
    from pactsim.language.evidence import Finding
    from pactsim.language.expr import compile_condition
    from pactsim.language.resolutions import scenario_scope

    for option, given in (("--evidence", args.evidence), ("--soft", args.soft)):
        for f in given or []:
            text = f.expr if isinstance(f, Finding) else str(f)
            compile_condition(text, scenario_scope(sc), what=option, horizon=sc.horizon)


def _check_question(sc: Any, question: str) -> None:
    """Refuse ``--question`` before any work when it cannot be asked of ``sc``: a
    ``NODE.median`` of a node that is not dated, or anything else that is not a true/false
    question, node or expression of the scenario (as ``pactsim sensitivity`` takes it)."""
    from pactsim.errors import ArgumentError
    from pactsim.language.expr import compile_condition
    from pactsim.language.resolutions import scenario_scope

    q = question.strip()
    if not q:
        raise ArgumentError("--question is empty: give a question's name, a binary node, a "
                            "true/false expression or NODE.median")
    if q.endswith(".median"):
        node = q[: -len(".median")]
        if node not in sc.dated_names:
            raise ArgumentError(f"--question {q!r}: '{node}' is not a dated node of scenario "
                                f"'{sc.id}' (dated: {', '.join(sc.dated_names) or 'none'})")
        return
    compile_condition(q, scenario_scope(sc), what="--question", horizon=sc.horizon)


#: ``--method`` of diff, sensitivity, history and score: Monte Carlo is spelt either way.
_METHODS = ["auto", "exact", "mc", "montecarlo"]


def _method(args: argparse.Namespace, mc: str) -> Any:
    """``args.method`` with Monte Carlo spelt as the analysis takes it (``mc`` for diff
    and sensitivity, ``montecarlo`` for history and score)."""
    return mc if args.method in ("mc", "montecarlo") else str(args.method)


def _cmd_diff(args: argparse.Namespace) -> int:
    inputs = [args.a, args.b]
    _check_destination(args.out, inputs)
    _check_run_method(args)
    from pactsim.analysis.diff import diff
    from pactsim.language.io import load

    a, b = load(args.a), load(args.b)
    inputs = _with_bases(args.out, inputs, a, b)
    d = diff(a, b, args.question or None, n=_engine_limits()[0] if args.n is None else args.n,
             seed=0 if args.seed is None else args.seed, method=_method(args, "mc"),
             permutations=args.permutations, progress=args.progress)
    d = _with_sources(d, args.a, args.b)
    _deliver(d.to_json() if args.format == "json" else str(d), args.out, inputs,
             table=args.format != "json")
    return 0


def _cmd_history(args: argparse.Namespace) -> int:
    _check_destination(args.out, [args.file])
    _check_run_method(args)
    from pactsim.analysis.history import HISTORY_N, history
    from pactsim.language.io import load
    from pactsim.views.history import format_history, history_to_json

    sc = load(args.file)
    inputs = _with_bases(args.out, [args.file], sc)
    df = history(sc, args.question or None, method=_method(args, "montecarlo"),
                 n=HISTORY_N if args.n is None else args.n,
                 seed=0 if args.seed is None else args.seed)
    json_out = args.format == "json"
    _deliver(history_to_json(df) if json_out else _cli_words(format_history(df)), args.out,
             inputs, table=not json_out)
    return 0


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    _check_destination(args.out, [args.file])
    _check_run_method(args)
    from pactsim.analysis.sensitivity import SENSITIVITY_N, sensitivity
    from pactsim.language.io import load
    from pactsim.views.sensitivity import format_sensitivity

    sc = load(args.file)
    inputs = _with_bases(args.out, [args.file], sc)
    s = sensitivity(sc, args.question, method=_method(args, "mc"),
                    n=SENSITIVITY_N if args.n is None else args.n,
                    seed=0 if args.seed is None else args.seed,
                    logit_range=args.logit_range, voi=not args.no_voi)
    _deliver(s.to_json() if args.format == "json" else format_sensitivity(s, args.top),
             args.out, inputs, table=args.format != "json")
    return 0


def _logit_range(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{_shown(text)} is not a number (e.g. 1 or 0.5)") \
            from None
    if not 0 < x <= 10:
        raise argparse.ArgumentTypeError(f"{_shown(text)} must be in (0, 10] (log-odds)")
    return x


def _with_sources(d: Any, a: str, b: str) -> Any:
    """The diff with the files' names (shown in its header)."""
    import dataclasses

    return dataclasses.replace(d, sources=(str(a), str(b)))


def _cmd_score(args: argparse.Namespace) -> int:
    from pactsim.errors import ArgumentError

    if not args.files:  # `score -r R.yaml S.yaml`: -r took every name after it
        raise ArgumentError("pactsim score: no scenario file: --resolutions (-r) takes every "
                            "file name after it, so give the scenario files first (pactsim "
                            "score S.yaml -r R.yaml) or end the resolution files with -- "
                            "(pactsim score -r R.yaml -- S.yaml)")
    for f, kind, where in [*((f, "resolutions", "a scenario file (SCENARIO)")
                             for f in args.files),
                           *((f, "scenario", "a resolution file (after --resolutions)")
                             for f in args.resolutions)]:
        if _file_kind(f) == kind:
            other = "a resolution file" if kind == "resolutions" else "a scenario file"
            raise ArgumentError(f"{printable(f)}: is {other} (its first key is "
                                f"`{'resolutions' if kind == 'resolutions' else 'pactsim'}:`), "
                                f"given where {where} goes: pactsim score SCENARIO... "
                                "--resolutions RES...")
    inputs = [*args.files, *args.resolutions]
    _check_destination(args.out, inputs)
    _check_run_method(args)
    from pactsim.analysis.scoring import score
    from pactsim.language.io import load

    loaded = [load(f) for f in args.files]
    args.scenario_files = {f"{sc.id} (as of {sc.as_of})": f
                           for sc, f in zip(loaded, args.files, strict=True)}
    inputs = _with_bases(args.out, inputs, *loaded)
    card = score(args.files, args.resolutions, method=_method(args, "montecarlo"),
                 n=_engine_limits()[0] if args.n is None else args.n,
                 seed=0 if args.seed is None else args.seed)
    if args.calibration and args.format != "table":
        _say(f"pactsim: note: --calibration is shown in the table format only, not in "
             f"{args.format}; Scorecard.calibration() gives it from Python")
    if args.format == "json":
        text = card.to_json()
    elif args.format == "csv":
        text = card.to_csv()
    else:
        text = str(card)
        if args.calibration:
            text += "\n" + str(card.calibration())
    _deliver(text, args.out, inputs, table=args.format == "table")
    return 0


def _cmd_pool(args: argparse.Namespace) -> int:
    _check_destination(args.out, args.files)
    from pactsim.analysis.pooling import pool
    from pactsim.errors import ArgumentError
    from pactsim.language.io import load

    if len(args.files) < 2:
        raise ArgumentError(f"pactsim pool: give two or more scenario files, one per analyst "
                            f"(got {len(args.files)})")
    weights = None if args.weights is None else _pool_weights(args.weights, len(args.files))
    scenarios = [load(f) for f in args.files]
    inputs = _with_bases(args.out, args.files, *scenarios)
    if len({sc.id for sc in scenarios}) > 1:
        which = ", ".join(f"{printable(f)} is {sc.id!r}"
                          for f, sc in zip(args.files, scenarios, strict=True))
        raise ArgumentError(f"pactsim pool: the files forecast different agreements ({which}); "
                            "pool analysts' files that share one id")
    pooled = pool(args.files, method=args.method, extremize=args.extremize, weights=weights,
                  names=_analyst_names(args.files),
                  n=_engine_limits()[0] if args.n is None else args.n,
                  seed=0 if args.seed is None else args.seed)
    text = (pooled.to_json() if args.format == "json" else pooled.to_csv()
            if args.format == "csv" else str(pooled))
    _deliver(text, args.out, inputs, table=args.format not in ("json", "csv"))
    return 0


def _pool_weights(text: str, files: int) -> list[float]:
    """``pool --weights W1,W2,...``: one finite number >= 0 per file, not all 0."""
    import math

    from pactsim.errors import ArgumentError

    example = ",".join(["1"] * (files - 1) + ["2"])
    try:
        weights = [float(w) if w.strip().isascii() and "_" not in w else math.nan
                   for w in text.split(",")]
    except ValueError:
        weights = [math.nan]
    if not all(math.isfinite(w) and w >= 0 for w in weights):
        raise ArgumentError(f"--weights {_shown(text)}: give numbers >= 0 separated by commas, "
                            f"one per file (e.g. {example})")
    if len(weights) != files:
        raise ArgumentError(f"--weights {_shown(text)}: {len(weights)} weight"
                            f"{'' if len(weights) == 1 else 's'} for {files} files; give one "
                            f"per file, in the files' order (e.g. {example})")
    if not any(weights):
        raise ArgumentError(f"--weights {_shown(text)}: every weight is 0; give at least one "
                            "above 0")
    return weights


def _analyst_names(files: Sequence[str]) -> list[str]:
    """The analysts' names of ``pactsim pool``: each file's name without ``.yaml``, or,
    where two files have the same name (``alice/iran.yaml``, ``bob/iran.yaml``), as
    much of its path as tells them apart (the same file twice is refused by pool; a
    name left the same is numbered)."""
    from pathlib import PurePath

    def stem(parts: tuple[str, ...]) -> str:
        return "/".join(parts).removesuffix(".yaml").removesuffix(".yml")

    paths = [PurePath(os.path.normpath(f)).parts or (f,) for f in files]
    names = [stem(p[-1:]) for p in paths]
    for depth in range(2, max(len(p) for p in paths) + 1):
        clash = {n for n in names if names.count(n) > 1}
        if not clash:
            break
        names = [stem(p[-depth:]) if n in clash else n
                 for n, p in zip(names, paths, strict=True)]
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 and names.count(n) == 1 else f"{n} ({seen[n]})")
    return out


def _cmd_schema(args: argparse.Namespace) -> int:
    _check_destination(args.out, [])
    import json

    if args.forecast:
        from pactsim.views.forecast_schema import forecast_schema

        schema = forecast_schema()
    else:
        from pactsim.language.jsonschema import json_schema

        schema = json_schema()
    _deliver(json.dumps(schema, indent=2) + "\n", args.out, [])
    return 0


# --- argument types -------------------------------------------------------------------------

# ASCII digits only (int() also takes '١٠٠'), underscores between digits as in
# Python, an optional fraction and exponent: 200000, 200_000, 2e5, 2.5e5.
_NUMBER = re.compile(r"(-?)([0-9]+(?:_[0-9]+)*)(?:\.([0-9]+(?:_[0-9]+)*))?"
                     r"(?:[eE]([+-]?[0-9]+))?", re.ASCII)


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 24 else f"{text[:12]!r}... ({len(text):,} characters)"


def _whole(text: str, maximum: int, *, exponent: bool = True) -> int:
    """A whole number from 1 to ``maximum``, exactly as written (no floating point)."""
    m = _NUMBER.fullmatch(text.strip())
    if m is None or (not exponent and (m[3] is not None or m[4] is not None)):
        example = "e.g. 200000, 200_000 or 2e5" if exponent else "e.g. 7"
        raise argparse.ArgumentTypeError(f"{_shown(text)} is not a whole number (digits 0-9, "
                                         f"{example})")
    sign, whole, frac, exp = m[1], m[2].replace("_", ""), (m[3] or "").replace("_", ""), m[4]
    digits = (whole + frac).lstrip("0")
    if not digits or sign:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {_shown(text)}")
    e_digits = (exp or "0").lstrip("+-").lstrip("0") or "0"
    e = int(e_digits) if len(e_digits) <= 6 else 10**7  # beyond any maximum either way
    shift = (-e if (exp or "").startswith("-") else e) - len(frac)
    size = len(digits) + shift  # digits before the decimal point
    if size > len(str(maximum)):
        raise argparse.ArgumentTypeError(f"{_shown(text)} is too large: at most {maximum:,}")
    if size <= 0 or (shift < 0 and digits[shift:].strip("0")):
        raise argparse.ArgumentTypeError(f"{_shown(text)} is not a whole number")
    value = int(digits[:shift] if shift < 0 else digits) * int(10 ** max(shift, 0))
    if value > maximum:
        raise argparse.ArgumentTypeError(f"{_shown(text)} is too large: at most {maximum:,}")
    return value


def _draws(text: str) -> int:
    return _whole(text, _engine_limits()[1])


def _target_se(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{_shown(text)} is not a number (e.g. 0.001)") \
            from None
    if not 0 < x < 0.5:
        raise argparse.ArgumentTypeError(f"{_shown(text)} must be in (0, 0.5), e.g. 0.001")
    return x


#: Draws at most when --target-se is given without -n.
_TARGET_CAP = 10**8


def _soft(text: str) -> Any:
    """``pactsim run --soft 'EXPR:RATIO'``: a soft finding (the last ``:`` splits)."""
    import math

    from pactsim.errors import PactsimError
    from pactsim.language.evidence import soft

    expr, colon, ratio = text.rpartition(":")
    if not colon or not expr.strip():
        raise argparse.ArgumentTypeError(
            f"{_shown(text)} is not EXPR:RATIO (e.g. 'drones_missiles:3')")
    try:
        if not ratio.isascii() or "_" in ratio:  # float() also reads '١٠' and '1_0'
            raise ValueError(ratio)
        r = float(ratio)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{_shown(text)}: {_shown(ratio)} is not a number (the likelihood ratio, e.g. 3)"
        ) from None
    if not (math.isfinite(r) and r > 0):  # said as written: 0, not 0.0
        raise argparse.ArgumentTypeError(
            f"{_shown(text)}: the likelihood ratio {ratio.strip()} must be a finite number > 0 "
            "(for news that rules a case out, give it with --evidence)")
    try:
        return soft(expr.strip(), r)
    except PactsimError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _extremize(text: str) -> float:
    """``pool --extremize A``: a finite number > 0, in ASCII digits (``float()`` also
    reads '١٠')."""
    import math

    t = text.strip()
    try:
        x = float(t) if t.isascii() and "_" not in t else math.nan
    except ValueError:
        x = math.nan
    if not (math.isfinite(x) and x > 0):
        raise argparse.ArgumentTypeError(f"{_shown(text)} is not a number > 0 (the power of "
                                         "the pooled odds, e.g. 1.5; 1 is none)")
    return x


def _workers(text: str) -> int:
    return _whole(text, _MAX_WORKERS, exponent=False)


def _top(text: str) -> int:
    return _whole(text, _MAX_TOP, exponent=False)


def _seed(text: str) -> int:
    m = _NUMBER.fullmatch(text.strip())
    if m is not None and m[3] is None and m[4] is None:
        if m[1]:
            raise argparse.ArgumentTypeError(f"seeds are whole numbers >= 0, not {_shown(text)}")
        if not m[2].replace("_", "").strip("0"):
            return 0  # 0 is a seed like any other
    return _whole(text, _MAX_SEED, exponent=False)


# --- the parser -----------------------------------------------------------------------------

#: What each machine format of ``--format`` holds (its help).
_FORMATS = {"json": "JSON with every number", "csv": "one long table, one number a row"}


class _Once(argparse.Action):
    """An option that takes one value: given twice, it is an error instead of the last
    one silently winning (``report -q a -q b`` analyses one question, not two)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        if getattr(namespace, self.dest, None) is not None:
            raise argparse.ArgumentError(self, "takes one question; given twice (this "
                                               "command analyses a single question)")
        setattr(namespace, self.dest, values)


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Fills in the engine's default and largest ``n`` only when help is shown."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help
        if text and ("{default_n}" in text or "{max_n}" in text):
            default_n, max_n = _engine_limits()
            text = text.replace("{default_n}", f"{default_n:,}").replace("{max_n}", f"{max_n:,}")
        return text


class _OneFormat(argparse.Action):
    """``--format X`` and its shorthands (``--json``): a second, different format on the
    same command line is refused (it was taken silently, the last one winning)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        value = self.const if self.nargs == 0 else values
        said = option_string if self.nargs == 0 else f"{option_string} {values}"
        given = getattr(namespace, "_format_given", None)
        if given is not None and given[1] != value:
            parser.error(f"{given[0]} and {said} ask for two output formats; give one")
        namespace._format_given = (said, value)
        setattr(namespace, self.dest, value)


class _HelpNotWritten(Exception):
    """The help or the version could not be written to standard output (a full disk)."""


class _Parser(argparse.ArgumentParser):
    """argparse's parser, but a help or version that cannot be written to standard output
    is an error (argparse drops it without a word: ``--help > /dev/full`` exited 0)."""

    def _print_message(self, message: str, file: Any = None) -> None:
        if not message:
            return
        out = file if file is not None else sys.stderr  # (stdout closed: None, stderr)
        if out is None:
            return
        try:
            out.write(message)
            out.flush()
        except BrokenPipeError:  # `| head` stopped reading: not an error of ours
            _silence_stdout()
        except OSError as err:
            if out is sys.stdout:
                raise _HelpNotWritten("cannot write to standard output: "
                                      f"{err.strerror or err}") from None

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        choices = action.choices
        if choices is not None and isinstance(value, str) and value not in choices:
            from pactsim.errors import did_you_mean

            hint = did_you_mean(value, [c for c in choices if isinstance(c, str)])
            if hint:  # `pactsim valdate`: say which was meant
                listed = ", ".join(repr(c) for c in choices)
                raise argparse.ArgumentError(
                    action, f"invalid choice: {value!r}{hint} (choose from {listed})")
        super()._check_value(action, value)


def build_parser() -> argparse.ArgumentParser:
    """The ``pactsim`` argument parser (cheap: it imports nothing heavy)."""
    parser = _Parser(
        prog="pactsim", formatter_class=_Formatter,
        description="Forecast international agreements from scenario files (YAML).\n"
                    "The format is described in the README; `pactsim schema` prints its "
                    "JSON Schema.",
        epilog=EXIT_STATUS)
    parser.add_argument("--version", action="version", version=f"pactsim {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="show tracebacks on errors (also accepted after the command)")
    common = _Parser(add_help=False)  # global options, after the command too
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, helptext: str, func: Callable[[argparse.Namespace], int]
                ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=helptext, description=helptext, parents=[common],
                           formatter_class=_Formatter,
                           epilog="Exit status and file safety: see `pactsim --help`.")
        p.set_defaults(func=func)
        return p

    def out_option(p: argparse.ArgumentParser, helptext: str) -> None:
        p.add_argument("-o", "--out", metavar="PATH",
                       help=helptext + "; written atomically, checked before any work")

    def format_option(p: argparse.ArgumentParser, formats: Sequence[str], text: str,
                      name: str = "table", said: dict[str, str] | None = None) -> None:
        """--format: the text output is ``name`` (``table`` or ``text``, as the command
        always called it); every command takes the other spelling too."""
        other = "text" if name == "table" else "table"
        p.add_argument("--format", choices=["table", "text", *formats], default="table",
                       type=lambda v: "table" if v == "text" else v, action=_OneFormat,
                       metavar="{" + ",".join([name, *formats]) + "}",
                       help=f"{name} (the default, unless -o names a "
                            + " or ".join(f".{f}" for f in formats)
                            + f" file; `{other}` is the same): {text}; "
                            + "; ".join(f"{f}: " + (said or _FORMATS).get(f, _FORMATS[f])
                                        for f in formats))
        p.set_defaults(_formats=(name, *formats))
        for f in formats:  # --json for --format json, as people type it
            p.add_argument(f"--{f}", dest="format", action=_OneFormat, nargs=0, const=f,
                           help=f"the same as --format {f}")

    def simulation_options(p: argparse.ArgumentParser, seed_help: str) -> None:
        p.add_argument("-n", type=_draws, default=None, metavar="N",
                       help="number of draws (default {default_n}; at most {max_n}); "
                            "1e6 and 1_000_000 also work")
        p.add_argument("--seed", type=_seed, default=None, help=seed_help)
        p.add_argument("--workers", type=_workers, default=1, metavar="K",
                       help="worker processes (default 1)")
        p.add_argument("--target-se", type=_target_se, default=None, metavar="SE",
                       help="stop once every reported probability has a standard error of at "
                            "most SE (e.g. 0.001); -n is then the cap (default 10^8); not "
                            "under news (a file's observations, or evidence)")

    p = command("validate", "check scenario files; one line per problem", _cmd_validate)
    p.description = (
        "Check scenario files without running them: 'FILE: ok', or one line per problem,\n"
        "FILE:LINE:COLUMN: field: what is wrong (exit status 2). A resolution file\n"
        "(resolutions: 1) is checked as one; `pactsim score` checks its names against\n"
        "the scenario.\n\n"
        "examples:\n"
        "  pactsim validate scenarios/*.yaml\n"
        "  pactsim validate scenarios/backtest/*.yaml")
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="scenario files (YAML); resolution files too")

    p = command("run", "simulate a scenario and print the forecast", _cmd_run)
    p.description = (
        "Simulate a scenario and print the forecast: its questions, the signing curve,\n"
        "pillars and clauses, the timeline of dated nodes, context events, numeric\n"
        "questions and the most frequent texts, each with its Monte Carlo interval\n"
        "(--method exact: the same tables, exact, from exact inference).\n\n"
        "examples:\n"
        "  pactsim run scenarios/iran-russia-2024.yaml -n 1e6 --seed 7\n"
        "  pactsim run FILE --target-se 0.001\n"
        "  pactsim run FILE --evidence mutual_defence --soft 'drones_missiles:3'\n"
        "  pactsim run FILE --format json -o forecast.json\n"
        "  pactsim run FILE --method exact             # exact percentages, no draws\n\n"
        "environment:\n"
        "  PACTSIM_KERNELS=numba|numpy|auto  how dated nodes are drawn: auto (the\n"
        "    default) uses the compiled loops of the fast extra (pip install\n"
        "    'pactsim[fast]') on runs of 10^8 dated days or more; numba on every\n"
        "    run (blocks of 1,024 draws or more). The same draws either way (README,\n"
        "    Performance)")
    p.add_argument("file", metavar="FILE", help="scenario file (YAML)")
    simulation_options(p, "random seed, a whole number >= 0 (default: a fresh one below "
                          "10^9, printed so the run can be repeated)")
    format_option(p, ["json", "csv"], "the forecast as text tables")
    out_option(p, "write here instead of standard output")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar (default: on long runs in a terminal)")
    p.add_argument("--spread", type=_spread_n, nargs="?", const=1000, default=None,
                   metavar="N",
                   help="each true/false question's 80%% band over the uncertain inputs "
                        "(between/beta numbers), from N parameter draws (seed 0; table "
                        f"format). Shown by default with {RUN_SPREAD_N} draws when exact "
                        "inference answers the scenario and they take at most "
                        f"{RUN_SPREAD_SECONDS:g} s of CPU; --spread alone uses 1,000, "
                        "--spread 0 turns it off (else at least 20)")
    p.add_argument("--evidence", action="append", default=None, metavar="EXPR",
                   help="condition on what became known: EXPR holds (repeatable, all must "
                        "hold; e.g. 'mutual_defence', 'not signing.date <= 2024-12-01'). "
                        "Draws are weighted (rare evidence works; impossible evidence is "
                        "refused before sampling) and the output gives the effective "
                        "sample size; added to the file's observations")
    p.add_argument("--soft", action="append", default=None, metavar="EXPR:RATIO", type=_soft,
                   help="soft evidence: news RATIO times as likely if EXPR holds as if not "
                        "(repeatable; e.g. 'drones_missiles:3', 'signing:0.5')")
    p.add_argument("--method", choices=_RUN_METHODS, default="mc",
                   help="mc (the default; montecarlo is the same): Monte Carlo with -n "
                        "draws; exact: exact inference, the same tables with exact "
                        "percentages and no intervals (refused, with the reason, for a "
                        "scenario beyond it); auto: exact where it answers, else Monte Carlo")

    p = command("check", "consistency lint: never-true nodes, unreachable rows, constant "
                         "questions", _cmd_check)
    p.description = (
        "Lint scenario files that validate: nodes that can never be true, table rows\n"
        "no draw reaches, questions whose answer is fixed, milestones that cannot happen\n"
        "by the horizon, ... One line per finding, or 'FILE: no findings'. Exit status 1\n"
        "when something was found (0 when the only note is that exact checks were\n"
        "skipped), 2 for a file that does not validate. Each finding ends with its\n"
        "rule in brackets; --ignore leaves a rule's findings out (then 'FILE: N more\n"
        "ignored', or 'FILE: no findings (N ignored)'). The rules:\n"
        + textwrap.fill(", ".join(CHECK_RULES), 79, initial_indent="  ",
                        subsequent_indent="  ", break_on_hyphens=False) + "\n\n"
        "examples:\n"
        "  pactsim check scenarios/*.yaml\n"
        "  pactsim check --ignore unused-source,open-past scenarios/*.yaml")
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario files (YAML)")
    p.add_argument("--ignore", action="append", type=_rules, default=[], metavar="RULE[,RULE]",
                   help="leave out the findings of these rules (repeatable; the rules are "
                        "listed above)")

    p = command("report", "write a self-contained HTML report", _cmd_report)
    p.description = (
        "Write a self-contained HTML page (plots inside, nothing to fetch) with the\n"
        "forecast, what drives its first question (or --question), the inputs with their\n"
        "reasons, and optional sections: how it scored (--resolutions) and what changed\n"
        "from another version (--compare). Every file is read and every option checked\n"
        "before the run.\n\n"
        "examples:\n"
        "  pactsim report scenarios/iran-russia-2024.yaml    # iran-russia-2024.html\n"
        "  pactsim report FILE -o report.html -n 1e6 --seed 7\n"
        "  pactsim report FILE -r res.yaml --compare old.yaml -q in_force_by_2025")
    p.add_argument("file", metavar="FILE", help="scenario file (YAML)")
    out_option(p, "where to write the page (default: FILE's name with .html, here)")
    simulation_options(p, "random seed, a whole number >= 0 (default: a fresh one below "
                          "10^9, shown in the report)")
    p.add_argument("--top", type=_top, default=10, metavar="K",
                   help="how many frequent texts to show (default 10)")
    p.add_argument("--resolutions", "-r", default=None, metavar="RES",
                   help="resolution file (YAML) of this scenario: adds a section scoring the "
                        "forecast against what happened (as `pactsim score` does)")
    p.add_argument("--compare", default=None, metavar="A",
                   help="an earlier or other version of the scenario (YAML): adds a section "
                        "'What changed from A' (as `pactsim diff A FILE` prints)")
    p.add_argument("-q", "--question", default=None, metavar="Q", action=_Once,
                   help="the question of the sections 'What drives it' (as `pactsim "
                        "sensitivity` takes it; default: the first true/false question) "
                        "and 'What changed from A' (a true/false question; default: the "
                        "one that changes most)")
    p.add_argument("--method", choices=_RUN_METHODS, default="mc",
                   help="the page's forecast by mc (the default; montecarlo is the same): "
                        "Monte Carlo with -n draws; exact: exact inference, exact "
                        "percentages and no intervals (refused, with the reason, for a "
                        "scenario beyond it); auto: exact where it answers the whole page "
                        "(whole texts aside, a note when too wide), "
                        "else Monte Carlo. What drives it, the history and what changed "
                        "are exact where they can be either way")

    p = command("diff", "what changed from scenario A to B, and which edit did it",
                _cmd_diff)
    p.description = (
        "Compare two scenario files: the change of every question, node (P and P given\n"
        "signed) and median date from A to B, then the change of the questions asked\n"
        "split over the edits (the leaf-level differences between the files): one edit\n"
        "at a time, and Shapley values, which sum to the change.\n\n"
        "Exact inference where it works (standard errors 0); elsewhere Monte Carlo with\n"
        "the same seed for A, B and every variant, so each change's standard error is\n"
        "that of the paired draws (common random numbers), far below two independent\n"
        "runs' when the files list the same nodes in the same order. Edits that only\n"
        "make sense together are applied together (the output says which).\n\n"
        "examples:\n"
        "  pactsim diff old.yaml new.yaml\n"
        "  pactsim diff old.yaml new.yaml --question signed_by_2024 -q in_force_by_2025\n"
        "  pactsim diff old.yaml new.yaml --method mc -n 1e6 --seed 7\n"
        "  pactsim diff old.yaml new.yaml --format json -o d.json")
    p.add_argument("a", metavar="A", help="the scenario file changed from (YAML)")
    p.add_argument("b", metavar="B", help="the scenario file changed to (YAML)")
    p.add_argument("-q", "--question", action="append", default=None, metavar="Q",
                   help="a boolean question, node or expression to attribute to the edits "
                        "(repeatable; default: the question whose P changes most)")
    p.add_argument("-n", type=_draws, default=None, metavar="N",
                   help="Monte Carlo draws per scenario and variant, where exact inference "
                        "cannot answer (default {default_n})")
    p.add_argument("--seed", type=_seed, default=None,
                   help="Monte Carlo seed, shared by A, B and the variants (default 0)")
    p.add_argument("--method", choices=_METHODS, default="auto",
                   help="exact inference where it works and Monte Carlo elsewhere (auto, the "
                        "default), or force one (mc and montecarlo are the same)")
    p.add_argument("--permutations", type=_top, default=64, metavar="K",
                   help="random orders averaged for Shapley values when there are more than "
                        "8 edits (default 64)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar over the variants of the random orders (default: on "
                        "when there are 100 or more, in a terminal)")
    format_option(p, ["json"], "the changes and their attribution", "text")
    out_option(p, "write here instead of standard output")

    p = command("sensitivity", "what drives a question: a tornado of every input, and what "
                               "to watch (value of information)", _cmd_sensitivity)
    p.description = (
        "What drives one question of a scenario.\n\n"
        "Tornado: every number of the file (each p, table cell, `by` point, odds factor,\n"
        "hazard ratio, driver parameter, delay) is swung over its range, one at a time,\n"
        "the rest held, and the question's answer at both ends is shown, largest swing\n"
        "first. The range is the stated 90% interval of an uncertain number (between,\n"
        "beta); for a fixed one: ±1 in log-odds for a probability (--logit-range), ÷/× 2\n"
        "for an odds factor or hazard ratio, ±0.5 sd for a driver's mean and ÷/× 1.5 for\n"
        "its sd, ±20% for a delay. A categorical node's outcome probabilities (levels, or\n"
        "a row of its table) are swung one outcome at a time, the other outcomes rescaled\n"
        "so they still sum to 1 (rows like instc.levels.named).\n\n"
        "What to watch: for each binary node X (context events first), P(Q | X) and\n"
        "P(Q | not X), and what learning X is worth: the expected move of the forecast\n"
        "and the expected reduction of its Brier score and log loss; for a categorical\n"
        "node also each outcome (X == l against the rest). A node whose answer settles\n"
        "the question (X itself for -q X) is left out, with a note.\n\n"
        "Exact inference where it works (no noise); elsewhere Monte Carlo with the same\n"
        "seed for every variant (common random numbers); the output says which.\n\n"
        "examples:\n"
        "  pactsim sensitivity scenario.yaml   # the first true/false question\n"
        "  pactsim sensitivity scenario.yaml --question in_force_by_2025\n"
        "  pactsim sensitivity scenario.yaml -q 'in_force.date <= 2025-06-30' --top 5\n"
        "  pactsim sensitivity scenario.yaml -q in_force.median --format json -o s.json")
    p.add_argument("file", metavar="FILE", help="scenario file (YAML)")
    p.add_argument("-q", "--question", default=None, metavar="Q", action=_Once,
                   help="a question's name, a binary node, a true/false expression, or "
                        "NODE.median (a dated node's median date if it happens); default: "
                        "the first true/false question, as the report takes it")
    p.add_argument("--top", type=_top, default=15, metavar="K",
                   help="rows of each table (default 15)")
    format_option(p, ["json"], "the tornado and what to watch as tables", "text")
    p.add_argument("-n", type=_draws, default=None, metavar="N",
                   help="Monte Carlo draws per variant, where exact inference cannot answer "
                        "(default 20,000)")
    p.add_argument("--seed", type=_seed, default=None,
                   help="Monte Carlo seed, shared by every variant (default 0)")
    p.add_argument("--method", choices=_METHODS, default="auto",
                   help="exact inference where it works and Monte Carlo elsewhere (auto, the "
                        "default), or force one (mc and montecarlo are the same)")
    p.add_argument("--logit-range", type=_logit_range, default=1.0, metavar="L",
                   help="range of a fixed probability, ± L in log-odds (default 1)")
    p.add_argument("--no-voi", action="store_true",
                   help="skip the value of information (the tornado only)")
    out_option(p, "write here instead of standard output")

    p = command("history", "the forecast as of each observation date: the priors, then "
                           "after each day's news (observations:)", _cmd_history)
    p.description = (
        "The forecast history of a scenario file: each true/false question's probability\n"
        "under the priors (as of as_of), then after each date of its observations:\n"
        "section, given every observation learnt on or before that date. Below the table,\n"
        "what was learnt on each date and its source.\n\n"
        "Exact inference where it works (no noise); elsewhere a Monte Carlo run per date\n"
        "weighted by its evidence, the same seed every date (common random numbers), with\n"
        "the standard error of each number.\n\n"
        "examples:\n"
        "  pactsim history scenarios/variants/iran-russia-2024-news.yaml\n"
        "  pactsim history FILE -q signed_by_q1_2025 -q 'in_force.date <= 2025-06-30'\n"
        "  pactsim history FILE --json -o history.json")
    p.add_argument("file", metavar="FILE", help="scenario file (YAML) with observations:")
    p.add_argument("-q", "--question", action="append", default=None, metavar="Q",
                   help="a question's name or a true/false expression to follow (repeatable; "
                        "default: every true/false question)")
    format_option(p, ["json"], "the history as a table", "text",
                  said={"json": "JSON, one record per date and question, with every number"})
    p.add_argument("--method", choices=_METHODS, default="auto",
                   help="exact inference where it works and Monte Carlo elsewhere (auto, the "
                        "default), or force one (mc and montecarlo are the same)")
    p.add_argument("-n", type=_draws, default=None, metavar="N",
                   help="Monte Carlo draws, where exact inference cannot answer "
                        "(default 200,000)")
    p.add_argument("--seed", type=_seed, default=None, help="Monte Carlo seed (default 0)")
    out_option(p, "write here instead of standard output")

    p = command("score", "score scenarios against resolution files: Brier and log scores "
                         "with baselines, dates, track records", _cmd_score)
    p.description = (
        "Score scenario files against resolution files (what happened): each item's\n"
        "Brier and log scores next to two baselines (0.5 and the base rate), dated nodes\n"
        "by the log score of their day, CRPS and 80% coverage; several versions of one\n"
        "scenario (same id) give a track record. Exact inference where it answers.\n"
        "--resolutions takes every file name after it: give the scenarios first.\n\n"
        "examples:\n"
        "  pactsim score scenarios/iran-russia-2024.yaml \\\n"
        "      -r scenarios/backtest/iran-russia-2024.resolutions.yaml\n"
        "  pactsim score old.yaml new.yaml -r res.yaml --calibration\n"
        "  pactsim score FILE -r res.yaml --format csv -o scores.csv")
    p.add_argument("files", nargs="*", metavar="SCENARIO",
                   help="scenario files; several with one id are versions (a track record)")
    p.add_argument("--resolutions", "-r", nargs="+", required=True, metavar="FILE",
                   help="resolution files (YAML), one per scenario id")
    p.add_argument("--method", choices=_METHODS, default="auto",
                   help="exact inference where it can answer (auto, the default), or force one "
                        "(mc and montecarlo are the same)")
    p.add_argument("-n", type=_draws, default=None, metavar="N",
                   help="Monte Carlo draws where exact inference cannot answer "
                        "(default {default_n})")
    p.add_argument("--seed", type=_seed, default=None, help="Monte Carlo seed (default 0)")
    format_option(p, ["json", "csv"], "the score card as text")
    p.add_argument("--calibration", action="store_true",
                   help="also print the calibration table and decompositions (table format)")
    out_option(p, "write here instead of standard output")

    p = command("pool", "pool analysts' scenario files for one agreement: one forecast per "
                        "question, with who gave what", _cmd_pool)
    p.description = (
        "Pool analysts' scenario files for one agreement (same id, shared names): one\n"
        "probability per node and question, by the geometric mean of odds or linearly,\n"
        "optionally weighted and extremized, with each analyst's number beside it. An\n"
        "analyst is named by the file's name (alice.yaml: alice), or by as much of its\n"
        "path as tells two files of one name apart (a/x.yaml, b/x.yaml: a/x, b/x).\n\n"
        "examples:\n"
        "  pactsim pool alice.yaml bob.yaml\n"
        "  pactsim pool alice.yaml bob.yaml --method linear --weights 2,1\n"
        "  pactsim pool alice.yaml bob.yaml --extremize 1.5 --format json -o pool.json")
    p.add_argument("files", nargs="+", metavar="SCENARIO", help="two or more scenario files")
    p.add_argument("--method", choices=["geometric", "linear"], default="geometric",
                   help="geometric mean of odds (default) or linear pool")
    p.add_argument("--extremize", type=_extremize, default=1.0, metavar="A",
                   help="raise the pooled odds to this power (default 1: none)")
    p.add_argument("--weights", default=None, metavar="W1,W2,...",
                   help="one weight per file, comma-separated (default equal)")
    p.add_argument("-n", type=_draws, default=None, metavar="N",
                   help="Monte Carlo draws where exact inference cannot answer "
                        "(default {default_n})")
    p.add_argument("--seed", type=_seed, default=None, help="Monte Carlo seed (default 0)")
    format_option(p, ["json", "csv"], "the pooled forecast as text")
    out_option(p, "write here instead of standard output")

    p = command("schema", "print the JSON Schema of scenario files (formats 1 to 3)", _cmd_schema)
    p.description = (
        "Print the JSON Schema of scenario files (formats 1 to 3), for editors'\n"
        "completion and checks, or with --forecast that of `pactsim run --format json`.\n\n"
        "examples:\n"
        "  pactsim schema -o pactsim.schema.json\n"
        "  pactsim schema --forecast")
    p.add_argument("--forecast", action="store_true",
                   help="the schema of `run --format json` output instead")
    out_option(p, "write here instead of standard output")
    return parser


# --- signals, warnings and the entry point --------------------------------------------------


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would be, so the same clean-up runs for both."""


#: The signals :func:`main` received (its handlers record them before raising), so an
#: exception a signal turned into another (an import's ImportError) still reads as it.
_SIGNALLED: list[int] = []


def _traceback() -> None:
    """Print the traceback of the exception being handled (``--debug``, or a bug)."""
    import traceback

    with contextlib.suppress(Exception):  # (no stderr: the status still says it)
        traceback.print_exc()


def _bug() -> int:
    """The traceback of the exception being handled, the line that calls it a bug, and 4."""
    _traceback()
    _say(f"pactsim {__version__}: internal error (a bug, not a mistake of yours); "
         "please report it with the traceback above")
    return 4


def _stopped(err: BaseException | None) -> int:
    """Say ``interrupted`` or ``terminated`` and return its status (130, 143)."""
    terminated = isinstance(err, _Terminated) or (
        err is None and bool(_SIGNALLED) and _SIGNALLED[-1] == signal.SIGTERM)
    _say("terminated" if terminated else "interrupted")
    return 143 if terminated else 130


def _handle_signals() -> Callable[[], None]:
    """Turn SIGTERM into :class:`_Terminated` and Ctrl-C into KeyboardInterrupt, each
    recorded in :data:`_SIGNALLED`; return what undoes that."""
    owner = os.getpid()
    _SIGNALLED.clear()

    def on_term(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != owner:  # a forked worker that kept the handler: die as by default
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        signal.signal(signum, signal.SIG_IGN)  # once: the clean-up it starts is not cut short
        _SIGNALLED.append(signum)
        raise _Terminated

    def on_int(signum: int, frame: FrameType | None) -> None:
        if os.getpid() == owner:
            _SIGNALLED.append(signum)
        raise KeyboardInterrupt  # as Python's own handler does

    try:
        previous = signal.signal(signal.SIGTERM, on_term)
    except (ValueError, OSError, AttributeError):  # not the main thread, or no SIGTERM here
        return lambda: None
    previous_int = signal.getsignal(signal.SIGINT)
    if previous_int is signal.default_int_handler:  # (left alone if ignored or replaced)
        signal.signal(signal.SIGINT, on_int)

    def restore() -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)
        if previous_int is signal.default_int_handler:
            signal.signal(signal.SIGINT, previous_int)

    return restore


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: TextIO | None = None, line: str | None = None) -> None:
    """pactsim's own warnings as one plain line (Python's format adds source lines)."""
    if issubclass(category, PactsimWarning):
        _say(f"pactsim: warning: {message}")
    elif sys.stderr is not None:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def _worker_died(err: BaseException | None) -> bool:
    """A chunk failed because its worker process died (BrokenProcessPool)."""
    while err is not None:
        if type(err).__name__ in ("BrokenProcessPool", "BrokenExecutor"):
            return True
        err = err.__cause__
    return False


#: A message of the Python function a command calls starts with its name (``pool(): ``);
#: the command line says the command instead (``pactsim pool: ``).
_API_PREFIX = re.compile(r"^(pool|score|history|diff|sensitivity)\(\): ")


#: Characters of one line of a message at most (the middle of a longer one is left out).
_MAX_LINE = 2_000

#: The Python advice when kept draws would not fit (the command line has no keep_draws).
_KEEP_ADVICE = ("; use keep_draws=False (every summary still works; only new expressions and "
                "to_frame() need the draws) or fewer draws")


def _failure(err: BaseException) -> tuple[str, int] | None:
    """The one line and exit status for an error the user may meet, or None for a bug."""
    if isinstance(err, _OutputFailed):
        return str(err), 3
    if type(err).__name__ == "ExecutionError" or _worker_died(err):
        hint = ("; a worker process died (killed, or out of memory?): run again, perhaps with "
                "fewer --workers" if _worker_died(err) else "")
        return f"pactsim: {err}{hint}", 3
    if isinstance(err, PactsimError):
        line = _API_PREFIX.sub(lambda m: f"pactsim {m.group(1)}: ", str(err), count=1)
        line = line.replace(_KEEP_ADVICE, "; give a smaller -n (this command keeps the draws)")
        # a long expression echoed whole (10 kB of stderr): each line cut in the middle
        return "\n".join(elided(x, _MAX_LINE) for x in line.split("\n")), 2
    if isinstance(err, MemoryError):
        return ("pactsim: out of memory; try a smaller -n or fewer --workers, or, where exact "
                "inference is used (--method), --method mc or a nearer horizon"), 3
    if isinstance(err, OSError):
        where = f"{err.filename}: " if err.filename else ""
        return f"pactsim: {where}{err.strerror or err}", 3
    return None


#: Python advice in exact inference's refusals, and what a command-line user reads
#: instead (the command line has neither pactsim.simulate nor max_table; the hint
#: after the message names --method).
_PYTHON_ADVICE = (
    (re.compile(r"; use pactsim\.simulate for this model or expression, simplify it, or "
                r"raise max_table(?: \(to [^()]*\))?$"), "; simplify the scenario or the question"),
    (re.compile(r"; use pactsim\.simulate for this model, simplify it, or raise "
                r"max_table(?: \(to [^()]*\))?$"),
     "; simplify the scenario"),
    (re.compile(r"; use pactsim\.simulate, or raise max_table$"), ""),
    (re.compile(r";? use pactsim\.simulate, which applies odds parents draw by draw$"),
     "; Monte Carlo applies odds parents draw by draw"),
    (re.compile(r"(;|:) use pactsim\.simulate$"), ""),
    (re.compile(r"pactsim\.simulate\(\.\.\., evidence=\.\.\.\)"), "Monte Carlo"),
    (re.compile(r"needs Monte Carlo \(pactsim\.simulate\)"), "needs Monte Carlo"),
    (re.compile(r"\(pactsim\.simulate\)"), "(Monte Carlo)"),
    (re.compile(r"\babove max_table="), "above the limit of "),
    (re.compile(r"\babove \d+ × max_table = "), "above the limit of "),
    (re.compile(r"\(each within max_table, "), "(each within its own limit, "),
)


#: :data:`_PYTHON_ADVICE` where a refusal is quoted inside a longer text (the history's
#: line saying why it is Monte Carlo, a finding of `check`): each ends where the quote does.
_PYTHON_ADVICE_INSIDE = tuple(
    (re.compile(p.pattern.replace("$", r"(?=$|\s[([]|;|\n)"), re.M), w)
    for p, w in _PYTHON_ADVICE)


def _cli_words(text: str) -> str:
    """``text`` with the Python advice of the refusals it quotes in command-line words."""
    for pattern, words in _PYTHON_ADVICE_INSIDE:
        text = pattern.sub(words, text)
    return text


def _refusal(line: str, err: BaseException, args: argparse.Namespace) -> str:
    """A refusal of exact inference as the command line says it: the scenario file
    first (when the command has one; ``score`` and ``diff`` name the scenario in the
    message) and no Python advice."""
    from pactsim.errors import ExactUnsupportedError, ModelTooWideError

    if not isinstance(err, ExactUnsupportedError | ModelTooWideError):
        return line
    for pattern, words in _PYTHON_ADVICE:
        line = pattern.sub(words, line)
    for side in ("a", "b"):  # diff: the message names the side, A or B
        path = getattr(args, side, None)
        if isinstance(path, str) and line.startswith(f"scenario {side.upper()}: "):
            line = f"{printable(path)}: " + line[len("scenario A: "):]
    for sid, path in getattr(args, "scenario_files", {}).items():  # score: by id
        if line.startswith(f"scenario {sid}: "):
            line = f"{printable(path)}: " + line[len(f"scenario {sid}: "):]
            break
    file = getattr(args, "file", None)
    if isinstance(file, str) and not line.startswith(f"{printable(file)}:"):
        line = f"{printable(file)}: {line}"
    return line


def _exact_hint(err: BaseException, args: argparse.Namespace) -> str:
    """What a command-line user does when ``--method exact`` is refused (the message
    names the Python function)."""
    from pactsim.errors import ExactUnsupportedError, ModelTooWideError

    if isinstance(err, ExactUnsupportedError | ModelTooWideError) and \
            getattr(args, "method", None) == "exact":
        if getattr(args, "func", None) in (_cmd_run, _cmd_report):  # mc by default
            return (" (here: --method auto answers by Monte Carlo what exact inference "
                    "refuses; --method mc, the default, always does)")
        return (" (here: --method auto, the default, answers by Monte Carlo what exact "
                "inference refuses; --method mc always does)")
    return ""


def _status(code: Any) -> int:
    if code is None:
        return 0
    return int(code) if isinstance(code, int) else 1


#: Findings given on the command line at most (pactsim.language.evidence.MAX_FINDINGS).
_MAX_FINDINGS_ARGS = 1_000


def _too_many_findings(argv: Sequence[str]) -> str:
    """The refusal of more ``--evidence``/``--soft`` options than findings are accepted,
    said before argparse reads them (it takes quadratic time over many options: 20,000
    took 12 s to be refused); ``""`` when there are not too many."""
    def finding(arg: object) -> bool:  # --evidence, --soft, or a prefix argparse takes
        if not isinstance(arg, str) or not arg.startswith("--"):
            return False
        flag = arg.split("=", 1)[0]
        return len(flag) >= 4 and ("--evidence".startswith(flag) or "--soft".startswith(flag))

    count = sum(1 for a in argv if finding(a))
    if count > _MAX_FINDINGS_ARGS:
        return f"evidence: {count:,} findings; at most {_MAX_FINDINGS_ARGS:,}"
    return ""


def _stray(parser: argparse.ArgumentParser, args: argparse.Namespace,
           extra: Sequence[str], argv: Sequence[str]) -> None:
    """Refuse arguments no option takes with the command's own usage (argparse would
    print the top-level usage, which does not show the command's options), and, where
    the command takes ``-q``, say that a question is given with it. An argument written
    before the command is the top level's, and is refused with its usage."""
    choices: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            choices = dict(action.choices)
    at = list(argv).index(args.command) if args.command in argv else len(argv)
    before = set(list(argv)[:at])
    sub = choices.get(args.command or "", parser) if not before & set(extra) else parser
    message = f"unrecognized arguments: {printable(' '.join(extra))}"
    takes_q = any("--question" in a.option_strings for a in sub._actions)
    looks_like_a_file = any("/" in x or x.endswith((".yaml", ".yml")) or os.path.exists(x)
                            for x in extra)
    if takes_q and not looks_like_a_file and not any(x.startswith("-") for x in extra):
        message += f" (a question is given with -q, as in -q {printable(shlex.quote(extra[0]))})"
    sub.error(message)


#: Options whose value may start with "-" (a negative number): argparse would take
#: ``--weights -1,2`` for an option and say "expected one argument"; joined as
#: ``--weights=-1,2`` the value reaches the option's own check, which says what is wrong.
_NUMBER_OPTIONS = ("--weights", "--extremize", "--seed", "--target-se", "--top", "-n")
_NEGATIVE = re.compile(r"^-[0-9.][0-9.,eE_+-]*$")


def _join_negative_values(argv: Sequence[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(argv):
        a = str(argv[i])
        if a in _NUMBER_OPTIONS and i + 1 < len(argv) and _NEGATIVE.match(str(argv[i + 1])):
            out.append(f"{a}={argv[i + 1]}" if a.startswith("--") else f"{a}{argv[i + 1]}")
            i += 2
            continue
        out.append(a)
        i += 1
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pactsim`` console script; returns the exit status."""
    restore = _handle_signals()  # first: reading the options may import numpy (``-n``)
    try:
        return _main(argv)
    finally:
        restore()


def _main(argv: Sequence[str] | None) -> int:
    try:
        parser = build_parser()
        many = _too_many_findings(sys.argv[1:] if argv is None else argv)
        if many:
            _say(many)
            return 2
        argv = _join_negative_values(sys.argv[1:] if argv is None else argv)
        try:
            args, extra = parser.parse_known_args(argv)
            if extra:
                _stray(parser, args, extra, sys.argv[1:] if argv is None else argv)
            if args.command is None:
                parser.print_help()
                return 2
        except SystemExit as done:  # --help, --version, or a usage error (already printed)
            return _status(done.code)
        except _HelpNotWritten as err:  # --help, --version or no command > /dev/full
            _silence_stdout()
            _say(str(err))
            return 3
    except KeyboardInterrupt as err:  # Ctrl-C while the options are read (``-n`` imports)
        return _stopped(err)
    except Exception:
        if _SIGNALLED:  # a signal that reached an import became its ImportError
            return _stopped(None)
        return _bug()
    from pactsim import _progress  # (light: no numpy before the command needs it)

    _progress.long_run_note = lambda line: _say(f"pactsim: note: {line}")
    try:
        _format_from_name(args)
        with warnings.catch_warnings():
            if not args.debug:
                warnings.showwarning = _show_warning
                warnings.simplefilter("default", PactsimWarning)
            return int(args.func(args))
    except KeyboardInterrupt as err:
        if args.debug:  # the traceback, then the usual line and status
            _traceback()
        return _stopped(err)
    except BrokenPipeError:  # the reader stopped reading: not an error of ours
        _silence_stdout()
        return 0
    except Exception as err:
        if _SIGNALLED:  # a signal raised inside a C extension's import comes out as an
            # ImportError ("initialization failed"), or as what failed after it: the run
            # was stopped, which is what to say (review-cli, 2026-12-04: exit 4, "a bug")
            if args.debug:
                _traceback()
            return _stopped(None)
        failure = _failure(err)
        if failure is None:  # a bug: its traceback is what a report needs
            return _bug()
        if args.debug:  # the traceback, then the usual line and status
            _traceback()
        if isinstance(err, _OutputFailed) and err.stdout:
            _silence_stdout()
        _say(_refusal(failure[0], err, args) + _exact_hint(err, args))
        return failure[1]
    finally:
        _progress.long_run_note = None


def console() -> None:  # pragma: no cover - exercised by tests/integration/test_cli_signals.py
    """The ``pactsim`` console script: :func:`main`, then exit with its status. After
    a run stopped its pool without waiting (a worker died, an interrupt, a signal:
    :func:`pactsim.backends.stop_pool`) the process ends at once (``os._exit``,
    streams flushed): Python would join the pool's thread at exit, and that thread
    can be stuck for good reading a killed worker's half-written result."""
    code = main()
    backends = sys.modules.get("pactsim.backends")  # no pool without it (~15 ms to import)
    if backends is not None and backends.pool_abandoned():
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                if stream is not None:
                    stream.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    console()
