"""Whole-file validation of scenario data, reporting every problem at its line.

:func:`validate` takes the positioned tree from :mod:`pactsim.language._yaml` and returns
either a :class:`~pactsim.language.scenario.Scenario` or raises one
:class:`~pactsim.errors.ScenarioError` holding every :class:`Problem` found.

Sections are validated one node at a time, so a broken node does not hide the
problems of the others; cross-reference rules (names, cycles, tables, dates,
questions) run on every node whose structure is valid.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from pactsim.errors import Problem, ScenarioError, did_you_mean
from pactsim.language import expr as _expr
from pactsim.language._yaml import Key, Located
from pactsim.language.scenario import Driver, Node, Pillar, Question, Scenario, Signing

__all__ = ["NAME_PATTERN", "RESERVED_NAMES", "validate"]

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
RESERVED_NAMES = frozenset(
    {"and", "or", "not", "true", "false", "count", "all", "any", "at_least", "at_most", "exactly"}
)
_SECTIONS = ("drivers", "events", "signing", "pillars", "questions")
_META = ("pactsim", "id", "title", "description", "as_of", "horizon", "sources")
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")

Path = tuple[Key, ...]


def dotted_path(path: Sequence[Key]) -> str:
    parts = []
    for k in path:
        if isinstance(k, bool):
            parts.append("true" if k else "false")
        elif isinstance(k, dt.date):
            parts.append(k.isoformat())
        elif isinstance(k, int):
            parts.append(f"[{k}]")
        else:
            parts.append(str(k))
    return ".".join(parts).replace(".[", "[")


_FRIENDLY = {
    "missing": "is required",
    "string_type": "must be text",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "dict_type": "must be a mapping (key: value lines)",
    "list_type": "must be a list, e.g. [a, b]",
    "date_type": "must be a date written YYYY-MM-DD",
    "date_parsing": "must be a date written YYYY-MM-DD",
    "date_from_datetime_inexact": "must be a date without a time, YYYY-MM-DD",
    "literal_error": "is not allowed here",
}


class _Checker:
    def __init__(self, located: Located, lines: Sequence[str]) -> None:
        self.loc = located
        self.lines = lines
        self.problems: list[Problem] = []

    # -- reporting ----------------------------------------------------------
    def report(
        self, path: Sequence[Key], message: str, *, key: bool = False, value: object = None
    ) -> None:
        line, col = self.loc.locate(tuple(path), key=key)
        self.problems.append(
            Problem(message, dotted_path(path), self.loc.name, line, col, value)
        )

    def pydantic(self, prefix: Path, err: ValidationError, allowed: Sequence[str]) -> None:
        for e in err.errors():
            path = self._resolve(prefix, [x for x in e["loc"] if x != "[key]"])
            loc = path[len(prefix):]
            kind = e["type"]
            value = e.get("input")
            if kind == "extra_forbidden":
                name = str(loc[-1])
                self.report(
                    path,
                    f"unknown field '{name}' (allowed here: {', '.join(allowed)})"
                    + did_you_mean(name, allowed),
                    key=True,
                )
            elif kind == "missing":
                self.report(path[:-1], f"missing required field '{loc[-1]}'")
            elif kind == "literal_error" and path == ("pactsim",):
                self.report(
                    path,
                    f"= {e['input']!r}: unsupported format version (this pactsim reads "
                    "format 1; write `pactsim: 1`)",
                )
            elif kind == "literal_error":
                expected = e.get("ctx", {}).get("expected", "")
                self.report(path, f"= {e['input']!r} is not allowed (expected {expected})",
                            value=value)
            elif kind in _FRIENDLY:
                shown = e.get("input")
                self.report(path, f"= {shown!r} {_FRIENDLY[kind]}", value=value)
            elif "ctx" in e or kind.startswith(("p_", "beta", "between", "odds", "not_")):
                self.report(path, e["msg"], value=value)
            else:
                self.report(path, f"{e['msg']}", value=value)

    def _resolve(self, prefix: Path, loc: Sequence[Any]) -> Path:
        """Map pydantic's string locations back to the real keys (dates, bools)."""
        node: Any = self.loc.data
        for k in prefix:
            node = node.get(k) if isinstance(node, Mapping) else None
        out = list(prefix)
        for item in loc:
            key: Any = item
            if isinstance(node, Mapping) and item not in node:
                key = next((k for k in node if str(k) == str(item) or repr(k) == item), item)
            out.append(key)
            if isinstance(node, Mapping):
                node = node.get(key)
            elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
                node = node[key]
            else:
                node = None
        return tuple(out)

    def model(self, prefix: Path, cls: type[BaseModel], data: Any) -> BaseModel | None:
        if not isinstance(data, Mapping):
            self.report(prefix, f"= {data!r} must be a mapping (key: value lines)")
            return None
        try:
            return cls.model_validate(data)
        except ValidationError as err:
            self.pydantic(prefix, err, list(cls.model_fields))
            return None


