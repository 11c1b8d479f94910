"""Interventions: ``do`` sets nodes, cutting what they depend on (issue 11, item 5).

Conditioning (``res.prob(x, given="mutual_defence")``) asks "if the text turns
out to have a defence article, what else is likely?": evidence about one node
is evidence about its causes (closer alignment, a new escalation) and through
them about everything else. An intervention (``do={"mutual_defence": True}``)
asks "if Moscow decided to add a defence article": the node is set, its own
causes are cut, and only what depends on it changes.

:func:`intervene` turns a scenario and a mapping of settings into a new,
validated scenario, so Monte Carlo and exact inference answer it alike:

===============================  ==================================================
setting                          the node becomes
===============================  ==================================================
event, pillar, clause: ``True``  ``p: 1`` without ``given``/``table``/``odds``/
                                 ``requires``/``excludes`` (a pillar stays inside a
                                 signed text and a clause inside its pillar: ``do``
                                 cuts the reasons for a node, not the text's
                                 structure)
... ``False``                    ``p: 0``
a dated node: a date ``d``       happens on exactly ``d`` (in ``(as_of, horizon]``),
                                 whatever its curve, hazard ratios or anchors
a dated node: ``False``          never happens by the horizon
a categorical node: an outcome   ``levels`` with that outcome at 1 and the others at 0
(``"named"``; ``False``:         (still listed, so tests of them read), without
``absent``)                      ``given``/``table``/``odds``/gates; a clause or
                                 pillar still needs its pillar or the signing
a numeric attribute (format 3):  the fixed law ``dist: x``, without ``given``/
a number ``x``                   ``table``/``requires``/``excludes``: it has the
                                 value ``x`` in every draw (an attribute with
                                 ``round: true`` takes a whole number)
===============================  ==================================================

Drivers are latent and cannot be set; questions are expressions, not nodes. An
attribute is a leaf (no node depends on it), so fixing it changes only the
questions about it.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Mapping
from typing import Any

from pactsim.errors import ArgumentError, ArgumentTypeError, did_you_mean, printable
from pactsim.language.dates import iso_date
from pactsim.language.scenario import Scenario

__all__ = ["intervene"]



def _date(value: object, name: str) -> dt.date | None:
    # text with spaces around it is read as evidence reads it (review-api27)
    day = iso_date(value.strip() if isinstance(value, str) else value)
    if day is None and isinstance(value, str):
        raise ArgumentError(printable(f"do: {name} = {value!r} is not a date (YYYY-MM-DD)"))
    return day


def _set_outcome(node: dict[str, Any], kind: str, label: dict[str, Any], name: str,
                 value: object, outcomes: tuple[str, ...], problems: list[str]) -> None:
    """Set categorical ``name`` to the outcome ``value`` (``False``: ``absent``): its levels
    become that outcome with probability 1, the others kept at 0 (so tests of them still
    read), its table, odds and gates cut; or note in ``problems`` why it cannot be."""
    outcome = "absent" if value is False else value
    if not isinstance(outcome, str) or outcome not in outcomes:
        hint = did_you_mean(outcome, list(outcomes)) if isinstance(outcome, str) else ""
        can = " or False (absent)" if "absent" in outcomes else ""
        problems.append(printable(
            f"do: {name} = {value!r}: '{name}' is categorical; set it to one of its outcomes "
            f"({', '.join(outcomes)}){can}{hint}"))
        return
    clauses = node.get("clauses") if kind == "pillar" else None
    node.clear()
    if clauses:
        node["clauses"] = clauses
    node.update(label)
    node["levels"] = {x: 1.0 if x == outcome else 0.0 for x in outcomes}


def _set_attribute(node: dict[str, Any], name: str, value: object, whole: bool,
                   problems: list[str]) -> None:
    """Fix attribute ``name`` at the number ``value``: its law becomes that value, its
    table and gates cut (label, source and why kept); or note in ``problems`` why not."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(
            float(value)):
        problems.append(printable(f"do: {name} = {value!r}: '{name}' is a numeric attribute; "
                                  "set it to a number, e.g. {'" + name + "': 40}"))
        return
    x = float(value)
    if whole and not x.is_integer():
        problems.append(f"do: {name} = {value!r}: '{name}' takes whole numbers (round: true); "
                        f"set it to one, e.g. {math.floor(x):g} or {math.ceil(x):g}")
        return
    kept: dict[str, Any] = {k: node[k] for k in ("label", "source", "why", "round") if k in node}
    node.clear()
    node.update(kept)
    node["dist"] = int(x) if x.is_integer() else x


