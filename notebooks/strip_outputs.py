"""Store notebooks without outputs, so that their diffs show only what was written.

Usage (from the repository root)::

    .venv/bin/python notebooks/strip_outputs.py          # strip notebooks/*.ipynb in place
    .venv/bin/python notebooks/strip_outputs.py --check  # list what is not stripped; exit 1 if any
    .venv/bin/python notebooks/strip_outputs.py PATH ... # particular notebooks

A stripped notebook has, in every code cell, no outputs and ``execution_count``
``None``, and no per-run cell metadata (execution timings, collapsed/scrolled
state); its notebook metadata is only the kernelspec and the language name (no
Python version, no widget state). ``tests/integration/test_notebooks.py`` uses
:func:`problems` to keep it that way.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

#: Cell metadata written by running or viewing a notebook, not by its author.
RUN_CELL_METADATA = ("execution", "ExecuteTime", "collapsed", "scrolled")
#: Notebook metadata kept (``language_info`` is reduced to its name).
KEPT_METADATA = ("kernelspec", "language_info")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def problems(nb: Any) -> list[str]:
    """What keeps ``nb`` (an ``nbformat`` notebook) from being stored stripped."""
    out = []
    code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    for what, bad in (
        ("have outputs", [i for i, c in code if c.get("outputs")]),
        ("have an execution_count", [i for i, c in code if c.get("execution_count") is not None]),
        (f"have run metadata ({', '.join(RUN_CELL_METADATA)})",
         [i for i, c in enumerate(nb.cells)
          if any(k in c.get("metadata", {}) for k in RUN_CELL_METADATA)]),
    ):
        if bad:
            out.append(f"{len(bad)} cell(s) {what}: cells {', '.join(map(str, bad[:8]))}"
                       + (", …" if len(bad) > 8 else ""))
    extra = sorted(set(nb.metadata) - set(KEPT_METADATA))
    if extra:
        out.append(f"notebook metadata {extra} (only {list(KEPT_METADATA)} are kept)")
    if dict(nb.metadata.get("language_info", {})) != {"name": "python"}:
        out.append("language_info has more than its name (e.g. the Python version of the "
                   "last run)")
    if dict(nb.metadata.get("kernelspec", {})) != KERNELSPEC:
        out.append(f"kernelspec is {dict(nb.metadata.get('kernelspec', {}))}, not {KERNELSPEC}")
    return out


def strip(nb: Any) -> Any:
    """Remove outputs, execution counts and run metadata from ``nb``, in place; return it."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in RUN_CELL_METADATA:
            cell.get("metadata", {}).pop(key, None)
    nb.metadata = nbformat.from_dict({"kernelspec": dict(KERNELSPEC),
                                      "language_info": {"name": "python"}})
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path,
                        help="notebooks (default: notebooks/*.ipynb)")
    parser.add_argument("--check", action="store_true",
                        help="only report notebooks that are not stripped (exit 1 if any)")
    args = parser.parse_args(argv)
    paths = args.paths or sorted(NOTEBOOKS.glob("*.ipynb"))
    bad = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        found = problems(nb)
        if not found:
            continue
        if args.check:
            bad += 1
            print(f"{path}: not stripped", *(f"  {p}" for p in found), sep="\n")
        else:
            nbformat.validate(strip(nb))
            nbformat.write(nb, path)
            print(f"{path}: stripped")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