def validate(located: Located, source_text: str = "") -> Scenario:
    """Validate positioned data into a :class:`Scenario`, or raise every problem."""
    c = _Checker(located, source_text.splitlines())
    data = located.data
    if not isinstance(data, Mapping):
        c.report((), "the top level must be a mapping of sections (pactsim, id, as_of, ...)")
        raise ScenarioError(c.problems)

    allowed_top = list(Scenario.model_fields)
    for k in data:
        if k not in allowed_top:
            c.report(
                (k,),
                f"unknown section '{k}' (allowed: {', '.join(allowed_top)})"
                + did_you_mean(str(k), allowed_top),
                key=True,
            )
    meta = _check_meta(c, data)

    # -- structure, node by node -------------------------------------------
    nodes: dict[str, tuple[str, Path, Any]] = {}  # name -> (kind, path, validated spec or None)
    pillar_of: dict[str, str] = {}
    seen: dict[str, Path] = {}

    def declare(name: Key, kind: str, path: Path, spec: Any) -> None:
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            c.report(
                path,
                f"name {name!r} is not snake_case (names start with a lowercase letter, then "
                "lowercase letters, digits or _; e.g. su35_sale)",
                key=True,
            )
            return
        if name == "signing" and kind != "signing":
            c.report(path, "name 'signing' is reserved for the `signing:` section (the date of "
                     "signing); rename this node", key=True)
            return
        if name in RESERVED_NAMES:
            c.report(path, f"name '{name}' is reserved by the expression language; rename it",
                     key=True)
            return
        if name in seen:
            first = located.locate(seen[name], key=True)[0]
            c.report(
                path,
                f"name '{name}' is already used at line {first} ({dotted_path(seen[name])}); "
                "drivers, events, signing, pillars, clauses and questions share one namespace",
                key=True,
            )
            return
        seen[name] = path
        nodes[name] = (kind, path, spec)

    def section(name: str) -> Mapping[Any, Any]:
        value = data.get(name)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            c.report((name,), f"must be a mapping of names to definitions, not {value!r}")
            return {}
        return value

    for name, raw in section("drivers").items():
        path: Path = ("drivers", name)
        d = c.model(path, Driver, raw)
        if isinstance(d, Driver):
            _check_driver(c, path, d)
        declare(name, "driver", path, d)
    for name, raw in section("events").items():
        path = ("events", name)
        declare(name, "event", path, c.model(path, Node, raw))
    if "signing" in data and data["signing"] is not None:
        s = c.model(("signing",), Signing, data["signing"])
        declare("signing", "signing", ("signing",), s)
    for name, raw in section("pillars").items():
        path = ("pillars", name)
        clauses = raw.get("clauses") if isinstance(raw, Mapping) else None
        body = {k: v for k, v in raw.items() if k != "clauses"} if isinstance(raw, Mapping) else raw
        declare(name, "pillar", path, c.model(path, Pillar, body))
        if clauses is None:
            continue
        if not isinstance(clauses, Mapping):
            c.report((*path, "clauses"), "must be a mapping of clause names to definitions")
            continue
        for cname, craw in clauses.items():
            cpath = (*path, "clauses", cname)
            declare(cname, "clause", cpath, c.model(cpath, Node, craw))
            if isinstance(cname, str):
                pillar_of[cname] = str(name)
    for name, raw in section("questions").items():
        path = ("questions", name)
        q: Any = raw
        if isinstance(raw, Mapping):
            q = c.model(path, Question, raw)
        elif not isinstance(raw, str):
            c.report(path, f"= {raw!r} must be an expression (text) or {{expr: ..., label: ...}}")
            q = None
        declare(name, "question", path, q)

    # -- cross references ---------------------------------------------------
    raw_sources = data.get("sources")
    sources: Mapping[Any, Any] = raw_sources if isinstance(raw_sources, Mapping) else {}
    binary = {n for n, (k, _, _) in nodes.items() if k in ("event", "signing", "pillar", "clause")}
    drivers = {n for n, (k, _, _) in nodes.items() if k == "driver"}
    graph: dict[str, list[str]] = {n: [] for n in nodes}
    for name, (kind, path, spec) in nodes.items():
        if kind == "pillar" and "signing" in nodes:
            graph[name].append("signing")
        if kind == "clause" and name in pillar_of:
            graph[name].append(pillar_of[name])
        if spec is None:
            continue
        src = getattr(spec, "source", None)
        if src is not None:
            for i, key in enumerate([src] if isinstance(src, str) else src):
                if key not in sources:
                    where: Path = (*path, "source") if isinstance(src, str) else (
                        *path, "source", i)
                    c.report(
                        where,
                        f"unknown source '{key}' (sources must be declared under `sources:`)"
                        + did_you_mean(key, [str(s) for s in sources]),
                    )
        if isinstance(spec, Node):
            graph[name] += _check_node(c, name, path, spec, binary, drivers, nodes)
    sig = nodes.get("signing")
    if sig is not None and isinstance(sig[2], Signing):
        _check_signing(c, sig[2], meta)

    # -- questions ----------------------------------------------------------
    q_exprs: dict[str, Any] = {}
    for name, (kind, qpath, spec) in nodes.items():
        if kind != "question" or spec is None:
            continue
        text = spec.expr if isinstance(spec, Question) else spec
        try:
            tree = _expr.parse(text)
        except ScenarioError as err:
            _rebase(c, qpath if isinstance(spec, str) else (*qpath, "expr"), err)
            continue
        q_exprs[name] = tree
        graph[name] += [n for n in _expr.names(tree) if n in nodes]
    cycles = _cycles(graph)
    for cyc in cycles:
        first = cyc[0]
        c.report(
            nodes[first][1],
            "dependency cycle " + " → ".join([*cyc, first])
            + " (nodes may not depend on themselves, directly or through others; "
            "remove one of these dependencies)",
            key=True,
        )
    if not cycles:
        _check_questions(c, nodes, q_exprs, graph)

    if c.problems:
        raise ScenarioError(c.problems)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as err:  # pragma: no cover - per-node checks should catch all
        c.pydantic((), err, allowed_top)
        raise ScenarioError(c.problems) from None
    scenario._origin = located
    return scenario