def intervene(sc: Scenario, settings: object) -> Scenario:
    """The scenario with each node in ``settings`` set (see the module docstring).

    ``settings`` maps node names to ``True``/``False`` (undated nodes), or to a
    date (``"2025-01-17"``, ``datetime.date``) or ``False`` (dated nodes), or to
    one of its outcomes (categorical nodes, format 3; ``False`` is ``absent``),
    and numeric attributes (format 3) to a number.

    Raises
    ------
    ArgumentTypeError
        ``settings`` is not a mapping of names to values.
    ArgumentError
        A name is not a node that can be set, or a value does not fit it (each
        such problem on its own line).
    """
    if not isinstance(settings, Mapping):
        raise ArgumentTypeError(f"do must be a mapping of node names to values, e.g. "
                                f"{{'mutual_defence': True}}, not {type(settings).__name__}")
    problems: list[str] = []
    data: dict[str, Any] = sc.model_dump(exclude_defaults=True)
    for name, value in settings.items():
        if not isinstance(name, str):
            problems.append(f"do: {name!r} is not a node name (text)")
            continue
        if name in sc.attributes:  # format 3: fix a numeric attribute's value
            _set_attribute(data["attributes"][name], name, value, sc.attributes[name].round,
                           problems)
            continue
        view = sc.nodes.get(name)
        if view is None or view.kind in ("driver", "question"):
            what = "is a driver (latent: it cannot be set; condition on it with given=)" if \
                view is not None and view.kind == "driver" else \
                "is a question (set the nodes it is about)" if view is not None else \
                "is not a node of this scenario" + did_you_mean(
                    name, [*sc.nodes, *sc.attributes])
            problems.append(printable(f"do: {name!r} {what}"))
            continue
        node = data
        for part in view.path:
            node = node.setdefault(part, {})
        label: dict[str, Any] = {k: node[k] for k in ("label", "source", "why") if k in node}
        if view.is_dated:
            when = _date(value, name) if value is not False else None
            if value is not False and when is None:
                problems.append(printable(f"do: {name} = {value!r}: '{name}' is dated; set it "
                                          "to a date (YYYY-MM-DD) or to False (never)"))
                continue
            if when is not None and not sc.as_of < when <= sc.horizon:
                problems.append(f"do: {name} = {when}: the date must be in (as_of, horizon] = "
                                f"({sc.as_of}, {sc.horizon}]")
                continue
            if when is None:  # never by the horizon
                by = {sc.horizon: 0.0}
            elif when - dt.timedelta(days=1) <= sc.as_of:
                by = {when: 1.0}
            else:  # 0 the day before, 1 on the day: all the mass on that day
                by = {when - dt.timedelta(days=1): 0.0, when: 1.0}
            node.clear()
            node.update(label)
            node["by"] = by
            continue
        outcomes = sc.outcomes.get(name)
        if outcomes is not None:  # categorical (format 3): set to one outcome
            _set_outcome(node, view.kind, label, name, value, outcomes, problems)
            continue
        if not isinstance(value, bool):
            problems.append(printable(f"do: {name} = {value!r}: '{name}' is true or false; set "
                                      "it to True or False"))
            continue
        if view.kind == "pillar":
            clauses = node.get("clauses")
            node.clear()
            if clauses:
                node["clauses"] = clauses
        else:
            node.clear()
        node.update(label)
        node["p"] = 1.0 if value else 0.0
    if problems:
        raise ArgumentError("\n".join(problems))
    if any(sc.nodes[n].is_dated for n in settings if n in sc.nodes):
        # a dated event written with `by` is format 2 (a format-3 file stays format 3)
        data["pactsim"] = max(2, int(data.get("pactsim") or 1))
    shown = ", ".join(f"{k} = {v}" for k, v in settings.items())
    data["description"] = ((data.get("description") or "").rstrip()
                           + f"\nIntervention: do({shown}).").lstrip()
    from pactsim.language.io import from_dict

    return from_dict(data, name=f"{sc.id} (do)")
