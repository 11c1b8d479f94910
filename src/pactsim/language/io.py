"""Reading and writing scenario files.

:func:`load` / :func:`loads` run the whole boundary: safe YAML parsing with
positions (:mod:`pactsim.language._yaml`), then structural and cross-reference checks
(:mod:`pactsim.language.validate`). Whatever is wrong comes back as one
:class:`~pactsim.errors.ScenarioError` listing every problem at its line.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pactsim.errors import Problem, ScenarioError
from pactsim.language._yaml import MAX_BYTES, Located, parse_yaml
from pactsim.language.scenario import Scenario
from pactsim.language.validate import validate

__all__ = ["dumps", "from_dict", "load", "loads"]

SCHEMA_COMMENT = "# yaml-language-server: $schema=./pactsim-v1.schema.json"


def loads(text: str | bytes, *, name: str = "<scenario>") -> Scenario:
    """Parse and validate scenario text.

    Parameters
    ----------
    text:
        YAML text (``str``, or UTF-8 ``bytes``).
    name:
        Shown as the file name in error messages.

    Raises
    ------
    ScenarioError
        Listing every problem as ``NAME:LINE:COL: field: message``.

    Examples
    --------
    >>> sc = loads("pactsim: 1\\nid: demo\\nas_of: 2024-01-01\\nhorizon: 2024-12-31\\n"
    ...            "events:\\n  rain: {p: 0.3}\\n")
    >>> sc.events["rain"].p
    0.3
    """
    located = parse_yaml(text, name=name)
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    return validate(located, text)


def from_dict(data: Mapping[str, Any], *, name: str = "<dict>") -> Scenario:
    """Validate plain Python data (as a YAML file would give) into a :class:`Scenario`.

    Runs every check :func:`loads` runs; problems carry field paths but no
    line numbers. Dates may be ``datetime.date`` objects, table keys ``True``
    / ``False``.
    """
    return validate(Located(dict(data), name, {}, {}))


def load(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a scenario file (see :func:`loads`)."""
    p = Path(path)
    name = str(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise ScenarioError(Problem(
                f"the file is {size:,} bytes; scenario files are limited to {MAX_BYTES:,} "
                "bytes (split it, or check you opened the right file)", path=name, line=1,
                column=1))
        data = p.read_bytes()
    except OSError as err:
        raise ScenarioError(Problem(f"cannot read the file: {err.strerror or err}", path=name)) \
            from None
    return loads(data, name=name)


def _plain(value: Any) -> Any:
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return {k: _plain(v) for k, v in value.model_dump(exclude_defaults=True).items()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# Characters YAML treats as line breaks inside plain or single-quoted scalars:
# strings holding them are written double-quoted, where they are escaped.
_BREAKS = frozenset("\x85\u2028\u2029")


def _represent_str(representer: Any, data: str) -> Any:
    if _BREAKS.intersection(data):
        return representer.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return representer.represent_str(data)


def dumps(scenario: Scenario) -> str:
    """Write a scenario back to YAML text that :func:`loads` reads as an equal scenario.

    Comments of the original file are not kept (the model does not hold them).
    """
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    # after the line above: touching .representer builds it with the settings so far
    yaml.representer.add_representer(str, _represent_str)
    buf = io.StringIO()
    buf.write(SCHEMA_COMMENT + "\n")
    yaml.dump(_plain(scenario), buf)
    return buf.getvalue()
