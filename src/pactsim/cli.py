"""The ``pactsim`` command line: a thin adapter over the public API.

Each subcommand is one library call. A :class:`~pactsim.errors.PactsimError`
becomes its message on stderr and exit status 2 (1 for ``check`` findings);
the traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from pactsim._version import __version__
from pactsim.errors import PactsimError, PactsimWarning, ScenarioError

__all__ = ["main", "write_atomic"]


def write_atomic(path: str | os.PathLike[str], text: str | bytes) -> None:
    """Write a file all at once: a temporary file in the same folder, then rename.

    An interrupted write leaves the old file (or none), never a partial one.
    """
    target = Path(path)
    data = text.encode() if isinstance(text, str) else text
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                               dir=target.parent if str(target.parent) else ".")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual mode
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _cmd_validate(args: argparse.Namespace) -> int:
    from pactsim.language.io import load

    status = 0
    for f in args.files:
        try:
            load(f)
            print(f"{f}: ok")
        except ScenarioError as err:
            print(str(err), file=sys.stderr)
            status = 2
    return status


def _cmd_run(args: argparse.Namespace) -> int:
    from pactsim.language.io import load
    from pactsim.montecarlo import simulate
    from pactsim.views.text import format_results, results_to_json, results_to_table

    sc = load(args.file)
    res = simulate(sc, n=args.n, seed=args.seed, workers=args.workers, keep_draws=False,
                   progress=None if args.progress is None else args.progress)
    if args.format == "json":
        text = results_to_json(res)
    elif args.format == "csv":
        text = results_to_table(res).to_csv(index=False)
    else:
        text = format_results(res)
    if args.out:
        write_atomic(args.out, text)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from pactsim.language.jsonschema import json_schema

    text = json.dumps(json_schema(), indent=2) + "\n"
    if args.out:
        write_atomic(args.out, text)
    else:
        sys.stdout.write(text)
    return 0


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("seeds are >= 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pactsim",
        description="Forecast international agreements from scenario files (YAML).",
        epilog="Exit status: 0 ok, 1 findings (check), 2 invalid input. The scenario "
               "format is described in the README; `pactsim schema` prints its JSON Schema.",
    )
    parser.add_argument("--version", action="version", version=f"pactsim {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("validate", help="check scenario files; one line per problem")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("run", help="simulate a scenario and print the forecast")
    p.add_argument("file", metavar="FILE")
    p.add_argument("-n", type=_positive_int, default=200_000,
                   help="number of draws (default 200000)")
    p.add_argument("--seed", type=_seed, default=None,
                   help="random seed (default: fresh; printed so runs can be repeated)")
    p.add_argument("--workers", type=_positive_int, default=1, help="worker processes")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.add_argument("--out", metavar="PATH", help="write here (atomically) instead of stdout")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar (default: on long runs in a terminal)")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("schema", help="print the JSON Schema of scenario format v1")
    p.add_argument("--out", metavar="PATH", help="write here instead of stdout")
    p.set_defaults(func=_cmd_schema)

    for name, (helptext, module_name) in _MODULE_COMMANDS.items():
        module = importlib.import_module(module_name)
        p = sub.add_parser(name, help=helptext)
        module.add_arguments(p)
        p.set_defaults(func=module.run)
    return parser


# Subcommands implemented in their own modules, each with add_arguments(parser) and
# run(args) -> exit status.
_MODULE_COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("consistency lint: never-true nodes, unreachable rows, constant questions",
              "pactsim.analysis.check"),
    "report": ("write a self-contained HTML report", "pactsim.views.report"),
}


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: TextIO | None = None, line: str | None = None) -> None:
    """pactsim's own warnings as one plain line (Python's format adds source lines)."""
    if issubclass(category, PactsimWarning):
        print(f"warning: {message}", file=sys.stderr)
    else:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pactsim`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        with warnings.catch_warnings():
            if not args.debug:
                warnings.showwarning = _show_warning
            return int(args.func(args))
    except PactsimError as err:
        if args.debug:
            raise
        print(str(err), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