def _check_meta(c: _Checker, data: Mapping[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    fields = Scenario.model_fields
    for name in _META:
        if name not in data:
            if fields[name].is_required():
                c.report((), f"missing required field '{name}' (every scenario starts with "
                         "pactsim: 1, id, as_of and horizon)")
            continue
        try:
            annotation: Any = fields[name].annotation
            out[name] = TypeAdapter(annotation).validate_python(data[name])
        except ValidationError as err:
            c.pydantic((name,), err, [])
    if "id" in out and not _ID_PATTERN.match(out["id"]):
        c.report(("id",), f"= {out['id']!r} must be lowercase letters, digits, '.', '_' or '-' "
                 "(e.g. iran-russia-2024)")
    if "as_of" in out and "horizon" in out and out["horizon"] <= out["as_of"]:
        c.report(("horizon",), f"= {out['horizon']} must be after as_of ({out['as_of']}); the "
                 "horizon is the last date modelled")
    return out


def _check_driver(c: _Checker, path: Path, d: Driver) -> None:
    if d.dist == "normal":
        for extra in ("low", "high"):
            if getattr(d, extra) is not None:
                c.report((*path, extra), f"'{extra}' belongs to uniform drivers (normal takes "
                         "mean and sd)", key=True)
        if d.sd is None:
            c.report(path, "a normal driver needs sd (e.g. {dist: normal, mean: 0, sd: 1})")
        elif not (math.isfinite(d.sd) and d.sd > 0):
            c.report((*path, "sd"), f"= {d.sd} must be a finite number > 0")
        if d.mean is not None and not math.isfinite(d.mean):
            c.report((*path, "mean"), f"= {d.mean} must be finite")
    else:
        for extra in ("mean", "sd"):
            if getattr(d, extra) is not None:
                c.report((*path, extra), f"'{extra}' belongs to normal drivers (uniform takes "
                         "low and high)", key=True)
        if d.low is None or d.high is None:
            c.report(path, "a uniform driver needs low and high (e.g. {dist: uniform, low: -1, "
                     "high: 1})")
        elif not (math.isfinite(d.low) and math.isfinite(d.high) and d.low < d.high):
            c.report((*path, "high"), f"= {d.high} must be finite and above low ({d.low})")


def _check_node(
    c: _Checker,
    name: str,
    path: Path,
    n: Node,
    binary: set[str],
    drivers: set[str],
    nodes: Mapping[str, tuple[str, Path, Any]],
) -> list[str]:
    """Check one binary node's references and table; return its explicit parents."""
    parents: list[str] = []
    known = list(nodes)

    def ref(where: Path, ref_name: str, what: str, *, allow_driver: bool = False) -> bool:
        if ref_name == name:
            c.report(where, f"'{name}' cannot depend on itself")
            return False
        if ref_name not in nodes:
            c.report(where, f"unknown name '{ref_name}' ({what})" + did_you_mean(ref_name, known))
            return False
        ok = ref_name in binary or (allow_driver and ref_name in drivers)
        if not ok:
            kind = nodes[ref_name][0]
            c.report(where, f"'{ref_name}' is a {kind}; {what} must name "
                     + ("a binary node or a driver" if allow_driver else
                        "a binary node (event, signing, pillar or clause)"))
            return False
        parents.append(ref_name)
        return True

    if n.p is not None and (n.given is not None or n.table is not None):
        c.report(path, "give either p or given + table, not both (p is the chance when nothing "
                 "is conditioned on)")
    elif n.p is None and n.given is None and n.table is None:
        c.report(path, "needs a probability: p (e.g. p: 0.4) or given + table")
    elif n.table is not None and n.given is None:
        c.report((*path, "table"), "a table needs given: [parents] naming what its keys refer to",
                 key=True)
    elif n.given is not None and n.table is None:
        c.report((*path, "given"), "given needs a table: nested true/false keys in the order of "
                 "given, with a probability at each leaf", key=True)
    if n.given is not None:
        if not n.given:
            c.report((*path, "given"), "must name at least one parent")
        dup = {g for g in n.given if n.given.count(g) > 1}
        for g in sorted(dup):
            c.report((*path, "given"), f"'{g}' is listed twice")
        # a list, not a generator: every unknown parent is reported, not just the first
        ok = all([ref((*path, "given", i), g, "in given") for i, g in enumerate(n.given)])  # noqa: C419
        if ok and not dup and n.table is not None and n.given:
            _check_table(c, (*path, "table"), n.given, n.table)
    for parent in n.odds:
        ref((*path, "odds", parent), parent, "in odds", allow_driver=True)
    for field in ("requires", "excludes"):
        for i, r in enumerate(getattr(n, field)):
            ref((*path, field, i), r, f"in {field}")
    both = set(n.requires) & set(n.excludes)
    for r in sorted(both):
        c.report((*path, "excludes"), f"'{r}' is both required and excluded, so '{name}' "
                 "could never be true")
    return parents


def _check_table(c: _Checker, path: Path, given: list[str], table: Mapping[Any, Any]) -> None:
    missing: list[str] = []
    from pactsim.language.scenario import _validate_pspec

    def walk(node: Any, depth: int, where: Path, combo: tuple[bool, ...]) -> None:
        if depth == len(given):
            try:
                _validate_pspec(node)
            except Exception as err:  # PydanticCustomError / ValidationError
                msg = err.errors()[0]["msg"] if isinstance(err, ValidationError) else str(err)
                c.report(where, msg)
            return
        parent = given[depth]
        if not isinstance(node, Mapping):
            c.report(where, f"= {node!r} must be a mapping with keys true and false for "
                     f"'{parent}' (level {depth + 1} of the table follows given[{depth}])")
            return
        for k in node:
            if k not in (True, False):
                c.report((*where, k), f"key {k!r} is not true or false (level {depth + 1} of the "
                         f"table is '{parent}'; extra combinations are not allowed)", key=True)
        for value in (True, False):
            if value in node:
                walk(node[value], depth + 1, (*where, value), (*combo, value))
            else:
                for rest in itertools.product((True, False), repeat=len(given) - depth - 1):
                    full = (*combo, value, *rest)
                    missing.append(", ".join(
                        f"{g}={'true' if v else 'false'}" for g, v in zip(given, full, strict=True)
                    ))

    walk(table, 0, path, ())
    if missing:
        c.report(path, "missing combinations: " + "; ".join(missing)
                 + " (a table needs every true/false combination of given)", key=True)


def _check_signing(c: _Checker, s: Signing, meta: Mapping[str, Any]) -> None:
    as_of, horizon = meta.get("as_of"), meta.get("horizon")
    if not s.by:
        c.report(("signing", "by"), "needs at least one date: cumulative P(signed on or before "
                 "it), e.g. {2024-12-31: 0.45}")
        return
    prev_d: dt.date | None = None
    prev_p = 0.0
    for d, spec in s.by.items():
        where = ("signing", "by", d)
        if not isinstance(spec, float | int):
            c.report(where, "must be a plain number (cumulative probabilities cannot be "
                     "uncertain in format v1)")
            continue
        p = float(spec)
        if as_of is not None and d <= as_of:
            c.report(where, f"date {d} is not after as_of ({as_of}); the curve starts at 0 on "
                     "as_of", key=True)
        if horizon is not None and d > horizon:
            c.report(where, f"date {d} is after the horizon ({horizon}); move the horizon or "
                     "drop the point", key=True)
        if prev_d is not None and d <= prev_d:
            c.report(where, f"date {d} comes after {prev_d} in the file; list dates in "
                     "increasing order", key=True)
        if p < prev_p:
            c.report(where, f"= {p} is below the previous point ({prev_p}); cumulative "
                     "probabilities must not decrease")
        prev_d, prev_p = d, max(prev_p, p)


def _rebase(c: _Checker, path: Path, err: ScenarioError) -> None:
    """Re-locate expression problems (columns inside the text) into the file."""
    line, col = c.loc.locate(path)
    for p in err.problems:
        column = col
        if line is not None and col is not None and p.column is not None:
            text = c.lines[line - 1] if 0 < line <= len(c.lines) else ""
            quoted = col - 1 < len(text) and text[col - 1] in "'\""
            column = col + (p.column - 1) + (1 if quoted else 0)
        c.problems.append(Problem(p.message, dotted_path(path), c.loc.name, line, column, p.value))


def _check_questions(
    c: _Checker,
    nodes: Mapping[str, tuple[str, Path, Any]],
    q_exprs: Mapping[str, Any],
    graph: Mapping[str, list[str]],
) -> None:
    scope: dict[str, _expr.NameInfo] = {}
    for name, (kind, _path, _spec) in nodes.items():
        if kind == "driver":
            scope[name] = _expr.NameInfo("number")
        elif kind != "question":
            scope[name] = _expr.NameInfo("bool", has_date=(kind == "signing"))
    done: set[str] = set()

    def visit(name: str) -> None:
        if name in done or name not in q_exprs:
            return
        done.add(name)
        for dep in graph[name]:
            visit(dep)
        _kind, path, spec = nodes[name]
        where = path if isinstance(spec, str) else (*path, "expr")
        try:
            scope[name] = _expr.NameInfo(_expr.check(q_exprs[name], scope))
        except ScenarioError as err:
            _rebase(c, where, err)

    for name in q_exprs:
        visit(name)


def _cycles(graph: Mapping[str, list[str]]) -> list[list[str]]:
    """One cycle per strongly connected component that has one (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph.get(root, [])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in graph:
                    continue
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(graph.get(w, []))))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1 or v in graph.get(v, []):
                    out.append(_cycle_in(set(comp), graph))
    return out


def _cycle_in(comp: set[str], graph: Mapping[str, list[str]]) -> list[str]:
    start = min(comp)
    path = [start]
    seen = {start: 0}
    v = start
    while True:
        nxt = next(w for w in graph[v] if w in comp)
        if nxt in seen:
            return path[seen[nxt]:]
        seen[nxt] = len(path)
        path.append(nxt)
        v = nxt
